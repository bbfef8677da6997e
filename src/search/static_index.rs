//! The published site's search: Pagefind's index and its prebuilt browser client,
//! written under `pagefind/` in the output.
//!
//! Records go to Pagefind as custom records (no HTML is parsed again). Pagefind splits
//! its word index into chunks and the browser fetches only the chunks a query needs, so
//! the first query downloads tens of kilobytes rather than the whole index. Its filters
//! carry the same facets as the tantivy index: kind, document, party, modality and
//! phase. Only the current version of each document is indexed (see `build`), so there
//! is no `current` filter: a filter costs the browser a download of its own, and one
//! that every query sets would cost every first query.
//!
//! Pagefind has no synonyms, so they are applied when indexing: a record that uses one
//! term of a group of `search-index/settings.toml` (PIT) is also indexed under the others
//! (Pre-Integration Testing), which `attest search` gets by expanding the query instead.

use std::collections::BTreeMap;

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

/// Where Pagefind's files go below the output folder.
pub const BUNDLE_DIR: &str = "pagefind";

/// A failure of Pagefind, as text: its errors are `anyhow` values.
#[derive(Debug, thiserror::Error)]
#[error("the static search index could not be built: {0}")]
pub struct StaticIndexError(pub String);

/// Builds Pagefind's index of `records` and returns its files (index, client, wasm),
/// with paths below the output folder.
pub fn build(records: &[Record], settings: &Settings) -> Result<Vec<OutputFile>, StaticIndexError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| StaticIndexError(e.to_string()))?;
    runtime.block_on(build_async(records, settings))
}

async fn build_async(
    records: &[Record],
    settings: &Settings,
) -> Result<Vec<OutputFile>, StaticIndexError> {
    let config = PagefindServiceConfig::builder()
        .keep_index_url(true)
        .force_language("en".to_owned())
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(pf_err)?;
    // Current versions only: Pagefind compares each new record's URL with every one
    // before it (`fossick_one`), so its cost grows with the square of the records, and
    // the other versions' clauses would triple them (measured: 122 s instead of 14 s
    // on the 10,000-page corpus). `attest search --all-versions` searches them.
    for r in records.iter().filter(|r| r.current) {
        let (url, content, meta, filters) = pagefind_record(r, settings);
        index
            .add_custom_record(url, content, "en".into(), Some(meta), Some(filters), None)
            .await
            .map_err(pf_err)?;
    }
    let files = index.get_files().await.map_err(pf_err)?;
    Ok(files
        .into_iter()
        .map(|f| OutputFile {
            path: format!(
                "{BUNDLE_DIR}/{}",
                f.filename.to_string_lossy().replace('\\', "/")
            ),
            bytes: f.contents.into(),
            url: None,
        })
        .collect())
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
        ("version", &r.version),
        ("clause", &r.clause),
        ("heading", &r.heading),
        ("status", &r.status),
    ] {
        if !v.is_empty() {
            meta.insert(k.into(), v.clone());
        }
    }
    if r.in_force && !r.version.is_empty() {
        meta.insert("in_force".into(), "yes".into());
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
    let mut content = r.body.clone();
    let also = settings.expansions(&format!("{} {}", r.title, r.body));
    if !also.is_empty() {
        content.push_str(SYNONYMS_MARK);
        content.push_str(&also.join(", "));
        let end = r
            .body
            .char_indices()
            .nth(SUMMARY_CHARS)
            .map_or(r.body.len(), |(i, _)| i);
        meta.insert("summary".into(), r.body[..end].to_owned());
    }
    (r.url.clone(), content, meta, filters)
}
