//! Ingest: a corpus directory -> decoded, normalised documents -> passages with
//! provenance.
//!
//! Files are found recursively (`.txt`, `.md`), in sorted path order, and
//! decoded in parallel. A file that cannot be read or decoded is reported by
//! name in [`Corpus::skipped`] and the run goes on: one bad document never
//! costs the others their results. Only a missing or unreadable corpus root is
//! an error.

mod decode;
mod normalize;
#[cfg(test)]
mod oracle;
mod passages;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use decode::{decode, DecodeError, Decoded};
pub use normalize::normalize;
pub use passages::language;

use crate::param::{invalid, ParamError};
use crate::text::hex;
use crate::{Corpus, DocMeta, Document, Skipped};

/// The `[ingest]` section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawParams {
    /// A passage is `zh` when at least this share of its letters are Han.
    pub zh_min_han_share: Option<f64>,
    /// A passage is `en` when at most this share of its letters are Han.
    pub en_max_han_share: Option<f64>,
    /// Files larger than this many MiB are skipped.
    pub max_file_mib: Option<u64>,
    /// The metadata sidecar's file name, at the corpus root.
    pub metadata_file: Option<String>,
}

/// The validated `[ingest]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub zh_min_han_share: f64,
    pub en_max_han_share: f64,
    pub max_file_mib: u64,
    pub metadata_file: String,
}

impl RawParams {
    pub fn check(self) -> Result<Params, ParamError> {
        let zh = self.zh_min_han_share.unwrap_or(0.6);
        let en = self.en_max_han_share.unwrap_or(0.2);
        if !(0.0..=1.0).contains(&zh) {
            return Err(invalid(
                "ingest.zh_min_han_share",
                zh,
                "a share from 0 to 1",
            ));
        }
        if !(0.0..=1.0).contains(&en) || en >= zh {
            return Err(invalid(
                "ingest.en_max_han_share",
                en,
                format!("a share from 0 to 1, below ingest.zh_min_han_share ({zh})"),
            ));
        }
        let max_file_mib = self.max_file_mib.unwrap_or(512);
        if max_file_mib == 0 {
            return Err(invalid("ingest.max_file_mib", 0, "at least 1"));
        }
        let metadata_file = self.metadata_file.unwrap_or_else(|| "metadata.toml".into());
        if metadata_file.is_empty() || metadata_file.contains(['/', '\\']) {
            return Err(invalid(
                "ingest.metadata_file",
                format!("{metadata_file:?}"),
                "a plain file name at the corpus root",
            ));
        }
        Ok(Params {
            zh_min_han_share: zh,
            en_max_han_share: en,
            max_file_mib,
            metadata_file,
        })
    }
}

impl Params {
    /// The language thresholds, as the stages after ingest ask for them.
    pub fn lang_shares(&self) -> crate::LangShares {
        crate::LangShares {
            zh_min: self.zh_min_han_share,
            en_max: self.en_max_han_share,
        }
    }
}

/// What stops ingest as a whole (every per-file problem is a [`Skipped`]).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("corpus directory {}: {source}", path.display())]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corpus {} is not a directory", path.display())]
    NotADirectory { path: PathBuf },
}

/// A file found in the corpus, before it is read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the corpus root, `/`-separated.
    pub id: String,
    pub path: PathBuf,
}

/// Read, decode and split one file. `Err` carries the reason it was skipped.
pub fn read_document(
    file: &SourceFile,
    meta: &BTreeMap<String, DocMeta>,
    params: &Params,
) -> Result<Document, String> {
    let bytes = read_source(&file.path, params)?;
    document_from_bytes(&file.id, &bytes, meta.get(&file.id).cloned(), params)
}

/// The bytes of a corpus file, refusing files over `ingest.max_file_mib`.
/// `Err` carries the reason it was skipped.
pub fn read_source(path: &Path, params: &Params) -> Result<Vec<u8>, String> {
    let md = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if md.len() > params.max_file_mib * 1024 * 1024 {
        return Err(format!(
            "too large: {} bytes (ingest.max_file_mib = {})",
            md.len(),
            params.max_file_mib
        ));
    }
    std::fs::read(path).map_err(|e| io_reason(&e))
}

/// Decode and split bytes already read (the cache and the fuzz tests use this).
pub fn document_from_bytes(
    id: &str,
    bytes: &[u8],
    meta: Option<DocMeta>,
    params: &Params,
) -> Result<Document, String> {
    let sha256 = hex(&Sha256::digest(bytes));
    let decoded = decode(bytes).map_err(|e| e.to_string())?;
    let markdown = id.to_ascii_lowercase().ends_with(".md");
    let passages = passages::split(id, &decoded.text, markdown, params);
    if passages.is_empty() {
        return Err("no text: only blank lines".into());
    }
    Ok(Document {
        id: id.to_string(),
        sha256,
        size: bytes.len() as u64,
        encoding: decoded.encoding.to_string(),
        meta: meta.unwrap_or_default(),
        passages,
    })
}

