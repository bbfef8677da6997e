//! The traceability pages of a programme and their exports: the overview with coverage
//! figures, the matrix (whole, and filtered by release, component, phase, gap or
//! suspect, a page of rows at a time), a page a requirement and a page a test, CSV and
//! JSON of every table, the "traced by" list under a clause, and what a version change
//! does to the trace.
//!
//! Everything here reads the [`TraceGraph`] that `link` built; nothing is worked out
//! again but what a page shows (shares, page slices, labels).

use serde::Serialize;

use super::paging::{self, Pagination, ROWS_PER_PAGE};
use crate::link::history::{Change, VersionDiff};
use crate::link::trace::{PhaseTally, ReqNode, Tally, TestNode, TraceGraph, TraceStatus};
use crate::link::SiteGraph;
use crate::model::{ClauseNumber, Outcome, Programme, TestLevel};

/// Test links shown in one matrix cell before "and N more".
const TESTS_PER_CELL: usize = 6;

/// Requirements listed under one clause, or for one change, before "and N more": a
/// clause that thousands of requirements cite must not make its page heavy.
pub const LISTED: usize = 25;

/// Rows of one table on a requirement or test page before "and N more": enough for any
/// real trace, and a bound on the page for a generated or mistaken one.
const PAGE_ROWS: usize = 200;

/// One filtered view of the matrix, with the requirements it shows.
#[derive(Debug)]
pub struct MatrixView {
    pub kind: ViewKind,
    /// The URL of its first page.
    pub url: String,
    pub rows: Vec<usize>,
}

/// Which requirements a view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewKind {
    All,
    Release(String),
    Component(String),
    Phase(String),
    Uncovered,
    Suspect,
}

impl MatrixView {
    pub fn pages(&self) -> usize {
        paging::page_count(self.rows.len())
    }

    pub fn page_url(&self, page: usize) -> String {
        paging::page_url(&self.url, page)
    }
}

/// Every view of a programme's matrix.
pub fn views(prog: &Programme, t: &TraceGraph) -> Vec<MatrixView> {
    let all: Vec<usize> = (0..t.requirements.len()).collect();
    let filter = |f: &dyn Fn(&ReqNode) -> bool| -> Vec<usize> {
        all.iter()
            .copied()
            .filter(|&i| f(&t.requirements[i]))
            .collect()
    };
    let mut out = vec![MatrixView {
        kind: ViewKind::All,
        url: format!("{}matrix/", t.url),
        rows: all.clone(),
    }];
    for (id, _) in &t.figures.by_release {
        out.push(MatrixView {
            kind: ViewKind::Release(id.clone()),
            url: format!("{}release/{}/", t.url, crate::model::slug(id)),
            rows: filter(&|r| &r.req.release.value == id),
        });
    }
    for (id, _) in &t.figures.by_component {
        out.push(MatrixView {
            kind: ViewKind::Component(id.clone()),
            url: format!("{}component/{}/", t.url, crate::model::slug(id)),
            rows: filter(&|r| &r.req.component.value == id),
        });
    }
    for phase in &prog.config.phases {
        let id = &phase.id;
        out.push(MatrixView {
            kind: ViewKind::Phase(id.clone()),
            url: format!("{}phase/{}/", t.url, crate::model::slug(id)),
            rows: filter(&|r| {
                r.tests
                    .iter()
                    .any(|&ti| &t.tests[ti].test.phase.value == id)
            }),
        });
    }
    out.push(MatrixView {
        kind: ViewKind::Uncovered,
        url: format!("{}uncovered/", t.url),
        rows: filter(&|r| r.status == TraceStatus::Uncovered),
    });
    out.push(MatrixView {
        kind: ViewKind::Suspect,
        url: format!("{}suspect/", t.url),
        rows: filter(&|r| r.suspect.is_some()),
    });
    out
}

/// A link with its text.
#[derive(Debug, Serialize)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// A labelled tag: the text and its colour class.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub label: &'static str,
    pub tag: &'static str,
}

fn status_tag(s: TraceStatus) -> Tag {
    Tag {
        label: s.label(),
        tag: match s {
            TraceStatus::Full => "green",
            TraceStatus::Partial => "yellow",
            TraceStatus::NotReviewed => "grey",
            TraceStatus::Deferred => "blue",
            TraceStatus::NotTestable => "purple",
            TraceStatus::Uncovered => "red",
        },
    }
}

fn outcome_tag(o: Option<Outcome>) -> Tag {
    match o {
        None => Tag {
            label: "No result",
            tag: "grey",
        },
        Some(o) => Tag {
            label: o.label(),
            tag: match o {
                Outcome::Passed => "green",
                Outcome::Failed => "red",
                Outcome::Blocked => "orange",
                Outcome::NotRun => "grey",
            },
        },
    }
}

/// The links every trace page offers.
#[derive(Debug, Serialize)]
pub struct TraceNav {
    pub overview: String,
    pub matrix: String,
    pub uncovered: Link,
    pub suspect: Link,
    pub exports: Vec<Export>,
}

