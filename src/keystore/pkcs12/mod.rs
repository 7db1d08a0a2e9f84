//! PKCS#12 (RFC 7292) password check through the PFX MAC, and a listing of the bags that are
//! readable without decryption.
//!
//! - Traditional MAC (RFC 7292 §4 and Appendix B): `MacData { mac DigestInfo, macSalt,
//!   iterations DEFAULT 1 }`; the HMAC key comes from the Appendix B.2 KDF with ID 3, the
//!   password as a BMPString plus two zero bytes.
//! - PBMAC1 (RFC 9579 §3 and §4, RFC 8018 §7.1): `mac.digestAlgorithm` is id-PBMAC1 whose
//!   parameters carry PBKDF2 (salt, iterations, keyLength, prf) and the HMAC scheme; the key is
//!   PBKDF2 over the password's UTF-8 bytes; `macSalt` and `iterations` are ignored.
//!
//! In both cases the MAC covers the content octets of authSafe's `data` OCTET STRING (§4), and a
//! MAC mismatch is exactly "wrong password" (or a modified file).

mod bags;
mod mac;

use super::der::{self, Reader, Tlv};
use super::pbe;
use super::{EntryKind, Integrity, KeystoreError, Limits, StoreType, Verified};

const PKCS: [u8; 6] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d];
const fn pkcs<const N: usize>(tail: [u8; N]) -> [u8; 32] {
    // OIDs under 1.2.840.113549 (PKCS), padded with zeros; `oid_eq` compares the used prefix.
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 6 {
        out[i] = PKCS[i];
        i += 1;
    }
    let mut j = 0;
    while j < N {
        out[6 + j] = tail[j];
        j += 1;
    }
    out
}

struct Oid {
    bytes: [u8; 32],
    len: usize,
}

impl Oid {
    const fn pkcs<const N: usize>(tail: [u8; N]) -> Oid {
        Oid {
            bytes: pkcs(tail),
            len: 6 + N,
        }
    }
    fn is(&self, content: &[u8]) -> bool {
        self.bytes.get(..self.len) == Some(content)
    }
}

const OID_DATA: Oid = Oid::pkcs([0x01, 0x07, 0x01]);
const OID_SIGNED_DATA: Oid = Oid::pkcs([0x01, 0x07, 0x02]);
const OID_ENCRYPTED_DATA: Oid = Oid::pkcs([0x01, 0x07, 0x06]);
/// `[0] IMPLICIT OCTET STRING` (context-specific, primitive).
const TAG_IMPLICIT_0: u8 = 0x80;
const OID_PBMAC1: Oid = Oid::pkcs([0x01, 0x05, 0x0e]);
const OID_PBKDF2: Oid = Oid::pkcs([0x01, 0x05, 0x0c]);
const OID_KEY_BAG: Oid = Oid::pkcs([0x01, 0x0c, 0x0a, 0x01, 0x01]);
const OID_SHROUDED_KEY_BAG: Oid = Oid::pkcs([0x01, 0x0c, 0x0a, 0x01, 0x02]);
const OID_CERT_BAG: Oid = Oid::pkcs([0x01, 0x0c, 0x0a, 0x01, 0x03]);
const OID_SECRET_BAG: Oid = Oid::pkcs([0x01, 0x0c, 0x0a, 0x01, 0x05]);
const OID_SAFE_CONTENTS_BAG: Oid = Oid::pkcs([0x01, 0x0c, 0x0a, 0x01, 0x06]);
const OID_X509_CERT: Oid = Oid::pkcs([0x01, 0x09, 0x16, 0x01]);
const OID_FRIENDLY_NAME: Oid = Oid::pkcs([0x01, 0x09, 0x14]);
const OID_LOCAL_KEY_ID: Oid = Oid::pkcs([0x01, 0x09, 0x15]);
/// 2.16.840.1.113894.746875.1.1: Java's "trusted key usage" attribute, set on trusted certs.
const OID_JAVA_TRUSTED: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf9, 0x66, 0xad, 0xca, 0x7b, 0x01, 0x01];

