//! Stage 4, render: every page of the site as HTML, through the theme's Tera templates,
//! in parallel.
//!
//! Each page type has a context struct in [`context`]; the Markdown of documents and
//! pages becomes HTML in [`markdown`]. Each finished page is handed to a sink (in a
//! build, `emit`'s staging folder) so the whole site is never held in memory.

mod chart;
pub mod context;
pub mod deps;
mod highlight;
pub mod history;
mod markdown;
pub mod obligations;
pub mod paging;
mod sanitize;
pub mod search;
pub mod status;
pub mod trace;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::link::SiteGraph;
use crate::load::Theme;
use context::*;
use markdown::MarkdownContext;

pub use highlight::{stylesheet as syntax_stylesheet, Highlighter};
pub use sanitize::Sanitizer;

/// A file of the built site: its path below the output folder and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    /// Shared, so that the preview serves the very bytes rendered without copying them.
    pub bytes: std::sync::Arc<[u8]>,
    /// The page's URL when it is an HTML page listed in the sitemap.
    pub url: Option<String>,
}

/// The templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "programme.html",
    "document.html",
    "page.html",
    "404.html",
    "history.html",
    "redline.html",
    "clauses.html",
    "trace.html",
    "matrix.html",
    "requirement.html",
    "test.html",
    "status.html",
    "phase.html",
    "decisions.html",
    "obligations.html",
    "party.html",
    "search.html",
];

/// Compiles the theme's templates, with autoescaping on for HTML.
pub fn templates(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*name) {
            diags.push(Diagnostic::file_error(
                "missing-template",
                &format!("themes/{}/templates/{name}", theme.name),
                format!("the theme `{}` has no template {name}", theme.name),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let raw: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.text.as_str()))
        .collect();
    if let Err(e) = tera.add_raw_templates(raw) {
        let origin = theme
            .templates
            .values()
            .map(|t| t.origin.as_str())
            .find(|o| error_chain(&e).contains(o.rsplit('/').next().unwrap_or(o)))
            .unwrap_or("templates");
        return Err(vec![Diagnostic::file_error(
            "template-error",
            origin,
            format!("a template does not compile: {}", error_chain(&e)),
        )]);
    }
    Ok(tera)
}

/// Escapes what HTML needs escaped in text and quoted attributes, and nothing more:
/// Tera's default also escapes `/`, which makes every URL unreadable in the source.
/// Control characters other than tab and line breaks, which HTML may not hold, become
/// U+FFFD, as an HTML parser would read them.
pub(crate) fn escape_html(input: &str) -> String {
    let is_bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    // Looked for byte by byte first, as every text on every page passes here: C0
    // controls and DEL are single bytes, and C1 controls (U+0080 to U+009F) start
    // with 0xC2.
    let suspect =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F || b == 0xC2;
    let cleaned;
    let input = if input.bytes().any(suspect) && input.contains(is_bad) {
        cleaned = input.replace(is_bad, "\u{FFFD}");
        cleaned.as_str()
    } else {
        input
    };
    let mut out = String::with_capacity(input.len() + 8);
    let _ = pulldown_cmark_escape::escape_html(&mut out, input);
    out
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s.replace('\n', " ")
}

/// One page to render: which template, its context and where it goes. The indices are
/// the site graph's (programme, document, version); [`deps`] says what each job reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Home,
    Programme(usize),
    /// A version's page; for the version in force, the document's own page too, from
    /// the same rendered body.
    Document {
        pi: usize,
        di: usize,
        vi: usize,
    },
    /// A document's "see all updates" page.
    History {
        pi: usize,
        di: usize,
    },
    /// A document's clause-by-clause history.
    Clauses {
        pi: usize,
        di: usize,
    },
    /// A redline: from a version's predecessor to it, or between it and the current one.
    Redline {
        pi: usize,
        di: usize,
        vi: usize,
        compare: bool,
    },
    /// A document's feed and JSON exports.
    DocFiles {
        pi: usize,
        di: usize,
    },
    /// The feed of every version of every document.
    SiteFeed,
    /// A programme's traceability overview.
    TraceOverview(usize),
    /// One page of one view of a programme's matrix.
    Matrix {
        pi: usize,
        view: usize,
        page: usize,
    },
    Requirement {
        pi: usize,
        ri: usize,
    },
    Test {
        pi: usize,
        ti: usize,
    },
    /// A programme's trace exports.
    TraceFiles(usize),
    /// A programme's phase status dashboard.
    Status(usize),
    Phase {
        pi: usize,
        ti: usize,
    },
    Decisions(usize),
    /// A programme's status exports and feed.
    StatusFiles(usize),
    Page(usize),
    NotFound,
    /// One page of the obligations register.
    Obligations {
        page: usize,
    },
    /// The register's CSV and JSON exports, every row.
    ObligationsFiles,
    /// One page of everything one party (an index into `site.toml`'s parties) must do.
    Party {
        party: usize,
        page: usize,
    },
    /// The search page.
    Search,
}

/// Where rendered files go.
pub type Sink<'a> = dyn Fn(OutputFile) -> Result<(), Diagnostic> + Sync + 'a;

