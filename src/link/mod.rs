//! Stage 3, link: the site as a graph. Gives every document, version and page its URL,
//! decides which version of each document is in force, and resolves every
//! cross-reference and defined term to the page and anchor it points at.
//!
//! A reference that does not resolve is an error here, with the nearest ids suggested;
//! so are problems between files: two documents with one id, a parent or release that
//! does not exist.

pub mod history;
pub mod status;
pub mod trace;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::model::{term_anchor, Body, ClauseNumber, Date, DocId, Document, RefTarget, Site};

/// The site with every URL and reference resolved.
#[derive(Debug)]
pub struct SiteGraph {
    pub site: Site,
    /// URL path prefix of the site, starting and ending with `/` (`/` or `/attest/`).
    pub base: String,
    /// `base_url` as configured (or given on the command line).
    pub base_url: String,
    /// The date the site is built for.
    pub today: Date,
    /// For each programme, for each document, its links (same indices as `site`).
    pub documents: Vec<Vec<DocLinks>>,
    /// For each free-standing page, its links.
    pub pages: Vec<BodyLinks>,
    /// Where each document id lives: (programme index, document index).
    pub index: HashMap<DocId, (usize, usize)>,
    /// For each programme, its traceability graph (empty when it has no trace tables).
    pub traces: Vec<trace::TraceGraph>,
    /// For each programme, its phase status (empty when it has no snapshots).
    pub statuses: Vec<status::StatusGraph>,
}

/// A document's URLs and which version is in force.
#[derive(Debug, Clone)]
pub struct DocLinks {
    pub url: String,
    /// The version shown at the document's own URL (an index into its versions): the
    /// version in force, or the latest when no version is in force yet.
    pub current: usize,
    /// Whether `current` is in force (approved or designated) rather than a draft.
    pub has_in_force: bool,
    pub versions: Vec<BodyLinks>,
    /// Documents whose parent is this one.
    pub children: Vec<DocId>,
    /// What each version changed.
    pub history: history::DocHistory,
}

/// A page's URL, its resolved references (in the order of the body's `refs`) and the
/// defined terms its text may link to.
#[derive(Debug, Clone, Default)]
pub struct BodyLinks {
    pub url: String,
    pub refs: Vec<Resolved>,
    pub terms: Arc<TermSet>,
}

/// The defined terms a page may link to, with a matcher that finds them in text. Pages
/// that see the same terms share one set: building a matcher costs more than using it.
#[derive(Debug, Default)]
pub struct TermSet {
    pub terms: Vec<VisibleTerm>,
    /// Finds the terms (leftmost-longest); `None` when there are none.
    pub matcher: Option<AhoCorasick>,
}

impl TermSet {
    fn new(terms: Vec<VisibleTerm>) -> TermSet {
        // A contiguous NFA builds in microseconds; a DFA's build costs more than the few
        // kilobytes of text a page would scan faster.
        let matcher = (!terms.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(terms.iter().map(|t| t.term.as_str()))
                    .ok()
            })
            .flatten();
        TermSet { terms, matcher }
    }
}

/// Where a reference goes and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub href: String,
    /// Link text when the author wrote none.
    pub text: String,
}

/// A defined term that a page's text links to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VisibleTerm {
    pub term: String,
    pub href: String,
    /// Whether the definition is on this very page (its markup becomes the anchor).
    pub local: bool,
}

/// Links the parsed site. `base_url` overrides the one in `site.toml`.
pub fn link(site: Site, base_url: Option<&str>, today: Date) -> (SiteGraph, Vec<Diagnostic>) {
    link_with(site, base_url, today, &mut Memo::default())
}

