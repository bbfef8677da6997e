//! Watching the project for changes, and turning the burst of events that one save makes
//! into one batch of paths.
//!
//! Watched: `content/`, `themes/`, the site's `templates/` and `search-index/`, each
//! recursively, and the root itself (not recursively) so that one of those folders
//! created or replaced after the start is noticed and watched too. Reads and metadata
//! changes are not changes (the build's own reads would otherwise trigger builds).
//! Editors' temporary files (`.swp`, `~`, `.tmp`, hidden files) are ignored, but the
//! rename that ends an atomic save names the real file, so it is seen.
//!
//! Debounce: a batch closes when no event has come for [`QUIET`] and no file written in
//! it is still open for writing, or [`LONGEST`] after its first event, whichever is
//! first; a `git checkout` of a hundred files or vim's write-rename-delete dance is one
//! batch, and a file truncated and then written slowly (an editor saving in place on a
//! busy machine) is read once it is whole. Each path appears once in a batch.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::load::is_ignored_name;

/// How long without events closes a batch.
pub const QUIET: Duration = Duration::from_millis(40);
/// The longest a batch stays open.
pub const LONGEST: Duration = Duration::from_millis(500);

/// The folders below the root that hold sources.
pub const WATCHED: &[&str] = &["content", "themes", "templates", "search-index"];

/// A watcher of one project.
pub struct Watcher {
    root: PathBuf,
    inner: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    watching: BTreeSet<PathBuf>,
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path} for changes: {source}")]
pub struct WatchError {
    path: PathBuf,
    source: notify::Error,
}

impl Watcher {
    /// Starts watching the project at `root`.
    pub fn new(root: &Path) -> Result<Watcher, WatchError> {
        let (tx, rx) = mpsc::channel();
        let inner = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .map_err(|source| WatchError {
            path: root.to_path_buf(),
            source,
        })?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            inner,
            rx,
            watching: BTreeSet::new(),
        };
        w.inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|source| WatchError {
                path: root.to_path_buf(),
                source,
            })?;
        w.watch_folders();
        Ok(w)
    }

    /// Watches the source folders that exist and are not watched yet.
    fn watch_folders(&mut self) {
        for name in WATCHED {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watching.contains(&dir) {
                if self.inner.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watching.insert(dir);
                }
            } else if !dir.is_dir() && self.watching.remove(&dir) {
                let _ = self.inner.unwatch(&dir);
            }
        }
    }

    /// Blocks until the next batch of changed paths. `None` when the watcher stopped.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.rx.recv().ok()?;
            let mut paths = BTreeSet::new();
            // Files written in this batch and not closed yet.
            let mut writing = BTreeSet::new();
            self.take(first, &mut paths, &mut writing);
            let opened = Instant::now();
            loop {
                let left = LONGEST.saturating_sub(opened.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.rx.recv_timeout(QUIET.min(left)) {
                    Ok(e) => self.take(e, &mut paths, &mut writing),
                    Err(RecvTimeoutError::Timeout) if writing.is_empty() => break,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            // A source folder may have been created or replaced.
            if paths
                .iter()
                .any(|p| p.parent() == Some(self.root.as_path()) || p == &self.root)
            {
                self.watch_folders();
            }
            if !paths.is_empty() {
                return Some(paths.into_iter().collect());
            }
        }
    }

    fn take(
        &self,
        event: notify::Result<notify::Event>,
        paths: &mut BTreeSet<PathBuf>,
        writing: &mut BTreeSet<PathBuf>,
    ) {
        let Ok(event) = event else {
            // The OS dropped events (its queue overflowed): look at everything.
            paths.insert(self.root.join("content"));
            return;
        };
        match Writing::of(&event.kind) {
            Some(Writing::Started) => writing.extend(
                event
                    .paths
                    .iter()
                    .filter(|p| relevant(&self.root, p))
                    .cloned(),
            ),
            Some(Writing::Ended) => event.paths.iter().for_each(|p| {
                writing.remove(p);
            }),
            None => {}
        }
        if !matters(&event.kind) {
            return;
        }
        if event.need_rescan() {
            paths.insert(self.root.join("content"));
        }
        for p in event.paths {
            if relevant(&self.root, &p) {
                paths.insert(p);
            }
        }
    }
}

/// What an event says of a file being written.
enum Writing {
    /// Created, or its bytes changed: more may follow until it is closed.
    Started,
    /// Closed after writing, removed, or renamed away: nothing more will follow.
    Ended,
}

impl Writing {
    fn of(kind: &EventKind) -> Option<Writing> {
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        match kind {
            EventKind::Create(CreateKind::File | CreateKind::Any)
            | EventKind::Modify(ModifyKind::Data(_)) => Some(Writing::Started),
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(_)) => Some(Writing::Ended),
            _ => None,
        }
    }
}

/// Whether an event kind can change what a build reads.
fn matters(kind: &EventKind) -> bool {
    use notify::event::ModifyKind;
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

/// Whether `path` is a source: below a watched folder (or one of them), and not an
/// editor's temporary file.
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    if !WATCHED.contains(&first.as_ref()) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // vim's probe file when it checks it may write a folder.
    !(is_ignored_name(&name) || name == "4913")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_relevant_and_editor_files_are_not() {
        let root = Path::new("/p");
        for yes in [
            "/p/content/fsm/svtad/v1.0.md",
            "/p/content",
            "/p/themes/dcc/static/attest.css",
            "/p/templates/base.html",
            "/p/search-index/synonyms.toml",
        ] {
            assert!(relevant(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/p/public/index.html",
            "/p/target/debug/attest",
            "/p/content/fsm/svtad/.v1.0.md.swp",
            "/p/content/fsm/svtad/v1.0.md~",
            "/p/content/fsm/svtad/4913",
            "/p/content/fsm/svtad/#v1.0.md#",
            "/p/content/fsm/svtad/v1.0.md.tmp",
            "/p/README.md",
            "/elsewhere/content/x.md",
        ] {
            assert!(!relevant(root, Path::new(no)), "{no}");
        }
    }

    /// A program that truncates a file, then takes its time writing it (an editor
    /// writing in place on a busy machine): the batch waits for the file to be closed,
    /// or the build would read it half written and report errors that are not there.
    #[test]
    fn a_batch_waits_for_a_file_being_written_to_be_closed() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        let file = root.join("content/v1.0.md");
        std::fs::create_dir_all(root.join("content")).expect("content/");
        std::fs::write(&file, "the old text\n").expect("written");
        let mut w = Watcher::new(root).expect("watching");
        let writer = {
            let file = file.clone();
            std::thread::spawn(move || {
                let mut f = std::fs::File::create(&file).expect("truncated");
                std::thread::sleep(QUIET * 4);
                f.write_all(b"the new text\n").expect("written");
            })
        };
        let batch = w.next_batch().expect("a batch");
        assert_eq!(batch, vec![file.clone()]);
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            "the new text\n"
        );
        writer.join().expect("the writer");
    }
}
