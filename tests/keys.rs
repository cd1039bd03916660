//! `asym keys passphrase | mode | rotate-recovery | rekey`, driven through the real binary
//! against real SQLCipher files and a real Secret Service: each killed with SIGKILL at 200
//! moments from its start to past its end, and after every kill the journal opens with the
//! key it should (the old one or the new one, never neither) and holds every entry;
//! `asym check` runs every 25 cycles and at the end.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;

const CYCLES: u64 = 200;
const PASS_A: &str = "first passphrase words";
const PASS_B: &str = "second passphrase words";

fn add(w: &World, env: &[(&str, &str)], text: &str) {
    w.asym_with(&["reflection", "add", "--text", text], env, None)
        .ok();
}

/// The moment of cycle `i`: a spread from 0 to `span` × `whole`, in a scrambled order.
fn moment(whole: Duration, i: u64, span: f64) -> Duration {
    whole.mul_f64(((i * 7919) % CYCLES) as f64 / CYCLES as f64 * span)
}

fn envelope(w: &World) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(w.data.join("journal.meta.json")).unwrap()).unwrap()
}

/// `asym --json unlock` with `env`: the reflections it holds, or the exit code it failed with.
fn unlock(w: &World, env: &[(&str, &str)]) -> Result<(i64, serde_json::Value), i32> {
    let r = w.asym_with(&["--json", "unlock"], env, None);
    if r.code != 0 {
        return Err(r.code);
    }
    let v = r.json();
    Ok((v["items"]["reflections"].as_i64().unwrap(), v))
}

/// Files in the journal's folder besides the journal's own: after a run that went to its end,
/// nothing a killed run left may remain.
fn stray_files(w: &World) -> Vec<String> {
    std::fs::read_dir(&w.data)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !["journal.db", "journal.meta.json", "backups"].contains(&n.as_str()))
        .filter(|n| !["journal.db-wal", "journal.db-shm"].contains(&n.as_str()))
        .collect()
}

fn recovery_file(w: &World, name: &str, rk: &str) -> String {
    let f = w.root.path().join(name);
    std::fs::write(&f, rk).unwrap();
    f.to_str().unwrap().to_string()
}

/// A new journal in a real Secret Service's keyring, with three entries, and its recovery key.
fn keyring_journal() -> (World, String) {
    let w = World::with_secret_service();
    let rk = w.asym(&["--json", "init"]).ok().json()["recovery_key"]
        .as_str()
        .unwrap()
        .to_string();
    for i in 0..3 {
        add(&w, &[], &format!("entry {i}"));
    }
    (w, rk)
}

