//! The English tokenizer: Unicode words (UAX #29) with two repairs a news
//! tokenizer needs in this field: product names stay whole (`GPT-4o`,
//! `Qwen-2`, `Llama 3.1`, `GPT-3.5`), and possessives are cut (`OpenAI's`).

use unicode_segmentation::UnicodeSegmentation;

/// A word of a non-Han run: byte offsets into the run, and whether it is a
/// merged product name (never stemmed, never a stop word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub product: bool,
}

/// Model families whose version follows after a space ("Llama 3.1", "Claude 3").
const VERSIONED_NAMES: &[&str] = &[
    "gpt", "llama", "claude", "qwen", "glm", "chatglm", "ernie", "gemini", "deepseek", "kimi",
    "baichuan", "pangu", "mistral", "mixtral", "phi", "yi", "moss", "doubao", "hunyuan", "spark",
    "grok", "gemma", "falcon", "bert", "palm", "minimax", "internlm",
];

fn is_version(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(|c| c.is_ascii_digit())
        && w.len() <= 6
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
}

fn has_digit(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_digit())
}

fn starts_alpha(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_alphabetic)
}

/// Cut a trailing possessive (`'s` or `’s`, either case, after at least
/// one byte): "OpenAI's" -> "OpenAI", "models’" stays.
#[inline]
fn strip_possessive(text: &str, start: usize, end: usize) -> usize {
    let b = &text.as_bytes()[start..end];
    // Most words are ruled out on their last byte.
    if b.last().is_none_or(|&s| s | 0x20 != b's') {
        return end;
    }
    match b {
        [_, .., b'\'', _] => end - 2,
        // ’ is E2 80 99 in UTF-8.
        [_, .., 0xE2, 0x80, 0x99, _] => end - 4,
        _ => end,
    }
}

/// Words of `text` with byte offsets. Appends to `out` (reused across calls).
pub fn words(text: &str, out: &mut Vec<Word>) {
    let mut merge = MergeProducts::new(text, out);
    if text.is_ascii() {
        for (start, end) in AsciiWords::new(text) {
            merge.push(start, end);
        }
    } else {
        unicode_words(text, |start, end| merge.push(start, end));
    }
}

/// The words of any text exactly as UAX #29 gives them, in order, to `f`,
/// the ASCII stretches through [`AsciiWords`]: an English passage with one
/// pound sign, curly quote or accented name is ASCII but for a few words,
/// and UAX #29's tables cost three times the ASCII scanner. The text is cut
/// at ASCII spaces (no word spans one), and only the space-delimited pieces
/// that hold a non-ASCII character go through `unicode_word_indices`.
fn unicode_words(text: &str, mut f: impl FnMut(usize, usize)) {
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < b.len() {
        let start = pos;
        let Some(wide) = b[pos..].iter().position(|&c| !c.is_ascii()) else {
            for (i, j) in AsciiWords::new(&text[start..]) {
                f(start + i, start + j);
            }
            return;
        };
        let wide = pos + wide;
        // The piece holding `wide`: from after the space before it to the
        // next space. The ASCII text before the piece first.
        let piece = b[start..wide]
            .iter()
            .rposition(|&c| c == b' ')
            .map_or(start, |i| start + i + 1);
        for (i, j) in AsciiWords::new(&text[start..piece]) {
            f(start + i, start + j);
        }
        pos = b[wide..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |i| wide + i);
        for (i, w) in text[piece..pos].unicode_word_indices() {
            f(piece + i, piece + i + w.len());
        }
    }
}

/// The words of ASCII text exactly as UAX #29 (`unicode_word_indices`) gives
/// them, three times faster: runs of letters, digits and `_`, joined across
/// `:` `.` `'` between two letters and `,` `;` `.` `'` between two digits;
/// runs with no letter or digit are not words. A property test holds it to
/// `unicode_word_indices`.
///
/// Runs are found 64 bytes at a time: a bit mask of the word bytes of each
/// 64-byte block ([`word_mask`]) gives where a run starts and ends by
/// counting zero bits, with no branch per byte (a loop over bytes
/// mispredicted once per word, where the word ends).
struct AsciiWords<'a> {
    text: &'a str,
    pos: usize,
    /// The offset of the block whose mask is `mask` (a multiple of 64), or
    /// `usize::MAX` before the first.
    block: usize,
    mask: u64,
}

impl<'a> AsciiWords<'a> {
    fn new(text: &'a str) -> Self {
        AsciiWords {
            text,
            pos: 0,
            block: usize::MAX,
            mask: 0,
        }
    }

