//! A version's Markdown as HTML: numbered clauses become anchored blocks with a visible
//! link on their number, cross-references become checked links, defined terms link
//! from their first use in each clause, code is highlighted, and raw HTML is sanitised.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::highlight::Highlighter;
use super::sanitize::Sanitizer;
use crate::link::{BodyLinks, TermSet};
use crate::model::{markdown_options, Body, ClauseForm, ClauseNumber, RefTarget};

/// What turning Markdown into HTML needs besides the text itself.
pub struct MarkdownContext<'a> {
    pub highlighter: &'a Highlighter,
    pub sanitizer: &'a Sanitizer,
    /// Version bodies rendered before, when the caller keeps them.
    pub bodies: Option<&'a super::Bodies>,
}

/// What is written at the foot of a paragraph clause, as HTML this renderer's callers
/// built (a link to its history, the requirements that trace to it); `None` for nothing.
pub type ClauseFooter<'a> = &'a dyn Fn(&ClauseNumber) -> Option<String>;

/// The link from a changed clause to its changes over time.
pub fn history_link_html(n: &ClauseNumber, url: &str) -> String {
    let mut a = String::from("<p class=\"clause-history-link\"><a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut a, url);
    a.push_str(&format!(
        "\">Changes to clause {n}<span class=\"visually-hidden\"> over time</span></a></p>"
    ));
    a
}

/// Renders a body to HTML. `links` must be the links `link` resolved for this body.
pub fn to_html(
    body: &Body,
    links: &BodyLinks,
    cx: &MarkdownContext,
    history: Option<ClauseFooter>,
    heading_footer: Option<ClauseFooter>,
) -> String {
    let md = body.markdown();
    let terms = TermLinker::new(links);
    let mut w = Writer {
        body,
        links,
        cx,
        terms,
        out: Vec::with_capacity(md.len() / 8),
        next_clause: 0,
        next_heading: 0,
        next_ref: 0,
        clause_open: false,
        history,
        clause_history_link: None,
        heading_footer,
        pending_heading_footer: None,
        skip_number: 0,
        heading_depth: 0,
        link_depth: 0,
        closers: Vec::new(),
        suppress_text: 0,
        code: None,
        has_raw_html: false,
        footnotes: Vec::new(),
        footnote_defs: Vec::new(),
        main_out: None,
        lists: Vec::new(),
        // The body's top heading level becomes <h2>, under the page's <h1>.
        heading_shift: 2 - i32::from(body.headings.iter().map(|h| h.level).min().unwrap_or(1)),
        tables: 0,
        current_clause: None,
    };
    let mut depth = 0usize;
    let mut block_start = 0;
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    w.top_level(&tag, range.start);
                    block_start = w.out.len();
                }
                depth += 1;
                w.start(tag, range.start);
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                w.end(tag);
                if depth == 0 {
                    w.seal_raw_text(block_start);
                }
            }
            other => w.leaf(other),
        }
    }
    if w.clause_open {
        w.close_clause();
    }
    if !w.footnote_defs.is_empty() {
        // Footnotes gather at the end, so none reads as part of the clause it sits in.
        w.html("<section class=\"footnotes\" aria-labelledby=\"footnotes\"><h2 id=\"footnotes\" class=\"footnotes__title\">Footnotes</h2>\n".to_owned());
        let defs = std::mem::take(&mut w.footnote_defs);
        w.out.extend(defs);
        w.html("</section>\n".to_owned());
    }
    let mut html = String::with_capacity(md.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, w.out.into_iter());
    if w.has_raw_html {
        html = cx.sanitizer.clean(&neutralise_raw_text(&html));
    }
    html
}

/// Links the first use of each defined term in each clause.
struct TermLinker<'a> {
    set: &'a TermSet,
    used: Vec<bool>,
}

impl<'a> TermLinker<'a> {
    fn new(links: &'a BodyLinks) -> Self {
        TermLinker {
            set: &links.terms,
            used: vec![false; links.terms.terms.len()],
        }
    }

    fn new_clause(&mut self) {
        self.used.iter_mut().for_each(|u| *u = false);
    }

