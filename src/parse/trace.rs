//! The trace tables of a CTD or TCD folder, typed: `trace/requirements`, `scenarios`,
//! `cases`, `coverage` (each `.csv` or `.toml`) and `trace/results/YYYY-MM-DD`.
//!
//! Each file is read as a [`table`](super::table) and each row checked on its own:
//! ids well formed, vocabularies known, dates real. Whether a case's requirement
//! exists, or a requirement's clause, needs the whole site and is `link`'s.

use std::ops::Range;

use rayon::prelude::*;

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::model::{
    Coverage, CoverageRow, Date, DocId, Outcome, RefTarget, ReqId, Requirement, ResultSnapshot,
    SourceFile, Span, Spanned, Test, TestId, TestLevel, TestResult, TraceTables,
};

use super::table::{self, Cell, Row, Schema};

const REQUIREMENTS: Schema = Schema {
    row: "requirement",
    required: &["id", "title", "source", "component", "release"],
    optional: &["description"],
    multiline: &["description"],
    lists: &[],
};

const SCENARIOS: Schema = Schema {
    row: "scenario",
    required: &["id", "title", "phase", "covers"],
    optional: &["description"],
    multiline: &["description"],
    lists: &["covers"],
};

const CASES: Schema = Schema {
    row: "case",
    required: &["id", "title", "phase"],
    optional: &["scenario", "covers", "description"],
    multiline: &["description"],
    lists: &["covers"],
};

const COVERAGE: Schema = Schema {
    row: "coverage",
    required: &["requirement", "coverage", "reviewed"],
    optional: &["rationale", "risk", "mitigation"],
    multiline: &["rationale", "risk", "mitigation"],
    lists: &[],
};

const RESULTS: Schema = Schema {
    row: "result",
    required: &["test", "result"],
    optional: &["note"],
    multiline: &["note"],
    lists: &[],
};

/// What a file in `trace/` holds, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Requirements,
    Scenarios,
    Cases,
    Coverage,
    Results(Date),
}

/// Parses the files of one `trace/` folder.
pub fn parse_trace(files: &[SourceFile]) -> (TraceTables, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut kinds: Vec<(usize, TableKind)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        match classify(f) {
            Ok(kind) => {
                if let Some((j, _)) = kinds.iter().find(|(_, k)| *k == kind) {
                    diags.push(
                        Diagnostic::file_error(
                            "duplicate-table",
                            &f.path,
                            format!("this table is also given as {}", files[*j].path),
                        )
                        .with_help("keep one of the two files; a table is either CSV or TOML"),
                    );
                } else {
                    kinds.push((i, kind));
                }
            }
            Err(d) => diags.push(d),
        }
    }

    let parsed: Vec<(Parsed, Vec<Diagnostic>)> = kinds
        .par_iter()
        .map(|&(i, kind)| parse_file(&files[i], i as u32, kind))
        .collect();
    let mut tables = TraceTables {
        files: files.to_vec(),
        ..TraceTables::default()
    };
    for (p, d) in parsed {
        diags.extend(d);
        match p {
            Parsed::Requirements(r) => tables.requirements.extend(r),
            Parsed::Tests(t) => tables.tests.extend(t),
            Parsed::Coverage(c) => tables.coverage.extend(c),
            Parsed::Results(s) => tables.snapshots.push(s),
        }
    }
    tables.incomplete = diags.iter().any(Diagnostic::is_error);
    // Scenarios before cases, whatever order the files came in.
    tables.tests.sort_by_key(|t| t.level == TestLevel::Case);
    tables.snapshots.sort_by_key(|s| s.date);
    (tables, diags)
}

fn classify(f: &SourceFile) -> Result<TableKind, Diagnostic> {
    let after = f
        .path
        .rsplit_once("/trace/")
        .map_or(f.path.as_str(), |(_, a)| a);
    let unknown = || {
        Diagnostic::file_error(
            "unknown-trace-file",
            &f.path,
            format!("attest does not know a trace table called `{after}`"),
        )
        .with_help("the tables are requirements, scenarios, cases and coverage (each .csv or .toml) and results/YYYY-MM-DD.csv")
    };
    let Some((stem, ext)) = after.rsplit_once('.') else {
        return Err(unknown());
    };
    if ext != "csv" && ext != "toml" {
        return Err(unknown());
    }
    if let Some(date) = stem.strip_prefix("results/") {
        return parse_date(date).map(TableKind::Results).ok_or_else(|| {
            Diagnostic::file_error(
                "invalid-date",
                &f.path,
                format!("the results file `{after}` is not named by a date"),
            )
            .with_help("name each snapshot by its reporting date, such as results/2025-06-30.csv")
        });
    }
    match stem {
        "requirements" => Ok(TableKind::Requirements),
        "scenarios" => Ok(TableKind::Scenarios),
        "cases" => Ok(TableKind::Cases),
        "coverage" => Ok(TableKind::Coverage),
        _ => Err(unknown()),
    }
}

