//! Themes-stage throughput (passages per second) on real text: the
//! randomized SVD, one k-means fit and the silhouette of the k sweep, with
//! one thread and with all threads; beside them the machine's dense rate
//! (matrixmultiply dgemm and sgemm, one thread, in flop/s), to compare the
//! fits' flop counts with (docs/themes-speed.md).
//!
//! Passages: English and Chinese alternately, from the labelled sets in
//! `../shared/data` (or the folder in `STANCEMAP_DATA`) and the seed
//! articles; without the data folder the bench says so and uses the seeds
//! alone. `STANCEMAP_BENCH_PASSAGES` sets how many (default 20000), featurized
//! by the library's featurizer (the TF-IDF the run clusters).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use linfa::metrics::SilhouetteScore;
use linfa::DatasetBase;
use ndarray::{Array1, Array2, Axis};

use stancemap::featurize::{Featurizer, Params as FeaturizeParams};
use stancemap::themes::{kmeans, normalize_rows, randomized_svd, Params};

fn data_dir() -> PathBuf {
    std::env::var_os("STANCEMAP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"))
}

fn jsonl_field(file: &str, field: &str) -> Vec<String> {
    let path = data_dir().join(file);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "bench: {} not found; set STANCEMAP_DATA to the data folder (using the seeds only)",
            path.display()
        );
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v[field].as_str().map(str::to_string))
        .collect()
}

fn seed_lines() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("seeds/").flatten() {
        let Ok(t) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        out.extend(
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    out.sort();
    out
}

/// Up to `n` passages, English and Chinese alternately (each set once, no
/// repeats: repeated rows would make k-means easy).
fn passages(n: usize) -> Vec<String> {
    let mut en = jsonl_field("ag_news_en/ag_news.jsonl", "text");
    en.extend(jsonl_field("bbc_news/bbc_news.jsonl", "text"));
    let zh = jsonl_field("thucnews_titles_cn/thucnews_titles.jsonl", "text");
    let mut out: Vec<String> = Vec::new();
    let (mut e, mut z) = (en.into_iter(), zh.into_iter());
    while out.len() < n {
        match (e.next(), z.next()) {
            (None, None) => break,
            (a, b) => out.extend(a.into_iter().chain(b)),
        }
    }
    if out.len() < n {
        out.extend(seed_lines());
    }
    out.truncate(n);
    out
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("STANCEMAP_BENCH_PASSAGES")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(20_000);
    let texts = passages(n);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mask = vec![true; refs.len()];
    let featurizer = Featurizer::new(&FeaturizeParams::default()).expect("default featurizer");
    let features = featurizer.featurize(&refs, &mask);
    let matrix = features.matrix_f64();
    let rows = matrix.rows();
    let params = Params::default();
    let rank = params.n_components.min((rows / 5).max(10));
    eprintln!(
        "bench: {rows} passages x {} terms, {} non-zeros, rank {rank}",
        matrix.cols(),
        matrix.nnz()
    );
    let pool1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let all = rayon::current_num_threads();
    let svd = |p: usize| randomized_svd(&matrix, rank, params.oversampling, p, 42).expect("svd");

    let mut g = c.benchmark_group("themes/svd");
    g.throughput(Throughput::Elements(rows as u64));
    g.sample_size(10);
    let p = params.power_iterations;
    g.bench_function(BenchmarkId::new("1t", format!("{rows}x{rank} p{p}")), |b| {
        b.iter(|| pool1.install(|| svd(p).singular_values[0]))
    });
    g.bench_function(
        BenchmarkId::new(format!("{all}t"), format!("{rows}x{rank} p{p}")),
        |b| b.iter(|| svd(p).singular_values[0]),
    );
    g.finish();

    let mut x = svd(p).embedding;
    normalize_rows(&mut x);
    let mut g = c.benchmark_group("themes/kmeans");
    g.throughput(Throughput::Elements(rows as u64));
    g.sample_size(10);
    for (k, n_init) in [(10, 1), (10, params.n_init)] {
        let kp = Params {
            n_init,
            ..params.clone()
        };
        g.bench_function(
            BenchmarkId::new(format!("fit-{all}t"), format!("k{k} n_init{n_init}")),
            |b| b.iter(|| kmeans(&x, k, &kp, 42).expect("kmeans").inertia),
        );
    }
    g.finish();

    // The silhouette of one k of the sweep, on its sample: linfa's, and the
    // exact replica the sweep uses (same floats, no allocation, parallel).
    let labels = kmeans(&x, 10, &params, 42).expect("kmeans").labels;
    let sample = stancemap::themes::sample_rows(rows, params.silhouette_sample, 42);
    let mut g = c.benchmark_group("themes/silhouette");
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("linfa-1t", sample.len()), |b| {
        b.iter(|| {
            let records = x.select(Axis(0), &sample);
            let targets: Array1<usize> = sample.iter().map(|&i| labels[i]).collect();
            DatasetBase::new(records, targets)
                .silhouette_score()
                .unwrap_or(0.0)
        })
    });
    g.bench_function(BenchmarkId::new("exact-1t", sample.len()), |b| {
        b.iter(|| pool1.install(|| stancemap::themes::silhouette(&x, &labels, &sample)))
    });
    g.bench_function(
        BenchmarkId::new(format!("exact-{all}t"), sample.len()),
        |b| b.iter(|| stancemap::themes::silhouette(&x, &labels, &sample)),
    );
    g.finish();

    // The machine's dense rate, one thread: the SVD's block shape (4,096
    // rows x 110 columns, Gram and apply) and a square product; elements
    // here are floating-point operations (2 m n k per product).
    let mut g = c.benchmark_group("themes/gemm-flops");
    g.sample_size(20);
    for (m, kk, nn, name) in [
        (110, 4096, 110, "gram-110x4096x110"),
        (4096, 110, 110, "apply-4096x110x110"),
        (512, 512, 512, "square-512"),
    ] {
        g.throughput(Throughput::Elements((2 * m * kk * nn) as u64));
        let a64 = Array2::from_shape_fn((m, kk), |(i, j)| ((i * 7 + j * 13) % 17) as f64 - 8.0);
        let b64 = Array2::from_shape_fn((kk, nn), |(i, j)| ((i * 5 + j * 3) % 11) as f64 - 5.0);
        let a32 = a64.mapv(|v| v as f32);
        let b32 = b64.mapv(|v| v as f32);
        g.bench_function(BenchmarkId::new("dgemm-1t", name), |b| {
            b.iter(|| a64.dot(&b64)[[0, 0]])
        });
        g.bench_function(BenchmarkId::new("sgemm-1t", name), |b| {
            b.iter(|| a32.dot(&b32)[[0, 0]])
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
