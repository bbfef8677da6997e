//! The bodies of attest's fuzz targets, kept apart from the `fuzz_target!` wrappers so
//! that `tests/properties.rs` can run them over the seed corpus on stable Rust too.
//!
//! Each body builds a tiny project *in memory* (no files: a [`Sources`] value made by
//! hand) and drives it through the same stages `attest::check` does. A body panics only
//! when attest breaks one of its own promises: no panic on any input, and every
//! diagnostic's byte range lies inside its file on character boundaries (so the human
//! report can show the line).

// The render sink's error is attest's `Diagnostic`, as in attest itself.
#![allow(clippy::result_large_err)]

use std::path::PathBuf;
use std::sync::OnceLock;

use attest::diagnostics::Diagnostic;
use attest::load::{DocumentSources, ProgrammeSources, Sources};
use attest::model::SourceFile;
use attest::{link, linkcheck, load, parse, render};

/// Separates the files of a `front_matter` input: site.toml, programme.toml,
/// document.toml, the version file and a page, in that order. Missing parts get a valid
/// default, so a short input still exercises the later files.
pub const SEPARATOR: &str = "\n%%%%\n";

pub const SITE_TOML: &str =
    "title = \"Fuzz\"\nbase_url = \"/\"\n\n[[parties]]\nid = \"dcc\"\nname = \"DCC\"\n";
pub const PROGRAMME_TOML: &str =
    "id = \"P\"\nname = \"Programme\"\n\n[[phases]]\nid = \"PIT\"\nname = \"Pre-Integration Testing\"\n\n[[releases]]\nid = \"R1\"\nname = \"Release 1\"\n";
pub const DOCUMENT_TOML: &str =
    "id = \"P-TAD\"\nkind = \"tad\"\ntitle = \"A TAD\"\nparent = \"P-SVTAD\"\nrelease = \"R1\"\nphases = [\"PIT\"]\n";
pub const FRONT_MATTER: &str = "+++\nversion = \"1.0\"\nstatus = \"approved\"\npublished = 2024-01-02\nchange_mechanism = \"first-issue\"\nchange_summary = \"First issue.\"\n+++\n";
pub const PAGE: &str = "+++\ntitle = \"Accessibility\"\n+++\n\nHow accessible this site is.\n";

/// The parent document of the `front_matter` target: clauses 1, 1.1, 2, 2.1 and 2.1A,
/// and the terms `Testing Issue` and `PIT`.
pub const PARENT_TOML: &str = "id = \"P-SVTAD\"\nkind = \"svtad\"\ntitle = \"The SVTAD\"\n";
pub const PARENT_BODY: &str = "\n# 1 Definitions\n\n1.1 In this document:\n\n- **Testing Issue** means a problem found in testing.\n- **PIT** means Pre-Integration Testing.\n\n# 2 Testing\n\n2.1 DCC shall record every Testing Issue.\n\n2.1A See [[P-SVTAD 1.1]].\n";

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile::new(path, text)
}

/// A project of one programme `p` with the parent SVTAD (`svtad/v1.0.md` is `parent`)
/// and one TAD below it (`tad/v1.0.md` is `version`).
pub fn sources(
    site: &str,
    programme: &str,
    document: &str,
    parent: &str,
    version: &str,
    page: &str,
) -> Sources {
    let doc = |slug: &str, toml: &str, versions: Vec<SourceFile>| DocumentSources {
        slug: slug.to_owned(),
        config: Some(file(&format!("content/p/{slug}/document.toml"), toml)),
        config_path: format!("content/p/{slug}/document.toml"),
        version_files: versions.len(),
        versions,
        trace: Vec::new(),
        trace_files: 0,
        severity: None,
    };
    Sources {
        root: PathBuf::from("/nonexistent-fuzz-root"),
        site: Some(file("content/site.toml", site)),
        pages: vec![file("content/pages/accessibility.md", page)],
        programmes: vec![ProgrammeSources {
            slug: "p".to_owned(),
            config: Some(file("content/p/programme.toml", programme)),
            config_path: "content/p/programme.toml".to_owned(),
            status: Vec::new(),
            documents: vec![
                doc(
                    "svtad",
                    PARENT_TOML,
                    vec![file("content/p/svtad/v1.0.md", parent)],
                ),
                doc(
                    "tad",
                    document,
                    vec![file("content/p/tad/v1.0.md", version)],
                ),
            ],
        }],
    }
}

