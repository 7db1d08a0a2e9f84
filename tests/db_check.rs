//! `db check` and `db set`'s connection test against real servers and real ODBC drivers, started
//! by `scripts/testenv.sh` (MariaDB + MariaDB Connector/ODBC, Apache Derby's DRDA server + the
//! IBM Db2 CLI driver, FreeTDS, a silent listener). `scripts/test.sh` starts them and exports
//! their coordinates; without them these tests fail loudly, never skip (tests/lab/mod.rs).

mod common;
mod lab;

use common::{Home, Out};
use serde_json::Value;
use std::time::Duration;

/// The test environment's coordinates, or a panic that says how to get them.
struct Env {
    odbcsysini: String,
    maria: u16,
    derby: u16,
    hang: u16,
    closed: u16,
}

fn env() -> Env {
    let l = lab::lab();
    lab::require_up(l.maria, "the MariaDB primary");
    lab::require_up(l.derby, "the Derby network server");
    lab::require_up(l.hang, "the silent listener");
    Env {
        odbcsysini: l.odbcsysini,
        maria: l.maria,
        derby: l.derby,
        hang: l.hang,
        closed: l.closed,
    }
}

/// Runs travelerUtil with the test environment's driver registry.
fn run(home: &Home, e: &Env, args: &[&str], stdin: Option<&str>) -> Out {
    lab::run(home, &e.odbcsysini, args, stdin)
}

fn set_forced(home: &Home, e: &Env, url: &str, user: &str, pw: &str) {
    lab::store(home, &e.odbcsysini, url, user, pw);
}

fn check_json(home: &Home, e: &Env, extra: &[&str]) -> (Out, Value, Duration) {
    lab::check_json(home, &e.odbcsysini, extra)
}

