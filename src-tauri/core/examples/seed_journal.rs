//! Makes a ten-year journal for the desktop app's start-up benchmark
//! (`scripts/bench-startup.sh`): 100,000 practice sessions (50 challenges × 2,000, each on a
//! learning curve) and 20,000 other items (20 purposes, 50 challenges, 14,000 reflections,
//! 5,930 check-ins), spread over the ten years that end today, with a few items on today so
//! the Today screen has something to show.
//!
//! It uses only the core's public API and the **real OS keyring** (`OsKeyring`), like the app:
//! run it inside a Secret Service (`scripts/with-secret-service.sh`).
//!
//! ```sh
//! cargo run --release -p asymptote-core --example seed_journal -- /tmp/ten-years
//! ```
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::time::Instant;

use asymptote_core::*;
use chrono::{Duration, FixedOffset, Local};

const PURPOSES: usize = 20;
const CHALLENGES: usize = 50;
const SESSIONS_PER_CHALLENGE: usize = 2_000;
const REFLECTIONS: usize = 14_000;
const CHECKINS: usize = 5_930;
const BATCH: usize = 5_000;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .expect("usage: seed_journal DIR (a folder that holds no journal yet)");
    let started = Instant::now();
    let mut journal = Journal::create(&dir, CreateOptions::keyring(), &OsKeyring::new())
        .expect("create the journal (inside a Secret Service?)")
        .journal;

    let offset = *Local::now().offset();
    let now = Local::now().with_timezone(&offset);
    let ten_years = Duration::days(3_652);
    let start = now - ten_years;
    // Spreads `n` items evenly over the ten years, the last one an hour ago.
    let at = |i: usize, n: usize| -> chrono::DateTime<FixedOffset> {
        let span = (ten_years - Duration::hours(1)).num_seconds();
        start + Duration::seconds(span * i as i64 / n.max(1) as i64)
    };
    let mut seed: u64 = 42;
    let mut noise = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5
    };

    let purposes: Vec<Id> = (0..PURPOSES)
        .map(|p| {
            journal
                .add_purpose(NewPurpose {
                    title: format!("Purpose {p}: help my team ship calmly"),
                    whom: Some("my team".into()),
                    why: Some("Calm teams make fewer mistakes and learn faster.".into()),
                    private: false,
                    when: Some(at(p, PURPOSES * 50)),
                })
                .unwrap()
                .meta
                .id
        })
        .collect();

    for c in 0..CHALLENGES {
        let challenge = journal
            .add_challenge(NewChallenge {
                skill: format!("Skill {c}: code review"),
                goal: Some("400 lines in 20 minutes".into()),
                measure: Measure {
                    name: Some("time".into()),
                    unit: Some("min".into()),
                    higher_is_better: false,
                },
                difficulty: Some(3.0 + (c % 5) as f64),
                purpose_ids: vec![purposes[c % PURPOSES]],
                when: Some(at(c, CHALLENGES * 40)),
                ..Default::default()
            })
            .unwrap();
        let rate = 0.002 + 0.0001 * c as f64;
        let mut batch = Vec::with_capacity(BATCH);
        for i in 0..SESSIONS_PER_CHALLENGE {
            let x = i as f64;
            batch.push(NewSession {
                challenge_id: Some(challenge.meta.id),
                data: SessionData {
                    duration_min: Some(30.0),
                    difficulty: Some(3.0 + (i % 4) as f64),
                    attempts: Some(10),
                    successes: Some(7 + (i % 4) as u32),
                    performance: Some(20.0 + 25.0 * (-rate * x).exp() + noise()),
                    effort: Some(5 + (i % 4) as u8),
                    challenge_rating: Some(3 + (i % 5) as u8),
                    skill_rating: Some(2 + (i % 7) as u8),
                    feedback: vec![Feedback {
                        source: FeedbackSource::Peer,
                        delay_min: Some(30.0),
                        worked: Some("clear comments".into()),
                        change: Some("read the tests first".into()),
                    }],
                    next_step: Some("start from the tests".into()),
                    notes: Some(format!("Session {i}: slowly first, then at tempo.")),
                    ..Default::default()
                },
                // Interleave the challenges over the ten years; the newest lands today.
                when: Some(at(i * CHALLENGES + c, SESSIONS_PER_CHALLENGE * CHALLENGES)),
                ..Default::default()
            });
            if batch.len() == BATCH {
                journal.add_sessions(std::mem::take(&mut batch)).unwrap();
            }
        }
        if !batch.is_empty() {
            journal.add_sessions(batch).unwrap();
        }
    }
    eprintln!("sessions done after {:.1?}", started.elapsed());

    for r in 0..REFLECTIONS {
        journal
            .add_reflection(NewReflection {
                text: Some(format!(
                    "Reflection {r}: not yet fast, but closer. Practising feedback slowly helped."
                )),
                tags: vec!["review".into()],
                when: Some(at(r, REFLECTIONS)),
                ..Default::default()
            })
            .unwrap();
    }
    for k in 0..CHECKINS {
        journal
            .add_checkin(NewCheckin {
                ratings: FourTs {
                    task: 1 + (k % 7) as u8,
                    time: 1 + ((k + 2) % 7) as u8,
                    technique: 1 + ((k + 4) % 7) as u8,
                    team: 1 + ((k + 5) % 7) as u8,
                },
                note: Some("pairing helped".into()),
                private: false,
                when: Some(at(k, CHECKINS)),
            })
            .unwrap();
    }
    // Today, so the Today screen is not empty.
    journal
        .add_reflection(NewReflection {
            text: Some("Today: the hard bar came together.".into()),
            ..Default::default()
        })
        .unwrap();
    let status = journal.status().unwrap();
    eprintln!(
        "seeded {} in {:.1?}: {:?}",
        dir.display(),
        started.elapsed(),
        status.items
    );
}
