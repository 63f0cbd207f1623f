//! k-means (linfa-clustering, k-means++ seeded, best of `n_init` by inertia)
//! on the L2-normalised LSA rows, and the choice of k by mean silhouette
//! (`linfa::metrics::SilhouetteScore`) on a fixed seeded sample, the same
//! sample for every k so that the scores compare.

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array1, Array2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;
use rayon::prelude::*;

use super::Params;

/// One k-means clustering of the rows.
#[derive(Debug, Clone)]
pub struct Clustering {
    pub k: usize,
    /// Per row: its cluster, `0..k`.
    pub labels: Vec<usize>,
    /// k x dims.
    pub centroids: Array2<f64>,
    /// Mean squared distance to the closest centroid.
    pub inertia: f64,
}

#[derive(Debug, thiserror::Error)]
#[error("k-means: {0}")]
pub struct ClusterError(pub String);

/// L2-normalise each row in place (zero rows stay zero).
pub fn normalize_rows(x: &mut Array2<f64>) {
    for mut row in x.axis_iter_mut(Axis(0)) {
        let n = row.dot(&row).sqrt();
        if n > 0.0 {
            row /= n;
        }
    }
}

/// k-means with `k` clusters (capped at the number of rows). With more rows
/// than `themes.fit_sample`, the `n_init` initialisations run on a seeded
/// sample of that size and the best is then refined on all rows (one run
/// from those centroids): linfa's Lloyd steps cost a distance call per row
/// and centroid, and ten full runs on 58,000 sentences took 145 s.
pub fn kmeans(
    x: &Array2<f64>,
    k: usize,
    params: &Params,
    seed: u64,
) -> Result<Clustering, ClusterError> {
    fit_model(x, k, params, seed, true, x)
}

/// The linfa fit of [`kmeans`], its labels of the rows of `label`; with
/// `refine_all = false` and more rows than `themes.fit_sample`, the best of
/// the initialisations on the sample, not refined on all rows (what the k
/// sweep ranks).
fn fit_model(
    x: &Array2<f64>,
    k: usize,
    params: &Params,
    seed: u64,
    refine_all: bool,
    label: &Array2<f64>,
) -> Result<Clustering, ClusterError> {
    let n = x.nrows();
    if n == 0 {
        return Err(ClusterError("no rows to cluster".into()));
    }
    let k = k.clamp(1, n);
    let tol = absolute_tolerance(x, params.tolerance);
    let fit = |rows: ndarray::ArrayView2<f64>, init: Option<Array2<f64>>, runs: usize| {
        let rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut p = KMeans::params_with_rng(k, rng)
            .n_runs(runs)
            .max_n_iterations(params.max_iter)
            .tolerance(tol);
        if let Some(c) = init {
            p = p.init_method(KMeansInit::Precomputed(c));
        }
        p.fit(&DatasetBase::from(rows))
            .map_err(|e| ClusterError(e.to_string()))
    };
    let model = if n > params.fit_sample && params.fit_sample >= k {
        let rows = sample_rows(n, params.fit_sample, seed ^ 0xf17);
        let sample = x.select(Axis(0), &rows);
        let first = fit(sample.view(), None, params.n_init)?;
        if refine_all {
            fit(x.view(), Some(first.centroids().clone()), 1)?
        } else {
            first
        }
    } else {
        fit(x.view(), None, params.n_init)?
    };
    let labels: Array1<usize> = model.predict(label);
    Ok(Clustering {
        k,
        labels: labels.to_vec(),
        centroids: model.centroids().clone(),
        inertia: model.inertia(),
    })
}

/// linfa stops when the centroids move less than its tolerance (the norm
/// of the whole shift); `themes.tolerance` is relative, as scikit-learn's:
/// squared shift <= tol x the mean variance of the columns. A fixed absolute
/// tolerance made linfa run to `max_iter` on 20,000 short titles.
fn absolute_tolerance(x: &Array2<f64>, relative: f64) -> f64 {
    let mean_var = if x.nrows() == 0 || x.ncols() == 0 {
        0.0
    } else {
        x.var_axis(Axis(0), 0.0).mean().unwrap_or(0.0)
    };
    let tol = (relative * mean_var).sqrt();
    if tol > 0.0 {
        tol
    } else {
        f64::EPSILON
    }
}

/// Indices of at most `size` rows, sorted: all rows when there are few.
pub fn sample_rows(n: usize, size: usize, seed: u64) -> Vec<usize> {
    if n <= size {
        return (0..n).collect();
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed ^ 0x5111_0e77e);
    let mut idx = rand::seq::index::sample(&mut rng, n, size).into_vec();
    idx.sort_unstable();
    idx
}

