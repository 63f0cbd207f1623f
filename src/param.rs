//! Parameter errors and range checks: the leaf every stage's
//! `RawParams::check` uses, so that no stage imports `config` (which composes
//! the stages' sections) and `config` imports the stages one way.
//!
//! Two errors live here, because both are raised while checking or loading
//! what the parameters name:
//! - [`ParamError`]: a key whose value is not allowed, or a file a key names
//!   that cannot be used, found while checking the config;
//! - [`LoadError`]: a data file (word list, lexicon, target list, built-in or
//!   named by the config) that cannot be read or parsed, whenever it is loaded.

use std::fmt::Display;
use std::path::PathBuf;

/// A parameter that cannot be used, with the key, the value and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum ParamError {
    #[error("config key `{key}` = {value}: {allowed}")]
    Invalid {
        key: String,
        value: String,
        allowed: String,
    },
    /// A file named by a key (or compiled in as its default) that cannot be loaded.
    #[error(transparent)]
    File(#[from] LoadError),
}

/// A data file that cannot be read or parsed, named with the line at fault.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read{what}: {source}", path.display())]
    Read {
        path: PathBuf,
        /// What the file is, with a leading space (" lexicon"), or empty.
        what: &'static str,
        #[source]
        source: crate::io_limits::ReadError,
    },
    #[error("{}: {}{message}", path.display(), line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        /// 1-based line of the problem, when there is one.
        line: Option<usize>,
        message: String,
    },
}

/// Shorthand for [`ParamError::Invalid`].
pub fn invalid(key: &str, value: impl Display, allowed: impl Into<String>) -> ParamError {
    ParamError::Invalid {
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.into(),
    }
}

/// A whole number from `lo` to `hi` (`default` when the key is absent), as
/// the type the validated params keep it in. `key` is the full key
/// (`themes.k_min`), as the error names it.
pub fn ranged<T: TryFrom<i64>>(
    key: &str,
    value: Option<i64>,
    default: i64,
    lo: i64,
    hi: i64,
) -> Result<T, ParamError> {
    let v = value.unwrap_or(default);
    match T::try_from(v) {
        Ok(t) if (lo..=hi).contains(&v) => Ok(t),
        _ => Err(invalid(key, v, format!("a whole number from {lo} to {hi}"))),
    }
}

/// A share from 0 to 1 (`default` when absent).
pub fn share(key: &str, value: Option<f64>, default: f64) -> Result<f64, ParamError> {
    let v = value.unwrap_or(default);
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(invalid(key, v, "a share from 0 to 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranged_takes_the_default_and_names_the_key() {
        assert_eq!(ranged::<usize>("a.b", None, 7, 1, 10).unwrap(), 7);
        assert_eq!(ranged::<u32>("a.b", Some(10), 7, 1, 10).unwrap(), 10);
        let e = ranged::<usize>("a.b", Some(0), 7, 1, 10).unwrap_err();
        assert_eq!(
            e.to_string(),
            "config key `a.b` = 0: a whole number from 1 to 10"
        );
        // A value the target type cannot hold is out of range too.
        assert!(ranged::<u8>("a.b", Some(300), 7, 0, 1000).is_err());
    }

    #[test]
    fn share_checks_zero_to_one() {
        assert_eq!(share("x", None, 0.5).unwrap(), 0.5);
        assert!(share("x", Some(1.5), 0.5).is_err());
        assert!(share("x", Some(f64::NAN), 0.5).is_err());
    }

    #[test]
    fn load_errors_name_file_and_line() {
        let e = LoadError::Parse {
            path: "words.txt".into(),
            line: Some(3),
            message: "empty word".into(),
        };
        assert_eq!(e.to_string(), "words.txt: line 3: empty word");
        let e = LoadError::Parse {
            path: "t.toml".into(),
            line: None,
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "t.toml: bad");
    }
}
