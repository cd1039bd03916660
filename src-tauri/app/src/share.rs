//! One-on-ones in the window: the person's share screen (choose, preview, export, protect)
//! and the manager's space (people, trusted keys, verified import, timeline, agenda).
//!
//! Thin adapters over `asymptote-core`'s export, protect and manager modules, like
//! `commands.rs`. Files are chosen by path: the window types or pastes one, or asks the
//! shell for the system's file chooser ([`choose_save_path`], [`choose_open_path`]); the
//! window itself has no file-system permission at all.
//!
//! **Invariant:** nothing here overwrites a file unless the person said so (`replace`),
//! and an import writes nothing unless every check passes (the core's rule).

use std::path::{Path, PathBuf};

use asymptote_core::export::{Format, Preview, PreviewItem, Selection, ShareRecord};
use asymptote_core::manager::{Agenda, AgendaItem, Person, ReceivedBundle, Timeline, TrustedKey};
use asymptote_core::protect::{
    self, AgeIdentity, AgeKind, AgeUnlock, ProtectedExport, PublicKey, Recipient,
};
use asymptote_core::{Error, Id, OsKeyring, Passphrase};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use crate::commands::{SharedShell, off_main, read, write};
use crate::{CommandError, CommandResult};

// ------------------------------------------------------------------ the person's side

/// What a file made from a selection will hold, and what the period holds beyond it
/// (private items, audit items, sections not chosen, items left out) to pick one by one.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SharePreview {
    pub preview: Preview,
    pub candidates: Vec<PreviewItem>,
}

/// Shows what an export of a selection will hold, and what the period holds beyond it.
#[tauri::command]
pub async fn share_preview(
    shell: State<'_, SharedShell>,
    selection: Selection,
    format: Format,
) -> CommandResult<SharePreview> {
    read(&shell, move |j| {
        let (preview, candidates) = j.preview_with_candidates(&selection)?;
        Ok(SharePreview {
            preview: preview.for_format(format),
            candidates,
        })
    })
    .await
}

/// How an export is encrypted with age.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Encryption {
    None,
    /// To a passphrase the manager will type (`age -d`).
    Passphrase {
        passphrase: String,
    },
    /// To the manager's age public key (`age1…`).
    AgeKey {
        recipient: String,
    },
}

/// An export as the window asks for it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ExportRequest {
    pub selection: Selection,
    pub format: Format,
    /// Where to write: an absolute path, or one starting with `~/`.
    pub path: String,
    /// Sign with the journal's signing key (a `.minisig` file beside the export).
    pub sign: bool,
    pub encryption: Encryption,
    /// Replace files already there; otherwise an existing file is refused.
    pub replace: bool,
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
}

/// A path typed by the person: absolute, or `~/…`. One sentence when it is not usable.
fn typed_path(text: &str, what: &str) -> CommandResult<PathBuf> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CommandError::new(
            "invalid",
            format!("Give the {what}'s path, or choose it with Choose…."),
        ));
    }
    let p = match t.strip_prefix("~/") {
        Some(rest) => home().map(|h| h.join(rest)).ok_or_else(|| {
            CommandError::new(
                "invalid",
                "Your home folder is unknown; give the full path.",
            )
        })?,
        None => PathBuf::from(t),
    };
    if !p.is_absolute() {
        return Err(CommandError::new(
            "invalid",
            format!("“{t}” is not a full path; give one starting with / or ~/, or use Choose…."),
        ));
    }
    Ok(p)
}

/// The files an export will write (the core's rule): the file, then its signature.
fn export_targets(path: &Path, encrypted: bool, signed: bool) -> Vec<PathBuf> {
    let (out, sig) = protect::protected_paths(path, encrypted, signed);
    std::iter::once(out).chain(sig).collect()
}

/// Refuses when the folder is missing or a target exists and `replace` is off.
fn check_targets(targets: &[PathBuf], replace: bool) -> CommandResult<()> {
    if let Some(first) = targets.first() {
        match first.parent() {
            Some(dir) if dir.is_dir() => {}
            Some(dir) => {
                return Err(CommandError::new(
                    "invalid",
                    format!(
                        "The folder {} does not exist; choose another place, nothing was written.",
                        dir.display()
                    ),
                ));
            }
            None => {
                return Err(CommandError::new(
                    "invalid",
                    "Give a file name, not a folder.",
                ));
            }
        }
        if first.is_dir() {
            return Err(CommandError::new(
                "invalid",
                format!("{} is a folder; add a file name.", first.display()),
            ));
        }
    }
    if !replace && let Some(t) = targets.iter().find(|t| t.exists()) {
        return Err(CommandError::new(
            "exists",
            format!(
                "{} already exists; choose another name or tick Replace, nothing was written.",
                t.display()
            ),
        ));
    }
    Ok(())
}

