//! Property tests: no panic and no NaN or infinity in any output, whatever the input (empty,
//! constant, huge, negative, unsorted, duplicate x, NaN).
// Generated test data: small, non-negative counters, so the narrowing casts cannot lose a value.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use asymptote_science::curves::{
    ChartOptions, CurveFit, Direction, FitOptions, PhysicalRange, Point, Refusal, Units, explain,
    fit_learning_curve, render_svg, sample_curve,
};
use asymptote_science::goldilocks::{
    ClassifyOptions, FlowReading, Rating, Staircase, classify, flow_channel,
    suggest_next_difficulty, wilson_interval,
};
use proptest::prelude::*;

fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(1e100),
        Just(-1e100),
        Just(1e101),
        -10.0..10.0f64,
        -1e6..1e6f64,
        proptest::num::f64::ANY,
    ]
}

/// Arbitrary points, including garbage.
fn garbage_points() -> impl Strategy<Value = Vec<Point>> {
    prop::collection::vec(
        (any_number(), any_number()).prop_map(|(x, y)| Point::new(x, y)),
        0..40,
    )
}

/// Points shaped like a learning curve, at any scale, shuffled, with repeated x and outliers.
fn curve_like_points() -> impl Strategy<Value = Vec<Point>> {
    (
        5usize..60,
        prop_oneof![Just(1e-90), Just(1e-6), Just(1.0), Just(1e6), Just(1e90)],
        -1.0..1.0f64,
        0.0..2.0f64,
        0.0..0.5f64,
        any::<u64>(),
        0usize..4,
    )
        .prop_map(|(n, scale, offset, rate, noise, seed, dup)| {
            // A cheap deterministic pseudo-random sequence: proptest shrinks the seed.
            let mut state = seed | 1;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            };
            let mut points: Vec<Point> = (0..n)
                .map(|i| {
                    let x = if dup > 0 {
                        (i / (dup + 1)) as f64
                    } else {
                        i as f64
                    };
                    let y = scale * (offset + (-rate * x).exp() + noise * next());
                    Point::new(x * scale.sqrt().max(1e-3), y)
                })
                .collect();
            points.reverse();
            points
        })
}

fn any_options() -> impl Strategy<Value = FitOptions> {
    (
        prop_oneof![
            Just(Direction::LowerIsBetter),
            Just(Direction::HigherIsBetter)
        ],
        prop::option::of((any_number(), any_number())),
        prop_oneof![Just(0.95), Just(0.5), 0.0..1.0f64, any_number()],
        any::<u64>(),
    )
        .prop_map(|(direction, range, confidence, seed)| FitOptions {
            direction,
            range: range.map(|(low, high)| PhysicalRange { low, high }),
            confidence,
            seed,
        })
}

fn assert_fit_is_finite(fit: &CurveFit) {
    let json = serde_json::to_string(fit).unwrap();
    // serde_json writes NaN and ±infinity as null, and CurveFit has no optional fields.
    assert!(!json.contains("null"), "non-finite value in {json}");
    assert!((0.0..=1.0).contains(&fit.gap_closed));
    assert!(fit.asymptote_interval.low <= fit.asymptote_interval.high);
    assert!(fit.half_life_interval.contains(fit.half_life));
    assert!(fit.practice_to_90_interval.contains(fit.practice_to_90));
    assert!(fit.half_life >= 0.0 && fit.practice_to_90 >= 0.0);
    assert!(fit.params.gain > 0.0 && fit.params.alpha >= 0.0 && fit.params.beta >= 0.0);
    let total: f64 = fit.models.iter().map(|m| m.weight).sum();
    assert!((total - 1.0).abs() < 1e-9, "weights sum to {total}");
    assert_eq!(fit.best, fit.models[0].model);
}

fn assert_refusal_is_finite(refusal: &Refusal) {
    match refusal {
        Refusal::NoTrend { rho, p_value } | Refusal::WrongDirection { rho, p_value } => {
            assert!(rho.is_finite() && (0.0..=1.0).contains(p_value));
        }
        Refusal::AsymptoteOutsideRange { asymptote, bound } => {
            assert!(asymptote.is_finite() && bound.is_finite());
        }
        _ => {}
    }
}

