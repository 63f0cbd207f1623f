//! Text normalisation: NFKC (which also folds full-width ASCII and the
//! ideographic space to their half-width forms), zero-width characters
//! removed, whitespace runs collapsed to one space, ends trimmed.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::text::{ascii_prefix, is_han_lead};

pub fn normalize(line: &str) -> String {
    // Most lines, English or Chinese, need at most the full-width fold and
    // collapsed whitespace: one pass does both, copying the stretches between
    // changes whole. A character the pass does not know gives up.
    if clean_ascii(line.as_bytes()) {
        return line.to_string();
    }
    match fold_and_collapse(line) {
        Some(out) => out,
        None => normalize_general(line),
    }
}

/// The general path: the full-width fold, the NFKC quick check, a full NFKC
/// normalisation when that check does not say yes, and the whitespace
/// collapse. [`normalize`] gives the same result for every line.
pub(super) fn normalize_general(line: &str) -> String {
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

/// True when `b` is printable ASCII with no space at either end and no two
/// spaces in a row: a line [`normalize`] returns unchanged. 32 bytes at a
/// time, each chunk folded without branches (vectorised), stopping at the
/// first chunk with anything else.
fn clean_ascii(b: &[u8]) -> bool {
    const N: usize = 32;
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let odd = |c: u8, next: u8| !(b' '..0x7f).contains(&c) | ((c == b' ') & (next == b' '));
    let mut i = 0;
    // Each chunk also reads the byte after it, for the pair of spaces.
    while i + N < b.len() {
        let (chunk, next) = (&b[i..i + N], &b[i + 1..i + N + 1]);
        let bad = chunk
            .iter()
            .zip(next)
            .fold(false, |acc, (&c, &n)| acc | odd(c, n));
        if bad {
            return false;
        }
        i += N;
    }
    let tail = &b[i..];
    !tail
        .iter()
        .zip(tail.iter().skip(1).chain([&0x21]))
        .any(|(&c, &n)| odd(c, n))
}

/// What [`fold_and_collapse`] does with the character at a byte offset.
enum Step {
    /// Printable ASCII or a character NFKC and the fold leave alone and the
    /// collapse keeps: copied as part of a stretch. The byte length.
    Keep(usize),
    /// Whitespace or a control character (ASCII, or the ideographic space).
    Space(usize),
    /// Full-width ASCII: this ASCII character instead of its 3 bytes.
    Fold(char),
    /// Anything else: the general path decides.
    Unknown,
}

fn step(s: &str, i: usize) -> Step {
    let b = s.as_bytes();
    let c = b[i];
    if c < 0x80 {
        return if c > b' ' && c < 0x7f {
            Step::Keep(1)
        } else {
            Step::Space(1)
        };
    }
    if is_han_lead(c) {
        return Step::Keep(3);
    }
    let ch = s[i..].chars().next().expect("a character at a boundary");
    match ch as u32 {
        0xFF01..=0xFF5E => Step::Fold(char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch)),
        0x3000 => Step::Space(3),
        _ if is_plain(ch) => Step::Keep(ch.len_utf8()),
        _ => Step::Unknown,
    }
}

/// Non-ASCII characters that are NFKC starters (combining class 0, quick
/// check yes), outside the full-width fold, and neither whitespace, control
/// nor zero-width: the common Han block, CJK punctuation, Latin-1 and
/// Latin Extended-A letters, quotation marks and dashes. A test checks every
/// one of them against the tables.
fn is_plain(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3001..=0x3029
        | 0x2010 | 0x2012..=0x2016 | 0x2018..=0x2023 | 0x2030 | 0x2032 | 0x203B
        | 0xA1..=0xA7 | 0xA9 | 0xAB | 0xAE | 0xB0..=0xB1 | 0xB7 | 0xBB
        | 0xBF..=0x131 | 0x134..=0x13E | 0x141..=0x148 | 0x14A..=0x17E)
}

/// Append a kept span to collapsed text, after the one space a run of
/// separators before it left `pending` (and only if the span is not empty).
fn push_span(out: &mut String, span: &str, pending: &mut bool) {
    if !span.is_empty() {
        if *pending {
            out.push(' ');
            *pending = false;
        }
        out.push_str(span);
    }
}

