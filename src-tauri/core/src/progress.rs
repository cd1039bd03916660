//! Progress: a challenge's mastery curve and its Goldilocks calibration, read
//! from the store and computed by `asymptote-science` — the one implementation
//! the window, the CLI and exports all use.
//!
//! * The curve (docs/science.md §1): each session's performance value against the
//!   practice done *before* it (cumulative hours, or sessions), fitted with the
//!   exponential, power and APEX models (Heathcote, Brown & Mewhort 2000;
//!   Newell & Rosenbloom 1981) and chosen by AICc — or refused, with the reason.
//! * Calibration (docs/science.md §2): the success rate over recent attempts with its
//!   Wilson interval against the challenge's target rate (Wilson et al. 2019's
//!   85 % by default), a next difficulty from Kaernbach's (1991) weighted
//!   up-down rule, and the flow channel of the latest session's self-ratings
//!   against the person's own history (Massimini & Carli 1988).

use asymptote_science::curves::{
    self, ChartOptions, CurveFit, Direction, FitOptions, Point, Refusal, Units,
};
use asymptote_science::goldilocks::{self, Classification, ClassifyOptions, FlowReading, Rating};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::domain::{Challenge, Id};
use crate::error::Result;
use crate::journal::Journal;

/// What counts as practice on the curve's x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum PracticeAxis {
    /// Cumulative hours practised before each session.
    Hours,
    /// Number of sessions before each session.
    Sessions,
}

impl PracticeAxis {
    pub fn unit(self) -> &'static str {
        match self {
            PracticeAxis::Hours => "hours",
            PracticeAxis::Sessions => "sessions",
        }
    }
}

/// How many recent attempts the verdict looks back over, at most.
pub use goldilocks::RECENT_ATTEMPTS;
/// How many recent sessions the verdict looks back over, at most.
pub use goldilocks::RECENT_SESSIONS;
/// The staircase's step towards easier, as a share of the current difficulty (on a log scale).
pub use goldilocks::STEP_SHARE;

/// The Goldilocks side of progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Calibration {
    /// Sessions (newest first) whose attempts were counted.
    pub sessions_considered: usize,
    /// The verdict, when any attempts were logged.
    pub classification: Option<Classification>,
    /// The difficulty of the latest session (or the challenge's own).
    pub current_difficulty: Option<f64>,
    /// Kaernbach's weighted up-down step from the latest session with attempts, whatever
    /// the verdict (docs/science.md §2); `None` only without a difficulty or any attempts.
    pub suggested_difficulty: Option<f64>,
    /// The flow channel of the latest session's self-ratings.
    pub flow: Option<FlowReading>,
    /// The calibration in sentences.
    pub explanation: Vec<String>,
}

/// A challenge's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    pub challenge_id: Id,
    pub skill: String,
    pub measure_name: Option<String>,
    pub measure_unit: Option<String>,
    pub higher_is_better: bool,
    pub axis: PracticeAxis,
    pub sessions: usize,
    /// The (practice, performance) points the curve was fitted to.
    pub points: Vec<Point>,
    /// The fitted curve, when the data support one.
    pub fit: Option<CurveFit>,
    /// Why no curve is shown, when the data do not support one.
    pub refusal: Option<Refusal>,
    /// The curve in sentences a person understands.
    pub explanation: Vec<String>,
    pub calibration: Calibration,
}

impl Progress {
    fn units(&self) -> Units {
        units_for(self.measure_unit.clone().unwrap_or_default(), self.axis)
    }

    /// The chart as a standalone SVG document: points, fitted curve, asymptote
    /// with its band, projection.
    pub fn svg(&self) -> String {
        let opts = ChartOptions::new(
            self.skill.clone(),
            "Practice",
            self.measure_name
                .clone()
                .unwrap_or_else(|| "Performance".into()),
            self.units(),
        );
        curves::render_svg(&self.points, self.fit.as_ref(), &opts)
    }
}

struct Row {
    duration_min: Option<f64>,
    difficulty: Option<f64>,
    attempts: Option<u32>,
    successes: Option<u32>,
    performance: Option<f64>,
}

