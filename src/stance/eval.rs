//! Evaluation you can rerun: macro-F1 per target on the labelled seed passages
//! (`data/eval/stance_dev.jsonl`), and the out-of-domain sets (stance: NLPCC
//! 2016 Chinese microblogs, TweetEval/SemEval-2016 English tweets; polarity:
//! ChnSentiCorp hotel reviews, SST-2 GLUE dev).
//!
//! The data directory is an argument (the benchmark data is research-use and
//! never ships with the repo). Out-of-domain stance uses the dataset's target
//! names with a few aliases and a fallback: a term with no named target goes to
//! the dataset's target, since every text there is about it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Params, Scorer, StanceLabel, TargetSpec};
use crate::Corpus;

/// Gold or predicted class of a passage toward a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Favor,
    Neutral,
    Against,
    None,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Favor, Class::Neutral, Class::Against, Class::None];

    fn idx(self) -> usize {
        self as usize
    }

    pub fn from_label(l: Option<StanceLabel>) -> Class {
        match l {
            Some(StanceLabel::Favor) => Class::Favor,
            Some(StanceLabel::Neutral) => Class::Neutral,
            Some(StanceLabel::Against) => Class::Against,
            None => Class::None,
        }
    }
}

/// A 4x4 confusion matrix, gold rows x predicted columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Confusion(pub [[usize; 4]; 4]);

impl Confusion {
    pub fn add(&mut self, gold: Class, pred: Class) {
        self.0[gold.idx()][pred.idx()] += 1;
    }

    pub fn f1(&self, c: Class) -> f64 {
        let i = c.idx();
        let tp = self.0[i][i] as f64;
        let pred: usize = (0..4).map(|g| self.0[g][i]).sum();
        let gold: usize = self.0[i].iter().sum();
        if pred + gold == 0 {
            return 0.0;
        }
        2.0 * tp / (pred + gold) as f64
    }

    /// Mean F1 over `classes`.
    pub fn macro_f1(&self, classes: &[Class]) -> f64 {
        classes.iter().map(|&c| self.f1(c)).sum::<f64>() / classes.len().max(1) as f64
    }

    /// Precision and recall of "concerned" (any class but none).
    pub fn concern(&self) -> (f64, f64) {
        let both: usize = (0..3)
            .map(|g| (0..3).map(|p| self.0[g][p]).sum::<usize>())
            .sum();
        let pred: usize = (0..4)
            .map(|g| (0..3).map(|p| self.0[g][p]).sum::<usize>())
            .sum();
        let gold: usize = (0..3).map(|g| self.0[g].iter().sum::<usize>()).sum();
        let r = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        (r(both, pred), r(both, gold))
    }

    pub fn accuracy(&self) -> f64 {
        let total: usize = self.0.iter().flatten().sum();
        let right: usize = (0..4).map(|i| self.0[i][i]).sum();
        if total == 0 {
            0.0
        } else {
            right as f64 / total as f64
        }
    }

    pub fn total(&self) -> usize {
        self.0.iter().flatten().sum()
    }
}

/// The three stance classes macro-F1 averages over on the dev set.
pub const STANCE_CLASSES: [Class; 3] = [Class::Favor, Class::Neutral, Class::Against];

/// One labelled dev passage.
#[derive(Debug, Clone, Deserialize)]
pub struct DevRow {
    pub doc: String,
    pub line_start: u32,
    #[serde(flatten)]
    pub labels: BTreeMap<String, serde_json::Value>,
}

