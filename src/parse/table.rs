//! Tables: the rows of a CSV file, or of a TOML array of tables, with where each field
//! was written.
//!
//! Test-management tools export CSV; people who keep tables by hand often prefer TOML.
//! Both become the same [`Row`]s here, checked against a [`Schema`] (required columns
//! present and filled, no unknown or repeated column, no stray line break), so the
//! typed layer above never sees the difference. The `csv` crate reads the values;
//! [`field_spans`] walks the same text to find where each field starts, which the
//! crate does not report.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::model::SourceFile;

/// The columns a table may have.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// What one row is called: the TOML array's name (`requirement` for
    /// `[[requirement]]`).
    pub row: &'static str,
    /// Columns every row must have, filled.
    pub required: &'static [&'static str],
    /// Columns that may be missing or empty.
    pub optional: &'static [&'static str],
    /// Columns whose text may run over several lines; in any other column a line break
    /// is almost always a quote left open, which swallows the rows after it.
    pub multiline: &'static [&'static str],
    /// Columns that hold a list (`REQ-1;REQ-2` in CSV, an array in TOML).
    pub lists: &'static [&'static str],
}

impl Schema {
    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional).copied()
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.columns().position(|c| c == name)
    }

    fn allowed(&self) -> String {
        self.columns()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One field's text and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub span: Range<usize>,
    /// For a list column, each item with its own place.
    pub items: Vec<(String, Range<usize>)>,
}

/// A row: where it starts, and its cells in the schema's column order (required, then
/// optional); `None` where the column is absent or the field empty.
#[derive(Debug, Clone)]
pub struct Row {
    pub start: usize,
    pub cells: Vec<Option<Cell>>,
}

impl Row {
    /// The cell of a column of the schema the row was read with.
    pub fn get(&self, schema: &Schema, column: &str) -> Option<&Cell> {
        schema
            .index(column)
            .and_then(|i| self.cells.get(i))
            .and_then(Option::as_ref)
    }
}

/// Reads a table from a `.csv` or `.toml` file. Rows with a problem are reported and
/// left out; a header with a problem leaves out the whole table, since no row of it can
/// be read with confidence.
pub fn read(file: &SourceFile, schema: &Schema) -> (Vec<Row>, Vec<Diagnostic>) {
    if file.path.ends_with(".toml") {
        read_toml(file, schema)
    } else {
        read_csv(file, schema)
    }
}

