//! `asym salvage` and `asym share export`, driven through the real binary against real
//! SQLCipher files, each killed with SIGKILL at 200 moments from its start to past its end
//! (issue 11; backups, restores and key changes have theirs in backup.rs and keys.rs).
//!
//! * A salvage never writes the damaged journal; its target is nothing or a complete
//!   journal that opens with the same key, checks clean and holds what a finished salvage
//!   holds; the next salvage to the same target clears the killed one's work folder.
//! * An export leaves the journal opening with every entry, and beside its target either
//!   nothing or a complete file: no temporary, and the entry text nowhere else on disk.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use asymptote_core::export::Bundle;
use common::*;

const CYCLES: u64 = 200;

/// The moment of cycle `i`: a spread from 0 to `span` × `whole`, in a scrambled order.
fn moment(whole: Duration, i: u64, span: f64) -> Duration {
    whole.mul_f64(((i * 7919) % CYCLES) as f64 / CYCLES as f64 * span)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every file under `dir`, recursively, with its bytes (folders as names only): what must
/// not change.
fn tree(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            if p.is_dir() {
                out.push((rel, None));
                todo.push(p);
            } else {
                out.push((rel, Some(std::fs::read(&p).unwrap())));
            }
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------------- salvage

/// The ids of every item the journal in `w.data` lists, by kind.
fn item_ids(w: &World) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for kind in ["purpose", "challenge", "session", "reflection", "checkin"] {
        let r = w.asym(&["--json", kind, "list"]).ok().json();
        for item in r.as_array().unwrap() {
            let id = item["id"]
                .as_str()
                .or_else(|| item["meta"]["id"].as_str())
                .unwrap_or_else(|| panic!("{kind} without an id: {item}"));
            ids.insert(format!("{kind} {id}"));
        }
    }
    ids
}

/// What a finished salvage to `to` gave, as its report says it (the part that does not
/// depend on the target's name).
fn salvage_counts(report: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "kinds": report["kinds"],
        "lost": report["lost"],
        "stand_ins": report["stand_ins"],
        "orphans_dropped": report["orphans_dropped"],
        "indexed": report["indexed"],
    })
}

/// What a salvage with or without the backup gives: its report's counts and the ids the
/// salvaged journal lists.
struct Reference {
    counts: serde_json::Value,
    ids: BTreeSet<String>,
}

/// The journal in `dir` opens (`asym unlock`: its key, and every page authenticates),
/// `asym check` finds it clean, and it lists exactly `want`.
fn assert_complete(w: &mut World, dir: &Path, want: &Reference, what: &str) {
    let home = std::mem::replace(&mut w.data, dir.to_path_buf());
    let r = w.asym(&["--json", "unlock"]);
    assert_eq!(
        r.code, 0,
        "{what}: the salvaged journal does not open: {}",
        r.stderr
    );
    let r = w.asym(&["check"]);
    assert_eq!(
        r.code, 0,
        "{what}: `asym check` of the salvaged journal: {}{}",
        r.stdout, r.stderr
    );
    let ids = item_ids(w);
    w.data = home;
    assert_eq!(ids, want.ids, "{what}: the salvaged journal's items");
}

