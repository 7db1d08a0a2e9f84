//! Keystores made at test time by keytool (JDK 17) and openssl (3.x), checked by
//! `travelerutil::keystore`, with keytool's own verdict as the reference where it can read the file.
//! keytool and openssl are required: a missing tool fails the test with a message, never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use travelerutil::keystore::{self, EntryKind, KeystoreError, Limits, StoreType, Verified};

const WRONG: &str = "not-the-password";

fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run '{program}' ({e}): these tests need keytool (a JDK 17+) and openssl 3 on PATH; install them"
            )
        })
}

fn run_ok(program: &str, args: &[&str], dir: &Path) {
    let out = run(program, args, dir);
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// `keytool -genkeypair` into `dir/name`.
fn keytool_store(dir: &Path, name: &str, store_type: &str, store_pw: &str, key_pw: &str) -> PathBuf {
    run_ok(
        "keytool",
        &[
            "-genkeypair",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-alias",
            "mykey",
            "-dname",
            "CN=t",
            "-validity",
            "30",
            "-storetype",
            store_type,
            "-keystore",
            name,
            "-storepass",
            store_pw,
            "-keypass",
            key_pw,
            "-noprompt",
        ],
        dir,
    );
    dir.join(name)
}

/// A key and self-signed certificate, then `openssl pkcs12 -export` with extra options.
fn openssl_store(dir: &Path, name: &str, password: &str, extra: &[&str]) -> PathBuf {
    if !dir.join("cert.pem").exists() {
        run_ok(
            "openssl",
            &[
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=t", "-days", "30", "-keyout", "key.pem",
                "-out", "cert.pem",
            ],
            dir,
        );
    }
    let pass = format!("pass:{password}");
    let mut args = vec![
        "pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-name", "mykey", "-out", name,
    ];
    args.extend(["-passout", pass.as_str()]);
    args.extend(extra);
    run_ok("openssl", &args, dir);
    dir.join(name)
}

/// keytool's verdict on a store password.
fn keytool_accepts(path: &Path, store_type: &str, password: &str) -> bool {
    let p = path.to_str().expect("utf-8 path");
    let dir = path.parent().expect("parent");
    run(
        "keytool",
        &[
            "-list",
            "-keystore",
            p,
            "-storetype",
            store_type,
            "-storepass",
            password,
        ],
        dir,
    )
    .status
    .success()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read store")
}

/// Right password → Ok; wrong → WrongStorePassword; keytool agrees (when `keytool_type` is given).
fn check_store(path: &Path, password: &str, keytool_type: Option<&str>) -> Verified {
    let bytes = read(path);
    let limits = Limits::default();
    let verified = keystore::verify(&bytes, password, &limits).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        keystore::verify(&bytes, WRONG, &limits),
        Err(KeystoreError::WrongStorePassword)
    );
    if let Some(t) = keytool_type {
        assert!(keytool_accepts(path, t, password), "keytool rejects the right password");
        assert!(!keytool_accepts(path, t, WRONG), "keytool accepts a wrong password");
    }
    verified
}

fn assert_never_ok_on_damage(bytes: &[u8], password: &str) {
    let limits = Limits::default();
    for len in [
        0,
        1,
        3,
        4,
        11,
        12,
        31,
        32,
        bytes.len() / 2,
        bytes.len() - 21,
        bytes.len() - 20,
        bytes.len() - 1,
    ] {
        let r = keystore::verify(&bytes[..len], password, &limits);
        assert!(r.is_err(), "a {len}-byte prefix verified");
    }
    // A flipped bit at every third position (every position for the JKS unit tests): a verdict,
    // never Ok, never a panic. Each PKCS#12 attempt runs the KDF, hence the stride.
    for i in (0..bytes.len()).step_by(3) {
        let mut bad = bytes.to_vec();
        bad[i] ^= 0x10;
        match keystore::verify(&bad, password, &limits) {
            Ok(_) => panic!("flip at byte {i} verified"),
            Err(
                KeystoreError::WrongStorePassword
                | KeystoreError::Malformed { .. }
                | KeystoreError::Truncated { .. }
                | KeystoreError::NotAKeystore { .. }
                | KeystoreError::UnsupportedMac { .. }
                | KeystoreError::Unsupported { .. }
                | KeystoreError::IterationsTooHigh { .. }
                | KeystoreError::Modified { .. }
                | KeystoreError::NoMac,
            ) => {}
            Err(other) => panic!("flip at byte {i}: unexpected {other:?}"),
        }
    }
}

