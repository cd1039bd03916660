//! Human-readable text for items, lists and the day view.

use std::fmt::Write as _;

use asymptote_core::*;

/// The short form of an id shown in lists: its last 8 characters (the random part,
/// so short ids differ even for items made in the same millisecond).
pub fn short(id: Id) -> String {
    let s = id.to_string();
    s[s.len() - 8..].to_string()
}

fn time(m: &Meta) -> String {
    m.when.local().format("%Y-%m-%d %H:%M").to_string()
}

fn lock(m: &Meta) -> &'static str {
    if m.private { " (private)" } else { "" }
}

/// Drops control characters (except newlines) so entry text cannot drive the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = clean(s).split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let mut t: String = flat.chars().take(max - 1).collect();
        t.push('…');
        t
    } else {
        flat
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

pub fn purpose_line(p: &Purpose) -> String {
    format!(
        "{}  {}  {}{}",
        short(p.meta.id),
        p.meta.when.day,
        one_line(&p.title, 60),
        lock(&p.meta)
    )
}

pub fn challenge_line(c: &Challenge) -> String {
    format!(
        "{}  {:<6}  {}{}{}",
        short(c.meta.id),
        c.status.as_str(),
        one_line(&c.skill, 50),
        c.goal
            .as_deref()
            .map(|g| format!(" — {}", one_line(g, 40)))
            .unwrap_or_default(),
        lock(&c.meta)
    )
}

pub fn session_line(s: &Session, skill: Option<&str>) -> String {
    let d = &s.data;
    let mut bits = Vec::new();
    if let Some(m) = d.duration_min {
        bits.push(format!("{} min", num(m)));
    }
    if let (Some(a), Some(k)) = (d.attempts, d.successes) {
        bits.push(format!("{k}/{a} succeeded"));
    }
    if let Some(p) = d.performance {
        bits.push(format!("performance {}", num(p)));
    }
    if !d.feedback.is_empty() {
        bits.push(format!("{} feedback", d.feedback.len()));
    }
    format!(
        "{}  {}  {}{}{}{}",
        short(s.meta.id),
        time(&s.meta),
        skill.map_or_else(|| "session".into(), |k| one_line(k, 30)),
        d.sub_skill
            .as_deref()
            .map(|x| format!(" / {}", one_line(x, 30)))
            .unwrap_or_default(),
        if bits.is_empty() {
            String::new()
        } else {
            format!(": {}", bits.join(", "))
        },
        lock(&s.meta)
    )
}

pub fn reflection_line(r: &Reflection) -> String {
    let text = r
        .text
        .as_deref()
        .or(r.gibbs.description.as_deref())
        .or(r.gibbs.fields().iter().find_map(|(_, v)| v.as_deref()))
        .unwrap_or("");
    format!(
        "{}  {}  {}{}",
        short(r.meta.id),
        time(&r.meta),
        one_line(text, 70),
        lock(&r.meta)
    )
}

pub fn checkin_line(c: &Checkin) -> String {
    let t = &c.ratings;
    format!(
        "{}  {}  task {}  time {}  technique {}  team {} (of 7){}{}",
        short(c.meta.id),
        time(&c.meta),
        t.task,
        t.time,
        t.technique,
        t.team,
        c.note
            .as_deref()
            .map(|n| format!(" — {}", one_line(n, 40)))
            .unwrap_or_default(),
        lock(&c.meta)
    )
}

pub fn audit_line(a: &AuditItem) -> String {
    format!(
        "{}  {:<10}  {}{}{}",
        short(a.meta.id),
        a.kind.as_str(),
        one_line(&a.description, 60),
        a.task_type
            .map(|t| format!(" [{}]", t.as_str()))
            .unwrap_or_default(),
        lock(&a.meta)
    )
}

fn field(out: &mut String, name: &str, v: Option<&str>) {
    if let Some(v) = v {
        let v = &clean(v);
        if v.contains('\n') {
            let _ = writeln!(out, "{name}:");
            for line in v.lines() {
                let _ = writeln!(out, "  {line}");
            }
        } else {
            let _ = writeln!(out, "{name}: {v}");
        }
    }
}

fn header(out: &mut String, kind: &str, m: &Meta) {
    let _ = writeln!(out, "{kind} {}", m.id);
    let _ = writeln!(out, "when: {}", m.when.local().format("%Y-%m-%d %H:%M %:z"));
    let _ = writeln!(out, "private: {}", if m.private { "yes" } else { "no" });
}

fn ids(out: &mut String, name: &str, v: &[Id]) {
    if !v.is_empty() {
        let list: Vec<String> = v.iter().map(|i| short(*i)).collect();
        let _ = writeln!(out, "{name}: {}", list.join(", "));
    }
}

pub fn purpose(p: &Purpose) -> String {
    let mut o = String::new();
    header(&mut o, "purpose", &p.meta);
    field(&mut o, "title", Some(&p.title));
    field(&mut o, "whom", p.whom.as_deref());
    field(&mut o, "why", p.why.as_deref());
    ids(&mut o, "challenges", &p.challenge_ids);
    o
}

pub fn challenge(c: &Challenge) -> String {
    let mut o = String::new();
    header(&mut o, "challenge", &c.meta);
    field(&mut o, "skill", Some(&c.skill));
    field(&mut o, "goal", c.goal.as_deref());
    if c.measure.name.is_some() || c.measure.unit.is_some() {
        let _ = writeln!(
            o,
            "measure: {}{} ({} is better)",
            c.measure.name.as_deref().unwrap_or("value"),
            c.measure
                .unit
                .as_deref()
                .map(|u| format!(" [{u}]"))
                .unwrap_or_default(),
            if c.measure.higher_is_better {
                "higher"
            } else {
                "lower"
            }
        );
    }
    if let Some(d) = c.difficulty {
        let _ = writeln!(o, "difficulty: {}", num(d));
    }
    let _ = writeln!(o, "target success rate: {:.0} %", c.target_rate * 100.0);
    let _ = writeln!(o, "status: {}", c.status.as_str());
    ids(&mut o, "purposes", &c.purpose_ids);
    o
}

pub fn session(s: &Session) -> String {
    let mut o = String::new();
    let d = &s.data;
    header(&mut o, "session", &s.meta);
    let _ = writeln!(o, "challenge: {}", short(s.challenge_id));
    if let Some(m) = d.duration_min {
        let _ = writeln!(o, "duration: {} min", num(m));
    }
    field(&mut o, "sub-skill", d.sub_skill.as_deref());
    if let Some(x) = d.difficulty {
        let _ = writeln!(o, "difficulty: {}", num(x));
    }
    if let Some(p) = d.predicted_rate {
        let _ = writeln!(o, "predicted success: {:.0} %", p * 100.0);
    }
    if let Some(a) = d.attempts {
        let _ = writeln!(
            o,
            "attempts: {a}, successes: {}",
            d.successes.map_or("—".into(), |k| k.to_string())
        );
    }
    if let Some(p) = d.performance {
        let _ = writeln!(o, "performance: {}", num(p));
    }
    for (name, v) in [
        ("effort", d.effort),
        ("felt challenge", d.challenge_rating),
        ("felt skill", d.skill_rating),
    ] {
        if let Some(v) = v {
            let _ = writeln!(o, "{name}: {v}/10");
        }
    }
    for (i, f) in d.feedback.iter().enumerate() {
        let _ = writeln!(
            o,
            "feedback {} from {}{}:",
            i + 1,
            f.source.as_str(),
            f.delay_min
                .map(|m| format!(", {} min after", num(m)))
                .unwrap_or_default()
        );
        field(&mut o, "  worked", f.worked.as_deref());
        field(&mut o, "  change", f.change.as_deref());
    }
    field(&mut o, "next step", d.next_step.as_deref());
    field(&mut o, "notes", d.notes.as_deref());
    o
}

pub fn reflection(r: &Reflection) -> String {
    let mut o = String::new();
    header(&mut o, "reflection", &r.meta);
    field(&mut o, "text", r.text.as_deref());
    for ((_, prompt), (_, v)) in GIBBS_PROMPTS.iter().zip(r.gibbs.fields()) {
        field(&mut o, prompt, v.as_deref());
    }
    if !r.tags.is_empty() {
        let _ = writeln!(o, "tags: {}", r.tags.join(", "));
    }
    ids(&mut o, "sessions", &r.session_ids);
    ids(&mut o, "challenges", &r.challenge_ids);
    ids(&mut o, "purposes", &r.purpose_ids);
    o
}

pub fn checkin(c: &Checkin) -> String {
    let mut o = String::new();
    header(&mut o, "check-in", &c.meta);
    let t = &c.ratings;
    let _ = writeln!(
        o,
        "autonomy (1–7): task {}, time {}, technique {}, team {}",
        t.task, t.time, t.technique, t.team
    );
    field(&mut o, "note", c.note.as_deref());
    o
}

pub fn audit(a: &AuditItem) -> String {
    let mut o = String::new();
    header(&mut o, "audit item", &a.meta);
    let _ = writeln!(o, "kind: {}", a.kind.as_str());
    field(&mut o, "description", Some(&a.description));
    field(&mut o, "if-then", a.contingency.as_deref());
    if let Some(t) = a.task_type {
        let _ = writeln!(
            o,
            "task type: {} ({})",
            t.as_str(),
            match t {
                TaskType::Algorithmic => "rule-following: if-then rewards can work here",
                TaskType::Heuristic => "creative: if-then rewards tend to backfire here",
            }
        );
    }
    field(&mut o, "note", a.note.as_deref());
    o
}

pub fn day(v: &DayView, skill_of: impl Fn(Id) -> Option<String>) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", v.date.format("%A %-d %B %Y"));
    if v.is_empty() {
        let _ = writeln!(o, "Nothing recorded for this day yet.");
        return o;
    }
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(o, "\n{title}");
            for l in lines {
                let _ = writeln!(o, "  {l}");
            }
        }
    };
    section("Purposes", v.purposes.iter().map(purpose_line).collect());
    section(
        "Challenges",
        v.challenges.iter().map(challenge_line).collect(),
    );
    section(
        "Practice",
        v.sessions
            .iter()
            .map(|s| session_line(s, skill_of(s.challenge_id).as_deref()))
            .collect(),
    );
    section(
        "Reflections",
        v.reflections.iter().map(reflection_line).collect(),
    );
    section(
        "Autonomy check-ins",
        v.checkins.iter().map(checkin_line).collect(),
    );
    section(
        "Motivation audit",
        v.audit_items.iter().map(audit_line).collect(),
    );
    o
}

