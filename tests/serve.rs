//! `attest serve` end to end: the binary on an ephemeral port, edits on disk, the reload
//! event and the new page over HTTP, the error banner's event, and the server's refusals
//! (methods, traversal, oversized heads, clients that stop sending, non-loopback binds).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{attest_bin, edit, fixture};

/// A running `attest serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The lines it prints after `serving ...`.
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    let mut child = Command::new(attest_bin())
        .args(["serve", "--port", "0", "--date", "2025-06-01", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("attest serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx2.send(line);
        }
    });
    // Owned by the guard from here on, so a failed start still stops the process.
    let mut server = Server {
        child,
        port: 0,
        lines: rx,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("attest serve prints its address");
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            server.port = rest.split('/').next().unwrap().parse().expect("a port");
            return server;
        }
    }
}

/// A raw HTTP exchange: sends `request` as it is and returns (status, headers, body).
fn raw(port: u16, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("a response head: {:?}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let status = head[9..12].parse().expect("a status");
    (status, head, buf[end + 4..].to_vec())
}

fn get(port: u16, path: &str) -> (u16, String, String) {
    let (s, h, b) = raw(
        port,
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    (s, h, String::from_utf8_lossy(&b).into_owned())
}

/// An open event stream.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        s.write_all(b"GET /__attest/events HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line.trim_end(), "HTTP/1.1 200 OK");
        let mut head = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.contains("Content-Type: text/event-stream"), "{head}");
        Events { reader }
    }

    /// The next event's name and data (comments and `retry:` skipped).
    fn next(&mut self) -> (String, String) {
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("an event in time");
            assert!(n > 0, "the stream closed");
            let line = line.trim_end_matches('\n');
            if line.is_empty() {
                if !event.is_empty() {
                    return (event, data);
                }
                continue;
            }
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_owned();
            }
        }
    }
}

#[test]
fn an_edit_sends_a_reload_and_serves_the_new_page_and_an_error_shows_then_recovers() {
    let dir = fixture("minimal");
    let root = dir.path();
    let server = start(root);
    let port = server.port;

    let (status, head, page) = get(port, "/prog/svtad/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(page.contains("report progress as follows"));
    assert!(page.contains("<script src=\"/__attest/reload.js\" defer></script>\n</body>"));

    let mut events = Events::open(port);
    edit(
        root,
        "content/prog/svtad/v1.0.md",
        "report progress as follows",
        "report weekly progress as follows",
    );
    let (event, data) = events.next();
    assert_eq!(event, "reload");
    let urls: Vec<String> = serde_json::from_str(&data).expect("a JSON list");
    assert!(urls.contains(&"/prog/svtad/".to_owned()), "{urls:?}");
    assert!(urls.contains(&"/prog/svtad/v1.0/".to_owned()), "{urls:?}");
    assert!(
        !urls.iter().any(|u| u.starts_with("/prog/tad/")),
        "{urls:?}"
    );
    let (_, _, page) = get(port, "/prog/svtad/");
    assert!(page.contains("report weekly progress as follows"));

    // A mistake: the page keeps its last good text, and the stream says where.
    edit(
        root,
        "content/prog/svtad/v1.0.md",
        "status = \"designated\"",
        "status = designated",
    );
    let (event, data) = events.next();
    assert_eq!(event, "problem");
    let problem: serde_json::Value = serde_json::from_str(&data).expect("JSON");
    let location = problem["diagnostics"][0]["location"].as_str().unwrap();
    assert!(
        location.starts_with("content/prog/svtad/v1.0.md:3:"),
        "{location}"
    );
    let (status, _, page) = get(port, "/prog/svtad/");
    assert_eq!(status, 200);
    assert!(page.contains("report weekly progress as follows"));
    // A page opened now is told at once.
    let mut late = Events::open(port);
    assert_eq!(late.next().0, "problem");

    edit(
        root,
        "content/prog/svtad/v1.0.md",
        "status = designated",
        "status = \"designated\"",
    );
    assert_eq!(events.next().0, "reload");
    assert_eq!(late.next().0, "reload");

    // The terminal said the same.
    let said: Vec<String> = server.lines.try_iter().collect();
    assert!(
        said.iter()
            .any(|l| l.contains("content/prog/svtad/v1.0.md:3:")),
        "{said:#?}"
    );
}

#[test]
fn only_get_and_head_are_served() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let port = server.port;
    for method in [
        "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    ] {
        let (status, head, _) = raw(
            port,
            format!("{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").as_bytes(),
        );
        assert_eq!(status, 405, "{method}");
        assert!(head.contains("Allow: GET, HEAD"), "{head}");
    }
    let (status, head, body) = raw(
        port,
        b"HEAD /prog/svtad/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(body.is_empty());
    let (_, _, page) = get(port, "/prog/svtad/");
    assert!(
        head.contains(&format!("Content-Length: {}", page.len())),
        "{head}"
    );
}

#[test]
fn traversal_in_every_encoding_is_not_found() {
    let dir = fixture("minimal");
    // A file outside the site that a traversal would reach.
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    let server = start(&dir.path().join("."));
    let port = server.port;
    for path in [
        "/../secret.txt",
        "/prog/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/prog%2fsvtad/",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/prog//svtad/",
        "/%c0%ae%c0%ae/secret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/%ff/",
        "/%zz/",
        "/index.html%00.css",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "http://127.0.0.1/../secret.txt",
        "*",
    ] {
        let (status, _, body) = get(port, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("secret"), "{path}");
    }
    // The 404 page is the site's own.
    let (status, head, body) = get(port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(head.contains("text/html"));
    assert!(body.contains("Page not found"));
}

#[test]
fn files_have_their_content_types_folders_redirect_and_heads_are_bounded() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let port = server.port;
    for (path, ctype) in [
        ("/static/attest.css", "text/css; charset=utf-8"),
        ("/feed.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/prog/svtad/versions.json", "application/json"),
        ("/__attest/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let (status, head, _) = get(port, path);
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("Content-Type: {ctype}\r\n")),
            "{path}: {head}"
        );
        assert!(head.contains("X-Content-Type-Options: nosniff"));
    }
    let (status, head, _) = get(port, "/prog/svtad");
    assert_eq!(status, 301);
    assert!(
        head.lines().any(|l| l == "Location: /prog/svtad/"),
        "{head}"
    );
    // No listing of a folder without a page.
    assert_eq!(get(port, "/static/").0, 404);

    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(9000));
    assert_eq!(raw(port, long.as_bytes()).0, 414);
    let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(101));
    assert_eq!(raw(port, many.as_bytes()).0, 431);
    assert_eq!(raw(port, b"GARBAGE\r\n\r\n").0, 400);
    // Still serving.
    assert_eq!(get(port, "/").0, 200);
}

