//! Term counts -> TF-IDF: document frequencies over the content passages,
//! min_df / max_df pruning, sublinear TF, smooth IDF, L2-normalised CSR rows.

use rayon::prelude::*;

/// The TF-IDF matrix: passages x terms, CSR. Values are computed in `f64`
/// and stored as `f32`, column indices as `u32`: 8 bytes a non-zero instead
/// of 16, which is what bounds the featurizer's memory on a large corpus.
pub type Matrix = sprs::CsMatI<f32, u32, usize>;

/// The weighting settings (a part of the validated `[featurize]` params).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Weighting {
    pub min_df: u32,
    pub max_df: f64,
    pub sublinear_tf: bool,
    pub smooth_idf: bool,
}

/// The term counts of consecutive passages, flat (one allocation for many
/// passages, not one per passage): passage `i`'s (term id, count) entries
/// are `counts[ends[i - 1]..ends[i]]`, each term id once, in the order the
/// terms first occur; [`Block::rename`] leaves them sorted by term id.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Block {
    ends: Vec<u32>,
    counts: Vec<(u32, u32)>,
    /// Content tokens per passage (after stop words, before pruning).
    pub n_tokens: Vec<u32>,
}

/// A reusable dense counter for [`Block::push_tokens`]: a count per term
/// id (all zero between passages) and the ids seen in the passage.
#[derive(Debug, Default)]
pub struct Counter {
    counts: Vec<u32>,
    seen: Vec<u32>,
}

impl Block {
    /// Passages in the block.
    pub fn n_rows(&self) -> usize {
        self.ends.len()
    }

    /// Each passage's (term id, count) entries.
    pub fn rows(&self) -> impl Iterator<Item = &[(u32, u32)]> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let row = &self.counts[start..end as usize];
            start = end as usize;
            row
        })
    }

    /// Append a passage from its term ids, one per token, in any order:
    /// counted in `counter`'s slots, one per id (no sorting; the order
    /// comes once, when the ids are renamed into columns).
    pub fn push_tokens(&mut self, ids: impl Iterator<Item = u32>, counter: &mut Counter) {
        let mut n = 0u32;
        for id in ids {
            n += 1;
            let i = id as usize;
            if i >= counter.counts.len() {
                counter.counts.resize((i + 1).next_power_of_two(), 0);
            }
            let c = &mut counter.counts[i];
            if *c == 0 {
                counter.seen.push(id);
            }
            *c += 1;
        }
        for &id in &counter.seen {
            let c = std::mem::take(&mut counter.counts[id as usize]);
            self.counts.push((id, c));
        }
        counter.seen.clear();
        self.close_row(n);
    }

    /// Append a passage from (term id, count) entries with distinct term
    /// ids, in any order.
    #[cfg(test)]
    pub fn push_counts(&mut self, entries: impl Iterator<Item = (u32, u32)>, n_tokens: u32) {
        self.counts.extend(entries);
        self.close_row(n_tokens);
    }

    fn close_row(&mut self, n_tokens: u32) {
        let end = u32::try_from(self.counts.len()).expect("a block holds under 2^32 entries");
        self.ends.push(end);
        self.n_tokens.push(n_tokens);
    }

    /// Rename every term id by `map`, in place ([`Renamed`]); ids that
    /// meet are summed; each passage comes out sorted by its new ids.
    pub fn rename(&mut self, map: impl Fn(u32) -> Renamed) {
        // Entries as (id << 32 | count): sorting the integers sorts by id
        // (entries of one id, summed below, may come in any order).
        let mut row: Vec<u64> = Vec::new();
        let (mut read, mut write) = (0usize, 0usize);
        for (end, nt) in self.ends.iter_mut().zip(&mut self.n_tokens) {
            row.clear();
            for &(t, c) in &self.counts[read..*end as usize] {
                match map(t) {
                    Renamed::To(id) => row.push(u64::from(id) << 32 | u64::from(c)),
                    Renamed::Pruned => {}
                    Renamed::Dropped => *nt = nt.saturating_sub(c),
                }
            }
            read = *end as usize;
            row.sort_unstable();
            let begin = write;
            for (id, c) in row.iter().map(|&e| ((e >> 32) as u32, e as u32)) {
                if write > begin && self.counts[write - 1].0 == id {
                    self.counts[write - 1].1 += c;
                } else {
                    self.counts[write] = (id, c);
                    write += 1;
                }
            }
            *end = write as u32;
        }
        self.counts.truncate(write);
        self.counts.shrink_to_fit();
    }
}

