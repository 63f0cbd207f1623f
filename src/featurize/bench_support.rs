//! Helpers for the benches and examples only (not part of the API): the
//! bare segmenters the featurizer is measured against.

#[allow(unused_imports)]
use super::*;

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
