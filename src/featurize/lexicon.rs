//! The analyzers' word lists: stop words, the jieba user dictionary and the
//! bilingual glossary. Defaults ship in `data/` and are compiled in; files
//! named in the config add to them. Every malformed line is reported with its
//! file and line number.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::param::LoadError;
use crate::text::is_han;

pub const STOP_EN: &str = include_str!("../../data/stopwords/en.txt");
pub const STOP_ZH: &str = include_str!("../../data/stopwords/zh.txt");
pub const USER_DICT: &str = include_str!("../../data/jieba_userdict.txt");
pub const GLOSSARY: &str = include_str!("../../data/glossary.toml");

/// A word list source: the compiled-in default or a file from the config.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: PathBuf,
    pub text: String,
}

impl Source {
    pub fn builtin(name: &str, text: &str) -> Self {
        Source {
            name: PathBuf::from(format!("<built-in {name}>")),
            text: text.to_string(),
        }
    }

    pub fn file(path: &Path) -> Result<Self, LoadError> {
        let text = crate::io_limits::read_text_bounded(path, crate::io_limits::SMALL_FILE_LIMIT)
            .map_err(|source| LoadError::Read {
                path: path.to_path_buf(),
                what: "",
                source,
            })?;
        Ok(Source {
            name: path.to_path_buf(),
            text,
        })
    }

    fn error(&self, line: usize, message: impl Into<String>) -> LoadError {
        LoadError::Parse {
            path: self.name.clone(),
            line: Some(line),
            message: message.into(),
        }
    }
}

fn content_lines(src: &Source) -> impl Iterator<Item = (usize, &str)> {
    src.text.lines().enumerate().filter_map(|(i, l)| {
        let l = l.trim();
        (!l.is_empty() && !l.starts_with('#')).then_some((i + 1, l))
    })
}

/// One word per line.
pub fn stop_words(src: &Source) -> Result<Vec<String>, LoadError> {
    content_lines(src)
        .map(|(n, l)| {
            if l.split_whitespace().count() > 1 {
                Err(src.error(n, format!("one stop word per line, found {l:?}")))
            } else {
                Ok(l.to_lowercase())
            }
        })
        .collect()
}

/// A jieba dictionary entry.
#[derive(Debug, Clone, PartialEq)]
pub struct DictEntry {
    pub word: String,
    pub freq: Option<usize>,
    pub tag: Option<String>,
}

/// `word [freq [tag]]` per line, as jieba's dictionaries.
pub fn user_dict(src: &Source) -> Result<Vec<DictEntry>, LoadError> {
    content_lines(src)
        .map(|(n, l)| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            let freq =
                match parts.get(1) {
                    None => None,
                    Some(f) => Some(f.parse::<usize>().map_err(|_| {
                        src.error(n, format!("frequency {f:?} is not a whole number"))
                    })?),
                };
            if parts.len() > 3 {
                return Err(src.error(n, "expected `word [freq [tag]]`"));
            }
            Ok(DictEntry {
                word: parts[0].to_string(),
                freq,
                tag: parts.get(2).map(|t| t.to_string()),
            })
        })
        .collect()
}

/// A glossary concept: English phrases and Chinese words sharing one feature.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    pub id: String,
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub zh: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    #[serde(default)]
    concept: Vec<Concept>,
}

pub fn glossary(src: &Source) -> Result<Vec<Concept>, LoadError> {
    let file: GlossaryFile = toml::from_str(&src.text).map_err(|e| {
        let line = e
            .span()
            .map(|s| {
                src.text[..s.start.min(src.text.len())]
                    .lines()
                    .count()
                    .max(1)
            })
            .unwrap_or(0);
        src.error(line, e.message().to_string())
    })?;
    for c in &file.concept {
        let ok_id = !c.id.is_empty()
            && c.id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
        if !ok_id {
            return Err(src.error(
                line_of(&src.text, &c.id),
                format!(
                    "concept id {:?}: use lowercase letters, digits and '-'",
                    c.id
                ),
            ));
        }
        if let Some(bad) = c.zh.iter().find(|w| w.is_empty() || !w.chars().all(is_han)) {
            return Err(src.error(
                line_of(&src.text, bad),
                format!(
                    "concept {:?}: zh entry {bad:?} must be Han characters only (Latin names belong in `en`)",
                    c.id
                ),
            ));
        }
        if c.en.iter().any(|w| w.trim().is_empty()) {
            return Err(src.error(
                line_of(&src.text, &c.id),
                format!("concept {:?}: empty en entry", c.id),
            ));
        }
    }
    Ok(file.concept)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.find(&format!("\"{needle}\""))
        .map(|p| text[..p].lines().count().max(1))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse() {
        assert!(stop_words(&Source::builtin("en", STOP_EN))
            .unwrap()
            .contains(&"the".to_string()));
        assert!(stop_words(&Source::builtin("zh", STOP_ZH))
            .unwrap()
            .contains(&"的".to_string()));
        let d = user_dict(&Source::builtin("dict", USER_DICT)).unwrap();
        assert!(d.iter().any(|e| e.word == "通义千问"));
        let g = glossary(&Source::builtin("glossary", GLOSSARY)).unwrap();
        assert!(g
            .iter()
            .any(|c| c.id == "pretraining" && c.zh == ["预训练"]));
    }

    /// Two concepts claiming one English word form would be settled by
    /// file order, silently (as `product` and `productivity` once were).
    #[test]
    fn no_english_word_form_belongs_to_two_concepts() {
        let g = glossary(&Source::builtin("glossary", GLOSSARY)).unwrap();
        let mut owner: std::collections::BTreeMap<String, &str> = Default::default();
        for c in &g {
            for w in c.en.iter().filter(|w| !w.contains(' ')) {
                for b in super::super::english::inflection_bases(&w.to_lowercase()) {
                    let first = *owner.entry(b.clone()).or_insert(&c.id);
                    assert_eq!(first, c.id, "{w:?} ({b}) is in {first} and {}", c.id);
                }
            }
        }
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let src = Source::builtin("dict", "# c\n通义千问 100 nz\n文心一言 many\n");
        let e = user_dict(&src).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("many"), "{e}");
        let src = Source::builtin("g", "[[concept]]\nid = \"x\"\nzh = [\"智谱AI\"]\n");
        let e = glossary(&src).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("智谱AI"), "{e}");
        let src = Source::builtin("g", "[[concept]]\nid = \"x\"\nzz = 1\n");
        assert!(glossary(&src).unwrap_err().to_string().contains("line"));
    }
}
