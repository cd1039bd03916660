//! The three curve families and their Levenberg–Marquardt problem.
//!
//! All three share one shape function, `f(u) = e^(−αu)·(u+1)^(−β)` of the practice counted in
//! steps of the data, `u = x/E` (docs/science.md §1, "Choice of E" in `curves/mod.rs`), so that
//! the unit of `x` does not matter: the exponential has
//! β = 0, the power law α = 0, APEX both. The fitted curve is `y = A + s·B·f(x)` with
//! `s = +1` when lower is better and `s = −1` when higher is better. Because `f(0) = 1` for every
//! family, `B` is always the whole improvement from zero practice to the asymptote.
//!
//! LM works on `θ = (a, ln b, ln α, ln β)` (the rates present in the model only) over
//! standardised `y`, so that `b, α, β > 0` holds by construction and the problem is well scaled
//! whatever the units of the measure.

use levenberg_marquardt::LeastSquaresProblem;
use nalgebra::{DMatrix, DVector, Dyn, Owned};
use serde::{Deserialize, Serialize};

/// A learning-curve family (docs/science.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Model {
    /// `A ± B·e^(−αx)` (Heathcote, Brown & Mewhort 2000).
    Exponential,
    /// `A ± B·(x/E+1)^(−β)`: Newell & Rosenbloom's (1981) power law with prior practice `E`
    /// set to one practice step of the data (not fitted), so that `x = 0` is defined, the model
    /// keeps 3 parameters and the unit of `x` does not matter.
    Power,
    /// `A ± B·e^(−αx)·(x/E+1)^(−β)` (Heathcote et al. 2000), with the same `E`.
    Apex,
}

impl Model {
    /// All three families, in the order they are fitted.
    pub const ALL: [Model; 3] = [Model::Exponential, Model::Power, Model::Apex];

    /// Number of curve parameters `k` used in AICc.
    #[must_use]
    pub fn parameter_count(self) -> usize {
        match self {
            Model::Exponential | Model::Power => 3,
            Model::Apex => 4,
        }
    }
    /// Parameters counted by AICc: the curve's plus the error variance σ².
    #[must_use]
    pub fn aicc_k(self) -> usize {
        self.parameter_count() + 1
    }

    /// A short human name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Model::Exponential => "exponential",
            Model::Power => "power law",
            Model::Apex => "APEX (exponential × power)",
        }
    }
}

/// `ln f(x)` for rates α, β ≥ 0; `lx = ln(1 + x)`.
#[inline]
pub(crate) fn log_shape(alpha: f64, beta: f64, x: f64, lx: f64) -> f64 {
    let mut v = 0.0;
    if alpha > 0.0 {
        v -= alpha * x;
    }
    if beta > 0.0 {
        v -= beta * lx;
    }
    v
}

/// Rates (α, β) from an LM parameter vector (0 for a rate the model lacks).
pub(crate) fn rates(model: Model, theta: &[f64]) -> (f64, f64) {
    match model {
        Model::Exponential => (theta[2].exp(), 0.0),
        Model::Power => (0.0, theta[2].exp()),
        Model::Apex => (theta[2].exp(), theta[3].exp()),
    }
}

/// Build an LM parameter vector from natural parameters (scaled space).
pub(crate) fn theta_from(model: Model, a: f64, b: f64, alpha: f64, beta: f64) -> DVector<f64> {
    match model {
        Model::Exponential => DVector::from_vec(vec![a, b.ln(), alpha.ln()]),
        Model::Power => DVector::from_vec(vec![a, b.ln(), beta.ln()]),
        Model::Apex => DVector::from_vec(vec![a, b.ln(), alpha.ln(), beta.ln()]),
    }
}

/// Observations prepared once per fit: x, ln(1+x) and standardised y.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub x: Vec<f64>,
    pub lx: Vec<f64>,
    pub y: Vec<f64>,
}

impl Data {
    pub fn new(x: Vec<f64>, y: Vec<f64>) -> Self {
        let lx = x.iter().map(|v| v.ln_1p()).collect();
        Data { x, lx, y }
    }

    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Evenly spaced subsample of at most `max` points (all of them when fewer).
    pub fn subsample(&self, max: usize) -> Data {
        if self.len() <= max || max < 2 {
            return self.clone();
        }
        let n = self.len();
        let idx: Vec<usize> = (0..max).map(|i| i * (n - 1) / (max - 1)).collect();
        Data {
            x: idx.iter().map(|&i| self.x[i]).collect(),
            lx: idx.iter().map(|&i| self.lx[i]).collect(),
            y: idx.iter().map(|&i| self.y[i]).collect(),
        }
    }
}

/// The least-squares problem handed to `levenberg_marquardt`.
///
/// With `fixed_a` the asymptote is held at a value (a bound of the physical range) and LM
/// sees only `(ln b, ln α, ln β)`; `theta` always holds the full vector.
#[derive(Debug)]
pub(crate) struct CurveProblem<'a> {
    data: &'a Data,
    model: Model,
    sign: f64,
    fixed_a: Option<f64>,
    theta: DVector<f64>,
    /// `f(xᵢ)` at the current parameters, cached by `set_params` for residuals and Jacobian.
    shape: Vec<f64>,
    valid: bool,
}

