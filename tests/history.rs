//! Change history: the "all updates" page, redlines between versions, each clause's
//! changes over time, the version in force on a date, Atom feeds and JSON exports, and the
//! diagnostics for a history that does not hang together.
//!
//! The fixture `tests/fixtures/history` has one programme with an SVTAD of five versions:
//!
//! | version | status                 | published  | effective  | what it does                          |
//! |---------|------------------------|------------|------------|---------------------------------------|
//! | 1.0     | designated             | 2025-01-10 | 2025-02-01 | first issue                           |
//! | 1.1     | designated             | 2025-06-02 | 2025-07-01 | inserts 2.1A, amends 2.2, 3.2 removed |
//! | 1.2     | designated (minor)     | 2025-09-15 | (published)| fixes a spelling in 3.3               |
//! | 1.3     | draft for consultation | 2026-08-03 | -          | would amend 3.1                       |
//! | 2.0     | designated, prospective| 2026-10-01 | 2027-01-01 | supersedes 1.2: amends 2.2, inserts   |
//! |         |                        |            |            | 4.2A, renumbers 4.3 as 4.4 (declared) |
//!
//! and a TAD with one version. Every build and check passes `--date`, so that nothing
//! depends on today: on 2026-11-28 version 1.2 is in force (1.3 pending, 2.0
//! prospective); on 2027-02-01 version 2.0 is.
//!
//! currently shows something wrong or misleading; run them with `--ignored`.

mod common;

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use tempfile::TempDir;

use common::*;

/// The build date of most tests: version 1.2 is in force, 2.0 is prospective.
const DATE: &str = "2026-11-28";
/// A date after version 2.0 came into force.
const LATER: &str = "2027-02-01";

const V10: &str = "content/prog/svtad/v1.0.md";
const V11: &str = "content/prog/svtad/v1.1.md";
const V20: &str = "content/prog/svtad/v2.0.md";

// --- helpers -----------------------------------------------------------------------

/// A copy of the history fixture built as of `date` into `public/`.
fn built(date: &str) -> TempDir {
    built_with(date, &[])
}

fn built_with(date: &str, extra: &[&str]) -> TempDir {
    let site = fixture("history");
    let mut args = vec!["--date", date];
    args.extend_from_slice(extra);
    build_ok(site.path(), &args);
    site
}

fn public(site: &TempDir) -> std::path::PathBuf {
    site.path().join("public")
}

/// `attest check --format json --date DATE --root ROOT`: the diagnostics and exit code.
fn check_json_on(root: &Path, date: &str) -> (Value, i32) {
    check_json_with(root, &["--date", date])
}

/// `text` with the capitals of "Secretary of State" restored. Pages lower-case the
/// mechanism label whole (the bug `proper_nouns_in_change_mechanisms_keep_their_capitals`);
/// the other tests compare with what a reader should see, before and after the fix.
fn capitals(text: &str) -> String {
    text.replace("secretary of state", "Secretary of State")
}

/// A redline page's `<div class="redline">`, exactly.
fn redline_div(html: &str) -> &str {
    between(html, "      <div class=\"redline\">", "\n      </div>\n")
}

/// A copy of the fixture with a good build (as of [`DATE`]) already in `public/`.
fn published() -> TempDir {
    built(DATE)
}

/// Asserts that `check` reports exactly `expected` and exits 1, and that `build` then
/// fails in the same way without touching the previous output.
fn assert_rejected(root: &Path, expected: &[Value]) {
    let (diags, check_code) = check_json_on(root, DATE);
    assert_diags(&diags, expected);
    assert_eq!(check_code, 1, "check exits 1 on errors");
    let errors: Vec<(&str, &str)> = expected
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let warnings = expected.len() - errors.len();
    assert_build_fails_on_date(root, &errors, warnings);
}

/// `assert_build_fails` of tests/common, for a build as of [`DATE`].
fn assert_build_fails_on_date(root: &Path, errors: &[(&str, &str)], warnings: usize) {
    assert_build_fails(root, &["--date", DATE], errors, warnings);
}

/// Checks that `xml` is a well-formed XML document: one declaration, one root element,
/// every tag closed in order, attribute values quoted, and `&` only in references.
/// Returns the name of the root element.
fn well_formed_xml(xml: &str) -> String {
    fn name_end(s: &str) -> usize {
        s.find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(s.len())
    }
    fn check_text(t: &str) {
        assert!(!t.contains('<'), "a stray `<` in {t:?}");
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest.find(';').expect("a reference is closed with `;`");
            let name = &rest[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            assert!(ok, "`&{name};` is not an XML reference");
        }
    }
    fn check_attributes(mut s: &str) {
        loop {
            s = s.trim_start();
            if s.is_empty() {
                return;
            }
            let eq = s
                .find('=')
                .unwrap_or_else(|| panic!("attribute without value: {s:?}"));
            let name = s[..eq].trim();
            assert!(
                !name.is_empty() && !name.contains(char::is_whitespace),
                "bad attribute name {name:?}"
            );
            let rest = s[eq + 1..].trim_start();
            let quote = rest.chars().next().expect("an attribute value");
            assert!(
                quote == '"' || quote == '\'',
                "unquoted attribute value: {rest:?}"
            );
            let close = rest[1..]
                .find(quote)
                .unwrap_or_else(|| panic!("unclosed attribute value: {rest:?}"));
            check_text(&rest[1..1 + close]);
            s = &rest[close + 2..];
        }
    }

    let decl_end = xml
        .strip_prefix("<?xml ")
        .and_then(|r| r.find("?>"))
        .expect("an XML declaration first")
        + "<?xml ".len()
        + 2;
    let mut rest = &xml[decl_end..];
    let mut stack: Vec<&str> = Vec::new();
    let mut root: Option<String> = None;
    loop {
        let Some(lt) = rest.find('<') else {
            assert!(
                rest.trim().is_empty(),
                "text after the root element: {rest:?}"
            );
            break;
        };
        let text_before = &rest[..lt];
        if stack.is_empty() {
            assert!(
                text_before.trim().is_empty(),
                "text outside the root: {text_before:?}"
            );
        } else {
            check_text(text_before);
        }
        rest = &rest[lt + 1..];
        let gt = rest.find('>').expect("every tag is closed with `>`");
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("`</{name}>` closes nothing"));
            assert_eq!(open, name.trim(), "`<{open}>` is closed by `</{name}>`");
        } else {
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let end = name_end(tag);
            let name = &tag[..end];
            assert!(!name.is_empty(), "an element without a name");
            check_attributes(&tag[end..]);
            if stack.is_empty() {
                assert!(root.is_none(), "a second root element `{name}`");
                root = Some(name.to_owned());
            }
            if !self_closing {
                stack.push(name);
            }
        }
    }
    assert!(stack.is_empty(), "elements left open: {stack:?}");
    root.expect("a root element")
}

/// The `<entry>` elements of an Atom feed, in order.
fn feed_entries(xml: &str) -> Vec<&str> {
    xml.split("<entry>")
        .skip(1)
        .map(|e| &e[..e.find("</entry>").expect("entries are closed")])
        .collect()
}

/// The text of the first `<tag>` in `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let b = between(xml, &open, &format!("</{tag}>"));
    &b[open.len()..b.len() - open.len() - 1]
}

#[test]
fn the_xml_check_finds_what_is_not_well_formed() {
    assert_eq!(
        well_formed_xml("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; &#38;<c>u</c></a>\n"),
        "a"
    );
    for bad in [
        "<a></a>",
        "<?xml version=\"1.0\"?><a><b></a></b>",
        "<?xml version=\"1.0\"?><a>&</a>",
        "<?xml version=\"1.0\"?><a>&nbsp;</a>",
        "<?xml version=\"1.0\"?><a x=1></a>",
        "<?xml version=\"1.0\"?><a></a><a></a>",
        "<?xml version=\"1.0\"?><a>",
        "<?xml version=\"1.0\"?><a>x > y < z</a>",
    ] {
        let caught = std::panic::catch_unwind(|| well_formed_xml(bad));
        assert!(caught.is_err(), "{bad:?} passed as well-formed");
    }
}

// --- 1. files ------------------------------------------------------------------------

