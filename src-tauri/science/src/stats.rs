//! Small statistical building blocks shared by the curve fitter and the Goldilocks classifier.
//!
//! Distribution quantiles come from `statrs`; linear least squares from `nalgebra`'s SVD. What is
//! written here is only the glue: the information criterion (AICc, Hurvich & Tsai 1989, as given
//! in Burnham & Anderson 2002), Akaike weights, and Spearman's rank correlation as a trend test.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// A closed interval `[low, high]`, used for every uncertainty range this crate reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `value` lies within the interval (ends included).
    #[must_use]
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }

    /// `high - low`.
    #[must_use]
    pub fn width(&self) -> f64 {
        self.high - self.low
    }
}

/// The small-sample corrected Akaike information criterion,
/// `AICc = n·ln(RSS/n) + 2k + 2k(k+1)/(n−k−1)`, for a least-squares fit with `k` parameters to
/// `n` points leaving a residual sum of squares `rss`.
///
/// Returns `None` when the correction is undefined (`n ≤ k + 1`) or `rss` is not a positive
/// finite number. `k` counts every estimated parameter, the error variance σ² included
/// (Burnham & Anderson 2002, §2.2: "K = number of regression parameters + 1" for least
/// squares): 4 for the exponential and power models, 5 for APEX, 2 for a flat line. Leaving
/// σ² out does not change differences between models of equal size, but it under-penalises
/// the small-sample term, most for the bigger model on few points.
#[must_use]
pub fn aicc(rss: f64, n: usize, k: usize) -> Option<f64> {
    if n <= k + 1 || !(rss.is_finite() && rss > 0.0) {
        return None;
    }
    let nf = n as f64;
    let kf = k as f64;
    let value = nf * (rss / nf).ln() + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (nf - kf - 1.0);
    value.is_finite().then_some(value)
}

/// Akaike weights `wᵢ = e^(−Δᵢ/2) / Σⱼ e^(−Δⱼ/2)` with `Δᵢ = AICcᵢ − min AICc`.
///
/// Non-finite criteria get weight 0; if none is finite, every weight is 0.
#[must_use]
pub fn akaike_weights(criteria: &[f64]) -> Vec<f64> {
    let best = criteria
        .iter()
        .copied()
        .filter(|c| c.is_finite())
        .fold(f64::INFINITY, f64::min);
    if !best.is_finite() {
        return vec![0.0; criteria.len()];
    }
    let raw: Vec<f64> = criteria
        .iter()
        .map(|&c| {
            if c.is_finite() {
                (-(c - best) / 2.0).exp()
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    raw.iter().map(|w| w / total).collect()
}

/// Two-sided standard normal quantile for a confidence level: 1.959964 for 0.95.
pub(crate) fn normal_two_sided(confidence: f64) -> f64 {
    match Normal::new(0.0, 1.0) {
        Ok(normal) => normal.inverse_cdf(0.5 + confidence / 2.0),
        Err(_) => 1.959_963_984_540_054,
    }
}

/// Two-sided Student-t quantile with `dof` degrees of freedom (falls back to the normal one).
pub(crate) fn t_two_sided(confidence: f64, dof: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, dof) {
        Ok(t) if dof.is_finite() && dof > 0.0 => {
            let q = t.inverse_cdf(0.5 + confidence / 2.0);
            if q.is_finite() {
                q
            } else {
                normal_two_sided(confidence)
            }
        }
        _ => normal_two_sided(confidence),
    }
}

/// Whether a confidence level is usable (strictly between 0 and 1).
pub(crate) fn valid_confidence(confidence: f64) -> bool {
    confidence.is_finite() && confidence > 0.0 && confidence < 1.0
}

/// Ranks (1-based) with ties given their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &idx in &order[i..=j] {
            out[idx] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation between `x` and `y` with one-sided p-values from the
/// t approximation `t = ρ·√((n−2)/(1−ρ²))` on `n − 2` degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TrendTest {
    /// Spearman's ρ.
    pub rho: f64,
    /// One-sided p-value for ρ > 0.
    pub p_increasing: f64,
    /// One-sided p-value for ρ < 0.
    pub p_decreasing: f64,
}

pub(crate) fn spearman(x: &[f64], y: &[f64]) -> TrendTest {
    let none = TrendTest {
        rho: 0.0,
        p_increasing: 1.0,
        p_decreasing: 1.0,
    };
    let n = x.len().min(y.len());
    if n < 3 {
        return none;
    }
    let rx = ranks(&x[..n]);
    let ry = ranks(&y[..n]);
    let mx = rx.iter().sum::<f64>() / n as f64;
    let my = ry.iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (rx[i] - mx, ry[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return none;
    }
    let rho = (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0);
    let dof = (n - 2) as f64;
    let p_increasing = if rho >= 1.0 {
        0.0
    } else if rho <= -1.0 {
        1.0
    } else {
        let t = rho * (dof / (1.0 - rho * rho)).sqrt();
        match StudentsT::new(0.0, 1.0, dof) {
            Ok(dist) => dist.sf(t),
            Err(_) => 1.0,
        }
    };
    let p_increasing = if p_increasing.is_finite() {
        p_increasing.clamp(0.0, 1.0)
    } else {
        1.0
    };
    TrendTest {
        rho,
        p_increasing,
        p_decreasing: 1.0 - p_increasing,
    }
}

/// Least-squares solution of `design · β ≈ rhs` through nalgebra's SVD.
pub(crate) fn least_squares(design: DMatrix<f64>, rhs: &DVector<f64>) -> Option<DVector<f64>> {
    let svd = design.svd(true, true);
    let solution = svd.solve(rhs, 1e-12).ok()?;
    solution.iter().all(|v| v.is_finite()).then_some(solution)
}

/// The `q`-quantile (0..=1) of already sorted values, linearly interpolated.
// Casts here are bounded by construction: a position in [0, len - 1].
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let pos = q.clamp(0.0, 1.0) * (len - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(len - 1);
            let frac = pos - lo as f64;
            sorted[lo] + (sorted[hi] - sorted[lo]) * frac
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
    }

    #[test]
    fn spearman_perfect_monotone() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let down = [9.0, 7.0, 5.0, 3.0, 1.0];
        let t = spearman(&x, &down);
        assert!((t.rho + 1.0).abs() < 1e-12);
        assert!(t.p_decreasing < 1e-9);
        assert!(t.p_increasing > 0.999);
    }

    #[test]
    fn spearman_known_value() {
        // ρ = 1 − 6Σd²/(n(n²−1)) with ranks x 1..5, y 2,1,4,3,5: Σd² = 4 → ρ = 0.8.
        let t = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 1.0, 4.0, 3.0, 5.0]);
        assert!((t.rho - 0.8).abs() < 1e-12);
        // t = 0.8·√(3/0.36) = 2.3094; one-sided p on 3 dof = 0.052044 (mpmath: I_{3/(3+t²)}(3/2, 1/2)/2).
        assert!(
            (t.p_increasing - 0.052_044).abs() < 1e-5,
            "{}",
            t.p_increasing
        );
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert!((quantile_sorted(&v, 0.5) - 2.5).abs() < 1e-12);
    }

    #[test]
    fn quantile_functions_known_values() {
        assert!((normal_two_sided(0.95) - 1.959_964).abs() < 1e-6);
        // t(0.975, 10) = 2.228139.
        assert!((t_two_sided(0.95, 10.0) - 2.228_139).abs() < 1e-5);
    }
}
