//! The one-on-one brief as PDF: A4 pages of selectable text in the viewer's built-in
//! Helvetica (one of the 14 standard fonts every PDF reader has, so nothing is embedded),
//! and each shared challenge's mastery curve drawn as vector paths.
//!
//! Written with `pdf-writer` (typst's low-level PDF writer). Text uses WinAnsiEncoding, which
//! covers Latin-1 and the usual typographic marks (— – ‘ ’ “ ” … • €); a character outside it
//! is shown as `?` — the JSON, Markdown and HTML formats keep every character.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::Bundle;
use super::doc::{Block, outline};
use super::text::{Chart, num};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// A character in WinAnsiEncoding, or `?`.
fn win_ansi(c: char) -> u8 {
    let u = c as u32;
    match c {
        ' '..='~' => u as u8,
        '\u{a0}'..='\u{ff}' => u as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '−' => b'-',
        '\t' => b' ',
        _ => b'?',
    }
}

fn encode(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi).collect()
}

/// Helvetica's advance widths (per 1000 em) for printable ASCII, from its AFM.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// The width of `s` in points; bold is taken a little wider than regular (a safe bound).
fn width(s: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = encode(s)
        .iter()
        .map(|&b| {
            if (32..127).contains(&b) {
                u32::from(HELVETICA[usize::from(b - 32)])
            } else {
                1000
            }
        })
        .sum();
    let k = if bold { 1.1 } else { 1.0 };
    units as f32 * size / 1000.0 * k
}

