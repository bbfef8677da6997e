//! Search: one set of records, two indexes.
//!
//! Every clause of the current version of each document is a [`Record`], and so is
//! every clause of another version whose words differ from the current one's, and
//! every page that is not a clause (free-standing pages, programmes, documents, the
//! obligations register).
//! A record carries the fields DESIGN.md names: title, body, document, kind, version,
//! clause, party, modality, phase, url, and whether it belongs to the current version of
//! its document. The same records feed
//!
//! - [`index`]: a tantivy index under `search-index/index/`, built with the site, that
//!   `attest search` (and later the preview server) queries; and
//! - [`static_index`]: Pagefind's index, written into the published site with
//!   Pagefind's prebuilt browser client, so the site can be searched on a static host.
//!
//! [`settings`] reads the committed search settings (synonyms, abbreviations, field
//! boosts) from `search-index/settings.toml`; [`query`] turns what a person typed into
//! something the index understands without ever failing; [`eval`] measures how often the
//! expected answer comes first, from the committed evaluation set.
//!
//! Search does not decide what a clause says or who it binds: that is `parse` (clauses,
//! obligations) and `link` (URLs, which version is current).

pub mod eval;
mod exclusion;
pub mod index;
pub mod query;
pub mod settings;
pub mod static_index;

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Parser};
use serde::Serialize;

use crate::link::SiteGraph;
use crate::model::{markdown_options, Body};

pub use index::{Hit, SearchIndex, SearchOutcome};
pub use query::{Filters, Query};
pub use settings::Settings;

/// The folder of a project holding the search settings and the built index.
pub const SEARCH_DIR: &str = "search-index";
/// The built tantivy index, below [`SEARCH_DIR`] (not committed).
pub const INDEX_DIR: &str = "index";

/// One searchable thing: a clause of a version, or a page that is not a clause.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// What a result is called: `6.3 Test completion` for a clause (its number and the
    /// heading it sits under), the page title otherwise.
    pub title: String,
    /// The text searched and quoted in snippets.
    pub body: String,
    /// The document id (`FSM-SVTAD`), or "" for a page that is not a document's.
    pub document: String,
    pub document_title: String,
    /// The document kind (`svtad`, `tad` ...), or `page`, `programme`, `register`.
    pub kind: String,
    /// The version number, or "" for pages without versions.
    pub version: String,
    /// The first of a run of versions side by side that hold the same words, when the
    /// record stands for the run (`version` is the last of it); "" when it stands for
    /// one version. Only another version than the current one stands for a run.
    pub first_version: String,
    /// The clause number, or "" for a record that is not a clause.
    pub clause: String,
    /// The heading the clause sits under.
    pub heading: String,
    /// Party ids of the clause's obligations.
    pub party: Vec<String>,
    /// Modality codes of the clause's obligations.
    pub modality: Vec<String>,
    /// Phases of the document, and phases the text names.
    pub phase: Vec<String>,
    pub url: String,
    /// Whether the record is in the version a document's own URL shows (the version in
    /// force, or the latest when none is in force yet). Pages are always current.
    pub current: bool,
    /// Whether the record is in a version in force.
    pub in_force: bool,
    /// The version's status label, for results ("Designated", "Draft").
    pub status: String,
}

/// Every record of the site, clauses first, in document and version order.
pub fn records(graph: &SiteGraph) -> Vec<Record> {
    let mut out = Vec::new();
    for (pi, prog) in graph.site.programmes.iter().enumerate() {
        for di in 0..prog.documents.len() {
            out.extend(document_records(graph, pi, di));
        }
        out.push(programme_record(graph, pi));
    }
    out.extend(site_records(graph));
    out
}

/// Whether any document has another version than its current one with words of its
/// own, so that there is a record that is not current: then the published site's
/// search offers to search them too (see `static_index`). Stops at the first.
pub fn has_other_versions(graph: &SiteGraph) -> bool {
    graph.site.programmes.iter().enumerate().any(|(pi, p)| {
        (0..p.documents.len()).any(|di| {
            p.documents[di].versions.len() > 1
                && document_records(graph, pi, di).iter().any(|r| !r.current)
        })
    })
}

