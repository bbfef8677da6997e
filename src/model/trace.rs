//! The traceability tables of a CTD or TCD: requirements, the test scenarios and cases
//! that cover them, the reviewed coverage of each requirement, and dated result
//! snapshots. These are the rows as written, typed; which rows point at what (and
//! whether they may) is `link`'s to work out.
//!
//! Every row keeps the [`Span`]s of the fields that a later check may need to point
//! at, so that an unknown requirement in a case's `covers` is reported at its own
//! row and column.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use super::{ClauseNumber, Date, DocId, SourceFile};

/// A requirement's id, such as `REQ-SSI-001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ReqId(pub String);

/// A test scenario's or test case's id, such as `TS-SIT-014` or `TC-SIT-014-02`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TestId(pub String);

impl ReqId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TestId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ReqId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for TestId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReqId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for TestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a field was written: a file of [`TraceTables::files`] and a byte range in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// How fully the tests linked to a requirement prove it, as reviewed by a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    Full,
    Partial,
    None,
    NotTestable,
    Deferred,
}

impl Coverage {
    pub const ALL: [Coverage; 5] = [
        Coverage::Full,
        Coverage::Partial,
        Coverage::None,
        Coverage::NotTestable,
        Coverage::Deferred,
    ];

    /// The value as written in the sources.
    pub fn code(self) -> &'static str {
        match self {
            Coverage::Full => "full",
            Coverage::Partial => "partial",
            Coverage::None => "none",
            Coverage::NotTestable => "not-testable",
            Coverage::Deferred => "deferred",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Coverage::Full => "Full",
            Coverage::Partial => "Partial",
            Coverage::None => "None",
            Coverage::NotTestable => "Not testable",
            Coverage::Deferred => "Deferred",
        }
    }

    pub fn parse(s: &str) -> Option<Coverage> {
        Coverage::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// The outcome of one run of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    Blocked,
    NotRun,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Passed,
        Outcome::Failed,
        Outcome::Blocked,
        Outcome::NotRun,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Blocked => "blocked",
            Outcome::NotRun => "not-run",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "Passed",
            Outcome::Failed => "Failed",
            Outcome::Blocked => "Blocked",
            Outcome::NotRun => "Not run",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Whether a test is a scenario (what is tested) or a case (the steps that test it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestLevel {
    Scenario,
    Case,
}

impl TestLevel {
    pub fn label(self) -> &'static str {
        match self {
            TestLevel::Scenario => "Test scenario",
            TestLevel::Case => "Test case",
        }
    }
}

/// A requirement: one statement of what the release must do, with the clause it comes
/// from.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub id: Spanned<ReqId>,
    pub title: String,
    /// The clause it comes from (`FSM-TCD-R1 2.1`), in the version in force.
    pub source: Spanned<(DocId, ClauseNumber)>,
    pub component: Spanned<String>,
    pub release: Spanned<String>,
    pub description: Option<String>,
}

/// A test scenario or test case.
#[derive(Debug, Clone)]
pub struct Test {
    pub id: Spanned<TestId>,
    pub level: TestLevel,
    pub title: String,
    pub phase: Spanned<String>,
    /// For a case, the scenario it belongs to.
    pub scenario: Option<Spanned<TestId>>,
    /// The requirements it covers; a case that names none covers its scenario's.
    pub covers: Vec<Spanned<ReqId>>,
    pub description: Option<String>,
}

/// The reviewed coverage of one requirement.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    pub requirement: Spanned<ReqId>,
    pub coverage: Coverage,
    /// When a person last checked the trace of this requirement.
    pub reviewed: Spanned<Date>,
    pub rationale: String,
    pub risk: Option<String>,
    pub mitigation: Option<String>,
}

/// One test's result in a snapshot.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub test: Spanned<TestId>,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// The results reported on one date (`results/2025-06-30.csv`).
#[derive(Debug, Clone)]
pub struct ResultSnapshot {
    pub date: Date,
    /// The file it came from, in [`TraceTables::files`].
    pub file: u32,
    pub results: Vec<TestResult>,
}

/// The trace tables of one document folder (`trace/`).
#[derive(Debug, Clone, Default)]
pub struct TraceTables {
    /// The files the tables came from; a [`Span`]'s `file` indexes this.
    pub files: Vec<SourceFile>,
    pub requirements: Vec<Requirement>,
    pub tests: Vec<Test>,
    pub coverage: Vec<CoverageRow>,
    /// Sorted by date.
    pub snapshots: Vec<ResultSnapshot>,
    /// Some row or file could not be read: ids it would have defined are unknown, so
    /// references to missing ids are not reported again.
    pub incomplete: bool,
}

impl TraceTables {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn file(&self, span: Span) -> &SourceFile {
        &self.files[span.file as usize]
    }
}
