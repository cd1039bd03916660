//! Getting text and secrets in: arguments, standard input, $EDITOR, prompts.
//!
//! Secrets come from a file, an environment variable, or a terminal prompt
//! (never an argument, which other users could read in the process list).
//! $EDITOR works on a file in /dev/shm (memory, not disk), removed afterwards,
//! so entry text is never written to disk in plaintext.

use std::io::{IsTerminal, Read};
use std::path::Path;

use asymptote_core::{Error, FeedbackSource, Passphrase, Result};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone};
use zeroize::Zeroizing;

pub const PASSPHRASE_ENV: &str = "ASYMPTOTE_PASSPHRASE";
pub const RECOVERY_ENV: &str = "ASYMPTOTE_RECOVERY_KEY";

fn read_secret_file(path: &Path) -> Result<Zeroizing<String>> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| Error::Io(path.to_path_buf(), e))?,
    );
    Ok(Zeroizing::new(
        text.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

/// The passphrase for an existing journal: file, environment, or prompt.
pub fn passphrase(file: Option<&Path>) -> Result<Passphrase> {
    if let Some(f) = file {
        return Ok(Passphrase::new(read_secret_file(f)?.to_string()));
    }
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Passphrase::new(p));
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Passphrase: ")
            .map_err(|e| Error::Io("the terminal".into(), e))?;
        return Ok(Passphrase::new(p));
    }
    Err(Error::PassphraseNeeded)
}

/// A new passphrase: file, environment, or typed twice at a prompt.
pub fn new_passphrase(file: Option<&Path>) -> Result<Passphrase> {
    if file.is_some() || std::env::var_os(PASSPHRASE_ENV).is_some() {
        return passphrase(file);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::PassphraseNeeded);
    }
    typed_twice(
        "New passphrase (a few words is best): ",
        "The two passphrases differ; nothing was created. Run `asym init --passphrase` again.",
    )
}

/// A new secret typed twice at the terminal, without echo; `differ` is the sentence when
/// the two differ.
pub fn typed_twice(prompt: &str, differ: &str) -> Result<Passphrase> {
    let ask = |p: &str| {
        rpassword::prompt_password(p)
            .map(Zeroizing::new)
            .map_err(|e| Error::Io("the terminal".into(), e))
    };
    let a = ask(prompt)?;
    let b = ask("Type it again: ")?;
    if *a != *b {
        return Err(Error::Invalid(differ.into()));
    }
    Ok(Passphrase::new(a.to_string()))
}

/// The recovery key: file, environment, or prompt.
pub fn recovery_key(file: Option<&Path>) -> Result<Zeroizing<String>> {
    if let Some(f) = file {
        return read_secret_file(f);
    }
    if let Ok(k) = std::env::var(RECOVERY_ENV) {
        return Ok(Zeroizing::new(k));
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Recovery key: ")
            .map(Zeroizing::new)
            .map_err(|e| Error::Io("the terminal".into(), e));
    }
    Err(Error::Invalid(
        "A recovery key is needed: give --recovery-key-file FILE, set ASYMPTOTE_RECOVERY_KEY, or run in a terminal to type it.".into(),
    ))
}

/// Resolves a text option: `-` reads standard input; `edit` opens $EDITOR
/// starting from `initial`.
pub fn text(arg: Option<String>, edit: bool, initial: Option<&str>) -> Result<Option<String>> {
    if edit {
        return editor(initial.unwrap_or("")).map(Some);
    }
    match arg.as_deref() {
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Error::Io("standard input".into(), e))?;
            Ok(Some(s))
        }
        _ => Ok(arg),
    }
}

/// The start of the names of the files $EDITOR edits in /dev/shm: `asym-PID-…`.
const EDITOR_PREFIX: &str = "asym-";

/// Removes the files in /dev/shm that an asym killed while $EDITOR was open left behind
/// (they hold unsaved entry text, in memory until the machine restarts), and says so.
pub fn remove_orphaned_editor_files() {
    let n = asymptote_core::remove_orphans(Path::new("/dev/shm"), EDITOR_PREFIX);
    if n > 0 {
        let files = if n == 1 { "file" } else { "files" };
        eprintln!(
            "asym: removed {n} unsaved $EDITOR {files} from /dev/shm, left there when an earlier asym was stopped while editing; that text was never saved."
        );
    }
}

