//! The window's IPC commands: adapters of a few lines over `asymptote-core`.
//!
//! Each command takes the shared state, runs the core on a blocking thread (SQLite, the
//! keyring and the disk never run on the main thread, which would freeze the window), and
//! maps the core's error to a small `{kind, message}` the front end branches on.
//!
//! **Invariant:** no key material goes back across IPC, with one exception by design: a
//! recovery key, returned once by [`create_journal`] (and by `keys::rotate_recovery_key`
//! for a new one) so the person can write it down.
//! There is no command taking SQL, and none reading arbitrary keychain entries.

use std::sync::Arc;

use asymptote_core::export::CurveSummary;
use asymptote_core::{
    AuditItem, Challenge, ChallengeStatus, Checkin, DayView, Draft, GIBBS_PROMPTS, Id, Journal,
    KeyMode, NewAuditItem, NewChallenge, NewCheckin, NewPurpose, NewReflection, NewSession,
    OsKeyring, Passphrase, PracticeAxis, Progress, Purpose, Reflection, SearchHit, Session, Status,
    local_today, usecase,
};
use chrono::NaiveDate;
use serde::Serialize;
use tauri::State;

use crate::settings::Settings;
use crate::{CommandError, CommandResult, Shell};

pub type SharedShell = Arc<Shell>;

