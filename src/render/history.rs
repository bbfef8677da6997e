//! The pages, feeds and exports of a document's history: "see all updates", redlines
//! between versions, each clause's changes over time, Atom feeds and JSON lists.
//!
//! What changed is decided in `link::history`; this module only shows it. Redlines mark
//! words with `<ins>` and `<del>`, and say in words what happened to each clause, so they
//! read without colour.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::link::history::{delta_numbers, periods, Change, VersionDiff};
use crate::link::{DocLinks, SiteGraph};
use crate::model::{ChangeMechanism, Document};

use super::context::{standing, status_display, Standing};

/// The URLs of a document's history pages and files.
pub struct HistoryUrls {
    pub history: String,
    pub clauses: String,
    pub feed: String,
    pub versions_json: String,
    pub changes_json: String,
}

impl HistoryUrls {
    pub fn of(links: &DocLinks) -> HistoryUrls {
        let u = &links.url;
        HistoryUrls {
            history: format!("{u}history/"),
            clauses: clauses_url(u),
            feed: format!("{u}feed.xml"),
            versions_json: format!("{u}versions.json"),
            changes_json: format!("{u}changes.json"),
        }
    }
}

/// The URL of the page of a document's changes clause by clause, from the document's.
pub fn clauses_url(document_url: &str) -> String {
    format!("{document_url}clauses/")
}

/// The URL of the redline from a version's predecessor to it.
pub fn changes_url(links: &DocLinks, vi: usize) -> String {
    format!("{}changes/", links.versions[vi].url)
}

/// The URL of the redline between a version and the current one.
pub fn compare_url(links: &DocLinks, vi: usize) -> String {
    format!("{}compare/", links.versions[vi].url)
}

/// How many clauses a comparison touched, by kind.
#[derive(Debug, Serialize, Default, Clone, Copy)]
pub struct ChangeCounts {
    pub inserted: usize,
    pub amended: usize,
    pub removed: usize,
    pub renumbered: usize,
    pub unchanged: usize,
}

impl ChangeCounts {
    pub fn of(diff: &VersionDiff) -> ChangeCounts {
        ChangeCounts {
            inserted: diff.count(Change::Inserted),
            amended: diff.count(Change::Amended),
            removed: diff.count(Change::Removed),
            renumbered: diff.count(Change::Renumbered) + diff.count(Change::RenumberedAmended),
            unchanged: diff.count(Change::Unchanged),
        }
    }
}

/// A version in the "see all updates" list.
#[derive(Debug, Serialize)]
pub struct HistoryRow {
    /// The fields every list of versions has (version, status, dates, summary, url).
    #[serde(flatten)]
    pub row: super::context::VersionRow,
    pub effective_from: Option<String>,
    pub effective_from_iso: Option<String>,
    pub is_minor: bool,
    /// The redline from the version before, and what it changed.
    pub changes_url: Option<String>,
    pub counts: Option<ChangeCounts>,
    /// The redline against the current version.
    pub compare_url: Option<String>,
}

/// A span of time one version was in force.
#[derive(Debug, Serialize)]
pub struct Period {
    pub version: String,
    pub url: String,
    pub from: String,
    pub from_iso: String,
    pub to: Option<String>,
    pub to_iso: Option<String>,
}

/// A version after the current one, and the clauses it would change.
#[derive(Debug, Serialize)]
pub struct Pending {
    pub version: String,
    pub url: String,
    pub status_label: &'static str,
    /// "proposed" for a draft, "prospective" for an approved version not yet in force.
    pub kind: &'static str,
    pub consultation_closes: Option<String>,
    pub effective_from: Option<String>,
    pub clauses: Vec<ClauseLink>,
    pub compare_url: String,
}

#[derive(Debug, Serialize)]
pub struct ClauseLink {
    pub number: String,
    pub change_label: &'static str,
    pub url: String,
}

/// `history.html`: every version, when each was in force, and what is pending.
#[derive(Debug, Serialize)]
pub struct HistoryPage {
    pub document: DocHeader,
    pub versions: Vec<HistoryRow>,
    pub periods: Vec<Period>,
    pub pending: Vec<Pending>,
}

