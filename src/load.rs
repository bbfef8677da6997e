//! Stage 1, load: find the project's source files and read them, checking that each is
//! readable text of a sane size.
//!
//! The result, [`Sources`], is the project's files sorted by the role they play
//! (site, page, programme, document, version) with their text. Nothing is parsed here;
//! the theme is read here too, so that later stages never touch the file system.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::SourceFile;

/// Larger files are refused: no testing document is this long, and reading one risks
/// the machine's memory for nothing.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The folder of a programme that holds its phase status snapshots; no document may
/// be called so.
pub const STATUS_DIR: &str = "status";

/// Data tables (requirements, test cases, results) exported from test-management tools
/// run larger than prose: 100,000 cases is a few megabytes of CSV per column.
pub const MAX_DATA_BYTES: u64 = 64 * 1024 * 1024;

/// The sources of a project, sorted by role.
#[derive(Debug, Default)]
pub struct Sources {
    pub root: PathBuf,
    pub site: Option<SourceFile>,
    pub pages: Vec<SourceFile>,
    pub programmes: Vec<ProgrammeSources>,
}

/// One programme folder.
#[derive(Debug)]
pub struct ProgrammeSources {
    pub slug: String,
    pub config: Option<SourceFile>,
    /// Path of `programme.toml`, for diagnostics when it is missing.
    pub config_path: String,
    pub documents: Vec<DocumentSources>,
    /// The phase status snapshots of `status/`, sorted by path (so by date).
    pub status: Vec<SourceFile>,
}

/// One document folder.
#[derive(Debug)]
pub struct DocumentSources {
    pub slug: String,
    pub config: Option<SourceFile>,
    pub config_path: String,
    /// Version files (`v*.md`) that could be read, sorted by path.
    pub versions: Vec<SourceFile>,
    /// How many version files there are, read or not.
    pub version_files: usize,
    /// The files of its `trace/` folder (and `trace/results/`), sorted by path.
    pub trace: Vec<SourceFile>,
    /// How many trace files there are, read or not.
    pub trace_files: usize,
    /// `severity.toml`: a TAD's severity scale and Exit Thresholds.
    pub severity: Option<SourceFile>,
}

/// A theme's templates and static files.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub name: String,
    /// Template name (`document.html`) and text; a site's own `templates/` override
    /// the theme's files of the same name.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Path below `static/` and contents.
    pub statics: Vec<(String, Vec<u8>)>,
}

/// A template's text and where it came from, for diagnostics.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub origin: String,
    pub text: String,
}

/// The default theme, built into the binary so that `attest init` projects build
/// without copying it.
static BUILTIN_DCC: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/dcc");

