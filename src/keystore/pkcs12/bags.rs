//! The AuthenticatedSafe's sections and bags (RFC 7292 §4.1, §4.2): what a store lists
//! without decryption, and keys joined to their certificates.

use super::super::der::{self, Tlv};
use super::super::{Entry, EntryKind, KeystoreError, pbe};
use super::{
    MAX_BAG_DEPTH, OID_CERT_BAG, OID_DATA, OID_ENCRYPTED_DATA, OID_FRIENDLY_NAME, OID_JAVA_TRUSTED, OID_KEY_BAG,
    OID_LOCAL_KEY_ID, OID_SAFE_CONTENTS_BAG, OID_SECRET_BAG, OID_SHROUDED_KEY_BAG, OID_X509_CERT, TAG_IMPLICIT_0,
    parse_epki,
};

/// One bag as read, before keys and their certificates are joined.
#[derive(Clone)]
pub(super) struct Bag {
    pub(super) kind: EntryKind,
    pub(super) alias: Option<String>,
    pub(super) local_key_id: Option<Vec<u8>>,
    pub(super) certificate: Option<Vec<u8>>,
    /// A pkcs8ShroudedKeyBag's EncryptedPrivateKeyInfo (its SEQUENCE's content octets).
    pub(super) shrouded_key: Option<Vec<u8>>,
}

/// One ContentInfo of the AuthenticatedSafe (RFC 7292 §4.1).
pub(super) enum Section<'a> {
    /// `data`: bags readable without a password.
    Plain(Vec<Bag>),
    /// `encryptedData` (PKCS #7 §10 / RFC 5652 §8) with a password-based scheme.
    Encrypted {
        scheme: pbe::Scheme<'a>,
        data: &'a [u8],
        offset: usize,
    },
    /// `envelopedData` (public-key encryption) or anything else: not readable with a password.
    Other,
}

impl Section<'_> {
    pub(super) fn plain(&self) -> Option<&Vec<Bag>> {
        match self {
            Section::Plain(bags) => Some(bags),
            _ => None,
        }
    }
}

/// AuthenticatedSafe (RFC 7292 §4.1): parses every `data` section's bags and every
/// `encryptedData` section's header, so structure errors surface before any password check.
pub(super) fn read_sections<'a>(auth_safe: &Tlv<'a>) -> Result<Vec<Section<'a>>, KeystoreError> {
    let mut outer = auth_safe.reader();
    let seq = outer.read(der::TAG_SEQUENCE, "the AuthenticatedSafe")?;
    outer.finish("the authSafe data")?;
    let mut r = seq.reader();
    let mut sections = Vec::new();
    while !r.is_empty() {
        let ci = r.read(der::TAG_SEQUENCE, "a ContentInfo")?;
        let mut c = ci.reader();
        let oid = c.read(der::TAG_OID, "a ContentInfo type")?;
        if OID_DATA.is(oid.value) {
            let explicit = c.read(der::TAG_CONTEXT_0, "a ContentInfo's content")?;
            c.finish("a ContentInfo")?;
            let mut e = explicit.reader();
            let octets = e.read(der::TAG_OCTET_STRING, "a SafeContents OCTET STRING")?;
            e.finish("a ContentInfo's content")?;
            let mut s = octets.reader();
            let safe_contents = s.read(der::TAG_SEQUENCE, "a SafeContents")?;
            s.finish("a SafeContents OCTET STRING")?;
            let mut bags = Vec::new();
            read_bags(&safe_contents, &mut bags, 0)?;
            sections.push(Section::Plain(bags));
        } else if OID_ENCRYPTED_DATA.is(oid.value) {
            let explicit = c.read(der::TAG_CONTEXT_0, "an encryptedData content")?;
            c.finish("a ContentInfo")?;
            let mut e = explicit.reader();
            let ed = e.read(der::TAG_SEQUENCE, "an EncryptedData")?;
            e.finish("an encryptedData content")?;
            // EncryptedData { version, EncryptedContentInfo { contentType, algorithm,
            //   encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL } } (RFC 5652 §6.1, §8).
            let mut d = ed.reader();
            d.read(der::TAG_INTEGER, "the EncryptedData version")?;
            let eci = d.read(der::TAG_SEQUENCE, "an EncryptedContentInfo")?;
            let mut i = eci.reader();
            let content_type = i.read(der::TAG_OID, "the encrypted content type")?;
            if !OID_DATA.is(content_type.value) {
                return Err(KeystoreError::Malformed {
                    what: format!(
                        "an encrypted section holds {} (expected id-data)",
                        der::oid_to_string(content_type.value)
                    ),
                });
            }
            let alg = i.read(der::TAG_SEQUENCE, "the encrypted content's algorithm")?;
            let content = i.read(TAG_IMPLICIT_0, "the encrypted content")?;
            i.finish("an EncryptedContentInfo")?;
            match pbe::parse_scheme(&alg) {
                Ok(scheme) => sections.push(Section::Encrypted {
                    scheme,
                    data: content.value,
                    offset: content.offset,
                }),
                // An unknown scheme (say RC4) leaves the section unlisted, not the file unreadable:
                // the MAC can still check the password.
                Err(KeystoreError::Unsupported { .. }) => sections.push(Section::Other),
                Err(e) => return Err(e),
            }
        } else {
            sections.push(Section::Other);
        }
    }
    Ok(sections)
}

