//! LSA: a randomized truncated SVD of the sparse TF-IDF matrix (Halko,
//! Martinsson & Tropp 2011, algorithms 4.4 and 5.1), straight on sprs CSR:
//! linfa-reduction has no sparse SVD and densifying passages x terms would not fit.
//!
//! Gaussian test matrix (seeded), `power_iterations` rounds of subspace
//! iteration re-orthonormalised each time, then the small `l x l`
//! eigenproblem of `B Bᵀ` with `B = Qᵀ A`. Every product is computed row by
//! row in a fixed order (rows in parallel, each row alone), so the result does
//! not depend on the thread count.
//!
//! Re-orthonormalisation is a QR by the Gram matrix, done twice
//! ("CholeskyQR2", Fukaya et al. 2014, with linfa-linalg's symmetric eigensolver
//! in place of the Cholesky factor so that rank-deficient blocks are handled):
//! the Householder QR of linfa-linalg took 5 of the 6 seconds of the whole
//! stage on BBC News (2,225 articles x 17,000 terms x 110 columns), the Gram
//! form is a few matrix products.

use linfa_linalg::eigh::Eigh;
#[cfg(test)]
use ndarray::s;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use sprs::{CsMat, CsMatView};

/// A rank-`r` LSA of the rows of a sparse matrix.
#[derive(Debug, Clone)]
pub struct Lsa {
    /// Rows x r: the rows in the LSA space (`U Σ`, like scikit-learn's
    /// `TruncatedSVD.fit_transform`).
    pub embedding: Array2<f64>,
    /// Terms x r: the right singular vectors `V`, to project other rows.
    pub components: Array2<f64>,
    /// The r singular values, largest first.
    pub singular_values: Array1<f64>,
}

#[derive(Debug, thiserror::Error)]
#[error("LSA: {0}")]
pub struct LsaError(pub String);

impl Lsa {
    /// Project rows of a sparse matrix (same columns) into the LSA space: `X V`.
    pub fn project(&self, x: &CsMat<f64>) -> Array2<f64> {
        let x = if x.is_csr() {
            x.view()
        } else {
            return self.project(&x.to_csr());
        };
        csr_dot(x, self.components.view())
    }
}

/// Randomized truncated SVD of `a` (rows x terms) at rank `rank` (capped by the
/// matrix size). `a` may be CSR or CSC.
pub fn randomized_svd(
    a: &CsMat<f64>,
    rank: usize,
    oversampling: usize,
    power_iterations: usize,
    seed: u64,
) -> Result<Lsa, LsaError> {
    let a = if a.is_csr() { a.clone() } else { a.to_csr() };
    let (n, m) = a.shape();
    let max_rank = n.min(m);
    if max_rank == 0 || rank == 0 {
        return Err(LsaError(format!(
            "nothing to decompose: {n} rows x {m} terms, rank {rank}"
        )));
    }
    let rank = rank.min(max_rank);
    let l = (rank + oversampling).min(max_rank);
    let at: CsMat<f64> = a.transpose_view().to_csr();

    let omega = gaussian(m, l, seed);
    // Between power iterations a well-conditioned basis is enough (one Gram
    // pass); the basis the SVD is taken in gets the second pass.
    let mut q = orthonormal(csr_dot(a.view(), omega.view()), 1)?;
    for _ in 0..power_iterations {
        let z = orthonormal(csr_dot(at.view(), q.view()), 1)?;
        q = orthonormal(csr_dot(a.view(), z.view()), 1)?;
    }
    let q = orthonormal(q, 1)?;
    // Bᵀ = Aᵀ Q (terms x l); B Bᵀ = (Aᵀ Q)ᵀ (Aᵀ Q).
    let bt = csr_dot(at.view(), q.view());
    let gram = bt.t().dot(&bt);
    let (vals, vecs) = gram
        .eigh()
        .map_err(|e| LsaError(format!("eigendecomposition failed: {e}")))?;
    let mut order: Vec<usize> = (0..vals.len()).collect();
    order.sort_by(|&i, &j| vals[j].total_cmp(&vals[i]).then(i.cmp(&j)));
    let order = &order[..rank];
    let singular_values: Array1<f64> = order.iter().map(|&i| vals[i].max(0.0).sqrt()).collect();
    let ub = vecs.select(Axis(1), order);

    let mut components = bt.dot(&ub);
    for (mut col, &s) in components.axis_iter_mut(Axis(1)).zip(&singular_values) {
        if s > f64::EPSILON {
            col /= s;
        } else {
            col.fill(0.0);
        }
    }
    // Sign convention (as scikit-learn's `svd_flip` on V): the largest
    // loading of each component is positive, so reruns and platforms agree.
    for mut col in components.axis_iter_mut(Axis(1)) {
        let mut best = 0.0f64;
        for &v in col.iter() {
            if v.abs() > best.abs() {
                best = v;
            }
        }
        if best < 0.0 {
            col.mapv_inplace(|v| -v);
        }
    }
    let embedding = csr_dot(a.view(), components.view());
    Ok(Lsa {
        embedding,
        components,
        singular_values,
    })
}

