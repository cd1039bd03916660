//! Tests of the manager's space across its parts: two journals, a person's and their
//! manager's, with real signatures and age encryption between them.

#![allow(clippy::unwrap_used)]
use chrono::NaiveDate;

use crate::domain::Id;
use crate::export::{Bundle, Selection};
use crate::journal::CreateOptions;
use crate::journal::Journal;
use crate::keystore::MemoryKeyStore;
use crate::protect::{self, AgeIdentity, AgeUnlock, PublicKey, Recipient, protect_export};
use crate::{NewChallenge, NewReflection, NewSession, SessionData};
use chrono::TimeZone;

const CANARY: &str = "quokkazanzibar";

struct Two {
    _dir: tempfile::TempDir,
    person: Journal,
    manager: Journal,
    keys: MemoryKeyStore,
}

fn at(day: u32, hour: u32) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    Some(
        chrono::FixedOffset::east_opt(2 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 3, day, hour, 0, 0)
            .unwrap(),
    )
}

fn two() -> Two {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut person = Journal::create(&dir.path().join("p"), CreateOptions::keyring(), &keys)
        .unwrap()
        .journal;
    let manager = Journal::create(&dir.path().join("m"), CreateOptions::keyring(), &keys)
        .unwrap()
        .journal;
    let c = person
        .add_challenge(NewChallenge {
            skill: "Code review".into(),
            when: at(2, 8),
            ..Default::default()
        })
        .unwrap();
    for d in 2..=4 {
        person
            .add_session(NewSession {
                challenge_id: Some(c.meta.id),
                data: SessionData {
                    duration_min: Some(30.0),
                    performance: Some(40.0 - f64::from(d)),
                    ..Default::default()
                },
                private: false,
                when: at(d, 9),
            })
            .unwrap();
    }
    person
        .add_reflection(NewReflection {
            text: Some("Shared: reviews got calmer".into()),
            private: false,
            when: at(3, 18),
            ..Default::default()
        })
        .unwrap();
    person
        .add_reflection(NewReflection {
            text: Some(format!("Private: {CANARY}")),
            private: true,
            when: at(3, 19),
            ..Default::default()
        })
        .unwrap();
    Two {
        _dir: dir,
        person,
        manager,
        keys,
    }
}

fn bundle_json(t: &Two) -> String {
    let mut sel = Selection::new(
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    );
    sel.agenda = vec!["Can I lead the next review?".into()];
    t.person.build_bundle(&sel).unwrap().to_json().unwrap()
}

