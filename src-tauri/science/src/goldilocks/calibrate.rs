//! Calibration across sessions: the next difficulty to try, always, with the verdict beside it.
//!
//! A person logs sessions, each with some attempts and successes at one difficulty. The next
//! difficulty is one step of Kaernbach's (1991) weighted up-down staircase ([`super::staircase`])
//! over the *latest* session's attempts, from the latest difficulty: each success adds
//! `step·(1 − p)/p`, each failure takes away `step`. It is taken in every zone, including "not
//! enough evidence": the staircase needs no verdict to move, and holding it still until the
//! evidence is strong (what Asymptote did before issue 15) is what let the long-run success
//! rate drift to about 89 % against an 85 % target, since a run of 18–20 successes out of 20 is
//! not yet "clearly too easy" and so left the difficulty where it was, exactly when it was too
//! low. Only the latest session counts towards the step because the sessions before it were
//! already answered by the difficulties that followed them; counting them again would move
//! the difficulty several times for the same outcomes.
//!
//! The verdict ([`super::classify`]) is taken over a wider window ([`recent_window`]: the last
//! [`RECENT_SESSIONS`] sessions with attempts, stopping once [`RECENT_ATTEMPTS`] are counted),
//! because a verdict needs evidence and a step does not.
//!
//! The step is a share of the difficulty ([`step_for`]): difficulties come in the person's own
//! unit (a tempo, a level), so a fixed share is the only scale-free choice without knowing the
//! person's psychometric function. Its consequences (how long calibration takes to settle, how
//! far behind a fast learner it runs) are measured in `benches/calibration.rs` and written in
//! docs/science.md §2.

use serde::{Deserialize, Serialize};

use super::staircase::suggest_next_difficulty;
use crate::error::ScienceError;

/// How many recent attempts the verdict looks back over, at most.
pub const RECENT_ATTEMPTS: u64 = 30;
/// How many recent sessions with attempts the verdict looks back over, at most.
pub const RECENT_SESSIONS: usize = 10;
/// The staircase's step towards easier, as a share of the current difficulty.
pub const STEP_SHARE: f64 = 0.02;
/// The smallest step, for difficulties at or near zero.
pub const MIN_STEP: f64 = 0.01;

/// One session's attempts and successes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAttempts {
    /// Attempts made.
    pub attempts: u64,
    /// Of which succeeded.
    pub successes: u64,
}

/// The attempts a verdict is taken over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Successes in the window.
    pub successes: u64,
    /// Attempts in the window.
    pub attempts: u64,
    /// Sessions with attempts in the window.
    pub sessions: usize,
}

/// The newest sessions (`sessions` oldest first; those without attempts are skipped), up to
/// `max_sessions` of them, stopping once `max_attempts` are counted.
#[must_use]
pub fn recent_window(
    sessions: &[SessionAttempts],
    max_sessions: usize,
    max_attempts: u64,
) -> Window {
    let mut w = Window {
        successes: 0,
        attempts: 0,
        sessions: 0,
    };
    for s in sessions.iter().rev().filter(|s| s.attempts > 0) {
        if w.sessions >= max_sessions || w.attempts >= max_attempts {
            break;
        }
        w.attempts += s.attempts;
        w.successes += s.successes.min(s.attempts);
        w.sessions += 1;
    }
    w
}

/// The step towards easier at `difficulty`: `share·|difficulty|`, at least [`MIN_STEP`].
#[must_use]
pub fn step_for(difficulty: f64, share: f64) -> f64 {
    (difficulty.abs() * share).max(MIN_STEP)
}

