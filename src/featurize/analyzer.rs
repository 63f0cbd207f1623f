//! The analyzer chain: a script splitter feeds Han runs to jieba-rs and the
//! rest to the English tokenizer; then lowercase, stop-word, stem and bridge
//! filters turn words into feature keys. Offsets are kept (byte offsets into
//! the passage text) so later stages can point back into the text.
//!
//! Words are looked up in a per-worker [`Cache`] keyed by their lowercase
//! surface: each distinct word is lowercased, checked, stemmed and bridged
//! once per worker, not once per occurrence (stemming every occurrence costs
//! about five times the whole tokenizer).

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};

/// Longer words (in bytes) are not stemmed: they are their own key (#21).
pub const MAX_STEM_BYTES: usize = 256;
use rustc_hash::{FxHashMap, FxHashSet};

use super::english::{self, product_key, Word};
use super::lexicon::{Concept, DictEntry};
use super::stem;
use super::{some, NONE};
use crate::text::{ascii_prefix, is_han};

/// One feature occurrence: the key's id in the worker's [`Cache`], and the
/// byte span of the surface text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub key: u32,
    pub start: usize,
    pub end: usize,
}

/// What a distinct word turns into: the part read for every occurrence,
/// kept inside the hash table's slot so that a lookup touches no other
/// memory (on a large corpus most lookups of rare words miss the CPU cache,
/// and each extra place read is another miss).
#[derive(Debug, Clone, Copy)]
struct Hot {
    /// Feature key id, [`NONE`] for stop words, numbers and single letters.
    key: u32,
    /// A second key emitted beside `key`: the English key of a Chinese word
    /// by CC-CEDICT (the cross-lingual fallback), or [`NONE`].
    extra: u32,
    /// Occurrences emitted as a token (for display labels), saturating.
    count: u32,
    /// Index of the word's surface and stem in [`Words::cold`]; the top bit
    /// says the stem begins some glossary phrase.
    cold: u32,
}

/// How many words ahead the slot a word will need is fetched: the lookups
/// of rare words miss the CPU cache, and fetching ahead overlaps the misses.
const PREFETCH: usize = 8;
const PHRASE_START: u32 = 1 << 31;

impl Hot {
    fn key(&self) -> Option<u32> {
        some(self.key)
    }

    fn emits(&self) -> bool {
        self.key != NONE || self.extra != NONE
    }

    fn phrase_start(&self) -> bool {
        self.cold & PHRASE_START != 0
    }
}

/// The distinct words a worker has seen, by lowercase surface. Nearly every
/// word fits in 15 bytes (a Chinese word of five characters, an English word
/// of fifteen letters): those are packed into one `u128` and kept in an
/// open-addressing table of their own ([`Table`]), so the lookup done for
/// every token hashes and compares an integer held in the table instead of
/// following a pointer to a string and calling `memcmp` (that pointer chase
/// was a fifth of the featurizer's time on Chinese text), and the slot a
/// later word will need can be fetched from memory ahead of time.
#[derive(Debug, Default)]
struct Words {
    short: Table,
    long: FxHashMap<Box<str>, Hot>,
    /// Each word's surface and Snowball stem (English words; used to match
    /// glossary phrases), read only when a word is new or starts a phrase:
    /// `text[a..b]` and `text[b..c]` for `cold[i] = (a, b, c)`.
    cold: Vec<(u32, u32, u32)>,
    text: String,
}

/// `s` packed with its length into a `u128`, if it has at most 15 bytes:
/// its bytes little-endian, the length in the top byte.
#[inline]
fn pack(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    (b.len() <= 15).then(|| {
        let (lo, hi) = load(b);
        join(lo, hi, b.len())
    })
}

/// The packed key of `s` lowercased, when `s` is ASCII and fits: the
/// common case, lowercased and packed in one step, eight bytes at a time.
#[inline]
fn pack_lower(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() > 15 {
        return None;
    }
    let (lo, hi) = load(b);
    lower_packed(lo, hi, b.len())
}

/// [`pack_lower`] of the word `text[start..end]`, read with one 16-byte
/// load and a mask when the text goes on 16 bytes past `start` (most
/// words: no branch on the word's length).
#[inline]
fn pack_lower_at(text: &str, start: usize, end: usize) -> Option<u128> {
    // The low `n` bytes of a 128-bit word, for `n` up to 15.
    const LOW_BYTES: [u128; 16] = {
        let mut m = [0u128; 16];
        let mut n = 0;
        while n < 16 {
            m[n] = (1u128 << (8 * n)) - 1;
            n += 1;
        }
        m
    };
    let n = end - start;
    match text.as_bytes().get(start..start + 16) {
        Some(chunk) if n <= 15 => {
            let v = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
            let v = v & LOW_BYTES[n];
            lower_packed(v as u64, (v >> 64) as u64, n)
        }
        _ => pack_lower(&text[start..end]),
    }
}