    /// The word-byte mask of the block holding `at`, and `at`'s bit in it.
    #[inline]
    fn mask_at(&mut self, at: usize) -> (u64, usize) {
        let block = at & !63;
        if block != self.block {
            let b = self.text.as_bytes();
            self.mask = word_mask(&b[block..(block + 64).min(b.len())]);
            self.block = block;
        }
        (self.mask, at - block)
    }

    /// The first word byte at or after `from`.
    #[inline]
    fn next_word_byte(&mut self, mut from: usize) -> Option<usize> {
        while from < self.text.len() {
            let (mask, bit) = self.mask_at(from);
            let m = mask >> bit;
            if m != 0 {
                return Some(from + m.trailing_zeros() as usize);
            }
            from += 64 - bit;
        }
        None
    }

    /// The first byte at or after `from` that is not a word byte (or the end).
    #[inline]
    fn run_end(&mut self, mut from: usize) -> usize {
        while from < self.text.len() {
            let (mask, bit) = self.mask_at(from);
            // Bits past the end of the text are 0 in the mask: not words.
            let m = !mask >> bit;
            if m != 0 {
                return from + m.trailing_zeros() as usize;
            }
            from += 64 - bit;
        }
        self.text.len()
    }
}

/// What each ASCII byte can do in a word, as bit flags ([`CLASSES`]).
const WORD: u8 = 1;
const ALPHA: u8 = 2;
const DIGIT: u8 = 4;
/// Joins two letters (`:` `.` `'`).
const MID_LETTER: u8 = 8;
/// Joins two digits (`,` `;` `.` `'`).
const MID_NUM: u8 = 16;

static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() {
            WORD | ALPHA
        } else if b.is_ascii_digit() {
            WORD | DIGIT
        } else if b == b'_' {
            WORD
        } else {
            match b {
                b':' => MID_LETTER,
                b'.' | b'\'' => MID_LETTER | MID_NUM,
                b',' | b';' => MID_NUM,
                _ => 0,
            }
        };
        c += 1;
    }
    t
};

/// Bit `j` set when `b[j]` is a word byte (an ASCII letter, digit or `_`);
/// `b` holds at most 64 bytes.
#[inline]
fn word_mask(b: &[u8]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Ok(block) = <&[u8; 64]>::try_from(b) {
        // SAFETY: SSE2 is enabled for this build (the cfg above), as it
        // is on every x86-64.
        return unsafe { word_mask_sse2(block) };
    }
    word_mask_by_bytes(b)
}

fn word_mask_by_bytes(b: &[u8]) -> u64 {
    b.iter().enumerate().fold(0, |m, (j, &c)| {
        m | u64::from(CLASSES[usize::from(c)] & WORD) << j
    })
}

/// [`word_mask`] 16 bytes at a time: a letter is a byte whose `| 0x20`
/// lies in `a..=z`, a digit one in `0..=9` (a range tested as unsigned
/// `min(x - lo, span) == x - lo`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn word_mask_sse2(b: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x, _mm_sub_epi8,
    };
    let mut mask = 0u64;
    for (k, chunk) in b.chunks_exact(16).enumerate() {
        let lo = i64::from_le_bytes(chunk[..8].try_into().expect("8 bytes"));
        let hi = i64::from_le_bytes(chunk[8..].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(hi, lo);
        let letter = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x61));
        let letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(25)), letter);
        let digit = _mm_sub_epi8(v, _mm_set1_epi8(0x30));
        let digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
        let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5f));
        let word = _mm_or_si128(_mm_or_si128(letter, digit), under);
        mask |= u64::from(_mm_movemask_epi8(word) as u16) << (16 * k);
    }
    mask
}

impl<'a> Iterator for AsciiWords<'a> {
    /// A word's start and end.
    type Item = (usize, usize);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let b = self.text.as_bytes();
        let class = |i: usize| b.get(i).map_or(0, |&c| CLASSES[usize::from(c)]);
        loop {
            let start = self.next_word_byte(self.pos)?;
            let mut i = self.run_end(start + 1);
            // A joiner between two letters or between two digits.
            while class(i) & (MID_LETTER | MID_NUM) != 0 {
                let (prev, mid, next) = (class(i - 1), class(i), class(i + 1));
                let joined = (mid & MID_LETTER != 0 && prev & next & ALPHA != 0)
                    || (mid & MID_NUM != 0 && prev & next & DIGIT != 0);
                if !joined {
                    break;
                }
                i = self.run_end(i + 2);
            }
            self.pos = i;
            // A run of underscores alone is not a word.
            if b[start] != b'_' || b[start..i].iter().any(u8::is_ascii_alphanumeric) {
                return Some((start, i));
            }
        }
    }
}

