//! Kaernbach's (1991) weighted up-down staircase, "Simple adaptive testing with the weighted
//! up-down method", *Perception & Psychophysics* 49:227–229.
//!
//! After a success the difficulty rises by `step_harder`, after a failure it falls by
//! `step_easier`, with `step_harder / step_easier = (1 − p)/p` for the target success rate `p`
//! (0.176 for p = 0.85). At the difficulty where the success probability is `p` the expected
//! move, `p·step_harder − (1 − p)·step_easier`, is zero, so the staircase hovers there; and
//! since the difficulty stays bounded, the long-run share of successes tends to `p` whatever the
//! person's psychometric function. Unlike Levitt's (1971) transformed up-down rules, any target
//! can be tracked.
//!
//! Difficulty is a plain number, higher = harder, in whatever unit the challenge uses (a tempo,
//! a level, a number of items).

use serde::{Deserialize, Serialize};

use crate::error::ScienceError;

/// `step_harder / step_easier = (1 − p)/p` for target success rate `p`.
///
/// # Errors
/// [`ScienceError::InvalidTarget`] unless `0 < p < 1`.
pub fn kaernbach_ratio(target: f64) -> Result<f64, ScienceError> {
    if target > 0.0 && target < 1.0 {
        Ok((1.0 - target) / target)
    } else {
        Err(ScienceError::InvalidTarget { value: target })
    }
}

/// Largest magnitude accepted for a difficulty or a step, so that no sequence of steps a
/// person could take overflows.
pub const MAX_SETTING: f64 = 1e100;

fn check(name: &str, value: f64, positive: bool) -> Result<(), ScienceError> {
    let ok = value.is_finite() && value.abs() <= MAX_SETTING && (!positive || value > 0.0);
    if ok {
        Ok(())
    } else {
        Err(ScienceError::InvalidSetting {
            name: name.to_owned(),
            value,
            expected: if positive {
                "positive and at most 1e100".to_owned()
            } else {
                "finite and within ±1e100".to_owned()
            },
        })
    }
}

/// Checks a target and step and returns `step_harder`.
fn steps(step_easier: f64, target: f64) -> Result<f64, ScienceError> {
    let ratio = kaernbach_ratio(target)?;
    check("step_easier", step_easier, true)?;
    let step_harder = step_easier * ratio;
    check("step_harder (step_easier·(1−p)/p)", step_harder, true)?;
    Ok(step_harder)
}

/// The next difficulty after `recent` outcomes (`true` = success) at `current`: each success
/// adds `step_easier·(1−p)/p`, each failure subtracts `step_easier`. The order of the outcomes
/// does not change the result; use [`Staircase`] to track reversals or bounds.
///
/// # Errors
/// Invalid target, a step that is not positive and at most [`MAX_SETTING`] (after the
/// weighting too), or a `current` beyond ±[`MAX_SETTING`].
pub fn suggest_next_difficulty(
    current: f64,
    recent: &[bool],
    step_easier: f64,
    target: f64,
) -> Result<f64, ScienceError> {
    let step_harder = steps(step_easier, target)?;
    check("current difficulty", current, false)?;
    let successes = recent.iter().filter(|&&o| o).count() as f64;
    let failures = recent.len() as f64 - successes;
    Ok(current + step_harder * successes - step_easier * failures)
}

/// A weighted up-down staircase with optional bounds, usable in a session or a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staircase {
    difficulty: f64,
    step_easier: f64,
    step_harder: f64,
    target: f64,
    min: Option<f64>,
    max: Option<f64>,
    trials: u64,
    successes: u64,
    last_success: Option<bool>,
    reversals: Vec<f64>,
}

impl Staircase {
    /// Starts at `difficulty`, stepping down by `step_easier` after a failure.
    ///
    /// # Errors
    /// Invalid target or step, or a non-finite start.
    pub fn new(difficulty: f64, step_easier: f64, target: f64) -> Result<Self, ScienceError> {
        let step_harder = steps(step_easier, target)?;
        check("difficulty", difficulty, false)?;
        Ok(Staircase {
            difficulty,
            step_easier,
            step_harder,
            target,
            min: None,
            max: None,
            trials: 0,
            successes: 0,
            last_success: None,
            reversals: Vec::new(),
        })
    }

