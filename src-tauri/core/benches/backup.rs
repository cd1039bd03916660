//! Backups and checks of the heavy user's ten years (`common/ten_years.rs`):
//!
//! * `snapshot_and_verify_ten_years`: `backup_now` — the online backup into a keyed
//!   temporary file, fsync, verification (open with the key, `integrity_check`, FTS5's
//!   check, every table counted against the source), rename, rotation. The snapshot is
//!   removed after each iteration (included in the time; a few milliseconds).
//! * `unlock_page_check_ten_years`: `quick_check`, what `asym unlock` adds: every page's
//!   HMAC (`PRAGMA cipher_integrity_check`).
//! * `full_check_ten_years`: `check_journal`, what `asym check` runs (its own connection,
//!   the envelope, pages, `integrity_check`, FTS5).
//!
//! Run: `cargo bench -p asymptote-core --bench backup`.
#![allow(clippy::unwrap_used, missing_docs, clippy::print_stderr)]

use asymptote_core::usecase::{backup, check};
use asymptote_core::*;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/ten_years.rs"]
mod ten_years;

fn benches(cr: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let t = std::time::Instant::now();
    let j = ten_years::build(&dir.path().join("j"), &keys);
    let st = j.status().unwrap();
    let size = std::fs::metadata(j.dir().join("journal.db")).unwrap().len();
    eprintln!(
        "built the ten-year journal in {:.1} s: {} sessions, {} reflections, {} check-ins; {} MiB",
        t.elapsed().as_secs_f64(),
        st.items.sessions,
        st.items.reflections,
        st.items.checkins,
        size / (1024 * 1024)
    );
    let r = backup::backup_now(&j).unwrap();
    eprintln!(
        "one snapshot: {} MiB",
        r.backup.snapshot.size_bytes / (1024 * 1024)
    );
    std::fs::remove_dir_all(&r.backup.snapshot.path).unwrap();

    let mut g = cr.benchmark_group("backup");
    g.sample_size(10);
    g.bench_function("snapshot_and_verify_ten_years", |b| {
        b.iter(|| {
            let r = backup::backup_now(&j).unwrap();
            std::fs::remove_dir_all(&r.backup.snapshot.path).unwrap();
        });
    });
    g.bench_function("unlock_page_check_ten_years", |b| {
        b.iter(|| check::quick_check(&j).unwrap());
    });
    g.bench_function("full_check_ten_years", |b| {
        b.iter(|| {
            let r = check::check_journal(j.dir(), &keys, || unreachable!("keyring mode")).unwrap();
            assert!(!r.damaged);
        });
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
