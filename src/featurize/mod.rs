//! Featurize: passages -> tokens (per-language analyzers, bilingual bridge)
//! -> sparse TF-IDF.
//!
//! In: passage texts (and which of them count for document frequencies).
//! Out: [`Features`], a CSR matrix over one vocabulary for both languages.
//! The decision that shaped it: workers analyze passages in parallel with
//! their own word cache and key interner and never share state; their local
//! ids are merged once at the end into a vocabulary sorted by key, so the
//! result is the same whatever the thread count.

mod analyzer;
mod english;
pub mod lexicon;
mod stem;
mod tfidf;

use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};

use compact_str::CompactString;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use analyzer::{concept_key, script_runs, Analyzer, Cache, Token};
pub use tfidf::{idf, Matrix, Weighting};

use crate::config::{invalid, ConfigError};
use lexicon::Source;
use tfidf::{Block, Renamed};

/// The `[featurize]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// Keep terms in at least this many content passages.
    pub min_df: Option<i64>,
    /// Drop terms in more than this share of content passages.
    pub max_df: Option<f64>,
    /// 1 + ln(tf) instead of raw counts.
    pub sublinear_tf: Option<bool>,
    /// ln((1 + n) / (1 + df)) + 1 instead of ln(n / df) + 1.
    pub smooth_idf: Option<bool>,
    /// jieba's HMM for words not in its dictionary.
    pub hmm: Option<bool>,
    /// Chinese words shorter than this many characters are dropped (glossary
    /// words excepted).
    pub min_han_chars: Option<i64>,
    /// Extra files: stop words (one per line), jieba user dictionaries
    /// (`word [freq [tag]]`) and glossaries (TOML `[[concept]]`). Relative
    /// paths resolve against the config file's folder.
    pub stop_words: Vec<PathBuf>,
    pub user_dict: Vec<PathBuf>,
    pub glossary: Vec<PathBuf>,
    /// Use the built-in glossary (the bilingual bridge). Default true.
    pub builtin_glossary: Option<bool>,
    /// Add the CC-CEDICT English key beside each Chinese word the glossary
    /// lacks: `"auto"` (in bilingual corpora only), `"on"` or `"off"`. Needs
    /// the `cedict` build feature; default `"auto"` with it, `"off"` without.
    pub cedict_fallback: Option<String>,
}

/// The validated `[featurize]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    #[serde(flatten)]
    pub weighting: Weighting,
    pub hmm: bool,
    pub min_han_chars: usize,
    pub stop_words: Vec<PathBuf>,
    pub user_dict: Vec<PathBuf>,
    pub glossary: Vec<PathBuf>,
    pub builtin_glossary: bool,
    pub cedict_fallback: Cedict,
}

/// When the CC-CEDICT fallback bridge is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cedict {
    Off,
    On,
    /// Only when at least 2% (and 3) of the texts are English and as many
    /// Chinese: on Chinese-only text the added English keys merge words of
    /// different senses (THUCNews titles lost 0.08 NMI with them).
    Auto,
}

impl RawParams {
    pub fn check(self, base: &Path) -> Result<Params, ConfigError> {
        let min_df = self.min_df.unwrap_or(2);
        if !(1..=u32::MAX as i64).contains(&min_df) {
            return Err(invalid(
                "featurize.min_df",
                min_df,
                "a whole number of passages, at least 1",
            ));
        }
        let max_df = self.max_df.unwrap_or(0.95);
        if !(max_df > 0.0 && max_df <= 1.0) {
            return Err(invalid(
                "featurize.max_df",
                max_df,
                "a share of passages in (0, 1]",
            ));
        }
        let min_han_chars = self.min_han_chars.unwrap_or(2);
        if !(1..=8).contains(&min_han_chars) {
            return Err(invalid("featurize.min_han_chars", min_han_chars, "1 to 8"));
        }
        let resolve = |v: Vec<PathBuf>| -> Vec<PathBuf> {
            v.into_iter()
                .map(|p| if p.is_relative() { base.join(p) } else { p })
                .collect()
        };
        let cedict_fallback = match self.cedict_fallback.as_deref() {
            None if cfg!(feature = "cedict") => Cedict::Auto,
            None | Some("off") => Cedict::Off,
            Some(v @ ("on" | "auto")) if !cfg!(feature = "cedict") => {
                return Err(invalid(
                    "featurize.cedict_fallback",
                    format!("{v:?}"),
                    "needs stancemap built with `--features cedict`",
                ))
            }
            Some("on") => Cedict::On,
            Some("auto") => Cedict::Auto,
            Some(v) => {
                return Err(invalid(
                    "featurize.cedict_fallback",
                    format!("{v:?}"),
                    "\"auto\", \"on\" or \"off\"",
                ))
            }
        };
        Ok(Params {
            weighting: Weighting {
                min_df: min_df as u32,
                max_df,
                sublinear_tf: self.sublinear_tf.unwrap_or(true),
                smooth_idf: self.smooth_idf.unwrap_or(true),
            },
            hmm: self.hmm.unwrap_or(true),
            min_han_chars: min_han_chars as usize,
            stop_words: resolve(self.stop_words),
            user_dict: resolve(self.user_dict),
            glossary: resolve(self.glossary),
            builtin_glossary: self.builtin_glossary.unwrap_or(true),
            cedict_fallback,
        })
    }
}

impl Default for Params {
    fn default() -> Self {
        RawParams::default()
            .check(Path::new("."))
            .expect("the default featurize params are valid")
    }
}

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

/// Marks the CC-CEDICT key added beside a Chinese word (`~cat`): the
/// analysis (cached per document) keeps it marked, and [`Featurizer`] decides
/// per corpus whether it becomes `cat` or is dropped.
pub const CEDICT_MARK: char = '~';

/// Joins a glossary concept and the word's own key in one key
/// (`@open-source\u{1}开源`): the analysis (cached per document) keeps both,
/// and [`Featurizer`] decides per corpus. In a bilingual corpus the concept
/// bridges the languages; in a corpus of one language it would only merge
/// words of that language (company/firm, cost/price) and stems that collide
/// with a glossary word, which cost NMI on every monolingual set measured
/// (AG News 0.450 -> 0.476, THUCNews titles 0.375 -> 0.414, BBC 0.890 ->
/// 0.894 without it; `benches/THEMES.md`), so there the word keeps its own
/// key. A multi-word glossary phrase gives its concept with no own key
/// (`@open-source\u{1}`) and each of its words its own key with no concept
/// (`\u{1}sourc`): the concept in bilingual corpora, the words elsewhere.
pub const BRIDGE_MARK: char = '\u{1}';

