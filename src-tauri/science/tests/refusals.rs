//! Honest refusals: no curve is drawn when the data cannot support one, and the reason is
//! the right one.
#![allow(clippy::unwrap_used)]

mod common;

use asymptote_science::curves::{
    Direction, FitOptions, Point, Refusal, Units, explain, fit_learning_curve, sample_curve,
};
use common::{exponential, synthetic};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

fn lower() -> FitOptions {
    FitOptions::new(Direction::LowerIsBetter)
}

fn noisy_line(n: usize, intercept: f64, slope: f64, sd: f64, seed: u64) -> Vec<Point> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, sd).unwrap();
    (0..n)
        .map(|i| {
            let x = i as f64;
            Point::new(x, intercept + slope * x + noise.sample(&mut rng))
        })
        .collect()
}

#[test]
fn too_few_points() {
    let four: Vec<Point> = (0..4)
        .map(|i| Point::new(f64::from(i), 10.0 - f64::from(i)))
        .collect();
    assert_eq!(
        fit_learning_curve(&four, &lower()),
        Err(Refusal::TooFewPoints {
            usable: 4,
            needed: 6
        })
    );
    assert_eq!(
        fit_learning_curve(&[], &lower()),
        Err(Refusal::TooFewPoints {
            usable: 0,
            needed: 6
        })
    );
    // Ten measurements at only three practice amounts are three points of a curve.
    let repeated: Vec<Point> = (0..10)
        .map(|i| Point::new(f64::from(i % 3), 10.0 - f64::from(i % 3)))
        .collect();
    assert_eq!(
        fit_learning_curve(&repeated, &lower()),
        Err(Refusal::TooFewPoints {
            usable: 3,
            needed: 6
        })
    );
    // Invalid points do not count.
    let mut with_nan = four;
    with_nan.push(Point::new(f64::NAN, 1.0));
    assert!(matches!(
        fit_learning_curve(&with_nan, &lower()),
        Err(Refusal::TooFewPoints { usable: 4, .. })
    ));
}

#[test]
fn flat_data_has_no_trend() {
    let constant: Vec<Point> = (0..20).map(|i| Point::new(f64::from(i), 42.0)).collect();
    assert!(matches!(
        fit_learning_curve(&constant, &lower()),
        Err(Refusal::NoTrend { .. })
    ));
    for seed in 0..5 {
        let flat = noisy_line(40, 50.0, 0.0, 3.0, seed);
        for dir in [Direction::LowerIsBetter, Direction::HigherIsBetter] {
            let r = fit_learning_curve(&flat, &FitOptions::new(dir));
            assert!(
                matches!(r, Err(Refusal::NoTrend { .. })),
                "seed {seed} {dir:?}: {r:?}"
            );
        }
    }
}

#[test]
fn getting_worse_is_the_wrong_direction() {
    for seed in 0..5 {
        // Times rising when lower is better.
        let rising = noisy_line(30, 20.0, 1.0, 2.0, seed);
        let r = fit_learning_curve(&rising, &lower());
        assert!(
            matches!(r, Err(Refusal::WrongDirection { .. })),
            "seed {seed}: {r:?}"
        );
        // Accuracy falling when higher is better.
        let falling = noisy_line(30, 0.9, -0.01, 0.02, seed);
        let r = fit_learning_curve(&falling, &FitOptions::new(Direction::HigherIsBetter));
        assert!(
            matches!(r, Err(Refusal::WrongDirection { .. })),
            "seed {seed}: {r:?}"
        );
    }
    // An exponential improvement read with the wrong direction is refused too.
    let improving = synthetic(
        &exponential(20.0, 60.0, 0.05),
        Direction::LowerIsBetter,
        50,
        100.0,
        1.0,
        1,
    );
    let r = fit_learning_curve(&improving, &FitOptions::new(Direction::HigherIsBetter));
    assert!(matches!(r, Err(Refusal::WrongDirection { .. })), "{r:?}");
}

#[test]
fn asymptote_outside_the_physical_range() {
    // Accuracy still climbing steeply at 0.5: every family puts the ceiling above 1.
    let truth = exponential(1.3, 1.2, 0.02);
    let points = synthetic(&truth, Direction::HigherIsBetter, 40, 25.0, 0.003, 2);
    assert!(points.iter().all(|p| (0.0..=1.0).contains(&p.y)));
    let options = FitOptions::new(Direction::HigherIsBetter).with_range(0.0, 1.0);
    match fit_learning_curve(&points, &options) {
        Err(Refusal::AsymptoteOutsideRange { asymptote, bound }) => {
            assert!(asymptote > 1.0);
            assert_eq!(bound, 1.0);
        }
        other => panic!("expected AsymptoteOutsideRange, got {other:?}"),
    }
    // The same data without a range are fitted.
    assert!(fit_learning_curve(&points, &FitOptions::new(Direction::HigherIsBetter)).is_ok());
}

