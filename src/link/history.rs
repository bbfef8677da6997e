//! A document's history: which version follows which, and what each version did to each
//! clause (inserted, amended, removed, renumbered), matched by clause number.
//!
//! Clauses are matched across versions by number, as the SEC numbers them: numbers are
//! never reused, an inserted clause takes a letter (`4.2A`), and a removed clause stays
//! as `[Not used]`. A version may declare that it renumbers clauses; a renumbering it
//! does not declare is guessed from the text and reported as a warning. This module
//! compares plain clause text; the word-level redline is drawn by `render`.

use std::collections::{BTreeMap, HashMap};

use similar::TextDiff;

use crate::diagnostics::{closest, did_you_mean, toml_key_range, Diagnostic};
use crate::model::{Body, ClauseNumber, Date, DocVersion, Document};

/// What a version did to one clause, compared with the version it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Unchanged,
    Inserted,
    Amended,
    Removed,
    /// Moved to a new number, its text the same.
    Renumbered,
    /// Moved to a new number and its text changed.
    RenumberedAmended,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Unchanged => "Unchanged",
            Change::Inserted => "Inserted",
            Change::Amended => "Amended",
            Change::Removed => "Removed",
            Change::Renumbered => "Renumbered",
            Change::RenumberedAmended => "Renumbered and amended",
        }
    }
}

/// One clause in a comparison of two versions.
#[derive(Debug, Clone)]
pub struct ClauseDelta {
    pub change: Change,
    /// The clause's index in the older version, when it was there.
    pub old: Option<usize>,
    /// The clause's index in the newer version, when it is there.
    pub new: Option<usize>,
}

/// A comparison of two versions of one document, clause by clause, in reading order.
#[derive(Debug, Clone)]
pub struct VersionDiff {
    /// Version indices: `from` is the older.
    pub from: usize,
    pub to: usize,
    pub deltas: Vec<ClauseDelta>,
}

impl VersionDiff {
    /// How many clauses each kind of change touched.
    pub fn count(&self, change: Change) -> usize {
        self.deltas.iter().filter(|d| d.change == change).count()
    }

    /// Whether anything but unchanged clauses is in it.
    pub fn changed(&self) -> impl Iterator<Item = &ClauseDelta> {
        self.deltas.iter().filter(|d| d.change != Change::Unchanged)
    }
}

/// One change to a clause over the life of a document.
#[derive(Debug, Clone)]
pub struct ClauseEvent {
    /// The version that made the change.
    pub version: usize,
    pub change: Change,
    /// The clause's number before, for a renumbering.
    pub from: Option<ClauseNumber>,
    /// The number the clause moved to, on the history of its old number.
    pub to: Option<ClauseNumber>,
}

/// Everything `render` needs to show a document's history.
#[derive(Debug, Clone, Default)]
pub struct DocHistory {
    /// For each version, the version it supersedes (none for the first).
    pub predecessor: Vec<Option<usize>>,
    /// For each version, what changed from its predecessor.
    pub changes: Vec<Option<VersionDiff>>,
    /// For each version other than the current one, the comparison with the current one.
    pub to_current: Vec<Option<VersionDiff>>,
    /// Each clause number ever used, with its changes in version order.
    pub clauses: BTreeMap<ClauseNumber, Vec<ClauseEvent>>,
}

/// The text that marks a removed clause.
pub const NOT_USED: &str = "[Not used]";

