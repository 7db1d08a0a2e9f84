//! Keystore and truststore password checks in pure Rust, for `ssl set|check`.
//!
//! [`verify`] checks a store password through the store's own integrity mechanism and lists its
//! entries with their certificates:
//! - JKS / JCEKS: the SHA-1 keyed digest at the end of the file ([`jks`]);
//! - PKCS#12: the MacData HMAC with the RFC 7292 Appendix B.2 KDF, or PBMAC1 (RFC 9579)
//!   ([`pkcs12`]); `encryptedData` sections (PBES2 or PKCS#12 PBE) are decrypted to list the
//!   certificates; a file without MAC has its password checked by decrypting a section or key
//!   and parsing the DER plaintext.
//!
//! When the integrity check fails but the password still opens a key, the verdict is
//! [`KeystoreError::Modified`] rather than a wrong password.
//!
//! [`verify_key_password`] checks a private-key password, which may differ from the store
//! password (`keytool -keypass`). [`cert_info`] summarises a certificate, [`certs_to_pem`] and
//! [`trusted_certificates`] export trust anchors. Nothing here prints or stores a password;
//! password-derived buffers and decrypted plaintext are zeroized.

pub mod der;
pub mod error;
mod hash;
pub mod jks;
mod pbe;
pub mod pem;
pub mod pkcs12;
pub mod sniff;
pub mod x509;

pub use error::KeystoreError;
pub use pem::{certs_to_pem, trusted_certificates};
pub use sniff::sniff;
pub use x509::{CertInfo, cert_info};

use zeroize::Zeroizing;

/// The keystore type detected from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum StoreType {
    Jks,
    Jceks,
    Pkcs12,
    Pem,
    Empty,
    Unknown,
}

impl StoreType {
    /// The name keytool uses for `-storetype`.
    pub fn name(self) -> &'static str {
        match self {
            StoreType::Jks => "JKS",
            StoreType::Jceks => "JCEKS",
            StoreType::Pkcs12 => "PKCS12",
            StoreType::Pem => "PEM",
            StoreType::Empty => "empty",
            StoreType::Unknown => "unknown",
        }
    }
}

/// How the store's integrity was checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Integrity {
    /// For example "SHA-1 keyed digest (JKS)", "HMAC-SHA-256 (PKCS#12 KDF)",
    /// "PBMAC1 HMAC-SHA-256 (PBKDF2-HMAC-SHA-256)".
    pub algorithm: String,
    /// The KDF iteration count, where the algorithm has one.
    pub iterations: Option<u64>,
}

/// What an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A private key (with its certificate chain where it is readable).
    PrivateKey,
    /// A certificate trusted as an anchor (JKS tag 2, or a PKCS#12 cert bag with Java's trusted
    /// key usage attribute).
    TrustedCert,
    /// A secret (symmetric) key: JCEKS tag 3 or a PKCS#12 secretBag.
    SecretKey,
    /// A PKCS#12 certificate bag that is neither a key's chain nor marked trusted.
    Certificate,
}

/// One store entry. Certificates are DER-encoded X.509.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub alias: Option<String>,
    pub kind: EntryKind,
    #[serde(skip)]
    pub certificates: Vec<Vec<u8>>,
}

/// A store whose password was verified.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verified {
    pub store_type: StoreType,
    pub integrity: Integrity,
    pub entries: Vec<Entry>,
    /// True when some entries could not be listed: a PKCS#12 section that is public-key
    /// encrypted, encrypted with a password other than the store password, or beyond the cap of
    /// decrypted sections; or a JCEKS secret key, a serialized Java object whose length is not
    /// recorded, after which listing stops. False when everything was read.
    pub partial: bool,
}

