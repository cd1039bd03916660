//! Parameter recovery and model selection on seeded synthetic learners.
//!
//! Curves (A = 20, B = 60 in both directions; x evenly spaced from 0):
//! - exponential α = 0.05 on [0, 100] (99.3 % of the gap closed by the end);
//! - power β = 0.7 on [0, 200];
//! - APEX α = 0.02, β = 0.6 on [0, 200];
//! - the prior practice `E` of the power term is one practice step, `x_max/(n − 1)`, as the
//!   fitter assumes (issue 15: it used to be 1 in the unit of `x`).
//!
//! Noise is Gaussian with σ = 1 % or 3 % of B. Tolerances (in the table) are about 1.5× the
//! worst error seen over 20 seeds when they were set, so a real regression fails them while
//! seeds do not. With `E` one step (issue 15) they were re-measured: the power law at 20 points
//! (A, B) and APEX's α at 1000 points were loosened to 1.5× the new worst case; a step of
//! `200/19` makes the 20-point power curve bend less over the data than `E = 1` did. APEX's α is weakly identified with 20 points (its β and the power law trade
//! off), so it is only checked from 100 points on; that is a property of the model, not a
//! tolerance we hide.
#![allow(clippy::unwrap_used)]

mod common;

use asymptote_science::curves::{Direction, FitOptions, Model, Params, fit_learning_curve};
use common::{apex, exponential, power, synthetic};

const B: f64 = 60.0;

/// The generating curve for `n` evenly spaced points, and `x_max`. Its prior practice `E` is
/// one practice step, `x_max/(n − 1)`, as the fitter assumes (docs/science.md §1), so the
/// generator lies in the family fitted.
fn design(model: Model, n: usize) -> (Params, f64) {
    let (mut truth, x_max) = match model {
        Model::Exponential => (exponential(20.0, B, 0.05), 100.0),
        Model::Power => (power(20.0, B, 0.7), 200.0),
        Model::Apex => (apex(20.0, B, 0.02, 0.6), 200.0),
    };
    truth.prior_practice = x_max / (n - 1) as f64;
    (truth, x_max)
}

/// (model, n, noise as a fraction of B, tol |ΔA|/B, tol |ΔB|/B, tol |Δα|/α, tol |Δβ|/β)
type Case = (Model, usize, f64, f64, f64, Option<f64>, Option<f64>);

const CASES: &[Case] = &[
    (Model::Exponential, 20, 0.01, 0.02, 0.04, Some(0.07), None),
    (Model::Exponential, 20, 0.03, 0.06, 0.10, Some(0.18), None),
    (Model::Exponential, 100, 0.01, 0.01, 0.012, Some(0.04), None),
    (
        Model::Exponential,
        100,
        0.03,
        0.025,
        0.035,
        Some(0.12),
        None,
    ),
    (
        Model::Exponential,
        1000,
        0.01,
        0.003,
        0.006,
        Some(0.012),
        None,
    ),
    (
        Model::Exponential,
        1000,
        0.03,
        0.008,
        0.015,
        Some(0.035),
        None,
    ),
    (Model::Power, 20, 0.01, 0.037, 0.04, None, Some(0.12)),
    (Model::Power, 20, 0.03, 0.12, 0.125, None, Some(0.40)),
    (Model::Power, 100, 0.01, 0.01, 0.025, None, Some(0.07)),
    (Model::Power, 100, 0.03, 0.025, 0.07, None, Some(0.20)),
    (Model::Power, 1000, 0.01, 0.004, 0.017, None, Some(0.017)),
    (Model::Power, 1000, 0.03, 0.009, 0.045, None, Some(0.045)),
    (Model::Apex, 20, 0.01, 0.03, 0.05, None, Some(0.20)),
    (Model::Apex, 20, 0.03, 0.08, 0.15, None, None),
    (Model::Apex, 100, 0.01, 0.006, 0.025, Some(0.35), Some(0.08)),
    (Model::Apex, 100, 0.03, 0.07, 0.09, None, Some(0.23)),
    (
        Model::Apex,
        1000,
        0.01,
        0.002,
        0.015,
        Some(0.28),
        Some(0.03),
    ),
    (
        Model::Apex,
        1000,
        0.03,
        0.007,
        0.045,
        Some(0.75),
        Some(0.08),
    ),
];

fn direction(seed: u64) -> Direction {
    if seed.is_multiple_of(2) {
        Direction::LowerIsBetter
    } else {
        Direction::HigherIsBetter
    }
}