/// One dev passage with its gold and predicted classes, per target.
#[derive(Debug, Clone, Serialize)]
pub struct DevPrediction {
    pub doc: String,
    pub line_start: u32,
    pub lang: crate::Lang,
    pub text: String,
    pub gold: BTreeMap<String, Class>,
    pub pred: BTreeMap<String, Class>,
    pub score: BTreeMap<String, Option<f64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StanceEvalError {
    #[error("{path}: {message}")]
    Data { path: String, message: String },
    #[error(transparent)]
    Load(#[from] crate::param::LoadError),
}

fn data_err(path: &Path, message: impl Into<String>) -> StanceEvalError {
    StanceEvalError::Data {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, StanceEvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| data_err(path, e.to_string()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| data_err(path, format!("line {}: {e}", i + 1)))
        })
        .collect()
}

fn gold_class(v: &serde_json::Value) -> Option<Class> {
    serde_json::from_value(v.clone()).ok()
}

/// Score the labelled dev passages (taken from `corpus`, as ingest made
/// them) and return per-passage predictions and a confusion matrix per target.
pub fn dev_eval(
    scorer: &Scorer,
    corpus: &Corpus,
    rows: &[DevRow],
) -> (Vec<DevPrediction>, BTreeMap<String, Confusion>) {
    let targets = scorer.target_ids();
    let mut confusion: BTreeMap<String, Confusion> = BTreeMap::new();
    let mut preds = Vec::new();
    for row in rows {
        let Some((d, p)) = corpus.documents.iter().find_map(|d| {
            d.passages
                .iter()
                .find(|p| p.doc == row.doc && p.line_start == row.line_start)
                .map(|p| (d, p))
        }) else {
            continue;
        };
        let stance = scorer.score_in(&p.text, d.meta.title.as_deref());
        let mut gold = BTreeMap::new();
        let mut pred = BTreeMap::new();
        let mut score = BTreeMap::new();
        for t in &targets {
            let Some(g) = row.labels.get(*t).and_then(gold_class) else {
                continue;
            };
            let s = stance.get(*t).and_then(|s| s.as_ref());
            let c = Class::from_label(s.map(|s| s.label));
            confusion.entry(t.to_string()).or_default().add(g, c);
            gold.insert(t.to_string(), g);
            pred.insert(t.to_string(), c);
            score.insert(t.to_string(), s.map(|s| s.score));
        }
        preds.push(DevPrediction {
            doc: row.doc.clone(),
            line_start: row.line_start,
            lang: p.lang,
            text: p.text.clone(),
            gold,
            pred,
            score,
        });
    }
    (preds, confusion)
}

/// Load the dev labels.
pub fn load_dev(path: &Path) -> Result<Vec<DevRow>, StanceEvalError> {
    read_jsonl(path)
}

#[derive(Debug, Clone, Deserialize)]
struct StanceRow {
    target: String,
    text: String,
    stance: String,
}

#[derive(Debug, Clone, Deserialize)]
struct PolarityRow {
    #[serde(default)]
    split: Option<String>,
    text: String,
    label: String,
}

/// Aliases for the out-of-domain targets: the target name plus the short
/// forms tweets and microblogs use for it.
pub fn ood_aliases(target: &str) -> Vec<String> {
    let extra: &[&str] = match target {
        "Hillary Clinton" => &["Hillary", "Clinton", "HillaryClinton", "Hillary2016"],
        "Feminist Movement" => &["feminist", "feminists", "feminism"],
        "Legalization of Abortion" => &["abortion", "pro-choice", "prochoice"],
        "Atheism" => &["atheist", "atheists"],
        "Climate Change is a Real Concern" => &["climate change", "global warming", "climate"],
        "IphoneSE" => &["iPhone SE", "iPhoneSE", "SE"],
        "春节放鞭炮" => &["放鞭炮", "鞭炮", "烟花爆竹", "燃放"],
        "俄罗斯在叙利亚的反恐行动" => &["俄罗斯", "俄军", "普京"],
        "开放二胎" => &["二胎", "二孩", "全面二孩"],
        "深圳禁摩限电" => &["禁摩", "限电", "禁摩限电"],
        _ => &[],
    };
    std::iter::once(target.to_string())
        .chain(extra.iter().map(|s| s.to_string()))
        .collect()
}

/// Result of one out-of-domain set.
#[derive(Debug, Clone, Serialize)]
pub struct OodResult {
    pub dataset: String,
    pub n: usize,
    /// Gold x predicted over favor / neutral(=NONE) / against.
    pub confusion: Confusion,
    /// SemEval-2016's official measure: mean F1 of favor and against.
    pub f_avg: f64,
    /// Mean F1 of favor, none and against.
    pub macro_f1: f64,
}

fn slug(t: &str) -> String {
    let s: String = t
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("t{}-{}", t.chars().count(), s.trim_matches('-'))
}

/// Out-of-domain stance: one scorer per dataset target, NONE = neutral or
/// not concerned.
pub fn ood_stance(
    params: &Params,
    path: &Path,
    dataset: &str,
) -> Result<OodResult, StanceEvalError> {
    let rows: Vec<StanceRow> = read_jsonl(path)?;
    let mut targets: Vec<String> = rows.iter().map(|r| r.target.clone()).collect();
    targets.sort();
    targets.dedup();
    let mut p = params.clone();
    p.targets = targets
        .iter()
        .map(|t| {
            let aliases = ood_aliases(t);
            let (zh, en): (Vec<String>, Vec<String>) = aliases
                .into_iter()
                .partition(|a| a.chars().any(crate::text::is_han));
            TargetSpec {
                id: slug(t),
                name: t.clone(),
                aliases_en: en,
                aliases_zh: zh,
                generic_en: None,
                generic_zh: None,
                gated: Vec::new(),
                cased: Vec::new(),
            }
        })
        .collect();
    let scorer = Scorer::new(&p)?;
    let mut conf = Confusion::default();
    let mut n = 0;
    for r in &rows {
        let gold = match r.stance.to_lowercase().as_str() {
            "favor" => Class::Favor,
            "against" => Class::Against,
            "none" => Class::Neutral,
            _ => continue,
        };
        let id = slug(&r.target);
        let s = scorer.score_with_fallback(&r.text, Some(&id));
        let pred = match s.get(&id).and_then(|x| x.as_ref()).map(|x| x.label) {
            Some(StanceLabel::Favor) => Class::Favor,
            Some(StanceLabel::Against) => Class::Against,
            _ => Class::Neutral,
        };
        conf.add(gold, pred);
        n += 1;
    }
    Ok(OodResult {
        dataset: dataset.to_string(),
        n,
        f_avg: conf.macro_f1(&[Class::Favor, Class::Against]),
        macro_f1: conf.macro_f1(&STANCE_CLASSES),
        confusion: conf,
    })
}

/// Result of one polarity set (favor = positive, against = negative).
#[derive(Debug, Clone, Serialize)]
pub struct PolarityResult {
    pub dataset: String,
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Share of texts with a non-zero score (the rest count as positive).
    pub coverage: f64,
}

/// Whole-text polarity with the same lexicons and rules: one target that
/// every term attaches to.
pub fn polarity(
    params: &Params,
    path: &Path,
    dataset: &str,
    split: Option<&str>,
) -> Result<PolarityResult, StanceEvalError> {
    let rows: Vec<PolarityRow> = read_jsonl(path)?;
    let mut p = params.clone();
    p.targets = vec![TargetSpec {
        id: "text".into(),
        name: "the text".into(),
        aliases_en: vec![],
        aliases_zh: vec![],
        generic_en: None,
        generic_zh: None,
        gated: Vec::new(),
        cased: Vec::new(),
    }];
    // Mood is the whole signal here: the general lexicons at full weight.
    p.general_weight = 1.0;
    let scorer = Scorer::new(&p)?;
    let mut conf = Confusion::default();
    let mut covered = 0usize;
    for r in rows
        .iter()
        .filter(|r| split.is_none() || r.split.as_deref() == split)
    {
        let gold = match r.label.as_str() {
            "pos" | "positive" => Class::Favor,
            "neg" | "negative" => Class::Against,
            _ => continue,
        };
        let s = scorer.score_with_fallback(&r.text, Some("text"));
        let score = s
            .get("text")
            .and_then(|x| x.as_ref())
            .map_or(0.0, |x| x.score);
        if score != 0.0 {
            covered += 1;
        }
        conf.add(
            gold,
            if score >= 0.0 {
                Class::Favor
            } else {
                Class::Against
            },
        );
    }
    let n = conf.total();
    Ok(PolarityResult {
        dataset: dataset.to_string(),
        n,
        accuracy: conf.accuracy(),
        macro_f1: conf.macro_f1(&[Class::Favor, Class::Against]),
        coverage: if n == 0 {
            0.0
        } else {
            covered as f64 / n as f64
        },
    })
}

/// The benchmark sets: directory, file, display name, split.
const OOD_STANCE: [(&str, &str, &str); 2] = [
    (
        "nlpcc2016_stance_cn",
        "nlpcc2016_taskA_stance.jsonl",
        "NLPCC 2016 task A (zh)",
    ),
    (
        "tweeteval_stance_en",
        "tweeteval_stance.jsonl",
        "TweetEval stance (en)",
    ),
];
const POLARITY: [(&str, &str, &str, Option<&str>); 2] = [
    (
        "chnsenticorp_htl_cn",
        "ChnSentiCorp_htl_all.jsonl",
        "ChnSentiCorp htl (zh)",
        None,
    ),
    (
        "sst2_en",
        "sst2.jsonl",
        "SST-2 glue_dev (en)",
        Some("glue_dev"),
    ),
];

/// One passage of a field set (`data/eval/field/*.jsonl`, see
/// `docs/stance-evaluation.md`): a web excerpt with its page title, language,
/// script and a gold label per target.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldRow {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub lang: String,
    pub script: String,
    pub text: String,
    #[serde(flatten)]
    pub labels: BTreeMap<String, serde_json::Value>,
}

