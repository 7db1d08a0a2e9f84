//! PEM export of certificates (RFC 7468 §5: `-----BEGIN CERTIFICATE-----`, base64 in lines of 64
//! characters), for ODBC drivers that take a CA file (MariaDB `SSLCA`, Db2
//! `SSLServerCertificate`), and the choice of which certificates a store trusts.

use base64ct::{Base64, Encoding};

use super::{EntryKind, StoreType, Verified};

/// The certificates as concatenated PEM blocks, each line ending in "\n" (what OpenSSL writes
/// and every PEM reader accepts). Empty input gives an empty string.
pub fn certs_to_pem(certs: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for der in certs {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = Base64::encode_string(der);
        // Base64 output is ASCII, so byte chunks are whole characters.
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

/// The trust anchors of a verified store, in file order, as Java would use them:
/// - JKS / JCEKS: every trustedCertEntry;
/// - PKCS#12: every certificate bag carrying Java's trusted key usage attribute
///   (2.16.840.1.113894.746875.1.1), which keytool writes for `-importcert`.
///
/// PKCS#12 certificate bags *without* that attribute and without a key (what
/// `openssl pkcs12 -export -nokeys` writes before OpenSSL 3.2's `-jdktrust`) are **not** trust
/// anchors: JDK 17 `keytool -list` shows such a file as "Your keystore contains 0 entries" and
/// a Java TrustManager ignores them (checked by `tests/keystore_agreement.rs`). Matching Java
/// keeps `ssl check` honest about what Traveler's JVM will trust; their entries are still listed
/// with [`EntryKind::Certificate`] so a caller can explain why the count is 0.
/// A private key's own chain is never a trust anchor.
pub fn trusted_certificates(v: &Verified) -> Vec<&[u8]> {
    match v.store_type {
        StoreType::Jks | StoreType::Jceks | StoreType::Pkcs12 => v
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::TrustedCert)
            .flat_map(|e| e.certificates.iter().map(Vec::as_slice))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_64_columns() {
        let pem = certs_to_pem(&[vec![0u8; 100], vec![0xff; 3]]);
        let lines: Vec<&str> = pem.lines().collect();
        assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 64);
        assert_eq!(lines[3].len(), 136 - 128);
        assert_eq!(lines[4], "-----END CERTIFICATE-----");
        assert_eq!(lines[6], "////");
        assert!(pem.ends_with("-----END CERTIFICATE-----\n"));
        assert_eq!(certs_to_pem(&[]), "");
    }
}
