//! Search in the preview, up to date with every edit.
//!
//! The search page loads its client from `pagefind/pagefind.js`. On the published site
//! that is Pagefind's, over the static index `attest build` writes. The preview serves
//! [`CLIENT`] there instead: a module with the calls the page makes (`options`,
//! `search`) that asks this server, which answers from a tantivy index held in memory
//! ([`LiveIndex`]), the index `attest search` uses. After an edit the preview replaces
//! only the records of the documents it rendered again, so a search sees the edit as
//! soon as the page does, and Pagefind, which can only build a whole index, never runs.
//!
//! Answers are JSON in the shape of Pagefind's results, with the words found marked by
//! `<mark>` in the excerpt; the search page turns both into text nodes, never markup.

use std::sync::RwLock;

use serde::Serialize;

use crate::search::index::{record_key, LiveIndex, SITE_KEY};
use crate::search::{Query, Record, SearchIndex, Settings};

/// Where the preview answers searches (beside the reload script and events).
pub const SEARCH_PATH: &str = "/__attest/search";
/// The search page's client in the preview, served at `pagefind/pagefind.js`.
pub const CLIENT: &str = include_str!("search.js");
/// Where the client is served, below the site's base.
pub const CLIENT_PATH: &str = "pagefind/pagefind.js";
/// The most results one answer holds. The page shows ten, and says how many there are:
/// beyond this many it says this many.
const LIMIT: usize = 200;

/// The preview's index and the settings it searches with.
#[derive(Default)]
pub struct PreviewSearch {
    live: RwLock<Option<LiveIndex>>,
    settings: RwLock<Settings>,
}

/// Which records an edit changed.
pub enum Refresh<'a> {
    /// All of them: the first build, or a change of the site's shape.
    All(Vec<Record>),
    /// The records of these documents (by id), and the site's own records.
    Documents(&'a [String], Vec<Record>),
}

impl PreviewSearch {
    /// Puts the records of the site as it now is in the index. Returns a message when
    /// the index could not be updated (search then answers from the last one).
    pub fn refresh(
        &self,
        refresh: Refresh,
        parties: &[crate::model::Party],
        settings: Settings,
    ) -> Result<(), String> {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        match (refresh, live.as_mut()) {
            (Refresh::Documents(ids, records), Some(index)) => {
                let mut keys: Vec<String> = ids.to_vec();
                keys.push(SITE_KEY.to_owned());
                debug_assert!(records
                    .iter()
                    .all(|r| keys.iter().any(|k| k == record_key(r))));
                index.replace(&keys, &records).map_err(|e| e.to_string())
            }
            (Refresh::All(records), _) | (Refresh::Documents(_, records), None) => {
                *live = Some(LiveIndex::new(&records, parties).map_err(|e| e.to_string())?);
                Ok(())
            }
        }
    }

    /// The answer to `query_string` (`q=...&party=...`), as JSON, with its HTTP status.
    pub fn answer(&self, query_string: &str) -> (u16, String) {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        let Some(live) = live.as_ref() else {
            return (503, error_json("the search index is still being built"));
        };
        let settings = self.settings.read().unwrap_or_else(|e| e.into_inner());
        match answer(live.index(), &settings, query_string) {
            Ok(json) => (200, json),
            Err(why) => (500, error_json(&why)),
        }
    }
}

fn error_json(why: &str) -> String {
    serde_json::json!({ "error": why }).to_string()
}

/// One result, in the shape of Pagefind's result data.
#[derive(Serialize)]
struct Found {
    id: String,
    score: f32,
    url: String,
    excerpt: String,
    meta: std::collections::BTreeMap<&'static str, String>,
}

fn answer(index: &SearchIndex, settings: &Settings, query_string: &str) -> Result<String, String> {
    let mut query = Query::new("");
    query.limit = LIMIT;
    let mut current = true;
    for (k, v) in form_pairs(query_string) {
        let v = Some(v).filter(|v| !v.is_empty());
        match k.as_str() {
            "q" => query.text = v.unwrap_or_default(),
            "party" => query.filters.party = v,
            "kind" => query.filters.kind = v,
            "document" => query.filters.document = v,
            "phase" => query.filters.phase = v,
            "modality" => query.filters.modality = v,
            "current" => current = v.as_deref() != Some("no"),
            _ => {}
        }
    }
    query.all_versions = !current;
    let outcome = index.search(&query, settings).map_err(|e| e.to_string())?;
    let results: Vec<Found> = outcome
        .hits
        .into_iter()
        .map(|h| {
            let mut meta = std::collections::BTreeMap::new();
            meta.insert("title", h.title.clone());
            for (k, v) in [
                ("document", &h.document),
                ("document_title", &h.document_title),
                ("_version", &h.version),
                ("_first_version", &h.first_version),
                ("_clause", &h.clause),
                ("_status", &h.status),
            ] {
                if !v.is_empty() {
                    meta.insert(k, v.clone());
                }
            }
            if h.in_force && !h.version.is_empty() {
                meta.insert("_in_force", "yes".into());
            }
            if !h.current {
                meta.insert("_current", "no".into());
            }
            Found {
                id: h.url.clone(),
                score: h.score,
                excerpt: marked(&h.snippet, &h.highlights),
                url: h.url,
                meta,
            }
        })
        .collect();
    Ok(serde_json::json!({ "results": results }).to_string())
}

/// The snippet with each highlighted range between `<mark>` and `</mark>`.
fn marked(snippet: &str, highlights: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in highlights {
        let (Some(before), Some(word)) = (snippet.get(at..start), snippet.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str("<mark>");
        out.push_str(word);
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(snippet.get(at..).unwrap_or(""));
    out
}

/// The pairs of an `application/x-www-form-urlencoded` query string, decoded leniently
/// (a bad escape stays as written).
pub fn form_pairs(query_string: &str) -> Vec<(String, String)> {
    query_string
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
