//! The manager's side: bundles received from their people, and the one-on-one agenda.
//!
//! A manager keeps an ordinary encrypted journal (its own data folder); these tables
//! (migration 0005) hold what they received and what they prepare. Nothing here is
//! ever read by an export, so a manager's notes never leave with anyone's bundle.
//!
//! Importing is fail-closed and writes nothing unless every check passes, in order:
//! 1. the detached minisign signature is over the file exactly as received, by a key the
//!    manager trusts **for that person** (a key trusted for someone else, or unknown,
//!    is refused as foreign; a changed byte is refused as tampered);
//! 2. an age-encrypted file is decrypted (passphrase or the manager's age identity);
//! 3. the bundle parses and validates ([`crate::export::Bundle::from_json`]).
//!
//! Only then is the verified bundle stored, read-only, in one transaction.
//!
//! The parts, one file each: `people` (the people, by name), `trust` (the keys trusted for
//! each), `import` (the checks above and the storing), `received` (the stored bundles read
//! back), `timeline` (what a person shared, by day, as fields the window and the CLI word
//! for themselves) and `agenda` (the one-on-ones). This file keeps what they share.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Row;

use crate::domain::Id;
use crate::error::{Error, Result};

mod agenda;
mod import;
mod people;
mod received;
#[cfg(test)]
mod tests;
mod timeline;
mod trust;

pub use agenda::{Agenda, AgendaItem, AgendaKind};
pub use people::Person;
pub use received::ReceivedBundle;
pub use timeline::{PracticeFigures, Timeline, TimelineDay, TimelineItem};
pub use trust::TrustedKey;

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

// Reading stored values. A value that does not parse is an error, never a default: a 1970
// date or a fresh random id would show a person something the store never held. The error
// is rusqlite's conversion failure, which `Error::from` words as "a stored value had an
// unexpected form" (no SQL and no value in the message).

/// A stored value of column `col` that has the wrong form.
fn unexpected(
    col: usize,
    why: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, why.into())
}

/// Column `col`, an instant stored as RFC 3339 text.
fn time_at(r: &Row<'_>, col: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(col)?;
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| unexpected(col, e))
}

/// Column `col`, an instant or NULL.
fn opt_time_at(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match r.get::<_, Option<String>>(col)? {
        None => Ok(None),
        Some(_) => time_at(r, col).map(Some),
    }
}

/// Column `col`, an id (a UUID as text).
fn id_at(r: &Row<'_>, col: usize) -> rusqlite::Result<Id> {
    let s: String = r.get(col)?;
    uuid::Uuid::parse_str(&s)
        .map(Id)
        .map_err(|e| unexpected(col, e))
}

/// Column `col`, a local day stored as YYYY-MM-DD, or NULL.
fn opt_day_at(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    r.get::<_, Option<String>>(col)?
        .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| unexpected(col, e)))
        .transpose()
}

/// Column `col`, a local day (never NULL).
fn day_at(r: &Row<'_>, col: usize) -> rusqlite::Result<NaiveDate> {
    opt_day_at(r, col)?.ok_or_else(|| unexpected(col, "a day is missing"))
}

fn clean_text(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(format!(
            "The {what} is empty; write a few words."
        )));
    }
    if t.chars().count() > 10_000 {
        return Err(Error::invalid(format!(
            "The {what} is longer than 10,000 characters; shorten it."
        )));
    }
    Ok(t.to_string())
}

fn person_not_found(name: &str) -> Error {
    Error::NotFound {
        kind: "manager person",
        id: name.to_string(),
    }
}
