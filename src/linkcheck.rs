//! Link integrity of the built site: every internal `href` and `src` of every page points
//! at a page or file the build produces, and every `#fragment` is the `id` of exactly one
//! element of the page it names.
//!
//! `check` hands each rendered file to a [`LinkCheck`] as it comes out of `render`; the
//! checker scans the HTML for ids and links at once and keeps only those (interned), never
//! the page, so memory stays a small fraction of the site's size. [`LinkCheck::finish`]
//! then resolves every link against what was built and reports the broken ones as
//! `broken-link` diagnostics, on the source that produced the page when the link is in
//! its text, and otherwise as written by a template, once for all the pages it is on.
//!
//! The scanner ([`scan`]) follows the HTML tokenizer where it matters for links: quoted
//! and unquoted attribute values, character references (named and numeric), comments,
//! and the raw text of `script`, `style` and the like. It does not build a tree.
//! Links to other sites are not followed; `mailto:` and the like are not links here.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::link::SiteGraph;
use crate::model::SourceFile;
use crate::render::OutputFile;

/// Which attribute [`scan`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    Id,
    Href,
    Src,
}

/// Calls `visit` with every `id`, `href` and `src` attribute value of `html` that has a
/// value, decoded (character references resolved), in document order. Attributes of
/// end tags, of a tag cut off by the end of the text, and repeated attributes of one tag
/// (after the first) are not reported, as a browser ignores them.
pub fn scan<'a>(html: &'a str, visit: &mut dyn FnMut(Attr, Cow<'a, str>)) {
    let b = html.as_bytes();
    let mut i = 0;
    let mut attrs: Vec<(Attr, &'a str)> = Vec::new();
    while let Some(off) = html[i..].find('<') {
        let lt = i + off;
        i = lt + 1;
        match b.get(i) {
            Some(b'!') => i = markup_declaration_end(html, i + 1),
            Some(b'?') => i = after(html, i, ">"),
            Some(b'/') => match b.get(i + 1) {
                Some(c) if c.is_ascii_alphabetic() => {
                    attrs.clear();
                    i = tag(html, i + 1, &mut attrs).0;
                }
                Some(b'>') => i += 2,
                Some(_) => i = after(html, i + 1, ">"),
                None => i = b.len(),
            },
            Some(c) if c.is_ascii_alphabetic() => {
                attrs.clear();
                let (end, name, closed) = tag(html, i, &mut attrs);
                i = end;
                if !closed {
                    break;
                }
                for &(kind, value) in &attrs {
                    visit(kind, decode(value));
                }
                i = raw_text_end(html, i, name);
            }
            _ => {} // A `<` that opens no tag is text.
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// The index just after the first `needle` at or after `from`, or the end of the text.
fn after(html: &str, from: usize, needle: &str) -> usize {
    let from = from.min(html.len());
    html[from..]
        .find(needle)
        .map_or(html.len(), |p| from + p + needle.len())
}

/// The end of `<!...`: a comment (`<!-- ... -->`) or a bogus comment up to `>`.
/// `from` is just after the `!`.
fn markup_declaration_end(html: &str, from: usize) -> usize {
    let b = html.as_bytes();
    if !html[from..].starts_with("--") {
        return after(html, from, ">");
    }
    let start = from + 2;
    // `<!-->` and `<!--->` end at once.
    if b.get(start) == Some(&b'>') {
        return start + 1;
    }
    if html[start..].starts_with("->") {
        return start + 2;
    }
    let mut j = start;
    while let Some(p) = html[j..].find("--") {
        let dash = j + p;
        match b.get(dash + 2) {
            Some(b'>') => return dash + 3,
            Some(b'!') if b.get(dash + 3) == Some(&b'>') => return dash + 4,
            _ => j = dash + 1,
        }
    }
    html.len()
}

/// Reads a tag whose name starts at `from`, pushing its first `id`, `href` and `src`
/// values (still encoded) to `attrs`. Returns the index after the tag, its name, and
/// whether it was closed by a `>` (a tag cut off by the end of the text is dropped).
fn tag<'a>(html: &'a str, from: usize, attrs: &mut Vec<(Attr, &'a str)>) -> (usize, &'a str, bool) {
    let b = html.as_bytes();
    let n = b.len();
    let mut i = from;
    while i < n && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = &html[from..i];
    loop {
        while i < n && (is_space(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= n {
            return (n, name, false);
        }
        if b[i] == b'>' {
            return (i + 1, name, true);
        }
        // An attribute name; its first character may be `=`.
        let name_start = i;
        i += 1;
        while i < n && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let attr_name = &html[name_start..i];
        while i < n && is_space(b[i]) {
            i += 1;
        }
        if i >= n || b[i] != b'=' {
            continue;
        }
        i += 1;
        while i < n && is_space(b[i]) {
            i += 1;
        }
        if i >= n {
            return (n, name, false);
        }
        let value = match b[i] {
            q @ (b'"' | b'\'') => {
                let start = i + 1;
                let Some(p) = b[start..].iter().position(|&c| c == q) else {
                    return (n, name, false);
                };
                i = start + p + 1;
                &html[start..start + p]
            }
            b'>' => "",
            _ => {
                let start = i;
                while i < n && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                &html[start..i]
            }
        };
        let kind = if attr_name.eq_ignore_ascii_case("id") {
            Attr::Id
        } else if attr_name.eq_ignore_ascii_case("href") {
            Attr::Href
        } else if attr_name.eq_ignore_ascii_case("src") {
            Attr::Src
        } else {
            continue;
        };
        if !attrs.iter().any(|(k, _)| *k == kind) {
            attrs.push((kind, value));
        }
    }
}

/// After the start tag of an element whose content is raw text (`script`, `style`,
/// `textarea`, ...), the index of its end tag; otherwise `from` itself.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    const RAW: &[&str] = &[
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
    ];
    if name.eq_ignore_ascii_case("plaintext") {
        return html.len();
    }
    if !RAW.iter().any(|r| name.eq_ignore_ascii_case(r)) {
        return from;
    }
    let b = html.as_bytes();
    let mut j = from;
    while let Some(p) = html[j..].find("</") {
        let at = j + p;
        let end = at + 2 + name.len();
        if end <= b.len()
            && b[at + 2..end].eq_ignore_ascii_case(name.as_bytes())
            && b.get(end)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        j = at + 2;
    }
    html.len()
}

/// An attribute value with its character references (`&amp;`, `&#38;`, `&#x26;`)
/// resolved as a browser resolves them in an attribute.
pub fn decode(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp + 1..];
        match char_ref(tail) {
            Some((len, a, b)) => {
                out.push(a);
                out.extend(b);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character reference at the start of `s` (just after its `&`): its length and the
/// one or two characters it stands for.
fn char_ref(s: &str) -> Option<(usize, char, Option<char>)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        let hex = matches!(b.get(1), Some(b'x' | b'X'));
        let start = if hex { 2 } else { 1 };
        let digits = b[start..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let radix = if hex { 16 } else { 10 };
        let code = b[start..start + digits].iter().fold(0u32, |acc, &c| {
            let d = (c as char).to_digit(radix).unwrap_or(0);
            acc.saturating_mul(radix).saturating_add(d)
        });
        let mut len = start + digits;
        if b.get(len) == Some(&b';') {
            len += 1;
        }
        let c = match code {
            0x80..=0x9F => markup5ever::data::C1_REPLACEMENTS[(code - 0x80) as usize]
                .or_else(|| char::from_u32(code)),
            0 => None,
            _ => char::from_u32(code),
        };
        return Some((len, c.unwrap_or('\u{FFFD}'), None));
    }
    // The longest entity name that `s` starts with; the longest is 32 characters and a
    // `;`.
    let alnum = b
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if alnum == 0 {
        return None;
    }
    let max = if b.get(alnum) == Some(&b';') {
        alnum + 1
    } else {
        alnum
    };
    for len in (1..=max).rev() {
        let Some(&(a, b2)) = markup5ever::data::NAMED_ENTITIES.get(&s[..len]) else {
            continue;
        };
        if a == 0 {
            continue;
        }
        // In an attribute, `&amp=` and `&ampx` without a `;` are left as written.
        if !s[..len].ends_with(';')
            && b.get(len)
                .is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric())
        {
            return None;
        }
        let first = char::from_u32(a)?;
        let second = if b2 == 0 { None } else { char::from_u32(b2) };
        return Some((len, first, second));
    }
    None
}

/// Percent-decodes `s` (`%20` to a space); invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Removes `.` and `..` segments from an absolute URL path.
fn normalise(path: &str) -> String {
    if !path.split('/').any(|s| s == "." || s == "..") {
        return path.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (k, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if k == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if k == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// What a link points at, once resolved against the page it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    /// Another site, or not a link to a place (`mailto:`): not checked.
    External,
    /// Below the site's origin but outside its base path.
    Outside,
    /// A place in the site: the output path of the file it names (before looking for
    /// it), the URL path shown in messages, and the fragment, decoded, if any.
    Internal {
        path: String,
        url: String,
        fragment: Option<String>,
    },
}

/// The facts about one built HTML page that links are checked against.
#[derive(Debug, Default)]
struct PageFacts {
    /// Interned ids, sorted, each once.
    ids: Vec<u32>,
    /// The ids that more than one element has.
    duplicate_ids: Vec<u32>,
    /// Interned `href` and `src` values, sorted, each once.
    links: Vec<u32>,
}

/// Each distinct id and link once: many pages share them (a clause anchor, the link to
/// a parent document), and a number is smaller than a string.
#[derive(Debug, Default)]
struct Interner {
    map: HashMap<Box<str>, u32>,
}

impl Interner {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.map.get(s) {
            return n;
        }
        let n = self.map.len() as u32;
        self.map.insert(s.into(), n);
        n
    }

    /// The strings by number, borrowed from the map (so each is stored once).
    fn by_number(&self) -> Vec<&str> {
        let mut out = vec![""; self.map.len()];
        for (s, &n) in &self.map {
            out[n as usize] = s;
        }
        out
    }
}

/// Collects what each built page links to and which ids it has, then reports the links
/// that lead nowhere. Safe to feed from many render threads at once.
pub struct LinkCheck {
    /// The site's base path, `/` or `/sub/`.
    base: String,
    /// `https://host` when the base URL is absolute (links to it are internal too).
    origin: String,
    /// The source of each page that has one, by output path.
    sources: HashMap<String, SourceFile>,
    strings: Mutex<Interner>,
    pages: Mutex<HashMap<String, PageFacts>>,
    files: Mutex<HashSet<String>>,
}

impl LinkCheck {
    /// A checker for the site of `graph`.
    pub fn new(graph: &SiteGraph) -> LinkCheck {
        let base = graph.base.clone();
        let out_path = |url: &str| {
            format!(
                "{}index.html",
                url.strip_prefix(base.as_str()).unwrap_or(url)
            )
        };
        let mut sources = HashMap::new();
        for (prog, links) in graph.site.programmes.iter().zip(&graph.documents) {
            for (doc, links) in prog.documents.iter().zip(links) {
                if let Some(v) = doc.versions.get(links.current) {
                    sources.insert(out_path(&links.url), v.body.source.clone());
                }
                for (v, l) in doc.versions.iter().zip(&links.versions) {
                    sources.insert(out_path(&l.url), v.body.source.clone());
                }
            }
        }
        for (page, links) in graph.site.pages.iter().zip(&graph.pages) {
            sources.insert(out_path(&links.url), page.body.source.clone());
        }
        LinkCheck {
            origin: crate::link::origin(&graph.base_url).to_owned(),
            base,
            sources,
            strings: Mutex::default(),
            pages: Mutex::default(),
            files: Mutex::default(),
        }
    }

    /// Records one built file: an HTML page's ids and links, or just that the file exists.
    pub fn add(&self, file: &OutputFile) {
        if !file.path.ends_with(".html") {
            lock(&self.files).insert(file.path.clone());
            return;
        }
        // Pages are written from Rust strings, so this is valid UTF-8 but for a bug.
        let html = match std::str::from_utf8(&file.bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(&file.bytes),
        };
        let mut ids: Vec<Cow<str>> = Vec::new();
        let mut links: Vec<Cow<str>> = Vec::new();
        scan(&html, &mut |kind, value| match kind {
            Attr::Id => ids.push(value),
            Attr::Href | Attr::Src => links.push(value),
        });
        links.sort_unstable();
        links.dedup();
        let (mut ids, mut links) = {
            let mut strings = lock(&self.strings);
            let ids: Vec<u32> = ids.iter().map(|s| strings.intern(s)).collect();
            let links: Vec<u32> = links.iter().map(|s| strings.intern(s)).collect();
            (ids, links)
        };
        ids.sort_unstable();
        let mut duplicate_ids: Vec<u32> = ids
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        duplicate_ids.dedup();
        ids.dedup();
        links.sort_unstable();
        let facts = PageFacts {
            ids,
            duplicate_ids,
            links,
        };
        lock(&self.pages).insert(file.path.clone(), facts);
    }

    /// Checks every recorded link. `statics` are the theme's static files, which the
    /// build copies to `static/`; `sitemap.xml` and `robots.txt` always exist.
    pub fn finish(self, statics: &[(String, Vec<u8>)]) -> Vec<Diagnostic> {
        let interner = self.strings.into_inner().unwrap_or_else(|e| e.into_inner());
        let strings = Strings {
            by_number: interner.by_number(),
            map: &interner.map,
        };
        let pages = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.extend(statics.iter().map(|(p, _)| format!("static/{p}")));
        files.extend(["sitemap.xml".to_owned(), "robots.txt".to_owned()]);
        let cx = Resolver {
            base: &self.base,
            origin: &self.origin,
        };

        let mut order: Vec<&String> = pages.keys().collect();
        order.sort_unstable();
        // Each page's broken links, in page order.
        let broken: Vec<(&String, &str, Why)> = order
            .par_iter()
            .flat_map_iter(|&page| {
                let page_url = cx.url_of(page);
                let mut out = Vec::new();
                for &href in &pages[page].links {
                    let href = strings.by_number[href as usize];
                    let why = match cx.resolve(&page_url, href) {
                        Resolved::External => continue,
                        Resolved::Outside => Why::Outside,
                        Resolved::Internal {
                            path,
                            url,
                            fragment,
                        } => match check_target(&pages, &files, &strings, &path, fragment) {
                            None => continue,
                            Some(Problem::NoTarget) => Why::NoTarget(url),
                            Some(Problem::NoAnchor(target, fragment)) => Why::NoAnchor {
                                same_page: target == *page,
                                target,
                                url,
                                fragment,
                            },
                            Some(Problem::Ambiguous(target, fragment)) => Why::Ambiguous {
                                same_page: target == *page,
                                url,
                                fragment,
                            },
                        },
                    };
                    out.push((page, href, why));
                }
                out.into_iter()
            })
            .collect();

        // A link written in a page's source is reported there, once for all the pages
        // that source makes; a link a template wrote, once for every page it is on.
        type Key<'a> = (Option<(String, usize, usize)>, &'a str, String);
        let mut groups: BTreeMap<Key, Vec<(&String, &Why)>> = BTreeMap::new();
        for (page, href, why) in &broken {
            let at = self
                .sources
                .get(*page)
                .and_then(|s| locate(&s.text, href).map(|r| (s.path.clone(), r.start, r.end)));
            groups
                .entry((at, href, why.reason(&self.base)))
                .or_default()
                .push((page, why));
        }
        groups
            .into_iter()
            .map(|((at, href, reason), on)| {
                let (first, why) = on[0];
                let others = match on.len() - 1 {
                    0 => String::new(),
                    1 => " (and 1 other page)".to_owned(),
                    n => format!(" (and {n} other pages)"),
                };
                let message = format!("`{href}` on {}{others}: {reason}", cx.url_of(first));
                let help = why.help(&pages, &strings);
                let source = self.sources.get(first);
                match (at, source) {
                    (Some((path, start, end)), Some(s)) => {
                        Diagnostic::error_at("broken-link", &path, &s.text, start..end, message)
                    }
                    .with_help(help),
                    (_, Some(s)) => Diagnostic::file_error("broken-link", &s.path, message)
                        .with_help(format!(
                            "{help} (the link is not written as such in this file: a template or a cross-reference made it)"
                        )),
                    (_, None) => Diagnostic::file_error("broken-link", first, message)
                        .with_help(format!("{help} (the theme's templates made this link)")),
                }
            })
            .collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where `href` is written in a source's text, as a Markdown link or an attribute
/// value: the byte range of the href itself.
fn locate(text: &str, href: &str) -> Option<Range<usize>> {
    if href.is_empty() {
        return None;
    }
    let escaped = href.replace('&', "&amp;");
    for written in [href, &escaped] {
        for (open, close) in [
            ("\"", "\""),
            ("'", "'"),
            ("=", ">"),
            ("=", " "),
            ("(", ")"),
            ("(", " "),
            ("<", ">"),
            ("]: ", "\n"),
            ("]: ", " "),
        ] {
            if let Some(p) = text.find(&format!("{open}{written}{close}")) {
                let start = p + open.len();
                return Some(start..start + written.len());
            }
        }
    }
    None
}

/// What is wrong with a link.
#[derive(Debug)]
enum Why {
    Outside,
    NoTarget(String),
    NoAnchor {
        same_page: bool,
        /// The target page's output path, for suggestions.
        target: String,
        url: String,
        fragment: String,
    },
    Ambiguous {
        same_page: bool,
        url: String,
        fragment: String,
    },
}

impl Why {
    fn reason(&self, base: &str) -> String {
        let page = |same: bool, url: &str| {
            if same {
                "that page".to_owned()
            } else {
                url.to_owned()
            }
        };
        match self {
            Why::Outside => format!("it points outside the site's base path {base}"),
            Why::NoTarget(url) => format!("the site has no page or file {url}"),
            Why::NoAnchor {
                same_page,
                url,
                fragment,
                ..
            } => format!(
                "no element of {} has the id `{fragment}`",
                page(*same_page, url)
            ),
            Why::Ambiguous {
                same_page,
                url,
                fragment,
            } => format!(
                "more than one element of {} has the id `{fragment}`",
                page(*same_page, url)
            ),
        }
    }

    fn help(&self, pages: &HashMap<String, PageFacts>, strings: &Strings) -> String {
        match self {
            Why::Outside | Why::NoTarget(_) => "link to the site's own pages with references such as `[[FSM-SVTAD 4.2]]`, which attest checks and which follow --base-url".to_owned(),
            Why::NoAnchor {
                target, fragment, ..
            } => {
                let ids = pages.get(target).map_or(&[][..], |f| &f.ids[..]);
                let near = closest(fragment, ids.iter().map(|&i| strings.by_number[i as usize]));
                let near: Vec<String> = near.iter().map(|s| format!("#{s}")).collect();
                let near: Vec<&str> = near.iter().map(String::as_str).collect();
                did_you_mean(&near).unwrap_or_else(|| "link to an id that the page has".to_owned())
            }
            Why::Ambiguous { .. } => "give each element its own id".to_owned(),
        }
    }
}

/// The interned strings, both ways.
struct Strings<'a> {
    by_number: Vec<&'a str>,
    map: &'a HashMap<Box<str>, u32>,
}

/// What [`check_target`] found wrong; the strings are the target page's output path and
/// the fragment.
enum Problem {
    NoTarget,
    NoAnchor(String, String),
    Ambiguous(String, String),
}

fn check_target(
    pages: &HashMap<String, PageFacts>,
    files: &HashSet<String>,
    strings: &Strings,
    path: &str,
    fragment: Option<String>,
) -> Option<Problem> {
    let (target, facts) = if let Some(f) = pages.get(path) {
        (path.to_owned(), f)
    } else if files.contains(path) {
        // A fragment of a stylesheet or image is not ours to check.
        return None;
    } else {
        // A folder's address without its slash: servers redirect it to the folder.
        let index = format!("{path}/index.html");
        match pages.get(&index) {
            Some(f) => (index, f),
            None => return Some(Problem::NoTarget),
        }
    };
    let fragment = fragment?;
    if fragment.is_empty() {
        return None;
    }
    let id = strings.map.get(fragment.as_str()).copied();
    let has = |list: &[u32]| id.is_some_and(|i| list.binary_search(&i).is_ok());
    if has(&facts.duplicate_ids) {
        Some(Problem::Ambiguous(target, fragment))
    } else if has(&facts.ids) || fragment.eq_ignore_ascii_case("top") {
        // `#top` scrolls to the top of a page that has no such id.
        None
    } else {
        Some(Problem::NoAnchor(target, fragment))
    }
}

struct Resolver<'a> {
    base: &'a str,
    origin: &'a str,
}

impl Resolver<'_> {
    /// The URL path a page is served at: `a/b/index.html` at `/base/a/b/`.
    fn url_of(&self, path: &str) -> String {
        let dir = path.strip_suffix("index.html").unwrap_or(path);
        format!("{}{dir}", self.base)
    }

    /// Resolves `href` on the page at URL path `page_url`.
    fn resolve(&self, page_url: &str, href: &str) -> Resolved {
        let trimmed = href.trim_matches(|c: char| c <= ' ');
        let cleaned: Cow<str> = if trimmed.contains(['\t', '\n', '\r']) {
            Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
        } else {
            Cow::Borrowed(trimmed)
        };
        let (before, fragment) = match cleaned.split_once('#') {
            Some((b, f)) => (b, Some(percent_decode(f).into_owned())),
            None => (&*cleaned, None),
        };
        let before = before.split_once('?').map_or(before, |(p, _)| p);
        let path = if has_scheme(before) || before.starts_with("//") {
            let rest = if before.starts_with("//") {
                let origin_host = self.origin.split_once("://").map(|(_, h)| h);
                match origin_host.and_then(|h| strip_prefix_ci(&before[2..], h)) {
                    Some(rest) => rest,
                    None => return Resolved::External,
                }
            } else {
                match strip_prefix_ci(before, self.origin).filter(|_| !self.origin.is_empty()) {
                    Some(rest) => rest,
                    None => return Resolved::External,
                }
            };
            if rest.is_empty() {
                "/".to_owned()
            } else if rest.starts_with('/') {
                rest.to_owned()
            } else {
                // Another host whose name starts with ours.
                return Resolved::External;
            }
        } else if before.is_empty() {
            page_url.to_owned()
        } else if before.starts_with('/') {
            before.to_owned()
        } else {
            let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{before}")
        };
        let url = percent_decode(&normalise(&path)).into_owned();
        let rel = if format!("{url}/") == self.base {
            ""
        } else {
            match url.strip_prefix(self.base) {
                Some(r) => r,
                None => return Resolved::Outside,
            }
        };
        let path = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_owned()
        };
        Resolved::Internal {
            path,
            url,
            fragment,
        }
    }
}

/// Whether `s` starts with a URL scheme such as `https:` or `mailto:`.
fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(html: &str) -> Vec<(Attr, String)> {
        let mut out = Vec::new();
        scan(html, &mut |k, v| out.push((k, v.into_owned())));
        out
    }

    #[test]
    fn scans_quoted_unquoted_and_encoded_values() {
        use Attr::*;
        assert_eq!(
            attrs(concat!(
                "<a href=\"/a/?x=1&amp;y=2#f\" id=one>x</a>",
                "<img src='/i.png' alt=\"a > b\" ID = \"two\">",
                "<A HREF=/b/#c&#x2E;d>",
                "<a href=\"/first\" href=\"/second\">",
                "<a data-href=\"/no\" hreflang=en>"
            )),
            vec![
                (Href, "/a/?x=1&y=2#f".into()),
                (Id, "one".into()),
                (Src, "/i.png".into()),
                (Id, "two".into()),
                (Href, "/b/#c.d".into()),
                (Href, "/first".into()),
            ]
        );
    }

    #[test]
    fn skips_comments_raw_text_and_end_tags() {
        assert_eq!(
            attrs(concat!(
                "<!-- <a href=\"/c\"> --><!--><a href=\"/1\">",
                "<script>var s = '<a href=\"/s\">';</script >",
                "<style>a[href=\"/st\"]{}</style><a href=\"/2\">",
                "</a href=\"/end\"><!DOCTYPE html><?pi href=\"/p\"?>",
                "<textarea><a href=\"/t\"></textarea><a href=\"/3\" "
            ))
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
            ["/1", "/2"]
        );
    }

    #[test]
    fn decodes_character_references_as_browsers_do() {
        assert_eq!(decode("a&amp;b&lt;&#60;&#x3c;&#X3C;"), "a&b<<<<");
        assert_eq!(decode("&amp"), "&");
        // Without a `;`, a reference followed by `=` or a letter stays as written.
        assert_eq!(decode("?a=1&copy=2&ampx"), "?a=1&copy=2&ampx");
        assert_eq!(
            decode("&nope; & &#; &#0; &#x80;"),
            "&nope; & &#; \u{FFFD} \u{20AC}"
        );
        assert_eq!(decode("&NotNestedGreaterGreater;"), "\u{2AA2}\u{338}");
    }

    #[test]
    fn resolves_relative_absolute_and_outside_links() {
        let r = Resolver {
            base: "/docs/",
            origin: "https://example.org",
        };
        let internal = |path: &str, url: &str, fragment: Option<&str>| Resolved::Internal {
            path: path.into(),
            url: url.into(),
            fragment: fragment.map(Into::into),
        };
        let page = "/docs/fsm/svtad/";
        assert_eq!(
            r.resolve(page, "#x"),
            internal("fsm/svtad/index.html", page, Some("x"))
        );
        assert_eq!(
            r.resolve(page, "v1.0/"),
            internal("fsm/svtad/v1.0/index.html", "/docs/fsm/svtad/v1.0/", None)
        );
        assert_eq!(
            r.resolve(page, "../tad/?q#a%20b"),
            internal("fsm/tad/index.html", "/docs/fsm/tad/", Some("a b"))
        );
        assert_eq!(
            r.resolve(page, " /docs/static/a.css "),
            internal("static/a.css", "/docs/static/a.css", None)
        );
        assert_eq!(
            r.resolve(page, "https://example.org/docs/"),
            internal("index.html", "/docs/", None)
        );
        assert_eq!(
            r.resolve(page, "//example.org/docs"),
            internal("index.html", "/docs", None)
        );
        assert_eq!(r.resolve(page, "/elsewhere/"), Resolved::Outside);
        assert_eq!(
            r.resolve(page, "https://example.org.evil/"),
            Resolved::External
        );
        assert_eq!(r.resolve(page, "mailto:a@b.c"), Resolved::External);
        assert_eq!(
            r.resolve(page, "https://other.org/docs/"),
            Resolved::External
        );
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%zz%"), "%zz%");
        assert_eq!(percent_decode("%e2%82%ac"), "€");
    }
}
