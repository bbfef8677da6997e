//! The traceability graph of a programme: each requirement linked to the clause it
//! comes from (in the version in force) and to the scenarios and cases that cover it,
//! each test to its results over time, and the coverage figures an assurance body
//! judges a release by.
//!
//! The trace tables of every CTD and TCD of the programme are merged here, and the
//! checks that need more than one row are made: unknown or duplicate ids, clauses that
//! do not exist, requirements nothing covers, and "suspect" traces, reviewed before the
//! last change to the clause they rest on.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{
    ClauseNumber, Coverage, CoverageRow, Date, DocId, Outcome, Programme, ReqId, Requirement, Span,
    Test, TestId, TestLevel, TraceTables,
};

use super::history::{Change, DocHistory};
use super::{with_suggestions, DocLinks};

/// The merged trace of one programme.
#[derive(Debug, Default)]
pub struct TraceGraph {
    /// The documents (indices in the programme) whose tables make up the trace.
    pub sources: Vec<usize>,
    /// The files the trace was read from; every [`Span`] in it indexes this.
    pub files: Vec<crate::model::SourceFile>,
    /// Sorted by id.
    pub requirements: Vec<ReqNode>,
    /// Sorted by id.
    pub tests: Vec<TestNode>,
    pub req_index: HashMap<ReqId, usize>,
    pub test_index: HashMap<TestId, usize>,
    /// Every reporting date, earliest first.
    pub snapshots: Vec<Date>,
    /// The requirements that cite each clause: (document index, clause) to requirement
    /// indices.
    pub by_clause: HashMap<(usize, ClauseNumber), Vec<usize>>,
    pub figures: Figures,
    /// The programme's trace overview: `/fsm/trace/`.
    pub url: String,
    /// Some trace table could not be read, so an unknown id may be one of its rows.
    pub incomplete: bool,
}

impl TraceGraph {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && self.tests.is_empty()
    }
}

/// A requirement and what it is linked to.
#[derive(Debug)]
pub struct ReqNode {
    pub req: Requirement,
    pub url: String,
    /// The cited clause in the version in force, when it resolved.
    pub source: Option<SourceClause>,
    /// The tests that cover it, directly or through their scenario: scenarios, then
    /// cases, each sorted by id.
    pub tests: Vec<usize>,
    pub coverage: Option<CoverageRow>,
    pub status: TraceStatus,
    /// The worst latest result of its tests that have run.
    pub latest: Option<Outcome>,
    pub suspect: Option<Suspect>,
}

/// A requirement's source clause, resolved.
#[derive(Debug, Clone)]
pub struct SourceClause {
    /// Index of the document in its programme.
    pub di: usize,
    /// The version in force.
    pub vi: usize,
    /// The clause in that version's page.
    pub href: String,
    /// `FSM-TCD-R1 2.1`.
    pub label: String,
}

/// Why a trace is suspect: its source clause changed after it was reviewed.
#[derive(Debug, Clone)]
pub struct Suspect {
    /// The version that last changed the clause.
    pub version: String,
    /// When that version took effect.
    pub changed: Date,
    pub reviewed: Date,
}

/// What can be said of a requirement's coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceStatus {
    Full,
    Partial,
    /// Tests cover it but nobody has reviewed how fully.
    NotReviewed,
    Deferred,
    NotTestable,
    /// No test covers it, or its review found that its tests do not prove it, and it is
    /// not deferred or not testable.
    Uncovered,
}

impl TraceStatus {
    pub const ALL: [TraceStatus; 6] = [
        TraceStatus::Full,
        TraceStatus::Partial,
        TraceStatus::NotReviewed,
        TraceStatus::Deferred,
        TraceStatus::NotTestable,
        TraceStatus::Uncovered,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TraceStatus::Full => "Fully covered",
            TraceStatus::Partial => "Partly covered",
            TraceStatus::NotReviewed => "Not reviewed",
            TraceStatus::Deferred => "Deferred",
            TraceStatus::NotTestable => "Not testable",
            TraceStatus::Uncovered => "Uncovered",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            TraceStatus::Full => "full",
            TraceStatus::Partial => "partial",
            TraceStatus::NotReviewed => "not-reviewed",
            TraceStatus::Deferred => "deferred",
            TraceStatus::NotTestable => "not-testable",
            TraceStatus::Uncovered => "uncovered",
        }
    }

    fn of(coverage: Option<Coverage>, tested: bool) -> TraceStatus {
        match (coverage, tested) {
            (Some(Coverage::Deferred), _) => TraceStatus::Deferred,
            (Some(Coverage::NotTestable), _) => TraceStatus::NotTestable,
            // Reviewed as `none`: whatever tests there are do not prove it.
            (Some(Coverage::None), _) | (_, false) => TraceStatus::Uncovered,
            (Some(Coverage::Full), true) => TraceStatus::Full,
            (Some(Coverage::Partial), true) => TraceStatus::Partial,
            (None, true) => TraceStatus::NotReviewed,
        }
    }
}

