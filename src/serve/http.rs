//! The preview's HTTP/1.1 server: GET and HEAD of the in-memory site, the reload script
//! and the reload event stream, and nothing else.
//!
//! It runs on tiny_http. tiny_http 0.12 as published reads the request line and each
//! header line into a buffer without a bound, and bounding them is a requirement here,
//! so it is vendored with a small patch (`vendor/tiny_http/ATTEST-PATCH.md`) that bounds
//! request heads, sets socket timeouts, caps connections and can close a connection
//! after a response. tiny_http accepts connections (a thread each, up to
//! [`MAX_CONNECTIONS`]), reads each request head within the bounds below (beyond them:
//! 414 or 431, and the connection closed) and lets go of a client that stops sending for
//! [`READ_TIMEOUT`]; a few worker threads answer the requests:
//!
//! - only `GET` and `HEAD` (anything else is 405 with `Allow`, and the connection is
//!   closed; so is any connection whose request came with a body, which is not read);
//! - a path is decoded strictly: a bad or overlong percent-encoding, invalid UTF-8, an
//!   encoded `/`, a backslash, NUL or another control character, a `.` or `..` segment
//!   or an empty one is 404, and so is anything not in the built site. Files are never
//!   read from disk here, so nothing can lead outside the output, through a symlink or
//!   otherwise;
//! - a folder's path serves its `index.html`; a folder without its trailing slash is
//!   redirected to it; there are no directory listings; unknown paths get the site's
//!   404 page with status 404;
//! - the event stream is answered from a thread of its own, up to [`MAX_EVENT_STREAMS`]
//!   at once, which ends when its page goes away.
//!
//! Which path gets which answer is decided in one place, `route`.

use std::io::Cursor;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{ConnectionConfig, Header, Method, Request, Response, Server, StatusCode};

use super::output::Files;
use super::reload::{Hub, EVENTS_PATH, SCRIPT, SCRIPT_PATH};
use super::search::{form_pairs, PreviewSearch, SEARCH_PATH};

/// The longest request line read (method, target and version).
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest header line read.
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// The most bytes of headers read after the request line (line ends not counted).
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// The most header lines read.
pub const MAX_HEADERS: usize = 100;
/// How long a read from a client may wait: for the next part of a request head, or for
/// the next request on an idle connection. Writes to a client get as long.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once (a thread each); one more is answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 512;
/// Open event streams (a thread each, for as long as their page is open); one more is
/// answered 503.
pub const MAX_EVENT_STREAMS: usize = 256;
/// Threads answering requests. An answer is a lookup and a copy into the socket, so a
/// few keep up with many connections.
const WORKERS: usize = 8;

/// What the workers share.
pub struct Shared {
    pub files: Files,
    pub hub: Arc<Hub>,
    pub search: Arc<PreviewSearch>,
}

/// Serves on `listener` until the server stops: tiny_http's threads read requests, and
/// this thread and a few more answer them.
pub fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let config = ConnectionConfig {
        max_request_line: MAX_REQUEST_LINE,
        max_header_line: MAX_HEADER_LINE,
        max_headers: MAX_HEADERS,
        max_header_bytes: MAX_HEADER_BYTES,
        read_timeout: Some(READ_TIMEOUT),
        write_timeout: Some(READ_TIMEOUT),
        max_connections: Some(MAX_CONNECTIONS),
        nodelay: true,
    };
    let Ok(server) = Server::from_listener_with_config(listener, None, config) else {
        return;
    };
    let server = Arc::new(server);
    let streams = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (1..WORKERS)
        .filter_map(|_| {
            let (server, shared, streams) = (server.clone(), shared.clone(), streams.clone());
            std::thread::Builder::new()
                .name("attest-http".into())
                .spawn(move || work(&server, &shared, &streams))
                .ok()
        })
        .collect();
    work(&server, &shared, &streams);
    for w in workers {
        let _ = w.join();
    }
}

fn work(server: &Server, shared: &Shared, streams: &Arc<AtomicUsize>) {
    for request in server.incoming_requests() {
        handle(request, shared, streams);
    }
}

/// A response as the workers build it.
type Reply = Response<Cursor<Body>>;

/// What a request gets.
enum Answer {
    Reply(Reply),
    /// The event stream, which needs the connection to itself.
    Events,
}

