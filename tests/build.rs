//! `attest build` on the minimal fixture (tests/fixtures/minimal): which files it
//! writes, the exact markup of clauses, cross-references, defined terms, sanitised HTML
//! and highlighted code, version banners, base URLs, the sitemap, `attest init` and
//! template overrides. Every test builds a fresh copy of the fixture in a temporary
//! folder.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;

const SVTAD: &str = "prog/svtad/index.html";
const SVTAD_V01: &str = "prog/svtad/v0.1/index.html";
const SVTAD_V10: &str = "prog/svtad/v1.0/index.html";
const TAD: &str = "prog/tad/index.html";
const TAD_V10: &str = "prog/tad/v1.0/index.html";

/// Every file a build of the fixture writes, and nothing else.
const EXPECTED_FILES: &[&str] = &[
    "404.html",
    "accessibility/index.html",
    "feed.xml",
    "index.html",
    "obligations.csv",
    "obligations.json",
    "obligations/dcc/index.html",
    "obligations/index.html",
    "prog/index.html",
    "prog/svtad/changes.json",
    "prog/svtad/clauses/index.html",
    "prog/svtad/feed.xml",
    "prog/svtad/history/index.html",
    "prog/svtad/index.html",
    "prog/svtad/v0.1/compare/index.html",
    "prog/svtad/v0.1/index.html",
    "prog/svtad/v1.0/changes/index.html",
    "prog/svtad/v1.0/index.html",
    "prog/svtad/versions.json",
    "prog/tad/changes.json",
    "prog/tad/clauses/index.html",
    "prog/tad/feed.xml",
    "prog/tad/history/index.html",
    "prog/tad/index.html",
    "prog/tad/v1.0/index.html",
    "prog/tad/versions.json",
    "robots.txt",
    "search/index.html",
    "sitemap.xml",
    "static/attest.css",
    "static/search.js",
    "static/syntax.css",
];

/// The files of a built site, without the static search's bundle under `pagefind/`,
/// whose file names carry content hashes: [`assert_search_bundle`] checks it.
fn site_files(dir: &Path) -> Vec<String> {
    files_in(dir)
        .into_iter()
        .filter(|f| !f.starts_with("pagefind/") && !f.starts_with("pagefind-other-versions/"))
        .collect()
}

/// Pagefind's client and index are in the site: the files the search page loads.
fn assert_search_bundle(dir: &Path) {
    let files = files_in(dir);
    for f in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(files.iter().any(|x| x == f), "no {f} in {files:?}");
    }
    for prefix in [
        "pagefind/pagefind.en_",
        "pagefind/index/en_",
        "pagefind/fragment/en_",
    ] {
        assert!(
            files.iter().any(|x| x.starts_with(prefix)),
            "no {prefix}* in the site"
        );
    }
    // One filter index each for kind, document, party, modality and phase; none for
    // `current`, which would be every query's (the other versions have a bundle of
    // their own).
    let filters = files
        .iter()
        .filter(|x| x.starts_with("pagefind/filter/"))
        .count();
    assert_eq!(filters, 5, "{files:?}");
    // The other versions' bundle is an index only, merged into the first's client.
    let other: Vec<String> = files
        .iter()
        .filter_map(|x| x.strip_prefix("pagefind-other-versions/"))
        .map(|x| match x.split_once('_') {
            Some((kind, _)) => format!("{kind}_*"),
            None => x.to_owned(),
        })
        .collect();
    assert_eq!(
        other,
        [
            "filter/en_*",
            "filter/en_*",
            "filter/en_*",
            "filter/en_*",
            "filter/en_*",
            "fragment/en_*",
            "index/en_*",
            "pagefind-entry.json",
            "pagefind.en_*"
        ]
    );
}

/// The `<div class="document-body">` of a document page: the rendered Markdown.
fn document_body(html: &str) -> &str {
    let start = html
        .find("<div class=\"document-body\">")
        .expect("a document body");
    let end = start + html[start..].find("\n          </div>\n").expect("its end");
    &html[start..end]
}

/// The text of an HTML fragment: tags removed and character references decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

#[test]
fn fixture_is_valid() {
    let site = fixture("minimal");
    let (diags, code) = check_json(site.path());
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
}

/// Pagefind's fragments in a built site, by URL: each is gzip after a 12-byte signature.
fn pagefind_fragments(bundle: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    use std::io::Read;
    let mut out = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(bundle.join("fragment")).expect("fragments") {
        let bytes = std::fs::read(e.expect("an entry").path()).expect("read");
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut json)
            .expect("gzip");
        let v: serde_json::Value = serde_json::from_slice(&json[12..]).expect("JSON");
        out.insert(v["url"].as_str().expect("a url").to_owned(), v);
    }
    out
}

