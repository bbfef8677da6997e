//! Inputs that the property tests, the fuzz targets' seed corpus or the link checker
//! found to break attest, each kept as the smallest project that shows it.
//!
//! A test marked `#[ignore]` shows a bug that is not fixed yet: run it with
//! `cargo test --test regressions -- --ignored` (it fails), and remove the `ignore` with
//! the fix.

mod common;

use common::*;

const V10: &str = "content/prog/svtad/v1.0.md";

/// Replaces the body of the fixture's SVTAD v1.0 (after its front matter) with `body`.
fn with_svtad_body(body: &str) -> tempfile::TempDir {
    let site = fixture("minimal");
    let path = site.path().join(V10);
    let text = std::fs::read_to_string(&path).unwrap();
    let end = text[3..].find("+++\n").unwrap() + 3 + 4;
    std::fs::write(&path, format!("{}{body}", &text[..end])).unwrap();
    // The TAD refers to clauses this body does not have.
    std::fs::remove_dir_all(site.path().join("content/prog/tad")).unwrap();
    site
}

/// The README: "In a table cell, write the `|` of link text as `\|`." pulldown-cmark
/// hands the reference's target over with the backslash still on it.
#[test]
fn a_reference_with_link_text_in_a_table_cell_resolves() {
    let site = with_svtad_body(
        "\n# 1 Definitions\n\n1.1 Text.\n\n| Clause | Note |\n|---|---|\n| [[P-SVTAD 1.1\\|the first clause]] | x |\n",
    );
    let (diags, code) = check_json(site.path());
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
    build_ok(site.path(), &[]);
    let html = read(&site.path().join("public"), "prog/svtad/index.html");
    assert!(
        html.contains("<td><a class=\"xref\" href=\"#clause-1.1\">the first clause</a></td>"),
        "the table cell lacks the link:\n{html}"
    );
}

/// Raw HTML is sanitised, but a `<script>` (or `<style>`, `<textarea>`, `<title>`, `<!--`)
/// left open in one block swallows the rest of the document when the body is sanitised
/// as one piece: here clause 1.1's text and the anchors of clauses 1.1 and 1.2 vanish
/// from the page, silently. `attest check` finds it only through the link checker (the
/// clause list links to the lost anchors).
#[test]
fn an_unclosed_script_tag_in_one_block_does_not_swallow_the_next_clauses() {
    let site = with_svtad_body(
        "\n# 1 Heading with <script> in it\n\n1.1 DCC shall test.\n\n1.2 Plain </script> text.\n",
    );
    build_ok(site.path(), &[]);
    let html = read(&site.path().join("public"), "prog/svtad/index.html");
    assert!(
        html.contains("id=\"clause-1.1\""),
        "clause 1.1 lost its anchor"
    );
    assert!(
        html.contains("id=\"clause-1.2\""),
        "clause 1.2 lost its anchor"
    );
    assert!(
        html.contains("DCC shall test."),
        "clause 1.1's text was lost"
    );
    assert!(!html.contains("<script"), "a script element was published");
    let (diags, code) = check_json(site.path());
    assert_diags(&diags, &[]);
    assert_eq!(code, 0);
}

/// proptest `rendering_escapes_all_content` drew a site title of "\0": HTML may not hold
/// a NUL, and a parser drops or replaces it, so the home page did not show the title as
/// written. Control characters in text are published as U+FFFD, as the HTML parsing
/// rules read them, never as raw bytes.
#[test]
fn a_control_character_in_text_is_published_as_a_replacement_character() {
    let site = fixture("minimal");
    let toml = site.path().join("content/site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let title = text.lines().find(|l| l.starts_with("title = ")).unwrap();
    std::fs::write(&toml, text.replace(title, "title = \"A\\u0000B\\u0007C\"")).unwrap();
    build_ok(site.path(), &[]);
    let public = site.path().join("public");
    let home = read(&public, "index.html");
    assert!(
        home.contains("<a class=\"site-header__title\" href=\"/\">A\u{FFFD}B\u{FFFD}C</a>"),
        "{home}"
    );
    for (path, bytes) in snapshot(&public) {
        let Some(bytes) = bytes else { continue };
        if path.ends_with(".html") || path.ends_with(".xml") {
            assert!(
                !bytes.iter().any(|&b| b == 0 || b == 7),
                "{path} holds a control byte"
            );
        }
    }
}
