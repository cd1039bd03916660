//! Asymptote's desktop shell: one Tauri window over the same encrypted journal the CLI uses.
//!
//! The shell knows no domain rules. `commands.rs` holds the IPC commands, each an adapter
//! of a few lines over `asymptote-core` run on a blocking thread; `settings.rs` the
//! window's settings (kept inside the encrypted journal) and the optional daily reminder.
//! `share.rs` the one-on-ones: the person's share screen and the manager's space.
//! Plugins: one instance at a time, window size and place remembered, notifications, and
//! the system's file chooser (driven from Rust only).
//!
//! **Invariant:** no key material and no passphrase ever goes back across IPC; a passphrase
//! typed in the window goes one way, into `asymptote_core::Passphrase`, and is not logged.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
// A Tauri command receives its arguments owned (deserialized from IPC) and its `State` by
// value: that is the framework's signature, not a needless copy.
#![allow(clippy::needless_pass_by_value)]

mod backup;
mod commands;
mod keys;
mod settings;
mod share;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use asymptote_core::{Field, Journal, usecase};
use serde::Serialize;
use tauri::Manager;

use crate::settings::Settings;

/// What the window shares between commands: where the journal lives and, once unlocked,
/// two open connections to it (opened once, not per command) and its settings.
///
/// **Invariant:** no lock is held across slow work that typing waits for. Commands that
/// read the whole journal or render files (exports, previews, every curve) run on the
/// `worker` connection; everything else — adding and editing, drafts, the day — on
/// `journal`. SQLite's WAL lets the two read and write side by side (`benches/concurrency.rs`
/// in the core measures it).
pub struct Shell {
    data_dir: Result<PathBuf, CommandError>,
    journal: Mutex<Option<Journal>>,
    worker: Mutex<Option<Journal>>,
    settings: Mutex<Settings>,
    started: Instant,
    ready: AtomicBool,
    /// Set once the app runs: the events the window listens for go through it.
    app: std::sync::OnceLock<tauri::AppHandle>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// A panic in another command must not lock the person out: SQLite's transactions keep
/// the store consistent, so a poisoned lock is safe to take over.
fn take<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shell {
    fn new(data_dir: Result<PathBuf, CommandError>, started: Instant) -> Self {
        Shell {
            data_dir,
            journal: Mutex::new(None),
            worker: Mutex::new(None),
            settings: Mutex::new(Settings::default()),
            started,
            ready: AtomicBool::new(false),
            app: std::sync::OnceLock::new(),
        }
    }

    fn data_dir(&self) -> Result<&Path, CommandError> {
        self.data_dir.as_deref().map_err(Clone::clone)
    }

    fn journal(&self) -> MutexGuard<'_, Option<Journal>> {
        take(&self.journal)
    }

    /// The connection for slow work (see [`Shell`]).
    fn worker(&self) -> MutexGuard<'_, Option<Journal>> {
        take(&self.worker)
    }

    /// Keeps the newly opened journal, opens its second connection, reads its settings.
    fn opened(&self, journal: Journal) -> Result<(), CommandError> {
        let worker = journal.another_connection()?;
        *take(&self.settings) = Settings::load(&journal);
        *self.worker() = Some(worker);
        *self.journal() = Some(journal);
        Ok(())
    }

    /// Drops both connections (and the key) and forgets the settings.
    fn locked(&self) {
        self.journal().take();
        self.worker().take();
        *take(&self.settings) = Settings::default();
    }

    fn settings(&self) -> Settings {
        take(&self.settings).clone()
    }

    fn set_settings(&self, settings: Settings) {
        *take(&self.settings) = settings;
    }

    /// Tells the window, as the event `unreadable`, which rows the last reading left out
    /// because they could not be read (the core's notes, one sentence each); the list
    /// itself still shows every row that could.
    fn said_unreadable(&self, j: &Journal) {
        let notes: Vec<String> = j
            .take_unreadable()
            .iter()
            .map(ToString::to_string)
            .collect();
        if notes.is_empty() {
            return;
        }
        if let Some(app) = self.app.get() {
            let _ = tauri::Emitter::emit(app, "unreadable", notes);
        }
    }

    /// Prints the startup marker the benchmark reads, once per process.
    fn ready(&self) {
        if !self.ready.swap(true, Ordering::SeqCst) {
            eprintln!("asymptote: ready {} ms", self.started.elapsed().as_millis());
        }
    }
}

