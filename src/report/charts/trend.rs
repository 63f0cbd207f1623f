//! Stance toward each target over time: passages binned by their document's
//! date into weeks or months (chosen from the span, see
//! [`Stats`](crate::report::stats::Stats)), one point a bin and target at
//! the mean score with its 95% interval, n under it, and the band where
//! passages are labelled neutral shaded. Without dates the chart says so.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{self, font, HEADER_H, MARGIN, SMALL_SIZE};
use super::stance_theme::score_step;
use super::{Chart, DrawResult, Surface};
use crate::report::palette::{self, GRID, INK, MUTED};
use crate::report::stats::{Bin, MeanCi, Stats};
use crate::report::{text, Params, View};
use crate::stance::StanceLabel;

pub struct Series {
    pub target: String,
    pub color: RGBColor,
    /// Per bin (as `bins`): the stance of its passages, if any concern the target.
    pub points: Vec<Option<MeanCi>>,
}

pub struct StanceTrend {
    pub series: Vec<Series>,
    pub bins: Vec<String>,
    /// Scores within ±band are labelled neutral (the widest |score| a
    /// neutral passage has), shaded.
    pub band: f64,
    pub subtitle: String,
    pub note: Option<String>,
    pub size: (u32, u32),
}

impl StanceTrend {
    pub fn new(view: &View, params: &Params, stats: &Stats) -> Option<Self> {
        let stance = view.input.stance?;
        if stats.targets.is_empty() {
            return None;
        }
        let band = stance
            .passages
            .iter()
            .flat_map(|ps| ps.values().flatten())
            .filter(|t| t.label == StanceLabel::Neutral && t.score.is_finite())
            .map(|t| t.score.abs())
            .fold(0.0, f64::max)
            .min(0.5);
        let series = stats
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| Series {
                target: stance.summary.targets.get(t).cloned().unwrap_or(t.clone()),
                color: palette::target(i),
                points: (0..stats.bins.len())
                    .map(|b| {
                        stats
                            .by_bin
                            .get(&b)
                            .and_then(|m| m.get(t))
                            .filter(|m| m.n > 0)
                            .copied()
                    })
                    .collect(),
            })
            .collect();
        let unit = match stats.bin {
            Some(Bin::Week) => "week (from Monday)",
            _ => "month",
        };
        Some(StanceTrend {
            subtitle: if stats.bins.is_empty() {
                "stance over time needs document dates".to_string()
            } else {
                format!(
                    "mean score per {unit} ± 95% interval, n below; shaded: the neutral band (|score| ≤ {band:.2}){}",
                    if stats.undated_docs > 0 {
                        format!("; {} undated documents left out", stats.undated_docs)
                    } else {
                        String::new()
                    }
                )
            },
            note: stats.dates_note().filter(|_| stats.bins.is_empty()),
            bins: stats.bins.clone(),
            band,
            series,
            size: (params.chart_width, params.chart_height),
        })
    }
}

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
        ("Stance over time", "立场随时间变化")
    }
    fn caption(&self) -> String {
        match &self.note {
            Some(n) => format!("Stance over time: {n}."),
            None => "Passages binned by their document's date (weeks or months, from the span); per bin and target the mean stance score (+1 favour, −1 against) with its 95% interval and the number of passages; the grey band is where scores are labelled neutral.".into(),
        }
    }
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        draw::header(area, self.title(), &self.subtitle)?;
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        if let Some(note) = &self.note {
            let (_, body) = area.split_vertically(HEADER_H + 28);
            return draw::empty_note(&body, note);
        }
        if self
            .series
            .iter()
            .all(|s| s.points.iter().all(Option::is_none))
        {
            let (_, body) = area.split_vertically(HEADER_H + 28);
            return draw::empty_note(
                &body,
                "no dated passage concerns a target · 没有带日期且涉及目标的段落",
            );
        }
        let legend: Vec<(String, RGBColor)> = self
            .series
            .iter()
            .map(|s| (s.target.clone(), s.color))
            .collect();
        draw::legend(area, &legend, (MARGIN, HEADER_H + 14))?;
        let top = HEADER_H + 44;
        let bottom = h - 70;
        let left = MARGIN + 48;
        let right = w - MARGIN - 10;
        let reach = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().flatten())
            .map(|m| m.mean.abs() + if m.n >= 2 { m.ci95.min(1.0) } else { 0.0 })
            .fold(self.band, f64::max)
            .clamp(0.05, 1.0);
        let step = score_step(reach);
        let ymax = ((reach / step).ceil() * step).min(1.0);
        let sy = |v: f64| {
            let t = (ymax - v.clamp(-ymax, ymax)) / (2.0 * ymax);
            top + (t * f64::from(bottom - top)).round() as i32
        };
        let nb = self.bins.len().max(1);
        let slot = f64::from(right - left) / nb as f64;
        let sx = |b: usize, s: usize| {
            let off = (s as f64 - (self.series.len() as f64 - 1.0) / 2.0) * (slot * 0.18).min(8.0);
            left + (slot * (b as f64 + 0.5) + off).round() as i32
        };
        // Neutral band, grid, zero line.
        if self.band > 0.0 {
            draw::rect(
                area,
                (left, sy(self.band)),
                (right, sy(-self.band)),
                RGBColor(0xEE, 0xEE, 0xEE),
            )?;
        }
        let mut t = -ymax;
        while t <= ymax + 1e-9 {
            let y = sy(t);
            draw::line(area, (left, y), (right, y), GRID, 1)?;
            draw::text(
                area,
                &format!("{:+}", (t * 100.0).round() / 100.0).replace("+0", "0"),
                (left - 6, y),
                &font(SMALL_SIZE).color(&MUTED),
                HPos::Right,
                VPos::Center,
            )?;
            t += step;
        }
        draw::line(area, (left, sy(0.0)), (right, sy(0.0)), INK, 1)?;
        // Bin labels, thinned to fit.
        let widest = self
            .bins
            .iter()
            .map(|b| text::width(b, SMALL_SIZE))
            .fold(0.0, f64::max)
            + 10.0;
        let every = ((widest / slot).ceil() as usize).max(1);
        for (b, key) in self.bins.iter().enumerate() {
            if b % every == 0 {
                draw::text(
                    area,
                    key,
                    (sx(b, 0).max(left), bottom + 6),
                    &font(SMALL_SIZE).color(&MUTED),
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
        // Series: whiskers, markers, a line through consecutive bins, n.
        for (si, s) in self.series.iter().enumerate() {
            let mut prev: Option<(i32, i32)> = None;
            for (b, p) in s.points.iter().enumerate() {
                let Some(m) = p else {
                    prev = None;
                    continue;
                };
                let at = (sx(b, si), sy(m.mean));
                if let Some(q) = prev {
                    draw::line(area, q, at, draw::lighter(s.color, 0.4), 1)?;
                }
                if m.n >= 2 {
                    draw::line(
                        area,
                        (at.0, sy(m.mean + m.ci95)),
                        (at.0, sy(m.mean - m.ci95)),
                        s.color,
                        1,
                    )?;
                }
                let r = (2.0 + (m.n as f64).ln().max(0.0)).clamp(3.0, 7.0) as i32;
                marker(area, si, at, r, s.color)?;
                prev = Some(at);
            }
        }
        // n per bin and target, under the axis.
        for (si, s) in self.series.iter().enumerate() {
            let y = bottom + 24 + 14 * si as i32;
            draw::text(
                area,
                "n",
                (left - 6, y),
                &font(SMALL_SIZE).color(&s.color),
                HPos::Right,
                VPos::Top,
            )?;
            for (b, p) in s.points.iter().enumerate() {
                if let Some(m) = p {
                    if b % every == 0 || slot > 28.0 {
                        draw::text(
                            area,
                            &draw::count(m.n),
                            (sx(b, 0), y),
                            &font(SMALL_SIZE - 2.0).color(&s.color),
                            HPos::Center,
                            VPos::Top,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}