enum Parsed {
    Requirements(Vec<Requirement>),
    Tests(Vec<Test>),
    Coverage(Vec<CoverageRow>),
    Results(ResultSnapshot),
}

fn parse_file(file: &SourceFile, index: u32, kind: TableKind) -> (Parsed, Vec<Diagnostic>) {
    let schema = match kind {
        TableKind::Requirements => &REQUIREMENTS,
        TableKind::Scenarios => &SCENARIOS,
        TableKind::Cases => &CASES,
        TableKind::Coverage => &COVERAGE,
        TableKind::Results(_) => &RESULTS,
    };
    let (rows, mut diags) = table::read(file, schema);
    let r = RowReader {
        file,
        index,
        schema,
    };
    let d = &mut diags;
    let parsed = match kind {
        TableKind::Requirements => Parsed::Requirements(
            rows.iter()
                .filter_map(|row| r.requirement(row, d))
                .collect(),
        ),
        TableKind::Scenarios => Parsed::Tests(
            rows.iter()
                .filter_map(|row| r.test(row, TestLevel::Scenario, d))
                .collect(),
        ),
        TableKind::Cases => Parsed::Tests(
            rows.iter()
                .filter_map(|row| r.test(row, TestLevel::Case, d))
                .collect(),
        ),
        TableKind::Coverage => {
            Parsed::Coverage(rows.iter().filter_map(|row| r.coverage(row, d)).collect())
        }
        TableKind::Results(date) => Parsed::Results(ResultSnapshot {
            date,
            file: index,
            results: rows.iter().filter_map(|row| r.result(row, d)).collect(),
        }),
    };
    (parsed, diags)
}

/// A strict `YYYY-MM-DD`: a spreadsheet's `30/06/2025` is ambiguous, so it is refused.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(Date)
}

/// Turns the rows of one file into typed values.
struct RowReader<'a> {
    file: &'a SourceFile,
    index: u32,
    schema: &'static Schema,
}

