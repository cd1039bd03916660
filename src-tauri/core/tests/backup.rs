//! Backups, restore and the integrity check, driven through the core's public use cases
//! against real SQLCipher files (an in-memory key store; `tests/backup.rs` at the top
//! drives the real `asym` binary and a real Secret Service).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use asymptote_core::usecase::backup::{self, BackupSettings, Place};
use asymptote_core::usecase::check::{self, CheckPart};
use asymptote_core::*;

fn fresh() -> (tempfile::TempDir, Journal, MemoryKeyStore, RecoveryKey) {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let created = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys).unwrap();
    (dir, created.journal, keys, created.recovery_key)
}

fn add(j: &mut Journal, n: usize, word: &str) {
    for i in 0..n {
        j.add_reflection(NewReflection {
            text: Some(format!(
                "{word} number {i}: what went well and what to try next"
            )),
            ..Default::default()
        })
        .unwrap();
    }
}

fn reflections(j: &Journal) -> i64 {
    j.status().unwrap().items.reflections
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Flips every bit of one byte in the middle of `file` (after the journal is closed).
fn flip_middle_byte(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let mid = bytes.len() / 2 + 100;
    bytes[mid] ^= 0xff;
    std::fs::write(file, bytes).unwrap();
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_snapshot_is_verified_private_encrypted_and_opens_elsewhere_with_the_recovery_key() {
    let (d, mut j, _keys, rk) = fresh();
    add(&mut j, 30, "zanzibarcanary");
    let r = backup::backup_now(&j).unwrap();
    let snap = &r.backup.snapshot;
    assert_eq!(snap.reason, Reason::Manual);
    assert_eq!(r.backup.counts.as_ref().unwrap().reflections, 30);
    assert!(snap.path.starts_with(j.dir().join("backups")));
    assert!(snap.size_bytes > 0);
    let db = snap.path.join("journal.db");
    assert!(snap.path.join("journal.meta.json").is_file());
    // Alone: no WAL or rollback journal beside it, and no temporary folder left.
    let names: Vec<_> = std::fs::read_dir(&snap.path)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let siblings = std::fs::read_dir(snap.path.parent().unwrap())
        .unwrap()
        .count();
    assert_eq!(siblings, 1);
    #[cfg(unix)]
    {
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&snap.path.join("journal.meta.json")), 0o600);
        assert_eq!(mode(&snap.path), 0o700);
        assert_eq!(mode(snap.path.parent().unwrap()), 0o700);
    }
    // Encrypted with the journal's key: no entry text in the file.
    assert!(!contains(&std::fs::read(&db).unwrap(), b"zanzibarcanary"));
    // Positive control: the word is really there to be found when not encrypted.
    assert!(contains(b"x zanzibarcanary y", b"zanzibarcanary"));

    // Another machine: a copy of the folder and an empty keyring; the recovery key opens it.
    let elsewhere = d.path().join("other-machine/journal");
    std::fs::create_dir_all(&elsewhere).unwrap();
    for f in ["journal.db", "journal.meta.json"] {
        std::fs::copy(snap.path.join(f), elsewhere.join(f)).unwrap();
    }
    let other = MemoryKeyStore::new();
    assert_eq!(
        Journal::open(&elsewhere, Unlock::Keyring, &other)
            .unwrap_err()
            .kind(),
        "key_missing"
    );
    let opened = Journal::open(
        &elsewhere,
        Unlock::RecoveryKey(rk.display_dangerously().as_str().to_string()),
        &other,
    )
    .unwrap();
    assert_eq!(reflections(&opened), 30);
    assert_eq!(opened.search("zanzibarcanary", 100).unwrap().len(), 30);
}

#[test]
fn the_daily_backup_is_taken_once_a_day() {
    let (_d, mut j, _k, _rk) = fresh();
    add(&mut j, 3, "daily");
    let first = backup::backup_if_due(&j).unwrap().expect("none yet today");
    assert_eq!(first.backup.snapshot.reason, Reason::Daily);
    assert!(backup::backup_if_due(&j).unwrap().is_none());
    assert_eq!(backup::list_backups(&j).unwrap().len(), 1);
    let o = backup::overview(&j).unwrap();
    assert_eq!(o.last.unwrap().snapshot.id, first.backup.snapshot.id);
    assert_eq!(o.count, 1);
    assert_eq!(o.folder, j.dir().join("backups"));
}

