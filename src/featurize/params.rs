//! The `[featurize]` section: as written, validated, and its defaults.

#[allow(unused_imports)]
use super::*;

/// The `[featurize]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// Keep terms in at least this many content passages.
    pub min_df: Option<i64>,
    /// Drop terms in more than this share of content passages.
    pub max_df: Option<f64>,
    /// 1 + ln(tf) instead of raw counts.
    pub sublinear_tf: Option<bool>,
    /// ln((1 + n) / (1 + df)) + 1 instead of ln(n / df) + 1.
    pub smooth_idf: Option<bool>,
    /// jieba's HMM for words not in its dictionary.
    pub hmm: Option<bool>,
    /// Chinese words shorter than this many characters are dropped (glossary
    /// words excepted).
    pub min_han_chars: Option<i64>,
    /// Extra files: stop words (one per line), jieba user dictionaries
    /// (`word [freq [tag]]`) and glossaries (TOML `[[concept]]`). Relative
    /// paths resolve against the config file's folder.
    pub stop_words: Vec<PathBuf>,
    pub user_dict: Vec<PathBuf>,
    pub glossary: Vec<PathBuf>,
    /// Use the built-in glossary (the bilingual bridge). Default true.
    pub builtin_glossary: Option<bool>,
    /// Add the CC-CEDICT English key (the compiled-in bridge,
    /// `data/bridge/`) beside each Chinese word the glossary lacks:
    /// `"auto"` (the default: in bilingual corpora only), `"on"` or `"off"`.
    pub cedict_fallback: Option<String>,
}

/// The validated `[featurize]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    #[serde(flatten)]
    pub weighting: Weighting,
    pub hmm: bool,
    pub min_han_chars: usize,
    pub stop_words: Vec<PathBuf>,
    pub user_dict: Vec<PathBuf>,
    pub glossary: Vec<PathBuf>,
    pub builtin_glossary: bool,
    pub cedict_fallback: Cedict,
    /// Ingest's language thresholds, which the bilingual test uses (set by
    /// the config from `[ingest]`; not a key of `[featurize]`).
    #[serde(skip)]
    pub lang_shares: crate::LangShares,
}

/// When the CC-CEDICT fallback bridge is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cedict {
    Off,
    On,
    /// Only when at least 2% (and 3) of the texts are English and as many
    /// Chinese: on Chinese-only text the added English keys merge words of
    /// different senses (THUCNews titles lost 0.08 NMI with them).
    Auto,
}

impl RawParams {
    pub fn check(self, base: &Path) -> Result<Params, ParamError> {
        let min_df = self.min_df.unwrap_or(2);
        if !(1..=u32::MAX as i64).contains(&min_df) {
            return Err(invalid(
                "featurize.min_df",
                min_df,
                "a whole number of passages, at least 1",
            ));
        }
        let max_df = self.max_df.unwrap_or(0.95);
        if !(max_df > 0.0 && max_df <= 1.0) {
            return Err(invalid(
                "featurize.max_df",
                max_df,
                "a share of passages in (0, 1]",
            ));
        }
        let min_han_chars = self.min_han_chars.unwrap_or(2);
        if !(1..=8).contains(&min_han_chars) {
            return Err(invalid("featurize.min_han_chars", min_han_chars, "1 to 8"));
        }
        let resolve = |v: Vec<PathBuf>| -> Vec<PathBuf> {
            v.into_iter()
                .map(|p| if p.is_relative() { base.join(p) } else { p })
                .collect()
        };
        let cedict_fallback = match self.cedict_fallback.as_deref() {
            Some("off") => Cedict::Off,
            Some("on") => Cedict::On,
            None | Some("auto") => Cedict::Auto,
            Some(v) => {
                return Err(invalid(
                    "featurize.cedict_fallback",
                    format!("{v:?}"),
                    "\"auto\", \"on\" or \"off\"",
                ))
            }
        };
        Ok(Params {
            weighting: Weighting {
                min_df: min_df as u32,
                max_df,
                sublinear_tf: self.sublinear_tf.unwrap_or(true),
                smooth_idf: self.smooth_idf.unwrap_or(true),
            },
            hmm: self.hmm.unwrap_or(true),
            min_han_chars: min_han_chars as usize,
            stop_words: resolve(self.stop_words),
            user_dict: resolve(self.user_dict),
            glossary: resolve(self.glossary),
            builtin_glossary: self.builtin_glossary.unwrap_or(true),
            cedict_fallback,
            lang_shares: crate::LangShares::DEFAULT,
        })
    }
}

impl Params {
    /// These params with ingest's language thresholds (the config composes
    /// the two sections; featurize asks the same rule as ingest).
    pub fn with_lang_shares(mut self, shares: crate::LangShares) -> Self {
        self.lang_shares = shares;
        self
    }
}

impl Default for Params {
    fn default() -> Self {
        RawParams::default()
            .check(Path::new("."))
            .expect("the default featurize params are valid")
    }
}