/// What [`Block::rename`] makes of a term id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renamed {
    /// The entry takes this id.
    To(u32),
    /// The entry leaves the passage (a term pruned by min_df / max_df):
    /// its occurrences still count among the passage's tokens.
    Pruned,
    /// The entry leaves the passage and its occurrences its token count
    /// (a key the corpus drops).
    Dropped,
}

/// Document frequency of each of `n_terms` terms over the passages with
/// `in_df`, from blocks in passage order, each with the term of each of its
/// ids (`u32::MAX`: none), counted block by block in parallel. Two ids of a
/// passage may be one term: a term counts once per passage (the passage's
/// mark in `seen`), without renaming the blocks first.
pub fn document_frequencies(
    blocks: &[(&Block, &[u32])],
    in_df: &[bool],
    n_terms: usize,
) -> Vec<u32> {
    let firsts = first_rows(blocks.iter().map(|(b, _)| *b));
    blocks
        .par_iter()
        .zip(firsts)
        .fold(
            || (vec![0u32; n_terms], vec![u32::MAX; n_terms]),
            |(mut df, mut seen), ((b, term), first)| {
                for (i, (row, &counted)) in b.rows().zip(&in_df[first..]).enumerate() {
                    if !counted {
                        continue;
                    }
                    let mark = (first + i) as u32;
                    for &(id, _) in row {
                        let t = term[id as usize];
                        if t != u32::MAX && seen[t as usize] != mark {
                            seen[t as usize] = mark;
                            df[t as usize] += 1;
                        }
                    }
                }
                (df, seen)
            },
        )
        .map(|(df, _)| df)
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a
        })
        .unwrap_or_else(|| vec![0; n_terms])
}

