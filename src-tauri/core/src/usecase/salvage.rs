//! Salvage: every row that can still be read from a damaged journal, copied into a new
//! journal, with what is missing filled from a backup, and a report of what could not be.
//!
//! SQLCipher checks each page's HMAC as it reads it, so damage is found page by page: a
//! read that touches a damaged page fails with "corrupt" or "not a database", and every
//! row read before that came from intact pages. The damaged journal is opened read-only
//! (never written, never moved), and each table is read:
//!
//! * **rowid tables** (items, feedback, drafts, settings, the manager's tables) in rowid
//!   ranges of 512 (`RANGE`); a range that fails keeps the rows read before the failure and
//!   the rest is halved, again and again, down to single rowids. A damaged leaf page thus
//!   costs the rows on it, and a damaged overflow page the one row it belongs to. A
//!   damaged *interior* page of a table's tree hides the leaves below it from every read
//!   through SQL (SQLite's tree has no sibling links): those are read below SQL (last
//!   item). Damage in an index or in the search index costs nothing: indexes are rebuilt.
//! * **link tables** (`WITHOUT ROWID`: tags, a reflection's sessions, challenges and
//!   purposes, a challenge's purposes) owner by owner, forwards and then backwards from
//!   the damage, so only the links stored on a damaged page are missing.
//! * **below SQL** (`pages.rs`): where a damaged interior page hides a table's leaves, the
//!   file is read page by page (decrypted here with the key) and the leaves no tree
//!   reaches are given to the table whose rows they fit; where the list of tables itself
//!   is damaged (a schema page past page 1), every table is read that way.
//!
//! The new journal is made by the normal create and migrations, under **the same key and a
//! copy of the key envelope**: the passphrase, the recovery key written down at `init` and
//! the keyring entry all open it, and backups made before the damage (same key) stay
//! usable with it. Rows are copied by column name, so a journal of an older schema is
//! salvaged into the current one. Then, if a backup is given, each row of it whose id
//! the salvage did not read is added, unless the damaged journal's own id index shows it
//! was deleted after the backup; a salvaged row is never replaced (it is newer). Links
//! are filled for the items taken from the backup and for the items whose links could
//! not all be read. A session whose challenge is lost keeps a stand-in challenge (its id,
//! private, named so); any other row whose owner is lost is dropped, as a delete would.
//! Last, the search index is rebuilt from the items.

mod around;
mod pages;
mod repair;

pub use around::{Damage, KindLost, ReadAround, read_around};
pub use repair::{RepairReport, repair, repair_open, repair_with};

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, ToSql};
use serde::Serialize;

use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::journal::{Journal, Unlock};
use crate::keystore::KeyStore;
use crate::secret::{DbKey, Passphrase};
use crate::store::{self, DB_FILE, SCHEMA_VERSION};
use crate::vault::{JournalMeta, KeyMode};

/// How many rowids one read asks for before damage makes it halve.
const RANGE: i64 = 512;

/// The item kinds, in the order the report lists them.
const KINDS: [Kind; 6] = [
    Kind::Purpose,
    Kind::Challenge,
    Kind::Session,
    Kind::Reflection,
    Kind::Checkin,
    Kind::AuditItem,
];

/// The name a stand-in challenge carries (see the module doc).
pub const STAND_IN_SKILL: &str = "A challenge that could not be recovered";

/// What a salvage did.
#[derive(Debug, Clone, Serialize)]
pub struct SalvageReport {
    /// The new journal.
    pub target_dir: PathBuf,
    /// Per item kind: how many were read, filled from the backup, known lost.
    pub kinds: Vec<KindSalvage>,
    /// The items known to be lost (their id and day read from an index), by day.
    pub lost: Vec<LostItem>,
    /// Per table (items, their children, links, the rest).
    pub tables: Vec<TableSalvage>,
    /// Stand-in challenges made for sessions whose challenge was lost.
    pub stand_ins: usize,
    /// Child rows (feedback, links, …) dropped because what they belonged to was lost.
    pub orphans_dropped: usize,
    /// Rows of the backup not added because the journal shows they were deleted after it.
    pub left_deleted: usize,
    /// Items in the rebuilt search index.
    pub indexed: usize,
    /// The backup used, if any.
    pub from_backup: Option<PathBuf>,
    /// Nothing could be read from the damaged journal (its first page is damaged):
    /// everything came from the backup.
    pub source_unreadable: bool,
    /// The journal's list of tables was damaged, so it was read page by page, without SQL:
    /// a table whose entry in that list was lost is found by the shape of its rows, and
    /// its links (tags, a reflection's sessions…) are lost with the entry.
    pub read_by_pages: bool,
}

/// One item kind's part of a [`SalvageReport`].
#[derive(Debug, Clone, Serialize)]
pub struct KindSalvage {
    pub kind: Kind,
    /// Read from the damaged journal.
    pub salvaged: usize,
    /// Added from the backup.
    pub filled: usize,
    /// Known lost (listed in [`SalvageReport::lost`]).
    pub lost: usize,
    /// Whether rows may be lost that no index could name (see
    /// [`TableSalvage::unaccounted`]).
    pub uncounted_loss: bool,
}

/// An item that could not be salvaged (nor filled), as far as an index could tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostItem {
    pub kind: Kind,
    pub id: Option<String>,
    pub day: Option<String>,
}

/// One table's part of a [`SalvageReport`].
#[derive(Debug, Clone, Serialize)]
pub struct TableSalvage {
    pub table: String,
    pub salvaged: usize,
    pub filled: usize,
    /// Rows read but refused by the new journal's schema (a value out of range).
    pub refused: usize,
    /// Rowid ranges (inclusive) that could not be read and that no index accounts for:
    /// each may have held rows or none.
    pub unaccounted: Vec<[i64; 2]>,
    /// Owners (link tables) whose rows could not all be read.
    pub incomplete_owners: usize,
    /// Of `salvaged`, the rows read page by page from leaves a damaged interior page hid.
    pub from_pages: usize,
}