/// Works out a document's history and checks its versions' order and dates. `current`
/// is the index of the version shown at the document's URL.
pub fn history(doc: &Document, current: usize) -> (DocHistory, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let predecessor = predecessors(doc, &mut diags);
    check_dates(doc, &predecessor, &mut diags);

    let renumberings: Vec<HashMap<ClauseNumber, ClauseNumber>> = doc
        .versions
        .iter()
        .map(|v| renumbering(v, &mut diags))
        .collect();

    let changes: Vec<Option<VersionDiff>> = (0..doc.versions.len())
        .map(|vi| {
            let from = predecessor[vi]?;
            check_moved_from(doc, vi, from, &renumberings[vi], &mut diags);
            let diff = compare(doc, from, vi, &renumberings[vi]);
            unannounced_renumbering(doc, &diff, &mut diags);
            Some(diff)
        })
        .collect();
    let to_current = (0..doc.versions.len())
        .map(|vi| {
            (vi != current).then(|| {
                let (from, to) = if vi < current {
                    (vi, current)
                } else {
                    (current, vi)
                };
                compare(
                    doc,
                    from,
                    to,
                    &composed_renumbering(&renumberings, from, to),
                )
            })
        })
        .collect();

    let mut clauses: BTreeMap<ClauseNumber, Vec<ClauseEvent>> = BTreeMap::new();
    if let Some(first) = doc.versions.first() {
        for c in &first.body.clauses {
            clauses
                .entry(c.number.clone())
                .or_default()
                .push(ClauseEvent {
                    version: 0,
                    change: Change::Inserted,
                    from: None,
                    to: None,
                });
        }
    }
    for diff in changes.iter().flatten() {
        for d in diff.changed() {
            let (number, from) = delta_numbers(doc, diff, d);
            if let Some(old) = &from {
                // A moved clause keeps its past under its new number, and its old number
                // says where it went.
                let past = clauses.get(old).cloned().unwrap_or_default();
                let list = clauses.entry(number.clone()).or_default();
                if list.is_empty() {
                    *list = past;
                }
                clauses.entry(old.clone()).or_default().push(ClauseEvent {
                    version: diff.to,
                    change: d.change,
                    from: None,
                    to: Some(number.clone()),
                });
            }
            clauses.entry(number).or_default().push(ClauseEvent {
                version: diff.to,
                change: d.change,
                from,
                to: None,
            });
        }
    }
    (
        DocHistory {
            predecessor,
            changes,
            to_current,
            clauses,
        },
        diags,
    )
}

/// The number a delta is filed under (the newer one) and, for a renumbering, the older.
pub fn delta_numbers(
    doc: &Document,
    diff: &VersionDiff,
    d: &ClauseDelta,
) -> (ClauseNumber, Option<ClauseNumber>) {
    let old = d
        .old
        .map(|i| doc.versions[diff.from].body.clauses[i].number.clone());
    let new = d
        .new
        .map(|i| doc.versions[diff.to].body.clauses[i].number.clone());
    match (new, old) {
        (Some(n), Some(o)) if n != o => (n, Some(o)),
        (Some(n), _) => (n, None),
        (None, Some(o)) => (o, None),
        (None, None) => unreachable!("a delta has at least one side"),
    }
}