/// Writes an export (optionally age-encrypted and minisign-signed) to a path the person
/// chose, and records the share.
#[tauri::command]
pub async fn share_export(
    shell: State<'_, SharedShell>,
    request: ExportRequest,
) -> CommandResult<ProtectedExport> {
    let path = typed_path(&request.path, "file")?;
    let recipient = match request.encryption {
        Encryption::None => None,
        Encryption::Passphrase { passphrase } => {
            if passphrase.trim().chars().count() < 8 {
                return Err(CommandError::new(
                    "invalid",
                    "A passphrase to encrypt to needs at least 8 characters; nothing was written.",
                ));
            }
            Some(Recipient::passphrase(Passphrase::new(passphrase))?)
        }
        Encryption::AgeKey { recipient } => Some(Recipient::age_key(&recipient)?),
    };
    check_targets(
        &export_targets(&path, recipient.is_some(), request.sign),
        request.replace,
    )?;
    let (selection, format, sign) = (request.selection, request.format, request.sign);
    write(&shell, move |j| {
        let done = protect::export_protected(
            j,
            &OsKeyring::new(),
            &selection,
            format,
            &path,
            sign,
            recipient.as_ref(),
        )?;
        eprintln!("asymptote: exported {}", format.as_str());
        Ok(done)
    })
    .await
}

/// Lists the local record of what was shared, when, in which format and for whom.
#[tauri::command]
pub async fn share_log(shell: State<'_, SharedShell>) -> CommandResult<Vec<ShareRecord>> {
    read(&shell, |j| {
        let mut all = j.shares()?;
        all.sort_by_key(|r| std::cmp::Reverse(r.at));
        Ok(all)
    })
    .await
}

/// The journal's signing public key, to hand to a manager.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SigningKeyInfo {
    /// The fingerprint to read out and compare (minisign's key id).
    pub key_id: String,
    /// The key in minisign's `.pub` format.
    pub minisign_pub: String,
    /// Whether the key pair was made just now.
    pub created: bool,
}

/// Shows the journal's signing public key and fingerprint (made on first use); never the
/// secret half.
#[tauri::command]
pub async fn signing_key(shell: State<'_, SharedShell>) -> CommandResult<SigningKeyInfo> {
    read(&shell, |j| {
        let (pk, created) = protect::journal_public_key(j, &OsKeyring::new())?;
        Ok(SigningKeyInfo {
            minisign_pub: pk.to_minisign_file(),
            key_id: pk.key_id,
            created,
        })
    })
    .await
}

/// Writes the signing public key as a minisign `.pub` file; returns the path written.
#[tauri::command]
pub async fn save_signing_key(
    shell: State<'_, SharedShell>,
    path: String,
    replace: bool,
) -> CommandResult<String> {
    let path = typed_path(&path, "key file")?;
    check_targets(std::slice::from_ref(&path), replace)?;
    read(&shell, move |j| {
        let (pk, _) = protect::journal_public_key(j, &OsKeyring::new())?;
        asymptote_core::write_atomic(&path, pk.to_minisign_file().as_bytes())?;
        Ok(path.display().to_string())
    })
    .await
}

/// A place to save an export by default: the documents folder (else home), and a name
/// saying the period.
#[tauri::command]
pub fn suggest_export_path(
    app: AppHandle,
    format: Format,
    from: NaiveDate,
    to: NaiveDate,
) -> String {
    let dir = app
        .path()
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(home)
        .unwrap_or_default();
    let ext = format.as_str();
    dir.join(format!("asymptote-{from}-to-{to}.{ext}"))
        .display()
        .to_string()
}