/// What one link worked out for each document that the next link may take as it is.
///
/// The preview links the whole site again after every edit, and most of that work is
/// the same each time: a document the edit did not touch has the same history, and its
/// references resolve the same way as long as what other documents can see of the
/// edited one (see [`same_face`]) did not change. [`Memo::keep`] takes those parts out
/// of the last link's graph; [`link_with`] uses them instead of working them out again
/// and leaves in the memo the diagnostics that go with them. A memo only ever holds
/// what an identical link would compute, so the graph and diagnostics are the same as
/// [`link`]'s.
#[derive(Debug, Default)]
pub struct Memo {
    /// For each (programme, document) linked: the diagnostics of its history and of
    /// its versions' references, in the order `link` reports them.
    diags: HashMap<(usize, usize), (Vec<Diagnostic>, Vec<Diagnostic>)>,
    /// Taken from the last graph: each kept document's history and versions' links.
    kept: HashMap<(usize, usize), (history::DocHistory, Vec<BodyLinks>)>,
    /// The date of the last link. Versions in force, and so histories and references,
    /// depend on it: a preview left running past midnight works everything out again.
    today: Option<Date>,
    /// The documents the last link took from the memo instead of working them out.
    reused: HashSet<(usize, usize)>,
}

impl Memo {
    /// Keeps, for the next link, the history and resolved links of the documents
    /// `keep` accepts, out of the last link's `documents`.
    pub fn keep(&mut self, documents: Vec<Vec<DocLinks>>, keep: impl Fn(usize, usize) -> bool) {
        self.kept.clear();
        for (pi, docs) in documents.into_iter().enumerate() {
            for (di, links) in docs.into_iter().enumerate() {
                if keep(pi, di) && self.diags.contains_key(&(pi, di)) {
                    self.kept.insert((pi, di), (links.history, links.versions));
                }
            }
        }
    }

    /// Forgets everything: the next link works it all out.
    pub fn clear(&mut self) {
        self.kept.clear();
        self.diags.clear();
        self.reused.clear();
    }

    /// Whether the last link took the document's history and links from the memo: they
    /// are then exactly the link before's.
    pub fn reused(&self, pi: usize, di: usize) -> bool {
        self.reused.contains(&(pi, di))
    }
}

/// Whether two parses of one version look the same from other documents: the same
/// front matter (which decides the version in force), clause numbers and defined
/// terms. References elsewhere resolve against exactly these, so an edit that keeps
/// them leaves every other document's links as they were.
pub fn same_face(a: &crate::model::DocVersion, b: &crate::model::DocVersion) -> bool {
    let numbers = |v: &crate::model::DocVersion| -> Vec<ClauseNumber> {
        v.body.clauses.iter().map(|c| c.number.clone()).collect()
    };
    let terms = |v: &crate::model::DocVersion| -> Vec<(String, String)> {
        v.body
            .terms
            .iter()
            .map(|t| (t.term.clone(), t.anchor()))
            .collect()
    };
    format!("{:?}", a.meta) == format!("{:?}", b.meta)
        && numbers(a) == numbers(b)
        && terms(a) == terms(b)
}

