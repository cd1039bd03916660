//! The share record: what was shared, when, in which format and for whom.
//!
//! Kept inside the encrypted journal (migration 0004). It holds item ids, never entry text,
//! and the SHA-256 of the file as written, so the person can later tell which file is which.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Bundle, Format, Preview};
use crate::domain::{Id, When};
use crate::error::{Error, Result};
use crate::journal::Journal;

/// One export, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ShareRecord {
    pub id: Id,
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub format: Format,
    pub recipient: Option<String>,
    pub file_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The ids of the items the file holds.
    pub item_ids: Vec<Id>,
    pub agenda_questions: usize,
    pub bytes: usize,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl Journal {
    /// Records that `bundle` was written as `format` to a file named `file_name`.
    pub fn record_share(
        &mut self,
        bundle: &Bundle,
        format: Format,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ShareRecord> {
        let preview = Preview::of(bundle).for_format(format);
        let when = When::now();
        let rec = ShareRecord {
            id: Id::new(),
            at: when.at,
            day: when.day,
            format,
            recipient: bundle.selection.recipient.clone(),
            file_name: file_name.to_string(),
            from: bundle.selection.from,
            to: bundle.selection.to,
            item_ids: preview.ids(),
            agenda_questions: preview.agenda.len(),
            bytes: bytes.len(),
            sha256: hex::encode(Sha256::digest(bytes)),
        };
        let ids = serde_json::to_string(&rec.item_ids)
            .map_err(|e| Error::invalid(format!("The share record could not be kept ({e}).")))?;
        self.with_tx(|tx| {
            tx.execute(
                "INSERT INTO share_records (id, at, offset_secs, day, format, recipient, file_name,
                     from_day, to_day, item_ids, agenda, bytes, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    rec.id.to_string(),
                    rec.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    when.offset_secs,
                    rec.day.to_string(),
                    rec.format.as_str(),
                    rec.recipient,
                    rec.file_name,
                    rec.from.to_string(),
                    rec.to.to_string(),
                    ids,
                    i64::try_from(rec.agenda_questions).unwrap_or(i64::MAX),
                    i64::try_from(rec.bytes).unwrap_or(i64::MAX),
                    rec.sha256,
                ],
            )?;
            Ok(())
        })?;
        Ok(rec)
    }

    /// Every share, oldest first.
    pub fn shares(&self) -> Result<Vec<ShareRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, day, format, recipient, file_name, from_day, to_day, item_ids, agenda, bytes, sha256
             FROM share_records ORDER BY at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, i64>(10)?,
                r.get::<_, String>(11)?,
            ))
        })?;
        let bad = || Error::Database("a stored share record had an unexpected form".into());
        let mut out = Vec::new();
        for row in rows {
            let (id, at, day, format, recipient, file_name, from, to, ids, agenda, bytes, sha) =
                row?;
            out.push(ShareRecord {
                id: id.parse().map_err(|_| bad())?,
                at: DateTime::parse_from_rfc3339(&at)
                    .map_err(|_| bad())?
                    .with_timezone(&Utc),
                day: day.parse().map_err(|_| bad())?,
                format: Format::parse(&format).map_err(|_| bad())?,
                recipient,
                file_name,
                from: from.parse().map_err(|_| bad())?,
                to: to.parse().map_err(|_| bad())?,
                item_ids: serde_json::from_str(&ids).map_err(|_| bad())?,
                agenda_questions: usize::try_from(agenda).map_err(|_| bad())?,
                bytes: usize::try_from(bytes).map_err(|_| bad())?,
                sha256: sha,
            });
        }
        Ok(out)
    }
}
