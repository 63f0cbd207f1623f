//! Passages per theme, split by language: stacked horizontal bars, one row a
//! theme (largest first), the other group last in grey, labels in both
//! languages as the themes stage wrote them.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, font, HEADER_H, LABEL_SIZE, MARGIN, SMALL_SIZE};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, MUTED};
use crate::report::{text, Params, View};
use crate::Lang;

pub struct Row {
    pub label: String,
    /// Passages per language, in [`Lang::ALL`] order.
    pub counts: [usize; 3],
    pub other: bool,
}

pub struct PassagesPerTheme {
    pub rows: Vec<Row>,
    pub subtitle: String,
    pub size: (u32, u32),
}

/// `#id label`, the way every chart names a theme.
pub fn theme_name(id: u32, label: &str) -> String {
    format!("#{id} {label}")
}

/// Height for `rows` bar rows under `fixed` pixels of header and axis: rows
/// as tall as [`MAX_ROW`] until `max`, then thinner; never below 320.
pub fn rows_height(rows: usize, fixed: i32, max: u32) -> u32 {
    let want = fixed + MAX_ROW * rows as i32 + 8;
    (want.max(320) as u32).min(max)
}

/// The tallest a bar row grows.
pub const MAX_ROW: i32 = 46;

pub const OTHER_LABEL: &str = "other: boilerplate, content-free · 其他";

impl PassagesPerTheme {
    pub fn new(view: &View, params: &Params) -> Option<Self> {
        let themes = view.input.themes?;
        let counts = |m: &std::collections::BTreeMap<Lang, usize>| {
            Lang::ALL.map(|l| m.get(&l).copied().unwrap_or(0))
        };
        let mut rows: Vec<Row> = view
            .themes_by_size()
            .into_iter()
            .map(|t| Row {
                label: theme_name(t.id, &t.label),
                counts: counts(&t.passages_by_lang),
                other: false,
            })
            .collect();
        rows.push(Row {
            label: OTHER_LABEL.into(),
            counts: counts(&themes.other.passages_by_lang),
            other: true,
        });
        let silhouette = themes
            .silhouette
            .map(|s| format!(", mean silhouette {s:.2}"))
            .unwrap_or_default();
        Some(PassagesPerTheme {
            subtitle: format!(
                "{} themes over {} passages (k = {}{silhouette}); other = set aside before clustering",
                themes.themes.len(),
                view.passages.len(),
                themes.k
            ),
            size: (params.chart_width, rows_height(rows.len(), HEADER_H + 40 + 50, params.chart_height)),
            rows,
        })
    }
}

impl Chart for PassagesPerTheme {
    fn name(&self) -> &'static str {
        "themes"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("Passages per theme, by language", "各主题段落数(按语言)")
    }
    fn caption(&self) -> String {
        "Each bar is a theme, largest first; its segments count the passages in English, Chinese and mixed language. The grey row holds the passages set aside before clustering.".into()
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let legend: Vec<(String, RGBColor)> = [
            (Lang::En, "English 英文"),
            (Lang::Zh, "Chinese 中文"),
            (Lang::Mixed, "mixed 混合"),
        ]
        .into_iter()
        .map(|(l, s)| (s.to_string(), palette::lang(l)))
        .chain(std::iter::once(("other 其他".to_string(), palette::OTHER)))
        .collect();
        draw::legend(area, &legend, (MARGIN, HEADER_H + 14))?;

        let top = HEADER_H + 40;
        let bottom = h - 44;
        let n = self.rows.len().max(1) as i32;
        let row_h = ((bottom - top) / n).clamp(8, MAX_ROW);
        let size = (f64::from(row_h) * 0.55).clamp(9.0, LABEL_SIZE);
        let widest = self
            .rows
            .iter()
            .map(|r| text::width(&r.label, size))
            .fold(0.0, f64::max);
        let label_w = (widest + 12.0).min(f64::from(w) * 0.42) as i32;
        let x0 = MARGIN + label_w;
        let x1 = w - MARGIN - 56;
        let max = self
            .rows
            .iter()
            .map(|r| r.counts.iter().sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let step = draw::tick_step(max, 6);
        let axis_max = (max / step).ceil().max(1.0) * step;
        let scale = f64::from(x1 - x0) / axis_max;
        let xpos = |v: f64| x0 + (v * scale).round() as i32;
        let body_bottom = top + row_h * n;

        // Grid and axis first, bars over them.
        let mut t = 0.0;
        while t <= axis_max + 1e-9 {
            let x = xpos(t);
            draw::line(area, (x, top - 4), (x, body_bottom), GRID, 1)?;
            draw::text(
                area,
                &draw::count(t as usize),
                (x, body_bottom + 6),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
            t += step;
        }
        draw::text(
            area,
            "passages · 段落数",
            ((x0 + x1) / 2, body_bottom + 26),
            &font(SMALL_SIZE).color(&MUTED),
            HPos::Center,
            VPos::Top,
        )?;

        for (i, row) in self.rows.iter().enumerate() {
            let yc = top + row_h * i as i32 + row_h / 2;
            let bar_h = (f64::from(row_h) * 0.68) as i32;
            let style = if row.other {
                font(size).color(&MUTED)
            } else {
                font(size)
            };
            draw::row_label(
                area,
                &row.label,
                (x0 - 10, yc),
                &style,
                f64::from(label_w - 12),
                row_h,
            )?;
            let mut cum = 0usize;
            for (j, &c) in row.counts.iter().enumerate() {
                if c == 0 {
                    continue;
                }
                let color = if row.other {
                    draw::lighter(palette::lang(Lang::ALL[j]), 0.55)
                } else {
                    palette::lang(Lang::ALL[j])
                };
                let (a, b) = (xpos(cum as f64), xpos((cum + c) as f64));
                draw::rect(
                    area,
                    (a, yc - bar_h / 2),
                    (b.max(a + 1), yc + bar_h / 2),
                    color,
                )?;
                let s = draw::count(c);
                if f64::from(b - a) > text::width(&s, SMALL_SIZE) + 8.0 && bar_h >= 12 {
                    draw::text(
                        area,
                        &s,
                        ((a + b) / 2, yc),
                        &font(SMALL_SIZE).color(&palette::on(color)),
                        HPos::Center,
                        VPos::Center,
                    )?;
                }
                cum += c;
            }
            draw::text(
                area,
                &draw::count(cum),
                (xpos(cum as f64) + 6, yc),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(())
    }
}
