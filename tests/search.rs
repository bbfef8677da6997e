//! Search over the bundled content: the tantivy index `attest build` writes, the
//! `attest search` command (filters, JSON, bad queries, a missing or stale index), the
//! evaluation set's hit rate, and the obligations register with its exports.
//!
//! The bundled content is copied to a temporary root, so the index is written there and
//! nothing in the repository changes.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

/// A copy of the bundled project, built once for all the tests here.
fn built() -> &'static Path {
    static ROOT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, root) = ROOT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &root.join("content"));
        std::fs::create_dir_all(root.join("search-index")).unwrap();
        for f in ["settings.toml", "eval.toml"] {
            std::fs::copy(
                repo.join("search-index").join(f),
                root.join("search-index").join(f),
            )
            .unwrap();
        }
        // A fixed date, so that which version is in force never depends on today.
        build_ok(&root, &["--date", "2026-11-28"]);
        (tmp, root)
    });
    root
}

fn search(args: &[&str]) -> (i32, String, String) {
    let root = built();
    let mut all = vec!["--root", root.to_str().unwrap(), "search"];
    all.extend_from_slice(args);
    let out = attest(all);
    (code(&out), text(&out.stdout), text(&out.stderr))
}

fn search_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (c, out, err) = search(&all);
    assert_eq!(c, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn urls(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["url"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_clause_that_answers_comes_first() {
    let v = search_json(&["who approves PIT completion", "--limit", "3"]);
    let first = &v["hits"][0];
    assert_eq!(first["url"], "/fsm/svtad/#clause-6.3");
    assert_eq!(first["document"], "FSM-SVTAD");
    assert_eq!(first["version"], "1.1");
    assert_eq!(first["clause"], "6.3");
    assert_eq!(first["heading"], "Test completion");
    assert_eq!(first["title"], "6.3 Test completion");
    assert_eq!(first["party"], serde_json::json!(["dcc", "tab"]));
    assert_eq!(first["modality"], serde_json::json!(["shall"]));
    assert_eq!(first["in_force"], true);
    // The words found are marked in the snippet.
    let snippet = first["snippet"].as_str().unwrap();
    let marked: Vec<&str> = first["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    // "Test" is marked through the synonym of PIT, Pre-Integration Testing.
    assert_eq!(
        marked,
        ["approve", "PIT", "completion", "Test", "Completion", "PIT"]
    );
}

#[test]
fn human_output_numbers_results_and_marks_words() {
    let (c, out, err) = search(&["soak test 48 hours", "--limit", "1"]);
    assert_eq!(c, 0, "{err}");
    assert_eq!(
        out.lines().take(3).collect::<Vec<_>>(),
        [
            "1. FSM-SCTD-R1 3.3 Capacity tests, version 1.0 (approved)",
            "   **Soak** **test**: DCC shall run the baseline load without a break for **48** **hours** and check for slow loss of performance, growing queues or memory use",
            "   /fsm/sctd-r1/#clause-3.3",
        ]
    );
}

#[test]
fn filters_narrow_the_results() {
    // Party: only clauses whose obligations bind the SEC Panel.
    let v = search_json(&["Test Completion Report", "--party", "sec-panel"]);
    // FSM-TAD-R1 5.5: "for SIT the TAG shall advise the SEC Panel, which shall decide".
    assert_eq!(
        urls(&v),
        ["/fsm/svtad/#clause-6.4", "/fsm/tad-r1/#clause-5.5"]
    );
    // Document and kind.
    let v = search_json(&["\"Testing Issue\"", "--doc", "fsm-sctd-r1"]);
    assert_eq!(urls(&v), ["/fsm/sctd-r1/#clause-4.2"]);
    let v = search_json(&["Completion Notice", "--kind", "utsad"]);
    let found = urls(&v);
    assert!(found.len() >= 3, "{found:?}");
    assert!(
        found.iter().all(|u| u.starts_with("/fsm/utsad/")),
        "{found:?}"
    );
    // Phase: clauses that name UIT (SVTAD 2.3, TAD-R1 4.1), and every clause of the UTSAD
    // and the CTD, whose document.toml files declare UIT.
    let v = search_json(&["three phases", "--phase", "UIT"]);
    assert_eq!(
        urls(&v),
        [
            "/fsm/svtad/#clause-2.3",
            "/fsm/utsad/#clause-2.3",
            "/fsm/ctd-r1/#clause-3.2",
            "/fsm/ctd-r1/#clause-4.2",
            "/fsm/ctd-r1/#clause-1.4",
            "/fsm/tad-r1/#clause-4.1",
            "/fsm/ctd-r1/#clause-3.4",
            "/fsm/svtad/#clause-1.2"
        ]
    );
    // Modality.
    let v = search_json(&["refer the matter", "--modality", "may", "--limit", "1"]);
    assert_eq!(urls(&v), ["/fsm/svtad/#clause-4.7"]);
}

#[test]
fn the_version_in_force_only_unless_all_versions() {
    // FSM-TAD-R1 1.1 is in force; versions 1.0 (superseded) and 2.0 (not in force until
    // 2027) are found only with --all-versions, at their own versions' URLs.
    let v = search_json(&["Test Completion Report for SIT", "--doc", "FSM-TAD-R1"]);
    let current = urls(&v);
    assert!(
        current
            .iter()
            .all(|u| u.starts_with("/fsm/tad-r1/") && !u.contains("/v")),
        "{current:?}"
    );
    let v = search_json(&[
        "Test Completion Report for SIT",
        "--doc",
        "FSM-TAD-R1",
        "--all-versions",
        "--limit",
        "50",
    ]);
    let all = urls(&v);
    assert!(
        all.iter().any(|u| u.starts_with("/fsm/tad-r1/v1.0/#")),
        "{all:?}"
    );
    assert!(
        all.iter().any(|u| u.starts_with("/fsm/tad-r1/v2.0/#")),
        "{all:?}"
    );
}

#[test]
fn versions_side_by_side_with_the_same_words_are_found_once() {
    // FSM-SVTAD 6.7 reads "DCC may publish a summary" in 0.1 and 0.2, "shall publish"
    // (spelt "webiste") in 1.0, and "shall publish" in 1.1, the version in force. The
    // wording of 0.1 and 0.2 is one result, at 0.2, the last version that has it.
    let args = [
        "\"may publish a summary\"",
        "--doc",
        "FSM-SVTAD",
        "--all-versions",
    ];
    let v = search_json(&args);
    let hits: Vec<(&str, &str, &str)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["url"].as_str().unwrap(),
                h["version"].as_str().unwrap(),
                h["first_version"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(hits, [("/fsm/svtad/v0.2/#clause-6.7", "0.2", "0.1")]);
    let (c, out, err) = search(&args);
    assert_eq!(c, 0, "{err}");
    assert_eq!(
        out.lines().next(),
        Some("1. FSM-SVTAD 6.7 Test completion, versions 0.1 to 0.2 (submitted for approval)")
    );
    // A wording of one version alone stands for that version.
    let v = search_json(&["webiste", "--doc", "FSM-SVTAD", "--all-versions"]);
    assert_eq!(urls(&v), ["/fsm/svtad/v1.0/#clause-6.7"]);
    assert_eq!(v["hits"][0]["first_version"], "");
}

#[test]
fn bad_queries_are_repaired_and_explained() {
    let syntax = "Search syntax: words in any order (clauses with more of them rank higher), \"an exact phrase\", +word (must appear), -word (must not appear). Filter with --party, --kind, --doc, --phase; --all-versions searches superseded and draft versions too.";
    let cases: [(&str, &str, Vec<String>); 5] = [
        (
            "\"Testing Window",
            "Testing Window",
            vec![format!("an unmatched quote was ignored. {syntax}")],
        ),
        (
            "+ -",
            "",
            vec![
                format!(
                    "a `+` or `-` on its own was ignored: put it right before a word. {syntax}"
                ),
                format!("there are no words to search for. {syntax}"),
            ],
        ),
        (
            "<img src=x onerror=alert(1)>",
            "img src=x onerror=alert 1",
            vec![
                "markup in the query was read as words".to_owned(),
                format!("characters with no meaning in a search were ignored. {syntax}"),
            ],
        ),
        (
            "Testing\u{7}\u{1b} Issue",
            "Testing Issue",
            vec!["control characters in the query were ignored".to_owned()],
        ),
        (
            "title:PIT^3 [a TO b]",
            "title PIT 3 a to b",
            vec![format!(
                "characters with no meaning in a search were ignored. {syntax}"
            )],
        ),
    ];
    for (typed, searched, notes) in cases {
        let v = search_json(&[typed]);
        assert_eq!(v["query"], searched, "{typed:?}");
        assert_eq!(v["notes"], serde_json::json!(notes), "{typed:?}");
    }
    // 10,000 characters: cut, searched, no error.
    let long = "PIT ".repeat(2500);
    let v = search_json(&[long.as_str(), "--limit", "1"]);
    assert_eq!(
        v["notes"][0],
        "the query was cut to its first 500 characters"
    );
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
}

#[test]
fn a_missing_index_says_how_to_build_it() {
    let tmp = fixture("minimal");
    let out = attest(["--root", tmp.path().to_str().unwrap(), "search", "anything"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: there is no search index at {}/search-index/index: run `attest build` to build it\n",
            tmp.path().display()
        )
    );
}

#[test]
fn a_stale_index_says_so() {
    let tmp = fixture("minimal");
    build_ok(tmp.path(), &[]);
    let (c, out) = {
        let o = attest(["--root", tmp.path().to_str().unwrap(), "search", "DCC"]);
        (code(&o), text(&o.stdout))
    };
    assert_eq!(c, 0);
    assert!(!out.contains("note: the search index is older"), "{out}");
    std::thread::sleep(std::time::Duration::from_millis(20));
    append(tmp.path(), "content/prog/tad/v1.0.md", b"\n");
    let o = attest(["--root", tmp.path().to_str().unwrap(), "search", "DCC"]);
    assert_eq!(code(&o), 0);
    assert!(
        text(&o.stdout).ends_with(
            "note: the search index is older than the sources: run `attest build` to rebuild it\n"
        ),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn evaluation_set_hit_rate() {
    let root = built();
    let settings = attest::search::Settings::load(root).unwrap();
    let index =
        attest::search::SearchIndex::open(&root.join("search-index").join("index")).unwrap();
    let set = attest::search::eval::EvalSet::load(root).unwrap();
    assert!(set.cases.len() >= 30, "{} queries", set.cases.len());
    let report = attest::search::eval::evaluate(&index, &settings, &set).unwrap();
    let mut misses = Vec::new();
    for c in &report.cases {
        if c.rank.is_none_or(|r| r > 3) {
            misses.push(format!(
                "{:?}: expected {} at {:?}, top 3 {:?}",
                c.query, c.expect, c.rank, c.top
            ));
        }
    }
    println!(
        "tantivy eval: {} queries, first {:.0}%, top 3 {:.0}%",
        report.cases.len(),
        report.within(1) * 100.0,
        report.within(3) * 100.0
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(
        report.within(3) >= 0.9,
        "top-3 hit rate {:.2} < 0.90:\n{}",
        report.within(3),
        misses.join("\n")
    );
}

#[test]
fn obligations_register_and_exports() {
    let public = built().join("public");
    let csv = read(&public, "obligations.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,document,document_title,version,clause,party,party_name,modality,text,source,url")
    );
    assert!(csv.contains("\r\nfsm-svtad-6.3-1,FSM-SVTAD,FSM SEC Variation Testing Approach Document,1.1,6.3,tab,TAB,shall,The TAB shall review and decide whether to approve PIT completion.,words,/fsm/svtad/#clause-6.3\r\n"), "{csv}");
    // The author's marker in FSM-TCD-R1 4.5 says the risk binds no one: only DCC's two.
    let tcd_45: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("fsm-tcd-r1-4.5-"))
        .collect();
    assert_eq!(tcd_45.len(), 2, "{tcd_45:?}");
    assert!(tcd_45[0].contains(",dcc,DCC,shall,\"Mitigation: DCC shall agree"));
    assert!(tcd_45[1].contains(",dcc,DCC,may,\"Mitigation: DCC shall agree"));
    // The marker shows nothing in the page, and leaves attest's own markup alone.
    let tcd = read(&public, "fsm/tcd-r1/index.html");
    assert!(!tcd.contains("obligation:"));
    assert!(tcd.contains("<div class=\"table-wrapper\" role=\"region\" tabindex=\"0\" aria-label=\"Table in clause 2.9\">"));
    // Only versions in force: the UTSAD's approved 1.0, not its draft 0.1; nothing from
    // TAD-R1 v2.0, which is not in force until 2027.
    let utsad: Vec<&str> = csv.lines().filter(|l| l.contains(",FSM-UTSAD,")).collect();
    assert!(!utsad.is_empty());
    assert!(utsad.iter().all(|l| l.contains(",1.0,")), "{utsad:?}");
    assert!(csv
        .lines()
        .filter(|l| l.contains(",FSM-TAD-R1,"))
        .all(|l| l.contains(",1.1,")));

    let json: Value = serde_json::from_str(&read(&public, "obligations.json")).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), csv.lines().count() - 1);
    let row = rows.iter().find(|r| r["id"] == "fsm-svtad-6.4-2").unwrap();
    assert_eq!(row["party"], "sec-panel");
    assert_eq!(row["modality"], "shall");
    assert_eq!(row["text"], "The SEC Panel, supported by the TAG, shall decide whether the SIT exit criteria in the FSM TAD have been met.");

    // The register lists each party, and each party has its page. Its 166 rows take two
    // pages: Users come on the second, and the first's contents link there.
    let register = read(&public, "obligations/index.html");
    assert!(register.contains(
        "<a class=\"contents-list__link\" href=\"/obligations/2/#party-users\">Users</a>"
    ));
    let register_2 = read(&public, "obligations/2/index.html");
    assert!(register_2.contains("<h2 class=\"heading-m\" id=\"party-users\">Users</h2>"));
    assert!(!public.join("obligations/3").exists());
    let users = read(&public, "obligations/users/index.html");
    assert!(users.contains("<h1 class=\"heading-l\">Everything Users must do</h1>"));
    assert!(
        users.contains("<a href=\"/fsm/svtad/#clause-7.6\">FSM-SVTAD 7.6</a>"),
        "{users}"
    );
}

#[test]
fn every_page_has_the_search_box_and_the_search_page_its_form() {
    let public = built().join("public");
    for page in [
        "index.html",
        "fsm/svtad/index.html",
        "obligations/index.html",
    ] {
        let html = read(&public, page);
        assert!(html.contains("<form class=\"site-search\" action=\"/search/\" method=\"get\" role=\"search\" aria-label=\"Site\">"), "{page}");
        assert!(html.contains("<label class=\"visually-hidden\" for=\"site-search-input\">Search the documents</label>"), "{page}");
    }
    let search = read(&public, "search/index.html");
    assert!(search.contains(
        "data-pagefind=\"/pagefind/\" data-pagefind-other=\"/pagefind-other-versions/\">"
    ));
    assert!(search.contains("<p class=\"search-results__status\" id=\"search-status\" role=\"status\" aria-live=\"polite\" aria-atomic=\"true\"></p>"));
    assert!(search.contains("<option value=\"users\">Users</option>"));
    assert!(search.contains("<input class=\"checkbox__input\" id=\"filter-current\" name=\"current\" type=\"checkbox\" value=\"yes\" checked aria-describedby=\"current-hint\">\n            <label class=\"label\" for=\"filter-current\">Version in force only</label>"));
    assert!(public.join("pagefind/pagefind.js").exists());
}

/// Parties for a generated corpus. The generated text names DCC and Users now and then;
/// `team`'s names are common words of that text, so it is bound by more than a page of
/// obligations and its own page is paged too.
const GENERATED_PARTIES: &str = "
[[parties]]
id = \"dcc\"
name = \"DCC\"

[[parties]]
id = \"users\"
name = \"Users\"
aliases = [\"User\"]

[[parties]]
id = \"team\"
name = \"Test Team\"
aliases = [\"the\", \"each\", \"data\", \"testing\", \"evidence\", \"phase\"]
";

/// The pages of a paged list whose first page is at the folder `first` of `public`
/// (`obligations/`): `first/index.html`, `first/2/index.html` ... as far as they go.
fn list_pages(public: &Path, first: &str) -> Vec<String> {
    let mut out = vec![read(public, &format!("{first}index.html"))];
    while public
        .join(format!("{first}{}/index.html", out.len() + 1))
        .exists()
    {
        out.push(read(
            public,
            &format!("{first}{}/index.html", out.len() + 1),
        ));
    }
    out
}

/// The ids of the register rows (`<tr id="...">`) of a page, in order.
fn row_ids(html: &str) -> Vec<String> {
    main_of(html)
        .split("<tr id=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

/// The items of a page's pagination, one a line.
fn pagination_items(html: &str) -> Vec<&str> {
    lines_with(between(html, "<nav class=\"pagination\"", "</nav>"), "<li")
}

#[test]
fn the_obligations_register_is_paged_like_the_matrix() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    attest::corpus::generate(root, &attest::corpus::Spec::pages(150, 1)).unwrap();
    append(root, "content/site.toml", GENERATED_PARTIES.as_bytes());
    let (diags, code) = check_json(root);
    assert_eq!((diags.to_string(), code), ("[]".to_owned(), 0));
    build_ok(root, &[]);
    let public = root.join("public");

    // The exports hold every row: 231, in document and clause order.
    let csv = read(&public, "obligations.csv");
    let csv_ids: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let json: Value = serde_json::from_str(&read(&public, "obligations.json")).unwrap();
    let json = json.as_array().unwrap();
    assert_eq!(csv_ids.len(), 231);
    assert_eq!(json.len(), 231, "a CSV record spans lines");
    let party_of = |id: &str| {
        json.iter().find(|r| r["id"] == id).unwrap()["party"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // 231 rows, 100 a page: three pages, and the rows of the three are the CSV's, each
    // once, grouped by party in site.toml's order and then those that name none.
    let pages = list_pages(&public, "obligations/");
    assert_eq!(pages.len(), 3);
    let rows: Vec<Vec<String>> = pages.iter().map(|p| row_ids(p)).collect();
    assert_eq!(
        rows.iter().map(Vec::len).collect::<Vec<_>>(),
        [100, 100, 31]
    );
    let mut all: Vec<String> = rows.concat();
    let parties: Vec<String> = all.iter().map(|id| party_of(id)).collect();
    let mut order = parties.clone();
    order.dedup();
    assert_eq!(order, ["dcc", "users", "team", ""]);
    all.sort();
    let mut expected = csv_ids.clone();
    expected.sort();
    assert_eq!(all, expected);

    // Each page says which it is, in its title and above the rows.
    for (i, p) in pages.iter().enumerate() {
        let n = i + 1;
        assert!(
            p.contains(&format!(
                "<title>Obligations register (page {n} of 3) – Generated corpus</title>"
            )),
            "page {n}"
        );
        let (first, last) = [(1, 100), (101, 200), (201, 231)][i];
        assert!(p.contains(&format!("<p class=\"secondary-text\">Showing obligations {first} to {last} of 231: page {n} of 3.</p>")), "page {n}");
    }
    // The links between pages, with the matrix's markup.
    assert_eq!(
        pagination_items(&pages[0]),
        [
            "<li class=\"pagination__item\"><a href=\"/obligations/\" aria-current=\"page\" aria-label=\"Page 1\">1</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/2/\" aria-label=\"Page 2\">2</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/3/\" aria-label=\"Page 3\">3</a></li>",
            "<li class=\"pagination__next\"><a href=\"/obligations/2/\" rel=\"next\">Next<span class=\"visually-hidden\"> page</span></a></li>",
        ]
    );
    assert_eq!(
        pagination_items(&pages[1]),
        [
            "<li class=\"pagination__prev\"><a href=\"/obligations/\" rel=\"prev\">Previous<span class=\"visually-hidden\"> page</span></a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/\" aria-label=\"Page 1\">1</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/2/\" aria-current=\"page\" aria-label=\"Page 2\">2</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/3/\" aria-label=\"Page 3\">3</a></li>",
            "<li class=\"pagination__next\"><a href=\"/obligations/3/\" rel=\"next\">Next<span class=\"visually-hidden\"> page</span></a></li>",
        ]
    );
    assert_eq!(
        pagination_items(&pages[2]),
        [
            "<li class=\"pagination__prev\"><a href=\"/obligations/2/\" rel=\"prev\">Previous<span class=\"visually-hidden\"> page</span></a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/\" aria-label=\"Page 1\">1</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/2/\" aria-label=\"Page 2\">2</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/3/\" aria-current=\"page\" aria-label=\"Page 3\">3</a></li>",
        ]
    );
    // Every page lists every party, linked to where its section starts; a section cut
    // by a page end carries on at the top of the next.
    assert_eq!(
        lines_with(
            between(&pages[1], "<nav class=\"contents-list\"", "</nav>"),
            "<li"
        ),
        [
            "<li class=\"contents-list__item\"><a class=\"contents-list__link\" href=\"/obligations/#party-dcc\">DCC</a> <span class=\"secondary-text\">(12)</span></li>",
            "<li class=\"contents-list__item\"><a class=\"contents-list__link\" href=\"/obligations/#party-users\">Users</a> <span class=\"secondary-text\">(21)</span></li>",
            "<li class=\"contents-list__item\"><a class=\"contents-list__link\" href=\"/obligations/#party-team\">Test Team</a> <span class=\"secondary-text\">(115)</span></li>",
            "<li class=\"contents-list__item\"><a class=\"contents-list__link\" href=\"#no-party\">No party named</a> <span class=\"secondary-text\">(83)</span></li>",
        ]
    );
    assert!(pages[1].contains("<h2 class=\"heading-m\" id=\"party-team\">Test Team <span class=\"secondary-text\">(continued)</span></h2>"));
    assert!(pages[1].contains("<h2 class=\"heading-m\" id=\"no-party\">No party named</h2>"));
    assert!(!public.join("obligations/4").exists());

    // A party's page is paged the same way: Test Team's 115 on two pages, the others'
    // on one, with no page links.
    for (party, count, n) in [("dcc", 12, 1), ("users", 21, 1), ("team", 115, 2)] {
        let pages = list_pages(&public, &format!("obligations/{party}/"));
        assert_eq!(pages.len(), n, "{party}");
        let rows: Vec<Vec<String>> = pages.iter().map(|p| row_ids(p)).collect();
        assert!(rows.iter().all(|r| r.len() <= 100), "{party}");
        let mut all = rows.concat();
        all.sort();
        let mut mine: Vec<String> = csv_ids
            .iter()
            .filter(|id| party_of(id) == party)
            .cloned()
            .collect();
        mine.sort();
        assert_eq!(mine.len(), count, "{party}");
        assert_eq!(all, mine, "{party}");
        if n == 1 {
            assert!(!pages[0].contains("class=\"pagination\""), "{party}");
            assert!(!pages[0].contains("(page 1 of"), "{party}");
        }
    }
    let team = list_pages(&public, "obligations/team/");
    assert_eq!(
        pagination_items(&team[1]),
        [
            "<li class=\"pagination__prev\"><a href=\"/obligations/team/\" rel=\"prev\">Previous<span class=\"visually-hidden\"> page</span></a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/team/\" aria-label=\"Page 1\">1</a></li>",
            "<li class=\"pagination__item\"><a href=\"/obligations/team/2/\" aria-current=\"page\" aria-label=\"Page 2\">2</a></li>",
        ]
    );
    assert!(team[1]
        .contains("<title>Everything Test Team must do (page 2 of 2) – Generated corpus</title>"));
    assert!(team[1].contains("<h2 class=\"heading-m\" id=\"binding\">Must do, or must not do <span class=\"secondary-text\">(115, continued)</span></h2>"));
    assert!(team[1].contains("<li class=\"contents-list__item\"><a class=\"contents-list__link\" href=\"/obligations/team/#binding\">Must do, or must not do</a> <span class=\"secondary-text\">(115)</span></li>"));

    // Every link of the site resolves, the pages' anchors included.
    let (broken, _) = broken_links(&public, "/");
    assert_eq!(broken, []);
}
