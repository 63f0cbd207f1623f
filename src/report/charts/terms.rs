//! Top terms per theme: small multiples, one panel a theme, English terms on
//! the left and Chinese on the right. Bar length is relative to the best
//! term of that language in that theme (class-based TF-IDF has no absolute
//! unit), times the language's share of the theme's passages relative to
//! the larger language: a language with 94 passages in a theme of 11,637
//! gets short bars. A language with no passage in the theme shows no terms
//! (the bridge's translations were not seen there).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, bold, font, HEADER_H, MARGIN, SMALL_SIZE};
use super::themes::theme_name;
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, MUTED};
use crate::report::{text, Params, View};
use crate::themes::TermScore;
use crate::Lang;

pub struct Panel {
    pub title: String,
    pub size: usize,
    pub color: RGBColor,
    pub en: Vec<TermScore>,
    pub zh: Vec<TermScore>,
    /// Passages of the theme in English (mixed included) and in Chinese.
    pub n_en: usize,
    pub n_zh: usize,
}

pub struct TopTerms {
    pub panels: Vec<Panel>,
    pub top_terms: usize,
    pub cols: usize,
    pub subtitle: String,
    pub size: (u32, u32),
}

const PANEL_HEAD: i32 = 50;
const TERM_ROW: i32 = 21;
const GAP: i32 = 16;

impl TopTerms {
    pub fn new(view: &View, params: &Params) -> Option<Self> {
        let themes = view.themes_by_size();
        if themes.is_empty() {
            return None;
        }
        let panels: Vec<Panel> = themes
            .iter()
            .enumerate()
            .map(|(pos, t)| {
                let by = |l: Lang| t.passages_by_lang.get(&l).copied().unwrap_or(0);
                let (n_en, n_zh) = (
                    by(Lang::En) + by(Lang::Mixed),
                    by(Lang::Zh) + by(Lang::Mixed),
                );
                let take = |v: &[TermScore], n: usize| {
                    if n == 0 {
                        Vec::new()
                    } else {
                        v.iter().take(params.top_terms).cloned().collect()
                    }
                };
                Panel {
                    title: theme_name(t.id, &t.label),
                    size: t.size,
                    color: palette::theme(pos),
                    en: take(&t.top_terms_en, n_en),
                    zh: take(&t.top_terms_zh, n_zh),
                    n_en,
                    n_zh,
                }
            })
            .collect();
        let w = params.chart_width;
        let max_cols = (w / 380).max(1) as usize;
        let cols = panels.len().min(max_cols).max(1);
        let rows = panels.len().div_ceil(cols);
        let rows_in_panel = panels
            .iter()
            .map(|p| p.en.len().max(p.zh.len()))
            .max()
            .unwrap_or(0)
            .max(1) as i32;
        let panel_h = PANEL_HEAD + rows_in_panel * TERM_ROW + 12;
        let h = HEADER_H + 36 + rows as i32 * (panel_h + GAP) + MARGIN - GAP;
        Some(TopTerms {
            subtitle: format!(
                "up to {} terms per language for each theme (class-based TF-IDF); bar = share of the language's best term × the language's passages relative to the other's",
                params.top_terms
            ),
            panels,
            top_terms: params.top_terms,
            cols,
            size: (w, (h.max(300)) as u32),
        })
    }

    fn panel_h(&self) -> i32 {
        let rows = self
            .panels
            .iter()
            .map(|p| p.en.len().max(p.zh.len()))
            .max()
            .unwrap_or(0)
            .max(1) as i32;
        PANEL_HEAD + rows * TERM_ROW + 12
    }
}

