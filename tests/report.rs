//! The report on a small constructed input: every chart exists as PNG and
//! SVG, decodes, has its size, is not blank, and draws Chinese; data files are
//! deterministic and in the contract's shape.
//!
//! Set `STANCEMAP_REPORT_DIR` to keep the fixture's report for viewing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stancemap::report::charts::title_zh_box;
use stancemap::report::{write_report, Params, ReportError, ReportInput, StanceInput};
use stancemap::stance::{
    Aggregate, Evidence, PassageStance, StanceLabel, StanceSummary, TargetStance,
};
use stancemap::themes::{OtherGroup, TermScore, Theme, Themes};
use stancemap::{Corpus, DocMeta, Lang, PassageRef};

const DOCS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "a_en.txt",
        "en",
        Some("2023-11"),
        "OpenAI released ChatGPT and the pretraining race began in earnest.\n\
         GPT-5 may arrive next year, but OpenAI faces strong challengers and slowing growth.\n\
         Chinese models such as Qwen and GLM improved quickly and open source helped them.\n\
         Compute and chips remain the bottleneck for every lab that trains large models.\n\
         Share this article\n\
         Open source models let developers build cheaply and the community praised Qwen.\n\
         OpenAI was criticised for secrecy and its closed models.\n",
    ),
    (
        "b_zh.txt",
        "zh",
        Some("2025-08"),
        "GPT-5的光环与阴影:OpenAI预训练受挫与技术瓶颈。\n\
         国产大模型在开源方面进步很快,通义千问和智谱GLM受到开发者欢迎。\n\
         算力和芯片仍然是训练大模型的瓶颈,出口管制带来压力。\n\
         OpenAI的预训练遇到困难,业内对其前景表示担忧。\n\
         责任编辑:张三\n\
         开源模型让中国企业追赶速度加快,文心一言和Kimi也在进步。\n",
    ),
    (
        "c_mixed.txt",
        "",
        Some("2024-08-02"),
        "DeepSeek launched disk caching on August 2, cutting API prices sharply.\n\
         DeepSeek 的价格战让国产模型 API 价格大幅下降, a move praised by developers.\n\
         Altman called for U.S. AI dominance while Chinese labs kept shipping open models.\n",
    ),
    (
        "d_undated.txt",
        "",
        None,
        "Kimi from Moonshot handles long context well and users like it.\n\
         Closed models from OpenAI still lead the benchmarks on reasoning.\n\
         OpenAI was criticised for secrecy, and its closed models!\n",
    ),
];

fn corpus() -> Corpus {
    let params = stancemap::ingest::RawParams::default()
        .check()
        .expect("defaults");
    let documents = DOCS
        .iter()
        .map(|(id, lang, date, text)| {
            let meta = DocMeta {
                title: Some(format!("Title of {id} · 标题")),
                date: date.map(str::to_string),
                source: match *id {
                    "a_en.txt" | "b_zh.txt" => Some("Outlet A".to_string()),
                    "c_mixed.txt" => Some("Outlet B".to_string()),
                    _ => None,
                },
                language: (!lang.is_empty()).then(|| lang.to_string()),
            };
            stancemap::ingest::document_from_bytes(id, text.as_bytes(), Some(meta), &params)
                .expect("document")
        })
        .collect();
    Corpus {
        documents,
        skipped: vec![stancemap::Skipped {
            path: "broken.txt".into(),
            reason: "cannot decode".into(),
        }],
    }
}

struct Fixture {
    corpus: Corpus,
    n_tokens: Vec<u32>,
    themes: Themes,
    stance: Vec<PassageStance>,
    summary: StanceSummary,
}

fn theme_for(text: &str) -> Option<u32> {
    let t = text.to_lowercase();
    if t.contains("share this") || t.contains("责任编辑") {
        None
    } else if t.contains("open") && (t.contains("source") || t.contains("models"))
        || t.contains("开源")
    {
        Some(1)
    } else if t.contains("compute")
        || t.contains("算力")
        || t.contains("price")
        || t.contains("价格")
    {
        Some(2)
    } else {
        Some(0)
    }
}

/// Character offsets of the first occurrence of `term` in `text`.
fn find_chars(text: &str, term: &str) -> Option<(usize, usize)> {
    let b = text.find(term)?;
    let start = text[..b].chars().count();
    Some((start, start + term.chars().count()))
}

