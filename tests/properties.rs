//! Property tests of attest's promises, over generated projects built in temporary
//! folders through the library API:
//!
//! - rendering escapes all content: no text in a title, summary, clause or term name
//!   ever becomes a `<script>` element or an attribute of the page's own markup;
//! - a cross-reference either resolves to the exact anchor it names or is an
//!   `unresolved-reference` diagnostic at the reference: never a panic, never a link to
//!   the wrong place (and every link of the built site resolves, by `attest check`);
//! - a failed build never changes `public/`, byte for byte;
//! - the link checker's HTML scanner reads ids and links as a browser's tokenizer does
//!   (html5ever is the oracle);
//! - excluding words or a phrase from a search leaves exactly the clauses without them
//!   (a scan of the text is the oracle);
//! - the fuzz targets' bodies (`fuzz/src/lib.rs`) hold over their seed corpus and over
//!   random input, so the fuzzers' properties are checked on stable Rust too.
//!
//! Each property runs a few dozen cases, so the file takes seconds.

mod common;

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod fuzz_bodies;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use attest::{Options, Report};
use proptest::prelude::*;
use tempfile::TempDir;

use common::{snapshot, staging_leftovers};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Shrinking builds many projects; a failure's first case is reported anyway.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A TOML string literal holding `s`.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Writes `files` (path below the root, text) into a new temporary project.
fn project(files: &[(&str, String)]) -> TempDir {
    let dir = tempfile::Builder::new()
        .prefix("attest-prop-")
        .tempdir()
        .unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

/// Options for `root`, built as on one fixed day so that runs repeat.
fn options(root: &Path) -> Options {
    let mut opts = Options::new(root);
    opts.date = chrono::NaiveDate::from_ymd_opt(2025, 6, 1);
    opts
}

fn build(root: &Path) -> Report {
    attest::build(&options(root), &|_, _| {})
}

fn check(root: &Path) -> Report {
    attest::check(&options(root))
}

fn shorts(report: &Report) -> Vec<String> {
    report.diagnostics.iter().map(|d| d.short()).collect()
}

const FRONT: &str = "version = \"1.0\"\nstatus = \"approved\"\npublished = 2024-01-02\nchange_mechanism = \"first-issue\"\n";

// ---------------------------------------------------------------------------------------
// Rendering escapes all content.

/// Text meant to break out of wherever it lands: tags, both quotes, attributes, entities,
/// template syntax, and any other character.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<script>alert(1)</script>".to_owned()),
        Just("\" xss=\"1".to_owned()),
        Just("' xss='1".to_owned()),
        Just("\"><xss onload=alert(1)>".to_owned()),
        Just("</title><script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("&amp;&lt;&#60;&".to_owned()),
        Just("{{ site.title }}{% raw %}".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        "[a-zA-Z0-9 ]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..5).prop_map(|v| v.concat())
}

/// One line of text for Markdown: no line breaks (which would change the document's
/// structure) and no `[` (a reference to nothing is an error, tested below).
fn inline(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
            '[' => '(',
            c => c,
        })
        .collect()
}

/// What the html5ever tokenizer finds in a page: each start tag's name and attribute
/// names, and all the text.
#[derive(Default)]
struct Tokens {
    tags: Vec<(String, Vec<String>)>,
    text: String,
}