/// Every file of `sources`, by path, to check diagnostics against.
fn texts(sources: &Sources) -> Vec<SourceFile> {
    let mut out: Vec<SourceFile> = sources.site.iter().cloned().collect();
    out.extend(sources.pages.iter().cloned());
    for p in &sources.programmes {
        out.extend(p.config.iter().cloned());
        for d in &p.documents {
            out.extend(d.config.iter().cloned());
            out.extend(d.versions.iter().cloned());
            out.extend(d.trace.iter().cloned());
        }
    }
    out
}

/// Panics when a diagnostic's range does not lie in its file on character boundaries,
/// or its line and column are not where the range starts.
pub fn assert_diagnostics_in_bounds(diags: &[Diagnostic], files: &[SourceFile]) {
    for d in diags {
        assert!(!d.message.is_empty(), "a diagnostic with no message: {d:?}");
        let Some(range) = &d.range else { continue };
        let Some(f) = files.iter().find(|f| f.path == d.file) else {
            continue;
        };
        let text = &f.text;
        assert!(
            range.start <= range.end && range.end <= text.len(),
            "range {range:?} outside {} ({} bytes): {}",
            d.file,
            text.len(),
            d.short()
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "range {range:?} splits a character in {}: {}",
            d.file,
            d.short()
        );
        assert_eq!(
            (d.line, d.column),
            attest::diagnostics::line_col(text, range.start),
            "line and column disagree with the range: {}",
            d.short()
        );
    }
}

/// The date every fuzzed site is built for, so that runs repeat.
fn today() -> attest::model::Date {
    attest::model::Date(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date"))
}

/// A theme's static files: path below `static/` and bytes.
type Statics = Vec<(String, Vec<u8>)>;

/// The built-in theme: its compiled templates and its static files, made once per
/// process.
fn theme() -> &'static (tera::Tera, Statics) {
    static THEME: OnceLock<(tera::Tera, Statics)> = OnceLock::new();
    THEME.get_or_init(|| {
        let theme = load::load_theme(&PathBuf::from("/nonexistent-fuzz-root"), "dcc")
            .expect("the built-in theme loads");
        let tera = render::templates(&theme).expect("the built-in templates compile");
        (tera, theme.statics)
    })
}

/// Parses, links and (when there is no error) renders and link-checks `sources`, as
/// `attest::check` does. Returns the diagnostics.
pub fn run(sources: &Sources) -> Vec<Diagnostic> {
    let files = texts(sources);
    let (site, mut diags) = parse::parse(sources);
    assert_diagnostics_in_bounds(&diags, &files);
    let Some(site) = site else { return diags };
    let (graph, d) = link::link(site, None, today());
    assert_diagnostics_in_bounds(&d, &files);
    diags.extend(d);
    if diags.iter().any(Diagnostic::is_error) {
        return diags;
    }
    let checker = linkcheck::LinkCheck::new(&graph);
    let sink = |f: render::OutputFile| {
        checker.add(&f);
        Ok(())
    };
    let (tera, statics) = theme();
    match render::render(&graph, tera, &sink, &|_, _| {}) {
        Ok(_) => diags.extend(checker.finish(statics)),
        Err(d) => diags.extend(d),
    }
    diags
}

/// Front matter and TOML: the input is up to five files split at [`SEPARATOR`].
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split(SEPARATOR);
    let mut next = |default: &str| parts.next().unwrap_or(default).to_owned();
    let site = next(SITE_TOML);
    let programme = next(PROGRAMME_TOML);
    let document = next(DOCUMENT_TOML);
    let version = next(&format!("{FRONT_MATTER}\n1.1 Text.\n"));
    let page = next(PAGE);

    // The version file on its own, through the public single-file parser.
    let v = file("content/p/tad/v1.0.md", &version);
    let (_, diags) = parse::parse_version_file(&v);
    assert_diagnostics_in_bounds(&diags, std::slice::from_ref(&v));

    let parent = format!("{FRONT_MATTER}{PARENT_BODY}");
    run(&sources(
        &site, &programme, &document, &parent, &version, &page,
    ));
}

/// Markdown with clauses, terms and cross-references: the input is the body of both
/// documents (the SVTAD and the TAD below it, so references to either id resolve when
/// the text has the clause) and of a free-standing page.
pub fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let version = format!("{FRONT_MATTER}{body}");
    let page = format!("{PAGE}{body}");
    run(&sources(
        SITE_TOML,
        PROGRAMME_TOML,
        DOCUMENT_TOML,
        &version,
        &version,
        &page,
    ));
}

