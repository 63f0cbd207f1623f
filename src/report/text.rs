//! Fitting labels: measure with the compiled-in face (exactly as the PNG
//! backend lays text out), then truncate or wrap, so labels never overlap.

use ab_glyph::{Font, ScaleFont};

use super::fonts;

/// Width in pixels of `text` drawn at plotters font size `size`.
pub fn width(text: &str, size: f64) -> f64 {
    let Some(face) = fonts::face() else {
        return text.chars().count() as f64 * size * 0.6;
    };
    let font = face.as_scaled(size as f32);
    let mut w = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let g = font.glyph_id(c);
        w += font.h_advance(g);
        if let Some(p) = prev {
            w += font.kern(p, g);
        }
        prev = Some(g);
    }
    f64::from(w)
}

/// Replace characters that would draw badly (controls) with spaces, and
/// collapse runs of whitespace.
pub fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` if it fits in `max` pixels, else its longest prefix that fits with `…`.
pub fn fit(text: &str, size: f64, max: f64) -> String {
    let text = clean(text);
    if width(&text, size) <= max {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    // Binary search on the prefix length.
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let cand: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + "…";
        if width(&cand, size) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    chars[..lo]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string()
        + "…"
}

/// Break `text` into at most `max_lines` lines of at most `max` pixels, at
/// spaces (so a label's Chinese words stay whole); a word wider than a line
/// breaks between characters. The last line ends with `…` when text was left
/// out.
pub fn wrap(text: &str, size: f64, max: f64, max_lines: usize) -> Vec<String> {
    let text = clean(text);
    // Units that stay together: a word with its trailing space.
    let mut units: Vec<String> = Vec::new();
    for word in text.split_inclusive(' ') {
        if width(word.trim_end(), size) <= max {
            units.push(word.to_string());
        } else {
            units.extend(word.chars().map(String::from));
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Put the rest of the text on the last line, cut with `…`.
    let ellipsize = |lines: &mut Vec<String>, rest: &str| {
        if let Some(last) = lines.pop() {
            lines.push(fit(&format!("{last} {rest}…"), size, max));
        }
    };
    for (i, u) in units.iter().enumerate() {
        let cand = format!("{line}{u}");
        if width(cand.trim_end(), size) <= max {
            line = cand;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        line = String::new();
        if lines.len() == max_lines {
            ellipsize(&mut lines, &units[i..].concat());
            return lines;
        }
        if width(u.trim_end(), size) <= max {
            line = u.clone();
        } else {
            lines.push(fit(u, size, max));
            if lines.len() == max_lines && i + 1 < units.len() {
                ellipsize(&mut lines, &units[i + 1..].concat());
                return lines;
            }
        }
    }
    if !line.trim().is_empty() {
        if lines.len() == max_lines {
            ellipsize(&mut lines, &line);
        } else {
            lines.push(line.trim_end().to_string());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_short_and_truncates_long() {
        assert_eq!(fit("GPT-5", 14.0, 500.0), "GPT-5");
        let long = "pretraining / 预训练 · gpt-5 · scaling laws and compute budgets";
        let f = fit(long, 14.0, 120.0);
        assert!(f.ends_with('…'), "{f}");
        assert!(width(&f, 14.0) <= 120.0);
        assert!(f.starts_with("pretrain"));
    }

    #[test]
    fn wrap_respects_width_and_lines() {
        let text =
            "OpenAI 的预训练受挫与技术瓶颈 and the open versus closed debate among Chinese labs";
        let lines = wrap(text, 14.0, 150.0, 3);
        assert!(!lines.is_empty() && lines.len() <= 3, "{lines:?}");
        for l in &lines {
            assert!(width(l, 14.0) <= 150.0, "{l:?} too wide");
        }
        assert!(lines[2].ends_with('…'), "{lines:?}");
        let short = wrap("预训练", 14.0, 150.0, 2);
        assert_eq!(short, vec!["预训练".to_string()]);
        // Chinese words in a label stay whole.
        let label = wrap(
            "#0 china / 中国, large models / 大模型, development / 开发者",
            14.0,
            280.0,
            2,
        );
        assert_eq!(label.len(), 2, "{label:?}");
        assert!(
            label[1].starts_with("开发者") || label[1].contains("/ 开发者"),
            "{label:?}"
        );
        // A long unbroken Chinese sentence still wraps.
        let zh = wrap(
            "国产大模型在开源方面进步很快通义千问和智谱受到开发者欢迎",
            14.0,
            100.0,
            3,
        );
        assert_eq!(zh.len(), 3, "{zh:?}");
        assert!(zh.iter().all(|l| width(l, 14.0) <= 100.0));
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        assert!(width("预训练", 14.0) > width("预训", 14.0));
        assert!(width("abc", 20.0) > width("abc", 10.0));
        assert_eq!(fit("", 14.0, 10.0), "");
    }
}
