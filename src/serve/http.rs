//! The preview's HTTP/1.1 server: GET and HEAD of the in-memory site, the reload script
//! and the reload event stream, and nothing else.
//!
//! It is small on purpose and written for safety first. tiny_http was the first choice,
//! but it reads the request line and headers into buffers without a bound, and bounding
//! them is a requirement here. So this module reads each request head itself, with
//! limits on the request line, the headers and the time a head may take, and answers:
//!
//! - only `GET` and `HEAD` (anything else is 405 with `Allow`);
//! - a path is decoded strictly: a bad or overlong percent-encoding, invalid UTF-8, an
//!   encoded `/`, a backslash, NUL or another control character, a `.` or `..` segment
//!   or an empty one is 404, and so is anything not in the built site. Files are never
//!   read from disk here, so nothing can lead outside the output, through a symlink or
//!   otherwise;
//! - a folder's path serves its `index.html`; a folder without its trailing slash is
//!   redirected to it; there are no directory listings; unknown paths get the site's
//!   404 page with status 404.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::output::Files;
use super::reload::{Hub, EVENTS_PATH, SCRIPT, SCRIPT_PATH};
use super::search::{PreviewSearch, SEARCH_PATH};

/// The longest request line read (method, target and version).
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The most bytes of headers read after the request line.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// The most header lines read.
pub const MAX_HEADERS: usize = 100;
/// How long a client may take to send a request head, and may stay idle between
/// requests on one connection.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the listen queue of the OS... and beyond
/// that are refused with 503.
const MAX_CONNECTIONS: usize = 512;

/// What the workers share.
pub struct Shared {
    pub files: Files,
    pub hub: Arc<Hub>,
    pub search: Arc<PreviewSearch>,
}

/// Accepts connections forever, one thread a connection.
pub fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            continue;
        };
        if open.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            let mut s = stream;
            let _ = s.write_all(&simple(
                503,
                "Service Unavailable",
                "too many connections\n",
                false,
            ));
            continue;
        }
        open.fetch_add(1, Ordering::Relaxed);
        let shared = shared.clone();
        let open = open.clone();
        let spawned = std::thread::Builder::new()
            .name("attest-http".into())
            .spawn(move || {
                let _ = connection(stream, &shared);
                open.fetch_sub(1, Ordering::Relaxed);
            });
        if spawned.is_err() {
            // No thread could be started; the stream was dropped (closed) with it.
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A request head, as read.
#[derive(Debug)]
struct Head {
    method: String,
    target: String,
    keep_alive: bool,
    has_body: bool,
}

/// Why a head could not be read.
#[derive(Debug)]
enum HeadError {
    /// The client went away, or was too slow.
    Closed,
    TooLong(u16, &'static str),
    Bad,
}

fn connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let head = match read_head(&mut reader) {
            Ok(h) => h,
            Err(HeadError::Closed) => return Ok(()),
            Err(HeadError::TooLong(code, reason)) => {
                writer.write_all(&simple(code, reason, &format!("{reason}\n"), false))?;
                return Ok(());
            }
            Err(HeadError::Bad) => {
                writer.write_all(&simple(400, "Bad Request", "bad request\n", false))?;
                return Ok(());
            }
        };
        // A request with a body is answered, then the connection is closed rather than
        // the body read: a preview has no use for one.
        let keep_alive = head.keep_alive && !head.has_body;
        if head.method != "GET" && head.method != "HEAD" {
            let mut r = simple(405, "Method Not Allowed", "only GET and HEAD\n", false);
            insert_header(&mut r, "Allow: GET, HEAD");
            writer.write_all(&r)?;
            return Ok(());
        }
        let head_only = head.method == "HEAD";
        let path = head.target.split(['?', '#']).next().unwrap_or("");
        if path == EVENTS_PATH && !head_only {
            let page = query_param(&head.target, "page");
            return shared.hub.stream(writer, page);
        }
        if path == SEARCH_PATH {
            let (code, json) = shared.search.answer(query_string(&head.target));
            let reason = match code {
                200 => "OK",
                503 => "Service Unavailable",
                _ => "Internal Server Error",
            };
            let ctype = "application/json; charset=utf-8";
            let response = response(
                code,
                reason,
                ctype,
                json.as_bytes(),
                head_only,
                keep_alive,
                &[],
            );
            writer.write_all(&response)?;
            writer.flush()?;
            if !keep_alive {
                return Ok(());
            }
            continue;
        }
        let response = respond(shared, path, head_only, keep_alive);
        writer.write_all(&response)?;
        writer.flush()?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// The query string of a request target: what follows `?`, up to any `#`.
fn query_string(target: &str) -> &str {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    query.split('#').next().unwrap_or("")
}

/// The value of one parameter of a request target's query string, decoded.
fn query_param(target: &str, name: &str) -> Option<String> {
    super::search::form_pairs(query_string(target))
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Reads one request head within the limits.
fn read_head(reader: &mut impl BufRead) -> Result<Head, HeadError> {
    let mut line = Vec::new();
    // Browsers may send an empty line between requests; skip a few.
    for _ in 0..4 {
        line.clear();
        read_line(reader, &mut line, MAX_REQUEST_LINE, (414, "URI Too Long"))?;
        if !line.is_empty() {
            break;
        }
    }
    if line.is_empty() {
        return Err(HeadError::Bad);
    }
    let text = std::str::from_utf8(&line).map_err(|_| HeadError::Bad)?;
    let mut parts = text.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Bad);
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HeadError::Bad);
    }
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(HeadError::Bad),
    };
    let mut has_body = false;
    let mut total = 0;
    let mut count = 0;
    loop {
        let mut h = Vec::new();
        let budget = MAX_HEADER_BYTES.saturating_sub(total);
        read_line(
            reader,
            &mut h,
            budget,
            (431, "Request Header Fields Too Large"),
        )?;
        if h.is_empty() {
            break;
        }
        total += h.len() + 2;
        count += 1;
        if count > MAX_HEADERS {
            return Err(HeadError::TooLong(431, "Request Header Fields Too Large"));
        }
        let h = String::from_utf8_lossy(&h);
        let Some((name, value)) = h.split_once(':') else {
            return Err(HeadError::Bad);
        };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "connection" if value.contains("close") => keep_alive = false,
            "connection" if value.contains("keep-alive") => keep_alive = true,
            "content-length" => has_body |= value != "0",
            "transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    Ok(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        keep_alive,
        has_body,
    })
}