/// The key of a word the glossary bridges: its concept and its own key
/// (either empty when that side has none: a stop word, a phrase).
pub(crate) fn bridged(concept: &str, own: &str) -> String {
    format!("{concept}{BRIDGE_MARK}{own}")
}

/// Whether passages are bilingual enough for the bridges (glossary concepts,
/// CC-CEDICT), from their keys: a passage is Chinese when at least 60% of
/// its word tokens are Chinese words, English when at most 20% are
/// (ingest's thresholds; a bridged word, or a word of a glossary phrase,
/// counts as itself; the phrase's concept and `~` keys do not count); the
/// corpus is bilingual when each language has at least 2% of the passages,
/// and 3.
fn bilingual(parts: &[Part<'_>]) -> bool {
    let (zh, en, n) = parts
        .par_iter()
        .map(|part| {
            let script: Vec<Option<bool>> = part.keys.iter().map(|k| key_script(k)).collect();
            let (mut zh, mut en, mut n) = (0usize, 0usize, 0usize);
            for row in part.blocks.iter().flat_map(|(_, b)| b.rows()) {
                n += 1;
                let (mut han, mut latin) = (0u32, 0u32);
                for &(k, c) in row {
                    match script[k as usize] {
                        Some(true) => han += c,
                        Some(false) => latin += c,
                        None => {}
                    }
                }
                if han + latin == 0 {
                    continue;
                }
                let share = f64::from(han) / f64::from(han + latin);
                if share >= 0.6 {
                    zh += 1;
                } else if share <= 0.2 {
                    en += 1;
                }
            }
            (zh, en, n)
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    let need = (0.02 * n as f64).max(3.0);
    zh as f64 >= need && en as f64 >= need
}

/// Whether a key counts as a Chinese word (`Some(true)`), an English one
/// (`Some(false)`) or neither (a phrase's concept, a `~` key) when telling
/// a passage's language.
fn key_script(key: &str) -> Option<bool> {
    // An ASCII key without a bridge (most English words) is English unless
    // marked; the marks are ASCII.
    if key.is_ascii() && !key.contains(BRIDGE_MARK) {
        return (!key.starts_with(['@', CEDICT_MARK])).then_some(false);
    }
    match key.split_once(BRIDGE_MARK) {
        // A bridged word counts as the word it is.
        Some((_, own)) if !own.is_empty() => Some(own.chars().any(crate::ingest::is_han)),
        _ if key.starts_with(['@', CEDICT_MARK]) => None,
        _ => Some(key.chars().any(crate::ingest::is_han)),
    }
}

/// The key a marked key stands for in this corpus, or `None` when it is
/// dropped: a bridged word is its concept in bilingual corpora and its own
/// key elsewhere (either may be empty: dropped); a CC-CEDICT key is
/// unmarked when that bridge is used.
fn resolve(key: &str, two_languages: bool, cedict: bool) -> Option<&str> {
    if let Some((concept, own)) = key.split_once(BRIDGE_MARK) {
        let kept = if two_languages { concept } else { own };
        (!kept.is_empty()).then_some(kept)
    } else if let Some(plain) = key.strip_prefix(CEDICT_MARK) {
        cedict.then_some(plain)
    } else {
        Some(key)
    }
}

/// One share of the analyzed corpus in its own key ids, on its way into the
/// shared vocabulary: one worker's (the fast path), or all documents' (the
/// per-document path).
struct Part<'a> {
    /// Keys by id, as the analysis wrote them (bridged, `~`-marked).
    keys: Vec<&'a str>,
    /// Runs of consecutive passages, each with its position in the corpus.
    blocks: Vec<(usize, Block)>,
    surfaces: Surfaces<'a>,
}

/// (key id, surface, occurrences): how often a surface form gave a key.
type Surfaces<'a> = Vec<(u32, &'a str, u64)>;

/// The sorted, distinct keys of all parts, and for each part the column of
/// each of its ids (`u32::MAX` for `None`): all parts' keys are sorted
/// together (in parallel), then numbered.
fn shared_vocabulary<'a>(parts: &[Vec<Option<&'a str>>]) -> (Vec<&'a str>, Vec<Vec<u32>>) {
    // The first 8 bytes, big-endian: most comparisons end on this integer
    // and never reach `memcmp` (ties fall back to the whole key).
    let prefix = |k: &str| {
        let mut b = [0u8; 8];
        let n = k.len().min(8);
        b[..n].copy_from_slice(&k.as_bytes()[..n]);
        u64::from_be_bytes(b)
    };
    let mut all: Vec<(u64, &str, u32, u32)> = parts
        .iter()
        .enumerate()
        .flat_map(|(p, keys)| {
            keys.iter()
                .enumerate()
                .filter_map(move |(id, k)| k.map(|k| (prefix(k), k, p as u32, id as u32)))
        })
        .collect();
    all.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut columns: Vec<Vec<u32>> = parts.iter().map(|p| vec![NONE; p.len()]).collect();
    let mut keys: Vec<&str> = Vec::new();
    let mut last: Option<(u64, &str)> = None;
    for &(pre, k, p, id) in &all {
        if last != Some((pre, k)) {
            keys.push(k);
            last = Some((pre, k));
        }
        columns[p as usize][id as usize] = (keys.len() - 1) as u32;
    }
    (keys, columns)
}

/// The limit the featurizer is measured against (`benches/featurize.rs`,
/// `examples/featurize_ratio.rs`): the bare segmenters it is built on, with
/// no filters and no counting: jieba-rs `cut` on Han runs, Unicode words and
/// lowercase on the rest. Returns the number of tokens.
pub fn bare_segmenters(jieba: &jieba_rs::Jieba, texts: &[&str]) -> usize {
    let mut n = 0;
    for t in texts {
        for (s, e, han) in script_runs(t) {
            n += if han {
                bare_han(jieba, &t[s..e])
            } else {
                bare_latin(&t[s..e])
            };
        }
    }
    n
}