/// Answers one request.
fn handle(request: Request, shared: &Shared, streams: &Arc<AtomicUsize>) {
    // A request body is of no use here: the connection is closed after the answer
    // rather than the body read (tiny_http has read one of up to 1 KiB already).
    let has_body = request.body_length().is_some_and(|n| n > 0)
        || request
            .headers()
            .iter()
            .any(|h| h.field.equiv("Transfer-Encoding"));
    let head_only = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            let reply = with_header(text(405, "only GET and HEAD\n"), "Allow", "GET, HEAD");
            let _ = request.respond_and_close(reply);
            return;
        }
    };
    let reply = match route(shared, request.url(), head_only) {
        Answer::Reply(reply) => reply,
        Answer::Events => return events(request, &shared.hub, streams),
    };
    let _ = if has_body {
        request.respond_and_close(reply)
    } else {
        request.respond(reply)
    };
}

/// The answer to a GET (or, with `head_only`, a HEAD) of `target` (path and query): the
/// one place that maps paths to answers, so a new endpoint is one more arm.
fn route(shared: &Shared, target: &str, head_only: bool) -> Answer {
    let path = target.split(['?', '#']).next().unwrap_or("");
    match path {
        EVENTS_PATH if !head_only => Answer::Events,
        SCRIPT_PATH => Answer::Reply(reply(
            200,
            "text/javascript; charset=utf-8",
            Body::Static(SCRIPT.as_bytes()),
        )),
        SEARCH_PATH => {
            let (code, json) = shared.search.answer(query_string(target));
            let ctype = "application/json; charset=utf-8";
            Answer::Reply(reply(code, ctype, Body::Owned(json.into_bytes())))
        }
        _ => Answer::Reply(site(&shared.files, path)),
    }
}

/// The query string of a request target: what follows `?`, up to any `#`.
fn query_string(target: &str) -> &str {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    query.split('#').next().unwrap_or("")
}

/// The value of one parameter of a request target's query string, decoded.
fn query_param(target: &str, name: &str) -> Option<String> {
    form_pairs(query_string(target))
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Serves the event stream on `request`'s connection from a thread of its own.
fn events(request: Request, hub: &Arc<Hub>, streams: &Arc<AtomicUsize>) {
    if streams.fetch_add(1, Ordering::Relaxed) >= MAX_EVENT_STREAMS {
        streams.fetch_sub(1, Ordering::Relaxed);
        let _ = request.respond_and_close(text(503, "too many event streams\n"));
        return;
    }
    let slot = StreamSlot(streams.clone());
    let hub = hub.clone();
    let page = query_param(request.url(), "page");
    // If no thread can be started, the request is dropped with the closure, and tiny_http
    // answers a dropped request 500.
    let _ = std::thread::Builder::new()
        .name("attest-events".into())
        .spawn(move || {
            let _slot = slot;
            // Ends when a write fails: the page went away (a keepalive is written every
            // few seconds), or it stopped reading for READ_TIMEOUT.
            let _ = hub.stream(request.into_writer(), page);
        });
}

/// One open event stream, counted while this lives.
struct StreamSlot(Arc<AtomicUsize>);

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The response to a GET or HEAD of `path` in the site.
fn site(files: &Files, path: &str) -> Reply {
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
                reply(200, ctype, Body::Owned(inject(&entry.bytes)))
            } else {
                reply(200, ctype, Body::Shared(entry.bytes))
            }
        }
        Some(Err(location)) => with_header(
            reply(301, "text/plain; charset=utf-8", Body::Static(b"moved\n")),
            "Location",
            &location,
        ),
        None => match files.get("404.html") {
            Some(e) => reply(
                404,
                "text/html; charset=utf-8",
                Body::Owned(inject(&e.bytes)),
            ),
            None => text(404, "not found\n"),
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

/// A response body: a served file's bytes, shared with the site, or bytes made for
/// this response.
enum Body {
    Shared(Arc<[u8]>),
    Owned(Vec<u8>),
    Static(&'static [u8]),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Body::Shared(b) => b,
            Body::Owned(b) => b,
            Body::Static(b) => b,
        }
    }
}

