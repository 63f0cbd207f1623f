//! The comparison tables both pages show, built once as a view model
//! ([`Table`]) and rendered by `html` (shaded cells that filter the
//! explorer when clicked) and `markdown` (plain tables).
//!
//! Stance cells read `mean ±95% interval (n)` with the favor / neutral /
//! against split; each target's column has its own colour scale (the
//! largest |mean| in the column is full colour), so a target with few
//! passages is as readable as one with many.

use super::stats::{MeanCi, Stats};
use super::View;

/// One cell: its text, an optional shade and an optional explorer filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    /// Signed stance in [-1, 1] (diverging colours) or a share in [0, 1].
    pub shade: Option<Shade>,
    /// Explorer filter, `key=value&key=value` (keys as in the explorer).
    pub filter: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shade {
    Stance(f64),
    Share(f64),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub id: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub note: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(s: impl Into<String>) -> Cell {
    Cell {
        text: s.into(),
        ..Cell::default()
    }
}

fn stance_cell(m: Option<&MeanCi>, scale: f64, filter: String) -> Cell {
    match m.filter(|m| m.n > 0) {
        None => text("–"),
        Some(m) => {
            let pct = |k: usize| 100.0 * k as f64 / m.n as f64;
            Cell {
                text: format!(
                    "{:+.2} ±{:.2} (n={}) · {:.0}/{:.0}/{:.0}%",
                    m.mean,
                    m.ci95,
                    m.n,
                    pct(m.favor),
                    pct(m.neutral),
                    pct(m.against)
                ),
                shade: Some(Shade::Stance(if scale > 0.0 {
                    (m.mean / scale).clamp(-1.0, 1.0)
                } else {
                    0.0
                })),
                filter: Some(filter),
            }
        }
    }
}

fn target_names(view: &View, stats: &Stats) -> Vec<String> {
    let names = view.input.stance.map(|s| &s.summary.targets);
    stats
        .targets
        .iter()
        .map(|t| names.and_then(|n| n.get(t)).cloned().unwrap_or(t.clone()))
        .collect()
}

/// Per target, the largest |mean| over groups with n >= 2 (the scale).
fn scales<'m, K: 'm>(
    stats: &Stats,
    groups: impl Iterator<Item = (&'m K, &'m std::collections::BTreeMap<String, MeanCi>)> + Clone,
) -> Vec<f64> {
    stats
        .targets
        .iter()
        .map(|t| {
            groups
                .clone()
                .filter_map(|(_, m)| m.get(t))
                .filter(|m| m.n >= 2)
                .map(|m| m.mean.abs())
                .fold(0.0, f64::max)
        })
        .collect()
}

fn theme_name(view: &View, id: Option<u32>) -> String {
    match id {
        None => "other (boilerplate, content-free)".into(),
        Some(id) => view
            .input
            .themes
            .and_then(|t| t.themes.iter().find(|th| th.id == id))
            .map(|th| format!("#{} {}", th.id, th.label))
            .unwrap_or_else(|| format!("#{id}")),
    }
}

/// Every table whose data exists, in reading order.
pub fn all(view: &View, stats: &Stats) -> Vec<Table> {
    let mut out = Vec::new();
    let names = target_names(view, stats);
    let has_stance = view.input.stance.is_some() && !stats.targets.is_empty();
    let stance_header = |first: &str| {
        let mut h = vec![first.to_string()];
        h.extend(
            names
                .iter()
                .map(|n| format!("{n}: mean ±95% (n) · favor/neutral/against")),
        );
        h
    };
    let theme_order: Vec<Option<u32>> = view
        .themes_by_size()
        .iter()
        .map(|t| Some(t.id))
        .chain(std::iter::once(None))
        .collect();

    if has_stance && view.input.themes.is_some() {
        let sc = scales(stats, stats.by_theme.iter());
        let rows = theme_order
            .iter()
            .filter(|id| stats.by_theme.contains_key(id))
            .map(|id| {
                let m = &stats.by_theme[id];
                let mut row = vec![text(theme_name(view, *id))];
                for (ti, t) in stats.targets.iter().enumerate() {
                    let th = id.map_or(-1, i64::from);
                    row.push(stance_cell(
                        m.get(t),
                        sc[ti],
                        format!("theme={th}&target={ti}"),
                    ));
                }
                row
            })
            .collect();
        out.push(Table {
            id: "t-stance-theme",
            title_en: "Stance by theme and target",
            title_zh: "各主题对各目标的立场",
            note: "Mean stance score of the passages that concern the target (+1 favour, −1 against), with its 95% interval and n; neutral passages count in the mean and the split. Colour: each target on its own scale. Click a cell to list its passages.".into(),
            header: stance_header("theme"),
            rows,
        });
    }
    if has_stance {
        let sc = scales(stats, stats.by_source.iter());
        let rows = stats
            .by_source
            .iter()
            .map(|(si, m)| {
                let mut row = vec![text(format!(
                    "{} ({} passages)",
                    stats.sources[*si], stats.passages_by_source[*si]
                ))];
                for (ti, t) in stats.targets.iter().enumerate() {
                    row.push(stance_cell(
                        m.get(t),
                        sc[ti],
                        format!("source={si}&target={ti}"),
                    ));
                }
                row
            })
            .collect();
        out.push(Table {
            id: "t-stance-source",
            title_en: "Stance by source",
            title_zh: "各来源的立场",
            note: "The sidecar's `source` of each document (metadata.toml); documents without one are grouped as “(no source)”.".into(),
            header: stance_header("source"),
            rows,
        });
        let sc = scales(stats, stats.by_bin.iter());
        let rows: Vec<Vec<Cell>> = stats
            .by_bin
            .iter()
            .map(|(bi, m)| {
                let mut row = vec![text(stats.bins[*bi].clone())];
                for (ti, t) in stats.targets.iter().enumerate() {
                    row.push(stance_cell(m.get(t), sc[ti], format!("target={ti}")));
                }
                row
            })
            .collect();
        let bin = match stats.bin {
            Some(super::stats::Bin::Week) => "week (starting Monday)",
            _ => "month",
        };
        out.push(Table {
            id: "t-stance-time",
            title_en: "Stance over time",
            title_zh: "立场随时间变化",
            note: match stats.dates_note() {
                Some(n) if rows.is_empty() => n,
                Some(n) => format!("Binned by {bin}. {n}."),
                None => format!("Binned by {bin} (chosen from the span of the dates)."),
            },
            header: stance_header(if stats.bin == Some(super::stats::Bin::Week) {
                "week"
            } else {
                "month"
            }),
            rows,
        });
    }
    if view.input.themes.is_some() {
        let mut header = vec![String::new()];
        header.extend(theme_order.iter().map(|id| theme_name(view, *id)));
        let share_rows =
            |groups: &std::collections::BTreeMap<
                usize,
                std::collections::BTreeMap<Option<u32>, usize>,
            >,
             label: &dyn Fn(usize) -> String,
             filter: &dyn Fn(usize, Option<u32>) -> Option<String>| {
                groups
                    .iter()
                    .map(|(g, counts)| {
                        let total: usize = counts.values().sum();
                        let mut row = vec![text(format!("{} (n={total})", label(*g)))];
                        for id in &theme_order {
                            let c = counts.get(id).copied().unwrap_or(0);
                            let share = if total > 0 {
                                c as f64 / total as f64
                            } else {
                                0.0
                            };
                            row.push(Cell {
                                text: if c == 0 {
                                    "–".into()
                                } else {
                                    format!("{:.1}%", 100.0 * share)
                                },
                                shade: (c > 0).then_some(Shade::Share(share)),
                                filter: if c > 0 { filter(*g, *id) } else { None },
                            });
                        }
                        row
                    })
                    .collect::<Vec<_>>()
            };
        let rows = share_rows(
            &stats.themes_by_bin,
            &|b| stats.bins[b].clone(),
            &|_, id| Some(format!("theme={}", id.map_or(-1, i64::from))),
        );
        out.push(Table {
            id: "t-share-time",
            title_en: "Theme share over time",
            title_zh: "主题占比随时间变化",
            note: stats
                .dates_note()
                .filter(|_| rows.is_empty())
                .unwrap_or_else(|| {
                    "Share of each period's passages in each theme (rows sum to 100%).".into()
                }),
            header: header.clone(),
            rows,
        });
        let rows = share_rows(
            &stats.themes_by_source,
            &|s| stats.sources[s].clone(),
            &|s, id| Some(format!("source={s}&theme={}", id.map_or(-1, i64::from))),
        );
        out.push(Table {
            id: "t-share-source",
            title_en: "Theme share by source",
            title_zh: "各来源的主题占比",
            note: "Share of each source's passages in each theme (rows sum to 100%). Click a cell to list its passages.".into(),
            header,
            rows,
        });
    }
    out
}

/// Background colour of a shaded cell: blue for favour, red for against
/// (the stance colours), grey-green for shares.
pub fn background(s: Shade) -> String {
    let mix = |c: (f64, f64, f64), a: f64| {
        let m = |x: f64| (255.0 - (255.0 - x) * a.clamp(0.0, 1.0)).round() as u8;
        format!("#{:02x}{:02x}{:02x}", m(c.0), m(c.1), m(c.2))
    };
    match s {
        Shade::Stance(v) if v >= 0.0 => mix((0x67 as f64, 0xA9 as f64, 0xCF as f64), v * 0.8),
        Shade::Stance(v) => mix((0xEF as f64, 0x8A as f64, 0x62 as f64), -v * 0.8),
        Shade::Share(v) => mix((0x4D as f64, 0x9D as f64, 0x8F as f64), v.sqrt() * 0.8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_are_white_at_zero_and_coloured_at_the_ends() {
        assert_eq!(background(Shade::Stance(0.0)), "#ffffff");
        assert_ne!(
            background(Shade::Stance(1.0)),
            background(Shade::Stance(-1.0))
        );
        assert_eq!(background(Shade::Share(0.0)), "#ffffff");
    }
}
