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
use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, ArrayViewMut2, Axis};
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
    let q = range_basis(a.view(), at.view(), omega, power_iterations)?;
    // Bᵀ = Aᵀ Q (terms x l); B Bᵀ = (Aᵀ Q)ᵀ (Aᵀ Q).
    let bt = csr_dot(at.view(), q.view());
    let bbt = gram(bt.view());
    let (vals, vecs) = bbt
        .eigh()
        .map_err(|e| LsaError(format!("eigendecomposition failed: {e}")))?;
    let mut order: Vec<usize> = (0..vals.len()).collect();
    order.sort_by(|&i, &j| vals[j].total_cmp(&vals[i]).then(i.cmp(&j)));
    let order = &order[..rank];
    let singular_values: Array1<f64> = order.iter().map(|&i| vals[i].max(0.0).sqrt()).collect();
    let ub = vecs.select(Axis(1), order);

    let mut components = dot_blocked(bt.view(), ub.view());
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

/// An orthonormal basis (rows x l) of the range of `(A Aᵀ)^p A Ω`: subspace
/// iteration, re-orthonormalised once per power iteration on the smaller side
/// (the terms x l block when there are fewer terms than rows, else the rows x
/// l block), then twice at the end (CholeskyQR2).
///
/// One normalisation per iteration instead of two: between them the block's
/// condition grows by `(σ1/σl)²` (one `AᵀA` or `AAᵀ`), its Gram matrix's by
/// the square of that, which stays far from f64's limit on TF-IDF spectra
/// (σ1/σl is about 5-20 at l = 110); the subspace is the same in exact
/// arithmetic, whatever basis is carried. The dense work of an iteration is
/// then `4 min(n, m) l²` flops instead of `4 (n + m) l²`.
fn range_basis(
    a: CsMatView<f64>,
    at: CsMatView<f64>,
    omega: Array2<f64>,
    power_iterations: usize,
) -> Result<Array2<f64>, LsaError> {
    let (n, m) = a.shape();
    let terms_side = m < n;
    let mut q = csr_dot(a, omega.view());
    drop(omega);
    if !terms_side {
        q = orthonormal(q, 1)?;
    }
    for _ in 0..power_iterations {
        let mut z = csr_dot(at, q.view());
        if terms_side {
            z = orthonormal(z, 1)?;
        }
        q = csr_dot(a, z.view());
        if !terms_side {
            q = orthonormal(q, 1)?;
        }
    }
    let normalised = !terms_side;
    orthonormal(q, if normalised { 1 } else { 2 })
}

/// Rows per block of the dense kernels. Each block is one single-threaded
/// matrixmultiply call (blocked, SIMD: ndarray's `dot`), the blocks run in
/// parallel, and block Gram matrices are summed in block order: the floats
/// do not depend on the number of threads.
const BLOCK_ROWS: usize = 4096;

fn row_block(y: ArrayView2<'_, f64>, b: usize) -> ArrayView2<'_, f64> {
    let end = ((b + 1) * BLOCK_ROWS).min(y.nrows());
    y.slice_move(s![b * BLOCK_ROWS..end, ..])
}

/// `YᵀY` (l x l): per block of rows `Y_bᵀ Y_b`, summed in block order.
fn gram(y: ArrayView2<f64>) -> Array2<f64> {
    let l = y.ncols();
    let blocks = y.nrows().div_ceil(BLOCK_ROWS);
    let parts: Vec<Array2<f64>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let yb = row_block(y, b);
            yb.t().dot(&yb)
        })
        .collect();
    let mut g = Array2::<f64>::zeros((l, l));
    for p in &parts {
        g += p;
    }
    g
}

