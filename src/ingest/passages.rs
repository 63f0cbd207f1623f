//! Decoded text -> passages with line provenance, language and boilerplate flags.
//!
//! A passage is a non-empty line in `.txt` and a blank-line-separated block in
//! `.md`. Boilerplate is flagged with its kind, never dropped: a reader of the
//! data can always find every line of the file.

use super::normalize::normalize;
use super::Params;
use crate::text::{is_han, is_han_lead};
use crate::{Lang, Passage};

/// One normalised, non-empty unit of a file before classification.
struct Unit {
    line_start: u32,
    line_end: u32,
    text: String,
}

/// The longest passage, in bytes of normalised text. A longer line or block
/// is split into several passages (each with the same line numbers), cut at
/// the last space (or, failing that, the last sentence end, or any character)
/// before the limit: nothing is dropped, and every later stage works on
/// passages of bounded length.
pub const MAX_PASSAGE_BYTES: usize = 32 * 1024;

pub fn split(doc: &str, text: &str, markdown: bool, params: &Params) -> Vec<Passage> {
    let units = if markdown { blocks(text) } else { lines(text) };
    let units = cap_units(units, MAX_PASSAGE_BYTES);
    let title = units.first().map(|u| u.text.clone()).unwrap_or_default();
    let mut in_comments = false;
    let mut prev_keyword_heading = false;
    let mut head = String::new();
    units
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let headings = Headings::of(&u.text);
            let mut kind = boilerplate_kind(
                &u.text,
                i,
                &title,
                prev_keyword_heading,
                headings,
                &mut head,
            );
            if headings.comments {
                in_comments = true;
            }
            if in_comments && kind.is_none() {
                kind = Some("comment-widget");
            }
            prev_keyword_heading = headings.keywords;
            Passage {
                doc: doc.to_string(),
                line_start: u.line_start,
                line_end: u.line_end,
                lang: language(&u.text, params),
                boilerplate: kind.is_some(),
                boilerplate_kind: kind.map(str::to_string),
                text: u.text,
            }
        })
        .collect()
}

/// Split every unit longer than `max` bytes (see [`MAX_PASSAGE_BYTES`]).
fn cap_units(units: Vec<Unit>, max: usize) -> Vec<Unit> {
    if units.iter().all(|u| u.text.len() <= max) {
        return units;
    }
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        if u.text.len() <= max {
            out.push(u);
            continue;
        }
        let mut rest = u.text.as_str();
        while !rest.is_empty() {
            let (piece, next) = cut(rest, max);
            out.push(Unit {
                line_start: u.line_start,
                line_end: u.line_end,
                text: piece.to_string(),
            });
            rest = next;
        }
    }
    out
}

/// The first piece of `s` (at most `max` bytes, not empty) and the rest,
/// without the space the cut was made at.
fn cut(s: &str, max: usize) -> (&str, &str) {
    if s.len() <= max {
        return (s, "");
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let head = &s[..end];
    if let Some(sp) = head.rfind(' ').filter(|&p| p >= max / 2) {
        return (&s[..sp], &s[sp + 1..]);
    }
    if let Some((p, c)) = head
        .char_indices()
        .rev()
        .take_while(|&(p, _)| p >= max / 2)
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';'))
    {
        let at = p + c.len_utf8();
        return (&s[..at], s[at..].trim_start_matches(' '));
    }
    (head, &s[end..])
}

fn raw_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

fn lines(text: &str) -> Vec<Unit> {
    raw_lines(text)
        .filter_map(|(n, l)| {
            let t = normalize(l);
            (!t.is_empty()).then_some(Unit {
                line_start: n,
                line_end: n,
                text: t,
            })
        })
        .collect()
}

fn blocks(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut cur: Option<Unit> = None;
    for (n, l) in raw_lines(text) {
        let t = normalize(l);
        if t.is_empty() {
            out.extend(cur.take());
            continue;
        }
        match cur.as_mut() {
            Some(u) => {
                u.text.push(' ');
                u.text.push_str(&t);
                u.line_end = n;
            }
            None => {
                cur = Some(Unit {
                    line_start: n,
                    line_end: n,
                    text: t,
                })
            }
        }
    }
    out.extend(cur);
    out
}