/// 200 passphrase changes (A → B → A …), each killed at a different moment: after every one,
/// exactly one of the two passphrases opens the journal — the old or the new — and every
/// entry is there; the recovery key opens it throughout.
#[test]
fn a_passphrase_change_killed_at_any_moment_leaves_the_old_passphrase_or_the_new_one() {
    let w = World::new();
    // Made through the core with light Argon2id costs, which a passphrase change keeps: each
    // run derives three keys and each check one, and the loop is about the envelope's order.
    let rk = {
        use asymptote_core::*;
        let mut opts = CreateOptions::passphrase(Passphrase::new(PASS_A.into()));
        opts.kdf = KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        };
        let c = Journal::create(&w.data, opts, &NoKeyStore).unwrap();
        recovery_file(&w, "rk.txt", &c.recovery_key.display_dangerously())
    };
    let mut entries = 0;
    for i in 0..3 {
        add(
            &w,
            &[("ASYMPTOTE_PASSPHRASE", PASS_A)],
            &format!("entry {i}"),
        );
        entries += 1;
    }
    let change = |from: &'static str, to: &'static str| {
        [
            ("ASYMPTOTE_PASSPHRASE", from),
            ("ASYMPTOTE_NEW_PASSPHRASE", to),
        ]
    };
    let t = Instant::now();
    w.asym_with(&["keys", "passphrase"], &change(PASS_A, PASS_B), None)
        .ok();
    let whole = t.elapsed();
    let (mut current, mut other) = (PASS_B, PASS_A);
    let (mut old_seen, mut new_seen) = (0, 0);
    let out = w.root.path().join("out.txt");
    for i in 0..CYCLES {
        let at = moment(whole, i, 1.4);
        w.asym_killed_after(
            &["keys", "passphrase"],
            &change(current, other),
            at,
            Some(&out),
        );
        // The new passphrase, else the old one; the other must then be refused as wrong.
        let (opened, refused) = match unlock(&w, &[("ASYMPTOTE_PASSPHRASE", other)]) {
            Ok((n, _)) => {
                new_seen += 1;
                assert_eq!(n, entries, "cycle {i} (killed after {at:?})");
                (other, current)
            }
            Err(code) => {
                assert_eq!(code, 10, "cycle {i}: the new passphrase failed with {code}");
                old_seen += 1;
                let (n, _) = unlock(&w, &[("ASYMPTOTE_PASSPHRASE", current)]).unwrap_or_else(|c| {
                    panic!("cycle {i} (killed after {at:?}): neither passphrase opens ({c})")
                });
                assert_eq!(n, entries, "cycle {i}");
                (current, other)
            }
        };
        (current, other) = (opened, refused);
        if i % 10 == 0 {
            assert_eq!(
                unlock(&w, &[("ASYMPTOTE_PASSPHRASE", other)]).unwrap_err(),
                10,
                "cycle {i}: the passphrase not in force must not open it"
            );
            add(
                &w,
                &[("ASYMPTOTE_PASSPHRASE", current)],
                &format!("after {i}"),
            );
            entries += 1;
        }
        if i % 25 == 0 {
            w.asym_with(&["check"], &[("ASYMPTOTE_PASSPHRASE", current)], None)
                .ok();
            let r = w
                .asym(&["--json", "unlock", "--recovery-key-file", &rk])
                .ok();
            assert_eq!(r.json()["items"]["reflections"], entries, "cycle {i}");
        }
    }
    assert!(
        old_seen >= 5 && new_seen >= 5,
        "old {old_seen}, new {new_seen}"
    );
    w.asym_with(&["check"], &[("ASYMPTOTE_PASSPHRASE", current)], None)
        .ok();
    // What the killed runs left behind is removed by the next run.
    w.asym_with(&["keys", "passphrase"], &change(current, other), None)
        .ok();
    assert!(stray_files(&w).is_empty(), "{:?}", stray_files(&w));
    eprintln!(
        "passphrase change: {whole:?} whole; {old_seen} kills left the old passphrase, {new_seen} the new one"
    );
}

/// 200 switches between keyring and passphrase mode (each killed at a different moment,
/// alternating the direction whenever a switch took): after every one, the journal opens
/// in the mode its envelope says — from the keyring with nothing typed, or with the
/// passphrase — with every entry.
#[test]
fn a_mode_switch_killed_at_any_moment_leaves_a_journal_that_opens() {
    let (w, rk) = keyring_journal();
    let rk = recovery_file(&w, "rk.txt", &rk);
    let mut entries = 3;
    let env = [
        ("ASYMPTOTE_PASSPHRASE", PASS_A),
        ("ASYMPTOTE_NEW_PASSPHRASE", PASS_A),
    ];
    let t = Instant::now();
    w.asym_with(&["keys", "mode", "passphrase"], &env, None)
        .ok();
    let to_passphrase = t.elapsed();
    let t = Instant::now();
    w.asym_with(&["keys", "mode", "keyring"], &env, None).ok();
    let to_keyring = t.elapsed();
    let whole = to_passphrase.max(to_keyring);
    let mut mode = "keyring".to_string();
    let (mut stayed, mut switched) = (0, 0);
    let out = w.root.path().join("out.txt");
    for i in 0..CYCLES {
        let at = moment(whole, i, 1.4);
        let target = if mode == "keyring" {
            "passphrase"
        } else {
            "keyring"
        };
        w.asym_killed_after(&["keys", "mode", target], &env, at, Some(&out));
        // The passphrase is in the environment; `asym` reads it only in passphrase mode.
        let (n, st) = unlock(&w, &env).unwrap_or_else(|c| {
            panic!("cycle {i} (killed after {at:?}, to {target}): the journal does not open ({c})")
        });
        assert_eq!(n, entries, "cycle {i}");
        let now = st["key_mode"].as_str().unwrap().to_string();
        assert_eq!(now, envelope(&w)["key_mode"], "cycle {i}");
        if now == mode {
            stayed += 1;
        } else {
            switched += 1;
        }
        mode = now;
        if mode == "keyring" {
            // Nothing typed: no passphrase in the environment at all.
            assert_eq!(unlock(&w, &[]).unwrap().0, entries, "cycle {i}");
        } else {
            assert!(envelope(&w)["passphrase"].is_object(), "cycle {i}");
            assert_eq!(unlock(&w, &[]).unwrap_err(), 15, "cycle {i}");
        }
        if i % 10 == 0 {
            add(&w, &env, &format!("after {i}"));
            entries += 1;
        }
        if i % 25 == 0 {
            w.asym_with(&["check"], &env, None).ok();
            let r = w
                .asym_with(
                    &["--json", "unlock", "--recovery-key-file", &rk],
                    &env,
                    None,
                )
                .ok();
            assert_eq!(r.json()["items"]["reflections"], entries, "cycle {i}");
        }
    }
    assert!(
        stayed >= 5 && switched >= 5,
        "stayed {stayed}, switched {switched}"
    );
    w.asym_with(&["check"], &env, None).ok();
    let back = if mode == "keyring" {
        "passphrase"
    } else {
        "keyring"
    };
    w.asym_with(&["keys", "mode", back], &env, None).ok();
    assert!(stray_files(&w).is_empty(), "{:?}", stray_files(&w));
    eprintln!(
        "mode switch: {to_passphrase:?} to passphrase, {to_keyring:?} to keyring; {stayed} kills left the old mode, {switched} the new one"
    );
}

