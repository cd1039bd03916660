//! Simulated learners for calibration (issue 15): shared by `tests/calibration_sim.rs` and
//! `benches/calibration.rs`, so the test and the benchmark measure the same thing.
//!
//! A learner succeeds at difficulty `d` with probability `1 / (1 + e^{−(skill − d)/spread})`:
//! logistic in skill − difficulty, `spread` difficulty units per logit (a small spread is a
//! steep psychometric function). Skill is fixed at 100 or rises from 100 to 110 over the 500
//! attempts (fast at first, then slower: `100 + 10·(1 − e^{−t/150}) / (1 − e^{−500/150})`).
//! Each session has 10 attempts at one difficulty; after it, the rule under test gives the
//! next difficulty. Every learner starts at 80, where even the steepest learner succeeds
//! almost always: the too-easy start on which the old rule stalled.
// Counts of a few thousand simulated attempts: the casts cannot lose a value.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

use asymptote_science::goldilocks::{
    self, ClassifyOptions, RECENT_ATTEMPTS, RECENT_SESSIONS, SessionAttempts, Zone,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const ATTEMPTS_PER_SESSION: u64 = 10;
pub const SESSIONS: usize = 50;
/// The long-run rate is taken over sessions `LONG_RUN_FROM..SESSIONS` (attempts 251–500).
pub const LONG_RUN_FROM: usize = 25;
pub const START: f64 = 80.0;
pub const LEARNERS: usize = 200;

/// How the next difficulty is chosen after each session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Asymptote before issue 15: the verdict over the last 10 sessions / 30 attempts, and no
    /// step at all while it is "not enough evidence"; otherwise a weighted up-down step over
    /// every attempt in that window. (Goldilocks then needed no `far_off`, so it is set to 1.)
    OldGated,
    /// Now: a weighted up-down step over the latest session's attempts, in every zone
    /// (`goldilocks::next_difficulty`).
    Staircase,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Skill {
    Fixed,
    Rising,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Family {
    pub skill: Skill,
    /// Difficulty units per logit.
    pub spread: f64,
    /// Step towards easier as a share of the difficulty.
    pub step_share: f64,
    pub target: f64,
}

impl Family {
    pub fn name(&self) -> String {
        format!(
            "{} skill, spread {}, step {} %, target {} %",
            match self.skill {
                Skill::Fixed => "fixed",
                Skill::Rising => "rising",
            },
            self.spread,
            self.step_share * 100.0,
            (self.target * 100.0).round()
        )
    }
}

/// Every family: skill × spread × step × target.
pub fn families() -> Vec<Family> {
    let mut out = Vec::new();
    for target in [0.85, 0.70] {
        for skill in [Skill::Fixed, Skill::Rising] {
            for spread in [2.0, 5.0, 10.0] {
                for step_share in [0.01, 0.02, 0.05] {
                    out.push(Family {
                        skill,
                        spread,
                        step_share,
                        target,
                    });
                }
            }
        }
    }
    out
}

fn skill_at(skill: Skill, attempt: usize) -> f64 {
    match skill {
        Skill::Fixed => 100.0,
        Skill::Rising => {
            let t = attempt as f64;
            100.0 + 10.0 * (1.0 - (-t / 150.0).exp()) / (1.0 - (-500.0_f64 / 150.0).exp())
        }
    }
}

fn p_success(skill: f64, difficulty: f64, spread: f64) -> f64 {
    1.0 / (1.0 + (-(skill - difficulty) / spread).exp())
}

fn next(rule: Rule, family: &Family, current: f64, history: &[SessionAttempts]) -> f64 {
    match rule {
        Rule::Staircase => {
            let latest = *history.last().unwrap();
            goldilocks::next_difficulty(current, latest, family.step_share, family.target).unwrap()
        }
        Rule::OldGated => {
            let step = goldilocks::step_for(current, family.step_share);
            let w = goldilocks::recent_window(history, RECENT_SESSIONS, RECENT_ATTEMPTS);
            let opts = ClassifyOptions {
                target: family.target,
                far_off: 1.0,
                ..ClassifyOptions::default()
            };
            let zone = goldilocks::classify(w.successes, w.attempts, &opts)
                .unwrap()
                .zone;
            if zone == Zone::NotEnoughEvidence {
                current
            } else {
                let outcomes: Vec<bool> = (0..w.attempts).map(|i| i < w.successes).collect();
                goldilocks::suggest_next_difficulty(current, &outcomes, step, family.target)
                    .unwrap()
            }
        }
    }
}

/// What a family of learners did under a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Pooled success rate over sessions `LONG_RUN_FROM..SESSIONS`, all learners.
    pub long_run: f64,
    /// Mean success rate of each session across learners.
    pub per_session: Vec<f64>,
    /// Sessions after which the mean rate over the last 5 sessions stays within ±3 points of
    /// the target to the end (`None` if it never does).
    pub sessions_to_settle: Option<usize>,
}

pub fn run(family: &Family, rule: Rule, learners: usize, seed: u64) -> Outcome {
    let mut per_session = vec![0u64; SESSIONS];
    for learner in 0..learners {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003) + learner as u64);
        let mut difficulty = START;
        let mut history = Vec::with_capacity(SESSIONS);
        for (session, count) in per_session.iter_mut().enumerate() {
            let mut successes = 0;
            for a in 0..ATTEMPTS_PER_SESSION {
                let attempt = session * ATTEMPTS_PER_SESSION as usize + a as usize;
                let p = p_success(skill_at(family.skill, attempt), difficulty, family.spread);
                if rng.random::<f64>() < p {
                    successes += 1;
                }
            }
            *count += successes;
            history.push(SessionAttempts {
                attempts: ATTEMPTS_PER_SESSION,
                successes,
            });
            difficulty = next(rule, family, difficulty, &history);
        }
    }
    let per_attempts = (learners as u64 * ATTEMPTS_PER_SESSION) as f64;
    let per_session: Vec<f64> = per_session
        .iter()
        .map(|&k| k as f64 / per_attempts)
        .collect();
    let tail = &per_session[LONG_RUN_FROM..];
    let long_run = tail.iter().sum::<f64>() / tail.len() as f64;
    let smoothed: Vec<f64> = (0..SESSIONS)
        .map(|i| {
            let from = i.saturating_sub(4);
            per_session[from..=i].iter().sum::<f64>() / (i + 1 - from) as f64
        })
        .collect();
    let sessions_to_settle = (0..SESSIONS)
        .find(|&i| {
            smoothed[i..]
                .iter()
                .all(|r| (r - family.target).abs() <= 0.03)
        })
        .map(|i| i + 1);
    Outcome {
        long_run,
        per_session,
        sessions_to_settle,
    }
}
