//! Passage text -> tokens with character offsets and clause/sentence breaks.
//!
//! An English token is a run of letters and digits (inner apostrophes kept,
//! a `.` between digits kept, possessive `'s` dropped), lowercased; hyphens
//! split. A Han character is a token by itself, so Chinese terms match by
//! longest match over characters with no segmenter. Traditional characters
//! are keyed by their simplified form (fast2s, character by character, so a
//! token's offsets still point into the original text): lexicons and aliases
//! written in simplified script match traditional text. Punctuation of both
//! languages sets the break before the next token: one linear pass.

use std::borrow::Cow;

use crate::text::is_han;

/// What separates a token from the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Break {
    None,
    Clause,
    Sentence,
}

#[derive(Debug, Clone)]
pub struct Token<'a> {
    /// Lowercased form (a Han token is its character).
    pub key: Cow<'a, str>,
    pub han: bool,
    /// First letter was uppercase in the text.
    pub cap: bool,
    pub numeric: bool,
    /// Character offsets into the text.
    pub start: usize,
    pub end: usize,
    /// Byte offsets into the text.
    pub byte_start: usize,
    pub byte_end: usize,
    pub brk: Break,
}

/// Tokens of a text and, per sentence, whether it ends with a question mark.
#[derive(Debug, Default)]
pub struct Tokens<'a> {
    pub tokens: Vec<Token<'a>>,
    /// Index of the first token of each sentence that ends in `?`/`？`.
    pub question_starts: Vec<usize>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn sentence_end(c: char) -> bool {
    matches!(c, '!' | '?' | ';' | '。' | '！' | '？' | '；' | '…' | '\n')
}

fn clause_end(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | ':' | '：' | '—' | '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】'
    )
}

/// The simplified form of each character of `text` (fast2s converts one
/// character at a time, looking at its neighbours for the few ambiguous ones),
/// or `None` when the text has no Han character or the conversion did not keep
/// one character per character.
fn simplified(text: &str, n: usize) -> Option<Vec<char>> {
    if !text.chars().any(is_han) {
        return None;
    }
    let conv: Vec<char> = fast2s::convert(text).chars().collect();
    (conv.len() == n).then_some(conv)
}

