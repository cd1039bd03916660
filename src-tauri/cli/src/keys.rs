//! `asym keys passphrase | mode | rotate-recovery | rekey`: the journal's own keys over the
//! years, over `usecase::keys`. (`asym keys show | export-public`, the signing key, are in
//! `manager.rs`.) Secrets come from files, the environment or a prompt, never arguments.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use asymptote_core::usecase::keys;
use asymptote_core::*;
use serde::Serialize;

use crate::input;
use crate::manager::Opts;

/// The environment variable a new passphrase is read from.
pub const NEW_PASSPHRASE_ENV: &str = "ASYMPTOTE_NEW_PASSPHRASE";

/// Where the journal's key is to be kept.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    /// In the system keyring: nothing to type.
    Keyring,
    /// Behind a passphrase (no keyring is used).
    Passphrase,
}

/// A new passphrase: `--new-passphrase-file`, ASYMPTOTE_NEW_PASSPHRASE, or typed twice.
fn new_passphrase(file: Option<&Path>) -> Result<Passphrase> {
    if let Some(f) = file {
        return input::passphrase(Some(f));
    }
    if let Ok(p) = std::env::var(NEW_PASSPHRASE_ENV) {
        return Ok(Passphrase::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!(
            "A new passphrase is needed; nothing was changed. Give --new-passphrase-file FILE, set {NEW_PASSPHRASE_ENV}, or run in a terminal to type it."
        )));
    }
    input::typed_twice(
        "New passphrase (a few words is best): ",
        "The two new passphrases differ; nothing was changed. Run the command again.",
    )
}

/// A refused new passphrase names where `asym keys` takes it from (hint.rs names the
/// export's option for the same field).
fn new_passphrase_refused(e: Error) -> Error {
    match e {
        Error::Field {
            field: Field::Passphrase,
            message,
        } => Error::Invalid(format!(
            "{message} Nothing was changed. (--new-passphrase-file or {NEW_PASSPHRASE_ENV})"
        )),
        other => other,
    }
}

fn copy(p: &Passphrase) -> Passphrase {
    Passphrase::new(p.expose_dangerously().to_string())
}

/// The journal, opened without the day's backup (a rekey takes its own first), and in
/// passphrase mode the passphrase that opened it, which the change must prove again.
fn open(o: &Opts) -> Result<(Journal, Option<Passphrase>)> {
    match Journal::key_mode(o.dir)? {
        KeyMode::Keyring => Ok((crate::cmd::open_journal_only(o.dir, None)?, None)),
        KeyMode::Passphrase => {
            let p = input::passphrase(o.passphrase_file)?;
            let j = usecase::open_journal(o.dir, &OsKeyring::new(), || Ok(copy(&p)))?;
            Ok((j, Some(p)))
        }
    }
}

#[derive(Serialize)]
struct Changed {
    key_mode: KeyMode,
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_before: Option<String>,
}

/// `asym keys passphrase`.
pub fn passphrase(o: &Opts, new_file: Option<&PathBuf>) -> Result<()> {
    let (mut j, old) = open(o)?;
    let old = old.ok_or_else(|| {
        Error::Invalid(
            "This journal keeps its key in the system keyring and has no passphrase; nothing was changed. `asym keys mode passphrase` gives it one.".into(),
        )
    })?;
    let new = new_passphrase(new_file.map(PathBuf::as_path))?;
    keys::change_passphrase(&mut j, &old, new).map_err(new_passphrase_refused)?;
    o.print(
        &Changed {
            key_mode: j.mode(),
            recovery_key: None,
            backup_before: None,
        },
        || {
            "Changed the journal's passphrase; the old one no longer opens it. Backups taken before keep the old passphrase (and your recovery key opens them too).".into()
        },
    )
}

/// `asym keys mode keyring|passphrase`.
pub fn mode(o: &Opts, to: ModeArg, new_file: Option<&PathBuf>) -> Result<()> {
    let (mut j, old) = open(o)?;
    let ring = OsKeyring::new();
    let (r, text) = match (to, old) {
        (ModeArg::Keyring, Some(old)) => (
            keys::to_keyring_mode(&mut j, &old, &ring)?,
            "The journal's key is now in your system keyring: it opens with nothing typed, and its passphrase no longer opens it (backups taken before still do).".to_string(),
        ),
        (ModeArg::Keyring, None) => (
            keys::to_keyring_mode(&mut j, &Passphrase::new(String::new()), &ring)?,
            "The journal's key is already in your system keyring; nothing was changed.".into(),
        ),
        (ModeArg::Passphrase, None) => {
            let new = new_passphrase(new_file.map(PathBuf::as_path))?;
            let r = keys::to_passphrase_mode(&mut j, new, &ring).map_err(new_passphrase_refused)?;
            let text = match &r.keyring_left {
                None => "The journal is now protected by your passphrase, and its key was removed from the system keyring.".to_string(),
                Some(why) => format!(
                    "The journal is now protected by your passphrase, but its key could not be removed from the system keyring: {why} Run `asym keys mode passphrase` again to remove it."
                ),
            };
            (r, text)
        }
        (ModeArg::Passphrase, Some(_)) => {
            let r = keys::to_passphrase_mode(&mut j, Passphrase::new(String::new()), &ring)?;
            (
                r,
                "The journal is already protected by a passphrase; nothing was changed (`asym keys passphrase` changes it).".into(),
            )
        }
    };
    o.print(
        &Changed {
            key_mode: r.key_mode,
            recovery_key: None,
            backup_before: None,
        },
        || text,
    )
}

/// `asym keys rotate-recovery`. The new key is written out before this returns; if it
/// cannot be (`| head -0`, a full disk), the old one stays in force.
pub fn rotate_recovery(o: &Opts) -> Result<()> {
    let (mut j, _) = open(o)?;
    let mode = j.mode();
    keys::rotate_recovery_key_shown(&mut j, |rk| {
        let shown = rk.display_dangerously();
        let text = if o.json {
            let changed = Changed {
                key_mode: mode,
                recovery_key: Some(shown.to_string()),
                backup_before: None,
            };
            format!(
                "{}\n",
                serde_json::to_string_pretty(&changed).map_err(std::io::Error::other)?
            )
        } else {
            format!(
                "Your new recovery key (shown only this once — write it down and keep it apart from this computer):\n\n    {}\n\nThe old recovery key no longer opens the journal. Backups taken before now still open with the old one only, so keep it until they have rotated away.\n",
                shown.as_str()
            )
        };
        let mut out = std::io::stdout().lock();
        std::io::Write::write_all(&mut out, text.as_bytes())?;
        std::io::Write::flush(&mut out)
    })?;
    Ok(())
}

/// `asym keys rekey`.
pub fn rekey(o: &Opts, recovery_key_file: Option<&PathBuf>) -> Result<()> {
    let (mut j, pass) = open(o)?;
    let rk = input::recovery_key(recovery_key_file.map(PathBuf::as_path))?;
    let r = keys::rekey(&mut j, &rk, pass.as_ref(), &OsKeyring::new())?;
    let id = &r.before.backup.snapshot.id;
    o.print(
        &Changed {
            key_mode: j.mode(),
            recovery_key: None,
            backup_before: Some(id.clone()),
        },
        || {
            format!(
                "Re-encrypted the journal under a new key{}; your recovery key opens it as before. The backup {id}, taken first, keeps the old key: your recovery key opens a copy of its folder as a journal.",
                match j.mode() {
                    KeyMode::Keyring => ", which the system keyring now holds",
                    KeyMode::Passphrase => ", behind the same passphrase",
                }
            )
        },
    )
}
