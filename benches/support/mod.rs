//! What the benchmarks share: building a generated corpus and reporting its stages.

use std::path::Path;
use std::time::Instant;

/// Builds the project at `root` into `root/public`, panicking if it does not build, and
/// returns the report with the build's wall time in seconds.
pub fn build(root: &Path) -> (attest::Report, f64) {
    let opts = attest::Options {
        root: root.to_path_buf(),
        output: Some(root.join("public")),
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
    (report, secs)
}

/// Prints the time each stage took.
pub fn print_stages(report: &attest::Report) {
    for (stage, d) in &report.timings {
        println!("  {stage:<7} {:>8.3} s", d.as_secs_f64());
    }
}

/// Bytes of every file below `dir`.
#[allow(dead_code)]
pub fn walk_bytes(dir: &std::path::Path) -> u64 {
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

/// The process's peak resident memory (VmHWM), in MiB.
#[allow(dead_code)]
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
