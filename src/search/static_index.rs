//! The published site's search: Pagefind's indexes and its prebuilt browser client,
//! written under `pagefind/` and `pagefind-other-versions/` in the output.
//!
//! Pagefind indexes pages, and a query's first download holds a line for every page it
//! knows, so the index has one Pagefind page for each page of the site, not one for each
//! clause. A document page is given to Pagefind as a small HTML page of its own making
//! (not the rendered page): its clauses as sections, each under a heading with the
//! clause's anchor, so that Pagefind answers with the clauses that matched
//! (`sub_results`) and their links to the clause anchors. Pages without clauses go to
//! Pagefind as custom records. Either way no HTML of the site is parsed again.
//!
//! Filters carry the same facets as the tantivy index: kind, document, party, modality
//! and phase. Pagefind filters pages, so a page carries every party, modality and phase
//! of its clauses, and its `_clauses` meta says which clause has which; the search page
//! keeps only the clauses that have what the filter asks. Meta named with a leading `_`
//! is for the search page to read: the vendored Pagefind does not search its words.
//!
//! There are two bundles, built side by side. [`BUNDLE_DIR`] holds the current version
//! of each document, and is all a search loads while "version in force only" is ticked,
//! as it is at first. [`OTHER_BUNDLE_DIR`] holds the clauses of the other versions whose
//! words differ from the current version's (the records `search::records` makes for
//! them, a run of versions with the same words as one), one Pagefind page a document,
//! whose `_clauses` meta gives each clause's URL, version and status. The search page
//! merges it in (Pagefind's `mergeIndex`) only when the box is unticked. A `current`
//! filter in one bundle would have cost every first query a download of its own, and
//! the other versions' words would have made every index chunk larger.
//!
//! Pagefind has no synonyms, so they are applied when indexing: a clause that uses one
//! term of a group of `search-index/settings.toml` (PIT) is also indexed under the others
//! (Pre-Integration Testing), which `attest search` gets by expanding the query instead.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::settings::Settings;
use super::Record;
use crate::render::OutputFile;

/// Between a record's text and the synonyms indexed with it; the search page shows
/// nothing after it.
pub const SYNONYMS_MARK: &str = " \u{a6} ";
/// How much of a record's text `summary` holds.
const SUMMARY_CHARS: usize = 240;

/// Where Pagefind's files for the current versions go below the output folder.
pub const BUNDLE_DIR: &str = "pagefind";
/// Where Pagefind's files for the other versions go below the output folder.
pub const OTHER_BUNDLE_DIR: &str = "pagefind-other-versions";

/// Which versions' records a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The current version of each document, and the pages that are not clauses.
    Current,
    /// The other versions' clauses with words of their own.
    OtherVersions,
}

impl Bundle {
    /// The bundle's folder below the output folder.
    pub fn dir(self) -> &'static str {
        match self {
            Bundle::Current => BUNDLE_DIR,
            Bundle::OtherVersions => OTHER_BUNDLE_DIR,
        }
    }

    fn holds(self, r: &Record) -> bool {
        r.current == (self == Bundle::Current)
    }
}

/// A failure of Pagefind, as text: its errors are `anyhow` values.
#[derive(Debug, thiserror::Error)]
#[error("the static search index could not be built: {0}")]
pub struct StaticIndexError(pub String);

/// Builds Pagefind's two bundles of `records` (see the module's comment) and returns
/// their files (index, client, wasm), with paths below the output folder. The other
/// versions' bundle is written when `other_versions` (there is a record that is not
/// current: the search page then offers to search them).
pub fn build(
    records: &[Record],
    settings: &Settings,
    other_versions: bool,
) -> Result<Vec<OutputFile>, StaticIndexError> {
    std::thread::scope(|s| {
        let other = other_versions
            .then(|| s.spawn(|| build_bundle(records, Bundle::OtherVersions, settings)));
        let mut files = build_bundle(records, Bundle::Current, settings)?;
        if let Some(other) = other {
            let other = other.join().unwrap_or_else(|_| {
                Err(StaticIndexError("Pagefind stopped unexpectedly".into()))
            })?;
            files.extend(other);
        }
        Ok(files)
    })
}

/// One bundle of `records`, its files with paths below the output folder.
pub fn build_bundle(
    records: &[Record],
    bundle: Bundle,
    settings: &Settings,
) -> Result<Vec<OutputFile>, StaticIndexError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        // Named, for profiles: Pagefind indexes each page on a blocking thread.
        .thread_name(bundle.dir())
        .build()
        .map_err(|e| StaticIndexError(e.to_string()))?;
    runtime.block_on(bundle_async(records, bundle, settings))
}

