//! Theme share per group (time bin or source): one 100% bar a group, split
//! into its passages' themes (colours as everywhere, "other" grey), n at
//! the end: what BERTopic calls topics over time, and the same per outlet.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, font, HEADER_H, LABEL_SIZE, MARGIN, SMALL_SIZE};
use super::themes::{rows_height, theme_name, MAX_ROW};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, MUTED};
use crate::report::stats::Stats;
use crate::report::{text, Params, View};

/// Row label and passages per theme (in legend order).
type Rows = Vec<(String, Vec<usize>)>;
/// Theme name and colour.
type Legend = Vec<(String, RGBColor)>;

pub struct ThemeShare {
    pub name: &'static str,
    pub title: (&'static str, &'static str),
    pub caption: String,
    pub subtitle: String,
    /// Row label and passages per theme (in `legend` order).
    pub rows: Vec<(String, Vec<usize>)>,
    pub legend: Vec<(String, RGBColor)>,
    pub note: Option<String>,
    pub size: (u32, u32),
}

impl ThemeShare {
    fn build(
        view: &View,
        params: &Params,
        groups: &std::collections::BTreeMap<usize, std::collections::BTreeMap<Option<u32>, usize>>,
        label: &dyn Fn(usize) -> String,
    ) -> (Rows, Legend, (u32, u32)) {
        let order = view.themes_by_size();
        let keys: Vec<Option<u32>> = order
            .iter()
            .map(|t| Some(t.id))
            .chain(std::iter::once(None))
            .collect();
        let legend = order
            .iter()
            .enumerate()
            .map(|(i, t)| (theme_name(t.id, &t.label), palette::theme(i)))
            .chain(std::iter::once(("other 其他".to_string(), palette::OTHER)))
            .collect();
        let rows: Vec<(String, Vec<usize>)> = groups
            .iter()
            .map(|(g, counts)| {
                (
                    label(*g),
                    keys.iter()
                        .map(|k| counts.get(k).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect();
        // Tall enough for the rows and for the legend (one theme a line).
        let legend_h = HEADER_H + 20 + 18 * keys.len() as i32 + 24;
        let size = (
            params.chart_width,
            rows_height(rows.len().max(3), HEADER_H + 40 + 40, params.chart_height)
                .max((legend_h as u32).min(params.chart_height)),
        );
        (rows, legend, size)
    }

    pub fn over_time(view: &View, params: &Params, stats: &Stats) -> Option<Self> {
        view.input.themes?;
        let (rows, legend, size) = Self::build(view, params, &stats.themes_by_bin, &|b| {
            stats.bins[b].clone()
        });
        let unit = match stats.bin {
            Some(crate::report::stats::Bin::Week) => "week (from Monday)",
            _ => "month",
        };
        Some(ThemeShare {
            name: "theme_share_time",
            title: ("Theme share over time", "主题占比随时间变化"),
            caption: "Each period's passages split over the themes (bars sum to 100%), with n: which themes grow or fade. Undated documents are left out.".into(),
            subtitle: format!("share of each {unit}'s passages per theme; n at the right"),
            note: stats.dates_note().filter(|_| rows.is_empty()),
            rows,
            legend,
            size,
        })
    }

    pub fn by_source(view: &View, params: &Params, stats: &Stats) -> Option<Self> {
        view.input.themes?;
        let (rows, legend, size) = Self::build(view, params, &stats.themes_by_source, &|s| {
            stats.sources[s].clone()
        });
        Some(ThemeShare {
            name: "theme_share_source",
            title: ("Theme share by source", "各来源的主题占比"),
            caption: "Each source's passages split over the themes (bars sum to 100%), with n. Sources come from the sidecar (metadata.toml).".into(),
            subtitle: "share of each source's passages per theme; n at the right".into(),
            note: None,
            rows,
            legend,
            size,
        })
    }
}

impl Chart for ThemeShare {
    fn name(&self) -> &'static str {
        self.name
    }
    fn title(&self) -> (&'static str, &'static str) {
        self.title
    }
    fn caption(&self) -> String {
        match &self.note {
            Some(n) => format!("{}: {n}.", self.title.0),
            None => self.caption.clone(),
        }
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        if let Some(note) = &self.note {
            let (_, body) = area.split_vertically(HEADER_H + 28);
            return draw::empty_note(&body, note);
        }
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let legend_w = 260;
        let top = HEADER_H + 20;
        let bottom = h - 30;
        let n = self.rows.len().max(1) as i32;
        let row_h = ((bottom - top) / n).clamp(6, MAX_ROW);
        let size = (f64::from(row_h) * 0.55).clamp(9.0, LABEL_SIZE);
        let widest = self
            .rows
            .iter()
            .map(|r| text::width(&r.0, size))
            .fold(0.0, f64::max);
        let label_w = (widest + 12.0).min(f64::from(w) * 0.3) as i32;
        let x0 = MARGIN + label_w;
        let x1 = w - MARGIN - legend_w - 60;
        let bar_w = f64::from(x1 - x0);
        for (i, (label, counts)) in self.rows.iter().enumerate() {
            let yc = top + row_h * i as i32 + row_h / 2;
            draw::row_label(
                area,
                label,
                (x0 - 8, yc),
                &font(size),
                f64::from(label_w - 4),
                row_h,
            )?;
            let total: usize = counts.iter().sum();
            let bh = (f64::from(row_h) * 0.7) as i32;
            let mut acc = 0usize;
            for (k, c) in counts.iter().enumerate() {
                if *c == 0 {
                    continue;
                }
                let a = x0 + (bar_w * acc as f64 / total.max(1) as f64).round() as i32;
                acc += c;
                let b = x0 + (bar_w * acc as f64 / total.max(1) as f64).round() as i32;
                if b > a {
                    draw::rect(area, (a, yc - bh / 2), (b, yc + bh / 2), self.legend[k].1)?;
                }
            }
            draw::text(
                area,
                &format!("n={}", draw::count(total)),
                (x1 + 6, yc),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
        // Legend, one theme a line, as many as fit.
        let lx = w - MARGIN - legend_w;
        let line_h = 18;
        let fit = ((h - top - 10) / line_h).max(1) as usize;
        let fit = if fit < self.legend.len() {
            fit.saturating_sub(1)
        } else {
            fit
        };
        if fit < self.legend.len() {
            draw::text(
                area,
                &format!("… {} more (see the page's table)", self.legend.len() - fit),
                (lx, top + 8 + line_h * fit as i32),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
        }
        for (i, (name, c)) in self.legend.iter().take(fit).enumerate() {
            let y = top + 8 + line_h * i as i32;
            draw::rect(area, (lx, y - 6), (lx + 12, y + 6), *c)?;
            let s = text::fit(name, SMALL_SIZE, f64::from(legend_w - 20));
            draw::text(
                area,
                &s,
                (lx + 18, y),
                &font(SMALL_SIZE),
                HPos::Left,
                VPos::Center,
            )?;
        }
        Ok(())
    }
}
