//! `attest` publishes a programme's versioned testing documents as a static website.
//!
//! A build flows one way through five stages, each a module that takes the previous
//! stage's value and returns its own, with the diagnostics it found:
//!
//! 1. [`load`] reads `content/` (and the theme) into [`load::Sources`];
//! 2. [`parse`] types the TOML and scans the Markdown into the [`model`];
//! 3. [`link`] gives everything a URL and resolves every reference: a [`link::SiteGraph`];
//! 4. [`render`] turns the graph into HTML pages, in parallel, through Tera templates;
//! 5. [`emit`] writes the pages to the output folder atomically.
//!
//! Beside the site, a build writes the [`search`] indexes: tantivy's under
//! `search-index/index/` and Pagefind's into the site.
//!
//! Any error stops the build before [`emit`], so a failed build never touches the
//! published site. [`check`] runs the same stages without writing anything, and checks
//! every internal link and anchor of the pages it rendered with [`linkcheck`].
//! [`serve`] drives the same stages for a live preview, keeping the site in memory and
//! rebuilding only what a change touches.

// A `Diagnostic` is the error of most fallible functions here; it travels the cold path
// only, so boxing it would cost clarity for nothing measurable.
#![allow(clippy::result_large_err)]

pub mod corpus;
pub mod diagnostics;
pub mod emit;
pub mod link;
pub mod linkcheck;
pub mod load;
pub mod model;
pub mod parse;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use diagnostics::Diagnostic;

/// What a build or check works on.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project root, holding `content/`.
    pub root: PathBuf,
    /// Where the site is written; `public/` under the root when not given.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` in `site.toml`.
    pub base_url: Option<String>,
    /// The date the site is built for: which versions are in force, which prospective.
    /// Today when not given.
    pub date: Option<chrono::NaiveDate>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            output: None,
            base_url: None,
            date: None,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// The result of a build or check.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered (0 for a check or a failed build).
    pub pages: usize,
    /// Files written, when the site was published.
    pub written: Option<emit::Emitted>,
    /// Time spent in each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The stages up to and including link, shared by `build` and `check`.