#[derive(Debug, Serialize)]
pub struct Export {
    pub label: &'static str,
    pub csv: String,
    pub json: String,
}

/// The export files of a trace, by name, with what they hold.
const EXPORTS: [(&str, &str); 5] = [
    (
        "requirements",
        "Requirements, with their coverage and latest result",
    ),
    ("tests", "Test scenarios and cases, with what they cover"),
    ("coverage", "Coverage reviews"),
    ("results", "Every result of every snapshot"),
    (
        "figures",
        "Coverage figures by release, component and phase",
    ),
];

pub fn nav(t: &TraceGraph) -> TraceNav {
    TraceNav {
        overview: t.url.clone(),
        matrix: format!("{}matrix/", t.url),
        uncovered: Link {
            text: count(t.figures.total.uncovered, "uncovered requirement"),
            url: format!("{}uncovered/", t.url),
        },
        suspect: Link {
            text: count(t.figures.total.suspect, "suspect trace"),
            url: format!("{}suspect/", t.url),
        },
        exports: EXPORTS
            .iter()
            .map(|(name, label)| Export {
                label,
                csv: format!("{}{name}.csv", t.url),
                json: format!("{}{name}.json", t.url),
            })
            .collect(),
    }
}

fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// A share as a whole percentage, rounded down so 99.6% never reads as complete.
pub fn pct(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// A row of a coverage figures table.
#[derive(Debug, Serialize)]
pub struct TallyRow {
    pub label: String,
    pub url: Option<String>,
    pub requirements: usize,
    pub traced: usize,
    pub traced_pct: usize,
    pub full: usize,
    pub full_pct: usize,
    pub partial: usize,
    pub not_reviewed: usize,
    pub deferred: usize,
    pub not_testable: usize,
    pub uncovered: usize,
    pub suspect: usize,
}

fn tally_row(label: String, url: Option<String>, t: &Tally) -> TallyRow {
    TallyRow {
        label,
        url,
        requirements: t.requirements,
        traced: t.traced,
        traced_pct: pct(t.traced, t.requirements),
        full: t.full,
        full_pct: pct(t.full, t.requirements),
        partial: t.partial,
        not_reviewed: t.not_reviewed,
        deferred: t.deferred,
        not_testable: t.not_testable,
        uncovered: t.uncovered,
        suspect: t.suspect,
    }
}

/// A row of the figures-by-phase table.
#[derive(Debug, Serialize)]
pub struct PhaseRow {
    pub label: String,
    pub url: String,
    #[serde(flatten)]
    pub tally: PhaseTally,
}

/// `trace.html`: the overview.
#[derive(Debug, Serialize)]
pub struct TraceOverviewPage {
    pub programme: Link,
    pub nav: TraceNav,
    pub documents: Vec<Link>,
    pub total: TallyRow,
    pub by_release: Vec<TallyRow>,
    pub by_component: Vec<TallyRow>,
    pub by_phase: Vec<PhaseRow>,
    pub coverage_by_phase: Vec<TallyRow>,
    pub tests: usize,
    pub latest_snapshot: Option<String>,
    pub snapshots: usize,
    /// What pending and recent versions of the cited documents do to the trace.
    pub impacts: Vec<Impact>,
}

pub fn overview(graph: &SiteGraph, pi: usize, views: &[MatrixView]) -> TraceOverviewPage {
    let prog = &graph.site.programmes[pi];
    let t = &graph.traces[pi];
    let view_url = |kind: ViewKind| views.iter().find(|v| v.kind == kind).map(|v| v.url.clone());
    let component_name = |id: &str| {
        prog.config
            .components
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_owned(), |c| format!("{} ({id})", c.name))
    };
    let release_name = |id: &str| {
        prog.config
            .releases
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_owned(), |r| r.name.clone())
    };
    let phase_name = |id: &str| {
        prog.config
            .phases
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| format!("{} ({id})", p.name))
    };
    TraceOverviewPage {
        programme: Link {
            text: prog.config.name.clone(),
            url: format!("{}{}/", graph.base, prog.slug),
        },
        nav: nav(t),
        documents: t
            .sources
            .iter()
            .map(|&di| Link {
                text: prog.documents[di].config.title.clone(),
                url: graph.documents[pi][di].url.clone(),
            })
            .collect(),
        total: tally_row(
            "All requirements".into(),
            view_url(ViewKind::All),
            &t.figures.total,
        ),
        by_release: t
            .figures
            .by_release
            .iter()
            .map(|(id, tally)| {
                tally_row(
                    release_name(id),
                    view_url(ViewKind::Release(id.clone())),
                    tally,
                )
            })
            .collect(),
        by_component: t
            .figures
            .by_component
            .iter()
            .map(|(id, tally)| {
                tally_row(
                    component_name(id),
                    view_url(ViewKind::Component(id.clone())),
                    tally,
                )
            })
            .collect(),
        by_phase: t
            .figures
            .by_phase
            .iter()
            .map(|p| PhaseRow {
                label: phase_name(&p.phase),
                url: view_url(ViewKind::Phase(p.phase.clone())).unwrap_or_default(),
                tally: p.clone(),
            })
            .collect(),
        coverage_by_phase: t
            .figures
            .coverage_by_phase
            .iter()
            .map(|(id, tally)| {
                tally_row(phase_name(id), view_url(ViewKind::Phase(id.clone())), tally)
            })
            .collect(),
        tests: t.tests.len(),
        latest_snapshot: t.snapshots.last().map(|d| d.long()),
        snapshots: t.snapshots.len(),
        impacts: pending_impacts(graph, pi),
    }
}

