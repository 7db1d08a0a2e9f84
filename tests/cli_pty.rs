//! The interactive path in a real pseudo-terminal: `db set` with nothing given prompts for the
//! URL (one raw line, so `;` and blanks need no quoting), the user, the password (read from
//! /dev/tty with echo off) and the optional driver jar.
//!
//! rexpect turns the PTY's echo off before it starts the child, which would make "the password
//! is not in the transcript" prove nothing. The child is therefore started through
//! `sh -c 'stty echo; exec travelerUtil ...'`: echo is on, the typed URL and user do appear in
//! the transcript (checked), and only the program itself can keep the password out of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a failed expect is a failed test

mod common;

use common::{Home, bin, product_env, stored_password};
use rexpect::ReadUntil;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use std::process::Command;
use std::thread;
use std::time::Duration;

const TIMEOUT_MS: u64 = 10_000;
const URL: &str = "jdbc:as400://ibmi.example.com;database name=IASP1";
const USER: &str = "LNTUSER";
/// Blanks and `;` included: the password prompt must take the line raw.
const PASSWORD: &str = "Pty pw;Zq7-SECRET-91";

/// Everything the PTY printed, accumulated across expectations.
struct Transcript {
    session: PtySession,
    text: String,
}

impl Transcript {
    fn expect(&mut self, needle: &str) {
        match self.session.exp_string(needle) {
            Ok(before) => {
                self.text.push_str(&before);
                self.text.push_str(needle);
            }
            Err(e) => panic!("waiting for {needle:?}: {e}\n--- transcript so far\n{}", self.text),
        }
    }

    /// Waits for `needle` or the end of output; true if `needle` came.
    fn expect_or_eof(&mut self, needle: &str) -> bool {
        match self
            .session
            .exp_any(vec![ReadUntil::String(needle.to_owned()), ReadUntil::EOF])
        {
            Ok((before, matched)) => {
                self.text.push_str(&before);
                self.text.push_str(&matched);
                matched == needle
            }
            Err(e) => panic!(
                "waiting for {needle:?} or EOF: {e}\n--- transcript so far\n{}",
                self.text
            ),
        }
    }

    fn send_line(&mut self, line: &str) {
        self.session.send_line(line).expect("send_line");
        self.session.flush().expect("flush");
    }

    fn eof(&mut self) {
        match self.session.exp_eof() {
            Ok(rest) => self.text.push_str(&rest),
            Err(e) => panic!("waiting for the end: {e}\n--- transcript so far\n{}", self.text),
        }
    }
}

fn spawn_in_pty(home: &Home, args: &[&str]) -> Transcript {
    let mut c = Command::new("sh");
    c.arg("-c").arg("stty echo && exec \"$0\" \"$@\"").arg(bin()).args(args);
    for v in product_env() {
        c.env_remove(v);
    }
    c.env("TRAVELERUTIL_HOME", home.dir())
        .env("ODBCSYSINI", home.outside())
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    let session = spawn_command(c, Some(TIMEOUT_MS)).expect("spawn in a PTY");
    Transcript {
        session,
        text: String::new(),
    }
}

#[test]
fn interactive_db_set_in_a_pty_takes_raw_url_and_hides_the_password() {
    let home = Home::new();
    let mut t = spawn_in_pty(&home, &["db", "set"]);

    t.expect("JDBC URL");
    t.send_line(URL);
    t.expect("Database user");
    t.send_line(USER);
    t.expect("Database password");
    // rpassword prints the prompt and only then turns echo off: typing into that gap would
    // be echoed by the terminal, not by the program. Give it ample time.
    thread::sleep(Duration::from_millis(500));
    t.send_line(PASSWORD);
    if t.expect_or_eof("JDBC driver jar") {
        t.send_line("");
        t.eof();
    }
    let status = t.session.process().wait().expect("wait");
    eprintln!("--- PTY transcript\n{}\n---", t.text);
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "db set in the PTY ended with {status:?}\n--- transcript\n{}",
        t.text
    );

    // The control: echo was on for the line prompts, so the transcript is a real one.
    assert!(
        t.text.contains(URL),
        "the typed URL should have been echoed:\n{}",
        t.text
    );
    assert!(
        t.text.contains(USER),
        "the typed user should have been echoed:\n{}",
        t.text
    );
    // The point: the password was typed into the same terminal and never appeared.
    for piece in [PASSWORD, "Zq7-SECRET", "Pty pw"] {
        assert!(
            !t.text.contains(piece),
            "the password (or part of it: {piece:?}) was echoed:\n{}",
            t.text
        );
    }
    assert!(!t.text.contains("panicked"), "{}", t.text);

    let v = home.show_json();
    assert_eq!(v["url_text"], URL, "the URL must keep `;database name=IASP1`: {v:#}");
    assert_eq!(v["url"]["database"], "IASP1", "{v:#}");
    assert_eq!(v["user"], USER);
    assert_eq!(v["password_set"], true);
    assert_eq!(
        stored_password(home.dir()).as_deref(),
        Some(PASSWORD),
        "the password was not stored verbatim"
    );
}

