//! Raw HTML in content is sanitised with ammonia: scripts, styles, event handlers and
//! unknown elements go; the elements and attributes attest itself writes stay.

/// An ammonia configuration built once per build.
pub struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

impl Default for Sanitizer {
    fn default() -> Self {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags([
                "dfn",
                "ins",
                "del",
                "section",
                "figure",
                "figcaption",
                "input",
            ])
            // Task lists: pulldown-cmark writes disabled checkboxes.
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_generic_attributes(["id", "class", "aria-label", "title"])
            .link_rel(None)
            .url_relative(ammonia::UrlRelative::PassThrough);
        Sanitizer { builder }
    }
}

impl Sanitizer {
    pub fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_and_handlers_but_keeps_ours() {
        let s = Sanitizer::default();
        assert_eq!(
            s.clean("<div class=\"clause\" id=\"clause-1.1\"><script>alert(1)</script><a href=\"#x\" onclick=\"x()\">a</a></div>"),
            "<div class=\"clause\" id=\"clause-1.1\"><a href=\"#x\">a</a></div>"
        );
    }
}
