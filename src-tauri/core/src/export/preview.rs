//! The preview: exactly what a file will contain, item by item, before it is written.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Bundle, Format};
use crate::domain::{AuditItem, Checkin, Id, Kind, Reflection, SessionData};

/// How many items of each section a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct SectionCounts {
    pub purposes: usize,
    pub challenges: usize,
    pub sessions: usize,
    pub reflections: usize,
    pub checkins: usize,
    pub audit_items: usize,
    pub agenda: usize,
}

/// One item that will leave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewItem {
    pub kind: Kind,
    pub id: Id,
    pub day: NaiveDate,
    /// One line saying what it is.
    pub title: String,
    /// Whether the item is marked private (it leaves only because it was picked).
    pub private: bool,
}

/// What a file will contain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Preview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub recipient: Option<String>,
    pub counts: SectionCounts,
    pub items: Vec<PreviewItem>,
    pub agenda: Vec<String>,
    /// A note on what the chosen format leaves out (CSV holds sessions only).
    pub note: Option<String>,
}

/// The first line of `s`, at most 80 characters.
pub(crate) fn one_line(s: &str) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The one-line title of a practice session of `skill`: enough (time, sub-skill, result)
/// to tell one day's session from another's in a list.
pub(crate) fn session_title(skill: &str, d: &SessionData) -> String {
    let mut t = format!("Practice: {skill}");
    if let Some(sub) = &d.sub_skill {
        t.push_str(&format!(" ({sub})"));
    }
    if let Some(m) = d.duration_min {
        t.push_str(&format!(", {} min", super::text::num(m)));
    }
    if let Some(p) = d.performance {
        t.push_str(&format!(", performance {}", super::text::num(p)));
    }
    if let (Some(k), Some(n)) = (d.successes, d.attempts) {
        t.push_str(&format!(", {k}/{n} succeeded"));
    }
    t
}

/// The title of a reflection: its text, or its first written Gibbs field.
pub(crate) fn reflection_title(r: &Reflection) -> String {
    r.text
        .clone()
        .or_else(|| r.gibbs.fields().iter().find_map(|(_, v)| (*v).clone()))
        .unwrap_or_else(|| "Reflection".into())
}

pub(crate) fn checkin_title(c: &Checkin) -> String {
    let f = c.ratings;
    format!(
        "Autonomy: task {}, time {}, technique {}, team {}",
        f.task, f.time, f.technique, f.team
    )
}

pub(crate) fn audit_title(a: &AuditItem) -> String {
    format!("Audit ({}): {}", a.kind.as_str(), a.description)
}

impl Preview {
    /// The preview of a bundle.
    pub fn of(b: &Bundle) -> Preview {
        let mut items = Vec::new();
        let mut push = |kind, id, day, title: String, private| {
            items.push(PreviewItem {
                kind,
                id,
                day,
                title: one_line(&title),
                private,
            });
        };
        for p in &b.purposes {
            push(
                Kind::Purpose,
                p.meta.id,
                p.meta.when.day,
                p.title.clone(),
                p.meta.private,
            );
        }
        for c in &b.challenges {
            let m = &c.challenge.meta;
            push(
                Kind::Challenge,
                m.id,
                m.when.day,
                c.challenge.skill.clone(),
                m.private,
            );
        }
        for s in &b.sessions {
            let skill = b.skill_of(s.challenge_id).unwrap_or("a challenge");
            let t = session_title(skill, &s.data);
            push(Kind::Session, s.meta.id, s.meta.when.day, t, s.meta.private);
        }
        for r in &b.reflections {
            let t = reflection_title(r);
            push(
                Kind::Reflection,
                r.meta.id,
                r.meta.when.day,
                t,
                r.meta.private,
            );
        }
        for c in &b.checkins {
            push(
                Kind::Checkin,
                c.meta.id,
                c.meta.when.day,
                checkin_title(c),
                c.meta.private,
            );
        }
        for a in &b.audit_items {
            push(
                Kind::AuditItem,
                a.meta.id,
                a.meta.when.day,
                audit_title(a),
                a.meta.private,
            );
        }
        Preview {
            from: b.selection.from,
            to: b.selection.to,
            recipient: b.selection.recipient.clone(),
            counts: SectionCounts {
                purposes: b.purposes.len(),
                challenges: b.challenges.len(),
                sessions: b.sessions.len(),
                reflections: b.reflections.len(),
                checkins: b.checkins.len(),
                audit_items: b.audit_items.len(),
                agenda: b.agenda.len(),
            },
            items,
            agenda: b.agenda.clone(),
            note: None,
        }
    }

    /// Narrowed to what `format` writes: a CSV holds practice sessions only.
    pub fn for_format(mut self, format: Format) -> Preview {
        if format == Format::Csv {
            self.items.retain(|i| i.kind == Kind::Session);
            self.counts = SectionCounts {
                sessions: self.counts.sessions,
                ..SectionCounts::default()
            };
            self.agenda.clear();
            self.note = Some("A CSV file holds practice sessions only.".into());
        }
        self
    }

    /// Every id the file will hold.
    pub fn ids(&self) -> Vec<Id> {
        self.items.iter().map(|i| i.id).collect()
    }
}