/// The packed key of `len` bytes held in `lo` and `hi` (zero beyond
/// them), lowercased, if they are ASCII.
#[inline]
fn lower_packed(lo: u64, hi: u64, len: usize) -> Option<u128> {
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    if (lo | hi) & HIGH != 0 {
        return None;
    }
    // ASCII bytes: bit 7 of `x + 0x3f` is set from 'A' up, of `x + 0x25`
    // from one past 'Z' up (no byte carries into the next); an uppercase
    // letter gains 0x20.
    let lower = |x: u64| {
        let upper =
            x.wrapping_add(0x3f3f_3f3f_3f3f_3f3f) & !x.wrapping_add(0x2525_2525_2525_2525) & HIGH;
        x | (upper >> 2)
    };
    Some(join(lower(lo), lower(hi), len))
}

/// Up to 15 bytes (callers check) as two little-endian words (bytes 0..8 and 8..), zero
/// beyond the end: a few overlapping loads, no byte-by-byte copy (which
/// would also stall reading the copy back as one integer).
#[inline]
fn load(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    debug_assert!(n <= 15, "packing takes at most 15 bytes");
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    match n {
        9.. => (u64_at(0), u64_at(n - 8) >> (8 * (16 - n))),
        8 => (u64_at(0), 0),
        4..=7 => (u32_at(0) | (u32_at(n - 4) << (8 * (n - 4))), 0),
        1..=3 => {
            let lo = u64::from(b[0])
                | u64::from(b[n / 2]) << (8 * (n / 2))
                | u64::from(b[n - 1]) << (8 * (n - 1));
            (lo, 0)
        }
        0 => (0, 0),
    }
}

#[inline]
fn join(lo: u64, hi: u64, len: usize) -> u128 {
    u128::from(lo) | u128::from(hi) << 64 | (len as u128) << 120
}

/// An open-addressing (linear probing) table from packed words to their
/// entries; key 0 marks an empty slot (a packed word holds its length, so
/// it is never 0). At most 7/8 full.
#[derive(Debug)]
struct Table {
    slots: Vec<(u128, Hot)>,
    len: usize,
    /// `64 - log2(slots.len())`: a hash shifted right by it is a slot.
    shift: u32,
}

impl Default for Table {
    fn default() -> Self {
        Table::with_slots(1 << 12)
    }
}

impl Table {
    fn with_slots(n: usize) -> Self {
        let empty = Hot {
            key: NONE,
            extra: NONE,
            count: 0,
            cold: 0,
        };
        Table {
            slots: vec![(0, empty); n],
            len: 0,
            shift: 64 - n.trailing_zeros(),
        }
    }

    #[inline]
    fn slot(&self, k: u128) -> usize {
        let h =
            ((k as u64) ^ ((k >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> self.shift) as usize
    }

    /// Ask the CPU to bring `k`'s slot into cache: a hint, no effect on
    /// the result.
    #[inline]
    fn prefetch(&self, k: u128) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let p = self.slots[self.slot(k)..].as_ptr();
            // SAFETY: a prefetch reads nothing and cannot fault; `p` points
            // into the slots.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) };
        }
    }

    /// Before looking up `keys[i]`: fetch the slot of the key [`PREFETCH`]
    /// places ahead (and at the start, the slots of the first ones).
    #[inline]
    fn prefetch_ahead(&self, keys: &[Option<u128>], i: usize) {
        if i == 0 {
            for &k in keys.iter().take(PREFETCH).flatten() {
                self.prefetch(k);
            }
        }
        if let Some(&Some(k)) = keys.get(i + PREFETCH) {
            self.prefetch(k);
        }
    }

