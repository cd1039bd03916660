//! The one error type of this crate.
//!
//! Errors are for inputs a caller got wrong (a confidence level of 1.5, more successes than
//! attempts). Data that cannot support a claim are not errors: a learning curve that cannot be
//! fitted honestly is a [`crate::curves::Refusal`], a challenge with too few attempts is
//! [`crate::goldilocks::Zone::NotEnoughEvidence`].

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What a caller passed that the science engine cannot use.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScienceError {
    /// A confidence level must lie strictly between 0 and 1 (0.95 is usual).
    #[error("confidence level {value} is not between 0 and 1 (use e.g. 0.95)")]
    InvalidConfidence {
        /// The value given.
        value: f64,
    },
    /// Counts where successes exceed attempts.
    #[error("{successes} successes out of {trials} attempts is impossible")]
    InvalidCounts {
        /// Successes given.
        successes: u64,
        /// Attempts given.
        trials: u64,
    },
    /// A target success rate must lie strictly between 0 and 1.
    #[error("target success rate {value} is not between 0 and 1 (use e.g. 0.85)")]
    InvalidTarget {
        /// The value given.
        value: f64,
    },
    /// A setting (a step size, a margin, a difficulty) outside what it can be.
    #[error("{name} must be {expected}, got {value}")]
    InvalidSetting {
        /// Which setting.
        name: String,
        /// The value given.
        value: f64,
        /// What it must be.
        expected: String,
    },
}
