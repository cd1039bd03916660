//! The core's store, driven through its public API with an in-memory key store
//! (the real Secret Service is exercised by the top-level tests/).
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use asymptote_core::*;
use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;

fn fresh() -> (tempfile::TempDir, Journal, MemoryKeyStore) {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let created = Journal::create(&dir.path().join("j"), CreateOptions::keyring(), &keys).unwrap();
    (dir, created.journal, keys)
}

fn at(s: &str) -> Option<DateTime<FixedOffset>> {
    Some(DateTime::parse_from_rfc3339(s).unwrap())
}

#[test]
fn every_kind_round_trips_with_all_its_fields() {
    let (_d, mut j, _k) = fresh();
    let p = j
        .add_purpose(NewPurpose {
            title: "Patients".into(),
            whom: Some("people on my ward".into()),
            why: Some("They deserve calm hands".into()),
            private: true,
            when: at("2026-01-05T08:00:00+01:00"),
        })
        .unwrap();
    assert_eq!(j.purpose(p.meta.id).unwrap(), p);

    let c = j
        .add_challenge(NewChallenge {
            skill: "Cannulation".into(),
            goal: Some("first-time success 9 of 10".into()),
            measure: Measure {
                name: Some("time".into()),
                unit: Some("s".into()),
                higher_is_better: false,
            },
            difficulty: Some(2.5),
            target_rate: Some(0.8),
            status: ChallengeStatus::Active,
            purpose_ids: vec![p.meta.id],
            private: false,
            when: at("2026-01-05T08:10:00+01:00"),
        })
        .unwrap();
    let c2 = j.challenge(c.meta.id).unwrap();
    assert_eq!(c2, c);
    assert_eq!(c2.purpose_ids, vec![p.meta.id]);
    assert_eq!(j.purpose(p.meta.id).unwrap().challenge_ids, vec![c.meta.id]);

    let data = SessionData {
        duration_min: Some(45.0),
        sub_skill: Some("vein finding".into()),
        difficulty: Some(3.0),
        predicted_rate: Some(0.7),
        attempts: Some(12),
        successes: Some(9),
        performance: Some(31.5),
        effort: Some(8),
        challenge_rating: Some(7),
        skill_rating: Some(4),
        feedback: vec![
            Feedback {
                source: FeedbackSource::Coach,
                delay_min: Some(0.0),
                worked: Some("angle".into()),
                change: Some("anchor the vein".into()),
            },
            Feedback {
                source: FeedbackSource::Metric,
                delay_min: None,
                worked: None,
                change: Some("slower insertion".into()),
            },
        ],
        next_step: Some("practise on the model arm".into()),
        notes: Some("line one\nline two".into()),
    };
    let s = j
        .add_session(NewSession {
            challenge_id: Some(c.meta.id),
            data: data.clone(),
            private: false,
            when: at("2026-01-05T09:00:00+01:00"),
        })
        .unwrap();
    assert_eq!(s.data, data);
    assert_eq!(j.session(s.meta.id).unwrap(), s);

    let r = j
        .add_reflection(NewReflection {
            text: Some("Not yet, but closer.".into()),
            gibbs: Gibbs {
                description: Some("d".into()),
                feelings: Some("f".into()),
                evaluation: None,
                analysis: Some("a".into()),
                conclusion: None,
                action_plan: Some("p".into()),
            },
            tags: vec!["#Growth".into(), "growth".into(), " ward ".into()],
            session_ids: vec![s.meta.id],
            challenge_ids: vec![c.meta.id],
            purpose_ids: vec![p.meta.id],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        r.tags,
        vec!["growth", "ward"],
        "tags are normalised and deduplicated"
    );
    assert!(r.meta.private, "reflections are private by default");
    assert_eq!(j.reflection(r.meta.id).unwrap(), r);
    assert_eq!(j.reflections_per_purpose().unwrap(), vec![(p.meta.id, 1)]);

    let k = j
        .add_checkin(NewCheckin {
            ratings: FourTs {
                task: 3,
                time: 2,
                technique: 6,
                team: 5,
            },
            note: Some("rota decided for me".into()),
            private: false,
            when: None,
        })
        .unwrap();
    assert_eq!(j.checkin(k.meta.id).unwrap(), k);

    let a = j
        .add_audit_item(NewAuditItem {
            kind: AuditKind::Punishment,
            description: "Ranked by speed".into(),
            contingency: Some("if slowest then review".into()),
            task_type: Some(TaskType::Heuristic),
            note: None,
            private: true,
            when: None,
        })
        .unwrap();
    assert_eq!(j.audit_item(a.meta.id).unwrap(), a);

    let st = j.status().unwrap();
    assert_eq!(
        (
            st.items.purposes,
            st.items.challenges,
            st.items.sessions,
            st.items.reflections,
            st.items.checkins,
            st.items.audit_items
        ),
        (1, 1, 1, 1, 1, 1)
    );
}

#[test]
fn the_day_is_the_persons_local_day_not_utc() {
    let (_d, mut j, _k) = fresh();
    // 23:30 in California is already the next day in UTC.
    let r = j
        .add_reflection(NewReflection {
            text: Some("late".into()),
            when: at("2026-03-01T23:30:00-08:00"),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.meta.when.day.to_string(), "2026-03-01");
    assert_eq!(r.meta.when.offset_secs, -8 * 3600);
    assert_eq!(
        r.meta.when.local().to_rfc3339(),
        "2026-03-01T23:30:00-08:00"
    );
    let d1 = j.day("2026-03-01".parse().unwrap()).unwrap();
    let d2 = j.day("2026-03-02".parse().unwrap()).unwrap();
    assert_eq!(d1.reflections.len(), 1);
    assert!(d2.is_empty());
}

#[test]
fn edits_keep_creation_time_and_move_the_search_index() {
    let (_d, mut j, _k) = fresh();
    let p = j
        .add_purpose(NewPurpose {
            title: "Orchestra".into(),
            ..Default::default()
        })
        .unwrap();
    let mut p2 = p.clone();
    p2.title = "Choir".into();
    let p3 = j.update_purpose(&p2).unwrap();
    assert_eq!(p3.meta.created_at, p.meta.created_at);
    assert!(p3.meta.updated_at >= p.meta.updated_at);
    assert!(j.search("orch", 10).unwrap().is_empty());
    assert_eq!(j.search("cho", 10).unwrap().len(), 1);
    j.delete_purpose(p.meta.id).unwrap();
    assert!(j.search("cho", 10).unwrap().is_empty());
    assert_eq!(j.purpose(p.meta.id).unwrap_err().kind(), "not_found");
}

#[test]
fn search_matches_word_starts_and_highlights_them() {
    let (_d, mut j, _k) = fresh();
    j.add_reflection(NewReflection {
        text: Some("Übung macht den Meister; practising arpeggios daily".into()),
        ..Default::default()
    })
    .unwrap();
    j.add_reflection(NewReflection {
        text: Some("Nothing about music".into()),
        ..Default::default()
    })
    .unwrap();
    let hits = j.search("ubu arp", 10).unwrap();
    assert_eq!(
        hits.len(),
        1,
        "diacritics are folded and each word is a prefix"
    );
    let h = &hits[0];
    let marked: Vec<&str> = h
        .highlights
        .iter()
        .map(|[a, b]| &h.snippet[*a..*b])
        .collect();
    assert!(
        marked.contains(&"Übung") && marked.contains(&"arpeggios"),
        "{marked:?}"
    );
    assert!(
        j.search("\"*)(", 10).unwrap().is_empty(),
        "syntax characters are not FTS syntax"
    );
    assert!(j.search("mus", 10).unwrap().len() == 1);
}

#[test]
fn ids_resolve_from_their_start_or_end() {
    let (_d, mut j, _k) = fresh();
    let a = j
        .add_purpose(NewPurpose {
            title: "A".into(),
            ..Default::default()
        })
        .unwrap();
    let b = j
        .add_purpose(NewPurpose {
            title: "B".into(),
            ..Default::default()
        })
        .unwrap();
    let sa = a.meta.id.to_string();
    assert_eq!(
        j.resolve_id(Kind::Purpose, &sa[sa.len() - 8..]).unwrap(),
        a.meta.id
    );
    assert_eq!(j.resolve_id(Kind::Purpose, &sa).unwrap(), a.meta.id);
    // Two ids made in the same moment share their first characters.
    let common: String = sa
        .chars()
        .zip(b.meta.id.to_string().chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect();
    if common.len() >= 4 {
        assert_eq!(
            j.resolve_id(Kind::Purpose, &common).unwrap_err().kind(),
            "ambiguous"
        );
    }
    assert_eq!(
        j.resolve_id(Kind::Purpose, "ffffffff").unwrap_err().kind(),
        "not_found"
    );
    assert_eq!(
        j.resolve_id(Kind::Purpose, "ab").unwrap_err().kind(),
        "invalid"
    );
    assert_eq!(
        j.resolve_id(Kind::Purpose, "%%%%").unwrap_err().kind(),
        "invalid"
    );
}

#[test]
fn links_to_missing_items_write_nothing() {
    let (_d, mut j, _k) = fresh();
    let e = j
        .add_reflection(NewReflection {
            text: Some("x".into()),
            purpose_ids: vec![Id::new()],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), "not_found");
    assert!(
        j.reflections().unwrap().is_empty(),
        "the failed transaction left no reflection"
    );
    assert!(j.search("x", 10).unwrap().is_empty());
}

#[test]
fn a_challenge_with_sessions_cannot_be_deleted() {
    let (_d, mut j, _k) = fresh();
    let c = j
        .add_challenge(NewChallenge {
            skill: "Juggling".into(),
            ..Default::default()
        })
        .unwrap();
    let s = j
        .add_session(NewSession {
            challenge_id: Some(c.meta.id),
            ..Default::default()
        })
        .unwrap();
    assert!(
        j.delete_challenge(c.meta.id)
            .unwrap_err()
            .to_string()
            .contains("1 practice session")
    );
    j.delete_session(s.meta.id).unwrap();
    j.delete_challenge(c.meta.id).unwrap();
}

#[test]
fn no_keyring_means_no_journal_and_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let e = Journal::create(&path, CreateOptions::keyring(), &NoKeyStore).unwrap_err();
    assert_eq!(e.kind(), "no_keyring");
    assert!(!path.exists());
}

#[test]
fn a_forgotten_key_needs_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let keys = MemoryKeyStore::new();
    let created = Journal::create(&path, CreateOptions::keyring(), &keys).unwrap();
    let rk = created.recovery_key.display_dangerously().to_string();
    created.journal.forget_keyring_entry(&keys).unwrap();
    drop(created);
    assert_eq!(
        Journal::open(&path, Unlock::Keyring, &keys)
            .unwrap_err()
            .kind(),
        "key_missing"
    );
    Journal::open(&path, Unlock::RecoveryKey(rk.clone()), &keys).unwrap();
    Journal::restore_to_keyring(&path, &rk, &keys).unwrap();
    Journal::open(&path, Unlock::Keyring, &keys).unwrap();
}

#[test]
fn passphrase_journals_refuse_short_passphrases_and_open_with_the_right_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let keys = NoKeyStore;
    let short = CreateOptions {
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
        ..CreateOptions::passphrase(Passphrase::new("short".into()))
    };
    // The store applies the one passphrase policy (usecase::policy) whichever door is used.
    let e = Journal::create(&path, short, &keys).unwrap_err();
    assert!(e.to_string().contains("at least 8 characters"), "{e}");
    assert_eq!(e.field_at_fault(), Some(Field::Passphrase));
    assert!(
        !path.exists(),
        "nothing is made behind a refused passphrase"
    );
    let opts = CreateOptions {
        kdf: KdfParams {
            m_kib: 256,
            t: 1,
            p: 1,
        },
        ..CreateOptions::passphrase(Passphrase::new("long enough words".into()))
    };
    Journal::create(&path, opts, &keys).unwrap();
    assert_eq!(Journal::key_mode(&path).unwrap(), KeyMode::Passphrase);
    assert_eq!(
        Journal::open(&path, Unlock::Keyring, &keys)
            .unwrap_err()
            .kind(),
        "passphrase_needed"
    );
    assert_eq!(
        Journal::open(
            &path,
            Unlock::Passphrase(Passphrase::new("long enough wordz".into())),
            &keys
        )
        .unwrap_err()
        .kind(),
        "wrong_key"
    );
    Journal::open(
        &path,
        Unlock::Passphrase(Passphrase::new("long enough words".into())),
        &keys,
    )
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any text a person writes comes back exactly (after trimming), and is findable.
    #[test]
    fn reflection_text_round_trips(text in "[^\u{0}]{1,400}", tag in "[a-z]{1,12}") {
        let (_d, mut j, _k) = fresh();
        prop_assume!(!text.trim().is_empty());
        let r = j.add_reflection(NewReflection { text: Some(text.clone()), tags: vec![tag.clone()], ..Default::default() }).unwrap();
        let back = j.reflection(r.meta.id).unwrap();
        prop_assert_eq!(back.text.as_deref(), Some(text.trim()));
        prop_assert_eq!(back.tags, vec![tag.clone()]);
        prop_assert!(!j.search(&tag, 5).unwrap().is_empty());
    }

    /// Session numbers survive the store exactly, or are refused with a sentence.
    #[test]
    fn session_numbers_round_trip_or_are_refused(
        attempts in proptest::option::of(0u32..1000),
        successes in proptest::option::of(0u32..1000),
        perf in proptest::option::of(-1e9f64..1e9),
        effort in proptest::option::of(0u8..15),
    ) {
        let (_d, mut j, _k) = fresh();
        let c = j.add_challenge(NewChallenge { skill: "s".into(), ..Default::default() }).unwrap();
        let data = SessionData { attempts, successes, performance: perf, effort, ..Default::default() };
        match j.add_session(NewSession { challenge_id: Some(c.meta.id), data: data.clone(), ..Default::default() }) {
            Ok(s) => prop_assert_eq!(j.session(s.meta.id).unwrap().data, data),
            Err(e) => {
                prop_assert_eq!(e.kind(), "invalid");
                prop_assert!(j.sessions(None).unwrap().is_empty());
            }
        }
    }
}

