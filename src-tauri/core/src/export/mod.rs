//! One-on-one exports: the person chooses what leaves, sees it first, and keeps a record.
//!
//! People distrust one-on-one tools whose notes HR or the whole management chain can read
//! (USERS.md §8), so here nothing leaves unless the person chose it:
//!
//! * a [`Selection`] names a date range, the sections to share, items picked one by one and
//!   items left out;
//! * [`Journal::build_bundle`](crate::Journal::build_bundle) turns it into a [`Bundle`],
//!   the one thing every format is rendered from, so the [`Preview`]
//!   ([`Journal::preview`](crate::Journal::preview)) lists exactly what a file holds;
//! * **private items are left out unless picked one by one**, and so are **audit items**
//!   (the motivation audit concerns the employer's rewards and punishments: it is the
//!   person's own analysis, never part of a one-on-one unless they pick an item);
//! * a private session never shapes a shared challenge's curve: progress in a bundle is
//!   computed from the sessions the person could share, up to the end of the range;
//! * [`Format`]s: a versioned JSON bundle with a schema in `docs/bundle.schema.json` that
//!   re-imports losslessly ([`Bundle::from_json`]), CommonMark, a self-contained HTML page,
//!   CSV of practice sessions and a PDF one-on-one brief with vector charts;
//! * files are written with [`crate::write_atomic`] (temporary file, fsync, rename), and a
//!   share record ([`Journal::record_share`](crate::Journal::record_share),
//!   [`Journal::shares`](crate::Journal::shares)) keeps what was shared,
//!   when, in which format and for whom, inside the encrypted journal.

mod build;
mod csv_out;
mod doc;
mod html;
mod markdown;
mod pdf;
mod preview;
mod record;
mod text;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use asymptote_science::curves::Point;
use asymptote_science::goldilocks::Zone;

use crate::domain::{AuditItem, Challenge, Checkin, Id, Purpose, Reflection, Session};
use crate::error::{Error, Result};
use crate::progress::PracticeAxis;

pub use build::clean_stale_temps;
pub use preview::{Preview, PreviewItem, SectionCounts};
pub use record::ShareRecord;

/// The `format` field every bundle carries.
pub const BUNDLE_FORMAT: &str = "asymptote-bundle";
/// The bundle version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;

/// Which sections of the journal to share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct Sections {
    /// Challenges with their mastery curve and Goldilocks calibration.
    pub challenges_and_progress: bool,
    /// Practice sessions and the feedback they got.
    pub practice_and_feedback: bool,
    /// Reflections (private by default, so usually only picked ones appear).
    pub reflections: bool,
    /// Purposes: whom the work serves, and why.
    pub purposes: bool,
    /// Autonomy check-ins over the four T's.
    pub autonomy: bool,
}

impl Sections {
    /// Every section.
    pub fn all() -> Self {
        Sections {
            challenges_and_progress: true,
            practice_and_feedback: true,
            reflections: true,
            purposes: true,
            autonomy: true,
        }
    }

    /// The names the CLI accepts, in order.
    pub const NAMES: [&'static str; 5] = [
        "challenges",
        "practice",
        "reflections",
        "purposes",
        "autonomy",
    ];

    /// Parses a comma-separated list of [`Sections::NAMES`].
    pub fn parse(list: &str) -> Result<Self> {
        let mut s = Sections::default();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.to_ascii_lowercase().as_str() {
                "challenges" | "progress" => s.challenges_and_progress = true,
                "practice" | "sessions" | "feedback" => s.practice_and_feedback = true,
                "reflections" => s.reflections = true,
                "purposes" => s.purposes = true,
                "autonomy" | "checkins" => s.autonomy = true,
                other => {
                    return Err(Error::invalid(format!(
                        "`{other}` is not a section; use challenges, practice, reflections, purposes or autonomy."
                    )));
                }
            }
        }
        Ok(s)
    }
}

/// What the person chooses to share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Selection {
    /// First local day included.
    pub from: NaiveDate,
    /// Last local day included.
    pub to: NaiveDate,
    pub sections: Sections,
    /// Items picked one by one: included whatever their date or section, and the **only**
    /// way a private item or an audit item is included.
    #[serde(default)]
    pub picked: Vec<Id>,
    /// Items left out, whatever else says.
    #[serde(default)]
    pub excluded: Vec<Id>,
    /// For whom (a name, free text), kept in the bundle and the share record.
    #[serde(default)]
    pub recipient: Option<String>,
    /// The person's own agenda questions for the one-on-one.
    #[serde(default)]
    pub agenda: Vec<String>,
}

