//! The HA-readiness section of `db check` against the lab's real servers: MariaDB users with
//! CREATE or only SELECT, DDL-mode databases with and without tables, a latin1 and a utf8mb4
//! database, Derby answering for Db2, notes.ini cases, and a clock shifted with libfaketime.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod lab;

use common::{Home, Out};
use serde_json::Value;
use std::path::Path;

/// A store holding `url`/`user`/`pw` (saved with `force`), and a data directory whose notes.ini
/// holds `notes` (none when `None`).
struct Case {
    home: Home,
    lab: lab::Lab,
    data: std::path::PathBuf,
}

impl Case {
    fn new(url: &str, user: &str, pw: &str, notes: Option<&str>) -> Case {
        let lab = lab::lab();
        lab::require_up(lab.maria, "the MariaDB primary");
        let home = Home::new();
        let data = home.outside().join("notesdata");
        std::fs::create_dir_all(&data).unwrap();
        if let Some(text) = notes {
            std::fs::write(data.join("notes.ini"), text).unwrap();
        }
        lab::store(&home, &lab.odbcsysini, url, user, pw);
        Case { home, lab, data }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
        let mut c = lab::cmd(&self.home, &self.lab.odbcsysini, args);
        c.env("TRAVELERUTIL_DATA_DIR", &self.data);
        for (k, v) in env {
            c.env(k, v);
        }
        common::run_cmd(c, stdin)
    }

    /// `db check --json`: the exit code and the report.
    fn check(&self, env: &[(&str, &str)]) -> (Option<i32>, Value) {
        let out = self.run(&["db", "check", "--json"], None, env);
        let v: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("db check --json: {e}\n{}\n{}", out.stdout, out.stderr));
        (out.code, v)
    }
}

/// The readiness line called `name`.
#[track_caller]
fn line<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["readiness"]["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no readiness section: {v:#}"))
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no readiness line `{name}`: {v:#}"))
}

#[track_caller]
fn assert_line(v: &Value, name: &str, status: &str, needle: &str) {
    let l = line(v, name);
    assert_eq!(l["status"], status, "{name}: {l:#}");
    let d = l["detail"].as_str().unwrap();
    assert!(d.contains(needle), "{name}: `{needle}` not in `{d}`");
}

