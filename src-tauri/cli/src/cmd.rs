//! What each command does: parse options, call the core, print.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use asymptote_core::*;
use serde::Serialize;

use crate::args::*;
use crate::input;
use crate::render;

struct Ctx {
    dir: PathBuf,
    json: bool,
    passphrase_file: Option<PathBuf>,
    /// For a reading command: a second connection kept from its open, to read around
    /// damage with if the reading meets some (no passphrase asked twice).
    kept: Option<std::cell::RefCell<Option<Journal>>>,
    /// Once the reading met damage: the copy read around it.
    around: Option<usecase::ReadAround>,
}

/// Prints to stdout; a closed pipe (`asym … | head`) is not an error.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io("standard output".into(), e)),
    }
}

/// Prints `value` as JSON with `--json`, else the text `text` makes.
pub(crate) fn print<T: Serialize>(
    json: bool,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<()> {
    if json {
        let s = serde_json::to_string_pretty(value)
            .map_err(|e| Error::Invalid(format!("Could not write JSON ({e}).")))?;
        emit(&format!("{s}\n"))
    } else {
        let mut t = text();
        if !t.ends_with('\n') {
            t.push('\n');
        }
        emit(&t)
    }
}

/// Opens the journal in `dir`; its passphrase, in passphrase mode only, from
/// `--passphrase-file`, the environment or a prompt.
pub(crate) fn open_journal(
    dir: &std::path::Path,
    passphrase_file: Option<&std::path::Path>,
) -> Result<Journal> {
    let j = open_journal_only(dir, passphrase_file)?;
    take_daily_backup(&j);
    Ok(j)
}

/// The day's backup, on the first open of the day. A failure is said, and the command
/// still runs: the journal itself is unchanged by it.
fn take_daily_backup(j: &Journal) {
    match usecase::backup_if_due(j) {
        Ok(Some(r)) => crate::backup::warn_about(&r),
        Ok(None) => {}
        Err(e) => eprintln!(
            "asym: today's backup was not taken: {}",
            crate::hint::sentence(&e)
        ),
    }
}

/// [`open_journal`] without the day's backup (for commands that back up themselves).
pub(crate) fn open_journal_only(
    dir: &std::path::Path,
    passphrase_file: Option<&std::path::Path>,
) -> Result<Journal> {
    usecase::open_journal(dir, &OsKeyring::new(), || {
        input::passphrase(passphrase_file)
    })
}

/// Says, on standard error, which items the last read left out because they could not be
/// read: the list itself still shows every item that could.
pub(crate) fn unreadable_notes(j: &Journal) {
    for note in j.take_unreadable() {
        eprintln!("asym: {note}");
    }
}

/// The working folder, against which relative paths are taken.
pub(crate) fn cwd() -> Option<PathBuf> {
    std::env::current_dir().ok()
}

impl Ctx {
    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        print(self.json, value, text)
    }

    fn open(&self) -> Result<Journal> {
        if let Some(around) = &self.around {
            return around.open();
        }
        let j = open_journal(&self.dir, self.passphrase_file.as_deref())?;
        if let Some(kept) = &self.kept {
            *kept.borrow_mut() = j.another_connection().ok();
        }
        Ok(j)
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let dir = usecase::data_dir(cli.data_dir, std::env::var_os(usecase::DATA_DIR_ENV))?;
    let reads = cli.command.reads_only();
    let mut ctx = Ctx {
        dir,
        json: cli.json,
        passphrase_file: cli.passphrase_file,
        kept: reads.then(Default::default),
        around: None,
    };
    let again = reads.then(|| cli.command.clone());
    let out = dispatch(&ctx, cli.command);
    // A reading that met a damaged page: the same reading of what can still be read,
    // then the damage said (exit 11).
    let (Err(Error::Damaged(_)), Some(command)) = (&out, again) else {
        return out;
    };
    let Some(kept) = ctx.kept.take().and_then(std::cell::RefCell::into_inner) else {
        return out;
    };
    let Ok(around) = usecase::read_around(&kept) else {
        return out;
    };
    drop(kept);
    let damage = around.damage().clone();
    ctx.around = Some(around);
    dispatch(&ctx, command)?;
    Err(Error::ReadAround(damage))
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init { passphrase } => init(ctx, passphrase),
        Command::Unlock {
            recovery_key,
            recovery_key_file,
        } => unlock(
            ctx,
            recovery_key || recovery_key_file.is_some(),
            recovery_key_file.as_deref(),
        ),
        Command::Salvage {
            to,
            replace,
            from_backup,
            recovery_key,
            recovery_key_file,
        } => salvage(
            ctx,
            if replace { None } else { to.as_deref() },
            from_backup.as_deref(),
            recovery_key || recovery_key_file.is_some(),
            recovery_key_file.as_deref(),
        ),
        Command::Today => show_day(ctx, local_today()),
        Command::Day { date } => show_day(ctx, input::day(&date)?),
        Command::Search { words, limit } => search(ctx, &words.join(" "), limit),
        Command::Progress { challenge, by, svg } => {
            progress(ctx, challenge.as_deref(), by.as_deref(), svg.as_deref())
        }
        Command::Purpose(c) => purpose(ctx, c),
        Command::Challenge(c) => challenge(ctx, c),
        Command::Session(c) => session(ctx, c),
        Command::Reflection(c) => reflection(ctx, c),
        Command::Checkin(c) => checkin(ctx, c),
        Command::Audit(c) => audit(ctx, c),
        Command::Keys(c) => crate::manager::keys(&manager_opts(ctx), &c),
        Command::Manager(c) => crate::manager::manager(&manager_opts(ctx), c),
        Command::Share(c) => crate::share::share(&manager_opts(ctx), c),
        Command::Backup(c) => {
            crate::backup::backup_cmd(&ctx.dir, ctx.json, ctx.passphrase_file.as_deref(), c)
        }
        Command::Check => {
            crate::backup::check_cmd(&ctx.dir, ctx.json, ctx.passphrase_file.as_deref())
        }
    }
}

