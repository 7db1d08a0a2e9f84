//! A password given to `db set`, by any route, never appears in clear: not on stdout, not on
//! stderr, not in any file of the store directory (the store is encrypted, the key file holds
//! only the key). Each route is also checked for what it stored (through the library, since
//! the binary never prints the password) and for what `db show` then reports.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a failed expect is a failed test

mod common;

use common::{Home, Out, contains_bytes, run_cmd, stored_password};
use std::fs;

/// Distinctive, so that any appearance is a leak and not a coincidence.
const SECRET: &str = "Zq7-pw-SECRET-91";
/// A second password, for the URL when another one is given separately.
const SECRET2: &str = "Xw4-url-SECRET-37";

/// Substrings that must never appear either: a partly masked or truncated secret is a leak too.
fn needles(secret: &str) -> Vec<String> {
    let mut v = vec![secret.to_owned()];
    // The two halves (each long enough not to occur by chance).
    let mid = secret.len() / 2;
    v.push(secret[..mid + 1].to_owned());
    v.push(secret[mid - 1..].to_owned());
    v
}

/// Scans one command's output and every file in the home directory.
#[track_caller]
fn assert_no_leak(home: &Home, out: &Out, secrets: &[&str]) {
    for s in secrets {
        for n in needles(s) {
            assert!(
                !contains_bytes(&out.raw_stdout, n.as_bytes()),
                "`{}`: stdout contains {n:?}:\n{}",
                out.what,
                out.stdout
            );
            assert!(
                !contains_bytes(&out.raw_stderr, n.as_bytes()),
                "`{}`: stderr contains {n:?}:\n{}",
                out.what,
                out.stderr
            );
            for (path, bytes) in home.all_files() {
                assert!(
                    !contains_bytes(&bytes, n.as_bytes()),
                    "`{}`: {} contains {n:?}",
                    out.what,
                    path.display()
                );
            }
        }
    }
    out.assert_no_panic(&out.what);
}

