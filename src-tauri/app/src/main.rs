//! Asymptote's desktop shell: one Tauri window over the same encrypted journal the CLI uses.
//!
//! The shell knows no domain rules. Each command is an adapter of a few lines: take the
//! shared state, call `asymptote-core` on a blocking thread (SQLite, the keyring and the
//! disk never run on the main thread, which would freeze the window), and map the core's
//! error to a small `{kind, message}` the web front end can branch on.
//!
//! **Invariant:** no key material and no passphrase ever goes back across IPC; a passphrase
//! typed in the window goes one way, into [`Passphrase`], and is not logged.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use asymptote_core::{
    DayView, Journal, KeyMode, NewReflection, OsKeyring, Passphrase, Unlock, default_data_dir,
    local_today,
};
use serde::Serialize;
use tauri::State;

/// What the window shares between commands: where the journal lives and, once unlocked,
/// the one open connection to it (opened once, not per command).
struct Shell {
    data_dir: Result<PathBuf, CommandError>,
    journal: Mutex<Option<Journal>>,
}

impl Shell {
    fn data_dir(&self) -> Result<&Path, CommandError> {
        self.data_dir.as_deref().map_err(Clone::clone)
    }

    /// A panic in another command must not lock the person out: SQLite's transactions
    /// keep the store consistent, so a poisoned lock is safe to take over.
    fn journal(&self) -> MutexGuard<'_, Option<Journal>> {
        self.journal.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type SharedShell = Arc<Shell>;

/// An error as the web front end sees it. `kind` is stable snake_case to branch on;
/// `message` is one sentence for a person, never holding key material or entry text.
#[derive(Debug, Clone, Serialize)]
struct CommandError {
    kind: &'static str,
    message: String,
}

impl CommandError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    fn locked() -> Self {
        Self::new("locked", "The journal is locked. Unlock it first.")
    }
}

impl From<asymptote_core::Error> for CommandError {
    fn from(error: asymptote_core::Error) -> Self {
        Self::new(error.kind(), error.to_string())
    }
}

type CommandResult<T> = Result<T, CommandError>;

/// Runs `work` on a blocking thread with the shared state, so the window stays responsive.
async fn off_main<T, F>(shell: &State<'_, SharedShell>, work: F) -> CommandResult<T>
where
    T: Send + 'static,
    F: FnOnce(&Shell) -> CommandResult<T> + Send + 'static,
{
    let shell = Arc::clone(shell);
    tauri::async_runtime::spawn_blocking(move || work(&shell))
        .await
        .map_err(|_| CommandError::new("internal", "The app hit an internal error. Try again."))?
}

/// What the window needs to know before it can show anything.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct JournalStatus {
    data_dir: String,
    exists: bool,
    /// `"keyring"` or `"passphrase"`; absent when there is no journal.
    key_mode: Option<&'static str>,
    unlocked: bool,
}