fn manager_opts(ctx: &Ctx) -> crate::manager::Opts<'_> {
    crate::manager::Opts {
        dir: &ctx.dir,
        json: ctx.json,
        passphrase_file: ctx.passphrase_file.as_deref(),
    }
}

// ----------------------------------------------------------- journal-wide

#[derive(Serialize)]
struct InitReport<'a> {
    data_dir: &'a std::path::Path,
    key_mode: KeyMode,
    recovery_key: &'a str,
}

fn init(ctx: &Ctx, passphrase: bool) -> Result<()> {
    if Journal::exists(&ctx.dir) {
        // Before asking for a passphrase that could not be used.
        return Err(Error::AlreadyExists(ctx.dir.clone()));
    }
    let passphrase = if passphrase {
        Some(input::new_passphrase(ctx.passphrase_file.as_deref())?)
    } else {
        None
    };
    let created = usecase::create_journal(&ctx.dir, passphrase, &OsKeyring::new())?;
    let rk = created.recovery_key.display_dangerously();
    let mode = created.journal.mode();
    ctx.print(
        &InitReport {
            data_dir: &ctx.dir,
            key_mode: mode,
            recovery_key: &rk,
        },
        || {
            format!(
                "Created an encrypted journal in {}.\n{}\n\nYour recovery key (shown only this once — write it down and keep it apart from this computer):\n\n    {}\n\nWith it, `asym unlock --recovery-key` reopens the journal on another machine or after the keyring entry is lost.",
                ctx.dir.display(),
                match mode {
                    KeyMode::Keyring => "Its key is kept in your system keyring.",
                    KeyMode::Passphrase => "It is protected by your passphrase (no system keyring is used).",
                },
                rk.as_str()
            )
        },
    )
}