#[test]
fn a_second_location_gets_a_verified_copy_and_an_unreachable_one_is_only_reported() {
    let (d, mut j, _k, _rk) = fresh();
    add(&mut j, 5, "second");
    let second = d.path().join("usb-drive");
    std::fs::create_dir_all(&second).unwrap();
    let s = BackupSettings {
        second_location: Some(second.clone()),
        ..Default::default()
    };
    backup::set_settings(&mut j, &s).unwrap();
    assert_eq!(backup::settings(&j).unwrap(), s);
    let r = backup::backup_now(&j).unwrap();
    let copy = r.second.as_ref().unwrap().copied.as_ref().unwrap();
    assert!(copy.path.starts_with(&second));
    assert!(copy.path.join("journal.db").is_file());
    let listed = backup::list_backups(&j).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|b| b.place == Place::Second));
    assert!(
        listed
            .iter()
            .all(|b| b.counts.as_ref().unwrap().reflections == 5)
    );

    // A drive that is gone: a file where the folder should be.
    let gone = d.path().join("not-a-folder");
    std::fs::write(&gone, b"x").unwrap();
    backup::set_settings(
        &mut j,
        &BackupSettings {
            second_location: Some(gone),
            ..Default::default()
        },
    )
    .unwrap();
    let r = backup::backup_now(&j).unwrap();
    let c = r.second.unwrap();
    assert!(c.copied.is_none());
    assert!(c.problem.unwrap().contains("not-a-folder"));
    assert!(r.backup.snapshot.path.join("journal.db").is_file());

    // A second place inside the journal's own folder protects against nothing.
    let inside = BackupSettings {
        second_location: Some(j.dir().join("more")),
        ..Default::default()
    };
    assert_eq!(
        backup::set_settings(&mut j, &inside)
            .unwrap_err()
            .field_at_fault(),
        Some(Field::Path)
    );
}

#[test]
fn verify_finds_a_damaged_backup_and_restore_refuses_it() {
    let (_d, mut j, _k, _rk) = fresh();
    add(&mut j, 200, "verify");
    let r = backup::backup_now(&j).unwrap();
    let id = r.backup.snapshot.id.clone();
    let v = backup::verify_backup(&j, Some(&id)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].problem, None);
    flip_middle_byte(&r.backup.snapshot.path.join("journal.db"));
    let v = backup::verify_backup(&j, None).unwrap();
    assert!(v[0].problem.is_some(), "{v:?}");
    let before = std::fs::read(j.dir().join("journal.db")).unwrap();
    let e = backup::restore(&mut j, &id).unwrap_err();
    assert_eq!(e.kind(), "bad_backup", "{e}");
    assert_eq!(std::fs::read(j.dir().join("journal.db")).unwrap(), before);
    assert_eq!(reflections(&j), 200);
}

#[test]
fn restore_switches_to_the_snapshot_backs_up_first_and_keeps_the_old_file_aside() {
    let (_d, mut j, keys, _rk) = fresh();
    add(&mut j, 3, "kept");
    let snap = backup::backup_now(&j).unwrap().backup.snapshot;
    add(&mut j, 2, "later");
    assert_eq!(reflections(&j), 5);

    let p = backup::restore_preview(&j, &snap.id[..15]).unwrap();
    assert_eq!(p.backup.counts.as_ref().unwrap().reflections, 3);
    assert_eq!(p.current.reflections, 5);

    let r = backup::restore(&mut j, &snap.id).unwrap();
    assert_eq!(reflections(&j), 3);
    assert_eq!(r.before.backup.snapshot.reason, Reason::BeforeRestore);
    assert_eq!(r.before.backup.counts.as_ref().unwrap().reflections, 5);
    // The replaced file is a journal folder of its own, holding all five.
    assert!(r.kept_aside.starts_with(j.dir().join("replaced")));
    let aside = Journal::open(&r.kept_aside, Unlock::Keyring, &keys).unwrap();
    assert_eq!(reflections(&aside), 5);
    drop(aside);
    // The restored journal takes writes, and opens from disk as restored.
    add(&mut j, 1, "after");
    let dir = j.dir().to_path_buf();
    drop(j);
    let j = Journal::open(&dir, Unlock::Keyring, &keys).unwrap();
    assert_eq!(reflections(&j), 4);
    // Nothing temporary is left in the journal's folder.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn restore_refuses_while_the_journal_is_open_elsewhere_and_changes_nothing() {
    let (_d, mut j, _k, _rk) = fresh();
    add(&mut j, 3, "kept");
    let snap = backup::backup_now(&j).unwrap().backup.snapshot;
    add(&mut j, 2, "later");
    let other = j.another_connection().unwrap();
    assert_eq!(reflections(&other), 5);
    let e = backup::restore(&mut j, &snap.id).unwrap_err();
    assert_eq!(e.kind(), "in_use", "{e}");
    assert_eq!(reflections(&j), 5);
    assert_eq!(reflections(&other), 5);
    add(&mut j, 1, "still writable");
    assert_eq!(reflections(&other), 6);
    drop(other);
    // Once the other one is closed, it goes ahead.
    backup::restore(&mut j, &snap.id).unwrap();
    assert_eq!(reflections(&j), 3);
}

