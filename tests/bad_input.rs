//! Bad input: each test breaks one thing in a copy of the minimal fixture and asserts
//! the exact diagnostics `attest check --format json` reports, exit code 1 from `check`
//! and from `build`, and that a failed build leaves the output of the previous good
//! build byte-for-byte as it was, with no staging folder left behind.
//!
//! Tests marked `#[ignore = "bug: ..."]` assert what a person should see where attest
//! currently reports something wrong or misleading; run them with `--ignored`.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use common::*;

const SVTAD_V01: &str = "content/prog/svtad/v0.1.md";
const SVTAD_V10: &str = "content/prog/svtad/v1.0.md";
const SVTAD_DOC: &str = "content/prog/svtad/document.toml";
const TAD_V10: &str = "content/prog/tad/v1.0.md";
const TAD_DOC: &str = "content/prog/tad/document.toml";

const TOML_SYNTAX_HELP: &str = "check the TOML syntax: `key = \"text\"`, dates as 2024-10-11";
const UTF8_HELP: &str = "save the file as UTF-8 in your editor";
const EMPTY_VERSION_HELP: &str =
    "a version file starts with front matter between `+++` lines; see the README";

/// A copy of the fixture with a good build already published to `public/`.
fn published() -> TempDir {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    site
}

/// Asserts that `check` reports exactly `expected` and exits 1, and that `build` then
/// fails in the same way without touching the previous output (see [`assert_build_fails`]).
fn assert_rejected(root: &Path, expected: &[Value]) {
    let (diags, check_code) = check_json(root);
    assert_diags(&diags, expected);
    assert_eq!(check_code, 1, "check exits 1 on errors");
    let reported: Vec<(&str, &str)> = expected
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_build_fails(root, &[], &reported, 0);
}

// --- TOML --------------------------------------------------------------------------

#[test]
fn malformed_front_matter() {
    let site = published();
    let root = site.path();
    edit(
        root,
        SVTAD_V01,
        "status = \"draft-for-consultation\"",
        "status = \"draft",
    );
    let (line, col) = pos_of(root, SVTAD_V01, "status = \"draft\n");
    assert_rejected(
        root,
        &[diag(
            "invalid-toml",
            SVTAD_V01,
            line,
            // Just after `"draft`, where the closing quote should be.
            col + "status = \"draft".len() as u64,
            "the front matter is not valid: invalid basic string, expected `\"`",
            Some(TOML_SYNTAX_HELP),
        )],
    );
}

#[test]

fn malformed_front_matter_in_the_version_in_force_reports_only_that() {
    let site = published();
    let root = site.path();
    edit(
        root,
        SVTAD_V10,
        "status = \"designated\"",
        "status = \"draft",
    );
    let (line, col) = pos_of(root, SVTAD_V10, "status = \"draft\n");
    assert_rejected(
        root,
        &[diag(
            "invalid-toml",
            SVTAD_V10,
            line,
            col + "status = \"draft".len() as u64,
            "the front matter is not valid: invalid basic string, expected `\"`",
            Some(TOML_SYNTAX_HELP),
        )],
    );
}

#[test]
fn missing_required_key() {
    let site = published();
    let root = site.path();
    edit(root, SVTAD_V01, "status = \"draft-for-consultation\"\n", "");
    // Reported at the start of the front matter, which is the table that lacks it.
    let (line, col) = pos_of(root, SVTAD_V01, "version = \"0.1\"");
    assert_rejected(
        root,
        &[diag(
            "missing-key",
            SVTAD_V01,
            line,
            col,
            "the front matter has no `status`, which is required",
            Some("add a line `status = ...`; the README lists its values"),
        )],
    );
}

#[test]

fn missing_required_key_in_the_version_in_force_reports_only_that() {
    let site = published();
    let root = site.path();
    edit(root, SVTAD_V10, "status = \"designated\"\n", "");
    let (line, col) = pos_of(root, SVTAD_V10, "version = \"1.0\"");
    assert_rejected(
        root,
        &[diag(
            "missing-key",
            SVTAD_V10,
            line,
            col,
            "the front matter has no `status`, which is required",
            Some("add a line `status = ...`; the README lists its values"),
        )],
    );
}