#[test]
fn password_only_prompt_in_a_pty_keeps_the_stored_url() {
    // With a stored URL, a new user is all that is given: only the password is asked for.
    let home = Home::new();
    home.set_ok(URL, "OLDUSER", "old-pw");
    let mut t = spawn_in_pty(&home, &["db", "set", "user=NEWUSER"]);
    t.expect("Database password");
    thread::sleep(Duration::from_millis(500));
    t.send_line(PASSWORD);
    t.eof();
    let status = t.session.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}\n{}", t.text);
    assert!(
        !t.text.contains("JDBC URL"),
        "a stored URL must not be asked for again:\n{}",
        t.text
    );
    assert!(
        !t.text.contains(PASSWORD) && !t.text.contains("Zq7-SECRET"),
        "password echoed:\n{}",
        t.text
    );
    let v = home.show_json();
    assert_eq!(v["url_text"], URL);
    assert_eq!(v["user"], "NEWUSER");
    assert_eq!(stored_password(home.dir()).as_deref(), Some(PASSWORD));
}

/// Regression: Ctrl-C at the password prompt used to kill travelerUtil while rpassword had the
/// terminal in raw mode, leaving echo off under shells that do not repair the terminal (dash).
/// Now the terminal is restored and the exit is still SIGINT (130 in a shell).
#[test]
fn ctrl_c_at_the_password_prompt_left_the_terminal_without_echo() {
    let home = Home::new();
    let mut c = Command::new("sh");
    // A non-interactive sh repairs nothing: after the kill, `stty -a` shows the state we left.
    c.arg("-c")
        .arg("stty echo; \"$0\" db set url=jdbc:db2://h:50000/T user=u; echo \"rc=$?\"; stty -a")
        .arg(bin());
    for v in product_env() {
        c.env_remove(v);
    }
    c.env("TRAVELERUTIL_HOME", home.dir())
        .env("ODBCSYSINI", home.outside())
        .env("NO_COLOR", "1");
    common::default_signals(&mut c);
    let mut t = Transcript {
        session: spawn_command(c, Some(TIMEOUT_MS)).expect("spawn"),
        text: String::new(),
    };
    t.expect("Database password:");
    // rpassword prints the prompt before it switches the terminal to raw mode.
    thread::sleep(Duration::from_millis(500));
    t.session.send("abc").expect("send");
    t.session.send_control('c').expect("send ^C");
    t.session.flush().expect("flush");
    t.expect("rc=130");
    t.eof();
    let stty = t.text.rsplit("rc=130").next().unwrap_or_default().to_string();
    assert!(
        stty.split_whitespace().any(|w| w == "echo") && !stty.split_whitespace().any(|w| w == "-echo"),
        "the terminal was left without echo:\n{}",
        t.text
    );
}

#[test]
fn interactive_ssl_set_prompts_for_the_store_and_key_passwords_without_echo() {
    let home = Home::new();
    let ks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/keystores/jks-keypass.jks");
    let ks_arg = format!("keystore={}", ks.display());
    let mut t = spawn_in_pty(&home, &["ssl", "set", "--key-passwords", &ks_arg]);
    t.expect("Password of the keystore");
    thread::sleep(Duration::from_millis(500));
    t.send_line("storepass1");
    // The key has its own password (keytool -keypass): --key-passwords asks for it by alias.
    t.expect("Password of key 'traveler'");
    thread::sleep(Duration::from_millis(500));
    t.send_line("keypass22");
    t.eof();
    let status = t.session.process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}\n{}", t.text);
    for pw in ["storepass1", "keypass22"] {
        assert!(!t.text.contains(pw), "the password {pw:?} was echoed:\n{}", t.text);
    }
    assert!(t.text.contains("ssl settings saved"), "{}", t.text);
    let out = home.run(["ssl", "show", "--json"]);
    out.assert_code(0, "ssl show");
    assert_eq!(out.json()["keystore"]["key_passwords"], serde_json::json!(["traveler"]));
}
