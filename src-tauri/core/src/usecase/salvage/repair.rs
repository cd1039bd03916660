//! Repair: a salvage that takes the damaged journal's place, for a person who wants their
//! journal back where it was (the window's "Repair" and `asym salvage --replace`).
//!
//! The steps, and why a kill at any moment leaves the old journal or the repaired one:
//!
//! 1. One connection to the damaged file leaves WAL mode and keeps a lock under which no
//!    other connection can commit (as a restore does,
//!    [`lock_for_switch`](crate::usecase::backup)): a write from the window or another
//!    `asym` cannot slip in between the read and the switch and be lost. SQLite's
//!    checkpoint copies the log's frames as they are (encrypted), so damage does not stop
//!    it. A journal whose very first page is damaged opens for no one; when its log is
//!    empty there is nothing to lock out, and the repair goes on without the lock.
//! 2. The newest backup in the journal's `backups/` folder that verifies under the
//!    journal's key is chosen to fill what cannot be read.
//! 3. The salvage builds the new journal in `.repair-PID/` inside the journal's folder
//!    (the same key, a copy of the envelope; complete before it takes that name).
//!    `journal.db` is only read.
//! 4. The damaged file and its envelope are copied into `replaced/<time>/` (never
//!    removed), then `.repair-PID/journal.db` is renamed over `journal.db` in one step.
//!    The envelope beside it does not change: the new file has the same key.
//!
//! A kill before step 4's rename leaves the damaged journal as it was (in rollback mode;
//! the next open puts it back in WAL mode) and a `.repair-PID/` folder, removed by the
//! next repair.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{SalvageReport, salvage_keyed};
use crate::error::{Error, Result};
use crate::journal::{Journal, Unlock};
use crate::keystore::KeyStore;
use crate::secret::{DbKey, Passphrase};
use crate::snapshot::{self, BACKUPS_DIR};
use crate::store::DB_FILE;
use crate::usecase::backup::{lock_for_switch, put_in_place, release_switch_lock};
use crate::vault::{JournalMeta, KeyMode};

/// What a repair did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RepairReport {
    /// The salvage that made the new journal (its `target_dir` was a temporary folder).
    #[ts(skip)]
    pub salvage: SalvageReport,
    /// Items read from the damaged journal.
    pub salvaged: usize,
    /// Items added from the backup.
    pub filled: usize,
    /// Items known lost.
    pub lost: usize,
    /// Whether rows may be lost that no index could name.
    pub uncounted_loss: bool,
    /// The backup that filled what could not be read (its id), if one verified.
    pub backup: Option<String>,
    /// Where the damaged file was kept (never removed).
    #[ts(type = "string")]
    pub kept_aside: PathBuf,
    /// What was done, in one paragraph a host can show as it is.
    pub summary: String,
}

/// Repairs the journal in `dir` (see the module doc), unlocking it as
/// [`open_journal`](crate::usecase::open_journal) does, and opens the repaired journal.
pub fn repair(
    dir: &Path,
    keys: &dyn KeyStore,
    passphrase: impl FnOnce() -> Result<Passphrase>,
) -> Result<(RepairReport, Journal)> {
    let unlock = match Journal::key_mode(dir)? {
        KeyMode::Keyring => Unlock::Keyring,
        KeyMode::Passphrase => Unlock::Passphrase(passphrase()?),
    };
    repair_with(dir, unlock, keys)
}

/// [`repair`] with the unlock already chosen (the recovery key, say).
pub fn repair_with(
    dir: &Path,
    unlock: Unlock,
    keys: &dyn KeyStore,
) -> Result<(RepairReport, Journal)> {
    let (meta, key) = Journal::unlock_key(dir, unlock, keys)?;
    let report = repair_keyed(dir, &meta, &key)?;
    Ok((report, Journal::open_keyed(dir, &meta, key)?))
}

