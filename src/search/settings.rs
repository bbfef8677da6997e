//! The committed search settings, `search-index/settings.toml`: field boosts, and the
//! synonyms and abbreviations of the field (PIT is Pre-Integration Testing, SoS the
//! Secretary of State ...).
//!
//! Both indexes read the same file: tantivy applies the boosts and expands a query with
//! its synonyms; the static search's client gets the synonyms as JSON and expands the
//! query in the browser the same way. A project without the file searches with the
//! defaults and no synonyms.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// The file, relative to the project root.
pub const SETTINGS_FILE: &str = "search-index/settings.toml";

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub boosts: Boosts,
    #[serde(default)]
    pub synonyms: Vec<Synonyms>,
}

/// How much a match in each field counts, relative to the body's 1.0.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Boosts {
    /// The clause number and its heading.
    #[serde(default = "two")]
    pub title: f32,
    #[serde(default = "one")]
    pub body: f32,
    /// The document's id and title.
    #[serde(default = "half")]
    pub document: f32,
    /// The text of a record that is not a clause: lower, so that the clause that
    /// answers ranks above the page that merely mentions the words.
    #[serde(default = "page")]
    pub page: f32,
    /// A synonym's expansion, relative to the words typed.
    #[serde(default = "half")]
    pub synonym: f32,
    /// A clause whose obligations bind a party the query names.
    #[serde(default = "one")]
    pub party: f32,
    /// A clause that states an obligation at all, when the query asks what someone
    /// must, shall or may do.
    #[serde(default = "half")]
    pub obligation: f32,
}

fn one() -> f32 {
    1.0
}
fn two() -> f32 {
    2.0
}
fn half() -> f32 {
    0.5
}
fn page() -> f32 {
    0.4
}

impl Default for Boosts {
    fn default() -> Self {
        Boosts {
            title: two(),
            body: one(),
            document: half(),
            page: page(),
            synonym: half(),
            party: one(),
            obligation: half(),
        }
    }
}

/// Terms that mean the same: an abbreviation and its expansion, or two ways of saying
/// one thing. A query that has one of them also finds the others.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    pub terms: Vec<String>,
}

impl Settings {
    /// Reads `search-index/settings.toml` below `root`; the defaults when there is none.
    pub fn load(root: &Path) -> Result<Settings, Diagnostic> {
        let path = root.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => {
                return Err(Diagnostic::file_error(
                    "search-settings",
                    SETTINGS_FILE,
                    format!("cannot read the search settings: {e}"),
                ))
            }
        };
        Settings::parse(&text)
    }

    /// Parses the settings' text; an error points at the line and column.
    pub fn parse(text: &str) -> Result<Settings, Diagnostic> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            let msg = format!("the search settings do not parse: {}", e.message());
            match e.span() {
                Some(span) => {
                    Diagnostic::error_at("search-settings", SETTINGS_FILE, text, span, msg)
                }
                None => Diagnostic::file_error("search-settings", SETTINGS_FILE, msg),
            }
        })?;
        for (i, group) in settings.synonyms.iter().enumerate() {
            if group.terms.iter().filter(|t| !t.trim().is_empty()).count() < 2 {
                return Err(Diagnostic::file_error(
                    "search-settings",
                    SETTINGS_FILE,
                    format!(
                        "synonym group {} has fewer than two terms: {:?}",
                        i + 1,
                        group.terms
                    ),
                )
                .with_help("a synonym group needs two or more terms that mean the same"));
            }
        }
        Ok(settings)
    }

    /// The other terms of every group that `query` contains a term of, as whole words
    /// and ignoring case: for "PIT exit" the expansion "Pre-Integration Testing".
    pub fn expansions(&self, query: &str) -> Vec<&str> {
        let q = normalise(query);
        let mut out = Vec::new();
        for group in &self.synonyms {
            let hit = group
                .terms
                .iter()
                .any(|t| contains_phrase(&q, &normalise(t)));
            if hit {
                for t in &group.terms {
                    if !contains_phrase(&q, &normalise(t)) && !out.contains(&t.as_str()) {
                        out.push(t.as_str());
                    }
                }
            }
        }
        out
    }
}

/// Lower case, with every run of characters that are not letters or digits made one
/// space and a space at each end, so phrases match as whole words.
fn normalise(s: &str) -> String {
    let mut out = String::from(" ");
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    phrase.trim() != "" && haystack.contains(phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_settings_parse_and_expand_abbreviations() {
        let text = include_str!("../../search-index/settings.toml");
        let s = Settings::parse(text).expect("search-index/settings.toml parses");
        assert_eq!(
            s.expansions("who approves PIT completion"),
            ["Pre-Integration Testing"]
        );
        assert_eq!(s.expansions("pre-integration testing exit"), ["PIT"]);
        assert_eq!(
            s.expansions("what can the SoS direct"),
            ["Secretary of State"]
        );
        // Whole words only: "pitch" is not PIT.
        assert!(s.expansions("pitch").is_empty());
    }

    #[test]
    fn bad_settings_say_where() {
        let e = Settings::parse("[boosts]\ntitel = 2.0\n").unwrap_err();
        assert_eq!(e.code, "search-settings");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
        let e = Settings::parse("[[synonyms]]\nterms = [\"PIT\"]\n").unwrap_err();
        assert_eq!(
            e.message,
            "synonym group 1 has fewer than two terms: [\"PIT\"]"
        );
    }
}
