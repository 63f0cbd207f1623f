//! Term counts -> TF-IDF: document frequencies over the content passages,
//! min_df / max_df pruning, sublinear TF, smooth IDF, L2-normalised CSR rows.

use sprs::CsMat;

/// The weighting settings (a part of the validated `[featurize]` params).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Weighting {
    pub min_df: u32,
    pub max_df: f64,
    pub sublinear_tf: bool,
    pub smooth_idf: bool,
}

/// Per passage, (term id, count) sorted by term id.
pub type Counts = Vec<(u32, u32)>;

/// Document frequency of each of `n_terms` terms over the passages with `in_df`.
pub fn document_frequencies(rows: &[Counts], in_df: &[bool], n_terms: usize) -> Vec<u32> {
    let mut df = vec![0u32; n_terms];
    for (row, &counted) in rows.iter().zip(in_df) {
        if counted {
            for &(t, _) in row {
                df[t as usize] += 1;
            }
        }
    }
    df
}

/// Which terms survive min_df / max_df; `n_docs` is the number of content passages.
pub fn keep_terms(df: &[u32], n_docs: usize, w: &Weighting) -> Vec<bool> {
    let max = (w.max_df * n_docs as f64).floor() as u64;
    df.iter()
        .map(|&d| d >= w.min_df && d > 0 && u64::from(d) <= max.max(1))
        .collect()
}

/// IDF of a term with document frequency `df` among `n` documents.
pub fn idf(df: u32, n: usize, smooth: bool) -> f64 {
    let (n, df) = (n as f64, f64::from(df));
    if smooth {
        ((1.0 + n) / (1.0 + df)).ln() + 1.0
    } else {
        (n / df.max(1.0)).ln() + 1.0
    }
}

/// Build the CSR matrix. `rows` must already use the final term ids, sorted.
pub fn matrix(rows: &[Counts], idf: &[f64], sublinear: bool) -> CsMat<f64> {
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    let nnz: usize = rows.iter().map(Vec::len).sum();
    let mut indices = Vec::with_capacity(nnz);
    let mut data = Vec::with_capacity(nnz);
    indptr.push(0);
    for row in rows {
        let start = data.len();
        for &(t, c) in row {
            let tf = if sublinear {
                1.0 + f64::from(c).ln()
            } else {
                f64::from(c)
            };
            indices.push(t as usize);
            data.push(tf * idf[t as usize]);
        }
        let norm = data[start..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            data[start..].iter_mut().for_each(|v| *v /= norm);
        }
        indptr.push(data.len());
    }
    CsMat::new((rows.len(), idf.len()), indptr, indices, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand. Three passages over terms a, b, c:
    ///   p0: a a b      p1: b c      p2: a
    /// df = [2, 2, 1]; smooth idf = ln(4/3)+1, ln(4/3)+1, ln(4/2)+1
    ///   = 1.287682, 1.287682, 1.693147
    /// p0 sublinear tf: a 1+ln2 = 1.693147, b 1 -> weights 2.180233, 1.287682,
    ///   norm 2.532104 -> 0.861037, 0.508542
    /// p1: b 1.287682, c 1.693147 -> norm 2.127174 -> 0.605349, 0.795961
    /// p2: a -> 1.0
    #[test]
    fn tfidf_by_hand() {
        let rows: Vec<Counts> = vec![vec![(0, 2), (1, 1)], vec![(1, 1), (2, 1)], vec![(0, 1)]];
        let df = document_frequencies(&rows, &[true; 3], 3);
        assert_eq!(df, vec![2, 2, 1]);
        let idf: Vec<f64> = df.iter().map(|&d| idf(d, 3, true)).collect();
        assert!((idf[0] - 1.287682).abs() < 1e-6 && (idf[2] - 1.693147).abs() < 1e-6);
        let m = matrix(&rows, &idf, true);
        let get = |r: usize, c: usize| m.get(r, c).copied().unwrap_or(0.0);
        assert!((get(0, 0) - 0.861037).abs() < 1e-6, "{}", get(0, 0));
        assert!((get(0, 1) - 0.508542).abs() < 1e-6);
        assert!((get(1, 1) - 0.605349).abs() < 1e-6);
        assert!((get(1, 2) - 0.795961).abs() < 1e-6);
        assert!((get(2, 0) - 1.0).abs() < 1e-12);
        assert_eq!(get(2, 1), 0.0);
    }

    #[test]
    fn raw_tf_and_plain_idf() {
        // idf without smoothing: ln(n/df)+1; raw tf: a=2 in p0.
        assert!((idf(1, 4, false) - (4f64.ln() + 1.0)).abs() < 1e-12);
        let rows: Vec<Counts> = vec![vec![(0, 2), (1, 1)]];
        let m = matrix(&rows, &[1.0, 1.0], false);
        let v = m.get(0, 0).copied().unwrap();
        assert!((v - 2.0 / 5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn pruning() {
        let w = Weighting {
            min_df: 2,
            max_df: 0.5,
            sublinear_tf: true,
            smooth_idf: true,
        };
        // 10 docs: df 1 (too rare), 2 and 5 (kept), 6 (too common).
        assert_eq!(
            keep_terms(&[1, 2, 5, 6], 10, &w),
            vec![false, true, true, false]
        );
    }
}
