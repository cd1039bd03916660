//! The one-on-one agenda: talking points carried forward until closed, action items with
//! an owner and a due date, the manager's own notes, and the one-on-ones marked as held.
//!
//! "Carried forward" is counted in SQL from the meetings held while a point stayed open,
//! so it is never stored and cannot drift.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{clean_text, day_at, id_at, now_text, opt_day_at, opt_time_at, time_at, unexpected};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::journal::Journal;

/// What an agenda entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum AgendaKind {
    /// A talking point, carried forward to each one-on-one until closed.
    Point,
    /// An action item with an owner and a due date.
    Action,
    /// The manager's own note.
    Note,
}

impl AgendaKind {
    fn as_str(self) -> &'static str {
        match self {
            AgendaKind::Point => "point",
            AgendaKind::Action => "action",
            AgendaKind::Note => "note",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "point" => Some(AgendaKind::Point),
            "action" => Some(AgendaKind::Action),
            "note" => Some(AgendaKind::Note),
            _ => None,
        }
    }
}

/// One agenda entry.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AgendaItem {
    pub id: Id,
    pub kind: AgendaKind,
    pub text: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// How many one-on-ones were held while it stayed open: the times it was carried forward.
    pub carried: u32,
}

/// The next one-on-one with a person.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Agenda {
    pub person: String,
    /// Open talking points, oldest first: carried forward until closed.
    pub points: Vec<AgendaItem>,
    /// Open action items, soonest due first.
    pub actions: Vec<AgendaItem>,
    /// The manager's notes, newest first.
    pub notes: Vec<AgendaItem>,
    /// Points and actions already closed (only when asked for).
    pub closed: Vec<AgendaItem>,
    /// The questions the person put in their latest bundle.
    pub their_questions: Vec<String>,
    /// The day of the last one-on-one marked as held, if any.
    pub last_held: Option<NaiveDate>,
}

