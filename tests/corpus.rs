//! The benchmark corpus generator: deterministic from its seed, and what it writes builds
//! cleanly, with every link resolving, at a scale well beyond the bundled content.

mod common;

use common::*;

fn generate(dir: &std::path::Path, pages: usize, seed: u64) -> usize {
    attest::corpus::generate(dir, &attest::corpus::Spec::pages(pages, seed)).unwrap()
}

#[test]
fn the_same_seed_writes_the_same_corpus() {
    let (a, b, c) = (tempdir(), tempdir(), tempdir());
    assert_eq!(generate(a.path(), 40, 7), 40);
    generate(b.path(), 40, 7);
    generate(c.path(), 40, 8);
    let (sa, sb, sc) = (snapshot(a.path()), snapshot(b.path()), snapshot(c.path()));
    assert_eq!(sa, sb);
    assert_eq!(sa.keys().collect::<Vec<_>>(), sc.keys().collect::<Vec<_>>());
    assert_ne!(sa, sc, "another seed writes other text");
}

#[test]
fn a_generated_corpus_builds_with_every_link_resolving() {
    let dir = tempdir();
    // 150 version pages in 15 documents, each with references across documents (and the
    // obligations register and the search page: 471 pages).
    assert_eq!(generate(dir.path(), 150, 1), 150);
    let (diags, code) = check_json(dir.path());
    assert_eq!((diags.to_string(), code), ("[]".to_owned(), 0));
    let out = build_ok(dir.path(), &[]);
    assert!(
        text(&out.stdout).starts_with("published 471 pages"),
        "{}",
        text(&out.stdout)
    );
    let public = dir.path().join("public");
    let (broken, checked) = broken_links(&public, "/");
    assert!(broken.is_empty(), "{} broken, first: {}", broken.len(), {
        let b = &broken[0];
        format!("{} -> {} ({})", b.page, b.href, b.why)
    });
    assert!(checked > 10_000, "only {checked} links checked");
    // A cross-document reference and a term from the root document, as generated.
    let page = read(&public, "gen/doc-0001/v0.0/index.html");
    assert!(page.contains("<a class=\"xref\" href=\"/gen/doc-0000/#clause-"));
    assert!(page.contains("<a class=\"term\" href=\"/gen/doc-0000/#term-"));
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}
