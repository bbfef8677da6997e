//! Diagnostics: problems found in the sources, as values.
//!
//! Every stage returns the diagnostics it found beside its output instead of stopping at
//! the first problem, so one run reports everything. A [`Diagnostic`] names the file, the
//! line and column (1-based, counted in characters), a stable code that tools can match
//! on, a message a person understands and, where we know one, what to do about it.
//!
//! This module also owns the two ways diagnostics are printed: a human report with the
//! offending source line (through `codespan-reporting`) and JSON for other tools.

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

/// How bad a problem is. Errors stop a build from publishing; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, kebab-case code such as `unresolved-reference`.
    pub code: &'static str,
    /// The file, relative to the project root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when the problem concerns the whole file.
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Byte range in the file, for showing the source line.
    #[serde(skip)]
    pub range: Option<Range<usize>>,
}

impl Diagnostic {
    /// An error about a whole file (no position inside it).
    pub fn file_error(code: &'static str, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            range: None,
        }
    }

    /// An error at a byte range of a file whose text is `text`.
    pub fn error_at(
        code: &'static str,
        file: &str,
        text: &str,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(text, range.start);
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            help: None,
            range: Some(range),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or just `file` when there is no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.column)
        }
    }

    /// The one-line form, stable for tests and editors:
    /// `error[code]: file:line:col: message (help: ...)`.
    pub fn short(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut s = format!(
            "{sev}[{}]: {}: {}",
            self.code,
            self.location(),
            self.message
        );
        if let Some(help) = &self.help {
            s.push_str(" (help: ");
            s.push_str(help);
            s.push(')');
        }
        s
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Diagnostics sorted for printing: by file, then position, errors first on a tie.
pub fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
    diags.dedup();
    diags
}

/// Counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// Renders diagnostics for a person, with the source line under each one where the file
/// can be read. `color` selects ANSI colours.
pub fn render_human(diags: &[Diagnostic], root: &Path, color: bool) -> String {
    use codespan_reporting::diagnostic as cs;
    use codespan_reporting::files::SimpleFiles;
    use codespan_reporting::term;

    let mut files = SimpleFiles::new();
    let mut ids = std::collections::HashMap::new();
    let mut out: Vec<u8> = Vec::new();
    let config = term::Config::default();
    for d in diags {
        let mut cd = match d.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        }
        .with_code(d.code)
        .with_message(&d.message);
        let mut labelled = false;
        if let Some(range) = &d.range {
            let id = *ids.entry(d.file.clone()).or_insert_with(|| {
                let text = std::fs::read(root.join(&d.file))
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok());
                text.map(|t| files.add(d.file.clone(), t))
            });
            if let Some(id) = id {
                cd = cd.with_labels(vec![cs::Label::primary(id, range.clone())]);
                labelled = true;
            }
        }
        let mut notes = Vec::new();
        if !labelled {
            notes.push(format!("in {}", d.location()));
        }
        if let Some(help) = &d.help {
            notes.push(format!("help: {help}"));
        }
        cd = cd.with_notes(notes);
        let result = if color {
            let mut w = termcolor::Ansi::new(&mut out);
            term::emit(&mut w, &config, &files, &cd)
        } else {
            let mut w = termcolor::NoColor::new(&mut out);
            term::emit(&mut w, &config, &files, &cd)
        };
        if result.is_err() {
            // The file changed under us; fall back to the one-line form.
            out.extend_from_slice(d.short().as_bytes());
            out.push(b'\n');
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte range of the value of a top-level `key = value` line in TOML `text`,
/// looking from byte `start`.
pub fn toml_key_range(text: &str, start: usize, key: &str) -> Option<Range<usize>> {
    let mut pos = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            // Keys after a table header are not top-level.
            return None;
        }
        if let Some(rest) = line.trim_start().strip_prefix(key) {
            if let Some(eq) = rest.trim_start().strip_prefix('=') {
                let value = eq.trim();
                let at = pos + line.find(value).unwrap_or(0);
                return Some(at..at + value.len());
            }
        }
        pos += line.len();
    }
    None
}

/// Renders diagnostics as a JSON array.
pub fn render_json(diags: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".to_owned())
}

/// The closest of `candidates` to `wanted`, if any is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_l = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_l, &c.to_lowercase()), c))
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "did you mean `a`, `b` or `c`?" for a list of suggestions.
pub fn did_you_mean(suggestions: &[&str]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            Some(format!("did you mean {} or `{last}`?", init.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let t = "ab\ncé d\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'é' is two bytes; 'd' is the 4th character on line 2.
        assert_eq!(line_col(t, 7), (2, 4));
    }

    #[test]
    fn suggestions_are_ranked() {
        let s = closest("titel", ["title", "kind", "summary"]);
        assert_eq!(s, vec!["title"]);
        assert_eq!(
            did_you_mean(&["4.2", "4.3", "4.1"]).unwrap(),
            "did you mean `4.2`, `4.3` or `4.1`?"
        );
    }
}
