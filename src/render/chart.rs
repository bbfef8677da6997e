//! Charts drawn at build time as inline SVG: a timeline of phases and decisions, and
//! line charts of figures over reporting dates. No script is needed to see them.
//!
//! Every chart has a title and a description for assistive technology, tells series
//! apart by marker shape and dash as well as colour, and is meant to sit beside a table
//! of the same figures (the page's job), which is the text alternative that counts.

use std::fmt::Write as _;

use crate::model::Date;

/// A phase on the timeline.
pub struct Bar {
    pub label: String,
    pub planned: Option<(Date, Date)>,
    /// The actual start, and the end or (while running) the last report date.
    pub actual: Option<(Date, Date)>,
    pub running: bool,
}

/// A decision or other event on the timeline.
pub struct Milestone {
    pub date: Date,
    pub label: String,
}

const WIDTH: f64 = 760.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 20.0;

/// Palette that keeps contrast on white; series are also told apart by shape.
const COLOURS: [&str; 6] = [
    "#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#b58840", "#505a5f",
];

use super::escape_html as esc;

fn days(d: Date) -> f64 {
    d.0.signed_duration_since(chrono::NaiveDate::default())
        .num_days() as f64
}

/// A horizontal timeline of phases (planned as an outline, actual as a solid bar) and
/// decisions (diamonds), from the earliest to the latest date shown, with `today` marked.
pub fn timeline(
    id: &str,
    title: &str,
    bars: &[Bar],
    milestones: &[Milestone],
    today: Date,
) -> String {
    let dates: Vec<Date> = bars
        .iter()
        .flat_map(|b| {
            b.planned
                .into_iter()
                .chain(b.actual)
                .flat_map(|(a, z)| [a, z])
        })
        .chain(milestones.iter().map(|m| m.date))
        .collect();
    let (Some(&min), Some(&max)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let (lo, hi) = (days(min) - 15.0, days(max.max(today)) + 15.0);
    let x = |d: Date| LEFT + (days(d) - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
    let row = 34.0;
    let top = 30.0;
    let height = top + row * bars.len() as f64 + 60.0;
    let mut s = format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">",
        esc(title)
    );
    for b in bars {
        let _ = write!(s, "{}: ", esc(&b.label));
        match b.planned {
            Some((a, z)) => {
                let _ = write!(s, "planned {} to {}; ", a.long(), z.long());
            }
            None => s.push_str("no planned dates; "),
        }
        match b.actual {
            Some((a, z)) if b.running => {
                let _ = write!(s, "started {}, still running on {}. ", a.long(), z.long());
            }
            Some((a, z)) => {
                let _ = write!(s, "ran {} to {}. ", a.long(), z.long());
            }
            None => s.push_str("not started. "),
        }
    }
    for m in milestones {
        let _ = write!(s, "{}: {}. ", m.date.long(), esc(&m.label));
    }
    s.push_str("</desc>");
    // Year and quarter ticks.
    let mut tick = chrono::NaiveDate::from_ymd_opt(min.0.year_ce().1 as i32, 1, 1).unwrap_or(min.0);
    use chrono::Datelike;
    while days(Date(tick)) <= hi {
        if days(Date(tick)) >= lo {
            let tx = x(Date(tick));
            let label = if tick.month() == 1 {
                tick.format("%Y").to_string()
            } else {
                tick.format("%b").to_string()
            };
            let _ = write!(
                s,
                "<line x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{:.1}\" class=\"chart__grid\"/><text x=\"{tx:.1}\" y=\"{:.1}\" class=\"chart__tick\" text-anchor=\"middle\">{label}</text>",
                height - 40.0,
                height - 24.0
            );
        }
        tick = tick
            .checked_add_months(chrono::Months::new(3))
            .unwrap_or(chrono::NaiveDate::MAX);
    }
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart__label\" text-anchor=\"end\">{}</text>",
            LEFT - 8.0,
            y + 17.0,
            esc(&b.label)
        );
        if let Some((a, z)) = b.planned {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"22\" class=\"chart__planned\"/>",
                x(a),
                y + 2.0,
                (x(z) - x(a)).max(2.0)
            );
        }
        if let Some((a, z)) = b.actual {
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" class=\"chart__actual{}\"/>",
                x(a),
                y + 7.0,
                (x(z) - x(a)).max(2.0),
                if b.running { " chart__actual--running" } else { "" }
            );
        }
    }
    let base = top + row * bars.len() as f64;
    for m in milestones {
        let mx = x(m.date);
        let _ = write!(
            s,
            "<path d=\"M{mx:.1} {:.1} l6 6 l-6 6 l-6 -6 z\" class=\"chart__milestone\"><title>{}: {}</title></path>",
            base + 2.0,
            m.date.long(),
            esc(&m.label)
        );
    }
    let tx = x(today);
    let _ = write!(
        s,
        "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" class=\"chart__today\"/><text x=\"{tx:.1}\" y=\"{:.1}\" class=\"chart__tick\" text-anchor=\"middle\">Today</text>",
        top - 6.0,
        height - 40.0,
        top - 10.0
    );
    s.push_str("</svg>");
    s
}

/// One line of a line chart: its name and a value for each date (`None` where there is
/// no figure).
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// Drawn dashed, for a limit rather than a measurement.
    pub dashed: bool,
}