/// A row of the matrix.
#[derive(Debug, Serialize)]
pub struct MatrixRow {
    pub id: String,
    pub url: String,
    pub title: String,
    pub source: Option<Link>,
    /// The source as written, when it did not resolve.
    pub source_text: String,
    pub component: String,
    pub release: String,
    pub phases: Vec<PhaseTests>,
    pub status: Tag,
    pub latest: Tag,
    pub suspect: bool,
}

/// A requirement's tests in one phase.
#[derive(Debug, Serialize)]
pub struct PhaseTests {
    pub phase: String,
    pub tests: Vec<Link>,
    pub more: usize,
}

fn matrix_row(t: &TraceGraph, r: &ReqNode, order: &[String]) -> MatrixRow {
    let mut phases: Vec<PhaseTests> = Vec::new();
    for &ti in &r.tests {
        let test = &t.tests[ti].test;
        let phase = &test.phase.value;
        let at = match phases.iter().position(|p| &p.phase == phase) {
            Some(i) => i,
            None => {
                phases.push(PhaseTests {
                    phase: phase.clone(),
                    tests: Vec::new(),
                    more: 0,
                });
                phases.len() - 1
            }
        };
        let cell = &mut phases[at];
        if cell.tests.len() < TESTS_PER_CELL {
            cell.tests.push(Link {
                text: test.id.value.to_string(),
                url: t.tests[ti].url.clone(),
            });
        } else {
            cell.more += 1;
        }
    }
    phases.sort_by_key(|p| order.iter().position(|o| *o == p.phase));
    MatrixRow {
        id: r.req.id.value.to_string(),
        url: r.url.clone(),
        title: r.req.title.clone(),
        source: r.source.as_ref().map(|s| Link {
            text: s.label.clone(),
            url: s.href.clone(),
        }),
        source_text: format!("{} {}", r.req.source.value.0, r.req.source.value.1),
        component: r.req.component.value.clone(),
        release: r.req.release.value.clone(),
        phases,
        status: status_tag(r.status),
        latest: outcome_tag(r.latest),
        suspect: r.suspect.is_some(),
    }
}

/// A group of view links (by release, by component ...).
#[derive(Debug, Serialize)]
pub struct ViewGroup {
    pub label: &'static str,
    pub views: Vec<ViewLink>,
}

#[derive(Debug, Serialize)]
pub struct ViewLink {
    pub text: String,
    pub url: String,
    pub current: bool,
    pub count: usize,
}

/// `matrix.html`: one page of one view.
#[derive(Debug, Serialize)]
pub struct MatrixPage {
    pub heading: String,
    pub description: String,
    pub nav: TraceNav,
    pub groups: Vec<ViewGroup>,
    pub rows: Vec<MatrixRow>,
    pub total: usize,
    pub first: usize,
    pub last: usize,
    pub pagination: Option<Pagination>,
    pub phases: Vec<String>,
}

/// The heading and description of a view.
pub fn view_title(prog: &Programme, kind: &ViewKind) -> (String, String) {
    let name = |list: Vec<(&str, &str)>, id: &str| {
        list.into_iter()
            .find(|(i, _)| *i == id)
            .map_or(id.to_owned(), |(_, n)| n.to_owned())
    };
    let c = &prog.config;
    match kind {
        ViewKind::All => (
            "Traceability matrix".into(),
            "Every requirement with the clause it comes from, the tests that cover it by phase, its coverage and its latest result.".into(),
        ),
        ViewKind::Release(id) => (
            format!("Traceability matrix: {}", name(c.releases.iter().map(|r| (r.id.as_str(), r.name.as_str())).collect(), id)),
            format!("The requirements of release {id}."),
        ),
        ViewKind::Component(id) => (
            format!("Traceability matrix: {}", name(c.components.iter().map(|r| (r.id.as_str(), r.name.as_str())).collect(), id)),
            format!("The requirements of the component {id}."),
        ),
        ViewKind::Phase(id) => (
            format!("Traceability matrix: {}", name(c.phases.iter().map(|r| (r.id.as_str(), r.name.as_str())).collect(), id)),
            format!("The requirements that at least one {id} scenario or case covers."),
        ),
        ViewKind::Uncovered => (
            "Uncovered requirements".into(),
            "Requirements that no scenario or case covers and that are neither deferred nor judged not testable. Each is a gap in the evidence.".into(),
        ),
        ViewKind::Suspect => (
            "Suspect traces".into(),
            "Requirements whose source clause changed after their trace was last reviewed. Each stays listed until a newer review date is recorded.".into(),
        ),
    }
}

