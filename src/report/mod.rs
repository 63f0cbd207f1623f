//! Report: everything above -> data files, charts (PNG and SVG), pages.
//!
//! In: the corpus and whatever later stages produced ([`ReportInput`]: every
//! stage after ingest is optional, so a chart appears once its data exists).
//! Out: files in the run's temporary directory, which the run module publishes.
//! The one decision that shaped it: a font is compiled into the binary and is
//! the only font any chart uses, so PNG charts draw Chinese on a machine with
//! no fonts installed (see [`fonts`]).

pub mod charts;
pub mod data;
pub mod explorer;
pub mod fonts;
pub mod html;
pub mod markdown;
pub mod palette;
pub mod stats;
pub mod subset;
pub mod tables;
pub mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::param::{ranged, ParamError};
use crate::stance::{PassageStance, StanceSummary};
use crate::themes::Themes;
use crate::{Corpus, Passage, PassageRef};

/// The `[report]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// Chart width in pixels (PNG) and user units (SVG).
    pub chart_width: Option<i64>,
    /// Chart height; the top-terms small multiples grow taller with the theme count.
    pub chart_height: Option<i64>,
    /// Terms per language shown for each theme (charts and tables), of the
    /// `[themes] top_terms` kept. Was `top_terms` here too, which is still read.
    #[serde(alias = "top_terms")]
    pub terms_shown: Option<i64>,
    /// Representative passages listed for each theme.
    pub representative_passages: Option<i64>,
    /// Passages with the strongest stance listed for each target.
    pub strongest_passages: Option<i64>,
}

/// The validated `[report]` section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Params {
    pub chart_width: u32,
    pub chart_height: u32,
    /// `terms_shown` in the config.
    #[serde(rename = "terms_shown")]
    pub top_terms: usize,
    pub representative_passages: usize,
    pub strongest_passages: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            chart_width: 1200,
            chart_height: 700,
            top_terms: 8,
            representative_passages: 3,
            strongest_passages: 5,
        }
    }
}

impl RawParams {
    pub fn check(self) -> Result<Params, ParamError> {
        let d = Params::default();
        Ok(Params {
            chart_width: ranged(
                "report.chart_width",
                self.chart_width,
                d.chart_width.into(),
                800,
                4000,
            )?,
            chart_height: ranged(
                "report.chart_height",
                self.chart_height,
                d.chart_height.into(),
                450,
                4000,
            )?,
            top_terms: ranged(
                "report.terms_shown",
                self.terms_shown,
                d.top_terms as i64,
                1,
                30,
            )?,
            representative_passages: ranged(
                "report.representative_passages",
                self.representative_passages,
                d.representative_passages as i64,
                0,
                20,
            )?,
            strongest_passages: ranged(
                "report.strongest_passages",
                self.strongest_passages,
                d.strongest_passages as i64,
                1,
                100,
            )?,
        })
    }
}

/// What went wrong writing the report, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serialise {}: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot draw chart {}: {message}", path.display())]
    Chart { path: PathBuf, message: String },
    #[error("the compiled-in chart font cannot be used: {0}")]
    Font(String),
    #[error("stage outputs disagree: {what} has {found} rows, the corpus {expected} passages")]
    Mismatch {
        what: &'static str,
        found: usize,
        expected: usize,
    },
}

/// Stance output: per passage (corpus order) and the aggregates.
#[derive(Debug, Clone, Copy)]
pub struct StanceInput<'a> {
    pub passages: &'a [PassageStance],
    pub summary: &'a StanceSummary,
}

/// Everything the report reads. Each stage after ingest is optional.
///
/// Every file written is a function of this input alone (no run id, no
/// clock); the run writes `manifest.json` beside them, last.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub corpus: &'a Corpus,
    /// `Features::n_tokens`: content tokens per passage, corpus order.
    pub n_tokens: Option<&'a [u32]>,
    pub themes: Option<&'a Themes>,
    pub stance: Option<StanceInput<'a>>,
}