/// The link checker's HTML scanner on arbitrary text: no panic, no hang, and never more
/// attribute values than the text has `=` signs.
pub fn html_links(data: &[u8]) {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    let mut n = 0usize;
    linkcheck::scan(html, &mut |_, _| n += 1);
    assert!(n <= html.matches('=').count(), "more values than `=` signs");
}

/// The trace tables of the `csv_tables` target, in the order its input gives them.
pub const TRACE_FILES: [&str; 5] = [
    "requirements",
    "scenarios",
    "cases",
    "coverage",
    "results/2025-05-01",
];

/// Valid tables, for the parts an input leaves out: a requirement on the parent's
/// clause 2.1, a scenario and a case covering it, its coverage and a result.
pub const TRACE_DEFAULTS: [&str; 5] = [
    "id,title,source,component,release\nREQ-1,Record issues,P-SVTAD 2.1,Core,R1\n",
    "id,title,phase,covers\nTS-1,Raise an issue,PIT,REQ-1\n",
    "id,title,phase,scenario,covers\nTC-1,Raise one,PIT,TS-1,\n",
    "requirement,coverage,reviewed,rationale\nREQ-1,full,2025-05-01,\n",
    "test,result,note\nTC-1,passed,\n",
];

/// Trace tables: the input is up to five CSV files split at [`SEPARATOR`] (see
/// [`TRACE_FILES`]); an input that starts with `toml` is read as TOML tables instead.
/// They belong to a CTD below the parent SVTAD, and go through the whole pipeline.
/// Returns the diagnostics.
pub fn csv_tables(data: &[u8]) -> Vec<Diagnostic> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Vec::new();
    };
    let (ext, text) = match text.strip_prefix("toml") {
        Some(rest) => ("toml", rest),
        None => ("csv", text),
    };
    let mut parts = text.split(SEPARATOR);
    let trace: Vec<SourceFile> = TRACE_FILES
        .iter()
        .zip(TRACE_DEFAULTS)
        .filter_map(|(name, default)| {
            let part = parts.next();
            let ext = if part.is_some() { ext } else { "csv" };
            let body = part.unwrap_or(default);
            // An empty file is refused by load, which never hands one on.
            (!body.trim().is_empty())
                .then(|| file(&format!("content/p/tad/trace/{name}.{ext}"), body))
        })
        .collect();
    let parent = format!("{FRONT_MATTER}{PARENT_BODY}");
    let version = format!("{FRONT_MATTER}\n1.1 Text.\n");
    let mut sources = sources(
        SITE_TOML,
        PROGRAMME_TOML,
        &DOCUMENT_TOML.replace("kind = \"tad\"", "kind = \"ctd\""),
        &parent,
        &version,
        PAGE,
    );
    let ctd = &mut sources.programmes[0].documents[1];
    ctd.trace_files = trace.len();
    ctd.trace = trace;
    run(&sources)
}

/// The committed search settings (boosts and synonyms), so that queries are expanded as
/// `attest search` expands them.
const SEARCH_SETTINGS: &str = include_str!("../../search-index/settings.toml");

/// A record of the tiny index the `search_query` target searches.
fn record(
    title: &str,
    body: &str,
    clause: &str,
    party: &[&str],
    modality: &[&str],
    current: bool,
) -> attest::search::Record {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    attest::search::Record {
        title: title.to_owned(),
        body: body.to_owned(),
        document: if clause.is_empty() { "" } else { "P-TAD" }.to_owned(),
        document_title: "A TAD".to_owned(),
        kind: if clause.is_empty() { "page" } else { "tad" }.to_owned(),
        version: if clause.is_empty() { "" } else { "1.0" }.to_owned(),
        first_version: String::new(),
        clause: clause.to_owned(),
        heading: "Testing".to_owned(),
        party: owned(party),
        modality: owned(modality),
        phase: vec!["PIT".to_owned()],
        url: format!("/p/tad/#clause-{clause}"),
        current,
        in_force: current,
        status: "Approved".to_owned(),
    }
}