/// The records of one document: its versions' clauses and the document itself.
pub fn document_records(graph: &SiteGraph, pi: usize, di: usize) -> Vec<Record> {
    let mut out = Vec::new();
    let prog = &graph.site.programmes[pi];
    let phase_ids: Vec<&str> = prog.config.phases.iter().map(|p| p.id.as_str()).collect();
    let doc = &prog.documents[di];
    let links = &graph.documents[pi][di];
    // Another version's clause is a record only where its words differ from the
    // current version's: the same words are found there, and most clauses of most
    // versions are the same. Where several versions side by side (none of them the
    // current one) hold the same words, one record, the last version's, stands for the
    // run: a clause that changed once, after many versions, is found once, not once a
    // version. Both keep the indexes a fraction of the size.
    let texts: Vec<std::collections::HashMap<&crate::model::ClauseNumber, &str>> = doc
        .versions
        .iter()
        .map(|v| {
            v.body
                .clauses
                .iter()
                .map(|c| (&c.number, v.body.clause_text(c)))
                .collect()
        })
        .collect();
    let holds = |vi: usize, number: &crate::model::ClauseNumber, text: &str| {
        texts.get(vi).and_then(|t| t.get(number)) == Some(&text)
    };
    // Another version than the current one, with the same words.
    let same = |vi: usize, number, text| vi != links.current && holds(vi, number, text);
    for (vi, v) in doc.versions.iter().enumerate() {
        let current = vi == links.current;
        let in_force = current && links.has_in_force;
        let base_url = if current {
            links.url.as_str()
        } else {
            links.versions[vi].url.as_str()
        };
        for clause in &v.body.clauses {
            let text = v.body.clause_text(clause);
            // A heading with no text of its own (`# 6 Test completion`) is found
            // through the clauses below it, whose titles carry it.
            if clause.title.as_deref() == Some(text) {
                continue;
            }
            if !current
                && (holds(links.current, &clause.number, text)
                    || same(vi + 1, &clause.number, text))
            {
                continue;
            }
            let mut first = vi;
            while !current && first > 0 && same(first - 1, &clause.number, text) {
                first -= 1;
            }
            let heading = section_heading(&v.body, clause);
            let obligations = v.obligations.iter().filter(|o| o.clause == clause.number);
            let party: BTreeSet<String> = obligations
                .clone()
                .filter_map(|o| o.party.clone())
                .collect();
            let modality: BTreeSet<&str> = obligations.map(|o| o.modality.code()).collect();
            let mut phase: BTreeSet<String> = doc.config.phases.iter().cloned().collect();
            phase.extend(phases_named(text, &phase_ids).map(str::to_owned));
            out.push(Record {
                title: match heading.is_empty() {
                    true => clause.number.to_string(),
                    false => format!("{} {heading}", clause.number),
                },
                body: text.to_owned(),
                document: doc.config.id.to_string(),
                document_title: doc.config.title.clone(),
                kind: doc.config.kind.code().to_owned(),
                version: v.meta.version.to_string(),
                first_version: match first < vi {
                    true => doc.versions[first].meta.version.to_string(),
                    false => String::new(),
                },
                clause: clause.number.to_string(),
                heading,
                party: party.into_iter().collect(),
                modality: modality.into_iter().map(str::to_owned).collect(),
                phase: phase.into_iter().collect(),
                url: format!("{base_url}#{}", clause.anchor()),
                current,
                in_force,
                status: v.meta.status.label().to_owned(),
            });
        }
    }
    // The document itself, for searches by its title or id.
    let v = &doc.versions[links.current];
    out.push(page_record(
        doc.config.title.clone(),
        format!(
            "{} {} {}",
            doc.config.id,
            doc.config.kind.label(),
            doc.config.summary.as_deref().unwrap_or("")
        ),
        doc.config.kind.code(),
        links.url.clone(),
        Some((doc, v.meta.version.to_string())),
        doc.config.phases.clone(),
    ));
    out
}

/// The record of a programme's page.
pub fn programme_record(graph: &SiteGraph, pi: usize) -> Record {
    let prog = &graph.site.programmes[pi];
    let phase_ids: Vec<&str> = prog.config.phases.iter().map(|p| p.id.as_str()).collect();
    page_record(
        prog.config.name.clone(),
        std::iter::once(prog.config.summary.clone().unwrap_or_default())
            .chain(
                prog.config
                    .phases
                    .iter()
                    .map(|p| format!("{} {} {}", p.id, p.name, p.summary.as_deref().unwrap_or(""))),
            )
            .collect::<Vec<_>>()
            .join(" "),
        "programme",
        format!("{}{}/", graph.base, prog.slug),
        None,
        phase_ids.iter().map(|p| p.to_string()).collect(),
    )
}

