//! `asym keys …` (the person's signing key) and `asym manager …` (the manager's side),
//! plus the helpers `asym share export` uses to sign and encrypt what it writes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use asymptote_core::manager::{Agenda, AgendaItem, AgendaKind, Timeline};
use asymptote_core::protect;
use asymptote_core::usecase::{self, Encryption, ImportStep, NeedsInput};
use asymptote_core::*;
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::input;

/// The environment variable an age passphrase is read from (to encrypt or decrypt).
pub const AGE_PASSPHRASE_ENV: &str = "ASYMPTOTE_AGE_PASSPHRASE";

#[derive(Debug, Clone, Subcommand)]
pub enum KeysCmd {
    /// Show this journal's signing public key and its fingerprint, to hand to your
    /// manager (the key pair is made on first use; the secret half stays in the keyring).
    Show,
    /// Write the signing public key to FILE in minisign's .pub format.
    ExportPublic {
        file: PathBuf,
        /// Write over FILE if it exists.
        #[arg(long)]
        replace: bool,
    },
    /// Change the journal's passphrase (passphrase mode). The current one comes from
    /// --passphrase-file, ASYMPTOTE_PASSPHRASE or a prompt; the new one from
    /// --new-passphrase-file, ASYMPTOTE_NEW_PASSPHRASE or a prompt (typed twice).
    Passphrase {
        /// Read the new passphrase from this file.
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Keep the journal's key in the system keyring, or behind a passphrase instead (the
    /// new passphrase as for `asym keys passphrase`). The key itself does not change.
    Mode {
        #[arg(value_enum)]
        mode: crate::keys::ModeArg,
        /// Read the new passphrase from this file (to passphrase mode).
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Make a new recovery key, shown once; the old one stops opening the journal (it
    /// still opens the backups taken before).
    RotateRecovery,
    /// Re-encrypt the journal under a new random key, after a backup under the old one.
    /// Needs the recovery key (--recovery-key-file, ASYMPTOTE_RECOVERY_KEY or a prompt),
    /// which then opens the journal as before.
    Rekey {
        /// Read the recovery key from this file.
        #[arg(long, value_name = "FILE")]
        recovery_key_file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ManagerCmd {
    /// The people whose bundles you receive.
    #[command(subcommand)]
    Person(PersonCmd),
    /// Trust a person's signing key: a .pub file, or the key line (RW…) itself.
    Trust { person: String, key: String },
    /// Verify, decrypt and import a bundle a person sent you (read-only once imported).
    Import(ImportArgs),
    /// Everything a person shared with you, across their bundles, day by day.
    Timeline { person: String },
    /// The next one-on-one: open talking points, action items, your notes.
    Agenda(AgendaArgs),
}

#[derive(Debug, Clone, Subcommand)]
pub enum PersonCmd {
    /// Add a person by name.
    Add { name: String },
    /// List your people, their trusted keys and how many bundles you received.
    List,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    pub person: String,
    /// The received file (a JSON bundle, or its .age encryption).
    pub file: PathBuf,
    /// The detached signature (default: FILE.minisig).
    #[arg(long, value_name = "FILE.minisig")]
    pub sig: Option<PathBuf>,
    /// Your age identity file (from `age-keygen`), for a file encrypted to your age key.
    /// A file encrypted to a passphrase takes it from ASYMPTOTE_AGE_PASSPHRASE or a prompt.
    #[arg(long, value_name = "AGE_IDENTITY_FILE")]
    pub identity: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct AgendaArgs {
    pub person: String,
    /// Also list closed points and actions.
    #[arg(long)]
    pub all: bool,
    #[command(subcommand)]
    pub action: Option<AgendaCmd>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AgendaCmd {
    /// A talking point, carried forward to each one-on-one until closed.
    AddPoint { text: String },
    /// Close a talking point or an action item by its id (at least 4 characters).
    Close { id: String },
    /// An action item with an owner and a due date.
    AddAction {
        text: String,
        #[arg(long)]
        owner: String,
        /// YYYY-MM-DD, "today" or "tomorrow".
        #[arg(long)]
        due: String,
    },
    /// Your own note about this person (never part of anyone's export).
    Note { text: String },
    /// Mark the one-on-one as held: the points still open carry forward to the next one.
    Held {
        /// The day it was held (default: today).
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

/// What `asym keys` and `asym manager` need from the global options.
pub struct Opts<'a> {
    pub dir: &'a Path,
    pub json: bool,
    pub passphrase_file: Option<&'a Path>,
}

impl Opts<'_> {
    pub(crate) fn open(&self) -> Result<Journal> {
        crate::cmd::open_journal(self.dir, self.passphrase_file)
    }

    pub(crate) fn print<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        crate::cmd::print(self.json, value, text)
    }
}

fn short(id: Id) -> String {
    let s = id.to_string();
    s[s.len().saturating_sub(8)..].to_string()
}

// ------------------------------------------------------------------ keys

#[derive(Serialize)]
struct KeyReport<'a> {
    key_id: &'a str,
    public_key: &'a str,
    minisign_pub: String,
    created: bool,
    written_to: Option<&'a Path>,
}

pub fn keys(o: &Opts, c: &KeysCmd) -> Result<()> {
    match c {
        KeysCmd::Show | KeysCmd::ExportPublic { .. } => {}
        KeysCmd::Passphrase {
            new_passphrase_file,
        } => return crate::keys::passphrase(o, new_passphrase_file.as_ref()),
        KeysCmd::Mode {
            mode,
            new_passphrase_file,
        } => return crate::keys::mode(o, *mode, new_passphrase_file.as_ref()),
        KeysCmd::RotateRecovery => return crate::keys::rotate_recovery(o),
        KeysCmd::Rekey { recovery_key_file } => {
            return crate::keys::rekey(o, recovery_key_file.as_ref());
        }
    }
    let j = o.open()?;
    let (pk, created) = protect::journal_public_key(&j, &OsKeyring::new())?;
    let file = pk.to_minisign_file();
    let written = match c {
        KeysCmd::Show => None,
        KeysCmd::Passphrase { .. }
        | KeysCmd::Mode { .. }
        | KeysCmd::RotateRecovery
        | KeysCmd::Rekey { .. } => return Ok(()), // each returned above
        KeysCmd::ExportPublic {
            file: path,
            replace,
        } => Some(usecase::trust::save_public_key(
            &j,
            &OsKeyring::new(),
            &path.to_string_lossy(),
            *replace,
            crate::cmd::cwd().as_deref(),
        )?),
    };
    o.print(
        &KeyReport {
            key_id: &pk.key_id,
            public_key: &pk.base64,
            minisign_pub: file.clone(),
            created,
            written_to: written.as_deref(),
        },
        || {
            let head = if created {
                "Made this journal's signing key; its secret half is in your system keyring, apart from the journal's key.\n"
            } else {
                ""
            };
            match &written {
                Some(p) => format!(
                    "{head}Wrote the signing public key {} to {}.\nHand that file to your manager; they check the fingerprint {} with you.",
                    pk.key_id,
                    p.display(),
                    pk.key_id
                ),
                None => format!(
                    "{head}Signing public key (minisign format), to hand to your manager:\n\n{file}\nFingerprint (key id): {}\nYour manager runs `asym manager trust YOUR-NAME KEY` and checks this fingerprint with you, in person or by phone.\nAnyone can verify your signed files with `minisign -Vm FILE -P {}`.",
                    pk.key_id, pk.base64
                ),
            }
        },
    )
}

// ----------------------------------------------- helpers for share export

/// A passphrase to encrypt to: ASYMPTOTE_AGE_PASSPHRASE, or typed twice at a prompt.
pub fn new_age_passphrase() -> Result<Passphrase> {
    if let Ok(p) = std::env::var(AGE_PASSPHRASE_ENV) {
        return Ok(Passphrase::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!(
            "Encrypting to a passphrase needs one: set {AGE_PASSPHRASE_ENV}, or run in a terminal to type it."
        )));
    }
    crate::input::typed_twice(
        "Passphrase to encrypt the file to: ",
        "The two passphrases differ; nothing was written.",
    )
}

fn age_passphrase() -> Result<Passphrase> {
    if let Ok(p) = std::env::var(AGE_PASSPHRASE_ENV) {
        return Ok(Passphrase::new(p));
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Passphrase of the file: ")
            .map(Passphrase::new)
            .map_err(|e| Error::Io("the terminal".into(), e));
    }
    Err(Error::Invalid(format!(
        "This file is encrypted to a passphrase: set {AGE_PASSPHRASE_ENV}, or run in a terminal to type it; nothing was imported."
    )))
}

/// The encryption chosen by `--encrypt-to AGE_PUBKEY` / `--encrypt-passphrase` (the
/// passphrase is asked for only then).
pub fn encryption(encrypt_to: Option<String>, passphrase: bool) -> Result<Encryption> {
    match (encrypt_to, passphrase) {
        (Some(_), true) => Err(Error::Invalid(
            "Choose one of --encrypt-to and --encrypt-passphrase, not both.".into(),
        )),
        (Some(recipient), false) => Ok(Encryption::AgeKey { recipient }),
        (None, true) => Ok(Encryption::Passphrase {
            passphrase: new_age_passphrase()?.expose_dangerously().to_string(),
        }),
        (None, false) => Ok(Encryption::None),
    }
}

// --------------------------------------------------------------- manager

pub fn manager(o: &Opts, c: ManagerCmd) -> Result<()> {
    match c {
        ManagerCmd::Person(PersonCmd::Add { name }) => {
            let mut j = o.open()?;
            let p = j.manager_add_person(&name)?;
            o.print(&p, || {
                format!(
                    "Added {}. Next: `asym manager trust \"{}\" KEY` with the public key they give you (`asym keys show` on their side).",
                    p.name, p.name
                )
            })
        }
        ManagerCmd::Person(PersonCmd::List) => {
            let j = o.open()?;
            let people = j.manager_people()?;
            o.print(&people, || {
                if people.is_empty() {
                    return "No people yet; add one with `asym manager person add NAME`.".into();
                }
                people
                    .iter()
                    .map(|p| {
                        let keys: Vec<&str> = p.keys.iter().map(|k| k.key_id.as_str()).collect();
                        format!(
                            "{}  keys: {}  bundles: {}",
                            p.name,
                            if keys.is_empty() {
                                "none trusted".to_string()
                            } else {
                                keys.join(", ")
                            },
                            p.bundles
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        ManagerCmd::Trust { person, key } => {
            let pk = usecase::trust::public_key_from(&key, crate::cmd::cwd().as_deref())?;
            let mut j = o.open()?;
            let k = j.manager_trust_key(&person, &pk)?;
            let name = j.manager_person(&person)?.name;
            o.print(&k, || {
                format!(
                    "Now trusting key {} for {name}. Check this fingerprint with them in person or by phone: a file signed by any other key will be refused.",
                    k.key_id
                )
            })
        }
        ManagerCmd::Import(a) => import(o, &a),
        ManagerCmd::Timeline { person } => {
            let j = o.open()?;
            let t = j.manager_timeline(&person)?;
            o.print(&t, || render_timeline(&t))
        }
        ManagerCmd::Agenda(a) => agenda(o, a),
    }
}

fn import(o: &Opts, a: &ImportArgs) -> Result<()> {
    let mut j = o.open()?;
    let request = |passphrase: Option<String>| usecase::ImportRequest {
        person: a.person.clone(),
        path: a.file.to_string_lossy().into_owned(),
        signature_path: a.sig.as_ref().map(|s| s.to_string_lossy().into_owned()),
        passphrase,
        identity_path: a
            .identity
            .as_ref()
            .map(|s| s.to_string_lossy().into_owned()),
    };
    let cwd = crate::cmd::cwd();
    let b = match usecase::import_received(&mut j, request(None), cwd.as_deref())? {
        ImportStep::Imported { bundle } => bundle,
        ImportStep::Needs {
            input: NeedsInput::Passphrase,
        } => {
            // The signature already passed: a foreign or changed file was refused with no prompt.
            let p = age_passphrase()?;
            let again = request(Some(p.expose_dangerously().to_string()));
            match usecase::import_received(&mut j, again, cwd.as_deref())? {
                ImportStep::Imported { bundle } => bundle,
                ImportStep::Needs { input } => return Err(Error::Invalid(input.sentence().into())),
            }
        }
        ImportStep::Needs {
            input: NeedsInput::Identity,
        } => {
            return Err(Error::field(
                Field::Identity,
                NeedsInput::Identity.sentence(),
            ));
        }
    };
    o.print(&b, || {
        format!(
            "Imported {}'s bundle {} ({} items{}), signed by their key {}. See it with `asym manager timeline \"{}\"`.",
            b.person,
            short(b.id),
            b.items,
            match (b.period_from, b.period_to) {
                (Some(f), Some(t)) => format!(", {f} to {t}"),
                _ => String::new(),
            },
            b.signer_key_id,
            b.person
        )
    })
}

fn render_timeline(t: &Timeline) -> String {
    use asymptote_core::{Kind, manager::TimelineItem};
    /// A figure as the timeline has always printed it: whole numbers bare, else two decimals.
    fn num(x: f64) -> String {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.2}")
        }
    }
    /// One item in the CLI's words, from the core's fields.
    fn line(i: &TimelineItem) -> String {
        let title = i.title.as_deref().unwrap_or("");
        let mut s = match i.kind {
            Kind::Purpose => format!("Purpose: {title}"),
            Kind::Challenge => format!("Challenge: {title}"),
            Kind::Session => format!("Practice: {}", i.title.as_deref().unwrap_or("a challenge")),
            Kind::Reflection => format!("Reflection: {title}"),
            Kind::Checkin => "Autonomy check-in".to_string(),
            Kind::AuditItem => format!("Motivation audit: {title}"),
        };
        if let Some(p) = &i.practice {
            if let Some(m) = p.duration_min {
                s.push_str(&format!(", {} min", num(m)));
            }
            if let Some(x) = p.performance {
                s.push_str(&format!(", performance {}", num(x)));
            }
            if let (Some(k), Some(n)) = (p.successes, p.attempts) {
                s.push_str(&format!(", {k}/{n} succeeded"));
            }
            if p.feedback > 0 {
                s.push_str(&format!(", {} feedback", p.feedback));
            }
        }
        if let Some(r) = &i.ratings {
            s.push_str(&format!(
                ": task {}, time {}, technique {}, team {}",
                r.task, r.time, r.technique, r.team
            ));
        }
        if let Some(d) = &i.detail {
            match i.kind {
                Kind::Purpose => s.push_str(&format!(" (for {d})")),
                Kind::Session => s.push_str(&format!("; next: {d}")),
                _ => s.push_str(&format!(" — {d}")),
            }
        }
        s
    }
    if t.bundles.is_empty() {
        return format!(
            "Nothing from {} yet; import a bundle with `asym manager import`.",
            t.person
        );
    }
    let mut s = format!(
        "{}: {} bundle{} received, {} day{} with shared items.\n",
        t.person,
        t.bundles.len(),
        if t.bundles.len() == 1 { "" } else { "s" },
        t.days.len(),
        if t.days.len() == 1 { "" } else { "s" }
    );
    for d in &t.days {
        s.push_str(&format!("\n{}\n", d.day.format("%A %-d %B %Y")));
        for i in &d.items {
            s.push_str(&format!("  {}  {}\n", short(i.id), line(i)));
        }
    }
    s
}

fn item_line(i: &AgendaItem) -> String {
    let mut s = format!("  {}  {}", short(i.id), i.text);
    if let (Some(o), Some(d)) = (&i.owner, i.due) {
        s.push_str(&format!(" — {o}, due {d}"));
        if i.closed_at.is_none() && d < local_today() {
            s.push_str(" (overdue)");
        }
    }
    if i.closed_at.is_none() && i.kind == AgendaKind::Point {
        let since = i.created_at.with_timezone(&chrono::Local).date_naive();
        match i.carried {
            0 => s.push_str(&format!(" (new since {since})")),
            1 => s.push_str(&format!(" (carried forward once; open since {since})")),
            n => s.push_str(&format!(" (carried forward {n} times; open since {since})")),
        }
    }
    s
}

fn render_agenda(a: &Agenda) -> String {
    let mut s = format!("Next one-on-one with {}\n", a.person);
    if let Some(d) = a.last_held {
        s.push_str(&format!("Last one held: {d}\n"));
    }
    let section = |s: &mut String, title: &str, items: &[AgendaItem], empty: &str| {
        s.push_str(&format!("\n{title}\n"));
        if items.is_empty() {
            s.push_str(&format!("  {empty}\n"));
        }
        for i in items {
            s.push_str(&item_line(i));
            s.push('\n');
        }
    };
    section(
        &mut s,
        "Talking points (carried forward until closed)",
        &a.points,
        "none open",
    );
    section(&mut s, "Action items", &a.actions, "none open");
    if !a.their_questions.is_empty() {
        s.push_str(&format!("\n{}'s own questions\n", a.person));
        for q in &a.their_questions {
            s.push_str(&format!("  - {q}\n"));
        }
    }
    section(&mut s, "Your notes", &a.notes, "none");
    if !a.closed.is_empty() {
        section(&mut s, "Closed", &a.closed, "");
    }
    s
}

fn agenda(o: &Opts, a: AgendaArgs) -> Result<()> {
    let mut j = o.open()?;
    let done = |j: &Journal, item: AgendaItem, what: &str| -> Result<()> {
        let ag = j.agenda(&a.person, a.all)?;
        o.print(&item, || {
            format!("{what} {}.\n\n{}", short(item.id), render_agenda(&ag))
        })
    };
    match a.action {
        None => {
            let ag = j.agenda(&a.person, a.all)?;
            o.print(&ag, || render_agenda(&ag))
        }
        Some(AgendaCmd::AddPoint { text }) => {
            let i = j.agenda_add_point(&a.person, &text)?;
            done(&j, i, "Added talking point")
        }
        Some(AgendaCmd::Close { id }) => {
            let i = j.agenda_close(&a.person, &id)?;
            done(&j, i, "Closed")
        }
        Some(AgendaCmd::AddAction { text, owner, due }) => {
            let due = match due.trim().to_ascii_lowercase().as_str() {
                "tomorrow" => local_today() + chrono::Days::new(1),
                _ => input::day(&due)?,
            };
            let i = j.agenda_add_action(&a.person, &text, &owner, due)?;
            done(&j, i, "Added action item")
        }
        Some(AgendaCmd::Note { text }) => {
            let i = j.agenda_add_note(&a.person, &text)?;
            done(&j, i, "Added note")
        }
        Some(AgendaCmd::Held { on }) => {
            let on = match on {
                Some(d) => input::day(&d)?,
                None => local_today(),
            };
            let ag = j.agenda_held(&a.person, on)?;
            o.print(&ag, || {
                format!(
                    "Marked the one-on-one of {on} as held; open points carry forward.\n\n{}",
                    render_agenda(&ag)
                )
            })
        }
    }
}
