//! The window's settings (security, reminders, appearance), kept inside the encrypted
//! journal through the core's `set_setting`, never in a plain file; and the optional daily
//! reminder, off by default.
//!
//! The reminder is informational and gentle: no streak, no count of missed days
//! (docs/science.md §7).

use std::time::Duration;

use asymptote_core::Journal;
use chrono::{Local, NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::CommandError;
use crate::commands::SharedShell;

/// The core's setting key under which the window keeps its settings.
const KEY: &str = "app.settings";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Theme {
    /// Follow the OS (prefers-color-scheme).
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// Lock after this many minutes without input; `None` never locks.
    pub idle_lock_minutes: Option<u32>,
    /// The daily reminder: off by default.
    pub reminder_enabled: bool,
    /// Local time of the reminder, `HH:MM`.
    pub reminder_time: String,
    pub theme: Theme,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle_lock_minutes: None,
            reminder_enabled: false,
            reminder_time: "18:00".into(),
            theme: Theme::System,
        }
    }
}

impl Settings {
    pub fn load(journal: &Journal) -> Settings {
        journal.setting(KEY).ok().flatten().unwrap_or_default()
    }

    pub fn save(&self, journal: &mut Journal) -> asymptote_core::Result<()> {
        journal.set_setting(KEY, self)
    }

    /// Checks what the person chose, so a bad value is refused with a reason.
    pub fn validated(self) -> Result<Settings, CommandError> {
        if let Some(m) = self.idle_lock_minutes
            && !(1..=24 * 60).contains(&m)
        {
            return Err(CommandError::new(
                "invalid",
                "Idle lock must be between 1 and 1440 minutes, or off.",
            ));
        }
        if self.reminder_time().is_none() {
            return Err(CommandError::new(
                "invalid",
                "The reminder time must be a time of day like 18:00.",
            ));
        }
        Ok(self)
    }

    fn reminder_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(self.reminder_time.trim(), "%H:%M").ok()
    }
}

/// Whether the reminder is due at `now`, given the day it last fired.
pub fn reminder_due(
    settings: &Settings,
    now: NaiveTime,
    today: NaiveDate,
    fired: Option<NaiveDate>,
) -> bool {
    let Some(at) = settings.reminder_time() else {
        return false;
    };
    settings.reminder_enabled
        && fired != Some(today)
        && now.hour() == at.hour()
        && now.minute() == at.minute()
}

/// Checks the reminder twice a minute on a thread of its own, for the app's lifetime.
/// It needs the settings, which live in the journal, so it only fires while unlocked.
pub fn start_reminders(app: AppHandle) {
    std::thread::spawn(move || {
        let mut fired: Option<NaiveDate> = None;
        loop {
            std::thread::sleep(Duration::from_secs(30));
            let shell = app.state::<SharedShell>();
            let settings = shell.settings();
            let now = Local::now();
            if reminder_due(&settings, now.time(), now.date_naive(), fired) {
                fired = Some(now.date_naive());
                let shown = app
                    .notification()
                    .builder()
                    .title("Asymptote")
                    .body("A few minutes for your practice or a reflection? Whatever today held is worth a line.")
                    .show();
                if let Err(error) = shown {
                    eprintln!("asymptote: the reminder could not be shown: {error}");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).expect("valid date")
    }

    #[test]
    fn reminder_is_off_by_default() {
        let s = Settings::default();
        assert!(!s.reminder_enabled);
        assert!(!reminder_due(&s, t(18, 0), d(1), None));
    }

    #[test]
    fn reminder_fires_once_a_day_at_its_minute() {
        let s = Settings {
            reminder_enabled: true,
            reminder_time: "07:30".into(),
            ..Settings::default()
        };
        assert!(reminder_due(&s, t(7, 30), d(1), None));
        assert!(!reminder_due(&s, t(7, 30), d(1), Some(d(1))));
        assert!(reminder_due(&s, t(7, 30), d(2), Some(d(1))));
        assert!(!reminder_due(&s, t(7, 31), d(2), Some(d(1))));
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        let late = Settings {
            reminder_time: "25:00".into(),
            ..Settings::default()
        };
        assert!(late.validated().is_err_and(|e| e.kind == "invalid"));
        let never = Settings {
            idle_lock_minutes: Some(0),
            ..Settings::default()
        };
        assert!(never.validated().is_err());
        assert!(Settings::default().validated().is_ok());
    }

    #[test]
    fn settings_missing_fields_take_defaults() {
        let s: Settings = serde_json::from_str(r#"{"theme":"dark"}"#).expect("parses");
        assert_eq!(s.theme, Theme::Dark);
        assert!(!s.reminder_enabled);
    }
}
