//! Theme labels by class-based TF-IDF (c-TF-IDF, as in BERTopic), English and
//! Chinese side by side, and representative passages.
//!
//! The stage receives TF-IDF rows, not raw counts, so a class's "frequency" of
//! a term is its summed TF-IDF weight over the class's passages:
//! `w(t, c) = mass(t, c) / mass(c) * ln(1 + A / mass(t))`, with `A` the mean
//! class mass. Terms that are frequent in one theme and rare elsewhere win;
//! a bridged concept (`@pretraining`) carries both surface forms and so can
//! appear in both columns.

use std::cmp::Ordering;

use ndarray::{Array2, ArrayView1};
use rustc_hash::FxHashMap;

use super::TermScore;
use crate::featurize::Term;

/// The labels of one theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeLabel {
    pub label: String,
    pub top_en: Vec<TermScore>,
    pub top_zh: Vec<TermScore>,
}

/// c-TF-IDF score of every term present in each of the `k` classes, sorted
/// best first (ties: smaller column first). `class_of[row]` is the class of
/// each matrix row, `None` for rows left out.
pub fn ctfidf(
    matrix: &sprs::CsMat<f64>,
    class_of: &[Option<usize>],
    k: usize,
) -> Vec<Vec<(usize, f64)>> {
    let mut mass: Vec<FxHashMap<usize, f64>> = vec![FxHashMap::default(); k];
    let mut term_mass: FxHashMap<usize, f64> = FxHashMap::default();
    let mut add = |c: usize, j: usize, v: f64| {
        *mass[c].entry(j).or_insert(0.0) += v;
        *term_mass.entry(j).or_insert(0.0) += v;
    };
    if matrix.is_csr() {
        for (row, vec) in matrix.outer_iterator().enumerate() {
            if let Some(Some(c)) = class_of.get(row) {
                for (j, &v) in vec.iter() {
                    add(*c, j, v);
                }
            }
        }
    } else {
        let csr = matrix.to_csr();
        return ctfidf(&csr, class_of, k);
    }
    // Totals summed in column order: the same floats whatever the hash order.
    let totals: Vec<f64> = mass
        .iter()
        .map(|m| {
            let mut v: Vec<(usize, f64)> = m.iter().map(|(&j, &x)| (j, x)).collect();
            v.sort_unstable_by_key(|&(j, _)| j);
            v.iter().map(|&(_, x)| x).sum()
        })
        .collect();
    let nonempty = totals.iter().filter(|&&t| t > 0.0).count().max(1);
    let avg = totals.iter().sum::<f64>() / nonempty as f64;
    mass.iter()
        .zip(&totals)
        .map(|(m, &total)| {
            let mut scores: Vec<(usize, f64)> = m
                .iter()
                .filter(|&(_, &x)| x > 0.0)
                .map(|(&j, &x)| {
                    let f = term_mass.get(&j).copied().unwrap_or(x);
                    (j, x / total * (1.0 + avg / f).ln())
                })
                .collect();
            scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            scores
        })
        .collect()
}

/// How a term reads in a label: `pretraining / 预训练` for a bridged
/// concept, else its one surface form, else its key.
pub fn display(term: &Term) -> String {
    match (&term.en, &term.zh) {
        (Some(en), Some(zh)) if en.eq_ignore_ascii_case(zh) => en.to_string(),
        (Some(en), Some(zh)) => format!("{en} / {zh}"),
        (Some(en), None) => en.to_string(),
        (None, Some(zh)) => zh.to_string(),
        (None, None) => term.key.trim_start_matches('@').to_string(),
    }
}

/// Label one class from its c-TF-IDF scores.
pub fn label_one(
    scores: &[(usize, f64)],
    terms: &[Term],
    top_terms: usize,
    label_terms: usize,
) -> ThemeLabel {
    let pick = |f: fn(&Term) -> Option<&str>| -> Vec<TermScore> {
        scores
            .iter()
            .filter_map(|&(j, s)| {
                terms.get(j).and_then(f).map(|t| TermScore {
                    term: t.to_string(),
                    score: s,
                })
            })
            .take(top_terms)
            .collect()
    };
    let label = scores
        .iter()
        .filter_map(|&(j, _)| terms.get(j))
        .take(label_terms)
        .map(display)
        .collect::<Vec<_>>()
        .join(", ");
    ThemeLabel {
        label,
        top_en: pick(|t| t.en.as_deref()),
        top_zh: pick(|t| t.zh.as_deref()),
    }
}