impl Journal {
    /// The progress of one challenge. `axis` defaults to hours when every
    /// session has a duration, else to sessions.
    pub fn progress(&self, id: Id, axis: Option<PracticeAxis>) -> Result<Progress> {
        let challenge = self.challenge(id)?;
        let history = self.flow_history()?;
        self.progress_of(&challenge, axis, &history)
    }

    /// The progress of every active challenge. Reading is one connection's work;
    /// the curve fits then run on every core.
    pub fn progress_all(&self, axis: Option<PracticeAxis>) -> Result<Vec<Progress>> {
        let history = self.flow_history()?;
        let loaded: Vec<Loaded> = self
            .challenges(Some(crate::domain::ChallengeStatus::Active))?
            .into_iter()
            .map(|c| self.load(c))
            .collect::<Result<_>>()?;
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(loaded.len().max(1));
        if workers <= 1 {
            return Ok(loaded
                .into_iter()
                .map(|l| compute(l, axis, &history))
                .collect());
        }
        let chunk = loaded.len().div_ceil(workers);
        let mut slots: Vec<Option<Progress>> = Vec::new();
        slots.resize_with(loaded.len(), || None);
        let history = &history;
        std::thread::scope(|scope| {
            let mut rest: &mut [Option<Progress>] = &mut slots;
            let mut inputs = loaded.into_iter();
            for _ in 0..workers {
                let (mine, tail) = rest.split_at_mut(chunk.min(rest.len()));
                rest = tail;
                let work: Vec<Loaded> = inputs.by_ref().take(mine.len()).collect();
                scope.spawn(move || {
                    for (slot, l) in mine.iter_mut().zip(work) {
                        *slot = Some(compute(l, axis, history));
                    }
                });
            }
        });
        Ok(slots.into_iter().flatten().collect())
    }