/// Each version's predecessor: the version it names in `supersedes`, else the one before
/// it by number.
fn predecessors(doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<Option<usize>> {
    doc.versions
        .iter()
        .enumerate()
        .map(|(vi, v)| {
            let Some(named) = &v.meta.supersedes else {
                return vi.checked_sub(1);
            };
            match doc.versions.iter().position(|o| &o.meta.version == named) {
                Some(pi) if pi < vi => Some(pi),
                Some(_) => {
                    diags.push(at_key(
                        v,
                        "supersedes",
                        "invalid-supersedes",
                        format!(
                            "version {} cannot supersede version {named}, which is not older",
                            v.meta.version
                        ),
                        Some("a version supersedes an earlier version".to_owned()),
                    ));
                    vi.checked_sub(1)
                }
                None => {
                    let known: Vec<String> = doc.versions[..vi]
                        .iter()
                        .map(|o| o.meta.version.to_string())
                        .collect();
                    let help = did_you_mean(&closest(
                        named.as_str(),
                        known.iter().map(String::as_str),
                    ))
                    .or_else(|| {
                        (!known.is_empty()).then(|| format!("earlier versions: {}", known.join(", ")))
                    });
                    diags.push(at_key(
                        v,
                        "supersedes",
                        "unknown-version",
                        format!(
                            "version {} supersedes version {named}, which this document does not have",
                            v.meta.version
                        ),
                        help,
                    ));
                    vi.checked_sub(1)
                }
            }
        })
        .collect()
}

/// A version cannot take effect before the version it supersedes.
fn check_dates(doc: &Document, predecessor: &[Option<usize>], diags: &mut Vec<Diagnostic>) {
    for (vi, v) in doc.versions.iter().enumerate() {
        let Some(pi) = predecessor[vi] else { continue };
        let p = &doc.versions[pi];
        // A draft takes no effect, so its dates cannot contradict its predecessor's.
        if !v.meta.status.is_in_force_kind() {
            continue;
        }
        if v.meta.effective() < p.meta.effective() {
            let key = if v.meta.effective_from.is_some() {
                "effective_from"
            } else {
                "published"
            };
            diags.push(at_key(
                v,
                key,
                "effective-before-predecessor",
                format!(
                    "version {} takes effect on {}, before version {} which it supersedes ({})",
                    v.meta.version,
                    v.meta.effective().iso(),
                    p.meta.version,
                    p.meta.effective().iso()
                ),
                Some(format!(
                    "correct the date, or the version numbers if {} is really the later version",
                    p.meta.version
                )),
            ));
        }
    }
}

/// A version's declared renumbering, checked against the clauses it names.
fn renumbering(v: &DocVersion, diags: &mut Vec<Diagnostic>) -> HashMap<ClauseNumber, ClauseNumber> {
    let mut map = HashMap::new();
    for (old, new) in &v.meta.renumbered {
        match (ClauseNumber::parse(old), ClauseNumber::parse(new)) {
            (Some(o), Some(n)) => {
                if !v.body.clauses.iter().any(|c| c.number == n) {
                    diags.push(at_key(
                        v,
                        "renumbered",
                        "unknown-clause",
                        format!("`renumbered` moves clause {o} to {n}, but this version has no clause {n}"),
                        None,
                    ));
                }
                map.insert(o, n);
            }
            _ => diags.push(at_key(
                v,
                "renumbered",
                "invalid-value",
                format!("`\"{old}\" = \"{new}\"` in `renumbered` is not a pair of clause numbers"),
                Some("write the old number then the new, such as \"4.3\" = \"4.4\"".to_owned()),
            )),
        }
    }
    map
}

/// Each clause a version says it renumbers must be in the version it supersedes.
fn check_moved_from(
    doc: &Document,
    vi: usize,
    from: usize,
    moves: &HashMap<ClauseNumber, ClauseNumber>,
    diags: &mut Vec<Diagnostic>,
) {
    let old = &doc.versions[from];
    let mut missing: Vec<&ClauseNumber> = moves
        .keys()
        .filter(|o| !old.body.clauses.iter().any(|c| &c.number == *o))
        .collect();
    missing.sort();
    for o in missing {
        diags.push(at_key(
            &doc.versions[vi],
            "renumbered",
            "unknown-clause",
            format!(
                "`renumbered` moves clause {o}, but version {}, which this version supersedes, has no clause {o}",
                old.meta.version
            ),
            Some("the old number comes first: \"old\" = \"new\"".to_owned()),
        ));
    }
}

/// The renumberings made by the versions after `from` up to `to`, composed, for
/// comparing two versions that are not consecutive.
fn composed_renumbering(
    all: &[HashMap<ClauseNumber, ClauseNumber>],
    from: usize,
    to: usize,
) -> HashMap<ClauseNumber, ClauseNumber> {
    let mut map: HashMap<ClauseNumber, ClauseNumber> = HashMap::new();
    for step in &all[from + 1..=to] {
        for target in map.values_mut() {
            if let Some(next) = step.get(target) {
                *target = next.clone();
            }
        }
        for (o, n) in step {
            if !map.values().any(|v| v == n) {
                map.entry(o.clone()).or_insert_with(|| n.clone());
            }
        }
    }
    map
}

fn is_not_used(body: &Body, i: usize) -> bool {
    let c = &body.clauses[i];
    body.clause_text(c)
        .trim_start_matches(c.title.as_deref().unwrap_or(""))
        .trim()
        == NOT_USED
}

/// Compares versions `from` and `to` clause by clause. `moves` maps clause numbers of
/// `from` to their numbers in `to`.
pub fn compare(
    doc: &Document,
    from: usize,
    to: usize,
    moves: &HashMap<ClauseNumber, ClauseNumber>,
) -> VersionDiff {
    let old = &doc.versions[from].body;
    let new = &doc.versions[to].body;
    let new_index: HashMap<&ClauseNumber, usize> = new
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.number, i))
        .collect();
    let moved_to: HashMap<&ClauseNumber, &ClauseNumber> = moves.iter().collect();
    let moved_in: HashMap<&ClauseNumber, &ClauseNumber> =
        moves.iter().map(|(o, n)| (n, o)).collect();

    // Where each old clause went, if anywhere.
    let mut matched_new = vec![None; new.clauses.len()];
    let mut deltas_for_old: Vec<ClauseDelta> = Vec::with_capacity(old.clauses.len());
    for (oi, c) in old.clauses.iter().enumerate() {
        let target = match moved_to.get(&c.number) {
            Some(n) => new_index.get(n).copied(),
            // A number another clause moved into is not the same clause.
            None if moved_in.contains_key(&c.number) => None,
            None => new_index.get(&c.number).copied(),
        };
        let delta = match target {
            None => ClauseDelta {
                change: Change::Removed,
                old: Some(oi),
                new: None,
            },
            Some(ni) => {
                matched_new[ni] = Some(oi);
                let same = old.clause_text(c) == new.clause_text(&new.clauses[ni]);
                let renumbered = new.clauses[ni].number != c.number;
                let change = if !is_not_used(old, oi) && is_not_used(new, ni) {
                    Change::Removed
                } else {
                    match (renumbered, same) {
                        (false, true) => Change::Unchanged,
                        (false, false) => Change::Amended,
                        (true, true) => Change::Renumbered,
                        (true, false) => Change::RenumberedAmended,
                    }
                };
                ClauseDelta {
                    change,
                    old: Some(oi),
                    new: Some(ni),
                }
            }
        };
        deltas_for_old.push(delta);
    }

    // Reading order: the newer version's clauses, with each removed clause placed after
    // the clause that preceded it in the older version.
    let mut removed_after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    let mut last_matched_new: Option<usize> = None;
    for (oi, d) in deltas_for_old.iter().enumerate() {
        match d.new {
            Some(ni) => last_matched_new = Some(ni),
            None => removed_after.entry(last_matched_new).or_default().push(oi),
        }
    }
    let mut deltas = Vec::with_capacity(new.clauses.len() + 4);
    let removed = |at: Option<usize>,
                   deltas: &mut Vec<ClauseDelta>,
                   removed_after: &mut HashMap<Option<usize>, Vec<usize>>| {
        for oi in removed_after.remove(&at).unwrap_or_default() {
            deltas.push(deltas_for_old[oi].clone());
        }
    };
    removed(None, &mut deltas, &mut removed_after);
    for (ni, m) in matched_new.iter().enumerate() {
        // `[Not used]` left at the number a clause moved away from is the mark of the
        // move, not a clause of its own.
        if m.is_none() && moves.contains_key(&new.clauses[ni].number) && is_not_used(new, ni) {
            removed(Some(ni), &mut deltas, &mut removed_after);
            continue;
        }
        deltas.push(match m {
            Some(oi) => deltas_for_old[*oi].clone(),
            None => ClauseDelta {
                change: Change::Inserted,
                old: None,
                new: Some(ni),
            },
        });
        removed(Some(ni), &mut deltas, &mut removed_after);
    }
    VersionDiff { from, to, deltas }
}

