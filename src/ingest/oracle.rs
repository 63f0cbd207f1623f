//! The passage splitter as it was before ingest was made fast (commit
//! d637c0f), kept verbatim as the oracle of the tests: the fast code must give
//! exactly these passages for every input. Its `normalize` is the general
//! normalisation path, which the normalisation tests hold to the old one.
#![allow(dead_code)]

use super::normalize::normalize_general as normalize;
use super::Params;
use crate::text::is_han;
use crate::{Lang, Passage};

/// One normalised, non-empty unit of a file before classification.
pub struct Unit {
    line_start: u32,
    line_end: u32,
    text: String,
}

pub fn split(doc: &str, text: &str, markdown: bool, params: &Params) -> Vec<Passage> {
    let units = if markdown { blocks(text) } else { lines(text) };
    let title = units.first().map(|u| u.text.clone()).unwrap_or_default();
    let mut in_comments = false;
    let mut prev_keyword_heading = false;
    units
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let mut kind = boilerplate_kind(&u.text, i, &title, prev_keyword_heading);
            if is_comments_heading(&u.text) {
                in_comments = true;
            }
            if in_comments && kind.is_none() {
                kind = Some("comment-widget");
            }
            prev_keyword_heading = is_keyword_heading(&u.text);
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

pub fn raw_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.strip_suffix('\r').unwrap_or(l)))
}

pub fn lines(text: &str) -> Vec<Unit> {
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

pub fn blocks(text: &str) -> Vec<Unit> {
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
    let share = han as f64 / (han + latin) as f64;
    if share >= params.zh_min_han_share {
        Lang::Zh
    } else if share <= params.en_max_han_share {
        Lang::En
    } else {
        Lang::Mixed
    }
}

/// Han characters and other letters in `text`.
pub fn han_and_letters(text: &str) -> (usize, usize) {
    let (mut han, mut latin) = (0usize, 0usize);
    let mut rest = text;
    while !rest.is_empty() {
        // ASCII a stretch at a time; other characters one by one.
        let ascii = crate::text::ascii_prefix(rest.as_bytes());
        latin += rest.as_bytes()[..ascii]
            .iter()
            .filter(|b| b.is_ascii_alphabetic())
            .count();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else { break };
        if is_han(c) {
            han += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
        rest = &rest[c.len_utf8()..];
    }
    (han, latin)
}

/// The lowercase first characters of a passage: enough for every prefix rule.
pub fn lower_head(text: &str) -> String {
    text.chars().take(40).flat_map(char::to_lowercase).collect()
}

pub fn lower_starts(lower_head: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| lower_head.starts_with(p))
}

/// The number of words in `text`, counting no further than `cap`.
pub fn n_words(text: &str, cap: usize) -> usize {
    text.split_whitespace().take(cap).count()
}

pub fn ends_like_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '。', '!', '?', '?', '"', '”', ')', ':'])
}

/// "Chen Lei", "Liu Xiaojie": two to four capitalised words, nothing else.
pub fn is_name_only(text: &str) -> bool {
    (2..=4).contains(&n_words(text, 5))
        && text.split_whitespace().all(|w| {
            let mut cs = w.chars();
            cs.next().is_some_and(|c| c.is_uppercase())
                && cs.all(|c| c.is_alphabetic() || c == '-' || c == '.' || c == '\'')
        })
}

/// Headings are a word or two: longer text is not lowercased to find out.
pub const MAX_HEADING_BYTES: usize = 24;

pub fn is_comments_heading(text: &str) -> bool {
    text.len() <= MAX_HEADING_BYTES
        && matches!(
            text.to_lowercase().trim_end_matches(':'),
            "comments" | "comment" | "评论" | "留言" | "网友评论" | "相关评论" | "discussion"
        )
}

pub fn is_keyword_heading(text: &str) -> bool {
    text.len() <= MAX_HEADING_BYTES
        && matches!(
            text.to_lowercase().trim_end_matches([':', ':']),
            "keywords" | "key words" | "tags" | "关键词" | "关键字" | "标签"
        )
}

/// One case-insensitive scan for every comment-widget marker.
pub static COMMENT_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(COMMENT_MARKERS)
            .expect("the comment markers build an automaton")
    });

pub const COMMENT_MARKERS: &[&str] = &[
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

pub const BYLINE_PREFIXES: &[&str] = &[
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

pub fn boilerplate_kind(
    text: &str,
    index: usize,
    title: &str,
    after_keyword_heading: bool,
) -> Option<&'static str> {
    // Widget text, bylines and keyword lists are short: long passages are
    // content, and are not lowercased and searched again and again.
    if text.len() > 600 {
        return None;
    }
    let head = lower_head(text);
    if COMMENT_FINDER.is_match(text) || is_comments_heading(text) {
        return Some("comment-widget");
    }
    if index > 0 && !title.is_empty() && is_title_repeat(text, title) {
        return Some("repeated-title");
    }
    if after_keyword_heading
        || is_keyword_heading(text)
        || lower_starts(
            &head,
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
    if lower_starts(&head, BYLINE_PREFIXES) && n_words <= 16 {
        return Some("byline");
    }
    if n_words <= 8 && !ends_like_sentence(text) {
        if lower_starts(&head, &["follow ", "share ", "subscribe", "关注"]) {
            return Some("byline");
        }
        if let Some(rest) = head.strip_prefix("by ") {
            if is_name_only(&text[3..]) || rest.split_whitespace().count() <= 3 {
                return Some("byline");
            }
        }
    }
    if index > 0 && is_name_only(text) {
        return Some(if index <= 3 { "byline" } else { "speaker" });
    }
    if index > 0 && is_speaker_line(text) {
        return Some("speaker");
    }
    None
}

pub fn is_title_repeat(text: &str, title: &str) -> bool {
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
pub fn is_speaker_line(text: &str) -> bool {
    let Some((name, role)) = text.split_once(',') else {
        return false;
    };
    is_name_only(name.trim())
        && n_words(role, 17) <= 16
        && !ends_like_sentence(text)
        && !role.contains(['"', '“'])
}
