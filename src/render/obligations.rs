//! The obligations register: every obligation of the versions in force, grouped by
//! party, on a page for each party ("everything Users must do"), and as CSV and JSON
//! exports with stable column names.
//!
//! The register and a party's page are paged like the traceability matrix (see
//! [`paging`]): `/obligations/`, `/obligations/2/` ... and `/obligations/users/`,
//! `/obligations/users/2/` ...; a section cut by a page end carries on at the top of the
//! next page. The exports are never paged: they hold every row.
//!
//! The obligations themselves are found by `parse::obligations`; this module only
//! chooses which to show (the versions in force) and lays them out.

use serde::Serialize;

use super::paging::{self, Pagination};
use crate::link::SiteGraph;
use crate::model::{slug, Modality};

/// One row of the register and of its exports. The field names are the exports' column
/// names: keep them stable.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationRow {
    /// The row's anchor on the register: `fsm-svtad-2.3-1`.
    pub id: String,
    pub document: String,
    pub document_title: String,
    pub version: String,
    pub clause: String,
    /// The party's id from `site.toml`, or "" when the sentence names none.
    pub party: String,
    pub party_name: String,
    pub modality: &'static str,
    pub modality_label: &'static str,
    pub text: String,
    /// `words` or `marked`.
    pub source: &'static str,
    /// The clause in the version in force.
    pub url: String,
}

/// The columns of `obligations.csv`, in order.
pub const CSV_COLUMNS: [&str; 11] = [
    "id",
    "document",
    "document_title",
    "version",
    "clause",
    "party",
    "party_name",
    "modality",
    "text",
    "source",
    "url",
];

/// Every obligation of every version in force, in document and clause order.
pub fn rows(graph: &SiteGraph) -> Vec<ObligationRow> {
    let parties = &graph.site.config.parties;
    let mut out = Vec::new();
    for (pi, prog) in graph.site.programmes.iter().enumerate() {
        for (di, doc) in prog.documents.iter().enumerate() {
            let links = &graph.documents[pi][di];
            if !links.has_in_force {
                continue;
            }
            let Some(v) = doc.versions.get(links.current) else {
                continue;
            };
            for o in &v.obligations {
                let party = o
                    .party
                    .as_ref()
                    .and_then(|id| parties.iter().find(|p| &p.id == id));
                out.push(ObligationRow {
                    id: o.anchor(&doc.config.id),
                    document: doc.config.id.to_string(),
                    document_title: doc.config.title.clone(),
                    version: v.meta.version.to_string(),
                    clause: o.clause.to_string(),
                    party: party.map(|p| p.id.clone()).unwrap_or_default(),
                    party_name: party.map(|p| p.name.clone()).unwrap_or_default(),
                    modality: o.modality.code(),
                    modality_label: o.modality.label(),
                    text: o.text.clone(),
                    source: match o.source {
                        crate::model::ObligationSource::Words => "words",
                        crate::model::ObligationSource::Marked => "marked",
                    },
                    url: format!("{}#{}", links.url, o.clause.anchor()),
                });
            }
        }
    }
    out
}

/// Where the register and its parts live.
pub struct RegisterUrls {
    pub register: String,
    pub csv: String,
    pub json: String,
}

impl RegisterUrls {
    pub fn of(base: &str) -> RegisterUrls {
        RegisterUrls {
            register: format!("{base}obligations/"),
            csv: format!("{base}obligations.csv"),
            json: format!("{base}obligations.json"),
        }
    }

    /// Page `page` (0-based) of the register: `/obligations/`, `/obligations/2/` ...
    pub fn register_page(&self, page: usize) -> String {
        paging::page_url(&self.register, page)
    }

    /// A party's page: `/obligations/users/`.
    pub fn party(&self, id: &str) -> String {
        format!("{}{}/", self.register, slug(id))
    }

    /// Page `page` (0-based) of a party's page: `/obligations/users/2/` ...
    pub fn party_page(&self, id: &str, page: usize) -> String {
        paging::page_url(&self.party(id), page)
    }
}

/// One of the sections of a party's page: obligations of one strength.
struct Strength {
    anchor: &'static str,
    title: &'static str,
    /// Which modalities it holds.
    holds: fn(Modality) -> bool,
}

/// The strengths a party's page sorts its obligations into, in order.
const STRENGTHS: [Strength; 3] = [
    Strength {
        anchor: "binding",
        title: "Must do, or must not do",
        holds: Modality::is_binding,
    },
    Strength {
        anchor: "should",
        title: "Should do",
        holds: |m| matches!(m, Modality::Should | Modality::ShouldNot),
    },
    Strength {
        anchor: "may",
        title: "May do",
        holds: |m| matches!(m, Modality::May | Modality::MayNot),
    },
];

