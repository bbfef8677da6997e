//! The `attest` command: parses arguments, calls the library, prints the result and
//! sets the exit code. Nothing else lives here.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use attest::diagnostics::{self, Diagnostic};

// A build allocates many small strings on two threads at once; mimalloc does that with
// less contention than the system allocator (a fifth of the build's time, measured).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use attest::{progress::Progress, Options, Report};

#[derive(Parser)]
#[command(
    name = "attest",
    version,
    about = "Publish versioned testing documentation as a static site"
)]
struct Cli {
    /// The project root, holding content/.
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors and warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the sources and publish the site.
    Build {
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The site's base URL, overriding site.toml (e.g. /attest/ or https://host/path/).
        #[arg(long)]
        base_url: Option<String>,
        /// Build as of this date (YYYY-MM-DD): decides which versions are in force.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Report every problem in the sources; exit 1 on errors.
    Check {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The site's base URL, overriding site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Check as of this date (YYYY-MM-DD): decides which versions are in force.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Make a minimal programme in DIR that builds as it is.
    Init { dir: PathBuf },
    /// Build into memory, serve on loopback, and rebuild and reload pages as sources change.
    Serve {
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but loopback also needs --expose.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Allow --bind to name an address other machines can reach.
        #[arg(long)]
        expose: bool,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// The site's base URL path, overriding site.toml's (default /).
        #[arg(long)]
        base_url: Option<String>,
        /// Build as of this date (YYYY-MM-DD): decides which versions are in force.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Search the index that `attest build` wrote to search-index/.
    Search {
        /// Words, "exact phrases", +required, -excluded.
        query: Vec<String>,
        /// Only clauses binding this party (an id from site.toml, e.g. users).
        #[arg(long)]
        party: Option<String>,
        /// Only this kind: svtad, tad, tcd, ctd, sctd, utsad, other, page, programme.
        #[arg(long)]
        kind: Option<String>,
        /// Only this document (e.g. FSM-TAD-R1).
        #[arg(long)]
        doc: Option<String>,
        /// Only this phase (e.g. PIT).
        #[arg(long)]
        phase: Option<String>,
        /// Only this modality: shall, shall-not, must, must-not, should, may ...
        #[arg(long)]
        modality: Option<String>,
        /// Search every version, not only the one in force.
        #[arg(long)]
        all_versions: bool,
        /// How many results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            output,
            base_url,
            date,
        } => {
            let opts = Options {
                root: cli.root.clone(),
                output,
                base_url,
                date,
            };
            let progress = Progress::for_terminal(cli.quiet);
            let report = attest::build(&opts, &|done, total| progress.update(done, total));
            progress.finish();
            print_human(&report.diagnostics, &cli.root);
            if report.has_errors() {
                eprintln!(
                    "{}",
                    summary_line(&report, "build failed; nothing was published")
                );
                return ExitCode::FAILURE;
            }
            if !cli.quiet {
                let total: f64 = report.timings.iter().map(|(_, d)| d.as_secs_f64()).sum();
                if let Some(w) = report.written {
                    println!(
                        "published {} pages ({} files, {:.1} MiB) to {} in {:.2} s",
                        report.pages,
                        w.files,
                        w.bytes as f64 / (1024.0 * 1024.0),
                        opts.output_dir().display(),
                        total
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check {
            format,
            base_url,
            date,
        } => {
            let opts = Options {
                root: cli.root.clone(),
                output: None,
                base_url,
                date,
            };
            let report = attest::check(&opts);
            match format {
                Format::Json => println!("{}", diagnostics::render_json(&report.diagnostics)),
                Format::Human => {
                    print_human(&report.diagnostics, &cli.root);
                    if !cli.quiet || report.has_errors() {
                        let outcome = if report.has_errors() {
                            "fix the errors above"
                        } else if report.diagnostics.is_empty() {
                            "no problems found"
                        } else {
                            "no errors"
                        };
                        eprintln!("{}", summary_line(&report, outcome));
                    }
                }
            }
            if report.has_errors() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve {
            port,
            bind,
            expose,
            open,
            base_url,
            date,
        } => {
            let opts = attest::serve::ServeOptions {
                build: Options {
                    root: cli.root.clone(),
                    output: None,
                    base_url,
                    date,
                },
                bind,
                port,
                expose,
            };
            let root = cli.root.clone();
            let quiet = cli.quiet;
            let tell = |m: attest::serve::Message| serve_message(&m, &root, quiet, open);
            match attest::serve::serve(&opts, &tell) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Search {
            query,
            party,
            kind,
            doc,
            phase,
            modality,
            all_versions,
            limit,
            format,
        } => {
            let q = attest::search::Query {
                text: query.join(" "),
                filters: attest::search::Filters {
                    party,
                    kind,
                    document: doc,
                    phase,
                    modality,
                },
                all_versions,
                limit,
            };
            match attest::search(&cli.root, &q) {
                Ok(outcome) => {
                    let text = match format {
                        Format::Json => {
                            serde_json::to_string_pretty(&outcome).unwrap_or_default() + "\n"
                        }
                        Format::Human => {
                            attest::search::render_human(&outcome, std::io::stdout().is_terminal())
                        }
                    };
                    // A closed pipe (`attest search ... | head`) is not an error.
                    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir } => match attest::scaffold::init(&dir) {
            Ok(files) => {
                if !cli.quiet {
                    for f in files {
                        println!("created {}", dir.join(f).display());
                    }
                    println!("now run: attest build --root {}", dir.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Prints what the preview server reports.
fn serve_message(m: &attest::serve::Message, root: &std::path::Path, quiet: bool, open: bool) {
    use attest::serve::{error_count, millis, Message};
    use std::io::Write;
    match m {
        Message::Built(outcome, files) => {
            print_human(&outcome.diagnostics, root);
            if outcome.failed() {
                eprintln!(
                    "the site did not build ({} error(s)); pages will show the errors until they are fixed",
                    error_count(&outcome.diagnostics)
                );
            } else if !quiet {
                println!(
                    "built the site into memory ({files} files) in {}",
                    millis(outcome.elapsed)
                );
            }
        }
        Message::Exposed(addr) => eprintln!(
            "warning: listening on {addr}, which other machines may reach; the preview has no authentication"
        ),
        Message::Listening(url) => {
            println!("serving {url} (press Ctrl+C to stop)");
            if open {
                let opener = if cfg!(target_os = "macos") { "open" } else if cfg!(windows) { "explorer" } else { "xdg-open" };
                if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
                    eprintln!("warning: could not open a browser ({opener}: {e}); open {url} yourself");
                }
            }
        }
        Message::Rebuilt(outcome, paths) => {
            let what = match paths {
                [one] => attest::load::rel(root, one),
                many => format!("{} files", many.len()),
            };
            if outcome.failed() {
                print_human(&outcome.diagnostics, root);
                let n = error_count(&outcome.diagnostics);
                eprintln!(
                    "{what} changed: {n} error{}; still serving the last good build",
                    if n == 1 { "" } else { "s" }
                );
            } else if !quiet {
                println!(
                    "{what} changed: {} pages rendered again, {} files changed, in {}",
                    outcome.jobs,
                    outcome.changed.len(),
                    millis(outcome.elapsed)
                );
            }
        }
    }
    let _ = std::io::stdout().flush();
}

fn print_human(diags: &[Diagnostic], root: &std::path::Path) {
    if !diags.is_empty() {
        let color = std::io::stderr().is_terminal();
        eprint!("{}", diagnostics::render_human(diags, root, color));
    }
}

/// `2 errors, 1 warning`, followed by `outcome` (or `outcome` alone when all is well).
fn summary_line(report: &Report, outcome: &str) -> String {
    let (errors, warnings) = diagnostics::counts(&report.diagnostics);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match (errors, warnings) {
        (0, 0) => outcome.to_owned(),
        (e, w) => format!(
            "{e} error{}, {w} warning{}: {outcome}",
            plural(e),
            plural(w)
        ),
    }
}
