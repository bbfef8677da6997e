//! What each page reads, so that a preview server can re-render only the pages whose
//! inputs changed and leave the rest as they were.
//!
//! A [`Job`] reads the graph in a few well-defined ways: its own document (its config,
//! every version's front matter, body and history), the links resolved for its document's
//! versions (references and defined terms, which depend on other documents), the summary
//! of its parent and children, the site (config, programmes, the list of pages), its
//! programme's trace, and its template with every template that one extends or includes.
//! The pages that gather from every document read less of each: the home and programme
//! pages its summary, the site feed its versions' front matter, the obligations register
//! the obligations of its version in force. So an edit to one clause's wording renders
//! its own document's pages again, and the register only when an obligation changed.
//! [`Prints`] hashes the parts that can change without the job's own sources changing;
//! [`Dirty::between`] compares two sets of prints, and the sources and templates that
//! changed, and says which jobs must run again. When in doubt it says more, never less:
//! a change to the shape of the site (a document or version added, removed or moved)
//! marks everything. This module owns that mapping and nothing else; it never renders.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::context::summary;
use super::Job;
use crate::link::{BodyLinks, SiteGraph};
use crate::load::Theme;

/// Hashes of what pages read from the graph beyond their own sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prints {
    /// The site as every page's frame shows it: config, programmes, pages, base URL,
    /// date, and the shape of every programme (its documents and their versions).
    site: u64,
    /// For each programme, for each document.
    docs: Vec<Vec<DocPrint>>,
    /// For each free-standing page: its URL, references and terms.
    pages: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DocPrint {
    /// Its config, URL, version in force, children, and each version's URL, resolved
    /// references and visible terms.
    links: u64,
    /// What other pages show of it: its summary as a parent, child or list entry.
    summary: u64,
    /// What the site feed shows of it: every version's front matter, URL and standing.
    front: u64,
    /// What the obligations register shows of it: the version in force's obligations.
    obligations: u64,
}

impl Prints {
    /// The prints of a linked site.
    pub fn of(graph: &SiteGraph) -> Prints {
        Prints::reusing(graph, None, &|_, _| false)
    }

    /// [`Prints::of`], taking from `old` the prints of the documents that `same` says
    /// the graph holds exactly as when `old` was made (their sources, their links and
    /// the date unchanged; see [`crate::link::Memo::reused`]). After a one-file edit the
    /// preview prints one document instead of all of them.
    pub fn reusing(
        graph: &SiteGraph,
        old: Option<&Prints>,
        same: &dyn Fn(usize, usize) -> bool,
    ) -> Prints {
        // Pages that see the same terms share one set; hash each set once.
        let mut term_sets: HashMap<*const crate::link::TermSet, u64> = HashMap::new();
        let mut body = |h: &mut DefaultHasher, b: &BodyLinks| {
            b.url.hash(h);
            for r in &b.refs {
                r.href.hash(h);
                r.text.hash(h);
            }
            let terms = *term_sets.entry(Arc::as_ptr(&b.terms)).or_insert_with(|| {
                let mut th = DefaultHasher::new();
                b.terms.terms.hash(&mut th);
                th.finish()
            });
            terms.hash(h);
        };

        let mut site = DefaultHasher::new();
        format!("{:?}", graph.site.config).hash(&mut site);
        graph.base.hash(&mut site);
        graph.base_url.hash(&mut site);
        format!("{:?}", graph.today).hash(&mut site);
        for p in &graph.site.pages {
            format!("{:?}", p.meta).hash(&mut site);
            p.slug.hash(&mut site);
        }
        let mut docs = Vec::new();
        for (pi, prog) in graph.site.programmes.iter().enumerate() {
            prog.slug.hash(&mut site);
            format!("{:?}", prog.config).hash(&mut site);
            let mut per_doc = Vec::new();
            for (di, doc) in prog.documents.iter().enumerate() {
                doc.slug.hash(&mut site);
                doc.versions.len().hash(&mut site);
                let kept = old
                    .and_then(|o| o.docs.get(pi)?.get(di))
                    .filter(|_| same(pi, di));
                if let Some(print) = kept {
                    per_doc.push(print.clone());
                    continue;
                }
                let links = &graph.documents[pi][di];
                let mut h = DefaultHasher::new();
                format!("{:?}", doc.config).hash(&mut h);
                links.url.hash(&mut h);
                links.current.hash(&mut h);
                links.has_in_force.hash(&mut h);
                links.children.hash(&mut h);
                for v in &links.versions {
                    body(&mut h, v);
                }
                let mut s = DefaultHasher::new();
                serde_json::to_string(&summary(graph, pi, di, 0))
                    .unwrap_or_default()
                    .hash(&mut s);
                links.children.hash(&mut s);
                let mut f = DefaultHasher::new();
                format!("{:?}", doc.config).hash(&mut f);
                links.current.hash(&mut f);
                for (v, l) in doc.versions.iter().zip(&links.versions) {
                    v.body.source.text[..v.body.offset.min(v.body.source.text.len())].hash(&mut f);
                    l.url.hash(&mut f);
                }
                let mut o = DefaultHasher::new();
                links.has_in_force.hash(&mut o);
                if let Some(v) = doc.versions.get(links.current) {
                    v.meta.version.to_string().hash(&mut o);
                    for ob in &v.obligations {
                        ob.clause.as_str().hash(&mut o);
                        ob.ordinal.hash(&mut o);
                        ob.party.hash(&mut o);
                        ob.modality.code().hash(&mut o);
                        ob.text.hash(&mut o);
                        matches!(ob.source, crate::model::ObligationSource::Marked).hash(&mut o);
                    }
                }
                per_doc.push(DocPrint {
                    links: h.finish(),
                    summary: s.finish(),
                    front: f.finish(),
                    obligations: o.finish(),
                });
            }
            docs.push(per_doc);
        }
        let pages = graph
            .pages
            .iter()
            .map(|b| {
                let mut h = DefaultHasher::new();
                body(&mut h, b);
                h.finish()
            })
            .collect();
        Prints {
            site: site.finish(),
            docs,
            pages,
        }
    }
}