/// A scenario or case and what it is linked to.
#[derive(Debug)]
pub struct TestNode {
    pub test: Test,
    pub url: String,
    /// The requirements it covers (its own, or its scenario's); sorted by id.
    pub reqs: Vec<usize>,
    /// For a case, its scenario.
    pub scenario: Option<usize>,
    /// For a scenario, its cases; sorted by id.
    pub cases: Vec<usize>,
    /// Its results, earliest first.
    pub results: Vec<RunResult>,
}

impl TestNode {
    pub fn latest(&self) -> Option<Outcome> {
        self.results.last().map(|r| r.outcome)
    }
}

/// One result of a test.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub date: Date,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Counts of requirements by what can be said of their coverage.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub requirements: usize,
    /// Covered by at least one scenario or case.
    pub traced: usize,
    pub full: usize,
    pub partial: usize,
    pub not_reviewed: usize,
    pub deferred: usize,
    pub not_testable: usize,
    pub uncovered: usize,
    pub suspect: usize,
}

impl Tally {
    fn add(&mut self, r: &ReqNode) {
        self.requirements += 1;
        self.traced += usize::from(!r.tests.is_empty());
        self.suspect += usize::from(r.suspect.is_some());
        *match r.status {
            TraceStatus::Full => &mut self.full,
            TraceStatus::Partial => &mut self.partial,
            TraceStatus::NotReviewed => &mut self.not_reviewed,
            TraceStatus::Deferred => &mut self.deferred,
            TraceStatus::NotTestable => &mut self.not_testable,
            TraceStatus::Uncovered => &mut self.uncovered,
        } += 1;
    }
}

/// Counts of a phase's tests and their latest results.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PhaseTally {
    pub phase: String,
    /// Requirements with at least one test in the phase.
    pub requirements: usize,
    pub scenarios: usize,
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub blocked: usize,
    pub not_run: usize,
}

/// The coverage figures of a programme's trace.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub total: Tally,
    /// By component id, in the programme's order (or by name when none are declared).
    pub by_component: Vec<(String, Tally)>,
    pub by_release: Vec<(String, Tally)>,
    pub by_phase: Vec<PhaseTally>,
    /// Coverage of the requirements that a test of each phase covers.
    pub coverage_by_phase: Vec<(String, Tally)>,
}

/// What link knows of the documents a trace cites.
pub struct DocView<'a> {
    pub programme: &'a Programme,
    pub links: &'a [DocLinks],
    pub index: &'a HashMap<DocId, (usize, usize)>,
    pub pi: usize,
    pub unreliable: &'a std::collections::HashSet<DocId>,
}

