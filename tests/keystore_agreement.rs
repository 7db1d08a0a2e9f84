//! Our keystore verdicts against the real tools, run now: JDK `keytool -list` on every committed
//! fixture keytool can read (right and wrong password), `openssl pkcs12 -info -noout` on every
//! PKCS#12 fixture, and `openssl x509` on every certificate we list. Every difference from the
//! tools is an explicit, commented entry in a table below; anything else fails.
//!
//! keytool and openssl must be installed (JDK 17 and OpenSSL 3.0 here): a missing tool fails
//! the test loudly rather than skipping it. keytool starts a JVM per call (~0.5 s), so the calls
//! run on a few threads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use travelerutil::keystore::{self, EntryKind, KeystoreError, Limits, Verified};

const WRONG: &str = "wrongpass1";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keystores")
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run '{program}': {e}. This test needs JDK 17 keytool and OpenSSL 3 on PATH \
                 (apt-get install openjdk-17-jdk-headless openssl); it does not skip"
            )
        })
}

/// A verdict both sides can be mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// Entries a Java KeyStore would list (lower-cased aliases; `None` = no friendlyName).
    Ok(BTreeSet<Option<String>>),
    Wrong,
    /// keytool's JKS/JCEKS message, which cannot tell the two apart.
    WrongOrModified,
    Modified,
    Damaged,
    Empty,
    NotAKeystore,
    Unsupported,
}

fn ours(bytes: &[u8], password: &str) -> Verdict {
    match keystore::verify(bytes, password, &Limits::default()) {
        Ok(v) => Verdict::Ok(java_aliases(&v)),
        Err(KeystoreError::WrongStorePassword) => Verdict::Wrong,
        Err(KeystoreError::Modified { .. }) => Verdict::Modified,
        Err(KeystoreError::Truncated { .. } | KeystoreError::Malformed { .. }) => Verdict::Damaged,
        Err(KeystoreError::Empty) => Verdict::Empty,
        Err(KeystoreError::NotAKeystore { .. }) => Verdict::NotAKeystore,
        Err(e) => panic!("unexpected verdict {e:?}"),
    }
}

/// Java lists keys, trusted certificates and secret keys; PKCS#12 certificate bags that are
/// neither a key's chain nor marked trusted are not entries to it.
fn java_aliases(v: &Verified) -> BTreeSet<Option<String>> {
    v.entries
        .iter()
        .filter(|e| e.kind != EntryKind::Certificate)
        .map(|e| e.alias.as_ref().map(|a| a.to_lowercase()))
        .collect()
}

