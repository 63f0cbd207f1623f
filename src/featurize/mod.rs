//! featurize (being built)
use crate::config::ConfigError;
use serde::{Deserialize, Serialize};
use std::path::Path;
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {}
#[derive(Debug, Clone, Serialize)]
pub struct Params {}
impl RawParams {
    pub fn check(self, _base: &Path) -> Result<Params, ConfigError> {
        Ok(Params {})
    }
}