#[test]
fn jks_ascii_password() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.jks", "JKS", "changeit", "changeit");
    let v = check_store(&path, "changeit", Some("JKS"));
    assert_eq!(v.store_type, StoreType::Jks);
    assert_eq!(v.integrity.algorithm, "SHA-1 keyed digest (JKS)");
    assert_eq!(v.integrity.iterations, None);
    assert_eq!(v.entries.len(), 1);
    assert_eq!(v.entries[0].alias.as_deref(), Some("mykey"));
    assert_eq!(v.entries[0].kind, EntryKind::PrivateKey);
    assert_eq!(v.entries[0].certificates.len(), 1);
    assert!(!v.partial);
    keystore::verify_key_password(&read(&path), "mykey", "changeit").unwrap();
    assert_never_ok_on_damage(&read(&path), "changeit");
}

#[test]
fn jks_non_ascii_password() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.jks", "JKS", "pässwörd", "pässwörd");
    check_store(&path, "pässwörd", Some("JKS"));
    // The UTF-8-padded encoding some ports use would accept neither of these.
    assert_eq!(
        keystore::verify(&read(&path), "passwort", &Limits::default()),
        Err(KeystoreError::WrongStorePassword)
    );
}

#[test]
fn jks_separate_key_password() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.jks", "JKS", "storepass", "keypässwörd");
    check_store(&path, "storepass", Some("JKS"));
    let bytes = read(&path);
    keystore::verify_key_password(&bytes, "mykey", "keypässwörd").unwrap();
    keystore::verify_key_password(&bytes, "MyKey", "keypässwörd").unwrap();
    assert_eq!(
        keystore::verify_key_password(&bytes, "mykey", "storepass"),
        Err(KeystoreError::WrongKeyPassword { alias: "mykey".into() })
    );
    assert_eq!(
        keystore::verify_key_password(&bytes, "other", "storepass"),
        Err(KeystoreError::UnknownAlias { alias: "other".into() })
    );
    // keytool agrees: it cannot recover the key with the store password.
    let p = path.to_str().unwrap();
    let wrong = run(
        "keytool",
        &[
            "-keypasswd",
            "-keystore",
            p,
            "-storepass",
            "storepass",
            "-alias",
            "mykey",
            "-keypass",
            "storepass",
            "-new",
            "whatever1",
        ],
        d.path(),
    );
    assert!(
        !wrong.status.success(),
        "keytool recovered the key with the store password"
    );
}

#[test]
fn jks_trust_store() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.jks", "JKS", "changeit", "changeit");
    run_ok(
        "keytool",
        &[
            "-exportcert",
            "-keystore",
            "a.jks",
            "-storepass",
            "changeit",
            "-alias",
            "mykey",
            "-file",
            "c.der",
        ],
        d.path(),
    );
    run_ok(
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-keystore",
            "t.jks",
            "-storetype",
            "JKS",
            "-storepass",
            "trustme",
            "-alias",
            "ca",
            "-file",
            "c.der",
        ],
        d.path(),
    );
    let v = check_store(&d.path().join("t.jks"), "trustme", Some("JKS"));
    assert_eq!(v.entries[0].kind, EntryKind::TrustedCert);
    assert_eq!(v.entries[0].certificates[0], read(&d.path().join("c.der")));
    assert!(matches!(
        keystore::verify_key_password(&read(&d.path().join("t.jks")), "ca", "x"),
        Err(KeystoreError::Unsupported { .. })
    ));
    let _ = path;
}

