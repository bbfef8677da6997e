//! The preview's build: the whole pipeline once, then, for each batch of changed files,
//! only what the batch touches.
//!
//! [`Preview`] keeps the linked site and the rendered files in memory. A changed version
//! file or free-standing page is read and parsed alone and put in place of its old
//! parse; any other change to `content/` (a new or removed file, a TOML file, a trace
//! table) loads and parses the content again. Either way the site is linked again (a
//! reference anywhere may now resolve elsewhere), and [`render::deps`] picks the jobs
//! whose inputs changed. A template or static file change reloads the theme and renders
//! the pages that use what changed. A batch with an error renders nothing: the files of
//! the last good build stay served, and the changes wait for the fix.
//!
//! This module drives the stages through their public functions; it does not know how
//! any of them works inside.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic};
use crate::link::SiteGraph;
use crate::load::{self, Theme};
use crate::model::{Date, Site, TraceTables};
use crate::render::deps::{Changes, Dirty, Prints};
use crate::render::{self, Job, OutputFile};
use crate::{link, parse, Options};

use super::output::{Entry, Files};
use super::search::{self, PreviewSearch, Refresh};

/// What one build or rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every problem found; the build failed when one is an error.
    pub diagnostics: Vec<Diagnostic>,
    /// Jobs rendered (0 when it failed or nothing needed rendering).
    pub jobs: usize,
    /// Output paths whose bytes changed, appeared or disappeared.
    pub changed: Vec<String>,
    /// Those of `changed` that were served first, the open pages' (see
    /// [`Preview::apply_open`]).
    pub early: Vec<String>,
    /// Whether anything was looked at (false when every file in the batch was unchanged).
    pub rebuilt: bool,
    pub elapsed: Duration,
    /// Where `elapsed` went, stage by stage in order: `parse`, `link`, `plan` (what
    /// changed), `render`, `support` (the files every build has), `search`, `serve` (the
    /// files put in place).
    pub stages: Vec<(&'static str, Duration)>,
}

impl Outcome {
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What a changed path means for the build.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// A version file the site already has: re-parse it alone.
    Version(String),
    /// A free-standing page the site already has.
    Page(String),
    /// Anything else in `content/`, or `search-index/`: load and parse everything.
    Content,
    /// `themes/` or the site's `templates/`.
    Theme,
}

/// The site kept in memory between rebuilds.
pub struct Preview {
    opts: Options,
    graph: Option<SiteGraph>,
    /// The trace tables `link` takes out of the parsed documents, kept to give back.
    traces: HashMap<(usize, usize), TraceTables>,
    /// The status reports `link` takes out of the programmes, likewise.
    statuses: Vec<Vec<crate::model::StatusReport>>,
    /// Diagnostics of loading and parsing, by file, so one file's fix clears its own.
    source_diags: Vec<Diagnostic>,
    theme: Option<Theme>,
    tera: Option<tera::Tera>,
    theme_diags: Vec<Diagnostic>,
    /// Diagnostics of the last link.
    link_diags: Vec<Diagnostic>,
    /// The site's sources changed in place since it was linked.
    needs_link: bool,
    /// What the last link worked out that the next may reuse.
    memo: link::Memo,
    /// An edit since the last link changed what other documents see of a version
    /// (see [`link::same_face`]): the memo cannot be trusted.
    face_changed: bool,
    /// Prints of the last site rendered, and what changed since.
    rendered: Option<Prints>,
    /// The documents linked anew (not taken from the memo) since `rendered` was made:
    /// the others' prints are taken from it as they are.
    unprinted: HashSet<(usize, usize)>,
    pending: Changes,
    /// What the server serves.
    pub files: Files,
    /// What the search page's client asks.
    pub search: std::sync::Arc<PreviewSearch>,
    /// Version bodies as last rendered, for the pages a template change renders again.
    bodies: render::Bodies,
}