async fn bundle_async(
    records: &[Record],
    bundle: Bundle,
    settings: &Settings,
) -> Result<Vec<OutputFile>, StaticIndexError> {
    let config = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language("en".to_owned())
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(pf_err)?;
    for page in pages(records, bundle) {
        if page.clauses.is_empty() {
            let Some(head) = page.head else { continue };
            let (url, content, meta, filters) = pagefind_record(head, settings);
            index
                .add_custom_record(url, content, "en".into(), Some(meta), Some(filters), None)
                .await
                .map_err(pf_err)?;
        } else {
            index
                .add_html_file(None, Some(page.url.to_string()), page_html(&page, settings))
                .await
                .map_err(pf_err)?;
        }
    }
    let dir = bundle.dir();
    let files = index.get_files().await.map_err(pf_err)?;
    Ok(files
        .into_iter()
        // The other versions' bundle is merged into the client of the first, so it
        // needs its index only, not a client, wasm or UI of its own.
        .filter(|f| bundle == Bundle::Current || is_index_data(&f.filename))
        .map(|f| OutputFile {
            path: format!("{dir}/{}", f.filename.to_string_lossy().replace('\\', "/")),
            bytes: f.contents.into(),
            url: None,
        })
        .collect())
}

/// Whether a file of a bundle is its index (entry, meta, words, filters, fragments).
fn is_index_data(path: &std::path::Path) -> bool {
    let name = path.to_string_lossy();
    name == "pagefind-entry.json"
        || name.ends_with(".pf_meta")
        || ["index", "fragment", "filter"]
            .iter()
            .any(|dir| path.starts_with(dir))
}

/// One page as Pagefind indexes it: the record of the page itself, and the records of
/// the clauses on it, in their order.
struct Page<'a> {
    url: Cow<'a, str>,
    head: Option<&'a Record>,
    clauses: Vec<&'a Record>,
    /// Whether the page gathers the clauses of several pages (the other versions of a
    /// document): then each section says where its clause is (see [`section_id`]).
    gathered: bool,
}

/// The current records, gathered by the page they are on (a clause's URL is its page's
/// and an anchor), in the order the pages first appear. The other versions' records are
/// gathered by document instead, as one page at the document's clause-by-clause changes:
/// Pagefind's cost is as much a page as a clause, and most other versions have only a
/// few clauses with words of their own.
fn pages(records: &[Record], bundle: Bundle) -> Vec<Page<'_>> {
    let gathered = bundle == Bundle::OtherVersions;
    // A document's own record (current, not a clause) is at the document's URL.
    let document_urls: HashMap<&str, &str> = match gathered {
        true => records
            .iter()
            .filter(|r| r.current && r.clause.is_empty() && !r.document.is_empty())
            .map(|r| (r.document.as_str(), r.url.as_str()))
            .collect(),
        false => HashMap::new(),
    };
    let mut out: Vec<Page> = Vec::new();
    let mut at: HashMap<Cow<str>, usize> = HashMap::new();
    for r in records.iter().filter(|r| bundle.holds(r)) {
        let (url, clause) = match r.url.split_once('#') {
            Some((url, _)) => (url, true),
            None => (r.url.as_str(), false),
        };
        let url = match document_urls.get(r.document.as_str()) {
            Some(document) => Cow::Owned(crate::render::history::clauses_url(document)),
            None => Cow::Borrowed(url),
        };
        let i = *at.entry(url.clone()).or_insert_with(|| {
            out.push(Page {
                url,
                head: None,
                clauses: Vec::new(),
                gathered,
            });
            out.len() - 1
        });
        if clause {
            out[i].clauses.push(r);
        } else {
            out[i].head = Some(r);
        }
    }
    out
}

/// The id of a clause's section: its anchor, or on a page that gathers several versions
/// the version and the anchor (`v0.2-clause-6.7`), which tells them apart.
fn section_id(r: &Record, gathered: bool) -> String {
    let anchor = r.url.split_once('#').map_or("", |(_, a)| a);
    match gathered {
        true => format!("v{}-{anchor}", r.version),
        false => anchor.to_owned(),
    }
}

