//! Practice sessions as CSV (RFC 4180: a header row, CRLF line ends, quoting where needed),
//! for spreadsheets.
//!
//! Text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading
//! apostrophe, so a spreadsheet shows them as text instead of running them as formulas
//! (OWASP's advice against CSV injection). Numbers are written as numbers.

use super::Bundle;
use crate::error::{Error, Result};

pub(crate) const HEADER: [&str; 20] = [
    "session_id",
    "day",
    "local_time",
    "challenge_id",
    "skill",
    "duration_min",
    "sub_skill",
    "difficulty",
    "predicted_rate",
    "attempts",
    "successes",
    "performance",
    "effort",
    "challenge_rating",
    "skill_rating",
    "feedback_count",
    "feedback",
    "next_step",
    "notes",
    "private",
];

fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn opt_num(x: Option<f64>) -> String {
    x.map(num_exact).unwrap_or_default()
}

/// Full precision, so the spreadsheet has the stored value.
fn num_exact(x: f64) -> String {
    format!("{x}")
}

pub(crate) fn render(b: &Bundle) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| Error::invalid(format!("The CSV file could not be made ({e})."));
    w.write_record(HEADER).map_err(fail)?;
    for s in &b.sessions {
        let d = &s.data;
        let feedback: Vec<String> = d
            .feedback
            .iter()
            .map(|f| {
                let mut t = f.source.as_str().to_string();
                if let Some(x) = &f.worked {
                    t.push_str(&format!(": worked: {x}"));
                }
                if let Some(x) = &f.change {
                    t.push_str(&format!("; change: {x}"));
                }
                t
            })
            .collect();
        let row = [
            s.meta.id.to_string(),
            s.meta.when.day.to_string(),
            s.meta.when.local().format("%H:%M").to_string(),
            s.challenge_id.to_string(),
            text_cell(b.skill_of(s.challenge_id).unwrap_or("")),
            opt_num(d.duration_min),
            text_cell(d.sub_skill.as_deref().unwrap_or("")),
            opt_num(d.difficulty),
            opt_num(d.predicted_rate),
            d.attempts.map(|x| x.to_string()).unwrap_or_default(),
            d.successes.map(|x| x.to_string()).unwrap_or_default(),
            opt_num(d.performance),
            d.effort.map(|x| x.to_string()).unwrap_or_default(),
            d.challenge_rating
                .map(|x| x.to_string())
                .unwrap_or_default(),
            d.skill_rating.map(|x| x.to_string()).unwrap_or_default(),
            d.feedback.len().to_string(),
            text_cell(&feedback.join(" | ")),
            text_cell(d.next_step.as_deref().unwrap_or("")),
            text_cell(d.notes.as_deref().unwrap_or("")),
            if s.meta.private { "yes" } else { "no" }.to_string(),
        ];
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::invalid(format!("The CSV file could not be made ({}).", e.error())))
}
