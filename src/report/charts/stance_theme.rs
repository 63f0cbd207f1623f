//! Mean stance per group (theme or source) for each target: a dot at the
//! mean score with its 95% interval and n, on each target's own scale (so a
//! target with few passages is as readable as one with many), beside a bar
//! of the favour / neutral / against split, neutrals included.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, bold, font, HEADER_H, LABEL_SIZE, MARGIN, SMALL_SIZE};
use super::themes::{rows_height, theme_name, MAX_ROW, OTHER_LABEL};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, INK, MUTED};
use crate::report::stats::{MeanCi, Stats, NO_SOURCE};
use crate::report::{text, Params, View};

pub struct Panel {
    pub target: String,
    /// Per row: the mean and split, if any passage of the group concerns the target.
    pub cells: Vec<Option<MeanCi>>,
}

pub struct StanceByTheme {
    pub name: &'static str,
    pub title: (&'static str, &'static str),
    pub caption: String,
    pub rows: Vec<String>,
    /// The last row is the "other" group (drawn muted).
    pub last_muted: bool,
    pub panels: Vec<Panel>,
    pub subtitle: String,
    pub size: (u32, u32),
}

fn panels(view: &View, stats: &Stats, cell: impl Fn(&str) -> Vec<Option<MeanCi>>) -> Vec<Panel> {
    let names = view.input.stance.map(|s| &s.summary.targets);
    stats
        .targets
        .iter()
        .map(|t| Panel {
            target: names.and_then(|n| n.get(t)).cloned().unwrap_or(t.clone()),
            cells: cell(t),
        })
        .collect()
}

impl StanceByTheme {
    pub fn new(view: &View, params: &Params, stats: &Stats) -> Option<Self> {
        view.input.stance?;
        view.input.themes?;
        let themes = view.themes_by_size();
        let mut keys: Vec<Option<u32>> = themes.iter().map(|t| Some(t.id)).collect();
        let mut rows: Vec<String> = themes.iter().map(|t| theme_name(t.id, &t.label)).collect();
        keys.push(None);
        rows.push(OTHER_LABEL.into());
        let panels = panels(view, stats, |t| {
            keys.iter()
                .map(|k| {
                    stats
                        .by_theme
                        .get(k)
                        .and_then(|m| m.get(t))
                        .filter(|m| m.n > 0)
                        .copied()
                })
                .collect()
        });
        if panels.is_empty() {
            return None;
        }
        Some(StanceByTheme {
            name: "stance_by_theme",
            title: ("Stance by theme", "各主题立场"),
            caption: "For each target, each theme's mean stance score (+1 favour, −1 against) over the passages that concern the target, with its 95% interval and n, each target on its own scale; the bar beside it splits those passages into against (red), neutral (grey) and favour (blue). Rows as in the themes chart.".into(),
            subtitle: "mean score ± 95% interval (n), each target on its own scale; bar: against / neutral / favor share; – no passage of the theme concerns the target".to_string(),
            size: (params.chart_width, rows_height(rows.len(), HEADER_H + 70 + 46, params.chart_height)),
            rows,
            last_muted: true,
            panels,
        })
    }

    /// The same chart per source (the sidecar's `source`).
    pub fn by_source(view: &View, params: &Params, stats: &Stats) -> Option<Self> {
        view.input.stance?;
        if stats.by_source.is_empty() {
            return None;
        }
        let keys: Vec<usize> = (0..stats.sources.len()).collect();
        let rows: Vec<String> = keys
            .iter()
            .map(|&k| {
                format!(
                    "{} ({})",
                    stats.sources[k],
                    draw::count(stats.passages_by_source[k])
                )
            })
            .collect();
        let panels = panels(view, stats, |t| {
            keys.iter()
                .map(|k| {
                    stats
                        .by_source
                        .get(k)
                        .and_then(|m| m.get(t))
                        .filter(|m| m.n > 0)
                        .copied()
                })
                .collect()
        });
        if panels.is_empty() {
            return None;
        }
        Some(StanceByTheme {
            name: "stance_by_source",
            title: ("Stance by source", "各来源立场"),
            caption: "For each target, each source's mean stance score with its 95% interval and n, each target on its own scale, and the against / neutral / favour split. Sources come from the sidecar (metadata.toml); documents without one form “(no source)”.".into(),
            subtitle: "mean score ± 95% interval (n) per source (metadata.toml `source`), each target on its own scale; bar: against / neutral / favor share".to_string(),
            size: (params.chart_width, rows_height(rows.len(), HEADER_H + 70 + 46, params.chart_height)),
            last_muted: stats.sources.last().is_some_and(|s| s == NO_SOURCE),
            rows,
            panels,
        })
    }
}

/// A round tick step for a score axis reaching `reach` (in (0, 1]): two or
/// three ticks a side.
pub fn score_step(reach: f64) -> f64 {
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5]
        .into_iter()
        .find(|s| reach / s <= 3.0)
        .unwrap_or(0.5)
}

