//! The phase status pages of a programme and their exports: the dashboard with a
//! timeline, a page a phase (criteria, execution, Testing Issues against the Exit
//! Thresholds, decisions, charts over time), the decisions log, CSV and JSON, and an
//! Atom feed of state changes and decisions.
//!
//! An exceeded threshold is said in words ("exceeds the Exit Threshold by 2"), never by
//! colour alone; every chart has its figures in a table beside it.

use serde::Serialize;

use super::chart;
use crate::link::status::{PhaseTrack, StatusGraph};
use crate::link::SiteGraph;
use crate::model::{Date, PhaseStatus, StatusReport};

/// A link with its text.
#[derive(Debug, Serialize)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// The links every status page offers.
#[derive(Debug, Serialize)]
pub struct StatusNav {
    pub dashboard: String,
    pub decisions: String,
    pub feed: String,
    pub exports: Vec<Export>,
    pub phases: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct Export {
    pub label: &'static str,
    pub csv: String,
    pub json: String,
}

const EXPORTS: [(&str, &str); 3] = [
    ("status", "Each phase in each snapshot"),
    (
        "issues",
        "Testing Issues by phase, severity and date, with thresholds",
    ),
    ("decisions", "Decisions of the governing bodies"),
];

pub fn nav(s: &StatusGraph) -> StatusNav {
    StatusNav {
        dashboard: s.url.clone(),
        decisions: format!("{}decisions/", s.url),
        feed: format!("{}feed.xml", s.url),
        exports: EXPORTS
            .iter()
            .map(|(name, label)| Export {
                label,
                csv: format!("{}{name}.csv", s.url),
                json: format!("{}{name}.json", s.url),
            })
            .collect(),
        phases: s
            .phases
            .iter()
            .map(|p| Link {
                text: format!("{} ({})", p.name, p.id),
                url: p.url.clone(),
            })
            .collect(),
    }
}

/// A labelled tag.
#[derive(Debug, Serialize)]
pub struct Tag {
    pub label: &'static str,
    pub tag: &'static str,
    /// The value as the sources write it.
    #[serde(skip)]
    pub code: &'static str,
}

/// One severity's Testing Issues against its threshold.
#[derive(Debug, Serialize)]
pub struct IssueRow {
    pub severity: String,
    pub name: String,
    pub open: u32,
    pub closed: u32,
    pub limit: Option<u32>,
    /// By how many the open issues exceed the limit.
    pub over: u32,
}

/// A phase as the latest snapshot reports it.
#[derive(Debug, Serialize)]
pub struct PhaseSummary {
    pub id: String,
    /// The id as it appears in URLs and element ids.
    pub slug: String,
    pub name: String,
    pub url: String,
    pub reported: bool,
    pub as_at: Option<String>,
    pub state: Option<Tag>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub governing: Option<Link>,
    pub completion_report: Option<String>,
    pub note: Option<String>,
    pub tests: Option<crate::model::Execution>,
    pub issues: Vec<IssueRow>,
    pub open_total: u64,
    /// Whether any severity has a limit in this phase.
    pub has_thresholds: bool,
    /// The severities whose open issues exceed the threshold, in words.
    pub exceeded: Vec<String>,
    pub criteria_met: usize,
    pub criteria_total: usize,
}

fn date(d: &Option<toml::Spanned<Date>>) -> Option<Date> {
    d.as_ref().map(|d| *d.get_ref())
}

fn tests_of(p: &PhaseStatus) -> Option<crate::model::Execution> {
    p.tests.as_ref().map(|t| *t.get_ref())
}

/// An author's link as the page writes it: a site path gets the site's base path.
fn site_link(base: &str, url: &toml::Spanned<String>) -> String {
    match url.get_ref().strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') => format!("{base}{rest}"),
        _ => url.get_ref().clone(),
    }
}

fn latest<'a>(s: &'a StatusGraph, t: &PhaseTrack) -> Option<(&'a StatusReport, &'a PhaseStatus)> {
    t.points
        .last()
        .map(|&(r, p)| (&s.reports[r], &s.reports[r].snapshot.phase[p]))
}

