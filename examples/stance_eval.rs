//! The whole stance evaluation: dev-set macro-F1 per target, out-of-domain
//! stance (NLPCC 2016, TweetEval) and polarity (ChnSentiCorp, SST-2 GLUE dev).
//!
//!     cargo run --release --example stance_eval -- [DATA_DIR] [OUT_DIR]
//!
//! DATA_DIR defaults to ../shared/data (research-use sets, not in the repo);
//! OUT_DIR (default target/stance_eval) receives dev_predictions.jsonl, which
//! benches/stance_baselines.py reads to score VADER and SnowNLP on the same
//! passages. The library function behind it, `stance::eval::report`, is what
//! `stancemap eval stance` calls.

use std::path::{Path, PathBuf};

use stancemap::stance::{eval, Params};

fn main() {
    if let Err(e) = run() {
        eprintln!("stance_eval: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = args
        .next()
        .map_or_else(|| root.join("../shared/data"), PathBuf::from);
    let out = args
        .next()
        .map_or_else(|| root.join("target/stance_eval"), PathBuf::from);
    std::fs::create_dir_all(&out)?;
    let ingest = stancemap::ingest::RawParams::default().check()?;
    let corpus = stancemap::ingest::ingest(&root.join("seeds"), &ingest)?;
    let md = eval::report(
        &Params::default(),
        &corpus,
        &root.join("data/eval/stance_dev.jsonl"),
        Some(&data),
        Some(&out.join("dev_predictions.jsonl")),
    )?;
    print!("{md}");
    Ok(())
}