/// A response with the headers every answer carries. Its length is always sent as
/// `Content-Length` (tiny_http would otherwise send bodies over 32 KiB chunked); a HEAD
/// gets the same head without the body.
fn reply(code: u16, ctype: &str, body: Body) -> Reply {
    let len = body.as_ref().len();
    let reply = Response::new(
        StatusCode(code),
        Vec::new(),
        Cursor::new(body),
        Some(len),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let reply = with_header(reply, "Content-Type", ctype);
    let reply = with_header(reply, "Cache-Control", "no-store");
    with_header(reply, "X-Content-Type-Options", "nosniff")
}

fn text(code: u16, body: &'static str) -> Reply {
    reply(
        code,
        "text/plain; charset=utf-8",
        Body::Static(body.as_bytes()),
    )
}

/// `reply` with a header added; a value that is not ASCII (which no request can
/// produce) is left out.
fn with_header(reply: Reply, name: &str, value: &str) -> Reply {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => reply.with_header(h),
        Err(()) => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::output::Entry;
    use crate::serve::reload::Event;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Instant;

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
    fn the_script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "<html><body><p>x</p><script src=\"{SCRIPT_PATH}\" defer></script>\n</body></html>"
            )
        );
    }

    /// A site of one page and one stylesheet.
    fn one_page() -> Arc<Shared> {
        let files = Files::new("/".into());
        let file = |b: &str| Entry::new(b.as_bytes().into(), None, None);
        files.update(
            vec![
                ("a/index.html".into(), file("<html><body>a</body></html>")),
                ("a/x.css".into(), file("p {}")),
            ],
            Vec::new(),
            &|_| false,
            &|_| String::new(),
        );
        Arc::new(Shared {
            files,
            hub: Arc::default(),
            search: Arc::default(),
        })
    }

    /// Serves `shared` on an ephemeral port, until the test process ends.
    fn serve(shared: &Arc<Shared>) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let shared = shared.clone();
        std::thread::spawn(move || accept_loop(listener, shared));
        port
    }

    fn status(reply: &Answer) -> u16 {
        match reply {
            Answer::Reply(r) => r.status_code().0,
            Answer::Events => 0,
        }
    }

    #[test]
    fn routes() {
        let shared = one_page();
        assert_eq!(status(&route(&shared, "/a/", false)), 200);
        assert_eq!(status(&route(&shared, "/a/?q=1#x", false)), 200);
        assert_eq!(status(&route(&shared, "/a", false)), 301);
        assert_eq!(status(&route(&shared, "/a/x.css", true)), 200);
        assert_eq!(status(&route(&shared, "/b/", false)), 404);
        assert_eq!(status(&route(&shared, SCRIPT_PATH, false)), 200);
        assert!(matches!(route(&shared, EVENTS_PATH, false), Answer::Events));
        // There is nothing to HEAD at the stream's path.
        assert_eq!(status(&route(&shared, EVENTS_PATH, true)), 404);
    }

    /// Reads what the server sends until it closes the connection.
    fn read_all(s: &mut TcpStream) -> String {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = Vec::new();
        let r = s.read_to_end(&mut buf);
        assert!(
            !matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the server closes the connection: {}",
            String::from_utf8_lossy(&buf)
        );
        String::from_utf8_lossy(&buf).into_owned()
    }

    #[test]
    fn keep_alive_serves_many_requests_and_a_body_closes_the_connection() {
        let port = serve(&one_page());
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET /a/x.css HTTP/1.1\r\nHost: x\r\n\r\nHEAD /a/ HTTP/1.1\r\nHost: x\r\n\r\nGET /a/x.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let all = read_all(&mut s);
        assert_eq!(all.matches("HTTP/1.1 200 OK\r\n").count(), 3, "{all}");
        assert_eq!(all.matches("p {}").count(), 2, "{all}");
        assert!(all.contains("Content-Length: 4\r\n"), "{all}");

        // A GET with a body the client never finishes: answered, and closed at once
        // rather than read.
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(
            b"GET /a/x.css HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\nabc",
        )
        .unwrap();
        let t = Instant::now();
        let all = read_all(&mut s);
        assert!(all.starts_with("HTTP/1.1 200 OK\r\n"), "{all}");
        assert!(all.contains("Connection: close\r\n"), "{all}");
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn an_event_stream_ends_when_its_page_goes() {
        let shared = one_page();
        let port = serve(&shared);
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(format!("GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .unwrap();
        let mut head = [0; 15];
        s.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 200 OK");
        let deadline = Instant::now() + Duration::from_secs(5);
        while shared.hub.clients() == 0 {
            assert!(Instant::now() < deadline, "the stream joins the hub");
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(s);
        // The stream's thread finds out at its next write, and lets go of the hub.
        while shared.hub.clients() > 0 {
            assert!(Instant::now() < deadline, "the stream's thread ends");
            shared.hub.send(Event::Reload(Vec::new()));
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn connections_beyond_the_cap_are_answered_503() {
        // The cap as tiny_http applies it, with a cap of two.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = ConnectionConfig {
            max_connections: Some(2),
            ..ConnectionConfig::default()
        };
        let _server = Server::from_listener_with_config(listener, None, config).unwrap();
        let _a = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let _b = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        assert!(read_all(&mut c).starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
    }
}