pub fn tokenize(text: &str) -> Tokens<'_> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let simple = simplified(text, n);
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out = Tokens::default();
    let mut pending = Break::None;
    let mut sentence_start = 0usize;
    let mut i = 0usize;
    while i < n {
        let c = chars[i].1;
        if is_han(c) {
            let (b0, b1) = (byte_at(i), byte_at(i + 1));
            let key = match simple.as_ref().map(|s| s[i]) {
                Some(sc) if sc != c && is_han(sc) => Cow::Owned(sc.to_string()),
                _ => Cow::Borrowed(&text[b0..b1]),
            };
            out.tokens.push(Token {
                key,
                han: true,
                cap: false,
                numeric: false,
                start: i,
                end: i + 1,
                byte_start: b0,
                byte_end: b1,
                brk: pending,
            });
            pending = Break::None;
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let s = i;
            let mut j = i + 1;
            while j < n {
                let d = chars[j].1;
                let next = chars.get(j + 1).map(|x| x.1);
                // "Qwen2.5", "GPT4o", "ChatGPT3.5": a name of three or more
                // letters and its version are two tokens, as "GPT-4" is.
                let version = d.is_ascii_digit()
                    && j - s >= 3
                    && chars[s..j].iter().all(|x| x.1.is_ascii_alphabetic());
                if version {
                    break;
                }
                if is_word_char(d)
                    || (is_apostrophe(d)
                        && next.is_some_and(is_word_char)
                        && !next.is_some_and(is_han))
                    || (d == '.'
                        && chars[j - 1].1.is_ascii_digit()
                        && next.is_some_and(|x| x.is_ascii_digit()))
                {
                    j += 1;
                } else {
                    break;
                }
            }
            let mut e = j;
            // Possessive 's / ’s: the name without it.
            if e - s > 2 && is_apostrophe(chars[e - 2].1) && matches!(chars[e - 1].1, 's' | 'S') {
                e -= 2;
            }
            let (b0, b1) = (byte_at(s), byte_at(e));
            let raw = &text[b0..b1];
            let key = if raw.chars().any(|c| c.is_uppercase() || c == '’') {
                Cow::Owned(raw.to_lowercase().replace('’', "'"))
            } else {
                Cow::Borrowed(raw)
            };
            out.tokens.push(Token {
                numeric: raw.chars().all(|c| c.is_ascii_digit() || c == '.'),
                key,
                han: false,
                cap: c.is_uppercase(),
                start: s,
                end: e,
                byte_start: b0,
                byte_end: b1,
                brk: pending,
            });
            pending = Break::None;
            i = j;
            continue;
        }
        // Punctuation and spaces.
        let brk = if c == '.' {
            // A full stop ends a sentence unless it closes a one-letter
            // abbreviation ("U.S.") or is followed by a letter.
            let prev_short = out
                .tokens
                .last()
                .is_some_and(|t| t.end == i && t.end - t.start == 1 && !t.han);
            let next = chars.get(i + 1).map(|x| x.1);
            if prev_short || next.is_some_and(is_word_char) {
                Break::None
            } else {
                Break::Sentence
            }
        } else if sentence_end(c) {
            Break::Sentence
        } else if clause_end(c) || (c == '-' && chars.get(i + 1).is_some_and(|x| x.1 == '-')) {
            Break::Clause
        } else {
            Break::None
        };
        if brk == Break::Sentence && matches!(c, '?' | '？') {
            out.question_starts.push(sentence_start);
        }
        if brk == Break::Sentence {
            sentence_start = out.tokens.len();
        }
        pending = pending.max(brk);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        tokenize(text)
            .tokens
            .iter()
            .map(|t| t.key.to_string())
            .collect()
    }

    #[test]
    fn english_words_versions_and_possessives() {
        assert_eq!(
            keys("OpenAI’s GPT-3.5 isn't China-made."),
            ["openai", "gpt", "3.5", "isn't", "china", "made"]
        );
        assert_eq!(
            keys("Qwen2.5 ChatGPT4o o3 V3"),
            ["qwen", "2.5", "chatgpt", "4o", "o3", "v3"]
        );
    }

    #[test]
    fn han_characters_are_tokens_with_char_offsets() {
        let text = "é 国产大模型,GLM-4领先";
        let t = tokenize(text);
        let ks: Vec<&str> = t.tokens.iter().map(|t| t.key.as_ref()).collect();
        assert_eq!(
            ks,
            ["é", "国", "产", "大", "模", "型", "glm", "4", "领", "先"]
        );
        for tok in &t.tokens {
            let by_chars: String = text
                .chars()
                .skip(tok.start)
                .take(tok.end - tok.start)
                .collect();
            assert_eq!(by_chars, &text[tok.byte_start..tok.byte_end]);
        }
        assert_eq!(t.tokens[6].brk, Break::Clause);
    }

    #[test]
    fn traditional_characters_are_keyed_simplified_with_original_offsets() {
        let text = "國產大模型與OpenAI的差距縮小";
        let t = tokenize(text);
        let ks: String = t
            .tokens
            .iter()
            .filter(|t| t.han)
            .map(|t| t.key.as_ref())
            .collect();
        assert_eq!(ks, "国产大模型与的差距缩小");
        let tok = &t.tokens[1];
        assert_eq!(&text[tok.byte_start..tok.byte_end], "產");
        assert_eq!((tok.start, tok.end), (1, 2));
    }

    #[test]
    fn breaks_and_questions() {
        let t = tokenize("The U.S. leads. Who lags? 它落后。");
        let brks: Vec<Break> = t.tokens.iter().map(|t| t.brk).collect();
        assert_eq!(
            brks,
            [
                Break::None,
                Break::None,
                Break::None,
                Break::None,
                Break::Sentence,
                Break::None,
                Break::Sentence,
                Break::None,
                Break::None
            ]
        );
        assert_eq!(t.question_starts, [4]);
    }
}
