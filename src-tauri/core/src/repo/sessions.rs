//! Practice sessions and the feedback each got. A session belongs to a challenge that must
//! exist; its feedback rows are its children, kept in the order they were given.

use rusqlite::{Connection, ToSql, Transaction, params};

use super::search::join_text;
use super::{Children, Cols, Stored, ensure_exists, new_meta, trimmed};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::journal::Journal;

/// Each session's feedback, in the order given.
pub(super) const FEEDBACK: Children = Children {
    table: "feedback",
    owner: "session_id",
    columns: "source, delay_min, worked, change",
    order: "position",
};

impl Stored for Session {
    const KIND: Kind = Kind::Session;
    const SEARCH_CODE: i64 = 3;
    const COLUMNS: &'static [&'static str] = &[
        "challenge_id",
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
        "next_step",
        "notes",
    ];
    const REFUSED: Option<&'static str> = Some("That session has a value out of range.");

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        let d = &mut self.data;
        for text in [&mut d.sub_skill, &mut d.next_step, &mut d.notes] {
            *text = trimmed(text);
        }
        for f in &mut d.feedback {
            f.worked = trimmed(&f.worked);
            f.change = trimmed(&f.change);
        }
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        let d = &self.data;
        vec![
            &self.challenge_id,
            &d.duration_min,
            &d.sub_skill,
            &d.difficulty,
            &d.predicted_rate,
            &d.attempts,
            &d.successes,
            &d.performance,
            &d.effort,
            &d.challenge_rating,
            &d.skill_rating,
            &d.next_step,
            &d.notes,
        ]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(Session {
            meta,
            challenge_id: c.read()?,
            data: SessionData {
                duration_min: c.read()?,
                sub_skill: c.read()?,
                difficulty: c.read()?,
                predicted_rate: c.read()?,
                attempts: c.read()?,
                successes: c.read()?,
                performance: c.read()?,
                effort: c.read()?,
                challenge_rating: c.read()?,
                skill_rating: c.read()?,
                next_step: c.read()?,
                notes: c.read()?,
                feedback: Vec::new(),
            },
        })
    }

    fn search_body(&self) -> String {
        let d = &self.data;
        let mut parts: Vec<Option<&str>> = vec![
            d.sub_skill.as_deref(),
            d.next_step.as_deref(),
            d.notes.as_deref(),
        ];
        for f in &d.feedback {
            parts.push(Some(f.source.as_str()));
            parts.push(f.worked.as_deref());
            parts.push(f.change.as_deref());
        }
        join_text(parts)
    }

    fn check_refs(&self, tx: &Transaction<'_>) -> Result<()> {
        ensure_exists(tx, Kind::Challenge, self.challenge_id)
    }

    fn write_children(&self, tx: &Transaction<'_>) -> Result<()> {
        FEEDBACK.clear(tx, self.meta.id)?;
        let mut stmt = tx.prepare_cached(
            "INSERT INTO feedback (id, session_id, position, source, delay_min, worked, change) VALUES (?1,?2,?3,?4,?5,?6,?7)",
        )?;
        for (i, f) in (0_i64..).zip(&self.data.feedback) {
            stmt.execute(params![
                Id::new(),
                self.meta.id,
                i,
                f.source,
                f.delay_min,
                f.worked,
                f.change
            ])?;
        }
        Ok(())
    }

    fn read_children(conn: &Connection, items: &mut [Self]) -> Result<()> {
        FEEDBACK.fill(
            conn,
            items,
            |c| {
                Ok(Feedback {
                    source: c.read()?,
                    delay_min: c.read()?,
                    worked: c.read()?,
                    change: c.read()?,
                })
            },
            |s, feedback| s.data.feedback = feedback,
        )
    }
}

impl Journal {
    pub fn add_session(&mut self, new: NewSession) -> Result<Session> {
        let ids = self.add_sessions(vec![new])?;
        let id = ids
            .first()
            .copied()
            .ok_or_else(|| Error::invalid("No session was given."))?;
        self.session(id)
    }

    /// Logs many sessions in one transaction (imports, benchmarks): all or none.
    pub fn add_sessions(&mut self, news: Vec<NewSession>) -> Result<Vec<Id>> {
        self.insert_items(news.into_iter().map(|new| {
            let challenge_id = new.challenge_id.ok_or_else(|| {
                Error::field(
                    crate::error::Field::Challenge,
                    "A practice session needs its challenge; choose one.",
                )
            })?;
            Ok(Session {
                meta: new_meta(new.when, new.private),
                challenge_id,
                data: new.data,
            })
        }))
    }

    pub fn session(&self, id: Id) -> Result<Session> {
        self.item(id)
    }

    /// The latest sessions, newest first: `limit` of them after skipping `skip` (a page of
    /// a long history without reading ten years of it).
    pub fn recent_sessions(&self, limit: usize, skip: usize) -> Result<Vec<Session>> {
        self.latest(limit, skip)
    }

    /// Sessions, oldest first; only one challenge's when `challenge` is given.
    pub fn sessions(&self, challenge: Option<Id>) -> Result<Vec<Session>> {
        match challenge {
            Some(c) => self.rows("WHERE challenge_id = ?1 ORDER BY at, id", &[&c]),
            None => self.items(),
        }
    }

    pub fn update_session(&mut self, s: &Session) -> Result<Session> {
        self.update_item(s)
    }

    pub fn delete_session(&mut self, id: Id) -> Result<()> {
        self.delete_item::<Session>(id)
    }
}
