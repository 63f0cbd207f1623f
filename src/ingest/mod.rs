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

use crate::io_limits::{read_bounded, ReadError, SMALL_FILE_LIMIT};
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
    /// Follow symbolic links that lead out of the corpus folder (default false:
    /// such links are listed as skipped and not read).
    pub follow_links_outside: Option<bool>,
}

/// The validated `[ingest]` section.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub zh_min_han_share: f64,
    pub en_max_han_share: f64,
    pub max_file_mib: u64,
    pub metadata_file: String,
    pub follow_links_outside: bool,
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
            follow_links_outside: self.follow_links_outside.unwrap_or(false),
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
/// The file is opened without blocking and must be a regular file (see
/// [`crate::io_limits`]).
pub fn read_source(path: &Path, params: &Params) -> Result<Vec<u8>, String> {
    match read_bounded(path, params.max_file_mib * 1024 * 1024) {
        Ok(b) => Ok(b),
        Err(ReadError::Io(e)) => Err(io_reason(&e)),
        Err(ReadError::TooLarge { size, .. }) => Err(format!(
            "too large: {size} bytes (ingest.max_file_mib = {})",
            params.max_file_mib
        )),
        Err(e) => Err(format!("not read: {e}")),
    }
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

/// The file a run folder holds to say stancemap made it (pruning deletes only
/// folders that hold it).
pub const RUN_MARKER: &str = ".stancemap-run";
/// The file an output folder holds to say stancemap writes there (ingest never
/// reads a folder that holds it, or a run folder, as corpus).
pub const OUTPUT_MARKER: &str = ".stancemap-output";

/// List the corpus: `.txt` and `.md` files, recursively, sorted by path.
/// Problems with single entries (a symlink loop, an unreadable folder) come
/// back as [`Skipped`]. Symbolic links that lead out of the corpus are not
/// followed (see [`discover_with`] to allow them).
pub fn discover(root: &Path) -> Result<(Vec<SourceFile>, Vec<Skipped>), IngestError> {
    discover_links(root, false)
}

/// [`discover`] with the `[ingest]` settings (`follow_links_outside`).
pub fn discover_with(
    root: &Path,
    params: &Params,
) -> Result<(Vec<SourceFile>, Vec<Skipped>), IngestError> {
    discover_links(root, params.follow_links_outside)
}

fn discover_links(
    root: &Path,
    follow_outside: bool,
) -> Result<(Vec<SourceFile>, Vec<Skipped>), IngestError> {
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
    let mut walker = Walker {
        root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        follow_outside,
        visited: HashSet::new(),
        files: Vec::new(),
        skipped: Vec::new(),
    };
    walker.visited.insert(walker.root.clone());
    walker.walk(root, "");
    let Walker {
        mut files,
        mut skipped,
        ..
    } = walker;
    files.sort_by(|a, b| a.id.cmp(&b.id));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, skipped))
}

struct Walker {
    root: PathBuf,
    follow_outside: bool,
    visited: HashSet<PathBuf>,
    files: Vec<SourceFile>,
    skipped: Vec<Skipped>,
}

/// Why a symbolic link is not followed, if it leads out of the corpus.
fn outside_reason(root: &Path, path: &Path) -> Option<String> {
    let target = path.canonicalize().ok()?;
    (!target.starts_with(root)).then(|| {
        "symbolic link leading out of the corpus: not followed \
         (set ingest.follow_links_outside = true to read it)"
            .to_string()
    })
}

impl Walker {
    fn skip(&mut self, path: String, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            path,
            reason: reason.into(),
        });
    }

    fn walk(&mut self, dir: &Path, prefix: &str) {
        let here = if prefix.is_empty() {
            ".".to_string()
        } else {
            prefix.trim_end_matches('/').to_string()
        };
        if dir.join(OUTPUT_MARKER).exists() || dir.join(RUN_MARKER).exists() {
            self.skip(
                here,
                "a stancemap output or run folder: not read as corpus (move the output out of the corpus)",
            );
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.skip(here, format!("cannot list folder: {e}"));
                return;
            }
        };
        let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let Some(os_name) = path.file_name() else {
                continue;
            };
            let lossy = os_name.to_string_lossy().into_owned();
            if lossy.starts_with('.') {
                continue;
            }
            let id = format!("{prefix}{lossy}");
            let lmd = std::fs::symlink_metadata(&path);
            let is_link = lmd.as_ref().is_ok_and(|m| m.file_type().is_symlink());
            let md = match std::fs::metadata(&path) {
                Ok(md) => md,
                Err(e) => {
                    // A vanished non-text entry is no loss; anything else
                    // (a broken link, a path longer than PATH_MAX, no
                    // permission) is listed.
                    if is_link || is_text_name(&lossy) || e.kind() != std::io::ErrorKind::NotFound {
                        let reason = if is_link {
                            format!("broken or looping symbolic link: {e}")
                        } else if e.raw_os_error() == Some(libc::ENAMETOOLONG) {
                            format!("path too long to open: {e}")
                        } else {
                            io_reason(&e)
                        };
                        self.skip(id, reason);
                    }
                    continue;
                }
            };
            let wanted = md.is_dir() || (md.is_file() && is_text_name(&lossy));
            if !wanted {
                continue;
            }
            if os_name.to_str().is_none() {
                self.skip(
                    id,
                    "name is not valid UTF-8: not read (rename it; two such names would merge)",
                );
                continue;
            }
            if is_link && !self.follow_outside {
                if let Some(reason) = outside_reason(&self.root, &path) {
                    self.skip(id, reason);
                    continue;
                }
            }
            if md.is_dir() {
                let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
                if !self.visited.insert(canon) {
                    self.skip(id, "symbolic link loop: folder already read");
                    continue;
                }
                self.walk(&path, &format!("{id}/"));
            } else {
                self.files.push(SourceFile { id, path });
            }
        }
    }
}

