//! Snapshots of the live journal, on disk: how one is taken, checked and found again.
//!
//! This is the mechanics under [`crate::usecase::backup`] (which decides when, where and
//! how many). A snapshot is a folder shaped like a journal folder, so the recovery key
//! opens it anywhere:
//!
//! ```text
//! <root>/20261201T143500.123Z-daily/   0700
//!     journal.db                         0600  SQLCipher, the journal's own key, rollback mode
//!     journal.meta.json                  0600  the key envelope, copied as it was
//! ```
//!
//! It is taken with SQLite's online backup API from a connection to the live journal, in one read
//! transaction that also counts every table, into a destination keyed with the same raw
//! key (SQLCipher refuses a backup into an unkeyed file: STACK.md). Each
//! snapshot is written under a hidden temporary name (`.tmp-ID-PID`), fsynced, verified
//! (`verify`: opened with the key, `PRAGMA integrity_check`, the FTS5 integrity check,
//! every table's row count equal to the source's), and only then renamed to its ID: a
//! folder with a final name has passed verification, and a kill leaves only a temporary
//! folder, which the next snapshot removes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::journal::ItemCounts;
use crate::secret::DbKey;
use crate::store::DB_FILE;
use crate::vault::META_FILE;

/// The backup folder inside a journal's folder.
pub(crate) const BACKUPS_DIR: &str = "backups";
/// Where a restore keeps the file it replaced, inside a journal's folder.
pub(crate) const REPLACED_DIR: &str = "replaced";
const ID_TIME: &str = "%Y%m%dT%H%M%S%.3fZ";

/// Why a snapshot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The first open of a day.
    Daily,
    /// Asked for.
    Manual,
    BeforeRestore,
    BeforeMigration,
    BeforeRekey,
    BeforeImport,
}

impl Reason {
    const ALL: [Reason; 6] = [
        Reason::Daily,
        Reason::Manual,
        Reason::BeforeRestore,
        Reason::BeforeMigration,
        Reason::BeforeRekey,
        Reason::BeforeImport,
    ];

    /// The name's tail in a snapshot's ID.
    pub fn slug(self) -> &'static str {
        match self {
            Reason::Daily => "daily",
            Reason::Manual => "manual",
            Reason::BeforeRestore => "before-restore",
            Reason::BeforeMigration => "before-migration",
            Reason::BeforeRekey => "before-rekey",
            Reason::BeforeImport => "before-import",
        }
    }

    fn from_slug(s: &str) -> Option<Reason> {
        Self::ALL.into_iter().find(|r| r.slug() == s)
    }
}

/// One snapshot folder with a final name (so: verified when it was written).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Snapshot {
    /// The folder's name: its time (UTC) and reason, e.g. `20261201T143500.123Z-daily`.
    pub id: String,
    pub taken_at: DateTime<Utc>,
    pub reason: Reason,
    /// The snapshot's folder.
    pub path: PathBuf,
    /// Bytes on disk (database and key envelope).
    pub size_bytes: u64,
}

/// Every table's row count: what verification compares.
pub(crate) type TableCounts = BTreeMap<String, i64>;

/// A snapshot just written and verified, with the counts it was verified against.
#[derive(Debug)]
pub(crate) struct Taken {
    pub snapshot: Snapshot,
    pub counts: TableCounts,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::Io(path.to_path_buf(), e)
}

/// Opens `path` with the raw key and nothing else: no WAL switch, no proving read, so a
/// check can look at a file that does not open cleanly.
pub(crate) fn open_keyed(path: &Path, key: &DbKey, flags: OpenFlags) -> Result<Connection> {
    let damaged = || Error::Damaged(path.parent().unwrap_or(path).to_path_buf());
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(
        |e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
                Error::Io(
                    path.to_path_buf(),
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                )
            }
            _ => damaged(),
        },
    )?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")
        .map_err(|_| damaged())?;
    let lit = key.sqlcipher_literal_dangerously();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", lit.as_str()))
        .map_err(|_| damaged())?;
    drop(lit);
    conn.execute_batch("PRAGMA temp_store = MEMORY;")
        .map_err(|_| damaged())?;
    Ok(conn)
}

/// Every table's row count (the search index and its shadow tables included).
pub(crate) fn table_counts(conn: &Connection) -> Result<TableCounts> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = TableCounts::new();
    for n in names {
        let c: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{n}\""), [], |r| r.get(0))?;
        out.insert(n, c);
    }
    Ok(out)
}

/// The six kinds of item a person counts, out of every table's count.
pub(crate) fn item_counts(c: &TableCounts) -> ItemCounts {
    let get = |t: &str| c.get(t).copied().unwrap_or(0);
    ItemCounts {
        purposes: get("purposes"),
        challenges: get("challenges"),
        sessions: get("sessions"),
        reflections: get("reflections"),
        checkins: get("checkins"),
        audit_items: get("audit_items"),
    }
}

