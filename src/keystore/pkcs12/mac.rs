//! The PFX MAC: RFC 7292's traditional MAC (Appendix B.2 KDF, ID 3) and RFC 9579's PBMAC1
//! (PBKDF2, then HMAC), and the hashes both name.

use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512, Sha512_224, Sha512_256};
use zeroize::Zeroizing;

use super::super::der::{self, Tlv};
use super::super::{Integrity, KeystoreError, Limits, utf16be};
use super::{MAX_PBMAC1_KEY_LEN, NIST_HASH, OID_PBKDF2, OID_PBMAC1, OID_SHA1, RSADSI_DIGEST};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
}

impl Hash {
    fn from_digest_oid(oid: &[u8]) -> Option<Hash> {
        if oid == OID_SHA1 {
            return Some(Hash::Sha1);
        }
        match oid.strip_prefix(NIST_HASH)? {
            [1] => Some(Hash::Sha256),
            [2] => Some(Hash::Sha384),
            [3] => Some(Hash::Sha512),
            [4] => Some(Hash::Sha224),
            [5] => Some(Hash::Sha512_224),
            [6] => Some(Hash::Sha512_256),
            _ => None,
        }
    }

    fn from_hmac_oid(oid: &[u8]) -> Option<Hash> {
        match oid.strip_prefix(RSADSI_DIGEST)? {
            [7] => Some(Hash::Sha1),
            [8] => Some(Hash::Sha224),
            [9] => Some(Hash::Sha256),
            [10] => Some(Hash::Sha384),
            [11] => Some(Hash::Sha512),
            [12] => Some(Hash::Sha512_224),
            [13] => Some(Hash::Sha512_256),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
            Hash::Sha512_224 => "SHA-512/224",
            Hash::Sha512_256 => "SHA-512/256",
        }
    }

    /// u in RFC 7292 Appendix B.2.
    fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha224 | Hash::Sha512_224 => 28,
            Hash::Sha256 | Hash::Sha512_256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// v in RFC 7292 Appendix B.2 (the compression function's block size).
    fn block_len(self) -> usize {
        match self {
            Hash::Sha1 | Hash::Sha224 | Hash::Sha256 => 64,
            Hash::Sha384 | Hash::Sha512 | Hash::Sha512_224 | Hash::Sha512_256 => 128,
        }
    }

    pub(crate) fn pkcs12_kdf(
        self,
        id: u8,
        password: &[u8],
        salt: &[u8],
        iterations: u64,
        n: usize,
    ) -> Zeroizing<Vec<u8>> {
        let v = self.block_len();
        match self {
            Hash::Sha1 => pkcs12_kdf::<Sha1>(v, id, password, salt, iterations, n),
            Hash::Sha224 => pkcs12_kdf::<Sha224>(v, id, password, salt, iterations, n),
            Hash::Sha256 => pkcs12_kdf::<Sha256>(v, id, password, salt, iterations, n),
            Hash::Sha384 => pkcs12_kdf::<Sha384>(v, id, password, salt, iterations, n),
            Hash::Sha512 => pkcs12_kdf::<Sha512>(v, id, password, salt, iterations, n),
            Hash::Sha512_224 => pkcs12_kdf::<Sha512_224>(v, id, password, salt, iterations, n),
            Hash::Sha512_256 => pkcs12_kdf::<Sha512_256>(v, id, password, salt, iterations, n),
        }
    }

    /// Constant-time HMAC verification (`Mac::verify_slice`).
    fn hmac_matches(self, key: &[u8], data: &[u8], tag: &[u8]) -> bool {
        match self {
            Hash::Sha1 => hmac_matches::<Sha1>(key, data, tag),
            Hash::Sha224 => hmac_matches::<Sha224>(key, data, tag),
            Hash::Sha256 => hmac_matches::<Sha256>(key, data, tag),
            Hash::Sha384 => hmac_matches::<Sha384>(key, data, tag),
            Hash::Sha512 => hmac_matches::<Sha512>(key, data, tag),
            Hash::Sha512_224 => hmac_matches::<Sha512_224>(key, data, tag),
            Hash::Sha512_256 => hmac_matches::<Sha512_256>(key, data, tag),
        }
    }

    pub(crate) fn pbkdf2(self, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        match self {
            Hash::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, rounds, out),
            Hash::Sha224 => pbkdf2::pbkdf2_hmac::<Sha224>(password, salt, rounds, out),
            Hash::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, out),
            Hash::Sha384 => pbkdf2::pbkdf2_hmac::<Sha384>(password, salt, rounds, out),
            Hash::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, rounds, out),
            Hash::Sha512_224 => pbkdf2::pbkdf2_hmac::<Sha512_224>(password, salt, rounds, out),
            Hash::Sha512_256 => pbkdf2::pbkdf2_hmac::<Sha512_256>(password, salt, rounds, out),
        }
    }
}