/// [`bare_segmenters`] on a Han run: the number of jieba-rs `cut` tokens.
pub fn bare_han(jieba: &jieba_rs::Jieba, run: &str) -> usize {
    jieba.cut(run, true).len()
}

/// [`bare_segmenters`] on a non-Han run: the number of Unicode words,
/// lowercased.
pub fn bare_latin(run: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    run.unicode_words()
        .map(|w| w.to_lowercase().len())
        .filter(|&l| l > 0)
        .count()
}

/// The featurizer: analyzers built once, then applied to any number of passages.
#[derive(Debug)]
pub struct Featurizer {
    analyzer: Analyzer,
    cedict: Cedict,
    weighting: Weighting,
}

/// Passages are handed to the workers in batches of at most this many
/// bytes of text: small enough that a worker on a busy core takes fewer of
/// them, large enough that handing one out costs nothing. Unit tests use
/// small batches so that their corpora span many.
const BATCH_BYTES: usize = if cfg!(test) { 4 * 1024 } else { 256 * 1024 };

/// Toward the end of the corpus batches shrink to an eighth of what is left,
/// down to this size, so that the workers run out of text together instead
/// of one finishing a whole batch while the others wait (guided
/// scheduling). The bounds depend on the texts alone, not the thread count.
const MIN_BATCH_BYTES: usize = if cfg!(test) { 512 } else { 16 * 1024 };

/// One worker's share of a featurization: its word cache (local key ids)
/// and the batches of passages it analyzed, each with its position in the
/// corpus. Each thread fills its own [`Shard`] with
/// [`Featurizer::add_batch`], sharing nothing; [`Featurizer::finish`] merges
/// them into one vocabulary sorted by key, so the result does not depend on
/// which thread took which batch.
pub struct Shard {
    cache: Cache,
    batches: Vec<(usize, Block)>,
    tokens: Vec<Token>,
    counter: tfidf::Counter,
    surfaces: SurfaceCounts,
}

impl Default for Shard {
    fn default() -> Self {
        Shard {
            cache: Cache::for_corpus(),
            batches: Vec::new(),
            tokens: Vec::new(),
            counter: tfidf::Counter::default(),
            surfaces: SurfaceCounts::default(),
        }
    }
}

/// How often each surface, as written, gave each key (local ids): every
/// token's span of text, a glossary phrase's whole span included. The
/// display forms are chosen from these, lowercased.
#[derive(Default)]
struct SurfaceCounts {
    by_raw: FxHashMap<Box<str>, Vec<(u32, u64)>>,
}

impl SurfaceCounts {
    fn add(&mut self, text: &str, tokens: &[Token]) {
        for t in tokens {
            let raw = &text[t.start..t.end];
            let keys = match self.by_raw.get_mut(raw) {
                Some(v) => v,
                None => self.by_raw.entry(raw.into()).or_default(),
            };
            match keys.iter_mut().find(|(k, _)| *k == t.key) {
                Some(e) => e.1 += 1,
                None => keys.push((t.key, 1)),
            }
        }
    }

    /// (key id, lowercase surface, occurrences), each lowercase surface of
    /// a key once (each distinct surface as written lowercased once).
    fn lowered(self) -> Vec<(u32, String, u64)> {
        let mut out: FxHashMap<(u32, String), u64> = FxHashMap::default();
        for (raw, keys) in self.by_raw {
            let lower: String = raw.chars().flat_map(char::to_lowercase).collect();
            for (k, n) in keys {
                *out.entry((k, lower.clone())).or_default() += n;
            }
        }
        out.into_iter().map(|((k, s), n)| (k, s, n)).collect()
    }
}

/// Jobs `0..n` over one worker per thread: each worker takes the next job
/// until none is left (so a worker on a busy core simply takes fewer) and
/// keeps its own state, which is returned, one per worker.
pub fn in_workers<S: Default + Send>(n: usize, job: impl Fn(&mut S, usize) + Sync) -> Vec<S> {
    let next = AtomicUsize::new(0);
    (0..rayon::current_num_threads())
        .into_par_iter()
        .map(|_| {
            let mut state = S::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                job(&mut state, i);
            }
            state
        })
        .collect()
}

/// Where each batch of passages starts, then `texts.len()`: batches of
/// [`BATCH_BYTES`], shrinking toward [`MIN_BATCH_BYTES`] at the end.
fn batch_bounds(texts: &[&str]) -> Vec<usize> {
    let mut left: usize = texts.iter().map(|t| t.len() + 1).sum();
    let size = |left: usize| (left / 8).clamp(MIN_BATCH_BYTES, BATCH_BYTES);
    let mut bounds = vec![0];
    let (mut bytes, mut target) = (0, size(left));
    for (i, t) in texts.iter().enumerate() {
        bytes += t.len() + 1;
        if bytes >= target {
            bounds.push(i + 1);
            left -= bytes;
            bytes = 0;
            target = size(left);
        }
    }
    if *bounds.last().unwrap_or(&0) != texts.len() {
        bounds.push(texts.len());
    }
    bounds
}