/// Asserts a failed check: exit code, class, and that some diagnostic record names the cause.
#[track_caller]
fn assert_failure(home: &Home, e: &Env, extra: &[&str], code: i32, class: &str, needle: &str) -> Duration {
    let (out, v, took) = check_json(home, e, extra);
    out.assert_code(code, &format!("db check ({class})"));
    assert_eq!(v["result"], "fail");
    assert_eq!(
        v["class"],
        class,
        "{}",
        serde_json::to_string_pretty(&v).unwrap_or_default()
    );
    let records = v["probe"]["records"].to_string();
    assert!(
        records.to_lowercase().contains(&needle.to_lowercase()) || needle.is_empty(),
        "no record names `{needle}`: {records}"
    );
    assert!(
        v["verdict"]["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "a hint is always given"
    );
    // The human report shows every record too.
    let human = run(home, e, &["db", "check"], None);
    assert_eq!(human.code, Some(code));
    assert!(human.stdout.contains("hint:"), "{}", human.stdout);
    took
}

// --- PASS --------------------------------------------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn mysql_url_passes_through_mariadb_odbc() {
    let e = env();
    let home = Home::new();
    let url = format!("jdbc:mysql://127.0.0.1:{}/appdb", e.maria);
    // db set probes before saving (no force): the test passes, the settings are saved.
    let out = run(
        &home,
        &e,
        &["db", "set", &format!("url={url}"), "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    out.assert_code(0, "db set with a passing connection test");
    assert!(out.stderr.contains("connection test: PASS"), "{}", out.stderr);
    let (out, v, _) = check_json(&home, &e, &[]);
    out.assert_code(0, "db check");
    assert_eq!(v["result"], "pass");
    assert_eq!(v["driver"]["family"], "mariadb-odbc");
    let info = &v["probe"]["info"];
    assert_eq!(info["dbms_name"], "MariaDB");
    assert!(
        info["dbms_version"].as_str().is_some_and(|s| s.starts_with("10.")),
        "{info}"
    );
    assert_eq!(info["driver_name"], "libmaodbc.so");
    assert!(info["driver_version"].as_str().is_some(), "{info}");
    assert_eq!(v["probe"]["row"], true);
    assert!(
        v["connection"]
            .as_str()
            .is_some_and(|c| c.contains("PWD=*****") && c.contains("CONN_TIMEOUT=10"))
    );
    assert!(!out.stdout.contains("PWD=app"), "the password must not be shown");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn db2_url_passes_through_the_ibm_driver_to_derby() {
    let e = env();
    let home = Home::new();
    let url = format!("jdbc:db2://127.0.0.1:{}/TRAVELER", e.derby);
    let out = run(
        &home,
        &e,
        &["db", "set", &format!("url={url}"), "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    out.assert_code(0, "db set db2 with a passing connection test");
    let (out, v, _) = check_json(&home, &e, &[]);
    out.assert_code(0, "db check db2");
    assert_eq!(v["driver"]["family"], "db2-cli");
    let info = &v["probe"]["info"];
    // Derby answers with its own version; the driver is IBM's libdb2.
    assert!(
        info["dbms_version"].as_str().is_some_and(|s| s.starts_with("10.")),
        "{info}"
    );
    assert_eq!(info["driver_name"], "libdb2.a");
    assert_eq!(v["probe"]["row"], true);
}

/// One failure case: the stored URL, user and password, extra `db check` words, and what the
/// check must say (exit code, class, a word some diagnostic record must contain).
struct Case<'a> {
    url: String,
    user: &'a str,
    pw: &'a str,
    extra: &'a [&'a str],
    code: i32,
    class: &'a str,
    needle: &'a str,
    /// The verdict must come before this.
    within: Duration,
}

fn run_cases(cases: &[Case<'_>]) {
    let e = env();
    let home = Home::new();
    for c in cases {
        set_forced(&home, &e, &c.url, c.user, c.pw);
        let took = assert_failure(&home, &e, c.extra, c.code, c.class, c.needle);
        assert!(took < c.within, "{}: verdict after {took:?}", c.url);
    }
}

/// A silent server with timeout=3: the verdict comes within 3.3 s (plus process overhead).
const SILENT: Duration = Duration::from_millis(3300 + 700);
const SOON: Duration = Duration::from_secs(2);

// --- MariaDB failures ----------------------------------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn mariadb_failures_are_classified() {
    let e = env();
    let m = e.maria;
    run_cases(&[
        Case {
            url: format!("jdbc:mysql://127.0.0.1:{m}/appdb"),
            user: "app",
            pw: "wrong",
            extra: &[],
            code: 13,
            class: "authentication",
            needle: "Access denied",
            within: SOON,
        },
        // `admin` has global privileges, so an unknown database is reported as such (1049).
        Case {
            url: format!("jdbc:mysql://127.0.0.1:{m}/nosuchdb"),
            user: "admin",
            pw: "admin",
            extra: &[],
            code: 14,
            class: "database-not-found",
            needle: "Unknown database",
            within: SOON,
        },
        Case {
            url: format!("jdbc:mysql://127.0.0.1:{}/appdb", e.closed),
            user: "app",
            pw: "app",
            extra: &[],
            code: 11,
            class: "refused",
            needle: "Can't connect",
            within: SOON,
        },
        Case {
            url: "jdbc:mysql://nosuchhost.invalid:3306/appdb".into(),
            user: "app",
            pw: "app",
            extra: &[],
            code: 18,
            class: "dns",
            needle: "Unknown server host",
            within: SOON,
        },
        Case {
            url: format!("jdbc:mysql://127.0.0.1:{}/appdb", e.hang),
            user: "app",
            pw: "app",
            extra: &["timeout=3"],
            code: 12,
            class: "timeout",
            needle: "",
            within: SILENT,
        },
    ]);
}

// --- Db2 driver failures (against Derby's DRDA server) -------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn db2_failures_are_classified() {
    let e = env();
    let d = e.derby;
    run_cases(&[
        Case {
            url: format!("jdbc:db2://127.0.0.1:{d}/TRAVELER"),
            user: "app",
            pw: "wrong",
            extra: &[],
            code: 13,
            class: "authentication",
            needle: "SQL30082N",
            within: SOON,
        },
        Case {
            url: format!("jdbc:db2://127.0.0.1:{d}/NOSUCHDB"),
            user: "app",
            pw: "app",
            extra: &[],
            code: 14,
            class: "database-not-found",
            needle: "SQL30061N",
            within: SOON,
        },
        // DB2_MAX_CLIENT_CONNRETRIES=0: a refused port answers at once, not after the driver's 5 s retry.
        Case {
            url: format!("jdbc:db2://127.0.0.1:{}/TRAVELER", e.closed),
            user: "app",
            pw: "app",
            extra: &[],
            code: 11,
            class: "refused",
            needle: "SQL30081N",
            within: SOON,
        },
        Case {
            url: "jdbc:db2://nosuchhost.invalid:50000/TRAVELER".into(),
            user: "app",
            pw: "app",
            extra: &[],
            code: 18,
            class: "dns",
            needle: "SQL1336N",
            within: SOON,
        },
        Case {
            url: format!("jdbc:db2://127.0.0.1:{}/TRAVELER", e.hang),
            user: "app",
            pw: "app",
            extra: &["timeout=3"],
            code: 12,
            class: "timeout",
            needle: "",
            within: SILENT,
        },
    ]);
}

// --- SQL Server URLs through FreeTDS (no SQL Server here: failure paths) -------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn sqlserver_failures_through_freetds() {
    let e = env();
    let home = Home::new();
    let url = |h: &str| format!("jdbc:sqlserver://{h};databaseName=TRAVELER");
    run_cases(&[
        Case {
            url: url(&format!("127.0.0.1:{}", e.closed)),
            user: "sa",
            pw: "x",
            extra: &[],
            code: 11,
            class: "refused",
            needle: "Unable to connect",
            within: SOON,
        },
        Case {
            url: url("nosuchhost.invalid:1433"),
            user: "sa",
            pw: "x",
            extra: &[],
            code: 18,
            class: "dns",
            needle: "Unknown host",
            within: SOON,
        },
        Case {
            url: url(&format!("127.0.0.1:{}", e.hang)),
            user: "sa",
            pw: "x",
            extra: &["timeout=3"],
            code: 12,
            class: "timeout",
            needle: "",
            within: SILENT,
        },
    ]);
    // A port that answers, but not with TDS (MariaDB's).
    set_forced(
        &home,
        &e,
        &format!("jdbc:sqlserver://127.0.0.1:{};databaseName=TRAVELER", e.maria),
        "sa",
        "x",
    );
    let (out, v, _) = check_json(&home, &e, &[]);
    assert!(out.code != Some(0), "a MariaDB port is not a SQL Server");
    assert_eq!(v["result"], "fail");
}

// --- driver selection --------------------------------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_missing_driver_is_its_own_class() {
    let e = env();
    let home = Home::new();
    // No IBM i Access driver can be installed here: jdbc:as400 has no driver.
    set_forced(
        &home,
        &e,
        "jdbc:as400://ibmi.example.com;database name=IASP1",
        "LNT",
        "x",
    );
    let (out, v, _) = check_json(&home, &e, &[]);
    out.assert_code(15, "no driver");
    assert_eq!(v["class"], "driver-missing");
    // A named driver that is not registered.
    set_forced(
        &home,
        &e,
        &format!("jdbc:mysql://127.0.0.1:{}/appdb", e.maria),
        "app",
        "app",
    );
    let (out, _, _) = check_json(&home, &e, &["driver=MySQL ODBC 9.9 Unicode Driver"]);
    out.assert_code(15, "unregistered driver=");
    let mut c = home.cmd(["db", "check"]);
    c.env("ODBCSYSINI", &e.odbcsysini)
        .env("TRAVELERUTIL_ODBC_DRIVER", "NoSuchDriver");
    let out = common::run_cmd(c, None);
    out.assert_code(15, "unregistered TRAVELERUTIL_ODBC_DRIVER");
    assert!(out.stdout.contains("TRAVELERUTIL_ODBC_DRIVER"), "{}", out.stdout);
}

