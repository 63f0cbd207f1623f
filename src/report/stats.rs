//! What the pages compare, computed here from the passages, their themes,
//! their stance and their documents' metadata (so the report needs nothing
//! beyond [`ReportInput`](super::ReportInput)): a stable passage id, each
//! passage's source and date bin, mean stance with n and a 95% interval per
//! group, theme shares per group, and the keys that deduplicate listings.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::View;
use crate::stance::StanceLabel;
use crate::Passage;

/// A passage's stable id: `doc:line_start-line_end` (the same in
/// passages.jsonl, passages.csv and the page's explorer). It changes only
/// when the document's lines do.
pub fn passage_id(p: &Passage) -> String {
    format!("{}:{}-{}", p.doc, p.line_start, p.line_end)
}

/// The key that makes two passages "the same" in a listing: lowercase
/// letters, digits and Han characters only (punctuation, spacing, case and
/// full-width forms ignored).
pub fn dedup_key(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The label used for documents without a `source` in the sidecar.
pub const NO_SOURCE: &str = "(no source)";

/// Mean score with n and a 95% interval (Student's t on the scores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MeanCi {
    pub n: usize,
    pub mean: f64,
    /// Half-width of the 95% interval; 0 when n < 2.
    pub ci95: f64,
    pub favor: usize,
    pub neutral: usize,
    pub against: usize,
}

/// Two-sided 95% Student t quantile for `df` degrees of freedom.
fn t95(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        31..=60 => 2.000 + (2.042 - 2.000) * (60 - df) as f64 / 30.0,
        61..=120 => 1.980 + (2.000 - 1.980) * (120 - df) as f64 / 60.0,
        _ => 1.960,
    }
}

#[derive(Debug, Clone, Default)]
struct Acc {
    n: usize,
    sum: f64,
    sum2: f64,
    favor: usize,
    neutral: usize,
    against: usize,
}

impl Acc {
    fn add(&mut self, score: f64, label: StanceLabel) {
        let s = if score.is_finite() {
            score.clamp(-1.0, 1.0)
        } else {
            0.0
        };
        self.n += 1;
        self.sum += s;
        self.sum2 += s * s;
        match label {
            StanceLabel::Favor => self.favor += 1,
            StanceLabel::Neutral => self.neutral += 1,
            StanceLabel::Against => self.against += 1,
        }
    }
    fn finish(&self) -> MeanCi {
        let n = self.n as f64;
        let mean = if self.n > 0 { self.sum / n } else { 0.0 };
        let ci95 = if self.n > 1 {
            let var = ((self.sum2 - n * mean * mean) / (n - 1.0)).max(0.0);
            t95(self.n - 1) * (var / n).sqrt()
        } else {
            0.0
        };
        MeanCi {
            n: self.n,
            mean,
            ci95,
            favor: self.favor,
            neutral: self.neutral,
            against: self.against,
        }
    }
}

/// How dates are binned: chosen from the span of the dated documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bin {
    Week,
    Month,
}

/// `YYYY-MM-DD` or `YYYY-MM` (month only).
fn parse_date(s: &str) -> Option<(NaiveDate, bool)> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some((d, true));
    }
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d")
        .ok()
        .map(|d| (d, false))
}

/// The bin key of a date: `YYYY-MM` for months, the Monday `YYYY-MM-DD`
/// starting the ISO week for weeks.
fn bin_key(d: NaiveDate, bin: Bin) -> String {
    match bin {
        Bin::Month => format!("{}-{:02}", d.year(), d.month()),
        Bin::Week => {
            let monday = d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()));
            monday.format("%Y-%m-%d").to_string()
        }
    }
}