impl Selection {
    /// Every section over `from..=to`, nothing picked or excluded.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Selection {
            from,
            to,
            sections: Sections::all(),
            picked: Vec::new(),
            excluded: Vec::new(),
            recipient: None,
            agenda: Vec::new(),
        }
    }
}

/// Who produced a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Producer {
    /// The producing journal's id (a UUID).
    pub journal_id: String,
    /// The person's name, when they set one (setting `display_name`).
    pub name: Option<String>,
    /// The program that wrote it, e.g. `asymptote 0.1.0`.
    pub app: String,
    pub created_at: DateTime<Utc>,
}

/// The selection as recorded in the bundle. Excluded ids are deliberately not recorded: they
/// would tell the reader that something was held back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SelectionSummary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sections: Sections,
    /// Items that were picked one by one (all of them appear in the bundle).
    pub picked: Vec<Id>,
    pub recipient: Option<String>,
}

/// A shared challenge and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SharedChallenge {
    pub challenge: Challenge,
    pub progress: ProgressSummary,
}

/// A challenge's progress as shared: enough to redraw the chart and read the verdicts, with
/// no number that is not finite (JSON has none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ProgressSummary {
    pub axis: PracticeAxis,
    /// Sessions the curve was computed from (shareable ones up to the range's end).
    pub sessions: usize,
    pub measure_name: Option<String>,
    pub measure_unit: Option<String>,
    pub higher_is_better: bool,
    /// The (practice, performance) points.
    pub points: Vec<Point>,
    /// The fitted curve, when the data support one.
    pub curve: Option<CurveSummary>,
    /// Why no curve is shown, in words, when the data do not support one.
    pub refusal: Option<String>,
    /// The curve in plain sentences.
    pub explanation: Vec<String>,
    pub goldilocks: GoldilocksSummary,
}

/// The fitted mastery curve as drawn: inside a bundle and on the window's Progress screen
/// alike (built by [`CurveSummary::sampled`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CurveSummary {
    /// The chosen model's name.
    pub model: String,
    /// The level performance approaches.
    pub asymptote: f64,
    /// Its interval, when finite.
    pub asymptote_low: Option<f64>,
    pub asymptote_high: Option<f64>,
    /// The confidence of the interval (e.g. 0.95).
    pub confidence: f64,
    /// The fitted level at the last observation.
    pub current_level: f64,
    /// Share of the whole gap (zero practice to the asymptote) closed, 0–1.
    pub gap_closed: f64,
    /// The fitted curve sampled for drawing, from zero practice to past the last point (a
    /// bundle a little past it; the window half as far again as the practice so far).
    pub samples: Vec<Point>,
}

/// The Goldilocks calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct GoldilocksSummary {
    /// The verdict, when attempts were logged.
    pub zone: Option<Zone>,
    pub successes: Option<u64>,
    pub attempts: Option<u64>,
    pub rate: Option<f64>,
    pub rate_low: Option<f64>,
    pub rate_high: Option<f64>,
    pub target: f64,
    pub current_difficulty: Option<f64>,
    pub suggested_difficulty: Option<f64>,
    /// The evidence and advice in sentences.
    pub evidence: Vec<String>,
}

/// Everything one export holds: the one value every format is rendered from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Bundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// Always [`BUNDLE_VERSION`] for bundles this build writes.
    pub version: u32,
    pub producer: Producer,
    pub selection: SelectionSummary,
    pub purposes: Vec<Purpose>,
    pub challenges: Vec<SharedChallenge>,
    pub sessions: Vec<Session>,
    pub reflections: Vec<Reflection>,
    pub checkins: Vec<Checkin>,
    /// Only items picked one by one.
    pub audit_items: Vec<AuditItem>,
    /// The person's own agenda questions.
    pub agenda: Vec<String>,
}

