//! Asymptote's core: the domain, the encrypted store and its keys.
//!
//! This crate knows nothing of Tauri. The desktop shell, the `asym` CLI and
//! the tests all drive this same core. See `ARCHITECTURE.md` at the repo root.
//!
//! ```no_run
//! use asymptote_core::{Journal, Unlock, OsKeyring, NewReflection, default_data_dir, local_today};
//! # fn main() -> Result<(), asymptote_core::Error> {
//! let mut j = Journal::open(&default_data_dir()?, Unlock::Keyring, &OsKeyring::new())?;
//! j.add_reflection(NewReflection { text: Some("Not yet — but closer.".into()), ..Default::default() })?;
//! let today = j.day(local_today())?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
// A library speaks through its return values; only the hosts write to a terminal.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod domain;
pub mod drafts;
pub mod error;
pub mod export;
mod fsutil;
pub mod hardening;
pub mod journal;
pub mod keystore;
pub mod manager;
mod names;
pub mod progress;
pub mod protect;
mod repo;
pub mod secret;
pub mod snapshot;
mod store;
pub mod usecase;
pub mod vault;

/// The science engine, re-exported so callers use the same version.
pub use asymptote_science as science;
pub use domain::*;
pub use drafts::Draft;
pub use error::{Error, ErrorReport, Field, Result};
pub use fsutil::{remove_orphans, write_atomic};
pub use journal::{CreateOptions, Created, ItemCounts, Journal, Status, Unlock, default_data_dir};
pub use keystore::{KeyStore, MemoryKeyStore, NoKeyStore, OsKeyring, SERVICE as KEYRING_SERVICE};
pub use progress::{Calibration, PracticeAxis, Progress};
pub use repo::Unreadable;
pub use secret::{Passphrase, RecoveryKey};
pub use snapshot::{Reason, Snapshot};
pub use store::SCHEMA_VERSION;
pub use vault::{KdfParams, KeyMode};
