//! Display forms: each kept term's most frequent English and Chinese
//! surface, and the "no id" marker of the tables of ids.

#[allow(unused_imports)]
use super::*;

/// Marks "no id" in the tables of ids (a dropped key, a pruned term).
pub(crate) const NONE: u32 = u32::MAX;

pub(crate) fn some(id: u32) -> Option<u32> {
    (id != NONE).then_some(id)
}

/// Each kept term with its most frequent English and Chinese surface forms
/// (ties broken by the surface's order, so the choice is deterministic).
/// `surfaces` are each part's (column, surface, occurrences) of kept terms,
/// a surface possibly in several parts (once per worker that saw it), read
/// twice: they are put in buckets by column (a counting sort: no
/// comparisons), each bucket sorted by surface, and equal surfaces summed.
pub(crate) fn display_terms<'a>(
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
pub(crate) fn best_surfaces<'a>(bucket: &mut [(&'a str, u64)]) -> [Option<&'a str>; 2] {
    bucket.sort_unstable();
    let mut best: [Option<(u64, &str)>; 2] = [None, None];
    for run in bucket.chunk_by(|a, b| a.0 == b.0) {
        let s = run[0].0;
        let n: u64 = run.iter().map(|e| e.1).sum();
        let han = !s.is_ascii() && s.chars().any(crate::text::is_han);
        let slot = &mut best[usize::from(han)];
        // Surfaces come in order: on a tie the first stays.
        if slot.is_none_or(|(bn, _)| n > bn) {
            *slot = Some((n, s));
        }
    }
    best.map(|b| b.map(|(_, s)| s))
}
