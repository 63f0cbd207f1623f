//! Text normalisation: NFKC (which also folds full-width ASCII and the
//! ideographic space to their half-width forms), zero-width characters
//! removed, whitespace runs collapsed to one space, ends trimmed.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

pub fn normalize(line: &str) -> String {
    // ASCII (most English text): NFKC changes nothing; only whitespace and
    // control characters are collapsed, a run of other bytes at a time.
    if line.is_ascii() {
        return collapse_ascii(line);
    }
    // Fast path: fold full-width ASCII and the ideographic space by hand (the
    // same mapping NFKC makes); text that is then already NFKC by the quick
    // check (most English and Chinese text) skips the full normalisation.
    let folded = fold_full_width(line);
    if is_nfkc_quick(folded.chars()) == IsNormalized::Yes {
        collapse(folded.chars(), line.len())
    } else {
        collapse(folded.nfkc(), line.len())
    }
}

fn fold_full_width(line: &str) -> Cow<'_, str> {
    let wide = |c: char| matches!(c as u32, 0xFF01..=0xFF5E | 0x3000);
    if !line.chars().any(wide) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(
        line.chars()
            .map(|c| match c as u32 {
                0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                0x3000 => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// [`collapse`] for ASCII text: separators are ASCII whitespace and
/// control characters (`char::is_whitespace` or `is_control` on ASCII).
fn collapse_ascii(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let separator = |c: char| c <= ' ' || c == '\x7f';
    for part in line.split(separator).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

fn collapse(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for c in chars {
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
    fn fast_path_equals_full_nfkc() {
        for s in [
            "国产大模型,通义千问。",
            "Ａ\u{301}ｂｃ　ｄ",
            "ﬁnancial ① ㍿ e\u{301}",
            "OpenAI’s “GPT-5” 2023",
            "ｶﾀｶﾅ and 全角：１２３",
        ] {
            let full: String = s.nfkc().collect();
            assert_eq!(normalize(s), collapse(full.chars(), full.len()), "{s}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_path_equals_the_general_one(s in "[ -~\t\n\r\x00-\x1f\x7f]{0,30}") {
            proptest::prop_assert_eq!(collapse_ascii(&s), collapse(s.chars(), s.len()));
        }
    }

    #[test]
    fn han_ranges() {
        assert!(is_han('模'));
        assert!(!is_han('A'));
        assert!(!is_han('。'));
    }
}
