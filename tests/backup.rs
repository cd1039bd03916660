//! `asym backup …` and `asym check`, driven through the real binary against real SQLCipher
//! files and a real Secret Service: the day's backup, list and verify, a restore that asks
//! first, a restore killed with SIGKILL at 200 moments, and one flipped byte found.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use common::*;

fn reflections(w: &World) -> i64 {
    w.asym(&["--json", "unlock"]).ok().json()["items"]["reflections"]
        .as_i64()
        .unwrap()
}

fn add(w: &World, text: &str) {
    w.asym(&["reflection", "add", "--text", text]).ok();
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_first_use_of_the_day_backs_up_and_list_verify_and_restore_speak_plainly() {
    let w = World::with_journal();
    add(&w, "first thought");
    // The first command of the day took the day's backup.
    let list = w.asym(&["--json", "backup", "list"]).ok().json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["reason"], "daily");
    let daily = list[0]["id"].as_str().unwrap().to_string();
    add(&w, "second thought");
    assert_eq!(
        w.asym(&["--json", "backup", "list"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1,
        "one a day"
    );
    let now = w.asym(&["--json", "backup", "now"]).ok().json();
    assert_eq!(now["backup"]["counts"]["reflections"], 2);
    let text = w.asym(&["backup", "list"]).ok().stdout;
    assert!(
        text.contains("journal folder") && text.contains("2 reflections"),
        "{text}"
    );
    let v = w.asym(&["backup", "verify"]).ok().stdout;
    assert_eq!(v.matches("is whole").count(), 2, "{v}");

    // Without a terminal and without --yes, a restore shows what it holds and changes nothing.
    let before = w.snapshot();
    let r = w.asym(&["backup", "restore", &daily]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("0 reflections"), "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(w.snapshot(), before);
    w.asym(&["backup", "restore", "19990101"])
        .fails_with(5, "asym backup list");

    let done = w.asym(&["backup", "restore", &daily, "--yes"]).ok().stdout;
    assert!(done.contains("kept in"), "{done}");
    assert_eq!(reflections(&w), 0);
    // The journal as it was is a backup, and restoring that brings both thoughts back.
    let l = w.asym(&["--json", "backup", "list"]).ok().json();
    let pre = l
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["reason"] == "before_restore")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.asym(&["backup", "restore", &pre, "--yes"]).ok();
    assert_eq!(reflections(&w), 2);
    assert!(!names_in(&w.data.join("replaced")).is_empty());
}

/// 200 restores, each killed (SIGKILL) at a different moment from its start to past its
/// end; after every one the journal opens with its key, its pages authenticate (`asym
/// unlock` runs that check), and it is the old journal or the restored one, never neither.
#[test]
fn a_restore_killed_at_any_moment_leaves_the_old_journal_or_the_restored_one() {
    const CYCLES: u64 = 200;
    let w = World::with_journal();
    for i in 0..3 {
        add(&w, &format!("kept {i}"));
    }
    let id = w.asym(&["--json", "backup", "now"]).ok().json()["backup"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    add(&w, "later");
    // How long a whole restore takes here, to spread the kills over it.
    let t = Instant::now();
    w.asym(&["backup", "restore", &id, "--yes"]).ok();
    let whole = t.elapsed();
    assert_eq!(reflections(&w), 3);

    let (mut old_seen, mut new_seen) = (0, 0);
    let mut current = 3;
    for i in 0..CYCLES {
        if current == 3 {
            add(&w, &format!("after restore {i}"));
            current = 4;
        }
        // A spread of moments from 0 to 1.6 × a whole restore, in a scrambled order.
        let at = whole.mul_f64(((i * 7919) % CYCLES) as f64 / CYCLES as f64 * 1.6);
        let mut c = w.command(env!("CARGO_BIN_EXE_asym"));
        c.arg("--data-dir")
            .arg(&w.data)
            .args(["backup", "restore", &id, "--yes"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        let n = reflections(&w);
        assert!(
            n == current || n == 3,
            "cycle {i} (killed after {at:?}): {n} reflections, expected {current} (old) or 3 (restored)"
        );
        if n == current && current != 3 {
            old_seen += 1;
        } else {
            new_seen += 1;
        }
        current = n;
        if i % 25 == 0 {
            w.asym(&["check"]).ok();
        }
    }
    // Both outcomes happened, so the kills really fell before and after the switch.
    assert!(
        old_seen >= 5 && new_seen >= 5,
        "old {old_seen}, new {new_seen}"
    );
    w.asym(&["check"]).ok();
    // What the killed runs left behind is removed by the next run.
    w.asym(&["backup", "restore", &id, "--yes"]).ok();
    let stale: Vec<_> = names_in(&w.data)
        .into_iter()
        .chain(names_in(&w.data.join("backups")))
        .filter(|n| n.starts_with(".restore-") || n.starts_with(".tmp-"))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
    eprintln!(
        "restore: {whole:?} whole; {old_seen} kills left the old journal, {new_seen} the restored one"
    );
}

/// 200 backups, each killed (SIGKILL) at a different moment: the journal is untouched,
/// every backup with a final name is whole, and what the killed runs left is cleared.
#[test]
fn a_backup_killed_at_any_moment_leaves_only_whole_backups() {
    const CYCLES: u64 = 200;
    let w = World::with_journal();
    for i in 0..5 {
        add(&w, &format!("entry {i}"));
    }
    let t = Instant::now();
    w.asym(&["backup", "now"]).ok();
    let whole = t.elapsed();
    let mut stranded = 0;
    for i in 0..CYCLES {
        let at = whole.mul_f64(((i * 7919) % CYCLES) as f64 / CYCLES as f64 * 1.3);
        let mut c = w.command(env!("CARGO_BIN_EXE_asym"));
        c.arg("--data-dir")
            .arg(&w.data)
            .args(["backup", "now"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        child.wait().unwrap();
        if names_in(&w.data.join("backups"))
            .iter()
            .any(|n| n.starts_with(".tmp-"))
        {
            stranded += 1;
        }
        if i % 40 == 0 {
            assert_eq!(reflections(&w), 5, "cycle {i}");
        }
    }
    // Some kills fell mid-write (a temporary folder was left), so the cases below are real.
    assert!(stranded > 0);
    assert_eq!(reflections(&w), 5);
    w.asym(&["check"]).ok();
    // Every backup with a final name opens and is whole.
    let v = w.asym(&["--json", "backup", "verify"]).ok().json();
    let v = v.as_array().unwrap();
    assert!(v.len() > 1, "{v:?}");
    assert!(v.iter().all(|b| b["problem"].is_null()), "{v:?}");
    // The day's backup was taken by the first command, before its entry; the rest hold all.
    for b in v {
        let want = if b["backup"]["reason"] == "daily" {
            0
        } else {
            5
        };
        assert_eq!(b["backup"]["counts"]["reflections"], want, "{b}");
    }
    w.asym(&["backup", "now"]).ok();
    let stale: Vec<_> = names_in(&w.data.join("backups"))
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

#[test]
fn a_backup_opens_on_another_machine_with_the_recovery_key_alone() {
    let w = World::with_secret_service();
    let init = w.asym(&["--json", "init"]).ok().json();
    let rk = init["recovery_key"].as_str().unwrap().to_string();
    add(&w, "written on the old laptop");
    let snap = w.asym(&["--json", "backup", "now"]).ok().json()["backup"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    // Another machine: its own empty keyring, and a copy of the snapshot folder as its journal.
    let other = World::with_secret_service();
    std::fs::create_dir_all(&other.data).unwrap();
    for f in ["journal.db", "journal.meta.json"] {
        std::fs::copy(std::path::Path::new(&snap).join(f), other.data.join(f)).unwrap();
    }
    other.asym(&["today"]).fails_with(12, "recovery key");
    let file = other.root.path().join("rk.txt");
    std::fs::write(&file, &rk).unwrap();
    other
        .asym(&["unlock", "--recovery-key-file", file.to_str().unwrap()])
        .ok();
    assert_eq!(reflections(&other), 1);
    let hits = other.asym(&["--json", "search", "laptop"]).ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1);
}

#[test]
fn one_flipped_byte_in_one_page_is_found_by_check_and_unlock() {
    let w = World::with_journal();
    let long = "a long entry that fills its page with words; ".repeat(60);
    for i in 0..30 {
        add(&w, &format!("{i}: {long}"));
    }
    w.asym(&["check"]).ok();
    w.asym(&["unlock"]).ok();
    let mut bytes = std::fs::read(w.db()).unwrap();
    let mid = bytes.len() / 2 + 100;
    bytes[mid] ^= 0x01;
    std::fs::write(w.db(), &bytes).unwrap();

    let r = w.asym(&["check"]);
    assert_eq!(r.code, 11, "{}{}", r.stdout, r.stderr);
    let bad: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("BAD")).collect();
    assert!(
        bad.iter()
            .any(|l| l.contains("1 of") && l.contains("authentication")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("ok") && l.contains("key envelope"))
    );
    assert!(r.stderr.contains("asym check"), "{}", r.stderr);
    // Unlock says it is damaged instead of "unlocks".
    let u = w.asym(&["unlock"]).fails_with(11, "is damaged");
    assert!(!u.stdout.contains("unlocks"), "{}", u.stdout);
}

#[test]
fn a_second_location_is_set_and_gets_every_backup() {
    let w = World::with_journal();
    let usb = w.root.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let s = w
        .asym(&[
            "backup",
            "settings",
            "--second-location",
            usb.to_str().unwrap(),
            "--daily",
            "3",
        ])
        .ok()
        .stdout;
    assert!(s.contains("last 3 days") && s.contains("usb"), "{s}");
    let r = w.asym(&["--json", "backup", "now"]).ok().json();
    let copy = r["second"]["copied"]["path"].as_str().unwrap();
    assert!(copy.starts_with(usb.to_str().unwrap()), "{copy}");
    assert!(std::path::Path::new(copy).join("journal.db").is_file());
    w.asym(&["backup", "settings", "--daily", "0"])
        .fails_with(2, "At least one daily backup");
}

#[test]
fn backups_and_the_file_kept_aside_reveal_no_entry_text() {
    let w = World::with_journal();
    let canary = unique_canary("backupcanary");
    add(&w, &canary);
    let id = w.asym(&["--json", "backup", "now"]).ok().json()["backup"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.asym(&["backup", "restore", &id, "--yes"]).ok();
    assert!(names_in(&w.data).contains(&"replaced".to_string()));
    // The positive control: the journal (so every backup of it) holds the canary, as a
    // search read back through the key shows.
    let control = w.root.path().join("control");
    std::fs::create_dir(&control).unwrap();
    let found = w.asym(&["--json", "search", &canary]).ok().stdout;
    std::fs::write(control.join("search.json"), found).unwrap();
    Canary::shown_in(&canary, &control).assert_absent_from(&w.private_places());
}
