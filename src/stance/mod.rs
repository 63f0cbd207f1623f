//! Stance: passages + targets + lexicons -> a score per target with evidence,
//! then aggregates per theme, document and date.
//!
//! In: passage text, the targets of the config (ids with aliases in both
//! languages) and the lexicons (a domain lexicon and rules written for this
//! field, in English and Chinese; VADER for general English; a small general
//! Chinese list). Out: per passage, per target, `null` when the passage does
//! not name the target, else a score in [-1, 1], a label and the evidence.
//!
//! The decision that shaped it: polarity belongs to the target it speaks of,
//! not to the passage. "China-made LLMs lag far behind ChatGPT" is one
//! relation giving opposite weights to its subject and object; a mood word
//! attaches to the nearest target in its clause. See `rules.rs`.
//!
//! Files: `params.rs` (config), `text.rs` (tokens), `lexicon.rs` (entries,
//! file format, matcher), `rules.rs` (scoring), `aggregate.rs`, `eval.rs`.

mod aggregate;
pub mod eval;
pub mod lexicon;
mod params;
mod rules;
mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use aggregate::{aggregate, Scored};
pub use params::{default_targets, Generic, Params, RawParams, TargetSpec, MAX_TARGETS};

use crate::param::LoadError;
use crate::PassageRef;
use lexicon::{Entry, Kind, Matcher, Source};

/// The shipped lexicons (see `data/stance/README.md` for sources and licences).
pub const DOMAIN_LEXICON: &str = include_str!("../../data/stance/domain.tsv");
pub const RULES_LEXICON: &str = include_str!("../../data/stance/rules.tsv");
pub const GENERAL_ZH_LEXICON: &str = include_str!("../../data/stance/general_zh.tsv");
pub const VADER_LEXICON: &str = include_str!("../../data/stance/vader_lexicon.txt");

/// VADER's normalisation constant: score = s / sqrt(s^2 + ALPHA).
const ALPHA: f64 = 15.0;

/// Errors of the stance commands.
#[derive(Debug, thiserror::Error)]
pub enum StanceError {
    #[error("unknown stance target `{id}`; known targets: {known}")]
    UnknownTarget { id: String, known: String },
    #[error(transparent)]
    Load(#[from] LoadError),
}

fn embedded(name: &str, text: &str, source: Source) -> Result<Vec<Entry>, LoadError> {
    lexicon::parse_tsv(text, source).map_err(|(line, message)| LoadError::Parse {
        path: format!("data/stance/{name} (embedded)").into(),
        line: Some(line),
        message,
    })
}

/// The stance scorer: lexicons and targets compiled once; `score` is pure,
/// deterministic and can be shared across threads.
#[derive(Debug)]
pub struct Scorer {
    matcher: Matcher,
    concepts: Matcher,
    generics: lexicon::Generics,
    targets: Vec<(String, String)>,
    favor_threshold: f64,
    against_threshold: f64,
    general_weight: f64,
}

impl Scorer {
    pub fn new(params: &Params) -> Result<Scorer, LoadError> {
        let mut entries =
            lexicon::parse_vader(VADER_LEXICON).map_err(|(line, message)| LoadError::Parse {
                path: "data/stance/vader_lexicon.txt (embedded)".into(),
                line: Some(line),
                message,
            })?;
        entries.extend(embedded(
            "general_zh.tsv",
            GENERAL_ZH_LEXICON,
            Source::General,
        )?);
        entries.extend(embedded("domain.tsv", DOMAIN_LEXICON, Source::Domain)?);
        entries.extend(embedded("rules.tsv", RULES_LEXICON, Source::Domain)?);
        entries.extend(params.extra_entries.iter().cloned());
        // The concept words (the passage is about AI) are matched on their own.
        let (concepts, mut entries): (Vec<Entry>, Vec<Entry>) = entries
            .into_iter()
            .partition(|e| matches!(e.kind, Kind::Concept));
        // Aliases last (a name is a name), one entry per matching key so two
        // targets can share an alias; an alias is gated only if it is gated
        // for every target that has it.
        let mut aliases: BTreeMap<String, (String, u64, u8)> = BTreeMap::new();
        for (i, t) in params.targets.iter().enumerate().take(MAX_TARGETS) {
            for (a, gate) in t.alias_gates() {
                let key: Vec<String> = lexicon::term_keys(&a);
                let slot = aliases.entry(key.join(" ")).or_insert((a.clone(), 0, gate));
                slot.1 |= 1u64 << i;
                slot.2 &= gate;
            }
        }
        entries.extend(aliases.into_values().map(|(term, mask, gate)| Entry {
            term,
            kind: Kind::Alias(mask),
            source: Source::Domain,
            surface: false,
            gate,
        }));
        let mut generics = lexicon::Generics::default();
        for (i, t) in params.targets.iter().enumerate().take(MAX_TARGETS) {
            for g in [&t.generic_en, &t.generic_zh].into_iter().flatten() {
                generics.add(&g.modifiers, &g.heads, 1u64 << i, &g.gated_heads);
            }
        }
        Ok(Scorer {
            matcher: Matcher::new(entries),
            concepts: Matcher::new(concepts),
            generics,
            targets: params
                .targets
                .iter()
                .map(|t| (t.id.clone(), t.name.clone()))
                .collect(),
            favor_threshold: params.favor_threshold,
            against_threshold: params.against_threshold,
            general_weight: params.general_weight,
        })
    }