#[tauri::command]
async fn journal_status(shell: State<'_, SharedShell>) -> CommandResult<JournalStatus> {
    off_main(&shell, |shell| {
        let dir = shell.data_dir()?;
        let exists = Journal::exists(dir);
        let key_mode = if exists {
            Some(match Journal::key_mode(dir)? {
                KeyMode::Keyring => "keyring",
                KeyMode::Passphrase => "passphrase",
            })
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

/// Opens the journal: with the OS keyring when `passphrase` is absent, else with it.
#[tauri::command]
async fn unlock(shell: State<'_, SharedShell>, passphrase: Option<String>) -> CommandResult<()> {
    off_main(&shell, move |shell| {
        let dir = shell.data_dir()?;
        let how = match passphrase {
            Some(p) => Unlock::Passphrase(Passphrase::new(p)),
            None => Unlock::Keyring,
        };
        let journal = Journal::open(dir, how, &OsKeyring::new())?;
        *shell.journal() = Some(journal);
        eprintln!("asymptote: journal unlocked");
        Ok(())
    })
    .await
}

#[tauri::command]
async fn lock(shell: State<'_, SharedShell>) -> CommandResult<()> {
    off_main(&shell, |shell| {
        shell.journal().take();
        Ok(())
    })
    .await
}

#[tauri::command]
async fn today(shell: State<'_, SharedShell>) -> CommandResult<DayView> {
    off_main(&shell, |shell| {
        let guard = shell.journal();
        let journal = guard.as_ref().ok_or_else(CommandError::locked)?;
        Ok(journal.day(local_today())?)
    })
    .await
}

/// Adds a reflection dated today and returns the refreshed day, so the window redraws once.
#[tauri::command]
async fn add_reflection(shell: State<'_, SharedShell>, text: String) -> CommandResult<DayView> {
    off_main(&shell, move |shell| {
        if text.trim().is_empty() {
            return Err(CommandError::new(
                "empty",
                "A reflection needs some text. Write a line, then add it.",
            ));
        }
        let mut guard = shell.journal();
        let journal = guard.as_mut().ok_or_else(CommandError::locked)?;
        journal.add_reflection(NewReflection {
            text: Some(text),
            ..Default::default()
        })?;
        eprintln!("asymptote: reflection added");
        Ok(journal.day(local_today())?)
    })
    .await
}

const USAGE: &str = "\
Usage: asymptote [--data-dir DIR]

Opens Asymptote's window on the journal in DIR.
The folder is chosen by, in order: --data-dir, the ASYMPTOTE_DATA_DIR
environment variable, else the platform's data folder (the same as `asym`).";

/// What the command line asked for.
#[derive(Debug, PartialEq)]
enum Launch {
    Help,
    /// Open the window; `None` means the core's default data folder.
    Window(Option<PathBuf>),
}

/// The data folder: `--data-dir DIR`, else `ASYMPTOTE_DATA_DIR`, else the core's default.
fn parse_args(
    mut args: impl Iterator<Item = String>,
    env: Option<String>,
) -> Result<Launch, String> {
    let mut chosen = None;
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            let value = args.next().ok_or("--data-dir needs a folder after it.")?;
            chosen = Some(PathBuf::from(value));
        } else if let Some(value) = arg.strip_prefix("--data-dir=") {
            chosen = Some(PathBuf::from(value));
        } else if arg == "-h" || arg == "--help" {
            return Ok(Launch::Help);
        } else {
            return Err(format!("Unknown argument `{arg}`."));
        }
    }
    let chosen = chosen.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from));
    Ok(Launch::Window(chosen))
}

fn main() {
    let launch = parse_args(
        std::env::args().skip(1),
        std::env::var("ASYMPTOTE_DATA_DIR").ok(),
    );
    let chosen = match launch {
        Ok(Launch::Window(chosen)) => chosen,
        Ok(Launch::Help) => {
            println!("{USAGE}");
            return;
        }
        Err(problem) => {
            eprintln!("{problem}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let data_dir = match chosen {
        Some(dir) => Ok(dir),
        None => default_data_dir().map_err(CommandError::from),
    };
    let shell: SharedShell = Arc::new(Shell {
        data_dir,
        journal: Mutex::new(None),
    });

    let result = tauri::Builder::default()
        .manage(shell)
        .invoke_handler(tauri::generate_handler![
            journal_status,
            unlock,
            lock,
            today,
            add_reflection
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("asymptote: the window could not start: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    fn window(dir: &str) -> Result<Launch, String> {
        Ok(Launch::Window(Some(PathBuf::from(dir))))
    }

    #[test]
    fn data_dir_flag_beats_the_environment() {
        assert_eq!(
            parse_args(args(&["--data-dir", "/a"]), Some("/b".into())),
            window("/a")
        );
        assert_eq!(
            parse_args(args(&["--data-dir=/c"]), Some("/b".into())),
            window("/c")
        );
    }

    #[test]
    fn environment_is_used_when_no_flag_and_ignored_when_empty() {
        assert_eq!(parse_args(args(&[]), Some("/b".into())), window("/b"));
        assert_eq!(
            parse_args(args(&[]), Some(String::new())),
            Ok(Launch::Window(None))
        );
        assert_eq!(parse_args(args(&[]), None), Ok(Launch::Window(None)));
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let missing = parse_args(args(&["--data-dir"]), None);
        assert!(matches!(missing, Err(m) if m.contains("needs a folder")));
        let unknown = parse_args(args(&["--frobnicate"]), None);
        assert!(matches!(unknown, Err(m) if m.contains("--frobnicate")));
        assert_eq!(parse_args(args(&["--help"]), None), Ok(Launch::Help));
    }

    #[test]
    fn command_errors_cross_ipc_as_kind_and_message() {
        let json = serde_json::to_value(CommandError::locked()).expect("serializes");
        assert_eq!(json["kind"], "locked");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(json.as_object().map(|o| o.len()), Some(2));
    }
}