fn challenge_with_sessions(
    j: &mut Journal,
    higher: bool,
    perf: impl Fn(f64) -> f64,
    n: usize,
) -> Id {
    let c = j
        .add_challenge(NewChallenge {
            skill: "Typing".into(),
            measure: Measure {
                name: Some("speed".into()),
                unit: Some("wpm".into()),
                higher_is_better: higher,
            },
            difficulty: Some(10.0),
            ..Default::default()
        })
        .unwrap();
    let start = DateTime::parse_from_rfc3339("2026-01-01T07:00:00+00:00").unwrap();
    let sessions = (0..n)
        .map(|i| NewSession {
            challenge_id: Some(c.meta.id),
            data: SessionData {
                duration_min: Some(20.0),
                performance: Some(perf(i as f64 / 3.0) + [0.3, -0.2, 0.1, -0.4][i % 4]),
                attempts: Some(10),
                successes: Some(if i % 2 == 0 { 3 } else { 4 }),
                difficulty: Some(10.0),
                challenge_rating: Some(1 + (i % 9) as u8),
                skill_rating: Some(1 + (i * 5 % 9) as u8),
                ..Default::default()
            },
            when: Some(start + chrono::Duration::days(i as i64)),
            ..Default::default()
        })
        .collect();
    j.add_sessions(sessions).unwrap();
    c.meta.id
}