// --- db set: the connection test guards the store ------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn db_set_refuses_to_save_when_the_probe_fails_and_force_saves_anyway() {
    let e = env();
    let home = Home::new();
    let good = format!("jdbc:mysql://127.0.0.1:{}/appdb", e.maria);
    let out = run(
        &home,
        &e,
        &["db", "set", &format!("url={good}"), "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    out.assert_code(0, "first save");
    let before = std::fs::read(home.store()).unwrap();
    let out = run(
        &home,
        &e,
        &["db", "set", "user=app", "pw=-", "--no-input"],
        Some("wrong\n"),
    );
    out.assert_code(13, "db set with a wrong password");
    assert!(out.stderr.contains("nothing was saved"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Access denied"),
        "the records are shown: {}",
        out.stderr
    );
    assert_eq!(
        std::fs::read(home.store()).unwrap(),
        before,
        "the store must stay byte-identical"
    );
    let out = run(
        &home,
        &e,
        &["db", "set", "user=app", "pw=-", "force", "--no-input"],
        Some("wrong\n"),
    );
    out.assert_code(0, "db set force");
    assert!(out.stderr.contains("skipped (force)"), "{}", out.stderr);
    assert_ne!(std::fs::read(home.store()).unwrap(), before);
}

/// `db set timeout=` bounds the connection test as `db check timeout=` bounds a check: a server
/// that never answers ends the test at the bound (not the default 10 s), with the timeout class,
/// and nothing is saved; a reachable server passes within its bound and is saved.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn db_set_timeout_bounds_the_connection_test() {
    let e = env();
    let home = Home::new();
    let silent = format!("url=jdbc:mysql://127.0.0.1:{}/appdb", e.hang);
    let started = std::time::Instant::now();
    let out = run(
        &home,
        &e,
        &["db", "set", &silent, "user=app", "pw=-", "timeout=2", "--no-input"],
        Some("app\n"),
    );
    let took = started.elapsed();
    out.assert_code(12, "db set timeout=2 against a silent server");
    assert!(out.stderr.contains("nothing was saved"), "{}", out.stderr);
    assert!(out.stderr.contains("timeout:         2 s"), "{}", out.stderr);
    assert!(!home.store().exists(), "nothing may be saved");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_millis(2200 + 1500),
        "the test ended after {took:?}, not at its 2 s bound"
    );
    let good = format!("url=jdbc:mysql://127.0.0.1:{}/appdb", e.maria);
    let out = run(
        &home,
        &e,
        &[
            "db",
            "set",
            &good,
            "user=app",
            "pw=-",
            "timeout=3",
            "--no-input",
            "--json",
        ],
        Some("app\n"),
    );
    out.assert_code(0, "db set timeout=3 against MariaDB");
    assert_eq!(out.json()["status"], "saved");
    assert!(out.stderr.contains("connection test: PASS"), "{}", out.stderr);
}