/// Reads every source under `root/content`.
pub fn load(root: &Path) -> (Sources, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut diags = Vec::new();
    let mut sources = Sources {
        root: root.to_path_buf(),
        ..Sources::default()
    };
    if !content.is_dir() {
        diags.push(
            Diagnostic::file_error(
                "no-content",
                "content",
                format!("there is no `content/` folder in {}", root.display()),
            )
            .with_help("run `attest init DIR` to make a new project, or pass --root"),
        );
        return (sources, diags);
    }

    // Classify paths first, then read every file in parallel.
    let mut site = None;
    let mut pages = Vec::new();
    // Programme folder name, and for each document folder its name, version files and
    // trace files.
    type DocPaths = (String, Vec<PathBuf>, Vec<PathBuf>);
    let mut programmes: Vec<(String, Vec<DocPaths>, Vec<PathBuf>)> = Vec::new();
    for entry in sorted_entries(&content, &mut diags, root) {
        let name = file_name(&entry);
        if entry.is_dir() {
            if name == "pages" {
                for p in sorted_entries(&entry, &mut diags, root) {
                    if p.is_file() && file_name(&p).ends_with(".md") {
                        pages.push(p);
                    }
                }
            } else {
                let mut docs = Vec::new();
                let mut status = Vec::new();
                for d in sorted_entries(&entry, &mut diags, root) {
                    if d.is_dir() && file_name(&d) == STATUS_DIR {
                        // Phase status, not a document.
                        status = sorted_entries(&d, &mut diags, root)
                            .into_iter()
                            .filter(|p| p.is_file())
                            .collect();
                    } else if d.is_dir() {
                        let files = sorted_entries(&d, &mut diags, root)
                            .into_iter()
                            .filter(|f| f.is_file() && is_version_file(&file_name(f)))
                            .collect();
                        let trace = trace_paths(&d.join("trace"), &mut diags, root);
                        docs.push((file_name(&d), files, trace));
                    }
                }
                programmes.push((name, docs, status));
            }
        } else if name == "site.toml" {
            site = Some(entry);
        }
    }

    let read_all = |paths: &[PathBuf]| -> Vec<Result<SourceFile, Diagnostic>> {
        paths.par_iter().map(|p| read_source(root, p)).collect()
    };
    let mut keep = |r: Result<SourceFile, Diagnostic>| match r {
        Ok(f) => Some(f),
        Err(d) => {
            diags.push(d);
            None
        }
    };

    match site {
        Some(p) => sources.site = keep(read_source(root, &p)),
        None => {
            // Reported by parse, which knows what a site needs.
        }
    }
    sources.pages = read_all(&pages).into_iter().filter_map(&mut keep).collect();
    for (slug, docs, status_paths) in programmes {
        let dir = content.join(&slug);
        let config_file = dir.join("programme.toml");
        let config = if config_file.is_file() {
            keep(read_source(root, &config_file))
        } else {
            None
        };
        let mut documents = Vec::new();
        for (doc_slug, files, trace_files) in docs {
            let doc_dir = dir.join(&doc_slug);
            let doc_file = doc_dir.join("document.toml");
            let config = if doc_file.is_file() {
                keep(read_source(root, &doc_file))
            } else {
                None
            };
            let versions = read_all(&files).into_iter().filter_map(&mut keep).collect();
            let severity_file = doc_dir.join("severity.toml");
            let severity = if severity_file.is_file() {
                keep(read_source(root, &severity_file))
            } else {
                None
            };
            let trace = trace_files
                .par_iter()
                .map(|p| read_limited(root, p, MAX_DATA_BYTES))
                .collect::<Vec<_>>()
                .into_iter()
                .filter_map(&mut keep)
                .collect();
            documents.push(DocumentSources {
                slug: doc_slug,
                config,
                config_path: rel(root, &doc_file),
                versions,
                version_files: files.len(),
                trace,
                trace_files: trace_files.len(),
                severity,
            });
        }
        let status = read_all(&status_paths)
            .into_iter()
            .filter_map(&mut keep)
            .collect();
        sources.programmes.push(ProgrammeSources {
            slug,
            config,
            config_path: rel(root, &config_file),
            documents,
            status,
        });
    }
    (sources, diags)
}

/// Reads the theme named in `site.toml`: `root/themes/NAME/` if it exists, else the
/// built-in `dcc` theme; then the site's own `root/templates/` on top.
pub fn load_theme(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let mut theme = Theme {
        name: name.to_owned(),
        ..Theme::default()
    };
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        read_theme_dir(root, &dir.join("templates"), &mut theme, true)?;
        read_theme_dir(root, &dir.join("static"), &mut theme, false)?;
    } else if name == "dcc" {
        for file in builtin_files(&BUILTIN_DCC) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(t) = path.strip_prefix("templates/") {
                theme.templates.insert(
                    t.to_owned(),
                    TemplateSource {
                        origin: format!("(built-in theme dcc)/{path}"),
                        text: String::from_utf8_lossy(file.contents()).into_owned(),
                    },
                );
            } else if let Some(s) = path.strip_prefix("static/") {
                theme.statics.push((s.to_owned(), file.contents().to_vec()));
            }
        }
    } else {
        return Err(Diagnostic::file_error(
            "unknown-theme",
            "content/site.toml",
            format!("there is no theme `{name}`: no folder themes/{name}/ and no built-in theme of that name"),
        )
        .with_help("use theme = \"dcc\", or create themes/NAME/templates/"));
    }
    let overrides = root.join("templates");
    if overrides.is_dir() {
        read_theme_dir(root, &overrides, &mut theme, true)?;
    }
    theme.statics.sort();
    Ok(theme)
}

fn builtin_files<'a>(dir: &'a include_dir::Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(builtin_files(d));
    }
    out
}

fn read_theme_dir(
    root: &Path,
    dir: &Path,
    theme: &mut Theme,
    templates: bool,
) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Diagnostic::file_error("unreadable", &rel(root, dir), format!("cannot read: {e}"))
        })?;
        if !entry.file_type().is_file() || is_ignored_name(&file_name(entry.path())) {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(entry.path()).map_err(|e| {
            Diagnostic::file_error(
                "unreadable",
                &rel(root, entry.path()),
                format!("cannot read: {e}"),
            )
        })?;
        if templates {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::file_error(
                    "not-utf8",
                    &rel(root, entry.path()),
                    "this template is not UTF-8 text",
                )
            })?;
            theme.templates.insert(
                name,
                TemplateSource {
                    origin: rel(root, entry.path()),
                    text,
                },
            );
        } else {
            theme.statics.retain(|(n, _)| *n != name);
            theme.statics.push((name, bytes));
        }
    }
    Ok(())
}

