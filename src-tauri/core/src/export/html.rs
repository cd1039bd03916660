//! One self-contained HTML page: inline CSS, charts as inline SVG, every piece of text
//! escaped, and nothing fetched from anywhere (no `src` or `href` at all).

use std::fmt::Write;

use super::Bundle;
use super::doc::{Block, outline};
use super::text::{Chart, num};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}h3{margin-bottom:.3rem}svg{max-width:100%;height:auto}@media print{body{margin:0}}";

/// The chart as inline SVG (560 × 300).
pub(crate) fn svg(c: &Chart, title: &str) -> String {
    let (w, h, l, r, t, bm) = (560.0, 300.0, 60.0, 20.0, 20.0, 45.0);
    let pw = w - l - r;
    let ph = h - t - bm;
    let px = |x: f64| l + x * pw;
    let py = |y: f64| t + (1.0 - y) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    let _ = write!(s, "<title>{}</title>", esc(title));
    if let Some((lo, hi)) = c.band {
        let _ = write!(
            s,
            "<rect x=\"{l}\" y=\"{:.1}\" width=\"{pw}\" height=\"{:.1}\" fill=\"#f6d6bd\" opacity=\"0.6\"/>",
            py(hi),
            (py(lo) - py(hi)).max(0.5)
        );
    }
    let _ = write!(
        s,
        "<path d=\"M{l} {t} V{:.1} H{:.1}\" fill=\"none\" stroke=\"#555\"/>",
        t + ph,
        l + pw
    );
    if let Some(a) = c.asymptote {
        let _ = write!(
            s,
            "<line x1=\"{l}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#d65f0e\" stroke-dasharray=\"6 4\"/>",
            l + pw,
            y = py(a)
        );
    }
    if c.curve.len() > 1 {
        let pts: Vec<String> = c
            .curve
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
    }
    for &(x, y) in &c.points {
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#3c3c3c\"/>",
            px(x),
            py(y)
        );
    }
    let label = |s: &mut String, x: f64, y: f64, anchor: &str, text: &str| {
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"12\" text-anchor=\"{anchor}\" fill=\"#333\">{}</text>",
            esc(text)
        );
    };
    label(&mut s, l - 6.0, t + 4.0, "end", &num(c.y_max));
    label(&mut s, l - 6.0, t + ph, "end", &num(c.y_min));
    label(&mut s, l, t + ph + 16.0, "middle", "0");
    label(&mut s, l + pw, t + ph + 16.0, "middle", &num(c.x_max));
    label(&mut s, l + pw / 2.0, h - 8.0, "middle", &c.x_label);
    label(&mut s, l, t - 6.0, "start", &c.y_label);
    s.push_str("</svg>");
    s
}

pub(crate) fn render(b: &Bundle) -> String {
    let blocks = outline(b);
    let title = blocks
        .iter()
        .find_map(|x| match x {
            Block::H1(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&b.producer.app),
        esc(&title)
    );
    for block in blocks {
        match block {
            Block::H1(t) => {
                let _ = writeln!(o, "<h1>{}</h1>", esc(&t));
            }
            Block::H2(t) => {
                let _ = writeln!(o, "<h2>{}</h2>", esc(&t));
            }
            Block::H3(t) => {
                let _ = writeln!(o, "<h3>{}</h3>", esc(&t));
            }
            Block::P(t) => {
                let _ = writeln!(o, "<p>{}</p>", esc(&t));
            }
            Block::Ul(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", esc(&i));
                }
                o.push_str("</ul>\n");
            }
            Block::Ol(items) => {
                o.push_str("<ol>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", esc(&i));
                }
                o.push_str("</ol>\n");
            }
            Block::Chart(i) => {
                if let Some(c) = b.challenges.get(i)
                    && let Some(chart) = Chart::of(c)
                {
                    let _ = writeln!(
                        o,
                        "<figure>{}</figure>",
                        svg(&chart, &format!("Mastery curve: {}", c.challenge.skill))
                    );
                }
            }
        }
    }
    o.push_str("</body>\n</html>\n");
    o
}
