//! Settings → Keys: the journal's own keys over the years, over `usecase::keys` (change
//! the passphrase, switch between the keyring and a passphrase, a new recovery key, a new
//! database key). Adapters only: the order of each step, which makes it crash-safe, and
//! the passphrase policy are the core's.
//!
//! **Invariant:** passphrases and recovery keys come in one way. The one key that goes out
//! is a new recovery key, once, for the person to write down (as at creation).

use asymptote_core::usecase::keys::{self, ModeSwitch, RekeyReport};
use asymptote_core::{KeyMode, OsKeyring, Passphrase};
use tauri::State;

use crate::commands::{SharedShell, off_main, write};
use crate::{CommandError, CommandResult};

/// Changes the passphrase (passphrase mode): the same key, wrapped under the new one.
#[tauri::command]
pub async fn change_passphrase(
    shell: State<'_, SharedShell>,
    old: String,
    new: String,
) -> CommandResult<()> {
    write(&shell, move |j| {
        keys::change_passphrase(j, &Passphrase::new(old), Passphrase::new(new))
    })
    .await
}

/// Moves the key into the system keyring (`passphrase` is the current one) or behind a
/// new passphrase (`passphrase` is the new one).
#[tauri::command]
pub async fn switch_key_mode(
    shell: State<'_, SharedShell>,
    to: KeyMode,
    passphrase: String,
) -> CommandResult<ModeSwitch> {
    write(&shell, move |j| {
        let p = Passphrase::new(passphrase);
        match to {
            KeyMode::Keyring => keys::to_keyring_mode(j, &p, &OsKeyring::new()),
            KeyMode::Passphrase => keys::to_passphrase_mode(j, p, &OsKeyring::new()),
        }
    })
    .await
}

/// A new recovery key, returned once for the person to write down; the old one stops
/// opening the journal (older backups keep it).
#[tauri::command]
pub async fn rotate_recovery_key(shell: State<'_, SharedShell>) -> CommandResult<String> {
    write(&shell, |j| {
        let rk = keys::rotate_recovery_key(j)?;
        Ok(rk.display_dangerously().to_string())
    })
    .await
}

/// Re-encrypts the journal under a new database key, after a backup under the old one. The
/// recovery key (and in passphrase mode the passphrase) is asked for: the new key is wrapped
/// under them. The worker connection is closed first (a rekey needs the only one) and
/// opened again.
#[tauri::command]
pub async fn rekey_journal(
    shell: State<'_, SharedShell>,
    recovery_key: String,
    passphrase: Option<String>,
) -> CommandResult<RekeyReport> {
    off_main(&shell, move |shell| {
        let mut journal = shell.journal();
        let mut worker = shell.worker();
        worker.take();
        let j = journal.as_mut().ok_or_else(CommandError::locked)?;
        let p = passphrase.map(Passphrase::new);
        let done = keys::rekey(j, &recovery_key, p.as_ref(), &OsKeyring::new());
        *worker = Some(j.another_connection()?);
        Ok(done?)
    })
    .await
}
