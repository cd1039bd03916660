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

use std::path::PathBuf;

use asymptote_core::export::{Format, Preview, PreviewItem, Selection, ShareRecord};
use asymptote_core::manager::{Agenda, AgendaItem, Person, ReceivedBundle, Timeline, TrustedKey};
use asymptote_core::protect::{self, ProtectedExport};
use asymptote_core::usecase::{
    self, ExportPlan, ExportRequest, ImportRequest, ImportStep, NeedsInput,
};
use asymptote_core::{Error, Id, OsKeyring};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::{SharedShell, off_main, read, slow, write};
use crate::{CommandError, CommandResult};

// ------------------------------------------------------------------ the person's side

/// What a file made from a selection will hold, and what the period holds beyond it
/// (private items, audit items, sections not chosen, items left out) to pick one by one.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
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
    slow(&shell, move |j| {
        let (preview, candidates) = j.preview_with_candidates(&selection)?;
        Ok(SharePreview {
            preview: preview.for_format(format),
            candidates,
        })
    })
    .await
}

/// The files an export to `path` would write, and those already there: shown before
/// anything is written (the core's rule for `.age` and `.minisig`).
#[tauri::command]
pub fn plan_export(path: String, encrypted: bool, signed: bool) -> CommandResult<ExportPlan> {
    Ok(usecase::plan_export(&path, encrypted, signed, None)?)
}

/// The typed path moved to another format: its export extension follows the format.
#[tauri::command]
pub fn export_path_for_format(path: String, format: Format) -> String {
    usecase::export::path_for_format(&path, format)
}

/// Writes an export (optionally age-encrypted and minisign-signed) to a path the person
/// chose, and records the share.
#[tauri::command]
pub async fn share_export(
    shell: State<'_, SharedShell>,
    request: ExportRequest,
) -> CommandResult<ProtectedExport> {
    slow(&shell, move |j| {
        let format = request.format;
        let done = usecase::run_export(j, &OsKeyring::new(), request, None)?;
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
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
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
    read(&shell, move |j| {
        let written = usecase::trust::save_public_key(j, &OsKeyring::new(), &path, replace, None)?;
        Ok(written.display().to_string())
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
        .or_else(|| app.path().home_dir().ok())
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
    read(&shell, asymptote_core::Journal::manager_people).await
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
    write(&shell, move |j| {
        let pk = usecase::trust::public_key_from(&key, None)?;
        j.manager_trust_key(&person, &pk)
    })
    .await
}

/// Verifies and imports a received file. When it still needs a passphrase or an identity
/// file, says so as `needs_passphrase` / `needs_identity` and writes nothing.
#[tauri::command]
pub async fn manager_import(
    shell: State<'_, SharedShell>,
    request: ImportRequest,
) -> CommandResult<ReceivedBundle> {
    off_main(&shell, move |shell| {
        let mut guard = shell.journal();
        let j = guard.as_mut().ok_or_else(CommandError::locked)?;
        match usecase::import_received(j, request, None)? {
            ImportStep::Imported { bundle } => {
                eprintln!("asymptote: bundle imported");
                Ok(bundle)
            }
            ImportStep::Needs { input } => Err(CommandError::new(
                match input {
                    NeedsInput::Passphrase => "needs_passphrase",
                    NeedsInput::Identity => "needs_identity",
                },
                input.sentence(),
            )),
        }
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
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
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
