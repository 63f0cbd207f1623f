//! Nightly operation: incremental runs, the lock, killed runs, bad config and
//! bad output folders.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;

fn copy_seeds(to: &Path) {
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn run(corpus: &Path, out: &Path) -> std::process::Output {
    stancemap(
        &[
            "run",
            "--corpus",
            corpus.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &repo(),
    )
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("latest/manifest.json")).unwrap()).unwrap()
}

/// Every data file of the latest run except the manifest (which carries the
/// run's id and times), with a digest of its bytes.
fn data_files(out: &Path) -> Vec<(String, String)> {
    use sha2::Digest;
    let mut v: Vec<(String, String)> = Vec::new();
    let mut stack = vec![out.join("latest")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "manifest.json" {
                let rel = p
                    .strip_prefix(out.join("latest"))
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let digest = sha2::Sha256::digest(std::fs::read(&p).unwrap());
                v.push((rel, stancemap::text::hex(&digest)));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn a_warm_run_reuses_the_themes_and_a_changed_file_recomputes_them_as_a_full_run() {
    let corpus = tempfile::tempdir().unwrap();
    copy_seeds(corpus.path());
    let out = tempfile::tempdir().unwrap();
    let o = run(corpus.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(manifest(out.path())["cache"]["themes"], "missing");
    let cold = data_files(out.path());

    let o = run(corpus.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(manifest(out.path())["cache"]["themes"], "reused");
    assert_eq!(data_files(out.path()), cold);

    let changed = corpus.path().join("004_21e450a38d6ad590.txt");
    let mut t = std::fs::read_to_string(&changed).unwrap();
    t.push_str("\nDomestic developers say the gap with OpenAI is narrowing fast.\n");
    std::fs::write(&changed, t).unwrap();
    let o = run(corpus.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(manifest(out.path())["cache"]["themes"], "stale");

    let fresh = tempfile::tempdir().unwrap();
    let o = run(corpus.path(), fresh.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(!data_files(out.path()).is_empty());
    assert_eq!(data_files(out.path()), data_files(fresh.path()));
    assert_ne!(data_files(out.path()), cold);
}

#[test]
fn a_second_run_on_the_same_output_exits_3_naming_the_holder() {
    let out = tempfile::tempdir().unwrap();
    let lock = stancemap::run::Lock::acquire(out.path()).unwrap();
    let o = run(&repo().join("seeds"), out.path());
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("pid {}", std::process::id())),
        "{err}"
    );
    drop(lock);
    let o = run(&repo().join("seeds"), out.path());
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn killed_runs_never_touch_latest() {
    // A corpus big enough that a run takes a while: the seeds, twenty times.
    let corpus = tempfile::tempdir().unwrap();
    for i in 0..20 {
        let sub = corpus.path().join(format!("copy{i:02}"));
        std::fs::create_dir(&sub).unwrap();
        copy_seeds(&sub);
    }
    let out = tempfile::tempdir().unwrap();
    let t0 = std::time::Instant::now();
    let o = run(corpus.path(), out.path());
    let cold_ms = t0.elapsed().as_millis() as u64;
    assert!(o.status.success(), "{}", text(&o));
    // A warm run (the themes come from the cache) is much shorter: kills
    // with the cache warm are spread over its duration.
    let t0 = std::time::Instant::now();
    let o = run(corpus.path(), out.path());
    let warm_ms = t0.elapsed().as_millis() as u64;
    assert!(o.status.success(), "{}", text(&o));
    let mut target = std::fs::read_link(out.path().join("latest")).unwrap();
    let before = data_files(out.path());
    let mut manifest_before = std::fs::read(out.path().join("latest/manifest.json")).unwrap();

    // Kill at spread-out moments within a run's duration (a fixed
    // pseudo-random sequence), with the cache warm and cold in turn.
    let mut killed = 0;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    // Up to 24 rounds until 4 kills landed mid-run: under a loaded test
    // machine the first (cold) run's duration can overstate the later ones.
    for round in 0..24 {
        if round >= 8 && killed >= 4 {
            break;
        }
        // Odd rounds cold (no cache), even rounds warm.
        let cold = round % 2 == 1;
        if cold {
            let _ = std::fs::remove_dir_all(out.path().join(".cache"));
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let span = if cold { cold_ms } else { warm_ms };
        let delay = Duration::from_millis(x % span.max(50));
        let mut child = Command::new(env!("CARGO_BIN_EXE_stancemap"))
            .args([
                "run",
                "--corpus",
                corpus.path().to_str().unwrap(),
                "--out",
                out.path().to_str().unwrap(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            // It completed before the kill: latest moved legitimately, to
            // the same data.
            target = std::fs::read_link(out.path().join("latest")).unwrap();
            manifest_before = std::fs::read(out.path().join("latest/manifest.json")).unwrap();
            assert_eq!(data_files(out.path()), before, "round {round}");
            continue;
        }
        killed += 1;
        assert_eq!(
            std::fs::read_link(out.path().join("latest")).unwrap(),
            target,
            "round {round}"
        );
        assert_eq!(data_files(out.path()), before, "round {round}");
        assert_eq!(
            std::fs::read(out.path().join("latest/manifest.json")).unwrap(),
            manifest_before
        );
    }
    assert!(killed >= 4, "only {killed} runs were killed mid-way");
    // A run after the kills cleans up and succeeds with the same data.
    let o = run(corpus.path(), out.path());
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(data_files(out.path()), before);
    let leftovers: Vec<PathBuf> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".incomplete")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn config_errors_name_the_key_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[featurize]\nmin_df = \"two\"\n", "min_df"),
        ("[featurize]\nmax_df = 1.5\n", "featurize.max_df"),
        ("[featurize]\nmin_dff = 2\n", "min_dff"),
        ("keep_runs = 0\n", "keep_runs"),
        (
            "[ingest]\nzh_min_han_share = 0.1\n",
            "ingest.en_max_han_share",
        ),
    ];
    for (i, (toml, key)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("c{i}.toml"));
        std::fs::write(&path, toml).unwrap();
        let o = stancemap(
            &["--config", path.to_str().unwrap(), "config", "--print"],
            &repo(),
        );
        assert_eq!(o.status.code(), Some(2), "{toml}\n{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(key), "{toml}: {err}");
        assert!(!err.contains("panicked"));
    }
    // A glossary with a malformed entry is reported with its line.
    let glossary = dir.path().join("g.toml");
    std::fs::write(
        &glossary,
        "[[concept]]\nid = \"kimi\"\nen = [\"kimi\"]\nzh = [\"Kimi智能助手\"]\n",
    )
    .unwrap();
    let cfg = dir.path().join("g_config.toml");
    std::fs::write(&cfg, "[featurize]\nglossary = [\"g.toml\"]\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = stancemap(
        &[
            "--config",
            cfg.to_str().unwrap(),
            "run",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("g.toml") && err.contains("line 4"), "{err}");
}

#[test]
fn config_print_shows_the_resolved_config() {
    let o = stancemap(&["config", "--print"], &repo());
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    let v: toml::Value = toml::from_str(&s).expect("the printed config is TOML");
    assert_eq!(v["corpus"].as_str(), Some("seeds"));
    assert_eq!(v["featurize"]["min_df"].as_integer(), Some(2));
}

#[test]
fn an_output_folder_that_cannot_be_written_fails_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let o = run(&repo().join("seeds"), &file);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not-a-folder"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_unreadable_files_are_named() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    std::fs::write(
        c.join("good.txt"),
        "OpenAI leads; domestic models catch up.\n",
    )
    .unwrap();
    std::fs::create_dir(c.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", c.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("missing.txt", c.join("dangling.txt")).unwrap();
    std::fs::write(c.join("secret.txt"), "unreadable\n").unwrap();
    std::fs::set_permissions(c.join("secret.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(c, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(c.join("sub"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::set_permissions(out.path(), std::fs::Permissions::from_mode(0o777)).unwrap();

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stancemap"));
    cmd.args([
        "run",
        "--corpus",
        c.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ])
    .current_dir(repo());
    // Root reads every file: drop to `nobody` so the permission bits count.
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("secret.txt: cannot read: permission denied"),
        "{s}"
    );
    assert!(s.contains("sub/loop: symbolic link loop"), "{s}");
    assert!(
        s.contains("dangling.txt: broken or looping symbolic link"),
        "{s}"
    );
    assert!(s.contains("read 1 documents"), "{s}");
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn only_the_last_keep_runs_run_folders_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("keep.toml");
    std::fs::write(&cfg, "keep_runs = 2\n").unwrap();
    let out = dir.path().join("out");
    let mut published = Vec::new();
    for _ in 0..3 {
        let o = stancemap(
            &[
                "--config",
                cfg.to_str().unwrap(),
                "run",
                "--out",
                out.to_str().unwrap(),
            ],
            &repo(),
        );
        assert!(o.status.success(), "{}", text(&o));
        published.push(std::fs::read_link(out.join("latest")).unwrap());
    }
    let mut runs: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "latest")
        .collect();
    runs.sort();
    let want: Vec<String> = published[1..]
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(runs, want);
}