#[test]
fn jceks() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.jceks", "JCEKS", "changeit", "changeit");
    let v = check_store(&path, "changeit", Some("JCEKS"));
    assert_eq!(v.store_type, StoreType::Jceks);
    assert_eq!(v.integrity.algorithm, "SHA-1 keyed digest (JCEKS)");
    assert_eq!(v.entries[0].kind, EntryKind::PrivateKey);
    // JCEKS keys use PBEWithMD5AndTripleDES; the decrypted PKCS#8 DER is the check.
    assert_eq!(keystore::verify_key_password(&read(&path), "mykey", "changeit"), Ok(()));
    assert_eq!(
        keystore::verify_key_password(&read(&path), "mykey", WRONG),
        Err(KeystoreError::WrongKeyPassword { alias: "mykey".into() })
    );
    assert_eq!(
        keystore::verify_key_password(&read(&path), "nosuch", "changeit"),
        Err(KeystoreError::UnknownAlias { alias: "nosuch".into() })
    );
    // A secret key entry (a serialized Java object) stops the listing but not the check.
    run_ok(
        "keytool",
        &[
            "-genseckey",
            "-keyalg",
            "AES",
            "-keysize",
            "128",
            "-alias",
            "aes",
            "-storetype",
            "JCEKS",
            "-keystore",
            "a.jceks",
            "-storepass",
            "changeit",
            "-keypass",
            "changeit",
        ],
        d.path(),
    );
    let v = check_store(&path, "changeit", Some("JCEKS"));
    assert!(
        v.entries
            .iter()
            .any(|e| e.kind == EntryKind::SecretKey && e.alias.as_deref() == Some("aes"))
    );
    assert_never_ok_on_damage(&read(&path), "changeit");
}

#[test]
fn pkcs12_from_keytool() {
    let d = tmp();
    let path = keytool_store(d.path(), "a.p12", "PKCS12", "changeit", "changeit");
    let v = check_store(&path, "changeit", Some("PKCS12"));
    assert_eq!(v.store_type, StoreType::Pkcs12);
    assert_eq!(v.integrity.algorithm, "HMAC-SHA-256 (PKCS#12 KDF)");
    assert_eq!(v.integrity.iterations, Some(10_000));
    // JDK 17 encrypts the certificate bag (PBES2 AES-256): it is decrypted and joined to the key.
    assert!(!v.partial);
    assert_eq!(v.entries.len(), 1);
    assert_eq!(v.entries[0].kind, EntryKind::PrivateKey);
    assert_eq!(v.entries[0].alias.as_deref(), Some("mykey"));
    assert_eq!(v.entries[0].certificates.len(), 1);
    assert_eq!(keystore::verify_key_password(&read(&path), "mykey", "changeit"), Ok(()));
    assert_eq!(keystore::verify_key_password(&read(&path), "MyKey", "changeit"), Ok(()));
    assert_eq!(
        keystore::verify_key_password(&read(&path), "mykey", WRONG),
        Err(KeystoreError::WrongKeyPassword { alias: "mykey".into() })
    );
    assert_never_ok_on_damage(&read(&path), "changeit");
}

#[test]
fn openssl_default() {
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "changeit", &[]);
    let v = check_store(&path, "changeit", Some("PKCS12"));
    assert_eq!(v.integrity.algorithm, "HMAC-SHA-256 (PKCS#12 KDF)");
    assert_eq!(v.integrity.iterations, Some(2048));
    assert!(!v.partial);
    assert_eq!(v.entries[0].alias.as_deref(), Some("mykey"));
    assert_eq!(v.entries[0].certificates.len(), 1);
    let limits = Limits {
        max_iterations: 2047,
        ..Limits::default()
    };
    assert_eq!(
        keystore::verify(&read(&path), "changeit", &limits),
        Err(KeystoreError::IterationsTooHigh {
            iterations: 2048,
            max: 2047
        })
    );
    assert_never_ok_on_damage(&read(&path), "changeit");
}

