//! Phase status, linked: each declared phase's course through the dated snapshots, the
//! TAD that governs it and the thresholds that TAD sets, the decisions of the governing
//! bodies, and the events a feed announces.
//!
//! The checks that need more than one file are here: a phase marked complete with an
//! exit criterion not met and not waived, a decision on a document version that does
//! not exist, a severity the governing scale does not define, dates after the report
//! that gives them, snapshots after the build date, and counts that do not add up.

use std::collections::HashMap;

use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::{
    ClauseNumber, CriterionKind, CriterionStatus, Date, DocId, PhaseState, Programme, StatusReport,
    Version,
};

use super::{with_suggestions, DocLinks};

/// The status of one programme.
#[derive(Debug, Default)]
pub struct StatusGraph {
    /// `/fsm/status/`.
    pub url: String,
    /// The snapshots, earliest first, taken from the programme.
    pub reports: Vec<StatusReport>,
    /// One a declared phase, in the programme's order.
    pub phases: Vec<PhaseTrack>,
    /// Every decision: (report, approval) indices, by date.
    pub decisions: Vec<(usize, usize)>,
    /// State changes and decisions, by date, for the feed.
    pub events: Vec<StatusEvent>,
    /// The documents (indices in the programme) the snapshots cite: governing TADs,
    /// the clauses that set criteria, the documents decided on.
    pub cites: std::collections::HashSet<usize>,
}

impl StatusGraph {
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }
}

/// A phase through the snapshots.
#[derive(Debug, Default)]
pub struct PhaseTrack {
    pub id: String,
    pub name: String,
    pub url: String,
    /// The snapshots that report it: (report, phase) indices, earliest first.
    pub points: Vec<(usize, usize)>,
    /// The governing TAD as of the latest report: its document index, version index and
    /// the link to it.
    pub governing: Option<Governing>,
    /// The Exit Thresholds of the governing TAD for this phase, by severity, in the
    /// scale's order: (severity id, name, limit; `None` for no limit).
    pub thresholds: Vec<(String, String, Option<u32>)>,
    /// Where the governing scale's clause is, when it names one.
    pub scale_url: Option<String>,
}

/// The TAD that governs a phase.
#[derive(Debug, Clone)]
pub struct Governing {
    pub di: usize,
    pub vi: usize,
    pub label: String,
    pub url: String,
}

/// Something the feed announces.
#[derive(Debug, Clone)]
pub struct StatusEvent {
    pub date: Date,
    pub title: String,
    pub text: String,
    /// The page that tells more, and an anchor-unique id for the feed entry.
    pub url: String,
    pub id: String,
}

/// What link knows of the documents a status cites.
pub struct DocView<'a> {
    pub programme: &'a Programme,
    pub links: &'a [DocLinks],
    pub index: &'a HashMap<DocId, (usize, usize)>,
    pub pi: usize,
    pub parties: &'a [crate::model::Party],
}

