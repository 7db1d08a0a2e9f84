//! `ssl set | show | check | remove` against the keytool- and openssl-made fixtures in
//! fixtures/keystores (their passwords and expected verdicts are in that directory's README).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod sandbox;

use common::Home;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use travelerutil::store::{Settings, SslSettings, StoreFile};

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

/// `ssl <action> [flags] <store>=<fixture> <store>pw=- --no-input` with `stdin` (usually
/// [`PW`], the fixtures' password); `store` is `keystore` or `truststore`.
fn one_store(h: &Home, action: &str, flags: &[&str], store: &str, fixture: &str, stdin: &str) -> common::Out {
    let path = format!("{store}={}", fx(fixture).display());
    let pw = format!("{store}pw=-");
    let mut args = vec!["ssl", action];
    args.extend_from_slice(flags);
    args.extend([path.as_str(), pw.as_str(), "--no-input"]);
    h.run_stdin(args, stdin)
}

/// The password of most fixtures, as a line on stdin.
const PW: &str = "changeit1\n";

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
    let out = one_store(&h, "set", &[], "keystore", "jks-umlaut.jks", "pässwörd\n");
    out.assert_code(0, "umlaut password");
    let out = one_store(&h, "set", &[], "keystore", "p12-nonbmp.p12", "pässwörd🔑\n");
    out.assert_code(0, "non-BMP password (surrogate pair)");
    let out = one_store(&h, "set", &[], "keystore", "p12-nonbmp.p12", "pässwörd\n");
    out.assert_code(13, "the password without its non-BMP character");
}

#[test]
fn a_differing_key_password_is_named_and_accepted_with_keypw() {
    let h = Home::new();
    let out = one_store(&h, "set", &[], "keystore", "jks-keypass.jks", "storepass1\n");
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
        let out = one_store(&h, "set", &[], "keystore", file, PW);
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
    let out = one_store(&h, "set", &["--dry-run", "--json"], "keystore", "jks-ascii.jks", PW);
    out.assert_code(0, "dry run");
    assert_eq!(out.json()["status"], "would-save");
    assert_eq!(store_bytes(&h), None);
    one_store(&h, "set", &[], "keystore", "jks-ascii.jks", PW).assert_code(0, "set");
    // Same password again: unchanged, and the store keeps its bytes.
    let before = store_bytes(&h);
    let out = h.run_stdin(["ssl", "set", "keystorepw=-", "--json", "--no-input"], PW);
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
        PW,
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
    let out = one_store(&h, "check", &["--json"], "truststore", "trust-empty.p12", PW);
    out.assert_code(16, "empty truststore");
    let j = out.json();
    assert_eq!(j["status"], "failed");
    assert_eq!(j["stores"][0]["verdict"], "no-trusted-certificates");
    assert_eq!(j["stores"][0]["trusted_certificates"], 0);
    let out = one_store(&h, "check", &[], "truststore", "jks-trust.jks", PW);
    out.assert_code(0, "a truststore with its CA");
    assert!(out.stdout.contains("trusted:   1 certificate"), "{}", out.stdout);
}

#[test]
fn check_reports_type_integrity_iterations_and_entries() {
    let h = Home::new();
    let out = one_store(&h, "check", &["--json"], "keystore", "p12-jdk17.p12", PW);
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
        common::run_cmd(c, Some(PW))
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

// ---------------------------------------------------------------------------------------------
// Hardening: passwords from stdin, writes, locks, control characters, ownership

#[test]
fn store_and_key_passwords_from_stdin_refuse_an_empty_line_or_eof() {
    let h = Home::new();
    let ks = arg("keystore", "jks-ascii.jks");
    let ts = arg("truststore", "jks-trust.jks");
    let kp = arg("keystore", "jks-keypass.jks");
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &[&ks, "keystorepw=-"],
            "\n",
            "keystorepw=-: the line on standard input is empty",
        ),
        (&[&ks, "keystorepw=-"], "", "keystorepw=-: standard input is empty"),
        (
            &[&ts, "truststorepw=-"],
            "\n",
            "truststorepw=-: the line on standard input is empty",
        ),
        (
            &[&kp, "keystorepw=-", "keypw=-"],
            "storepass1\n",
            "keypw=-: standard input is empty",
        ),
        (
            &[&kp, "keystorepw=-", "keypw=-"],
            "storepass1\n\n",
            "keypw=-: the line on standard input is empty",
        ),
    ];
    for (words, input, needle) in cases {
        let mut args = vec!["ssl", "set", "--no-input"];
        args.extend_from_slice(words);
        let out = h.run_stdin(&args, input);
        out.assert_code(2, needle);
        assert!(out.stderr.contains(needle), "{needle}: {}", out.stderr);
        assert_eq!(store_bytes(&h), None, "{needle}: something was stored");
    }
}

