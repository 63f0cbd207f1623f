use super::*;

fn fz() -> Featurizer {
    Featurizer::new(&Params::default()).unwrap()
}

/// A featurizer that keeps every term (`min_df` 1, `max_df` 1.0).
fn fz_every_term() -> Featurizer {
    let raw = RawParams {
        min_df: Some(1),
        max_df: Some(1.0),
        ..Default::default()
    };
    Featurizer::new(&raw.check(Path::new(".")).unwrap()).unwrap()
}

fn keys(f: &Featurizer, text: &str) -> Vec<String> {
    f.analyze(text).into_iter().map(|(k, _, _)| k).collect()
}

#[test]
fn english_chain_stems_drops_stop_words_keeps_products() {
    let f = fz();
    assert_eq!(
        keys(
            &f,
            "The models were lagging behind GPT-4o and Llama 3.1 in 2023, slowly."
        ),
        vec!["@model", "@gap", "gpt-4o", "llama-3.1", "slowli"]
    );
}

#[test]
fn chinese_chain_keeps_domain_words_whole() {
    let f = fz();
    let k = keys(
        &f,
        "通义千问和文心一言在预训练上取得了突破,国产大模型的算力仍是瓶颈。",
    );
    for want in [
        "@qwen",
        "@ernie",
        "@pretraining",
        "@breakthrough",
        "@compute",
        "@bottleneck",
    ] {
        assert!(k.contains(&want.to_string()), "{want} missing from {k:?}");
    }
    assert!(
        !k.iter().any(|w| w == "的" || w == "和" || w == "了"),
        "{k:?}"
    );
}

#[test]
fn bridge_joins_languages() {
    let f = fz();
    let en = keys(
        &f,
        "Open-source large language models need computing power for pre-training.",
    );
    assert_eq!(
        en,
        vec![
            "@open-source",
            "@large-model",
            "need",
            "@compute",
            "@pretraining"
        ]
    );
    let zh = keys(&f, "开源大模型的预训练需要算力");
    assert_eq!(
        zh,
        vec!["@open-source", "@large-model", "@pretraining", "@compute"]
    );
}

#[test]
fn latin_inside_chinese_goes_through_english() {
    let f = fz();
    let got = f.analyze("GPT-5并非全新架构,实为GPT-4o的优化变体");
    let k: Vec<&str> = got.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(k[0], "gpt-5");
    assert!(
        k.contains(&"gpt-4o") && k.contains(&"@architecture"),
        "{k:?}"
    );
    // Offsets point at the surface text.
    let text = "GPT-5并非全新架构,实为GPT-4o的优化变体";
    for (key, s, e) in &got {
        assert!(text.is_char_boundary(*s) && text.is_char_boundary(*e));
        if key == "gpt-4o" {
            assert_eq!(&text[*s..*e], "GPT-4o");
        }
    }
}