/// Opens $EDITOR (or $VISUAL, or vi) on a file in memory-backed /dev/shm.
fn editor(initial: &str) -> Result<String> {
    let shm = Path::new("/dev/shm");
    if !cfg!(target_os = "linux") || !shm.is_dir() {
        return Err(Error::Invalid(
            "Editing in $EDITOR needs /dev/shm, which this system lacks, and entry text must not be written to disk; pass the text with --text or on standard input (--text -) instead.".into(),
        ));
    }
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    // tempfile creates the file with mode 0600 and removes it on drop. The name carries
    // our pid, so a later asym can tell a file a kill left behind (see below).
    let prefix = format!("{EDITOR_PREFIX}{}-", std::process::id());
    let file = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".md")
        .tempfile_in(shm)
        .map_err(|e| Error::Io(shm.to_path_buf(), e))?;
    std::fs::write(file.path(), initial).map_err(|e| Error::Io(file.path().to_path_buf(), e))?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .map_err(|e| {
            Error::Invalid(format!(
                "Could not start the editor `{program}` ({e}); set $EDITOR to an editor you have."
            ))
        })?;
    if !status.success() {
        return Err(Error::Invalid(
            "The editor exited with an error, so nothing was saved.".into(),
        ));
    }
    let text = std::fs::read_to_string(file.path())
        .map_err(|e| Error::Io(file.path().to_path_buf(), e))?;
    Ok(text)
}

/// Parses when something happened, in local time unless an offset is given.
pub fn when(s: &str) -> Result<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let naive = if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        d.and_hms_opt(12, 0, 0)
    } else {
        [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    };
    let naive = naive.ok_or_else(|| {
        Error::Invalid(format!(
            "`{s}` is not a date or time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM."
        ))
    })?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "`{s}` does not exist in your time zone (a clock change); pick another time."
            ))
        })
}

/// Parses a calendar day: YYYY-MM-DD, "today" or "yesterday".
pub fn day(s: &str) -> Result<NaiveDate> {
    let today = asymptote_core::local_today();
    match s.trim().to_ascii_lowercase().as_str() {
        "today" => Ok(today),
        "yesterday" => Ok(today.pred_opt().unwrap_or(today)),
        other => NaiveDate::parse_from_str(other, "%Y-%m-%d")
            .map_err(|_| Error::Invalid(format!("`{s}` is not a date; use YYYY-MM-DD."))),
    }
}

/// Parses "SOURCE; worked=…; change=…; delay=MIN".
pub fn feedback(spec: &str) -> Result<asymptote_core::Feedback> {
    let mut parts = spec.split(';').map(str::trim);
    let source = FeedbackSource::parse(parts.next().unwrap_or(""))?;
    let mut fb = asymptote_core::Feedback {
        source,
        ..Default::default()
    };
    for part in parts.filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            Error::Invalid(format!(
                "In --feedback, `{part}` should be key=value (worked=…, change=… or delay=MIN)."
            ))
        })?;
        let v = v.trim().to_string();
        match k.trim() {
            "worked" => fb.worked = Some(v),
            "change" => fb.change = Some(v),
            "delay" => {
                fb.delay_min = Some(v.parse().map_err(|_| {
                    Error::Invalid(format!(
                        "In --feedback, delay=`{v}` is not a number of minutes."
                    ))
                })?);
            }
            other => {
                return Err(Error::Invalid(format!(
                    "In --feedback, `{other}` is not known; use worked=, change= or delay=."
                )));
            }
        }
    }
    Ok(fb)
}

/// Asks "question [y/N]" at the terminal.
pub fn confirm(question: &str) -> Result<bool> {
    confirm_or(
        question,
        "Deleting needs confirmation; add --yes when running without a terminal.",
    )
}

/// [`confirm`], saying `without_terminal` when there is no terminal to ask at.
pub fn confirm_or(question: &str, without_terminal: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(without_terminal.into()));
    }
    eprint!("{question} [y/N] ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::Io("the terminal".into(), e))?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// Asks a free-text question at the terminal; empty answers are None.
pub fn ask(prompt: &str) -> Result<Option<String>> {
    eprintln!("{prompt}");
    eprint!("> ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::Io("the terminal".into(), e))?;
    let t = line.trim();
    Ok(if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn feedback_spec_parses_all_fields() {
        let f = feedback("coach; worked=steady tempo; change=relax shoulders; delay=5").unwrap();
        assert_eq!(f.source, FeedbackSource::Coach);
        assert_eq!(f.worked.as_deref(), Some("steady tempo"));
        assert_eq!(f.change.as_deref(), Some("relax shoulders"));
        assert_eq!(f.delay_min, Some(5.0));
    }

    #[test]
    fn feedback_spec_errors_name_the_problem() {
        assert!(
            feedback("boss")
                .unwrap_err()
                .to_string()
                .contains("not a feedback source")
        );
        assert!(
            feedback("self; nope")
                .unwrap_err()
                .to_string()
                .contains("key=value")
        );
        assert!(
            feedback("self; delay=soon")
                .unwrap_err()
                .to_string()
                .contains("minutes")
        );
    }

    #[test]
    fn when_accepts_dates_local_times_and_rfc3339() {
        assert_eq!(
            when("2026-03-01").unwrap().date_naive().to_string(),
            "2026-03-01"
        );
        assert_eq!(
            when("2026-03-01T08:30")
                .unwrap()
                .format("%H:%M")
                .to_string(),
            "08:30"
        );
        let t = when("2026-03-01T08:30:00+05:00").unwrap();
        assert_eq!(t.offset().local_minus_utc(), 5 * 3600);
        assert!(when("March 1st").is_err());
    }
}
