//! Benchmarks of the store at ten years of heavy use.
//!
//! * `progress_50x2000`: open the encrypted journal from disk and compute the
//!   progress (three curve fits, calibration, flow) of 50 challenges with
//!   2,000 sessions each — issue 3's target is under 200 ms end to end.
//! * `open_and_today`: open the journal and read today's items.
//! * `search_prefix`: a two-word prefix search over 100,000 sessions.
//!
//! Run: `cargo bench -p asymptote-core --bench store`.
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    missing_docs,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use asymptote_core::*;
use chrono::{Duration, TimeZone};
use criterion::{Criterion, criterion_group, criterion_main};

const CHALLENGES: usize = 50;
const SESSIONS: usize = 2_000;

fn build(dir: &std::path::Path, keys: &MemoryKeyStore) {
    let mut j = Journal::create(dir, CreateOptions::keyring(), keys)
        .unwrap()
        .journal;
    let start = chrono::FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2016, 1, 1, 18, 0, 0)
        .unwrap();
    let mut seed: u64 = 7;
    let mut noise = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5
    };
    for c in 0..CHALLENGES {
        let ch = j
            .add_challenge(NewChallenge {
                skill: format!("Skill number {c}"),
                measure: Measure {
                    name: Some("time".into()),
                    unit: Some("s".into()),
                    higher_is_better: false,
                },
                difficulty: Some(5.0),
                ..Default::default()
            })
            .unwrap();
        let rate = 0.002 + 0.0001 * c as f64;
        let sessions: Vec<NewSession> = (0..SESSIONS)
            .map(|i| {
                let x = i as f64 * 0.5;
                NewSession {
                    challenge_id: Some(ch.meta.id),
                    data: SessionData {
                        duration_min: Some(30.0),
                        performance: Some(40.0 + 30.0 * (-rate * x * 10.0).exp() + noise()),
                        attempts: Some(10),
                        successes: Some(8 + (i % 3) as u32 % 3),
                        difficulty: Some(5.0),
                        challenge_rating: Some(3 + (i % 5) as u8),
                        skill_rating: Some(2 + (i % 7) as u8),
                        sub_skill: Some("scales in thirds".into()),
                        notes: Some(format!(
                            "Session {i} went steadily; practised slowly then at tempo."
                        )),
                        ..Default::default()
                    },
                    when: Some(start + Duration::hours((i * 43 + c) as i64)),
                    ..Default::default()
                }
            })
            .collect();
        j.add_sessions(sessions).unwrap();
    }
}

fn benches(cr: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let keys = MemoryKeyStore::new();
    let t = std::time::Instant::now();
    build(&path, &keys);
    eprintln!(
        "built a journal of {} sessions in {:.1?}",
        CHALLENGES * SESSIONS,
        t.elapsed()
    );
    let size = std::fs::metadata(path.join("journal.db")).unwrap().len();
    eprintln!("journal.db: {:.1} MiB", size as f64 / 1048576.0);

    let mut g = cr.benchmark_group("store");
    g.sample_size(10);
    g.bench_function("progress_50x2000", |b| {
        b.iter(|| {
            let j = Journal::open(&path, Unlock::Keyring, &keys).unwrap();
            let all = j.progress_all(None).unwrap();
            assert_eq!(all.len(), CHALLENGES);
            assert!(all.iter().all(|p| p.fit.is_some()));
        });
    });
    g.bench_function("open_and_today", |b| {
        b.iter(|| {
            let j = Journal::open(&path, Unlock::Keyring, &keys).unwrap();
            j.day(local_today()).unwrap()
        });
    });
    let j = Journal::open(&path, Unlock::Keyring, &keys).unwrap();
    g.bench_function("search_prefix", |b| {
        b.iter(|| j.search("prac temp", 50).unwrap());
    });
    g.finish();
}

criterion_group!(store, benches);
criterion_main!(store);
