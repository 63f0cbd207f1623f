//! The run cache: the themes stage's result, the one expensive thing a run
//! computes, reused when a run's inputs to that stage are exactly those of
//! the run that stored it.
//!
//! What it keeps, and why (measured; docs/performance.md): every file is
//! read, decoded, split and analyzed on every run through the one featurize
//! path, because that costs less than loading a per-document analysis
//! cache did (the JSON cache of earlier versions took about as long to read
//! as the fast path needs to analyze the text again). Themes (SVD and the
//! k-means sweep) take most of a run; they are a pure function of the
//! passages, the features, the `[themes]` settings and the seed, so a run
//! whose passages and features are the same byte for byte as the stored
//! entry's takes the themes from it.
//!
//! Guarantees: the key is a SHA-256 over everything the stage reads (every
//! passage's document, lines, language, flags and text; every term, matrix
//! entry, token count and document frequency; the settings; the tool's
//! version and executable), computed from the content read in this run:
//! file sizes and times decide nothing. An entry is one file
//! `OUT/.cache/themes/<corpus>.bin`, one per corpus folder and settings
//! (so two corpora never share one), holding its key, its length and a
//! SHA-256 of its payload; it is used only if the key equals this run's,
//! the checksum holds, it decodes, and it is consistent (one theme or none
//! per passage, themes that exist, finite coordinates). Anything else is
//! logged, ignored and rewritten. Entries are opened without blocking and
//! read only if they are regular files of bounded size; they are written to
//! a temporary name and renamed, so a killed run never leaves a torn one.
//! Whatever the cache holds, the data files are those of a run without it.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::featurize::Features;
use crate::text::hex;
use crate::themes::Themes;
use crate::Passage;

/// The first bytes of an entry; a new layout gets a new tag.
const MAGIC: &[u8; 8] = b"STMTHM01";
/// magic, key, payload length, payload checksum.
const HEADER: usize = 8 + 32 + 8 + 32;
/// Entries larger than this are not read (a corpus of millions of passages
/// stores a few tens of MB).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// What the cache did for this run (for the manifest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The themes came from the cache.
    Reused,
    /// No entry for this corpus and settings.
    Missing,
    /// An entry for other inputs (the corpus or its text changed).
    Stale,
    /// An entry that failed a check (logged): computed and rewritten.
    Rejected(String),
}

/// The themes as stored: the serialised fields and the per-passage ones.
#[derive(Serialize, Deserialize)]
struct Stored {
    themes: Themes,
    assignment: Vec<Option<u32>>,
    coords: Vec<[f64; 2]>,
}

/// The cache of one output folder, for one corpus and settings.
pub struct ThemesCache {
    root: PathBuf,
    path: PathBuf,
}

impl ThemesCache {
    /// The entry of `config.corpus` (its canonical path) and `config`'s
    /// settings in `out`.
    pub fn new(out: &Path, config: &Config) -> Self {
        let root = out.join(".cache");
        let corpus = fs::canonicalize(&config.corpus).unwrap_or_else(|_| config.corpus.clone());
        let mut h = Sha256::new();
        h.update(corpus.as_os_str().as_encoded_bytes());
        h.update([0]);
        h.update(settings(config));
        let name = format!("{}.bin", &hex(&h.finalize())[..16]);
        ThemesCache {
            path: root.join("themes").join(name),
            root,
        }
    }

    /// The stored themes if they were computed from exactly these inputs.
    pub fn load(&self, key: &[u8; 32], n_passages: usize) -> (Option<Themes>, Outcome) {
        let bytes = match read_entry(&self.path) {
            Ok(Some(b)) => b,
            Ok(None) => return (None, Outcome::Missing),
            Err(why) => return self.rejected(why),
        };
        match decode(&bytes, key, n_passages) {
            Ok(Some(t)) => (Some(t), Outcome::Reused),
            Ok(None) => (None, Outcome::Stale),
            Err(why) => self.rejected(why),
        }
    }

    fn rejected(&self, why: String) -> (Option<Themes>, Outcome) {
        tracing::warn!(
            "cache entry {} ignored and rebuilt: {why}",
            self.path.display()
        );
        (None, Outcome::Rejected(why))
    }

    /// Store `themes` under `key`, replacing this corpus's entry, and remove
    /// what earlier versions kept (a per-document analysis cache).
    pub fn store(&self, key: &[u8; 32], themes: &Themes) {
        let stored = Stored {
            themes: themes.clone(),
            assignment: themes.assignment.clone(),
            coords: themes.coords.clone(),
        };
        let mut payload = Vec::new();
        if let Err(e) = ciborium::into_writer(&stored, &mut payload) {
            tracing::warn!("cache entry not encoded: {e}");
            return;
        }
        let mut bytes = Vec::with_capacity(HEADER + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&Sha256::digest(&payload));
        bytes.extend_from_slice(&payload);
        let written = fs::create_dir_all(self.path.parent().unwrap_or(&self.root))
            .and_then(|()| write_atomic(&self.path, &bytes));
        if let Err(e) = written {
            tracing::warn!("cache entry {} not written: {e}", self.path.display());
        }
        self.remove_legacy();
    }

