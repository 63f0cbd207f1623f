//! `manifest.json`: what a run read, with which settings, and how long each
//! stage took. Written last, after the report, so its timings cover every
//! stage; the only file of a run that differs between two runs over the same
//! corpus (run id, start time, timings, what the cache did).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::cache::Origin;
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
    pub cache: CacheCounts,
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
    pub origin: Origin,
}

/// How many documents the cache served whole, served the terms of, or left
/// to be analyzed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CacheCounts {
    pub cached: usize,
    pub read_cached: usize,
    pub analyzed: usize,
}

impl CacheCounts {
    pub fn new(origins: &[Origin]) -> Self {
        let count = |o: Origin| origins.iter().filter(|&&x| x == o).count();
        CacheCounts {
            cached: count(Origin::Cached),
            read_cached: count(Origin::ReadCached),
            analyzed: count(Origin::Analyzed),
        }
    }
}

/// What the manifest is made from, gathered as the run goes.
pub struct Facts<'a> {
    pub config: &'a Config,
    pub corpus: &'a Corpus,
    pub origins: &'a [Origin],
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
            .zip(f.origins)
            .map(|(d, &origin)| Input {
                doc: &d.id,
                sha256: &d.sha256,
                size: d.size,
                encoding: &d.encoding,
                passages: d.passages.len(),
                date: d.meta.date.as_deref(),
                title: d.meta.title.as_deref(),
                origin,
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
            cache: CacheCounts::new(f.origins),
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
    fn cache_counts_each_origin() {
        let c = CacheCounts::new(&[Origin::Cached, Origin::Analyzed, Origin::Analyzed]);
        assert_eq!(
            c,
            CacheCounts {
                cached: 1,
                read_cached: 0,
                analyzed: 2
            }
        );
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