/// [`link`], reusing what `memo` kept and leaving in it what the next link may reuse.
pub fn link_with(
    mut site: Site,
    base_url: Option<&str>,
    today: Date,
    memo: &mut Memo,
) -> (SiteGraph, Vec<Diagnostic>) {
    let mut kept = std::mem::take(&mut memo.kept);
    let mut old_diags = std::mem::take(&mut memo.diags);
    memo.reused.clear();
    if memo.today.replace(today) != Some(today) {
        kept.clear();
        old_diags.clear();
    }
    let mut diags = Vec::new();
    let base_url = base_url.unwrap_or(&site.config.base_url).to_owned();
    let base = base_path(&base_url);

    let mut index: HashMap<DocId, (usize, usize)> = HashMap::new();
    for (pi, prog) in site.programmes.iter().enumerate() {
        for (di, doc) in prog.documents.iter().enumerate() {
            if let Some(&(p0, d0)) = index.get(&doc.config.id) {
                let first: &Document = &site.programmes[p0].documents[d0];
                diags.push(
                    at_key(
                        doc,
                        "id",
                        "duplicate-document",
                        format!(
                            "the document id {} is also used by {}",
                            doc.config.id, first.source.path
                        ),
                    )
                    .with_help("every document needs its own id; change one of them"),
                );
                // References to an ambiguous id cannot be checked.
                site.unreliable.insert(doc.config.id.clone());
            } else {
                index.insert(doc.config.id.clone(), (pi, di));
            }
        }
    }

    // URLs, versions in force and histories first: references need the first two.
    let mut history_diags = Vec::new();
    // For each document kept from the memo: its versions' links and the diagnostics of
    // its history and references.
    let mut reused: HashMap<(usize, usize), (Vec<BodyLinks>, Vec<Diagnostic>)> = HashMap::new();
    let mut doc_diags: HashMap<(usize, usize), Vec<Diagnostic>> = HashMap::new();
    let mut documents: Vec<Vec<DocLinks>> = site
        .programmes
        .iter()
        .enumerate()
        .map(|(pi, prog)| {
            prog.documents
                .iter()
                .enumerate()
                .map(|(di, doc)| {
                    let url = format!("{base}{}/{}/", prog.slug, doc.slug);
                    let versions = doc
                        .versions
                        .iter()
                        .map(|v| BodyLinks {
                            url: format!("{url}v{}/", v.meta.version),
                            ..BodyLinks::default()
                        })
                        .collect();
                    let current = current_version(doc, today);
                    let memo = kept
                        .remove(&(pi, di))
                        .filter(|(_, v)| v.len() == doc.versions.len())
                        .zip(old_diags.remove(&(pi, di)));
                    let history = match memo {
                        Some(((history, links), (h, r))) => {
                            history_diags.extend(h.iter().cloned());
                            doc_diags.insert((pi, di), h);
                            reused.insert((pi, di), (links, r));
                            history
                        }
                        None => {
                            let (history, d) = history::history(doc, current);
                            history_diags.extend(d.iter().cloned());
                            doc_diags.insert((pi, di), d);
                            history
                        }
                    };
                    DocLinks {
                        current,
                        has_in_force: in_force_on(doc, today).is_some(),
                        url,
                        versions,
                        children: Vec::new(),
                        history,
                    }
                })
                .collect()
        })
        .collect();

    diags.extend(history_diags);

    // Traces next: documents may refer to requirements and tests.
    type Tables = Vec<(usize, crate::model::TraceTables)>;
    let tables: Vec<Tables> = site
        .programmes
        .iter_mut()
        .map(|p| {
            p.documents
                .iter_mut()
                .enumerate()
                .map(|(di, d)| (di, std::mem::take(&mut d.trace)))
                .filter(|(_, t)| !t.is_empty())
                .collect()
        })
        .collect();
    let mut traces = Vec::new();
    let mut trace_targets: HashMap<String, Resolved> = HashMap::new();
    let mut trace_incomplete = false;
    for (pi, tables) in tables.into_iter().enumerate() {
        let view = trace::DocView {
            programme: &site.programmes[pi],
            links: &documents[pi],
            index: &index,
            pi,
            unreliable: &site.unreliable,
        };
        let sources = tables.iter().map(|(di, _)| *di).collect();
        let tables = tables.into_iter().map(|(_, t)| t).collect();
        let (mut graph, d) = trace::build(&view, tables, &base, today);
        graph.sources = sources;
        trace_incomplete |= graph.incomplete;
        diags.extend(d);
        let reqs = graph
            .requirements
            .iter()
            .map(|r| (r.req.id.value.as_str(), &r.url));
        let tests = graph
            .tests
            .iter()
            .map(|t| (t.test.id.value.as_str(), &t.url));
        for (id, url) in reqs.chain(tests) {
            trace_targets.insert(
                id.to_owned(),
                Resolved {
                    href: url.clone(),
                    text: id.to_owned(),
                },
            );
        }
        traces.push(graph);
    }

    let reports: Vec<Vec<crate::model::StatusReport>> = site
        .programmes
        .iter_mut()
        .map(|p| std::mem::take(&mut p.status))
        .collect();
    let mut statuses = Vec::new();
    for (pi, reports) in reports.into_iter().enumerate() {
        let view = status::DocView {
            programme: &site.programmes[pi],
            links: &documents[pi],
            index: &index,
            pi,
            parties: &site.config.parties,
        };
        let (graph, d) = status::build(&view, reports, &base, today);
        diags.extend(d);
        statuses.push(graph);
    }

    let ctx = Ctx {
        site: &site,
        index: &index,
        documents: &documents,
        trace_targets: &trace_targets,
        trace_incomplete,
    };
    // For each programme, document and version: its references and visible terms,
    // unless the memo kept them.
    type PerVersion = Option<Vec<(Vec<Resolved>, Vec<VisibleTerm>)>>;
    let mut resolved: Vec<Vec<PerVersion>> = Vec::new();
    let mut children: HashMap<DocId, Vec<DocId>> = HashMap::new();
    for (pi, prog) in site.programmes.iter().enumerate() {
        let mut per_doc = Vec::new();
        for (di, doc) in prog.documents.iter().enumerate() {
            ctx.check_document(pi, doc, &mut diags);
            if let Some(parent) = &doc.config.parent {
                if index.contains_key(parent) {
                    children
                        .entry(parent.clone())
                        .or_default()
                        .push(doc.config.id.clone());
                }
            }
            let history = doc_diags.remove(&(pi, di)).unwrap_or_default();
            if let Some((_, refs_diags)) = reused.get(&(pi, di)) {
                diags.extend(refs_diags.iter().cloned());
                memo.diags.insert((pi, di), (history, refs_diags.clone()));
                per_doc.push(None);
                continue;
            }
            let mut refs_diags = Vec::new();
            let per_version = doc
                .versions
                .iter()
                .enumerate()
                .map(|(vi, v)| {
                    let terms = ctx.visible_terms(pi, di, vi);
                    let refs = ctx.resolve(&v.body, Some((pi, di, vi)), &terms, &mut refs_diags);
                    (refs, terms)
                })
                .collect();
            diags.extend(refs_diags.iter().cloned());
            memo.diags.insert((pi, di), (history, refs_diags));
            per_doc.push(Some(per_version));
        }
        resolved.push(per_doc);
    }
    let pages: Vec<BodyLinks> = site
        .pages
        .iter()
        .map(|p| {
            let refs = ctx.resolve(&p.body, None, &[], &mut diags);
            BodyLinks {
                url: format!("{base}{}/", p.slug),
                refs,
                terms: Arc::default(),
            }
        })
        .collect();

    let mut term_sets: HashMap<Vec<VisibleTerm>, Arc<TermSet>> = HashMap::new();
    for (pi, per_doc) in resolved.into_iter().enumerate() {
        for (di, per_version) in per_doc.into_iter().enumerate() {
            let links = &mut documents[pi][di];
            match per_version {
                Some(per_version) => {
                    for (vi, (refs, terms)) in per_version.into_iter().enumerate() {
                        links.versions[vi].refs = refs;
                        links.versions[vi].terms = term_sets
                            .entry(terms)
                            .or_insert_with_key(|t| Arc::new(TermSet::new(t.clone())))
                            .clone();
                    }
                }
                None => {
                    memo.reused.insert((pi, di));
                    let (kept, _) = reused.remove(&(pi, di)).unwrap_or_default();
                    for (new, old) in links.versions.iter_mut().zip(kept) {
                        new.refs = old.refs;
                        new.terms = old.terms;
                    }
                }
            }
            let id = &site.programmes[pi].documents[di].config.id;
            links.children = children.remove(id).unwrap_or_default();
        }
    }

    (
        SiteGraph {
            site,
            base,
            base_url,
            today,
            documents,
            pages,
            index,
            traces,
            statuses,
        },
        diags,
    )
}

