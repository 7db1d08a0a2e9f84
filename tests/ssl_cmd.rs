//! `ssl set | show | check | remove` against the keytool- and openssl-made fixtures in
//! fixtures/keystores (their passwords and expected verdicts are in that directory's README).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Home;
use std::path::PathBuf;

fn fx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keystores")
        .join(name)
}

fn arg(key: &str, name: &str) -> String {
    format!("{key}={}", fx(name).display())
}

/// `ssl set` with both passwords on stdin (`keystorepw=-`, then `truststorepw=-`).
fn set_pair(h: &Home, ks: &str, ts: &str, ks_pw: &str, ts_pw: &str) -> common::Out {
    h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", ks),
            "keystorepw=-",
            &arg("truststore", ts),
            "truststorepw=-",
            "--no-input",
        ],
        &format!("{ks_pw}\n{ts_pw}\n"),
    )
}

fn store_bytes(h: &Home) -> Option<Vec<u8>> {
    std::fs::read(h.store()).ok()
}

#[test]
fn set_verifies_both_stores_saves_and_show_masks() {
    let h = Home::new();
    let out = set_pair(&h, "jks-ascii.jks", "jks-trust.jks", "changeit1", "changeit1");
    out.assert_code(0, "ssl set");
    assert!(
        out.stderr.contains("keystore") && out.stderr.contains("JKS password OK"),
        "{}",
        out.stderr
    );
    let store = store_bytes(&h).expect("store written");
    assert!(
        !store.windows(9).any(|w| w == b"changeit1"),
        "the password is in the store file in plaintext"
    );
    let show = h.run(["ssl", "show", "--json"]);
    show.assert_code(0, "ssl show");
    let j = show.json();
    assert_eq!(j["keystore"]["path"], fx("jks-ascii.jks").display().to_string());
    assert_eq!(j["keystore"]["type"], "JKS");
    assert_eq!(j["keystore"]["password"], "*****");
    assert_eq!(j["keystore"]["file"], "unchanged");
    assert_eq!(j["truststore"]["type"], "JKS");
    assert!(!show.stdout.contains("changeit1"));
    let text = h.run(["ssl", "show"]);
    assert!(text.stdout.contains("password:  *****"), "{}", text.stdout);
    assert!(
        text.stdout.contains("reproduce:   travelerUtil ssl set keystore="),
        "{}",
        text.stdout
    );
}

#[test]
fn wrong_store_password_is_refused_and_the_store_is_byte_identical() {
    let h = Home::new();
    set_pair(&h, "jks-ascii.jks", "jks-trust.jks", "changeit1", "changeit1").assert_code(0, "first set");
    let before = store_bytes(&h);
    // The truststore password is wrong; the keystore's is right: nothing at all is saved.
    let out = set_pair(&h, "p12-jdk17.p12", "jks-trust.jks", "changeit1", "wrong-one");
    out.assert_code(13, "wrong truststore password");
    assert!(out.stderr.contains("truststore"), "{}", out.stderr);
    assert!(out.stderr.contains("password is wrong"), "{}", out.stderr);
    assert_eq!(store_bytes(&h), before, "the store changed on a failed ssl set");
    let j = h.run(["ssl", "show", "--json"]).json();
    assert_eq!(j["keystore"]["type"], "JKS", "the old keystore must still be stored");
}

#[test]
fn non_ascii_password_from_stdin_is_encoded_as_java_does() {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "jks-umlaut.jks"),
            "keystorepw=-",
            "--no-input",
        ],
        "pässwörd\n",
    );
    out.assert_code(0, "umlaut password");
    let out = h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "p12-nonbmp.p12"),
            "keystorepw=-",
            "--no-input",
        ],
        "pässwörd🔑\n",
    );
    out.assert_code(0, "non-BMP password (surrogate pair)");
    let out = h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "p12-nonbmp.p12"),
            "keystorepw=-",
            "--no-input",
        ],
        "pässwörd\n",
    );
    out.assert_code(13, "the password without its non-BMP character");
}

#[test]
fn a_differing_key_password_is_named_and_accepted_with_keypw() {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "jks-keypass.jks"),
            "keystorepw=-",
            "--no-input",
        ],
        "storepass1\n",
    );
    out.assert_code(13, "key password differs");
    assert!(
        out.stderr.contains("key password for alias 'traveler' is wrong"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("keypw="), "the fix must be named: {}", out.stderr);
    assert!(out.stderr.contains("the keystore password is right"), "{}", out.stderr);
    assert_eq!(store_bytes(&h), None, "nothing may be written");

    let out = h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "jks-keypass.jks"),
            "keystorepw=-",
            "keypw=-",
            "--no-input",
        ],
        "storepass1\nkeypass22\n",
    );
    out.assert_code(0, "with keypw");
    let j = h.run(["ssl", "show", "--json"]).json();
    assert_eq!(j["keystore"]["key_passwords"], serde_json::json!(["traveler"]));
    // `ssl check` uses the stored key password.
    let c = h.run(["ssl", "check", "--json"]);
    c.assert_code(0, "ssl check");
    assert_eq!(c.json()["stores"][0]["entries"][0]["key_password"], "ok");
}

