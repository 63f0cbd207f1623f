//! Report: everything above -> data files, charts (PNG and SVG), pages.

use serde::{Deserialize, Serialize};

use crate::config::ConfigError;

/// The `[report]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {}

/// The validated `[report]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {}

impl RawParams {
    pub fn check(self) -> Result<Params, ConfigError> {
        Ok(Params {})
    }
}
