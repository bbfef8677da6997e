//! Reading the structure out of a version's Markdown: its numbered clauses, headings,
//! defined terms and cross-references, each with its position.
//!
//! This is one pass of pulldown-cmark's event stream. HTML is not produced here: that is
//! `render`'s job, in a second pass over the same text with the same options.

use std::collections::HashMap;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::diagnostics::Diagnostic;
use crate::model::{
    markdown_options, slug, Body, Clause, ClauseForm, ClauseNumber, DocId, Heading, RefTarget,
    SourceFile, TermDef, XRef,
};

/// Ids the theme uses on every page; headings that slug to one of these get a suffix.
pub const RESERVED_ANCHORS: &[&str] = &[
    "main-content",
    "contents",
    "versions",
    "documents-below",
    "footnotes",
    "top",
];

/// Scans the Markdown of `file` from byte `offset` and returns its structure, with the
/// problems found in it.
pub fn scan(file: &SourceFile, offset: usize) -> (Body, Vec<Diagnostic>) {
    let md = &file.text[offset..];
    let mut s = Scanner {
        file,
        offset,
        md,
        clauses: Vec::new(),
        headings: Vec::new(),
        terms: Vec::new(),
        refs: Vec::new(),
        diags: Vec::new(),
        seen_clauses: HashMap::new(),
        // The theme's own ids: a heading must not take one of them.
        seen_anchors: RESERVED_ANCHORS
            .iter()
            .map(|a| (a.to_string(), 1))
            .collect(),
        skip_number: 0,
        plain: String::with_capacity(md.len()),
    };
    s.run();
    let body = Body {
        source: file.clone(),
        offset,
        clauses: s.clauses,
        headings: s.headings,
        terms: s.terms,
        refs: s.refs,
        plain: s.plain,
    };
    (body, s.diags)
}

