//! The passage map: every passage at its 2-D coordinates from the themes
//! stage (the first two LSA components), coloured by theme, marker by
//! language; the other group in light grey underneath.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, bold, font, HEADER_H, SMALL_SIZE};
use super::themes::theme_name;
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, MUTED};
use crate::report::{text, Params, View};
use crate::Lang;

pub struct Point {
    pub xy: (f64, f64),
    /// Position of the theme in display order; `None` for the other group.
    pub theme: Option<usize>,
    pub lang: Lang,
}

pub struct PassageMap {
    pub points: Vec<Point>,
    pub legend: Vec<(String, RGBColor)>,
    pub range: ((f64, f64), (f64, f64)),
    pub subtitle: String,
    pub size: (u32, u32),
}

const LEGEND_W: i32 = 300;
/// Points drawn at most (the SVG stays small, the PNG readable).
const MAX_POINTS: usize = 4_000;
/// Points kept of every theme (all of a smaller one).
const MIN_PER_THEME: usize = 80;

impl PassageMap {
    pub fn new(view: &View, params: &Params) -> Option<Self> {
        let themes = view.input.themes?;
        if themes.coords.len() != view.passages.len() || themes.coords.is_empty() {
            return None;
        }
        let order = view.themes_by_size();
        let position = |id: u32| order.iter().position(|t| t.id == id);
        let points: Vec<Point> = view
            .passages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let [x, y] = themes.coords[i];
                (x.is_finite() && y.is_finite()).then(|| Point {
                    xy: (x, y),
                    theme: view.theme_of(i).and_then(position),
                    lang: p.lang,
                })
            })
            .collect();
        // A stratified sample: at most MAX_POINTS, each theme keeping a
        // share of them proportional to its size but at least MIN_PER_THEME
        // (all of a smaller theme), evenly spread over its passages.
        let total = points.len();
        let mut groups: std::collections::BTreeMap<Option<usize>, Vec<Point>> = Default::default();
        for p in points {
            groups.entry(p.theme).or_default().push(p);
        }
        let mut points: Vec<Point> = Vec::new();
        for g in groups.values_mut() {
            let quota = ((g.len() as f64 * MAX_POINTS as f64 / total.max(1) as f64).ceil()
                as usize)
                .max(MIN_PER_THEME)
                .min(g.len());
            let step = g.len() as f64 / quota as f64;
            let picked: Vec<usize> = (0..quota).map(|k| (k as f64 * step) as usize).collect();
            let mut v = std::mem::take(g);
            let mut keep = vec![false; v.len()];
            for i in picked {
                keep[i] = true;
            }
            let mut k = 0;
            v.retain(|_| {
                k += 1;
                keep[k - 1]
            });
            points.extend(v);
        }
        let sampled = points.len();
        // The other group first, then themes from the largest, so small
        // themes draw on top.
        let sizes: Vec<usize> = order.iter().map(|t| t.size).collect();
        points.sort_by_key(|p| match p.theme {
            None => (0, 0),
            Some(t) => (1, usize::MAX - sizes.get(t).copied().unwrap_or(0)),
        });
        // The view: the central 99% of each axis, so a few far passages do
        // not squeeze the rest into a point.
        let quant = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
            if v.is_empty() {
                (f64::INFINITY, f64::NEG_INFINITY)
            } else {
                (at(0.005), at(0.995))
            }
        };
        let xr = quant(points.iter().map(|p| p.xy.0).collect());
        let yr = quant(points.iter().map(|p| p.xy.1).collect());
        let before = points.len();
        points.retain(|p| p.xy.0 >= xr.0 && p.xy.0 <= xr.1 && p.xy.1 >= yr.0 && p.xy.1 <= yr.1);
        let outside = before - points.len();
        if !xr.0.is_finite() {
            return None;
        }
        let pad = |(a, b): (f64, f64)| {
            let d = ((b - a) * 0.06).max(1e-3);
            (a - d, b + d)
        };
        let legend = order
            .iter()
            .enumerate()
            .map(|(i, t)| (theme_name(t.id, &t.label), palette::theme(i)))
            .chain(std::iter::once(("other 其他".to_string(), palette::OTHER)))
            .collect();
        Some(PassageMap {
            subtitle: format!(
                "{} on the first two LSA components; colour = theme, marker = language{}",
                if sampled < total {
                    format!(
                        "a stratified sample of {} of {} passages (every theme kept)",
                        draw::count(sampled),
                        draw::count(total)
                    )
                } else {
                    format!("{} passages", draw::count(total))
                },
                if outside > 0 {
                    format!("; {outside} beyond the central 99% not drawn")
                } else {
                    String::new()
                }
            ),
            points,
            legend,
            range: (pad(xr), pad(yr)),
            size: (params.chart_width, params.chart_height),
        })
    }
}

