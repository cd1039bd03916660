//! Learning curves: how close is this person to their current ceiling on this skill?
//!
//! Implements docs/science.md §1. Per person and per skill (never pooled: averaging exponentials
//! produces a spurious power law, Heathcote, Brown & Mewhort 2000), with `x` the cumulative
//! practice (hours or sessions, the caller's choice), three families are fitted:
//!
//! | model | lower is better | higher is better | k |
//! |---|---|---|---|
//! | exponential (Heathcote et al. 2000) | `A + B·e^(−αx)` | `A − B·e^(−αx)` | 3 |
//! | power (Newell & Rosenbloom 1981) | `A + B·(x/E+1)^(−β)` | `A − B·(x/E+1)^(−β)` | 3 |
//! | APEX (Heathcote et al. 2000) | `A + B·e^(−αx)·(x/E+1)^(−β)` | `A − B·e^(−αx)·(x/E+1)^(−β)` | 4 |
//!
//! **Choice of E.** The power law's prior practice `E` (in APEX too) is one *practice step* of
//! the data, `E = (x_max − x_min)/(d − 1)` over the `d` distinct practice amounts
//! ([`practice_step`]): the mean practice between two measurements, one session when `x`
//! counts sessions, the mean session length when `x` counts time. `x = 0` is then defined, the
//! power law keeps 3 parameters like the exponential, and `B` means the same thing in every
//! family, the whole improvement from zero practice (`f(0) = 1`) to the asymptote. Because `E`
//! scales with `x`, the answer does not depend on the unit of practice (minutes, hours,
//! sessions of any fixed length: issue 15; `tests/unit_invariance.rs`). A fixed `E = 1` did: it
//! meant one minute or one hour depending on the unit. A fitted `E` is poorly identified from
//! a single person's short series. The fit runs on `x/E` and the rates are converted back
//! (`α` per unit of `x` is `α/E` of the rescaled fit; `β` has no unit).
//!
//! **Fit.** Levenberg–Marquardt (`levenberg-marquardt` crate) on `θ = (A, ln B, ln α, ln β)`
//! over standardised `y`, so `B, α, β > 0` hold by construction. Start values come from
//! log-linear fits: for a trial asymptote `A₀` just beyond the best observed value,
//! `ln|y − A₀|` is regressed on `x/E` (exponential), `ln(x/E+1)` (power) or both (APEX), which gives
//! the rates; `A` and `B` then follow from a linear regression of `y` on `f(x)` for those rates.
//! Five trial `A₀` (1 %, 5 %, 20 %, 50 % and 100 % of the observed span beyond the best value)
//! give five log-linear starts; a coarse grid of rates (α from 0.1/x_max to 100/x_max, β from
//! 0.1 to 2.7) adds more, because APEX in particular has a spurious optimum at α → 0 (the
//! power-law boundary) that a single start falls into. Starts are scored on at most 400 evenly
//! spaced points; LM runs from the best three on those points, then once on all the data from
//! the winner, which keeps the cost of 10,000 points low. A model more than 50 AICc units
//! behind on those 400 points is not refined at all ([`Exclusion::ScreenedOut`]).
//!
//! **Physical range.** When the caller gives the measure's range (0..=1 for accuracy), `A` must
//! lie within it. A model whose unconstrained `A` falls outside the range but within its own
//! confidence interval of the bound (accuracy approaching 100 %, fitted at 1.003 ± 0.01) is
//! refitted with `A` held at the bound, which is where the bounded least-squares optimum then
//! lies; its `k` still counts `A`, and [`CurveFit::asymptote_at_bound`] says so. A model whose
//! `A` is clearly outside (the bound is outside its interval) is dropped: the data contradict
//! the range, and we do not draw a curve the data did not choose. If every model is dropped
//! the answer is [`Refusal::AsymptoteOutsideRange`].
//!
//! **Choice.** `AICc = n·ln(RSS/n) + 2k + 2k(k+1)/(n−k−1)` ([`aicc`]), `k` counting σ² as well
//! as the curve's parameters (4 for the exponential and power law, 5 for APEX), and Akaike
//! weights ([`akaike_weights`]) over the models that converged; the best has the largest weight.
//! **Learning must be shown**: the best curve must beat a flat line (`k = 2`: mean and σ²) by at least 2 AICc
//! units (Burnham & Anderson's "substantial support"); otherwise we refuse, and Spearman's rank
//! correlation (one-sided, 5 %) tells a flat series ([`Refusal::NoTrend`]) from one that gets
//! worse ([`Refusal::WrongDirection`]).
//!
//! **Uncertainty.** From the Jacobian at the optimum: `Cov(θ) = σ̂²(JᵀJ)⁻¹`, `σ̂² = RSS/(n−k)`.
//! The asymptote interval is `A ± t₍n−k₎·SE(A)` (clamped to the physical range). Half-life and
//! projection intervals come from 2,000 seeded draws of `θ ~ N(θ̂, Cov)`; because the rates are
//! on a log scale the draws stay positive and the intervals asymmetric, as they should be. No
//! bootstrap is run, so the cost does not grow with resampling. With very few points these
//! intervals are approximate (the Wald approximation is optimistic below ~10 points).
//! When the asymptote's interval is wider, on each side, than the whole observed spread of `y`,
//! the data do not locate the ceiling and we say so ([`Refusal::NoPlateauYet`]).
//!
//! **Derived figures** (for the best model, at the last observed practice `x_last`):
//! - current level `T = ŷ(x_last)`;
//! - gap closed `1 − |T − A|/B = 1 − f(x_last)` in `[0, 1]`: the fraction of the total
//!   improvement, from zero practice (`ŷ(0) = A ± B`) to the asymptote, achieved so far;
//! - half-life: practice from now until half of the remaining gap is closed (`ln 2/α` for the
//!   exponential; it grows with practice for the power law and APEX);
//! - relative learning rate `−T′/(T − A) = α + β/(x+E)` at `x_last`;
//! - projection: more practice until 90 % of the total gap is closed (0 once passed).

