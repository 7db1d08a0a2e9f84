//! `ssl check --json`'s certificate fingerprints against keytool, run now: every entry's `sha256`
//! is the `SHA256:` line `keytool -list -v` prints for that alias, and a store's
//! `certificates_sha256` is what the recipe in docs/json.md computes from keytool's output. Then
//! truststores made by keytool at test time: the same CAs in JKS and PKCS#12, imported in another
//! order under other aliases, compare equal; one CA more or another CA compares different.
//!
//! keytool must be installed (JDK 17 here): a missing keytool fails the test, it does not skip.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Home;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const PW: &str = "changeit1";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keystores")
        .join(name)
}

fn keytool(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("keytool")
        .args(args)
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run keytool: {e}. This test needs JDK 17 keytool on PATH (default-jre-headless); it does not skip")
        });
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "keytool {args:?} failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// What `keytool -list -v` says about a store: per alias (lower-cased, as PKCS#12 keeps them),
/// the entry type and the first `SHA256:` line after it (the entry's own certificate).
fn keytool_list(path: &Path) -> BTreeMap<String, (String, String)> {
    let text = keytool(
        path.parent().unwrap(),
        &["-list", "-v", "-keystore", path.to_str().unwrap(), "-storepass", PW],
    );
    let mut out = BTreeMap::new();
    let mut alias = None;
    let mut kind = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(a) = line.strip_prefix("Alias name: ") {
            alias = Some(a.to_lowercase());
        } else if let Some(k) = line.strip_prefix("Entry type: ") {
            kind = k.to_string();
        } else if let Some(f) = line.strip_prefix("SHA256: ")
            && let Some(a) = alias.take()
        {
            out.insert(a, (kind.clone(), f.to_string()));
        }
    }
    assert!(!out.is_empty(), "no entry in keytool's listing:\n{text}");
    out
}

/// The recipe of docs/json.md, from keytool's listing: the trusted certificates' fingerprints,
/// distinct and sorted, one per line, through SHA-256, written in keytool's form.
fn recipe(listing: &BTreeMap<String, (String, String)>) -> Option<String> {
    let mut lines: Vec<&str> = listing
        .values()
        .filter(|(kind, _)| kind == "trustedCertEntry")
        .map(|(_, f)| f.as_str())
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.sort_unstable();
    lines.dedup();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let digest = Sha256::digest(text.as_bytes());
    Some(digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"))
}

/// `ssl check --json` of one file as `role`; the store's report.
fn check(role: &str, path: &Path) -> Value {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "check",
            "--json",
            &format!("{role}={}", path.display()),
            &format!("{role}pw=-"),
            "--no-input",
        ],
        &format!("{PW}\n"),
    );
    out.assert_code(0, &format!("ssl check {}", path.display()));
    out.json()["stores"][0].clone()
}

#[test]
fn fingerprints_are_keytools_and_the_content_digest_follows_the_recipe() {
    for (role, name) in [
        ("truststore", "jks-trust.jks"),
        ("truststore", "p12-trust.p12"),
        ("keystore", "jks-ascii.jks"),
        ("keystore", "jceks.jceks"),
        ("keystore", "p12-jdk17.p12"),
    ] {
        let path = fixture(name);
        let listing = keytool_list(&path);
        let store = check(role, &path);
        let entries = store["entries"].as_array().unwrap();
        assert_eq!(entries.len(), listing.len(), "{name}: {store}");
        for e in entries {
            let alias = e["alias"].as_str().unwrap().to_lowercase();
            let (_, keytool_sha) = &listing[&alias];
            assert_eq!(e["sha256"], keytool_sha.as_str(), "{name} alias {alias}");
        }
        let expected = recipe(&listing);
        assert_eq!(
            store["certificates_sha256"].as_str(),
            expected.as_deref(),
            "{name}: {store}"
        );
        if role == "keystore" {
            assert!(
                store["certificates_sha256"].is_null(),
                "a keystore without trusted certificates"
            );
        }
    }
}

/// Two CAs, then truststores of them made by keytool: the content digest depends on which
/// certificates are trusted, nothing else.
#[test]
fn the_same_cas_compare_equal_whatever_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for ca in ["ca-one", "ca-two", "ca-three"] {
        keytool(
            dir,
            &[
                "-genkeypair",
                "-alias",
                ca,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                &format!("CN={ca}"),
                "-ext",
                "bc:c",
                "-validity",
                "3650",
                "-storetype",
                "PKCS12",
                "-keystore",
                &format!("{ca}.p12"),
                "-storepass",
                PW,
            ],
        );
        keytool(
            dir,
            &[
                "-exportcert",
                "-alias",
                ca,
                "-keystore",
                &format!("{ca}.p12"),
                "-storepass",
                PW,
                "-file",
                &format!("{ca}.crt"),
            ],
        );
    }
    let truststore = |file: &str, storetype: &str, cas: &[(&str, &str)]| {
        for (alias, ca) in cas {
            keytool(
                dir,
                &[
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    alias,
                    "-file",
                    &format!("{ca}.crt"),
                    "-keystore",
                    file,
                    "-storetype",
                    storetype,
                    "-storepass",
                    PW,
                ],
            );
        }
        dir.join(file)
    };
    let jks = truststore("pool.jks", "JKS", &[("one", "ca-one"), ("two", "ca-two")]);
    let p12 = truststore("pool.p12", "PKCS12", &[("second", "ca-two"), ("first", "ca-one")]);
    let more = truststore(
        "more.jks",
        "JKS",
        &[("one", "ca-one"), ("two", "ca-two"), ("three", "ca-three")],
    );
    let other = truststore("other.jks", "JKS", &[("one", "ca-one"), ("three", "ca-three")]);

    let digest = |p: &Path| {
        let store = check("truststore", p);
        let listing = keytool_list(p);
        let d = store["certificates_sha256"].as_str().unwrap().to_string();
        assert_eq!(Some(d.clone()), recipe(&listing), "{}", p.display());
        d
    };
    assert_ne!(std::fs::read(&jks).unwrap(), std::fs::read(&p12).unwrap());
    let pool = digest(&jks);
    assert_eq!(pool, digest(&p12), "the same CAs in JKS and PKCS#12");
    assert_ne!(pool, digest(&more), "one CA more");
    assert_ne!(pool, digest(&other), "another CA");
}
