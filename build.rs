//! Derives the themes cache's code version from what shapes passages, terms
//! and themes, so that it cannot be forgotten: a hash of the source files of
//! ingest, featurize and themes, the shared text module and types, the
//! compiled-in data files (every file under `data/` but the stance lexicons
//! and the evaluation sets, which the cache does not hold) and `Cargo.lock`
//! (a new jieba-rs or linfa gives other results). Any change to one of them
//! gives a new version, and the next run fits its themes afresh.
//!
//! Exposed to the crate as `env!("STANCEMAP_CODE_VERSION")`.

use std::path::{Path, PathBuf};

/// Sources and data that shape the cached passages and terms.
const INPUTS: &[&str] = &[
    "src/ingest",
    "src/featurize",
    "src/themes",
    "src/text.rs",
    "src/lib.rs",
    "data",
    "Cargo.lock",
];

/// Under `data/`, what the cache does not depend on.
const EXCLUDED: &[&str] = &["data/stance", "data/eval"];

fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    // FNV-1a, 64 bits, over each file's path and bytes: no dependency, the
    // same on every platform.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for f in &files {
        let name = f.to_string_lossy().replace('\\', "/");
        eat(name.as_bytes());
        eat(&[0]);
        match std::fs::read(f) {
            Ok(bytes) => {
                // Line endings do not change the analysis: a checkout with
                // CRLF gets the same version.
                let bytes: Vec<u8> = bytes.into_iter().filter(|&b| b != b'\r').collect();
                eat(&(bytes.len() as u64).to_le_bytes());
                eat(&bytes);
            }
            Err(e) => panic!("build.rs: cannot read {}: {e}", f.display()),
        }
    }
    println!("cargo:rustc-env=STANCEMAP_CODE_VERSION={h:016x}");
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if EXCLUDED.iter().any(|x| path == Path::new(x)) {
        return;
    }
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        for e in entries.flatten() {
            collect(&e.path(), out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}