/// Runs `work` on a blocking thread with the shared state, so the window stays responsive.
pub(crate) async fn off_main<T, F>(shell: &State<'_, SharedShell>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Shell) -> CommandResult<T> + Send + 'static,
{
    let shell = Arc::clone(shell);
    tauri::async_runtime::spawn_blocking(move || work(&shell))
        .await
        .map_err(|_| CommandError::new("internal", "The app hit an internal error. Try again."))?
}

/// Reads from the open journal off the main thread.
pub(crate) async fn read<T, F>(shell: &State<'_, SharedShell>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Journal) -> asymptote_core::Result<T> + Send + 'static,
{
    off_main(shell, move |shell| {
        let guard = shell.journal();
        let journal = guard.as_ref().ok_or_else(CommandError::locked)?;
        let out = work(journal);
        shell.said_unreadable(journal);
        Ok(out?)
    })
    .await
}

/// Writes to the open journal off the main thread.
pub(crate) async fn write<T, F>(shell: &State<'_, SharedShell>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Journal) -> asymptote_core::Result<T> + Send + 'static,
{
    off_main(shell, move |shell| {
        let mut guard = shell.journal();
        let journal = guard.as_mut().ok_or_else(CommandError::locked)?;
        let out = work(journal);
        shell.said_unreadable(journal);
        Ok(out?)
    })
    .await
}

/// Slow work on the worker connection off the main thread: reads of the whole journal,
/// exports, curve fits. Typing (on the other connection) does not wait for it.
pub(crate) async fn slow<T, F>(shell: &State<'_, SharedShell>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Journal) -> asymptote_core::Result<T> + Send + 'static,
{
    off_main(shell, move |shell| {
        let mut guard = shell.worker();
        let journal = guard.as_mut().ok_or_else(CommandError::locked)?;
        let out = work(journal);
        shell.said_unreadable(journal);
        Ok(out?)
    })
    .await
}

/// What the window needs to know before it can show anything.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalStatus {
    pub data_dir: String,
    pub exists: bool,
    /// Absent when there is no journal.
    pub key_mode: Option<KeyMode>,
    pub unlocked: bool,
}

/// Tells whether a journal exists in the data folder and how it is unlocked.
#[tauri::command]
pub async fn journal_status(shell: State<'_, SharedShell>) -> CommandResult<JournalStatus> {
    off_main(&shell, |shell| {
        let dir = shell.data_dir()?;
        let exists = Journal::exists(dir);
        let key_mode = if exists {
            Some(Journal::key_mode(dir)?)
        } else {
            None
        };
        Ok(JournalStatus {
            data_dir: dir.display().to_string(),
            exists,
            key_mode,
            unlocked: shell.journal().is_some(),
        })
    })
    .await
}

/// A new journal's recovery key, shown once.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CreatedJournal {
    pub recovery_key: String,
}

/// Creates the journal: key in the OS keyring when `passphrase` is absent, else wrapped
/// under the passphrase. The journal is left open. Returns the recovery key, once.
#[tauri::command]
pub async fn create_journal(
    shell: State<'_, SharedShell>,
    passphrase: Option<String>,
) -> CommandResult<CreatedJournal> {
    off_main(&shell, move |shell| {
        let dir = shell.data_dir()?;
        let passphrase = passphrase.map(Passphrase::new);
        let created = usecase::create_journal(dir, passphrase, &OsKeyring::new())?;
        let recovery_key = created.recovery_key.display_dangerously().to_string();
        shell.opened(created.journal)?;
        eprintln!("asymptote: journal created");
        Ok(CreatedJournal { recovery_key })
    })
    .await
}

/// Opens the journal: with the OS keyring when `passphrase` is absent, else with it.
#[tauri::command]
pub async fn unlock(
    shell: State<'_, SharedShell>,
    passphrase: Option<String>,
) -> CommandResult<()> {
    off_main(&shell, move |shell| {
        let dir = shell.data_dir()?;
        let given = typed_passphrase(passphrase);
        shell.opened(usecase::open_journal(dir, &OsKeyring::new(), || given)?)?;
        eprintln!("asymptote: journal unlocked");
        Ok(())
    })
    .await
}

/// The passphrase the window sent, for a core step that asks for one only in passphrase
/// mode (none sent: the core says it is needed).
pub(crate) fn typed_passphrase(p: Option<String>) -> asymptote_core::Result<Passphrase> {
    p.map(Passphrase::new)
        .ok_or(asymptote_core::Error::PassphraseNeeded)
}

/// Opens the journal with the recovery key. In keyring mode this also puts the key back
/// into the keyring (a new machine, a deleted entry), so the next start needs nothing typed.
#[tauri::command]
pub async fn recover(shell: State<'_, SharedShell>, recovery_key: String) -> CommandResult<()> {
    off_main(&shell, move |shell| {
        let dir = shell.data_dir()?;
        shell.opened(usecase::recover_journal(
            dir,
            &recovery_key,
            &OsKeyring::new(),
        )?)?;
        eprintln!("asymptote: journal unlocked");
        Ok(())
    })
    .await
}

/// Closes the journal: the connection (and its key) is dropped from memory.
#[tauri::command]
pub async fn lock(shell: State<'_, SharedShell>) -> CommandResult<()> {
    off_main(&shell, |shell| {
        shell.locked();
        Ok(())
    })
    .await
}

/// The Today screen is drawn and interactive: print the startup time once (the benchmark
/// reads this line).
#[tauri::command]
pub fn app_ready(shell: State<'_, SharedShell>) {
    shell.ready();
}

/// Reads the open journal's status: key mode, schema, item counts.
#[tauri::command]
pub async fn status(shell: State<'_, SharedShell>) -> CommandResult<Status> {
    read(&shell, Journal::status).await
}

/// The items of `date` (the local day), today by default.
#[tauri::command]
pub async fn day(shell: State<'_, SharedShell>, date: Option<NaiveDate>) -> CommandResult<DayView> {
    read(&shell, move |j| j.day(date.unwrap_or_else(local_today))).await
}

// ------------------------------------------------------------------ purposes

/// Lists purposes.
#[tauri::command]
pub async fn purposes(shell: State<'_, SharedShell>) -> CommandResult<Vec<Purpose>> {
    read(&shell, Journal::purposes).await
}

/// Adds a purpose.
#[tauri::command]
pub async fn add_purpose(shell: State<'_, SharedShell>, new: NewPurpose) -> CommandResult<Purpose> {
    write(&shell, move |j| j.add_purpose(new)).await
}

/// Edits a purpose.
#[tauri::command]
pub async fn update_purpose(
    shell: State<'_, SharedShell>,
    item: Purpose,
) -> CommandResult<Purpose> {
    write(&shell, move |j| j.update_purpose(&item)).await
}

/// Deletes a purpose.
#[tauri::command]
pub async fn delete_purpose(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_purpose(id)).await
}

// ---------------------------------------------------------------- challenges

/// Lists challenges.
#[tauri::command]
pub async fn challenges(
    shell: State<'_, SharedShell>,
    status: Option<ChallengeStatus>,
) -> CommandResult<Vec<Challenge>> {
    read(&shell, move |j| j.challenges(status)).await
}

/// Adds a challenge.
#[tauri::command]
pub async fn add_challenge(
    shell: State<'_, SharedShell>,
    new: NewChallenge,
) -> CommandResult<Challenge> {
    write(&shell, move |j| j.add_challenge(new)).await
}

/// Edits a challenge (including pause and done).
#[tauri::command]
pub async fn update_challenge(
    shell: State<'_, SharedShell>,
    item: Challenge,
) -> CommandResult<Challenge> {
    write(&shell, move |j| j.update_challenge(&item)).await
}

/// Deletes a challenge that has no sessions.
#[tauri::command]
pub async fn delete_challenge(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_challenge(id)).await
}

