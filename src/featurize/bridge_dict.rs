//! The compiled-in bilingual bridge: one English word for each of about
//! 33,000 Chinese words jieba knows, from CC-CEDICT (CC BY-SA 4.0; see
//! `data/bridge/README.md`), built by `scripts/build_bridge_dict.sh`. The
//! analyzer adds the word's English key beside the Chinese one (`~cat`
//! beside 猫), used in bilingual corpora only (`featurize.cedict_fallback`).
//!
//! One English word per Chinese word, never several: a word with two
//! glosses would otherwise pull two unrelated English words together. How
//! the sense is chosen is in `examples/build_bridge_dict.rs`.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

pub const BRIDGE_DICT: &str = include_str!("../../data/bridge/cedict_zh_en.tsv");

/// A line of the dictionary that is not `word<TAB>english`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("data/bridge/cedict_zh_en.tsv line {line}: {message}")]
pub struct DictError {
    pub line: usize,
    pub message: String,
}

/// Parses `word<TAB>english` lines (`#` comments, blank lines skipped):
/// the word Han characters only, the English one lowercase ASCII word.
pub fn parse(text: &str) -> Result<Vec<(&str, &str)>, DictError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| DictError {
            line: i + 1,
            message,
        };
        let (zh, en) = line
            .split_once('\t')
            .ok_or_else(|| err(format!("expected `word<TAB>english`, found {line:?}")))?;
        if zh.is_empty() || !zh.chars().all(crate::text::is_han) {
            return Err(err(format!("{zh:?} is not Han characters only")));
        }
        if en.is_empty() || !en.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(err(format!("{en:?} is not one lowercase English word")));
        }
        out.push((zh, en));
    }
    Ok(out)
}

fn table() -> &'static FxHashMap<&'static str, &'static str> {
    static TABLE: OnceLock<FxHashMap<&'static str, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The built-in file is checked by the tests below; a malformed line
        // (impossible in a release that passed them) leaves the bridge empty.
        parse(BRIDGE_DICT).unwrap_or_default().into_iter().collect()
    })
}

/// The English word the bridge gives a Chinese word, if any.
pub fn lookup(word: &str) -> Option<&'static str> {
    table().get(word).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_covers_everyday_words() {
        let entries = parse(BRIDGE_DICT).unwrap();
        assert!(entries.len() > 20_000, "{}", entries.len());
        // Sorted, one English word per Chinese word.
        assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        for (zh, en) in [
            ("猫", "cat"),
            ("电脑", "computer"),
            ("特朗普", "trump"),
            ("政府", "government"),
        ] {
            assert_eq!(lookup(zh), Some(en), "{zh}");
        }
        // Function words are not bridged; nor are words whose readings
        // disagree (打 dá "dozen" / dǎ "to hit").
        assert_eq!(lookup("的"), None);
        assert_eq!(lookup("打"), None);
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = parse("# c\n猫\tcat\n狗 dog\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("猫\tCat two\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = parse("cat\tcat\n").unwrap_err();
        assert!(e.message.contains("Han"), "{e}");
    }
}
