//! The featurizer's share of the bare segmenters' throughput, measured by
//! alternating them: each round times the segmenters and the featurizer with
//! one thread and with all threads, and the fastest of `ROUNDS` rounds of
//! each is kept. On a shared machine whose load comes and goes, this compares
//! the two under the same conditions, where the criterion bench measures
//! each for a few seconds in turn (and reports means).
//!
//! `cargo run --release --example featurize_ratio -- DIR [MB] [ROUNDS]`: DIR
//! is a corpus `benches/compare.sh` built (e.g. `target/bench-corpus/mixed-20`:
//! its files are read back in the order the passages were dealt to them),
//! MB the megabytes of passages to use (default 10), ROUNDS default 8.
use std::time::Instant;

use rayon::prelude::*;
use stancemap::featurize::bench_support::bare_segmenters;
use stancemap::featurize::{Featurizer, Params};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: featurize_ratio DIR [MB] [ROUNDS]");
        std::process::exit(2);
    };
    let mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(8);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    // Passage k went to file k % n: deal them back in that order.
    let mut lines: Vec<_> = texts.iter().map(|t| t.lines()).collect();
    let mut passages: Vec<&str> = Vec::new();
    let mut bytes = 0;
    'deal: loop {
        let mut any = false;
        for l in &mut lines {
            if let Some(p) = l.next() {
                any = true;
                bytes += p.len();
                passages.push(p);
                if bytes >= mb * 1_000_000 {
                    break 'deal;
                }
            }
        }
        if !any {
            break;
        }
    }
    let mask = vec![true; passages.len()];
    let featurizer = Featurizer::new(&Params::default()).expect("default featurizer");
    let jieba = jieba_rs::Jieba::new();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let all = rayon::current_num_threads();
    let time = |f: &dyn Fn() -> usize| {
        let t = Instant::now();
        std::hint::black_box(f());
        t.elapsed().as_secs_f64()
    };
    // Warm up both (jieba's dictionary, the featurizer's own jieba).
    featurizer.featurize(
        &passages[..passages.len().min(100)],
        &mask[..passages.len().min(100)],
    );
    bare_segmenters(&jieba, &passages[..passages.len().min(100)]);
    let mut best = [f64::MAX; 4];
    for _ in 0..rounds {
        let runs: [&dyn Fn() -> usize; 4] = [
            &|| one.install(|| bare_segmenters(&jieba, &passages)),
            &|| one.install(|| featurizer.featurize(&passages, &mask).matrix.nnz()),
            &|| {
                passages
                    .par_chunks(256)
                    .map(|c| bare_segmenters(&jieba, c))
                    .sum()
            },
            &|| featurizer.featurize(&passages, &mask).matrix.nnz(),
        ];
        for (b, run) in best.iter_mut().zip(runs) {
            *b = b.min(time(run));
        }
    }
    let mib = |s: f64| bytes as f64 / (1 << 20) as f64 / s;
    println!(
        "{:.1} MB of passages, fastest of {rounds} rounds, MiB/s",
        bytes as f64 / 1e6
    );
    println!("threads  segmenters  featurizer  share");
    for (threads, (s, f)) in [(1, (best[0], best[1])), (all, (best[2], best[3]))] {
        println!(
            "{threads:>7}  {:>10.1}  {:>10.1}  {:>4.0}%",
            mib(s),
            mib(f),
            100.0 * s / f
        );
    }
}