fn tokens(html: &str) -> Tokens {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
    };
    struct Sink(RefCell<Tokens>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
            let mut t = self.0.borrow_mut();
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => t.tags.push((
                    tag.name.to_string(),
                    tag.attrs.iter().map(|a| a.name.local.to_string()).collect(),
                )),
                Token::CharacterTokens(s) => t.text.push_str(&s),
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(Sink(RefCell::new(Tokens::default())), Default::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.into_inner()
}

/// The search page without the theme's own script (`static/search.js`), the one script
/// attest writes: content must make no other.
fn without_search_script(html: &str) -> String {
    let open = "<script type=\"module\" src=\"";
    let close = "static/search.js\"></script>";
    match html.find(open) {
        Some(i)
            if html[i + open.len()..]
                .find(close)
                .is_some_and(|j| !html[i + open.len()..i + open.len() + j].contains('"')) =>
        {
            let j = html[i + open.len()..].find(close).unwrap_or(0) + i + open.len() + close.len();
            format!("{}{}", &html[..i], &html[j..])
        }
        _ => html.to_owned(),
    }
}

/// Collapses runs of white space, as the text of a page shows them.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn rendering_escapes_all_content(
        title in hostile_text(),
        summary in hostile_text(),
        name in hostile_text(),
        clause in hostile_text(),
        heading in hostile_text(),
        term in "[A-Za-z][A-Za-z <>\"'&;=/]{0,12}[A-Za-z]",
        change in hostile_text(),
    ) {
        let clause = inline(&clause);
        let heading = inline(&heading);
        let site = project(&[
            ("content/site.toml", format!(
                "title = {}\nbase_url = \"/\"\ndescription = {}\nnotice = {}\n",
                toml_str(&title), toml_str(&summary), toml_str(&name))),
            ("content/pages/accessibility.md", format!(
                "+++\ntitle = {}\nsummary = {}\n+++\n\n{clause}\n", toml_str(&name), toml_str(&summary))),
            ("content/p/programme.toml", format!(
                "id = \"P\"\nname = {}\nsummary = {}\n\n[[phases]]\nid = \"PIT\"\nname = {}\nsummary = {}\n\n[[releases]]\nid = \"R1\"\nname = {}\n",
                toml_str(&name), toml_str(&summary), toml_str(&title), toml_str(&change), toml_str(&summary))),
            ("content/p/svtad/document.toml", format!(
                "id = \"P-SVTAD\"\nkind = \"svtad\"\ntitle = {}\nsummary = {}\nrelease = \"R1\"\nphases = [\"PIT\"]\n",
                toml_str(&title), toml_str(&summary))),
            ("content/p/svtad/v0.1.md", format!(
                "+++\nversion = \"0.1\"\nstatus = \"draft\"\npublished = 2024-01-01\nchange_mechanism = \"first-issue\"\nchange_summary = {}\n+++\n\n1.1 {clause}\n",
                toml_str(&change))),
            ("content/p/svtad/v1.0.md", format!(
                "+++\n{}change_summary = {}\n+++\n\n# 1 {heading}\n\n1.1 {clause}\n\n- **{term}** means {clause}\n\n1.2 Every {term} counts.\n",
                FRONT.replace("first-issue", "direction-of-secretary-of-state"), toml_str(&change))),
        ]);
        let report = build(site.path());
        // Some texts are not valid where they land (a term name that is Markdown, say);
        // such a build fails with diagnostics and publishes nothing, which is fine here.
        prop_assume!(!report.has_errors(), "build failed: {:?}", shorts(&report));
        let public = site.path().join("public");
        let pages: BTreeMap<String, Option<Vec<u8>>> = snapshot(&public);
        let mut checked = 0;
        for (path, bytes) in &pages {
            let Some(bytes) = bytes else { continue };
            if !path.ends_with(".html") && !path.ends_with(".xml") {
                continue;
            }
            let mut html = String::from_utf8(bytes.clone()).unwrap();
            if path == "search/index.html" {
                html = without_search_script(&html);
            }
            let t = tokens(&html);
            for (tag, attrs) in &t.tags {
                prop_assert!(
                    !matches!(tag.as_str(), "script" | "xss" | "iframe" | "object" | "embed" | "style"),
                    "{path}: content made a <{tag}> element"
                );
                for a in attrs {
                    prop_assert!(
                        a != "xss" && !a.starts_with("on"),
                        "{path}: content made an attribute {a} on <{tag}>"
                    );
                }
            }
            checked += 1;
        }
        prop_assert!(checked >= 7, "only {checked} pages");
        // Escaped, not dropped: the site title reads as written on the home page, but
        // for control characters, which HTML may not hold: they read as U+FFFD.
        let home = tokens(&String::from_utf8(pages["index.html"].clone().unwrap()).unwrap());
        let shown: String = title
            .chars()
            .map(|c| match c {
                '\t' | '\n' | '\r' => c,
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect();
        prop_assert!(
            squash(&home.text).contains(&squash(&shown)),
            "the home page does not show the title {title:?}"
        );
        // (Whether every link of such a site resolves is not this property: raw HTML
        // that leaves a `<script>` open loses later clauses; see tests/regressions.rs.)
    }
}

// ---------------------------------------------------------------------------------------
// A cross-reference resolves or is a diagnostic.

/// The parent document's clauses and terms; the TAD below it has clauses 1 and 1.1 to
/// 1.n, one reference in each.
const SVTAD_CLAUSES: &[&str] = &["1", "1.1", "1.2", "2", "2.1", "2.1A"];
const TERMS: &[&str] = &["Testing Issue", "PIT"];

#[derive(Debug, Clone)]
enum Ref {
    Doc(&'static str),
    Clause(&'static str, &'static str),
    Term(&'static str),
}

fn reference() -> impl Strategy<Value = (Ref, Option<String>)> {
    let doc = prop::sample::select(vec!["P-SVTAD", "P-TAD", "P-NOPE", "P-SVTA"]);
    let number = prop::sample::select(vec![
        "1", "1.1", "1.2", "1.3", "2", "2.1", "2.1A", "2.1B", "9.9", "1.10",
    ]);
    let r = prop_oneof![
        doc.clone().prop_map(Ref::Doc),
        (doc, number).prop_map(|(d, n)| Ref::Clause(d, n)),
        prop::sample::select(vec!["Testing Issue", "PIT", "Testing issues", "Nope"])
            .prop_map(Ref::Term),
    ];
    (r, prop::option::of("[A-Za-z][a-z ]{0,10}[a-z]"))
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn a_reference_resolves_to_its_anchor_or_is_a_diagnostic(
        refs in prop::collection::vec(reference(), 1..6)
    ) {
        let n = refs.len();
        let mut tad = format!("+++\n{FRONT}change_summary = \"x\"\n+++\n\n# 1 Scope\n");
        // (line, column) of each reference, 1-based.
        let mut at = Vec::new();
        for (i, (r, text)) in refs.iter().enumerate() {
            let target = match r {
                Ref::Doc(d) => d.to_string(),
                Ref::Clause(d, c) => format!("{d} {c}"),
                Ref::Term(t) => format!("term:{t}"),
            };
            let written = match text {
                Some(t) => format!("[[{target}|{t}]]"),
                None => format!("[[{target}]]"),
            };
            let line = format!("1.{} See {written}.", i + 1);
            at.push((tad.lines().count() + 2, line.find("[[").unwrap() + 1));
            tad.push_str(&format!("\n{line}\n"));
        }
        let site = project(&[
            ("content/site.toml", "title = \"T\"\nbase_url = \"/\"\n".to_owned()),
            ("content/pages/accessibility.md", "+++\ntitle = \"A\"\n+++\n\nText.\n".to_owned()),
            ("content/p/programme.toml", "id = \"P\"\nname = \"P\"\n".to_owned()),
            ("content/p/svtad/document.toml", "id = \"P-SVTAD\"\nkind = \"svtad\"\ntitle = \"S\"\n".to_owned()),
            ("content/p/svtad/v1.0.md", format!(
                "+++\n{FRONT}change_summary = \"x\"\n+++\n\n# 1 Definitions\n\n1.1 In this document:\n\n- **Testing Issue** means a problem.\n- **PIT** means Pre-Integration Testing.\n\n1.2 More.\n\n# 2 Testing\n\n2.1 Test.\n\n2.1A Also.\n")),
            ("content/p/tad/document.toml", "id = \"P-TAD\"\nkind = \"tad\"\ntitle = \"T\"\nparent = \"P-SVTAD\"\n".to_owned()),
            ("content/p/tad/v1.0.md", tad),
        ]);

        // What each reference should become: Ok((href, text)) or Err(()) for a
        // diagnostic.
        let tad_clauses: Vec<String> =
            std::iter::once("1".to_owned()).chain((1..=n).map(|i| format!("1.{i}"))).collect();
        let expected: Vec<Result<(String, String), ()>> = refs
            .iter()
            .map(|(r, text)| {
                let resolved = match r {
                    Ref::Doc("P-SVTAD") => Ok(("/p/svtad/".to_owned(), "P-SVTAD".to_owned())),
                    Ref::Doc("P-TAD") => Ok(("#main-content".to_owned(), "P-TAD".to_owned())),
                    Ref::Clause("P-SVTAD", c) if SVTAD_CLAUSES.contains(c) => {
                        Ok((format!("/p/svtad/#clause-{c}"), format!("P-SVTAD {c}")))
                    }
                    Ref::Clause("P-TAD", c) if tad_clauses.iter().any(|t| t == c) => {
                        Ok((format!("#clause-{c}"), format!("P-TAD {c}")))
                    }
                    Ref::Term(t) if TERMS.contains(t) => Ok((
                        format!("/p/svtad/#{}", attest::model::term_anchor(t)),
                        t.to_string(),
                    )),
                    _ => Err(()),
                };
                resolved.map(|(href, default)| (href, text.clone().unwrap_or(default)))
            })
            .collect();

        let report = check(site.path());
        let wanted: Vec<(usize, usize)> = expected
            .iter()
            .zip(&at)
            .filter(|(e, _)| e.is_err())
            .map(|(_, &pos)| pos)
            .collect();
        let got: Vec<(usize, usize)> = report.diagnostics.iter().map(|d| {
            assert_eq!(d.code, "unresolved-reference", "{}", d.short());
            assert_eq!(d.file, "content/p/tad/v1.0.md", "{}", d.short());
            (d.line, d.column)
        }).collect();
        prop_assert_eq!(&got, &wanted, "{:?}", shorts(&report));

        if wanted.is_empty() {
            let report = build(site.path());
            prop_assert!(!report.has_errors(), "{:?}", shorts(&report));
            let html = fs::read_to_string(site.path().join("public/p/tad/index.html")).unwrap();
            for (i, e) in expected.iter().enumerate() {
                let (href, text) = e.as_ref().unwrap();
                let clause_at = html
                    .find(&format!("id=\"clause-1.{}\"", i + 1))
                    .expect("the clause is anchored");
                let clause = &html[clause_at..];
                let clause = &clause[..clause.find("</div></div>").unwrap_or(clause.len())];
                prop_assert!(
                    clause.contains(&format!(" href=\"{href}\">{text}</a>")),
                    "clause 1.{} should link `{}` to {href}:\n{clause}", i + 1, text
                );
            }
        } else {
            // A failed check publishes nothing.
            prop_assert!(!site.path().join("public").exists());
        }
    }
}

// ---------------------------------------------------------------------------------------
// A failed build never changes public/.

/// Ways to break a valid project: (file, how). Each is an error attest must catch.
fn breakage() -> impl Strategy<Value = (usize, usize)> {
    (0..6usize, 0..7usize)
}

const FILES: &[&str] = &[
    "content/site.toml",
    "content/p/programme.toml",
    "content/p/svtad/document.toml",
    "content/p/svtad/v1.0.md",
    "content/pages/accessibility.md",
    "templates/page.html",
];

fn valid_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "content/site.toml",
            "title = \"T\"\nbase_url = \"/\"\n".to_owned(),
        ),
        (
            "content/pages/accessibility.md",
            "+++\ntitle = \"A\"\n+++\n\nText.\n".to_owned(),
        ),
        (
            "content/p/programme.toml",
            "id = \"P\"\nname = \"P\"\n".to_owned(),
        ),
        (
            "content/p/svtad/document.toml",
            "id = \"P-SVTAD\"\nkind = \"svtad\"\ntitle = \"S\"\n".to_owned(),
        ),
        (
            "content/p/svtad/v1.0.md",
            format!("+++\n{FRONT}change_summary = \"x\"\n+++\n\n# 1 A\n\n1.1 See [[P-SVTAD 1]].\n"),
        ),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn a_failed_build_never_changes_public(
        (file, how) in breakage(),
        junk in "[ -~]{0,20}",
        edit_first in any::<bool>(),
    ) {
        let site = project(&valid_files());
        let first = build(site.path());
        prop_assert!(!first.has_errors(), "{:?}", shorts(&first));
        if edit_first {
            // A second good build, with other text, so public/ is not a first build.
            fs::write(
                site.path().join("content/pages/accessibility.md"),
                format!("+++\ntitle = \"A\"\n+++\n\n{}\n", inline(&junk).replace(['<', '&', '`', '*', '_', '\\'], " ")),
            ).unwrap();
            let second = build(site.path());
            prop_assert!(!second.has_errors(), "{:?}", shorts(&second));
        }
        let public = site.path().join("public");
        let before = snapshot(&public);

        let path = site.path().join(FILES[file]);
        let old = fs::read(&path).unwrap_or_default();
        let broken: Vec<u8> = match how {
            0 => b"+++\n= = =\n".to_vec(),                        // not TOML
            1 => Vec::new(),                                       // empty
            2 => vec![0xff, 0xfe, b'x'],                           // not UTF-8
            3 => [&old[..], format!("\n[[P-NOPE {junk}]]\n").as_bytes()].concat(),
            4 => [&old[..], b"\nunknown_key = 1\n"].concat(),
            5 => [&old[..], b"\n{% if %}\n"].concat(),             // a template that fails
            _ => format!("{}\n1.1 Again.\n\n1.1 Twice.\n", String::from_utf8_lossy(&old)).into_bytes(),
        };
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &broken).unwrap();

        let report = build(site.path());
        prop_assume!(report.has_errors(), "this edit was not an error: {:?}", (FILES[file], how));
        prop_assert_eq!(report.written, None);
        prop_assert!(snapshot(&public) == before, "public/ changed after a failed build: {:?}", shorts(&report));
        prop_assert_eq!(staging_leftovers(site.path()), Vec::<String>::new());
    }
}