    /// Earlier versions kept `index.json` and a folder of per-document
    /// entries per settings fingerprint; they are never read, only removed
    /// (links themselves, not what they point to).
    fn remove_legacy(&self) {
        let Ok(rd) = fs::read_dir(&self.root) else {
            return;
        };
        for e in rd.flatten() {
            if e.file_name() == "themes" {
                continue;
            }
            let p = e.path();
            let removed = match e.file_type() {
                Ok(t) if t.is_dir() => fs::remove_dir_all(&p),
                Ok(_) => fs::remove_file(&p),
                Err(err) => Err(err),
            };
            if let Err(err) = removed {
                tracing::warn!("old cache {} not removed: {err}", p.display());
            }
        }
    }
}

/// A hash of the sources and compiled-in data that shape the themes,
/// derived by `build.rs` (never bumped by hand).
pub const CODE_VERSION: &str = env!("STANCEMAP_CODE_VERSION");

/// Every setting the key depends on besides the passages and features.
fn settings(config: &Config) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    s.push(0);
    s.extend_from_slice(CODE_VERSION.as_bytes());
    s.push(0);
    // The executable's identity: a rebuilt binary (another procedure under
    // the same version number) never reuses an entry.
    if let Some(md) = std::env::current_exe()
        .ok()
        .and_then(|p| fs::metadata(p).ok())
    {
        s.extend_from_slice(&md.len().to_le_bytes());
        let t = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        s.extend_from_slice(&t.to_le_bytes());
    }
    s.extend_from_slice(
        serde_json::to_string(&config.themes)
            .unwrap_or_default()
            .as_bytes(),
    );
    s.push(0);
    s.extend_from_slice(&config.seed.to_le_bytes());
    s
}

/// The key of the themes stage's inputs: a SHA-256 over the settings, then
/// over the digests of chunks of passages and of the features (hashed in
/// parallel).
pub fn key(config: &Config, passages: &[&Passage], features: &Features) -> [u8; 32] {
    fn field(h: &mut Sha256, b: &[u8]) {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    }
    let chunks: Vec<[u8; 32]> = passages
        .par_chunks(1024)
        .map(|chunk| {
            let mut h = Sha256::new();
            for p in chunk {
                field(&mut h, p.doc.as_bytes());
                h.update(p.line_start.to_le_bytes());
                h.update(p.line_end.to_le_bytes());
                h.update([p.lang as u8, u8::from(p.boilerplate)]);
                field(
                    &mut h,
                    p.boilerplate_kind.as_deref().unwrap_or("\u{0}").as_bytes(),
                );
                field(&mut h, p.text.as_bytes());
            }
            h.finalize().into()
        })
        .collect();
    let m = &features.matrix;
    let rows: Vec<[u8; 32]> = (0..m.rows())
        .collect::<Vec<_>>()
        .par_chunks(4096)
        .map(|rs| {
            let mut h = Sha256::new();
            for &r in rs {
                if let Some(row) = m.outer_view(r) {
                    h.update((row.nnz() as u64).to_le_bytes());
                    for (c, v) in row.iter() {
                        h.update((c as u64).to_le_bytes());
                        h.update(v.to_bits().to_le_bytes());
                    }
                }
            }
            h.finalize().into()
        })
        .collect();
    let mut h = Sha256::new();
    h.update(MAGIC);
    field(&mut h, &settings(config));
    h.update((passages.len() as u64).to_le_bytes());
    for c in &chunks {
        h.update(c);
    }
    h.update((m.rows() as u64).to_le_bytes());
    h.update((m.cols() as u64).to_le_bytes());
    for r in &rows {
        h.update(r);
    }
    for t in &features.terms {
        field(&mut h, t.key.as_bytes());
        field(&mut h, t.en.as_deref().unwrap_or("\u{0}").as_bytes());
        field(&mut h, t.zh.as_deref().unwrap_or("\u{0}").as_bytes());
    }
    for &n in &features.n_tokens {
        h.update(n.to_le_bytes());
    }
    for &d in &features.df {
        h.update(d.to_le_bytes());
    }
    h.update((features.n_keys_seen as u64).to_le_bytes());
    h.finalize().into()
}