/// Splits `s` into lines no wider than `max`; a word longer than a line is cut.
fn wrap(s: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if width(&candidate, size, bold) <= max {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        let mut piece = String::new();
        for ch in word.chars() {
            piece.push(ch);
            if width(&piece, size, bold) > max {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(ch);
            }
        }
        cur = piece;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
        }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn ensure(&mut self, h: f32) {
        if self.y - h < MARGIN {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    fn line(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        let lead = size * 1.35;
        self.ensure(lead);
        self.y -= lead;
        let y = self.y;
        let c = self.page();
        c.begin_text();
        c.set_font(if bold { BOLD } else { REGULAR }, size);
        c.next_line(x, y);
        c.show(Str(&encode(text)));
        c.end_text();
    }

    fn text(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        for l in wrap(text, size, bold, PAGE_W - MARGIN - x) {
            self.line(x, &l, size, bold);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    fn chart(&mut self, chart: &Chart) {
        let (w, h) = (400.0_f32, 190.0_f32);
        let (l, bm) = (MARGIN + 44.0, 34.0);
        self.ensure(h + bm + 16.0);
        let top = self.y - 14.0;
        let bottom = top - h;
        let px = |x: f64| l + x as f32 * w;
        let py = |y: f64| bottom + y as f32 * h;
        let y_label = chart.y_label.clone();
        let labels = [
            (
                l - 6.0 - width(&num(chart.y_max), 8.0, false),
                top - 3.0,
                num(chart.y_max),
            ),
            (
                l - 6.0 - width(&num(chart.y_min), 8.0, false),
                bottom,
                num(chart.y_min),
            ),
            (l - 2.0, bottom - 12.0, "0".to_string()),
            (
                l + w - width(&num(chart.x_max), 8.0, false) / 2.0,
                bottom - 12.0,
                num(chart.x_max),
            ),
            (
                l + w / 2.0 - width(&chart.x_label, 8.0, false) / 2.0,
                bottom - 26.0,
                chart.x_label.clone(),
            ),
            (l, top + 5.0, y_label),
        ];
        let c = self.page();
        c.save_state();
        if let Some((lo, hi)) = chart.band {
            c.set_fill_rgb(0.965, 0.84, 0.74);
            c.rect(l, py(lo), w, (py(hi) - py(lo)).max(0.5));
            c.fill_nonzero();
        }
        c.set_stroke_rgb(0.33, 0.33, 0.33);
        c.set_line_width(0.8);
        c.move_to(l, top);
        c.line_to(l, bottom);
        c.line_to(l + w, bottom);
        c.stroke();
        if let Some(a) = chart.asymptote {
            c.save_state();
            c.set_stroke_rgb(0.84, 0.37, 0.05);
            c.set_dash_pattern([5.0, 3.0], 0.0);
            c.move_to(l, py(a));
            c.line_to(l + w, py(a));
            c.stroke();
            c.restore_state();
        }
        if chart.curve.len() > 1 {
            c.set_stroke_rgb(0.12, 0.47, 0.71);
            c.set_line_width(1.6);
            let (x0, y0) = chart.curve[0];
            c.move_to(px(x0), py(y0));
            for &(x, y) in &chart.curve[1..] {
                c.line_to(px(x), py(y));
            }
            c.stroke();
        }
        c.set_fill_rgb(0.235, 0.235, 0.235);
        for &(x, y) in &chart.points {
            // A small filled circle from four Bézier arcs.
            let (cx, cy, r) = (px(x), py(y), 2.2_f32);
            let k = 0.5523 * r;
            c.move_to(cx + r, cy);
            c.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
            c.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
            c.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
            c.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
            c.close_path();
            c.fill_nonzero();
        }
        c.set_fill_rgb(0.2, 0.2, 0.2);
        for (x, y, t) in labels {
            c.begin_text();
            c.set_font(REGULAR, 8.0);
            c.next_line(x, y);
            c.show(Str(&encode(&t)));
            c.end_text();
        }
        c.restore_state();
        self.y = bottom - bm;
    }
}

pub(crate) fn render(b: &Bundle) -> Vec<u8> {
    let blocks = outline(b);
    let mut lay = Layout::new();
    let body = 10.0;
    for block in &blocks {
        match block {
            Block::H1(t) => {
                lay.text(MARGIN, t, 18.0, true);
                lay.gap(4.0);
            }
            Block::H2(t) => {
                lay.ensure(60.0);
                lay.gap(8.0);
                lay.text(MARGIN, t, 14.0, true);
                lay.gap(2.0);
            }
            Block::H3(t) => {
                lay.ensure(40.0);
                lay.gap(4.0);
                lay.text(MARGIN, t, 11.5, true);
            }
            Block::P(t) => {
                lay.text(MARGIN, t, body, false);
                lay.gap(3.0);
            }
            Block::Ul(items) | Block::Ol(items) => {
                let ordered = matches!(block, Block::Ol(_));
                for (n, item) in items.iter().enumerate() {
                    let lines = wrap(item, body, false, PAGE_W - 2.0 * MARGIN - 16.0);
                    for (k, l) in lines.iter().enumerate() {
                        if k == 0 {
                            let mark = if ordered {
                                format!("{}.", n + 1)
                            } else {
                                "•".into()
                            };
                            lay.line(MARGIN + 2.0, &mark, body, false);
                            lay.y += body * 1.35;
                        }
                        lay.line(MARGIN + 16.0, l, body, false);
                    }
                }
                lay.gap(3.0);
            }
            Block::Chart(i) => {
                if let Some(chart) = b.challenges.get(*i).and_then(Chart::of) {
                    lay.chart(&chart);
                }
            }
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first = 6;
    let n = lay.pages.len();
    let page_ids: Vec<Ref> = (0..n).map(|i| Ref::new(first + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(n as i32);
    for (i, content) in lay.pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(content_id);
        let mut res = page.resources();
        res.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        res.finish();
        page.finish();
        let mut content = content;
        // Page number, bottom right.
        let label = format!("{} / {n}", i + 1);
        content.begin_text();
        content.set_font(REGULAR, 8.0);
        content.next_line(PAGE_W - MARGIN - width(&label, 8.0, false), MARGIN / 2.0);
        content.show(Str(label.as_bytes()));
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = super::text::title(b);
    let mut di = pdf.document_info(info);
    di.title(TextStr(&title));
    di.creator(TextStr(&b.producer.app));
    di.producer(TextStr("Asymptote (pdf-writer)"));
    di.finish();
    pdf.finish()
}
