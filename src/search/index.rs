//! The tantivy index under `search-index/index/`: written with every build, read by
//! `attest search`.
//!
//! Text fields (title, body, and the document's id and title) are split into words,
//! lower-cased and stemmed as English, so "approves" finds "approve". Facets (party,
//! kind, document, phase, modality, current) are stored as exact, lower-cased terms so
//! that a filter is one term lookup. A query is the words typed (see `query::clean`),
//! plus the synonyms of any abbreviation in them, plus a lift for clauses whose
//! obligations bind a party the query names; filters must all hold.
//!
//! Beside the index, `attest-index.json` records what it was built from (a fingerprint
//! of `content/` and the settings, and the parties' names), so that a search can say the
//! index is stale, and find parties named in a query without reading `site.toml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TQuery, QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, TantivyDocument, Term};

use super::query::{asks_for_obligations, clean, Query, SYNTAX};
use super::settings::Settings;
use super::{Record, SearchError};
use crate::model::Party;

/// The name of the tokenizer of the text fields.
const ANALYZER: &str = "attest_en";
/// The manifest beside the index.
const MANIFEST: &str = "attest-index.json";
/// Bumped when the schema changes, so an old index is reported stale.
const FORMAT: u32 = 4;

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
struct Fields {
    title: Field,
    body: Field,
    page_body: Field,
    doc_text: Field,
    document: Field,
    document_key: Field,
    document_title: Field,
    kind: Field,
    version: Field,
    first_version: Field,
    clause: Field,
    heading: Field,
    party: Field,
    modality: Field,
    phase: Field,
    url: Field,
    current: Field,
    in_force: Field,
    obligation: Field,
    status: Field,
    /// What a record belongs to, for replacing it: its document's id, or [`SITE_KEY`].
    key: Field,
}

/// The key of the records that belong to no document (programmes, pages, register).
pub const SITE_KEY: &str = "~site";

/// The key of a record: see [`Fields::key`].
pub fn record_key(r: &Record) -> &str {
    if r.document.is_empty() {
        SITE_KEY
    } else {
        &r.document
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        title: b.add_text_field("title", text.clone() | STORED),
        body: b.add_text_field("body", text.clone() | STORED),
        page_body: b.add_text_field("page_body", text.clone() | STORED),
        doc_text: b.add_text_field("doc_text", text),
        document: b.add_text_field("document", STORED),
        document_key: b.add_text_field("document_key", STRING),
        document_title: b.add_text_field("document_title", STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        version: b.add_text_field("version", STORED),
        first_version: b.add_text_field("first_version", STORED),
        clause: b.add_text_field("clause", STORED),
        heading: b.add_text_field("heading", STORED),
        party: b.add_text_field("party", STRING | STORED),
        modality: b.add_text_field("modality", STRING | STORED),
        phase: b.add_text_field("phase", STRING | STORED),
        url: b.add_text_field("url", STORED),
        current: b.add_text_field("current", STRING | STORED),
        in_force: b.add_text_field("in_force", STRING | STORED),
        obligation: b.add_text_field("obligation", STRING),
        status: b.add_text_field("status", STORED),
        key: b.add_text_field("key", STRING),
    };
    (b.build(), f)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(super::query::LONGEST_WORD))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// What the index was built from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    /// See [`fingerprint`].
    pub fingerprint: String,
    pub records: usize,
    /// The parties of `site.toml`, to recognise them in queries.
    pub parties: Vec<PartyNames>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartyNames {
    pub id: String,
    pub names: Vec<String>,
}

/// A cheap fingerprint of what an index depends on: the number, total size and latest
/// modification time of the files under `content/`, and the search settings. A search
/// compares it with the index's to tell whether the index is stale, without reading
/// the sources.
pub fn fingerprint(root: &Path) -> String {
    let (mut files, mut bytes, mut newest) = (0u64, 0u64, 0u128);
    let settings = root.join(super::settings::SETTINGS_FILE);
    let entries = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .chain(settings.exists().then_some(settings));
    for path in entries {
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        files += 1;
        bytes += meta.len();
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        newest = newest.max(modified);
    }
    format!("{files}:{bytes}:{newest}")
}

/// Writes the index of `records` to `dir`, replacing what was there only once the new
/// index is complete.
pub fn build(
    records: &[Record],
    parties: &[Party],
    fingerprint: String,
    dir: &Path,
) -> Result<(), SearchError> {
    let write_err = |why: String| SearchError::Write {
        path: dir.display().to_string(),
        why,
    };
    // Unique names: two builds of one project may run at once (a test suite does).
    let tmp = sibling(
        dir,
        &format!("building-{}-{}", std::process::id(), unique()),
    );
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| write_err(e.to_string()))?;
    }
    fs::create_dir_all(&tmp).map_err(|e| write_err(e.to_string()))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(&tmp, schema).map_err(|e| write_err(e.to_string()))?;
    index.tokenizers().register(ANALYZER, analyzer());
    add_records(&index, f, records).map_err(write_err)?;
    let manifest = manifest(records, parties, fingerprint);
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| write_err(e.to_string()))?;
    fs::write(tmp.join(MANIFEST), json).map_err(|e| write_err(e.to_string()))?;
    let old = sibling(dir, &format!("old-{}-{}", std::process::id(), unique()));
    if dir.exists() {
        fs::rename(dir, &old).map_err(|e| write_err(e.to_string()))?;
    }
    let swapped = fs::rename(&tmp, dir);
    let _ = fs::remove_dir_all(&old);
    match swapped {
        Ok(()) => Ok(()),
        // Another build put its index in place first; it is as new as this one.
        Err(_) if dir.join(MANIFEST).exists() => {
            let _ = fs::remove_dir_all(&tmp);
            Ok(())
        }
        Err(e) => Err(write_err(e.to_string())),
    }
}

