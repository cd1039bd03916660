//! The SVG chart is well-formed XML with the expected parts.
#![allow(clippy::unwrap_used)]

mod common;

use asymptote_science::curves::{
    ChartOptions, Direction, FitOptions, Point, Units, fit_learning_curve, render_svg,
};
use common::{exponential, synthetic};

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn renders_points_curve_band_projection_and_labels() {
    let points = synthetic(
        &exponential(42.0, 30.0, 0.2),
        Direction::LowerIsBetter,
        25,
        8.0,
        0.5,
        4,
    );
    let fit = fit_learning_curve(&points, &FitOptions::new(Direction::LowerIsBetter)).unwrap();
    let options = ChartOptions::new(
        "Scales <fast> & \"clean\"",
        "Practice",
        "Time per scale",
        Units::new("s", "hours"),
    );
    let svg = render_svg(&points, Some(&fit), &options);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts = texts(&doc);
    assert!(
        texts.iter().any(|t| t == "Scales <fast> & \"clean\""),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t == "Practice (hours)"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Time per scale (s)"), "{texts:?}");
    // A time per scale is lower-is-better: its limit is a floor.
    assert!(texts.iter().any(|t| t.starts_with("Floor ")), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.starts_with("Ceiling ")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with("Projection")),
        "{texts:?}"
    );
    // One circle per point plus the legend's.
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(circles, points.len() + 1);
    // The curve and the dashes of the projection are polylines.
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .count();
    assert!(lines >= 5, "{lines} polylines");
}

#[test]
fn renders_without_a_fit_and_with_hostile_input() {
    let options = ChartOptions::new(
        "No curve yet \u{1}\u{7f}",
        "Practice",
        "Errors",
        Units::new("", "sessions"),
    );
    for points in [
        vec![],
        vec![Point::new(f64::NAN, 1.0)],
        vec![Point::new(1.0, 1.0); 3],
        vec![Point::new(0.0, -1e300), Point::new(1e300, 1e300)],
    ] {
        let svg = render_svg(&points, None, &options);
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
}
