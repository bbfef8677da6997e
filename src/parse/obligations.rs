//! Finding obligations in clause text: which sentences bind which party, and how.
//!
//! A sentence is an obligation when it has a modal verb ("shall", "shall not", "must",
//! "must not", "should", "may", "is required to" ...). Its party is the subject of
//! that verb, found with a few rules that fit how the SEC's testing documents are
//! written ("DCC shall ...", "The SEC Panel, supported by the TAG, shall ...", "If the TAG
//! declines, it shall ...", "... and shall then ..."): the last party named in the words
//! just before the verb, looking past an aside between commas, and following "it",
//! "which" and a bare "and" back to the party they stand for. When the words name no
//! party the obligation has none, and the register says so.
//!
//! Where the words fail, an author marks the sentence by hand with an HTML comment after
//! it, which nothing renders: `<!-- obligation: users must -->` (a party id from
//! `site.toml` and a modality) replaces what was found in that sentence, and
//! `<!-- obligation: none -->` says the sentence binds no one. A marker that names an
//! unknown party or modality is an error at the marker.
//!
//! This module is pure: text and parties in, obligations and diagnostics out.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use pulldown_cmark::{Event, Parser};

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::model::{
    markdown_options, Body, ClauseForm, Modality, Obligation, ObligationSource, Party,
};

/// Finds the parties of `site.toml` by any of their names in text.
#[derive(Debug)]
pub struct PartyMatcher {
    matcher: Option<AhoCorasick>,
    /// For each pattern, the index of its party.
    owners: Vec<usize>,
    ids: Vec<String>,
}

impl PartyMatcher {
    pub fn new(parties: &[Party]) -> PartyMatcher {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, p) in parties.iter().enumerate() {
            for name in std::iter::once(&p.name).chain(&p.aliases) {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                patterns.push(name.to_owned());
                owners.push(i);
                // "Testing Users" for the alias "Testing User": plurals are written
                // freely, and a match must end at a word boundary.
                if !name.ends_with('s') {
                    patterns.push(format!("{name}s"));
                    owners.push(i);
                }
            }
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty());
        PartyMatcher {
            matcher,
            owners,
            ids: parties.iter().map(|p| p.id.clone()).collect(),
        }
    }

    /// Every party named in `text`, as (byte range, party index), in order. A name must
    /// stand as a word: "DCC" in "DCC's" counts, "User" in "Username" does not.
    pub fn mentions(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let Some(m) = &self.matcher else {
            return Vec::new();
        };
        m.find_iter(text)
            .filter(|f| {
                let before = text[..f.start()].chars().next_back();
                let after = text[f.end()..].chars().next();
                !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
            })
            .map(|f| (f.range(), self.owners[f.pattern().as_usize()]))
            .collect()
    }

    pub fn id(&self, party: usize) -> &str {
        &self.ids[party]
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|i| i == id)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// An obligation found in a clause's text, before it is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The sentence, as a byte range of the clause text.
    pub sentence: Range<usize>,
    /// Index of the party in `site.toml`'s list.
    pub party: Option<usize>,
    pub modality: Modality,
}

/// Splits text into sentences: a sentence ends at `.`, `!` or `?` followed by white
/// space and a capital letter, a digit, a bracket or a quote, or at the end of the text.
/// "e.g. the" and "4.2" do not end one. Each range is trimmed; empty ones are dropped.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let ends = j == bytes.len()
                || (j > i + 1
                    && text[j..].chars().next().is_some_and(|c| {
                        c.is_uppercase() || c.is_ascii_digit() || "([\"'\u{201c}".contains(c)
                    }));
            if ends {
                push_trimmed(&mut out, text, start..i + 1);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(&mut out, text, start..text.len());
    out
}