/// Denial-of-service bounds for hostile files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The highest KDF iteration count that is computed (default 10 000 000; producers use
    /// 2 048 to 100 000).
    pub max_iterations: u64,
    /// The largest file accepted (default 16 MiB).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_iterations: 10_000_000,
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Checks `store_password` against the store's integrity check and lists its entries.
///
/// Structure is checked before the password, so a damaged file is reported as `Truncated` or
/// `Malformed` rather than as a wrong password wherever the damage is visible without the key.
pub fn verify(bytes: &[u8], store_password: &str, limits: &Limits) -> Result<Verified, KeystoreError> {
    check_size(bytes, limits)?;
    match sniff(bytes) {
        StoreType::Jks => jks::verify(bytes, store_password, false, limits),
        StoreType::Jceks => jks::verify(bytes, store_password, true, limits),
        StoreType::Pkcs12 => pkcs12::verify(bytes, store_password, limits),
        StoreType::Empty => Err(KeystoreError::Empty),
        StoreType::Pem => Err(KeystoreError::NotAKeystore { detected: "PEM" }),
        StoreType::Unknown => Err(KeystoreError::NotAKeystore {
            detected: sniff::describe_unknown(bytes),
        }),
    }
}

/// Checks the password of the private-key entry `alias`, which may differ from the store
/// password (`keytool -keypass`). The store password is not needed and not checked.
///
/// - JKS: Sun's key protector (OID 1.3.6.1.4.1.42.2.17.1.1), its SHA-1 check value;
/// - JCEKS: PBEWithMD5AndTripleDES, the decrypted PKCS#8 DER;
/// - PKCS#12: the pkcs8ShroudedKeyBag whose friendlyName is `alias` (PBES2 or PKCS#12 PBE), the
///   decrypted PKCS#8 DER.
///
/// Aliases match exactly, else case-insensitively (Java lower-cases them).
pub fn verify_key_password(bytes: &[u8], alias: &str, key_password: &str) -> Result<(), KeystoreError> {
    verify_key_password_with_limits(bytes, alias, key_password, &Limits::default())
}

/// [`verify_key_password`] with explicit bounds (the iteration cap applies to the key's KDF).
pub fn verify_key_password_with_limits(
    bytes: &[u8],
    alias: &str,
    key_password: &str,
    limits: &Limits,
) -> Result<(), KeystoreError> {
    check_size(bytes, limits)?;
    match sniff(bytes) {
        StoreType::Jks | StoreType::Jceks => jks::verify_key_password(bytes, alias, key_password, limits),
        StoreType::Pkcs12 => pkcs12::verify_key_password(bytes, alias, key_password, limits),
        StoreType::Empty => Err(KeystoreError::Empty),
        StoreType::Pem => Err(KeystoreError::NotAKeystore { detected: "PEM" }),
        StoreType::Unknown => Err(KeystoreError::NotAKeystore {
            detected: sniff::describe_unknown(bytes),
        }),
    }
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), KeystoreError> {
    if bytes.len() > limits.max_bytes {
        return Err(KeystoreError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    Ok(())
}

/// The password as UTF-16BE code units (a Java `char[]` written high byte first): non-BMP
/// characters become surrogate pairs, exactly as Java and OpenSSL encode them.
pub(crate) fn utf16be(password: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(password.len() * 2));
    for unit in password.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// Constant-time equality (lengths are public).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimiser from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16be_uses_surrogate_pairs() {
        assert_eq!(&utf16be("aä🔑")[..], &[0x00, 0x61, 0x00, 0xe4, 0xd8, 0x3d, 0xdd, 0x11]);
        assert!(utf16be("").is_empty());
    }

    #[test]
    fn ct_eq_works() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }

    #[test]
    fn non_keystores_are_named() {
        let l = Limits::default();
        assert_eq!(verify(b"", "x", &l), Err(KeystoreError::Empty));
        assert_eq!(
            verify(b"-----BEGIN CERTIFICATE-----\n", "x", &l),
            Err(KeystoreError::NotAKeystore { detected: "PEM" })
        );
        assert!(matches!(
            verify(b"hello", "x", &l),
            Err(KeystoreError::NotAKeystore { .. })
        ));
        let small = Limits { max_bytes: 4, ..l };
        assert_eq!(
            verify(b"hello", "x", &small),
            Err(KeystoreError::TooLarge { size: 5, max: 4 })
        );
    }

    #[test]
    fn messages_are_sentences_without_secrets() {
        let e = KeystoreError::WrongStorePassword.to_string();
        assert!(e.contains("tampered with, or password was incorrect"));
        assert!(e.contains("cannot be told apart"));
        assert!(
            KeystoreError::NotAKeystore { detected: "PEM" }
                .to_string()
                .contains("openssl pkcs12 -export")
        );
    }
}