impl RowReader<'_> {
    fn span(&self, r: &Range<usize>) -> Span {
        Span {
            file: self.index,
            start: r.start as u32,
            end: r.end as u32,
        }
    }

    fn error(&self, code: &'static str, range: Range<usize>, msg: String) -> Diagnostic {
        Diagnostic::error_at(code, &self.file.path, &self.file.text, range, msg)
    }

    fn cell<'r>(&self, row: &'r Row, column: &str) -> Option<&'r Cell> {
        row.get(self.schema, column)
    }

    fn text(&self, row: &Row, column: &str) -> Option<String> {
        self.cell(row, column).map(|c| c.text.clone())
    }

    fn id<T>(
        &self,
        text: &str,
        range: Range<usize>,
        wrap: fn(String) -> T,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<T>> {
        if DocId::is_valid(text) {
            return Some(Spanned {
                value: wrap(text.to_owned()),
                span: self.span(&range),
            });
        }
        diags.push(
            self.error("invalid-id", range, format!("`{text}` is not a valid id"))
                .with_help("an id starts with a letter and has only letters, digits, `-` and `_`, such as REQ-SSI-001"),
        );
        None
    }

    fn id_cell<T>(
        &self,
        row: &Row,
        column: &str,
        wrap: fn(String) -> T,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Spanned<T>> {
        let c = self.cell(row, column)?;
        self.id(&c.text, c.span.clone(), wrap, diags)
    }

    fn spanned_text(&self, row: &Row, column: &str) -> Option<Spanned<String>> {
        self.cell(row, column).map(|c| Spanned {
            value: c.text.clone(),
            span: self.span(&c.span),
        })
    }

    fn requirement(&self, row: &Row, diags: &mut Vec<Diagnostic>) -> Option<Requirement> {
        let id = self.id_cell(row, "id", ReqId, diags);
        let source_cell = self.cell(row, "source")?;
        let source = match super::parse_target(&source_cell.text) {
            Ok(RefTarget::Clause(doc, number)) => Some(Spanned {
                value: (doc, number),
                span: self.span(&source_cell.span),
            }),
            _ => {
                diags.push(
                    self.error(
                        "invalid-source",
                        source_cell.span.clone(),
                        format!("`{}` is not a clause of a document", source_cell.text),
                    )
                    .with_help(
                        "write the document id and the clause number, such as `FSM-TCD-R1 2.1`",
                    ),
                );
                None
            }
        };
        Some(Requirement {
            id: id?,
            title: self.text(row, "title")?,
            source: source?,
            component: self.spanned_text(row, "component")?,
            release: self.spanned_text(row, "release")?,
            description: self.text(row, "description"),
        })
    }

    fn test(&self, row: &Row, level: TestLevel, diags: &mut Vec<Diagnostic>) -> Option<Test> {
        let id = self.id_cell(row, "id", TestId, diags);
        let scenario = match self.cell(row, "scenario") {
            Some(c) => Some(self.id(&c.text, c.span.clone(), TestId, diags)?),
            None => None,
        };
        let mut covers = Vec::new();
        let mut ok = true;
        if let Some(c) = self.cell(row, "covers") {
            for (item, range) in &c.items {
                match self.id(item, range.clone(), ReqId, diags) {
                    Some(r) => covers.push(r),
                    None => ok = false,
                }
            }
        }
        if level == TestLevel::Case && scenario.is_none() && covers.is_empty() && ok {
            diags.push(
                self.error(
                    "uncovering-test",
                    row.start..row.start,
                    "this case names neither a scenario nor the requirements it covers".into(),
                )
                .with_help("fill in `scenario` (the case then covers what its scenario covers) or `covers`"),
            );
            ok = false;
        }
        let test = Test {
            id: id?,
            level,
            title: self.text(row, "title")?,
            phase: self.spanned_text(row, "phase")?,
            scenario,
            covers,
            description: self.text(row, "description"),
        };
        ok.then_some(test)
    }

    fn coverage(&self, row: &Row, diags: &mut Vec<Diagnostic>) -> Option<CoverageRow> {
        let requirement = self.id_cell(row, "requirement", ReqId, diags);
        let c = self.cell(row, "coverage")?;
        let coverage = Coverage::parse(&c.text);
        if coverage.is_none() {
            let codes = Coverage::ALL.map(Coverage::code);
            diags.push(self.vocabulary(c, "coverage", &codes));
        }
        let r = self.cell(row, "reviewed")?;
        let reviewed = parse_date(&r.text);
        if reviewed.is_none() {
            diags.push(self.bad_date(r));
        }
        let rationale = self.text(row, "rationale");
        if let (Some(cov), None) = (coverage, &rationale) {
            if cov != Coverage::Full {
                diags.push(
                    self.error(
                        "missing-rationale",
                        c.span.clone(),
                        format!("`{}` coverage needs a rationale", cov.code()),
                    )
                    .with_help(
                        "say in `rationale` why the coverage is not full, and what covers the gap",
                    ),
                );
                return None;
            }
        }
        Some(CoverageRow {
            requirement: requirement?,
            coverage: coverage?,
            reviewed: Spanned {
                value: reviewed?,
                span: self.span(&r.span),
            },
            rationale: rationale.unwrap_or_default(),
            risk: self.text(row, "risk"),
            mitigation: self.text(row, "mitigation"),
        })
    }

    fn result(&self, row: &Row, diags: &mut Vec<Diagnostic>) -> Option<TestResult> {
        let test = self.id_cell(row, "test", TestId, diags);
        let c = self.cell(row, "result")?;
        let outcome = Outcome::parse(&c.text);
        if outcome.is_none() {
            let codes = Outcome::ALL.map(Outcome::code);
            diags.push(self.vocabulary(c, "result", &codes));
        }
        Some(TestResult {
            test: test?,
            outcome: outcome?,
            note: self.text(row, "note"),
        })
    }

    fn vocabulary(&self, c: &Cell, what: &str, allowed: &[&str]) -> Diagnostic {
        let list = allowed.join(", ");
        let help = match did_you_mean(&closest(&c.text, allowed.iter().copied())) {
            Some(guess) => format!("{guess} The values are {list}."),
            None => format!("the values are {list}"),
        };
        self.error(
            "invalid-value",
            c.span.clone(),
            format!("`{}` is not a {what} value", c.text),
        )
        .with_help(help)
    }

    fn bad_date(&self, c: &Cell) -> Diagnostic {
        self.error(
            "invalid-date",
            c.span.clone(),
            format!("`{}` is not a date", c.text),
        )
        .with_help("write dates as YYYY-MM-DD, such as 2025-06-30")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates() {
        assert_eq!(
            parse_date("2025-06-30").map(|d| d.iso()),
            Some("2025-06-30".into())
        );
        for bad in [
            "2025-6-30",
            "30/06/2025",
            "2025-02-30",
            "2025-06-30T10:00",
            "２025-06-30",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn file_names() {
        let kind = |p: &str| classify(&SourceFile::new(p, "x")).map_err(|d| d.short());
        assert_eq!(kind("content/a/b/trace/cases.toml"), Ok(TableKind::Cases));
        assert_eq!(
            kind("content/a/b/trace/results/2025-06-30.csv"),
            Ok(TableKind::Results(parse_date("2025-06-30").unwrap()))
        );
        assert_eq!(
            kind("content/a/b/trace/results/june.csv"),
            Err("error[invalid-date]: content/a/b/trace/results/june.csv: the results file `results/june.csv` is not named by a date (help: name each snapshot by its reporting date, such as results/2025-06-30.csv)".into())
        );
        assert_eq!(
            kind("content/a/b/trace/tests.csv"),
            Err("error[unknown-trace-file]: content/a/b/trace/tests.csv: attest does not know a trace table called `tests.csv` (help: the tables are requirements, scenarios, cases and coverage (each .csv or .toml) and results/YYYY-MM-DD.csv)".into())
        );
    }
}