struct Scanner<'a> {
    file: &'a SourceFile,
    offset: usize,
    md: &'a str,
    clauses: Vec<Clause>,
    headings: Vec<Heading>,
    terms: Vec<TermDef>,
    refs: Vec<XRef>,
    diags: Vec<Diagnostic>,
    seen_clauses: HashMap<ClauseNumber, usize>,
    seen_anchors: HashMap<String, usize>,
    /// Bytes of the next text that are a paragraph clause's number.
    skip_number: usize,
    /// The plain text of every clause, one after another.
    plain: String,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let parser = Parser::new_ext(self.md, markdown_options()).into_offset_iter();
        let mut depth = 0usize;
        // The heading being read: level, start offset, text so far.
        let mut heading: Option<(u8, usize, String)> = None;
        // Whether the previous event opened a block where a definition may start.
        let mut at_block_start = false;
        // The strong element being read, when it may be a definition.
        let mut strong: Option<(usize, usize, String)> = None;
        // Inside `[[...]]` without `|`, whose text is written for it.
        let mut in_bare_reference = false;

        for (event, range) in parser {
            let opens_definition_slot = matches!(
                event,
                Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell)
            );
            match event {
                Event::Start(tag) => {
                    if depth == 0 {
                        self.top_level_block(&tag, range.clone());
                    }
                    depth += 1;
                    match tag {
                        Tag::Heading { level, .. } => {
                            heading = Some((level as u8, range.start, String::new()))
                        }
                        Tag::Strong if at_block_start => {
                            strong = Some((range.start, range.end, String::new()))
                        }
                        Tag::Link {
                            link_type: LinkType::WikiLink { has_pothole },
                            dest_url,
                            ..
                        } => {
                            // In a table cell the `|` of link text is written `\|`, and
                            // pulldown-cmark leaves the backslash on the target.
                            let target = dest_url.strip_suffix('\\').unwrap_or(&dest_url);
                            self.reference(target, range.clone());
                            if !has_pothole {
                                // `[[term:X]]` reads as "X": put the words a reader sees.
                                let shown = dest_url
                                    .strip_prefix("term:")
                                    .or_else(|| dest_url.strip_prefix("def:"))
                                    .unwrap_or(&dest_url)
                                    .trim();
                                self.push_text(shown);
                                in_bare_reference = true;
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(tag) => {
                    depth = depth.saturating_sub(1);
                    match tag {
                        TagEnd::Heading(_) => {
                            if let Some((level, start, text)) = heading.take() {
                                self.heading(level, start, &text);
                            }
                        }
                        TagEnd::Strong => {
                            if let Some((start, end, text)) = strong.take() {
                                self.maybe_definition(start, end, &text);
                            }
                        }
                        TagEnd::Link => in_bare_reference = false,
                        TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell => self.push_text(" "),
                        _ => {}
                    }
                }
                Event::Text(_) if in_bare_reference => {}
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, s)) = strong.as_mut() {
                        s.push_str(&t);
                    }
                    // A heading's text is placed when the heading ends, once it is known
                    // whether the heading starts a clause.
                    match heading.as_mut() {
                        Some((_, _, h)) => h.push_str(&t),
                        None => self.push_text(&t),
                    }
                }
                Event::SoftBreak | Event::HardBreak => self.push_text(" "),
                _ => {}
            }
            at_block_start = opens_definition_slot;
        }
        self.end_clause_text();
        if let Some(last) = self.clauses.last_mut() {
            last.range.end = self.md.len();
        }
    }

    /// A block at the top level: a numbered paragraph starts a clause.
    fn top_level_block(&mut self, tag: &Tag, range: std::ops::Range<usize>) {
        if let Tag::Paragraph = tag {
            if let Some((number, len)) = ClauseNumber::parse_prefix(&self.md[range.start..], 2) {
                self.start_clause(number, ClauseForm::Paragraph, None, range.start);
                // The number itself is not part of the clause's text.
                self.skip_number = len;
            }
        }
    }

    fn heading(&mut self, level: u8, start: usize, text: &str) {
        let text = text.trim();
        let numbered = ClauseNumber::parse_prefix(text, 1);
        let (number, title) = match numbered {
            Some((n, len)) => (Some(n), text[len..].trim().to_owned()),
            None => (None, text.to_owned()),
        };
        let anchor = match &number {
            Some(n) => {
                self.start_clause(
                    n.clone(),
                    ClauseForm::Heading(level),
                    Some(title.clone()),
                    start,
                );
                n.anchor()
            }
            None => {
                // An unnumbered heading's text belongs to the clause it sits in.
                self.push_text(&title);
                self.push_text(" ");
                self.unique_anchor(&title)
            }
        };
        self.headings.push(Heading {
            level,
            number,
            title,
            anchor,
            offset: start,
        });
    }

    fn unique_anchor(&mut self, title: &str) -> String {
        let base = match slug(title) {
            s if s.is_empty() => "section".to_owned(),
            s => s,
        };
        let n = self.seen_anchors.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{n}")
        }
    }

    fn start_clause(
        &mut self,
        number: ClauseNumber,
        form: ClauseForm,
        title: Option<String>,
        start: usize,
    ) {
        let abs = (self.offset + start)..(self.offset + start + number.as_str().len());
        if let Some(&first) = self.seen_clauses.get(&number) {
            let (line, _) = crate::diagnostics::line_col(&self.file.text, self.offset + first);
            self.diags.push(
                Diagnostic::error_at(
                    "duplicate-clause",
                    &self.file.path,
                    &self.file.text,
                    abs,
                    format!("clause {number} is numbered twice in this version"),
                )
                .with_help(format!(
                    "clause {number} is already at line {line}; renumber one of them (an inserted clause takes a letter, such as {number}A)"
                )),
            );
        } else {
            self.seen_clauses.insert(number.clone(), start);
        }
        if let Some(prev) = self.clauses.last_mut() {
            prev.range.end = start;
        }
        self.end_clause_text();
        let text_start = self.plain.len();
        if let Some(t) = &title {
            push_collapsed(&mut self.plain, text_start, t);
            self.plain.push(' ');
        }
        self.clauses.push(Clause {
            number,
            form,
            title,
            range: start..start,
            text: text_start..text_start,
        });
    }

    fn push_text(&mut self, t: &str) {
        let skip = std::mem::take(&mut self.skip_number);
        if let Some(c) = self.clauses.last() {
            let from = c.text.start;
            push_collapsed(
                &mut self.plain,
                from,
                t.get(skip.min(t.len())..).unwrap_or(""),
            );
        }
    }

    /// Closes the plain text of the clause being read, without trailing space.
    fn end_clause_text(&mut self) {
        if let Some(c) = self.clauses.last_mut() {
            while self.plain.len() > c.text.start && self.plain.ends_with(' ') {
                self.plain.pop();
            }
            c.text.end = self.plain.len();
        }
    }

    fn maybe_definition(&mut self, start: usize, end: usize, text: &str) {
        let after = self.md[end..].trim_start();
        if after.starts_with("means") || after.starts_with("has the meaning") {
            let term = text
                .trim()
                .trim_matches(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\''))
                .trim();
            if !term.is_empty() {
                self.define(term.to_owned(), start, end - start);
            }
        }
    }

    fn define(&mut self, term: String, start: usize, len: usize) {
        if let Some(first) = self.terms.iter().find(|t| t.term == term) {
            let (line, _) =
                crate::diagnostics::line_col(&self.file.text, self.offset + first.offset);
            self.diags.push(
                Diagnostic::error_at(
                    "duplicate-term",
                    &self.file.path,
                    &self.file.text,
                    (self.offset + start)..(self.offset + start + len),
                    format!("the term `{term}` is defined twice in this version"),
                )
                .with_help(format!(
                    "it is first defined at line {line}; keep one definition"
                ))
                .warning(),
            );
            return;
        }
        self.terms.push(TermDef {
            term,
            offset: start,
            len,
        });
    }

    fn reference(&mut self, dest: &str, range: std::ops::Range<usize>) {
        let raw = dest.trim().to_owned();
        let target = match parse_target(&raw) {
            Ok(t) => t,
            Err(why) => {
                self.diags.push(
                    Diagnostic::error_at(
                        "malformed-reference",
                        &self.file.path,
                        &self.file.text,
                        (self.offset + range.start)..(self.offset + range.end),
                        format!("`[[{raw}]]` is not a reference attest understands: {why}"),
                    )
                    .with_help("write [[DOC-ID]], [[DOC-ID 4.2]], [[term:Defined Term]] or [[def:Defined Term]]"),
                );
                return;
            }
        };
        if let RefTarget::Definition(term) = &target {
            self.define(term.clone(), range.start, range.end - range.start);
        }
        self.refs.push(XRef {
            target,
            raw,
            range: (self.offset + range.start)..(self.offset + range.end),
        });
    }
}