impl Bundle {
    /// The bundle as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::invalid(format!("The bundle could not be written as JSON ({e}).")))
    }

    /// Reads a bundle, checking its format, version and ids.
    pub fn from_json(text: &str) -> Result<Bundle> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Error::invalid(format!(
                "This file is not a readable Asymptote bundle: it is not valid JSON ({e})."
            ))
        })?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(BUNDLE_FORMAT) => {}
            _ => {
                return Err(Error::invalid(
                    "This file is not an Asymptote bundle (its `format` is not \"asymptote-bundle\").",
                ));
            }
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(BUNDLE_VERSION) => {}
            Some(v) if v > u64::from(BUNDLE_VERSION) => {
                return Err(Error::invalid(format!(
                    "This bundle is version {v}, newer than this Asymptote reads (version {BUNDLE_VERSION}); update Asymptote to read it."
                )));
            }
            _ => {
                return Err(Error::invalid(
                    "This bundle's version is missing or unknown, so it cannot be read.",
                ));
            }
        }
        let b: Bundle = serde_json::from_value(value).map_err(|e| {
            Error::invalid(format!(
                "This Asymptote bundle is malformed ({e}); ask for a new export."
            ))
        })?;
        b.validate()?;
        Ok(b)
    }

    /// Checks what serde cannot: ids unique, links between items consistent.
    pub fn validate(&self) -> Result<()> {
        if self.producer.journal_id.parse::<Id>().is_err() {
            return Err(Error::invalid(
                "This bundle's producer id is not a valid id, so it cannot be trusted as read.",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for id in self.item_ids() {
            if !seen.insert(id) {
                return Err(Error::invalid(format!(
                    "This bundle lists the item {id} twice, so it is malformed; ask for a new export."
                )));
            }
        }
        if self.selection.from > self.selection.to {
            return Err(Error::invalid(
                "This bundle's date range ends before it starts, so it is malformed.",
            ));
        }
        // The rules a typed item keeps, each in its one place in the domain.
        let said = |what: &str, r: Result<()>| {
            r.map_err(|e| Error::invalid(format!("A received {what} is not valid: {e}")))
        };
        for p in &self.purposes {
            said("purpose", p.validate())?;
        }
        for c in &self.challenges {
            said("challenge", c.challenge.validate())?;
        }
        for s in &self.sessions {
            said("session", s.validate())?;
        }
        for r in &self.reflections {
            said("reflection", r.validate())?;
        }
        for c in &self.checkins {
            said("check-in", c.validate())?;
        }
        for a in &self.audit_items {
            said("audit item", a.validate())?;
        }
        Ok(())
    }

    /// Every item id the bundle holds, in bundle order.
    pub fn item_ids(&self) -> Vec<Id> {
        let mut ids = Vec::new();
        ids.extend(self.purposes.iter().map(|p| p.meta.id));
        ids.extend(self.challenges.iter().map(|c| c.challenge.meta.id));
        ids.extend(self.sessions.iter().map(|s| s.meta.id));
        ids.extend(self.reflections.iter().map(|r| r.meta.id));
        ids.extend(self.checkins.iter().map(|c| c.meta.id));
        ids.extend(self.audit_items.iter().map(|a| a.meta.id));
        ids
    }

    /// The skill of a challenge in the bundle.
    /// Whether the bundle holds nothing at all: no item and no agenda question.
    pub fn is_empty(&self) -> bool {
        self.item_ids().is_empty() && self.agenda.is_empty()
    }

    /// Refuses to write a bundle that holds nothing, in one sentence.
    pub(crate) fn refuse_if_empty(&self) -> Result<()> {
        if self.is_empty() {
            return Err(Error::invalid(
                "Nothing would leave with these choices (no item in that period and those sections, and no agenda question); widen them or pick items, nothing was written.",
            ));
        }
        Ok(())
    }

    pub fn skill_of(&self, id: Id) -> Option<&str> {
        self.challenges
            .iter()
            .find(|c| c.challenge.meta.id == id)
            .map(|c| c.challenge.skill.as_str())
    }
}

/// The file formats an export can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Format {
    /// The versioned JSON bundle (`docs/bundle.schema.json`).
    Json,
    /// CommonMark.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// Practice sessions, RFC 4180.
    Csv,
    /// The one-on-one brief.
    Pdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "csv" => Format::Csv,
            "pdf" => Format::Pdf,
            other => {
                return Err(Error::invalid(format!(
                    "`{other}` is not an export format; use json, md, html, csv or pdf."
                )));
            }
        })
    }

    /// Renders `bundle` in this format.
    pub fn render(self, bundle: &Bundle) -> Result<Vec<u8>> {
        Ok(match self {
            Format::Json => bundle.to_json()?.into_bytes(),
            Format::Markdown => markdown::render(bundle).into_bytes(),
            Format::Html => html::render(bundle).into_bytes(),
            Format::Csv => csv_out::render(bundle)?,
            Format::Pdf => pdf::render(bundle),
        })
    }
}

/// What [`Journal::export`](crate::Journal::export) wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exported {
    pub path: std::path::PathBuf,
    pub format: Format,
    pub bytes: usize,
    pub preview: Preview,
    pub record: ShareRecord,
}
