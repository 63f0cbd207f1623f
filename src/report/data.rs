//! Data files: `passages.jsonl`, `themes.json`, `stance.json` and
//! `passages.csv` (the run module writes `manifest.json`, last).
//!
//! Byte-for-byte deterministic for the same input: rows in corpus order,
//! fields in a fixed order, maps are `BTreeMap`s, no timestamps.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ReportError, View};
use crate::stance::{PassageStance, StanceLabel};
use crate::Lang;

/// One line of `passages.jsonl`. Field order is the file's contract.
#[derive(Serialize)]
struct Row<'a> {
    /// Stable id, `doc:line_start-line_end` ([`super::stats::passage_id`]).
    passage_id: String,
    doc: &'a str,
    /// The document's `source` from the metadata sidecar, `null` without one.
    source: Option<&'a str>,
    line_start: u32,
    line_end: u32,
    lang: Lang,
    boilerplate: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    boilerplate_kind: Option<&'a str>,
    text: &'a str,
    /// `null` when featurize did not run.
    n_tokens: Option<u32>,
    /// `null` for the other group, or when themes did not run.
    theme: Option<u32>,
    /// `null` when stance did not run.
    stance: Option<&'a PassageStance>,
}

/// Write `text` to `dir/name`, returning `name` as a path.
pub fn write_text(dir: &Path, name: &str, text: &str) -> Result<PathBuf, ReportError> {
    write_bytes(dir, name, text.as_bytes())
}

pub fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ReportError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|source| ReportError::Io { path, source })?;
    Ok(PathBuf::from(name))
}

fn json_pretty<T: Serialize + ?Sized>(
    dir: &Path,
    name: &str,
    value: &T,
) -> Result<PathBuf, ReportError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|source| ReportError::Json {
        path: dir.join(name),
        source,
    })?;
    s.push('\n');
    write_text(dir, name, &s)
}

/// Document id -> its sidecar `source`, for documents that have one.
pub(crate) fn doc_sources<'a>(view: &View<'a>) -> std::collections::BTreeMap<&'a str, &'a str> {
    view.input
        .corpus
        .documents
        .iter()
        .filter_map(|d| Some((d.id.as_str(), d.meta.source.as_deref()?)))
        .collect()
}

pub(crate) fn passages_jsonl(view: &View) -> Result<String, serde_json::Error> {
    let input = view.input;
    let sources = doc_sources(view);
    let mut out = String::new();
    for (i, p) in view.passages.iter().enumerate() {
        let row = Row {
            passage_id: super::stats::passage_id(p),
            doc: &p.doc,
            source: sources.get(p.doc.as_str()).copied(),
            line_start: p.line_start,
            line_end: p.line_end,
            lang: p.lang,
            boilerplate: p.boilerplate,
            boilerplate_kind: p.boilerplate_kind.as_deref(),
            text: &p.text,
            n_tokens: input.n_tokens.and_then(|t| t.get(i).copied()),
            theme: view.theme_of(i),
            stance: input.stance.and_then(|s| s.passages.get(i)),
        };
        out.push_str(&serde_json::to_string(&row)?);
        out.push('\n');
    }
    Ok(out)
}

/// Stance targets: those the summary names, and any a passage mentions.
pub(crate) fn targets(view: &View) -> Vec<String> {
    let Some(s) = view.input.stance else {
        return Vec::new();
    };
    let mut set: BTreeSet<String> = s.summary.targets.keys().cloned().collect();
    for ps in s.passages {
        set.extend(ps.keys().cloned());
    }
    set.into_iter().collect()
}

/// RFC 4180 field: quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A text cell a spreadsheet will not run as a formula (the OWASP CSV
/// injection rules): text whose first visible character is `=`, `+`, `-`,
/// `@`, `|` or `%` (or their full-width forms), after any spaces, tabs,
/// line breaks, no-break or zero-width spaces and byte-order marks, or that
/// starts with a tab or carriage return, gets a leading `'` (shown by no
/// spreadsheet, kept by every one). Numbers are written as they are.
fn text_cell(s: &str) -> String {
    let invisible = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
    };
    let first = s.trim_start_matches(invisible).chars().next();
    let risky = matches!(
        first,
        Some('=' | '+' | '-' | '@' | '|' | '%' | '＝' | '＋' | '－' | '＠' | '｜' | '％')
    ) || s.starts_with(['\t', '\r', '\n']);
    if risky {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn label_str(l: StanceLabel) -> &'static str {
    match l {
        StanceLabel::Favor => "favor",
        StanceLabel::Neutral => "neutral",
        StanceLabel::Against => "against",
    }
}

