//! The minisign keys a manager trusts, each for exactly one person.
//!
//! A key that could speak for two people would let one person's file pass as another's,
//! so trusting refuses a key already trusted for someone else.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{now_text, time_at};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::protect::PublicKey;

/// A minisign public key trusted for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TrustedKey {
    pub key_id: String,
    pub public_key: String,
    pub added_at: DateTime<Utc>,
}

impl Journal {
    pub(super) fn trusted_keys_of(&self, person_id: Id) -> Result<Vec<TrustedKey>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key_id, public_key, added_at FROM mgr_trusted_keys
             WHERE person_id = ?1 ORDER BY added_at",
        )?;
        let rows = stmt.query_map([person_id.to_string()], |r| {
            Ok(TrustedKey {
                key_id: r.get(0)?,
                public_key: r.get(1)?,
                added_at: time_at(r, 2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Trusts `key` for `person`'s bundles. A key can be trusted for one person only.
    pub fn manager_trust_key(&mut self, person: &str, key: &PublicKey) -> Result<TrustedKey> {
        let (pid, pname, _) = self.person_row(person)?;
        let holder: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT p.name, k.public_key FROM mgr_trusted_keys k
                 JOIN mgr_people p ON p.id = k.person_id WHERE k.key_id = ?1",
                [&key.key_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((holder, stored)) = holder {
            if holder == pname && stored == key.base64 {
                return self
                    .trusted_keys_of(pid)?
                    .into_iter()
                    .find(|k| k.key_id == key.key_id)
                    .ok_or_else(|| Error::Database("a trusted key vanished".into()));
            }
            return Err(Error::invalid(format!(
                "The key {} is already trusted for {holder}; a key can speak for one person only, so nothing was changed.",
                key.key_id
            )));
        }
        self.conn.execute(
            "INSERT INTO mgr_trusted_keys (id, person_id, key_id, public_key, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                Id::new().to_string(),
                pid.to_string(),
                key.key_id,
                key.base64,
                now_text()
            ],
        )?;
        self.trusted_keys_of(pid)?
            .into_iter()
            .find(|k| k.key_id == key.key_id)
            .ok_or_else(|| Error::Database("a trusted key vanished".into()))
    }
}
