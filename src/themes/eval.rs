//! Measures of a clustering against reference labels (NMI, ARI, as
//! scikit-learn defines them) and the cross-lingual check on a parallel
//! corpus: how often a sentence and its translation land in the same theme,
//! against what chance gives with the same theme sizes.

use std::collections::BTreeMap;
use std::hash::Hash;

/// Relabel any labels as `0..n_distinct`, in order of first appearance.
pub fn encode<T: Eq + Hash + Clone + Ord>(labels: &[T]) -> Vec<usize> {
    let mut ids: BTreeMap<T, usize> = BTreeMap::new();
    let mut first: Vec<usize> = Vec::with_capacity(labels.len());
    let mut next = 0;
    for l in labels {
        let id = *ids.entry(l.clone()).or_insert_with(|| {
            next += 1;
            next - 1
        });
        first.push(id);
    }
    first
}

struct Contingency {
    n: f64,
    cells: BTreeMap<(usize, usize), f64>,
    rows: Vec<f64>,
    cols: Vec<f64>,
}

fn contingency(a: &[usize], b: &[usize]) -> Contingency {
    let ra = a.iter().max().map_or(0, |m| m + 1);
    let rb = b.iter().max().map_or(0, |m| m + 1);
    let mut cells = BTreeMap::new();
    let mut rows = vec![0.0; ra];
    let mut cols = vec![0.0; rb];
    for (&x, &y) in a.iter().zip(b) {
        *cells.entry((x, y)).or_insert(0.0) += 1.0;
        rows[x] += 1.0;
        cols[y] += 1.0;
    }
    Contingency {
        n: a.len().min(b.len()) as f64,
        cells,
        rows,
        cols,
    }
}

fn entropy(counts: &[f64], n: f64) -> f64 {
    counts
        .iter()
        .filter(|&&c| c > 0.0)
        .map(|&c| -(c / n) * (c / n).ln())
        .sum()
}

/// Normalised mutual information with the arithmetic mean of the entropies
/// (scikit-learn's default `average_method="arithmetic"`). Labels are
/// `0..n` ids (see [`encode`]); the slices must have the same length.
pub fn nmi(a: &[usize], b: &[usize]) -> f64 {
    let c = contingency(a, b);
    if c.n == 0.0 {
        return 1.0;
    }
    let ha = entropy(&c.rows, c.n);
    let hb = entropy(&c.cols, c.n);
    if ha == 0.0 && hb == 0.0 {
        return 1.0;
    }
    let mi: f64 = c
        .cells
        .iter()
        .map(|(&(i, j), &nij)| {
            let p = nij / c.n;
            p * (nij * c.n / (c.rows[i] * c.cols[j])).ln()
        })
        .sum();
    let denom = (ha + hb) / 2.0;
    if denom <= 0.0 {
        0.0
    } else {
        (mi.max(0.0) / denom).min(1.0)
    }
}

fn pairs(x: f64) -> f64 {
    x * (x - 1.0) / 2.0
}

/// Adjusted Rand index (Hubert & Arabie 1985), as scikit-learn computes it.
pub fn ari(a: &[usize], b: &[usize]) -> f64 {
    let c = contingency(a, b);
    let index: f64 = c.cells.values().map(|&x| pairs(x)).sum();
    let sa: f64 = c.rows.iter().map(|&x| pairs(x)).sum();
    let sb: f64 = c.cols.iter().map(|&x| pairs(x)).sum();
    let total = pairs(c.n);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Cross-lingual agreement on a parallel corpus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairAgreement {
    pub pairs: usize,
    /// Share of pairs whose two sides are in the same theme.
    pub same: f64,
    /// The share expected by chance with the same theme sizes per language:
    /// `Σ_t p_en(t) p_zh(t)`.
    pub chance: f64,
}

/// `a[i]` and `b[i]` are the themes of the two sides of pair `i` (`None`:
/// set aside, never a match).
pub fn pair_agreement(a: &[Option<u32>], b: &[Option<u32>]) -> PairAgreement {
    let n = a.len().min(b.len());
    if n == 0 {
        return PairAgreement {
            pairs: 0,
            same: 0.0,
            chance: 0.0,
        };
    }
    let same = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_some() && x == y)
        .count();
    let mut pa: BTreeMap<u32, f64> = BTreeMap::new();
    let mut pb: BTreeMap<u32, f64> = BTreeMap::new();
    for t in a.iter().take(n).flatten() {
        *pa.entry(*t).or_default() += 1.0 / n as f64;
    }
    for t in b.iter().take(n).flatten() {
        *pb.entry(*t).or_default() += 1.0 / n as f64;
    }
    let chance = pa
        .iter()
        .map(|(t, p)| p * pb.get(t).copied().unwrap_or(0.0))
        .sum();
    PairAgreement {
        pairs: n,
        same: same as f64 / n as f64,
        chance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_and_permuted_labelings_score_one() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = [2, 2, 0, 0, 1, 1];
        assert!((nmi(&a, &a) - 1.0).abs() < 1e-12);
        assert!((nmi(&a, &b) - 1.0).abs() < 1e-12);
        assert!((ari(&a, &b) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn worked_by_hand() {
        // true [0,0,1,1], pred [0,0,1,2]: pred refines true, MI = H(true) = ln 2,
        // H(pred) = 1.5 ln 2, NMI = ln2 / (1.25 ln 2) = 0.8.
        // ARI: index 1, row pairs 2, col pairs 1, total 6, expected 1/3,
        // max 1.5: (1 - 1/3) / (1.5 - 1/3) = 4/7.
        let t = [0, 0, 1, 1];
        let p = [0, 0, 1, 2];
        assert!((nmi(&t, &p) - 0.8).abs() < 1e-12);
        assert!((ari(&t, &p) - 4.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn uninformative_clustering_scores_zero() {
        let t = [0, 0, 1, 1];
        assert_eq!(nmi(&t, &[0, 0, 0, 0]), 0.0);
        assert!(ari(&t, &[0, 0, 0, 0]).abs() < 1e-12);
        // Independent: each cluster holds one of each class.
        assert!(nmi(&t, &[0, 1, 0, 1]).abs() < 1e-12);
        assert!((ari(&t, &[0, 1, 0, 1]) + 0.5).abs() < 1e-12);
    }

    #[test]
    fn encode_is_first_appearance_order() {
        assert_eq!(encode(&["b", "a", "b", "c"]), vec![0, 1, 0, 2]);
    }

    #[test]
    fn agreement_and_chance() {
        let en = [Some(0), Some(0), Some(1), Some(1)];
        let zh = [Some(0), Some(1), Some(1), None];
        let g = pair_agreement(&en, &zh);
        assert_eq!(g.pairs, 4);
        assert!((g.same - 0.5).abs() < 1e-12);
        // p_en = {0: .5, 1: .5}, p_zh = {0: .25, 1: .5}: .125 + .25.
        assert!((g.chance - 0.375).abs() < 1e-12);
        assert_eq!(pair_agreement(&[], &[]).pairs, 0);
    }
}
