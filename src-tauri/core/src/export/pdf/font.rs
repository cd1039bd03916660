//! The brief's fonts: DejaVu Sans and DejaVu Sans Bold, compiled into the program
//! (`assets/fonts/`, with their licence) and embedded in each PDF as a subset holding only
//! the glyphs that document uses.
//!
//! Each font is written as a Type0 font over a CIDFontType2 (TrueType outlines) with the
//! Identity-H encoding: text is shown as two-byte CIDs. A CID is given to each distinct
//! *character* in order of first use, and a `/CIDToGIDMap` stream sends it to its glyph in
//! the subset, so two characters drawn with one glyph (every character the font lacks is
//! drawn as U+FFFD �) still have CIDs of their own, and the `/ToUnicode` CMap gives each CID
//! back its character: `pdftotext`, search and copy-paste return exactly what was written,
//! even a character the page can only show as �.
//!
//! CIDs are chosen so that both of their bytes are printable ASCII other than `(`, `)` and
//! `\` (92 × 92 = 8,464 of them; any further ones follow from 0x8000): a line is then a
//! literal string of two bytes per character with no escapes, where the CIDs 1, 2, 3… would
//! have needed an octal escape for every zero byte — four times the bytes to write and to
//! compress.
//!
//! Subsets come from typst's `subsetter` (which renumbers glyphs from 0, hence the map);
//! glyph ids and advance widths come from `ttf-parser`, and the same widths are written in
//! `/W` and used to wrap lines, so what is measured is what is drawn.

use std::collections::HashMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// What a character the font lacks is drawn as.
const REPLACEMENT: char = '\u{FFFD}';
/// Characters below this are looked up once per document, the rest when met.
const TABLE: u32 = 0x0800;
const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// The bytes a CID may be made of: printable ASCII that needs no escape in a literal string.
const PLAIN: [u8; 92] = {
    let mut out = [0u8; 92];
    let (mut b, mut i) = (b' ', 0);
    while b <= b'~' {
        if b != b'(' && b != b')' && b != b'\\' {
            out[i] = b;
            i += 1;
        }
        b += 1;
    }
    out
};

/// The CID of the `k`-th distinct character a font shows, `None` past the last one.
fn cid_of(k: usize) -> Option<u16> {
    let n = PLAIN.len();
    if k < n * n {
        Some(u16::from_be_bytes([PLAIN[k / n], PLAIN[k % n]]))
    } else {
        u16::try_from(0x8000 + (k - n * n)).ok()
    }
}

/// zlib-wrapped Deflate, for `/FlateDecode` streams, at level 2: on a year's brief (5.2 MB
/// of content streams, mostly the charts' coordinates) it takes 28 ms for 1.40 MiB, where
/// level 6 took 175 ms for 1.33 MiB.
pub(super) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 2)
}

/// One embedded font and the characters a document has shown with it.
pub(super) struct Font {
    face: Option<Face<'static>>,
    data: &'static [u8],
    ps_name: &'static str,
    bold: bool,
    units_per_em: f32,
    /// The glyph drawn for a character the font lacks.
    replacement: u16,
    /// (glyph, advance in font units) of the characters below [`TABLE`].
    table: Vec<(u16, u16)>,
    /// CID of each character below [`TABLE`] shown so far (0: none yet).
    low_cids: Vec<u16>,
    /// CID of each other character shown.
    cids: HashMap<char, u16>,
    /// (character, glyph in the full font) of CID [`cid_of`]`(i)`.
    used: Vec<(char, u16)>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.ps_name)
            .field("used", &self.used.len())
            .finish()
    }
}

impl Font {
    pub(super) fn regular() -> Font {
        Font::new(REGULAR_TTF, "DejaVuSans", false)
    }

    pub(super) fn bold() -> Font {
        Font::new(BOLD_TTF, "DejaVuSans-Bold", true)
    }

    fn new(data: &'static [u8], ps_name: &'static str, bold: bool) -> Font {
        // The fonts are compiled in and a test parses them, so `face` is always `Some`; were
        // it not, text would be measured at a fixed width and drawn as `.notdef`.
        let face = Face::parse(data, 0).ok();
        let units_per_em = face
            .as_ref()
            .map_or(1000.0, |f| f32::from(f.units_per_em()));
        let mut font = Font {
            face,
            data,
            ps_name,
            bold,
            units_per_em,
            replacement: 0,
            table: Vec::new(),
            low_cids: vec![0; TABLE as usize],
            cids: HashMap::new(),
            used: Vec::new(),
        };
        font.replacement = font.lookup(REPLACEMENT).map_or(0, |(g, _)| g);
        font.table = (0..TABLE)
            .map(|u| {
                char::from_u32(u)
                    .and_then(|c| font.lookup(c))
                    .unwrap_or_else(|| (font.replacement, font.advance(font.replacement)))
            })
            .collect();
        font
    }

    fn advance(&self, gid: u16) -> u16 {
        self.face
            .as_ref()
            .and_then(|f| f.glyph_hor_advance(GlyphId(gid)))
            .unwrap_or(600)
    }

