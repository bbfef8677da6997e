//! Phase status: where each test phase stands on a reporting date, and the severity
//! scale and Exit Thresholds its Testing Issues are judged by.
//!
//! A programme reports in dated snapshots (`content/<programme>/status/2025-06-20.toml`),
//! each giving every phase's state, dates, test execution, Testing Issues by severity,
//! entry and exit criteria, and the approvals made. A TAD declares its severity scale
//! and thresholds (`severity.toml` beside its versions): nothing about severities is
//! built in, because each programme sets its own. These are the values as written;
//! `link` checks them against each other and against the documents.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Date, SourceFile};

/// A snapshot with the date it reports on (its file name) and its file.
#[derive(Debug, Clone)]
pub struct StatusReport {
    pub date: Date,
    pub source: SourceFile,
    pub snapshot: StatusSnapshot,
}

/// A TAD's severity scale with its file, for diagnostics.
#[derive(Debug, Clone)]
pub struct ScaleSource {
    pub source: SourceFile,
    pub scale: SeverityScale,
}

/// A TAD's `severity.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityScale {
    /// The clause of the TAD that sets the scale (`5.3`), to link to.
    #[serde(default)]
    pub clause: Option<String>,
    /// Most severe first.
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub threshold: Vec<Threshold>,
}

/// One level of a severity scale.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Severity {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// The Exit Thresholds of one phase: the most open Testing Issues of each severity the
/// phase may end with. A severity left out has no limit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub phase: Spanned<String>,
    pub limits: BTreeMap<Spanned<String>, u32>,
}

/// One reporting date's snapshot: `status/2025-06-20.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSnapshot {
    /// What the period brought, in a sentence or two.
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub phase: Vec<PhaseStatus>,
    #[serde(default)]
    pub approval: Vec<Approval>,
}

/// Where a phase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseState {
    NotStarted,
    InProgress,
    Suspended,
    Complete,
}

impl PhaseState {
    /// The value as written in the sources.
    pub fn code(self) -> &'static str {
        match self {
            PhaseState::NotStarted => "not-started",
            PhaseState::InProgress => "in-progress",
            PhaseState::Suspended => "suspended",
            PhaseState::Complete => "complete",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PhaseState::NotStarted => "Not started",
            PhaseState::InProgress => "In progress",
            PhaseState::Suspended => "Suspended",
            PhaseState::Complete => "Complete",
        }
    }

    /// The GOV.UK tag colour of the state.
    pub fn tag(self) -> &'static str {
        match self {
            PhaseState::NotStarted => "grey",
            PhaseState::InProgress => "blue",
            PhaseState::Suspended => "orange",
            PhaseState::Complete => "green",
        }
    }
}

/// One phase in a snapshot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseStatus {
    pub id: Spanned<String>,
    pub state: Spanned<PhaseState>,
    #[serde(default)]
    pub planned_start: Option<Spanned<Date>>,
    #[serde(default)]
    pub planned_end: Option<Spanned<Date>>,
    #[serde(default)]
    pub actual_start: Option<Spanned<Date>>,
    #[serde(default)]
    pub actual_end: Option<Spanned<Date>>,
    /// The TAD that governs the phase, with its version: `FSM-TAD-R1 1.1`.
    #[serde(default)]
    pub tad: Option<Spanned<String>>,
    /// For a phase of Mandatory User Testing, the window in which it must happen.
    #[serde(default)]
    pub window_start: Option<Spanned<Date>>,
    #[serde(default)]
    pub window_end: Option<Spanned<Date>>,
    /// Where the Test Completion Report is, once there is one (a URL or a site path).
    #[serde(default)]
    pub completion_report: Option<Spanned<String>>,
    #[serde(default)]
    pub tests: Option<Spanned<Execution>>,
    #[serde(default)]
    pub issues: Option<IssueCounts>,
    #[serde(default)]
    pub criterion: Vec<Criterion>,
    /// Anything the reader should know that the figures do not say.
    #[serde(default)]
    pub note: Option<String>,
}

/// Test execution in a phase.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    pub planned: u32,
    pub executed: u32,
    pub passed: u32,
    pub failed: u32,
    pub blocked: u32,
}

/// Testing Issues by severity id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueCounts {
    #[serde(default)]
    pub open: BTreeMap<Spanned<String>, u32>,
    #[serde(default)]
    pub closed: BTreeMap<Spanned<String>, u32>,
}

/// Whether an entry or exit criterion is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionStatus {
    Met,
    NotMet,
    Waived,
}

impl CriterionStatus {
    pub fn label(self) -> &'static str {
        match self {
            CriterionStatus::Met => "Met",
            CriterionStatus::NotMet => "Not met",
            CriterionStatus::Waived => "Waived",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            CriterionStatus::Met => "green",
            CriterionStatus::NotMet => "red",
            CriterionStatus::Waived => "yellow",
        }
    }
}

/// Entry or exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    Entry,
    Exit,
}

/// An entry or exit criterion of a phase, with the clause that sets it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub kind: CriterionKind,
    pub text: String,
    /// The clause that sets it: `FSM-TAD-R1 6.1`.
    #[serde(default)]
    pub clause: Option<Spanned<String>>,
    pub status: Spanned<CriterionStatus>,
    /// What shows it is met, or why it was waived.
    #[serde(default)]
    pub evidence: Option<String>,
    /// Where the evidence is (a URL or a site path).
    #[serde(default)]
    pub evidence_url: Option<Spanned<String>>,
}

/// What a governing body decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Approved,
    ApprovedWithConditions,
    Rejected,
    Deferred,
    Noted,
}

impl Decision {
    /// The value as written in the sources.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::ApprovedWithConditions => "approved-with-conditions",
            Decision::Rejected => "rejected",
            Decision::Deferred => "deferred",
            Decision::Noted => "noted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approved => "Approved",
            Decision::ApprovedWithConditions => "Approved with conditions",
            Decision::Rejected => "Rejected",
            Decision::Deferred => "Deferred",
            Decision::Noted => "Noted",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Decision::Approved => "green",
            Decision::ApprovedWithConditions => "yellow",
            Decision::Rejected => "red",
            Decision::Deferred => "orange",
            Decision::Noted => "grey",
        }
    }
}

/// An approval or other decision by a governing body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The party that decided: an id of `site.toml`'s parties (`tab`, `sec-panel`).
    pub body: Spanned<String>,
    pub subject: String,
    pub decision: Decision,
    pub date: Spanned<Date>,
    #[serde(default)]
    pub phase: Option<Spanned<String>>,
    /// The document decided on, and its version.
    #[serde(default)]
    pub document: Option<Spanned<String>>,
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    #[serde(default)]
    pub conditions: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_keep_the_places_of_what_link_checks() {
        let text = "[[phase]]\nid = \"PIT\"\nstate = \"complete\"\nactual_start = 2025-01-13\n\n[phase.issues.open]\n\"3\" = 4\n\n[[approval]]\nbody = \"tab\"\nsubject = \"PIT completion\"\ndecision = \"approved\"\ndate = 2025-04-10\n";
        let s: StatusSnapshot = toml::from_str(text).unwrap();
        let p = &s.phase[0];
        assert_eq!(p.state.span(), 29..39);
        assert_eq!(p.actual_start.as_ref().unwrap().span(), 55..65);
        let (key, n) = p.issues.as_ref().unwrap().open.iter().next().unwrap();
        assert_eq!((key.get_ref().as_str(), key.span(), *n), ("3", 87..90, 4));
        assert_eq!(s.approval[0].date.get_ref().iso(), "2025-04-10");
    }
}
