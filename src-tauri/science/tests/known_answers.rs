//! Known-answer tests. Expected values were computed independently with mpmath at 30 digits
//! (formulas written out in each test), not with this crate.
#![allow(clippy::unwrap_used)]

use asymptote_science::curves::{
    Direction, FitOptions, Model, Point, aicc, akaike_weights, fit_learning_curve,
};
use asymptote_science::goldilocks::{
    ClassifyOptions, FlowChannel, FlowReading, Rating, Zone, classify, classify_outcomes,
    flow_channel, wilson_interval,
};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn aicc_matches_hand_computation() {
    // 10·ln(20/10) + 2·3 + 2·3·4/(10−3−1) = 16.931471805599453
    assert!(close(
        aicc(20.0, 10, 3).unwrap(),
        16.931_471_805_599_453,
        1e-12
    ));
    // 50·ln(3.7/50) + 8 + 40/45 = −121.29562040000948
    assert!(close(
        aicc(3.7, 50, 4).unwrap(),
        -121.295_620_400_009_48,
        1e-10
    ));
}

#[test]
fn the_fitter_counts_the_error_variance_in_k() {
    // Issue 15: k = curve parameters + σ² (Burnham & Anderson 2002 §2.2), so each model's
    // reported AICc is the formula's with k = 4 (exponential, power) or 5 (APEX).
    let points: Vec<Point> = (0..20)
        .map(|i| {
            let x = f64::from(i);
            let wobble = if i % 2 == 0 { 0.3 } else { -0.3 };
            Point::new(x, 40.0 + 30.0 * (-0.2 * x).exp() + wobble)
        })
        .collect();
    let fit = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    assert!(!fit.models.is_empty());
    for m in &fit.models {
        let k = match m.model {
            Model::Exponential | Model::Power => 4,
            Model::Apex => 5,
        };
        let expected = aicc(m.rss, points.len(), k).unwrap();
        assert!(
            close(m.aicc, expected, 1e-9),
            "{:?}: {} vs {expected}",
            m.model,
            m.aicc
        );
    }
}

#[test]
fn aicc_is_undefined_without_enough_points_or_a_positive_rss() {
    assert_eq!(aicc(1.0, 5, 4), None); // n − k − 1 = 0
    assert_eq!(aicc(0.0, 50, 3), None);
    assert_eq!(aicc(f64::NAN, 50, 3), None);
    assert!(aicc(1.0, 6, 4).is_some());
}

#[test]
fn akaike_weights_match_hand_computation() {
    // Δ = 0, 2, 10 → e^0, e^−1, e^−5 normalised.
    let w = akaike_weights(&[100.0, 102.0, 110.0]);
    let want = [
        0.727_475_156_800_464_7,
        0.267_623_154_149_862_3,
        0.004_901_689_049_672_921,
    ];
    for (got, want) in w.iter().zip(want) {
        assert!(close(*got, want, 1e-12), "{got} vs {want}");
    }
    // Order does not matter, shifts do not matter.
    let shifted = akaike_weights(&[1110.0, 1100.0, 1102.0]);
    assert!(close(shifted[1], want[0], 1e-12));
    assert!(close(shifted[0], want[2], 1e-12));
}

#[test]
fn akaike_weights_ignore_non_finite_criteria() {
    let w = akaike_weights(&[f64::NAN, 3.0, f64::INFINITY]);
    assert_eq!(w, vec![0.0, 1.0, 0.0]);
    assert_eq!(akaike_weights(&[f64::NAN]), vec![0.0]);
    assert!(akaike_weights(&[]).is_empty());
}

#[test]
fn wilson_interval_known_answers() {
    // (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = √2·erfinv(conf).
    let cases = [
        (8, 10, 0.95, 0.490_162_47, 0.943_317_85),
        (0, 10, 0.95, 0.0, 0.277_532_8),
        (10, 10, 0.95, 0.722_467_2, 1.0),
        (17, 20, 0.95, 0.639_581_14, 0.947_631_25),
        (8, 10, 0.90, 0.540_792_81, 0.931_442_01),
        (85, 100, 0.99, 0.736_530_96, 0.919_914_56),
        (1, 1, 0.95, 0.206_549_31, 1.0),
    ];
    for (k, n, conf, low, high) in cases {
        let i = wilson_interval(k, n, conf).unwrap();
        assert!(
            close(i.low, low, 1e-7) && close(i.high, high, 1e-7),
            "{k}/{n} at {conf}: {i:?}"
        );
    }
}

