//! The run cache can never change an answer (issue 21, case 1): whatever is
//! in `OUT/.cache` (another corpus's entries, entries of an edited file,
//! altered, shifted, swapped, truncated or inconsistent entries, a FIFO, an
//! old layout), a run succeeds, never panics or hangs, and its data files
//! are byte for byte those of a run into an empty output folder.
//!
//! The corruptions act on every file under `OUT/.cache`, whatever its
//! layout: the JSON entries and `index.json` of the per-document cache of
//! earlier versions, and the binary themes entries of this one.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use sha2::Digest;

fn copy_seeds(to: &Path) {
    for e in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// `stancemap run`, killed (and the test failed) if it takes over two minutes.
fn run(corpus: &Path, out: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stancemap"))
        .args(["run", "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .current_dir(repo())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            assert!(status.success(), "run failed: {status:?}\n{err}");
            return err;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("run hung (killed after 120 s)");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every data file of the latest run except the manifest, with a digest.
fn data_files(out: &Path) -> Vec<(String, String)> {
    let latest = out.join("latest");
    let mut v = Vec::new();
    let mut stack = vec![latest.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != "manifest.json" {
                let rel = p
                    .strip_prefix(&latest)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let digest = sha2::Sha256::digest(std::fs::read(&p).unwrap());
                v.push((rel, stancemap::text::hex(&digest)));
            }
        }
    }
    v.sort();
    assert!(!v.is_empty());
    v
}

/// The data files of a run of `corpus` into an empty output folder.
fn uncached(corpus: &Path) -> Vec<(String, String)> {
    let out = tempfile::tempdir().unwrap();
    run(corpus, out.path());
    data_files(out.path())
}

/// Every regular file under `OUT/.cache`.
fn cache_files(out: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut stack = vec![out.join(".cache")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                v.push(e.path());
            }
        }
    }
    v.sort();
    v
}

/// Copy the seeds, replacing `behind` with `beyond` (same length) in one file.
fn edit(corpus: &Path) {
    let p = corpus.join("000_bacf1411f1beaad0.txt");
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains("behind"));
    std::fs::write(&p, t.replace("behind", "beyond")).unwrap();
}

/// `touch -r from to`: give `to` the times of `from`.
fn same_times(from: &Path, to: &Path) {
    let ok = Command::new("touch")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn two_corpora_with_the_same_names_sizes_and_times_never_share_entries() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    copy_seeds(a.path());
    copy_seeds(b.path());
    edit(b.path());
    for e in std::fs::read_dir(a.path()).unwrap().flatten() {
        let other = b.path().join(e.file_name());
        assert_eq!(e.metadata().unwrap().len(), other.metadata().unwrap().len());
        same_times(&e.path(), &other);
    }
    let want = uncached(b.path());
    let out = tempfile::tempdir().unwrap();
    run(a.path(), out.path());
    assert_ne!(data_files(out.path()), want, "the corpora differ");
    run(b.path(), out.path());
    assert_eq!(data_files(out.path()), want);
}

#[test]
fn an_edit_that_keeps_size_and_times_is_seen() {
    let corpus = tempfile::tempdir().unwrap();
    copy_seeds(corpus.path());
    let out = tempfile::tempdir().unwrap();
    run(corpus.path(), out.path());
    let before = data_files(out.path());
    let p = corpus.path().join("000_bacf1411f1beaad0.txt");
    let keep = corpus.path().join("times");
    std::fs::write(&keep, "").unwrap();
    same_times(&p, &keep);
    edit(corpus.path());
    same_times(&keep, &p);
    std::fs::remove_file(&keep).unwrap();
    run(corpus.path(), out.path());
    let want = uncached(corpus.path());
    assert_ne!(before, want);
    assert_eq!(data_files(out.path()), want);
}

/// A cold run of the seeds into `out`, then `corrupt` applied to the cache,
/// then a run that must give the uncached data files.
fn after_corruption(corrupt: impl Fn(&Path)) {
    let corpus = tempfile::tempdir().unwrap();
    copy_seeds(corpus.path());
    let want = uncached(corpus.path());
    let out = tempfile::tempdir().unwrap();
    run(corpus.path(), out.path());
    assert!(!cache_files(out.path()).is_empty(), "the run keeps a cache");
    corrupt(out.path());
    run(corpus.path(), out.path());
    assert_eq!(data_files(out.path()), want);
}

