//! The preview's incremental rebuild: an edit renders only the pages that depend on it,
//! and the result is byte for byte what a full build publishes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use attest::serve::Preview;
use attest::Options;
use common::{edit, fixture};

fn opts(root: &Path) -> Options {
    // The trace fixture's results and status run to 1 August 2025.
    let (month, day) = if root.join("content/prog/ctd/trace").exists() {
        (10, 1)
    } else {
        (6, 1)
    };
    Options {
        root: root.to_path_buf(),
        output: None,
        base_url: Some("/".into()),
        date: Some(chrono::NaiveDate::from_ymd_opt(2025, month, day).expect("a date")),
    }
}

/// What `attest build` publishes for the project now, file by file.
fn published(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().expect("a temporary folder");
    let mut o = opts(root);
    o.output = Some(out.path().join("public"));
    let report = attest::build(&o, &|_, _| {});
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    common::snapshot(&out.path().join("public"))
        .into_iter()
        .filter_map(|(p, b)| Some((p, b?)))
        .collect()
}

fn served(p: &Preview) -> BTreeMap<String, Vec<u8>> {
    p.files
        .snapshot()
        .into_iter()
        .map(|(path, b)| (path, b.to_vec()))
        .collect()
}

/// The preview holds exactly the files of a full build, with exactly their bytes; but
/// for search, where it serves its own client in place of Pagefind's indexes (its
/// client answers for the other versions too).
fn assert_same_as_build(p: &Preview) {
    let mut built = published(p.root());
    let mut served = served(p);
    assert_eq!(
        served.get("pagefind/pagefind.js").map(Vec::as_slice),
        Some(attest::serve::search::CLIENT.as_bytes())
    );
    assert!(built.contains_key("pagefind/pagefind.js"));
    assert!(built.contains_key("pagefind-other-versions/pagefind-entry.json"));
    built.retain(|k, _| !k.starts_with("pagefind/") && !k.starts_with("pagefind-other-versions/"));
    served.retain(|k, _| !k.starts_with("pagefind/"));
    let only_built: Vec<&String> = built.keys().filter(|k| !served.contains_key(*k)).collect();
    let only_served: Vec<&String> = served.keys().filter(|k| !built.contains_key(*k)).collect();
    assert!(
        only_built.is_empty(),
        "missing from the preview: {only_built:?}"
    );
    assert!(
        only_served.is_empty(),
        "only in the preview: {only_served:?}"
    );
    let differ: Vec<&String> = built.keys().filter(|k| built[*k] != served[*k]).collect();
    assert!(differ.is_empty(), "differ from a full build: {differ:?}");
}

/// Jobs of the minimal fixture: home, 404, programme; P-SVTAD's two versions,
/// history, clauses, exports and two redlines; P-TAD's version, history, clauses and
/// exports; the accessibility page; the site feed.
// ... and the obligations register, its exports, one page a party, and the search page.
const TOTAL_JOBS: usize = 3 + 7 + 4 + 1 + 1 + 4;

fn new_preview(root: &Path) -> Preview {
    let (p, outcome) = Preview::new(opts(root));
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    p
}

#[test]
fn a_first_build_is_a_full_build() {
    let dir = fixture("minimal");
    let (p, outcome) = Preview::new(opts(dir.path()));
    assert_eq!(outcome.jobs, TOTAL_JOBS);
    assert_same_as_build(&p);
}

