//! `index.html`: one self-contained page (styles inline, charts embedded as
//! PNG data, so it reads the same anywhere; the SVG files are linked).

use std::fmt::Write as _;
use std::path::Path;

use super::charts::ChartFile;
use super::data::label_str;
use super::{clip, palette, place, spans, totals, Params, ReportError, View};
use crate::stance::StanceLabel;
use crate::Lang;

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for ch in bytes.chunks(3) {
        let b = [ch[0], *ch.get(1).unwrap_or(&0), *ch.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= ch.len() {
                o.push(T[((n >> shift) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

/// Replaced by the `@font-face` of the page's font subset.
const FONT_FACE: &str = "/*font-face*/";

const CSS: &str = "/*font-face*/
body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Hiragino Sans GB','Microsoft YaHei',stancemap-cjk,sans-serif;color:#222;max-width:1240px;margin:0 auto;padding:24px;line-height:1.5}
h1{margin-bottom:0}.sub{color:#666;margin-top:4px}
figure{margin:28px 0;border-top:1px solid #ddd;padding-top:12px}figure img{max-width:100%;height:auto}
figcaption{color:#444;font-size:14px}figcaption a{margin-right:10px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:12px 0}th,td{border-bottom:1px solid #e3e3e3;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;white-space:nowrap}
.terms span{display:inline-block;background:#f1f1f1;border-radius:3px;padding:0 5px;margin:1px 2px}
.rep{margin:0 0 6px 0;font-size:13px}.where{color:#777;font-size:12px;white-space:nowrap}
mark.favor{background:#cfe0f3;color:#0b3c6f}mark.against{background:#f6d0d3;color:#6f0b16}mark.neutral{background:#eee}
.score{font-weight:bold;white-space:nowrap}.favor{color:#2166ac}.against{color:#b2182b}.neutral{color:#777}
li.passage{margin-bottom:14px}.ev{color:#555;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}
.scroll{overflow-x:auto}.warn{color:#8a4b00}
";

fn label_class(l: StanceLabel) -> &'static str {
    label_str(l)
}

fn highlighted(text: &str, ev: &[crate::stance::Evidence]) -> String {
    spans(text, ev)
        .into_iter()
        .map(|(t, e)| match e {
            None => esc(t),
            Some(e) => {
                let class = if e.weight > 0.0 {
                    "favor"
                } else if e.weight < 0.0 {
                    "against"
                } else {
                    "neutral"
                };
                format!(
                    "<mark class=\"{class}\" title=\"{} {:+.2} ({})\">{}</mark>",
                    esc(&e.term),
                    e.weight,
                    esc(&e.rule),
                    esc(t)
                )
            }
        })
        .collect()
}

/// The page. Reads the PNG charts back from `dir` to embed them.
fn table_html(t: &super::tables::Table) -> String {
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<section id=\"{}\"><h3>{} · {}</h3>\n<p class=\"sub\">{}</p>",
        t.id,
        esc(t.title_en),
        esc(t.title_zh),
        esc(&t.note)
    );
    if t.rows.is_empty() {
        let _ = writeln!(h, "</section>");
        return h;
    }
    let _ = write!(h, "<div class=\"scroll\"><table>\n<tr>");
    for c in &t.header {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    let _ = writeln!(h, "</tr>");
    for row in &t.rows {
        let _ = write!(h, "<tr>");
        for (k, c) in row.iter().enumerate() {
            if k == 0 {
                let _ = write!(h, "<td>{}</td>", esc(&c.text));
                continue;
            }
            let style = c
                .shade
                .map(|s| format!(" style=\"background:{}\"", super::tables::background(s)))
                .unwrap_or_default();
            match &c.filter {
                Some(f) => {
                    let _ = write!(
                        h,
                        "<td class=\"cell\" data-f=\"{}\"{style}>{}</td>",
                        esc(f),
                        esc(&c.text)
                    );
                }
                None => {
                    let _ = write!(h, "<td class=\"num\"{style}>{}</td>", esc(&c.text));
                }
            }
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table></div></section>");
    h
}

pub(crate) fn page(
    view: &View,
    params: &Params,
    charts: &[ChartFile],
    dir: &Path,
) -> Result<String, ReportError> {
    let stats = super::stats::Stats::new(view);
    let input = view.input;
    let corpus = input.corpus;
    let mut h = String::new();
    let w = &mut h;
    let _ = write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>stancemap report</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        super::explorer::CSS
    );
    let _ = writeln!(
        w,
        "<h1>stancemap report · 分析报告</h1>\n<p class=\"sub\">The run's id, times and settings are in <a href=\"manifest.json\">manifest.json</a>.</p>"
    );

    // Summary.
    let n_boiler = view.passages.iter().filter(|p| p.boilerplate).count();
    let _ = writeln!(w, "<h2>Summary · 摘要</h2>\n<ul>");
    let _ = writeln!(
        w,
        "<li>{} documents, {} passages ({} boilerplate, kept and flagged){}</li>",
        corpus.documents.len(),
        view.passages.len(),
        n_boiler,
        input
            .n_tokens
            .map(|t| format!(
                ", {} content tokens",
                t.iter().map(|&x| u64::from(x)).sum::<u64>()
            ))
            .unwrap_or_default()
    );
    let _ = writeln!(
        w,
        "<li>by language: {}</li>",
        Lang::ALL
            .iter()
            .map(|l| format!(
                "{} {}",
                view.passages.iter().filter(|p| p.lang == *l).count(),
                l
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !corpus.skipped.is_empty() {
        let _ = writeln!(
            w,
            "<li>{} files skipped (listed below)</li>",
            corpus.skipped.len()
        );
    }
    match input.themes {
        Some(t) => {
            let _ = writeln!(
                w,
                "<li>{} themes (k = {}{}); {} passages in the other group</li>",
                t.themes.len(),
                t.k,
                t.silhouette
                    .map(|s| format!(", mean silhouette {s:.3}"))
                    .unwrap_or_default(),
                t.other.size
            );
        }
        None => {
            let _ = writeln!(w, "<li>themes: not computed in this run</li>");
        }
    }
    for (_, name, a) in totals(view) {
        let _ = writeln!(
            w,
            "<li>toward <b>{}</b>: {} passages concern it; <span class=\"favor\">{} favor</span>, <span class=\"neutral\">{} neutral</span>, <span class=\"against\">{} against</span>; mean {:+.3}</li>",
            esc(&name),
            a.n,
            a.favor,
            a.neutral,
            a.against,
            a.mean
        );
    }
    if input.stance.is_none() {
        let _ = writeln!(w, "<li>stance: not computed in this run</li>");
    }
    if let Some(note) = stats.dates_note() {
        let _ = writeln!(w, "<li class=\"warn\">dates: {}</li>", esc(&note));
    }
    let _ = writeln!(
        w,
        "<li>sources: {}</li>",
        esc(&stats
            .sources
            .iter()
            .zip(&stats.passages_by_source)
            .map(|(s, n)| format!("{s} ({n})"))
            .collect::<Vec<_>>()
            .join(", "))
    );
    let _ = writeln!(w, "</ul>");
    let _ = writeln!(w, "<p><a href=\"#explorer\">Explore the passages · 浏览段落</a> · <a href=\"#comparisons\">Comparisons · 比较</a></p>");

    // Charts.
    let _ = writeln!(w, "<h2>Charts · 图表</h2>");
    for c in charts {
        let path = dir.join(&c.png);
        let bytes = std::fs::read(&path).map_err(|source| ReportError::Io { path, source })?;
        let png = c.png.to_string_lossy().replace('\\', "/");
        let svg = c.svg.to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            w,
            "<figure id=\"{}\">\n<img src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" alt=\"{} · {}\">\n<figcaption><b>{} · {}</b>. {} <a href=\"{}\">PNG</a><a href=\"{}\">SVG</a></figcaption>\n</figure>",
            c.name,
            base64(&bytes),
            c.size.0,
            c.size.1,
            esc(c.title_en),
            esc(c.title_zh),
            esc(c.title_en),
            esc(c.title_zh),
            esc(&c.caption),
            esc(&png),
            esc(&svg)
        );
    }

    // Comparison tables.
    let tables = super::tables::all(view, &stats);
    if !tables.is_empty() {
        let _ = writeln!(w, "<h2 id=\"comparisons\">Comparisons · 比较</h2>");
        for t in &tables {
            w.push_str(&table_html(t));
        }
    }

    // Themes table.
    if let Some(t) = input.themes {
        let _ = writeln!(w, "<h2>Themes · 主题</h2>\n<table>\n<tr><th>#</th><th>label</th><th>passages (en / zh / mixed)</th><th>top terms</th><th>representative passages</th></tr>");
        for (pos, th) in view.themes_by_size().into_iter().enumerate() {
            let by = |l: Lang| th.passages_by_lang.get(&l).copied().unwrap_or(0);
            let terms = |v: &[crate::themes::TermScore]| {
                v.iter()
                    .take(params.top_terms)
                    .map(|t| format!("<span>{}</span>", esc(&t.term)))
                    .collect::<String>()
            };
            let reps: String = view
                .representatives(th, params.representative_passages)
                .into_iter()
                .map(|i| view.passages[i])
                .map(|p| {
                    format!(
                        "<p class=\"rep\">{} <span class=\"where\">{}</span></p>",
                        esc(&clip(&p.text, 280)),
                        esc(&place(p))
                    )
                })
                .collect();
            let _ = writeln!(
                w,
                "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td>{}</td><td class=\"num\">{} ({} / {} / {})</td><td class=\"terms\">EN: {}<br>中文: {}</td><td>{}</td></tr>",
                palette::hex(palette::theme(pos)),
                th.id,
                esc(&th.label),
                th.size,
                by(Lang::En),
                by(Lang::Zh),
                by(Lang::Mixed),
                terms(&th.top_terms_en),
                terms(&th.top_terms_zh),
                reps
            );
        }
        let ob = |l: Lang| t.other.passages_by_lang.get(&l).copied().unwrap_or(0);
        let _ = writeln!(
            w,
            "<tr><td>–</td><td>other: boilerplate and content-free passages · 其他</td><td class=\"num\">{} ({} / {} / {})</td><td></td><td></td></tr>\n</table>",
            t.other.size,
            ob(Lang::En),
            ob(Lang::Zh),
            ob(Lang::Mixed)
        );
    }

    // Strongest stance per target.
    if input.stance.is_some() {
        let _ = writeln!(w, "<h2>Strongest stance · 立场最强的段落</h2>");
        for (t, name, _) in totals(view) {
            let _ = writeln!(w, "<h3>toward {} · 对{}的立场</h3>", esc(&name), esc(&name));
            let strongest = view.strongest(&t, params.strongest_passages);
            if strongest.is_empty() {
                let _ = writeln!(
                    w,
                    "<p class=\"sub\">no passage has a non-zero stance toward this target</p>"
                );
                continue;
            }
            let _ = writeln!(w, "<ol>");
            for (i, ts) in strongest {
                let p = view.passages[i];
                let theme = view
                    .theme_of(i)
                    .and_then(|id| input.themes?.themes.iter().find(|t| t.id == id))
                    .map(|t| format!(" · theme #{} {}", t.id, esc(&t.label)))
                    .unwrap_or_default();
                let ev: Vec<String> = ts
                    .evidence
                    .iter()
                    .map(|e| format!("{} {:+.2} ({})", esc(&e.term), e.weight, esc(&e.rule)))
                    .collect();
                let class = label_class(ts.label);
                let _ = writeln!(
                    w,
                    "<li class=\"passage\"><span class=\"score {class}\">{:+.2} {class}</span> <span class=\"where\">{}{}</span><br>{}<br><span class=\"ev\">evidence: {}</span></li>",
                    ts.score,
                    esc(&place(p)),
                    theme,
                    highlighted(&p.text, &ts.evidence),
                    if ev.is_empty() { "none".to_string() } else { ev.join("; ") }
                );
            }
            let _ = writeln!(w, "</ol>");
        }
    }

    // Explorer.
    let chosen = super::explorer::choose(view, &stats);
    let _ = writeln!(
        w,
        "<h2>Explore the passages · 浏览段落</h2>\n<p class=\"sub\">{}</p>",
        esc(&if chosen.len() == view.passages.len() {
            format!("All {} passages are in this page: search (English or Chinese), filter, sort; click a cell of a comparison table to list its passages. Target mentions are marked yellow, evidence blue (favour) or red (against).", chosen.len())
        } else {
            format!("This page holds {} of the {} passages ({} left out): the strongest toward each target in each theme, each theme's representatives and first passages, and an even sample of the rest. passages.jsonl, passages.csv hold them all. Target mentions are marked yellow, evidence blue (favour) or red (against).", chosen.len(), view.passages.len(), view.passages.len() - chosen.len())
        })
    );
    let _ = writeln!(
        w,
        "<script type=\"application/json\" id=\"sm-data\">{}</script>\n{}",
        super::explorer::data_json(view, &stats, &chosen),
        super::explorer::MARKUP
    );

    // Documents.
    let tot = totals(view);
    let _ = write!(w, "<h2>Documents · 文档</h2>\n<table>\n<tr><th>document</th><th>title</th><th>source</th><th>date</th><th>passages</th>");
    for (_, name, _) in &tot {
        let _ = write!(w, "<th>{} mean (n)</th>", esc(name));
    }
    let _ = writeln!(w, "</tr>");
    for d in &corpus.documents {
        let _ = write!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>",
            esc(&d.id),
            esc(d.meta.title.as_deref().unwrap_or("")),
            esc(d.meta.source.as_deref().unwrap_or("")),
            esc(d.meta.date.as_deref().unwrap_or("undated")),
            d.passages.len()
        );
        for (t, _, _) in &tot {
            let a = input
                .stance
                .and_then(|s| s.summary.by_document.get(t)?.get(&d.id))
                .filter(|a| a.n > 0);
            let _ = write!(
                w,
                "<td class=\"num\">{}</td>",
                a.map(|a| format!("{:+.2} ({})", a.mean, a.n))
                    .unwrap_or_else(|| "–".into())
            );
        }
        let _ = writeln!(w, "</tr>");
    }
    let _ = writeln!(w, "</table>");
    if !corpus.skipped.is_empty() {
        let _ = writeln!(w, "<h2>Skipped files · 跳过的文件</h2>\n<ul>");
        for s in &corpus.skipped {
            let _ = writeln!(w, "<li>{}: {}</li>", esc(&s.path), esc(&s.reason));
        }
        let _ = writeln!(w, "</ul>");
    }
    let _ = writeln!(
        w,
        "<h2>Data · 数据</h2>\n<p>Beside this page: <a href=\"passages.jsonl\">passages.jsonl</a>, <a href=\"passages.csv\">passages.csv</a>{}{}, <a href=\"manifest.json\">manifest.json</a>.</p>\n<script>{}</script>\n</body>\n</html>",
        if input.themes.is_some() { ", <a href=\"themes.json\">themes.json</a>" } else { "" },
        if input.stance.is_some() { ", <a href=\"stance.json\">stance.json</a>" } else { "" },
        super::explorer::SCRIPT,
    );
    // Embed the glyphs this page uses, so Chinese shows without CJK fonts.
    let face = super::subset::subset(&h)
        .map(|font| format!("@font-face{{font-family:stancemap-cjk;src:url(data:font/ttf;base64,{}) format('truetype')}}", base64(&font)))
        .unwrap_or_default();
    Ok(h.replacen(FONT_FACE, &face, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
