//! What a file looked like when a command verified it: size, modification time and SHA-256.
//! `ssl show` compares the keystore files with their stamps to say when one changed or vanished
//! since `ssl set`.

use sha2::{Digest, Sha256};
use std::fs::Metadata;
use std::time::UNIX_EPOCH;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Seconds since the epoch (negative before 1970; 0 when the platform has no mtime).
    pub mtime: i64,
    /// Lowercase hex.
    pub sha256: String,
}

impl Stamp {
    pub fn of(bytes: &[u8], meta: &Metadata) -> Stamp {
        let mtime = meta.modified().ok().map_or(0, |t| match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        });
        Stamp {
            size: bytes.len() as u64,
            mtime,
            sha256: crate::text::hex(&Sha256::digest(bytes)),
        }
    }
}
