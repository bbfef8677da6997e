//! The redline benchmark: one document with 30 versions of 500 clauses, each version
//! amending, inserting and removing clauses; the whole build (every version page, every
//! redline between consecutive versions and against the version in force, the history
//! and clause-history pages) is timed. `cargo bench --bench history -- [VERSIONS] [CLAUSES]`.

mod support;

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
    let (report, secs) = support::build(dir.path());
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
    support::print_stages(&report);
}