#[test]
fn openssl_legacy_sha1_mac() {
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "changeit", &["-legacy"]);
    let v = check_store(&path, "changeit", Some("PKCS12"));
    assert_eq!(v.integrity.algorithm, "HMAC-SHA-1 (PKCS#12 KDF)");
    assert_eq!(v.integrity.iterations, Some(2048));
}

#[test]
fn openssl_certificate_in_clear() {
    // -certpbe NONE leaves the certificate bag unencrypted: it is listed with the key.
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "changeit", &["-certpbe", "NONE"]);
    let v = check_store(&path, "changeit", Some("PKCS12"));
    assert!(!v.partial);
    assert_eq!(v.entries.len(), 1);
    assert_eq!(v.entries[0].kind, EntryKind::PrivateKey);
    assert_eq!(v.entries[0].certificates.len(), 1);
    run_ok(
        "openssl",
        &["x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der"],
        d.path(),
    );
    assert_eq!(v.entries[0].certificates[0], read(&d.path().join("cert.der")));
}

#[test]
fn openssl_nomac() {
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "changeit", &["-nomac"]);
    let bytes = read(&path);
    // OpenSSL 3 -nomac still encrypts the certificate section: the password is checked by
    // decrypting it and parsing the SafeContents.
    let v = keystore::verify(&bytes, "changeit", &Limits::default()).unwrap();
    assert!(
        v.integrity
            .algorithm
            .starts_with("none (no MAC; password checked by decrypting"),
        "{v:?}"
    );
    assert_eq!(v.integrity.iterations, Some(2048));
    assert!(!v.partial);
    assert_eq!(v.entries[0].certificates.len(), 1);
    assert_eq!(
        keystore::verify(&bytes, WRONG, &Limits::default()),
        Err(KeystoreError::WrongStorePassword)
    );
    // Nothing encrypted and no MAC: nothing can check a password.
    let path = openssl_store(
        d.path(),
        "b.p12",
        "changeit",
        &["-nomac", "-certpbe", "NONE", "-keypbe", "NONE"],
    );
    let bytes = read(&path);
    assert_eq!(
        keystore::verify(&bytes, "changeit", &Limits::default()),
        Err(KeystoreError::NoMac)
    );
    assert!(KeystoreError::NoMac.to_string().contains("nothing in it is encrypted"));
}

#[test]
fn openssl_non_bmp_password() {
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "pässwörd🔑", &[]);
    let v = check_store(&path, "pässwörd🔑", None);
    assert_eq!(v.integrity.algorithm, "HMAC-SHA-256 (PKCS#12 KDF)");
    // The same characters without the surrogate pair must fail.
    assert_eq!(
        keystore::verify(&read(&path), "pässwörd", &Limits::default()),
        Err(KeystoreError::WrongStorePassword)
    );
    // openssl itself agrees.
    let p = path.to_str().unwrap();
    assert!(
        run(
            "openssl",
            &["pkcs12", "-in", p, "-noout", "-passin", "pass:pässwörd🔑"],
            d.path()
        )
        .status
        .success()
    );
}

#[test]
fn openssl_empty_password() {
    let d = tmp();
    let path = openssl_store(d.path(), "a.p12", "", &[]);
    let v = check_store(&path, "", None);
    assert_eq!(v.integrity.iterations, Some(2048));
}

#[test]
fn not_keystores() {
    let l = Limits::default();
    assert_eq!(keystore::verify(b"", "x", &l), Err(KeystoreError::Empty));
    let d = tmp();
    openssl_store(d.path(), "a.p12", "x", &[]);
    let pem = read(&d.path().join("cert.pem"));
    assert_eq!(keystore::sniff(&pem), StoreType::Pem);
    assert_eq!(
        keystore::verify(&pem, "x", &l),
        Err(KeystoreError::NotAKeystore { detected: "PEM" })
    );
    run_ok(
        "openssl",
        &["x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der"],
        d.path(),
    );
    let der = read(&d.path().join("cert.der"));
    assert_eq!(keystore::sniff(&der), StoreType::Unknown);
    assert!(matches!(
        keystore::verify(&der, "x", &l),
        Err(KeystoreError::NotAKeystore { .. })
    ));
}

