//! The nightly run: lock the output folder, run the stages in order, have the
//! report written into a hidden temporary run folder, then publish it: rename
//! it into place and move `latest` to it atomically. A run that fails or is
//! killed at any point leaves the last good report and `latest` untouched.

mod cache;
mod featurize_only;
mod publish;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::json;

use crate::config::{Config, ConfigError};
use crate::featurize::{Features, Featurizer};
use crate::ingest::IngestError;
use crate::stance;
use crate::{Corpus, Lang, Skipped};

pub use featurize_only::{featurize_corpus, FeaturizeOutcome};
pub use publish::Lock;
use publish::{clean_incomplete, new_run_id, prune_runs, publish_latest};

/// Why a run did not complete. Each maps to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("output {}: {source}", path.display())]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Themes(#[from] crate::themes::ThemesError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error("another run holds the lock on {}: {holder}", path.display())]
    Locked { path: PathBuf, holder: String },
}

impl RunError {
    /// 1 a failure of the run, 2 a config error or a corpus that is not there,
    /// 3 the lock is held.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::Config(_) | RunError::Ingest(_) => 2,
            RunError::Locked { .. } => 3,
            _ => 1,
        }
    }
}

pub(crate) fn out_err(path: &Path) -> impl FnOnce(std::io::Error) -> RunError + '_ {
    move |source| RunError::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// How a run talks to the person (or scheduler) that started it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Progress bars on stderr (when it is a terminal); otherwise log lines only.
    pub progress: bool,
}

/// Time per stage, in milliseconds, in the order the stages ran; a spinner
/// per stage when progress is shown, a log line per stage always.
#[derive(Debug, Default)]
pub struct Timings {
    stages: Vec<(String, u64)>,
    progress: bool,
}

impl Timings {
    fn new(progress: bool) -> Self {
        Timings {
            stages: Vec::new(),
            progress,
        }
    }

    fn time<T>(&mut self, stage: &str, f: impl FnOnce() -> T) -> T {
        let spinner = self.progress.then(|| {
            let pb = indicatif::ProgressBar::new_spinner();
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            {
                pb.set_style(style);
            }
            pb.set_message(stage.to_string());
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
            pb
        });
        tracing::info!(stage, "stage start");
        let t = Instant::now();
        let out = f();
        let ms = t.elapsed().as_millis() as u64;
        if let Some(pb) = spinner {
            pb.finish_and_clear();
        }
        self.stages.push((stage.to_string(), ms));
        tracing::info!(stage, ms, "stage done");
        out
    }

    /// A stage timed by the caller.
    fn record(&mut self, stage: &str, secs: f64) {
        let ms = (secs * 1000.0).round() as u64;
        self.stages.push((stage.to_string(), ms));
        tracing::info!(stage, ms, "stage done");
    }

    fn file_bar(&self, n: usize) -> Option<indicatif::ProgressBar> {
        self.progress.then(|| {
            let pb = indicatif::ProgressBar::new(n as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files ({elapsed})")
            {
                pb.set_style(style);
            }
            pb
        })
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.stages
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect(),
        )
    }
}

/// What a finished run reports back.
#[derive(Debug)]
pub struct RunOutcome {
    pub run_dir: PathBuf,
    pub latest: PathBuf,
    pub corpus_summary: CorpusSummary,
    pub skipped: Vec<Skipped>,
}

/// Counts for people and for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusSummary {
    pub documents: usize,
    pub passages: usize,
    pub passages_by_lang: std::collections::BTreeMap<Lang, usize>,
    pub boilerplate: usize,
    pub tokens: u64,
    pub vocabulary: usize,
    pub nonzeros: usize,
    pub bytes: u64,
    pub skipped: usize,
}

impl CorpusSummary {
    pub fn new(corpus: &Corpus, features: &Features) -> Self {
        let mut by_lang = std::collections::BTreeMap::new();
        for p in corpus.passages() {
            *by_lang.entry(p.lang).or_insert(0) += 1;
        }
        CorpusSummary {
            documents: corpus.documents.len(),
            passages: corpus.n_passages(),
            passages_by_lang: by_lang,
            boilerplate: corpus.passages().filter(|p| p.boilerplate).count(),
            tokens: features.n_tokens.iter().map(|&n| u64::from(n)).sum(),
            vocabulary: features.terms.len(),
            nonzeros: features.matrix.nnz(),
            bytes: corpus.documents.iter().map(|d| d.size).sum(),
            skipped: corpus.skipped.len(),
        }
    }
}