/// One field passage scored: gold, predicted, score, and what decided it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldPrediction {
    pub id: String,
    pub lang: String,
    pub script: String,
    pub text: String,
    pub gold: BTreeMap<String, Class>,
    pub pred: BTreeMap<String, Class>,
    pub score: BTreeMap<String, Option<f64>>,
    /// Per target: the rule of the evidence that weighs most in the
    /// direction of the score (`mention` when only a name was found).
    pub decided_by: BTreeMap<String, String>,
}

/// What decided a stance: the head of the rule of its heaviest evidence in
/// the direction of the score, with `general` / frame marks kept
/// (`lexicon`, `relation:subject`, `parity+past`, `mention` for none).
pub fn decided_by(s: &super::TargetStance) -> String {
    let best = s
        .evidence
        .iter()
        .filter(|e| e.weight.signum() == s.score.signum() || s.score == 0.0)
        .max_by(|a, b| a.weight.abs().total_cmp(&b.weight.abs()));
    let Some(e) = best else {
        return "mention".into();
    };
    let mut parts = e.rule.split('+');
    let mut out = parts.next().unwrap_or("").to_string();
    for p in parts {
        if matches!(p, "general" | "past" | "hedge" | "carried" | "negation") {
            out.push('+');
            out.push_str(p);
        }
    }
    out
}