fn unlock(ctx: &Ctx, with_recovery: bool, file: Option<&Path>) -> Result<()> {
    let journal = if with_recovery {
        let rk = input::recovery_key(file)?;
        usecase::recover_journal(&ctx.dir, &rk, &OsKeyring::new())?
    } else {
        open_journal_only(&ctx.dir, ctx.passphrase_file.as_deref())?
    };
    // Every page authenticated: a damaged file is said here, not at the first read that
    // meets it (and before the day's backup, which could only fail on it).
    let after = usecase::after_unlock(&journal);
    if after.damage.is_some() {
        return Err(Error::Damaged(journal.dir().to_path_buf()));
    }
    if let Some(r) = &after.backup {
        crate::backup::warn_about(r);
    }
    if let Some(problem) = &after.backup_problem {
        eprintln!("asym: today's backup was not taken: {problem}");
    }
    let st = journal.status()?;
    ctx.print(&st, || {
        let i = &st.items;
        format!(
            "The journal in {} unlocks{}.\nKey: {}. Encryption: SQLCipher {}. Schema version {}.\nIt holds {} purposes, {} challenges, {} practice sessions, {} reflections, {} check-ins and {} audit items.",
            st.data_dir.display(),
            if with_recovery && st.key_mode == KeyMode::Keyring {
                "; its key is back in the system keyring"
            } else {
                ""
            },
            match st.key_mode {
                KeyMode::Keyring => "in the system keyring",
                KeyMode::Passphrase => "behind a passphrase",
            },
            st.cipher_version.as_deref().unwrap_or("?"),
            st.schema_version,
            i.purposes,
            i.challenges,
            i.sessions,
            i.reflections,
            i.checkins,
            i.audit_items
        )
    })
}

/// `asym salvage`: into a new journal at `to`, or (`None`) in the damaged one's place.
fn salvage(
    ctx: &Ctx,
    to: Option<&Path>,
    from_backup: Option<&Path>,
    with_recovery: bool,
    file: Option<&Path>,
) -> Result<()> {
    let keys = OsKeyring::new();
    let recovery = if with_recovery {
        Some(Unlock::RecoveryKey(input::recovery_key(file)?.to_string()))
    } else {
        None
    };
    let passphrase = || input::passphrase(ctx.passphrase_file.as_deref());
    let Some(to) = to else {
        let (report, _repaired) = match recovery {
            Some(unlock) => usecase::repair_with(&ctx.dir, unlock, &keys)?,
            None => usecase::repair(&ctx.dir, &keys, passphrase)?,
        };
        return ctx.print(&report, || render::repair(&ctx.dir, &report));
    };
    let report = match recovery {
        Some(unlock) => usecase::salvage_with(&ctx.dir, to, unlock, &keys, from_backup)?,
        None => usecase::salvage(&ctx.dir, to, &keys, passphrase, from_backup)?,
    };
    ctx.print(&report, || render::salvage(&report))
}

fn skill_lookup(j: &Journal) -> impl Fn(Id) -> Option<String> + '_ {
    move |id| j.challenge(id).ok().map(|c| c.skill)
}

fn show_day(ctx: &Ctx, date: chrono::NaiveDate) -> Result<()> {
    let j = ctx.open()?;
    let v = j.day(date)?;
    unreadable_notes(&j);
    ctx.print(&v, || render::day(&v, skill_lookup(&j)))
}

fn search(ctx: &Ctx, q: &str, limit: usize) -> Result<()> {
    let j = ctx.open()?;
    let hits = j.search(q, limit)?;
    let color = std::io::stdout().is_terminal();
    ctx.print(&hits, || {
        if hits.is_empty() {
            format!("Nothing matches “{q}”.")
        } else {
            hits.iter()
                .map(|h| render::hit(h, color))
                .collect::<Vec<_>>()
                .join("\n")
        }
    })
}

fn list_text<T>(items: &[T], empty: &str, line: impl Fn(&T) -> String) -> String {
    if items.is_empty() {
        empty.to_string()
    } else {
        items.iter().map(line).collect::<Vec<_>>().join("\n")
    }
}

fn when_of(c: &Common) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
    c.at.as_deref().map(input::when).transpose()
}

fn private_of(c: &Common, default: bool) -> bool {
    if c.private {
        true
    } else if c.shared {
        false
    } else {
        default
    }
}

