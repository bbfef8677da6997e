//! A generator of large synthetic programmes, for benchmarks and scale tests.
//!
//! It writes the real source format (the same files an author writes) so that a
//! benchmark exercises every stage. The output depends only on the [`Spec`]: the same
//! seed gives byte-for-byte the same corpus. It is not part of the command-line tool.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The shape of a generated corpus.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub documents: usize,
    pub versions: usize,
    /// Numbered sections a version; each has `clauses_per_section` paragraph clauses.
    pub sections: usize,
    pub clauses_per_section: usize,
    /// Words in a paragraph clause.
    pub words_per_clause: usize,
    pub seed: u64,
}

impl Spec {
    /// About 8 KB of Markdown a version page, as in the benchmark target.
    pub fn pages(versions_total: usize, seed: u64) -> Spec {
        // Ten versions a document: long histories are rare, many documents are not.
        let documents = (versions_total / 10).max(1);
        Spec {
            documents,
            versions: versions_total.div_ceil(documents),
            sections: 6,
            clauses_per_section: 6,
            words_per_clause: 16,
            seed,
        }
    }
}

const WORDS: &[&str] = &[
    "the",
    "testing",
    "shall",
    "DCC",
    "provide",
    "evidence",
    "phase",
    "approval",
    "service",
    "incident",
    "management",
    "interface",
    "report",
    "criteria",
    "entry",
    "exit",
    "each",
    "release",
    "environment",
    "data",
    "results",
    "within",
    "working",
    "days",
    "of",
    "and",
    "to",
    "for",
    "a",
    "with",
    "User",
    "party",
    "document",
    "coverage",
    "requirement",
    "scenario",
    "case",
    "defect",
    "threshold",
    "severity",
    "schedule",
    "window",
    "notify",
    "publish",
    "submit",
    "review",
    "panel",
    "agree",
    "record",
    "complete",
    "before",
    "after",
    "any",
];

const TERMS: &[&str] = &[
    "Testing Issue",
    "Test Completion Report",
    "Exit Criteria",
    "Test Environment",
    "Mandatory User Testing",
];

/// Writes a corpus under `dir` (which gets `content/`). Returns the number of version
/// files written.
pub fn generate(dir: &Path, spec: &Spec) -> io::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let content = dir.join("content");
    let prog = content.join("gen");
    fs::create_dir_all(&prog)?;
    fs::write(
        content.join("site.toml"),
        "title = \"Generated corpus\"\nbase_url = \"/\"\nnotice = \"Generated for benchmarks.\"\n",
    )?;
    fs::create_dir_all(content.join("pages"))?;
    fs::write(
        content.join("pages/accessibility.md"),
        "+++\ntitle = \"Accessibility statement\"\n+++\n\nGenerated.\n",
    )?;
    fs::write(
        prog.join("programme.toml"),
        "id = \"GEN\"\nname = \"Generated programme\"\n\n[[phases]]\nid = \"PIT\"\nname = \"Pre-Integration Testing\"\n\n[[releases]]\nid = \"R1\"\nname = \"Release 1\"\n",
    )?;
    let mut written = 0;
    for d in 0..spec.documents {
        let doc_dir = prog.join(format!("doc-{d:04}"));
        fs::create_dir_all(&doc_dir)?;
        let (kind, parent) = if d == 0 {
            ("svtad", String::new())
        } else {
            (
                "tad",
                format!("parent = \"GEN-{:04}\"\n", rng.random_range(0..d)),
            )
        };
        fs::write(
            doc_dir.join("document.toml"),
            format!(
                "id = \"GEN-{d:04}\"\nkind = \"{kind}\"\ntitle = \"Generated document {d}\"\n{parent}release = \"R1\"\nphases = [\"PIT\"]\n"
            ),
        )?;
        // Every version of a document starts from the same text; each version revises
        // about one clause in ten, as real versions do.
        let base_seed: u64 = rng.random();
        for v in 0..spec.versions {
            let mut doc_rng = ChaCha8Rng::seed_from_u64(base_seed);
            let text = version_text(&mut doc_rng, spec, d, v);
            fs::write(doc_dir.join(format!("v{}.{}.md", v / 10, v % 10)), text)?;
            written += 1;
        }
    }
    Ok(written)
}