impl SalvageReport {
    /// Items read from the damaged journal.
    pub fn salvaged(&self) -> usize {
        self.kinds.iter().map(|k| k.salvaged).sum()
    }
    /// Items added from the backup.
    pub fn filled(&self) -> usize {
        self.kinds.iter().map(|k| k.filled).sum()
    }
    /// Whether any rowid range was lost that no index could account for.
    pub fn uncounted_loss(&self) -> bool {
        self.kinds.iter().any(|k| k.uncounted_loss)
    }
    /// Whether anything at all was read (a host fails only when nothing was).
    pub fn read_anything(&self) -> bool {
        self.tables.iter().any(|t| t.salvaged > 0 || t.filled > 0)
    }
}

/// Salvages the journal in `source` into a new journal in `target` (which must not exist,
/// or be an empty folder), unlocking it as [`open_journal`](super::open_journal) does, and
/// fills what could not be read from the backup `fill_from` (a snapshot of this journal,
/// same key) when given.
pub fn salvage(
    source: &Path,
    target: &Path,
    keys: &dyn KeyStore,
    passphrase: impl FnOnce() -> Result<Passphrase>,
    fill_from: Option<&Path>,
) -> Result<SalvageReport> {
    check_target(target)?;
    let unlock = match Journal::key_mode(source)? {
        KeyMode::Keyring => Unlock::Keyring,
        KeyMode::Passphrase => Unlock::Passphrase(passphrase()?),
    };
    salvage_with(source, target, unlock, keys, fill_from)
}

/// [`salvage`] with the unlock already chosen (the recovery key, say).
pub fn salvage_with(
    source: &Path,
    target: &Path,
    unlock: Unlock,
    keys: &dyn KeyStore,
    fill_from: Option<&Path>,
) -> Result<SalvageReport> {
    check_target(target)?;
    let (meta, key) = Journal::unlock_key(source, unlock, keys)?;
    salvage_keyed(source, target, &meta, key, fill_from)
}

/// [`salvage_with`] with the envelope and key already proven.
fn salvage_keyed(
    source: &Path,
    target: &Path,
    meta: &JournalMeta,
    key: DbKey,
    fill_from: Option<&Path>,
) -> Result<SalvageReport> {
    let backup = match fill_from {
        Some(p) => {
            let b = Source::open(p, &key).map_err(|_| Error::NotABackup(p.to_path_buf()))?;
            too_new(&b.conn())?;
            Some(b)
        }
        None => None,
    };
    // A damaged list of tables (page 1, or another page of the schema) hides every row
    // from SQL: then only the backup can give anything back.
    let src = match Source::open(&source.join(DB_FILE), &key) {
        Ok(src) => {
            too_new(&src.conn())?;
            let listed = tables(&src.conn());
            listed.ok().map(|t| (src, t))
        }
        Err(_) => None,
    };
    // Then the pages themselves, when page 1 at least can be read.
    let paged = match &src {
        Some(_) => None,
        None => pages::Pages::open(&source.join(DB_FILE), &key).filter(|p| p.page(1).is_some()),
    };
    if let Some(p) = &paged
        && p.schema_version() > SCHEMA_VERSION
    {
        return Err(Error::TooNew(p.schema_version()));
    }
    if src.is_none() && paged.is_none() && backup.is_none() {
        return Err(Error::NothingReadable(source.to_path_buf()));
    }
    let work = work_dir(target)?;
    let mut j = Journal::create_keyed(&work, meta, key)?;
    let out = copy_all(
        &mut j,
        src.as_ref().map(|(s, t)| (s, t.as_slice())),
        paged.as_ref(),
        backup.as_ref(),
    )
    .and_then(|mut report| {
        report.indexed = j.rebuild_search_index()?;
        j.take_unreadable();
        report.target_dir = target.to_path_buf();
        report.from_backup = fill_from.map(Path::to_path_buf);
        Ok(report)
    });
    // Closed (its log checkpointed away) before it takes the target's name.
    drop(j);
    let out = out.and_then(|report| {
        let io = |e| Error::io(target, e, None);
        if target.exists() {
            std::fs::remove_dir(target).map_err(io)?;
        }
        std::fs::rename(&work, target).map_err(io)?;
        if let Some(parent) = work.parent()
            && let Ok(d) = std::fs::File::open(parent)
        {
            let _ = d.sync_all();
        }
        Ok(report)
    });
    if out.is_err() {
        Journal::remove_files(&work);
        let _ = std::fs::remove_dir(&work);
    }
    out
}

/// The folder a salvage builds the new journal in, beside the target, renamed to the
/// target when it is complete: killed at any moment, a salvage leaves no half-filled
/// journal under the target's name (only this folder, which the next salvage to the same
/// target removes).
fn work_dir(target: &Path) -> Result<PathBuf> {
    let parent = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| Error::NotEmpty(target.to_path_buf()))?
        .to_string_lossy()
        .into_owned();
    crate::fsutil::create_private_dir(&parent)?;
    let prefix = format!(".{name}.salvage-");
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for e in entries.flatten() {
            let fname = e.file_name().to_string_lossy().into_owned();
            let Some(Ok(pid)) = fname.strip_prefix(&prefix).map(str::parse::<u32>) else {
                continue;
            };
            if pid != std::process::id() && !crate::fsutil::process_runs(pid) {
                // Only a journal's files: `remove_dir` refuses a folder holding more.
                Journal::remove_files(&e.path());
                let _ = std::fs::remove_dir(e.path());
            }
        }
    }
    Ok(parent.join(format!("{prefix}{}", std::process::id())))
}

/// Refuses a target that holds anything.
fn check_target(target: &Path) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    if Journal::exists(target) {
        return Err(Error::AlreadyExists(target.to_path_buf()));
    }
    let empty = std::fs::read_dir(target)
        .map_err(|e| Error::io(target, e, None))?
        .next()
        .is_none();
    if empty {
        Ok(())
    } else {
        Err(Error::NotEmpty(target.to_path_buf()))
    }
}

