//! Challenges: a skill, a goal, a measure, a difficulty and a target success rate, linked
//! to the purposes they serve. A challenge with practice sessions is never deleted, so no
//! session is lost by deleting its challenge (`ON DELETE RESTRICT`, and this file says so
//! in a sentence first).

use rusqlite::{Connection, ToSql, Transaction};

use super::search::join_text;
use super::{Cols, Links, Stored, new_meta, trimmed};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::journal::Journal;

/// The purposes each challenge serves.
pub(super) const PURPOSES: Links = Links {
    table: "challenge_purposes",
    owner: "challenge_id",
    target: "purpose_id",
    kind: Kind::Purpose,
};

impl Stored for Challenge {
    const KIND: Kind = Kind::Challenge;
    const SEARCH_CODE: i64 = 2;
    const COLUMNS: &'static [&'static str] = &[
        "skill",
        "goal",
        "measure_name",
        "measure_unit",
        "higher_is_better",
        "difficulty",
        "target_rate",
        "status",
    ];

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        self.skill = self.skill.trim().to_string();
        self.goal = trimmed(&self.goal);
        self.measure.name = trimmed(&self.measure.name);
        self.measure.unit = trimmed(&self.measure.unit);
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![
            &self.skill,
            &self.goal,
            &self.measure.name,
            &self.measure.unit,
            &self.measure.higher_is_better,
            &self.difficulty,
            &self.target_rate,
            &self.status,
        ]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(Challenge {
            meta,
            skill: c.read()?,
            goal: c.read()?,
            measure: Measure {
                name: c.read()?,
                unit: c.read()?,
                higher_is_better: c.read()?,
            },
            difficulty: c.read()?,
            target_rate: c.read()?,
            status: c.read()?,
            purpose_ids: Vec::new(),
        })
    }

    fn search_body(&self) -> String {
        join_text([
            Some(self.skill.as_str()),
            self.goal.as_deref(),
            self.measure.name.as_deref(),
            self.measure.unit.as_deref(),
        ])
    }

    fn write_children(&self, tx: &Transaction<'_>) -> Result<()> {
        PURPOSES.write(tx, self.meta.id, &self.purpose_ids)
    }

    fn read_children(conn: &Connection, items: &mut [Self]) -> Result<()> {
        PURPOSES.fill(conn, items, |c, ids| c.purpose_ids = ids)
    }

    fn check_delete(tx: &Transaction<'_>, id: Id) -> Result<()> {
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM sessions WHERE challenge_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if n > 0 {
            return Err(Error::invalid(format!(
                "This challenge has {n} practice session{} logged, so it was not deleted. Mark it done or paused instead, or delete its sessions first.",
                if n == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    }
}

impl Journal {
    pub fn add_challenge(&mut self, new: NewChallenge) -> Result<Challenge> {
        self.create_item(Challenge {
            meta: new_meta(new.when, new.private),
            skill: new.skill,
            goal: new.goal,
            measure: new.measure,
            difficulty: new.difficulty,
            target_rate: new.target_rate.unwrap_or(DEFAULT_TARGET_RATE),
            status: new.status,
            purpose_ids: new.purpose_ids,
        })
    }

    pub fn challenge(&self, id: Id) -> Result<Challenge> {
        self.item(id)
    }

    /// All challenges, or only those with `status`.
    pub fn challenges(&self, status: Option<ChallengeStatus>) -> Result<Vec<Challenge>> {
        match status {
            Some(s) => self.rows("WHERE status = ?1 ORDER BY at, id", &[&s]),
            None => self.items(),
        }
    }

    pub fn update_challenge(&mut self, c: &Challenge) -> Result<Challenge> {
        self.update_item(c)
    }

    /// Deletes a challenge. Refused while practice sessions belong to it, so no
    /// session is ever lost by deleting its challenge: pause it or mark it done instead.
    pub fn delete_challenge(&mut self, id: Id) -> Result<()> {
        self.delete_item::<Challenge>(id)
    }
}
