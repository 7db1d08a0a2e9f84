//! The text form of a [`Report`], laid out like `db2cli validate`: the driver manager and its
//! configuration, the chosen driver, the effective connection parameters (secrets masked), each
//! check, every diagnostic record, and a final PASS or FAIL line. Every value that comes from
//! outside (paths, the URL, driver messages) goes through [`escape`].

use super::report::{Mode, Outcome, Report};
use crate::probe::odbc::ProbeOutcome;
use crate::probe::offline::Status;
use crate::term::{escape, escape_path};
use std::fmt::Write;

/// A `key: value` header line.
fn header(t: &mut String, key: &str, value: &str) {
    let _ = writeln!(t, "{key:<16} {value}");
}

pub fn status_tag(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Skip => "SKIP",
    }
}

pub fn render(r: &Report) -> String {
    let mut t = String::new();
    headers(&mut t, r);
    t.push('\n');
    for c in &r.checks {
        let _ = writeln!(t, "  {}  {:<18} {}", status_tag(c.status), c.name, escape(&c.detail));
    }
    records(&mut t, r);
    if let Some(v) = &r.verdict {
        let _ = writeln!(t, "        hint: {}", v.hint);
    }
    t.push('\n');
    t.push_str(&final_line(r));
    t
}

fn headers(t: &mut String, r: &Report) {
    header(
        t,
        "mode:",
        match r.mode {
            Mode::Enterprise => "enterprise",
            Mode::Standalone => "standalone",
        },
    );
    header(t, "store:", &escape_path(&r.store));
    if let Some(u) = &r.url {
        header(t, "url:", &escape(u));
    }
    let dm = &r.driver_manager;
    let sysini = dm
        .odbcsysini
        .as_ref()
        .map(|s| format!(" (ODBCSYSINI={})", escape(s)))
        .unwrap_or_default();
    header(
        t,
        "driver manager:",
        &format!("unixODBC, drivers from {}{sysini}", escape(&dm.odbcinst_ini)),
    );
    if let Some(d) = &r.driver {
        header(
            t,
            "driver:",
            &format!("{} [{}] (chosen: {})", escape(&d.name), d.family, d.source.describe()),
        );
    }
    if let Some(c) = &r.connection {
        header(t, "connection:", &escape(c));
        header(
            t,
            "timeout:",
            &format!("{} s (login timeout, driver keyword, watchdog)", r.timeout_secs),
        );
    }
    for n in &r.notes {
        header(t, "note:", &escape(n));
    }
}

/// Every diagnostic record of a failed probe, as the driver gave it (controls escaped).
fn records(t: &mut String, r: &Report) {
    let Some(ProbeOutcome::Failed { records, .. }) = &r.probe else {
        return;
    };
    if records.is_empty() {
        t.push_str("        (the driver left no diagnostic records)\n");
    }
    for rec in records {
        let _ = writeln!(
            t,
            "        [{}][{}] {}",
            escape(&rec.state),
            rec.native,
            escape(&rec.message)
        );
    }
}

fn final_line(r: &Report) -> String {
    match (r.result, r.mode, r.class) {
        (Outcome::Pass, Mode::Standalone, _) => {
            "PASS: standalone mode (embedded Derby); no enterprise database to reach\n".into()
        }
        (Outcome::Pass, Mode::Enterprise, _) => "PASS: the database is reachable with the stored settings\n".into(),
        (Outcome::Fail, _, Some(c)) => format!("FAIL: {} (exit {})\n", c.describe(), r.exit_code),
        (Outcome::Fail, _, None) => format!("FAIL (exit {})\n", r.exit_code),
    }
}
