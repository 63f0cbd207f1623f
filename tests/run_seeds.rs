//! The nightly job end to end on the seed articles.

mod common;

use std::collections::BTreeMap;

use common::*;
use stancemap::ingest::normalize;

#[test]
fn seeds_run_writes_passages_with_exact_provenance() {
    let out = tempfile::tempdir().unwrap();
    let o = stancemap(&["run", "--out", out.path().to_str().unwrap()], &repo());
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("read 5 documents"), "{stdout}");
    assert!(stdout.contains("skipped: none"), "{stdout}");

    let latest = out.path().join("latest");
    let rows = read_jsonl(&latest.join("passages.jsonl"));
    let mut docs: BTreeMap<String, Vec<&serde_json::Value>> = BTreeMap::new();
    for r in &rows {
        docs.entry(r["doc"].as_str().unwrap().to_string())
            .or_default()
            .push(r);
    }
    let seeds: Vec<String> = std::fs::read_dir(repo().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    assert_eq!(seeds.len(), 5);
    for name in &seeds {
        let original = std::fs::read_to_string(repo().join("seeds").join(name)).unwrap();
        let lines: Vec<&str> = original.split('\n').collect();
        let passages = docs
            .get(name)
            .unwrap_or_else(|| panic!("no passages for {name}"));
        // Every non-blank line is exactly one passage, in order, and its text
        // is the normalised line it names.
        let want: Vec<(usize, String)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, normalize(l)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        assert_eq!(passages.len(), want.len(), "{name}");
        for (p, (n, t)) in passages.iter().zip(&want) {
            assert_eq!(p["line_start"].as_u64().unwrap() as usize, *n, "{name}");
            assert_eq!(p["line_end"], p["line_start"]);
            assert_eq!(p["text"].as_str().unwrap(), t, "{name}:{n}");
            assert!(["en", "zh", "mixed"].contains(&p["lang"].as_str().unwrap()));
            assert!(p["n_tokens"].is_u64());
        }
    }
    // The Chinese article is Chinese; the English ones English.
    let zh = &docs["003_83651724ddd05cb4.txt"];
    assert!(zh.iter().filter(|p| p["lang"] == "zh").count() >= 12);
    let en = &docs["004_21e450a38d6ad590.txt"];
    assert!(en.iter().all(|p| p["lang"] == "en"));

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(latest.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
    assert_eq!(manifest["inputs"][4]["date"], "2023-05-30");
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["timings_ms"]["featurize"].is_u64());
    assert_eq!(manifest["config"]["featurize"]["min_df"], 2);
}

#[test]
fn two_runs_give_the_same_data_and_latest_moves() {
    let out = tempfile::tempdir().unwrap();
    let o1 = stancemap(&["run", "--out", out.path().to_str().unwrap()], &repo());
    assert!(o1.status.success(), "{}", text(&o1));
    let first = std::fs::read_link(out.path().join("latest")).unwrap();
    let a = std::fs::read(out.path().join("latest/passages.jsonl")).unwrap();
    let o2 = stancemap(
        &[
            "--threads",
            "1",
            "run",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &repo(),
    );
    assert!(o2.status.success(), "{}", text(&o2));
    let second = std::fs::read_link(out.path().join("latest")).unwrap();
    assert_ne!(first, second, "latest points at the new run");
    assert!(out.path().join(&first).is_dir(), "the previous run is kept");
    let b = std::fs::read(out.path().join("latest/passages.jsonl")).unwrap();
    assert_eq!(
        a, b,
        "same corpus and config, same bytes, whatever the thread count"
    );
}
