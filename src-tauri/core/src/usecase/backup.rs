//! Automatic, verified, encrypted backups, and restoring one: the same steps for the window
//! and `asym`.
//!
//! * **Where.** Snapshots go to the journal's own `backups/` folder (0700), and, when the
//!   person chooses a second place (an external drive, a synced folder), also to
//!   `<that folder>/asymptote-<journal id>/`. Each snapshot is a folder shaped like a
//!   journal's: `journal.db` (SQLCipher, the journal's own key) and `journal.meta.json`
//!   (its key envelope), files 0600 ([`crate::snapshot`]).
//! * **When.** [`backup_if_due`] on the first open of a (local) day; [`backup_before`]
//!   before a restore (here), a migration (`Journal::open`), and a rekey or an import;
//!   [`backup_now`] when asked.
//! * **Verified.** Written under a temporary name, checked (opens with the key, SQLite's and
//!   FTS5's integrity checks clean, every table's row count equal to the source's at the
//!   same moment), then renamed. A second place gets a copy verified the same way.
//! * **Kept.** [`Rotation`]: the newest snapshot of each of the last 7 days, 4 ISO weeks and
//!   12 months (settable), every snapshot taken before an action within the daily window,
//!   and always the newest; the rest are removed after each new snapshot.
//! * **Opened anywhere.** The envelope beside each snapshot wraps the same key under the
//!   recovery key, so the recovery key opens a copy of any snapshot folder on any machine
//!   (as a journal folder), and [`restore`] puts one back.
//!
//! Settings live where the journal keeps its other settings: the encrypted `settings`
//! table, under the key [`SETTING`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::OpenFlags;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::journal::{ItemCounts, Journal};
use crate::snapshot::{self, BACKUPS_DIR, REPLACED_DIR, Reason, Snapshot, TableCounts};
use crate::store::DB_FILE;
use crate::vault::META_FILE;

/// The setting that holds [`BackupSettings`].
pub const SETTING: &str = "backup";

/// How many snapshots are kept: the newest of each of the last `daily` days, `weekly` ISO
/// weeks and `monthly` months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Rotation {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Rotation {
    fn default() -> Self {
        Rotation {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// The person's backup choices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupSettings {
    #[serde(default)]
    pub rotation: Rotation,
    /// A second folder that gets a verified copy of every snapshot.
    #[serde(default)]
    pub second_location: Option<PathBuf>,
}

/// Which of the two places a snapshot is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The journal's own `backups/` folder.
    Journal,
    /// The second location.
    Second,
}

/// A snapshot as a person sees it: when, why, where, how big, and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupInfo {
    #[serde(flatten)]
    #[ts(flatten)]
    pub snapshot: Snapshot,
    pub place: Place,
    /// What it holds; `None` when it could not be opened to count.
    pub counts: Option<ItemCounts>,
}

/// What a second copy came to.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SecondCopy {
    /// The folder the copies go to.
    pub folder: PathBuf,
    /// The copy, when it was written and verified.
    pub copied: Option<Snapshot>,
    /// Why not, in one sentence, when it was not.
    pub problem: Option<String>,
}

/// A snapshot just taken.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupReport {
    pub backup: BackupInfo,
    /// `None` when no second location is set.
    pub second: Option<SecondCopy>,
    /// The IDs the rotation removed.
    pub pruned: Vec<String>,
}

/// What the Settings panel shows: the last backup, the places, the choices.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupOverview {
    pub last: Option<BackupInfo>,
    pub folder: PathBuf,
    pub second_folder: Option<PathBuf>,
    pub count: usize,
    pub total_bytes: u64,
    pub settings: BackupSettings,
}

/// A snapshot checked again, and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Verified {
    pub backup: BackupInfo,
    /// `None` when it passed, or when it is under an earlier key.
    pub problem: Option<String>,
    /// It belongs to this journal but was taken under an earlier database key (before a
    /// rekey), so today's key cannot check it; the recovery key of its time opens it.
    pub earlier_key: bool,
}

