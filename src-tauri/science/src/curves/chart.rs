//! An SVG chart of a learning curve: the person's points, the fitted curve, the asymptote with
//! its band, and the projection to 90 % of the gap (dashed).
//!
//! Drawn with `plotters` using only its SVG backend and no font feature: without `ttf` or
//! `ab_glyph` plotters falls back to a naive text-width estimate and writes labels as SVG
//! `<text>` elements (escaped by plotters-svg), which the viewer renders in its own fonts. So
//! nothing here needs fontconfig or FreeType. If plotters reports an error, a minimal
//! hand-written SVG with the (escaped) title is returned instead, so the result is always a
//! well-formed document.

use std::error::Error;

use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::{CurveFit, Direction, Point, Units, explain::number};

/// What to write on the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartOptions {
    /// Chart title.
    pub title: String,
    /// Name of the practice axis, e.g. `"Practice"`; the unit is appended.
    pub x_label: String,
    /// Name of the measure, e.g. `"Time per task"`; the unit is appended.
    pub y_label: String,
    /// Units of both axes.
    pub units: Units,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl ChartOptions {
    /// A 720 × 440 chart.
    #[must_use]
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
        units: Units,
    ) -> Self {
        ChartOptions {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            units,
            width: 720,
            height: 440,
        }
    }
}

const POINT_COLOR: RGBColor = RGBColor(60, 60, 60);
const CURVE_COLOR: RGBColor = RGBColor(31, 119, 180);
const CEILING_COLOR: RGBColor = RGBColor(214, 95, 14);

/// Renders the chart as an SVG document. Non-finite points are left out; with `fit = None`
/// only the points are drawn (for data where the fit was refused).
#[must_use]
pub fn render_svg(points: &[Point], fit: Option<&CurveFit>, options: &ChartOptions) -> String {
    let mut svg = String::new();
    let drawn = draw(&mut svg, points, fit, options);
    if drawn.is_ok() && !svg.is_empty() {
        svg
    } else {
        fallback(options)
    }
}

fn axis_label(name: &str, unit: &str) -> String {
    if unit.is_empty() {
        clean_label(name)
    } else {
        clean_label(&format!("{name} ({unit})"))
    }
}

/// Control characters cannot appear in XML 1.0 even escaped, so labels lose them.
fn clean_label(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect()
}