/// Replace `from` with `to` (same length) wherever it occurs in `bytes`.
fn replace(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

/// Rewrite each JSON entry of the per-document layout with `f`, and each
/// binary entry with `g`.
fn each_entry(out: &Path, f: impl Fn(&mut serde_json::Value), g: impl Fn(&mut Vec<u8>)) {
    for p in cache_files(out) {
        let mut bytes = std::fs::read(&p).unwrap();
        if p.extension().is_some_and(|e| e == "json") {
            let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                continue;
            };
            if v.get("passages").is_some() {
                f(&mut v);
                bytes = serde_json::to_vec(&v).unwrap();
            }
        } else {
            g(&mut bytes);
        }
        std::fs::write(&p, bytes).unwrap();
    }
}

#[test]
fn altered_entries_are_ignored_and_rebuilt() {
    after_corruption(|out| {
        for p in cache_files(out) {
            let mut bytes = std::fs::read(&p).unwrap();
            replace(&mut bytes, b"behind", b"beyond");
            replace(&mut bytes, b"OpenAI", b"Google");
            // A binary entry: its last byte too.
            if p.extension().is_none_or(|e| e != "json") {
                if let Some(b) = bytes.last_mut() {
                    *b ^= 1;
                }
            }
            std::fs::write(&p, bytes).unwrap();
        }
    });
}

#[test]
fn shifted_entries_are_ignored_and_rebuilt() {
    after_corruption(|out| {
        each_entry(
            out,
            |v| {
                // Passages one place later, terms with them.
                if let Some(a) = v["passages"].as_array_mut() {
                    a.rotate_right(1);
                }
                if let Some(a) = v["terms"]["passages"].as_array_mut() {
                    a.rotate_right(1);
                }
            },
            |b| b.rotate_right(1),
        );
    });
}

#[test]
fn swapped_entries_are_ignored_and_rebuilt() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    copy_seeds(a.path());
    copy_seeds(b.path());
    edit(b.path());
    let want = uncached(b.path());
    let out = tempfile::tempdir().unwrap();
    run(a.path(), out.path());
    run(b.path(), out.path());
    // Per-document layout: the hashes of two files swapped in the index.
    let index = out.path().join(".cache/index.json");
    if let Ok(bytes) = std::fs::read(&index) {
        let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let m = v.as_object_mut().unwrap();
        let first = m["000_bacf1411f1beaad0.txt"]["sha256"].clone();
        let second = m["001_97a8b7ce604c0971.txt"]["sha256"].clone();
        m["000_bacf1411f1beaad0.txt"]["sha256"] = second;
        m["001_97a8b7ce604c0971.txt"]["sha256"] = first;
        std::fs::write(&index, serde_json::to_vec(&v).unwrap()).unwrap();
    }
    // Binary entries: each corpus's entry in the other's place.
    let bins: Vec<PathBuf> = cache_files(out.path())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    if bins.len() >= 2 {
        let (x, y) = (
            std::fs::read(&bins[0]).unwrap(),
            std::fs::read(&bins[1]).unwrap(),
        );
        assert_ne!(x, y);
        std::fs::write(&bins[0], y).unwrap();
        std::fs::write(&bins[1], x).unwrap();
    }
    assert!(
        index.exists() || bins.len() >= 2,
        "two corpora, two entries"
    );
    run(b.path(), out.path());
    assert_eq!(data_files(out.path()), want);
    run(a.path(), out.path());
    assert_eq!(data_files(out.path()), uncached(a.path()));
}