/// The history files of the built site: pages under history/, clauses/, changes/ and
/// compare/, the feeds and the JSON exports.
fn history_files(site: &TempDir) -> Vec<String> {
    files_in(&public(site))
        .into_iter()
        .filter(|p| {
            p.ends_with("feed.xml")
                || p.ends_with("versions.json")
                || p.ends_with("changes.json")
                || ["history/", "clauses/", "changes/", "compare/"]
                    .iter()
                    .any(|d| p.contains(d))
        })
        .collect()
}

#[test]
fn publishes_exactly_the_history_files() {
    let site = built(DATE);
    assert_eq!(
        history_files(&site),
        [
            "feed.xml",
            "prog/svtad/changes.json",
            "prog/svtad/clauses/index.html",
            "prog/svtad/feed.xml",
            "prog/svtad/history/index.html",
            // Every version but 1.2, the current one, compares with it ...
            "prog/svtad/v1.0/compare/index.html",
            // ... and every version with a predecessor shows what it changed.
            "prog/svtad/v1.1/changes/index.html",
            "prog/svtad/v1.1/compare/index.html",
            "prog/svtad/v1.2/changes/index.html",
            "prog/svtad/v1.3/changes/index.html",
            "prog/svtad/v1.3/compare/index.html",
            "prog/svtad/v2.0/changes/index.html",
            "prog/svtad/v2.0/compare/index.html",
            "prog/svtad/versions.json",
            // A document of one version has a history but no redlines.
            "prog/tad/changes.json",
            "prog/tad/clauses/index.html",
            "prog/tad/feed.xml",
            "prog/tad/history/index.html",
            "prog/tad/versions.json",
        ]
    );
    // Every link and anchor of every page, redlines included, resolves.
    let (broken, checked) = broken_links(&public(&site), "/");
    assert_eq!(broken, []);
    assert!(checked > 100, "only {checked} links were checked");
}

#[test]
fn the_compare_pages_follow_the_version_in_force() {
    let site = built(LATER);
    let compares: Vec<String> = history_files(&site)
        .into_iter()
        .filter(|p| p.contains("/compare/"))
        .collect();
    // Now 2.0 is current: 1.2 gains a comparison and 2.0 loses its own.
    assert_eq!(
        compares,
        [
            "prog/svtad/v1.0/compare/index.html",
            "prog/svtad/v1.1/compare/index.html",
            "prog/svtad/v1.2/compare/index.html",
            "prog/svtad/v1.3/compare/index.html",
        ]
    );
}

// --- 2. redlines -----------------------------------------------------------------------

#[test]
fn redline_marks_inserted_amended_and_removed_clauses_and_folds_the_rest() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/v1.1/changes/index.html");
    let main = capitals(main_of(&html));
    assert!(
        main.contains("<h1 class=\"heading-l\">Changes from version 1.0 to version 1.1</h1>"),
        "{main}"
    );
    assert_eq!(
        lines_with(&main, "summary-list__value"),
        [
            "<dd class=\"summary-list__value\"><a href=\"/prog/svtad/v1.0/\">Version 1.0</a> (superseded, published 10 January 2025)</dd>",
            "<dd class=\"summary-list__value\"><a href=\"/prog/svtad/v1.1/\">Version 1.1</a> (superseded, published 2 June 2025): Direction of the Secretary of State</dd>",
            "<dd class=\"summary-list__value\">1 inserted, 1 amended, 1 removed; 12 unchanged</dd>",
        ]
    );
    assert_eq!(
        redline_div(&html),
        r#"      <div class="redline">
        <details class="redline__folded" id="unchanged-1">
          <summary>4 unchanged clauses (1 to 2.1)</summary>
          <p class="redline__unchanged"><span class="redline__number">1</span> Definitions</p>
          <p class="redline__unchanged"><span class="redline__number">1.1</span> In this document: Testing Issue means a problem found in testing.</p>
          <p class="redline__unchanged"><span class="redline__number">2</span> Testing</p>
          <p class="redline__unchanged"><span class="redline__number">2.1</span> DCC shall test the changes.</p>
        </details>
        <section class="redline__clause redline__clause--inserted" id="clause-2.1A" aria-labelledby="clause-2.1A-heading">
          <h2 class="redline__heading" id="clause-2.1A-heading"><span class="redline__number">2.1A</span> <strong class="redline__change">Inserted</strong></h2>
          <p class="redline__text"><ins>DCC shall record every Testing Issue in the issue log.</ins></p>
        </section>
        <section class="redline__clause redline__clause--amended" id="clause-2.2" aria-labelledby="clause-2.2-heading">
          <h2 class="redline__heading" id="clause-2.2-heading"><span class="redline__number">2.2</span> <strong class="redline__change">Amended</strong></h2>
          <p class="redline__text">DCC shall report progress to the TAG every <del>month.</del><ins>week and publish a summary.</ins></p>
        </section>
        <details class="redline__folded" id="unchanged-2-3">
          <summary>3 unchanged clauses (2.3 to 3.1)</summary>
          <p class="redline__unchanged"><span class="redline__number">2.3</span> DCC shall keep a record of every test.</p>
          <p class="redline__unchanged"><span class="redline__number">3</span> Entry and exit</p>
          <p class="redline__unchanged"><span class="redline__number">3.1</span> Each phase starts when its entry criteria are met.</p>
        </details>
        <section class="redline__clause redline__clause--removed" id="clause-3.2" aria-labelledby="clause-3.2-heading">
          <h2 class="redline__heading" id="clause-3.2-heading"><span class="redline__number">3.2</span> <strong class="redline__change">Removed</strong></h2>
          <p class="redline__text"><del>DCC shall publish an exit report for each phase.</del> <ins>[Not used]</ins></p>
        </section>
        <details class="redline__folded" id="unchanged-3-3">
          <summary>5 unchanged clauses (3.3 to 4.3)</summary>
          <p class="redline__unchanged"><span class="redline__number">3.3</span> The TAG decides wether a phase is complete.</p>
          <p class="redline__unchanged"><span class="redline__number">4</span> Reporting</p>
          <p class="redline__unchanged"><span class="redline__number">4.1</span> DCC shall report each Testing Issue to the Party that raised it.</p>
          <p class="redline__unchanged"><span class="redline__number">4.2</span> Reports are published on the DCC website.</p>
          <p class="redline__unchanged"><span class="redline__number">4.3</span> DCC shall keep reports for six years.</p>
        </details>
      </div>
"#
    );
}

#[test]
fn redline_of_a_declared_renumbering_says_what_the_clause_was() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/v2.0/changes/index.html");
    // 2.0 supersedes 1.2 (not the draft 1.3, which is numbered between them).
    assert!(
        html.contains("<h1 class=\"heading-l\">Changes from version 1.2 to version 2.0</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<dd class=\"summary-list__value\">1 inserted, 1 amended, 0 removed, 1 renumbered; 13 unchanged</dd>"),
        "{html}"
    );
    let redline = redline_div(&html);
    for snippet in [
        r#"        <section class="redline__clause redline__clause--amended" id="clause-2.2" aria-labelledby="clause-2.2-heading">
          <h2 class="redline__heading" id="clause-2.2-heading"><span class="redline__number">2.2</span> <strong class="redline__change">Amended</strong></h2>
          <p class="redline__text">DCC shall report progress to the TAG every <del>week</del><ins>two weeks</ins> and publish a summary.</p>
        </section>
"#,
        r#"        <details class="redline__folded" id="unchanged-2-3">
          <summary>8 unchanged clauses (2.3 to 4.2)</summary>
"#,
        r#"          <p class="redline__unchanged"><span class="redline__number">3.2</span> [Not used]</p>
"#,
        r#"        <section class="redline__clause redline__clause--inserted" id="clause-4.2A" aria-labelledby="clause-4.2A-heading">
          <h2 class="redline__heading" id="clause-4.2A-heading"><span class="redline__number">4.2A</span> <strong class="redline__change">Inserted</strong></h2>
          <p class="redline__text"><ins>DCC shall give the TAG a copy of each report.</ins></p>
        </section>
        <section class="redline__clause redline__clause--renumbered" id="clause-4.4" aria-labelledby="clause-4.4-heading">
          <h2 class="redline__heading" id="clause-4.4-heading"><span class="redline__number">4.4</span> <strong class="redline__change">Renumbered (was 4.3)</strong></h2>
          <p class="redline__text">DCC shall keep reports for six years.</p>
        </section>
      </div>
"#,
    ] {
        assert!(
            redline.contains(snippet),
            "the redline lacks\n{snippet}\nin\n{redline}"
        );
    }
    // The minor version's redline: one word corrected.
    let html = read(&public(&site), "prog/svtad/v1.2/changes/index.html");
    assert!(
        redline_div(&html).contains(
            "<section class=\"redline__clause redline__clause--amended\" id=\"clause-3.3\" aria-labelledby=\"clause-3.3-heading\">\n          <h2 class=\"redline__heading\" id=\"clause-3.3-heading\"><span class=\"redline__number\">3.3</span> <strong class=\"redline__change\">Amended</strong></h2>\n          <p class=\"redline__text\">The TAG decides <del>wether</del><ins>whether</ins> a phase is complete.</p>\n        </section>"
        ),
        "{html}"
    );
}