#[test]
fn classification_of_the_documented_example() {
    // 26/30: Wilson 0.703–0.947, inside 85 ± 20 points.
    let c = classify(26, 30, &ClassifyOptions::default()).unwrap();
    assert_eq!(c.zone, Zone::Goldilocks);
    assert_eq!(
        c.evidence,
        "26 of 30 recent attempts succeeded (87 %, 95 % interval 70–95 %): in the Goldilocks zone."
    );
}

#[test]
fn a_rate_at_the_target_on_few_attempts_is_not_called_goldilocks() {
    // Issue 15: 4 of 5 is on a Wilson interval of 37.6–96.4 %: it cannot yet tell.
    let c = classify(4, 5, &ClassifyOptions::default()).unwrap();
    assert_eq!(c.zone, Zone::NotEnoughEvidence);
    assert_eq!(
        c.evidence,
        "4 of 5 recent attempts succeeded (80 %, 95 % interval 38–96 %): consistent with the 85 % \
         target, but 5 attempts cannot yet tell whether it is just right: anything from 38 % to \
         96 % fits them."
    );
    // 17/20 still reaches 64 %, more than 20 points below 85 %.
    let c = classify(17, 20, &ClassifyOptions::default()).unwrap();
    assert_eq!(c.zone, Zone::NotEnoughEvidence, "{}", c.evidence);
    assert!(c.evidence.contains("cannot yet tell"), "{}", c.evidence);
}

#[test]
fn a_lean_says_how_often_chance_would_give_it() {
    let o = ClassifyOptions::default();
    // 20/20 against 85 %: 0.85^20 = 0.0388, so "probably too easy", not "could still be chance".
    let c = classify(20, 20, &o).unwrap();
    assert_eq!(
        c.evidence,
        "20 of 20 recent attempts succeeded (100 %, 95 % interval 84–100 %): above the 85 % \
         target; if the true rate were 85 %, a result this high would come up about 4 % of the \
         time, so it is probably too easy, although the interval still reaches the target."
    );
    // 19/20: P(X ≥ 19) = 0.1756 at 85 %: could still be chance.
    let c = classify(19, 20, &o).unwrap();
    assert!(
        c.evidence.contains("could still be chance")
            && c.evidence.contains("about 18 % of the time"),
        "{}",
        c.evidence
    );
    // 14/20: P(X ≤ 14) = 0.0673 at 85 %: could still be chance, and says so.
    let c = classify(14, 20, &o).unwrap();
    assert!(
        c.evidence
            .contains("below the 85 % target, but that could still be chance")
            && c.evidence
                .contains("a result this low would come up about 7 % of the time"),
        "{}",
        c.evidence
    );
}

#[test]
fn classification_zones() {
    let o = ClassifyOptions::default();
    // 30/30: Wilson low 0.886 > 0.85.
    let easy = classify(30, 30, &o).unwrap();
    assert_eq!(easy.zone, Zone::TooEasy, "{}", easy.evidence);
    assert!(easy.evidence.contains("too easy"));
    // 20/20: low 0.839 < 0.85, so not a claim at 95 %; the words say how unlikely it is.
    let lean = classify(20, 20, &o).unwrap();
    assert_eq!(lean.zone, Zone::NotEnoughEvidence);
    assert!(
        lean.evidence.contains("above the 85 % target"),
        "{}",
        lean.evidence
    );
    // 5/20: high 0.47 < 0.85.
    assert_eq!(classify(5, 20, &o).unwrap().zone, Zone::TooHard);
    // 3 of 4: too few attempts whatever the rate.
    let few = classify(3, 4, &o).unwrap();
    assert_eq!(few.zone, Zone::NotEnoughEvidence);
    assert!(few.evidence.contains("at least 5"));
    assert_eq!(classify(0, 0, &o).unwrap().zone, Zone::NotEnoughEvidence);
    // A different target moves the verdict: 21/30 (Wilson 52–83 %) is Goldilocks for a 70 %
    // target, 14/20 (48–85 %) not yet.
    let seventy = ClassifyOptions { target: 0.7, ..o };
    assert_eq!(classify(21, 30, &seventy).unwrap().zone, Zone::Goldilocks);
    assert_eq!(
        classify(14, 20, &seventy).unwrap().zone,
        Zone::NotEnoughEvidence
    );
    // Against 85 % the same 21/30 is too hard (Wilson high 0.833 < 0.85).
    assert_eq!(classify(21, 30, &o).unwrap().zone, Zone::TooHard);
    // From outcomes.
    let outcomes = [true; 26]
        .iter()
        .chain(&[false; 4])
        .copied()
        .collect::<Vec<_>>();
    assert_eq!(
        classify_outcomes(&outcomes, &o).unwrap().zone,
        Zone::Goldilocks
    );
}

