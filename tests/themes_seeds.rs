//! Themes on the seed articles (shipped in the repo): the Chinese GPT-5
//! article must share themes with English passages, and speaker lines and
//! bylines must not make themes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use stancemap::config::RawConfig;
use stancemap::featurize::Featurizer;
use stancemap::themes::{find_themes, Themes};
use stancemap::{ingest, Corpus, Lang, Passage};

fn run(seed: u64) -> (Corpus, Themes) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = RawConfig::default().check(root).unwrap();
    let corpus = ingest::ingest(&root.join("seeds"), &config.ingest).unwrap();
    let passages: Vec<&Passage> = corpus.passages().collect();
    let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
    let in_df: Vec<bool> = passages.iter().map(|p| !p.boilerplate).collect();
    let features = Featurizer::new(&config.featurize)
        .unwrap()
        .featurize(&texts, &in_df);
    let themes = find_themes(&passages, &features, &config.themes, seed).unwrap();
    (corpus, themes)
}

/// The default run (seed 42), shared by the tests.
static DEFAULT: LazyLock<(Corpus, Themes)> = LazyLock::new(|| run(42));

/// Of the Chinese GPT-5 article's clustered passages: how many, how many
/// share a theme with 3+ English passages, and how many English passages
/// naming OpenAI share the Chinese passages' themes.
fn beside_english(corpus: &Corpus, themes: &Themes) -> (usize, usize, usize) {
    let passages: Vec<&Passage> = corpus.passages().collect();
    let mut langs: BTreeMap<u32, BTreeMap<Lang, usize>> = BTreeMap::new();
    for (p, t) in passages.iter().zip(&themes.assignment) {
        if let Some(t) = t {
            *langs.entry(*t).or_default().entry(p.lang).or_default() += 1;
        }
    }
    let zh: Vec<u32> = passages
        .iter()
        .zip(&themes.assignment)
        .filter(|(p, _)| p.lang == Lang::Zh && p.doc.starts_with("003_"))
        .filter_map(|(_, t)| *t)
        .collect();
    let beside = zh
        .iter()
        .filter(|t| langs[t].get(&Lang::En).copied().unwrap_or(0) >= 3)
        .count();
    let zh_themes: BTreeSet<u32> = zh.iter().copied().collect();
    let openai_en = passages
        .iter()
        .zip(&themes.assignment)
        .filter(|(p, t)| {
            p.lang == Lang::En
                && t.is_some_and(|t| zh_themes.contains(&t))
                && p.text.contains("OpenAI")
        })
        .count();
    (zh.len(), beside, openai_en)
}

/// The nightly run (seed 42) and nine in ten other seeds: at least 80% of
/// the Chinese GPT-5 passages share a theme with English ones, among them
/// English passages about OpenAI. k-means on 150 passages has local optima
/// in which the Chinese passages form a theme of their own; one seed alone
/// would test the seed, not the bridge (without the glossary, 1 seed in 30
/// passes).
#[test]
fn chinese_gpt5_passages_share_themes_with_english_ones() {
    let (corpus, _) = &*DEFAULT;
    let mut passed = Vec::new();
    let mut report = Vec::new();
    for seed in [42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] {
        let themes = if seed == 42 {
            DEFAULT.1.clone()
        } else {
            run(seed).1
        };
        let (zh, beside, openai_en) = beside_english(corpus, &themes);
        assert!(zh >= 10, "seed {seed}: {zh} Chinese passages clustered");
        let ok = beside * 10 >= zh * 8 && openai_en >= 3;
        report.push(format!(
            "seed {seed}: {beside}/{zh} beside English, {openai_en} English OpenAI passages"
        ));
        if ok {
            passed.push(seed);
        }
    }
    assert!(passed.contains(&42), "the nightly run: {report:#?}");
    assert!(passed.len() >= 10, "{report:#?}");
}

#[test]
fn speaker_lines_and_bylines_are_not_themes() {
    let (corpus, themes) = &*DEFAULT;
    let passages: Vec<&Passage> = corpus.passages().collect();
    // Every boilerplate passage is in the other group.
    for (p, t) in passages.iter().zip(&themes.assignment) {
        if p.boilerplate {
            assert_eq!(
                *t, None,
                "{}:{} {:?}",
                p.doc, p.line_start, p.boilerplate_kind
            );
        }
    }
    // No theme is labelled by the speakers' names: the capitalised words of
    // the speaker lines (before the first comma) never lead a label.
    let names: BTreeSet<String> = passages
        .iter()
        .filter(|p| p.boilerplate_kind.as_deref() == Some("speaker"))
        .flat_map(|p| {
            p.text
                .split(',')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!names.is_empty(), "the seeds have speaker lines");
    for t in &themes.themes {
        let first = t
            .label
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_lowercase();
        assert!(
            !names.contains(&first),
            "theme {} {:?} is led by a name",
            t.id,
            t.label
        );
        let top: Vec<String> = t
            .top_terms_en
            .iter()
            .take(3)
            .map(|s| s.term.to_lowercase())
            .collect();
        let named = top.iter().filter(|w| names.contains(*w)).count();
        assert!(
            named < 2,
            "theme {} {:?}: top terms {top:?} are names",
            t.id,
            t.label
        );
    }
    assert!(
        themes
            .other
            .by_reason
            .get("boilerplate")
            .copied()
            .unwrap_or(0)
            > 0
    );
    // Labels carry both languages somewhere.
    assert!(themes.themes.iter().any(|t| !t.top_terms_zh.is_empty()));
}

#[test]
fn themes_are_deterministic() {
    let a = &DEFAULT.1;
    let (_, b) = run(42);
    assert_eq!(*a, b);
    assert_eq!(a.assignment, b.assignment);
    assert_eq!(a.coords, b.coords);
}
