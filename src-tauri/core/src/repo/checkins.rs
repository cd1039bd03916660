//! Autonomy check-ins: the four T's (task, time, technique, team), each 1–7, and a note.

use rusqlite::ToSql;

use super::search::join_text;
use super::{Cols, Stored, new_meta, trimmed};
use crate::domain::*;
use crate::error::Result;
use crate::journal::Journal;

impl Stored for Checkin {
    const KIND: Kind = Kind::Checkin;
    const SEARCH_CODE: i64 = 5;
    const COLUMNS: &'static [&'static str] = &["task", "time", "technique", "team", "note"];

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        self.note = trimmed(&self.note);
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        let t = &self.ratings;
        vec![&t.task, &t.time, &t.technique, &t.team, &self.note]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(Checkin {
            meta,
            ratings: FourTs {
                task: c.read()?,
                time: c.read()?,
                technique: c.read()?,
                team: c.read()?,
            },
            note: c.read()?,
        })
    }

    fn search_body(&self) -> String {
        join_text([self.note.as_deref()])
    }
}

impl Journal {
    pub fn add_checkin(&mut self, new: NewCheckin) -> Result<Checkin> {
        self.create_item(Checkin {
            meta: new_meta(new.when, new.private),
            ratings: new.ratings,
            note: new.note,
        })
    }

    pub fn checkin(&self, id: Id) -> Result<Checkin> {
        self.item(id)
    }

    pub fn checkins(&self) -> Result<Vec<Checkin>> {
        self.items()
    }

    pub fn update_checkin(&mut self, c: &Checkin) -> Result<Checkin> {
        self.update_item(c)
    }

    pub fn delete_checkin(&mut self, id: Id) -> Result<()> {
        self.delete_item::<Checkin>(id)
    }
}
