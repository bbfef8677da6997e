//! Stage 5, emit: writes the rendered site to the output folder, all or nothing.
//!
//! Files go to a staging folder beside the output; only when every file is written does
//! the staging folder replace the output, by renames. A failure at any point leaves the
//! previous output exactly as it was. This module also writes the files that list the
//! site rather than show it: `sitemap.xml` and `robots.txt`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("the output {0} exists and is not a folder; remove it or choose another --output")]
    NotADirectory(PathBuf),
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emitted {
    pub files: usize,
    pub bytes: u64,
}

/// Writes `files`, the theme's `statics`, `sitemap.xml` and `robots.txt` to `output`.
pub fn emit(
    output: &Path,
    files: &[OutputFile],
    statics: &[(String, Vec<u8>)],
    base_url: &str,
) -> Result<Emitted, EmitError> {
    if output.exists() && !output.is_dir() {
        return Err(EmitError::NotADirectory(output.to_path_buf()));
    }
    let staging = sibling(output, "attest-staging");
    let old = sibling(output, "attest-old");
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EmitError::Write { path, source }
    };
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(write_err(&staging))?;
    }
    let result = write_all(&staging, files, statics, base_url);
    let emitted = match result {
        Ok(e) => e,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    // Swap: output -> old, staging -> output, then remove old.
    if old.exists() {
        fs::remove_dir_all(&old).map_err(write_err(&old))?;
    }
    let had_output = output.exists();
    if had_output {
        fs::rename(output, &old).map_err(write_err(output))?;
    }
    if let Err(e) = fs::rename(&staging, output) {
        if had_output {
            let _ = fs::rename(&old, output);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(write_err(output)(e));
    }
    if had_output {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(emitted)
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

fn write_all(
    dir: &Path,
    files: &[OutputFile],
    statics: &[(String, Vec<u8>)],
    base_url: &str,
) -> Result<Emitted, EmitError> {
    let mut extra = vec![
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(files, base_url).into_bytes(),
            url: None,
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: robots(base_url).into_bytes(),
            url: None,
        },
    ];
    extra.extend(statics.iter().map(|(p, b)| OutputFile {
        path: format!("static/{p}"),
        bytes: b.clone(),
        url: None,
    }));
    // Folders first (serially, so parents exist), then files in parallel.
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .chain(&extra)
        .filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(|source| EmitError::Write {
            path: d.clone(),
            source,
        })?;
    }
    files
        .par_iter()
        .chain(extra.par_iter())
        .map(|f| {
            let path = dir.join(&f.path);
            fs::write(&path, &f.bytes).map_err(|source| EmitError::Write { path, source })?;
            Ok(f.bytes.len() as u64)
        })
        .try_fold(
            || Emitted { files: 0, bytes: 0 },
            |acc, r: Result<u64, EmitError>| {
                r.map(|b| Emitted {
                    files: acc.files + 1,
                    bytes: acc.bytes + b,
                })
            },
        )
        .try_reduce(
            || Emitted { files: 0, bytes: 0 },
            |a, b| {
                Ok(Emitted {
                    files: a.files + b.files,
                    bytes: a.bytes + b.bytes,
                })
            },
        )
}

/// The origin of an absolute base URL (`https://x.org`), or "" for a bare path.
fn origin(base_url: &str) -> &str {
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            &base_url[..scheme.len() + 3 + host_end]
        }
        None => "",
    }
}

/// `sitemap.xml`: every HTML page. Locations are absolute when `base_url` is.
pub fn sitemap(files: &[OutputFile], base_url: &str) -> String {
    let origin = origin(base_url);
    let mut urls: Vec<&str> = files.iter().filter_map(|f| f.url.as_deref()).collect();
    urls.sort_unstable();
    urls.dedup();
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        s.push_str("  <url><loc>");
        let _ = pulldown_cmark_escape::escape_html(&mut s, &format!("{origin}{u}"));
        s.push_str("</loc></url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// `robots.txt`: allow everything and point at the sitemap when its URL is known.
pub fn robots(base_url: &str) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    let origin = origin(base_url);
    if !origin.is_empty() {
        let base = crate::link::base_path(base_url);
        s.push_str(&format!("Sitemap: {origin}{base}sitemap.xml\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_names_the_sitemap_only_for_absolute_urls() {
        assert_eq!(robots("/"), "User-agent: *\nAllow: /\n");
        assert_eq!(
            robots("https://example.org/docs/"),
            "User-agent: *\nAllow: /\nSitemap: https://example.org/docs/sitemap.xml\n"
        );
    }
}
