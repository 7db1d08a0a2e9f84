//! PBMAC1 (RFC 9579) with the RFC's Appendix A vectors (fixtures/keystores/pbmac1-*.p12, password
//! "1234"), plus hand-built PFX files: a PBMAC1 MAC computed here with pbkdf2 + hmac, and MAC
//! iteration counts above the limit.

use std::path::PathBuf;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha512};
use travelerutil::keystore::{self, KeystoreError, Limits, StoreType};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keystores")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing ({e}): run fixtures/keystores/generate.sh",
            path.display()
        )
    })
}

#[test]
fn rfc9579_a1_to_a3_verify() {
    let cases = [
        ("pbmac1-sha256.p12", "PBMAC1 HMAC-SHA-256 (PBKDF2-HMAC-SHA-256)"),
        (
            "pbmac1-sha256mac-sha512prf.p12",
            "PBMAC1 HMAC-SHA-256 (PBKDF2-HMAC-SHA-512)",
        ),
        ("pbmac1-sha512.p12", "PBMAC1 HMAC-SHA-512 (PBKDF2-HMAC-SHA-512)"),
    ];
    for (name, algorithm) in cases {
        let bytes = fixture(name);
        let v = keystore::verify(&bytes, "1234", &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.store_type, StoreType::Pkcs12);
        assert_eq!(v.integrity.algorithm, algorithm, "{name}");
        assert_eq!(v.integrity.iterations, Some(2048), "{name}");
        assert_eq!(
            keystore::verify(&bytes, "12345", &Limits::default()),
            Err(KeystoreError::WrongStorePassword)
        );
    }
}

#[test]
fn rfc9579_a4_to_a6_fail() {
    // A.4 (iteration count changed) and A.5 (salt changed): the MAC no longer matches, yet
    // '1234' decrypts the key bag, so the verdict is "password right, file modified"; another
    // password is simply wrong.
    for name in ["pbmac1-bad-iter.p12", "pbmac1-bad-salt.p12"] {
        assert_eq!(
            keystore::verify(&fixture(name), "1234", &Limits::default()),
            Err(KeystoreError::Modified {
                what: "the private key '(no friendlyName)'".into()
            }),
            "{name}"
        );
        assert_eq!(
            keystore::verify(&fixture(name), "12345", &Limits::default()),
            Err(KeystoreError::WrongStorePassword),
            "{name}"
        );
    }
    // A.6: keyLength absent, which RFC 9579 does not allow.
    assert!(matches!(
        keystore::verify(&fixture("pbmac1-no-keylen.p12"), "1234", &Limits::default()),
        Err(KeystoreError::Malformed { .. })
    ));
}

// --- A minimal DER writer for hand-built files -------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn int(v: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = v.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

fn oid(content: &[u8]) -> Vec<u8> {
    tlv(0x06, content)
}

const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const PBMAC1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0e];
const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
const HMAC_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b];
const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

/// AuthenticatedSafe with one `data` section holding one certBag named "mycert".
fn auth_safe() -> Vec<u8> {
    let cert = seq(&[seq(&[int(1)])]); // stands in for a certificate's DER
    let cert_bag = seq(&[
        oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x16, 0x01]),
        tlv(0xa0, &tlv(0x04, &cert)),
    ]);
    let name: Vec<u8> = "mycert".encode_utf16().flat_map(u16::to_be_bytes).collect();
    let friendly = seq(&[
        oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x14]),
        tlv(0x31, &tlv(0x1e, &name)),
    ]);
    let safe_bag = seq(&[
        oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x03]),
        tlv(0xa0, &cert_bag),
        tlv(0x31, &friendly),
    ]);
    let safe_contents = seq(&[safe_bag]);
    seq(&[seq(&[oid(DATA), tlv(0xa0, &tlv(0x04, &safe_contents))])])
}

fn pfx(auth: &[u8], mac_data: &[u8]) -> Vec<u8> {
    seq(&[
        int(3),
        seq(&[oid(DATA), tlv(0xa0, &tlv(0x04, auth))]),
        mac_data.to_vec(),
    ])
}

/// PBMAC1 per RFC 9579 §4: HMAC-SHA-512 keyed with PBKDF2-HMAC-SHA-256(UTF-8 password).
fn pbmac1_pfx(password: &str, iterations: u32) -> Vec<u8> {
    let auth = auth_safe();
    let salt = b"0123456789abcdef";
    let mut key = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut key);
    let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(&auth);
    let tag = mac.finalize().into_bytes();
    let params = seq(&[
        seq(&[
            oid(PBKDF2),
            seq(&[
                tlv(0x04, salt),
                int(iterations.into()),
                int(64),
                seq(&[oid(HMAC_SHA256), tlv(0x05, &[])]),
            ]),
        ]),
        seq(&[oid(HMAC_SHA512), tlv(0x05, &[])]),
    ]);
    // macSalt and iterations are ignored for PBMAC1 (RFC 9579 §4): set them to nonsense.
    let mac_data = seq(&[
        seq(&[seq(&[oid(PBMAC1), params]), tlv(0x04, &tag)]),
        tlv(0x04, b"NOT USED"),
        int(1),
    ]);
    pfx(&auth, &mac_data)
}