/// Appends `text` to `out` with every run of white space made one space, and none before
/// byte `from` (where the current clause's text starts): clause text is for reading and
/// comparing, not for layout.
fn push_collapsed(out: &mut String, from: usize, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if out.len() > from && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Parses the text of a `[[...]]` reference.
pub fn parse_target(raw: &str) -> Result<RefTarget, String> {
    if let Some(term) = raw.strip_prefix("term:") {
        return non_empty(term).map(RefTarget::Term);
    }
    if let Some(term) = raw.strip_prefix("def:") {
        return non_empty(term).map(RefTarget::Definition);
    }
    let mut parts = raw.split_whitespace();
    let doc = parts.next().unwrap_or("");
    if !DocId::is_valid(doc) {
        return Err(format!("`{doc}` is not a document id"));
    }
    let doc = DocId(doc.to_owned());
    match (parts.next(), parts.next()) {
        (None, _) => Ok(RefTarget::Document(doc)),
        (Some(n), None) => ClauseNumber::parse(n)
            .map(|n| RefTarget::Clause(doc, n))
            .ok_or_else(|| format!("`{n}` is not a clause number such as 4.2 or 4.2A")),
        (Some(_), Some(_)) => Err("a reference names one document and at most one clause".into()),
    }
}

fn non_empty(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        Err("the term is empty".into())
    } else {
        Ok(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_str(md: &str) -> (Body, Vec<Diagnostic>) {
        let f = SourceFile::new("t.md", md);
        scan(&f, 0)
    }

    #[test]
    fn finds_clauses_headings_terms_and_refs() {
        let md = "# 1 Definitions\n\n1.1 In this document:\n\n- **Testing Issue** means a fault.\n- **PIT** has the meaning in [[FSM-SVTAD 2.1]].\n\n## Notes\n\n1.2A See [[term:Testing Issue]] and [[FSM-TAD|the TAD]].\n\n# 2 Testing\n";
        let (b, d) = scan_str(md);
        assert!(d.is_empty(), "{d:?}");
        let nums: Vec<&str> = b.clauses.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(nums, ["1", "1.1", "1.2A", "2"]);
        // A numbered heading's text is its own clause's, not the clause before it.
        assert_eq!(
            b.clause_text(&b.clauses[2]),
            "See Testing Issue and the TAD."
        );
        assert_eq!(b.clause_text(&b.clauses[3]), "Testing");
        // A clause runs to the next clause, so the unnumbered heading "Notes" is part of 1.1.
        assert_eq!(b.clause_text(&b.clauses[0]), "Definitions");
        assert_eq!(b.clause_text(&b.clauses[1]), "In this document: Testing Issue means a fault. PIT has the meaning in FSM-SVTAD 2.1. Notes");
        assert_eq!(b.clauses[0].title.as_deref(), Some("Definitions"));
        let terms: Vec<&str> = b.terms.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["Testing Issue", "PIT"]);
        let anchors: Vec<&str> = b.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["clause-1", "notes", "clause-2"]);
        assert_eq!(b.refs.len(), 3);
        assert_eq!(
            b.refs[0].target,
            RefTarget::Clause(
                DocId("FSM-SVTAD".into()),
                ClauseNumber::parse("2.1").unwrap()
            )
        );
        assert_eq!(
            b.refs[2].target,
            RefTarget::Document(DocId("FSM-TAD".into()))
        );
        assert_eq!(&md[b.refs[2].range.clone()], "[[FSM-TAD|the TAD]]");
    }

    #[test]
    fn reports_duplicate_clauses_at_the_second() {
        let (_, d) = scan_str("4.1 One.\n\n4.1 Two.\n");
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].short(),
            "error[duplicate-clause]: t.md:3:1: clause 4.1 is numbered twice in this version (help: clause 4.1 is already at line 1; renumber one of them (an inserted clause takes a letter, such as 4.1A))"
        );
    }

    #[test]
    fn rejects_malformed_references() {
        assert!(parse_target("FSM-SVTAD 4.x").is_err());
        assert!(parse_target("4.2").is_err());
        assert!(parse_target("term: ").is_err());
        assert_eq!(parse_target("term:PIT"), Ok(RefTarget::Term("PIT".into())));
    }
}
