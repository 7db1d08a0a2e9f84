//! Support bundles of the Traveler logs (`log collect`) and their removal (`log clear`).
//!
//! Pure domain code: no clap, no terminal. [`plan`] decides what goes in, [`redact`] masks
//! secrets in text, [`collect`] reads, compresses (in parallel) and writes in order through
//! [`zipout`], [`clear`] plans deletions and detects a running server, [`notesini`] reads
//! `Directory=`.

pub mod clear;
pub mod collect;
pub mod notesini;
pub mod plan;
pub mod redact;
pub mod zipout;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("no Traveler logs directory at {logs}; tried:\n  {}\n  give --data-dir DIR (the Domino data directory) or set TRAVELERUTIL_DATA_DIR", tried.join("\n  "))]
    NoLogsDir { logs: PathBuf, tried: Vec<String> },
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("writing the archive failed")]
    Write(#[source] std::io::Error),
    #[error("interrupted")]
    Interrupted,
}