/// `PRAGMA integrity_check`: `None` when clean, else what it found (first lines).
pub(crate) fn integrity_problem(conn: &Connection) -> Option<String> {
    let rows = conn
        .prepare("PRAGMA integrity_check(20)")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
    match rows {
        Ok(r) if r.len() == 1 && r[0] == "ok" => None,
        Ok(r) => Some(format!(
            "{} problem{} in the database's structure",
            r.len(),
            if r.len() == 1 { "" } else { "s" }
        )),
        Err(_) => Some("the database's structure could not be read".into()),
    }
}

/// The FTS5 search index's own integrity check: `None` when clean.
pub(crate) fn fts_problem(conn: &Connection) -> Option<String> {
    match conn.execute(
        "INSERT INTO search_index(search_index) VALUES ('integrity-check')",
        [],
    ) {
        Ok(_) => None,
        Err(_) => Some("the search index does not match its contents".into()),
    }
}

/// `PRAGMA cipher_integrity_check`: every page's HMAC. The page numbers that fail.
pub(crate) fn damaged_pages(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Checks the snapshot folder `dir`: it opens with `key`, its structure and search index
/// are clean, and (when given) every table holds `expected` rows. Returns its counts.
///
/// Opens read-write: FTS5's integrity check is an `INSERT` command (it changes nothing).
pub(crate) fn verify(
    dir: &Path,
    key: &DbKey,
    expected: Option<&TableCounts>,
) -> std::result::Result<TableCounts, String> {
    // The envelope beside it must hold this very key, or the recovery key cannot open it.
    let meta = crate::vault::JournalMeta::load(dir)
        .map_err(|_| "its key envelope is missing or unreadable".to_string())?;
    meta.check(key)
        .map_err(|_| "its key envelope is for another key".to_string())?;
    verify_file(&dir.join(DB_FILE), key, expected)
}

/// [`verify`] for a database file alone.
pub(crate) fn verify_file(
    db: &Path,
    key: &DbKey,
    expected: Option<&TableCounts>,
) -> std::result::Result<TableCounts, String> {
    if !db.is_file() {
        return Err("its database file is missing".into());
    }
    let conn = open_keyed(db, key, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|_| "it does not open".to_string())?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| "it does not open with the journal's key".to_string())?;
    if let Some(p) = integrity_problem(&conn) {
        return Err(p);
    }
    // FTS5's check is an `INSERT` command: on read-only media (SQLite then opens the file
    // read-only) it cannot run, and the structure check above has to do.
    if !conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
        && let Some(p) = fts_problem(&conn)
    {
        return Err(p);
    }
    let counts = table_counts(&conn).map_err(|_| "its tables could not be counted".to_string())?;
    if let Some(want) = expected
        && want != &counts
    {
        let table = want
            .iter()
            .find(|(t, n)| counts.get(*t) != Some(n))
            .map_or_else(|| "a table".into(), |(t, _)| t.clone());
        return Err(format!("its {table} count differs from the journal's"));
    }
    Ok(counts)
}

/// A new snapshot ID for `at` and `reason`.
fn new_id(at: DateTime<Utc>, reason: Reason) -> String {
    format!("{}-{}", at.format(ID_TIME), reason.slug())
}

/// Reads a snapshot ID back: its time and reason.
pub(crate) fn parse_id(id: &str) -> Option<(DateTime<Utc>, Reason)> {
    let (time, reason) = id.split_once('-')?;
    let t = NaiveDateTime::parse_from_str(time, ID_TIME).ok()?;
    Some((t.and_utc(), Reason::from_slug(reason)?))
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |es| {
        es.flatten()
            .filter_map(|e| e.metadata().ok())
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
            .sum()
    })
}

/// The snapshots in `root`, newest first. A missing folder holds none.
pub(crate) fn list(root: &Path) -> Result<Vec<Snapshot>> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::Io(root.to_path_buf(), e)),
    };
    let mut out: Vec<Snapshot> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let id = e.file_name().to_str()?.to_string();
            let (taken_at, reason) = parse_id(&id)?;
            let path = e.path();
            Some(Snapshot {
                size_bytes: folder_size(&path),
                id,
                taken_at,
                reason,
                path,
            })
        })
        .collect();
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.id.cmp(&a.id)));
    Ok(out)
}

/// Whether a `.tmp-…-PID` or `.restore-PID…` name belongs to a process that has ended.
fn stale(name: &str, meta: Option<std::fs::Metadata>) -> bool {
    let Some(pid) = name
        .rsplit('-')
        .next()
        .and_then(|p| p.split('.').next().and_then(|p| p.parse::<u32>().ok()))
    else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self").exists() {
        !Path::new(&format!("/proc/{pid}")).exists()
    } else {
        meta.and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 3600)
    }
}