/// The severities a phase's Testing Issues are counted by: its governing scale, or with
/// none, every severity any of its snapshots reports. One list for every snapshot, so
/// the columns of a table over time line up.
fn severities(s: &StatusGraph, t: &PhaseTrack) -> Vec<(String, String, Option<u32>)> {
    if !t.thresholds.is_empty() {
        return t.thresholds.clone();
    }
    let mut ids: Vec<String> = t
        .points
        .iter()
        .filter_map(|&(r, p)| s.reports[r].snapshot.phase[p].issues.as_ref())
        .flat_map(|i| i.open.keys().chain(i.closed.keys()))
        .map(|k| k.get_ref().clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter().map(|id| (id.clone(), id, None)).collect()
}

/// The issue rows of a phase in one snapshot, one a severity, with the threshold.
fn issue_rows(severities: &[(String, String, Option<u32>)], p: &PhaseStatus) -> Vec<IssueRow> {
    let count = |map: &std::collections::BTreeMap<toml::Spanned<String>, u32>, id: &str| {
        map.iter()
            .find(|(k, _)| k.get_ref() == id)
            .map_or(0, |(_, v)| *v)
    };
    let empty = crate::model::IssueCounts::default();
    let issues = p.issues.as_ref().unwrap_or(&empty);
    severities
        .iter()
        .map(|(id, name, limit)| {
            let open = count(&issues.open, id);
            IssueRow {
                over: limit.map_or(0, |l| open.saturating_sub(l)),
                closed: count(&issues.closed, id),
                severity: id.clone(),
                name: name.clone(),
                open,
                limit: *limit,
            }
        })
        .collect()
}

fn exceeded_words(rows: &[IssueRow]) -> Vec<String> {
    rows.iter()
        .filter(|r| r.over > 0)
        .map(|r| {
            format!(
                "Severity {} ({}): {} open, {} over the Exit Threshold of {}",
                r.severity,
                r.name,
                r.open,
                r.over,
                r.limit.unwrap_or(0)
            )
        })
        .collect()
}

fn summary(graph: &SiteGraph, s: &StatusGraph, t: &PhaseTrack) -> PhaseSummary {
    let l = latest(s, t);
    let p = l.map(|(_, p)| p);
    let severities = severities(s, t);
    let issues = p.map(|p| issue_rows(&severities, p)).unwrap_or_default();
    let long = |d: Option<Date>| d.map(|d| d.long());
    PhaseSummary {
        id: t.id.clone(),
        slug: crate::model::slug(&t.id),
        name: t.name.clone(),
        url: t.url.clone(),
        reported: p.is_some(),
        as_at: l.map(|(r, _)| r.date.long()),
        state: p.map(|p| Tag {
            label: p.state.get_ref().label(),
            tag: p.state.get_ref().tag(),
            code: "",
        }),
        planned_start: long(p.and_then(|p| date(&p.planned_start))),
        planned_end: long(p.and_then(|p| date(&p.planned_end))),
        actual_start: long(p.and_then(|p| date(&p.actual_start))),
        actual_end: long(p.and_then(|p| date(&p.actual_end))),
        window_start: long(p.and_then(|p| date(&p.window_start))),
        window_end: long(p.and_then(|p| date(&p.window_end))),
        governing: t.governing.as_ref().map(|g| Link {
            text: g.label.clone(),
            url: g.url.clone(),
        }),
        completion_report: p.and_then(|p| {
            p.completion_report
                .as_ref()
                .map(|u| site_link(&graph.base, u))
        }),
        note: p.and_then(|p| p.note.clone()),
        tests: p.and_then(tests_of),
        open_total: issues.iter().map(|r| u64::from(r.open)).sum(),
        has_thresholds: issues.iter().any(|r| r.limit.is_some()),
        exceeded: exceeded_words(&issues),
        issues,
        criteria_met: p.map_or(0, |p| {
            p.criterion
                .iter()
                .filter(|c| *c.status.get_ref() != crate::model::CriterionStatus::NotMet)
                .count()
        }),
        criteria_total: p.map_or(0, |p| p.criterion.len()),
    }
}

/// A decision in a list.
#[derive(Debug, Serialize)]
pub struct DecisionRow {
    pub anchor: String,
    pub date: String,
    pub date_iso: String,
    pub body: String,
    pub subject: String,
    pub decision: Tag,
    pub phase: Option<String>,
    pub document: Option<Link>,
    pub conditions: Option<String>,
}

fn decision_rows(graph: &SiteGraph, pi: usize, filter: Option<&str>) -> Vec<DecisionRow> {
    let s = &graph.statuses[pi];
    let prog = &graph.site.programmes[pi];
    s.decisions
        .iter()
        .filter_map(|&(r, ai)| {
            let a = &s.reports[r].snapshot.approval[ai];
            if filter.is_some_and(|f| a.phase.as_ref().map(|p| p.get_ref().as_str()) != Some(f)) {
                return None;
            }
            let document = a.document.as_ref().map(|d| {
                let id = d.get_ref();
                let found = prog
                    .documents
                    .iter()
                    .position(|doc| doc.config.id.as_str() == id);
                let version = a.version.as_ref().map(|v| v.get_ref().clone());
                let url = found.map(|di| {
                    let links = &graph.documents[pi][di];
                    version
                        .as_ref()
                        .and_then(|v| {
                            let v: crate::model::Version = v.parse().ok()?;
                            prog.documents[di]
                                .versions
                                .iter()
                                .position(|x| x.meta.version == v)
                        })
                        .map_or(links.url.clone(), |vi| links.versions[vi].url.clone())
                });
                Link {
                    text: match &version {
                        Some(v) => format!("{id} version {v}"),
                        None => id.clone(),
                    },
                    url: url.unwrap_or_default(),
                }
            });
            Some(DecisionRow {
                anchor: crate::link::status::decision_anchor(&s.reports[r], ai),
                date: a.date.get_ref().long(),
                date_iso: a.date.get_ref().iso(),
                body: graph
                    .site
                    .config
                    .parties
                    .iter()
                    .find(|p| &p.id == a.body.get_ref())
                    .map_or_else(|| a.body.get_ref().clone(), |p| p.name.clone()),
                subject: a.subject.clone(),
                decision: Tag {
                    label: a.decision.label(),
                    tag: a.decision.tag(),
                    code: a.decision.code(),
                },
                phase: a.phase.as_ref().map(|p| p.get_ref().clone()),
                document,
                conditions: a.conditions.clone(),
            })
        })
        .collect()
}

/// `status.html`: the dashboard.
#[derive(Debug, Serialize)]
pub struct StatusPage {
    pub programme: Link,
    pub nav: StatusNav,
    pub as_at: Option<String>,
    pub summary: Option<String>,
    pub timeline: String,
    pub phases: Vec<PhaseSummary>,
    pub recent: Vec<DecisionRow>,
    pub decisions: usize,
}

pub fn dashboard(graph: &SiteGraph, pi: usize) -> StatusPage {
    let prog = &graph.site.programmes[pi];
    let s = &graph.statuses[pi];
    let bars: Vec<chart::Bar> = s
        .phases
        .iter()
        .map(|t| {
            let p = latest(s, t);
            let planned = p.and_then(|(_, p)| date(&p.planned_start).zip(date(&p.planned_end)));
            let actual = p.and_then(|(r, p)| {
                let start = date(&p.actual_start)?;
                Some((start, date(&p.actual_end).unwrap_or(r.date)))
            });
            chart::Bar {
                label: t.id.clone(),
                planned,
                actual,
                running: p.is_some_and(|(_, p)| {
                    p.actual_end.is_none()
                        && *p.state.get_ref() != crate::model::PhaseState::Complete
                }),
            }
        })
        .collect();
    let milestones: Vec<chart::Milestone> = s
        .decisions
        .iter()
        .map(|&(r, a)| {
            let a = &s.reports[r].snapshot.approval[a];
            chart::Milestone {
                date: *a.date.get_ref(),
                label: format!("{} ({})", a.subject, a.decision.label().to_lowercase()),
            }
        })
        .collect();
    let mut recent = decision_rows(graph, pi, None);
    let decisions = recent.len();
    recent.reverse();
    recent.truncate(5);
    let last = s.reports.last();
    StatusPage {
        programme: Link {
            text: prog.config.name.clone(),
            url: format!("{}{}/", graph.base, prog.slug),
        },
        nav: nav(s),
        as_at: last.map(|r| r.date.long()),
        summary: last.and_then(|r| r.snapshot.summary.clone()),
        timeline: chart::timeline(
            "timeline",
            &format!("Timeline of the {} phases and decisions", prog.config.id),
            &bars,
            &milestones,
            graph.today,
        ),
        phases: s.phases.iter().map(|t| summary(graph, s, t)).collect(),
        recent,
        decisions,
    }
}

/// A criterion in a table.
#[derive(Debug, Serialize)]
pub struct CriterionRow {
    pub kind: &'static str,
    pub text: String,
    pub clause: Option<Link>,
    pub status: Tag,
    pub evidence: Option<String>,
    pub evidence_url: Option<String>,
}

/// One snapshot of a phase, for its history.
#[derive(Debug, Serialize)]
pub struct PointRow {
    pub date: String,
    pub date_iso: String,
    pub state: Tag,
    pub planned: Option<u32>,
    pub executed: Option<u32>,
    pub passed: Option<u32>,
    pub failed: Option<u32>,
    pub blocked: Option<u32>,
    pub open: Vec<u32>,
    pub open_total: u64,
    pub exceeded: bool,
}

/// `phase.html`.
#[derive(Debug, Serialize)]
pub struct PhasePage {
    pub nav: StatusNav,
    pub phase: PhaseSummary,
    pub summary: Option<String>,
    pub criteria: Vec<CriterionRow>,
    pub severities: Vec<String>,
    pub points: Vec<PointRow>,
    pub issues_chart: String,
    pub execution_chart: String,
    pub decisions: Vec<DecisionRow>,
    pub scale_url: Option<String>,
    /// Requirements covered by a passed test of this phase, by trace snapshot.
    pub coverage: Vec<CoveragePoint>,
    pub coverage_chart: String,
    pub trace_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CoveragePoint {
    pub date: String,
    pub date_iso: String,
    pub proved: usize,
    pub covered: usize,
}

pub fn phase_page(graph: &SiteGraph, pi: usize, ti: usize) -> PhasePage {
    let s = &graph.statuses[pi];
    let t = &s.phases[ti];
    let phase = summary(graph, s, t);
    let severities = severities(s, t);
    let latest_point = latest(s, t);
    let criteria = latest_point
        .map(|(_, p)| {
            p.criterion
                .iter()
                .map(|c| CriterionRow {
                    kind: match c.kind {
                        crate::model::CriterionKind::Entry => "Entry",
                        crate::model::CriterionKind::Exit => "Exit",
                    },
                    text: c.text.clone(),
                    clause: c.clause.as_ref().map(|cl| {
                        let view = doc_view(graph, pi);
                        Link {
                            text: cl.get_ref().clone(),
                            url: crate::link::status::resolve_clause(
                                &view,
                                cl,
                                &s.reports[0].source,
                            )
                            .map(|(_, url)| url)
                            .unwrap_or_default(),
                        }
                    }),
                    status: Tag {
                        label: c.status.get_ref().label(),
                        tag: c.status.get_ref().tag(),
                        code: "",
                    },
                    evidence: c.evidence.clone(),
                    evidence_url: c.evidence_url.as_ref().map(|u| site_link(&graph.base, u)),
                })
                .collect()
        })
        .unwrap_or_default();
    let points: Vec<PointRow> = t
        .points
        .iter()
        .map(|&(r, p)| {
            let report = &s.reports[r];
            let p = &report.snapshot.phase[p];
            let rows = issue_rows(&severities, p);
            let tests = tests_of(p);
            PointRow {
                date: report.date.long(),
                date_iso: report.date.iso(),
                state: Tag {
                    label: p.state.get_ref().label(),
                    tag: p.state.get_ref().tag(),
                    code: "",
                },
                planned: tests.map(|x| x.planned),
                executed: tests.map(|x| x.executed),
                passed: tests.map(|x| x.passed),
                failed: tests.map(|x| x.failed),
                blocked: tests.map(|x| x.blocked),
                open_total: rows.iter().map(|r| u64::from(r.open)).sum(),
                exceeded: rows.iter().any(|r| r.over > 0),
                open: rows.iter().map(|r| r.open).collect(),
            }
        })
        .collect();
    let dates: Vec<Date> = t.points.iter().map(|&(r, _)| s.reports[r].date).collect();
    let severities: Vec<String> = severities
        .iter()
        .map(|(id, name, _)| {
            if id == name {
                id.clone()
            } else {
                format!("{id} ({name})")
            }
        })
        .collect();
    let issues_chart = chart::lines(
        &format!("issues-{}", crate::model::slug(&t.id)),
        &format!("Open Testing Issues in {} by severity", t.id),
        &dates,
        &severities
            .iter()
            .enumerate()
            .map(|(k, name)| chart::Series {
                name: format!("Severity {name}"),
                values: points
                    .iter()
                    .map(|p| p.open.get(k).map(|&v| f64::from(v)))
                    .collect(),
                dashed: false,
            })
            .collect::<Vec<_>>(),
    );
    let exec =
        |f: fn(&PointRow) -> Option<u32>| points.iter().map(|p| f(p).map(f64::from)).collect();
    let execution_chart = chart::lines(
        &format!("execution-{}", crate::model::slug(&t.id)),
        &format!("Test execution in {}", t.id),
        &dates,
        &[
            chart::Series {
                name: "Planned".into(),
                values: exec(|p| p.planned),
                dashed: true,
            },
            chart::Series {
                name: "Executed".into(),
                values: exec(|p| p.executed),
                dashed: false,
            },
            chart::Series {
                name: "Passed".into(),
                values: exec(|p| p.passed),
                dashed: false,
            },
        ],
    );
    let (coverage, coverage_chart) = coverage_over_time(graph, pi, &t.id);
    PhasePage {
        nav: nav(s),
        summary: latest_point.and_then(|(r, _)| r.snapshot.summary.clone()),
        phase,
        criteria,
        severities,
        points,
        issues_chart,
        execution_chart,
        decisions: decision_rows(graph, pi, Some(&t.id)),
        scale_url: t.scale_url.clone(),
        coverage,
        coverage_chart,
        trace_url: (!graph.traces[pi].is_empty()).then(|| graph.traces[pi].url.clone()),
    }
}

/// From the trace, at each result snapshot: how many requirements a test of this phase
/// has passed by then, of those a test of this phase covers.
fn coverage_over_time(graph: &SiteGraph, pi: usize, phase: &str) -> (Vec<CoveragePoint>, String) {
    let t = &graph.traces[pi];
    if t.is_empty() || t.snapshots.is_empty() {
        return (Vec::new(), String::new());
    }
    let in_phase: Vec<&crate::link::trace::ReqNode> = t
        .requirements
        .iter()
        .filter(|r| {
            r.tests
                .iter()
                .any(|&i| t.tests[i].test.phase.value == phase)
        })
        .collect();
    if in_phase.is_empty() {
        return (Vec::new(), String::new());
    }
    let points: Vec<CoveragePoint> = t
        .snapshots
        .iter()
        .map(|&d| CoveragePoint {
            date: d.long(),
            date_iso: d.iso(),
            covered: in_phase.len(),
            proved: in_phase
                .iter()
                .filter(|r| {
                    // As the matrix judges: the worst of each test's latest result by d.
                    let latest = r.tests.iter().filter_map(|&i| {
                        let n = &t.tests[i];
                        (n.test.phase.value == phase)
                            .then(|| n.results.iter().rev().find(|x| x.date <= d))
                            .flatten()
                            .map(|x| x.outcome)
                    });
                    crate::link::trace::worst(latest) == Some(crate::model::Outcome::Passed)
                })
                .count(),
        })
        .collect();
    let svg = chart::lines(
        &format!("coverage-{}", crate::model::slug(phase)),
        &format!("Requirements proved by a passed {phase} test"),
        &t.snapshots,
        &[
            chart::Series {
                name: format!("Covered by a {phase} test"),
                values: points.iter().map(|p| Some(p.covered as f64)).collect(),
                dashed: true,
            },
            chart::Series {
                name: "Proved by a pass".into(),
                values: points.iter().map(|p| Some(p.proved as f64)).collect(),
                dashed: false,
            },
        ],
    );
    (points, svg)
}

fn doc_view(graph: &SiteGraph, pi: usize) -> crate::link::status::DocView<'_> {
    crate::link::status::DocView {
        programme: &graph.site.programmes[pi],
        links: &graph.documents[pi],
        index: &graph.index,
        pi,
        parties: &graph.site.config.parties,
    }
}

/// `decisions.html`.
#[derive(Debug, Serialize)]
pub struct DecisionsPage {
    pub nav: StatusNav,
    pub decisions: Vec<DecisionRow>,
}

pub fn decisions_page(graph: &SiteGraph, pi: usize) -> DecisionsPage {
    DecisionsPage {
        nav: nav(&graph.statuses[pi]),
        decisions: decision_rows(graph, pi, None),
    }
}

/// The exports and the feed: (file name, bytes).
pub fn files(graph: &SiteGraph, pi: usize) -> Result<Vec<(String, Vec<u8>)>, String> {
    #[derive(Serialize)]
    struct StatusRecord<'a> {
        date: String,
        phase: &'a str,
        state: &'static str,
        planned_start: String,
        planned_end: String,
        actual_start: String,
        actual_end: String,
        tad: &'a str,
        tests_planned: String,
        tests_executed: String,
        tests_passed: String,
        tests_failed: String,
        tests_blocked: String,
        open_issues: u64,
        closed_issues: u64,
        exceeds_threshold: bool,
    }
    #[derive(Serialize)]
    struct IssueRecord<'a> {
        date: String,
        phase: &'a str,
        severity: String,
        open: u32,
        closed: u32,
        threshold: String,
    }
    #[derive(Serialize)]
    struct DecisionRecord {
        date: String,
        body: String,
        subject: String,
        decision: &'static str,
        phase: String,
        document: String,
        conditions: String,
    }
    let s = &graph.statuses[pi];
    let iso = |d: Option<Date>| d.map_or(String::new(), |d| d.iso());
    let n = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
    let mut status = Vec::new();
    let mut issues = Vec::new();
    for t in &s.phases {
        for &(r, p) in &t.points {
            let report = &s.reports[r];
            let p = &report.snapshot.phase[p];
            let rows = issue_rows(&severities(s, t), p);
            let tests = tests_of(p);
            status.push(StatusRecord {
                date: report.date.iso(),
                phase: &t.id,
                state: p.state.get_ref().code(),
                planned_start: iso(date(&p.planned_start)),
                planned_end: iso(date(&p.planned_end)),
                actual_start: iso(date(&p.actual_start)),
                actual_end: iso(date(&p.actual_end)),
                tad: p.tad.as_ref().map_or("", |x| x.get_ref().as_str()),
                tests_planned: n(tests.map(|x| x.planned)),
                tests_executed: n(tests.map(|x| x.executed)),
                tests_passed: n(tests.map(|x| x.passed)),
                tests_failed: n(tests.map(|x| x.failed)),
                tests_blocked: n(tests.map(|x| x.blocked)),
                open_issues: rows.iter().map(|r| u64::from(r.open)).sum(),
                closed_issues: rows.iter().map(|r| u64::from(r.closed)).sum(),
                exceeds_threshold: rows.iter().any(|r| r.over > 0),
            });
            issues.extend(rows.into_iter().map(|row| IssueRecord {
                date: report.date.iso(),
                phase: &t.id,
                threshold: n(row.limit),
                severity: row.severity,
                open: row.open,
                closed: row.closed,
            }));
        }
    }
    status.sort_by(|a, b| (&a.date, a.phase).cmp(&(&b.date, b.phase)));
    issues.sort_by(|a, b| (&a.date, a.phase).cmp(&(&b.date, b.phase)));
    let decisions: Vec<DecisionRecord> = decision_rows(graph, pi, None)
        .into_iter()
        .map(|d| DecisionRecord {
            date: d.date_iso,
            body: d.body,
            subject: d.subject,
            decision: d.decision.code,
            phase: d.phase.unwrap_or_default(),
            document: d.document.map(|l| l.text).unwrap_or_default(),
            conditions: d.conditions.unwrap_or_default(),
        })
        .collect();
    let mut out = Vec::new();
    use super::trace::export::both;
    both(
        &mut out,
        "status",
        &[
            "date",
            "phase",
            "state",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "tad",
            "tests_planned",
            "tests_executed",
            "tests_passed",
            "tests_failed",
            "tests_blocked",
            "open_issues",
            "closed_issues",
            "exceeds_threshold",
        ],
        &status,
    )?;
    both(
        &mut out,
        "issues",
        &["date", "phase", "severity", "open", "closed", "threshold"],
        &issues,
    )?;
    both(
        &mut out,
        "decisions",
        &[
            "date",
            "body",
            "subject",
            "decision",
            "phase",
            "document",
            "conditions",
        ],
        &decisions,
    )?;
    out.push(("feed.xml".into(), feed(graph, pi).into_bytes()));
    Ok(out)
}

/// An Atom feed of state changes and decisions, newest first.
fn feed(graph: &SiteGraph, pi: usize) -> String {
    let s = &graph.statuses[pi];
    let prog = &graph.site.programmes[pi];
    let origin = crate::link::origin(&graph.base_url);
    let esc = super::escape_html;
    let self_url = format!("{}feed.xml", s.url);
    let updated = s
        .events
        .last()
        .map_or_else(|| "1970-01-01".to_owned(), |e| e.date.iso());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}: phase status and decisions</title>\n  <id>tag:attest,2024:{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
        esc(&prog.config.name),
        esc(&self_url),
        esc(&format!("{origin}{self_url}")),
        esc(prog.config.owner.as_deref().unwrap_or(&graph.site.config.title)),
    );
    for e in s.events.iter().rev() {
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>tag:attest,{}:{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            esc(&e.title),
            e.date.iso(),
            esc(&e.id),
            esc(&format!("{origin}{}", e.url)),
            e.date.iso(),
            esc(&e.text)
        ));
    }
    out.push_str("</feed>\n");
    out
}