/// `Y V` (rows x c), block of rows by block of rows.
fn dot_blocked(y: ArrayView2<f64>, v: ArrayView2<f64>) -> Array2<f64> {
    let (n, c) = (y.nrows(), v.ncols());
    let mut out = Array2::<f64>::zeros((n, c));
    if n == 0 || c == 0 {
        return out;
    }
    let Some(slice) = out.as_slice_mut() else {
        return y.dot(&v);
    };
    slice
        .par_chunks_mut(BLOCK_ROWS * c)
        .enumerate()
        .for_each(|(b, chunk)| {
            let yb = row_block(y, b);
            if let Ok(mut ob) = ArrayViewMut2::from_shape((yb.nrows(), c), chunk) {
                general_mat_mul(1.0, &yb, &v, 0.0, &mut ob);
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
        let gram = gram(y.view());
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
        y = dot_blocked(y.view(), vecs.view());
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

    /// A sparse-ish rows x cols matrix with a decaying spectrum (as TF-IDF):
    /// about a third of the entries kept, column j scaled by 1 / (1 + j/4).
    fn decaying(rows: usize, cols: usize, seed: u64) -> CsMat<f64> {
        let g = gaussian(rows, cols, seed);
        let mut t = TriMat::new((rows, cols));
        for ((i, j), &v) in g.indexed_iter() {
            if (i * 31 + j * 17) % 3 == 0 {
                t.add_triplet(i, j, v / (1.0 + j as f64 / 4.0));
            }
        }
        t.to_csr()
    }

    /// Singular values from the dense eigenproblem of `AᵀA` (the reference).
    fn exact_singular_values(m: &CsMat<f64>) -> Vec<f64> {
        let d = m.to_dense();
        let (vals, _) = d.t().dot(&d).eigh().unwrap();
        let mut s: Vec<f64> = vals.iter().map(|v| v.max(0.0).sqrt()).collect();
        s.sort_by(|a, b| b.total_cmp(a));
        s
    }

    #[test]
    fn matches_the_exact_spectrum_on_tall_and_wide_matrices() {
        // Tall: normalised on the terms side; wide: on the rows side.
        for m in [decaying(300, 80, 4), decaying(80, 300, 5).transpose_into()] {
            let m = m.to_csr();
            let want = exact_singular_values(&m);
            let lsa = randomized_svd(&m, 10, 10, 6, 1).unwrap();
            for (got, want) in lsa.singular_values.iter().zip(&want) {
                assert!((got - want).abs() / want < 1e-6, "{got} vs {want}");
            }
            // Components orthonormal, embedding = A V.
            let vtv = lsa.components.t().dot(&lsa.components);
            assert!((&vtv - &Array2::<f64>::eye(10))
                .iter()
                .all(|x| x.abs() < 1e-10));
            let av = csr_dot(m.view(), lsa.components.view());
            assert!((&av - &lsa.embedding).iter().all(|x| x.abs() < 1e-12));
        }
    }

    #[test]
    fn blocked_kernels_agree_with_plain_products() {
        let y = gaussian(2 * BLOCK_ROWS + 17, 9, 8);
        let v = gaussian(9, 5, 9);
        let g = gram(y.view());
        let plain = y.t().dot(&y);
        assert!((&g - &plain)
            .iter()
            .all(|x| x.abs() < 1e-9 * y.nrows() as f64));
        let p = dot_blocked(y.view(), v.view());
        assert!((&p - &y.dot(&v)).iter().all(|x| x.abs() < 1e-12));
        assert_eq!(dot_blocked(y.slice(s![..0, ..]), v.view()).dim(), (0, 5));
    }

    #[test]
    fn same_floats_on_one_thread_and_two() {
        // More rows than one dense block, so that blocks run in parallel.
        let m = decaying(BLOCK_ROWS + 500, 60, 6);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| randomized_svd(&m, 8, 4, 3, 2).unwrap())
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one.embedding, two.embedding);
        assert_eq!(one.singular_values, two.singular_values);
        let wide = m.transpose_view().to_csr();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| randomized_svd(&wide, 8, 4, 3, 2).unwrap())
        };
        assert_eq!(run(1).components, run(2).components);
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