/// Mean silhouette of `labels` over the rows in `sample`; `None` when it is
/// undefined (a single cluster in the sample, or coincident points).
///
/// The same floats as `linfa::metrics::SilhouetteScore` (which this replaced:
/// it allocated two arrays per pair, one thread, and took about a third of
/// the sweep): each distance is the square root of ndarray's eight-way
/// unrolled sum of squared differences, each row's totals per cluster are
/// summed in sample order, and the per-row scores are summed in sample order.
/// Rows are scored in parallel, each by one thread, so the result does not
/// depend on the thread count.
pub fn silhouette(x: &Array2<f64>, labels: &[usize], sample: &[usize]) -> Option<f64> {
    if sample.is_empty() || x.ncols() == 0 {
        return None;
    }
    let records = x.select(Axis(0), sample);
    let records = records.as_standard_layout();
    let rows = records.as_slice()?;
    let d = x.ncols();
    // Dense cluster numbers in the sample, with their counts.
    let mut distinct: Vec<usize> = sample.iter().map(|&i| labels[i]).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return None;
    }
    let target: Vec<usize> = sample
        .iter()
        .map(|&i| distinct.binary_search(&labels[i]).unwrap_or(0))
        .collect();
    let mut counts = vec![0usize; distinct.len()];
    for &t in &target {
        counts[t] += 1;
    }
    let scores: Vec<f64> = (0..sample.len())
        .into_par_iter()
        .with_min_len(16)
        .map(|i| {
            let a = &rows[i * d..(i + 1) * d];
            let mut total = vec![0.0f64; counts.len()];
            for (j, &t) in target.iter().enumerate() {
                total[t] += sq_dist_unrolled(a, &rows[j * d..(j + 1) * d]).sqrt();
            }
            let own = target[i];
            let a_x = if counts[own] == 1 {
                0.0
            } else {
                total[own] / (counts[own] - 1) as f64
            };
            let mut b_x: Option<f64> = None;
            for (c, (&t, &n)) in total.iter().zip(&counts).enumerate() {
                if c != own {
                    let m = t / n as f64;
                    b_x = Some(match b_x {
                        Some(v) if m >= v => v,
                        _ => m,
                    });
                }
            }
            let b_x = b_x.unwrap_or(0.0);
            if a_x >= b_x {
                (b_x - a_x) / a_x
            } else {
                (b_x - a_x) / b_x
            }
        })
        .collect();
    let score = scores.into_iter().sum::<f64>() / sample.len() as f64;
    Some(score).filter(|s| s.is_finite())
}

/// `Σ (a_t - b_t)²` in the order of ndarray's `sum` on a contiguous array
/// (`numeric_util::unrolled_fold`: eight running sums, combined as
/// `((((0 + (p0 + p4)) + (p1 + p5)) + (p2 + p6)) + (p3 + p7))`, then the
/// tail in order), so that the floats match linfa's silhouette exactly.
#[inline]
fn sq_dist_unrolled(a: &[f64], b: &[f64]) -> f64 {
    let mut p = [0.0f64; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for t in 0..8 {
            let diff = x[t] - y[t];
            p[t] += diff * diff;
        }
    }
    let mut acc = 0.0f64;
    acc += p[0] + p[4];
    acc += p[1] + p[5];
    acc += p[2] + p[6];
    acc += p[3] + p[7];
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        let diff = x - y;
        acc += diff * diff;
    }
    acc
}

/// The score of each k tried, in order.
pub type SilhouetteTrace = Vec<(usize, Option<f64>)>;

/// Initialisations per k while sweeping: the k chosen is then fitted again
/// with all of `themes.n_init` (scikit-learn's `n_init = "auto"` is one
/// k-means++ run; the sweep only has to rank the k values).
const SWEEP_INITS: usize = 3;

