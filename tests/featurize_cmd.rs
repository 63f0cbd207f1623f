//! `stancemap featurize`, the command a user runs to benchmark the featurizer
//! on their own corpus: it streams (reads, analyzes and drops each file), so
//! it must agree with the nightly run on the same corpus, name bad files
//! without losing the others, and write nothing.

mod common;

use std::path::Path;

use common::*;

/// The first number after `label` on the line that starts with it.
fn number(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{stdout}"));
    line[label.len()..]
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label:?} in {line:?}"))
}

fn copy_seeds(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn featurize_agrees_with_the_nightly_run_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    copy_seeds(&work.path().join("corpus"));

    let o = stancemap(&["featurize", "--corpus", "corpus"], work.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let vocabulary = number(&out, "vocabulary:");
    let nonzeros = number(&out, "non-zeros:");
    assert!(vocabulary > 300, "{out}");
    assert!(nonzeros > vocabulary, "{out}");
    assert!(number(&out, "passages en:") > 100, "{out}");
    assert!(number(&out, "passages zh:") > 10, "{out}");
    for label in ["load:", "analyze:", "weigh:", "total:"] {
        assert!(out.contains(label), "{label} missing:\n{out}");
    }
    if cfg!(target_os = "linux") {
        assert!(number(&out, "peak memory:") > 0, "{out}");
    }
    let left: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["corpus".to_string()], "featurize wrote files");

    // The nightly run reaches the same vocabulary through its own path
    // (per-document analysis and the incremental cache).
    let reports = tempfile::tempdir().unwrap();
    let r = stancemap(
        &[
            "run",
            "--corpus",
            "corpus",
            "--out",
            reports.path().to_str().unwrap(),
        ],
        work.path(),
    );
    assert!(r.status.success(), "{}", text(&r));
    let run_out = String::from_utf8_lossy(&r.stdout).to_string();
    assert_eq!(number(&run_out, "vocabulary:"), vocabulary, "{run_out}");
}

#[test]
fn featurize_names_bad_files_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    std::fs::write(
        c.join("a.txt"),
        "国产大模型正在追赶OpenAI,但算力仍是瓶颈。\nChina-made LLMs lag far behind ChatGPT.\n",
    )
    .unwrap();
    std::fs::write(c.join("b.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    std::fs::write(c.join("c.txt"), b"").unwrap();
    let o = stancemap(&["featurize", "--corpus", c.to_str().unwrap()], &repo());
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("skipped:     b.txt: not text"), "{out}");
    assert!(out.contains("skipped:     c.txt: empty file"), "{out}");
    assert_eq!(number(&out, "passages en:"), 1, "{out}");
    assert_eq!(number(&out, "passages zh:"), 1, "{out}");
}