/// The files of a document's `trace/` folder and of its `results/` folder. Any other
/// folder there is a mistake worth saying: its files would be silently left out.
fn trace_paths(dir: &Path, diags: &mut Vec<Diagnostic>, root: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in sorted_entries(dir, diags, root) {
        if p.is_file() {
            out.push(p);
        } else if file_name(&p) == "results" {
            out.extend(
                sorted_entries(&p, diags, root)
                    .into_iter()
                    .filter(|f| f.is_file()),
            );
        } else {
            diags.push(
                Diagnostic::file_error(
                    "unexpected-folder",
                    &rel(root, &p),
                    "a trace folder holds tables and a `results/` folder, nothing else",
                )
                .with_help(
                    "move result snapshots into trace/results/, or move this folder out of trace/",
                ),
            );
        }
    }
    out
}

/// Reads one source file, refusing what is too large, empty, or not UTF-8.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    read_limited(root, path, MAX_FILE_BYTES)
}

/// Reads one source file of at most `max` bytes.
fn read_limited(root: &Path, path: &Path, max: u64) -> Result<SourceFile, Diagnostic> {
    let shown = rel(root, path);
    let unreadable = |e: std::io::Error| {
        Diagnostic::file_error("unreadable", &shown, format!("cannot read this file: {e}"))
    };
    let size = fs::metadata(path).map_err(unreadable)?.len();
    if size > max {
        return Err(Diagnostic::file_error(
            "file-too-large",
            &shown,
            format!(
                "this file is {:.1} MiB; source files may be at most {} MiB",
                size as f64 / (1024.0 * 1024.0),
                max / (1024 * 1024)
            ),
        )
        .with_help("split the document into smaller versions or move data out of it"));
    }
    let bytes = fs::read(path).map_err(unreadable)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        // What Excel's "Unicode text" and some exporters write.
        return Err(Diagnostic::file_error(
            "not-utf8",
            &shown,
            "this file is UTF-16 text; attest reads UTF-8",
        )
        .with_help("save it as UTF-8 (in Excel: \"CSV UTF-8 (comma delimited)\")"));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Everything before the bad byte is valid, so it can be counted in characters.
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = crate::diagnostics::line_col(&before, before.len());
            let byte = bytes[valid];
            // 0xC2..=0xF4 begin multi-byte characters; the bytes after it are then wrong,
            // which is what text saved as Latin-1 or Windows-1252 looks like.
            let what = if (0xC2..=0xF4).contains(&byte) {
                format!("byte 0x{byte:02X} begins a character that the bytes after it do not complete (is it Latin-1 or Windows-1252?)")
            } else {
                format!("byte 0x{byte:02X} cannot start a character")
            };
            let mut d = Diagnostic::file_error(
                "not-utf8",
                &shown,
                format!("this file is not UTF-8 text: {what}"),
            )
            .with_help("save the file as UTF-8 in your editor");
            d.line = line;
            d.column = column;
            return Err(d);
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.trim().is_empty() {
        return Err(
            Diagnostic::file_error("empty-file", &shown, "this file is empty")
                .with_help(empty_help(&shown)),
        );
    }
    Ok(SourceFile::new(shown, text))
}

fn empty_help(path: &str) -> &'static str {
    if path.ends_with(".md") {
        "a version file starts with front matter between `+++` lines; see the README"
    } else {
        "fill in the required keys (see the README) or delete the file"
    }
}

/// Whether `name` is a version file: `v` then a version number then `.md`.
fn is_version_file(name: &str) -> bool {
    name.starts_with('v') && name.ends_with(".md") && !is_ignored_name(name)
}

/// Editors' backup and swap files, and hidden files, are not sources.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

fn sorted_entries(dir: &Path, diags: &mut Vec<Diagnostic>, root: &Path) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(rd) => {
            let mut v: Vec<PathBuf> = rd
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| !is_ignored_name(&file_name(p)))
                .collect();
            v.sort();
            v
        }
        Err(e) => {
            diags.push(Diagnostic::file_error(
                "unreadable",
                &rel(root, dir),
                format!("cannot read this folder: {e}"),
            ));
            Vec::new()
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `path` relative to `root`, with `/` separators.
pub fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