/// 200 recovery-key rotations, each killed at a different moment: the journal always opens
/// from the keyring; the recovery key in force is the old one or the one the run printed
/// (or, killed between the write and the print, one never shown, which a finished rotation
/// replaces — the documented remedy); the key not in force is refused.
#[test]
fn a_recovery_key_rotation_killed_at_any_moment_leaves_the_old_key_or_the_new_one() {
    let (w, first) = keyring_journal();
    let out = w.root.path().join("out.json");
    let t = Instant::now();
    let r = w.asym(&["--json", "keys", "rotate-recovery"]).ok().json();
    let whole = t.elapsed();
    let mut rk = r["recovery_key"].as_str().unwrap().to_string();
    assert_ne!(rk, first);
    let f = recovery_file(&w, "first.txt", &first);
    w.asym(&["unlock", "--recovery-key-file", &f])
        .fails_with(10, "did not open");
    let mut entries = 3;
    let (mut old_seen, mut new_seen, mut unseen) = (0, 0, 0);
    for i in 0..CYCLES {
        let at = moment(whole, i, 1.4);
        let before = envelope(&w)["recovery"].clone();
        let finished =
            w.asym_killed_after(&["--json", "keys", "rotate-recovery"], &[], at, Some(&out));
        assert_eq!(
            unlock(&w, &[]).unwrap().0,
            entries,
            "cycle {i}: the keyring opens it"
        );
        let printed = std::fs::read_to_string(&out)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|v| v["recovery_key"].as_str().map(String::from));
        let old = rk.clone();
        if envelope(&w)["recovery"] == before {
            old_seen += 1;
        } else if let Some(new) = printed {
            new_seen += 1;
            rk = new;
        } else {
            // Written, never shown: the person runs it again, to the end.
            assert!(!finished, "cycle {i}");
            unseen += 1;
            rk = w.asym(&["--json", "keys", "rotate-recovery"]).ok().json()["recovery_key"]
                .as_str()
                .unwrap()
                .to_string();
        }
        let now = recovery_file(&w, "now.txt", &rk);
        let r = w.asym(&["--json", "unlock", "--recovery-key-file", &now]);
        assert_eq!(r.code, 0, "cycle {i} (killed after {at:?}): {}", r.stderr);
        if old != rk {
            let was = recovery_file(&w, "was.txt", &old);
            w.asym(&["unlock", "--recovery-key-file", &was])
                .fails_with(10, "did not open");
        }
        if i % 10 == 0 {
            add(&w, &[], &format!("after {i}"));
            entries += 1;
        }
        if i % 25 == 0 {
            w.asym(&["check"]).ok();
        }
    }
    assert!(
        old_seen >= 5 && new_seen >= 5,
        "old {old_seen}, new {new_seen}, unseen {unseen}"
    );
    w.asym(&["check"]).ok();
    w.asym(&["keys", "rotate-recovery"]).ok();
    assert!(stray_files(&w).is_empty(), "{:?}", stray_files(&w));
    eprintln!(
        "rotate-recovery: {whole:?} whole; {old_seen} kills left the old key, {new_seen} the new one, {unseen} a key written but never shown"
    );
}