/// Reads up to CRLF (or LF) into `out`, without the line end; at most `max` bytes.
fn read_line(
    reader: &mut impl BufRead,
    out: &mut Vec<u8>,
    max: usize,
    too_long: (u16, &'static str),
) -> Result<(), HeadError> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Closed),
        };
        if buf.is_empty() {
            return Err(HeadError::Closed);
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if out.len() + take > max + 2 {
            return Err(HeadError::TooLong(too_long.0, too_long.1));
        }
        out.extend_from_slice(&buf[..take]);
        reader.consume(take);
        if done {
            out.pop();
            if out.last() == Some(&b'\r') {
                out.pop();
            }
            if out.len() > max {
                return Err(HeadError::TooLong(too_long.0, too_long.1));
            }
            return Ok(());
        }
    }
}

/// The response to a GET or HEAD of `path`.
fn respond(shared: &Shared, path: &str, head_only: bool, keep_alive: bool) -> Vec<u8> {
    if path == SCRIPT_PATH {
        return response(
            200,
            "OK",
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes(),
            head_only,
            keep_alive,
            &[],
        );
    }
    let files = &shared.files;
    let found = resolve(path, files.base()).and_then(|rel| {
        if let Some(e) = files.get(&rel) {
            return Some(Ok((rel, e)));
        }
        // A folder asked for without its slash: send the browser to the folder, so
        // that its relative links work.
        let is_folder = (rel.is_empty() || !rel.ends_with("index.html"))
            && files.get(&format!("{rel}/index.html")).is_some();
        is_folder.then(|| Err(format!("{path}/")))
    });
    match found {
        Some(Ok((rel, entry))) => {
            let ctype = content_type(&rel);
            if ctype.starts_with("text/html") {
                let body = inject(&entry.bytes);
                response(200, "OK", ctype, &body, head_only, keep_alive, &[])
            } else {
                response(200, "OK", ctype, &entry.bytes, head_only, keep_alive, &[])
            }
        }
        Some(Err(location)) => response(
            301,
            "Moved Permanently",
            "text/plain; charset=utf-8",
            b"moved\n",
            head_only,
            keep_alive,
            &[&format!("Location: {location}")],
        ),
        None => match files.get("404.html") {
            Some(e) => {
                let body = inject(&e.bytes);
                response(
                    404,
                    "Not Found",
                    "text/html; charset=utf-8",
                    &body,
                    head_only,
                    keep_alive,
                    &[],
                )
            }
            None => response(
                404,
                "Not Found",
                "text/plain; charset=utf-8",
                b"not found\n",
                head_only,
                keep_alive,
                &[],
            ),
        },
    }
}

/// The output path a request path names, or `None` when the path is malformed,
/// ambiguous, outside the site's base, or tries to leave it. `/a/b/` is `a/b/index.html`;
/// `/a/b` is `a/b` (the caller looks for a folder of that name).
pub fn resolve(path: &str, base: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let rest = decoded.strip_prefix(base).or_else(|| {
        // The base without its slash is the base folder.
        (decoded == base.trim_end_matches('/')).then_some("")
    })?;
    if rest.is_empty() {
        return Some("index.html".into());
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if s.is_empty() && i != last {
            return None;
        }
        if *s == "." || *s == ".." {
            return None;
        }
    }
    if rest.ends_with('/') {
        Some(format!("{rest}index.html"))
    } else {
        Some(rest.to_owned())
    }
}