/// Runs `args` (with optional stdin and extra env), expects `code`, checks for leaks.
#[track_caller]
fn run_clean(home: &Home, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)], code: i32) -> Out {
    let mut c = home.cmd(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = run_cmd(c, stdin);
    out.assert_code(code, &out.what.clone());
    assert_no_leak(home, &out, &[SECRET, SECRET2]);
    out
}

/// After a successful `db set`: every read-only view is clean and says a password is set;
/// the URL shown holds no password; the store holds `expected`. Then `db remove` is clean.
#[track_caller]
fn check_views(home: &Home, expected: &str) {
    assert_eq!(
        stored_password(home.dir()).as_deref(),
        Some(expected),
        "the stored password"
    );
    for args in [
        &["db", "show"][..],
        &["db", "show", "--json"][..],
        &["debug", "db", "show"][..],
        &["-vv", "db", "show", "--json"][..],
        &["db", "set", "--dry-run", "--no-input"][..],
        &["db", "set", "--dry-run", "--no-input", "--json"][..],
    ] {
        run_clean(home, args, None, &[], 0);
    }
    let v = run_clean(home, &["db", "show", "--json"], None, &[], 0).json();
    assert_eq!(v["password_set"], true, "{v:#}");
    assert_eq!(v["password"], "*****", "{v:#}");
    let url_text = v["url_text"].as_str().expect("url_text").to_owned();
    let lower = url_text.to_lowercase();
    assert!(
        !lower.contains("password"),
        "url_text still carries a password property: {url_text}"
    );
    assert!(
        !lower.contains("*****"),
        "url_text should have no password at all, not a masked one: {url_text}"
    );
    if lower.starts_with("jdbc:mysql:") {
        let authority = lower
            .trim_start_matches("jdbc:mysql://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        if let Some((userinfo, _)) = authority.split_once('@') {
            assert!(
                !userinfo.contains(':'),
                "the MySQL user info still has a password: {url_text}"
            );
        }
    }
    let reproduce = v["reproduce"].as_str().expect("reproduce");
    assert!(
        !reproduce.contains("pw="),
        "the reproduce line must not carry pw=: {reproduce}"
    );

    let before = fs::read(home.store()).expect("store");
    let out = run_clean(home, &["db", "remove", "--yes", "--json"], None, &[], 0);
    assert_eq!(out.json()["removed"]["password_set"], true);
    assert_ne!(
        fs::read(home.store()).expect("store"),
        before,
        "db remove should rewrite the store"
    );
    assert_eq!(stored_password(home.dir()), None, "db remove should drop the password");
}

const URL: &str = "url=jdbc:db2://db.example.com:50000/TRAVELER";

#[test]
fn pw_literal_on_the_command_line() {
    for json in [false, true] {
        let home = Home::new();
        let mut args = vec!["db", "set", URL, "user=db2inst1"];
        let pw = format!("pw={SECRET}");
        args.push(&pw);
        args.push("--no-input");
        if json {
            args.push("--json");
        }
        let out = run_clean(&home, &args, None, &[], 0);
        assert!(
            out.stderr.contains("visible in `ps`"),
            "pw= should warn:\n{}",
            out.stderr
        );
        if json {
            assert_eq!(out.json()["password_source"], "command-line");
        }
        check_views(&home, SECRET);
    }
}

#[test]
fn pw_dash_reads_stdin() {
    for json in [false, true] {
        let home = Home::new();
        let mut args = vec!["db", "set", URL, "user=db2inst1", "pw=-", "--no-input"];
        if json {
            args.push("--json");
        }
        let out = run_clean(&home, &args, Some(&format!("{SECRET}\r\n")), &[], 0);
        if json {
            assert_eq!(out.json()["password_source"], "stdin");
        }
        check_views(&home, SECRET);
    }
}

#[test]
fn pw_from_the_environment() {
    for json in [false, true] {
        let home = Home::new();
        let mut args = vec!["db", "set", URL, "user=db2inst1", "--no-input"];
        if json {
            args.push("--json");
        }
        let out = run_clean(&home, &args, None, &[("TRAVELERUTIL_DB_PW", SECRET)], 0);
        if json {
            assert_eq!(out.json()["password_source"], "env");
        }
        check_views(&home, SECRET);
    }
}

#[test]
fn password_inside_the_url_is_lifted_into_the_store() {
    let cases = [
        format!("jdbc:as400://h;database name=X;password={SECRET}"),
        format!("jdbc:as400://h;PASSWORD={SECRET};database name=X"),
        format!("jdbc:mysql://u:{SECRET}@h/db"),
        format!("jdbc:mysql://h/db?password={SECRET}"),
        format!("jdbc:sqlserver://h;databaseName=D;password={SECRET}"),
        format!("jdbc:db2://h:50000/DB:password={SECRET};"),
    ];
    for url in &cases {
        for json in [false, true] {
            let home = Home::new();
            let url_word = format!("url={url}");
            let mut args = vec!["db", "set", &url_word, "user=u", "--no-input"];
            if json {
                args.push("--json");
            }
            let out = run_clean(&home, &args, None, &[], 0);
            if json {
                assert_eq!(out.json()["password_source"], "url", "{url}");
            }
            check_views(&home, SECRET);
        }
    }
}

#[test]
fn percent_encoded_mysql_password_is_decoded_and_hidden_in_both_forms() {
    let home = Home::new();
    let encoded = "Zq7-pw%3BSECRET-91";
    let decoded = "Zq7-pw;SECRET-91";
    let url = format!("url=jdbc:mysql://u:{encoded}@h/db");
    let out = run_cmd(home.cmd(["db", "set", &url, "user=u", "--no-input"]), None);
    out.assert_code(0, "mysql percent-encoded");
    assert_no_leak(&home, &out, &[encoded, decoded]);
    assert_eq!(stored_password(home.dir()).as_deref(), Some(decoded));
    let out = home.run(["db", "show", "--json"]);
    assert_no_leak(&home, &out, &[encoded, decoded]);
}

#[test]
fn separate_password_wins_and_the_url_password_is_dropped_not_kept() {
    let home = Home::new();
    let url = format!("url=jdbc:as400://h;database name=X;password={SECRET2}");
    let out = run_clean(
        &home,
        &["db", "set", &url, "user=u", "pw=-", "--no-input"],
        Some(&format!("{SECRET}\n")),
        &[],
        0,
    );
    assert!(
        out.stderr.contains("dropped"),
        "the dropped URL password should be mentioned:\n{}",
        out.stderr
    );
    check_views(&home, SECRET);
}

#[test]
fn prompts_without_a_terminal_read_stdin_lines() {
    for json in [false, true] {
        let home = Home::new();
        let input = format!("jdbc:as400://ibmi.example.com;database name=IASP1\nLNTUSER\n{SECRET}\n\n");
        let mut args = vec!["db", "set"];
        if json {
            args.push("--json");
        }
        let out = run_clean(&home, &args, Some(&input), &[], 0);
        if json {
            assert_eq!(out.json()["password_source"], "prompt");
        }
        assert_eq!(
            home.show_json()["url_text"],
            "jdbc:as400://ibmi.example.com;database name=IASP1"
        );
        check_views(&home, SECRET);
    }
}

#[test]
fn dry_run_never_shows_or_writes_the_password() {
    let pw = format!("pw={SECRET}");
    let url_with_pw = format!("url=jdbc:as400://h;database name=X;password={SECRET}");
    for (args, stdin, env) in [
        (vec!["db", "set", URL, "user=u", pw.as_str()], None, vec![]),
        (
            vec!["db", "set", URL, "user=u", "pw=-"],
            Some(format!("{SECRET}\n")),
            vec![],
        ),
        (
            vec!["db", "set", URL, "user=u"],
            None,
            vec![("TRAVELERUTIL_DB_PW", SECRET)],
        ),
        (vec!["db", "set", url_with_pw.as_str(), "user=u"], None, vec![]),
    ] {
        for json in [false, true] {
            let home = Home::new();
            let mut a = args.clone();
            a.extend(["--dry-run", "--no-input"]);
            if json {
                a.push("--json");
            }
            let out = run_clean(&home, &a, stdin.as_deref(), &env, 0);
            if json {
                let v = out.json();
                assert_eq!(v["dry_run"], true);
                assert_eq!(v["password_set"], true);
            } else {
                assert!(
                    out.stdout.contains("*****"),
                    "the dry run should show the mask:\n{}",
                    out.stdout
                );
            }
            assert!(!home.store().exists(), "--dry-run wrote a store");
            assert!(!home.key().exists(), "--dry-run wrote a key");
        }
    }
}

#[test]
fn db_remove_output_is_clean() {
    let home = Home::new();
    home.set_ok("jdbc:db2://db.example.com:50000/TRAVELER", "db2inst1", SECRET);
    let out = run_clean(&home, &["db", "remove", "--yes"], None, &[], 0);
    assert!(out.stdout.contains("*****"), "{}", out.stdout);
    assert_eq!(stored_password(home.dir()), None);
    // And once more with nothing left to remove.
    run_clean(&home, &["db", "remove", "--yes"], None, &[], 0);
}

#[test]
fn batch_files_with_secrets_are_never_echoed() {
    let home = Home::new();
    // The batch file holds the password by design; it lives outside the store directory.
    let file = home.outside().join("provision.batch");
    fs::write(
        &file,
        format!(
            "# provisioning\n\
             db set url=jdbc:db2://db.example.com:50000/TRAVELER user=db2inst1 pw={SECRET} --no-input\n\
             db show\n\
             db show --json\n"
        ),
    )
    .expect("batch file");
    let f = file.to_str().expect("utf-8 path");
    run_clean(&home, &["batch", f], None, &[], 0);
    run_clean(&home, &["batch", f, "--json"], None, &[], 0);
    assert_eq!(stored_password(home.dir()).as_deref(), Some(SECRET));

    // A failing line carrying a secret: the error names the line, not its text.
    fs::write(
        &file,
        format!(
            "db show\n\
             db set url=jdbc:db2://h/TOOLONGNAME user=u pw={SECRET2} --no-input\n"
        ),
    )
    .expect("batch file");
    let out = run_clean(&home, &["batch", f], None, &[], 65);
    assert!(
        out.stderr.contains("line 2"),
        "the failing line should be named:\n{}",
        out.stderr
    );
    // A line that is not even a valid command (clap's error) with a secret on it.
    fs::write(&file, format!("db set --bogus-flag pw={SECRET2}\n")).expect("batch file");
    run_clean(&home, &["batch", f], None, &[], 2);
    fs::write(&file, format!("db set 'pw={SECRET2}\n")).expect("batch file");
    run_clean(&home, &["batch", f], None, &[], 65);

    // The batch read from stdin.
    let home2 = Home::new();
    let text = format!("db set url=jdbc:db2://h:50000/B user=b pw={SECRET}\ndb show --json\n");
    run_clean(&home2, &["batch", "-", "--no-input"], Some(&text), &[], 0);
    assert_eq!(stored_password(home2.dir()).as_deref(), Some(SECRET));
}

/// Runs each `db set <words> --no-input` against a stored configuration and collects every
/// leak (all cases run, so one report lists them all).
fn leaks_of(home: &Home, cases: Vec<(Vec<String>, i32)>) -> Vec<String> {
    let mut leaks = Vec::new();
    for (words, code) in cases {
        let mut args = vec!["db".to_owned(), "set".to_owned()];
        args.extend(words);
        args.push("--no-input".into());
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = fs::read(home.store()).expect("store");
        let out = home.run(&a);
        out.assert_no_panic(&out.what);
        // The exit code is secondary here; the leak check is the point.
        if out.code != Some(code) {
            eprintln!("note: `{}` exited {:?} (expected {code})", out.what, out.code);
        }
        for s in [SECRET, SECRET2] {
            for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                if text.contains(s) {
                    leaks.push(format!("`{}`: {stream} shows the password {s:?}:\n{text}", out.what));
                }
            }
            for (path, bytes) in home.all_files() {
                if contains_bytes(&bytes, s.as_bytes()) {
                    leaks.push(format!("`{}`: {} holds {s:?} in clear", out.what, path.display()));
                }
            }
        }
        assert_eq!(
            fs::read(home.store()).expect("store"),
            before,
            "`{}` changed the store",
            out.what
        );
    }
    leaks
}