/// What changed since the last render, as the preview server knows it.
#[derive(Debug, Default)]
pub struct Changes {
    /// Source files (paths relative to the root, as in the model) whose text changed.
    pub sources: HashSet<String>,
    /// Templates whose text changed, or that were added or removed.
    pub templates: HashSet<String>,
    /// Render everything (the first build, a site or theme change).
    pub everything: bool,
}

/// The jobs that must run again.
#[derive(Debug, Default)]
pub struct Dirty {
    everything: bool,
    /// Every page of these documents.
    docs: HashSet<(usize, usize)>,
    /// The document and version pages of these documents (their parent's or a child's
    /// summary changed).
    neighbours: HashSet<(usize, usize)>,
    /// Programmes whose page lists a changed document summary.
    programmes: HashSet<usize>,
    /// The home page and programme pages (a document's summary changed).
    home: bool,
    feed: bool,
    obligations: bool,
    traces: HashSet<usize>,
    /// Programmes whose status pages read a changed document or trace.
    statuses: HashSet<usize>,
    pages: HashSet<usize>,
    /// Every template that uses a changed template.
    templates: HashSet<String>,
}

impl Dirty {
    /// Everything.
    pub fn everything() -> Dirty {
        Dirty {
            everything: true,
            ..Dirty::default()
        }
    }