/// The bytes of the entry at `path`: `None` if there is none, `Err` if it is
/// not a regular file of bounded size or cannot be read. Opened without
/// blocking (a FIFO put in its place never hangs the run) and checked on
/// the open file, not the name.
fn read_entry(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    match fs::symlink_metadata(path) {
        Ok(md) if !md.is_file() => return Err("not a regular file".into()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let md = file.metadata().map_err(|e| e.to_string())?;
    if !md.is_file() {
        return Err("not a regular file".into());
    }
    if md.len() > MAX_ENTRY_BYTES {
        return Err(format!("{} bytes, over the limit", md.len()));
    }
    let mut bytes = Vec::with_capacity(md.len() as usize);
    file.take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(Some(bytes))
}

/// The themes in an entry's bytes: `Ok(None)` for an intact entry of other
/// inputs, `Err` for one that fails a check.
fn decode(bytes: &[u8], key: &[u8; 32], n_passages: usize) -> Result<Option<Themes>, String> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err("not a cache entry of this version".into());
    }
    let len = u64::from_le_bytes(bytes[40..48].try_into().unwrap_or_default());
    let payload = &bytes[HEADER..];
    if len != payload.len() as u64 {
        return Err(format!(
            "payload of {} bytes, header says {len}",
            payload.len()
        ));
    }
    if Sha256::digest(payload).as_slice() != &bytes[48..80] {
        return Err("checksum mismatch".into());
    }
    if &bytes[8..40] != key {
        return Ok(None);
    }
    let stored: Stored =
        ciborium::from_reader(payload).map_err(|e| format!("does not decode: {e}"))?;
    let Stored {
        mut themes,
        assignment,
        coords,
    } = stored;
    if assignment.len() != n_passages || coords.len() != n_passages {
        return Err(format!(
            "{} assignments and {} coordinates for {n_passages} passages",
            assignment.len(),
            coords.len()
        ));
    }
    let ids: std::collections::HashSet<u32> = themes.themes.iter().map(|t| t.id).collect();
    if let Some(a) = assignment.iter().flatten().find(|a| !ids.contains(a)) {
        return Err(format!("a passage in theme {a}, which does not exist"));
    }
    if coords.iter().flatten().any(|c| !c.is_finite()) {
        return Err("coordinates that are not finite".into());
    }
    themes.assignment = assignment;
    themes.coords = coords;
    Ok(Some(themes))
}

/// Write to a temporary file beside `path`, then rename over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_version_is_derived_by_the_build_script() {
        assert_eq!(CODE_VERSION.len(), 16, "{CODE_VERSION}");
        assert!(CODE_VERSION.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    fn entry(key: &[u8; 32], themes: &Themes) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let c = ThemesCache {
            root: dir.path().to_path_buf(),
            path: dir.path().join("themes/e.bin"),
        };
        c.store(key, themes);
        fs::read(&c.path).unwrap()
    }

    fn themes() -> Themes {
        Themes {
            k: 1,
            silhouette: Some(0.123_456_789_012_345_67),
            assignment: vec![Some(0), None, Some(0)],
            coords: vec![[0.1, -2.5e-300], [1.0 / 3.0, 7.0], [f64::MIN_POSITIVE, 0.0]],
            themes: vec![crate::themes::Theme {
                id: 0,
                label: "算力 / compute".into(),
                size: 2,
                passages_by_lang: Default::default(),
                top_terms_en: vec![],
                top_terms_zh: vec![],
                representative: vec![],
            }],
            ..Themes::default()
        }
    }

    #[test]
    fn an_entry_gives_back_exactly_what_was_stored() {
        let t = themes();
        let bytes = entry(&[7; 32], &t);
        assert_eq!(decode(&bytes, &[7; 32], 3).unwrap(), Some(t));
        assert_eq!(decode(&bytes, &[8; 32], 3).unwrap(), None, "other inputs");
        assert!(decode(&bytes, &[7; 32], 4).is_err(), "other passage count");
    }

    #[test]
    fn every_truncation_and_byte_flip_is_refused_or_stale() {
        let t = themes();
        let bytes = entry(&[7; 32], &t);
        for n in 0..bytes.len() {
            assert!(
                decode(&bytes[..n], &[7; 32], 3).is_err(),
                "truncated at {n}"
            );
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            match decode(&b, &[7; 32], 3) {
                Err(_) | Ok(None) => {}
                Ok(Some(got)) => panic!("byte {i} flipped, still used: {got:?}"),
            }
        }
    }

    #[test]
    fn an_inconsistent_payload_under_a_valid_checksum_is_refused() {
        let mut t = themes();
        t.assignment[1] = Some(9);
        let bytes = entry(&[7; 32], &t);
        assert!(decode(&bytes, &[7; 32], 3).is_err());
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.bin");
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            assert!(read_entry(&p).is_err());
        }
        assert_eq!(read_entry(&dir.path().join("none")).unwrap(), None);
    }
}
