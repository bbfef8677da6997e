//! What a person typed, made safe to search with.
//!
//! A query never fails. Control characters, markup and the parts of tantivy's query
//! language that `attest search` does not offer (fields, ranges, boosts, fuzzy marks)
//! become spaces; an unmatched quote is dropped; a lone `+` or `-` is ignored; a very
//! long query is cut. Each repair adds a note that says what happened and how queries
//! are written ([`SYNTAX`]).

use serde::Serialize;

/// How queries are written, for notes and `--help`.
pub const SYNTAX: &str = "Search syntax: words in any order (clauses with more of them rank higher), \"an exact phrase\", +word (must appear), -word (must not appear). Filter with --party, --kind, --doc, --phase; --all-versions searches superseded and draft versions too.";

/// The longest query searched, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;

/// A search: the words and the filters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Query {
    pub text: String,
    pub filters: Filters,
    /// Search every version, not only the current one of each document.
    pub all_versions: bool,
    /// The most results to return (at least 1).
    pub limit: usize,
}

impl Query {
    pub fn new(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            limit: 10,
            ..Query::default()
        }
    }
}

/// Facets a search is narrowed to; each, when given, must match exactly (ignoring case).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Filters {
    /// A party id from `site.toml` (`users`).
    pub party: Option<String>,
    /// A document kind (`tad`), or `page`, `programme`, `register`.
    pub kind: Option<String>,
    /// A document id (`FSM-TAD-R1`).
    pub document: Option<String>,
    /// A phase id (`PIT`).
    pub phase: Option<String>,
    /// A modality (`must`, `shall-not` ...).
    pub modality: Option<String>,
}

/// A query after repair: the text to parse and what was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub notes: Vec<String>,
}

/// Repairs `raw` into something the query parser reads as intended.
pub fn clean(raw: &str) -> Cleaned {
    let mut notes = Vec::new();
    let mut text: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    if raw.chars().nth(MAX_QUERY_CHARS).is_some() {
        notes.push(format!(
            "the query was cut to its first {MAX_QUERY_CHARS} characters"
        ));
    }
    if text.chars().any(|c| c.is_control()) {
        notes.push("control characters in the query were ignored".to_owned());
    }
    if text.contains('<') || text.contains('>') {
        notes.push("markup in the query was read as words".to_owned());
    }
    let mut special = false;
    text = text
        .chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            '<' | '>' | '&' => ' ',
            ':' | '^' | '[' | ']' | '{' | '}' | '(' | ')' | '~' | '*' | '\\' | '!' | '\'' | '`'
            | '$' | '/' => {
                special |= !matches!(c, '\'' | '/');
                ' '
            }
            c => c,
        })
        .collect();
    if special {
        notes.push(format!(
            "characters with no meaning in a search were ignored. {SYNTAX}"
        ));
    }
    if text.matches('"').count() % 2 == 1 {
        if let Some(i) = text.rfind('"') {
            text.replace_range(i..i + 1, " ");
        }
        notes.push(format!("an unmatched quote was ignored. {SYNTAX}"));
    }
    // Words only: `+`/`-` must start a word to mean anything; AND, OR and NOT are
    // ordinary words here.
    let mut lone = false;
    let words: Vec<String> = split_keeping_phrases(&text)
        .into_iter()
        .filter_map(|w| {
            let bare = w.trim_start_matches(['+', '-']);
            if bare.is_empty() || bare.chars().all(|c| !c.is_alphanumeric() && c != '"') {
                lone |= !w
                    .chars()
                    .all(|c| c == '.' || c == ',' || c == ';' || c == '?');
                return None;
            }
            let sign = match w.chars().next() {
                Some('+') => "+",
                Some('-') => "-",
                _ => "",
            };
            let bare = match bare {
                "AND" | "OR" | "NOT" | "IN" | "TO" => bare.to_lowercase(),
                b => b.to_owned(),
            };
            Some(format!("{sign}{bare}"))
        })
        .collect();
    if lone {
        notes.push(format!(
            "a `+` or `-` on its own was ignored: put it right before a word. {SYNTAX}"
        ));
    }
    Cleaned {
        text: words.join(" "),
        notes,
    }
}

/// Splits on white space, keeping `"quoted phrases"` (and `+"..."`) whole.
fn split_keeping_phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
            cur.push(c);
        } else if c.is_whitespace() && !quoted {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a cleaned query asks what someone must, shall, should or may do.
pub fn asks_for_obligations(cleaned: &str) -> bool {
    cleaned.split_whitespace().any(|w| {
        matches!(
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
                .as_str(),
            "must"
                | "shall"
                | "should"
                | "may"
                | "required"
                | "obliged"
                | "obligation"
                | "obligations"
                | "who"
                | "duty"
                | "duties"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_and_says_so() {
        let c = clean("\"unbalanced quote");
        assert_eq!(c.text, "unbalanced quote");
        assert_eq!(
            c.notes,
            [format!("an unmatched quote was ignored. {SYNTAX}")]
        );

        let c = clean("+ - PIT -");
        assert_eq!(c.text, "PIT");
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].starts_with("a `+` or `-` on its own was ignored"));

        let c = clean("<script>alert(1)</script> exit");
        assert_eq!(c.text, "script alert 1 script exit");
        assert!(c
            .notes
            .contains(&"markup in the query was read as words".to_owned()));

        let c = clean("Testing\u{0}\u{7} Issue\u{1b}[31m");
        assert_eq!(c.text, "Testing Issue 31m");
        assert!(c
            .notes
            .contains(&"control characters in the query were ignored".to_owned()));

        let long = "pit ".repeat(2500);
        let c = clean(&long);
        assert_eq!(c.text.split(' ').count(), MAX_QUERY_CHARS / 4);
        assert_eq!(c.notes[0], "the query was cut to its first 500 characters");
    }

    #[test]
    fn keeps_what_the_syntax_offers() {
        let c = clean("+\"Test Completion Report\" -PIT SIT AND UIT");
        assert_eq!(c.text, "+\"Test Completion Report\" -PIT SIT and UIT");
        assert!(c.notes.is_empty());
        assert_eq!(
            clean("what must Users do before UIT?").text,
            "what must Users do before UIT?"
        );
    }
}
