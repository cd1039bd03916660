//! Reading and writing items: one generic path over every item table, as methods on
//! [`Journal`]; each table's own rules in a file of its own.
//!
//! [`Stored`] says what an item table is — its kind, its columns, how an item binds to them
//! and is read back, its search text, its child rows — and the insert, update, delete, get,
//! list and page code here is written once for all six. Every write is one transaction
//! together with its search-index update, so the index never disagrees with the items.
//! Every item table begins with the same bookkeeping columns ([`META`]), bound and read
//! here only. Each of `purposes.rs`, `challenges.rs`, `sessions.rs`, `reflections.rs`,
//! `checkins.rs` and `audit.rs` holds only its table's rules: validation, children, its own
//! queries, and the public methods on [`Journal`]; `search.rs` reads across tables.
//!
//! Child rows (feedback, tags, links) are read for the rows being returned only, by an
//! index lookup of their owners (`WHERE owner IN (…)`, a chunk of owners per statement),
//! never by a scan of the child table: a page of ten sessions reads ten sessions' feedback.

mod audit;
mod challenges;
mod checkins;
mod purposes;
mod reflections;
mod search;
mod sessions;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, Type, Value, ValueRef};
use rusqlite::{Connection, Row, ToSql, Transaction};

use crate::domain::*;
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::names;

/// A stored row that could not be read back (a value no reader accepts, such as a date
/// past the year 9999 that an older build stored), left out of the list it was in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Unreadable {
    pub kind: Kind,
    /// The row's id as stored, when even that could be read.
    pub id: Option<String>,
    /// The row's day as stored, when it could be read.
    pub day: Option<String>,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = self.kind.as_str().replace('_', " ");
        match &self.id {
            Some(id) => write!(
                f,
                "One {kind} ({id}) is stored in a form this version cannot read, so it was left out; it can still be deleted."
            ),
            None => write!(
                f,
                "One {kind} is stored in a form this version cannot read, so it was left out."
            ),
        }
    }
}

/// The bookkeeping columns every item table begins with, in this order.
const META: [&str; 7] = [
    "id",
    "created_at",
    "updated_at",
    "at",
    "offset_secs",
    "day",
    "private",
];

/// An item table: what the generic code needs to know of it. Implemented by each item type
/// in its table's file.
pub(crate) trait Stored: Clone + Sized {
    const KIND: Kind;
    /// The kind's code in the high bits of the search index's rowids. It is on disk: never
    /// renumber one.
    const SEARCH_CODE: i64;
    /// The table's own columns after [`META`], in the order of the schema, of
    /// [`Stored::values`] and of [`Stored::from_row`].
    const COLUMNS: &'static [&'static str];
    /// The sentence for a row the table's CHECK constraints refuse; `None` leaves the
    /// database's own error.
    const REFUSED: Option<&'static str> = None;

    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    /// Validates the item and normalises it (trimmed text) before any write.
    fn clean(&mut self) -> Result<()>;
    /// The values of [`Stored::COLUMNS`], in order.
    fn values(&self) -> Vec<&dyn ToSql>;
    /// The item from its row: `meta` is read; `cols` is at the first of [`Stored::COLUMNS`].
    /// Children are left empty and filled by [`Stored::read_children`].
    fn from_row(meta: Meta, cols: &mut Cols<'_, '_>) -> rusqlite::Result<Self>;
    /// The text the search index holds for the item.
    fn search_body(&self) -> String;
    /// Inside the write's transaction, before the row: the items it refers to exist.
    fn check_refs(&self, _tx: &Transaction<'_>) -> Result<()> {
        Ok(())
    }
    /// Inside the write's transaction, after the row: its child rows, replacing any.
    fn write_children(&self, _tx: &Transaction<'_>) -> Result<()> {
        Ok(())
    }
    /// Fills in the child rows of `items`, read for those items only.
    fn read_children(_conn: &Connection, _items: &mut [Self]) -> Result<()> {
        Ok(())
    }
    /// Inside the delete's transaction, before anything: refuses a delete the table's rules
    /// forbid.
    fn check_delete(_tx: &Transaction<'_>, _id: Id) -> Result<()> {
        Ok(())
    }
}

// ------------------------------------------------------------------ values