/// A clause that vanished while a clause with nearly the same text appeared elsewhere
/// was probably renumbered without saying so.
fn unannounced_renumbering(doc: &Document, diff: &VersionDiff, diags: &mut Vec<Diagnostic>) {
    if diff.count(Change::Inserted) == 0 {
        // Nothing appeared, so nothing can have moved.
        return;
    }
    let old = &doc.versions[diff.from];
    let new = &doc.versions[diff.to];
    // Clauses whose text may have left their number: gone entirely, or amended (with how
    // like their old text the number's new text still is).
    let candidates: Vec<(usize, f32)> = diff
        .deltas
        .iter()
        .filter_map(|d| match (d.change, d.old, d.new) {
            (Change::Removed, Some(oi), None) => Some((oi, 0.0)),
            (Change::Amended, Some(oi), Some(ni)) => {
                let (o, n) = (&old.body.clauses[oi], &new.body.clauses[ni]);
                let kept =
                    TextDiff::from_words(old.body.clause_text(o), new.body.clause_text(n)).ratio();
                Some((oi, kept))
            }
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    for d in diff.deltas.iter().filter(|d| d.change == Change::Inserted) {
        let Some(ni) = d.new else { continue };
        let nc = &new.body.clauses[ni];
        let text = new.body.clause_text(nc);
        // The old clause this one reads like, if it reads more like it than the text now
        // under the old clause's own number does.
        let best = candidates
            .iter()
            .map(|&(oi, kept)| {
                let oc = &old.body.clauses[oi];
                let ratio = TextDiff::from_words(old.body.clause_text(oc), text).ratio();
                (ratio, kept, oc)
            })
            .filter(|(ratio, kept, _)| ratio > kept)
            .map(|(ratio, _, oc)| (ratio, oc))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((ratio, oc)) = best {
            if ratio >= 0.85 && !text.is_empty() {
                let src = &new.body.source;
                let at = new.body.offset + nc.range.start;
                diags.push(
                    Diagnostic::error_at(
                        "unannounced-renumbering",
                        &src.path,
                        &src.text,
                        at..at + nc.number.as_str().len(),
                        format!(
                            "clause {} reads like clause {} of version {}, whose text is no longer under that number",
                            nc.number, oc.number, old.meta.version
                        ),
                    )
                    .with_help(format!(
                        "if it was renumbered, say so in the front matter: [renumbered] \"{}\" = \"{}\"",
                        oc.number, nc.number
                    ))
                    .warning(),
                );
            }
        }
    }
}

/// A diagnostic at the value of `key` in a version's front matter.
fn at_key(
    v: &DocVersion,
    key: &str,
    code: &'static str,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    let src = &v.body.source;
    let front_matter = &src.text[..v.body.offset];
    let d = match toml_key_range(front_matter, 0, key).or_else(|| table_range(front_matter, key)) {
        Some(range) => Diagnostic::error_at(code, &src.path, &src.text, range, message),
        None => Diagnostic::file_error(code, &src.path, message),
    };
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// The range of a `[key]` table header.
fn table_range(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let header = format!("[{key}]");
    text.find(&header).map(|i| i..i + header.len())
}

/// The dated periods a document's versions were in force: each approved or designated
/// version from its effective date until the next one's.
pub fn periods(doc: &Document, today: Date) -> Vec<(usize, Date, Option<Date>)> {
    // A prospective version has not been in force yet; it is listed as pending instead.
    let mut in_force: Vec<usize> = (0..doc.versions.len())
        .filter(|&i| {
            let m = &doc.versions[i].meta;
            m.status.is_in_force_kind() && m.effective() <= today
        })
        .collect();
    in_force.sort_by_key(|&i| {
        (
            doc.versions[i].meta.effective(),
            doc.versions[i].meta.version.clone(),
        )
    });
    let mut out: Vec<(usize, Date, Option<Date>)> = Vec::new();
    for (k, &i) in in_force.iter().enumerate() {
        let start = doc.versions[i].meta.effective();
        let end = in_force
            .get(k + 1)
            .map(|&j| doc.versions[j].meta.effective());
        if end != Some(start) {
            out.push((i, start, end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocVersion, SourceFile};

    /// A document from version texts: front matter (version, status, date) and body.
    fn doc(versions: &[(&str, &str, &str, &str)]) -> Document {
        let versions = versions
            .iter()
            .map(|(v, status, date, body)| {
                let text = format!(
                    "+++\nversion = \"{v}\"\nstatus = \"{status}\"\npublished = {date}\nchange_mechanism = \"after-consultation\"\nchange_summary = \"x\"\n+++\n{body}"
                );
                let (parsed, diags) =
                    crate::parse::parse_version_file(&SourceFile::new(format!("d/v{v}.md"), text));
                assert!(diags.is_empty(), "{diags:?}");
                let (meta, body) = parsed.unwrap();
                DocVersion {
                    meta,
                    body,
                    obligations: Vec::new(),
                }
            })
            .collect();
        Document {
            slug: "d".into(),
            source: SourceFile::new(
                "d/document.toml",
                "id = \"D\"\nkind = \"svtad\"\ntitle = \"T\"\n",
            ),
            config: toml::from_str("id = \"D\"\nkind = \"svtad\"\ntitle = \"T\"\n").unwrap(),
            versions,
            incomplete: false,
            trace: Default::default(),
            severity: None,
        }
    }

    fn summary(doc: &Document, diff: &VersionDiff) -> Vec<String> {
        diff.deltas
            .iter()
            .map(|d| {
                let (n, from) = delta_numbers(doc, diff, d);
                match from {
                    Some(f) => format!("{n}<-{f} {}", d.change.label()),
                    None => format!("{n} {}", d.change.label()),
                }
            })
            .collect()
    }

    #[test]
    fn classifies_every_kind_of_change_in_reading_order() {
        let d = doc(&[
            ("1.0", "designated", "2024-01-01", "# 1 Scope\n\n1.1 Alpha beta.\n\n1.2 Gamma delta.\n\n1.3 Removed soon.\n\n1.4 Going away.\n"),
            ("1.1", "designated", "2024-02-01", "# 1 Scope\n\n1.1 Alpha beta.\n\n1.1A New words.\n\n1.2 Gamma epsilon.\n\n1.3 [Not used]\n"),
        ]);
        let (h, diags) = history(&d, 1);
        assert!(diags.is_empty(), "{diags:?}");
        let diff = h.changes[1].as_ref().unwrap();
        assert_eq!(
            summary(&d, diff),
            [
                "1 Unchanged",
                "1.1 Unchanged",
                "1.1A Inserted",
                "1.2 Amended",
                "1.3 Removed",
                "1.4 Removed"
            ]
        );
        assert_eq!(h.predecessor, [None, Some(0)]);
        let events: Vec<(usize, Change)> = h.clauses[&ClauseNumber::parse("1.2").unwrap()]
            .iter()
            .map(|e| (e.version, e.change))
            .collect();
        assert_eq!(events, [(0, Change::Inserted), (1, Change::Amended)]);
    }

    #[test]
    fn declared_renumbering_is_matched_and_undeclared_is_warned() {
        let base =
            "# 1 Scope\n\n1.1 Alpha beta gamma delta epsilon zeta.\n\n1.2 Other words here.\n";
        let moved = "# 1 Scope\n\n1.1 [Not used]\n\n1.2 Other words here.\n\n1.3 Alpha beta gamma delta epsilon zeta.\n";
        let d = doc(&[
            ("1.0", "designated", "2024-01-01", base),
            ("1.1", "designated", "2024-02-01", moved),
        ]);
        let (h, diags) = history(&d, 1);
        assert_eq!(
            summary(&d, h.changes[1].as_ref().unwrap()),
            [
                "1 Unchanged",
                "1.1 Removed",
                "1.2 Unchanged",
                "1.3 Inserted"
            ]
        );
        // "1.1" became "[Not used]", so no warning: it was removed, and 1.3 is new text
        // that happens to match. Only a clause that vanishes entirely is suspect.
        assert!(diags.is_empty(), "{diags:?}");

        let vanished =
            "# 1 Scope\n\n1.2 Other words here.\n\n1.3 Alpha beta gamma delta epsilon zeta.\n";
        let d = doc(&[
            ("1.0", "designated", "2024-01-01", base),
            ("1.1", "designated", "2024-02-01", vanished),
        ]);
        let (_, diags) = history(&d, 1);
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].short(),
            "warning[unannounced-renumbering]: d/v1.1.md:12:1: clause 1.3 reads like clause 1.1 of version 1.0, whose text is no longer under that number (help: if it was renumbered, say so in the front matter: [renumbered] \"1.1\" = \"1.3\")"
        );
    }

    #[test]
    fn effective_dates_must_not_go_backwards() {
        let d = doc(&[
            ("1.0", "designated", "2024-03-01", "1.1 A.\n"),
            ("1.1", "designated", "2024-02-01", "1.1 B.\n"),
        ]);
        let (_, diags) = history(&d, 1);
        assert_eq!(
            diags[0].short(),
            "error[effective-before-predecessor]: d/v1.1.md:4:13: version 1.1 takes effect on 2024-02-01, before version 1.0 which it supersedes (2024-03-01) (help: correct the date, or the version numbers if 1.0 is really the later version)"
        );
    }

    #[test]
    fn periods_run_from_one_effective_date_to_the_next() {
        let d = doc(&[
            ("0.1", "draft", "2024-01-01", "1.1 A.\n"),
            ("1.0", "designated", "2024-03-01", "1.1 B.\n"),
            ("1.1", "designated", "2024-06-01", "1.1 C.\n"),
        ]);
        let today = Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let p: Vec<(usize, String, Option<String>)> = periods(&d, today)
            .into_iter()
            .map(|(i, s, e)| (i, s.iso(), e.map(|e| e.iso())))
            .collect();
        assert_eq!(
            p,
            [
                (1, "2024-03-01".into(), Some("2024-06-01".into())),
                (2, "2024-06-01".into(), None)
            ]
        );
    }
}