fn stance_for(text: &str, target: &str) -> Option<TargetStance> {
    let (mention, lexicon): (&[&str], &[(&str, f64)]) = if target == "openai" {
        (
            &["OpenAI", "GPT-5", "ChatGPT", "Altman"],
            &[
                ("criticised", -0.8),
                ("受挫", -0.7),
                ("担忧", -0.6),
                ("lead", 0.6),
                ("strong", 0.4),
                ("slowing", -0.5),
            ],
        )
    } else {
        (
            &[
                "Chinese",
                "Qwen",
                "GLM",
                "国产",
                "DeepSeek",
                "Kimi",
                "通义千问",
            ],
            &[
                ("praised", 0.8),
                ("欢迎", 0.7),
                ("进步", 0.6),
                ("improved", 0.6),
                ("like", 0.4),
                ("压力", -0.5),
                ("bottleneck", -0.4),
            ],
        )
    };
    if !mention.iter().any(|m| text.contains(m)) {
        return None;
    }
    let mut evidence = Vec::new();
    for (term, weight) in lexicon {
        if let Some((start, end)) = find_chars(text, term) {
            evidence.push(Evidence {
                term: term.to_string(),
                weight: *weight,
                start,
                end,
                rule: "lexicon".into(),
            });
        }
    }
    let score = evidence
        .iter()
        .map(|e| e.weight)
        .sum::<f64>()
        .clamp(-1.0, 1.0);
    let label = if score > 0.2 {
        StanceLabel::Favor
    } else if score < -0.2 {
        StanceLabel::Against
    } else {
        StanceLabel::Neutral
    };
    Some(TargetStance {
        score,
        label,
        evidence,
    })
}

fn aggregate(items: &[(PassageRef, &TargetStance)]) -> Aggregate {
    let mut a = Aggregate::default();
    for (r, t) in items {
        a.n += 1;
        a.mean += t.score;
        match t.label {
            StanceLabel::Favor => a.favor += 1,
            StanceLabel::Neutral => a.neutral += 1,
            StanceLabel::Against => a.against += 1,
        }
        a.passages.push(r.clone());
    }
    if a.n > 0 {
        a.mean /= a.n as f64;
    }
    a
}

fn fixture() -> Fixture {
    let corpus = corpus();
    let passages: Vec<_> = corpus.passages().cloned().collect();
    let n_tokens = passages
        .iter()
        .map(|p| {
            p.text
                .split_whitespace()
                .count()
                .max(p.text.chars().count() / 2) as u32
        })
        .collect();
    let assignment: Vec<Option<u32>> = passages
        .iter()
        .map(|p| {
            if p.boilerplate {
                None
            } else {
                theme_for(&p.text)
            }
        })
        .collect();
    let coords = assignment
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let jitter = ((i * 37 % 11) as f64 - 5.0) / 40.0;
            match a {
                Some(0) => [0.5 + jitter, 0.2 - jitter],
                Some(1) => [-0.3 + jitter, 0.4 + jitter / 2.0],
                Some(_) => [0.1 - jitter, -0.45 + jitter],
                None => [0.0 + jitter / 3.0, 0.0],
            }
        })
        .collect();
    let labels = [
        "pretraining / 预训练 · gpt-5",
        "open source / 开源 · qwen",
        "compute, chips and API prices under export controls / 算力 · 芯片 · 出口管制 · 价格战",
    ];
    let themes: Vec<Theme> = (0..3u32)
        .map(|id| {
            let members: Vec<usize> = (0..passages.len())
                .filter(|&i| assignment[i] == Some(id))
                .collect();
            let mut by = BTreeMap::new();
            for &i in &members {
                *by.entry(passages[i].lang).or_insert(0) += 1;
            }
            let ts = |terms: &[&str]| {
                terms
                    .iter()
                    .enumerate()
                    .map(|(k, t)| TermScore {
                        term: t.to_string(),
                        score: 1.0 / (k as f64 + 1.0),
                    })
                    .collect()
            };
            let (en, zh): (Vec<TermScore>, Vec<TermScore>) = match id {
                0 => (
                    ts(&[
                        "openai",
                        "gpt-5",
                        "pretrain",
                        "chatgpt",
                        "growth",
                        "challenger",
                        "release",
                        "secrecy",
                        "benchmark",
                    ]),
                    ts(&["预训练", "受挫", "技术瓶颈", "光环", "前景", "担忧"]),
                ),
                1 => (
                    ts(&[
                        "open source",
                        "qwen",
                        "glm",
                        "developer",
                        "community",
                        "cheap",
                    ]),
                    ts(&[
                        "开源",
                        "通义千问",
                        "智谱",
                        "开发者",
                        "追赶",
                        "文心一言",
                        "国产大模型",
                    ]),
                ),
                _ => (
                    ts(&[
                        "compute",
                        "chip",
                        "bottleneck",
                        "price",
                        "cache",
                        "internationalization-and-localization",
                    ]),
                    ts(&["算力", "芯片", "出口管制", "价格战"]),
                ),
            };
            Theme {
                id,
                label: labels[id as usize].to_string(),
                size: members.len(),
                passages_by_lang: by,
                top_terms_en: en,
                top_terms_zh: zh,
                representative: members
                    .iter()
                    .take(2)
                    .map(|&i| PassageRef::from(&passages[i]))
                    .collect(),
            }
        })
        .collect();
    let mut other = OtherGroup::default();
    for (i, p) in passages.iter().enumerate() {
        if assignment[i].is_none() {
            other.size += 1;
            *other.passages_by_lang.entry(p.lang).or_insert(0) += 1;
        }
    }
    let themes = Themes {
        k: 3,
        silhouette: Some(0.41),
        themes,
        other,
        assignment: assignment.clone(),
        coords,
        ..Default::default()
    };
    let targets = ["china", "openai"];
    let stance: Vec<PassageStance> = passages
        .iter()
        .map(|p| {
            targets
                .iter()
                .map(|t| {
                    (
                        t.to_string(),
                        if p.boilerplate {
                            None
                        } else {
                            stance_for(&p.text, t)
                        },
                    )
                })
                .collect()
        })
        .collect();
    let mut summary = StanceSummary {
        targets: [
            ("china".to_string(), "Chinese models".to_string()),
            ("openai".to_string(), "OpenAI".to_string()),
        ]
        .into_iter()
        .collect(),
        ..StanceSummary::default()
    };
    let date_of: BTreeMap<&str, String> = corpus
        .documents
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.meta.date.clone().unwrap_or_else(|| "undated".into()),
            )
        })
        .collect();
    for t in targets {
        let mut by_theme: BTreeMap<String, Vec<(PassageRef, &TargetStance)>> = BTreeMap::new();
        let mut by_doc: BTreeMap<String, Vec<(PassageRef, &TargetStance)>> = BTreeMap::new();
        let mut by_date: BTreeMap<String, Vec<(PassageRef, &TargetStance)>> = BTreeMap::new();
        for (i, p) in passages.iter().enumerate() {
            if let Some(Some(ts)) = stance[i].get(t) {
                let key = assignment[i]
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "other".into());
                by_theme
                    .entry(key)
                    .or_default()
                    .push((PassageRef::from(p), ts));
                by_doc
                    .entry(p.doc.clone())
                    .or_default()
                    .push((PassageRef::from(p), ts));
                by_date
                    .entry(date_of[p.doc.as_str()].clone())
                    .or_default()
                    .push((PassageRef::from(p), ts));
            }
        }
        let agg = |m: BTreeMap<String, Vec<(PassageRef, &TargetStance)>>| {
            m.into_iter().map(|(k, v)| (k, aggregate(&v))).collect()
        };
        summary.by_theme.insert(t.to_string(), agg(by_theme));
        summary.by_document.insert(t.to_string(), agg(by_doc));
        summary.by_date.insert(t.to_string(), agg(by_date));
    }
    Fixture {
        corpus,
        n_tokens,
        themes,
        stance,
        summary,
    }
}