impl Chart for StanceByTheme {
    fn name(&self) -> &'static str {
        self.name
    }
    fn title(&self) -> (&'static str, &'static str) {
        self.title
    }
    fn caption(&self) -> String {
        self.caption.clone()
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
                ("neutral 中立".to_string(), palette::NEUTRAL),
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
        for (i, row) in self.rows.iter().enumerate() {
            let yc = top + row_h * i as i32 + row_h / 2;
            let muted = self.last_muted && i + 1 == self.rows.len();
            let style = if muted {
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
            // Dot plot on the left, split bar on the right.
            let split_w = (panel_w / 4).clamp(40, 160);
            let dot_w = panel_w - split_w - 12;
            let cx = px + dot_w / 2;
            let reach = p
                .cells
                .iter()
                .flatten()
                .filter(|m| m.n >= 2)
                .map(|m| m.mean.abs() + m.ci95.min(1.0))
                .fold(0.0, f64::max)
                .max(
                    p.cells
                        .iter()
                        .flatten()
                        .map(|m| m.mean.abs())
                        .fold(0.0, f64::max),
                )
                .clamp(0.05, 1.0);
            let step = score_step(reach);
            let axis_max = ((reach / step).ceil() * step).min(1.0);
            let half = f64::from(dot_w / 2 - 30);
            let sx = |v: f64| cx + (v.clamp(-axis_max, axis_max) / axis_max * half).round() as i32;
            let title = text::fit(&p.target, 16.0, f64::from(panel_w));
            draw::text(
                area,
                &title,
                (px + panel_w / 2, top - 30),
                &bold(16.0),
                HPos::Center,
                VPos::Center,
            )?;
            let mut t = -axis_max;
            while t <= axis_max + 1e-9 {
                let x = sx(t);
                draw::line(area, (x, top - 6), (x, body_bottom), GRID, 1)?;
                draw::text(
                    area,
                    &draw::tick_label(if t.abs() < step / 2.0 { 0.0 } else { t }, step),
                    (x, body_bottom + 6),
                    &font(SMALL_SIZE).color(&MUTED),
                    HPos::Center,
                    VPos::Top,
                )?;
                t += step;
            }
            draw::line(area, (cx, top - 6), (cx, body_bottom), INK, 1)?;
            let bx0 = px + dot_w + 12;
            for (i, cell) in p.cells.iter().enumerate() {
                let yc = top + row_h * i as i32 + row_h / 2;
                let bar_h = (f64::from(row_h) * 0.5) as i32;
                let Some(m) = cell else {
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
                let color = if m.mean > 0.0 {
                    palette::FAVOR
                } else if m.mean < 0.0 {
                    palette::AGAINST
                } else {
                    palette::NEUTRAL
                };
                if m.n >= 2 {
                    let (a, b) = (sx(m.mean - m.ci95), sx(m.mean + m.ci95));
                    draw::line(area, (a, yc), (b, yc), color, 2)?;
                    draw::line(area, (a, yc - 4), (a, yc + 4), color, 1)?;
                    draw::line(area, (b, yc - 4), (b, yc + 4), color, 1)?;
                }
                let x = sx(m.mean);
                draw::rect(area, (x - 4, yc - 4), (x + 4, yc + 4), color)?;
                let right = sx(m.mean + if m.n >= 2 { m.ci95 } else { 0.0 }).max(x + 4);
                let label = format!("{:+.2} n={}", m.mean, draw::count(m.n));
                let lw = text::width(&label, SMALL_SIZE) as i32;
                let left_end = sx(m.mean - if m.n >= 2 { m.ci95 } else { 0.0 }).min(x - 4) - 6;
                let (lx, yl, hp) = if right + 8 + lw <= px + dot_w {
                    (right + 6, yc, HPos::Left)
                } else if left_end - lw >= px {
                    (left_end, yc, HPos::Right)
                } else {
                    // A wide interval: the label goes above the whisker.
                    (x, yc - 11, HPos::Center)
                };
                draw::text(
                    area,
                    &label,
                    (lx, yl),
                    &font(SMALL_SIZE).color(&MUTED),
                    hp,
                    VPos::Center,
                )?;
                // The split: against | neutral | favor, as shares of n.
                let n = m.n.max(1) as f64;
                let mut x0 = bx0;
                for (k, c) in [
                    (m.against, palette::AGAINST),
                    (m.neutral, palette::NEUTRAL),
                    (m.favor, palette::FAVOR),
                ] {
                    let wpx = (k as f64 / n * f64::from(split_w)).round() as i32;
                    if wpx > 0 {
                        draw::rect(area, (x0, yc - bar_h / 2), (x0 + wpx, yc + bar_h / 2), c)?;
                    }
                    x0 += wpx;
                }
            }
            draw::text(
                area,
                "against · neutral · favor",
                (bx0 + split_w / 2, body_bottom + 6),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Center,
                VPos::Top,
            )?;
        }
        draw::text(
            area,
            "mean stance score · 平均立场分 (−1 against 反对 … +1 favor 支持); each target its own scale",
            (x_start + (w - MARGIN - x_start) / 2, body_bottom + 24),
            &font(SMALL_SIZE).color(&MUTED),
            HPos::Center,
            VPos::Top,
        )
    }
}
