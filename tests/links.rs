//! `attest check` verifies every internal `href` and `src` of every built page, not only
//! the `[[...]]` references: each link written by hand in content (raw HTML or a
//! Markdown link) or by a template must name a page or file the site produces, and each
//! `#fragment` the `id` of exactly one element of the page it names. A broken one is a
//! `broken-link` error at the link in its source, or on the page when a template made it.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const SVTAD_V10: &str = "content/prog/svtad/v1.0.md";
const TAD_V10: &str = "content/prog/tad/v1.0.md";

fn broken(file: &str, (line, column): (u64, u64), message: &str, help: &str) -> serde_json::Value {
    diag("broken-link", file, line, column, message, Some(help))
}

/// Checks `root`, expecting exactly `expected` and exit code 1; the build still
/// publishes (link integrity is `check`'s).
fn assert_check(root: &Path, expected: &[serde_json::Value]) {
    let (diags, code) = check_json(root);
    assert_diags(&diags, expected);
    assert_eq!(code, 1);
}

#[test]
fn a_hand_written_anchor_to_nothing_is_reported_at_the_link() {
    let site = fixture("minimal");
    append(
        site.path(),
        SVTAD_V10,
        b"\n2.4 See <a href=\"#nope\">nowhere</a>.\n",
    );
    assert_check(
        site.path(),
        &[broken(
            SVTAD_V10,
            pos_of(site.path(), SVTAD_V10, "#nope"),
            // The version in force publishes at the document's URL and its own.
            "`#nope` on /prog/svtad/ (and 1 other page): no element of that page has the id `nope`",
            "link to an id that the page has",
        )],
    );
}

#[test]
fn markdown_links_to_missing_pages_and_anchors_are_reported_with_suggestions() {
    let site = fixture("minimal");
    append(
        site.path(),
        TAD_V10,
        b"\n1.5 See [the SVTAD](/prog/svtad/#clause-2.2A), [a page](/prog/nope/) and [a file](/static/nope.css).\n",
    );
    assert_check(
        site.path(),
        &[
            broken(
                TAD_V10,
                pos_of(site.path(), TAD_V10, "/prog/svtad/#clause-2.2A"),
                "`/prog/svtad/#clause-2.2A` on /prog/tad/ (and 1 other page): no element of /prog/svtad/ has the id `clause-2.2A`",
                "did you mean `#clause-2.2`, `#clause-2.1A` or `#clause-2`?",
            ),
            broken(
                TAD_V10,
                pos_of(site.path(), TAD_V10, "/prog/nope/"),
                "`/prog/nope/` on /prog/tad/ (and 1 other page): the site has no page or file /prog/nope/",
                "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url",
            ),
            broken(
                TAD_V10,
                pos_of(site.path(), TAD_V10, "/static/nope.css"),
                "`/static/nope.css` on /prog/tad/ (and 1 other page): the site has no page or file /static/nope.css",
                "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url",
            ),
        ],
    );
}

#[test]
fn relative_links_and_encoded_urls_resolve_against_their_page() {
    let site = fixture("minimal");
    // On /prog/svtad/ the first is /prog/svtad/v1.0/, which exists; on /prog/svtad/v1.0/
    // itself it is /prog/svtad/v1.0/v1.0/, which does not, and `../tad/` there is
    // /prog/svtad/tad/. `&amp;` is `&`.
    append(
        site.path(),
        SVTAD_V10,
        b"\n2.4 <a href=\"v1.0/?a=1&amp;b=2#clause-2.1\">This version</a>, <a href='../tad/'>the TAD</a>.\n",
    );
    assert_check(
        site.path(),
        &[broken(
            SVTAD_V10,
            pos_of(site.path(), SVTAD_V10, "v1.0/?a=1&amp;b=2#clause-2.1"),
            "`v1.0/?a=1&b=2#clause-2.1` on /prog/svtad/v1.0/: the site has no page or file /prog/svtad/v1.0/v1.0/",
            "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url",
        ),
        broken(
            SVTAD_V10,
            pos_of(site.path(), SVTAD_V10, "../tad/"),
            "`../tad/` on /prog/svtad/v1.0/: the site has no page or file /prog/svtad/tad/",
            "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url",
        )],
    );
}