#[test]
fn progress_recovers_a_rising_curve_and_calls_a_hard_challenge_too_hard() {
    let (_d, mut j, _k) = fresh();
    // Speed rises toward 80 wpm: x is hours (20 min a session).
    let id = challenge_with_sessions(&mut j, true, |h| 80.0 - 50.0 * (-0.4 * h).exp(), 30);
    let p = j.progress(id, None).unwrap();
    assert_eq!(p.axis, PracticeAxis::Hours);
    assert!(
        (p.points[1].x - 1.0 / 3.0).abs() < 1e-9,
        "x is practice before the session"
    );
    let fit = p.fit.as_ref().expect("a clear rising curve");
    assert!(
        (fit.asymptote - 80.0).abs() < 3.0,
        "asymptote {}",
        fit.asymptote
    );
    assert!(p.explanation.iter().any(|s| s.contains("ceiling")));
    // 35 % success against an 85 % target: too hard, so the staircase eases off.
    let cal = &p.calibration;
    let cl = cal.classification.as_ref().unwrap();
    assert_eq!(cl.zone, science::goldilocks::Zone::TooHard);
    assert!(cal.suggested_difficulty.unwrap() < 10.0);
    assert!(
        cal.explanation
            .iter()
            .any(|s| s.contains("lower the difficulty"))
    );
    assert!(matches!(
        cal.flow,
        Some(science::goldilocks::FlowReading::Channel { .. })
    ));
    // The chart is an SVG document naming the skill.
    assert!(p.svg().contains("Typing"));
}