fn version_text(rng: &mut ChaCha8Rng, spec: &Spec, d: usize, v: usize) -> String {
    let status = if v + 1 == spec.versions && spec.versions > 1 {
        "draft-for-consultation"
    } else {
        "designated"
    };
    let mut s = String::with_capacity(9000);
    let _ = write!(
        s,
        "+++\nversion = \"{}.{}\"\nstatus = \"{status}\"\npublished = 2025-{:02}-{:02}\nchange_mechanism = \"after-consultation\"\nchange_summary = \"Generated version {v}.\"\n+++\n\n",
        v / 10,
        v % 10,
        1 + v % 12,
        1 + v % 28
    );
    for sec in 1..=spec.sections {
        let _ = writeln!(s, "# {sec} {}\n", title_words(rng));
        if sec == 1 && d == 0 {
            let _ = writeln!(s, "1.1 In this document:\n");
            for t in TERMS {
                let _ = writeln!(s, "- **{t}** means {}.", sentence(rng, 12));
            }
            s.push('\n');
        }
        let first = if sec == 1 && d == 0 { 2 } else { 1 };
        for c in first..=spec.clauses_per_section {
            let _ = write!(s, "{sec}.{c} ");
            let words = spec.words_per_clause;
            s.push_str(&sentence(rng, words / 2));
            // A reference to a clause of this document or of another.
            let target_doc = if d > 0 && rng.random_bool(0.5) {
                rng.random_range(0..d)
            } else {
                d
            };
            let _ = write!(
                s,
                " as set out in [[GEN-{target_doc:04} {}.{}]], the {} ",
                rng.random_range(1..=spec.sections),
                rng.random_range(2..=spec.clauses_per_section),
                TERMS[rng.random_range(0..TERMS.len())]
            );
            s.push_str(&sentence(rng, words / 2));
            if let Some(k) = (1..=v).rev().find(|&k| revised(d, sec, c, k)) {
                let _ = write!(s, " as revised in version {}.{}", k / 10, k % 10);
            }
            s.push_str(".\n\n");
            if c % 3 == 0 {
                for _ in 0..3 {
                    let _ = writeln!(s, "- {};", sentence(rng, 8));
                }
                s.push('\n');
            }
        }
    }
    s
}

/// Whether version `v` of document `d` revises clause `sec.c`: about one in ten, fixed
/// by the numbers alone so every version agrees.
fn revised(d: usize, sec: usize, c: usize, v: usize) -> bool {
    let mut h = (d as u64) << 40 ^ (sec as u64) << 24 ^ (c as u64) << 12 ^ v as u64;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 32).is_multiple_of(10)
}

fn sentence(rng: &mut ChaCha8Rng, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    s
}

fn title_words(rng: &mut ChaCha8Rng) -> String {
    let mut t = sentence(rng, 3);
    if let Some(c) = t.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    t
}

