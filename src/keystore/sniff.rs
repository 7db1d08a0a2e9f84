//! Keystore type detection from the first bytes (what keytool's `keystore.type.compat` probing
//! does, but without loading anything).

use super::StoreType;
use super::der::{self, Reader};

const JKS_MAGIC: [u8; 4] = [0xfe, 0xed, 0xfe, 0xed];
const JCEKS_MAGIC: [u8; 4] = [0xce, 0xce, 0xce, 0xce];

/// Detects the store type from magic bytes. A leading DER SEQUENCE is only called PKCS#12 when it
/// has the PFX shape (RFC 7292 §4: `SEQUENCE { version INTEGER 3, ... }`), so certificates, keys
/// and BCFKS files are not mistaken for one.
pub fn sniff(bytes: &[u8]) -> StoreType {
    if bytes.is_empty() {
        return StoreType::Empty;
    }
    if bytes.starts_with(&JKS_MAGIC) {
        return StoreType::Jks;
    }
    if bytes.starts_with(&JCEKS_MAGIC) {
        return StoreType::Jceks;
    }
    if is_pfx(bytes) {
        return StoreType::Pkcs12;
    }
    if is_pem(bytes) {
        return StoreType::Pem;
    }
    StoreType::Unknown
}

fn is_pfx(bytes: &[u8]) -> bool {
    // Only the header has to be intact here: a truncated PFX is still a PFX, and verify() then says
    // "truncated" instead of "not a keystore". So read the tag and length by hand, not the value.
    if bytes.first() != Some(&der::TAG_SEQUENCE) {
        return false;
    }
    let header_len = match bytes.get(1) {
        Some(b) if *b < 0x80 => 2,
        Some(b) if (0x81..=0x84).contains(b) => 2 + usize::from(b & 0x7f),
        _ => return false,
    };
    let Some(inner) = bytes.get(header_len..) else {
        return false;
    };
    match Reader::new(inner, header_len).read(der::TAG_INTEGER, "PFX version") {
        Ok(version) => version.value == [3],
        Err(_) => false,
    }
}

/// PEM (RFC 7468), possibly preceded by whitespace or by OpenSSL's "Bag Attributes" text.
fn is_pem(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    head.windows(10).any(|w| w == b"-----BEGIN")
}

/// A short description of what an unrecognised file looks like, for `NotAKeystore`.
pub(crate) fn describe_unknown(bytes: &[u8]) -> &'static str {
    if bytes.first() == Some(&der::TAG_SEQUENCE) {
        "DER data that is not a PKCS#12 PFX (perhaps a certificate, a key or a BCFKS store)"
    } else if bytes
        .iter()
        .take(512)
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        "a text file"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP or JAR archive"
    } else {
        "unrecognised binary data"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(b""), StoreType::Empty);
        assert_eq!(sniff(&[0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), StoreType::Jks);
        assert_eq!(sniff(&[0xce, 0xce, 0xce, 0xce]), StoreType::Jceks);
        assert_eq!(sniff(b"-----BEGIN CERTIFICATE-----\n"), StoreType::Pem);
        assert_eq!(
            sniff(b"Bag Attributes\n    localKeyID: 01\n-----BEGIN PRIVATE KEY-----\n"),
            StoreType::Pem
        );
        assert_eq!(sniff(b"hello"), StoreType::Unknown);
        assert_eq!(sniff(&[0xfe, 0xed]), StoreType::Unknown);
    }

    #[test]
    fn der_sequences_need_the_pfx_version() {
        // SEQUENCE { INTEGER 3, ... } with a long-form length, truncated: still PKCS#12.
        assert_eq!(
            sniff(&[0x30, 0x82, 0x09, 0x00, 0x02, 0x01, 0x03, 0x30]),
            StoreType::Pkcs12
        );
        assert_eq!(sniff(&[0x30, 0x03, 0x02, 0x01, 0x03]), StoreType::Pkcs12);
        // A certificate starts SEQUENCE { SEQUENCE { ... } }.
        assert_eq!(
            sniff(&[0x30, 0x82, 0x01, 0x00, 0x30, 0x82, 0x00, 0xf0]),
            StoreType::Unknown
        );
        assert_eq!(sniff(&[0x30, 0x03, 0x02, 0x01, 0x01]), StoreType::Unknown);
        assert_eq!(sniff(&[0x30]), StoreType::Unknown);
        assert_eq!(sniff(&[0x30, 0x80, 0x02, 0x01, 0x03]), StoreType::Unknown);
    }

    #[test]
    fn descriptions() {
        assert!(describe_unknown(&[0x30, 0x00]).contains("DER"));
        assert_eq!(describe_unknown(b"just text\n"), "a text file");
        assert_eq!(describe_unknown(b"PK\x03\x04\x00\xff"), "a ZIP or JAR archive");
    }
}