mod chart;
mod explain;
mod model;

use levenberg_marquardt::{LevenbergMarquardt, TerminationReason};
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::stats::{Interval, aicc, akaike_weights};
pub use chart::{ChartOptions, render_svg};
pub use explain::{Units, explain, explain_fit, explain_refusal};
pub use model::Model;

use crate::stats;
use model::{CurveProblem, Data, log_shape, rates, theta_from};

/// Fewest distinct practice amounts a curve is fitted to: AICc with σ² counted (k = 4 for the
/// exponential and power law) is defined only for n > k + 1, so 6.
pub const MIN_POINTS: usize = 6;

/// Values whose magnitude exceeds this are treated as invalid input (they would overflow the
/// squared residuals).
pub const MAX_MAGNITUDE: f64 = 1e100;

/// Draws used for the half-life and projection intervals.
const DRAWS: usize = 2_000;

/// Points used to choose start values.
const START_SUBSAMPLE: usize = 400;

/// LM runs per model, from the best start values.
const LM_STARTS: usize = 3;

/// A model whose AICc on the start subsample is this far behind the best is not refined on
/// all the data (see [`Exclusion::ScreenedOut`]).
const SCREEN_DELTA: f64 = 50.0;

/// Answers beyond this are reported as this (practically "never").
const CAP: f64 = 1e300;

/// One observation: cumulative practice `x` (≥ 0) and the measured performance `y`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Point {
    /// Cumulative practice (hours or sessions) before this measurement.
    pub x: f64,
    /// The performance measured.
    pub y: f64,
}

impl Point {
    /// A point.
    #[must_use]
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

/// Which way is better for the measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Direction {
    /// Accuracy, speed, score: performance rises towards the asymptote, `A − B·f(x)`.
    HigherIsBetter,
    /// Time, errors: performance falls towards the asymptote, `A + B·f(x)`.
    LowerIsBetter,
}

impl Direction {
    /// `+1` when lower is better (the curve lies above `A`), `−1` otherwise.
    #[must_use]
    pub fn sign(self) -> f64 {
        match self {
            Direction::LowerIsBetter => 1.0,
            Direction::HigherIsBetter => -1.0,
        }
    }

    /// What the asymptote is to a person: a ceiling when higher is better, a floor when lower
    /// is better (a time or an error count falls towards it).
    #[must_use]
    pub fn limit_word(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "ceiling",
            Direction::LowerIsBetter => "floor",
        }
    }
}

/// The range a measure can physically take (e.g. 0..=1 for accuracy, 0.. for a time).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhysicalRange {
    /// Smallest possible value (`f64::NEG_INFINITY` for none).
    pub low: f64,
    /// Largest possible value (`f64::INFINITY` for none).
    pub high: f64,
}

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Which way is better.
    pub direction: Direction,
    /// The physical range of the measure, if it has one.
    pub range: Option<PhysicalRange>,
    /// Confidence level of the reported intervals (default 0.95).
    pub confidence: f64,
    /// Seed of the draws behind the half-life and projection intervals (results are
    /// reproducible for a given seed).
    pub seed: u64,
}

impl FitOptions {
    /// Defaults: no physical range, 95 % intervals, seed 0.
    #[must_use]
    pub fn new(direction: Direction) -> Self {
        FitOptions {
            direction,
            range: None,
            confidence: 0.95,
            seed: 0,
        }
    }

    /// The same options with a physical range.
    #[must_use]
    pub fn with_range(self, low: f64, high: f64) -> Self {
        FitOptions {
            range: Some(PhysicalRange { low, high }),
            ..self
        }
    }
}

/// Fitted parameters of one model, in the caller's units.
///
/// The curve is `asymptote ± gain·e^(−alpha·x)·(x/prior_practice+1)^(−beta)`; a rate the model does not have
/// is 0 (`beta` for the exponential, `alpha` for the power law).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Params {
    /// `A`: the level performance approaches.
    pub asymptote: f64,
    /// `B > 0`: the whole improvement from zero practice to `A`.
    pub gain: f64,
    /// `α ≥ 0`: exponential rate per unit of practice.
    pub alpha: f64,
    /// `β ≥ 0`: power-law exponent.
    pub beta: f64,
    /// `E > 0`: the prior practice of the power term, in the caller's units of practice (one
    /// practice step of the data the curve was fitted to; see the module doc). Fits saved
    /// before it existed used 1.
    #[serde(default = "one")]
    pub prior_practice: f64,
}

fn one() -> f64 {
    1.0
}

impl Params {
    /// `f(x) = e^(−αx)·(x/E+1)^(−β)`, the fraction of the gap still open at practice `x`.
    #[must_use]
    pub fn remaining(&self, x: f64) -> f64 {
        let x = x.max(0.0);
        log_shape(self.alpha, self.beta, x, (x / self.prior()).ln_1p()).exp()
    }

    /// `E`, or 1 when it is not a positive finite number.
    fn prior(&self) -> f64 {
        if self.prior_practice.is_finite() && self.prior_practice > 0.0 {
            self.prior_practice
        } else {
            1.0
        }
    }

    /// The curve's value at practice `x` (negative `x` is treated as 0).
    #[must_use]
    pub fn predict(&self, direction: Direction, x: f64) -> f64 {
        self.asymptote + direction.sign() * self.gain * self.remaining(x)
    }
}