#[test]
fn compare_with_the_current_version_spans_several_versions() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/v1.0/compare/index.html");
    assert!(
        html.contains("<h1 class=\"heading-l\">Changes from version 1.0 to version 1.2</h1>"),
        "{html}"
    );
    let main = main_of(&html);
    // A comparison names no change mechanism: it is not one change.
    assert_eq!(
        lines_with(main, "summary-list__value"),
        [
            "<dd class=\"summary-list__value\"><a href=\"/prog/svtad/v1.0/\">Version 1.0</a> (superseded, published 10 January 2025)</dd>",
            "<dd class=\"summary-list__value\"><a href=\"/prog/svtad/v1.2/\">Version 1.2</a> (designated, published 15 September 2025)</dd>",
            "<dd class=\"summary-list__value\">1 inserted, 2 amended, 1 removed; 11 unchanged</dd>",
        ]
    );
    assert_eq!(
        lines_with(redline_div(&html), "redline__text"),
        [
            "<p class=\"redline__text\"><ins>DCC shall record every Testing Issue in the issue log.</ins></p>",
            "<p class=\"redline__text\">DCC shall report progress to the TAG every <del>month.</del><ins>week and publish a summary.</ins></p>",
            "<p class=\"redline__text\"><del>DCC shall publish an exit report for each phase.</del> <ins>[Not used]</ins></p>",
            "<p class=\"redline__text\">The TAG decides <del>wether</del><ins>whether</ins> a phase is complete.</p>",
        ]
    );
}

// --- 3. the history page -----------------------------------------------------------

/// For each version on a history page, in page order: its version line, status line
/// and the lines with counts and comparisons.
fn version_rows(html: &str) -> Vec<Vec<String>> {
    let list = between(html, "<ol class=\"version-history\">", "</ol>");
    list.split("<li class=\"version-history__item\">")
        .skip(1)
        .map(|item| {
            item.lines()
                .map(str::trim)
                .filter(|l| {
                    l.starts_with("<p class=\"version-history__version\">")
                        || l.starts_with("<p class=\"version-history__status\">")
                        || l.starts_with("<p class=\"version-history__counts\">")
                })
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The rows of the "as it stood on a date" table.
fn period_rows(html: &str) -> Vec<&str> {
    lines_with(between(html, "<tbody>", "</tbody>"), "<tr>")
}

#[test]
fn history_page_lists_every_version_newest_first() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/history/index.html");
    assert_eq!(
        version_rows(&html),
        [
            vec![
                "<p class=\"version-history__version\"><a href=\"/prog/svtad/v2.0/\">Version 2.0</a></p>",
                "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--purple\">Prospective</strong></p>",
                "<p class=\"version-history__counts\">1 inserted, 1 amended, 0 removed, 1 renumbered: <a href=\"/prog/svtad/v2.0/changes/\">see what version 2.0 changed</a></p>",
                "<p class=\"version-history__counts\"><a href=\"/prog/svtad/v2.0/compare/\">Compare version 2.0 with the current version</a></p>",
            ],
            vec![
                "<p class=\"version-history__version\"><a href=\"/prog/svtad/v1.3/\">Version 1.3</a></p>",
                "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--yellow\">Draft for consultation</strong></p>",
                "<p class=\"version-history__counts\">0 inserted, 1 amended, 0 removed: <a href=\"/prog/svtad/v1.3/changes/\">see what version 1.3 changed</a></p>",
                "<p class=\"version-history__counts\"><a href=\"/prog/svtad/v1.3/compare/\">Compare version 1.3 with the current version</a></p>",
            ],
            vec![
                "<p class=\"version-history__version\"><a href=\"/prog/svtad/v1.2/\">Version 1.2</a></p>",
                "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--green\">Designated</strong> <strong class=\"version-history__in-force\">In force</strong> <strong class=\"tag tag--grey\">Minor change</strong></p>",
                "<p class=\"version-history__counts\">0 inserted, 1 amended, 0 removed: <a href=\"/prog/svtad/v1.2/changes/\">see what version 1.2 changed</a></p>",
            ],
            vec![
                "<p class=\"version-history__version\"><a href=\"/prog/svtad/v1.1/\">Version 1.1</a></p>",
                "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--grey\">Superseded</strong></p>",
                "<p class=\"version-history__counts\">1 inserted, 1 amended, 1 removed: <a href=\"/prog/svtad/v1.1/changes/\">see what version 1.1 changed</a></p>",
                "<p class=\"version-history__counts\"><a href=\"/prog/svtad/v1.1/compare/\">Compare version 1.1 with the current version</a></p>",
            ],
            vec![
                "<p class=\"version-history__version\"><a href=\"/prog/svtad/v1.0/\">Version 1.0</a></p>",
                "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--grey\">Superseded</strong></p>",
                "<p class=\"version-history__counts\"><a href=\"/prog/svtad/v1.0/compare/\">Compare version 1.0 with the current version</a></p>",
            ],
        ]
    );
    // Dates, mechanisms and summaries of the minor version and the prospective one.
    let list = between(&html, "<ol class=\"version-history\">", "</ol>");
    for line in [
        "<p class=\"version-history__date\">Published <time datetime=\"2026-10-01\">1 October 2026</time></p>\n              <p class=\"version-history__date\">In force from <time datetime=\"2027-01-01\">1 January 2027</time></p>",
        "<p class=\"version-history__summary\">Corrected a spelling in clause 3.3.</p>\n              <p class=\"version-history__mechanism\">Change mechanism: Minor or typographical change</p>",
    ] {
        assert!(list.contains(line), "the list lacks\n{line}\nin\n{list}");
    }
    // Only the minor version is tagged as minor.
    assert_eq!(list.matches("Minor change</strong>").count(), 1);
}

#[test]
fn history_page_names_the_pending_draft_and_the_prospective_version() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/history/index.html");
    assert_eq!(
        between(
            &html,
            "      <section class=\"pending-changes\"",
            "</section>\n"
        ),
        r#"      <section class="pending-changes" aria-labelledby="pending">
        <h2 class="heading-m" id="pending">Changes to this document</h2>
        <div class="pending-changes__item">
          <p><a href="/prog/svtad/v1.3/">Version 1.3</a> <strong class="tag tag--yellow">Draft for consultation</strong> is proposed and has no effect; consultation closes 14 December 2026.</p>
          <p>It would change 1 clause: <a href="/prog/svtad/v1.3/compare/#clause-3.1">3.1</a> <span class="secondary-text">(amended)</span>.</p>
          <p><a href="/prog/svtad/v1.3/compare/">Compare version 1.3 with the current version</a></p>
        </div>
        <div class="pending-changes__item">
          <p><a href="/prog/svtad/v2.0/">Version 2.0</a> <strong class="tag tag--purple">Prospective</strong> comes into force on 1 January 2027.</p>
          <p>It would change 3 clauses: <a href="/prog/svtad/v2.0/compare/#clause-2.2">2.2</a> <span class="secondary-text">(amended)</span>, <a href="/prog/svtad/v2.0/compare/#clause-4.2A">4.2A</a> <span class="secondary-text">(inserted)</span>, <a href="/prog/svtad/v2.0/compare/#clause-4.4">4.4</a> <span class="secondary-text">(renumbered)</span>.</p>
          <p><a href="/prog/svtad/v2.0/compare/">Compare version 2.0 with the current version</a></p>
        </div>
      </section>
"#
    );
    // The links of the box land on the clauses of the comparisons.
    let compare = read(&public(&site), "prog/svtad/v2.0/compare/index.html");
    for id in ["clause-2.2", "clause-4.2A", "clause-4.4"] {
        assert_eq!(ids(&compare).iter().filter(|i| *i == id).count(), 1, "{id}");
    }
}

#[test]
fn history_page_says_when_each_version_was_in_force() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/history/index.html");
    let rows = period_rows(&html);
    // The draft 1.3 was never in force and is not listed. (The row of the prospective
    // version is `periods_do_not_run_from_a_date_still_to_come`.)
    assert_eq!(
        rows[..2],
        [
            "<tr><td><time datetime=\"2025-02-01\">1 February 2025</time></td><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><a href=\"/prog/svtad/v1.0/\">Version 1.0</a></td></tr>",
            "<tr><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><time datetime=\"2025-09-15\">15 September 2025</time></td><td><a href=\"/prog/svtad/v1.1/\">Version 1.1</a></td></tr>",
        ]
    );
    // A version without `effective_from` is in force from its publication.
    assert!(
        rows[2].starts_with("<tr><td><time datetime=\"2025-09-15\">15 September 2025</time></td>"),
        "{rows:?}"
    );
    assert!(rows[2].ends_with("<td><a href=\"/prog/svtad/v1.2/\">Version 1.2</a></td></tr>"));

    let site = built(LATER);
    let html = read(&public(&site), "prog/svtad/history/index.html");
    assert_eq!(
        period_rows(&html),
        [
            "<tr><td><time datetime=\"2025-02-01\">1 February 2025</time></td><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><a href=\"/prog/svtad/v1.0/\">Version 1.0</a></td></tr>",
            "<tr><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><time datetime=\"2025-09-15\">15 September 2025</time></td><td><a href=\"/prog/svtad/v1.1/\">Version 1.1</a></td></tr>",
            "<tr><td><time datetime=\"2025-09-15\">15 September 2025</time></td><td><time datetime=\"2027-01-01\">1 January 2027</time></td><td><a href=\"/prog/svtad/v1.2/\">Version 1.2</a></td></tr>",
            "<tr><td><time datetime=\"2027-01-01\">1 January 2027</time></td><td>now</td><td><a href=\"/prog/svtad/v2.0/\">Version 2.0</a></td></tr>",
        ]
    );
    // Once 2.0 is in force nothing is pending: the draft 1.3 is numbered below it.
    assert!(!html.contains("pending-changes"), "{html}");
}