#[test]
fn failing_commands_never_echo_the_secret() {
    let home = Home::new();
    home.set_ok("jdbc:db2://db.example.com:50000/TRAVELER", "db2inst1", SECRET);
    let pw2 = format!("pw={SECRET2}");
    let cases: Vec<(Vec<String>, i32)> = vec![
        // Invalid URLs carrying a password, rendered with carets.
        (
            vec![
                format!("url=jdbc:db2://h/TOOLONGNAME:password={SECRET2};"),
                "user=u".into(),
            ],
            65,
        ),
        (
            vec![format!("url=jdbc:as400://h:99999;password={SECRET2}"), "user=u".into()],
            65,
        ),
        (
            vec![
                format!("url=jdbc:sqlserver://h:0;password={SECRET2};databaseName=d"),
                "user=u".into(),
            ],
            65,
        ),
        (
            vec![format!("url=jdbc:mysql://u:{SECRET2}@h:99999/db"), "user=u".into()],
            65,
        ),
        // Invalid URL plus pw=.
        (
            vec!["url=jdbc:db2://h/TOOLONGNAME".into(), "user=u".into(), pw2.clone()],
            65,
        ),
        // Shell-split URL with pw= on the same line: the corrected command drops pw=.
        (
            vec![
                "url=jdbc:as400://h;database".into(),
                "name=IASP1".into(),
                "user=u".into(),
                pw2.clone(),
            ],
            65,
        ),
        // Unknown keys holding the secret.
        (vec![format!("password={SECRET2}")], 2),
        (vec![format!("pww={SECRET2}")], 2),
        (vec![pw2.clone(), pw2.clone()], 2),
    ];
    let leaks = leaks_of(&home, cases);
    assert!(leaks.is_empty(), "{} leak(s):\n{}", leaks.len(), leaks.join("\n"));
}

