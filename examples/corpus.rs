//! Writes a generated programme for benchmarks and scale tests:
//! `cargo run --release --example corpus -- DIR [VERSION_PAGES] [SEED]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: corpus DIR [VERSION_PAGES] [SEED]");
        return ExitCode::FAILURE;
    };
    let pages = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let spec = attest::corpus::Spec::pages(pages, seed);
    match attest::corpus::generate(&dir, &spec) {
        Ok(n) => {
            println!(
                "wrote {n} version files under {}",
                dir.join("content").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