    #[inline]
    fn get_mut(&mut self, k: u128) -> Option<&mut Hot> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        loop {
            let key = self.slots[i].0;
            if key == k {
                return Some(&mut self.slots[i].1);
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Insert a key that is not in the table.
    fn insert(&mut self, k: u128, hot: Hot) {
        if (self.len + 1) * 8 > self.slots.len() * 7 {
            let mut bigger = Table::with_slots(self.slots.len() * 2);
            for &(key, h) in self.slots.iter().filter(|s| s.0 != 0) {
                bigger.insert(key, h);
            }
            *self = bigger;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(k);
        while self.slots[i].0 != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = (k, hot);
        self.len += 1;
    }

    fn values(&self) -> impl Iterator<Item = &Hot> + '_ {
        self.slots.iter().filter(|s| s.0 != 0).map(|s| &s.1)
    }
}

impl Words {
    /// The entry of a lowercase word.
    #[inline]
    fn get_mut(&mut self, word: &str) -> Option<&mut Hot> {
        match pack(word) {
            Some(k) => self.short.get_mut(k),
            None => self.long.get_mut(word),
        }
    }

    fn insert(
        &mut self,
        word: &str,
        key: Option<u32>,
        extra: Option<u32>,
        stem: &str,
        phrase_start: bool,
        count: bool,
    ) -> Hot {
        let cold = self.cold.len() as u32;
        assert!(
            cold < PHRASE_START,
            "fewer than 2^31 distinct words per worker"
        );
        let hot = Hot {
            key: key.unwrap_or(NONE),
            extra: extra.unwrap_or(NONE),
            count: u32::from(count && (key.is_some() || extra.is_some())),
            cold: cold | if phrase_start { PHRASE_START } else { 0 },
        };
        match pack(word) {
            Some(k) => self.short.insert(k, hot),
            None => {
                self.long.insert(word.into(), hot);
            }
        }
        let offset = |len: usize| u32::try_from(len).expect("under 4 GiB of distinct words");
        let a = offset(self.text.len());
        self.text.push_str(word);
        let b = offset(self.text.len());
        self.text.push_str(stem);
        self.cold.push((a, b, offset(self.text.len())));
        hot
    }

    fn stem(&self, hot: &Hot) -> &str {
        let (_, b, c) = self.cold[(hot.cold & !PHRASE_START) as usize];
        &self.text[b as usize..c as usize]
    }

    /// Every word that was emitted as a token, with its entry, in the
    /// order the words were first seen: the entries are scattered by their
    /// index into the cold arrays, which are then read front to back (in
    /// the table's hash order, each word's surface was a cache miss).
    fn counted(&self) -> impl Iterator<Item = (&str, Hot)> + '_ {
        let mut by_cold = vec![None; self.cold.len()];
        for h in self.short.values().chain(self.long.values()) {
            by_cold[(h.cold & !PHRASE_START) as usize] = Some(*h);
        }
        by_cold
            .into_iter()
            .zip(&self.cold)
            .filter_map(|(h, &(a, b, _))| {
                h.filter(|h| h.count > 0)
                    .map(|h| (&self.text[a as usize..b as usize], h))
            })
    }
}

/// Per-worker state: the word cache and the key interner, plus how often each
/// surface form produced each key (for display labels).
#[derive(Debug, Default)]
pub struct Cache {
    words: Words,
    /// Key ids by key, packed ([`pack`]) when short.
    short_ids: FxHashMap<u128, u32>,
    long_ids: FxHashMap<Box<str>, u32>,
    /// Key strings by id.
    pub keys: Keys,
    /// Matched glossary phrases: lowercase surface -> (key id, occurrences).
    phrases: FxHashMap<Box<str>, (u32, u64)>,
    /// Key id -> the id of its key inside a glossary phrase
    /// ([`phrase_word_key`]), built once per key.
    phrase_words: FxHashMap<u32, Option<u32>>,
    lower: String,
    stem: String,
    words_buf: Vec<Word>,
    /// The packed key of each word of the run being analyzed ([`pack`],
    /// [`pack_lower`]).
    packed_buf: Vec<Option<u128>>,
}

impl Cache {
    /// A cache for a worker that will see a corpus: room for 28,000
    /// distinct short words before its table grows (a 1 MB table; the
    /// default starts at 4,096 slots, for a text or a document).
    pub fn for_corpus() -> Self {
        Cache {
            words: Words {
                short: Table::with_slots(1 << 15),
                ..Words::default()
            },
            ..Cache::default()
        }
    }

    fn intern(&mut self, key: &str) -> u32 {
        match pack(key) {
            Some(k) => *self
                .short_ids
                .entry(k)
                .or_insert_with(|| self.keys.push(key)),
            None => {
                if let Some(&id) = self.long_ids.get(key) {
                    return id;
                }
                let id = self.keys.push(key);
                self.long_ids.insert(key.into(), id);
                id
            }
        }
    }

    /// Every surface form seen: (its key, the surface, occurrences).
    pub fn surfaces(&self) -> impl Iterator<Item = (u32, &str, u64)> + '_ {
        let words = self.words.counted().flat_map(|(s, e)| {
            [some(e.key), some(e.extra)]
                .into_iter()
                .flatten()
                .map(move |k| (k, s, u64::from(e.count)))
        });
        let phrases = self.phrases.iter().map(|(s, &(k, n))| (k, &**s, n));
        words.chain(phrases)
    }
}

/// A worker's keys by id, in one string (one allocation for all of them,
/// not one per key).
#[derive(Debug, Default)]
pub struct Keys {
    text: String,
    ends: Vec<u32>,
}

impl Keys {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| &self[i])
    }

    fn push(&mut self, key: &str) -> u32 {
        self.text.push_str(key);
        let end = u32::try_from(self.text.len()).expect("under 4 GiB of keys per worker");
        self.ends.push(end);
        (self.ends.len() - 1) as u32
    }
}