/// One model that converged, with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelFit {
    /// Which family.
    pub model: Model,
    /// Its parameters.
    pub params: Params,
    /// Standard error of the asymptote (Jacobian; from the unconstrained fit when the
    /// asymptote is held at a bound).
    pub asymptote_se: f64,
    /// Whether the asymptote is held at a bound of the physical range (see the module doc).
    pub asymptote_at_bound: bool,
    /// Residual sum of squares.
    pub rss: f64,
    /// AICc.
    pub aicc: f64,
    /// Akaike weight among the models that converged.
    pub weight: f64,
}

/// Why a model took no part in the choice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Exclusion {
    /// `n ≤ k + 1`: AICc is undefined.
    TooFewPoints,
    /// Levenberg–Marquardt did not converge, or the parameters are not identifiable
    /// (singular `JᵀJ`).
    NotConverged,
    /// LM did not converge because it kept pushing the asymptote away from the data (more
    /// than three times the data's spread beyond its best value): the data show no bend yet.
    NoPlateau,
    /// With more than 400 points, the model's AICc on the 400-point subsample used for start
    /// values was more than 50 units behind the best; since AICc differences grow about in
    /// proportion to `n`, it could not win on all the data and was not refined.
    ScreenedOut {
        /// Its AICc minus the best AICc, on the subsample.
        subsample_delta_aicc: f64,
    },
    /// The fitted asymptote lies outside the physical range.
    AsymptoteOutsideRange {
        /// The fitted asymptote.
        asymptote: f64,
    },
}

/// A model left out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExcludedModel {
    /// Which family.
    pub model: Model,
    /// Why.
    pub why: Exclusion,
}

/// A fitted learning curve and what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CurveFit {
    /// Which way is better.
    pub direction: Direction,
    /// The chosen model (largest Akaike weight).
    pub best: Model,
    /// Its parameters.
    pub params: Params,
    /// Every model that converged, best first.
    pub models: Vec<ModelFit>,
    /// Models left out of the choice.
    pub excluded: Vec<ExcludedModel>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// The asymptote `A` of the best model.
    pub asymptote: f64,
    /// Whether `A` is held at a bound of the physical range (e.g. accuracy approaching 1).
    pub asymptote_at_bound: bool,
    /// Its interval.
    pub asymptote_interval: Interval,
    /// Practice at the last observation.
    pub last_x: f64,
    /// The fitted level at `last_x`.
    pub current_level: f64,
    /// Fraction of the total gap (from zero practice to `A`) closed at `last_x`, in `[0, 1]`.
    pub gap_closed: f64,
    /// Practice from `last_x` until half the remaining gap is closed.
    pub half_life: f64,
    /// Its interval.
    pub half_life_interval: Interval,
    /// Relative learning rate `−T′/(T − A)` at `last_x`, per unit of practice.
    pub relative_rate: f64,
    /// More practice (after `last_x`) until 90 % of the total gap is closed; 0 once passed.
    pub practice_to_90: f64,
    /// Its interval.
    pub practice_to_90_interval: Interval,
    /// AICc of a flat line minus AICc of the best curve: the evidence that learning happened.
    pub evidence_vs_flat: f64,
    /// Points used.
    pub points_used: usize,
    /// Points dropped as invalid (non-finite, negative practice, or beyond ±1e100).
    pub points_dropped: usize,
}

impl CurveFit {
    /// The fitted curve's value at practice `x`.
    #[must_use]
    pub fn predict(&self, x: f64) -> f64 {
        self.params.predict(self.direction, x)
    }
}

/// Samples the fitted curve at the given practice values (for charts). Non-finite or negative
/// `x` are skipped.
#[must_use]
pub fn sample_curve(fit: &CurveFit, xs: &[f64]) -> Vec<Point> {
    xs.iter()
        .filter(|x| x.is_finite() && **x >= 0.0)
        .map(|&x| Point::new(x, fit.predict(x)))
        .filter(|p| p.y.is_finite())
        .collect()
}

/// Why no curve is shown. Never a fake curve.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Refusal {
    /// Fewer than [`MIN_POINTS`] distinct practice amounts with a valid measurement.
    #[error("too few points: {usable} usable, {needed} needed")]
    TooFewPoints {
        /// Distinct practice amounts with a valid measurement.
        usable: usize,
        /// How many are needed.
        needed: usize,
    },
    /// No learning trend: the data are flat given their spread.
    #[error("no learning trend (Spearman rho {rho:.2})")]
    NoTrend {
        /// Spearman's rank correlation of performance with practice.
        rho: f64,
        /// One-sided p-value for improvement.
        p_value: f64,
    },
    /// Performance is getting worse with practice.
    #[error("performance is getting worse with practice (Spearman rho {rho:.2})")]
    WrongDirection {
        /// Spearman's rank correlation of performance with practice.
        rho: f64,
        /// One-sided p-value for getting worse.
        p_value: f64,
    },
    /// No model converged.
    #[error("the curve fit did not converge")]
    NotConverged,
    /// Every converged model put the asymptote outside the measure's physical range.
    #[error("the fitted asymptote {asymptote} is beyond the measure's limit {bound}")]
    AsymptoteOutsideRange {
        /// The asymptote of the best-fitting (lowest RSS) model.
        asymptote: f64,
        /// The end of the physical range it crossed (always finite).
        bound: f64,
    },
    /// Still improving without a visible bend: the fit pushes the asymptote away from the
    /// data, or its interval is wider on each side than the whole spread of the data.
    #[error("no plateau yet: the asymptote cannot be located")]
    NoPlateauYet,
    /// The options were unusable (confidence outside (0, 1), a range with low ≥ high).
    #[error("invalid options: {message}")]
    InvalidOptions {
        /// What was wrong.
        message: String,
    },
}

