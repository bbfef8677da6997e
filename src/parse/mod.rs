//! Stage 2, parse: typed values from the loaded sources.
//!
//! TOML becomes [`SiteConfig`], [`ProgrammeConfig`], [`DocumentConfig`] and
//! [`VersionMeta`]; Markdown is scanned for its clauses, headings, terms and references.
//! Every problem becomes a diagnostic and parsing carries on with the next file, so one
//! run reports them all. Problems that need more than one file at a time (a reference to
//! another document, two documents with one id) are `link`'s.

mod front_matter;
mod markdown;
pub mod obligations;
pub mod table;
mod toml_source;
mod trace;

pub use markdown::parse_target;

use std::collections::HashSet;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::load::{DocumentSources, ProgrammeSources, Sources};
use crate::model::{
    Body, DocId, DocKind, DocVersion, Document, DocumentConfig, Page, PageMeta, Programme,
    ProgrammeConfig, ScaleSource, SeverityScale, Site, SiteConfig, SourceFile, StatusReport,
    StatusSnapshot, Version, VersionMeta,
};

use toml_source::from_toml;

/// Parses every source. Returns the site when `site.toml` could be read, with every
/// diagnostic found either way.
pub fn parse(sources: &Sources) -> (Option<Site>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = match &sources.site {
        Some(f) => take(
            from_toml::<SiteConfig>(f, 0, f.text.len(), "site.toml"),
            &mut diags,
        ),
        None => {
            if !sources.root.join("content/site.toml").exists() {
                diags.push(
                    Diagnostic::file_error(
                        "missing-file",
                        "content/site.toml",
                        "there is no content/site.toml",
                    )
                    .with_help("create it with at least `title` and `base_url`; see the README"),
                );
            }
            None
        }
    };

    let pages: Vec<Page> = sources
        .pages
        .iter()
        .filter_map(|f| take(parse_page(f), &mut diags))
        .collect();

    let mut unreliable = HashSet::new();
    let programmes: Vec<Programme> = sources
        .programmes
        .iter()
        .filter_map(|p| {
            let (prog, d) = parse_programme(p, &mut unreliable);
            diags.extend(d);
            prog
        })
        .collect();

    let site = config.map(|config| {
        let mut site = Site {
            config,
            programmes,
            pages,
            unreliable,
        };
        diags.extend(find_obligations(&mut site));
        site
    });
    (site, diags)
}

/// Fills in every version's obligations, which need the parties of `site.toml`.
fn find_obligations(site: &mut Site) -> Vec<Diagnostic> {
    let parties = obligations::PartyMatcher::new(&site.config.parties);
    site.programmes
        .par_iter_mut()
        .flat_map(|p| p.documents.par_iter_mut())
        .flat_map(|d| d.versions.par_iter_mut())
        .flat_map_iter(|v| {
            let (found, diags) = obligations::extract(&v.body, &parties);
            v.obligations = found;
            diags
        })
        .collect()
}

fn take<T>(r: Result<T, Diagnostic>, diags: &mut Vec<Diagnostic>) -> Option<T> {
    r.map_err(|d| diags.push(d)).ok()
}

fn parse_page(file: &SourceFile) -> Result<Page, Diagnostic> {
    let split = front_matter::split(file)?;
    let meta: PageMeta = from_toml(file, split.toml_start, split.toml_end, "the front matter")?;
    let (body, diags) = markdown::scan(file, split.body_start);
    if let Some(d) = diags.into_iter().find(Diagnostic::is_error) {
        return Err(d);
    }
    let slug = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md")
        .to_owned();
    Ok(Page { slug, meta, body })
}