/// Renders every page into `sink`, returning the number of HTML pages. `progress` is
/// told of each finished page.
pub fn render(
    graph: &SiteGraph,
    tera: &Tera,
    sink: &Sink,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let job_sink = |_: Job, file: OutputFile| sink(file);
    let rendered = render_jobs(graph, tera, &|_| true, &job_sink, progress, None)?;
    for file in support_files() {
        sink(file).map_err(|d| vec![d])?;
    }
    Ok(rendered.pages)
}

/// Files every site has that no page template makes.
pub fn support_files() -> Vec<OutputFile> {
    vec![OutputFile {
        path: "static/syntax.css".into(),
        bytes: syntax_stylesheet().into_bytes().into(),
        url: None,
    }]
}

/// How much [`render_jobs`] rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Jobs run (a job makes one page, or a page and its data files).
    pub jobs: usize,
    /// HTML pages written.
    pub pages: usize,
}

/// Every job of the site, in a stable order.
pub fn jobs(graph: &SiteGraph) -> Vec<Job> {
    plan(graph).jobs
}

/// The jobs of a site, with what several of them read laid out once: the views of each
/// programme's matrix and the obligations register.
struct Plan {
    jobs: Vec<Job>,
    views: Vec<Vec<trace::MatrixView>>,
    register: obligations::Register,
}

fn plan(graph: &SiteGraph) -> Plan {
    let mut jobs = vec![Job::Home, Job::NotFound];
    for (pi, prog) in graph.site.programmes.iter().enumerate() {
        jobs.push(Job::Programme(pi));
        for (di, doc) in prog.documents.iter().enumerate() {
            jobs.extend((0..doc.versions.len()).map(|vi| Job::Document { pi, di, vi }));
            jobs.extend([
                Job::History { pi, di },
                Job::Clauses { pi, di },
                Job::DocFiles { pi, di },
            ]);
            let h = &graph.documents[pi][di].history;
            for vi in 0..doc.versions.len() {
                if h.changes[vi].is_some() {
                    jobs.push(Job::Redline {
                        pi,
                        di,
                        vi,
                        compare: false,
                    });
                }
                if h.to_current[vi].is_some() {
                    jobs.push(Job::Redline {
                        pi,
                        di,
                        vi,
                        compare: true,
                    });
                }
            }
        }
    }
    jobs.extend((0..graph.site.pages.len()).map(Job::Page));
    jobs.push(Job::SiteFeed);
    let views: Vec<Vec<trace::MatrixView>> = graph
        .site
        .programmes
        .iter()
        .zip(&graph.traces)
        .map(|(prog, t)| {
            if t.is_empty() {
                Vec::new()
            } else {
                trace::views(prog, t)
            }
        })
        .collect();
    for (pi, t) in graph.traces.iter().enumerate() {
        if t.is_empty() {
            continue;
        }
        jobs.extend([Job::TraceOverview(pi), Job::TraceFiles(pi)]);
        for (view, v) in views[pi].iter().enumerate() {
            jobs.extend((0..v.pages()).map(|page| Job::Matrix { pi, view, page }));
        }
        jobs.extend((0..t.requirements.len()).map(|ri| Job::Requirement { pi, ri }));
        jobs.extend((0..t.tests.len()).map(|ti| Job::Test { pi, ti }));
    }
    for (pi, s) in graph.statuses.iter().enumerate() {
        if s.is_empty() {
            continue;
        }
        jobs.extend([Job::Status(pi), Job::Decisions(pi), Job::StatusFiles(pi)]);
        jobs.extend((0..s.phases.len()).map(|ti| Job::Phase { pi, ti }));
    }
    let register = obligations::Register::of(graph);
    jobs.push(Job::ObligationsFiles);
    jobs.extend((0..register.pages()).map(|page| Job::Obligations { page }));
    for party in 0..graph.site.config.parties.len() {
        jobs.extend((0..register.party_pages(party)).map(|page| Job::Party { party, page }));
    }
    jobs.push(Job::Search);
    Plan {
        jobs,
        views,
        register,
    }
}

/// The parts of pages already rendered that a template never touches, for a caller that
/// renders the same site again: the preview, after a template change, renders every
/// page but need not turn any Markdown into HTML, nor diff any two versions, again. The
/// caller forgets what its changes touched (see `deps::Dirty::body_may_change`).
#[derive(Debug, Default)]
pub struct Bodies {
    /// Each version's body HTML, by (programme, document, version).
    versions: std::sync::Mutex<std::collections::HashMap<(usize, usize, usize), String>>,
    /// Each redline, by (programme, document, newer version, whether it compares with
    /// the version in force rather than the one before).
    redlines: std::sync::Mutex<
        std::collections::HashMap<(usize, usize, usize, bool), history::RedlinePage>,
    >,
}

impl Bodies {
    fn version(&self, at: (usize, usize, usize), render: impl FnOnce() -> String) -> String {
        cached(&self.versions, at, render)
    }

    fn redline(
        &self,
        at: (usize, usize, usize, bool),
        render: impl FnOnce() -> history::RedlinePage,
    ) -> history::RedlinePage {
        cached(&self.redlines, at, render)
    }

