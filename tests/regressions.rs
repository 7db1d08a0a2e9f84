//! Regression tests, one per bug, named after it. Each states what went wrong before the fix.

mod common;

use common::Home;

/// The J800/J801 report rebuilt the split URL and printed it, password included, up to three
/// times on stderr (found by tests/cli_secrets.rs).
#[test]
fn shell_split_report_printed_the_urls_password() {
    let home = Home::new();
    for words in [
        vec![
            "db",
            "set",
            "url=jdbc:as400://h;password=Rg7-leak;database",
            "name=IASP1",
            "user=u",
        ],
        vec!["db", "set", "url=jdbc:mysql://u:Rg7-leak@h/db;", "user=u"],
    ] {
        let out = home.run(&words);
        out.assert_code(65, "shell-split command");
        assert!(!out.stderr.contains("Rg7-leak"), "password leaked:\n{}", out.stderr);
        assert!(
            out.stderr.contains("*****"),
            "the report should show the masked password:\n{}",
            out.stderr
        );
    }
}

/// A first `db set` with the password piped in (`pw=-`) then asked for the optional jar path
/// on stdin, hit end of input and failed with exit 2: provisioning scripts could not run.
#[test]
fn first_set_with_piped_password_stopped_at_the_optional_path_prompt() {
    let home = Home::new();
    let out = home.run_stdin(
        ["db", "set", "url=jdbc:db2://h:50000/TRAVELER", "user=u", "pw=-"],
        "pw\n",
    );
    out.assert_code(0, "first db set with pw=-");
    assert_eq!(home.show_json()["path"], serde_json::Value::Null);
}

/// `db set url=jdbc:mysql://u:pw@h/db --no-input` refused with "`user` is missing" although the
/// URL names the user.
#[test]
fn user_named_in_the_url_was_ignored() {
    let home = Home::new();
    let out = home.run(["db", "set", "url=jdbc:mysql://lnt:pw@h:3306/TRAVELER", "--no-input"]);
    out.assert_code(0, "db set with user:pw@ in the URL");
    let v = home.show_json();
    assert_eq!(v["user"], "lnt");
    assert_eq!(v["password_set"], true);
    let home = Home::new();
    let out = home.run([
        "db",
        "set",
        "url=jdbc:as400://h;database name=IASP1;user=LNT;password=pw",
        "--no-input",
    ]);
    out.assert_code(0, "db set with user= in the URL");
    assert_eq!(home.show_json()["user"], "LNT");
}

/// A mistyped key after a URL (`usr=`) was taken for a piece of a shell-split URL (J800) instead
/// of an unknown key with a suggestion.
#[test]
fn mistyped_key_after_url_was_read_as_a_url_piece() {
    let home = Home::new();
    let out = home.run(["db", "set", "url=jdbc:as400://h;database name=X", "usr=u"]);
    out.assert_code(2, "unknown key");
    assert!(out.stderr.contains("did you mean `user=`?"), "{}", out.stderr);
    assert!(!out.stderr.contains("J800"), "{}", out.stderr);
}

/// An empty `TRAVELERUTIL_DATA_DIR=` (or `TRAVELERUTIL_HOME=`) made clap fail with "a value is
/// required" for every command; an empty variable must count as unset.
#[test]
fn empty_environment_variables_broke_every_command() {
    let home = Home::new();
    let out = run_with(
        &home,
        &[("TRAVELERUTIL_DATA_DIR", ""), ("TRAVELERUTIL_NO_INPUT", "")],
        &["db", "show"],
    );
    out.assert_code(0, "db show with empty variables");
    let out = run_with(
        &home,
        &[("TRAVELERUTIL_DB_PW", "")],
        &["db", "set", "url=jdbc:db2://h:1/T", "user=u", "--no-input"],
    );
    // An empty TRAVELERUTIL_DB_PW is no password: --no-input then names the missing key.
    out.assert_code(2, "empty TRAVELERUTIL_DB_PW");
    assert!(out.stderr.contains("`pw` is missing"), "{}", out.stderr);
}

fn run_with(home: &Home, env: &[(&str, &str)], args: &[&str]) -> common::Out {
    let mut c = home.cmd(args);
    for (k, v) in env {
        c.env(k, v);
    }
    common::run_cmd(c, None)
}

/// The `ssh2` crate (libssh2, for `pmr`) linked libssl and libcrypto into `travelerUtil`, so
/// every start loaded and relocated OpenSSL: `db check` against Derby, whose Db2 driver loads no
/// OpenSSL, went from 1.03× to 1.17× `isql` (bench/check.sh), and the process that holds the
/// store key carried OpenSSL. SFTP now runs in the helper `travelerUtil-sftp`, a crate of its
/// own. `ldd` lists what the loader maps at start.
#[test]
fn travelerutil_loaded_openssl_at_every_start() {
    let ldd = |p: &std::path::Path| {
        let out = std::process::Command::new("ldd")
            .arg(p)
            .output()
            .expect("ldd (libc-bin) must be installed");
        assert!(out.status.success(), "ldd {}", p.display());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let main = ldd(&common::bin());
    for lib in ["libssl", "libcrypto", "libssh2"] {
        assert!(!main.contains(lib), "travelerUtil loads {lib} at start:\n{main}");
    }
    // ldd did list what the binary links (so the check above is not vacuous); that the helper
    // links OpenSSL instead is checked in the helper's own crate (sftp-helper/tests/links.rs).
    assert!(main.contains("libodbc"), "{main}");
}