pub fn matrix_page(
    graph: &SiteGraph,
    pi: usize,
    views: &[MatrixView],
    vi: usize,
    page: usize,
) -> MatrixPage {
    let prog = &graph.site.programmes[pi];
    let t = &graph.traces[pi];
    let view = &views[vi];
    let (heading, description) = view_title(prog, &view.kind);
    let start = page * ROWS_PER_PAGE;
    let slice = view.rows.iter().skip(start).take(ROWS_PER_PAGE);
    let order: Vec<String> = prog.config.phases.iter().map(|p| p.id.clone()).collect();
    let rows: Vec<MatrixRow> = slice
        .map(|&i| matrix_row(t, &t.requirements[i], &order))
        .collect();
    let pagination = paging::pagination(page, view.pages(), &|n| view.page_url(n));
    let group = |label: &'static str, pick: &dyn Fn(&ViewKind) -> Option<String>| ViewGroup {
        label,
        views: views
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                pick(&v.kind).map(|text| ViewLink {
                    text,
                    url: v.url.clone(),
                    current: i == vi,
                    count: v.rows.len(),
                })
            })
            .collect(),
    };
    let groups = vec![
        group("All", &|k| {
            (*k == ViewKind::All).then(|| "All requirements".to_owned())
        }),
        group("By release", &|k| match k {
            ViewKind::Release(id) => Some(id.clone()),
            _ => None,
        }),
        group("By component", &|k| match k {
            ViewKind::Component(id) => Some(id.clone()),
            _ => None,
        }),
        group("By phase", &|k| match k {
            ViewKind::Phase(id) => Some(id.clone()),
            _ => None,
        }),
        group("Gaps", &|k| match k {
            ViewKind::Uncovered => Some("Uncovered".to_owned()),
            ViewKind::Suspect => Some("Suspect".to_owned()),
            _ => None,
        }),
    ]
    .into_iter()
    .filter(|g| !g.views.is_empty())
    .collect();
    MatrixPage {
        heading,
        description,
        nav: nav(t),
        groups,
        total: view.rows.len(),
        first: if rows.is_empty() { 0 } else { start + 1 },
        last: start + rows.len(),
        rows,
        pagination,
        phases: prog.config.phases.iter().map(|p| p.id.clone()).collect(),
    }
}

/// A test in a table.
#[derive(Debug, Serialize)]
pub struct TestRow {
    pub id: String,
    pub url: String,
    pub level: &'static str,
    pub title: String,
    pub phase: String,
    pub latest: Tag,
}

fn test_row(t: &TestNode) -> TestRow {
    TestRow {
        id: t.test.id.value.to_string(),
        url: t.url.clone(),
        level: t.test.level.label(),
        title: t.test.title.clone(),
        phase: t.test.phase.value.clone(),
        latest: outcome_tag(t.latest()),
    }
}

/// Results over time: one column a reporting date, one row a test.
#[derive(Debug, Serialize)]
pub struct ResultsGrid {
    pub dates: Vec<DateCell>,
    pub rows: Vec<ResultsRow>,
}

#[derive(Debug, Serialize)]
pub struct DateCell {
    pub long: String,
    pub iso: String,
}

#[derive(Debug, Serialize)]
pub struct ResultsRow {
    pub id: String,
    pub url: String,
    pub cells: Vec<Option<Tag>>,
}

/// `requirement.html`.
#[derive(Debug, Serialize)]
pub struct RequirementPage {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub component: String,
    pub release: String,
    pub source: Option<SourceInfo>,
    pub source_text: String,
    pub status: Tag,
    pub coverage: Option<CoverageInfo>,
    pub suspect: Option<SuspectInfo>,
    pub latest: Tag,
    pub tests: Vec<TestRow>,
    /// Tests beyond the first [`PAGE_ROWS`], not listed.
    pub more_tests: usize,
    pub results: Option<ResultsGrid>,
    pub nav: TraceNav,
    pub json: String,
}

#[derive(Debug, Serialize)]
pub struct SourceInfo {
    pub label: String,
    pub url: String,
    pub version: String,
    pub document: String,
}