/// A tiny index held in memory, and the committed settings, made once per process.
fn search_index() -> &'static (attest::search::SearchIndex, attest::search::Settings) {
    static INDEX: OnceLock<(attest::search::SearchIndex, attest::search::Settings)> =
        OnceLock::new();
    INDEX.get_or_init(|| {
        let records = [
            record("2.1 Testing", "DCC shall record every Testing Issue found in Pre-Integration Testing (PIT) within 2 working days.", "2.1", &["dcc"], &["shall"], true),
            record("2.2 Exit", "Users may submit a Test Completion Report; the TAB shall decide whether the exit criteria are met. «Unicode» ünïcödé 日本語 text.", "2.2", &["users", "tab"], &["may", "shall"], true),
            record("2.2 Exit", "An earlier wording: Users must submit a report.", "2.2", &["users"], &["must"], false),
            record("Accessibility", "How accessible this site is, and who to ask: <b>not markup</b> & \"quoted\" words.", "", &[], &[], true),
        ];
        let parties = [
            attest::model::Party {
                id: "dcc".to_owned(),
                name: "DCC".to_owned(),
                aliases: vec!["the Data Communications Company".to_owned()],
            },
            attest::model::Party {
                id: "users".to_owned(),
                name: "Users".to_owned(),
                aliases: Vec::new(),
            },
        ];
        let index = attest::search::SearchIndex::in_memory(&records, &parties)
            .expect("a tiny index builds in memory");
        let settings =
            attest::search::Settings::parse(SEARCH_SETTINGS).expect("the committed settings parse");
        (index, settings)
    })
}

/// Characters [`attest::search::query::clean`] must never leave in a query: those of
/// tantivy's query language that `attest search` does not offer, and markup.
const NEVER_LEFT: &[char] = &[
    '<', '>', '&', ':', '^', '[', ']', '{', '}', '(', ')', '~', '*', '\\', '!', '\'', '`', '$', '/',
];

/// Query repair and search: the input (read as UTF-8, lossily) is what a person typed.
/// The repaired query holds no control character, markup or query syntax that search
/// does not offer, balances its quotes, keeps within the length limit, and is its own
/// repair (repairing it again changes nothing and says nothing).
/// The whole search then runs on a tiny index with the first byte choosing filters:
/// tantivy's query parser reads the repaired query without an error, the search
/// answers, and its results print (highlights inside their snippet).
/// Returns the outcome.
pub fn search_query(data: &[u8]) -> attest::search::SearchOutcome {
    use attest::search::query::{clean, MAX_QUERY_CHARS};

    let raw = String::from_utf8_lossy(data);
    let c = clean(&raw);
    assert!(
        c.text.chars().count() <= MAX_QUERY_CHARS,
        "longer than the limit: {:?}",
        c.text
    );
    assert!(
        !c.text
            .chars()
            .any(|ch| ch.is_control() || NEVER_LEFT.contains(&ch)),
        "{raw:?} left {:?}",
        c.text
    );
    assert_eq!(
        c.text.matches('"').count() % 2,
        0,
        "{raw:?} left {:?}",
        c.text
    );
    assert_eq!(c.text.trim(), c.text, "{raw:?} left {:?}", c.text);
    let again = clean(&c.text);
    assert_eq!(again.text, c.text, "repairing {raw:?} twice");
    assert_eq!(again.notes, Vec::<String>::new(), "repairing {:?}", c.text);

    let (index, settings) = search_index();
    let flags = data.first().copied().unwrap_or(0);
    let mut q = attest::search::Query::new(raw.as_ref());
    q.all_versions = flags & 1 != 0;
    q.limit = usize::from(flags >> 5) + 1;
    if flags & 2 != 0 {
        q.filters.party = Some("users".to_owned());
    }
    if flags & 4 != 0 {
        q.filters.kind = Some("tad".to_owned());
    }
    if flags & 8 != 0 {
        q.filters.modality = Some("shall".to_owned());
    }
    if flags & 16 != 0 {
        q.filters.phase = Some("PIT".to_owned());
    }
    let outcome = index
        .search(&q, settings)
        .expect("a search never fails on what was typed");
    assert_eq!(outcome.query, c.text);
    // The repaired query is read as written: the only note search adds is that there
    // is nothing to search for.
    let mut notes = c.notes.clone();
    if c.text.is_empty() {
        notes.push(format!(
            "there are no words to search for. {}",
            attest::search::query::SYNTAX
        ));
    }
    assert_eq!(outcome.notes, notes, "searching {raw:?} as {:?}", c.text);
    assert!(outcome.hits.len() <= q.limit && outcome.hits.len() <= outcome.total);
    for h in &outcome.hits {
        for &(a, b) in &h.highlights {
            assert!(
                a <= b
                    && b <= h.snippet.len()
                    && h.snippet.is_char_boundary(a)
                    && h.snippet.is_char_boundary(b),
                "highlight {a}..{b} outside {:?}",
                h.snippet
            );
        }
    }
    attest::search::render_human(&outcome, false);
    attest::search::render_human(&outcome, true);
    outcome
}