/// [`normalize_general`] in one pass for lines of [`Step::Keep`],
/// [`Step::Space`] and [`Step::Fold`] characters (where the quick check is
/// yes and NFKC is the fold): `None` at the first other character.
fn fold_and_collapse(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let b = s.as_bytes();
    // `span..i` is copied as it is: kept characters, and single spaces each
    // between two kept characters.
    let (mut i, mut span) = (0, 0);
    let plain = |c: u8| c > b' ' && c < 0x7f;
    while i < b.len() {
        // Printable ASCII, and one space between two of them, in the loop.
        if plain(b[i]) {
            i += 1;
            continue;
        }
        if b[i] == b' ' && i > span && b.get(i + 1).is_some_and(|&c| plain(c)) {
            i += 2;
            continue;
        }
        match step(s, i) {
            Step::Keep(n) => i += n,
            Step::Space(n) => {
                if b[i] == b' ' && i > span && i + 1 < b.len() {
                    if let Step::Keep(m) = step(s, i + 1) {
                        i += 1 + m;
                        continue;
                    }
                }
                push_span(&mut out, &s[span..i], &mut pending_space);
                pending_space = !out.is_empty();
                i += n;
                span = i;
            }
            Step::Fold(c) => {
                push_span(&mut out, &s[span..i], &mut pending_space);
                push_span(&mut out, c.encode_utf8(&mut [0; 4]), &mut pending_space);
                i += 3;
                span = i;
            }
            Step::Unknown => return None,
        }
    }
    push_span(&mut out, &s[span..], &mut pending_space);
    Some(out)
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

/// [`collapse`] over a string, copying the stretches between separators
/// whole instead of a character at a time.
fn collapse_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
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
            push_span(&mut out, &s[span..i], &mut pending_space);
            if !zero_width {
                pending_space = !out.is_empty();
            }
            span = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    push_span(&mut out, &s[span..], &mut pending_space);
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
    fn plain_characters_are_nfkc_starters_the_collapse_keeps() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let lead = c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            if is_han_lead(lead) {
                assert!(is_plain(c), "{c:?} has a Han lead byte");
            }
            if !is_plain(c) {
                continue;
            }
            let one = c.to_string();
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
            assert_eq!(is_nfkc_quick(one.chars()), IsNormalized::Yes, "{c:?}");
            assert_eq!(one.nfkc().collect::<String>(), one, "{c:?}");
            assert!(
                !c.is_whitespace() && !c.is_control() && !is_zero_width(c),
                "{c:?}"
            );
            assert_eq!(fold_full_width(&one), one, "{c:?}");
        }
    }

    /// Strings full of what normalisation treats specially.
    fn tricky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::prop_oneof![
            "[ -~]{0,80}",
            "[a-z ]{0,70}[ \\t\\x00\\x7f]?[a-z ]{0,10}",
            "[ -~\\t\\n\\r\\x00-\\x1f\\x7f\\u{85}\\u{a0}\\u{1680}\\u{2000}-\\u{200f}\\u{2028}\\u{2029}\\u{202f}\\u{205f}\\u{3000}\\u{feff}\\u{2060}\\u{ad}]{0,50}",
            "[a-zA-Z 模型的。，！：（）“”《》、＂　ＡＺａｚ０９～é£×ſŉĲİKΣς①ﬁ\\u{301}\\u{327}￥…―ㄛ〇〆\\u{302a}\\u{3000}\\u{a0}\\u{200b}\\u{2028}\\t\\x01]{0,60}",
            proptest::collection::vec(proptest::prelude::any::<char>(), 0..30)
                .prop_map(|v| v.into_iter().collect()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn one_pass_equals_the_general_path(s in tricky()) {
            proptest::prop_assert_eq!(normalize(&s), normalize_general(&s));
        }

        #[test]
        fn normalize_is_nfkc_of_the_fold_collapsed(s in tricky()) {
            let full: String = fold_full_width(&s).nfkc().collect();
            proptest::prop_assert_eq!(normalize(&s), collapse(full.chars(), full.len()));
        }
    }
}