/// Nesting bound for safeContentsBag recursion (hostile files could nest deeply).
const MAX_BAG_DEPTH: usize = 8;
/// How many encryptedData sections are decrypted at most (keytool and OpenSSL write one).
const MAX_DECRYPTED_SECTIONS: usize = 8;
/// Upper bound for PBMAC1's keyLength; HMAC keys beyond a hash block add nothing.
const MAX_PBMAC1_KEY_LEN: u64 = 512;
use bags::{Bag, Section, join, read_bags, read_sections};
use mac::check_mac;

/// The pieces of a PFX the MAC check needs.
struct Pfx<'a> {
    /// The content octets of authSafe's `data` OCTET STRING (what the MAC covers).
    auth_safe: Tlv<'a>,
    mac_data: Option<Tlv<'a>>,
}

fn parse_pfx(bytes: &[u8]) -> Result<Pfx<'_>, KeystoreError> {
    let mut top = Reader::new(bytes, 0);
    let pfx = top.read(der::TAG_SEQUENCE, "the PKCS#12 PFX")?;
    if !top.is_empty() {
        return Err(KeystoreError::Malformed {
            what: format!(
                "{} bytes follow the end of the PKCS#12 structure",
                bytes.len() - top.position()
            ),
        });
    }
    let mut r = pfx.reader();
    let version = der::integer_u64(&r.read(der::TAG_INTEGER, "the PFX version")?, "the PFX version")?;
    if version != 3 {
        return Err(KeystoreError::Malformed {
            what: format!("PFX version {version} (RFC 7292 requires 3)"),
        });
    }
    let content_info = r.read(der::TAG_SEQUENCE, "the authSafe ContentInfo")?;
    let mut ci = content_info.reader();
    let content_type = ci.read(der::TAG_OID, "the authSafe content type")?;
    if OID_SIGNED_DATA.is(content_type.value) {
        return Err(KeystoreError::Unsupported {
            what: "the PKCS#12 file uses public-key integrity mode (signedData) instead of a password MAC".to_owned(),
        });
    }
    if !OID_DATA.is(content_type.value) {
        return Err(KeystoreError::Malformed {
            what: format!(
                "authSafe content type {} (expected id-data)",
                der::oid_to_string(content_type.value)
            ),
        });
    }
    let explicit = ci.read(der::TAG_CONTEXT_0, "the authSafe content")?;
    ci.finish("the authSafe ContentInfo")?;
    let mut e = explicit.reader();
    let auth_safe = e.read(der::TAG_OCTET_STRING, "the authSafe data")?;
    e.finish("the authSafe content")?;
    let mac_data = r.read_optional(der::TAG_SEQUENCE, "the MacData")?;
    r.finish("the PFX")?;
    Ok(Pfx { auth_safe, mac_data })
}

pub(crate) fn verify(bytes: &[u8], password: &str, limits: &Limits) -> Result<Verified, KeystoreError> {
    let pfx = parse_pfx(bytes)?;
    // Structure first (every section and bag, without the password), so damage is reported as
    // damage and not as a wrong password.
    let sections = read_sections(&pfx.auth_safe)?;
    let integrity = match pfx.mac_data {
        Some(mac_data) => match check_mac(&mac_data, pfx.auth_safe.value, password, limits) {
            Err(KeystoreError::WrongStorePassword) => {
                // The MAC failed. If the password still decrypts something, it is right and the
                // file was modified (flipped.p12); keytool and OpenSSL only say "incorrect".
                if let Some(what) = first_decryptable(&sections, password, limits) {
                    return Err(KeystoreError::Modified { what });
                }
                return Err(KeystoreError::WrongStorePassword);
            }
            other => other?,
        },
        None => check_without_mac(&sections, password, limits)?,
    };
    let mut bags = Vec::new();
    let mut partial = false;
    let mut decryptions = 0;
    for section in &sections {
        match section {
            Section::Plain(plain) => bags.extend(plain.iter().cloned()),
            // Producers write one encrypted section; a crafted file with thousands must not cost
            // thousands of KDF runs. The rest stay unlisted (partial).
            Section::Encrypted { .. } if decryptions >= MAX_DECRYPTED_SECTIONS => partial = true,
            Section::Encrypted { scheme, data, .. } => {
                decryptions += 1;
                match decrypt_section(scheme, data, password, limits)? {
                    Some(decrypted) => bags.extend(decrypted),
                    // The MAC accepted the password, but this section was encrypted with another
                    // one (possible with the OpenSSL API); list what is readable, say partial.
                    None => partial = true,
                }
            }
            Section::Other => partial = true,
        }
    }
    Ok(Verified {
        store_type: StoreType::Pkcs12,
        integrity,
        entries: join(bags),
        partial,
    })
}

