//! Goldilocks challenges: neither too easy nor too hard (docs/science.md §2).
//!
//! - The target success rate defaults to 85 % ("The Eighty Five Percent Rule for optimal
//!   learning", Wilson, Shenhav, Straccia & Cohen 2019, *Nature Communications* 10:4646, whose
//!   optimal error rate is ≈ 15.87 % for binary tasks); callers may change it.
//! - A challenge's recent attempts are judged with the Wilson (1927) score interval
//!   ([`wilson_interval`]), which behaves well for small `n` and rates near 0 or 1, unlike the
//!   Wald interval.
//! - [`Staircase`] and [`suggest_next_difficulty`] implement Kaernbach's (1991) weighted
//!   up-down method (see [`staircase`]).
//! - [`flow_channel`] places a self-rating in Massimini & Carli's (1988) 8-channel model (see
//!   [`flow`]).
//!
//! **Classification rule** ([`classify`]), with `[L, U]` the Wilson interval of the success
//! rate `p̂ = k/n`, target `t` and margin `m`:
//! 1. fewer than `min_attempts` attempts → not enough evidence;
//! 2. `L > t` (the whole interval above the target) → too easy;
//! 3. `U < t` (the whole interval below the target) → too hard;
//! 4. the target inside the interval, `|p̂ − t| ≤ m`, and the interval inside
//!    `[t − f, t + f]` (`f` = `far_off`, 20 points by default) → Goldilocks;
//! 5. the target inside the interval and `|p̂ − t| ≤ m` but the interval still reaching more
//!    than `f` from the target → not enough evidence, and the words say the rate fits the target
//!    but cannot yet tell (4 of 5 is on an interval of 38–96 %: anything from far too hard to
//!    far too easy);
//! 6. otherwise (the rate leans away from the target but the interval still holds it) → not
//!    enough evidence, and the words say which way it leans and how often a result this far
//!    from the target would come up if the true rate were the target (the exact one-sided
//!    binomial tail): 20 of 20 against 85 % is 0.85²⁰ ≈ 4 %, "probably too easy", not "could
//!    still be chance".
//!
//! So "too easy" and "too hard" are claims made at the chosen confidence; "Goldilocks" means
//! the rate is near the target, consistent with it, and known well enough to rule out being
//! far off. A verdict never gates the next difficulty: [`calibrate`] takes a staircase step in
//! every zone, and the evidence is said beside it.

pub mod calibrate;
pub mod flow;
pub mod staircase;

use serde::{Deserialize, Serialize};

use crate::error::ScienceError;
use statrs::distribution::{Binomial, DiscreteCDF};

use crate::stats::{self, Interval};

pub use calibrate::{
    MIN_STEP, RECENT_ATTEMPTS, RECENT_SESSIONS, STEP_SHARE, SessionAttempts, Window,
    next_difficulty, recent_window, step_for,
};
pub use flow::{FlowChannel, FlowReading, MIN_FLOW_HISTORY, Rating, flow_channel};
pub use staircase::{MAX_SETTING, Staircase, kaernbach_ratio, suggest_next_difficulty};

/// The default target success rate (Wilson et al. 2019).
pub const DEFAULT_TARGET: f64 = 0.85;

/// Wilson score interval for `successes` out of `trials` at `confidence` (e.g. 0.95):
///
/// `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`.
///
/// With no trials the interval is `[0, 1]` (nothing is known).
///
/// # Errors
/// [`ScienceError::InvalidCounts`] if `successes > trials`;
/// [`ScienceError::InvalidConfidence`] unless `0 < confidence < 1`.
pub fn wilson_interval(
    successes: u64,
    trials: u64,
    confidence: f64,
) -> Result<Interval, ScienceError> {
    if !stats::valid_confidence(confidence) {
        return Err(ScienceError::InvalidConfidence { value: confidence });
    }
    if successes > trials {
        return Err(ScienceError::InvalidCounts { successes, trials });
    }
    if trials == 0 {
        return Ok(Interval {
            low: 0.0,
            high: 1.0,
        });
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = stats::normal_two_sided(confidence);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Ok(Interval {
        low: (center - half).clamp(0.0, 1.0),
        high: (center + half).clamp(0.0, 1.0),
    })
}

/// Where a challenge sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Zone {
    /// Succeeding clearly more often than the target.
    TooEasy,
    /// Near the target.
    Goldilocks,
    /// Succeeding clearly less often than the target.
    TooHard,
    /// Too few attempts, or a lean that could still be chance.
    NotEnoughEvidence,
}