/// The field scores: confusion per target overall, per language and per
/// script, and decisions per rule (right, wrong).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldResult {
    pub n: usize,
    pub overall: BTreeMap<String, Confusion>,
    /// `en` / `zh` -> target -> confusion.
    pub by_lang: BTreeMap<String, BTreeMap<String, Confusion>>,
    /// `latin` / `hans` / `hant` -> target -> confusion.
    pub by_script: BTreeMap<String, BTreeMap<String, Confusion>>,
    /// Rule -> (decisions, right, wrong) over every concerned prediction.
    pub by_rule: BTreeMap<String, (usize, usize, usize)>,
}

/// Score a field file (every target of the scorer that the row labels).
pub fn field_eval(scorer: &Scorer, rows: &[FieldRow]) -> (Vec<FieldPrediction>, FieldResult) {
    let targets = scorer.target_ids();
    let mut res = FieldResult::default();
    let mut preds = Vec::new();
    for row in rows {
        let stance = scorer.score_in(&row.text, row.title.as_deref());
        let mut pr = FieldPrediction {
            id: row.id.clone(),
            lang: row.lang.clone(),
            script: row.script.clone(),
            text: row.text.clone(),
            gold: BTreeMap::new(),
            pred: BTreeMap::new(),
            score: BTreeMap::new(),
            decided_by: BTreeMap::new(),
        };
        for t in &targets {
            let Some(g) = row.labels.get(*t).and_then(gold_class) else {
                continue;
            };
            let s = stance.get(*t).and_then(|s| s.as_ref());
            let c = Class::from_label(s.map(|s| s.label));
            res.overall.entry(t.to_string()).or_default().add(g, c);
            for (map, key) in [
                (&mut res.by_lang, &row.lang),
                (&mut res.by_script, &row.script),
            ] {
                map.entry(key.clone())
                    .or_default()
                    .entry(t.to_string())
                    .or_default()
                    .add(g, c);
            }
            if let Some(s) = s {
                let rule = decided_by(s);
                let e = res.by_rule.entry(format!("{t}: {rule}")).or_default();
                e.0 += 1;
                if g == c {
                    e.1 += 1;
                } else {
                    e.2 += 1;
                }
                pr.decided_by.insert(t.to_string(), rule);
            }
            pr.gold.insert(t.to_string(), g);
            pr.pred.insert(t.to_string(), c);
            pr.score.insert(t.to_string(), s.map(|s| s.score));
        }
        preds.push(pr);
    }
    res.n = preds.len();
    (preds, res)
}