    /// Forgets the parts of the documents `stale` says may have changed.
    pub fn forget(&self, stale: impl Fn(usize, usize) -> bool) {
        lock(&self.versions).retain(|&(pi, di, _), _| !stale(pi, di));
        lock(&self.redlines).retain(|&(pi, di, _, _), _| !stale(pi, di));
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The value at `key` in `map`, made by `make` and kept when it is not there. The lock
/// is not held while `make` runs, so that the render threads do not wait on each other.
fn cached<K: std::hash::Hash + Eq, V: Clone>(
    map: &std::sync::Mutex<std::collections::HashMap<K, V>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(v) = lock(map).get(&key) {
        return v.clone();
    }
    let v = make();
    lock(map).insert(key, v.clone());
    v
}

/// Renders the jobs that `keep` selects into `sink`, which is told which job made each
/// file. [`render`] is this with every job selected; a preview server selects the jobs
/// whose inputs changed ([`deps`]).
pub fn render_jobs(
    graph: &SiteGraph,
    tera: &Tera,
    keep: &(dyn Fn(&Job) -> bool + Sync),
    sink: &(dyn Fn(Job, OutputFile) -> Result<(), Diagnostic> + Sync),
    progress: &(dyn Fn(usize, usize) + Sync),
    bodies: Option<&Bodies>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let site = site_context(graph);
    let mut base = tera::Context::new();
    base.insert("site", &site);
    let Plan {
        mut jobs,
        views,
        register,
    } = plan(graph);
    jobs.retain(|j| keep(j));

    let highlighter = Highlighter::new();
    let sanitizer = Sanitizer::default();
    let md = MarkdownContext {
        highlighter: &highlighter,
        sanitizer: &sanitizer,
        bodies,
    };
    let total = jobs.len();
    let done = AtomicUsize::new(0);
    let pages = AtomicUsize::new(0);
    let diags: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            let counted_sink = |file: OutputFile| {
                let is_page = file.path.ends_with(".html");
                sink(*job, file)?;
                if is_page {
                    pages.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            };
            let read = Read {
                views: &views,
                register: &register,
            };
            let r = render_job(graph, tera, &base, &md, &read, job, &counted_sink);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(n, total);
            r.err()
        })
        .collect();
    if !diags.is_empty() {
        // One broken template fails every page; the first few say it all.
        let mut diags = crate::diagnostics::sorted(diags);
        diags.truncate(10);
        return Err(diags);
    }
    Ok(Rendered {
        jobs: total,
        pages: pages.into_inner(),
    })
}

fn site_context(graph: &SiteGraph) -> SiteContext {
    let c = &graph.site.config;
    SiteContext {
        title: c.title.clone(),
        description: c.description.clone(),
        language: c.language.clone(),
        notice: c.notice.clone(),
        base: graph.base.clone(),
        r#static: format!("{}static/", graph.base),
        url: graph
            .base_url
            .contains("://")
            .then(|| format!("{}{}", crate::link::origin(&graph.base_url), graph.base)),
        programmes: graph
            .site
            .programmes
            .iter()
            .map(|p| NavLink {
                id: p.config.id.clone(),
                name: p.config.name.clone(),
                url: format!("{}{}/", graph.base, p.slug),
            })
            .collect(),
    }
}

/// What jobs read beyond the graph, laid out once by [`plan`].
struct Read<'a> {
    views: &'a [Vec<trace::MatrixView>],
    register: &'a obligations::Register,
}