/// On 2026-11-28 version 2.0 has not come into force, yet the table says it has been in
/// force "now" since 1 January 2027, a date still to come. As it stood on the build
/// date, 1.2 is in force until now; 2.0 is in the "Changes to this document" box.
#[test]
fn periods_do_not_run_from_a_date_still_to_come() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/history/index.html");
    assert_eq!(
        period_rows(&html),
        [
            "<tr><td><time datetime=\"2025-02-01\">1 February 2025</time></td><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><a href=\"/prog/svtad/v1.0/\">Version 1.0</a></td></tr>",
            "<tr><td><time datetime=\"2025-07-01\">1 July 2025</time></td><td><time datetime=\"2025-09-15\">15 September 2025</time></td><td><a href=\"/prog/svtad/v1.1/\">Version 1.1</a></td></tr>",
            "<tr><td><time datetime=\"2025-09-15\">15 September 2025</time></td><td>now</td><td><a href=\"/prog/svtad/v1.2/\">Version 1.2</a></td></tr>",
        ]
    );
}

// --- 4. the document page and the date -------------------------------------------------

#[test]
fn prospective_version_carries_a_not_in_force_yet_banner() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/v2.0/index.html");
    assert_eq!(
        between(
            &html,
            "      <div class=\"notification-banner",
            "\n      </div>\n"
        ),
        r#"      <div class="notification-banner notification-banner--prospective" role="region" aria-labelledby="notification-banner-title">
        <div class="notification-banner__header">
          <h2 class="notification-banner__title" id="notification-banner-title">Important</h2>
        </div>
        <div class="notification-banner__content">
          <p class="notification-banner__heading">This version is not in force yet</p>
          <p class="notification-banner__text">Version 2.0 was designated on 1 October 2026 and comes into force on 1 January 2027; until then version 1.2 applies.</p>
          <p class="notification-banner__text"><a class="notification-banner__link" href="/prog/svtad/v1.2/">Read version 1.2, the version in force</a></p>
        </div>
      </div>
"#
    );
    assert!(
        html.contains("<dd class=\"summary-list__value\"><strong class=\"tag tag--purple\">Prospective</strong></dd>"),
        "{html}"
    );
    for link in [
        "<li><a href=\"/prog/svtad/v2.0/changes/\">What version 2.0 changed</a></li>",
        "<li><a href=\"/prog/svtad/v2.0/compare/\">Compare version 2.0 with the version in force</a></li>",
    ] {
        assert!(html.contains(link), "the page lacks {link}");
    }
}

#[test]
fn current_version_shows_the_changes_to_this_document_box() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/index.html");
    let main = main_of(&html);
    assert!(!main.contains("notification-banner"), "{main}");
    assert!(main.contains("<p>1.2 (in force)</p>"), "{main}");
    assert_eq!(
        between(
            main,
            "      <section class=\"pending-changes\"",
            "</section>\n"
        ),
        r#"      <section class="pending-changes" aria-labelledby="pending">
        <h2 class="heading-m" id="pending">Changes to this document</h2>
        <div class="pending-changes__item">
          <p><a href="/prog/svtad/v1.3/">Version 1.3</a> <strong class="tag tag--yellow">Draft for consultation</strong> is proposed and has no effect; consultation closes 14 December 2026. It would change clause <a href="/prog/svtad/v1.3/compare/#clause-3.1">3.1</a>.</p>
        </div>
        <div class="pending-changes__item">
          <p><a href="/prog/svtad/v2.0/">Version 2.0</a> <strong class="tag tag--purple">Prospective</strong> comes into force on 1 January 2027. It would change clauses <a href="/prog/svtad/v2.0/compare/#clause-2.2">2.2</a>, <a href="/prog/svtad/v2.0/compare/#clause-4.2A">4.2A</a>, <a href="/prog/svtad/v2.0/compare/#clause-4.4">4.4</a>.</p>
        </div>
      </section>
"#
    );
    assert_eq!(
        lines_with(
            between(main, "<ul class=\"link-list history-links\">", "</ul>"),
            "<li>"
        ),
        [
            "<li><a href=\"/prog/svtad/history/\">See all updates to this document</a></li>",
            "<li><a href=\"/prog/svtad/v1.2/changes/\">What version 1.2 changed</a></li>",
            "<li><a href=\"/prog/svtad/clauses/\">Changes clause by clause</a></li>",
            "<li><a href=\"/prog/svtad/feed.xml\">Subscribe to updates (Atom feed)</a></li>",
        ]
    );
    // The draft's own page says it is proposed.
    let draft = read(&public(&site), "prog/svtad/v1.3/index.html");
    assert_eq!(
        lines_with(main_of(&draft), "notification-banner__heading")
            .into_iter()
            .chain(lines_with(main_of(&draft), "notification-banner__text"))
            .collect::<Vec<_>>(),
        [
            "<p class=\"notification-banner__heading\">This is a draft for consultation, not the version in force</p>",
            "<p class=\"notification-banner__text\">Version 1.3 is proposed and has no effect; version 1.2 (designated) is in force.</p>",
            "<p class=\"notification-banner__text\"><a class=\"notification-banner__link\" href=\"/prog/svtad/v1.2/\">Read version 1.2, the version in force</a></p>",
        ]
    );
}

