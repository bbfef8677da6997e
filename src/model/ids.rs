//! Identifiers as types, so a clause number cannot be passed where a document id is meant.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A document id such as `FSM-SVTAD`: unique across a site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocId(pub String);

impl DocId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `s` has the shape of a document id: letters, digits and dashes, starting
    /// with a letter.
    pub fn is_valid(s: &str) -> bool {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A clause number as the SEC writes it: `4`, `4.2`, `4.2A`, `4.2A.1`.
///
/// Numbers compare segment by segment, numerically, with an inserted letter after its
/// base: `4.2 < 4.2A < 4.2B < 4.3 < 4.10`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ClauseNumber(String);

impl ClauseNumber {
    /// Parses a clause number at the start of `text`, returning it and the number of
    /// bytes it took (including a trailing `.` if present). `min_segments` is 2 for
    /// paragraph clauses, which must have a dot so that `2024 was ...` is not a clause.
    pub fn parse_prefix(text: &str, min_segments: usize) -> Option<(ClauseNumber, usize)> {
        let b = text.as_bytes();
        let mut i = 0;
        let mut segments = 0;
        loop {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start || i - start > 4 {
                return None;
            }
            let mut letters = 0;
            while i < b.len() && b[i].is_ascii_uppercase() && letters < 2 {
                i += 1;
                letters += 1;
            }
            segments += 1;
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                continue;
            }
            break;
        }
        if segments < min_segments {
            return None;
        }
        let number_end = i;
        if i < b.len() && b[i] == b'.' {
            i += 1;
        }
        // The number must be followed by white space (or end the text, for headings).
        match b.get(i) {
            None => {}
            Some(c) if c.is_ascii_whitespace() => {}
            _ => return None,
        }
        Some((ClauseNumber(text[..number_end].to_owned()), i))
    }

    /// Parses a whole string as a clause number.
    pub fn parse(text: &str) -> Option<ClauseNumber> {
        match Self::parse_prefix(text, 1) {
            Some((n, len)) if len == text.len() && n.0.len() == text.len() => Some(n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The HTML anchor: `clause-4.2A`.
    pub fn anchor(&self) -> String {
        format!("clause-{}", self.0)
    }

    fn key(&self) -> Vec<(u32, &str)> {
        self.0
            .split('.')
            .map(|seg| {
                let digits = seg.trim_end_matches(|c: char| c.is_ascii_uppercase());
                (digits.parse().unwrap_or(u32::MAX), &seg[digits.len()..])
            })
            .collect()
    }
}

impl Ord for ClauseNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for ClauseNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ClauseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> ClauseNumber {
        ClauseNumber::parse(s).unwrap()
    }

    #[test]
    fn parses_prefixes() {
        assert_eq!(
            ClauseNumber::parse_prefix("4.2 DCC shall", 2),
            Some((n("4.2"), 3))
        );
        assert_eq!(
            ClauseNumber::parse_prefix("4.2A. The TAG", 2),
            Some((n("4.2A"), 5))
        );
        assert_eq!(ClauseNumber::parse_prefix("4 Scope", 1), Some((n("4"), 1)));
        assert_eq!(ClauseNumber::parse_prefix("4. Scope", 1), Some((n("4"), 2)));
        assert_eq!(ClauseNumber::parse_prefix("2024 was", 2), None);
        assert_eq!(ClauseNumber::parse_prefix("4.2x", 2), None);
        assert_eq!(ClauseNumber::parse_prefix("v4.2 ", 2), None);
        assert_eq!(ClauseNumber::parse_prefix("4.2", 2), Some((n("4.2"), 3)));
    }

    #[test]
    fn orders_inserted_clauses_between_their_neighbours() {
        let mut v = [n("4.10"), n("4.2A"), n("4.3"), n("4.2"), n("4.2B"), n("4")];
        v.sort();
        let s: Vec<&str> = v.iter().map(|c| c.as_str()).collect();
        assert_eq!(s, ["4", "4.2", "4.2A", "4.2B", "4.3", "4.10"]);
    }
}
