//! Behaviour of the whole scorer: relations in both languages, rules,
//! evidence offsets, the command and determinism. No test reads data outside
//! the repository.

use std::path::Path;

use super::*;

fn scorer() -> Scorer {
    Scorer::new(&Params::default()).unwrap()
}

fn get(s: &PassageStance, t: &str) -> Option<TargetStance> {
    s.get(t).cloned().flatten()
}

fn score(text: &str, t: &str) -> f64 {
    get(&scorer().score(text), t).map_or(f64::NAN, |x| x.score)
}

fn label(text: &str, t: &str) -> Option<StanceLabel> {
    get(&scorer().score(text), t).map(|x| x.label)
}

#[test]
fn the_issue_examples_hold_two_opposite_stances() {
    for text in [
        "China-made LLMs lag far behind ChatGPT",
        "国产大模型远远落后于ChatGPT",
        "Domestic large models are still behind OpenAI.",
        "中国厂商的模型不及GPT-4。",
    ] {
        assert_eq!(label(text, "china"), Some(StanceLabel::Against), "{text}");
        assert_eq!(label(text, "openai"), Some(StanceLabel::Favor), "{text}");
    }
}

#[test]
fn relations_in_both_directions_and_languages() {
    for text in [
        "Qwen surpasses GPT-4o on Chinese benchmarks.",
        "DeepSeek is ahead of OpenAI in cost.",
        "文心一言在中文理解上超越了ChatGPT。",
        "通义千问领先GPT-4。",
        "ChatGPT lags behind DeepSeek.",
        "OpenAI 落后于深度求索。",
        "通义千问已实现对GPT系列的局部超越",
    ] {
        assert!(score(text, "china") > 0.0, "china in {text}");
        assert!(score(text, "openai") < 0.0, "openai in {text}");
    }
}

#[test]
fn passive_swaps_roles() {
    for text in [
        "OpenAI was overtaken by DeepSeek.",
        "OpenAI 被 DeepSeek 超越。",
    ] {
        assert!(score(text, "openai") < 0.0, "{text}");
        assert!(score(text, "china") > 0.0, "{text}");
    }
    assert!(score("OpenAI will be dethroned.", "openai") < 0.0);
}

#[test]
fn gaps_widen_and_narrow() {
    let w = scorer().score("The gap between domestic models and OpenAI is widening.");
    assert!(get(&w, "china").unwrap().score < 0.0);
    assert!(get(&w, "openai").unwrap().score > 0.0);
    let n = scorer().score("国产大模型与OpenAI的差距正在缩小。");
    assert!(get(&n, "china").unwrap().score > 0.0);
    assert!(get(&n, "openai").unwrap().score < 0.0);
    // One target introduced by "with": the second party.
    assert!(score("Our gap with OpenAI keeps growing.", "openai") > 0.0);
}

#[test]
fn negation_flips_and_damps() {
    let plain = score("Qwen surpasses ChatGPT.", "china");
    let negated = score("Qwen does not surpass ChatGPT.", "china");
    assert!(
        negated < 0.0 && negated.abs() < plain.abs(),
        "{plain} {negated}"
    );
    assert!(score("国产大模型并未落后于OpenAI。", "china") > 0.0);
    assert!(score("GPT-5未能实现突破。", "openai") < 0.0);
    // "not only" is not a negation.
    assert!(score("Qwen is not only fast but powerful.", "china") > 0.0);
}

#[test]
fn contrast_weighs_what_follows() {
    assert!(score("ERNIE is powerful, but it hallucinates a lot.", "china") < 0.0);
    assert!(score("ERNIE hallucinates, but it is powerful.", "china") > 0.0);
    assert!(score("文心一言有幻觉,但是非常强大。", "china") > 0.0);
}

#[test]
fn hedges_questions_and_degree_scale() {
    let base = score("OpenAI lags behind.", "openai");
    assert!(score("OpenAI may lag behind.", "openai").abs() < base.abs());
    assert!(score("Does OpenAI lag behind?", "openai").abs() < base.abs());
    assert!(
        score("ChatGPT is very powerful.", "openai")
            > score("ChatGPT is slightly powerful.", "openai")
    );
    // "May 30" is a date, not a hedge.
    assert_eq!(
        score("May 30 -- OpenAI lags behind.", "openai"),
        score("June 30 -- OpenAI lags behind.", "openai")
    );
}