// --- the watchdog ---------------------------------------------------------------------------

/// MariaDB Connector/ODBC registered under a name that does not say what it is: travelerUtil
/// then uses the MySQL keyword mapping, which has no CONN_TIMEOUT, and the driver ignores the
/// login timeout attribute against a server that never answers. Only the watchdog can end the
/// attempt; it must, at the deadline (timeout + 0.2 s), with the timeout class.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn the_watchdog_ends_a_driver_that_ignores_every_timeout() {
    let e = env();
    let home = Home::new();
    let registry = home.outside().join("custom-odbc");
    std::fs::create_dir_all(&registry).unwrap();
    let lib = std::fs::read_to_string(std::path::Path::new(&e.odbcsysini).join("odbcinst.ini"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("Driver=") && l.contains("libmaodbc"))
        .map(|l| l.trim_start_matches("Driver=").to_string())
        .expect("the test environment registers MariaDB Connector/ODBC");
    std::fs::write(registry.join("odbcinst.ini"), format!("[Custom Maria]\nDriver={lib}\n")).unwrap();
    let custom = Env {
        odbcsysini: registry.display().to_string(),
        ..env()
    };
    set_forced(
        &home,
        &custom,
        &format!("jdbc:mysql://127.0.0.1:{}/appdb", e.hang),
        "app",
        "app",
    );
    let (out, v, took) = check_json(&home, &custom, &["timeout=2", "driver=Custom Maria"]);
    out.assert_code(12, "watchdog");
    assert_eq!(v["probe"]["stage"], "watchdog", "{v}");
    assert_eq!(v["class"], "timeout");
    assert!(
        !v["connection"].as_str().unwrap_or_default().contains("CONN_TIMEOUT"),
        "{v}"
    );
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_millis(2200 + 800),
        "watchdog after {took:?}"
    );
    // db set's connection test is bounded the same way, and saves nothing.
    let home2 = Home::new();
    let url = format!("url=jdbc:mysql://127.0.0.1:{}/appdb", e.hang);
    let out = run(
        &home2,
        &custom,
        &[
            "db",
            "set",
            &url,
            "user=app",
            "pw=-",
            "driver=Custom Maria",
            "--no-input",
        ],
        Some("app\n"),
    );
    out.assert_code(12, "db set watchdog");
    assert!(out.stderr.contains("nothing was saved"), "{}", out.stderr);
    assert!(!home2.store().exists(), "nothing may be saved");
}