/// Builds the trace of programme `view.pi` from the tables taken out of its documents.
pub fn build(
    view: &DocView,
    tables: Vec<TraceTables>,
    base: &str,
    today: Date,
) -> (TraceGraph, Vec<Diagnostic>) {
    let prog = view.programme;
    let url = format!("{base}{}/trace/", prog.slug);
    let mut diags = Vec::new();
    let mut g = TraceGraph {
        url: url.clone(),
        ..TraceGraph::default()
    };
    // Each table set numbers its own files; renumber spans so one list serves all.
    let mut files = Vec::new();
    let mut reqs: Vec<Requirement> = Vec::new();
    let mut tests: Vec<Test> = Vec::new();
    let mut coverage: Vec<CoverageRow> = Vec::new();
    let mut snapshots: Vec<(Date, u32, Vec<crate::model::TestResult>)> = Vec::new();
    for t in tables {
        g.incomplete |= t.incomplete;
        let shift = files.len() as u32;
        files.extend(t.files);
        let moved = |s: Span| Span {
            file: s.file + shift,
            ..s
        };
        reqs.extend(t.requirements.into_iter().map(|mut r| {
            r.id.span = moved(r.id.span);
            r.source.span = moved(r.source.span);
            r.component.span = moved(r.component.span);
            r.release.span = moved(r.release.span);
            r
        }));
        tests.extend(t.tests.into_iter().map(|mut t| {
            t.id.span = moved(t.id.span);
            t.phase.span = moved(t.phase.span);
            if let Some(s) = &mut t.scenario {
                s.span = moved(s.span);
            }
            for c in &mut t.covers {
                c.span = moved(c.span);
            }
            t
        }));
        coverage.extend(t.coverage.into_iter().map(|mut c| {
            c.requirement.span = moved(c.requirement.span);
            c.reviewed.span = moved(c.reviewed.span);
            c
        }));
        for s in t.snapshots {
            let results = s
                .results
                .into_iter()
                .map(|mut r| {
                    r.test.span = moved(r.test.span);
                    r
                })
                .collect();
            snapshots.push((
                s.date,
                moved(Span {
                    file: s.file,
                    start: 0,
                    end: 0,
                })
                .file,
                results,
            ));
        }
    }
    let err = |span: Span, code, msg: String| {
        let f = &files[span.file as usize];
        Diagnostic::error_at(code, &f.path, &f.text, span.range(), msg)
    };
    let place = |span: Span| {
        let f = &files[span.file as usize];
        let (line, col) = crate::diagnostics::line_col(&f.text, span.start as usize);
        format!("{}:{line}:{col}", f.path)
    };

    // Ids: unique across requirements, tests and documents.
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut claim = |id: &str, span: Span, diags: &mut Vec<Diagnostic>| -> bool {
        if view.index.contains_key(&DocId(id.to_owned())) {
            diags.push(
                err(
                    span,
                    "duplicate-id",
                    format!("{id} is also the id of a document"),
                )
                .with_help("a requirement or test id must differ from every document id"),
            );
            return false;
        }
        match seen.get(id) {
            Some(&first) => {
                diags.push(
                    err(
                        span,
                        "duplicate-id",
                        format!("the id {id} is also used at {}", place(first)),
                    )
                    .with_help("every requirement and test needs its own id; change one of them"),
                );
                false
            }
            None => {
                seen.insert(id.to_owned(), span);
                true
            }
        }
    };
    reqs.retain(|r| claim(r.id.value.as_str(), r.id.span, &mut diags));
    tests.retain(|t| claim(t.id.value.as_str(), t.id.span, &mut diags));
    reqs.sort_by(|a, b| a.id.value.cmp(&b.id.value));
    tests.sort_by(|a, b| a.id.value.cmp(&b.id.value));

    g.req_index = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.value.clone(), i))
        .collect();
    g.test_index = tests
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.value.clone(), i))
        .collect();

    // Requirements: source clause, component, release.
    let component_ids: Vec<&str> = prog
        .config
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let release_ids: Vec<&str> = prog.config.releases.iter().map(|r| r.id.as_str()).collect();
    let phase_ids: Vec<&str> = prog.config.phases.iter().map(|p| p.id.as_str()).collect();
    let mut nodes: Vec<ReqNode> = Vec::with_capacity(reqs.len());
    for r in reqs {
        let source = resolve_source(view, &r, &err, &mut diags);
        if let Some(s) = &source {
            g.by_clause
                .entry((s.di, r.source.value.1.clone()))
                .or_default()
                .push(nodes.len());
        }
        if !component_ids.is_empty() && !component_ids.contains(&r.component.value.as_str()) {
            diags.push(with_suggestions(
                err(
                    r.component.span,
                    "unknown-component",
                    format!(
                        "the programme {} declares no component {}",
                        prog.config.id, r.component.value
                    ),
                ),
                &r.component.value,
                component_ids.clone(),
                "components",
            ));
        }
        if !release_ids.contains(&r.release.value.as_str()) {
            diags.push(with_suggestions(
                err(
                    r.release.span,
                    "unknown-release",
                    format!(
                        "the programme {} declares no release {}",
                        prog.config.id, r.release.value
                    ),
                ),
                &r.release.value,
                release_ids.clone(),
                "releases",
            ));
        }
        nodes.push(ReqNode {
            url: format!("{url}requirements/{}/", r.id.value),
            req: r,
            source,
            tests: Vec::new(),
            coverage: None,
            status: TraceStatus::Uncovered,
            latest: None,
            suspect: None,
        });
    }

    // Tests: phase, scenario, covers.
    let mut tnodes: Vec<TestNode> = Vec::with_capacity(tests.len());
    for t in &tests {
        if !phase_ids.contains(&t.phase.value.as_str()) {
            diags.push(with_suggestions(
                err(
                    t.phase.span,
                    "unknown-phase",
                    format!(
                        "the programme {} declares no phase {}",
                        prog.config.id, t.phase.value
                    ),
                ),
                &t.phase.value,
                phase_ids.clone(),
                "phases",
            ));
        }
        let scenario = t.scenario.as_ref().and_then(|s| {
            let found = g
                .test_index
                .get(&s.value)
                .copied()
                .filter(|&i| tests[i].level == TestLevel::Scenario);
            if found.is_none() && !g.incomplete {
                let ids: Vec<&str> = tests
                    .iter()
                    .filter(|t| t.level == TestLevel::Scenario)
                    .map(|t| t.id.value.as_str())
                    .collect();
                diags.push(with_suggestions(
                    err(
                        s.span,
                        "unknown-scenario",
                        format!("there is no scenario {}", s.value),
                    ),
                    s.value.as_str(),
                    ids,
                    "scenarios",
                ));
            }
            found
        });
        let mut covered = Vec::new();
        for c in &t.covers {
            match g.req_index.get(&c.value) {
                Some(&i) => covered.push(i),
                None if g.incomplete => {}
                None => diags.push(with_suggestions(
                    err(
                        c.span,
                        "unknown-requirement",
                        format!(
                            "{} covers {}, which is not a requirement",
                            t.id.value, c.value
                        ),
                    ),
                    c.value.as_str(),
                    keys(&g.req_index),
                    "requirements",
                )),
            }
        }
        tnodes.push(TestNode {
            url: format!("{url}tests/{}/", t.id.value),
            test: t.clone(),
            reqs: covered,
            scenario,
            cases: Vec::new(),
            results: Vec::new(),
        });
    }
    drop(tests);
    // A case that names no requirement covers its scenario's.
    for i in 0..tnodes.len() {
        if let Some(s) = tnodes[i].scenario {
            tnodes[s].cases.push(i);
            if tnodes[i].test.covers.is_empty() {
                tnodes[i].reqs = tnodes[s].reqs.clone();
            }
        }
    }
    for (ti, t) in tnodes.iter_mut().enumerate() {
        t.reqs.sort_unstable();
        t.reqs.dedup();
        for &r in &t.reqs {
            nodes[r].tests.push(ti);
        }
    }

    // Coverage rows.
    for row in coverage {
        match g.req_index.get(&row.requirement.value) {
            Some(&i) => {
                if let Some(first) = &nodes[i].coverage {
                    diags.push(
                        err(
                            row.requirement.span,
                            "duplicate-coverage",
                            format!(
                                "{} already has a coverage row at {}",
                                row.requirement.value,
                                place(first.requirement.span)
                            ),
                        )
                        .with_help("keep one coverage row a requirement: the latest review"),
                    );
                } else {
                    nodes[i].coverage = Some(row);
                }
            }
            None if g.incomplete => {}
            None => diags.push(with_suggestions(
                err(
                    row.requirement.span,
                    "unknown-requirement",
                    format!(
                        "there is no requirement {} to have coverage",
                        row.requirement.value
                    ),
                ),
                row.requirement.value.as_str(),
                keys(&g.req_index),
                "requirements",
            )),
        }
    }

    // Results.
    snapshots.sort_by_key(|(d, _, _)| *d);
    let mut unknown_tests = Vec::new();
    // Results from after the build date are not counted: the site shows the trace as
    // it stood on that date.
    snapshots.retain(|(date, file, _)| {
        if *date <= today {
            return true;
        }
        diags.push(
            Diagnostic::file_error(
                "future-results",
                &files[*file as usize].path,
                format!("these results are dated {date}, after the build date {today}"),
            )
            .with_help("a snapshot is named by the date it reports on; check the file name, or pass --date"),
        );
        false
    });
    for (date, _, results) in &snapshots {
        for r in results {
            match g.test_index.get(&r.test.value) {
                Some(&i) => {
                    let t = &mut tnodes[i];
                    if t.results.last().is_some_and(|x| x.date == *date) {
                        diags.push(
                            err(
                                r.test.span,
                                "duplicate-result",
                                format!("{} has two results on {date}", r.test.value),
                            )
                            .with_help("keep one result a test in each snapshot"),
                        );
                        continue;
                    }
                    t.results.push(RunResult {
                        date: *date,
                        outcome: r.outcome,
                        note: r.note.clone(),
                    });
                }
                None => unknown_tests.push(r),
            }
        }
    }
    for r in unknown_tests.into_iter().filter(|_| !g.incomplete) {
        diags.push(with_suggestions(
            err(
                r.test.span,
                "unknown-test",
                format!(
                    "there is a result for {}, which is not a scenario or case",
                    r.test.value
                ),
            ),
            r.test.value.as_str(),
            keys(&g.test_index),
            "tests",
        ));
    }
    g.snapshots = snapshots.iter().map(|(d, _, _)| *d).collect();
    g.snapshots.dedup();

    // What can be said of each requirement.
    for n in &mut nodes {
        // Scenarios first: a reader goes from what is tested to how.
        let key = |t: usize| {
            (
                tnodes[t].test.level == TestLevel::Case,
                &tnodes[t].test.id.value,
            )
        };
        n.tests.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
        n.tests.dedup();
        let coverage = n.coverage.as_ref().map(|c| c.coverage);
        n.status = TraceStatus::of(coverage, !n.tests.is_empty());
        n.latest = worst(n.tests.iter().filter_map(|&t| tnodes[t].latest()));
        if let (Some(row), Some(src)) = (&n.coverage, &n.source) {
            n.suspect = suspect(view, src, &n.req.source.value.1, row.reviewed.value);
        }
        let id = &n.req.id;
        if n.status == TraceStatus::Uncovered {
            let message = if n.tests.is_empty() {
                format!("no scenario or case covers {}", id.value)
            } else {
                format!(
                    "the trace of {} is reviewed as `none`: its tests do not prove it",
                    id.value
                )
            };
            diags.push(
                err(id.span, "uncovered-requirement", message)
                    .with_help("add it to the `covers` of a test, or give it a coverage row of `deferred` or `not-testable` with a rationale")
                    .warning(),
            );
        }
        if let (Some(s), Some(row)) = (&n.suspect, &n.coverage) {
            diags.push(
                err(
                    row.reviewed.span,
                    "suspect-trace",
                    format!(
                        "the trace of {} was reviewed on {}, before {} changed in version {} (in force from {})",
                        id.value, s.reviewed, src_label(&n.req), s.version, s.changed
                    ),
                )
                .with_help("review the trace against the clause as it now stands, then set `reviewed` to the date of that review")
                .warning(),
            );
        }
    }

    g.figures = figures(prog, &nodes, &tnodes);
    g.requirements = nodes;
    g.tests = tnodes;
    g.files = files;
    (g, diags)
}