/// The static index has one Pagefind page for each page of the site, not one a clause
/// (the first query downloads a line for each); a document page's clauses are its
/// anchored sections, with the party, modality and phase of each in its `_clauses` meta.
#[test]
fn the_static_index_has_a_page_a_document_with_its_clauses_as_sections() {
    let site = fixture("minimal");
    build_ok(site.path(), &["--date", "2025-06-01"]);
    let fragments = pagefind_fragments(&site.path().join("public/pagefind"));
    let urls: Vec<&str> = fragments.keys().map(String::as_str).collect();
    assert_eq!(
        urls,
        [
            "/accessibility/",
            "/obligations/",
            "/prog/",
            "/prog/svtad/",
            "/prog/tad/"
        ]
    );
    let svtad = &fragments["/prog/svtad/"];
    let anchors: Vec<(&str, &str)> = svtad["anchors"]
        .as_array()
        .expect("anchors")
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        anchors,
        [
            ("clause-1.1", "1.1 Definitions"),
            ("clause-2.1", "2.1 Testing"),
            ("clause-2.1A", "2.1A Testing"),
            ("clause-2.2", "2.2 Testing"),
            ("clause-2.3", "2.3 Testing"),
        ]
    );
    let meta = &svtad["meta"];
    assert_eq!(meta["document"], "P-SVTAD");
    assert_eq!(meta["_version"], "1.0");
    assert_eq!(meta["_status"], "Designated");
    assert_eq!(meta["_in_force"], "yes");
    let clauses: serde_json::Value =
        serde_json::from_str(meta["_clauses"].as_str().expect("clauses")).expect("JSON");
    assert_eq!(
        clauses["clause-2.1A"],
        serde_json::json!({"modality": ["shall"], "party": ["dcc"], "phase": ["PIT", "SIT"]})
    );
    assert_eq!(
        clauses["clause-2.3"],
        serde_json::json!({"phase": ["PIT", "SIT"]})
    );
    assert_eq!(
        svtad["filters"],
        serde_json::json!({"document": ["P-SVTAD"], "kind": ["svtad"], "modality": ["shall"], "party": ["dcc"], "phase": ["PIT", "SIT"]})
    );
    // A clause's words are found in its section, and a synonym after the mark.
    let content = svtad["content"].as_str().expect("content");
    assert!(
        content.contains("2.1A Testing. DCC shall record every Testing Issue."),
        "{content}"
    );

    // The other versions' bundle: version 0.1's clauses whose words differ from 1.0's,
    // gathered as one page for the document at its changes clause by clause, each
    // section saying where its clause is.
    let other = pagefind_fragments(&site.path().join("public/pagefind-other-versions"));
    let urls: Vec<&str> = other.keys().map(String::as_str).collect();
    assert_eq!(urls, ["/prog/svtad/clauses/"]);
    let gathered = &other["/prog/svtad/clauses/"];
    let anchors: Vec<&str> = gathered["anchors"]
        .as_array()
        .expect("anchors")
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(anchors, ["v0.1-clause-1.1", "v0.1-clause-2.1"]);
    let meta = &gathered["meta"];
    assert_eq!(meta["_current"], "no");
    assert_eq!(meta["document"], "P-SVTAD");
    assert_eq!(meta.get("_version"), None);
    assert_eq!(meta.get("_in_force"), None);
    let clauses: serde_json::Value =
        serde_json::from_str(meta["_clauses"].as_str().expect("clauses")).expect("JSON");
    assert_eq!(
        clauses["v0.1-clause-2.1"],
        serde_json::json!({
            "modality": ["shall"],
            "party": ["dcc"],
            "phase": ["PIT", "SIT"],
            "status": "Draft for consultation",
            "url": "/prog/svtad/v0.1/#clause-2.1",
            "version": "0.1"
        })
    );
    let content = gathered["content"].as_str().expect("content");
    assert!(
        content.contains("2.1 Testing. DCC shall test the changes."),
        "{content}"
    );
}

/// With one version of each document, or other versions whose words are all the
/// current version's, there is nothing else to search: no second bundle (Pagefind's
/// client cannot merge an empty one), and the search page offers no box for it.
#[test]
fn a_site_without_other_wording_has_no_other_versions_to_search() {
    let one_version = fixture("minimal");
    std::fs::remove_file(one_version.path().join("content/prog/svtad/v0.1.md")).unwrap();
    let same_words = fixture("minimal");
    let dir = same_words.path().join("content/prog/svtad");
    let v01 = std::fs::read_to_string(dir.join("v0.1.md")).unwrap();
    let v10 = std::fs::read_to_string(dir.join("v1.0.md")).unwrap();
    let front = |s: &str| s.split("+++").nth(1).unwrap().to_owned();
    let body = |s: &str| s.splitn(3, "+++").nth(2).unwrap().to_owned();
    std::fs::write(
        dir.join("v0.1.md"),
        format!("+++{}+++{}", front(&v01), body(&v10)),
    )
    .unwrap();
    for site in [&one_version, &same_words] {
        build_ok(site.path(), &[]);
        let public = site.path().join("public");
        assert!(public.join("pagefind/pagefind-entry.json").exists());
        assert!(!public.join("pagefind-other-versions").exists());
        let search = read(&public, "search/index.html");
        assert!(search.contains("data-pagefind=\"/pagefind/\">"), "{search}");
        assert!(!search.contains("filter-current"), "{search}");
        assert!(search.contains(
            "<p class=\"hint\">Searches the version in force of each document, or its latest draft while none is in force.</p>"
        ));
    }
}

