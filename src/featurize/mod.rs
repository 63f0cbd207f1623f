//! Featurize: passages -> tokens (per-language analyzers, bilingual bridge)
//! -> sparse TF-IDF (being built: the types below are the data contract).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;

/// The `[featurize]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {}

/// The validated `[featurize]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {}

impl RawParams {
    pub fn check(self, _base: &Path) -> Result<Params, ConfigError> {
        Ok(Params {})
    }
}

/// One feature of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The feature key: an English stem (`pretrain`), a Chinese word (`算力`),
    /// a product name (`gpt-4o`), or a bridged concept (`@open-source`).
    pub key: String,
    /// The most frequent English surface form behind the feature, if any.
    pub en: Option<String>,
    /// The most frequent Chinese surface form behind the feature, if any.
    pub zh: Option<String>,
}

/// The TF-IDF matrix and its vocabulary.
#[derive(Debug, Clone)]
pub struct Features {
    /// Sorted by key: column `j` of the matrix is `terms[j]`.
    pub terms: Vec<Term>,
    /// Passages (corpus order) x terms, CSR, sublinear TF x smooth IDF, L2 rows.
    pub matrix: sprs::CsMat<f64>,
    /// Content tokens per passage (after stop words), corpus order.
    pub n_tokens: Vec<u32>,
    /// Document frequency per term (over non-boilerplate passages).
    pub df: Vec<u32>,
}