/// Writes `records` into `index` and commits them.
fn add_records(index: &Index, f: Fields, records: &[Record]) -> Result<(), String> {
    // One core is left to Pagefind, which `attest build` runs at the same time.
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() - 1).clamp(1, 4));
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 50_000_000 * threads)
        .map_err(|e| e.to_string())?;
    for r in records {
        writer
            .add_document(document(&f, r))
            .map_err(|e| e.to_string())?;
    }
    writer.commit().map_err(|e| e.to_string())?;
    writer.wait_merging_threads().map_err(|e| e.to_string())
}

/// The manifest of an index of `records`.
fn manifest(records: &[Record], parties: &[Party], fingerprint: String) -> Manifest {
    Manifest {
        format: FORMAT,
        fingerprint,
        records: records.len(),
        parties: party_names(parties),
    }
}

fn party_names(parties: &[Party]) -> Vec<PartyNames> {
    parties
        .iter()
        .map(|p| PartyNames {
            id: p.id.clone(),
            names: std::iter::once(p.name.clone())
                .chain(p.aliases.iter().cloned())
                .collect(),
        })
        .collect()
}

/// A record as the index holds it.
fn document(f: &Fields, r: &Record) -> TantivyDocument {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    // A page that is not a clause is searched with a lower weight.
    let body = if r.clause.is_empty() {
        f.page_body
    } else {
        f.body
    };
    let mut d = doc!(
        f.title => r.title.as_str(),
        body => r.body.as_str(),
        f.doc_text => format!("{} {}", r.document, r.document_title),
        f.document => r.document.as_str(),
        f.document_key => r.document.to_lowercase(),
        f.document_title => r.document_title.as_str(),
        f.kind => r.kind.as_str(),
        f.version => r.version.as_str(),
        f.first_version => r.first_version.as_str(),
        f.clause => r.clause.as_str(),
        f.heading => r.heading.as_str(),
        f.url => r.url.as_str(),
        f.current => yes_no(r.current),
        f.in_force => yes_no(r.in_force),
        f.obligation => yes_no(!r.modality.is_empty()),
        f.status => r.status.as_str(),
    );
    for p in &r.party {
        d.add_text(f.party, p.to_lowercase());
    }
    for m in &r.modality {
        d.add_text(f.modality, m);
    }
    for p in &r.phase {
        d.add_text(f.phase, p.to_lowercase());
    }
    d.add_text(f.key, record_key(r));
    d
}