/// The index of the version in force on `date`: the highest approved or designated
/// version whose effective date has come.
pub fn in_force_on(doc: &Document, date: Date) -> Option<usize> {
    doc.versions
        .iter()
        .rposition(|v| v.meta.status.is_in_force_kind() && v.meta.effective() <= date)
}

/// Whether a version is approved or designated but takes effect after `date`.
pub fn is_prospective(v: &crate::model::DocVersion, date: Date) -> bool {
    v.meta.status.is_in_force_kind() && v.meta.effective() > date
}

/// The index of the version a document's own URL shows on `date`: the version in force,
/// or, when none is, the latest version that is not prospective.
pub fn current_version(doc: &Document, date: Date) -> usize {
    in_force_on(doc, date)
        .or_else(|| doc.versions.iter().rposition(|v| !is_prospective(v, date)))
        .unwrap_or(doc.versions.len().saturating_sub(1))
}

/// The URL path of a base URL: `https://x.org/docs` gives `/docs/`.
pub fn base_path(base_url: &str) -> String {
    let path = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base_url,
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}

/// `https://host` of an absolute URL, or "" for a bare path.
pub fn origin(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            &url[..scheme.len() + 3 + host_end]
        }
        None => "",
    }
}

struct Ctx<'a> {
    site: &'a Site,
    index: &'a HashMap<DocId, (usize, usize)>,
    documents: &'a [Vec<DocLinks>],
    /// Requirements and tests by id.
    trace_targets: &'a HashMap<String, Resolved>,
    /// Some trace table did not parse: an unknown id may be in it.
    trace_incomplete: bool,
}