#[test]
fn editing_one_version_renders_only_the_pages_that_depend_on_it() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let file = "content/prog/svtad/v1.0.md";
    edit(
        root,
        file,
        "report progress as follows",
        "report their progress as follows",
    );
    let outcome = p.apply(&[root.join(file)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    // P-SVTAD's pages: two versions, history, clauses, feed and exports, its changes
    // redline and the compare redline of v0.1; and, as the sentence is an obligation of
    // the version in force, the obligations register, its exports and its party page. The home
    // page, the programme page and the site feed show no body text: untouched. P-TAD
    // cites clauses whose text, not number, changed: untouched.
    assert_eq!(outcome.jobs, 10);
    assert!(!outcome.changed.contains(&"index.html".to_owned()));
    assert!(!outcome.changed.contains(&"feed.xml".to_owned()));
    assert!(outcome
        .changed
        .contains(&"prog/svtad/index.html".to_owned()));
    assert!(outcome
        .changed
        .contains(&"prog/svtad/v1.0/index.html".to_owned()));
    assert!(!outcome.changed.iter().any(|c| c.starts_with("prog/tad/")));
    let page = String::from_utf8(served(&p)["prog/svtad/index.html"].clone()).unwrap();
    assert!(page.contains("report their progress as follows"));
    assert_same_as_build(&p);

    // The child document: its own pages and the lists it appears in.
    let file = "content/prog/tad/v1.0.md";
    edit(root, file, "is logged", "is logged and tracked");
    let outcome = p.apply(&[root.join(file)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    // Its version and document page, history, clauses, feed and exports. The words
    // changed are no obligation's, so the register is untouched.
    assert_eq!(outcome.jobs, 4, "{:?}", outcome.changed);
    assert!(!outcome
        .changed
        .iter()
        .any(|c| c.starts_with("obligations/")));
    assert!(!outcome.changed.iter().any(|c| c.starts_with("prog/svtad/")));
    assert_same_as_build(&p);
}

#[test]
fn a_temporary_file_that_came_and_went_is_nothing() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    // sed -i writes a file such as this, then renames it over the source.
    let outcome = p.apply(&[root.join("content/prog/svtad/sedAb12Cd")]);
    assert!(!outcome.rebuilt);
    // A removed source folder is not nothing.
    std::fs::remove_dir_all(root.join("content/prog/tad")).unwrap();
    let outcome = p.apply(&[root.join("content/prog/tad")]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome.changed.contains(&"prog/tad/index.html".to_owned()));
    assert_same_as_build(&p);
}

#[test]
fn an_unchanged_save_renders_nothing() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let file = "content/prog/svtad/v1.0.md";
    edit(root, file, "report progress", "report progress");
    let outcome = p.apply(&[root.join(file)]);
    assert!(!outcome.rebuilt);
    assert_eq!(outcome.jobs, 0);
}

#[test]
fn a_renumbered_clause_re_renders_the_documents_that_cite_it() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let file = "content/prog/svtad/v1.0.md";
    // P-TAD cites 2.1A; renaming it breaks the reference...
    edit(root, file, "2.1A DCC shall record", "2.1B DCC shall record");
    let broken = p.apply(&[root.join(file)]);
    assert!(broken.failed());
    let unresolved = broken
        .diagnostics
        .iter()
        .find(|d| d.code == "unresolved-reference")
        .expect("an unresolved reference");
    let (line, column) = common::pos_of(root, "content/prog/tad/v1.0.md", "[[P-SVTAD 2.1A");
    assert_eq!(
        (
            unresolved.file.as_str(),
            unresolved.line as u64,
            unresolved.column as u64
        ),
        ("content/prog/tad/v1.0.md", line, column)
    );
    assert!(broken.changed.is_empty());
    // ...and the served site is still the last good one.
    let page = String::from_utf8(served(&p)["prog/svtad/index.html"].clone()).unwrap();
    assert!(page.contains("2.1A"));

    // Fixing the citing document recovers, and renders both documents' pages.
    edit(
        root,
        "content/prog/tad/v1.0.md",
        "[[P-SVTAD 2.1A|",
        "[[P-SVTAD 2.1B|",
    );
    let fixed = p.apply(&[root.join("content/prog/tad/v1.0.md")]);
    assert!(!fixed.failed(), "{:?}", fixed.diagnostics);
    assert!(fixed.changed.contains(&"prog/tad/index.html".to_owned()));
    assert!(fixed.changed.contains(&"prog/svtad/index.html".to_owned()));
    assert_same_as_build(&p);
}

#[test]
fn a_front_matter_error_keeps_the_last_good_pages_and_its_fix_recovers() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let before = served(&p);
    let file = "content/prog/svtad/v1.0.md";
    edit(root, file, "status = \"designated\"", "status = designated");
    let broken = p.apply(&[root.join(file)]);
    assert!(broken.failed());
    let d = broken
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!((d.file.as_str(), d.line), (file, 3));
    assert_eq!(served(&p), before);

    edit(root, file, "status = designated", "status = \"designated\"");
    let fixed = p.apply(&[root.join(file)]);
    assert!(!fixed.failed(), "{:?}", fixed.diagnostics);
    assert_same_as_build(&p);
    assert_eq!(served(&p), before);
}

