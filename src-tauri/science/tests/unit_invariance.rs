//! Issue 15, deliverable 2: the unit of the practice axis must not change the answer.
//!
//! The same series is given with practice counted in minutes, hours, 5-, 10- and 15-minute
//! sessions and days of 8 hours (x multiplied by 1, 1/60, 1/5, 1/10, 1/15, 1/480). The model
//! chosen, the asymptote and its interval must be the same (to rounding), and figures counted
//! in practice (half-life, practice to 90 %) must scale with the unit.
#![allow(clippy::unwrap_used)]

mod common;

use asymptote_science::curves::{
    CurveFit, Direction, FitOptions, Params, Point, Refusal, fit_learning_curve,
};
use common::{apex, exponential, power, synthetic};

/// Practice-unit factors applied to a series counted in minutes.
const FACTORS: [f64; 6] = [
    1.0,
    1.0 / 60.0,
    1.0 / 5.0,
    1.0 / 10.0,
    1.0 / 15.0,
    1.0 / 480.0,
];

/// Relative tolerance: the fits differ only by rounding in the rescaled axis.
const TOL: f64 = 1e-6;

fn rel_close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= TOL * scale.max(a.abs()).max(b.abs()).max(f64::MIN_POSITIVE)
}

fn rescale(points: &[Point], factor: f64) -> Vec<Point> {
    points
        .iter()
        .map(|p| Point::new(p.x * factor, p.y))
        .collect()
}

fn kind(result: &Result<CurveFit, Refusal>) -> String {
    match result {
        Ok(fit) => format!("fit {:?}", fit.best),
        Err(refusal) => format!("refusal {}", refusal_name(refusal)),
    }
}

fn refusal_name(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::TooFewPoints { .. } => "too few points",
        Refusal::NoTrend { .. } => "no trend",
        Refusal::WrongDirection { .. } => "wrong direction",
        Refusal::NotConverged => "not converged",
        Refusal::AsymptoteOutsideRange { .. } => "outside range",
        Refusal::NoPlateauYet => "no plateau yet",
        Refusal::InvalidOptions { .. } => "invalid options",
    }
}

/// Fits `points` (practice in minutes) in every unit and checks the answers agree.
fn check(label: &str, points: &[Point], options: &FitOptions) -> Vec<String> {
    let base = fit_learning_curve(points, options);
    let mut failures = Vec::new();
    for factor in FACTORS.iter().skip(1) {
        let other = fit_learning_curve(&rescale(points, *factor), options);
        let tag = format!("{label}, unit ×{factor:.5}");
        match (&base, &other) {
            (Ok(a), Ok(b)) => {
                let span = a.asymptote_interval.high - a.asymptote_interval.low;
                if a.best != b.best {
                    failures.push(format!("{tag}: model {:?} vs {:?}", a.best, b.best));
                    continue;
                }
                if !rel_close(a.asymptote, b.asymptote, span) {
                    failures.push(format!(
                        "{tag}: asymptote {} vs {}",
                        a.asymptote, b.asymptote
                    ));
                }
                if !rel_close(a.asymptote_interval.low, b.asymptote_interval.low, span)
                    || !rel_close(a.asymptote_interval.high, b.asymptote_interval.high, span)
                {
                    failures.push(format!(
                        "{tag}: interval {:?} vs {:?}",
                        a.asymptote_interval, b.asymptote_interval
                    ));
                }
                if !rel_close(a.gap_closed, b.gap_closed, 1.0) {
                    failures.push(format!(
                        "{tag}: gap closed {} vs {}",
                        a.gap_closed, b.gap_closed
                    ));
                }
                for (what, x, y) in [
                    ("half-life", a.half_life, b.half_life),
                    ("practice to 90 %", a.practice_to_90, b.practice_to_90),
                ] {
                    if x < 1e200 && !rel_close(x * factor, y, 0.0) {
                        failures.push(format!("{tag}: {what} {x}·{factor} vs {y}"));
                    }
                }
                if !rel_close(a.relative_rate / factor, b.relative_rate, 0.0) {
                    failures.push(format!(
                        "{tag}: relative rate {} vs {}",
                        a.relative_rate, b.relative_rate
                    ));
                }
                // The curve itself is the same curve on the rescaled axis.
                for p in points {
                    let (ya, yb) = (a.predict(p.x), b.predict(p.x * factor));
                    if !rel_close(ya, yb, span) {
                        failures.push(format!("{tag}: curve at {} is {ya} vs {yb}", p.x));
                        break;
                    }
                }
            }
            (a, b) if kind(a) == kind(b) => {}
            (a, b) => failures.push(format!("{tag}: {} vs {}", kind(a), kind(b))),
        }
    }
    failures
}