/// 200 salvages of a journal with one damaged page, half of them filling from a backup,
/// each killed at a different moment from its start to past its end. After every one: the
/// damaged journal is byte for byte as it was; the target does not exist, or is empty, or
/// holds a complete journal that opens with the same key, checks clean and lists what a
/// finished salvage lists; and a salvage run again to the same target goes to its end,
/// gives the same, and leaves no work folder of the killed run.
#[test]
fn a_salvage_killed_at_any_moment_never_writes_the_source_and_leaves_nothing_or_a_whole_journal() {
    let mut w = World::with_journal();
    let long = "steady hands, slow breath, then at tempo; ".repeat(30);
    let challenge = w
        .asym(&[
            "--json",
            "challenge",
            "add",
            "--skill",
            "Scales",
            "--at",
            "2026-03-01T08:00",
        ])
        .ok()
        .id();
    for i in 0..100 {
        let day = format!("2026-03-{:02}", i % 28 + 1);
        if i % 4 == 0 {
            w.asym(&[
                "session",
                "add",
                "--challenge",
                &challenge,
                "--at",
                &format!("{day}T09:00"),
                "--duration",
                "30",
                "--notes",
                &format!("session {i}: {long}"),
            ])
            .ok();
        } else {
            w.asym(&[
                "reflection",
                "add",
                "--text",
                &format!("Reflection {i}: {long}"),
                "--at",
                &format!("{day}T18:00"),
            ])
            .ok();
        }
    }
    // A byte copy of the closed journal is a snapshot with its key: the backup.
    let backup = w.root.path().join("backup.db");
    std::fs::copy(w.db(), &backup).unwrap();
    let backup = backup.to_str().unwrap().to_string();
    let intact = std::fs::read(w.db()).unwrap();
    let pages = intact.len() as u64 / 4096;
    let (page, _) = damage_a_page_that_costs_items(&w, &intact);
    let source = tree(&w.data);
    let target = w.root.path().join("salvaged");
    let to = target.to_str().unwrap().to_string();
    let args = |fill: bool| -> Vec<&str> {
        let mut a = vec!["--json", "salvage", "--to", &to];
        if fill {
            a.extend(["--from-backup", backup.as_str()]);
        }
        a
    };

    // The two references, each a salvage run to its end, and how long each took: the
    // kills are spread over the longest of the last runs to their end (the machine's load
    // changes during the loop, and every cycle runs one).
    let mut refs = Vec::new();
    let mut recent = std::collections::VecDeque::new();
    for fill in [false, true] {
        let t = Instant::now();
        let r = w.asym(&args(fill)).ok().json();
        recent.push_back(t.elapsed());
        let home = std::mem::replace(&mut w.data, target.clone());
        let ids = item_ids(&w);
        w.data = home;
        refs.push(Reference {
            counts: salvage_counts(&r),
            ids,
        });
        std::fs::remove_dir_all(&target).unwrap();
    }
    assert!(
        refs[1].ids.len() > refs[0].ids.len(),
        "the backup gives back what the damaged page cost"
    );
    assert_eq!(tree(&w.data), source);

    let work = format!(
        ".{}.salvage-",
        target.file_name().unwrap().to_string_lossy()
    );
    let strays = |w: &World| -> Vec<String> {
        names_in(w.root.path())
            .into_iter()
            .filter(|n| n.starts_with(&work))
            .collect()
    };
    let (mut nothing, mut whole_seen, mut stranded) = (0, 0, 0);
    let (mut shortest, mut longest) = (Duration::MAX, Duration::ZERO);
    let started = Instant::now();
    for i in 0..CYCLES {
        let fill = i % 2 == 1;
        let want = &refs[usize::from(fill)];
        let whole = *recent.iter().max().unwrap();
        shortest = shortest.min(whole);
        longest = longest.max(whole);
        let at = moment(whole, i, 1.3);
        w.asym_killed_after(&args(fill), &[], at, None);
        let what = format!("cycle {i} (killed after {at:?}, from the backup: {fill})");
        assert!(
            tree(&w.data) == source,
            "{what}: the damaged journal was written"
        );
        if !strays(&w).is_empty() {
            stranded += 1;
        }
        if names_in(&target).is_empty() {
            nothing += 1;
        } else {
            whole_seen += 1;
            assert_complete(&mut w, &target, want, &what);
            std::fs::remove_dir_all(&target).unwrap();
        }
        // Run again to the same target, to its end: it succeeds, gives the same, and
        // clears the killed run's work folder.
        let t = Instant::now();
        let r = w.asym(&args(fill));
        recent.push_back(t.elapsed());
        if recent.len() > 8 {
            recent.pop_front();
        }
        assert_eq!(
            r.code, 0,
            "{what}: the salvage run again failed: {}",
            r.stderr
        );
        assert_eq!(salvage_counts(&r.json()), want.counts, "{what}: run again");
        assert!(
            strays(&w).is_empty(),
            "{what}: left {:?}, holding {:?}",
            strays(&w),
            strays(&w)
                .iter()
                .map(|s| names_in(&w.root.path().join(s)))
                .collect::<Vec<_>>()
        );
        if i % 25 == 0 {
            assert_complete(&mut w, &target, want, &format!("{what}, run again"));
        }
        std::fs::remove_dir_all(&target).unwrap();
    }
    // Both outcomes happened, and some kills fell while the work folder was filled.
    assert!(
        nothing >= 5 && whole_seen >= 5 && stranded > 0,
        "nothing {nothing}, whole {whole_seen}, work folder left {stranded}"
    );
    assert!(tree(&w.data) == source);
    eprintln!(
        "salvage (page {page} of {pages} damaged): {shortest:?} to {longest:?} whole; {nothing} kills left no journal ({stranded} a work folder), {whole_seen} a whole one; {CYCLES} cycles in {:?}",
        started.elapsed()
    );
}

// -------------------------------------------------------------------- export

const PASSPHRASE: &str = "kill-test-passphrase";
const FORMATS: [&str; 5] = ["json", "md", "html", "csv", "pdf"];