/// The system's save dialog, run by the shell (the window has no dialog permission).
/// `None` when the person cancels.
#[tauri::command]
pub async fn choose_save_path(
    app: AppHandle,
    shell: State<'_, SharedShell>,
    suggested: String,
) -> CommandResult<Option<String>> {
    off_main(&shell, move |_| {
        let mut d = app.dialog().file().set_title("Save the export");
        let p = PathBuf::from(&suggested);
        if let Some(dir) = p.parent().filter(|d| d.is_dir()) {
            d = d.set_directory(dir);
        }
        if let Some(name) = p.file_name() {
            d = d.set_file_name(name.to_string_lossy());
        }
        if let Some(w) = app.get_webview_window("main") {
            d = d.set_parent(&w);
        }
        Ok(d.blocking_save_file()
            .and_then(|f| f.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

/// The system's open dialog, run by the shell. `None` when the person cancels.
#[tauri::command]
pub async fn choose_open_path(
    app: AppHandle,
    shell: State<'_, SharedShell>,
    title: String,
) -> CommandResult<Option<String>> {
    off_main(&shell, move |_| {
        let mut d = app.dialog().file().set_title(title);
        if let Some(w) = app.get_webview_window("main") {
            d = d.set_parent(&w);
        }
        Ok(d.blocking_pick_file()
            .and_then(|f| f.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

// ------------------------------------------------------------------ the manager's side

/// Lists the people whose bundles this manager receives.
#[tauri::command]
pub async fn manager_people(shell: State<'_, SharedShell>) -> CommandResult<Vec<Person>> {
    read(&shell, |j| j.manager_people()).await
}

/// Adds a person to the manager's space.
#[tauri::command]
pub async fn manager_add_person(
    shell: State<'_, SharedShell>,
    name: String,
) -> CommandResult<Person> {
    write(&shell, move |j| j.manager_add_person(&name)).await
}

/// Trusts a signing key for a person: the `.pub` file's text, its key line, or the path
/// of a `.pub` file.
#[tauri::command]
pub async fn manager_trust_key(
    shell: State<'_, SharedShell>,
    person: String,
    key: String,
) -> CommandResult<TrustedKey> {
    let t = key.trim();
    let text = if (t.starts_with('/') || t.starts_with("~/")) && !t.contains('\n') {
        let p = typed_path(t, "key file")?;
        std::fs::read_to_string(&p).map_err(|e| Error::Io(p, e))?
    } else {
        key
    };
    let pk = PublicKey::parse(&text).map_err(|_| {
        CommandError::new(
            "invalid",
            "That is not a minisign public key; paste the whole .pub file they gave you, or its long line starting with RW.",
        )
    })?;
    write(&shell, move |j| j.manager_trust_key(&person, &pk)).await
}

/// A received file to import, as the window asks for it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportRequest {
    pub person: String,
    pub path: String,
    /// The detached signature; `<path>.minisig` when absent.
    pub signature_path: Option<String>,
    /// For a file encrypted to a passphrase.
    pub passphrase: Option<String>,
    /// For a file encrypted to the manager's age key: their identity file.
    pub identity_path: Option<String>,
}

fn read_file(path: &Path) -> CommandResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CommandError::new(
                "not_found",
                format!(
                    "There is no file at {}; check the path, nothing was imported.",
                    path.display()
                ),
            )
        } else {
            Error::Io(path.to_path_buf(), e).into()
        }
    })
}

/// Verifies, decrypts and imports a received bundle; refuses and writes nothing when any
/// check fails.
#[tauri::command]
pub async fn manager_import(
    shell: State<'_, SharedShell>,
    request: ImportRequest,
) -> CommandResult<ReceivedBundle> {
    let path = typed_path(&request.path, "received file")?;
    let sig_path = match request.signature_path.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => typed_path(s, "signature")?,
        _ => protect::with_suffix(&path, ".minisig"),
    };
    let file = read_file(&path)?;
    let sig = match std::fs::read(&sig_path) {
        Ok(b) => String::from_utf8(b).map_err(|_| {
            CommandError::new(
                "invalid",
                "The signature file is not a minisign signature (.minisig); nothing was imported.",
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CommandError::new(
                "invalid",
                format!(
                    "No signature was found at {}, and an unsigned file cannot be trusted; give the .minisig file, nothing was imported.",
                    sig_path.display()
                ),
            ));
        }
        Err(e) => return Err(Error::Io(sig_path, e).into()),
    };
    let passphrase = request.passphrase.filter(|p| !p.is_empty());
    let identity = request
        .identity_path
        .filter(|p| !p.trim().is_empty())
        .map(|p| typed_path(&p, "identity file"))
        .transpose()?;
    // What decrypts the file, or what to ask for: told only after the signature passed, so
    // a tampered or foreign file is refused before anyone types a passphrase.
    let unlock: CommandResult<Option<AgeUnlock>> = match (
        protect::age_kind(&file),
        identity,
        passphrase,
    ) {
        (None, _, _) => Ok(None),
        (Some(_), Some(id), _) => std::fs::read_to_string(&id)
            .map_err(|e| CommandError::from(Error::Io(id, e)))
            .and_then(|text| {
                let text = Zeroizing::new(text);
                Ok(Some(AgeUnlock::Identity(AgeIdentity::parse(&text)?)))
            }),
        (Some(_), None, Some(p)) => Ok(Some(AgeUnlock::Passphrase(Passphrase::new(p)))),
        (Some(AgeKind::Passphrase), None, None) => Err(CommandError::new(
            "needs_passphrase",
            "This file is encrypted to a passphrase; type the one you agreed on, nothing was imported.",
        )),
        (Some(AgeKind::Recipients), None, None) => Err(CommandError::new(
            "needs_identity",
            "This file is encrypted to an age key; give your age identity file, nothing was imported.",
        )),
    };
    let person = request.person;
    off_main(&shell, move |shell| {
        let mut guard = shell.journal();
        let j = guard.as_mut().ok_or_else(CommandError::locked)?;
        if j.manager_person(&person)?.keys.is_empty() {
            return Err(CommandError::new(
                "invalid",
                format!(
                    "You trust no signing key for {person} yet, so nothing was imported; paste the public key they give you under Trusted keys first."
                ),
            ));
        }
        j.manager_check_signature(&person, &file, &sig)?;
        let b = j.manager_import(&person, &file, &sig, unlock?.as_ref())?;
        eprintln!("asymptote: bundle imported");
        Ok(b)
    })
    .await
}

/// Shows a person's timeline across the bundles received from them.
#[tauri::command]
pub async fn manager_timeline(
    shell: State<'_, SharedShell>,
    person: String,
) -> CommandResult<Timeline> {
    read(&shell, move |j| j.manager_timeline(&person)).await
}

/// Reads one received bundle whole, read-only.
#[tauri::command]
pub async fn manager_bundle(
    shell: State<'_, SharedShell>,
    person: String,
    id: Id,
) -> CommandResult<asymptote_core::export::Bundle> {
    read(&shell, move |j| j.manager_bundle(&person, id)).await
}

/// Shows the next one-on-one's agenda with a person.
#[tauri::command]
pub async fn manager_agenda(
    shell: State<'_, SharedShell>,
    person: String,
    include_closed: bool,
) -> CommandResult<Agenda> {
    read(&shell, move |j| j.agenda(&person, include_closed)).await
}

/// A new agenda entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NewAgendaItem {
    Point {
        text: String,
    },
    Action {
        text: String,
        owner: String,
        due: Option<NaiveDate>,
    },
    Note {
        text: String,
    },
}

/// Adds a talking point, an action item or a note to a person's agenda.
#[tauri::command]
pub async fn agenda_add(
    shell: State<'_, SharedShell>,
    person: String,
    item: NewAgendaItem,
) -> CommandResult<AgendaItem> {
    write(&shell, move |j| match item {
        NewAgendaItem::Point { text } => j.agenda_add_point(&person, &text),
        NewAgendaItem::Note { text } => j.agenda_add_note(&person, &text),
        NewAgendaItem::Action { text, owner, due } => {
            let due = due.ok_or_else(|| {
                Error::Invalid("An action item needs a due date; pick one.".into())
            })?;
            j.agenda_add_action(&person, &text, &owner, due)
        }
    })
    .await
}

/// Closes a talking point or an action item.
#[tauri::command]
pub async fn agenda_close(
    shell: State<'_, SharedShell>,
    person: String,
    id: Id,
) -> CommandResult<AgendaItem> {
    write(&shell, move |j| j.agenda_close(&person, &id.to_string())).await
}

/// Marks the one-on-one as held on `on` (today by default): open points carry forward.
#[tauri::command]
pub async fn agenda_held(
    shell: State<'_, SharedShell>,
    person: String,
    on: Option<NaiveDate>,
) -> CommandResult<Agenda> {
    write(&shell, move |j| {
        j.agenda_held(&person, on.unwrap_or_else(asymptote_core::local_today))
    })
    .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn typed_paths_are_absolute_or_home_relative() {
        assert!(typed_path("/tmp/x.pdf", "file").is_ok());
        let e = typed_path("brief.pdf", "file").unwrap_err();
        assert!(e.message().contains("not a full path"), "{}", e.message());
        let e = typed_path("  ", "file").unwrap_err();
        assert!(e.message().contains("Choose"), "{}", e.message());
        if let Some(h) = home() {
            assert_eq!(typed_path("~/a.md", "file").ok(), Some(h.join("a.md")));
        }
    }

    #[test]
    fn an_encrypted_signed_export_writes_two_files_and_refuses_to_overwrite() {
        let t = export_targets(Path::new("/x/brief.pdf"), true, true);
        assert_eq!(
            t,
            [
                PathBuf::from("/x/brief.pdf.age"),
                PathBuf::from("/x/brief.pdf.age.minisig")
            ]
        );
        assert_eq!(
            export_targets(Path::new("/x/b.json.age"), true, false),
            [PathBuf::from("/x/b.json.age")]
        );
        let dir = std::env::temp_dir().join(format!("asym-share-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let f = dir.join("taken.md");
        std::fs::write(&f, b"keep me").unwrap_or_default();
        let e = check_targets(&export_targets(&f, false, true), false).unwrap_err();
        assert_eq!(e.kind(), "exists");
        assert!(check_targets(&export_targets(&f, false, true), true).is_ok());
        let e = check_targets(&[dir.join("missing/x.md")], true).unwrap_err();
        assert!(e.message().contains("does not exist"), "{}", e.message());
        assert_eq!(std::fs::read(&f).unwrap_or_default(), b"keep me");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