/// Settings of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifyOptions {
    /// Target success rate (default 0.85).
    pub target: f64,
    /// How far the observed rate may sit from the target and still count as Goldilocks
    /// (default 0.05).
    pub margin: f64,
    /// Confidence of the Wilson interval (default 0.95).
    pub confidence: f64,
    /// Fewest attempts before any verdict (default 5).
    pub min_attempts: u64,
    /// Goldilocks is said only when the interval lies within this distance of the target,
    /// i.e. rules out a rate that far off either way (default 0.20).
    pub far_off: f64,
}

impl Default for ClassifyOptions {
    fn default() -> Self {
        ClassifyOptions {
            target: DEFAULT_TARGET,
            margin: 0.05,
            confidence: 0.95,
            min_attempts: 5,
            far_off: 0.20,
        }
    }
}

/// A verdict with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Classification {
    /// The verdict.
    pub zone: Zone,
    /// Successful attempts.
    pub successes: u64,
    /// Attempts.
    pub attempts: u64,
    /// `successes / attempts` (0 with no attempts).
    pub rate: f64,
    /// Wilson interval of the rate.
    pub interval: Interval,
    /// The target used.
    pub target: f64,
    /// The confidence used.
    pub confidence: f64,
    /// The evidence in words, e.g. "26 of 30 recent attempts succeeded (87 %, 95 % interval
    /// 70–95 %): in the Goldilocks zone."
    pub evidence: String,
}

fn pct(v: f64) -> String {
    format!("{:.0}", (v * 100.0).round())
}