/// A March of journaling, made through the core behind a passphrase with light KDF
/// settings (so each run opens it quickly): a challenge, 80 sessions, 56 reflections (every
/// other one shared; each holds `canary`) and 28 check-ins.
fn march_journal(w: &World, canary: &str) {
    use asymptote_core::*;
    let mut opts = CreateOptions::passphrase(Passphrase::new(PASSPHRASE.into()));
    opts.kdf = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };
    let mut j = Journal::create(&w.data, opts, &NoKeyStore).unwrap().journal;
    let at = |day: i64, hour: i64| {
        chrono::DateTime::parse_from_rfc3339("2026-03-01T00:00:00+00:00").unwrap()
            + chrono::Duration::days(day)
            + chrono::Duration::hours(hour)
    };
    let c = j
        .add_challenge(NewChallenge {
            skill: "Code review".into(),
            when: Some(at(0, 8)),
            ..Default::default()
        })
        .unwrap();
    let sessions: Vec<NewSession> = (0..80)
        .map(|i| NewSession {
            challenge_id: Some(c.meta.id),
            data: SessionData {
                duration_min: Some(30.0),
                performance: Some(40.0 - f64::from(i) * 0.3),
                notes: Some(format!("session {i}: read the tests first")),
                ..Default::default()
            },
            private: false,
            when: Some(at(i64::from(i) % 28, 9 + i64::from(i) / 28)),
        })
        .collect();
    j.add_sessions(sessions).unwrap();
    for d in 0..28 {
        for k in 0..2 {
            j.add_reflection(NewReflection {
                text: Some(format!("Day {d}.{k}: not yet, but my {canary} helps.")),
                private: k == 0,
                when: Some(at(d, 18 + k)),
                ..Default::default()
            })
            .unwrap();
        }
        j.add_checkin(NewCheckin {
            ratings: FourTs {
                task: 5,
                time: 4,
                technique: 6,
                team: 3,
            },
            note: Some("pairing helped".into()),
            private: false,
            when: Some(at(d, 17)),
        })
        .unwrap();
    }
}

fn export_args(format: &str, out: &Path) -> Vec<String> {
    let mut a: Vec<String> = vec!["share".into(), "export".into()];
    a.extend(MARCH.map(String::from));
    a.extend(["--format".into(), format.into(), "--replace".into()]);
    a.extend(["--out".into(), out.to_str().unwrap().into()]);
    a
}

/// Whether `bytes` is a whole export in `format`, like `reference` (the same run to its
/// end): the same but for the moment it was made (its digits), a PDF's length within a few
/// bytes and its end-of-file marker.
fn is_whole(format: &str, bytes: &[u8], reference: &[u8]) -> bool {
    let no_digits =
        |b: &[u8]| -> Vec<u8> { b.iter().copied().filter(|c| !c.is_ascii_digit()).collect() };
    match format {
        "pdf" => {
            bytes.starts_with(b"%PDF-")
                && bytes.trim_ascii_end().ends_with(b"%%EOF")
                && bytes.len().abs_diff(reference.len()) < 64
        }
        "json" => {
            Bundle::from_json(std::str::from_utf8(bytes).unwrap()).is_ok()
                && no_digits(bytes) == no_digits(reference)
        }
        _ => no_digits(bytes) == no_digits(reference),
    }
}

fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

fn shares(w: &World, env: &[(&str, &str)]) -> usize {
    w.asym_with(&["--json", "share", "log"], env, None)
        .ok()
        .json()
        .as_array()
        .unwrap()
        .len()
}

fn reflections(w: &World, env: &[(&str, &str)]) -> i64 {
    let r = w.asym_with(&["--json", "unlock"], env, None).ok();
    r.json()["items"]["reflections"].as_i64().unwrap()
}

