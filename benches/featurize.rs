//! Featurizer throughput (MB/s of passage text) on real English, Chinese and
//! mixed text, beside the bare segmenters it is built on (the limit), with one
//! thread and with all threads.
//!
//! Per size and language: `segmenters-1t` and `segmenters-Nt` (jieba-rs
//! `cut` on Han runs, Unicode words + lowercase on the rest: the limit),
//! `analyze-1t` (the analyzer chain alone), `tfidf-1t` and `tfidf-Nt` (the
//! whole featurizer, passages to the L2-normalised matrix).
//!
//! Text comes from the labelled sets in `../shared/data` (or the folder in
//! `STANCEMAP_DATA`) and the seed articles; without the data folder the bench
//! says so and uses the seeds alone. Sizes in MB: `STANCEMAP_BENCH_MB`
//! (default `1,10`).

use std::path::PathBuf;
use std::sync::LazyLock;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;

use stancemap::featurize::bench_support::bare_segmenters;
use stancemap::featurize::{Featurizer, Params};

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

fn seed_lines(zh: bool) -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("seeds/").flatten() {
        let Ok(t) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        for l in t.lines().filter(|l| !l.trim().is_empty()) {
            if l.chars().any(stancemap::text::is_han) == zh {
                out.push(l.to_string());
            }
        }
    }
    out.sort();
    out
}

struct Texts {
    en: Vec<String>,
    zh: Vec<String>,
}

static TEXTS: LazyLock<Texts> = LazyLock::new(|| {
    let mut en = jsonl_field("bbc_news/bbc_news.jsonl", "text");
    en.extend(jsonl_field("ag_news_en/ag_news.jsonl", "text"));
    en.extend(seed_lines(false));
    let mut zh = jsonl_field("thucnews_titles_cn/thucnews_titles.jsonl", "text");
    zh.extend(jsonl_field(
        "chnsenticorp_htl_cn/ChnSentiCorp_htl_all.jsonl",
        "text",
    ));
    zh.extend(seed_lines(true));
    Texts { en, zh }
});

/// About `mb` megabytes of passages, cycling through the sources in order;
/// `mixed` alternates English and Chinese passages.
fn corpus(lang: &str, mb: usize) -> Vec<String> {
    let target = mb * 1_000_000;
    let t = &*TEXTS;
    let mut out = Vec::new();
    let mut bytes = 0;
    let mut i = 0usize;
    while bytes < target {
        // `mixed` pairs the k-th English passage with the k-th Chinese one,
        // as benches/compare.py does (so about 90% of its bytes are English).
        let next = match lang {
            "en" => &t.en[i % t.en.len()],
            "zh" => &t.zh[i % t.zh.len()],
            _ if i.is_multiple_of(2) => &t.en[(i / 2) % t.en.len()],
            _ => &t.zh[(i / 2) % t.zh.len()],
        };
        i += 1;
        bytes += next.len();
        out.push(next.clone());
    }
    out
}

fn sizes() -> Vec<usize> {
    std::env::var("STANCEMAP_BENCH_MB")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 10])
}

static FEATURIZER: LazyLock<Featurizer> =
    LazyLock::new(|| Featurizer::new(&Params::default()).expect("default featurizer"));
static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

fn bench(c: &mut Criterion) {
    let pool1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let all = rayon::current_num_threads();
    for mb in sizes() {
        for lang in ["en", "zh", "mixed"] {
            let texts = corpus(lang, mb);
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let mask = vec![true; refs.len()];
            let bytes: usize = texts.iter().map(String::len).sum();
            let mut g = c.benchmark_group(format!("featurize/{lang}"));
            g.throughput(Throughput::Bytes(bytes as u64));
            g.sample_size(10);
            g.bench_with_input(
                BenchmarkId::new("segmenters-1t", format!("{mb}MB")),
                &refs,
                |b, t| b.iter(|| bare_segmenters(&JIEBA, t)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("segmenters-{all}t"), format!("{mb}MB")),
                &refs,
                |b, t| {
                    b.iter(|| {
                        t.par_chunks(256)
                            .map(|c| bare_segmenters(&JIEBA, c))
                            .sum::<usize>()
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new("analyze-1t", format!("{mb}MB")),
                &refs,
                |b, t| {
                    b.iter(|| {
                        let mut cache = stancemap::featurize::Cache::default();
                        let mut out = Vec::new();
                        for text in t {
                            out.clear();
                            FEATURIZER.analyzer().analyze(text, &mut cache, &mut out);
                        }
                        cache.keys.len()
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new("tfidf-1t", format!("{mb}MB")),
                &refs,
                |b, t| b.iter(|| pool1.install(|| FEATURIZER.featurize(t, &mask).matrix.nnz())),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("tfidf-{all}t"), format!("{mb}MB")),
                &refs,
                |b, t| b.iter(|| FEATURIZER.featurize(t, &mask).matrix.nnz()),
            );
            g.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
