//! The `[stance]` section: targets, extra lexicon files, weights and label
//! thresholds, parsed raw then validated once into [`Params`].
//!
//! The default targets (`openai`, `china`) are embedded from
//! `data/stance/targets.toml`; a config adds targets, or replaces a default one
//! by giving its id, without touching code.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::lexicon::{self, Entry, Source};
use crate::param::{invalid, LoadError, ParamError};

/// The embedded default targets.
pub const DEFAULT_TARGETS: &str = include_str!("../../data/stance/targets.toml");

/// Targets a passage can take a stance toward; at most this many.
pub const MAX_TARGETS: usize = 64;

/// Aliases built as modifier + optional middle + head ("domestic" + "large" +
/// "models", "国产" + "" + "大模型"): how people refer to a group of vendors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generic {
    pub modifiers: Vec<String>,
    #[serde(default)]
    pub middles: Vec<String>,
    pub heads: Vec<String>,
    /// Heads whose compositions count only in a passage about AI ("Chinese
    /// companies" in a report on steel is not about Chinese models).
    #[serde(default)]
    pub gated_heads: Vec<String>,
}

/// One target as written in `targets.toml` or in `[[stance.targets]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases_en: Vec<String>,
    #[serde(default)]
    pub aliases_zh: Vec<String>,
    #[serde(default)]
    pub generic_en: Option<Generic>,
    #[serde(default)]
    pub generic_zh: Option<Generic>,
    /// Aliases (of the lists above) that count only in a passage about AI
    /// (a concept word, another alias that is not gated, or a title about
    /// AI): a country or a conglomerate names more than its models.
    #[serde(default)]
    pub gated: Vec<String>,
    /// Aliases that count only with the capitalisation they are written
    /// with ("Open AI" but not "open ai").
    #[serde(default)]
    pub cased: Vec<String>,
}

impl TargetSpec {
    /// Every alias with its gates ([`lexicon::GATE_CONCEPT`],
    /// [`lexicon::GATE_CASE`]).
    pub fn alias_gates(&self) -> Vec<(String, u8)> {
        let same = |a: &str, list: &[String]| {
            let k = lexicon::term_keys(a);
            list.iter().any(|g| lexicon::term_keys(g) == k)
        };
        let explicit = self.aliases_en.iter().chain(&self.aliases_zh).map(|a| {
            let mut gate = 0;
            if same(a, &self.gated) {
                gate |= lexicon::GATE_CONCEPT;
            }
            if same(a, &self.cased) {
                gate |= lexicon::GATE_CASE;
            }
            (a.clone(), gate)
        });
        let generic = self.compositions().into_iter().map(|(a, head_gated)| {
            let gate = if head_gated { lexicon::GATE_CONCEPT } else { 0 };
            (a, gate)
        });
        explicit.chain(generic).collect()
    }

    /// Every alias: the explicit ones, then the generic compositions (English
    /// joined by spaces, Chinese concatenated).
    pub fn aliases(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .aliases_en
            .iter()
            .chain(&self.aliases_zh)
            .cloned()
            .collect();
        out.extend(self.compositions().into_iter().map(|(a, _)| a));
        out
    }

