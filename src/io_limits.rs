//! Bounded, non-blocking reads of the files a run opens by name: the config,
//! the corpus sidecar (`metadata.toml`), word lists, lexicons and corpus files.
//!
//! A file is opened with `O_NONBLOCK` (so a FIFO or a terminal never blocks
//! the open), checked *on the open descriptor* to be a regular file (so no
//! rename between a check and the open can slip a device in), refused when
//! larger than the limit, and read with the limit as a hard cap (a file that
//! grows while it is read is refused, not read without end). `/dev/zero`,
//! `/dev/urandom`, FIFOs, sockets and folders are refused with a reason.
//!
//! Errors carry the reason only; callers add the file's path. No error ever
//! quotes the file's content.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The limit for small text files named in the config (word lists,
/// lexicons, the config itself, the metadata sidecar): 64 MiB.
pub const SMALL_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[source] std::io::Error),
    #[error("not a regular file ({kind}); give a regular file")]
    NotRegular { kind: &'static str },
    #[error("too large: {size} bytes, the limit is {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
}

impl ReadError {
    /// The underlying I/O error kind, when there is one.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            ReadError::Io(e) => Some(e.kind()),
            _ => None,
        }
    }
}

/// What kind of file this is, in words, for a refusal.
pub fn kind_name(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Open `path` without blocking and make sure it is a regular file.
/// Returns the file (in blocking mode again) and its size.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path).map_err(ReadError::Io)?;
    let md = file.metadata().map_err(ReadError::Io)?;
    if !md.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_name(md.file_type()),
        });
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: fcntl on a descriptor we own; only the status flags change.
        unsafe {
            let fd = file.as_raw_fd();
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok((file, md.len()))
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// A UTF-8 text file of at most `limit` bytes (a leading BOM is dropped).
pub fn read_text_bounded(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bounded(path, limit)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(ReadError::NotUtf8 {
            offset: e.valid_up_to() + (bytes.len() - body.len()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"hello");
        assert!(matches!(
            read_bounded(&p, 4),
            Err(ReadError::TooLarge { size: 5, limit: 4 })
        ));
        std::fs::write(&p, b"\xEF\xBB\xBFok").unwrap();
        assert_eq!(read_text_bounded(&p, 10).unwrap(), "ok");
        std::fs::write(&p, b"ok\xFF").unwrap();
        assert!(matches!(
            read_text_bounded(&p, 10),
            Err(ReadError::NotUtf8 { offset: 2 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_folders_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for p in [
            fifo.as_path(),
            Path::new("/dev/zero"),
            Path::new("/dev/urandom"),
            dir.path(),
        ] {
            let e = read_bounded(p, 1 << 20).unwrap_err();
            assert!(
                matches!(e, ReadError::NotRegular { .. }),
                "{}: {e}",
                p.display()
            );
        }
    }
}