/// A generating curve over practice counted in minutes (`x_max` minutes in all).
struct Design {
    label: &'static str,
    params: Params,
    n: usize,
    x_max: f64,
}

fn designs() -> Vec<Design> {
    vec![
        Design {
            label: "exponential, 20 sessions of 15 min",
            params: exponential(20.0, 60.0, 0.01),
            n: 20,
            x_max: 19.0 * 15.0,
        },
        Design {
            label: "exponential, 40 sessions of 10 min",
            params: exponential(20.0, 60.0, 0.008),
            n: 40,
            x_max: 39.0 * 10.0,
        },
        Design {
            // Power law in minutes, with one minute of prior practice.
            label: "power, 30 sessions of 5 min",
            params: power(20.0, 60.0, 0.5),
            n: 30,
            x_max: 29.0 * 5.0,
        },
        Design {
            label: "power, 12 sessions of 1 min",
            params: power(20.0, 60.0, 0.7),
            n: 12,
            x_max: 11.0,
        },
        Design {
            label: "APEX, 60 sessions of 15 min",
            params: apex(20.0, 60.0, 0.002, 0.4),
            n: 60,
            x_max: 59.0 * 15.0,
        },
    ]
}

#[test]
fn the_answer_does_not_depend_on_the_unit_of_practice() {
    let mut failures = Vec::new();
    let mut fitted = 0;
    for design in designs() {
        for direction in [Direction::LowerIsBetter, Direction::HigherIsBetter] {
            for seed in 0..4 {
                let points =
                    synthetic(&design.params, direction, design.n, design.x_max, 1.5, seed);
                let options = FitOptions::new(direction);
                if fit_learning_curve(&points, &options).is_ok() {
                    fitted += 1;
                }
                let label = format!("{} {direction:?} seed {seed}", design.label);
                failures.extend(check(&label, &points, &options));
            }
        }
    }
    assert!(
        fitted >= 30,
        "only {fitted} of 40 series were fitted at all"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_physical_range_does_not_break_the_invariance() {
    // Accuracy approaching 100 %: the asymptote is held at the bound in every unit alike.
    let mut failures = Vec::new();
    for seed in 0..4 {
        let points = synthetic(
            &exponential(1.0, 0.6, 0.02),
            Direction::HigherIsBetter,
            25,
            24.0 * 10.0,
            0.02,
            seed,
        );
        let options = FitOptions::new(Direction::HigherIsBetter).with_range(0.0, 1.0);
        failures.extend(check(&format!("accuracy seed {seed}"), &points, &options));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn session_indices_and_session_minutes_agree() {
    // Sessions counted 0, 1, 2, … and the same sessions counted in 25-minute blocks.
    let points: Vec<Point> = (0..15u8)
        .map(|i| {
            let x = f64::from(i);
            let wobble = [0.4, -0.3, 0.1, -0.2, 0.3][usize::from(i % 5)];
            Point::new(x, 50.0 - 30.0 * (x + 1.0).powf(-0.6) + wobble)
        })
        .collect();
    let options = FitOptions::new(Direction::HigherIsBetter);
    let by_index = fit_learning_curve(&points, &options).unwrap();
    let by_minutes = fit_learning_curve(&rescale(&points, 25.0), &options).unwrap();
    assert_eq!(by_index.best, by_minutes.best);
    assert!(
        rel_close(by_index.asymptote, by_minutes.asymptote, 0.0),
        "{} vs {}",
        by_index.asymptote,
        by_minutes.asymptote
    );
}
