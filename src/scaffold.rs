//! `attest init`: a minimal programme that builds as it is, for an author to grow.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a project could not be scaffolded.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} already has a content/ folder; attest init will not overwrite it")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

const FILES: &[(&str, &str)] = &[
    (
        "content/site.toml",
        r#"title = "Example programme testing documents"
base_url = "/"
description = "The testing documents of the example programme."
notice = "Example content made by attest init."

[[parties]]
id = "dcc"
name = "DCC"
aliases = ["the DCC"]
"#,
    ),
    (
        "content/pages/accessibility.md",
        r#"+++
title = "Accessibility statement"
summary = "How accessible this site is and how to report a problem."
+++

This site aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.
Tell the publishing team about any problem you find.
"#,
    ),
    (
        "content/example/programme.toml",
        r#"id = "EX"
name = "Example programme"
summary = "A programme with one approach document."

[[phases]]
id = "SIT"
name = "Systems Integration Testing"

[[releases]]
id = "R1"
name = "Release 1"
"#,
    ),
    (
        "content/example/svtad/document.toml",
        r#"id = "EX-SVTAD"
kind = "svtad"
title = "Example SEC Variation Testing Approach Document"
summary = "How the example programme's changes are tested."
"#,
    ),
    (
        "content/example/svtad/v0.1.md",
        r#"+++
version = "0.1"
status = "draft"
published = 2025-01-01
change_mechanism = "first-issue"
change_summary = "First draft."
+++

# 1 Definitions

1.1 In this document:

- **Testing Issue** means a problem found during testing.

# 2 Testing

2.1 DCC shall record every Testing Issue found during the testing in [[EX-SVTAD 1.1]].
"#,
    ),
];

/// Writes a minimal programme under `dir`, which may exist but must not hold
/// `content/`. Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<&'static str>, InitError> {
    if dir.join("content").exists() {
        return Err(InitError::Exists(dir.to_path_buf()));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let write = || -> io::Result<()> {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, text)
        };
        write().map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(FILES.iter().map(|(p, _)| *p).collect())
}
