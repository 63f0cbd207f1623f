//! find_themes on small hand-made bilingual feature matrices.

use super::*;
use crate::featurize::{Features, Term};

fn term(key: &str, en: Option<&str>, zh: Option<&str>) -> Term {
    Term {
        key: key.into(),
        en: en.map(Into::into),
        zh: zh.map(Into::into),
    }
}

fn passage(i: usize, lang: Lang, boilerplate: bool) -> Passage {
    Passage {
        doc: format!("doc{}.txt", i % 3),
        line_start: i as u32 + 1,
        line_end: i as u32 + 1,
        lang,
        boilerplate,
        boilerplate_kind: boilerplate.then(|| "speaker".to_string()),
        text: format!("passage {i}"),
    }
}

/// Columns, sorted by key as the featurizer sorts them.
fn terms() -> Vec<Term> {
    vec![
        term("@chips", Some("chips"), Some("芯片")),
        term("@pretraining", Some("pretraining"), Some("预训练")),
        term("chen", Some("Chen"), None),
        term("compute", Some("compute"), None),
        term("export", Some("export"), None),
        term("gpt-5", Some("GPT-5"), Some("GPT-5")),
        term("nvidia", Some("Nvidia"), None),
        term("scale", Some("scale"), None),
        term("国产", None, Some("国产")),
        term("瓶颈", None, Some("瓶颈")),
        term("禁令", None, Some("禁令")),
        term("受挫", None, Some("受挫")),
    ]
}

/// Topic A (pretraining troubles) and topic B (chips), each written in both
/// languages; the languages share only the bridged concepts and `gpt-5`.
/// Rows: 8 x (A en), 8 x (A zh), 8 x (B en), 8 x (B zh), then two speaker
/// lines (boilerplate) and a heading with one content token.
fn corpus() -> (Vec<Passage>, Features, Vec<usize>) {
    let a_en = [(1, 1.0), (3, 1.0), (5, 0.7), (7, 1.0)];
    let a_zh = [(1, 1.0), (5, 0.7), (9, 1.0), (11, 1.0)];
    let b_en = [(0, 1.0), (4, 1.0), (6, 1.0)];
    let b_zh = [(0, 1.0), (8, 1.0), (10, 1.0)];
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut passages = Vec::new();
    let mut truth = Vec::new();
    for (topic, lang, base) in [
        (0, Lang::En, &a_en[..]),
        (0, Lang::Zh, &a_zh[..]),
        (1, Lang::En, &b_en[..]),
        (1, Lang::Zh, &b_zh[..]),
    ] {
        for v in 0..8 {
            // Each passage drops one of its words, in turn, and weighs the rest a little differently.
            let row: Vec<(usize, f64)> = base
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != v % base.len() || v >= base.len())
                .map(|(i, &(j, w))| (j, w * (1.0 + 0.1 * ((i + v) % 3) as f64)))
                .collect();
            rows.push(row);
            passages.push(passage(passages.len(), lang, false));
            truth.push(topic);
        }
    }
    rows.push(vec![(2, 1.0)]);
    passages.push(passage(passages.len(), Lang::En, true));
    rows.push(vec![(2, 1.0), (3, 0.2)]);
    passages.push(passage(passages.len(), Lang::En, true));
    rows.push(vec![(5, 1.0)]);
    passages.push(passage(passages.len(), Lang::En, false));

    let mut t = sprs::TriMatI::<f32, u32>::new((rows.len(), terms().len()));
    let mut n_tokens = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let norm = row.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        for &(j, w) in row {
            t.add_triplet(i, j, (w / norm) as f32);
        }
        n_tokens.push(if i == rows.len() - 1 { 1 } else { 6 });
    }
    let features = Features {
        terms: terms(),
        matrix: t.to_csr(),
        n_tokens,
        df: vec![1; terms().len()],
        n_keys_seen: terms().len(),
    };
    (passages, features, truth)
}

fn params() -> Params {
    Params {
        k: Some(2),
        n_components: 6,
        ..Params::default()
    }
}

#[test]
fn themes_follow_subject_not_language() {
    let (passages, features, truth) = corpus();
    let refs: Vec<&Passage> = passages.iter().collect();
    let t = find_themes(&refs, &features, &params(), 42).unwrap();
    assert_eq!(t.k, 2);
    let got: Vec<usize> = t.assignment[..32]
        .iter()
        .map(|a| a.expect("content passage has a theme") as usize)
        .collect();
    assert_eq!(eval::nmi(&got, &truth), 1.0, "{got:?}");
    for theme in &t.themes {
        assert_eq!(theme.passages_by_lang.get(&Lang::En), Some(&8));
        assert_eq!(theme.passages_by_lang.get(&Lang::Zh), Some(&8));
        assert_eq!(theme.representative.len(), 3);
    }
    // Labels in both languages.
    let labels: Vec<&str> = t.themes.iter().map(|t| t.label.as_str()).collect();
    assert!(
        labels.iter().any(|l| l.starts_with("pretraining / 预训练")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|l| l.starts_with("chips / 芯片")),
        "{labels:?}"
    );
    let chips = t
        .themes
        .iter()
        .find(|t| t.label.starts_with("chips"))
        .unwrap();
    let zh: Vec<&str> = chips.top_terms_zh.iter().map(|s| s.term.as_str()).collect();
    assert!(zh.contains(&"国产") && zh.contains(&"禁令"), "{zh:?}");
}