/// The server's resident memory in KiB, where the system says (Linux).
fn rss_kib(server: &Server) -> Option<usize> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Sends `head`, then up to `flood` bytes without a line end, as a client whose request
/// head never ends. Returns the status the server answered and how many of the flood's
/// bytes it let the client write; asserts that the server then closed the connection.
fn flood(port: u16, head: &[u8], flood: usize) -> (u16, usize) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(head).unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < flood {
        match s.write(&chunk) {
            Ok(n) => sent += n,
            // The server closed the connection.
            Err(_) => break,
        }
    }
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf);
    assert!(
        !matches!(&read, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "the server answers and closes the connection, after {sent} bytes: {:?}",
        String::from_utf8_lossy(&buf)
    );
    let head = String::from_utf8_lossy(&buf);
    let status = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|r| r.get(..3)?.parse().ok())
        .unwrap_or_else(|| panic!("a response: {head:?}"));
    (status, sent)
}

/// A flood of 64 MiB: the server must stop reading it long before the end (what the
/// connection's socket buffers take is a few MiB at most) and must not keep it.
const FLOOD: usize = 64 * 1024 * 1024;

#[test]
fn a_request_line_without_an_end_is_answered_414_at_its_bound_and_not_kept() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let before = rss_kib(&server);
    let (status, sent) = flood(server.port, b"GET /", FLOOD);
    assert_eq!(status, 414);
    assert!(sent < FLOOD / 2, "the server read {sent} bytes of one line");
    if let (Some(before), Some(after)) = (before, rss_kib(&server)) {
        assert!(
            after < before + 16 * 1024,
            "RSS {before} KiB, then {after} KiB"
        );
    }
    assert_eq!(get(server.port, "/").0, 200);
}

#[test]
fn a_header_line_without_an_end_is_answered_431_at_its_bound_and_not_kept() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let before = rss_kib(&server);
    let (status, sent) = flood(server.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: ", FLOOD);
    assert_eq!(status, 431);
    assert!(sent < FLOOD / 2, "the server read {sent} bytes of one line");
    if let (Some(before), Some(after)) = (before, rss_kib(&server)) {
        assert!(
            after < before + 16 * 1024,
            "RSS {before} KiB, then {after} KiB"
        );
    }
    assert_eq!(get(server.port, "/").0, 200);
}

