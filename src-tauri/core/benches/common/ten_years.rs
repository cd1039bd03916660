//! The heavy user's journal the benchmarks share: ten years (2016–2025) of 10 challenges,
//! 4 practice sessions a day with coach feedback and notes (14,600 sessions), a reflection
//! every day (every other one shared), a weekly autonomy check-in and 5 purposes.
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    dead_code,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use asymptote_core::*;
use chrono::{Duration, TimeZone};

const CHALLENGES: usize = 10;
const DAYS: i64 = 3650;
const PER_DAY: i64 = 4;

pub fn build(dir: &std::path::Path, keys: &MemoryKeyStore) -> Journal {
    let mut j = Journal::create(dir, CreateOptions::keyring(), keys)
        .unwrap()
        .journal;
    let start = chrono::FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2016, 1, 1, 7, 0, 0)
        .unwrap();
    let purposes: Vec<Id> = (0..5)
        .map(|p| {
            j.add_purpose(NewPurpose {
                title: format!("Purpose {p}: help the team ship calmly"),
                whom: Some("my team".into()),
                why: Some("Calm teams make fewer mistakes.".into()),
                when: Some(start),
                ..Default::default()
            })
            .unwrap()
            .meta
            .id
        })
        .collect();
    let challenges: Vec<Id> = (0..CHALLENGES)
        .map(|c| {
            j.add_challenge(NewChallenge {
                skill: format!("Skill number {c}"),
                goal: Some("Halve the time it takes".into()),
                measure: Measure {
                    name: Some("time".into()),
                    unit: Some("s".into()),
                    higher_is_better: false,
                },
                difficulty: Some(5.0),
                purpose_ids: vec![purposes[c % purposes.len()]],
                when: Some(start),
                ..Default::default()
            })
            .unwrap()
            .meta
            .id
        })
        .collect();
    let sessions: Vec<NewSession> = (0..DAYS * PER_DAY)
        .map(|i| {
            let c = (i as usize) % CHALLENGES;
            let x = (i / CHALLENGES as i64) as f64 * 0.5;
            NewSession {
                challenge_id: Some(challenges[c]),
                data: SessionData {
                    duration_min: Some(30.0),
                    performance: Some(
                        40.0 + 30.0 * (-0.002 * x).exp() + ((i * 7919) % 13) as f64 * 0.1,
                    ),
                    attempts: Some(10),
                    successes: Some(8 + (i % 3) as u32),
                    difficulty: Some(5.0),
                    challenge_rating: Some(3 + (i % 5) as u8),
                    skill_rating: Some(2 + (i % 7) as u8),
                    sub_skill: Some("scales in thirds".into()),
                    feedback: vec![Feedback {
                        source: FeedbackSource::Coach,
                        delay_min: Some(10.0),
                        worked: Some("Slow practice, then at tempo.".into()),
                        change: Some("Record it and listen back.".into()),
                    }],
                    next_step: Some("Try the harder variant.".into()),
                    notes: Some(format!(
                        "Session {i} went steadily; practised slowly then at tempo."
                    )),
                    ..Default::default()
                },
                when: Some(start + Duration::minutes(i * 24 * 60 / PER_DAY)),
                ..Default::default()
            }
        })
        .collect();
    j.add_sessions(sessions).unwrap();
    for d in 0..DAYS {
        j.add_reflection(NewReflection {
            text: Some(format!(
                "Day {d}: not yet, but closer. What helped was slowing down."
            )),
            private: d % 2 == 0,
            when: Some(start + Duration::days(d) + Duration::hours(14)),
            ..Default::default()
        })
        .unwrap();
        if d % 7 == 0 {
            j.add_checkin(NewCheckin {
                ratings: FourTs {
                    task: 5,
                    time: 4,
                    technique: 6,
                    team: 3,
                },
                note: Some("More say over the schedule".into()),
                private: false,
                when: Some(start + Duration::days(d) + Duration::hours(15)),
            })
            .unwrap();
        }
    }
    j
}
