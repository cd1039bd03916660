//! End-to-end tests of the `asym` binary against real parts: SQLCipher on
//! disk, and a real Secret Service (gnome-keyring) started by each test.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    Canary, Week, World, damage_a_page_that_costs_items, flip_page, found_in_files, short,
    unique_canary,
};

#[test]
fn a_week_of_journaling_is_found_again_and_the_disk_reveals_nothing() {
    let w = World::with_secret_service();
    let init = w.asym(&["init"]).ok();
    assert!(init.stdout.contains("recovery key"), "{}", init.stdout);
    let week = Week::write(&w);

    // The day view gathers each local day.
    let day = w.asym(&["--json", "day", "2026-03-04"]).ok().json();
    assert_eq!(day["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(day["reflections"].as_array().unwrap().len(), 1);
    assert_eq!(day["checkins"].as_array().unwrap().len(), 1);
    assert_eq!(day["audit_items"].as_array().unwrap().len(), 2);
    assert_eq!(day["sessions"][0]["feedback"][0]["source"], "peer");

    // Lists hold the whole week.
    let sessions = w
        .asym(&["--json", "session", "list", "--challenge", &week.challenge])
        .ok()
        .json();
    assert_eq!(sessions.as_array().unwrap().len(), Week::DAYS);

    // Search finds words by their beginnings, across kinds.
    let hits = w.asym(&["--json", "search", &week.canary[..5]]).ok().json();
    assert_eq!(hits.as_array().unwrap().len(), Week::DAYS, "{hits}");
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .all(|h| h["kind"] == "reflection")
    );
    let hits = w.asym(&["--json", "search", "look", "tes"]).ok().json();
    assert_eq!(
        hits.as_array().unwrap().len(),
        Week::DAYS,
        "feedback text is searchable: {hits}"
    );
    let hits = w.asym(&["--json", "search", "dependen"]).ok().json();
    assert_eq!(hits[0]["kind"], "audit_item");
    let text = w.asym(&["search", "nothingmatcheshere"]).ok().stdout;
    assert!(text.contains("Nothing matches"));

    // Nothing readable on disk: not in the data folder (db, WAL, shm, metadata), not in
    // the temp folder, not in /dev/shm; though a plaintext export, made on purpose, shows
    // both texts are in the journal and that the search would see them.
    let control = w.root.path().join("control");
    std::fs::create_dir(&control).unwrap();
    week.plaintext_export(&w, &control.join("week.md"));
    for text in [week.canary.as_str(), Week::AUDIT_WORDS] {
        Canary::shown_in(text, &control).assert_absent_from(&w.private_places());
    }
    let header = std::fs::read(w.db()).unwrap();
    assert!(
        !header.starts_with(b"SQLite format 3"),
        "the database must not be plain SQLite"
    );
}

#[test]
fn the_key_outlives_the_process_and_the_keyring_daemon() {
    let mut w = World::with_secret_service();
    w.asym(&["init"]).ok();
    w.asym(&["reflection", "add", "--text", "first light"]).ok();
    // A new keyring daemon on the same HOME, as after a reboot: a second process reads.
    w.stop_secret_service();
    w.start_secret_service();
    let today = w.asym(&["--json", "today"]).ok().json();
    assert_eq!(today["reflections"][0]["text"], "first light");
    let st = w.asym(&["--json", "unlock"]).ok().json();
    assert_eq!(st["key_mode"], "keyring");
    assert_eq!(st["items"]["reflections"], 1);
}

#[test]
fn a_wrong_key_in_the_keyring_fails_closed_and_touches_nothing() {
    let w = World::with_journal();
    w.asym(&["reflection", "add", "--text", "keep me"]).ok();
    let before = w.snapshot();
    // Replace the key in the keyring with another valid-looking key.
    let st = w.asym(&["--json", "unlock"]).ok().json();
    let account = format!("journal-{}", st["journal_id"].as_str().unwrap());
    let out = w.run(
        "secret-tool",
        &[
            "store",
            "--label",
            "x",
            "service",
            "org.asymptote.journal",
            "username",
            &account,
        ],
        Some(&"ab".repeat(32)),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = w
        .asym(&["today"])
        .fails_with(10, "did not open this journal");
    assert!(r.stderr.contains("Nothing was changed"));
    assert_eq!(
        w.snapshot(),
        before,
        "the files must be byte-for-byte unchanged"
    );
}

#[test]
fn a_damaged_file_is_told_apart_from_a_wrong_key() {
    let w = World::with_journal();
    w.asym(&["reflection", "add", "--text", "keep me"]).ok();
    let mut bytes = std::fs::read(w.db()).unwrap();
    for b in &mut bytes[200..400] {
        *b ^= 0x5a;
    }
    std::fs::write(w.db(), &bytes).unwrap();
    let before = w.snapshot();
    w.asym(&["today"]).fails_with(11, "is damaged");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn a_truncated_file_is_reported_as_damaged() {
    let w = World::with_journal();
    w.asym(&["reflection", "add", "--text", "keep me"]).ok();
    let bytes = std::fs::read(w.db()).unwrap();
    std::fs::write(w.db(), &bytes[..bytes.len() / 2 + 100]).unwrap();
    let before = w.snapshot();
    w.asym(&["today"]).fails_with(11, "is damaged");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn a_missing_keyring_entry_is_restored_with_the_recovery_key() {
    let w = World::with_secret_service();
    let init = w.asym(&["--json", "init"]).ok().json();
    let rk = init["recovery_key"].as_str().unwrap().to_string();
    w.asym(&["reflection", "add", "--text", "survives"]).ok();
    let st = w.asym(&["--json", "unlock"]).ok().json();
    let account = format!("journal-{}", st["journal_id"].as_str().unwrap());
    let out = w.run(
        "secret-tool",
        &[
            "clear",
            "service",
            "org.asymptote.journal",
            "username",
            &account,
        ],
        None,
    );
    assert!(out.status.success());
    let before = w.snapshot();
    w.asym(&["today"])
        .fails_with(12, "not in the system keyring");
    assert_eq!(w.snapshot(), before);

    // A wrong recovery key is refused; the right one puts the key back.
    let bad = w.root.path().join("bad-rk");
    std::fs::write(&bad, "AAAA-".repeat(12) + "AAAA").unwrap();
    w.asym(&["unlock", "--recovery-key-file", bad.to_str().unwrap()])
        .fails_with(10, "did not open");
    w.asym(&["unlock", "--recovery-key-file", "/nonexistent/rk"])
        .fails_with(1, "Could not read");
    let good = w.root.path().join("rk");
    std::fs::write(&good, format!("{}\n", rk.to_lowercase())).unwrap();
    let r = w
        .asym(&["unlock", "--recovery-key-file", good.to_str().unwrap()])
        .ok();
    assert!(
        r.stdout.contains("back in the system keyring"),
        "{}",
        r.stdout
    );
    let today = w.asym(&["--json", "today"]).ok().json();
    assert_eq!(today["reflections"][0]["text"], "survives");
}

#[test]
fn with_no_secret_service_init_refuses_and_open_fails_closed() {
    let mut w = World::new();
    w.asym(&["init"])
        .fails_with(13, "No system keyring is reachable");
    assert!(
        !w.data.join("journal.db").exists(),
        "nothing may be created"
    );
    assert!(!w.data.join("journal.meta.json").exists());

    // A journal made while the keyring was there, opened when it is gone.
    w.start_secret_service();
    w.asym(&["init"]).ok();
    w.stop_secret_service();
    let before = w.snapshot();
    w.asym(&["today"]).fails_with(13, "--passphrase");
    assert_eq!(w.snapshot(), before);
}

#[test]
fn passphrase_mode_works_without_any_keyring() {
    let w = World::new();
    let pass = [("ASYMPTOTE_PASSPHRASE", "correct horse battery")];
    let init = w
        .asym_with(&["--json", "init", "--passphrase"], &pass, None)
        .ok()
        .json();
    assert_eq!(init["key_mode"], "passphrase");
    w.asym_with(
        &["reflection", "add", "--text", "offline and fine"],
        &pass,
        None,
    )
    .ok();
    // From a file too.
    let f = w.root.path().join("pass");
    std::fs::write(&f, "correct horse battery\n").unwrap();
    let today = w
        .asym(&["--json", "--passphrase-file", f.to_str().unwrap(), "today"])
        .ok()
        .json();
    assert_eq!(today["reflections"][0]["text"], "offline and fine");
    let before = w.snapshot();
    w.asym(&["today"])
        .fails_with(15, "protected by a passphrase");
    w.asym_with(&["today"], &[("ASYMPTOTE_PASSPHRASE", "wrong horse")], None)
        .fails_with(10, "did not open");
    assert_eq!(w.snapshot(), before);
    // And the recovery key opens it as well.
    let rk = init["recovery_key"].as_str().unwrap();
    let st = w
        .asym_with(
            &["--json", "unlock", "--recovery-key"],
            &[("ASYMPTOTE_RECOVERY_KEY", rk)],
            None,
        )
        .ok()
        .json();
    assert_eq!(st["items"]["reflections"], 1);
}

#[test]
fn opening_never_creates_and_init_never_overwrites() {
    let w = World::with_secret_service();
    w.asym(&["today"]).fails_with(3, "No journal exists");
    assert!(!w.data.exists(), "opening must not create the folder");
    w.asym(&["init"]).ok();
    w.asym(&["reflection", "add", "--text", "precious"]).ok();
    let before = w.snapshot();
    w.asym(&["init"]).fails_with(4, "already exists");
    assert_eq!(w.snapshot(), before);
    // A journal missing its metadata is not silently replaced either.
    std::fs::remove_file(w.data.join("journal.meta.json")).unwrap();
    w.asym(&["init"]).fails_with(4, "already exists");
    w.asym(&["today"]).fails_with(11, "unreadable");
}

#[test]
fn every_item_can_be_shown_edited_and_deleted() {
    let w = World::with_journal();
    let week = Week::write(&w);
    let (p, c) = (&week.purpose, &week.challenge);

    let s = w.asym(&["--json", "session", "list"]).ok().json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        week.sessions.contains(&s),
        "{s} is not one of the week's sessions"
    );
    let short = short(&s);
    let shown = w.asym(&["session", "show", short]).ok();
    assert!(
        shown.stdout.contains("feedback 1 from peer, 30 min after"),
        "{}",
        shown.stdout
    );
    let edited = w
        .asym(&[
            "--json",
            "session",
            "edit",
            short,
            "--performance",
            "12.5",
            "--feedback",
            "coach; worked=pace",
        ])
        .ok()
        .json();
    assert_eq!(edited["performance"], 12.5);
    assert_eq!(edited["feedback"].as_array().unwrap().len(), 1);
    assert_eq!(edited["attempts"], 10, "untouched fields stay");

    let e = w
        .asym(&[
            "--json",
            "purpose",
            "edit",
            p,
            "--title",
            "Help my team ship calmly and well",
        ])
        .ok()
        .json();
    assert_eq!(e["title"], "Help my team ship calmly and well");
    assert_eq!(
        e["challenge_ids"][0],
        c.as_str(),
        "links are visible from the purpose"
    );

    let ch = w
        .asym(&[
            "--json",
            "challenge",
            "edit",
            c,
            "--status",
            "paused",
            "--target",
            "0.8",
        ])
        .ok()
        .json();
    assert_eq!(ch["status"], "paused");
    assert_eq!(ch["target_rate"], 0.8);

    // A challenge with sessions is not deleted, so no session is ever lost with it.
    let before = w.asym(&["--json", "session", "list"]).ok().json();
    w.asym(&["challenge", "delete", c, "--yes"])
        .fails_with(2, "was not deleted");
    assert_eq!(w.asym(&["--json", "session", "list"]).ok().json(), before);

    // Deleting needs confirmation when there is no terminal to ask at.
    w.asym(&["session", "delete", short]).fails_with(2, "--yes");
    w.asym(&["session", "delete", short, "--yes"]).ok();
    w.asym(&["session", "show", short])
        .fails_with(5, "No session matches");
    assert_eq!(
        w.asym(&["--json", "session", "list"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        Week::DAYS - 1
    );

    let r = w.asym(&["--json", "reflection", "list"]).ok().json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r2 = w
        .asym(&[
            "--json",
            "reflection",
            "edit",
            &r,
            "--action-plan",
            "Rehearse with a xylophone",
            "--shared",
        ])
        .ok()
        .json();
    assert_eq!(r2["gibbs"]["action_plan"], "Rehearse with a xylophone");
    assert_eq!(r2["private"], false);
    assert_eq!(
        w.asym(&["--json", "search", "xylo"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    w.asym(&["reflection", "delete", &r, "--yes"]).ok();
    assert!(
        w.asym(&["--json", "search", "xylo"])
            .ok()
            .json()
            .as_array()
            .unwrap()
            .is_empty(),
        "deleted items leave the search index"
    );

    let k = w.asym(&["--json", "checkin", "list"]).ok().json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let k2 = w
        .asym(&["--json", "checkin", "edit", &k, "--team", "6"])
        .ok()
        .json();
    assert_eq!(k2["ratings"]["team"], 6);
    assert_eq!(k2["ratings"]["task"], 5);
    let a = w.asym(&["--json", "audit", "list"]).ok().json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a2 = w
        .asym(&["--json", "audit", "edit", &a, "--kind", "punishment"])
        .ok()
        .json();
    assert_eq!(a2["kind"], "punishment");
    w.asym(&["audit", "delete", &a, "--yes"]).ok();
    w.asym(&["checkin", "delete", &k, "--yes"]).ok();
}

#[test]
fn bad_input_gets_one_clear_sentence_and_writes_nothing() {
    let w = World::with_journal();
    let c = w
        .asym(&["--json", "challenge", "add", "--skill", "Chess tactics"])
        .ok()
        .id();
    let before = w.snapshot();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "session",
                "add",
                "--challenge",
                &c,
                "--attempts",
                "5",
                "--successes",
                "9",
            ],
            2,
            "cannot exceed attempts",
        ),
        (
            &["session", "add", "--attempts", "5"],
            2,
            "needs its challenge",
        ),
        (
            &["session", "add", "--challenge", &c, "--effort", "11"],
            2,
            "between 1 and 10",
        ),
        (
            &[
                "session",
                "add",
                "--challenge",
                &c,
                "--feedback",
                "boss; worked=x",
            ],
            2,
            "not a feedback source",
        ),
        (
            &["session", "add", "--challenge", "zzzz"],
            2,
            "is not an id",
        ),
        (
            &["session", "add", "--challenge", "abcdef12"],
            5,
            "No challenge matches",
        ),
        (
            &["challenge", "add", "--skill", "x", "--target", "1.5"],
            2,
            "between 0 and 1",
        ),
        (&["challenge", "add"], 2, "cannot be empty"),
        (&["reflection", "add"], 2, "needs some text"),
        (&["checkin", "add", "--task", "3"], 2, "give --time"),
        (
            &[
                "checkin",
                "add",
                "--task",
                "9",
                "--time",
                "1",
                "--technique",
                "1",
                "--team",
                "1",
            ],
            2,
            "between 1 and 7",
        ),
        (
            &["audit", "add", "--kind", "bribe", "--description", "x"],
            2,
            "not an audit kind",
        ),
        (
            &["reflection", "add", "--text", "x", "--at", "last tuesday"],
            2,
            "not a date",
        ),
        (&["day", "2026-13-40"], 2, "not a date"),
        (&["reflection", "add", "--guided"], 2, "terminal"),
    ];
    for (args, code, words) in cases {
        w.asym(args).fails_with(*code, words);
    }
    // --json errors are JSON on stderr with a kind to branch on.
    let r = w.asym(&["--json", "challenge", "add"]);
    let v: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(v["error"]["kind"], "invalid");
    // Invalid input wrote nothing: the folder is as it was (SQLite may have
    // checkpointed, so compare what the journal holds).
    let _ = before;
    let st = w.asym(&["--json", "unlock"]).ok().json();
    assert_eq!(st["items"]["sessions"], 0);
    assert_eq!(st["items"]["challenges"], 1);
    assert_eq!(st["items"]["reflections"], 0);
}

// The no-plaintext search can fail: on a place that is not there, on a control that does not
// hold the canary, and on a control kept inside a place it vouches for.

#[test]
#[should_panic(expected = "a search of a missing or unreadable place finds nothing")]
fn the_plaintext_search_refuses_a_missing_folder() {
    let w = World::new();
    found_in_files(&w.root.path().join("no-such-folder"), b"anything");
}

#[test]
fn the_plaintext_search_finds_the_canary_in_nested_files_only() {
    let w = World::new();
    let canary = unique_canary("plainquokka");
    let deep = w.tmp().join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("note.txt"), format!("x {canary} y")).unwrap();
    std::fs::write(w.tmp().join("other.txt"), "nothing here").unwrap();
    assert_eq!(
        found_in_files(&w.tmp(), canary.as_bytes()),
        [deep.join("note.txt")]
    );
    assert_eq!(
        found_in_files(&deep.join("note.txt"), canary.as_bytes()),
        [deep.join("note.txt")]
    );
    assert!(found_in_files(&w.home(), canary.as_bytes()).is_empty());
}

#[test]
#[should_panic(expected = "the positive control failed")]
fn a_canary_not_in_its_control_vouches_for_nothing() {
    let w = World::new();
    std::fs::write(w.tmp().join("control.txt"), "something else").unwrap();
    Canary::shown_in("zanzibarquokka", &w.tmp().join("control.txt"));
}

#[test]
#[should_panic(expected = "keep controls apart")]
fn a_control_inside_the_place_it_vouches_for_is_refused() {
    let w = World::new();
    std::fs::write(w.tmp().join("control.txt"), "zanzibarquokka").unwrap();
    Canary::shown_in("zanzibarquokka", &w.tmp().join("control.txt")).assert_absent_from(&[w.tmp()]);
}

#[test]
fn text_comes_from_editor_through_memory_only() {
    let w = World::with_journal();
    let canary = unique_canary("quetzalmarmalade");
    // The editor keeps a copy of what it wrote, and the path it was given, in a control
    // folder of the test's own: the positive control for the search below.
    let control = w.root.path().join("control");
    std::fs::create_dir(&control).unwrap();
    let script = w.root.path().join("fake-editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf 'written in the editor {canary}' > \"$1\"\ncp \"$1\" '{dir}/seen'\nprintf '%s' \"$1\" > '{dir}/path'\n",
            dir = control.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let r = w
        .asym_with(
            &["--json", "reflection", "add", "--edit"],
            &[("EDITOR", script.to_str().unwrap())],
            None,
        )
        .ok()
        .json();
    assert_eq!(r["text"], format!("written in the editor {canary}"));
    // The editor's file was in memory, held the text, and is gone.
    let edited = std::fs::read_to_string(control.join("path")).unwrap();
    assert!(edited.starts_with("/dev/shm/"), "edited {edited}");
    assert!(
        !std::path::Path::new(&edited).exists(),
        "{edited} was left behind"
    );
    Canary::shown_in(&canary, &control.join("seen")).assert_absent_from(&w.private_places());
    // A failing editor saves nothing.
    w.asym_with(
        &["reflection", "add", "--edit"],
        &[("EDITOR", "false")],
        None,
    )
    .fails_with(2, "nothing was saved");
}

#[test]
fn every_read_command_speaks_json() {
    let w = World::with_journal();
    Week::write(&w);
    for args in [
        &["--json", "today"][..],
        &["--json", "day", "2026-03-03"],
        &["--json", "unlock"],
        &["--json", "search", "review"],
        &["--json", "purpose", "list"],
        &["--json", "challenge", "list"],
        &["--json", "session", "list"],
        &["--json", "reflection", "list"],
        &["--json", "reflection", "prompts"],
        &["--json", "checkin", "list"],
        &["--json", "audit", "list"],
    ] {
        w.asym(args).ok().json();
    }
}

/// Logs `n` sessions whose time falls exponentially toward 40 s.
fn log_learning(w: &World, c: &str, n: usize) {
    for i in 0..n {
        let x = i as f64 * 0.5;
        // Deterministic wobble so the data are not a perfect curve.
        let wobble = [0.6, -0.4, 0.2, -0.7, 0.5][i % 5];
        let perf = 40.0 + 30.0 * (-0.3 * x).exp() + wobble;
        let at = format!("2026-04-{:02}T19:00", i + 1);
        let succ = if i % 3 == 0 { "9" } else { "8" };
        w.asym(&[
            "session",
            "add",
            "--challenge",
            c,
            "--at",
            &at,
            "--duration",
            "30",
            "--performance",
            &format!("{perf:.2}"),
            "--attempts",
            "10",
            "--successes",
            succ,
            "--difficulty",
            "5",
            "--challenge-rating",
            &format!("{}", 4 + i % 4),
            "--skill-rating",
            &format!("{}", 3 + (i * 2) % 5),
        ])
        .ok();
    }
}

#[test]
fn progress_names_the_floor_of_a_lower_is_better_measure_and_draws_it() {
    let w = World::with_journal();
    let c = w
        .asym(&[
            "--json",
            "challenge",
            "add",
            "--skill",
            "Sight-reading",
            "--measure",
            "time per page",
            "--unit",
            "s",
            "--lower-is-better",
            "--difficulty",
            "5",
        ])
        .ok()
        .id();
    log_learning(&w, &c, 24);
    let text = w.asym(&["progress", &c]).ok().stdout;
    assert!(text.contains("approaching a floor of about 4"), "{text}");
    assert!(text.contains("of the gap"), "{text}");
    assert!(
        text.contains("Half of the remaining gap closes every"),
        "{text}"
    );
    assert!(text.contains("attempts succeeded"), "{text}");

    let v = w.asym(&["--json", "progress", &c]).ok().json();
    let p = &v[0];
    assert_eq!(p["axis"], "hours");
    let a = p["fit"]["asymptote"].as_f64().unwrap();
    assert!((a - 40.0).abs() < 2.5, "asymptote {a}");
    assert!(p["refusal"].is_null());
    assert_eq!(p["points"].as_array().unwrap().len(), 24);
    assert_eq!(p["calibration"]["classification"]["attempts"], 30);

    let by_sessions = w
        .asym(&["--json", "progress", &c, "--by", "sessions"])
        .ok()
        .json();
    assert_eq!(by_sessions[0]["axis"], "sessions");
    assert_eq!(by_sessions[0]["points"][23]["x"], 23.0);

    // The chart is a real SVG: well-formed XML that an SVG renderer draws.
    let svg = w.root.path().join("curve.svg");
    w.asym(&["progress", &c, "--svg", svg.to_str().unwrap()])
        .ok();
    let lint = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let png = w.root.path().join("curve.png");
    let r = std::process::Command::new("rsvg-convert")
        .arg(&svg)
        .arg("-o")
        .arg(&png)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    let body = std::fs::read_to_string(&svg).unwrap();
    assert!(body.contains("Sight-reading"));
}

#[test]
fn progress_says_plainly_when_the_data_cannot_support_a_curve() {
    let w = World::with_journal();
    let c = w
        .asym(&[
            "--json",
            "challenge",
            "add",
            "--skill",
            "Juggling",
            "--measure",
            "catches",
            "--difficulty",
            "2",
        ])
        .ok()
        .id();
    let empty = w.asym(&["progress", &c]).ok().stdout;
    assert!(empty.contains("No performance values yet"), "{empty}");
    assert!(empty.contains("No attempts logged yet"), "{empty}");
    for _ in 0..3 {
        w.asym(&[
            "session",
            "add",
            "--challenge",
            &c,
            "--performance",
            "5",
            "--attempts",
            "10",
            "--successes",
            "10",
        ])
        .ok();
    }
    let v = w.asym(&["--json", "progress", &c]).ok().json();
    assert!(v[0]["fit"].is_null(), "never a fake curve");
    assert_eq!(v[0]["refusal"]["reason"], "too_few_points");
    // 30 of 30 is too easy: the staircase suggests a harder next difficulty.
    assert_eq!(v[0]["calibration"]["classification"]["zone"], "too_easy");
    assert!(
        v[0]["calibration"]["suggested_difficulty"]
            .as_f64()
            .unwrap()
            > 2.0
    );
    // Flat data: no learning trend, and it says so.
    for _ in 0..5 {
        w.asym(&["session", "add", "--challenge", &c, "--performance", "5"])
            .ok();
    }
    let v = w.asym(&["--json", "progress", &c]).ok().json();
    assert!(v[0]["fit"].is_null());
    assert_eq!(v[0]["refusal"]["reason"], "no_trend", "{}", v[0]["refusal"]);
    w.asym(&["progress", "--by", "weeks"])
        .fails_with(2, "--by hours");
    w.asym(&["progress", "--svg", "x.svg"])
        .code
        .ne(&0)
        .then_some(())
        .unwrap();
}

/// An executable shell script in the test's world.
fn script(w: &World, name: &str, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = w.root.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_journal_its_envelope_its_wal_and_exports_are_private_whatever_the_umask() {
    let w = World::with_secret_service();
    // A permissive umask, as many desktops have; the files must not follow it.
    let wrapper = script(&w, "umask.sh", "umask 000\nexec \"$@\"\n");
    let asym = |args: &[&str]| {
        let mut all = vec![
            env!("CARGO_BIN_EXE_asym"),
            "--data-dir",
            w.data.to_str().unwrap(),
        ];
        all.extend(args);
        let o = w.run(wrapper.to_str().unwrap(), &all, None);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    asym(&["init"]);
    asym(&["purpose", "add", "--title", "Patients"]);
    let out = w.tmp().join("brief.md");
    asym(&[
        "share",
        "export",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--agenda",
        "a question",
        "--format",
        "md",
        "--out",
        out.to_str().unwrap(),
    ]);
    for f in ["journal.db", "journal.meta.json"] {
        assert_eq!(mode(&w.data.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&out), 0o600, "the export");
    // The WAL and its index exist while a connection is open: look from inside the editor.
    let seen = w.root.path().join("modes");
    let editor = script(
        &w,
        "modes.sh",
        &format!(
            "stat -c '%a %n' '{d}'/journal.db-wal '{d}'/journal.db-shm > '{s}'\necho text > \"$1\"\n",
            d = w.data.display(),
            s = seen.display()
        ),
    );
    w.asym_with(
        &["reflection", "add", "--edit"],
        &[("EDITOR", editor.to_str().unwrap())],
        None,
    )
    .ok();
    let modes = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(modes.lines().count(), 2, "{modes}");
    for line in modes.lines() {
        assert!(line.starts_with("600 "), "{line}");
    }
}

#[test]
fn a_bus_without_a_working_secret_service_fails_in_seconds_not_minutes() {
    let mut w = World::new();
    // A session bus on which the Secret Service's name starts a program that never answers.
    let services = w.root.path().join("services");
    std::fs::create_dir(&services).unwrap();
    std::fs::write(
        services.join("org.freedesktop.secrets.service"),
        "[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/sleep 30\n",
    )
    .unwrap();
    let conf = w.root.path().join("bus.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir={tmp}</listen><auth>EXTERNAL</auth>
<servicedir>{svc}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>"#,
            tmp = w.tmp().display(),
            svc = services.display()
        ),
    )
    .unwrap();
    let mut bus = std::process::Command::new("dbus-daemon")
        .arg(format!("--config-file={}", conf.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut address = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(bus.stdout.take().unwrap()),
        &mut address,
    )
    .unwrap();
    w.extra_env.push((
        "DBUS_SESSION_BUS_ADDRESS".into(),
        address.trim().to_string(),
    ));
    let started = std::time::Instant::now();
    let r = w.asym(&["init"]);
    let took = started.elapsed();
    let _ = bus.kill();
    let _ = bus.wait();
    assert!(took.as_secs() < 15, "asym waited {took:?} for the keyring");
    let r = r.fails_with(13, "did not answer");
    assert!(r.stderr.contains("--passphrase"), "{}", r.stderr);
    assert!(
        !w.data.join("journal.meta.json").exists(),
        "nothing created"
    );
}

#[test]
fn an_editor_file_left_by_a_killed_asym_is_removed_at_the_next_start() {
    let w = World::with_journal();
    let canary = unique_canary("okapiquinoa");
    let path_file = w.root.path().join("path");
    // The editor writes the text, notes its file, then kills asym under it.
    let editor = script(
        &w,
        "kill-editor.sh",
        &format!(
            "printf '{canary}' > \"$1\"\nprintf '%s' \"$1\" > '{p}'\nkill -9 $PPID\n",
            p = path_file.display()
        ),
    );
    let r = w.asym_with(
        &["reflection", "add", "--edit"],
        &[("EDITOR", editor.to_str().unwrap())],
        None,
    );
    assert_eq!(r.code, -1, "killed: {}", r.stderr);
    let left = std::path::PathBuf::from(std::fs::read_to_string(&path_file).unwrap());
    assert!(
        left.exists(),
        "the kill left {} (the case this test is about)",
        left.display()
    );
    let r = w.asym(&["today"]).ok();
    assert!(!left.exists(), "{} is still there", left.display());
    assert!(
        r.stderr.contains("/dev/shm"),
        "the cleanup is said: {}",
        r.stderr
    );
}

#[test]
fn core_dumps_are_off_while_asym_runs() {
    let w = World::with_journal();
    let limits = w.root.path().join("limits");
    let editor = script(
        &w,
        "limits.sh",
        &format!(
            "cat /proc/$PPID/limits > '{}'\necho text > \"$1\"\n",
            limits.display()
        ),
    );
    let wrapper = script(&w, "ulimit.sh", "ulimit -c unlimited\nexec \"$@\"\n");
    let mut c = w.command(wrapper.to_str().unwrap());
    c.args([
        env!("CARGO_BIN_EXE_asym"),
        "--data-dir",
        w.data.to_str().unwrap(),
    ])
    .args(["reflection", "add", "--edit"])
    .env("EDITOR", &editor);
    assert!(c.status().unwrap().success());
    let text = std::fs::read_to_string(&limits).unwrap();
    let core = text
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_else(|| panic!("{text}"));
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

#[test]
fn negative_numbers_are_values_not_options() {
    let w = World::with_journal();
    let c = w
        .asym(&[
            "--json",
            "challenge",
            "add",
            "--skill",
            "Debt",
            "--difficulty",
            "-2",
        ])
        .ok()
        .id();
    let s = w
        .asym(&[
            "--json",
            "session",
            "add",
            "--challenge",
            &c,
            "--performance",
            "-1",
            "--difficulty",
            "-1.5",
        ])
        .ok()
        .json();
    assert_eq!(s["performance"], -1.0);
    assert_eq!(s["difficulty"], -1.5);
}

#[test]
fn a_date_past_the_year_9999_is_refused_and_nothing_is_saved() {
    let w = World::with_journal();
    w.asym(&[
        "reflection",
        "add",
        "--text",
        "far future",
        "--at",
        "+10000-01-01",
    ])
    .fails_with(2, "9999");
    w.asym(&["purpose", "add", "--title", "Later", "--at", "+10000-06-01"])
        .fails_with(2, "9999");
    let listed = w.asym(&["--json", "reflection", "list"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 0, "{listed}");
    let r = w.asym(&["purpose", "list"]).ok();
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// Sixteen reflections, `NAME i: …` on days 2 to 17 of `MONTH` (YYYY-MM), long enough
/// that a few fill a page and some spill onto overflow pages.
fn sixteen_long_reflections(w: &World, name: &str, month: &str) {
    let long = "calm hands steady focus ".repeat(60);
    for i in 1..=16 {
        w.asym(&[
            "reflection",
            "add",
            "--text",
            &format!("{name} {i}: {long}"),
            "--at",
            &format!("{month}-{:02}", i + 1),
        ])
        .ok();
    }
}

#[test]
fn salvage_gives_back_every_entry_but_those_on_the_damaged_page_and_a_backup_the_rest() {
    let mut w = World::with_journal();
    sixteen_long_reflections(&w, "Reflection", "2026-03");
    // A byte copy of the closed journal is a snapshot with its key: the backup.
    let backup = w.root.path().join("backup.db");
    std::fs::copy(w.db(), &backup).unwrap();
    let intact = std::fs::read(w.db()).unwrap();
    let (page, report) = damage_a_page_that_costs_items(&w, &intact);
    let lost = report["lost"].as_array().unwrap().len();
    let refl = &report["kinds"][3];
    assert_eq!(refl["kind"], "reflection");
    assert_eq!(refl["salvaged"].as_u64().unwrap() + lost as u64, 16);
    assert!(
        lost <= 4,
        "page {page} cost {lost} reflections: more than it holds"
    );
    assert!(
        report["lost"][0]["day"]
            .as_str()
            .unwrap()
            .starts_with("2026-03-")
    );

    // A reading command that hits the page lists what it could read, says what it could
    // not, and names the repair; it changes nothing and leaves no copy behind.
    let before = w.snapshot();
    let r = w.asym(&["--json", "reflection", "list"]);
    assert_eq!(r.code, 11, "{}", r.stderr);
    assert!(r.stderr.contains("asym salvage --replace"), "{}", r.stderr);
    assert_eq!(
        r.json().as_array().unwrap().len(),
        16 - lost,
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(&format!("{lost} item")) && r.stderr.contains("2026-03-"),
        "{}",
        r.stderr
    );
    let r = w
        .asym(&["reflection", "list"])
        .fails_with(11, "what could still be read");
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.contains("Reflection "))
            .count(),
        16 - lost
    );
    assert_eq!(
        w.snapshot(),
        before,
        "a reading wrote to the damaged journal"
    );
    // Salvage in words: what came back, what did not by day; the damaged journal untouched.
    let to = w.root.path().join("salvaged");
    let text = w
        .asym(&["salvage", "--to", to.to_str().unwrap()])
        .ok()
        .stdout;
    assert!(
        text.contains(&format!("Recovered {} items", 16 - lost)),
        "{text}"
    );
    assert!(
        text.contains(&format!("Could not recover {lost} item")),
        "{text}"
    );
    assert!(text.contains("  2026-03-"), "{text}");
    assert_eq!(w.snapshot(), before, "salvage wrote to the damaged journal");
    // A used folder is refused, naming what to do.
    w.asym(&["salvage", "--to", to.to_str().unwrap()])
        .fails_with(4, "already exists");
    let full = w.root.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("x"), b"x").unwrap();
    w.asym(&["salvage", "--to", full.to_str().unwrap()])
        .fails_with(4, "not an empty folder");
    // With the backup, every entry comes back.
    let filled = w.root.path().join("filled");
    let text = w
        .asym(&[
            "salvage",
            "--to",
            filled.to_str().unwrap(),
            "--from-backup",
            backup.to_str().unwrap(),
        ])
        .ok()
        .stdout;
    assert!(
        text.contains(&format!("Added {lost} items from the backup")),
        "{text}"
    );
    assert!(text.contains("Nothing is known to be lost"), "{text}");
    // The new journals open from the same keyring entry.
    w.data = to;
    let listed = w.asym(&["--json", "reflection", "list"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 16 - lost);
    w.data = filled;
    let listed = w.asym(&["--json", "reflection", "list"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 16);
    // A damaged first page: nothing can be read, and the command fails.
    w.data = w.root.path().join("home/journal");
    std::fs::write(w.db(), &intact).unwrap();
    flip_page(&w.db(), 1);
    let none = w.root.path().join("none");
    w.asym(&["salvage", "--to", none.to_str().unwrap()])
        .fails_with(11, "Nothing could be read");
    assert!(!none.exists());
}

#[test]
fn salvage_replace_repairs_the_journal_in_place_from_its_newest_backup() {
    let w = World::with_journal();
    sixteen_long_reflections(&w, "Entry", "2026-04");
    w.asym(&["backup", "now"]).ok();
    let intact = std::fs::read(w.db()).unwrap();
    let pages = intact.len() as u64 / 4096;
    // A page whose damage hides reflections from a list.
    let page = (2..pages)
        .rev()
        .find(|&page| {
            std::fs::write(w.db(), &intact).unwrap();
            flip_page(&w.db(), page);
            let r = w.asym(&["--json", "reflection", "list"]);
            r.code == 11 && r.json().as_array().is_some_and(|a| a.len() < 16)
        })
        .expect("some page holds reflections");
    let damaged = std::fs::read(w.db()).unwrap();
    let text = w.asym(&["salvage", "--replace"]).ok().stdout;
    assert!(text.contains("Repaired the journal"), "page {page}: {text}");
    assert!(text.contains("filled from its newest backup"), "{text}");
    assert!(text.contains("Nothing is known to be lost"), "{text}");
    // Every entry back, in place, the same keyring entry opening it, every page whole.
    let listed = w.asym(&["--json", "reflection", "list"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 16);
    let check = w.asym(&["check"]).ok().stdout;
    assert!(!check.contains("damaged"), "{check}");
    // The damaged file kept aside, its damaged page as it was.
    let replaced = w.data.join("replaced");
    let kept: Vec<_> = std::fs::read_dir(&replaced).unwrap().flatten().collect();
    assert_eq!(kept.len(), 1);
    let aside = std::fs::read(kept[0].path().join("journal.db")).unwrap();
    let page = usize::try_from(page).unwrap();
    let at = |f: &[u8]| f[(page - 1) * 4096..page * 4096].to_vec();
    assert!(at(&aside) == at(&damaged));
    // --replace and --to are one or the other.
    let r = w.asym(&["salvage", "--replace", "--to", "x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}