impl Featurizer {
    /// Load the word lists (built-in and from the config) and build the analyzers.
    pub fn new(params: &Params) -> Result<Self, ConfigError> {
        let mut stop_en =
            lexicon::stop_words(&Source::builtin("stopwords/en.txt", lexicon::STOP_EN))?;
        let mut stop_zh =
            lexicon::stop_words(&Source::builtin("stopwords/zh.txt", lexicon::STOP_ZH))?;
        for p in &params.stop_words {
            for w in lexicon::stop_words(&Source::file(p)?)? {
                if w.chars().any(crate::ingest::is_han) {
                    stop_zh.push(w);
                } else {
                    stop_en.push(w);
                }
            }
        }
        let mut dict =
            lexicon::user_dict(&Source::builtin("jieba_userdict.txt", lexicon::USER_DICT))?;
        for p in &params.user_dict {
            dict.extend(lexicon::user_dict(&Source::file(p)?)?);
        }
        let mut glossary = if params.builtin_glossary {
            lexicon::glossary(&Source::builtin("glossary.toml", lexicon::GLOSSARY))?
        } else {
            Vec::new()
        };
        for p in &params.glossary {
            glossary.extend(lexicon::glossary(&Source::file(p)?)?);
        }
        let analyzer = Analyzer::new(analyzer::AnalyzerParts {
            stop_en: &stop_en,
            stop_zh: &stop_zh,
            user_dict: &dict,
            glossary: &glossary,
            hmm: params.hmm,
            min_han_chars: params.min_han_chars,
            cedict: params.cedict_fallback != Cedict::Off,
        });
        Ok(Featurizer {
            analyzer,
            cedict: params.cedict_fallback,
            weighting: params.weighting,
        })
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The feature keys of one text, in order, with byte offsets (for tests,
    /// `stancemap` tooling and anyone who wants to see what the analyzers do),
    /// as a bilingual corpus sees them: bridged words and phrases as their
    /// concepts.
    pub fn analyze(&self, text: &str) -> Vec<(String, usize, usize)> {
        let mut cache = Cache::default();
        let mut out = Vec::new();
        self.analyzer.analyze(text, &mut cache, &mut out);
        out.iter()
            .filter_map(|t| {
                let key = &cache.keys[t.key as usize];
                let concept = key.split(BRIDGE_MARK).next().unwrap_or(key);
                (!concept.is_empty()).then(|| (concept.to_string(), t.start, t.end))
            })
            .collect()
    }

    /// TF-IDF over `texts`: the fast path. One worker per thread, each with
    /// its own word cache and key ids, takes batches of passages until none
    /// is left (so a worker on a busy core simply takes fewer), and shares
    /// nothing but the analyzers. Document frequencies count only the
    /// passages with `in_df[i]` (boilerplate is vectorised but does not
    /// shape the vocabulary).
    pub fn featurize(&self, texts: &[&str], in_df: &[bool]) -> Features {
        assert_eq!(texts.len(), in_df.len(), "one in_df flag per text");
        let bounds = batch_bounds(texts);
        let shards: Vec<Shard> = in_workers(bounds.len() - 1, |shard: &mut Shard, b| {
            let (first, end) = (bounds[b], bounds[b + 1]);
            self.add_batch(shard, first, texts[first..end].iter().copied());
        });
        self.finish(shards, in_df)
    }

    /// Analyze a batch of consecutive passages (a document, or any run of
    /// them) into `shard`. `position` orders the batches in the result: the
    /// index of the batch's first passage, or of its document.
    pub fn add_batch<'t>(
        &self,
        shard: &mut Shard,
        position: usize,
        texts: impl Iterator<Item = &'t str>,
    ) {
        if !self.analyzer.jieba_ready() {
            return self.add_batch_han_last(shard, position, texts);
        }
        let mut block = Block::default();
        for text in texts {
            shard.tokens.clear();
            self.analyzer
                .analyze(text, &mut shard.cache, &mut shard.tokens);
            block.push_tokens(shard.tokens.iter().map(|t| t.key), &mut shard.counter);
            shard.surfaces.add(text, &shard.tokens);
        }
        shard.batches.push((position, block));
    }

    /// [`Featurizer::add_batch`] while jieba is still being built: the text
    /// that needs no jieba first, then (waiting for jieba if need be) the
    /// Han runs. The passages' counts are the same; a worker just does not
    /// sit idle while the dictionary loads.
    fn add_batch_han_last<'t>(
        &self,
        shard: &mut Shard,
        position: usize,
        texts: impl Iterator<Item = &'t str>,
    ) {
        let texts: Vec<&str> = texts.collect();
        let mut later = Vec::new();
        let mut passages: Vec<(Vec<u32>, std::ops::Range<usize>)> = Vec::with_capacity(texts.len());
        for text in &texts {
            shard.tokens.clear();
            let first = later.len();
            self.analyzer
                .analyze_later(text, &mut shard.cache, &mut shard.tokens, &mut later);
            shard.surfaces.add(text, &shard.tokens);
            let ids = shard.tokens.iter().map(|t| t.key).collect();
            passages.push((ids, first..later.len()));
        }
        let mut block = Block::default();
        for (text, (mut ids, runs)) in texts.iter().zip(passages) {
            shard.tokens.clear();
            self.analyzer
                .analyze_han_runs(text, &later[runs], &mut shard.cache, &mut shard.tokens);
            shard.surfaces.add(text, &shard.tokens);
            ids.extend(shard.tokens.iter().map(|t| t.key));
            block.push_tokens(ids.into_iter(), &mut shard.counter);
        }
        shard.batches.push((position, block));
    }

    /// TF-IDF over the batches of all shards, in the order of their
    /// positions; `in_df` has one flag per passage in that order.
    pub fn finish(&self, shards: Vec<Shard>, in_df: &[bool]) -> Features {
        let (caches, rest): (Vec<Cache>, Vec<_>) = shards
            .into_iter()
            .map(|w| (w.cache, (w.batches, w.surfaces)))
            .unzip();
        let (batches, surfaces): (Vec<Vec<(usize, Block)>>, Vec<SurfaceCounts>) =
            rest.into_iter().unzip();
        let lowered: Vec<Vec<(u32, String, u64)>> = surfaces
            .into_par_iter()
            .map(SurfaceCounts::lowered)
            .collect();
        let parts = caches
            .par_iter()
            .zip(batches)
            .zip(&lowered)
            .map(|((cache, blocks), surfaces)| Part {
                keys: cache.keys.iter().collect(),
                blocks,
                surfaces: surfaces
                    .iter()
                    .map(|(k, s, n)| (*k, s.as_str(), *n))
                    .collect(),
            })
            .collect();
        let features = self.weigh_parts(parts, in_df);
        // Each worker's cache freed on its own thread.
        caches.into_par_iter().for_each(drop);
        features
    }

