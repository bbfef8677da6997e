//! Obligations: what a party must, must not, should or may do, as a clause says it.
//!
//! An [`Obligation`] is one sentence of a clause with a modal verb ("shall", "must not",
//! "is required to" ...), the [`Modality`] of that verb and the party it binds, when the
//! sentence names one. `parse` finds them (see `parse::obligations`); `render` lists them
//! in the obligations register and search carries their party and modality as facets.
//! This module only says what an obligation is.

use serde::{Deserialize, Serialize};

use super::ClauseNumber;

/// How strongly a sentence binds its party.
///
/// The order is that of the register: prohibitions and duties before recommendations
/// and permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Modality {
    Shall,
    ShallNot,
    Must,
    MustNot,
    IsRequiredTo,
    Should,
    ShouldNot,
    May,
    MayNot,
}

impl Modality {
    pub const ALL: [Modality; 9] = [
        Modality::Shall,
        Modality::ShallNot,
        Modality::Must,
        Modality::MustNot,
        Modality::IsRequiredTo,
        Modality::Should,
        Modality::ShouldNot,
        Modality::May,
        Modality::MayNot,
    ];

    /// The kebab-case name used in markers, filters, exports and URLs: `shall-not`.
    pub fn code(self) -> &'static str {
        match self {
            Modality::Shall => "shall",
            Modality::ShallNot => "shall-not",
            Modality::Must => "must",
            Modality::MustNot => "must-not",
            Modality::IsRequiredTo => "is-required-to",
            Modality::Should => "should",
            Modality::ShouldNot => "should-not",
            Modality::May => "may",
            Modality::MayNot => "may-not",
        }
    }

    /// The words as a reader sees them: `shall not`.
    pub fn label(self) -> &'static str {
        match self {
            Modality::Shall => "shall",
            Modality::ShallNot => "shall not",
            Modality::Must => "must",
            Modality::MustNot => "must not",
            Modality::IsRequiredTo => "is required to",
            Modality::Should => "should",
            Modality::ShouldNot => "should not",
            Modality::May => "may",
            Modality::MayNot => "may not",
        }
    }

    /// The modality named by `code` (`must-not`), if any.
    pub fn from_code(code: &str) -> Option<Modality> {
        Modality::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether the sentence is a duty or a prohibition, as opposed to a recommendation
    /// or a permission: what "everything Users must do" lists first.
    pub fn is_binding(self) -> bool {
        matches!(
            self,
            Modality::Shall
                | Modality::ShallNot
                | Modality::Must
                | Modality::MustNot
                | Modality::IsRequiredTo
        )
    }
}

/// How an obligation was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObligationSource {
    /// From the words of the sentence.
    Words,
    /// From an author's `<!-- obligation: ... -->` marker.
    Marked,
}

/// One obligation in one clause of one document version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation {
    pub clause: ClauseNumber,
    /// 1-based position among the clause's obligations, for a stable anchor.
    pub ordinal: usize,
    /// The party's `id` from `site.toml`, when the sentence names one.
    pub party: Option<String>,
    pub modality: Modality,
    /// The sentence, as plain text.
    pub text: String,
    pub source: ObligationSource,
}

impl Obligation {
    /// The register's anchor of this obligation: `fsm-svtad-2.3-1`.
    pub fn anchor(&self, doc: &super::DocId) -> String {
        format!(
            "{}-{}-{}",
            super::slug(doc.as_str()),
            self.clause.as_str().to_lowercase(),
            self.ordinal
        )
    }
}
