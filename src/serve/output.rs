//! The built site in memory: every output file by its path below the site, with the
//! job that made it, shared between the rebuilds (which write) and the HTTP workers
//! (which read).
//!
//! A rebuild replaces its files in one step under a write lock, so a request sees the
//! site before a rebuild or after it, never half of one; a reload is announced only
//! after that step (a browser that reloads early would see the old page). This module
//! neither renders nor speaks HTTP.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::render::Job;

/// One served file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub bytes: Arc<[u8]>,
    /// The page's URL when it is listed in the sitemap.
    pub url: Option<String>,
    /// The job that made it; `None` for the theme's and the site's support files.
    pub job: Option<Job>,
}

impl Entry {
    pub fn new(bytes: Arc<[u8]>, url: Option<String>, job: Option<Job>) -> Entry {
        Entry { bytes, url, job }
    }
}

/// The files of the site, by path below the output (`fsm/svtad/index.html`).
#[derive(Debug, Clone)]
pub struct Files {
    base: String,
    map: Arc<RwLock<HashMap<String, Entry>>>,
}

impl Files {
    /// An empty site served below `base` (`/` or `/docs/`).
    pub fn new(base: String) -> Files {
        Files {
            base,
            map: Arc::default(),
        }
    }

    /// The URL path prefix the site is served below.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The file at `path`, if there is one.
    pub fn get(&self, path: &str) -> Option<Entry> {
        self.read().get(path).cloned()
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every path and its bytes, sorted by path (for tests and comparisons).
    pub fn snapshot(&self) -> Vec<(String, Arc<[u8]>)> {
        let mut v: Vec<(String, Arc<[u8]>)> = self
            .read()
            .iter()
            .map(|(p, e)| (p.clone(), e.bytes.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Applies one rebuild: files made by jobs that `redone` covers and that were not
    /// made again are removed; `made` and `support` are put in; the sitemap is made
    /// anew from every page's URL when a page came or went. Returns the paths whose
    /// bytes changed, appeared or disappeared, sorted.
    pub fn update(
        &self,
        made: Vec<(String, Entry)>,
        support: Vec<(String, Entry)>,
        redone: &dyn Fn(&Job) -> bool,
        sitemap: &dyn Fn(Vec<String>) -> String,
    ) -> Vec<String> {
        // Only the rebuild writes, so what is read here is still there below. The
        // comparing happens under the read lock, which requests share; the write lock is
        // held only to swap the entries.
        let (stale, mut changed, mut urls_changed) = {
            let map = self.read();
            let fresh: std::collections::HashSet<&str> = made
                .iter()
                .chain(&support)
                .map(|(p, _)| p.as_str())
                .collect();
            let stale: Vec<String> = map
                .iter()
                .filter(|(p, e)| {
                    !fresh.contains(p.as_str())
                        && p.as_str() != "sitemap.xml"
                        && e.job.as_ref().is_none_or(redone)
                })
                .map(|(p, _)| p.clone())
                .collect();
            let mut changed = stale.clone();
            // The sitemap lists every page's URL: made again only when that list changed.
            let mut urls_changed = !map.contains_key("sitemap.xml")
                || stale
                    .iter()
                    .any(|p| map.get(p).is_some_and(|e| e.url.is_some()));
            for (path, entry) in made.iter().chain(&support) {
                let old = map.get(path);
                if old.is_none_or(|old| old.bytes != entry.bytes) {
                    changed.push(path.clone());
                }
                urls_changed |= old.map_or(entry.url.is_some(), |old| old.url != entry.url);
            }
            (stale, changed, urls_changed)
        };
        let mut replaced: Vec<Entry> = Vec::with_capacity(made.len() + stale.len());
        {
            let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
            replaced.extend(stale.iter().filter_map(|p| map.remove(p)));
            for (path, entry) in made.into_iter().chain(support) {
                replaced.extend(map.insert(path, entry));
            }
            if urls_changed {
                let urls = map.values().filter_map(|e| e.url.clone()).collect();
                let sitemap = Entry::new(sitemap(urls).into_bytes().into(), None, None);
                urls_changed = map
                    .get("sitemap.xml")
                    .is_none_or(|old| old.bytes != sitemap.bytes);
                replaced.extend(map.insert("sitemap.xml".into(), sitemap));
            }
        }
        if urls_changed {
            changed.push("sitemap.xml".into());
        }
        // A full render replaces a gigabyte of pages: freeing it is no reason to make
        // the author wait for the reload.
        let _ = std::thread::Builder::new()
            .name("attest-free".into())
            .spawn(move || drop(replaced));
        changed.sort();
        changed
    }

    /// Puts in the pages `made` (by the first jobs of a rebuild, whose other files follow
    /// in [`Files::update`]), leaving every other file as it is. Returns the paths whose
    /// bytes changed or appeared, sorted.
    pub fn put(&self, made: Vec<(String, Entry)>) -> Vec<String> {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        let mut changed: Vec<String> = made
            .into_iter()
            .filter_map(|(path, entry)| {
                let same = map.get(&path).is_some_and(|old| old.bytes == entry.bytes);
                map.insert(path.clone(), entry);
                (!same).then_some(path)
            })
            .collect();
        changed.sort();
        changed
    }

    /// The jobs that made the pages at these URL paths.
    pub fn jobs_at(&self, urls: &[String]) -> std::collections::HashSet<Job> {
        if urls.is_empty() {
            return Default::default();
        }
        self.read()
            .values()
            .filter(|e| e.url.as_ref().is_some_and(|u| urls.contains(u)))
            .filter_map(|e| e.job)
            .collect()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Entry>> {
        self.map.read().unwrap_or_else(|e| e.into_inner())
    }
}