fn read_csv(file: &SourceFile, schema: &Schema) -> (Vec<Row>, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let at = |code, range: Range<usize>, msg: String| {
        Diagnostic::error_at(code, &file.path, text, range, msg)
    };
    let mut diags = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(e)) => return (Vec::new(), vec![csv_error(file, &e)]),
        None => return (Vec::new(), diags),
    };
    let header_start = record_start(text, header.position());
    let header_spans = field_spans(text, header_start, header.len());
    // For each column of the file, its index in the schema.
    let mut columns: Vec<Option<usize>> = Vec::with_capacity(header.len());
    let mut seen: Vec<Option<usize>> = vec![None; schema.columns().count()];
    for (n, (name, span)) in header.iter().zip(&header_spans).enumerate() {
        let name = name.trim();
        match schema.index(name) {
            Some(i) => {
                if let Some(first) = seen[i] {
                    diags.push(
                        at(
                            "csv-duplicate-column",
                            span.clone(),
                            format!(
                                "the column `{name}` appears twice: columns {} and {}",
                                first + 1,
                                n + 1
                            ),
                        )
                        .with_help("delete or rename one of them; each column may appear once"),
                    );
                } else {
                    seen[i] = Some(n);
                }
                columns.push(Some(i));
            }
            None => {
                let mut d = at(
                    "csv-unknown-column",
                    span.clone(),
                    format!("unknown column `{name}` in a {} table", schema.row),
                );
                let guess = did_you_mean(&closest(name, schema.columns()));
                d = d.with_help(match guess {
                    Some(g) => format!("{g} The columns allowed are {}.", schema.allowed()),
                    None => format!("the columns allowed are {}", schema.allowed()),
                });
                diags.push(d);
                columns.push(None);
            }
        }
    }
    let header_line = header_start..header_spans.last().map_or(header_start, |s| s.end);
    for (i, name) in schema.required.iter().enumerate() {
        if seen[i].is_none() {
            diags.push(
                at(
                    "csv-missing-column",
                    header_line.start..header_line.start,
                    format!(
                        "the {} table has no column `{name}`, which is required",
                        schema.row
                    ),
                )
                .with_help(format!(
                    "add `{name}` to the header row; the required columns are {}",
                    list(schema.required)
                )),
            );
        }
    }
    if !diags.is_empty() {
        return (Vec::new(), diags);
    }

    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                diags.push(csv_error(file, &e));
                break;
            }
        };
        let start = record_start(text, record.position());
        let spans = field_spans(text, start, record.len());
        // A quote left open swallows the rows after it, which also upsets the field
        // count; the quote is the mistake to report.
        let broken = spans.iter().zip(&columns).find_map(|(span, column)| {
            let name = column.and_then(|i| schema.columns().nth(i))?;
            let raw = &text[span.clone()];
            (raw.contains('\n') && !schema.multiline.contains(&name)).then_some((name, span))
        });
        if let Some((name, span)) = broken {
            let raw = &text[span.clone()];
            let first = crate::diagnostics::line_col(text, span.start).0;
            let last = crate::diagnostics::line_col(text, span.start + raw.trim_end().len()).0;
            diags.push(
                at(
                    "csv-multiline-field",
                    span.clone(),
                    format!(
                        "the `{name}` field runs from line {first} to line {last}: a quote opened here is not closed where it should be"
                    ),
                )
                .with_help(format!(
                    "close the quote, or remove the line break; only {} may run over several lines",
                    list(schema.multiline)
                )),
            );
            continue;
        }
        if record.len() != columns.len() {
            let (range, help) = if record.len() > columns.len() {
                (
                    spans[columns.len()].clone(),
                    "a field with a comma in it must be in double quotes: \"a, b\"",
                )
            } else {
                let end = spans.last().map_or(start, |s| s.end);
                (end..end, "add the missing fields, empty if need be (`,,`)")
            };
            diags.push(
                at(
                    "csv-field-count",
                    range,
                    format!(
                        "this row has {} fields but the header has {}",
                        record.len(),
                        columns.len()
                    ),
                )
                .with_help(help),
            );
            continue;
        }
        let mut row = Row {
            start,
            cells: vec![None; seen.len()],
        };
        let mut ok = true;
        for ((value, span), column) in record.iter().zip(spans).zip(&columns) {
            let Some(i) = *column else { continue };
            let name = schema.columns().nth(i).unwrap_or_default();
            let raw = &text[span.clone()];
            let value = value.trim();
            if value.is_empty() {
                if i < schema.required.len() {
                    diags.push(empty_field(file, schema, name, span.start));
                    ok = false;
                }
                continue;
            }
            let items = if schema.lists.contains(&name) {
                split_list(raw, span.start)
            } else {
                Vec::new()
            };
            row.cells[i] = Some(Cell {
                text: value.to_owned(),
                span,
                items,
            });
        }
        if ok {
            rows.push(row);
        }
    }
    (rows, diags)
}

/// Reports the required columns a row leaves empty; whether it has them all.
fn required_filled(
    file: &SourceFile,
    schema: &Schema,
    row: &Row,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for (i, name) in schema.required.iter().enumerate() {
        if row.cells[i].is_none() {
            ok = false;
            diags.push(empty_field(file, schema, name, row.start));
        }
    }
    ok
}

fn empty_field(file: &SourceFile, schema: &Schema, name: &str, at: usize) -> Diagnostic {
    Diagnostic::error_at(
        "empty-field",
        &file.path,
        &file.text,
        at..at,
        format!("this {} has no `{name}`", schema.row),
    )
    .with_help(format!("fill in `{name}`: every {} needs one", schema.row))
}