/// CSR (n x m) times dense (m x l): each output row alone, rows in parallel.
pub fn csr_dot(a: CsMatView<f64>, d: ArrayView2<f64>) -> Array2<f64> {
    let l = d.ncols();
    let mut out = Array2::<f64>::zeros((a.rows(), l));
    if l == 0 || a.rows() == 0 {
        return out;
    }
    let d = d.as_standard_layout();
    let (Some(dense), Some(slice)) = (d.as_slice(), out.as_slice_mut()) else {
        return out;
    };
    let indptr = a.indptr();
    let indptr = indptr.raw_storage();
    let (indices, data) = (a.indices(), a.data());
    slice
        .par_chunks_mut(l)
        .with_min_len(64)
        .enumerate()
        .for_each(|(i, row_out)| {
            for k in indptr[i]..indptr[i + 1] {
                let (j, v) = (indices[k], data[k]);
                let src = &dense[j * l..(j + 1) * l];
                for (o, &x) in row_out.iter_mut().zip(src) {
                    *o += v * x;
                }
            }
        });
    out
}

/// An orthonormal basis of the column space of `y`, as many columns as `y`
/// (columns beyond its numerical rank are zero), in `passes` passes of
/// `G = YᵀY = V Λ Vᵀ`, `Y <- Y V Λ^-1/2`; a second pass repairs what the
/// first lost to rounding.
fn orthonormal(mut y: Array2<f64>, passes: usize) -> Result<Array2<f64>, LsaError> {
    for _ in 0..passes {
        let gram = y.t().dot(&y);
        let (vals, mut vecs) = gram
            .eigh()
            .map_err(|e| LsaError(format!("eigendecomposition failed: {e}")))?;
        let max = vals.iter().fold(0.0f64, |m, &v| m.max(v));
        let floor = max * 1e-12;
        for (mut col, &v) in vecs.axis_iter_mut(Axis(1)).zip(&vals) {
            if v > floor && v > 0.0 {
                col /= v.sqrt();
            } else {
                col.fill(0.0);
            }
        }
        y = y.dot(&vecs);
    }
    Ok(y)
}

/// An orthonormal basis by Householder QR (the reference the tests check the
/// Gram form against).
#[cfg(test)]
fn householder(y: &Array2<f64>) -> Array2<f64> {
    use linfa_linalg::qr::QR;
    let q = y.qr().map(|d| d.generate_q()).unwrap_or_default();
    q.slice(s![.., ..y.ncols()]).to_owned()
}