#[test]
fn an_id_used_twice_makes_links_to_it_ambiguous() {
    let site = fixture("minimal");
    append(
        site.path(),
        SVTAD_V10,
        b"\n2.4 <span id=\"clause-2.1\">A second element with the id of clause 2.1.</span>\n",
    );
    let (diags, code) = check_json(site.path());
    assert_eq!(code, 1);
    let messages: Vec<&str> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    // The clause's own number links to it, and the TAD refers to it (a reference is
    // not written as a link in the source, so it is reported with the template-made
    // links to the same place, on the first page that has one).
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("`/prog/svtad/#clause-2.1` on ")
                && m.ends_with(": more than one element of /prog/svtad/ has the id `clause-2.1`")),
        "{messages:#?}"
    );
    assert!(
        messages.contains(
            &"`#clause-2.1` on /prog/svtad/ (and 1 other page): more than one element of that page has the id `clause-2.1`"
        ),
        "{messages:#?}"
    );
}

#[test]
fn a_template_link_to_nothing_is_reported_once_for_all_its_pages() {
    let site = fixture("minimal");
    let base = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dcc/templates/base.html"),
    )
    .unwrap();
    let needle = "<a class=\"skip-link\" href=\"#main-content\">";
    assert!(base.contains(needle));
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/base.html"),
        base.replace(
            needle,
            "<a href=\"{{ site.base }}nowhere/\">Nowhere</a>\n  <a class=\"skip-link\" href=\"#main-content\">",
        ),
    )
    .unwrap();
    // The build publishes (links are `check`'s); it says how many pages carry the link.
    build_ok(site.path(), &[]);
    let pages = html_pages(&site.path().join("public")).len();
    assert_check(
        site.path(),
        &[diag(
            "broken-link",
            "404.html",
            0,
            0,
            &format!(
                "`/nowhere/` on /404.html (and {} other pages): the site has no page or file /nowhere/",
                pages - 1
            ),
            Some("link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url (the theme's templates made this link)"),
        )],
    );
}

#[test]
fn root_relative_links_outside_the_base_path_are_reported() {
    let site = fixture("minimal");
    append(
        site.path(),
        TAD_V10,
        b"\n1.5 <a href=\"/prog/svtad/\">The SVTAD, written as a path.</a>\n",
    );
    // At the root it resolves.
    let (diags, exit) = check_json(site.path());
    assert_diags(&diags, &[]);
    assert_eq!(exit, 0);
    // Published under /sub/, it does not.
    let out = attest([
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--base-url".as_ref(),
        "/sub/".as_ref(),
        "--root".as_ref(),
        site.path().as_os_str(),
    ]);
    assert_eq!(code(&out), 1);
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_diags(
        &diags,
        &[broken(
            TAD_V10,
            pos_of(site.path(), TAD_V10, "/prog/svtad/\">"),
            "`/prog/svtad/` on /sub/prog/tad/ (and 1 other page): it points outside the site's base path /sub/",
            "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url",
        )],
    );
}

#[test]
fn external_links_and_other_schemes_are_not_checked() {
    let site = fixture("minimal");
    append(
        site.path(),
        TAD_V10,
        b"\n1.5 <a href=\"https://example.org/nope/#x\">Elsewhere</a>, <a href=\"mailto:a@example.org\">mail</a>, [top](#top), [here](#) and <a href=\"?q=1\">this page</a>.\n",
    );
    let (diags, exit) = check_json(site.path());
    assert_diags(&diags, &[]);
    assert_eq!(exit, 0);
}