/// What a restore would put back, to show before asking.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestorePreview {
    pub backup: BackupInfo,
    /// What the journal holds now.
    pub current: ItemCounts,
}

/// A restore that was done.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The snapshot of the journal as it was just before.
    pub before: BackupReport,
    /// The folder holding the replaced journal file and its envelope (never removed).
    pub kept_aside: PathBuf,
}

/// The journal's backup settings (the defaults when never set).
pub fn settings(j: &Journal) -> Result<BackupSettings> {
    Ok(j.setting(SETTING)?.unwrap_or_default())
}

/// Stores `s` after checking it: at least one daily snapshot is kept, and the second
/// location is an absolute folder outside the journal's folder.
pub fn set_settings(j: &mut Journal, s: &BackupSettings) -> Result<()> {
    if s.rotation.daily == 0 {
        return Err(Error::invalid(
            "At least one daily backup must be kept; choose 1 or more.",
        ));
    }
    if let Some(p) = &s.second_location {
        if !p.is_absolute() {
            return Err(Error::field(
                crate::Field::Path,
                format!(
                    "The second backup location {} is not a full path; give the folder from the top.",
                    p.display()
                ),
            ));
        }
        if p.starts_with(j.dir()) {
            return Err(Error::field(
                crate::Field::Path,
                "The second backup location is inside the journal's own folder, where it protects against nothing; choose another drive or a synced folder.",
            ));
        }
    }
    j.set_setting(SETTING, s)
}

/// The journal's own backup folder.
pub fn folder(j: &Journal) -> PathBuf {
    j.dir().join(BACKUPS_DIR)
}

fn second_folder(j: &Journal, s: &BackupSettings) -> Option<PathBuf> {
    s.second_location
        .as_ref()
        .map(|p| p.join(format!("asymptote-{}", j.journal_id())))
}

/// Takes a snapshot now (asked for by the person).
pub fn backup_now(j: &Journal) -> Result<BackupReport> {
    take(j, Reason::Manual)
}

/// Takes a snapshot before an action that replaces or rewrites the journal (a restore, a
/// rekey, an import). The action must not go ahead when this fails.
pub fn backup_before(j: &Journal, reason: Reason) -> Result<BackupReport> {
    take(j, reason)
}

/// The day's snapshot: taken when the journal's folder holds none from today (local time)
/// yet. Hosts call it after opening the journal. `None` when one exists.
pub fn backup_if_due(j: &Journal) -> Result<Option<BackupReport>> {
    let today = crate::local_today();
    let has_today = snapshot::list(&folder(j))?
        .iter()
        .any(|s| local_day(s.taken_at) == today);
    if has_today {
        return Ok(None);
    }
    take(j, Reason::Daily).map(Some)
}

fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&chrono::Local).date_naive()
}

fn take(j: &Journal, reason: Reason) -> Result<BackupReport> {
    let s = settings(j)?;
    // A connection of its own: the host's stays free (WAL lets both read while a third
    // writes), and a damaged page met here cannot leave the host's connection failing.
    let conn = crate::store::open_connection(&j.dir().join(DB_FILE), j.key(), false)?;
    let taken = snapshot::take(
        &conn,
        j.key(),
        &crate::vault::JournalMeta::path(j.dir()),
        &folder(j),
        reason,
    )?;
    take_rest(j, &s, taken)
}