#[test]
fn unknown_key_suggests_the_key_meant() {
    let site = published();
    let root = site.path();
    edit(root, TAD_DOC, "title = ", "titel = ");
    let (line, col) = pos_of(root, TAD_DOC, "titel");
    assert_rejected(
        root,
        &[diag(
            "unknown-key",
            TAD_DOC,
            line,
            col,
            "unknown key `titel` in document.toml",
            Some("did you mean `title`? The keys allowed here are: id, kind, title, summary, parent, release, phases, owner."),
        )],
    );
}

#[test]

fn unknown_key_in_a_parent_document_reports_only_that() {
    let site = published();
    let root = site.path();
    edit(root, SVTAD_DOC, "title = ", "titel = ");
    let (line, col) = pos_of(root, SVTAD_DOC, "titel");
    assert_rejected(
        root,
        &[diag(
            "unknown-key",
            SVTAD_DOC,
            line,
            col,
            "unknown key `titel` in document.toml",
            Some("did you mean `title`? The keys allowed here are: id, kind, title, summary, parent, release, phases, owner."),
        )],
    );
}

#[test]
fn version_disagrees_with_its_file_name() {
    let site = published();
    let root = site.path();
    edit(root, SVTAD_V10, "version = \"1.0\"", "version = \"1.1\"");
    let (line, col) = pos_of(root, SVTAD_V10, "\"1.1\"");
    assert_rejected(
        root,
        &[diag(
            "version-mismatch",
            SVTAD_V10,
            line,
            col,
            "the front matter says version 1.1 but the file is named v1.0.md",
            Some("rename the file to v1.1.md, or set version = \"1.0\""),
        )],
    );
}

// --- Between files -------------------------------------------------------------------

#[test]
fn two_documents_with_one_id() {
    let site = published();
    let root = site.path();
    // A document folder copied to start a new one, its id not yet changed.
    let copy = root.join("content/prog/svtad-copy");
    fs::create_dir(&copy).unwrap();
    copy_dir(&root.join("content/prog/svtad"), &copy);
    let copy_doc = "content/prog/svtad-copy/document.toml";
    let (line, col) = pos_of(root, copy_doc, "\"P-SVTAD\"");
    assert_rejected(
        root,
        &[diag(
            "duplicate-document",
            copy_doc,
            line,
            col,
            "the document id P-SVTAD is also used by content/prog/svtad/document.toml",
            Some("every document needs its own id; change one of them"),
        )],
    );
}

#[test]

fn two_documents_with_one_id_reports_only_that() {
    let site = published();
    let root = site.path();
    edit(root, TAD_DOC, "id = \"P-TAD\"", "id = \"P-SVTAD\"");
    let (line, col) = pos_of(root, TAD_DOC, "\"P-SVTAD\"\nkind");
    assert_rejected(
        root,
        &[diag(
            "duplicate-document",
            TAD_DOC,
            line,
            col,
            "the document id P-SVTAD is also used by content/prog/svtad/document.toml",
            Some("every document needs its own id; change one of them"),
        )],
    );
}

#[test]
fn two_clauses_with_one_number() {
    let site = published();
    let root = site.path();
    let (first, _) = pos_of(root, SVTAD_V10, "2.1 DCC shall test");
    append(root, SVTAD_V10, b"\n2.1 DCC shall also test again.\n");
    let (line, col) = pos_of(root, SVTAD_V10, "2.1 DCC shall also");
    assert_rejected(
        root,
        &[diag(
            "duplicate-clause",
            SVTAD_V10,
            line,
            col,
            "clause 2.1 is numbered twice in this version",
            Some(&format!(
                "clause 2.1 is already at line {first}; renumber one of them (an inserted clause takes a letter, such as 2.1A)"
            )),
        )],
    );
}

