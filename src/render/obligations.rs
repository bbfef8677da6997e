//! The obligations register: every obligation of the versions in force, on one page
//! grouped by party, on a page for each party ("everything Users must do"), and as CSV
//! and JSON exports with stable column names.
//!
//! The obligations themselves are found by `parse::obligations`; this module only
//! chooses which to show (the versions in force) and lays them out.

use serde::Serialize;

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

    /// A party's page: `/obligations/users/`.
    pub fn party(&self, id: &str) -> String {
        format!("{}{}/", self.register, slug(id))
    }
}

/// `obligations.html`: every obligation in force, grouped by party.
#[derive(Debug, Serialize)]
pub struct ObligationsPage {
    pub total: usize,
    pub csv_url: String,
    pub json_url: String,
    pub parties: Vec<PartyGroup>,
}

/// The obligations of one party (or of none: `id` is "").
#[derive(Debug, Serialize)]
pub struct PartyGroup {
    pub id: String,
    pub name: String,
    /// The party's own page; none for obligations that name no party.
    pub url: Option<String>,
    pub anchor: String,
    pub obligations: Vec<ObligationRow>,
}

/// `party.html`: everything one party must, should and may do.
#[derive(Debug, Serialize)]
pub struct PartyPage {
    pub party: PartyInfo,
    pub register_url: String,
    /// Duties and prohibitions (shall, must, is required to, and their negatives), then
    /// recommendations, then permissions.
    pub groups: Vec<ModalityGroup>,
}

/// The obligations of a party with modalities of one strength.
#[derive(Debug, Serialize)]
pub struct ModalityGroup {
    pub anchor: &'static str,
    pub title: &'static str,
    pub obligations: Vec<ObligationRow>,
}

#[derive(Debug, Serialize)]
pub struct PartyInfo {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
}

pub fn register_page(graph: &SiteGraph, rows: &[ObligationRow]) -> ObligationsPage {
    let urls = RegisterUrls::of(&graph.base);
    let mut parties: Vec<PartyGroup> = graph
        .site
        .config
        .parties
        .iter()
        .map(|p| PartyGroup {
            id: p.id.clone(),
            name: p.name.clone(),
            url: Some(urls.party(&p.id)),
            anchor: format!("party-{}", slug(&p.id)),
            obligations: rows.iter().filter(|r| r.party == p.id).cloned().collect(),
        })
        .collect();
    let unnamed: Vec<ObligationRow> = rows
        .iter()
        .filter(|r| r.party.is_empty())
        .cloned()
        .collect();
    if !unnamed.is_empty() {
        parties.push(PartyGroup {
            id: String::new(),
            name: "No party named".into(),
            url: None,
            anchor: "no-party".into(),
            obligations: unnamed,
        });
    }
    ObligationsPage {
        total: rows.len(),
        csv_url: urls.csv,
        json_url: urls.json,
        parties,
    }
}

pub fn party_page(graph: &SiteGraph, party: usize, rows: &[ObligationRow]) -> PartyPage {
    let p = &graph.site.config.parties[party];
    let mine = || rows.iter().filter(|r| r.party == p.id);
    let with = |pick: fn(Modality) -> bool| {
        mine()
            .filter(|r| Modality::from_code(r.modality).is_some_and(pick))
            .cloned()
            .collect()
    };
    PartyPage {
        party: PartyInfo {
            id: p.id.clone(),
            name: p.name.clone(),
            aliases: p.aliases.clone(),
        },
        register_url: RegisterUrls::of(&graph.base).register,
        groups: vec![
            ModalityGroup {
                anchor: "binding",
                title: "Must do, or must not do",
                obligations: with(Modality::is_binding),
            },
            ModalityGroup {
                anchor: "should",
                title: "Should do",
                obligations: with(|m| matches!(m, Modality::Should | Modality::ShouldNot)),
            },
            ModalityGroup {
                anchor: "may",
                title: "May do",
                obligations: with(|m| matches!(m, Modality::May | Modality::MayNot)),
            },
        ],
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