/// The records that belong to no document: the free-standing pages and the register.
pub fn site_records(graph: &SiteGraph) -> Vec<Record> {
    let mut out = Vec::new();
    for (page, links) in graph.site.pages.iter().zip(&graph.pages) {
        out.push(page_record(
            page.meta.title.clone(),
            markdown_text(page.body.markdown()),
            "page",
            links.url.clone(),
            None,
            Vec::new(),
        ));
    }
    out.push(page_record(
        "Obligations register".into(),
        "Every obligation of the versions in force: what each party shall, must, should and may do, by party.".into(),
        "register",
        crate::render::obligations::RegisterUrls::of(&graph.base).register,
        None,
        Vec::new(),
    ));
    out
}

fn page_record(
    title: String,
    body: String,
    kind: &str,
    url: String,
    doc: Option<(&crate::model::Document, String)>,
    phase: Vec<String>,
) -> Record {
    Record {
        title,
        body,
        document: doc
            .as_ref()
            .map(|(d, _)| d.config.id.to_string())
            .unwrap_or_default(),
        document_title: doc
            .as_ref()
            .map(|(d, _)| d.config.title.clone())
            .unwrap_or_default(),
        kind: kind.to_owned(),
        version: doc.as_ref().map(|(_, v)| v.clone()).unwrap_or_default(),
        first_version: String::new(),
        clause: String::new(),
        heading: String::new(),
        party: Vec::new(),
        modality: Vec::new(),
        phase,
        url,
        current: true,
        in_force: true,
        status: String::new(),
    }
}

/// The title of the last heading at or before a clause: its own title for a heading
/// clause, the section's (`Test completion`, `Framework`) for a paragraph.
fn section_heading(body: &Body, clause: &crate::model::Clause) -> String {
    if let Some(t) = &clause.title {
        return t.clone();
    }
    body.headings
        .iter()
        .take_while(|h| h.offset <= clause.range.start)
        .last()
        .map(|h| h.title.clone())
        .unwrap_or_default()
}

/// The phase ids that `text` names as words.
fn phases_named<'a>(text: &'a str, phase_ids: &'a [&'a str]) -> impl Iterator<Item = &'a str> {
    phase_ids
        .iter()
        .copied()
        .filter(move |id| text.split(|c: char| !c.is_alphanumeric()).any(|w| w == *id))
}

/// The plain text of Markdown, for pages that have no clauses.
pub fn markdown_text(md: &str) -> String {
    let mut s = String::new();
    for ev in Parser::new_ext(md, markdown_options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !s.ends_with(' ') => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_owned()
}

/// Why search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("there is no search index at {0}: run `attest build` to build it")]
    Missing(String),
    #[error("the search index at {path} cannot be read ({why}): run `attest build` to rebuild it")]
    Unreadable { path: String, why: String },
    #[error("cannot write the search index at {path}: {why}")]
    Write { path: String, why: String },
    #[error("{0}")]
    Settings(String),
}

/// The outcome as a person reads it in a terminal: one numbered result a paragraph, the
/// words found in bold (with `color`) or between `**`, then the notes.
pub fn render_human(outcome: &SearchOutcome, color: bool) -> String {
    use std::fmt::Write as _;
    let (on, off) = if color {
        ("\u{1b}[1m", "\u{1b}[0m")
    } else {
        ("**", "**")
    };
    let mut s = String::new();
    if outcome.hits.is_empty() {
        s.push_str("no results\n");
    }
    for (i, h) in outcome.hits.iter().enumerate() {
        let place = match (h.document.is_empty(), h.clause.is_empty()) {
            (true, _) => h.title.clone(),
            (false, true) => format!("{} {}", h.document, h.title),
            (false, false) => format!("{} {}", h.document, h.title),
        };
        let version = match h.first_version.is_empty() {
            true => format!("version {}", h.version),
            false => format!("versions {} to {}", h.first_version, h.version),
        };
        let version = match (h.version.is_empty(), h.status.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!(", {version}"),
            (false, false) => format!(", {version} ({})", h.status.to_lowercase()),
        };
        let _ = writeln!(s, "{}. {place}{version}", i + 1);
        let mut snippet = String::new();
        let mut at = 0;
        for &(a, b) in &h.highlights {
            if a < at || b > h.snippet.len() {
                continue;
            }
            snippet.push_str(&h.snippet[at..a]);
            snippet.push_str(on);
            snippet.push_str(&h.snippet[a..b]);
            snippet.push_str(off);
            at = b;
        }
        snippet.push_str(&h.snippet[at.min(h.snippet.len())..]);
        let _ = writeln!(s, "   {}", snippet.trim());
        let _ = writeln!(s, "   {}", h.url);
    }
    if outcome.total > outcome.hits.len() {
        let _ = writeln!(
            s,
            "({} of {} results shown)",
            outcome.hits.len(),
            outcome.total
        );
    }
    for n in &outcome.notes {
        let _ = writeln!(s, "note: {n}");
    }
    s
}