/// 200 rekeys, each killed at a different moment: after every one the journal opens from the
/// keyring with every entry, under the old key or the new one (told by the envelope's key
/// check value), with any rekey left under way settled by that open; the recovery key opens
/// it every 10 cycles; every backup taken before a rekey opens with the recovery key.
#[test]
fn a_rekey_killed_at_any_moment_leaves_the_old_key_or_the_new_one() {
    let (w, rk) = keyring_journal();
    let rk_file = recovery_file(&w, "rk.txt", &rk);
    let env = [("ASYMPTOTE_RECOVERY_KEY", rk.as_str())];
    let long = "words enough to fill a few pages of the journal; ".repeat(40);
    for i in 0..20 {
        add(&w, &[], &format!("{i}: {long}"));
    }
    let mut entries = 23;
    let t = Instant::now();
    let r = w.asym_with(&["--json", "keys", "rekey"], &env, None).ok();
    let whole = t.elapsed();
    let first_backup = r.json()["backup_before"].as_str().unwrap().to_string();
    let out = w.root.path().join("out.txt");
    let (mut old_seen, mut new_seen, mut pending_seen, mut hot_seen) = (0, 0, 0, 0);
    for i in 0..CYCLES {
        let at = moment(whole, i, 1.3);
        let before = envelope(&w)["key_check"].clone();
        w.asym_killed_after(&["keys", "rekey"], &env, at, Some(&out));
        if envelope(&w).get("rekey").is_some() {
            pending_seen += 1;
        }
        // A rollback journal beside the file: killed inside `PRAGMA rekey`'s transaction
        // (or just after its commit, before the connection closed).
        if std::fs::metadata(w.data.join("journal.db-journal")).is_ok_and(|m| m.len() > 0) {
            hot_seen += 1;
        }
        let (n, _) = unlock(&w, &[]).unwrap_or_else(|c| {
            panic!("cycle {i} (killed after {at:?}): the journal does not open ({c})")
        });
        assert_eq!(n, entries, "cycle {i}");
        let after = envelope(&w);
        assert!(
            after.get("rekey").is_none(),
            "cycle {i}: opening settles a rekey"
        );
        if after["key_check"] == before {
            old_seen += 1;
        } else {
            new_seen += 1;
        }
        if i % 10 == 0 {
            let r = w
                .asym(&["--json", "unlock", "--recovery-key-file", &rk_file])
                .ok();
            assert_eq!(r.json()["items"]["reflections"], entries, "cycle {i}");
            add(&w, &[], &format!("after {i}"));
            entries += 1;
        }
        if i % 25 == 0 {
            w.asym(&["check"]).ok();
        }
    }
    assert!(
        old_seen >= 5 && new_seen >= 5,
        "old {old_seen}, new {new_seen}"
    );
    // Some kills left the pending envelope, so opening really had to settle one.
    assert!(pending_seen > 0);
    w.asym(&["check"]).ok();
    w.asym_with(&["keys", "rekey"], &env, None).ok();
    assert!(stray_files(&w).is_empty(), "{:?}", stray_files(&w));
    // The backup taken before the first rekey is under a key long gone, yet its own
    // envelope lets the recovery key open a copy of it, on a machine with an empty keyring.
    let other = World::with_secret_service();
    std::fs::create_dir_all(&other.data).unwrap();
    let snap = w.data.join("backups").join(&first_backup);
    for f in ["journal.db", "journal.meta.json"] {
        std::fs::copy(snap.join(f), other.data.join(f)).unwrap();
    }
    let rk_other = recovery_file(&other, "rk.txt", &rk);
    let r = other
        .asym(&["--json", "unlock", "--recovery-key-file", &rk_other])
        .ok();
    assert_eq!(r.json()["items"]["reflections"], 23);
    // Here, it is said to be under an earlier key, not damaged, and is not restored.
    let v = w.asym(&["backup", "verify", &first_backup]).ok().stdout;
    assert!(v.contains("earlier key"), "{v}");
    w.asym(&["backup", "restore", &first_backup, "--yes"])
        .fails_with(2, "earlier key");
    eprintln!(
        "rekey: {whole:?} whole; {old_seen} kills left the old key, {new_seen} the new one; {pending_seen} left a rekey under way (settled on open), {hot_seen} a rollback journal beside the file"
    );
}

