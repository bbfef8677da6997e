//! Phase status: dated snapshots of each phase, the TAD's severity scale and Exit
//! Thresholds, the dashboard, the phase pages, the decisions log, the exports and feed,
//! and every way a snapshot can be wrong.
//!
//! The fixture `tests/fixtures/status` has a TAD with a three-level scale and two
//! snapshots: on 1 February 2025 PIT is running with High issues over the threshold and
//! an exit criterion not met; on 1 April 2025 PIT is complete, one criterion met and one
//! waived, and the TAB has approved completion with conditions.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use common::*;

const DATE: &str = "2025-06-01";
const FEB: &str = "content/prog/status/2025-02-01.toml";
const APR: &str = "content/prog/status/2025-04-01.toml";
const SCALE: &str = "content/prog/tad/severity.toml";

fn published() -> TempDir {
    let site = fixture("status");
    build_ok(site.path(), &["--date", DATE]);
    site
}

fn page(site: &TempDir, rel: &str) -> String {
    fs::read_to_string(site.path().join("public").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_fixture_is_clean() {
    let site = fixture("status");
    let (diags, code) = check_json_with(site.path(), &["--date", DATE]);
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
}

#[test]
fn the_dashboard_gives_each_phase_its_state_dates_and_figures() {
    let site = published();
    let html = page(&site, "prog/status/index.html");
    let main = main_of(&html);
    assert!(main.contains("<p class=\"lead\">As reported on 1 April 2025. PIT is complete and the TAB has approved it.</p>"));
    let pit = between(main, "id=\"phase-PIT\"", "</section>");
    assert!(pit.contains("<a href=\"/prog/status/pit/\">Pre-Integration Testing (PIT)</a> <strong class=\"tag tag--green\">Complete</strong>"));
    assert!(pit.contains("<dd class=\"summary-list__value\">20 January 2025 to 21 March 2025</dd>"));
    assert!(pit.contains("<a href=\"/prog/tad/v1.0/\">P-TAD version 1.0</a>"));
    assert!(pit.contains("40 of 40 executed: 39 passed, 1 failed, 0 blocked"));
    assert!(pit.contains("10 open, within the Exit Thresholds"));
    assert!(pit.contains("2 of 2 met or waived"));
    let sit = between(main, "id=\"phase-SIT\"", "</section>");
    assert!(sit.contains("<strong class=\"tag tag--grey\">Not started</strong>"));
    // The timeline is an image with a text alternative.
    assert!(main.contains("<svg class=\"chart\" id=\"timeline\""));
    assert!(main.contains("<desc id=\"timeline-desc\">PIT: planned 13 January 2025 to 14 March 2025; ran 20 January 2025 to 21 March 2025. SIT: planned 7 April 2025 to 4 July 2025; not started. 24 January 2025: The Testing Approach (approved). 28 March 2025: PIT completion (approved with conditions). </desc>"));
    // The programme page leads here.
    assert!(page(&site, "prog/index.html")
        .contains("<a href=\"/prog/status/\">Phase status dashboard</a>"));
}

#[test]
fn an_exceeded_threshold_is_said_in_words() {
    // As of the first snapshot: four High issues open against a limit of two.
    let site = fixture("status");
    fs::remove_file(site.path().join(APR)).unwrap();
    build_ok(site.path(), &["--date", DATE]);
    let html = page(&site, "prog/status/pit/index.html");
    assert!(html.contains("<p><strong>Exit Threshold exceeded.</strong> Severity 2 (High): 4 open, 2 over the Exit Threshold of 2.</p>"));
    let issues = lines_with(
        between(
            &html,
            "<caption class=\"visually-hidden\" id=\"issues-table-pit\">",
            "</table>",
        ),
        "<th scope=\"row\">",
    );
    assert_eq!(
        issues,
        vec![
            "<tr><th scope=\"row\">1 Critical</th><td>0</td><td>0</td><td>Within</td><td>0</td></tr>",
            "<tr><th scope=\"row\">2 High</th><td>4</td><td>2</td><td><strong class=\"threshold-exceeded\">Exceeded by 2</strong></td><td>1</td></tr>",
            "<tr><th scope=\"row\">3 Low</th><td>7</td><td>No limit</td><td>Within</td><td>0</td></tr>",
        ]
    );
}

#[test]
fn a_phase_page_has_criteria_history_charts_and_decisions() {
    let site = published();
    let html = page(&site, "prog/status/pit/index.html");
    let criteria = lines_with(
        between(&html, "id=\"criteria\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(
        criteria,
        vec![
            "<tr><th scope=\"row\"><span class=\"table__secondary\">Exit</span> Open Testing Issues are within the PIT Exit Thresholds.</th><td><a href=\"/prog/tad/#clause-1.2\">P-TAD 1.2</a></td><td><strong class=\"tag tag--green\">Met</strong></td><td>One High issue open, within the limit of two. <a href=\"/prog/tad/\">Evidence<span class=\"visually-hidden\"> for: Open Testing Issues are within the PIT Exit Thresholds.</span></a></td></tr>",
            "<tr><th scope=\"row\"><span class=\"table__secondary\">Exit</span> Every planned PIT test has run.</th><td><a href=\"/prog/tad/#clause-1.3\">P-TAD 1.3</a></td><td><strong class=\"tag tag--yellow\">Waived</strong></td><td>The TAB agreed to move one test into SIT.</td></tr>",
        ]
    );
    assert!(html.contains("The severity scale and thresholds are set in <a href=\"/prog/tad/v1.0/#clause-1.1\">P-TAD version 1.0</a>."));
    assert!(html.contains("<a href=\"/prog/tad/\">Read the Test Completion Report</a>"));
    let history = lines_with(
        between(&html, "id=\"snapshots\"", "</table>"),
        "<th scope=\"row\">",
    );
    assert_eq!(
        history,
        vec![
            "<tr><th scope=\"row\"><time datetime=\"2025-02-01\">1 February 2025</time></th><td>In progress</td><td>40</td><td>25</td><td>20</td><td>4</td><td>1</td><td>0</td><td>4</td><td>7</td><td><strong class=\"threshold-exceeded\">Exceeded</strong></td></tr>",
            "<tr><th scope=\"row\"><time datetime=\"2025-04-01\">1 April 2025</time></th><td>Complete</td><td>40</td><td>40</td><td>39</td><td>1</td><td>0</td><td>0</td><td>1</td><td>9</td><td>Within</td></tr>",
        ]
    );
    assert!(html.contains("<desc id=\"issues-pit-desc\">Severity 1 (Critical): 0 on 1 April 2025. Severity 2 (High): 1 on 1 April 2025. Severity 3 (Low): 9 on 1 April 2025. The table below gives every figure.</desc>"));
    assert!(html.contains("<desc id=\"execution-pit-desc\">Planned: 40 on 1 April 2025. Executed: 40 on 1 April 2025. Passed: 39 on 1 April 2025. The table below gives every figure.</desc>"));
    assert!(html.contains("<tr id=\"decision-2025-04-01-1\"><td><time datetime=\"2025-03-28\">28 March 2025</time></td><td>TAB</td><th scope=\"row\">PIT completion<span class=\"table__secondary\">Conditions: The open High issue is fixed before SIT starts.</span></th><td><strong class=\"tag tag--yellow\">Approved with conditions</strong></td><td></td></tr>"));
}

#[test]
fn exports_and_feed() {
    let site = published();
    assert_eq!(
        page(&site, "prog/status/status.csv"),
        "date,phase,state,planned_start,planned_end,actual_start,actual_end,tad,tests_planned,tests_executed,tests_passed,tests_failed,tests_blocked,open_issues,closed_issues,exceeds_threshold
2025-02-01,PIT,in-progress,2025-01-13,2025-03-14,2025-01-20,,P-TAD 1.0,40,25,20,4,1,11,1,true
2025-02-01,SIT,not-started,2025-04-07,2025-07-04,,,,,,,,,0,0,false
2025-04-01,PIT,complete,2025-01-13,2025-03-14,2025-01-20,2025-03-21,P-TAD 1.0,40,40,39,1,0,10,10,false
2025-04-01,SIT,not-started,2025-04-07,2025-07-04,,,,,,,,,0,0,false
"
    );
    assert_eq!(
        page(&site, "prog/status/decisions.csv"),
        "date,body,subject,decision,phase,document,conditions
2025-01-24,TAG,The Testing Approach,approved,,P-TAD version 1.0,
2025-03-28,TAB,PIT completion,approved-with-conditions,PIT,,The open High issue is fixed before SIT starts.
"
    );
    let issues: Value = serde_json::from_str(&page(&site, "prog/status/issues.json")).unwrap();
    assert_eq!(
        issues[1],
        serde_json::json!({"date": "2025-02-01", "phase": "PIT", "severity": "2", "open": 4, "closed": 1, "threshold": "2"})
    );
    let feed = page(&site, "prog/status/feed.xml");
    let titles: Vec<&str> = feed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<title>")?.strip_suffix("</title>"))
        .collect();
    assert_eq!(
        titles,
        vec![
            "Programme: phase status and decisions",
            "TAB: PIT completion (approved with conditions)",
            "Pre-Integration Testing: complete",
            "TAG: The Testing Approach (approved)",
            "Pre-Integration Testing: in progress",
        ]
    );
}

// --- Bad input ------------------------------------------------------------------------

fn assert_rejected(root: &Path, date: &str, expected: &[Value]) {
    let (diags, code) = check_json_with(root, &["--date", date]);
    assert_diags(&diags, expected);
    assert_eq!(code, 1);
    let errors: Vec<(&str, &str)> = expected
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let warnings = expected.len() - errors.len();
    assert_build_fails(root, &["--date", date], &errors, warnings);
}

#[test]
fn a_complete_phase_with_an_unmet_exit_criterion() {
    let site = published();
    edit(
        site.path(),
        APR,
        "status = \"waived\"",
        "status = \"not-met\"",
    );
    let (line, col) = pos_of(site.path(), APR, "\"complete\"");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "complete-with-unmet-criterion",
            APR,
            line,
            col,
            "PIT is marked complete, but its exit criterion \"Every planned PIT test has run.\" is not met",
            Some("meet the criterion, waive it (status = \"waived\" with the evidence of the decision), or keep the phase in progress"),
        )],
    );
}

