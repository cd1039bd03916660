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

use chrono::{DateTime, SecondsFormat, Utc};

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
pub use timeline::{Timeline, TimelineDay, TimelineItem};
pub use trust::TrustedKey;

fn now_text() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
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