/// After a snapshot is in the journal's folder: its second copy, then the rotation.
fn take_rest(j: &Journal, s: &BackupSettings, taken: snapshot::Taken) -> Result<BackupReport> {
    let second = second_folder(j, s).map(|f| {
        match snapshot::copy_to(&taken.snapshot, j.key(), &taken.counts, &f) {
            Ok(copy) => SecondCopy {
                folder: f,
                copied: Some(copy),
                problem: None,
            },
            Err(e) => SecondCopy {
                folder: f,
                copied: None,
                problem: Some(e.to_string()),
            },
        }
    });
    let mut pruned = prune(&folder(j), s.rotation)?;
    if let Some(f) = second.as_ref().filter(|c| c.copied.is_some()) {
        pruned.extend(prune(&f.folder, s.rotation)?);
    }
    pruned.sort();
    pruned.dedup();
    Ok(BackupReport {
        backup: BackupInfo {
            counts: Some(snapshot::item_counts(&taken.counts)),
            snapshot: taken.snapshot,
            place: Place::Journal,
        },
        second,
        pruned,
    })
}

/// Which of `snaps` (newest first, each with its local day and reason) the rotation keeps.
fn kept(snaps: &[(NaiveDate, Reason)], rot: Rotation, today: NaiveDate) -> Vec<bool> {
    let mut keep = vec![false; snaps.len()];
    if let Some(k) = keep.first_mut() {
        *k = true; // the newest, always
    }
    let mut by = |n: u32, bucket: &dyn Fn(NaiveDate) -> (i32, u32)| {
        let mut seen = HashSet::new();
        for (i, (day, _)) in snaps.iter().enumerate() {
            if seen.len() >= n as usize {
                break;
            }
            if seen.insert(bucket(*day)) {
                keep[i] = true;
            }
        }
    };
    by(rot.daily, &|d| (d.year(), d.ordinal()));
    by(rot.weekly, &|d| (d.iso_week().year(), d.iso_week().week()));
    by(rot.monthly, &|d| (d.year(), d.month()));
    // Every one of the last `daily` calendar days, whatever its reason: a restore must not
    // cost the snapshot taken before it, nor the one it put back.
    for (i, (day, _)) in snaps.iter().enumerate() {
        if (today - *day).num_days() < i64::from(rot.daily) {
            keep[i] = true;
        }
    }
    keep
}

/// Removes the snapshots in `root` the rotation does not keep; returns their IDs.
fn prune(root: &Path, rot: Rotation) -> Result<Vec<String>> {
    let snaps = snapshot::list(root)?;
    let days: Vec<_> = snaps
        .iter()
        .map(|s| (local_day(s.taken_at), s.reason))
        .collect();
    let keep = kept(&days, rot, crate::local_today());
    let mut gone = Vec::new();
    for (s, k) in snaps.iter().zip(keep) {
        if !k {
            std::fs::remove_dir_all(&s.path).map_err(|e| Error::Io(s.path.clone(), e))?;
            gone.push(s.id.clone());
        }
    }
    Ok(gone)
}