/// The password check of a PKCS#12 file without MacData (`openssl pkcs12 -export -nomac`, Java's
/// `keystore.pkcs12.macAlgorithm=NONE`): decrypt an encrypted section or a shrouded key bag and
/// parse the DER plaintext. keytool and `openssl pkcs12 -info` accept any password for such a
/// file; a CBC padding check alone would accept a wrong one about once in 256 tries.
fn check_without_mac(sections: &[Section<'_>], password: &str, limits: &Limits) -> Result<Integrity, KeystoreError> {
    for section in sections {
        if let Section::Encrypted { scheme, data, .. } = section {
            return match decrypt_section(scheme, data, password, limits)? {
                Some(_) => Ok(no_mac_integrity(
                    &format!("an encrypted section ({})", scheme.describe()),
                    scheme,
                )),
                None => Err(KeystoreError::WrongStorePassword),
            };
        }
    }
    for bag in sections.iter().filter_map(Section::plain).flatten() {
        if let Some(epki) = &bag.shrouded_key {
            let (scheme, data) = parse_epki(epki)?;
            return if scheme.try_decrypt(password, data, limits, &mut |p| pbe::is_private_key_info(p))? {
                Ok(no_mac_integrity(
                    &format!("a private key ({})", scheme.describe()),
                    &scheme,
                ))
            } else {
                Err(KeystoreError::WrongStorePassword)
            };
        }
    }
    if sections.iter().any(|s| matches!(s, Section::Other)) {
        return Err(KeystoreError::Unsupported {
            what: "a PKCS#12 file without MAC whose encrypted parts use a scheme this tool cannot decrypt, so the \
                   password cannot be checked"
                .into(),
        });
    }
    Err(KeystoreError::NoMac)
}

fn no_mac_integrity(what: &str, scheme: &pbe::Scheme<'_>) -> Integrity {
    Integrity {
        algorithm: format!("none (no MAC; password checked by decrypting {what})"),
        iterations: Some(scheme.iterations()),
    }
}

/// Names the first thing `password` decrypts (a shrouded key first: keys are what a flipped byte
/// in a certificate section leaves intact), or `None`.
fn first_decryptable(sections: &[Section<'_>], password: &str, limits: &Limits) -> Option<String> {
    // Only the first key and the first encrypted section: each try costs a full KDF, and a
    // crafted file with thousands of bags must not multiply that. Errors here (an iteration
    // count over the limit, an unknown scheme) leave the verdict at "wrong password".
    let key = sections
        .iter()
        .filter_map(Section::plain)
        .flatten()
        .find_map(|bag| bag.shrouded_key.as_ref().map(|epki| (bag, epki)));
    if let Some((bag, epki)) = key
        && let Ok((scheme, data)) = parse_epki(epki)
        && let Ok(true) = scheme.try_decrypt(password, data, limits, &mut |p| pbe::is_private_key_info(p))
    {
        let alias = bag.alias.as_deref().unwrap_or("(no friendlyName)");
        return Some(format!("the private key '{alias}'"));
    }
    let section = sections.iter().find_map(|s| match s {
        Section::Encrypted { scheme, data, offset } => Some((scheme, data, offset)),
        _ => None,
    });
    if let Some((scheme, data, offset)) = section
        && let Ok(Some(_)) = decrypt_section(scheme, data, password, limits)
    {
        return Some(format!("the encrypted section at byte {offset}"));
    }
    None
}

/// Decrypts one encryptedData section; `Some(bags)` only when the plaintext is a well-formed
/// SafeContents.
fn decrypt_section(
    scheme: &pbe::Scheme<'_>,
    data: &[u8],
    password: &str,
    limits: &Limits,
) -> Result<Option<Vec<Bag>>, KeystoreError> {
    let mut found = None;
    let ok = scheme.try_decrypt(password, data, limits, &mut |plain| {
        let mut r = Reader::new(plain, 0);
        let mut bags = Vec::new();
        let parsed = r
            .read(der::TAG_SEQUENCE, "a decrypted SafeContents")
            .and_then(|seq| {
                r.finish("a decrypted SafeContents")?;
                read_bags(&seq, &mut bags, 0)
            })
            .is_ok();
        if parsed {
            found = Some(bags);
        }
        parsed
    })?;
    Ok(if ok { found } else { None })
}

/// EncryptedPrivateKeyInfo (RFC 5208 §6), given as the content octets of its SEQUENCE.
fn parse_epki(content: &[u8]) -> Result<(pbe::Scheme<'_>, &[u8]), KeystoreError> {
    let mut r = Reader::new(content, 0);
    let alg = r.read(der::TAG_SEQUENCE, "a shrouded key's algorithm")?;
    let data = r.read(der::TAG_OCTET_STRING, "a shrouded key's encrypted data")?.value;
    r.finish("an EncryptedPrivateKeyInfo")?;
    Ok((pbe::parse_scheme(&alg)?, data))
}

/// Checks the password of the shrouded key bag whose friendlyName is `alias`. Keys in
/// encrypted sections are out of reach without the store password; keytool and OpenSSL put
/// them in plain `data` sections.
pub(crate) fn verify_key_password(
    bytes: &[u8],
    alias: &str,
    password: &str,
    limits: &Limits,
) -> Result<(), KeystoreError> {
    let pfx = parse_pfx(bytes)?;
    let sections = read_sections(&pfx.auth_safe)?;
    let bags: Vec<&Bag> = sections.iter().filter_map(Section::plain).flatten().collect();
    let wanted = alias.to_lowercase();
    let bag = bags
        .iter()
        .find(|b| b.kind == EntryKind::PrivateKey && b.alias.as_deref() == Some(alias))
        .or_else(|| {
            bags.iter().find(|b| {
                b.kind == EntryKind::PrivateKey && b.alias.as_deref().map(str::to_lowercase) == Some(wanted.clone())
            })
        });
    let Some(bag) = bag else {
        // keytool and OpenSSL keep keys in plain sections and encrypt only certificates. With no
        // plain key at all, the keys may sit in an encrypted section out of our reach.
        let any_plain_key = bags.iter().any(|b| b.kind == EntryKind::PrivateKey);
        if !any_plain_key && sections.iter().any(|s| !matches!(s, Section::Plain(_))) {
            return Err(KeystoreError::Unsupported {
                what: format!(
                    "alias '{alias}' is not a private key in the file's unencrypted sections, and its encrypted \
                     sections can only be read with the store password; check the store password instead"
                ),
            });
        }
        return Err(KeystoreError::UnknownAlias {
            alias: alias.to_owned(),
        });
    };
    let Some(epki) = &bag.shrouded_key else {
        return Err(KeystoreError::Unsupported {
            what: format!("the key of alias '{alias}' is stored unencrypted (keyBag), so it has no key password"),
        });
    };
    let (scheme, data) = parse_epki(epki)?;
    if scheme.try_decrypt(password, data, limits, &mut |p| pbe::is_private_key_info(p))? {
        Ok(())
    } else {
        Err(KeystoreError::WrongKeyPassword {
            alias: alias.to_owned(),
        })
    }
}
