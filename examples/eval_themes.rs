//! Evaluate the themes stage on labelled and parallel data sets, optionally
//! side by side with the scikit-learn baseline (benches/themes_baseline.py)
//! on the same data in the same run.
//!
//! ```text
//! cargo run --release --example eval_themes -- DATASET... [--k K] [--data-dir DIR]
//!     [--limit N] [--seed S | --seeds S,S,...] [--config stancemap.toml]
//!     [--baseline PYTHON] [--json]
//! ```
//!
//! With several seeds, each pipeline runs once per seed (the same seeds for
//! both) and a `mean` row follows: one seed's NMI moves by about 0.005 on
//! BBC News from seed to seed, more than the pipelines differ there.
//!
//! DATASET: a folder name under the data dir (`thucnews_titles_cn`,
//! `ag_news_en`, `bbc_news`, `tatoeba_cmn_eng_parallel`), a folder holding one
//! JSONL file, or a JSONL file. Without `--k`, the known sets use their number
//! of classes (10, 4, 5) and parallel sets 20.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use stancemap::config::RawConfig;
use stancemap::themes::eval_run::{
    default_k, evaluate_labelled, evaluate_parallel, load, resolve, Dataset,
};

struct Args {
    datasets: Vec<String>,
    k: Option<usize>,
    data_dir: PathBuf,
    limit: Option<usize>,
    seeds: Vec<u64>,
    config: Option<PathBuf>,
    baseline: Option<PathBuf>,
    json: bool,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        datasets: Vec::new(),
        k: None,
        data_dir: PathBuf::from("../shared/data"),
        limit: None,
        seeds: Vec::new(),
        config: None,
        baseline: None,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--k" => a.k = Some(value("--k")?.parse().map_err(|e| format!("--k: {e}"))?),
            "--data-dir" => a.data_dir = PathBuf::from(value("--data-dir")?),
            "--limit" => {
                a.limit = Some(
                    value("--limit")?
                        .parse()
                        .map_err(|e| format!("--limit: {e}"))?,
                )
            }
            "--seed" | "--seeds" => {
                a.seeds = value(&arg)?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|e| format!("{arg}: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--config" => a.config = Some(PathBuf::from(value("--config")?)),
            "--baseline" => a.baseline = Some(PathBuf::from(value("--baseline")?)),
            "--json" => a.json = true,
            "-h" | "--help" => {
                return Err(
                    "usage: eval_themes DATASET... [--k K] [--data-dir DIR] [--limit N] \
                            [--seed S | --seeds S,S,...] [--config FILE] [--baseline PYTHON] \
                            [--json]"
                        .into(),
                )
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => a.datasets.push(s.to_string()),
        }
    }
    if a.datasets.is_empty() {
        return Err("give at least one data set (e.g. bbc_news)".into());
    }
    Ok(a)
}

/// Run the Python baseline on the same file; its one JSON line.
fn baseline(
    python: &Path,
    path: &Path,
    k: usize,
    seed: u64,
    limit: Option<usize>,
) -> Result<(serde_json::Value, f64), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/themes_baseline.py");
    let mut cmd = Command::new(python);
    cmd.arg(&script)
        .arg("--data")
        .arg(path)
        .arg("--k")
        .arg(k.to_string())
        .arg("--seed")
        .arg(seed.to_string());
    if let Some(l) = limit {
        cmd.arg("--limit").arg(l.to_string());
    }
    let t = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let wall = t.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "baseline failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v = serde_json::from_slice(&out.stdout).map_err(|e| format!("baseline output: {e}"))?;
    Ok((v, wall))
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("eval_themes: {e}");
            return ExitCode::from(2);
        }
    };
    let raw = match &args.config {
        Some(p) => RawConfig::from_file(p),
        None => Ok(RawConfig::default()),
    };
    let base = args
        .config
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let config = match raw.and_then(|r| r.check(&base)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("eval_themes: {e}");
            return ExitCode::from(2);
        }
    };
    let seeds = if args.seeds.is_empty() {
        vec![config.seed]
    } else {
        args.seeds.clone()
    };
    let mut failed = false;
    for name in &args.datasets {
        let result = (|| -> Result<(), String> {
            let path = resolve(name, &args.data_dir).map_err(|e| e.to_string())?;
            let ds = load(&path, args.limit).map_err(|e| e.to_string())?;
            let parallel = matches!(ds, Dataset::Parallel(_));
            let k = args
                .k
                .or_else(|| default_k(name, parallel))
                .ok_or_else(|| format!("{name}: give --k"))?;
            let mut rows: Vec<(&str, serde_json::Value, f64)> = Vec::new();
            for &seed in &seeds {
                let t = Instant::now();
                let ours = match &ds {
                    Dataset::Labelled(l) => {
                        let r = evaluate_labelled(l, k, &config.featurize, &config.themes, seed)
                            .map_err(|e| e.to_string())?;
                        serde_json::to_value(r)
                    }
                    Dataset::Parallel(p) => {
                        let r = evaluate_parallel(p, k, &config.featurize, &config.themes, seed)
                            .map_err(|e| e.to_string())?;
                        serde_json::to_value(r)
                    }
                }
                .map_err(|e| e.to_string())?;
                let wall = t.elapsed().as_secs_f64();
                let theirs = match &args.baseline {
                    Some(py) => Some(baseline(py, &path, k, seed, args.limit)?),
                    None => None,
                };
                if args.json {
                    let v = serde_json::json!({
                        "dataset": name, "k": k, "seed": seed,
                        "stancemap": ours, "stancemap_wall_seconds": wall,
                        "baseline": theirs.as_ref().map(|t| &t.0),
                        "baseline_wall_seconds": theirs.as_ref().map(|t| t.1),
                    });
                    println!("{v}");
                } else {
                    print_row(name, k, seed, &ours, wall, "stancemap");
                    if let Some((v, w)) = &theirs {
                        print_row(name, k, seed, v, *w, "scikit-learn");
                    }
                }
                rows.push(("stancemap", ours, wall));
                if let Some((v, w)) = theirs {
                    rows.push(("scikit-learn", v, w));
                }
            }
            if seeds.len() > 1 && !args.json {
                for tool in ["stancemap", "scikit-learn"] {
                    let mine: Vec<_> = rows.iter().filter(|r| r.0 == tool).collect();
                    if !mine.is_empty() {
                        print_mean(name, k, tool, &mine);
                    }
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            eprintln!("eval_themes: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Mean, lowest and highest of each quality figure over the seeds' rows.
fn print_mean(name: &str, k: usize, tool: &str, rows: &[&(&str, serde_json::Value, f64)]) {
    let stat = |key: &str| -> Option<String> {
        let v: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.1.get(key).and_then(|x| x.as_f64()))
            .collect();
        if v.len() != rows.len() {
            return None;
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pct = if key == "same_theme" || key == "chance" {
            100.0
        } else {
            1.0
        };
        Some(format!(
            "{:.4} ({:.4}-{:.4})",
            mean * pct,
            lo * pct,
            hi * pct
        ))
    };
    let quality: Vec<String> = ["nmi", "ari", "same_theme", "chance"]
        .iter()
        .filter_map(|&key| stat(key).map(|s| format!("{} {s}", key.to_uppercase())))
        .collect();
    let wall = rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64;
    println!(
        "{name:<26} {tool:<13} mean of {} seeds  k {k:>3}  {}  wall {wall:.2}s",
        rows.len(),
        quality.join("  ")
    );
}

fn print_row(name: &str, k: usize, seed: u64, v: &serde_json::Value, wall: f64, tool: &str) {
    let f = |key: &str| v.get(key).and_then(|x| x.as_f64());
    let n = v
        .get("pairs")
        .or(v.get("n"))
        .and_then(|x| x.as_u64())
        .unwrap_or(0);
    let quality = match (f("nmi"), f("ari"), f("same_theme"), f("chance")) {
        (Some(nmi), Some(ari), _, _) => format!("NMI {nmi:.4}  ARI {ari:.4}"),
        (_, _, Some(s), Some(c)) => {
            format!("same theme {:.1}%  chance {:.1}%", s * 100.0, c * 100.0)
        }
        _ => "?".into(),
    };
    let feat = f("featurize_seconds").unwrap_or(f64::NAN);
    let clu = f("themes_seconds")
        .or(f("cluster_seconds"))
        .unwrap_or(f64::NAN);
    println!(
        "{name:<26} {tool:<13} seed {seed:<4} n {n:>6}  k {k:>3}  {quality}  featurize {feat:.2}s  cluster {clu:.2}s  wall {wall:.2}s"
    );
}