fn render_job(
    graph: &SiteGraph,
    tera: &Tera,
    base: &tera::Context,
    md: &MarkdownContext,
    read: &Read,
    job: &Job,
    sink: &Sink,
) -> Result<(), Diagnostic> {
    let b = &graph.base;
    let views = read.views;
    let file = match *job {
        Job::Home => {
            let page = HomePage {
                programmes: (0..graph.site.programmes.len())
                    .map(|pi| programme_summary(graph, pi))
                    .collect(),
                pages: graph
                    .site
                    .pages
                    .iter()
                    .zip(&graph.pages)
                    .map(|(p, l)| PageLink {
                        title: p.meta.title.clone(),
                        url: l.url.clone(),
                        summary: p.meta.summary.clone(),
                    })
                    .collect(),
            };
            let info = PageInfo::new(
                graph,
                graph.site.config.title.clone(),
                b,
                graph.site.config.description.clone(),
                None,
            );
            page_file(tera, base, "home.html", &info, &[], &page, "index.html")
        }
        Job::NotFound => {
            let mut info = PageInfo::new(
                graph,
                "Page not found".into(),
                &format!("{b}404.html"),
                None,
                None,
            );
            // The 404 page is served at any address that has no page.
            info.canonical_url = None;
            let mut f = page_file(
                tera,
                base,
                "404.html",
                &info,
                &[],
                &TextPage {
                    body: String::new(),
                },
                "404.html",
            )?;
            f.url = None;
            Ok(f)
        }
        Job::Programme(pi) => {
            let prog = &graph.site.programmes[pi];
            let summary = programme_summary(graph, pi);
            let info = PageInfo::new(
                graph,
                prog.config.name.clone(),
                &summary.url,
                prog.config.summary.clone(),
                Some(prog.config.id.clone()),
            );
            let stage = |prefix: &str, id: &str, name: &str, summary: &Option<String>| StageInfo {
                id: id.to_owned(),
                name: name.to_owned(),
                summary: summary.clone(),
                anchor: stage_anchor(prefix, id),
            };
            let page = ProgrammePage {
                programme: ProgrammeDetail {
                    summary,
                    phases: prog
                        .config
                        .phases
                        .iter()
                        .map(|p| stage("phase", &p.id, &p.name, &p.summary))
                        .collect(),
                    releases: prog
                        .config
                        .releases
                        .iter()
                        .map(|r| stage("release", &r.id, &r.name, &r.summary))
                        .collect(),
                    status_url: (!graph.statuses[pi].is_empty())
                        .then(|| graph.statuses[pi].url.clone()),
                    trace: {
                        let t = &graph.traces[pi];
                        (!t.is_empty()).then(|| TraceSummary {
                            url: t.url.clone(),
                            matrix_url: format!("{}matrix/", t.url),
                            requirements: t.requirements.len(),
                            tests: t.tests.len(),
                            traced_pct: trace::pct(
                                t.figures.total.traced,
                                t.figures.total.requirements,
                            ),
                            uncovered: t.figures.total.uncovered,
                            suspect: t.figures.total.suspect,
                        })
                    },
                },
            };
            let crumbs = [home_crumb(b)];
            page_file(
                tera,
                base,
                "programme.html",
                &info,
                &crumbs,
                &page,
                &format!("{}/index.html", prog.slug),
            )
        }
        Job::Document { pi, di, vi } => {
            let mut page = document_page(graph, md, pi, di, vi);
            let prog = &graph.site.programmes[pi];
            let doc = &prog.documents[di];
            let links = &graph.documents[pi][di];
            let mut crumbs = vec![
                home_crumb(b),
                Crumb {
                    title: prog.config.name.clone(),
                    url: format!("{b}{}/", prog.slug),
                },
            ];
            let info = |title: String, url: &str| {
                PageInfo::new(
                    graph,
                    title,
                    url,
                    doc.config.summary.clone(),
                    Some(prog.config.id.clone()),
                )
            };
            let path =
                |url: &str| format!("{}index.html", url.strip_prefix(b.as_str()).unwrap_or(url));
            if vi == links.current {
                page.is_document_page = true;
                let doc_info = info(doc.config.title.clone(), &links.url);
                sink(page_file(
                    tera,
                    base,
                    "document.html",
                    &doc_info,
                    &crumbs,
                    &page,
                    &path(&links.url),
                )?)?;
                page.is_document_page = false;
            }
            crumbs.push(Crumb {
                title: doc.config.title.clone(),
                url: links.url.clone(),
            });
            let url = &links.versions[vi].url;
            let version_info = info(format!("Version {}", doc.versions[vi].meta.version), url);
            page_file(
                tera,
                base,
                "document.html",
                &version_info,
                &crumbs,
                &page,
                &path(url),
            )
        }
        Job::History { pi, di } => {
            let (doc, links, _, _) = doc_parts(graph, pi, di);
            let page = history::history_page(graph, pi, di);
            let url = history::HistoryUrls::of(links).history;
            let title = format!("{}: all updates", doc.config.id);
            doc_subpage(
                graph,
                tera,
                base,
                (pi, di),
                "history.html",
                title,
                &url,
                &page,
            )
        }
        Job::Clauses { pi, di } => {
            let (doc, links, _, _) = doc_parts(graph, pi, di);
            let page = history::clauses_page(doc, links);
            let url = history::HistoryUrls::of(links).clauses;
            let title = format!("{}: changes clause by clause", doc.config.id);
            doc_subpage(
                graph,
                tera,
                base,
                (pi, di),
                "clauses.html",
                title,
                &url,
                &page,
            )
        }
        Job::Redline {
            pi,
            di,
            vi,
            compare,
        } => {
            let (doc, links, _, _) = doc_parts(graph, pi, di);
            let h = &links.history;
            let (diff, kind, url) = if compare {
                (
                    h.to_current[vi].as_ref(),
                    "compare",
                    history::compare_url(links, vi),
                )
            } else {
                (
                    h.changes[vi].as_ref(),
                    "changes",
                    history::changes_url(links, vi),
                )
            };
            let Some(diff) = diff else {
                return Ok(());
            };
            let redline = || history::redline_page(doc, links, diff, kind);
            let mut page = match md.bodies {
                Some(bodies) => bodies.redline((pi, di, vi, compare), redline),
                None => redline(),
            };
            let mut impact = trace::impact_rows(graph, pi, di, diff);
            page.coverage_impact_total = impact.len();
            impact.truncate(trace::LISTED);
            page.coverage_impact = impact;
            page.suspect_url =
                (!graph.traces[pi].is_empty()).then(|| format!("{}suspect/", graph.traces[pi].url));
            let title = format!(
                "{}: changes from version {} to version {}",
                doc.config.id, page.from.version, page.to.version
            );
            doc_subpage(
                graph,
                tera,
                base,
                (pi, di),
                "redline.html",
                title,
                &url,
                &page,
            )
        }
        Job::DocFiles { pi, di } => {
            let (doc, links, _, _) = doc_parts(graph, pi, di);
            let urls = history::HistoryUrls::of(links);
            let origin = crate::link::origin(&graph.base_url);
            let entries = (0..doc.versions.len())
                .map(|vi| history::FeedEntry { doc, links, vi })
                .collect();
            let feed = history::atom(
                &format!("{}: {}", doc.config.id, doc.config.title),
                doc.config
                    .owner
                    .as_deref()
                    .unwrap_or(&graph.site.config.title),
                &urls.feed,
                origin,
                entries,
            );
            sink(data_file(b, &urls.feed, feed))?;
            sink(data_file(
                b,
                &urls.versions_json,
                history::versions_json(doc, links),
            ))?;
            Ok(data_file(
                b,
                &urls.changes_json,
                history::changes_json(doc, links),
            ))
        }
        Job::SiteFeed => {
            let mut entries = Vec::new();
            for (pi, prog) in graph.site.programmes.iter().enumerate() {
                for (di, doc) in prog.documents.iter().enumerate() {
                    let links = &graph.documents[pi][di];
                    entries.extend((0..doc.versions.len()).map(|vi| history::FeedEntry {
                        doc,
                        links,
                        vi,
                    }));
                }
            }
            let url = format!("{b}feed.xml");
            let origin = crate::link::origin(&graph.base_url);
            let feed = history::atom(
                &format!("{}: all updates", graph.site.config.title),
                &graph.site.config.title,
                &url,
                origin,
                entries,
            );
            Ok(data_file(b, &url, feed))
        }
        Job::TraceOverview(pi) => {
            let prog = &graph.site.programmes[pi];
            let page = trace::overview(graph, pi, &views[pi]);
            let url = graph.traces[pi].url.clone();
            trace_page(
                graph,
                tera,
                base,
                pi,
                "trace.html",
                format!("{}: traceability", prog.config.id),
                &url,
                &page,
                None,
            )
        }
        Job::Matrix { pi, view, page } => {
            let v = &views[pi][view];
            let p = trace::matrix_page(graph, pi, &views[pi], view, page);
            let title = paged_title(p.heading.clone(), page + 1, v.pages());
            trace_page(
                graph,
                tera,
                base,
                pi,
                "matrix.html",
                title,
                &v.page_url(page),
                &p,
                Some(("Traceability", &graph.traces[pi].url)),
            )
        }
        Job::Requirement { pi, ri } => {
            let r = &graph.traces[pi].requirements[ri];
            let p = trace::requirement_page(graph, pi, ri);
            let title = format!("{}: {}", r.req.id.value, r.req.title);
            trace_page(
                graph,
                tera,
                base,
                pi,
                "requirement.html",
                title,
                &r.url,
                &p,
                Some(("Traceability", &graph.traces[pi].url)),
            )
        }
        Job::Test { pi, ti } => {
            let t = &graph.traces[pi].tests[ti];
            let p = trace::test_page(graph, pi, ti);
            let title = format!("{}: {}", t.test.id.value, t.test.title);
            trace_page(
                graph,
                tera,
                base,
                pi,
                "test.html",
                title,
                &t.url,
                &p,
                Some(("Traceability", &graph.traces[pi].url)),
            )
        }
        Job::TraceFiles(pi) => {
            let t = &graph.traces[pi];
            let files = trace::export::files(t).map_err(|e| {
                Diagnostic::file_error(
                    "write-failed",
                    &t.url,
                    format!("the trace exports could not be written: {e}"),
                )
            })?;
            return write_files(b, &t.url, files, sink);
        }
        Job::Status(pi) => {
            let prog = &graph.site.programmes[pi];
            let page = status::dashboard(graph, pi);
            let url = graph.statuses[pi].url.clone();
            trace_page(
                graph,
                tera,
                base,
                pi,
                "status.html",
                format!("{}: phase status", prog.config.id),
                &url,
                &page,
                None,
            )
        }
        Job::Phase { pi, ti } => {
            let s = &graph.statuses[pi];
            let t = &s.phases[ti];
            let page = status::phase_page(graph, pi, ti);
            let title = format!("{} ({})", t.name, t.id);
            trace_page(
                graph,
                tera,
                base,
                pi,
                "phase.html",
                title,
                &t.url,
                &page,
                Some(("Phase status", &s.url)),
            )
        }
        Job::Decisions(pi) => {
            let s = &graph.statuses[pi];
            let page = status::decisions_page(graph, pi);
            let url = format!("{}decisions/", s.url);
            trace_page(
                graph,
                tera,
                base,
                pi,
                "decisions.html",
                "Decisions log".into(),
                &url,
                &page,
                Some(("Phase status", &s.url)),
            )
        }
        Job::StatusFiles(pi) => {
            let s = &graph.statuses[pi];
            let files = status::files(graph, pi).map_err(|e| {
                Diagnostic::file_error(
                    "write-failed",
                    &s.url,
                    format!("the status exports could not be written: {e}"),
                )
            })?;
            return write_files(b, &s.url, files, sink);
        }
        Job::Page(i) => {
            let p = &graph.site.pages[i];
            let links = &graph.pages[i];
            let body = markdown::to_html(&p.body, links, md, None, None);
            let info = PageInfo::new(
                graph,
                p.meta.title.clone(),
                &links.url,
                p.meta.summary.clone(),
                None,
            );
            let crumbs = [home_crumb(b)];
            page_file(
                tera,
                base,
                "page.html",
                &info,
                &crumbs,
                &TextPage { body },
                &format!("{}/index.html", p.slug),
            )
        }
        Job::ObligationsFiles => {
            let rows = &read.register.rows;
            let urls = obligations::RegisterUrls::of(b);
            sink(data_file(b, &urls.csv, obligations::csv(rows)))?;
            Ok(data_file(b, &urls.json, obligations::json(rows)))
        }
        Job::Obligations { page } => {
            let p = obligations::register_page(graph, read.register, page);
            let url = obligations::RegisterUrls::of(b).register_page(page);
            let info = PageInfo::new(
                graph,
                paged_title("Obligations register".into(), p.page_number, p.page_count),
                &url,
                Some("Every obligation in the versions in force, by party.".into()),
                None,
            );
            page_file(
                tera,
                base,
                "obligations.html",
                &info,
                &[home_crumb(b)],
                &p,
                &out_path(b, &url),
            )
        }
        Job::Party { party, page } => {
            let p = obligations::party_page(graph, read.register, party, page);
            let urls = obligations::RegisterUrls::of(b);
            let url = urls.party_page(&p.party.id, page);
            let info = PageInfo::new(
                graph,
                paged_title(
                    format!("Everything {} must do", p.party.name),
                    p.page_number,
                    p.page_count,
                ),
                &url,
                None,
                None,
            );
            let crumbs = [
                home_crumb(b),
                Crumb {
                    title: "Obligations register".into(),
                    url: urls.register,
                },
            ];
            page_file(
                tera,
                base,
                "party.html",
                &info,
                &crumbs,
                &p,
                &out_path(b, &url),
            )
        }
        Job::Search => {
            let page = search::search_page(graph);
            let info = PageInfo::new(graph, "Search".into(), &page.url, None, None);
            page_file(
                tera,
                base,
                "search.html",
                &info,
                &[home_crumb(b)],
                &page,
                &out_path(b, &page.url),
            )
        }
    };
    sink(file?)
}

