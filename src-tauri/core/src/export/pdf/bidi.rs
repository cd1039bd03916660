//! Right-to-left runs in a left-to-right line, put in the order they are drawn.
//!
//! The brief's lines are left to right (its headings and labels are English), and glyphs are
//! drawn in the order given; a Hebrew or Arabic phrase must therefore be drawn last letter
//! first. This is the part of the Unicode bidirectional algorithm (UAX #9) such a line
//! needs: a run that starts and ends with a right-to-left letter, and holds no left-to-right
//! letter, is reversed — keeping numbers inside it in their own order, and mirroring
//! brackets — while spaces and punctuation at its edges stay on the left-to-right side.
//! PDF readers undo this when they extract text (`pdftotext` returns the phrase as written).

/// Whether `c` is a strong right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// their presentation forms).
fn rtl(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Whether `c` may sit inside a right-to-left run: not a left-to-right letter.
fn neutral(c: char) -> bool {
    !c.is_alphabetic() || rtl(c)
}

fn mirror(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        _ => c,
    }
}

/// `line` in drawing order.
pub(super) fn visual(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.chars().any(rtl) {
        return line.into();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        if !rtl(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: from this letter to the last right-to-left letter before a
        // left-to-right one.
        let mut end = i;
        let mut j = i;
        while j < chars.len() && neutral(chars[j]) {
            if rtl(chars[j]) {
                end = j;
            }
            j += 1;
        }
        let run = &chars[i..=end];
        // Reverse the run, but keep each number (digits and what joins them) in order.
        let mut k = run.len();
        while k > 0 {
            let c = run[k - 1];
            if c.is_ascii_digit() {
                let mut s = k - 1;
                while s > 0 && (run[s - 1].is_ascii_digit() || matches!(run[s - 1], '.' | ',')) {
                    s -= 1;
                }
                while !run[s].is_ascii_digit() {
                    s += 1;
                }
                out.extend(&run[s..k]);
                k = s;
            } else {
                out.push(mirror(c));
                k -= 1;
            }
        }
        i = end + 1;
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::visual;

    #[test]
    fn right_to_left_runs_are_reversed_and_the_rest_kept() {
        assert_eq!(visual("plain text, 12 (x)"), "plain text, 12 (x)");
        assert_eq!(visual("Hebrew: שלום."), "Hebrew: םולש.");
        assert_eq!(visual("שלום עולם"), "םלוע םולש");
        assert_eq!(visual("a שלום 2026 עולם b"), "a םלוע 2026 םולש b");
        assert_eq!(visual("(שלום) x"), "(םולש) x");
        assert_eq!(visual("سلام world"), "مالس world");
    }
}