/// Decodes `%XX` escapes strictly. Refuses a bad escape, an escaped `/`, a backslash,
/// NUL or any control character, and bytes that are not UTF-8 (which covers overlong
/// encodings such as `%c0%ae`).
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            let v = u8::from_str_radix(hex, 16).ok()?;
            if v == b'/' {
                return None;
            }
            out.push(v);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    if s.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    Some(s)
}

/// The `Content-Type` of an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if path.ends_with("feed.xml") {
                "application/atom+xml"
            } else {
                "application/xml"
            }
        }
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script added before `</body>`. Only served pages get it;
/// the built output never holds it.
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>\n");
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[allow(clippy::too_many_arguments)]
fn response(
    code: u16,
    reason: &str,
    ctype: &str,
    body: &[u8],
    head_only: bool,
    keep_alive: bool,
    extra: &[&str],
) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for h in extra {
        r.push_str(h);
        r.push_str("\r\n");
    }
    r.push_str("\r\n");
    let mut out = r.into_bytes();
    if !head_only {
        out.extend_from_slice(body);
    }
    out
}

fn simple(code: u16, reason: &str, body: &str, keep_alive: bool) -> Vec<u8> {
    response(
        code,
        reason,
        "text/plain; charset=utf-8",
        body.as_bytes(),
        false,
        keep_alive,
        &[],
    )
}

/// Adds a header line to a response made by [`response`].
fn insert_header(response: &mut Vec<u8>, line: &str) {
    if let Some(at) = find_last(response, b"\r\n\r\n") {
        let tail = response.split_off(at);
        response.extend_from_slice(b"\r\n");
        response.extend_from_slice(line.as_bytes());
        response.extend_from_slice(&tail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_to_output_files() {
        assert_eq!(resolve("/", "/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve("/fsm/svtad/", "/").as_deref(),
            Some("fsm/svtad/index.html")
        );
        assert_eq!(
            resolve("/static/attest.css", "/").as_deref(),
            Some("static/attest.css")
        );
        assert_eq!(resolve("/fsm", "/").as_deref(), Some("fsm"));
        assert_eq!(resolve("/a%20b/", "/").as_deref(), Some("a b/index.html"));
        assert_eq!(
            resolve("/docs/x/", "/docs/").as_deref(),
            Some("x/index.html")
        );
        assert_eq!(resolve("/docs", "/docs/").as_deref(), Some("index.html"));
        assert_eq!(resolve("/x/", "/docs/"), None);
    }

    #[test]
    fn every_traversal_form_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/fsm/../../etc/passwd",
            "/fsm/./svtad/",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/.%2e/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/fsm%2fsvtad/",
            "/..\\etc\\passwd",
            "/fsm/%5c..%5cetc",
            "//etc/passwd",
            "/fsm//svtad/",
            "/%c0%ae%c0%ae/etc/passwd",
            "/%e0%80%ae/",
            "/%ff/",
            "/%zz/",
            "/%2",
            "/index.html%00.css",
            "/a\u{0}b",
            "etc/passwd",
            "C:\\Windows\\win.ini",
            "http://example.org/",
        ] {
            assert_eq!(resolve(bad, "/"), None, "{bad} must not resolve");
        }
    }

    #[test]
    fn heads_are_bounded() {
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert!(matches!(
            read_head(&mut long.as_bytes()),
            Err(HeadError::TooLong(414, _))
        ));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X-A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(matches!(
            read_head(&mut many.as_bytes()),
            Err(HeadError::TooLong(431, _))
        ));
        let big = format!(
            "GET / HTTP/1.1\r\nX-A: {}\r\n\r\n",
            "b".repeat(MAX_HEADER_BYTES)
        );
        assert!(matches!(
            read_head(&mut big.as_bytes()),
            Err(HeadError::TooLong(431, _))
        ));
        let ok = read_head(&mut "GET /x?y HTTP/1.1\r\nHost: a\r\n\r\n".as_bytes()).unwrap();
        assert_eq!(
            (ok.method.as_str(), ok.target.as_str(), ok.keep_alive),
            ("GET", "/x?y", true)
        );
        assert!(matches!(
            read_head(&mut "GET /\r\n\r\n".as_bytes()),
            Err(HeadError::Bad)
        ));
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "<html><body><p>x</p><script src=\"{SCRIPT_PATH}\" defer></script>\n</body></html>"
            )
        );
    }
}