#[test]
fn messages_never_contain_the_password() {
    let d = tmp();
    let secret = "s3cr3t-Pässwörd";
    let path = keytool_store(d.path(), "a.jks", "JKS", secret, secret);
    let bytes = read(&path);
    let p12 = read(&openssl_store(d.path(), "a.p12", secret, &[]));
    // The MAC value is the last bytes of the file: flipping one keeps the password right.
    let mut flipped = p12.clone();
    *flipped.last_mut().unwrap() ^= 1;
    let modified = keystore::verify(&flipped, secret, &Limits::default()).unwrap_err();
    assert!(matches!(modified, KeystoreError::Modified { .. }), "{modified:?}");
    let errors = [
        keystore::verify(&bytes, "s3cr3t-other", &Limits::default()).unwrap_err(),
        keystore::verify_key_password(&bytes, "mykey", "s3cr3t-other").unwrap_err(),
        keystore::verify(&p12, "s3cr3t-other", &Limits::default()).unwrap_err(),
        keystore::verify_key_password(&p12, "mykey", "s3cr3t-other").unwrap_err(),
        modified,
    ];
    for e in errors {
        assert!(
            !e.to_string().contains("s3cr3t") && !format!("{e:?}").contains("s3cr3t"),
            "{e}"
        );
    }
    let ok = keystore::verify(&bytes, secret, &Limits::default()).unwrap();
    assert!(!format!("{ok:?}").contains("s3cr3t"));
}

/// The fuzz target `keystore_pkcs12` caps iterations at 16; its seeds come from these options.
/// This pins that such files get past the cap and through every decryption scheme, so the
/// fuzzer really exercises PBES2, 3DES and RC2-40 decryption (and the key-password path).
#[test]
fn one_iteration_files_decrypt_under_the_fuzz_limits() {
    let d = tmp();
    let limits = Limits {
        max_iterations: 16,
        ..Limits::default()
    };
    for (name, extra) in [
        ("pbes2.p12", &["-noiter", "-nomaciter"][..]),
        ("legacy.p12", &["-legacy", "-noiter", "-nomaciter"]),
        ("nomac.p12", &["-noiter", "-nomac"]),
        (
            "aes128.p12",
            &[
                "-noiter",
                "-nomaciter",
                "-certpbe",
                "AES-128-CBC",
                "-keypbe",
                "AES-192-CBC",
            ],
        ),
        (
            "des3.p12",
            &[
                "-noiter",
                "-nomaciter",
                "-certpbe",
                "DES-EDE3-CBC",
                "-keypbe",
                "PBE-SHA1-2DES",
            ],
        ),
        (
            "rc2-128.p12",
            &["-legacy", "-noiter", "-nomaciter", "-certpbe", "PBE-SHA1-RC2-128"],
        ),
    ] {
        let path = openssl_store(d.path(), name, "changeit", extra);
        let bytes = read(&path);
        let v = keystore::verify(&bytes, "changeit", &limits).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(!v.partial, "{name}");
        assert_eq!(v.entries[0].certificates.len(), 1, "{name}");
        assert_eq!(
            keystore::verify_key_password_with_limits(&bytes, "mykey", "changeit", &limits),
            Ok(()),
            "{name}"
        );
        assert_eq!(
            keystore::verify_key_password_with_limits(&bytes, "mykey", WRONG, &limits),
            Err(KeystoreError::WrongKeyPassword { alias: "mykey".into() }),
            "{name}"
        );
        assert!(keystore::verify(&bytes, WRONG, &limits).is_err(), "{name}");
    }
}