/// A model's raw fit in standardised space.
#[derive(Debug, Clone)]
struct RawFit {
    model: Model,
    /// Full parameter vector `(a, ln b, ln α, ln β)`.
    theta: DVector<f64>,
    rss_scaled: f64,
    /// Covariance of the free parameters: all of `theta`, or `theta[1..]` when `a` is held
    /// at a bound.
    cov: DMatrix<f64>,
    /// Standard error of `a` (from the unconstrained fit when `a` is held at a bound).
    a_se: f64,
    at_bound: bool,
}

impl RawFit {
    /// Covariance of `(ln b, rates)`, whatever was free.
    fn rate_cov(&self) -> DMatrix<f64> {
        let k = self.theta.len();
        if self.at_bound {
            self.cov.clone()
        } else {
            self.cov.view((1, 1), (k - 1, k - 1)).into_owned()
        }
    }
}

/// Fits the three models to `points` and reports the best, or refuses with the reason.
///
/// # Errors
/// A [`Refusal`] when the data cannot honestly support a curve.
pub fn fit_learning_curve(points: &[Point], options: &FitOptions) -> Result<CurveFit, Refusal> {
    validate(options)?;
    let (clean, dropped) = sanitize(points);
    let distinct = count_distinct_x(&clean);
    if distinct < MIN_POINTS {
        return Err(Refusal::TooFewPoints {
            usable: distinct,
            needed: MIN_POINTS,
        });
    }
    let n = clean.len();
    let sign = options.direction.sign();
    let xs: Vec<f64> = clean.iter().map(|p| p.x).collect();
    let ys: Vec<f64> = clean.iter().map(|p| p.y).collect();

    let trend = stats::spearman(&xs, &ys);
    let (p_improving, p_worsening) = match options.direction {
        Direction::LowerIsBetter => (trend.p_decreasing, trend.p_increasing),
        Direction::HigherIsBetter => (trend.p_increasing, trend.p_decreasing),
    };
    let no_learning = || {
        if p_worsening < 0.05 {
            Refusal::WrongDirection {
                rho: trend.rho,
                p_value: p_worsening,
            }
        } else {
            Refusal::NoTrend {
                rho: trend.rho,
                p_value: p_improving,
            }
        }
    };

    let center = ys.iter().sum::<f64>() / n as f64;
    let scale = (ys.iter().map(|y| (y - center).powi(2)).sum::<f64>() / n as f64).sqrt();
    if !(scale.is_normal() && center.is_finite()) {
        return Err(no_learning());
    }
    let y_min = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let y_max = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // The practice axis in steps of the data (see "Choice of E" in the module doc).
    let step = practice_step(&xs);
    let data = Data::new(
        xs.iter().map(|x| x / step).collect(),
        ys.iter().map(|y| (y - center) / scale).collect(),
    );

    let raw = fit_all(&data, sign);

    // Back to the caller's units; drop models outside the physical range.
    let mut fits: Vec<(RawFit, Params, f64, f64)> = Vec::new();
    let mut excluded = Vec::new();
    let mut outside: Option<(f64, f64)> = None; // (rss, asymptote) of the best model outside
    for (model, result) in Model::ALL.iter().zip(raw) {
        match result {
            Err(why) => excluded.push(ExcludedModel { model: *model, why }),
            Ok(fit) => {
                let mut fit = fit;
                let mut params = natural_params(&fit, center, scale, step);
                if let Some(range) = options.range
                    && !(range.low <= params.asymptote && params.asymptote <= range.high)
                {
                    // Past a bound but within its own interval of it: the bounded optimum
                    // lies on the bound, so refit with A held there. Clearly past it: drop.
                    let bound = if params.asymptote > range.high {
                        range.high
                    } else {
                        range.low
                    };
                    let dof = (n - model.parameter_count()) as f64;
                    let reach = stats::t_two_sided(options.confidence, dof) * scale * fit.a_se;
                    let refit = if (params.asymptote - bound).abs() <= reach {
                        refit_at_bound(&data, sign, &fit, (bound - center) / scale).ok()
                    } else {
                        None
                    };
                    match refit {
                        Some(bounded) => {
                            fit = bounded;
                            params = natural_params(&fit, center, scale, step);
                            params.asymptote = bound;
                        }
                        None => {
                            let rss = fit.rss_scaled * scale * scale;
                            if outside.is_none_or(|(r, _)| rss < r) {
                                outside = Some((rss, params.asymptote));
                            }
                            excluded.push(ExcludedModel {
                                model: *model,
                                why: Exclusion::AsymptoteOutsideRange {
                                    asymptote: params.asymptote,
                                },
                            });
                            continue;
                        }
                    }
                }
                let rss = fit.rss_scaled * scale * scale;
                let Some(criterion) = aicc(rss.max(floor_rss(n, scale)), n, model.aicc_k()) else {
                    excluded.push(ExcludedModel {
                        model: *model,
                        why: Exclusion::TooFewPoints,
                    });
                    continue;
                };
                fits.push((fit, params, rss, criterion));
            }
        }
    }

    if fits.is_empty() {
        if p_improving >= 0.05 {
            return Err(no_learning());
        }
        if let (Some((_, asymptote)), Some(range)) = (outside, options.range) {
            let bound = if asymptote > range.high {
                range.high
            } else {
                range.low
            };
            return Err(Refusal::AsymptoteOutsideRange { asymptote, bound });
        }
        if excluded.iter().any(|e| e.why == Exclusion::NoPlateau) {
            return Err(Refusal::NoPlateauYet);
        }
        return Err(Refusal::NotConverged);
    }

    let weights = akaike_weights(&fits.iter().map(|f| f.3).collect::<Vec<_>>());
    let mut models: Vec<ModelFit> = fits
        .iter()
        .zip(&weights)
        .map(|((fit, params, rss, criterion), &weight)| ModelFit {
            model: fit.model,
            params: *params,
            asymptote_se: scale * fit.a_se,
            asymptote_at_bound: fit.at_bound,
            rss: *rss,
            aicc: *criterion,
            weight,
        })
        .collect();
    models.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let best_model = models[0];
    let Some((best_raw, _, _, best_aicc)) = fits.iter().find(|f| f.0.model == best_model.model)
    else {
        return Err(Refusal::NotConverged);
    };

    // Learning must beat a flat line.
    let flat_rss = (n as f64) * scale * scale;
    // A flat line estimates its mean and σ².
    let evidence_vs_flat = match aicc(flat_rss, n, 2) {
        Some(flat) => flat - best_aicc,
        None => 0.0,
    };
    if evidence_vs_flat.is_nan() || evidence_vs_flat < 2.0 {
        return Err(no_learning());
    }

    let params = best_model.params;
    let dof = (n - best_model.model.parameter_count()) as f64;
    let t = stats::t_two_sided(options.confidence, dof);
    let half_width = t * best_model.asymptote_se;
    let mut asymptote_interval = Interval {
        low: params.asymptote - half_width,
        high: params.asymptote + half_width,
    };
    if half_width.is_nan() || half_width > y_max - y_min {
        return Err(Refusal::NoPlateauYet);
    }
    if let Some(range) = options.range {
        asymptote_interval.low = asymptote_interval.low.max(range.low);
        asymptote_interval.high = asymptote_interval.high.min(range.high);
    }

    let last_x = xs.iter().copied().fold(0.0, f64::max);
    let remaining = params.remaining(last_x);
    // Practice figures are computed on the rescaled axis and counted back in the caller's unit.
    let last_step = last_x / step;
    let in_units = |v: f64| (v * step).clamp(0.0, CAP);
    let (half_life_interval, practice_to_90_interval) =
        projection_intervals(best_raw, last_step, options);
    let interval_in_units = |i: Interval| Interval {
        low: in_units(i.low),
        high: in_units(i.high),
    };
    let (half_life_interval, practice_to_90_interval) = (
        interval_in_units(half_life_interval),
        interval_in_units(practice_to_90_interval),
    );
    let (alpha_step, beta) = rates(best_raw.model, best_raw.theta.as_slice());

    let fit = CurveFit {
        direction: options.direction,
        best: best_model.model,
        params,
        models,
        excluded,
        confidence: options.confidence,
        asymptote: params.asymptote,
        asymptote_at_bound: best_model.asymptote_at_bound,
        asymptote_interval,
        last_x,
        current_level: params.predict(options.direction, last_x),
        gap_closed: (1.0 - remaining).clamp(0.0, 1.0),
        half_life: in_units(half_life(alpha_step, beta, last_step)),
        half_life_interval,
        relative_rate: params.alpha + params.beta / (last_x + step),
        practice_to_90: in_units(more_to_90(alpha_step, beta, last_step)),
        practice_to_90_interval,
        evidence_vs_flat,
        points_used: n,
        points_dropped: dropped,
    };
    if all_finite(&fit) {
        Ok(fit)
    } else {
        Err(Refusal::NotConverged)
    }
}

