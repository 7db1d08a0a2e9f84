//! Where a bundle's bytes come from: a directory opened once by path ([`Root`]), and a file
//! named in an open directory ([`Source`]), opened without following anything that was not
//! checked when the tree was walked (`tree.rs`).

use crate::sys::dirfd::{self, Dir};
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A directory opened once by path.
#[derive(Debug, Clone)]
pub struct Root {
    pub dir: Arc<Dir>,
    /// The path as the kernel resolved it.
    pub real: PathBuf,
    /// The path as given, when a symlink made it differ from the real one.
    pub via_symlink: Option<PathBuf>,
}

impl Root {
    /// Opens `path` (following symlinks, once).
    ///
    /// # Errors
    /// The open's error: missing, not a directory, no permission.
    pub fn open(path: &Path) -> std::io::Result<Root> {
        let dir = Dir::open(path, true)?;
        let real = dir.real_path()?;
        let given = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let via_symlink = (given != real).then(|| path.to_path_buf());
        Ok(Root {
            dir: Arc::new(dir),
            real,
            via_symlink,
        })
    }
}

/// Where an entry's bytes are: a name in an open directory.
#[derive(Debug, Clone)]
pub struct Source {
    pub(super) dir: Arc<Dir>,
    pub(super) name: OsString,
    /// For a followed symlink: the directory its target must stay in.
    pub(super) inside: Option<Arc<Path>>,
}

impl Source {
    /// Opens the file for reading and returns it with its size now (the snapshot). Never
    /// follows a symlink that was not one when planned, never blocks on a FIFO, and refuses
    /// what is no longer a regular file or now leads outside.
    ///
    /// # Errors
    /// A reason for the manifest's `skipped` list.
    pub fn open(&self) -> Result<(File, u64), String> {
        let file = match &self.inside {
            None => self.dir.open_file(&self.name),
            Some(_) => self.dir.open_file_follow(&self.name),
        }
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "vanished before it could be read".to_owned(),
            _ if e.raw_os_error() == Some(libc::ELOOP) => {
                "became a symbolic link after it was listed (not followed)".to_owned()
            }
            _ => format!("cannot be read: {e}"),
        })?;
        let st = dirfd::fstat(std::os::fd::AsRawFd::as_raw_fd(&file)).map_err(|e| format!("cannot be read: {e}"))?;
        if !st.is_file() {
            return Err(format!("{}, no longer a regular file: not read", st.kind().describe()));
        }
        if let Some(inside) = &self.inside
            && !dirfd::real_path_of(&file).is_ok_and(|p| p.starts_with(inside.as_ref()))
        {
            return Err(OUTSIDE.to_owned());
        }
        Ok((file, st.size))
    }
}

pub(super) const OUTSIDE: &str = "symlink pointing outside the directory (not followed)";
