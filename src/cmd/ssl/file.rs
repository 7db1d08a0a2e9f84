//! Reading a keystore file, and how it compares with the file `ssl set` verified.

use super::Role;
use crate::error::{Failure, HasExit};
use crate::exit::Exit;
use crate::keystore::{KeystoreError, Limits};
use crate::store::StoreFile;
use crate::store::stamp::Stamp;
use crate::term::{escape, escape_path};
use serde::Serialize;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A keystore file read into memory (they are small; the limit is [`Limits::max_bytes`]).
pub(super) struct FileRead {
    pub bytes: Vec<u8>,
    pub stamp: Stamp,
}

/// Why a keystore file could not be read.
#[derive(Debug)]
pub(super) enum ReadError {
    NotFound(io::Error),
    Io(io::Error),
    NotRegular,
    TooLarge(KeystoreError),
}

impl ReadError {
    /// The failure of a command that needed the file, naming it.
    pub fn failure(&self, role: Role, path: &Path) -> Failure {
        let what = format!("{} {}", role.name(), escape_path(path));
        match self {
            ReadError::NotFound(e) => Failure::msg(
                Exit::NotFound,
                format!("cannot read {what}: {e}; check the path (it is stored as an absolute path)"),
            ),
            ReadError::Io(e) => {
                let hint = if e.kind() == io::ErrorKind::PermissionDenied {
                    "run travelerUtil as the user that runs the Traveler server, or fix the file's permissions"
                } else {
                    "check the file"
                };
                Failure::msg(Exit::Io, format!("cannot read {what}: {e}; {hint}"))
            }
            ReadError::NotRegular => Failure::input(format!("{what} is not a regular file")),
            ReadError::TooLarge(e) => keystore_failure(role, path, e),
        }
    }

    /// The file's state against its stamp: gone, or there but not readable as a keystore.
    pub fn state(&self) -> FileState {
        match self {
            ReadError::NotFound(_) => FileState::Missing,
            ReadError::Io(_) | ReadError::NotRegular | ReadError::TooLarge(_) => FileState::Unreadable,
        }
    }
}

/// Reads the whole file. A FIFO or device is refused before it is opened (opening a FIFO would
/// wait for a writer), and the opened file is checked again.
pub(super) fn read(path: &Path) -> Result<FileRead, ReadError> {
    let limits = Limits::default();
    let classify = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound(e),
        _ => ReadError::Io(e),
    };
    if !std::fs::metadata(path).map_err(classify)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let file = File::open(path).map_err(classify)?;
    let meta = file.metadata().map_err(classify)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    let too_large = |size: u64| {
        ReadError::TooLarge(KeystoreError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            max: limits.max_bytes,
        })
    };
    if meta.len() > limits.max_bytes as u64 {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(limits.max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(classify)?;
    if bytes.len() > limits.max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    let stamp = Stamp::of(&bytes, &meta);
    Ok(FileRead { bytes, stamp })
}

/// A verdict about the file at `path`, with its exit code and the file named (escaped, as is
/// the verdict: an alias comes from the file).
pub(super) fn keystore_failure(role: Role, path: &Path, e: &KeystoreError) -> Failure {
    Failure::msg(
        e.exit(),
        format!("{} {}: {}", role.name(), escape_path(path), escape(&e.to_string())),
    )
}

/// How the file compares with what `ssl set` verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum FileState {
    Unchanged,
    Changed,
    Missing,
    Unreadable,
}

/// The stored file's state now, with what differs.
pub(super) fn state(f: &StoreFile) -> (FileState, Option<String>) {
    match read(&f.path) {
        Ok(now) => compare(f, &now.stamp),
        Err(ReadError::NotFound(_)) => (FileState::Missing, Some("the file no longer exists".into())),
        Err(ReadError::Io(e)) => (FileState::Unreadable, Some(e.to_string())),
        Err(ReadError::NotRegular) => (FileState::Unreadable, Some("not a regular file".into())),
        Err(ReadError::TooLarge(e)) => (FileState::Unreadable, Some(e.to_string())),
    }
}

/// `unchanged`, or `changed` with what differs, against the stamp taken at `ssl set`.
pub(super) fn compare(f: &StoreFile, now: &Stamp) -> (FileState, Option<String>) {
    if now.sha256 == f.sha256 {
        return (FileState::Unchanged, None);
    }
    let mut why = vec![];
    if now.size != f.size {
        why.push(format!("size {} -> {} bytes", f.size, now.size));
    }
    if now.mtime != f.mtime {
        why.push(format!(
            "modified {}",
            crate::text::utc(now.mtime).unwrap_or_else(|| now.mtime.to_string())
        ));
    }
    if why.is_empty() {
        why.push("content differs".into());
    }
    (
        FileState::Changed,
        Some(format!("{}; run `ssl check`, then `ssl set` again", why.join(", "))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(sha: &str, size: u64, mtime: i64) -> StoreFile {
        StoreFile {
            sha256: sha.into(),
            size,
            mtime,
            ..StoreFile::default()
        }
    }

    #[test]
    fn a_stamp_compares_by_content_and_says_what_differs() {
        let now = Stamp {
            size: 10,
            mtime: 0,
            sha256: "aa".into(),
        };
        assert_eq!(compare(&stored("aa", 3, 5), &now), (FileState::Unchanged, None));
        let (st, why) = compare(&stored("bb", 3, 0), &now);
        assert_eq!(st, FileState::Changed);
        assert!(why.unwrap().starts_with("size 3 -> 10 bytes;"));
        let (_, why) = compare(&stored("bb", 10, 0), &now);
        assert!(why.unwrap().starts_with("content differs;"));
    }

    #[test]
    fn unreadable_files_have_a_state_and_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path()).err().unwrap();
        assert_eq!(e.state(), FileState::Unreadable);
        assert_eq!(e.failure(Role::Keystore, dir.path()).exit, Exit::InvalidInput);
        let e = read(&dir.path().join("gone")).err().unwrap();
        assert_eq!(e.state(), FileState::Missing);
        assert_eq!(e.failure(Role::Truststore, dir.path()).exit, Exit::NotFound);
        let f = StoreFile {
            path: dir.path().join("gone"),
            ..StoreFile::default()
        };
        assert_eq!(state(&f).0, FileState::Missing);
    }
}
