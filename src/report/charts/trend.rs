//! Stance toward each target per document, ordered by document date: the
//! trend a nightly run exists to watch. One point a document (its mean score
//! over the passages that concern the target), a line per target through
//! them in date order; undated documents are counted in the subtitle.

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, font, HEADER_H, SMALL_SIZE};
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, MUTED};

use crate::report::{text, Params, View};

/// A document's date as a day number: `YYYY-MM-DD`, or `YYYY-MM` placed on
/// the 15th (mid-month), so month-dated articles sit between the days.
pub fn day_of(date: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&format!("{date}-15"), "%Y-%m-%d").ok())?;
    Some(d.num_days_from_ce())
}

/// Ticks on the first of months within `lo..=hi` (day numbers), every 1, 2,
/// 3, 6 or 12·k months so that about `n` show, labelled `YYYY-MM`.
pub fn month_ticks(lo: f64, hi: f64, n: usize) -> Vec<(f64, String)> {
    let (Some(a), Some(b)) = (
        NaiveDate::from_num_days_from_ce_opt(lo.ceil() as i32),
        NaiveDate::from_num_days_from_ce_opt(hi.floor() as i32),
    ) else {
        return Vec::new();
    };
    let index = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    let months = (index(b) - index(a)).max(1);
    let raw = months / n.max(1) as i32 + 1;
    let step = [1, 2, 3, 6, 12]
        .into_iter()
        .find(|s| *s >= raw)
        .unwrap_or(12 * ((raw + 11) / 12));
    let mut out = Vec::new();
    let mut m = index(a) + 1;
    m += (step - m.rem_euclid(step)) % step;
    while m <= index(b) {
        if let Some(d) = NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1) {
            out.push((
                f64::from(d.num_days_from_ce()),
                format!("{}-{:02}", d.year(), d.month()),
            ));
        }
        m += step;
    }
    out
}

pub struct Series {
    pub target: String,
    pub color: RGBColor,
    /// (day, mean score, passages) in date order.
    pub points: Vec<(f64, f64, usize)>,
}

pub struct StanceTrend {
    pub series: Vec<Series>,
    /// Dated documents: (day, short name), in date order.
    pub docs: Vec<(f64, String)>,
    pub range: (f64, f64),
    pub subtitle: String,
    pub size: (u32, u32),
}

impl StanceTrend {
    pub fn new(view: &View, params: &Params) -> Option<Self> {
        let stance = view.input.stance?;
        let docs = &view.input.corpus.documents;
        let mut dated: Vec<(i32, &str, Option<&str>)> = docs
            .iter()
            .filter_map(|d| {
                let day = day_of(d.meta.date.as_deref()?)?;
                Some((day, d.id.as_str(), d.meta.title.as_deref()))
            })
            .collect();
        dated.sort();
        let undated = docs.len() - dated.len();
        let series: Vec<Series> = stance
            .summary
            .targets
            .iter()
            .enumerate()
            .map(|(i, (id, name))| {
                let by = stance.summary.by_document.get(id);
                let points = dated
                    .iter()
                    .filter_map(|(day, doc, _)| {
                        let a = by?.get(*doc)?;
                        (a.n > 0 && a.mean.is_finite()).then_some((
                            f64::from(*day),
                            a.mean.clamp(-1.0, 1.0),
                            a.n,
                        ))
                    })
                    .collect();
                Series {
                    target: name.clone(),
                    color: palette::target(i),
                    points,
                }
            })
            .collect();
        if series.is_empty() {
            return None;
        }
        let days: Vec<f64> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        let (lo, hi) = days
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &d| {
                (a.min(d), b.max(d))
            });
        let range = if lo.is_finite() {
            let pad = ((hi - lo) * 0.05).max(20.0);
            (lo - pad, hi + pad)
        } else {
            (0.0, 1.0)
        };
        let shown = days.len();
        // Each date is named by its document's title, else its file name.
        let docs = dated
            .iter()
            .map(|(day, id, title)| {
                let name = id.rsplit('/').next().unwrap_or(id);
                let stem = name.rsplit_once('.').map_or(name, |(a, _)| a);
                let label = title.filter(|t| !t.trim().is_empty()).unwrap_or(stem);
                (f64::from(*day), label.to_string())
            })
            .collect();
        Some(StanceTrend {
            docs,
            subtitle: format!(
                "mean stance of each document's passages toward each target ({} points from {} dated documents{})",
                shown,
                dated.len(),
                if undated > 0 { format!("; {undated} undated not shown") } else { String::new() }
            ),
            series,
            range,
            size: (params.chart_width, params.chart_height),
        })
    }
}

/// Height of one row of document names above the plot.
const DOC_ROW_H: i32 = 16;

/// Circles for the first target, triangles for the second, and so on.
fn marker<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    series: usize,
    at: (i32, i32),
    r: i32,
    color: RGBColor,
) -> DrawResult<DB> {
    if series.is_multiple_of(2) {
        area.draw(&Circle::new(at, r, color.filled()))
    } else {
        area.draw(&TriangleMarker::new(at, r + 2, color.filled()))
    }
}