impl Fixture {
    fn input(&self) -> ReportInput<'_> {
        ReportInput {
            corpus: &self.corpus,
            n_tokens: Some(&self.n_tokens),
            themes: Some(&self.themes),
            stance: Some(StanceInput {
                passages: &self.stance,
                summary: &self.summary,
            }),
        }
    }
}

const CHARTS: [&str; 9] = [
    "corpus",
    "themes",
    "top_terms",
    "passage_map",
    "stance_by_theme",
    "stance_by_source",
    "stance_trend",
    "theme_share_time",
    "theme_share_source",
];

fn out_dir(name: &str) -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("STANCEMAP_REPORT_DIR") {
        Some(d) => {
            let p = PathBuf::from(d).join(name);
            std::fs::create_dir_all(&p).expect("report dir");
            (None, p)
        }
        None => {
            let t = tempfile::tempdir().expect("tempdir");
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    }
}

/// Decode a PNG: (width, height, RGB pixels).
fn decode_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let ch = info.color_type.samples();
    let px = buf[..info.buffer_size()]
        .chunks(ch)
        .map(|c| {
            if ch >= 3 {
                [c[0], c[1], c[2]]
            } else {
                [c[0], c[0], c[0]]
            }
        })
        .collect();
    (info.width, info.height, px)
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(val).collect();
    let mut out = Vec::new();
    for ch in bytes.chunks(4) {
        let n = ch
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &v)| n | (u32::from(v) << (18 - 6 * i)));
        out.extend(&n.to_be_bytes()[1..ch.len()]);
    }
    out
}

fn ink(px: &[u8; 3]) -> bool {
    px.iter().any(|&v| v < 235)
}

