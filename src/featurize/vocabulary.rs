//! The vocabulary merge: every worker's keys into one sorted vocabulary.

#[allow(unused_imports)]
use super::*;

/// One share of the analyzed corpus in its own key ids, on its way into the
/// shared vocabulary: one worker's (the fast path), or all documents' (the
/// per-document path).
pub(crate) struct Part<'a> {
    /// Keys by id, as the analysis wrote them (bridged, `~`-marked).
    pub(crate) keys: Vec<&'a str>,
    /// Runs of consecutive passages, each with its position in the corpus.
    pub(crate) blocks: Vec<(usize, Block)>,
    pub(crate) surfaces: Surfaces<'a>,
}

/// (key id, surface, occurrences): how often a surface form gave a key.
pub(crate) type Surfaces<'a> = Vec<(u32, &'a str, u64)>;

/// The sorted, distinct keys of all parts, and for each part the column of
/// each of its ids (`u32::MAX` for `None`): all parts' keys are sorted
/// together (in parallel), then numbered.
pub(crate) fn shared_vocabulary<'a>(
    parts: &[Vec<Option<&'a str>>],
) -> (Vec<&'a str>, Vec<Vec<u32>>) {
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
