//! Drawing helpers shared by the charts: fonts, text with anchors, boxes,
//! the header, legends and tick steps.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use ab_glyph::{Font, ScaleFont};

use super::{DrawResult, Surface};
use crate::report::fonts::{self, FAMILY};
use crate::report::palette::{self, INK, MUTED};
use crate::report::text;

/// Top band holding the title and the subtitle.
pub const HEADER_H: i32 = 76;
pub const MARGIN: i32 = 24;
pub const TITLE_SIZE: f64 = 24.0;
pub const SUBTITLE_SIZE: f64 = 15.0;
pub const LABEL_SIZE: f64 = 15.0;
pub const SMALL_SIZE: f64 = 13.0;

pub fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FAMILY),
        size,
        FontStyle::Normal,
    ))
    .color(&INK)
}

pub fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FAMILY),
        size,
        FontStyle::Bold,
    ))
    .color(&INK)
}

/// Draw `s` anchored at `(x, y)`: as `<text>` in SVG, rasterized here for
/// PNG (plotters' own ab_glyph path drops each glyph's left side bearing,
/// which spaces Latin letters unevenly: "pre tr ai ning").
pub fn text<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> DrawResult<DB> {
    if s.is_empty() {
        return Ok(());
    }
    if DB::RASTER {
        raster(area, s, (x, y), style, h, v, false)
    } else {
        area.draw(&Text::new(s.to_string(), (x, y), style.pos(Pos::new(h, v))))
    }
}

/// Like [`text`], reading upwards (for a vertical axis).
pub fn text_up<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
) -> DrawResult<DB> {
    if DB::RASTER {
        raster(area, s, (x, y), style, HPos::Center, VPos::Center, true)
    } else {
        let style = style
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Center));
        area.draw(&Text::new(s.to_string(), (x, y), style))
    }
}

fn raster<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
    up: bool,
) -> DrawResult<DB> {
    let Some(face) = fonts::face() else {
        return Ok(());
    };
    let size = style.font.get_size();
    let font = face.as_scaled(size as f32);
    let w = text::width(s, size) as f32;
    let (asc, desc) = (font.ascent(), font.descent());
    let mut pen = match h {
        HPos::Left => 0.0,
        HPos::Center => -w / 2.0,
        HPos::Right => -w,
    };
    // Baseline, so that the anchor sits at the top, middle or bottom of the line.
    let base = match v {
        VPos::Top => asc,
        VPos::Center => (asc + desc) / 2.0 + size as f32 * 0.04,
        VPos::Bottom => desc,
    };
    let (r, g, b) = style.color.rgb;
    let alpha = style.color.alpha;
    // Faux bold: the compiled-in face has one weight.
    let strikes: &[i32] = if matches!(style.font.get_style(), FontStyle::Bold) {
        &[0, 1]
    } else {
        &[0]
    };
    let mut failed = None;
    let mut prev = None;
    for c in s.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        prev = Some(id);
        let glyph = id.with_scale_and_position(font.scale(), ab_glyph::point(pen, base));
        pen += font.h_advance(id);
        let Some(outline) = face.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, cov| {
            if cov <= 0.01 || failed.is_some() {
                return;
            }
            let lx = bounds.min.x as i32 + gx as i32;
            let ly = bounds.min.y as i32 + gy as i32;
            for dx in strikes {
                let (px, py) = if up {
                    (x + ly, y - lx - dx)
                } else {
                    (x + lx + dx, y + ly)
                };
                let color = RGBAColor(r, g, b, alpha * f64::from(cov.min(1.0)));
                if let Err(e) = area.draw_pixel((px, py), &color) {
                    failed = Some(e);
                }
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
    }
    Ok(())
}

pub fn rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    color: RGBColor,
) -> DrawResult<DB> {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))
}

pub fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    width: u32,
) -> DrawResult<DB> {
    area.draw(&PathElement::new(vec![a, b], color.stroke_width(width)))
}

/// Mix `c` with white: `t` = 0 keeps it, 1 is white.
pub fn lighter(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Title (English · Chinese) and a subtitle, each fitted to the width.
pub fn header<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    (en, zh): (&str, &str),
    subtitle: &str,
) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let max = f64::from(w) - 2.0 * f64::from(MARGIN);
    let title = text::fit(&format!("{en} · {zh}"), TITLE_SIZE, max);
    text(
        area,
        &title,
        (MARGIN, 16),
        &bold(TITLE_SIZE),
        HPos::Left,
        VPos::Top,
    )?;
    let sub = text::fit(subtitle, SUBTITLE_SIZE, max);
    text(
        area,
        &sub,
        (MARGIN, 50),
        &font(SUBTITLE_SIZE).color(&MUTED),
        HPos::Left,
        VPos::Top,
    )
}

