//! Calibration benchmark (issue 15): simulated learners under the old rule (no step while the
//! verdict is "not enough evidence") and the current one (a weighted up-down step after every
//! session). Prints, per learner family, the long-run success rate (attempts 251–500, 200
//! learners) and the sessions until the rate stays within ±3 points of the target.
//! Results and the command: BENCHMARKS.md, "Calibration (issue 15)".
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

#[path = "../tests/common/sim.rs"]
mod sim;

use sim::{LEARNERS, Rule, families, run};

fn settle(s: Option<usize>) -> String {
    s.map_or_else(|| "never".to_owned(), |n| n.to_string())
}

fn main() {
    println!(
        "| family | old rule: long-run % | old: sessions to ±3 | now: long-run % | now: sessions to ±3 |"
    );
    println!("|---|---|---|---|---|");
    let mut worst = 0.0_f64;
    for (i, f) in families().iter().enumerate() {
        let seed = 1_000 + i as u64;
        let old = run(f, Rule::OldGated, LEARNERS, seed);
        let now = run(f, Rule::Staircase, LEARNERS, seed);
        worst = worst.max((now.long_run - f.target).abs());
        println!(
            "| {} | {:.1} | {} | {:.1} | {} |",
            f.name(),
            old.long_run * 100.0,
            settle(old.sessions_to_settle),
            now.long_run * 100.0,
            settle(now.sessions_to_settle),
        );
    }
    println!(
        "\nLargest distance of the current rule's long-run rate from its target: {:.2} points.",
        worst * 100.0
    );
}