/// The HTML Pagefind reads for a page with clauses. The page's facts are metadata and
/// filters, in an element Pagefind does not index; then the page's own text, then each
/// clause as a heading with its anchor and a paragraph.
fn page_html(page: &Page, settings: &Settings) -> String {
    use crate::render::escape_html as esc;
    let first = page.head.or(page.clauses.first().copied());
    let mut html =
        String::from("<html lang=\"en\"><body data-pagefind-body><div data-pagefind-ignore>");
    let mut tag = |kind: &str, key: &str, value: &str| {
        if !value.is_empty() {
            html.push_str(&format!(
                "<span data-pagefind-{kind}=\"{key}\">{}</span>",
                esc(value)
            ));
        }
    };
    if let Some(r) = first {
        let title = page
            .head
            .map_or(r.document_title.as_str(), |h| h.title.as_str());
        tag("meta", "title", title);
        tag("meta", "document", &r.document);
        tag("meta", "document_title", &r.document_title);
        // A page of several versions says each clause's in `_clauses`.
        if !page.gathered {
            tag("meta", "_version", &r.version);
            // The page's own record has no status; its clauses have their version's.
            let status = page
                .clauses
                .first()
                .map_or(r.status.as_str(), |c| c.status.as_str());
            tag("meta", "_status", status);
        }
        if r.in_force && !r.version.is_empty() {
            tag("meta", "_in_force", "yes");
        }
        if !r.current {
            tag("meta", "_current", "no");
        }
        tag("filter", "kind", &r.kind);
        tag("filter", "document", &r.document);
    }
    let mut facets: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut by_clause = serde_json::Map::new();
    for r in page.head.iter().chain(&page.clauses) {
        let mut own = serde_json::Map::new();
        for (name, values) in [
            ("party", &r.party),
            ("modality", &r.modality),
            ("phase", &r.phase),
        ] {
            facets
                .entry(name)
                .or_default()
                .extend(values.iter().map(String::as_str));
            if !values.is_empty() {
                own.insert(name.into(), values.clone().into());
            }
        }
        if page.gathered {
            own.insert("url".into(), r.url.clone().into());
            own.insert("version".into(), r.version.clone().into());
            own.insert("status".into(), r.status.clone().into());
            if !r.first_version.is_empty() {
                own.insert("first_version".into(), r.first_version.clone().into());
            }
        }
        if r.url.contains('#') {
            by_clause.insert(section_id(r, page.gathered), own.into());
        }
    }
    for (name, values) in &facets {
        for v in values {
            tag("filter", name, v);
        }
    }
    tag(
        "meta",
        "_clauses",
        &serde_json::Value::Object(by_clause).to_string(),
    );
    html.push_str("</div>");
    if let Some(head) = page.head {
        html.push_str(&format!("<p>{}</p>", esc(&with_synonyms(head, settings))));
    }
    for r in &page.clauses {
        html.push_str(&format!(
            "<h2 id=\"{}\" data-pagefind-weight=\"1\">{}</h2><p>{}</p>",
            esc(&section_id(r, page.gathered)),
            esc(&r.title),
            esc(&with_synonyms(r, settings))
        ));
    }
    html.push_str("</body></html>");
    html
}

/// A record's text, and after [`SYNONYMS_MARK`] the synonyms of the terms it uses.
fn with_synonyms(r: &Record, settings: &Settings) -> String {
    let mut content = r.body.clone();
    let also = settings.expansions(&format!("{} {}", r.title, r.body));
    if !also.is_empty() {
        content.push_str(SYNONYMS_MARK);
        content.push_str(&also.join(", "));
    }
    content
}

/// Pagefind's errors (`anyhow` values) as ours, with their causes.
fn pf_err(e: impl std::fmt::Display) -> StaticIndexError {
    StaticIndexError(format!("{e:#}"))
}

type Meta = BTreeMap<String, String>;
type Filters = BTreeMap<String, Vec<String>>;

/// A record as Pagefind takes it: url, content, meta and filters.
fn pagefind_record(r: &Record, settings: &Settings) -> (String, String, Meta, Filters) {
    let mut meta = Meta::new();
    meta.insert("title".into(), r.title.clone());
    for (k, v) in [
        ("document", &r.document),
        ("document_title", &r.document_title),
        ("_version", &r.version),
        ("_clause", &r.clause),
        ("_heading", &r.heading),
        ("_status", &r.status),
    ] {
        if !v.is_empty() {
            meta.insert(k.into(), v.clone());
        }
    }
    if r.in_force && !r.version.is_empty() {
        meta.insert("_in_force".into(), "yes".into());
    }
    let mut filters = Filters::new();
    filters.insert("kind".into(), vec![r.kind.clone()]);
    for (k, v) in [
        ("party", &r.party),
        ("modality", &r.modality),
        ("phase", &r.phase),
    ] {
        if !v.is_empty() {
            filters.insert(k.into(), v.clone());
        }
    }
    if !r.document.is_empty() {
        filters.insert("document".into(), vec![r.document.clone()]);
    }
    // The title is searched too (Pagefind weighs the `title` meta). Synonyms go after
    // the text and a `¦`, where the search page cuts the excerpt; when only a synonym
    // matched, it shows the start of the text (`summary`) instead.
    let content = with_synonyms(r, settings);
    if content.len() > r.body.len() {
        let end = r
            .body
            .char_indices()
            .nth(SUMMARY_CHARS)
            .map_or(r.body.len(), |(i, _)| i);
        meta.insert("_summary".into(), r.body[..end].to_owned());
    }
    (r.url.clone(), content, meta, filters)
}