impl Preview {
    /// Builds the whole site into memory.
    pub fn new(opts: Options) -> (Preview, Outcome) {
        let base = link::base_path(opts.base_url.as_deref().unwrap_or("/"));
        let mut p = Preview {
            opts,
            graph: None,
            traces: HashMap::new(),
            statuses: Vec::new(),
            source_diags: Vec::new(),
            theme: None,
            tera: None,
            theme_diags: Vec::new(),
            link_diags: Vec::new(),
            needs_link: false,
            memo: link::Memo::default(),
            face_changed: false,
            rendered: None,
            unprinted: HashSet::new(),
            pending: Changes {
                everything: true,
                ..Changes::default()
            },
            files: Files::new(base),
            search: std::sync::Arc::default(),
            bodies: render::Bodies::default(),
        };
        let t = Instant::now();
        p.reload_content();
        p.reload_theme();
        let mut outcome = p.finish(&[], &|_| {});
        outcome.elapsed = t.elapsed();
        (p, outcome)
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Rebuilds after the files at `paths` changed (absolute, or relative to the root).
    pub fn apply(&mut self, paths: &[PathBuf]) -> Outcome {
        self.apply_open(paths, &[], &|_| {})
    }

    /// [`Preview::apply`], rendering first the pages at the URL paths `open` when a
    /// change renders many pages, and calling `early` with the output paths of theirs
    /// that changed as soon as they are served.
    pub fn apply_open(
        &mut self,
        paths: &[PathBuf],
        open: &[String],
        early: &dyn Fn(&[String]),
    ) -> Outcome {
        let t = Instant::now();
        let kinds: Vec<Kind> = paths.iter().filter_map(|p| self.classify(p)).collect();
        let mut touched = false;
        if kinds.contains(&Kind::Content) {
            self.reload_content();
            // site.toml may name another theme.
            self.reload_theme();
            touched = true;
        } else {
            for k in &kinds {
                touched |= match k {
                    Kind::Version(rel) => self.reparse_version(rel),
                    Kind::Page(rel) => self.reparse_page(rel),
                    _ => false,
                };
                if self.pending.everything {
                    // A re-parse found a change of shape and loaded everything.
                    break;
                }
            }
        }
        if kinds.contains(&Kind::Theme) {
            touched |= self.reload_theme();
        }
        if !touched {
            return Outcome {
                elapsed: t.elapsed(),
                ..Outcome::default()
            };
        }
        let parsed = t.elapsed();
        let mut outcome = self.finish(open, early);
        outcome.stages.insert(0, ("parse", parsed));
        outcome.elapsed = t.elapsed();
        outcome
    }

    fn classify(&self, path: &Path) -> Option<Kind> {
        let rel = load::rel(&self.opts.root, path);
        let rel = rel.trim_start_matches("./");
        let first = rel.split('/').next().unwrap_or("");
        let name = rel.rsplit('/').next().unwrap_or("");
        if load::is_ignored_name(name) {
            return None;
        }
        // A file that came and went within the batch (sed's and some editors' temporary
        // files) is nothing; a missing source, or a missing folder of sources, is a
        // removal.
        if !self.opts.root.join(rel).exists() && !self.may_be_source(rel) {
            return None;
        }
        match first {
            "content" => {
                let site = self.graph.as_ref().map(|g| &g.site);
                let known_version = site.is_some_and(|s| {
                    s.programmes.iter().any(|p| {
                        p.documents
                            .iter()
                            .any(|d| d.versions.iter().any(|v| v.body.source.path == rel))
                    })
                });
                let known_page =
                    site.is_some_and(|s| s.pages.iter().any(|p| p.body.source.path == rel));
                Some(if known_version && path_is_file(&self.opts.root, rel) {
                    Kind::Version(rel.to_owned())
                } else if known_page && path_is_file(&self.opts.root, rel) {
                    Kind::Page(rel.to_owned())
                } else {
                    Kind::Content
                })
            }
            "search-index" => Some(Kind::Content),
            "themes" | "templates" => Some(Kind::Theme),
            _ => None,
        }
    }

    /// Whether a path that no longer exists was, or held, a source: it has a source's
    /// extension, or a source the site has lies below it.
    fn may_be_source(&self, rel: &str) -> bool {
        if [".md", ".toml", ".csv"].iter().any(|e| rel.ends_with(e)) {
            return true;
        }
        let Some(graph) = &self.graph else {
            return true;
        };
        let folder = format!("{rel}/");
        let site = &graph.site;
        let paths =
            site.pages
                .iter()
                .map(|p| &p.body.source.path)
                .chain(site.programmes.iter().flat_map(|p| {
                    p.documents.iter().flat_map(|d| {
                        std::iter::once(&d.source.path)
                            .chain(d.versions.iter().map(|v| &v.body.source.path))
                    })
                }));
        paths.into_iter().any(|p| p.starts_with(&folder))
    }

    /// Loads and parses all of `content/` again, and links it.
    fn reload_content(&mut self) {
        let (sources, mut diags) = load::load(&self.opts.root);
        let (site, parse_diags) = parse::parse(&sources);
        diags.extend(parse_diags);
        self.source_diags = diags;
        self.pending.everything = true;
        // The shape of the site may have changed: nothing from the last link is kept.
        self.memo.clear();
        match site {
            Some(site) => self.link(site),
            None => self.graph = None,
        }
    }

    /// Reads and parses one version file again. Returns whether its text changed.
    fn reparse_version(&mut self, rel: &str) -> bool {
        let Some(graph) = self.graph.as_ref() else {
            return false;
        };
        let at = graph
            .site
            .programmes
            .iter()
            .enumerate()
            .find_map(|(pi, p)| {
                p.documents.iter().enumerate().find_map(|(di, d)| {
                    d.versions
                        .iter()
                        .position(|v| v.body.source.path == rel)
                        .map(|vi| (pi, di, vi))
                })
            });
        let Some((pi, di, vi)) = at else {
            return false;
        };
        let old = &graph.site.programmes[pi].documents[di].versions[vi];
        let (old_text, old_version) = (old.body.source.text.clone(), old.meta.version.clone());
        let file = match load::read_source(&self.opts.root, &self.opts.root.join(rel)) {
            Ok(f) => f,
            Err(d) => {
                self.replace_diags(rel, vec![d]);
                return true;
            }
        };
        if file.text == old_text && !self.has_diags_for(rel) {
            return false;
        }
        let (parsed, diags) = parse::reparse_version(&file, &graph.site.config.parties);
        self.replace_diags(rel, diags);
        let Some(new) = parsed else {
            // Keep the last good parse in the site; the error stops the build.
            return true;
        };
        if new.meta.version != old_version {
            // Versions are ordered by number; a new number is a new shape.
            self.reload_content();
            return true;
        }
        let Some(graph) = self.graph.as_mut() else {
            return false;
        };
        let old = &graph.site.programmes[pi].documents[di].versions[vi];
        self.face_changed |= !link::same_face(old, &new);
        graph.site.programmes[pi].documents[di].versions[vi] = new;
        self.pending.sources.insert(rel.to_owned());
        self.needs_link = true;
        true
    }

    /// Reads and parses one free-standing page again. Returns whether its text changed.
    fn reparse_page(&mut self, rel: &str) -> bool {
        let Some(graph) = self.graph.as_ref() else {
            return false;
        };
        let Some(i) = graph
            .site
            .pages
            .iter()
            .position(|p| p.body.source.path == rel)
        else {
            return false;
        };
        let file = match load::read_source(&self.opts.root, &self.opts.root.join(rel)) {
            Ok(f) => f,
            Err(d) => {
                self.replace_diags(rel, vec![d]);
                return true;
            }
        };
        if file.text == graph.site.pages[i].body.source.text && !self.has_diags_for(rel) {
            return false;
        }
        match parse::reparse_page(&file) {
            Ok(page) => {
                self.replace_diags(rel, Vec::new());
                let Some(graph) = self.graph.as_mut() else {
                    return false;
                };
                graph.site.pages[i] = page;
                self.pending.sources.insert(rel.to_owned());
                self.needs_link = true;
            }
            Err(d) => self.replace_diags(rel, vec![d]),
        }
        true
    }

    fn has_diags_for(&self, rel: &str) -> bool {
        self.source_diags.iter().any(|d| d.file == rel)
    }

    fn replace_diags(&mut self, rel: &str, diags: Vec<Diagnostic>) {
        self.source_diags.retain(|d| d.file != rel);
        self.source_diags.extend(diags);
    }

    /// Reads the theme again. Returns whether any template or static file changed.
    fn reload_theme(&mut self) -> bool {
        let name = self
            .graph
            .as_ref()
            .map_or_else(|| "dcc".to_owned(), |g| g.site.config.theme.clone());
        let theme = match load::load_theme(&self.opts.root, &name) {
            Ok(t) => t,
            Err(d) => {
                self.theme_diags = vec![d];
                return true;
            }
        };
        let changed = match &self.theme {
            Some(old) if old.name == theme.name => {
                let mut names: HashSet<String> = HashSet::new();
                for (n, t) in &theme.templates {
                    if old.templates.get(n).is_none_or(|o| o.text != t.text) {
                        names.insert(n.clone());
                    }
                }
                names.extend(
                    old.templates
                        .keys()
                        .filter(|n| !theme.templates.contains_key(*n))
                        .cloned(),
                );
                if names.is_empty() && old.statics == theme.statics && self.theme_diags.is_empty() {
                    return false;
                }
                names
            }
            _ => {
                self.pending.everything = true;
                HashSet::new()
            }
        };
        match render::templates(&theme) {
            Ok(t) => {
                self.tera = Some(t);
                self.theme_diags.clear();
            }
            Err(d) => self.theme_diags = d,
        }
        self.pending.templates.extend(changed);
        self.theme = Some(theme);
        true
    }

    fn today(&self) -> Date {
        Date(
            self.opts
                .date
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        )
    }

    /// Links `site`, keeping its trace tables to give back before the next link.
    fn link(&mut self, site: Site) {
        self.traces.clear();
        self.statuses = site.programmes.iter().map(|p| p.status.clone()).collect();
        for (pi, p) in site.programmes.iter().enumerate() {
            for (di, d) in p.documents.iter().enumerate() {
                if !d.trace.is_empty() {
                    self.traces.insert((pi, di), d.trace.clone());
                }
            }
        }
        let base_url = self.opts.base_url.clone().unwrap_or_else(|| "/".to_owned());
        let today = self.today();
        let (graph, diags) = link::link_with(site, Some(&base_url), today, &mut self.memo);
        for (pi, docs) in graph.documents.iter().enumerate() {
            for di in 0..docs.len() {
                if !self.memo.reused(pi, di) {
                    self.unprinted.insert((pi, di));
                }
            }
        }
        self.link_diags = diags;
        self.graph = Some(graph);
        self.needs_link = false;
        self.face_changed = false;
    }

    /// Links again a site whose sources changed in place.
    fn relink(&mut self) {
        let Some(graph) = self.graph.take() else {
            return;
        };
        let mut site = graph.site;
        if self.face_changed {
            self.memo.clear();
        } else {
            // Documents with an edited version are linked again; the rest are kept.
            let sources = &self.pending.sources;
            let edited: HashSet<(usize, usize)> = site
                .programmes
                .iter()
                .enumerate()
                .flat_map(|(pi, p)| {
                    p.documents.iter().enumerate().filter_map(move |(di, d)| {
                        d.versions
                            .iter()
                            .any(|v| sources.contains(&v.body.source.path))
                            .then_some((pi, di))
                    })
                })
                .collect();
            self.memo
                .keep(graph.documents, |pi, di| !edited.contains(&(pi, di)));
        }
        for (&(pi, di), t) in &self.traces {
            if let Some(d) = site
                .programmes
                .get_mut(pi)
                .and_then(|p| p.documents.get_mut(di))
            {
                d.trace = t.clone();
            }
        }
        for (p, status) in site.programmes.iter_mut().zip(&self.statuses) {
            p.status = status.clone();
        }
        self.link(site);
    }

    /// Links if needed, renders what changed, and updates the served files; or, on an
    /// error, leaves them as they were.
    fn finish(&mut self, open: &[String], early: &dyn Fn(&[String])) -> Outcome {
        let errors = |d: &[Diagnostic]| d.iter().any(Diagnostic::is_error);
        let mut outcome = Outcome {
            rebuilt: true,
            ..Outcome::default()
        };
        if errors(&self.source_diags) || errors(&self.theme_diags) || self.graph.is_none() {
            outcome.diagnostics = diagnostics::sorted(
                self.source_diags
                    .iter()
                    .chain(&self.theme_diags)
                    .cloned()
                    .collect(),
            );
            return outcome;
        }
        let mut lap = Lap::start();
        if self.needs_link {
            self.relink();
        }
        outcome.stages.push(lap.next("link"));
        let all: Vec<Diagnostic> = self
            .source_diags
            .iter()
            .chain(&self.theme_diags)
            .chain(&self.link_diags)
            .cloned()
            .collect();
        outcome.diagnostics = diagnostics::sorted(all);
        if outcome.failed() {
            return outcome;
        }
        let (Some(graph), Some(tera), Some(theme)) = (&self.graph, &self.tera, &self.theme) else {
            return outcome;
        };
        let unprinted = &self.unprinted;
        let prints = Prints::reusing(graph, self.rendered.as_ref(), &|pi, di| {
            !unprinted.contains(&(pi, di))
        });
        let dirty = Dirty::between(self.rendered.as_ref(), &prints, graph, theme, &self.pending);
        outcome.stages.push(lap.next("plan"));
        let made: Mutex<Vec<(Job, OutputFile)>> = Mutex::new(Vec::new());
        let sink = |job: Job, file: OutputFile| {
            made.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((job, file));
            Ok(())
        };
        self.bodies.forget(|pi, di| dirty.body_may_change(pi, di));
        // When every page, or every page of a template, renders again, the pages open in
        // a browser go first, and are told as soon as they are served: the author sees
        // the change in the page they look at while the rest are still rendering.
        let first: HashSet<Job> = if dirty.is_everything() || dirty.has_templates() {
            self.files
                .jobs_at(open)
                .into_iter()
                .filter(|j| dirty.covers(j))
                .collect()
        } else {
            HashSet::new()
        };
        let mut groups: Vec<&(dyn Fn(&Job) -> bool + Sync)> = Vec::new();
        let in_first = |j: &Job| first.contains(j);
        let in_rest = |j: &Job| dirty.covers(j) && !first.contains(j);
        if !first.is_empty() {
            groups.push(&in_first);
        }
        groups.push(&in_rest);
        for (i, keep) in groups.iter().enumerate() {
            match render::render_jobs(graph, tera, *keep, &sink, &|_, _| {}, Some(&self.bodies)) {
                Ok(r) => outcome.jobs += r.jobs,
                Err(d) => {
                    outcome.diagnostics.extend(d);
                    outcome.diagnostics =
                        diagnostics::sorted(std::mem::take(&mut outcome.diagnostics));
                    return outcome;
                }
            }
            if i == 0 && !first.is_empty() {
                let made = made.lock().unwrap_or_else(|e| e.into_inner());
                let changed = self.files.put(
                    made.iter()
                        .map(|(job, f)| {
                            let e = Entry::new(f.bytes.clone(), f.url.clone(), Some(*job));
                            (f.path.clone(), e)
                        })
                        .collect(),
                );
                early(&changed);
                outcome.early = changed;
            }
        }
        outcome.stages.push(lap.next("render"));
        let made = made.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut support = render::support_files();
        // The search page's client answers from the live index (see `serve::search`).
        support.push(render::OutputFile {
            path: search::CLIENT_PATH.to_owned(),
            bytes: search::CLIENT.as_bytes().into(),
            url: None,
        });
        outcome.stages.push(lap.next("support"));
        self.refresh_search(graph, &dirty, &mut outcome);
        outcome.stages.push(lap.next("search"));
        support.extend(crate::emit::listing_files(
            Vec::new(),
            &theme.statics,
            &graph.base_url,
        ));
        outcome.changed = self.files.update(
            made.into_iter()
                .map(|(job, f)| (f.path, Entry::new(f.bytes, f.url, Some(job))))
                .collect(),
            support
                .into_iter()
                .filter(|f| f.path != "sitemap.xml")
                .map(|f| (f.path, Entry::new(f.bytes, f.url, None)))
                .collect(),
            &|job| dirty.covers(job),
            &|urls| crate::emit::sitemap(urls, &graph.base_url),
        );
        // The open pages changed too, a moment earlier.
        outcome.changed.extend(outcome.early.iter().cloned());
        outcome.changed.sort();
        outcome.changed.dedup();
        self.rendered = Some(prints);
        self.unprinted.clear();
        self.pending = Changes::default();
        outcome.stages.push(lap.next("serve"));
        outcome
    }
}

impl Preview {
    /// Brings the preview's search index up to date with what `dirty` rendered again:
    /// every record when everything was, otherwise the records of those documents and
    /// the site's own. A problem becomes a warning, so that the pages still preview.
    fn refresh_search(&self, graph: &SiteGraph, dirty: &Dirty, outcome: &mut Outcome) {
        let settings = match crate::search::Settings::load(&self.opts.root) {
            Ok(s) => s,
            Err(d) => {
                outcome.diagnostics.push(d.warning());
                return;
            }
        };
        if dirty.is_everything() {
            let all = Refresh::All(crate::search::records(graph));
            return self.apply_refresh(all, graph, settings, outcome);
        }
        let docs = dirty.documents();
        let mut records: Vec<crate::search::Record> = docs
            .iter()
            .flat_map(|&(pi, di)| crate::search::document_records(graph, pi, di))
            .collect();
        records.extend(
            (0..graph.site.programmes.len()).map(|pi| crate::search::programme_record(graph, pi)),
        );
        records.extend(crate::search::site_records(graph));
        let ids: Vec<String> = docs
            .iter()
            .map(|&(pi, di)| {
                graph.site.programmes[pi].documents[di]
                    .config
                    .id
                    .to_string()
            })
            .collect();
        self.apply_refresh(Refresh::Documents(&ids, records), graph, settings, outcome);
    }

    fn apply_refresh(
        &self,
        refresh: Refresh,
        graph: &SiteGraph,
        settings: crate::search::Settings,
        outcome: &mut Outcome,
    ) {
        if let Err(why) = self
            .search
            .refresh(refresh, &graph.site.config.parties, settings)
        {
            outcome.diagnostics.push(
                Diagnostic::file_error("search-index-failed", crate::search::SEARCH_DIR, why)
                    .warning(),
            );
        }
    }
}

/// Times consecutive stages.
struct Lap(Instant);

impl Lap {
    fn start() -> Lap {
        Lap(Instant::now())
    }

    /// The time since the last lap, named `stage`.
    fn next(&mut self, stage: &'static str) -> (&'static str, Duration) {
        let now = Instant::now();
        let d = now - self.0;
        self.0 = now;
        (stage, d)
    }
}

fn path_is_file(root: &Path, rel: &str) -> bool {
    root.join(rel).is_file()
}