#[test]
fn build_writes_exactly_the_expected_files() {
    let site = fixture("minimal");
    let out = build_ok(site.path(), &[]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("published 18 pages (65 files, "),
        "unexpected summary: {stdout}"
    );
    assert_eq!(site_files(&site.path().join("public")), EXPECTED_FILES);
    assert_search_bundle(&site.path().join("public"));
    // The staging and swap folders are gone: the root holds the sources, the output and
    // the search index.
    let root_names = BTreeSet::from([
        "content".to_owned(),
        "public".to_owned(),
        "search-index".to_owned(),
    ]);
    assert_eq!(names_in(site.path()), root_names);
    assert_eq!(
        names_in(&site.path().join("search-index")),
        BTreeSet::from(["index".to_owned()])
    );

    // A second build replaces the first in place, leaving nothing beside it.
    build_ok(site.path(), &[]);
    assert_eq!(site_files(&site.path().join("public")), EXPECTED_FILES);
    assert_eq!(names_in(site.path()), root_names);
    assert_eq!(
        names_in(&site.path().join("search-index")),
        BTreeSet::from(["index".to_owned()])
    );
}

#[test]
fn output_option_writes_the_site_elsewhere() {
    let site = fixture("minimal");
    let dest = tempfile::tempdir().unwrap();
    let output = dest.path().join("site");
    build_ok(site.path(), &["--output", output.to_str().unwrap()]);
    assert_eq!(site_files(&output), EXPECTED_FILES);
    assert_search_bundle(&output);
    assert_eq!(names_in(dest.path()), BTreeSet::from(["site".to_owned()]));
    assert!(
        !site.path().join("public").exists(),
        "nothing is written to ROOT/public"
    );
}

#[test]
fn cross_references_link_to_the_exact_anchor() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    // The document page and the version's permanent page show the same text.
    for page in [TAD, TAD_V10] {
        let html = read(&public, page);
        assert!(
            html.contains(
                "<p>This document is produced under \
                 <a class=\"xref\" href=\"/prog/svtad/#clause-2.1\">P-SVTAD 2.1</a> and follows \
                 <a class=\"xref\" href=\"/prog/svtad/#clause-2.1A\">the inserted clause</a> of \
                 <a class=\"xref\" href=\"/prog/svtad/\">P-SVTAD</a>.</p>"
            ),
            "clause 1.1 of {page}:\n{}",
            document_body(&html)
        );
        // [[term:Testing Issue]] links to the definition in the parent document ...
        assert!(
            html.contains(
                "<p>Each <a class=\"xref\" href=\"/prog/svtad/#term-testing-issue\">Testing Issue</a> is logged.</p>"
            ),
            "clause 1.2 of {page}:\n{}",
            document_body(&html)
        );
        // ... and so does a plain use of the term, in a clause of its own.
        assert!(
            html.contains(
                "<p>DCC shall triage every <a class=\"term\" href=\"/prog/svtad/#term-testing-issue\">Testing Issue</a> within a day.</p>"
            ),
            "clause 1.3 of {page}:\n{}",
            document_body(&html)
        );
    }
    // The anchors they point at exist, once each, on the SVTAD's page.
    let svtad_ids = ids(&read(&public, SVTAD));
    for anchor in ["clause-2.1", "clause-2.1A", "term-testing-issue"] {
        assert_eq!(
            svtad_ids.iter().filter(|i| *i == anchor).count(),
            1,
            "id {anchor} on {SVTAD}"
        );
    }
}