fn counts(j: &Journal) -> (i64, i64, i64) {
    let q = |t: &str| -> i64 {
        j.conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (q("mgr_people"), q("mgr_trusted_keys"), q("mgr_bundles"))
}

fn trust_person(t: &mut Two) -> PublicKey {
    let (pk, created) = protect::journal_public_key(&t.person, &t.keys).unwrap();
    assert!(created);
    t.manager.manager_add_person("Ada").unwrap();
    t.manager.manager_trust_key("ada", &pk).unwrap();
    pk
}

#[test]
fn an_encrypted_signed_bundle_imports_and_reads_as_a_timeline() {
    let mut t = two();
    let pk = trust_person(&mut t);
    let id = age::x25519::Identity::generate();
    let secret = {
        use age::secrecy::ExposeSecret;
        id.to_string().expose_secret().to_string()
    };
    let json = bundle_json(&t);
    let p = protect_export(
        &t.person,
        &t.keys,
        json.as_bytes(),
        true,
        Some(&Recipient::AgeKey(id.to_public())),
    )
    .unwrap();
    assert!(p.encrypted);
    let unlock = AgeUnlock::Identity(AgeIdentity::parse(&secret).unwrap());
    let b = t
        .manager
        .manager_import(
            "ADA",
            &p.bytes,
            p.signature.as_deref().unwrap(),
            Some(&unlock),
        )
        .unwrap();
    assert_eq!(b.signer_key_id, pk.key_id);
    let parsed = Bundle::from_json(&json).unwrap();
    assert_eq!(b.items, parsed.item_ids().len());
    assert_eq!(
        (
            parsed.challenges.len(),
            parsed.sessions.len(),
            parsed.reflections.len()
        ),
        (1, 3, 1),
        "a challenge, three sessions, one shared reflection"
    );
    let tl = t.manager.manager_timeline("Ada").unwrap();
    let days: Vec<String> = tl.days.iter().map(|d| d.day.to_string()).collect();
    assert_eq!(days, ["2026-03-02", "2026-03-03", "2026-03-04"]);
    // Each item keeps the person's offset, to show their own clock time.
    assert!(
        tl.days
            .iter()
            .flat_map(|d| &d.items)
            .all(|i| i.offset_secs == 2 * 3600)
    );
    // Fields, not sentences: the person's words as they wrote them, the figures as numbers.
    let reflection = tl.days[1]
        .items
        .iter()
        .find(|i| i.kind == crate::Kind::Reflection)
        .unwrap();
    assert_eq!(
        reflection.title.as_deref(),
        Some("Shared: reviews got calmer")
    );
    let session = tl.days[0]
        .items
        .iter()
        .find(|i| i.kind == crate::Kind::Session)
        .unwrap();
    assert_eq!(session.title.as_deref(), Some("Code review"));
    let figures = session.practice.as_ref().unwrap();
    assert_eq!(
        (figures.duration_min, figures.performance, figures.feedback),
        (Some(30.0), Some(38.0), 0)
    );
    assert!(session.ratings.is_none() && reflection.practice.is_none());
    assert!(!serde_json::to_string(&tl).unwrap().contains(CANARY));
    // The same file twice is refused; a second, newer bundle dedupes items.
    let e = t
        .manager
        .manager_import(
            "Ada",
            &p.bytes,
            p.signature.as_deref().unwrap(),
            Some(&unlock),
        )
        .unwrap_err();
    assert!(e.to_string().contains("already imported"), "{e}");
    let p2 = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
    t.manager
        .manager_import("Ada", &p2.bytes, p2.signature.as_deref().unwrap(), None)
        .unwrap();
    let tl2 = t.manager.manager_timeline("Ada").unwrap();
    assert_eq!(tl2.bundles.len(), 2);
    let n: usize = tl2.days.iter().map(|d| d.items.len()).sum();
    assert_eq!(n, 5, "items in two bundles appear once");
    let ag = t.manager.agenda("Ada", false).unwrap();
    assert_eq!(ag.their_questions, ["Can I lead the next review?"]);
    // A received bundle reads back whole, as it was verified; an unknown id is not found.
    let whole = t.manager.manager_bundle("ada", b.id).unwrap();
    assert_eq!(whole.item_ids(), parsed.item_ids());
    assert_eq!(whole.agenda, parsed.agenda);
    assert_eq!(
        t.manager
            .manager_bundle("Ada", Id::new())
            .unwrap_err()
            .kind(),
        "not_found"
    );
}

#[test]
fn tampered_foreign_and_malformed_files_are_refused_and_nothing_is_written() {
    let mut t = two();
    trust_person(&mut t);
    let json = bundle_json(&t);
    let good = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
    let sig = good.signature.clone().unwrap();
    let before = counts(&t.manager);

    let mut flipped = good.bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x01;
    let e = t
        .manager
        .manager_import("Ada", &flipped, &sig, None)
        .unwrap_err();
    assert!(e.to_string().contains("changed after it was signed"), "{e}");
    assert!(e.to_string().ends_with("nothing was imported."), "{e}");
    // The signature check on its own says the same, and passes the real file.
    let e = t
        .manager
        .manager_check_signature("Ada", &flipped, &sig)
        .unwrap_err();
    assert!(e.to_string().contains("changed after it was signed"), "{e}");
    assert!(
        t.manager
            .manager_check_signature("Ada", &good.bytes, &sig)
            .is_ok()
    );

    // Signed by someone else's journal key.
    let other = crate::protect::SigningKey::generate().unwrap();
    let foreign_sig = other.sign(json.as_bytes(), "x").unwrap();
    let e = t
        .manager
        .manager_import("Ada", json.as_bytes(), &foreign_sig, None)
        .unwrap_err();
    assert!(e.to_string().contains("unknown key"), "{e}");

    // Another person's trusted key, used for Ada.
    t.manager.manager_add_person("Bob").unwrap();
    t.manager
        .manager_trust_key("Bob", &other.public_key().unwrap())
        .unwrap();
    let before = (before.0 + 1, before.1 + 1, before.2);
    let e = t
        .manager
        .manager_import("Ada", json.as_bytes(), &foreign_sig, None)
        .unwrap_err();
    assert!(e.to_string().contains("Bob's key"), "{e}");

    // Valid signature, malformed content.
    let (ada_key, _) =
        crate::protect::SigningKey::load(&t.keys, &t.person.status().unwrap().journal_id, false)
            .unwrap();
    for bad in [
        "{\"format\":\"asymptote-bundle\",\"version\":1}".to_string(),
        "not json at all".to_string(),
        json.replace("asymptote-bundle", "other-bundle"),
    ] {
        let s = ada_key.sign(bad.as_bytes(), "x").unwrap();
        let e = t
            .manager
            .manager_import("Ada", bad.as_bytes(), &s, None)
            .unwrap_err();
        assert!(e.to_string().ends_with("nothing was imported."), "{e}");
    }
    let e = t
        .manager
        .manager_import("Ada", &good.bytes, "garbage", None)
        .unwrap_err();
    assert!(e.to_string().contains("not a minisign signature"), "{e}");
    assert_eq!(counts(&t.manager), before, "nothing was written");
}

#[test]
fn the_agenda_carries_open_points_forward_until_closed() {
    let mut t = two();
    t.manager.manager_add_person("Ada").unwrap();
    let p1 = t.manager.agenda_add_point("Ada", "Career goals").unwrap();
    let p2 = t.manager.agenda_add_point("Ada", "On-call load").unwrap();
    let due = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let a = t
        .manager
        .agenda_add_action("Ada", "Book the course", "Ada", due)
        .unwrap();
    assert_eq!(a.owner.as_deref(), Some("Ada"));
    t.manager.agenda_add_note("Ada", "Seemed tired").unwrap();
    let ag = t.manager.agenda("Ada", false).unwrap();
    assert_eq!(ag.points.len(), 2);
    assert_eq!(ag.actions.len(), 1);
    assert_eq!(ag.notes.len(), 1);
    // A one-on-one is held: both open points carry forward to the next one.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let held = t
        .manager
        .agenda_held("Ada", NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
        .unwrap();
    assert_eq!(held.last_held, NaiveDate::from_ymd_opt(2026, 3, 10));
    assert_eq!(
        held.points.iter().map(|p| p.carried).collect::<Vec<_>>(),
        [1, 1]
    );
    // Marking the same day again is one one-on-one, not two.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let again = t
        .manager
        .agenda_held("Ada", NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
        .unwrap();
    assert_eq!(
        again.points.iter().map(|p| p.carried).collect::<Vec<_>>(),
        [1, 1]
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    let p3 = t.manager.agenda_add_point("Ada", "New this week").unwrap();
    assert_eq!(p3.carried, 0);
    let s = p1.id.to_string();
    let closed = t.manager.agenda_close("Ada", &s[s.len() - 6..]).unwrap();
    assert!(closed.closed_at.is_some());
    let ag = t.manager.agenda("Ada", false).unwrap();
    let open: Vec<(Id, u32)> = ag.points.iter().map(|p| (p.id, p.carried)).collect();
    assert_eq!(open, [(p2.id, 1), (p3.id, 0)], "open points carry forward");
    assert!(ag.closed.is_empty());
    assert_eq!(t.manager.agenda("Ada", true).unwrap().closed.len(), 1);
    assert!(t.manager.agenda_close("Ada", "zz").is_err());
    assert!(t.manager.agenda_add_point("Ada", "   ").is_err());
    assert!(t.manager.agenda("Nobody", false).is_err());
    assert!(
        t.manager.manager_add_person("ADA").is_err(),
        "names are unique"
    );
}

#[test]
fn a_key_speaks_for_one_person_and_no_export_reads_manager_tables() {
    let mut t = two();
    let pk = trust_person(&mut t);
    t.manager.manager_add_person("Bob").unwrap();
    let e = t.manager.manager_trust_key("Bob", &pk).unwrap_err();
    assert!(e.to_string().contains("already trusted for Ada"), "{e}");
    // Trusting the same key again for the same person is idempotent.
    t.manager.manager_trust_key("Ada", &pk).unwrap();
    // The manager's notes never appear in the manager's own exports either.
    t.manager.agenda_add_note("Ada", CANARY).unwrap();
    let sel = Selection::new(
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2100, 1, 1).unwrap(),
    );
    let json = t.manager.build_bundle(&sel).unwrap().to_json().unwrap();
    assert!(!json.contains(CANARY));
}

/// A manager's journal with something in every table: Ada, her key, one bundle imported,
/// a point closed, an action open, a note, a one-on-one held, and Cy with nothing yet.
fn full() -> Two {
    let mut t = two();
    trust_person(&mut t);
    let json = bundle_json(&t);
    let p = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
    t.manager
        .manager_import("Ada", &p.bytes, p.signature.as_deref().unwrap(), None)
        .unwrap();
    let point = t.manager.agenda_add_point("Ada", "Career goals").unwrap();
    t.manager
        .agenda_close("Ada", &point.id.to_string())
        .unwrap();
    let due = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    t.manager
        .agenda_add_action("Ada", "Book the course", "Ada", due)
        .unwrap();
    t.manager.agenda_add_note("Ada", "Seemed tired").unwrap();
    t.manager
        .agenda_held("Ada", NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
        .unwrap();
    t.manager.manager_add_person("Cy").unwrap();
    t
}

type Read = fn(&Journal) -> crate::Result<()>;

fn read_ada(j: &Journal) -> crate::Result<()> {
    j.manager_person("Ada").map(drop)
}
fn read_people(j: &Journal) -> crate::Result<()> {
    j.manager_people().map(drop)
}
fn read_cy(j: &Journal) -> crate::Result<()> {
    j.manager_person("Cy").map(drop)
}
fn read_bundles(j: &Journal) -> crate::Result<()> {
    j.manager_bundles("Ada").map(drop)
}
fn read_timeline(j: &Journal) -> crate::Result<()> {
    j.manager_timeline("Ada").map(drop)
}
fn read_agenda(j: &Journal) -> crate::Result<()> {
    j.agenda("Ada", true).map(drop)
}

/// Each case plants one bad value with raw SQL in a fresh journal, then reads: the read
/// that worked before planting must now fail with the store's error, not a default.
fn each_bad_value_is_an_error(cases: &[(&str, &str, Read)]) {
    for (case, plant, read) in cases {
        let t = full();
        read(&t.manager).unwrap_or_else(|e| panic!("{case}: reads before planting: {e}"));
        t.manager.conn.execute_batch(plant).unwrap();
        let e = read(&t.manager).expect_err(case);
        assert_eq!(e.kind(), "database", "{case}: {e}");
        assert!(
            e.to_string()
                .contains("a stored value had an unexpected form"),
            "{case}: {e}"
        );
    }
}

#[test]
fn a_bad_stored_time_is_an_error_not_1970() {
    each_bad_value_is_an_error(&[
        (
            "a person added at",
            "UPDATE mgr_people SET created_at = 'yesterday' WHERE name = 'Ada'",
            read_ada,
        ),
        (
            "a person added at, in the list",
            "UPDATE mgr_people SET created_at = '' WHERE name = 'Cy'",
            read_people,
        ),
        (
            "a key trusted at",
            "UPDATE mgr_trusted_keys SET added_at = '2026-13-45T00:00:00Z'",
            read_ada,
        ),
        (
            "a bundle received at",
            "UPDATE mgr_bundles SET received_at = 'last week'",
            read_bundles,
        ),
        (
            "a bundle received at, on the timeline",
            "UPDATE mgr_bundles SET received_at = 'last week'",
            read_timeline,
        ),
        (
            "an agenda item made at",
            "UPDATE mgr_agenda SET created_at = 'soon' WHERE kind = 'note'",
            read_agenda,
        ),
        (
            "an agenda item closed at",
            "UPDATE mgr_agenda SET closed_at = 'later' WHERE closed_at IS NOT NULL",
            read_agenda,
        ),
    ]);
}

#[test]
fn a_bad_stored_id_is_an_error_not_a_fresh_one() {
    // Cy has no rows pointing at him, so his id can change without a foreign key objecting.
    each_bad_value_is_an_error(&[
        (
            "a person's id",
            "UPDATE mgr_people SET id = 'not-an-id' WHERE name = 'Cy'",
            read_cy,
        ),
        (
            "an agenda item's id",
            "UPDATE mgr_agenda SET id = 'not-an-id' WHERE kind = 'action'",
            read_agenda,
        ),
        (
            "a bundle's id",
            "UPDATE mgr_bundles SET id = 'bundle-1'",
            read_bundles,
        ),
    ]);
}

#[test]
fn other_bad_stored_values_are_errors_too() {
    each_bad_value_is_an_error(&[
        (
            "an action's due day",
            "UPDATE mgr_agenda SET due = 'Friday' WHERE kind = 'action'",
            read_agenda,
        ),
        (
            "the day a one-on-one was held",
            "UPDATE mgr_meetings SET held_on = 'Tuesday'",
            read_agenda,
        ),
        (
            "the first day of a bundle's period",
            "UPDATE mgr_bundles SET period_from = 'March'",
            read_bundles,
        ),
        (
            "an agenda item's kind (past the CHECK, as a damaged file could be)",
            "PRAGMA ignore_check_constraints = ON;
             UPDATE mgr_agenda SET kind = 'memo' WHERE kind = 'note';",
            read_agenda,
        ),
        (
            "a stored bundle",
            "UPDATE mgr_bundles SET bundle_json = '{}'",
            read_timeline,
        ),
    ]);
}

#[test]
fn every_kind_reaches_the_timeline_as_fields_in_the_persons_own_words() {
    use crate::{FourTs, Kind, NewAuditItem, NewCheckin, NewPurpose};
    let mut t = two();
    trust_person(&mut t);
    t.person
        .add_purpose(NewPurpose {
            title: "Ship safely".into(),
            whom: Some("the on-call team".into()),
            when: at(5, 8),
            ..Default::default()
        })
        .unwrap();
    t.person
        .add_checkin(NewCheckin {
            ratings: FourTs {
                task: 5,
                time: 4,
                technique: 3,
                team: 2,
            },
            note: Some("A calmer week".into()),
            private: false,
            when: at(5, 9),
        })
        .unwrap();
    let audit = t
        .person
        .add_audit_item(NewAuditItem {
            description: "Bonus for closed tickets".into(),
            when: at(5, 10),
            ..Default::default()
        })
        .unwrap();
    // Blank lines first, then a line longer than an entry shows.
    let long = "word ".repeat(40);
    t.person
        .add_reflection(NewReflection {
            text: Some(format!("\n  \n{long}\nsecond line")),
            private: false,
            when: at(5, 11),
            ..Default::default()
        })
        .unwrap();
    let mut sel = Selection::new(
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    );
    sel.picked = vec![audit.meta.id];
    let json = t.person.build_bundle(&sel).unwrap().to_json().unwrap();
    let p = protect_export(&t.person, &t.keys, json.as_bytes(), true, None).unwrap();
    t.manager
        .manager_import("Ada", &p.bytes, p.signature.as_deref().unwrap(), None)
        .unwrap();
    let tl = t.manager.manager_timeline("Ada").unwrap();
    let day = tl.days.last().unwrap();
    assert_eq!(day.day.to_string(), "2026-03-05");
    let kinds: Vec<Kind> = day.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Purpose,
            Kind::Checkin,
            Kind::AuditItem,
            Kind::Reflection
        ]
    );
    let fields: Vec<(Option<&str>, Option<&str>)> = day
        .items
        .iter()
        .map(|i| (i.title.as_deref(), i.detail.as_deref()))
        .collect();
    let cut = format!("{}…", &long.trim()[..160]);
    assert_eq!(
        fields,
        [
            (Some("Ship safely"), Some("the on-call team")),
            (None, Some("A calmer week")),
            (Some("Bonus for closed tickets"), None),
            (Some(cut.as_str()), None),
        ]
    );
    assert_eq!(
        day.items[1].ratings,
        Some(FourTs {
            task: 5,
            time: 4,
            technique: 3,
            team: 2
        })
    );
    // No English of the core's in any item: the kinds are names, the rest is theirs.
    let out = serde_json::to_string(&tl.days).unwrap();
    for word in [
        "Purpose:",
        "Practice:",
        "Reflection:",
        "check-in:",
        "Motivation audit:",
    ] {
        assert!(!out.contains(word), "{word} in {out}");
    }
}

/// A signed bundle whose items break the rules a typed item must keep is refused like a
/// typed one would be, and nothing is stored.
#[test]
fn received_items_are_held_to_the_rules_of_typed_ones() {
    let mut t = two();
    trust_person(&mut t);
    let json = bundle_json(&t);
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 4] = [
        (
            "successes > attempts",
            |b| {
                b["sessions"][0]["attempts"] = 3.into();
                b["sessions"][0]["successes"] = 9.into();
            },
            "successes cannot exceed attempts",
        ),
        (
            "a duration of -1e308",
            |b| b["sessions"][0]["duration_min"] = (-1e308).into(),
            "duration",
        ),
        (
            "a session difficulty of -1e308",
            |b| b["sessions"][0]["difficulty"] = (-1e308).into(),
            "difficulty",
        ),
        (
            "a challenge difficulty of -1e308",
            |b| b["challenges"][0]["challenge"]["difficulty"] = (-1e308).into(),
            "difficulty",
        ),
    ];
    for (what, edit, words) in cases {
        let mut b: serde_json::Value = serde_json::from_str(&json).unwrap();
        edit(&mut b);
        let bad = serde_json::to_string(&b).unwrap();
        let p = protect_export(&t.person, &t.keys, bad.as_bytes(), true, None).unwrap();
        let before = counts(&t.manager);
        let e = t
            .manager
            .manager_import("Ada", &p.bytes, p.signature.as_deref().unwrap(), None)
            .expect_err(what);
        assert!(e.to_string().contains(words), "{what}: {e}");
        assert!(
            e.to_string().ends_with("nothing was imported."),
            "{what}: {e}"
        );
        assert_eq!(counts(&t.manager), before, "{what}: nothing stored");
    }
}
