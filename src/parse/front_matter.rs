//! Splitting a Markdown source into its TOML front matter (between `+++` lines) and body.

use crate::diagnostics::Diagnostic;
use crate::model::SourceFile;

/// Where the front matter and the body lie in a source's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the TOML between the fences.
    pub toml_start: usize,
    pub toml_end: usize,
    /// Byte offset of the Markdown after the closing fence.
    pub body_start: usize,
}

/// Finds the front matter of `file`, which must open on the first line.
pub fn split(file: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &*file.text;
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::error_at(
            "missing-front-matter",
            &file.path,
            text,
            0..first_line_end.saturating_sub(1),
            "this file does not start with front matter",
        )
        .with_help("start the file with a line `+++`, the TOML keys, and another line `+++`"));
    }
    let toml_start = first_line_end;
    let mut pos = toml_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == "+++" {
            return Ok(Split {
                toml_start,
                toml_end: pos,
                body_start: line_end,
            });
        }
        pos = line_end;
    }
    Err(Diagnostic::error_at(
        "unclosed-front-matter",
        &file.path,
        text,
        0..3,
        "the front matter that opens here is never closed",
    )
    .with_help("add a line `+++` after the last front matter key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(t: &str) -> SourceFile {
        SourceFile::new("x.md", t)
    }

    #[test]
    fn splits() {
        let s = split(&file("+++\na = 1\n+++\n# Body\n")).unwrap();
        assert_eq!((s.toml_start, s.toml_end, s.body_start), (4, 10, 14));
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(
            split(&file("# Body\n")).unwrap_err().code,
            "missing-front-matter"
        );
        let e = split(&file("+++\na = 1\n")).unwrap_err();
        assert_eq!((e.code, e.line, e.column), ("unclosed-front-matter", 1, 1));
    }
}