/// A search hit with its matches in bold when writing to a terminal.
pub fn hit(h: &SearchHit, color: bool) -> String {
    let mut s = String::new();
    let mut last = 0;
    for [a, b] in &h.highlights {
        if *a < last
            || *b > h.snippet.len()
            || !h.snippet.is_char_boundary(*a)
            || !h.snippet.is_char_boundary(*b)
        {
            continue;
        }
        s.push_str(&h.snippet[last..*a]);
        if color {
            s.push_str("\x1b[1m");
            s.push_str(&h.snippet[*a..*b]);
            s.push_str("\x1b[0m");
        } else {
            s.push_str(&h.snippet[*a..*b]);
        }
        last = *b;
    }
    s.push_str(&h.snippet[last..]);
    format!(
        "{}  {}  {:<10}  {}",
        short(h.id),
        h.day,
        h.kind.as_str(),
        one_line(&s, 100)
    )
}

pub fn progress(p: &Progress) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}  {}  ({} session{}, practice in {})",
        short(p.challenge_id),
        one_line(&p.skill, 60),
        p.sessions,
        if p.sessions == 1 { "" } else { "s" },
        p.axis.unit()
    );
    let _ = writeln!(o, "  Mastery curve");
    for s in &p.explanation {
        let _ = writeln!(o, "    {}", clean(s));
    }
    let _ = writeln!(o, "  Goldilocks");
    for s in &p.calibration.explanation {
        let _ = writeln!(o, "    {}", clean(s));
    }
    o.push('\n');
    o
}