impl<'a> CurveProblem<'a> {
    pub fn new(data: &'a Data, model: Model, sign: f64, theta: DVector<f64>) -> Self {
        Self::build(data, model, sign, None, theta)
    }

    /// A problem with the asymptote held at `a`; `theta` is the full vector (its `a` is
    /// replaced).
    pub fn with_fixed_asymptote(
        data: &'a Data,
        model: Model,
        sign: f64,
        a: f64,
        theta: DVector<f64>,
    ) -> Self {
        Self::build(data, model, sign, Some(a), theta)
    }

    fn build(
        data: &'a Data,
        model: Model,
        sign: f64,
        fixed_a: Option<f64>,
        mut theta: DVector<f64>,
    ) -> Self {
        if let Some(a) = fixed_a {
            theta[0] = a;
        }
        let mut problem = CurveProblem {
            data,
            model,
            sign,
            fixed_a,
            theta: theta.clone(),
            shape: vec![0.0; data.len()],
            valid: false,
        };
        let free = problem.params();
        problem.set_params(&free);
        problem
    }

    /// The full parameter vector `(a, ln b, ln α, ln β)` (rates the model has).
    pub fn theta(&self) -> &DVector<f64> {
        &self.theta
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for CurveProblem<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, free: &DVector<f64>) {
        match self.fixed_a {
            Some(a) => {
                self.theta[0] = a;
                self.theta.rows_mut(1, free.len()).copy_from(free);
            }
            None => self.theta.copy_from(free),
        }
        let (alpha, beta) = rates(self.model, self.theta.as_slice());
        let b = self.theta[1].exp();
        self.valid =
            alpha.is_finite() && beta.is_finite() && b.is_finite() && self.theta[0].is_finite();
        for ((s, &x), &lx) in self.shape.iter_mut().zip(&self.data.x).zip(&self.data.lx) {
            *s = log_shape(alpha, beta, x, lx).exp();
        }
    }

    fn params(&self) -> DVector<f64> {
        match self.fixed_a {
            Some(_) => self.theta.rows(1, self.theta.len() - 1).into_owned(),
            None => self.theta.clone(),
        }
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        if !self.valid {
            return None;
        }
        let a = self.theta[0];
        let sb = self.sign * self.theta[1].exp();
        let r = DVector::from_iterator(
            self.data.len(),
            self.shape
                .iter()
                .zip(&self.data.y)
                .map(|(&f, &y)| a + sb * f - y),
        );
        r.iter().all(|v| v.is_finite()).then_some(r)
    }

    fn jacobian(&self) -> Option<DMatrix<f64>> {
        if !self.valid {
            return None;
        }
        let n = self.data.len();
        let k = self.theta.len();
        let sb = self.sign * self.theta[1].exp();
        let (alpha, beta) = rates(self.model, self.theta.as_slice());
        let mut j = DMatrix::zeros(n, k);
        for i in 0..n {
            let f = self.shape[i];
            let g = sb * f;
            j[(i, 0)] = 1.0;
            j[(i, 1)] = g;
            match self.model {
                Model::Exponential => j[(i, 2)] = -alpha * self.data.x[i] * g,
                Model::Power => j[(i, 2)] = -beta * self.data.lx[i] * g,
                Model::Apex => {
                    j[(i, 2)] = -alpha * self.data.x[i] * g;
                    j[(i, 3)] = -beta * self.data.lx[i] * g;
                }
            }
        }
        let j = if self.fixed_a.is_some() {
            j.remove_column(0)
        } else {
            j
        };
        j.iter().all(|v| v.is_finite()).then_some(j)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use levenberg_marquardt::differentiate_numerically;

    #[test]
    fn jacobian_matches_finite_differences() {
        let x: Vec<f64> = (0..12).map(|i| f64::from(i) * 1.7).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.3 + (-0.2 * v).exp()).collect();
        let data = Data::new(x, y);
        for model in Model::ALL {
            for sign in [1.0, -1.0] {
                let theta = theta_from(model, 0.2, 1.3, 0.15, 0.4);
                let mut problem = CurveProblem::new(&data, model, sign, theta);
                let numeric = differentiate_numerically(&mut problem).unwrap();
                let analytic = problem.jacobian().unwrap();
                let err = (numeric - analytic).abs().max();
                assert!(err < 1e-6, "{model:?} sign {sign}: max error {err}");

                let theta = theta_from(model, 0.2, 1.3, 0.15, 0.4);
                let mut fixed = CurveProblem::with_fixed_asymptote(&data, model, sign, 0.1, theta);
                assert_eq!(fixed.params().len(), model.parameter_count() - 1);
                let numeric = differentiate_numerically(&mut fixed).unwrap();
                let analytic = fixed.jacobian().unwrap();
                let err = (numeric - analytic).abs().max();
                assert!(
                    err < 1e-6,
                    "fixed A, {model:?} sign {sign}: max error {err}"
                );
            }
        }
    }
}
