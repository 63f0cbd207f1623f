//! Ingest a corpus, featurize it and print its themes: `themes.json` as the
//! report writes it, then every passage with its theme.
//!
//! ```text
//! cargo run --release --example show_themes -- [CORPUS (default seeds)] [--config FILE] [--json-only]
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stancemap::config::RawConfig;
use stancemap::featurize::Featurizer;
use stancemap::themes::find_themes;
use stancemap::{ingest, Passage};

fn main() -> ExitCode {
    let mut corpus = PathBuf::from("seeds");
    let mut config_path = None;
    let mut json_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--config" => config_path = args.next().map(PathBuf::from),
            "--json-only" => json_only = true,
            _ => corpus = PathBuf::from(a),
        }
    }
    let raw = match &config_path {
        Some(p) => RawConfig::from_file(p),
        None => Ok(RawConfig::default()),
    };
    let base = config_path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let run = || -> Result<(), String> {
        let config = raw
            .and_then(|r| r.check(&base))
            .map_err(|e| e.to_string())?;
        let corpus = ingest::ingest(&corpus, &config.ingest).map_err(|e| e.to_string())?;
        let passages: Vec<&Passage> = corpus.passages().collect();
        let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
        let in_df: Vec<bool> = passages.iter().map(|p| !p.boilerplate).collect();
        let f = Featurizer::new(&config.featurize).map_err(|e| e.to_string())?;
        let features = f.featurize(&texts, &in_df);
        let themes = find_themes(&passages, &features, &config.themes, config.seed)
            .map_err(|e| e.to_string())?;
        println!(
            "{}",
            serde_json::to_string_pretty(&themes).map_err(|e| e.to_string())?
        );
        if !json_only {
            for (p, t) in passages.iter().zip(&themes.assignment) {
                let theme = t.map_or("-".to_string(), |t| t.to_string());
                let text: String = p.text.chars().take(90).collect();
                println!(
                    "{:>2} {} {}:{} {}",
                    theme, p.lang, p.doc, p.line_start, text
                );
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("show_themes: {e}");
            ExitCode::FAILURE
        }
    }
}
