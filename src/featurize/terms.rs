//! What the featurizer gives: the vocabulary's terms and the TF-IDF matrix.

#[allow(unused_imports)]
use super::*;

/// One feature of the vocabulary. Its strings are held inline when short
/// (up to 24 bytes: nearly every key and surface), so a vocabulary of tens
/// of thousands of terms is built and freed without an allocation per string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The feature key: an English stem (`pretrain`), a Chinese word (`算力`),
    /// a product name (`gpt-4o`), or a bridged concept (`@open-source`).
    pub key: CompactString,
    /// The most frequent English surface form behind the feature, if any.
    pub en: Option<CompactString>,
    /// The most frequent Chinese surface form behind the feature, if any.
    pub zh: Option<CompactString>,
}

impl Term {
    /// A readable name: the English and Chinese surface forms, or the key.
    pub fn display(&self) -> String {
        match (&self.en, &self.zh) {
            (Some(e), Some(z)) => format!("{e} / {z}"),
            (Some(e), None) => e.to_string(),
            (None, Some(z)) => z.to_string(),
            (None, None) => self.key.to_string(),
        }
    }
}

/// The TF-IDF matrix and its vocabulary.
#[derive(Debug, Clone)]
pub struct Features {
    /// Sorted by key: column `j` of the matrix is `terms[j]`.
    pub terms: Vec<Term>,
    /// Passages (input order) x terms, CSR, (sublinear) TF x IDF, L2 rows.
    pub matrix: Matrix,
    /// Content tokens per passage (after stop words, before pruning).
    pub n_tokens: Vec<u32>,
    /// Document frequency per term (over the content passages).
    pub df: Vec<u32>,
    /// Distinct keys before min_df / max_df pruning.
    pub n_keys_seen: usize,
}

impl Features {
    /// The matrix in `f64` with `usize` indices, for the linear algebra of
    /// later stages.
    pub fn matrix_f64(&self) -> sprs::CsMat<f64> {
        self.matrix.to_other_types()
    }
}
