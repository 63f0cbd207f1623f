//! Publishing a run: run ids, the `latest` link, pruning old runs, and the
//! lock that keeps two runs off one output folder.
//!
//! Safety rules (see docs/reliability.md):
//! - the output folder is checked before anything is written: a dangling
//!   link, a regular file, a device or a `latest` that is a real folder stop
//!   the run with what is wrong and what to do;
//! - the lock is taken on the output folder itself (a stray `rm OUT/.lock`
//!   cannot break it) and on `OUT/.lock`, opened without following links;
//! - a run folder holds a marker file ([`RUN_MARKER`]); pruning deletes only
//!   folders with a run id for a name *and* the marker (or, for runs written
//!   before the marker existed, a manifest naming that run id);
//! - every file of a run and the run folder are synced to disk before the
//!   renames that publish it.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::{out_err, RunError};
pub use crate::ingest::{OUTPUT_MARKER, RUN_MARKER};

/// `20261122T174501Z`, with `-2`, `-3`... if a run of the same second exists.
pub fn new_run_id(out: &Path, now: chrono::DateTime<chrono::Utc>) -> String {
    let base = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut id = base.clone();
    let mut n = 2;
    while out.join(&id).exists() || out.join(format!(".incomplete-{id}")).exists() {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// A run id split into its sort key: (timestamp, number), the first run of a
/// second being number 1. `None` for any other name.
pub fn run_id_key(name: &str) -> Option<(&str, u64)> {
    let b = name.as_bytes();
    let stamp_ok = b.len() >= 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[9..15].iter().all(u8::is_ascii_digit);
    if !stamp_ok {
        return None;
    }
    let (stamp, rest) = name.split_at(16);
    if rest.is_empty() {
        return Some((stamp, 1));
    }
    let n = rest.strip_prefix('-')?;
    if n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()) || n.starts_with('0') {
        return None;
    }
    Some((stamp, n.parse().ok()?))
}

/// Check the output path before the run: say what is wrong and what to do.
pub fn check_output(out: &Path) -> Result<(), RunError> {
    let bad = |message: String| RunError::Output {
        path: out.to_path_buf(),
        source: std::io::Error::other(message),
    };
    match fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(out_err(out)(e)),
        Ok(lmd) if lmd.file_type().is_symlink() => match fs::metadata(out) {
            Err(_) => {
                let target = fs::read_link(out)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".into());
                return Err(bad(format!(
                    "a symbolic link to {target}, which does not exist: create that folder, \
                     remove the link, or give another --out"
                )));
            }
            Ok(md) if !md.is_dir() => {
                return Err(bad(format!(
                    "a symbolic link to {}, not to a folder: give a folder for --out",
                    crate::io_limits::kind_name(md.file_type())
                )))
            }
            Ok(_) => {}
        },
        Ok(md) if !md.is_dir() => {
            return Err(bad(format!(
                "is {}, not a folder: give a folder (it is created when missing) for --out",
                crate::io_limits::kind_name(md.file_type())
            )))
        }
        Ok(_) => {}
    }
    let latest = out.join("latest");
    if let Ok(md) = fs::symlink_metadata(&latest) {
        if !md.file_type().is_symlink() {
            return Err(RunError::Output {
                path: latest,
                source: std::io::Error::other(format!(
                    "is {}, not the link stancemap keeps to the newest run: \
                     move it out of the output folder and run again",
                    crate::io_limits::kind_name(md.file_type())
                )),
            });
        }
    }
    Ok(())
}

/// Mark `out` as a stancemap output folder (ingest never reads it as corpus).
pub fn mark_output(out: &Path) {
    let path = out.join(OUTPUT_MARKER);
    if fs::symlink_metadata(&path).is_err() {
        let _ = write_new(
            &path,
            b"stancemap writes its reports here; ingest does not read this folder.\n",
        );
    }
}