impl std::ops::Index<usize> for Keys {
    type Output = str;

    fn index(&self, id: usize) -> &str {
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.text[start as usize..self.ends[id] as usize]
    }
}

/// jieba with its dictionary, built on a thread of its own from the moment
/// the analyzer is made: loading the dictionary (350,000 words) takes about
/// 0.1 s, during which text that needs no jieba can already be read and
/// analyzed ([`Analyzer::jieba_ready`]).
struct LazyJieba {
    cell: OnceLock<Jieba>,
    building: Mutex<Option<std::thread::JoinHandle<Jieba>>>,
}

impl LazyJieba {
    fn build(make: impl FnOnce() -> Jieba + Send + 'static) -> Self {
        LazyJieba {
            cell: OnceLock::new(),
            building: Mutex::new(Some(std::thread::spawn(make))),
        }
    }

    /// jieba, waiting for the build to finish if it has not.
    fn get(&self) -> &Jieba {
        self.cell.get_or_init(|| {
            let handle = self
                .building
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            match handle.map(std::thread::JoinHandle::join) {
                Some(Ok(jieba)) => jieba,
                // The build cannot fail on validated word lists; if it did,
                // its panic is this one.
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => unreachable!("the build is joined once, inside get_or_init"),
            }
        })
    }

    fn ready(&self) -> bool {
        self.cell.get().is_some()
            || self
                .building
                .lock()
                .is_ok_and(|h| h.as_ref().is_some_and(std::thread::JoinHandle::is_finished))
    }
}

/// An English glossary phrase of two or more stems.
#[derive(Debug, Clone)]
struct Phrase {
    stems: Vec<String>,
    key: String,
}

/// Everything the analyzers need, built once from the validated params.
pub struct Analyzer {
    jieba: LazyJieba,
    hmm: bool,
    stemmer: Stemmer,
    stop_en: FxHashSet<String>,
    stop_zh: FxHashSet<String>,
    /// Chinese glossary word -> concept key.
    zh_concepts: FxHashMap<String, String>,
    /// English single-word glossary entry, by its inflection bases
    /// ([`english::inflection_bases`]), -> concept key.
    en_single: FxHashMap<String, String>,
    /// The first three bytes of every key of `en_single`.
    en_heads: FxHashSet<[u8; 3]>,
    /// First stem -> phrases starting with it, longest first.
    en_phrases: FxHashMap<String, Vec<Phrase>>,
    min_han_chars: usize,
    /// Translate Chinese words the glossary lacks through CC-CEDICT.
    cedict: bool,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("stop_en", &self.stop_en.len())
            .field("stop_zh", &self.stop_zh.len())
            .field("concepts_zh", &self.zh_concepts.len())
            .finish_non_exhaustive()
    }
}

pub struct AnalyzerParts<'a> {
    pub stop_en: &'a [String],
    pub stop_zh: &'a [String],
    pub user_dict: &'a [DictEntry],
    pub glossary: &'a [Concept],
    pub hmm: bool,
    pub min_han_chars: usize,
    pub cedict: bool,
}

pub fn concept_key(id: &str) -> String {
    format!("@{id}")
}

impl Analyzer {
    pub fn new(parts: AnalyzerParts<'_>) -> Self {
        let user_dict = parts.user_dict.to_vec();
        let glossary_zh: Vec<String> = parts.glossary.iter().flat_map(|c| c.zh.clone()).collect();
        let jieba = LazyJieba::build(move || {
            let mut jieba = Jieba::new();
            for e in &user_dict {
                jieba.add_word(&e.word, e.freq, e.tag.as_deref());
            }
            for w in &glossary_zh {
                if !jieba.has_word(w) {
                    jieba.add_word(w, Some(20_000), None);
                }
            }
            jieba
        });
        let stemmer = Stemmer::create(Algorithm::English);
        let mut zh_concepts = FxHashMap::default();
        let mut en_single = FxHashMap::default();
        let mut en_phrases: FxHashMap<String, Vec<Phrase>> = FxHashMap::default();
        for c in parts.glossary {
            let key = concept_key(&c.id);
            for w in &c.zh {
                zh_concepts.insert(w.clone(), key.clone());
            }
            for phrase in &c.en {
                let mut ws = Vec::new();
                english::words(phrase, &mut ws);
                let stems: Vec<String> = ws
                    .iter()
                    .map(|w| {
                        let s = &phrase[w.start..w.end];
                        if w.product {
                            product_key(s)
                        } else {
                            stemmer.stem(&s.to_lowercase()).into_owned()
                        }
                    })
                    .collect();
                match stems.len() {
                    0 => {}
                    1 if ws[0].product => {
                        en_single.insert(stems[0].clone(), key.clone());
                    }
                    1 => {
                        let lower = phrase[ws[0].start..ws[0].end].to_lowercase();
                        for b in english::inflection_bases(&lower) {
                            en_single.insert(b, key.clone());
                        }
                    }
                    _ => en_phrases
                        .entry(stems[0].clone())
                        .or_default()
                        .push(Phrase {
                            stems,
                            key: key.clone(),
                        }),
                }
            }
        }
        for list in en_phrases.values_mut() {
            list.sort_by(|a, b| {
                b.stems
                    .len()
                    .cmp(&a.stems.len())
                    .then(a.stems.cmp(&b.stems))
            });
        }
        Analyzer {
            jieba,
            hmm: parts.hmm,
            stemmer,
            stop_en: parts.stop_en.iter().cloned().collect(),
            stop_zh: parts.stop_zh.iter().cloned().collect(),
            zh_concepts,
            en_heads: en_single
                .keys()
                .filter_map(|k| k.as_bytes().get(..3)?.try_into().ok())
                .collect(),
            en_single,
            en_phrases,
            min_han_chars: parts.min_han_chars,
            cedict: parts.cedict,
        }
    }