/// Cluster at every k of `k_min..=k_max` (capped below the number of rows)
/// and keep the best mean silhouette; ties go to the smaller k. The sweep
/// only ranks the k values: each is fitted with at most [`SWEEP_INITS`]
/// initialisations on the fit sample (not refined on all rows), and only the
/// silhouette sample is labelled. The k chosen is then fitted as [`kmeans`]
/// fits it (all of `themes.n_init`, refined on all rows): that clustering is
/// returned, and its silhouette replaces the sweep's in the trace.
pub fn choose_k(
    x: &Array2<f64>,
    params: &Params,
    seed: u64,
) -> Result<(Clustering, Option<f64>, SilhouetteTrace), ClusterError> {
    let n = x.nrows();
    let k_max = params.k_max.min(n.saturating_sub(1));
    let k_min = params.k_min.min(k_max);
    if k_max < 2 {
        let c = kmeans(x, params.k_min.min(n), params, seed)?;
        return Ok((c, None, Vec::new()));
    }
    let sweep = Params {
        n_init: params.n_init.min(SWEEP_INITS),
        ..params.clone()
    };
    let sample = sample_rows(n, params.silhouette_sample, seed);
    let sample_x = x.select(Axis(0), &sample);
    // Only the silhouette sample's rows are labelled during the sweep (the
    // other entries of `labels` are never read).
    let mut labels = vec![0usize; n];
    let mut best: Option<(usize, f64)> = None;
    let mut fallback = None;
    let mut trace = Vec::new();
    for k in k_min..=k_max {
        let c = fit_model(x, k, &sweep, seed, false, &sample_x)?;
        for (&row, &l) in sample.iter().zip(&c.labels) {
            labels[row] = l;
        }
        let s = silhouette(x, &labels, &sample);
        trace.push((k, s));
        match s {
            Some(s) if best.is_none_or(|(_, b)| s > b) => best = Some((k, s)),
            _ => {
                if fallback.is_none() {
                    fallback = Some(k);
                }
            }
        }
    }
    let Some(k) = best.map(|(k, _)| k).or(fallback) else {
        return Err(ClusterError("no k to try".into()));
    };
    let c = kmeans(x, k, params, seed)?;
    let s = if best.is_some() {
        silhouette(x, &c.labels, &sample)
    } else {
        None
    };
    for entry in trace.iter_mut().filter(|(kk, _)| *kk == k) {
        entry.1 = s;
    }
    Ok((c, s, trace))
}

/// Spherical k-means steps on the sparse rows themselves (unit length),
/// starting from `labels`: centroid = normalised mean row, each row to the
/// centroid of highest cosine (ties: the lower cluster). Stops early when no
/// row moves. Sequential sums in row order: the same floats on any thread count.
pub fn refine_sparse(m: &sprs::CsMat<f64>, labels: &mut [usize], k: usize, iterations: usize) {
    let cols = m.cols();
    if k == 0 || cols == 0 || !m.is_csr() {
        return;
    }
    for _ in 0..iterations {
        let mut centroids = vec![0.0f64; k * cols];
        for (row, &c) in m.outer_iterator().zip(labels.iter()) {
            let dst = &mut centroids[c * cols..(c + 1) * cols];
            for (j, &v) in row.iter() {
                dst[j] += v;
            }
        }
        for c in centroids.chunks_mut(cols) {
            let n = c.iter().map(|v| v * v).sum::<f64>().sqrt();
            if n > 0.0 {
                c.iter_mut().for_each(|v| *v /= n);
            }
        }
        let mut moved = 0usize;
        let new: Vec<usize> = m
            .outer_iterator()
            .zip(labels.iter())
            .map(|(row, &old)| {
                let mut best = (old, f64::NEG_INFINITY);
                for c in 0..k {
                    let cen = &centroids[c * cols..(c + 1) * cols];
                    let s: f64 = row.iter().map(|(j, &v)| v * cen[j]).sum();
                    if s > best.1 {
                        best = (c, s);
                    }
                }
                best.0
            })
            .collect();
        for (l, n) in labels.iter_mut().zip(new) {
            if *l != n {
                moved += 1;
                *l = n;
            }
        }
        if moved == 0 {
            break;
        }
    }
}

