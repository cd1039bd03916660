//! Purposes: whom the work serves, and why. A purpose's challenges are linked from the
//! challenge's side (`challenges.rs` writes the links); here they are only read back.

use rusqlite::{Connection, ToSql};

use super::search::join_text;
use super::{Cols, Links, Stored, new_meta, trimmed};
use crate::domain::*;
use crate::error::Result;
use crate::journal::Journal;

/// The challenges that serve each purpose: `challenges::PURPOSES` read the other way.
pub(super) const CHALLENGES: Links = Links {
    table: "challenge_purposes",
    owner: "purpose_id",
    target: "challenge_id",
    kind: Kind::Challenge,
};

impl Stored for Purpose {
    const KIND: Kind = Kind::Purpose;
    const SEARCH_CODE: i64 = 1;
    const COLUMNS: &'static [&'static str] = &["title", "whom", "why"];

    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    fn clean(&mut self) -> Result<()> {
        self.validate()?;
        self.title = self.title.trim().to_string();
        self.whom = trimmed(&self.whom);
        self.why = trimmed(&self.why);
        Ok(())
    }

    fn values(&self) -> Vec<&dyn ToSql> {
        vec![&self.title, &self.whom, &self.why]
    }

    fn from_row(meta: Meta, c: &mut Cols<'_, '_>) -> rusqlite::Result<Self> {
        Ok(Purpose {
            meta,
            title: c.read()?,
            whom: c.read()?,
            why: c.read()?,
            challenge_ids: Vec::new(),
        })
    }

    fn search_body(&self) -> String {
        join_text([
            Some(self.title.as_str()),
            self.whom.as_deref(),
            self.why.as_deref(),
        ])
    }

    fn read_children(conn: &Connection, items: &mut [Self]) -> Result<()> {
        CHALLENGES.fill(conn, items, |p, ids| p.challenge_ids = ids)
    }
}

impl Journal {
    pub fn add_purpose(&mut self, new: NewPurpose) -> Result<Purpose> {
        self.create_item(Purpose {
            meta: new_meta(new.when, new.private),
            title: new.title,
            whom: new.whom,
            why: new.why,
            challenge_ids: Vec::new(),
        })
    }

    pub fn purpose(&self, id: Id) -> Result<Purpose> {
        self.item(id)
    }

    pub fn purposes(&self) -> Result<Vec<Purpose>> {
        self.items()
    }

    /// Saves an edited purpose; its challenges are not changed here (they are set on the
    /// challenge).
    pub fn update_purpose(&mut self, p: &Purpose) -> Result<Purpose> {
        self.update_item(p)
    }

    pub fn delete_purpose(&mut self, id: Id) -> Result<()> {
        self.delete_item::<Purpose>(id)
    }
}
