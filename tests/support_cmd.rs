//! `pmr` / `support` without a server: `set`, `show`, `remove`, and everything an upload checks
//! before it connects (the uploads themselves are in tests/support_upload.rs, against OpenSSH).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod sandbox;

use common::Home;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use travelerutil::store::{Settings, SupportSettings};

/// `pmr set host=… user=… pw=- --no-input` with `extra` words and the password on stdin.
fn set(h: &Home, extra: &[&str]) -> common::Out {
    let mut args = vec!["pmr", "set", "host=sftp.example.com", "user=me", "pw=-", "--no-input"];
    args.extend_from_slice(extra);
    h.run_stdin(&args, "s3cret\n")
}

/// A private key file (the bytes do not matter before a connection) with `mode`.
fn key_file(h: &Home, name: &str, mode: u32) -> PathBuf {
    let p = h.outside().join(name);
    std::fs::write(&p, "-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p
}

/// A file to upload, beside the home.
fn upload_file(h: &Home) -> PathBuf {
    let f = h.outside().join("usage.log");
    std::fs::write(&f, "usage\n").unwrap();
    f
}

fn chown_nobody(p: &Path) {
    // The tests run as root (as the test environment does); nobody is uid 65534.
    std::os::unix::fs::chown(p, Some(65_534), Some(65_534)).unwrap();
}

#[test]
fn pmr_set_refuses_control_characters_in_user_dir_and_key() {
    let h = Home::new();
    for word in [
        "user=me\x1b]0;pwned\x07",
        "dir=/in\r\nhost:      evil",
        "key=/keys/id\x1b[2J",
    ] {
        let out = h.run_stdin(
            ["pmr", "set", "host=sftp.example.com", word, "pw=-", "--no-input"],
            "x\n",
        );
        out.assert_code(65, word);
        assert!(out.stderr.contains("holds a control character"), "{}", out.stderr);
        assert!(
            !out.raw_stderr.iter().any(|b| matches!(b, 0x1b | b'\r' | 0x07)),
            "{}",
            out.stderr
        );
    }
    assert!(!h.dir().exists(), "a refused value created the home");
}

#[test]
fn pmr_show_escapes_what_an_older_store_holds() {
    let h = Home::new();
    let settings = Settings {
        support: Some(SupportSettings {
            host: Some("sftp.example.com".into()),
            user: Some("me\x1b[2J".into()),
            dir: Some("/in\r\nhostkey:   SHA256:forged".into()),
            key: Some(PathBuf::from("/keys/id\x1b]0;t\x07")),
            ..SupportSettings::default()
        }),
        ..Settings::default()
    };
    common::write_settings(h.dir(), &settings);
    let out = h.run(["pmr", "show"]);
    out.assert_code(0, "pmr show");
    assert!(out.stdout.contains("user:      me\\x1b[2J\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("dir:       /in\\r\\nhostkey:   SHA256:forged\n"),
        "{}",
        out.stdout
    );
    assert!(
        !out.raw_stdout.iter().any(|b| matches!(b, 0x1b | b'\r' | 0x07)),
        "{}",
        out.stdout
    );
    let removed = h.run(["support", "remove", "--yes"]);
    assert!(!removed.raw_stdout.contains(&0x1b), "{}", removed.stdout);
}

#[test]
fn a_key_file_of_another_account_or_open_to_others_is_refused_with_the_fix() {
    let h = Home::new();
    let theirs = key_file(&h, "their_key", 0o600);
    chown_nobody(&theirs);
    let out = set(&h, &[&format!("key={}", theirs.display())]);
    out.assert_code(78, "another account's key");
    assert!(
        out.stderr.contains(&format!("chown root '{}'", theirs.display())),
        "the exact chown: {}",
        out.stderr
    );
    let open = key_file(&h, "open_key", 0o644);
    let out = set(&h, &[&format!("key={}", open.display())]);
    out.assert_code(78, "a key others can read");
    assert!(out.stderr.contains("(mode 0644)"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("chmod 600 '{}'", open.display())),
        "the exact chmod: {}",
        out.stderr
    );
    assert!(!h.dir().exists(), "a refused key created the home");
    // Root's own private key may be used by root.
    let mine = key_file(&h, "my_key", 0o600);
    set(&h, &[&format!("key={}", mine.display())]).assert_code(0, "root's own key");
    // A key that became another's, or readable by others, after `set` stops the upload before
    // it connects (the server configured here does not exist).
    let f = upload_file(&h);
    chown_nobody(&mine);
    let out = h.run(["pmr", "CS1234567", f.to_str().unwrap(), "--no-input"]);
    out.assert_code(78, "upload with another account's key");
    assert!(out.stderr.contains("chown root"), "{}", out.stderr);
    std::os::unix::fs::chown(&mine, Some(0), Some(0)).unwrap();
    std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = h.run(["pmr", "CS1234567", f.to_str().unwrap(), "--no-input"]);
    out.assert_code(78, "upload with a key others can read");
    assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
}

#[test]
fn pmr_password_from_stdin_refuses_an_empty_line_or_eof() {
    let h = Home::new();
    for (input, needle) in [
        ("\n", "pw=-: the line on standard input is empty"),
        ("", "pw=-: standard input is empty"),
    ] {
        let out = h.run_stdin(
            ["pmr", "set", "host=sftp.example.com", "user=me", "pw=-", "--no-input"],
            input,
        );
        out.assert_code(2, needle);
        assert!(out.stderr.contains(needle), "{}", out.stderr);
    }
    assert!(!h.dir().exists());
    set(&h, &[]).assert_code(0, "pmr set");
    let before = std::fs::read(h.store()).unwrap();
    let out = h.run_stdin(["support", "set", "pw=-", "--no-input"], "\n");
    out.assert_code(2, "an empty line does not replace the stored password");
    assert_eq!(std::fs::read(h.store()).unwrap(), before);
}

#[test]
fn pmr_dry_runs_and_failing_commands_create_and_delete_nothing() {
    let h = Home::new();
    let f = upload_file(&h);
    let theirs = key_file(&h, "their_key", 0o600);
    chown_nobody(&theirs);
    let f = f.to_str().unwrap();
    let s = |v: &[&str]| v.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    let key = format!("key={}", theirs.display());
    let base = ["pmr", "set", "host=sftp.example.com", "user=me"];
    let cases = |configured: bool| {
        let mut v = vec![
            (
                s(&["pmr", "set", "--dry-run", "--no-input"]),
                None,
                if configured { 0 } else { 2 },
            ),
            (
                s(&[&base[..], &["--dry-run", "pw=-", "--no-input"]].concat()),
                Some("x\n"),
                0,
            ),
            (s(&["pmr", "set", "port=70000"]), None, 65),
            (s(&["pmr", "set", "host=me@sftp.example.com"]), None, 65),
            (s(&["pmr", "set", "usr=me"]), None, 2),
            (s(&[&base[..], &["pw=-", "--no-input"]].concat()), Some("\n"), 2),
            (s(&["pmr", "set", "host=h", "user=a\x1bb", "pw=-"]), Some("x\n"), 65),
            (
                s(&[&base[..], &[key.as_str(), "pw=-", "--no-input"]].concat()),
                Some("x\n"),
                78,
            ),
            (s(&["pmr", "CS123", f]), None, 65),
            (s(&["pmr", "show"]), None, 0),
        ];
        if configured {
            v.push((s(&["pmr", "CS1234567", "nosuch.log", "--no-input"]), None, 14));
            v.push((s(&["pmr", "remove", "--no-input"]), None, 2));
        } else {
            v.push((s(&["pmr", "CS1234567", f, "--no-input"]), None, 2));
            v.push((s(&["pmr", "remove", "--yes"]), None, 0));
        }
        v
    };
    sandbox::assert_leaves_no_trace(&h, &cases(false));
    assert!(!h.dir().exists(), "the home was created");
    set(&h, &[]).assert_code(0, "pmr set");
    sandbox::assert_leaves_no_trace(&h, &cases(true));
}

#[test]
fn pmr_set_and_remove_hold_no_lock_while_they_ask() {
    let h = Home::new();
    // The password prompt (stdin held open, no terminal: the question is on stderr).
    let c = h.cmd(["pmr", "set", "host=sftp.example.com", "user=me"]);
    let (out, second) = sandbox::at_prompt(c, "SFTP password", || sandbox::second_writer(&h), "s3cret");
    sandbox::assert_not_blocked(&second);
    out.assert_code(0, "pmr set after the prompt");
    assert_eq!(
        h.show_json()["mode"],
        "enterprise",
        "the second writer's settings were kept"
    );
    // The confirmation of `pmr remove`.
    let c = h.cmd(["support", "remove"]);
    let (out, second) = sandbox::at_prompt(c, "[y/N]", || sandbox::second_writer(&h), "y");
    sandbox::assert_not_blocked(&second);
    out.assert_code(0, "support remove after the confirmation");
    assert_eq!(h.run(["pmr", "show", "--json"]).json()["configured"], false);
}

#[test]
fn timeout_is_a_number_of_seconds_from_1_to_3600() {
    let h = Home::new();
    for bad in ["0", "3601", "soon"] {
        let out = h.run(["pmr", "CS1234567", "x.log", "--timeout", bad]);
        out.assert_code(2, bad);
        assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
    }
    // A valid timeout gets as far as the missing configuration.
    let out = h.run(["pmr", "CS1234567", "x.log", "--timeout", "3600"]);
    out.assert_code(2, "not configured");
    assert!(out.stderr.contains("no SFTP server is configured"), "{}", out.stderr);
}