/// The register laid out once for all its pages: every row, and the order in which the
/// register and each party's page show them. The pages are cut from these lists (see
/// [`paging::slices`]), so every page job reads the same layout.
#[derive(Debug)]
pub struct Register {
    pub rows: Vec<ObligationRow>,
    /// The register's sections, as positions in `rows`: a party of `site.toml` each, in
    /// its order, then the obligations that name no party (when there are any).
    sections: Vec<Vec<usize>>,
    /// For each party of `site.toml`, the sections of its page: one each of
    /// [`STRENGTHS`].
    strengths: Vec<[Vec<usize>; 3]>,
}

impl Register {
    /// The register of the versions in force.
    pub fn of(graph: &SiteGraph) -> Register {
        let rows = rows(graph);
        let parties = &graph.site.config.parties;
        let mine =
            |id: &str| -> Vec<usize> { (0..rows.len()).filter(|&i| rows[i].party == id).collect() };
        let mut sections: Vec<Vec<usize>> = parties.iter().map(|p| mine(&p.id)).collect();
        let unnamed = mine("");
        if !unnamed.is_empty() {
            sections.push(unnamed);
        }
        let strengths = sections
            .iter()
            .take(parties.len())
            .map(|own| {
                STRENGTHS.map(|s| {
                    own.iter()
                        .copied()
                        .filter(|&i| Modality::from_code(rows[i].modality).is_some_and(s.holds))
                        .collect()
                })
            })
            .collect();
        Register {
            rows,
            sections,
            strengths,
        }
    }

    /// The pages of the register.
    pub fn pages(&self) -> usize {
        paging::page_count(self.rows.len())
    }

    /// The pages of party `party`'s page (an index into `site.toml`'s parties).
    pub fn party_pages(&self, party: usize) -> usize {
        paging::page_count(self.strengths[party].iter().map(Vec::len).sum())
    }

    /// The rows at `positions`, copied for a page.
    fn take(&self, positions: &[usize]) -> Vec<ObligationRow> {
        positions.iter().map(|&i| self.rows[i].clone()).collect()
    }
}

/// `obligations.html`: one page of the register, every obligation in force grouped by
/// party, [`paging::ROWS_PER_PAGE`] at most.
#[derive(Debug, Serialize)]
pub struct ObligationsPage {
    pub total: usize,
    pub csv_url: String,
    pub json_url: String,
    /// Every section of the register, with the page it starts on, for the contents.
    pub contents: Vec<SectionLink>,
    /// The sections, or the parts of them, that this page shows.
    pub parties: Vec<PartyGroup>,
    /// The 1-based positions of the first and last row shown, in the whole register.
    pub first: usize,
    pub last: usize,
    /// 1-based, of `page_count`. (Not `page`: every template has that, the page's
    /// title and URL.)
    pub page_number: usize,
    pub page_count: usize,
    pub pagination: Option<Pagination>,
}

/// A link to where a section begins: `#party-users` on its own page, the page and the
/// anchor on another.
#[derive(Debug, Serialize)]
pub struct SectionLink {
    pub name: String,
    pub url: String,
    /// Its obligations, on every page.
    pub count: usize,
}

/// The obligations of one party (or of none: `id` is "") that one page shows.
#[derive(Debug, Serialize)]
pub struct PartyGroup {
    pub id: String,
    pub name: String,
    /// The party's own page; none for obligations that name no party.
    pub url: Option<String>,
    pub anchor: String,
    /// Its obligations, on every page.
    pub total: usize,
    /// It began on an earlier page.
    pub continued: bool,
    /// Those on this page.
    pub obligations: Vec<ObligationRow>,
}

/// `party.html`: one page of everything one party must, should and may do.
#[derive(Debug, Serialize)]
pub struct PartyPage {
    pub party: PartyInfo,
    pub register_url: String,
    /// Each strength, with the page it starts on, for the contents of a paged party.
    pub contents: Vec<SectionLink>,
    /// Duties and prohibitions (shall, must, is required to, and their negatives), then
    /// recommendations, then permissions: those, or the parts of them, on this page.
    pub groups: Vec<ModalityGroup>,
    /// All the party's obligations, on every page.
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub page_number: usize,
    pub page_count: usize,
    pub pagination: Option<Pagination>,
}

/// The obligations of a party with modalities of one strength that one page shows.
#[derive(Debug, Serialize)]
pub struct ModalityGroup {
    pub anchor: &'static str,
    pub title: &'static str,
    /// Its obligations, on every page.
    pub total: usize,
    /// It began on an earlier page.
    pub continued: bool,
    pub obligations: Vec<ObligationRow>,
}

#[derive(Debug, Serialize)]
pub struct PartyInfo {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
}