fn maria(lab: &lab::Lab, db: &str) -> String {
    format!("jdbc:mysql://127.0.0.1:{}/{db}", lab.maria)
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn automatic_mode_with_create_passes_and_with_only_select_fails_naming_create() {
    let lab = lab::lab();
    let creator = Case::new(&maria(&lab, "TRAVELER"), "creator", "creator", None);
    let (code, v) = creator.check(&[]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["readiness"]["schema_mode"], "automatic");
    assert_eq!(v["readiness"]["schema"], "TRAVELER");
    assert_line(
        &v,
        "privileges",
        "pass",
        "automatic mode needs CREATE on TRAVELER: granted",
    );
    assert_line(&v, "tables", "info", "Traveler will create them at its first start");
    assert_line(&v, "schema mode", "info", "automatic assumed");

    let reader = Case::new(&maria(&lab, "TRAVELER"), "reader", "reader", None);
    let (code, v) = reader.check(&[]);
    assert_eq!(code, Some(10), "a failed readiness line is exit 10: {v:#}");
    assert_eq!(v["result"], "fail");
    assert_line(&v, "privileges", "fail", "CREATE not granted to this user");
    assert!(
        line(&v, "privileges")["hint"].as_str().unwrap().contains("grant"),
        "{v:#}"
    );
    let text = reader.run(&["db", "check"], None, &[]);
    assert!(
        text.stdout.contains("FAIL  privileges") && text.stdout.contains("FAIL: HA readiness: privileges"),
        "{}",
        text.stdout
    );
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn ddl_mode_with_and_without_tables() {
    let lab = lab::lab();
    let ddl = "[Notes]\nNTS_AUTO_DBSCHEMA=false\n";
    let with = Case::new(&maria(&lab, "TRAVELER_DDL"), "ddl", "ddl", Some(ddl));
    let (code, v) = with.check(&[]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(v["readiness"]["schema_mode"], "ddl");
    assert_line(&v, "schema mode", "pass", "NTS_AUTO_DBSCHEMA=false");
    assert_line(&v, "tables", "pass", "3 tables in TRAVELER_DDL");
    assert_line(
        &v,
        "privileges",
        "pass",
        "SELECT, INSERT, UPDATE, DELETE on TRAVELER_DDL: granted",
    );

    let empty = Case::new(&maria(&lab, "TRAVELER_EMPTY"), "ddl", "ddl", Some(ddl));
    let (code, v) = empty.check(&[]);
    assert_eq!(code, Some(10), "{v:#}");
    assert_line(&v, "tables", "fail", "has no tables: apply the DDL first");

    // Tables there, but the user may only read them.
    let reader = Case::new(&maria(&lab, "TRAVELER_DDL"), "reader", "reader", Some(ddl));
    let (code, v) = reader.check(&[]);
    assert_eq!(code, Some(10), "{v:#}");
    assert_line(&v, "privileges", "fail", "INSERT, UPDATE, DELETE not granted");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_latin1_database_warns_and_a_utf8mb4_one_passes() {
    let lab = lab::lab();
    let latin1 = Case::new(&maria(&lab, "TRAVELER_LATIN1"), "app", "app", None);
    let (code, v) = latin1.check(&[]);
    assert_eq!(code, Some(0), "a warning does not fail the check: {v:#}");
    assert_line(&v, "encoding", "warn", "character set latin1, not utf8mb4 or utf8mb3");
    let utf8 = Case::new(&maria(&lab, "TRAVELER"), "app", "app", None);
    let (_, v) = utf8.check(&[]);
    assert_line(&v, "encoding", "pass", "character set utf8mb4");
    assert_line(&v, "version", "info", "document no minimum version");
    assert_line(&v, "addresses", "warn", "named by IP address: primary 127.0.0.1:");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn derby_answering_for_db2_degrades_catalog_reads_to_info() {
    let lab = lab::lab();
    lab::require_up(lab.derby, "the Derby network server");
    let url = format!("jdbc:db2://127.0.0.1:{}/TRAVELER", lab.derby);
    let c = Case::new(&url, "app", "app", None);
    let (code, v) = c.check(&[]);
    assert_eq!(code, Some(0), "never a false FAIL: {v:#}");
    assert_eq!(v["readiness"]["schema"], "APP");
    for name in ["privileges", "encoding", "clock"] {
        assert_line(&v, name, "info", "could not be read: [");
    }
    // Derby reports no DBMS name: its version is shown, never compared.
    assert_line(&v, "version", "info", "10.14");
    let statuses: Vec<&str> = v["readiness"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert!(!statuses.contains(&"fail"), "{statuses:?}");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn notes_ini_missing_misspelled_and_db2_schema_with_a_mysql_url() {
    let lab = lab::lab();
    let url = maria(&lab, "TRAVELER");
    let none = Case::new(&url, "app", "app", None);
    let (_, v) = none.check(&[]);
    assert_line(&v, "schema mode", "info", "automatic assumed");
    assert!(
        v["readiness"]["notes_ini"]
            .as_str()
            .unwrap()
            .ends_with("notesdata/notes.ini"),
        "{v:#}"
    );

    let old = Case::new(&url, "app", "app", Some("NTS_AUTO_DB_SCHEMA=false\n"));
    let (code, v) = old.check(&[]);
    assert_eq!(code, Some(0), "{v:#}");
    assert_eq!(
        v["readiness"]["schema_mode"], "automatic",
        "the old name selects nothing"
    );
    assert_line(&v, "notes.ini", "warn", "NTS_AUTO_DB_SCHEMA=false is set");

    let db2 = Case::new(&url, "app", "app", Some("NTS_DB2_SCHEMA=LNT\n"));
    let (_, v) = db2.check(&[]);
    assert_line(&v, "notes.ini", "warn", "NTS_DB2_SCHEMA is set");
    assert_eq!(
        v["readiness"]["schema"], "TRAVELER",
        "MySQL's schema is still the database"
    );
}

/// A clock shifted with libfaketime in the checking process (the server's stays right).
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_shifted_clock_warns_with_its_sign() {
    let lab = lab::lab();
    assert!(
        lab.faketime.is_file(),
        "libfaketime is missing at {}: {}",
        lab.faketime.display(),
        lab::HOW
    );
    let c = Case::new(&maria(&lab, "TRAVELER"), "app", "app", None);
    let preload = lab.faketime.to_str().unwrap();
    for (shift, side, want) in [("+30s", "ahead of", 30.0), ("-30s", "behind", -30.0)] {
        let env = [
            ("LD_PRELOAD", preload),
            ("FAKETIME", shift),
            // The watchdog's timer and the deadlines run on the monotonic clock: leave it alone.
            ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
        ];
        let (code, v) = c.check(&env);
        assert_eq!(code, Some(0), "{v:#}");
        assert_line(&v, "clock", "warn", &format!("s {side} the database server's ("));
        // The signed skew, read back: a shift of 30 s can measure +29.999 s, so compare numbers.
        let d = line(&v, "clock")["detail"].as_str().unwrap();
        let skew: f64 = d
            .split_once("server's (")
            .and_then(|(_, rest)| rest.split_once(" s,"))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("no signed skew in `{d}`"));
        assert!((skew - want).abs() < 1.0, "skew {skew} for a shift of {shift}: `{d}`");
    }
    let (_, v) = c.check(&[]);
    assert_line(&v, "clock", "pass", "this machine's clock is 0.");
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn quick_leaves_the_readiness_section_out() {
    let lab = lab::lab();
    let c = Case::new(&maria(&lab, "TRAVELER"), "reader", "reader", None);
    let out = c.run(&["db", "check", "quick", "--json"], None, &[]);
    out.assert_code(0, "quick: only the connection verdict");
    let v = out.json();
    assert!(v["readiness"].is_null(), "{v:#}");
    assert_eq!(v["failover"]["servers"][0]["result"], "pass");
    assert!(!Path::new(&c.data).join("notes.ini").exists());
}
