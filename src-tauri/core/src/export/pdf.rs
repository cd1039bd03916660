//! The one-on-one brief as PDF: A4 pages of selectable text and each shared challenge's
//! mastery curve drawn as vector paths, written with `pdf-writer` (typst's low-level PDF
//! writer). Content streams and fonts are Flate-compressed.
//!
//! Text is set in DejaVu Sans (regular and bold), compiled into the program and embedded as
//! a per-document subset (see [`font`]), so the file shows the same on every machine and no
//! font installed on the reader's or the writer's machine matters. `pdftotext`, search and
//! copy-paste return exactly the characters written.
//!
//! What prints: Latin (with Vietnamese, Turkish, Polish, Romanian, Baltic and IPA letters),
//! Greek, Cyrillic, Armenian, Georgian, Hebrew, Lao, N'Ko, Canadian syllabics, Ogham,
//! basic Arabic (letters unjoined: glyphs are drawn one per character, without shaping), and
//! many symbols, arrows, box drawing and mathematical operators. Lines run left to right; a
//! Hebrew or Arabic phrase inside one is drawn right to left ([`bidi`]).
//! Of emoji, only the classic faces (U+1F600–1F640, 🙃) print, in black and white.
//! What does not: CJK (Chinese, Japanese, Korean), Indic and South-East Asian scripts
//! (Devanagari, Bengali, Tamil, Thai…), Ethiopic, and other emoji (🙂 👍 🎉…). Each such
//! character is drawn as the replacement mark � (U+FFFD) yet kept in the text layer, so it
//! still copies and extracts as written. The JSON, Markdown and HTML formats keep every
//! character as is.

mod bidi;
mod font;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::Bundle;
use super::doc::{Block, outline};
use super::text::{Chart, num};
use font::{Font, deflate};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// The two faces a document uses.
#[derive(Debug)]
struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    fn new() -> Self {
        Fonts {
            regular: Font::regular(),
            bold: Font::bold(),
        }
    }

    fn get(&self, bold: bool) -> &Font {
        if bold { &self.bold } else { &self.regular }
    }

    /// The width of `s` in points, with the embedded font's own advance widths.
    fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        self.get(bold).width(s, size)
    }

    /// A line as the bytes a `Tj` shows in the face's font resource (right-to-left runs in
    /// drawing order), and that resource.
    fn encode(&mut self, s: &str, bold: bool) -> (Name<'static>, Vec<u8>) {
        let s = &*bidi::visual(s);
        if bold {
            (BOLD, self.bold.encode(s))
        } else {
            (REGULAR, self.regular.encode(s))
        }
    }

    /// Splits `s` into lines no wider than `max`; a word longer than a line is cut.
    fn wrap(&self, s: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let font = self.get(bold);
        let space = font.width(" ", size);
        let mut lines = Vec::new();
        let mut cur = String::new();
        let mut cur_w = 0.0_f32;
        for word in s.split_whitespace() {
            let w = font.width(word, size);
            if cur.is_empty() && w <= max {
                cur.push_str(word);
                cur_w = w;
                continue;
            }
            if !cur.is_empty() && cur_w + space + w <= max {
                cur.push(' ');
                cur.push_str(word);
                cur_w += space + w;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            cur_w = 0.0;
            if w <= max {
                cur.push_str(word);
                cur_w = w;
                continue;
            }
            // A word wider than the line: cut it where it overflows.
            let mut buf = [0u8; 4];
            for ch in word.chars() {
                let cw = font.width(ch.encode_utf8(&mut buf), size);
                if !cur.is_empty() && cur_w + cw > max {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0.0;
                }
                cur.push(ch);
                cur_w += cw;
            }
        }
        if !cur.is_empty() {
            lines.push(cur);
        }
        lines
    }
}

struct Layout {
    pages: Vec<Content>,
    y: f32,
    fonts: Fonts,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
            fonts: Fonts::new(),
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
        let (font, bytes) = self.fonts.encode(text, bold);
        let c = self.page();
        c.begin_text();
        c.set_font(font, size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn text(&mut self, x: f32, text: &str, size: f32, bold: bool) {
        for l in self.fonts.wrap(text, size, bold, PAGE_W - MARGIN - x) {
            self.line(x, &l, size, bold);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    // Casts here are bounded by construction: chart coordinates in [0, 1] scaled to a page: far inside f32.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )]
    fn chart(&mut self, chart: &Chart) {
        let (w, h) = (400.0_f32, 190.0_f32);
        let (l, bm) = (MARGIN + 44.0, 34.0);
        self.ensure(h + bm + 16.0);
        let top = self.y - 14.0;
        let bottom = top - h;
        let px = |x: f64| l + x as f32 * w;
        let py = |y: f64| bottom + y as f32 * h;
        let y_label = chart.y_label.clone();
        let width = |s: &str| self.fonts.width(s, 8.0, false);
        let labels = [
            (
                l - 6.0 - width(&num(chart.y_max)),
                top - 3.0,
                num(chart.y_max),
            ),
            (l - 6.0 - width(&num(chart.y_min)), bottom, num(chart.y_min)),
            (l - 2.0, bottom - 12.0, "0".to_string()),
            (
                l + w - width(&num(chart.x_max)) / 2.0,
                bottom - 12.0,
                num(chart.x_max),
            ),
            (
                l + w / 2.0 - width(&chart.x_label) / 2.0,
                bottom - 26.0,
                chart.x_label.clone(),
            ),
            (l, top + 5.0, y_label),
        ];
        let labels: Vec<(f32, f32, Vec<u8>)> = labels
            .into_iter()
            .map(|(x, y, t)| (x, y, self.fonts.encode(&t, false).1))
            .collect();
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
            c.show(Str(&t));
            c.end_text();
        }
        c.restore_state();
        self.y = bottom - bm;
    }
}

// Casts here are bounded by construction: object numbers of a brief of a few pages.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]
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
                    let lines = lay
                        .fonts
                        .wrap(item, body, false, PAGE_W - 2.0 * MARGIN - 16.0);
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

    let Layout {
        pages, mut fonts, ..
    } = lay;
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first = 6;
    let n = pages.len();
    let page_ids: Vec<Ref> = (0..n).map(|i| Ref::new(first + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(n as i32);
    for (i, content) in pages.into_iter().enumerate() {
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
        let x = PAGE_W - MARGIN - fonts.width(&label, 8.0, false);
        let (font, bytes) = fonts.encode(&label, false);
        content.begin_text();
        content.set_font(font, 8.0);
        content.next_line(x, MARGIN / 2.0);
        content.show(Str(&bytes));
        content.end_text();
        pdf.stream(content_id, &deflate(&content.finish()))
            .filter(Filter::FlateDecode);
    }
    // Fonts last: only now is every character the document shows known.
    let mut next = first + 2 * n as i32;
    fonts.regular.write(&mut pdf, regular, &mut next);
    fonts.bold.write(&mut pdf, bold, &mut next);
    let title = super::text::title(b);
    let mut di = pdf.document_info(info);
    di.title(TextStr(&title));
    di.creator(TextStr(&b.producer.app));
    di.producer(TextStr("Asymptote (pdf-writer)"));
    di.finish();
    pdf.finish()
}