#[test]
fn a_template_change_renders_the_pages_that_use_it() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dcc/templates");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let history = std::fs::read_to_string(theme.join("history.html")).unwrap();
    std::fs::write(
        root.join("templates/history.html"),
        history.replacen(
            "{% block content %}",
            "{% block content %}<p>Edited history.</p>",
            1,
        ),
    )
    .unwrap();
    let outcome = p.apply(&[root.join("templates/history.html")]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    // One history page a document.
    assert_eq!(outcome.jobs, 2);
    assert_eq!(
        outcome.changed,
        [
            "prog/svtad/history/index.html",
            "prog/tad/history/index.html"
        ]
    );
    assert_same_as_build(&p);

    // base.html is used by every page.
    let base = std::fs::read_to_string(theme.join("base.html")).unwrap();
    std::fs::write(
        root.join("templates/base.html"),
        base.replacen("<main", "<p>Preview</p><main", 1),
    )
    .unwrap();
    let outcome = p.apply(&[root.join("templates/base.html")]);
    // Every job but the feeds and exports (one a document, one for the site, the
    // register's).
    assert_eq!(outcome.jobs, TOTAL_JOBS - 4);
    assert_same_as_build(&p);
}

#[test]
fn trace_pages_follow_an_edit_to_the_document_they_cite() {
    let dir = fixture("trace");
    let root = dir.path();
    let mut p = new_preview(root);
    let file = "content/prog/spec/v2.0.md";
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let last = text.trim_end().lines().last().unwrap().to_owned();
    edit(root, file, &last, &format!("{last} Edited."));
    let outcome = p.apply(&[root.join(file)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome.changed.iter().any(|c| c.starts_with("prog/trace/")));
    assert_same_as_build(&p);

    // A document no requirement cites: the trace's pages are left alone.
    std::fs::create_dir_all(root.join("content/prog/extra")).unwrap();
    std::fs::write(
        root.join("content/prog/extra/document.toml"),
        "id = \"P-EXTRA\"\nkind = \"other\"\ntitle = \"Extra\"\n",
    )
    .unwrap();
    let extra = "content/prog/extra/v1.0.md";
    std::fs::write(
        root.join(extra),
        "+++\nversion = \"1.0\"\nstatus = \"approved\"\npublished = 2025-01-01\nchange_mechanism = \"first-issue\"\nchange_summary = \"First.\"\n+++\n\n# 1 Scope\n\n1.1 Nothing.\n",
    )
    .unwrap();
    let outcome = p.apply(&[root.join("content/prog/extra")]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert_same_as_build(&p);
    edit(root, extra, "1.1 Nothing.", "1.1 Nothing at all.");
    let outcome = p.apply(&[root.join(extra)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    // Its version page and document page, history, clauses and exports. It states no
    // obligation, so the register is untouched too.
    assert_eq!(outcome.jobs, 4, "{:?}", outcome.changed);
    assert!(!outcome
        .changed
        .iter()
        .any(|c| c.starts_with("obligations/")));
    assert!(!outcome.changed.iter().any(|c| c.starts_with("prog/trace/")));
    assert_same_as_build(&p);
}

#[test]
fn a_new_version_file_rebuilds_everything() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let v = std::fs::read_to_string(root.join("content/prog/tad/v1.0.md")).unwrap();
    std::fs::write(
        root.join("content/prog/tad/v1.1.md"),
        v.replace("version = \"1.0\"", "version = \"1.1\"")
            .replace("First approved version.", "Second."),
    )
    .unwrap();
    let outcome = p.apply(&[root.join("content/prog/tad/v1.1.md")]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome
        .changed
        .contains(&"prog/tad/v1.1/index.html".to_owned()));
    assert_same_as_build(&p);

    std::fs::remove_file(root.join("content/prog/tad/v1.1.md")).unwrap();
    let outcome = p.apply(&[root.join("content/prog/tad/v1.1.md")]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome
        .changed
        .contains(&"prog/tad/v1.1/index.html".to_owned()));
    assert_same_as_build(&p);
}

/// The URLs the preview's search answers `query_string` with, best first.
fn search_urls(p: &Preview, query_string: &str) -> Vec<String> {
    let (status, json) = p.search.answer(query_string);
    assert_eq!(status, 200, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["url"].as_str().expect("a url").to_owned())
        .collect()
}

#[test]
fn search_in_the_preview_follows_an_edit_replacing_only_that_documents_records() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    assert_eq!(
        search_urls(&p, "q=fortnightly&current=yes"),
        Vec::<String>::new()
    );
    let before = search_urls(&p, "q=Testing+Issue&current=yes");
    assert!(!before.is_empty());

    let file = "content/prog/svtad/v1.0.md";
    edit(
        root,
        file,
        "report progress as follows",
        "report fortnightly progress as follows",
    );
    let outcome = p.apply(&[root.join(file)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert_eq!(
        search_urls(&p, "q=fortnightly&current=yes"),
        ["/prog/svtad/#clause-2.2"]
    );
    // The edited document's records were replaced, not added to: the same search finds
    // the same clauses, each once (in an order the edit's words may change).
    let mut after = search_urls(&p, "q=Testing+Issue&current=yes");
    let mut before = before;
    after.sort();
    before.sort();
    assert_eq!(after, before);
    after.dedup();
    assert_eq!(after.len(), before.len());

    // The answer carries what the search page shows, with the words found marked.
    let (_, json) = p.search.answer("q=fortnightly");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &v["results"][0];
    assert_eq!(first["meta"]["document"], "P-SVTAD");
    // The page's facts are named as in the static index, where a leading `_` keeps
    // Pagefind from searching their words.
    assert_eq!(first["meta"]["_version"], "1.0");
    assert_eq!(first["meta"]["_in_force"], "yes");
    assert_eq!(first["meta"].get("_current"), None);
    assert!(
        first["excerpt"]
            .as_str()
            .unwrap()
            .contains("report <mark>fortnightly</mark> progress"),
        "{first}"
    );
    // Filters narrow it: no TAD clause says "fortnightly".
    assert_eq!(
        search_urls(&p, "q=fortnightly&kind=tad&current=yes"),
        Vec::<String>::new()
    );

    // With "version in force only" unticked, the words of P-SVTAD 0.1's 2.1, which 1.0
    // changed, are found at 0.1, and the answer says it is not the current version.
    assert_eq!(
        search_urls(&p, "q=%22test+the+changes.%22&current=yes"),
        ["/prog/svtad/#clause-2.1"]
    );
    let (_, json) = p.search.answer("q=%22test+the+changes.%22&current=no");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut older: Vec<(&str, &str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["url"].as_str().unwrap(),
                r["meta"]["_version"].as_str().unwrap(),
                r["meta"]["_current"].as_str().unwrap_or("yes"),
            )
        })
        .collect();
    older.sort_unstable();
    assert_eq!(
        older,
        [
            ("/prog/svtad/#clause-2.1", "1.0", "yes"),
            ("/prog/svtad/v0.1/#clause-2.1", "0.1", "no")
        ]
    );
}

#[test]
fn a_document_kept_from_the_last_link_keeps_its_warnings() {
    let dir = fixture("minimal");
    let root = dir.path();
    // A clause of P-SVTAD v1.0 that reads like v0.1's 2.1: a warning of its history.
    let file = "content/prog/svtad/v1.0.md";
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    std::fs::write(
        root.join(file),
        format!("{text}\n2.4 DCC shall test the changes.\n"),
    )
    .unwrap();
    let codes = |o: &attest::serve::Outcome| -> Vec<String> {
        o.diagnostics
            .iter()
            .map(|d| format!("{}:{}", d.code, d.file))
            .collect()
    };
    let (mut p, first) = Preview::new(opts(root));
    let expected = ["unannounced-renumbering:content/prog/svtad/v1.0.md"];
    assert_eq!(codes(&first), expected);

    // An edit to P-TAD links P-TAD again and takes P-SVTAD from the last link: its
    // warning is still reported, once.
    let tad = "content/prog/tad/v1.0.md";
    edit(root, tad, "is logged", "is logged and tracked");
    let outcome = p.apply(&[root.join(tad)]);
    assert_eq!(codes(&outcome), expected);
    assert_same_as_build(&p);

    // Fixing it in P-SVTAD clears it.
    std::fs::write(root.join(file), &text).unwrap();
    let outcome = p.apply(&[root.join(file)]);
    assert_eq!(codes(&outcome), Vec::<String>::new());
    assert_same_as_build(&p);
}

#[test]
fn a_document_whose_links_changed_in_a_failed_build_renders_after_the_fix() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let file = "content/prog/svtad/v1.0.md";
    // P-SVTAD defines a new term, which P-TAD's text uses, and cites a clause that does
    // not exist: the build fails, with P-TAD linked again to the new term.
    edit(
        root,
        file,
        "- **Testing Issue**",
        "- **triage** means sorting by urgency.\n- **Testing Issue**",
    );
    edit(
        root,
        file,
        "2.3 A configuration",
        "2.3 See [[P-TAD 9.9]]. A configuration",
    );
    let broken = p.apply(&[root.join(file)]);
    assert!(broken.failed());

    // Fixing the citation changes nothing other documents see of P-SVTAD, so P-TAD is
    // taken from the failed build's link; its pages, never rendered with the new term,
    // render now.
    edit(root, file, "See [[P-TAD 9.9]]. ", "");
    let fixed = p.apply(&[root.join(file)]);
    assert!(!fixed.failed(), "{:?}", fixed.diagnostics);
    let tad = String::from_utf8(served(&p)["prog/tad/v1.0/index.html"].clone()).unwrap();
    assert!(tad.contains("#term-triage"), "{tad}");
    assert!(fixed
        .changed
        .contains(&"prog/tad/v1.0/index.html".to_owned()));
    assert_same_as_build(&p);
}

#[test]
fn a_change_to_every_page_serves_the_open_pages_first() {
    let dir = fixture("minimal");
    let root = dir.path();
    let mut p = new_preview(root);
    let open = ["/prog/svtad/".to_owned(), "/accessibility/".to_owned()];
    let told = std::cell::RefCell::new(Vec::new());
    // What the open page finds served when it is told.
    let files = p.files.clone();
    let seen = std::cell::RefCell::new(String::new());
    let early = |changed: &[String]| {
        told.borrow_mut().push(changed.to_vec());
        let page = files.get("prog/svtad/index.html").expect("served");
        *seen.borrow_mut() = String::from_utf8_lossy(&page.bytes).into_owned();
    };
    // A version edit renders few pages: nothing goes first.
    let file = "content/prog/svtad/v1.0.md";
    edit(
        root,
        file,
        "report progress as follows",
        "report their progress as follows",
    );
    let outcome = p.apply_open(&[root.join(file)], &open, &early);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome.early.is_empty());
    assert!(told.borrow().is_empty());

    // base.html is every page's: the open pages' jobs render first and are told alone.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dcc/templates");
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = std::fs::read_to_string(theme.join("base.html")).unwrap();
    std::fs::write(
        root.join("templates/base.html"),
        base.replacen("<main", "<p>Preview</p><main", 1),
    )
    .unwrap();
    let outcome = p.apply_open(&[root.join("templates/base.html")], &open, &early);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    // P-SVTAD's current version renders its version page and the document's page.
    let first = [
        "accessibility/index.html",
        "prog/svtad/index.html",
        "prog/svtad/v1.0/index.html",
    ];
    assert_eq!(outcome.early, first);
    assert_eq!(*told.borrow(), [first.map(String::from).to_vec()]);
    assert!(seen.borrow().contains("<p>Preview</p><main"));
    // Then every other page, as before.
    assert_eq!(outcome.jobs, TOTAL_JOBS - 4);
    assert!(first
        .iter()
        .all(|f| outcome.changed.contains(&f.to_string())));
    assert!(outcome.changed.len() > first.len());
    assert_same_as_build(&p);
}