#[test]
fn loss_and_fix_verbs_flip_what_they_act_on() {
    assert!(score("OpenAI's lead is eroding.", "openai") < 0.0);
    assert!(score("OpenAI的领先优势正在消解。", "openai") < 0.0);
    assert!(score("智谱AI攻克了推理瓶颈。", "china") > 0.0);
    assert!(score("对手难以撼动OpenAI的主导地位。", "openai") > 0.0);
}

#[test]
fn polarity_attaches_to_the_target_it_speaks_of() {
    let s = scorer().score("OpenAI faces a bottleneck. Meanwhile, Kimi is thriving.");
    assert!(get(&s, "openai").unwrap().score < 0.0);
    assert!(get(&s, "china").unwrap().score > 0.0);
    // Another player takes its own praise and blame.
    let s = scorer().score("Anthropic surpasses OpenAI, and Google is thriving.");
    assert!(get(&s, "openai").unwrap().score < 0.0);
    assert!(get(&s, "china").is_none());
    // Chinese drops subjects: the topic carries to the next sentence.
    assert!(score("OpenAI发布了GPT-5。研发进程陷入停滞。", "openai") < 0.0);
}

#[test]
fn not_concerned_is_null_and_concerned_without_evidence_is_neutral() {
    let s = scorer().score("The weather in Paris is lovely.");
    assert_eq!(s.len(), 2);
    assert!(s.values().all(Option::is_none));
    let s = scorer().score("OpenAI announced a developer conference.");
    let o = get(&s, "openai").unwrap();
    assert_eq!(
        (o.score, o.label, o.evidence.len()),
        (0.0, StanceLabel::Neutral, 0)
    );
    assert!(get(&s, "china").is_none());
}

#[test]
fn evidence_offsets_are_character_offsets_of_the_term() {
    let text = "😀 «国产大模型»远远落后于ChatGPT, but Qwen’s progress is rapid; OpenAI 停滞了?";
    let s = scorer().score(text);
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    for t in s.values().flatten() {
        for e in &t.evidence {
            let slice: String = chars[e.start..e.end].iter().collect();
            assert_eq!(slice, e.term);
            n += 1;
        }
        assert!((-1.0..=1.0).contains(&t.score));
    }
    assert!(n >= 3);
}

#[test]
fn scores_are_deterministic_and_the_scorer_is_shareable() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<Scorer>();
    let sc = scorer();
    let text = "国产大模型正在追赶OpenAI, but GPT-5 stagnates while DeepSeek surpasses it.";
    let a = serde_json::to_string(&sc.score(text)).unwrap();
    let b = std::thread::scope(|s| {
        s.spawn(|| serde_json::to_string(&sc.score(text)).unwrap())
            .join()
            .unwrap()
    });
    assert_eq!(a, b);
}

#[test]
fn long_single_line_passages_stay_linear() {
    let unit = "China-made LLMs lag far behind ChatGPT, 但国产大模型正在快速追赶OpenAI。 ";
    let text = unit.repeat(4000);
    let s = scorer().score(&text);
    assert!(get(&s, "china").unwrap().evidence.len() >= 4000);
    let nopunct = "abc 国产大模型 ".repeat(20000);
    let s = scorer().score(&nopunct);
    assert!(get(&s, "china").is_some());
}

