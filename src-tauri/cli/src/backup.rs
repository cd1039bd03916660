//! `asym backup …` and `asym check`: the core's backup and check use cases, worded for a
//! terminal.

use std::path::{Path, PathBuf};

use asymptote_core::usecase::backup::{
    self, BackupInfo, BackupReport, BackupSettings, Place, Rotation,
};
use asymptote_core::usecase::check::{self, CheckReport};
use asymptote_core::*;
use clap::Subcommand;

use crate::cmd::print;
use crate::input;

#[derive(Debug, Clone, Subcommand)]
pub enum BackupCmd {
    /// Take a verified, encrypted backup now.
    Now,
    /// The backups, newest first: when, where, how big, and what each holds.
    List,
    /// Check a backup again (or every one): it opens with the journal's key and is whole.
    Verify {
        /// The backup's ID from `asym backup list`, or a unique start of it.
        id: Option<String>,
    },
    /// Put a backup back as the journal. Shows what it holds and asks first (unless
    /// --yes); backs up the journal as it is and keeps its file aside.
    Restore {
        /// The backup's ID from `asym backup list`, or a unique start of it.
        id: String,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Show, or change, how many backups are kept and the second location.
    Settings {
        /// Days whose newest backup is kept.
        #[arg(long, value_name = "N")]
        daily: Option<u32>,
        /// ISO weeks whose newest backup is kept.
        #[arg(long, value_name = "N")]
        weekly: Option<u32>,
        /// Months whose newest backup is kept.
        #[arg(long, value_name = "N")]
        monthly: Option<u32>,
        /// A second folder (an external drive, a synced folder) that gets a verified copy
        /// of every backup.
        #[arg(long, value_name = "DIR", conflicts_with = "no_second_location")]
        second_location: Option<PathBuf>,
        /// Stop copying backups to a second folder (the copies there stay).
        #[arg(long)]
        no_second_location: bool,
    },
}

/// What a host prints after a backup it did not ask for: problems only.
pub(crate) fn warn_about(r: &BackupReport) {
    if let Some(p) = r.second.as_ref().and_then(|s| s.problem.as_ref()) {
        eprintln!(
            "asym: the backup was kept in the journal's folder, but not copied to the second location: {p}"
        );
    }
}

fn size(bytes: u64) -> String {
    const K: f64 = 1024.0;
    let b = bytes as f64;
    if b >= K * K * K {
        format!("{:.1} GiB", b / K / K / K)
    } else if b >= K * K {
        format!("{:.1} MiB", b / K / K)
    } else {
        format!("{:.0} KiB", (b / K).ceil())
    }
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn counts(c: &ItemCounts) -> String {
    format!(
        "{} purposes, {} challenges, {} sessions, {} reflections, {} check-ins, {} audit items",
        c.purposes, c.challenges, c.sessions, c.reflections, c.checkins, c.audit_items
    )
}

fn place(p: Place) -> &'static str {
    match p {
        Place::Journal => "journal folder",
        Place::Second => "second location",
    }
}

fn line(b: &BackupInfo) -> String {
    format!(
        "{}  {}  {}  {}  {}",
        b.snapshot.id,
        local(b.snapshot.taken_at),
        place(b.place),
        size(b.snapshot.size_bytes),
        b.counts
            .as_ref()
            .map_or_else(|| "(does not open with this journal's key)".into(), counts)
    )
}

fn report_text(r: &BackupReport) -> String {
    let mut t = format!(
        "Backed up and verified: {} ({}, {}) in {}.",
        r.backup.snapshot.id,
        size(r.backup.snapshot.size_bytes),
        r.backup.counts.as_ref().map_or_else(String::new, counts),
        r.backup.snapshot.path.display()
    );
    if let Some(s) = &r.second {
        match (&s.copied, &s.problem) {
            (Some(c), _) => t.push_str(&format!("\nCopied and verified in {}.", c.path.display())),
            (None, Some(p)) => t.push_str(&format!("\nNot copied to the second location: {p}")),
            (None, None) => {}
        }
    }
    if !r.pruned.is_empty() {
        t.push_str(&format!(
            "\nRemoved by the rotation: {}.",
            r.pruned.join(", ")
        ));
    }
    t
}

pub fn backup_cmd(
    dir: &Path,
    json: bool,
    passphrase_file: Option<&Path>,
    c: BackupCmd,
) -> Result<()> {
    // Restore takes its own backup first; the others would only repeat it.
    let mut j = crate::cmd::open_journal_only(dir, passphrase_file)?;
    match c {
        BackupCmd::Now => {
            let r = backup::backup_now(&j)?;
            print(json, &r, || report_text(&r))
        }
        BackupCmd::List => {
            let l = backup::list_backups(&j)?;
            let o = backup::overview(&j)?;
            print(json, &l, || {
                let mut t = format!("Backups in {}", o.folder.display());
                if let Some(s) = &o.second_folder {
                    t.push_str(&format!(" and {}", s.display()));
                }
                t.push_str(&format!(": {}, {} in all.\n", l.len(), size(o.total_bytes)));
                if l.is_empty() {
                    t.push_str("None yet; `asym backup now` takes one.");
                }
                t + &l.iter().map(line).collect::<Vec<_>>().join("\n")
            })
        }
        BackupCmd::Verify { id } => {
            let v = backup::verify_backup(&j, id.as_deref())?;
            print(json, &v, || {
                if v.is_empty() {
                    return "There are no backups to verify; `asym backup now` takes one.".into();
                }
                v.iter()
                    .map(|x| match &x.problem {
                        None if x.earlier_key => format!(
                            "{} was taken under an earlier key of this journal (before a rekey), so today's key cannot check it; the recovery key of its time opens a copy of its folder (`asym --data-dir COPY unlock --recovery-key`).",
                            x.backup.snapshot.id
                        ),
                        None => format!(
                            "{} is whole and opens with this journal's key.",
                            x.backup.snapshot.id
                        ),
                        Some(p) => format!(
                            "{} is damaged: {p}; do not restore it.",
                            x.backup.snapshot.id
                        ),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            if let Some(x) = v.iter().find(|x| x.problem.is_some()) {
                return Err(Error::BadBackup(
                    x.backup.snapshot.id.clone(),
                    x.problem.clone().unwrap_or_default(),
                ));
            }
            Ok(())
        }
        BackupCmd::Restore { id, yes } => {
            let p = backup::restore_preview(&j, &id)?;
            if !yes {
                let c = p.backup.counts.as_ref().map_or_else(String::new, counts);
                eprintln!(
                    "The backup {} (taken {}) holds {c}.\nThe journal holds {} now. It will be backed up first and its file kept aside.",
                    p.backup.snapshot.id,
                    local(p.backup.snapshot.taken_at),
                    counts(&p.current)
                );
                if !input::confirm_or(
                    "Restore this backup as the journal?",
                    "Restoring needs confirmation; add --yes when running without a terminal.",
                )? {
                    return print(json, &serde_json::json!({ "restored": false }), || {
                        "Nothing was changed.".into()
                    });
                }
            }
            let r = backup::restore(&mut j, &id)?;
            warn_about(&r.before);
            print(json, &r, || {
                format!(
                    "Restored {} ({}). The journal as it was is backed up as {} and its file kept in {}.",
                    r.restored.snapshot.id,
                    r.restored.counts.as_ref().map_or_else(String::new, counts),
                    r.before.backup.snapshot.id,
                    r.kept_aside.display()
                )
            })
        }
        BackupCmd::Settings {
            daily,
            weekly,
            monthly,
            second_location,
            no_second_location,
        } => {
            let mut s = backup::settings(&j)?;
            let changed = daily.is_some()
                || weekly.is_some()
                || monthly.is_some()
                || second_location.is_some()
                || no_second_location;
            let r = s.rotation;
            s.rotation = Rotation {
                daily: daily.unwrap_or(r.daily),
                weekly: weekly.unwrap_or(r.weekly),
                monthly: monthly.unwrap_or(r.monthly),
            };
            if let Some(p) = second_location {
                let p = usecase::typed_path(
                    &p.to_string_lossy(),
                    "second backup location",
                    Field::Path,
                    crate::cmd::cwd().as_deref(),
                )?;
                s.second_location = Some(p);
            }
            if no_second_location {
                s.second_location = None;
            }
            if changed {
                backup::set_settings(&mut j, &s)?;
            }
            let s: BackupSettings = backup::settings(&j)?;
            print(json, &s, || {
                format!(
                    "{}Kept: the newest backup of each of the last {} days, {} weeks and {} months, and every one taken before a restore, migration, rekey or import in the last {} days.\nSecond location: {}.",
                    if changed { "Saved. " } else { "" },
                    s.rotation.daily,
                    s.rotation.weekly,
                    s.rotation.monthly,
                    s.rotation.daily,
                    s.second_location
                        .as_ref()
                        .map_or_else(|| "none".into(), |p| p.display().to_string())
                )
            })
        }
    }
}

/// `asym check`: one sentence per finding; fails (exit 11) when anything is damaged.
pub fn check_cmd(dir: &Path, json: bool, passphrase_file: Option<&Path>) -> Result<()> {
    let r: CheckReport = check::check_journal(dir, &OsKeyring::new(), || {
        input::passphrase(passphrase_file)
    })?;
    print(json, &r, || {
        r.findings
            .iter()
            .map(|f| format!("{} {}", if f.ok { "ok  " } else { "BAD " }, f.sentence))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if r.damaged {
        return Err(Error::Damaged(dir.to_path_buf()));
    }
    Ok(())
}