fn parse_programme(
    p: &ProgrammeSources,
    unreliable: &mut HashSet<DocId>,
) -> (Option<Programme>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = match &p.config {
        Some(f) => take(
            from_toml::<ProgrammeConfig>(f, 0, f.text.len(), "programme.toml"),
            &mut diags,
        ),
        None => {
            diags.push(missing_file(
                &p.config_path,
                "programme",
                &p.slug,
                "`id` and `name`",
            ));
            None
        }
    };
    let results: Vec<(Option<Document>, Vec<Diagnostic>)> =
        p.documents.par_iter().map(parse_document).collect();
    let mut documents = Vec::new();
    for ((doc, d), sources) in results.into_iter().zip(&p.documents) {
        diags.extend(d);
        match doc {
            Some(doc) => {
                if doc.incomplete {
                    unreliable.insert(doc.config.id.clone());
                }
                documents.push(doc);
            }
            None => unreliable.extend(sources.config.as_ref().and_then(lenient_id)),
        }
    }
    let mut status: Vec<StatusReport> = p
        .status
        .iter()
        .filter_map(|f| take(parse_status(f), &mut diags))
        .collect();
    status.sort_by_key(|r| r.date);
    let prog = config.map(|config| Programme {
        slug: p.slug.clone(),
        config,
        documents,
        status,
    });
    (prog, diags)
}

/// A programme or document folder without its TOML file.
fn missing_file(path: &str, what: &str, folder: &str, keys: &str) -> Diagnostic {
    Diagnostic::file_error(
        "missing-file",
        path,
        format!("the {what} folder `{folder}` has no {what}.toml"),
    )
    .with_help(format!("create it with at least {keys}; see the README"))
}

fn parse_document(d: &DocumentSources) -> (Option<Document>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let config = match &d.config {
        Some(f) => take(
            from_toml::<DocumentConfig>(f, 0, f.text.len(), "document.toml"),
            &mut diags,
        ),
        None => {
            diags.push(missing_file(
                &d.config_path,
                "document",
                &d.slug,
                "`id`, `kind` and `title`",
            ));
            None
        }
    };
    let results: Vec<(Option<DocVersion>, Vec<Diagnostic>)> =
        d.versions.par_iter().map(parse_version).collect();
    let mut versions = Vec::new();
    let mut incomplete = d.versions.len() < d.version_files;
    for (v, ds) in results {
        incomplete |= v.is_none();
        diags.extend(ds);
        versions.extend(v);
    }
    versions.sort_by(|a, b| a.meta.version.cmp(&b.meta.version));
    for pair in versions.windows(2) {
        if pair[0].meta.version == pair[1].meta.version {
            let (first, second) = (&pair[0].body.source, &pair[1].body.source);
            let at = crate::diagnostics::toml_key_range(
                &second.text[..pair[1].body.offset],
                0,
                "version",
            );
            let message = format!("version {} is also in {}", pair[1].meta.version, first.path);
            let d = match at {
                Some(range) => Diagnostic::error_at(
                    "duplicate-version",
                    &second.path,
                    &second.text,
                    range,
                    message,
                ),
                None => Diagnostic::file_error("duplicate-version", &second.path, message),
            };
            diags.push(d.with_help(format!(
                "each version needs its own number: change this one, or remove {} if it is a copy",
                first.path.rsplit('/').next().unwrap_or(&first.path)
            )));
        }
    }
    if d.config.is_some() && d.version_files == 0 {
        diags.push(
            Diagnostic::file_error(
                "no-versions",
                &d.config_path,
                format!("the document `{}` has no version files", d.slug),
            )
            .with_help("add a file such as v0.1.md beside document.toml"),
        );
    }
    let (mut trace, trace_diags) = trace::parse_trace(&d.trace);
    trace.incomplete |= d.trace.len() < d.trace_files;
    diags.extend(trace_diags);
    if let (Some(config), Some(first)) = (&config, d.trace.first()) {
        if !matches!(config.kind, DocKind::Ctd | DocKind::Tcd) {
            diags.push(
                Diagnostic::file_error(
                    "misplaced-trace",
                    &first.path,
                    format!(
                        "trace tables belong to a CTD or TCD, and {} is a {}",
                        config.id,
                        config.kind.label()
                    ),
                )
                .with_help(
                    "move the trace/ folder into the folder of the CTD or TCD it belongs to",
                ),
            );
        }
    }
    let severity = d.severity.as_ref().and_then(|f| {
        let scale = take(
            from_toml::<SeverityScale>(f, 0, f.text.len(), "severity.toml"),
            &mut diags,
        )?;
        Some(ScaleSource {
            source: f.clone(),
            scale,
        })
    });
    let doc = config
        .zip(d.config.clone())
        .map(|(config, source)| Document {
            slug: d.slug.clone(),
            source,
            config,
            versions,
            incomplete,
            trace,
            severity,
        });
    (doc, diags)
}

