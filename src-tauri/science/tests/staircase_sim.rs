//! A simulated learner driven by Kaernbach's weighted up-down staircase settles at the target
//! success rate.
#![allow(clippy::unwrap_used)]

use asymptote_science::goldilocks::Staircase;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Logistic psychometric function: success probability at difficulty `d` for a learner whose
/// 50 % point is `threshold`, with spread `slope`.
fn p_success(d: f64, threshold: f64, slope: f64) -> f64 {
    1.0 / (1.0 + ((d - threshold) / slope).exp())
}

/// Runs `trials` attempts and returns (success rate after `burn_in`, staircase).
fn simulate(seed: u64, target: f64, trials: usize, burn_in: usize) -> (f64, Staircase) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut stairs = Staircase::new(2.0, 0.5, target).unwrap();
    let mut successes = 0usize;
    for t in 0..trials {
        let p = p_success(stairs.difficulty(), 10.0, 1.5);
        let success = rng.random::<f64>() < p;
        if t >= burn_in && success {
            successes += 1;
        }
        stairs.record(success);
    }
    (successes as f64 / (trials - burn_in) as f64, stairs)
}

#[test]
fn settles_within_three_points_of_85_percent() {
    for seed in 1..=6 {
        let (rate, stairs) = simulate(seed, 0.85, 2_000, 200);
        assert!((rate - 0.85).abs() <= 0.03, "seed {seed}: rate {rate:.3}");
        // The difficulty where p = 0.85 is 10 − 1.5·ln(0.85/0.15) = 7.398.
        let estimate = stairs.estimate(4).unwrap();
        assert!(
            (estimate - 7.398).abs() < 0.75,
            "seed {seed}: estimate {estimate:.2}"
        );
    }
}

#[test]
fn tracks_other_targets_too() {
    for (seed, target) in [(11, 0.7), (12, 0.75), (13, 0.9)] {
        let (rate, _) = simulate(seed, target, 3_000, 300);
        assert!(
            (rate - target).abs() <= 0.03,
            "target {target}: rate {rate:.3}"
        );
    }
}

#[test]
fn a_plain_one_up_one_down_would_miss_the_target() {
    // Guard that the weighting matters: equal steps (target 0.5) settle near 50 %, far from 85 %.
    let (rate, _) = simulate(21, 0.5, 2_000, 200);
    assert!(
        (rate - 0.5).abs() <= 0.03 && (rate - 0.85).abs() > 0.25,
        "rate {rate:.3}"
    );
}
