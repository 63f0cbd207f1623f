//! Configuration: the TOML file and flags parse into raw structs (one section
//! per stage, each defined beside its stage as `RawParams`), then validate once
//! into [`Config`], which the stages use without re-checking.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::param::{ranged, ParamError};
use crate::{featurize, ingest, report, stance, themes};

/// A configuration that cannot be used: the file, its syntax, or a key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: crate::io_limits::ReadError,
    },
    #[error("config {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    /// A key whose value is not allowed, or a file it names that cannot be used.
    #[error(transparent)]
    Param(#[from] ParamError),
}

/// The config as written: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    /// Corpus directory (default `seeds`).
    pub corpus: Option<PathBuf>,
    /// Output directory (default `reports`).
    pub output: Option<PathBuf>,
    /// Seed for every random choice (k-means initialisation, SVD, sampling).
    pub seed: Option<u64>,
    /// How many run directories to keep in the output directory.
    pub keep_runs: Option<i64>,
    pub ingest: ingest::RawParams,
    pub featurize: featurize::RawParams,
    pub themes: themes::RawParams,
    pub stance: stance::RawParams,
    pub report: report::RawParams,
}

/// The validated configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub corpus: PathBuf,
    pub output: PathBuf,
    pub seed: u64,
    pub keep_runs: usize,
    pub ingest: ingest::Params,
    pub featurize: featurize::Params,
    pub themes: themes::Params,
    pub stance: stance::Params,
    pub report: report::Params,
}

/// The default config file, read when present in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "stancemap.toml";

impl RawConfig {
    /// Read and parse a TOML file (no validation yet).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = crate::io_limits::read_text_bounded(path, crate::io_limits::SMALL_FILE_LIMIT)
            .map_err(|source| ConfigError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Self::from_toml(&text, path)
    }

    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().replace('\n', " | "),
        })
    }

    /// Validate into a [`Config`]. Relative paths named inside the file resolve
    /// against `base` (the config file's directory).
    pub fn check(self, base: &Path) -> Result<Config, ConfigError> {
        let keep_runs = ranged("keep_runs", self.keep_runs, 7, 1, 1000)?;
        let ingest = self.ingest.check()?;
        Ok(Config {
            corpus: self
                .corpus
                .map_or_else(|| PathBuf::from("seeds"), |p| relative_to(base, p)),
            output: self
                .output
                .map_or_else(|| PathBuf::from("reports"), |p| relative_to(base, p)),
            seed: self.seed.unwrap_or(42),
            keep_runs,
            featurize: self
                .featurize
                .check(base)?
                .with_lang_shares(ingest.lang_shares()),
            ingest,
            themes: self.themes.check()?,
            stance: self.stance.check(base)?,
            report: self.report.check()?,
        })
    }
}

/// A path named in the config file, resolved against the file's folder.
fn relative_to(base: &Path, p: PathBuf) -> PathBuf {
    if p.is_absolute() || base == Path::new(".") || base.as_os_str().is_empty() {
        p
    } else {
        base.join(p)
    }
}