fn check(points: &[Point], options: &FitOptions) {
    let result = fit_learning_curve(points, options);
    match &result {
        Ok(fit) => {
            assert_fit_is_finite(fit);
            for p in sample_curve(fit, &[0.0, fit.last_x, fit.last_x * 2.0, f64::NAN]) {
                assert!(p.y.is_finite());
            }
        }
        Err(refusal) => assert_refusal_is_finite(refusal),
    }
    for sentence in explain(&result, options.direction, &Units::new("s", "hours")) {
        assert!(
            !sentence.contains("NaN") && !sentence.contains("inf"),
            "{sentence}"
        );
    }
    let svg = render_svg(
        points,
        result.as_ref().ok(),
        &ChartOptions::new("t", "Practice", "Time", Units::new("s", "hours")),
    );
    roxmltree::Document::parse(&svg).unwrap();
}

// PROPTEST_CASES overrides the number of cases (e.g. 3000 for a longer run).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)))]

    #[test]
    fn fitting_garbage_never_panics_or_leaks_non_finite_values(points in garbage_points(), options in any_options()) {
        check(&points, &options);
    }

    #[test]
    fn fitting_curve_like_data_at_any_scale_is_finite(points in curve_like_points(), lower in any::<bool>(), seed in any::<u64>()) {
        let mut options = FitOptions::new(if lower { Direction::LowerIsBetter } else { Direction::HigherIsBetter });
        options.seed = seed;
        check(&points, &options);
    }

    #[test]
    fn constant_data_is_refused(value in any_number(), n in 0usize..30) {
        let points: Vec<Point> = (0..n).map(|i| Point::new(i as f64, value)).collect();
        let result = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter));
        prop_assert!(result.is_err());
    }

    #[test]
    fn wilson_brackets_the_observed_rate(n in 1u64..1_000_000_000_000, frac in 0.0..=1.0f64, confidence in 0.5..0.9999f64) {
        let k = ((n as f64) * frac).floor() as u64;
        let i = wilson_interval(k, n, confidence).unwrap();
        let p = k as f64 / n as f64;
        prop_assert!(i.low.is_finite() && i.high.is_finite());
        prop_assert!(0.0 <= i.low && i.low <= p + 1e-12 && p <= i.high + 1e-12 && i.high <= 1.0);
    }

    #[test]
    fn classify_never_panics(k in any::<u64>(), n in any::<u64>(), target in any_number(), margin in any_number(), confidence in any_number()) {
        let options = ClassifyOptions { target, margin, confidence, min_attempts: 5, far_off: 0.2 };
        if let Ok(c) = classify(k.min(n), n, &options) {
            prop_assert!(c.rate.is_finite() && c.interval.low.is_finite() && c.interval.high.is_finite());
            prop_assert!(!c.evidence.is_empty() && !c.evidence.contains("NaN"));
        }
        let _ = classify(k, n, &ClassifyOptions::default());
    }

    #[test]
    fn staircases_stay_finite(start in -1e6..1e6f64, step in 1e-6..1e3f64, target in 0.01..0.99f64, outcomes in prop::collection::vec(any::<bool>(), 0..300)) {
        let mut stairs = Staircase::new(start, step, target).unwrap();
        for &o in &outcomes {
            prop_assert!(stairs.record(o).is_finite());
        }
        prop_assert!(stairs.estimate(0).is_none_or(f64::is_finite));
        prop_assert!(suggest_next_difficulty(start, &outcomes, step, target).unwrap().is_finite());
    }

    #[test]
    fn staircase_rejects_bad_settings(start in any_number(), step in any_number(), target in any_number()) {
        if let Ok(mut stairs) = Staircase::new(start, step, target) {
            prop_assert!(stairs.record(true).is_finite() || !step.is_finite());
        }
        let _ = suggest_next_difficulty(start, &[true, false], step, target);
    }

    #[test]
    fn flow_channel_never_panics(history in prop::collection::vec((any_number(), any_number()), 0..30), current in (any_number(), any_number())) {
        let history: Vec<Rating> = history.into_iter().map(|(challenge, skill)| Rating { challenge, skill }).collect();
        if let FlowReading::Channel { challenge_z, skill_z, .. } = flow_channel(&history, Rating { challenge: current.0, skill: current.1 }) {
            prop_assert!(challenge_z.is_finite() && skill_z.is_finite());
        }
    }
}