#[test]
fn unknown_and_ambiguous_ids_say_so() {
    let (_d, j, _k, _rk) = fresh();
    // Two of the same day that the rotation keeps (taken before an action).
    backup::backup_before(&j, Reason::BeforeImport).unwrap();
    backup::backup_before(&j, Reason::BeforeImport).unwrap();
    assert_eq!(
        backup::restore_preview(&j, "19990101").unwrap_err().kind(),
        "not_found"
    );
    assert_eq!(
        backup::restore_preview(&j, "20").unwrap_err().kind(),
        "not_found",
        "too short to be a start of an id"
    );
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(
        backup::restore_preview(&j, &year).unwrap_err().kind(),
        "ambiguous"
    );
}

/// The database key of a keyring-mode journal, as SQLCipher's raw-key literal.
fn raw_key(j: &Journal, keys: &MemoryKeyStore) -> String {
    let k = keys.get(&format!("journal-{}", j.journal_id())).unwrap();
    format!("x'{}'", hex_of(k.expose_bytes_dangerously()))
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn a_migration_takes_a_verified_snapshot_of_the_old_schema_first() {
    let (_d, mut j, keys, _rk) = fresh();
    add(&mut j, 4, "old");
    let lit = raw_key(&j, &keys);
    let dir = j.dir().to_path_buf();
    drop(j);
    // Make it a version-4 journal: migration 0005 (the manager's tables) not yet applied.
    {
        let c = rusqlite::Connection::open(dir.join("journal.db")).unwrap();
        c.execute_batch(&format!(
            "PRAGMA key = \"{lit}\";
             DROP TABLE mgr_meetings; DROP TABLE mgr_agenda; DROP TABLE mgr_bundles;
             DROP TABLE mgr_trusted_keys; DROP TABLE mgr_people;
             PRAGMA user_version = 4;"
        ))
        .unwrap();
    }
    let j = Journal::open(&dir, Unlock::Keyring, &keys).unwrap();
    let l = backup::list_backups(&j).unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].snapshot.reason, Reason::BeforeMigration);
    assert_eq!(l[0].counts.as_ref().unwrap().reflections, 4);
    let c = rusqlite::Connection::open(l[0].snapshot.path.join("journal.db")).unwrap();
    c.execute_batch(&format!("PRAGMA key = \"{lit}\";"))
        .unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 4, "the snapshot is of the journal before it migrated");
    assert_eq!(j.status().unwrap().schema_version, SCHEMA_VERSION);
}

fn check_of(dir: &Path, keys: &MemoryKeyStore) -> check::CheckReport {
    check::check_journal(dir, keys, || unreachable!("keyring mode")).unwrap()
}

#[test]
fn check_passes_a_whole_journal_and_finds_one_flipped_byte_in_one_page() {
    let (_d, mut j, keys, _rk) = fresh();
    add(&mut j, 400, "check");
    let dir: PathBuf = j.dir().to_path_buf();
    check::quick_check(&j).unwrap();
    drop(j);
    let r = check_of(&dir, &keys);
    assert!(!r.damaged, "{r:?}");
    assert_eq!(r.findings.len(), 4);
    assert!(r.findings.iter().all(|f| f.ok));

    flip_middle_byte(&dir.join("journal.db"));
    let r = check_of(&dir, &keys);
    assert!(r.damaged);
    let pages = r
        .findings
        .iter()
        .find(|f| f.part == CheckPart::Pages)
        .unwrap();
    assert!(!pages.ok);
    assert!(
        pages.sentence.contains("1 of ") && pages.sentence.contains("fail"),
        "{}",
        pages.sentence
    );
    // The envelope is fine: only the pages are blamed for this.
    assert!(
        r.findings
            .iter()
            .find(|f| f.part == CheckPart::KeyEnvelope)
            .unwrap()
            .ok
    );
    // The journal still opens (the damaged page is not the first), but the unlock check
    // says it is damaged.
    let j = Journal::open(&dir, Unlock::Keyring, &keys).unwrap();
    assert_eq!(check::quick_check(&j).unwrap_err().kind(), "damaged");
    // A backup of it cannot be taken (the damaged page cannot be read), so none is kept.
    assert_eq!(backup::backup_now(&j).unwrap_err().kind(), "damaged");
    assert!(backup::list_backups(&j).unwrap().is_empty());
}