    /// The common end: the bridges decided for the corpus, every part's
    /// keys resolved into one vocabulary (sorted: column order), then
    /// document frequencies, pruning, IDF, the matrix and the display forms.
    fn weigh_parts(&self, parts: Vec<Part<'_>>, in_df: &[bool]) -> Features {
        let two_languages = bilingual(&parts);
        let cedict = match self.cedict {
            Cedict::On => true,
            Cedict::Off => false,
            Cedict::Auto => two_languages,
        };
        let resolved: Vec<Vec<Option<&str>>> = parts
            .par_iter()
            .map(|p| {
                p.keys
                    .iter()
                    .map(|k| resolve(k, two_languages, cedict))
                    .collect()
            })
            .collect();
        let (keys, columns) = shared_vocabulary(&resolved);
        let mut surfaces = Vec::with_capacity(parts.len());
        let mut blocks: Vec<(usize, usize, Block)> = Vec::new();
        for (p, part) in parts.into_iter().enumerate() {
            surfaces.push(part.surfaces);
            blocks.extend(part.blocks.into_iter().map(|(pos, b)| (pos, p, b)));
        }
        blocks.par_sort_unstable_by_key(|(position, _, _)| *position);
        self.weigh_resolved(&keys, blocks, surfaces, &columns, in_df)
    }

    /// `blocks`: (position, part, block) in passage order, in their part's
    /// ids; `ids`: the key (in `keys`) of each part's ids; `surfaces`:
    /// each part's surfaces.
    fn weigh_resolved(
        &self,
        keys: &[&str],
        mut blocks: Vec<(usize, usize, Block)>,
        surfaces: Vec<Surfaces<'_>>,
        ids: &[Vec<u32>],
        in_df: &[bool],
    ) -> Features {
        let n_rows: usize = blocks.iter().map(|(_, _, b)| b.n_rows()).sum();
        assert_eq!(n_rows, in_df.len(), "one in_df flag per passage");
        let with_ids: Vec<(&Block, &[u32])> = blocks
            .iter()
            .map(|(_, p, b)| (b, ids[*p].as_slice()))
            .collect();
        let df_all = tfidf::document_frequencies(&with_ids, in_df, keys.len());
        let n_docs = in_df.iter().filter(|&&b| b).count();
        let keep = tfidf::keep_terms(&df_all, n_docs, &self.weighting);
        let mut column = vec![NONE; keys.len()];
        let mut kept = 0u32;
        for (i, &k) in keep.iter().enumerate() {
            if k {
                column[i] = kept;
                kept += 1;
            }
        }
        let df: Vec<u32> = (0..keys.len())
            .filter(|&i| keep[i])
            .map(|i| df_all[i])
            .collect();
        let idf: Vec<f64> = df
            .iter()
            .map(|&d| tfidf::idf(d, n_docs, self.weighting.smooth_idf))
            .collect();
        // The display forms are chosen beside the renaming and the matrix
        // (each has parts that run on one thread).
        let ((matrix, n_tokens), terms) = rayon::join(
            || {
                // One pass from each part's ids to the matrix's columns:
                // dropped keys leave the passage and its token count,
                // pruned terms only the passage.
                blocks.par_iter_mut().for_each(|(_, p, block)| {
                    let ids = &ids[*p];
                    block.rename(|id| match some(ids[id as usize]) {
                        None => Renamed::Dropped,
                        Some(k) => some(column[k as usize]).map_or(Renamed::Pruned, Renamed::To),
                    });
                });
                let blocks: Vec<Block> = blocks.into_iter().map(|(_, _, b)| b).collect();
                let n_tokens: Vec<u32> = blocks
                    .iter()
                    .flat_map(|b| b.n_tokens.iter().copied())
                    .collect();
                let matrix = tfidf::matrix(blocks, &idf, self.weighting.sublinear_tf);
                (matrix, n_tokens)
            },
            || {
                // Each part's surfaces in columns, the parts in parallel.
                let surfaces: Vec<Surfaces<'_>> = surfaces
                    .into_par_iter()
                    .zip(ids)
                    .map(|(part, ids)| {
                        part.into_iter()
                            .filter_map(|(k, s, n)| {
                                some(ids[k as usize])
                                    .and_then(|k| some(column[k as usize]))
                                    .map(|c| (c, s, n))
                            })
                            .collect()
                    })
                    .collect();
                display_terms(keys, &surfaces, &column, kept as usize)
            },
        );
        Features {
            terms,
            matrix,
            n_tokens,
            df,
            n_keys_seen: keys.len(),
        }
    }
}

/// Marks "no id" in the tables of ids (a dropped key, a pruned term).
const NONE: u32 = u32::MAX;

fn some(id: u32) -> Option<u32> {
    (id != NONE).then_some(id)
}

/// Each kept term with its most frequent English and Chinese surface forms
/// (ties broken by the surface's order, so the choice is deterministic).
/// `surfaces` are each part's (column, surface, occurrences) of kept terms,
/// a surface possibly in several parts (once per worker that saw it), read
/// twice: they are put in buckets by column (a counting sort: no
/// comparisons), each bucket sorted by surface, and equal surfaces summed.
fn display_terms<'a>(
    keys: &[&str],
    surfaces: &[Surfaces<'a>],
    column: &[u32],
    n_kept: usize,
) -> Vec<Term> {
    let all = || surfaces.iter().flatten();
    let mut starts = vec![0usize; n_kept + 1];
    for &(c, _, _) in all() {
        starts[c as usize + 1] += 1;
    }
    for c in 0..n_kept {
        starts[c + 1] += starts[c];
    }
    let mut next = starts.clone();
    let mut buckets: Vec<(&str, u64)> = vec![("", 0); starts[n_kept]];
    for &(c, s, n) in all() {
        buckets[next[c as usize]] = (s, n);
        next[c as usize] += 1;
    }
    // Each column's bucket, sorted and summed in parallel, beside its key
    // (columns number the kept keys in key order).
    let kept_keys = keys.iter().zip(column).filter(|(_, &c)| c != NONE);
    let mut per_column = Vec::with_capacity(n_kept);
    let mut rest = &mut buckets[..];
    for (c, (&key, &col)) in kept_keys.enumerate() {
        debug_assert_eq!(c, col as usize, "kept keys are numbered in order");
        let (bucket, tail) = rest.split_at_mut(starts[c + 1] - starts[c]);
        per_column.push((key, bucket));
        rest = tail;
    }
    per_column
        .into_par_iter()
        .map(|(key, bucket)| {
            let [en, zh] = best_surfaces(bucket);
            Term {
                key: CompactString::from(key),
                en: en.map(CompactString::from),
                zh: zh.map(CompactString::from),
            }
        })
        .collect()
}

