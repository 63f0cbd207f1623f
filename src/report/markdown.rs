//! `summary.md`: the page in text, for a terminal or a repository browser.
//! Evidence is marked `**like this**`.

use std::fmt::Write as _;

use super::charts::ChartFile;
use super::data::label_str;
use super::{clip, place, spans, totals, Params, View};
use crate::Lang;

/// A code span that holds `s` whatever it contains: the fence is longer than
/// any run of backticks inside, line breaks and control characters become
/// spaces (a code span never renders HTML).
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Escape Markdown's inline syntax (and table pipes); line breaks and control
/// characters become spaces (a name with a line break cannot start a block).
pub fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            o.push(' ');
            continue;
        }
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

fn highlighted(text: &str, ev: &[crate::stance::Evidence]) -> String {
    spans(text, ev)
        .into_iter()
        .map(|(t, e)| match e {
            None => md(t),
            Some(_) => format!("**{}**", md(t.trim())),
        })
        .collect()
}

pub(crate) fn summary(view: &View, params: &Params, charts: &[ChartFile]) -> String {
    let input = view.input;
    let corpus = input.corpus;
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# stancemap report · 分析报告\n\nThe run's id, times and settings are in `manifest.json`.\n\n## Summary · 摘要\n"
    );
    let n_boiler = view.passages.iter().filter(|p| p.boilerplate).count();
    let _ = writeln!(
        w,
        "- {} documents, {} passages ({} boilerplate, kept and flagged){}",
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
        "- by language: {}",
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
        let _ = writeln!(w, "- {} files skipped (listed below)", corpus.skipped.len());
    }
    match input.themes {
        Some(t) => {
            let _ = writeln!(
                w,
                "- {} themes (k = {}{}); {} passages in the other group",
                t.themes.len(),
                t.k,
                t.silhouette
                    .map(|s| format!(", mean silhouette {s:.3}"))
                    .unwrap_or_default(),
                t.other.size
            );
        }
        None => {
            let _ = writeln!(w, "- themes: not computed in this run");
        }
    }
    for (_, name, a) in totals(view) {
        let _ = writeln!(
            w,
            "- toward **{}**: {} passages concern it; {} favor, {} neutral, {} against; mean {:+.3}",
            md(&name),
            a.n,
            a.favor,
            a.neutral,
            a.against,
            a.mean
        );
    }
    if input.stance.is_none() {
        let _ = writeln!(w, "- stance: not computed in this run");
    }
    let stats = super::stats::Stats::new(view);
    if let Some(note) = stats.dates_note() {
        let _ = writeln!(w, "- dates: {}", md(&note));
    }
    let _ = writeln!(
        w,
        "- sources: {}",
        md(&stats
            .sources
            .iter()
            .zip(&stats.passages_by_source)
            .map(|(s, n)| format!("{s} ({n})"))
            .collect::<Vec<_>>()
            .join(", "))
    );

    let _ = writeln!(w, "\n## Charts · 图表\n");
    for c in charts {
        let png = c.png.to_string_lossy().replace('\\', "/");
        let svg = c.svg.to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            w,
            "### {} · {}\n\n![{} · {}]({png})\n\n{} ([SVG]({svg}))\n",
            c.title_en, c.title_zh, c.title_en, c.title_zh, c.caption
        );
    }

    let tables = super::tables::all(view, &stats);
    if !tables.is_empty() {
        let _ = writeln!(w, "## Comparisons · 比较\n");
        for t in &tables {
            let _ = writeln!(
                w,
                "### {} · {}\n\n{}\n",
                t.title_en,
                t.title_zh,
                md(&t.note)
            );
            if t.rows.is_empty() {
                continue;
            }
            let _ = writeln!(
                w,
                "| {} |\n|{}",
                t.header
                    .iter()
                    .map(|h| md(h))
                    .collect::<Vec<_>>()
                    .join(" | "),
                "---|".repeat(t.header.len())
            );
            for row in &t.rows {
                let _ = writeln!(
                    w,
                    "| {} |",
                    row.iter()
                        .map(|c| md(&c.text))
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
            }
            let _ = writeln!(w);
        }
    }

    if let Some(t) = input.themes {
        let _ = writeln!(w, "## Themes · 主题\n\n| # | label | passages (en / zh / mixed) | top terms (EN) | top terms (中文) |\n|---|---|---|---|---|");
        let themes = view.themes_by_size();
        for th in &themes {
            let by = |l: Lang| th.passages_by_lang.get(&l).copied().unwrap_or(0);
            let terms = |v: &[crate::themes::TermScore]| {
                v.iter()
                    .take(params.top_terms)
                    .map(|t| md(&t.term))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                w,
                "| {} | {} | {} ({} / {} / {}) | {} | {} |",
                th.id,
                md(&th.label),
                th.size,
                by(Lang::En),
                by(Lang::Zh),
                by(Lang::Mixed),
                terms(&th.top_terms_en),
                terms(&th.top_terms_zh)
            );
        }
        let ob = |l: Lang| t.other.passages_by_lang.get(&l).copied().unwrap_or(0);
        let _ = writeln!(
            w,
            "| – | other: boilerplate, content-free · 其他 | {} ({} / {} / {}) | | |\n",
            t.other.size,
            ob(Lang::En),
            ob(Lang::Zh),
            ob(Lang::Mixed)
        );
        if params.representative_passages > 0 {
            let _ = writeln!(w, "### Representative passages · 代表性段落\n");
            for th in &themes {
                let _ = writeln!(w, "**#{} {}**\n", th.id, md(&th.label));
                for i in view.representatives(th, params.representative_passages) {
                    let p = view.passages[i];
                    let _ = writeln!(w, "- {} — {}", md(&clip(&p.text, 280)), code(&place(p)));
                }
                let _ = writeln!(w);
            }
        }
    }

    if input.stance.is_some() {
        let _ = writeln!(w, "## Strongest stance · 立场最强的段落\n");
        for (t, name, _) in totals(view) {
            let _ = writeln!(w, "### toward {} · 对{}的立场\n", md(&name), md(&name));
            let strongest = view.strongest(&t, params.strongest_passages);
            if strongest.is_empty() {
                let _ = writeln!(w, "No passage has a non-zero stance toward this target.\n");
                continue;
            }
            for (k, (i, ts)) in strongest.into_iter().enumerate() {
                let p = view.passages[i];
                let ev: Vec<String> = ts
                    .evidence
                    .iter()
                    .map(|e| format!("{} {:+.2} ({})", md(&e.term), e.weight, md(&e.rule)))
                    .collect();
                let _ = writeln!(
                    w,
                    "{}. **{:+.2} {}** {}  \n   {}  \n   evidence: {}\n",
                    k + 1,
                    ts.score,
                    label_str(ts.label),
                    code(&place(p)),
                    highlighted(&p.text, &ts.evidence),
                    if ev.is_empty() {
                        "none".into()
                    } else {
                        ev.join("; ")
                    }
                );
            }
        }
    }

    let tot = totals(view);
    let _ = write!(
        w,
        "## Documents · 文档\n\n| document | title | source | date | passages |"
    );
    for (_, name, _) in &tot {
        let _ = write!(w, " {} mean (n) |", md(name));
    }
    let _ = writeln!(w, "\n|---|---|---|---|---|{}", "---|".repeat(tot.len()));
    for d in &corpus.documents {
        let _ = write!(
            w,
            "| {} | {} | {} | {} | {} |",
            md(&d.id),
            md(d.meta.title.as_deref().unwrap_or("")),
            md(d.meta.source.as_deref().unwrap_or("")),
            md(d.meta.date.as_deref().unwrap_or("undated")),
            d.passages.len()
        );
        for (t, _, _) in &tot {
            let a = input
                .stance
                .and_then(|s| s.summary.by_document.get(t)?.get(&d.id))
                .filter(|a| a.n > 0);
            let _ = write!(
                w,
                " {} |",
                a.map(|a| format!("{:+.2} ({})", a.mean, a.n))
                    .unwrap_or_else(|| "–".into())
            );
        }
        let _ = writeln!(w);
    }
    if !corpus.skipped.is_empty() {
        let _ = writeln!(w, "\n## Skipped files · 跳过的文件\n");
        for s in &corpus.skipped {
            let _ = writeln!(w, "- {}: {}", code(&s.path), md(&s.reason));
        }
    }
    let _ = writeln!(w, "\nData beside this file: passages.jsonl, passages.csv, themes.json, stance.json, manifest.json.");
    s
}
