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
            sha256: hex(&Sha256::digest(bytes)),
        }
    }
}

/// Lowercase hex, the one encoder for digests and byte dumps (store stamps, bundle manifests,
/// DER diagnostics).
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `2036-11-20 12:34:56 UTC`; `None` outside the range jiff represents (years -9999..=9999).
pub fn format_utc(unix_secs: i64) -> Option<String> {
    let t = jiff::Timestamp::from_second(unix_secs).ok()?;
    Some(t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_and_rejects_out_of_range() {
        assert_eq!(format_utc(0).as_deref(), Some("1970-01-01 00:00:00 UTC"));
        assert_eq!(format_utc(2_110_000_000).as_deref(), Some("2036-11-11 07:06:40 UTC"));
        assert_eq!(format_utc(i64::MAX), None);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
    }
}