#[test]
fn request_heads_are_bounded_at_8_kib_lines_100_headers_and_32_kib_of_headers() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let port = server.port;
    let status = |head: String| raw(port, format!("{head}Connection: close\r\n\r\n").as_bytes()).0;
    // A request line of 8 KiB is read (and is not a page); one byte more is not.
    let line = |len: usize| {
        let path = "a".repeat(len - "GET / HTTP/1.1".len());
        format!("GET /{path} HTTP/1.1\r\n")
    };
    assert_eq!(status(line(8 * 1024)), 404);
    assert_eq!(status(line(8 * 1024 + 1)), 414);
    // A header line of 8 KiB is read; one byte more is not.
    let header = |len: usize| format!("X-A: {}\r\n", "b".repeat(len - "X-A: ".len()));
    assert_eq!(
        status(format!("GET / HTTP/1.1\r\n{}", header(8 * 1024))),
        200
    );
    assert_eq!(
        status(format!("GET / HTTP/1.1\r\n{}", header(8 * 1024 + 1))),
        431
    );
    // 100 headers are read (with `Connection`); 101 are not.
    let many = |n: usize| format!("GET / HTTP/1.1\r\n{}", "X-A: b\r\n".repeat(n));
    assert_eq!(status(many(99)), 200);
    assert_eq!(status(many(100)), 431);
    // 32 KiB of headers in all are read; one byte more is not.
    let (size, n) = (32 * 1024 - "Connection: close".len(), 4);
    let total = |extra: usize| {
        let mut head = "GET / HTTP/1.1\r\n".to_owned();
        for i in 0..n {
            let len = size / n + if i == 0 { size % n + extra } else { 0 };
            head.push_str(&header(len));
        }
        head
    };
    assert_eq!(status(total(0)), 200);
    assert_eq!(status(total(1)), 431);
}

#[test]
fn a_client_that_stops_sending_is_let_go_after_the_read_timeout() {
    let dir = fixture("minimal");
    let server = start(dir.path());
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf);
    let waited = t.elapsed();
    assert!(read.is_ok(), "the server closes the connection: {read:?}");
    // READ_TIMEOUT is 10 s.
    assert!(
        waited >= Duration::from_secs(8) && waited < Duration::from_secs(20),
        "{waited:?}"
    );
}

#[test]
fn binding_beyond_loopback_needs_expose() {
    let dir = fixture("minimal");
    let out = Command::new(attest_bin())
        .args(["serve", "--port", "0", "--bind", "0.0.0.0", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address"), "{err}");
    assert!(err.contains("--expose"), "{err}");
}

#[test]
fn the_reload_script_never_reaches_a_built_site() {
    let dir = fixture("minimal");
    let out = common::build_ok(dir.path(), &[]);
    assert!(out.status.success());
    let public = dir.path().join("public");
    let files = common::files_in(&public);
    assert!(files.len() > 10);
    for f in files {
        let bytes = std::fs::read(public.join(&f)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("__attest"), "{f} holds the preview's script");
        assert!(!text.contains("EventSource"), "{f}");
    }
}

#[test]
fn the_search_page_asks_the_preview_which_follows_edits() {
    let dir = fixture("minimal");
    let root = dir.path();
    let server = start(root);
    let port = server.port;

    // In place of Pagefind's client, the preview's, which asks the server.
    let (status, head, client) = get(port, "/pagefind/pagefind.js");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("Content-Type: text/javascript"), "{head}");
    assert_eq!(client, attest::serve::search::CLIENT);

    let mut events = Events::open(port);
    edit(
        root,
        "content/prog/svtad/v1.0.md",
        "report progress as follows",
        "report fortnightly progress as follows",
    );
    assert_eq!(events.next().0, "reload");
    let (status, head, body) = get(port, "/__attest/search?q=fortnightly&current=yes");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: application/json; charset=utf-8"),
        "{head}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(v["results"][0]["url"], "/prog/svtad/#clause-2.2", "{body}");
    assert_eq!(v["results"].as_array().map(Vec::len), Some(1), "{body}");
    // Markup in a query is a query, not markup.
    let (status, _, body) = get(port, "/__attest/search?q=%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    // The clause whose raw HTML held that script is found by its words, and its
    // excerpt is text: the sanitiser removed the markup before it was indexed.
    assert_eq!(v["results"][0]["url"], "/prog/tad/#clause-1.4", "{body}");
    assert_eq!(
        v["results"][0]["excerpt"],
        "Raw HTML: <mark>alert</mark>(<mark>1</mark>)bold"
    );
    assert!(!body.contains("<script"), "{body}");
}