/// Removes what killed snapshot or restore runs left in `dir`: hidden `prefix…-PID`
/// folders or files whose process has ended. They never hold the only copy of anything.
pub(crate) fn clean_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(prefix) || !stale(&name, e.metadata().ok()) {
            continue;
        }
        let p = e.path();
        if p.is_dir() {
            let _ = std::fs::remove_dir_all(&p);
        } else {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Creates `path` empty, readable by the person only, and fails if it exists.
fn create_private_file(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map_err(io(path))
}

/// Copies `from` to the new file `to` (0600) and fsyncs it.
pub(crate) fn copy_private(from: &Path, to: &Path) -> Result<()> {
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut dst = create_private_file(to)?;
    std::io::copy(&mut src, &mut dst).map_err(io(to))?;
    dst.flush().map_err(io(to))?;
    dst.sync_all().map_err(io(to))
}

pub(crate) fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

pub(crate) fn sync_dir(dir: &Path) {
    // Not every platform can open a folder to fsync it; the rename is still atomic there.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A folder name in `root` for `at` that is not taken yet.
fn free_id(root: &Path, reason: Reason) -> (String, DateTime<Utc>) {
    let mut at = Utc::now();
    loop {
        let id = new_id(at, reason);
        if !root.join(&id).exists() {
            return (id, at);
        }
        at += chrono::Duration::milliseconds(1);
    }
}

/// Takes a snapshot of the journal open on `conn` (keyed with `key`, its envelope at
/// `meta`) into `root`, verifies it, and gives it its final name.
///
/// The source is read in one transaction (the one already open on `conn`, if any): the
/// counts and the pages are of the same moment, and other connections keep reading and
/// writing meanwhile (WAL).
pub(crate) fn take(
    conn: &Connection,
    key: &DbKey,
    meta: &Path,
    root: &Path,
    reason: Reason,
) -> Result<Taken> {
    fsutil::create_private_dir(root)?;
    clean_stale(root, ".tmp-");
    let (id, taken_at) = free_id(root, reason);
    let tmp = root.join(format!(".tmp-{id}-{}", std::process::id()));
    let result = write_verified(conn, key, meta, &tmp);
    let counts = match result {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let path = root.join(&id);
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        Error::Io(path.clone(), e)
    })?;
    sync_dir(root);
    Ok(Taken {
        snapshot: Snapshot {
            size_bytes: folder_size(&path),
            id,
            taken_at,
            reason,
            path,
        },
        counts,
    })
}

fn write_verified(conn: &Connection, key: &DbKey, meta: &Path, tmp: &Path) -> Result<TableCounts> {
    fsutil::create_private_dir(tmp)?;
    let db = tmp.join(DB_FILE);
    drop(create_private_file(&db)?);
    let mut dst = open_keyed(
        &db,
        key,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    let counts = {
        // A read transaction of our own unless the caller holds one (a restore holds an
        // exclusive one).
        let tx = if conn.is_autocommit() {
            Some(conn.unchecked_transaction()?)
        } else {
            None
        };
        let counts = table_counts(conn)?;
        let backup = rusqlite::backup::Backup::new(conn, &mut dst)?;
        let started = std::time::Instant::now();
        loop {
            use rusqlite::backup::StepResult;
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked
                    if started.elapsed() < std::time::Duration::from_secs(10) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(Error::Database("the database is busy".into()));
                }
                _ => return Err(Error::Database("the backup stopped early".into())),
            }
        }
        drop(backup);
        if let Some(tx) = tx {
            tx.commit()?;
        }
        counts
    };
    // A snapshot stands alone: a rollback journal, never a WAL beside it.
    let mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Database(
            "the snapshot kept its write-ahead log".into(),
        ));
    }
    dst.close().map_err(|(_, e)| Error::from(e))?;
    sync_file(&db)?;
    copy_private(meta, &tmp.join(META_FILE))?;
    let id = tmp
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    verify(tmp, key, Some(&counts)).map_err(|why| Error::BadBackup(id.clone(), why))?;
    sync_dir(tmp);
    Ok(counts)
}

/// Copies the verified snapshot `snap` into `root` (another place): written under a
/// temporary name, verified against `counts`, then renamed.
pub(crate) fn copy_to(
    snap: &Snapshot,
    key: &DbKey,
    counts: &TableCounts,
    root: &Path,
) -> Result<Snapshot> {
    fsutil::create_private_dir(root)?;
    clean_stale(root, ".tmp-");
    let path = root.join(&snap.id);
    if path.exists() {
        return Err(Error::Exists(path));
    }
    let tmp = root.join(format!(".tmp-{}-{}", snap.id, std::process::id()));
    let r = (|| {
        fsutil::create_private_dir(&tmp)?;
        for f in [DB_FILE, META_FILE] {
            copy_private(&snap.path.join(f), &tmp.join(f))?;
        }
        verify(&tmp, key, Some(counts)).map_err(|why| Error::BadBackup(snap.id.clone(), why))?;
        sync_dir(&tmp);
        std::fs::rename(&tmp, &path).map_err(io(&path))
    })();
    if let Err(e) = r {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    sync_dir(root);
    Ok(Snapshot {
        path,
        size_bytes: folder_size(&root.join(&snap.id)),
        ..snap.clone()
    })
}
