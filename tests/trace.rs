//! Traceability: requirements, scenarios, cases, coverage and results from CSV and TOML
//! tables, linked both ways with each other and with the clauses they come from; the
//! matrix, the pages, the exports, and every way the tables can be wrong.
//!
//! The fixture `tests/fixtures/trace` has a specification (P-SPEC) whose version 1.1
//! amends clause 1.2 and whose draft 2.0 removes clause 1.3, and a CTD whose trace has
//! one gap (REQ-B-001), one suspect trace (REQ-A-002, reviewed before 1.1), one
//! requirement judged not testable, cases that inherit their scenario's requirements,
//! and two result snapshots.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use common::*;

/// The build date: version 1.1 of P-SPEC is in force, 2.0 is a draft.
const DATE: &str = "2025-10-01";

const REQS: &str = "content/prog/ctd/trace/requirements.csv";
const SCENARIOS: &str = "content/prog/ctd/trace/scenarios.csv";
const CASES: &str = "content/prog/ctd/trace/cases.toml";
const COVERAGE: &str = "content/prog/ctd/trace/coverage.csv";
const RESULTS: &str = "content/prog/ctd/trace/results/2025-08-01.csv";

/// A copy of the trace fixture with a good build in `public/`.
fn published() -> TempDir {
    let site = fixture("trace");
    build_ok(site.path(), &["--date", DATE]);
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    fs::read_to_string(site.path().join("public").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fixture's two deliberate warnings.
fn fixture_warnings() -> Vec<Value> {
    vec![
        warning(
            "suspect-trace",
            COVERAGE,
            3,
            19,
            "the trace of REQ-A-002 was reviewed on 2025-03-01, before P-SPEC 1.2 changed in version 1.1 (in force from 2025-06-01)",
            Some("review the trace against the clause as it now stands, then set `reviewed` to the date of that review"),
        ),
        warning(
            "uncovered-requirement",
            REQS,
            4,
            1,
            "no scenario or case covers REQ-B-001",
            Some("add it to the `covers` of a test, or give it a coverage row of `deferred` or `not-testable` with a rationale"),
        ),
    ]
}

#[test]
fn the_fixture_warns_of_its_gap_and_its_suspect_trace_only() {
    let site = fixture("trace");
    let (diags, code) = check_json_with(site.path(), &["--date", DATE]);
    assert_diags(&diags, &fixture_warnings());
    assert_eq!(code, 0);
}

#[test]
fn a_newer_review_clears_the_suspect_trace() {
    let site = fixture("trace");
    edit(
        site.path(),
        COVERAGE,
        "partial,2025-03-01",
        "partial,2025-06-02",
    );
    let (diags, _) = check_json_with(site.path(), &["--date", DATE]);
    assert_diags(&diags, &fixture_warnings()[1..]);
}

#[test]
fn exports_have_stable_columns_and_exact_rows() {
    let site = published();
    assert_eq!(
        page(&site, "prog/trace/requirements.csv"),
        "id,title,source,source_url,component,release,scenarios,cases,phases,coverage,status,reviewed,suspect,latest_result,url
REQ-A-001,Alpha logs in,P-SPEC 1.1,/prog/spec/v1.1/#clause-1.1,A,R1,TS-PIT-001;TS-SIT-001,TC-PIT-001-01;TC-SIT-001-01,PIT;SIT,full,full,2025-07-01,false,blocked,/prog/trace/requirements/REQ-A-001/
REQ-A-002,Alpha logs out,P-SPEC 1.2,/prog/spec/v1.1/#clause-1.2,A,R1,TS-PIT-001,TC-PIT-001-01;TC-PIT-001-02,PIT,partial,partial,2025-03-01,true,passed,/prog/trace/requirements/REQ-A-002/
REQ-B-001,Beta reports daily,P-SPEC 1.3,/prog/spec/v1.1/#clause-1.3,B,R1,,,,,uncovered,,false,,/prog/trace/requirements/REQ-B-001/
REQ-B-002,Beta's certificate is valid,P-SPEC 1.3,/prog/spec/v1.1/#clause-1.3,B,R1,,,,not-testable,not-testable,2025-07-01,false,,/prog/trace/requirements/REQ-B-002/
"
    );
    // A case with no `covers` covers its scenario's requirements.
    assert_eq!(
        page(&site, "prog/trace/tests.csv"),
        "id,level,title,phase,scenario,covers,latest_result,url
TC-PIT-001-01,case,\"Log in, then out\",PIT,TS-PIT-001,REQ-A-001;REQ-A-002,passed,/prog/trace/tests/TC-PIT-001-01/
TC-PIT-001-02,case,Log out ends the other sessions,PIT,TS-PIT-001,REQ-A-002,passed,/prog/trace/tests/TC-PIT-001-02/
TC-SIT-001-01,case,Log in through the portal,SIT,TS-SIT-001,REQ-A-001,blocked,/prog/trace/tests/TC-SIT-001-01/
TS-PIT-001,scenario,Log in and out,PIT,,REQ-A-001;REQ-A-002,,/prog/trace/tests/TS-PIT-001/
TS-SIT-001,scenario,Log in across systems,SIT,,REQ-A-001,,/prog/trace/tests/TS-SIT-001/
"
    );
    assert_eq!(
        page(&site, "prog/trace/results.csv"),
        "date,test,result,note
2025-05-01,TC-PIT-001-01,failed,TI-001 raised
2025-05-01,TC-PIT-001-02,passed,
2025-08-01,TC-PIT-001-01,passed,TI-001 closed
2025-08-01,TC-SIT-001-01,blocked,Portal down
"
    );
    assert_eq!(
        page(&site, "prog/trace/figures.csv"),
        "group,key,requirements,traced,full,partial,not_reviewed,deferred,not_testable,uncovered,suspect
all,,4,2,1,1,0,0,1,1,1
release,R1,4,2,1,1,0,0,1,1,1
component,A,2,2,1,1,0,0,0,0,1
component,B,2,0,0,0,0,0,1,1,0
phase,PIT,2,2,1,1,0,0,0,0,1
phase,SIT,1,1,1,0,0,0,0,0,0
"
    );
    // Each JSON export has the CSV's columns as its keys, in the same order.
    for name in ["requirements", "tests", "coverage", "results", "figures"] {
        let csv = page(&site, &format!("prog/trace/{name}.csv"));
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let json: Value =
            serde_json::from_str(&page(&site, &format!("prog/trace/{name}.json"))).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), csv.lines().count() - 1, "{name}");
        let keys: Vec<&str> = rows[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted_header = header.clone();
        sorted_header.sort_unstable();
        let mut sorted_keys = keys.clone();
        sorted_keys.sort_unstable();
        assert_eq!(sorted_keys, sorted_header, "{name}");
    }
}

#[test]
fn a_requirement_page_links_its_clause_its_tests_and_its_results() {
    let site = published();
    let html = page(&site, "prog/trace/requirements/REQ-A-002/index.html");
    let main = main_of(&html);
    assert!(main.contains("<h1 class=\"heading-l\">Alpha logs out</h1>"));
    assert!(main.contains(
        "<a href=\"/prog/spec/v1.1/#clause-1.2\">P-SPEC 1.2</a> <span class=\"secondary-text\">(Specification, version 1.1)</span>"
    ));
    assert!(main.contains("<strong>Suspect trace:</strong> the source clause changed in version 1.1 (in force from 1 June 2025) after this trace was last reviewed on 1 March 2025."));
    assert!(main.contains("<strong class=\"tag tag--yellow\">Partly covered</strong> <span class=\"secondary-text\">reviewed <time datetime=\"2025-03-01\">1 March 2025</time></span>"));
    // Scenarios first, then cases; the first case covers it through its scenario.
    let tests: Vec<&str> = lines_with(
        between(main, "id=\"tests\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(
        tests,
        vec![
            "<tr><th scope=\"row\"><a href=\"/prog/trace/tests/TS-PIT-001/\">TS-PIT-001</a> <span class=\"table__secondary\">Log in and out</span></th><td>Test scenario</td><td>PIT</td><td><strong class=\"tag tag--grey\">No result</strong></td></tr>",
            "<tr><th scope=\"row\"><a href=\"/prog/trace/tests/TC-PIT-001-01/\">TC-PIT-001-01</a> <span class=\"table__secondary\">Log in, then out</span></th><td>Test case</td><td>PIT</td><td><strong class=\"tag tag--green\">Passed</strong></td></tr>",
            "<tr><th scope=\"row\"><a href=\"/prog/trace/tests/TC-PIT-001-02/\">TC-PIT-001-02</a> <span class=\"table__secondary\">Log out ends the other sessions</span></th><td>Test case</td><td>PIT</td><td><strong class=\"tag tag--green\">Passed</strong></td></tr>",
        ]
    );
    // Results over time: a column a snapshot, a dash where a test has no result.
    let grid = between(main, "id=\"results\"", "</table>");
    assert!(grid.contains("<th scope=\"col\"><time datetime=\"2025-05-01\">1 May 2025</time></th><th scope=\"col\"><time datetime=\"2025-08-01\">1 August 2025</time></th>"));
    assert!(grid.contains("<tr><th scope=\"row\"><a href=\"/prog/trace/tests/TC-PIT-001-02/\">TC-PIT-001-02</a></th><td><strong class=\"tag tag--green\">Passed</strong></td><td><span class=\"secondary-text\">–<span class=\"visually-hidden\">no result</span></span></td></tr>"));
}

#[test]
fn a_test_page_lists_what_it_covers_and_its_results_newest_first() {
    let site = published();
    let html = page(&site, "prog/trace/tests/TC-PIT-001-01/index.html");
    let main = main_of(&html);
    assert!(
        main.contains("<a href=\"/prog/trace/tests/TS-PIT-001/\">TS-PIT-001: Log in and out</a>")
    );
    assert!(main.contains(
        "This case names no requirement of its own, so it covers those of its scenario."
    ));
    let reqs = lines_with(
        between(main, "id=\"requirements\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].starts_with(
        "<tr><th scope=\"row\"><a href=\"/prog/trace/requirements/REQ-A-001/\">REQ-A-001</a>"
    ));
    assert!(reqs[1].starts_with(
        "<tr><th scope=\"row\"><a href=\"/prog/trace/requirements/REQ-A-002/\">REQ-A-002</a>"
    ));
    let results = lines_with(between(main, "id=\"results\"", "</table>"), "<td><time");
    assert_eq!(
        results,
        vec![
            "<tr><td><time datetime=\"2025-08-01\">1 August 2025</time></td><td><strong class=\"tag tag--green\">Passed</strong></td><td>TI-001 closed</td></tr>",
            "<tr><td><time datetime=\"2025-05-01\">1 May 2025</time></td><td><strong class=\"tag tag--red\">Failed</strong></td><td>TI-001 raised</td></tr>",
        ]
    );
}

#[test]
fn the_clause_in_force_lists_the_requirements_traced_to_it() {
    let site = published();
    let current = page(&site, "prog/spec/index.html");
    assert!(current.contains("<details class=\"traced-by\"><summary>Traced by 1 requirement<span class=\"visually-hidden\"> to clause 1.2</span></summary><ul class=\"traced-by__list\"><li><a href=\"/prog/trace/requirements/REQ-A-002/\">REQ-A-002</a> Alpha logs out</li></ul></details>"));
    assert!(current.contains("<summary>Traced by 2 requirements<span class=\"visually-hidden\"> to clause 1.3</span></summary>"));
    // The version's own page is the same text, with the same list.
    let v11 = page(&site, "prog/spec/v1.1/index.html");
    assert!(v11.contains("<summary>Traced by 1 requirement<span class=\"visually-hidden\"> to clause 1.2</span></summary>"));
    // Earlier and later versions are not what the trace cites.
    for v in ["v1.0", "v2.0"] {
        let html = page(&site, &format!("prog/spec/{v}/index.html"));
        assert!(!html.contains("traced-by"), "{v} shows a trace");
    }
}

#[test]
fn references_to_requirements_and_tests_are_checked_links() {
    let site = published();
    let about = page(&site, "about/index.html");
    assert!(about
        .contains("<a class=\"xref\" href=\"/prog/trace/requirements/REQ-A-002/\">REQ-A-002</a>"));
    assert!(about
        .contains("<a class=\"xref\" href=\"/prog/trace/tests/TC-SIT-001-01/\">TC-SIT-001-01</a>"));

    let site = fixture("trace");
    edit(
        site.path(),
        "content/pages/about.md",
        "[[REQ-A-002]]",
        "[[REQ-A-020]]",
    );
    let (line, col) = pos_of(site.path(), "content/pages/about.md", "[[REQ-A-020]]");
    let (diags, code) = check_json_with(site.path(), &["--date", DATE]);
    let mut expected = fixture_warnings();
    expected.insert(
        0,
        diag(
            "unresolved-reference",
            "content/pages/about.md",
            line,
            col,
            "`[[REQ-A-020]]`: there is no document, requirement or test REQ-A-020",
            Some("did you mean `REQ-A-002`, `REQ-A-001` or `REQ-B-002`?"),
        ),
    );
    assert_diags(&diags, &expected);
    assert_eq!(code, 1);
}

#[test]
fn version_changes_show_what_they_do_to_the_trace() {
    let site = published();
    // Version 1.1 amended clause 1.2, which REQ-A-002 comes from.
    let changes = page(&site, "prog/spec/v1.1/changes/index.html");
    let impact = between(&changes, "id=\"coverage-impact\"", "</section>");
    assert!(impact.contains("1 requirement comes from clauses this change touches."));
    assert_eq!(
        lines_with(impact, "<th scope=\"row\">"),
        vec!["<tr><th scope=\"row\"><a href=\"/prog/trace/requirements/REQ-A-002/\">REQ-A-002</a> <span class=\"table__secondary\">Alpha logs out</span></th><td>1.2</td><td>Amended</td><td><strong class=\"tag tag--yellow\">Partly covered</strong></td></tr>"]
    );
    // The draft 2.0 removes clause 1.3: both its requirements would lose their source.
    let overview = page(&site, "prog/trace/index.html");
    let pending = between(&overview, "id=\"impact\"", "</section>");
    assert!(pending.contains("<a href=\"/prog/spec/v2.0/compare/\">P-SPEC version 2.0</a> <strong class=\"tag tag--yellow\">Draft for consultation</strong> would change the source clause of 2 requirements, and remove it for 2:"));
    let rows = lines_with(pending, "<th scope=\"row\">");
    assert_eq!(rows.len(), 2);
    for (row, id) in rows.iter().zip(["REQ-B-001", "REQ-B-002"]) {
        assert!(row.contains(&format!(">{id}</a>")), "{row}");
        assert!(row.contains("<td>1.3</td><td>Removed: <strong>the requirement loses its source clause</strong></td>"), "{row}");
    }
}

#[test]
fn the_overview_counts_by_release_component_and_phase() {
    let site = published();
    let html = page(&site, "prog/trace/index.html");
    let phases = lines_with(
        between(&html, "id=\"by-phase\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(
        phases,
        vec![
            "<tr><th scope=\"row\"><a href=\"/prog/trace/phase/pit/\">Pre-Integration Testing (PIT)</a></th><td>2</td><td>1</td><td>2</td><td>2</td><td>0</td><td>0</td><td>0</td></tr>",
            "<tr><th scope=\"row\"><a href=\"/prog/trace/phase/sit/\">Systems Integration Testing (SIT)</a></th><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td></tr>",
        ]
    );
    let components = lines_with(
        between(&html, "id=\"by-component\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(components[0], "<tr><th scope=\"row\"><a href=\"/prog/trace/component/a/\">Alpha (A)</a></th><td>2</td><td>2 <span class=\"secondary-text\">(100%)</span></td><td>1 <span class=\"secondary-text\">(50%)</span></td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>");
    let uncovered = page(&site, "prog/trace/uncovered/index.html");
    assert!(uncovered.contains("Showing 1 to 1 of 1 requirement."));
    assert!(uncovered.contains("<a href=\"/prog/trace/requirements/REQ-B-001/\">REQ-B-001</a>"));
}

#[test]
fn a_large_matrix_is_paged_and_every_page_links_the_others() {
    let site = fixture("trace");
    let mut csv = String::from("id,title,source,component,release\n");
    for i in 1..=250 {
        csv.push_str(&format!("REQ-A-{i:03},Requirement {i},P-SPEC 1.1,A,R1\n"));
    }
    fs::write(site.path().join(REQS), csv).unwrap();
    fs::write(
        site.path().join(COVERAGE),
        "requirement,coverage,reviewed\n",
    )
    .unwrap();
    let all: Vec<String> = (1..=250).map(|i| format!("REQ-A-{i:03}")).collect();
    fs::write(
        site.path().join(SCENARIOS),
        format!(
            "id,title,phase,covers\nTS-PIT-001,All,PIT,{}\n",
            all.join(";")
        ),
    )
    .unwrap();
    fs::write(
        site.path().join(CASES),
        "[[case]]\nid = \"TC-PIT-001-01\"\ntitle = \"One\"\nphase = \"PIT\"\nscenario = \"TS-PIT-001\"\n",
    )
    .unwrap();
    for file in ["2025-05-01.csv", "2025-08-01.csv"] {
        fs::write(
            site.path()
                .join("content/prog/ctd/trace/results")
                .join(file),
            "test,result\nTC-PIT-001-01,passed\n",
        )
        .unwrap();
    }
    fs::write(
        site.path().join("content/pages/about.md"),
        "+++\ntitle = \"About\"\n+++\n\nSee [[REQ-A-250]].\n",
    )
    .unwrap();
    build_ok(site.path(), &["--date", DATE]);
    let p3 = fs::read_to_string(site.path().join("public/prog/trace/matrix/3/index.html")).unwrap();
    assert!(p3.contains("Showing 201 to 250 of 250 requirements."));
    assert!(p3.contains("<title>Traceability matrix (page 3 of 3) – Trace fixture</title>"));
    assert_eq!(
        lines_with(between(&p3, "<nav class=\"pagination\"", "</nav>"), "<li"),
        vec![
            "<li class=\"pagination__prev\"><a href=\"/prog/trace/matrix/2/\" rel=\"prev\">Previous<span class=\"visually-hidden\"> page</span></a></li>",
            "<li class=\"pagination__item\"><a href=\"/prog/trace/matrix/\" aria-label=\"Page 1\">1</a></li>",
            "<li class=\"pagination__item\"><a href=\"/prog/trace/matrix/2/\" aria-label=\"Page 2\">2</a></li>",
            "<li class=\"pagination__item\"><a href=\"/prog/trace/matrix/3/\" aria-current=\"page\" aria-label=\"Page 3\">3</a></li>",
        ]
    );
    assert!(!site.path().join("public/prog/trace/matrix/4").exists());
    let first =
        fs::read_to_string(site.path().join("public/prog/trace/matrix/index.html")).unwrap();
    assert_eq!(
        first
            .matches("<tr>\n              <th scope=\"row\">")
            .count(),
        100
    );
    let (broken, _) = broken_links(&site.path().join("public"), "/");
    assert_eq!(broken, vec![]);
}

#[test]
fn tables_may_be_toml_or_csv_but_not_both() {
    let site = published();
    let root = site.path();
    fs::write(
        root.join("content/prog/ctd/trace/cases.csv"),
        "id,title,phase\n",
    )
    .unwrap();
    assert_rejected(
        root,
        &[diag(
            "duplicate-table",
            "content/prog/ctd/trace/cases.toml",
            0,
            0,
            "this table is also given as content/prog/ctd/trace/cases.csv",
            Some("keep one of the two files; a table is either CSV or TOML"),
        )],
    );
}

// --- Bad input: every case gives file, line, column and what to do, and the previous
// site stays as it was. ----------------------------------------------------------------

/// Asserts that check reports `errors` (with the fixture's warnings) and exits 1, and
/// that build fails without touching the published site.
fn assert_rejected(root: &Path, errors: &[Value]) {
    let (diags, code) = check_json_with(root, &["--date", DATE]);
    // A broken table leaves the trace incomplete, so which warnings remain depends on
    // the error: the errors are compared exactly, the warnings counted.
    let all = diags.as_array().unwrap();
    let actual: Vec<Value> = all
        .iter()
        .filter(|d| d["severity"] == "error")
        .cloned()
        .collect();
    assert_diags(&Value::Array(actual), errors);
    assert_eq!(code, 1);
    let warnings = all.len() - errors.len();
    let errors: Vec<(&str, &str)> = errors
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_build_fails(root, &["--date", DATE], &errors, warnings);
}

#[test]
fn a_missing_column() {
    let site = published();
    edit(
        site.path(),
        REQS,
        "id,title,source,component,release,description",
        "id,title,source,release,description",
    );
    assert_rejected(
        site.path(),
        &[diag(
            "csv-missing-column",
            REQS,
            1,
            1,
            "the requirement table has no column `component`, which is required",
            Some("add `component` to the header row; the required columns are `id`, `title`, `source`, `component` and `release`"),
        )],
    );
}

#[test]
fn an_extra_column_and_an_extra_field() {
    let site = published();
    edit(
        site.path(),
        SCENARIOS,
        "id,title,phase,covers",
        "id,title,phase,covers,owner",
    );
    let (line, col) = pos_of(site.path(), SCENARIOS, "owner");
    assert_rejected(
        site.path(),
        &[diag(
            "csv-unknown-column",
            SCENARIOS,
            line,
            col,
            "unknown column `owner` in a scenario table",
            Some("the columns allowed are `id`, `title`, `phase`, `covers`, `description`"),
        )],
    );

    let site = published();
    edit(
        site.path(),
        SCENARIOS,
        "Log in across systems,SIT",
        "Log in, across systems,SIT",
    );
    // The row's fifth field is where it outgrows the header.
    let (line, col) = pos_of(site.path(), SCENARIOS, "SIT,REQ-A-001");
    let col = col + 4;
    assert_rejected(
        site.path(),
        &[diag(
            "csv-field-count",
            SCENARIOS,
            line,
            col,
            "this row has 5 fields but the header has 4",
            Some("a field with a comma in it must be in double quotes: \"a, b\""),
        )],
    );
}

#[test]
fn a_quoted_field_with_a_line_break() {
    let site = published();
    edit(
        site.path(),
        REQS,
        "REQ-A-002,Alpha logs out",
        "\"REQ-A-002,Alpha logs out",
    );
    let (line, col) = pos_of(site.path(), REQS, "\"REQ-A-002");
    assert_rejected(
        site.path(),
        &[diag(
            "csv-multiline-field",
            REQS,
            line,
            col,
            "the `id` field runs from line 3 to line 5: a quote opened here is not closed where it should be",
            Some("close the quote, or remove the line break; only `description` may run over several lines"),
        )],
    );
}

#[test]
fn a_byte_order_mark_is_read_past() {
    // Excel's "CSV UTF-8" starts with one; the first column is still `id`.
    let site = fixture("trace");
    let path = site.path().join(REQS);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fs::read(&path).unwrap());
    fs::write(&path, bytes).unwrap();
    let (diags, code) = check_json_with(site.path(), &["--date", DATE]);
    assert_diags(&diags, &fixture_warnings());
    assert_eq!(code, 0);
    // A UTF-16 file, which Excel's "Unicode text" writes, is refused by name.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("id,title\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    fs::write(&path, utf16).unwrap();
    let (diags, _) = check_json_with(site.path(), &["--date", DATE]);
    assert_eq!(
        diags[0],
        diag(
            "not-utf8",
            REQS,
            0,
            0,
            "this file is UTF-16 text; attest reads UTF-8",
            Some("save it as UTF-8 (in Excel: \"CSV UTF-8 (comma delimited)\")"),
        )
    );
}

#[test]
fn a_duplicate_header() {
    let site = published();
    edit(
        site.path(),
        COVERAGE,
        "requirement,coverage,reviewed,rationale,risk,mitigation",
        "requirement,coverage,reviewed,rationale,risk,rationale",
    );
    assert_rejected(
        site.path(),
        &[diag(
            "csv-duplicate-column",
            COVERAGE,
            1,
            46,
            "the column `rationale` appears twice: columns 4 and 6",
            Some("delete or rename one of them; each column may appear once"),
        )],
    );
}

#[test]
fn an_empty_id() {
    let site = published();
    edit(site.path(), REQS, "REQ-B-002,", ",");
    let (line, _) = pos_of(site.path(), REQS, ",\"Beta's");
    assert_rejected(
        site.path(),
        &[diag(
            "empty-field",
            REQS,
            line,
            1,
            "this requirement has no `id`",
            Some("fill in `id`: every requirement needs one"),
        )],
    );
}

#[test]
fn a_coverage_value_outside_the_vocabulary() {
    let site = published();
    edit(site.path(), COVERAGE, "REQ-A-001,full,", "REQ-A-001,ful,");
    let (line, col) = pos_of(site.path(), COVERAGE, "ful,");
    assert_rejected(
        site.path(),
        &[diag(
            "invalid-value",
            COVERAGE,
            line,
            col,
            "`ful` is not a coverage value",
            Some(
                "did you mean `full`? The values are full, partial, none, not-testable, deferred.",
            ),
        )],
    );
}

#[test]
fn a_date_that_is_not_a_date() {
    let site = published();
    edit(
        site.path(),
        COVERAGE,
        "REQ-A-001,full,2025-07-01",
        "REQ-A-001,full,01/07/2025",
    );
    let (line, col) = pos_of(site.path(), COVERAGE, "01/07/2025");
    assert_rejected(
        site.path(),
        &[diag(
            "invalid-date",
            COVERAGE,
            line,
            col,
            "`01/07/2025` is not a date",
            Some("write dates as YYYY-MM-DD, such as 2025-06-30"),
        )],
    );
}

#[test]
fn a_case_that_covers_an_unknown_requirement() {
    let site = published();
    edit(
        site.path(),
        CASES,
        "covers = [\"REQ-A-002\"]",
        "covers = [\"REQ-A-02\"]",
    );
    let (line, col) = pos_of(site.path(), CASES, "REQ-A-02\"");
    assert_rejected(
        site.path(),
        &[diag(
            "unknown-requirement",
            CASES,
            line,
            col,
            "TC-PIT-001-02 covers REQ-A-02, which is not a requirement",
            Some("did you mean `REQ-A-002`, `REQ-A-001` or `REQ-B-002`?"),
        )],
    );
}

#[test]
fn a_requirement_whose_source_clause_does_not_exist() {
    let site = published();
    edit(
        site.path(),
        REQS,
        "Alpha logs in,P-SPEC 1.1",
        "Alpha logs in,P-SPEC 1.4",
    );
    let (line, col) = pos_of(site.path(), REQS, "P-SPEC 1.4");
    assert_rejected(
        site.path(),
        &[diag(
            "unknown-clause",
            REQS,
            line,
            col,
            "REQ-A-001 comes from P-SPEC 1.4, but version 1.1 of P-SPEC has no clause 1.4",
            Some("did you mean `P-SPEC 1`, `P-SPEC 1.1` or `P-SPEC 1.2`?"),
        )],
    );
}

#[test]
fn duplicate_ids() {
    let site = published();
    edit(
        site.path(),
        SCENARIOS,
        "TS-SIT-001,Log in across",
        "TS-PIT-001,Log in across",
    );
    edit(
        site.path(),
        CASES,
        "scenario = \"TS-SIT-001\"",
        "scenario = \"TS-PIT-001\"",
    );
    let (line, col) = pos_of(site.path(), SCENARIOS, "TS-PIT-001,Log in across");
    assert_rejected(
        site.path(),
        &[diag(
            "duplicate-id",
            SCENARIOS,
            line,
            col,
            "the id TS-PIT-001 is also used at content/prog/ctd/trace/scenarios.csv:2:1",
            Some("every requirement and test needs its own id; change one of them"),
        )],
    );
}

#[test]
fn a_result_for_an_unknown_test() {
    let site = published();
    edit(
        site.path(),
        RESULTS,
        "TC-SIT-001-01,blocked",
        "TC-SIT-001-10,blocked",
    );
    let (line, col) = pos_of(site.path(), RESULTS, "TC-SIT-001-10");
    assert_rejected(
        site.path(),
        &[diag(
            "unknown-test",
            RESULTS,
            line,
            col,
            "there is a result for TC-SIT-001-10, which is not a scenario or case",
            Some("did you mean `TC-SIT-001-01`, `TC-PIT-001-01` or `TC-PIT-001-02`?"),
        )],
    );
}

#[test]
fn a_result_outside_the_vocabulary() {
    let site = published();
    edit(
        site.path(),
        RESULTS,
        "TC-SIT-001-01,blocked",
        "TC-SIT-001-01,skipped",
    );
    let (line, col) = pos_of(site.path(), RESULTS, "skipped");
    assert_rejected(
        site.path(),
        &[diag(
            "invalid-value",
            RESULTS,
            line,
            col,
            "`skipped` is not a result value",
            Some("the values are passed, failed, blocked, not-run"),
        )],
    );
}

#[test]
fn a_case_of_an_unknown_scenario() {
    let site = published();
    edit(
        site.path(),
        CASES,
        "scenario = \"TS-SIT-001\"",
        "scenario = \"TS-SIT-002\"",
    );
    let (line, col) = pos_of(site.path(), CASES, "\"TS-SIT-002\"");
    assert_rejected(
        site.path(),
        &[diag(
            "unknown-scenario",
            CASES,
            line,
            col,
            "there is no scenario TS-SIT-002",
            Some("did you mean `TS-SIT-001` or `TS-PIT-001`?"),
        )],
    );
}

#[test]
fn a_much_cited_clause_lists_the_first_requirements_and_counts_the_rest() {
    let site = fixture("trace");
    let mut extra = String::new();
    for i in 1..=30 {
        extra.push_str(&format!(
            "REQ-C-{i:03},Another login rule {i},P-SPEC 1.1,A,R1,\n"
        ));
    }
    append(site.path(), REQS, extra.as_bytes());
    build_ok(site.path(), &["--date", DATE]);
    let html = page(&site, "prog/spec/index.html");
    let list = between(&html, "<summary>Traced by 31 requirements<span class=\"visually-hidden\"> to clause 1.1</span></summary>", "</details>");
    assert_eq!(list.matches("<li>").count(), 25);
    assert!(list.contains("<p>And 6 more, listed with their source clause in <a href=\"/prog/trace/requirements.csv\">the requirements table (CSV)</a>.</p>"));
}

#[test]
fn coverage_reviewed_as_none_is_a_gap_even_with_tests() {
    let site = fixture("trace");
    edit(site.path(), COVERAGE, "REQ-A-001,full,", "REQ-A-001,none,");
    edit(
        site.path(),
        COVERAGE,
        "Both phases log in.",
        "The tests log in as another role.",
    );
    let (diags, _) = check_json_with(site.path(), &["--date", DATE]);
    let mut expected = fixture_warnings();
    expected.insert(
        1,
        warning(
            "uncovered-requirement",
            REQS,
            2,
            1,
            "the trace of REQ-A-001 is reviewed as `none`: its tests do not prove it",
            Some("add it to the `covers` of a test, or give it a coverage row of `deferred` or `not-testable` with a rationale"),
        ),
    );
    assert_diags(&diags, &expected);
}

#[test]
fn an_empty_table_still_exports_its_columns() {
    let site = fixture("trace");
    fs::write(
        site.path().join(COVERAGE),
        "requirement,coverage,reviewed,rationale,risk,mitigation\n",
    )
    .unwrap();
    build_ok(site.path(), &["--date", DATE]);
    assert_eq!(
        page(&site, "prog/trace/coverage.csv"),
        "requirement,coverage,reviewed,rationale,risk,mitigation,suspect\n"
    );
    assert_eq!(page(&site, "prog/trace/coverage.json"), "[]");
}

#[test]
fn results_after_the_build_date_are_refused() {
    let site = published();
    fs::remove_dir_all(site.path().join("content/prog/status")).unwrap();
    let (diags, code) = check_json_with(site.path(), &["--date", "2025-07-01"]);
    assert_eq!(code, 1);
    let errors: Vec<&Value> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(
        errors,
        vec![&diag(
            "future-results",
            RESULTS,
            0,
            0,
            "these results are dated 2025-08-01, after the build date 2025-07-01",
            Some("a snapshot is named by the date it reports on; check the file name, or pass --date"),
        )]
    );
}

#[test]
fn long_lists_on_a_page_stop_at_two_hundred() {
    let site = fixture("trace");
    let mut extra = String::new();
    for i in 3..=209 {
        extra.push_str(&format!(
            "\n[[case]]\nid = \"TC-PIT-001-{i:03}\"\ntitle = \"Case {i}\"\nphase = \"PIT\"\nscenario = \"TS-PIT-001\"\n"
        ));
    }
    append(site.path(), CASES, extra.as_bytes());
    build_ok(site.path(), &["--date", DATE]);
    let scenario = page(&site, "prog/trace/tests/TS-PIT-001/index.html");
    assert_eq!(
        between(&scenario, "id=\"cases\"", "</table>")
            .matches("<th scope=\"row\">")
            .count(),
        200
    );
    assert!(scenario.contains("<p class=\"secondary-text\">And 9 more, listed in <a href=\"/prog/trace/tests.csv\">the tests table (CSV)</a>.</p>"));
    let req = page(&site, "prog/trace/requirements/REQ-A-001/index.html");
    assert!(req.contains("And 11 more, listed in"));
}

#[test]
fn a_phase_page_shows_requirements_proved_over_time_as_the_matrix_judges_them() {
    let site = published();
    let html = page(&site, "prog/status/pit/index.html");
    // On 1 May TC-PIT-001-01 had failed, so neither requirement it covers was proved,
    // though TC-PIT-001-02 had passed; by 1 August it had passed too.
    assert_eq!(
        lines_with(between(&html, "id=\"coverage-table\"", "</table>"), "<th scope=\"row\">"),
        vec![
            "<tr><th scope=\"row\"><time datetime=\"2025-05-01\">1 May 2025</time></th><td>0</td><td>2</td></tr>",
            "<tr><th scope=\"row\"><time datetime=\"2025-08-01\">1 August 2025</time></th><td>2</td><td>2</td></tr>",
        ]
    );
}

#[test]
fn a_heading_clause_lists_the_requirements_traced_to_it_after_its_heading() {
    let site = fixture("trace");
    append(
        site.path(),
        REQS,
        b"REQ-C-001,Alpha and Beta as a whole,P-SPEC 1,A,R1,\n",
    );
    build_ok(site.path(), &["--date", DATE]);
    let html = page(&site, "prog/spec/index.html");
    assert!(html.contains("Alpha and Beta</h2><details class=\"traced-by\"><summary>Traced by 1 requirement<span class=\"visually-hidden\"> to clause 1</span></summary><ul class=\"traced-by__list\"><li><a href=\"/prog/trace/requirements/REQ-C-001/\">REQ-C-001</a> Alpha and Beta as a whole</li></ul></details>"), "{}", between(&html, "<h2", "</h2>"));
}
