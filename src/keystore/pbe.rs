//! Password-based decryption of PKCS#12 bags and JCEKS keys, only to check passwords and to read
//! certificates: the plaintext is parsed and dropped (zeroized), never returned to a caller
//! outside the keystore module.
//!
//! Schemes (the ones keytool and OpenSSL write):
//! - PBES2 (RFC 8018 §6.2, §A.4): PBKDF2 with HMAC-SHA-1/SHA-2 over the password's UTF-8 bytes
//!   (what OpenSSL and Java's PBKDF2 use), then AES-128/192/256-CBC or DES-EDE3-CBC.
//! - PKCS#12 PBE (RFC 7292 Appendix B.2 KDF with SHA-1, ID 1 for the key and ID 2 for the IV,
//!   password as BMPString + `00 00`; Appendix C OIDs): 3-key and 2-key 3DES-CBC, RC2-128-CBC and
//!   RC2-40-CBC.
//! - PBEWithMD5AndTripleDES (JCEKS, com.sun.crypto.provider.PBES1Core): MD5 over each salt half.
//!
//! CBC padding alone is not a password check (a wrong key gives valid PKCS#7 padding about one
//! time in 256), so every caller also parses the plaintext as the DER it must be.

use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, KeyInit, KeyIvInit, block_padding::Pkcs7};
use md5::{Digest, Md5};
use zeroize::Zeroizing;

use super::der::{self, Tlv};
use super::hash::{self, Hash};
use super::{KeystoreError, Limits, utf16be};

/// 1.2.840.113549.1.5.13
const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
/// 1.2.840.113549.1.5.12
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
/// 1.2.840.113549.1.12.1 (pkcs-12PbeIds); the last arc selects the cipher (RFC 7292 Appendix C).
const PKCS12_PBE_IDS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01];
/// 2.16.840.1.101.3.4.1 (NIST AES); .2 aes128-CBC, .22 aes192-CBC, .42 aes256-CBC.
const NIST_AES: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01];
/// 1.2.840.113549.3.7 des-ede3-cbc (RFC 8018 §B.2.2).
const OID_DES_EDE3_CBC: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
/// 1.3.6.1.4.1.42.2.19.1 PBEWithMD5AndTripleDES (Sun JCE, used by JCEKS key entries).
pub(crate) const OID_PBE_MD5_3DES: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x13, 0x01];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
    DesEde2,
    Rc2 { key_len: usize },
}

impl Cipher {
    fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 | Cipher::DesEde2 => 16,
            Cipher::Aes192 | Cipher::DesEde3 => 24,
            Cipher::Aes256 => 32,
            Cipher::Rc2 { key_len } => key_len,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Cipher::Aes128 | Cipher::Aes192 | Cipher::Aes256 => 16,
            Cipher::DesEde3 | Cipher::DesEde2 | Cipher::Rc2 { .. } => 8,
        }
    }

    fn name(self) -> String {
        match self {
            Cipher::Aes128 => "AES-128-CBC".into(),
            Cipher::Aes192 => "AES-192-CBC".into(),
            Cipher::Aes256 => "AES-256-CBC".into(),
            Cipher::DesEde3 => "3-key 3DES-CBC".into(),
            Cipher::DesEde2 => "2-key 3DES-CBC".into(),
            Cipher::Rc2 { key_len } => format!("RC2-{}-CBC", key_len * 8),
        }
    }

    /// CBC decryption with PKCS#7 padding removal; `None` when the padding is wrong.
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if data.is_empty() || !data.len().is_multiple_of(self.block_len()) {
            return None;
        }
        let mut buf = Zeroizing::new(data.to_vec());
        let len = match self {
            Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(key, iv, &mut buf),
            Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(key, iv, &mut buf),
            Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(key, iv, &mut buf),
            Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(key, iv, &mut buf),
            Cipher::DesEde2 => cbc_decrypt::<des::TdesEde2>(key, iv, &mut buf),
            Cipher::Rc2 { key_len } => {
                // RFC 7292 Appendix C: the effective key length equals the key length in bits
                // (40 or 128); `Rc2::new_from_slice` would use 1024 effective bits instead.
                let inner = rc2::Rc2::new_with_eff_key_len(key.get(..key_len)?, key_len * 8);
                use cbc::cipher::InnerIvInit;
                let mode = cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(inner, iv).ok()?;
                mode.decrypt_padded::<Pkcs7>(&mut buf).ok().map(<[u8]>::len)
            }
        }?;
        buf.truncate(len);
        Some(buf)
    }
}

fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Option<usize> {
    let mode = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    mode.decrypt_padded::<Pkcs7>(buf).ok().map(<[u8]>::len)
}

type KeyIv = (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>);

/// A parsed password-based encryption AlgorithmIdentifier.
#[derive(Debug, Clone)]
pub(crate) struct Scheme<'a> {
    kind: Kind,
    cipher: Cipher,
    salt: &'a [u8],
    iterations: u64,
    /// PBES2 only: the IV from the encryption scheme's parameters.
    iv: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pbes2 { prf: Hash },
    Pkcs12,
    Md5TripleDes,
}

impl Scheme<'_> {
    /// For messages and reports, e.g. "PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC)".
    pub(crate) fn describe(&self) -> String {
        match self.kind {
            Kind::Pbes2 { prf } => format!("PBES2 (PBKDF2-HMAC-{}, {})", prf.name(), self.cipher.name()),
            Kind::Pkcs12 => format!("PKCS#12 PBE (SHA-1, {})", self.cipher.name()),
            Kind::Md5TripleDes => "PBEWithMD5AndTripleDES".into(),
        }
    }

    pub(crate) fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Decrypts `data` with `password` and hands the plaintext to `accept`, which must parse it
    /// strictly. Returns `Ok(true)` when some encoding of the password gives a plaintext that
    /// `accept` takes, `Ok(false)` when none does.
    pub(crate) fn try_decrypt(
        &self,
        password: &str,
        data: &[u8],
        limits: &Limits,
        accept: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<bool, KeystoreError> {
        if self.iterations == 0 {
            return Err(KeystoreError::Malformed {
                what: format!("the {} iteration count is 0", self.describe()),
            });
        }
        if self.iterations > limits.max_iterations {
            return Err(KeystoreError::IterationsTooHigh {
                iterations: self.iterations,
                max: limits.max_iterations,
            });
        }
        for candidate in self.password_encodings(password) {
            let Some((key, iv)) = self.derive(&candidate) else {
                continue;
            };
            if let Some(plain) = self.cipher.decrypt(&key, &iv, data)
                && accept(&plain)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The password bytes each scheme's producers use, most likely first.
    fn password_encodings(&self, password: &str) -> Vec<Zeroizing<Vec<u8>>> {
        match self.kind {
            // RFC 8018 leaves the encoding open; OpenSSL passes the UTF-8 bytes and Java's
            // PBKDF2 encodes the char[] as UTF-8.
            Kind::Pbes2 { .. } => vec![Zeroizing::new(password.as_bytes().to_vec())],
            Kind::Pkcs12 => {
                // RFC 7292 Appendix B.1: BMPString + 00 00. The same fallbacks as the MAC check:
                // an empty password as "absent", and pre-1.1.0 OpenSSL's byte-wise widening.
                let mut out = Vec::new();
                let mut bmp = utf16be(password);
                bmp.extend_from_slice(&[0, 0]);
                out.push(bmp);
                if password.is_empty() {
                    out.push(Zeroizing::new(Vec::new()));
                }
                if !password.is_ascii() {
                    let mut legacy = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
                    for b in password.bytes() {
                        legacy.extend_from_slice(&[0, b]);
                    }
                    legacy.extend_from_slice(&[0, 0]);
                    out.push(legacy);
                }
                out
            }
            // com.sun.crypto.provider.PBEKey accepts printable ASCII only ("Password is not
            // ASCII"), one byte per char; no other password can have protected a JCEKS key.
            Kind::Md5TripleDes => {
                if password.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
                    vec![Zeroizing::new(password.as_bytes().to_vec())]
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// (key, IV) for one password encoding.
    fn derive(&self, password: &[u8]) -> Option<KeyIv> {
        let key_len = self.cipher.key_len();
        match self.kind {
            Kind::Pbes2 { prf } => {
                let rounds = u32::try_from(self.iterations).ok()?;
                let mut key = Zeroizing::new(vec![0u8; key_len]);
                prf.pbkdf2(password, self.salt, rounds, &mut key);
                Some((key, Zeroizing::new(self.iv.to_vec())))
            }
            Kind::Pkcs12 => {
                let key = Hash::Sha1.pkcs12_kdf(1, password, self.salt, self.iterations, key_len);
                let iv = Hash::Sha1.pkcs12_kdf(2, password, self.salt, self.iterations, self.cipher.block_len());
                Some((key, iv))
            }
            Kind::Md5TripleDes => {
                let mut salt = <[u8; 8]>::try_from(self.salt).ok()?;
                // PBES1Core.deriveCipherKey: if both salt halves are equal, the first half is
                // reversed, so the two derived halves differ.
                if salt[..4] == salt[4..] {
                    salt[..4].reverse();
                }
                let mut out = Zeroizing::new(Vec::with_capacity(32));
                for half in salt.chunks(4) {
                    let mut block = Zeroizing::new(half.to_vec());
                    for _ in 0..self.iterations {
                        let next = Md5::new().chain_update(&block[..]).chain_update(password).finalize();
                        *block = next.to_vec();
                    }
                    out.extend_from_slice(&block);
                }
                let iv = Zeroizing::new(out.get(24..32)?.to_vec());
                out.truncate(24);
                Some((out, iv))
            }
        }
    }
}

/// Parses an encryption AlgorithmIdentifier (PBES2, PKCS#12 PBE or PBEWithMD5AndTripleDES).
pub(crate) fn parse_scheme<'a>(alg: &Tlv<'a>) -> Result<Scheme<'a>, KeystoreError> {
    let mut r = alg.reader();
    let oid = r.read(der::TAG_OID, "the encryption algorithm OID")?;
    let params = r.read(der::TAG_SEQUENCE, "the encryption algorithm parameters")?;
    r.finish("the encryption algorithm")?;
    if oid.value == OID_PBES2 {
        return parse_pbes2(&params);
    }
    if let Some(arc) = oid.value.strip_prefix(PKCS12_PBE_IDS) {
        let cipher = match arc {
            [3] => Cipher::DesEde3,
            [4] => Cipher::DesEde2,
            [5] => Cipher::Rc2 { key_len: 16 },
            [6] => Cipher::Rc2 { key_len: 5 },
            _ => return Err(unsupported(oid.value)),
        };
        let (salt, iterations) = salt_and_iterations(&params, "PKCS#12 PBE")?;
        return Ok(Scheme {
            kind: Kind::Pkcs12,
            cipher,
            salt,
            iterations,
            iv: &[],
        });
    }
    if oid.value == OID_PBE_MD5_3DES {
        let (salt, iterations) = salt_and_iterations(&params, "PBEWithMD5AndTripleDES")?;
        if salt.len() != 8 {
            return Err(KeystoreError::Malformed {
                what: format!("the PBEWithMD5AndTripleDES salt is {} bytes (expected 8)", salt.len()),
            });
        }
        return Ok(Scheme {
            kind: Kind::Md5TripleDes,
            cipher: Cipher::DesEde3,
            salt,
            iterations,
            iv: &[],
        });
    }
    Err(unsupported(oid.value))
}

/// RFC 8018 §A.2 `PBKDF2-params`, shared by PBES2 (here) and PBMAC1 (RFC 9579, `pkcs12`).
pub(crate) struct Pbkdf2Params<'a> {
    pub salt: &'a [u8],
    pub iterations: u64,
    pub key_len: Option<u64>,
    pub prf: Hash,
}

/// PBKDF2-params { salt CHOICE { specified OCTET STRING, otherSource }, iterationCount,
/// keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }.
pub(crate) fn parse_pbkdf2_params<'a>(params: &Tlv<'a>) -> Result<Pbkdf2Params<'a>, KeystoreError> {
    let mut pk = params.reader();
    if pk.peek_tag() != Some(der::TAG_OCTET_STRING) {
        return Err(KeystoreError::Unsupported {
            what: "a PBKDF2 salt from 'otherSource' (RFC 8018 §A.2)".into(),
        });
    }
    let salt = pk.read(der::TAG_OCTET_STRING, "the PBKDF2 salt")?.value;
    let iterations = der::integer_u64(
        &pk.read(der::TAG_INTEGER, "the PBKDF2 iteration count")?,
        "the PBKDF2 iteration count",
    )?;
    let key_len = match pk.read_optional(der::TAG_INTEGER, "the PBKDF2 key length")? {
        Some(tlv) => Some(der::integer_u64(&tlv, "the PBKDF2 key length")?),
        None => None,
    };
    let prf = match pk.read_optional(der::TAG_SEQUENCE, "the PBKDF2 PRF")? {
        Some(tlv) => hash::hmac_algorithm(&tlv)?,
        None => Hash::Sha1, // RFC 8018 §A.2: prf DEFAULT algid-hmacWithSHA1.
    };
    pk.finish("the PBKDF2 parameters")?;
    Ok(Pbkdf2Params {
        salt,
        iterations,
        key_len,
        prf,
    })
}