fn keytool(path: &Path, password: &str) -> (Verdict, String) {
    let file = path.to_str().unwrap();
    let out = run("keytool", &["-list", "-keystore", file, "-storepass", password]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let verdict = if out.status.success() {
        let aliases: BTreeSet<Option<String>> = text
            .lines()
            .filter(|l| {
                l.contains(", PrivateKeyEntry,") || l.contains(", trustedCertEntry,") || l.contains(", SecretKeyEntry,")
            })
            .map(|l| Some(l.split(", ").next().unwrap().to_lowercase()))
            .collect();
        let count_line = text.lines().find(|l| l.starts_with("Your keystore contains")).unwrap();
        let count: usize = count_line.split_whitespace().nth(3).unwrap().parse().unwrap();
        assert_eq!(
            count,
            aliases.len(),
            "keytool's count and listed aliases differ:\n{text}"
        );
        Verdict::Ok(aliases)
    } else if text.contains("tampered with, or password was incorrect") {
        Verdict::WrongOrModified
    } else if text.contains("keystore password was incorrect") {
        Verdict::Wrong
    } else if text.contains("Failed PKCS12 integrity checking") {
        // A MAC mismatch: keytool says this when nothing encrypted failed first (trust-empty.p12
        // with a wrong password, flipped.p12 with the right one).
        Verdict::WrongOrModified
    } else if text.contains("NoSuchAlgorithmException") {
        Verdict::Unsupported
    } else if text.contains("EOFException") {
        Verdict::Damaged
    } else if text.contains("Keystore file exists, but is empty") {
        Verdict::Empty
    } else if text.contains("Unrecognized keystore format") {
        Verdict::NotAKeystore
    } else {
        panic!("unclassified keytool output for {file}:\n{text}");
    };
    (verdict, text)
}

/// (file, the right password). Every committed fixture.
const FILES: &[(&str, &str)] = &[
    ("jks-ascii.jks", "changeit1"),
    ("jks-umlaut.jks", "pässwörd"),
    ("jks-keypass.jks", "storepass1"),
    ("jks-trust.jks", "changeit1"),
    ("jks-expiring.jks", "changeit1"),
    ("jks-expired.jks", "changeit1"),
    ("jceks.jceks", "changeit1"),
    ("p12-jdk17.p12", "changeit1"),
    ("p12-jdk-legacy.p12", "changeit1"),
    ("p12-jdk-sha512mac.p12", "changeit1"),
    ("p12-openssl3.p12", "changeit1"),
    ("p12-legacy.p12", "changeit1"),
    ("p12-nomac.p12", "changeit1"),
    ("p12-nonbmp.p12", "pässwörd🔑"),
    ("p12-emptypass.p12", ""),
    ("trust-empty.p12", "changeit1"),
    ("p12-trust.p12", "changeit1"),
    ("empty.p12", "changeit1"),
    ("pem-not-a-keystore.pem", "changeit1"),
    ("truncated.p12", "changeit1"),
    ("flipped.jks", "changeit1"),
    ("flipped.p12", "changeit1"),
    ("pbmac1-sha256.p12", "1234"),
    ("pbmac1-sha256mac-sha512prf.p12", "1234"),
    ("pbmac1-sha512.p12", "1234"),
    ("pbmac1-bad-iter.p12", "1234"),
    ("pbmac1-bad-salt.p12", "1234"),
    ("pbmac1-no-keylen.p12", "1234"),
];

/// Where we knowingly differ from keytool: (file, right password?, keytool, ours, why).
fn keytool_divergence(file: &str, right: bool, kt: &Verdict, us: &Verdict) -> Option<&'static str> {
    use Verdict::*;
    match (file, right, kt, us) {
        // No MAC: keytool lists the file with any password; we decrypt a bag and parse it.
        ("p12-nomac.p12", false, Ok(_), Wrong) => Some("keytool does not check a no-MAC password"),
        // JDK 17's PKCS#12 PBE key factory refuses non-ASCII ("Password is not ASCII"); the
        // BMPString with a surrogate pair is what OpenSSL wrote (Temurin 25 lists it).
        ("p12-nonbmp.p12", true, Wrong, Ok(_)) => Some("JDK 17 rejects non-ASCII PKCS#12 passwords"),
        // JKS: keytool's one message covers both; we open the key with the password.
        ("flipped.jks" | "flipped.p12", true, WrongOrModified, Modified) => Some("we tell 'modified' from 'wrong'"),
        (_, _, WrongOrModified, Wrong) => Some("keytool's JKS message covers both"),
        // JDK 17 has no PBMAC1 (JDK 26 adds it). The RFC 9579 A.1-A.3 vectors are valid; A.4 and
        // A.5 fail their MAC although '1234' decrypts the key (so: modified); A.6 lacks keyLength.
        (f, true, Unsupported, Ok(_)) if f.starts_with("pbmac1-") => Some("no PBMAC1 in JDK 17"),
        ("pbmac1-bad-iter.p12" | "pbmac1-bad-salt.p12", true, Unsupported, Modified) => Some("no PBMAC1 in JDK 17"),
        ("pbmac1-no-keylen.p12", true, Unsupported, Damaged) => Some("no PBMAC1 in JDK 17"),
        // With a wrong password JDK 17 fails decrypting the certificate bag before it reaches the
        // MAC; we check structure first, and the missing keyLength is a structural fault.
        ("pbmac1-no-keylen.p12", false, Wrong, Damaged) => Some("structure before password"),
        (f, false, Unsupported, Wrong) if f.starts_with("pbmac1-") => Some("no PBMAC1 in JDK 17"),
        _ => None,
    }
}