/// The nightly job.
pub fn run(config: &Config, options: RunOptions) -> Result<RunOutcome, RunError> {
    let out = &config.output;
    fs::create_dir_all(out).map_err(out_err(out))?;
    let _lock = Lock::acquire(out)?;
    clean_incomplete(out);

    let started = chrono::Utc::now();
    let run_id = new_run_id(out, started);
    let tmp = out.join(format!(".incomplete-{run_id}"));
    fs::create_dir(&tmp).map_err(out_err(&tmp))?;

    let result = (|| {
        let mut timings = Timings::new(options.progress);
        let featurizer = timings.time("load analyzers", || Featurizer::new(&config.featurize))?;
        let scorer = timings.time("load lexicons", || stance::Scorer::new(&config.stance))?;
        let bar = timings.file_bar(0);
        let streamed = featurize_only::stream(
            config,
            &featurizer,
            |doc| doc,
            || {
                if let Some(b) = &bar {
                    b.inc(1);
                }
            },
        )?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        // Read, decode, split and analyze are one streamed pass ("ingest");
        // "featurize" is the merge: vocabulary, IDF, the matrix.
        timings.record("ingest", streamed.secs_analyze);
        timings.record("featurize", streamed.secs_weigh);
        let features = streamed.features;
        let corpus = Corpus {
            documents: streamed.kept,
            skipped: streamed.skipped,
        };
        for s in &corpus.skipped {
            tracing::warn!(file = %s.path, reason = %s.reason, "skipped");
        }
        let passages: Vec<&crate::Passage> = corpus.passages().collect();
        let cache = cache::ThemesCache::new(out, config);
        let (themes, cache_outcome) = timings.time("themes", || {
            let key = cache::key(config, &passages, &features);
            let (cached, outcome) = cache.load(&key, passages.len());
            if let Some(t) = cached {
                return Ok((t, outcome));
            }
            let t = crate::themes::find_themes(&passages, &features, &config.themes, config.seed)?;
            cache.store(&key, &t);
            Ok::<_, crate::themes::ThemesError>((t, outcome))
        })?;
        let (stances, stance_summary) = timings.time("stance", || {
            stance::run_stage(&scorer, &corpus, Some(&themes.assignment))
        });
        let summary = CorpusSummary::new(&corpus, &features);
        let manifest = manifest(
            config,
            &corpus,
            &cache_outcome,
            &summary,
            &run_id,
            started,
            &timings,
        );
        timings.time("report", || {
            let input = crate::report::ReportInput {
                corpus: &corpus,
                n_tokens: Some(&features.n_tokens),
                themes: Some(&themes),
                stance: Some(crate::report::StanceInput {
                    passages: &stances,
                    summary: &stance_summary,
                }),
                manifest: &manifest,
            };
            crate::report::write_report(&tmp, &input, &config.report)
        })?;
        Ok::<_, RunError>((corpus, summary))
    })();
    let (corpus, corpus_summary) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };

    let run_dir = out.join(&run_id);
    fs::rename(&tmp, &run_dir).map_err(out_err(&run_dir))?;
    let latest = publish_latest(out, &run_id)?;
    prune_runs(out, config.keep_runs, &run_id);
    Ok(RunOutcome {
        run_dir,
        latest,
        corpus_summary,
        skipped: corpus.skipped,
    })
}

fn manifest(
    config: &Config,
    corpus: &Corpus,
    cache: &cache::Outcome,
    summary: &CorpusSummary,
    run_id: &str,
    started: chrono::DateTime<chrono::Utc>,
    timings: &Timings,
) -> serde_json::Value {
    let inputs: Vec<_> = corpus
        .documents
        .iter()
        .map(|d| {
            json!({
                "doc": d.id, "sha256": d.sha256, "size": d.size, "encoding": d.encoding,
                "passages": d.passages.len(), "date": d.meta.date, "title": d.meta.title,
            })
        })
        .collect();
    json!({
        "tool": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
        "run_id": run_id,
        "started": started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "config": config,
        "inputs": inputs,
        "skipped": corpus.skipped,
        "counts": summary,
        "cache": {"themes": cache},
        "timings_ms": timings.to_json(),
    })
}