    /// Compares the prints of the last render (`None` when there was none) with the
    /// graph now, given what changed.
    pub fn between(
        old: Option<&Prints>,
        new: &Prints,
        graph: &SiteGraph,
        theme: &Theme,
        changes: &Changes,
    ) -> Dirty {
        let Some(old) = old else {
            return Dirty::everything();
        };
        if changes.everything || old.site != new.site || old.docs.len() != new.docs.len() {
            return Dirty::everything();
        }
        let mut d = Dirty {
            templates: users_of(theme, &changes.templates),
            ..Dirty::default()
        };
        for (pi, prog) in graph.site.programmes.iter().enumerate() {
            if old.docs[pi].len() != new.docs[pi].len() {
                return Dirty::everything();
            }
            for (di, doc) in prog.documents.iter().enumerate() {
                let edited = changes.sources.contains(&doc.source.path)
                    || doc
                        .versions
                        .iter()
                        .any(|v| changes.sources.contains(&v.body.source.path));
                let (o, n) = (&old.docs[pi][di], &new.docs[pi][di]);
                if o.front != n.front {
                    d.feed = true;
                }
                if o.obligations != n.obligations {
                    d.obligations = true;
                }
                if edited || o.links != n.links {
                    d.docs.insert((pi, di));
                    // A trace reads the documents its requirements cite (their
                    // version in force, clauses and history) and the documents that
                    // hold its tables.
                    let t = &graph.traces[pi];
                    let cited = t.sources.contains(&di)
                        || t.requirements
                            .iter()
                            .any(|r| r.source.as_ref().is_some_and(|s| s.di == di));
                    if !t.is_empty() && cited {
                        d.traces.insert(pi);
                        d.statuses.insert(pi);
                    }
                    if graph.statuses[pi].cites.contains(&di) {
                        d.statuses.insert(pi);
                    }
                }
                if o.summary != n.summary {
                    d.programmes.insert(pi);
                    d.home = true;
                    let links = &graph.documents[pi][di];
                    let near = doc
                        .config
                        .parent
                        .iter()
                        .chain(&links.children)
                        .filter_map(|id| graph.index.get(id));
                    d.neighbours.extend(near.copied());
                }
            }
        }
        if old.pages.len() != new.pages.len() {
            return Dirty::everything();
        }
        for (i, p) in graph.site.pages.iter().enumerate() {
            if changes.sources.contains(&p.body.source.path) || old.pages[i] != new.pages[i] {
                d.pages.insert(i);
            }
        }
        d
    }

    /// Whether a version body of this document may render differently: its sources or
    /// links changed, or its programme's trace (whose requirements are listed under the
    /// clauses they cite).
    pub fn body_may_change(&self, pi: usize, di: usize) -> bool {
        self.everything || self.docs.contains(&(pi, di)) || self.traces.contains(&pi)
    }

    /// Whether a template changed.
    pub fn has_templates(&self) -> bool {
        !self.templates.is_empty()
    }

    /// Whether every job runs again.
    pub fn is_everything(&self) -> bool {
        self.everything
    }

    /// The documents all of whose pages run again, sorted.
    pub fn documents(&self) -> Vec<(usize, usize)> {
        let mut docs: Vec<(usize, usize)> = self.docs.iter().copied().collect();
        docs.sort_unstable();
        docs
    }

    /// Whether `job` must run again. Also answers for jobs that no longer exist, so
    /// that the files they made can be dropped.
    pub fn covers(&self, job: &Job) -> bool {
        if self.everything {
            return true;
        }
        if job.template().is_some_and(|t| self.templates.contains(t)) {
            return true;
        }
        match *job {
            Job::Home => self.home,
            Job::NotFound => false,
            Job::Programme(pi) => self.programmes.contains(&pi) || self.traces.contains(&pi),
            Job::Document { pi, di, .. } => {
                self.docs.contains(&(pi, di)) || self.neighbours.contains(&(pi, di))
            }
            Job::History { pi, di }
            | Job::Clauses { pi, di }
            | Job::DocFiles { pi, di }
            | Job::Redline { pi, di, .. } => self.docs.contains(&(pi, di)),
            Job::SiteFeed => self.feed,
            Job::TraceOverview(pi)
            | Job::TraceFiles(pi)
            | Job::Matrix { pi, .. }
            | Job::Requirement { pi, .. }
            | Job::Test { pi, .. } => self.traces.contains(&pi),
            // Status pages read the documents they cite (governing versions, the
            // clauses that set criteria, decisions) and the trace (coverage over time).
            Job::Status(pi) | Job::Phase { pi, .. } | Job::Decisions(pi) | Job::StatusFiles(pi) => {
                self.statuses.contains(&pi)
            }
            Job::Page(i) => self.pages.contains(&i),
            // The register, every page of it and of each party, and its exports read
            // the obligations of every version in force.
            Job::Obligations { .. } | Job::ObligationsFiles | Job::Party { .. } => self.obligations,
            Job::Search => false,
        }
    }
}

