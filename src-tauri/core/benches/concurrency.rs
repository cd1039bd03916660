//! Does a long export, or the day's backup, block typing? The latency of `add_reflection`
//! while work runs on the journal in another thread:
//!
//! * `one connection`: ten-year JSON exports back to back, the journal behind one mutex, as
//!   the window was before (an add waits until the export lets go);
//! * `two connections`: the same exports on a second connection
//!   (`Journal::another_connection`), the add on the first, as the window does now;
//! * `nothing else`: the adds alone for 3 s, the baseline for the three below;
//! * `after unlock`: what the window runs on its worker connection once the journal opens,
//!   `usecase::after_unlock` (the page check, then the day's backup: a verified snapshot),
//!   the adds on the main connection;
//! * `weekly check`: what the window runs next on the worker, `check::weekly_check` (the
//!   full check, when a week has passed since the last);
//! * `backup now`: three more verified snapshots back to back on the worker connection
//!   (`usecase::backup_now`, the Settings panel's button), the adds on the main connection.
//!
//! It prints the median, 95th percentile and worst add latency for each, the number of adds,
//! and how long one run of the work takes. Run: `cargo bench -p asymptote-core --bench
//! concurrency` (all six), or with `-- export` (the first two) or `-- backup` (the rest).
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    missing_docs,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

#[path = "common/ten_years.rs"]
mod ten_years;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asymptote_core::export::{Format, Selection};
use asymptote_core::usecase::{self, check};
use asymptote_core::*;
use chrono::NaiveDate;

const EXPORTS: usize = 3;
const BACKUPS: usize = 3;

fn decade() -> Selection {
    Selection::new(
        NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs `work` (`runs` times over) in a thread while adding reflections on `writer` every
/// 20 ms; returns the add latencies and the mean time of one run of `work`.
fn measure(
    runs: usize,
    mut work: impl FnMut() + Send + 'static,
    writer: &Mutex<Journal>,
) -> (Vec<Duration>, Duration) {
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let t = std::thread::spawn(move || {
        let started = Instant::now();
        for _ in 0..runs {
            work();
        }
        d.store(true, Ordering::SeqCst);
        started.elapsed() / runs as u32
    });
    let mut lat = Vec::new();
    let mut n = 0;
    while !done.load(Ordering::SeqCst) {
        let t0 = Instant::now();
        writer
            .lock()
            .unwrap()
            .add_reflection(NewReflection {
                text: Some(format!("Typed while the other thread worked ({n}).")),
                ..Default::default()
            })
            .unwrap();
        lat.push(t0.elapsed());
        n += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = t.join().unwrap();
    lat.sort();
    (lat, took)
}

/// `EXPORTS` ten-year JSON exports on `exporter`.
fn exports(
    exporter: Arc<Mutex<Journal>>,
    writer: &Mutex<Journal>,
    out: &std::path::Path,
) -> (Vec<Duration>, Duration) {
    let out = out.to_path_buf();
    measure(
        EXPORTS,
        move || {
            let mut j = exporter.lock().unwrap();
            j.export(&decade(), Format::Json, &out).unwrap();
        },
        writer,
    )
}

fn report(shape: &str, lat: &[Duration], work: &str, took: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "{shape:>16}: add_reflection median {:.1} ms, p95 {:.1} ms, worst {:.1} ms over {} adds; {work} {:.0} ms",
        ms(percentile(lat, 0.5)),
        ms(percentile(lat, 0.95)),
        ms(*lat.last().unwrap()),
        lat.len(),
        ms(took)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a word picks the cases.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = |case: &str| {
        let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        words.is_empty() || words.iter().any(|w| w.as_str() == case)
    };
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let t = Instant::now();
    let j = ten_years::build(&dir.path().join("j"), &keys);
    eprintln!(
        "built the ten-year journal in {:.1} s ({} MiB)",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(j.dir().join("journal.db")).unwrap().len() / (1024 * 1024)
    );
    let out = dir.path().join("bundle.json");
    let worker = j.another_connection().unwrap();
    let second = j.another_connection().unwrap();
    let one = Arc::new(Mutex::new(j));

    if only("export") {
        let (lat, took) = exports(Arc::clone(&one), &one, &out);
        report("one connection", &lat, "one ten-year JSON export", took);
        let (lat, took) = exports(Arc::new(Mutex::new(second)), &one, &out);
        report("two connections", &lat, "one ten-year JSON export", took);
    }

    if only("backup") {
        // The baseline: the same adds with nothing else running, for 3 s.
        let (lat, took) = measure(1, || std::thread::sleep(Duration::from_secs(3)), &one);
        report("nothing else", &lat, "idle", took);
        // The window's worker connection, after the journal opens: the page check and the
        // day's backup (none was taken today: the journal is new), then the weekly full check.
        let worker = Arc::new(Mutex::new(worker));
        let w = Arc::clone(&worker);
        let (lat, took) = measure(
            1,
            move || {
                let after = usecase::after_unlock(&w.lock().unwrap());
                assert!(after.damage.is_none(), "{:?}", after.damage);
                assert!(after.backup.is_some(), "{:?}", after.backup_problem);
            },
            &one,
        );
        report("after unlock", &lat, "page check + the day's backup", took);
        let w = Arc::clone(&worker);
        let (lat, took) = measure(
            1,
            move || assert!(check::weekly_check(&mut w.lock().unwrap()).is_none()),
            &one,
        );
        report("weekly check", &lat, "the full check", took);
        let w = Arc::clone(&worker);
        let (lat, took) = measure(
            BACKUPS,
            move || {
                let r = usecase::backup_now(&w.lock().unwrap()).unwrap();
                assert!(r.backup.snapshot.size_bytes > 0);
            },
            &one,
        );
        report("backup now", &lat, "one verified backup", took);
    }
}