/// An index in memory that is kept up to date record by record: the preview's, which
/// replaces the records of the documents an edit touched rather than building again.
pub struct LiveIndex {
    search: SearchIndex,
    writer: tantivy::IndexWriter<TantivyDocument>,
}

impl LiveIndex {
    /// An index of `records`, held in memory.
    pub fn new(records: &[Record], parties: &[Party]) -> Result<LiveIndex, SearchError> {
        let failed = |e: tantivy::TantivyError| SearchError::Write {
            path: "(memory)".into(),
            why: e.to_string(),
        };
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYZER, analyzer());
        // One thread: the preview's rebuilds use the other cores.
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 30_000_000)
            .map_err(failed)?;
        for r in records {
            writer.add_document(document(&fields, r)).map_err(failed)?;
        }
        writer.commit().map_err(failed)?;
        let reader = index.reader().map_err(failed)?;
        reader.reload().map_err(failed)?;
        let manifest = Manifest {
            format: FORMAT,
            fingerprint: String::new(),
            records: records.len(),
            parties: party_names(parties),
        };
        Ok(LiveIndex {
            search: SearchIndex {
                index,
                reader,
                fields,
                manifest,
            },
            writer,
        })
    }

    /// Replaces every record whose key (see [`record_key`]) is one of `keys` with
    /// `records`, which must all have one of those keys; the next search sees them.
    pub fn replace(&mut self, keys: &[String], records: &[Record]) -> Result<(), SearchError> {
        let failed = |e: tantivy::TantivyError| SearchError::Write {
            path: "(memory)".into(),
            why: e.to_string(),
        };
        let f = self.search.fields;
        for k in keys {
            self.writer.delete_term(Term::from_field_text(f.key, k));
        }
        for r in records {
            self.writer.add_document(document(&f, r)).map_err(failed)?;
        }
        self.writer.commit().map_err(failed)?;
        self.search.reader.reload().map_err(failed)?;
        Ok(())
    }

    /// The index, to search.
    pub fn index(&self) -> &SearchIndex {
        &self.search
    }
}

/// A number not used before by this process.
fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or("index".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{suffix}"))
}

/// An open index, ready to answer queries.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    pub manifest: Manifest,
}

/// One result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub score: f32,
    pub title: String,
    pub document: String,
    pub document_title: String,
    pub kind: String,
    pub version: String,
    /// The first of the run of versions the hit stands for (see
    /// [`Record::first_version`]), or "".
    pub first_version: String,
    pub clause: String,
    pub heading: String,
    pub url: String,
    pub party: Vec<String>,
    pub modality: Vec<String>,
    pub current: bool,
    pub in_force: bool,
    pub status: String,
    /// A passage of the text around the words found.
    pub snippet: String,
    /// Byte ranges of `snippet` that are the words found.
    pub highlights: Vec<(usize, usize)>,
}

/// The answer to a query.
#[derive(Debug, Clone, Serialize)]
pub struct SearchOutcome {
    /// The query as searched, after repair.
    pub query: String,
    /// How many records match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// What was repaired in the query, and anything else worth knowing.
    pub notes: Vec<String>,
}

