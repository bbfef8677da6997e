//! What a person typed, made safe to search with.
//!
//! A query never fails. Control characters, markup and the parts of tantivy's query
//! language that `attest search` does not offer (fields, ranges, boosts, fuzzy marks)
//! become spaces; an unmatched quote is dropped; a phrase that runs into a word is cut
//! from it; a lone `+` or `-` is ignored; a word too long for the index to hold is
//! dropped; a query of excluded words only searches for nothing; a very long query is
//! cut. Each repair adds a note that says what happened
//! and how queries are written ([`SYNTAX`]). What is left, tantivy's query parser reads
//! without an error (the `search_query` fuzz target holds it to that).

use serde::Serialize;

/// How queries are written, for notes and `--help`.
pub const SYNTAX: &str = "Search syntax: words in any order (clauses with more of them rank higher), \"an exact phrase\", +word (must appear), -word (must not appear). Filter with --party, --kind, --doc, --phase; --all-versions searches superseded and draft versions too.";

/// The length in bytes from which the index leaves a word out (tantivy's
/// `RemoveLongFilter` in the index's analyzer).
pub const LONGEST_WORD: usize = 40;
/// The note for a query word that no document can hold.
const TOO_LONG: &str =
    "a word too long to be in the index (40 characters or more, fewer for letters beyond ASCII) was ignored";

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
    let cut = raw.chars().nth(MAX_QUERY_CHARS).is_some();
    if cut {
        notes.push(cut_note());
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
    let mut empty_phrase = false;
    let mut too_long = false;
    let mut words: Vec<String> = split_keeping_phrases(&text)
        .into_iter()
        .filter_map(|w| {
            let bare = w.trim_start_matches(['+', '-']);
            if bare.starts_with('"') && !bare.chars().any(char::is_alphanumeric) {
                empty_phrase = true;
                return None;
            }
            // Words as the index splits them; none of them short enough to be in it
            // means the word can match nothing, and tantivy reads it as nothing.
            let mut parts = bare
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| !p.is_empty());
            if parts.clone().next().is_some() && parts.all(|p| p.len() >= LONGEST_WORD) {
                too_long = true;
                return None;
            }
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
    if empty_phrase {
        notes.push(format!(
            "a phrase with no words in it was ignored. {SYNTAX}"
        ));
    }
    if too_long {
        notes.push(format!("{TOO_LONG}. {SYNTAX}"));
    }
    if lone {
        notes.push(format!(
            "a `+` or `-` on its own was ignored: put it right before a word. {SYNTAX}"
        ));
    }
    // A space between a phrase and the word it ran into can take a query at the limit
    // past it: the last words go.
    let mut text = words.join(" ");
    if text.chars().count() > MAX_QUERY_CHARS {
        while text.chars().count() > MAX_QUERY_CHARS {
            words.pop();
            text = words.join(" ");
        }
        if !cut {
            notes.push(cut_note());
        }
    }
    if !words.is_empty() && words.iter().all(|w| w.starts_with('-')) {
        notes.push(format!(
            "every word was excluded with `-`, so there is nothing to search for. {SYNTAX}"
        ));
        return Cleaned {
            text: String::new(),
            notes,
        };
    }
    Cleaned { text, notes }
}

fn cut_note() -> String {
    format!("the query was cut to its first {MAX_QUERY_CHARS} characters")
}

/// Splits on white space into words and `"quoted phrases"` (each with any `+` or `-`
/// before it). A quote opens or closes a phrase wherever it stands, as [`SYNTAX`] says;
/// tantivy reads a quote inside a word as part of the word, and a phrase that runs into
/// a word as an error, so a word is cut where a phrase begins or ends: `a"b c"d` is
/// `a`, `"b c"` and `d`. The quotes must be balanced.
fn split_keeping_phrases(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' && quoted {
            cur.push(c);
            out.push(std::mem::take(&mut cur));
            quoted = false;
        } else if c == '"' {
            // A sign before the quote is the phrase's; anything else is a word.
            if !cur.chars().all(|c| c == '+' || c == '-') {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(c);
            quoted = true;
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

    /// Found by the `search_query` fuzz target: a phrase of nothing but spaces was kept,
    /// and tantivy could not read it.
    #[test]
    fn a_phrase_without_words_is_dropped() {
        let c = clean("\" \" exit \"  \"");
        assert_eq!(c.text, "exit");
        assert_eq!(
            c.notes,
            [format!(
                "a phrase with no words in it was ignored. {SYNTAX}"
            )]
        );
        assert_eq!(clean("a\" \"").text, "a");
        assert_eq!(clean("\"PIT exit\"").text, "\"PIT exit\"");
    }

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

    /// The errors tantivy's query parser reports on `text`.
    fn parse_errors(text: &str) -> Vec<String> {
        let mut schema = tantivy::schema::Schema::builder();
        let body = schema.add_text_field("body", tantivy::schema::TEXT);
        let index = tantivy::Index::create_in_ram(schema.build());
        let parser = tantivy::query::QueryParser::for_index(&index, vec![body]);
        let (_, errors) = parser.parse_query_lenient(text);
        errors.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_quote_opens_or_closes_a_phrase_wherever_it_stands() {
        // tantivy reads a quote inside a word as part of the word, and a phrase that
        // runs into a word as an error: the repair cuts the word there.
        for (typed, searched) in [
            ("\"a\"b", "\"a\" b"),
            ("\"a\"\"b\"", "\"a\" \"b\""),
            ("x\"Test Completion\"report", "x \"Test Completion\" report"),
            ("+\"exit criteria\"-PIT", "+\"exit criteria\" -PIT"),
            ("x --\"a\"", "x -\"a\""),
        ] {
            let c = clean(typed);
            assert_eq!(c.text, searched, "{typed:?}");
            assert_eq!(c.notes, Vec::<String>::new(), "{typed:?}");
            assert_eq!(parse_errors(&c.text), Vec::<String>::new(), "{typed:?}");
        }
    }

    #[test]
    fn a_repaired_query_stays_within_the_limit() {
        // 500 characters, each phrase running into a word: cutting them apart takes a
        // space each, and the last words go to make room.
        let typed = "\"a\"b".repeat(125);
        let c = clean(&typed);
        assert_eq!(c.text, vec!["\"a\" b"; 83].join(" "));
        assert_eq!(c.text.chars().count(), 497);
        assert_eq!(c.notes, ["the query was cut to its first 500 characters"]);
        assert_eq!(clean(&c.text).text, c.text);
    }

    #[test]
    fn words_that_are_all_excluded_search_for_nothing() {
        // tantivy refuses a query of excluded words only; there is nothing to find.
        assert_eq!(
            parse_errors("-PIT -\"exit criteria\""),
            ["Invalid query: Only excluding terms given"]
        );
        let c = clean("-PIT -\"exit criteria\"");
        assert_eq!(c.text, "");
        assert_eq!(
            c.notes,
            [format!(
                "every word was excluded with `-`, so there is nothing to search for. {SYNTAX}"
            )]
        );
        assert_eq!(clean("SIT -PIT").text, "SIT -PIT");
    }

    #[test]
    fn a_word_too_long_for_the_index_is_dropped() {
        // The index leaves out words of 40 bytes or more, so tantivy reads such a word
        // as nothing: beside an excluded word it then sees exclusions only, an error.
        // Found by the search_query fuzz target.
        let long = "e".repeat(45);
        assert_eq!(
            parse_errors(&format!("-PIT {long}")),
            ["Invalid query: Only excluding terms given"]
        );
        let c = clean(&format!("-PIT {long}"));
        assert_eq!(c.text, "");
        assert_eq!(
            c.notes,
            [
                format!("{TOO_LONG}. {SYNTAX}"),
                format!(
                    "every word was excluded with `-`, so there is nothing to search for. {SYNTAX}"
                )
            ]
        );
        let c = clean(&format!("PIT +{long} \"{long}\" exit-{long}"));
        assert_eq!(c.text, format!("PIT exit-{long}"));
        assert_eq!(c.notes, [format!("{TOO_LONG}. {SYNTAX}")]);
        // 39 bytes is still a word.
        assert_eq!(clean(&"e".repeat(39)).text, "e".repeat(39));
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