fn unsupported(oid: &[u8]) -> KeystoreError {
    KeystoreError::Unsupported {
        what: format!(
            "an entry is encrypted with algorithm OID {}; supported are PBES2 (PBKDF2 with AES-CBC or 3DES), \
             the PKCS#12 PBE schemes with 3DES or RC2, and PBEWithMD5AndTripleDES. Re-export the keystore with \
             a current keytool or 'openssl pkcs12 -export'",
            der::oid_to_string(oid)
        ),
    }
}

/// pkcs-12PbeParams and PBEParameter: `SEQUENCE { salt OCTET STRING, iterations INTEGER }`.
fn salt_and_iterations<'a>(params: &Tlv<'a>, what: &'static str) -> Result<(&'a [u8], u64), KeystoreError> {
    let mut p = params.reader();
    let salt = p.read(der::TAG_OCTET_STRING, "a PBE salt")?.value;
    let iterations = der::integer_u64(
        &p.read(der::TAG_INTEGER, "a PBE iteration count")?,
        "a PBE iteration count",
    )?;
    p.finish(what)?;
    Ok((salt, iterations))
}

/// RFC 8018 §A.4: `PBES2-params { keyDerivationFunc PBKDF2, encryptionScheme }`.
fn parse_pbes2<'a>(params: &Tlv<'a>) -> Result<Scheme<'a>, KeystoreError> {
    let mut p = params.reader();
    let kdf = p.read(der::TAG_SEQUENCE, "the PBES2 key derivation function")?;
    let enc = p.read(der::TAG_SEQUENCE, "the PBES2 encryption scheme")?;
    p.finish("the PBES2 parameters")?;

    let mut k = kdf.reader();
    let kdf_oid = k.read(der::TAG_OID, "the PBES2 KDF OID")?;
    if kdf_oid.value != OID_PBKDF2 {
        return Err(unsupported(kdf_oid.value));
    }
    let kp = k.read(der::TAG_SEQUENCE, "the PBKDF2 parameters")?;
    k.finish("the PBES2 KDF")?;
    let Pbkdf2Params {
        salt,
        iterations,
        key_len,
        prf,
    } = parse_pbkdf2_params(&kp)?;

    let mut e = enc.reader();
    let enc_oid = e.read(der::TAG_OID, "the PBES2 cipher OID")?;
    let iv = e.read(der::TAG_OCTET_STRING, "the PBES2 cipher IV")?.value;
    e.finish("the PBES2 encryption scheme")?;
    let cipher = if enc_oid.value == OID_DES_EDE3_CBC {
        Cipher::DesEde3
    } else {
        match enc_oid.value.strip_prefix(NIST_AES) {
            Some([2]) => Cipher::Aes128,
            Some([22]) => Cipher::Aes192,
            Some([42]) => Cipher::Aes256,
            _ => return Err(unsupported(enc_oid.value)),
        }
    };
    if iv.len() != cipher.block_len() {
        return Err(KeystoreError::Malformed {
            what: format!(
                "the {} IV is {} bytes (expected {})",
                cipher.name(),
                iv.len(),
                cipher.block_len()
            ),
        });
    }
    if let Some(len) = key_len
        && len != cipher.key_len() as u64
    {
        return Err(KeystoreError::Malformed {
            what: format!("the PBKDF2 key length {len} does not fit {}", cipher.name()),
        });
    }
    Ok(Scheme {
        kind: Kind::Pbes2 { prf },
        cipher,
        salt,
        iterations,
        iv,
    })
}