#[test]
fn bad_files_get_their_own_exit_codes_and_leave_the_store_alone() {
    let h = Home::new();
    set_pair(&h, "jks-ascii.jks", "jks-trust.jks", "changeit1", "changeit1").assert_code(0, "first set");
    let before = store_bytes(&h);
    for (file, code, needle) in [
        ("pem-not-a-keystore.pem", 65, "PEM text"),
        ("empty.p12", 65, "empty (0 bytes)"),
        ("truncated.p12", 65, "truncated"),
        ("does-not-exist.jks", 14, "No such file"),
    ] {
        let out = h.run_stdin(
            ["ssl", "set", &arg("keystore", file), "keystorepw=-", "--no-input"],
            "changeit1\n",
        );
        out.assert_code(code, file);
        assert!(out.stderr.contains(needle), "{file}: {}", out.stderr);
        assert!(
            out.stderr.contains(&fx(file).display().to_string()),
            "{file}: path not named"
        );
        assert_eq!(store_bytes(&h), before, "{file}: the store changed");
    }
}

#[test]
fn missing_password_under_no_input_is_a_usage_error() {
    let h = Home::new();
    let out = h.run(["ssl", "set", &arg("keystore", "jks-ascii.jks"), "--no-input"]);
    out.assert_code(2, "no password, no prompt");
    assert!(out.stderr.contains("keystorepw"), "{}", out.stderr);
    let out = h.run(["ssl", "set", "--no-input"]);
    out.assert_code(2, "nothing to set");
    let out = h.run(["ssl", "set", "keystor=x"]);
    out.assert_code(2, "typo");
    assert!(out.stderr.contains("did you mean `keystore=`"), "{}", out.stderr);
}

#[test]
fn password_from_the_command_line_warns_and_from_env_does_not() {
    let h = Home::new();
    let out = h.run([
        "ssl",
        "set",
        &arg("keystore", "jks-ascii.jks"),
        "keystorepw=changeit1",
        "--no-input",
    ]);
    out.assert_code(0, "pw on argv");
    assert!(out.stderr.contains("visible in `ps`"), "{}", out.stderr);
    let h = Home::new();
    let out = run_env(
        &h,
        &["ssl", "set", &arg("keystore", "jks-ascii.jks"), "--no-input"],
        ("TRAVELERUTIL_KEYSTORE_PW", "changeit1"),
    );
    out.assert_code(0, "pw from env");
    assert!(!out.stderr.contains("visible in `ps`"), "{}", out.stderr);
    assert!(
        out.stderr.contains("TRAVELERUTIL_KEYSTORE_PW"),
        "the source is reported: {}",
        out.stderr
    );
}

fn run_env(h: &Home, args: &[&str], kv: (&str, &str)) -> common::Out {
    let mut c = h.cmd(args);
    c.env(kv.0, kv.1);
    common::run_cmd(c, None)
}

