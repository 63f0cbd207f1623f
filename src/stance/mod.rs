//! Stance: passages + targets + lexicons -> a score per target with evidence,
//! then aggregates per theme, document and date.
//!
//! (Being built: see issue 4. The types below are the data contract the
//! report reads.)

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::PassageRef;

/// The `[stance]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {}

/// The validated `[stance]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {}

impl RawParams {
    pub fn check(self, _base: &Path) -> Result<Params, ConfigError> {
        Ok(Params {})
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceLabel {
    Favor,
    Neutral,
    Against,
}

/// One piece of evidence behind a score: a term, its signed weight after the
/// rules, its character offsets in the passage text, and the rule(s) applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub term: String,
    pub weight: f64,
    /// Offsets in Unicode scalar values (characters) into the passage text.
    pub start: usize,
    pub end: usize,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetStance {
    /// In [-1, 1].
    pub score: f64,
    pub label: StanceLabel,
    pub evidence: Vec<Evidence>,
}

/// Stance of one passage: keyed by target id; `None` where the passage does
/// not concern the target.
pub type PassageStance = BTreeMap<String, Option<TargetStance>>;

/// Stance of a group of passages toward one target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Mean score over the passages that concern the target.
    pub mean: f64,
    pub n: usize,
    pub favor: usize,
    pub neutral: usize,
    pub against: usize,
    pub passages: Vec<PassageRef>,
}

/// Aggregates toward each target: target id -> group key -> aggregate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StanceSummary {
    /// Target id -> display name.
    pub targets: BTreeMap<String, String>,
    /// Group key: the theme id as a string, or `other`.
    pub by_theme: BTreeMap<String, BTreeMap<String, Aggregate>>,
    /// Group key: document id.
    pub by_document: BTreeMap<String, BTreeMap<String, Aggregate>>,
    /// Group key: document date (`YYYY-MM-DD` or `YYYY-MM`), `undated` if none.
    pub by_date: BTreeMap<String, BTreeMap<String, Aggregate>>,
}
