//! Reliability (issue #21): hostile input, odd paths and faults, each on the
//! real binary with a timeout (a run that hangs is killed and the test fails
//! saying so). `STANCEMAP_BIN` runs the tests against another build (e.g.
//! main's, to see them fail there).
#![cfg(unix)]

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{read_jsonl, repo, text};

const EN: &str =
    "China-made LLMs lag far behind ChatGPT.\nDomestic models must catch up with OpenAI.\n";

fn bin() -> PathBuf {
    std::env::var_os("STANCEMAP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_stancemap")))
}

/// Start the binary; kill it after `secs` and fail the test if it is still running.
fn spawn(args: &[&str], cwd: &Path) -> std::process::Child {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the stancemap binary starts")
}

fn finish(mut child: std::process::Child, secs: u64, what: &str) -> Output {
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("stancemap {what} did not finish within {secs} s: killed (a hang)");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

fn run_args(args: &[&str], secs: u64) -> Output {
    finish(spawn(args, &repo()), secs, &args.join(" "))
}

fn run(corpus: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_args(&args, 120)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

fn corpus_with_en() -> tempfile::TempDir {
    let c = tempfile::tempdir().unwrap();
    std::fs::write(c.path().join("good.txt"), EN).unwrap();
    c
}

fn published(out: &Path) -> String {
    [
        "index.html",
        "summary.md",
        "manifest.json",
        "passages.jsonl",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(out.join("latest").join(f)).unwrap_or_default())
    .collect()
}

fn write_config(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("cfg.toml");
    std::fs::write(&p, body).unwrap();
    p
}

// (2) Inputs that hang or blow up a run.

#[test]
fn case02_metadata_fifo_and_devices_do_not_hang() {
    let c = corpus_with_en();
    mkfifo(&c.path().join("metadata.toml"));
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stdout(&o).contains("metadata.toml: metadata not used: not a regular file (a named pipe"),
        "{}",
        text(&o)
    );
    // Links to devices, allowed out of the corpus: refused, not read.
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write_config(cfg_dir.path(), "[ingest]\nfollow_links_outside = true\n");
    for dev in ["/dev/zero", "/dev/urandom"] {
        let c = corpus_with_en();
        std::os::unix::fs::symlink(dev, c.path().join("metadata.toml")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = run(c.path(), out.path(), &["--config", cfg.to_str().unwrap()]);
        assert!(o.status.success(), "{dev}: {}", text(&o));
        assert!(
            stdout(&o).contains("not a regular file (a character device"),
            "{dev}: {}",
            text(&o)
        );
    }
}

#[test]
fn case02_files_the_config_names_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("words.fifo");
    mkfifo(&fifo);
    for (key, value) in [
        ("[featurize]\nstop_words", fifo.to_str().unwrap()),
        ("[featurize]\nuser_dict", "/dev/zero"),
        ("[featurize]\nglossary", "/dev/urandom"),
        ("[stance]\nlexicons", fifo.to_str().unwrap()),
    ] {
        let cfg = write_config(dir.path(), &format!("{key} = [{value:?}]\n"));
        let out = tempfile::tempdir().unwrap();
        let o = run_args(
            &[
                "--config",
                cfg.to_str().unwrap(),
                "run",
                "--out",
                out.path().to_str().unwrap(),
            ],
            60,
        );
        assert_eq!(o.status.code(), Some(2), "{key}: {}", text(&o));
        let e = stderr(&o);
        assert!(
            e.contains(value) && e.contains("not a regular file"),
            "{key}: {e}"
        );
    }
    // The config itself.
    let o = run_args(
        &["--config", fifo.to_str().unwrap(), "config", "--print"],
        30,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", text(&o));
    let o = run_args(&["--config", "/dev/zero", "config", "--print"], 30);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

// (3) No file content in published output; symlink policy.

#[test]
fn case03_metadata_errors_quote_no_content() {
    let c = corpus_with_en();
    std::fs::write(
        c.path().join("metadata.toml"),
        "root:$6$SECRETHASHxyz:19000:0:99999:7:::\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stdout(&o).contains("metadata.toml: metadata not used: not valid TOML at line 1"),
        "{}",
        text(&o)
    );
    let all = published(out.path()) + &stdout(&o) + &stderr(&o);
    assert!(!all.contains("SECRETHASH"), "the file's content leaked");
}

#[test]
fn case03_symlinks_out_of_the_corpus_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.txt"),
        "TOPSECRET OpenAI plans.\n",
    )
    .unwrap();
    std::fs::write(
        outside.path().join("meta.toml"),
        "[\"good.txt\"]\ntitle = \"LEAKEDTITLE\"\n",
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/x.txt"), "TOPSECRET too.\n").unwrap();
    let c = corpus_with_en();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, c.path().join(name)).unwrap()
    };
    link(&outside.path().join("secret.txt"), "secret.txt");
    link(&outside.path().join("meta.toml"), "metadata.toml");
    link(&outside.path().join("dir"), "dir");
    link(Path::new("/etc/passwd"), "passwd.txt");
    // A link inside the corpus is followed.
    link(Path::new("good.txt"), "again.txt");
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let s = stdout(&o);
    for name in ["secret.txt", "metadata.toml", "dir", "passwd.txt"] {
        assert!(
            s.contains(&format!("{name}: ")) && s.contains("leading out of the corpus"),
            "{name}: {s}"
        );
    }
    let all = published(out.path());
    assert!(!all.contains("TOPSECRET") && !all.contains("LEAKEDTITLE") && !all.contains("root:"));
    assert!(all.contains("again.txt"));
    // Allowed by the config key (the sidecar here; corpus files through
    // `ingest::discover_with`, a unit test in src/ingest, once the run's
    // cache calls it).
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write_config(cfg_dir.path(), "[ingest]\nfollow_links_outside = true\n");
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &["--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let all = published(out.path());
    assert!(all.contains("LEAKEDTITLE"), "{}", text(&o));
}

// (4) Encodings.

#[test]
fn case04_east_asian_encodings_are_read_or_refused() {
    const JA: &str = "日本の大規模言語モデルは、オープンAIに追いつこうとしている。\n";
    const KO: &str = "한국의 대규모 언어 모델은 오픈AI를 따라잡으려고 하고 있습니다.\n";
    const ZH: &str = "国产大模型正在追赶OpenAI,通义千问和文心一言都取得了突破。\n";
    let c = tempfile::tempdir().unwrap();
    let p = c.path();
    std::fs::write(p.join("ja_sjis.txt"), encoding_rs::SHIFT_JIS.encode(JA).0).unwrap();
    std::fs::write(p.join("ko_euckr.txt"), encoding_rs::EUC_KR.encode(KO).0).unwrap();
    let mut u32le = vec![0xFF, 0xFE, 0, 0];
    for ch in ZH.chars() {
        u32le.extend_from_slice(&(ch as u32).to_le_bytes());
    }
    std::fs::write(p.join("zh_utf32.txt"), &u32le).unwrap();
    let mut bom_gbk = b"\xEF\xBB\xBF".to_vec();
    bom_gbk.extend_from_slice(&encoding_rs::GBK.encode(ZH).0);
    std::fs::write(p.join("zh_bom_gbk.txt"), &bom_gbk).unwrap();
    std::fs::write(
        p.join("zh_name.txt"),
        encoding_rs::GBK.encode("萨姆·奥尔特曼\n").0,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(p, out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = read_jsonl(&out.path().join("latest/passages.jsonl"));
    let text_of = |doc: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["doc"] == doc)
            .map(|r| r["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(text_of("ja_sjis.txt").len(), 1, "{}", text(&o));
    assert!(
        text_of("ja_sjis.txt")[0].contains("大規模言語モデル"),
        "{:?}",
        text_of("ja_sjis.txt")
    );
    assert!(
        text_of("ko_euckr.txt")[0].contains("대규모 언어 모델"),
        "{:?}",
        text_of("ko_euckr.txt")
    );
    assert_eq!(text_of("zh_utf32.txt"), text_of("zh_bom_gbk.txt"));
    assert!(
        text_of("zh_utf32.txt")[0].contains("通义千问"),
        "{}",
        text(&o)
    );
    assert!(text_of("zh_name.txt")[0].contains("萨姆"), "{}", text(&o));
}

// (5) Run ids ordered as (timestamp, number).

fn fake_run(out: &Path, id: &str) {
    let d = out.join(id);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("manifest.json"),
        format!("{{\"tool\": {{\"name\": \"stancemap\"}}, \"run_id\": \"{id}\"}}"),
    )
    .unwrap();
    std::fs::write(d.join(".stancemap-run"), "").unwrap();
}

#[test]
fn case05_pruning_orders_run_ids_by_number() {
    let out = tempfile::tempdir().unwrap();
    let base = "20200101T000000Z";
    fake_run(out.path(), base);
    for n in 2..=10 {
        fake_run(out.path(), &format!("{base}-{n}"));
    }
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write_config(cfg_dir.path(), "keep_runs = 3\n");
    let c = corpus_with_en();
    let o = run(c.path(), out.path(), &["--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        out.path().join(format!("{base}-10")).is_dir(),
        "the newest fake run was pruned"
    );
    assert!(out.path().join(format!("{base}-9")).is_dir());
    assert!(!out.path().join(format!("{base}-8")).exists());
    assert!(!out.path().join(base).exists());
}

// (6) Output paths that are not folders.

#[test]
fn case06_output_that_is_not_a_folder_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let c = corpus_with_en();
    for (out, says) in [
        (dangling.as_path(), "which does not exist"),
        (file.as_path(), "is a regular file, not a folder"),
        (
            Path::new("/dev/null"),
            "is a character device, not a folder",
        ),
    ] {
        let o = run(c.path(), out, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let e = stderr(&o);
        assert!(e.contains(says) && e.contains(out.to_str().unwrap()), "{e}");
        assert!(!e.contains("os error 17"), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

// (7) CSV injection.

#[test]
fn case07_csv_guard_follows_owasp() {
    let c = tempfile::tempdir().unwrap();
    std::fs::write(c.path().join("=1+1.txt"), EN).unwrap();
    std::fs::write(
        c.path().join("cells.txt"),
        "\u{A0}=HYPERLINK(\"http://x\")\n\u{200B}=1+2\n\u{FEFF}\u{200B}@SUM(A1)\n|calc\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(out.path().join("latest/passages.csv")).unwrap();
    let mut n = 0;
    for line in csv.lines().skip(1) {
        let cells = line.split(',');
        for cell in cells {
            let cell = cell.trim_start_matches('"');
            let visible = cell.trim_start_matches(|ch: char| {
                ch.is_whitespace() || matches!(ch, '\u{200B}' | '\u{FEFF}')
            });
            if visible.starts_with(['=', '@', '|']) {
                panic!("a formula cell got through: {cell:?} in {line:?}");
            }
            if cell.starts_with('\'') {
                n += 1;
            }
        }
    }
    assert!(n >= 4, "{csv}");
}

// (8) The lock survives `rm OUT/.lock`.

#[test]
fn case08_lock_survives_a_stray_rm() {
    let c = tempfile::tempdir().unwrap();
    let unit = "OpenAI leads while domestic models catch up; 国产大模型正在追赶OpenAI,通义千问取得突破。\n";
    for i in 0..40 {
        std::fs::write(c.path().join(format!("f{i}.txt")), unit.repeat(2000)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "--corpus",
        c.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    let mut first = spawn(&args, &repo());
    let t0 = Instant::now();
    let started = loop {
        let busy = std::fs::read_dir(out.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".incomplete-"));
        if busy {
            break true;
        }
        if first.try_wait().unwrap().is_some() || t0.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(started, "the first run never started its run folder");
    std::fs::remove_file(out.path().join(".lock")).unwrap();
    let second = run_args(&args, 120);
    let first_still_running = first.try_wait().unwrap().is_none();
    let first = finish(first, 300, "first run");
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        first_still_running,
        "the first run ended before the second started: the corpus is too small to test"
    );
    assert_eq!(
        second.status.code(),
        Some(3),
        "two runs at once: {}",
        text(&second)
    );
}

// (10) Published output cannot destroy or expose data.

#[test]
fn case10_lock_symlink_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join(".lock")).unwrap();
    let c = corpus_with_en();
    let o = run(c.path(), &out, &[]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(stderr(&o).contains("is a symbolic link"), "{}", text(&o));
}

#[test]
fn case10_pruning_deletes_only_its_own_run_folders() {
    let out = tempfile::tempdir().unwrap();
    for keep in [
        "20200101T000000Z.keep",
        "20200101T000000Z-before-upgrade",
        "20200101T000000Z",
    ] {
        std::fs::create_dir(out.path().join(keep)).unwrap();
        std::fs::write(out.path().join(keep).join("precious.txt"), "mine").unwrap();
    }
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write_config(cfg_dir.path(), "keep_runs = 1\n");
    let c = corpus_with_en();
    for _ in 0..2 {
        let o = run(c.path(), out.path(), &["--config", cfg.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
    }
    for keep in [
        "20200101T000000Z.keep",
        "20200101T000000Z-before-upgrade",
        "20200101T000000Z",
    ] {
        assert!(
            out.path().join(keep).join("precious.txt").exists(),
            "{keep} was deleted"
        );
    }
    let runs = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir() && e.path().join(".stancemap-run").exists())
        .count();
    assert_eq!(runs, 1, "keep_runs = 1 keeps one run of its own");
}

#[test]
fn case10_summary_md_holds_hostile_names_in_code_spans() {
    let c = tempfile::tempdir().unwrap();
    let name = "a`<img src=x onerror=alert(1)>`b.txt";
    std::fs::write(c.path().join(name), EN).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let md = std::fs::read_to_string(out.path().join("latest/summary.md")).unwrap();
    let mut found = 0;
    for line in md.lines().filter(|l| l.contains("<img")) {
        // Either escaped (`\<img`) or inside a code span whose fence is longer
        // than the backticks in the name.
        let ok =
            line.contains("\\<img") || line.contains("``a`<img src=x onerror=alert(1)>`b.txt:");
        assert!(ok, "unescaped HTML in summary.md: {line}");
        found += 1;
    }
    assert!(found > 0, "{md}");
}

#[test]
fn case10_output_inside_the_corpus_is_not_read() {
    let c = corpus_with_en();
    let out = c.path().join("reports");
    for _ in 0..2 {
        let o = run(c.path(), &out, &[]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(stdout(&o).contains("read 1 documents"), "{}", text(&o));
    }
}

// (11) Paths and names.

#[test]
fn case11_non_utf8_names_are_refused_not_merged() {
    use std::os::unix::ffi::OsStrExt;
    let c = corpus_with_en();
    let a = std::ffi::OsStr::from_bytes(b"caf\xE9.txt");
    let b = std::ffi::OsStr::from_bytes(b"caf\xEA.txt");
    std::fs::write(c.path().join(a), "First document about OpenAI.\n").unwrap();
    std::fs::write(c.path().join(b), "Second document about China.\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let s = stdout(&o);
    assert_eq!(s.matches("name is not valid UTF-8").count(), 2, "{s}");
    assert!(s.contains("read 1 documents"), "{s}");
}

#[test]
fn case11_config_paths_are_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("articles")).unwrap();
    std::fs::write(dir.path().join("articles/a.txt"), EN).unwrap();
    let cfg = write_config(dir.path(), "corpus = \"articles\"\noutput = \"out\"\n");
    let o = run_args(&["--config", cfg.to_str().unwrap(), "run"], 120);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        dir.path().join("out/latest/summary.md").exists(),
        "{}",
        text(&o)
    );
}

#[test]
fn case11_paths_too_long_are_listed() {
    let c = corpus_with_en();
    let seg = "d".repeat(200);
    // 25 levels of 200 bytes: past PATH_MAX (4096), made with relative cds.
    let script = format!("cd '{}' && for i in $(seq 25); do mkdir {seg} && cd {seg}; done && echo 'Deep text about OpenAI.' > deep.txt", c.path().display());
    let st = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .status()
        .unwrap();
    assert!(st.success());
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let s = stdout(&o);
    assert!(
        s.contains("too long") || s.contains("File name too long"),
        "{s}"
    );
    let script = format!("cd '{}' && rm -rf {seg}", c.path().display());
    let _ = Command::new("bash").arg("-c").arg(&script).status();
}

#[test]
fn case11_one_bad_metadata_entry_keeps_the_others() {
    let c = corpus_with_en();
    std::fs::write(
        c.path().join("other.txt"),
        "Another article about OpenAI.\n",
    )
    .unwrap();
    std::fs::write(
        c.path().join("metadata.toml"),
        "[\"good.txt\"]\ntitle = \"Kept title\"\ndate = \"2024-01-02\"\n\n[\"other.txt\"]\ndate = 2024-13-45x\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    // Not valid TOML at all: said by position.
    assert!(
        stdout(&o).contains("not valid TOML at line 6"),
        "{}",
        text(&o)
    );
    std::fs::write(
        c.path().join("metadata.toml"),
        "[\"good.txt\"]\ntitle = \"Kept title\"\ndate = \"2024-01-02\"\n\n[\"other.txt\"]\ndate = 2024-01-05\ntitel = \"x\"\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let s = stdout(&o);
    assert!(s.contains("entry [\"other.txt\"] not used"), "{s}");
    let manifest = std::fs::read_to_string(out.path().join("latest/manifest.json")).unwrap();
    assert!(
        manifest.contains("Kept title"),
        "the good entry's metadata was dropped"
    );
}

// (12) Denial of service.

#[test]
fn case12_a_long_word_is_analyzed_in_linear_time() {
    let c = corpus_with_en();
    // 2 MB of letters in one word: minutes for the quadratic stemmer.
    let word: String = "abcdefghij".repeat(200_000);
    std::fs::write(c.path().join("word.txt"), format!("OpenAI {word}s ended\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let rows = read_jsonl(&out.path().join("latest/passages.jsonl"));
    let long: Vec<_> = rows.iter().filter(|r| r["doc"] == "word.txt").collect();
    // Split into passages of at most 32 KiB, none dropped.
    let total: usize = long.iter().map(|r| r["text"].as_str().unwrap().len()).sum();
    assert!(
        long.len() > 1 && total >= word.len(),
        "{} passages",
        long.len()
    );
    assert!(long
        .iter()
        .all(|r| r["text"].as_str().unwrap().len() <= 32 * 1024));
}

#[test]
fn case12_threads_are_bounded() {
    let o = run_args(&["--threads", "20000", "config", "--print"], 30);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stderr(&o).contains("at most 256"), "{}", text(&o));
}

// (13) Clear messages.

#[test]
fn case13_latest_as_a_real_folder_is_explained() {
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(out.path().join("latest")).unwrap();
    let c = corpus_with_en();
    let o = run(c.path(), out.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let e = stderr(&o);
    assert!(
        e.contains("latest") && e.contains("not the link stancemap keeps"),
        "{e}"
    );
    assert!(!e.contains("Is a directory"), "{e}");
}

#[test]
fn case13_unquoted_date_is_explained() {
    let c = corpus_with_en();
    std::fs::write(
        c.path().join("metadata.toml"),
        "[\"good.txt\"]\ndate = 2024-01-02\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(c.path(), out.path(), &[]);
    assert!(o.status.success(), "{}", text(&o));
    let s = stdout(&o);
    assert!(s.contains("date is not quoted"), "{s}");
    assert!(!s.contains("invalid type: map"), "{s}");
}

#[test]
fn case13_failed_prune_is_logged() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let perms = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    let out = tempfile::tempdir().unwrap();
    let old = "20200101T000000Z";
    fake_run(out.path(), old);
    std::fs::create_dir(out.path().join(old).join("locked")).unwrap();
    std::fs::write(out.path().join(old).join("locked/f"), "x").unwrap();
    perms(&out.path().join(old).join("locked"), 0o555).unwrap();
    perms(out.path(), 0o777).unwrap();
    let cfg_dir = tempfile::tempdir().unwrap();
    let cfg = write_config(cfg_dir.path(), "keep_runs = 1\n");
    perms(cfg_dir.path(), 0o755).unwrap();
    let c = corpus_with_en();
    perms(c.path(), 0o755).unwrap();
    let mut cmd = Command::new(bin());
    cmd.args([
        "--config",
        cfg.to_str().unwrap(),
        "run",
        "--corpus",
        c.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ])
    .current_dir(repo())
    .env_remove("RUST_LOG")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    // Root removes anything: drop to `nobody` so the permission bits count.
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    let o = finish(cmd.spawn().unwrap(), 120, "run with a prune that fails");
    let _ = perms(&out.path().join(old).join("locked"), 0o755);
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.path().join(old).exists());
    assert!(
        stderr(&o).contains("could not prune old run"),
        "{}",
        text(&o)
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