#[test]
fn the_build_date_decides_which_version_is_current() {
    let before = built(DATE);
    let after = built(LATER);
    let caption = |site: &TempDir| {
        let html = read(&public(site), "prog/svtad/index.html");
        lines_with(main_of(&html), "class=\"caption-l\"")[0].to_owned()
    };
    assert_eq!(
        caption(&before),
        "<span class=\"caption-l\">P-SVTAD <span class=\"caption-separator\" aria-hidden=\"true\">·</span><span class=\"visually-hidden\">,</span> Version 1.2</span>"
    );
    assert_eq!(
        caption(&after),
        "<span class=\"caption-l\">P-SVTAD <span class=\"caption-separator\" aria-hidden=\"true\">·</span><span class=\"visually-hidden\">,</span> Version 2.0</span>"
    );

    // After 1 January 2027 version 2.0 is in force: its pages carry no banner and no
    // comparison with itself, and 1.2 is superseded.
    let html = read(&public(&after), "prog/svtad/index.html");
    let main = main_of(&html);
    assert!(main.contains("<p>2.0 (in force)</p>"), "{main}");
    assert!(!main.contains("notification-banner"), "{main}");
    assert!(!main.contains("pending-changes"), "{main}");
    let v20 = read(&public(&after), "prog/svtad/v2.0/index.html");
    assert!(!main_of(&v20).contains("notification-banner"), "{v20}");
    assert!(
        v20.contains("<dd class=\"summary-list__value\"><strong class=\"tag tag--green\">Designated</strong></dd>"),
        "{v20}"
    );
    let v12 = read(&public(&after), "prog/svtad/v1.2/index.html");
    assert_eq!(
        lines_with(main_of(&v12), "notification-banner__heading")
            .into_iter()
            .chain(lines_with(main_of(&v12), "notification-banner__text"))
            .collect::<Vec<_>>(),
        [
            "<p class=\"notification-banner__heading\">This version has been superseded</p>",
            "<p class=\"notification-banner__text\">Version 1.2 is no longer in force; version 2.0 is.</p>",
            "<p class=\"notification-banner__text\"><a class=\"notification-banner__link\" href=\"/prog/svtad/v2.0/\">Read version 2.0, the version in force</a></p>",
        ]
    );
    let history = read(&public(&after), "prog/svtad/history/index.html");
    assert_eq!(
        version_rows(&history)[0][1],
        "<p class=\"version-history__status\"><span class=\"visually-hidden\">Status: </span><strong class=\"tag tag--green\">Designated</strong> <strong class=\"version-history__in-force\">In force</strong></p>"
    );

    // The same date gives the same site, byte for byte.
    let again = built(DATE);
    assert!(snapshot(&public(&before)) == snapshot(&public(&again)));
}

// --- 5. a clause's changes over time ---------------------------------------------------

/// The events of clause `anchor` on the clause-by-clause page.
fn clause_events(html: &str, anchor: &str) -> Vec<String> {
    let section = between(
        html,
        &format!("<section class=\"clause-history\" id=\"{anchor}\""),
        "</section>",
    );
    lines_with(section, "<li>")
        .into_iter()
        .map(capitals)
        .collect()
}

#[test]
fn clause_history_lists_each_change_with_a_link_to_its_redline() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/clauses/index.html");
    assert!(html.contains(
        "<h2 class=\"clause-history__heading heading-s\" id=\"clause-2.2-heading\">2.2</h2>\n        <p class=\"clause-history__current\"><a href=\"/prog/svtad/#clause-2.2\">Read clause 2.2 as it stands<span class=\"visually-hidden\"> in the current version</span></a></p>"
    ));
    assert_eq!(
        clause_events(&html, "clause-2.2"),
        [
            "<li><a href=\"/prog/svtad/v1.0/\">Version 1.0</a>, <time datetime=\"2025-01-10\">10 January 2025</time>: first version <span class=\"secondary-text\">(First issue)</span></li>",
            "<li><a href=\"/prog/svtad/v1.1/\">Version 1.1</a>, <time datetime=\"2025-06-02\">2 June 2025</time>: amended <span class=\"secondary-text\">(Direction of the Secretary of State)</span> <a href=\"/prog/svtad/v1.1/changes/#clause-2.2\">see the change<span class=\"visually-hidden\"> to clause 2.2 in version 1.1</span></a></li>",
            "<li><a href=\"/prog/svtad/v2.0/\">Version 2.0</a>, <time datetime=\"2026-10-01\">1 October 2026</time>: amended <span class=\"secondary-text\">(Direction of the Secretary of State)</span> <a href=\"/prog/svtad/v2.0/changes/#clause-2.2\">see the change<span class=\"visually-hidden\"> to clause 2.2 in version 2.0</span></a></li>",
        ]
    );
    assert_eq!(
        clause_events(&html, "clause-3.3")[1],
        "<li><a href=\"/prog/svtad/v1.2/\">Version 1.2</a>, <time datetime=\"2025-09-15\">15 September 2025</time>: amended <span class=\"secondary-text\">(Minor or typographical change)</span> <a href=\"/prog/svtad/v1.2/changes/#clause-3.3\">see the change<span class=\"visually-hidden\"> to clause 3.3 in version 1.2</span></a></li>"
    );
    assert_eq!(
        clause_events(&html, "clause-2.1A"),
        ["<li><a href=\"/prog/svtad/v1.1/\">Version 1.1</a>, <time datetime=\"2025-06-02\">2 June 2025</time>: inserted <span class=\"secondary-text\">(Direction of the Secretary of State)</span> <a href=\"/prog/svtad/v1.1/changes/#clause-2.1A\">see the change<span class=\"visually-hidden\"> to clause 2.1A in version 1.1</span></a></li>"]
    );
    assert_eq!(
        clause_events(&html, "clause-3.2")[1],
        "<li><a href=\"/prog/svtad/v1.1/\">Version 1.1</a>, <time datetime=\"2025-06-02\">2 June 2025</time>: removed <span class=\"secondary-text\">(Direction of the Secretary of State)</span> <a href=\"/prog/svtad/v1.1/changes/#clause-3.2\">see the change<span class=\"visually-hidden\"> to clause 3.2 in version 1.1</span></a></li>"
    );
    // 4.4 is only in the prospective version, not in the current one.
    let section = between(&html, "id=\"clause-4.4\"", "</section>");
    assert!(
        section.contains(
            "<p class=\"clause-history__current secondary-text\">Not in the current version.</p>"
        ),
        "{section}"
    );
    assert!(
        section.contains(": renumbered from 4.3 <span class=\"secondary-text\">"),
        "{section}"
    );
    // Every "see the change" link lands on a clause of its redline.
    let (broken, _) = broken_links(&public(&site), "/");
    assert_eq!(broken, []);
}

/// In 2.0 clause 4.3 moved, word for word, to 4.4. The clause page files the renumbering
/// under 4.4 alone: 4.4's history starts in 2.0, as if its text were new there, and 4.3's
/// history ends in 1.0 as if nothing had happened to it. 4.4's history should go back to
/// 1.0, where its text first appeared (as 4.3), and 4.3's should say that it moved to 4.4
/// in 2.0. (changes.json has the same gap.)
#[test]
fn a_renumbered_clause_keeps_its_history() {
    let site = built(DATE);
    let html = read(&public(&site), "prog/svtad/clauses/index.html");
    let events = clause_events(&html, "clause-4.4");
    assert!(
        events[0].starts_with("<li><a href=\"/prog/svtad/v1.0/\">Version 1.0</a>"),
        "4.4's history should start in 1.0: {events:#?}"
    );
    let events = clause_events(&html, "clause-4.3");
    assert!(
        events
            .iter()
            .any(|e| e.contains("/prog/svtad/v2.0/") && e.contains("4.4")),
        "4.3's history should say its text moved to 4.4 in 2.0: {events:#?}"
    );
}

/// The change mechanism is shown as written, never lower-cased whole (which gave
/// "direction of the secretary of state").
#[test]
fn proper_nouns_in_change_mechanisms_keep_their_capitals() {
    let site = built(DATE);
    let redline = read(&public(&site), "prog/svtad/v1.1/changes/index.html");
    assert!(
        redline.contains("<a href=\"/prog/svtad/v1.1/\">Version 1.1</a> (superseded, published 2 June 2025): Direction of the Secretary of State</dd>"),
        "{}",
        main_of(&redline)
    );
    let clauses = read(&public(&site), "prog/svtad/clauses/index.html");
    assert!(!clauses.contains("secretary of state"), "{clauses}");
    assert!(clauses.contains("(Direction of the Secretary of State)"));
}

// --- 6. Atom feeds -------------------------------------------------------------------