/// Writes one document with `versions` versions of `clauses` clauses each, every
/// version amending, inserting and removing a few clauses of the one before: the shape
/// of a long-lived SVTAD, for benchmarking redlines.
pub fn generate_history(dir: &Path, versions: usize, clauses: usize, seed: u64) -> io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let content = dir.join("content");
    let doc_dir = content.join("gen").join("svtad");
    fs::create_dir_all(&doc_dir)?;
    fs::write(
        content.join("site.toml"),
        "title = \"Generated history\"\nbase_url = \"/\"\n",
    )?;
    fs::write(
        content.join("gen/programme.toml"),
        "id = \"GEN\"\nname = \"Generated programme\"\n",
    )?;
    fs::write(
        doc_dir.join("document.toml"),
        "id = \"GEN-SVTAD\"\nkind = \"svtad\"\ntitle = \"Generated SVTAD\"\n",
    )?;
    let per_section = 50;
    // (number, text) in reading order; the text of a removed clause is "[Not used]".
    let mut state: Vec<(String, String)> = (0..clauses)
        .map(|i| {
            (
                format!("{}.{}", i / per_section + 1, i % per_section + 1),
                sentence(&mut rng, 24),
            )
        })
        .collect();
    for v in 0..versions {
        if v > 0 {
            for _ in 0..clauses / 25 {
                let i = rng.random_range(0..state.len());
                if state[i].1 != "[Not used]" {
                    let mut words: Vec<String> = state[i].1.split(' ').map(str::to_owned).collect();
                    let w = rng.random_range(0..words.len());
                    words[w] = WORDS[rng.random_range(0..WORDS.len())].to_owned();
                    state[i].1 = words.join(" ");
                }
            }
            let i = rng.random_range(0..state.len());
            state[i].1 = "[Not used]".to_owned();
            // An inserted clause takes the number before it and the next free letter.
            let at = rng.random_range(0..state.len());
            let base = state[at]
                .0
                .trim_end_matches(|c: char| c.is_ascii_uppercase())
                .to_owned();
            let letter = (b'A'..=b'Z')
                .map(|l| format!("{base}{}", l as char))
                .find(|n| !state.iter().any(|(m, _)| m == n));
            if let Some(number) = letter {
                let pos = state
                    .iter()
                    .rposition(|(m, _)| m.starts_with(&base))
                    .unwrap_or(at);
                state.insert(pos + 1, (number, sentence(&mut rng, 20)));
            }
        }
        let mut s = format!(
            "+++\nversion = \"{}.0\"\nstatus = \"designated\"\npublished = {}\nchange_mechanism = \"after-consultation\"\nchange_summary = \"Version {v}.\"\n+++\n\n",
            v + 1,
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(30 * v as u64)))
                .map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
        );
        let mut section = String::new();
        for (number, text) in &state {
            let sec = number.split('.').next().unwrap_or("1");
            if sec != section {
                s.push_str(&format!("# {sec} Section {sec}\n\n"));
                section = sec.to_owned();
            }
            s.push_str(&format!("{number} {text}.\n\n"));
        }
        fs::write(doc_dir.join(format!("v{}.0.md", v + 1)), s)?;
    }
    Ok(())
}

/// The shape of a generated trace.
#[derive(Debug, Clone, Copy)]
pub struct TraceSpec {
    pub requirements: usize,
    /// Test cases; there is one scenario for every five.
    pub cases: usize,
    /// Result snapshots, each reporting about six cases in ten.
    pub snapshots: usize,
    pub seed: u64,
}

const COMPONENTS: &[(&str, &str)] = &[
    ("SSI", "Self Service Interface"),
    ("SSMI", "Self Service Management Interface"),
    ("INC", "Incident management"),
    ("CHO", "Communications Hub ordering"),
    ("CHR", "Communications Hub returns"),
    ("MFA", "Multi-factor authentication"),
    ("RPT", "Reporting"),
    ("MIG", "Data migration"),
    ("NFR", "Performance and capacity"),
    ("SEC", "Security"),
];

const PHASES: &[&str] = &["PIT", "SIT", "UIT"];

