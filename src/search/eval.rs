//! The evaluation set, `search-index/eval.toml`: realistic queries over the bundled
//! content, each with the page or clause that should come first.
//!
//! [`evaluate`] runs them against the tantivy index and reports, for each query, where
//! the expected result came; the test suite requires it within the top three for at
//! least nine queries in ten. The browser checks run the same file against the static
//! search.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::index::SearchIndex;
use super::query::Query;
use super::settings::Settings;
use super::SearchError;

/// The file, relative to the project root.
pub const EVAL_FILE: &str = "search-index/eval.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalSet {
    #[serde(rename = "case")]
    pub cases: Vec<EvalCase>,
}

/// One query and the URL (path and anchor) of the result that should come first.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalCase {
    pub query: String,
    pub expect: String,
}

/// Where each query's expected result came.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub cases: Vec<CaseResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub query: String,
    pub expect: String,
    /// 1-based rank of the expected result among the first ten, if there.
    pub rank: Option<usize>,
    /// The first three results' URLs.
    pub top: Vec<String>,
}

impl EvalSet {
    pub fn load(root: &Path) -> Result<EvalSet, SearchError> {
        let path = root.join(EVAL_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| SearchError::Settings(format!("cannot read {EVAL_FILE}: {e}")))?;
        toml::from_str(&text)
            .map_err(|e| SearchError::Settings(format!("{EVAL_FILE} does not parse: {e}")))
    }
}

impl EvalReport {
    /// The share of queries whose expected result is within the first `n`.
    pub fn within(&self, n: usize) -> f64 {
        let hits = self
            .cases
            .iter()
            .filter(|c| c.rank.is_some_and(|r| r <= n))
            .count();
        hits as f64 / self.cases.len().max(1) as f64
    }
}

/// Runs every query of `set` (current versions, no filters).
pub fn evaluate(
    index: &SearchIndex,
    settings: &Settings,
    set: &EvalSet,
) -> Result<EvalReport, SearchError> {
    let mut cases = Vec::new();
    for c in &set.cases {
        let outcome = index.search(&Query::new(c.query.clone()), settings)?;
        let urls: Vec<&str> = outcome.hits.iter().map(|h| h.url.as_str()).collect();
        cases.push(CaseResult {
            query: c.query.clone(),
            expect: c.expect.clone(),
            rank: urls.iter().position(|u| *u == c.expect).map(|i| i + 1),
            top: urls.iter().take(3).map(|u| u.to_string()).collect(),
        });
    }
    Ok(EvalReport { cases })
}
