//! The bilingual test and the bridges: marked keys, whether a corpus is
//! bilingual enough for them, and what each marked key stands for in it.

#[allow(unused_imports)]
use super::*;

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
/// CC-CEDICT), from their keys: a passage's language is told by ingest's
/// thresholds ([`crate::LangShares`]) on the share of its word tokens that
/// are Chinese words (a bridged word, or a word of a glossary phrase, counts
/// as itself; the phrase's concept and `~` keys do not count); the corpus is
/// bilingual by [`crate::is_bilingual`].
pub(crate) fn bilingual(parts: &[Part<'_>], shares: crate::LangShares) -> bool {
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
                match shares.classify(f64::from(han) / f64::from(han + latin)) {
                    crate::Lang::Zh => zh += 1,
                    crate::Lang::En => en += 1,
                    crate::Lang::Mixed => {}
                }
            }
            (zh, en, n)
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    crate::is_bilingual(zh, en, n)
}

/// Whether a key counts as a Chinese word (`Some(true)`), an English one
/// (`Some(false)`) or neither (a phrase's concept, a `~` key) when telling
/// a passage's language.
pub(crate) fn key_script(key: &str) -> Option<bool> {
    // An ASCII key without a bridge (most English words) is English unless
    // marked; the marks are ASCII.
    if key.is_ascii() && !key.contains(BRIDGE_MARK) {
        return (!key.starts_with(['@', CEDICT_MARK])).then_some(false);
    }
    match key.split_once(BRIDGE_MARK) {
        // A bridged word counts as the word it is.
        Some((_, own)) if !own.is_empty() => Some(own.chars().any(crate::text::is_han)),
        _ if key.starts_with(['@', CEDICT_MARK]) => None,
        _ => Some(key.chars().any(crate::text::is_han)),
    }
}

/// The key a marked key stands for in this corpus, or `None` when it is
/// dropped: a bridged word is its concept in bilingual corpora and its own
/// key elsewhere (either may be empty: dropped); a CC-CEDICT key is
/// unmarked when that bridge is used.
pub(crate) fn resolve(key: &str, two_languages: bool, cedict: bool) -> Option<&str> {
    if let Some((concept, own)) = key.split_once(BRIDGE_MARK) {
        let kept = if two_languages { concept } else { own };
        (!kept.is_empty()).then_some(kept)
    } else if let Some(plain) = key.strip_prefix(CEDICT_MARK) {
        cedict.then_some(plain)
    } else {
        Some(key)
    }
}
