//! Support bundles of the Traveler logs (`log collect`) and their removal (`log clear`).
//!
//! Pure domain code: no clap, no terminal. [`plan`] decides what goes in, [`tree`] walks the
//! directories through the descriptors of [`source`], [`redact`] masks secrets in text,
//! [`collect`] reads, compresses (in parallel, each chunk primed with the end of the one
//! before: `chunk`) and writes in order through [`zipout`], [`clear`] plans deletions and
//! detects a running server, [`notesini`] reads `Directory=`.

pub mod bundle;
mod chunk;
pub mod clear;
pub mod collect;
pub mod notesini;
pub mod plan;
pub mod redact;
pub mod source;
pub mod tree;
pub mod zipout;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("no Traveler logs directory at {logs}; tried:\n  {}\n  give --data-dir DIR (the Domino data directory) or set TRAVELERUTIL_DATA_DIR", tried.join("\n  "))]
    NoLogsDir { logs: String, tried: Vec<String> },
    #[error("cannot read {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create {path}")]
    Create {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "writing {path} failed: nothing was left behind (the partial archive was removed), and the logs are untouched"
    )]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no space left on the device while writing {path}: nothing was left behind (the partial archive was removed), and the logs are untouched; free some space or write elsewhere with out=DIR"
    )]
    NoSpace { path: String },
    #[error("interrupted by {}; the partial archive was removed", crate::sys::signals::name(*.0))]
    Interrupted(i32),
    /// Inside the pipeline, before the archive's path is known ([`ArchiveError::at`]).
    #[error("writing the archive failed")]
    Pipe(#[source] std::io::Error),
}

/// A missing logs directory is "not found" (14), an interruption 130, anything else an I/O error
/// outside the store (74).
impl crate::error::HasExit for ArchiveError {
    fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        match self {
            ArchiveError::NoLogsDir { .. } => Exit::NotFound,
            ArchiveError::Interrupted(_) => Exit::Interrupted,
            ArchiveError::Read { .. }
            | ArchiveError::Create { .. }
            | ArchiveError::Write { .. }
            | ArchiveError::NoSpace { .. }
            | ArchiveError::Pipe(_) => Exit::Io,
        }
    }
}

impl ArchiveError {
    /// A write error on `path` (escaped for the terminal): a full disk is told apart.
    #[must_use]
    pub fn write(path: String, e: std::io::Error) -> ArchiveError {
        if e.kind() == std::io::ErrorKind::StorageFull {
            ArchiveError::NoSpace { path }
        } else {
            ArchiveError::Write { path, source: e }
        }
    }

    /// Gives a pipeline error the archive's path.
    #[must_use]
    pub fn at(self, path: String) -> ArchiveError {
        match self {
            ArchiveError::Pipe(e) => ArchiveError::write(path, e),
            other => other,
        }
    }
}
