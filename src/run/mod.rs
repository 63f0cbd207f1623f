//! The nightly run: lock the output folder, run the stages in order, have the
//! report written into a hidden temporary run folder, then publish it: rename
//! it into place and move `latest` to it atomically. A run that fails or is
//! killed at any point leaves the last good report and `latest` untouched.

mod cache;
mod featurize_only;
pub mod manifest;
mod publish;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::config::Config;
use crate::featurize::{Features, Featurizer};
use crate::ingest::IngestError;
use crate::stance;
use crate::{Corpus, Lang, Skipped};

pub use featurize_only::{featurize_corpus, FeaturizeOutcome};
pub use publish::Lock;
use publish::{check_output, clean_incomplete, mark_output, new_run_id, prune_runs, publish_run};

/// Why a run did not complete (the command line maps each to an exit code).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Load(#[from] crate::param::LoadError),
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
}

/// A map from stage to milliseconds, in the order the stages ran.
impl Serialize for Timings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.stages.len()))?;
        for (stage, ms) in &self.stages {
            m.serialize_entry(stage, ms)?;
        }
        m.end()
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
    check_output(out)?;
    fs::create_dir_all(out).map_err(out_err(out))?;
    let _lock = Lock::acquire(out)?;
    mark_output(out);
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
        timings.time("report", || {
            let input = crate::report::ReportInput {
                corpus: &corpus,
                n_tokens: Some(&features.n_tokens),
                themes: Some(&themes),
                stance: Some(crate::report::StanceInput {
                    passages: &stances,
                    summary: &stance_summary,
                }),
            };
            crate::report::write_report(&tmp, &input, &config.report)
        })?;
        let facts = manifest::Facts {
            config,
            corpus: &corpus,
            cache: &cache_outcome,
            summary: &summary,
            run_id: &run_id,
            started,
        };
        manifest::Manifest::new(&facts, timings).write(&tmp)?;
        Ok::<_, RunError>((corpus, summary))
    })();
    let (corpus, corpus_summary) = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };

    let (run_dir, latest) = match publish_run(out, &tmp, &run_id) {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    prune_runs(out, config.keep_runs, &run_id);
    Ok(RunOutcome {
        run_dir,
        latest,
        corpus_summary,
        skipped: corpus.skipped,
    })
}