/// Product names joined, possessives cut, over words from any tokenizer,
/// given one at a time.
struct MergeProducts<'a, 'o> {
    text: &'a str,
    out: &'o mut Vec<Word>,
    /// Where this text's words start in `out`.
    base: usize,
}

impl<'a, 'o> MergeProducts<'a, 'o> {
    fn new(text: &'a str, out: &'o mut Vec<Word>) -> Self {
        let base = out.len();
        MergeProducts { text, out, base }
    }

    #[inline(always)]
    fn push(&mut self, start: usize, end: usize) {
        let end = strip_possessive(self.text, start, end);
        // Every merge needs a gap of one space or hyphen.
        if let Some(prev) = self.out[self.base..].last_mut() {
            // Most words are ruled out here, on the gap byte and their first
            // byte, without a call.
            let b = self.text.as_bytes();
            let candidate = start == prev.end + 1
                && match b[prev.end] {
                    b' ' => b[start].is_ascii_digit(),
                    b'-' => true,
                    _ => false,
                };
            if candidate && merges(self.text, prev, start, end) {
                prev.end = end;
                prev.product = true;
                return;
            }
        }
        self.out.push(Word {
            start,
            end,
            product: false,
        });
    }
}

/// Whether the word at `start..end` of `text` joins `prev`, which ends one
/// byte before it: a version after a model family and a space ("Llama 3"),
/// a word with a digit after a hyphen ("GPT-4o"), or a short suffix after a
/// hyphen to a product ("Qwen-2-instruct").
#[inline]
fn merges(text: &str, prev: &Word, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    match b[prev.end] {
        // `is_version` needs a leading digit: most words are ruled out on
        // their first byte.
        b' ' => {
            b[start].is_ascii_digit()
                && is_version(&text[start..end])
                && !prev.product
                && VERSIONED_NAMES
                    .contains(&text[prev.start..prev.end].to_ascii_lowercase().as_str())
        }
        b'-' => {
            (prev.product && end - start <= 8)
                || (starts_alpha(&text[prev.start..prev.end]) && has_digit(&text[start..end]))
        }
        _ => false,
    }
}

/// The feature key of a product name: lowercase, spaces as hyphens.
pub fn product_key(surface: &str) -> String {
    surface.to_lowercase().replace(' ', "-")
}