fn validate(options: &FitOptions) -> Result<(), Refusal> {
    if !stats::valid_confidence(options.confidence) {
        return Err(Refusal::InvalidOptions {
            message: format!(
                "confidence {} must be between 0 and 1 (e.g. 0.95)",
                describe(options.confidence)
            ),
        });
    }
    if let Some(range) = options.range
        && (range.low.is_nan() || range.high.is_nan() || range.low >= range.high)
    {
        return Err(Refusal::InvalidOptions {
            message: format!(
                "physical range {} to {} must have low < high",
                describe(range.low),
                describe(range.high)
            ),
        });
    }
    Ok(())
}

/// A number for a message: non-finite values in words.
fn describe(v: f64) -> String {
    if v.is_nan() {
        "not a number".to_owned()
    } else if v == f64::INFINITY {
        "+∞".to_owned()
    } else if v == f64::NEG_INFINITY {
        "−∞".to_owned()
    } else {
        v.to_string()
    }
}

/// Keeps finite points with `x ≥ 0` and magnitudes within [`MAX_MAGNITUDE`], sorted by `x`
/// (stable, so repeated measurements at the same `x` are all kept: they are real observations).
fn sanitize(points: &[Point]) -> (Vec<Point>, usize) {
    let ok = |v: f64| v.is_finite() && v.abs() <= MAX_MAGNITUDE;
    let mut clean: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| ok(p.x) && ok(p.y) && p.x >= 0.0)
        .collect();
    clean.sort_by(|a, b| a.x.total_cmp(&b.x));
    let dropped = points.len() - clean.len();
    (clean, dropped)
}

fn count_distinct_x(sorted: &[Point]) -> usize {
    let mut count = 0;
    let mut last = f64::NAN;
    for p in sorted {
        if p.x != last {
            count += 1;
            last = p.x;
        }
    }
    count
}

/// RSS below this (relative precision 1e-12 of the data's spread) is treated as this, so a
/// perfect fit has a finite AICc.
fn floor_rss(n: usize, scale: f64) -> f64 {
    (n as f64) * (1e-12 * scale).powi(2)
}

/// Parameters in the caller's units from a fit on `y` standardised by `(center, scale)` and
/// `x` divided by `step`.
fn natural_params(fit: &RawFit, center: f64, scale: f64, step: f64) -> Params {
    let (alpha, beta) = rates(fit.model, fit.theta.as_slice());
    Params {
        asymptote: center + scale * fit.theta[0],
        gain: scale * fit.theta[1].exp(),
        alpha: alpha / step,
        beta,
        prior_practice: step,
    }
}