#[test]
fn an_approval_of_an_unknown_document_version() {
    let site = published();
    edit(site.path(), FEB, "version = \"1.0\"", "version = \"1.1\"");
    let (line, col) = pos_of(site.path(), FEB, "\"1.1\"");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "unknown-version",
            FEB,
            line,
            col,
            "P-TAD has no version 1.1",
            Some("did you mean `1.0`?"),
        )],
    );
}

#[test]
fn a_severity_the_scale_does_not_define() {
    let site = published();
    edit(site.path(), FEB, "\"3\" = 7", "\"4\" = 7");
    let (line, col) = pos_of(site.path(), FEB, "\"4\" = 7");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "unknown-severity",
            FEB,
            line,
            col,
            "the severity scale of P-TAD has no severity `4`",
            Some("known severities: `1`, `2`, `3`"),
        )],
    );
    let site = published();
    edit(
        site.path(),
        SCALE,
        "limits = { \"1\" = 0, \"2\" = 2 }",
        "limits = { \"1\" = 0, \"S2\" = 2 }",
    );
    let (line, col) = pos_of(site.path(), SCALE, "\"S2\"");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "unknown-severity",
            SCALE,
            line,
            col,
            "the threshold names severity `S2`, which the scale does not define",
            Some("add it to the scale as a [[severity]], or remove it from the limits"),
        )],
    );
}