/// Where the Chinese half of a chart's title is drawn: `(x0, y0, x1, y1)`
/// (tests check that it is not blank).
pub fn title_zh_box(en: &str, zh: &str) -> (i32, i32, i32, i32) {
    let x0 = MARGIN + text::width(&format!("{en} · "), TITLE_SIZE) as i32;
    let x1 = x0 + text::width(zh, TITLE_SIZE) as i32;
    (x0, 10, x1, 16 + TITLE_SIZE as i32 + 4)
}

/// A bar chart's row label, right-aligned at `(x, yc)`: on two lines when the
/// row is tall enough and the label too long for one, else cut with `…`.
pub fn row_label<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    (x, yc): (i32, i32),
    style: &TextStyle,
    max_w: f64,
    row_h: i32,
) -> DrawResult<DB> {
    let size = style.font.get_size();
    let line_h = (size * 1.25) as i32;
    let lines = if f64::from(row_h) >= size * 2.6 && text::width(label, size) > max_w {
        text::wrap(label, size, max_w, 2)
    } else {
        vec![text::fit(label, size, max_w)]
    };
    let n = lines.len() as i32;
    for (i, l) in lines.iter().enumerate() {
        let y = yc - (n - 1) * line_h / 2 + i as i32 * line_h;
        text(area, l, (x, y), style, HPos::Right, VPos::Center)?;
    }
    Ok(())
}

/// A row of colour swatches with labels, starting at `(x, y)` (vertical centre).
/// Returns the x after the last item.
pub fn legend<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, RGBColor)],
    (x, y): (i32, i32),
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut x = x;
    for (label, color) in items {
        rect(area, (x, y - 7), (x + 14, y + 7), *color)?;
        text(
            area,
            label,
            (x + 20, y),
            &font(SMALL_SIZE),
            HPos::Left,
            VPos::Center,
        )?;
        x += 20 + text::width(label, SMALL_SIZE) as i32 + 22;
    }
    Ok(x)
}

/// A round step for about `n` ticks over `0..=max`.
pub fn tick_step(max: f64, n: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    step.max(1.0)
}

/// Round tick values within `lo..=hi`, about `n` of them.
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    (first..first + 100)
        .map(|k| k as f64 * step)
        .take_while(|v| *v <= hi + step * 1e-9)
        .collect()
}

/// Decimals enough to tell ticks `step` apart.
pub fn tick_label(v: f64, step: f64) -> String {
    let d = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil() as usize
    };
    format!("{v:.d$}")
}

/// Grid, tick labels, axis descriptions and frame for a cartesian chart
/// (drawn here so that their text goes through [`text`]).
pub struct Axes<'a> {
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
}

pub fn axes<DB: Surface>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    axes: &Axes,
) -> DrawResult<DB> {
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (left, top) = chart.backend_coord(&(xr.start, yr.end));
    let (right, bottom) = chart.backend_coord(&(xr.end, yr.start));
    let label = font(SMALL_SIZE).color(&MUTED);
    for (x, s) in &axes.x_ticks {
        let (px, _) = chart.backend_coord(&(*x, yr.start));
        line(area, (px, top), (px, bottom), palette::GRID, 1)?;
        text(area, s, (px, bottom + 8), &label, HPos::Center, VPos::Top)?;
    }
    for (y, s) in &axes.y_ticks {
        let (_, py) = chart.backend_coord(&(xr.start, *y));
        line(area, (left, py), (right, py), palette::GRID, 1)?;
        text(area, s, (left - 8, py), &label, HPos::Right, VPos::Center)?;
    }
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        palette::MUTED.stroke_width(1),
    ))?;
    text(
        area,
        axes.x_desc,
        ((left + right) / 2, bottom + 30),
        &font(14.0).color(&MUTED),
        HPos::Center,
        VPos::Top,
    )?;
    text_up(
        area,
        axes.y_desc,
        (left - 58, (top + bottom) / 2),
        &font(14.0).color(&MUTED),
    )
}

/// Thousands separated, for counts.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A message in the middle of an empty chart body.
pub fn empty_note<DB: Surface>(area: &DrawingArea<DB, Shift>, msg: &str) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let s = text::fit(msg, LABEL_SIZE, f64::from(w) - 80.0);
    text(
        area,
        &s,
        (w as i32 / 2, h as i32 / 2),
        &font(LABEL_SIZE).color(&palette::MUTED),
        HPos::Center,
        VPos::Center,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_range() {
        let close = |a: Vec<f64>, b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
        };
        assert!(close(ticks(-1.0, 1.0, 4), &[-1.0, -0.5, 0.0, 0.5, 1.0]));
        assert!(close(ticks(0.13, 0.61, 5), &[0.2, 0.3, 0.4, 0.5, 0.6]));
        assert!(ticks(1.0, 1.0, 5).is_empty());
        assert_eq!(tick_label(0.25, 0.05), "0.25");
        assert_eq!(tick_label(3.0, 1.0), "3");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(100.0, 5), 20.0);
        assert_eq!(tick_step(7.0, 5), 2.0);
        assert_eq!(tick_step(0.0, 5), 1.0);
        assert_eq!(tick_step(3.0, 5), 1.0);
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