/// The index of each block's first passage.
fn first_rows<'a>(blocks: impl Iterator<Item = &'a Block>) -> Vec<usize> {
    blocks
        .scan(0, |next, b| {
            let first = *next;
            *next += b.n_rows();
            Some(first)
        })
        .collect()
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

/// Build the CSR matrix from `blocks` (passage order), whose ids are the
/// columns, each row sorted ([`Block::rename`] leaves them so); `idf` is by
/// column. Rows are weighed and written straight into the matrix's arrays,
/// block by block in parallel, and each block is freed once written (the
/// counts and the matrix are never both whole in memory).
pub fn matrix(blocks: Vec<Block>, idf: &[f64], sublinear: bool) -> Matrix {
    let mut indptr = Vec::with_capacity(blocks.iter().map(Block::n_rows).sum::<usize>() + 1);
    indptr.push(0);
    for b in &blocks {
        let base = *indptr.last().unwrap_or(&0);
        indptr.extend(b.ends.iter().map(|&end| base + end as usize));
    }
    let nnz = *indptr.last().unwrap_or(&0);
    let mut indices = vec![0u32; nnz];
    let mut data = vec![0f32; nnz];
    // Each block's share of the arrays.
    let mut shares = Vec::with_capacity(blocks.len());
    let (mut rest_i, mut rest_d) = (&mut indices[..], &mut data[..]);
    for b in &blocks {
        let (i, ri) = rest_i.split_at_mut(b.counts.len());
        let (d, rd) = rest_d.split_at_mut(b.counts.len());
        shares.push((i, d));
        (rest_i, rest_d) = (ri, rd);
    }
    // Sublinear TF of the counts most entries have, computed once (the
    // same values as computing them each time).
    let log_tf = |c: u32| 1.0 + f64::from(c).ln();
    let small: Vec<f64> = (0..64).map(log_tf).collect();
    let tf_of = |c: u32| match small.get(c as usize) {
        Some(&tf) if sublinear => tf,
        _ if sublinear => log_tf(c),
        _ => f64::from(c),
    };
    blocks
        .into_par_iter()
        .zip(shares)
        .for_each(|(b, (out_i, out_d))| {
            let (mut w, mut weights) = (0, Vec::new());
            for row in b.rows() {
                let start = w;
                let mut norm = 0.0f64;
                weights.clear();
                for &(col, c) in row {
                    let tf = tf_of(c);
                    let v = tf * idf[col as usize];
                    norm += v * v;
                    out_i[w] = col;
                    weights.push(v);
                    w += 1;
                }
                let norm = norm.sqrt();
                for (slot, &v) in out_d[start..w].iter_mut().zip(&weights) {
                    *slot = if norm > 0.0 {
                        (v / norm) as f32
                    } else {
                        v as f32
                    };
                }
            }
        });
    Matrix::new((indptr.len() - 1, idf.len()), indptr, indices, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(rows: &[&[(u32, u32)]]) -> Block {
        let mut b = Block::default();
        for r in rows {
            b.push_counts(r.iter().copied(), r.iter().map(|e| e.1).sum());
        }
        b
    }

    #[test]
    fn blocks_count_rename_and_merge() {
        let mut b = Block::default();
        let mut counter = Counter::default();
        b.push_tokens([5, 3, 5, 9].into_iter(), &mut counter);
        b.push_tokens(std::iter::empty(), &mut counter);
        b.push_tokens([3, 3].into_iter(), &mut counter);
        let rows: Vec<&[(u32, u32)]> = b.rows().collect();
        // In the order the terms first occur.
        assert_eq!(rows, vec![&[(5, 2), (3, 1), (9, 1)][..], &[], &[(3, 2)]]);
        assert_eq!(b.n_tokens, vec![4, 0, 2]);
        // 3 and 9 meet as 0; 5 is dropped and uncounted.
        b.rename(|t| {
            if t == 5 {
                Renamed::Dropped
            } else {
                Renamed::To(0)
            }
        });
        let rows: Vec<&[(u32, u32)]> = b.rows().collect();
        assert_eq!(rows, vec![&[(0, 2)][..], &[], &[(0, 2)]]);
        assert_eq!(b.n_tokens, vec![2, 0, 2]);
        // Renaming reorders: rows stay sorted.
        let mut b = block(&[&[(1, 1), (2, 4)]]);
        b.rename(|t| Renamed::To(10 - t));
        assert_eq!(b.rows().next().unwrap(), &[(8, 4), (9, 1)]);
    }

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
        let rows = block(&[&[(0, 2), (1, 1)], &[(1, 1), (2, 1)], &[(0, 1)]]);
        let df = document_frequencies(&[(&rows, &[0, 1, 2])], &[true; 3], 3);
        assert_eq!(df, vec![2, 2, 1]);
        let idf: Vec<f64> = df.iter().map(|&d| idf(d, 3, true)).collect();
        assert!((idf[0] - 1.287682).abs() < 1e-6 && (idf[2] - 1.693147).abs() < 1e-6);
        let m = matrix(vec![rows], &idf, true);
        let get = |r: usize, c: usize| f64::from(m.get(r, c).copied().unwrap_or(0.0));
        assert!((get(0, 0) - 0.861037).abs() < 1e-6, "{}", get(0, 0));
        assert!((get(0, 1) - 0.508542).abs() < 1e-6);
        assert!((get(1, 1) - 0.605349).abs() < 1e-6);
        assert!((get(1, 2) - 0.795961).abs() < 1e-6);
        assert!((get(2, 0) - 1.0).abs() < 1e-12);
        assert_eq!(get(2, 1), 0.0);
    }

    #[test]
    fn pruned_terms_leave_the_matrix_and_the_norm() {
        // Term 1 is pruned: p0 keeps a and c, renumbered 0 and 1, and its
        // tokens still count.
        let mut rows = block(&[&[(0, 1), (1, 5), (2, 1)], &[(1, 2)], &[(2, 1)]]);
        let column = [Renamed::To(0), Renamed::Pruned, Renamed::To(1)];
        rows.rename(|t| column[t as usize]);
        assert_eq!(rows.n_tokens, vec![7, 2, 1]);
        let m = matrix(vec![rows], &[1.0, 1.0], true);
        assert_eq!(m.shape(), (3, 2));
        assert_eq!(m.indptr().raw_storage(), &[0, 2, 2, 3]);
        assert_eq!(m.indices(), &[0, 1, 1]);
        let h = (0.5f64).sqrt() as f32;
        assert_eq!(m.data(), &[h, h, 1.0]);
    }

    #[test]
    fn raw_tf_and_plain_idf() {
        // idf without smoothing: ln(n/df)+1; raw tf: a=2 in p0.
        assert!((idf(1, 4, false) - (4f64.ln() + 1.0)).abs() < 1e-12);
        let m = matrix(vec![block(&[&[(0, 2), (1, 1)]])], &[1.0, 1.0], false);
        let v = f64::from(m.get(0, 0).copied().unwrap());
        assert!((v - 2.0 / 5f64.sqrt()).abs() < 1e-7);
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
