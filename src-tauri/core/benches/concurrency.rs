//! Does a long export block typing? The latency of `add_reflection` while ten-year JSON
//! exports run back to back, in the two shapes a host can take:
//!
//! * `one connection`: the journal behind one mutex, as the window was before (an add
//!   waits until the export lets go);
//! * `two connections`: the export on a second connection (`Journal::another_connection`),
//!   the add on the first, as the window does now.
//!
//! It prints the median, 95th percentile and worst add latency for each, and how long one
//! export takes. Run: `cargo bench -p asymptote-core --bench concurrency`.
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
use asymptote_core::*;
use chrono::NaiveDate;

const EXPORTS: usize = 3;

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

/// Runs `EXPORTS` exports on `exporter` in a thread while adding reflections on `writer`
/// every 20 ms; returns the add latencies and the mean export time.
fn measure(
    exporter: Arc<Mutex<Journal>>,
    writer: &Mutex<Journal>,
    out: &std::path::Path,
) -> (Vec<Duration>, Duration) {
    let out = out.to_path_buf();
    let done = Arc::new(AtomicBool::new(false));
    let d = Arc::clone(&done);
    let t = std::thread::spawn(move || {
        let started = Instant::now();
        for _ in 0..EXPORTS {
            let mut j = exporter.lock().unwrap();
            j.export(&decade(), Format::Json, &out).unwrap();
        }
        d.store(true, Ordering::SeqCst);
        started.elapsed() / EXPORTS as u32
    });
    let mut lat = Vec::new();
    let mut n = 0;
    while !done.load(Ordering::SeqCst) {
        let t0 = Instant::now();
        writer
            .lock()
            .unwrap()
            .add_reflection(NewReflection {
                text: Some(format!("Typed while an export ran ({n}).")),
                ..Default::default()
            })
            .unwrap();
        lat.push(t0.elapsed());
        n += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let export = t.join().unwrap();
    lat.sort();
    (lat, export)
}

fn report(shape: &str, lat: &[Duration], export: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "{shape:>16}: add_reflection median {:.1} ms, p95 {:.1} ms, worst {:.1} ms over {} adds; one ten-year JSON export {:.0} ms",
        ms(percentile(lat, 0.5)),
        ms(percentile(lat, 0.95)),
        ms(*lat.last().unwrap()),
        lat.len(),
        ms(export)
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let t = Instant::now();
    let j = ten_years::build(&dir.path().join("j"), &keys);
    eprintln!(
        "built the ten-year journal in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let out = dir.path().join("bundle.json");

    let second = j.another_connection().unwrap();
    let one = Arc::new(Mutex::new(j));
    let (lat, export) = measure(Arc::clone(&one), &one, &out);
    report("one connection", &lat, export);

    let (lat, export) = measure(Arc::new(Mutex::new(second)), &one, &out);
    report("two connections", &lat, export);
}