#[test]
fn progress_refuses_flat_and_worsening_data() {
    let (_d, mut j, _k) = fresh();
    let flat = challenge_with_sessions(&mut j, true, |_| 50.0, 20);
    let p = j.progress(flat, None).unwrap();
    assert!(p.fit.is_none(), "never a fake curve");
    assert!(p.refusal.is_some());
    let worse = challenge_with_sessions(&mut j, true, |h| 30.0 + 50.0 * (-0.4 * h).exp(), 20);
    let p = j.progress(worse, None).unwrap();
    assert!(p.fit.is_none());
    assert!(
        matches!(
            p.refusal,
            Some(science::curves::Refusal::WrongDirection { .. })
        ),
        "{:?}",
        p.refusal
    );
    assert_eq!(
        j.progress_all(Some(PracticeAxis::Sessions)).unwrap().len(),
        2
    );
}

/// Rewrites one field of a journal's key envelope, as a hand edit or a flipped bit would.
fn edit_envelope(dir: &std::path::Path, field: &str, edit: impl FnOnce(&str) -> String) {
    let path = dir.join("journal.meta.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let old = v[field].as_str().unwrap().to_string();
    v[field] = edit(&old).into();
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn flip_last_hex(s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    let last = c.last_mut().unwrap();
    *last = if *last == '0' { '1' } else { '0' };
    c.into_iter().collect()
}

#[test]
fn an_edited_key_envelope_reads_as_damaged_not_as_a_wrong_or_missing_key() {
    for field in ["key_check", "journal_id"] {
        for passphrase in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let j = dir.path().join("j");
            let keys = MemoryKeyStore::new();
            let opts = if passphrase {
                let mut o = CreateOptions::passphrase(Passphrase::new("correct horse".into()));
                o.kdf = KdfParams {
                    m_kib: 64,
                    t: 1,
                    p: 1,
                };
                o
            } else {
                CreateOptions::keyring()
            };
            drop(Journal::create(&j, opts, &keys).unwrap());
            edit_envelope(&j, field, flip_last_hex);
            let unlock = if passphrase {
                Unlock::Passphrase(Passphrase::new("correct horse".into()))
            } else {
                Unlock::Keyring
            };
            let e = Journal::open(&j, unlock, &keys).unwrap_err();
            assert_eq!(
                e.kind(),
                "bad_metadata",
                "{field}, passphrase {passphrase}: {e}"
            );
            assert!(
                e.to_string().contains("key envelope") && e.to_string().contains("damaged"),
                "{field}: {e}"
            );
        }
    }
}

/// A small tmpfs mounted for one test and unmounted when dropped: a real full disk or a
/// real read-only file system. Mounting needs root, which CI has; elsewhere the test fails
/// saying so rather than passing without having run.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let uid = std::process::Command::new("id").arg("-u").output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&uid.stdout).trim(),
            "0",
            "this test mounts a tmpfs and needs root (CI runs as root); run it as root"
        );
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount -t tmpfs failed");
        Tmpfs(dir)
    }
    fn path(&self) -> &std::path::Path {
        self.0.path()
    }
    fn remount(&self, opts: &str) {
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(self.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {opts} failed");
    }
    /// Fills the file system to the last block.
    fn fill(&self) {
        let _ = std::process::Command::new("dd")
            .args(["if=/dev/zero", "bs=4096"])
            .arg(format!("of={}", self.path().join("filler").display()))
            .stderr(std::process::Stdio::null())
            .status();
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn init_on_a_full_disk_says_the_disk_is_full_and_leaves_nothing_behind() {
    let fs = Tmpfs::mount("256k");
    fs.fill();
    let j = fs.path().join("j");
    std::fs::create_dir(&j).unwrap_or(());
    let e = Journal::create(&j, CreateOptions::keyring(), &MemoryKeyStore::new()).unwrap_err();
    assert_eq!(e.kind(), "disk_full", "{e}");
    assert!(
        e.to_string().contains("disk") && e.to_string().contains("full"),
        "{e}"
    );
    assert!(!e.to_string().contains("Error code"), "{e}");
    assert_eq!(
        names_in(&j),
        Vec::<String>::new(),
        "nothing left in the folder"
    );
}

#[test]
fn a_write_on_a_full_disk_says_the_disk_is_full() {
    let fs = Tmpfs::mount("2m");
    let keys = MemoryKeyStore::new();
    let mut j = Journal::create(&fs.path().join("j"), CreateOptions::keyring(), &keys)
        .unwrap()
        .journal;
    fs.fill();
    let big = "x".repeat(512 * 1024);
    let e = j
        .add_purpose(NewPurpose {
            title: "big".into(),
            why: Some(big),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), "disk_full", "{e}");
    assert!(e.to_string().contains("full"), "{e}");
    assert!(!e.to_string().contains("Error code"), "{e}");
}

#[test]
fn a_read_only_data_folder_is_reported_as_read_only_not_damaged() {
    let fs = Tmpfs::mount("4m");
    let keys = MemoryKeyStore::new();
    let dir = fs.path().join("j");
    drop(Journal::create(&dir, CreateOptions::keyring(), &keys).unwrap());
    fs.remount("ro");
    let e = Journal::open(&dir, Unlock::Keyring, &keys).unwrap_err();
    assert_eq!(e.kind(), "read_only", "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    assert!(!e.to_string().contains("damaged"), "{e}");
}