/// The most frequent English and Chinese surface of one term (ties: the
/// first in order), from its (surface, occurrences) entries, summed by
/// surface.
fn best_surfaces<'a>(bucket: &mut [(&'a str, u64)]) -> [Option<&'a str>; 2] {
    bucket.sort_unstable();
    let mut best: [Option<(u64, &str)>; 2] = [None, None];
    for run in bucket.chunk_by(|a, b| a.0 == b.0) {
        let s = run[0].0;
        let n: u64 = run.iter().map(|e| e.1).sum();
        let han = !s.is_ascii() && s.chars().any(crate::ingest::is_han);
        let slot = &mut best[usize::from(han)];
        // Surfaces come in order: on a tie the first stays.
        if slot.is_none_or(|(bn, _)| n > bn) {
            *slot = Some((n, s));
        }
    }
    best.map(|b| b.map(|(_, s)| s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fz() -> Featurizer {
        Featurizer::new(&Params::default()).unwrap()
    }

    /// A featurizer that keeps every term (`min_df` 1, `max_df` 1.0).
    fn fz_every_term() -> Featurizer {
        let raw = RawParams {
            min_df: Some(1),
            max_df: Some(1.0),
            ..Default::default()
        };
        Featurizer::new(&raw.check(Path::new(".")).unwrap()).unwrap()
    }

    fn keys(f: &Featurizer, text: &str) -> Vec<String> {
        f.analyze(text).into_iter().map(|(k, _, _)| k).collect()
    }

    #[test]
    fn english_chain_stems_drops_stop_words_keeps_products() {
        let f = fz();
        assert_eq!(
            keys(
                &f,
                "The models were lagging behind GPT-4o and Llama 3.1 in 2023, slowly."
            ),
            vec!["@model", "@gap", "gpt-4o", "llama-3.1", "slowli"]
        );
    }

    #[test]
    fn chinese_chain_keeps_domain_words_whole() {
        let f = fz();
        let k = keys(
            &f,
            "通义千问和文心一言在预训练上取得了突破,国产大模型的算力仍是瓶颈。",
        );
        for want in [
            "@qwen",
            "@ernie",
            "@pretraining",
            "@breakthrough",
            "@compute",
            "@bottleneck",
        ] {
            assert!(k.contains(&want.to_string()), "{want} missing from {k:?}");
        }
        assert!(
            !k.iter().any(|w| w == "的" || w == "和" || w == "了"),
            "{k:?}"
        );
    }

    #[test]
    fn bridge_joins_languages() {
        let f = fz();
        let en = keys(
            &f,
            "Open-source large language models need computing power for pre-training.",
        );
        assert_eq!(
            en,
            vec![
                "@open-source",
                "@large-model",
                "need",
                "@compute",
                "@pretraining"
            ]
        );
        let zh = keys(&f, "开源大模型的预训练需要算力");
        assert_eq!(
            zh,
            vec!["@open-source", "@large-model", "@pretraining", "@compute"]
        );
    }

    #[test]
    fn latin_inside_chinese_goes_through_english() {
        let f = fz();
        let got = f.analyze("GPT-5并非全新架构,实为GPT-4o的优化变体");
        let k: Vec<&str> = got.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(k[0], "gpt-5");
        assert!(
            k.contains(&"gpt-4o") && k.contains(&"@architecture"),
            "{k:?}"
        );
        // Offsets point at the surface text.
        let text = "GPT-5并非全新架构,实为GPT-4o的优化变体";
        for (key, s, e) in &got {
            assert!(text.is_char_boundary(*s) && text.is_char_boundary(*e));
            if key == "gpt-4o" {
                assert_eq!(&text[*s..*e], "GPT-4o");
            }
        }
    }

    #[test]
    fn features_are_sparse_normalised_and_labelled() {
        let f = fz_every_term();
        // Bilingual: three passages or more in each language.
        let texts = [
            "OpenAI leads in pretraining.",
            "预训练遇到瓶颈",
            "Pretraining hit a bottleneck.",
            "国产模型的预训练",
            "Open models need pretraining data.",
            "预训练数据不足",
        ];
        let feats = f.featurize(&texts, &[true; 6]);
        assert_eq!(feats.matrix.rows(), 6);
        for row in feats.matrix.outer_iterator() {
            let norm: f64 = row
                .data()
                .iter()
                .map(|&v| f64::from(v).powi(2))
                .sum::<f64>()
                .sqrt();
            assert!((norm - 1.0).abs() < 1e-6);
        }
        let pre = feats
            .terms
            .iter()
            .find(|t| t.key == "@pretraining")
            .unwrap();
        assert_eq!(pre.en.as_deref(), Some("pretraining"));
        assert_eq!(pre.zh.as_deref(), Some("预训练"));
        let keys: Vec<&str> = feats.terms.iter().map(|t| t.key.as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn glossary_bridges_only_bilingual_corpora() {
        let f = fz_every_term();
        let keys_of = |texts: &[&str]| -> Vec<String> {
            let feats = f.featurize(texts, &vec![true; texts.len()]);
            feats.terms.into_iter().map(|t| t.key.into()).collect()
        };
        // English only: the firm keeps its own stem, not a concept shared
        // with "company", and a glossary phrase is its words.
        let en = keys_of(&[
            "The firm raised prices.",
            "A company cut costs.",
            "Open source large language models.",
        ]);
        for want in [
            "firm", "compani", "open", "sourc", "larg", "languag", "model",
        ] {
            assert!(en.contains(&want.to_string()), "{want} missing from {en:?}");
        }
        assert!(
            !en.iter()
                .any(|k| k.contains(BRIDGE_MARK) || k.starts_with('@')),
            "{en:?}"
        );
        // Chinese only: 预训练 is itself.
        let zh = keys_of(&["预训练遇到瓶颈", "算力不足", "开源模型"]);
        assert!(zh.contains(&"预训练".to_string()), "{zh:?}");
        // Both languages: one concept.
        let both = keys_of(&[
            "预训练遇到瓶颈",
            "算力不足",
            "预训练很贵",
            "Pretraining hit a bottleneck.",
            "Computing power is short.",
            "Pretraining is costly.",
        ]);
        assert!(both.contains(&"@pretraining".to_string()), "{both:?}");
        assert!(!both.contains(&"预训练".to_string()), "{both:?}");
        // ... and a phrase is its concept, not its words.
        let both = keys_of(&[
            "开源模型",
            "开源社区",
            "开源的力量",
            "Open source wins.",
            "Open-source models.",
            "Open source again.",
        ]);
        assert!(both.contains(&"@open-source".to_string()), "{both:?}");
        assert!(!both.contains(&"open".to_string()), "{both:?}");
    }

    #[test]
    fn cedict_fallback_needs_the_build_feature() {
        for v in ["on", "auto"] {
            let raw = RawParams {
                cedict_fallback: Some(v.into()),
                ..Default::default()
            };
            assert_eq!(raw.check(Path::new(".")).is_ok(), cfg!(feature = "cedict"));
        }
        let off = RawParams {
            cedict_fallback: Some("off".into()),
            ..Default::default()
        };
        assert_eq!(
            off.check(Path::new(".")).unwrap().cedict_fallback,
            Cedict::Off
        );
        let bad = RawParams {
            cedict_fallback: Some("yes".into()),
            ..Default::default()
        };
        assert!(bad.check(Path::new(".")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn shared_vocabulary_is_the_sorted_union(
            parts in proptest::collection::vec(
                proptest::collection::vec(proptest::option::of("[ab模]{0,18}"), 0..12),
                1..4,
            )
        ) {
            // A part may hold a key twice (two bridged keys resolved to one
            // concept).
            let parts: Vec<Vec<Option<&str>>> = parts
                .iter()
                .map(|p| p.iter().map(|k| k.as_deref()).collect())
                .collect();
            let (keys, columns) = shared_vocabulary(&parts);
            let want: std::collections::BTreeSet<&str> =
                parts.iter().flatten().flatten().copied().collect();
            proptest::prop_assert_eq!(&keys, &want.into_iter().collect::<Vec<_>>());
            for (p, part) in parts.iter().enumerate() {
                for (id, k) in part.iter().enumerate() {
                    let col = some(columns[p][id]).map(|c| keys[c as usize]);
                    proptest::prop_assert_eq!(col, *k);
                }
            }
        }
    }

    #[test]
    fn bilingual_needs_both_languages() {
        // Keys: 0 "@open-source", 1 "model", 2 "~cat", 3 "模型".
        let keys = ["@open-source", "model", "~cat", "模型"];
        let en = [(0, 1), (1, 2)];
        let zh = [(0, 1), (2, 1), (3, 2)];
        let rows = |n_en: usize, n_zh: usize| {
            let mut b = Block::default();
            for row in std::iter::repeat_n(&en[..], n_en).chain(std::iter::repeat_n(&zh[..], n_zh))
            {
                b.push_counts(row.iter().copied(), 3);
            }
            vec![Part {
                keys: keys.to_vec(),
                blocks: vec![(0, b)],
                surfaces: Vec::new(),
            }]
        };
        assert!(!bilingual(&rows(50, 0)));
        assert!(!bilingual(&rows(50, 2)));
        assert!(bilingual(&rows(50, 4)));
    }

    #[cfg(feature = "cedict")]
    #[test]
    fn cedict_bridges_everyday_words() {
        let f = fz();
        let zh = keys(&f, "我的猫喜欢吃鱼。汤姆昨天买了新电脑。");
        let en = keys(
            &f,
            "My cat likes eating fish. Tom bought a new computer yesterday.",
        );
        for w in ["cat", "fish", "tom", "yesterday"] {
            assert!(zh.contains(&format!("~{w}")), "~{w} missing from {zh:?}");
            assert!(en.contains(&w.to_string()), "{w} missing from {en:?}");
        }
        // Beside the Chinese words, not instead of them.
        assert!(zh.contains(&"汤姆".to_string()), "{zh:?}");
        // Particles translate to English stop words: nothing is added.
        assert!(!zh.iter().any(|k| k == "的" || k == "of"), "{zh:?}");
        // Glossary words keep their concept.
        assert_eq!(keys(&f, "预训练"), vec!["@pretraining"]);
        // Bilingual texts: `~cat` becomes `cat`, shared with English.
        let mut texts = vec!["我的猫喜欢吃鱼。"; 5];
        texts.extend(vec!["My cat likes fish."; 5]);
        texts.extend(vec!["Stocks fell on Monday."; 5]);
        let feats = f.featurize(&texts, &vec![true; texts.len()]);
        let cat = feats.terms.iter().find(|t| t.key == "cat").expect("cat");
        assert_eq!(cat.zh.as_deref(), Some("猫"));
        assert!(feats.terms.iter().all(|t| !t.key.starts_with('~')));
        // Chinese only: the dictionary keys are dropped.
        let zh_only = vec!["我的猫喜欢吃鱼。"; 5];
        let feats = f.featurize(&zh_only, &[true; 5]);
        assert!(feats
            .terms
            .iter()
            .all(|t| t.key != "cat" && !t.key.starts_with('~')));
        assert!(
            feats.n_tokens.iter().all(|&n| n == 1),
            "{:?}",
            feats.n_tokens
        );
    }

    #[test]
    fn batches_cover_the_texts_in_order_and_shrink_at_the_end() {
        let texts: Vec<String> = (0..3000).map(|i| "x".repeat(20 + i % 37)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let b = batch_bounds(&refs);
        assert_eq!((b[0], *b.last().unwrap()), (0, refs.len()));
        let bytes: Vec<usize> = b
            .windows(2)
            .map(|w| {
                assert!(w[0] < w[1], "no empty batch");
                refs[w[0]..w[1]].iter().map(|t| t.len() + 1).sum()
            })
            .collect();
        // Full batches first, then smaller ones, down to the minimum.
        assert!(bytes[0] >= BATCH_BYTES && bytes[0] < BATCH_BYTES + 64);
        let tail = &bytes[bytes.len() - 4..bytes.len() - 1];
        assert!(tail
            .iter()
            .all(|n| (MIN_BATCH_BYTES..BATCH_BYTES / 2).contains(n)));
        assert!(bytes.windows(2).all(|w| w[1] <= w[0] + 64), "{bytes:?}");
        assert_eq!(batch_bounds(&[]), vec![0]);
    }

    #[test]
    fn same_result_whatever_the_thread_count() {
        let f = Featurizer::new(
            &RawParams {
                min_df: Some(1),
                ..Default::default()
            }
            .check(Path::new("."))
            .unwrap(),
        )
        .unwrap();
        let texts: Vec<String> = (0..500)
            .map(|i| {
                format!(
                    "模型{} OpenAI model number {} 开源 预训练 open source word{}",
                    i % 7,
                    i % 11,
                    i % 13
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mask = vec![true; refs.len()];
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let four = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let a = one.install(|| f.featurize(&refs, &mask));
        let b = four.install(|| f.featurize(&refs, &mask));
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.matrix, b.matrix);
        assert_eq!(a.n_tokens, b.n_tokens);
    }

    /// The fast path against the plainest TF-IDF one could write from the
    /// analyzer's keys: strings, hash maps, one passage at a time.
    #[test]
    fn fast_path_equals_a_naive_tf_idf() {
        use std::collections::{BTreeMap, BTreeSet};
        let f = fz();
        let w = Params::default().weighting;
        let texts: Vec<String> = (0..3000)
            .map(|i| match i % 4 {
                0 => format!(
                    "OpenAI's GPT-4o leads model{} in pretraining, the gap {}",
                    i % 17,
                    i % 5
                ),
                1 => format!("国产大模型{}在预训练上追赶,开源模型{}的算力", i % 13, i % 7),
                2 => format!(
                    "Open-source Qwen {} 和 DeepSeek 的 large language models {}",
                    i % 11,
                    i % 3
                ),
                _ => format!(
                    "Speaker {}: chips and computing power shortages {}",
                    i % 19,
                    i % 23
                ),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let in_df: Vec<bool> = (0..refs.len()).map(|i| i % 10 != 3).collect();
        let fast = f.featurize(&refs, &in_df);

        let counts: Vec<BTreeMap<String, u32>> = refs
            .iter()
            .map(|t| {
                let mut m = BTreeMap::new();
                for (k, _, _) in f.analyze(t) {
                    *m.entry(k).or_insert(0) += 1;
                }
                m
            })
            .collect();
        let n_docs = in_df.iter().filter(|&&b| b).count();
        let mut df: BTreeMap<&str, u32> = BTreeMap::new();
        for (c, _) in counts.iter().zip(&in_df).filter(|(_, &b)| b) {
            for k in c.keys() {
                *df.entry(k).or_insert(0) += 1;
            }
        }
        let max = (w.max_df * n_docs as f64).floor() as u32;
        let vocab: BTreeSet<&str> = df
            .iter()
            .filter(|(_, &d)| d >= w.min_df && d <= max)
            .map(|(k, _)| *k)
            .collect();
        let keys: Vec<&str> = fast.terms.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, vocab.iter().copied().collect::<Vec<_>>());
        for (i, c) in counts.iter().enumerate() {
            let mut weights: Vec<(usize, f64)> = c
                .iter()
                .filter(|(k, _)| vocab.contains(k.as_str()))
                .map(|(k, &n)| {
                    let col = keys.binary_search(&k.as_str()).unwrap();
                    let idf =
                        ((1.0 + n_docs as f64) / (1.0 + f64::from(df[k.as_str()]))).ln() + 1.0;
                    (col, (1.0 + f64::from(n).ln()) * idf)
                })
                .collect();
            let norm = weights.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
            weights.iter_mut().for_each(|(_, v)| *v /= norm);
            let row = fast.matrix.outer_view(i).unwrap();
            assert_eq!(row.nnz(), weights.len(), "passage {i}");
            for (col, v) in weights {
                let got = f64::from(*row.get(col).unwrap());
                assert!(
                    (got - v).abs() < 1e-6,
                    "passage {i} column {col}: {got} vs {v}"
                );
            }
            assert_eq!(fast.n_tokens[i], c.values().sum::<u32>());
        }
    }

    #[test]
    fn han_runs_last_give_the_same_features() {
        let f = fz();
        let texts: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "OpenAI 的 GPT-4o 在预训练上 model{} 受挫,开源 Qwen 模型{} lagging",
                    i % 7,
                    i % 5
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mask = vec![true; refs.len()];
        let whole = f.featurize(&refs, &mask);
        let mut shard = Shard::default();
        for (b, chunk) in refs.chunks(64).enumerate() {
            f.add_batch_han_last(&mut shard, b * 64, chunk.iter().copied());
        }
        let later = f.finish(vec![shard], &mask);
        assert_eq!(whole.terms, later.terms);
        assert_eq!(whole.matrix, later.matrix);
        assert_eq!(whole.n_tokens, later.n_tokens);
    }

    #[test]
    fn per_document_batches_in_any_order_equal_the_fast_path() {
        let f = fz();
        let docs: Vec<Vec<String>> = (0..6)
            .map(|d| {
                (0..20)
                    .map(|i| format!("OpenAI's GPT-4o 在预训练上受挫 model{} lagging behind open-source Qwen 模型{}", (d + i) % 5, i % 3))
                    .collect()
            })
            .collect();
        let flat: Vec<&str> = docs.iter().flatten().map(String::as_str).collect();
        let mask: Vec<bool> = (0..flat.len()).map(|i| i % 7 != 0).collect();
        let fast = f.featurize(&flat, &mask);
        // As `stancemap run` streams: one batch per document, the documents
        // taken in another order (largest first) by two workers.
        let mut shards = vec![Shard::default(), Shard::default()];
        for (j, d) in docs.iter().enumerate().rev() {
            f.add_batch(&mut shards[j % 2], j, d.iter().map(String::as_str));
        }
        let slow = f.finish(shards, &mask);
        assert_eq!(fast.terms, slow.terms);
        assert_eq!(fast.matrix, slow.matrix);
        assert_eq!(fast.n_tokens, slow.n_tokens);
        assert_eq!(fast.df, slow.df);
    }
}