#[test]
fn ssl_dry_runs_and_failing_commands_create_and_delete_nothing() {
    let h = Home::new();
    let s = |v: &[&str]| v.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    let ks = arg("keystore", "jks-ascii.jks");
    let cases = |with_store: bool| {
        let mut v = vec![
            (
                s(&["ssl", "set", "--dry-run", &ks, "keystorepw=-", "--no-input"]),
                Some(PW),
                0,
            ),
            (s(&["ssl", "set", "--dry-run", "--no-input"]), None, 2),
            (s(&["ssl", "set", "keystor=x"]), None, 2),
            (
                s(&["ssl", "set", &ks, "keystorepw=-", "--no-input"]),
                Some("wrong\n"),
                13,
            ),
            (s(&["ssl", "set", &ks, "keystorepw=-", "--no-input"]), Some(""), 2),
            (
                s(&["ssl", "set", &arg("keystore", "nosuch.jks"), "keystorepw=-"]),
                Some("x\n"),
                14,
            ),
            (
                s(&["ssl", "set", &arg("keystore", "truncated.p12"), "keystorepw=-"]),
                Some("x\n"),
                65,
            ),
            (s(&["ssl", "set", "keystore=/a\x1bb", "keystorepw=-"]), Some("x\n"), 65),
            (
                s(&["ssl", "check", &arg("keystore", "jks-expired.jks"), "keystorepw=-"]),
                Some(PW),
                16,
            ),
            (s(&["ssl", "check", "days=soon"]), None, 65),
            (s(&["ssl", "show"]), None, 0),
        ];
        if with_store {
            v.push((s(&["ssl", "remove", "--no-input"]), None, 2));
            v.push((s(&["ssl", "remove", "truststore", "--yes"]), None, 0));
        } else {
            v.push((s(&["ssl", "check"]), None, 14));
            v.push((s(&["ssl", "remove", "--yes"]), None, 0));
        }
        v
    };
    // No home yet: nothing may create it (or its lock).
    sandbox::assert_leaves_no_trace(&h, &cases(false));
    assert!(!h.dir().exists(), "the home was created");
    // A home with a store: nothing may touch it.
    h.run_stdin(["ssl", "set", &ks, "keystorepw=-", "--no-input"], PW)
        .assert_code(0, "ssl set");
    sandbox::assert_leaves_no_trace(&h, &cases(true));
}

#[test]
fn ssl_set_and_remove_hold_no_lock_while_they_ask() {
    let h = Home::new();
    // The password prompt (stdin held open, no terminal: the question is on stderr).
    let c = h.cmd(["ssl", "set", &arg("keystore", "jks-ascii.jks")]);
    let (out, second) = sandbox::at_prompt(
        c,
        "Password of the keystore",
        || sandbox::second_writer(&h),
        "changeit1",
    );
    sandbox::assert_not_blocked(&second);
    out.assert_code(0, "ssl set after the prompt");
    assert!(
        h.show_json()["mode"] == "enterprise",
        "the second writer's settings were kept"
    );
    // The confirmation of `ssl remove`.
    let c = h.cmd(["ssl", "remove", "keystore"]);
    let (out, second) = sandbox::at_prompt(c, "[y/N]", || sandbox::second_writer(&h), "y");
    sandbox::assert_not_blocked(&second);
    out.assert_code(0, "ssl remove after the confirmation");
    assert!(h.run(["ssl", "show", "--json"]).json()["keystore"].is_null());
}

#[test]
fn ssl_set_holds_no_lock_while_it_asks_for_the_paths_at_a_terminal() {
    use rexpect::process::WaitStatus;
    let h = Home::new();
    let mut c = Command::new(common::bin());
    for v in common::product_env() {
        c.env_remove(v);
    }
    c.env("TRAVELERUTIL_HOME", h.dir())
        .env("NO_COLOR", "1")
        .args(["ssl", "set"]);
    let mut p = rexpect::session::spawn_command(c, Some(20_000)).unwrap();
    p.exp_string("keystore file (path; empty to leave unchanged)").unwrap();
    sandbox::assert_not_blocked(&sandbox::second_writer(&h));
    p.send_line(&fx("jks-ascii.jks").display().to_string()).unwrap();
    p.exp_string("truststore file").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Password of the keystore").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send_line("changeit1").unwrap();
    p.exp_eof().unwrap();
    let status = p.process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    assert_eq!(h.run(["ssl", "show", "--json"]).json()["keystore"]["type"], "JKS");
}

