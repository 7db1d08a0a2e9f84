//! The text form of a [`Report`], laid out like `db2cli validate`: the driver manager and its
//! configuration, the chosen driver, the effective connection parameters (secrets masked), each
//! check, every diagnostic record, and a final PASS or FAIL line. Every value that comes from
//! outside (paths, the URL, driver messages) goes through [`escape`].

use super::report::{Failover, Mode, Outcome, Readiness, Report, ServerLine, ServerResult};
use crate::probe::odbc::{self, Failed, ProbeOutcome};
use crate::probe::offline::Status;
use crate::probe::ready::{Level, Line};
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
    if let Some(x) = &r.readiness {
        readiness(&mut t, x);
    }
    if let Some(f) = &r.failover {
        failover(&mut t, f);
    }
    t.push('\n');
    t.push_str(&final_line(r));
    t
}

fn level_tag(l: Level) -> &'static str {
    match l {
        Level::Pass => "PASS",
        Level::Warn => "WARN",
        Level::Fail => "FAIL",
        Level::Info => "INFO",
    }
}

/// A readiness or failover line, with its hint under a WARN or FAIL.
fn line(t: &mut String, l: &Line) {
    let _ = writeln!(t, "  {}  {:<18} {}", level_tag(l.level), l.name, escape(&l.detail));
    if let (Some(h), Level::Warn | Level::Fail) = (l.hint, l.level) {
        let _ = writeln!(t, "        hint: {h}");
    }
}

fn readiness(t: &mut String, x: &Readiness) {
    let _ = writeln!(t, "\nHA readiness");
    for l in &x.lines {
        line(t, l);
    }
}

fn failover(t: &mut String, f: &Failover) {
    let _ = writeln!(t, "\nFailover");
    for s in &f.servers {
        server(t, s);
    }
    for l in &f.lines {
        line(t, l);
    }
}

fn server(t: &mut String, s: &ServerLine) {
    let tag = match s.result {
        ServerResult::Pass | ServerResult::Standby => "PASS",
        ServerResult::Fail => "FAIL",
    };
    let what = match (
        s.result,
        odbc::join(&[s.dbms_name.as_deref(), s.dbms_version.as_deref()]),
    ) {
        (ServerResult::Standby, _) => format!("standby: reachable, not the primary now ({})", escape(&s.detail)),
        (ServerResult::Pass, Some(dbms)) => format!("{}, {}", escape(&dbms), escape(&s.detail)),
        (ServerResult::Pass | ServerResult::Fail, _) => escape(&s.detail).into_owned(),
    };
    let _ = writeln!(
        t,
        "  {tag}  {:<18} {:<24} {what}",
        s.role.to_string(),
        escape(&s.address)
    );
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
    let Some(ProbeOutcome::Failed(Failed { records, .. })) = &r.probe else {
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
    match r.result {
        Outcome::Pass => match r.mode {
            Mode::Standalone => "PASS: standalone mode (embedded Derby); no enterprise database to reach\n".into(),
            Mode::Enterprise => "PASS: the database is reachable with the stored settings\n".into(),
        },
        Outcome::Degraded => format!(
            "DEGRADED: the primary passes, but failover would not work: {} (exit {})\n",
            r.failed_partners().join("; "),
            r.exit_code
        ),
        Outcome::Fail => match (r.class, r.failed_readiness()) {
            (Some(c), _) => format!("FAIL: {} (exit {})\n", c.describe(), r.exit_code),
            (None, l) if l.is_empty() => format!("FAIL (exit {})\n", r.exit_code),
            (None, l) => format!("FAIL: HA readiness: {} (exit {})\n", l.join("; "), r.exit_code),
        },
    }
}