#[test]
fn the_register_drops_a_page_its_rows_no_longer_fill() {
    // 150 generated version pages: 205 obligations, three register pages.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    attest::corpus::generate(root, &attest::corpus::Spec::pages(150, 1)).unwrap();
    let mut p = new_preview(root);
    let pages = |p: &Preview| -> Vec<String> {
        served(p)
            .into_keys()
            .filter(|k| k.starts_with("obligations/"))
            .collect()
    };
    assert_eq!(
        pages(&p),
        [
            "obligations/2/index.html",
            "obligations/3/index.html",
            "obligations/index.html"
        ]
    );
    // GEN-0000's version in force states 16 of them; without them 189 fit on two pages.
    let csv = String::from_utf8(served(&p)["obligations.csv"].clone()).unwrap();
    let versions: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("gen-0000-"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(versions.len(), 16);
    let file = format!("content/gen/doc-0000/v{}.md", versions[0]);
    let text = std::fs::read_to_string(root.join(&file)).unwrap();
    std::fs::write(root.join(&file), text.replace("shall", "will")).unwrap();
    let outcome = p.apply(&[root.join(&file)]);
    assert!(!outcome.failed(), "{:?}", outcome.diagnostics);
    assert!(outcome
        .changed
        .contains(&"obligations/3/index.html".to_owned()));
    assert_eq!(
        pages(&p),
        ["obligations/2/index.html", "obligations/index.html"]
    );
    assert_same_as_build(&p);
}
