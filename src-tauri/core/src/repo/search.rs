//! Reading across every item table — the day view and full-text search — and keeping the
//! search index in step with the items.
//!
//! The index is an FTS5 table inside the encrypted file. [`reindex`] and [`unindex`] run
//! inside each write's transaction (the generic path in `mod.rs` calls them), so the index
//! never disagrees with the items. An item's rowid in the index is its table rowid with its
//! kind's [`Stored::SEARCH_CODE`] in the high bits, so items of different kinds never
//! collide.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Stored;
use crate::domain::*;
use crate::error::Result;
use crate::journal::Journal;

fn search_rowid<T: Stored>(item_rowid: i64) -> i64 {
    (T::SEARCH_CODE << 40) | item_rowid
}

/// The rowid of item `id` in its table, if it is there.
fn rowid(conn: &Connection, kind: Kind, id: Id) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            &format!("SELECT rowid FROM {} WHERE id = ?1", kind.table()),
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Replaces `item`'s entry in the index (after its row is written).
pub(super) fn reindex<T: Stored>(tx: &Transaction<'_>, item: &T) -> Result<()> {
    let m = item.meta();
    let Some(rowid) = rowid(tx, T::KIND, m.id)? else {
        return Err(rusqlite::Error::QueryReturnedNoRows.into());
    };
    let sid = search_rowid::<T>(rowid);
    tx.execute("DELETE FROM search_index WHERE rowid = ?1", [sid])?;
    tx.execute(
        "INSERT INTO search_index(rowid, kind, item_id, day, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            sid,
            T::KIND.as_str(),
            m.id,
            m.when.day.to_string(),
            item.search_body()
        ],
    )?;
    Ok(())
}

/// Removes item `id`'s entry from the index (before its row is deleted).
pub(super) fn unindex<T: Stored>(tx: &Transaction<'_>, id: Id) -> Result<()> {
    if let Some(rowid) = rowid(tx, T::KIND, id)? {
        tx.execute(
            "DELETE FROM search_index WHERE rowid = ?1",
            [search_rowid::<T>(rowid)],
        )?;
    }
    Ok(())
}

/// The non-empty parts of an item's text, one a line: its search body.
pub(super) fn join_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Indexes every readable item of `T` afresh, inside `tx`; returns how many.
fn reindex_all<T: Stored>(j: &Journal, tx: &Transaction<'_>) -> Result<usize> {
    let items: Vec<T> = j.items()?;
    for item in &items {
        reindex(tx, item)?;
    }
    Ok(items.len())
}

impl Journal {
    /// Rebuilds the search index from the items themselves, in one transaction (a
    /// salvaged journal's index is made anew, never copied). Returns how many items it
    /// holds; a row that cannot be read is left out and noted, as in a list.
    pub(crate) fn rebuild_search_index(&mut self) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM search_index", [])?;
        let n = reindex_all::<Purpose>(self, &tx)?
            + reindex_all::<Challenge>(self, &tx)?
            + reindex_all::<Session>(self, &tx)?
            + reindex_all::<Reflection>(self, &tx)?
            + reindex_all::<Checkin>(self, &tx)?
            + reindex_all::<AuditItem>(self, &tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// The items of `T` dated on local day `date`.
    fn on_day<T: Stored>(&self, date: &str) -> Result<Vec<T>> {
        self.rows("WHERE day = ?1 ORDER BY at, id", &[&date])
    }

    /// Everything dated on the person's local calendar day `date`.
    pub fn day(&self, date: NaiveDate) -> Result<DayView> {
        let d = date.to_string();
        Ok(DayView {
            date,
            purposes: self.on_day(&d)?,
            challenges: self.on_day(&d)?,
            sessions: self.on_day(&d)?,
            reflections: self.on_day(&d)?,
            checkins: self.on_day(&d)?,
            audit_items: self.on_day(&d)?,
        })
    }

    /// Full-text search with prefix matching: every word of `query` must match
    /// the start of a word in the item ("prac feed" finds "practice feedback").
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, item_id, day, snippet(search_index, 3, char(57344), char(57345), '…', 16)
             FROM search_index WHERE search_index MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![fts, limit], |r| {
            let mut cols = super::Cols::new(r);
            let kind: String = cols.read()?;
            let id: Id = cols.read()?;
            let day = cols.read_day()?;
            let snip: String = cols.read()?;
            Ok((kind, id, day, snip))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id, day, snip) = row?;
            let Some(kind) = Kind::parse(&kind) else {
                continue;
            };
            let (snippet, highlights) = split_highlights(&snip);
            out.push(SearchHit {
                kind,
                id,
                day,
                snippet,
                highlights,
            });
        }
        Ok(out)
    }
}

/// Turns what a person typed into an FTS5 query of quoted prefix terms, so no
/// character they type is read as FTS5 syntax.
fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// Splits an FTS5 snippet with private-use markers into plain text and the
/// byte ranges to highlight.
fn split_highlights(s: &str) -> (String, Vec<[usize; 2]>) {
    let mut text = String::with_capacity(s.len());
    let mut ranges = Vec::new();
    let mut start = None;
    for c in s.chars() {
        match c {
            '\u{E000}' => start = Some(text.len()),
            '\u{E001}' => {
                if let Some(b) = start.take() {
                    ranges.push([b, text.len()]);
                }
            }
            other => text.push(other),
        }
    }
    (text, ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_query_quotes_every_term_as_a_prefix() {
        assert_eq!(
            fts_query("prac feed").as_deref(),
            Some("\"prac\"* \"feed\"*")
        );
        assert_eq!(
            fts_query("\"; DROP TABLE x; --").as_deref(),
            Some("\"drop\"* \"table\"* \"x\"*")
        );
        assert_eq!(fts_query("  ** ").as_deref(), None);
        assert_eq!(fts_query("Übung").as_deref(), Some("\"übung\"*"));
    }

    #[test]
    fn highlights_are_byte_ranges_into_the_plain_snippet() {
        let (t, r) = split_highlights("a \u{E000}prac\u{E001}tice b");
        assert_eq!(t, "a practice b");
        assert_eq!(r, vec![[2, 6]]);
        assert_eq!(&t[r[0][0]..r[0][1]], "prac");
    }
}
