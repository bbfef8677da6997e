//! Build progress for a person at a terminal: a progress bar that appears only when a
//! build runs longer than about a second, and nothing at all otherwise (the summary line
//! at the end is printed by the caller).

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows a bar after `delay`, when standard error is a terminal.
pub struct Progress {
    started: Instant,
    delay: Duration,
    enabled: bool,
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    /// A progress bar for a terminal; silent when `quiet` or when stderr is not one.
    pub fn for_terminal(quiet: bool) -> Self {
        Progress {
            started: Instant::now(),
            delay: Duration::from_secs(1),
            enabled: !quiet && std::io::stderr().is_terminal(),
            bar: OnceLock::new(),
        }
    }

    /// Called as pages finish: `done` of `total`.
    pub fn update(&self, done: usize, total: usize) {
        if !self.enabled || self.started.elapsed() < self.delay {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total as u64),
                ProgressDrawTarget::stderr_with_hz(10),
            );
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} rendering {percent:>3}% {wide_bar} {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done as u64);
    }

    /// Removes the bar, if it was shown.
    pub fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
