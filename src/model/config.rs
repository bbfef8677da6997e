//! The typed contents of the TOML sources: `site.toml`, `programme.toml`,
//! `document.toml` and the front matter of version files and pages.
//!
//! Every struct denies unknown keys, so a misspelt key is an error rather than silently
//! ignored; `parse` turns serde's complaint into a diagnostic with a suggestion.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::{DocId, Version};

/// `content/site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub notice: Option<String>,
    #[serde(default)]
    pub parties: Vec<Party>,
}

fn default_theme() -> String {
    "dcc".to_owned()
}

fn default_language() -> String {
    "en-GB".to_owned()
}

/// A party that obligations can name, with the other names it goes by.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// `content/<programme>/programme.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub phases: Vec<PhaseConfig>,
    #[serde(default)]
    pub releases: Vec<ReleaseConfig>,
    /// The parts of the solution that requirements belong to. When none are declared,
    /// a requirement's component is free text.
    #[serde(default)]
    pub components: Vec<ComponentConfig>,
}

/// A test phase a programme declares (PIT, SIT, UIT ...).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A release of the programme.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A component of the solution under test (the Self Service Interface ...).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// `content/<programme>/<document>/document.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    pub id: DocId,
    pub kind: DocKind,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub parent: Option<DocId>,
    #[serde(default)]
    pub release: Option<String>,
    #[serde(default)]
    pub phases: Vec<String>,
    #[serde(default)]
    pub owner: Option<String>,
}

/// The kinds of document in the SVTAD family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    Svtad,
    Tad,
    Tcd,
    Ctd,
    Sctd,
    Utsad,
    Other,
}

impl DocKind {
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Svtad => "SEC Variation Testing Approach Document",
            DocKind::Tad => "Testing Approach Document",
            DocKind::Tcd => "Test Coverage Document",
            DocKind::Ctd => "Coverage Traceability Document",
            DocKind::Sctd => "System Capacity Testing Document",
            DocKind::Utsad => "User Testing Services Approach Document",
            DocKind::Other => "Document",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DocKind::Svtad => "svtad",
            DocKind::Tad => "tad",
            DocKind::Tcd => "tcd",
            DocKind::Ctd => "ctd",
            DocKind::Sctd => "sctd",
            DocKind::Utsad => "utsad",
            DocKind::Other => "other",
        }
    }
}

/// The front matter of a version file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionMeta {
    pub version: Version,
    pub status: VersionStatus,
    pub published: Date,
    #[serde(default)]
    pub effective_from: Option<Date>,
    #[serde(default)]
    pub consultation_closes: Option<Date>,
    pub change_mechanism: ChangeMechanism,
    pub change_summary: String,
    /// The version this one replaces; the one before it by number when not given.
    #[serde(default)]
    pub supersedes: Option<Version>,
    /// Clauses this version renumbers: old number to new number.
    #[serde(default)]
    pub renumbered: BTreeMap<String, String>,
}

impl VersionMeta {
    /// The date from which the version has effect: `effective_from`, else `published`.
    pub fn effective(&self) -> Date {
        self.effective_from.unwrap_or(self.published)
    }
}

/// Where a version stands in its approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionStatus {
    Draft,
    DraftForConsultation,
    Submitted,
    Approved,
    Designated,
    Withdrawn,
}

impl VersionStatus {
    /// Whether a version with this status can be the one in force.
    pub fn is_in_force_kind(self) -> bool {
        matches!(self, VersionStatus::Approved | VersionStatus::Designated)
    }

    pub fn label(self) -> &'static str {
        match self {
            VersionStatus::Draft => "Draft",
            VersionStatus::DraftForConsultation => "Draft for consultation",
            VersionStatus::Submitted => "Submitted for approval",
            VersionStatus::Approved => "Approved",
            VersionStatus::Designated => "Designated",
            VersionStatus::Withdrawn => "Withdrawn",
        }
    }
}

/// How a version came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeMechanism {
    FirstIssue,
    DirectionOfSecretaryOfState,
    AfterConsultation,
    TagApproval,
    MinorTypographical,
}

impl ChangeMechanism {
    pub fn label(self) -> &'static str {
        match self {
            ChangeMechanism::FirstIssue => "First issue",
            ChangeMechanism::DirectionOfSecretaryOfState => "Direction of the Secretary of State",
            ChangeMechanism::AfterConsultation => "Amended after consultation",
            ChangeMechanism::TagApproval => "Approved by the TAG",
            ChangeMechanism::MinorTypographical => "Minor or typographical change",
        }
    }
}

/// The front matter of a free-standing page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
}

/// A calendar date, written in TOML as a bare date (`2024-10-11`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// `11 October 2024`, as GOV.UK writes dates.
    pub fn long(self) -> String {
        self.0.format("%-d %B %Y").to_string()
    }

    /// `2024-10-11`.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d)?;
        match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
                    .map(Date)
                    .ok_or_else(|| D::Error::custom(format!("`{dt}` is not a real date")))
            }
            _ => Err(D::Error::custom(format!(
                "`{dt}` has a time; write a bare date such as 2024-10-11"
            ))),
        }
    }
}