    /// The generic compositions, each with whether its head is gated.
    fn compositions(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (g, sep) in [(&self.generic_en, " "), (&self.generic_zh, "")] {
            let Some(g) = g else { continue };
            let empty = [String::new()];
            let middles: &[String] = if g.middles.is_empty() {
                &empty
            } else {
                &g.middles
            };
            for m in &g.modifiers {
                for mid in middles {
                    for h in &g.heads {
                        let parts: Vec<&str> = [m.as_str(), mid.as_str(), h.as_str()]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect();
                        out.push((parts.join(sep), g.gated_heads.contains(h)));
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    target: Vec<TargetSpec>,
}

/// The default targets, parsed from the embedded file.
pub fn default_targets() -> Result<Vec<TargetSpec>, LoadError> {
    toml::from_str::<TargetsFile>(DEFAULT_TARGETS)
        .map(|f| f.target)
        .map_err(|e| LoadError::Parse {
            path: PathBuf::from("data/stance/targets.toml (embedded)"),
            line: None,
            message: e.to_string().trim_end().replace('\n', " | "),
        })
}

/// The `[stance]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// Targets added to the defaults; one with a default's id replaces it.
    pub targets: Option<Vec<TargetSpec>>,
    /// Keep the embedded default targets (`openai`, `china`); default true.
    pub default_targets: Option<bool>,
    /// Extra lexicon files (`term<TAB>kind<TAB>args`, see
    /// `data/stance/README.md`), relative to the config file. Their entries
    /// override the shipped ones.
    pub lexicons: Option<Vec<PathBuf>>,
    /// Weight of the general-purpose lexicons against the domain lexicon
    /// (0 to 1; default 0.5): mood words say less about a target than
    /// "lags behind" does.
    pub general_weight: Option<f64>,
    /// Score at or above which a stance is `favor` (default 0.2).
    pub favor_threshold: Option<f64>,
    /// Score at or below which a stance is `against` (default -0.2).
    pub against_threshold: Option<f64>,
}

/// The validated `[stance]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub targets: Vec<TargetSpec>,
    pub lexicons: Vec<PathBuf>,
    pub general_weight: f64,
    pub favor_threshold: f64,
    pub against_threshold: f64,
    /// Entries of the extra lexicon files, in file order.
    #[serde(skip)]
    pub extra_entries: Vec<Entry>,
}

impl Default for Params {
    /// The defaults, as an empty `[stance]` section gives them. The embedded
    /// default targets failing to parse is a defect of the build, not "no
    /// targets": it panics here (and a unit test holds it), and
    /// [`RawParams::check`] returns it as an error.
    fn default() -> Self {
        match RawParams::default().check(Path::new(".")) {
            Ok(p) => p,
            Err(e) => panic!("the embedded default [stance] section is invalid: {e}"),
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl RawParams {
    pub fn check(self, base: &Path) -> Result<Params, ParamError> {
        let mut targets = if self.default_targets.unwrap_or(true) {
            default_targets()?
        } else {
            Vec::new()
        };
        for t in self.targets.unwrap_or_default() {
            if !valid_id(&t.id) {
                return Err(invalid(
                    "stance.targets.id",
                    format!("{:?}", t.id),
                    "lowercase ASCII letters, digits, `_` or `-` (1 to 64)",
                ));
            }
            match targets.iter_mut().find(|d| d.id == t.id) {
                Some(d) => *d = t,
                None => targets.push(t),
            }
        }
        if targets.is_empty() {
            return Err(invalid(
                "stance.targets",
                "[]",
                "at least one target (or stance.default_targets = true)",
            ));
        }
        if targets.len() > MAX_TARGETS {
            return Err(invalid(
                "stance.targets",
                targets.len(),
                format!("at most {MAX_TARGETS} targets"),
            ));
        }
        for t in &targets {
            let aliases = t.aliases();
            if aliases.is_empty() {
                return Err(invalid(
                    &format!("stance.targets.{}.aliases_en", t.id),
                    "[]",
                    "at least one alias (aliases_en, aliases_zh or generic_*)",
                ));
            }
            if let Some(a) = aliases.iter().find(|a| lexicon::term_keys(a).is_empty()) {
                return Err(invalid(
                    &format!("stance.targets.{}.aliases", t.id),
                    format!("{a:?}"),
                    "an alias with at least one letter, digit or Han character",
                ));
            }
        }
        let general_weight = self.general_weight.unwrap_or(0.5);
        if !(0.0..=1.0).contains(&general_weight) {
            return Err(invalid(
                "stance.general_weight",
                general_weight,
                "a weight from 0 to 1",
            ));
        }
        let favor = self.favor_threshold.unwrap_or(0.2);
        if !(favor > 0.0 && favor < 1.0) {
            return Err(invalid(
                "stance.favor_threshold",
                favor,
                "a score above 0 and below 1",
            ));
        }
        let against = self.against_threshold.unwrap_or(-0.2);
        if !(against > -1.0 && against < 0.0) {
            return Err(invalid(
                "stance.against_threshold",
                against,
                "a score above -1 and below 0",
            ));
        }
        let lexicons: Vec<PathBuf> = self
            .lexicons
            .unwrap_or_default()
            .into_iter()
            .map(|p| if p.is_absolute() { p } else { base.join(p) })
            .collect();
        let mut extra_entries = Vec::new();
        for path in &lexicons {
            let text =
                crate::io_limits::read_text_bounded(path, crate::io_limits::SMALL_FILE_LIMIT)
                    .map_err(|source| LoadError::Read {
                        path: path.clone(),
                        what: " lexicon",
                        source,
                    })?;
            let entries =
                lexicon::parse_tsv(&text, Source::Domain).map_err(|(line, message)| {
                    LoadError::Parse {
                        path: path.clone(),
                        line: Some(line),
                        message,
                    }
                })?;
            extra_entries.extend(entries);
        }
        Ok(Params {
            targets,
            lexicons,
            general_weight,
            favor_threshold: favor,
            against_threshold: against,
            extra_entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(toml_text: &str) -> RawParams {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn defaults_have_both_targets_with_bilingual_generic_aliases() {
        let p = RawParams::default().check(Path::new(".")).unwrap();
        let ids: Vec<&str> = p.targets.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["openai", "china"]);
        let china = p.targets[1].aliases();
        for a in [
            "国产大模型",
            "domestic models",
            "China-made LLMs",
            "中国厂商",
            "Qwen",
        ] {
            assert!(china.iter().any(|x| x == a), "missing {a}");
        }
        assert!(p.targets[0].aliases().iter().any(|x| x == "ChatGPT"));
    }

    #[test]
    fn user_targets_add_and_replace() {
        let p = raw(r#"
            targets = [
              { id = "nvidia", name = "Nvidia", aliases_en = ["Nvidia"], aliases_zh = ["英伟达"] },
              { id = "openai", name = "OpenAI only", aliases_en = ["OpenAI"] },
            ]"#)
        .check(Path::new("."))
        .unwrap();
        assert_eq!(p.targets.len(), 3);
        assert_eq!(p.targets[0].aliases(), ["OpenAI"]);
        assert_eq!(p.targets[2].id, "nvidia");
    }

    #[test]
    fn invalid_values_are_named() {
        let e = raw("general_weight = 2.0")
            .check(Path::new("."))
            .unwrap_err();
        assert!(e.to_string().contains("stance.general_weight"), "{e}");
        let e = raw("favor_threshold = 0.0")
            .check(Path::new("."))
            .unwrap_err();
        assert!(e.to_string().contains("favor_threshold"), "{e}");
        let e = raw(r#"targets = [{ id = "Bad Id", name = "x", aliases_en = ["x"] }]"#)
            .check(Path::new("."))
            .unwrap_err();
        assert!(e.to_string().contains("Bad Id"), "{e}");
        let e = raw(r#"targets = [{ id = "x", name = "x" }]"#)
            .check(Path::new("."))
            .unwrap_err();
        assert!(e.to_string().contains("alias"), "{e}");
        let e = raw("default_targets = false")
            .check(Path::new("."))
            .unwrap_err();
        assert!(e.to_string().contains("stance.targets"), "{e}");
        assert!(toml::from_str::<RawParams>("unknown = 1").is_err());
    }

    #[test]
    fn malformed_lexicon_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.tsv"),
            "# my terms\nstall out\tpol\t-2\nbad line without tabs\n",
        )
        .unwrap();
        let e = raw(r#"lexicons = ["mine.tsv"]"#)
            .check(dir.path())
            .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("mine.tsv") && msg.contains("line 3"), "{msg}");
        let e = raw(r#"lexicons = ["missing.tsv"]"#)
            .check(dir.path())
            .unwrap_err();
        assert!(e.to_string().contains("missing.tsv"));
    }
}