#[test]
fn unresolved_clause_reference_names_the_nearest_clauses() {
    let site = published();
    let root = site.path();
    edit(root, TAD_V10, "[[P-SVTAD 2.1]]", "[[P-SVTAD 2.9]]");
    let (line, col) = pos_of(root, TAD_V10, "[[P-SVTAD 2.9]]");
    assert_rejected(
        root,
        &[diag(
            "unresolved-reference",
            TAD_V10,
            line,
            col,
            "`[[P-SVTAD 2.9]]`: P-SVTAD version 1.0 has no clause 2.9",
            Some("did you mean `P-SVTAD 2`, `P-SVTAD 2.1` or `P-SVTAD 2.2`?"),
        )],
    );
}

#[test]
fn reference_to_an_unknown_document_suggests_the_ids_meant() {
    let site = published();
    let root = site.path();
    edit(root, TAD_V10, "of [[P-SVTAD]]", "of [[P-SVTDA]]");
    let (line, col) = pos_of(root, TAD_V10, "[[P-SVTDA]]");
    assert_rejected(
        root,
        &[diag(
            "unresolved-reference",
            TAD_V10,
            line,
            col,
            "`[[P-SVTDA]]`: there is no document P-SVTDA",
            Some("did you mean `P-SVTAD` or `P-TAD`?"),
        )],
    );
}

#[test]

fn reference_to_an_unknown_document_always_says_what_exists() {
    let site = published();
    let root = site.path();
    edit(root, TAD_V10, "of [[P-SVTAD]]", "of [[ZZZ]]");
    let (line, col) = pos_of(root, TAD_V10, "[[ZZZ]]");
    let (mut diags, code) = check_json(root);
    assert_eq!(code, 1);
    // The wording of the help is for the maintainers to choose; it must name the ids.
    let help = diags[0]["help"].take();
    let help = help.as_str().unwrap_or_default();
    assert!(
        help.contains("`P-SVTAD`") && help.contains("`P-TAD`"),
        "the help should name the documents there are, got {help:?}"
    );
    diags[0].as_object_mut().unwrap().remove("help");
    assert_diags(
        &diags,
        &[diag(
            "unresolved-reference",
            TAD_V10,
            line,
            col,
            "`[[ZZZ]]`: there is no document ZZZ",
            None,
        )],
    );
}

// --- Unreadable files ------------------------------------------------------------------

#[test]
fn file_that_is_not_utf8() {
    let site = published();
    let root = site.path();
    let lines = line_count(root, SVTAD_V01) as u64;
    append(root, SVTAD_V01, b"\n2.2 The \xff byte.\n");
    assert_rejected(
        root,
        &[diag(
            "not-utf8",
            SVTAD_V01,
            // The blank line, then the line with the bad byte as its 9th character.
            lines + 2,
            9,
            "this file is not UTF-8 text: byte 0xFF cannot start a character",
            Some(UTF8_HELP),
        )],
    );
}

#[test]

fn only_version_not_utf8_reports_only_that() {
    let site = published();
    let root = site.path();
    let lines = line_count(root, TAD_V10) as u64;
    append(root, TAD_V10, b"\n1.5 The \xff byte.\n");
    assert_rejected(
        root,
        &[diag(
            "not-utf8",
            TAD_V10,
            lines + 2,
            9,
            "this file is not UTF-8 text: byte 0xFF cannot start a character",
            Some(UTF8_HELP),
        )],
    );
}

#[test]

fn latin1_file_is_described_truthfully() {
    let site = published();
    let root = site.path();
    let lines = line_count(root, SVTAD_V01) as u64;
    // "été" in UTF-8 and then in Latin-1, as when text is pasted from an old file.
    append(root, SVTAD_V01, b"\n2.2 The \xc3\xa9t\xc3\xa9 \xe9t\xe9.\n");
    let (mut diags, code) = check_json(root);
    assert_eq!(code, 1);
    let message = diags[0]["message"].take();
    let message = message.as_str().unwrap_or_default();
    assert!(
        message.starts_with("this file is not UTF-8 text: byte 0xE9")
            && !message.contains("cannot start a character"),
        "{message:?}"
    );
    diags[0]["message"] = Value::from("(checked above)");
    assert_diags(
        &diags,
        &[diag(
            "not-utf8",
            SVTAD_V01,
            lines + 2,
            // `2.2 The été ` is 12 characters.
            13,
            "(checked above)",
            Some(UTF8_HELP),
        )],
    );
}

