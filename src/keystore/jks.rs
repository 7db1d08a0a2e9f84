//! JKS (`0xFEEDFEED`) and JCEKS (`0xCECECECE`) stores: layout, the keyed integrity digest, and
//! the JKS private-key protection check.
//!
//! Layout (sun.security.provider.JavaKeyStore, com.sun.crypto.provider.JceKeyStore), all
//! integers big-endian: `u32 magic, u32 version (1|2), u32 count`, then per entry `u32 tag`:
//! - 1 private key: `UTF alias, u64 ms, u32 len + EncryptedPrivateKeyInfo, u32 n`, then n times
//!   `[UTF type if version 2], u32 len + DER`;
//! - 2 trusted certificate: `UTF alias, u64 ms, [UTF type if version 2], u32 len + DER`;
//! - 3 secret key (JCEKS only): `UTF alias, u64 ms`, then a serialized Java object (no length).
//!
//! "UTF" is Java's modified UTF-8 with a u16 length. The file ends with
//! `SHA1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ every byte before the digest)`. Because
//! the password only enters that digest, a wrong password and a modified file are
//! indistinguishable by design.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::der::{self, Reader};
use super::pbe::{self, OID_PBE_MD5_3DES};
use super::{Entry, EntryKind, Integrity, KeystoreError, Limits, StoreType, Verified, ct_eq, utf16be};

const DIGEST_LEN: usize = 20;
const HEADER_LEN: usize = 12;
const WHITENER: &[u8] = b"Mighty Aphrodite";
/// 1.3.6.1.4.1.42.2.17.1.1, Sun's proprietary JKS key protection.
const OID_JKS_KEY_PROTECTOR: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01];

struct RawEntry<'a> {
    alias: String,
    kind: EntryKind,
    /// The EncryptedPrivateKeyInfo DER of a private-key entry.
    protected_key: Option<&'a [u8]>,
    certificates: Vec<Vec<u8>>,
}

struct Parsed<'a> {
    entries: Vec<RawEntry<'a>>,
    /// Listing stopped at a JCEKS secret key (see the module comment).
    partial: bool,
}

