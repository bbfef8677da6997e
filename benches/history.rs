//! The redline benchmark: one document with 30 versions of 500 clauses, each version
//! amending, inserting and removing clauses; the whole build (every version page, every
//! redline between consecutive versions and against the version in force, the history
//! and clause-history pages) is timed. `cargo bench --bench history -- [VERSIONS] [CLAUSES]`.

use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let versions = args.first().copied().unwrap_or(30);
    let clauses = args.get(1).copied().unwrap_or(500);
    let dir = tempfile::tempdir().expect("a temporary folder");
    attest::corpus::generate_history(dir.path(), versions, clauses, 1).expect("corpus written");
    let opts = attest::Options {
        root: dir.path().to_path_buf(),
        output: Some(dir.path().join("public")),
        base_url: None,
        date: None,
    };
    let t = Instant::now();
    let report = attest::build(&opts, &|_, _| {});
    let secs = t.elapsed().as_secs_f64();
    assert!(
        !report.has_errors(),
        "the corpus must build: {:?}",
        &report.diagnostics[..report.diagnostics.len().min(5)]
    );
    let redlines = std::fs::read_dir(dir.path().join("public/gen/svtad"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|p| usize::from(p.join("changes").is_dir()) + usize::from(p.join("compare").is_dir()))
        .sum::<usize>();
    println!(
        "history: {versions} versions of {clauses} clauses: {} pages ({redlines} redlines) built in {secs:.2} s",
        report.pages
    );
    for (stage, d) in &report.timings {
        println!("  {stage:<7} {:>8.3} s", d.as_secs_f64());
    }
}