/// Applies --at/--private/--shared to an existing item.
fn apply_common(meta: &mut Meta, c: &Common) -> Result<()> {
    if let Some(t) = when_of(c)? {
        meta.when = When::from_local(t);
    }
    meta.private = private_of(c, meta.private);
    Ok(())
}

fn resolve_all(j: &Journal, kind: Kind, ids: &[String]) -> Result<Vec<Id>> {
    ids.iter().map(|s| j.resolve_id(kind, s)).collect()
}

fn confirm_delete(yes: bool, what: &str) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    input::confirm(&format!("Delete {what}? This cannot be undone."))
}

fn deleted(ctx: &Ctx, kind: Kind, id: Id) -> Result<()> {
    ctx.print(
        &serde_json::json!({ "deleted": kind.as_str(), "id": id }),
        || {
            format!(
                "Deleted {} {}.",
                kind.as_str().replace('_', " "),
                render::short(id)
            )
        },
    )
}

fn not_deleted(ctx: &Ctx) -> Result<()> {
    ctx.print(&serde_json::json!({ "deleted": null }), || {
        "Nothing was deleted.".into()
    })
}

// ----------------------------------------------------------------- purpose

fn purpose(ctx: &Ctx, c: PurposeCmd) -> Result<()> {
    let mut j = ctx.open()?;
    match c {
        PurposeCmd::Add(f) => {
            let p = j.add_purpose(NewPurpose {
                title: f.title.unwrap_or_default(),
                whom: f.whom,
                why: input::text(f.why, false, None)?,
                private: private_of(&f.common, false),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&p, || {
                format!("Added purpose {}.", render::short(p.meta.id))
            })
        }
        PurposeCmd::List => {
            let v = j.purposes()?;
            unreadable_notes(&j);
            ctx.print(&v, || {
                list_text(
                    &v,
                    "No purposes yet. Add one with `asym purpose add --title …`.",
                    render::purpose_line,
                )
            })
        }
        PurposeCmd::Show(a) => {
            let p = j.purpose(j.resolve_id(Kind::Purpose, &a.id)?)?;
            ctx.print(&p, || render::purpose(&p))
        }
        PurposeCmd::Edit { id, fields: f } => {
            let mut p = j.purpose(j.resolve_id(Kind::Purpose, &id)?)?;
            if let Some(t) = f.title {
                p.title = t;
            }
            if f.whom.is_some() {
                p.whom = f.whom;
            }
            if let Some(w) = input::text(f.why, false, None)? {
                p.why = Some(w);
            }
            apply_common(&mut p.meta, &f.common)?;
            let p = j.update_purpose(&p)?;
            ctx.print(&p, || {
                format!("Updated purpose {}.", render::short(p.meta.id))
            })
        }
        PurposeCmd::Delete(a) => {
            let id = j.resolve_id(Kind::Purpose, &a.id)?;
            let p = j.purpose(id)?;
            if !confirm_delete(a.yes, &format!("the purpose “{}”", p.title))? {
                return not_deleted(ctx);
            }
            j.delete_purpose(id)?;
            deleted(ctx, Kind::Purpose, id)
        }
    }
}

// --------------------------------------------------------------- challenge

fn challenge(ctx: &Ctx, c: ChallengeCmd) -> Result<()> {
    let mut j = ctx.open()?;
    match c {
        ChallengeCmd::Add(f) => {
            let purpose_ids = resolve_all(&j, Kind::Purpose, &f.purposes)?;
            let ch = j.add_challenge(NewChallenge {
                skill: f.skill.unwrap_or_default(),
                goal: f.goal,
                measure: Measure {
                    name: f.measure,
                    unit: f.unit,
                    higher_is_better: !f.lower_is_better,
                },
                difficulty: f.difficulty,
                target_rate: f.target,
                status: f
                    .status
                    .as_deref()
                    .map(ChallengeStatus::parse)
                    .transpose()?
                    .unwrap_or_default(),
                purpose_ids,
                private: private_of(&f.common, false),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&ch, || {
                format!("Added challenge {}.", render::short(ch.meta.id))
            })
        }
        ChallengeCmd::List { status } => {
            let status = status.as_deref().map(ChallengeStatus::parse).transpose()?;
            let v = j.challenges(status)?;
            unreadable_notes(&j);
            ctx.print(&v, || {
                list_text(
                    &v,
                    "No challenges yet. Add one with `asym challenge add --skill …`.",
                    render::challenge_line,
                )
            })
        }
        ChallengeCmd::Show(a) => {
            let ch = j.challenge(j.resolve_id(Kind::Challenge, &a.id)?)?;
            ctx.print(&ch, || render::challenge(&ch))
        }
        ChallengeCmd::Edit { id, fields: f } => {
            let mut ch = j.challenge(j.resolve_id(Kind::Challenge, &id)?)?;
            if let Some(s) = f.skill {
                ch.skill = s;
            }
            if f.goal.is_some() {
                ch.goal = f.goal;
            }
            if f.measure.is_some() {
                ch.measure.name = f.measure;
            }
            if f.unit.is_some() {
                ch.measure.unit = f.unit;
            }
            if f.lower_is_better {
                ch.measure.higher_is_better = false;
            }
            if f.higher_is_better {
                ch.measure.higher_is_better = true;
            }
            if f.difficulty.is_some() {
                ch.difficulty = f.difficulty;
            }
            if let Some(t) = f.target {
                ch.target_rate = t;
            }
            if let Some(s) = f.status {
                ch.status = ChallengeStatus::parse(&s)?;
            }
            if !f.purposes.is_empty() {
                ch.purpose_ids = resolve_all(&j, Kind::Purpose, &f.purposes)?;
            }
            apply_common(&mut ch.meta, &f.common)?;
            let ch = j.update_challenge(&ch)?;
            ctx.print(&ch, || {
                format!("Updated challenge {}.", render::short(ch.meta.id))
            })
        }
        ChallengeCmd::Delete(a) => {
            let id = j.resolve_id(Kind::Challenge, &a.id)?;
            let ch = j.challenge(id)?;
            if !confirm_delete(a.yes, &format!("the challenge “{}”", ch.skill))? {
                return not_deleted(ctx);
            }
            j.delete_challenge(id)?;
            deleted(ctx, Kind::Challenge, id)
        }
    }
}

// ----------------------------------------------------------------- session

fn session_data(
    f: &SessionFields,
    base: SessionData,
    notes: Option<String>,
) -> Result<SessionData> {
    let mut d = base;
    macro_rules! set {
        ($($field:ident <- $src:expr),* $(,)?) => { $( if $src.is_some() { d.$field = $src; } )* };
    }
    set!(
        duration_min <- f.duration,
        sub_skill <- f.sub_skill.clone(),
        difficulty <- f.difficulty,
        predicted_rate <- f.predicted,
        attempts <- f.attempts,
        successes <- f.successes,
        performance <- f.performance,
        effort <- f.effort,
        challenge_rating <- f.challenge_rating,
        skill_rating <- f.skill_rating,
        next_step <- f.next_step.clone(),
        notes <- notes,
    );
    if !f.feedback.is_empty() {
        d.feedback = f
            .feedback
            .iter()
            .map(|s| input::feedback(s))
            .collect::<Result<_>>()?;
    }
    Ok(d)
}

fn session(ctx: &Ctx, c: SessionCmd) -> Result<()> {
    let mut j = ctx.open()?;
    match c {
        SessionCmd::Add(f) => {
            let challenge_id = match &f.challenge {
                Some(c) => Some(j.resolve_id(Kind::Challenge, c)?),
                None => None,
            };
            let notes = input::text(f.notes.clone(), f.edit, None)?;
            let data = session_data(&f, SessionData::default(), notes)?;
            let s = j.add_session(NewSession {
                challenge_id,
                data,
                private: private_of(&f.common, false),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&s, || {
                format!("Logged session {}.", render::short(s.meta.id))
            })
        }
        SessionCmd::List { challenge } => {
            let cid = challenge
                .map(|c| j.resolve_id(Kind::Challenge, &c))
                .transpose()?;
            let v = j.sessions(cid)?;
            unreadable_notes(&j);
            let skill = skill_lookup(&j);
            ctx.print(&v, || {
                list_text(
                    &v,
                    "No practice sessions yet. Log one with `asym session add --challenge …`.",
                    |s| render::session_line(s, skill(s.challenge_id).as_deref()),
                )
            })
        }
        SessionCmd::Show(a) => {
            let s = j.session(j.resolve_id(Kind::Session, &a.id)?)?;
            ctx.print(&s, || render::session(&s))
        }
        SessionCmd::Edit { id, fields: f } => {
            let mut s = j.session(j.resolve_id(Kind::Session, &id)?)?;
            if let Some(c) = &f.challenge {
                s.challenge_id = j.resolve_id(Kind::Challenge, c)?;
            }
            let notes = input::text(f.notes.clone(), f.edit, s.data.notes.as_deref())?;
            s.data = session_data(&f, s.data.clone(), notes)?;
            apply_common(&mut s.meta, &f.common)?;
            let s = j.update_session(&s)?;
            ctx.print(&s, || {
                format!("Updated session {}.", render::short(s.meta.id))
            })
        }
        SessionCmd::Delete(a) => {
            let id = j.resolve_id(Kind::Session, &a.id)?;
            let s = j.session(id)?;
            if !confirm_delete(a.yes, &format!("the session of {}", s.meta.when.day))? {
                return not_deleted(ctx);
            }
            j.delete_session(id)?;
            deleted(ctx, Kind::Session, id)
        }
    }
}

// -------------------------------------------------------------- reflection

fn gibbs_from(f: &ReflectionFields, base: Gibbs) -> Result<Gibbs> {
    let mut g = base;
    if f.guided {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Invalid(
                "--guided asks its prompts at a terminal; without one, give the answers as --description, --feelings, --evaluation, --analysis, --conclusion and --action-plan.".into(),
            ));
        }
        eprintln!("Gibbs's reflective cycle: answer what helps, press Enter to skip.");
        for (slot, (_, prompt)) in g.fields_mut().into_iter().zip(GIBBS_PROMPTS.iter()) {
            if let Some(a) = input::ask(prompt)? {
                *slot = Some(a);
            }
        }
        return Ok(g);
    }
    let given = [
        &f.description,
        &f.feelings,
        &f.evaluation,
        &f.analysis,
        &f.conclusion,
        &f.action_plan,
    ];
    for (slot, v) in g.fields_mut().into_iter().zip(given) {
        if v.is_some() {
            *slot = v.clone();
        }
    }
    Ok(g)
}

fn reflection(ctx: &Ctx, c: ReflectionCmd) -> Result<()> {
    if let ReflectionCmd::Prompts = c {
        let prompts: Vec<_> = GIBBS_PROMPTS
            .iter()
            .map(|(k, p)| serde_json::json!({ "stage": k, "prompt": p }))
            .collect();
        return ctx.print(&prompts, || {
            GIBBS_PROMPTS
                .iter()
                .enumerate()
                .map(|(i, (k, p))| {
                    format!(
                        "{}. {} (--{}): {}",
                        i + 1,
                        k.replace('_', " "),
                        k.replace('_', "-"),
                        p
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
    let mut j = ctx.open()?;
    match c {
        ReflectionCmd::Add(f) => {
            let text = input::text(f.text.clone(), f.edit, None)?;
            let r = j.add_reflection(NewReflection {
                text,
                gibbs: gibbs_from(&f, Gibbs::default())?,
                tags: f.tags.clone(),
                session_ids: resolve_all(&j, Kind::Session, &f.sessions)?,
                challenge_ids: resolve_all(&j, Kind::Challenge, &f.challenges)?,
                purpose_ids: resolve_all(&j, Kind::Purpose, &f.purposes)?,
                private: private_of(&f.common, true),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&r, || {
                format!(
                    "Added reflection {}{}.",
                    render::short(r.meta.id),
                    if r.meta.private { " (private)" } else { "" }
                )
            })
        }
        ReflectionCmd::List => {
            let v = j.reflections()?;
            unreadable_notes(&j);
            ctx.print(&v, || list_text(&v, "No reflections yet. Write one with `asym reflection add --text …` or `--guided`.", render::reflection_line))
        }
        ReflectionCmd::Show(a) => {
            let r = j.reflection(j.resolve_id(Kind::Reflection, &a.id)?)?;
            ctx.print(&r, || render::reflection(&r))
        }
        ReflectionCmd::Edit { id, fields: f } => {
            let mut r = j.reflection(j.resolve_id(Kind::Reflection, &id)?)?;
            if let Some(t) = input::text(f.text.clone(), f.edit, r.text.as_deref())? {
                r.text = Some(t);
            }
            r.gibbs = gibbs_from(&f, r.gibbs.clone())?;
            if !f.tags.is_empty() {
                r.tags = f.tags.clone();
            }
            if !f.sessions.is_empty() {
                r.session_ids = resolve_all(&j, Kind::Session, &f.sessions)?;
            }
            if !f.challenges.is_empty() {
                r.challenge_ids = resolve_all(&j, Kind::Challenge, &f.challenges)?;
            }
            if !f.purposes.is_empty() {
                r.purpose_ids = resolve_all(&j, Kind::Purpose, &f.purposes)?;
            }
            apply_common(&mut r.meta, &f.common)?;
            let r = j.update_reflection(&r)?;
            ctx.print(&r, || {
                format!("Updated reflection {}.", render::short(r.meta.id))
            })
        }
        ReflectionCmd::Delete(a) => {
            let id = j.resolve_id(Kind::Reflection, &a.id)?;
            let r = j.reflection(id)?;
            if !confirm_delete(a.yes, &format!("the reflection of {}", r.meta.when.day))? {
                return not_deleted(ctx);
            }
            j.delete_reflection(id)?;
            deleted(ctx, Kind::Reflection, id)
        }
        ReflectionCmd::Prompts => Ok(()),
    }
}

// ----------------------------------------------------------------- checkin

fn checkin(ctx: &Ctx, c: CheckinCmd) -> Result<()> {
    let mut j = ctx.open()?;
    match c {
        CheckinCmd::Add(f) => {
            let need = |v: Option<u8>, name: &str| {
                v.ok_or_else(|| {
                    Error::Invalid(format!(
                        "A check-in rates all four T's; give --{name} (1–7) as well."
                    ))
                })
            };
            let ratings = FourTs {
                task: need(f.task, "task")?,
                time: need(f.time, "time")?,
                technique: need(f.technique, "technique")?,
                team: need(f.team, "team")?,
            };
            let c = j.add_checkin(NewCheckin {
                ratings,
                note: input::text(f.note, false, None)?,
                private: private_of(&f.common, false),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&c, || {
                format!("Added check-in {}.", render::short(c.meta.id))
            })
        }
        CheckinCmd::List => {
            let v = j.checkins()?;
            unreadable_notes(&j);
            ctx.print(&v, || list_text(&v, "No check-ins yet. Add one with `asym checkin add --task N --time N --technique N --team N`.", render::checkin_line))
        }
        CheckinCmd::Show(a) => {
            let c = j.checkin(j.resolve_id(Kind::Checkin, &a.id)?)?;
            ctx.print(&c, || render::checkin(&c))
        }
        CheckinCmd::Edit { id, fields: f } => {
            let mut c = j.checkin(j.resolve_id(Kind::Checkin, &id)?)?;
            let r = &mut c.ratings;
            r.task = f.task.unwrap_or(r.task);
            r.time = f.time.unwrap_or(r.time);
            r.technique = f.technique.unwrap_or(r.technique);
            r.team = f.team.unwrap_or(r.team);
            if let Some(n) = input::text(f.note, false, None)? {
                c.note = Some(n);
            }
            apply_common(&mut c.meta, &f.common)?;
            let c = j.update_checkin(&c)?;
            ctx.print(&c, || {
                format!("Updated check-in {}.", render::short(c.meta.id))
            })
        }
        CheckinCmd::Delete(a) => {
            let id = j.resolve_id(Kind::Checkin, &a.id)?;
            let c = j.checkin(id)?;
            if !confirm_delete(a.yes, &format!("the check-in of {}", c.meta.when.day))? {
                return not_deleted(ctx);
            }
            j.delete_checkin(id)?;
            deleted(ctx, Kind::Checkin, id)
        }
    }
}

// ------------------------------------------------------------------- audit

fn audit(ctx: &Ctx, c: AuditCmd) -> Result<()> {
    let mut j = ctx.open()?;
    match c {
        AuditCmd::Add(f) => {
            let a = j.add_audit_item(NewAuditItem {
                kind: f
                    .kind
                    .as_deref()
                    .map(AuditKind::parse)
                    .transpose()?
                    .unwrap_or_default(),
                description: f.description.unwrap_or_default(),
                contingency: f.contingency,
                task_type: f.task_type.as_deref().map(TaskType::parse).transpose()?,
                note: input::text(f.note, false, None)?,
                private: private_of(&f.common, false),
                when: when_of(&f.common)?,
            })?;
            ctx.print(&a, || {
                format!("Added audit item {}.", render::short(a.meta.id))
            })
        }
        AuditCmd::List => {
            let v = j.audit_items()?;
            unreadable_notes(&j);
            ctx.print(&v, || list_text(&v, "No audit items yet. Add one with `asym audit add --kind reward --description …`.", render::audit_line))
        }
        AuditCmd::Show(a) => {
            let item = j.audit_item(j.resolve_id(Kind::AuditItem, &a.id)?)?;
            ctx.print(&item, || render::audit(&item))
        }
        AuditCmd::Edit { id, fields: f } => {
            let mut a = j.audit_item(j.resolve_id(Kind::AuditItem, &id)?)?;
            if let Some(k) = f.kind {
                a.kind = AuditKind::parse(&k)?;
            }
            if let Some(d) = f.description {
                a.description = d;
            }
            if f.contingency.is_some() {
                a.contingency = f.contingency;
            }
            if let Some(t) = f.task_type {
                a.task_type = Some(TaskType::parse(&t)?);
            }
            if let Some(n) = input::text(f.note, false, None)? {
                a.note = Some(n);
            }
            apply_common(&mut a.meta, &f.common)?;
            let a = j.update_audit_item(&a)?;
            ctx.print(&a, || {
                format!("Updated audit item {}.", render::short(a.meta.id))
            })
        }
        AuditCmd::Delete(a) => {
            let id = j.resolve_id(Kind::AuditItem, &a.id)?;
            let item = j.audit_item(id)?;
            if !confirm_delete(a.yes, &format!("the audit item “{}”", item.description))? {
                return not_deleted(ctx);
            }
            j.delete_audit_item(id)?;
            deleted(ctx, Kind::AuditItem, id)
        }
    }
}

// ---------------------------------------------------------------- progress

fn progress(
    ctx: &Ctx,
    challenge: Option<&str>,
    by: Option<&str>,
    svg: Option<&Path>,
) -> Result<()> {
    let axis = match by.map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("hours") => Some(PracticeAxis::Hours),
        Some("sessions") => Some(PracticeAxis::Sessions),
        Some(other) => {
            return Err(Error::Invalid(format!(
                "`--by {other}` is not known; use --by hours or --by sessions."
            )));
        }
    };
    let j = ctx.open()?;
    let list = match challenge {
        Some(c) => vec![j.progress(j.resolve_id(Kind::Challenge, c)?, axis)?],
        None => j.progress_all(axis)?,
    };
    if let (Some(path), Some(p)) = (svg, list.first()) {
        write_atomic(path, p.svg().as_bytes())?;
    }
    ctx.print(&list, || {
        if list.is_empty() {
            return "No active challenges yet. Add one with `asym challenge add --skill …`.".into();
        }
        let mut out = String::new();
        for p in &list {
            out.push_str(&render::progress(p));
        }
        let mut out = out.trim_end().to_string();
        if let Some(path) = svg {
            out.push_str(&format!("\n\nChart written to {}.", path.display()));
        }
        out
    })
}