/// Load a field file.
pub fn load_field(path: &Path) -> Result<Vec<FieldRow>, StanceEvalError> {
    let rows: Vec<FieldRow> = read_jsonl(path)?;
    for r in &rows {
        if !matches!(r.lang.as_str(), "en" | "zh")
            || !matches!(r.script.as_str(), "latin" | "hans" | "hant")
        {
            return Err(data_err(
                path,
                format!(
                    "row {}: lang must be en or zh and script latin, hans or hant (found {:?}, {:?})",
                    r.id, r.lang, r.script
                ),
            ));
        }
    }
    Ok(rows)
}

/// The general news sets whose passages should not concern the targets:
/// folder, file, display name, whether rows are articles with a title (split
/// into paragraphs, each read in the context of the title).
const NEWS: [(&str, &str, &str, bool); 5] = [
    ("ag_news_en", "ag_news.jsonl", "AG News (en)", false),
    (
        "bbc_news",
        "bbc_news.jsonl",
        "BBC News (en, paragraphs)",
        true,
    ),
    (
        "thucnews_titles_cn",
        "thucnews_titles.jsonl",
        "THUCNews titles (zh)",
        false,
    ),
    (
        "chnsenticorp_htl_cn",
        "ChnSentiCorp_htl_all.jsonl",
        "ChnSentiCorp htl (zh)",
        false,
    ),
    ("sst2_en", "sst2.jsonl", "SST-2 (en, all splits)", false),
];

#[derive(Debug, Clone, Deserialize)]
struct NewsRow {
    #[serde(default)]
    title: Option<String>,
    text: String,
}

/// Share of passages of a general news set said to concern each target
/// (and any target).
#[derive(Debug, Clone, Serialize)]
pub struct ConcernRate {
    pub dataset: String,
    pub passages: usize,
    pub any: usize,
    pub per_target: BTreeMap<String, usize>,
    /// A few concerned passages, to read (first 3, truncated).
    pub examples: Vec<String>,
}

pub fn news_concern(
    scorer: &Scorer,
    path: &Path,
    dataset: &str,
    articles: bool,
) -> Result<ConcernRate, StanceEvalError> {
    use rayon::prelude::*;
    let rows: Vec<NewsRow> = read_jsonl(path)?;
    let passages: Vec<(&str, Option<&str>)> = rows
        .iter()
        .flat_map(|r| {
            let title = if articles { r.title.as_deref() } else { None };
            let parts: Vec<&str> = if articles {
                r.text
                    .split('\n')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect()
            } else {
                vec![r.text.as_str()]
            };
            parts.into_iter().map(move |p| (p, title))
        })
        .collect();
    let concerned: Vec<Vec<String>> = passages
        .par_iter()
        .map(|(text, title)| {
            scorer
                .score_in(text, *title)
                .into_iter()
                .filter(|(_, s)| s.is_some())
                .map(|(t, _)| t)
                .collect()
        })
        .collect();
    let mut per_target: BTreeMap<String, usize> = scorer
        .target_ids()
        .iter()
        .map(|t| (t.to_string(), 0))
        .collect();
    let mut any = 0;
    let mut examples = Vec::new();
    for (c, (text, _)) in concerned.iter().zip(&passages) {
        if !c.is_empty() {
            any += 1;
            if examples.len() < 3 {
                examples.push(format!(
                    "[{}] {}",
                    c.join(","),
                    text.chars().take(100).collect::<String>()
                ));
            }
        }
        for t in c {
            *per_target.entry(t.clone()).or_default() += 1;
        }
    }
    Ok(ConcernRate {
        dataset: dataset.to_string(),
        passages: passages.len(),
        any,
        per_target,
        examples,
    })
}

fn pct(a: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * a as f64 / n as f64
    }
}

fn write_jsonl<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), StanceEvalError> {
    let mut f = String::new();
    for p in rows {
        f.push_str(&serde_json::to_string(p).map_err(|e| data_err(path, e.to_string()))?);
        f.push('\n');
    }
    std::fs::write(path, f).map_err(|e| data_err(path, e.to_string()))
}

