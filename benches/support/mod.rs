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
