//! The encrypted SQLite store: every connection opens through [`open_connection`].
//!
//! `PRAGMA key` comes first, with the raw 256-bit key (`x'…'`, so no KDF runs
//! on open), then a read that proves the key, then WAL, `synchronous = FULL`
//! (a journal must not lose an entry on power loss), a busy timeout, foreign
//! keys, and temp files kept in memory so no plaintext spills to disk.
//! Migrations are numbered SQL files embedded at compile time, each applied
//! with its version bump in one IMMEDIATE transaction.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::secret::DbKey;

pub(crate) const DB_FILE: &str = "journal.db";

/// The migrations, in order. Index i holds the migration to version i + 1.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_progress_indexes.sql"),
    include_str!("../migrations/0003_drafts_settings.sql"),
    include_str!("../migrations/0004_share_records.sql"),
    include_str!("../migrations/0005_manager.sql"),
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations; `try_from` is not const
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Opens (or, with `create`, creates) the database at `path` with `key`.
///
/// A wrong key and a damaged file both surface from SQLCipher as
/// `SQLITE_NOTADB`; callers check the key against the key check value first,
/// so here that code means the file is damaged.
pub(crate) fn open_connection(path: &Path, key: &DbKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let dir = path.parent().unwrap_or(path);
    // SQLCipher says "not a database" for a damaged file; a full disk or a read-only
    // folder must not read as damage.
    let failed = |e: rusqlite::Error| refusal(dir, path, &e);
    let conn = Connection::open_with_flags(path, flags).map_err(failed)?;
    keyed(&conn, key).map_err(failed)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(failed)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// What a failure to open `path` means: a full disk, a read-only folder or file, else a
/// damaged file (the key was checked before).
fn refusal(dir: &Path, path: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let code = match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    };
    if code == Some(C::DiskFull) {
        return Error::DiskFull {
            path: dir.to_path_buf(),
            needed: None,
        };
    }
    if matches!(code, Some(C::ReadOnly | C::CannotOpen | C::NotADatabase))
        && (!writable(dir) || (path.exists() && !writable(path)))
    {
        return Error::ReadOnly(dir.to_path_buf());
    }
    Error::Damaged(dir.to_path_buf())
}

/// Whether this process may write `p` (the folder or the file).
#[cfg(unix)]
fn writable(p: &Path) -> bool {
    rustix::fs::access(p, rustix::fs::Access::WRITE_OK).is_ok()
}
#[cfg(not(unix))]
fn writable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| !m.permissions().readonly())
}

/// Opens the database at `path` read-only with `key`, for reading a file that may be
/// damaged: nothing is written to it (no journal mode, no migration, `query_only`).
///
/// With no write-ahead log to read, the file is opened `immutable`: a read-only connection
/// to a WAL-mode file would otherwise leave `-wal` and `-shm` files beside it. With one
/// (a journal closed by a crash), the log is read as SQLite reads it.
pub(crate) fn open_read_only(path: &Path, key: &DbKey) -> Result<Connection> {
    let dir = path.parent().unwrap_or(path);
    let failed = |e: rusqlite::Error| refusal(dir, path, &e);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        Connection::open_with_flags(path, flags)
    } else {
        Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(path)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        )
    }
    .map_err(failed)?;
    keyed(&conn, key).map_err(failed)?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;")
        .map_err(failed)?;
    Ok(conn)
}

/// Gives the fresh connection `conn` the key and proves it (and the header) by reading the
/// schema, before anything can write. SQLCipher's own log of decryption failures is off: a
/// person sees our one sentence, not its internals.
fn keyed(conn: &Connection, key: &DbKey) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let lit = key.sqlcipher_literal_dangerously();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", lit.as_str()))?;
    drop(lit);
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
}

/// `path` as the path of a `file:` URI: every byte but unreserved ones and `/` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `key` opens the database at `path` (read-only, writing nothing): the
/// database itself vouches for a key when the envelope's check value disagrees.
pub(crate) fn key_opens(path: &Path, key: &DbKey) -> bool {
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return false;
    };
    let lit = key.sqlcipher_literal_dangerously();
    let keyed = conn
        .execute_batch(&format!(
            "PRAGMA cipher_log_level = NONE; PRAGMA key = \"{}\";",
            lit.as_str()
        ))
        .is_ok();
    drop(lit);
    keyed
        && conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok()
}

/// Whether a journal that already holds a schema is behind [`SCHEMA_VERSION`] (a new,
/// empty file is not: there is nothing to keep).
pub(crate) fn needs_migration(conn: &Connection) -> Result<bool> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(current > 0 && current < SCHEMA_VERSION)
}

/// Brings the schema up to [`SCHEMA_VERSION`].
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::TooNew(current));
    }
    // A negative version is no version this build wrote: the header is damaged.
    let done = usize::try_from(current).map_err(|_| {
        Error::Database(format!(
            "the schema version {current} is not one Asymptote writes"
        ))
    })?;
    for (version, sql) in (1..=SCHEMA_VERSION).zip(MIGRATIONS).skip(done) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the lock: another process may have migrated meanwhile.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= version {
            tx.commit()?;
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version};"))?;
        tx.commit()?;
    }
    Ok(())
}

/// SQLCipher's version string, for `asym unlock` and diagnostics.
pub(crate) fn cipher_version(conn: &Connection) -> Option<String> {
    conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn migrations_run_once_and_record_their_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let key = DbKey::generate().unwrap();
        let mut c = open_connection(&path, &key, true).unwrap();
        migrate(&mut c).unwrap();
        migrate(&mut c).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        assert!(cipher_version(&c).is_some(), "SQLCipher must be linked");
    }

    #[test]
    fn fts5_is_compiled_in() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        let mut c = open_connection(&dir.path().join(DB_FILE), &key, true).unwrap();
        migrate(&mut c).unwrap();
        c.execute(
            "INSERT INTO search_index(kind, item_id, day, body) VALUES ('x', '1', 'd', 'practising scales')",
            [],
        )
        .unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM search_index WHERE search_index MATCH 'prac*'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_version_1_journal_is_upgraded_in_place_keeping_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        let mut c = open_connection(&dir.path().join(DB_FILE), &key, true).unwrap();
        // A journal as version 1 left it.
        c.execute_batch(MIGRATIONS[0]).unwrap();
        c.execute_batch("PRAGMA user_version = 1;").unwrap();
        c.execute(
            "INSERT INTO purposes (id, created_at, updated_at, at, offset_secs, day, title)
             VALUES ('p1', 't', 't', 't', 0, '2026-01-01', 'kept')",
            [],
        )
        .unwrap();
        migrate(&mut c).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'sessions_progress'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        let title: String = c
            .query_row("SELECT title FROM purposes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(title, "kept");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        let mut c = open_connection(&dir.path().join(DB_FILE), &key, true).unwrap();
        c.execute_batch("PRAGMA user_version = 99;").unwrap();
        assert_eq!(migrate(&mut c).unwrap_err().kind(), "too_new");
    }

    #[test]
    fn another_key_cannot_read_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let key = DbKey::generate().unwrap();
        let mut c = open_connection(&path, &key, true).unwrap();
        migrate(&mut c).unwrap();
        drop(c);
        let other = DbKey::generate().unwrap();
        assert!(open_connection(&path, &other, false).is_err());
    }
}