    /// Splits `text` into text and links for its first uses of defined terms.
    fn link(&mut self, text: CowStr<'static>, out: &mut Vec<Event<'static>>) {
        let Some(m) = &self.set.matcher else {
            out.push(Event::Text(text));
            return;
        };
        let mut last = 0;
        for found in m.find_iter(&*text) {
            let i = found.pattern().as_usize();
            if self.used[i] || !at_word_boundary(&text, found.start(), found.end()) {
                continue;
            }
            self.used[i] = true;
            if found.start() > last {
                out.push(Event::Text(text[last..found.start()].to_owned().into()));
            }
            let t = &self.set.terms[i];
            let mut a = String::from("<a class=\"term\" href=\"");
            let _ = pulldown_cmark_escape::escape_href(&mut a, &t.href);
            a.push_str("\">");
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut a, &text[found.range()]);
            a.push_str("</a>");
            out.push(Event::InlineHtml(a.into()));
            last = found.end();
        }
        if last == 0 {
            out.push(Event::Text(text));
        } else if last < text.len() {
            out.push(Event::Text(text[last..].to_owned().into()));
        }
    }
}

/// Whether a bullet list's source starts `- (a) `, as SEC-style lettered items do; such
/// a list shows its letters, not bullets.
fn is_lettered_list(source: &str) -> bool {
    let item = source.trim_start_matches(['-', '*', '+']).trim_start();
    let Some(rest) = item.strip_prefix('(') else {
        return false;
    };
    let label_len = rest.find(')').unwrap_or(0);
    label_len > 0
        && label_len <= 5
        && rest[..label_len].chars().all(|c| c.is_ascii_lowercase())
        && rest[label_len + 1..].starts_with(' ')
}

