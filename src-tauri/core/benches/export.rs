//! Benchmarks of one-on-one exports for a heavy user (issue 5's targets: under 2 s each).
//!
//! The journal: ten years (2016–2025) of 10 challenges, 4 practice sessions a day with
//! coach feedback and notes (14,600 sessions), a reflection every day (every other one
//! shared), a weekly autonomy check-in and 5 purposes.
//!
//! * `pdf_brief_one_year`: choose every section for 2025, build the bundle (including each
//!   challenge's curve fit and calibration) and render the PDF brief.
//! * `json_bundle_ten_years`: the same for all ten years, as the JSON bundle.
//!
//! Run: `cargo bench -p asymptote-core --bench export`.
#![allow(clippy::unwrap_used, missing_docs)]

use asymptote_core::export::{Format, Selection};
use asymptote_core::*;
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/ten_years.rs"]
mod ten_years;
use ten_years::build;

fn benches(cr: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let t = std::time::Instant::now();
    let j = build(&dir.path().join("j"), &keys);
    eprintln!(
        "built the ten-year journal in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let mut year = Selection::new(
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    );
    year.agenda = vec!["Can I own the schedule?".into()];
    let b = j.build_bundle(&year).unwrap();
    let pdf = Format::Pdf.render(&b).unwrap();
    eprintln!(
        "one year: {} sessions, {} reflections; PDF {} KiB",
        b.sessions.len(),
        b.reflections.len(),
        pdf.len() / 1024
    );
    let decade = Selection::new(
        NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    );
    let b = j.build_bundle(&decade).unwrap();
    eprintln!(
        "ten years: {} sessions, {} reflections; JSON {} MiB",
        b.sessions.len(),
        b.reflections.len(),
        b.to_json().unwrap().len() / (1024 * 1024)
    );

    let mut g = cr.benchmark_group("export");
    g.sample_size(10);
    g.bench_function("pdf_brief_one_year", |bench| {
        bench.iter(|| {
            let b = j.build_bundle(&year).unwrap();
            Format::Pdf.render(&b).unwrap()
        });
    });
    g.bench_function("json_bundle_ten_years", |bench| {
        bench.iter(|| {
            let b = j.build_bundle(&decade).unwrap();
            b.to_json().unwrap()
        });
    });
    // What the share screen asks on every change: a month's preview and the items
    // staying home, over the whole ten-year journal.
    let month = Selection::new(
        NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 11, 30).unwrap(),
    );
    g.bench_function("share_preview_one_month", |bench| {
        bench.iter(|| j.preview_with_candidates(&month).unwrap());
    });
    g.finish();
}

criterion_group!(export, benches);
criterion_main!(export);