/// A page's title, with "(page 2 of 8)" when its list takes more than one page.
fn paged_title(title: String, page: usize, pages: usize) -> String {
    if pages > 1 {
        format!("{title} (page {page} of {pages})")
    } else {
        title
    }
}

/// The anchor of a phase or release on its programme's page: `release-r1`.
fn stage_anchor(prefix: &str, id: &str) -> String {
    format!("{prefix}-{}", crate::model::slug(id))
}

/// A document, its links, the breadcrumbs of a page below it, and its programme's id.
fn doc_parts(
    graph: &SiteGraph,
    pi: usize,
    di: usize,
) -> (
    &crate::model::Document,
    &crate::link::DocLinks,
    Vec<Crumb>,
    Option<String>,
) {
    let prog = &graph.site.programmes[pi];
    let doc = &prog.documents[di];
    let links = &graph.documents[pi][di];
    let crumbs = vec![
        home_crumb(&graph.base),
        Crumb {
            title: prog.config.name.clone(),
            url: format!("{}{}/", graph.base, prog.slug),
        },
        Crumb {
            title: doc.config.title.clone(),
            url: links.url.clone(),
        },
    ];
    (doc, links, crumbs, Some(prog.config.id.clone()))
}

/// A page below a document (history, clause history, redline), with its breadcrumbs.
#[allow(clippy::too_many_arguments)]
fn doc_subpage<T: Serialize>(
    graph: &SiteGraph,
    tera: &Tera,
    base: &tera::Context,
    (pi, di): (usize, usize),
    template: &str,
    title: String,
    url: &str,
    page: &T,
) -> Result<OutputFile, Diagnostic> {
    let (_, _, crumbs, prog_id) = doc_parts(graph, pi, di);
    let info = PageInfo::new(graph, title, url, None, prog_id);
    page_file(
        tera,
        base,
        template,
        &info,
        &crumbs,
        page,
        &out_path(&graph.base, url),
    )
}