#[test]
fn a_snapshot_after_the_build_date_and_dates_after_their_report() {
    let site = published();
    assert_rejected(
        site.path(),
        "2025-03-01",
        &[diag(
            "future-snapshot",
            APR,
            0,
            0,
            "this snapshot reports on 2025-04-01, after the build date 2025-03-01",
            Some("a snapshot is named by the date it reports on; check the file name, or pass --date"),
        )],
    );
    let site = published();
    edit(
        site.path(),
        FEB,
        "decision = \"approved\"\ndate = 2025-01-24",
        "decision = \"approved\"\ndate = 2025-02-24",
    );
    let (line, col) = pos_of(site.path(), FEB, "2025-02-24");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "date-after-report",
            FEB,
            line,
            col,
            "the decision date 2025-02-24 is after 2025-02-01, the date this snapshot reports on",
            Some("a snapshot can only report what had happened by its date; move this to a later snapshot"),
        )],
    );
}

#[test]
fn counts_that_do_not_add_up() {
    let site = published();
    edit(
        site.path(),
        FEB,
        "planned = 40\nexecuted = 25",
        "planned = 20\nexecuted = 25",
    );
    let (line, col) = pos_of(site.path(), FEB, "executed = 25");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "counts-do-not-add-up",
            FEB,
            line,
            col + 11,
            "PIT: 25 tests executed, but only 20 planned",
            Some("executed counts the planned tests that have run; raise `planned` if tests were added"),
        )],
    );
    let site = published();
    edit(site.path(), FEB, "passed = 20", "passed = 22");
    let (line, col) = pos_of(site.path(), FEB, "passed = 22");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "counts-do-not-add-up",
            FEB,
            line,
            col + 9,
            "PIT: 22 passed, 4 failed and 1 blocked make 27, more than the 25 executed",
            Some("each executed test has one outcome: passed, failed or blocked"),
        )],
    );
}

