//! Reading around damage: what a reading command shows when it meets a damaged page.
//!
//! SQLite cannot step past a page that fails its check, and SQLCipher leaves the
//! connection in an error state after one, so a list that meets one fails whole. Rather
//! than refuse everything, a host salvages the journal (the same reading, table by table,
//! row by row around the damage, as [`salvage`](super::salvage)) into a temporary
//! journal inside the journal's own folder — encrypted with the journal's key like every
//! other file there, never plaintext — opens it read-only, and runs the same reading on
//! it. [`ReadAround`] says what could not be read, and removes the copy when dropped; a
//! copy left by a killed process is removed by the next one.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{KindSalvage, LostItem, salvage_keyed};
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::snapshot;

/// The hidden folder a copy read around damage lives in, inside the journal's folder.
const PREFIX: &str = ".read-around-";

/// A damaged journal's readable rows, in a temporary copy (see the module doc).
pub struct ReadAround {
    copy: Option<Journal>,
    dir: PathBuf,
    summary: Damage,
}

/// What reading around damage could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Damage {
    /// Items read.
    pub read: usize,
    /// Items known to be on damaged pages, per kind.
    pub lost: Vec<KindLost>,
    /// The days of those items (oldest first), as far as an index knows them.
    pub days: Vec<String>,
    /// Whether rows may be missing that no index could name.
    pub uncounted: bool,
}

/// One kind's part of [`Damage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KindLost {
    pub kind: crate::domain::Kind,
    pub count: usize,
}

impl Damage {
    fn of(kinds: &[KindSalvage], lost: &[LostItem]) -> Damage {
        let mut days: Vec<String> = lost.iter().filter_map(|l| l.day.clone()).collect();
        days.sort();
        days.dedup();
        Damage {
            read: kinds.iter().map(|k| k.salvaged).sum(),
            lost: kinds
                .iter()
                .filter(|k| k.lost > 0)
                .map(|k| KindLost {
                    kind: k.kind,
                    count: k.lost,
                })
                .collect(),
            days,
            uncounted: kinds.iter().any(|k| k.uncounted_loss),
        }
    }

    /// Items known lost, all kinds.
    pub fn lost_items(&self) -> usize {
        self.lost.iter().map(|k| k.count).sum()
    }
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "The journal is damaged: what is shown is what could still be read ({} items)",
            self.read
        )?;
        let lost = self.lost_items();
        if lost > 0 {
            write!(
                f,
                "; {lost} item{} on damaged pages could not be read",
                if lost == 1 { "" } else { "s" }
            )?;
            match (self.days.first(), self.days.last()) {
                (Some(a), Some(b)) if a == b => write!(f, " (dated {a})")?,
                (Some(a), Some(b)) => write!(f, " (dated {a} to {b})")?,
                _ => {}
            }
        }
        if self.uncounted {
            write!(f, "; some rows that no index names may be missing too")?;
        }
        write!(f, ". Nothing was changed.")
    }
}

impl std::fmt::Debug for ReadAround {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadAround")
            .field("dir", &self.dir)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl ReadAround {
    /// A read-only connection to the copy, for one reading.
    pub fn open(&self) -> Result<Journal> {
        let copy = self.copy.as_ref().ok_or(Error::InUse)?;
        let j = copy.another_connection()?;
        j.conn.execute_batch("PRAGMA query_only = ON;")?;
        Ok(j)
    }

    /// What could not be read.
    pub fn damage(&self) -> &Damage {
        &self.summary
    }
}

impl Drop for ReadAround {
    fn drop(&mut self) {
        drop(self.copy.take());
        remove(&self.dir);
    }
}

fn remove(dir: &Path) {
    Journal::remove_files(dir);
    let _ = std::fs::remove_dir_all(dir);
}

/// Reads the damaged journal `j` around its damage (see the module doc). Fails only
/// when nothing at all can be read.
pub fn read_around(j: &Journal) -> Result<ReadAround> {
    let dir = j.dir();
    snapshot::clean_stale(dir, PREFIX);
    // A killed salvage's own work folder beside it (`.NAME.salvage-PID`).
    snapshot::clean_stale(dir, &format!(".{PREFIX}"));
    let to = dir.join(format!("{PREFIX}{}", std::process::id()));
    remove(&to);
    let report = salvage_keyed(dir, &to, j.meta(), j.key().duplicate(), None)?;
    let opened = Journal::open_keyed(&to, j.meta(), j.key().duplicate());
    let copy = match opened {
        Ok(c) => c,
        Err(e) => {
            remove(&to);
            return Err(e);
        }
    };
    copy.conn.execute_batch("PRAGMA query_only = ON;")?;
    Ok(ReadAround {
        copy: Some(copy),
        dir: to,
        summary: Damage::of(&report.kinds, &report.lost),
    })
}
