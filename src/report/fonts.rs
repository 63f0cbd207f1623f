//! The one font every chart draws with, compiled into the binary.
//!
//! plotters (with `ab_glyph`, without `ttf`) draws text only in fonts
//! registered from bytes, and has no per-glyph fallback: one face must cover
//! Latin and CJK. WenQuanYi Micro Hei does (see `assets/fonts/README.md`).
//!
//! PNG: every family name below is registered to that face, so the PNG looks
//! the same on any machine. SVG: plotters writes the family name verbatim as
//! the `font-family` attribute and embeds no glyphs, so [`FAMILY`] is a CSS
//! fallback list of CJK faces common systems ship.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};
use plotters::style::{register_font, FontStyle};

use super::ReportError;

/// WenQuanYi Micro Hei, face 0, trimmed (Apache-2.0; `assets/fonts/`).
pub static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttf");

/// The family every chart names: a CSS fallback list for SVG viewers, and the
/// compiled-in face for PNG.
pub const FAMILY: &str = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', \
'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Droid Sans Fallback', sans-serif";

/// Names plotters may use on its own (defaults of axis labels and legends).
const DEFAULT_FAMILIES: [&str; 3] = ["sans-serif", "serif", "monospace"];

/// Register the font under every family name (once per process).
pub fn ensure_registered() -> Result<(), ReportError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for name in std::iter::once(FAMILY).chain(DEFAULT_FAMILIES) {
            for style in [FontStyle::Normal, FontStyle::Bold] {
                register_font(name, style, FONT_BYTES)
                    .map_err(|_| format!("cannot parse the font for family {name:?}"))?;
            }
        }
        Ok(())
    })
    .clone()
    .map_err(ReportError::Font)
}

/// The parsed face, for measuring text (None only if the bytes are corrupt,
/// which [`ensure_registered`] reports first).
pub fn face() -> Option<&'static FontRef<'static>> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Whether the face has a glyph for `c` (else it draws the missing-glyph box).
pub fn has_glyph(c: char) -> bool {
    face().is_some_and(|f| f.glyph_id(c).0 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_and_covers_latin_and_cjk() {
        ensure_registered().expect("font registers");
        for c in
            "OpenAI GPT-5 预训练 开源 闭源 文心一言 通义千问 智谱 月之暗面 ·/%0123456789".chars()
        {
            assert!(c == ' ' || has_glyph(c), "no glyph for {c:?}");
        }
        assert!(
            !has_glyph('\u{E000}'),
            "a private-use code point should be missing"
        );
    }
}