fn parse_version(file: &SourceFile) -> (Option<DocVersion>, Vec<Diagnostic>) {
    let split = match front_matter::split(file) {
        Ok(s) => s,
        Err(d) => return (None, vec![d]),
    };
    let meta: VersionMeta =
        match from_toml(file, split.toml_start, split.toml_end, "the front matter") {
            Ok(m) => m,
            Err(d) => return (None, vec![d]),
        };
    let (body, mut diags) = markdown::scan(file, split.body_start);
    if let Some(d) = check_file_name(file, split.toml_start, split.toml_end, &meta.version) {
        diags.push(d);
    }
    (
        Some(DocVersion {
            meta,
            body,
            obligations: Vec::new(),
        }),
        diags,
    )
}

/// The version in a file's name must be the version in its front matter.
fn check_file_name(
    file: &SourceFile,
    toml_start: usize,
    toml_end: usize,
    version: &Version,
) -> Option<Diagnostic> {
    let name = file.path.rsplit('/').next().unwrap_or("");
    let named = name.strip_prefix('v')?.strip_suffix(".md")?;
    if named == version.as_str() {
        return None;
    }
    let range = crate::diagnostics::toml_key_range(&file.text[..toml_end], toml_start, "version")
        .unwrap_or(toml_start..toml_start);
    Some(
        Diagnostic::error_at(
            "version-mismatch",
            &file.path,
            &file.text,
            range,
            format!("the front matter says version {version} but the file is named {name}"),
        )
        .with_help(format!(
            "rename the file to v{version}.md, or set version = \"{named}\""
        )),
    )
}

/// A status snapshot: its file name is the date it reports on.
fn parse_status(f: &SourceFile) -> Result<StatusReport, Diagnostic> {
    let name = f.path.rsplit('/').next().unwrap_or("");
    let date = name
        .strip_suffix(".toml")
        .and_then(trace::parse_date)
        .ok_or_else(|| {
            Diagnostic::file_error(
                "invalid-date",
                &f.path,
                format!("the status file `{name}` is not named by a date"),
            )
            .with_help("name each snapshot by its reporting date, such as status/2025-06-30.toml")
        })?;
    let snapshot = from_toml::<StatusSnapshot>(f, 0, f.text.len(), "the status snapshot")?;
    Ok(StatusReport {
        date,
        source: f.clone(),
        snapshot,
    })
}

/// The `id` of a `document.toml` that did not parse as a whole, if it has one.
fn lenient_id(file: &SourceFile) -> Option<DocId> {
    if let Ok(table) = file.text.parse::<toml::Table>() {
        return table.get("id")?.as_str().map(|s| DocId(s.to_owned()));
    }
    // Not even TOML: take the value of an `id = "..."` line if there is one.
    let range = crate::diagnostics::toml_key_range(&file.text, 0, "id")?;
    let id = file.text[range].trim_matches('"');
    DocId::is_valid(id).then(|| DocId(id.to_owned()))
}

/// Parses one version file on its own (for tests and tools).
pub fn parse_version_file(file: &SourceFile) -> (Option<(VersionMeta, Body)>, Vec<Diagnostic>) {
    let (v, d) = parse_version(file);
    (v.map(|v| (v.meta, v.body)), d)
}

/// Parses one version file again, as [`parse`] would, for a preview server that keeps
/// the rest of the site parsed. Problems that need the whole document (two files with
/// one version) are not checked here.
pub fn reparse_version(
    file: &SourceFile,
    parties: &[crate::model::Party],
) -> (Option<DocVersion>, Vec<Diagnostic>) {
    let (mut version, mut diags) = parse_version(file);
    if let Some(v) = &mut version {
        let matcher = obligations::PartyMatcher::new(parties);
        let (found, d) = obligations::extract(&v.body, &matcher);
        v.obligations = found;
        diags.extend(d);
    }
    (version, diags)
}

/// Parses one free-standing page again, as [`parse`] would.
pub fn reparse_page(file: &SourceFile) -> Result<Page, Diagnostic> {
    parse_page(file)
}