/// en, zh or mixed by the share of Han characters among Han plus Latin letters.
pub fn language(text: &str, params: &Params) -> Lang {
    if text.is_ascii() {
        return Lang::En;
    }
    let (han, latin) = han_and_letters(text);
    if han + latin == 0 {
        return Lang::En;
    }
    params
        .lang_shares()
        .classify(han as f64 / (han + latin) as f64)
}

/// Han characters and other letters in `text`.
fn han_and_letters(text: &str) -> (usize, usize) {
    let b = text.as_bytes();
    let (mut han, mut latin, mut i) = (0usize, 0usize, 0);
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // ASCII a stretch at a time.
            let n = crate::text::ascii_prefix(&b[i..]);
            latin += b[i..i + n]
                .iter()
                .filter(|b| b.is_ascii_alphabetic())
                .count();
            i += n;
        } else if is_han_lead(c) {
            han += 1;
            i += 3;
        } else {
            let ch = text[i..].chars().next().expect("a character at a boundary");
            if is_han(ch) {
                han += 1;
            } else if !is_punctuation(ch) && ch.is_alphabetic() {
                latin += 1;
            }
            i += ch.len_utf8();
        }
    }
    (han, latin)
}

/// Common punctuation of Chinese and English text (CJK punctuation, quotation
/// marks, dashes, full-width ASCII punctuation): no letters, no Han, so no
/// need to look them up in the letter tables. A test checks every one.
fn is_punctuation(c: char) -> bool {
    matches!(
        c as u32,
        0x2010..=0x2027 | 0x3000..=0x3004 | 0x3008..=0x3020 | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
    )
}

/// Characters whose lowercase is themselves: the common Han block and CJK
/// punctuation, looked up in no case table. A test checks every one.
fn lowercase_is_itself(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3000..=0x303F | 0x2010..=0x2027)
}

/// The lowercase first 40 characters of a passage, enough for every prefix
/// rule, into `out` (a buffer kept from passage to passage).
fn lower_head(text: &str, out: &mut String) {
    out.clear();
    let n = text.len().min(40);
    if text.as_bytes()[..n].is_ascii() {
        // The first 40 characters are the first 40 bytes (or all of them).
        out.push_str(&text[..n]);
        out.make_ascii_lowercase();
        return;
    }
    for (i, c) in text.char_indices().take(40) {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if lowercase_is_itself(c) {
            out.push_str(&text[i..i + c.len_utf8()]);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn lower_starts(lower_head: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| lower_head.starts_with(p))
}

/// The number of words in `text`, counting no further than `cap`: the count
/// of `text.split_whitespace().take(cap)`, on bytes.
fn n_words(text: &str, cap: usize) -> usize {
    const N: usize = 16;
    if cap == 0 {
        return 0;
    }
    let b = text.as_bytes();
    let (mut n, mut in_word, mut i) = (0, false, 0);
    // Bytes before this are looked at one by one: their chunk was not plain.
    let mut bytewise_until = 0;
    while i < b.len() {
        // 16 bytes none of which starts whitespace are all in one word
        // (checked without branches on each byte and the two after it:
        // vectorised). `i` may be inside a character: its continuation bytes
        // start nothing.
        let plain = i >= bytewise_until
            && b.get(i..i + N + 2).is_some_and(|w| {
                !w.iter()
                    .zip(&w[1..])
                    .zip(&w[2..])
                    .fold(false, |acc, ((&c0, &c1), &c2)| {
                        acc | starts_whitespace(c0, c1, c2)
                    })
            });
        if !plain && i >= bytewise_until {
            bytewise_until = i + N;
        }
        let w = if plain { 0 } else { whitespace_len(b, i) };
        if w > 0 {
            in_word = false;
            i += w;
            continue;
        }
        if !in_word {
            n += 1;
            if n == cap {
                return n;
            }
            in_word = true;
        }
        i += if plain { N } else { 1 };
    }
    n
}

/// [`whitespace_len`] `> 0` for a character starting with these bytes,
/// without branches.
fn starts_whitespace(c0: u8, c1: u8, c2: u8) -> bool {
    let e2 = (c1 == 0x80)
        & ((c2.wrapping_sub(0x80) < 0x0B) | (c2 == 0xA8) | (c2 == 0xA9) | (c2 == 0xAF))
        | (c1 == 0x81) & (c2 == 0x9F);
    (c0 == b' ')
        | (c0.wrapping_sub(b'\t') < 5)
        | (c0 == 0xC2) & ((c1 == 0x85) | (c1 == 0xA0))
        | (c0 == 0xE1) & (c1 == 0x9A) & (c2 == 0x80)
        | (c0 == 0xE2) & e2
        | (c0 == 0xE3) & (c1 == 0x80) & (c2 == 0x80)
}

/// The byte length of the whitespace character (`char::is_whitespace`) that
/// starts at byte `i` of the UTF-8 `b`, or 0 when none does. A test checks it
/// against every character.
fn whitespace_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t'..=b'\r' => 1,
        // U+0085, U+00A0
        0xC2 => 2 * usize::from(matches!(b[i + 1], 0x85 | 0xA0)),
        // U+1680
        0xE1 => 3 * usize::from(b[i + 1] == 0x9A && b[i + 2] == 0x80),
        // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F
        0xE2 => match (b[i + 1], b[i + 2]) {
            (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F) => 3,
            _ => 0,
        },
        // U+3000
        0xE3 => 3 * usize::from(b[i + 1] == 0x80 && b[i + 2] == 0x80),
        _ => 0,
    }
}

