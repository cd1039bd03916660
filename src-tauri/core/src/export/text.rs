//! Words and chart geometry shared by the renderers, so every format says the same thing.

use asymptote_science::goldilocks::Zone;

use super::{Bundle, ProgressSummary, SharedChallenge};
use crate::domain::Id;

/// A number as a person reads it: at most two decimals, no trailing zeros.
pub(crate) fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

pub(crate) fn pct(x: f64) -> String {
    format!("{:.0} %", (x * 100.0).round())
}

/// The Goldilocks verdict in words.
pub(crate) fn zone_words(z: Option<Zone>) -> &'static str {
    match z {
        Some(Zone::TooEasy) => "too easy",
        Some(Zone::Goldilocks) => "just right (the Goldilocks zone)",
        Some(Zone::TooHard) => "too hard",
        Some(Zone::NotEnoughEvidence) => "not enough evidence yet",
        None => "no attempts logged",
    }
}

/// One line: the Goldilocks status of a challenge.
pub(crate) fn goldilocks_line(p: &ProgressSummary) -> String {
    let g = &p.goldilocks;
    let mut s = format!("Goldilocks: {}", zone_words(g.zone));
    if let (Some(r), Some(a)) = (g.rate, g.attempts) {
        s.push_str(&format!(
            "; {} success over {a} recent attempts against a target of {}",
            pct(r),
            pct(g.target)
        ));
    }
    s.push('.');
    s
}

/// One line: where the curve stands.
pub(crate) fn curve_line(p: &ProgressSummary) -> String {
    match &p.curve {
        Some(c) => {
            let unit = p.measure_unit.as_deref().unwrap_or("");
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            let interval = match (c.asymptote_low, c.asymptote_high) {
                (Some(l), Some(h)) => format!(
                    " ({} % interval {}–{})",
                    num(c.confidence * 100.0),
                    num(l),
                    num(h)
                ),
                _ => String::new(),
            };
            format!(
                "Mastery curve ({}): heading towards {}{unit}{interval}; {} of the gap closed.",
                c.model,
                num(c.asymptote),
                pct(c.gap_closed)
            )
        }
        None => format!(
            "No mastery curve yet ({}).",
            p.refusal.as_deref().unwrap_or("not enough data")
        ),
    }
}

/// The headline numbers of a bundle.
pub(crate) fn summary_lines(b: &Bundle) -> Vec<String> {
    let hours: f64 = b
        .sessions
        .iter()
        .filter_map(|s| s.data.duration_min)
        .sum::<f64>()
        / 60.0;
    let mut out = vec![
        format!("{} challenge(s) with their progress", b.challenges.len()),
        format!(
            "{} practice session(s), {} hour(s) of practice",
            b.sessions.len(),
            num(hours)
        ),
        format!(
            "{} feedback note(s)",
            b.sessions
                .iter()
                .map(|s| s.data.feedback.len())
                .sum::<usize>()
        ),
        format!("{} reflection(s)", b.reflections.len()),
        format!("{} purpose(s)", b.purposes.len()),
        format!("{} autonomy check-in(s)", b.checkins.len()),
    ];
    if !b.audit_items.is_empty() {
        out.push(format!(
            "{} motivation-audit item(s), picked one by one",
            b.audit_items.len()
        ));
    }
    for c in &b.challenges {
        out.push(format!(
            "{}: {}",
            c.challenge.skill,
            zone_words(c.progress.goldilocks.zone)
        ));
    }
    out
}

/// The titles of the purposes a challenge serves, as far as the bundle holds them.
pub(crate) fn purpose_titles(b: &Bundle, ids: &[Id]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| b.purposes.iter().find(|p| p.meta.id == *id))
        .map(|p| p.title.clone())
        .collect()
}

/// The heading of the brief.
pub(crate) fn title(b: &Bundle) -> String {
    format!(
        "One-on-one brief, {} to {}",
        b.selection.from, b.selection.to
    )
}

pub(crate) fn byline(b: &Bundle) -> String {
    let mut s = String::from("Prepared");
    if let Some(n) = &b.producer.name {
        s.push_str(&format!(" by {n}"));
    }
    if let Some(r) = &b.selection.recipient {
        s.push_str(&format!(" for {r}"));
    }
    s.push_str(&format!(
        " on {}. Shared by choice: only what the author picked is here.",
        b.producer.created_at.date_naive()
    ));
    s
}

/// A chart in unit coordinates: x and y in [0, 1], y upwards.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    pub points: Vec<(f64, f64)>,
    pub curve: Vec<(f64, f64)>,
    pub asymptote: Option<f64>,
    pub band: Option<(f64, f64)>,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
    pub x_label: String,
    pub y_label: String,
}

impl Chart {
    pub(crate) fn of(c: &SharedChallenge) -> Option<Chart> {
        let p = &c.progress;
        if p.points.is_empty() {
            return None;
        }
        let mut xs: Vec<f64> = p.points.iter().map(|q| q.x).collect();
        let mut ys: Vec<f64> = p.points.iter().map(|q| q.y).collect();
        if let Some(cv) = &p.curve {
            xs.extend(cv.samples.iter().map(|q| q.x));
            ys.extend(cv.samples.iter().map(|q| q.y));
            ys.push(cv.asymptote);
        }
        let x_max = xs.iter().copied().fold(0.0_f64, f64::max).max(1e-9);
        let mut y_min = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let mut y_max = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(y_min.is_finite() && y_max.is_finite()) {
            return None;
        }
        if y_max - y_min < 1e-9 {
            y_min -= 1.0;
            y_max += 1.0;
        }
        let pad = (y_max - y_min) * 0.05;
        y_min -= pad;
        y_max += pad;
        let fx = |x: f64| (x / x_max).clamp(0.0, 1.0);
        let fy = |y: f64| ((y - y_min) / (y_max - y_min)).clamp(0.0, 1.0);
        let unit = p.measure_unit.clone().unwrap_or_default();
        Some(Chart {
            points: p.points.iter().map(|q| (fx(q.x), fy(q.y))).collect(),
            curve: p
                .curve
                .as_ref()
                .map(|cv| cv.samples.iter().map(|q| (fx(q.x), fy(q.y))).collect())
                .unwrap_or_default(),
            asymptote: p.curve.as_ref().map(|cv| fy(cv.asymptote)),
            band: p
                .curve
                .as_ref()
                .and_then(|cv| match (cv.asymptote_low, cv.asymptote_high) {
                    (Some(l), Some(h)) => Some((fy(l), fy(h))),
                    _ => None,
                }),
            x_max,
            y_min,
            y_max,
            x_label: format!(
                "Practice ({})",
                match p.axis {
                    crate::progress::PracticeAxis::Hours => "hours",
                    crate::progress::PracticeAxis::Sessions => "sessions",
                }
            ),
            y_label: match (&p.measure_name, unit.is_empty()) {
                (Some(n), true) => n.clone(),
                (Some(n), false) => format!("{n} ({unit})"),
                (None, true) => "Performance".into(),
                (None, false) => format!("Performance ({unit})"),
            },
        })
    }
}
