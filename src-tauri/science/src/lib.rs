//! Asymptote's science engine: learning curves and Goldilocks calibration, as pure functions
//! over plain data (no storage, no clock, no Tauri).
//!
//! - [`curves`]: fit exponential, power and APEX learning curves (docs/science.md §1), choose
//!   between them by AICc, report the asymptote, the gap closed, the half-life and a
//!   projection with their uncertainty, refuse honestly when the data cannot support a curve,
//!   say it in plain English and draw it as SVG.
//! - [`goldilocks`]: Wilson intervals, too easy / Goldilocks / too hard verdicts against an
//!   85 % target, Kaernbach's weighted up-down staircase, and Massimini & Carli's flow
//!   channels (docs/science.md §2).
//!
//! Every public result type derives `Serialize`, so a command-line tool can print it as JSON.
//! Following docs/science.md §7, nothing here scores or rewards: the outputs are information
//! (where you are, how far you have come, what is left).
//!
//! # Example
//!
//! ```
//! use asymptote_science::curves::{self, Direction, FitOptions, Point, Units};
//! use asymptote_science::goldilocks::{self, ClassifyOptions, Zone};
//!
//! // Seconds per task after x hours of practice: falls towards ~40 s.
//! let points: Vec<Point> = (0..30)
//!     .map(|i| {
//!         let x = f64::from(i) * 0.5;
//!         let wobble = if i % 2 == 0 { 0.4 } else { -0.4 };
//!         Point::new(x, 40.0 + 30.0 * (-0.25 * x).exp() + wobble)
//!     })
//!     .collect();
//! let options = FitOptions::new(Direction::LowerIsBetter).with_range(0.0, f64::INFINITY);
//! let result = curves::fit_learning_curve(&points, &options);
//! let fit = result.as_ref().expect("a clear learning curve");
//! assert!((fit.asymptote - 40.0).abs() < 2.0);
//! for sentence in curves::explain(&result, options.direction, &Units::new("s", "hours")) {
//!     println!("{sentence}");
//! }
//! let chart = curves::render_svg(
//!     &points,
//!     Some(fit),
//!     &curves::ChartOptions::new("Scales at 120 bpm", "Practice", "Time", Units::new("s", "hours")),
//! );
//! assert!(chart.starts_with("<svg"));
//!
//! // 26 of 30 recent attempts succeeded.
//! let verdict = goldilocks::classify(26, 30, &ClassifyOptions::default())?;
//! assert_eq!(verdict.zone, Zone::Goldilocks);
//! println!("{}", verdict.evidence);
//! # Ok::<(), asymptote_science::ScienceError>(())
//! ```

#![forbid(unsafe_code)]
// A library speaks through its return values; only the hosts write to a terminal.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod curves;
mod error;
pub mod goldilocks;
mod stats;

pub use error::ScienceError;
pub use stats::Interval;