/// `a`, `b` and `c`.
fn list(names: &[&str]) -> String {
    let ticked: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match ticked.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn csv_error(file: &SourceFile, e: &csv::Error) -> Diagnostic {
    let offset = e.position().map_or(0, |p| p.byte() as usize);
    Diagnostic::error_at(
        "invalid-csv",
        &file.path,
        &file.text,
        offset..offset,
        format!("this CSV cannot be read: {e}"),
    )
    .with_help("save it as CSV (comma-separated, UTF-8) from your spreadsheet or tool")
}

/// Where a record's text starts. The reader's position can fall on the line break
/// before it (after a `\r\n`, or a blank line), so line breaks are skipped.
fn record_start(text: &str, position: Option<&csv::Position>) -> usize {
    let mut i = position.map_or(0, |p| p.byte() as usize).min(text.len());
    while matches!(text.as_bytes().get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// The byte ranges of the first `n` fields of the CSV record starting at byte `i`,
/// quotes included. The `csv` crate's defaults are assumed: comma, double quote, quotes
/// doubled inside a quoted field, and a quote only special at the start of a field.
pub fn field_spans(text: &str, mut i: usize, n: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let start = i;
        if b.get(i) == Some(&b'"') {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        out.push(start..i);
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            // The record ends; a field the crate saw beyond it would be empty.
            while out.len() < n {
                out.push(i..i);
            }
        }
    }
    out
}

/// The items of a list field (`REQ-1; REQ-2`), each with its place. Items are separated
/// by `;`; a quoted field is read without its quotes (list items hold no quotes).
fn split_list(raw: &str, offset: usize) -> Vec<(String, Range<usize>)> {
    let (inner, shift) = match raw.strip_prefix('"') {
        Some(rest) => (rest.strip_suffix('"').unwrap_or(rest), 1),
        None => (raw, 0),
    };
    let mut out = Vec::new();
    let mut at = 0;
    for part in inner.split(';') {
        let lead = part.len() - part.trim_start().len();
        let item = part.trim();
        if !item.is_empty() {
            let start = offset + shift + at + lead;
            out.push((item.to_owned(), start..start + item.len()));
        }
        at += part.len() + 1;
    }
    out
}

fn read_toml(file: &SourceFile, schema: &Schema) -> (Vec<Row>, Vec<Diagnostic>) {
    let text = file.text.as_str();
    let at = |code, range: Range<usize>, msg: String| {
        Diagnostic::error_at(code, &file.path, text, range, msg)
    };
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let first = e.message().lines().next().unwrap_or("").to_owned();
            return (
                Vec::new(),
                vec![at(
                    "invalid-toml",
                    e.span().unwrap_or(0..0),
                    format!("this table is not valid TOML: {first}"),
                )
                .with_help(format!(
                    "write one `[[{}]]` block a row, with `key = \"text\"` lines",
                    schema.row
                ))],
            );
        }
    };
    let mut diags = Vec::new();
    let mut rows = Vec::new();
    for (key, value) in root.get_ref().iter() {
        if key.get_ref().as_ref() != schema.row {
            diags.push(
                at(
                    "unknown-key",
                    key.span(),
                    format!("unknown key `{}` in a {} table", key.get_ref(), schema.row),
                )
                .with_help(format!(
                    "write each row as a `[[{}]]` block; nothing else belongs at the top",
                    schema.row
                )),
            );
            continue;
        }
        let DeValue::Array(items) = value.get_ref() else {
            diags.push(at(
                "invalid-value",
                value.span(),
                format!(
                    "`{}` must be a list of `[[{}]]` blocks",
                    schema.row, schema.row
                ),
            ));
            continue;
        };
        for item in items {
            let DeValue::Table(table) = item.get_ref() else {
                diags.push(at(
                    "invalid-value",
                    item.span(),
                    format!("each `{}` must be a `[[{}]]` block", schema.row, schema.row),
                ));
                continue;
            };
            if let Some(row) = toml_row(file, schema, item.span().start, table, &mut diags) {
                if required_filled(file, schema, &row, &mut diags) {
                    rows.push(row);
                }
            }
        }
    }
    (rows, diags)
}

