//! Plain-English sentences about a learning curve, for a person rather than a statistician.
//!
//! The wording follows docs/science.md §7: informational feedback (where you are, how far you have
//! come, what is left), no praise or scores; and §3: no promises. A refusal says why no curve
//! is drawn and what would help.

use serde::{Deserialize, Serialize};

use super::{CurveFit, Direction, Model, Refusal};

/// The units a caller measures in, used in sentences and chart axes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    /// Unit of the measure, e.g. `"s"`, `"errors"`, `"%"`; may be empty.
    pub measure: String,
    /// Unit of practice, plural, e.g. `"hours"` or `"sessions"`.
    pub practice: String,
    /// The practice axis counts the sessions *before* each point (0 for the first session), so
    /// the person's own count at a point is one more: the 60th session sits at x = 59.
    #[serde(default)]
    pub sessions_before: bool,
}

impl Units {
    /// Units from two strings.
    #[must_use]
    pub fn new(measure: impl Into<String>, practice: impl Into<String>) -> Self {
        Units {
            measure: measure.into(),
            practice: practice.into(),
            sessions_before: false,
        }
    }

    /// Units for a practice axis of sessions before each point: the sentences then count
    /// sessions as the person does ("after 60 sessions" for 60 logged).
    #[must_use]
    pub fn sessions_before(measure: impl Into<String>) -> Self {
        Units {
            measure: measure.into(),
            practice: "sessions".to_owned(),
            sessions_before: true,
        }
    }

    fn with_measure(&self, value: f64) -> String {
        if self.measure.is_empty() {
            number(value)
        } else {
            format!("{} {}", number(value), self.measure)
        }
    }
}

/// A number rounded as a person would say it: 42, 6.1, 0.93, 1.2e6.
#[must_use]
// Casts here are bounded by construction: a digit count of a finite number below 1: 1 to ~300.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return "an unknown amount".to_owned();
    }
    let a = v.abs();
    let s = if a >= 1e6 {
        format!("{v:.1e}")
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        // Two significant digits.
        let digits = (-a.log10().floor()) as usize + 1;
        format!("{v:.digits$}")
    };
    let s = if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

/// " (between LOW and HIGH SUFFIX)"; " (a tight estimate)" when both ends read the same at
/// the precision shown ("between 18 and 18" would read as a mistake); and a plain sentence
/// when an end is unknown.
fn between(low: f64, high: f64, suffix: &str) -> String {
    if !low.is_finite() || !high.is_finite() {
        return " (its range could not be estimated)".to_owned();
    }
    let (l, h) = (number(low), number(high));
    if l == h {
        " (a tight estimate)".to_owned()
    } else {
        format!(" (between {l} and {h}{suffix})")
    }
}

/// Sentences for a fit or a refusal.
#[must_use]
pub fn explain(
    result: &Result<CurveFit, Refusal>,
    direction: Direction,
    units: &Units,
) -> Vec<String> {
    match result {
        Ok(fit) => explain_fit(fit, units),
        Err(refusal) => explain_refusal(refusal, direction, units),
    }
}

/// Sentences describing a fitted curve.
#[must_use]
pub fn explain_fit(fit: &CurveFit, units: &Units) -> Vec<String> {
    let practice = &units.practice;
    let level = (fit.confidence * 100.0).round();
    let limit = fit.direction.limit_word();
    let so_far = if units.sessions_before {
        let n = fit.last_x + 1.0;
        format!(
            "After {} session{}",
            number(n),
            if number(n) == "1" { "" } else { "s" }
        )
    } else {
        format!("After {} {practice} of practice", number(fit.last_x))
    };
    let mut out = vec![
        format!(
            "You are approaching a {limit} of about {}{}{}.",
            units.with_measure(fit.asymptote),
            between(
                fit.asymptote_interval.low,
                fit.asymptote_interval.high,
                &if units.measure.is_empty() {
                    String::new()
                } else {
                    format!(" {}", units.measure)
                }
            ),
            if fit.asymptote_at_bound {
                ", the limit of the scale"
            } else {
                ""
            },
        ),
        format!(
            "{so_far} the curve puts you at about {}, and you have closed {} % of the gap \
             between where you started and that {limit}.",
            units.with_measure(fit.current_level),
            (fit.gap_closed * 100.0).floor(),
        ),
    ];
    let hl = &fit.half_life_interval;
    if fit.best == Model::Exponential {
        out.push(format!(
            "Half of the remaining gap closes every {} {practice} of practice{}.",
            number(fit.half_life),
            between(hl.low, hl.high, ""),
        ));
    } else {
        out.push(format!(
            "The next half of the remaining gap should close in about {} {practice} of practice{}; \
             on this curve each half takes longer than the one before.",
            number(fit.half_life),
            between(hl.low, hl.high, ""),
        ));
    }
    let p = &fit.practice_to_90_interval;
    if fit.practice_to_90 <= 0.0 {
        out.push(
            "You have already closed more than 90 % of the gap: further gains here will be \
             small, and a harder variant or a new sub-skill may teach you more."
                .to_owned(),
        );
    } else if p.high > 100.0 * fit.last_x.max(1.0) {
        out.push(format!(
            "About {} more {practice} to close 90 % of the gap (at least {}, possibly far longer).",
            number(fit.practice_to_90),
            number(p.low),
        ));
    } else {
        out.push(format!(
            "About {} more {practice} to close 90 % of the gap{}.",
            number(fit.practice_to_90),
            between(p.low, p.high, ""),
        ));
    }
    out.push(format!(
        "Best-fitting curve: {} (Akaike weight {:.2} among {} curve{} that fitted); ranges are \
         {level:.0} % intervals.",
        fit.best.name(),
        fit.models.first().map_or(1.0, |m| m.weight),
        fit.models.len(),
        if fit.models.len() == 1 { "" } else { "s" },
    ));
    out
}