/// The document a history page belongs to, and its other history pages.
#[derive(Debug, Clone, Serialize)]
pub struct DocHeader {
    pub id: String,
    pub title: String,
    pub url: String,
    pub history_url: String,
    pub clauses_url: String,
    pub feed_url: String,
    pub versions_json_url: String,
    pub changes_json_url: String,
}

/// One clause of a redline, or a run of unchanged clauses folded together.
#[derive(Debug, Clone, Serialize)]
pub struct RedlineItem {
    pub change: Change,
    pub change_label: &'static str,
    pub number: String,
    pub from_number: Option<String>,
    pub title: Option<String>,
    pub anchor: String,
    /// The clause's text with `<ins>` and `<del>`; HTML written here, escaped.
    pub html: String,
    /// For a folded run: how many unchanged clauses, and their numbers.
    pub folded: Vec<FoldedClause>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FoldedClause {
    pub number: String,
    pub text: String,
}

/// `redline.html`: what changed between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct RedlinePage {
    pub document: DocHeader,
    /// "changes" (from the version before) or "compare" (with the current version).
    pub kind: &'static str,
    pub from: RedlineVersion,
    pub to: RedlineVersion,
    pub counts: ChangeCounts,
    pub items: Vec<RedlineItem>,
    /// The first of the requirements whose source clause the change touches.
    pub coverage_impact: Vec<super::trace::ImpactRow>,
    /// How many there are in all.
    pub coverage_impact_total: usize,
    /// The list of suspect traces, where the rest can be followed up.
    pub suspect_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedlineVersion {
    pub version: String,
    pub url: String,
    pub status_label: &'static str,
    pub published: String,
    pub change_mechanism_label: &'static str,
}

/// `clauses.html`: each clause's changes over time.
#[derive(Debug, Serialize)]
pub struct ClausesPage {
    pub document: DocHeader,
    pub clauses: Vec<ClauseHistory>,
}

#[derive(Debug, Serialize)]
pub struct ClauseHistory {
    pub number: String,
    pub anchor: String,
    pub title: Option<String>,
    /// The clause in the current version, when it is there.
    pub current_url: Option<String>,
    pub events: Vec<ClauseEventRow>,
}

#[derive(Debug, Serialize)]
pub struct ClauseEventRow {
    pub version: String,
    pub version_url: String,
    pub change_label: &'static str,
    pub from_number: Option<String>,
    /// The number the clause moved to, on its old number's history.
    pub to_number: Option<String>,
    pub published: String,
    pub published_iso: String,
    pub change_mechanism_label: &'static str,
    pub is_minor: bool,
    /// The clause in the redline that made the change (none for the first version).
    pub redline_url: Option<String>,
}

pub fn header(doc: &Document, links: &DocLinks) -> DocHeader {
    let urls = HistoryUrls::of(links);
    DocHeader {
        id: doc.config.id.to_string(),
        title: doc.config.title.clone(),
        url: links.url.clone(),
        history_url: urls.history,
        clauses_url: urls.clauses,
        feed_url: urls.feed,
        versions_json_url: urls.versions_json,
        changes_json_url: urls.changes_json,
    }
}

fn is_minor(m: ChangeMechanism) -> bool {
    m == ChangeMechanism::MinorTypographical
}

pub fn history_page(graph: &SiteGraph, pi: usize, di: usize) -> HistoryPage {
    let doc = &graph.site.programmes[pi].documents[di];
    let links = &graph.documents[pi][di];
    let h = &links.history;
    let versions = doc
        .versions
        .iter()
        .enumerate()
        .rev()
        .map(|(vi, v)| {
            let diff = h.changes[vi].as_ref();
            HistoryRow {
                row: super::context::version_row(doc, links, vi, None),
                effective_from: v.meta.effective_from.map(|d| d.long()),
                effective_from_iso: v.meta.effective_from.map(|d| d.iso()),
                is_minor: is_minor(v.meta.change_mechanism),
                changes_url: diff.map(|_| changes_url(links, vi)),
                counts: diff.map(ChangeCounts::of),
                compare_url: h.to_current[vi].as_ref().map(|_| compare_url(links, vi)),
            }
        })
        .collect();
    let periods = periods(doc, graph.today)
        .into_iter()
        .map(|(vi, from, to)| Period {
            version: doc.versions[vi].meta.version.to_string(),
            url: links.versions[vi].url.clone(),
            from: from.long(),
            from_iso: from.iso(),
            to: to.map(|d| d.long()),
            to_iso: to.map(|d| d.iso()),
        })
        .collect();
    HistoryPage {
        document: header(doc, links),
        versions,
        periods,
        pending: pending(doc, links),
    }
}

/// Versions after the current one (drafts and prospective versions), with the clauses
/// each would change compared with the current version.
pub fn pending(doc: &Document, links: &DocLinks) -> Vec<Pending> {
    (links.current + 1..doc.versions.len())
        .filter_map(|vi| {
            let v = &doc.versions[vi];
            let diff = links.history.to_current[vi].as_ref()?;
            let url = compare_url(links, vi);
            let clauses = diff
                .changed()
                .map(|d| {
                    let (n, _) = delta_numbers(doc, diff, d);
                    ClauseLink {
                        url: format!("{url}#{}", n.anchor()),
                        number: n.to_string(),
                        change_label: d.change.label(),
                    }
                })
                .collect();
            let (_, status_label, _) = status_display(v, Standing::Later);
            Some(Pending {
                version: v.meta.version.to_string(),
                url: links.versions[vi].url.clone(),
                status_label,
                kind: if v.meta.status.is_in_force_kind() {
                    "prospective"
                } else {
                    "proposed"
                },
                consultation_closes: v.meta.consultation_closes.map(|d| d.long()),
                effective_from: v
                    .meta
                    .status
                    .is_in_force_kind()
                    .then(|| v.meta.effective().long()),
                clauses,
                compare_url: url,
            })
        })
        .collect()
}

/// The redline of `diff` (older `from`, newer `to`).
pub fn redline_page(
    doc: &Document,
    links: &DocLinks,
    diff: &VersionDiff,
    kind: &'static str,
) -> RedlinePage {
    let old = &doc.versions[diff.from];
    let new = &doc.versions[diff.to];
    let version = |vi: usize| {
        let v = &doc.versions[vi];
        RedlineVersion {
            version: v.meta.version.to_string(),
            url: links.versions[vi].url.clone(),
            status_label: status_display(v, standing(vi, links.current)).1,
            published: v.meta.published.long(),
            change_mechanism_label: v.meta.change_mechanism.label(),
        }
    };
    let mut items: Vec<RedlineItem> = Vec::new();
    let mut folded: Vec<FoldedClause> = Vec::new();
    let flush = |folded: &mut Vec<FoldedClause>, items: &mut Vec<RedlineItem>| {
        if folded.is_empty() {
            return;
        }
        let first = folded[0].number.clone();
        items.push(RedlineItem {
            change: Change::Unchanged,
            change_label: Change::Unchanged.label(),
            anchor: format!("unchanged-{}", crate::model::slug(&first)),
            number: first,
            from_number: None,
            title: None,
            html: String::new(),
            folded: std::mem::take(folded),
        });
    };
    for d in &diff.deltas {
        let (number, from_number) = delta_numbers(doc, diff, d);
        let old_c = d.old.map(|i| &old.body.clauses[i]);
        let new_c = d.new.map(|i| &new.body.clauses[i]);
        let old_text = old_c.map_or("", |c| old.body.clause_text(c));
        let new_text = new_c.map_or("", |c| new.body.clause_text(c));
        if d.change == Change::Unchanged {
            folded.push(FoldedClause {
                number: number.to_string(),
                text: new_text.to_owned(),
            });
            continue;
        }
        flush(&mut folded, &mut items);
        let html = match d.change {
            Change::Inserted => wrap("ins", new_text),
            Change::Removed if new_c.is_none() => wrap("del", old_text),
            // Replaced by "[Not used]": the old text goes whole, not word by word.
            Change::Removed => format!("{} {}", wrap("del", old_text), wrap("ins", new_text)),
            _ => word_diff(old_text, new_text),
        };
        items.push(RedlineItem {
            change: d.change,
            change_label: d.change.label(),
            anchor: number.anchor(),
            title: new_c.or(old_c).and_then(|c| c.title.clone()),
            number: number.to_string(),
            from_number: from_number.map(|n| n.to_string()),
            html,
            folded: Vec::new(),
        });
    }
    flush(&mut folded, &mut items);
    RedlinePage {
        document: header(doc, links),
        kind,
        from: version(diff.from),
        to: version(diff.to),
        counts: ChangeCounts::of(diff),
        items,
        coverage_impact: Vec::new(),
        coverage_impact_total: 0,
        suspect_url: None,
    }
}

fn wrap(tag: &str, text: &str) -> String {
    let mut out = format!("<{tag}>");
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, text);
    out.push_str(&format!("</{tag}>"));
    out
}