fn toml_row(
    file: &SourceFile,
    schema: &Schema,
    start: usize,
    table: &DeTable,
    diags: &mut Vec<Diagnostic>,
) -> Option<Row> {
    let at = |code, range: Range<usize>, msg: String| {
        Diagnostic::error_at(code, &file.path, &file.text, range, msg)
    };
    let mut row = Row {
        start,
        cells: vec![None; schema.columns().count()],
    };
    let mut ok = true;
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let Some(i) = schema.index(name) else {
            let guess = did_you_mean(&closest(name, schema.columns()));
            diags.push(
                at(
                    "unknown-key",
                    key.span(),
                    format!("unknown key `{name}` in a {}", schema.row),
                )
                .with_help(match guess {
                    Some(g) => format!("{g} The keys allowed are {}.", schema.allowed()),
                    None => format!("the keys allowed are {}", schema.allowed()),
                }),
            );
            ok = false;
            continue;
        };
        let span = value.span();
        let cell = match value.get_ref() {
            DeValue::Array(values) if schema.lists.contains(&name) => {
                let mut items = Vec::new();
                for v in values {
                    match v.get_ref() {
                        DeValue::String(s) => items.push((s.trim().to_owned(), unquoted(v.span()))),
                        _ => {
                            diags.push(at(
                                "invalid-value",
                                v.span(),
                                format!("each item of `{name}` must be text in quotes"),
                            ));
                            ok = false;
                        }
                    }
                }
                let text = items
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(";");
                Cell { text, span, items }
            }
            DeValue::String(s) => {
                let inner = unquoted(span.clone());
                let items = if !schema.lists.contains(&name) {
                    Vec::new()
                } else if file.text.get(inner.clone()) == Some(s.as_ref()) {
                    split_list(s, inner.start)
                } else {
                    // Escapes or a multi-line string: offsets in the decoded text are not
                    // offsets in the file, so each item is placed at the whole value.
                    split_list(s, 0)
                        .into_iter()
                        .map(|(item, _)| (item, span.clone()))
                        .collect()
                };
                Cell {
                    text: s.trim().to_owned(),
                    span,
                    items,
                }
            }
            DeValue::Integer(n) => plain(n.as_str(), span),
            DeValue::Float(n) => plain(n.as_str(), span),
            DeValue::Boolean(b) => plain(if *b { "true" } else { "false" }, span),
            DeValue::Datetime(d) => plain(&d.to_string(), span),
            DeValue::Array(_) | DeValue::Table(_) => {
                diags.push(at(
                    "invalid-value",
                    span,
                    format!("`{name}` must be text, not a list or a table"),
                ));
                ok = false;
                continue;
            }
        };
        if !cell.text.is_empty() {
            row.cells[i] = Some(cell);
        }
    }
    ok.then_some(row)
}

fn plain(text: &str, span: Range<usize>) -> Cell {
    Cell {
        text: text.to_owned(),
        span,
        items: Vec::new(),
    }
}