    /// Keeps the difficulty within `[min, max]` (non-finite ends are ignored).
    #[must_use]
    pub fn with_bounds(mut self, min: f64, max: f64) -> Self {
        self.min = min.is_finite().then_some(min);
        self.max = max.is_finite().then_some(max);
        self.difficulty = self.clamp(self.difficulty);
        self
    }

    fn clamp(&self, d: f64) -> f64 {
        let d = self.min.map_or(d, |m| d.max(m));
        self.max.map_or(d, |m| d.min(m))
    }

    /// The difficulty to attempt next.
    #[must_use]
    pub fn difficulty(&self) -> f64 {
        self.difficulty
    }

    /// Step up after a success: `step_easier·(1−p)/p`.
    #[must_use]
    pub fn step_harder(&self) -> f64 {
        self.step_harder
    }

    /// Step down after a failure.
    #[must_use]
    pub fn step_easier(&self) -> f64 {
        self.step_easier
    }

    /// The target success rate.
    #[must_use]
    pub fn target(&self) -> f64 {
        self.target
    }

    /// Records an outcome at the current difficulty and returns the next difficulty.
    pub fn record(&mut self, success: bool) -> f64 {
        if self.last_success.is_some_and(|last| last != success) {
            self.reversals.push(self.difficulty);
        }
        self.last_success = Some(success);
        self.trials += 1;
        if success {
            self.successes += 1;
            self.difficulty = self.clamp(self.difficulty + self.step_harder);
        } else {
            self.difficulty = self.clamp(self.difficulty - self.step_easier);
        }
        self.difficulty
    }

    /// Attempts recorded.
    #[must_use]
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// Share of recorded attempts that succeeded (0 before any).
    #[must_use]
    pub fn success_rate(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.successes as f64 / self.trials as f64
        }
    }

    /// Difficulties at which the direction of travel reversed.
    #[must_use]
    pub fn reversals(&self) -> &[f64] {
        &self.reversals
    }

    /// The conventional threshold estimate: the mean difficulty at the reversals after the
    /// first `skip` (which reflect the start, not the person). `None` with fewer than 2 left.
    #[must_use]
    pub fn estimate(&self, skip: usize) -> Option<f64> {
        let used = self.reversals.get(skip..)?;
        (used.len() >= 2).then(|| used.iter().sum::<f64>() / used.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ratio_for_85_percent() {
        // (1 − 0.85)/0.85 = 0.17647 (docs/science.md §2: 0.176).
        assert!((kaernbach_ratio(0.85).unwrap() - 0.176_470_588).abs() < 1e-9);
        assert!(kaernbach_ratio(0.0).is_err());
        assert!(kaernbach_ratio(1.0).is_err());
    }

    #[test]
    fn one_failure_undoes_about_five_and_two_thirds_successes() {
        let next = suggest_next_difficulty(10.0, &[true; 17], 1.0, 0.85).unwrap();
        assert!((next - 13.0).abs() < 1e-9);
        let next = suggest_next_difficulty(13.0, &[false, false, false], 1.0, 0.85).unwrap();
        assert!((next - 10.0).abs() < 1e-9);
    }

    #[test]
    fn bounds_and_reversals() {
        let mut s = Staircase::new(5.0, 1.0, 0.5).unwrap().with_bounds(0.0, 6.0);
        assert_eq!(s.record(true), 6.0);
        assert_eq!(s.record(true), 6.0); // clamped
        assert_eq!(s.record(false), 5.0); // reversal at 6
        assert_eq!(s.record(true), 6.0); // reversal at 5
        assert_eq!(s.reversals(), &[6.0, 5.0]);
        assert_eq!(s.estimate(0), Some(5.5));
        assert_eq!(s.estimate(1), None);
        assert!((s.success_rate() - 0.75).abs() < 1e-12);
    }
}