pub(super) fn read_bags(safe_contents: &Tlv<'_>, bags: &mut Vec<Bag>, depth: usize) -> Result<(), KeystoreError> {
    if depth > MAX_BAG_DEPTH {
        return Err(KeystoreError::Malformed {
            what: "safe contents bags are nested too deeply".into(),
        });
    }
    let mut r = safe_contents.reader();
    while !r.is_empty() {
        let bag = r.read(der::TAG_SEQUENCE, "a SafeBag")?;
        let mut b = bag.reader();
        let bag_id = b.read(der::TAG_OID, "a SafeBag type")?;
        let value = b.read(der::TAG_CONTEXT_0, "a SafeBag value")?;
        let attributes = b.read_optional(der::TAG_SET, "SafeBag attributes")?;
        b.finish("a SafeBag")?;
        let (alias, local_key_id, trusted) = match attributes {
            Some(set) => read_attributes(&set)?,
            None => (None, None, false),
        };
        let mut v = value.reader();
        let inner = v.read_any("a SafeBag value")?;
        v.finish("a SafeBag value")?;
        let mut shrouded_key = None;
        let (kind, certificate) = if OID_KEY_BAG.is(bag_id.value) {
            (EntryKind::PrivateKey, None)
        } else if OID_SHROUDED_KEY_BAG.is(bag_id.value) {
            if inner.tag != der::TAG_SEQUENCE {
                return Err(KeystoreError::Malformed {
                    what: format!("the shrouded key bag at byte {} is not a SEQUENCE", inner.offset),
                });
            }
            // Parse the header now: damage here is damage, not a wrong password. An unknown
            // scheme only matters when this key's password is checked.
            match parse_epki(inner.value) {
                Ok(_) | Err(KeystoreError::Unsupported { .. }) => {}
                Err(e) => return Err(e),
            }
            shrouded_key = Some(inner.value.to_vec());
            (EntryKind::PrivateKey, None)
        } else if OID_CERT_BAG.is(bag_id.value) {
            let kind = if trusted {
                EntryKind::TrustedCert
            } else {
                EntryKind::Certificate
            };
            (kind, cert_bag(&inner)?)
        } else if OID_SECRET_BAG.is(bag_id.value) {
            (EntryKind::SecretKey, None)
        } else if OID_SAFE_CONTENTS_BAG.is(bag_id.value) {
            if inner.tag != der::TAG_SEQUENCE {
                return Err(KeystoreError::Malformed {
                    what: "a safeContentsBag does not hold a SEQUENCE".into(),
                });
            }
            read_bags(&inner, bags, depth + 1)?;
            continue;
        } else {
            // crlBag and unknown bags carry no entry.
            continue;
        };
        bags.push(Bag {
            kind,
            alias,
            local_key_id,
            certificate,
            shrouded_key,
        });
    }
    Ok(())
}

