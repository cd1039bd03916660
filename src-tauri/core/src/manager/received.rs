//! The bundles a manager has received, read back as they were verified and stored.
//!
//! Read by the timeline and the agenda (the person's questions) as well as shown on their
//! own, so reading lives apart from importing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::parse_time;
use crate::domain::Id;
use crate::error::{Error, Result};
use crate::export::Bundle;
use crate::journal::Journal;

/// A bundle received, verified and stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, received_at, file_sha256, signer_key_id, period_from, period_to, bundle_json
                 FROM mgr_bundles WHERE person_id = ?1 ORDER BY received_at, id",
            )?;
            stmt.query_map([pid.to_string()], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (id, at, sha, signer, from, to, json) in rows {
            let bundle = Bundle::from_json(&json)?;
            out.push((
                ReceivedBundle {
                    id: id.parse().map_err(|_| {
                        Error::Database("a stored id had an unexpected form".into())
                    })?,
                    person: pname.clone(),
                    received_at: parse_time(&at),
                    file_sha256: sha,
                    signer_key_id: signer,
                    period_from: from.and_then(|d| d.parse().ok()),
                    period_to: to.and_then(|d| d.parse().ok()),
                    items: bundle.item_ids().len(),
                },
                bundle,
            ));
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
