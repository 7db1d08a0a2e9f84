//! The test lab's coordinates for the `db check` tests (`scripts/testenv.sh env` exports them).
//!
//! These tests are `#[ignore = "needs the test lab: bash scripts/test.sh"]`: plain `cargo test`
//! skips them, `bash scripts/test.sh` runs them with `--include-ignored`. Run without the lab,
//! they fail at once with a message naming the missing server and how to start it.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{self, Home, Out};
use serde_json::Value;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// How to get the lab, for every panic message.
pub const HOW: &str = "start the lab with `bash scripts/testenv.sh install && bash scripts/testenv.sh start` and \
     `eval \"$(bash scripts/testenv.sh env)\"`, or run every test with `bash scripts/test.sh`";

/// The lab's servers and files.
#[derive(Debug, Clone)]
pub struct Lab {
    /// The directory of the lab's odbcinst.ini.
    pub odbcsysini: String,
    /// MariaDB, the replication primary (TLS enabled).
    pub maria: u16,
    /// A second mysqld replicating from `maria`.
    pub replica: u16,
    /// Derby's network server answering for Db2 through IBM's CLI driver.
    pub derby: u16,
    /// A second Derby network server: the Db2 client-reroute alternate.
    pub derby_alt: u16,
    /// Accepts TCP and never answers.
    pub hang: u16,
    /// Nothing listens there.
    pub closed: u16,
    /// The CA that issued MariaDB's server certificate (PEM).
    pub tls_ca: PathBuf,
    /// libfaketime's preload library.
    pub faketime: PathBuf,
}

fn var(k: &str, what: &str) -> String {
    std::env::var(k)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("{k} is not set, so {what} cannot be found: {HOW}"))
}

fn port(k: &str, what: &str) -> u16 {
    let v = var(k, what);
    v.parse()
        .unwrap_or_else(|_| panic!("{k}={v} is not a port ({what}): {HOW}"))
}

/// The lab, or a panic that names what is missing.
pub fn lab() -> Lab {
    assert_eq!(var("TU_TESTENV", "the test lab"), "1", "TU_TESTENV must be 1: {HOW}");
    Lab {
        odbcsysini: var("ODBCSYSINI", "the lab's ODBC driver registry"),
        maria: port("TU_MARIA_PORT", "the MariaDB primary"),
        replica: port("TU_REPLICA_PORT", "the MariaDB replica"),
        derby: port("TU_DERBY_PORT", "the Derby network server"),
        derby_alt: port("TU_DERBY_ALT_PORT", "the second Derby network server (Db2 alternate)"),
        hang: port("TU_HANG_PORT", "the silent listener"),
        closed: port("TU_CLOSED_PORT", "the closed port"),
        tls_ca: PathBuf::from(var("TU_TLS_CA", "MariaDB's test CA")),
        faketime: PathBuf::from(var("TU_FAKETIME_LIB", "libfaketime")),
    }
}

/// Panics unless something accepts TCP on `port`: `what` names the server for the message.
#[track_caller]
pub fn require_up(port: u16, what: &str) {
    let addr = ("127.0.0.1", port);
    let ok = std::net::ToSocketAddrs::to_socket_addrs(&addr)
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok());
    assert!(ok, "{what} does not answer on 127.0.0.1:{port}: {HOW}");
}

/// `travelerUtil <args>` for `home`, with the driver registry in `odbcsysini`.
pub fn cmd(home: &Home, odbcsysini: &str, args: &[&str]) -> Command {
    let mut c = home.cmd(args);
    c.env("ODBCSYSINI", odbcsysini);
    c
}

/// [`cmd`], run with `stdin`.
pub fn run(home: &Home, odbcsysini: &str, args: &[&str], stdin: Option<&str>) -> Out {
    common::run_cmd(cmd(home, odbcsysini, args), stdin)
}

/// Stores settings without a connection test (`force`), so a check can then fail on purpose.
pub fn store(home: &Home, odbcsysini: &str, url: &str, user: &str, pw: &str) {
    let url = format!("url={url}");
    let user = format!("user={user}");
    let args = ["db", "set", url.as_str(), user.as_str(), "pw=-", "force", "--no-input"];
    run(home, odbcsysini, &args, Some(&format!("{pw}\n"))).assert_code(0, "db set force");
}

/// `db check --json <extra>`: the process, its report, and how long it took.
pub fn check_json(home: &Home, odbcsysini: &str, extra: &[&str]) -> (Out, Value, Duration) {
    let mut args = vec!["db", "check", "--json"];
    args.extend_from_slice(extra);
    let t = Instant::now();
    let out = run(home, odbcsysini, &args, None);
    let took = t.elapsed();
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("db check --json: {e}\n{}\n{}", out.stdout, out.stderr));
    (out, v, took)
}
