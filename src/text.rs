//! Small text forms shared by reports: lowercase hex for digests and byte dumps (store stamps,
//! bundle manifests, DER diagnostics), and UTC times (certificate expiry, file times).

/// Lowercase hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `2036-11-20 12:34:56 UTC`; `None` outside the range jiff represents (years -9999..=9999).
#[must_use]
pub fn utc(unix_secs: i64) -> Option<String> {
    let t = jiff::Timestamp::from_second(unix_secs).ok()?;
    Some(t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_and_rejects_out_of_range() {
        assert_eq!(utc(0).as_deref(), Some("1970-01-01 00:00:00 UTC"));
        assert_eq!(utc(2_110_000_000).as_deref(), Some("2036-11-11 07:06:40 UTC"));
        assert_eq!(utc(i64::MAX), None);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
    }
}