/// A basic string's span without its quotes, so a list item is reported at its first
/// character.
fn unquoted(span: Range<usize>) -> Range<usize> {
    if span.end > span.start + 1 {
        span.start + 1..span.end - 1
    } else {
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: Schema = Schema {
        row: "case",
        required: &["id", "title"],
        optional: &["covers", "note"],
        multiline: &["note"],
        lists: &["covers"],
    };

    fn csv(text: &str) -> (Vec<Row>, Vec<String>) {
        let f = SourceFile::new("t.csv", text);
        let (rows, d) = read(&f, &SCHEMA);
        (rows, d.iter().map(Diagnostic::short).collect())
    }

    #[test]
    fn spans_of_plain_and_quoted_fields() {
        let t = "a,\"b,\"\"c\"\"\",,d\r\nx";
        assert_eq!(field_spans(t, 0, 4), vec![0..1, 2..11, 12..12, 13..14]);
        assert_eq!(field_spans(t, 16, 1), vec![16..17]);
        // An unclosed quote runs to the end of the text.
        assert_eq!(field_spans("\"ab\ncd", 0, 1), vec![0..6]);
    }

    #[test]
    fn rows_keep_values_and_places() {
        let (rows, d) = csv("id,title,covers\nTC-1,\"Log in, then out\",REQ-1; REQ-2\n");
        assert_eq!(d, Vec::<String>::new());
        let c = rows[0].get(&SCHEMA, "covers").unwrap();
        assert_eq!(
            c.items,
            vec![("REQ-1".to_owned(), 40..45), ("REQ-2".to_owned(), 47..52)]
        );
        assert_eq!(
            rows[0].get(&SCHEMA, "title").unwrap().text,
            "Log in, then out"
        );
        assert!(rows[0].get(&SCHEMA, "note").is_none());
    }

    #[test]
    fn crlf_and_blank_lines_keep_places() {
        let (rows, d) = csv("id,title,covers\r\nTC-1,A,REQ-1\r\n\r\nTC-2,B,REQ-2;REQ-3\r\n");
        assert_eq!(d, Vec::<String>::new());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get(&SCHEMA, "id").unwrap().span, 17..21);
        assert_eq!(
            rows[1].get(&SCHEMA, "covers").unwrap().items,
            vec![("REQ-2".to_owned(), 40..45), ("REQ-3".to_owned(), 46..51)]
        );
        let (_, d) = csv("id,title\r\n\"TC-1,A\r\nTC-2,B\r\n");
        assert_eq!(
            d,
            vec!["error[csv-multiline-field]: t.csv:2:1: the `id` field runs from line 2 to line 3: a quote opened here is not closed where it should be (help: close the quote, or remove the line break; only `note` may run over several lines)"]
        );
    }

    #[test]
    fn header_problems() {
        let (_, d) = csv("id,titel,id\n");
        assert_eq!(
            d,
            vec![
                "error[csv-unknown-column]: t.csv:1:4: unknown column `titel` in a case table (help: did you mean `title`? The columns allowed are `id`, `title`, `covers`, `note`.)",
                "error[csv-duplicate-column]: t.csv:1:10: the column `id` appears twice: columns 1 and 3 (help: delete or rename one of them; each column may appear once)",
                "error[csv-missing-column]: t.csv:1:1: the case table has no column `title`, which is required (help: add `title` to the header row; the required columns are `id` and `title`)",
            ]
        );
    }

    #[test]
    fn row_problems() {
        let (rows, d) = csv("id,title,note\nTC-1,A,\"two\nlines\"\n,D,\n\"TC-2,B,x\nTC-3,C\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            d,
            vec![
                "error[empty-field]: t.csv:4:1: this case has no `id` (help: fill in `id`: every case needs one)",
                "error[csv-multiline-field]: t.csv:5:1: the `id` field runs from line 5 to line 6: a quote opened here is not closed where it should be (help: close the quote, or remove the line break; only `note` may run over several lines)",
            ]
        );
        let (_, d) = csv("id,title\nTC-1,A,extra\nTC-2\n");
        assert_eq!(
            d,
            vec![
                "error[csv-field-count]: t.csv:2:8: this row has 3 fields but the header has 2 (help: a field with a comma in it must be in double quotes: \"a, b\")",
                "error[csv-field-count]: t.csv:3:5: this row has 1 fields but the header has 2 (help: add the missing fields, empty if need be (`,,`))",
            ]
        );
    }

    #[test]
    fn toml_rows() {
        let f = SourceFile::new(
            "t.toml",
            "[[case]]\nid = \"TC-1\"\ntitle = \"A\"\ncovers = [\"REQ-1\", \"REQ-2\"]\n\n[[case]]\nid = \"TC-2\"\ntitel = \"B\"\n",
        );
        let (rows, d) = read(&f, &SCHEMA);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].get(&SCHEMA, "covers").unwrap().items,
            vec![("REQ-1".to_owned(), 44..49), ("REQ-2".to_owned(), 53..58)]
        );
        let d: Vec<String> = d.iter().map(Diagnostic::short).collect();
        assert_eq!(
            d,
            vec!["error[unknown-key]: t.toml:8:1: unknown key `titel` in a case (help: did you mean `title`? The keys allowed are `id`, `title`, `covers`, `note`.)"]
        );
    }
}
