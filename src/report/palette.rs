//! Fixed colours, chosen to stay distinguishable with colour-blindness
//! (Okabe–Ito for languages and targets, Paul Tol's "muted" and three of "vibrant" for themes, and a
//! red/blue diverging pair for stance).

use plotters::style::RGBColor;

use crate::Lang;

pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
/// The "other" group (boilerplate and content-free passages).
pub const OTHER: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

pub const FAVOR: RGBColor = RGBColor(0x21, 0x66, 0xAC);
pub const AGAINST: RGBColor = RGBColor(0xB2, 0x18, 0x2B);
pub const NEUTRAL: RGBColor = RGBColor(0xAA, 0xAA, 0xAA);

/// Languages: teal, brown, lavender (ColorBrewer Dark2): none of them is a
/// stance colour (blue, red) or a target colour (magenta, olive, gold).
pub fn lang(l: Lang) -> RGBColor {
    match l {
        Lang::En => RGBColor(0x1B, 0x9E, 0x77),
        Lang::Zh => RGBColor(0xA6, 0x76, 0x1D),
        Lang::Mixed => RGBColor(0x75, 0x70, 0xB3),
    }
}

/// Text colour that reads on a fill of `bg`.
pub fn on(bg: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = bg;
    let luma = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if luma > 150.0 {
        INK
    } else {
        BACKGROUND
    }
}

const THEMES: [RGBColor; 12] = [
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0xCC, 0x66, 0x77),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0xDD, 0xCC, 0x77),
    RGBColor(0x88, 0xCC, 0xEE),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xAA, 0x44, 0x99),
    RGBColor(0xEE, 0x77, 0x33),
    RGBColor(0x00, 0x77, 0xBB),
    RGBColor(0x33, 0x33, 0x33),
];

/// The colour of a theme, by its position in display order: Tol's twelve,
/// then hues spaced by the golden angle at three lightness levels, so no
/// two of the first hundred themes share a colour.
pub fn theme(position: usize) -> RGBColor {
    if let Some(c) = THEMES.get(position) {
        return *c;
    }
    let k = position - THEMES.len();
    let hue = (k as f64 * 137.507_764 + 20.0) % 360.0;
    let light = [0.38, 0.55, 0.70][k % 3];
    hsl(hue, 0.65, light)
}

fn hsl(h: f64, s: f64, l: f64) -> RGBColor {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let q = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    RGBColor(q(r), q(g), q(b))
}

/// Targets: magenta, olive, gold, black (none a stance or language colour).
const TARGETS: [RGBColor; 4] = [
    RGBColor(0xE7, 0x29, 0x8A),
    RGBColor(0x66, 0x8A, 0x1E),
    RGBColor(0xE6, 0xAB, 0x02),
    RGBColor(0x33, 0x33, 0x33),
];

/// The colour of a stance target, by its position.
pub fn target(position: usize) -> RGBColor {
    TARGETS[position % TARGETS.len()]
}

/// `#rrggbb` for the pages.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_past_twelve_stay_distinct() {
        let v: Vec<RGBColor> = (0..60).map(theme).collect();
        for i in 0..v.len() {
            for j in 0..i {
                assert_ne!(v[i], v[j], "themes {i} and {j} share a colour");
            }
        }
    }

    #[test]
    fn language_stance_and_target_colours_do_not_overlap() {
        let langs: Vec<RGBColor> = Lang::ALL.iter().map(|l| lang(*l)).collect();
        let targets: Vec<RGBColor> = (0..4).map(target).collect();
        for c in langs.iter().chain(&targets) {
            assert!(![FAVOR, AGAINST, NEUTRAL].contains(c));
        }
        for c in &langs {
            assert!(!targets.contains(c));
        }
    }
}
