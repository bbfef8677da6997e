//! Telling open pages what changed: a server-sent event stream and the small script that
//! listens to it.
//!
//! The [`Hub`] keeps one channel a connected page. After a rebuild has replaced the
//! served files it sends `reload` with the URLs whose files changed; the script reloads
//! its page only when its own URL or a stylesheet or script it uses is among them,
//! keeping the scroll position. After a failed rebuild it sends `problem` with the
//! diagnostics, which the script shows in a banner over the page (the page itself stays
//! as it was); a page opened while the build is broken is sent the banner on connecting.
//! A page gives its URL path when it connects (`?page=`), so that a rebuild of many
//! pages can render the open ones first (see `incremental::Preview::apply`).
//! The script is served only by `attest serve` and added only to the pages it serves.

use std::io::{self, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use crate::diagnostics::Diagnostic;

/// Where the script is served.
pub const SCRIPT_PATH: &str = "/__attest/reload.js";
/// Where the event stream is served.
pub const EVENTS_PATH: &str = "/__attest/events";

/// The reload script.
pub const SCRIPT: &str = include_str!("reload.js");

/// A comment line this often keeps proxies and the browser from closing an idle stream,
/// and finds streams whose page has gone.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the event stream says.
#[derive(Debug, Clone)]
pub enum Event {
    /// These URL paths changed.
    Reload(Vec<String>),
    /// The last rebuild failed; the JSON of [`Problem`].
    Problem(String),
}

/// The diagnostics a page shows in its banner.
#[derive(Debug, Serialize)]
pub struct Problem<'a> {
    pub summary: String,
    pub diagnostics: Vec<ShownDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ShownDiagnostic<'a> {
    pub severity: &'static str,
    pub code: &'a str,
    /// `file:line:col`, or the file alone.
    pub location: String,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

impl Event {
    /// The `problem` event for these diagnostics (errors only).
    pub fn problem(diags: &[Diagnostic]) -> Event {
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        let p = Problem {
            summary: format!(
                "The site did not build: {} error{}. The page shows the last good build.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            ),
            diagnostics: errors
                .iter()
                .take(20)
                .map(|d| ShownDiagnostic {
                    severity: "error",
                    code: d.code,
                    location: d.location(),
                    message: &d.message,
                    help: d.help.as_deref(),
                })
                .collect(),
        };
        Event::Problem(serde_json::to_string(&p).unwrap_or_else(|_| "{}".into()))
    }

    fn frame(&self) -> String {
        match self {
            Event::Reload(urls) => format!(
                "event: reload\ndata: {}\n\n",
                serde_json::to_string(urls).unwrap_or_else(|_| "[]".into())
            ),
            // JSON has no raw newlines, so one data line carries it.
            Event::Problem(json) => format!("event: problem\ndata: {json}\n\n"),
        }
    }
}

/// The connected pages.
#[derive(Default)]
pub struct Hub {
    /// Each page's channel, and its URL path when it said.
    clients: Mutex<Vec<(Sender<Event>, Option<String>)>>,
    /// The problem of the last rebuild, sent to pages as they connect.
    problem: Mutex<Option<Event>>,
}

impl Hub {
    /// Sends `event` to every connected page, and remembers a problem for pages yet to
    /// connect (a reload clears it).
    pub fn send(&self, event: Event) {
        *self.problem.lock().unwrap_or_else(|e| e.into_inner()) = match &event {
            Event::Problem(_) => Some(event.clone()),
            Event::Reload(_) => None,
        };
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|(c, _)| c.send(event.clone()).is_ok());
    }

    /// The URL paths of the connected pages, each once.
    pub fn open_pages(&self) -> Vec<String> {
        let clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        let mut pages: Vec<String> = clients.iter().filter_map(|(_, p)| p.clone()).collect();
        pages.sort();
        pages.dedup();
        pages
    }

    /// How many pages are connected.
    pub fn clients(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Serves the event stream on `stream` (the connection, response head and all)
    /// until the page goes away. `page` is the URL path of the page listening, when it
    /// said.
    pub fn stream(&self, mut stream: impl Write, page: Option<String>) -> io::Result<()> {
        let (tx, rx) = mpsc::channel();
        stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 500\n\n",
        )?;
        let pending = self
            .problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(p) = pending {
            stream.write_all(p.frame().as_bytes())?;
        }
        stream.flush()?;
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((tx, page));
        pump(&rx, &mut stream)
    }
}

fn pump(rx: &Receiver<Event>, stream: &mut impl Write) -> io::Result<()> {
    loop {
        let frame = match rx.recv_timeout(KEEPALIVE) {
            Ok(e) => e.frame(),
            Err(RecvTimeoutError::Timeout) => ": keepalive\n\n".to_owned(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        stream.write_all(frame.as_bytes())?;
        stream.flush()?;
    }
}

/// The URL of an output path below `base`: `a/index.html` is `/a/`.
pub fn url_of(base: &str, path: &str) -> String {
    let p = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base}{p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_become_urls() {
        assert_eq!(url_of("/", "index.html"), "/");
        assert_eq!(url_of("/", "fsm/svtad/index.html"), "/fsm/svtad/");
        assert_eq!(
            url_of("/docs/", "static/attest.css"),
            "/docs/static/attest.css"
        );
    }

    #[test]
    fn frames_are_one_event_each() {
        let r = Event::Reload(vec!["/a/".into()]).frame();
        assert_eq!(r, "event: reload\ndata: [\"/a/\"]\n\n");
        let d = Diagnostic::file_error("bad-toml", "content/x.toml", "broken\nacross lines");
        let Event::Problem(json) = Event::problem(&[d]) else {
            panic!("a problem event")
        };
        assert!(!json.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["diagnostics"][0]["location"], "content/x.toml");
        assert_eq!(v["diagnostics"][0]["message"], "broken\nacross lines");
    }
}
