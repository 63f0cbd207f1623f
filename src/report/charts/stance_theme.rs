//! Stance by theme for each target: diverging bars around zero, passages
//! against to the left (red), in favour to the right (blue), with counts. One
//! panel a target, sharing the theme rows and one scale, so panels compare.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, bold, font, HEADER_H, LABEL_SIZE, MARGIN, SMALL_SIZE};
use super::themes::{rows_height, theme_name, MAX_ROW, OTHER_LABEL};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, INK, MUTED};
use crate::report::{text, Params, View};
use crate::stance::Aggregate;

pub struct Panel {
    pub target: String,
    /// Per row: the aggregate, if any passage of the group concerns the target.
    pub cells: Vec<Option<Aggregate>>,
}

pub struct StanceByTheme {
    pub rows: Vec<String>,
    pub panels: Vec<Panel>,
    pub subtitle: String,
    pub size: (u32, u32),
}

impl StanceByTheme {
    pub fn new(view: &View, params: &Params) -> Option<Self> {
        let stance = view.input.stance?;
        view.input.themes?;
        let themes = view.themes_by_size();
        let mut keys: Vec<String> = themes.iter().map(|t| t.id.to_string()).collect();
        let mut rows: Vec<String> = themes.iter().map(|t| theme_name(t.id, &t.label)).collect();
        keys.push("other".into());
        rows.push(OTHER_LABEL.into());
        let panels: Vec<Panel> = stance
            .summary
            .targets
            .iter()
            .map(|(id, name)| {
                let by = stance.summary.by_theme.get(id);
                Panel {
                    target: name.clone(),
                    cells: keys
                        .iter()
                        .map(|k| by.and_then(|m| m.get(k)).filter(|a| a.n > 0).cloned())
                        .collect(),
                }
            })
            .collect();
        if panels.is_empty() {
            return None;
        }
        Some(StanceByTheme {
            subtitle: "passages labelled against (left) and in favour (right) of each target, per theme; neutral ones not drawn; – no passage of the theme concerns the target".to_string(),
            size: (params.chart_width, rows_height(rows.len(), HEADER_H + 70 + 46, params.chart_height)),
            rows,
            panels,
        })
    }
}

impl Chart for StanceByTheme {
    fn name(&self) -> &'static str {
        "stance_by_theme"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("Stance by theme", "各主题立场分布")
    }
    fn caption(&self) -> String {
        "For each target, the number of passages of each theme labelled against (red, left of zero) and in favour (blue, right of zero); rows as in the themes chart.".into()
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        draw::legend(
            area,
            &[
                ("against 反对".to_string(), palette::AGAINST),
                ("favor 支持".to_string(), palette::FAVOR),
            ],
            (MARGIN, HEADER_H + 14),
        )?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let top = HEADER_H + 70;
        let bottom = h - 40;
        let n = self.rows.len().max(1) as i32;
        let row_h = ((bottom - top) / n).clamp(8, MAX_ROW);
        let size = (f64::from(row_h) * 0.55).clamp(9.0, LABEL_SIZE);
        let widest = self
            .rows
            .iter()
            .map(|r| text::width(r, size))
            .fold(0.0, f64::max);
        let label_w = (widest + 12.0).min(f64::from(w) * 0.34) as i32;
        let np = self.panels.len().max(1) as i32;
        let gap = 28;
        let x_start = MARGIN + label_w + 8;
        let panel_w = (w - MARGIN - x_start - gap * (np - 1)) / np;
        let body_bottom = top + row_h * n;
        let max = self
            .panels
            .iter()
            .flat_map(|p| p.cells.iter().flatten())
            .map(|a| a.favor.max(a.against))
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let step = draw::tick_step(max, 3);
        let axis_max = (max / step).ceil().max(1.0) * step;

        for (i, row) in self.rows.iter().enumerate() {
            let yc = top + row_h * i as i32 + row_h / 2;
            let is_other = i + 1 == self.rows.len();
            let style = if is_other {
                font(size).color(&MUTED)
            } else {
                font(size)
            };
            draw::row_label(
                area,
                row,
                (x_start - 12, yc),
                &style,
                f64::from(label_w - 4),
                row_h,
            )?;
        }
        for (pi, p) in self.panels.iter().enumerate() {
            let px = x_start + pi as i32 * (panel_w + gap);
            let cx = px + panel_w / 2;
            let half = f64::from(panel_w / 2 - 34);
            let scale = half / axis_max;
            let title = text::fit(&p.target, 16.0, f64::from(panel_w));
            draw::text(
                area,
                &title,
                (cx, top - 30),
                &bold(16.0),
                HPos::Center,
                VPos::Center,
            )?;
            // Ticks, symmetric around zero, labelled with counts.
            let mut t = step;
            while t <= axis_max + 1e-9 {
                for sign in [-1.0, 1.0] {
                    let x = cx + (sign * t * scale).round() as i32;
                    draw::line(area, (x, top - 6), (x, body_bottom), GRID, 1)?;
                    draw::text(
                        area,
                        &draw::count(t as usize),
                        (x, body_bottom + 6),
                        &font(SMALL_SIZE).color(&MUTED),
                        HPos::Center,
                        VPos::Top,
                    )?;
                }
                t += step;
            }
            draw::text(
                area,
                "0",
                (cx, body_bottom + 6),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
            for (i, cell) in p.cells.iter().enumerate() {
                let yc = top + row_h * i as i32 + row_h / 2;
                let bar_h = (f64::from(row_h) * 0.64) as i32;
                let Some(a) = cell else {
                    draw::text(
                        area,
                        "–",
                        (cx + 8, yc),
                        &font(SMALL_SIZE).color(&MUTED),
                        HPos::Left,
                        VPos::Center,
                    )?;
                    continue;
                };
                if a.against > 0 {
                    let x = cx - ((a.against as f64) * scale).round().max(2.0) as i32;
                    draw::rect(
                        area,
                        (x, yc - bar_h / 2),
                        (cx, yc + bar_h / 2),
                        palette::AGAINST,
                    )?;
                    draw::text(
                        area,
                        &draw::count(a.against),
                        (x - 5, yc),
                        &font(SMALL_SIZE).color(&palette::AGAINST),
                        HPos::Right,
                        VPos::Center,
                    )?;
                }
                if a.favor > 0 {
                    let x = cx + ((a.favor as f64) * scale).round().max(2.0) as i32;
                    draw::rect(
                        area,
                        (cx, yc - bar_h / 2),
                        (x, yc + bar_h / 2),
                        palette::FAVOR,
                    )?;
                    draw::text(
                        area,
                        &draw::count(a.favor),
                        (x + 5, yc),
                        &font(SMALL_SIZE).color(&palette::FAVOR),
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
                if a.favor == 0 && a.against == 0 {
                    draw::text(
                        area,
                        &format!("{} neutral", a.neutral),
                        (cx + 8, yc),
                        &font(SMALL_SIZE).color(&MUTED),
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
            }
            draw::line(area, (cx, top - 6), (cx, body_bottom), INK, 1)?;
        }
        draw::text(
            area,
            "passages · 段落数 (against 反对 ← 0 → favor 支持)",
            (x_start + (w - MARGIN - x_start) / 2, body_bottom + 24),
            &font(SMALL_SIZE).color(&MUTED),
            HPos::Center,
            VPos::Top,
        )
    }
}