/// Refusals through the binary, each in one sentence, each leaving the folder byte for byte
/// as it was: a wrong current passphrase, a short new one, no keyring to move the key into,
/// a wrong recovery key for a rekey, and a passphrase change for a journal that has none.
#[test]
fn refused_key_changes_say_why_and_change_nothing() {
    let w = World::new();
    let init = w
        .asym_with(
            &["--json", "init", "--passphrase"],
            &[("ASYMPTOTE_PASSPHRASE", PASS_A)],
            None,
        )
        .ok()
        .json();
    add(&w, &[("ASYMPTOTE_PASSPHRASE", PASS_A)], "kept");
    let before = w.snapshot();
    let wrong = [
        ("ASYMPTOTE_PASSPHRASE", "not the passphrase"),
        ("ASYMPTOTE_NEW_PASSPHRASE", PASS_B),
    ];
    w.asym_with(&["keys", "passphrase"], &wrong, None)
        .fails_with(10, "did not open");
    let short = [
        ("ASYMPTOTE_PASSPHRASE", PASS_A),
        ("ASYMPTOTE_NEW_PASSPHRASE", "short"),
    ];
    w.asym_with(&["keys", "passphrase"], &short, None)
        .fails_with(2, "ASYMPTOTE_NEW_PASSPHRASE");
    w.asym_with(
        &["keys", "passphrase"],
        &[("ASYMPTOTE_PASSPHRASE", PASS_A)],
        None,
    )
    .fails_with(2, "A new passphrase is needed");
    // No Secret Service in this world: the key cannot move into a keyring.
    w.asym_with(
        &["keys", "mode", "keyring"],
        &[("ASYMPTOTE_PASSPHRASE", PASS_A)],
        None,
    )
    .fails_with(13, "keyring");
    let other = "AAAA-".repeat(12) + "AAAA";
    w.asym_with(
        &["keys", "rekey"],
        &[
            ("ASYMPTOTE_PASSPHRASE", PASS_A),
            ("ASYMPTOTE_RECOVERY_KEY", &other),
        ],
        None,
    )
    .fails_with(10, "did not open");
    assert_eq!(
        w.snapshot(),
        before,
        "the folder is byte for byte as it was"
    );
    // The recovery key of this journal does rekey it, behind the same passphrase.
    let rk = init["recovery_key"].as_str().unwrap();
    w.asym_with(
        &["keys", "rekey"],
        &[
            ("ASYMPTOTE_PASSPHRASE", PASS_A),
            ("ASYMPTOTE_RECOVERY_KEY", rk),
        ],
        None,
    )
    .ok();
    assert_eq!(
        unlock(&w, &[("ASYMPTOTE_PASSPHRASE", PASS_A)]).unwrap().0,
        1
    );

    let (k, _) = keyring_journal();
    k.asym_with(
        &["keys", "passphrase"],
        &[("ASYMPTOTE_NEW_PASSPHRASE", PASS_B)],
        None,
    )
    .fails_with(2, "asym keys mode passphrase");
}

/// A new recovery key that cannot be shown (standard output is a full disk here; a closed
/// pipe, `| head -0`, is the same) is taken back: the old key still opens the journal, and
/// the command says so in one sentence.
#[test]
fn a_new_recovery_key_that_cannot_be_shown_is_not_put_in_force() {
    let (w, first) = keyring_journal();
    let before = envelope(&w);
    let mut c = w.command(env!("CARGO_BIN_EXE_asym"));
    c.arg("--data-dir")
        .arg(&w.data)
        .args(["keys", "rotate-recovery"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .stderr(std::process::Stdio::piped());
    let out = c.output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(20), "{said}");
    assert!(
        said.starts_with("asym: The new recovery key could not be shown"),
        "{said}"
    );
    assert!(said.contains("the old recovery key still opens"), "{said}");
    assert!(before["recovery"].is_object(), "{before}");
    assert_eq!(
        envelope(&w)["recovery"],
        before["recovery"],
        "the old wrap is back"
    );
    let f = recovery_file(&w, "first.txt", &first);
    w.asym(&["unlock", "--recovery-key-file", &f]).ok();
}