fn draw(
    svg: &mut String,
    points: &[Point],
    fit: Option<&CurveFit>,
    options: &ChartOptions,
) -> Result<(), Box<dyn Error>> {
    let width = options.width.clamp(200, 4000);
    let height = options.height.clamp(150, 4000);
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite() && p.x.abs() < 1e100 && p.y.abs() < 1e100)
        .map(|p| (p.x, p.y))
        .collect();

    // The fitted curve up to the last point, the projection after it (at most twice the
    // practice so far, so a far-off projection does not squash the data).
    let mut curve = Vec::new();
    let mut projection = Vec::new();
    if let Some(fit) = fit {
        let x_first = pts.iter().map(|p| p.0).fold(fit.last_x, f64::min).max(0.0);
        let end = fit.last_x + fit.practice_to_90.min(2.0 * fit.last_x.max(1.0));
        for i in 0..=200 {
            let x = x_first + (fit.last_x - x_first) * f64::from(i) / 200.0;
            curve.push((x, fit.predict(x)));
            let xp = fit.last_x + (end - fit.last_x) * f64::from(i) / 200.0;
            projection.push((xp, fit.predict(xp)));
        }
        if fit.practice_to_90 <= 0.0 {
            projection.clear();
        }
    }

    let xs = pts.iter().chain(&curve).chain(&projection).map(|p| p.0);
    let mut ys: Vec<f64> = pts
        .iter()
        .chain(&curve)
        .chain(&projection)
        .map(|p| p.1)
        .collect();
    if let Some(fit) = fit {
        ys.extend([fit.asymptote_interval.low, fit.asymptote_interval.high]);
    }
    let (x0, x1) = padded(xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    }));
    let (y0, y1) = padded(
        ys.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            }),
    );
    let x0 = x0.max(0.0_f64.min(x0));

    {
        let root = SVGBackend::with_string(svg, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(clean_label(&options.title), ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(axis_label(&options.x_label, &options.units.practice))
            .y_desc(axis_label(&options.y_label, &options.units.measure))
            .x_label_formatter(&|v| tick(*v, x1 - x0))
            .y_label_formatter(&|v| tick(*v, y1 - y0))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;

        if let Some(fit) = fit {
            let band = fit.asymptote_interval;
            let level = (fit.confidence * 100.0).round();
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, band.low), (x1, band.high)],
                    CEILING_COLOR.mix(0.15).filled(),
                )))?
                .label(clean_label(&format!(
                    "{} {}{unit} ({level:.0} % band {}–{})",
                    match fit.direction {
                        Direction::HigherIsBetter => "Ceiling",
                        Direction::LowerIsBetter => "Floor",
                    },
                    number(fit.asymptote),
                    number(band.low),
                    number(band.high),
                    unit = if options.units.measure.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", options.units.measure)
                    },
                )))
                .legend(|(x, y)| {
                    Rectangle::new(
                        [(x, y - 5), (x + 20, y + 5)],
                        CEILING_COLOR.mix(0.3).filled(),
                    )
                });
            chart.draw_series(LineSeries::new(
                [(x0, fit.asymptote), (x1, fit.asymptote)],
                CEILING_COLOR.stroke_width(1),
            ))?;
            chart
                .draw_series(LineSeries::new(
                    curve.iter().copied(),
                    CURVE_COLOR.stroke_width(2),
                ))?
                .label(format!("Fitted curve ({})", fit.best.name()))
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], CURVE_COLOR.stroke_width(2))
                });
            if !projection.is_empty() {
                chart
                    .draw_series(DashedLineSeries::new(
                        projection.iter().copied(),
                        6,
                        4,
                        CURVE_COLOR.stroke_width(2),
                    ))?
                    .label("Projection towards 90 % of the gap")
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 8, y)], CURVE_COLOR.stroke_width(2))
                    });
            }
        }
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, POINT_COLOR.filled())))?
            .label("Your results")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, POINT_COLOR.filled()));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            // Rising curves fill the upper right, falling ones the lower right.
            .position(match fit.map(|f| f.direction) {
                Some(Direction::HigherIsBetter) => SeriesLabelPosition::LowerRight,
                _ => SeriesLabelPosition::UpperRight,
            })
            .draw()?;
        root.present()?;
    }
    Ok(())
}

/// A tick label; values within rounding error of zero are zero.
fn tick(v: f64, span: f64) -> String {
    if v.abs() <= 1e-9 * span.abs() {
        "0".to_owned()
    } else {
        number(v)
    }
}

/// A non-degenerate, finite range around `(lo, hi)` with 5 % padding.
fn padded((lo, hi): (f64, f64)) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= 1e-12 * lo.abs().max(hi.abs()).max(1e-300) {
        let pad = lo.abs().max(1.0) * 0.1;
        return (lo - pad, hi + pad);
    }
    (lo - 0.05 * span, hi + 0.05 * span)
}

fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn fallback(options: &ChartOptions) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\
         <text x=\"50%\" y=\"50%\" text-anchor=\"middle\" font-family=\"sans-serif\">{}</text></svg>",
        escape_xml(&options.title),
        w = options.width.clamp(200, 4000),
        h = options.height.clamp(150, 4000),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape_xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn padding_handles_degenerate_ranges() {
        assert_eq!(padded((f64::INFINITY, f64::NEG_INFINITY)), (0.0, 1.0));
        let (a, b) = padded((5.0, 5.0));
        assert!(a < 5.0 && b > 5.0);
    }
}
