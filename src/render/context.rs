//! The values each template sees. One struct a page type; templates loop and branch over
//! these, they do not compute. Field names are the theme's contract (see the README).

use serde::Serialize;

use crate::link::{DocLinks, SiteGraph};
use crate::model::{DocVersion, Document, VersionStatus};

#[derive(Debug, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub notice: Option<String>,
    /// URL path prefix of the site, ending in `/`.
    pub base: String,
    /// URL path of the static files, ending in `/`.
    pub r#static: String,
    /// The site's absolute URL (origin and base path) when `base_url` is absolute, for
    /// canonical links; `None` for a bare path.
    pub url: Option<String>,
    pub programmes: Vec<NavLink>,
}

#[derive(Debug, Serialize)]
pub struct NavLink {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PageInfo {
    pub title: String,
    pub url: String,
    pub description: Option<String>,
    /// The id of the programme the page belongs to, to mark it in the navigation.
    pub programme_id: Option<String>,
    /// The page's absolute URL, when the site's `base_url` is absolute.
    pub canonical_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

/// A document in a list: home, programme and "documents below this one".
#[derive(Debug, Serialize)]
pub struct DocSummary {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub url: String,
    pub summary: Option<String>,
    pub depth: usize,
    /// The document above this one, when it has one.
    pub parent: Option<DocRef>,
    pub current: VersionBrief,
}

#[derive(Debug, Serialize)]
pub struct VersionBrief {
    pub version: String,
    /// False when the document has no approved or designated version yet and this is
    /// its latest draft.
    pub is_in_force: bool,
    pub published_iso: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    pub published: String,
}

#[derive(Debug, Serialize)]
pub struct HomePage {
    pub programmes: Vec<ProgrammeSummary>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct ProgrammeSummary {
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    pub owner: Option<String>,
    pub url: String,
    pub documents: Vec<DocSummary>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProgrammePage {
    pub programme: ProgrammeDetail,
}

#[derive(Debug, Serialize)]
pub struct ProgrammeDetail {
    #[serde(flatten)]
    pub summary: ProgrammeSummary,
    pub phases: Vec<StageInfo>,
    pub releases: Vec<StageInfo>,
    /// The programme's traceability, when it has trace tables.
    pub trace: Option<TraceSummary>,
    /// The phase status dashboard, when there are status snapshots.
    pub status_url: Option<String>,
}

/// A programme's traceability in brief, for its page.
#[derive(Debug, Serialize)]
pub struct TraceSummary {
    pub url: String,
    pub matrix_url: String,
    pub requirements: usize,
    pub tests: usize,
    pub traced_pct: usize,
    pub uncovered: usize,
    pub suspect: usize,
}

/// A document version's page (also the document's own page, for the version in force).
#[derive(Debug, Serialize)]
pub struct DocumentPage {
    pub document: DocumentInfo,
    pub version: VersionInfo,
    pub is_document_page: bool,
    /// The version shown at the document's own URL: the version in force, or the latest
    /// version when `has_version_in_force` is false.
    pub current: VersionLink,
    pub has_version_in_force: bool,
    pub banner: Option<Banner>,
    pub contents: Vec<ContentsItem>,
    pub body: String,
    pub versions: Vec<VersionRow>,
    /// Links to the document's history pages, feed and exports.
    pub history: super::history::DocHeader,
    /// Versions after the current one, and the clauses each would change.
    pub pending: Vec<super::history::Pending>,
    /// The redline from the version before this one.
    pub changes_url: Option<String>,
    /// The redline between this version and the current one.
    pub compare_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DocumentInfo {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub summary: Option<String>,
    pub owner: Option<String>,
    pub url: String,
    pub release: Option<ReleaseRef>,
    pub phases: Vec<String>,
    pub parent: Option<DocRef>,
    pub children: Vec<DocSummary>,
    /// The programme's traceability pages, for a document whose tables feed them.
    pub trace_url: Option<String>,
}

/// A release named by a document: its id and, when the programme declares it, its name
/// and where the programme page describes it.
#[derive(Debug, Serialize)]
pub struct ReleaseRef {
    pub id: String,
    pub name: Option<String>,
    pub url: Option<String>,
}

/// A phase or release of a programme, with an anchor on the programme page.
#[derive(Debug, Serialize)]
pub struct StageInfo {
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    pub anchor: String,
}

#[derive(Debug, Serialize)]
pub struct DocRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct VersionInfo {
    pub version: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    pub published: String,
    pub published_iso: String,
    pub effective_from: Option<String>,
    pub effective_from_iso: Option<String>,
    pub consultation_closes: Option<String>,
    pub consultation_closes_iso: Option<String>,
    pub change_mechanism_label: &'static str,
    pub change_summary: String,
    pub url: String,
    /// This is the version shown at the document's own URL.
    pub is_current: bool,
    /// This is the version in force (current, and approved or designated).
    pub is_in_force: bool,
}

#[derive(Debug, Serialize)]
pub struct VersionLink {
    pub version: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct Banner {
    pub kind: &'static str,
    pub title: String,
    pub text: String,
    pub link_url: Option<String>,
    pub link_text: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ContentsItem {
    pub number: Option<String>,
    pub title: String,
    pub anchor: String,
    pub level: u8,
    /// A section whose next entries are its subsections, listed inside its own.
    pub opens_list: bool,
}

#[derive(Debug, Serialize)]
pub struct VersionRow {
    pub version: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    pub published: String,
    pub published_iso: String,
    pub change_mechanism_label: &'static str,
    pub change_summary: String,
    pub url: String,
    pub is_current: bool,
    pub is_in_force: bool,
    pub is_this: bool,
}

#[derive(Debug, Serialize)]
pub struct TextPage {
    pub body: String,
}

/// Where a version stands relative to the document's current version (the one in
/// force, or the latest when none is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Current,
    Earlier,
    Later,
}

pub fn standing(vi: usize, current: usize) -> Standing {
    use std::cmp::Ordering::*;
    match vi.cmp(&current) {
        Equal => Standing::Current,
        Less => Standing::Earlier,
        Greater => Standing::Later,
    }
}

/// The label and tag colour a reader sees for a version.
pub fn status_display(
    v: &DocVersion,
    standing: Standing,
) -> (&'static str, &'static str, &'static str) {
    let status = v.meta.status;
    if standing == Standing::Earlier && status.is_in_force_kind() {
        return ("superseded", "Superseded", "grey");
    }
    if standing == Standing::Later && status.is_in_force_kind() {
        // Approved or designated, with an effective date still to come.
        return ("prospective", "Prospective", "purple");
    }
    let tag = match status {
        VersionStatus::Draft => "grey",
        VersionStatus::DraftForConsultation => "yellow",
        VersionStatus::Submitted => "blue",
        VersionStatus::Approved | VersionStatus::Designated => "green",
        VersionStatus::Withdrawn => "red",
    };
    (status_code(status), status.label(), tag)
}

fn status_code(s: VersionStatus) -> &'static str {
    match s {
        VersionStatus::Draft => "draft",
        VersionStatus::DraftForConsultation => "draft-for-consultation",
        VersionStatus::Submitted => "submitted",
        VersionStatus::Approved => "approved",
        VersionStatus::Designated => "designated",
        VersionStatus::Withdrawn => "withdrawn",
    }
}

pub fn brief(doc: &Document, links: &DocLinks) -> VersionBrief {
    let v = &doc.versions[links.current];
    let (status, status_label, status_tag) = status_display(v, Standing::Current);
    VersionBrief {
        version: v.meta.version.to_string(),
        is_in_force: links.has_in_force,
        published_iso: v.meta.published.iso(),
        status,
        status_label,
        status_tag,
        published: v.meta.published.long(),
    }
}

/// The documents of a programme in tree order: each document followed by those below it.
pub fn document_tree(graph: &SiteGraph, pi: usize) -> Vec<DocSummary> {
    let prog = &graph.site.programmes[pi];
    let mut roots: Vec<usize> = (0..prog.documents.len())
        .filter(|&di| {
            prog.documents[di]
                .config
                .parent
                .as_ref()
                .is_none_or(|p| graph.index.get(p).is_none_or(|&(ppi, _)| ppi != pi))
        })
        .collect();
    sort_docs(prog, &mut roots);
    let mut out = Vec::new();
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|d| (d, 0)).collect();
    let mut seen = vec![false; prog.documents.len()];
    while let Some((di, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[di], true) {
            continue;
        }
        out.push(summary(graph, pi, di, depth));
        let mut kids: Vec<usize> = graph.documents[pi][di]
            .children
            .iter()
            .filter_map(|id| graph.index.get(id))
            .filter(|&&(p, _)| p == pi)
            .map(|&(_, d)| d)
            .collect();
        sort_docs(prog, &mut kids);
        stack.extend(kids.into_iter().rev().map(|d| (d, depth + 1)));
    }
    out
}

fn sort_docs(prog: &crate::model::Programme, v: &mut [usize]) {
    v.sort_by(|&a, &b| {
        let (a, b) = (&prog.documents[a].config, &prog.documents[b].config);
        (a.kind, &a.id).cmp(&(b.kind, &b.id))
    });
}

pub fn summary(graph: &SiteGraph, pi: usize, di: usize, depth: usize) -> DocSummary {
    let doc = &graph.site.programmes[pi].documents[di];
    let links = &graph.documents[pi][di];
    DocSummary {
        id: doc.config.id.to_string(),
        title: doc.config.title.clone(),
        kind: doc.config.kind.code(),
        kind_label: doc.config.kind.label(),
        url: links.url.clone(),
        summary: doc.config.summary.clone(),
        depth,
        parent: doc_ref(graph, doc.config.parent.as_ref()),
        current: brief(doc, links),
    }
}

/// A link to the document with id `id`, if it exists.
pub fn doc_ref(graph: &SiteGraph, id: Option<&crate::model::DocId>) -> Option<DocRef> {
    let id = id?;
    let &(pi, di) = graph.index.get(id)?;
    Some(DocRef {
        id: id.to_string(),
        title: graph.site.programmes[pi].documents[di].config.title.clone(),
        url: graph.documents[pi][di].url.clone(),
    })
}

impl PageInfo {
    pub fn new(
        graph: &SiteGraph,
        title: String,
        url: &str,
        description: Option<String>,
        programme_id: Option<String>,
    ) -> PageInfo {
        let origin = crate::link::origin(&graph.base_url);
        PageInfo {
            title,
            url: url.to_owned(),
            description,
            programme_id,
            canonical_url: (!origin.is_empty()).then(|| format!("{origin}{url}")),
        }
    }
}

/// A version as a row of a list of versions; `this` is the version the page shows.
pub fn version_row(doc: &Document, links: &DocLinks, i: usize, this: Option<usize>) -> VersionRow {
    let ver = &doc.versions[i];
    let (status, status_label, status_tag) = status_display(ver, standing(i, links.current));
    VersionRow {
        version: ver.meta.version.to_string(),
        status,
        status_label,
        status_tag,
        published: ver.meta.published.long(),
        published_iso: ver.meta.published.iso(),
        change_mechanism_label: ver.meta.change_mechanism.label(),
        change_summary: ver.meta.change_summary.clone(),
        url: links.versions[i].url.clone(),
        is_current: i == links.current,
        is_in_force: i == links.current && links.has_in_force,
        is_this: this == Some(i),
    }
}
