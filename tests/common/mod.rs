//! Helpers shared by the integration tests: running the `attest` binary, copying the
//! fixture project to a temporary folder, snapshotting an output folder and reading the
//! links out of built pages.
//!
//! Every test file includes this module with `mod common;` and uses only part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// The `attest` binary Cargo built for these tests.
pub fn attest_bin() -> &'static str {
    env!("CARGO_BIN_EXE_attest")
}

/// Runs `attest` with `args` and returns its output. Colour and terminal detection are
/// irrelevant: the output is captured, so stderr is never a terminal.
pub fn attest<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(attest_bin())
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the attest binary runs")
}

/// The exit code of a finished `attest` run (panics if it was killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("attest was killed by a signal: {}", text(&out.stderr)))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The folder of the fixture project `name` under `tests/fixtures/`.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh copy of the fixture project `name` in a temporary folder. Tests build and
/// edit the copy, never the fixture itself.
pub fn fixture(name: &str) -> TempDir {
    let tmp = tempfile::Builder::new()
        .prefix("attest-test-")
        .tempdir()
        .expect("a temporary folder");
    copy_dir(&fixture_dir(name), tmp.path());
    tmp
}

/// Copies the folder `from` into `to` (which exists), recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces the one occurrence of `from` in the file `root/rel` with `to`; panics if
/// `from` does not occur exactly once, so a fixture change cannot silently void a test.
pub fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let old = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    assert_eq!(
        old.matches(from).count(),
        1,
        "`{from}` should occur once in {rel}"
    );
    fs::write(&path, old.replacen(from, to, 1)).unwrap();
}

/// Appends `bytes` to the file `root/rel`.
pub fn append(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    let mut all = fs::read(&path).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    all.extend_from_slice(bytes);
    fs::write(&path, all).unwrap();
}

/// The number of lines of the file `root/rel` (the number of newlines in it).
pub fn line_count(root: &Path, rel: &str) -> usize {
    fs::read(root.join(rel))
        .unwrap()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The 1-based line and character column where `needle`, which must occur once, starts
/// in the file `root/rel`.
pub fn pos_of(root: &Path, rel: &str, needle: &str) -> (u64, u64) {
    let text = fs::read_to_string(root.join(rel)).unwrap();
    assert_eq!(
        text.matches(needle).count(),
        1,
        "`{needle}` should occur once in {rel}"
    );
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..at].chars().count() + 1;
    (line as u64, column as u64)
}

/// `attest check --format json --root ROOT`: the diagnostics as JSON and the exit code.
pub fn check_json(root: &Path) -> (Value, i32) {
    check_json_with(root, &[])
}

/// `attest check --format json [extra...] --root ROOT`.
pub fn check_json_with(root: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--format".into(), "json".into()];
    args.extend(extra.iter().map(Into::into));
    args.extend(["--root".into(), root.into()]);
    let out = attest(args);
    let stdout = text(&out.stdout);
    let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json printed no JSON ({e}):\n{stdout}\nstderr:\n{}",
            text(&out.stderr)
        )
    });
    assert!(
        !text(&out.stderr).contains("panicked"),
        "attest panicked:\n{}",
        text(&out.stderr)
    );
    (json, code(&out))
}

/// Asserts that `build [extra...]` exits 1, reports each (code, message) in `errors`,
/// says how many errors and warnings stopped it, and leaves the output of the previous
/// good build byte-for-byte as it was, with no staging folder beside it. Returns the
/// build's report (stderr).
pub fn assert_build_fails(
    root: &Path,
    extra: &[&str],
    errors: &[(&str, &str)],
    warnings: usize,
) -> String {
    let public = root.join("public");
    let before = snapshot(&public);
    assert!(
        before.contains_key("index.html"),
        "the good build published a site"
    );
    let names_before = names_in(root);

    let out = build(root, extra);
    let stderr = text(&out.stderr);
    assert_eq!(code(&out), 1, "build exits 1 on errors:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        text(&out.stdout),
        "",
        "a failed build prints nothing on stdout"
    );
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let n = errors.len();
    let summary = format!(
        "{n} error{}, {warnings} warning{}: build failed; nothing was published\n",
        plural(n),
        plural(warnings)
    );
    assert!(
        stderr.ends_with(&summary),
        "build's report should end with {summary:?}:\n{stderr}"
    );
    for (code, message) in errors {
        let line = format!("error[{code}]: {message}\n");
        assert!(
            stderr.contains(&line),
            "build's report lacks `{line}`:\n{stderr}"
        );
    }
    assert!(
        snapshot(&public) == before,
        "the failed build changed the published output"
    );
    assert_eq!(staging_leftovers(root), Vec::<String>::new());
    assert_eq!(
        names_in(root),
        names_before,
        "the failed build left files beside the output"
    );
    stderr
}

/// `attest build --root ROOT [extra...]`.
pub fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<std::ffi::OsString> = vec!["build".into(), "--root".into(), root.into()];
    args.extend(extra.iter().map(Into::into));
    attest(args)
}