#[test]
fn check_reports_a_key_envelope_of_the_wrong_form() {
    let (_d, j, keys, _rk) = fresh();
    let dir = j.dir().to_path_buf();
    drop(j);
    let meta = dir.join("journal.meta.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    v["recovery"]["nonce"] = serde_json::json!("abcd");
    std::fs::write(&meta, serde_json::to_string(&v).unwrap()).unwrap();
    let r = check_of(&dir, &keys);
    assert!(r.damaged);
    let f = r
        .findings
        .iter()
        .find(|f| f.part == CheckPart::KeyEnvelope)
        .unwrap();
    // The envelope's checksum no longer matches: the finding says the envelope is damaged.
    assert!(
        !f.ok && f.sentence.contains("key envelope") && f.sentence.contains("damaged"),
        "{}",
        f.sentence
    );
}

#[test]
fn a_passphrase_journal_restores_and_opens_with_its_passphrase_after() {
    let dir = tempfile::tempdir().unwrap();
    let keys = NoKeyStore;
    let pass = || Passphrase::new("a long enough passphrase".into());
    let opts = CreateOptions {
        mode: KeyMode::Passphrase,
        passphrase: Some(pass()),
        kdf: KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        },
    };
    let jd = dir.path().join("j");
    let mut j = Journal::create(&jd, opts, &keys).unwrap().journal;
    add(&mut j, 2, "before");
    let snap = backup::backup_now(&j).unwrap().backup.snapshot;
    add(&mut j, 3, "after");
    backup::restore(&mut j, &snap.id).unwrap();
    assert_eq!(reflections(&j), 2);
    drop(j);
    let j = Journal::open(&jd, Unlock::Passphrase(pass()), &keys).unwrap();
    assert_eq!(reflections(&j), 2);
    assert_eq!(
        Journal::open(
            &jd,
            Unlock::Passphrase(Passphrase::new("another passphrase".into())),
            &keys
        )
        .unwrap_err()
        .kind(),
        "wrong_key"
    );
}

#[test]
fn the_journal_takes_writes_while_a_snapshot_is_taken() {
    let (_d, mut j, _k, _rk) = fresh();
    add(&mut j, 300, "bulk");
    let other = j.another_connection().unwrap();
    let t = std::thread::spawn(move || {
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(backup::backup_before(&other, Reason::BeforeImport).unwrap());
        }
        ids
    });
    // Writes go on meanwhile, each committed at once (none waits for the snapshots).
    for i in 0..40 {
        add(&mut j, 1, &format!("during {i}"));
    }
    let reports = t.join().unwrap();
    assert_eq!(reflections(&j), 340);
    for r in reports {
        let n = r.backup.counts.unwrap().reflections;
        assert!((300..=340).contains(&n), "{n}");
        let v = backup::verify_backup(&j, Some(&r.backup.snapshot.id)).unwrap();
        assert_eq!(v[0].problem, None);
        assert_eq!(v[0].backup.counts.as_ref().unwrap().reflections, n);
    }
}

#[test]
fn the_weekly_check_runs_once_a_week_and_speaks_only_of_damage() {
    let (_d, mut j, keys, _rk) = fresh();
    add(&mut j, 400, "weekly");
    assert_eq!(
        check::weekly_check(&mut j),
        None,
        "a whole journal: nothing said"
    );
    let dir: PathBuf = j.dir().to_path_buf();
    drop(j);
    flip_middle_byte(&dir.join("journal.db"));
    let mut j = Journal::open(&dir, Unlock::Keyring, &keys).unwrap();
    // Checked today already: not again until a week has passed.
    assert_eq!(check::weekly_check(&mut j), None);
    let eight_days_ago = local_today() - chrono::Days::new(8);
    j.set_setting("last_full_check", &eight_days_ago).unwrap();
    let said = check::weekly_check(&mut j).expect("the damage is said");
    assert!(said.contains("fail their authentication check"), "{said}");
    // The page check after unlocking says so too, and takes no backup of a damaged file.
    let after = backup::after_unlock(&j);
    assert!(
        after.damage.is_some() && after.backup.is_none(),
        "{after:?}"
    );
}