/// The field report: macro-F1 per target, per language and script, concern,
/// and which rules decided.
pub fn field_report(
    params: &Params,
    field: &Path,
    predictions: Option<&Path>,
) -> Result<String, StanceEvalError> {
    use std::fmt::Write;
    let rows = load_field(field)?;
    let scorer = Scorer::new(params)?;
    let (preds, res) = field_eval(&scorer, &rows);
    if let Some(path) = predictions {
        write_jsonl(path, &preds)?;
    }
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## Field set `{}` ({} passages)\n",
        field.display(),
        res.n
    );
    let _ = writeln!(
        md,
        "| target | slice | n | macro-F1 (favor/neutral/against) | F1 favor | F1 neutral | F1 against | concern P | concern R |"
    );
    let _ = writeln!(
        md,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let mut line = |t: &str, slice: &str, c: &Confusion| {
        let (p, r) = c.concern();
        let _ = writeln!(
            md,
            "| {t} | {slice} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {p:.3} | {r:.3} |",
            c.total(),
            c.macro_f1(&STANCE_CLASSES),
            c.f1(Class::Favor),
            c.f1(Class::Neutral),
            c.f1(Class::Against),
        );
    };
    for (t, c) in &res.overall {
        line(t, "all", c);
        for (slices, _) in [(&res.by_lang, "lang"), (&res.by_script, "script")] {
            for (k, per) in slices {
                if let Some(c) = per.get(t) {
                    line(t, k, c);
                }
            }
        }
    }
    for (t, c) in &res.overall {
        let _ = writeln!(
            md,
            "\nConfusion `{t}` (rows: gold favor, neutral, against, none; columns: predicted):\n"
        );
        for row in c.0 {
            let _ = writeln!(md, "    {row:?}");
        }
    }
    let _ = writeln!(md, "\nDecisions by rule (concerned predictions):\n");
    let _ = writeln!(md, "| target: rule | decisions | right | wrong |");
    let _ = writeln!(md, "| --- | --- | --- | --- |");
    for (k, (n, right, wrong)) in &res.by_rule {
        let _ = writeln!(md, "| {k} | {n} | {right} | {wrong} |");
    }
    Ok(md)
}

/// The general-news concern table (`--data`): per set, the share of
/// passages said to concern either target.
pub fn news_report(params: &Params, data_dir: &Path) -> Result<String, StanceEvalError> {
    use std::fmt::Write;
    let scorer = Scorer::new(params)?;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "## General news: passages said to concern a target (should be <= 1%)\n"
    );
    let ids = scorer.target_ids();
    let _ = writeln!(
        md,
        "| dataset | passages | either target | {} |",
        ids.join(" | ")
    );
    let _ = writeln!(md, "| --- | --- | --- |{}", " --- |".repeat(ids.len()));
    let mut examples = String::new();
    for (dir, file, name, articles) in NEWS {
        match news_concern(&scorer, &data_dir.join(dir).join(file), name, articles) {
            Ok(r) => {
                let per: Vec<String> = ids
                    .iter()
                    .map(|t| {
                        let k = r.per_target.get(*t).copied().unwrap_or(0);
                        format!("{:.2}% ({k})", pct(k, r.passages))
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.2}% ({}) | {} |",
                    r.dataset,
                    r.passages,
                    pct(r.any, r.passages),
                    r.any,
                    per.join(" | ")
                );
                for e in &r.examples {
                    let _ = writeln!(examples, "- {name}: {e}");
                }
            }
            Err(e) => {
                let _ = writeln!(md, "| {name} | skipped: {e} | | |");
            }
        }
    }
    if !examples.is_empty() {
        let _ = writeln!(md, "\nExamples of concerned passages:\n\n{examples}");
    }
    Ok(md)
}

fn with_thresholds(params: &Params, favor: f64, against: f64) -> Params {
    let mut p = params.clone();
    p.favor_threshold = favor;
    p.against_threshold = against;
    p
}