fn push_trimmed(out: &mut Vec<Range<usize>>, text: &str, r: Range<usize>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// The words of `text` with their byte ranges (letters, digits, `'` and `-`).
fn words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || c == '\'' || c == '-' || c == '\u{2019}';
        match (in_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s..i, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// The modal verbs of a sentence, with their ranges, in order.
pub fn modals(sentence: &str) -> Vec<(Range<usize>, Modality)> {
    let w = words(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < w.len() {
        let (r, word) = &w[i];
        let next = |k: usize| w.get(i + k).map(|(_, s)| *s);
        let negated = next(1) == Some("not");
        let found = match *word {
            "shall" | "Shall" => Some(if negated {
                Modality::ShallNot
            } else {
                Modality::Shall
            }),
            "must" | "Must" => Some(if negated {
                Modality::MustNot
            } else {
                Modality::Must
            }),
            "should" | "Should" => Some(if negated {
                Modality::ShouldNot
            } else {
                Modality::Should
            }),
            // "May" mid-sentence is the month.
            "may" => Some(if negated {
                Modality::MayNot
            } else {
                Modality::May
            }),
            "May" if i == 0 => Some(if negated {
                Modality::MayNot
            } else {
                Modality::May
            }),
            "is" | "are" if next(1) == Some("required") && next(2) == Some("to") => {
                let end = w[i + 2].0.end;
                out.push((r.start..end, Modality::IsRequiredTo));
                i += 3;
                continue;
            }
            _ => None,
        };
        if let Some(m) = found {
            let end = if negated { w[i + 1].0.end } else { r.end };
            out.push((r.start..end, m));
            i += if negated { 2 } else { 1 };
        } else {
            i += 1;
        }
    }
    out
}

const BOUNDARIES: &[char] = &[',', ';', ':', '(', ')'];
const PRONOUNS: &[&str] = &["it", "they", "which", "who", "that"];

/// The obligations in a clause's plain `text`. `skip` bytes at the start (a heading
/// clause's title) are read for sentences but hold no obligation.
pub fn find(text: &str, skip: usize, parties: &PartyMatcher) -> Vec<Found> {
    let mut out = Vec::new();
    for s in sentences(text) {
        let sentence = &text[s.clone()];
        if is_definition(sentence) {
            continue;
        }
        let mentions = parties.mentions(sentence);
        let mut prev_end = 0;
        let mut prev_party: Option<Option<usize>> = None;
        let mut in_sentence: Vec<(Option<usize>, Modality)> = Vec::new();
        for (m, modality) in modals(sentence) {
            if s.start + m.start < skip {
                continue;
            }
            let Some(party) = subject(sentence, m.start, prev_end, prev_party, &mentions) else {
                // A relative clause about something that is not a party ("which may
                // include ...", "that may remain"): no one is bound.
                prev_end = m.end;
                continue;
            };
            prev_end = m.end;
            prev_party = Some(party);
            if !in_sentence.contains(&(party, modality)) {
                in_sentence.push((party, modality));
                out.push(Found {
                    sentence: s.clone(),
                    party,
                    modality,
                });
            }
        }
    }
    out
}

/// Whether a sentence defines a term ("Exit Threshold means the largest number ... that
/// may remain"): a modal verb in a definition describes the term and binds no one.
fn is_definition(sentence: &str) -> bool {
    words(sentence).iter().take(10).any(|(_, w)| *w == "means")
}

/// The party a modal verb at `at` binds: `Some(None)` when the sentence names none,
/// `None` when the verb belongs to a relative clause about something else.
fn subject(
    sentence: &str,
    at: usize,
    prev_end: usize,
    prev_party: Option<Option<usize>>,
    mentions: &[(Range<usize>, usize)],
) -> Option<Option<usize>> {
    let last_party_in = |r: Range<usize>| {
        mentions
            .iter()
            .rev()
            .find(|(m, _)| m.start >= r.start && m.end <= r.end)
            .map(|(_, p)| *p)
    };
    let before = &sentence[..at];
    let boundary = before.rfind(BOUNDARIES).map_or(0, |b| b + 1);
    let seg_start = boundary.max(prev_end);
    let seg = &sentence[seg_start..at];
    let seg_words = words(seg);
    let last_word = seg_words.last().map(|(_, w)| w.to_lowercase());

    // "... and shall then send", "... or shall": the verb shares the subject of the
    // verb before it ("then" and "also" may sit between).
    if let Some(prev) = prev_party {
        let tail: Vec<String> = seg_words
            .iter()
            .rev()
            .take(2)
            .map(|(_, w)| w.to_lowercase())
            .collect();
        let joined = match tail.as_slice() {
            [w, ..] if matches!(w.as_str(), "and" | "or" | "but") => true,
            [w, before] => {
                matches!(w.as_str(), "then" | "also") && matches!(before.as_str(), "and" | "or")
            }
            _ => false,
        };
        if joined {
            return Some(prev);
        }
    }
    // "If the TAG declines, it shall ...", "the SEC Panel, which shall decide".
    if let Some(w) = &last_word {
        let relative = matches!(w.as_str(), "which" | "who" | "that");
        if PRONOUNS.contains(&w.as_str()) && (relative || seg_words.len() <= 2) {
            let pronoun_start = seg_start + seg_words.last().map_or(0, |(r, _)| r.start);
            let head = sentence[..pronoun_start].trim_end();
            let head = head.trim_end_matches(',').trim_end();
            if w == "it" || w == "they" {
                return Some(last_party_in(0..head.len()));
            }
            // A relative pronoun binds only when it follows a party's name directly.
            return mentions
                .iter()
                .rev()
                .find(|(m, _)| m.end == head.len())
                .map(|(_, p)| Some(*p));
        }
    }
    // "The SEC Panel, supported by the TAG, shall ...": skip the aside.
    if seg.trim().is_empty() && boundary > 0 && sentence[..boundary].ends_with(',') {
        let aside_open = sentence[..boundary - 1].rfind(',');
        if let Some(open) = aside_open {
            let head_start = sentence[..open].rfind(BOUNDARIES).map_or(0, |b| b + 1);
            return Some(last_party_in(head_start..open));
        }
        return Some(last_party_in(0..boundary - 1));
    }
    Some(last_party_in(seg_start..at))
}

/// An author's marker: the sentence it follows and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mark {
    None,
    Obligation(usize, Modality),
}

/// The obligations of a document version: found in the words of each clause, with the
/// author's markers applied. Diagnostics are about markers that cannot be read.
pub fn extract(body: &Body, parties: &PartyMatcher) -> (Vec<Obligation>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let md = body.markdown();
    let marks = markers(body, parties, &mut diags);
    let mut out = Vec::new();
    for clause in &body.clauses {
        let text = body.clause_text(clause);
        let skip = match clause.form {
            ClauseForm::Heading(_) => clause.title.as_ref().map_or(0, |t| t.len()),
            ClauseForm::Paragraph => 0,
        };
        let mut found = find(text, skip, parties);
        let sents = sentences(text);
        for (at, mark) in marks.iter().filter(|(at, _)| clause.range.contains(at)) {
            let before = plain_prefix(&md[clause.range.start..*at]);
            let k = sentences(&before).len().saturating_sub(1);
            let Some(sentence) = sents.get(k).cloned() else {
                continue;
            };
            found.retain(|f| f.sentence != sentence);
            if let Mark::Obligation(party, modality) = mark {
                let pos = found.partition_point(|f| f.sentence.start < sentence.start);
                found.insert(
                    pos,
                    Found {
                        sentence: sentence.clone(),
                        party: Some(*party),
                        modality: *modality,
                    },
                );
            }
        }
        let marked: Vec<Range<usize>> = marks
            .iter()
            .filter(|(at, m)| clause.range.contains(at) && matches!(m, Mark::Obligation(..)))
            .filter_map(|(at, _)| {
                let before = plain_prefix(&md[clause.range.start..*at]);
                sents
                    .get(sentences(&before).len().saturating_sub(1))
                    .cloned()
            })
            .collect();
        out.extend(found.into_iter().enumerate().map(|(i, f)| Obligation {
            clause: clause.number.clone(),
            ordinal: i + 1,
            party: f.party.map(|p| parties.id(p).to_owned()),
            modality: f.modality,
            source: if marked.contains(&f.sentence) {
                ObligationSource::Marked
            } else {
                ObligationSource::Words
            },
            text: text[f.sentence].to_owned(),
        }));
    }
    (out, diags)
}

/// The plain text of a piece of Markdown, as the clause text is made: text and code,
/// with white space collapsed.
fn plain_prefix(md: &str) -> String {
    let mut s = String::new();
    for ev in Parser::new_ext(md, markdown_options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => s.push(' '),
            _ => {}
        }
    }
    s
}

/// Every `<!-- obligation: ... -->` marker of a body that can be read, by its byte
/// offset in the Markdown. Markers inside code are text, not markers.
fn markers(body: &Body, parties: &PartyMatcher, diags: &mut Vec<Diagnostic>) -> Vec<(usize, Mark)> {
    let md = body.markdown();
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        let (Event::Html(_) | Event::InlineHtml(_)) = ev else {
            continue;
        };
        let chunk = &md[range.clone()];
        let mut from = 0;
        while let Some(open) = chunk[from..].find("<!--") {
            let open = from + open;
            let Some(close) = chunk[open..].find("-->") else {
                break;
            };
            let close = open + close + 3;
            from = close;
            let inner = chunk[open + 4..close - 3].trim();
            let Some(rest) = inner.strip_prefix("obligation") else {
                continue;
            };
            let at = range.start + open;
            let abs = body.offset + at..body.offset + range.start + close;
            let error = |code: &'static str, msg: String| {
                Diagnostic::error_at(code, &body.source.path, &body.source.text, abs.clone(), msg)
            };
            let Some(rest) = rest.trim_start().strip_prefix(':') else {
                diags.push(
                    error(
                        "malformed-obligation-marker",
                        format!("`<!-- {inner} -->` is not an obligation marker"),
                    )
                    .with_help(MARKER_HELP),
                );
                continue;
            };
            let words: Vec<&str> = rest.split_whitespace().collect();
            match words.as_slice() {
                ["none"] => out.push((at, Mark::None)),
                [party, modality] => {
                    let p = parties.index_of(party);
                    let m = Modality::from_code(modality);
                    if p.is_none() {
                        let mut d = error(
                            "unknown-party",
                            format!("`{party}` is not a party in site.toml"),
                        );
                        let known: Vec<&str> = parties.ids.iter().map(String::as_str).collect();
                        d = d.with_help(
                            did_you_mean(&closest(party, known.iter().copied())).unwrap_or_else(
                                || format!("write one of the party ids: {}", known.join(", ")),
                            ),
                        );
                        diags.push(d);
                    }
                    if m.is_none() {
                        let codes: Vec<&str> = Modality::ALL.iter().map(|m| m.code()).collect();
                        diags.push(
                            error(
                                "unknown-modality",
                                format!("`{modality}` is not a modality"),
                            )
                            .with_help(
                                did_you_mean(&closest(modality, codes.iter().copied()))
                                    .unwrap_or_else(|| {
                                        format!("write one of: {}", codes.join(", "))
                                    }),
                            ),
                        );
                    }
                    if let (Some(p), Some(m)) = (p, m) {
                        out.push((at, Mark::Obligation(p, m)));
                    }
                }
                _ => diags.push(
                    error(
                        "malformed-obligation-marker",
                        format!("`<!-- {inner} -->` should name a party and a modality"),
                    )
                    .with_help(MARKER_HELP),
                ),
            }
        }
    }
    if !out.is_empty() || !diags.is_empty() {
        let first_clause = body.clauses.first().map_or(usize::MAX, |c| c.range.start);
        for (at, _) in out.iter().filter(|(at, _)| *at < first_clause) {
            diags.push(
                Diagnostic::error_at(
                    "obligation-outside-clause",
                    &body.source.path,
                    &body.source.text,
                    body.offset + at..body.offset + at + 4,
                    "this obligation marker is not inside a numbered clause",
                )
                .with_help("put the marker after the sentence it marks, in its clause")
                .warning(),
            );
        }
    }
    out
}