/// A link to where each of `sections` (their rows' positions) begins, named by `names`
/// (each section's name and anchor), as seen from page `page` of a list whose pages'
/// URLs `url` makes.
fn section_links(
    sections: &[Vec<usize>],
    names: impl Iterator<Item = (String, String)>,
    page: usize,
    url: &dyn Fn(usize) -> String,
) -> Vec<SectionLink> {
    let lens: Vec<usize> = sections.iter().map(Vec::len).collect();
    names
        .zip(paging::first_pages(&lens))
        .zip(lens)
        .map(|(((name, anchor), first), count)| SectionLink {
            name,
            url: if first == page {
                format!("#{anchor}")
            } else {
                format!("{}#{anchor}", url(first))
            },
            count,
        })
        .collect()
}

/// The 1-based positions of the first and last of `shown` rows on page `page`.
fn span(page: usize, shown: usize) -> (usize, usize) {
    let start = page * paging::ROWS_PER_PAGE;
    (if shown == 0 { 0 } else { start + 1 }, start + shown)
}

/// Page `page` (0-based) of the register.
pub fn register_page(graph: &SiteGraph, reg: &Register, page: usize) -> ObligationsPage {
    let urls = RegisterUrls::of(&graph.base);
    let parties = &graph.site.config.parties;
    // The section's id, name, own page and anchor.
    let about = |s: usize| match parties.get(s) {
        Some(p) => (
            p.id.clone(),
            p.name.clone(),
            Some(urls.party(&p.id)),
            format!("party-{}", slug(&p.id)),
        ),
        None => (
            String::new(),
            "No party named".to_owned(),
            None,
            "no-party".to_owned(),
        ),
    };
    let pages = reg.pages();
    let url = |n: usize| urls.register_page(n);
    let contents = section_links(
        &reg.sections,
        (0..reg.sections.len()).map(|s| {
            let (_, name, _, anchor) = about(s);
            (name, anchor)
        }),
        page,
        &url,
    );
    let lens: Vec<usize> = reg.sections.iter().map(Vec::len).collect();
    let groups: Vec<PartyGroup> = paging::slices(&lens, page)
        .into_iter()
        .map(|sl| {
            let (id, name, url, anchor) = about(sl.section);
            let all = &reg.sections[sl.section];
            PartyGroup {
                id,
                name,
                url,
                anchor,
                total: all.len(),
                continued: sl.continued,
                obligations: reg.take(&all[sl.rows]),
            }
        })
        .collect();
    let (first, last) = span(page, groups.iter().map(|g| g.obligations.len()).sum());
    ObligationsPage {
        total: reg.rows.len(),
        csv_url: urls.csv.clone(),
        json_url: urls.json.clone(),
        contents,
        parties: groups,
        first,
        last,
        page_number: page + 1,
        page_count: pages,
        pagination: paging::pagination(page, pages, &url),
    }
}

/// Page `page` (0-based) of party `party`'s page (an index into `site.toml`'s parties).
pub fn party_page(graph: &SiteGraph, reg: &Register, party: usize, page: usize) -> PartyPage {
    let p = &graph.site.config.parties[party];
    let urls = RegisterUrls::of(&graph.base);
    let pages = reg.party_pages(party);
    let url = |n: usize| urls.party_page(&p.id, n);
    let sections = &reg.strengths[party];
    let contents = section_links(
        sections,
        STRENGTHS
            .iter()
            .map(|s| (s.title.to_owned(), s.anchor.to_owned())),
        page,
        &url,
    );
    let lens: Vec<usize> = sections.iter().map(Vec::len).collect();
    let groups: Vec<ModalityGroup> = paging::slices(&lens, page)
        .into_iter()
        .map(|sl| {
            let strength = &STRENGTHS[sl.section];
            let all = &sections[sl.section];
            ModalityGroup {
                anchor: strength.anchor,
                title: strength.title,
                total: all.len(),
                continued: sl.continued,
                obligations: reg.take(&all[sl.rows]),
            }
        })
        .collect();
    let (first, last) = span(page, groups.iter().map(|g| g.obligations.len()).sum());
    PartyPage {
        party: PartyInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            aliases: p.aliases.clone(),
        },
        register_url: urls.register.clone(),
        contents,
        groups,
        total: lens.iter().sum(),
        first,
        last,
        page_number: page + 1,
        page_count: pages,
        pagination: paging::pagination(page, pages, &url),
    }
}

/// `obligations.csv`: a header of [`CSV_COLUMNS`], then one row an obligation (RFC 4180
/// quoting).
pub fn csv(rows: &[ObligationRow]) -> String {
    let mut s = CSV_COLUMNS.join(",");
    s.push_str("\r\n");
    for r in rows {
        let fields = [
            r.id.as_str(),
            &r.document,
            &r.document_title,
            &r.version,
            &r.clause,
            &r.party,
            &r.party_name,
            r.modality,
            &r.text,
            r.source,
            &r.url,
        ];
        let cells: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        s.push_str(&cells.join(","));
        s.push_str("\r\n");
    }
    s
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_owned()
    }
}

/// `obligations.json`: the rows, with the columns of the CSV (and the labels).
pub fn json(rows: &[ObligationRow]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
    }
}