#[test]
fn speaker_lines_and_headings_go_to_other() {
    let (passages, features, _) = corpus();
    let refs: Vec<&Passage> = passages.iter().collect();
    let t = find_themes(&refs, &features, &params(), 42).unwrap();
    assert_eq!(&t.assignment[32..], &[None, None, None]);
    assert_eq!(t.other.size, 3);
    assert_eq!(t.other.by_reason.get("boilerplate"), Some(&2));
    assert_eq!(t.other.by_reason.get("few_content_tokens"), Some(&1));
    // No theme label mentions the speaker's name.
    assert!(t.themes.iter().all(|th| !th.label.contains("Chen")));
    // Every passage has map coordinates, set aside or not.
    assert_eq!(t.coords.len(), passages.len());
    assert!(t
        .coords
        .iter()
        .all(|c| c[0].is_finite() && c[1].is_finite()));
}

#[test]
fn k_is_chosen_by_silhouette_when_not_fixed() {
    let (passages, features, truth) = corpus();
    let refs: Vec<&Passage> = passages.iter().collect();
    let p = Params {
        k: None,
        k_min: 2,
        k_max: 6,
        ..params()
    };
    let t = find_themes(&refs, &features, &p, 7).unwrap();
    assert!(t.silhouette.is_some());
    assert_eq!(t.silhouette_by_k.len(), 5);
    let got: Vec<usize> = t.assignment[..32]
        .iter()
        .map(|a| a.map_or(99, |x| x as usize))
        .collect();
    // Whatever k wins, no theme mixes the two subjects.
    for id in 0..t.k {
        let topics: std::collections::BTreeSet<usize> = got
            .iter()
            .zip(&truth)
            .filter(|(g, _)| **g == id)
            .map(|(_, &t)| t)
            .collect();
        assert_eq!(topics.len(), 1, "theme {id} mixes subjects: {got:?}");
    }
}

#[test]
fn same_themes_whatever_the_thread_count() {
    let (passages, features, _) = corpus();
    let refs: Vec<&Passage> = passages.iter().collect();
    let p = Params {
        k: None,
        ..params()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| find_themes(&refs, &features, &p, 3).unwrap())
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one, four);
    assert_eq!(one.assignment, four.assignment);
    assert_eq!(one.coords, four.coords);
}

#[test]
fn all_boilerplate_gives_no_themes_and_a_note() {
    let (mut passages, features, _) = corpus();
    for p in &mut passages {
        p.boilerplate = true;
    }
    let refs: Vec<&Passage> = passages.iter().collect();
    let t = find_themes(&refs, &features, &params(), 1).unwrap();
    assert!(t.themes.is_empty());
    assert_eq!(t.k, 0);
    assert_eq!(t.other.size, passages.len());
    assert!(t.note.is_some());
    assert!(t.assignment.iter().all(Option::is_none));
}

#[test]
fn empty_vocabulary_and_empty_corpus_give_no_themes() {
    let passages: Vec<Passage> = (0..4).map(|i| passage(i, Lang::En, false)).collect();
    let refs: Vec<&Passage> = passages.iter().collect();
    let features = Features {
        terms: Vec::new(),
        matrix: stancemap_matrix_zero((4, 0)),
        n_tokens: vec![5; 4],
        df: Vec::new(),
        n_keys_seen: 0,
    };
    let t = find_themes(&refs, &features, &params(), 1).unwrap();
    assert!(t.themes.is_empty());
    assert_eq!(t.other.size, 4);

    let none = Features {
        terms: Vec::new(),
        matrix: stancemap_matrix_zero((0, 0)),
        n_tokens: Vec::new(),
        df: Vec::new(),
        n_keys_seen: 0,
    };
    let t = find_themes(&[], &none, &params(), 1).unwrap();
    assert!(t.themes.is_empty() && t.assignment.is_empty());
}

#[test]
fn more_themes_asked_than_passages() {
    let (passages, features, _) = corpus();
    let refs: Vec<&Passage> = passages.iter().collect();
    let p = Params {
        k: Some(500),
        min_theme_size: 1,
        ..params()
    };
    let t = find_themes(&refs, &features, &p, 1).unwrap();
    assert!(t.k <= 32);
    assert!(t.note.as_deref().unwrap_or("").contains("500"));
}

#[test]
fn mismatched_rows_are_an_error() {
    let (passages, features, _) = corpus();
    let refs: Vec<&Passage> = passages.iter().take(5).collect();
    assert!(matches!(
        find_themes(&refs, &features, &params(), 1),
        Err(ThemesError::Mismatch { .. })
    ));
}

#[test]
fn shared_columns_need_both_languages() {
    let (passages, features, _) = corpus();
    let langs: Vec<Lang> = passages.iter().map(|p| p.lang).collect();
    let shared = shared_columns(&features.matrix_f64(), &langs);
    let keys: Vec<&str> = features
        .terms
        .iter()
        .zip(&shared)
        .filter(|(_, &s)| s)
        .map(|(t, _)| t.key.as_str())
        .collect();
    assert_eq!(keys, vec!["@chips", "@pretraining", "gpt-5"]);
}

fn stancemap_matrix_zero(shape: (usize, usize)) -> crate::featurize::Matrix {
    crate::featurize::Matrix::zero(shape)
}