    /// Target id -> display name.
    pub fn targets(&self) -> BTreeMap<String, String> {
        self.targets.iter().cloned().collect()
    }

    pub fn target_ids(&self) -> Vec<&str> {
        self.targets.iter().map(|(id, _)| id.as_str()).collect()
    }

    pub fn label(&self, score: f64) -> StanceLabel {
        if score >= self.favor_threshold {
            StanceLabel::Favor
        } else if score <= self.against_threshold {
            StanceLabel::Against
        } else {
            StanceLabel::Neutral
        }
    }

    /// Stance of one passage toward every target.
    pub fn score(&self, text: &str) -> PassageStance {
        self.score_with_fallback(text, None)
    }

    /// Stance of a passage of a document titled `title`: the title tells
    /// whether the document is about AI (the concept gate of aliases such as
    /// China) and which target "the company" means when the passage names none.
    pub fn score_in(&self, text: &str, title: Option<&str>) -> PassageStance {
        let context = title.map(|t| self.context(t)).unwrap_or_default();
        self.score_full(text, None, context)
    }

    /// What a document title says to its passages.
    pub fn context(&self, title: &str) -> rules::Context {
        rules::Context::of_title(self.lexicons(), title)
    }

    fn lexicons(&self) -> rules::Lexicons<'_> {
        rules::Lexicons {
            matcher: &self.matcher,
            concepts: &self.concepts,
            generics: &self.generics,
        }
    }

    /// As [`Scorer::score`], but a term with no named target to attach to
    /// goes to `fallback` (for data where every text is about one target).
    pub fn score_with_fallback(&self, text: &str, fallback: Option<&str>) -> PassageStance {
        self.score_full(text, fallback, rules::Context::default())
    }

    fn score_full(
        &self,
        text: &str,
        fallback: Option<&str>,
        context: rules::Context,
    ) -> PassageStance {
        let fb = fallback.and_then(|f| self.targets.iter().position(|(id, _)| id == f));
        let attached = rules::attach(
            self.lexicons(),
            text,
            self.targets.len(),
            self.general_weight,
            fb,
            context,
        );
        self.targets
            .iter()
            .zip(attached)
            .map(|((id, _), ev)| {
                let stance = ev.map(|evidence| {
                    let s: f64 = evidence.iter().map(|e| e.weight).sum();
                    let score = rules::round3(s / (s * s + ALPHA).sqrt());
                    TargetStance {
                        score,
                        label: self.label(score),
                        evidence,
                    }
                });
                (id.clone(), stance)
            })
            .collect()
    }
}

/// Stance of every passage of a corpus, in corpus order (passages scored in
/// parallel; the result does not depend on the number of threads).
/// Each passage is read in the context of its document's title.
pub fn score_corpus(scorer: &Scorer, corpus: &crate::Corpus) -> Vec<PassageStance> {
    use rayon::prelude::*;
    let contexts: Vec<rules::Context> = corpus
        .documents
        .iter()
        .map(|d| {
            d.meta
                .title
                .as_deref()
                .map(|t| scorer.context(t))
                .unwrap_or_default()
        })
        .collect();
    let passages: Vec<(&crate::Passage, rules::Context)> = corpus
        .documents
        .iter()
        .zip(&contexts)
        .flat_map(|(d, c)| d.passages.iter().map(move |p| (p, *c)))
        .collect();
    passages
        .par_iter()
        .map(|(p, c)| scorer.score_full(&p.text, None, *c))
        .collect()
}

/// The stance stage of `stancemap run`: every passage's stance (corpus
/// order: the `stance` field of passages.jsonl) and the aggregates (stance.json).
/// `themes`: per passage (corpus order) its theme id, `None` for the other
/// group; `None` when themes are not available (everything goes to `other`).
pub fn run_stage(
    scorer: &Scorer,
    corpus: &crate::Corpus,
    themes: Option<&[Option<u32>]>,
) -> (Vec<PassageStance>, StanceSummary) {
    let stances = score_corpus(scorer, corpus);
    let refs: Vec<(PassageRef, Option<&str>)> = corpus
        .documents
        .iter()
        .flat_map(|d| {
            d.passages
                .iter()
                .map(move |p| (PassageRef::from(p), d.meta.date.as_deref()))
        })
        .collect();
    let rows = refs
        .iter()
        .zip(&stances)
        .enumerate()
        .map(|(i, ((r, date), s))| Scored {
            passage: r,
            theme: themes.and_then(|t| t.get(i).copied().flatten()),
            date: *date,
            stance: s,
        });
    let summary = aggregate(scorer.targets(), rows);
    (stances, summary)
}

/// `stancemap score [--target ID] [--title TEXT] [FILE | -]`: the stance of `text` toward
/// every target (or only `target`), as the JSON object passages.jsonl holds.
pub fn score_command(
    params: &Params,
    target: Option<&str>,
    title: Option<&str>,
    text: &str,
) -> Result<serde_json::Value, StanceError> {
    let scorer = Scorer::new(params)?;
    if let Some(t) = target {
        if !scorer.targets.iter().any(|(id, _)| id == t) {
            return Err(StanceError::UnknownTarget {
                id: t.to_string(),
                known: scorer.target_ids().join(", "),
            });
        }
    }
    let mut stance = scorer.score_in(text, title);
    if let Some(t) = target {
        stance.retain(|id, _| id == t);
    }
    Ok(serde_json::to_value(&stance).unwrap_or(serde_json::Value::Null))
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

#[cfg(test)]
mod tests;