fn term_column<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    terms: &[TermScore],
    color: RGBColor,
    strength: f64,
    (x, y, w): (i32, i32, i32),
) -> DrawResult<DB> {
    if terms.is_empty() {
        return draw::text(
            area,
            if strength > 0.0 {
                "—"
            } else {
                "no passage · 无段落"
            },
            (x + w / 2, y + TERM_ROW / 2),
            &font(SMALL_SIZE).color(&MUTED),
            HPos::Center,
            VPos::Center,
        );
    }
    let best = terms
        .iter()
        .map(|t| t.score)
        .filter(|s| s.is_finite())
        .fold(0.0, f64::max);
    let term_w = (f64::from(w) * 0.5) as i32;
    let bar_max = f64::from(w - term_w - 6);
    for (i, t) in terms.iter().enumerate() {
        let yc = y + TERM_ROW * i as i32 + TERM_ROW / 2;
        let label = text::fit(&t.term, SMALL_SIZE, f64::from(term_w - 6));
        draw::text(
            area,
            &label,
            (x + term_w - 4, yc),
            &font(SMALL_SIZE),
            HPos::Right,
            VPos::Center,
        )?;
        let frac = if best > 0.0 && t.score.is_finite() {
            (t.score / best).clamp(0.0, 1.0) * strength.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let len = ((bar_max * frac).round() as i32).max(2);
        draw::rect(
            area,
            (x + term_w + 2, yc - 7),
            (x + term_w + 2 + len, yc + 7),
            color,
        )?;
    }
    Ok(())
}

impl Chart for TopTerms {
    fn name(&self) -> &'static str {
        "top_terms"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("Top terms per theme", "各主题关键词")
    }
    fn caption(&self) -> String {
        format!(
            "One panel per theme (largest first): its best {} English terms on the left, Chinese on the right, with the theme's passages in each language; bar length is relative to the theme's best term in that language, scaled by that language's passages relative to the other's. No terms are shown for a language with no passage in the theme.",
            self.top_terms
        )
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        draw::legend(
            area,
            &[
                ("English terms 英文词".to_string(), palette::lang(Lang::En)),
                ("Chinese terms 中文词".to_string(), palette::lang(Lang::Zh)),
            ],
            (MARGIN, HEADER_H + 14),
        )?;
        let w = self.size.0 as i32;
        let cols = self.cols.max(1) as i32;
        let panel_w = (w - 2 * MARGIN - GAP * (cols - 1)) / cols;
        let panel_h = self.panel_h();
        let top = HEADER_H + 36;
        for (i, p) in self.panels.iter().enumerate() {
            let (r, c) = (i as i32 / cols, i as i32 % cols);
            let x = MARGIN + c * (panel_w + GAP);
            let y = top + r * (panel_h + GAP);
            area.draw(&Rectangle::new(
                [(x, y), (x + panel_w, y + panel_h)],
                GRID.stroke_width(1),
            ))?;
            draw::rect(area, (x, y), (x + 6, y + panel_h), p.color)?;
            let n = format!("{} passages", draw::count(p.size));
            let n_w = text::width(&n, SMALL_SIZE) as i32;
            let title = text::fit(&p.title, 15.0, f64::from(panel_w - n_w - 30));
            draw::text(
                area,
                &title,
                (x + 14, y + 8),
                &bold(15.0),
                HPos::Left,
                VPos::Top,
            )?;
            draw::text(
                area,
                &n,
                (x + panel_w - 8, y + 10),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Right,
                VPos::Top,
            )?;
            let col_w = (panel_w - 24) / 2;
            let head_y = y + 32;
            draw::text(
                area,
                &format!("English (n={})", draw::count(p.n_en)),
                (x + 14, head_y),
                &font(12.0).color(&MUTED),
                HPos::Left,
                VPos::Top,
            )?;
            draw::text(
                area,
                &format!("中文 (n={})", draw::count(p.n_zh)),
                (x + 14 + col_w + 8, head_y),
                &font(12.0).color(&MUTED),
                HPos::Left,
                VPos::Top,
            )?;
            let body_y = y + PANEL_HEAD;
            let most = p.n_en.max(p.n_zh).max(1) as f64;
            term_column(
                area,
                &p.en,
                palette::lang(Lang::En),
                p.n_en as f64 / most,
                (x + 10, body_y, col_w),
            )?;
            term_column(
                area,
                &p.zh,
                palette::lang(Lang::Zh),
                p.n_zh as f64 / most,
                (x + 14 + col_w + 4, body_y, col_w),
            )?;
        }
        Ok(())
    }
}