fn ends_like_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '。', '!', '?', '?', '"', '”', ')', ':'])
}

/// "Chen Lei", "Liu Xiaojie": two to four capitalised words, nothing else.
fn is_name_only(text: &str) -> bool {
    (2..=4).contains(&n_words(text, 5)) && capitalised_words(text)
}

/// Every word capitalised, of letters, hyphens, dots and apostrophes.
fn capitalised_words(text: &str) -> bool {
    text.split_whitespace().all(|w| {
        let mut cs = w.chars();
        cs.next().is_some_and(|c| c.is_uppercase())
            && cs.all(|c| c.is_alphabetic() || c == '-' || c == '.' || c == '\'')
    })
}

/// Headings are a word or two: longer text is not lowercased to find out.
const MAX_HEADING_BYTES: usize = 24;

/// Whether a passage is a comments heading or a keywords heading, worked out
/// once per passage.
#[derive(Clone, Copy)]
struct Headings {
    comments: bool,
    keywords: bool,
}

impl Headings {
    fn of(text: &str) -> Headings {
        if text.len() > MAX_HEADING_BYTES {
            return Headings {
                comments: false,
                keywords: false,
            };
        }
        if text.is_ascii() {
            // Lowercase ASCII is ASCII: only the ASCII names can match.
            let is = |t: &str, names: &[&str]| names.iter().any(|n| t.eq_ignore_ascii_case(n));
            let t = text.trim_end_matches(':');
            return Headings {
                comments: is(t, &["comments", "comment", "discussion"]),
                keywords: is(t, &["keywords", "key words", "tags"]),
            };
        }
        let lower = text.to_lowercase();
        Headings {
            comments: matches!(
                lower.trim_end_matches(':'),
                "comments" | "comment" | "评论" | "留言" | "网友评论" | "相关评论" | "discussion"
            ),
            keywords: matches!(
                lower.trim_end_matches(':'),
                "keywords" | "key words" | "tags" | "关键词" | "关键字" | "标签"
            ),
        }
    }
}

/// One case-insensitive scan for every comment-widget marker.
static COMMENT_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(COMMENT_MARKERS)
            .expect("the comment markers build an automaton")
    });

const COMMENT_MARKERS: &[&str] = &[
    "giscus",
    "disqus",
    "utterances",
    "leave a comment",
    "leave a reply",
    "comments are closed",
    "sign in to comment",
    "log in to comment",
    "发表评论",
    "我要评论",
    "查看评论",
    "登录后评论",
    "评论区",
];

const BYLINE_PREFIXES: &[&str] = &[
    "editor:",
    "editors:",
    "author:",
    "authors:",
    "reporter:",
    "written by",
    "edited by",
    "translated by",
    "source:",
    "/ source:",
    "date:",
    "published:",
    "updated:",
    "image source:",
    "photo:",
    "photo credit",
    "image credit",
    "copyright",
    "all rights reserved",
    "图片来源",
    "图源",
    "来源:",
    "责任编辑",
    "编辑:",
    "作者:",
    "记者:",
    "原标题",
    "本文来源",
    "版权所有",
    "转载",
    "分享到",
];