#[test]
fn features_are_sparse_normalised_and_labelled() {
    let f = fz_every_term();
    // Bilingual: three passages or more in each language.
    let texts = [
        "OpenAI leads in pretraining.",
        "预训练遇到瓶颈",
        "Pretraining hit a bottleneck.",
        "国产模型的预训练",
        "Open models need pretraining data.",
        "预训练数据不足",
    ];
    let feats = f.featurize(&texts, &[true; 6]);
    assert_eq!(feats.matrix.rows(), 6);
    for row in feats.matrix.outer_iterator() {
        let norm: f64 = row
            .data()
            .iter()
            .map(|&v| f64::from(v).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!((norm - 1.0).abs() < 1e-6);
    }
    let pre = feats
        .terms
        .iter()
        .find(|t| t.key == "@pretraining")
        .unwrap();
    assert_eq!(pre.en.as_deref(), Some("pretraining"));
    assert_eq!(pre.zh.as_deref(), Some("预训练"));
    let keys: Vec<&str> = feats.terms.iter().map(|t| t.key.as_str()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn glossary_bridges_only_bilingual_corpora() {
    let f = fz_every_term();
    let keys_of = |texts: &[&str]| -> Vec<String> {
        let feats = f.featurize(texts, &vec![true; texts.len()]);
        feats.terms.into_iter().map(|t| t.key.into()).collect()
    };
    // English only: the firm keeps its own stem, not a concept shared
    // with "company", and a glossary phrase is its words.
    let en = keys_of(&[
        "The firm raised prices.",
        "A company cut costs.",
        "Open source large language models.",
    ]);
    for want in [
        "firm", "compani", "open", "sourc", "larg", "languag", "model",
    ] {
        assert!(en.contains(&want.to_string()), "{want} missing from {en:?}");
    }
    assert!(
        !en.iter()
            .any(|k| k.contains(BRIDGE_MARK) || k.starts_with('@')),
        "{en:?}"
    );
    // Chinese only: 预训练 is itself.
    let zh = keys_of(&["预训练遇到瓶颈", "算力不足", "开源模型"]);
    assert!(zh.contains(&"预训练".to_string()), "{zh:?}");
    // Both languages: one concept.
    let both = keys_of(&[
        "预训练遇到瓶颈",
        "算力不足",
        "预训练很贵",
        "Pretraining hit a bottleneck.",
        "Computing power is short.",
        "Pretraining is costly.",
    ]);
    assert!(both.contains(&"@pretraining".to_string()), "{both:?}");
    assert!(!both.contains(&"预训练".to_string()), "{both:?}");
    // ... and a phrase is its concept, not its words.
    let both = keys_of(&[
        "开源模型",
        "开源社区",
        "开源的力量",
        "Open source wins.",
        "Open-source models.",
        "Open source again.",
    ]);
    assert!(both.contains(&"@open-source".to_string()), "{both:?}");
    assert!(!both.contains(&"open".to_string()), "{both:?}");
}

#[test]
fn cedict_fallback_is_auto_by_default() {
    assert_eq!(Params::default().cedict_fallback, Cedict::Auto);
    for (v, want) in [("on", Cedict::On), ("auto", Cedict::Auto)] {
        let raw = RawParams {
            cedict_fallback: Some(v.into()),
            ..Default::default()
        };
        assert_eq!(raw.check(Path::new(".")).unwrap().cedict_fallback, want);
    }
    let off = RawParams {
        cedict_fallback: Some("off".into()),
        ..Default::default()
    };
    assert_eq!(
        off.check(Path::new(".")).unwrap().cedict_fallback,
        Cedict::Off
    );
    let bad = RawParams {
        cedict_fallback: Some("yes".into()),
        ..Default::default()
    };
    assert!(bad.check(Path::new(".")).is_err());
}

proptest::proptest! {
    #[test]
    fn shared_vocabulary_is_the_sorted_union(
        parts in proptest::collection::vec(
            proptest::collection::vec(proptest::option::of("[ab模]{0,18}"), 0..12),
            1..4,
        )
    ) {
        // A part may hold a key twice (two bridged keys resolved to one
        // concept).
        let parts: Vec<Vec<Option<&str>>> = parts
            .iter()
            .map(|p| p.iter().map(|k| k.as_deref()).collect())
            .collect();
        let (keys, columns) = shared_vocabulary(&parts);
        let want: std::collections::BTreeSet<&str> =
            parts.iter().flatten().flatten().copied().collect();
        proptest::prop_assert_eq!(&keys, &want.into_iter().collect::<Vec<_>>());
        for (p, part) in parts.iter().enumerate() {
            for (id, k) in part.iter().enumerate() {
                let col = some(columns[p][id]).map(|c| keys[c as usize]);
                proptest::prop_assert_eq!(col, *k);
            }
        }
    }
}

#[test]
fn bilingual_needs_both_languages() {
    // Keys: 0 "@open-source", 1 "model", 2 "~cat", 3 "模型".
    let keys = ["@open-source", "model", "~cat", "模型"];
    let en = [(0, 1), (1, 2)];
    let zh = [(0, 1), (2, 1), (3, 2)];
    let rows = |n_en: usize, n_zh: usize| {
        let mut b = Block::default();
        for row in std::iter::repeat_n(&en[..], n_en).chain(std::iter::repeat_n(&zh[..], n_zh)) {
            b.push_counts(row.iter().copied(), 3);
        }
        vec![Part {
            keys: keys.to_vec(),
            blocks: vec![(0, b)],
            surfaces: Vec::new(),
        }]
    };
    assert!(!bilingual(&rows(50, 0), crate::LangShares::DEFAULT));
    assert!(!bilingual(&rows(50, 2), crate::LangShares::DEFAULT));
    assert!(bilingual(&rows(50, 4), crate::LangShares::DEFAULT));
}

#[test]
fn cedict_bridges_everyday_words() {
    let f = fz();
    let zh = keys(&f, "我的猫喜欢吃鱼。汤姆昨天买了新电脑。");
    let en = keys(
        &f,
        "My cat likes eating fish. Tom bought a new computer yesterday.",
    );
    for w in ["cat", "fish", "tom", "yesterday"] {
        assert!(zh.contains(&format!("~{w}")), "~{w} missing from {zh:?}");
        assert!(en.contains(&w.to_string()), "{w} missing from {en:?}");
    }
    // Beside the Chinese words, not instead of them.
    assert!(zh.contains(&"汤姆".to_string()), "{zh:?}");
    // Particles translate to English stop words: nothing is added.
    assert!(!zh.iter().any(|k| k == "的" || k == "of"), "{zh:?}");
    // Glossary words keep their concept.
    assert_eq!(keys(&f, "预训练"), vec!["@pretraining"]);
    // Bilingual texts: `~cat` becomes `cat`, shared with English.
    let mut texts = vec!["我的猫喜欢吃鱼。"; 5];
    texts.extend(vec!["My cat likes fish."; 5]);
    texts.extend(vec!["Stocks fell on Monday."; 5]);
    let feats = f.featurize(&texts, &vec![true; texts.len()]);
    let cat = feats.terms.iter().find(|t| t.key == "cat").expect("cat");
    assert_eq!(cat.zh.as_deref(), Some("猫"));
    assert!(feats.terms.iter().all(|t| !t.key.starts_with('~')));
    // Chinese only: the dictionary keys are dropped.
    let zh_only = vec!["我的猫喜欢吃鱼。"; 5];
    let feats = f.featurize(&zh_only, &[true; 5]);
    assert!(feats
        .terms
        .iter()
        .all(|t| t.key != "cat" && !t.key.starts_with('~')));
    assert!(
        feats.n_tokens.iter().all(|&n| n == 1),
        "{:?}",
        feats.n_tokens
    );
}

#[test]
fn batches_cover_the_texts_in_order_and_shrink_at_the_end() {
    let texts: Vec<String> = (0..3000).map(|i| "x".repeat(20 + i % 37)).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let b = batch_bounds(&refs);
    assert_eq!((b[0], *b.last().unwrap()), (0, refs.len()));
    let bytes: Vec<usize> = b
        .windows(2)
        .map(|w| {
            assert!(w[0] < w[1], "no empty batch");
            refs[w[0]..w[1]].iter().map(|t| t.len() + 1).sum()
        })
        .collect();
    // Full batches first, then smaller ones, down to the minimum.
    assert!(bytes[0] >= BATCH_BYTES && bytes[0] < BATCH_BYTES + 64);
    let tail = &bytes[bytes.len() - 4..bytes.len() - 1];
    assert!(tail
        .iter()
        .all(|n| (MIN_BATCH_BYTES..BATCH_BYTES / 2).contains(n)));
    assert!(bytes.windows(2).all(|w| w[1] <= w[0] + 64), "{bytes:?}");
    assert_eq!(batch_bounds(&[]), vec![0]);
}

#[test]
fn same_result_whatever_the_thread_count() {
    let f = Featurizer::new(
        &RawParams {
            min_df: Some(1),
            ..Default::default()
        }
        .check(Path::new("."))
        .unwrap(),
    )
    .unwrap();
    let texts: Vec<String> = (0..500)
        .map(|i| {
            format!(
                "模型{} OpenAI model number {} 开源 预训练 open source word{}",
                i % 7,
                i % 11,
                i % 13
            )
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mask = vec![true; refs.len()];
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let a = one.install(|| f.featurize(&refs, &mask));
    let b = four.install(|| f.featurize(&refs, &mask));
    assert_eq!(a.terms, b.terms);
    assert_eq!(a.matrix, b.matrix);
    assert_eq!(a.n_tokens, b.n_tokens);
}

/// The fast path against the plainest TF-IDF one could write from the
/// analyzer's keys: strings, hash maps, one passage at a time.
#[test]
fn fast_path_equals_a_naive_tf_idf() {
    use std::collections::{BTreeMap, BTreeSet};
    let f = fz();
    let w = Params::default().weighting;
    let texts: Vec<String> = (0..3000)
        .map(|i| match i % 4 {
            0 => format!(
                "OpenAI's GPT-4o leads model{} in pretraining, the gap {}",
                i % 17,
                i % 5
            ),
            1 => format!("国产大模型{}在预训练上追赶,开源模型{}的算力", i % 13, i % 7),
            2 => format!(
                "Open-source Qwen {} 和 DeepSeek 的 large language models {}",
                i % 11,
                i % 3
            ),
            _ => format!(
                "Speaker {}: chips and computing power shortages {}",
                i % 19,
                i % 23
            ),
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let in_df: Vec<bool> = (0..refs.len()).map(|i| i % 10 != 3).collect();
    let fast = f.featurize(&refs, &in_df);

    let counts: Vec<BTreeMap<String, u32>> = refs
        .iter()
        .map(|t| {
            let mut m = BTreeMap::new();
            for (k, _, _) in f.analyze(t) {
                *m.entry(k).or_insert(0) += 1;
            }
            m
        })
        .collect();
    let n_docs = in_df.iter().filter(|&&b| b).count();
    let mut df: BTreeMap<&str, u32> = BTreeMap::new();
    for (c, _) in counts.iter().zip(&in_df).filter(|(_, &b)| b) {
        for k in c.keys() {
            *df.entry(k).or_insert(0) += 1;
        }
    }
    let max = (w.max_df * n_docs as f64).floor() as u32;
    let vocab: BTreeSet<&str> = df
        .iter()
        .filter(|(_, &d)| d >= w.min_df && d <= max)
        .map(|(k, _)| *k)
        .collect();
    let keys: Vec<&str> = fast.terms.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, vocab.iter().copied().collect::<Vec<_>>());
    for (i, c) in counts.iter().enumerate() {
        let mut weights: Vec<(usize, f64)> = c
            .iter()
            .filter(|(k, _)| vocab.contains(k.as_str()))
            .map(|(k, &n)| {
                let col = keys.binary_search(&k.as_str()).unwrap();
                let idf = ((1.0 + n_docs as f64) / (1.0 + f64::from(df[k.as_str()]))).ln() + 1.0;
                (col, (1.0 + f64::from(n).ln()) * idf)
            })
            .collect();
        let norm = weights.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        weights.iter_mut().for_each(|(_, v)| *v /= norm);
        let row = fast.matrix.outer_view(i).unwrap();
        assert_eq!(row.nnz(), weights.len(), "passage {i}");
        for (col, v) in weights {
            let got = f64::from(*row.get(col).unwrap());
            assert!(
                (got - v).abs() < 1e-6,
                "passage {i} column {col}: {got} vs {v}"
            );
        }
        assert_eq!(fast.n_tokens[i], c.values().sum::<u32>());
    }
}

#[test]
fn han_runs_last_give_the_same_features() {
    let f = fz();
    let texts: Vec<String> = (0..300)
        .map(|i| {
            format!(
                "OpenAI 的 GPT-4o 在预训练上 model{} 受挫,开源 Qwen 模型{} lagging",
                i % 7,
                i % 5
            )
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mask = vec![true; refs.len()];
    let whole = f.featurize(&refs, &mask);
    let mut shard = Shard::default();
    for (b, chunk) in refs.chunks(64).enumerate() {
        f.add_batch_han_last(&mut shard, b * 64, chunk.iter().copied());
    }
    let later = f.finish(vec![shard], &mask);
    assert_eq!(whole.terms, later.terms);
    assert_eq!(whole.matrix, later.matrix);
    assert_eq!(whole.n_tokens, later.n_tokens);
}

#[test]
fn per_document_batches_in_any_order_equal_the_fast_path() {
    let f = fz();
    let docs: Vec<Vec<String>> = (0..6)
        .map(|d| {
            (0..20)
                .map(|i| format!("OpenAI's GPT-4o 在预训练上受挫 model{} lagging behind open-source Qwen 模型{}", (d + i) % 5, i % 3))
                .collect()
        })
        .collect();
    let flat: Vec<&str> = docs.iter().flatten().map(String::as_str).collect();
    let mask: Vec<bool> = (0..flat.len()).map(|i| i % 7 != 0).collect();
    let fast = f.featurize(&flat, &mask);
    // As `stancemap run` streams: one batch per document, the documents
    // taken in another order (largest first) by two workers.
    let mut shards = vec![Shard::default(), Shard::default()];
    for (j, d) in docs.iter().enumerate().rev() {
        f.add_batch(&mut shards[j % 2], j, d.iter().map(String::as_str));
    }
    let slow = f.finish(shards, &mask);
    assert_eq!(fast.terms, slow.terms);
    assert_eq!(fast.matrix, slow.matrix);
    assert_eq!(fast.n_tokens, slow.n_tokens);
    assert_eq!(fast.df, slow.df);
}