// ------------------------------------------------------------------ sessions

/// Lists practice sessions.
#[tauri::command]
pub async fn sessions(
    shell: State<'_, SharedShell>,
    challenge_id: Option<Id>,
) -> CommandResult<Vec<Session>> {
    read(&shell, move |j| j.sessions(challenge_id)).await
}

/// The latest sessions, newest first, a page at a time (`limit` after skipping `skip`).
#[tauri::command]
pub async fn recent_sessions(
    shell: State<'_, SharedShell>,
    limit: usize,
    skip: usize,
) -> CommandResult<Vec<Session>> {
    read(&shell, move |j| j.recent_sessions(limit.min(500), skip)).await
}

/// Logs a practice session with its feedback.
#[tauri::command]
pub async fn add_session(shell: State<'_, SharedShell>, new: NewSession) -> CommandResult<Session> {
    write(&shell, move |j| j.add_session(new)).await
}

/// Edits a practice session.
#[tauri::command]
pub async fn update_session(
    shell: State<'_, SharedShell>,
    item: Session,
) -> CommandResult<Session> {
    write(&shell, move |j| j.update_session(&item)).await
}

/// Deletes a session.
#[tauri::command]
pub async fn delete_session(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_session(id)).await
}

// --------------------------------------------------------------- reflections

/// One of Gibbs's prompts: the field it fills and the question asked.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Prompt {
    pub field: &'static str,
    pub question: &'static str,
}

/// Reads Gibbs's reflective prompts.
#[tauri::command]
pub fn gibbs_prompts() -> Vec<Prompt> {
    GIBBS_PROMPTS
        .iter()
        .map(|&(field, question)| Prompt { field, question })
        .collect()
}

/// Lists reflections.
#[tauri::command]
pub async fn reflections(shell: State<'_, SharedShell>) -> CommandResult<Vec<Reflection>> {
    read(&shell, Journal::reflections).await
}

/// The latest reflections, newest first, a page at a time (`limit` after skipping `skip`).
#[tauri::command]
pub async fn recent_reflections(
    shell: State<'_, SharedShell>,
    limit: usize,
    skip: usize,
) -> CommandResult<Vec<Reflection>> {
    read(&shell, move |j| j.recent_reflections(limit.min(500), skip)).await
}

/// How many reflections link to each purpose, as `[purpose id, count]` pairs.
#[tauri::command]
pub async fn reflections_per_purpose(
    shell: State<'_, SharedShell>,
) -> CommandResult<Vec<(Id, usize)>> {
    read(&shell, Journal::reflections_per_purpose).await
}

/// Adds a reflection.
#[tauri::command]
pub async fn add_reflection(
    shell: State<'_, SharedShell>,
    new: NewReflection,
) -> CommandResult<Reflection> {
    let added = write(&shell, move |j| j.add_reflection(new)).await?;
    eprintln!("asymptote: reflection added");
    Ok(added)
}

/// Edits a reflection.
#[tauri::command]
pub async fn update_reflection(
    shell: State<'_, SharedShell>,
    item: Reflection,
) -> CommandResult<Reflection> {
    write(&shell, move |j| j.update_reflection(&item)).await
}

/// Deletes a reflection.
#[tauri::command]
pub async fn delete_reflection(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_reflection(id)).await
}