/// The input with its cross-references checked and indexed once.
pub struct View<'a> {
    pub input: &'a ReportInput<'a>,
    pub passages: Vec<&'a Passage>,
    /// Passage provenance -> corpus index.
    pub index: BTreeMap<PassageRef, usize>,
}

impl<'a> View<'a> {
    pub fn new(input: &'a ReportInput<'a>) -> Result<Self, ReportError> {
        let passages: Vec<&Passage> = input.corpus.passages().collect();
        let n = passages.len();
        let check = |what, found: usize| {
            if found == n {
                Ok(())
            } else {
                Err(ReportError::Mismatch {
                    what,
                    found,
                    expected: n,
                })
            }
        };
        if let Some(t) = input.n_tokens {
            check("featurize n_tokens", t.len())?;
        }
        if let Some(th) = input.themes {
            check("themes assignment", th.assignment.len())?;
        }
        if let Some(s) = input.stance {
            check("stance per passage", s.passages.len())?;
        }
        let index = passages
            .iter()
            .enumerate()
            .map(|(i, p)| (PassageRef::from(*p), i))
            .collect();
        Ok(View {
            input,
            passages,
            index,
        })
    }

    pub(crate) fn theme_of(&self, i: usize) -> Option<u32> {
        self.input
            .themes
            .and_then(|t| t.assignment.get(i).copied().flatten())
    }

    /// Themes in display order: largest first, then by id.
    pub(crate) fn themes_by_size(&self) -> Vec<&'a crate::themes::Theme> {
        let mut v: Vec<_> = self
            .input
            .themes
            .map(|t| t.themes.iter().collect())
            .unwrap_or_default();
        v.sort_by(|a, b| b.size.cmp(&a.size).then(a.id.cmp(&b.id)));
        v
    }

    /// Passages with a stance toward `target`, strongest first (ties in
    /// corpus order). Boilerplate is left out, and passages whose text is
    /// the same after normalisation ([`stats::dedup_key`]) count once: the
    /// first (strongest) stands for the rest.
    pub(crate) fn strongest(
        &self,
        target: &str,
        n: usize,
    ) -> Vec<(usize, &'a crate::stance::TargetStance)> {
        let Some(s) = self.input.stance else {
            return Vec::new();
        };
        let mut v: Vec<_> = s
            .passages
            .iter()
            .enumerate()
            .filter_map(|(i, ps)| ps.get(target).and_then(|t| t.as_ref()).map(|t| (i, t)))
            .filter(|(i, t)| {
                t.score.is_finite() && t.score != 0.0 && !self.passages[*i].boilerplate
            })
            .collect();
        v.sort_by(|a, b| {
            b.1.score
                .abs()
                .total_cmp(&a.1.score.abs())
                .then(a.0.cmp(&b.0))
        });
        let mut seen = std::collections::BTreeSet::new();
        v.into_iter()
            .filter(|(i, _)| seen.insert(stats::dedup_key(&self.passages[*i].text)))
            .take(n)
            .collect()
    }

    /// A theme's representative passages (corpus indices), at most `n`,
    /// boilerplate left out and repeated texts counted once.
    pub(crate) fn representatives(&self, theme: &crate::themes::Theme, n: usize) -> Vec<usize> {
        let mut seen = std::collections::BTreeSet::new();
        theme
            .representative
            .iter()
            .filter_map(|r| self.index.get(r).copied())
            .filter(|&i| !self.passages[i].boilerplate)
            .filter(|&i| seen.insert(stats::dedup_key(&self.passages[i].text)))
            .take(n)
            .collect()
    }
}

/// Write data files, charts (PNG and SVG, under `charts/`), `index.html` and
/// `summary.md` into `dir`. Returns the files written, relative to `dir`, in
/// the order written.
pub fn write_report(
    dir: &Path,
    input: &ReportInput,
    params: &Params,
) -> Result<Vec<PathBuf>, ReportError> {
    let view = View::new(input)?;
    let mut written = Vec::new();
    written.extend(data::write_all(dir, &view)?);
    let charts = charts::write_all(dir, &view, params)?;
    written.extend(charts.iter().flat_map(|c| [c.png.clone(), c.svg.clone()]));
    let page = html::page(&view, params, &charts, dir)?;
    written.push(data::write_text(dir, "index.html", &page)?);
    let md = markdown::summary(&view, params, &charts);
    written.push(data::write_text(dir, "summary.md", &md)?);
    Ok(written)
}