/// Elements whose content the HTML parser reads as raw text up to their closing tag: one
/// left open in raw HTML would swallow the rest of the page when the body is sanitised
/// as a whole. An opening tag (or comment) with no closing one after it is written as
/// text instead, so the sanitiser sees text, not an element; closed ones are left for
/// the sanitiser to remove whole.
fn neutralise_raw_text(html: &str) -> String {
    const RAW: &[&str] = &[
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noscript",
        "noembed",
        "noframes",
        "plaintext",
    ];
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        let unclosed = if let Some(after) = rest.strip_prefix("<!--") {
            !after.contains("-->")
        } else {
            rest.strip_prefix('<').is_some_and(|tag| {
                RAW.iter().any(|t| {
                    tag.starts_with(t)
                        && !tag[t.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
                        && !tag.contains(&format!("</{t}"))
                })
            })
        };
        if unclosed {
            out.push_str("&lt;");
            i += 1;
            continue;
        }
        let c = html[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// What closes an element this renderer opened in place of Markdown's own.
enum Closer {
    Markdown,
    /// Our own closing tag, and whether the element's own text was suppressed.
    Html(&'static str, bool),
}

struct Writer<'a, 'b> {
    body: &'a Body,
    links: &'a BodyLinks,
    cx: &'a MarkdownContext<'b>,
    terms: TermLinker<'a>,
    out: Vec<Event<'static>>,
    next_clause: usize,
    next_heading: usize,
    next_ref: usize,
    /// A paragraph clause's `<div>`s are open.
    clause_open: bool,
    history: Option<ClauseFooter<'b>>,
    /// The link to the open clause's history, written as it closes.
    clause_history_link: Option<String>,
    /// What is written after a heading clause (the requirements traced to it).
    heading_footer: Option<ClauseFooter<'b>>,
    /// That, for the heading being written.
    pending_heading_footer: Option<String>,
    /// Bytes of the next text event that are a clause number already written.
    skip_number: usize,
    heading_depth: usize,
    link_depth: usize,
    /// For each open link or strong element, how to close it.
    closers: Vec<Closer>,
    /// Inside a reference whose text this renderer wrote itself.
    suppress_text: usize,
    /// A code block being collected: its language and text.
    code: Option<(String, String)>,
    has_raw_html: bool,
    /// Footnote labels in order of first appearance; a footnote's number is its index + 1.
    footnotes: Vec<String>,
    /// Rendered footnote definitions, written after the last clause.
    footnote_defs: Vec<Event<'static>>,
    /// The main output, set aside while a footnote definition is written.
    main_out: Option<Vec<Event<'static>>>,
    /// For each open bullet list, whether it is lettered (`- (a) ...`) and so ours to close.
    lists: Vec<bool>,
    /// Added to a Markdown heading level to give the HTML level.
    heading_shift: i32,
    /// Tables so far, and the clause being written, to label tables for screen readers.
    tables: usize,
    current_clause: Option<&'a ClauseNumber>,
}

impl Writer<'_, '_> {
    /// Raw HTML may not leave a script, style or comment open past the block it is
    /// written in: there it would swallow the clauses that follow when the body is
    /// sanitised as a whole. An opener the block does not close is written as text.
    fn seal_raw_text(&mut self, from: usize) {
        if !self.has_raw_html || from > self.out.len() {
            return;
        }
        let raw: String = self.out[from..]
            .iter()
            .filter_map(|e| match e {
                Event::Html(h) | Event::InlineHtml(h) => Some(h.as_ref()),
                _ => None,
            })
            .collect();
        if neutralise_raw_text(&raw) == raw {
            return;
        }
        for e in &mut self.out[from..] {
            if let Event::InlineHtml(h) = e {
                let sealed = neutralise_raw_text(h);
                if sealed != h.as_ref() {
                    *e = Event::InlineHtml(sealed.into());
                }
            }
        }
    }

    fn close_clause(&mut self) {
        if let Some(link) = self.clause_history_link.take() {
            self.html(link);
        }
        self.html("</div></div>".to_owned());
        self.clause_open = false;
    }

    fn html(&mut self, s: String) {
        self.out.push(Event::Html(s.into()));
    }

    /// A block at the top level may start a clause.
    fn top_level(&mut self, tag: &Tag, start: usize) {
        if let Tag::FootnoteDefinition(_) = tag {
            // Moved to the end of the body; the clause around it goes on.
            return;
        }
        let starts_clause = self
            .body
            .clauses
            .get(self.next_clause)
            .is_some_and(|c| c.range.start == start);
        if self.clause_open && (starts_clause || matches!(tag, Tag::Heading { .. })) {
            self.close_clause();
        }
        if !starts_clause {
            return;
        }
        let clause = &self.body.clauses[self.next_clause];
        self.next_clause += 1;
        self.current_clause = Some(&clause.number);
        self.terms.new_clause();
        if clause.form == ClauseForm::Paragraph {
            let n = &clause.number;
            let anchor = n.anchor();
            self.html(format!(
                "<div class=\"clause\" id=\"{anchor}\"><a class=\"clause-number\" href=\"#{anchor}\" aria-label=\"Clause {n}\">{n}</a><div class=\"clause-body\">"
            ));
            self.clause_open = true;
            self.clause_history_link = self.history.and_then(|footer| footer(n));
            self.skip_number = ClauseNumber::parse_prefix(&self.body.markdown()[start..], 2)
                .map_or(0, |(_, len)| len);
        }
    }

    fn start(&mut self, tag: Tag<'_>, start: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                let h = self.html_level(level);
                self.heading_depth += 1;
                let heading = self
                    .body
                    .headings
                    .get(self.next_heading)
                    .filter(|h| h.offset == start);
                let Some(heading) = heading else {
                    self.html(format!("<h{h}>"));
                    return;
                };
                self.next_heading += 1;
                let anchor = &heading.anchor;
                match &heading.number {
                    Some(n) => {
                        self.pending_heading_footer = self.heading_footer.and_then(|f| f(n));
                        self.html(format!(
                            "<h{h} id=\"{anchor}\" class=\"clause-heading\"><a class=\"clause-number\" href=\"#{anchor}\" aria-label=\"Clause {n}\">{n}</a> "
                        ));
                        self.skip_number = usize::MAX;
                    }
                    None => self.html(format!("<h{h} id=\"{anchor}\">")),
                }
            }
            Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                ..
            } => self.reference(has_pothole),
            Tag::Link { .. } => {
                self.link_depth += 1;
                self.closers.push(Closer::Markdown);
                self.push_start(tag);
            }
            Tag::Strong => {
                let def = self.body.terms.iter().find(|t| t.offset == start);
                match def {
                    Some(t) => {
                        let anchor = t.anchor();
                        self.html(format!("<dfn id=\"{anchor}\" class=\"term-def\">"));
                        self.closers.push(Closer::Html("</dfn>", false));
                        self.link_depth += 1;
                    }
                    None => {
                        self.closers.push(Closer::Markdown);
                        self.push_start(tag);
                    }
                }
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::Table(_) => {
                // A wide table scrolls inside its wrapper, which must then be focusable
                // and named so keyboard and screen-reader users can reach it.
                self.tables += 1;
                let label = match self.current_clause {
                    Some(n) => format!("Table in clause {n}"),
                    None => format!("Table {}", self.tables),
                };
                self.html(format!(
                    "<div class=\"table-wrapper\" role=\"region\" tabindex=\"0\" aria-label=\"{label}\">"
                ));
                self.push_start(tag);
            }
            Tag::List(None) => {
                let lettered = is_lettered_list(&self.body.markdown()[start..]);
                self.lists.push(lettered);
                if lettered {
                    self.html("<ul class=\"list-lettered\">\n".to_owned());
                } else {
                    self.push_start(Tag::List(None));
                }
            }
            Tag::FootnoteDefinition(label) => {
                self.main_out = Some(std::mem::take(&mut self.out));
                // Prefixed ids, so a footnote cannot take a heading's anchor.
                let (n, id) = self.footnote(&label);
                self.html(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\"><a href=\"#fnref-{id}\" aria-label=\"Back to reference {n}\">{n}</a></sup>"
                ));
            }
            Tag::HtmlBlock => {
                self.has_raw_html = true;
                self.push_start(tag);
            }
            other => self.push_start(other),
        }
    }

    fn push_start(&mut self, tag: Tag<'_>) {
        self.out.push(Event::Start(tag.into_static()));
    }

    /// A `[[...]]` reference: its resolved link, or the anchor of an inline definition.
    fn reference(&mut self, has_pothole: bool) {
        let idx = self.next_ref;
        self.next_ref += 1;
        let xref = self.body.refs.get(idx);
        let resolved = self.links.refs.get(idx);
        let (Some(xref), Some(resolved)) = (xref, resolved) else {
            self.closers.push(Closer::Html("", false));
            self.link_depth += 1;
            return;
        };
        let mut open = String::new();
        let closer = if let RefTarget::Definition(_) = xref.target {
            open.push_str("<dfn id=\"");
            open.push_str(resolved.href.trim_start_matches('#'));
            open.push_str("\" class=\"term-def\">");
            "</dfn>"
        } else {
            open.push_str("<a class=\"xref\" href=\"");
            let _ = pulldown_cmark_escape::escape_href(&mut open, &resolved.href);
            open.push_str("\">");
            "</a>"
        };
        if !has_pothole {
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut open, &resolved.text);
            self.suppress_text += 1;
        }
        self.html_inline(open);
        self.closers.push(Closer::Html(closer, !has_pothole));
        self.link_depth += 1;
    }

    fn html_level(&self, level: pulldown_cmark::HeadingLevel) -> i32 {
        (level as i32 + self.heading_shift).clamp(2, 6)
    }

    /// The number and anchor id of a footnote label.
    fn footnote(&mut self, label: &str) -> (usize, String) {
        let n = match self.footnotes.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.footnotes.push(label.to_owned());
                self.footnotes.len()
            }
        };
        let id = match crate::model::slug(label) {
            s if s.is_empty() => n.to_string(),
            s => s,
        };
        (n, id)
    }

    fn html_inline(&mut self, s: String) {
        self.out.push(Event::InlineHtml(s.into()));
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                self.heading_depth = self.heading_depth.saturating_sub(1);
                self.skip_number = 0;
                let h = self.html_level(level);
                self.html(format!("</h{h}>"));
                if let Some(footer) = self.pending_heading_footer.take() {
                    self.html(footer);
                }
            }
            TagEnd::Link | TagEnd::Strong => match self.closers.pop() {
                Some(Closer::Html(close, suppressed)) => {
                    self.link_depth = self.link_depth.saturating_sub(1);
                    if suppressed {
                        self.suppress_text = self.suppress_text.saturating_sub(1);
                    }
                    if !close.is_empty() {
                        self.html_inline(close.to_owned());
                    }
                }
                Some(Closer::Markdown) | None => {
                    if matches!(tag, TagEnd::Link) {
                        self.link_depth = self.link_depth.saturating_sub(1);
                    }
                    self.out.push(Event::End(tag));
                }
            },
            TagEnd::CodeBlock => {
                if let Some((lang, code)) = self.code.take() {
                    let html = self.cx.highlighter.highlight(&lang, &code);
                    self.html(html);
                }
            }
            TagEnd::FootnoteDefinition => {
                self.html("</div>\n".to_owned());
                if let Some(main) = self.main_out.take() {
                    let def = std::mem::replace(&mut self.out, main);
                    self.footnote_defs.extend(def);
                }
            }
            TagEnd::List(false) => {
                if self.lists.pop() == Some(true) {
                    self.html("</ul>\n".to_owned());
                } else {
                    self.out.push(Event::End(TagEnd::List(false)));
                }
            }
            TagEnd::Table => {
                self.out.push(Event::End(tag));
                self.html("</div>".to_owned());
            }
            other => self.out.push(Event::End(other)),
        }
    }

    fn leaf(&mut self, event: Event<'_>) {
        match event {
            Event::Text(t) => {
                if let Some((_, code)) = self.code.as_mut() {
                    code.push_str(&t);
                    return;
                }
                if self.suppress_text > 0 {
                    return;
                }
                let mut text: &str = &t;
                if self.skip_number > 0 {
                    let skip = std::mem::take(&mut self.skip_number);
                    text = if skip == usize::MAX {
                        // A heading: drop the number and the space after it.
                        ClauseNumber::parse_prefix(text, 1)
                            .map_or(text, |(_, len)| text[len..].trim_start())
                    } else {
                        text.get(skip..).unwrap_or("").trim_start()
                    };
                }
                let owned: CowStr<'static> = text.to_owned().into();
                if self.link_depth == 0 && self.heading_depth == 0 {
                    self.terms.link(owned, &mut self.out);
                } else {
                    self.out.push(Event::Text(owned));
                }
            }
            Event::FootnoteReference(label) => {
                let (n, id) = self.footnote(&label);
                self.html_inline(format!(
                    "<sup class=\"footnote-reference\" id=\"fnref-{id}\"><a href=\"#fn-{id}\" aria-label=\"Footnote {n}\">{n}</a></sup>"
                ));
            }
            // A lone, closed comment (an obligation marker, say) shows nothing: drop it,
            // rather than sanitise the whole page, and attest's own markup with it, for it.
            Event::Html(h) | Event::InlineHtml(h) if is_lone_comment(&h) => {}
            Event::Html(h) | Event::InlineHtml(h) => {
                self.has_raw_html = true;
                self.out.push(Event::InlineHtml(h.into_static()));
            }
            other => {
                if self.suppress_text == 0 {
                    self.out.push(other.into_static());
                }
            }
        }
    }
}

/// Whether raw HTML is exactly one closed comment, `<!-- ... -->`, and white space.
fn is_lone_comment(html: &str) -> bool {
    let t = html.trim();
    t.strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inner| !inner.contains("--"))
}

#[cfg(test)]
mod tests {
    use super::neutralise_raw_text;

    #[test]
    fn raw_text_openers_become_text() {
        assert_eq!(
            neutralise_raw_text("<b>x</b><SCRIPT>y"),
            "<b>x</b>&lt;SCRIPT>y"
        );
        assert_eq!(neutralise_raw_text("<!-- open"), "&lt;!-- open");
        // A closed one is left whole, for the sanitiser to drop with its content.
        assert_eq!(
            neutralise_raw_text("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
        assert_eq!(neutralise_raw_text("<!-- closed -->"), "<!-- closed -->");
        assert_eq!(neutralise_raw_text("é<style>"), "é&lt;style>");
    }
}
