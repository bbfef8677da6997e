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
    // obligations register's three pages and the search page: 473 pages).
    assert_eq!(generate(dir.path(), 150, 1), 150);
    let (diags, code) = check_json(dir.path());
    assert_eq!((diags.to_string(), code), ("[]".to_owned(), 0));
    let out = build_ok(dir.path(), &[]);
    assert!(
        text(&out.stdout).starts_with("published 473 pages"),
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

#[test]
fn a_generated_trace_and_status_build_with_every_link_resolving() {
    let dir = tempdir();
    let spec = attest::corpus::Spec::pages(60, 1);
    attest::corpus::generate(dir.path(), &spec).unwrap();
    let trace = attest::corpus::TraceSpec {
        requirements: 300,
        cases: 1000,
        snapshots: 2,
        seed: 3,
    };
    assert_eq!(
        attest::corpus::generate_trace(dir.path(), &spec, &trace).unwrap(),
        1200
    );
    attest::corpus::generate_status(dir.path(), 52).unwrap();
    let (diags, code) = check_json(dir.path());
    assert_eq!(code, 0, "{diags}");
    let diags = diags.as_array().unwrap();
    // Requirements 37, 137 and 237 are left uncovered; nothing is an error.
    let uncovered: Vec<&str> = diags
        .iter()
        .filter(|d| d["code"] == "uncovered-requirement")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        uncovered,
        vec![
            "no scenario or case covers REQ-MIG-00037",
            "no scenario or case covers REQ-MIG-00137",
            "no scenario or case covers REQ-MIG-00237",
        ]
    );
    assert!(diags.iter().all(|d| d["severity"] == "warning"
        && (d["code"] == "uncovered-requirement" || d["code"] == "suspect-trace")));

    build_ok(dir.path(), &[]);
    let public = dir.path().join("public");
    let (broken, _) = broken_links(&public, "/");
    assert!(
        broken.is_empty(),
        "{} broken, first: {:?}",
        broken.len(),
        broken[0]
    );
    let rows = |name: &str| read(&public, &format!("gen/trace/{name}")).lines().count() - 1;
    assert_eq!(rows("requirements.csv"), 300);
    assert_eq!(rows("tests.csv"), 1200);
    assert_eq!(rows("coverage.csv"), 297);
    // 100 requirements a matrix page.
    assert!(public.join("gen/trace/matrix/3/index.html").exists());
    assert!(!public.join("gen/trace/matrix/4").exists());
    // A year of weekly status: PIT and SIT complete, each approved, UIT running.
    assert_eq!(rows_of(&public, "gen/status/status.csv"), 52 * 3);
    assert_eq!(
        read(&public, "gen/status/decisions.csv"),
        "date,body,subject,decision,phase,document,conditions
2025-10-06,TAB,PIT completion,approved,PIT,GEN-0001 version 0.0,
2026-02-09,TAB,SIT completion,approved,SIT,GEN-0001 version 0.0,
"
    );
    let uit = read(&public, "gen/status/uit/index.html");
    assert!(uit.contains("<strong class=\"tag tag--blue\">In progress</strong>"));
}

fn rows_of(public: &std::path::Path, rel: &str) -> usize {
    read(public, rel).lines().count() - 1
}