#[derive(Debug, Serialize)]
pub struct CoverageInfo {
    pub label: &'static str,
    pub reviewed: String,
    pub reviewed_iso: String,
    pub rationale: String,
    pub risk: Option<String>,
    pub mitigation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SuspectInfo {
    pub version: String,
    pub changed: String,
    pub reviewed: String,
}

pub fn requirement_page(graph: &SiteGraph, pi: usize, ri: usize) -> RequirementPage {
    let prog = &graph.site.programmes[pi];
    let t = &graph.traces[pi];
    let r = &t.requirements[ri];
    let component = prog
        .config
        .components
        .iter()
        .find(|c| c.id == r.req.component.value)
        .map_or_else(
            || r.req.component.value.clone(),
            |c| format!("{} ({})", c.name, c.id),
        );
    let tests: Vec<&TestNode> = r
        .tests
        .iter()
        .take(PAGE_ROWS)
        .map(|&i| &t.tests[i])
        .collect();
    RequirementPage {
        id: r.req.id.value.to_string(),
        title: r.req.title.clone(),
        description: r.req.description.clone(),
        component,
        release: r.req.release.value.clone(),
        source: r.source.as_ref().map(|s| {
            let doc = &prog.documents[s.di];
            SourceInfo {
                label: s.label.clone(),
                url: s.href.clone(),
                version: doc.versions[s.vi].meta.version.to_string(),
                document: doc.config.title.clone(),
            }
        }),
        source_text: format!("{} {}", r.req.source.value.0, r.req.source.value.1),
        status: status_tag(r.status),
        coverage: r.coverage.as_ref().map(|c| CoverageInfo {
            label: c.coverage.label(),
            reviewed: c.reviewed.value.long(),
            reviewed_iso: c.reviewed.value.iso(),
            rationale: c.rationale.clone(),
            risk: c.risk.clone(),
            mitigation: c.mitigation.clone(),
        }),
        suspect: r.suspect.as_ref().map(|s| SuspectInfo {
            version: s.version.clone(),
            changed: s.changed.long(),
            reviewed: s.reviewed.long(),
        }),
        latest: outcome_tag(r.latest),
        results: results_grid(t, &tests),
        tests: tests.iter().map(|n| test_row(n)).collect(),
        more_tests: r.tests.len().saturating_sub(PAGE_ROWS),
        nav: nav(t),
        json: format!("{}requirements.json", t.url),
    }
}

/// The results of some tests over the snapshots any of them appear in.
fn results_grid(t: &TraceGraph, tests: &[&TestNode]) -> Option<ResultsGrid> {
    let mut dates: Vec<crate::model::Date> = tests
        .iter()
        .flat_map(|n| n.results.iter().map(|r| r.date))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    if dates.is_empty() {
        return None;
    }
    let _ = t;
    Some(ResultsGrid {
        rows: tests
            .iter()
            .filter(|n| !n.results.is_empty())
            .map(|n| ResultsRow {
                id: n.test.id.value.to_string(),
                url: n.url.clone(),
                cells: dates
                    .iter()
                    .map(|d| {
                        n.results
                            .iter()
                            .find(|r| r.date == *d)
                            .map(|r| outcome_tag(Some(r.outcome)))
                    })
                    .collect(),
            })
            .collect(),
        dates: dates
            .iter()
            .map(|d| DateCell {
                long: d.long(),
                iso: d.iso(),
            })
            .collect(),
    })
}

/// `test.html`.
#[derive(Debug, Serialize)]
pub struct TestPage {
    pub id: String,
    pub level: &'static str,
    pub is_scenario: bool,
    pub title: String,
    pub description: Option<String>,
    pub phase: String,
    pub phase_name: String,
    pub scenario: Option<Link>,
    pub cases: Vec<TestRow>,
    pub more_cases: usize,
    /// Whether the case covers its scenario's requirements (it names none itself).
    pub inherits: bool,
    pub requirements: Vec<ReqRow>,
    pub more_requirements: usize,
    pub results: Vec<ResultItem>,
    pub latest: Tag,
    pub nav: TraceNav,
}

#[derive(Debug, Serialize)]
pub struct ReqRow {
    pub id: String,
    pub url: String,
    pub title: String,
    pub status: Tag,
}

#[derive(Debug, Serialize)]
pub struct ResultItem {
    pub date: String,
    pub date_iso: String,
    pub result: Tag,
    pub note: Option<String>,
}

pub fn test_page(graph: &SiteGraph, pi: usize, ti: usize) -> TestPage {
    let prog = &graph.site.programmes[pi];
    let t = &graph.traces[pi];
    let n = &t.tests[ti];
    let phase = &n.test.phase.value;
    TestPage {
        id: n.test.id.value.to_string(),
        level: n.test.level.label(),
        is_scenario: n.test.level == TestLevel::Scenario,
        title: n.test.title.clone(),
        description: n.test.description.clone(),
        phase: phase.clone(),
        phase_name: prog
            .config
            .phases
            .iter()
            .find(|p| &p.id == phase)
            .map_or_else(|| phase.clone(), |p| p.name.clone()),
        scenario: n.scenario.map(|s| Link {
            text: format!("{}: {}", t.tests[s].test.id.value, t.tests[s].test.title),
            url: t.tests[s].url.clone(),
        }),
        cases: n
            .cases
            .iter()
            .take(PAGE_ROWS)
            .map(|&c| test_row(&t.tests[c]))
            .collect(),
        more_cases: n.cases.len().saturating_sub(PAGE_ROWS),
        more_requirements: n.reqs.len().saturating_sub(PAGE_ROWS),
        inherits: n.scenario.is_some() && n.test.covers.is_empty(),
        requirements: n
            .reqs
            .iter()
            .take(PAGE_ROWS)
            .map(|&r| {
                let r = &t.requirements[r];
                ReqRow {
                    id: r.req.id.value.to_string(),
                    url: r.url.clone(),
                    title: r.req.title.clone(),
                    status: status_tag(r.status),
                }
            })
            .collect(),
        results: n
            .results
            .iter()
            .rev()
            .map(|r| ResultItem {
                date: r.date.long(),
                date_iso: r.date.iso(),
                result: outcome_tag(Some(r.outcome)),
                note: r.note.clone(),
            })
            .collect(),
        latest: outcome_tag(n.latest()),
        nav: nav(t),
    }
}

/// The list under a clause of the requirements that come from it, as HTML.
pub fn traced_by_html(t: &TraceGraph, di: usize, n: &ClauseNumber) -> Option<String> {
    let reqs = t.by_clause.get(&(di, n.clone()))?;
    let esc = super::escape_html;
    let mut html = format!(
        "<details class=\"traced-by\"><summary>Traced by {}<span class=\"visually-hidden\"> to clause {n}</span></summary><ul class=\"traced-by__list\">",
        count(reqs.len(), "requirement")
    );
    for &ri in reqs.iter().take(LISTED) {
        let r = &t.requirements[ri];
        let mut href = String::new();
        let _ = pulldown_cmark_escape::escape_href(&mut href, &r.url);
        html.push_str(&format!(
            "<li><a href=\"{href}\">{}</a> {}</li>",
            esc(r.req.id.value.as_str()),
            esc(&r.req.title)
        ));
    }
    html.push_str("</ul>");
    if reqs.len() > LISTED {
        let mut href = String::new();
        let _ =
            pulldown_cmark_escape::escape_href(&mut href, &format!("{}requirements.csv", t.url));
        html.push_str(&format!(
            "<p>And {} more, listed with their source clause in <a href=\"{href}\">the requirements table (CSV)</a>.</p>",
            reqs.len() - LISTED
        ));
    }
    html.push_str("</details>");
    Some(html)
}

/// What a version change does to the trace: the requirements whose source clause it
/// touches.
#[derive(Debug, Serialize)]
pub struct Impact {
    pub document: String,
    pub from: String,
    pub to: String,
    pub url: String,
    pub status_label: &'static str,
    pub status_tag: &'static str,
    /// When the version comes into force, for one designated or approved already.
    pub effective_from: Option<String>,
    /// The first of the requirements affected.
    pub rows: Vec<ImpactRow>,
    /// How many are affected in all.
    pub total: usize,
    /// How many would lose their source clause.
    pub orphaned: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImpactRow {
    pub id: String,
    pub url: String,
    pub title: String,
    pub clause: String,
    pub change: &'static str,
    pub removed: bool,
    pub status: Tag,
}

/// The requirements whose source clause a version change touches, matched by the
/// clause's number in either version.
pub fn impact_rows(graph: &SiteGraph, pi: usize, di: usize, diff: &VersionDiff) -> Vec<ImpactRow> {
    let t = &graph.traces[pi];
    if t.by_clause.is_empty() {
        return Vec::new();
    }
    let doc = &graph.site.programmes[pi].documents[di];
    // Requirements cite the numbers of the version in force: match each change by its
    // number in the side of the comparison nearer that version, so a clause moved from
    // 2.1 to 2.2 is not also taken for a new 2.1.
    let current = graph.documents[pi][di].current;
    let use_new = diff.to <= current;
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for d in diff.changed() {
        let number = if use_new {
            d.new.map(|i| &doc.versions[diff.to].body.clauses[i].number)
        } else {
            d.old
                .map(|i| &doc.versions[diff.from].body.clauses[i].number)
        };
        let Some(number) = number else { continue };
        for &ri in t.by_clause.get(&(di, number.clone())).into_iter().flatten() {
            if !seen.insert(ri) {
                continue;
            }
            let r = &t.requirements[ri];
            rows.push(ImpactRow {
                id: r.req.id.value.to_string(),
                url: r.url.clone(),
                title: r.req.title.clone(),
                clause: number.to_string(),
                change: d.change.label(),
                removed: d.change == Change::Removed,
                status: status_tag(r.status),
            });
        }
    }
    rows
}

/// For each cited document with a version after the one in force, what that version
/// would do to the trace.
fn pending_impacts(graph: &SiteGraph, pi: usize) -> Vec<Impact> {
    let t = &graph.traces[pi];
    let mut cited: Vec<usize> = t.by_clause.keys().map(|(di, _)| *di).collect();
    cited.sort_unstable();
    cited.dedup();
    let mut out = Vec::new();
    for di in cited {
        let links = &graph.documents[pi][di];
        let doc = &graph.site.programmes[pi].documents[di];
        for (vi, diff) in links.history.to_current.iter().enumerate() {
            let Some(diff) = diff else { continue };
            // Only versions after the current one: what is coming, not what has been.
            if vi <= links.current || diff.to != vi {
                continue;
            }
            let mut rows = impact_rows(graph, pi, di, diff);
            if rows.is_empty() {
                continue;
            }
            let total = rows.len();
            let orphaned = rows.iter().filter(|r| r.removed).count();
            rows.truncate(LISTED);
            out.push(Impact {
                document: doc.config.id.to_string(),
                from: doc.versions[diff.from].meta.version.to_string(),
                to: doc.versions[vi].meta.version.to_string(),
                url: super::history::compare_url(links, vi),
                status_label: doc.versions[vi].meta.status.label(),
                status_tag: if doc.versions[vi].meta.status.is_in_force_kind() {
                    "purple"
                } else {
                    "yellow"
                },
                effective_from: doc.versions[vi]
                    .meta
                    .status
                    .is_in_force_kind()
                    .then(|| doc.versions[vi].meta.effective().long()),
                orphaned,
                total,
                rows,
            });
        }
    }
    out
}

/// The rows of the exports. One struct a file, so the CSV header and the JSON keys are
/// the same names, which are part of the site's contract.
pub mod export {
    use super::*;

