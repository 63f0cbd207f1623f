//! `manifest.json`: what a run read, with which settings, and how long each
//! stage took. Written last, after the report, so its timings cover every
//! stage; the only file of a run that differs between two runs over the same
//! corpus (run id, start time, timings, what the cache did).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::cache::Outcome;
use super::{out_err, CorpusSummary, RunError, Timings};
use crate::config::Config;
use crate::{Corpus, Skipped};

/// The file name, in the run folder.
pub const FILE: &str = "manifest.json";

/// The manifest, field for field as written.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    pub tool: Tool,
    pub run_id: &'a str,
    /// RFC 3339, UTC, whole seconds.
    pub started: String,
    /// The resolved configuration.
    pub config: &'a Config,
    /// One per document, in corpus order.
    pub inputs: Vec<Input<'a>>,
    pub skipped: &'a [Skipped],
    pub counts: &'a CorpusSummary,
    pub cache: CacheReport<'a>,
    /// Milliseconds per stage, in the order the stages ran.
    pub timings_ms: Timings,
}

/// The program that wrote the run.
#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub const THIS: Tool = Tool {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
}

/// One input document.
#[derive(Debug, Serialize)]
pub struct Input<'a> {
    pub doc: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub encoding: &'a str,
    pub passages: usize,
    pub date: Option<&'a str>,
    pub title: Option<&'a str>,
}

/// What the cache did: it keeps only the themes stage's result.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CacheReport<'a> {
    pub themes: &'a Outcome,
}

/// What the manifest is made from, gathered as the run goes.
pub struct Facts<'a> {
    pub config: &'a Config,
    pub corpus: &'a Corpus,
    pub cache: &'a Outcome,
    pub summary: &'a CorpusSummary,
    pub run_id: &'a str,
    pub started: chrono::DateTime<chrono::Utc>,
}

impl<'a> Manifest<'a> {
    /// The manifest of a run whose stages have all run (`timings` complete).
    pub fn new(f: &Facts<'a>, timings: Timings) -> Self {
        let inputs = f
            .corpus
            .documents
            .iter()
            .map(|d| Input {
                doc: &d.id,
                sha256: &d.sha256,
                size: d.size,
                encoding: &d.encoding,
                passages: d.passages.len(),
                date: d.meta.date.as_deref(),
                title: d.meta.title.as_deref(),
            })
            .collect();
        Manifest {
            tool: Tool::THIS,
            run_id: f.run_id,
            started: f.started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            config: f.config,
            inputs,
            skipped: &f.corpus.skipped,
            counts: f.summary,
            cache: CacheReport { themes: f.cache },
            timings_ms: timings,
        }
    }

    /// Write `manifest.json` into `dir` (pretty JSON and a newline).
    pub fn write(&self, dir: &Path) -> Result<PathBuf, RunError> {
        let path = dir.join(FILE);
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| out_err(&path)(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        text.push('\n');
        std::fs::write(&path, text).map_err(out_err(&path))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_report_names_what_the_themes_cache_did() {
        let reused = Outcome::Reused;
        let json = serde_json::to_string(&CacheReport { themes: &reused }).unwrap();
        assert_eq!(json, r#"{"themes":"reused"}"#);
    }

    #[test]
    fn timings_serialize_in_stage_order() {
        let mut t = Timings::new(false);
        t.time("zeta", || ());
        t.time("alpha", || ());
        let json = serde_json::to_string(&t).unwrap();
        assert!(
            json.find("zeta").unwrap() < json.find("alpha").unwrap(),
            "{json}"
        );
        assert!(json.starts_with('{'), "{json}");
    }
}