/// The whole evaluation as a Markdown report (`stancemap eval stance`):
/// dev-set macro-F1 per target on `corpus` (the seeds, ingested) against the
/// labels in `dev_labels`, then the out-of-domain sets found in `data_dir`
/// (a set that is missing is reported as skipped). When `predictions` is
/// given, the per-passage dev predictions are written there as JSONL (what
/// `benches/stance_baselines.py` reads).
pub fn report(
    params: &Params,
    corpus: &Corpus,
    dev_labels: &Path,
    data_dir: Option<&Path>,
    predictions: Option<&Path>,
) -> Result<String, StanceEvalError> {
    use std::fmt::Write;
    let mut md = String::new();
    let rows = load_dev(dev_labels)?;
    let (preds, conf) = dev_eval(&Scorer::new(params)?, corpus, &rows);
    let loose = with_thresholds(params, 0.05, -0.05);
    let (_, conf_loose) = dev_eval(&Scorer::new(&loose)?, corpus, &rows);
    if let Some(path) = predictions {
        write_jsonl(path, &preds)?;
    }
    let _ = writeln!(md, "## Dev set (seed passages: {})\n", preds.len());
    let _ = writeln!(
        md,
        "| target | thresholds | macro-F1 (favor/neutral/against) | F1 favor | F1 neutral | F1 against | concern P | concern R |"
    );
    let _ = writeln!(md, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (c, th) in [(&conf, "+-0.2 (default)"), (&conf_loose, "+-0.05")] {
        for (t, c) in c {
            let (p, r) = c.concern();
            let _ = writeln!(
                md,
                "| {t} | {th} | {:.3} | {:.3} | {:.3} | {:.3} | {p:.3} | {r:.3} |",
                c.macro_f1(&STANCE_CLASSES),
                c.f1(Class::Favor),
                c.f1(Class::Neutral),
                c.f1(Class::Against),
            );
        }
    }
    for (t, c) in &conf {
        let _ = writeln!(
            md,
            "\nConfusion `{t}` (rows: gold favor, neutral, against, none; columns: predicted):\n"
        );
        for row in c.0 {
            let _ = writeln!(md, "    {row:?}");
        }
    }
    let Some(data_dir) = data_dir else {
        return Ok(md);
    };
    let _ = writeln!(md, "\n{}", news_report(params, data_dir)?);
    let _ = writeln!(
        md,
        "\n## Out of domain: stance (targets from the data; NONE = neutral or not concerned)\n"
    );
    let _ = writeln!(
        md,
        "| dataset | thresholds | n | F_avg (favor, against) | macro-F1 (favor/none/against) |"
    );
    let _ = writeln!(md, "| --- | --- | --- | --- | --- |");
    for (dir, file, name) in OOD_STANCE {
        for (p, th) in [(params, "+-0.2 (default)"), (&loose, "+-0.05")] {
            match ood_stance(p, &data_dir.join(dir).join(file), name) {
                Ok(r) => {
                    let _ = writeln!(
                        md,
                        "| {} | {th} | {} | {:.3} | {:.3} |",
                        r.dataset, r.n, r.f_avg, r.macro_f1
                    );
                }
                Err(e) => {
                    let _ = writeln!(md, "| {name} | skipped: {e} | | | |");
                }
            }
        }
    }
    let _ = writeln!(
        md,
        "\n## Out of domain: polarity (whole text; score >= 0 is positive)\n"
    );
    let _ = writeln!(
        md,
        "| dataset | n | accuracy | macro-F1 | coverage (non-zero score) |"
    );
    let _ = writeln!(md, "| --- | --- | --- | --- | --- |");
    for (dir, file, name, split) in POLARITY {
        match polarity(params, &data_dir.join(dir).join(file), name, split) {
            Ok(r) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {:.3} | {:.3} | {:.3} |",
                    r.dataset, r.n, r.accuracy, r.macro_f1, r.coverage
                );
            }
            Err(e) => {
                let _ = writeln!(md, "| {name} | skipped: {e} | | | |");
            }
        }
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_and_concern_by_hand() {
        let mut c = Confusion::default();
        c.add(Class::Favor, Class::Favor);
        c.add(Class::Favor, Class::None);
        c.add(Class::Against, Class::Favor);
        c.add(Class::None, Class::Neutral);
        c.add(Class::Neutral, Class::Neutral);
        // favor: tp 1, pred 2, gold 2 -> 0.5; neutral: tp 1, pred 2, gold 1 -> 2/3; against 0.
        assert!((c.f1(Class::Favor) - 0.5).abs() < 1e-12);
        assert!((c.f1(Class::Neutral) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.f1(Class::Against), 0.0);
        let m = c.macro_f1(&STANCE_CLASSES);
        assert!((m - (0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        let (p, r) = c.concern();
        assert!((p - 3.0 / 4.0).abs() < 1e-12, "{p}");
        assert!((r - 3.0 / 4.0).abs() < 1e-12, "{r}");
    }

    #[test]
    fn dev_labels_in_repo_parse_and_cover_both_targets() {
        let rows =
            load_dev(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/eval/stance_dev.jsonl"))
                .unwrap();
        assert!(rows.len() > 200);
        for r in &rows {
            for t in ["openai", "china"] {
                assert!(
                    r.labels.get(t).and_then(gold_class).is_some(),
                    "{} {}",
                    r.doc,
                    r.line_start
                );
            }
        }
    }
}