impl Job {
    /// The template the job renders, if it renders one.
    pub fn template(&self) -> Option<&'static str> {
        Some(match self {
            Job::Home => "home.html",
            Job::NotFound => "404.html",
            Job::Programme(_) => "programme.html",
            Job::Document { .. } => "document.html",
            Job::History { .. } => "history.html",
            Job::Clauses { .. } => "clauses.html",
            Job::Redline { .. } => "redline.html",
            Job::TraceOverview(_) => "trace.html",
            Job::Matrix { .. } => "matrix.html",
            Job::Requirement { .. } => "requirement.html",
            Job::Test { .. } => "test.html",
            Job::Status(_) => "status.html",
            Job::Phase { .. } => "phase.html",
            Job::Decisions(_) => "decisions.html",
            Job::Page(_) => "page.html",
            Job::Obligations { .. } => "obligations.html",
            Job::Party { .. } => "party.html",
            Job::Search => "search.html",
            Job::DocFiles { .. }
            | Job::SiteFeed
            | Job::TraceFiles(_)
            | Job::StatusFiles(_)
            | Job::ObligationsFiles => return None,
        })
    }
}

/// Every template that is one of `changed` or extends, includes or imports one of them,
/// however indirectly. A template names another by its quoted name; any quoted mention
/// counts, which may over-count (a template name in a string) but never misses.
pub fn users_of(theme: &Theme, changed: &HashSet<String>) -> HashSet<String> {
    let mut users: HashSet<String> = changed.clone();
    let mentions: BTreeMap<&str, Vec<&str>> = theme
        .templates
        .iter()
        .map(|(name, t)| {
            let named = theme
                .templates
                .keys()
                .filter(|other| {
                    *other != name
                        && (t.text.contains(&format!("\"{other}\""))
                            || t.text.contains(&format!("'{other}'")))
                })
                .map(String::as_str)
                .collect();
            (name.as_str(), named)
        })
        .collect();
    loop {
        let before = users.len();
        for (name, named) in &mentions {
            if named.iter().any(|n| users.contains(*n)) {
                users.insert((*name).to_owned());
            }
        }
        if users.len() == before {
            return users;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::TemplateSource;

    fn theme(files: &[(&str, &str)]) -> Theme {
        Theme {
            name: "t".into(),
            templates: files
                .iter()
                .map(|(n, t)| {
                    (
                        n.to_string(),
                        TemplateSource {
                            origin: n.to_string(),
                            text: t.to_string(),
                        },
                    )
                })
                .collect(),
            statics: Vec::new(),
        }
    }

    #[test]
    fn every_page_of_the_register_is_dirty_when_the_register_is() {
        let register = [
            Job::ObligationsFiles,
            Job::Obligations { page: 0 },
            Job::Obligations { page: 7 },
            Job::Party { party: 0, page: 0 },
            Job::Party { party: 2, page: 3 },
        ];
        // An edit to an obligation of a version in force reaches every part of it; one
        // that reaches the home page alone (a summary) none.
        let edited = Dirty {
            obligations: true,
            ..Dirty::default()
        };
        assert!(register.iter().all(|j| edited.covers(j)));
        let summary = Dirty {
            home: true,
            ..Dirty::default()
        };
        assert!(!register.iter().any(|j| summary.covers(j)));
        assert!(!register.iter().any(|j| Dirty::default().covers(j)));
        // A template edit: every page of what uses it, and not the exports.
        let template = |name: &str| Dirty {
            templates: HashSet::from([name.to_owned()]),
            ..Dirty::default()
        };
        let covered = |d: &Dirty| register.iter().map(|j| d.covers(j)).collect::<Vec<_>>();
        assert_eq!(
            covered(&template("obligations.html")),
            [false, true, true, false, false]
        );
        assert_eq!(
            covered(&template("party.html")),
            [false, false, false, true, true]
        );
    }

    #[test]
    fn a_template_is_used_by_what_extends_or_includes_it_transitively() {
        let t = theme(&[
            (
                "base.html",
                "<html>{% block content %}{% endblock %}</html>",
            ),
            ("_nav.html", "<nav></nav>"),
            ("_outer.html", "{% include \"_nav.html\" %}"),
            (
                "trace.html",
                "{% extends \"base.html\" %}{% include '_outer.html' %}",
            ),
            ("home.html", "{% extends \"base.html\" %}"),
        ]);
        let of = |n: &str| {
            let mut v: Vec<String> = users_of(&t, &HashSet::from([n.to_owned()]))
                .into_iter()
                .collect();
            v.sort();
            v
        };
        assert_eq!(of("_nav.html"), ["_nav.html", "_outer.html", "trace.html"]);
        assert_eq!(of("base.html"), ["base.html", "home.html", "trace.html"]);
        assert_eq!(of("home.html"), ["home.html"]);
    }
}