#[test]
fn clauses_and_definitions_are_anchored() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let html = read(&site.path().join("public"), SVTAD);
    let body = document_body(&html);
    for expected in [
        // A numbered heading is a clause: its anchor is on the heading, its number a link.
        "<h2 id=\"clause-1\" class=\"clause-heading\"><a class=\"clause-number\" href=\"#clause-1\" aria-label=\"Clause 1\">1</a> Definitions</h2>",
        "<h2 id=\"clause-2\" class=\"clause-heading\"><a class=\"clause-number\" href=\"#clause-2\" aria-label=\"Clause 2\">2</a> Testing</h2>",
        // A numbered paragraph is a clause, without its number in the text.
        "<div class=\"clause\" id=\"clause-1.1\"><a class=\"clause-number\" href=\"#clause-1.1\" aria-label=\"Clause 1.1\">1.1</a><div class=\"clause-body\">\n<p>In this document:</p>",
        // A clause amended (or inserted) since the first version links to its changes
        // over time.
        "<div class=\"clause\" id=\"clause-2.1\"><a class=\"clause-number\" href=\"#clause-2.1\" aria-label=\"Clause 2.1\">2.1</a><div class=\"clause-body\">\n<p>DCC shall test the changes in PIT and SIT.</p>\n<p class=\"clause-history-link\"><a href=\"/prog/svtad/clauses/#clause-2.1\">Changes to clause 2.1<span class=\"visually-hidden\"> over time</span></a></p></div></div>",
        // An inserted clause, whose first use of the term links to the local definition.
        "<div class=\"clause\" id=\"clause-2.1A\"><a class=\"clause-number\" href=\"#clause-2.1A\" aria-label=\"Clause 2.1A\">2.1A</a><div class=\"clause-body\">\n<p>DCC shall record every <a class=\"term\" href=\"#term-testing-issue\">Testing Issue</a>.</p>\n<p class=\"clause-history-link\"><a href=\"/prog/svtad/clauses/#clause-2.1A\">Changes to clause 2.1A<span class=\"visually-hidden\"> over time</span></a></p></div></div>",
        // The definition in a list item.
        "<li><dfn id=\"term-testing-issue\" class=\"term-def\">Testing Issue</dfn> means a problem found in testing that needs to be fixed.</li>",
        // The table is wrapped for scrolling.
        "<div class=\"table-wrapper\" role=\"region\" tabindex=\"0\" aria-label=\"Table in clause 2.2\"><table><thead><tr><th>Phase</th><th>Report</th></tr></thead><tbody>\n<tr><td>PIT</td><td>Weekly</td></tr>\n<tr><td>SIT</td><td>Daily</td></tr>\n</tbody></table>\n</div>",
        // The footnote and its reference.
        "<p>DCC shall report progress as follows<sup class=\"footnote-reference\" id=\"fnref-report\"><a href=\"#fn-report\" aria-label=\"Footnote 1\">1</a></sup>.</p>",
        "<div class=\"footnote-definition\" id=\"fn-report\"><sup class=\"footnote-definition-label\"><a href=\"#fnref-report\" aria-label=\"Back to reference 1\">1</a></sup>\n<p>Reports go to the TAG.</p>\n</div>",
    ] {
        assert!(body.contains(expected), "missing:\n{expected}\nin:\n{body}");
    }
    // The number of a paragraph clause is not repeated in its text.
    assert!(!body.contains("<p>1.1 "), "{body}");
    // The contents list links to the numbered headings.
    assert!(html.contains("<a class=\"contents-list__link\" href=\"#clause-1\"><span class=\"contents-list__number\">1 </span><span class=\"contents-list__text\">Definitions</span></a>"));
}

#[test]
fn raw_html_is_sanitised() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    for page in [TAD, TAD_V10] {
        let html = read(&public, page);
        assert!(
            html.contains("<p>Raw HTML: <b>bold</b></p>"),
            "{}",
            document_body(&html)
        );
        assert!(!html.contains("<script"), "a script survived on {page}");
        assert!(
            !html.contains("alert(1)"),
            "the script's text survived on {page}"
        );
        assert!(
            !html.contains("onclick"),
            "an event handler survived on {page}"
        );
        // Sanitising keeps attest's own markup on the same page.
        assert!(html.contains("<div class=\"clause\" id=\"clause-1.4\"><a class=\"clause-number\" href=\"#clause-1.4\" aria-label=\"Clause 1.4\">1.4</a>"));
    }
}

#[test]
fn code_blocks_are_highlighted_with_classes_not_styles() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    let html = read(&public, SVTAD);
    let start = html
        .find("<pre class=\"code\"><code class=\"language-toml\">")
        .expect("the toml block is a highlighted code block");
    let end = start + html[start..].find("</code></pre>").unwrap() + "</code></pre>".len();
    let block = &html[start..end];
    assert!(
        block.contains("<span class=\"hl-"),
        "no highlighting:\n{block}"
    );
    assert!(
        !html.contains("style="),
        "inline styles on the page:\n{block}"
    );
    // Highlighting changes the markup, never the code.
    assert_eq!(text_of(block), "[phase]\nid = \"PIT\"\nweeks = 4\n");
    // One stylesheet colours the classes.
    let css = read(&public, "static/syntax.css");
    assert!(css.contains(".hl-"), "syntax.css has no hl- rules");
    assert!(attr_values(&html, "href").contains(&"/static/syntax.css".to_owned()));
}

