//! The build benchmark: generates a corpus of version pages (about 8 KB of Markdown
//! each) and builds it from scratch, reporting pages a second, time per stage and peak
//! memory. `cargo bench --bench build -- [VERSION_PAGES]` (default 10,000).
//!
//! Peak memory is the process's high-water mark (VmHWM), which includes generating the
//! corpus; generation streams to disk, so the build dominates it.

use std::time::Instant;

mod support;

use support::{peak_rss_mib, walk_bytes};

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