#[test]
fn empty_version_file() {
    let site = published();
    let root = site.path();
    fs::write(root.join(SVTAD_V01), "").unwrap();
    assert_rejected(
        root,
        &[diag(
            "empty-file",
            SVTAD_V01,
            0,
            0,
            "this file is empty",
            Some(EMPTY_VERSION_HELP),
        )],
    );
}

#[test]

fn only_version_empty_reports_only_that() {
    let site = published();
    let root = site.path();
    fs::write(root.join(TAD_V10), "").unwrap();
    assert_rejected(
        root,
        &[diag(
            "empty-file",
            TAD_V10,
            0,
            0,
            "this file is empty",
            Some(EMPTY_VERSION_HELP),
        )],
    );
}

#[test]
fn huge_version_file_is_refused_quickly() {
    let site = published();
    let root = site.path();
    let rel = "content/prog/svtad/v2.0.md";
    // 50 MiB of well-formed content: a front matter and then clauses.
    let mut text = String::from(
        "+++\nversion = \"2.0\"\nstatus = \"draft\"\npublished = 2025-01-01\nchange_mechanism = \"minor-typographical\"\nchange_summary = \"Huge.\"\n+++\n\n",
    );
    let line = "9.1 DCC shall test the changes in PIT and SIT, and report each Testing Issue.\n\n";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(line);
    }
    text.truncate(50 * 1024 * 1024);
    fs::write(root.join(rel), &text).unwrap();
    drop(text);

    let started = Instant::now();
    assert_rejected(
        root,
        &[diag(
            "file-too-large",
            rel,
            0,
            0,
            "this file is 50.0 MiB; source files may be at most 8 MiB",
            Some("split the document into smaller versions or move data out of it"),
        )],
    );
    // Two checks and a build of the small fixture; the huge file is never read.
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(10),
        "refusing the file took {took:?}"
    );
}

// --- Output ----------------------------------------------------------------------------

#[test]
fn output_path_that_is_a_regular_file() {
    let site = fixture("minimal");
    let root = site.path();
    let output = root.join("site.txt");
    fs::write(&output, "not a folder\n").unwrap();
    let names_before = names_in(root);

    let out = build(root, &["--output", output.to_str().unwrap()]);
    let p = output.display();
    assert_eq!(code(&out), 1);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        format!(
            "error[write-failed]: the output {p} exists and is not a folder\n \
             = in {p}\n \
             = help: remove it, or choose another --output\n\
             \n\
             1 error, 0 warnings: build failed; nothing was published\n"
        )
    );
    assert_eq!(fs::read_to_string(&output).unwrap(), "not a folder\n");
    assert_eq!(
        names_in(root),
        names_before,
        "the build left files beside the output"
    );
}

/// A template that compiles but fails while a page renders: the build stops after it has
/// started writing, so this is the case where the staging folder must be cleaned up.
fn break_page_template(root: &Path) {
    fs::create_dir(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ no_such_value.title }}{% endblock content %}\n",
    )
    .unwrap();
}

const TEMPLATE_FAILED: &str = "the template page.html failed: Failed to render 'page.html': Variable `no_such_value.title` not found in context while rendering 'page.html'";

#[test]
fn template_that_fails_while_rendering() {
    let site = published();
    let root = site.path();
    break_page_template(root);
    let stderr = assert_build_fails(root, &[], &[("template-error", TEMPLATE_FAILED)], 0);
    assert!(
        stderr.contains(" = in templates/page.html\n = help: fix the template, or delete your override to use the theme's\n"),
        "{stderr}"
    );
}

#[test]

fn check_reports_a_template_that_fails_while_rendering() {
    let site = published();
    let root = site.path();
    break_page_template(root);
    let (diags, code) = check_json(root);
    assert_diags(
        &diags,
        &[diag(
            "template-error",
            "templates/page.html",
            0,
            0,
            TEMPLATE_FAILED,
            Some("fix the template, or delete your override to use the theme's"),
        )],
    );
    assert_eq!(code, 1);
}

// --- Between documents: parent, release, phases, terms, malformed references ------------