    /// Analyze one passage, appending its tokens to `out`.
    pub fn analyze(&self, text: &str, cache: &mut Cache, out: &mut Vec<Token>) {
        for (start, end, han) in script_runs(text) {
            if han {
                self.analyze_han(text, start, end, cache, out);
            } else {
                self.analyze_latin(text, start, end, cache, out);
            }
        }
    }

    /// Whether jieba is built: until it is, [`Analyzer::analyze_later`]
    /// lets a caller go on with the rest of the text.
    pub fn jieba_ready(&self) -> bool {
        self.jieba.ready()
    }

    /// [`Analyzer::analyze`] in two steps: the non-Han runs now, and the
    /// Han runs (which need jieba) left in `later` as byte ranges, for
    /// [`Analyzer::analyze_han_runs`]. The tokens come out in another order;
    /// the key counts are the same.
    pub fn analyze_later(
        &self,
        text: &str,
        cache: &mut Cache,
        out: &mut Vec<Token>,
        later: &mut Vec<(usize, usize)>,
    ) {
        for (start, end, han) in script_runs(text) {
            if han {
                later.push((start, end));
            } else {
                self.analyze_latin(text, start, end, cache, out);
            }
        }
    }

    /// The Han runs [`Analyzer::analyze_later`] left.
    pub fn analyze_han_runs(
        &self,
        text: &str,
        runs: &[(usize, usize)],
        cache: &mut Cache,
        out: &mut Vec<Token>,
    ) {
        for &(start, end) in runs {
            self.analyze_han(text, start, end, cache, out);
        }
    }

    fn analyze_han(
        &self,
        text: &str,
        start: usize,
        end: usize,
        cache: &mut Cache,
        out: &mut Vec<Token>,
    ) {
        let run = &text[start..end];
        let cut = self.jieba.get().cut(run, self.hmm);
        let mut packed = std::mem::take(&mut cache.packed_buf);
        packed.clear();
        packed.extend(cut.iter().map(|t| pack(t.word)));
        for (i, t) in cut.iter().enumerate() {
            cache.words.short.prefetch_ahead(&packed, i);
            let word = t.word;
            let found = match packed[i] {
                Some(k) => cache.words.short.get_mut(k),
                None => cache.words.long.get_mut(word),
            };
            let (key, extra) = match found {
                Some(e) => {
                    e.count = e.count.saturating_add(u32::from(e.emits()));
                    (some(e.key), some(e.extra))
                }
                None => {
                    let key = self.han_key(word).map(|k| cache.intern(&k));
                    let extra = self
                        .cedict_extra(word)
                        .map(|k| cache.intern(&k))
                        .filter(|&e| Some(e) != key);
                    cache.words.insert(word, key, extra, "", false, true);
                    (key, extra)
                }
            };
            for key in [key, extra].into_iter().flatten() {
                out.push(Token {
                    key,
                    start: start + t.byte_start,
                    end: start + t.byte_end,
                });
            }
        }
        cache.packed_buf = packed;
    }