#[test]
fn accuracy_approaching_the_top_of_the_scale_is_fitted_at_the_bound() {
    // True ceiling exactly 1.0. Unconstrained fits land on either side of 1; those above (but
    // within their interval of 1) are refitted with A held at 1 instead of being refused. Both
    // raw noisy data (which can exceed 1, exercising the refit) and data clipped to [0, 1] (as
    // real accuracies are) must give a fit within the range.
    let truth = exponential(1.0, 0.6, 0.1);
    let options = FitOptions::new(Direction::HigherIsBetter).with_range(0.0, 1.0);
    let mut at_bound = 0;
    for clip in [false, true] {
        for seed in 0..10 {
            let points: Vec<Point> =
                synthetic(&truth, Direction::HigherIsBetter, 40, 60.0, 0.02, seed)
                    .into_iter()
                    .map(|p| Point::new(p.x, if clip { p.y.clamp(0.0, 1.0) } else { p.y }))
                    .collect();
            let fit = fit_learning_curve(&points, &options)
                .unwrap_or_else(|r| panic!("seed {seed} clip {clip}: refused {r:?}"));
            assert!(
                fit.asymptote <= 1.0 && fit.asymptote > 0.95,
                "seed {seed}: {}",
                fit.asymptote
            );
            assert!(fit.asymptote_interval.high <= 1.0);
            assert!(fit.asymptote_interval.contains(fit.asymptote));
            for m in &fit.models {
                assert!(m.params.asymptote <= 1.0);
                if m.asymptote_at_bound {
                    assert_eq!(m.params.asymptote, 1.0);
                }
            }
            if fit.asymptote_at_bound {
                at_bound += 1;
                let text = explain(
                    &Ok(fit),
                    Direction::HigherIsBetter,
                    &Units::new("", "sessions"),
                );
                assert!(text[0].contains("the limit of the scale"), "{text:?}");
            }
        }
    }
    // The refit path is exercised, not just the easy one.
    assert!(at_bound >= 2, "{at_bound} of 20 at the bound");
}

#[test]
fn straight_line_improvement_has_no_plateau_yet() {
    for seed in 0..3 {
        let line = noisy_line(30, 100.0, -1.0, 1.0, seed);
        let r = fit_learning_curve(&line, &lower());
        assert_eq!(r, Err(Refusal::NoPlateauYet), "seed {seed}");
    }
}

#[test]
fn invalid_options_are_refused() {
    let points = synthetic(
        &exponential(20.0, 60.0, 0.05),
        Direction::LowerIsBetter,
        30,
        100.0,
        1.0,
        1,
    );
    let mut bad = lower();
    bad.confidence = 1.5;
    assert!(matches!(
        fit_learning_curve(&points, &bad),
        Err(Refusal::InvalidOptions { .. })
    ));
    let reversed = lower().with_range(5.0, 1.0);
    assert!(matches!(
        fit_learning_curve(&points, &reversed),
        Err(Refusal::InvalidOptions { .. })
    ));
}

#[test]
fn refusals_are_explained_with_what_would_help() {
    let units = Units::new("s", "hours");
    let cases = [
        (
            Refusal::TooFewPoints {
                usable: 3,
                needed: 5,
            },
            "at least 5",
        ),
        (
            Refusal::NoTrend {
                rho: 0.1,
                p_value: 0.4,
            },
            "no clear improvement",
        ),
        (
            Refusal::WrongDirection {
                rho: 0.8,
                p_value: 0.001,
            },
            "getting worse",
        ),
        (Refusal::NotConverged, "did not settle"),
        (
            Refusal::NoPlateauYet,
            "do not yet show where you will level off",
        ),
        (
            Refusal::AsymptoteOutsideRange {
                asymptote: 1.2,
                bound: 1.0,
            },
            "outside what the measure can take (at most 1 s)",
        ),
    ];
    for (refusal, phrase) in cases {
        let text = explain(&Err(refusal.clone()), Direction::LowerIsBetter, &units).join(" ");
        assert!(text.contains(phrase), "{refusal:?}: {text}");
        assert!(text.len() > 60, "a reason and a next step: {text}");
    }
}

#[test]
fn a_fit_is_explained_in_plain_english() {
    let truth = exponential(42.0, 30.0, 0.2);
    let points = synthetic(&truth, Direction::LowerIsBetter, 40, 8.0, 0.5, 4);
    let result = fit_learning_curve(&points, &lower());
    let fit = result.as_ref().unwrap();
    let text = explain(&result, Direction::LowerIsBetter, &Units::new("s", "hours"));
    assert!(
        text[0].starts_with("You are approaching a floor of about 4"),
        "{text:?}"
    );
    assert!(text[0].contains(" s (between "), "{text:?}");
    assert!(text.iter().any(|s| s.contains("% of the gap")), "{text:?}");
    assert!(
        text.iter()
            .any(|s| s.contains("more hours to close 90 % of the gap")),
        "{text:?}"
    );
    if fit.best == asymptote_science::curves::Model::Exponential {
        assert!(
            text.iter()
                .any(|s| s.starts_with("Half of the remaining gap closes every"))
        );
    }
    // Sampling the curve for a chart follows the fit.
    let sampled = sample_curve(fit, &[0.0, 4.0, f64::NAN, -1.0, 100.0]);
    assert_eq!(sampled.len(), 3);
    assert!((sampled[2].y - fit.asymptote).abs() < 1e-3);
}