#[test]
fn writes_every_chart_page_and_data_file() {
    let f = fixture();
    let (_keep, dir) = out_dir("full");
    let params = Params::default();
    let written = write_report(&dir, &f.input(), &params).expect("report");
    for name in [
        "passages.jsonl",
        "passages.csv",
        "themes.json",
        "stance.json",
        "index.html",
        "summary.md",
    ] {
        assert!(
            written.contains(&PathBuf::from(name)),
            "{name} not reported as written"
        );
        assert!(dir.join(name).is_file(), "{name} missing");
    }
    for chart in CHARTS {
        let png = dir.join("charts").join(format!("{chart}.png"));
        let svg = dir.join("charts").join(format!("{chart}.svg"));
        assert!(written.contains(&PathBuf::from("charts").join(format!("{chart}.png"))));
        let (w, h, px) = decode_png(&png);
        assert_eq!(w, params.chart_width, "{chart} width");
        if chart == "top_terms" {
            assert!(h >= 300, "{chart} height {h}");
        } else if chart == "themes"
            || chart.starts_with("stance_by_")
            || chart.starts_with("theme_share_")
        {
            // Bar charts fit their rows, up to the configured height.
            assert!(
                (320..=params.chart_height).contains(&h),
                "{chart} height {h}"
            );
        } else {
            assert_eq!(h, params.chart_height, "{chart} height");
        }
        let inked = px.iter().filter(|p| ink(p)).count();
        assert!(
            inked * 100 > px.len() * 2,
            "{chart}: only {inked} of {} pixels drawn",
            px.len()
        );

        // The Chinese half of the title is drawn.
        let svg_text = std::fs::read_to_string(&svg).expect("svg");
        let doc =
            roxmltree::Document::parse(&svg_text).unwrap_or_else(|e| panic!("{chart}.svg: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
        assert_eq!(root.attribute("height"), Some(h.to_string().as_str()));
        let title = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .find(|t| t.contains(" · "))
            .unwrap_or_else(|| panic!("{chart}.svg has no title"))
            .to_string();
        let (en, zh) = title.split_once(" · ").expect("bilingual title");
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{chart}: title {title:?} has no Chinese"
        );
        let (x0, y0, x1, y1) = title_zh_box(en, zh);
        let mut title_ink = 0;
        for y in y0.max(0)..y1.min(h as i32) {
            for x in x0.max(0)..x1.min(w as i32) {
                if ink(&px[(y as u32 * w + x as u32) as usize]) {
                    title_ink += 1;
                }
            }
        }
        let area = (x1 - x0) * (y1 - y0);
        assert!(
            title_ink * 100 > area * 5,
            "{chart}: Chinese title region almost empty ({title_ink} of {area})"
        );
        let family = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .find_map(|n| n.attribute("font-family"))
            .expect("font-family");
        assert!(
            family.contains("WenQuanYi Micro Hei")
                && family.contains("Noto Sans CJK SC")
                && family.ends_with("sans-serif"),
            "{family}"
        );
    }
    let html = std::fs::read_to_string(dir.join("index.html")).expect("html");
    // The page embeds a font with a glyph for every Chinese character it shows.
    let b64 = html
        .split("url(data:font/ttf;base64,")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .expect("embedded font");
    let font = decode_base64(b64);
    let face = ab_glyph::FontRef::try_from_slice(&font).expect("embedded font parses");
    let han: Vec<char> = html
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    assert!(han.len() > 50);
    for c in han {
        assert_ne!(
            ab_glyph::Font::glyph_id(&face, c).0,
            0,
            "{c} missing from the page's font"
        );
    }
    assert_eq!(html.matches("data:image/png;base64,").count(), CHARTS.len());
    assert!(
        html.contains("<mark class=\"against\""),
        "evidence not highlighted"
    );
    assert!(
        html.contains("<mark class=\"favor\""),
        "evidence not highlighted"
    );
    let md = std::fs::read_to_string(dir.join("summary.md")).expect("md");
    for chart in CHARTS {
        assert!(
            md.contains(&format!("](charts/{chart}.png)")),
            "summary.md lacks {chart}"
        );
    }
    assert!(
        md.contains("**受挫**") || md.contains("**criticised**"),
        "evidence not marked in summary.md"
    );
}

#[test]
fn passages_jsonl_follows_the_contract() {
    let f = fixture();
    let (_keep, dir) = out_dir("jsonl");
    write_report(&dir, &f.input(), &Params::default()).expect("report");
    let text = std::fs::read_to_string(dir.join("passages.jsonl")).expect("jsonl");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), f.corpus.n_passages());
    let order = [
        "\"passage_id\":",
        "\"doc\":",
        "\"source\":",
        "\"line_start\":",
        "\"line_end\":",
        "\"lang\":",
        "\"boilerplate\":",
        "\"text\":",
        "\"n_tokens\":",
        "\"theme\":",
        "\"stance\":",
    ];
    let mut saw_boiler = false;
    for (line, p) in lines.iter().zip(f.corpus.passages()) {
        let pos: Vec<usize> = order
            .iter()
            .map(|k| {
                line.find(k)
                    .unwrap_or_else(|| panic!("{k} missing in {line}"))
            })
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "field order in {line}");
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        assert_eq!(v["doc"], p.doc.as_str());
        assert_eq!(v["text"], p.text.as_str());
        assert_eq!(
            v["passage_id"],
            format!("{}:{}-{}", p.doc, p.line_start, p.line_end).as_str()
        );
        let want_source = match p.doc.as_str() {
            "a_en.txt" | "b_zh.txt" => serde_json::json!("Outlet A"),
            "c_mixed.txt" => serde_json::json!("Outlet B"),
            _ => serde_json::Value::Null,
        };
        assert_eq!(v["source"], want_source, "{line}");
        if p.boilerplate {
            saw_boiler = true;
            assert!(v["boilerplate_kind"].is_string());
            let k = line.find("\"boilerplate_kind\":").expect("kind");
            assert!(pos[6] < k && k < pos[7]);
            assert!(v["theme"].is_null());
        } else {
            assert!(!line.contains("boilerplate_kind"));
        }
        assert!(v["stance"].is_object());
        assert!(v["stance"].get("openai").is_some() && v["stance"].get("china").is_some());
    }
    assert!(saw_boiler, "fixture should have boilerplate");
    let csv = std::fs::read_to_string(dir.join("passages.csv")).expect("csv");
    assert!(csv.starts_with("\u{feff}passage_id,doc,source,line_start,"));
    assert!(csv.contains("stance_openai_score"));
    assert!(csv.contains("\r\nd_undated.txt:1-1,d_undated.txt,,1,"));
    assert!(csv.contains(",c_mixed.txt,Outlet B,"));
    // Every passage id is unique.
    let ids: std::collections::BTreeSet<&str> = lines
        .iter()
        .map(|l| l.split('"').nth(3).expect("id"))
        .collect();
    assert_eq!(ids.len(), lines.len());
}