    fn han_key<'w>(&self, word: &'w str) -> Option<Cow<'w, str>> {
        if let Some(k) = self.zh_concepts.get(word) {
            return Some(Cow::Owned(super::bridged(k, word)));
        }

        let n = word.chars().count();
        if n < self.min_han_chars || self.stop_zh.contains(word) || !word.chars().all(is_han) {
            return None;
        }
        Some(Cow::Borrowed(word))
    }

    /// The English key a Chinese word also gets, by CC-CEDICT, when the
    /// fallback is on and the glossary does not already bridge the word,
    /// marked `~` (`~cat`): the featurizer turns it into `cat` in bilingual
    /// corpora and drops it in others (see [`super::CEDICT_MARK`]). It is
    /// emitted beside the Chinese key, not instead of it: replacing the
    /// Chinese words cost 0.09 NMI on THUCNews titles (wrong senses, merged
    /// words), while the added English key is what bridges the languages.
    fn cedict_extra(&self, word: &str) -> Option<String> {
        if !self.cedict
            || self.zh_concepts.contains_key(word)
            || self.stop_zh.contains(word)
            || !word.chars().all(is_han)
        {
            return None;
        }
        self.cedict_key(word)
            .flatten()
            .map(|k| format!("{}{k}", super::CEDICT_MARK))
    }

    /// The English key of a Chinese word by the compiled-in CC-CEDICT
    /// bridge ([`super::bridge_dict`], one English word per Chinese word):
    /// `Some(None)` when that word is an English stop word, `None` when the
    /// bridge has no word.
    fn cedict_key(&self, word: &str) -> Option<Option<String>> {
        let clean = super::bridge_dict::lookup(word)?;
        if self.stop_en.contains(clean) {
            return Some(None);
        }
        let stem = self.stemmer.stem(clean).into_owned();
        if self.stop_en.contains(&stem) {
            return Some(None);
        }
        Some(Some(self.glossary_word(clean).unwrap_or(stem)))
    }

    fn analyze_latin(
        &self,
        text: &str,
        start: usize,
        end: usize,
        cache: &mut Cache,
        out: &mut Vec<Token>,
    ) {
        let run = &text[start..end];
        let mut words = std::mem::take(&mut cache.words_buf);
        words.clear();
        english::words(run, &mut words);
        let mut packed = std::mem::take(&mut cache.packed_buf);
        packed.clear();
        packed.extend(words.iter().map(|w| pack_lower_at(run, w.start, w.end)));
        // Resolve every word to its cache entry (lowercase surface as key).
        let mut i = 0;
        while i < words.len() {
            cache.words.short.prefetch_ahead(&packed, i);
            let (w, p) = (words[i], packed[i]);
            // Counted here, in the one lookup; un-counted if a phrase takes it.
            let hot = self.latin_entry(run, w, p, cache, true);
            let key = hot.key();
            if hot.phrase_start() {
                if let Some((len, pkey)) =
                    self.match_phrase(run, &words[i..], &packed[i..], hot, cache)
                {
                    let last = words[i + len - 1];
                    // The phrase is its concept in bilingual corpora and its
                    // words in others (see `super::BRIDGE_MARK`).
                    let id = cache.intern(&super::bridged(pkey, ""));
                    let lower = run[w.start..last.end].to_lowercase();
                    cache.phrases.entry(lower.into()).or_insert((id, 0)).1 += 1;
                    out.push(Token {
                        key: id,
                        start: start + w.start,
                        end: start + last.end,
                    });
                    for (k, pw) in words[i..i + len].iter().enumerate() {
                        let key = if k == 0 {
                            key
                        } else {
                            self.latin_entry(run, *pw, packed[i + k], cache, true).key()
                        };
                        if let Some(own) = key.and_then(|key| phrase_word_key(key, cache)) {
                            out.push(Token {
                                key: own,
                                start: start + pw.start,
                                end: start + pw.end,
                            });
                        }
                    }
                    i += len;
                    continue;
                }
            }
            if let Some(key) = key {
                out.push(Token {
                    key,
                    start: start + w.start,
                    end: start + w.end,
                });
            }
            i += 1;
        }
        cache.words_buf = words;
        cache.packed_buf = packed;
    }

    /// The cache entry of the Latin word `w` of `run` (made if the word is
    /// new; `packed` is its [`pack_lower`] key, `None` when it has none);
    /// `count` adds one occurrence to a word that yields a key. The lookup is
    /// inlined into the loop over words, and the word's text is sliced only
    /// when it is long or new; a new word's analysis is a call of its own
    /// ([`Analyzer::new_latin_entry`]).
    #[inline(always)]
    fn latin_entry(
        &self,
        run: &str,
        w: Word,
        packed: Option<u128>,
        cache: &mut Cache,
        count: bool,
    ) -> Hot {
        let found = match packed {
            Some(k) => cache.words.short.get_mut(k),
            None => cache
                .words
                .get_mut(lowercase(&run[w.start..w.end], &mut cache.lower)),
        };
        if let Some(e) = found {
            if count && e.key != NONE {
                e.count = e.count.saturating_add(1);
            }
            return *e;
        }
        self.new_latin_entry(&run[w.start..w.end], w.product, cache, count)
    }

    /// [`Analyzer::latin_entry`] of a word not in the cache.
    #[inline(never)]
    fn new_latin_entry(&self, surface: &str, product: bool, cache: &mut Cache, count: bool) -> Hot {
        // A new word: its lowercase form in the reused buffer, its stem and
        // key borrowed where they are the same text (no String per word).
        let mut buf = std::mem::take(&mut cache.lower);
        let mut stem_buf = std::mem::take(&mut cache.stem);
        let lower = lowercase(surface, &mut buf);
        let stem: Cow<str> = if product {
            Cow::Owned(product_key(lower))
        } else if lower.len() > MAX_STEM_BYTES {
            // #21: the Snowball stemmer is quadratic in the word's length
            // (an 800 KB word took minutes); no English word is this long,
            // so such a "word" is its own key, unstemmed.
            Cow::Borrowed(lower)
        } else if stem::stem_ascii(lower, &mut stem_buf) {
            Cow::Borrowed(&stem_buf)
        } else {
            self.stemmer.stem(lower)
        };
        let key: Option<Cow<str>> = if product {
            Some(Cow::Borrowed(&stem))
        } else {
            let dropped = self.stop_en.contains(lower)
                || lower.chars().count() < 2
                || lower
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
            if let Some(k) = self.glossary_word(lower) {
                let own = if dropped { "" } else { &stem };
                Some(Cow::Owned(super::bridged(&k, own)))
            } else if dropped {
                None
            } else {
                Some(Cow::Borrowed(&stem))
            }
        };
        let phrase_start = self.en_phrases.contains_key(&*stem);
        let key = key.map(|k| cache.intern(&k));
        let hot = cache
            .words
            .insert(lower, key, None, &stem, phrase_start, count);
        cache.lower = buf;
        cache.stem = stem_buf;
        hot
    }

    /// The concept key of a lowercase English word the glossary lists, in
    /// any inflection.
    fn glossary_word(&self, lower: &str) -> Option<String> {
        // A word of six bytes or more (possessive cut) shares its first
        // three bytes with every base `inflection_bases` gives it: most
        // words are ruled out before their bases are built.
        let w = lower
            .strip_suffix("'s")
            .or_else(|| lower.strip_suffix("\u{2019}s"))
            .unwrap_or(lower);
        if let Some(head) = w.as_bytes().get(..3).filter(|_| w.len() >= 6) {
            if !self.en_heads.contains(head) {
                return None;
            }
        }
        self.glossary_word_by_bases(lower)
    }

    fn glossary_word_by_bases(&self, lower: &str) -> Option<String> {
        english::inflection_bases(lower)
            .iter()
            .find_map(|b| self.en_single.get(b))
            .cloned()
    }

    /// Longest glossary phrase at the start of `words` (`packed`: their
    /// [`pack_lower`] keys; `first`: the first word's entry): (its length,
    /// key). Stems are compared in place, in the word cache.
    fn match_phrase<'s>(
        &'s self,
        run: &str,
        words: &[Word],
        packed: &[Option<u128>],
        first: Hot,
        cache: &mut Cache,
    ) -> Option<(usize, &'s str)> {
        let candidates = self.en_phrases.get(cache.words.stem(&first))?;
        for p in candidates {
            if p.stems.len() > words.len() {
                continue;
            }
            // Words of a phrase are separated by spaces or hyphens only.
            let adjacent = words.windows(2).take(p.stems.len() - 1).all(|ab| {
                let gap = &run[ab[0].end..ab[1].start];
                gap == " " || gap == "-"
            });
            if !adjacent {
                continue;
            }
            let all = (1..p.stems.len()).all(|k| {
                let w = words[k];
                let hot = self.latin_entry(run, w, packed[k], cache, false);
                cache.words.stem(&hot) == p.stems[k]
            });
            if all {
                return Some((p.stems.len(), &p.key));
            }
        }
        None
    }
}

