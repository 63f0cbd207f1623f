//! The nightly run: lock the output folder, run the stages in order, have the
//! report written into a hidden temporary run folder, then publish it: rename
//! it into place and move `latest` to it atomically. A run that fails or is
//! killed at any point leaves the last good report and `latest` untouched.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use serde_json::json;

use crate::config::{Config, ConfigError};
use crate::featurize::{Features, Featurizer};
use crate::ingest::{self, IngestError};
use crate::{Corpus, Lang, Skipped};

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

fn out_err(path: &Path) -> impl FnOnce(std::io::Error) -> RunError + '_ {
    move |source| RunError::Output {
        path: path.to_path_buf(),
        source,
    }
}

/// Time per stage, in milliseconds, in the order the stages ran.
#[derive(Debug, Default, Serialize)]
pub struct Timings(Vec<(String, u64)>);

impl Timings {
    fn time<T>(&mut self, stage: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0.push((stage.to_string(), t.elapsed().as_millis() as u64));
        tracing::info!(stage, ms = t.elapsed().as_millis() as u64, "stage done");
        out
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(self.0.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
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

/// Ingest and featurize: the part of the run `stancemap featurize` measures.
pub fn featurize_corpus(config: &Config, featurizer: &Featurizer, timings: &mut Timings) -> Result<(Corpus, Features), RunError> {
    let corpus = timings.time("ingest", || ingest::ingest(&config.corpus, &config.ingest))?;
    let features = timings.time("featurize", || featurize_passages(&corpus, featurizer));
    Ok((corpus, features))
}

/// TF-IDF over every passage of the corpus; boilerplate does not count for
/// document frequencies.
pub fn featurize_passages(corpus: &Corpus, featurizer: &Featurizer) -> Features {
    let texts: Vec<&str> = corpus.passages().map(|p| p.text.as_str()).collect();
    let in_df: Vec<bool> = corpus.passages().map(|p| !p.boilerplate).collect();
    featurizer.featurize(&texts, &in_df)
}

/// The nightly job.
pub fn run(config: &Config) -> Result<RunOutcome, RunError> {
    let out = &config.output;
    fs::create_dir_all(out).map_err(out_err(out))?;
    let _lock = Lock::acquire(out)?;
    clean_incomplete(out);

    let started = chrono::Utc::now();
    let run_id = new_run_id(out, started);
    let tmp = out.join(format!(".incomplete-{run_id}"));
    fs::create_dir(&tmp).map_err(out_err(&tmp))?;

    let result = (|| {
        let mut timings = Timings::default();
        let featurizer = timings.time("load analyzers", || Featurizer::new(&config.featurize))?;
        let (corpus, features) = featurize_corpus(config, &featurizer, &mut timings)?;
        let summary = CorpusSummary::new(&corpus, &features);
        let manifest = manifest(config, &corpus, &summary, &run_id, started, &timings);
        timings.time("report", || write_data_files(&tmp, &corpus, &features, &manifest))?;
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
        "timings_ms": timings.to_json(),
    })
}

/// passages.jsonl and manifest.json (the report stage takes this over as it grows).
fn write_data_files(dir: &Path, corpus: &Corpus, features: &Features, manifest: &serde_json::Value) -> Result<(), RunError> {
    #[derive(Serialize)]
    struct Record<'a> {
        doc: &'a str,
        line_start: u32,
        line_end: u32,
        lang: Lang,
        boilerplate: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        boilerplate_kind: Option<&'a str>,
        text: &'a str,
        n_tokens: u32,
    }
    let path = dir.join("passages.jsonl");
    let mut w = std::io::BufWriter::new(File::create(&path).map_err(out_err(&path))?);
    for (p, &n) in corpus.passages().zip(&features.n_tokens) {
        let r = Record {
            doc: &p.doc,
            line_start: p.line_start,
            line_end: p.line_end,
            lang: p.lang,
            boilerplate: p.boilerplate,
            boilerplate_kind: p.boilerplate_kind.as_deref(),
            text: &p.text,
            n_tokens: n,
        };
        serde_json::to_writer(&mut w, &r).map_err(|e| RunError::Output {
            path: path.clone(),
            source: e.into(),
        })?;
        w.write_all(b"\n").map_err(out_err(&path))?;
    }
    w.flush().map_err(out_err(&path))?;
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(manifest).unwrap_or_default();
    fs::write(&path, text + "\n").map_err(out_err(&path))?;
    Ok(())
}

/// `20261122T174501Z`, with `-2`, `-3`... if a run of the same second exists.
fn new_run_id(out: &Path, now: chrono::DateTime<chrono::Utc>) -> String {
    let base = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 2;
    while out.join(&id).exists() || out.join(format!(".incomplete-{id}")).exists() {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn is_run_id(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().all(u8::is_ascii_digit)
}

/// Point `out/latest` at `run_id`: a new symlink renamed over the old one.
fn publish_latest(out: &Path, run_id: &str) -> Result<PathBuf, RunError> {
    let latest = out.join("latest");
    let tmp = out.join(".latest.tmp");
    let _ = fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(run_id, &tmp).map_err(out_err(&tmp))?;
    #[cfg(not(unix))]
    fs::write(&tmp, run_id).map_err(out_err(&tmp))?;
    fs::rename(&tmp, &latest).map_err(out_err(&latest))?;
    Ok(latest)
}

/// Remove temporary folders of runs that died (we hold the lock: none is live).
fn clean_incomplete(out: &Path) {
    if let Ok(rd) = fs::read_dir(out) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(".incomplete-") {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Keep the newest `keep` run folders (always the one just published).
fn prune_runs(out: &Path, keep: usize, current: &str) {
    let Ok(rd) = fs::read_dir(out) else { return };
    let mut runs: Vec<String> = rd
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_run_id(n))
        .collect();
    runs.sort();
    let excess = runs.len().saturating_sub(keep);
    for name in runs.into_iter().take(excess) {
        if name != current {
            let _ = fs::remove_dir_all(out.join(name));
        }
    }
}

/// An exclusive lock on `out/.lock`, released when dropped or when the
/// process dies (so a lock left by a dead process is simply taken over).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    pub fn acquire(out: &Path) -> Result<Lock, RunError> {
        let path = out.join(".lock");
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(out_err(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(RunError::Locked {
                    path,
                    holder: if holder.is_empty() { "unknown process".into() } else { holder.to_string() },
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(out_err(&path)(e)),
        }
        let stamp = format!(
            "pid {} started {}\n",
            std::process::id(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        file.set_len(0).map_err(out_err(&path))?;
        file.rewind().map_err(out_err(&path))?;
        file.write_all(stamp.as_bytes()).map_err(out_err(&path))?;
        Ok(Lock { _file: file })
    }
}
