//! Creating, opening and recovering a journal as a person asks: one front door for every
//! host. The host says how to get a passphrase (a prompt, a file, a field); the journal's
//! key mode decides whether it is asked for at all.

use std::path::Path;

use crate::error::{Error, Result};
use crate::journal::{CreateOptions, Created, Journal, Unlock};
use crate::keystore::KeyStore;
use crate::secret::Passphrase;
use crate::usecase::policy;
use crate::vault::KeyMode;

/// Opens the journal in `dir`: from the keyring in keyring mode; in passphrase mode with
/// what `passphrase` returns (asked only then).
pub fn open_journal(
    dir: &Path,
    keys: &dyn KeyStore,
    passphrase: impl FnOnce() -> Result<Passphrase>,
) -> Result<Journal> {
    match Journal::key_mode(dir)? {
        KeyMode::Keyring => Journal::open(dir, Unlock::Keyring, keys),
        KeyMode::Passphrase => Journal::open(dir, Unlock::Passphrase(passphrase()?), keys),
    }
}

/// Creates a journal in `dir`: behind `passphrase` when one is given (the passphrase
/// policy applies), else with its key in the keyring.
pub fn create_journal(
    dir: &Path,
    passphrase: Option<Passphrase>,
    keys: &dyn KeyStore,
) -> Result<Created> {
    if Journal::exists(dir) {
        return Err(Error::AlreadyExists(dir.to_path_buf()));
    }
    let opts = match passphrase {
        Some(p) => CreateOptions::passphrase(policy::journal_passphrase(p)?),
        None => CreateOptions::keyring(),
    };
    Journal::create(dir, opts, keys)
}

/// Opens the journal with its recovery key. In keyring mode this also puts the key back
/// into the keyring (a new machine, a deleted entry), so the next open needs nothing typed.
pub fn recover_journal(dir: &Path, recovery_key: &str, keys: &dyn KeyStore) -> Result<Journal> {
    match Journal::key_mode(dir)? {
        KeyMode::Keyring => Journal::restore_to_keyring(dir, recovery_key, keys),
        KeyMode::Passphrase => Journal::open(dir, Unlock::RecoveryKey(recovery_key.into()), keys),
    }
}
