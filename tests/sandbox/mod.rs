//! What a command leaves behind, and whether it blocks other writers while it waits for the
//! admin (`ssl_cmd`, `support_cmd`).
//!
//! - [`assert_leaves_no_trace`]: "a dry run or a failed command creates and deletes nothing" as
//!   one comparison of [`Tree`]s.
//! - [`at_prompt`]: runs a command with stdin held open until it asks its question, runs
//!   something else meanwhile, then answers.
//! - [`second_writer`]: a `db set` that may not wait for the lock (`TRAVELERUTIL_LOCK_TIMEOUT=0`),
//!   so it fails with exit 75 whenever another command holds the lock.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, Home, Out, Tree};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Runs each command (`args`, stdin text, expected exit code) and asserts that the whole tree
/// around the home (the home and everything beside it) is the same afterwards.
pub fn assert_leaves_no_trace(home: &Home, cases: &[(Vec<String>, Option<&str>, i32)]) {
    for (args, input, code) in cases {
        let before = Tree::of(home.outside());
        let out = common::run_cmd(home.cmd(args), *input);
        out.assert_code(*code, "a dry run or a failing command");
        let after = Tree::of(home.outside());
        assert!(
            after == before,
            "`{}` changed the tree:\n{}--- stderr\n{}",
            out.what,
            after.diff(&before),
            out.stderr
        );
    }
}

/// `db set` of a fixed URL that may not wait for the store lock: exit 75 if another command
/// holds it.
pub fn second_writer(home: &Home) -> Out {
    let mut c = home.cmd([
        "db",
        "set",
        "url=jdbc:db2://db2.example.com:50000/TRAVELER",
        "user=db2admin",
        "pw=-",
        "--no-input",
    ]);
    c.env("TRAVELERUTIL_LOCK_TIMEOUT", "0");
    common::run_cmd(c, Some("second-writer-pw\n"))
}

/// Runs `c` with stdin held open; once its stderr shows `question`, runs `meanwhile` and then
/// types `answer`. Returns the command's result and what `meanwhile` returned.
pub fn at_prompt<T>(mut c: Command, question: &str, meanwhile: impl FnOnce() -> T, answer: &str) -> (Out, T) {
    let what = common::describe(&c);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap_or_else(|e| panic!("spawn `{what}`: {e}"));
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            match stderr.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen.extend_from_slice(&buf[..n]);
                    let _ = tx.send(String::from_utf8_lossy(&seen).into_owned());
                }
            }
        }
        seen
    });
    let mut so_far = String::new();
    while !so_far.contains(question) {
        so_far = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("`{what}` did not ask {question:?}; stderr so far:\n{so_far}"));
    }
    let during = meanwhile();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    drop(stdin);
    let mut stdout = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut stdout).unwrap();
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    let out = Out::from_output(what, std::process::Output { status, stdout, stderr });
    (out, during)
}

/// Asserts that the second writer ran while the first command sat at its prompt.
#[track_caller]
pub fn assert_not_blocked(second: &Out) {
    second.assert_code(0, "a second writer while the first command waits at a prompt");
    assert!(
        !second.stderr.contains("waiting for the store lock"),
        "the second writer waited: {}",
        second.stderr
    );
}
