//! The incremental cache: each document's passages and analyzed terms, keyed
//! by the document's content hash and a fingerprint of every setting that
//! shapes them (tool version, ingest and featurize params, word lists). A
//! nightly run re-reads only files whose size or modification time changed,
//! and re-analyzes only content it has not seen. Themes and stance are always
//! recomputed over the whole corpus.
//!
//! Layout: `OUT/.cache/index.json` (path -> size, mtime, sha256) and
//! `OUT/.cache/<fingerprint>/<sha256>.json`. Every file is written to a
//! temporary name and renamed, so a killed run never leaves a torn entry; an
//! unreadable entry is treated as a miss.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::featurize::{Cache as WordCache, DocTerms, Featurizer};
use crate::ingest::{self, SourceFile};
use crate::text::hex;
use crate::{DocMeta, Document, Passage, Skipped};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct IndexEntry {
    size: u64,
    mtime_ns: u128,
    sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    sha256: String,
    size: u64,
    encoding: String,
    passages: Vec<Passage>,
    terms: DocTerms,
}

/// How each input was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Unchanged size and time: not read, passages and terms from the cache.
    Cached,
    /// Read (changed size or time) but same content: terms from the cache.
    ReadCached,
    /// Read and analyzed.
    Analyzed,
}

/// Documents with their terms, and what the cache did.
pub struct Analyzed {
    pub documents: Vec<Document>,
    pub terms: Vec<DocTerms>,
    pub origins: Vec<Origin>,
    pub skipped: Vec<Skipped>,
}

pub struct DocCache {
    root: PathBuf,
    dir: PathBuf,
    index: BTreeMap<String, IndexEntry>,
}

/// A fingerprint of everything that shapes passages and terms.
pub fn fingerprint(config: &Config) -> String {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(crate::featurize::ANALYSIS_VERSION);
    h.update(serde_json::to_string(&config.ingest).unwrap_or_default());
    h.update(serde_json::to_string(&config.featurize).unwrap_or_default());
    for list in [
        crate::featurize::lexicon::STOP_EN,
        crate::featurize::lexicon::STOP_ZH,
        crate::featurize::lexicon::USER_DICT,
        crate::featurize::lexicon::GLOSSARY,
    ] {
        h.update(list);
    }
    let f = &config.featurize;
    for p in f.stop_words.iter().chain(&f.user_dict).chain(&f.glossary) {
        h.update(fs::read(p).unwrap_or_default());
    }
    hex(&h.finalize())[..16].to_string()
}

