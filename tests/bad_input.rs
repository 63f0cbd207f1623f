//! Corpora with files that are not clean UTF-8: every good document still
//! gets its results, the bad ones are named, nothing panics.

mod common;

use std::path::Path;

use common::*;

const ZH: &str =
    "国产大模型正在追赶OpenAI。\n\n通义千问和文心一言都在预训练上取得了突破,但算力仍是瓶颈。\n";
const EN: &str = "China-made LLMs lag far behind ChatGPT.\nDomestic models must catch up.\n";

fn run_on(corpus: &Path) -> (std::process::Output, Vec<serde_json::Value>) {
    let out = tempfile::tempdir().unwrap();
    let o = stancemap(
        &[
            "run",
            "--corpus",
            corpus.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
        &repo(),
    );
    let rows = if o.status.success() {
        read_jsonl(&out.path().join("latest/passages.jsonl"))
    } else {
        Vec::new()
    };
    (o, rows)
}

fn passages_of<'a>(rows: &'a [serde_json::Value], doc: &str) -> Vec<(u64, &'a str)> {
    rows.iter()
        .filter(|r| r["doc"] == doc)
        .map(|r| {
            (
                r["line_start"].as_u64().unwrap(),
                r["text"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn gbk_utf16_empty_and_binary_files() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    std::fs::write(c.join("a_utf8.txt"), ZH).unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(ZH);
    assert!(!bad);
    std::fs::write(c.join("b_gbk.txt"), &gbk).unwrap();
    let mut u16le = vec![0xFF, 0xFE];
    for u in ZH.encode_utf16() {
        u16le.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(c.join("c_utf16.txt"), &u16le).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(EN.as_bytes());
    std::fs::write(c.join("d_bom.txt"), &bom).unwrap();
    std::fs::write(c.join("d_plain.txt"), EN).unwrap();
    std::fs::write(c.join("e_empty.txt"), b"").unwrap();
    std::fs::write(
        c.join("f_binary.txt"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
    )
    .unwrap();
    std::fs::create_dir(c.join("sub")).unwrap();
    std::fs::write(
        c.join("sub/g.md"),
        "# Heading\n\nA block\nover two lines.\n",
    )
    .unwrap();
    std::fs::write(c.join("ignored.csv"), "not,a,document\n").unwrap();

    let (o, rows) = run_on(c);
    assert!(o.status.success(), "{}", text(&o));
    let utf8 = passages_of(&rows, "a_utf8.txt");
    assert_eq!(utf8.len(), 2);
    assert_eq!(passages_of(&rows, "b_gbk.txt"), utf8);
    assert_eq!(passages_of(&rows, "c_utf16.txt"), utf8);
    assert_eq!(
        passages_of(&rows, "d_bom.txt"),
        passages_of(&rows, "d_plain.txt")
    );
    assert_eq!(
        passages_of(&rows, "sub/g.md"),
        vec![(1, "# Heading"), (3, "A block over two lines.")]
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("e_empty.txt: empty file"), "{stdout}");
    assert!(stdout.contains("f_binary.txt: not text"), "{stdout}");
    assert!(!stdout.contains("ignored.csv"));
}

#[test]
fn broken_utf8_is_named_and_others_survive() {
    let dir = tempfile::tempdir().unwrap();
    let mut broken = ZH.as_bytes().to_vec();
    broken.insert(21, 0xFF); // after the seventh character
    std::fs::write(dir.path().join("broken.txt"), &broken).unwrap();
    std::fs::write(dir.path().join("good.txt"), EN).unwrap();
    let (o, rows) = run_on(dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("broken.txt: invalid UTF-8 at byte 21"),
        "{stdout}"
    );
    assert_eq!(passages_of(&rows, "good.txt").len(), 2);
}

#[test]
fn missing_corpus_is_a_clear_error() {
    let (o, _) = run_on(Path::new("/nonexistent/corpus"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("/nonexistent/corpus"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_50_mb_file_on_one_line_is_split_into_capped_passages() {
    let dir = tempfile::tempdir().unwrap();
    let unit =
        "OpenAI leads while domestic models catch up; 国产大模型正在追赶OpenAI,通义千问取得突破。 ";
    let n = 50 * 1024 * 1024 / unit.len() + 1;
    std::fs::write(dir.path().join("huge.txt"), unit.repeat(n)).unwrap();
    std::fs::write(dir.path().join("small.txt"), EN).unwrap();
    let (o, rows) = run_on(dir.path());
    assert!(o.status.success(), "{}", text(&o));
    // One line of 50 MB: passages of at most 32 KiB (#21), all on line 1,
    // nothing dropped.
    let huge: Vec<_> = rows.iter().filter(|r| r["doc"] == "huge.txt").collect();
    assert!(huge.len() > 1500, "{}", huge.len());
    assert!(huge.iter().all(|r| {
        (r["line_start"].as_u64(), r["line_end"].as_u64()) == (Some(1), Some(1))
            && r["text"].as_str().unwrap().len() <= 32 * 1024
    }));
    let tokens: u64 = huge.iter().map(|r| r["n_tokens"].as_u64().unwrap()).sum();
    assert!(tokens > 4_000_000, "{tokens}");
    assert_eq!(passages_of(&rows, "small.txt").len(), 2);
}