    /// Every session's (challenge, skill) self-rating pair: the person's own
    /// norm for the flow channel (order does not matter for a mean and SD).
    fn flow_history(&self) -> Result<Vec<Rating>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT challenge_rating, skill_rating FROM sessions INDEXED BY sessions_ratings
             WHERE challenge_rating IS NOT NULL AND skill_rating IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Rating {
                challenge: r.get::<_, f64>(0)?,
                skill: r.get::<_, f64>(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn progress_of(
        &self,
        c: &Challenge,
        axis: Option<PracticeAxis>,
        history: &[Rating],
    ) -> Result<Progress> {
        Ok(compute(self.load(c.clone())?, axis, history))
    }

    /// Reads what progress needs of one challenge.
    fn load(&self, c: Challenge) -> Result<Loaded> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT duration_min, difficulty, attempts, successes, performance, challenge_rating, skill_rating
             FROM sessions INDEXED BY sessions_progress WHERE challenge_id = ?1 ORDER BY at, id",
        )?;
        let mut last_ratings = None;
        let rows: Vec<Row> = stmt
            .query_map(params![c.meta.id.to_string()], |r| {
                Ok((
                    Row {
                        duration_min: r.get(0)?,
                        difficulty: r.get(1)?,
                        attempts: r.get(2)?,
                        successes: r.get(3)?,
                        performance: r.get(4)?,
                    },
                    r.get::<_, Option<f64>>(5)?,
                    r.get::<_, Option<f64>>(6)?,
                ))
            })?
            .map(|row| {
                row.map(|(row, ch, sk)| {
                    if let (Some(challenge), Some(skill)) = (ch, sk) {
                        last_ratings = Some(Rating { challenge, skill });
                    }
                    row
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        Ok(Loaded {
            challenge: c,
            rows,
            last_ratings,
        })
    }
}

/// The self-ratings of `sessions`: the norm a flow reading is taken against.
pub(crate) fn ratings_of<'a>(
    sessions: impl IntoIterator<Item = &'a crate::domain::Session>,
) -> Vec<Rating> {
    sessions
        .into_iter()
        .filter_map(|s| match (s.data.challenge_rating, s.data.skill_rating) {
            (Some(challenge), Some(skill)) => Some(Rating {
                challenge: f64::from(challenge),
                skill: f64::from(skill),
            }),
            _ => None,
        })
        .collect()
}

/// Exports: progress from the given sessions only (oldest first), with the flow reading
/// taken against `history` (the ratings of the sessions the export may draw on), so a
/// session the person keeps private, or one after the period, shapes nothing they share:
/// neither the curve nor the words.
impl Journal {
    pub(crate) fn progress_from_sessions(
        c: Challenge,
        sessions: &[&crate::domain::Session],
        axis: Option<PracticeAxis>,
        history: &[Rating],
    ) -> Result<Progress> {
        let mut last_ratings = None;
        let rows = sessions
            .iter()
            .map(|s| {
                if let (Some(challenge), Some(skill)) =
                    (s.data.challenge_rating, s.data.skill_rating)
                {
                    last_ratings = Some(Rating {
                        challenge: f64::from(challenge),
                        skill: f64::from(skill),
                    });
                }
                Row {
                    duration_min: s.data.duration_min,
                    difficulty: s.data.difficulty,
                    attempts: s.data.attempts,
                    successes: s.data.successes,
                    performance: s.data.performance,
                }
            })
            .collect();
        Ok(compute(
            Loaded {
                challenge: c,
                rows,
                last_ratings,
            },
            axis,
            history,
        ))
    }
}

struct Loaded {
    challenge: Challenge,
    rows: Vec<Row>,
    last_ratings: Option<Rating>,
}

/// The pure part: curve, calibration and words, from what [`Journal::load`] read.
fn compute(l: Loaded, axis: Option<PracticeAxis>, history: &[Rating]) -> Progress {
    let Loaded {
        challenge: c,
        rows,
        last_ratings,
    } = l;
    let c = &c;
    let all_timed = !rows.is_empty() && rows.iter().all(|r| r.duration_min.is_some());
    let axis = axis.unwrap_or(if all_timed {
        PracticeAxis::Hours
    } else {
        PracticeAxis::Sessions
    });
    let mut points = Vec::new();
    let mut practice = 0.0;
    for (i, r) in rows.iter().enumerate() {
        let x = match axis {
            PracticeAxis::Hours => practice,
            PracticeAxis::Sessions => i as f64,
        };
        if let Some(y) = r.performance {
            points.push(Point::new(x, y));
        }
        practice += r.duration_min.unwrap_or(0.0) / 60.0;
    }

    let direction = if c.measure.higher_is_better {
        Direction::HigherIsBetter
    } else {
        Direction::LowerIsBetter
    };
    let mut options = FitOptions::new(direction);
    if c.measure.unit.as_deref().map(str::trim) == Some("%") {
        options = options.with_range(0.0, 100.0);
    } else if points.iter().all(|p| p.y >= 0.0) {
        // A measure that has never gone below zero (times, counts, scores) cannot.
        options = options.with_range(0.0, f64::INFINITY);
    }
    let units = units_for(c.measure.unit.clone().unwrap_or_default(), axis);
    let mut explanation = Vec::new();
    let result: std::result::Result<CurveFit, Refusal> = if points.is_empty() {
        explanation.push(format!(
            "No performance values yet: log sessions with a measured performance and the curve appears after {} of them.",
            curves::MIN_POINTS
        ));
        Err(Refusal::TooFewPoints {
            usable: 0,
            needed: curves::MIN_POINTS,
        })
    } else {
        let r = curves::fit_learning_curve(&points, &options);
        explanation = curves::explain(&r, direction, &units);
        r
    };
    if axis == PracticeAxis::Hours && rows.iter().any(|r| r.duration_min.is_none()) {
        explanation.push(
            "Some sessions have no duration, so they add no hours of practice on this curve."
                .into(),
        );
    }
    let calibration = calibrate(c, &rows, last_ratings, history);
    let (fit, refusal) = match result {
        Ok(f) => (Some(f), None),
        Err(r) => (None, Some(r)),
    };
    Progress {
        challenge_id: c.meta.id,
        skill: c.skill.clone(),
        measure_name: c.measure.name.clone(),
        measure_unit: c.measure.unit.clone(),
        higher_is_better: c.measure.higher_is_better,
        axis,
        sessions: rows.len(),
        points,
        fit,
        refusal,
        explanation,
        calibration,
    }
}

/// On the sessions axis x counts the sessions *before* each one, so the words add one back:
/// 60 logged sessions read "after 60 sessions", not 59.
fn units_for(measure: String, axis: PracticeAxis) -> Units {
    match axis {
        PracticeAxis::Hours => Units::new(measure, axis.unit()),
        PracticeAxis::Sessions => Units::sessions_before(measure),
    }
}

fn fmt_num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

fn calibrate(c: &Challenge, rows: &[Row], last: Option<Rating>, history: &[Rating]) -> Calibration {
    let sessions: Vec<goldilocks::SessionAttempts> = rows
        .iter()
        .filter_map(|r| match (r.attempts, r.successes) {
            (Some(a), s) if a > 0 => Some(goldilocks::SessionAttempts {
                attempts: u64::from(a),
                successes: u64::from(s.unwrap_or(0)),
            }),
            _ => None,
        })
        .collect();
    let window = goldilocks::recent_window(&sessions, RECENT_SESSIONS, RECENT_ATTEMPTS);
    let (successes, attempts, considered) = (window.successes, window.attempts, window.sessions);
    let mut explanation = Vec::new();
    let opts = ClassifyOptions {
        target: c.target_rate,
        ..ClassifyOptions::default()
    };
    let classification = if attempts > 0 {
        goldilocks::classify(successes, attempts, &opts).ok()
    } else {
        None
    };
    match &classification {
        Some(cl) => explanation.push(format!(
            "Over your last {considered} session{} with attempts: {}",
            if considered == 1 { "" } else { "s" },
            cl.evidence
        )),
        None => explanation.push(
            "No attempts logged yet: log attempts and successes to see whether this challenge is too easy, too hard or just right.".into(),
        ),
    }
    let current = rows
        .iter()
        .rev()
        .find_map(|r| r.difficulty)
        .or(c.difficulty);
    // A step in every zone: the staircase needs no verdict to move (issue 15), and only the
    // latest session's attempts count, the earlier ones having moved the difficulty already.
    let suggested = match (current, sessions.last()) {
        (Some(d), Some(&latest)) => {
            goldilocks::next_difficulty(d, latest, STEP_SHARE, c.target_rate).ok()
        }
        _ => None,
    };
    match (current, suggested) {
        (Some(d), Some(s)) => {
            let verb = if fmt_num(s) == fmt_num(d) {
                "keep"
            } else if s > d {
                "raise"
            } else {
                "lower"
            };
            let thin = classification
                .as_ref()
                .is_some_and(|cl| cl.zone == goldilocks::Zone::NotEnoughEvidence);
            explanation.push(format!(
                "To stay near {:.0} % success, {verb} the difficulty from {} to about {} next time (one small step of a weighted up-down staircase, from your latest session's attempts{}).",
                c.target_rate * 100.0,
                fmt_num(d),
                fmt_num(s),
                if thin {
                    "; the evidence above is still thin, which is why the step is small and is taken anyway"
                } else {
                    ""
                }
            ));
        }
        (None, _) if classification.is_some() => explanation.push(
            "Record the difficulty of your sessions to get a suggested next difficulty.".into(),
        ),
        _ => {}
    }
    let flow = last.map(|cur| goldilocks::flow_channel(history, cur));
    if let Some(FlowReading::Channel { channel, .. }) = &flow {
        explanation.push(format!(
            "Your latest self-ratings of challenge and skill, against your own usual ratings, put you in the {} channel.",
            format!("{channel:?}").to_lowercase()
        ));
    }
    Calibration {
        sessions_considered: considered,
        classification,
        current_difficulty: current,
        suggested_difficulty: suggested,
        flow,
        explanation,
    }
}
