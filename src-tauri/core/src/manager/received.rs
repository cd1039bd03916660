//! The bundles a manager has received, read back as they were verified and stored.
//!
//! Read by the timeline and the agenda (the person's questions) as well as shown on their
//! own, so reading lives apart from importing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{id_at, opt_day_at, time_at, unexpected};
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::export::Bundle;
use crate::journal::Journal;

/// A bundle received, verified and stored.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReceivedBundle {
    pub id: Id,
    pub person: String,
    pub received_at: DateTime<Utc>,
    pub file_sha256: String,
    pub signer_key_id: String,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub items: usize,
}

impl Journal {
    pub(super) fn bundles_with_json(&self, person: &str) -> Result<Vec<(ReceivedBundle, Bundle)>> {
        let (pid, pname, _) = self.person_row(person)?;
        let rows: Vec<(ReceivedBundle, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, received_at, file_sha256, signer_key_id, period_from, period_to, bundle_json
                 FROM mgr_bundles WHERE person_id = ?1 ORDER BY received_at, id",
            )?;
            stmt.query_map([pid.to_string()], |r| {
                Ok((
                    ReceivedBundle {
                        id: id_at(r, 0)?,
                        person: pname.clone(),
                        received_at: time_at(r, 1)?,
                        file_sha256: r.get(2)?,
                        signer_key_id: r.get(3)?,
                        period_from: opt_day_at(r, 4)?,
                        period_to: opt_day_at(r, 5)?,
                        items: 0,
                    },
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (mut received, json) in rows {
            // Verified when it was imported: one that no longer parses was changed since.
            let bundle = Bundle::from_json(&json)
                .map_err(|_| Error::from(unexpected(6, "a stored bundle does not parse")))?;
            received.items = bundle.item_ids().len();
            out.push((received, bundle));
        }
        Ok(out)
    }

    /// The bundles received from `person`, oldest first.
    pub fn manager_bundles(&self, person: &str) -> Result<Vec<ReceivedBundle>> {
        Ok(self
            .bundles_with_json(person)?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// One bundle received from `person`, whole, as verified and stored.
    pub fn manager_bundle(&self, person: &str, id: Id) -> Result<Bundle> {
        self.bundles_with_json(person)?
            .into_iter()
            .find(|(r, _)| r.id == id)
            .map(|(_, b)| b)
            .ok_or_else(|| Error::NotFound {
                kind: "received bundle",
                id: id.to_string(),
            })
    }
}
