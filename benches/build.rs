//! The build benchmark: generates a corpus of version pages (about 8 KB of Markdown
//! each) and builds it from scratch, reporting pages a second, time per stage and peak
//! memory. `cargo bench --bench build -- [VERSION_PAGES]` (default 10,000).
//!
//! Peak memory is the process's high-water mark (VmHWM), which includes generating the
//! corpus; generation streams to disk, so the build dominates it.

use std::time::Instant;

mod support;

// The same allocator as the attest binary, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let pages: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec = attest::corpus::Spec::pages(pages, 1);
    let t = Instant::now();
    let written = attest::corpus::generate(dir.path(), &spec).expect("corpus written");
    let bytes: u64 = walk_bytes(&dir.path().join("content"));
    println!(
        "corpus: {written} version files, {:.1} MiB of sources ({:.1} KB a version), generated in {:.2} s",
        bytes as f64 / 1048576.0,
        bytes as f64 / written as f64 / 1000.0,
        t.elapsed().as_secs_f64()
    );

    let (report, secs) = support::build(dir.path());
    println!(
        "build: {} pages in {secs:.2} s = {:.0} pages/s",
        report.pages,
        report.pages as f64 / secs
    );
    support::print_stages(&report);
    println!("peak memory (VmHWM): {:.0} MiB", peak_rss_mib());
}

fn walk_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            total += walk_bytes(&p);
        } else if let Ok(m) = e.metadata() {
            total += m.len();
        }
    }
    total
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
