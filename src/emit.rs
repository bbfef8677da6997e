//! Stage 5, emit: writes the rendered site to the output folder, all or nothing.
//!
//! Files go to a staging folder beside the output as they are rendered (so the site is
//! never held in memory whole); only when every file is written does the staging folder
//! replace the output, by renames. A failure at any point leaves the
//! previous output exactly as it was. This module also writes the files that list the
//! site rather than show it: `sitemap.xml` and `robots.txt`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::render::OutputFile;

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("the output {0} exists and is not a folder")]
    NotADirectory(PathBuf),
}

impl EmitError {
    /// The error as a diagnostic about the output folder.
    pub fn to_diagnostic(&self, output: &Path) -> crate::diagnostics::Diagnostic {
        let d = crate::diagnostics::Diagnostic::file_error(
            "write-failed",
            &output.to_string_lossy(),
            self.to_string(),
        );
        match self {
            EmitError::NotADirectory(_) => d.with_help("remove it, or choose another --output"),
            EmitError::Write { .. } => {
                d.with_help("nothing was published; the previous output, if any, is as it was")
            }
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Emitted {
    pub files: usize,
    pub bytes: u64,
}

/// A staging folder beside the output that pages are written into as they are rendered.
///
/// [`Staging::commit`] swaps it in for the output; dropping it without committing
/// removes it, leaving the output untouched.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
    urls: Mutex<Vec<String>>,
    committed: bool,
}

impl Staging {
    /// Makes an empty staging folder for `output`, removing one left by a crashed build.
    pub fn create(output: &Path) -> Result<Staging, EmitError> {
        if output.exists() && !output.is_dir() {
            return Err(EmitError::NotADirectory(output.to_path_buf()));
        }
        let dir = sibling(output, "attest-staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(write_err(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(write_err(&dir))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            urls: Mutex::new(Vec::new()),
            committed: false,
        })
    }

    /// Writes one file; safe to call from many threads at once.
    pub fn write(&self, file: &OutputFile) -> Result<(), EmitError> {
        let path = self.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        fs::write(&path, &file.bytes).map_err(write_err(&path))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes
            .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        if let Some(url) = &file.url {
            if let Ok(mut urls) = self.urls.lock() {
                urls.push(url.clone());
            }
        }
        Ok(())
    }

    /// Writes the theme's static files, `sitemap.xml` and `robots.txt`, then swaps the
    /// staging folder in for the output.
    pub fn commit(
        mut self,
        statics: &[(String, Vec<u8>)],
        base_url: &str,
    ) -> Result<Emitted, EmitError> {
        let urls = std::mem::take(&mut *self.urls.lock().unwrap_or_else(|e| e.into_inner()));
        for file in listing_files(urls, statics, base_url) {
            self.write(&file)?;
        }
        let emitted = Emitted {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        };
        swap_in(&self.dir, &self.output)?;
        self.committed = true;
        Ok(emitted)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The files written beside the rendered pages: `sitemap.xml` of the pages' `urls`,
/// `robots.txt`, and the theme's static files under `static/`.
pub fn listing_files(
    urls: Vec<String>,
    statics: &[(String, Vec<u8>)],
    base_url: &str,
) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(urls, base_url).into_bytes().into(),
            url: None,
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: robots(base_url).into_bytes().into(),
            url: None,
        },
    ];
    files.extend(statics.iter().map(|(p, b)| OutputFile {
        path: format!("static/{p}"),
        bytes: b.as_slice().into(),
        url: None,
    }));
    files
}

/// Replaces `output` with `staging` by renames, so the output is never half-written;
/// the old output is removed afterwards.
fn swap_in(staging: &Path, output: &Path) -> Result<(), EmitError> {
    let old = sibling(output, "attest-old");
    if old.exists() {
        fs::remove_dir_all(&old).map_err(write_err(&old))?;
    }
    let had_output = output.exists();
    if had_output {
        fs::rename(output, &old).map_err(write_err(output))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_output {
            let _ = fs::rename(&old, output);
        }
        return Err(write_err(output)(e));
    }
    if had_output {
        remove_tree(&old);
    }
    Ok(())
}

/// Removes a folder, its subfolders in parallel: an old site can hold many thousands of
/// files.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.par_iter().for_each(|p| {
            if p.is_dir() {
                remove_tree(p);
            } else {
                let _ = fs::remove_file(p);
            }
        });
    }
    let _ = fs::remove_dir_all(dir);
}

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> EmitError {
    let path = path.to_path_buf();
    move |source| EmitError::Write { path, source }
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".to_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

/// `sitemap.xml`: every HTML page. Locations are absolute when `base_url` is.
pub fn sitemap(mut urls: Vec<String>, base_url: &str) -> String {
    let origin = crate::link::origin(base_url);
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
    let origin = crate::link::origin(base_url);
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
