//! Text normalisation: NFKC (which also folds full-width ASCII and the
//! ideographic space to their half-width forms), zero-width characters
//! removed, whitespace runs collapsed to one space, ends trimmed.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

pub fn normalize(line: &str) -> String {
    // ASCII (most English text): NFKC changes nothing; only whitespace and
    // control characters are collapsed, a run of other bytes at a time.
    if line.is_ascii() {
        // Most lines have nothing to collapse: one scan for control
        // characters, one (memchr-fast) for a double space.
        let clean = !line.starts_with(' ')
            && !line.ends_with(' ')
            && !line.bytes().any(|c| c < b' ' || c == 0x7f)
            && !line.contains("  ");
        return if clean {
            line.to_string()
        } else {
            collapse_str(line)
        };
    }
    // Fast path: fold full-width ASCII and the ideographic space by hand (the
    // same mapping NFKC makes); text that is then already NFKC by the quick
    // check (most English and Chinese text) skips the full normalisation.
    let folded = fold_full_width(line);
    if quick_nfkc(&folded) {
        collapse_str(&folded)
    } else {
        collapse(folded.nfkc(), line.len())
    }
}

/// The NFKC quick check over the non-ASCII stretches of `s` only: ASCII is
/// NFKC and resets the check (a starter), so the stretches are independent.
fn quick_nfkc(s: &str) -> bool {
    let mut pos = 0;
    while pos < s.len() {
        pos += ascii_prefix(&s.as_bytes()[pos..]);
        let end = pos
            + s.as_bytes()[pos..]
                .iter()
                .position(u8::is_ascii)
                .unwrap_or(s.len() - pos);
        if is_nfkc_quick(s[pos..end].chars()) != IsNormalized::Yes {
            return false;
        }
        pos = end;
    }
    true
}

/// The length of the ASCII prefix of `b`, 16 bytes at a time.
pub fn ascii_prefix(b: &[u8]) -> usize {
    const HIGH: u128 = u128::from_ne_bytes([0x80; 16]);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 16) {
        let word = u128::from_ne_bytes(chunk.try_into().expect("16 bytes"));
        if word & HIGH != 0 {
            break;
        }
        i += 16;
    }
    i + b[i..]
        .iter()
        .position(|c| !c.is_ascii())
        .unwrap_or(b.len() - i)
}

/// [`collapse`] over a string, copying the stretches between separators
/// whole instead of a character at a time.
fn collapse_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let push = |out: &mut String, span: &str, pending: &mut bool| {
        if !span.is_empty() {
            if *pending {
                out.push(' ');
                *pending = false;
            }
            out.push_str(span);
        }
    };
    let b = s.as_bytes();
    let (mut i, mut span) = (0, 0);
    let plain = |c: u8| c > b' ' && c < 0x7f;
    while i < b.len() {
        if plain(b[i]) {
            i += 1;
            continue;
        }
        // One space between two kept characters stays as it is.
        if b[i] == b' ' && i > span && b.get(i + 1).is_some_and(|&c| plain(c)) {
            i += 2;
            continue;
        }
        let c = s[i..].chars().next().expect("a character at a boundary");
        let zero_width = is_zero_width(c);
        if zero_width || c.is_whitespace() || c.is_control() {
            push(&mut out, &s[span..i], &mut pending_space);
            if !zero_width {
                pending_space = !out.is_empty();
            }
            span = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    push(&mut out, &s[span..], &mut pending_space);
    out
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn fold_full_width(line: &str) -> Cow<'_, str> {
    let wide = |c: char| matches!(c as u32, 0xFF01..=0xFF5E | 0x3000);
    // Their UTF-8 starts with 0xEF or 0xE3: most lines are ruled out on bytes.
    if !line.bytes().any(|b| b == 0xEF || b == 0xE3) || !line.chars().any(wide) {
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

fn collapse(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for c in chars {
        if is_zero_width(c) {
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
        fn string_path_equals_the_general_one(
            s in "[a-z .\t\n\u{7f}\u{85}\u{a0}\u{200b}\u{200d}\u{2028}\u{3000}\u{feff}模é]{0,30}"
        ) {
            proptest::prop_assert_eq!(collapse_str(&s), collapse(s.chars(), s.len()));
        }

        #[test]
        fn quick_check_by_stretches_is_the_quick_check(s in "[a-zé\u{301}\u{300}\u{327}ﬁ①模 ]{0,12}") {
            proptest::prop_assert_eq!(quick_nfkc(&s), is_nfkc_quick(s.chars()) == IsNormalized::Yes);
        }

        #[test]
        fn ascii_path_equals_the_general_one(s in "[ -~\t\n\r\x00-\x1f\x7f]{0,30}") {
            proptest::prop_assert_eq!(collapse_str(&s), collapse(s.chars(), s.len()));
            proptest::prop_assert_eq!(normalize(&s), collapse(s.chars(), s.len()));
        }
    }

    #[test]
    fn han_ranges() {
        assert!(is_han('模'));
        assert!(!is_han('A'));
        assert!(!is_han('。'));
    }
}