/// A line chart of `series` over `dates`.
pub fn lines(id: &str, title: &str, dates: &[Date], series: &[Series]) -> String {
    if dates.is_empty() || series.is_empty() {
        return String::new();
    }
    // A legend row holds three series.
    let legend_rows = series.len().div_ceil(3);
    let height = 240.0 + 20.0 * legend_rows as f64;
    let (top, bottom) = (20.0, 30.0 + 20.0 * legend_rows as f64);
    let top_value = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0_f64, |a, &b| a.max(b))
        .max(1.0);
    let (step, intervals) = axis(top_value);
    let max = step * intervals as f64;
    let (lo, hi) = (days(dates[0]), days(dates[dates.len() - 1]));
    let span = (hi - lo).max(1.0);
    let left = 50.0;
    let x = |d: Date| {
        if dates.len() == 1 {
            left + (WIDTH - left - RIGHT) / 2.0
        } else {
            left + (days(d) - lo) / span * (WIDTH - left - RIGHT)
        }
    };
    let y = |v: f64| top + (1.0 - v / max) * (height - top - bottom);
    let mut s = format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">",
        esc(title)
    );
    for se in series {
        let last = dates
            .iter()
            .zip(&se.values)
            .rev()
            .find_map(|(d, v)| v.map(|v| (d, v)));
        match last {
            Some((d, v)) => {
                let _ = write!(s, "{}: {} on {}. ", esc(&se.name), v, d.long());
            }
            None => {
                let _ = write!(s, "{}: no figures. ", esc(&se.name));
            }
        }
    }
    s.push_str("The table below gives every figure.</desc>");
    for k in 0..=intervals {
        let v = step * k as f64;
        let gy = y(v);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{gy:.1}\" x2=\"{:.1}\" y2=\"{gy:.1}\" class=\"chart__grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart__tick\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            left - 6.0,
            gy + 4.0,
            v.round()
        );
    }
    // A date label at each end, and in between when there is room.
    // Labels at least 70 units apart, the last one always shown.
    let mut shown: Vec<usize> = Vec::new();
    for i in (0..dates.len()).rev() {
        if shown
            .last()
            .is_none_or(|&j| x(dates[j]) - x(dates[i]) >= 70.0)
        {
            shown.push(i);
        }
    }
    for (i, d) in dates.iter().enumerate() {
        if shown.contains(&i) {
            // The last label ends at its point, so it stays inside the chart.
            let anchor = if i + 1 == dates.len() && i > 0 {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart__tick\" text-anchor=\"{anchor}\">{}</text>",
                x(*d),
                height - bottom + 18.0,
                d.0.format("%-d %b %y")
            );
        }
    }
    for (n, se) in series.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let mut path = String::new();
        for (d, v) in dates.iter().zip(&se.values) {
            if let Some(v) = v {
                let _ = write!(
                    path,
                    "{}{:.1} {:.1} ",
                    if path.is_empty() { "M" } else { "L" },
                    x(*d),
                    y(*v)
                );
            }
        }
        let dash = if se.dashed {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
            path.trim_end()
        );
        if !se.dashed {
            for (d, v) in dates.iter().zip(&se.values) {
                if let Some(v) = v {
                    s.push_str(&marker(n, x(*d), y(*v), colour));
                }
            }
        }
        // Legend.
        let lx = left + (n % 3) as f64 * 230.0;
        let ly = height - bottom + 44.0 + (n / 3) as f64 * 20.0;
        let _ = write!(
            s,
            "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>{}<text x=\"{:.1}\" y=\"{ly:.1}\" class=\"chart__legend\">{}</text>",
            ly - 4.0,
            lx + 26.0,
            ly - 4.0,
            if se.dashed { String::new() } else { marker(n, lx + 13.0, ly - 4.0, colour) },
            lx + 32.0,
            esc(&se.name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A marker of a shape of its own for series `n`: circle, square, triangle, diamond.
fn marker(n: usize, x: f64, y: f64, colour: &str) -> String {
    match n % 4 {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{colour}\"/>"),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{colour}\"/>",
            x - 4.0,
            y - 4.0
        ),
        2 => format!(
            "<path d=\"M{x:.1} {:.1} l5 9 l-10 0 z\" fill=\"{colour}\"/>",
            y - 5.0
        ),
        _ => format!(
            "<path d=\"M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z\" fill=\"{colour}\"/>",
            y - 5.0
        ),
    }
}

/// A whole, round step (1, 2 or 5 times a power of ten) and the number of steps, at most
/// five or so, that reach `v`: the axis of counts reads 0, 2, 4 ... rather than 0, 2.5.
fn axis(v: f64) -> (f64, usize) {
    let rough = (v / 5.0).max(1.0);
    let p = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= rough)
        .unwrap_or(rough);
    (step, (v / step).ceil().max(1.0) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    #[test]
    fn axes_step_in_round_numbers() {
        assert_eq!(axis(10.0), (2.0, 5));
        assert_eq!(axis(7.0), (2.0, 4));
        assert_eq!(axis(169.0), (50.0, 4));
        assert_eq!(axis(40.0), (10.0, 4));
        assert_eq!(axis(1.0), (1.0, 1));
    }

    #[test]
    fn a_line_chart_describes_its_last_figures() {
        let svg = lines(
            "c",
            "Open issues",
            &[d("2025-01-01"), d("2025-02-01")],
            &[Series {
                name: "Severity <1>".into(),
                values: vec![Some(3.0), None],
                dashed: false,
            }],
        );
        assert!(svg.starts_with("<svg class=\"chart\" id=\"c\" viewBox=\"0 0 760 260\" role=\"img\" aria-labelledby=\"c-title c-desc\""));
        assert!(svg.contains("<title id=\"c-title\">Open issues</title><desc id=\"c-desc\">Severity &lt;1&gt;: 3 on 1 January 2025. The table below gives every figure.</desc>"));
        assert!(svg.ends_with("</svg>"));
    }
}