impl SearchIndex {
    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let shown = dir.display().to_string();
        let manifest_path = dir.join(MANIFEST);
        if !manifest_path.exists() {
            return Err(SearchError::Missing(shown));
        }
        let unreadable = |why: String| SearchError::Unreadable {
            path: shown.clone(),
            why,
        };
        let manifest: Manifest = fs::read_to_string(&manifest_path)
            .map_err(|e| unreadable(e.to_string()))
            .and_then(|t| serde_json::from_str(&t).map_err(|e| unreadable(e.to_string())))?;
        if manifest.format != FORMAT {
            return Err(unreadable(format!(
                "it was built by another version of attest (format {}, not {FORMAT})",
                manifest.format
            )));
        }
        let index = Index::open_in_dir(dir).map_err(|e| unreadable(e.to_string()))?;
        index.tokenizers().register(ANALYZER, analyzer());
        let (_, fields) = schema();
        let reader = index.reader().map_err(|e| unreadable(e.to_string()))?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            manifest,
        })
    }

    /// An index of `records` held in memory and never written, with the schema, words
    /// and queries of one [`build`] writes: for tests and fuzzing, where a folder would
    /// only be in the way. Its fingerprint is empty, so it is stale for any project.
    pub fn in_memory(records: &[Record], parties: &[Party]) -> Result<SearchIndex, SearchError> {
        let write_err = |why: String| SearchError::Write {
            path: "(memory)".to_owned(),
            why,
        };
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYZER, analyzer());
        add_records(&index, fields, records).map_err(write_err)?;
        let reader = index.reader().map_err(|e| write_err(e.to_string()))?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            manifest: manifest(records, parties, String::new()),
        })
    }

    /// Whether the sources under `root` changed since the index was built.
    pub fn is_stale(&self, root: &Path) -> bool {
        self.manifest.fingerprint != fingerprint(root)
    }

    /// Answers a query. Never fails on what was typed: a query that cannot be read as
    /// written is repaired, and the outcome's notes say how.
    pub fn search(&self, q: &Query, settings: &Settings) -> Result<SearchOutcome, SearchError> {
        let f = self.fields;
        let cleaned = clean(&q.text);
        let mut notes = cleaned.notes.clone();
        let mut outcome = SearchOutcome {
            query: cleaned.text.clone(),
            total: 0,
            hits: Vec::new(),
            notes: Vec::new(),
        };
        if cleaned.text.trim().is_empty() {
            notes.push(format!("there are no words to search for. {SYNTAX}"));
            outcome.notes = notes;
            return Ok(outcome);
        }
        let b = &settings.boosts;
        let mut parser =
            QueryParser::for_index(&self.index, vec![f.title, f.body, f.page_body, f.doc_text]);
        parser.set_field_boost(f.title, b.title);
        parser.set_field_boost(f.body, b.body);
        parser.set_field_boost(f.page_body, b.page);
        parser.set_field_boost(f.doc_text, b.document);
        let (main, errors) = parser.parse_query_lenient(&cleaned.text);
        let main = super::exclusion::listed_exclusions(main);
        if !errors.is_empty() {
            notes.push(format!(
                "part of the query could not be read as written. {SYNTAX}"
            ));
        }
        let mut words: Vec<(Occur, Box<dyn TQuery>)> = vec![(Occur::Should, main)];
        for t in settings.expansions(&cleaned.text) {
            let (q, _) = parser.parse_query_lenient(&format!("\"{t}\""));
            words.push((Occur::Should, Box::new(BoostQuery::new(q, b.synonym))));
        }
        let mut clauses: Vec<(Occur, Box<dyn TQuery>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(words)))];
        for id in self.parties_named(&cleaned.text) {
            let t = TermQuery::new(
                Term::from_field_text(f.party, &id),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(t), b.party)),
            ));
        }
        if asks_for_obligations(&cleaned.text) {
            let t = TermQuery::new(
                Term::from_field_text(f.obligation, "yes"),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(t), b.obligation)),
            ));
        }
        let mut must = |field: Field, value: &str| {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )),
            ));
        };
        let fl = &q.filters;
        if let Some(p) = &fl.party {
            must(f.party, &p.to_lowercase());
        }
        if let Some(k) = &fl.kind {
            must(f.kind, &k.to_lowercase());
        }
        if let Some(d) = &fl.document {
            must(f.document_key, &d.to_lowercase());
        }
        if let Some(p) = &fl.phase {
            must(f.phase, &p.to_lowercase());
        }
        if let Some(m) = &fl.modality {
            must(f.modality, &m.to_lowercase());
        }
        if !q.all_versions {
            must(f.current, "yes");
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let read_err = |e: tantivy::TantivyError| SearchError::Unreadable {
            path: MANIFEST.to_owned(),
            why: e.to_string(),
        };
        let (top, total) = searcher
            .search(
                &query,
                &(TopDocs::with_limit(q.limit.max(1)).order_by_score(), Count),
            )
            .map_err(read_err)?;
        let mut snippets = SnippetGenerator::create(&searcher, &query, f.body).map_err(read_err)?;
        snippets.set_max_num_chars(200);
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address).map_err(read_err)?;
            let text = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            };
            let all = |field: Field| {
                d.get_all(field)
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            };
            let snippet = snippets.snippet_from_doc(&d);
            let (snippet_text, highlights) = if snippet.fragment().is_empty() {
                // No word of the query is in the clause (it matched the title or a
                // synonym), or it is a page: show the start of the text.
                let body = match text(f.body) {
                    b if b.is_empty() => text(f.page_body),
                    b => b,
                };
                let end = body.char_indices().nth(200).map_or(body.len(), |(i, _)| i);
                (body[..end].to_owned(), Vec::new())
            } else {
                (
                    snippet.fragment().to_owned(),
                    snippet
                        .highlighted()
                        .iter()
                        .map(|r| (r.start, r.end))
                        .collect(),
                )
            };
            outcome.hits.push(Hit {
                score,
                title: text(f.title),
                document: text(f.document),
                document_title: text(f.document_title),
                kind: text(f.kind),
                version: text(f.version),
                first_version: text(f.first_version),
                clause: text(f.clause),
                heading: text(f.heading),
                url: text(f.url),
                party: all(f.party),
                modality: all(f.modality),
                current: text(f.current) == "yes",
                in_force: text(f.in_force) == "yes",
                status: text(f.status),
                snippet: snippet_text,
                highlights,
            });
        }
        outcome.total = total;
        outcome.notes = notes;
        Ok(outcome)
    }

    /// The ids of the parties a query names, by any of their names (ignoring case).
    fn parties_named(&self, query: &str) -> Vec<String> {
        let padded = |s: &str| {
            let words: Vec<String> = s
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            format!(" {} ", words.join(" "))
        };
        let q = padded(query);
        self.manifest
            .parties
            .iter()
            .filter(|p| {
                p.names.iter().any(|n| {
                    let n = padded(n);
                    n.trim() != "" && (q.contains(&n) || q.contains(&format!("{}s ", n.trim_end())))
                })
            })
            .map(|p| p.id.to_lowercase())
            .collect()
    }
}

/// Why `attest search` could not answer: the index or the settings.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error(transparent)]
    Index(#[from] SearchError),
    #[error("{}", .0.short())]
    Settings(crate::diagnostics::Diagnostic),
}

/// Opens the index of the project at `root` and answers `query`, adding a note when the
/// index is stale.
pub fn search_project(root: &Path, query: &Query) -> Result<SearchOutcome, SearchFailure> {
    let settings = Settings::load(root).map_err(SearchFailure::Settings)?;
    let index = SearchIndex::open(&root.join(super::SEARCH_DIR).join(super::INDEX_DIR))?;
    let mut outcome = index.search(query, &settings)?;
    if index.is_stale(root) {
        outcome.notes.push(
            "the search index is older than the sources: run `attest build` to rebuild it"
                .to_owned(),
        );
    }
    Ok(outcome)
}