/// Adds a CTD with trace tables to a corpus that [`generate`] wrote with `spec`: its
/// requirements cite clauses of the generated documents, its cases and scenarios cover
/// the requirements, and about one requirement in a hundred is uncovered and one in
/// fifty suspect, so the gap pages have rows. Returns the number of tests written.
pub fn generate_trace(dir: &Path, spec: &Spec, trace: &TraceSpec) -> io::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(trace.seed);
    let prog = dir.join("content/gen");
    let mut programme = String::from("id = \"GEN\"\nname = \"Generated programme\"\n");
    for p in PHASES {
        let _ = write!(
            programme,
            "\n[[phases]]\nid = \"{p}\"\nname = \"Phase {p}\"\n"
        );
    }
    programme.push_str("\n[[releases]]\nid = \"R1\"\nname = \"Release 1\"\n\n[[releases]]\nid = \"R2\"\nname = \"Release 2\"\n");
    for (id, name) in COMPONENTS {
        let _ = write!(
            programme,
            "\n[[components]]\nid = \"{id}\"\nname = \"{name}\"\n"
        );
    }
    fs::write(prog.join("programme.toml"), programme)?;

    let ctd = prog.join("ctd");
    fs::create_dir_all(ctd.join("trace/results"))?;
    fs::write(
        ctd.join("document.toml"),
        "id = \"GEN-CTD\"\nkind = \"ctd\"\ntitle = \"Generated CTD\"\nparent = \"GEN-0000\"\nrelease = \"R1\"\nphases = [\"PIT\", \"SIT\", \"UIT\"]\n",
    )?;
    fs::write(
        ctd.join("v1.0.md"),
        "+++\nversion = \"1.0\"\nstatus = \"approved\"\npublished = 2025-01-10\nchange_mechanism = \"tag-approval\"\nchange_summary = \"Generated.\"\n+++\n\n# 1 Trace\n\n1.1 The trace tables are published alongside this document.\n",
    )?;

    let req_id = |i: usize| format!("REQ-{}-{i:05}", COMPONENTS[i % COMPONENTS.len()].0);
    let mut out = String::from("id,title,source,component,release\n");
    for i in 0..trace.requirements {
        let _ = writeln!(
            out,
            "{},{},GEN-{:04} {}.{},{},R{}",
            req_id(i),
            title_words(&mut rng),
            rng.random_range(0..spec.documents),
            rng.random_range(1..=spec.sections),
            rng.random_range(2..=spec.clauses_per_section),
            COMPONENTS[i % COMPONENTS.len()].0,
            1 + usize::from(i % 10 == 9),
        );
    }
    fs::write(ctd.join("trace/requirements.csv"), out)?;

    // Every requirement but one in a hundred is covered by some scenario.
    let covered: Vec<usize> = (0..trace.requirements).filter(|i| i % 100 != 37).collect();
    let scenarios = trace.cases.div_ceil(5).max(1);
    let mut scenario_reqs: Vec<Vec<usize>> = vec![Vec::new(); scenarios];
    for (k, &r) in covered.iter().enumerate() {
        scenario_reqs[k % scenarios].push(r);
    }
    let mut out = String::from("id,title,phase,covers\n");
    for (s, reqs) in scenario_reqs.iter_mut().enumerate() {
        if reqs.is_empty() {
            reqs.push(covered[rng.random_range(0..covered.len())]);
        }
        let ids: Vec<String> = reqs.iter().map(|&r| req_id(r)).collect();
        let _ = writeln!(
            out,
            "TS-{s:05},{},{},{}",
            title_words(&mut rng),
            PHASES[s % PHASES.len()],
            ids.join(";")
        );
    }
    fs::write(ctd.join("trace/scenarios.csv"), out)?;

    let mut out = String::from("id,title,phase,scenario,covers\n");
    let mut cases = Vec::with_capacity(trace.cases);
    for c in 0..trace.cases {
        let s = c / 5;
        let id = format!("TC-{s:05}-{:02}", c % 5 + 1);
        // Half the cases cover their scenario's requirements; the rest name one.
        let covers = if c % 2 == 0 {
            String::new()
        } else {
            let reqs = &scenario_reqs[s];
            req_id(reqs[rng.random_range(0..reqs.len())])
        };
        let _ = writeln!(
            out,
            "{id},{},{},TS-{s:05},{covers}",
            title_words(&mut rng),
            PHASES[s % PHASES.len()]
        );
        cases.push(id);
    }
    fs::write(ctd.join("trace/cases.csv"), out)?;

    let mut out = String::from("requirement,coverage,reviewed,rationale,risk,mitigation\n");
    for &r in &covered {
        let (coverage, rationale) = match rng.random_range(0..20) {
            0 => ("partial", "Part of it is proved by inspection"),
            1 => ("deferred", "Deferred to a later phase"),
            _ => ("full", ""),
        };
        // One review in fifty predates every generated version, so some are suspect.
        let reviewed = if r % 50 == 3 {
            "2024-12-01"
        } else {
            "2026-01-15"
        };
        let _ = writeln!(out, "{},{coverage},{reviewed},{rationale},,", req_id(r));
    }
    fs::write(ctd.join("trace/coverage.csv"), out)?;

    let outcomes = [
        "passed", "passed", "passed", "passed", "failed", "blocked", "not-run",
    ];
    for n in 0..trace.snapshots {
        let mut out = String::from("test,result,note\n");
        for id in &cases {
            if rng.random_bool(0.6) {
                let outcome = outcomes[rng.random_range(0..outcomes.len())];
                let note = if outcome == "failed" {
                    format!("TI-{:05}", rng.random_range(0..100_000))
                } else {
                    String::new()
                };
                let _ = writeln!(out, "{id},{outcome},{note}");
            }
        }
        fs::write(
            ctd.join(format!("trace/results/2026-{:02}-01.csv", 1 + n % 12)),
            out,
        )?;
    }
    Ok(scenarios + trace.cases)
}

