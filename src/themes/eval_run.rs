//! Rerunnable evaluation: a labelled JSONL data set -> featurize -> themes at
//! a fixed k -> NMI and ARI against the labels, with the time each step took;
//! a parallel English-Chinese JSONL -> both sides clustered together -> the
//! share of pairs whose two sides share a theme, against chance.
//!
//! Data sets are JSONL, one object a line: `text` (or `title` and `text`,
//! joined) and `label` for labelled sets, `en` and `zh` for parallel ones. A
//! name resolves to `DATA_DIR/NAME/*.jsonl` (the folder's single JSONL file).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::eval::{ari, encode, nmi, pair_agreement, PairAgreement};
use super::{find_themes, Params, ThemesError};
use crate::featurize::{self, Featurizer};
use crate::{ingest, Lang, Passage};

#[derive(Debug, thiserror::Error)]
pub enum ThemesEvalError {
    #[error("data set {}: {message}", path.display())]
    Data { path: PathBuf, message: String },
    #[error(transparent)]
    Load(#[from] crate::param::LoadError),
    #[error(transparent)]
    Themes(#[from] ThemesError),
}

fn data_err(path: &Path, message: impl Into<String>) -> ThemesEvalError {
    ThemesEvalError::Data {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A data set name or path -> its JSONL file: a file as is; a folder's single
/// `.jsonl`; else `data_dir/NAME`.
pub fn resolve(name: &str, data_dir: &Path) -> Result<PathBuf, ThemesEvalError> {
    let direct = PathBuf::from(name);
    let path = if direct.exists() {
        direct
    } else {
        data_dir.join(name)
    };
    if path.is_file() {
        return Ok(path);
    }
    if !path.is_dir() {
        return Err(data_err(
            &path,
            format!(
                "not found (give a JSONL file, a folder holding one, or a folder name under {})",
                data_dir.display()
            ),
        ));
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .map_err(|e| data_err(&path, e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(data_err(
            &path,
            format!("expected one .jsonl file in the folder, found {n}"),
        )),
    }
}

/// The k to evaluate a data set at when none is given: the number of
/// classes of the known sets (THUCNews 10, AG News 4, BBC 5), 20 for parallel
/// sets, `None` for others.
pub fn default_k(name: &str, parallel: bool) -> Option<usize> {
    if parallel {
        return Some(20);
    }
    [("thucnews", 10), ("ag_news", 4), ("bbc", 5)]
        .iter()
        .find(|(n, _)| name.contains(n))
        .map(|&(_, k)| k)
}

/// Texts with reference labels.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub name: String,
    pub texts: Vec<String>,
    pub labels: Vec<String>,
}

/// Sentence pairs.
#[derive(Debug, Clone)]
pub struct Parallel {
    pub name: String,
    pub en: Vec<String>,
    pub zh: Vec<String>,
}

/// Either kind, told apart by the fields of the first line.
#[derive(Debug, Clone)]
pub enum Dataset {
    Labelled(Labelled),
    Parallel(Parallel),
}

fn field<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(|x| x.as_str())
}

/// Read a JSONL data set (at most `limit` rows, from the top).
pub fn load(path: &Path, limit: Option<usize>) -> Result<Dataset, ThemesEvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| data_err(path, e.to_string()))?;
    let name = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    let mut en = Vec::new();
    let mut zh = Vec::new();
    let mut parallel = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if limit.is_some_and(|l| texts.len() + en.len() >= l) {
            break;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| data_err(path, format!("line {}: {e}", i + 1)))?;
        let is_parallel =
            *parallel.get_or_insert(field(&v, "en").is_some() && field(&v, "zh").is_some());
        if is_parallel {
            match (field(&v, "en"), field(&v, "zh")) {
                (Some(e), Some(z)) => {
                    en.push(e.to_string());
                    zh.push(z.to_string());
                }
                _ => return Err(data_err(path, format!("line {}: no `en` and `zh`", i + 1))),
            }
        } else {
            let body = field(&v, "text").unwrap_or("");
            let t = match field(&v, "title") {
                Some(title) if !body.is_empty() => format!("{title}\n{body}"),
                Some(title) => title.to_string(),
                None => body.to_string(),
            };
            let label = match v.get("label") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(other) if !other.is_null() => other.to_string(),
                _ => return Err(data_err(path, format!("line {}: no `label`", i + 1))),
            };
            texts.push(t);
            labels.push(label);
        }
    }
    if texts.is_empty() && en.is_empty() {
        return Err(data_err(path, "no rows"));
    }
    Ok(if parallel == Some(true) {
        Dataset::Parallel(Parallel { name, en, zh })
    } else {
        Dataset::Labelled(Labelled {
            name,
            texts,
            labels,
        })
    })
}

