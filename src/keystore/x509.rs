//! Placeholder until the X.509 summary lands (keystore branch): the contract only.

use super::KeystoreError;

/// What `ssl check` shows about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub serial_hex: String,
    pub not_before: i64,
    pub not_after: i64,
    pub is_ca: bool,
    pub sha256_fingerprint: String,
}

/// Reads the summary of a DER certificate.
pub fn cert_info(_der: &[u8]) -> Result<CertInfo, KeystoreError> {
    Err(KeystoreError::Unsupported {
        what: "reading X.509 certificates".to_owned(),
    })
}