struct Linked {
    graph: Option<link::SiteGraph>,
    tera: Option<tera::Tera>,
    statics: Vec<(String, Vec<u8>)>,
    diags: Vec<Diagnostic>,
    timings: Vec<(&'static str, Duration)>,
}

fn front_half(opts: &Options) -> Linked {
    let mut timings = Vec::new();
    let t = Instant::now();
    let (sources, mut diags) = load::load(&opts.root);
    timings.push(("load", t.elapsed()));

    let t = Instant::now();
    let (site, parse_diags) = parse::parse(&sources);
    diags.extend(parse_diags);
    drop(sources);
    timings.push(("parse", t.elapsed()));

    let t = Instant::now();
    let graph = site.map(|site| {
        let today = model::Date(
            opts.date
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        );
        let (graph, d) = link::link(site, opts.base_url.as_deref(), today);
        diags.extend(d);
        graph
    });
    timings.push(("link", t.elapsed()));

    let mut tera = None;
    let mut statics = Vec::new();
    if let Some(g) = &graph {
        match load::load_theme(&opts.root, &g.site.config.theme) {
            Ok(theme) => match render::templates(&theme) {
                Ok(t) => {
                    tera = Some(t);
                    statics = theme.statics;
                }
                Err(d) => diags.extend(d),
            },
            Err(d) => diags.push(d),
        }
    }
    Linked {
        graph,
        tera,
        statics,
        diags,
        timings,
    }
}

/// Checks the sources and the theme without writing anything. Every page is rendered
/// (and thrown away), so a template that fails on some page is found too, and every
/// internal link and anchor in the rendered pages is checked.
pub fn check(opts: &Options) -> Report {
    let linked = front_half(opts);
    let mut diags = linked.diags;
    let mut report = Report {
        timings: linked.timings,
        ..Report::default()
    };
    if let (Some(graph), Some(tera), false) = (
        &linked.graph,
        &linked.tera,
        diags.iter().any(Diagnostic::is_error),
    ) {
        let t = Instant::now();
        let links = linkcheck::LinkCheck::new(graph);
        let sink = |file: render::OutputFile| {
            links.add(&file);
            Ok(())
        };
        let rendered = render::render(graph, tera, &sink, &|_, _| {});
        report.timings.push(("render", t.elapsed()));
        match rendered {
            Ok(_) => {
                let t = Instant::now();
                diags.extend(links.finish(&linked.statics));
                report.timings.push(("links", t.elapsed()));
            }
            Err(d) => diags.extend(d),
        }
    }
    report.diagnostics = diagnostics::sorted(diags);
    report
}

/// Checks, renders and, when there is no error, publishes the site.
pub fn build(opts: &Options, progress: &(dyn Fn(usize, usize) + Sync)) -> Report {
    let linked = front_half(opts);
    let mut report = Report {
        timings: linked.timings,
        ..Report::default()
    };
    let mut diags = linked.diags;
    let (Some(graph), Some(tera)) = (linked.graph, linked.tera) else {
        report.diagnostics = diagnostics::sorted(diags);
        return report;
    };
    if diags.iter().any(Diagnostic::is_error) {
        report.diagnostics = diagnostics::sorted(diags);
        return report;
    }

    let t = Instant::now();
    let output = opts.output_dir();
    let write_failed = |e: emit::EmitError| e.to_diagnostic(&output);
    let staging = match emit::Staging::create(&output) {
        Ok(s) => s,
        Err(e) => {
            diags.push(write_failed(e));
            report.diagnostics = diagnostics::sorted(diags);
            return report;
        }
    };
    let sink = |file: render::OutputFile| staging.write(&file).map_err(write_failed);
    match render::render(&graph, &tera, &sink, progress) {
        Ok(pages) => report.pages = pages,
        Err(d) => {
            // Dropping the staging folder removes it; the output is untouched.
            diags.extend(d);
            report.diagnostics = diagnostics::sorted(diags);
            return report;
        }
    }
    report.timings.push(("render", t.elapsed()));
    if let Err(d) = search_indexes(opts, &graph, &staging, &mut report.timings) {
        diags.push(d);
        report.diagnostics = diagnostics::sorted(diags);
        return report;
    }
    let base_url = graph.base_url.clone();
    drop(graph);

    let t = Instant::now();
    match staging.commit(&linked.statics, &base_url) {
        Ok(e) => report.written = Some(e),
        Err(e) => diags.push(write_failed(e)),
    }
    report.timings.push(("swap", t.elapsed()));
    report.diagnostics = diagnostics::sorted(diags);
    report
}

/// Builds both search indexes of a linked site: Pagefind's into the staging folder, and
/// tantivy's under `search-index/index/` (replaced only once complete).
fn search_indexes(
    opts: &Options,
    graph: &link::SiteGraph,
    staging: &emit::Staging,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<(), Diagnostic> {
    let settings = search::Settings::load(&opts.root)?;
    let failed = |e: &dyn std::fmt::Display| {
        Diagnostic::file_error("search-index-failed", search::SEARCH_DIR, e.to_string())
            .with_help("nothing was published; the previous site and index are as they were")
    };
    let t = Instant::now();
    let records = search::records(graph);
    let fingerprint = search::index::fingerprint(&opts.root);
    let dir = opts.root.join(search::SEARCH_DIR).join(search::INDEX_DIR);
    // The indexes are independent, and Pagefind works on one thread a bundle: built
    // side by side, they take little more than the longest of them.
    let (tantivy, pagefind) = std::thread::scope(|s| {
        // As `search::has_other_versions`, which the search page asked.
        let other_versions = records.iter().any(|r| !r.current);
        let (records, settings) = (&records, &settings);
        let pagefind =
            s.spawn(move || search::static_index::build(records, settings, other_versions));
        let tantivy = search::index::build(records, &graph.site.config.parties, fingerprint, &dir);
        let pagefind = pagefind.join().unwrap_or_else(|_| {
            Err(search::static_index::StaticIndexError(
                "Pagefind stopped unexpectedly".into(),
            ))
        });
        (tantivy, pagefind)
    });
    tantivy.map_err(|e| failed(&e))?;
    let output = opts.output_dir();
    for file in pagefind.map_err(|e| failed(&e))? {
        staging.write(&file).map_err(|e| e.to_diagnostic(&output))?;
    }
    timings.push(("indexes", t.elapsed()));
    Ok(())
}

/// Searches the tantivy index of the project at `root`. The outcome's notes say when
/// the index is older than the sources.
pub fn search(
    root: &std::path::Path,
    query: &search::Query,
) -> Result<search::SearchOutcome, search::index::SearchFailure> {
    search::index::search_project(root, query)
}
