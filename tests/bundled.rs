//! The bundled FSM content in `content/`: it checks clean, it builds, and every internal
//! link of the built site resolves to a file and, where it names one, to an anchor that
//! exists exactly once in the target page.
//!
//! The build goes to a temporary `--output`; nothing is written to the repository.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled trace shows its gaps on purpose: four requirements nothing covers and
/// four traces reviewed before TCD version 1.1 amended their clause. Nothing else is
/// wrong. The date is fixed: on 1 March 2027 TAD version 2.0 comes into force and
/// amends two more cited clauses.
#[test]
fn bundled_content_has_only_its_deliberate_gaps() {
    let (diags, code) = check_json_with(repo_root(), &["--date", "2026-11-28"]);
    let coverage = "content/fsm/ctd-r1/trace/coverage.csv";
    let reqs = "content/fsm/ctd-r1/trace/requirements.csv";
    let suspect_help = Some("review the trace against the clause as it now stands, then set `reviewed` to the date of that review");
    let suspect = |line, id: &str, reviewed: &str, clause: &str| {
        warning(
            "suspect-trace",
            coverage,
            line,
            18,
            &format!("the trace of {id} was reviewed on {reviewed}, before FSM-TCD-R1 {clause} changed in version 1.1 (in force from 2025-09-15)"),
            suspect_help,
        )
    };
    let uncovered = |line, id: &str| {
        warning(
            "uncovered-requirement",
            reqs,
            line,
            1,
            &format!("no scenario or case covers {id}"),
            Some("add it to the `covers` of a test, or give it a coverage row of `deferred` or `not-testable` with a rationale"),
        )
    };
    assert_diags(
        &diags,
        &[
            suspect(88, "REQ-CHR-002", "2025-04-04", "2.5"),
            suspect(89, "REQ-CHR-003", "2025-04-04", "2.5"),
            suspect(111, "REQ-MFA-005", "2025-06-13", "2.6"),
            suspect(133, "REQ-RPT-007", "2025-06-27", "2.7"),
            uncovered(38, "REQ-SSMI-015"),
            uncovered(64, "REQ-INC-025"),
            uncovered(140, "REQ-RPT-014"),
            uncovered(152, "REQ-MIG-012"),
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn bundled_site_builds_and_every_internal_link_resolves() {
    let out_dir = tempfile::tempdir().unwrap();
    let site = out_dir.path().join("site");
    build_ok(repo_root(), &["--output", site.to_str().unwrap()]);
    assert_eq!(
        names_in(out_dir.path()),
        BTreeSet::from(["site".to_owned()])
    );

    let pages = html_pages(&site);
    // Every document in content/fsm has its page, and each version its permanent page.
    for page in [
        "index.html",
        "404.html",
        "about/index.html",
        "accessibility/index.html",
        "fsm/index.html",
        "fsm/svtad/index.html",
        "fsm/svtad/v0.1/index.html",
        "fsm/svtad/v1.0/index.html",
        "fsm/tad-r1/index.html",
        "fsm/tad-r1/v1.0/index.html",
        "fsm/tcd-r1/index.html",
        "fsm/ctd-r1/index.html",
        "fsm/sctd-r1/index.html",
        "fsm/utsad/index.html",
        "fsm/utsad/v0.1/index.html",
    ] {
        assert!(pages.contains_key(page), "{page} was not built");
    }

    // A sample of real cross-document references, as written in the TAD.
    let tad = &pages["fsm/tad-r1/index.html"];
    for link in [
        "<a class=\"xref\" href=\"/fsm/svtad/#clause-4.1\">FSM-SVTAD 4.1</a>",
        "<a class=\"xref\" href=\"/fsm/utsad/\">FSM-UTSAD</a>",
        "<a class=\"xref\" href=\"/fsm/tcd-r1/\">FSM-TCD-R1</a>",
        // A reference to the TAD itself stays on the page.
        "<a class=\"xref\" href=\"#clause-2.1\">FSM-TAD-R1 2.1</a>",
    ] {
        assert!(tad.contains(link), "the TAD lacks {link}");
    }

    // The link checker over the whole site.
    let (broken, checked) = broken_links(&site, "/");
    assert_eq!(broken, vec![], "broken links in the bundled site");
    assert!(checked > 1000, "only {checked} internal links were checked");

    // Cross-document links with an anchor, counted separately so that the check above
    // cannot pass by finding none.
    let cross: BTreeSet<String> = pages
        .values()
        .flat_map(|html| attr_values(html, "href"))
        .filter(|h| h.starts_with("/fsm/") && h.contains('#'))
        .collect();
    assert!(
        cross.len() >= 20,
        "only {} distinct cross-document anchors: {cross:?}",
        cross.len()
    );
    for href in &cross {
        let (path, anchor) = href.split_once('#').unwrap();
        let target = file_for_url("/", path).unwrap();
        let html = pages
            .get(&target)
            .unwrap_or_else(|| panic!("{href}: no page {target}"));
        assert!(
            html.contains(&format!(" id=\"{anchor}\"")),
            "{href}: {target} has no id=\"{anchor}\""
        );
    }

    // No page has two elements with one id, so no anchor is ambiguous.
    for (page, html) in &pages {
        assert_eq!(
            duplicate_ids(html),
            Vec::<String>::new(),
            "duplicate ids on {page}"
        );
    }
}

/// A brace lost in the stylesheet silently drops every rule after it (a merge once lost
/// one, and the header's search box shrank below a usable target size).
#[test]
fn the_theme_stylesheet_closes_every_block() {
    let css = std::fs::read_to_string(repo_root().join("themes/dcc/static/attest.css")).unwrap();
    let mut depth = 0i32;
    let mut in_comment = false;
    let bytes = css.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if in_comment {
            if bytes[i..].starts_with(b"*/") {
                in_comment = false;
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            in_comment = true;
            i += 1;
        } else if bytes[i] == b'{' {
            depth += 1;
        } else if bytes[i] == b'}' {
            depth -= 1;
            assert!(depth >= 0, "a `}}` closes nothing at byte {i}");
        } else if bytes[i] == b'\n' && depth > 1 {
            // Only @media blocks nest; two levels is the most the theme uses.
            assert!(depth <= 2, "a block left open before byte {i}");
        }
        i += 1;
    }
    assert_eq!(depth, 0, "a block is left open");
}
