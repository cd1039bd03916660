//! The people whose bundles a manager receives: one row each, names unique in any case.
//!
//! Everything else in the manager's space (keys, bundles, the agenda) hangs off a person,
//! so the lookup by name every other part starts from lives here.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{TrustedKey, clean_text, id_at, now_text, person_not_found, time_at};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::journal::Journal;

/// Someone whose bundles this manager receives.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub keys: Vec<TrustedKey>,
    pub bundles: i64,
}

impl Journal {
    /// A person's id, name (as stored) and when they were added; not found by that name is
    /// [`Error::NotFound`].
    pub(super) fn person_row(&self, name: &str) -> Result<(Id, String, DateTime<Utc>)> {
        self.conn
            .query_row(
                "SELECT id, name, created_at FROM mgr_people WHERE name = ?1 COLLATE NOCASE",
                [name.trim()],
                |r| Ok((id_at(r, 0)?, r.get(1)?, time_at(r, 2)?)),
            )
            .optional()?
            .ok_or_else(|| person_not_found(name))
    }

    /// A person of the manager's, by name (any case).
    pub fn manager_person(&self, name: &str) -> Result<Person> {
        let (id, name, at) = self.person_row(name)?;
        let bundles: i64 = self.conn.query_row(
            "SELECT count(*) FROM mgr_bundles WHERE person_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        Ok(Person {
            id,
            name,
            created_at: at,
            keys: self.trusted_keys_of(id)?,
            bundles,
        })
    }

    /// Every person of the manager's, by name.
    pub fn manager_people(&self) -> Result<Vec<Person>> {
        let names: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT name FROM mgr_people ORDER BY name COLLATE NOCASE")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        names.iter().map(|n| self.manager_person(n)).collect()
    }

    /// Adds a person (names are unique, ignoring case).
    pub fn manager_add_person(&mut self, name: &str) -> Result<Person> {
        let name = clean_text(name, "name")?;
        if name.chars().count() > 200 {
            return Err(Error::invalid("A name has at most 200 characters."));
        }
        match self.person_row(&name) {
            Ok(_) => {
                return Err(Error::invalid(format!(
                    "There is already a person called {name}; nothing was changed."
                )));
            }
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        self.conn.execute(
            "INSERT INTO mgr_people (id, name, created_at) VALUES (?1, ?2, ?3)",
            params![Id::new().to_string(), name, now_text()],
        )?;
        self.manager_person(&name)
    }
}
