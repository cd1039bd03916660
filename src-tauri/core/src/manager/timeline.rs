//! A person's timeline: every item they shared, across all their bundles, by local day.
//!
//! An item shared in several bundles appears once, as the latest bundle has it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::ReceivedBundle;
use crate::domain::Id;
use crate::error::Result;
use crate::export::Bundle;
use crate::journal::Journal;

/// One shared item on a person's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TimelineItem {
    pub id: Id,
    /// purpose, challenge, session, reflection, checkin or audit
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    /// The person's UTC offset then, in seconds, to show their local clock time.
    pub offset_secs: i32,
    pub summary: String,
    /// The bundle this version of the item came from (the latest one holding it).
    pub bundle_id: Id,
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

fn first_line(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > max {
        let mut t: String = line.chars().take(max).collect();
        t.push('…');
        t
    } else {
        line.to_string()
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The items of one bundle as timeline entries, with their local days.
fn timeline_items(b: &Bundle, bundle_id: Id) -> Vec<(NaiveDate, TimelineItem)> {
    let mut out = Vec::new();
    let mut push = |meta: &crate::domain::Meta, kind: &'static str, summary: String| {
        out.push((
            meta.when.day,
            TimelineItem {
                id: meta.id,
                kind,
                at: meta.when.at,
                offset_secs: meta.when.offset_secs,
                summary,
                bundle_id,
            },
        ));
    };
    for p in &b.purposes {
        let mut s = format!("Purpose: {}", first_line(&p.title, 120));
        if let Some(w) = &p.whom {
            s.push_str(&format!(" (for {})", first_line(w, 60)));
        }
        push(&p.meta, "purpose", s);
    }
    for c in &b.challenges {
        let ch = &c.challenge;
        let mut s = format!("Challenge: {}", first_line(&ch.skill, 80));
        if let Some(g) = &ch.goal {
            s.push_str(&format!(" — {}", first_line(g, 100)));
        }
        push(&ch.meta, "challenge", s);
    }
    for s in &b.sessions {
        let d = &s.data;
        let mut t = format!(
            "Practice: {}",
            b.skill_of(s.challenge_id).unwrap_or("a challenge")
        );
        if let Some(m) = d.duration_min {
            t.push_str(&format!(", {} min", num(m)));
        }
        if let Some(p) = d.performance {
            t.push_str(&format!(", performance {}", num(p)));
        }
        if let (Some(k), Some(n)) = (d.successes, d.attempts) {
            t.push_str(&format!(", {k}/{n} succeeded"));
        }
        if !d.feedback.is_empty() {
            t.push_str(&format!(", {} feedback", d.feedback.len()));
        }
        if let Some(n) = &d.next_step {
            t.push_str(&format!("; next: {}", first_line(n, 100)));
        }
        push(&s.meta, "session", t);
    }
    for r in &b.reflections {
        let g = &r.gibbs;
        let text = r
            .text
            .as_deref()
            .or(g.description.as_deref())
            .or(g.conclusion.as_deref())
            .or(g.action_plan.as_deref())
            .unwrap_or("");
        push(
            &r.meta,
            "reflection",
            format!("Reflection: {}", first_line(text, 160)),
        );
    }
    for c in &b.checkins {
        let f = &c.ratings;
        let mut s = format!(
            "Autonomy check-in: task {}, time {}, technique {}, team {}",
            f.task, f.time, f.technique, f.team
        );
        if let Some(n) = &c.note {
            s.push_str(&format!(" — {}", first_line(n, 100)));
        }
        push(&c.meta, "checkin", s);
    }
    for a in &b.audit_items {
        push(
            &a.meta,
            "audit",
            format!("Motivation audit: {}", first_line(&a.description, 140)),
        );
    }
    out
}
