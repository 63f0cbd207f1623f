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
    #[test]
    fn analysis_version_is_derived_by_the_build_script() {
        let v = crate::featurize::ANALYSIS_VERSION;
        assert_eq!(v.len(), 16, "{v}");
        assert!(v.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
    }
}
