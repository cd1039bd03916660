//! Drafts and settings, kept inside the encrypted journal.
//!
//! The window saves what a person is typing as they type it, so a crash or a
//! closed window never loses it; keeping drafts here (not in the webview's
//! storage) keeps them encrypted. Settings are small JSON values by key.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::{Error, Result};
use crate::journal::Journal;

/// A saved draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Draft {
    pub key: String,
    pub text: String,
    pub updated_at: DateTime<Utc>,
}

fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 200 {
        return Err(Error::invalid(
            "A draft or setting needs a name of 1 to 200 characters.",
        ));
    }
    Ok(())
}

impl Journal {
    /// Saves (or, for empty text, clears) the draft named `key`.
    pub fn save_draft(&mut self, key: &str, text: &str) -> Result<()> {
        check_key(key)?;
        if text.is_empty() {
            return self.clear_draft(key);
        }
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        self.conn.execute(
            "INSERT INTO drafts (key, text, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
            params![key, text, now],
        )?;
        Ok(())
    }

    /// The draft named `key`, if any.
    pub fn draft(&self, key: &str) -> Result<Option<Draft>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT text, updated_at FROM drafts WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(text, at)| Draft {
            key: key.to_string(),
            text,
            updated_at: DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        }))
    }

    /// Every saved draft, newest first.
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key FROM drafts ORDER BY updated_at DESC")?;
        let keys: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(keys
            .iter()
            .filter_map(|k| self.draft(k).ok().flatten())
            .collect())
    }

    pub fn clear_draft(&mut self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM drafts WHERE key = ?1", [key])?;
        Ok(())
    }

    /// The setting `key`, or `None` when never set.
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let v: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(v.and_then(|s| serde_json::from_str(&s).ok()))
    }

    pub fn set_setting<T: Serialize>(&mut self, key: &str, value: &T) -> Result<()> {
        check_key(key)?;
        let s = serde_json::to_string(value)
            .map_err(|e| Error::invalid(format!("That setting could not be stored ({e}).")))?;
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, s],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::*;

    #[test]
    fn drafts_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let keys = MemoryKeyStore::new();
        let mut j = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys)
            .unwrap()
            .journal;
        j.save_draft("reflection", "half a tho").unwrap();
        j.save_draft("reflection", "half a thought").unwrap();
        assert_eq!(
            j.draft("reflection").unwrap().unwrap().text,
            "half a thought"
        );
        assert_eq!(j.drafts().unwrap().len(), 1);
        j.save_draft("reflection", "").unwrap();
        assert!(j.draft("reflection").unwrap().is_none());
        assert_eq!(j.setting::<u32>("idle_lock_minutes").unwrap(), None);
        j.set_setting("idle_lock_minutes", &15u32).unwrap();
        assert_eq!(j.setting::<u32>("idle_lock_minutes").unwrap(), Some(15));
        assert!(j.save_draft("", "x").is_err());
    }
}