/// An error as the web front end sees it. `kind` is stable snake_case to branch on;
/// `message` is one sentence for a person, never holding key material or entry text;
/// `field`, for bad input, names the field to show it beside.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CommandError {
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    field: Option<Field>,
}

impl CommandError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
        }
    }

    fn locked() -> Self {
        Self::new("locked", "The journal is locked. Unlock it first.")
    }
}

impl From<asymptote_core::Error> for CommandError {
    fn from(error: asymptote_core::Error) -> Self {
        use asymptote_core::Error;
        // The core says what happened for any host; the window adds where to act in it.
        let message = match &error {
            Error::NotFound {
                kind: "manager person",
                id,
            } => format!("There is no one called {id} in your One-on-ones; add them first."),
            Error::NotFound { kind, .. } => format!(
                "That {} is no longer in the journal (it may have been deleted elsewhere); the screen will show what is there now.",
                kind.replace('_', " ")
            ),
            Error::Exists(_) => format!("{error} (Tick Replace to write over it.)"),
            Error::NoDataDir => {
                format!("{error} (Start Asymptote with --data-dir DIR, or set ASYMPTOTE_DATA_DIR.)")
            }
            _ => error.to_string(),
        };
        Self {
            kind: error.kind(),
            message,
            field: error.field_at_fault(),
        }
    }
}

type CommandResult<T> = Result<T, CommandError>;

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

/// The data folder the command line names (`--data-dir DIR`), if any; which folder is
/// used in the end is the core's rule (`usecase::data_dir`).
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Launch, String> {
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
    Ok(Launch::Window(chosen))
}

fn main() {
    // Before anything holds entry text: no core dump of this process, ever.
    asymptote_core::hardening::disable_core_dumps();
    let started = Instant::now();
    let launch = parse_args(std::env::args().skip(1));
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
    let data_dir = usecase::data_dir(chosen, std::env::var_os(usecase::DATA_DIR_ENV))
        .map_err(CommandError::from);
    let shell: SharedShell = Arc::new(Shell::new(data_dir, started));

    use commands::*;
    let result = tauri::Builder::default()
        // First, so a second launch hands over to the running window before anything else.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::clone(&shell))
        .setup(move |app| {
            let _ = shell.app.set(app.handle().clone());
            settings::start_reminders(app.handle().clone());
            Ok(())
        })
        // Generated from the #[tauri::command] fns by src-tauri/ipc-contract.
        .invoke_handler(include!("handlers.rs"))
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
    fn the_data_dir_flag_is_read_in_both_spellings() {
        assert_eq!(parse_args(args(&["--data-dir", "/a"])), window("/a"));
        assert_eq!(parse_args(args(&["--data-dir=/c"])), window("/c"));
        assert_eq!(parse_args(args(&[])), Ok(Launch::Window(None)));
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let missing = parse_args(args(&["--data-dir"]));
        assert!(matches!(missing, Err(m) if m.contains("needs a folder")));
        let unknown = parse_args(args(&["--frobnicate"]));
        assert!(matches!(unknown, Err(m) if m.contains("--frobnicate")));
        assert_eq!(parse_args(args(&["--help"])), Ok(Launch::Help));
    }

    #[test]
    fn not_found_is_worded_for_the_window_not_the_cli() {
        let e = CommandError::from(asymptote_core::Error::NotFound {
            kind: "session",
            id: "1234abcd".into(),
        });
        assert_eq!(e.kind, "not_found");
        assert!(!e.message.contains("asym"), "{}", e.message);
        assert!(e.message.contains("session is no longer"), "{}", e.message);
        let e = CommandError::from(asymptote_core::Error::NotFound {
            kind: "manager person",
            id: "Ada".into(),
        });
        assert!(e.message.contains("no one called Ada"), "{}", e.message);
    }

    #[test]
    fn command_errors_cross_ipc_as_kind_and_message() {
        let json = serde_json::to_value(CommandError::locked()).expect("serializes");
        assert_eq!(json["kind"], "locked");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(json.as_object().map(serde_json::Map::len), Some(2));
        let bad = CommandError::from(asymptote_core::Error::field(
            Field::Passphrase,
            "Too short.",
        ));
        let json = serde_json::to_value(bad).expect("serializes");
        assert_eq!(json["field"], "passphrase");
        assert_eq!(json["kind"], "invalid");
    }
}
