//! Is the journal whole? The full check (`asym check`, the window's weekly one) and the
//! cheap one every unlock runs.
//!
//! SQLCipher authenticates every page with an HMAC, so any change to the file that
//! SQLCipher did not write — a flipped bit, a torn sector — fails that page's HMAC. The
//! cheap check is therefore `PRAGMA cipher_integrity_check` alone (every page read and
//! authenticated, no b-tree walk); the full check adds SQLite's `integrity_check`, FTS5's
//! own check and the key envelope. Each finding is one sentence.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::journal::{Journal, Unlock};
use crate::keystore::KeyStore;
use crate::secret::Passphrase;
use crate::snapshot;
use crate::store::DB_FILE;
use crate::vault::KeyMode;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CheckPart {
    /// Every page's authentication (SQLCipher's HMAC).
    Pages,
    /// SQLite's own structure: tables, indexes, free pages.
    Structure,
    /// The full-text search index.
    SearchIndex,
    /// `journal.meta.json`, the key envelope.
    KeyEnvelope,
}

/// One thing checked, and what was found, in one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Finding {
    pub part: CheckPart,
    pub ok: bool,
    pub sentence: String,
}

/// Everything checked.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CheckReport {
    /// Whether any finding is bad.
    pub damaged: bool,
    pub findings: Vec<Finding>,
}

fn finding(part: CheckPart, ok: bool, sentence: impl Into<String>) -> Finding {
    Finding {
        part,
        ok,
        sentence: sentence.into(),
    }
}

/// Checks every page's authentication on the open connection `conn`.
fn pages(conn: &rusqlite::Connection) -> Finding {
    let total: Option<i64> = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).ok();
    match snapshot::damaged_pages(conn) {
        Ok(bad) if bad.is_empty() => finding(
            CheckPart::Pages,
            true,
            match total {
                Some(n) => {
                    format!("All {n} pages of the journal file pass their authentication check.")
                }
                None => "Every page of the journal file passes its authentication check.".into(),
            },
        ),
        Ok(bad) => {
            let numbers: Vec<String> = bad
                .iter()
                .filter_map(|line| {
                    line.split(|c: char| !c.is_ascii_digit())
                        .rfind(|w| !w.is_empty())
                        .map(str::to_string)
                })
                .take(10)
                .collect();
            finding(
                CheckPart::Pages,
                false,
                format!(
                    "{} of {} pages of the journal file fail their authentication check (page{} {}): they were changed or damaged on disk, and the items stored on them cannot be read.",
                    bad.len(),
                    total.map_or_else(|| "its".to_string(), |n| n.to_string()),
                    if numbers.len() == 1 { "" } else { "s" },
                    numbers.join(", ")
                ),
            )
        }
        Err(_) => finding(
            CheckPart::Pages,
            false,
            "The journal file's pages could not be read to check them: the file is damaged.",
        ),
    }
}

/// The cheap check an unlock runs: every page authenticated. Fails with
/// [`Error::Damaged`] when one is not.
pub fn quick_check(j: &Journal) -> Result<()> {
    let f = pages(&j.conn);
    if f.ok {
        Ok(())
    } else {
        Err(Error::Damaged(j.dir().to_path_buf()))
    }
}

/// The full check of the journal in `dir`, opened as [`super::open_journal`] opens it (the
/// passphrase asked for only in passphrase mode). The file is not migrated or changed.
/// Fails only when the key cannot be had (wrong or missing); a damaged key envelope and
/// damage in the file are reported as findings.
pub fn check_journal(
    dir: &Path,
    keys: &dyn KeyStore,
    passphrase: impl FnOnce() -> Result<Passphrase>,
) -> Result<CheckReport> {
    let found = Journal::key_mode(dir).and_then(|mode| {
        let unlock = match mode {
            KeyMode::Keyring => Unlock::Keyring,
            KeyMode::Passphrase => Unlock::Passphrase(passphrase()?),
        };
        Journal::unlock_key(dir, unlock, keys)
    });
    let (meta, key) = match found {
        Ok(found) => found,
        // An envelope that fails its own checksum or does not parse is a finding, not a
        // failure of the check: said in its sentence, with what it keeps from being checked.
        Err(e @ Error::BadMetadata(..)) => {
            return Ok(CheckReport {
                damaged: true,
                findings: vec![finding(
                    CheckPart::KeyEnvelope,
                    false,
                    format!("{e} Without it the journal's pages cannot be checked."),
                )],
            });
        }
        Err(e) => return Err(e),
    };
    full_report(&meta, &key, &dir.join(DB_FILE))
}

/// The full check of the open journal `j`, on a connection of its own (nothing is changed).
pub fn check_open(j: &Journal) -> Result<CheckReport> {
    full_report(j.meta(), j.key(), &j.dir().join(DB_FILE))
}

/// How often a host that stays open runs the full check in the background.
pub const FULL_CHECK_EVERY_DAYS: i64 = 7;
const LAST_FULL_CHECK: &str = "last_full_check";

/// The full check when the last one is [`FULL_CHECK_EVERY_DAYS`] old or more (or none was
/// run), remembered in the journal's settings. `Some` sentence only when it found damage;
/// a check that could not run is tried again next time.
pub fn weekly_check(j: &mut Journal) -> Option<String> {
    let today = crate::local_today();
    let last: Option<chrono::NaiveDate> = j.setting(LAST_FULL_CHECK).ok().flatten();
    if last.is_some_and(|d| (today - d).num_days() < FULL_CHECK_EVERY_DAYS) {
        return None;
    }
    let report = check_open(j).ok()?;
    let _ = j.set_setting(LAST_FULL_CHECK, &today);
    report.damaged.then(|| {
        report
            .findings
            .iter()
            .filter(|f| !f.ok)
            .map(|f| f.sentence.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Every finding for the database at `db` opened with `key`, and its envelope `meta`.
fn full_report(
    meta: &crate::vault::JournalMeta,
    key: &crate::secret::DbKey,
    db: &Path,
) -> Result<CheckReport> {
    let mut findings = Vec::new();
    findings.push(match meta.shape_problem() {
        None => finding(
            CheckPart::KeyEnvelope,
            true,
            "The key envelope (journal.meta.json) reads, and holds this journal's key.",
        ),
        Some(why) => finding(
            CheckPart::KeyEnvelope,
            false,
            format!("The key envelope (journal.meta.json) is damaged: {why}."),
        ),
    });
    let conn = snapshot::open_keyed(db, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    findings.push(pages(&conn));
    findings.push(match snapshot::integrity_problem(&conn) {
        None => finding(
            CheckPart::Structure,
            true,
            "SQLite's integrity check finds the tables and indexes whole.",
        ),
        Some(p) => finding(
            CheckPart::Structure,
            false,
            format!("SQLite's integrity check found {p}."),
        ),
    });
    findings.push(match snapshot::fts_problem(&conn) {
        None => finding(
            CheckPart::SearchIndex,
            true,
            "The search index matches the entries.",
        ),
        Some(p) => finding(
            CheckPart::SearchIndex,
            false,
            format!("The search index is damaged: {p}."),
        ),
    });
    Ok(CheckReport {
        damaged: findings.iter().any(|f| !f.ok),
        findings,
    })
}