/// The forms a lowercase word may take with its inflection undone, for
/// matching glossary entries: plural and third-person `-s`/`-es`/`-ies`,
/// `-ed`, `-ing` (with a doubled final consonant undone or not), then a
/// final silent `e` dropped, so `released`, `releasing` and `release` all
/// give `releas`. Derivations are not undone: unlike a Snowball stem,
/// `firmly` is not `firm`, `optimism` not `optimization`, `Cooper` not
/// `cooperation`; a glossary lists the derived forms it means.
pub fn inflection_bases(lower: &str) -> Vec<String> {
    let w = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("\u{2019}s"))
        .unwrap_or(lower);
    let long_enough = |r: &str| r.chars().count() >= 3;
    let undoubled = |r: &str| -> Option<String> {
        let b = r.as_bytes();
        let n = b.len();
        (n >= 4 && b[n - 1] == b[n - 2] && b"bdgklmnprtz".contains(&b[n - 1]))
            .then(|| r[..n - 1].to_string())
    };
    let mut out: Vec<String> = Vec::with_capacity(2);
    if let Some(r) = w.strip_suffix("ies").filter(|r| long_enough(r)) {
        out.push(format!("{r}y"));
    } else if let Some(r) = w.strip_suffix("ied").filter(|r| long_enough(r)) {
        out.push(format!("{r}y"));
    } else if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        out.push(w[..w.len() - 2].to_string());
    } else if let Some(r) = w
        .strip_suffix("ing")
        .or_else(|| w.strip_suffix("ed"))
        .filter(|r| long_enough(r))
    {
        out.push(r.to_string());
        out.extend(undoubled(r));
    } else if w.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| w.ends_with(s))
        && w.chars().count() >= 4
    {
        out.push(w[..w.len() - 1].to_string());
    } else {
        out.push(w.to_string());
    }
    for b in &mut out {
        if b.len() > 3 && b.ends_with('e') {
            b.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_are_undone_derivations_kept() {
        let base = |w: &str| inflection_bases(w)[0].clone();
        for (a, b) in [
            ("released", "release"),
            ("releasing", "releases"),
            ("models", "model"),
            ("chips", "chip"),
            ("companies", "company"),
            ("launches", "launch"),
            ("openai's", "openai"),
            ("pretrained", "pretrain"),
            ("fine-tuned", "fine-tune"),
            ("competing", "compete"),
        ] {
            assert_eq!(base(a), base(b), "{a} / {b}");
        }
        assert!(inflection_bases("lagging").contains(&base("lag")));
        assert!(inflection_bases("modelling").contains(&base("model")));
        assert!(inflection_bases("stalled").contains(&base("stall")));
        for (a, b) in [
            ("firmly", "firm"),
            ("cooper", "cooperation"),
            ("optimism", "optimization"),
            ("local", "localization"),
            ("production", "productivity"),
            ("applicants", "application"),
            ("awful", "aws"),
        ] {
            assert_ne!(base(a), base(b), "{a} / {b}");
        }
    }
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ascii_words_are_unicode_words(text in "[a-zA-Z0-9_ .,;:'\\-\n]{0,40}") {
            let fast: Vec<(usize, &str)> = AsciiWords::new(&text).map(|(s, e)| (s, &text[s..e])).collect();
            let slow: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }
    }

    proptest! {
        /// Long enough to cross the 64-byte blocks of the word masks.
        #[test]
        fn ascii_words_across_blocks_are_unicode_words(
            text in "([a-zA-Z0-9_]{1,12}[ .,;:'\\-\n]{1,2}){0,40}"
        ) {
            let fast: Vec<(usize, &str)> = AsciiWords::new(&text).map(|(s, e)| (s, &text[s..e])).collect();
            let slow: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn word_masks_are_classes_of_bytes(b in proptest::collection::vec(any::<u8>(), 64)) {
            prop_assert_eq!(word_mask(&b), word_mask_by_bytes(&b));
        }
    }

    proptest! {
        #[test]
        fn mostly_ascii_words_are_unicode_words(
            text in "[a-zA-Z0-9_ .,;:'\\-éü’“”—\u{301}\u{2019}，。]{0,40}"
        ) {
            let mut fast: Vec<(usize, &str)> = Vec::new();
            unicode_words(&text, |i, j| fast.push((i, &text[i..j])));
            let slow: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn possessives_are_cut_after_a_byte_or_more() {
        for (w, cut) in [
            ("OpenAI's", "OpenAI"),
            ("OpenAI’S", "OpenAI"),
            ("a's", "a"),
            ("'s", "'s"),
            ("’s", "’s"),
            ("models’", "models’"),
            ("its", "its"),
            ("s", "s"),
            ("", ""),
            ("x’’s", "x’"),
        ] {
            assert_eq!(&w[..strip_possessive(w, 0, w.len())], cut, "{w}");
        }
    }

    #[test]
    fn ascii_words_on_real_shapes() {
        for text in [
            "GPT-3.5 and e.g. OpenAI's o1: 1,000.5 tokens; can't __init__ a_b 3.a b.4 _ x",
            "U.S. lead; 2023-05-30, 10:30 p.m. 'quoted' -- end.",
        ] {
            let fast: Vec<(usize, &str)> = AsciiWords::new(text)
                .map(|(s, e)| (s, &text[s..e]))
                .collect();
            let slow: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            assert_eq!(fast, slow);
        }
    }

    fn toks(text: &str) -> Vec<(&str, bool)> {
        let mut v = Vec::new();
        words(text, &mut v);
        v.iter()
            .map(|w| (&text[w.start..w.end], w.product))
            .collect()
    }

    #[test]
    fn product_names_stay_whole() {
        assert_eq!(
            toks("GPT-4o and Llama 3.1 beat Qwen-2, GPT-3.5 and Claude 3 Opus"),
            vec![
                ("GPT-4o", true),
                ("and", false),
                ("Llama 3.1", true),
                ("beat", false),
                ("Qwen-2", true),
                ("GPT-3.5", true),
                ("and", false),
                ("Claude 3", true),
                ("Opus", false),
            ]
        );
        assert_eq!(toks("GPT-4-turbo")[0], ("GPT-4-turbo", true));
        assert_eq!(product_key("Llama 3.1"), "llama-3.1");
    }

    #[test]
    fn ordinary_hyphens_and_possessives() {
        assert_eq!(
            toks("OpenAI’s first-mover advantage in 2023 ended"),
            vec![
                ("OpenAI", false),
                ("first", false),
                ("mover", false),
                ("advantage", false),
                ("in", false),
                ("2023", false),
                ("ended", false)
            ]
        );
        // A number after a plain word is not a version.
        assert_eq!(toks("about 3.5 billion").len(), 3);
    }
}