/// The mean practice between two distinct measured amounts, `(x_max − x_min)/(d − 1)`: the
/// unit the fit counts practice in, and the power law's `E` (sorted `xs` with at least two
/// distinct values; 1 otherwise).
#[must_use]
pub fn practice_step(xs: &[f64]) -> f64 {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut distinct = 0usize;
    let mut last = f64::NAN;
    for &x in xs {
        if x != last {
            distinct += 1;
            last = x;
        }
    }
    let step = (hi - lo) / distinct.saturating_sub(1).max(1) as f64;
    if step.is_normal() && step > 0.0 {
        step
    } else {
        1.0
    }
}

fn fit_all(data: &Data, sign: f64) -> Vec<Result<RawFit, Exclusion>> {
    let n = data.len();
    let sub = data.subsample(START_SUBSAMPLE);
    let subsampled = sub.len() < n;
    let x_max = data
        .x
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);

    // Phase 1: multi-start on the subsample (all the data when n ≤ 400).
    let exp = fit_subsample(&sub, n, Model::Exponential, sign, x_max, &[]);
    let pow = fit_subsample(&sub, n, Model::Power, sign, x_max, &[]);
    let exp_alpha = exp
        .as_ref()
        .ok()
        .map(|f| rates(Model::Exponential, f.1.as_slice()).0);
    let pow_beta = pow
        .as_ref()
        .ok()
        .map(|f| rates(Model::Power, f.1.as_slice()).1);
    let mut extra = Vec::new();
    if let Some(a) = exp_alpha {
        extra.push((a, 0.05));
    }
    if let Some(b) = pow_beta {
        extra.push((0.05 / x_max, b));
    }
    if let (Some(a), Some(b)) = (exp_alpha, pow_beta) {
        extra.push((a / 2.0, b / 2.0));
    }
    let apex = fit_subsample(&sub, n, Model::Apex, sign, x_max, &extra);
    let phase1 = [
        (Model::Exponential, exp),
        (Model::Power, pow),
        (Model::Apex, apex),
    ];

    // Screening: a model far behind on the subsample cannot catch up on 25× more data of the
    // same curve, so it is not refined (this keeps 10,000-point fits fast: a power law fitted
    // to exponential data crawls along a flat valley with A running away).
    let sub_aicc = |model: Model, objective: f64| {
        aicc(
            (2.0 * objective).max(floor_rss(sub.len(), 1.0)),
            sub.len(),
            model.aicc_k(),
        )
    };
    let best_sub = phase1
        .iter()
        .filter_map(|(m, r)| r.as_ref().ok().and_then(|(o, _)| sub_aicc(*m, *o)))
        .fold(f64::INFINITY, f64::min);

    // Phase 2: refine on all the data and compute the covariance.
    phase1
        .into_iter()
        .map(|(model, result)| {
            let (objective, theta) = result?;
            if !subsampled {
                return finish(data, model, sign, theta);
            }
            if let Some(c) = sub_aicc(model, objective)
                && c - best_sub > SCREEN_DELTA
            {
                return Err(Exclusion::ScreenedOut {
                    subsample_delta_aicc: c - best_sub,
                });
            }
            match run_lm(data, model, sign, theta) {
                LmRun::Converged(_, theta) => finish(data, model, sign, theta),
                LmRun::Failed(theta) if ran_away(data, sign, &theta) => Err(Exclusion::NoPlateau),
                LmRun::Failed(_) => Err(Exclusion::NotConverged),
            }
        })
        .collect()
}

/// Best of [`LM_STARTS`] LM runs on the subsample: `(½·RSS, θ)`.
fn fit_subsample(
    sub: &Data,
    n: usize,
    model: Model,
    sign: f64,
    x_max: f64,
    extra_rates: &[(f64, f64)],
) -> Result<(f64, DVector<f64>), Exclusion> {
    let k = model.parameter_count();
    if n <= k + 1 || sub.len() <= k + 1 {
        return Err(Exclusion::TooFewPoints);
    }
    let mut best: Option<(f64, DVector<f64>)> = None;
    let mut runaway = false;
    for start in start_values(sub, model, sign, x_max, extra_rates)
        .into_iter()
        .take(LM_STARTS)
    {
        match run_lm(sub, model, sign, start) {
            LmRun::Converged(objective, theta) => {
                if best.as_ref().is_none_or(|(o, _)| objective < *o) {
                    best = Some((objective, theta));
                }
            }
            LmRun::Failed(theta) => runaway |= ran_away(sub, sign, &theta),
        }
    }
    match best {
        Some(found) => Ok(found),
        None if runaway => Err(Exclusion::NoPlateau),
        None => Err(Exclusion::NotConverged),
    }
}

/// RSS and the Jacobian covariance at `theta` on all the data.
fn finish(data: &Data, model: Model, sign: f64, theta: DVector<f64>) -> Result<RawFit, Exclusion> {
    finish_problem(&CurveProblem::new(data, model, sign, theta), model, None)
}

/// RSS and covariance of a solved problem; `a_se` is given when `a` was held at a bound.
fn finish_problem(
    problem: &CurveProblem<'_>,
    model: Model,
    a_se: Option<f64>,
) -> Result<RawFit, Exclusion> {
    use levenberg_marquardt::LeastSquaresProblem;
    let residuals = problem.residuals().ok_or(Exclusion::NotConverged)?;
    let jacobian = problem.jacobian().ok_or(Exclusion::NotConverged)?;
    let n = residuals.len();
    let k = model.parameter_count();
    let rss_scaled = residuals.norm_squared();
    let jtj = jacobian.tr_mul(&jacobian);
    let inverse = nalgebra::Cholesky::new(jtj)
        .map(|c| c.inverse())
        .ok_or(Exclusion::NotConverged)?;
    // k counts the asymptote even when it is held at a bound: the bound was chosen by the data.
    let sigma2 = rss_scaled / (n - k) as f64;
    let cov = inverse * sigma2;
    let theta = problem.theta().clone();
    let at_bound = a_se.is_some();
    let a_se = a_se.unwrap_or_else(|| cov[(0, 0)].max(0.0).sqrt());
    if !(rss_scaled.is_finite()
        && a_se.is_finite()
        && theta.iter().all(|v| v.is_finite())
        && cov.iter().all(|v| v.is_finite()))
    {
        return Err(Exclusion::NotConverged);
    }
    Ok(RawFit {
        model,
        theta,
        rss_scaled,
        cov,
        a_se,
        at_bound,
    })
}