/// The `n` members closest to the centroid by cosine (rows of `x` are
/// L2-normalised), best first; ties go to the earlier row.
pub fn representatives(
    x: &Array2<f64>,
    members: &[usize],
    centroid: ArrayView1<f64>,
    n: usize,
) -> Vec<usize> {
    let norm = centroid.dot(&centroid).sqrt();
    let mut scored: Vec<(usize, f64)> = members
        .iter()
        .map(|&i| {
            let s = if norm > 0.0 {
                x.row(i).dot(&centroid) / norm
            } else {
                0.0
            };
            (i, s)
        })
        .collect();
    scored.sort_by(|a, b| match b.1.total_cmp(&a.1) {
        Ordering::Equal => a.0.cmp(&b.0),
        o => o,
    });
    scored.into_iter().take(n).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr1;
    use sprs::TriMat;

    fn term(key: &str, en: Option<&str>, zh: Option<&str>) -> Term {
        Term {
            key: key.into(),
            en: en.map(Into::into),
            zh: zh.map(Into::into),
        }
    }

    /// Rows 0-1: class 0 (pretraining, gpt), rows 2-3: class 1 (chips, gpt),
    /// row 4: left out.
    fn matrix() -> sprs::CsMat<f64> {
        let mut t = TriMat::new((5, 4));
        for (i, j, v) in [
            (0, 0, 0.8),
            (0, 2, 0.6),
            (1, 0, 0.9),
            (1, 2, 0.4),
            (2, 1, 0.8),
            (2, 2, 0.6),
            (3, 1, 1.0),
            (4, 3, 1.0),
        ] {
            t.add_triplet(i, j, v);
        }
        t.to_csr()
    }

    fn terms() -> Vec<Term> {
        vec![
            term("@pretraining", Some("pretraining"), Some("预训练")),
            term("@chips", Some("chips"), Some("芯片")),
            term("gpt", Some("GPT"), Some("GPT")),
            term("蒸馏", None, Some("蒸馏")),
        ]
    }

    #[test]
    fn distinctive_terms_beat_shared_ones() {
        let class_of = [Some(0), Some(0), Some(1), Some(1), None];
        let s = ctfidf(&matrix(), &class_of, 2);
        assert_eq!(s[0][0].0, 0, "pretraining leads class 0: {:?}", s[0]);
        assert_eq!(s[1][0].0, 1, "chips lead class 1: {:?}", s[1]);
        // The left-out row's term appears nowhere.
        assert!(s.iter().flatten().all(|&(j, _)| j != 3));
        // Hand-worked: class 0 mass 1.7 (pretraining) + 1.0 (gpt) = 2.7;
        // class 1 mass 1.8 + 0.6 = 2.4; A = 2.55.
        let want = 1.7 / 2.7 * (1.0f64 + 2.55 / 1.7).ln();
        assert!((s[0][0].1 - want).abs() < 1e-12);
    }

    #[test]
    fn labels_show_both_languages() {
        let class_of = [Some(0), Some(0), Some(1), Some(1), None];
        let s = ctfidf(&matrix(), &class_of, 2);
        let l = label_one(&s[0], &terms(), 10, 2);
        assert_eq!(l.label, "pretraining / 预训练, GPT");
        assert_eq!(l.top_en[0].term, "pretraining");
        assert_eq!(l.top_zh[0].term, "预训练");
        assert_eq!(l.top_en.len(), 2);
    }

    #[test]
    fn key_is_the_fallback_display() {
        assert_eq!(display(&term("@agents", None, None)), "agents");
        assert_eq!(display(&term("蒸馏", None, Some("蒸馏"))), "蒸馏");
    }

    #[test]
    fn representatives_are_closest_to_centroid() {
        let x = ndarray::arr2(&[[1.0, 0.0], [0.6, 0.8], [0.8, 0.6], [0.0, 1.0]]);
        let r = representatives(&x, &[0, 1, 2], arr1(&[1.0, 0.0]).view(), 2);
        assert_eq!(r, vec![0, 2]);
        assert_eq!(
            representatives(&x, &[3], arr1(&[0.0, 0.0]).view(), 3),
            vec![3]
        );
    }
}