impl Journal {
    fn agenda_insert(
        &mut self,
        person: &str,
        kind: AgendaKind,
        text: &str,
        owner: Option<&str>,
        due: Option<NaiveDate>,
    ) -> Result<AgendaItem> {
        let (pid, _, _) = self.person_row(person)?;
        let text = clean_text(text, kind.as_str())?;
        let id = Id::new();
        self.conn.execute(
            "INSERT INTO mgr_agenda (id, person_id, kind, text, owner, due, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id.to_string(),
                pid.to_string(),
                kind.as_str(),
                text,
                owner,
                due.map(|d| d.to_string()),
                now_text()
            ],
        )?;
        self.agenda_item(id)
    }

    fn agenda_item(&self, id: Id) -> Result<AgendaItem> {
        Ok(self.conn.query_row(
            &format!("{AGENDA_SELECT} WHERE a.id = ?1"),
            [id.to_string()],
            agenda_row,
        )?)
    }

    /// Adds a talking point for the next one-on-one with `person`.
    pub fn agenda_add_point(&mut self, person: &str, text: &str) -> Result<AgendaItem> {
        self.agenda_insert(person, AgendaKind::Point, text, None, None)
    }

    /// Adds an action item with an owner and a due date.
    pub fn agenda_add_action(
        &mut self,
        person: &str,
        text: &str,
        owner: &str,
        due: NaiveDate,
    ) -> Result<AgendaItem> {
        let owner = clean_text(owner, "owner")?;
        self.agenda_insert(person, AgendaKind::Action, text, Some(&owner), Some(due))
    }

    /// Adds one of the manager's own notes about `person`.
    pub fn agenda_add_note(&mut self, person: &str, text: &str) -> Result<AgendaItem> {
        self.agenda_insert(person, AgendaKind::Note, text, None, None)
    }

    /// Closes a talking point or an action item, by its id or at least 4 characters
    /// from its start or end.
    pub fn agenda_close(&mut self, person: &str, id_text: &str) -> Result<AgendaItem> {
        let (pid, _, _) = self.person_row(person)?;
        let t = id_text.trim().to_ascii_lowercase();
        let not_found = || Error::NotFound {
            kind: "manager agenda",
            id: id_text.to_string(),
        };
        if t.len() < 4 {
            return Err(not_found());
        }
        let ids: Vec<Id> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM mgr_agenda WHERE person_id = ?1 AND kind IN ('point', 'action')
                 AND (id = ?2 OR substr(id, 1, length(?2)) = ?2 OR substr(id, -length(?2)) = ?2)",
            )?;
            stmt.query_map(params![pid.to_string(), t], |r| id_at(r, 0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let id = match ids.as_slice() {
            [one] => *one,
            [] => return Err(not_found()),
            _ => {
                return Err(Error::Ambiguous {
                    kind: "agenda item",
                    id: id_text.to_string(),
                });
            }
        };
        self.conn.execute(
            "UPDATE mgr_agenda SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
            params![id.to_string(), now_text()],
        )?;
        self.agenda_item(id)
    }

    /// Marks a one-on-one with `person` as held on `on`: the points still open carry
    /// forward to the next one (their `carried` count goes up). Marking the same day twice
    /// changes nothing: one day, one one-on-one.
    pub fn agenda_held(&mut self, person: &str, on: NaiveDate) -> Result<Agenda> {
        let (pid, _, _) = self.person_row(person)?;
        self.conn.execute(
            "INSERT INTO mgr_meetings (id, person_id, held_on, created_at)
             SELECT ?1, ?2, ?3, ?4
             WHERE NOT EXISTS (SELECT 1 FROM mgr_meetings WHERE person_id = ?2 AND held_on = ?3)",
            params![
                Id::new().to_string(),
                pid.to_string(),
                on.to_string(),
                now_text()
            ],
        )?;
        self.agenda(person, false)
    }

    /// The next one-on-one with `person`: open points carried forward, open actions,
    /// notes, the person's own questions from their latest bundle; closed items too
    /// with `include_closed`.
    pub fn agenda(&self, person: &str, include_closed: bool) -> Result<Agenda> {
        let (pid, pname, _) = self.person_row(person)?;
        let all: Vec<AgendaItem> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "{AGENDA_SELECT} WHERE a.person_id = ?1 ORDER BY a.created_at, a.id"
            ))?;
            stmt.query_map([pid.to_string()], agenda_row)?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut a = Agenda {
            person: pname,
            points: Vec::new(),
            actions: Vec::new(),
            notes: Vec::new(),
            closed: Vec::new(),
            their_questions: self
                .bundles_with_json(person)?
                .pop()
                .map(|(_, b)| b.agenda)
                .unwrap_or_default(),
            last_held: self
                .conn
                .query_row(
                    "SELECT held_on FROM mgr_meetings WHERE person_id = ?1
                     ORDER BY held_on DESC, created_at DESC LIMIT 1",
                    [pid.to_string()],
                    |r| day_at(r, 0),
                )
                .optional()?,
        };
        for item in all {
            match (item.kind, item.closed_at.is_some()) {
                (AgendaKind::Note, _) => a.notes.push(item),
                (_, true) => {
                    if include_closed {
                        a.closed.push(item);
                    }
                }
                (AgendaKind::Point, false) => a.points.push(item),
                (AgendaKind::Action, false) => a.actions.push(item),
            }
        }
        a.actions.sort_by_key(|x| x.due);
        a.notes.reverse();
        Ok(a)
    }
}

fn agenda_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgendaItem> {
    let kind: String = r.get(1)?;
    Ok(AgendaItem {
        id: id_at(r, 0)?,
        kind: AgendaKind::parse(&kind).ok_or_else(|| unexpected(1, "not an agenda kind"))?,
        text: r.get(2)?,
        owner: r.get(3)?,
        due: opt_day_at(r, 4)?,
        created_at: time_at(r, 5)?,
        closed_at: opt_time_at(r, 6)?,
        carried: r.get(7)?,
    })
}

/// Agenda rows with the number of one-on-ones held while each stayed open.
const AGENDA_SELECT: &str =
    "SELECT a.id, a.kind, a.text, a.owner, a.due, a.created_at, a.closed_at,
        (SELECT count(DISTINCT m.held_on) FROM mgr_meetings m WHERE m.person_id = a.person_id
           AND m.created_at > a.created_at AND (a.closed_at IS NULL OR m.created_at < a.closed_at))
     FROM mgr_agenda a";