#[test]
fn document_feed_lists_versions_newest_first_and_flags_the_minor_one() {
    let site = built(DATE);
    let feed = read(&public(&site), "prog/svtad/feed.xml");
    assert_eq!(well_formed_xml(&feed), "feed");
    assert!(feed.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>P-SVTAD: Example SEC Variation Testing Approach Document</title>\n  <id>tag:attest,2024:/prog/svtad/feed.xml</id>\n  <link rel=\"self\" href=\"/prog/svtad/feed.xml\"/>\n  <updated>2026-10-01T00:00:00Z</updated>\n"
    ), "{feed}");
    let entries = feed_entries(&feed);
    // Newest first by publication: 2.0 was published after the draft 1.3.
    assert_eq!(
        entries
            .iter()
            .map(|e| element(e, "title"))
            .collect::<Vec<_>>(),
        [
            "P-SVTAD version 2.0: prospective",
            "P-SVTAD version 1.3: draft for consultation",
            "P-SVTAD version 1.2: designated (minor or typographical change)",
            "P-SVTAD version 1.1: superseded",
            "P-SVTAD version 1.0: superseded",
        ]
    );
    assert_eq!(
        entries
            .iter()
            .map(|e| element(e, "updated"))
            .collect::<Vec<_>>(),
        [
            "2026-10-01T00:00:00Z",
            "2026-08-03T00:00:00Z",
            "2025-09-15T00:00:00Z",
            "2025-06-02T00:00:00Z",
            "2025-01-10T00:00:00Z",
        ]
    );
    let categories: Vec<Vec<&str>> = entries.iter().map(|e| lines_with(e, "<category")).collect();
    assert_eq!(
        categories,
        [
            ["<category term=\"substantive\" label=\"Direction of the Secretary of State\"/>"],
            ["<category term=\"substantive\" label=\"Direction of the Secretary of State\"/>"],
            ["<category term=\"minor\" label=\"Minor or typographical change\"/>"],
            ["<category term=\"substantive\" label=\"Direction of the Secretary of State\"/>"],
            ["<category term=\"substantive\" label=\"First issue\"/>"],
        ]
    );
    assert_eq!(
        lines_with(entries[2], "<id>")
            .into_iter()
            .chain(lines_with(entries[2], "<link"))
            .collect::<Vec<_>>(),
        [
            "<id>tag:attest,2025-09-15:P-SVTAD/1.2</id>",
            "<link href=\"/prog/svtad/v1.2/\"/>",
        ]
    );
    // Ids are unique.
    let mut ids: Vec<&str> = entries.iter().map(|e| element(e, "id")).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), entries.len());
}

#[test]
fn site_feed_lists_every_version_of_every_document() {
    let site = built(DATE);
    let feed = read(&public(&site), "feed.xml");
    assert_eq!(well_formed_xml(&feed), "feed");
    assert_eq!(
        element(&feed, "title"),
        "History testing documentation: all updates"
    );
    assert_eq!(
        feed_entries(&feed)
            .iter()
            .map(|e| element(e, "title"))
            .collect::<Vec<_>>(),
        [
            "P-SVTAD version 2.0: prospective",
            "P-SVTAD version 1.3: draft for consultation",
            "P-SVTAD version 1.2: designated (minor or typographical change)",
            "P-SVTAD version 1.1: superseded",
            "P-TAD version 1.0: approved",
            "P-SVTAD version 1.0: superseded",
        ]
    );
    // Every page names the site feed for feed readers to find.
    let home = read(&public(&site), "index.html");
    assert!(home.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"All updates to History testing documentation\" href=\"/feed.xml\">"));
}

#[test]
fn feeds_link_absolutely_under_an_absolute_base_url() {
    let site = built_with(DATE, &["--base-url", "https://example.org/docs/"]);
    for (file, self_url) in [
        (
            "prog/svtad/feed.xml",
            "https://example.org/docs/prog/svtad/feed.xml",
        ),
        ("feed.xml", "https://example.org/docs/feed.xml"),
    ] {
        let feed = read(&public(&site), file);
        assert_eq!(well_formed_xml(&feed), "feed");
        assert_eq!(element(&feed, "id"), self_url);
        assert!(
            feed.contains(&format!("  <link rel=\"self\" href=\"{self_url}\"/>\n")),
            "{feed}"
        );
    }
    let feed = read(&public(&site), "prog/svtad/feed.xml");
    assert_eq!(
        attr_values(&feed, "href"),
        [
            "https://example.org/docs/prog/svtad/feed.xml",
            "https://example.org/docs/prog/svtad/v2.0/",
            "https://example.org/docs/prog/svtad/v1.3/",
            "https://example.org/docs/prog/svtad/v1.2/",
            "https://example.org/docs/prog/svtad/v1.1/",
            "https://example.org/docs/prog/svtad/v1.0/",
        ]
    );
    // The pages themselves stay root-relative under the base path.
    let history = read(&public(&site), "prog/svtad/history/index.html");
    assert!(history.contains(
        "<li><a href=\"/docs/prog/svtad/feed.xml\">Subscribe to updates (Atom feed)</a></li>"
    ));
}

/// RFC 4287, 4.1.1: an atom:feed must contain an atom:author unless every entry has
/// one. Neither feed has any, so feed validators reject them.
#[test]
fn feeds_name_an_author() {
    let site = built(DATE);
    for file in ["feed.xml", "prog/svtad/feed.xml", "prog/tad/feed.xml"] {
        let feed = read(&public(&site), file);
        let head = &feed[..feed.find("<entry>").unwrap_or(feed.len())];
        let every_entry = feed_entries(&feed)
            .iter()
            .all(|e| e.contains("<author>") && e.contains("<name>"));
        assert!(
            (head.contains("<author>") && head.contains("<name>")) || every_entry,
            "{file} has no author:\n{feed}"
        );
    }
}

// --- 7. JSON exports -------------------------------------------------------------------

#[test]
fn versions_json_lists_every_version_with_stable_fields() {
    let site = built(DATE);
    let versions: Value =
        serde_json::from_str(&read(&public(&site), "prog/svtad/versions.json")).unwrap();
    assert_eq!(
        versions,
        json!([
            {
                "document": "P-SVTAD",
                "version": "1.0",
                "status": "superseded",
                "published": "2025-01-10",
                "effective_from": "2025-02-01",
                "consultation_closes": null,
                "change_mechanism": "first-issue",
                "change_summary": "First designated version.",
                "supersedes": null,
                "in_force": false,
                "url": "/prog/svtad/v1.0/"
            },
            {
                "document": "P-SVTAD",
                "version": "1.1",
                "status": "superseded",
                "published": "2025-06-02",
                "effective_from": "2025-07-01",
                "consultation_closes": null,
                "change_mechanism": "direction-of-secretary-of-state",
                "change_summary": "Designated with the amendments made after consultation.",
                "supersedes": "1.0",
                "in_force": false,
                "url": "/prog/svtad/v1.1/"
            },
            {
                "document": "P-SVTAD",
                "version": "1.2",
                "status": "designated",
                "published": "2025-09-15",
                "effective_from": null,
                "consultation_closes": null,
                "change_mechanism": "minor-typographical",
                "change_summary": "Corrected a spelling in clause 3.3.",
                "supersedes": "1.1",
                "in_force": true,
                "url": "/prog/svtad/v1.2/"
            },
            {
                "document": "P-SVTAD",
                "version": "1.3",
                "status": "draft-for-consultation",
                "published": "2026-08-03",
                "effective_from": null,
                "consultation_closes": "2026-12-14",
                "change_mechanism": "direction-of-secretary-of-state",
                "change_summary": "Proposed: the TAG agrees that entry criteria are met.",
                "supersedes": "1.2",
                "in_force": false,
                "url": "/prog/svtad/v1.3/"
            },
            {
                "document": "P-SVTAD",
                "version": "2.0",
                "status": "prospective",
                "published": "2026-10-01",
                "effective_from": "2027-01-01",
                "consultation_closes": null,
                "change_mechanism": "direction-of-secretary-of-state",
                "change_summary": "Progress reports every two weeks; the TAG gets a copy of each report.",
                // Declared in the front matter, over the draft numbered before it.
                "supersedes": "1.2",
                "in_force": false,
                "url": "/prog/svtad/v2.0/"
            }
        ])
    );
    // Field order is part of the format.
    let raw = read(&public(&site), "prog/svtad/versions.json");
    let first = between(&raw, "{", "}");
    let keys: Vec<&str> = first
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert_eq!(
        keys,
        [
            "document",
            "version",
            "status",
            "published",
            "effective_from",
            "consultation_closes",
            "change_mechanism",
            "change_summary",
            "supersedes",
            "in_force",
            "url"
        ]
    );
}