/// Sentences saying why no curve is shown and what would help.
#[must_use]
pub fn explain_refusal(refusal: &Refusal, direction: Direction, units: &Units) -> Vec<String> {
    let practice = &units.practice;
    match refusal {
        Refusal::TooFewPoints { usable, needed } => vec![
            format!(
                "There {} only {usable} practice point{} with a measurement so far, and a \
                 learning curve needs at least {needed}.",
                if *usable == 1 { "is" } else { "are" },
                if *usable == 1 { "" } else { "s" },
            ),
            format!(
                "Log {} more session{} with a measured result, and look again.",
                needed.saturating_sub(*usable),
                if needed.saturating_sub(*usable) == 1 {
                    ""
                } else {
                    "s"
                },
            ),
        ],
        Refusal::NoTrend { .. } => vec![
            "Your results so far show no clear improvement: given how much they vary, they \
             look flat, so no curve is drawn."
                .to_owned(),
            "This can be a plateau. Changing the practice (a harder sub-skill, more specific or \
             quicker feedback) tends to help more than more of the same; more measurements will \
             also make a trend easier to see."
                .to_owned(),
        ],
        Refusal::WrongDirection { .. } => vec![
            format!(
                "Your results have been getting worse with practice ({} is better here), so no \
                 learning curve is drawn.",
                match direction {
                    Direction::LowerIsBetter => "lower",
                    Direction::HigherIsBetter => "higher",
                }
            ),
            "Check for fatigue, a change in how you measure, or tasks that got harder; \
             recording the difficulty with each session makes this easier to tell apart."
                .to_owned(),
        ],
        Refusal::NotConverged => vec![
            "The curve fit did not settle on an answer, so nothing is shown rather than a guess."
                .to_owned(),
            format!("More measured sessions, spread over more {practice}, usually fix this."),
        ],
        Refusal::AsymptoteOutsideRange { asymptote, bound } => vec![
            format!(
                "The fitted {} ({}) lies outside what the measure can take ({} {}), so \
                 the curve is not trusted.",
                direction.limit_word(),
                units.with_measure(*asymptote),
                if asymptote > bound {
                    "at most"
                } else {
                    "at least"
                },
                units.with_measure(*bound),
            ),
            "More measurements near your current level will show where you actually level off."
                .to_owned(),
        ],
        Refusal::NoPlateauYet => vec![
            format!(
                "You are still improving steadily, and the data do not yet show where you will \
                 level off, so no {} is estimated.",
                direction.limit_word()
            ),
            format!(
                "Keep logging: the {} can be estimated once the curve starts to bend.",
                direction.limit_word()
            ),
        ],
        Refusal::InvalidOptions { message } => {
            vec![format!("The curve could not be fitted: {message}.")]
        }
    }
}

#[cfg(test)]
mod between_tests {
    use super::between;

    #[test]
    fn a_range_whose_ends_read_the_same_is_called_tight() {
        assert_eq!(between(17.99, 18.004, " min"), " (a tight estimate)");
        assert_eq!(between(17.2, 18.9, " min"), " (between 17 and 19 min)");
        assert_eq!(
            between(f64::NAN, f64::NAN, ""),
            " (its range could not be estimated)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(number(41.7), "42");
        assert_eq!(number(6.14), "6.1");
        assert_eq!(number(6.0), "6");
        assert_eq!(number(0.934), "0.93");
        assert_eq!(number(0.0123), "0.012");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0001), "-0.0001");
        assert_eq!(number(2_500_000.0), "2.5e6");
        assert_eq!(number(f64::NAN), "an unknown amount");
    }
}
