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

pub fn lang(l: Lang) -> RGBColor {
    match l {
        Lang::En => RGBColor(0x00, 0x72, 0xB2),
        Lang::Zh => RGBColor(0xE6, 0x9F, 0x00),
        Lang::Mixed => RGBColor(0x00, 0x9E, 0x73),
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

/// The colour of a theme, by its position in display order (cycles past twelve).
pub fn theme(position: usize) -> RGBColor {
    THEMES[position % THEMES.len()]
}

const TARGETS: [RGBColor; 4] = [
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x9E, 0x73),
];

/// The colour of a stance target, by its position.
pub fn target(position: usize) -> RGBColor {
    TARGETS[position % TARGETS.len()]
}

/// `#rrggbb` for the pages.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