#[test]
fn changes_json_lists_each_clause_with_its_changes() {
    let site = built(DATE);
    let changes: Value =
        serde_json::from_str(&read(&public(&site), "prog/svtad/changes.json")).unwrap();
    let clauses: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clause"].as_str().unwrap())
        .collect();
    assert_eq!(
        clauses,
        [
            "1", "1.1", "2", "2.1", "2.1A", "2.2", "2.3", "3", "3.1", "3.2", "3.3", "4", "4.1",
            "4.2", "4.2A", "4.3", "4.4"
        ]
    );
    let clause = |n: &str| {
        changes
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(
        clause("2.2"),
        json!({
            "document": "P-SVTAD",
            "clause": "2.2",
            "changes": [
                {
                    "version": "1.0",
                    "change": "inserted",
                    "renumbered_from": null, "renumbered_to": null,
                    "published": "2025-01-10",
                    "change_mechanism": "first-issue",
                    "url": "/prog/svtad/v1.0/"
                },
                {
                    "version": "1.1",
                    "change": "amended",
                    "renumbered_from": null, "renumbered_to": null,
                    "published": "2025-06-02",
                    "change_mechanism": "direction-of-secretary-of-state",
                    "url": "/prog/svtad/v1.1/"
                },
                {
                    "version": "2.0",
                    "change": "amended",
                    "renumbered_from": null, "renumbered_to": null,
                    "published": "2026-10-01",
                    "change_mechanism": "direction-of-secretary-of-state",
                    "url": "/prog/svtad/v2.0/"
                }
            ]
        })
    );
    assert_eq!(
        clause("4.4"),
        json!({
            "document": "P-SVTAD",
            "clause": "4.4",
            "changes": [
                // The text's history goes back to where it began, as 4.3.
                {
                    "version": "1.0",
                    "change": "inserted",
                    "renumbered_from": null,
                    "renumbered_to": null,
                    "published": "2025-01-10",
                    "change_mechanism": "first-issue",
                    "url": "/prog/svtad/v1.0/"
                },
                {
                    "version": "2.0",
                    "change": "renumbered",
                    "renumbered_from": "4.3",
                    "renumbered_to": null,
                    "published": "2026-10-01",
                    "change_mechanism": "direction-of-secretary-of-state",
                    "url": "/prog/svtad/v2.0/"
                }
            ]
        })
    );
    // The old number says where its text went.
    assert_eq!(clause("4.3")["changes"][1]["renumbered_to"], "4.4");
    assert_eq!(clause("3.2")["changes"][1]["change"], "removed");
    assert_eq!(
        clause("3.3")["changes"][1]["change_mechanism"],
        "minor-typographical"
    );
}

// --- 8. bad input ----------------------------------------------------------------------

#[test]
fn the_fixture_checks_clean() {
    let site = fixture("history");
    for date in [DATE, LATER] {
        let (diags, code) = check_json_on(site.path(), date);
        assert_diags(&diags, &[]);
        assert_eq!(code, 0);
    }
}

/// `v1.md` says version "1", which is version 1.0 written another way.
fn with_a_second_version_one(root: &Path) {
    let v10 = fs::read_to_string(root.join(V10)).unwrap();
    fs::write(
        root.join("content/prog/svtad/v1.md"),
        v10.replacen("version = \"1.0\"", "version = \"1\"", 1),
    )
    .unwrap();
}

#[test]
fn two_version_files_with_one_version_are_refused() {
    let site = published();
    let root = site.path();
    with_a_second_version_one(root);
    let (diags, check_code) = check_json_on(root, DATE);
    assert_eq!(check_code, 1);
    let message = "version 1 is also in content/prog/svtad/v1.0.md";
    // Where it points and what it suggests: see
    // `two_version_files_with_one_version_point_at_the_version`.
    let d = &diags[0];
    assert_eq!(diags.as_array().unwrap().len(), 1, "{diags:#}");
    assert_eq!(
        (&d["severity"], &d["code"], &d["file"], &d["message"]),
        (
            &json!("error"),
            &json!("duplicate-version"),
            &json!("content/prog/svtad/v1.md"),
            &json!(message)
        )
    );
    assert_build_fails_on_date(root, &[("duplicate-version", message)], 0);
}

/// The duplicate is reported at line 0, column 0 (the whole file) with no help. Issue 4
/// asks for file:line:col; the place is the `version` value, and the help should say
/// what to do.
#[test]
fn two_version_files_with_one_version_point_at_the_version() {
    let site = fixture("history");
    let root = site.path();
    with_a_second_version_one(root);
    let (diags, _) = check_json_on(root, DATE);
    let (line, column) = pos_of(root, "content/prog/svtad/v1.md", "\"1\"\n");
    let mut d = diags[0].clone();
    let help = d
        .as_object_mut()
        .unwrap()
        .remove("help")
        .unwrap_or(Value::Null);
    assert_eq!(
        d,
        diag(
            "duplicate-version",
            "content/prog/svtad/v1.md",
            line,
            column,
            "version 1 is also in content/prog/svtad/v1.0.md",
            None
        )
    );
    // The wording is the fixer's choice; it must name the other file.
    assert!(
        help.as_str().is_some_and(|h| h.contains("v1.0.md")),
        "help: {help}"
    );
}

#[test]
fn a_version_taking_effect_before_the_one_it_supersedes_is_refused() {
    let site = published();
    let root = site.path();
    edit(
        root,
        V11,
        "effective_from = 2025-07-01",
        "effective_from = 2025-01-15",
    );
    let (line, column) = pos_of(root, V11, "2025-01-15");
    assert_rejected(
        root,
        &[diag(
            "effective-before-predecessor",
            V11,
            line,
            column,
            "version 1.1 takes effect on 2025-01-15, before version 1.0 which it supersedes (2025-02-01)",
            Some("correct the date, or the version numbers if 1.0 is really the later version"),
        )],
    );
}

/// A draft for consultation published while a designated version waits for its
/// effective date is the normal order of things (a new consultation on the next change),
/// but a draft "takes effect", for this check, on its publication date, so it is refused
/// as taking effect before the prospective version it follows. A draft takes no effect.
#[test]
fn a_draft_after_a_prospective_version_is_accepted() {
    let site = fixture("history");
    let root = site.path();
    // 2.1, a draft for consultation on one more change, published after 2.0 but before
    // 2.0 comes into force.
    let v21 = "content/prog/svtad/v2.1.md";
    fs::copy(root.join(V20), root.join(v21)).unwrap();
    for (from, to) in [
        ("version = \"2.0\"", "version = \"2.1\""),
        (
            "status = \"designated\"",
            "status = \"draft-for-consultation\"",
        ),
        ("published = 2026-10-01", "published = 2026-11-02"),
        (
            "effective_from = 2027-01-01",
            "consultation_closes = 2027-01-29",
        ),
        ("supersedes = \"1.2\"\n", ""),
        ("\n[renumbered]\n\"4.3\" = \"4.4\"\n", ""),
        ("2.3 DCC shall keep", "2.3 DCC shall keep and publish"),
    ] {
        edit(root, v21, from, to);
    }
    let (diags, code) = check_json_on(root, DATE);
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
}

#[test]
fn a_version_superseding_an_unknown_version_is_refused_with_a_suggestion() {
    let site = published();
    let root = site.path();
    edit(root, V20, "supersedes = \"1.2\"", "supersedes = \"1.2.1\"");
    let (line, column) = pos_of(root, V20, "\"1.2.1\"");
    assert_rejected(
        root,
        &[diag(
            "unknown-version",
            V20,
            line,
            column,
            "version 2.0 supersedes version 1.2.1, which this document does not have",
            Some("did you mean `1.2`?"),
        )],
    );
}

#[test]
fn a_version_superseding_a_version_far_from_any_lists_the_earlier_versions() {
    let site = fixture("history");
    let root = site.path();
    edit(root, V20, "supersedes = \"1.2\"", "supersedes = \"12\"");
    let (line, column) = pos_of(root, V20, "\"12\"");
    let (diags, code) = check_json_on(root, DATE);
    assert_diags(
        &diags,
        &[diag(
            "unknown-version",
            V20,
            line,
            column,
            "version 2.0 supersedes version 12, which this document does not have",
            Some("earlier versions: 1.0, 1.1, 1.2, 1.3"),
        )],
    );
    assert_eq!(code, 1);
}

/// 2.0 without its `[renumbered]` table: clause 4.3 vanished and 4.4 has its text.
fn with_an_undeclared_renumbering(root: &Path) {
    edit(root, V20, "\n[renumbered]\n\"4.3\" = \"4.4\"\n", "");
}

#[test]
fn an_undeclared_renumbering_is_a_warning_naming_the_likely_match() {
    let site = published();
    let root = site.path();
    with_an_undeclared_renumbering(root);
    let (line, column) = pos_of(root, V20, "4.4 DCC shall keep reports");
    let expected = warning(
        "unannounced-renumbering",
        V20,
        line,
        column,
        "clause 4.4 reads like clause 4.3 of version 1.2, whose text is no longer under that number",
        Some("if it was renumbered, say so in the front matter: [renumbered] \"4.3\" = \"4.4\""),
    );
    let (diags, check_code) = check_json_on(root, DATE);
    assert_diags(&diags, std::slice::from_ref(&expected));
    assert_eq!(check_code, 0, "a warning does not fail check");

    // The build goes on, says so, and publishes the new text.
    let out = build(root, &["--date", DATE]);
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "warning[unannounced-renumbering]: {}\n   ┌─ {V20}:{line}:{column}\n",
            expected["message"].as_str().unwrap()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("   = help: if it was renumbered, say so in the front matter: [renumbered] \"4.3\" = \"4.4\"\n"),
        "{stderr}"
    );
    // Without the declaration the redline shows a removal and an insertion.
    let html = read(&root.join("public"), "prog/svtad/v2.0/changes/index.html");
    assert!(
        html.contains(
            "<dd class=\"summary-list__value\">2 inserted, 1 amended, 1 removed; 13 unchanged</dd>"
        ),
        "{html}"
    );
}