impl ToSql for Id {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for Id {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        uuid::Uuid::parse_str(value.as_str()?)
            .map(Id)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// Enums are stored as their serde names (TEXT); a stored name that is none of them is an
/// error, not a default.
macro_rules! stored_by_name {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(names::name_of(self)))
            }
        }
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                names::from_name(value.as_str()?).ok_or_else(|| {
                    FromSqlError::Other(concat!("not a stored ", stringify!($t)).into())
                })
            }
        }
    )+};
}
stored_by_name!(ChallengeStatus, FeedbackSource, AuditKind, TaskType);

/// A time as the store keeps it: RFC 3339 UTC, to the millisecond.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Now, to the millisecond: the precision the store keeps.
fn now_ms() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(3)
}

/// The bookkeeping of an item about to be written for the first time.
fn new_meta(when: Option<chrono::DateTime<chrono::FixedOffset>>, private: bool) -> Meta {
    let now = now_ms();
    Meta {
        id: Id::new(),
        when: when.map_or_else(When::now, When::from_local),
        created_at: now,
        updated_at: now,
        private,
    }
}

/// The values of [`META`], in order.
fn meta_values(m: &Meta) -> [Value; 7] {
    [
        Value::Text(m.id.to_string()),
        Value::Text(ts(m.created_at)),
        Value::Text(ts(m.updated_at)),
        Value::Text(ts(m.when.at)),
        Value::Integer(i64::from(m.when.offset_secs)),
        Value::Text(m.when.day.to_string()),
        Value::Integer(i64::from(m.private)),
    ]
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// `LIMIT ?1 OFFSET ?2` arguments (SQLite's integers are signed).
fn page(limit: usize, skip: usize) -> (i64, i64) {
    (
        i64::try_from(limit).unwrap_or(i64::MAX),
        i64::try_from(skip).unwrap_or(i64::MAX),
    )
}

/// A row read column after column, in the order the `SELECT` names them.
pub(crate) struct Cols<'a, 'r> {
    row: &'a Row<'r>,
    next: usize,
}

impl<'a, 'r> Cols<'a, 'r> {
    fn new(row: &'a Row<'r>) -> Self {
        Cols { row, next: 0 }
    }

    /// The next column's value.
    pub(crate) fn read<T: FromSql>(&mut self) -> rusqlite::Result<T> {
        let i = self.next;
        self.next += 1;
        self.row.get(i)
    }

    fn read_text_as<T, E>(
        &mut self,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> rusqlite::Result<T>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let i = self.next;
        let text: String = self.read()?;
        parse(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
    }

    /// A local day, `YYYY-MM-DD`.
    fn read_day(&mut self) -> rusqlite::Result<NaiveDate> {
        self.read_text_as(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
    }

    /// The [`META`] columns.
    fn read_meta(&mut self) -> rusqlite::Result<Meta> {
        let time = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
        Ok(Meta {
            id: self.read()?,
            created_at: self.read_text_as(time)?,
            updated_at: self.read_text_as(time)?,
            when: When {
                at: self.read_text_as(time)?,
                offset_secs: self.read()?,
                day: self.read_day()?,
            },
            private: self.read()?,
        })
    }
}

// ---------------------------------------------------------------- children

/// How many owners one child query asks for at most.
const CHUNK: usize = 256;

/// A child table: rows that belong to one item (feedback, tags, links), read back for many
/// items at once through an index whose first column is `owner`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Children {
    pub table: &'static str,
    /// The column holding the owning item's id.
    pub owner: &'static str,
    /// The columns read, after the owner's id.
    pub columns: &'static str,
    /// Each owner's rows come in this order.
    pub order: &'static str,
}

impl Children {
    /// The query for `slots` owners. Chunks are padded with NULLs (which match nothing) to a
    /// power of two, so a few statements serve every page size and stay prepared.
    fn sql(&self, slots: usize) -> String {
        let Children {
            table,
            owner,
            columns,
            order,
        } = self;
        let marks = vec!["?"; slots].join(", ");
        format!(
            "SELECT {owner}, {columns} FROM {table} WHERE {owner} IN ({marks}) ORDER BY {owner}, {order}"
        )
    }

    /// The rows of `owners`, each owner's in order, grouped by owner.
    fn read<C>(
        &self,
        conn: &Connection,
        owners: &[Id],
        mut map: impl FnMut(&mut Cols<'_, '_>) -> rusqlite::Result<C>,
    ) -> Result<HashMap<Id, Vec<C>>> {
        let mut grouped: HashMap<Id, Vec<C>> = HashMap::new();
        for chunk in owners.chunks(CHUNK) {
            let slots = chunk.len().next_power_of_two();
            let mut stmt = conn.prepare_cached(&self.sql(slots))?;
            let args = chunk.iter().map(Some).chain(std::iter::repeat(None));
            let mut rows = stmt.query(rusqlite::params_from_iter(args.take(slots)))?;
            while let Some(r) = rows.next()? {
                let mut cols = Cols::new(r);
                let owner: Id = cols.read()?;
                grouped.entry(owner).or_default().push(map(&mut cols)?);
            }
        }
        Ok(grouped)
    }

    /// Reads the children of `items` and hands each item its own (none: an empty list).
    pub(crate) fn fill<T: Stored, C>(
        &self,
        conn: &Connection,
        items: &mut [T],
        map: impl FnMut(&mut Cols<'_, '_>) -> rusqlite::Result<C>,
        mut set: impl FnMut(&mut T, Vec<C>),
    ) -> Result<()> {
        let owners: Vec<Id> = items.iter().map(|i| i.meta().id).collect();
        let mut grouped = self.read(conn, &owners, map)?;
        for item in items {
            set(item, grouped.remove(&item.meta().id).unwrap_or_default());
        }
        Ok(())
    }

    /// Removes `owner`'s rows, before its new ones are written.
    pub(crate) fn clear(&self, tx: &Transaction<'_>, owner: Id) -> Result<()> {
        tx.execute(
            &format!("DELETE FROM {} WHERE {} = ?1", self.table, self.owner),
            [owner],
        )?;
        Ok(())
    }
}

/// A link table: an item's links to items of another kind, which must exist.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Links {
    pub table: &'static str,
    pub owner: &'static str,
    pub target: &'static str,
    /// The kind the links point to.
    pub kind: Kind,
}

impl Links {
    fn children(&self) -> Children {
        Children {
            table: self.table,
            owner: self.owner,
            columns: self.target,
            order: self.target,
        }
    }

    /// Hands each of `items` the ids it links to, sorted.
    pub(crate) fn fill<T: Stored>(
        &self,
        conn: &Connection,
        items: &mut [T],
        set: impl FnMut(&mut T, Vec<Id>),
    ) -> Result<()> {
        // A closure, not `Cols::read`: the path is not general over the row's lifetimes.
        #[allow(clippy::redundant_closure_for_method_calls)]
        self.children().fill(conn, items, |c| c.read(), set)
    }

    /// Replaces `owner`'s links with `targets`; a target that does not exist is refused.
    pub(crate) fn write(&self, tx: &Transaction<'_>, owner: Id, targets: &[Id]) -> Result<()> {
        self.children().clear(tx, owner)?;
        let sql = format!(
            "INSERT OR IGNORE INTO {} ({}, {}) VALUES (?1, ?2)",
            self.table, self.owner, self.target
        );
        for target in targets {
            ensure_exists(tx, self.kind, *target)?;
            tx.execute(&sql, [owner, *target])?;
        }
        Ok(())
    }
}

// ------------------------------------------------------------------ errors

fn not_found(kind: Kind, id: Id) -> Error {
    Error::NotFound {
        kind: kind.as_str(),
        id: id.to_string(),
    }
}

fn map_constraint(e: rusqlite::Error, what: &str) -> Error {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.code == rusqlite::ErrorCode::ConstraintViolation
    {
        return Error::invalid(format!("{what} Nothing was changed."));
    }
    e.into()
}

/// The error for a write of `T` the database refused.
fn refused<T: Stored>(e: rusqlite::Error) -> Error {
    match T::REFUSED {
        Some(what) => map_constraint(e, what),
        None => e.into(),
    }
}

fn ensure_exists(tx: &Transaction<'_>, kind: Kind, id: Id) -> Result<()> {
    let n: i64 = tx.query_row(
        &format!("SELECT count(*) FROM {} WHERE id = ?1", kind.table()),
        [id],
        |r| r.get(0),
    )?;
    if n == 0 {
        Err(not_found(kind, id))
    } else {
        Ok(())
    }
}

// ------------------------------------------------------- the generic path

fn select_sql<T: Stored>(filter: &str) -> String {
    format!(
        "SELECT {}, {} FROM {} {filter}",
        META.join(", "),
        T::COLUMNS.join(", "),
        T::KIND.table()
    )
}

fn insert_sql<T: Stored>() -> String {
    let n = META.len() + T::COLUMNS.len();
    let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}, {}) VALUES ({})",
        T::KIND.table(),
        META.join(", "),
        T::COLUMNS.join(", "),
        marks.join(", ")
    )
}