// ------------------------------------------------------------------ autonomy

/// Lists autonomy check-ins.
#[tauri::command]
pub async fn checkins(shell: State<'_, SharedShell>) -> CommandResult<Vec<Checkin>> {
    read(&shell, Journal::checkins).await
}

/// Adds an autonomy check-in.
#[tauri::command]
pub async fn add_checkin(shell: State<'_, SharedShell>, new: NewCheckin) -> CommandResult<Checkin> {
    write(&shell, move |j| j.add_checkin(new)).await
}

/// Edits an autonomy check-in.
#[tauri::command]
pub async fn update_checkin(
    shell: State<'_, SharedShell>,
    item: Checkin,
) -> CommandResult<Checkin> {
    write(&shell, move |j| j.update_checkin(&item)).await
}

/// Deletes a check-in.
#[tauri::command]
pub async fn delete_checkin(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_checkin(id)).await
}

/// Lists the motivation audit.
#[tauri::command]
pub async fn audit_items(shell: State<'_, SharedShell>) -> CommandResult<Vec<AuditItem>> {
    read(&shell, Journal::audit_items).await
}

/// Adds a motivation audit item.
#[tauri::command]
pub async fn add_audit_item(
    shell: State<'_, SharedShell>,
    new: NewAuditItem,
) -> CommandResult<AuditItem> {
    write(&shell, move |j| j.add_audit_item(new)).await
}

/// Edits an item of the motivation audit.
#[tauri::command]
pub async fn update_audit_item(
    shell: State<'_, SharedShell>,
    item: AuditItem,
) -> CommandResult<AuditItem> {
    write(&shell, move |j| j.update_audit_item(&item)).await
}

/// Deletes a motivation audit item.
#[tauri::command]
pub async fn delete_audit_item(shell: State<'_, SharedShell>, id: Id) -> CommandResult<()> {
    write(&shell, move |j| j.delete_audit_item(id)).await
}

// -------------------------------------------------------------------- search

/// Prefix search over every kind; highlights are UTF-8 byte ranges into each snippet.
#[tauri::command]
pub async fn search(
    shell: State<'_, SharedShell>,
    query: String,
    limit: Option<usize>,
) -> CommandResult<Vec<SearchHit>> {
    let limit = limit.unwrap_or(50).min(500);
    read(&shell, move |j| j.search(&query, limit)).await
}

// ------------------------------------------------------------------ progress

/// A challenge's progress with its fitted curve as drawn, on past practice and on a
/// projection beyond it: the same curve type a bundle carries, so one chart draws both.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProgressView {
    pub progress: Progress,
    /// The fitted curve from no practice to the end of the projection (absent when refused).
    pub curve: Option<CurveSummary>,
}

/// How far past the last session the projection reaches, as a share of the practice so far.
const PROJECTION_SHARE: f64 = 0.5;
const CURVE_SAMPLES: usize = 121;

impl From<Progress> for ProgressView {
    fn from(progress: Progress) -> Self {
        let last = progress.points.iter().map(|p| p.x).fold(0.0_f64, f64::max);
        let through = last * (1.0 + PROJECTION_SHARE);
        let curve = match &progress.fit {
            Some(fit) if through > 0.0 => CurveSummary::sampled(fit, through, CURVE_SAMPLES),
            _ => None,
        };
        ProgressView { progress, curve }
    }
}

/// Reads one challenge's mastery curve and calibration.
#[tauri::command]
pub async fn progress(
    shell: State<'_, SharedShell>,
    id: Id,
    axis: Option<PracticeAxis>,
) -> CommandResult<ProgressView> {
    slow(&shell, move |j| {
        j.progress(id, axis).map(ProgressView::from)
    })
    .await
}

/// Reads every active challenge's mastery curve and calibration.
#[tauri::command]
pub async fn progress_all(
    shell: State<'_, SharedShell>,
    axis: Option<PracticeAxis>,
) -> CommandResult<Vec<ProgressView>> {
    slow(&shell, move |j| {
        Ok(j.progress_all(axis)?
            .into_iter()
            .map(ProgressView::from)
            .collect())
    })
    .await
}