#[test]
fn entries_of_inconsistent_lengths_never_panic() {
    after_corruption(|out| {
        each_entry(
            out,
            |v| {
                if let Some(a) = v["terms"]["passages"].as_array_mut() {
                    a.pop();
                }
            },
            // The header's payload length one more than the payload.
            |b| {
                if b.len() >= 48 {
                    b[40] = b[40].wrapping_add(1);
                }
            },
        );
    });
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(ok.success(), "mkfifo {}", p.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_an_entry_never_hangs_the_run() {
    after_corruption(|out| {
        for p in cache_files(out) {
            std::fs::remove_file(&p).unwrap();
            mkfifo(&p);
        }
    });
}

#[cfg(unix)]
#[test]
fn a_leftover_cache_of_the_per_document_layout_is_ignored_and_removed() {
    let corpus = tempfile::tempdir().unwrap();
    copy_seeds(corpus.path());
    let want = uncached(corpus.path());
    let out = tempfile::tempdir().unwrap();
    let old = out.path().join(".cache/0123456789abcdef");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(
        out.path().join(".cache/index.json"),
        br#"{"000_bacf1411f1beaad0.txt": {"size": 1, "mtime_ns": 1, "sha256": "00"}}"#,
    )
    .unwrap();
    std::fs::write(old.join("00.json"), b"{\"passages\": [").unwrap();
    mkfifo(&old.join("11.json"));
    // A link out of the cache: removed as a link, its target untouched.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), b"keep").unwrap();
    std::os::unix::fs::symlink(outside.path(), out.path().join(".cache/link")).unwrap();
    run(corpus.path(), out.path());
    assert_eq!(data_files(out.path()), want);
    assert!(!old.exists() && !out.path().join(".cache/index.json").exists());
    assert!(outside.path().join("keep.txt").exists());
}

#[test]
fn a_warm_run_equals_a_cold_one() {
    let corpus = tempfile::tempdir().unwrap();
    copy_seeds(corpus.path());
    let out = tempfile::tempdir().unwrap();
    run(corpus.path(), out.path());
    let cold = data_files(out.path());
    run(corpus.path(), out.path());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("latest/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["cache"]["themes"], "reused", "{}", m["cache"]);
    assert_eq!(data_files(out.path()), cold);
}

mod corruption {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// The seeds, their uncached data files, and a cache entry of them.
    struct Fixture {
        corpus: tempfile::TempDir,
        want: Vec<(String, String)>,
        entries: Vec<(PathBuf, Vec<u8>)>,
    }

    static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
        let corpus = tempfile::tempdir().unwrap();
        copy_seeds(corpus.path());
        let out = tempfile::tempdir().unwrap();
        run(corpus.path(), out.path());
        let want = data_files(out.path());
        let entries = cache_files(out.path())
            .into_iter()
            .map(|p| {
                let rel = p.strip_prefix(out.path()).unwrap().to_path_buf();
                let bytes = std::fs::read(&p).unwrap();
                (rel, bytes)
            })
            .collect();
        Fixture {
            corpus,
            want,
            entries,
        }
    });

    #[derive(Debug, Clone)]
    enum Corruption {
        Flip(usize, u8),
        Truncate(usize),
        Insert(usize, Vec<u8>),
        Overwrite(usize, Vec<u8>),
    }

    fn corruption() -> impl Strategy<Value = Corruption> {
        prop_oneof![
            (any::<usize>(), 1..=255u8).prop_map(|(i, x)| Corruption::Flip(i, x)),
            any::<usize>().prop_map(Corruption::Truncate),
            (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
                .prop_map(|(i, b)| Corruption::Insert(i, b)),
            (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
                .prop_map(|(i, b)| Corruption::Overwrite(i, b)),
        ]
    }

    fn apply(bytes: &mut Vec<u8>, c: &Corruption) {
        let at = |i: usize| if bytes.is_empty() { 0 } else { i % bytes.len() };
        match c {
            Corruption::Flip(i, x) => {
                let i = at(*i);
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= x;
                }
            }
            Corruption::Truncate(i) => {
                let i = at(*i);
                bytes.truncate(i);
            }
            Corruption::Insert(i, b) => {
                let i = at(*i);
                bytes.splice(i..i, b.iter().copied());
            }
            Corruption::Overwrite(i, b) => {
                let i = at(*i);
                for (k, &x) in b.iter().enumerate() {
                    if let Some(y) = bytes.get_mut(i + k) {
                        *y = x;
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Random corruptions of the cache's bytes: the run succeeds and its
        /// data files are those of a run without cache.
        #[test]
        fn random_corruptions_never_change_a_byte(cs in prop::collection::vec(corruption(), 1..4)) {
            let f = &*FIXTURE;
            prop_assert!(!f.entries.is_empty());
            let out = tempfile::tempdir().unwrap();
            for (rel, bytes) in &f.entries {
                let mut bytes = bytes.clone();
                for c in &cs {
                    apply(&mut bytes, c);
                }
                let p = out.path().join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, bytes).unwrap();
            }
            run(f.corpus.path(), out.path());
            prop_assert_eq!(&data_files(out.path()), &f.want);
        }
    }
}
