//! The live preview benchmark, on a generated corpus (default 10,000 version pages):
//!
//! 1. save to reload: the time from writing one version file to the `reload` event on
//!    the server's event stream (watcher, debounce, re-parse, re-link, render and the
//!    event), over 21 edits; median and spread;
//! 2. the same for a template every page uses (`base.html`, as a site override), over 3
//!    edits: the time to the reload event of the page open in a browser (rendered
//!    first), and to the event for every other page;
//! 3. with `--wrk SECONDS`: `wrk` with 64 connections on loopback for that long against
//!    a version page while a version file is edited every second; prints wrk's report,
//!    the edits' reload times, and this process's resident memory before and after.
//!
//! `cargo bench --bench serve -- [VERSION_PAGES] [--wrk SECONDS]`. Figures, not
//! assertions: the timings depend on the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pages: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let wrk_secs: Option<u64> = args
        .iter()
        .position(|a| a == "--wrk")
        .and_then(|i| args.get(i + 1)?.parse().ok());

    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().to_path_buf();
    let written = attest::corpus::generate(&root, &attest::corpus::Spec::pages(pages, 1))
        .expect("corpus written");
    println!("corpus: {written} version files");

    let (tx, rx) = mpsc::channel();
    let (stage_tx, stage_rx) = mpsc::channel::<Stages>();
    let opts = attest::serve::ServeOptions {
        build: attest::Options::new(&root),
        bind: "127.0.0.1".parse().expect("an address"),
        port: 0,
        expose: false,
    };
    let t = Instant::now();
    std::thread::spawn(move || {
        let tell = |m: attest::serve::Message| match m {
            attest::serve::Message::Listening(url) => {
                let _ = tx.send(url);
            }
            attest::serve::Message::Rebuilt(o, _) => {
                let _ = stage_tx.send((o.elapsed, o.stages.clone()));
            }
            attest::serve::Message::Built(o, files) => {
                assert!(!o.failed(), "the corpus builds: {:?}", &o.diagnostics[..1]);
                println!(
                    "first build: {} jobs, {files} files in memory, {:.2} s",
                    o.jobs,
                    o.elapsed.as_secs_f64()
                );
            }
            _ => {}
        };
        attest::serve::serve(&opts, &tell).expect("serves");
    });
    let url = rx
        .recv_timeout(Duration::from_secs(600))
        .expect("the server starts");
    println!(
        "serving {url} after {:.2} s; RSS {:.0} MiB",
        t.elapsed().as_secs_f64(),
        rss_mib()
    );
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .expect("a port");

    let version = find_version(&root);
    // A browser has the edited document's page open.
    let mut events = Events::open(port, "/gen/doc-0001/");
    let mut edit_n = 0usize;
    let mut edit = |events: &mut Events| -> Duration {
        edit_n += 1;
        let text = std::fs::read_to_string(&version).expect("the version file");
        let marker = "Edited by the benchmark";
        let body = match text.find(marker) {
            Some(at) => text[..at].to_owned(),
            None => format!("{}\n\n", text.trim_end()),
        };
        let t = Instant::now();
        std::fs::write(&version, format!("{body}{marker} {edit_n}.\n")).expect("written");
        events.until_reload();
        t.elapsed()
    };

    // Warm up: the first edit pays for caches.
    edit(&mut events);
    let mut times: Vec<Duration> = (0..21).map(|_| edit(&mut events)).collect();
    report("save one version file -> reload event", &mut times);
    // The warm-up's rebuild and the 21 measured.
    let stages: Vec<Stages> = stage_rx.try_iter().skip(1).collect();
    report_stages(&times, &stages);

    let base_html = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/dcc/templates/base.html"),
    )
    .expect("the theme's base.html");
    std::fs::create_dir_all(root.join("templates")).expect("templates/");
    let (mut open, mut all) = (Vec::new(), Vec::new());
    for i in 0..3 {
        let t = Instant::now();
        std::fs::write(
            root.join("templates/base.html"),
            base_html.replacen("<main", &format!("<p hidden>edit {i}</p><main"), 1),
        )
        .expect("written");
        // The open page is rendered and told first; then every other page.
        events.until_reload();
        open.push(t.elapsed());
        events.until_reload();
        all.push(t.elapsed());
    }
    report(
        "save base.html (every page) -> the open page's reload event",
        &mut open,
    );
    report(
        "save base.html (every page) -> every page's reload event",
        &mut all,
    );
    let stages: Vec<Stages> = stage_rx.try_iter().collect();
    report_stages(&all, &stages);

    if let Some(secs) = wrk_secs {
        let before = rss_mib();
        let target = format!("{url}gen/doc-0001/");
        let wrk = std::process::Command::new("wrk")
            .args([
                "-t",
                "2",
                "-c",
                "64",
                "-d",
                &format!("{secs}s"),
                "--latency",
                &target,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let Ok(wrk) = wrk else {
            println!("wrk is not installed (apt-get install wrk): no load test");
            return;
        };
        let started = Instant::now();
        let mut times = Vec::new();
        while started.elapsed() < Duration::from_secs(secs.saturating_sub(1)) {
            let tick = Instant::now();
            times.push(edit(&mut events));
            std::thread::sleep(Duration::from_secs(1).saturating_sub(tick.elapsed()));
        }
        let out = wrk.wait_with_output().expect("wrk ran");
        println!("wrk -t 2 -c 64 -d {secs}s {target}, an edit every second:");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        print!("{}", String::from_utf8_lossy(&out.stderr));
        report("save -> reload event, under load", &mut times);
        println!(
            "RSS before the load {before:.0} MiB, after {:.0} MiB",
            rss_mib()
        );
    }
}

/// A rebuild's time and its stages' (see `attest::serve::Outcome::stages`).
type Stages = (Duration, Vec<(&'static str, Duration)>);

/// The median of each stage of the rebuilds, and of the time outside them (watcher,
/// debounce, the event's delivery).
fn report_stages(saves: &[Duration], rebuilds: &[Stages]) {
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut line = format!(
        "  of which (medians): rebuild {:.1} ms",
        ms(median(rebuilds.iter().map(|r| r.0).collect()))
    );
    if let Some((_, first)) = rebuilds.first() {
        for (i, (name, _)) in first.iter().enumerate() {
            let d = median(
                rebuilds
                    .iter()
                    .filter_map(|r| Some(r.1.get(i)?.1))
                    .collect(),
            );
            line += &format!(", {name} {:.1}", ms(d));
        }
    }
    let outside: Vec<Duration> = saves
        .iter()
        .zip(rebuilds)
        .map(|(s, r)| s.saturating_sub(r.0))
        .collect();
    line += &format!("; outside the rebuild {:.1} ms", ms(median(outside)));
    println!("{line}");
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.0} ms, min {:.0} ms, max {:.0} ms ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// A version file of a document in the middle of the corpus.
fn find_version(root: &Path) -> PathBuf {
    let doc = root.join("content/gen/doc-0001");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&doc)
        .expect("a document folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.pop().expect("a version file")
}

struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The event stream, as the page at URL path `page` opens it.
    fn open(port: u16, page: &str) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        let request = format!("GET /__attest/events?page={page} HTTP/1.1\r\nHost: x\r\n\r\n");
        s.write_all(request.as_bytes()).expect("sent");
        Events {
            reader: BufReader::new(s),
        }
    }

    fn until_reload(&mut self) {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.reader.read_line(&mut line).expect("the event stream");
            assert!(n > 0, "the event stream closed");
            if line.starts_with("event: problem") {
                panic!("the edit broke the build");
            }
            if line.starts_with("event: reload") {
                return;
            }
        }
    }
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