#[test]
fn drafts_carry_a_banner_and_the_document_page_shows_the_version_in_force() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");

    let draft = read(&public, SVTAD_V01);
    assert!(draft.contains(
        "<title>Example SEC Variation Testing Approach Document, version 0.1 – Minimal testing documentation</title>"
    ));
    assert!(draft.contains("<div class=\"notification-banner notification-banner--draft\" role=\"region\" aria-labelledby=\"notification-banner-title\">"));
    assert!(draft.contains("<p class=\"notification-banner__heading\">This is a draft for consultation, not the version in force</p>"));
    assert!(draft.contains("<p class=\"notification-banner__text\">Version 0.1 is proposed and has no effect; version 1.0 (designated) is in force.</p>"));
    let banner_links: Vec<String> = attr_values(&draft, "href")
        .into_iter()
        .filter(|h| h == "/prog/svtad/v1.0/")
        .collect();
    assert!(
        !banner_links.is_empty(),
        "the banner links to the version in force"
    );
    assert!(draft.contains(">Read version 1.0, the version in force</a>"));
    assert!(draft.contains("<strong class=\"tag tag--yellow\">Draft for consultation</strong>"));
    // The draft's own text: no clause 2.1A yet.
    assert!(!ids(&draft).contains(&"clause-2.1A".to_owned()));

    let doc = read(&public, SVTAD);
    assert!(doc.contains(
        "<title>Example SEC Variation Testing Approach Document – Minimal testing documentation</title>"
    ));
    assert!(
        !doc.contains("notification-banner"),
        "the version in force has no banner"
    );
    assert!(doc.contains("<span class=\"caption-l\">P-SVTAD <span class=\"caption-separator\" aria-hidden=\"true\">·</span><span class=\"visually-hidden\">,</span> Version 1.0</span>"));
    assert!(doc.contains("<p>1.0 (in force)</p>"));
    // The document page and version 1.0's permanent page show the same text.
    let v10 = read(&public, SVTAD_V10);
    assert_eq!(document_body(&doc), document_body(&v10));
    assert_ne!(document_body(&doc), document_body(&draft));
    assert!(!v10.contains("notification-banner"));
}

#[test]
fn pages_have_no_duplicate_ids() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    for (page, html) in html_pages(&site.path().join("public")) {
        assert_eq!(
            duplicate_ids(&html),
            Vec::<String>::new(),
            "duplicate ids on {page}"
        );
    }
}

#[test]
fn fixture_site_has_no_broken_links() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let (broken, checked) = broken_links(&site.path().join("public"), "/");
    assert_eq!(broken, vec![]);
    assert!(checked > 100, "only {checked} links checked");
}

