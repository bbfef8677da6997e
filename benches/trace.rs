//! The traceability benchmark: a generated programme with 1,000 version pages and a CTD
//! of 20,000 requirements and 100,000 test cases (20,000 scenarios besides) with four
//! result snapshots, and 78 weekly phase status snapshots, built from scratch. Reports the build time by stage, peak memory
//! and the largest HTML page. `cargo bench --bench trace -- [REQUIREMENTS] [CASES]`.

use std::path::Path;
use std::time::Instant;

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let requirements = args.first().copied().unwrap_or(20_000);
    let cases = args.get(1).copied().unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = attest::corpus::Spec::pages(1_000, 1);
    let t = Instant::now();
    attest::corpus::generate(dir.path(), &spec).expect("corpus written");
    let trace = attest::corpus::TraceSpec {
        requirements,
        cases,
        snapshots: 4,
        seed: 2,
    };
    let tests = attest::corpus::generate_trace(dir.path(), &spec, &trace).expect("trace written");
    attest::corpus::generate_status(dir.path(), 78).expect("status written");
    let trace_bytes = support::walk_bytes(&dir.path().join("content/gen/ctd/trace"));
    println!(
        "corpus: 1000 version pages, {requirements} requirements, {tests} tests ({cases} cases), {:.1} MiB of trace tables, generated in {:.2} s",
        trace_bytes as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );

    let (report, secs) = support::build(dir.path());
    println!(
        "build: {} pages in {secs:.2} s = {:.0} pages/s",
        report.pages,
        report.pages as f64 / secs
    );
    support::print_stages(&report);
    println!("peak memory (VmHWM): {:.0} MiB", support::peak_rss_mib());
    let (largest, bytes) = largest_html(&dir.path().join("public"));
    println!(
        "largest HTML page: {largest} ({:.0} KB)",
        bytes as f64 / 1000.0
    );
}

fn largest_html(dir: &Path) -> (String, u64) {
    let mut best = (String::new(), 0);
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            let inner = largest_html(&p);
            if inner.1 > best.1 {
                best = inner;
            }
        } else if p.extension().is_some_and(|x| x == "html") {
            let len = e.metadata().map_or(0, |m| m.len());
            if len > best.1 {
                best = (p.display().to_string(), len);
            }
        }
    }
    best
}
