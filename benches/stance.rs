//! Stance scoring throughput on real text: the seed articles, one passage per
//! line (the nightly shape) and all of it as one line (the 50 MB-line shape,
//! scaled down), reported as MB/s.

use std::sync::LazyLock;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use stancemap::stance::{Params, Scorer};

static SCORER: LazyLock<Scorer> =
    LazyLock::new(|| Scorer::new(&Params::default()).expect("the shipped lexicons parse"));

static SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| !l.trim().is_empty())
        .collect()
});

fn bench(c: &mut Criterion) {
    let lines = &*SEEDS;
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut g = c.benchmark_group("stance");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_with_input(BenchmarkId::new("passages", bytes), lines, |b, lines| {
        b.iter(|| lines.iter().map(|l| SCORER.score(l).len()).sum::<usize>())
    });
    let one_line = lines.join(" ");
    g.bench_with_input(BenchmarkId::new("one_line", bytes), &one_line, |b, text| {
        b.iter(|| SCORER.score(text).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