/// Classifies a challenge from its recent attempts (rule in the module doc).
///
/// # Errors
/// Invalid counts, confidence, target (must lie in (0, 1)) or margin (finite, ≥ 0).
pub fn classify(
    successes: u64,
    attempts: u64,
    options: &ClassifyOptions,
) -> Result<Classification, ScienceError> {
    let target = options.target;
    if !(target > 0.0 && target < 1.0) {
        return Err(ScienceError::InvalidTarget { value: target });
    }
    for (name, value) in [("margin", options.margin), ("far_off", options.far_off)] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(ScienceError::InvalidSetting {
                name: name.to_owned(),
                value,
                expected: "finite and at least 0".to_owned(),
            });
        }
    }
    let interval = wilson_interval(successes, attempts, options.confidence)?;
    let rate = if attempts == 0 {
        0.0
    } else {
        successes as f64 / attempts as f64
    };
    let conf = pct(options.confidence);
    let facts = format!(
        "{successes} of {attempts} recent attempt{} succeeded ({} %, {conf} % interval {}–{} %)",
        if attempts == 1 { "" } else { "s" },
        pct(rate),
        pct(interval.low),
        pct(interval.high),
    );
    let t = pct(target);
    let (zone, evidence) = if attempts < options.min_attempts.max(1) {
        (
            Zone::NotEnoughEvidence,
            if attempts == 0 {
                format!(
                    "No attempts recorded yet: not enough evidence (at least {} are needed).",
                    options.min_attempts.max(1)
                )
            } else {
                format!(
                    "{facts}: not enough evidence yet; at least {} attempts are needed.",
                    options.min_attempts
                )
            },
        )
    } else if interval.low > target {
        (
            Zone::TooEasy,
            format!(
                "{facts}: too easy, above the {t} % target even at the low end of the interval. Try a harder variant."
            ),
        )
    } else if interval.high < target {
        (
            Zone::TooHard,
            format!(
                "{facts}: too hard, below the {t} % target even at the high end of the interval. Try an easier variant or a smaller piece."
            ),
        )
    } else if (rate - target).abs() <= options.margin {
        if interval.low >= target - options.far_off && interval.high <= target + options.far_off {
            (
                Zone::Goldilocks,
                format!("{facts}: in the Goldilocks zone."),
            )
        } else {
            (
                Zone::NotEnoughEvidence,
                format!(
                    "{facts}: consistent with the {t} % target, but {attempts} attempts cannot yet tell \
                     whether it is just right: anything from {} % to {} % fits them.",
                    pct(interval.low),
                    pct(interval.high),
                ),
            )
        }
    } else {
        let above = rate > target;
        let lean = if above { "above" } else { "below" };
        let tail = chance_of_a_result_this_far(successes, attempts, target, above);
        let how_often = format!(
            "if the true rate were {t} %, a result this {} would come up about {} of the time",
            if above { "high" } else { "low" },
            share_words(tail)
        );
        let evidence = if tail < 0.05 {
            format!(
                "{facts}: {lean} the {t} % target; {how_often}, so it is probably too {}, although the interval still reaches the target.",
                if above { "easy" } else { "hard" }
            )
        } else {
            format!(
                "{facts}: {lean} the {t} % target, but that could still be chance: {how_often}."
            )
        };
        (Zone::NotEnoughEvidence, evidence)
    };
    Ok(Classification {
        zone,
        successes,
        attempts,
        rate,
        interval,
        target,
        confidence: options.confidence,
        evidence,
    })
}

/// The exact binomial tail: the probability of `successes` or more (`above`) or of `successes`
/// or fewer (otherwise) out of `attempts` when each succeeds with probability `target`.
fn chance_of_a_result_this_far(successes: u64, attempts: u64, target: f64, above: bool) -> f64 {
    let Ok(b) = Binomial::new(target, attempts) else {
        return 1.0;
    };
    if above {
        if successes == 0 {
            1.0
        } else {
            b.sf(successes - 1)
        }
    } else {
        b.cdf(successes)
    }
}

/// "4 %", "18 %", "less than 1 %".
fn share_words(p: f64) -> String {
    if p < 0.005 {
        "less than 1 %".to_owned()
    } else {
        format!("{} %", pct(p))
    }
}

/// [`classify`] from a sequence of outcomes (`true` = success).
///
/// # Errors
/// As [`classify`].
pub fn classify_outcomes(
    outcomes: &[bool],
    options: &ClassifyOptions,
) -> Result<Classification, ScienceError> {
    let successes = outcomes.iter().filter(|&&o| o).count() as u64;
    classify(successes, outcomes.len() as u64, options)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn zero_trials_is_the_whole_range() {
        let i = wilson_interval(0, 0, 0.95).unwrap();
        assert_eq!((i.low, i.high), (0.0, 1.0));
    }

    #[test]
    fn rejects_bad_inputs() {
        assert!(matches!(
            wilson_interval(3, 2, 0.95),
            Err(ScienceError::InvalidCounts { .. })
        ));
        assert!(matches!(
            wilson_interval(1, 2, 1.0),
            Err(ScienceError::InvalidConfidence { .. })
        ));
        assert!(matches!(
            wilson_interval(1, 2, f64::NAN),
            Err(ScienceError::InvalidConfidence { .. })
        ));
        let bad_target = ClassifyOptions {
            target: 1.2,
            ..ClassifyOptions::default()
        };
        assert!(matches!(
            classify(1, 2, &bad_target),
            Err(ScienceError::InvalidTarget { .. })
        ));
    }
}
