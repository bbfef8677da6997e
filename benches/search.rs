//! The search benchmark: generates a corpus of version pages, builds it (which writes
//! both search indexes), then times `attest search` queries inside the process and
//! sizes what the static search downloads for a first query.
//!
//! `cargo bench --bench search -- [VERSION_PAGES] [QUERIES] [BUILDS]` (defaults 10,000,
//! 2,000 and 3). Prints the time of each build stage of each build (`indexes` builds the
//! tantivy index and Pagefind's two bundles side by side) and the indexes' share of the
//! build, each index's time alone (the fastest of three), query latency percentiles,
//! and the static search's first-query bytes.

use std::path::Path;
use std::time::{Duration, Instant};

use attest::search::{Filters, Query, SearchIndex, Settings};

mod support;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Words of the generated corpus, and phrases, that queries are made from.
const WORDS: &[&str] = &[
    "testing",
    "evidence",
    "phase",
    "approval",
    "service",
    "incident",
    "management",
    "interface",
    "report",
    "criteria",
    "entry",
    "exit",
    "release",
    "environment",
    "data",
    "results",
    "working days",
    "User",
    "party",
    "document",
    "coverage",
    "requirement",
    "scenario",
    "defect",
    "threshold",
    "severity",
    "window",
    "publish",
    "submit",
    "review",
    "panel",
    "agree",
    "record",
    "complete",
    "\"Testing Issue\"",
    "\"Test Completion Report\"",
    "Mandatory User Testing",
    "DCC shall",
    "PIT",
    "who approves",
    "what must Users do",
];

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let pages = args.next().unwrap_or(10_000);
    let queries = args.next().unwrap_or(2_000);
    let builds = args.next().unwrap_or(3).max(1);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let spec = attest::corpus::Spec::pages(pages, 1);
    attest::corpus::generate(root, &spec).expect("corpus written");
    // Parties, so that obligations have them as in a real site.
    let site = root.join("content/site.toml");
    let mut toml = std::fs::read_to_string(&site).expect("site.toml");
    toml.push_str("\n[[parties]]\nid = \"dcc\"\nname = \"DCC\"\n\n[[parties]]\nid = \"users\"\nname = \"Users\"\naliases = [\"User\"]\n");
    std::fs::write(&site, toml).expect("site.toml written");

    // The share of the build the indexes take varies with how fast this machine writes
    // files at the moment, so the build runs several times (each replacing the last).
    let mut shares = Vec::with_capacity(builds);
    for run in 1..=builds {
        let (report, secs) = support::build(root);
        println!("build {run}: {} pages in {secs:.2} s", report.pages);
        support::print_stages(&report);
        let indexes = report
            .timings
            .iter()
            .find(|(s, _)| *s == "indexes")
            .map_or(0.0, |(_, d)| d.as_secs_f64());
        shares.push(indexes / secs);
        println!(
            "search indexes (all three, side by side): {indexes:.2} s = {:.0}% of the build",
            indexes / secs * 100.0
        );
    }
    shares.sort_by(f64::total_cmp);
    println!(
        "search indexes' share of the build over {builds} builds: median {:.0}%, range {:.0}-{:.0}%",
        shares[shares.len() / 2] * 100.0,
        shares[0] * 100.0,
        shares[shares.len() - 1] * 100.0
    );

    indexes_alone(root);

    let t = Instant::now();
    let index = SearchIndex::open(&root.join("search-index/index")).expect("index opens");
    println!(
        "open index: {:.1} ms ({} records)",
        t.elapsed().as_secs_f64() * 1000.0,
        index.manifest.records
    );
    let settings = Settings::load(root).expect("settings");
    let mut times: Vec<Duration> = Vec::with_capacity(queries);
    let mut hits = 0;
    for i in 0..queries + 100 {
        let words: Vec<&str> = (0..1 + i % 3)
            .map(|k| WORDS[(i * 7 + k * 13) % WORDS.len()])
            .collect();
        let mut q = Query::new(words.join(" "));
        match i % 5 {
            1 => {
                q.filters = Filters {
                    party: Some("dcc".into()),
                    ..Filters::default()
                }
            }
            3 => q.all_versions = true,
            _ => {}
        }
        let t = Instant::now();
        let outcome = index.search(&q, &settings).expect("search");
        let d = t.elapsed();
        // The first hundred warm the caches.
        if i >= 100 {
            times.push(d);
            hits += outcome.hits.len();
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "attest search, {} queries in process: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.1} hits a query)",
        times.len(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        hits as f64 / times.len() as f64
    );
    static_sizes(&root.join("public/pagefind"));
}

/// Each index of the build timed alone, one after another, from the same records: what
/// each costs, where the build's `indexes` stage runs them side by side.
fn indexes_alone(root: &Path) {
    let (sources, _) = attest::load::load(root);
    let (site, _) = attest::parse::parse(&sources);
    let today = attest::model::Date(chrono::Local::now().date_naive());
    let (graph, _) = attest::link::link(site.expect("the corpus parses"), None, today);
    let t = Instant::now();
    let records = attest::search::records(&graph);
    let records_secs = t.elapsed().as_secs_f64();
    let settings = Settings::load(root).expect("settings");
    let current = records.iter().filter(|r| r.current).count();
    // The fastest of three: the work is the same each time, the machine is not.
    let time = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let tantivy = time(&|| {
        attest::search::index::build(&records, &[], String::new(), &dir.path().join("index"))
            .expect("tantivy builds");
    });
    let bundle = |bundle| {
        time(&|| {
            attest::search::static_index::build_bundle(&records, bundle, &settings)
                .expect("Pagefind builds");
        })
    };
    use attest::search::static_index::Bundle;
    let (pagefind, other) = (bundle(Bundle::Current), bundle(Bundle::OtherVersions));
    println!(
        "indexes alone: records {records_secs:.2} s; tantivy {tantivy:.2} s ({} records); \
         Pagefind, current versions {pagefind:.2} s ({current} records); \
         Pagefind, other versions {other:.2} s ({} records)",
        records.len(),
        records.len() - current,
    );
}

/// What a first query fetches, at most: the client (the search page runs it without its
/// web worker), the wasm, the entry and meta files, an index chunk for each of three
/// words (the three largest chunks) and the fragments of the ten pages whose clauses
/// the search page ranks (the ten largest).
fn static_sizes(dir: &Path) {
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let files = |sub: &str| -> Vec<u64> {
        let mut v: Vec<u64> = std::fs::read_dir(dir.join(sub))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| size(&e.path()))
            .collect();
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    };
    let fixed: u64 = ["pagefind.js", "wasm.en.pagefind", "pagefind-entry.json"]
        .iter()
        .map(|f| size(&dir.join(f)))
        .sum();
    let meta: u64 = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pf_meta"))
        .map(|e| size(&e.path()))
        .sum();
    let chunks = files("index");
    let fragments = files("fragment");
    let first =
        fixed + meta + chunks.iter().take(3).sum::<u64>() + fragments.iter().take(10).sum::<u64>();
    let kb = |b: u64| b as f64 / 1024.0;
    println!(
        "static search: {} index chunks (largest {:.1} KB), {} fragments (largest {:.1} KB), meta {:.1} KB",
        chunks.len(),
        kb(chunks.first().copied().unwrap_or(0)),
        fragments.len(),
        kb(fragments.first().copied().unwrap_or(0)),
        kb(meta),
    );
    println!(
        "first query at most {:.0} KB: client and wasm {:.0}, meta {:.0}, three chunks {:.0}, ten fragments {:.0}",
        kb(first),
        kb(fixed),
        kb(meta),
        kb(chunks.iter().take(3).sum()),
        kb(fragments.iter().take(10).sum()),
    );
}
