//! The corpus at a glance: documents, passages and tokens per language, three
//! panels of bars with their counts; boilerplate passages as the lighter part
//! of the passage bars.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, bold, font, HEADER_H, MARGIN, SMALL_SIZE};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, INK, MUTED};
use crate::report::{Params, View};
use crate::{Document, Lang};

pub struct CorpusGlance {
    /// Per language ([`Lang::ALL`] order).
    pub documents: [usize; 3],
    /// (content, boilerplate) passages per language.
    pub passages: [(usize, usize); 3],
    /// Content tokens per language; `None` when featurize did not run.
    pub tokens: Option<[u64; 3]>,
    pub subtitle: String,
    pub size: (u32, u32),
}

/// A document's language: the sidecar's when it names one of ours, else the
/// language most of its content passages are in.
pub fn doc_lang(d: &Document) -> Lang {
    if let Some(l) = d.meta.language.as_deref() {
        if let Some(l) = Lang::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(l.trim()))
        {
            return l;
        }
    }
    let mut n: BTreeMap<Lang, usize> = BTreeMap::new();
    let content: Vec<_> = d.passages.iter().filter(|p| !p.boilerplate).collect();
    let pool = if content.is_empty() {
        d.passages.iter().collect()
    } else {
        content
    };
    for p in pool {
        *n.entry(p.lang).or_default() += p.text.chars().count();
    }
    n.into_iter()
        .max_by_key(|(l, c)| (*c, std::cmp::Reverse(*l)))
        .map(|(l, _)| l)
        .unwrap_or(Lang::En)
}

fn idx(l: Lang) -> usize {
    Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

impl CorpusGlance {
    pub fn new(view: &View, params: &Params) -> Self {
        let corpus = view.input.corpus;
        let mut documents = [0usize; 3];
        for d in &corpus.documents {
            documents[idx(doc_lang(d))] += 1;
        }
        let mut passages = [(0usize, 0usize); 3];
        let mut tokens = [0u64; 3];
        for (i, p) in view.passages.iter().enumerate() {
            let slot = &mut passages[idx(p.lang)];
            if p.boilerplate {
                slot.1 += 1;
            } else {
                slot.0 += 1;
            }
            if let Some(t) = view.input.n_tokens.and_then(|t| t.get(i)) {
                tokens[idx(p.lang)] += u64::from(*t);
            }
        }
        let n_boiler: usize = passages.iter().map(|p| p.1).sum();
        let skipped = corpus.skipped.len();
        CorpusGlance {
            subtitle: format!(
                "{} documents, {} passages ({} boilerplate){}{}",
                corpus.documents.len(),
                view.passages.len(),
                n_boiler,
                view.input
                    .n_tokens
                    .map(|t| format!(
                        ", {} content tokens",
                        draw::count(t.iter().map(|&x| x as usize).sum())
                    ))
                    .unwrap_or_default(),
                if skipped > 0 {
                    format!(
                        "; {skipped} file{} skipped (see the report)",
                        if skipped == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            ),
            documents,
            passages,
            tokens: view.input.n_tokens.map(|_| tokens),
            size: (params.chart_width, params.chart_height),
        }
    }
}

/// One panel: a bar per language, each split into a full and a lighter part.
fn panel<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    values: Option<[(u64, u64); 3]>,
    (x, y, w, h): (i32, i32, i32, i32),
) -> DrawResult<DB> {
    draw::text(
        area,
        title,
        (x + w / 2, y),
        &bold(16.0),
        HPos::Center,
        VPos::Top,
    )?;
    let base = y + h - 46;
    let top = y + 56;
    draw::line(area, (x + 8, base), (x + w - 8, base), INK, 1)?;
    let Some(values) = values else {
        return draw::text(
            area,
            "not computed · 未计算",
            (x + w / 2, (top + base) / 2),
            &font(SMALL_SIZE).color(&MUTED),
            HPos::Center,
            VPos::Center,
        );
    };
    let max = values.iter().map(|(a, b)| a + b).max().unwrap_or(0).max(1) as f64;
    let slot = (w - 16) / 3;
    let bar_w = (f64::from(slot) * 0.56) as i32;
    for (j, (full, light)) in values.iter().enumerate() {
        let lang = Lang::ALL[j];
        let color = palette::lang(lang);
        let cx = x + 8 + slot * j as i32 + slot / 2;
        // Non-zero counts stay visible however small.
        let bar = |v: u64| {
            if v == 0 {
                0
            } else {
                ((f64::from(base - top) * v as f64 / max).round() as i32).max(3)
            }
        };
        let (hf, hl) = (bar(*full), bar(*light));
        if hf > 0 {
            draw::rect(
                area,
                (cx - bar_w / 2, base - hf),
                (cx + bar_w / 2, base),
                color,
            )?;
        }
        if hl > 0 {
            draw::rect(
                area,
                (cx - bar_w / 2, base - hf - hl),
                (cx + bar_w / 2, base - hf),
                draw::lighter(color, 0.6),
            )?;
        }
        let total = full + light;
        draw::text(
            area,
            &draw::count(total as usize),
            (cx, base - hf - hl - 6),
            &font(14.0),
            HPos::Center,
            VPos::Bottom,
        )?;
        let name = match lang {
            Lang::En => "English 英文",
            Lang::Zh => "Chinese 中文",
            Lang::Mixed => "mixed 混合",
        };
        draw::text(
            area,
            name,
            (cx, base + 8),
            &font(SMALL_SIZE),
            HPos::Center,
            VPos::Top,
        )?;
    }
    Ok(())
}

impl Chart for CorpusGlance {
    fn name(&self) -> &'static str {
        "corpus"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("The corpus at a glance", "语料概览")
    }
    fn caption(&self) -> String {
        "Documents, passages and content tokens per language. A document's language is its metadata's, else that of most of its text; the lighter part of a passage bar is boilerplate (kept, flagged, left out of themes).".into()
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        draw::legend(
            area,
            &[
                ("content 正文".to_string(), palette::lang(Lang::En)),
                (
                    "boilerplate 模板文字".to_string(),
                    draw::lighter(palette::lang(Lang::En), 0.6),
                ),
            ],
            (MARGIN, HEADER_H + 14),
        )?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let top = HEADER_H + 44;
        let gap = 24;
        let pw = (w - 2 * MARGIN - 2 * gap) / 3;
        let ph = h - top - MARGIN;
        let docs = self.documents.map(|d| (d as u64, 0));
        let pass = self.passages.map(|(a, b)| (a as u64, b as u64));
        let toks = self.tokens.map(|t| t.map(|x| (x, 0)));
        let titles = [
            "documents · 文档",
            "passages · 段落",
            "content tokens · 词元",
        ];
        for (i, (title, values)) in titles
            .into_iter()
            .zip([Some(docs), Some(pass), toks])
            .enumerate()
        {
            let x = MARGIN + i as i32 * (pw + gap);
            if i > 0 {
                draw::line(
                    area,
                    (x - gap / 2, top),
                    (x - gap / 2, top + ph - 20),
                    GRID,
                    1,
                )?;
            }
            panel(area, title, values, (x, top, pw, ph))?;
        }
        Ok(())
    }
}