fn marker<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    lang: Lang,
    (x, y): (i32, i32),
    color: RGBColor,
) -> DrawResult<DB> {
    match lang {
        Lang::En => area.draw(&Circle::new((x, y), 5, color.filled())),
        Lang::Zh => area.draw(&TriangleMarker::new((x, y), 6, color.filled())),
        Lang::Mixed => area.draw(&Cross::new((x, y), 5, color.stroke_width(2))),
    }
}

impl Chart for PassageMap {
    fn name(&self) -> &'static str {
        "passage_map"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("Passage map", "段落分布图")
    }
    fn caption(&self) -> String {
        "Every passage placed by the first two LSA components of its TF-IDF vector: nearby passages share vocabulary. Colour is the theme, marker the language (circle English, triangle Chinese, cross mixed).".into()
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let (_, body) = area.split_vertically(HEADER_H + 8);
        let (plot, _) = body.split_horizontally(w - LEGEND_W);
        let ((x0, x1), (y0, y1)) = self.range;
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(16)
            .margin_right(16)
            .margin_bottom(12)
            .margin_top(8)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let tick_list = |lo: f64, hi: f64| {
            let t = draw::ticks(lo, hi, 6);
            let step = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
            t.into_iter()
                .map(|v| (v, draw::tick_label(v, step)))
                .collect::<Vec<_>>()
        };
        draw::axes(
            area,
            &chart,
            &draw::Axes {
                x_ticks: tick_list(x0, x1),
                y_ticks: tick_list(y0, y1),
                x_desc: "LSA component 1 · 第一主成分",
                y_desc: "LSA component 2 · 第二主成分",
            },
        )?;
        for p in &self.points {
            let color = p.theme.map(palette::theme).unwrap_or(palette::OTHER);
            let color = color.mix(if p.theme.is_some() { 0.85 } else { 0.6 });
            let at = p.xy;
            match p.lang {
                Lang::En => {
                    chart.draw_series(std::iter::once(Circle::new(at, 4, color.filled())))?
                }
                Lang::Zh => chart.draw_series(std::iter::once(TriangleMarker::new(
                    at,
                    5,
                    color.filled(),
                )))?,
                Lang::Mixed => {
                    chart.draw_series(std::iter::once(Cross::new(at, 4, color.stroke_width(2))))?
                }
            };
        }

        // Legend: themes, then markers.
        let lx = w - LEGEND_W + 8;
        let mut y = HEADER_H + 24;
        draw::text(
            area,
            "themes · 主题",
            (lx, y),
            &bold(14.0),
            HPos::Left,
            VPos::Center,
        )?;
        y += 24;
        let row = 21;
        let room = ((h - 150 - y) / row).max(1) as usize;
        let shown = if self.legend.len() > room {
            room.saturating_sub(1)
        } else {
            self.legend.len()
        };
        for (label, color) in self.legend.iter().take(shown) {
            draw::rect(area, (lx, y - 7), (lx + 14, y + 7), *color)?;
            let s = text::fit(label, SMALL_SIZE, f64::from(LEGEND_W - 50));
            draw::text(
                area,
                &s,
                (lx + 20, y),
                &font(SMALL_SIZE),
                HPos::Left,
                VPos::Center,
            )?;
            y += row;
        }
        if shown < self.legend.len() {
            let s = format!("+{} more (see the themes table)", self.legend.len() - shown);
            draw::text(
                area,
                &s,
                (lx, y),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Left,
                VPos::Center,
            )?;
            y += row;
        }
        y += 14;
        draw::text(
            area,
            "language · 语言",
            (lx, y),
            &bold(14.0),
            HPos::Left,
            VPos::Center,
        )?;
        y += 24;
        for (lang, label) in [
            (Lang::En, "English 英文"),
            (Lang::Zh, "Chinese 中文"),
            (Lang::Mixed, "mixed 混合"),
        ] {
            marker(area, lang, (lx + 7, y), MUTED)?;
            draw::text(
                area,
                label,
                (lx + 20, y),
                &font(SMALL_SIZE),
                HPos::Left,
                VPos::Center,
            )?;
            y += row;
        }
        Ok(())
    }
}