/// A traceability or status page, below the programme (and below `parent`, a title
/// and URL, when given).
#[allow(clippy::too_many_arguments)]
fn trace_page<T: Serialize>(
    graph: &SiteGraph,
    tera: &Tera,
    base: &tera::Context,
    pi: usize,
    template: &str,
    title: String,
    url: &str,
    page: &T,
    parent: Option<(&str, &str)>,
) -> Result<OutputFile, Diagnostic> {
    let prog = &graph.site.programmes[pi];
    let mut crumbs = vec![
        home_crumb(&graph.base),
        Crumb {
            title: prog.config.name.clone(),
            url: format!("{}{}/", graph.base, prog.slug),
        },
    ];
    if let Some((title, url)) = parent {
        crumbs.push(Crumb {
            title: title.to_owned(),
            url: url.to_owned(),
        });
    }
    let info = PageInfo::new(graph, title, url, None, Some(prog.config.id.clone()));
    page_file(
        tera,
        base,
        template,
        &info,
        &crumbs,
        page,
        &out_path(&graph.base, url),
    )
}

/// Writes the data files (exports, feeds) named in `files` below the URL `dir`.
fn write_files(
    base: &str,
    dir: &str,
    files: Vec<(String, Vec<u8>)>,
    sink: &Sink,
) -> Result<(), Diagnostic> {
    for (name, bytes) in files {
        let url = format!("{dir}{name}");
        sink(OutputFile {
            path: url.strip_prefix(base).unwrap_or(&url).to_owned(),
            bytes: bytes.into(),
            url: None,
        })?;
    }
    Ok(())
}