#[test]
fn stance_json_orders_themes_numerically_and_splits_dates() {
    let mut f = fixture();
    // Theme keys 2 and 10 and 1: numeric order is 1, 2, 10, other.
    for per in f.summary.by_theme.values_mut() {
        per.insert("10".into(), Aggregate::default());
        per.insert("2".into(), Aggregate::default());
    }
    let (_keep, dir) = out_dir("stance_json");
    write_report(&dir, &f.input(), &Params::default()).expect("report");
    let text = std::fs::read_to_string(dir.join("stance.json")).expect("stance.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let keys: Vec<&String> = v["by_theme"]["openai"]
        .as_object()
        .expect("by_theme")
        .keys()
        .collect();
    let nums: Vec<u64> = keys.iter().filter_map(|k| k.parse().ok()).collect();
    assert!(nums.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    assert!(nums.contains(&10) && nums.contains(&2), "{keys:?}");
    if let Some(p) = keys.iter().position(|k| k.parse::<u64>().is_err()) {
        assert!(
            keys[p..].iter().all(|k| k.parse::<u64>().is_err()),
            "{keys:?}"
        );
    }
    assert!(v.get("by_date").is_none());
    let day = v["by_day"]["openai"].as_object().expect("by_day");
    let month = v["by_month"]["openai"].as_object().expect("by_month");
    assert!(day.keys().all(|k| k.len() == 10), "{day:?}");
    assert!(month.keys().all(|k| k.len() == 7), "{month:?}");
    assert!(day.contains_key("2024-08-02") && month.contains_key("2023-11"));
    assert!(v["undated"]["openai"]["n"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn listings_count_repeated_passages_once_and_skip_boilerplate() {
    let f = fixture();
    let (_keep, dir) = out_dir("dedup");
    let params = Params {
        strongest_passages: 100,
        ..Params::default()
    };
    write_report(&dir, &f.input(), &params).expect("report");
    let md = std::fs::read_to_string(dir.join("summary.md")).expect("md");
    let section = md
        .split("## Strongest stance")
        .nth(1)
        .and_then(|s| s.split("## Documents").next())
        .expect("strongest section");
    let openai = section
        .split("### toward")
        .find(|s| s.starts_with(" OpenAI"))
        .expect("openai list");
    // The same sentence (punctuation aside) is in a_en.txt and d_undated.txt.
    assert_eq!(
        openai.matches("secrecy").count(),
        1,
        "repeated passage listed twice:\n{openai}"
    );
    assert!(!section.contains("Share this article") && !section.contains("责任编辑"));
    // Both copies are still in the data files and the explorer.
    let jsonl = std::fs::read_to_string(dir.join("passages.jsonl")).expect("jsonl");
    assert_eq!(jsonl.matches("criticised for secrecy").count(), 2);
}

#[test]
fn the_page_embeds_an_explorer_and_comparison_tables() {
    let f = fixture();
    let (_keep, dir) = out_dir("explorer");
    write_report(&dir, &f.input(), &Params::default()).expect("report");
    let html = std::fs::read_to_string(dir.join("index.html")).expect("html");
    let data = html
        .split("<script type=\"application/json\" id=\"sm-data\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .expect("embedded data");
    let v: serde_json::Value = serde_json::from_str(data).expect("embedded data is JSON");
    assert_eq!(v["total"].as_u64(), Some(f.corpus.n_passages() as u64));
    assert_eq!(v["shown"], v["total"]);
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), f.corpus.n_passages());
    let sources: Vec<&str> = v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(sources, vec!["Outlet A", "Outlet B", "(no source)"]);
    // A passage naming OpenAI marks the mention, and its evidence.
    let row = rows
        .iter()
        .find(|r| {
            r[6].as_str()
                .is_some_and(|t| t.starts_with("OpenAI was criticised"))
        })
        .expect("row");
    let st = row[7].as_array().expect("stance");
    let openai = st.iter().find(|s| s[0] == 1).expect("openai stance");
    assert_eq!(openai[4][0], serde_json::json!([0, 6]), "{openai}");
    assert!(!openai[3].as_array().expect("evidence").is_empty());
    // Cells of the comparison tables filter the explorer.
    assert!(
        html.contains("data-f=\"theme=0&amp;target=1\""),
        "no theme x target cell"
    );
    assert!(
        html.contains("data-f=\"source=1&amp;target=0\""),
        "no source cell"
    );
    assert!(html.contains("Stance by source") && html.contains("Theme share over time"));
    assert!(html.contains("id=\"explorer\"") && html.contains("data-explorer"));
    // Nothing is fetched: no script or style source, no fetch call.
    assert!(!html.contains("<script src") && !html.contains("fetch("));
    let md = std::fs::read_to_string(dir.join("summary.md")).expect("md");
    assert!(md.contains("Outlet B") && md.contains("Stance by theme and target"));
    assert!(md.contains("have no date"), "undated documents not said");
}

#[test]
fn output_is_deterministic() {
    let f = fixture();
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let wa = write_report(a.path(), &f.input(), &Params::default()).expect("a");
    let wb = write_report(b.path(), &f.input(), &Params::default()).expect("b");
    assert_eq!(wa, wb);
    for rel in &wa {
        let x = std::fs::read(a.path().join(rel)).expect("read a");
        let y = std::fs::read(b.path().join(rel)).expect("read b");
        assert!(x == y, "{} differs between two runs", rel.display());
    }
}

#[test]
fn later_stages_are_optional() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tmp");
    let input = ReportInput {
        n_tokens: None,
        themes: None,
        stance: None,
        ..f.input()
    };
    let written = write_report(dir.path(), &input, &Params::default()).expect("report");
    assert!(written.contains(&PathBuf::from("charts/corpus.png")));
    assert!(!dir.path().join("charts/themes.png").exists());
    assert!(!dir.path().join("themes.json").exists());
    assert!(dir.path().join("index.html").is_file() && dir.path().join("summary.md").is_file());
    let line = std::fs::read_to_string(dir.path().join("passages.jsonl")).expect("jsonl");
    assert!(line
        .lines()
        .next()
        .is_some_and(|l| l.ends_with("\"n_tokens\":null,\"theme\":null,\"stance\":null}")));

    // Themes without stance: theme charts appear, stance charts do not.
    let dir = tempfile::tempdir().expect("tmp");
    let input = ReportInput {
        stance: None,
        ..f.input()
    };
    write_report(dir.path(), &input, &Params::default()).expect("report");
    assert!(dir.path().join("charts/passage_map.svg").exists());
    assert!(!dir.path().join("charts/stance_trend.png").exists());
}

#[test]
fn mismatched_stage_outputs_are_an_error_not_a_panic() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tmp");
    let short = &f.n_tokens[1..];
    let input = ReportInput {
        n_tokens: Some(short),
        ..f.input()
    };
    match write_report(dir.path(), &input, &Params::default()) {
        Err(ReportError::Mismatch {
            found, expected, ..
        }) => assert_eq!(found + 1, expected),
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

#[test]
fn bad_evidence_offsets_and_odd_values_do_not_panic() {
    let mut f = fixture();
    for ps in &mut f.stance {
        for ts in ps.values_mut().flatten() {
            ts.evidence.push(Evidence {
                term: "x".into(),
                weight: 1.0,
                start: 10_000,
                end: 10_005,
                rule: "bad".into(),
            });
            ts.evidence.push(Evidence {
                term: "y".into(),
                weight: -1.0,
                start: 5,
                end: 2,
                rule: "bad".into(),
            });
            ts.score = f64::NAN;
        }
    }
    for c in &mut f.themes.coords {
        c[0] = f64::INFINITY;
    }
    let dir = tempfile::tempdir().expect("tmp");
    write_report(dir.path(), &f.input(), &Params::default()).expect("report");
}

#[test]
fn lang_order_is_the_contract() {
    assert_eq!(Lang::ALL, [Lang::En, Lang::Zh, Lang::Mixed]);
}

/// A chart that only draws one string, large.
struct Label(&'static str);

impl stancemap::report::charts::Chart for Label {
    fn name(&self) -> &'static str {
        "label"
    }
    fn title(&self) -> (&'static str, &'static str) {
        ("label", "标签")
    }
    fn caption(&self) -> String {
        String::new()
    }
    fn size(&self) -> (u32, u32) {
        (400, 100)
    }
    fn draw<DB: stancemap::report::charts::Surface>(
        &self,
        area: &plotters::drawing::DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
        use plotters::style::text_anchor::{HPos, VPos};
        use stancemap::report::charts::draw;
        draw::text(
            area,
            self.0,
            (20, 50),
            &draw::font(64.0),
            HPos::Left,
            VPos::Center,
        )
    }
}

fn inked(rgb: &[u8]) -> Vec<bool> {
    rgb.chunks(3).map(|p| p.iter().any(|&v| v < 200)).collect()
}

#[test]
fn chinese_glyphs_render_and_differ_from_the_missing_glyph_box() {
    use stancemap::report::charts::{render_rgb, render_svg};
    // U+E000 is private use: the face has no glyph for it, so it draws .notdef.
    let missing = inked(&render_rgb(&Label("\u{E000}")).expect("render"));
    for c in ["预", "训", "练", "开", "源", "模", "型"] {
        assert!(
            stancemap::report::fonts::has_glyph(c.chars().next().unwrap_or(' ')),
            "{c} not in the face"
        );
        let leaked: &'static str = Box::leak(c.to_string().into_boxed_str());
        let glyph = inked(&render_rgb(&Label(leaked)).expect("render"));
        let n_ink = glyph.iter().filter(|&&b| b).count();
        assert!(n_ink > 150, "{c}: only {n_ink} pixels drawn");
        let differ = glyph.iter().zip(&missing).filter(|(a, b)| a != b).count();
        assert!(
            differ * 3 > n_ink,
            "{c} draws like the missing-glyph box ({differ} pixels differ)"
        );
    }
    // Distinct characters draw distinct pixels (not one repeated box).
    let a = inked(&render_rgb(&Label("预训练")).expect("render"));
    let b = inked(&render_rgb(&Label("开源模")).expect("render"));
    assert!(a.iter().zip(&b).filter(|(x, y)| x != y).count() > 300);
    // SVG keeps the text as text, in the fallback family list.
    let svg = render_svg(&Label("预训练")).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("svg parses");
    let text = doc
        .descendants()
        .find(|n| n.has_tag_name("text"))
        .expect("a text element");
    assert_eq!(text.text().map(str::trim), Some("预训练"));
    assert!(text
        .attribute("font-family")
        .is_some_and(|f| f.starts_with("'WenQuanYi Micro Hei'")));
}

#[test]
fn latin_letters_keep_their_side_bearings() {
    use stancemap::report::charts::render_rgb;
    // "ll" drawn with bearings: the two stems are separated by a gap; drawn
    // without (plotters' own path), they touch or nearly so.
    let px = inked(&render_rgb(&Label("ll")).expect("render"));
    let (w, h) = (400usize, 100usize);
    let cols: Vec<bool> = (0..w).map(|x| (0..h).any(|y| px[y * w + x])).collect();
    let runs = cols.windows(2).filter(|p| p[0] && !p[1]).count();
    assert_eq!(runs, 2, "two separate stems expected");
    let first = cols.iter().position(|&b| b).unwrap_or(0);
    assert!(first > 20, "left bearing lost: ink starts at {first}");
}

/// Many documents, themes and targets: the charts still lay out (viewed by
/// eye with `STANCEMAP_REPORT_DIR`; here: they render at their sizes).
#[test]
fn many_themes_documents_and_targets_lay_out() {
    let params = stancemap::ingest::RawParams::default()
        .check()
        .expect("defaults");
    let sentences = [
        "OpenAI faces strong challengers and its growth is slowing, critics say.",
        "国产大模型进步很快,开发者欢迎开源的通义千问。",
        "Meta released open weights that developers praised.",
        "算力和芯片仍是瓶颈,出口管制带来压力。",
        "Chinese models such as Qwen improved quickly on benchmarks.",
        "OpenAI 的 GPT-5 发布后,业内担忧其预训练受挫。",
    ];
    let documents: Vec<_> = (0..40)
        .map(|d| {
            let text: String = (0..6)
                .map(|k| format!("{} ({d}-{k})\n", sentences[(d + k) % sentences.len()]))
                .collect();
            let meta = DocMeta {
                title: Some(format!("Article {d}")),
                date: (d % 9 != 0).then(|| {
                    format!(
                        "{}-{:02}-{:02}",
                        2023 + d / 15,
                        1 + (d * 7) % 12,
                        1 + (d * 5) % 28
                    )
                }),
                source: None,
                language: None,
            };
            stancemap::ingest::document_from_bytes(
                &format!("articles/2024/doc_{d:03}_with_a_long_name.txt"),
                text.as_bytes(),
                Some(meta),
                &params,
            )
            .expect("doc")
        })
        .collect();
    let corpus = Corpus {
        documents,
        skipped: Vec::new(),
    };
    let passages: Vec<_> = corpus.passages().cloned().collect();
    let k = 14u32;
    let assignment: Vec<Option<u32>> = (0..passages.len())
        .map(|i| {
            if i % 17 == 0 {
                None
            } else {
                Some((i as u32 * 7) % k)
            }
        })
        .collect();
    let coords = (0..passages.len())
        .map(|i| {
            let t = (i as f64 * 2.399).sin();
            [
                t * 0.5 + (i % k as usize) as f64 * 0.03,
                (i as f64 * 1.7).cos() * 0.4,
            ]
        })
        .collect();
    let themes = Themes {
        k: k as usize,
        silhouette: None,
        themes: (0..k)
            .map(|id| {
                let members: Vec<usize> = (0..passages.len()).filter(|&i| assignment[i] == Some(id)).collect();
                let mut by = BTreeMap::new();
                for &i in &members {
                    *by.entry(passages[i].lang).or_insert(0) += 1;
                }
                let ts = |w: &str| (0..10).map(|j| TermScore { term: format!("{w}{j}"), score: 10.0 - j as f64 }).collect();
                Theme {
                    id,
                    label: format!("theme number {id} about export controls and compute / 出口管制 · 算力 · 芯片 {id}"),
                    size: members.len(),
                    passages_by_lang: by,
                    top_terms_en: ts("internationalization"),
                    top_terms_zh: ts("国产大模型"),
                    representative: members.iter().take(3).map(|&i| PassageRef::from(&passages[i])).collect(),
                }
            })
            .collect(),
        other: OtherGroup {
            size: assignment.iter().filter(|a| a.is_none()).count(),
            ..Default::default()
        },
        assignment: assignment.clone(),
        coords,
        ..Default::default()
    };
    let targets = ["china", "meta", "openai"];
    let stance: Vec<PassageStance> = passages
        .iter()
        .map(|p| {
            targets
                .iter()
                .map(|t| {
                    (
                        t.to_string(),
                        stance_for(&p.text, if *t == "meta" { "china" } else { t }),
                    )
                })
                .collect()
        })
        .collect();
    let mut summary = StanceSummary {
        targets: [
            ("china", "Chinese models"),
            ("meta", "Meta (Llama)"),
            ("openai", "OpenAI"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        ..StanceSummary::default()
    };
    for t in targets {
        let mut by_theme: BTreeMap<String, Vec<(PassageRef, &TargetStance)>> = BTreeMap::new();
        let mut by_doc: BTreeMap<String, Vec<(PassageRef, &TargetStance)>> = BTreeMap::new();
        for (i, p) in passages.iter().enumerate() {
            if let Some(Some(ts)) = stance[i].get(t) {
                by_theme
                    .entry(assignment[i].map_or("other".into(), |a| a.to_string()))
                    .or_default()
                    .push((PassageRef::from(p), ts));
                by_doc
                    .entry(p.doc.clone())
                    .or_default()
                    .push((PassageRef::from(p), ts));
            }
        }
        summary.by_theme.insert(
            t.into(),
            by_theme
                .into_iter()
                .map(|(k, v)| (k, aggregate(&v)))
                .collect(),
        );
        summary.by_document.insert(
            t.into(),
            by_doc
                .into_iter()
                .map(|(k, v)| (k, aggregate(&v)))
                .collect(),
        );
    }
    let n_tokens: Vec<u32> = passages.iter().map(|_| 9).collect();
    let input = ReportInput {
        corpus: &corpus,
        n_tokens: Some(&n_tokens),
        themes: Some(&themes),
        stance: Some(StanceInput {
            passages: &stance,
            summary: &summary,
        }),
    };
    let (_keep, dir) = out_dir("stress");
    write_report(&dir, &input, &Params::default()).expect("report");
    for chart in CHARTS {
        let (w, h, px) = decode_png(&dir.join("charts").join(format!("{chart}.png")));
        assert_eq!(w, 1200);
        assert!(h >= 320, "{chart}");
        assert!(
            px.iter().filter(|p| ink(p)).count() * 50 > px.len(),
            "{chart} nearly blank"
        );
    }
}