/// `passages.csv`: one row per passage for spreadsheets, UTF-8 with a byte
/// order mark (so spreadsheet programs read Chinese correctly), CRLF lines.
pub(crate) fn passages_csv(view: &View) -> String {
    let input = view.input;
    let targets = targets(view);
    let sources = doc_sources(view);
    let mut header: Vec<String> = [
        "passage_id",
        "doc",
        "source",
        "line_start",
        "line_end",
        "lang",
        "boilerplate",
        "boilerplate_kind",
        "n_tokens",
        "theme",
        "theme_label",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in &targets {
        header.push(format!("stance_{t}_score"));
        header.push(format!("stance_{t}_label"));
        header.push(format!("stance_{t}_evidence"));
    }
    header.push("text".into());
    let mut out = String::from("\u{FEFF}");
    out.push_str(
        &header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for (i, p) in view.passages.iter().enumerate() {
        let theme = view.theme_of(i);
        let label = theme
            .and_then(|id| input.themes?.themes.iter().find(|t| t.id == id))
            .map(|t| t.label.as_str())
            .unwrap_or("");
        let mut row: Vec<String> = vec![
            text_cell(&super::stats::passage_id(p)),
            text_cell(&p.doc),
            text_cell(sources.get(p.doc.as_str()).copied().unwrap_or_default()),
            p.line_start.to_string(),
            p.line_end.to_string(),
            p.lang.to_string(),
            p.boilerplate.to_string(),
            text_cell(p.boilerplate_kind.as_deref().unwrap_or_default()),
            input
                .n_tokens
                .and_then(|t| t.get(i))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            theme.map(|t| t.to_string()).unwrap_or_default(),
            text_cell(label),
        ];
        for t in &targets {
            let ts = input
                .stance
                .and_then(|s| s.passages.get(i))
                .and_then(|ps| ps.get(t.as_str()))
                .and_then(|o| o.as_ref());
            match ts {
                Some(ts) => {
                    row.push(format!("{:.4}", ts.score));
                    row.push(label_str(ts.label).to_string());
                    row.push(text_cell(
                        &ts.evidence
                            .iter()
                            .map(|e| e.term.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ));
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        row.push(text_cell(&p.text));
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// Order a map's keys as numbers where they are numbers (`"2"` before
/// `"10"`), the rest after them as text (`"other"` last).
fn numeric_keys(
    m: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    let mut v: Vec<(String, serde_json::Value)> = m.into_iter().collect();
    v.sort_by(|a, b| match (a.0.parse::<u64>(), b.0.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        _ => a.0.cmp(&b.0),
    });
    v.into_iter().collect()
}

/// `stance.json`: the stance summary with each target's theme keys in
/// numeric order, and `by_date` split by precision into `by_day`
/// (`YYYY-MM-DD`), `by_month` (`YYYY-MM`) and `undated`, so no series mixes
/// days and months. Fields the summary gains later pass through unchanged.
pub(crate) fn stance_json(
    summary: &crate::stance::StanceSummary,
) -> Result<serde_json::Value, serde_json::Error> {
    use serde_json::{Map, Value};
    let v = serde_json::to_value(summary)?;
    let Value::Object(obj) = v else {
        return Ok(v);
    };
    let mut out = Map::new();
    for (k, val) in obj {
        match (k.as_str(), val) {
            ("by_theme", Value::Object(per_target)) => {
                let m: Map<String, Value> = per_target
                    .into_iter()
                    .map(|(t, groups)| match groups {
                        Value::Object(g) => (t, Value::Object(numeric_keys(g))),
                        other => (t, other),
                    })
                    .collect();
                out.insert(k, Value::Object(m));
            }
            ("by_date", Value::Object(per_target)) => {
                let mut day = Map::new();
                let mut month = Map::new();
                let mut undated = Map::new();
                for (t, groups) in per_target {
                    let Value::Object(g) = groups else { continue };
                    let (mut d, mut m) = (Map::new(), Map::new());
                    for (key, agg) in g {
                        let b = key.as_bytes();
                        if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
                            d.insert(key, agg);
                        } else if b.len() == 7 && b[4] == b'-' {
                            m.insert(key, agg);
                        } else {
                            undated.insert(t.clone(), agg);
                        }
                    }
                    day.insert(t.clone(), Value::Object(d));
                    month.insert(t, Value::Object(m));
                }
                out.insert("by_day".into(), Value::Object(day));
                out.insert("by_month".into(), Value::Object(month));
                out.insert("undated".into(), Value::Object(undated));
            }
            (_, val) => {
                out.insert(k, val);
            }
        }
    }
    Ok(Value::Object(out))
}

/// Write every data file; `themes.json` and `stance.json` only when their
/// stage ran.
pub(crate) fn write_all(dir: &Path, view: &View) -> Result<Vec<PathBuf>, ReportError> {
    let input = view.input;
    let mut written = Vec::new();
    let jsonl = passages_jsonl(view).map_err(|source| ReportError::Json {
        path: dir.join("passages.jsonl"),
        source,
    })?;
    written.push(write_text(dir, "passages.jsonl", &jsonl)?);
    written.push(write_text(dir, "passages.csv", &passages_csv(view))?);
    if let Some(t) = input.themes {
        written.push(json_pretty(dir, "themes.json", t)?);
    }
    if let Some(s) = input.stance {
        let value = stance_json(s.summary).map_err(|source| ReportError::Json {
            path: dir.join("stance.json"),
            source,
        })?;
        written.push(json_pretty(dir, "stance.json", &value)?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain 文本"), "plain 文本");
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("- a list item"), "'- a list item");
        assert_eq!(text_cell("OpenAI"), "OpenAI");
        for s in [
            "  =1+1",
            "\u{A0}=1+1",
            "\u{200B}=1+1",
            "\u{FEFF}@SUM(A1)",
            "\t=1",
            "\r=1",
            "|cmd",
            "%0A=1",
            "＝1+1",
            "\u{3000}+1",
        ] {
            assert!(text_cell(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(text_cell("a = b"), "a = b");
    }
}