/// The file an HTML page's URL is served from: `/a/b/` is `a/b/index.html`.
fn out_path(base: &str, url: &str) -> String {
    format!("{}index.html", url.strip_prefix(base).unwrap_or(url))
}

/// A data file (feed, export) at `url`.
fn data_file(base: &str, url: &str, text: String) -> OutputFile {
    OutputFile {
        path: url.strip_prefix(base).unwrap_or(url).to_owned(),
        bytes: text.into_bytes().into(),
        url: None,
    }
}

fn home_crumb(base: &str) -> Crumb {
    Crumb {
        title: "Home".into(),
        url: base.to_owned(),
    }
}

fn programme_summary(graph: &SiteGraph, pi: usize) -> ProgrammeSummary {
    let prog = &graph.site.programmes[pi];
    ProgrammeSummary {
        id: prog.config.id.clone(),
        name: prog.config.name.clone(),
        summary: prog.config.summary.clone(),
        owner: prog.config.owner.clone(),
        url: format!("{}{}/", graph.base, prog.slug),
        documents: document_tree(graph, pi),
    }
}

fn document_page(
    graph: &SiteGraph,
    md: &MarkdownContext,
    pi: usize,
    di: usize,
    vi: usize,
) -> DocumentPage {
    let doc = &graph.site.programmes[pi].documents[di];
    let links = &graph.documents[pi][di];
    let v = &doc.versions[vi];
    let here = standing(vi, links.current);
    let (status, status_label, status_tag) = status_display(v, here);
    let current_v = &doc.versions[links.current];
    let current = VersionLink {
        version: current_v.meta.version.to_string(),
        url: links.versions[links.current].url.clone(),
    };
    let banner = banner(v, here, current_v, &current, links.has_in_force);
    let parent = doc_ref(graph, doc.config.parent.as_ref());
    let prog = &graph.site.programmes[pi];
    let release = doc.config.release.as_ref().map(|id| {
        let declared = prog.config.releases.iter().find(|r| &r.id == id);
        ReleaseRef {
            id: id.clone(),
            name: declared.map(|r| r.name.clone()),
            url: declared.map(|r| {
                format!(
                    "{}{}/#{}",
                    graph.base,
                    prog.slug,
                    stage_anchor("release", &r.id)
                )
            }),
        }
    });
    let children = links
        .children
        .iter()
        .filter_map(|id| graph.index.get(id))
        .map(|&(cpi, cdi)| summary(graph, cpi, cdi, 0))
        .collect();
    let body_links = &links.versions[vi];
    let h = &links.history;
    DocumentPage {
        history: history::header(doc, links),
        // Pending changes are told on the current version, the one they would change.
        pending: if vi == links.current {
            history::pending(doc, links)
        } else {
            Vec::new()
        },
        changes_url: h.changes[vi]
            .as_ref()
            .map(|_| history::changes_url(links, vi)),
        compare_url: h.to_current[vi]
            .as_ref()
            .map(|_| history::compare_url(links, vi)),
        document: DocumentInfo {
            id: doc.config.id.to_string(),
            title: doc.config.title.clone(),
            kind: doc.config.kind.code(),
            kind_label: doc.config.kind.label(),
            summary: doc.config.summary.clone(),
            owner: doc.config.owner.clone(),
            url: links.url.clone(),
            release,
            phases: doc.config.phases.clone(),
            parent,
            children,
            trace_url: graph.traces[pi]
                .sources
                .contains(&di)
                .then(|| graph.traces[pi].url.clone()),
        },
        version: VersionInfo {
            version: v.meta.version.to_string(),
            status,
            status_label,
            status_tag,
            published: v.meta.published.long(),
            published_iso: v.meta.published.iso(),
            effective_from: v.meta.effective_from.map(|d| d.long()),
            effective_from_iso: v.meta.effective_from.map(|d| d.iso()),
            consultation_closes: v.meta.consultation_closes.map(|d| d.long()),
            consultation_closes_iso: v.meta.consultation_closes.map(|d| d.iso()),
            change_mechanism_label: v.meta.change_mechanism.label(),
            change_summary: v.meta.change_summary.clone(),
            url: body_links.url.clone(),
            is_current: here == Standing::Current,
            is_in_force: here == Standing::Current && links.has_in_force,
        },
        is_document_page: false,
        current,
        has_version_in_force: links.has_in_force,
        banner,
        contents: {
            let listed: Vec<&crate::model::Heading> =
                v.body.headings.iter().filter(|h| h.level <= 2).collect();
            listed
                .iter()
                .enumerate()
                .map(|(i, h)| ContentsItem {
                    number: h.number.as_ref().map(|n| n.to_string()),
                    title: h.title.clone(),
                    anchor: h.anchor.clone(),
                    level: h.level,
                    opens_list: h.level == 1 && listed.get(i + 1).is_some_and(|n| n.level == 2),
                })
                .collect()
        },
        body: {
            // Clauses changed or inserted after the first version link to their history.
            let clauses_url = history::HistoryUrls::of(links).clauses;
            let history_link = |n: &crate::model::ClauseNumber| {
                h.clauses
                    .get(n)
                    .filter(|events| events.iter().any(|e| e.version > 0))
                    .map(|_| {
                        markdown::history_link_html(n, &format!("{clauses_url}#{}", n.anchor()))
                    })
            };
            // The requirements that trace to a clause cite the version in force.
            let tracing = (vi == links.current).then(|| &graph.traces[pi]);
            let footer = |n: &crate::model::ClauseNumber| {
                let history = history_link(n);
                let traced = tracing.and_then(|t| trace::traced_by_html(t, di, n));
                match (history, traced) {
                    (None, None) => None,
                    (a, b) => Some(format!(
                        "{}{}",
                        a.unwrap_or_default(),
                        b.unwrap_or_default()
                    )),
                }
            };
            let traced = |n: &crate::model::ClauseNumber| {
                tracing.and_then(|t| trace::traced_by_html(t, di, n))
            };
            let render =
                || markdown::to_html(&v.body, body_links, md, Some(&footer), Some(&traced));
            match md.bodies {
                Some(bodies) => bodies.version((pi, di, vi), render),
                None => render(),
            }
        },
        versions: doc
            .versions
            .iter()
            .enumerate()
            .rev()
            .map(|(i, _)| version_row(doc, links, i, Some(vi)))
            .collect(),
    }
}