/// Counts what the snapshot holds, opening it read-only with the key.
fn counts_of(j: &Journal, s: &Snapshot) -> Option<ItemCounts> {
    let conn = snapshot::open_keyed(
        &s.path.join(DB_FILE),
        j.key(),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .ok()?;
    snapshot::table_counts(&conn)
        .ok()
        .map(|c| snapshot::item_counts(&c))
}

fn places(j: &Journal) -> Result<Vec<(Place, PathBuf)>> {
    let s = settings(j)?;
    let mut out = vec![(Place::Journal, folder(j))];
    if let Some(f) = second_folder(j, &s) {
        out.push((Place::Second, f));
    }
    Ok(out)
}

fn all(j: &Journal) -> Result<Vec<(Place, Snapshot)>> {
    let mut out = Vec::new();
    for (place, root) in places(j)? {
        match snapshot::list(&root) {
            Ok(l) => out.extend(l.into_iter().map(|s| (place, s))),
            // An unplugged drive holds no backups today; the journal's folder must answer.
            Err(e) if place == Place::Journal => return Err(e),
            Err(_) => {}
        }
    }
    out.sort_by_key(|(_, s)| std::cmp::Reverse(s.taken_at));
    Ok(out)
}

/// Every snapshot in both places, newest first, with what each holds.
pub fn list_backups(j: &Journal) -> Result<Vec<BackupInfo>> {
    Ok(all(j)?
        .into_iter()
        .map(|(place, s)| BackupInfo {
            counts: counts_of(j, &s),
            snapshot: s,
            place,
        })
        .collect())
}

/// The last backup, the places and the choices, for a Settings panel.
pub fn overview(j: &Journal) -> Result<BackupOverview> {
    let s = settings(j)?;
    let l = all(j)?;
    let last = l.first().map(|(place, snap)| BackupInfo {
        counts: counts_of(j, snap),
        snapshot: snap.clone(),
        place: *place,
    });
    Ok(BackupOverview {
        last,
        folder: folder(j),
        second_folder: second_folder(j, &s),
        count: l.len(),
        total_bytes: l.iter().map(|(_, s)| s.size_bytes).sum(),
        settings: s,
    })
}

/// The snapshot `id` names: the whole ID, or a start of it that only one has. The
/// journal's own folder is looked in first.
fn find(j: &Journal, id: &str) -> Result<(Place, Snapshot)> {
    let id = id.trim();
    let l = all(j)?;
    if let Some(hit) = l.iter().find(|(p, s)| s.id == id && *p == Place::Journal) {
        return Ok(hit.clone());
    }
    if let Some(hit) = l.iter().find(|(_, s)| s.id == id) {
        return Ok(hit.clone());
    }
    let mut ids: Vec<&str> = l
        .iter()
        .filter(|(_, s)| id.len() >= 4 && s.id.starts_with(id))
        .map(|(_, s)| s.id.as_str())
        .collect();
    ids.dedup();
    match ids.as_slice() {
        [] => Err(Error::NotFound {
            kind: "backup",
            id: id.into(),
        }),
        [one] => {
            let one = one.to_string();
            find(j, &one)
        }
        _ => Err(Error::Ambiguous {
            kind: "backup",
            id: id.into(),
        }),
    }
}

/// Checks one snapshot (or, with `None`, every one) again: it opens with the journal's key,
/// its envelope holds that key, and SQLite's and FTS5's integrity checks are clean.
pub fn verify_backup(j: &Journal, id: Option<&str>) -> Result<Vec<Verified>> {
    let targets = match id {
        Some(id) => vec![find(j, id)?],
        None => all(j)?,
    };
    Ok(targets
        .into_iter()
        .map(|(place, s)| {
            if under_earlier_key(j, &s) {
                return Verified {
                    problem: None,
                    earlier_key: true,
                    backup: BackupInfo {
                        counts: None,
                        snapshot: s,
                        place,
                    },
                };
            }
            let r = snapshot::verify(&s.path, j.key(), None);
            Verified {
                earlier_key: false,
                problem: r.as_ref().err().cloned(),
                backup: BackupInfo {
                    counts: r.ok().map(|c| snapshot::item_counts(&c)),
                    snapshot: s,
                    place,
                },
            }
        })
        .collect())
}

/// What restoring `id` would put back (verified first), beside what the journal holds now.
pub fn restore_preview(j: &Journal, id: &str) -> Result<RestorePreview> {
    let (place, s) = find(j, id)?;
    let counts = check_restorable(j, &s)?;
    Ok(RestorePreview {
        backup: BackupInfo {
            counts: Some(snapshot::item_counts(&counts)),
            snapshot: s,
            place,
        },
        current: j.status()?.items,
    })
}

/// Whether `s` is this journal's, under a key it had before a rekey: its envelope has the
/// journal's id and a key check value the current key does not match.
fn under_earlier_key(j: &Journal, s: &Snapshot) -> bool {
    crate::vault::JournalMeta::load(&s.path).is_ok_and(|m| {
        m.journal_id == j.journal_id() && matches!(m.check(j.key()), Err(Error::WrongKey))
    })
}

/// The snapshot passes verification, and belongs to this journal under its current key.
fn check_restorable(j: &Journal, s: &Snapshot) -> Result<TableCounts> {
    if under_earlier_key(j, s) {
        return Err(Error::invalid(format!(
            "The backup {} was taken under an earlier key of this journal (before a rekey), so it cannot be put back as it is; nothing was changed. A copy of its folder opens as a journal of its own with the recovery key of its time.",
            s.id
        )));
    }
    let counts = snapshot::verify(&s.path, j.key(), None)
        .map_err(|why| Error::BadBackup(s.id.clone(), why))?;
    let theirs = crate::vault::JournalMeta::load(&s.path)?;
    if theirs.journal_id != j.journal_id() {
        return Err(Error::invalid(format!(
            "The backup {} belongs to another journal; nothing was changed. Open it as a journal of its own with its recovery key instead.",
            s.id
        )));
    }
    Ok(counts)
}

/// Puts the snapshot `id` back as the journal, in one atomic switch, after taking a
/// snapshot of the journal as it is and keeping its file aside. `j` is then the restored
/// journal.
///
/// # Crash safety
///
/// Killed at any moment, the journal folder opens as the old journal or as the restored
/// one, with the same key and envelope, and nothing is lost:
///
/// 1. the snapshot is verified, copied to `.restore-PID.db` in the journal's folder (the
///    same file system, so a rename is atomic), fsynced and verified again. `journal.db` is
///    untouched; a kill leaves the temporary file, which the next restore removes.
/// 2. The live connection leaves WAL mode (`journal_mode = DELETE` checkpoints every
///    frame into `journal.db` and removes the WAL; it fails while another connection has
///    the journal open, and the restore stops with [`Error::InUse`]), then holds its
///    shared lock (`locking_mode = EXCLUSIVE` and an open read transaction) so no other
///    connection can commit from here on. A kill releases the lock and leaves the old
///    journal, whole, in rollback mode; the next open puts it back in WAL mode.
/// 3. Under that lock: a snapshot of the journal as it is (reason `before_restore`, taken
///    on the locked connection itself, so nothing can be committed after it), and a copy
///    of `journal.db` and its envelope into `replaced/<time>/` (written under a temporary
///    name, then renamed), which nothing ever removes.
/// 4. With no `journal.db-wal` and no `journal.db-journal` beside it (checked, so no log
///    of the old file can be replayed into the new one), `rename(.restore-PID.db,
///    journal.db)`: POSIX replaces the name in one step, so `journal.db` names the old
///    file or the new one at every instant; then the folder is fsynced.
/// 5. The restored file opens with the same key (step 1 checked that its envelope holds
///    the journal's key), so the envelope beside it never changes.
///
/// On an error before step 4 the journal is as it was; on one after, `j` no longer
/// reaches any file and the host opens the journal again.
pub fn restore(j: &mut Journal, id: &str) -> Result<RestoreReport> {
    let (place, s) = find(j, id)?;
    let counts = check_restorable(j, &s)?;
    let dir = j.dir().to_path_buf();
    snapshot::clean_stale(&dir, ".restore-");
    let temp = dir.join(format!(".restore-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let staged = (|| {
        snapshot::copy_private(&s.path.join(DB_FILE), &temp)?;
        snapshot::verify_file(&temp, j.key(), Some(&counts))
            .map_err(|why| Error::BadBackup(s.id.clone(), why))?;
        snapshot::sync_file(&temp)
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    let r = switch(j, &dir, &temp);
    if r.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    let (before, kept_aside) = r?;
    Ok(RestoreReport {
        restored: BackupInfo {
            counts: Some(snapshot::item_counts(&counts)),
            snapshot: s,
            place,
        },
        before,
        kept_aside,
    })
}

/// Steps 2 to 5 of [`restore`].
fn switch(j: &mut Journal, dir: &Path, temp: &Path) -> Result<(BackupReport, PathBuf)> {
    lock_for_switch(&j.conn)?;
    let prepared = (|| {
        let s = settings(j)?;
        let taken = snapshot::take(
            &j.conn,
            j.key(),
            &crate::vault::JournalMeta::path(dir),
            &folder(j),
            Reason::BeforeRestore,
        )?;
        let before = take_rest(j, &s, taken)?;
        let aside = put_in_place(dir, temp)?;
        Ok((before, aside))
    })();
    let (before, aside) = match prepared {
        Ok(p) => p,
        Err(e) => {
            release_switch_lock(&j.conn);
            return Err(e);
        }
    };
    // The old connection reaches only the replaced file now: close it, open the new one.
    let stranded = rusqlite::Connection::open_in_memory()?;
    let old = std::mem::replace(&mut j.conn, stranded);
    drop(old);
    j.conn = Journal::connect(dir, j.key())?;
    Ok((before, aside))
}

/// Step 2 of [`restore`] (and of a salvage's repair): `conn`, the journal's only
/// connection, leaves WAL mode (every frame checkpointed into `journal.db`, the WAL
/// removed; refused while another connection has the journal open: [`Error::InUse`]) and
/// keeps a shared lock under which no other connection can commit, until it closes or
/// [`release_switch_lock`].
pub(crate) fn lock_for_switch(conn: &rusqlite::Connection) -> Result<()> {
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|_| Error::InUse)?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::InUse);
    }
    // In exclusive locking mode the shared lock a read takes is kept until the connection
    // closes, so no other connection can commit to `journal.db` from here on. (A write
    // transaction would block more, but the backup API refuses a source that is writing.)
    let locked = conn.execute_batch(
        "PRAGMA locking_mode = EXCLUSIVE; BEGIN; SELECT count(*) FROM sqlite_schema;",
    );
    if locked.is_err() {
        let _ = conn.execute_batch("PRAGMA journal_mode = WAL;");
        return Err(Error::InUse);
    }
    Ok(())
}

