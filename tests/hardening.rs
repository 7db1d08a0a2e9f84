//! Regression tests of the hardening of the store and the command line, each named after the
//! hole it closes: prompts that held the store lock, silent waits, empty or endless stdin,
//! secrets in error messages, dry runs that wrote, control characters on the terminal, and a
//! password under a misspelled URL key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Home, Tree};
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

const SECRET: &str = "Zq9-S3cr3t-Value";
const URL: &str = "jdbc:db2://db2.example.com:50000/TRAVELER";

fn no_secret(out: &common::Out, secret: &str) {
    assert!(
        !out.stdout.contains(secret) && !out.stderr.contains(secret),
        "`{}` printed the secret:\n{}{}",
        out.what,
        out.stdout,
        out.stderr
    );
}

#[test]
fn the_store_lock_was_held_while_db_set_prompted_for_the_password() {
    let home = Home::new();
    // The first writer sits at the password prompt (stdin open, nothing typed).
    let mut first = home
        .cmd(["db", "set", &format!("url={URL}"), "user=first", "force"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // A script writing meanwhile is not blocked by it.
    let started = Instant::now();
    let second = home.run_stdin(
        [
            "db",
            "set",
            &format!("url={URL}"),
            "user=second",
            "pw=-",
            "--no-input",
            "force",
        ],
        "pw2\n",
    );
    second.assert_code(0, "a writer while another prompts");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first writer should still be at its prompt"
    );
    // The first one then answers and commits: it built on nothing the second changed.
    first.stdin.take().unwrap().write_all(b"pw1\n").unwrap();
    let o = first.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(home.show_json()["user"], "first");
}

#[test]
fn a_writer_that_found_the_lock_held_waited_forever_and_said_nothing() {
    let home = Home::new();
    home.set_ok(URL, "u", "pw");
    let store = travelerutil::store::Store::new(home.dir());
    let held = store
        .lock(travelerutil::store::LockWait {
            timeout: Duration::from_secs(5),
            holder: "db set",
            on_wait: &mut |_| {},
        })
        .unwrap();
    let before = Tree::of(home.dir());
    let started = Instant::now();
    let out = common::run_cmd(
        {
            let mut c = home.cmd(["db", "set", "user=other", "pw=x", "force"]);
            c.env("TRAVELERUTIL_LOCK_TIMEOUT", "1");
            c
        },
        None,
    );
    out.assert_code(75, "a busy store");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    let pid = std::process::id();
    assert!(
        out.stderr.contains(&format!(
            "waiting for the store lock, held by travelerUtil db set (pid {pid})"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("TRAVELERUTIL_LOCK_TIMEOUT"), "{}", out.stderr);
    drop(held);
    // Nothing changed, but for the holder the lock file names.
    assert_eq!(
        before.clone().without_lock_text(),
        Tree::of(home.dir()).without_lock_text()
    );
    // An invalid bound is a usage error.
    let mut c = home.cmd(["db", "show"]);
    c.env("TRAVELERUTIL_LOCK_TIMEOUT", "soon");
    common::run_cmd(c, None).assert_code(2, "TRAVELERUTIL_LOCK_TIMEOUT=soon");
}

#[test]
fn an_empty_line_on_stdin_replaced_the_stored_password() {
    let home = Home::new();
    home.set_ok(URL, "u", SECRET);
    let before = Tree::of(home.dir());
    for input in ["\n", "", "\r\n"] {
        let out = home.run_stdin(["db", "set", "pw=-", "force"], input);
        out.assert_code(2, "pw=- with an empty line or EOF");
        assert!(out.stderr.contains("pw=-"), "{}", out.stderr);
        assert_eq!(Tree::of(home.dir()), before, "input {input:?} changed the store");
    }
    // The same for an endless line: bounded, not echoed, nothing changed.
    let long = "x".repeat(2 << 20);
    let out = home.run_stdin(["db", "set", "pw=-", "force"], &long);
    out.assert_code(65, "pw=- with a 2 MiB line");
    assert!(out.stderr.len() < 1000, "{}", out.stderr.len());
    assert_eq!(Tree::of(home.dir()), before);
}

#[test]
fn a_secret_was_echoed_in_an_error_message() {
    let home = Home::new();
    for args in [
        vec!["db", "show", "pw=S3CRET-in-argv"],
        vec!["db", "remove", "pw=S3CRET-in-argv"],
        vec!["ssl", "show", "keystorepw=S3CRET-in-argv"],
        vec!["pmr", "show", "pw=S3CRET-in-argv"],
        vec!["db", "show", "--password=S3CRET-in-argv"],
        vec!["db", "show", "pw=S3CRET-in-argv with a blank"],
    ] {
        let out = home.run(&args);
        out.assert_code(2, "an unexpected secret word");
        no_secret(&out, "S3CRET-in-argv");
    }
    // A batch line is never echoed either.
    let batch = home.outside().join("b.txt");
    std::fs::write(&batch, "db show pw=S3CRET-in-batch\n").unwrap();
    let out = home.run(["batch", batch.to_str().unwrap()]);
    out.assert_code(2, "a batch line with a secret word");
    no_secret(&out, "S3CRET-in-batch");
    assert!(!home.dir().exists(), "a failed command created the home");
}

#[test]
fn dry_runs_and_failed_commands_wrote_to_the_home() {
    let home = Home::new();
    let parent = home.outside();
    let before = Tree::of(parent);
    let url = format!("url={URL}");
    let cases: Vec<(Vec<&str>, Option<&str>, i32)> = vec![
        (
            vec!["db", "set", &url, "user=u", "pw=-", "--dry-run", "--no-input"],
            Some("p\n"),
            0,
        ),
        (
            vec![
                "pmr",
                "set",
                "host=sftp.example.com",
                "user=u",
                "pw=-",
                "--dry-run",
                "--no-input",
            ],
            Some("p\n"),
            0,
        ),
        (vec!["pmr", "set", "--dry-run", "--no-input"], None, 2),
        (vec!["db", "set", "usr=x"], None, 2),
        (
            vec![
                "ssl",
                "set",
                "keystore=/nonexistent/ks.p12",
                "keystorepw=-",
                "--no-input",
            ],
            Some("p\n"),
            14,
        ),
        (
            vec!["db", "set", "url=jdbc:db2://h:50000/TOOLONGNAME", "user=u", "pw=-"],
            Some("p\n"),
            65,
        ),
    ];
    for (args, input, code) in &cases {
        let out = match input {
            Some(i) => home.run_stdin(args, i),
            None => home.run(args),
        };
        out.assert_code(*code, "a dry run or a failing command");
        assert_eq!(Tree::of(parent), before, "`{}` changed the tree", out.what);
    }
    // With a store in place: a dry run does not even clear crash debris.
    home.set_ok(URL, "u", "pw");
    let debris = home.dir().join(format!("{}crash", common::TEMP_PREFIX));
    std::fs::write(&debris, b"partial").unwrap();
    let before = Tree::of(parent);
    home.run_stdin(["db", "set", "user=v", "pw=-", "--dry-run", "--no-input"], "p\n")
        .assert_code(0, "dry run");
    home.run(["db", "set", "user=v", "bogus=1"]).assert_code(2, "bad key");
    assert_eq!(Tree::of(parent), before);
}

#[test]
fn control_characters_reached_the_terminal() {
    let home = Home::new();
    for value in [
        "user=a\x1b[2Jb",
        "user=x\r\nmode: standalone",
        "path=/opt/\x1b]0;title\x07.jar",
    ] {
        let out = home.run_stdin(
            ["db", "set", &format!("url={URL}"), value, "pw=-", "--no-input", "force"],
            "p\n",
        );
        out.assert_code(65, "a control character in a stored value");
        assert!(
            !out.stderr.contains('\x1b') && !out.stderr.contains('\r'),
            "{:?}",
            out.stderr
        );
        assert!(out.stderr.contains("control character"), "{}", out.stderr);
    }
    assert!(!home.dir().exists());
    // Values written by an older release are escaped when shown.
    common::write_settings(
        home.dir(),
        &travelerutil::store::Settings {
            db: Some(travelerutil::store::DbSettings {
                url: URL.into(),
                user: Some("evil\x1b[2J\nmode: standalone".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    let out = home.run(["db", "show"]);
    out.assert_code(0, "db show");
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert!(out.stdout.contains("evil\\x1b[2J\\nmode: standalone"), "{}", out.stdout);
    let forged = out.stdout.lines().filter(|l| l.starts_with("mode:")).count();
    assert_eq!(forged, 1, "a value forged a line:\n{}", out.stdout);
    // Unknown keys, --home and the batch path come back escaped too.
    for args in [
        vec!["db", "set", "us\x1ber=x"],
        vec!["--home", "/tmp/\x1b[31m/x", "db", "set", "usr=1"],
        vec!["batch", "/nonexistent/\x1b[2J"],
    ] {
        let out = home.run(&args);
        assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
    }
}

#[test]
fn a_control_character_in_a_url_host_reached_the_terminal_through_its_diagnostic() {
    // The URL line showed ESC as a picture, but J011's headline quoted it raw.
    let home = Home::new();
    for url in [
        "url=jdbc:mysql://h\x1b[31m/db",
        "url=jdbc:db2://db\u{9b}2J:50000/TRAVELER",
        "url=jdbc:sqlserver://sql\x07host:1433;databaseName=TRAVELER",
    ] {
        let out = home.run(["db", "set", url, "--no-input"]);
        out.assert_code(65, "a control character in the URL's host");
        assert!(
            !out.stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{:?}",
            out.stderr
        );
        assert!(out.stderr.contains("cannot appear in a host name"), "{}", out.stderr);
    }
    assert!(!home.dir().exists());
}

#[test]
fn a_bidi_override_in_a_word_clap_rejected_reached_the_terminal() {
    // clap quotes the word; only words with a C0/C1 control were escaped, not U+202E.
    let home = Home::new();
    for args in [
        vec!["db", "remove\u{202e}"],
        vec!["db", "show", "\u{2066}x"],
        vec!["completions", "zsh\u{202e}"],
    ] {
        let out = home.run(&args);
        out.assert_code(2, "a word clap does not know");
        assert!(
            !out.stderr
                .chars()
                .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{:?}",
            out.stderr
        );
        assert!(out.stderr.contains("\\u{"), "{}", out.stderr);
    }
}

/// Raw control characters or bidi overrides in `text` (line feeds and tabs are layout).
fn raw_controls(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '\n' && c != '\t' && travelerutil::term::escape::needs_escape(c))
        .collect()
}

#[test]
fn hostile_text_in_any_argument_reached_the_terminal_raw() {
    // Found by this sweep: J011 quoted a host's ESC raw, the URL line let C1 controls through,
    // and clap's errors did not escape bidi overrides.
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/hostile/commands.txt")).unwrap();
    let lines: Vec<&str> = table.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert!(lines.len() >= 40, "the table lost its lines");
    let home = Home::new();
    let empty = home.outside().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let hostile = [
        "\x1b[2J\x1b]0;t\x07",
        "\u{9b}31m",
        "\u{202e}gnp",
        "\u{2066}x",
        "\r\nmode: x",
    ];
    for line in &lines {
        for h in hostile {
            let args: Vec<String> = line
                .split(' ')
                .map(|w| w.replace("{D}", &empty.display().to_string()).replace("{}", h))
                .collect();
            for json in [false, true] {
                let mut a = args.clone();
                if json {
                    a.push("--json".into());
                }
                let out = home.run(&a);
                // Refused, or (`--home <new dir> db show`) shown; never a crash or exit 1.
                assert!(
                    out.code.is_some_and(|c| c != 1),
                    "{a:?}: exit {:?}\n{}",
                    out.code,
                    out.stderr
                );
                let raw = raw_controls(&out.stdout) + &raw_controls(&out.stderr);
                assert!(
                    raw.is_empty(),
                    "{a:?} printed {raw:?} raw:\n{:?}\n{:?}",
                    out.stdout,
                    out.stderr
                );
            }
        }
    }
    assert!(!home.dir().exists(), "a refused command wrote the store");
    assert_eq!(
        std::fs::read_dir(&empty).unwrap().count(),
        0,
        "a refused command wrote a file"
    );
}

#[test]
fn a_secret_under_a_misspelled_url_key_was_printed_and_stored() {
    let home = Home::new();
    let url = format!("url=jdbc:as400://ibmi.example.com;database name=IASP1;password={SECRET};passwrd={SECRET}");
    let out = home.run(["db", "set", &url, "user=LNT", "--no-input", "force"]);
    out.assert_code(0, "db set with a duplicated password key");
    no_secret(&out, SECRET);
    let show = home.run(["db", "show", "--json"]);
    no_secret(&show, SECRET);
    let plain = home.run(["db", "show"]);
    no_secret(&plain, SECRET);
    let stored = travelerutil::store::Store::new(home.dir())
        .load()
        .unwrap()
        .unwrap()
        .db
        .unwrap();
    assert!(
        !stored.url.contains(SECRET) && !stored.url.contains("passwrd"),
        "{}",
        stored.url
    );
    assert_eq!(stored.password.unwrap().expose(), SECRET);
    // Connector/J: a misspelled key that the tool itself suggests correcting.
    let out = home.run([
        "db",
        "set",
        &format!("url=jdbc:mysql://h:3306/T?pasword={SECRET}"),
        "user=u",
        "pw=p",
        "--no-input",
        "force",
    ]);
    out.assert_code(0, "db set with ?pasword=");
    no_secret(&out, SECRET);
    no_secret(&home.run(["db", "show", "--json"]), SECRET);
}

#[test]
fn db_set_with_home_on_a_file_said_file_exists() {
    let home = Home::new();
    let file = home.outside().join("a-file");
    std::fs::write(&file, "x").unwrap();
    for args in [
        vec!["db", "show"],
        vec!["db", "set", &format!("url={URL}"), "user=u", "pw=p", "force"],
    ] {
        let mut c = home.cmd(&args);
        c.env("TRAVELERUTIL_HOME", &file);
        let out = common::run_cmd(c, None);
        out.assert_code(78, "--home on a file");
        assert!(out.stderr.contains("is not a directory"), "{}", out.stderr);
    }
}

#[test]
fn batch_from_dev_zero_grew_memory_without_bound() {
    let home = Home::new();
    let started = Instant::now();
    let out = home.run(["batch", "/dev/zero"]);
    out.assert_code(65, "batch /dev/zero");
    assert!(started.elapsed() < Duration::from_secs(10));
    // A long single line is refused without being echoed.
    let big = home.outside().join("big.batch");
    std::fs::write(&big, format!("db show {}\n", "Q".repeat(3 << 20))).unwrap();
    let out = home.run(["batch", big.to_str().unwrap()]);
    out.assert_code(65, "a 3 MiB batch line");
    assert!(
        out.stderr.len() < 1000 && !out.stderr.contains("QQQQ"),
        "{}",
        out.stderr.len()
    );
}

#[test]
fn a_value_db_set_kept_was_lost_when_another_writer_changed_it_meanwhile() {
    let home = Home::new();
    home.set_ok(URL, "u", "pw");
    // `db set user=new` keeps the stored URL and asks for the new user's password.
    let mut first = home
        .cmd(["db", "set", "user=new", "force"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let other = "jdbc:db2://other.example.com:50000/TRAVELER";
    home.set_ok(other, "u", "pw");
    let before = Tree::of(home.dir());
    first.stdin.take().unwrap().write_all(b"pw1\n").unwrap();
    let o = first.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(75), "{stderr}");
    assert!(stderr.contains("changed while this command ran"), "{stderr}");
    // The lock file names its last holder (it was taken); everything else is as it was.
    assert_eq!(
        Tree::of(home.dir()).without_lock_text(),
        before.clone().without_lock_text(),
        "the refused write changed the store"
    );
    assert_eq!(home.show_json()["url_text"], other);
}