fn banner(
    v: &crate::model::DocVersion,
    here: Standing,
    current_v: &crate::model::DocVersion,
    current: &VersionLink,
    has_in_force: bool,
) -> Option<Banner> {
    use crate::model::VersionStatus as S;
    let which = if has_in_force {
        "the version in force"
    } else {
        "the latest version"
    };
    let link = match here {
        Standing::Current => (None, None),
        _ => (
            Some(current.url.clone()),
            Some(format!("Read version {}, {which}", current.version)),
        ),
    };
    let (kind, title, text) = match (v.meta.status, here) {
        (S::Withdrawn, _) => (
            "withdrawn",
            "This version has been withdrawn".to_owned(),
            format!("Version {} was withdrawn and is not in force.", v.meta.version),
        ),
        (s, Standing::Current) if s.is_in_force_kind() => return None,
        (s, Standing::Later) if s.is_in_force_kind() => (
            "prospective",
            "This version is not in force yet".to_owned(),
            format!(
                "Version {} was {} on {} and comes into force on {}; until then version {} applies.",
                v.meta.version,
                s.label().to_lowercase(),
                v.meta.published.long(),
                v.meta.effective().long(),
                current.version
            ),
        ),
        (s, Standing::Earlier) if s.is_in_force_kind() => (
            "superseded",
            "This version has been superseded".to_owned(),
            format!(
                "Version {} is no longer in force; version {} is.",
                v.meta.version, current.version
            ),
        ),
        (s, Standing::Current) => (
            "draft",
            format!("This is a {}", s.label().to_lowercase()),
            format!(
                "No version of this document has been approved yet; version {} is the latest and is not in force.",
                v.meta.version
            ),
        ),
        (s, _) if has_in_force => (
            "draft",
            format!("This is a {}, not the version in force", s.label().to_lowercase()),
            format!(
                "Version {} is proposed and has no effect; version {} ({}) is in force.",
                v.meta.version,
                current.version,
                current_v.meta.status.label().to_lowercase()
            ),
        ),
        (s, _) => (
            "draft",
            format!("This is an earlier {}", s.label().to_lowercase()),
            format!(
                "No version of this document has been approved yet, and version {} replaces this one as the latest.",
                current.version
            ),
        ),
    };
    let (link_url, link_text) = link;
    Some(Banner {
        kind,
        title,
        text,
        link_url,
        link_text,
    })
}

fn page_file<T: Serialize>(
    tera: &Tera,
    base: &tera::Context,
    template: &str,
    info: &PageInfo,
    crumbs: &[Crumb],
    page: &T,
    path: &str,
) -> Result<OutputFile, Diagnostic> {
    let mut ctx = base.clone();
    ctx.insert("page", info);
    ctx.insert("breadcrumbs", crumbs);
    let extra = tera::Context::from_serialize(page).map_err(|e| template_error(template, &e))?;
    ctx.extend(extra);
    let bytes = render_bytes(tera, template, &ctx)?;
    Ok(OutputFile {
        path: path.to_owned(),
        bytes,
        url: Some(info.url.clone()),
    })
}

thread_local! {
    /// Each render thread's page buffer, kept at the size of the largest page it made.
    static PAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `template` rendered with `ctx`. Into the thread's buffer first, then copied out at
/// its exact size: rendering into a new buffer grew it a few times a page, and a full
/// render spent a tenth of its time moving and faulting in those growing buffers.
fn render_bytes(
    tera: &Tera,
    template: &str,
    ctx: &tera::Context,
) -> Result<std::sync::Arc<[u8]>, Diagnostic> {
    PAGE.with_borrow_mut(|buf| {
        buf.clear();
        tera.render_to(template, ctx, &mut *buf)
            .map_err(|e| template_error(template, &e))?;
        Ok(buf.as_slice().into())
    })
}

fn template_error(template: &str, e: &dyn std::error::Error) -> Diagnostic {
    Diagnostic::file_error(
        "template-error",
        &format!("templates/{template}"),
        format!("the template {template} failed: {}", error_chain(e)),
    )
    .with_help("fix the template, or delete your override to use the theme's")
}