fn is_text_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".txt") || lower.ends_with(".md")
}

/// The allowed keys of a metadata entry.
const META_KEYS: [&str; 4] = ["title", "date", "source", "language"];

/// Read the metadata sidecar, if present. Problems are reported per entry: a
/// bad entry loses its own metadata, never the others'. A sidecar that is not
/// TOML at all is reported by position only: no message ever quotes the
/// file (it may be a link to anything).
pub fn read_metadata(root: &Path, params: &Params) -> (BTreeMap<String, DocMeta>, Option<Skipped>) {
    let (map, problems) = read_metadata_all(root, params);
    let problem = (!problems.is_empty()).then(|| Skipped {
        path: params.metadata_file.clone(),
        reason: problems.join("; "),
    });
    (map, problem)
}

/// [`read_metadata`] with every problem, one per entry.
pub fn read_metadata_all(root: &Path, params: &Params) -> (BTreeMap<String, DocMeta>, Vec<String>) {
    let path = root.join(&params.metadata_file);
    let not_used = |why: String| (BTreeMap::new(), vec![format!("metadata not used: {why}")]);
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && !params.follow_links_outside {
        let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if let Some(reason) = outside_reason(&root_canon, &path) {
            return not_used(reason);
        }
    }
    let text = match crate::io_limits::read_text_bounded(&path, SMALL_FILE_LIMIT) {
        Ok(t) => t,
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) && !is_link => {
            return (BTreeMap::new(), Vec::new())
        }
        Err(e) => return not_used(e.to_string()),
    };
    let table: toml::Table = match toml::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            let at = match e.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!(" at line {line} (byte {})", span.start)
                }
                None => String::new(),
            };
            return not_used(format!(
                "not valid TOML{at}; each entry is [\"file path\"] followed by title, date, source or language = \"text\""
            ));
        }
    };
    let mut map = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value) in table {
        match meta_entry(value) {
            Ok(m) => {
                map.insert(name, m);
            }
            Err(why) => problems.push(format!("entry [{name:?}] not used: {why}")),
        }
    }
    (map, problems)
}

/// One entry of the sidecar. The reasons name keys and positions, never values.
fn meta_entry(value: toml::Value) -> Result<DocMeta, String> {
    let toml::Value::Table(t) = value else {
        return Err(format!(
            "expected a table (a [\"file path\"] header with keys), found {}",
            value.type_str()
        ));
    };
    let mut m = DocMeta::default();
    for (key, v) in t {
        let slot = match key.as_str() {
            "title" => &mut m.title,
            "date" => &mut m.date,
            "source" => &mut m.source,
            "language" => &mut m.language,
            _ => return Err(format!("unknown key (allowed: {})", META_KEYS.join(", "))),
        };
        match v {
            toml::Value::String(s) => *slot = Some(s),
            toml::Value::Datetime(_) if key == "date" => return Err(
                "date is not quoted: write it as a string, date = \"YYYY-MM-DD\" or \"YYYY-MM\""
                    .into(),
            ),
            other => {
                return Err(format!(
                    "{key} must be a quoted string, found {}",
                    other.type_str()
                ))
            }
        }
    }
    if let Some(d) = m.date.as_deref() {
        if !valid_date(d) {
            return Err("date is not a valid YYYY-MM-DD or YYYY-MM".into());
        }
    }
    Ok(m)
}

fn valid_date(d: &str) -> bool {
    let fmt_ok = |s: &str, f: &str| chrono::NaiveDate::parse_from_str(s, f).is_ok();
    fmt_ok(d, "%Y-%m-%d") || (d.len() == 7 && fmt_ok(&format!("{d}-01"), "%Y-%m-%d"))
}

/// The whole ingest stage: discover, read the sidecar, decode and split every
/// file in parallel, keep the sorted order.
pub fn ingest(root: &Path, params: &Params) -> Result<Corpus, IngestError> {
    let (files, mut skipped) = discover_with(root, params)?;
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

#[cfg(all(test, unix))]
mod link_tests {
    use super::*;

    fn params(follow: bool) -> Params {
        RawParams {
            follow_links_outside: Some(follow),
            ..RawParams::default()
        }
        .check()
        .unwrap()
    }

    #[test]
    fn links_out_of_the_root_follow_the_policy() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.txt"), "outside\n").unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.txt"), "inside\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("x.txt"), root.path().join("x.txt"))
            .unwrap();
        std::os::unix::fs::symlink("a.txt", root.path().join("b.txt")).unwrap();
        let ids = |files: &[SourceFile]| files.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        let (files, skipped) = discover(root.path()).unwrap();
        assert_eq!(ids(&files), ["a.txt", "b.txt"]);
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].reason.contains("out of the corpus"));
        let (files, _) = discover_with(root.path(), &params(false)).unwrap();
        assert_eq!(ids(&files), ["a.txt", "b.txt"]);
        let (files, skipped) = discover_with(root.path(), &params(true)).unwrap();
        assert_eq!(ids(&files), ["a.txt", "b.txt", "x.txt"]);
        assert!(skipped.is_empty());
    }
}