fn boilerplate_kind(
    text: &str,
    index: usize,
    title: &str,
    after_keyword_heading: bool,
    headings: Headings,
    head: &mut String,
) -> Option<&'static str> {
    // Widget text, bylines and keyword lists are short: long passages are
    // content, and are not lowercased and searched again and again.
    if text.len() > 600 {
        return None;
    }
    if headings.comments || COMMENT_FINDER.is_match(text) {
        return Some("comment-widget");
    }
    if index > 0 && !title.is_empty() && is_title_repeat(text, title) {
        return Some("repeated-title");
    }
    lower_head(text, head);
    let head = head.as_str();
    if after_keyword_heading
        || headings.keywords
        || lower_starts(
            head,
            &[
                "keywords:",
                "keywords :",
                "key words:",
                "tags:",
                "关键词",
                "关键字",
                "标签:",
            ],
        )
    {
        return Some("keywords");
    }
    let n_words = n_words(text, 17);
    if n_words <= 16 && lower_starts(head, BYLINE_PREFIXES) {
        return Some("byline");
    }
    if n_words <= 8 && !ends_like_sentence(text) {
        if lower_starts(head, &["follow ", "share ", "subscribe", "关注"]) {
            return Some("byline");
        }
        if let Some(rest) = head.strip_prefix("by ") {
            if is_name_only(&text[3..]) || rest.split_whitespace().count() <= 3 {
                return Some("byline");
            }
        }
    }
    // `is_name_only(text)`, with the words counted above.
    if index > 0 && (2..=4).contains(&n_words) && capitalised_words(text) {
        return Some(if index <= 3 { "byline" } else { "speaker" });
    }
    if index > 0 && is_speaker_line(text) {
        return Some("speaker");
    }
    None
}

fn is_title_repeat(text: &str, title: &str) -> bool {
    if text == title {
        return true;
    }
    let mut rest = text;
    let mut n = 0;
    while let Some(r) = rest.strip_prefix(title) {
        n += 1;
        rest = r.trim_start();
    }
    n >= 1 && rest.is_empty()
}

