//! The failover section of `db check` against the lab's real servers: a MariaDB primary and its
//! real replica (each stopped in turn), a second Derby network server as the Db2 client-reroute
//! alternate, SQL Server's failoverPartner through FreeTDS's failure paths, and the time of a
//! check whose partners never answer.
//!
//! Some tests stop a lab server (`scripts/testenv.sh stop NAME`) and start it again; the tests
//! of this file therefore run one at a time (cargo runs test binaries one after the other).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod lab;

use common::{Home, Out};
use serde_json::Value;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Held by every test of this file: some stop servers the others use.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn testenv(args: &[&str]) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/testenv.sh");
    let out = Command::new("bash")
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("bash {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "testenv.sh {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A lab server stopped for one test, started again when this guard goes (also on a panic).
struct Stopped;

impl Stopped {
    fn new(component: &str) -> Stopped {
        testenv(&["stop", component]);
        Stopped
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        testenv(&["start"]);
    }
}

fn store(home: &Home, lab: &lab::Lab, url: &str, user: &str, pw: &str) {
    lab::store(home, &lab.odbcsysini, url, user, pw);
}

fn check(home: &Home, lab: &lab::Lab, extra: &[&str]) -> (Out, Value, Duration) {
    lab::check_json(home, &lab.odbcsysini, extra)
}

fn text(home: &Home, lab: &lab::Lab, extra: &[&str]) -> Out {
    let mut args = vec!["db", "check"];
    args.extend_from_slice(extra);
    lab::run(home, &lab.odbcsysini, &args, None)
}

/// (role, index, address, result, class) of every server line.
fn servers(v: &Value) -> Vec<(String, Option<u64>, String, String, String)> {
    v["failover"]["servers"]
        .as_array()
        .unwrap_or_else(|| panic!("no failover section: {v:#}"))
        .iter()
        .map(|s| {
            (
                s["role"].as_str().unwrap().to_string(),
                s["index"].as_u64(),
                s["address"].as_str().unwrap().to_string(),
                s["result"].as_str().unwrap().to_string(),
                s["class"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn row(
    role: &str,
    index: Option<u64>,
    address: String,
    result: &str,
    class: &str,
) -> (String, Option<u64>, String, String, String) {
    (role.into(), index, address, result.into(), class.into())
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_mariadb_primary_and_its_replica() {
    let _serial = serial();
    let lab = lab::lab();
    lab::require_up(lab.maria, "the MariaDB primary");
    lab::require_up(lab.replica, "the MariaDB replica");
    let home = Home::new();
    let url = format!(
        "jdbc:mysql://127.0.0.1:{},127.0.0.1:{}/TRAVELER",
        lab.maria, lab.replica
    );
    store(&home, &lab, &url, "app", "app");
    let p = format!("127.0.0.1:{}", lab.maria);
    let r = format!("127.0.0.1:{}", lab.replica);

    // Both pass; the replica got the primary's users and databases by replication.
    let (out, v, _) = check(&home, &lab, &["quick"]);
    out.assert_code(0, "primary and replica pass");
    assert_eq!(
        servers(&v),
        [
            row("primary", None, p.clone(), "pass", ""),
            row("alternate", Some(1), r.clone(), "pass", "")
        ]
    );
    assert_eq!(v["failover"]["servers"][1]["dbms_name"], "MariaDB");
    assert_eq!(v["failover"]["lines"][0]["status"], "pass", "{v:#}");

    // The replica stopped: degraded, with its own exit code.
    {
        let _replica = Stopped::new("replica");
        let (out, v, _) = check(&home, &lab, &["quick"]);
        out.assert_code(9, "replica stopped: degraded");
        assert_eq!(v["result"], "degraded");
        assert_eq!(v["exit_code"], 9);
        assert_eq!(servers(&v)[1], row("alternate", Some(1), r.clone(), "fail", "refused"));
        let t = text(&home, &lab, &["quick"]);
        assert_eq!(t.code, Some(9));
        assert!(
            t.stdout.contains(&format!("FAIL  alternate 1        {r}"))
                && t.stdout
                    .contains("DEGRADED: the primary passes, but failover would not work"),
            "{}",
            t.stdout
        );
    }

    // The primary stopped: the replica passes, the exit code is the primary's class.
    {
        let _primary = Stopped::new("mariadb");
        let (out, v, _) = check(&home, &lab, &["quick"]);
        out.assert_code(11, "primary stopped: refused");
        assert_eq!(v["class"], "refused");
        assert_eq!(
            servers(&v),
            [
                row("primary", None, p.clone(), "fail", "refused"),
                row("alternate", Some(1), r.clone(), "pass", "")
            ]
        );
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_second_derby_server_as_the_db2_client_reroute_alternate() {
    let _serial = serial();
    let lab = lab::lab();
    lab::require_up(lab.derby, "the Derby network server");
    lab::require_up(lab.derby_alt, "the second Derby network server (Db2 alternate)");
    let home = Home::new();
    let reroute = |port: u16| {
        format!(
            "jdbc:db2://127.0.0.1:{}/TRAVELER:clientRerouteAlternateServerName=127.0.0.1;clientRerouteAlternatePortNumber={port};",
            lab.derby
        )
    };
    store(&home, &lab, &reroute(lab.derby_alt), "app", "app");
    let (out, v, _) = check(&home, &lab, &[]);
    out.assert_code(0, "Db2 primary and alternate pass");
    assert_eq!(
        servers(&v),
        [
            row("primary", None, format!("127.0.0.1:{}", lab.derby), "pass", ""),
            row("alternate", Some(1), format!("127.0.0.1:{}", lab.derby_alt), "pass", ""),
        ]
    );
    assert_eq!(v["driver"]["family"], "db2-cli");

    // The alternate is the closed port.
    store(&home, &lab, &reroute(lab.closed), "app", "app");
    let (out, v, took) = check(&home, &lab, &[]);
    out.assert_code(9, "alternate refused: degraded");
    assert_eq!(
        servers(&v)[1],
        row(
            "alternate",
            Some(1),
            format!("127.0.0.1:{}", lab.closed),
            "fail",
            "refused"
        )
    );
    assert!(
        took < Duration::from_secs(3),
        "a refused alternate answers at once: {took:?}"
    );
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn inconsistent_partner_lists_are_refused_before_anything_is_saved() {
    let _serial = serial();
    let lab = lab::lab();
    let home = Home::new();
    let url = format!(
        "url=jdbc:db2://127.0.0.1:{}/TRAVELER:clientRerouteAlternateServerName=127.0.0.1,127.0.0.2;clientRerouteAlternatePortNumber={};",
        lab.derby, lab.derby_alt
    );
    let out = lab::run(
        &home,
        &lab.odbcsysini,
        &["db", "set", &url, "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    out.assert_code(65, "J060");
    assert!(out.stderr.contains("error[J060]"), "{}", out.stderr);
    assert!(!home.store().exists(), "nothing may be saved");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn sqlserver_failover_partner_through_freetds_failure_paths() {
    let _serial = serial();
    let lab = lab::lab();
    let home = Home::new();
    // The primary refuses; the partner (port 1433: the driver takes no port for it) cannot be
    // resolved.
    let url = format!(
        "jdbc:sqlserver://127.0.0.1:{};databaseName=TRAVELER;failoverPartner=nosuchhost.invalid",
        lab.closed
    );
    store(&home, &lab, &url, "sa", "x");
    let (out, v, _) = check(&home, &lab, &["quick"]);
    out.assert_code(11, "the primary's class");
    assert_eq!(v["driver"]["family"], "freetds");
    assert_eq!(
        servers(&v),
        [
            row("primary", None, format!("127.0.0.1:{}", lab.closed), "fail", "refused"),
            row(
                "failover-partner",
                None,
                "nosuchhost.invalid:1433".into(),
                "fail",
                "dns"
            ),
        ]
    );
    // A named instance: the partner is found through the SQL Browser, so no port is shown.
    let url = format!(
        "jdbc:sqlserver://127.0.0.1:{};databaseName=TRAVELER;failoverPartner=nosuchhost.invalid\\TRAV",
        lab.closed
    );
    store(&home, &lab, &url, "sa", "x");
    let (_, v, _) = check(&home, &lab, &["quick"]);
    assert_eq!(servers(&v)[1].2, "nosuchhost.invalid\\TRAV");
    assert_eq!(servers(&v)[1].3, "fail");
}

/// A primary and two partners, one of them silent: the check takes about as long as the silent
/// probe alone (timeout=3), not the sum.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn partners_are_probed_at_the_same_time() {
    let _serial = serial();
    let lab = lab::lab();
    lab::require_up(lab.hang, "the silent listener");
    let home = Home::new();
    let url = format!(
        "jdbc:mysql://127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}/TRAVELER",
        lab.maria, lab.hang, lab.closed
    );
    store(&home, &lab, &url, "app", "app");
    let (out, v, took) = check(&home, &lab, &["timeout=3"]);
    out.assert_code(9, "degraded");
    let s = servers(&v);
    assert_eq!(
        (s[0].3.as_str(), s[1].4.as_str(), s[2].4.as_str()),
        ("pass", "timeout", "refused")
    );
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_millis(3300 + 700),
        "one bound for all: {took:?}"
    );
    // The primary was not held up by the silent partner.
    let primary_ms = v["failover"]["servers"][0]["elapsed_ms"].as_f64().unwrap();
    assert!(primary_ms < 1000.0, "{primary_ms} ms");
    // Readiness was read on the primary while the partner hung.
    assert!(
        v["readiness"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["name"] == "privileges" && l["status"] == "pass"),
        "{v:#}"
    );
}

/// No output shows a password: not the per-server lines, not the JSON, not stderr, not the
/// connection strings, whether the servers pass or fail.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn no_output_shows_a_password() {
    let _serial = serial();
    let lab = lab::lab();
    let home = Home::new();
    let cases = [
        (
            format!(
                "jdbc:mysql://127.0.0.1:{},127.0.0.1:{},127.0.0.1:{}/TRAVELER",
                lab.maria, lab.replica, lab.closed
            ),
            "pool",
            "Pool-Pw.7q",
        ),
        (
            format!(
                "jdbc:db2://127.0.0.1:{}/TRAVELER:clientRerouteAlternateServerName=127.0.0.1;clientRerouteAlternatePortNumber={};",
                lab.derby, lab.derby_alt
            ),
            "lntuser",
            "Lnt-Pw.3x",
        ),
    ];
    for (url, user, pw) in &cases {
        store(&home, &lab, url, user, pw);
        let (out, v, _) = check(&home, &lab, &[]);
        assert!(
            matches!(out.code, Some(0 | 9)),
            "{}: {:?}\n{}",
            url,
            out.code,
            out.stdout
        );
        assert!(v["connection"].as_str().unwrap().contains("*****"), "{v:#}");
        let t = text(&home, &lab, &[]);
        for o in [&out, &t] {
            assert!(
                !o.stdout.contains(pw) && !o.stderr.contains(pw),
                "{pw} shown:\n{}{}",
                o.stdout,
                o.stderr
            );
        }
        // And a wrong password is not shown either.
        store(&home, &lab, url, user, "Wrong-Pw.5z");
        let (out, _, _) = check(&home, &lab, &[]);
        assert!(!out.stdout.contains("Wrong-Pw.5z") && !out.stderr.contains("Wrong-Pw.5z"));
    }
}

/// `db set`'s connection test probes the partners too: a partner that fails is a warning, and
/// the settings are saved (the partner may be down for maintenance).
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn db_set_warns_about_a_failing_partner_and_saves() {
    let _serial = serial();
    let lab = lab::lab();
    let home = Home::new();
    let url = format!(
        "url=jdbc:mysql://127.0.0.1:{},127.0.0.1:{}/TRAVELER",
        lab.maria, lab.closed
    );
    let out = lab::run(
        &home,
        &lab.odbcsysini,
        &["db", "set", &url, "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    out.assert_code(0, "saved: the primary passes");
    assert!(out.stderr.contains("connection test: PASS"), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "warning: connection test: failover partner alternate 1 127.0.0.1:{} (refused) fails",
            lab.closed
        )),
        "{}",
        out.stderr
    );
    assert!(home.store().exists());
}
