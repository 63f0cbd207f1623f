//! Charts: one file per chart, each drawn once per backend (PNG and SVG) by
//! the same generic code, so the two always show the same thing.

mod corpus;
pub mod draw;
mod map;
mod share;
mod stance_theme;
mod terms;
mod themes;
mod trend;

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{fonts, palette, Params, ReportError, View};

pub use corpus::CorpusGlance;
pub use draw::title_zh_box;
pub use map::PassageMap;
pub use share::ThemeShare;
pub use stance_theme::StanceByTheme;
pub use terms::TopTerms;
pub use themes::PassagesPerTheme;
pub use trend::StanceTrend;

pub(crate) type DrawResult<DB> =
    Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The backends charts draw on. Text is drawn differently on each: raster
/// backends get glyphs rasterized by [`draw::text`], vector ones `<text>`.
pub trait Surface: DrawingBackend {
    const RASTER: bool;
}

impl Surface for BitMapBackend<'_> {
    const RASTER: bool = true;
}

impl Surface for SVGBackend<'_> {
    const RASTER: bool = false;
}

/// A chart: its data, prepared; drawn on any plotters backend.
pub trait Chart {
    /// File stem under `charts/`.
    fn name(&self) -> &'static str;
    /// English and Chinese title.
    fn title(&self) -> (&'static str, &'static str);
    /// One sentence for the pages: what the chart shows and how to read it.
    fn caption(&self) -> String;
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    fn draw<DB: Surface>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// A chart written as PNG and SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    pub name: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub caption: String,
    pub size: (u32, u32),
    /// Relative to the report directory.
    pub png: PathBuf,
    pub svg: PathBuf,
}

fn chart_err<E: std::fmt::Display>(path: &Path) -> impl Fn(E) -> ReportError + '_ {
    move |e| ReportError::Chart {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Draw `chart` into an RGB buffer (what the PNG holds).
pub fn render_rgb<C: Chart>(chart: &C) -> Result<Vec<u8>, ReportError> {
    fonts::ensure_registered()?;
    let (w, h) = chart.size();
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    let path = PathBuf::from(format!("{}.png", chart.name()));
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&palette::BACKGROUND).map_err(chart_err(&path))?;
        chart.draw(&root).map_err(chart_err(&path))?;
        root.present().map_err(chart_err(&path))?;
    }
    Ok(buf)
}

/// Draw `chart` as an SVG document.
pub fn render_svg<C: Chart>(chart: &C) -> Result<String, ReportError> {
    fonts::ensure_registered()?;
    let path = PathBuf::from(format!("{}.svg", chart.name()));
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, chart.size()).into_drawing_area();
        root.fill(&palette::BACKGROUND).map_err(chart_err(&path))?;
        chart.draw(&root).map_err(chart_err(&path))?;
        root.present().map_err(chart_err(&path))?;
    }
    s.push('\n');
    Ok(embed_font(s))
}

/// Put the glyphs the SVG uses into it, as an `@font-face` named like the
/// first family of [`fonts::FAMILY`], so a browser shows the Chinese labels
/// with no CJK font installed; viewers that ignore `@font-face` fall back
/// along the family list.
fn embed_font(svg: String) -> String {
    let Some(font) = super::subset::subset(&svg) else {
        return svg;
    };
    let style = format!(
        "<defs><style>@font-face{{font-family:'WenQuanYi Micro Hei';src:url(data:font/ttf;base64,{}) format('truetype')}}</style></defs>\n",
        super::html::base64(&font)
    );
    match svg
        .find("<svg")
        .and_then(|a| svg[a..].find('>').map(|b| a + b + 1))
    {
        Some(at) => {
            let (head, tail) = svg.split_at(at);
            format!("{head}\n{style}{}", tail.trim_start_matches('\n'))
        }
        None => svg,
    }
}

/// Write `chart` as `charts/NAME.png` and `charts/NAME.svg` under `dir`.
pub fn write_chart<C: Chart>(dir: &Path, chart: &C) -> Result<ChartFile, ReportError> {
    let rel_dir = PathBuf::from("charts");
    let abs_dir = dir.join(&rel_dir);
    std::fs::create_dir_all(&abs_dir).map_err(|source| ReportError::Io {
        path: abs_dir.clone(),
        source,
    })?;
    let png_rel = rel_dir.join(format!("{}.png", chart.name()));
    let svg_rel = rel_dir.join(format!("{}.svg", chart.name()));
    let (w, h) = chart.size();
    let png_path = dir.join(&png_rel);
    {
        let root = BitMapBackend::new(&png_path, (w, h)).into_drawing_area();
        root.fill(&palette::BACKGROUND)
            .map_err(chart_err(&png_path))?;
        chart.draw(&root).map_err(chart_err(&png_path))?;
        root.present().map_err(chart_err(&png_path))?;
    }
    let svg = render_svg(chart)?;
    super::data::write_text(dir, &svg_rel.to_string_lossy(), &svg)?;
    let (title_en, title_zh) = chart.title();
    Ok(ChartFile {
        name: chart.name(),
        title_en,
        title_zh,
        caption: chart.caption(),
        size: (w, h),
        png: png_rel,
        svg: svg_rel,
    })
}

/// Every chart whose data exists, in reading order.
pub(crate) fn write_all(
    dir: &Path,
    view: &View,
    params: &Params,
) -> Result<Vec<ChartFile>, ReportError> {
    fonts::ensure_registered()?;
    let mut out = vec![write_chart(dir, &CorpusGlance::new(view, params))?];
    if let Some(c) = PassagesPerTheme::new(view, params) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = TopTerms::new(view, params) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = PassageMap::new(view, params) {
        out.push(write_chart(dir, &c)?);
    }
    let stats = super::stats::Stats::new(view);
    if let Some(c) = StanceByTheme::new(view, params, &stats) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = StanceByTheme::by_source(view, params, &stats) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = StanceTrend::new(view, params, &stats) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = ThemeShare::over_time(view, params, &stats) {
        out.push(write_chart(dir, &c)?);
    }
    if let Some(c) = ThemeShare::by_source(view, params, &stats) {
        out.push(write_chart(dir, &c)?);
    }
    Ok(out)
}