impl Chart for StanceTrend {
    fn name(&self) -> &'static str {
        "stance_trend"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("Stance per document over time", "各文档立场随时间变化")
    }
    fn caption(&self) -> String {
        "One point per document and target, at the document's date: the mean stance of its passages that concern the target (+1 favour, −1 against); larger points rest on more passages. Month-only dates sit mid-month.".into()
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        let (_, body) = area.split_vertically(HEADER_H + 28);
        if self.series.iter().all(|s| s.points.is_empty()) {
            return draw::empty_note(
                &body,
                "no dated document has a passage with a stance · 没有带日期且有立场的文档",
            );
        }
        let (x0, x1) = self.range;
        let mut chart = ChartBuilder::on(&body)
            .margin_left(16)
            .margin_right(32)
            .margin_bottom(12)
            .margin_top(30 + DOC_ROW_H)
            .x_label_area_size(52)
            .y_label_area_size(72)
            .build_cartesian_2d(x0..x1, -1.1f64..1.1f64)?;
        // Shade the favour and against halves so the sign reads at a glance.
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, 0.0), (x1, 1.1)],
            draw::lighter(palette::FAVOR, 0.93).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, -1.1), (x1, 0.0)],
            draw::lighter(palette::AGAINST, 0.93).filled(),
        )))?;
        let y_ticks = [-1.0, -0.5, 0.0, 0.5, 1.0].map(|v: f64| {
            (
                v,
                if v == 0.0 {
                    "0".to_string()
                } else {
                    format!("{v:+.1}")
                },
            )
        });
        draw::axes(
            area,
            &chart,
            &draw::Axes {
                x_ticks: month_ticks(x0, x1, 8),
                y_ticks: y_ticks.to_vec(),
                x_desc: "document date · 文档日期",
                y_desc: "mean stance · 平均立场",
            },
        )?;
        chart.draw_series(LineSeries::new(
            vec![(x0, 0.0), (x1, 0.0)],
            MUTED.stroke_width(1),
        ))?;
        let text_pos = |y: f64| {
            if y >= 0.0 {
                "favor 支持 ↑"
            } else {
                "against 反对 ↓"
            }
        };
        let (px, py) = chart.backend_coord(&(x0, 1.1));
        draw::text(
            area,
            text_pos(1.0),
            (px + 8, py + 8),
            &font(SMALL_SIZE).color(&palette::FAVOR),
            HPos::Left,
            VPos::Top,
        )?;
        let (px, py) = chart.backend_coord(&(x0, -1.1));
        draw::text(
            area,
            text_pos(-1.0),
            (px + 8, py - 8),
            &font(SMALL_SIZE).color(&palette::AGAINST),
            HPos::Left,
            VPos::Bottom,
        )?;

        let radius = |n: usize| (3.0 + (n as f64).sqrt() * 1.5).min(12.0) as i32;
        for (i, s) in self.series.iter().enumerate() {
            let color = s.color;
            let line: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.1)).collect();
            chart.draw_series(LineSeries::new(line, color.stroke_width(2)))?;
            for p in &s.points {
                let at = chart.backend_coord(&(p.0, p.1));
                marker(area, i, at, radius(p.2), color)?;
            }
        }
        // Which document each date is, above the plot, in two staggered
        // rows so that close dates keep their names; a name that fits in
        // neither row is left out (the pages list them all).
        let mut row_right = [i32::MIN; 2];
        let width = area.dim_in_pixel().0 as i32;
        for (day, name) in &self.docs {
            let (px, py) = chart.backend_coord(&(*day, 1.1));
            let label = text::fit(name, 12.0, 170.0);
            let half = (text::width(&label, 12.0) / 2.0) as i32;
            // Centred on its date, but kept inside the chart.
            let cx = px.clamp(half + 4, (width - half - 4).max(half + 4));
            let Some(row) = (0..2).find(|&r| cx - half > row_right[r] + 8) else {
                draw::line(area, (px, py - 6), (px, py), MUTED, 1)?;
                continue;
            };
            let rise = row as i32 * DOC_ROW_H;
            draw::line(area, (px, py - 6 - rise), (px, py), MUTED, 1)?;
            draw::text(
                area,
                &label,
                (cx, py - 9 - rise),
                &font(12.0).color(&MUTED),
                HPos::Center,
                VPos::Bottom,
            )?;
            row_right[row] = cx + half;
        }
        // Legend above the plot, where it hides no point.
        let mut x = draw::MARGIN;
        let y = HEADER_H + 14;
        for (i, s) in self.series.iter().enumerate() {
            draw::line(area, (x, y), (x + 24, y), s.color, 2)?;
            marker(area, i, (x + 12, y), 5, s.color)?;
            draw::text(
                area,
                &s.target,
                (x + 32, y),
                &font(14.0),
                HPos::Left,
                VPos::Center,
            )?;
            x += 32 + text::width(&s.target, 14.0) as i32 + 28;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_month_ticks() {
        let a = day_of("2023-11").expect("month date");
        let b = day_of("2023-11-15").expect("day date");
        assert_eq!(a, b);
        assert!(day_of("2023-13").is_none() && day_of("soon").is_none());
        let t = month_ticks(
            f64::from(day_of("2023-05-30").unwrap_or(0)),
            f64::from(day_of("2025-08-20").unwrap_or(0)),
            8,
        );
        assert!((4..=10).contains(&t.len()), "{t:?}");
        assert!(t.iter().all(|(_, s)| s.len() == 7));
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