/// Everything the pages compare, per passage and per group.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Per passage (corpus order): index into `sources`.
    pub source_of: Vec<usize>,
    /// Distinct sources, sorted; [`NO_SOURCE`] last when present.
    pub sources: Vec<String>,
    /// Per passage: index into `bins`, `None` when its document is undated.
    pub bin_of: Vec<Option<usize>>,
    /// Bin keys in time order.
    pub bins: Vec<String>,
    pub bin: Option<Bin>,
    pub dated_docs: usize,
    pub undated_docs: usize,
    /// Target ids, sorted.
    pub targets: Vec<String>,
    /// theme id (None = other group) -> target -> stance.
    pub by_theme: BTreeMap<Option<u32>, BTreeMap<String, MeanCi>>,
    /// source index -> target -> stance.
    pub by_source: BTreeMap<usize, BTreeMap<String, MeanCi>>,
    /// bin index -> target -> stance.
    pub by_bin: BTreeMap<usize, BTreeMap<String, MeanCi>>,
    /// bin index -> theme id (None = other) -> passages.
    pub themes_by_bin: BTreeMap<usize, BTreeMap<Option<u32>, usize>>,
    /// source index -> theme id (None = other) -> passages.
    pub themes_by_source: BTreeMap<usize, BTreeMap<Option<u32>, usize>>,
    /// Passages per source.
    pub passages_by_source: Vec<usize>,
}