/// A rows x cols matrix of independent standard normal draws (Box-Muller on
/// a seeded xoshiro256++ stream, filled in row-major order).
fn gaussian(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut next_pair = || {
        let u1: f64 = 1.0 - rng.gen::<f64>(); // (0, 1]: ln is finite
        let u2: f64 = rng.gen::<f64>();
        let r = (-2.0 * u1.ln()).sqrt();
        let t = 2.0 * std::f64::consts::PI * u2;
        (r * t.cos(), r * t.sin())
    };
    let total = rows * cols;
    let mut data = Vec::with_capacity(total);
    while data.len() < total {
        let (a, b) = next_pair();
        data.push(a);
        if data.len() < total {
            data.push(b);
        }
    }
    Array2::from_shape_vec((rows, cols), data).unwrap_or_else(|_| Array2::zeros((rows, cols)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sprs::TriMat;

    /// A dense matrix as CSR.
    fn sparse(d: &Array2<f64>) -> CsMat<f64> {
        let mut t = TriMat::new(d.dim());
        for ((i, j), &v) in d.indexed_iter() {
            if v != 0.0 {
                t.add_triplet(i, j, v);
            }
        }
        t.to_csr()
    }

    /// A rank-3 60 x 40 matrix with singular values 10, 5, 2 (orthonormal
    /// factors from QR of random matrices).
    fn low_rank() -> Array2<f64> {
        let u = orthonormal(gaussian(60, 3, 1), 2).unwrap();
        let v = orthonormal(gaussian(40, 3, 2), 2).unwrap();
        let s = Array2::from_diag(&ndarray::arr1(&[10.0, 5.0, 2.0]));
        u.dot(&s).dot(&v.t())
    }

    #[test]
    fn recovers_singular_values_and_reconstructs_low_rank() {
        let d = low_rank();
        let lsa = randomized_svd(&sparse(&d), 3, 5, 2, 7).unwrap();
        for (got, want) in lsa.singular_values.iter().zip([10.0, 5.0, 2.0]) {
            assert!((got - want).abs() < 1e-8, "{got} vs {want}");
        }
        let rebuilt = lsa.embedding.dot(&lsa.components.t());
        let err = (&rebuilt - &d).mapv(|x| x * x).sum().sqrt();
        assert!(err < 1e-8, "reconstruction error {err}");
    }

    #[test]
    fn truncation_keeps_the_largest_directions() {
        let d = low_rank();
        let lsa = randomized_svd(&sparse(&d), 2, 5, 3, 9).unwrap();
        assert_eq!(lsa.embedding.dim(), (60, 2));
        assert!((lsa.singular_values[0] - 10.0).abs() < 1e-6);
        assert!((lsa.singular_values[1] - 5.0).abs() < 1e-6);
        // The rank-2 truncation leaves exactly the third direction: error = 2.
        let err = (&lsa.embedding.dot(&lsa.components.t()) - &d)
            .mapv(|x| x * x)
            .sum()
            .sqrt();
        assert!((err - 2.0).abs() < 1e-6, "{err}");
    }

    #[test]
    fn projection_of_fitted_rows_is_the_embedding() {
        let m = sparse(&low_rank());
        let lsa = randomized_svd(&m, 3, 2, 1, 3).unwrap();
        let p = lsa.project(&m);
        assert!((&p - &lsa.embedding).iter().all(|x| x.abs() < 1e-12));
        let csc = m.to_csc();
        assert!((&lsa.project(&csc) - &p).iter().all(|x| x.abs() < 1e-12));
    }

    #[test]
    fn same_seed_same_result_and_rank_is_capped() {
        let m = sparse(&low_rank());
        let a = randomized_svd(&m, 100, 10, 2, 5).unwrap();
        let b = randomized_svd(&m, 100, 10, 2, 5).unwrap();
        assert_eq!(a.embedding.ncols(), 40);
        assert_eq!(a.embedding, b.embedding);
    }

    #[test]
    fn gram_orthonormalisation_spans_what_householder_spans() {
        // Ill-conditioned: columns 10^-6 apart in scale.
        let mut y = gaussian(200, 8, 11);
        for (j, mut c) in y.axis_iter_mut(Axis(1)).enumerate() {
            c *= 10f64.powi(-(j as i32) * 3 / 4);
        }
        let q = orthonormal(y.clone(), 2).unwrap();
        let qtq = q.t().dot(&q);
        let eye = Array2::<f64>::eye(8);
        assert!((&qtq - &eye).iter().all(|x| x.abs() < 1e-10), "{qtq:?}");
        // Same column space: the projectors agree.
        let h = householder(&y);
        let diff = q.dot(&q.t()) - h.dot(&h.t());
        assert!(diff.iter().all(|x| x.abs() < 1e-8));
    }

    #[test]
    fn rank_deficient_block_gets_zero_columns() {
        let a = gaussian(50, 2, 3);
        let y = ndarray::concatenate![Axis(1), a, a];
        let q = orthonormal(y, 2).unwrap();
        let norms: Vec<f64> = q.axis_iter(Axis(1)).map(|c| c.dot(&c)).collect();
        assert_eq!(norms.iter().filter(|&&n| (n - 1.0).abs() < 1e-9).count(), 2);
        assert_eq!(norms.iter().filter(|&&n| n < 1e-12).count(), 2);
    }

    #[test]
    fn empty_matrix_is_an_error_not_a_panic() {
        let m: CsMat<f64> = CsMat::zero((0, 5));
        assert!(randomized_svd(&m, 3, 2, 1, 1).is_err());
        let m: CsMat<f64> = CsMat::zero((4, 0));
        assert!(randomized_svd(&m, 3, 2, 1, 1).is_err());
    }

    #[test]
    fn all_zero_matrix_gives_zero_embedding() {
        let m: CsMat<f64> = CsMat::zero((6, 4));
        let lsa = randomized_svd(&m, 2, 1, 1, 1).unwrap();
        assert!(lsa.embedding.iter().all(|&x| x == 0.0));
    }
}