/// Repairs the open journal `j` with its key (nothing is asked again); `j` is then the
/// repaired journal (or, on an error, the journal as it was). `j` must be the journal's
/// only connection: the host closes any other first, or the repair stops with
/// [`Error::InUse`].
pub fn repair_open(j: &mut Journal) -> Result<RepairReport> {
    let dir = j.dir().to_path_buf();
    let meta = j.meta().clone();
    let key = j.key().duplicate();
    // Its own connection would keep the repair from leaving WAL mode.
    let conn = std::mem::replace(&mut j.conn, rusqlite::Connection::open_in_memory()?);
    drop(conn);
    let report = repair_keyed(&dir, &meta, &key);
    j.conn = Journal::open_keyed(&dir, &meta, key)?.conn;
    report
}

fn repair_keyed(dir: &Path, meta: &JournalMeta, key: &DbKey) -> Result<RepairReport> {
    snapshot::clean_stale(dir, ".repair-");
    snapshot::clean_stale(dir, "..repair-");
    let live = dir.join(DB_FILE);
    let conn = snapshot::open_keyed(&live, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let locked = match lock_for_switch(&conn) {
        Ok(()) => true,
        // Nothing can open this file (its first page is damaged), and no log of it waits
        // to be replayed: there is no writer to lock out.
        Err(Error::InUse) if !opens(&conn) && !has_log(dir) => false,
        Err(e) => return Err(e),
    };
    let work = dir.join(format!(".repair-{}", std::process::id()));
    let result = (|| {
        let backup = newest_backup(dir, key);
        let fill = backup.as_ref().map(|s| s.path.join(DB_FILE));
        let report = salvage_keyed(dir, &work, meta, key.duplicate(), fill.as_deref())?;
        let kept_aside = put_in_place(dir, &work.join(DB_FILE))?;
        let lost: usize = report.kinds.iter().map(|k| k.lost).sum();
        Ok(RepairReport {
            summary: summary(&report, lost, backup.as_ref(), &kept_aside),
            salvaged: report.salvaged(),
            filled: report.filled(),
            lost,
            uncounted_loss: report.uncounted_loss(),
            salvage: report,
            backup: backup.map(|s| s.id),
            kept_aside,
        })
    })();
    if result.is_err() && locked {
        release_switch_lock(&conn);
    }
    // Closed after the switch: it reached only the replaced file.
    drop(conn);
    if work.exists() {
        Journal::remove_files(&work);
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}

/// The repair in one paragraph, for any host.
fn summary(
    r: &SalvageReport,
    lost: usize,
    backup: Option<&snapshot::Snapshot>,
    kept_aside: &Path,
) -> String {
    let items = |n: usize| format!("{n} item{}", if n == 1 { "" } else { "s" });
    let mut s = format!(
        "The journal was repaired: {} read from the damaged file",
        items(r.salvaged())
    );
    match backup {
        Some(b) => s.push_str(&format!(
            ", {} added from the backup of {}",
            items(r.filled()),
            b.taken_at.format("%Y-%m-%d %H:%M UTC")
        )),
        None => s.push_str(" (no backup of it verified, so nothing was filled in)"),
    }
    if lost == 0 && !r.uncounted_loss() {
        s.push_str("; nothing is known to be lost.");
    } else {
        s.push_str(&format!("; {} could not be recovered.", items(lost)));
    }
    s.push_str(&format!(
        " The damaged file is kept in {}.",
        kept_aside.display()
    ));
    s
}

fn opens(conn: &rusqlite::Connection) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok()
}

fn has_log(dir: &Path) -> bool {
    ["journal.db-wal", "journal.db-journal"]
        .iter()
        .any(|f| std::fs::metadata(dir.join(f)).is_ok_and(|m| m.len() > 0))
}

/// The newest snapshot in the journal's own backup folder that verifies under `key`.
fn newest_backup(dir: &Path, key: &DbKey) -> Option<snapshot::Snapshot> {
    snapshot::list(&dir.join(BACKUPS_DIR))
        .ok()?
        .into_iter()
        .find(|s| snapshot::verify(&s.path, key, None).is_ok())
}