/// The link checker itself: it must see a missing anchor, a missing page and an
/// ambiguous anchor, or the link tests above and in bundled.rs prove nothing.
#[test]
fn link_checker_finds_broken_links() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    let svtad = read(&public, SVTAD);
    fs::write(
        public.join(SVTAD),
        svtad.replacen("id=\"clause-2.1A\"", "id=\"clause-2.1B\"", 1),
    )
    .unwrap();
    fs::remove_file(public.join("prog/svtad/v0.1/index.html")).unwrap();
    let v10 = read(&public, SVTAD_V10);
    fs::write(
        public.join(SVTAD_V10),
        v10.replacen("<main ", "<div id=\"clause-2.1\"></div><main ", 1),
    )
    .unwrap();
    let (broken, _) = broken_links(&public, "/");
    let found: BTreeSet<(String, String, &str)> = broken
        .into_iter()
        .map(|b| (b.page, b.href, b.why))
        .collect();
    let expected: BTreeSet<(String, String, &str)> = [
        (SVTAD, "#clause-2.1A", "no such anchor"),
        (TAD, "/prog/svtad/#clause-2.1A", "no such anchor"),
        (TAD_V10, "/prog/svtad/#clause-2.1A", "no such anchor"),
        (
            "prog/svtad/clauses/index.html",
            "/prog/svtad/#clause-2.1A",
            "no such anchor",
        ),
        (SVTAD, "/prog/svtad/v0.1/", "no such file"),
        (SVTAD_V10, "/prog/svtad/v0.1/", "no such file"),
        (
            "prog/svtad/clauses/index.html",
            "/prog/svtad/v0.1/",
            "no such file",
        ),
        (
            "prog/svtad/history/index.html",
            "/prog/svtad/v0.1/",
            "no such file",
        ),
        (
            "prog/svtad/v0.1/compare/index.html",
            "/prog/svtad/v0.1/",
            "no such file",
        ),
        (
            "prog/svtad/v1.0/changes/index.html",
            "/prog/svtad/v0.1/",
            "no such file",
        ),
        (SVTAD_V10, "#clause-2.1", "ambiguous anchor"),
        // The obligations register links to the clause that says what DCC must do.
        (
            "obligations/index.html",
            "/prog/svtad/#clause-2.1A",
            "no such anchor",
        ),
        (
            "obligations/dcc/index.html",
            "/prog/svtad/#clause-2.1A",
            "no such anchor",
        ),
    ]
    .into_iter()
    .map(|(p, h, w)| (p.to_owned(), h.to_owned(), w))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn base_url_prefixes_every_internal_link() {
    let site = fixture("minimal");
    build_ok(site.path(), &["--base-url", "/sub/"]);
    let public = site.path().join("public");
    let mut paths = BTreeSet::new();
    for (page, html) in html_pages(&public) {
        let links: Vec<String> = attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
            .collect();
        assert!(!links.is_empty(), "{page} has no links");
        for link in links {
            if link.starts_with('#') {
                continue;
            }
            assert!(
                link.starts_with("/sub/"),
                "{page}: `{link}` does not start with the base URL /sub/"
            );
            paths.insert(link.split('#').next().unwrap().to_owned());
        }
    }
    let expected: BTreeSet<String> = [
        "/sub/",
        "/sub/accessibility/",
        "/sub/feed.xml",
        "/sub/obligations.csv",
        "/sub/obligations.json",
        "/sub/obligations/",
        "/sub/obligations/dcc/",
        "/sub/prog/",
        "/sub/prog/svtad/",
        "/sub/prog/svtad/changes.json",
        "/sub/prog/svtad/clauses/",
        "/sub/prog/svtad/feed.xml",
        "/sub/prog/svtad/history/",
        "/sub/prog/svtad/v0.1/",
        "/sub/prog/svtad/v0.1/compare/",
        "/sub/prog/svtad/v1.0/",
        "/sub/prog/svtad/v1.0/changes/",
        "/sub/prog/svtad/versions.json",
        "/sub/prog/tad/",
        "/sub/prog/tad/changes.json",
        "/sub/prog/tad/clauses/",
        "/sub/prog/tad/feed.xml",
        "/sub/prog/tad/history/",
        "/sub/prog/tad/v1.0/",
        "/sub/prog/tad/versions.json",
        "/sub/static/attest.css",
        "/sub/static/search.js",
        "/sub/static/syntax.css",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(paths, expected);
    // Cross-references too, with their anchors.
    let tad = read(&public, TAD);
    assert!(tad.contains("<a class=\"xref\" href=\"/sub/prog/svtad/#clause-2.1\">P-SVTAD 2.1</a>"));
    assert!(tad.contains(
        "<a class=\"term\" href=\"/sub/prog/svtad/#term-testing-issue\">Testing Issue</a>"
    ));
    let (broken, _) = broken_links(&public, "/sub/");
    assert_eq!(broken, vec![]);
    assert_eq!(
        read(&public, "sitemap.xml"),
        sitemap_for(&[
            "/sub/",
            "/sub/accessibility/",
            "/sub/obligations/",
            "/sub/obligations/dcc/",
            "/sub/prog/",
            "/sub/prog/svtad/",
            "/sub/prog/svtad/clauses/",
            "/sub/prog/svtad/history/",
            "/sub/prog/svtad/v0.1/",
            "/sub/prog/svtad/v0.1/compare/",
            "/sub/prog/svtad/v1.0/",
            "/sub/prog/svtad/v1.0/changes/",
            "/sub/prog/tad/",
            "/sub/prog/tad/clauses/",
            "/sub/prog/tad/history/",
            "/sub/prog/tad/v1.0/",
            "/sub/search/",
        ])
    );
}

fn sitemap_for(locs: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for l in locs {
        s.push_str("  <url><loc>");
        s.push_str(l);
        s.push_str("</loc></url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

#[test]
fn sitemap_lists_every_page_once() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    assert_eq!(
        read(&public, "sitemap.xml"),
        sitemap_for(&[
            "/",
            "/accessibility/",
            "/obligations/",
            "/obligations/dcc/",
            "/prog/",
            "/prog/svtad/",
            "/prog/svtad/clauses/",
            "/prog/svtad/history/",
            "/prog/svtad/v0.1/",
            "/prog/svtad/v0.1/compare/",
            "/prog/svtad/v1.0/",
            "/prog/svtad/v1.0/changes/",
            "/prog/tad/",
            "/prog/tad/clauses/",
            "/prog/tad/history/",
            "/prog/tad/v1.0/",
            "/search/",
        ])
    );
    // Without an absolute base URL there is no sitemap URL to advertise.
    assert_eq!(read(&public, "robots.txt"), "User-agent: *\nAllow: /\n");
}

#[test]
fn absolute_base_url_gives_absolute_sitemap_locations() {
    let site = fixture("minimal");
    build_ok(site.path(), &["--base-url", "https://example.org/docs/"]);
    let public = site.path().join("public");
    assert_eq!(
        read(&public, "sitemap.xml"),
        sitemap_for(&[
            "https://example.org/docs/",
            "https://example.org/docs/accessibility/",
            "https://example.org/docs/obligations/",
            "https://example.org/docs/obligations/dcc/",
            "https://example.org/docs/prog/",
            "https://example.org/docs/prog/svtad/",
            "https://example.org/docs/prog/svtad/clauses/",
            "https://example.org/docs/prog/svtad/history/",
            "https://example.org/docs/prog/svtad/v0.1/",
            "https://example.org/docs/prog/svtad/v0.1/compare/",
            "https://example.org/docs/prog/svtad/v1.0/",
            "https://example.org/docs/prog/svtad/v1.0/changes/",
            "https://example.org/docs/prog/tad/",
            "https://example.org/docs/prog/tad/clauses/",
            "https://example.org/docs/prog/tad/history/",
            "https://example.org/docs/prog/tad/v1.0/",
            "https://example.org/docs/search/",
        ])
    );
    assert_eq!(
        read(&public, "robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://example.org/docs/sitemap.xml\n"
    );
    // Pages link root-relatively under the URL's path.
    let tad = read(&public, TAD);
    assert!(tad.contains("<a class=\"xref\" href=\"/docs/prog/svtad/#clause-2.1\">P-SVTAD 2.1</a>"));
    let (broken, _) = broken_links(&public, "/docs/");
    assert_eq!(broken, vec![]);
}

#[test]
fn init_makes_a_project_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let d = dir.display();
    let out = attest(["init".as_ref(), dir.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "created {d}/content/site.toml\n\
             created {d}/content/pages/accessibility.md\n\
             created {d}/content/example/programme.toml\n\
             created {d}/content/example/svtad/document.toml\n\
             created {d}/content/example/svtad/v0.1.md\n\
             now run: attest build --root {d}\n"
        )
    );
    let (diags, code_) = check_json(&dir);
    assert_diags(&diags, &[]);
    assert_eq!(code_, 0);
    build_ok(&dir, &[]);
    assert_eq!(
        site_files(&dir.join("public")),
        [
            "404.html",
            "accessibility/index.html",
            "example/index.html",
            "example/svtad/changes.json",
            "example/svtad/clauses/index.html",
            "example/svtad/feed.xml",
            "example/svtad/history/index.html",
            "example/svtad/index.html",
            "example/svtad/v0.1/index.html",
            "example/svtad/versions.json",
            "feed.xml",
            "index.html",
            "obligations.csv",
            "obligations.json",
            "obligations/dcc/index.html",
            "obligations/index.html",
            "robots.txt",
            "search/index.html",
            "sitemap.xml",
            "static/attest.css",
            "static/search.js",
            "static/syntax.css",
        ]
    );
    let (broken, _) = broken_links(&dir.join("public"), "/");
    assert_eq!(broken, vec![]);

    // A second init refuses to overwrite the project.
    let before = snapshot(&dir);
    let again = attest(["init".as_ref(), dir.as_os_str()]);
    assert_eq!(code(&again), 1);
    assert_eq!(
        text(&again.stderr),
        format!("error: {d} already has a content/ folder; attest init will not overwrite it\n")
    );
    assert!(
        snapshot(&dir) == before,
        "a refused init changed the project"
    );
}

#[test]
fn site_template_override_is_used_for_pages() {
    let site = fixture("minimal");
    fs::create_dir(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}\n{% block content %}<article class=\"override-page\"><h1>{{ page.title }}</h1>{{ body | safe }}</article>{% endblock content %}\n",
    )
    .unwrap();
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    let page = read(&public, "accessibility/index.html");
    assert!(
        page.contains("<article class=\"override-page\"><h1>Accessibility statement</h1><p>This site aims to meet WCAG 2.2 at level AA.</p>\n</article>"),
        "{page}"
    );
    // The theme's base.html still frames the page, and other page types are untouched.
    assert!(page.contains("<title>Accessibility statement – Minimal testing documentation</title>"));
    assert!(
        !page.contains("document-body--page"),
        "the theme's page.html was used"
    );
    for other in ["index.html", SVTAD, TAD] {
        assert!(!read(&public, other).contains("override-page"), "{other}");
    }
}

// ---------------------------------------------------------------------------------------
// Bugs found while writing these tests: each asserts what a reader should get.

#[test]

fn footnote_anchors_do_not_collide_with_heading_anchors() {
    let site = fixture("minimal");
    append(
        site.path(),
        "content/prog/svtad/v1.0.md",
        b"\n## Report\n\nThe report itself.\n",
    );
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    let html = read(&public, SVTAD);
    assert_eq!(duplicate_ids(&html), Vec::<String>::new());
    let (broken, _) = broken_links(&public, "/");
    assert_eq!(broken, vec![]);
}

#[test]

fn task_lists_keep_their_state_on_pages_with_raw_html() {
    let site = fixture("minimal");
    // The TAD has raw HTML, so its whole body goes through the sanitiser.
    append(
        site.path(),
        "content/prog/tad/v1.0.md",
        b"\n1.5 Checklist:\n\n- [x] done\n- [ ] open\n",
    );
    build_ok(site.path(), &[]);
    let html = read(&site.path().join("public"), TAD);
    assert!(
        html.contains("<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\ndone</li>\n<li><input disabled=\"\" type=\"checkbox\">\nopen</li>"),
        "{}",
        document_body(&html)
    );
}

#[test]

fn template_links_are_written_as_plain_urls() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    for (page, html) in html_pages(&site.path().join("public")) {
        assert!(
            !html.contains("&#x2F;"),
            "{page} has entity-escaped slashes"
        );
    }
    let home = read(&site.path().join("public"), "index.html");
    assert!(home.contains("<link rel=\"stylesheet\" href=\"/static/attest.css\">"));
}

#[test]
fn footnotes_follow_the_last_clause_under_their_own_heading() {
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    let html = read(&site.path().join("public"), SVTAD);
    let body = document_body(&html);
    let footnotes = body
        .find("<section class=\"footnotes\" aria-labelledby=\"footnotes\"><h2 id=\"footnotes\" class=\"footnotes__title\">Footnotes</h2>\n<div class=\"footnote-definition\" id=\"fn-report\">")
        .expect("a footnotes section");
    let last_clause = body.rfind("<div class=\"clause\"").unwrap();
    assert!(last_clause < footnotes, "footnotes come after every clause");
    // The clause that cites the footnote does not contain its text.
    let clause_2_2 = &body[body.find("id=\"clause-2.2\"").unwrap()..footnotes];
    assert!(!clause_2_2.contains("Reports go to the TAG."));
}

#[test]
fn lettered_items_are_a_list_without_bullets() {
    let site = fixture("minimal");
    append(
        site.path(),
        "content/prog/tad/v1.0.md",
        b"\n1.5 DCC shall:\n\n- (a) plan;\n- (b) test.\n\n1.6 Also:\n\n- plain item\n",
    );
    build_ok(site.path(), &[]);
    let body = read(&site.path().join("public"), TAD);
    assert!(
        body.contains("<div class=\"clause-body\">\n<p>DCC shall:</p>\n<ul class=\"list-lettered\">\n<li>(a) plan;</li>\n<li>(b) test.</li>\n</ul>\n</div>"),
        "{}",
        document_body(&body)
    );
    assert!(body.contains("<p>Also:</p>\n<ul>\n<li>plain item</li>\n</ul>"));
}

#[test]
fn a_document_with_only_drafts_says_so_on_every_version() {
    let site = fixture("minimal");
    let root = site.path();
    // Turn the SVTAD's designated v1.0 into a second draft: nothing is in force.
    edit(
        root,
        "content/prog/svtad/v1.0.md",
        "status = \"designated\"",
        "status = \"draft\"",
    );
    build_ok(root, &[]);
    let public = root.join("public");
    let latest = read(&public, SVTAD);
    assert!(
        latest.contains("This is a draft"),
        "the latest draft has a banner"
    );
    assert!(latest.contains("No version of this document has been approved yet; version 1.0 is the latest and is not in force."));
    assert!(latest.contains("1.0 (latest version; no version is in force yet)"));
    assert!(!latest.contains("(in force)"));
    let earlier = read(&public, SVTAD_V01);
    assert!(earlier.contains("This is an earlier draft for consultation"));
    assert!(earlier.contains("No version of this document has been approved yet, and version 1.0 replaces this one as the latest."));
    assert!(earlier.contains("<a class=\"notification-banner__link\" href=\"/prog/svtad/v1.0/\">Read version 1.0, the latest version</a>"));
}

#[test]
fn canonical_links_and_release_links() {
    let site = fixture("minimal");
    build_ok(site.path(), &["--base-url", "https://docs.example/sub/"]);
    let public = site.path().join("public");
    let tad = read(&public, TAD);
    assert!(tad.contains("<link rel=\"canonical\" href=\"https://docs.example/sub/prog/tad/\">"));
    assert!(read(&public, TAD_V10)
        .contains("<link rel=\"canonical\" href=\"https://docs.example/sub/prog/tad/v1.0/\">"));
    assert!(!read(&public, "404.html").contains("rel=\"canonical\""));
    // The release row links to the release on the programme page, which has that anchor.
    assert!(tad.contains("<a href=\"/sub/prog/#release-r1\">"), "{tad}");
    assert!(read(&public, "prog/index.html").contains("id=\"release-r1\""));
    // A bare-path base URL gives no canonical link: there is no host to name.
    let site = fixture("minimal");
    build_ok(site.path(), &[]);
    assert!(!read(&site.path().join("public"), TAD).contains("rel=\"canonical\""));
}