#[test]
fn shell_split_report_masks_a_password_inside_the_url() {
    // The J800/J801 report rebuilds the URL and prints a corrected command line; a password
    // inside that URL must show as ***** there too ("passwords are never printed").
    let home = Home::new();
    home.set_ok("jdbc:db2://db.example.com:50000/TRAVELER", "db2inst1", SECRET);
    let cases: Vec<(Vec<String>, i32)> = vec![
        // Split at a blank (J800).
        (
            vec![
                format!("url=jdbc:as400://h;password={SECRET2};database"),
                "name=IASP1".into(),
                "user=u".into(),
            ],
            65,
        ),
        (
            vec![
                format!("url=jdbc:sqlserver://h;password={SECRET2};databaseName=a"),
                "b".into(),
                "user=u".into(),
            ],
            65,
        ),
        // Cut at a `;` (J801).
        (
            vec![
                format!("url=jdbc:as400://h;database name=X;password={SECRET2};"),
                "user=u".into(),
            ],
            65,
        ),
        (vec![format!("url=jdbc:mysql://u:{SECRET2}@h/db;"), "user=u".into()], 65),
    ];
    let leaks = leaks_of(&home, cases);
    assert!(leaks.is_empty(), "{} leak(s):\n{}", leaks.len(), leaks.join("\n"));
}

