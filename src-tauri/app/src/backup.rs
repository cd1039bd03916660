//! The window's backups and upkeep: the Settings panel over `usecase::backup` (the last
//! backup, its place and size, the list, back up now, a restore that shows what it puts
//! back first) and the page check and day's backup after unlocking. Adapters only: which
//! snapshots are kept, how they are verified and how a restore switches files are the
//! core's rules.

use asymptote_core::OsKeyring;
use asymptote_core::usecase::{
    self, RepairReport,
    backup::{
        AfterUnlock, BackupInfo, BackupOverview, BackupReport, BackupSettings, RestorePreview,
        RestoreReport,
    },
};
use tauri::State;

use crate::commands::{SharedShell, off_main, slow, typed_passphrase, write};
use crate::{CommandError, CommandResult};

/// The page check, the day's backup when due, and the weekly full check, on the worker
/// connection so typing never waits for them. Called once after the journal opens.
#[tauri::command]
pub async fn after_unlock(shell: State<'_, SharedShell>) -> CommandResult<AfterUnlock> {
    slow(&shell, |j| {
        let mut after = usecase::after_unlock(j);
        if after.damage.is_none() {
            after.damage = usecase::check::weekly_check(j);
        }
        Ok(after)
    })
    .await
}

/// The last backup, where backups go, how many there are and their size, the choices.
#[tauri::command]
pub async fn backup_overview(shell: State<'_, SharedShell>) -> CommandResult<BackupOverview> {
    slow(&shell, |j| usecase::backup::overview(j)).await
}

/// Every backup in both places, newest first, with what each holds.
#[tauri::command]
pub async fn backup_list(shell: State<'_, SharedShell>) -> CommandResult<Vec<BackupInfo>> {
    slow(&shell, |j| usecase::backup::list_backups(j)).await
}

/// Takes a verified backup now (and its copy in the second location, if one is set).
#[tauri::command]
pub async fn backup_now(shell: State<'_, SharedShell>) -> CommandResult<BackupReport> {
    slow(&shell, |j| usecase::backup_now(j)).await
}

/// Saves how many backups are kept and the second location; returns the new overview.
#[tauri::command]
pub async fn set_backup_settings(
    shell: State<'_, SharedShell>,
    settings: BackupSettings,
) -> CommandResult<BackupOverview> {
    write(&shell, move |j| {
        usecase::backup::set_settings(j, &settings)?;
        usecase::backup::overview(j)
    })
    .await
}

/// What restoring backup `id` would put back, beside what the journal holds now.
#[tauri::command]
pub async fn restore_preview(
    shell: State<'_, SharedShell>,
    id: String,
) -> CommandResult<RestorePreview> {
    slow(&shell, move |j| usecase::backup::restore_preview(j, &id)).await
}

/// Restores backup `id`: the current file is backed up and kept aside first. The worker
/// connection is closed for it (a restore needs the only one), and both are opened again
/// on whichever file is in place afterwards.
#[tauri::command]
pub async fn restore_backup(
    shell: State<'_, SharedShell>,
    id: String,
) -> CommandResult<RestoreReport> {
    off_main(&shell, move |shell| {
        let mut journal = shell.journal();
        let mut worker = shell.worker();
        worker.take();
        let j = journal.as_mut().ok_or_else(CommandError::locked)?;
        let restored = usecase::backup::restore(j, &id);
        let fresh = j.another_connection()?;
        *worker = Some(fresh.another_connection()?);
        *journal = Some(fresh);
        Ok(restored?)
    })
    .await
}

/// Repairs the open, damaged journal in place: what can still be read, filled from the
/// newest backup that verifies, takes its place; the damaged file is kept aside. The
/// worker connection is closed first (a repair needs the only one) and opened again.
#[tauri::command]
pub async fn repair_journal(shell: State<'_, SharedShell>) -> CommandResult<RepairReport> {
    off_main(&shell, move |shell| {
        let mut journal = shell.journal();
        let mut worker = shell.worker();
        worker.take();
        let j = journal.as_mut().ok_or_else(CommandError::locked)?;
        let repaired = usecase::repair_open(j);
        *worker = Some(j.another_connection()?);
        Ok(repaired?)
    })
    .await
}

/// Repairs the journal that would not open (the gate's "damaged" screen), with the
/// passphrase in passphrase mode, and opens the repaired journal.
#[tauri::command]
pub async fn repair_locked(
    shell: State<'_, SharedShell>,
    passphrase: Option<String>,
) -> CommandResult<RepairReport> {
    off_main(&shell, move |shell| {
        let dir = shell.data_dir()?;
        let given = typed_passphrase(passphrase);
        let (report, journal) = usecase::repair(dir, &OsKeyring::new(), || given)?;
        shell.opened(journal)?;
        eprintln!("asymptote: journal repaired and unlocked");
        Ok(report)
    })
    .await
}
