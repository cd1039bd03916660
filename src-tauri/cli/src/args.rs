//! The command line's shape, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "asym",
    version,
    about = "Asymptote: a private coaching journal for autonomy, mastery and purpose.",
    long_about = "Asymptote: a private coaching journal for autonomy, mastery and purpose.\n\nThe journal is encrypted at rest; its key lives in your OS keyring (or behind a passphrase). Nothing is ever sent over the network."
)]
pub struct Cli {
    /// The journal's folder (else ASYMPTOTE_DATA_DIR, else your OS's per-user data folder,
    /// then Asymptote).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Read the journal's passphrase from this file (passphrase mode only).
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Create a new journal (key in the OS keyring, or --passphrase).
    Init {
        /// Protect the journal with a passphrase instead of the OS keyring
        /// (for machines with no keyring: SSH sessions, headless Linux, WSL).
        #[arg(long)]
        passphrase: bool,
    },
    /// Show whether the journal unlocks, and how; or restore its key with the recovery key.
    Unlock {
        /// Put the journal's key back into the OS keyring using the recovery key
        /// (typed at a prompt, or read from --recovery-key-file or ASYMPTOTE_RECOVERY_KEY).
        #[arg(long)]
        recovery_key: bool,
        /// Read the recovery key from this file.
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<PathBuf>,
    },
    /// Copy every entry a damaged journal still holds into a new journal in DIR, filling
    /// what cannot be read from a backup; the damaged journal is only read. Or, with
    /// --replace, put that new journal in the damaged one's place.
    #[command(group(clap::ArgGroup::new("where").required(true).args(["to", "replace"])))]
    Salvage {
        /// The new journal's folder: one that does not exist yet, or an empty one.
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Repair in place: the salvaged journal, filled from the newest backup that
        /// verifies, replaces the damaged one, which is kept in the journal's replaced/
        /// folder.
        #[arg(long, conflicts_with = "from_backup")]
        replace: bool,
        /// A backup of this journal (a snapshot with the same key) to fill in what the
        /// damaged journal no longer gives.
        #[arg(long, value_name = "FILE")]
        from_backup: Option<PathBuf>,
        /// Unlock with the recovery key (typed at a prompt, or read from
        /// --recovery-key-file or ASYMPTOTE_RECOVERY_KEY).
        #[arg(long)]
        recovery_key: bool,
        /// Read the recovery key from this file.
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<PathBuf>,
    },
    /// Everything dated today (your local day).
    Today,
    /// Everything dated on DATE (YYYY-MM-DD, or "today", "yesterday").
    Day { date: String },
    /// Find items by words or the starts of words ("prac feed" finds "practice feedback").
    Search {
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Mastery curves and Goldilocks calibration: where you are heading, how far
    /// you have come, and whether the challenge is too easy or too hard.
    Progress {
        /// One challenge (default: every active challenge).
        challenge: Option<String>,
        /// Practice measured in hours or sessions (default: hours when every session has a duration).
        #[arg(long, value_name = "hours|sessions")]
        by: Option<String>,
        /// Write the challenge's chart to FILE as SVG.
        #[arg(long, value_name = "FILE", requires = "challenge")]
        svg: Option<PathBuf>,
    },
    /// Whom your work serves, and why.
    #[command(subcommand)]
    Purpose(PurposeCmd),
    /// Goldilocks challenges: a skill, a goal, a measure, a difficulty.
    #[command(subcommand)]
    Challenge(ChallengeCmd),
    /// Deliberate-practice sessions and the feedback they got.
    #[command(subcommand)]
    Session(SessionCmd),
    /// Growth-mindset reflections: free text or Gibbs's cycle.
    #[command(subcommand)]
    Reflection(ReflectionCmd),
    /// Autonomy check-ins over task, time, technique and team.
    #[command(subcommand)]
    Checkin(CheckinCmd),
    /// The motivation audit: if-then rewards, punishments, and tasks.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The journal's keys (change the passphrase, keyring or passphrase mode, a new
    /// recovery key, a new database key) and your signing key (its public half, to hand
    /// to your manager).
    #[command(subcommand)]
    Keys(crate::manager::KeysCmd),
    /// The manager's side: people, their trusted keys, received bundles, the agenda.
    #[command(subcommand)]
    Manager(crate::manager::ManagerCmd),
    /// Share with your manager: choose items, preview exactly what leaves, export, and see the log.
    #[command(subcommand)]
    Share(crate::share::ShareCmd),
    /// Verified, encrypted backups: take one now, list, verify, restore (one is taken
    /// automatically on the first use of each day).
    #[command(subcommand)]
    Backup(crate::backup::BackupCmd),
    /// Check the journal file: every page's authentication, SQLite's and the search
    /// index's integrity, and the key envelope. Exits non-zero when anything is damaged.
    Check,
}

/// Options every item has.
#[derive(Debug, Clone, Args, Default)]
pub struct Common {
    /// When it happened: YYYY-MM-DD, YYYY-MM-DDTHH:MM (local time), or RFC 3339 (default: now).
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// Keep it private: it never leaves this machine unless picked one by one.
    #[arg(long, conflicts_with = "shared")]
    pub private: bool,
    /// Allow it in exports you choose to make.
    #[arg(long)]
    pub shared: bool,
}

#[derive(Debug, Clone, Args)]
pub struct IdArg {
    /// The item's id, or at least 4 characters from its start or end.
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// The item's id, or at least 4 characters from its start or end.
    pub id: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

impl Command {
    /// Whether the command only reads the journal. On a damaged journal such a command
    /// runs again on what could still be read (`usecase::read_around`) and says what
    /// could not; a command that writes does not (it would write into a copy).
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            Command::Today
                | Command::Day { .. }
                | Command::Search { .. }
                | Command::Progress { .. }
                | Command::Purpose(PurposeCmd::List)
                | Command::Challenge(ChallengeCmd::List { .. })
                | Command::Session(SessionCmd::List { .. })
                | Command::Reflection(ReflectionCmd::List)
                | Command::Checkin(CheckinCmd::List)
                | Command::Audit(AuditCmd::List)
        )
    }
}