// -------------------------------------------------------------------- drafts

/// Saves (or, for empty text, clears) a draft inside the encrypted journal: typed text is
/// never lost, and never written to disk in plain text.
#[tauri::command]
pub async fn save_draft(
    shell: State<'_, SharedShell>,
    key: String,
    text: String,
) -> CommandResult<()> {
    write(&shell, move |j| j.save_draft(&key, &text)).await
}

/// Reads a draft.
#[tauri::command]
pub async fn draft(shell: State<'_, SharedShell>, key: String) -> CommandResult<Option<Draft>> {
    read(&shell, move |j| j.draft(&key)).await
}

/// Clears a draft.
#[tauri::command]
pub async fn clear_draft(shell: State<'_, SharedShell>, key: String) -> CommandResult<()> {
    write(&shell, move |j| j.clear_draft(&key)).await
}

// ------------------------------------------------------------------ settings

/// Reads the window's settings.
#[tauri::command]
pub async fn settings(shell: State<'_, SharedShell>) -> CommandResult<Settings> {
    off_main(&shell, |shell| Ok(shell.settings())).await
}

/// Changes the window's settings.
#[tauri::command]
pub async fn set_settings(
    shell: State<'_, SharedShell>,
    settings: Settings,
) -> CommandResult<Settings> {
    off_main(&shell, move |shell| {
        let settings = settings.validated()?;
        {
            let mut guard = shell.journal();
            let journal = guard.as_mut().ok_or_else(CommandError::locked)?;
            settings.save(journal)?;
        }
        shell.set_settings(settings.clone());
        Ok(settings)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use asymptote_core::science::curves::{FitOptions, Point, fit_learning_curve};

    fn progress(
        points: Vec<Point>,
        fit: Option<asymptote_core::science::curves::CurveFit>,
    ) -> Progress {
        Progress {
            challenge_id: Id::new(),
            skill: "Scales".into(),
            measure_name: None,
            measure_unit: None,
            higher_is_better: true,
            axis: PracticeAxis::Sessions,
            sessions: points.len(),
            points,
            fit,
            refusal: None,
            explanation: Vec::new(),
            calibration: asymptote_core::Calibration {
                sessions_considered: 0,
                classification: None,
                current_difficulty: None,
                suggested_difficulty: None,
                flow: None,
                explanation: Vec::new(),
            },
        }
    }

    #[test]
    fn the_chart_curve_spans_past_practice_and_a_projection_beyond_it() {
        let points: Vec<Point> = (0..12)
            .map(|i| {
                let x = f64::from(i);
                Point::new(x, 90.0 - 50.0 * (-0.3 * x).exp())
            })
            .collect();
        let fit = fit_learning_curve(
            &points,
            &FitOptions::new(asymptote_core::science::curves::Direction::HigherIsBetter),
        )
        .expect("a clean curve fits");
        let view = ProgressView::from(progress(points, Some(fit)));
        let samples = view.curve.map(|c| c.samples).unwrap_or_default();
        assert_eq!(samples.len(), CURVE_SAMPLES);
        assert_eq!(samples.first().map(|p| p.x), Some(0.0));
        assert!(samples.last().is_some_and(|p| (p.x - 16.5).abs() < 1e-9));
        // The last session (x = 11) is a sample, where the curve and the projection meet.
        assert!(samples.iter().any(|p| (p.x - 11.0).abs() < 1e-9));
        assert!(samples.windows(2).all(|w| w[1].y >= w[0].y - 1e-9));
    }

    #[test]
    fn no_curve_is_drawn_when_the_fit_was_refused() {
        let view = ProgressView::from(progress(vec![Point::new(0.0, 1.0)], None));
        assert!(view.curve.is_none());
    }

    #[test]
    fn gibbs_prompts_cross_as_field_and_question() {
        let prompts = gibbs_prompts();
        assert_eq!(prompts.len(), 6);
        assert_eq!(prompts[0].field, "description");
        assert_eq!(prompts[5].field, "action_plan");
        let json = serde_json::to_value(&prompts[0]).expect("serializes");
        assert!(json["question"].as_str().is_some_and(|q| q.ends_with('?')));
    }
}