#[test]
fn dry_run_writes_nothing_and_rotation_keeps_the_path() {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "set",
            "--dry-run",
            "--json",
            &arg("keystore", "jks-ascii.jks"),
            "keystorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    );
    out.assert_code(0, "dry run");
    assert_eq!(out.json()["status"], "would-save");
    assert_eq!(store_bytes(&h), None);
    h.run_stdin(
        [
            "ssl",
            "set",
            &arg("keystore", "jks-ascii.jks"),
            "keystorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    )
    .assert_code(0, "set");
    // Same password again: unchanged, and the store keeps its bytes.
    let before = store_bytes(&h);
    let out = h.run_stdin(["ssl", "set", "keystorepw=-", "--json", "--no-input"], "changeit1\n");
    out.assert_code(0, "rotate to the same password");
    assert_eq!(out.json()["status"], "unchanged");
    assert_eq!(store_bytes(&h), before);
    let out = h.run_stdin(["ssl", "set", "keystorepw=-", "--no-input"], "wrong\n");
    out.assert_code(13, "rotation to a wrong password");
    assert_eq!(store_bytes(&h), before);
}

#[test]
fn show_and_check_notice_a_changed_or_vanished_file() {
    let h = Home::new();
    let ks = h.outside().join("keystore.jks");
    std::fs::copy(fx("jks-ascii.jks"), &ks).unwrap();
    h.run_stdin(
        [
            "ssl",
            "set",
            &format!("keystore={}", ks.display()),
            "keystorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    )
    .assert_code(0, "set");
    std::fs::copy(fx("jks-umlaut.jks"), &ks).unwrap();
    let j = h.run(["ssl", "show", "--json"]).json();
    assert_eq!(j["keystore"]["file"], "changed");
    let c = h.run(["ssl", "check", "--json"]);
    c.assert_code(13, "the replaced file has another password");
    assert_eq!(c.json()["stores"][0]["verdict"], "wrong-store-password");
    std::fs::remove_file(&ks).unwrap();
    let show = h.run(["ssl", "show"]);
    show.assert_code(0, "show succeeds");
    assert!(show.stdout.contains("MISSING"), "{}", show.stdout);
    let c = h.run(["ssl", "check"]);
    c.assert_code(14, "check on a vanished file");
    assert!(c.stdout.contains("missing"), "{}", c.stdout);
}

#[test]
fn a_truststore_without_trusted_certificates_fails_the_check() {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "check",
            "--json",
            &arg("truststore", "trust-empty.p12"),
            "truststorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    );
    out.assert_code(16, "empty truststore");
    let j = out.json();
    assert_eq!(j["status"], "failed");
    assert_eq!(j["stores"][0]["verdict"], "no-trusted-certificates");
    assert_eq!(j["stores"][0]["trusted_certificates"], 0);
    let out = h.run_stdin(
        [
            "ssl",
            "check",
            &arg("truststore", "jks-trust.jks"),
            "truststorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    );
    out.assert_code(0, "a truststore with its CA");
    assert!(out.stdout.contains("trusted:   1 certificate"), "{}", out.stdout);
}

#[test]
fn check_reports_type_integrity_iterations_and_entries() {
    let h = Home::new();
    let out = h.run_stdin(
        [
            "ssl",
            "check",
            "--json",
            &arg("keystore", "p12-jdk17.p12"),
            "keystorepw=-",
            "--no-input",
        ],
        "changeit1\n",
    );
    out.assert_code(0, "jdk17 p12");
    let s = &out.json()["stores"][0];
    assert_eq!(s["type"], "PKCS12");
    assert_eq!(s["integrity"]["iterations"], 10000);
    assert!(s["integrity"]["algorithm"].as_str().unwrap().contains("SHA-256"), "{s}");
    assert_eq!(s["entries"][0]["alias"], "traveler");
    assert_eq!(s["entries"][0]["subject"], "CN=traveler.example.com");
}

#[test]
fn expiry_is_judged_against_an_injected_now() {
    let h = Home::new();
    let check = |now: &str, file: &str| {
        let mut c = h.cmd([
            "ssl",
            "check",
            "--json",
            &arg("keystore", file),
            "keystorepw=-",
            "--no-input",
        ]);
        c.env("TRAVELERUTIL_NOW", now);
        common::run_cmd(c, Some("changeit1\n"))
    };
    // jks-expiring.jks: notAfter 2026-12-03 03:05:58 UTC.
    let out = check("2026-11-23T00:00:00Z", "jks-expiring.jks");
    out.assert_code(0, "expiring within 30 days is a warning");
    let j = out.json();
    assert_eq!(j["status"], "warning");
    assert_eq!(j["stores"][0]["entries"][0]["days_left"], 10);
    assert!(
        j["stores"][0]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("expires on 2026-12-03")
    );
    let out = check("2026-10-01T00:00:00Z", "jks-expiring.jks");
    out.assert_code(0, "more than 30 days left");
    assert_eq!(out.json()["status"], "ok");
    let out = check("2026-12-04T00:00:00Z", "jks-expiring.jks");
    out.assert_code(16, "expired");
    assert_eq!(out.json()["stores"][0]["verdict"], "expired");
    let out = check("2026-11-23T00:00:00Z", "jks-expired.jks");
    out.assert_code(16, "expired in 2025");
    let out = check("yesterday", "jks-expired.jks");
    out.assert_code(65, "a bad TRAVELERUTIL_NOW");
    assert!(out.stderr.contains("RFC 3339"), "{}", out.stderr);
}

#[test]
fn remove_one_or_both() {
    let h = Home::new();
    set_pair(&h, "jks-ascii.jks", "jks-trust.jks", "changeit1", "changeit1").assert_code(0, "set");
    let out = h.run(["ssl", "remove", "truststore", "--no-input"]);
    out.assert_code(2, "confirmation needed under --no-input");
    let out = h.run(["ssl", "remove", "truststore", "--yes", "--json"]);
    out.assert_code(0, "remove truststore");
    assert_eq!(out.json()["removed"], serde_json::json!(["truststore"]));
    let j = h.run(["ssl", "show", "--json"]).json();
    assert!(j["truststore"].is_null() && j["keystore"].is_object(), "{j}");
    h.run(["ssl", "remove", "-y"]).assert_code(0, "remove the rest");
    let out = h.run(["ssl", "remove", "-y", "--json"]);
    out.assert_code(0, "nothing left");
    assert_eq!(out.json()["status"], "nothing-to-remove");
    let out = h.run(["ssl", "check"]);
    out.assert_code(14, "nothing configured");
}