fn too_new(conn: &Connection) -> Result<()> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if v > SCHEMA_VERSION {
        return Err(Error::TooNew(v));
    }
    Ok(())
}

/// Whether `e`, from stepping a statement that prepared, is damage: SQLCipher reports some
/// failed pages (an overflow page, say) as a plain "SQL logic error", which a `SELECT` that
/// prepared cannot otherwise raise.
fn is_step_damage(e: &rusqlite::Error) -> bool {
    is_damage(e)
        || matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::Unknown)
}

/// Whether `e` is a read that hit a damaged page. SQLCipher reports a page whose HMAC
/// fails as "out of memory" (the pager's code for a codec that returned nothing), SQLite a
/// malformed page as "corrupt"; both mean the page cannot be read.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
    if matches!(
        f.code,
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase | ErrorCode::OutOfMemory
    ))
}

// ------------------------------------------------------------------ tables

/// A table as salvage sees it.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    cols: Vec<String>,
    /// Each column's declared type, upper-case.
    types: Vec<String>,
    /// The primary key's columns.
    pk: Vec<String>,
    rowid: bool,
    /// The index SQLite made for a rowid table's primary key.
    pk_index: Option<String>,
    /// `(column, parent table, parent column)` for each foreign key.
    fks: Vec<(String, String, String)>,
}

impl Table {
    fn kind(&self) -> Option<Kind> {
        KINDS.into_iter().find(|k| k.table() == self.name)
    }
}

