//! Seeded synthetic learners shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use asymptote_science::curves::{Direction, Params, Point};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// `n` points at evenly spaced practice in `[0, x_max]`, from `params` with Gaussian noise.
pub fn synthetic(
    params: &Params,
    direction: Direction,
    n: usize,
    x_max: f64,
    noise_sd: f64,
    seed: u64,
) -> Vec<Point> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, noise_sd).unwrap();
    (0..n)
        .map(|i| {
            let x = x_max * i as f64 / (n - 1) as f64;
            Point::new(x, params.predict(direction, x) + noise.sample(&mut rng))
        })
        .collect()
}

pub fn exponential(asymptote: f64, gain: f64, alpha: f64) -> Params {
    Params {
        asymptote,
        gain,
        alpha,
        beta: 0.0,
        prior_practice: 1.0,
    }
}

pub fn power(asymptote: f64, gain: f64, beta: f64) -> Params {
    Params {
        asymptote,
        gain,
        alpha: 0.0,
        beta,
        prior_practice: 1.0,
    }
}

pub fn apex(asymptote: f64, gain: f64, alpha: f64, beta: f64) -> Params {
    Params {
        asymptote,
        gain,
        alpha,
        beta,
        prior_practice: 1.0,
    }
}

pub mod sim;