    /// The font's own glyph for `c`, if it has one.
    fn lookup(&self, c: char) -> Option<(u16, u16)> {
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return None;
        }
        let gid = self.face.as_ref()?.glyph_index(c)?.0;
        Some((gid, self.advance(gid)))
    }

    /// The glyph drawn for `c` and its advance in font units.
    fn glyph(&self, c: char) -> (u16, u16) {
        if let Some(&g) = self.table.get(c as usize) {
            return g;
        }
        self.lookup(c)
            .unwrap_or_else(|| (self.replacement, self.advance(self.replacement)))
    }

    /// Whether the font draws `c` (rather than the replacement).
    #[cfg(test)]
    fn covers(&self, c: char) -> bool {
        self.lookup(c).is_some()
    }

    /// The width of `s` at `size` points.
    pub(super) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / self.units_per_em
    }

    /// `s` as Identity-H bytes (a big-endian CID per character), recording what it uses.
    pub(super) fn encode(&mut self, s: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 * s.len());
        for c in s.chars() {
            out.extend_from_slice(&self.cid(c).to_be_bytes());
        }
        out
    }

    fn cid(&mut self, c: char) -> u16 {
        let known = match self.low_cids.get(c as usize) {
            Some(&cid) => (cid != 0).then_some(cid),
            None => self.cids.get(&c).copied(),
        };
        if let Some(cid) = known {
            return cid;
        }
        let Some(cid) = cid_of(self.used.len()) else {
            // Out of CIDs (some 41,000 distinct characters): shown and extracted as U+FFFD.
            return if c == REPLACEMENT {
                0
            } else {
                self.cid(REPLACEMENT)
            };
        };
        let (gid, _) = self.glyph(c);
        self.used.push((c, gid));
        match self.low_cids.get_mut(c as usize) {
            Some(slot) => *slot = cid,
            None => {
                self.cids.insert(c, cid);
            }
        }
        cid
    }

    fn scaled(&self, units: f32) -> f32 {
        (units * 1000.0 / self.units_per_em).round()
    }

    /// A subset tag: six capitals that depend on the glyphs the subset holds.
    fn tag(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.ps_name.bytes().chain(
            self.used
                .iter()
                .flat_map(|&(c, g)| (c as u32).to_le_bytes().into_iter().chain(g.to_le_bytes())),
        ) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        (0..6)
            .map(|_| {
                let c = char::from(b'A' + (h % 26) as u8);
                h /= 26;
                c
            })
            .collect()
    }

    /// Writes the font's objects into `pdf` as `type0`, taking ids from `next`.
    // Casts here are bounded by construction: a subset font program of a few KiB.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss
    )]
    pub(super) fn write(&self, pdf: &mut Pdf, type0: Ref, next: &mut i32) {
        let mut alloc = || {
            let r = Ref::new(*next);
            *next += 1;
            r
        };
        let (cid_font, descriptor, file, to_unicode, cid_map) =
            (alloc(), alloc(), alloc(), alloc(), alloc());

        let mut remapper = GlyphRemapper::new();
        let new_gids: Vec<u16> = self.used.iter().map(|&(_, g)| remapper.remap(g)).collect();
        // Should subsetting ever fail, the whole font is embedded and CIDs map to its glyphs.
        let (program, gids) = match subsetter::subset(self.data, 0, &remapper) {
            Ok(sub) => (sub, new_gids),
            Err(_) => (
                self.data.to_vec(),
                self.used.iter().map(|&(_, g)| g).collect(),
            ),
        };
        let base = format!("{}+{}", self.tag(), self.ps_name);

        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_font)
            .to_unicode(to_unicode);

        let mut cid = pdf.cid_font(cid_font);
        cid.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(SYSTEM_INFO)
            .font_descriptor(descriptor)
            .default_width(self.scaled(f32::from(self.advance(self.replacement))))
            .cid_to_gid_map_stream(cid_map);
        let mut widths = cid.widths();
        let mut k = 0;
        while k < self.used.len() {
            // A run of consecutive CIDs.
            let start = k;
            while k + 1 < self.used.len()
                && cid_of(k + 1)
                    .zip(cid_of(k))
                    .is_some_and(|(b, a)| b == a + 1)
            {
                k += 1;
            }
            k += 1;
            if let Some(first) = cid_of(start) {
                widths.consecutive(
                    first,
                    self.used[start..k]
                        .iter()
                        .map(|&(_, g)| self.scaled(f32::from(self.advance(g)))),
                );
            }
        }
        widths.finish();
        cid.finish();

        let (bbox, ascent, descent, cap) = match &self.face {
            Some(f) => {
                let b = f.global_bounding_box();
                (
                    Rect::new(
                        self.scaled(f32::from(b.x_min)),
                        self.scaled(f32::from(b.y_min)),
                        self.scaled(f32::from(b.x_max)),
                        self.scaled(f32::from(b.y_max)),
                    ),
                    self.scaled(f32::from(f.ascender())),
                    self.scaled(f32::from(f.descender())),
                    self.scaled(f32::from(f.capital_height().unwrap_or(f.ascender()))),
                )
            }
            None => (Rect::new(0.0, -250.0, 1000.0, 1000.0), 900.0, -250.0, 700.0),
        };
        pdf.font_descriptor(descriptor)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(bbox)
            .italic_angle(0.0)
            .ascent(ascent)
            .descent(descent)
            .cap_height(cap)
            .stem_v(if self.bold { 140.0 } else { 80.0 })
            .font_file2(file);

        let packed = deflate(&program);
        pdf.stream(file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), program.len() as i32);

        // Two bytes per CID from 0 to the last: the glyph, or 0 (.notdef) for a CID unused.
        let last = self.used.len().checked_sub(1).and_then(cid_of).unwrap_or(0);
        let mut map = vec![0u8; 2 * (usize::from(last) + 1)];
        for (k, g) in gids.iter().enumerate() {
            if let Some(cid) = cid_of(k) {
                let at = 2 * usize::from(cid);
                map[at..at + 2].copy_from_slice(&g.to_be_bytes());
            }
        }
        pdf.stream(cid_map, &deflate(&map))
            .filter(Filter::FlateDecode);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (k, &(c, _)) in self.used.iter().enumerate() {
            if let Some(cid) = cid_of(k) {
                cmap.pair(cid, c);
            }
        }
        let cmap = cmap.finish();
        pdf.cmap(to_unicode, &deflate(&cmap))
            .name(Name(b"Custom"))
            .system_info(SYSTEM_INFO)
            .filter(Filter::FlateDecode);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn both_fonts_parse_and_cover_the_scripts_the_docs_claim() {
        for font in [Font::regular(), Font::bold()] {
            let face = font.face.as_ref().unwrap();
            assert_eq!(face.units_per_em(), 2048, "{}", font.ps_name);
            for c in "AzÉłőğșțĳŒ€ΖωήПриветЖщ Բարեւ გამარჯობა שלום سلام Việt →√∞≤•—“”…☐▲😀🙃"
                .chars()
                .filter(|c| !c.is_whitespace())
            {
                assert!(font.covers(c), "{} lacks {c:?}", font.ps_name);
            }
            for c in "会議한국語ใदेव🙂👍🎉".chars() {
                assert!(!font.covers(c), "{} has {c:?}", font.ps_name);
                assert_eq!(font.glyph(c).0, font.replacement);
            }
        }
    }

    #[test]
    fn a_missing_character_is_drawn_as_the_visible_replacement_mark() {
        let mut font = Font::regular();
        let face = Face::parse(REGULAR_TTF, 0).unwrap();
        let fffd = face.glyph_index(REPLACEMENT).unwrap();
        assert_ne!(fffd.0, 0, "DejaVu has U+FFFD");
        assert_eq!(font.replacement, fffd.0);
        assert!(face.glyph_bounding_box(fffd).is_some(), "it has an outline");
        assert!(font.width("🙂", 10.0) > 5.0, "and a width");
        // Two missing characters keep CIDs of their own (for /ToUnicode), drawn alike.
        let bytes = font.encode("会🙂会");
        assert_eq!(bytes, b"   !  ");
        assert_eq!(font.used, vec![('会', fffd.0), ('🙂', fffd.0)]);
    }

    #[test]
    fn cids_are_two_plain_bytes_unique_and_rising() {
        let all: Vec<u16> = (0..41_232).map_while(cid_of).collect();
        assert_eq!(all.len(), 41_232);
        assert_eq!(cid_of(41_232), None);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        for &cid in &all[..92 * 92] {
            for b in cid.to_be_bytes() {
                assert!(
                    (b' '..=b'~').contains(&b) && !b"()\\".contains(&b),
                    "{cid:#x}"
                );
            }
        }
        assert_eq!(all[92 * 92], 0x8000);
    }

    #[test]
    fn widths_are_the_fonts_own_advances() {
        let font = Font::regular();
        let face = Face::parse(REGULAR_TTF, 0).unwrap();
        let adv = |c: char| {
            f32::from(
                face.glyph_hor_advance(face.glyph_index(c).unwrap())
                    .unwrap(),
            )
        };
        let want = (adv('W') + adv('ж') + adv('ő')) * 12.0 / 2048.0;
        assert!((font.width("Wжő", 12.0) - want).abs() < 1e-4);
        // W is much wider than i: no fixed or Helvetica-like table.
        assert!(font.width("W", 10.0) > 2.5 * font.width("i", 10.0));
    }

    #[test]
    fn the_subset_is_small_and_parses() {
        let mut font = Font::bold();
        font.encode("Łukasz Ζωή Привет שלום");
        let mut remapper = GlyphRemapper::new();
        for &(_, g) in &font.used {
            remapper.remap(g);
        }
        let sub = subsetter::subset(font.data, 0, &remapper).unwrap();
        assert!(sub.len() < 40_000, "{} bytes", sub.len());
        let face = Face::parse(&sub, 0).unwrap();
        assert!(face.number_of_glyphs() <= 40);
    }
}
