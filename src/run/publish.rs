//! Publishing a run: run ids, the `latest` link, pruning old runs, and the
//! lock that keeps two runs off one output folder.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::{out_err, RunError};

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

fn is_run_id(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().all(u8::is_ascii_digit)
}

/// Point `out/latest` at `run_id`: a new symlink renamed over the old one.
pub fn publish_latest(out: &Path, run_id: &str) -> Result<PathBuf, RunError> {
    let latest = out.join("latest");
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
            if e.file_name().to_string_lossy().starts_with(".incomplete-") {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Keep the newest `keep` run folders (always the one just published).
pub fn prune_runs(out: &Path, keep: usize, current: &str) {
    let Ok(rd) = fs::read_dir(out) else { return };
    let mut runs: Vec<String> = rd
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_run_id(n))
        .collect();
    runs.sort();
    let excess = runs.len().saturating_sub(keep);
    for name in runs.into_iter().take(excess) {
        if name != current {
            let _ = fs::remove_dir_all(out.join(name));
        }
    }
}

/// An exclusive lock on `out/.lock`, released when dropped or when the
/// process dies (so a lock left by a dead process is simply taken over).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    pub fn acquire(out: &Path) -> Result<Lock, RunError> {
        let path = out.join(".lock");
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(out_err(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
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
            Err(fs::TryLockError::Error(e)) => return Err(out_err(&path)(e)),
        }
        let stamp = format!(
            "pid {} started {}\n",
            std::process::id(),
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        file.set_len(0).map_err(out_err(&path))?;
        file.rewind().map_err(out_err(&path))?;
        file.write_all(stamp.as_bytes()).map_err(out_err(&path))?;
        Ok(Lock { _file: file })
    }
}