/// The tables of `conn` whose rows are data: not SQLite's own, not a virtual table (the
/// search index, rebuilt) nor its shadow tables.
fn tables(conn: &Connection) -> Result<Vec<Table>> {
    let mut stmt =
        conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
    let all: Vec<(String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let virtuals: Vec<&str> = all
        .iter()
        .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut out = Vec::new();
    for (name, sql) in &all {
        if name.starts_with("sqlite_")
            || virtuals
                .iter()
                .any(|v| name == v || name.starts_with(&format!("{v}_")))
        {
            continue;
        }
        let mut cols = Vec::new();
        let mut types = Vec::new();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut info = conn.prepare(&format!("PRAGMA table_info(\"{name}\")"))?;
        let mut rows = info.query([])?;
        while let Some(r) = rows.next()? {
            let col: String = r.get(1)?;
            types.push(r.get::<_, String>(2)?.to_ascii_uppercase());
            let pos: i64 = r.get(5)?;
            if pos > 0 {
                pk.push((pos, col.clone()));
            }
            cols.push(col);
        }
        pk.sort();
        let mut fks = Vec::new();
        let mut fk = conn.prepare(&format!("PRAGMA foreign_key_list(\"{name}\")"))?;
        let mut rows = fk.query([])?;
        while let Some(r) = rows.next()? {
            fks.push((
                r.get(3)?,
                r.get(2)?,
                r.get::<_, Option<String>>(4)?
                    .unwrap_or_else(|| "rowid".into()),
            ));
        }
        let mut idx = conn.prepare(&format!("PRAGMA index_list(\"{name}\")"))?;
        let pk_index = idx
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(3)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .find(|(_, origin)| origin == "pk")
            .map(|(n, _)| n);
        out.push(Table {
            name: name.clone(),
            cols,
            types,
            pk: pk.into_iter().map(|(_, c)| c).collect(),
            rowid: !sql.to_ascii_uppercase().contains("WITHOUT ROWID"),
            pk_index,
            fks,
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------ reading

/// A file read for salvage: the damaged journal or the backup. After a page fails its
/// check, SQLCipher keeps the connection in an error state, so each failed read is
/// followed by a fresh connection (about 0.1 ms: the key is raw, no KDF runs).
struct Source {
    path: PathBuf,
    key: DbKey,
    conn: RefCell<Connection>,
}

impl Source {
    fn open(path: &Path, key: &DbKey) -> Result<Source> {
        let key = key.duplicate();
        let conn = store::open_read_only(path, &key)?;
        Ok(Source {
            path: path.to_path_buf(),
            key,
            conn: RefCell::new(conn),
        })
    }

    fn conn(&self) -> std::cell::Ref<'_, Connection> {
        self.conn.borrow()
    }

    /// A fresh connection, after damage.
    fn reset(&self) -> Result<()> {
        let conn = store::open_read_only(&self.path, &self.key)?;
        *self.conn.borrow_mut() = conn;
        Ok(())
    }
}

/// Runs `sql`, keeping the rows read before a damaged page stopped it; `true` when one did.
fn read_partial(
    src: &Source,
    sql: &str,
    args: &[&dyn ToSql],
    ncols: usize,
) -> Result<(Vec<Vec<Value>>, bool)> {
    let out = read_rows(&src.conn(), sql, args, ncols);
    if matches!(out, Ok((_, true))) {
        src.reset()?;
    }
    out
}

/// One value read alone (`None`: damage stopped it).
fn read_one<T: rusqlite::types::FromSql>(src: &Source, sql: &str) -> Result<Option<T>> {
    let (rows, damaged) = read_partial(src, sql, &[], 1)?;
    match rows.into_iter().next().and_then(|r| r.into_iter().next()) {
        Some(v) if !damaged => Ok(Some(
            T::column_result(rusqlite::types::ValueRef::from(&v))
                .map_err(|_| Error::Database("a stored value had an unexpected form".into()))?,
        )),
        _ => Ok(None),
    }
}

fn read_rows(
    conn: &Connection,
    sql: &str,
    args: &[&dyn ToSql],
    ncols: usize,
) -> Result<(Vec<Vec<Value>>, bool)> {
    let mut stmt = match conn.prepare_cached(sql) {
        Ok(s) => s,
        Err(e) if is_damage(&e) => return Ok((Vec::new(), true)),
        Err(e) => return Err(e.into()),
    };
    let mut rows = match stmt.query(args) {
        Ok(r) => r,
        Err(e) if is_step_damage(&e) => return Ok((Vec::new(), true)),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    loop {
        match rows.next() {
            Ok(Some(r)) => out.push(
                (0..ncols)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            ),
            Ok(None) => return Ok((out, false)),
            Err(e) if is_damage(&e) => return Ok((out, true)),
            Err(e) if is_step_damage(&e) => return Ok((out, true)),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether a row read back holds a page SQLCipher zeroed: a row whose text continues on a
/// damaged overflow page can come back without an error, its text cut by NUL bytes, which
/// no text the journal stores contains. Such a row is treated as lost, not copied.
fn zeroed(row: &[Value]) -> bool {
    row.iter().any(|v| match v {
        Value::Text(t) => t.contains('\0'),
        Value::Blob(b) => b.len() >= 16 && b.iter().rev().take(16).all(|x| *x == 0),
        _ => false,
    })
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    }
}

/// Every readable row of the rowid table `t` (its `cols`), in rowid order, to `sink`; the
/// rowid ranges that could not be read are returned, merged. `hint` is the highest rowid
/// an index has seen, for when the table's own last page is damaged.
fn walk_rowids(
    conn: &Source,
    t: &str,
    cols: &[String],
    hint: i64,
    sink: &mut dyn FnMut(Vec<Value>) -> Result<()>,
) -> Result<Vec<[i64; 2]>> {
    let list = cols.join(", ");
    let n = cols.len() + 1;
    let sql =
        format!("SELECT rowid, {list} FROM \"{t}\" WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid");
    let max: Option<i64> =
        read_one::<Option<i64>>(conn, &format!("SELECT max(rowid) FROM \"{t}\""))?.flatten();
    let hi = max.unwrap_or(0).max(hint);
    let mut lost: Vec<[i64; 2]> = Vec::new();
    let mut todo: Vec<(i64, i64)> = Vec::new();
    let mut a = 1;
    while a <= hi {
        let b = a.saturating_add(RANGE - 1).min(hi);
        todo.push((a, b));
        a = b + 1;
    }
    todo.reverse();
    while let Some((a, b)) = todo.pop() {
        let (rows, damaged) = read_partial(conn, &sql, &[&a, &b], n)?;
        let mut next = a;
        for mut row in rows {
            let rowid = int(&row[0]);
            next = rowid + 1;
            row.remove(0);
            if zeroed(&row) {
                lost.push([rowid, rowid]);
            } else {
                sink(row)?;
            }
        }
        if damaged && next <= b {
            if next == b {
                lost.push([b, b]);
            } else {
                let mid = next + (b - next) / 2;
                todo.push((mid + 1, b));
                todo.push((next, mid));
            }
        }
    }
    // Rows past the highest rowid known (none, unless both the table's last page and its
    // indexes hid them).
    let tail = format!("SELECT rowid, {list} FROM \"{t}\" WHERE rowid > ?1 ORDER BY rowid");
    let (rows, damaged) = read_partial(conn, &tail, &[&hi], n)?;
    let mut next = hi + 1;
    for mut row in rows {
        let rowid = int(&row[0]);
        next = rowid + 1;
        row.remove(0);
        if zeroed(&row) {
            lost.push([rowid, rowid]);
        } else {
            sink(row)?;
        }
    }
    if damaged {
        lost.push([next, i64::MAX]);
    }
    lost.sort_unstable();
    let mut merged: Vec<[i64; 2]> = Vec::new();
    for r in lost {
        match merged.last_mut() {
            Some(last) if last[1].saturating_add(1) >= r[0] => last[1] = last[1].max(r[1]),
            _ => merged.push(r),
        }
    }
    Ok(merged)
}

/// What the damaged journal's indexes tell of a rowid table's rows.
#[derive(Debug, Default)]
struct Known {
    /// rowid → (primary key, day), as far as read.
    by_rowid: HashMap<i64, (Option<String>, Option<String>)>,
    ids: HashSet<String>,
    /// The primary-key index was read whole.
    complete: bool,
    /// When not: the keys strictly between these (either end open) were not read.
    gap: (Option<String>, Option<String>),
}

impl Known {
    /// Whether the journal shows that no row with primary key `id` exists in it.
    fn absent(&self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.complete {
            return true;
        }
        let after_start = self.gap.0.as_deref().is_none_or(|lo| id > lo);
        let before_end = self.gap.1.as_deref().is_none_or(|hi| id < hi);
        !(after_start && before_end)
    }

    fn max_rowid(&self) -> i64 {
        self.by_rowid.keys().copied().max().unwrap_or(0)
    }
}

/// What a scan of an index gave: `(rowid, value)` pairs, whether it read the index whole,
/// and (when not) the last value read forwards and backwards, between which it read none.
type IndexScan = (
    Vec<(i64, Option<String>)>,
    bool,
    (Option<String>, Option<String>),
);

/// Reads `(rowid, col)` from index `index` of `t` forwards, then backwards from the end
/// when damage stopped it: the pairs read, whether whole, and the last values read each way.
fn scan_index(conn: &Source, t: &str, index: &str, col: &str) -> Result<IndexScan> {
    let sql = |dir: &str| {
        format!("SELECT rowid, {col} FROM \"{t}\" INDEXED BY \"{index}\" ORDER BY {col} {dir}")
    };
    let (fwd, damaged) = read_partial(conn, &sql("ASC"), &[], 2)?;
    let pair = |r: &Vec<Value>| (int(&r[0]), text(&r[1]));
    let mut out: Vec<_> = fwd.iter().map(pair).collect();
    if !damaged {
        return Ok((out, true, (None, None)));
    }
    let lo = fwd.last().and_then(|r| text(&r[1]));
    let (back, _) = read_partial(conn, &sql("DESC"), &[], 2)?;
    let hi = back.last().and_then(|r| text(&r[1]));
    out.extend(back.iter().map(pair));
    Ok((out, false, (lo, hi)))
}

/// What the indexes of the rowid table `t` say: its ids (primary-key index) and, for an
/// item table, its days (`<table>_by_day`). An index that cannot be used tells nothing.
fn known(conn: &Source, t: &Table) -> Result<Known> {
    let mut k = Known::default();
    let Some((index, pk)) = t.pk_index.as_deref().zip(t.pk.first()) else {
        return Ok(k);
    };
    let (ids, complete, gap) = scan_index(conn, &t.name, index, pk)?;
    k.complete = complete;
    k.gap = gap;
    for (rowid, id) in ids {
        if let Some(id) = &id {
            k.ids.insert(id.clone());
        }
        k.by_rowid.entry(rowid).or_default().0 = id;
    }
    if t.kind().is_some() {
        let by_day = format!("{}_by_day", t.name);
        if let Ok((days, _, _)) = scan_index(conn, &t.name, &by_day, "day") {
            for (rowid, day) in days {
                k.by_rowid.entry(rowid).or_default().1 = day;
            }
        }
    }
    Ok(k)
}

// ------------------------------------------------------------------ writing

/// Inserts rows of one table into the new journal, by column name.
struct Writer<'c> {
    stmt: rusqlite::CachedStatement<'c>,
    or_ignore: bool,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, t: &str, cols: &[String], or_ignore: bool) -> Result<Self> {
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT {}INTO \"{t}\" ({}) VALUES ({})",
            if or_ignore { "OR IGNORE " } else { "" },
            cols.join(", "),
            marks.join(", ")
        );
        Ok(Writer {
            stmt: conn.prepare_cached(&sql)?,
            or_ignore,
        })
    }

    /// Whether the row went in: `false` when the schema refused it (or, ignoring, it was
    /// there already).
    fn put(&mut self, row: &[Value]) -> Result<bool> {
        match self.stmt.execute(rusqlite::params_from_iter(row)) {
            Ok(n) => Ok(n > 0 || !self.or_ignore),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == ErrorCode::ConstraintViolation =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The ids in table `t` of the new journal.
fn ids_in(conn: &Connection, t: &str, col: &str) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare(&format!("SELECT {col} FROM \"{t}\""))?;
    let ids = stmt
        .query_map([], |r| r.get::<_, Value>(0))?
        .filter_map(|v| v.ok().as_ref().and_then(text))
        .collect();
    Ok(ids)
}

/// Copies every table, fills from the backup, repairs what lost its owner; one transaction.
fn copy_all(
    j: &mut Journal,
    src: Option<(&Source, &[Table])>,
    paged: Option<&pages::Pages>,
    backup: Option<&Source>,
) -> Result<SalvageReport> {
    let (src, src_tables) = match src {
        Some((s, t)) => (Some(s), t),
        None => (None, &[][..]),
    };
    let dst_tables = tables(&j.conn)?;
    j.conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let tx = j.conn.transaction()?;
    let mut report = SalvageReport {
        target_dir: PathBuf::new(),
        kinds: Vec::new(),
        lost: Vec::new(),
        tables: Vec::new(),
        stand_ins: 0,
        orphans_dropped: 0,
        left_deleted: 0,
        indexed: 0,
        from_backup: None,
        source_unreadable: src.is_none() && paged.is_none(),
        read_by_pages: paged.is_some(),
    };
    let backup_tables = match backup {
        Some(b) => tables(&b.conn())?,
        None => Vec::new(),
    };
    // Rowid tables first: the link tables are read for the owners they hold.
    let mut order: Vec<&Table> = src_tables.iter().filter(|t| t.rowid).collect();
    order.extend(src_tables.iter().filter(|t| !t.rowid));
    let mut lost_rowids: HashMap<String, (Vec<[i64; 2]>, Known)> = HashMap::new();
    // Owners whose link rows (in which table) could not all be read, or came from the backup.
    let mut refill: HashMap<String, HashSet<String>> = HashMap::new();
    let mut paged_done = false;
    for t in order {
        let Some(src) = src else { break };
        if !t.rowid && !paged_done {
            // Every rowid table is read: reach what a damaged interior page hid, before
            // the links are read for the owners there are.
            from_pages(
                src,
                src_tables,
                &lost_rowids,
                &tx,
                &dst_tables,
                &mut report.tables,
            )?;
            paged_done = true;
        }
        let Some(dst) = dst_tables.iter().find(|d| d.name == t.name) else {
            continue;
        };
        let cols: Vec<String> = t
            .cols
            .iter()
            .filter(|c| dst.cols.contains(c))
            .cloned()
            .collect();
        let mut ts = TableSalvage {
            table: t.name.clone(),
            salvaged: 0,
            filled: 0,
            refused: 0,
            unaccounted: Vec::new(),
            incomplete_owners: 0,
            from_pages: 0,
        };
        if t.rowid {
            let known = known(src, t)?;
            let mut w = Writer::new(&tx, &t.name, &cols, false)?;
            let lost = walk_rowids(src, &t.name, &cols, known.max_rowid(), &mut |row| {
                if w.put(&row)? {
                    ts.salvaged += 1;
                } else {
                    ts.refused += 1;
                }
                Ok(())
            })?;
            drop(w);
            if !known.complete || t.pk_index.is_none() {
                ts.unaccounted = lost.clone();
            }
            lost_rowids.insert(t.name.clone(), (lost, known));
        } else {
            let owner = link_owner(t);
            let mut w = Writer::new(&tx, &t.name, &cols, true)?;
            let list = cols.join(", ");
            let order_by = t.pk.join(", ");
            let mut put = |rows: Vec<Vec<Value>>, ts: &mut TableSalvage| -> Result<()> {
                for row in rows.into_iter().filter(|r| !zeroed(r)) {
                    if w.put(&row)? {
                        ts.salvaged += 1;
                    }
                }
                Ok(())
            };
            match owner {
                Some((col, parent, pcol)) => {
                    let owners = ids_in(&tx, &parent, &pcol)?;
                    let sql = |dir: &str| {
                        format!(
                            "SELECT {list} FROM \"{}\" WHERE {col} = ?1 ORDER BY {}",
                            t.name,
                            order_by.replace(", ", &format!(" {dir}, ")) + " " + dir
                        )
                    };
                    let (fwd, back) = (sql("ASC"), sql("DESC"));
                    let mut sorted: Vec<&String> = owners.iter().collect();
                    sorted.sort();
                    for o in sorted {
                        let (rows, damaged) = read_partial(src, &fwd, &[o], cols.len())?;
                        put(rows, &mut ts)?;
                        if damaged {
                            let (rows, _) = read_partial(src, &back, &[o], cols.len())?;
                            put(rows, &mut ts)?;
                            ts.incomplete_owners += 1;
                            refill.entry(t.name.clone()).or_default().insert(o.clone());
                        }
                    }
                }
                None => {
                    let sql = |dir: &str| {
                        format!(
                            "SELECT {list} FROM \"{}\" ORDER BY {}",
                            t.name,
                            order_by.replace(", ", &format!(" {dir}, ")) + " " + dir
                        )
                    };
                    let (rows, damaged) = read_partial(src, &sql("ASC"), &[], cols.len())?;
                    put(rows, &mut ts)?;
                    if damaged {
                        let (rows, _) = read_partial(src, &sql("DESC"), &[], cols.len())?;
                        put(rows, &mut ts)?;
                        ts.incomplete_owners += 1;
                    }
                }
            }
        }
        report.tables.push(ts);
    }
    if let (Some(src), false) = (src, paged_done) {
        from_pages(
            src,
            src_tables,
            &lost_rowids,
            &tx,
            &dst_tables,
            &mut report.tables,
        )?;
    }
    if let Some(p) = paged {
        below_sql(p, &tx, &dst_tables, &mut report.tables, &mut lost_rowids)?;
    }

    // Fill from the backup: rowid tables by primary key, then links for the owners that
    // came from it or lost some of theirs.
    if let Some(b) = backup {
        let mut filled_ids: HashMap<String, HashSet<String>> = HashMap::new();
        for bt in backup_tables.iter().filter(|t| t.rowid) {
            let Some(pk) = bt.pk.first() else {
                continue;
            };
            // An unread table: nothing is known of it, so every row of the backup counts.
            let unknown = Known::default();
            let known = lost_rowids.get(&bt.name).map_or(&unknown, |(_, k)| k);
            if !report.tables.iter().any(|t| t.table == bt.name) {
                report.tables.push(TableSalvage {
                    table: bt.name.clone(),
                    salvaged: 0,
                    filled: 0,
                    refused: 0,
                    unaccounted: vec![[1, i64::MAX]],
                    incomplete_owners: 0,
                    from_pages: 0,
                });
            }
            let Some(ts) = report.tables.iter_mut().find(|t| t.table == bt.name) else {
                continue;
            };
            let Some(dst) = dst_tables.iter().find(|d| d.name == bt.name) else {
                continue;
            };
            let cols: Vec<String> = bt
                .cols
                .iter()
                .filter(|c| dst.cols.contains(c))
                .cloned()
                .collect();
            let Some(pk_at) = cols.iter().position(|c| c == pk) else {
                continue;
            };
            let have = ids_in(&tx, &bt.name, pk)?;
            let mut w = Writer::new(&tx, &bt.name, &cols, true)?;
            let mut added = HashSet::new();
            let mut left = 0;
            let bk = self::known(b, bt)?;
            walk_rowids(b, &bt.name, &cols, bk.max_rowid(), &mut |row| {
                let Some(id) = text(&row[pk_at]) else {
                    return Ok(());
                };
                if have.contains(&id) {
                    return Ok(());
                }
                if known.absent(&id) {
                    left += 1;
                    return Ok(());
                }
                if w.put(&row)? {
                    added.insert(id);
                }
                Ok(())
            })?;
            ts.filled += added.len();
            report.left_deleted += left;
            filled_ids.insert(bt.name.clone(), added);
        }
        for bt in backup_tables.iter().filter(|t| !t.rowid) {
            let Some((col, parent, pcol)) = link_owner(bt) else {
                continue;
            };
            let Some(dst) = dst_tables.iter().find(|d| d.name == bt.name) else {
                continue;
            };
            let cols: Vec<String> = bt
                .cols
                .iter()
                .filter(|c| dst.cols.contains(c))
                .cloned()
                .collect();
            // A link table read page by page whose rows could not all be found: every
            // owner's links are taken from the backup (those still there are kept).
            let unknown = lost_rowids
                .get(&bt.name)
                .is_some_and(|(r, _)| !r.is_empty());
            let all_owners = if unknown {
                ids_in(&tx, &parent, &pcol)?
            } else {
                HashSet::new()
            };
            let mut owners: Vec<String> = filled_ids
                .get(&parent)
                .into_iter()
                .flatten()
                .chain(refill.get(&bt.name).into_iter().flatten())
                .chain(all_owners.iter())
                .cloned()
                .collect();
            owners.sort();
            owners.dedup();
            let sql = format!(
                "SELECT {} FROM \"{}\" WHERE {col} = ?1",
                cols.join(", "),
                bt.name
            );
            let mut w = Writer::new(&tx, &bt.name, &cols, true)?;
            let mut n = 0;
            for o in &owners {
                let (rows, _) = read_partial(b, &sql, &[o], cols.len())?;
                for row in rows {
                    if w.put(&row)? {
                        n += 1;
                    }
                }
            }
            if let Some(ts) = report.tables.iter_mut().find(|t| t.table == bt.name) {
                ts.filled += n;
            }
        }
    }

    // Per kind: what came back, and what an index can name that did not.
    for kind in KINDS {
        let t = kind.table();
        let ts = report.tables.iter().find(|x| x.table == t);
        let (salvaged, filled, uncounted) = ts.map_or((0, 0, false), |x| {
            (x.salvaged, x.filled, !x.unaccounted.is_empty())
        });
        let mut lost_here = Vec::new();
        if let Some((ranges, known)) = lost_rowids.get(t) {
            let have = ids_in(&tx, t, "id")?;
            let mut rowids: Vec<&i64> = known.by_rowid.keys().collect();
            rowids.sort();
            for r in rowids {
                if !ranges.iter().any(|[a, b]| a <= r && r <= b) {
                    continue;
                }
                let (id, day) = &known.by_rowid[r];
                if id.as_ref().is_some_and(|i| have.contains(i)) {
                    continue;
                }
                lost_here.push(LostItem {
                    kind,
                    id: id.clone(),
                    day: day.clone(),
                });
            }
        }
        report.kinds.push(KindSalvage {
            kind,
            salvaged,
            filled,
            lost: lost_here.len(),
            uncounted_loss: uncounted,
        });
        report.lost.extend(lost_here);
    }
    // After the lost items are told (a stand-in is not a challenge that came back).
    let (stand_ins, dropped) = repair_owners(&tx, &dst_tables)?;
    report.stand_ins = stand_ins;
    report.orphans_dropped = dropped;
    report
        .lost
        .sort_by(|a, b| (&a.day, a.kind.as_str(), &a.id).cmp(&(&b.day, b.kind.as_str(), &b.id)));
    tx.commit()?;
    j.conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    let broken: i64 =
        j.conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
    if broken > 0 {
        return Err(Error::Database(
            "the salvaged rows still refer to rows that are missing".into(),
        ));
    }
    Ok(report)
}

/// Reads, page by page, the leaves that no tree reaches (a damaged interior page hid them)
/// and are not free, and adds each leaf's rows to the one table with lost rows whose shape
/// they fit (column count and declared types): only rows in that table's lost rowid
/// ranges, and, when its id index was read whole, only ids the index holds (a stale copy
/// of a deleted row is not brought back).
fn from_pages(
    src: &Source,
    src_tables: &[Table],
    lost: &HashMap<String, (Vec<[i64; 2]>, Known)>,
    tx: &Connection,
    dst_tables: &[Table],
    report: &mut [TableSalvage],
) -> Result<()> {
    let wanted: Vec<&Table> = src_tables
        .iter()
        .filter(|t| t.rowid && lost.get(&t.name).is_some_and(|(r, _)| !r.is_empty()))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(pages) = pages::Pages::open(&src.path, &src.key) else {
        return Ok(());
    };
    let (roots, _) = read_partial(
        src,
        "SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0",
        &[],
        2,
    )?;
    let mut reached = HashSet::new();
    let mut broken: Vec<&Table> = Vec::new();
    for r in &roots {
        let Ok(root) = u64::try_from(int(&r[1])) else {
            continue;
        };
        let (seen, hurt) = pages.tree(root);
        reached.extend(seen);
        if hurt
            && let Some(t) = wanted
                .iter()
                .find(|t| text(&r[0]).as_ref() == Some(&t.name))
        {
            broken.push(t);
        }
    }
    if broken.is_empty() {
        return Ok(());
    }
    let free = pages.free_pages();
    for n in 2..=pages.count() {
        if reached.contains(&n) || free.contains(&n) {
            continue;
        }
        let Some(rows) = pages.table_leaf(n) else {
            continue;
        };
        let fitting: Vec<&&Table> = broken
            .iter()
            .filter(|t| !rows.is_empty() && rows.iter().all(|(_, v)| fits(t, v)))
            .collect();
        // A leaf two tables could own is left out rather than given to the wrong one.
        let [t] = fitting.as_slice() else {
            continue;
        };
        let (Some(dst), Some((ranges, known))) = (
            dst_tables.iter().find(|d| d.name == t.name),
            lost.get(&t.name),
        ) else {
            continue;
        };
        let keep: Vec<usize> = (0..t.cols.len())
            .filter(|&i| dst.cols.contains(&t.cols[i]))
            .collect();
        let cols: Vec<String> = keep.iter().map(|&i| t.cols[i].clone()).collect();
        let pk_at =
            t.pk.first()
                .and_then(|pk| t.cols.iter().position(|c| c == pk));
        let mut w = Writer::new(tx, &t.name, &cols, true)?;
        let mut got = 0;
        for (rowid, v) in rows {
            if !ranges.iter().any(|[a, b]| *a <= rowid && rowid <= *b) || zeroed(&v) {
                continue;
            }
            let id = pk_at.and_then(|i| text(&v[i]));
            if known.complete && id.is_some_and(|id| !known.ids.contains(&id)) {
                continue;
            }
            let row: Vec<Value> = keep.iter().map(|&i| v[i].clone()).collect();
            if w.put(&row)? {
                got += 1;
            }
        }
        if let Some(ts) = report.iter_mut().find(|x| x.table == t.name) {
            ts.salvaged += got;
            ts.from_pages += got;
        }
    }
    Ok(())
}

/// Reads every table page by page when SQL cannot (its list of tables is damaged): the
/// list's own rows that can be read give the tables' root pages; each tree is read from
/// its root; a table whose root is unknown, or whose tree is damaged, gets the leaves no
/// tree reaches whose rows fit it (and only it). Tables are taken as the new journal
/// defines them (migrations only ever add tables, so an older journal's columns are the
/// same).
fn below_sql(
    p: &pages::Pages,
    tx: &Connection,
    dst_tables: &[Table],
    report: &mut Vec<TableSalvage>,
    lost: &mut HashMap<String, (Vec<[i64; 2]>, Known)>,
) -> Result<()> {
    let (schema, _) = p.tree(1);
    let mut roots: HashMap<String, u64> = HashMap::new();
    for n in &schema {
        for (_, v) in p.table_leaf(*n).unwrap_or_default() {
            if let (5, Some(name), Value::Integer(root)) = (v.len(), text(&v[1]), &v[3])
                && let Ok(root) = u64::try_from(*root)
                && root > 0
            {
                roots.insert(name, root);
            }
        }
    }
    let mut reached = schema;
    let mut trees = HashMap::new();
    for (name, root) in &roots {
        let tree = p.tree(*root);
        reached.extend(tree.0.iter().copied());
        trees.insert(name.clone(), tree);
    }
    let mut broken: Vec<&Table> = Vec::new();
    for t in dst_tables {
        let mut ts = TableSalvage {
            table: t.name.clone(),
            salvaged: 0,
            filled: 0,
            refused: 0,
            unaccounted: Vec::new(),
            incomplete_owners: 0,
            from_pages: 0,
        };
        let mut known = Known::default();
        let pk_at =
            t.pk.first()
                .and_then(|pk| t.cols.iter().position(|c| c == pk));
        let mut w = Writer::new(tx, &t.name, &t.cols, true)?;
        let hurt = match trees.get(&t.name) {
            Some((seen, hurt)) => {
                let mut pages: Vec<u64> = seen.iter().copied().collect();
                pages.sort_unstable();
                for n in pages {
                    let rows = if t.rowid {
                        p.table_leaf(n)
                            .map(|r| r.into_iter().map(|(_, v)| v).collect())
                    } else {
                        p.index_cells(n)
                    };
                    for v in rows.unwrap_or_default() {
                        if fits(t, &v) && !zeroed(&v) && w.put(&v)? {
                            ts.salvaged += 1;
                            ts.from_pages += 1;
                            if let Some(id) = pk_at.and_then(|i| text(&v[i])) {
                                known.ids.insert(id);
                            }
                        }
                    }
                }
                *hurt
            }
            None => true,
        };
        drop(w);
        known.complete = !hurt;
        if hurt {
            ts.unaccounted = vec![[1, i64::MAX]];
            if t.rowid {
                broken.push(t);
            } else {
                ts.incomplete_owners += 1;
            }
        }
        lost.insert(t.name.clone(), (ts.unaccounted.clone(), known));
        report.push(ts);
    }
    if broken.is_empty() {
        return Ok(());
    }
    let free = p.free_pages();
    for n in 2..=p.count() {
        if reached.contains(&n) || free.contains(&n) {
            continue;
        }
        let Some(rows) = p.table_leaf(n) else {
            continue;
        };
        let fitting: Vec<&&Table> = broken
            .iter()
            .filter(|t| !rows.is_empty() && rows.iter().all(|(_, v)| fits(t, v)))
            .collect();
        // A leaf two tables could own is left out rather than given to the wrong one.
        let [t] = fitting.as_slice() else {
            continue;
        };
        let pk_at =
            t.pk.first()
                .and_then(|pk| t.cols.iter().position(|c| c == pk));
        let mut w = Writer::new(tx, &t.name, &t.cols, true)?;
        let mut got = 0;
        let mut ids = Vec::new();
        for (_, v) in rows {
            if !zeroed(&v) && w.put(&v)? {
                got += 1;
                ids.extend(pk_at.and_then(|i| text(&v[i])));
            }
        }
        if let Some(ts) = report.iter_mut().find(|x| x.table == t.name) {
            ts.salvaged += got;
            ts.from_pages += got;
        }
        if let Some((_, k)) = lost.get_mut(&t.name) {
            k.ids.extend(ids);
        }
    }
    Ok(())
}

/// Whether a record's values fit table `t`'s columns: their number, and each value's type
/// against the declared one (the tables are STRICT; a REAL may be stored as an integer).
fn fits(t: &Table, v: &[Value]) -> bool {
    v.len() == t.cols.len()
        && v.iter().zip(&t.types).all(|(v, ty)| match v {
            Value::Null => true,
            Value::Integer(_) => matches!(ty.as_str(), "INTEGER" | "INT" | "REAL" | "ANY"),
            Value::Real(_) => matches!(ty.as_str(), "REAL" | "ANY"),
            Value::Text(_) => matches!(ty.as_str(), "TEXT" | "ANY"),
            Value::Blob(_) => matches!(ty.as_str(), "BLOB" | "ANY"),
        })
}

/// A link table's owner: the column of its key's first part and the table it points to.
fn link_owner(t: &Table) -> Option<(String, String, String)> {
    let first = t.pk.first()?;
    t.fks.iter().find(|(c, _, _)| c == first).cloned()
}

/// Makes a stand-in challenge for each session whose challenge is missing, then deletes
/// every row whose owner is missing (until none is): what the rows' own `ON DELETE`
/// rules would have done had the owner been deleted.
fn repair_owners(tx: &rusqlite::Transaction<'_>, dst: &[Table]) -> Result<(usize, usize)> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let stand_ins = tx.execute(
        "INSERT INTO challenges (id, created_at, updated_at, at, offset_secs, day, private, skill)
         SELECT challenge_id, ?1, ?1, min(at), offset_secs, day, 1, ?2 FROM sessions
         WHERE challenge_id NOT IN (SELECT id FROM challenges) GROUP BY challenge_id",
        rusqlite::params![now, STAND_IN_SKILL],
    )?;
    let mut dropped = 0;
    loop {
        let mut round = 0;
        for t in dst {
            for (col, parent, pcol) in &t.fks {
                round += tx.execute(
                    &format!(
                        "DELETE FROM \"{}\" WHERE {col} IS NOT NULL AND {col} NOT IN (SELECT {pcol} FROM \"{parent}\")",
                        t.name
                    ),
                    [],
                )?;
            }
        }
        dropped += round;
        if round == 0 {
            return Ok((stand_ins, dropped));
        }
    }
}