/// The outcome of one Levenberg–Marquardt run.
enum LmRun {
    /// Converged: `½·RSS` and the parameters.
    Converged(f64, DVector<f64>),
    /// Stopped without converging, at these parameters.
    Failed(DVector<f64>),
}

/// One Levenberg–Marquardt run.
fn run_lm(data: &Data, model: Model, sign: f64, start: DVector<f64>) -> LmRun {
    run_problem(CurveProblem::new(data, model, sign, start)).0
}

/// Runs LM on a problem; the outcome and the solved problem.
fn run_problem(problem: CurveProblem<'_>) -> (LmRun, CurveProblem<'_>) {
    let (problem, report) = LevenbergMarquardt::new()
        .with_ftol(1e-8)
        .with_xtol(1e-8)
        .with_gtol(1e-10)
        .with_patience(60)
        .minimize(problem);
    let converged = matches!(
        report.termination,
        TerminationReason::Converged { .. }
            | TerminationReason::Orthogonal
            | TerminationReason::ResidualsZero
            | TerminationReason::NoImprovementPossible(_)
    );
    let objective = report.objective_function;
    let run = if converged && objective.is_finite() {
        LmRun::Converged(objective, problem.theta().clone())
    } else {
        LmRun::Failed(problem.theta().clone())
    };
    (run, problem)
}

/// Refits with the asymptote held at `bound` (standardised units).
fn refit_at_bound(data: &Data, sign: f64, fit: &RawFit, bound: f64) -> Result<RawFit, Exclusion> {
    let problem =
        CurveProblem::with_fixed_asymptote(data, fit.model, sign, bound, fit.theta.clone());
    match run_problem(problem) {
        (LmRun::Converged(..), solved) => finish_problem(&solved, fit.model, Some(fit.a_se)),
        (LmRun::Failed(_), _) => Err(Exclusion::NotConverged),
    }
}

/// Whether parameters put the asymptote more than three spreads of `y` beyond its best value.
fn ran_away(data: &Data, sign: f64, theta: &DVector<f64>) -> bool {
    let y_min = data.y.iter().copied().fold(f64::INFINITY, f64::min);
    let y_max = data.y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = y_max - y_min;
    let extreme = if sign > 0.0 { y_min } else { y_max };
    let beyond = sign * (extreme - theta[0]);
    beyond.is_nan() || beyond > 3.0 * span
}

/// Start values (see the module doc), best first by RSS on the subsample.
fn start_values(
    sub: &Data,
    model: Model,
    sign: f64,
    x_max: f64,
    extra_rates: &[(f64, f64)],
) -> Vec<DVector<f64>> {
    let n = sub.len();
    let y_min = sub.y.iter().copied().fold(f64::INFINITY, f64::min);
    let y_max = sub.y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = y_max - y_min;
    if span.is_nan() || span <= 0.0 {
        return Vec::new();
    }
    let extreme = if sign > 0.0 { y_min } else { y_max };
    let default_alpha = 3.0 / x_max;
    let default_beta = 0.5;
    let clean = |v: f64, default: f64| if v.is_finite() && v > 0.0 { v } else { default };

    let mut candidates: Vec<(f64, f64)> = extra_rates.to_vec();
    // Log-linear fits for trial asymptotes beyond the best observed value.
    for delta in [0.01, 0.05, 0.2, 0.5, 1.0] {
        let a0 = extreme - sign * delta * span;
        let z = DVector::from_iterator(n, sub.y.iter().map(|y| (sign * (y - a0)).ln()));
        let cols = match model {
            Model::Exponential | Model::Power => 2,
            Model::Apex => 3,
        };
        let design = DMatrix::from_fn(n, cols, |i, j| match (model, j) {
            (_, 0) => 1.0,
            (Model::Power, 1) | (Model::Apex, 2) => -sub.lx[i],
            _ => -sub.x[i],
        });
        let Some(coef) = stats::least_squares(design, &z) else {
            continue;
        };
        candidates.push(match model {
            Model::Exponential => (clean(coef[1], default_alpha), 0.0),
            Model::Power => (0.0, clean(coef[1], default_beta)),
            Model::Apex => (clean(coef[1], default_alpha), clean(coef[2], default_beta)),
        });
    }
    // A coarse grid of rates, so that a poor log-linear start cannot trap LM (APEX especially
    // has a spurious optimum at α → 0, the power-law boundary).
    let alphas: Vec<f64> = (0..10)
        .map(|i| 0.1 / x_max * 10f64.powf(f64::from(i) / 3.0))
        .collect();
    let betas = [0.1, 0.25, 0.5, 0.8, 1.2, 1.8, 2.7];
    match model {
        Model::Exponential => candidates.extend(alphas.iter().map(|&a| (a, 0.0))),
        Model::Power => candidates.extend(betas.iter().map(|&b| (0.0, b))),
        Model::Apex => {
            for &a in &alphas {
                candidates.extend(betas.iter().map(|&b| (a, b)));
            }
        }
    }

    let mut scored: Vec<(f64, DVector<f64>)> = Vec::new();
    let mut shape = vec![0.0; n];
    for (alpha, beta) in candidates {
        let (alpha, beta) = match model {
            Model::Exponential => (alpha, 0.0),
            Model::Power => (0.0, beta),
            Model::Apex => (alpha, beta),
        };
        if !(alpha >= 0.0 && beta >= 0.0 && alpha.is_finite() && beta.is_finite()) {
            continue;
        }
        for (i, s) in shape.iter_mut().enumerate() {
            *s = log_shape(alpha, beta, sub.x[i], sub.lx[i]).exp();
        }
        let design = DMatrix::from_fn(n, 2, |i, j| if j == 0 { 1.0 } else { sign * shape[i] });
        let Some(ab) = stats::least_squares(design, &DVector::from_column_slice(&sub.y)) else {
            continue;
        };
        let (a, b) = (ab[0], ab[1]);
        if !(b > 0.0 && b.is_finite() && a.is_finite()) {
            continue;
        }
        let rss: f64 = (0..n)
            .map(|i| (a + sign * b * shape[i] - sub.y[i]).powi(2))
            .sum();
        if rss.is_finite() {
            scored.push((rss, theta_from(model, a, b, alpha, beta)));
        }
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored.into_iter().map(|(_, theta)| theta).collect()
}

/// The `x ≥ 0` where `αx + β·ln(1+x) = l` (`l ≥ 0`), i.e. where `f(x) = e^(−l)`.
fn solve_shape(alpha: f64, beta: f64, l: f64) -> f64 {
    let cap = |v: f64| {
        if v.is_finite() {
            v.clamp(0.0, CAP)
        } else {
            CAP
        }
    };
    if l.is_nan() || l <= 0.0 {
        return 0.0;
    }
    match (alpha > 0.0, beta > 0.0) {
        (false, false) => CAP,
        (true, false) => cap(l / alpha),
        (false, true) => cap((l / beta).exp_m1()),
        (true, true) => {
            let mut lo = 0.0;
            let mut hi = (l / alpha).min((l / beta).exp_m1());
            if !hi.is_finite() {
                hi = CAP;
            }
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if alpha * mid + beta * mid.ln_1p() < l {
                    lo = mid;
                } else {
                    hi = mid;
                }
                if hi - lo <= 1e-12 * hi {
                    break;
                }
            }
            cap(0.5 * (lo + hi))
        }
    }
}