/// `old` and `new` compared word by word: removed words in `<del>`, added ones in `<ins>`,
/// each run of changed words in one element.
pub fn word_diff(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut out = String::with_capacity(new.len() + new.len() / 4);
    let mut open: Option<ChangeTag> = None;
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        if open != Some(tag) {
            match open {
                Some(ChangeTag::Delete) => out.push_str("</del>"),
                Some(ChangeTag::Insert) => out.push_str("</ins>"),
                _ => {}
            }
            match tag {
                ChangeTag::Delete => out.push_str("<del>"),
                ChangeTag::Insert => out.push_str("<ins>"),
                ChangeTag::Equal => {}
            }
            open = Some(tag);
        }
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, change.value());
    }
    match open {
        Some(ChangeTag::Delete) => out.push_str("</del>"),
        Some(ChangeTag::Insert) => out.push_str("</ins>"),
        _ => {}
    }
    out
}

pub fn clauses_page(doc: &Document, links: &DocLinks) -> ClausesPage {
    let h = &links.history;
    let current = &doc.versions[links.current];
    let clauses = h
        .clauses
        .iter()
        .map(|(number, events)| {
            let in_current = current.body.clauses.iter().find(|c| &c.number == number);
            let title = in_current.and_then(|c| c.title.clone()).or_else(|| {
                doc.versions
                    .iter()
                    .rev()
                    .find_map(|v| v.body.clauses.iter().find(|c| &c.number == number))
                    .and_then(|c| c.title.clone())
            });
            ClauseHistory {
                number: number.to_string(),
                anchor: number.anchor(),
                title,
                current_url: in_current.map(|_| format!("{}#{}", links.url, number.anchor())),
                events: events
                    .iter()
                    .map(|e| {
                        let v = &doc.versions[e.version];
                        ClauseEventRow {
                            version: v.meta.version.to_string(),
                            version_url: links.versions[e.version].url.clone(),
                            change_label: if e.version == 0 {
                                "First version"
                            } else {
                                e.change.label()
                            },
                            from_number: e.from.as_ref().map(|n| n.to_string()),
                            to_number: e.to.as_ref().map(|n| n.to_string()),
                            published: v.meta.published.long(),
                            published_iso: v.meta.published.iso(),
                            change_mechanism_label: v.meta.change_mechanism.label(),
                            is_minor: is_minor(v.meta.change_mechanism),
                            // A move is shown in the redline under the clause's new number.
                            redline_url: (e.version > 0 && h.changes[e.version].is_some()).then(
                                || {
                                    let shown = e.to.as_ref().unwrap_or(number);
                                    format!("{}#{}", changes_url(links, e.version), shown.anchor())
                                },
                            ),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    ClausesPage {
        document: header(doc, links),
        clauses,
    }
}

/// The JSON list of a document's versions (`versions.json`), with stable field names.
pub fn versions_json(doc: &Document, links: &DocLinks) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        document: &'a str,
        version: String,
        status: &'static str,
        published: String,
        effective_from: Option<String>,
        consultation_closes: Option<String>,
        change_mechanism: ChangeMechanism,
        change_summary: &'a str,
        supersedes: Option<String>,
        in_force: bool,
        url: &'a str,
    }
    let rows: Vec<Row> = doc
        .versions
        .iter()
        .enumerate()
        .map(|(vi, v)| Row {
            document: doc.config.id.as_str(),
            version: v.meta.version.to_string(),
            status: status_display(v, standing(vi, links.current)).0,
            published: v.meta.published.iso(),
            effective_from: v.meta.effective_from.map(|d| d.iso()),
            consultation_closes: v.meta.consultation_closes.map(|d| d.iso()),
            change_mechanism: v.meta.change_mechanism,
            change_summary: &v.meta.change_summary,
            supersedes: links.history.predecessor[vi]
                .map(|p| doc.versions[p].meta.version.to_string()),
            in_force: vi == links.current && links.has_in_force,
            url: &links.versions[vi].url,
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

/// The JSON list of changes per clause (`changes.json`).
pub fn changes_json(doc: &Document, links: &DocLinks) -> String {
    #[derive(Serialize)]
    struct Event<'a> {
        version: String,
        change: Change,
        renumbered_from: Option<String>,
        renumbered_to: Option<String>,
        published: String,
        change_mechanism: ChangeMechanism,
        url: &'a str,
    }
    #[derive(Serialize)]
    struct Clause<'a> {
        document: &'a str,
        clause: String,
        changes: Vec<Event<'a>>,
    }
    let rows: Vec<Clause> = links
        .history
        .clauses
        .iter()
        .map(|(n, events)| Clause {
            document: doc.config.id.as_str(),
            clause: n.to_string(),
            changes: events
                .iter()
                .map(|e| {
                    let v = &doc.versions[e.version];
                    Event {
                        version: v.meta.version.to_string(),
                        change: e.change,
                        renumbered_from: e.from.as_ref().map(|f| f.to_string()),
                        renumbered_to: e.to.as_ref().map(|f| f.to_string()),
                        published: v.meta.published.iso(),
                        change_mechanism: v.meta.change_mechanism,
                        url: &links.versions[e.version].url,
                    }
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

/// One entry of an Atom feed: a version of a document.
pub struct FeedEntry<'a> {
    pub doc: &'a Document,
    pub links: &'a DocLinks,
    pub vi: usize,
}

/// An Atom feed of versions, newest first. `origin` makes links absolute when the site's
/// base URL is.
pub fn atom(
    title: &str,
    author: &str,
    self_url: &str,
    origin: &str,
    mut entries: Vec<FeedEntry>,
) -> String {
    entries.sort_by(|a, b| {
        let (va, vb) = (&a.doc.versions[a.vi].meta, &b.doc.versions[b.vi].meta);
        (vb.published, b.doc.config.id.as_str(), &vb.version).cmp(&(
            va.published,
            a.doc.config.id.as_str(),
            &va.version,
        ))
    });
    let esc = super::escape_html;
    let updated = entries
        .first()
        .map(|e| e.doc.versions[e.vi].meta.published.iso())
        .unwrap_or_else(|| "1970-01-01".into());
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        esc(title),
        esc(&feed_id(origin, self_url)),
        esc(&format!("{origin}{self_url}")),
        esc(author),
    );
    for e in &entries {
        let v = &e.doc.versions[e.vi];
        let (_, status_label, _) = status_display(v, standing(e.vi, e.links.current));
        let minor = is_minor(v.meta.change_mechanism);
        let title = format!(
            "{} version {}: {}{}",
            e.doc.config.id,
            v.meta.version,
            status_label.to_lowercase(),
            if minor {
                " (minor or typographical change)"
            } else {
                ""
            }
        );
        let url = format!("{origin}{}", e.links.versions[e.vi].url);
        s.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <category term=\"{}\" label=\"{}\"/>\n    <summary>{}</summary>\n  </entry>\n",
            esc(&title),
            esc(&format!("tag:attest,{}:{}/{}", v.meta.published.iso(), e.doc.config.id, v.meta.version)),
            esc(&url),
            v.meta.published.iso(),
            if minor { "minor" } else { "substantive" },
            esc(v.meta.change_mechanism.label()),
            esc(&format!(
                "{} Change mechanism: {}.",
                v.meta.change_summary,
                v.meta.change_mechanism.label()
            )),
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// An Atom id: the feed's absolute URL where there is one, else a tag URI.
fn feed_id(origin: &str, self_url: &str) -> String {
    if origin.is_empty() {
        format!("tag:attest,2024:{self_url}")
    } else {
        format!("{origin}{self_url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_runs_of_words() {
        assert_eq!(
            word_diff("DCC shall test in PIT.", "DCC must test in PIT and SIT."),
            "DCC <del>shall</del><ins>must</ins> test in <del>PIT.</del><ins>PIT and SIT.</ins>"
        );
        assert_eq!(word_diff("a <b>", "a <b>"), "a &lt;b&gt;");
    }
}