/// The key a word inside a glossary phrase adds beside the phrase's concept:
/// its own key, marked to count only in corpora of one language (an empty
/// concept before [`super::BRIDGE_MARK`]), or `None` for a stop word.
fn phrase_word_key(key: u32, cache: &mut Cache) -> Option<u32> {
    if let Some(&id) = cache.phrase_words.get(&key) {
        return id;
    }
    let k = &cache.keys[key as usize];
    let own = k.split_once(super::BRIDGE_MARK).map_or(k, |(_, own)| own);
    let marked = (!own.is_empty()).then(|| super::bridged("", own));
    let id = marked.map(|m| cache.intern(&m));
    cache.phrase_words.insert(key, id);
    id
}

/// Lowercase into a reused buffer, skipping the copy for lowercase words.
fn lowercase<'a>(s: &'a str, buf: &'a mut String) -> &'a str {
    if s.is_ascii() {
        if !s.bytes().any(|b| b.is_ascii_uppercase()) {
            return s;
        }
        buf.clear();
        buf.push_str(s);
        buf.make_ascii_lowercase();
        return buf.as_str();
    }
    if !s.chars().any(char::is_uppercase) {
        return s;
    }
    buf.clear();
    for c in s.chars() {
        buf.extend(c.to_lowercase());
    }
    buf.as_str()
}

