//! The generic path's own tests: the schema and [`Stored`]'s columns agree, the SQL it
//! writes, and child rows read for many owners (through an index, in chunks) come back
//! exactly as one by one.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::{CreateOptions, MemoryKeyStore, NewChallenge, NewReflection, NewSession};

fn journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::create(
        &dir.path().join("j"),
        CreateOptions::keyring(),
        &MemoryKeyStore::new(),
    )
    .unwrap()
    .journal;
    (dir, j)
}

/// What the generic code knows of each item table.
fn table<T: Stored>() -> (Kind, i64, &'static [&'static str]) {
    (T::KIND, T::SEARCH_CODE, T::COLUMNS)
}

fn tables() -> [(Kind, i64, &'static [&'static str]); 6] {
    [
        table::<Purpose>(),
        table::<Challenge>(),
        table::<Session>(),
        table::<Reflection>(),
        table::<Checkin>(),
        table::<AuditItem>(),
    ]
}

#[test]
fn every_table_has_the_meta_columns_then_its_own_in_schema_order() {
    let (_dir, j) = journal();
    for (kind, _, columns) in tables() {
        let mut stmt = j
            .conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{}') ORDER BY cid",
                kind.table()
            ))
            .unwrap();
        let schema: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let ours: Vec<&str> = META.iter().chain(columns).copied().collect();
        assert_eq!(schema, ours, "{}", kind.table());
    }
}

#[test]
fn every_kind_has_its_own_search_code() {
    let mut codes: Vec<i64> = tables().iter().map(|t| t.1).collect();
    assert_eq!(
        codes,
        [1, 2, 3, 4, 5, 6],
        "the codes are on disk: never renumber"
    );
    codes.dedup();
    assert_eq!(codes.len(), 6);
}

#[test]
fn the_sql_is_written_from_the_column_lists() {
    assert_eq!(
        insert_sql::<Checkin>(),
        "INSERT INTO checkins (id, created_at, updated_at, at, offset_secs, day, private, \
         task, time, technique, team, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
    );
    // The id is the key and the creation time never changes.
    assert_eq!(
        update_sql::<Checkin>(),
        "UPDATE checkins SET updated_at = ?3, at = ?4, offset_secs = ?5, day = ?6, private = ?7, \
         task = ?8, time = ?9, technique = ?10, team = ?11, note = ?12 WHERE id = ?1"
    );
    assert_eq!(
        select_sql::<Purpose>("WHERE id = ?1"),
        "SELECT id, created_at, updated_at, at, offset_secs, day, private, title, whom, why \
         FROM purposes WHERE id = ?1"
    );
}

/// SQLite's plan for reading `c` for `slots` owners, its steps joined.
fn plan(j: &Journal, c: &Children, slots: usize) -> String {
    let mut stmt = j
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", c.sql(slots)))
        .unwrap();
    let steps: Vec<String> = stmt
        .query_map(
            rusqlite::params_from_iter(std::iter::repeat_n(None::<Id>, slots)),
            |r| r.get(3),
        )
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    steps.join("; ")
}

/// Every child query finds its owners' rows through an index: no scan of the child table,
/// for one owner or a full chunk.
#[test]
fn children_are_read_through_an_index_never_a_scan() {
    let (_dir, j) = journal();
    // The check can fail: a column with no index is scanned.
    let unindexed = Children {
        owner: "worked",
        ..sessions::FEEDBACK
    };
    assert!(plan(&j, &unindexed, 4).contains("SCAN feedback"));
    let children = [
        purposes::CHALLENGES.children(),
        challenges::PURPOSES.children(),
        sessions::FEEDBACK,
        reflections::TAGS,
        reflections::SESSIONS.children(),
        reflections::CHALLENGES.children(),
        reflections::PURPOSES.children(),
    ];
    for c in children {
        for slots in [1, 2, 64, CHUNK] {
            let plan = plan(&j, &c, slots);
            assert!(
                plan.contains(&format!("SEARCH {} USING", c.table))
                    && plan.contains(&format!("({}=?)", c.owner)),
                "{} by {} ({slots}): {plan}",
                c.table,
                c.owner
            );
            assert!(!plan.contains("SCAN"), "{}: {plan}", c.table);
        }
    }
}