/// Builds `root` and panics with attest's own report when the build fails.
pub fn build_ok(root: &Path, extra: &[&str]) -> Output {
    let out = build(root, extra);
    assert_eq!(
        code(&out),
        0,
        "build failed:\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// One diagnostic as `check --format json` prints it. `help: None` means the key is
/// absent.
pub fn diag(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    message: &str,
    help: Option<&str>,
) -> Value {
    let mut d = serde_json::json!({
        "severity": "error",
        "code": code,
        "file": file,
        "line": line,
        "column": column,
        "message": message,
    });
    if let Some(h) = help {
        d["help"] = Value::from(h);
    }
    d
}

/// A warning as `check --format json` prints it.
pub fn warning(
    code: &str,
    file: &str,
    line: u64,
    column: u64,
    message: &str,
    help: Option<&str>,
) -> Value {
    let mut d = diag(code, file, line, column, message, help);
    d["severity"] = Value::from("warning");
    d
}

/// Asserts that `actual` is exactly the JSON array `expected`, printing both in full
/// when they differ.
pub fn assert_diags(actual: &Value, expected: &[Value]) {
    let expected = Value::Array(expected.to_vec());
    assert!(
        actual == &expected,
        "diagnostics differ\nexpected:\n{}\nactual:\n{}",
        serde_json::to_string_pretty(&expected).unwrap(),
        serde_json::to_string_pretty(actual).unwrap()
    );
}

/// Every file and folder below `dir`, by relative path, with each file's bytes (folders
/// map to `None`). Two snapshots are equal exactly when the trees are byte-for-byte equal.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if entry.file_type().unwrap().is_dir() {
                out.insert(rel, None);
                walk(base, &path, out);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in folder `dir`.
pub fn names_in(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Names in `dir` that look like attest's staging or swap folders.
pub fn staging_leftovers(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.contains("attest-staging") || n.contains("attest-old"))
        .collect()
}

/// The files below `dir`, as sorted relative paths with `/` separators.
pub fn files_in(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.is_some())
        .map(|(p, _)| p)
        .collect()
}

/// The HTML pages below `dir`: relative path and text.
pub fn html_pages(dir: &Path) -> BTreeMap<String, String> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.unwrap()).expect("pages are UTF-8")))
        .collect()
}

/// Reads the file `dir/rel` as text.
pub fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Decodes the character references an HTML attribute value may hold.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse().ok().and_then(char::from_u32)
                } else {
                    None
                }
            }
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The decoded values of every `name="..."` attribute in `html` (`name` such as `href`).
pub fn attr_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("attribute values are closed");
        out.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

/// Every `id` in `html`, decoded.
pub fn ids(html: &str) -> Vec<String> {
    attr_values(html, "id")
}

/// The ids that occur more than once in `html`.
pub fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut dups = BTreeSet::new();
    for id in ids(html) {
        if !seen.insert(id.clone()) {
            dups.insert(id);
        }
    }
    dups.into_iter().collect()
}

/// The page file a root-relative URL path serves: `/a/b/` is `a/b/index.html` and
/// `/static/x.css` is `static/x.css`. `base` is the site's base path (`/` or `/sub/`).
pub fn file_for_url(base: &str, path: &str) -> Option<String> {
    let rel = path.strip_prefix(base)?;
    if rel.is_empty() || rel.ends_with('/') {
        Some(format!("{rel}index.html"))
    } else {
        Some(rel.to_owned())
    }
}

/// A broken internal link found by [`broken_links`].
#[derive(Debug, PartialEq, Eq)]
pub struct BrokenLink {
    pub page: String,
    pub href: String,
    pub why: &'static str,
}

/// Checks every `href` and `src` of every page under `site` whose base path is `base`:
/// a root-relative URL must name a file of the site, and a `#fragment` (on the same page
/// or another) must be the `id` of exactly one element of the target page. Returns the
/// broken links and the number of links checked (internal links only).
pub fn broken_links(site: &Path, base: &str) -> (Vec<BrokenLink>, usize) {
    let pages = html_pages(site);
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, html) in &pages {
        let links = attr_values(html, "href")
            .into_iter()
            .chain(attr_values(html, "src"));
        for href in links {
            let (path, fragment) = match href.split_once('#') {
                Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                None => (href.clone(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else if path.starts_with('/') {
                match file_for_url(base, &path) {
                    Some(t) => t,
                    None => {
                        broken.push(BrokenLink {
                            page: page.clone(),
                            href: href.clone(),
                            why: "outside the base path",
                        });
                        continue;
                    }
                }
            } else {
                // An external link (or mailto:); not ours to check.
                continue;
            };
            checked += 1;
            if !site.join(&target).is_file() {
                broken.push(BrokenLink {
                    page: page.clone(),
                    href: href.clone(),
                    why: "no such file",
                });
                continue;
            }
            if let Some(fragment) = fragment {
                let Some(target_html) = pages.get(&target) else {
                    broken.push(BrokenLink {
                        page: page.clone(),
                        href: href.clone(),
                        why: "fragment on a file that is not a page",
                    });
                    continue;
                };
                let n = ids(target_html).iter().filter(|i| **i == fragment).count();
                if n != 1 {
                    broken.push(BrokenLink {
                        page: page.clone(),
                        href: href.clone(),
                        why: if n == 0 {
                            "no such anchor"
                        } else {
                            "ambiguous anchor"
                        },
                    });
                }
            }
        }
    }
    (broken, checked)
}

/// The text of `html` from the first `start` up to and including the first `end` after
/// it; panics when either is missing, so a changed page cannot pass silently.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` is not in:\n{html}"));
    let j = html[i..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` does not follow `{start}` in:\n{html}"));
    &html[i..i + j + end.len()]
}

/// The `<main>` element of a page.
pub fn main_of(html: &str) -> &str {
    between(html, "<main", "</main>")
}

/// The lines of `block` that contain `needle`, trimmed.
pub fn lines_with<'a>(block: &'a str, needle: &str) -> Vec<&'a str> {
    block
        .lines()
        .filter(|l| l.contains(needle))
        .map(str::trim)
        .collect()
}