impl Ctx<'_> {
    fn doc(&self, id: &DocId) -> Option<(&Document, &DocLinks)> {
        self.index
            .get(id)
            .map(|&(p, d)| (&self.site.programmes[p].documents[d], &self.documents[p][d]))
    }

    /// Checks a document's parent, release and phases against what exists.
    fn check_document(&self, pi: usize, doc: &Document, diags: &mut Vec<Diagnostic>) {
        let prog = &self.site.programmes[pi];
        if let Some(parent) = &doc.config.parent {
            if self.site.unreliable.contains(parent) {
                // Its own errors are reported; it may well exist once they are fixed.
            } else if !self.index.contains_key(parent) {
                let ids: Vec<&str> = self
                    .index
                    .keys()
                    .filter(|id| **id != doc.config.id)
                    .map(DocId::as_str)
                    .collect();
                diags.push(with_suggestions(
                    at_key(
                        doc,
                        "parent",
                        "unknown-parent",
                        format!("there is no document {parent} to be this document's parent"),
                    ),
                    parent.as_str(),
                    ids,
                    "documents",
                ));
            } else if self.has_cycle(&doc.config.id) {
                diags.push(
                    at_key(
                        doc,
                        "parent",
                        "parent-cycle",
                        format!("{} is its own ancestor through `parent`", doc.config.id),
                    )
                    .with_help("a document's parent must sit above it; remove one `parent`"),
                );
            }
        }
        if let Some(release) = &doc.config.release {
            let ids: Vec<&str> = prog.config.releases.iter().map(|r| r.id.as_str()).collect();
            if !ids.contains(&release.as_str()) {
                diags.push(with_suggestions(
                    at_key(
                        doc,
                        "release",
                        "unknown-release",
                        format!(
                            "the programme {} declares no release {release}",
                            prog.config.id
                        ),
                    ),
                    release,
                    ids,
                    "releases",
                ));
            }
        }
        let phase_ids: Vec<&str> = prog.config.phases.iter().map(|p| p.id.as_str()).collect();
        for phase in &doc.config.phases {
            if !phase_ids.contains(&phase.as_str()) {
                diags.push(with_suggestions(
                    at_key(
                        doc,
                        "phases",
                        "unknown-phase",
                        format!("the programme {} declares no phase {phase}", prog.config.id),
                    ),
                    phase,
                    phase_ids.clone(),
                    "phases",
                ));
            }
        }
    }

    /// Whether a document and every document above it parsed cleanly.
    fn chain_is_reliable(&self, pi: usize, di: usize) -> bool {
        let mut doc = &self.site.programmes[pi].documents[di];
        let mut seen = HashSet::new();
        loop {
            if self.site.unreliable.contains(&doc.config.id) || !seen.insert(&doc.config.id) {
                return !self.site.unreliable.contains(&doc.config.id);
            }
            match &doc.config.parent {
                None => return true,
                Some(p) if self.site.unreliable.contains(p) => return false,
                Some(p) => match self.doc(p) {
                    Some((d, _)) => doc = d,
                    // An unknown parent is reported at its key; its terms are unknown.
                    None => return false,
                },
            }
        }
    }

    fn has_cycle(&self, start: &DocId) -> bool {
        let mut seen = HashSet::new();
        let mut at = start.clone();
        while let Some((doc, _)) = self.doc(&at) {
            if !seen.insert(at.clone()) {
                return true;
            }
            match &doc.config.parent {
                Some(p) if p == start => return true,
                Some(p) => at = p.clone(),
                None => return false,
            }
        }
        false
    }

    /// The terms a version's text may use: its own, then those of the versions in force
    /// of its ancestors (nearest first; a nearer definition hides a farther one).
    fn visible_terms(&self, pi: usize, di: usize, vi: usize) -> Vec<VisibleTerm> {
        let doc = &self.site.programmes[pi].documents[di];
        let mut out: Vec<VisibleTerm> = doc.versions[vi]
            .body
            .terms
            .iter()
            .map(|t| VisibleTerm {
                term: t.term.clone(),
                href: format!("#{}", t.anchor()),
                local: true,
            })
            .collect();
        let mut seen: HashSet<DocId> = HashSet::from([doc.config.id.clone()]);
        let mut parent = doc.config.parent.clone();
        while let Some(p) = parent {
            if !seen.insert(p.clone()) {
                break;
            }
            let Some((pdoc, plinks)) = self.doc(&p) else {
                break;
            };
            if let Some(v) = pdoc.versions.get(plinks.current) {
                for t in &v.body.terms {
                    if !out.iter().any(|o| o.term == t.term) {
                        out.push(VisibleTerm {
                            term: t.term.clone(),
                            href: format!("{}#{}", plinks.url, t.anchor()),
                            local: false,
                        });
                    }
                }
            }
            parent = pdoc.config.parent.clone();
        }
        out
    }

    /// Resolves every reference of a body. `here` is the (programme, document, version)
    /// the body belongs to: references to the same document stay in that version.
    fn resolve(
        &self,
        body: &Body,
        here: Option<(usize, usize, usize)>,
        terms: &[VisibleTerm],
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Resolved> {
        let here_pos = here.map(|(p, d, _)| (p, d));
        // Terms may be missing because a document above this one is broken.
        let terms_reliable = here.is_none_or(|(p, d, _)| self.chain_is_reliable(p, d));
        body.refs
            .iter()
            .map(|r| {
                let unresolved = |msg: String| {
                    Diagnostic::error_at("unresolved-reference", &body.source.path, &body.source.text, r.range.clone(), msg)
                };
                match &r.target {
                    RefTarget::Definition(term) => Resolved {
                        href: format!("#{}", term_anchor(term)),
                        text: term.clone(),
                    },
                    RefTarget::Term(term) => match terms.iter().find(|t| &t.term == term) {
                        Some(t) => Resolved { href: t.href.clone(), text: term.clone() },
                        None if !terms_reliable => Resolved::default_for(&r.raw),
                        None => {
                            let names: Vec<&str> = terms.iter().map(|t| t.term.as_str()).collect();
                            let mut d = unresolved(format!("`[[{}]]`: no defined term `{term}` is in scope here", r.raw));
                            d = with_suggestions(d, term, names, "terms");
                            if d.help.is_none() {
                                d = d.with_help("define it with `**Term** means ...` in this document or in one above it (see `parent`)");
                            }
                            diags.push(d);
                            Resolved::default_for(&r.raw)
                        }
                    },
                    RefTarget::Document(id) | RefTarget::Clause(id, _) => {
                        if self.site.unreliable.contains(id) {
                            return Resolved::default_for(&r.raw);
                        }
                        let Some((doc, links)) = self.doc(id) else {
                            match (&r.target, self.trace_targets.get(id.as_str())) {
                                (RefTarget::Document(_), Some(t)) => return t.clone(),
                                (RefTarget::Clause(_, n), Some(_)) => {
                                    diags.push(unresolved(format!("`[[{}]]`: {id} is a requirement or test, which has no clause {n}", r.raw))
                                        .with_help(format!("write `[[{id}]]`")));
                                    return Resolved::default_for(&r.raw);
                                }
                                _ => {}
                            }
                            if self.trace_incomplete {
                                return Resolved::default_for(&r.raw);
                            }
                            let ids: Vec<&str> = self.index.keys().map(DocId::as_str).chain(self.trace_targets.keys().map(String::as_str)).collect();
                            let (what, kind) = if self.trace_targets.is_empty() {
                                ("document", "documents")
                            } else {
                                ("document, requirement or test", "ids")
                            };
                            diags.push(with_suggestions(
                                unresolved(format!("`[[{}]]`: there is no {what} {id}", r.raw)),
                                id.as_str(),
                                ids,
                                kind,
                            ));
                            return Resolved::default_for(&r.raw);
                        };
                        let same = here_pos.is_some() && self.index.get(id).copied() == here_pos;
                        let (vi, page) = match (same, here) {
                            (true, Some((_, _, vi))) => (vi, String::new()),
                            _ => (links.current, links.url.clone()),
                        };
                        let RefTarget::Clause(_, number) = &r.target else {
                            let href = if page.is_empty() { "#main-content".to_owned() } else { page };
                            return Resolved { href, text: id.to_string() };
                        };
                        let version = &doc.versions[vi];
                        if version.body.clauses.iter().any(|c| &c.number == number) {
                            Resolved {
                                href: format!("{page}#{}", number.anchor()),
                                text: format!("{id} {number}"),
                            }
                        } else {
                            let ids: Vec<String> = version.body.clauses.iter().map(|c| format!("{id} {}", c.number)).collect();
                            let wanted = format!("{id} {number}");
                            diags.push(with_suggestions(
                                unresolved(format!(
                                    "`[[{}]]`: {id} version {} has no clause {number}",
                                    r.raw, version.meta.version
                                )),
                                &wanted,
                                ids.iter().map(String::as_str).collect(),
                                "clauses",
                            ));
                            Resolved::default_for(&r.raw)
                        }
                    }
                }
            })
            .collect()
    }
}