impl Stats {
    pub fn new(view: &View) -> Stats {
        let corpus = view.input.corpus;
        let mut doc_source: BTreeMap<&str, &str> = BTreeMap::new();
        let mut doc_date: BTreeMap<&str, (NaiveDate, bool)> = BTreeMap::new();
        for d in &corpus.documents {
            let src = d
                .meta
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(NO_SOURCE);
            doc_source.insert(d.id.as_str(), src);
            if let Some(dt) = d.meta.date.as_deref().and_then(parse_date) {
                doc_date.insert(d.id.as_str(), dt);
            }
        }
        let mut names: BTreeSet<&str> = doc_source.values().copied().collect();
        let had_none = names.remove(NO_SOURCE);
        let mut sources: Vec<String> = names.into_iter().map(String::from).collect();
        if had_none || sources.is_empty() {
            sources.push(NO_SOURCE.to_string());
        }
        let source_index: BTreeMap<String, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i))
            .collect();

        // Bins: months when any date is month-only or the span exceeds 26
        // weeks, weeks otherwise.
        let dates: Vec<(NaiveDate, bool)> = doc_date.values().copied().collect();
        let bin = if dates.is_empty() {
            None
        } else {
            let lo = dates.iter().map(|d| d.0).min();
            let hi = dates.iter().map(|d| d.0).max();
            let span = match (lo, hi) {
                (Some(a), Some(b)) => (b - a).num_days(),
                _ => 0,
            };
            if dates.iter().any(|d| !d.1) || span > 26 * 7 {
                Some(Bin::Month)
            } else {
                Some(Bin::Week)
            }
        };
        let mut bin_set: BTreeSet<String> = BTreeSet::new();
        let doc_bin: BTreeMap<&str, String> = match bin {
            Some(b) => doc_date
                .iter()
                .map(|(doc, (d, _))| {
                    let k = bin_key(*d, b);
                    bin_set.insert(k.clone());
                    (*doc, k)
                })
                .collect(),
            None => BTreeMap::new(),
        };
        let bins: Vec<String> = bin_set.into_iter().collect();
        let bin_index: BTreeMap<&str, usize> = bins
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();

        let targets = super::data::targets(view);
        let mut st = Stats {
            sources,
            bins: Vec::new(),
            bin,
            dated_docs: doc_date.len(),
            undated_docs: corpus.documents.len() - doc_date.len(),
            targets,
            ..Stats::default()
        };
        st.passages_by_source = vec![0; st.sources.len()];
        let mut by_theme: BTreeMap<Option<u32>, BTreeMap<String, Acc>> = BTreeMap::new();
        let mut by_source: BTreeMap<usize, BTreeMap<String, Acc>> = BTreeMap::new();
        let mut by_bin: BTreeMap<usize, BTreeMap<String, Acc>> = BTreeMap::new();
        let has_themes = view.input.themes.is_some();
        for (i, p) in view.passages.iter().enumerate() {
            let src = doc_source
                .get(p.doc.as_str())
                .and_then(|s| source_index.get(*s))
                .copied()
                .unwrap_or(st.sources.len() - 1);
            st.source_of.push(src);
            st.passages_by_source[src] += 1;
            let b = doc_bin
                .get(p.doc.as_str())
                .and_then(|k| bin_index.get(k.as_str()))
                .copied();
            st.bin_of.push(b);
            let theme = view.theme_of(i);
            if has_themes {
                *st.themes_by_source
                    .entry(src)
                    .or_default()
                    .entry(theme)
                    .or_default() += 1;
                if let Some(b) = b {
                    *st.themes_by_bin
                        .entry(b)
                        .or_default()
                        .entry(theme)
                        .or_default() += 1;
                }
            }
            let Some(ps) = view.input.stance.and_then(|s| s.passages.get(i)) else {
                continue;
            };
            for (t, ts) in ps {
                let Some(ts) = ts else { continue };
                if has_themes {
                    by_theme
                        .entry(theme)
                        .or_default()
                        .entry(t.clone())
                        .or_default()
                        .add(ts.score, ts.label);
                }
                by_source
                    .entry(src)
                    .or_default()
                    .entry(t.clone())
                    .or_default()
                    .add(ts.score, ts.label);
                if let Some(b) = b {
                    by_bin
                        .entry(b)
                        .or_default()
                        .entry(t.clone())
                        .or_default()
                        .add(ts.score, ts.label);
                }
            }
        }
        fn fin<K: Ord + Clone>(
            m: BTreeMap<K, BTreeMap<String, Acc>>,
        ) -> BTreeMap<K, BTreeMap<String, MeanCi>> {
            m.into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|(t, a)| (t, a.finish())).collect()))
                .collect()
        }
        st.by_theme = fin(by_theme);
        st.by_source = fin(by_source);
        st.by_bin = fin(by_bin);
        st.bins = bins;
        st
    }

    /// A sentence for pages and charts when documents carry no dates.
    pub fn dates_note(&self) -> Option<String> {
        if self.undated_docs == 0 {
            return None;
        }
        Some(if self.dated_docs == 0 {
            format!("none of the {} documents has a date, so nothing is shown over time; give dates in a metadata.toml sidecar beside the corpus (see README) · 文档均无日期", self.undated_docs)
        } else {
            format!(
                "{} of {} documents have no date and are left out of the over-time views; give dates in a metadata.toml sidecar",
                self.undated_docs,
                self.undated_docs + self.dated_docs
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_key_ignores_case_spacing_and_punctuation() {
        assert_eq!(
            dedup_key("Hotel, GREAT view!"),
            dedup_key("hotel great view")
        );
        assert_eq!(dedup_key("通义千问，很好。"), "通义千问很好");
        assert_ne!(dedup_key("good"), dedup_key("bad"));
    }

    #[test]
    fn mean_and_interval() {
        let mut a = Acc::default();
        for s in [0.5, -0.5, 0.5, -0.5] {
            a.add(s, StanceLabel::Neutral);
        }
        let m = a.finish();
        assert_eq!(m.n, 4);
        assert!(m.mean.abs() < 1e-12);
        // sd = 0.5774, se = 0.2887, t(3) = 3.182
        assert!((m.ci95 - 3.182 * 0.288_675).abs() < 1e-3, "{}", m.ci95);
        let mut one = Acc::default();
        one.add(f64::NAN, StanceLabel::Favor);
        assert_eq!(one.finish().ci95, 0.0);
        assert_eq!(one.finish().favor, 1);
    }

    #[test]
    fn weeks_start_on_monday_and_months_are_year_month() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 4).unwrap(); // a Sunday
        assert_eq!(bin_key(d, Bin::Week), "2024-07-29");
        assert_eq!(bin_key(d, Bin::Month), "2024-08");
        assert_eq!(
            parse_date("2023-11"),
            Some((NaiveDate::from_ymd_opt(2023, 11, 1).unwrap(), false))
        );
        assert!(parse_date("soon").is_none());
    }
}