#[test]
fn ssl_passwords_never_appear_in_output_or_files() {
    let home = Home::new();
    let ks = home.outside().join("ks.jks");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keystores/jks-keypass.jks"),
        &ks,
    )
    .unwrap();
    let ks_arg = format!("keystore={}", ks.display());
    // Whole values only: the fixture's passwords are short, and half of "storepass1" is in the
    // key name `keystorepw`.
    let secrets = ["storepass1", "keypass22"];
    let runs: Vec<(Vec<&str>, Option<&str>, i32)> = vec![
        (
            vec!["ssl", "set", &ks_arg, "keystorepw=-", "keypw=-", "--no-input", "-v"],
            Some("storepass1\nwrong-key\n"),
            13,
        ),
        (
            vec![
                "ssl",
                "set",
                &ks_arg,
                "keystorepw=storepass1",
                "keypw=keypass22",
                "--no-input",
                "-v",
            ],
            None,
            0,
        ),
        (vec!["ssl", "show"], None, 0),
        (vec!["ssl", "show", "--json"], None, 0),
        (vec!["ssl", "check", "-v"], None, 0),
        (vec!["ssl", "check", "--json"], None, 0),
        (vec!["ssl", "remove", "--yes", "--json"], None, 0),
    ];
    for (args, stdin, code) in runs {
        let out = run_cmd(home.cmd(&args), stdin);
        out.assert_code(code, &out.what.clone());
        for n in secrets {
            assert!(
                !contains_bytes(&out.raw_stdout, n.as_bytes()),
                "`{}`: stdout has {n:?}",
                out.what
            );
            assert!(
                !contains_bytes(&out.raw_stderr, n.as_bytes()),
                "`{}`: stderr has {n:?}",
                out.what
            );
            for (path, bytes) in home.all_files() {
                assert!(
                    !contains_bytes(&bytes, n.as_bytes()),
                    "`{}`: {} has {n:?}",
                    out.what,
                    path.display()
                );
            }
        }
    }
}