#[derive(Debug, Clone, Subcommand)]
pub enum PurposeCmd {
    /// Add a purpose.
    Add(PurposeFields),
    /// List the purposes.
    List,
    /// Show one purpose in full.
    Show(IdArg),
    /// Change a purpose: only the fields given change.
    Edit {
        /// The purpose's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: PurposeFields,
    },
    /// Delete a purpose (asks first, unless --yes).
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct PurposeFields {
    /// A short name for it.
    #[arg(long)]
    pub title: Option<String>,
    /// Whom the work serves.
    #[arg(long)]
    pub whom: Option<String>,
    /// Why it matters, in your own words ("-" reads standard input).
    #[arg(long)]
    pub why: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ChallengeCmd {
    /// Add a challenge.
    Add(ChallengeFields),
    /// List the challenges.
    List {
        /// Only challenges with this status (active, paused, done).
        #[arg(long)]
        status: Option<String>,
    },
    /// Show one challenge in full.
    Show(IdArg),
    /// Change a challenge: only the fields given change.
    Edit {
        /// The challenge's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: ChallengeFields,
    },
    /// Delete a challenge (asks first, unless --yes).
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ChallengeFields {
    /// The skill it stretches.
    #[arg(long)]
    pub skill: Option<String>,
    /// A concrete goal.
    #[arg(long)]
    pub goal: Option<String>,
    /// What you measure (e.g. "tempo", "time to solve").
    #[arg(long)]
    pub measure: Option<String>,
    /// The measure's unit (e.g. "bpm", "s").
    #[arg(long)]
    pub unit: Option<String>,
    /// Lower values of the measure are better (times, errors).
    #[arg(long, conflicts_with = "higher_is_better")]
    pub lower_is_better: bool,
    /// Higher values of the measure are better (the default for a new challenge).
    #[arg(long)]
    pub higher_is_better: bool,
    /// The current difficulty level (a number; higher is harder).
    #[arg(long, allow_negative_numbers = true)]
    pub difficulty: Option<f64>,
    /// The target success rate, 0–1 (default 0.85).
    #[arg(long, allow_negative_numbers = true)]
    pub target: Option<f64>,
    /// active, paused or done.
    #[arg(long)]
    pub status: Option<String>,
    /// Link to a purpose (repeatable). On edit, replaces the links.
    #[arg(long = "purpose", value_name = "ID")]
    pub purposes: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SessionCmd {
    /// Add a session.
    Add(SessionFields),
    /// List the sessions.
    List {
        /// Only this challenge's sessions.
        #[arg(long)]
        challenge: Option<String>,
    },
    /// Show one session in full.
    Show(IdArg),
    /// Change a session: only the fields given change.
    Edit {
        /// The session's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: SessionFields,
    },
    /// Delete a session (asks first, unless --yes).
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct SessionFields {
    /// The challenge practised.
    #[arg(long)]
    pub challenge: Option<String>,
    /// Minutes practised.
    #[arg(long, value_name = "MIN", allow_negative_numbers = true)]
    pub duration: Option<f64>,
    /// The sub-skill in focus.
    #[arg(long)]
    pub sub_skill: Option<String>,
    /// The difficulty practised at.
    #[arg(long, allow_negative_numbers = true)]
    pub difficulty: Option<f64>,
    /// The success rate you predicted beforehand, 0–1.
    #[arg(long, allow_negative_numbers = true)]
    pub predicted: Option<f64>,
    #[arg(long)]
    pub attempts: Option<u32>,
    #[arg(long)]
    pub successes: Option<u32>,
    /// The measured performance value (in the challenge's unit).
    #[arg(long, allow_negative_numbers = true)]
    pub performance: Option<f64>,
    /// Effort, 1–10.
    #[arg(long)]
    pub effort: Option<u8>,
    /// How challenging it felt, 1–10.
    #[arg(long)]
    pub challenge_rating: Option<u8>,
    /// How skilled you felt, 1–10.
    #[arg(long)]
    pub skill_rating: Option<u8>,
    /// Feedback, repeatable: "SOURCE; worked=…; change=…; delay=MIN", SOURCE one of
    /// self, coach, peer, recording, metric. On edit, replaces all feedback.
    #[arg(long, value_name = "SPEC")]
    pub feedback: Vec<String>,
    /// The next step.
    #[arg(long)]
    pub next_step: Option<String>,
    /// Notes ("-" reads standard input).
    #[arg(long)]
    pub notes: Option<String>,
    /// Write the notes in $EDITOR.
    #[arg(long)]
    pub edit: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ReflectionCmd {
    /// Add a reflection.
    Add(ReflectionFields),
    /// List the reflections.
    List,
    /// Show one reflection in full.
    Show(IdArg),
    /// Change a reflection: only the fields given change.
    Edit {
        /// The reflection's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: ReflectionFields,
    },
    /// Delete a reflection (asks first, unless --yes).
    Delete(DeleteArgs),
    /// Show the guided prompts of Gibbs's reflective cycle.
    Prompts,
}

#[derive(Debug, Clone, Args)]
pub struct ReflectionFields {
    /// The reflection's text ("-" reads standard input).
    #[arg(long)]
    pub text: Option<String>,
    /// Write the text in $EDITOR.
    #[arg(long)]
    pub edit: bool,
    /// Answer Gibbs's six prompts one by one at the terminal.
    #[arg(long)]
    pub guided: bool,
    /// Gibbs: what happened?
    #[arg(long)]
    pub description: Option<String>,
    /// Gibbs: what were you thinking and feeling?
    #[arg(long)]
    pub feelings: Option<String>,
    /// Gibbs: what went well, and what not yet?
    #[arg(long)]
    pub evaluation: Option<String>,
    /// Gibbs: why did it go that way?
    #[arg(long)]
    pub analysis: Option<String>,
    /// Gibbs: what did you learn?
    #[arg(long)]
    pub conclusion: Option<String>,
    /// Gibbs: what strategy will you try next?
    #[arg(long)]
    pub action_plan: Option<String>,
    /// A tag (repeatable). On edit, replaces the tags.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Link a practice session (repeatable).
    #[arg(long = "session", value_name = "ID")]
    pub sessions: Vec<String>,
    /// Link a challenge (repeatable).
    #[arg(long = "challenge", value_name = "ID")]
    pub challenges: Vec<String>,
    /// Link a purpose (repeatable).
    #[arg(long = "purpose", value_name = "ID")]
    pub purposes: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Subcommand)]
pub enum CheckinCmd {
    /// Add a check-in.
    Add(CheckinFields),
    /// List the check-ins.
    List,
    /// Show one check-in in full.
    Show(IdArg),
    /// Change a check-in: only the fields given change.
    Edit {
        /// The check-in's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: CheckinFields,
    },
    /// Delete a check-in (asks first, unless --yes).
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CheckinFields {
    /// Autonomy over what you work on, 1–7.
    #[arg(long)]
    pub task: Option<u8>,
    /// Autonomy over when you work, 1–7.
    #[arg(long)]
    pub time: Option<u8>,
    /// Autonomy over how you work, 1–7.
    #[arg(long)]
    pub technique: Option<u8>,
    /// Autonomy over whom you work with, 1–7.
    #[arg(long)]
    pub team: Option<u8>,
    /// A note ("-" reads standard input).
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCmd {
    /// Add an audit item.
    Add(AuditFields),
    /// List the audit items.
    List,
    /// Show one audit item in full.
    Show(IdArg),
    /// Change an audit item: only the fields given change.
    Edit {
        /// The audit item's id (any unique start or end of 4+ characters).
        id: String,
        #[command(flatten)]
        fields: AuditFields,
    },
    /// Delete an audit item (asks first, unless --yes).
    Delete(DeleteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct AuditFields {
    /// reward, punishment or task.
    #[arg(long)]
    pub kind: Option<String>,
    /// What it is.
    #[arg(long)]
    pub description: Option<String>,
    /// The if-then: "if … then …".
    #[arg(long)]
    pub contingency: Option<String>,
    /// algorithmic (rule-following) or heuristic (creative).
    #[arg(long)]
    pub task_type: Option<String>,
    /// A note ("-" reads standard input).
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub common: Common,
}
