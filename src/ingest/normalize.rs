//! Text normalisation: NFKC (which also folds full-width ASCII and the
//! ideographic space to their half-width forms), zero-width characters
//! removed, whitespace runs collapsed to one space, ends trimmed.

use unicode_normalization::UnicodeNormalization;

pub fn normalize(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.nfkc() {
        if matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        ) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Han ideographs (the unified blocks and their extensions, and the
/// compatibility block).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF
        | 0x30000..=0x3134F | 0xF900..=0xFAFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_whitespace() {
        assert_eq!(
            normalize("  ＧＰＴ－４ｏ　发布\t了\u{200B}！ "),
            "GPT-4o 发布 了!"
        );
        assert_eq!(normalize("a\r"), "a");
        assert_eq!(normalize("   "), "");
    }

    #[test]
    fn han_ranges() {
        assert!(is_han('模'));
        assert!(!is_han('A'));
        assert!(!is_han('。'));
    }
}
