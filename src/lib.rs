//! stancemap: themes and target-dependent stance over a bilingual (English and
//! Chinese) corpus of articles on the large-model race.
//!
//! The pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! config ─┐
//! ingest   files -> decoded, normalised documents -> passages with provenance
//! featurize passages -> tokens (per-language analyzers, bilingual bridge) -> sparse TF-IDF
//! themes   TF-IDF -> LSA -> k-means -> labelled themes
//! stance   passages + targets + lexicons -> scores with evidence -> aggregates
//! report   everything above -> data files, charts, pages
//! run      the nightly job: run directory, manifest, atomic publish
//! ```
//!
//! The types that pass between stages live here.

pub mod config;
pub mod featurize;
pub mod ingest;
pub mod io_limits;
pub mod param;
pub mod report;
pub mod run;
pub mod stance;
pub mod text;
pub mod themes;

use serde::{Deserialize, Serialize};

/// Language of a passage, decided by its share of Han characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
    Mixed,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Zh, Lang::Mixed];

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Mixed => "mixed",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a passage's language is told from the share of Han characters among
/// its Han and Latin letters (`[ingest] zh_min_han_share`,
/// `en_max_han_share`): ingest labels passages with it, and featurize tells
/// with it whether a corpus is bilingual. One rule, asked by both.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangShares {
    /// Chinese at or above this share.
    pub zh_min: f64,
    /// English at or below this share; mixed in between.
    pub en_max: f64,
}

impl LangShares {
    /// The `[ingest]` defaults.
    pub const DEFAULT: LangShares = LangShares {
        zh_min: 0.6,
        en_max: 0.2,
    };

    pub fn classify(self, han_share: f64) -> Lang {
        if han_share >= self.zh_min {
            Lang::Zh
        } else if han_share <= self.en_max {
            Lang::En
        } else {
            Lang::Mixed
        }
    }
}

/// Whether a corpus with `zh` Chinese and `en` English passages among `n`
/// is bilingual enough for the rules that join the languages (the glossary
/// bridge, the CC-CEDICT fallback, the themes' shared-term weight): each
/// language has at least 2% of the passages, and at least 3. Four English
/// titles among 20,000 Chinese ones do not make a bilingual corpus.
pub fn is_bilingual(zh: usize, en: usize, n: usize) -> bool {
    let need = (0.02 * n as f64).max(3.0);
    zh as f64 >= need && en as f64 >= need
}

/// Metadata of one document, from the corpus sidecar (`metadata.toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocMeta {
    pub title: Option<String>,
    /// `YYYY-MM-DD` or `YYYY-MM` (when the article only places itself within a month).
    pub date: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
}

/// A paragraph of a document with its exact provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Path of the document relative to the corpus root, `/`-separated.
    pub doc: String,
    /// 1-based, inclusive line numbers in the original file.
    pub line_start: u32,
    pub line_end: u32,
    pub lang: Lang,
    /// Boilerplate (bylines, comment widgets, keyword lists, repeated titles)
    /// is kept and flagged, never silently dropped.
    pub boilerplate: bool,
    /// Why the passage was flagged as boilerplate, if it was.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub boilerplate_kind: Option<String>,
    /// The normalised text (NFKC, full-width ASCII folded, whitespace collapsed).
    pub text: String,
}

/// A decoded document and its passages.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the corpus root, `/`-separated.
    pub id: String,
    pub sha256: String,
    pub size: u64,
    /// The encoding the bytes were decoded from (`utf-8`, `utf-16le`, `gb18030`, ...).
    pub encoding: String,
    pub meta: DocMeta,
    pub passages: Vec<Passage>,
}

/// A file of the corpus that produced no document, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Everything ingest produced.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    pub skipped: Vec<Skipped>,
}

impl Corpus {
    /// All passages, in document order then line order: the row order of every
    /// later stage's output.
    pub fn passages(&self) -> impl Iterator<Item = &Passage> {
        self.documents.iter().flat_map(|d| d.passages.iter())
    }

    pub fn n_passages(&self) -> usize {
        self.documents.iter().map(|d| d.passages.len()).sum()
    }
}

/// Where a passage comes from: enough to find it in the original file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PassageRef {
    pub doc: String,
    pub line_start: u32,
    pub line_end: u32,
}

impl From<&Passage> for PassageRef {
    fn from(p: &Passage) -> Self {
        PassageRef {
            doc: p.doc.clone(),
            line_start: p.line_start,
            line_end: p.line_end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_shares_and_the_bilingual_rule() {
        let s = LangShares::DEFAULT;
        assert_eq!(s.classify(0.6), Lang::Zh);
        assert_eq!(s.classify(0.2), Lang::En);
        assert_eq!(s.classify(0.4), Lang::Mixed);
        assert!(is_bilingual(3, 3, 100));
        assert!(!is_bilingual(2, 50, 100));
        assert!(!is_bilingual(19, 981, 1000));
        assert!(is_bilingual(20, 980, 1000));
    }
}
