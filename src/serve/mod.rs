//! `attest serve`: a live preview of the site for its authors.
//!
//! The site is built once into memory ([`incremental::Preview`]), served over HTTP on
//! loopback ([`http`]), and rebuilt as its sources change ([`watch`]): only what a
//! change touches is parsed and rendered again. Open pages are told by server-sent
//! events ([`reload`]) and reload themselves when their page changed, or show the
//! build's errors in a banner; the server keeps serving the last good build meanwhile
//! and never stops because of content. Nothing is written to disk.
//!
//! This module wires those parts together and reports what happens through a
//! [`Message`] callback; printing is the binary's business.

pub mod http;
pub mod incremental;
pub mod output;
pub mod reload;
pub mod search;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::Options;

pub use incremental::{Outcome, Preview};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: Options,
    pub bind: IpAddr,
    /// 0 picks a free port (printed).
    pub port: u16,
    /// Allows binding an address other than loopback.
    pub expose: bool,
}

/// What the server tells its user.
#[derive(Debug)]
pub enum Message<'a> {
    /// The first build finished (successfully or not).
    Built(&'a Outcome, usize),
    /// The server is listening at this URL.
    Listening(String),
    /// Serving on an address other than loopback.
    Exposed(SocketAddr),
    /// A batch of changed files was rebuilt.
    Rebuilt(&'a Outcome, &'a [std::path::PathBuf]),
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to listen on {0}, which is not a loopback address: the preview would be reachable from other machines. Pass --expose if that is what you want")]
    NotLoopback(IpAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Watch(#[from] watch::WatchError),
}

/// The address to listen on, after the loopback check.
pub fn bind_address(opts: &ServeOptions) -> Result<SocketAddr, ServeError> {
    if !opts.bind.is_loopback() && !opts.expose {
        return Err(ServeError::NotLoopback(opts.bind));
    }
    Ok(SocketAddr::new(opts.bind, opts.port))
}

/// Builds, serves and rebuilds until the process is stopped. Returns only if it cannot
/// start, or if the watcher stops.
pub fn serve(opts: &ServeOptions, tell: &dyn Fn(Message)) -> Result<(), ServeError> {
    let addr = bind_address(opts)?;
    let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let mut watcher = watch::Watcher::new(&opts.build.root)?;

    let (mut preview, first) = Preview::new(opts.build.clone());
    tell(Message::Built(&first, preview.files.len()));
    let hub = Arc::new(reload::Hub::default());
    if first.failed() {
        hub.send(reload::Event::problem(&first.diagnostics));
    }
    let shared = Arc::new(http::Shared {
        files: preview.files.clone(),
        hub: hub.clone(),
        search: preview.search.clone(),
    });
    std::thread::Builder::new()
        .name("attest-accept".into())
        .spawn(move || http::accept_loop(listener, shared))
        .map_err(|source| ServeError::Bind { addr, source })?;
    if !local.ip().is_loopback() {
        tell(Message::Exposed(local));
    }
    let host = match local.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    tell(Message::Listening(format!(
        "http://{host}:{}{}",
        local.port(),
        preview.files.base()
    )));

    let base = preview.files.base().to_owned();
    let urls = |paths: &[String]| -> Vec<String> {
        paths.iter().map(|p| reload::url_of(&base, p)).collect()
    };
    while let Some(paths) = watcher.next_batch() {
        let open = hub.open_pages();
        let early = |changed: &[String]| hub.send(reload::Event::Reload(urls(changed)));
        let outcome = preview.apply_open(&paths, &open, &early);
        if !outcome.rebuilt {
            continue;
        }
        if outcome.failed() {
            hub.send(reload::Event::problem(&outcome.diagnostics));
        } else {
            // The open pages that changed were told already.
            let rest: Vec<String> = outcome
                .changed
                .iter()
                .filter(|p| !outcome.early.contains(p))
                .cloned()
                .collect();
            hub.send(reload::Event::Reload(urls(&rest)));
        }
        tell(Message::Rebuilt(&outcome, &paths));
    }
    Ok(())
}

/// Errors among `diags`, for the one-line summaries.
pub fn error_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// How long a rebuild took, for people.
pub fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
