//! `stancemap score` on passages written the way articles on the model race
//! are (issue #16): one test per capability, in English and Chinese. The
//! passages are written for these tests, not taken from any labelled set.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The stance JSON of `text` (and its document title).
fn score(text: &str, title: Option<&str>) -> Value {
    let mut args = vec!["score"];
    if let Some(t) = title {
        args.extend(["--title", t]);
    }
    args.push("-");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(&args)
        .current_dir(common::repo())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the stancemap binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    serde_json::from_slice(&out.stdout).expect("score prints JSON")
}

/// `favor` / `neutral` / `against`, or `none` when the passage does not
/// concern the target.
fn label(v: &Value, target: &str) -> String {
    match &v[target] {
        Value::Null => "none".into(),
        s => s["label"].as_str().unwrap_or("?").to_string(),
    }
}

fn rules(v: &Value, target: &str) -> Vec<String> {
    v[target]["evidence"]
        .as_array()
        .map(|ev| {
            ev.iter()
                .map(|e| e["rule"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn terms(v: &Value, target: &str) -> Vec<String> {
    v[target]["evidence"]
        .as_array()
        .map(|ev| {
            ev.iter()
                .map(|e| e["term"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn check(text: &str, title: Option<&str>, openai: &str, china: &str) -> Value {
    let v = score(text, title);
    assert_eq!(
        (label(&v, "openai").as_str(), label(&v, "china").as_str()),
        (openai, china),
        "{text}\n{v:#}"
    );
    v
}

#[test]
fn coverage_multiword_expressions_of_the_field() {
    // momentum and standing
    check("Kimi K2 took the market by storm.", None, "none", "favor");
    check("今年豆包异军突起，在国内独占鳌头。", None, "none", "favor");
    // trouble and decline, money
    check(
        "OpenAI keeps burning cash amid a talent exodus.",
        None,
        "against",
        "none",
    );
    check("文心一言跌落神坛，用户流失严重。", None, "none", "against");
}

#[test]
fn comparisons_cost_parity_switching_and_a_standard_named_before() {
    let v = check(
        "DeepSeek-R1 does it at a fraction of the cost of OpenAI's o1.",
        None,
        "against",
        "favor",
    );
    assert!(
        rules(&v, "china")[0].starts_with("relation:subject"),
        "{v:#}"
    );
    check("国产大模型已经可以比肩GPT-4。", None, "neutral", "favor");
    check(
        "Many startups ditched ChatGPT for Qwen.",
        None,
        "against",
        "favor",
    );
    check(
        "不少开发者从ChatGPT转向DeepSeek。",
        None,
        "against",
        "favor",
    );
    // The standard of the comparison is in the sentence before.
    let v = check(
        "OpenAI set the bar with o1. Now DeepSeek has caught up.",
        None,
        "against",
        "favor",
    );
    assert!(
        rules(&v, "openai")
            .iter()
            .any(|r| r.contains("relation:object") && r.contains("carried")),
        "{v:#}"
    );
}

#[test]
fn roles_gap_direction_relation_nouns_coordination_and_anaphora() {
    check(
        "国产大模型与GPT-4的差距正在缩小。",
        None,
        "against",
        "favor",
    );
    check(
        "国产大模型与GPT-4的差距正在扩大。",
        None,
        "favor",
        "against",
    );
    check(
        "DeepSeek is now a real threat to OpenAI.",
        None,
        "against",
        "favor",
    );
    // Coordinated targets share what is said of them.
    check(
        "ChatGPT and Qwen are both powerful.",
        None,
        "favor",
        "favor",
    );
    check("ChatGPT和通义千问都很强大。", None, "favor", "favor");
    // "The startup" / 该公司 with no target named: the title's.
    let title = "DeepSeek unveils its newest reasoning model";
    check(
        "The startup has taken the market by storm.",
        Some(title),
        "none",
        "favor",
    );
    check(
        "The startup has taken the market by storm.",
        None,
        "none",
        "none",
    );
    check(
        "该公司的用户量激增，势头强劲。",
        Some("智谱发布新模型"),
        "none",
        "favor",
    );
}

#[test]
fn traditional_script_matches_with_offsets_into_the_original() {
    let text = "國產大模型與GPT-4的差距正在縮小。";
    let v = check(text, None, "against", "favor");
    let chars: Vec<char> = text.chars().collect();
    for t in ["openai", "china"] {
        for e in v[t]["evidence"].as_array().unwrap() {
            let (s, end) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            let slice: String = chars[s..end].iter().collect();
            assert_eq!(slice, e["term"].as_str().unwrap(), "{v:#}");
        }
    }
    assert!(terms(&v, "china").iter().any(|t| t == "差距"), "{v:#}");
    check("文心一言跌落神壇，用戶流失嚴重。", None, "none", "against");
}

#[test]
fn frames_past_states_conditions_and_not_only_but_also() {
    check("OpenAI is the clear leader.", None, "favor", "none");
    let v = check("OpenAI was once the clear leader.", None, "against", "none");
    assert!(
        rules(&v, "openai").iter().any(|r| r.contains("past")),
        "{v:#}"
    );
    check(
        "文心一言一度是国内大模型的领头羊。",
        None,
        "none",
        "against",
    );
    let v = check(
        "Qwen is not only cheap but also powerful.",
        None,
        "none",
        "favor",
    );
    assert!(
        !rules(&v, "china").iter().any(|r| r.contains("contrast")),
        "{v:#}"
    );
    let v = score("If DeepSeek keeps its momentum, it will lead.", None);
    let strong = score("DeepSeek keeps its momentum and will lead.", None);
    assert!(
        v["china"]["score"].as_f64().unwrap() < strong["china"]["score"].as_f64().unwrap(),
        "{v:#}\n{strong:#}"
    );
}

#[test]
fn detection_precision_country_is_not_its_models() {
    check(
        "China's oil imports rose sharply in May.",
        None,
        "none",
        "none",
    );
    check("中国队在昨晚的比赛中表现出色。", None, "none", "none");
    check(
        "Baidu shares fell 3% in Hong Kong trading.",
        None,
        "none",
        "none",
    );
    check(
        "These open ai tools let anyone build a website.",
        None,
        "none",
        "none",
    );
    // The same words in a passage about AI, or under a title about AI.
    check(
        "China's AI models are catching up fast.",
        None,
        "none",
        "favor",
    );
    check(
        "Baidu shares fell 3% in Hong Kong trading.",
        Some("Baidu's ERNIE chatbot disappoints"),
        "none",
        "against",
    );
    // New products and group references.
    check(
        "gpt-oss and o3 were released this year.",
        None,
        "neutral",
        "none",
    );
    check(
        "Chinese labs released Qwen3 and GLM-4.5.",
        None,
        "none",
        "neutral",
    );
}

#[test]
fn noise_general_words_and_measures() {
    let v = check(
        "DeepSeek's app is smart and intelligent.",
        None,
        "none",
        "neutral",
    );
    assert!(terms(&v, "china").is_empty(), "{v:#}");
    let v = check("通义千问已接入多款智能手机。", None, "none", "neutral");
    assert!(terms(&v, "china").is_empty(), "{v:#}");
    let v = check(
        "DeepSeek was founded less than two years ago.",
        None,
        "none",
        "neutral",
    );
    assert!(terms(&v, "china").is_empty(), "{v:#}");
    let v = check("DeepSeek成立不到两年。", None, "none", "neutral");
    assert!(terms(&v, "china").is_empty(), "{v:#}");
}
