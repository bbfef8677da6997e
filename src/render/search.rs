//! The search page, `/search/`: a form that works as a plain GET form, and the
//! choices of each filter. The searching itself happens in the browser, in the theme's
//! `search.js` over Pagefind's index (see `search::static_index`).

use serde::Serialize;

use crate::link::SiteGraph;
use crate::model::Modality;

/// `search.html`.
#[derive(Debug, Serialize)]
pub struct SearchPage {
    pub url: String,
    /// Where Pagefind's files are, ending in `/`.
    pub pagefind_url: String,
    /// Where Pagefind's files for the versions besides the current ones are, when there
    /// are such versions; the page then offers to search them.
    pub other_versions_url: Option<String>,
    /// The filters, in the order shown: kind, document, party, modality, phase.
    pub filters: Vec<Filter>,
    pub register_url: String,
}

/// One filter of the form: a `<select>` named `name`.
#[derive(Debug, Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub choices: Vec<Choice>,
}

/// One value of a filter: what is sent, and what is shown.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The URL of the search page.
pub fn search_url(base: &str) -> String {
    format!("{base}search/")
}

pub fn search_page(graph: &SiteGraph) -> SearchPage {
    let b = &graph.base;
    let docs = graph.site.programmes.iter().flat_map(|p| &p.documents);
    let mut kinds: Vec<Choice> = docs
        .clone()
        .map(|d| Choice {
            value: d.config.kind.code().to_owned(),
            label: d.config.kind.label().to_owned(),
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    let mut documents: Vec<Choice> = docs
        .map(|d| Choice {
            value: d.config.id.to_string(),
            label: format!("{} ({})", d.config.title, d.config.id),
        })
        .collect();
    documents.sort();
    let mut phases: Vec<Choice> = graph
        .site
        .programmes
        .iter()
        .flat_map(|p| &p.config.phases)
        .map(|p| Choice {
            value: p.id.clone(),
            label: format!("{} ({})", p.name, p.id),
        })
        .collect();
    phases.dedup();
    SearchPage {
        url: search_url(b),
        pagefind_url: format!("{b}{}/", crate::search::static_index::BUNDLE_DIR),
        other_versions_url: crate::search::has_other_versions(graph)
            .then(|| format!("{b}{}/", crate::search::static_index::OTHER_BUNDLE_DIR)),
        filters: vec![
            Filter {
                name: "kind",
                label: "Kind of document",
                choices: kinds,
            },
            Filter {
                name: "document",
                label: "Document",
                choices: documents,
            },
            Filter {
                name: "party",
                label: "Party bound",
                choices: graph
                    .site
                    .config
                    .parties
                    .iter()
                    .map(|p| Choice {
                        value: p.id.clone(),
                        label: p.name.clone(),
                    })
                    .collect(),
            },
            Filter {
                name: "modality",
                label: "Modality",
                choices: Modality::ALL
                    .iter()
                    .map(|m| Choice {
                        value: m.code().to_owned(),
                        label: m.label().to_owned(),
                    })
                    .collect(),
            },
            Filter {
                name: "phase",
                label: "Phase",
                choices: phases,
            },
        ],
        register_url: super::obligations::RegisterUrls::of(b).register,
    }
}