/// The length of the prefix of `b` (UTF-8) made of characters U+5000 to
/// U+9FFF (lead bytes 0xE5 to 0xE9), all Han and most of what Chinese text
/// is written in: skipped three bytes at a time, without decoding.
fn common_han_prefix(b: &[u8]) -> usize {
    let mut i = 0;
    while b.get(i).is_some_and(|c| (0xE5..=0xE9).contains(c)) {
        i += 3;
    }
    i
}

/// Maximal runs of Han and non-Han text: (start, end, is_han), byte offsets.
/// ASCII (never Han) is skipped 16 bytes at a time; only other characters
/// are decoded.
pub fn script_runs(text: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let start = pos;
        let han = is_han(text[pos..].chars().next()?);
        while pos < text.len() {
            if han {
                pos += common_han_prefix(&text.as_bytes()[pos..]);
            } else {
                pos += ascii_prefix(&text.as_bytes()[pos..]);
            }
            match text[pos..].chars().next() {
                Some(c) if is_han(c) == han => pos += c.len_utf8(),
                _ => break,
            }
        }
        Some((start, pos, han))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Runs as the plain definition gives them: one character at a time.
    fn runs_by_char(text: &str) -> Vec<(usize, usize, bool)> {
        let mut out: Vec<(usize, usize, bool)> = Vec::new();
        for (i, c) in text.char_indices() {
            let end = i + c.len_utf8();
            match out.last_mut() {
                Some(r) if r.2 == is_han(c) => r.1 = end,
                _ => out.push((i, end, is_han(c))),
            }
        }
        out
    }

    /// What `pack` means: the bytes, zero-padded, and the length last.
    fn pack_by_bytes(s: &str) -> Option<u128> {
        let b = s.as_bytes();
        (b.len() <= 15).then(|| {
            let mut buf = [0u8; 16];
            buf[..b.len()].copy_from_slice(b);
            buf[15] = b.len() as u8;
            u128::from_le_bytes(buf)
        })
    }

    #[test]
    fn the_head_filter_rules_out_no_glossary_word() {
        let f = crate::featurize::Featurizer::new(&crate::featurize::Params::default()).unwrap();
        let a = f.analyzer();
        let mut forms = vec![
            "companies's".to_string(),
            "fine-tuning".into(),
            "xes".into(),
        ];
        for k in a.en_single.keys() {
            for suffix in [
                "",
                "s",
                "es",
                "ed",
                "ing",
                "'s",
                "\u{2019}s",
                "d",
                "ies",
                "ied",
            ] {
                forms.push(format!("{k}{suffix}"));
                forms.push(format!("{k}e{suffix}"));
                forms.push(format!("{}{suffix}", k.trim_end_matches('y')));
            }
        }
        let mut found = 0;
        for w in &forms {
            let want = a.glossary_word_by_bases(w);
            found += usize::from(want.is_some());
            assert_eq!(a.glossary_word(w), want, "{w}");
        }
        assert!(found > a.en_single.len(), "{found}");
    }

    #[test]
    fn every_ascii_byte_lowercases_in_every_place() {
        for c in 0u8..128 {
            for n in 1..=15 {
                let s: String = (0..n)
                    .map(|i| if i == n / 2 { c as char } else { 'Q' })
                    .collect();
                assert_eq!(
                    pack_lower(&s),
                    pack_by_bytes(&s.to_ascii_lowercase()),
                    "{c} {n}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn packing_is_bytes_and_length(s in "[a-zA-Z0-9'.@\\-模é]{0,17}") {
            prop_assert_eq!(pack(&s), pack_by_bytes(&s));
            let want = if s.is_ascii() { pack_by_bytes(&s.to_lowercase()) } else { None };
            prop_assert_eq!(pack_lower(&s), want);
        }

        #[test]
        fn packing_in_place_is_packing_the_word(
            text in "[a-zA-Z0-9'.@\\- 模é]{0,40}",
            a in 0usize..41,
            b in 0usize..41,
        ) {
            let (start, end) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
            if text.is_char_boundary(start) && text.is_char_boundary(end) {
                prop_assert_eq!(pack_lower_at(&text, start, end), pack_lower(&text[start..end]));
            }
        }

        #[test]
        fn script_runs_are_runs_by_char(text in "[a-z .,0-9é’模型开源。𠀀䷀㐀一鿿\u{4dbf}\u{4e00}\u{a000}]{0,60}") {
            prop_assert_eq!(script_runs(&text).collect::<Vec<_>>(), runs_by_char(&text));
        }
    }

    #[test]
    fn script_runs_past_the_16_byte_steps() {
        let text = format!(
            "{}模型{}é{}",
            "a".repeat(37),
            "b".repeat(16),
            "c".repeat(40)
        );
        assert_eq!(script_runs(&text).collect::<Vec<_>>(), runs_by_char(&text));
        assert_eq!(script_runs("").count(), 0);
    }
}