    #[derive(Debug, Serialize)]
    pub struct RequirementRecord<'a> {
        pub id: &'a str,
        pub title: &'a str,
        pub source: String,
        pub source_url: &'a str,
        pub component: &'a str,
        pub release: &'a str,
        pub scenarios: String,
        pub cases: String,
        pub phases: String,
        pub coverage: &'a str,
        pub status: &'a str,
        pub reviewed: String,
        pub suspect: bool,
        pub latest_result: &'a str,
        pub url: &'a str,
    }

    impl RequirementRecord<'_> {
        pub const COLUMNS: &'static [&'static str] = &[
            "id",
            "title",
            "source",
            "source_url",
            "component",
            "release",
            "scenarios",
            "cases",
            "phases",
            "coverage",
            "status",
            "reviewed",
            "suspect",
            "latest_result",
            "url",
        ];
    }

    #[derive(Debug, Serialize)]
    pub struct TestRecord<'a> {
        pub id: &'a str,
        pub level: &'a str,
        pub title: &'a str,
        pub phase: &'a str,
        pub scenario: &'a str,
        pub covers: String,
        pub latest_result: &'a str,
        pub url: &'a str,
    }

    impl TestRecord<'_> {
        pub const COLUMNS: &'static [&'static str] = &[
            "id",
            "level",
            "title",
            "phase",
            "scenario",
            "covers",
            "latest_result",
            "url",
        ];
    }

    #[derive(Debug, Serialize)]
    pub struct CoverageRecord<'a> {
        pub requirement: &'a str,
        pub coverage: &'a str,
        pub reviewed: String,
        pub rationale: &'a str,
        pub risk: &'a str,
        pub mitigation: &'a str,
        pub suspect: bool,
    }

    impl CoverageRecord<'_> {
        pub const COLUMNS: &'static [&'static str] = &[
            "requirement",
            "coverage",
            "reviewed",
            "rationale",
            "risk",
            "mitigation",
            "suspect",
        ];
    }

    #[derive(Debug, Serialize)]
    pub struct ResultRecord<'a> {
        pub date: String,
        pub test: &'a str,
        pub result: &'a str,
        pub note: &'a str,
    }

    impl ResultRecord<'_> {
        pub const COLUMNS: &'static [&'static str] = &["date", "test", "result", "note"];
    }

    /// A [`Tally`] with its group, written out: the `csv` crate cannot flatten.
    #[derive(Debug, Serialize)]
    pub struct FigureRecord<'a> {
        pub group: &'a str,
        pub key: &'a str,
        pub requirements: usize,
        pub traced: usize,
        pub full: usize,
        pub partial: usize,
        pub not_reviewed: usize,
        pub deferred: usize,
        pub not_testable: usize,
        pub uncovered: usize,
        pub suspect: usize,
    }

    impl<'a> FigureRecord<'a> {
        pub const COLUMNS: &'static [&'static str] = &[
            "group",
            "key",
            "requirements",
            "traced",
            "full",
            "partial",
            "not_reviewed",
            "deferred",
            "not_testable",
            "uncovered",
            "suspect",
        ];

        fn new(group: &'a str, key: &'a str, t: &Tally) -> Self {
            FigureRecord {
                group,
                key,
                requirements: t.requirements,
                traced: t.traced,
                full: t.full,
                partial: t.partial,
                not_reviewed: t.not_reviewed,
                deferred: t.deferred,
                not_testable: t.not_testable,
                uncovered: t.uncovered,
                suspect: t.suspect,
            }
        }
    }

    /// Every export of a trace: (file name, bytes).
    pub fn files(t: &TraceGraph) -> Result<Vec<(String, Vec<u8>)>, String> {
        let tests_of = |r: &ReqNode, level: TestLevel| {
            r.tests
                .iter()
                .map(|&i| &t.tests[i])
                .filter(|n| n.test.level == level)
                .map(|n| n.test.id.value.as_str())
                .collect::<Vec<_>>()
                .join(";")
        };
        let requirements: Vec<RequirementRecord> = t
            .requirements
            .iter()
            .map(|r| {
                let mut phases: Vec<&str> = r
                    .tests
                    .iter()
                    .map(|&i| t.tests[i].test.phase.value.as_str())
                    .collect();
                phases.sort_unstable();
                phases.dedup();
                RequirementRecord {
                    id: r.req.id.value.as_str(),
                    title: &r.req.title,
                    source: format!("{} {}", r.req.source.value.0, r.req.source.value.1),
                    source_url: r.source.as_ref().map_or("", |s| s.href.as_str()),
                    component: &r.req.component.value,
                    release: &r.req.release.value,
                    scenarios: tests_of(r, TestLevel::Scenario),
                    cases: tests_of(r, TestLevel::Case),
                    phases: phases.join(";"),
                    coverage: r.coverage.as_ref().map_or("", |c| c.coverage.code()),
                    status: r.status.code(),
                    reviewed: r
                        .coverage
                        .as_ref()
                        .map_or(String::new(), |c| c.reviewed.value.iso()),
                    suspect: r.suspect.is_some(),
                    latest_result: r.latest.map_or("", Outcome::code),
                    url: &r.url,
                }
            })
            .collect();
        let tests: Vec<TestRecord> = t
            .tests
            .iter()
            .map(|n| TestRecord {
                id: n.test.id.value.as_str(),
                level: match n.test.level {
                    TestLevel::Scenario => "scenario",
                    TestLevel::Case => "case",
                },
                title: &n.test.title,
                phase: &n.test.phase.value,
                scenario: n.scenario.map_or("", |s| t.tests[s].test.id.value.as_str()),
                covers: n
                    .reqs
                    .iter()
                    .map(|&r| t.requirements[r].req.id.value.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                latest_result: n.latest().map_or("", Outcome::code),
                url: &n.url,
            })
            .collect();
        let coverage: Vec<CoverageRecord> = t
            .requirements
            .iter()
            .filter_map(|r| {
                r.coverage.as_ref().map(|c| CoverageRecord {
                    requirement: r.req.id.value.as_str(),
                    coverage: c.coverage.code(),
                    reviewed: c.reviewed.value.iso(),
                    rationale: &c.rationale,
                    risk: c.risk.as_deref().unwrap_or(""),
                    mitigation: c.mitigation.as_deref().unwrap_or(""),
                    suspect: r.suspect.is_some(),
                })
            })
            .collect();
        let mut results: Vec<ResultRecord> = t
            .tests
            .iter()
            .flat_map(|n| {
                n.results.iter().map(|r| ResultRecord {
                    date: r.date.iso(),
                    test: n.test.id.value.as_str(),
                    result: r.outcome.code(),
                    note: r.note.as_deref().unwrap_or(""),
                })
            })
            .collect();
        results.sort_by(|a, b| (&a.date, a.test).cmp(&(&b.date, b.test)));
        let f = &t.figures;
        let mut figures = vec![FigureRecord::new("all", "", &f.total)];
        figures.extend(
            f.by_release
                .iter()
                .map(|(k, t)| FigureRecord::new("release", k, t)),
        );
        figures.extend(
            f.by_component
                .iter()
                .map(|(k, t)| FigureRecord::new("component", k, t)),
        );
        figures.extend(
            f.coverage_by_phase
                .iter()
                .map(|(k, t)| FigureRecord::new("phase", k, t)),
        );

        let mut out = Vec::new();
        both(
            &mut out,
            "requirements",
            RequirementRecord::COLUMNS,
            &requirements,
        )?;
        both(&mut out, "tests", TestRecord::COLUMNS, &tests)?;
        both(&mut out, "coverage", CoverageRecord::COLUMNS, &coverage)?;
        both(&mut out, "results", ResultRecord::COLUMNS, &results)?;
        both(&mut out, "figures", FigureRecord::COLUMNS, &figures)?;
        Ok(out)
    }

    /// Writes `rows` as `name.csv` and `name.json`, with the same column names.
    pub fn both<T: Serialize>(
        out: &mut Vec<(String, Vec<u8>)>,
        name: &str,
        columns: &[&str],
        rows: &[T],
    ) -> Result<(), String> {
        // The header is written from `columns` so that an empty table keeps its stable
        // column names; the csv writer would only write one with a first row.
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.write_record(columns).map_err(|e| e.to_string())?;
        for r in rows {
            w.serialize(r).map_err(|e| e.to_string())?;
        }
        let csv = w.into_inner().map_err(|e| e.to_string())?;
        out.push((format!("{name}.csv"), csv));
        let json = serde_json::to_vec_pretty(rows).map_err(|e| e.to_string())?;
        out.push((format!("{name}.json"), json));
        Ok(())
    }
}