/// Undoes [`lock_for_switch`] when the switch does not happen.
pub(crate) fn release_switch_lock(conn: &rusqlite::Connection) {
    let _ =
        conn.execute_batch("ROLLBACK; PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;");
}

/// Steps 3 (the copy aside) and 4 of [`restore`]: keeps `journal.db` and its envelope in
/// `replaced/<time>/`, then renames `temp` (a whole journal file under the same key, in
/// the journal's folder) over `journal.db` in one step, and fsyncs the folder. Returns
/// where the old file was kept. On an error `journal.db` is untouched.
pub(crate) fn put_in_place(dir: &Path, temp: &Path) -> Result<PathBuf> {
    let aside = keep_aside(dir)?;
    for f in ["journal.db-wal", "journal.db-journal"] {
        if dir.join(f).exists() {
            return Err(Error::InUse);
        }
    }
    let live = dir.join(DB_FILE);
    std::fs::rename(temp, &live).map_err(|e| Error::Io(live.clone(), e))?;
    snapshot::sync_dir(dir);
    Ok(aside)
}

/// Copies the journal's file and envelope into `replaced/<time>/`, complete or not at all.
fn keep_aside(dir: &Path) -> Result<PathBuf> {
    let root = dir.join(REPLACED_DIR);
    fsutil::create_private_dir(&root)?;
    snapshot::clean_stale(&root, ".tmp-");
    let mut at = Utc::now();
    let name = loop {
        let n = at.format("%Y%m%dT%H%M%S%.3fZ").to_string();
        if !root.join(&n).exists() {
            break n;
        }
        at += chrono::Duration::milliseconds(1);
    };
    let tmp = root.join(format!(".tmp-{name}-{}", std::process::id()));
    let r = (|| {
        fsutil::create_private_dir(&tmp)?;
        snapshot::copy_private(&dir.join(DB_FILE), &tmp.join(DB_FILE))?;
        snapshot::copy_private(&dir.join(META_FILE), &tmp.join(META_FILE))?;
        snapshot::sync_dir(&tmp);
        let to = root.join(&name);
        std::fs::rename(&tmp, &to).map_err(|e| Error::Io(to.clone(), e))?;
        snapshot::sync_dir(&root);
        Ok(to)
    })();
    if r.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    r
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rotation_keeps_the_newest_of_each_day_week_and_month() {
        // One daily snapshot a day for 400 days, newest first.
        let today = d("2026-12-01");
        let snaps: Vec<_> = (0..400)
            .map(|i| (today - chrono::Duration::days(i), Reason::Daily))
            .collect();
        let keep = kept(&snaps, Rotation::default(), today);
        let kept_days: Vec<NaiveDate> = snaps
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(s, _)| s.0)
            .collect();
        // 7 days; weeks 2..4 add 3 more Sundays; months add the last day of 11 more months.
        assert!(kept_days.contains(&today));
        assert!(kept_days.contains(&d("2026-11-25")));
        assert_eq!(
            kept_days.iter().filter(|k| **k > d("2026-11-24")).count(),
            7
        );
        assert!(kept_days.contains(&d("2026-10-31")), "{kept_days:?}");
        assert!(kept_days.contains(&d("2026-01-31")), "{kept_days:?}");
        assert!(!kept_days.contains(&d("2025-11-30")), "{kept_days:?}");
        assert!(kept_days.len() <= 7 + 4 + 12, "{}", kept_days.len());
        assert!(kept_days.len() >= 12, "{}", kept_days.len());
    }

    #[test]
    fn rotation_never_drops_the_newest_even_with_nothing_to_keep() {
        let today = d("2026-12-01");
        let snaps = vec![
            (d("2020-01-01"), Reason::Manual),
            (d("2019-01-01"), Reason::Daily),
        ];
        let none = Rotation {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(kept(&snaps, none, today), vec![true, false]);
    }

    #[test]
    fn every_snapshot_of_the_last_days_is_kept_and_older_days_keep_their_newest() {
        let today = d("2026-12-01");
        // A restore today (the snapshot before it, and the daily one it put back), a manual
        // one, and two from 20 November.
        let snaps = vec![
            (today, Reason::BeforeRestore),
            (today, Reason::Manual),
            (today, Reason::Daily),
            (d("2026-11-20"), Reason::BeforeRestore),
            (d("2026-11-20"), Reason::Daily),
        ];
        let keep = kept(&snaps, Rotation::default(), today);
        // 20 November is outside the last 7 days: only that day's newest stays.
        assert_eq!(keep, vec![true, true, true, true, false]);
        // With a one-day window, today's older ones go too.
        let short = Rotation {
            daily: 1,
            ..Rotation::default()
        };
        assert_eq!(
            kept(&snaps, short, d("2026-12-02")),
            vec![true, false, false, true, false]
        );
    }
}

/// What a host learns right after unlocking: whether every page is whole, and what the
/// day's backup came to.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AfterUnlock {
    /// One sentence when a page of the journal failed its check; no backup is taken then
    /// (it could only fail, and the backups from before the damage are what matter).
    pub damage: Option<String>,
    /// The day's backup, when one was due and was taken.
    pub backup: Option<BackupReport>,
    /// Why the day's backup was not taken, when it was due and failed.
    pub backup_problem: Option<String>,
}

/// The upkeep every host runs after unlocking, in this order: the page check (about 7 ms
/// per MiB), then the day's backup if it is due. Never fails: what went wrong is said.
pub fn after_unlock(j: &Journal) -> AfterUnlock {
    if let Err(e) = super::check::quick_check(j) {
        return AfterUnlock {
            damage: Some(e.to_string()),
            backup: None,
            backup_problem: None,
        };
    }
    match backup_if_due(j) {
        Ok(backup) => AfterUnlock {
            damage: None,
            backup,
            backup_problem: None,
        },
        Err(e) => AfterUnlock {
            damage: None,
            backup: None,
            backup_problem: Some(e.to_string()),
        },
    }
}