/// Runs `f` over `items` on a few threads (keytool is a JVM start per call).
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0usize);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().unwrap().push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn keytool_agrees_on_every_fixture() {
    let cases: Vec<(&str, &str, bool)> = FILES
        .iter()
        .flat_map(|(f, pw)| [(*f, *pw, true), (*f, WRONG, false)])
        .collect();
    let failures: Vec<String> = parallel(&cases, |(file, pw, right)| {
        let path = fixtures().join(file);
        let bytes = std::fs::read(&path).unwrap();
        let (kt, text) = keytool(&path, pw);
        let us = ours(&bytes, pw);
        if kt == us || keytool_divergence(file, *right, &kt, &us).is_some() {
            None
        } else {
            Some(format!(
                "{file} ({} password): keytool {kt:?}, ours {us:?}\n{text}",
                if *right { "right" } else { "wrong" }
            ))
        }
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// keytool's listing of the committed files, checked one more way: every file it opens with the
/// right password lists at least one entry, and we list the same aliases (the generic test above
/// compares sets; this pins that the sets are not trivially empty).
#[test]
fn right_passwords_list_the_expected_aliases() {
    for (file, pw, aliases) in [
        ("jks-ascii.jks", "changeit1", &["traveler"][..]),
        ("jks-trust.jks", "changeit1", &["ca"]),
        ("jceks.jceks", "changeit1", &["traveler"]),
        ("p12-jdk17.p12", "changeit1", &["traveler"]),
        ("p12-jdk-legacy.p12", "changeit1", &["traveler"]),
        ("p12-legacy.p12", "changeit1", &["traveler"]),
        ("p12-trust.p12", "changeit1", &["ca"]),
        ("trust-empty.p12", "changeit1", &["traveler"]),
    ] {
        let want: BTreeSet<Option<String>> = aliases.iter().map(|a| Some(a.to_string())).collect();
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        assert_eq!(ours(&bytes, pw), Verdict::Ok(want), "{file}");
        let v = keystore::verify(&bytes, pw, &Limits::default()).unwrap();
        assert!(!v.partial, "{file}: everything should be decrypted");
    }
}

fn openssl_info(path: &Path, password: &str, legacy: bool) -> (Verdict, usize, usize, String) {
    let pass = format!("pass:{password}");
    let mut args = vec![
        "pkcs12",
        "-info",
        "-noout",
        "-in",
        path.to_str().unwrap(),
        "-passin",
        &pass,
    ];
    if legacy {
        args.push("-legacy");
    }
    let out = run("openssl", &args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let keys = text
        .lines()
        .filter(|l| l.starts_with("Shrouded Keybag") || l.starts_with("Key bag"))
        .count();
    let certs = text.lines().filter(|l| l.starts_with("Certificate bag")).count();
    let verdict = if out.status.success() {
        Verdict::Ok(BTreeSet::new())
    } else if text.contains("PBMAC1") {
        Verdict::Unsupported
    } else if text.contains("Mac verify error") {
        Verdict::WrongOrModified
    } else if text.contains("not enough data") {
        Verdict::Damaged
    } else {
        panic!("unclassified openssl output for {}:\n{text}", path.display());
    };
    (verdict, keys, certs, text)
}

#[test]
fn openssl_agrees_on_every_pkcs12_fixture() {
    let cases: Vec<(&str, &str, bool)> = FILES
        .iter()
        .filter(|(f, _)| f.ends_with(".p12") && *f != "empty.p12")
        .flat_map(|(f, pw)| [(*f, *pw, true), (*f, WRONG, false)])
        .collect();
    let failures: Vec<String> = parallel(&cases, |(file, pw, right)| {
        let path = fixtures().join(file);
        let bytes = std::fs::read(&path).unwrap();
        // RC2-40 needs OpenSSL 3's legacy provider.
        let legacy = file.contains("legacy");
        let (os, keys, certs, text) = openssl_info(&path, pw, legacy);
        let r = keystore::verify(&bytes, pw, &Limits::default());
        let problem = match (&os, &r) {
            (Verdict::Ok(_), Ok(v)) => {
                let our_keys = v.entries.iter().filter(|e| e.kind == EntryKind::PrivateKey).count();
                let our_certs: usize = v.entries.iter().map(|e| e.certificates.len()).sum();
                (our_keys != keys || our_certs != certs)
                    .then(|| format!("openssl: {keys} keys, {certs} certs; ours {our_keys}, {our_certs}"))
            }
            // No MAC: openssl -info accepts any password; we check it by decryption.
            (Verdict::Ok(_), Err(KeystoreError::WrongStorePassword)) if *file == "p12-nomac.p12" && !right => None,
            (Verdict::WrongOrModified, Err(KeystoreError::WrongStorePassword | KeystoreError::Modified { .. })) => None,
            (Verdict::Damaged, Err(KeystoreError::Truncated { .. } | KeystoreError::Malformed { .. })) => None,
            // OpenSSL 3.0 has no PBMAC1 (3.4 adds it); see keytool_divergence for our verdicts.
            (Verdict::Unsupported, _) if file.starts_with("pbmac1-") => None,
            _ => Some("verdicts differ".to_owned()),
        };
        problem.map(|p| format!("{file} ({pw:?}): openssl {os:?}, ours {r:?}: {p}\n{text}"))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Our certificate summary against `openssl x509` for every certificate in every fixture we
/// can open, and keytool's "Certificate fingerprint (SHA-256)" for the first one of each entry.
#[test]
fn certificate_summaries_match_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let mut certs: Vec<(String, Vec<u8>)> = Vec::new();
    for (file, pw) in FILES {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        if let Ok(v) = keystore::verify(&bytes, pw, &Limits::default()) {
            for (i, c) in v.entries.iter().flat_map(|e| e.certificates.iter()).enumerate() {
                certs.push((format!("{file}#{i}"), c.clone()));
            }
        }
    }
    assert!(certs.len() >= 15, "only {} certificates found", certs.len());
    let failures: Vec<String> = parallel(&certs, |(name, der)| {
        let path = dir.path().join(name.replace('#', "_"));
        std::fs::write(&path, der).unwrap();
        let out = run(
            "openssl",
            &[
                "x509",
                "-inform",
                "DER",
                "-in",
                path.to_str().unwrap(),
                "-noout",
                "-nameopt",
                "RFC2253",
                "-subject",
                "-issuer",
                "-serial",
                "-fingerprint",
                "-sha256",
                "-startdate",
                "-enddate",
                "-dateopt",
                "iso_8601",
                "-ext",
                "basicConstraints",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "openssl x509 failed on {name}: {text}");
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("no {key} in {text}"))
                .trim()
                .to_owned()
        };
        let info = keystore::cert_info(der).unwrap();
        let unix = |iso: &str| {
            let out = run("date", &["-u", "-d", iso, "+%s"]);
            String::from_utf8_lossy(&out.stdout).trim().parse::<i64>().unwrap()
        };
        let serial = field("serial=").trim_start_matches('0').to_lowercase();
        let want = (
            field("subject="),
            field("issuer="),
            if serial.is_empty() { "0".to_owned() } else { serial },
            unix(&field("notBefore=")),
            unix(&field("notAfter=")),
            text.contains("CA:TRUE"),
            field("sha256 Fingerprint="),
        );
        let got = (
            info.subject.clone(),
            info.issuer.clone(),
            info.serial_hex.clone(),
            info.not_before,
            info.not_after,
            info.is_ca,
            info.sha256_fingerprint.clone(),
        );
        (want != got).then(|| format!("{name}: openssl {want:?}\nours {got:?}"))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // keytool's fingerprint line for the one-entry stores.
    for file in ["jks-trust.jks", "p12-jdk17.p12", "p12-legacy.p12"] {
        let (_, text) = keytool(&fixtures().join(file), "changeit1");
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let v = keystore::verify(&bytes, "changeit1", &Limits::default()).unwrap();
        let fp = keystore::cert_info(&v.entries[0].certificates[0])
            .unwrap()
            .sha256_fingerprint;
        assert!(
            text.contains(&format!("Certificate fingerprint (SHA-256): {fp}")),
            "{file}: {text}"
        );
    }
}

/// Trust anchors as Java sees them: keytool-made trust stores give one, an OpenSSL-made
/// certificate-only PKCS#12 (no Java trusted-usage attribute) gives none, and keytool agrees by
/// listing 0 entries. The PEM export reads back in openssl to the same certificate.
#[test]
fn trusted_certificates_match_keytool() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = fixtures().join("pem-not-a-keystore.pem");
    let os_trust = d.join("os-trust.p12");
    let out = run(
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            ca.to_str().unwrap(),
            "-name",
            "myca",
            "-passout",
            "pass:changeit1",
            "-out",
            os_trust.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let (kt, text) = keytool(&os_trust, "changeit1");
    assert_eq!(kt, Verdict::Ok(BTreeSet::new()), "{text}");
    let v = keystore::verify(&std::fs::read(&os_trust).unwrap(), "changeit1", &Limits::default()).unwrap();
    assert_eq!(v.entries.len(), 1);
    assert_eq!(v.entries[0].kind, EntryKind::Certificate);
    assert!(keystore::trusted_certificates(&v).is_empty());

    for file in ["jks-trust.jks", "p12-trust.p12"] {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        let v = keystore::verify(&bytes, "changeit1", &Limits::default()).unwrap();
        let trusted = keystore::trusted_certificates(&v);
        assert_eq!(trusted.len(), 1, "{file}");
        let info = keystore::cert_info(trusted[0]).unwrap();
        assert_eq!(info.subject, "CN=travelerutil fixtures test CA");
        assert!(info.is_ca);
        let pem = keystore::certs_to_pem(&[trusted[0].to_vec()]);
        let pem_path = d.join(format!("{file}.pem"));
        std::fs::write(&pem_path, &pem).unwrap();
        let out = run(
            "openssl",
            &["x509", "-in", pem_path.to_str().unwrap(), "-outform", "DER"],
        );
        assert!(out.status.success(), "openssl cannot read our PEM:\n{pem}");
        assert_eq!(out.stdout, trusted[0], "{file}");
    }
    // A key store's own chain is not a trust anchor.
    let bytes = std::fs::read(fixtures().join("p12-openssl3.p12")).unwrap();
    let v = keystore::verify(&bytes, "changeit1", &Limits::default()).unwrap();
    assert!(keystore::trusted_certificates(&v).is_empty());
}

/// Key passwords against the tools that open keys: `keytool -importkeystore -srckeypass` for JKS
/// and JCEKS (exit 0 only when the key opens), `openssl pkcs12 -nocerts -nodes -nomacver` for
/// PKCS#12 shrouded key bags (the MAC is skipped so only the key's decryption decides).
#[test]
fn key_passwords_agree_with_the_tools() {
    let dir = tempfile::tempdir().unwrap();
    // (file, store password, key password to try)
    let cases: Vec<(&str, &str, &str)> = vec![
        ("jks-keypass.jks", "storepass1", "keypass22"),
        ("jks-keypass.jks", "storepass1", "storepass1"),
        ("jks-ascii.jks", "changeit1", "changeit1"),
        ("jks-ascii.jks", "changeit1", WRONG),
        ("jks-umlaut.jks", "pässwörd", "pässwörd"),
        ("jceks.jceks", "changeit1", "changeit1"),
        ("jceks.jceks", "changeit1", WRONG),
        ("p12-jdk17.p12", "changeit1", "changeit1"),
        ("p12-jdk17.p12", "changeit1", WRONG),
        ("p12-jdk-legacy.p12", "changeit1", "changeit1"),
        ("p12-jdk-legacy.p12", "changeit1", WRONG),
        ("p12-openssl3.p12", "changeit1", "changeit1"),
        ("p12-legacy.p12", "changeit1", WRONG),
        ("p12-nomac.p12", "changeit1", "changeit1"),
        ("p12-nomac.p12", "changeit1", WRONG),
        ("p12-nonbmp.p12", "pässwörd🔑", "pässwörd🔑"),
        ("p12-emptypass.p12", "", ""),
        ("p12-emptypass.p12", "", WRONG),
        ("trust-empty.p12", "changeit1", "changeit1"),
    ];
    let failures: Vec<String> = parallel(&cases, |(file, store_pw, key_pw)| {
        let path = fixtures().join(file);
        let bytes = std::fs::read(&path).unwrap();
        let ours = keystore::verify_key_password(&bytes, "traveler", key_pw);
        let tool_ok = if file.ends_with(".p12") {
            let pass = format!("pass:{key_pw}");
            let mut args = vec![
                "pkcs12",
                "-nocerts",
                "-nodes",
                "-nomacver",
                "-in",
                path.to_str().unwrap(),
            ];
            args.extend(["-passin", &pass]);
            if file.contains("legacy") {
                args.push("-legacy");
            }
            let out = run("openssl", &args);
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("BEGIN PRIVATE KEY")
        } else {
            let dest = dir.path().join(format!("{file}-{}.p12", key_pw.len()));
            let out = run(
                "keytool",
                &[
                    "-importkeystore",
                    "-noprompt",
                    "-srckeystore",
                    path.to_str().unwrap(),
                    "-srcstorepass",
                    store_pw,
                    "-srcalias",
                    "traveler",
                    "-srckeypass",
                    key_pw,
                    "-destkeystore",
                    dest.to_str().unwrap(),
                    "-deststoretype",
                    "PKCS12",
                    "-deststorepass",
                    "changeit1",
                ],
            );
            out.status.success()
        };
        let agree = match &ours {
            Ok(()) => tool_ok,
            Err(KeystoreError::WrongKeyPassword { alias }) => !tool_ok && alias == "traveler",
            Err(_) => false,
        };
        (!agree).then(|| format!("{file} key password {key_pw:?}: tool opens it: {tool_ok}, ours {ours:?}"))
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let bytes = std::fs::read(fixtures().join("p12-jdk17.p12")).unwrap();
    assert_eq!(
        keystore::verify_key_password(&bytes, "nosuch", "changeit1"),
        Err(KeystoreError::UnknownAlias { alias: "nosuch".into() })
    );
}