impl DocCache {
    pub fn open(out: &Path, fingerprint: &str) -> DocCache {
        let root = out.join(".cache");
        let index = fs::read(root.join("index.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        DocCache {
            dir: root.join(fingerprint),
            root,
            index,
        }
    }

    fn entry_path(&self, sha: &str) -> PathBuf {
        self.dir.join(format!("{sha}.json"))
    }

    fn load(&self, sha: &str) -> Option<Entry> {
        let bytes = fs::read(self.entry_path(sha)).ok()?;
        serde_json::from_slice::<Entry>(&bytes)
            .ok()
            .filter(|e| e.sha256 == sha)
    }

    fn store(&self, e: &Entry) {
        let path = self.entry_path(&e.sha256);
        if path.exists() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(e) else {
            return;
        };
        if let Err(err) = write_atomic(&path, &bytes) {
            tracing::warn!("cache entry {} not written: {err}", path.display());
        }
    }

    /// Ingest and analyze every file, from the cache where possible.
    pub fn ingest(
        &mut self,
        config: &Config,
        featurizer: &Featurizer,
        bar: Option<&indicatif::ProgressBar>,
    ) -> Result<Analyzed, ingest::IngestError> {
        let (files, mut skipped) = ingest::discover(&config.corpus)?;
        let (meta, meta_problem) = ingest::read_metadata(&config.corpus, &config.ingest);
        skipped.extend(meta_problem);
        let _ = fs::create_dir_all(&self.dir);
        if let Some(b) = bar {
            b.set_length(files.len() as u64);
        }
        let results: Vec<_> = files
            .par_iter()
            .map_init(WordCache::default, |words, f| {
                let r = self.one(f, meta.get(&f.id).cloned(), config, featurizer, words);
                if let Some(b) = bar {
                    b.inc(1);
                }
                (f, r)
            })
            .collect();
        let mut out = Analyzed {
            documents: Vec::new(),
            terms: Vec::new(),
            origins: Vec::new(),
            skipped,
        };
        let mut index = BTreeMap::new();
        for (f, r) in results {
            match r {
                Ok((doc, terms, origin, stamp)) => {
                    if let Some(stamp) = stamp {
                        index.insert(f.id.clone(), stamp);
                    }
                    out.documents.push(doc);
                    out.terms.push(terms);
                    out.origins.push(origin);
                }
                Err(reason) => out.skipped.push(Skipped {
                    path: f.id.clone(),
                    reason,
                }),
            }
        }
        out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        self.index = index;
        Ok(out)
    }

    /// Write the index and drop entries of other fingerprints.
    pub fn save(&self) {
        if let Ok(bytes) = serde_json::to_vec_pretty(&self.index) {
            if let Err(e) = write_atomic(&self.root.join("index.json"), &bytes) {
                tracing::warn!("cache index not written: {e}");
            }
        }
        if let Ok(rd) = fs::read_dir(&self.root) {
            for e in rd.flatten() {
                if e.path().is_dir() && e.path() != self.dir {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        // Entries no file points to any more.
        let live: std::collections::HashSet<String> = self
            .index
            .values()
            .map(|e| format!("{}.json", e.sha256))
            .collect();
        if let Ok(rd) = fs::read_dir(&self.dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !live.contains(&name) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn one(
        &self,
        f: &SourceFile,
        meta: Option<DocMeta>,
        config: &Config,
        featurizer: &Featurizer,
        words: &mut WordCache,
    ) -> Result<(Document, DocTerms, Origin, Option<IndexEntry>), String> {
        let md = fs::metadata(&f.path).map_err(|e| ingest::io_reason(&e))?;
        let mtime_ns = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if let Some(ix) = self.index.get(&f.id) {
            if ix.size == md.len() && ix.mtime_ns == mtime_ns && mtime_ns != 0 {
                if let Some(e) = self.load(&ix.sha256) {
                    let stamp = ix.clone();
                    return Ok((
                        document(f, e.clone_doc(), meta),
                        e.terms,
                        Origin::Cached,
                        Some(stamp),
                    ));
                }
            }
        }
        let bytes = ingest::read_source(&f.path, &config.ingest)?;
        let sha = hex(&Sha256::digest(&bytes));
        let stamp = IndexEntry {
            size: bytes.len() as u64,
            mtime_ns,
            sha256: sha.clone(),
        };
        if let Some(e) = self.load(&sha) {
            return Ok((
                document(f, e.clone_doc(), meta),
                e.terms,
                Origin::ReadCached,
                Some(stamp),
            ));
        }
        let doc = ingest::document_from_bytes(&f.id, &bytes, meta, &config.ingest)?;
        let texts: Vec<&str> = doc.passages.iter().map(|p| p.text.as_str()).collect();
        let terms = featurizer.analyze_document(&texts, words);
        let entry = Entry {
            sha256: doc.sha256.clone(),
            size: doc.size,
            encoding: doc.encoding.clone(),
            passages: doc.passages.clone(),
            terms,
        };
        self.store(&entry);
        Ok((doc, entry.terms, Origin::Analyzed, Some(stamp)))
    }
}

impl Entry {
    fn clone_doc(&self) -> (String, u64, String, Vec<Passage>) {
        (
            self.sha256.clone(),
            self.size,
            self.encoding.clone(),
            self.passages.clone(),
        )
    }
}

/// A document from a cache entry. Entries are keyed by content, so the same
/// text under another path shares one: the passages take this file's path.
fn document(
    f: &SourceFile,
    (sha256, size, encoding, mut passages): (String, u64, String, Vec<Passage>),
    meta: Option<DocMeta>,
) -> Document {
    for p in &mut passages {
        p.doc.clone_from(&f.id);
    }
    Document {
        id: f.id.clone(),
        sha256,
        size,
        encoding,
        meta: meta.unwrap_or_default(),
        passages,
    }
}

/// Write to a temporary file beside `path`, then rename over it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}