#[test]
fn unknown_parent_release_and_phase_are_each_reported_at_their_key() {
    let site = published();
    let root = site.path();
    edit(
        root,
        TAD_DOC,
        "parent = \"P-SVTAD\"",
        "parent = \"P-SVTDA\"",
    );
    edit(root, TAD_DOC, "release = \"R1\"", "release = \"R9\"");
    edit(root, TAD_DOC, "phases = [\"PIT\"]", "phases = [\"UIT\"]");
    // The TAD's `[[term:Testing Issue]]` now has no parent to find the term in; that is
    // a consequence of the parent error, not another error to report.
    assert_rejected(
        root,
        &[
            diag(
                "unknown-parent",
                TAD_DOC,
                5,
                10,
                "there is no document P-SVTDA to be this document's parent",
                Some("did you mean `P-SVTAD`?"),
            ),
            diag(
                "unknown-release",
                TAD_DOC,
                6,
                11,
                "the programme PROG declares no release R9",
                Some("known releases: `R1`"),
            ),
            diag(
                "unknown-phase",
                TAD_DOC,
                7,
                10,
                "the programme PROG declares no phase UIT",
                Some("did you mean `PIT` or `SIT`?"),
            ),
        ],
    );
}

#[test]
fn malformed_reference() {
    let site = published();
    let root = site.path();
    edit(root, TAD_V10, "[[P-SVTAD 2.1]]", "[[P-SVTAD 2.x]]");
    let (line, col) = pos_of(root, TAD_V10, "[[P-SVTAD 2.x]]");
    assert_rejected(
        root,
        &[diag(
            "malformed-reference",
            TAD_V10,
            line,
            col,
            "`[[P-SVTAD 2.x]]` is not a reference attest understands: `2.x` is not a clause number such as 4.2 or 4.2A",
            Some("write [[DOC-ID]], [[DOC-ID 4.2]], [[term:Defined Term]] or [[def:Defined Term]]"),
        )],
    );
}

#[test]
fn missing_document_toml() {
    let site = published();
    let root = site.path();
    fs::remove_file(root.join(TAD_DOC)).unwrap();
    assert_rejected(
        root,
        &[diag(
            "missing-file",
            TAD_DOC,
            0,
            0,
            "the document folder `tad` has no document.toml",
            Some("create it with at least `id`, `kind` and `title`; see the README"),
        )],
    );
}

#[test]
fn one_run_reports_every_problem_in_file_order() {
    let site = published();
    let root = site.path();
    edit(root, TAD_DOC, "title = ", "titel = ");
    edit(root, TAD_V10, "[[P-SVTAD 2.1]]", "[[P-SVTAD 2.9]]");
    edit(root, SVTAD_V01, "status = ", "statuss = ");
    let (diags, code) = check_json(root);
    assert_eq!(code, 1);
    let found: Vec<(String, String)> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [(SVTAD_V01, "unknown-key"), (TAD_DOC, "unknown-key")];
    // The TAD's document.toml is broken, so its version is not checked against it; the
    // SVTAD's v0.1 is not the version in force, so the TAD's references still resolve
    // against v1.0, and its unresolved one is reported only once the TAD is readable.
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn duplicate_term_definition_is_a_warning_and_the_build_goes_on() {
    let site = published();
    let root = site.path();
    edit(
        root,
        SVTAD_V10,
        "- **Testing Issue** means",
        "- **Testing Issue** means a fault.\n- **Testing Issue** means",
    );
    let (line, col) = pos_of(root, SVTAD_V10, "**Testing Issue** means a fault.");
    let (diags, check_code) = check_json(root);
    assert_eq!(check_code, 0, "a warning does not fail the check");
    let mut expected = diag(
        "duplicate-term",
        SVTAD_V10,
        line + 1,
        col,
        "the term `Testing Issue` is defined twice in this version",
        Some(&format!(
            "it is first defined at line {line}; keep one definition"
        )),
    );
    expected["severity"] = Value::from("warning");
    assert_diags(&diags, &[expected]);
    let out = build(root, &[]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stderr).contains("warning[duplicate-term]"));
}
