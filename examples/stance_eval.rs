//! The whole stance evaluation: dev-set macro-F1 per target, out-of-domain
//! stance (NLPCC 2016, TweetEval) and polarity (ChnSentiCorp, SST-2 GLUE dev).
//!
//!     cargo run --release --example stance_eval -- [DATA_DIR] [OUT_DIR]
//!
//! DATA_DIR defaults to ../shared/data (research-use sets, not in the repo);
//! OUT_DIR (default target/stance_eval) receives dev_predictions.jsonl, which
//! benches/stance_baselines.py reads to score VADER and SnowNLP on the same
//! passages.

use std::path::{Path, PathBuf};

use stancemap::stance::eval::{self, Class, STANCE_CLASSES};
use stancemap::stance::{Params, Scorer};

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

    let params = Params::default();
    let scorer = Scorer::new(&params)?;
    let ingest = stancemap::ingest::RawParams::default().check()?;
    let corpus = stancemap::ingest::ingest(&root.join("seeds"), &ingest)?;
    let rows = eval::load_dev(&root.join("data/eval/stance_dev.jsonl"))?;
    let (preds, conf) = eval::dev_eval(&scorer, &corpus, &rows);
    let mut f = String::new();
    for p in &preds {
        f.push_str(&serde_json::to_string(p)?);
        f.push('\n');
    }
    std::fs::write(out.join("dev_predictions.jsonl"), f)?;

    println!("## Dev set (seeds, {} passages): stancemap", preds.len());
    println!("| target | macro-F1 (favor/neutral/against) | F1 favor | F1 neutral | F1 against | concern P | concern R |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (t, c) in &conf {
        let (p, r) = c.concern();
        println!(
            "| {t} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
            c.macro_f1(&STANCE_CLASSES),
            c.f1(Class::Favor),
            c.f1(Class::Neutral),
            c.f1(Class::Against),
            p,
            r
        );
    }
    let (_, conf_loose) = eval::dev_eval(
        &Scorer::new(&{
            let mut p = params.clone();
            p.favor_threshold = 0.05;
            p.against_threshold = -0.05;
            p
        })?,
        &corpus,
        &rows,
    );
    for (t, c) in &conf_loose {
        println!(
            "| {t} (thresholds +-0.05) | {:.3} | {:.3} | {:.3} | {:.3} | | |",
            c.macro_f1(&STANCE_CLASSES),
            c.f1(Class::Favor),
            c.f1(Class::Neutral),
            c.f1(Class::Against)
        );
    }
    for (t, c) in &conf {
        println!("\nconfusion {t} (rows gold favor/neutral/against/none, cols predicted):");
        for row in c.0 {
            println!("  {row:?}");
        }
    }

    println!("\n## Out of domain: stance (targets from the data; NONE = neutral or unconcerned)");
    println!("| dataset | n | F_avg (favor, against) | macro-F1 (favor/none/against) |");
    println!("| --- | --- | --- | --- |");
    for (dir, file, name) in [
        (
            "nlpcc2016_stance_cn",
            "nlpcc2016_taskA_stance.jsonl",
            "NLPCC 2016 task A (zh)",
        ),
        (
            "tweeteval_stance_en",
            "tweeteval_stance.jsonl",
            "TweetEval stance (en)",
        ),
    ] {
        // Also at VADER's own thresholds (+-0.05), as a sensitivity check.
        for (lo, th) in [(false, "+-0.2"), (true, "+-0.05")] {
            let mut p = params.clone();
            if lo {
                p.favor_threshold = 0.05;
                p.against_threshold = -0.05;
            }
            match eval::ood_stance(&p, &data.join(dir).join(file), name) {
                Ok(r) => println!(
                    "| {} (thresholds {th}) | {} | {:.3} | {:.3} |",
                    r.dataset, r.n, r.f_avg, r.macro_f1
                ),
                Err(e) => println!("| {name} | skipped: {e} | | |"),
            }
        }
    }

    println!("\n## Out of domain: polarity (whole text; score >= 0 is positive)");
    println!("| dataset | n | accuracy | macro-F1 | coverage (non-zero score) |");
    println!("| --- | --- | --- | --- | --- |");
    for (dir, file, name, split) in [
        (
            "chnsenticorp_htl_cn",
            "ChnSentiCorp_htl_all.jsonl",
            "ChnSentiCorp htl (zh)",
            None,
        ),
        (
            "sst2_en",
            "sst2.jsonl",
            "SST-2 glue_dev (en)",
            Some("glue_dev"),
        ),
    ] {
        match eval::polarity(&params, &data.join(dir).join(file), name, split) {
            Ok(r) => println!(
                "| {} | {} | {:.3} | {:.3} | {:.3} |",
                r.dataset, r.n, r.accuracy, r.macro_f1, r.coverage
            ),
            Err(e) => println!("| {name} | skipped: {e} | | | |"),
        }
    }
    Ok(())
}