/// The next difficulty after the `latest` session at `current`: one weighted up-down step per
/// attempt, whatever the verdict.
///
/// For a positive difficulty the staircase runs on its logarithm: each failure multiplies the
/// difficulty by `e^(−share)`, each success by `e^(share·(1−p)/p)`. With a step proportional to
/// the difficulty itself (`share·d` added or taken away), successes, which happen at the lower
/// difficulties, would get the smaller steps, and the long-run rate would settle above the
/// target (by 2–7 points with 5 % steps in `benches/calibration.rs`); on the log scale every
/// step has the same size, so the bounded staircase's long-run rate is the target whatever the
/// person's psychometric function (Kaernbach 1991). A difficulty at or below zero has no
/// logarithm: it moves by [`MIN_STEP`]`·`(1−p)/p up and [`MIN_STEP`] down.
///
/// # Errors
/// As [`suggest_next_difficulty`]; [`ScienceError::InvalidCounts`] when successes exceed
/// attempts; [`ScienceError::InvalidSetting`] for a share that is not positive and finite.
pub fn next_difficulty(
    current: f64,
    latest: SessionAttempts,
    share: f64,
    target: f64,
) -> Result<f64, ScienceError> {
    if latest.successes > latest.attempts {
        return Err(ScienceError::InvalidCounts {
            successes: latest.successes,
            trials: latest.attempts,
        });
    }
    if !(share.is_finite() && share > 0.0 && share <= 1.0) {
        return Err(ScienceError::InvalidSetting {
            name: "step share".to_owned(),
            value: share,
            expected: "positive and at most 1".to_owned(),
        });
    }
    // The order of outcomes does not move a weighted up-down step, so counts suffice.
    let outcomes: Vec<bool> = (0..latest.attempts).map(|i| i < latest.successes).collect();
    if current > 0.0 {
        let log = suggest_next_difficulty(current.ln(), &outcomes, share, target)?;
        let next = log.exp();
        if next.is_finite() && next > 0.0 {
            return Ok(next);
        }
    }
    suggest_next_difficulty(current, &outcomes, MIN_STEP, target)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn s(attempts: u64, successes: u64) -> SessionAttempts {
        SessionAttempts {
            attempts,
            successes,
        }
    }

    #[test]
    fn the_window_stops_at_ten_sessions_or_thirty_attempts() {
        let many = vec![s(2, 1); 20];
        assert_eq!(
            recent_window(&many, RECENT_SESSIONS, RECENT_ATTEMPTS),
            Window {
                successes: 10,
                attempts: 20,
                sessions: 10
            }
        );
        let big = [s(0, 0), s(20, 20), s(20, 10), s(0, 0), s(20, 5)];
        // Newest first: 20 (5 ok), then 20 (10 ok) reaches 40 ≥ 30 and stops.
        assert_eq!(
            recent_window(&big, RECENT_SESSIONS, RECENT_ATTEMPTS),
            Window {
                successes: 15,
                attempts: 40,
                sessions: 2
            }
        );
    }

    #[test]
    fn twenty_of_twenty_moves_the_difficulty_up() {
        // 20 successes at 10 with 2 % steps: 10·e^(20·0.02·0.15/0.85) = 10.731.
        let next = next_difficulty(10.0, s(20, 20), STEP_SHARE, 0.85).unwrap();
        assert!(
            (next - 10.0 * (0.4_f64 * 0.15 / 0.85).exp()).abs() < 1e-9,
            "{next}"
        );
        assert!((next - 10.731).abs() < 1e-3, "{next}");
        // At the target the step is zero on average: 17 of 20 at 85 % leaves 10 where it is.
        let next = next_difficulty(10.0, s(20, 17), STEP_SHARE, 0.85).unwrap();
        assert!((next - 10.0).abs() < 1e-9, "{next}");
        // One failure at 10 with 2 %: 10·e^(−0.02).
        let next = next_difficulty(10.0, s(1, 0), STEP_SHARE, 0.85).unwrap();
        assert!((next - 9.801_987).abs() < 1e-6, "{next}");
        // At zero: absolute minimum steps.
        let next = next_difficulty(0.0, s(1, 0), STEP_SHARE, 0.85).unwrap();
        assert!((next + MIN_STEP).abs() < 1e-12, "{next}");
        assert!(next_difficulty(10.0, s(2, 3), STEP_SHARE, 0.85).is_err());
        assert!(next_difficulty(10.0, s(2, 1), 0.0, 0.85).is_err());
        assert!((step_for(0.0, STEP_SHARE) - MIN_STEP).abs() < 1e-12);
    }
}
