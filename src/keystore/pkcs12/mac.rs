//! The PFX MAC: RFC 7292's traditional MAC (Appendix B.2 KDF, ID 3) and RFC 9579's PBMAC1
//! (PBKDF2, then HMAC).

use zeroize::Zeroizing;

use super::super::der::{self, Tlv};
use super::super::hash::{Hash, hmac_algorithm};
use super::super::{Integrity, KeystoreError, Limits, utf16be};
use super::{MAX_PBMAC1_KEY_LEN, OID_PBKDF2, OID_PBMAC1};

pub(super) fn check_mac(
    mac_data: &Tlv<'_>,
    data: &[u8],
    password: &str,
    limits: &Limits,
) -> Result<Integrity, KeystoreError> {
    let mut md = mac_data.reader();
    let digest_info = md.read(der::TAG_SEQUENCE, "the MAC DigestInfo")?;
    let mac_salt = md.read(der::TAG_OCTET_STRING, "the MAC salt")?.value;
    let iterations = match md.read_optional(der::TAG_INTEGER, "the MAC iteration count")? {
        Some(tlv) => der::integer_u64(&tlv, "the MAC iteration count")?,
        None => 1, // RFC 7292 §4: iterations INTEGER DEFAULT 1.
    };
    md.finish("the MacData")?;

    let mut di = digest_info.reader();
    let algorithm = di.read(der::TAG_SEQUENCE, "the MAC algorithm")?;
    let digest = di.read(der::TAG_OCTET_STRING, "the MAC value")?.value;
    di.finish("the MAC DigestInfo")?;
    let mut alg = algorithm.reader();
    let oid = alg.read(der::TAG_OID, "the MAC algorithm OID")?;

    if OID_PBMAC1.is(oid.value) {
        let params = alg.read(der::TAG_SEQUENCE, "the PBMAC1 parameters")?;
        alg.finish("the MAC algorithm")?;
        return check_pbmac1(&params, data, digest, password, limits);
    }
    let hash = Hash::from_digest_oid(oid.value).ok_or_else(|| KeystoreError::UnsupportedMac {
        oid: der::oid_to_string(oid.value),
    })?;
    // Parameters are absent or NULL for hash algorithms.
    if let Some(params) = alg.read_optional(der::TAG_NULL, "the MAC algorithm parameters")?
        && !params.value.is_empty()
    {
        return Err(KeystoreError::Malformed {
            what: "the MAC algorithm's NULL parameters are not empty".into(),
        });
    }
    alg.finish("the MAC algorithm")?;
    check_iterations(iterations, limits)?;
    if digest.len() != hash.output_len() {
        return Err(KeystoreError::Malformed {
            what: format!(
                "the {} MAC value is {} bytes (expected {})",
                hash.name(),
                digest.len(),
                hash.output_len()
            ),
        });
    }

    let matches = |pw: &[u8]| {
        let key = hash.pkcs12_kdf(3, pw, mac_salt, iterations, hash.output_len());
        hash.hmac_matches(&key, data, digest)
    };
    let algorithm = format!("HMAC-{} (PKCS#12 KDF)", hash.name());
    // RFC 7292 Appendix B.1: BMPString (UTF-16BE, surrogate pairs for non-BMP) + two zero bytes.
    let mut bmp = utf16be(password);
    bmp.extend_from_slice(&[0, 0]);
    if matches(&bmp) {
        return Ok(Integrity {
            algorithm,
            iterations: Some(iterations),
        });
    }
    // An empty password may have been encoded as "no password" (zero bytes) rather than as the
    // two-byte terminator: OpenSSL's PKCS12_verify_mac accepts both for the same reason.
    if password.is_empty() && matches(&[]) {
        return Ok(Integrity {
            algorithm: format!("{algorithm}, empty password encoded as absent"),
            iterations: Some(iterations),
        });
    }
    // OpenSSL before 1.1.0 widened each UTF-8 *byte* to a code unit (asc2uni); `openssl pkcs12`
    // still retries that way and warns "using broken algorithm".
    if !password.is_ascii() {
        let mut legacy = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
        for b in password.bytes() {
            legacy.extend_from_slice(&[0, b]);
        }
        legacy.extend_from_slice(&[0, 0]);
        if matches(&legacy) {
            return Ok(Integrity {
                algorithm: format!("{algorithm}, password in the pre-1.1.0 OpenSSL byte-wise encoding"),
                iterations: Some(iterations),
            });
        }
    }
    Err(KeystoreError::WrongStorePassword)
}