/// Practice after `x0` until the remaining gap halves.
fn half_life(alpha: f64, beta: f64, x0: f64) -> f64 {
    let now = alpha * x0 + beta * x0.ln_1p();
    (solve_shape(alpha, beta, now + std::f64::consts::LN_2) - x0).clamp(0.0, CAP)
}

/// Practice after `x0` until 90 % of the total gap is closed (0 if already).
fn more_to_90(alpha: f64, beta: f64, x0: f64) -> f64 {
    (solve_shape(alpha, beta, std::f64::consts::LN_10) - x0).clamp(0.0, CAP)
}

/// Half-life and projection intervals from seeded draws of `θ ~ N(θ̂, Cov)`.
fn projection_intervals(fit: &RawFit, x0: f64, options: &FitOptions) -> (Interval, Interval) {
    let (alpha, beta) = rates(fit.model, fit.theta.as_slice());
    let point = (half_life(alpha, beta, x0), more_to_90(alpha, beta, x0));
    let degenerate = (
        Interval {
            low: point.0,
            high: point.0,
        },
        Interval {
            low: point.1,
            high: point.1,
        },
    );
    // The asymptote does not enter these figures: draw (ln b, rates) only.
    let Some(chol) = nalgebra::Cholesky::new(fit.rate_cov()) else {
        return degenerate;
    };
    let l = chol.l();
    let k = fit.theta.len() - 1;
    let free = fit.theta.rows(1, k).into_owned();
    let mut theta = fit.theta.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut halves = Vec::with_capacity(DRAWS);
    let mut nineties = Vec::with_capacity(DRAWS);
    let mut z = DVector::zeros(k);
    for _ in 0..DRAWS {
        for v in z.iter_mut() {
            *v = StandardNormal.sample(&mut rng);
        }
        theta.rows_mut(1, k).copy_from(&(&free + &l * &z));
        let (a, b) = rates(fit.model, theta.as_slice());
        let (a, b) = (finite_rate(a), finite_rate(b));
        halves.push(half_life(a, b, x0));
        nineties.push(more_to_90(a, b, x0));
    }
    halves.sort_by(f64::total_cmp);
    nineties.sort_by(f64::total_cmp);
    let lo = (1.0 - options.confidence) / 2.0;
    let hi = 1.0 - lo;
    let interval = |sorted: &[f64], p: f64| Interval {
        low: stats::quantile_sorted(sorted, lo).min(p),
        high: stats::quantile_sorted(sorted, hi).max(p),
    };
    (interval(&halves, point.0), interval(&nineties, point.1))
}

fn finite_rate(v: f64) -> f64 {
    if v.is_finite() { v.max(0.0) } else { CAP }
}

fn all_finite(fit: &CurveFit) -> bool {
    let params_ok = |p: &Params| {
        [p.asymptote, p.gain, p.alpha, p.beta]
            .iter()
            .all(|v| v.is_finite())
    };
    let interval_ok = |i: &Interval| i.low.is_finite() && i.high.is_finite();
    params_ok(&fit.params)
        && fit.models.iter().all(|m| {
            params_ok(&m.params)
                && [m.asymptote_se, m.rss, m.aicc, m.weight]
                    .iter()
                    .all(|v| v.is_finite())
        })
        && interval_ok(&fit.asymptote_interval)
        && interval_ok(&fit.half_life_interval)
        && interval_ok(&fit.practice_to_90_interval)
        && [
            fit.asymptote,
            fit.last_x,
            fit.current_level,
            fit.gap_closed,
            fit.half_life,
            fit.relative_rate,
            fit.practice_to_90,
            fit.evidence_vs_flat,
        ]
        .iter()
        .all(|v| v.is_finite())
}