/// Split `text` into runs, marking the evidence spans (character offsets).
/// Spans out of range, empty, or overlapping an earlier span are left out,
/// so bad offsets cost a highlight, never a panic.
pub(crate) fn spans<'t>(
    text: &'t str,
    evidence: &'t [crate::stance::Evidence],
) -> Vec<(&'t str, Option<&'t crate::stance::Evidence>)> {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let n = starts.len() - 1;
    let mut ev: Vec<&crate::stance::Evidence> = evidence
        .iter()
        .filter(|e| e.start < e.end && e.end <= n)
        .collect();
    ev.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out = Vec::new();
    let mut pos = 0;
    for e in ev {
        if e.start < pos {
            continue;
        }
        if e.start > pos {
            out.push((&text[starts[pos]..starts[e.start]], None));
        }
        out.push((&text[starts[e.start]..starts[e.end]], Some(e)));
        pos = e.end;
    }
    if pos < n {
        out.push((&text[starts[pos]..], None));
    }
    out
}

/// Passage counts and mean score toward each target, over all passages.
pub(crate) fn totals(view: &View) -> Vec<(String, String, crate::stance::Aggregate)> {
    let Some(s) = view.input.stance else {
        return Vec::new();
    };
    data::targets(view)
        .into_iter()
        .map(|t| {
            let mut a = crate::stance::Aggregate::default();
            let mut sum = 0.0;
            for ps in s.passages {
                if let Some(Some(ts)) = ps.get(&t) {
                    a.n += 1;
                    sum += if ts.score.is_finite() { ts.score } else { 0.0 };
                    match ts.label {
                        crate::stance::StanceLabel::Favor => a.favor += 1,
                        crate::stance::StanceLabel::Neutral => a.neutral += 1,
                        crate::stance::StanceLabel::Against => a.against += 1,
                    }
                }
            }
            a.mean = if a.n > 0 { sum / a.n as f64 } else { 0.0 };
            let name = s
                .summary
                .targets
                .get(&t)
                .cloned()
                .unwrap_or_else(|| t.clone());
            (t, name, a)
        })
        .collect()
}

/// A passage's provenance as `doc:start-end`.
pub(crate) fn place(p: &Passage) -> String {
    if p.line_start == p.line_end {
        format!("{}:{}", p.doc, p.line_start)
    } else {
        format!("{}:{}-{}", p.doc, p.line_start, p.line_end)
    }
}

/// At most `max` characters of `s`, with `…` when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::Evidence;

    fn ev(start: usize, end: usize) -> Evidence {
        Evidence {
            term: String::new(),
            weight: 1.0,
            start,
            end,
            rule: "lexicon".into(),
        }
    }

    #[test]
    fn spans_use_character_offsets_and_skip_bad_ones() {
        let text = "OpenAI的预训练受挫";
        let e = [ev(7, 10), ev(8, 9), ev(12, 20), ev(3, 3), ev(0, 6)];
        let s = spans(text, &e);
        let marked: Vec<&str> = s
            .iter()
            .filter(|(_, e)| e.is_some())
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(marked, vec!["OpenAI", "预训练"]);
        assert_eq!(s.iter().map(|(t, _)| *t).collect::<String>(), text);
    }

    #[test]
    fn params_reject_out_of_range_values() {
        let raw = RawParams {
            chart_width: Some(10),
            ..RawParams::default()
        };
        let e = raw.check().unwrap_err().to_string();
        assert!(e.contains("report.chart_width") && e.contains("10"), "{e}");
        let raw = RawParams {
            strongest_passages: Some(0),
            ..RawParams::default()
        };
        assert!(raw.check().is_err());
        assert_eq!(RawParams::default().check().unwrap(), Params::default());
        assert!(toml::from_str::<RawParams>("chart_widht = 900").is_err());
    }
}