/// Binds the same values as [`insert_sql`]: `?1` is the id; the id and `created_at` (`?2`)
/// never change.
fn update_sql<T: Stored>() -> String {
    let set: Vec<String> = META
        .iter()
        .chain(T::COLUMNS)
        .enumerate()
        .skip(2)
        .map(|(i, col)| format!("{col} = ?{}", i + 1))
        .collect();
    format!(
        "UPDATE {} SET {} WHERE id = ?1",
        T::KIND.table(),
        set.join(", ")
    )
}

/// Runs `sql` (from [`insert_sql`] or [`update_sql`]) for `item`.
fn write_row<T: Stored>(tx: &Transaction<'_>, sql: &str, item: &T) -> Result<()> {
    let meta = meta_values(item.meta());
    let mut values: Vec<&dyn ToSql> = meta.iter().map(|v| v as &dyn ToSql).collect();
    values.extend(item.values());
    tx.prepare_cached(sql)?
        .execute(values.as_slice())
        .map_err(refused::<T>)?;
    Ok(())
}

impl Journal {
    /// Runs `f` in one IMMEDIATE transaction; commits on `Ok`.
    pub(crate) fn with_tx<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Finds the one item of `kind` whose id is `text`, or starts or ends with it.
    pub fn resolve_id(&self, kind: Kind, text: &str) -> Result<Id> {
        let t = text.trim().to_ascii_lowercase();
        if let Ok(id) = t.parse::<Id>() {
            return Ok(id);
        }
        if t.len() < 4 || !t.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(Error::field(
                crate::error::Field::Id,
                format!(
                    "`{text}` is not an id of a {}; give at least 4 characters of one.",
                    kind.as_str().replace('_', " ")
                ),
            ));
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id FROM {} WHERE id LIKE ?1 || '%' OR id LIKE '%' || ?1 LIMIT 2",
            kind.table()
        ))?;
        let ids: Vec<Id> = stmt
            .query_map([&t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(*one),
            [] => Err(Error::NotFound {
                kind: kind.as_str(),
                id: text.to_string(),
            }),
            _ => Err(Error::Ambiguous {
                kind: kind.as_str(),
                id: text.to_string(),
            }),
        }
    }

    /// The items of `T` that `filter` (the SQL after `FROM table`) selects, with their
    /// children. A row that cannot be read is left out and noted (see
    /// [`Journal::take_unreadable`]), so one bad value never hides the rest of a list.
    fn rows<T: Stored>(&self, filter: &str, args: &[&dyn ToSql]) -> Result<Vec<T>> {
        let (items, unreadable) = self.rows_or_notes::<T>(filter, args)?;
        self.unreadable.borrow_mut().extend(unreadable);
        Ok(items)
    }

    /// The readable items `filter` selects, and a note for each row that is not.
    fn rows_or_notes<T: Stored>(
        &self,
        filter: &str,
        args: &[&dyn ToSql],
    ) -> Result<(Vec<T>, Vec<Unreadable>)> {
        let mut stmt = self.conn.prepare_cached(&select_sql::<T>(filter))?;
        let rows = stmt.query_map(args, |r| {
            let mut cols = Cols::new(r);
            let item = cols
                .read_meta()
                .and_then(|meta| T::from_row(meta, &mut cols));
            Ok(match item {
                Ok(item) => {
                    debug_assert_eq!(
                        cols.next,
                        META.len() + T::COLUMNS.len(),
                        "every column read"
                    );
                    Ok(item)
                }
                // Read as raw text, which any stored value can be.
                Err(_) => Err(Unreadable {
                    kind: T::KIND,
                    id: r.get::<_, String>(0).ok(),
                    day: r.get::<_, String>(5).ok(),
                }),
            })
        })?;
        let mut items = Vec::new();
        let mut unreadable = Vec::new();
        for row in rows {
            match row? {
                Ok(item) => items.push(item),
                Err(note) => unreadable.push(note),
            }
        }
        T::read_children(&self.conn, &mut items)?;
        Ok((items, unreadable))
    }

    /// The notes of the rows left out of the lists read since the last call, once each.
    /// A host shows them beside the list ("one purpose could not be read …").
    pub fn take_unreadable(&self) -> Vec<Unreadable> {
        std::mem::take(&mut *self.unreadable.borrow_mut())
    }

    /// One item, or [`Error::NotFound`], or [`Error::Unreadable`] when its row cannot be
    /// read.
    fn item<T: Stored>(&self, id: Id) -> Result<T> {
        let (mut items, unreadable) = self.rows_or_notes::<T>("WHERE id = ?1", &[&id])?;
        if let Some(note) = unreadable.into_iter().next() {
            return Err(Error::Unreadable {
                kind: T::KIND.as_str(),
                id: note.id.unwrap_or_else(|| id.to_string()),
            });
        }
        items.pop().ok_or_else(|| not_found(T::KIND, id))
    }

    /// Every item of `T`, oldest first.
    fn items<T: Stored>(&self) -> Result<Vec<T>> {
        self.rows("ORDER BY at, id", &[])
    }

    /// The latest items of `T`, newest first: `limit` of them after skipping `skip` (a page
    /// of a long history without reading ten years of it).
    fn latest<T: Stored>(&self, limit: usize, skip: usize) -> Result<Vec<T>> {
        let (limit, skip) = page(limit, skip);
        self.rows(
            "ORDER BY at DESC, id DESC LIMIT ?1 OFFSET ?2",
            &[&limit, &skip],
        )
    }

    /// Writes new items in one transaction, all or none, each cleaned first (in order, so
    /// the first refusal is the one reported). `items` may refuse an item itself.
    fn insert_items<T: Stored>(
        &mut self,
        items: impl IntoIterator<Item = Result<T>>,
    ) -> Result<Vec<Id>> {
        let items = items
            .into_iter()
            .map(|item| {
                let mut item = item?;
                item.clean()?;
                Ok(item)
            })
            .collect::<Result<Vec<T>>>()?;
        let sql = insert_sql::<T>();
        self.with_tx(|tx| {
            for item in &items {
                item.check_refs(tx)?;
                write_row(tx, &sql, item)?;
                item.write_children(tx)?;
                search::reindex(tx, item)?;
            }
            Ok(())
        })?;
        Ok(items.iter().map(|i| i.meta().id).collect())
    }

    /// Writes one new item and reads it back as stored.
    fn create_item<T: Stored>(&mut self, item: T) -> Result<T> {
        let id = item.meta().id;
        self.insert_items([Ok(item)])?;
        self.item(id)
    }

    /// Replaces a stored item (its creation time kept) and reads it back as stored.
    fn update_item<T: Stored>(&mut self, item: &T) -> Result<T> {
        let mut item = item.clone();
        item.clean()?;
        item.meta_mut().updated_at = now_ms();
        let id = item.meta().id;
        self.with_tx(|tx| {
            ensure_exists(tx, T::KIND, id)?;
            item.check_refs(tx)?;
            write_row(tx, &update_sql::<T>(), &item)?;
            item.write_children(tx)?;
            search::reindex(tx, &item)
        })?;
        self.item(id)
    }

    /// Deletes an item (its children go with it, by `ON DELETE CASCADE`).
    fn delete_item<T: Stored>(&mut self, id: Id) -> Result<()> {
        self.with_tx(|tx| {
            T::check_delete(tx, id)?;
            ensure_exists(tx, T::KIND, id)?;
            search::unindex::<T>(tx, id)?;
            tx.execute(
                &format!("DELETE FROM {} WHERE id = ?1", T::KIND.table()),
                [id],
            )
            .map_err(|e| {
                map_constraint(
                    e,
                    &format!(
                        "This {} still has items that depend on it; delete or move them first.",
                        T::KIND.as_str()
                    ),
                )
            })?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