#[test]
fn a_stored_name_that_is_no_variant_is_an_error_not_a_default() {
    assert_eq!(
        AuditKind::column_result(ValueRef::Text(b"punishment")).unwrap(),
        AuditKind::Punishment
    );
    assert!(AuditKind::column_result(ValueRef::Text(b"bonus")).is_err());
    assert!(TaskType::column_result(ValueRef::Text(b"Heuristic")).is_err());
    assert!(Id::column_result(ValueRef::Text(b"not-an-id")).is_err());
}

/// More owners than one chunk: every session's feedback comes back in order, as read alone.
#[test]
fn more_owners_than_a_chunk_read_their_children_exactly_as_one_by_one() {
    let (_dir, mut j) = journal();
    let c = j
        .add_challenge(NewChallenge {
            skill: "Scales".into(),
            ..Default::default()
        })
        .unwrap();
    let n = CHUNK + 44;
    let news = (0..n)
        .map(|i| NewSession {
            challenge_id: Some(c.meta.id),
            data: SessionData {
                feedback: (0..i % 4)
                    .map(|k| Feedback {
                        source: FeedbackSource::Peer,
                        worked: Some(format!("{i}.{k}")),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
            ..Default::default()
        })
        .collect();
    j.add_sessions(news).unwrap();
    let all = j.sessions(Some(c.meta.id)).unwrap();
    assert_eq!(all.len(), n);
    assert_eq!(
        all.iter().map(|s| s.data.feedback.len()).sum::<usize>(),
        (0..n).map(|i| i % 4).sum::<usize>()
    );
    for s in &all {
        assert_eq!(s, &j.session(s.meta.id).unwrap());
        let worked: Vec<_> = s
            .data
            .feedback
            .iter()
            .map(|f| f.worked.clone().unwrap())
            .collect();
        let mut sorted = worked.clone();
        sorted.sort();
        assert_eq!(worked, sorted, "in the order given");
    }
}

#[test]
fn many_rows_read_their_children_in_one_pass_exactly_as_one_by_one() {
    let (_dir, mut j) = journal();
    let c = j
        .add_challenge(NewChallenge {
            skill: "Scales".into(),
            ..Default::default()
        })
        .unwrap();
    // More rows than a few, with 0, 1 or 2 feedback rows and tags each.
    for i in 0..40u32 {
        let fb = (0..i % 3)
            .map(|k| Feedback {
                source: FeedbackSource::Coach,
                delay_min: Some(f64::from(k)),
                worked: Some(format!("worked {i}.{k}")),
                change: None,
            })
            .collect();
        let s = j
            .add_session(NewSession {
                challenge_id: Some(c.meta.id),
                data: SessionData {
                    feedback: fb,
                    ..Default::default()
                },
                ..Default::default()
            })
            .unwrap();
        j.add_reflection(NewReflection {
            text: Some(format!("note {i}")),
            tags: (0..i % 4).map(|k| format!("t{k}")).collect(),
            session_ids: if i % 2 == 0 { vec![s.meta.id] } else { vec![] },
            challenge_ids: if i % 5 == 0 { vec![c.meta.id] } else { vec![] },
            ..Default::default()
        })
        .unwrap();
    }
    let all = j.sessions(None).unwrap();
    assert_eq!(all.len(), 40);
    // Pages of the latest, newest first, are the same sessions.
    let newest: Vec<Session> = all.iter().rev().cloned().collect();
    assert_eq!(j.recent_sessions(8, 0).unwrap(), newest[..8]);
    assert_eq!(j.recent_sessions(8, 36).unwrap(), newest[36..]);
    assert!(j.recent_sessions(8, 40).unwrap().is_empty());
    assert!(all.iter().any(|s| s.data.feedback.len() == 2));
    for s in &all {
        assert_eq!(s, &j.session(s.meta.id).unwrap(), "a session read in bulk");
    }
    let all = j.reflections().unwrap();
    assert!(
        j.reflections_per_purpose().unwrap().is_empty(),
        "no purpose links yet"
    );
    let newest: Vec<Reflection> = all.iter().rev().cloned().collect();
    assert_eq!(j.recent_reflections(5, 0).unwrap(), newest[..5]);
    assert_eq!(j.recent_reflections(100, 30).unwrap(), newest[30..]);
    assert!(
        all.iter()
            .any(|r| r.tags.len() == 2 && r.session_ids.len() == 1 && r.challenge_ids.len() == 1)
    );
    for r in &all {
        assert_eq!(
            r,
            &j.reflection(r.meta.id).unwrap(),
            "a reflection read in bulk"
        );
    }
}

fn purpose_at(j: &mut Journal, title: &str, when: &str) -> Result<Purpose> {
    j.add_purpose(crate::NewPurpose {
        title: title.into(),
        // %Y, unlike RFC 3339, reads a five-digit year as the CLI's `--at` does.
        when: Some(chrono::DateTime::parse_from_str(when, "%Y-%m-%dT%H:%M:%S%:z").unwrap()),
        ..Default::default()
    })
}

#[test]
fn a_date_past_the_year_9999_is_refused_with_the_range_and_nothing_is_stored() {
    let (_dir, mut j) = journal();
    purpose_at(&mut j, "kept", "2026-03-01T09:00:00+00:00").unwrap();
    for when in ["+10000-06-01T12:00:00+00:00", "9999-12-31T23:30:00-01:00"] {
        let e = purpose_at(&mut j, "too late", when).expect_err(when);
        assert_eq!(e.kind(), "invalid", "{when}: {e}");
        assert!(e.to_string().contains("9999"), "{when}: {e}");
    }
    let purposes = j.purposes().unwrap();
    assert_eq!(purposes.len(), 1, "only the first purpose was stored");
    // The last moment of the range is fine.
    purpose_at(&mut j, "last day", "9999-12-31T12:00:00+00:00").unwrap();
}

#[test]
fn an_unreadable_stored_row_is_left_out_of_its_list_with_a_note() {
    let (_dir, mut j) = journal();
    let good = purpose_at(&mut j, "readable", "2026-03-01T09:00:00+00:00").unwrap();
    let bad = purpose_at(&mut j, "unreadable", "2026-03-02T09:00:00+00:00").unwrap();
    // A value no build writes any more (an older build stored the year 10000).
    j.conn
        .execute(
            "UPDATE purposes SET at = '+10000-01-01T12:00:00.000Z', day = '+10000-01-01' WHERE id = ?1",
            [bad.meta.id],
        )
        .unwrap();
    let listed = j.purposes().unwrap();
    assert_eq!(
        listed.iter().map(|p| p.meta.id).collect::<Vec<_>>(),
        vec![good.meta.id]
    );
    let notes = j.take_unreadable();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].kind, Kind::Purpose);
    assert_eq!(
        notes[0].id.as_deref(),
        Some(bad.meta.id.to_string().as_str())
    );
    assert!(
        notes[0].to_string().contains(&bad.meta.id.to_string()),
        "{}",
        notes[0]
    );
    assert!(j.take_unreadable().is_empty(), "a note is handed over once");
    // Showing it says it cannot be read; deleting it works.
    let e = j.purpose(bad.meta.id).unwrap_err();
    assert_eq!(e.kind(), "unreadable", "{e}");
    j.delete_purpose(bad.meta.id).unwrap();
    assert!(j.purposes().unwrap().len() == 1 && j.take_unreadable().is_empty());
}
