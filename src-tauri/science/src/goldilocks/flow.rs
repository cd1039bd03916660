//! Flow channels: Massimini & Carli's (1988) 8-channel model of experience ("The systematic
//! assessment of flow in daily experience", in Csikszentmihalyi & Csikszentmihalyi (eds.),
//! *Optimal Experience*).
//!
//! Challenge and skill self-ratings are z-scored against the person's own history (the mean
//! and standard deviation of their previous ratings), so "high" means high *for this person*.
//! The plane of (skill z, challenge z) is cut into eight 45° sectors around the person's mean,
//! each centred on one direction:
//!
//! | centre angle | skill | challenge | channel |
//! |---|---|---|---|
//! | 0° | high | average | control |
//! | 45° | high | high | flow |
//! | 90° | average | high | arousal |
//! | 135° | low | high | anxiety |
//! | 180° | low | average | worry |
//! | 225° | low | low | apathy |
//! | 270° | average | low | boredom |
//! | 315° | high | low | relaxation |
//!
//! A rating very near the person's mean lies close to every sector, so its channel is fragile;
//! the z-scores are returned so a caller can show that. With fewer than [`MIN_FLOW_HISTORY`]
//! previous ratings, or no variation in either scale, no channel is given.

use serde::{Deserialize, Serialize};

/// Previous ratings needed before a channel is given (about a week of daily check-ins).
pub const MIN_FLOW_HISTORY: usize = 7;

/// One self-rating of challenge and skill, on any scale the caller uses consistently.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    /// How challenging the activity felt.
    pub challenge: f64,
    /// How skilled the person felt.
    pub skill: f64,
}

/// The eight channels of Massimini & Carli (1988).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum FlowChannel {
    /// High challenge, high skill.
    Flow,
    /// High challenge, average skill.
    Arousal,
    /// High challenge, low skill.
    Anxiety,
    /// Average challenge, low skill.
    Worry,
    /// Low challenge, low skill.
    Apathy,
    /// Low challenge, average skill.
    Boredom,
    /// Low challenge, high skill.
    Relaxation,
    /// Average challenge, high skill.
    Control,
}

/// The outcome of [`flow_channel`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum FlowReading {
    /// The channel and the z-scores it came from.
    Channel {
        /// The channel.
        channel: FlowChannel,
        /// Challenge relative to the person's history, in standard deviations.
        challenge_z: f64,
        /// Skill relative to the person's history, in standard deviations.
        skill_z: f64,
    },
    /// Too few valid previous ratings.
    NotEnoughHistory {
        /// Valid previous ratings.
        have: usize,
        /// Needed.
        need: usize,
    },
    /// Every previous challenge rating, or every skill rating, was the same.
    NoVariation,
    /// The current rating is not a finite number.
    InvalidRating,
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// The channel of `current` given the person's `history` (non-finite ratings are ignored).
#[must_use]
// Casts here are bounded by construction: an angle in [0, 360) divided by 45: 0 to 8.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
pub fn flow_channel(history: &[Rating], current: Rating) -> FlowReading {
    if !(current.challenge.is_finite() && current.skill.is_finite()) {
        return FlowReading::InvalidRating;
    }
    let valid: Vec<Rating> = history
        .iter()
        .copied()
        .filter(|r| {
            r.challenge.is_finite()
                && r.skill.is_finite()
                && r.challenge.abs() < 1e100
                && r.skill.abs() < 1e100
        })
        .collect();
    if valid.len() < MIN_FLOW_HISTORY {
        return FlowReading::NotEnoughHistory {
            have: valid.len(),
            need: MIN_FLOW_HISTORY,
        };
    }
    let (c_mean, c_sd) = mean_sd(&valid.iter().map(|r| r.challenge).collect::<Vec<_>>());
    let (s_mean, s_sd) = mean_sd(&valid.iter().map(|r| r.skill).collect::<Vec<_>>());
    if !(c_sd.is_normal() && s_sd.is_normal()) {
        return FlowReading::NoVariation;
    }
    let challenge_z = (current.challenge - c_mean) / c_sd;
    let skill_z = (current.skill - s_mean) / s_sd;
    if !(challenge_z.is_finite() && skill_z.is_finite()) {
        return FlowReading::InvalidRating;
    }
    let angle = challenge_z.atan2(skill_z).to_degrees().rem_euclid(360.0);
    let sector = ((angle / 45.0).round() as usize) % 8;
    let channel = [
        FlowChannel::Control,
        FlowChannel::Flow,
        FlowChannel::Arousal,
        FlowChannel::Anxiety,
        FlowChannel::Worry,
        FlowChannel::Apathy,
        FlowChannel::Boredom,
        FlowChannel::Relaxation,
    ][sector];
    FlowReading::Channel {
        channel,
        challenge_z,
        skill_z,
    }
}