fn check_iterations(iterations: u64, limits: &Limits) -> Result<(), KeystoreError> {
    if iterations == 0 {
        return Err(KeystoreError::Malformed {
            what: "the MAC iteration count is 0".into(),
        });
    }
    if iterations > limits.max_iterations {
        return Err(KeystoreError::IterationsTooHigh {
            iterations,
            max: limits.max_iterations,
        });
    }
    Ok(())
}

/// RFC 9579 §3–§5: PBMAC1-params { keyDerivationFunc PBKDF2, messageAuthScheme HMAC }.
fn check_pbmac1(
    params: &Tlv<'_>,
    data: &[u8],
    digest: &[u8],
    password: &str,
    limits: &Limits,
) -> Result<Integrity, KeystoreError> {
    let mut p = params.reader();
    let kdf = p.read(der::TAG_SEQUENCE, "the PBMAC1 key derivation function")?;
    let scheme = p.read(der::TAG_SEQUENCE, "the PBMAC1 message authentication scheme")?;
    p.finish("the PBMAC1 parameters")?;

    let mut k = kdf.reader();
    let kdf_oid = k.read(der::TAG_OID, "the PBMAC1 KDF OID")?;
    if !OID_PBKDF2.is(kdf_oid.value) {
        return Err(KeystoreError::UnsupportedMac {
            oid: der::oid_to_string(kdf_oid.value),
        });
    }
    let pbkdf2_params = k.read(der::TAG_SEQUENCE, "the PBKDF2 parameters")?;
    k.finish("the PBMAC1 KDF")?;

    let super::pbe::Pbkdf2Params {
        salt,
        iterations,
        key_len,
        prf,
    } = super::pbe::parse_pbkdf2_params(&pbkdf2_params)?;
    // RFC 9579 §4: keyLength is required for PBMAC1 (its Appendix A.6 vector must fail).
    let Some(key_len) = key_len else {
        return Err(KeystoreError::Malformed {
            what: "the PBMAC1 PBKDF2 parameters lack keyLength, which RFC 9579 requires".into(),
        });
    };
    let mac = hmac_algorithm(&scheme)?;

    check_iterations(iterations, limits)?;
    let rounds = u32::try_from(iterations).map_err(|_| KeystoreError::IterationsTooHigh {
        iterations,
        max: limits.max_iterations.min(u64::from(u32::MAX)),
    })?;
    if key_len == 0 || key_len > MAX_PBMAC1_KEY_LEN {
        return Err(KeystoreError::Malformed {
            what: format!("the PBMAC1 key length {key_len} is out of range"),
        });
    }
    if digest.len() != mac.output_len() {
        return Err(KeystoreError::Malformed {
            what: format!(
                "the PBMAC1 HMAC-{} value is {} bytes (expected {})",
                mac.name(),
                digest.len(),
                mac.output_len()
            ),
        });
    }
    let mut key = Zeroizing::new(vec![0u8; usize::try_from(key_len).unwrap_or(0)]);
    // RFC 9579 §5: the password is UTF-8, not a BMPString.
    prf.pbkdf2(password.as_bytes(), salt, rounds, &mut key);
    if !mac.hmac_matches(&key, data, digest) {
        return Err(KeystoreError::WrongStorePassword);
    }
    Ok(Integrity {
        algorithm: format!("PBMAC1 HMAC-{} (PBKDF2-HMAC-{})", mac.name(), prf.name()),
        iterations: Some(iterations),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{OID_JAVA_TRUSTED, OID_X509_CERT};
    use super::*;

    #[test]
    fn oids_name_correctly() {
        assert_eq!(der::oid_to_string(OID_JAVA_TRUSTED), "2.16.840.1.113894.746875.1.1");
        assert_eq!(
            der::oid_to_string(&OID_PBMAC1.bytes[..OID_PBMAC1.len]),
            "1.2.840.113549.1.5.14"
        );
        assert_eq!(
            der::oid_to_string(&OID_X509_CERT.bytes[..OID_X509_CERT.len]),
            "1.2.840.113549.1.9.22.1"
        );
    }
}