/// True when `plain` is exactly one PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5,
/// RFC 5958 §2): `SEQUENCE { INTEGER version, SEQUENCE { OID, ... }, OCTET STRING, ... }`.
pub(crate) fn is_private_key_info(plain: &[u8]) -> bool {
    let mut top = der::Reader::new(plain, 0);
    let Ok(seq) = top.read(der::TAG_SEQUENCE, "PrivateKeyInfo") else {
        return false;
    };
    if !top.is_empty() {
        return false;
    }
    let mut r = seq.reader();
    let ok = r
        .read(der::TAG_INTEGER, "version")
        .and_then(|v| der::integer_u64(&v, "version"))
        .is_ok_and(|v| v <= 1);
    ok && r
        .read(der::TAG_SEQUENCE, "algorithm")
        .is_ok_and(|alg| alg.reader().read(der::TAG_OID, "algorithm OID").is_ok())
        && r.read(der::TAG_OCTET_STRING, "privateKey").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cbc::cipher::BlockModeEncrypt;

    #[test]
    fn oids() {
        assert_eq!(der::oid_to_string(OID_PBES2), "1.2.840.113549.1.5.13");
        assert_eq!(der::oid_to_string(OID_PBE_MD5_3DES), "1.3.6.1.4.1.42.2.19.1");
        assert_eq!(der::oid_to_string(OID_DES_EDE3_CBC), "1.2.840.113549.3.7");
    }

    /// RC2 with 40 effective bits round-trips and rejects a cut ciphertext; agreement with
    /// OpenSSL's RC2-40 is shown by the `p12-legacy.p12` / `p12-jdk-legacy.p12` fixture tests.
    #[test]
    fn rc2_40_round_trip() {
        let key = [1u8, 2, 3, 4, 5];
        let iv = [0u8, 1, 2, 3, 4, 5, 6, 7];
        let inner = rc2::Rc2::new_with_eff_key_len(&key, 40);
        use cbc::cipher::InnerIvInit;
        let enc = cbc::Encryptor::<rc2::Rc2>::inner_iv_slice_init(inner, &iv).unwrap();
        let mut buf = [0u8; 16];
        buf[..12].copy_from_slice(b"hello world\n");
        let ct = enc.encrypt_padded::<Pkcs7>(&mut buf, 12).unwrap().to_vec();
        let plain = Cipher::Rc2 { key_len: 5 }.decrypt(&key, &iv, &ct).unwrap();
        assert_eq!(&plain[..], b"hello world\n");
        assert!(Cipher::Rc2 { key_len: 5 }.decrypt(&key, &iv, &ct[..15]).is_none());
    }

    #[test]
    fn private_key_info_shape() {
        // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }, OCTET STRING 00 }
        let pki = [
            0x30, 0x15, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x00, 0x04, 0x01, 0x00,
        ];
        assert!(is_private_key_info(&pki));
        assert!(!is_private_key_info(&pki[..pki.len() - 1]));
        let mut trailing = pki.to_vec();
        trailing.push(0);
        assert!(!is_private_key_info(&trailing));
    }
}