/// A common slip: the old 4.3 moves to 4.4, word for word, and a new clause takes the
/// number 4.3 (which the README says SEC numbering never does). Undeclared, it passes
/// without a word: 4.3 shows as amended (its whole text replaced) and 4.4 as inserted.
/// The warning only looks for clauses that vanished, so the one case where the clause
/// matching is most surely wrong goes unreported.
#[test]
fn an_undeclared_renumbering_into_a_reused_number_is_warned() {
    let site = fixture("history");
    let root = site.path();
    with_an_undeclared_renumbering(root);
    edit(
        root,
        V20,
        "4.4 DCC shall keep reports",
        "4.3 DCC shall publish each report within a week.\n\n4.4 DCC shall keep reports",
    );
    let (line, column) = pos_of(root, V20, "4.4 DCC shall keep reports");
    let (diags, code) = check_json_on(root, DATE);
    assert_eq!(code, 0, "a warning, not an error");
    assert_eq!(diags.as_array().unwrap().len(), 1, "{diags:#}");
    let mut d = diags[0].clone();
    let message = d
        .as_object_mut()
        .unwrap()
        .remove("message")
        .unwrap_or(Value::Null);
    let mut expected = warning(
        "unannounced-renumbering",
        V20,
        line,
        column,
        "",
        Some("if it was renumbered, say so in the front matter: [renumbered] \"4.3\" = \"4.4\""),
    );
    expected.as_object_mut().unwrap().remove("message");
    assert_eq!(d, expected);
    // The wording is the fixer's choice; it must name both clauses and the version.
    let message = message.as_str().unwrap_or("");
    assert!(
        message.contains("4.4") && message.contains("4.3") && message.contains("1.2"),
        "{message}"
    );
}

/// The README: "numbers are never reused ... a removed clause keeps its number with the
/// text `[Not used]`". A drafter who follows that for a moved clause, leaving `4.3 [Not
/// used]` behind its declared move to 4.4, gets a redline that says 4.3 was *inserted*,
/// with `<ins>[Not used]</ins>`, and counts it among the insertions; the clause page says
/// 4.3 was "inserted" in 2.0 too.
#[test]
fn a_renumbered_clause_may_leave_its_old_number_not_used() {
    let site = fixture("history");
    let root = site.path();
    edit(
        root,
        V20,
        "4.4 DCC shall keep reports",
        "4.3 [Not used]\n\n4.4 DCC shall keep reports",
    );
    let (diags, code) = check_json_on(root, DATE);
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
    build_ok(root, &["--date", DATE]);
    let html = read(&root.join("public"), "prog/svtad/v2.0/changes/index.html");
    let redline = redline_div(&html);
    assert!(!redline.contains("<ins>[Not used]</ins>"), "{redline}");
    assert!(
        html.contains(
            "<dd class=\"summary-list__value\">1 inserted, 1 amended, 0 removed, 1 renumbered;"
        ),
        "only 4.2A is new: {}",
        main_of(&html)
    );
    let clauses = read(&root.join("public"), "prog/svtad/clauses/index.html");
    assert!(
        clause_events(&clauses, "clause-4.3")
            .iter()
            .all(|e| !e.contains(": inserted ")),
        "{clauses}"
    );
}

#[test]
fn a_renumbering_to_a_clause_the_version_does_not_have_is_refused() {
    let site = published();
    let root = site.path();
    edit(root, V20, "\"4.3\" = \"4.4\"", "\"4.3\" = \"4.5\"");
    let (table_line, table_column) = pos_of(root, V20, "[renumbered]");
    let (line, column) = pos_of(root, V20, "4.4 DCC shall keep reports");
    assert_rejected(
        root,
        &[
            diag(
                "unknown-clause",
                V20,
                table_line,
                table_column,
                "`renumbered` moves clause 4.3 to 4.5, but this version has no clause 4.5",
                None,
            ),
            // With 4.3 sent nowhere, the text of 4.4 is recognised as the old 4.3.
            warning(
                "unannounced-renumbering",
                V20,
                line,
                column,
                "clause 4.4 reads like clause 4.3 of version 1.2, whose text is no longer under that number",
                Some("if it was renumbered, say so in the front matter: [renumbered] \"4.3\" = \"4.4\""),
            ),
        ],
    );
}

/// `"4.9" = "4.4"` renumbers a clause that version 1.2, which 2.0 supersedes, never had;
/// it is accepted without a word (and 4.4 shows as inserted).
#[test]
fn a_renumbering_from_a_clause_the_superseded_version_lacks_is_refused() {
    let site = fixture("history");
    let root = site.path();
    edit(root, V20, "\"4.3\" = \"4.4\"", "\"4.9\" = \"4.4\"");
    let (line, column) = pos_of(root, V20, "[renumbered]");
    let (diags, code) = check_json_on(root, DATE);
    assert_eq!(code, 1, "{diags:#}");
    let d = &diags[0];
    assert_eq!(
        (
            &d["severity"],
            &d["code"],
            &d["file"],
            &d["line"],
            &d["column"]
        ),
        (
            &json!("error"),
            &json!("unknown-clause"),
            &json!(V20),
            &json!(line),
            &json!(column)
        ),
        "{diags:#}"
    );
    // The wording is the fixer's choice; it must name the clause and the version.
    let message = d["message"].as_str().unwrap_or("");
    assert!(
        message.contains("4.9") && message.contains("1.2"),
        "{message}"
    );
}

/// The preview links again after each edit, taking each untouched document's history
/// from the last link; left running past midnight, the version in force may change, and
/// with it every comparison with the version in force.
#[test]
fn a_link_memo_from_another_day_is_worked_out_again() {
    let site = fixture("history");
    let (sources, _) = attest::load::load(site.path());
    let parsed = || {
        attest::parse::parse(&sources)
            .0
            .expect("the fixture parses")
    };
    let day = |s: &str| attest::model::Date(s.parse().expect("a date"));
    let histories = |g: &attest::link::SiteGraph| -> Vec<String> {
        g.documents
            .iter()
            .flatten()
            .map(|d| format!("{:?}", d.history))
            .collect()
    };

    let mut memo = attest::link::Memo::default();
    let (before, _) = attest::link::link_with(parsed(), None, day("2026-11-28"), &mut memo);
    let old = histories(&before);
    memo.keep(before.documents, |_, _| true);
    let (after, _) = attest::link::link_with(parsed(), None, day("2027-02-01"), &mut memo);
    let (fresh, _) = attest::link::link(parsed(), None, day("2027-02-01"));
    assert_ne!(histories(&fresh), old, "version 2.0 comes into force");
    assert_eq!(histories(&after), histories(&fresh));
}
