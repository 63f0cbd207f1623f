//! The end-to-end limit for `benches/compare.sh`: what any featurizer built
//! on jieba-rs and Unicode words could do at best on a corpus folder, from
//! process start to exit. It reads every `.txt`/`.md` file (as the Python
//! baseline does: every non-empty line is a passage) and runs the bare
//! segmenters ([`bare_segmenters`]'s halves) over them, with nothing else:
//! no normalising, no boilerplate rules, no stemming, no counting, no
//! TF-IDF. jieba's dictionary is built on a thread of its own while the
//! workers segment the non-Han text; the Han runs read before it is ready
//! wait for it (and a corpus with none never waits), so the build is hidden
//! as far as the corpus allows.
//!
//! `cargo run --release --example segmenter_floor -- DIR [THREADS]`; prints
//! one JSON line (bytes, tokens, seconds).
//!
//! [`bare_segmenters`]: stancemap::featurize::bench_support::bare_segmenters
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use rayon::prelude::*;
use stancemap::featurize::bench_support::{bare_han, bare_latin};
use stancemap::featurize::script_runs;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt" || e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// A file after the first pass: its text, the tokens counted so far and
/// the Han runs (byte ranges) left for when jieba is ready.
struct FileWork {
    text: String,
    tokens: usize,
    later: Vec<(usize, usize)>,
}

fn first_pass(path: &Path, jieba: &OnceLock<jieba_rs::Jieba>) -> Result<FileWork, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (mut tokens, mut later) = (0, Vec::new());
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let base = offset;
        offset += line.len();
        if line.trim().is_empty() {
            continue;
        }
        for (s, e, han) in script_runs(line) {
            match (han, jieba.get()) {
                (false, _) => tokens += bare_latin(&line[s..e]),
                (true, Some(jieba)) => tokens += bare_han(jieba, &line[s..e]),
                (true, None) => later.push((base + s, base + e)),
            }
        }
    }
    Ok(FileWork {
        text,
        tokens,
        later,
    })
}

fn main() -> ExitCode {
    let t0 = Instant::now();
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    let build = std::thread::spawn(|| {
        JIEBA.get_or_init(jieba_rs::Jieba::new);
    });
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: segmenter_floor DIR [THREADS]");
        return ExitCode::from(2);
    };
    let threads: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("segmenter_floor: thread pool: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut files = Vec::new();
    if let Err(e) = files_under(Path::new(dir), &mut files) {
        eprintln!("segmenter_floor: {dir}: {e}");
        return ExitCode::FAILURE;
    }
    files.sort();
    let read: Result<Vec<FileWork>, String> =
        pool.install(|| files.par_iter().map(|p| first_pass(p, &JIEBA)).collect());
    let read = match read {
        Ok(r) => r,
        Err(e) => {
            eprintln!("segmenter_floor: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Waiting for jieba only when Han runs were left for it, as stancemap
    // does: a corpus without Chinese never waits for the dictionary.
    let mut tokens: usize = read.iter().map(|f| f.tokens).sum();
    if read.iter().any(|f| !f.later.is_empty()) {
        let _ = build.join();
        let Some(jieba) = JIEBA.get() else {
            eprintln!("segmenter_floor: jieba's dictionary did not build");
            return ExitCode::FAILURE;
        };
        tokens += pool.install(|| {
            read.par_iter()
                .flat_map(|f| f.later.par_iter().map(move |&(s, e)| &f.text[s..e]))
                .map(|run| bare_han(jieba, run))
                .sum::<usize>()
        });
    }
    let bytes: usize = read.iter().map(|f| f.text.len()).sum();
    println!(
        "{{\"tool\": \"bare segmenters\", \"bytes\": {bytes}, \"tokens\": {tokens}, \"seconds\": {:.3}}}",
        t0.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