/// 200 exports of a month, in each of the five formats in turn, each killed at a different
/// moment from its start to past its end; half start beside an earlier whole file they
/// replace. After every one: the journal opens with every entry (`asym unlock` also checks
/// every page; `asym check` every 25 cycles and at the end); the target folder holds only
/// whole exports — never a temporary, hidden or not — and the entry text (a canary) is in
/// nothing else there, nor in the data folder, the temp folder or `/dev/shm`; a share is
/// recorded only for a file that was written whole.
#[test]
fn an_export_killed_at_any_moment_leaves_nothing_or_the_whole_file_and_no_plaintext_beside_it() {
    let w = World::new();
    let canary = unique_canary("kilroyexport");
    march_journal(&w, &canary);
    let env = [("ASYMPTOTE_PASSPHRASE", PASSPHRASE)];
    let out = w.root.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let target = |f: &str| out.join(format!("brief.{f}"));

    // The day's backup is taken by the first command of the day: before the timings.
    let mut entries = reflections(&w, &env);
    // Each format's reference, run to its end, and how long it took.
    let refs_dir = w.root.path().join("reference");
    std::fs::create_dir_all(&refs_dir).unwrap();
    let mut whole = Vec::new();
    let mut refs = Vec::new();
    for f in FORMATS {
        let file = refs_dir.join(format!("brief.{f}"));
        let args = export_args(f, &file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // The longest of three runs (the machine is shared).
        let mut longest = Duration::ZERO;
        for _ in 0..3 {
            let t = Instant::now();
            w.asym_with(&args, &env, None).ok();
            longest = longest.max(t.elapsed());
        }
        whole.push(longest);
        refs.push(std::fs::read(&file).unwrap());
    }
    // The positive control: the Markdown export shows the canary in plaintext.
    let control = Canary::shown_in(&canary, &refs_dir.join("brief.md"));
    control.assert_absent_from(&w.private_places());
    let mut recorded = shares(&w, &env);
    let (mut absent, mut written, mut replaced, mut kept) = (0, 0, 0, 0);
    let started = Instant::now();
    for i in 0..CYCLES {
        let k = usize::try_from(i % FORMATS.len() as u64).unwrap();
        let f = FORMATS[k];
        let file = target(f);
        // Every other round of formats replaces a whole file (an earlier cycle's, or a copy of
        // the reference).
        let replacing = (i / FORMATS.len() as u64) % 2 == 1;
        if !replacing {
            let _ = std::fs::remove_file(&file);
        } else if !file.exists() {
            std::fs::write(&file, &refs[k]).unwrap();
        }
        let before = file.exists().then(|| inode(&file));
        let at = moment(whole[k], i, 1.4);
        let args = export_args(f, &file);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        w.asym_killed_after(&args, &env, at, None);
        let what = format!("cycle {i} ({f}, killed after {at:?}, replacing: {replacing})");

        // Beside the target: only whole exports, no temporary of any name.
        for name in names_in(&out) {
            let Some(fmt) = FORMATS.iter().position(|g| name == format!("brief.{g}")) else {
                panic!("{what}: {name} was left beside the export")
            };
            let bytes = std::fs::read(out.join(&name)).unwrap();
            assert!(
                is_whole(FORMATS[fmt], &bytes, &refs[fmt]),
                "{what}: {name} is not a whole export ({} bytes, the whole one {})",
                bytes.len(),
                refs[fmt].len()
            );
        }
        // A replacement is a new file (a new inode) under the old name.
        let now = file.exists().then(|| inode(&file));
        match (before, now) {
            (_, None) => absent += 1,
            (None, Some(_)) => written += 1,
            (Some(b), Some(n)) if b == n => kept += 1,
            (Some(_), Some(_)) => replaced += 1,
        }
        // The canary, readable only in the whole text exports.
        let mut hits = found_in_files(&out, canary.as_bytes());
        hits.sort();
        let allowed: Vec<PathBuf> = ["json", "md", "html", "csv"]
            .iter()
            .map(|g| target(g))
            .filter(|p| p.exists())
            .collect();
        assert!(
            hits.iter().all(|h| allowed.contains(h)),
            "{what}: the entry text is readable in {hits:?}"
        );
        control.assert_absent_from(&w.private_places());

        // The journal opens with every entry; a share is recorded only for a written file.
        assert_eq!(reflections(&w, &env), entries, "{what}");
        let n = shares(&w, &env);
        assert!(
            n == recorded || n == recorded + 1,
            "{what}: {n} shares after {recorded}"
        );
        if n == recorded + 1 {
            assert!(
                now.is_some() && now != before,
                "{what}: a share recorded, no new file"
            );
        }
        recorded = n;
        if i % 10 == 0 {
            w.asym_with(
                &["reflection", "add", "--text", &format!("after {i}")],
                &env,
                None,
            )
            .ok();
            entries += 1;
        }
        if i % 25 == 0 {
            w.asym_with(&["check"], &env, None).ok();
        }
    }
    // Kills fell before the file took its name and after, with and without a file to replace.
    assert!(
        absent >= 5 && written >= 5 && replaced >= 5 && kept >= 5,
        "absent {absent}, written {written}, replaced {replaced}, kept {kept}"
    );
    w.asym_with(&["check"], &env, None).ok();
    assert_eq!(reflections(&w, &env), entries);
    eprintln!(
        "export: {whole:?} whole ({FORMATS:?}); {absent} kills left no file, {written} a new one, {replaced} replaced the old one, {kept} kept the old one; {CYCLES} cycles in {:?}",
        started.elapsed()
    );
}
