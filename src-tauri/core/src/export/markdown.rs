//! CommonMark: headings, lists and paragraphs, with every piece of the person's text escaped
//! so that it reads as text, never as markup.

use std::fmt::Write;

use super::Bundle;
use super::doc::{Block, outline};

/// Escapes every ASCII punctuation character (CommonMark §2.4 lets any of them be
/// backslash-escaped) and folds line breaks into spaces, so text can never open a heading,
/// list, link, code span, HTML block or emphasis.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.trim().chars() {
        match ch {
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn render(b: &Bundle) -> String {
    let mut o = String::new();
    for block in outline(b) {
        let _ = match block {
            Block::H1(t) => writeln!(o, "# {}\n", esc(&t)),
            Block::H2(t) => writeln!(o, "## {}\n", esc(&t)),
            Block::H3(t) => writeln!(o, "### {}\n", esc(&t)),
            Block::P(t) => writeln!(o, "{}\n", esc(&t)),
            Block::Ul(items) => {
                for i in items {
                    let _ = writeln!(o, "- {}", esc(&i));
                }
                writeln!(o)
            }
            Block::Ol(items) => {
                for (n, i) in items.iter().enumerate() {
                    let _ = writeln!(o, "{}. {}", n + 1, esc(i));
                }
                writeln!(o)
            }
            // A chart needs a picture; the words beside it say the same.
            Block::Chart(_) => Ok(()),
        };
    }
    o
}