// ---------------------------------------------------------------------------------------
// The link checker's scanner against html5ever's tokenizer.

/// HTML-ish text from pieces that matter to a tokenizer.
fn html_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<a href=\"/x/?a=1&amp;b=2#f\">".to_owned()),
        Just("<a href='#y' id=z>".to_owned()),
        Just("<img src=/i.png alt=\"a > b\">".to_owned()),
        Just("<p id = \"q\" ID=\"dup\">".to_owned()),
        Just("<A HREF=/up>".to_owned()),
        Just("<div class=\"c\" id=\"&#x3c;&copy;&amp\">".to_owned()),
        Just("</a>".to_owned()),
        Just("</p id=\"end\">".to_owned()),
        Just("<!-- <a href=\"/c\"> -->".to_owned()),
        Just("<!-->".to_owned()),
        Just("<!DOCTYPE html>".to_owned()),
        Just("<style>a[href=\"/s\"]{}</style>".to_owned()),
        Just("<textarea><a href=\"/t\"></textarea>".to_owned()),
        Just("<title>&amp; <b id=t></title>".to_owned()),
        Just("<br/>".to_owned()),
        Just("<a href=\"".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("=".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        Just("/".to_owned()),
        Just("&".to_owned()),
        Just(" ".to_owned()),
        "[a-z]{1,4}",
        "&[a-zA-Z]{1,6};?",
        "&#x?[0-9a-fA-F]{1,7};?",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// The first `id`, `href` and `src` of each start tag, as html5ever reads them.
fn html5ever_attrs(html: &str) -> Vec<(attest::linkcheck::Attr, String)> {
    use attest::linkcheck::Attr;
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::states::RawKind;
    use html5ever::tokenizer::{
        BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer,
    };
    struct Sink(RefCell<Vec<(Attr, String)>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else {
                return TokenSinkResult::Continue;
            };
            if tag.kind != TagKind::StartTag {
                return TokenSinkResult::Continue;
            }
            for a in &tag.attrs {
                let kind = match &*a.name.local {
                    "id" => Attr::Id,
                    "href" => Attr::Href,
                    "src" => Attr::Src,
                    _ => continue,
                };
                self.0.borrow_mut().push((kind, a.value.to_string()));
            }
            match &*tag.name {
                "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            }
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(Sink(RefCell::new(Vec::new())), Default::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.into_inner()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_link_scanner_reads_html_as_html5ever_does(html in html_soup()) {
        let mut ours = Vec::new();
        attest::linkcheck::scan(&html, &mut |k, v| ours.push((k, v.into_owned())));
        prop_assert_eq!(ours, html5ever_attrs(&html), "in {:?}", html);
    }
}

// ---------------------------------------------------------------------------------------
// Exclusions in `attest search`.

/// Words the English stemmer leaves as they are, so a scan of the text finds what the
/// index finds.
const WORDS: [&str; 5] = ["kilo", "lima", "papa", "tango", "sierra"];

fn clause_record(i: usize, body: String) -> attest::search::Record {
    attest::search::Record {
        title: "Clause".to_owned(),
        body,
        document: String::new(),
        document_title: String::new(),
        kind: "tad".to_owned(),
        version: "1.0".to_owned(),
        first_version: String::new(),
        clause: i.to_string(),
        heading: String::new(),
        party: Vec::new(),
        modality: Vec::new(),
        phase: Vec::new(),
        url: format!("/d/#clause-{i}"),
        current: true,
        in_force: true,
        status: String::new(),
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// `+a -"b c"` and `+a -b` find exactly the clauses that hold `a` and not the
    /// phrase (or word). Found by the `search_query` fuzz target: tantivy's phrase scorer
    /// asserted when its exclusion sought it backwards (a debug build's panic).
    #[test]
    fn an_exclusion_leaves_exactly_the_clauses_without_it(
        bodies in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 1..8), 1..60),
        (want, first, second) in (0..WORDS.len(), 0..WORDS.len(), 0..WORDS.len()),
        phrase in any::<bool>(),
    ) {
        let texts: Vec<Vec<&str>> = bodies
            .iter()
            .map(|b| b.iter().map(|&w| WORDS[w]).collect())
            .collect();
        let records: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| clause_record(i, t.join(" ")))
            .collect();
        let index = attest::search::SearchIndex::in_memory(&records, &[]).unwrap();
        let settings = attest::search::Settings::parse("").unwrap();
        let (excluded, text) = if phrase {
            (vec![WORDS[first], WORDS[second]], format!("+{} -\"{} {}\"", WORDS[want], WORDS[first], WORDS[second]))
        } else {
            (vec![WORDS[first]], format!("+{} -{}", WORDS[want], WORDS[first]))
        };
        let mut q = attest::search::Query::new(&text);
        q.limit = records.len();
        let outcome = index.search(&q, &settings).unwrap();
        let mut found: Vec<String> = outcome.hits.iter().map(|h| h.url.clone()).collect();
        found.sort();
        let mut expected: Vec<String> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.contains(&WORDS[want]) && !t.windows(excluded.len()).any(|w| w == excluded.as_slice()))
            .map(|(i, _)| format!("/d/#clause-{i}"))
            .collect();
        expected.sort();
        prop_assert_eq!(outcome.total, expected.len(), "{}", text);
        prop_assert_eq!(found, expected, "{}", text);
    }
}

// ---------------------------------------------------------------------------------------
// The fuzz targets' bodies, on stable.

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus-seed")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 3, "too few seeds for {target}");
    out
}

#[test]
fn fuzz_targets_hold_on_their_seed_corpus() {
    for (name, data) in seeds("front_matter") {
        eprintln!("front_matter {name}");
        fuzz_bodies::front_matter(&data);
    }
    // The Markdown seeds are real documents: they render and check clean.
    for (name, data) in seeds("markdown") {
        let text = std::str::from_utf8(&data).unwrap();
        let version = format!("{}{text}", fuzz_bodies::FRONT_MATTER);
        let page = format!("{}{text}", fuzz_bodies::PAGE);
        let sources = fuzz_bodies::sources(
            fuzz_bodies::SITE_TOML,
            fuzz_bodies::PROGRAMME_TOML,
            fuzz_bodies::DOCUMENT_TOML,
            &version,
            &version,
            &page,
        );
        let diags: Vec<String> = fuzz_bodies::run(&sources)
            .iter()
            .map(|d| d.short())
            .collect();
        let only = |code: &str| !diags.is_empty() && diags.iter().all(|d| d.contains(code));
        if name.ends_with("raw-html") {
            assert!(only("[broken-link]"), "{name}: {diags:#?}");
        } else if name.ends_with("xrefs") {
            assert!(only("[unresolved-reference]"), "{name}: {diags:#?}");
        } else {
            assert!(diags.is_empty(), "{name}: {diags:#?}");
        }
    }
    for (_, data) in seeds("html_links") {
        fuzz_bodies::html_links(&data);
    }
    let codes = |data: &[u8]| {
        let mut c: Vec<&str> = fuzz_bodies::csv_tables(data)
            .iter()
            .map(|d| d.code)
            .collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    for (name, data) in seeds("csv_tables") {
        let found = codes(&data);
        if name.ends_with("every-error") {
            // Rows that do not parse leave the trace incomplete, so the checks of ids
            // across tables (unknown scenario, duplicate id) stay quiet.
            assert_eq!(
                found,
                vec![
                    "csv-multiline-field",
                    "empty-field",
                    "invalid-date",
                    "invalid-value",
                    "missing-rationale",
                    "uncovering-test"
                ],
                "{name}"
            );
        } else if name.ends_with("bom-crlf") {
            // The csv reader reads past a byte-order mark, as load does.
            assert_eq!(found, Vec::<&str>::new(), "{name}");
        } else {
            assert!(!found.is_empty(), "{name}");
        }
    }
    // With no input every table takes its valid default: the trace builds clean.
    let defaults = fuzz_bodies::TRACE_DEFAULTS.join(fuzz_bodies::SEPARATOR);
    assert_eq!(codes(defaults.as_bytes()), Vec::<&str>::new());

    // Queries: each seed is repaired, searched and printed (the body's own checks), and
    // says exactly what became of it: the query searched and the notes' first sentences.
    for (name, data) in seeds("search_query") {
        let outcome = fuzz_bodies::search_query(&data);
        let seed = name.rsplit('/').next().unwrap_or(&name);
        let notes: Vec<&str> = outcome
            .notes
            .iter()
            .map(|n| n.split(". ").next().unwrap_or(n))
            .collect();
        let (unmatched, lone, special) = (
            "an unmatched quote was ignored",
            "a `+` or `-` on its own was ignored: put it right before a word",
            "characters with no meaning in a search were ignored",
        );
        let expected: (String, Vec<&str>) = match seed {
            "unbalanced-quotes" => ("\"Testing Window\" exit criteria".into(), vec![unmatched]),
            "quote-inside-words" => (
                "a \"b c\" d +\"Test Completion\"".into(),
                vec![unmatched, "a phrase with no words in it was ignored", lone],
            ),
            // Found by the fuzz target: phrases of nothing but spaces, which tantivy could
            // not read; the flag byte (0x9e) and the `~`s are not words.
            "empty-phrases" => (
                String::new(),
                vec![
                    "characters with no meaning in a search were ignored",
                    "a phrase with no words in it was ignored",
                    "a `+` or `-` on its own was ignored: put it right before a word",
                    "there are no words to search for",
                ],
            ),
            // Found by the fuzz target: `-1-1` is the excluded phrase "1 1", and tantivy's
            // phrase scorer asserted when the exclusion sought it backwards (see
            // `an_exclusion_leaves_exactly_the_clauses_without_it`).
            "phrase-scorer-past-end" => (
                "+A -\u{fffd}\u{fffd}\u{fffd}\u{fffd}1- -1-1".into(),
                vec!["control characters in the query were ignored", special],
            ),
            // Found by the fuzz target: a word the index is too short to hold beside an
            // excluded word, which tantivy read as a query of exclusions only.
            "word-too-long" => (
                String::new(),
                vec![
                    special,
                    unmatched,
                    "a word too long to be in the index (40 characters or more, fewer for letters beyond ASCII) was ignored",
                    lone,
                    "every word was excluded with `-`, so there is nothing to search for",
                    "there are no words to search for",
                ],
            ),
            // The phrase of a space only searches for nothing: it goes, and says so.
            "phrase-into-word" => (
                "\"Test Completion\" report a x \"PIT exit\" criteria \"a\" \"b\"".into(),
                vec!["a phrase with no words in it was ignored"],
            ),
            "lone-operators" => ("-PIT +and or not in to".into(), vec![lone]),
            "control-chars" => (
                "Testing 31m Issue exit".into(),
                vec!["control characters in the query were ignored", special],
            ),
            "html" => (
                "img src=x onerror=alert 1 script alert \"x\" script amp; b exit b criteria".into(),
                vec!["markup in the query was read as words", special],
            ),
            "tantivy-syntax" => (
                "title PIT 3 a to b x to y body \"exit\" 2 fuzz 1 a a or b x y z s t".into(),
                vec![special],
            ),
            "who-must" => (
                "what must Users do before UIT? who approves PIT completion".into(),
                vec![],
            ),
            // Each phrase is cut from the word it runs into, a space more each time, and
            // the last words make room.
            "phrases-into-words-at-the-limit" => (
                vec!["\"a\" b"; 83].join(" "),
                vec!["the query was cut to its first 500 characters"],
            ),
            "long-10000" => {
                assert!(!outcome.hits.is_empty());
                (
                    vec!["PIT"; 125].join(" "),
                    vec!["the query was cut to its first 500 characters"],
                )
            }
            // Not UTF-8, and letters beyond ASCII: the body's checks only.
            _ => continue,
        };
        assert_eq!((outcome.query, notes), expected, "{seed}");
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn fuzz_targets_hold_on_random_input(
        data in prop::collection::vec(any::<u8>(), 0..300),
        text in "(\\PC|\n){0,300}",
        soup in html_soup(),
    ) {
        fuzz_bodies::front_matter(&data);
        fuzz_bodies::front_matter(text.as_bytes());
        fuzz_bodies::markdown(text.as_bytes());
        fuzz_bodies::html_links(soup.as_bytes());
        fuzz_bodies::csv_tables(text.as_bytes());
        fuzz_bodies::csv_tables(&data);
        fuzz_bodies::search_query(&data);
        fuzz_bodies::search_query(text.as_bytes());
        fuzz_bodies::search_query(soup.as_bytes());
    }
}