/// CertBag (RFC 7292 §4.2.3): `{ certId, certValue [0] EXPLICIT OCTET STRING }`; only X.509
/// certificates are kept.
fn cert_bag(tlv: &Tlv<'_>) -> Result<Option<Vec<u8>>, KeystoreError> {
    if tlv.tag != der::TAG_SEQUENCE {
        return Err(KeystoreError::Malformed {
            what: "a CertBag is not a SEQUENCE".into(),
        });
    }
    let mut r = tlv.reader();
    let cert_id = r.read(der::TAG_OID, "a CertBag type")?;
    let explicit = r.read(der::TAG_CONTEXT_0, "a CertBag value")?;
    r.finish("a CertBag")?;
    if !OID_X509_CERT.is(cert_id.value) {
        return Ok(None);
    }
    let mut e = explicit.reader();
    let octets = e.read(der::TAG_OCTET_STRING, "a certificate")?;
    e.finish("a CertBag value")?;
    Ok(Some(octets.value.to_vec()))
}

/// friendlyName, localKeyId, and whether Java's trusted marker is present.
type Attributes = (Option<String>, Option<Vec<u8>>, bool);

/// PKCS12Attribute SET (RFC 7292 §4.2): friendlyName (BMPString), localKeyId (OCTET STRING),
/// and Java's trusted-key-usage marker.
fn read_attributes(set: &Tlv<'_>) -> Result<Attributes, KeystoreError> {
    let (mut alias, mut local_key_id, mut trusted) = (None, None, false);
    let mut r = set.reader();
    while !r.is_empty() {
        let attribute = r.read(der::TAG_SEQUENCE, "a bag attribute")?;
        let mut a = attribute.reader();
        let oid = a.read(der::TAG_OID, "a bag attribute type")?;
        let values = a.read(der::TAG_SET, "bag attribute values")?;
        a.finish("a bag attribute")?;
        let first = values.reader().read_any("a bag attribute value").ok();
        if OID_FRIENDLY_NAME.is(oid.value) {
            alias = first
                .filter(|v| v.tag == der::TAG_BMP_STRING)
                .map(|v| der::bmp_string(v.value));
        } else if OID_LOCAL_KEY_ID.is(oid.value) {
            local_key_id = first
                .filter(|v| v.tag == der::TAG_OCTET_STRING)
                .map(|v| v.value.to_vec());
        } else if oid.value == OID_JAVA_TRUSTED {
            trusted = true;
        }
    }
    Ok((alias, local_key_id, trusted))
}

/// Attaches certificates to the key with the same localKeyId (how keytool and OpenSSL pair a
/// key with its certificate); everything else becomes its own entry, in file order.
pub(super) fn join(bags: Vec<Bag>) -> Vec<Entry> {
    let mut entries: Vec<(Entry, Option<Vec<u8>>)> = Vec::new();
    let mut loose = Vec::new();
    for bag in bags {
        if bag.kind == EntryKind::PrivateKey || bag.kind == EntryKind::SecretKey {
            entries.push((
                Entry {
                    alias: bag.alias,
                    kind: bag.kind,
                    certificates: Vec::new(),
                },
                bag.local_key_id,
            ));
        } else {
            loose.push(bag);
        }
    }
    for bag in loose {
        let owner = bag.local_key_id.as_ref().and_then(|id| {
            entries
                .iter_mut()
                .find(|(e, k)| e.kind == EntryKind::PrivateKey && k.as_ref() == Some(id))
        });
        match (owner, bag.certificate) {
            (Some((entry, _)), Some(cert)) => entry.certificates.push(cert),
            (Some(_), None) => {}
            (None, cert) => entries.push((
                Entry {
                    alias: bag.alias,
                    kind: bag.kind,
                    certificates: cert.into_iter().collect(),
                },
                bag.local_key_id,
            )),
        }
    }
    entries.into_iter().map(|(e, _)| e).collect()
}