/// Mean row of each cluster (k x dims).
pub fn centroids_of(x: &Array2<f64>, labels: &[usize], k: usize) -> Array2<f64> {
    let mut c = Array2::<f64>::zeros((k, x.ncols()));
    let mut counts = vec![0usize; k];
    for (row, &l) in x.axis_iter(Axis(0)).zip(labels) {
        let mut dst = c.row_mut(l);
        dst += &row;
        counts[l] += 1;
    }
    for (mut row, &n) in c.axis_iter_mut(Axis(0)).zip(&counts) {
        if n > 0 {
            row /= n as f64;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::metrics::SilhouetteScore;

    fn params() -> Params {
        Params {
            n_init: 4,
            k_min: 2,
            k_max: 5,
            ..Params::default()
        }
    }

    /// Two tight, well-separated blobs of 20 points each around (5, 0) and (-5, 0),
    /// interleaved so that the answer cannot come from the row order.
    fn blobs() -> (Array2<f64>, Vec<usize>) {
        let mut rows = Vec::new();
        let mut truth = Vec::new();
        for i in 0..40 {
            let c = i % 2;
            let centre = if c == 0 { 5.0 } else { -5.0 };
            let jitter = ((i * 37) % 11) as f64 / 20.0 - 0.25;
            rows.extend([centre + jitter, jitter * 0.5]);
            truth.push(c);
        }
        (Array2::from_shape_vec((40, 2), rows).unwrap(), truth)
    }

    fn same_partition(a: &[usize], b: &[usize]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| a.iter().zip(b).all(|(u, v)| (x == u) == (y == v)))
    }

    #[test]
    fn finds_two_well_separated_blobs() {
        let (x, truth) = blobs();
        let c = kmeans(&x, 2, &params(), 1).unwrap();
        assert!(same_partition(&c.labels, &truth));
    }

    #[test]
    fn sampled_fit_finds_the_blobs_too() {
        let (x, truth) = blobs();
        let p = Params {
            fit_sample: 10,
            ..params()
        };
        let c = kmeans(&x, 2, &p, 5).unwrap();
        assert!(same_partition(&c.labels, &truth));
    }

    #[test]
    fn silhouette_chooses_two() {
        let (x, truth) = blobs();
        let (c, s, trace) = choose_k(&x, &params(), 3).unwrap();
        assert_eq!(c.k, 2, "{trace:?}");
        assert!(s.unwrap() > 0.9);
        assert!(same_partition(&c.labels, &truth));
        assert_eq!(trace.len(), 4);
    }

    /// Pseudo-random rows in `dims` dimensions, `groups` shifted groups.
    fn scattered(n: usize, dims: usize, groups: usize) -> (Array2<f64>, Vec<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(9);
        let x = Array2::from_shape_fn((n, dims), |(i, j)| {
            rand::Rng::gen::<f64>(&mut rng) + if j % groups == i % groups { 2.0 } else { 0.0 }
        });
        let labels = (0..n).map(|i| (i * 7 + i / 3) % groups).collect();
        (x, labels)
    }

    #[test]
    fn silhouette_is_linfas_to_the_last_bit() {
        // 13 and 100 dims: the eight-way sums and their tails; 19 dims, 1 group
        // of size one (label 3 only once) included.
        for (dims, groups) in [(13, 3), (100, 5), (19, 4)] {
            let (x, mut labels) = scattered(120, dims, groups);
            labels[5] = 7;
            let sample: Vec<usize> = (0..120).filter(|i| i % 4 != 1).collect();
            let records = x.select(Axis(0), &sample);
            let targets: Array1<usize> = sample.iter().map(|&i| labels[i]).collect();
            let want = DatasetBase::new(records, targets)
                .silhouette_score()
                .unwrap();
            let got = silhouette(&x, &labels, &sample).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{dims}: {got} vs {want}");
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap()
                .install(|| silhouette(&x, &labels, &sample).unwrap());
            assert_eq!(one.to_bits(), got.to_bits());
        }
        let (x, _) = scattered(10, 3, 2);
        assert_eq!(silhouette(&x, &[0; 10], &[0, 1, 2]), None);
    }

    #[test]
    fn chosen_k_is_fitted_with_every_initialisation() {
        let (x, _) = scattered(200, 6, 3);
        let p = Params {
            n_init: 6,
            k_min: 2,
            k_max: 4,
            ..Params::default()
        };
        let (c, s, trace) = choose_k(&x, &p, 11).unwrap();
        let full = kmeans(&x, c.k, &p, 11).unwrap();
        assert_eq!(c.labels, full.labels);
        assert_eq!(c.centroids, full.centroids);
        let sample = sample_rows(x.nrows(), p.silhouette_sample, 11);
        assert_eq!(s, silhouette(&x, &full.labels, &sample));
        assert!(trace.contains(&(c.k, s)));
    }

    #[test]
    fn more_clusters_than_rows_is_capped() {
        let x = Array2::from_shape_vec((3, 2), vec![0.0, 1.0, 1.0, 0.0, 1.0, 1.0]).unwrap();
        let c = kmeans(&x, 10, &params(), 1).unwrap();
        assert_eq!(c.k, 3);
        let (c, _, _) = choose_k(&x, &params(), 1).unwrap();
        assert!(c.k <= 2);
    }

    #[test]
    fn tolerance_is_relative_to_the_spread() {
        let (x, _) = blobs();
        let t = absolute_tolerance(&x, 1e-4);
        let wide = absolute_tolerance(&(&x * 10.0), 1e-4);
        assert!((wide / t - 10.0).abs() < 1e-9);
        assert!(absolute_tolerance(&Array2::zeros((3, 2)), 1e-4) > 0.0);
    }

    #[test]
    fn no_rows_is_an_error() {
        let x = Array2::<f64>::zeros((0, 2));
        assert!(kmeans(&x, 2, &params(), 1).is_err());
    }

    #[test]
    fn normalized_rows_have_unit_length() {
        let mut x = Array2::from_shape_vec((2, 2), vec![3.0, 4.0, 0.0, 0.0]).unwrap();
        normalize_rows(&mut x);
        assert_eq!(x.row(0).to_vec(), vec![0.6, 0.8]);
        assert_eq!(x.row(1).to_vec(), vec![0.0, 0.0]);
    }

    #[test]
    fn sample_is_sorted_distinct_and_seeded() {
        let a = sample_rows(100, 10, 4);
        assert_eq!(a, sample_rows(100, 10, 4));
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sample_rows(5, 10, 4), vec![0, 1, 2, 3, 4]);
    }
}