/// Why a file could not be read, as the summary says it.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
        std::io::ErrorKind::NotFound => "vanished while reading".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// List the corpus: `.txt` and `.md` files, recursively, sorted by path.
/// Problems with single entries (a symlink loop, an unreadable folder) come
/// back as [`Skipped`].
pub fn discover(root: &Path) -> Result<(Vec<SourceFile>, Vec<Skipped>), IngestError> {
    let md = std::fs::metadata(root).map_err(|source| IngestError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    if !md.is_dir() {
        return Err(IngestError::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    std::fs::read_dir(root).map_err(|source| IngestError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut visited = HashSet::new();
    if let Ok(c) = root.canonicalize() {
        visited.insert(c);
    }
    walk(root, "", &mut visited, &mut files, &mut skipped);
    files.sort_by(|a, b| a.id.cmp(&b.id));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, skipped))
}

fn walk(
    dir: &Path,
    prefix: &str,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<SourceFile>,
    skipped: &mut Vec<Skipped>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            skipped.push(Skipped {
                path: if prefix.is_empty() {
                    ".".to_string()
                } else {
                    prefix.trim_end_matches('/').to_string()
                },
                reason: format!("cannot list folder: {e}"),
            });
            return;
        }
    };
    let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        let id = format!("{prefix}{name}");
        let md = match std::fs::metadata(&path) {
            Ok(md) => md,
            Err(e) => {
                let is_link =
                    std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                if is_link || is_text_name(&name) {
                    let reason = if is_link {
                        format!("broken or looping symbolic link: {e}")
                    } else {
                        io_reason(&e)
                    };
                    skipped.push(Skipped { path: id, reason });
                }
                continue;
            }
        };
        if md.is_dir() {
            let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
            if !visited.insert(canon) {
                skipped.push(Skipped {
                    path: id,
                    reason: "symbolic link loop: folder already read".into(),
                });
                continue;
            }
            walk(&path, &format!("{id}/"), visited, files, skipped);
        } else if md.is_file() && is_text_name(&name) {
            files.push(SourceFile { id, path });
        }
    }
}

fn is_text_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt") || lower.ends_with(".md")
}

/// Read the metadata sidecar, if present. A malformed sidecar is reported as
/// skipped (the documents still run, without metadata).
pub fn read_metadata(root: &Path, params: &Params) -> (BTreeMap<String, DocMeta>, Option<Skipped>) {
    let path = root.join(&params.metadata_file);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (BTreeMap::new(), None),
        Err(e) => {
            return (
                BTreeMap::new(),
                Some(Skipped {
                    path: params.metadata_file.clone(),
                    reason: format!("metadata not used: {e}"),
                }),
            )
        }
    };
    match toml::from_str::<BTreeMap<String, DocMeta>>(&text) {
        Ok(map) => {
            let bad_date = map
                .iter()
                .find(|(_, m)| m.date.as_deref().is_some_and(|d| !valid_date(d)));
            match bad_date {
                Some((k, m)) => (
                    BTreeMap::new(),
                    Some(Skipped {
                        path: params.metadata_file.clone(),
                        reason: format!(
                            "metadata not used: [{k:?}] date = {:?}: expected YYYY-MM-DD or YYYY-MM",
                            m.date.as_deref().unwrap_or_default()
                        ),
                    }),
                ),
                None => (map, None),
            }
        }
        Err(e) => (
            BTreeMap::new(),
            Some(Skipped {
                path: params.metadata_file.clone(),
                reason: format!(
                    "metadata not used: {}",
                    e.to_string().trim_end().replace('\n', " | ")
                ),
            }),
        ),
    }
}

fn valid_date(d: &str) -> bool {
    let fmt_ok = |s: &str, f: &str| chrono::NaiveDate::parse_from_str(s, f).is_ok();
    fmt_ok(d, "%Y-%m-%d") || (d.len() == 7 && fmt_ok(&format!("{d}-01"), "%Y-%m-%d"))
}

/// The whole ingest stage: discover, read the sidecar, decode and split every
/// file in parallel, keep the sorted order.
pub fn ingest(root: &Path, params: &Params) -> Result<Corpus, IngestError> {
    let (files, mut skipped) = discover(root)?;
    let (meta, meta_problem) = read_metadata(root, params);
    skipped.extend(meta_problem);
    let results: Vec<_> = files
        .par_iter()
        .map(|f| (f, read_document(f, &meta, params)))
        .collect();
    let mut documents = Vec::new();
    for (f, r) in results {
        match r {
            Ok(d) => documents.push(d),
            Err(reason) => skipped.push(Skipped {
                path: f.id.clone(),
                reason,
            }),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Corpus { documents, skipped })
}