/// Mark a run folder as made by stancemap (pruning deletes only marked
/// folders). The same bytes in every run: runs of one corpus stay identical.
pub fn mark_run(dir: &Path) -> Result<(), RunError> {
    let path = dir.join(RUN_MARKER);
    write_new(
        &path,
        b"A stancemap run folder: pruning (keep_runs) may delete it.\n",
    )
    .map_err(out_err(&path))
}

/// Create a new file (never through a link) and write it.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW);
    }
    opts.open(path)?.write_all(bytes)
}

/// Sync every file under `dir`, then `dir` itself, to disk.
pub fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let ft = e.file_type()?;
        if ft.is_dir() {
            sync_tree(&e.path())?;
        } else if ft.is_file() {
            File::open(e.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Sync a folder's entries (the names of files renamed into it) to disk.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Publish a finished run: sync its files, rename it into place, sync the
/// output folder, move `latest`, sync again.
pub fn publish_run(out: &Path, tmp: &Path, run_id: &str) -> Result<(PathBuf, PathBuf), RunError> {
    mark_run(tmp)?;
    sync_tree(tmp).map_err(out_err(tmp))?;
    let run_dir = out.join(run_id);
    fs::rename(tmp, &run_dir).map_err(out_err(&run_dir))?;
    sync_dir(out).map_err(out_err(out))?;
    let latest = publish_latest(out, run_id)?;
    sync_dir(out).map_err(out_err(out))?;
    Ok((run_dir, latest))
}

/// Point `out/latest` at `run_id`: a new symlink renamed over the old one.
pub fn publish_latest(out: &Path, run_id: &str) -> Result<PathBuf, RunError> {
    let latest = out.join("latest");
    if let Ok(md) = fs::symlink_metadata(&latest) {
        if md.is_dir() {
            return Err(RunError::Output {
                path: latest,
                source: std::io::Error::other(
                    "is a folder, not the link stancemap keeps to the newest run: \
                     move it out of the output folder and run again",
                ),
            });
        }
    }
    let tmp = out.join(".latest.tmp");
    let _ = fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(run_id, &tmp).map_err(out_err(&tmp))?;
    #[cfg(not(unix))]
    fs::write(&tmp, run_id).map_err(out_err(&tmp))?;
    fs::rename(&tmp, &latest).map_err(out_err(&latest))?;
    Ok(latest)
}

/// Remove temporary folders of runs that died (we hold the lock: none is live).
pub fn clean_incomplete(out: &Path) {
    if let Ok(rd) = fs::read_dir(out) {
        for e in rd.flatten() {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && e.file_name().to_string_lossy().starts_with(".incomplete-") {
                if let Err(err) = fs::remove_dir_all(e.path()) {
                    tracing::warn!(
                        "could not remove the unfinished run folder {}: {err}",
                        e.path().display()
                    );
                }
            }
        }
    }
}

/// True when stancemap made this run folder: it holds the marker, or (a run
/// from before the marker) a manifest of stancemap naming this run id.
fn made_by_stancemap(dir: &Path, name: &str) -> bool {
    if fs::symlink_metadata(dir.join(RUN_MARKER)).is_ok_and(|m| m.is_file()) {
        return true;
    }
    let Ok(bytes) = crate::io_limits::read_bounded(&dir.join("manifest.json"), 64 << 20) else {
        return false;
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    v["run_id"] == name && v["tool"]["name"] == env!("CARGO_PKG_NAME")
}

/// Keep the newest `keep` run folders (always the one just published),
/// ordered by (timestamp, number). Only real folders (not links) that
/// stancemap made are counted or removed; a removal that fails is logged.
pub fn prune_runs(out: &Path, keep: usize, current: &str) {
    let Ok(rd) = fs::read_dir(out) else { return };
    let mut runs: Vec<(String, u64, String)> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let (stamp, n) = run_id_key(&name)?;
            let key = (stamp.to_string(), n);
            made_by_stancemap(&e.path(), &name).then_some((key.0, key.1, name))
        })
        .collect();
    runs.sort();
    let excess = runs.len().saturating_sub(keep);
    for (_, _, name) in runs.into_iter().take(excess) {
        if name != current {
            let path = out.join(&name);
            match fs::remove_dir_all(&path) {
                Ok(()) => tracing::info!("pruned old run {}", path.display()),
                Err(e) => tracing::warn!("could not prune old run {}: {e}", path.display()),
            }
        }
    }
}

/// An exclusive lock on the output folder itself and on `out/.lock`,
/// released when dropped or when the process dies (so a lock left by a dead
/// process is simply taken over). `OUT/.lock` holds who runs, for people; the
/// lock on the folder is the one a stray `rm OUT/.lock` cannot break.
#[derive(Debug)]
pub struct Lock {
    _dir: File,
    _file: File,
}

impl Lock {
    pub fn acquire(out: &Path) -> Result<Lock, RunError> {
        let path = out.join(".lock");
        let dir = File::open(out).map_err(out_err(out))?;
        let dir_locked = match dir.try_lock() {
            Ok(()) => true,
            Err(fs::TryLockError::WouldBlock) => false,
            Err(fs::TryLockError::Error(e)) => return Err(out_err(out)(e)),
        };
        let mut opts = fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file = match opts.open(&path) {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Err(RunError::Output {
                    path,
                    source: std::io::Error::other(
                        "is a symbolic link; stancemap does not write through it: remove it and run again",
                    ),
                })
            }
            Err(e) => return Err(out_err(&path)(e)),
        };
        let md = file.metadata().map_err(out_err(&path))?;
        if !md.is_file() {
            return Err(RunError::Output {
                path,
                source: std::io::Error::other(format!(
                    "is {}, not a lock file: remove it and run again",
                    crate::io_limits::kind_name(md.file_type())
                )),
            });
        }
        let mut file = file;
        let file_locked = match file.try_lock() {
            Ok(()) => true,
            Err(fs::TryLockError::WouldBlock) => false,
            Err(fs::TryLockError::Error(e)) => return Err(out_err(&path)(e)),
        };
        if !(dir_locked && file_locked) {
            let mut holder = String::new();
            let _ = (&mut file).take(4096).read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(RunError::Locked {
                path,
                holder: if holder.is_empty() {
                    "unknown process".into()
                } else {
                    holder.to_string()
                },
            });
        }
        let stamp = format!(
            "pid {} started {}\n",
            std::process::id(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        file.set_len(0).map_err(out_err(&path))?;
        file.rewind().map_err(out_err(&path))?;
        file.write_all(stamp.as_bytes()).map_err(out_err(&path))?;
        Ok(Lock {
            _dir: dir,
            _file: file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_order_by_time_then_number() {
        assert_eq!(
            run_id_key("20261122T174501Z"),
            Some(("20261122T174501Z", 1))
        );
        assert_eq!(
            run_id_key("20261122T174501Z-10"),
            Some(("20261122T174501Z", 10))
        );
        for bad in [
            "20200101T000000Z.keep",
            "20200101T000000Z-before-upgrade",
            "20200101T000000Z-",
            "20200101T000000Z-02",
            "2020010xT000000Z",
            "latest",
        ] {
            assert_eq!(run_id_key(bad), None, "{bad}");
        }
        let mut ids = vec![
            "20261122T174501Z-10",
            "20261122T174501Z-9",
            "20261122T174501Z",
            "20261122T174502Z",
            "20261122T174501Z-2",
        ];
        ids.sort_by_key(|s| run_id_key(s));
        assert_eq!(
            ids,
            [
                "20261122T174501Z",
                "20261122T174501Z-2",
                "20261122T174501Z-9",
                "20261122T174501Z-10",
                "20261122T174502Z"
            ]
        );
    }
}