#[test]
fn hand_built_pbmac1() {
    let password = "pässwörd🔑";
    let bytes = pbmac1_pfx(password, 1000);
    let v = keystore::verify(&bytes, password, &Limits::default()).unwrap();
    assert_eq!(v.integrity.algorithm, "PBMAC1 HMAC-SHA-512 (PBKDF2-HMAC-SHA-256)");
    assert_eq!(v.integrity.iterations, Some(1000));
    assert!(!v.partial);
    assert_eq!(v.entries.len(), 1);
    assert_eq!(v.entries[0].alias.as_deref(), Some("mycert"));
    assert_eq!(v.entries[0].kind, keystore::EntryKind::Certificate);
    assert_eq!(
        keystore::verify(&bytes, "pässwörd", &Limits::default()),
        Err(KeystoreError::WrongStorePassword)
    );
    let limits = Limits {
        max_iterations: 999,
        ..Limits::default()
    };
    assert_eq!(
        keystore::verify(&bytes, password, &limits),
        Err(KeystoreError::IterationsTooHigh {
            iterations: 1000,
            max: 999
        })
    );
}

#[test]
fn traditional_mac_iterations_above_the_limit() {
    let auth = auth_safe();
    for iterations in [10_000_001u64, u64::from(u32::MAX) + 1, u64::MAX] {
        let mac_data = seq(&[
            seq(&[seq(&[oid(SHA256), tlv(0x05, &[])]), tlv(0x04, &[0u8; 32])]),
            tlv(0x04, b"salt"),
            int(iterations),
        ]);
        let bytes = pfx(&auth, &mac_data);
        assert_eq!(
            keystore::verify(&bytes, "x", &Limits::default()),
            Err(KeystoreError::IterationsTooHigh {
                iterations,
                max: 10_000_000
            })
        );
    }
    // A 9-byte INTEGER (beyond u64) saturates and is refused the same way.
    let mut huge = vec![0x02, 0x09, 0x01];
    huge.extend([0u8; 8]);
    let mac_data = seq(&[
        seq(&[seq(&[oid(SHA256), tlv(0x05, &[])]), tlv(0x04, &[0u8; 32])]),
        tlv(0x04, b"salt"),
        huge,
    ]);
    assert!(matches!(
        keystore::verify(&pfx(&auth, &mac_data), "x", &Limits::default()),
        Err(KeystoreError::IterationsTooHigh {
            iterations: u64::MAX,
            ..
        })
    ));
    // Zero iterations and unknown MAC algorithms are named.
    let zero = seq(&[
        seq(&[seq(&[oid(SHA256), tlv(0x05, &[])]), tlv(0x04, &[0u8; 32])]),
        tlv(0x04, b"salt"),
        int(0),
    ]);
    assert!(matches!(
        keystore::verify(&pfx(&auth, &zero), "x", &Limits::default()),
        Err(KeystoreError::Malformed { .. })
    ));
    let md5 = seq(&[
        seq(&[
            seq(&[oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05]), tlv(0x05, &[])]),
            tlv(0x04, &[0u8; 16]),
        ]),
        tlv(0x04, b"salt"),
        int(1),
    ]);
    assert_eq!(
        keystore::verify(&pfx(&auth, &md5), "x", &Limits::default()),
        Err(KeystoreError::UnsupportedMac {
            oid: "1.2.840.113549.2.5".into()
        })
    );
}

#[test]
fn fixtures_agree_with_the_inventory() {
    // The committed matrix (fixtures/keystores/generate.sh records the passwords).
    let l = Limits::default();
    let p12 = |name: &str, pw: &str| keystore::verify(&fixture(name), pw, &l);
    // No MAC: the password is checked by decrypting (keytool and openssl accept any).
    assert_eq!(p12("p12-nomac.p12", "x"), Err(KeystoreError::WrongStorePassword));
    assert!(p12("p12-nomac.p12", "changeit1").is_ok());
    assert_eq!(
        keystore::verify(&fixture("pem-not-a-keystore.pem"), "x", &l),
        Err(KeystoreError::NotAKeystore { detected: "PEM" })
    );
    for name in ["flipped.jks", "flipped.p12", "truncated.p12"] {
        assert!(keystore::verify(&fixture(name), "changeit", &l).is_err(), "{name}");
    }
    // The right password on the flipped files: the key still opens, so "modified".
    for name in ["flipped.jks", "flipped.p12"] {
        assert!(
            matches!(
                keystore::verify(&fixture(name), "changeit1", &l),
                Err(KeystoreError::Modified { .. })
            ),
            "{name}"
        );
    }
}