#[test]
fn ssl_paths_with_control_characters_are_refused() {
    let h = Home::new();
    for word in ["keystore=/tmp/ks\x1b[2J.jks", "truststore=/tmp/ts\r\nmode: x.jks"] {
        let out = h.run_stdin(["ssl", "set", word, "--no-input", "keystorepw=-"], "x\n");
        out.assert_code(65, word);
        assert!(out.stderr.contains("holds a control character"), "{}", out.stderr);
        assert!(
            !out.raw_stderr.contains(&0x1b) && !out.raw_stderr.contains(&b'\r'),
            "{}",
            out.stderr
        );
        let out = h.run_stdin(["ssl", "check", word, "keystorepw=-"], "x\n");
        out.assert_code(65, word);
    }
    assert!(!h.dir().exists());
}

/// `openssl` makes a PKCS#12 file in `dir` with a key and a self-signed certificate; `extra` are
/// further `openssl pkcs12 -export` arguments. Returns its path.
fn openssl_p12(dir: &Path, name: &str, subject: &str, extra: &[&str]) -> PathBuf {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let key = format!("{name}.key");
    let cert = format!("{name}.pem");
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-utf8",
        "-days",
        "400",
        "-keyout",
        &key,
        "-out",
        &cert,
        "-subj",
        subject,
    ]);
    let out = format!("{name}.p12");
    let mut args = vec!["pkcs12", "-export", "-in", &cert, "-inkey", &key, "-out", &out];
    args.extend_from_slice(extra);
    run(&args);
    dir.join(out)
}

#[test]
fn a_pkcs12_file_without_a_mac_is_reported_as_no_mac_not_unsupported() {
    let h = Home::new();
    let p12 = openssl_p12(
        h.outside(),
        "nomac",
        "/CN=nomac.example.com",
        &["-nomac", "-certpbe", "NONE", "-keypbe", "NONE", "-passout", "pass:x"],
    );
    let out = h.run_stdin(
        [
            "ssl",
            "check",
            "--json",
            &format!("keystore={}", p12.display()),
            "keystorepw=-",
        ],
        "x\n",
    );
    out.assert_code(10, "no MAC: no password can be checked");
    let j = out.json();
    assert_eq!(j["stores"][0]["verdict"], "no-mac", "{j}");
    assert!(
        j["stores"][0]["message"].as_str().unwrap().contains("has no MAC"),
        "{j}"
    );
    let out = h.run_stdin(
        ["ssl", "set", &format!("keystore={}", p12.display()), "keystorepw=-"],
        "x\n",
    );
    out.assert_code(10, "ssl set refuses what it cannot verify");
    assert!(out.stderr.contains("has no MAC"), "{}", out.stderr);
    assert_eq!(store_bytes(&h), None);
}

#[test]
fn ssl_output_escapes_control_characters_from_the_file_and_from_an_older_store() {
    let h = Home::new();
    let p12 = openssl_p12(
        h.outside(),
        "evil",
        "/CN=evil\x1b[2Jname",
        &["-name", "trav\x1b]0;pwned\x07eler", "-passout", "pass:changeit1"],
    );
    let ks = format!("keystore={}", p12.display());
    let out = h.run_stdin(["ssl", "check", &ks, "keystorepw=-"], PW);
    out.assert_code(0, "ssl check of a file with ESC in its alias and subject");
    assert!(out.stdout.contains("trav\\x1b]0;pwned\\x07eler"), "{}", out.stdout);
    assert!(out.stdout.contains("CN=evil\\x1b[2Jname"), "{}", out.stdout);
    // A store written before control characters were refused.
    let settings = Settings {
        ssl: Some(SslSettings {
            keystore: Some(StoreFile {
                path: h.outside().join("gone\x1b[2J\nstore:       /forged.jks"),
                store_type: "JKS\x1b[0m".into(),
                ..StoreFile::default()
            }),
            truststore: None,
        }),
        ..Settings::default()
    };
    common::write_settings(h.dir(), &settings);
    for args in [&["ssl", "show"][..], &["ssl", "check", "keystorepw=x"][..]] {
        let out = h.run(args);
        assert!(out.stdout.contains("gone\\x1b[2J\\nstore:"), "{args:?}: {}", out.stdout);
        let forged = |t: &str| t.lines().any(|l| l.starts_with("store:       /forged"));
        assert!(
            !forged(&out.stdout) && !forged(&out.stderr),
            "{args:?} forged a line: {}",
            out.stdout
        );
        for raw in [&out.raw_stdout, &out.raw_stderr] {
            assert!(
                !raw.contains(&0x1b),
                "{args:?} printed a raw ESC:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
}