impl Resolved {
    /// A placeholder for a reference that did not resolve; the build stops before any
    /// page is written, but `check` goes on to find more.
    fn default_for(raw: &str) -> Resolved {
        Resolved {
            href: "#".to_owned(),
            text: raw.to_owned(),
        }
    }
}

/// Adds the candidates closest to `wanted` as help or, when none is close, the list of
/// what there is ("known releases: `R1`, `R2`").
fn with_suggestions(
    d: Diagnostic,
    wanted: &str,
    mut candidates: Vec<&str>,
    kind: &str,
) -> Diagnostic {
    if let Some(help) = did_you_mean(&closest(wanted, candidates.iter().copied())) {
        return d.with_help(help);
    }
    if candidates.is_empty() {
        return d;
    }
    candidates.sort_unstable();
    let shown: Vec<String> = candidates
        .iter()
        .take(8)
        .map(|c| format!("`{c}`"))
        .collect();
    let more = match candidates.len() {
        n if n > 8 => format!(" and {} more", n - 8),
        _ => String::new(),
    };
    d.with_help(format!("known {kind}: {}{more}", shown.join(", ")))
}

/// A diagnostic at the value of `key` in a document's `document.toml`.
fn at_key(doc: &Document, key: &str, code: &'static str, message: String) -> Diagnostic {
    let src = &doc.source;
    match crate::diagnostics::toml_key_range(&src.text, 0, key) {
        Some(range) => Diagnostic::error_at(code, &src.path, &src.text, range, message),
        None => Diagnostic::file_error(code, &src.path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path(""), "/");
        assert_eq!(base_path("/attest"), "/attest/");
        assert_eq!(base_path("https://example.org"), "/");
        assert_eq!(base_path("https://example.org/docs/fsm/"), "/docs/fsm/");
        assert_eq!(origin("https://example.org/docs/"), "https://example.org");
        assert_eq!(origin("http://localhost:1111"), "http://localhost:1111");
        assert_eq!(origin("/docs/"), "");
    }
}
