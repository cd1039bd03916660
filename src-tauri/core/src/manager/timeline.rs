//! A person's timeline: every item they shared, across all their bundles, by local day.
//!
//! An item shared in several bundles appears once, as the latest bundle has it. Each item
//! carries its parts as fields (its kind, the person's own words, figures), never a
//! sentence: the window and the CLI each word a line their own way, and no one has to
//! parse the core's English back apart.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::ReceivedBundle;
use crate::domain::{FourTs, Id, Kind, Meta};
use crate::error::Result;
use crate::export::Bundle;
use crate::journal::Journal;

/// One shared item on a person's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TimelineItem {
    pub id: Id,
    pub kind: Kind,
    pub at: DateTime<Utc>,
    /// The person's UTC offset then, in seconds, to show their local clock time.
    pub offset_secs: i32,
    /// The item's own words: a purpose's title, a challenge's skill, the skill a session
    /// practised, a reflection's text (or else its Gibbs description, conclusion or action
    /// plan), an audit item's description. The first line that is not blank, cut short
    /// with "…" to fit one line. `None` for a check-in, for a session whose challenge the
    /// bundle lacks, and where there are no words.
    pub title: Option<String>,
    /// More of the person's words, cut like the title: whom a purpose serves, a
    /// challenge's goal, a session's next step, a check-in's note.
    pub detail: Option<String>,
    /// A session's figures (sessions only).
    pub practice: Option<PracticeFigures>,
    /// A check-in's ratings (check-ins only).
    pub ratings: Option<FourTs>,
    /// The bundle this version of the item came from (the latest one holding it).
    pub bundle_id: Id,
}

/// What a practice session measured, as its timeline entry shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PracticeFigures {
    pub duration_min: Option<f64>,
    pub performance: Option<f64>,
    pub successes: Option<u32>,
    pub attempts: Option<u32>,
    /// How many pieces of feedback the session had.
    pub feedback: usize,
}

/// The items of one local day.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TimelineDay {
    pub day: NaiveDate,
    pub items: Vec<TimelineItem>,
}

/// A person's timeline across every bundle received from them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Timeline {
    pub person: String,
    pub bundles: Vec<ReceivedBundle>,
    pub days: Vec<TimelineDay>,
}

impl Journal {
    /// Everything `person` shared, across all their bundles, by local day. An item in
    /// several bundles appears once, as the latest bundle has it.
    pub fn manager_timeline(&self, person: &str) -> Result<Timeline> {
        let (_, pname, _) = self.person_row(person)?;
        let all = self.bundles_with_json(person)?;
        let mut items: std::collections::HashMap<Id, (NaiveDate, TimelineItem)> =
            std::collections::HashMap::new();
        for (rb, b) in &all {
            for (day, item) in timeline_items(b, rb.id) {
                items.insert(item.id, (day, item));
            }
        }
        let mut by_day: std::collections::BTreeMap<NaiveDate, Vec<TimelineItem>> =
            std::collections::BTreeMap::new();
        for (_, (day, item)) in items {
            by_day.entry(day).or_default().push(item);
        }
        let days = by_day
            .into_iter()
            .map(|(day, mut items)| {
                items.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.0.cmp(&b.id.0)));
                TimelineDay { day, items }
            })
            .collect();
        Ok(Timeline {
            person: pname,
            bundles: all.into_iter().map(|(r, _)| r).collect(),
            days,
        })
    }
}

/// The first line of `s` that is not blank, trimmed, cut at `max` characters with "…";
/// `None` when every line is blank.
fn first_line(s: &str, max: usize) -> Option<String> {
    let line = s.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.chars().count() > max {
        let mut t: String = line.chars().take(max).collect();
        t.push('…');
        Some(t)
    } else {
        Some(line.to_string())
    }
}

/// An entry for the item `meta` describes, with none of its words or figures yet.
fn entry(meta: &Meta, kind: Kind, bundle_id: Id) -> TimelineItem {
    TimelineItem {
        id: meta.id,
        kind,
        at: meta.when.at,
        offset_secs: meta.when.offset_secs,
        title: None,
        detail: None,
        practice: None,
        ratings: None,
        bundle_id,
    }
}

/// The first line of optional text, as [`first_line`].
fn words(s: Option<&String>, max: usize) -> Option<String> {
    s.and_then(|s| first_line(s, max))
}

/// The items of one bundle as timeline entries, with their local days. The lengths keep
/// each entry to about one line; the whole item is in the bundle.
fn timeline_items(b: &Bundle, bundle_id: Id) -> Vec<(NaiveDate, TimelineItem)> {
    let mut out = Vec::new();
    for p in &b.purposes {
        let item = TimelineItem {
            title: first_line(&p.title, 120),
            detail: words(p.whom.as_ref(), 60),
            ..entry(&p.meta, Kind::Purpose, bundle_id)
        };
        out.push((p.meta.when.day, item));
    }
    for c in &b.challenges {
        let ch = &c.challenge;
        let item = TimelineItem {
            title: first_line(&ch.skill, 80),
            detail: words(ch.goal.as_ref(), 100),
            ..entry(&ch.meta, Kind::Challenge, bundle_id)
        };
        out.push((ch.meta.when.day, item));
    }
    for s in &b.sessions {
        let d = &s.data;
        let item = TimelineItem {
            title: b.skill_of(s.challenge_id).map(str::to_string),
            detail: words(d.next_step.as_ref(), 100),
            practice: Some(PracticeFigures {
                duration_min: d.duration_min,
                performance: d.performance,
                successes: d.successes,
                attempts: d.attempts,
                feedback: d.feedback.len(),
            }),
            ..entry(&s.meta, Kind::Session, bundle_id)
        };
        out.push((s.meta.when.day, item));
    }
    for r in &b.reflections {
        let g = &r.gibbs;
        let text = r
            .text
            .as_ref()
            .or(g.description.as_ref())
            .or(g.conclusion.as_ref())
            .or(g.action_plan.as_ref());
        let item = TimelineItem {
            title: words(text, 160),
            ..entry(&r.meta, Kind::Reflection, bundle_id)
        };
        out.push((r.meta.when.day, item));
    }
    for c in &b.checkins {
        let item = TimelineItem {
            detail: words(c.note.as_ref(), 100),
            ratings: Some(c.ratings),
            ..entry(&c.meta, Kind::Checkin, bundle_id)
        };
        out.push((c.meta.when.day, item));
    }
    for a in &b.audit_items {
        let item = TimelineItem {
            title: first_line(&a.description, 140),
            ..entry(&a.meta, Kind::AuditItem, bundle_id)
        };
        out.push((a.meta.when.day, item));
    }
    out
}