#[test]
fn recovers_parameters_of_each_model_in_both_directions() {
    for &(model, n, noise, tol_a, tol_b, tol_alpha, tol_beta) in CASES {
        let (truth, x_max) = design(model, n);
        for seed in 0..10 {
            let dir = direction(seed);
            let points = synthetic(&truth, dir, n, x_max, noise * B, seed);
            let fit = fit_learning_curve(&points, &FitOptions::new(dir)).unwrap_or_else(|r| {
                panic!("{model:?} n={n} noise={noise} seed={seed}: refused {r:?}")
            });
            let m = fit
                .models
                .iter()
                .find(|m| m.model == model)
                .unwrap_or_else(|| {
                    panic!("{model:?} n={n} seed={seed}: not fitted {:?}", fit.excluded)
                });
            let p = m.params;
            let label = format!("{model:?} {dir:?} n={n} noise={noise} seed={seed}: {p:?}");
            assert!(
                (p.asymptote - truth.asymptote).abs() / B <= tol_a,
                "A off: {label}"
            );
            assert!((p.gain / truth.gain - 1.0).abs() <= tol_b, "B off: {label}");
            if let Some(tol) = tol_alpha {
                assert!(
                    (p.alpha / truth.alpha - 1.0).abs() <= tol,
                    "alpha off: {label}"
                );
            }
            if let Some(tol) = tol_beta {
                assert!(
                    (p.beta / truth.beta - 1.0).abs() <= tol,
                    "beta off: {label}"
                );
            }
            // The rate a model does not have is exactly zero.
            match model {
                Model::Exponential => assert_eq!(p.beta, 0.0),
                Model::Power => assert_eq!(p.alpha, 0.0),
                Model::Apex => assert!(p.alpha > 0.0 && p.beta > 0.0),
            }
        }
    }
}

#[test]
fn asymptote_interval_covers_the_truth_about_as_often_as_it_claims() {
    // Nominal 95 %; with 40 seeds per model we require at least 34 (85 %): below that the
    // Jacobian interval would be badly overconfident.
    for model in [Model::Exponential, Model::Power] {
        let (truth, x_max) = design(model, 100);
        let mut covered = 0;
        for seed in 0..40 {
            let dir = direction(seed);
            let points = synthetic(&truth, dir, 100, x_max, 0.03 * B, 500 + seed);
            let fit = fit_learning_curve(&points, &FitOptions::new(dir)).unwrap();
            if fit.best == model && fit.asymptote_interval.contains(truth.asymptote) {
                covered += 1;
            }
        }
        assert!(covered >= 34, "{model:?}: {covered}/40");
    }
}

#[test]
fn model_selection_names_the_generating_model() {
    // n = 200, σ = 2 % of B, 40 seeds per model (both directions): the best model must be the
    // generator in at least 80 % of cases. The three families nest (APEX contains both others
    // at a boundary), so a few exponential or power series are expected to go to APEX by chance
    // (about 8 % in theory: half of P(χ²₁ > 2)); when these thresholds were set the rates were
    // 95 %, 90 % and 100 %. With σ = 3 % and n = 100 APEX data were named only 65 % of the
    // time: telling APEX from a power law needs more data than telling exponential from power.
    for model in Model::ALL {
        let (truth, x_max) = design(model, 200);
        let mut hits = 0;
        for seed in 0..40 {
            let dir = direction(seed);
            let points = synthetic(&truth, dir, 200, x_max, 0.02 * B, 1000 + seed);
            if fit_learning_curve(&points, &FitOptions::new(dir)).is_ok_and(|f| f.best == model) {
                hits += 1;
            }
        }
        assert!(hits >= 32, "{model:?}: named in {hits}/40");
    }
}

#[test]
fn derived_figures_match_the_exponential_formulas() {
    let truth = exponential(20.0, B, 0.05);
    let points = synthetic(&truth, Direction::LowerIsBetter, 400, 40.0, 0.005 * B, 3);
    let fit = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    assert_eq!(fit.best, Model::Exponential);
    let alpha = fit.params.alpha;
    // Half-life ln 2/α; 90 % of the gap at ln 10/α; gap closed 1 − e^(−α·40).
    assert!((fit.half_life - std::f64::consts::LN_2 / alpha).abs() < 1e-6);
    assert!((fit.practice_to_90 - (std::f64::consts::LN_10 / alpha - 40.0)).abs() < 1e-6);
    assert!((fit.gap_closed - (1.0 - (-alpha * 40.0).exp())).abs() < 1e-9);
    assert!((fit.relative_rate - alpha).abs() < 1e-12);
    assert!(fit.half_life_interval.contains(fit.half_life));
    assert!(fit.practice_to_90_interval.contains(fit.practice_to_90));
    assert!(
        fit.practice_to_90_interval
            .contains(std::f64::consts::LN_10 / 0.05 - 40.0)
    );
    assert!((fit.current_level - fit.predict(40.0)).abs() < 1e-12);
    // Same seed, same intervals.
    let again = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    assert_eq!(fit, again);
}

#[test]
fn sanitises_unsorted_duplicate_and_invalid_points() {
    let truth = exponential(20.0, B, 0.05);
    let mut points = synthetic(&truth, Direction::LowerIsBetter, 60, 100.0, 0.01 * B, 9);
    let clean = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    points.reverse();
    points.push(asymptote_science::curves::Point::new(f64::NAN, 3.0));
    points.push(asymptote_science::curves::Point::new(5.0, f64::INFINITY));
    points.push(asymptote_science::curves::Point::new(-1.0, 50.0));
    let messy = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    assert_eq!(messy.points_dropped, 3);
    assert_eq!(messy.points_used, 60);
    assert!((messy.asymptote - clean.asymptote).abs() < 1e-9);
    // Repeated measurements at the same practice are kept, not merged.
    let doubled: Vec<_> = synthetic(&truth, Direction::LowerIsBetter, 30, 100.0, 0.01 * B, 10)
        .into_iter()
        .flat_map(|p| [p, asymptote_science::curves::Point::new(p.x, p.y + 0.3)])
        .collect();
    let fit = fit_learning_curve(&doubled, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    assert_eq!(fit.points_used, 60);
}
