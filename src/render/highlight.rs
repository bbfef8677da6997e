//! Code and configuration blocks highlighted with syntect, as CSS classes (`hl-*`), so
//! pages carry no inline styles and one stylesheet colours them all.
//!
//! The syntax set is loaded once per build, and only when a page has a code block: most
//! testing documents have none, and loading it costs more than rendering a page.

use std::sync::OnceLock;

use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Highlights code blocks; shared by every page of a build.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    pub fn new() -> Self {
        Self::default()
    }

    /// `<pre class="code"><code ...>` with highlighted spans for `lang`, or escaped plain
    /// text when the language is unknown.
    pub fn highlight(&self, lang: &str, code: &str) -> String {
        // bat's syntax set (through two-face): syntect's own lacks TOML, which most of
        // our readers' configuration examples are written in.
        let set = self.syntaxes.get_or_init(two_face::syntax::extra_newlines);
        let syntax = (!lang.is_empty())
            .then(|| set.find_syntax_by_token(lang))
            .flatten();
        let mut out = String::from("<pre class=\"code\"><code");
        if !lang.is_empty() {
            out.push_str(" class=\"language-");
            let _ = pulldown_cmark_escape::escape_html(&mut out, lang);
            out.push('"');
        }
        out.push('>');
        match syntax {
            Some(syntax) => {
                let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
                for line in LinesWithEndings::from(code) {
                    if gen
                        .parse_html_for_line_which_includes_newline(line)
                        .is_err()
                    {
                        let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, code);
                        out.push_str("</code></pre>\n");
                        return out;
                    }
                }
                out.push_str(&gen.finalize());
            }
            None => {
                let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, code);
            }
        }
        out.push_str("</code></pre>\n");
        out
    }
}

/// The stylesheet for the `hl-*` classes, from syntect's InspiredGitHub theme.
pub fn stylesheet() -> String {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| css_for_theme_with_class_style(t, STYLE).ok())
        .unwrap_or_default()
}