/// The ids of an index, as candidates for a suggestion.
fn keys<K: AsRef<str>>(index: &HashMap<K, usize>) -> Vec<&str> {
    index.keys().map(AsRef::as_ref).collect()
}

/// `FSM-TCD-R1 2.1`.
fn src_label(r: &Requirement) -> String {
    format!("{} {}", r.source.value.0, r.source.value.1)
}

/// The worst of some results: one failure fails a requirement.
pub fn worst(outcomes: impl Iterator<Item = Outcome>) -> Option<Outcome> {
    outcomes.max_by_key(|o| match o {
        Outcome::Passed => 0,
        Outcome::NotRun => 1,
        Outcome::Blocked => 2,
        Outcome::Failed => 3,
    })
}

fn resolve_source(
    view: &DocView,
    r: &Requirement,
    err: &dyn Fn(Span, &'static str, String) -> Diagnostic,
    diags: &mut Vec<Diagnostic>,
) -> Option<SourceClause> {
    let (doc_id, number) = &r.source.value;
    if view.unreliable.contains(doc_id) {
        return None;
    }
    let Some(&(pi, di)) = view.index.get(doc_id) else {
        let ids: Vec<&str> = view.index.keys().map(DocId::as_str).collect();
        diags.push(with_suggestions(
            err(
                r.source.span,
                "unknown-clause",
                format!(
                    "{} comes from {doc_id} {number}, but there is no document {doc_id}",
                    r.id.value
                ),
            ),
            doc_id.as_str(),
            ids,
            "documents",
        ));
        return None;
    };
    if pi != view.pi {
        diags.push(
            err(
                r.source.span,
                "unknown-clause",
                format!("{doc_id} belongs to another programme than {}", r.id.value),
            )
            .with_help("a requirement comes from a document of its own programme"),
        );
        return None;
    }
    let doc = &view.programme.documents[di];
    let links = &view.links[di];
    let vi = links.current;
    let version = doc.versions.get(vi)?;
    if version.body.clauses.iter().any(|c| &c.number == number) {
        return Some(SourceClause {
            di,
            vi,
            href: format!("{}#{}", links.versions[vi].url, number.anchor()),
            label: format!("{doc_id} {number}"),
        });
    }
    let candidates: Vec<String> = version
        .body
        .clauses
        .iter()
        .map(|c| format!("{doc_id} {}", c.number))
        .collect();
    diags.push(with_suggestions(
        err(
            r.source.span,
            "unknown-clause",
            format!(
                "{} comes from {doc_id} {number}, but version {} of {doc_id} has no clause {number}",
                r.id.value, version.meta.version
            ),
        ),
        &format!("{doc_id} {number}"),
        candidates.iter().map(String::as_str).collect(),
        "clauses",
    ));
    None
}

/// The last change to a clause up to the version in force, when it came after the review.
fn suspect(
    view: &DocView,
    src: &SourceClause,
    number: &ClauseNumber,
    reviewed: Date,
) -> Option<Suspect> {
    let doc = &view.programme.documents[src.di];
    let history: &DocHistory = &view.links[src.di].history;
    let last = history
        .clauses
        .get(number)?
        .iter()
        .rev()
        .filter(|e| e.version <= src.vi)
        .find(|e| !matches!(e.change, Change::Unchanged | Change::Renumbered))?;
    let v = &doc.versions[last.version];
    let changed = v.meta.effective();
    (reviewed < changed).then(|| Suspect {
        version: v.meta.version.to_string(),
        changed,
        reviewed,
    })
}

fn figures(prog: &Programme, reqs: &[ReqNode], tests: &[TestNode]) -> Figures {
    let mut f = Figures::default();
    let mut by_component: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_release: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in reqs {
        f.total.add(r);
        by_component
            .entry(&r.req.component.value)
            .or_default()
            .add(r);
        by_release.entry(&r.req.release.value).or_default().add(r);
    }
    // Declared order first, so the table reads as the programme is described.
    let ordered = |declared: Vec<&str>, mut tallies: BTreeMap<&str, Tally>| {
        let mut out: Vec<(String, Tally)> = declared
            .into_iter()
            .filter_map(|id| tallies.remove(id).map(|t| (id.to_owned(), t)))
            .collect();
        out.extend(tallies.into_iter().map(|(k, t)| (k.to_owned(), t)));
        out
    };
    f.by_component = ordered(
        prog.config
            .components
            .iter()
            .map(|c| c.id.as_str())
            .collect(),
        by_component,
    );
    f.by_release = ordered(
        prog.config.releases.iter().map(|r| r.id.as_str()).collect(),
        by_release,
    );
    for phase in &prog.config.phases {
        let mut t = PhaseTally {
            phase: phase.id.clone(),
            ..PhaseTally::default()
        };
        let mut reqs_in_phase = vec![false; reqs.len()];
        for test in tests.iter().filter(|x| x.test.phase.value == phase.id) {
            match test.test.level {
                TestLevel::Scenario => t.scenarios += 1,
                TestLevel::Case => t.cases += 1,
            }
            // A scenario proved through its cases has no result of its own; it is not
            // a test waiting to run.
            match test.latest() {
                Some(Outcome::Passed) => t.passed += 1,
                Some(Outcome::Failed) => t.failed += 1,
                Some(Outcome::Blocked) => t.blocked += 1,
                Some(Outcome::NotRun) => t.not_run += 1,
                None if test.test.level == TestLevel::Case || test.cases.is_empty() => {
                    t.not_run += 1
                }
                None => {}
            }
            for &r in &test.reqs {
                reqs_in_phase[r] = true;
            }
        }
        t.requirements = reqs_in_phase.iter().filter(|&&b| b).count();
        let mut tally = Tally::default();
        for (r, _) in reqs.iter().zip(&reqs_in_phase).filter(|(_, &b)| b) {
            tally.add(r);
        }
        f.by_phase.push(t);
        f.coverage_by_phase.push((phase.id.clone(), tally));
    }
    f
}
