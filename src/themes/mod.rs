//! Themes: sparse TF-IDF -> LSA (randomized truncated SVD) -> k-means (linfa)
//! -> themes labelled by class-based TF-IDF in both languages.
//!
//! (Being built: see issue 3. The types below are the data contract the
//! report reads.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::{Lang, PassageRef};

/// The `[themes]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {}

/// The validated `[themes]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {}

impl RawParams {
    pub fn check(self) -> Result<Params, ConfigError> {
        Ok(Params {})
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermScore {
    pub term: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub id: u32,
    /// Short label: the best two or three terms, English and Chinese.
    pub label: String,
    pub size: usize,
    pub passages_by_lang: BTreeMap<Lang, usize>,
    pub top_terms_en: Vec<TermScore>,
    pub top_terms_zh: Vec<TermScore>,
    /// The most representative passages (closest to the centroid).
    pub representative: Vec<PassageRef>,
}

/// Passages set aside from clustering: boilerplate and content-free lines.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OtherGroup {
    pub size: usize,
    pub passages_by_lang: BTreeMap<Lang, usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Themes {
    pub k: usize,
    /// Mean silhouette of the chosen clustering, when k was chosen by it.
    pub silhouette: Option<f64>,
    pub themes: Vec<Theme>,
    pub other: OtherGroup,
    /// Per passage (corpus order): its theme id, `None` for the other group.
    #[serde(skip)]
    pub assignment: Vec<Option<u32>>,
    /// Per passage (corpus order): 2-D coordinates for the passage map.
    #[serde(skip)]
    pub coords: Vec<[f64; 2]>,
}