/// Links programme `view.pi`'s status reports (taken out of the programme).
pub fn build(
    view: &DocView,
    reports: Vec<StatusReport>,
    base: &str,
    today: Date,
) -> (StatusGraph, Vec<Diagnostic>) {
    let prog = view.programme;
    let url = format!("{base}{}/status/", prog.slug);
    let mut diags = Vec::new();
    let mut g = StatusGraph {
        url: url.clone(),
        phases: prog
            .config
            .phases
            .iter()
            .map(|p| PhaseTrack {
                id: p.id.clone(),
                name: p.name.clone(),
                url: format!("{url}{}/", crate::model::slug(&p.id)),
                ..PhaseTrack::default()
            })
            .collect(),
        ..StatusGraph::default()
    };
    let phase_ids: Vec<&str> = prog.config.phases.iter().map(|p| p.id.as_str()).collect();
    let party_ids: Vec<&str> = view.parties.iter().map(|p| p.id.as_str()).collect();

    for (ri, report) in reports.iter().enumerate() {
        let f = &report.source;
        let at = |code, span: std::ops::Range<usize>, msg: String| {
            Diagnostic::error_at(code, &f.path, &f.text, span, msg)
        };
        if report.date > today {
            diags.push(
                Diagnostic::file_error(
                    "future-snapshot",
                    &f.path,
                    format!(
                        "this snapshot reports on {}, after the build date {today}",
                        report.date
                    ),
                )
                .with_help("a snapshot is named by the date it reports on; check the file name, or pass --date"),
            );
        }
        let after_report = |d: &Spanned<Date>, what: &str| {
            (*d.get_ref() > report.date).then(|| {
                at(
                    "date-after-report",
                    d.span(),
                    format!(
                        "the {what} {} is after {}, the date this snapshot reports on",
                        d.get_ref(),
                        report.date
                    ),
                )
                .with_help("a snapshot can only report what had happened by its date; move this to a later snapshot")
            })
        };
        for (si, p) in report.snapshot.phase.iter().enumerate() {
            let id = p.id.get_ref();
            let Some(track) = g.phases.iter_mut().find(|t| &t.id == id) else {
                diags.push(with_suggestions(
                    at(
                        "unknown-phase",
                        p.id.span(),
                        format!("the programme {} declares no phase {id}", prog.config.id),
                    ),
                    id,
                    phase_ids.clone(),
                    "phases",
                ));
                continue;
            };
            if let Some(prev) = track
                .points
                .last()
                .map(|&(r, s)| &reports[r].snapshot.phase[s])
            {
                let (was, now) = (*prev.state.get_ref(), *p.state.get_ref());
                if rank(now) < rank(was) {
                    diags.push(
                        at(
                            "state-backwards",
                            p.state.span(),
                            format!(
                                "{id} was {} in the previous snapshot and is {} in this one",
                                was.label().to_lowercase(),
                                now.label().to_lowercase()
                            ),
                        )
                        .with_help("a phase moves forward (not started, in progress, complete) or is suspended; check the state")
                        .warning(),
                    );
                }
            }
            track.points.push((ri, si));
            diags.extend(
                p.actual_start
                    .as_ref()
                    .and_then(|d| after_report(d, "actual start")),
            );
            diags.extend(
                p.actual_end
                    .as_ref()
                    .and_then(|d| after_report(d, "actual end")),
            );
            let pairs = [
                (&p.actual_start, &p.actual_end, "ends", "starts"),
                (
                    &p.planned_start,
                    &p.planned_end,
                    "is planned to end",
                    "start",
                ),
                (
                    &p.window_start,
                    &p.window_end,
                    "has its window close",
                    "open",
                ),
            ];
            for (start, end, ends, starts) in pairs {
                if let (Some(s), Some(e)) = (start, end) {
                    if e.get_ref() < s.get_ref() {
                        diags.push(
                            at(
                                "dates-out-of-order",
                                e.span(),
                                format!(
                                    "{id} {ends} on {} before it {starts}s on {}",
                                    e.get_ref(),
                                    s.get_ref()
                                )
                                .replace("startss", "starts"),
                            )
                            .with_help("swap the dates, or correct the one that is wrong"),
                        );
                    }
                }
            }
            if let Some(tests) = &p.tests {
                let t = tests.get_ref();
                // A `[phase.tests]` table's span is its header; its keys run to the next
                // header.
                let from = tests.span().start;
                let to = f.text[from + 1..]
                    .find("\n[")
                    .map_or(f.text.len(), |i| from + 1 + i)
                    .max(tests.span().end);
                let key = |k: &str| key_in(&f.text, from..to, k).unwrap_or(tests.span());
                // Sums in u64: counts come from a file and may be anything.
                let outcomes = u64::from(t.passed) + u64::from(t.failed) + u64::from(t.blocked);
                if t.executed > t.planned {
                    diags.push(
                        at(
                            "counts-do-not-add-up",
                            key("executed"),
                            format!("{id}: {} tests executed, but only {} planned", t.executed, t.planned),
                        )
                        .with_help("executed counts the planned tests that have run; raise `planned` if tests were added"),
                    );
                }
                if outcomes > u64::from(t.executed) {
                    diags.push(
                        at(
                            "counts-do-not-add-up",
                            key("passed"),
                            format!(
                                "{id}: {} passed, {} failed and {} blocked make {outcomes}, more than the {} executed",
                                t.passed, t.failed, t.blocked, t.executed
                            ),
                        )
                        .with_help("each executed test has one outcome: passed, failed or blocked"),
                    );
                }
            }
            for url in p
                .completion_report
                .iter()
                .chain(p.criterion.iter().filter_map(|c| c.evidence_url.as_ref()))
            {
                if !is_safe_link(url.get_ref()) {
                    diags.push(
                        at(
                            "invalid-url",
                            url.span(),
                            format!("`{}` is not a web address or a path on this site", url.get_ref()),
                        )
                        .with_help("write a full https:// address, or a path on this site that starts with /"),
                    );
                }
            }
            if *p.state.get_ref() == PhaseState::Complete {
                for c in &p.criterion {
                    if c.kind == CriterionKind::Exit
                        && *c.status.get_ref() == CriterionStatus::NotMet
                    {
                        diags.push(
                            at(
                                "complete-with-unmet-criterion",
                                p.state.span(),
                                format!("{id} is marked complete, but its exit criterion \"{}\" is not met", c.text),
                            )
                            .with_help("meet the criterion, waive it (status = \"waived\" with the evidence of the decision), or keep the phase in progress"),
                        );
                    }
                }
            }
            for c in &p.criterion {
                if let Some(clause) = &c.clause {
                    match resolve_clause(view, clause, f) {
                        Ok((di, _)) => {
                            g.cites.insert(di);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
            // The governing TAD, its version and, through it, the severity scale.
            let governing = p
                .tad
                .as_ref()
                .and_then(|t| match resolve_version(view, t, f) {
                    Ok(g) => Some(g),
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                });
            if let Some(gov) = &governing {
                g.cites.insert(gov.di);
                let doc = &prog.documents[gov.di];
                if let (Some(scale), Some(issues)) = (&doc.severity, &p.issues) {
                    let ids: Vec<&str> =
                        scale.scale.severity.iter().map(|s| s.id.as_str()).collect();
                    for key in issues.open.keys().chain(issues.closed.keys()) {
                        if !ids.contains(&key.get_ref().as_str()) {
                            diags.push(with_suggestions(
                                at(
                                    "unknown-severity",
                                    key.span(),
                                    format!(
                                        "the severity scale of {} has no severity `{}`",
                                        doc.config.id,
                                        key.get_ref()
                                    ),
                                ),
                                key.get_ref(),
                                ids.clone(),
                                "severities",
                            ));
                        }
                    }
                }
            }
            if ri + 1 == reports.len() || track.governing.is_none() || governing.is_some() {
                if let Some(gov) = governing {
                    track.governing = Some(gov);
                }
            }
        }
        for (ai, a) in report.snapshot.approval.iter().enumerate() {
            if !party_ids.is_empty() && !party_ids.contains(&a.body.get_ref().as_str()) {
                diags.push(with_suggestions(
                    at(
                        "unknown-party",
                        a.body.span(),
                        format!(
                            "`{}` is not one of the parties in site.toml",
                            a.body.get_ref()
                        ),
                    ),
                    a.body.get_ref(),
                    party_ids.clone(),
                    "parties",
                ));
            }
            diags.extend(after_report(&a.date, "decision date"));
            if let Some(phase) = &a.phase {
                if !phase_ids.contains(&phase.get_ref().as_str()) {
                    diags.push(with_suggestions(
                        at(
                            "unknown-phase",
                            phase.span(),
                            format!(
                                "the programme {} declares no phase {}",
                                prog.config.id,
                                phase.get_ref()
                            ),
                        ),
                        phase.get_ref(),
                        phase_ids.clone(),
                        "phases",
                    ));
                }
            }
            match (&a.document, &a.version) {
                (Some(doc), Some(version)) => match resolve_version_at(view, doc, version, f) {
                    Ok(gov) => {
                        g.cites.insert(gov.di);
                    }
                    Err(d) => diags.push(d),
                },
                (Some(doc), None) => match resolve_doc(view, doc, f) {
                    Ok(di) => {
                        g.cites.insert(di);
                    }
                    Err(d) => diags.push(d),
                },
                (None, Some(v)) => diags.push(
                    at(
                        "unknown-version",
                        v.span(),
                        "a version without a document".into(),
                    )
                    .with_help("add `document = \"ID\"` for the document this version belongs to"),
                ),
                (None, None) => {}
            }
            g.decisions.push((ri, ai));
        }
    }
    g.decisions
        .sort_by_key(|&(r, a)| (*reports[r].snapshot.approval[a].date.get_ref(), r, a));

    // Every scale on its own: it must be one a reader can apply.
    for doc in &prog.documents {
        if let Some(scale) = &doc.severity {
            diags.extend(check_scale(scale, &phase_ids));
        }
    }

    // Thresholds from each phase's governing TAD.
    for track in &mut g.phases {
        let Some(gov) = &track.governing else {
            continue;
        };
        let doc = &prog.documents[gov.di];
        let Some(scale) = &doc.severity else { continue };
        let limits = scale
            .scale
            .threshold
            .iter()
            .find(|t| t.phase.get_ref() == &track.id);
        track.thresholds = scale
            .scale
            .severity
            .iter()
            .map(|s| {
                let limit = limits.and_then(|t| {
                    t.limits
                        .iter()
                        .find(|(k, _)| k.get_ref() == &s.id)
                        .map(|(_, v)| *v)
                });
                (s.id.clone(), s.name.clone(), limit)
            })
            .collect();
        track.scale_url = scale.scale.clause.as_ref().and_then(|c| {
            let n = ClauseNumber::parse(c)?;
            let links = &view.links[gov.di];
            let v = &doc.versions[gov.vi];
            v.body
                .clauses
                .iter()
                .any(|x| x.number == n)
                .then(|| format!("{}#{}", links.versions[gov.vi].url, n.anchor()))
        });
    }

    g.events = events(&g, &reports, view);
    g.reports = reports;
    (g, crate::diagnostics::sorted(diags))
}

/// The value of `key = ...` inside `within` (a table's span): where a count of a
/// phase's tests is written, whichever way the table is written.
fn key_in(text: &str, within: std::ops::Range<usize>, key: &str) -> Option<std::ops::Range<usize>> {
    let body = text.get(within.clone())?;
    let mut from = 0;
    while let Some(i) = body[from..].find(key) {
        let at = from + i;
        let before = body[..at].chars().next_back();
        let rest = &body[at + key.len()..];
        let after = rest.trim_start();
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') && after.starts_with('=') {
            let value = after[1..].trim_start();
            let start = within.start + (body.len() - value.len());
            let len = value.find([',', '}', '\n', '#']).unwrap_or(value.len());
            return Some(start..start + value[..len].trim_end().len());
        }
        from = at + key.len();
    }
    None
}

/// A link an author may give: a web address or a path on this site, never a script.
pub fn is_safe_link(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"))
}

/// A severity scale's own mistakes: a severity defined twice, a threshold for a phase
/// the programme does not declare or given twice, a limit for a severity not defined.
fn check_scale(scale: &crate::model::ScaleSource, phase_ids: &[&str]) -> Vec<Diagnostic> {
    let f = &scale.source;
    let at = |code, span: std::ops::Range<usize>, msg: String| {
        Diagnostic::error_at(code, &f.path, &f.text, span, msg)
    };
    let mut diags = Vec::new();
    let ids: Vec<&str> = scale.scale.severity.iter().map(|s| s.id.as_str()).collect();
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            diags.push(Diagnostic::file_error(
                "duplicate-severity",
                &f.path,
                format!("the severity `{id}` is defined twice"),
            ));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for t in &scale.scale.threshold {
        let phase = t.phase.get_ref().as_str();
        if !phase_ids.contains(&phase) {
            diags.push(with_suggestions(
                at(
                    "unknown-phase",
                    t.phase.span(),
                    format!("there is no phase {phase} for this threshold"),
                ),
                phase,
                phase_ids.to_vec(),
                "phases",
            ));
        } else if seen.contains(&phase) {
            diags.push(
                at(
                    "duplicate-threshold",
                    t.phase.span(),
                    format!("the thresholds of {phase} are given twice"),
                )
                .with_help("keep one [[threshold]] a phase"),
            );
        }
        seen.push(phase);
        for key in t.limits.keys() {
            if !ids.contains(&key.get_ref().as_str()) {
                diags.push(
                    at(
                        "unknown-severity",
                        key.span(),
                        format!(
                            "the threshold names severity `{}`, which the scale does not define",
                            key.get_ref()
                        ),
                    )
                    .with_help(
                        "add it to the scale as a [[severity]], or remove it from the limits",
                    ),
                );
            }
        }
    }
    diags
}

/// The anchor of a decision in the log, fixed by the snapshot that records it and its
/// place there, so that a decision added to another snapshot moves no other link.
pub fn decision_anchor(report: &StatusReport, index: usize) -> String {
    format!("decision-{}-{}", report.date, index + 1)
}

/// The order of states, for spotting one that goes backwards; suspended may come and go.
fn rank(s: PhaseState) -> u8 {
    match s {
        PhaseState::NotStarted => 0,
        PhaseState::InProgress | PhaseState::Suspended => 1,
        PhaseState::Complete => 2,
    }
}

/// State changes and decisions, for the feed.
fn events(g: &StatusGraph, reports: &[StatusReport], view: &DocView) -> Vec<StatusEvent> {
    let mut out = Vec::new();
    for track in &g.phases {
        let mut was: Option<PhaseState> = None;
        for &(r, s) in &track.points {
            let p = &reports[r].snapshot.phase[s];
            let now = *p.state.get_ref();
            if was.is_some_and(|w| w != now) || (was.is_none() && now != PhaseState::NotStarted) {
                // The day it happened, where the snapshot says, else the report's date.
                let happened = match now {
                    PhaseState::InProgress if was != Some(PhaseState::Suspended) => {
                        p.actual_start.as_ref()
                    }
                    PhaseState::Complete => p.actual_end.as_ref(),
                    _ => None,
                };
                out.push(StatusEvent {
                    date: happened.map_or(reports[r].date, |d| *d.get_ref()),
                    title: format!("{}: {}", track.name, now.label().to_lowercase()),
                    text: format!(
                        "As reported on {}, {} ({}) is {}.",
                        reports[r].date.long(),
                        track.name,
                        track.id,
                        now.label().to_lowercase()
                    ),
                    url: track.url.clone(),
                    id: format!("{}#state-{}-{}", track.url, reports[r].date, now.code()),
                });
            }
            was = Some(now);
        }
    }
    for &(r, ai) in &g.decisions {
        let a = &reports[r].snapshot.approval[ai];
        let anchor = decision_anchor(&reports[r], ai);
        let body = view
            .parties
            .iter()
            .find(|p| &p.id == a.body.get_ref())
            .map_or(a.body.get_ref().as_str(), |p| p.name.as_str());
        out.push(StatusEvent {
            date: *a.date.get_ref(),
            title: format!(
                "{body}: {} ({})",
                a.subject,
                a.decision.label().to_lowercase()
            ),
            text: match &a.conditions {
                Some(c) => format!(
                    "{body} decided on {}: {}. Conditions: {c}",
                    a.date.get_ref().long(),
                    a.decision.label()
                ),
                None => format!(
                    "{body} decided on {}: {}.",
                    a.date.get_ref().long(),
                    a.decision.label()
                ),
            },
            url: format!("{}decisions/#{anchor}", g.url),
            id: format!("{}decisions/#{anchor}", g.url),
        });
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    out
}

/// `FSM-TAD-R1` in a status file: the document's index.
fn resolve_doc(
    view: &DocView,
    doc: &Spanned<String>,
    f: &crate::model::SourceFile,
) -> Result<usize, Diagnostic> {
    let id = DocId(doc.get_ref().clone());
    match view.index.get(&id) {
        Some(&(pi, di)) if pi == view.pi => Ok(di),
        _ => {
            let ids: Vec<&str> = view
                .programme
                .documents
                .iter()
                .map(|d| d.config.id.as_str())
                .collect();
            Err(with_suggestions(
                Diagnostic::error_at(
                    "unknown-document",
                    &f.path,
                    &f.text,
                    doc.span(),
                    format!(
                        "the programme {} has no document {id}",
                        view.programme.config.id
                    ),
                ),
                id.as_str(),
                ids,
                "documents",
            ))
        }
    }
}

/// `tad = "FSM-TAD-R1 1.1"`: the document and version.
fn resolve_version(
    view: &DocView,
    t: &Spanned<String>,
    f: &crate::model::SourceFile,
) -> Result<Governing, Diagnostic> {
    let mut parts = t.get_ref().split_whitespace();
    let (Some(doc), Some(version), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Diagnostic::error_at(
            "invalid-value",
            &f.path,
            &f.text,
            t.span(),
            format!("`{}` is not a document and version", t.get_ref()),
        )
        .with_help("write the document id and the version, such as \"FSM-TAD-R1 1.1\""));
    };
    let doc = Spanned::new(t.span(), doc.to_owned());
    let version = Spanned::new(t.span(), version.to_owned());
    resolve_version_at(view, &doc, &version, f)
}

fn resolve_version_at(
    view: &DocView,
    doc: &Spanned<String>,
    version: &Spanned<String>,
    f: &crate::model::SourceFile,
) -> Result<Governing, Diagnostic> {
    let di = resolve_doc(view, doc, f)?;
    let d = &view.programme.documents[di];
    let wanted: Option<Version> = version.get_ref().parse().ok();
    let vi = wanted.and_then(|w| d.versions.iter().position(|v| v.meta.version == w));
    match vi {
        Some(vi) => Ok(Governing {
            di,
            vi,
            label: format!("{} version {}", d.config.id, d.versions[vi].meta.version),
            url: view.links[di].versions[vi].url.clone(),
        }),
        None => {
            let versions: Vec<String> = d
                .versions
                .iter()
                .map(|v| v.meta.version.to_string())
                .collect();
            Err(with_suggestions(
                Diagnostic::error_at(
                    "unknown-version",
                    &f.path,
                    &f.text,
                    version.span(),
                    format!("{} has no version {}", d.config.id, version.get_ref()),
                ),
                version.get_ref(),
                versions.iter().map(String::as_str).collect(),
                "versions",
            ))
        }
    }
}

/// `clause = "FSM-TAD-R1 6.1"`: the clause in the document's version in force.
pub fn resolve_clause(
    view: &DocView,
    clause: &Spanned<String>,
    f: &crate::model::SourceFile,
) -> Result<(usize, String), Diagnostic> {
    let bad =
        |msg: String| Diagnostic::error_at("unknown-clause", &f.path, &f.text, clause.span(), msg);
    let Ok(crate::model::RefTarget::Clause(id, number)) =
        crate::parse::parse_target(clause.get_ref())
    else {
        return Err(bad(format!(
            "`{}` is not a clause of a document",
            clause.get_ref()
        ))
        .with_help("write the document id and the clause number, such as \"FSM-TAD-R1 6.1\""));
    };
    let di = resolve_doc(view, &Spanned::new(clause.span(), id.to_string()), f)?;
    let links = &view.links[di];
    let v = &view.programme.documents[di].versions[links.current];
    if v.body.clauses.iter().any(|c| c.number == number) {
        return Ok((di, format!("{}#{}", links.url, number.anchor())));
    }
    let candidates: Vec<String> = v
        .body
        .clauses
        .iter()
        .map(|c| format!("{id} {}", c.number))
        .collect();
    Err(with_suggestions(
        bad(format!(
            "version {} of {id} has no clause {number}",
            v.meta.version
        )),
        &format!("{id} {number}"),
        candidates.iter().map(String::as_str).collect(),
        "clauses",
    ))
}