/// "Chen Ran, founder and CEO of OpenCSG": a name, a comma, a short role, and
/// no sentence. Interview transcripts are full of them; they carry no claim.
fn is_speaker_line(text: &str) -> bool {
    let Some((name, role)) = text.split_once(',') else {
        return false;
    };
    is_name_only(name.trim())
        && n_words(role, 17) <= 16
        && !ends_like_sentence(text)
        && !role.contains(['"', '“'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        crate::ingest::RawParams::default().check().unwrap()
    }

    proptest::proptest! {
        #[test]
        fn han_and_letters_by_char(text in "[a-zA-Z0-9 ,.é模型ÄΩ。“]{0,40}") {
            let han = text.chars().filter(|&c| is_han(c)).count();
            let latin = text.chars().filter(|&c| !is_han(c) && c.is_alphabetic()).count();
            proptest::prop_assert_eq!(han_and_letters(&text), (han, latin));
        }
    }

    use crate::ingest::oracle;
    use proptest::prelude::*;

    #[test]
    fn whitespace_len_is_is_whitespace() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            let want = if c.is_whitespace() { s.len() } else { 0 };
            assert_eq!(whitespace_len(s.as_bytes(), 0), want, "{c:?}");
            let mut b = [0; 3];
            b[..s.len().min(3)].copy_from_slice(&s.as_bytes()[..s.len().min(3)]);
            assert_eq!(starts_whitespace(b[0], b[1], b[2]), want > 0, "{c:?}");
        }
    }

    #[test]
    fn character_shortcuts_hold_for_every_character() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let lead = c.encode_utf8(&mut [0; 4]).as_bytes()[0];
            if is_han_lead(lead) {
                assert!(is_han(c) && lowercase_is_itself(c), "{c:?}");
            }
            if is_punctuation(c) {
                assert!(!is_han(c) && !c.is_alphabetic(), "{c:?}");
            }
            if lowercase_is_itself(c) {
                assert!(c.to_lowercase().eq([c]), "{c:?}");
            }
        }
    }

    /// Strings full of what the passage rules treat specially.
    fn tricky() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z ,.:\"“]{0,60}",
            "[ -~]{0,80}",
            "[a-zA-Z 模型的评论。，！：（）“”《》、＂　ＡＺａｚ０９é£×ſİKΣς①ﬁ\u{301}￥…―々〇\u{3000}\u{a0}\u{85}\u{1680}\u{2003}\u{200b}\u{2028}\u{202f}\u{205f}\t\x01]{0,60}",
            proptest::collection::vec(any::<char>(), 0..50).prop_map(|v| v.into_iter().collect()),
        ]
    }

    /// Lines that trip the boilerplate rules, and lines that nearly do.
    fn line() -> impl Strategy<Value = String> {
        let fixed = prop::sample::select(vec![
            "",
            " ",
            "Title Of The Piece",
            "By Chen Lei",
            "by  chen lei",
            "BY A B C D",
            "By the way, this is a sentence.",
            "Follow us",
            "Share this",
            "Subscribe now",
            "关注我们",
            "Editor: Martin Kadiev",
            "EDITOR: x",
            "Keywords: OpenAI,LLM",
            "KEYWORDS",
            "Key Words:",
            "tags",
            "Tags:",
            "关键词",
            "关键词：",
            "标签",
            "标签:",
            "Comments",
            "comments:",
            "COMMENT",
            "Discussion",
            "评论",
            "网友评论:",
            "Leave a Reply",
            "Powered by GISCUS",
            "发表评论",
            "评论区",
            "Chen Lei",
            "Liu Xiaojie",
            "Chen Ran, founder and CEO of OpenCSG",
            "Chen Ran, said \"hi\"",
            "O'Neil Jean-Luc",
            "Σίσυφος Σ",
            "ΚΕΥWORDS",
            "\u{212A}eywords",
            "\u{212A}EYWORDS:",
            "İmage source: x",
            "Image source: AFP",
            "图片来源：网络",
            "责任编辑：王",
            "原标题 x",
            "Photo credit x",
            "All rights reserved.",
            "版权所有",
            "Source: Xinhua",
            "/ source: a",
            "Written by A. B.",
            "DATE: May 30 2023",
            "Chen\u{a0}Lei",
            "Chen\u{3000}Lei",
            "Chen\u{2028}Lei",
            "é É",
            "Élan Vital",
        ])
        .prop_map(str::to_string);
        prop_oneof![3 => fixed, 2 => tricky()]
    }

    fn document() -> impl Strategy<Value = (String, bool)> {
        (
            proptest::collection::vec(
                (
                    line(),
                    prop::sample::select(vec!["\n", "\r\n", "\n\n", " \n"]),
                ),
                0..12,
            ),
            any::<bool>(),
        )
            .prop_map(|(lines, md)| {
                let mut text = String::new();
                for (i, (l, end)) in lines.iter().enumerate() {
                    // The title repeated now and then.
                    if i > 0 && l.len() % 5 == 0 {
                        text.push_str(&lines[0].0);
                        text.push(' ');
                    }
                    text.push_str(l);
                    text.push_str(end);
                }
                (text, md)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn passages_are_the_old_passages((text, md) in document()) {
            let p = params();
            prop_assert_eq!(split("d.txt", &text, md, &p), oracle::split("d.txt", &text, md, &p));
        }

        #[test]
        fn n_words_is_split_whitespace(s in tricky(), cap in 0usize..20) {
            prop_assert_eq!(n_words(&s, cap), oracle::n_words(&s, cap));
        }

        #[test]
        fn lower_head_is_the_old_one(s in tricky()) {
            let mut head = String::new();
            lower_head(&s, &mut head);
            prop_assert_eq!(head, oracle::lower_head(&s));
        }

        #[test]
        fn headings_are_the_old_ones(s in line()) {
            let h = Headings::of(&s);
            prop_assert_eq!(h.comments, oracle::is_comments_heading(&s));
            prop_assert_eq!(h.keywords, oracle::is_keyword_heading(&s));
        }

        #[test]
        fn boilerplate_is_the_old_one(s in line(), title in line(), index in 0usize..6, after in any::<bool>()) {
            let mut head = String::new();
            let got = boilerplate_kind(&s, index, &title, after, Headings::of(&s), &mut head);
            prop_assert_eq!(got, oracle::boilerplate_kind(&s, index, &title, after));
        }

        #[test]
        fn language_is_the_old_one(s in tricky()) {
            let p = params();
            prop_assert_eq!(han_and_letters(&s), oracle::han_and_letters(&s));
            prop_assert_eq!(language(&s, &p), oracle::language(&s, &p));
        }
    }

    #[test]
    fn languages_by_han_share() {
        let p = params();
        assert_eq!(language("OpenAI released ChatGPT.", &p), Lang::En);
        assert_eq!(
            language("GPT-5的光环正被现实的阴影悄然遮蔽。", &p),
            Lang::Zh
        );
        assert_eq!(
            language("OpenAI, GPT-5, 技术瓶颈, 预训练, 突破", &p),
            Lang::Mixed
        );
        assert_eq!(
            language("Qwen (通义千问) is Alibaba's family of models.", &p),
            Lang::En
        );
    }

    #[test]
    fn txt_lines_keep_provenance() {
        let text = "Title here\n\n  First  para.\r\nSecond para.\n";
        let ps = split("a.txt", text, false, &params());
        let got: Vec<_> = ps
            .iter()
            .map(|p| (p.line_start, p.line_end, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 1, "Title here"),
                (3, 3, "First para."),
                (4, 4, "Second para.")
            ]
        );
    }

    #[test]
    fn md_blocks_span_lines() {
        let text = "# Head\n\nline one\nline two\n\n\nlast\n";
        let ps = split("a.md", text, true, &params());
        let got: Vec<_> = ps
            .iter()
            .map(|p| (p.line_start, p.line_end, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 1, "# Head"),
                (3, 4, "line one line two"),
                (7, 7, "last")
            ]
        );
    }

    #[test]
    fn boilerplate_kinds() {
        let text = "China-Made LLMs Lag Far Behind ChatGPT\nLiu Xiaojie\nDATE: May 30 2023\n\
China-Made LLMs Lag Far Behind ChatGPT China-Made LLMs Lag Far Behind ChatGPT\n\
Domestic LLMs are one to two generations behind OpenAI, said Yang.\n\
Chen Ran, founder and CEO of OpenCSG\n\
By 2026, more than 80% of enterprises will use generative AI.\n\
Editor: Martin Kadiev\nKeywords: OpenAI,LLM,AI\n关键词\nOpenAI, GPT-5, 技术瓶颈\nComments\nDiscussion is powered by Giscus.\nSome trailing widget text";
        let ps = split("a.txt", text, false, &params());
        let kinds: Vec<_> = ps.iter().map(|p| p.boilerplate_kind.as_deref()).collect();
        assert_eq!(
            kinds,
            vec![
                None,
                Some("byline"),
                Some("byline"),
                Some("repeated-title"),
                None,
                Some("speaker"),
                None,
                Some("byline"),
                Some("keywords"),
                Some("keywords"),
                Some("keywords"),
                Some("comment-widget"),
                Some("comment-widget"),
                Some("comment-widget"),
            ]
        );
        assert!(ps
            .iter()
            .all(|p| p.boilerplate == p.boilerplate_kind.is_some()));
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn long_units_are_split_not_dropped() {
        let word = "abcdefghi ";
        let long = word.repeat(10_000);
        let long = long.trim_end();
        let units = vec![Unit {
            line_start: 3,
            line_end: 3,
            text: long.to_string(),
        }];
        let out = cap_units(units, 1000);
        assert!(out.len() > 90);
        assert!(out
            .iter()
            .all(|u| u.text.len() <= 1000 && u.line_start == 3));
        let joined: Vec<&str> = out.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(joined.join(" "), long);
        // No spaces: cut at a character boundary; Han text at a sentence end.
        let han = "国产大模型正在追赶。".repeat(500);
        let out = cap_units(
            vec![Unit {
                line_start: 1,
                line_end: 1,
                text: han.clone(),
            }],
            1000,
        );
        assert!(out
            .iter()
            .all(|u| u.text.len() <= 1000 && u.text.ends_with('。')));
        assert_eq!(out.iter().map(|u| u.text.as_str()).collect::<String>(), han);
    }
}
