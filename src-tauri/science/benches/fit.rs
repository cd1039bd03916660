//! Fitting all three learning-curve models (exponential, power, APEX) to 10,000 points.
//! Target: under 20 ms on a 2-core machine. Results: BENCHMARKS.md.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use asymptote_science::curves::{Direction, FitOptions, Params, Point, fit_learning_curve};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

fn points(params: &Params, direction: Direction, n: usize, x_max: f64, seed: u64) -> Vec<Point> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 1.2).unwrap();
    (0..n)
        .map(|i| {
            let x = x_max * i as f64 / (n - 1) as f64;
            Point::new(x, params.predict(direction, x) + noise.sample(&mut rng))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "exponential_data",
            Params {
                asymptote: 20.0,
                gain: 60.0,
                alpha: 0.05,
                beta: 0.0,
                prior_practice: 1.0,
            },
            100.0,
        ),
        (
            "power_data",
            Params {
                asymptote: 20.0,
                gain: 60.0,
                alpha: 0.0,
                beta: 0.7,
                prior_practice: 1.0,
            },
            200.0,
        ),
        (
            "apex_data",
            Params {
                asymptote: 20.0,
                gain: 60.0,
                alpha: 0.02,
                beta: 0.6,
                prior_practice: 1.0,
            },
            200.0,
        ),
    ];
    let mut group = c.benchmark_group("fit_all_three_models_10k_points");
    for (name, params, x_max) in cases {
        let data = points(&params, Direction::LowerIsBetter, 10_000, x_max, 7);
        let options = FitOptions::new(Direction::LowerIsBetter);
        assert!(fit_learning_curve(&data, &options).is_ok());
        group.bench_function(name, |b| {
            b.iter(|| fit_learning_curve(black_box(&data), black_box(&options)));
        });
    }
    group.finish();

    // What the app does most: a person's few dozen sessions.
    let mut small = c.benchmark_group("fit_all_three_models_50_points");
    for (name, params, x_max) in cases {
        let data = points(&params, Direction::LowerIsBetter, 50, x_max, 7);
        let options = FitOptions::new(Direction::LowerIsBetter);
        small.bench_function(name, |b| {
            b.iter(|| fit_learning_curve(black_box(&data), black_box(&options)));
        });
    }
    small.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