fn hmac_matches<D: EagerHash>(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    match <Hmac<D> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.verify_slice(tag).is_ok()
        }
        Err(_) => false,
    }
}

/// RFC 7292 Appendix B.2. `v` is the hash block size in bytes; the password must already be
/// the BMPString with its two terminating zero bytes. Steps are numbered as in the RFC.
pub(crate) fn pkcs12_kdf<D: Digest>(
    v: usize,
    id: u8,
    password: &[u8],
    salt: &[u8],
    iterations: u64,
    n: usize,
) -> Zeroizing<Vec<u8>> {
    let u = <D as Digest>::output_size();
    // 1. D = v copies of ID.
    let diversifier = vec![id; v];
    // 2.–4. I = S ‖ P, each the input repeated to a multiple of v bytes (empty stays empty).
    let repeat = |input: &[u8]| -> Zeroizing<Vec<u8>> {
        let len = input.len().div_ceil(v) * v;
        Zeroizing::new(input.iter().copied().cycle().take(len).collect())
    };
    let mut i_buf = repeat(salt);
    i_buf.extend_from_slice(&repeat(password));
    // 5.–7. c = ⌈n/u⌉ rounds of A_i = H^r(D ‖ I), then I_j += B + 1 (mod 2^8v) per v-byte block.
    let rounds = n.div_ceil(u.max(1));
    let mut out = Zeroizing::new(Vec::with_capacity(rounds * u));
    for round in 0..rounds {
        let mut a = Zeroizing::new(
            D::new()
                .chain_update(&diversifier)
                .chain_update(&i_buf[..])
                .finalize()
                .to_vec(),
        );
        for _ in 1..iterations {
            let next = D::digest(&a[..]);
            a.copy_from_slice(&next);
        }
        out.extend_from_slice(&a);
        if round + 1 == rounds {
            break;
        }
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for block in i_buf.chunks_mut(v) {
            // Big-endian addition of B + 1 into the block.
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

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

/// An HMAC AlgorithmIdentifier (RFC 8018 §B.1.2), parameters absent or NULL.
pub(crate) fn hmac_algorithm(tlv: &Tlv<'_>) -> Result<Hash, KeystoreError> {
    let mut r = tlv.reader();
    let oid = r.read(der::TAG_OID, "an HMAC algorithm OID")?;
    r.read_optional(der::TAG_NULL, "HMAC parameters")?;
    r.finish("an HMAC algorithm")?;
    Hash::from_hmac_oid(oid.value).ok_or_else(|| KeystoreError::UnsupportedMac {
        oid: der::oid_to_string(oid.value),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{OID_JAVA_TRUSTED, OID_X509_CERT};
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn bmp(s: &str) -> Vec<u8> {
        let mut v = utf16be(s).to_vec();
        v.extend([0, 0]);
        v
    }

    // Vectors: the first is the classic BouncyCastle PKCS12 test vector ("smeg"); all were
    // cross-checked with `openssl kdf -kdfopt hexpass:<BMP+0000> ... PKCS12KDF` (OpenSSL 3.0.19).
    #[test]
    fn kdf_known_vectors() {
        let k = Hash::Sha1.pkcs12_kdf(1, &bmp("smeg"), &hex("0A58CF64530D823F"), 1, 24);
        assert_eq!(&k[..], &hex("8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")[..]);
        let k = Hash::Sha1.pkcs12_kdf(3, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 1000, 20);
        assert_eq!(&k[..], &hex("022DB40D747DA404972B3144296BA4B80A96B1F3")[..]);
        let k = Hash::Sha512.pkcs12_kdf(3, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 1000, 64);
        let want = "443B0786AED10E1E2017055E346ADEAACEF6B2488EB7370BDF30EA3B32C1503B\
                    45474AC48D589F8FE9993CCAB862289DBE89DA2D0A941450C1B2CE41189EBF7D";
        assert_eq!(&k[..], &hex(want)[..]);
        // n > u: several rounds, exercising the I_j += B + 1 step.
        let k = Hash::Sha1.pkcs12_kdf(1, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 3, 50);
        let want =
            "31F6A80E665E33246D18B84EDEA269DB09FEC7AA65D22E39196BD012AEF543314C07523CE557D39FF722D96F6A4F9CCA4000";
        assert_eq!(&k[..], &hex(want)[..]);
        // Empty password: just the two zero bytes.
        let k = Hash::Sha1.pkcs12_kdf(3, &[0, 0], &hex("01020304"), 2, 20);
        assert_eq!(&k[..], &hex("27996181AF3357E42041B5AE547EB78D6733706B")[..]);
    }

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
        assert_eq!(
            Hash::from_hmac_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09]),
            Some(Hash::Sha256)
        );
        assert_eq!(
            Hash::from_digest_oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]),
            Some(Hash::Sha512)
        );
    }
}