/// Adds `weeks` weekly phase status snapshots to a corpus that [`generate_trace`]
/// extended (it declares PIT, SIT and UIT), with a severity scale in the TAD `doc-0001`:
/// PIT runs for the first third, SIT the second, UIT the last, each with its execution,
/// Testing Issues that rise and fall, criteria and a decision when it completes.
pub fn generate_status(dir: &Path, weeks: usize) -> io::Result<()> {
    let prog = dir.join("content/gen");
    fs::write(
        prog.join("doc-0001/severity.toml"),
        "[[severity]]\nid = \"1\"\nname = \"Critical\"\n\n[[severity]]\nid = \"2\"\nname = \"High\"\n\n[[severity]]\nid = \"3\"\nname = \"Medium\"\n\n[[threshold]]\nphase = \"PIT\"\nlimits = { \"1\" = 0, \"2\" = 2, \"3\" = 10 }\n\n[[threshold]]\nphase = \"SIT\"\nlimits = { \"1\" = 0, \"2\" = 0, \"3\" = 5 }\n",
    )?;
    let status = prog.join("status");
    fs::create_dir_all(&status)?;
    let start = chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap_or_default();
    let day = |w: usize| start + chrono::Days::new(7 * w as u64);
    let third = weeks.div_ceil(3).max(1);
    for w in 0..weeks {
        let date = day(w);
        let mut s = format!("summary = \"Week {w}.\"\n");
        for (k, phase) in PHASES.iter().enumerate() {
            let (from, to) = (k * third, (k + 1) * third);
            let state = if w < from {
                "not-started"
            } else if w < to || k + 1 == PHASES.len() {
                "in-progress"
            } else {
                "complete"
            };
            let _ = write!(
                s,
                "\n[[phase]]\nid = \"{phase}\"\nstate = \"{state}\"\nplanned_start = {}\nplanned_end = {}\ntad = \"GEN-0001 0.0\"\n",
                day(from),
                day(to)
            );
            if state == "not-started" {
                continue;
            }
            let _ = writeln!(s, "actual_start = {}", day(from));
            if state == "complete" {
                let _ = writeln!(s, "actual_end = {}", day(to));
            }
            let done = if state == "complete" {
                third
            } else {
                (w - from + 1).min(third)
            };
            let planned = 200;
            let executed = planned * done / third;
            let _ = write!(
                s,
                "\n[phase.tests]\nplanned = {planned}\nexecuted = {executed}\npassed = {}\nfailed = {}\nblocked = {}\n",
                executed * 9 / 10,
                executed / 20,
                executed / 40
            );
            // Issues rise to the middle of the phase and fall away by its end.
            let open = if state == "complete" {
                0
            } else {
                (done * (third - done)) % 12
            };
            let _ = write!(
                s,
                "\n[phase.issues.open]\n\"2\" = {}\n\"3\" = {open}\n\n[phase.issues.closed]\n\"3\" = {done}\n",
                open / 5
            );
            let met = if state == "complete" {
                "met"
            } else {
                "not-met"
            };
            let _ = write!(
                s,
                "\n[[phase.criterion]]\nkind = \"exit\"\ntext = \"Open Testing Issues are within the Exit Thresholds.\"\nclause = \"GEN-0001 1.2\"\nstatus = \"{met}\"\n"
            );
        }
        for (k, phase) in PHASES.iter().enumerate() {
            if k + 1 < PHASES.len() && w == (k + 1) * third {
                let _ = write!(
                    s,
                    "\n[[approval]]\nbody = \"tab\"\nsubject = \"{phase} completion\"\ndecision = \"approved\"\ndate = {date}\nphase = \"{phase}\"\ndocument = \"GEN-0001\"\nversion = \"0.0\"\n"
                );
            }
        }
        fs::write(status.join(format!("{date}.toml")), s)?;
    }
    let site = dir.join("content/site.toml");
    let mut text = fs::read_to_string(&site)?;
    text.push_str("\n[[parties]]\nid = \"tab\"\nname = \"TAB\"\n");
    fs::write(site, text)
}