#[test]
fn a_state_that_goes_backwards_is_a_warning() {
    let site = fixture("status");
    edit(
        site.path(),
        APR,
        "state = \"complete\"",
        "state = \"not-started\"",
    );
    let (line, col) = pos_of(
        site.path(),
        APR,
        "\"not-started\"\nplanned_start = 2025-01-13",
    );
    let (diags, code) = check_json_with(site.path(), &["--date", DATE]);
    assert_diags(
        &diags,
        &[warning(
            "state-backwards",
            APR,
            line,
            col,
            "PIT was in progress in the previous snapshot and is not started in this one",
            Some("a phase moves forward (not started, in progress, complete) or is suspended; check the state"),
        )],
    );
    assert_eq!(code, 0);
}

#[test]
fn an_end_before_its_start() {
    let site = published();
    edit(
        site.path(),
        APR,
        "actual_end = 2025-03-21",
        "actual_end = 2025-01-02",
    );
    let (line, col) = pos_of(site.path(), APR, "2025-01-02");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "dates-out-of-order",
            APR,
            line,
            col,
            "PIT ends on 2025-01-02 before it starts on 2025-01-20",
            Some("swap the dates, or correct the one that is wrong"),
        )],
    );
}

#[test]
fn links_must_be_web_addresses_or_site_paths() {
    let site = published();
    edit(
        site.path(),
        APR,
        "evidence_url = \"/prog/tad/\"",
        "evidence_url = \"javascript:alert(1)\"",
    );
    let (line, col) = pos_of(site.path(), APR, "\"javascript:alert(1)\"");
    assert_rejected(
        site.path(),
        DATE,
        &[diag(
            "invalid-url",
            APR,
            line,
            col,
            "`javascript:alert(1)` is not a web address or a path on this site",
            Some("write a full https:// address, or a path on this site that starts with /"),
        )],
    );
}

#[test]
fn site_paths_follow_the_base_url() {
    let site = fixture("status");
    build_ok(site.path(), &["--date", DATE, "--base-url", "/docs/"]);
    let html = page(&site, "prog/status/pit/index.html");
    assert!(html.contains("<a href=\"/docs/prog/tad/\">Read the Test Completion Report</a>"));
    assert!(html.contains(
        "One High issue open, within the limit of two. <a href=\"/docs/prog/tad/\">Evidence"
    ));
}

#[test]
fn planned_dates_out_of_order_and_a_threshold_given_twice() {
    let site = published();
    edit(
        site.path(),
        FEB,
        "planned_end = 2025-03-14",
        "planned_end = 2025-01-02",
    );
    let (line, col) = pos_of(site.path(), FEB, "2025-01-02");
    append(
        site.path(),
        SCALE,
        b"\n[[threshold]]\nphase = \"PIT\"\nlimits = { \"1\" = 1 }\n",
    );
    let (tl, tc) = (line_count(site.path(), SCALE) as u64 - 1, 9);
    assert_rejected(
        site.path(),
        DATE,
        &[
            diag(
                "dates-out-of-order",
                FEB,
                line,
                col,
                "PIT is planned to end on 2025-01-02 before it starts on 2025-01-13",
                Some("swap the dates, or correct the one that is wrong"),
            ),
            diag(
                "duplicate-threshold",
                SCALE,
                tl,
                tc,
                "the thresholds of PIT are given twice",
                Some("keep one [[threshold]] a phase"),
            ),
        ],
    );
}