const MARKER_HELP: &str =
    "write `<!-- obligation: PARTY MODALITY -->` (for example `<!-- obligation: users must -->`) after the sentence, or `<!-- obligation: none -->`";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceFile;

    /// The parties of content/site.toml.
    fn fsm_parties() -> Vec<Party> {
        let p = |id: &str, name: &str, aliases: &[&str]| Party {
            id: id.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        vec![
            p(
                "dcc",
                "DCC",
                &["the DCC", "Data Communications Company", "Smart DCC"],
            ),
            p(
                "tag",
                "TAG",
                &[
                    "the TAG",
                    "Testing Advisory Group",
                    "the Testing Advisory Group",
                ],
            ),
            p(
                "tab",
                "TAB",
                &[
                    "the TAB",
                    "Testing Advisory Board",
                    "DCC's Testing Advisory Board",
                ],
            ),
            p(
                "sec-panel",
                "SEC Panel",
                &["the SEC Panel", "the Panel", "Panel"],
            ),
            p(
                "secretary-of-state",
                "Secretary of State",
                &["the Secretary of State", "SoS"],
            ),
            p(
                "users",
                "Users",
                &[
                    "DCC Users",
                    "User",
                    "DCC User",
                    "Testing Users",
                    "Testing User",
                ],
            ),
            p(
                "sec-parties",
                "SEC Parties",
                &["SEC Party", "Parties", "Party"],
            ),
        ]
    }

    /// (party id or "-", modality code) for each obligation found in `text`.
    fn found(text: &str) -> Vec<(String, &'static str)> {
        let m = PartyMatcher::new(&fsm_parties());
        find(text, 0, &m)
            .into_iter()
            .map(|f| {
                (
                    f.party.map_or("-".to_owned(), |p| m.id(p).to_owned()),
                    f.modality.code(),
                )
            })
            .collect()
    }

    fn pairs(v: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        v.iter().map(|(p, m)| (p.to_string(), *m)).collect()
    }

    #[test]
    fn the_subject_before_the_verb_is_the_party() {
        // FSM-SVTAD v1.2 2.9, 2.3, 4.3.
        assert_eq!(
            found("DCC shall not start PIT for an FSM Release until the test environment, test data and test scripts for that phase are ready and DCC's test manager has confirmed this in writing."),
            pairs(&[("dcc", "shall-not")])
        );
        assert_eq!(
            found("The TAB shall review and decide whether to approve PIT completion. DCC shall give the Test Completion Report for PIT to the TAG for information."),
            pairs(&[("tab", "shall"), ("dcc", "shall")])
        );
        // FSM-UTSAD 3.3 and 4.4: plural alias, and "and must not" shares the subject.
        assert_eq!(
            found(
                "Each Testing User must complete Mandatory User Testing within the Testing Window."
            ),
            pairs(&[("users", "must")])
        );
        assert_eq!(
            found("Testing Users must use only test data in the User test environment and must not enter real personal data."),
            pairs(&[("users", "must"), ("users", "must-not")])
        );
    }

    #[test]
    fn asides_pronouns_and_conjunctions() {
        // FSM-SVTAD 6.4: the aside names the TAG, but the SEC Panel decides.
        assert_eq!(
            found("The SEC Panel, supported by the TAG, shall decide whether the SIT exit criteria in the FSM TAD have been met."),
            pairs(&[("sec-panel", "shall")])
        );
        // FSM-SVTAD 4.6: "it" is the TAG.
        assert_eq!(
            found("If the TAG declines, it shall give its reasons, and DCC shall revise the document and submit it again."),
            pairs(&[("tag", "shall"), ("dcc", "shall")])
        );
        // FSM-TAD-R1 5.5: "which" follows the SEC Panel.
        assert_eq!(
            found("For PIT the TAB shall decide on the proposal; for SIT the TAG shall advise the SEC Panel, which shall decide."),
            pairs(&[("tab", "shall"), ("tag", "shall"), ("sec-panel", "shall")])
        );
        // FSM-SVTAD 5.7 and FSM-CTD-R1 5.1: a long verb phrase, then "and shall".
        assert_eq!(
            found("DCC shall keep each CTD up to date as testing proceeds and shall give the TAG the latest version whenever it asks."),
            pairs(&[("dcc", "shall")])
        );
        assert_eq!(
            found("DCC's test manager for Release 1 shall own the CTD and shall approve each change to the trace before it is published."),
            pairs(&[("dcc", "shall")])
        );
        // FSM-TAD-R1 2.2: a second subject that is not a party.
        assert_eq!(
            found("DCC shall test each change listed in FSM-TAD-R1 2.1 in at least one phase, and the CTD shall show where."),
            pairs(&[("dcc", "shall"), ("-", "shall")])
        );
        // FSM-SVTAD 3.3: "and shall then send" is DCC's.
        assert_eq!(
            found("Before doing so DCC must consult SEC Parties and the TAG, and shall then send the proposed change, with the responses, to the Secretary of State."),
            pairs(&[("dcc", "must"), ("dcc", "shall")])
        );
        // FSM-TAD-R1 7.1: an aside between the subject and the verb.
        assert_eq!(
            found("DCC's test assurance team, which is separate from the team delivering FSM, shall review the test plans."),
            pairs(&[("dcc", "shall")])
        );
    }

    #[test]
    fn no_party_and_no_obligation() {
        // FSM-SVTAD 4.2: a document "shall set out"; no party is named.
        assert_eq!(
            found("Each FSM TAD shall set out: (a) the changes to the SEC that the FSM Release puts under test;"),
            pairs(&[("-", "shall")])
        );
        // A relative clause about a thing binds no one (FSM-SVTAD 1.2, FSM-UTSAD 4.2).
        assert_eq!(
            found("Exit Threshold means the largest number of open Testing Issues of a given severity that may remain when a test phase ends."),
            pairs(&[])
        );
        assert_eq!(
            found("Each Testing User must run every scenario that applies to it, which may include: (a) registering for and logging in with MFA;"),
            pairs(&[("users", "must")])
        );
        // A definition, wherever the list puts it (FSM-CTD-R1 1.3).
        assert_eq!(
            found("In this document: Requirement means a single statement of what the FSM Arrangements must do or how well they must do it."),
            pairs(&[])
        );
        // "May" the month is not a modal; "is required to" is.
        assert_eq!(found("The window opens in May 2025."), pairs(&[]));
        assert_eq!(
            found("A User is required to send a Completion Notice."),
            pairs(&[("users", "is-required-to")])
        );
    }

    #[test]
    fn sentences_end_at_a_stop_before_a_capital() {
        let t = "DCC shall test it, e.g. in PIT. See FSM-SVTAD 4.2 for more. 6.1 applies.";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            [
                "DCC shall test it, e.g. in PIT.",
                "See FSM-SVTAD 4.2 for more.",
                "6.1 applies."
            ]
        );
    }

    fn body(md: &str) -> Body {
        let file = SourceFile::new("content/p/d/v1.0.md", md);
        let (body, diags) = crate::parse::markdown::scan(&file, 0);
        assert!(diags.is_empty(), "{diags:?}");
        body
    }

    #[test]
    fn markers_replace_what_the_words_say() {
        let b = body(concat!(
            "# 3 Phases\n\n",
            "3.1 DCC tested the service in 2025. Users carry out UIT before go-live. <!-- obligation: users must -->\n\n",
            "3.2 DCC shall publish the plan. The TAG may comment.\n<!-- obligation: none -->\n",
        ));
        let (obs, diags) = extract(&b, &PartyMatcher::new(&fsm_parties()));
        assert!(diags.is_empty(), "{diags:?}");
        type Row<'a> = (
            String,
            usize,
            Option<&'a str>,
            &'a str,
            ObligationSource,
            &'a str,
        );
        let got: Vec<Row> = obs
            .iter()
            .map(|o| {
                (
                    o.clause.to_string(),
                    o.ordinal,
                    o.party.as_deref(),
                    o.modality.code(),
                    o.source,
                    o.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "3.1".to_owned(),
                    1,
                    Some("users"),
                    "must",
                    ObligationSource::Marked,
                    "Users carry out UIT before go-live."
                ),
                (
                    "3.2".to_owned(),
                    1,
                    Some("dcc"),
                    "shall",
                    ObligationSource::Words,
                    "DCC shall publish the plan."
                ),
            ]
        );
        assert_eq!(
            obs[0].anchor(&crate::model::DocId("FSM-TAD-R1".into())),
            "fsm-tad-r1-3.1-1"
        );
    }

    #[test]
    fn bad_markers_are_errors_at_the_marker() {
        let md = "# 1 A\n\n1.1 DCC shall act.\n\n1.2 Users act. <!-- obligation: user must -->\n\n1.3 X. <!-- obligation: dcc oughta -->\n\n1.4 Y. <!-- obligation -->\n\n`<!-- obligation: nobody -->`\n";
        let (_, diags) = extract(&body(md), &PartyMatcher::new(&fsm_parties()));
        let got: Vec<String> = diags.iter().map(Diagnostic::short).collect();
        assert_eq!(
            got,
            [
                "error[unknown-party]: content/p/d/v1.0.md:5:16: `user` is not a party in site.toml (help: did you mean `users`?)",
                "error[unknown-modality]: content/p/d/v1.0.md:7:8: `oughta` is not a modality (help: write one of: shall, shall-not, must, must-not, is-required-to, should, should-not, may, may-not)",
                "error[malformed-obligation-marker]: content/p/d/v1.0.md:9:8: `<!-- obligation -->` is not an obligation marker (help: write `<!-- obligation: PARTY MODALITY -->` (for example `<!-- obligation: users must -->`) after the sentence, or `<!-- obligation: none -->`)",
            ]
        );
    }
}