/// A bounds-checked big-endian reader; offsets in errors are file offsets.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], KeystoreError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(KeystoreError::Truncated { at: self.pos, what })?;
        let out = self
            .data
            .get(self.pos..end)
            .ok_or(KeystoreError::Truncated { at: self.pos, what })?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], KeystoreError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, what)?);
        Ok(out)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, KeystoreError> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, KeystoreError> {
        Ok(u32::from_be_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, KeystoreError> {
        Ok(u64::from_be_bytes(self.array(what)?))
    }

    /// `u32 length + bytes` (Java writes lengths as signed ints; a negative one cannot fit).
    fn blob(&mut self, what: &'static str) -> Result<&'a [u8], KeystoreError> {
        let len = self.u32(what)?;
        let len = usize::try_from(len).map_err(|_| KeystoreError::Truncated { at: self.pos, what })?;
        self.bytes(len, what)
    }

    /// Java `DataInput.readUTF`: u16 length + modified UTF-8.
    fn utf(&mut self, what: &'static str) -> Result<String, KeystoreError> {
        let at = self.pos;
        let len = usize::from(self.u16(what)?);
        let raw = self.bytes(len, what)?;
        decode_modified_utf8(raw).ok_or_else(|| KeystoreError::Malformed {
            what: format!("{what} at byte {at} is not valid modified UTF-8"),
        })
    }
}

/// Java's modified UTF-8 (DataInput §"Modified UTF-8"): 1 to 3 byte forms of UTF-16 code units;
/// non-BMP characters appear as two 3-byte surrogates, NUL as `C0 80`.
fn decode_modified_utf8(raw: &[u8]) -> Option<String> {
    let mut units = Vec::with_capacity(raw.len());
    let mut it = raw.iter().copied();
    while let Some(a) = it.next() {
        let unit = match a {
            0x01..=0x7f => u16::from(a),
            0xc0..=0xdf => {
                let b = it.next().filter(|b| b & 0xc0 == 0x80)?;
                (u16::from(a & 0x1f) << 6) | u16::from(b & 0x3f)
            }
            0xe0..=0xef => {
                let b = it.next().filter(|b| b & 0xc0 == 0x80)?;
                let c = it.next().filter(|c| c & 0xc0 == 0x80)?;
                (u16::from(a & 0x0f) << 12) | (u16::from(b & 0x3f) << 6) | u16::from(c & 0x3f)
            }
            _ => return None,
        };
        units.push(unit);
    }
    Some(String::from_utf16_lossy(&units))
}

fn parse(bytes: &[u8], jceks: bool) -> Result<Parsed<'_>, KeystoreError> {
    let name = if jceks { "JCEKS" } else { "JKS" };
    if bytes.len() < HEADER_LEN + DIGEST_LEN {
        return Err(KeystoreError::Truncated {
            at: bytes.len(),
            what: "the header and the 20-byte integrity digest",
        });
    }
    // Checked above: the body is everything before the trailing digest.
    let body = bytes.get(..bytes.len() - DIGEST_LEN).unwrap_or_default();
    let mut c = Cursor { data: body, pos: 4 };
    let version = c.u32("the format version")?;
    if version != 1 && version != 2 {
        return Err(KeystoreError::Malformed {
            what: format!("{name} format version {version} (expected 1 or 2)"),
        });
    }
    let count = c.u32("the entry count")?;
    let mut entries = Vec::new();
    for index in 0..count {
        let at = c.pos;
        let tag = c.u32("an entry tag")?;
        match tag {
            1 => {
                let alias = c.utf("a private-key entry's alias")?;
                c.u64("a private-key entry's timestamp")?;
                let key = c.blob("a private-key entry's protected key")?;
                let chain_len = c.u32("a private-key entry's chain length")?;
                let mut certificates = Vec::new();
                for _ in 0..chain_len {
                    if version == 2 {
                        c.utf("a certificate type")?;
                    }
                    certificates.push(c.blob("a chain certificate")?.to_vec());
                }
                entries.push(RawEntry {
                    alias,
                    kind: EntryKind::PrivateKey,
                    protected_key: Some(key),
                    certificates,
                });
            }
            2 => {
                let alias = c.utf("a trusted-certificate entry's alias")?;
                c.u64("a trusted-certificate entry's timestamp")?;
                if version == 2 {
                    c.utf("a certificate type")?;
                }
                let cert = c.blob("a trusted certificate")?.to_vec();
                entries.push(RawEntry {
                    alias,
                    kind: EntryKind::TrustedCert,
                    protected_key: None,
                    certificates: vec![cert],
                });
            }
            3 if jceks => {
                let alias = c.utf("a secret-key entry's alias")?;
                c.u64("a secret-key entry's timestamp")?;
                entries.push(RawEntry {
                    alias,
                    kind: EntryKind::SecretKey,
                    protected_key: None,
                    certificates: vec![],
                });
                // The sealed key is a Java-serialized object without a length prefix: stop listing.
                return Ok(Parsed {
                    entries,
                    partial: index + 1 < count,
                });
            }
            other => {
                return Err(KeystoreError::Malformed {
                    what: format!("{name} entry {} at byte {at} has unknown tag {other}", index + 1),
                });
            }
        }
    }
    if c.pos != body.len() {
        return Err(KeystoreError::Malformed {
            what: format!(
                "the {name} entries end at byte {}, but the integrity digest starts at byte {}",
                c.pos,
                body.len()
            ),
        });
    }
    Ok(Parsed {
        entries,
        partial: false,
    })
}

/// The keyed integrity digest that ends a JKS/JCEKS file, over `body` (every byte before it):
/// `SHA1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ body)`. Public so tests and fuzz targets
/// can seal stores they build; the digest itself is stored in the clear, so it is not secret.
pub fn keyed_digest(password: &str, body: &[u8]) -> [u8; DIGEST_LEN] {
    let pw = utf16be(password);
    let mut hasher = Sha1::new();
    hasher.update(&pw[..]);
    hasher.update(WHITENER);
    hasher.update(body);
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(&hasher.finalize());
    out
}

pub(crate) fn verify(bytes: &[u8], password: &str, jceks: bool, limits: &Limits) -> Result<Verified, KeystoreError> {
    let parsed = parse(bytes, jceks)?;
    let split = bytes.len().saturating_sub(DIGEST_LEN);
    let (body, stored) = bytes.split_at_checked(split).unwrap_or((bytes, &[]));
    if !ct_eq(&keyed_digest(password, body), stored) {
        // Keys are usually protected with the store password (keytool's -keypass default). If
        // one opens with it, the password is right and the file was modified (flipped.jks);
        // keytool cannot tell these apart and says "tampered with, or password was incorrect".
        // Only the first key: a JCEKS key costs a full KDF, and many keys must not multiply it.
        if let Some(e) = parsed.entries.iter().find(|e| e.protected_key.is_some())
            && let Some(epki) = e.protected_key
            && check_protected_key(&e.alias, epki, password, limits).is_ok()
        {
            return Err(KeystoreError::Modified {
                what: format!("the private key '{}'", e.alias),
            });
        }
        return Err(KeystoreError::WrongStorePassword);
    }
    let (store_type, name) = if jceks {
        (StoreType::Jceks, "JCEKS")
    } else {
        (StoreType::Jks, "JKS")
    };
    Ok(Verified {
        store_type,
        integrity: Integrity {
            algorithm: format!("SHA-1 keyed digest ({name})"),
            iterations: None,
        },
        entries: parsed
            .entries
            .into_iter()
            .map(|e| Entry {
                alias: Some(e.alias),
                kind: e.kind,
                certificates: e.certificates,
            })
            .collect(),
        partial: parsed.partial,
    })
}

pub(crate) fn verify_key_password(
    bytes: &[u8],
    alias: &str,
    password: &str,
    limits: &Limits,
) -> Result<(), KeystoreError> {
    let jceks = bytes.starts_with(&[0xce; 4]);
    let parsed = parse(bytes, jceks)?;
    // Java looks aliases up lower-cased (Locale.ENGLISH); keytool stores them lower-cased.
    let wanted = alias.to_lowercase();
    let entry = parsed
        .entries
        .iter()
        .find(|e| e.alias == alias)
        .or_else(|| parsed.entries.iter().find(|e| e.alias.to_lowercase() == wanted));
    let Some(entry) = entry else {
        if parsed.partial {
            return Err(KeystoreError::Unsupported {
                what: format!(
                    "alias '{alias}' was not found before a JCEKS secret-key entry, which cannot be skipped \
                     without a Java deserializer"
                ),
            });
        }
        return Err(KeystoreError::UnknownAlias {
            alias: alias.to_owned(),
        });
    };
    let Some(protected) = entry.protected_key else {
        let kind = match entry.kind {
            EntryKind::SecretKey => "a secret-key entry (JCEKS sealed object)",
            _ => "a trusted-certificate entry, which has no key and no key password",
        };
        return Err(KeystoreError::Unsupported {
            what: format!("alias '{}' is {kind}", entry.alias),
        });
    };
    check_protected_key(&entry.alias, protected, password, limits)
}

/// EncryptedPrivateKeyInfo (RFC 5208 §6) with Sun's key protector:
/// `salt(20) ‖ plaintext ⊕ keystream ‖ SHA1(pw ‖ plaintext)`, keystream blocks
/// `dᵢ = SHA1(pw ‖ dᵢ₋₁)`, `d₀ = salt` (sun.security.provider.KeyProtector).
fn check_protected_key(alias: &str, epki: &[u8], password: &str, limits: &Limits) -> Result<(), KeystoreError> {
    let malformed = |what: &str| KeystoreError::Malformed {
        what: format!("the protected key of alias '{alias}': {what}"),
    };
    let mut outer = Reader::new(epki, 0);
    let seq = outer.read(der::TAG_SEQUENCE, "EncryptedPrivateKeyInfo")?;
    let mut r = seq.reader();
    let alg = r.read(der::TAG_SEQUENCE, "the key protection algorithm")?;
    let oid = alg.reader().read(der::TAG_OID, "the key protection algorithm OID")?;
    let data = r.read(der::TAG_OCTET_STRING, "the protected key data")?.value;
    if oid.value == OID_PBE_MD5_3DES {
        // JCEKS (com.sun.crypto.provider.KeyProtector): PBEWithMD5AndTripleDES over the PKCS#8
        // encoding. The plaintext must parse as PrivateKeyInfo; padding alone is no check.
        let scheme = pbe::parse_scheme(&alg)?;
        return if scheme.try_decrypt(password, data, limits, &mut |p| pbe::is_private_key_info(p))? {
            Ok(())
        } else {
            Err(KeystoreError::WrongKeyPassword {
                alias: alias.to_owned(),
            })
        };
    }
    if oid.value != OID_JKS_KEY_PROTECTOR {
        return Err(KeystoreError::Unsupported {
            what: format!(
                "the key of alias '{alias}' is protected with algorithm OID {}, which this check does not implement",
                der::oid_to_string(oid.value)
            ),
        });
    }
    if data.len() < 2 * DIGEST_LEN {
        return Err(malformed("shorter than its salt and check value"));
    }
    let (salt, rest) = data.split_at_checked(DIGEST_LEN).ok_or_else(|| malformed("no salt"))?;
    let (encrypted, check) = rest
        .split_at_checked(rest.len() - DIGEST_LEN)
        .ok_or_else(|| malformed("no check value"))?;

    let pw = utf16be(password);
    let mut plain = Zeroizing::new(encrypted.to_vec());
    let mut block = Zeroizing::new([0u8; DIGEST_LEN]);
    block.copy_from_slice(salt);
    for chunk in plain.chunks_mut(DIGEST_LEN) {
        let mut h = Sha1::new();
        h.update(&pw[..]);
        h.update(&block[..]);
        block.copy_from_slice(&h.finalize());
        for (p, k) in chunk.iter_mut().zip(block.iter()) {
            *p ^= k;
        }
    }
    let mut h = Sha1::new();
    h.update(&pw[..]);
    h.update(&plain[..]);
    let mut computed = Zeroizing::new([0u8; DIGEST_LEN]);
    computed.copy_from_slice(&h.finalize());
    if ct_eq(&computed[..], check) {
        Ok(())
    } else {
        Err(KeystoreError::WrongKeyPassword {
            alias: alias.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a version-2 JKS with one trusted certificate and one private key protected by
    /// `key_pw`, sealed with `store_pw` (the same construction keytool uses).
    fn build(store_pw: &str, key_pw: &str) -> Vec<u8> {
        let mut b = vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 2];
        let utf = |b: &mut Vec<u8>, s: &str| {
            b.extend_from_slice(&(s.len() as u16).to_be_bytes());
            b.extend_from_slice(s.as_bytes());
        };
        // Trusted certificate.
        b.extend_from_slice(&2u32.to_be_bytes());
        utf(&mut b, "ca");
        b.extend_from_slice(&0u64.to_be_bytes());
        utf(&mut b, "X.509");
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&[0x30, 0x01, 0x00]);
        // Private key.
        let plain = b"a private key that is longer than one SHA-1 block".to_vec();
        let pw = utf16be(key_pw);
        let salt = [7u8; 20];
        let mut enc = plain.clone();
        let mut d = salt.to_vec();
        for chunk in enc.chunks_mut(20) {
            d = Sha1::new().chain_update(&pw[..]).chain_update(&d).finalize().to_vec();
            chunk.iter_mut().zip(&d).for_each(|(p, k)| *p ^= k);
        }
        let check = Sha1::new().chain_update(&pw[..]).chain_update(&plain).finalize();
        let mut data = salt.to_vec();
        data.extend(enc);
        data.extend(check);
        let mut alg = vec![0x06, OID_JKS_KEY_PROTECTOR.len() as u8];
        alg.extend_from_slice(OID_JKS_KEY_PROTECTOR);
        alg.extend_from_slice(&[0x05, 0x00]);
        let mut inner = vec![0x30, alg.len() as u8];
        inner.extend(alg);
        inner.extend([0x04, data.len() as u8]);
        inner.extend(data);
        let mut epki = vec![0x30, inner.len() as u8];
        epki.extend(inner);
        b.extend_from_slice(&1u32.to_be_bytes());
        utf(&mut b, "key");
        b.extend_from_slice(&0u64.to_be_bytes());
        b.extend_from_slice(&(epki.len() as u32).to_be_bytes());
        b.extend(epki);
        b.extend_from_slice(&1u32.to_be_bytes());
        utf(&mut b, "X.509");
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&[0x30, 0x01, 0x01]);
        let digest = keyed_digest(store_pw, &b);
        b.extend_from_slice(&digest[..]);
        b
    }

    #[test]
    fn digest_uses_utf16be_with_surrogates() {
        // SHA1(00 70 00 e4 d8 3d dd 11 ‖ "Mighty Aphrodite" ‖ "x"), computed independently:
        // python3 -c "import hashlib;print(hashlib.sha1('pä🔑'.encode('utf-16-be')+b'Mighty Aphroditex').hexdigest())"
        let d = keyed_digest("pä🔑", b"x");
        let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "648d47ae4fa792605eeef9698c36617e465a3a8b");
    }

    #[test]
    fn built_store_verifies() {
        for pw in ["changeit", "pässwörd", "pässwörd🔑", ""] {
            let store = build(pw, "keypass");
            let v = verify(&store, pw, false, &Limits::default()).unwrap();
            assert_eq!(v.entries.len(), 2);
            assert_eq!(v.entries[0].kind, EntryKind::TrustedCert);
            assert_eq!(v.entries[1].certificates, vec![vec![0x30, 0x01, 0x01]]);
            assert_eq!(
                verify(&store, "wrong", false, &Limits::default()).unwrap_err(),
                KeystoreError::WrongStorePassword
            );
        }
    }

    #[test]
    fn key_password() {
        let store = build("changeit", "kéy🔑");
        verify_key_password(&store, "key", "kéy🔑", &Limits::default()).unwrap();
        verify_key_password(&store, "KEY", "kéy🔑", &Limits::default()).unwrap();
        assert_eq!(
            verify_key_password(&store, "key", "changeit", &Limits::default()).unwrap_err(),
            KeystoreError::WrongKeyPassword { alias: "key".into() }
        );
        assert!(matches!(
            verify_key_password(&store, "nope", "x", &Limits::default()),
            Err(KeystoreError::UnknownAlias { .. })
        ));
        assert!(matches!(
            verify_key_password(&store, "ca", "x", &Limits::default()),
            Err(KeystoreError::Unsupported { .. })
        ));
    }

    #[test]
    fn truncation_and_garbage_never_verify() {
        let store = build("changeit", "changeit");
        for len in 0..store.len() {
            let r = verify(&store[..len], "changeit", false, &Limits::default());
            assert!(r.is_err(), "prefix of {len} bytes verified");
        }
        for i in 0..store.len() {
            let mut bad = store.clone();
            bad[i] ^= 0x01;
            assert!(
                verify(&bad, "changeit", false, &Limits::default()).is_err(),
                "flip at {i} verified"
            );
        }
    }

    #[test]
    fn modified_utf8() {
        assert_eq!(decode_modified_utf8(b"abc").as_deref(), Some("abc"));
        assert_eq!(decode_modified_utf8(&[0xc0, 0x80]).as_deref(), Some("\0"));
        assert_eq!(decode_modified_utf8(&[0xc3, 0xa4]).as_deref(), Some("ä"));
        // U+1F511 as CESU-8 surrogates.
        assert_eq!(
            decode_modified_utf8(&[0xed, 0xa0, 0xbd, 0xed, 0xb4, 0x91]).as_deref(),
            Some("🔑")
        );
        assert_eq!(decode_modified_utf8(&[0xc3]), None);
        assert_eq!(decode_modified_utf8(&[0x00]), None);
    }
}