#[test]
fn flow_channels_by_direction() {
    // History on a 1..=7 scale: a 3×3 grid repeated, mean (4, 4), equal spread on both axes.
    let mut history = Vec::new();
    for c in [2.0, 4.0, 6.0] {
        for s in [2.0, 4.0, 6.0] {
            history.push(Rating {
                challenge: c,
                skill: s,
            });
        }
    }
    let cases = [
        (6.0, 6.0, FlowChannel::Flow),
        (6.0, 4.0, FlowChannel::Arousal),
        (6.0, 2.0, FlowChannel::Anxiety),
        (4.0, 2.0, FlowChannel::Worry),
        (2.0, 2.0, FlowChannel::Apathy),
        (2.0, 4.0, FlowChannel::Boredom),
        (2.0, 6.0, FlowChannel::Relaxation),
        (4.0, 6.0, FlowChannel::Control),
        // Sectors are 45° wide around their centres: 30° from the skill axis is past 22.5° → flow.
        (4.0 + 3f64.sqrt().recip() * 2.0, 6.0, FlowChannel::Flow),
        // 20° → control.
        (
            4.0 + 2.0 * 20f64.to_radians().tan(),
            6.0,
            FlowChannel::Control,
        ),
    ];
    for (challenge, skill, want) in cases {
        match flow_channel(&history, Rating { challenge, skill }) {
            FlowReading::Channel { channel, .. } => {
                assert_eq!(channel, want, "c={challenge} s={skill}");
            }
            other => panic!("expected a channel, got {other:?}"),
        }
    }
}

#[test]
fn flow_needs_history_with_variation() {
    let short = vec![
        Rating {
            challenge: 3.0,
            skill: 4.0
        };
        3
    ];
    assert_eq!(
        flow_channel(
            &short,
            Rating {
                challenge: 5.0,
                skill: 5.0
            }
        ),
        FlowReading::NotEnoughHistory { have: 3, need: 7 }
    );
    let flat_challenge: Vec<Rating> = (0..10)
        .map(|i| Rating {
            challenge: 4.0,
            skill: f64::from(i),
        })
        .collect();
    assert_eq!(
        flow_channel(
            &flat_challenge,
            Rating {
                challenge: 5.0,
                skill: 5.0
            }
        ),
        FlowReading::NoVariation
    );
    let varied: Vec<Rating> = (0..10)
        .map(|i| Rating {
            challenge: f64::from(i % 3),
            skill: f64::from(i % 4),
        })
        .collect();
    assert_eq!(
        flow_channel(
            &varied,
            Rating {
                challenge: f64::NAN,
                skill: 1.0
            }
        ),
        FlowReading::InvalidRating
    );
    // z-scores use the history's sample standard deviation.
    if let FlowReading::Channel {
        challenge_z,
        skill_z,
        ..
    } = flow_channel(
        &varied,
        Rating {
            challenge: 1.0,
            skill: 1.5,
        },
    ) {
        assert!(challenge_z.is_finite() && skill_z.is_finite());
    } else {
        panic!("expected a channel");
    }
}