#[test]
fn score_command_filters_and_names_known_targets() {
    let p = Params::default();
    let v = score_command(&p, None, None, "China-made LLMs lag far behind ChatGPT").unwrap();
    assert_eq!(v["china"]["label"], "against");
    assert_eq!(v["openai"]["label"], "favor");
    assert_eq!(v["china"]["evidence"][0]["rule"], "relation:subject");
    let v = score_command(&p, Some("openai"), None, "国产大模型远远落后于ChatGPT").unwrap();
    assert_eq!(v.as_object().unwrap().len(), 1);
    assert_eq!(v["openai"]["label"], "favor");
    let e = score_command(&p, Some("nvidia"), None, "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("nvidia") && e.contains("openai, china"), "{e}");
}

#[test]
fn user_targets_score_without_code() {
    let raw: RawParams = toml::from_str(
        r#"targets = [{ id = "nvidia", name = "Nvidia", aliases_en = ["Nvidia"], aliases_zh = ["英伟达"] }]"#,
    )
    .unwrap();
    let sc = Scorer::new(&raw.check(Path::new(".")).unwrap()).unwrap();
    let s = sc.score("英伟达的领先优势正在被削弱, and Nvidia lags behind.");
    assert!(s["nvidia"].as_ref().unwrap().score < 0.0);
}

#[test]
fn shipped_lexicons_parse() {
    assert!(
        lexicon::parse_tsv(DOMAIN_LEXICON, lexicon::Source::Domain)
            .unwrap()
            .len()
            > 250
    );
    assert!(
        lexicon::parse_tsv(RULES_LEXICON, lexicon::Source::Domain)
            .unwrap()
            .len()
            > 150
    );
    assert!(
        lexicon::parse_tsv(GENERAL_ZH_LEXICON, lexicon::Source::General)
            .unwrap()
            .len()
            > 100
    );
    assert!(lexicon::parse_vader(VADER_LEXICON).unwrap().len() > 7000);
}

#[test]
fn seeds_get_stance_for_both_targets_with_evidence() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ingest = crate::ingest::RawParams::default().check().unwrap();
    let corpus = crate::ingest::ingest(&root.join("seeds"), &ingest).unwrap();
    let sc = scorer();
    let stances = score_corpus(&sc, &corpus);
    assert_eq!(stances.len(), corpus.n_passages());
    for t in ["openai", "china"] {
        let with_evidence = stances
            .iter()
            .filter_map(|s| s[t].as_ref())
            .filter(|s| !s.evidence.is_empty())
            .count();
        assert!(with_evidence > 10, "{t}: {with_evidence}");
    }
    let themes: Vec<Option<u32>> = (0..corpus.n_passages())
        .map(|i| Some((i % 3) as u32))
        .collect();
    let (again, sum) = run_stage(
        &Scorer::new(&Params::default()).unwrap(),
        &corpus,
        Some(&themes),
    );
    assert_eq!(again, stances);

    assert!(sum.by_date["china"].contains_key("2023-05-30"));
    assert_eq!(sum.by_document["openai"].len(), 5);
    assert_eq!(sum.by_theme["openai"].len(), 3);
    let n: usize = sum.by_theme["china"].values().map(|a| a.n).sum();
    assert_eq!(n, stances.iter().filter(|s| s["china"].is_some()).count());
}

#[test]
fn clause_negators_reach_long_phrases() {
    // 而非 / rather than deny the whole phrase that follows.
    assert!(score("GPT-5源于工程优化,而非算法层面的根本突破。", "openai") < 0.0);
    assert!(
        score(
            "OpenAI offers incremental tuning rather than a genuine breakthrough.",
            "openai"
        ) < 0.0
    );
    assert!(score("It is hard to challenge OpenAI.", "openai") > 0.0);
}

#[test]
fn roles_from_nominals_pronouns_and_gap_parties() {
    // "the catching-up of X": X is the subject.
    assert!(
        score(
            "The rapid catching-up of domestic models surprised analysts.",
            "china"
        ) > 0.0
    );
    // A pronoun right after the term is its object; one further away is not.
    let s = scorer().score("OpenAI leads the market. Now DeepSeek seems poised to surpass it.");
    assert!(get(&s, "china").unwrap().score > 0.0);
    // A target merely near a gap noun is not a party to it.
    let s = scorer().score("It is hard to measure the gap as OpenAI keeps shipping.");
    assert!(get(&s, "openai")
        .unwrap()
        .evidence
        .iter()
        .all(|e| !e.rule.starts_with("gap")));
}

#[test]
fn loss_verbs_with_an_object_do_not_reach_back() {
    // 动摇 acts on what follows it (an unlisted 根基), not on 崛起 before it.
    assert!(score("通义千问的崛起动摇了闭源模式的根基。", "china") > 0.0);
    assert!(score("OpenAI's lead is eroding fast.", "openai") < 0.0);
}

#[test]
fn coordinated_names_share_a_role() {
    let s = scorer().score("Google and Qwen surpass GPT-4.");
    assert!(get(&s, "china").unwrap().score > 0.0);
    assert!(get(&s, "openai").unwrap().score < 0.0);
    assert!(score("谷歌、百度和智谱AI纷纷超越了OpenAI。", "china") > 0.0);
}

#[test]
fn mood_words_stay_in_their_clause() {
    let s =
        scorer().score("OpenAI released a model, and the weather was lovely. Prices are awful.");
    assert!(get(&s, "openai").unwrap().evidence.is_empty());
    // Domain terms still reach the sentence's target.
    assert!(score("OpenAI released GPT-5, and progress stalled.", "openai") < 0.0);
}