/// Passages for the data set's texts: one passage a row, never boilerplate.
fn passages(name: &str, texts: &[String]) -> Vec<Passage> {
    let lp = ingest::RawParams::default().check();
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| Passage {
            doc: name.to_string(),
            line_start: i as u32 + 1,
            line_end: i as u32 + 1,
            lang: lp.as_ref().map_or(Lang::En, |lp| ingest::language(t, lp)),
            boilerplate: false,
            boilerplate_kind: None,
            text: t.clone(),
        })
        .collect()
}

/// The parameters evaluation uses: the run's, with k fixed, every passage
/// with a content token clustered and no cluster set aside for its size.
pub fn eval_params(base: &Params, k: usize) -> Params {
    Params {
        k: Some(k),
        min_content_tokens: 1,
        min_theme_size: 1,
        ..base.clone()
    }
}

/// What one featurize-and-cluster run gave.
struct Run {
    assignment: Vec<Option<u32>>,
    featurize_seconds: f64,
    themes_seconds: f64,
    n_terms: usize,
}

/// Featurize then cluster, timing each.
fn run(
    name: &str,
    texts: &[String],
    featurize: &featurize::Params,
    params: &Params,
    seed: u64,
) -> Result<Run, ThemesEvalError> {
    let t0 = Instant::now();
    let passages = passages(name, texts);
    let f = Featurizer::new(featurize)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let features = f.featurize(&refs, &vec![true; refs.len()]);
    let t_feat = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let prefs: Vec<&Passage> = passages.iter().collect();
    let themes = find_themes(&prefs, &features, params, seed)?;
    let t_themes = t1.elapsed().as_secs_f64();
    Ok(Run {
        assignment: themes.assignment,
        featurize_seconds: t_feat,
        themes_seconds: t_themes,
        n_terms: features.terms.len(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelledReport {
    pub dataset: String,
    pub n: usize,
    pub k: usize,
    pub n_terms: usize,
    pub nmi: f64,
    pub ari: f64,
    /// Passages with no content token (set aside: scored as one more cluster).
    pub set_aside: usize,
    pub featurize_seconds: f64,
    pub themes_seconds: f64,
}

/// Cluster a labelled data set at `k` themes and score it against its labels.
pub fn evaluate_labelled(
    ds: &Labelled,
    k: usize,
    featurize: &featurize::Params,
    params: &Params,
    seed: u64,
) -> Result<LabelledReport, ThemesEvalError> {
    let p = eval_params(params, k);
    let Run {
        assignment,
        featurize_seconds: tf,
        themes_seconds: tt,
        n_terms,
    } = run(&ds.name, &ds.texts, featurize, &p, seed)?;
    let set_aside = assignment.iter().filter(|a| a.is_none()).count();
    let pred: Vec<usize> = assignment
        .iter()
        .map(|a| a.map_or(k, |t| t as usize))
        .collect();
    let truth = encode(&ds.labels);
    Ok(LabelledReport {
        dataset: ds.name.clone(),
        n: ds.texts.len(),
        k,
        n_terms,
        nmi: nmi(&truth, &pred),
        ari: ari(&truth, &pred),
        set_aside,
        featurize_seconds: tf,
        themes_seconds: tt,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct ParallelReport {
    pub dataset: String,
    pub pairs: usize,
    pub k: usize,
    pub n_terms: usize,
    /// Share of pairs whose two sides share a theme.
    pub same_theme: f64,
    /// The share chance gives with the same theme sizes.
    pub chance: f64,
    /// Sides set aside (no content token), English and Chinese.
    pub set_aside_en: usize,
    pub set_aside_zh: usize,
    pub featurize_seconds: f64,
    pub themes_seconds: f64,
}

impl From<(&Parallel, PairAgreement)> for ParallelReport {
    fn from((ds, g): (&Parallel, PairAgreement)) -> Self {
        ParallelReport {
            dataset: ds.name.clone(),
            pairs: g.pairs,
            k: 0,
            n_terms: 0,
            same_theme: g.same,
            chance: g.chance,
            set_aside_en: 0,
            set_aside_zh: 0,
            featurize_seconds: 0.0,
            themes_seconds: 0.0,
        }
    }
}

/// Cluster both sides of every pair together at `k` themes; how often do a
/// sentence and its translation share a theme?
pub fn evaluate_parallel(
    ds: &Parallel,
    k: usize,
    featurize: &featurize::Params,
    params: &Params,
    seed: u64,
) -> Result<ParallelReport, ThemesEvalError> {
    let p = eval_params(params, k);
    let n = ds.en.len();
    let texts: Vec<String> = ds.en.iter().chain(&ds.zh).cloned().collect();
    let Run {
        assignment,
        featurize_seconds: tf,
        themes_seconds: tt,
        n_terms,
    } = run(&ds.name, &texts, featurize, &p, seed)?;
    let (a, b) = assignment.split_at(n);
    let g = pair_agreement(a, b);
    Ok(ParallelReport {
        k,
        n_terms,
        set_aside_en: a.iter().filter(|x| x.is_none()).count(),
        set_aside_zh: b.iter().filter(|x| x.is_none()).count(),
        featurize_seconds: tf,
        themes_seconds: tt,
        ..ParallelReport::from((ds, g))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn loads_labelled_and_parallel_sets() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "a.jsonl",
            "{\"title\":\"T\",\"text\":\"body\",\"label\":\"x\"}\n\n{\"text\":\"b\",\"label\":3}\n",
        );
        match load(&p, None).unwrap() {
            Dataset::Labelled(l) => {
                assert_eq!(l.texts, vec!["T\nbody", "b"]);
                assert_eq!(l.labels, vec!["x", "3"]);
            }
            other => panic!("{other:?}"),
        }
        let p = write(d.path(), "b.jsonl", "{\"en\":\"Hi.\",\"zh\":\"你好。\"}\n");
        assert!(matches!(load(&p, None).unwrap(), Dataset::Parallel(_)));
        let p = write(d.path(), "c.jsonl", "{\"text\":\"no label\"}\n");
        assert!(load(&p, None).is_err());
        let p = write(d.path(), "d.jsonl", "not json\n");
        assert!(load(&p, None).is_err());
    }

    #[test]
    fn default_k_of_known_sets() {
        assert_eq!(default_k("thucnews_titles_cn", false), Some(10));
        assert_eq!(default_k("ag_news_en", false), Some(4));
        assert_eq!(default_k("bbc_news", false), Some(5));
        assert_eq!(default_k("anything", true), Some(20));
        assert_eq!(default_k("mine.jsonl", false), None);
    }

    #[test]
    fn resolves_names_folders_and_files() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("set")).unwrap();
        let f = write(&d.path().join("set"), "rows.jsonl", "{}\n");
        assert_eq!(resolve("set", d.path()).unwrap(), f);
        assert_eq!(
            resolve(f.to_str().unwrap(), Path::new("/nowhere")).unwrap(),
            f
        );
        assert!(resolve("missing", d.path()).is_err());
    }

    #[test]
    fn small_labelled_set_end_to_end() {
        let mut texts = Vec::new();
        let mut labels = Vec::new();
        for i in 0..12 {
            texts.push(format!(
                "GPU chips export controls hit Nvidia chip supply, case {i}"
            ));
            labels.push("chips".to_string());
            texts.push(format!(
                "Football match: the striker scored a goal in the league final, game {i}"
            ));
            labels.push("sport".to_string());
        }
        let ds = Labelled {
            name: "toy".into(),
            texts,
            labels,
        };
        let r = evaluate_labelled(&ds, 2, &featurize::Params::default(), &Params::default(), 1)
            .unwrap();
        assert_eq!(r.n, 24);
        assert!((r.nmi - 1.0).abs() < 1e-9, "{r:?}");
        assert!((r.ari - 1.0).abs() < 1e-9, "{r:?}");
    }

    #[test]
    fn translations_land_together_through_the_bridge() {
        let mut en = Vec::new();
        let mut zh = Vec::new();
        for _ in 0..6 {
            en.push("Open-source large models need computing power.".to_string());
            zh.push("开源大模型需要算力。".to_string());
            en.push("Pretraining hit a bottleneck at OpenAI.".to_string());
            zh.push("OpenAI的预训练遇到瓶颈。".to_string());
        }
        let ds = Parallel {
            name: "toy".into(),
            en,
            zh,
        };
        let r = evaluate_parallel(&ds, 2, &featurize::Params::default(), &Params::default(), 1)
            .unwrap();
        assert_eq!(r.pairs, 12);
        assert!((r.same_theme - 1.0).abs() < 1e-9, "{r:?}");
        assert!(r.chance < 0.6, "{r:?}");
    }
}
