//! The domain model: what a programme's testing documentation *is*, independent of files
//! and of HTML.
//!
//! `parse` builds these values from the loaded sources; `link` resolves the references
//! between them; `render` turns them into pages. Nothing here reads files or knows about
//! templates.

mod config;
mod ids;
mod obligation;
mod status;
mod trace;
mod version;

pub use config::{
    ChangeMechanism, ComponentConfig, Date, DocKind, DocumentConfig, PageMeta, Party, PhaseConfig,
    ProgrammeConfig, ReleaseConfig, SiteConfig, VersionMeta, VersionStatus,
};
pub use ids::{ClauseNumber, DocId};
pub use obligation::{Modality, Obligation, ObligationSource};
pub use status::{
    Approval, Criterion, CriterionKind, CriterionStatus, Decision, Execution, IssueCounts,
    PhaseState, PhaseStatus, ScaleSource, Severity, SeverityScale, StatusReport, StatusSnapshot,
    Threshold,
};
pub use trace::{
    Coverage, CoverageRow, Outcome, ReqId, Requirement, ResultSnapshot, Span, Spanned, Test,
    TestId, TestLevel, TestResult, TraceTables,
};
pub use version::Version;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

/// A loaded source file: its path relative to the project root and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the project root, with `/` separators (as shown in diagnostics).
    pub path: String,
    /// An `Arc<String>` rather than `Arc<str>`: the text read from disk moves in without
    /// being copied.
    pub text: Arc<String>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: Arc::new(text.into()),
        }
    }
}

/// The whole site after parsing.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub programmes: Vec<Programme>,
    pub pages: Vec<Page>,
    /// Documents whose sources are broken (a `document.toml` or a version that did not
    /// parse): their errors are already reported, so references to them are not
    /// checked again, which would only add errors that are not the author's to fix.
    pub unreliable: HashSet<DocId>,
}

/// A free-standing page such as the accessibility statement.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL segment (`accessibility`).
    pub slug: String,
    pub meta: PageMeta,
    pub body: Body,
}

/// A programme, such as FSM, and its documents.
#[derive(Debug, Clone)]
pub struct Programme {
    /// The folder name, used as the URL segment.
    pub slug: String,
    pub config: ProgrammeConfig,
    pub documents: Vec<Document>,
    /// Its phase status snapshots, earliest first.
    pub status: Vec<StatusReport>,
}

/// One testing document (an SVTAD, a TAD, ...) with all its versions.
#[derive(Debug, Clone)]
pub struct Document {
    pub slug: String,
    /// `document.toml`, for diagnostics.
    pub source: SourceFile,
    pub config: DocumentConfig,
    /// Sorted by version number, lowest first.
    pub versions: Vec<DocVersion>,
    /// Some version file of this document could not be parsed.
    pub incomplete: bool,
    /// Its traceability tables (`trace/`), for a CTD or TCD; empty otherwise.
    pub trace: TraceTables,
    /// Its severity scale and Exit Thresholds (`severity.toml`), for a TAD.
    pub severity: Option<ScaleSource>,
}

/// One version of a document: its facts and its parsed text.
#[derive(Debug, Clone)]
pub struct DocVersion {
    pub meta: VersionMeta,
    pub body: Body,
    /// The obligations its clauses state, in clause order (see `parse::obligations`).
    pub obligations: Vec<Obligation>,
}

/// Parsed Markdown text with what `link` and `render` need to know about it.
#[derive(Debug, Clone)]
pub struct Body {
    pub source: SourceFile,
    /// Byte offset of the Markdown after the front matter.
    pub offset: usize,
    pub clauses: Vec<Clause>,
    pub headings: Vec<Heading>,
    pub terms: Vec<TermDef>,
    pub refs: Vec<XRef>,
    /// The plain text of all clauses, one after another; each clause knows its part.
    pub plain: String,
}

impl Body {
    /// The Markdown text after the front matter.
    pub fn markdown(&self) -> &str {
        &self.source.text[self.offset..]
    }

    /// A clause's plain text up to the next clause, for search and comparison.
    pub fn clause_text(&self, clause: &Clause) -> &str {
        self.plain.get(clause.text.clone()).unwrap_or("")
    }
}

/// How a clause is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseForm {
    /// A numbered heading (`## 4.2 Approval`), with its Markdown level.
    Heading(u8),
    /// A numbered paragraph (`4.2 DCC shall ...`).
    Paragraph,
}

/// A numbered clause of a document version.
#[derive(Debug, Clone)]
pub struct Clause {
    pub number: ClauseNumber,
    pub form: ClauseForm,
    /// The heading text after the number, for heading clauses.
    pub title: Option<String>,
    /// Byte range of the clause's first block in the Markdown (after the front matter).
    pub range: Range<usize>,
    /// Where the clause's plain text lies in its body's `plain` (see
    /// [`Body::clause_text`]).
    pub text: Range<usize>,
}

impl Clause {
    /// The HTML anchor of the clause, stable across versions.
    pub fn anchor(&self) -> String {
        self.number.anchor()
    }
}

/// A heading of a document version (numbered or not), for the contents list.
#[derive(Debug, Clone)]
pub struct Heading {
    /// Markdown level, 1 for `#`.
    pub level: u8,
    pub number: Option<ClauseNumber>,
    pub title: String,
    pub anchor: String,
    /// Byte offset of the heading in the Markdown.
    pub offset: usize,
}

/// A defined term.
#[derive(Debug, Clone)]
pub struct TermDef {
    pub term: String,
    /// Byte offset in the Markdown of the markup that defines it.
    pub offset: usize,
    /// Length in bytes of that markup.
    pub len: usize,
}

impl TermDef {
    pub fn anchor(&self) -> String {
        term_anchor(&self.term)
    }
}

/// The anchor of a defined term: `term-testing-issue`.
pub fn term_anchor(term: &str) -> String {
    format!("term-{}", slug(term))
}

/// What a cross-reference points at, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefTarget {
    Document(DocId),
    Clause(DocId, ClauseNumber),
    Term(String),
    /// An inline definition `[[def:Term]]`; not a reference, but written the same way.
    Definition(String),
}

/// A cross-reference `[[...]]` in a document's text.
#[derive(Debug, Clone)]
pub struct XRef {
    pub target: RefTarget,
    /// The raw text between the brackets (before any `|`).
    pub raw: String,
    /// Byte range of the whole `[[...]]` in the Markdown.
    pub range: Range<usize>,
}

/// A URL-safe, lower-case slug of a text: `Testing Issue` becomes `testing-issue`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The Markdown dialect of attest's sources. `parse` and `render` must read the text with
/// the same options, or their views of it would differ.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Testing Issue"), "testing-issue");
        assert_eq!(slug("  PIT / SIT: exit "), "pit-sit-exit");
        assert_eq!(
            term_anchor("4G Communications Hub"),
            "term-4g-communications-hub"
        );
    }
}