/// "3 reflections", "1 check-in".
fn count(n: usize, kind: Kind) -> String {
    let (one, many) = match kind {
        Kind::Purpose => ("purpose", "purposes"),
        Kind::Challenge => ("challenge", "challenges"),
        Kind::Session => ("practice session", "practice sessions"),
        Kind::Reflection => ("reflection", "reflections"),
        Kind::Checkin => ("check-in", "check-ins"),
        Kind::AuditItem => ("audit item", "audit items"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// What a salvage did, in sentences: what came back, from where, and by day what did not.
pub fn salvage(r: &usecase::SalvageReport) -> String {
    format!(
        "Salvaged into {} (the damaged journal was only read, never changed).\n{} The new journal opens with the same key, passphrase and recovery key as the damaged one: check it with `asym --data-dir {} today`, then use it in place of the damaged journal.",
        r.target_dir.display(),
        salvaged(r),
        r.target_dir.display()
    )
}

/// `asym salvage --replace`.
pub fn repair(dir: &std::path::Path, r: &usecase::RepairReport) -> String {
    format!(
        "Repaired the journal in {}: what could be read{} now stands in its place, under the same key. The damaged file is kept in {}.\n{}",
        dir.display(),
        if r.backup.is_some() {
            ", filled from its newest backup,"
        } else {
            " (no backup of it verified, so nothing was filled in)"
        },
        r.kept_aside.display(),
        salvaged(&r.salvage)
    )
}

/// What a salvage recovered and lost, after its first line.
fn salvaged(r: &usecase::SalvageReport) -> String {
    let mut out = String::new();
    let per = |f: fn(&usecase::salvage::KindSalvage) -> usize| -> Vec<String> {
        r.kinds
            .iter()
            .filter(|k| f(k) > 0)
            .map(|k| count(f(k), k.kind))
            .collect()
    };
    if r.read_by_pages {
        let _ = writeln!(
            out,
            "The journal's list of tables is damaged, so it was read page by page; links (tags, a reflection's sessions and the like) stored under a lost entry of that list could not be found."
        );
    }
    if r.source_unreadable {
        let _ = writeln!(
            out,
            "Nothing could be read from the damaged journal itself (its first page is damaged); everything below came from the backup."
        );
    } else {
        let got = per(|k| k.salvaged);
        let _ = writeln!(
            out,
            "Recovered {} items from the damaged journal{}.",
            r.salvaged(),
            if got.is_empty() {
                String::new()
            } else {
                format!(": {}", and_list(&got))
            }
        );
    }
    if let Some(b) = &r.from_backup {
        let filled = per(|k| k.filled);
        let _ = writeln!(
            out,
            "Added {} items from the backup {}{}.",
            r.filled(),
            b.display(),
            if filled.is_empty() {
                String::new()
            } else {
                format!(": {}", and_list(&filled))
            }
        );
        if r.left_deleted > 0 {
            let _ = writeln!(
                out,
                "Left out {} rows of the backup that had been deleted after it was taken.",
                r.left_deleted
            );
        }
    }
    if r.lost.is_empty() && !r.uncounted_loss() {
        let _ = writeln!(out, "Nothing is known to be lost.");
    } else if !r.lost.is_empty() {
        let _ = writeln!(out, "Could not recover {} items:", r.lost.len());
        let mut by_day: std::collections::BTreeMap<&str, Vec<&usecase::salvage::LostItem>> =
            std::collections::BTreeMap::new();
        for l in &r.lost {
            by_day
                .entry(l.day.as_deref().unwrap_or("an unknown day"))
                .or_default()
                .push(l);
        }
        for (day, items) in by_day {
            let mut kinds: Vec<String> = Vec::new();
            for kind in r.kinds.iter().map(|k| k.kind) {
                let of: Vec<String> = items
                    .iter()
                    .filter(|l| l.kind == kind)
                    .map(|l| match &l.id {
                        Some(id) if id.len() >= 8 => id[id.len() - 8..].to_string(),
                        Some(id) => id.clone(),
                        None => "?".into(),
                    })
                    .collect();
                if !of.is_empty() {
                    kinds.push(format!("{} ({})", count(of.len(), kind), of.join(", ")));
                }
            }
            let _ = writeln!(out, "  {day}: {}", and_list(&kinds));
        }
    }
    for t in r.tables.iter().filter(|t| !t.unaccounted.is_empty()) {
        let _ = writeln!(
            out,
            "Some rows of {} could not be read and no index names them ({} stretch{} of the table).",
            t.table.replace('_', " "),
            t.unaccounted.len(),
            if t.unaccounted.len() == 1 { "" } else { "es" }
        );
    }
    if r.stand_ins > 0 {
        let _ = writeln!(
            out,
            "{} could not be read but their practice sessions could: each is kept as a private stand-in named \"{}\"; edit it to name it again.",
            count(r.stand_ins, Kind::Challenge),
            usecase::salvage::STAND_IN_SKILL
        );
    }
    if r.orphans_dropped > 0 {
        let _ = writeln!(
            out,
            "Dropped {} pieces of feedback, tags or links whose item was lost.",
            r.orphans_dropped
        );
    }
    let _ = write!(out, "The search index was rebuilt ({} items).", r.indexed);
    out
}
