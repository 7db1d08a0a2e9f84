//! `db check`: offline checks, then a real connection through ODBC, then a verdict an admin can
//! act on. Each action reads as three parts: resolve the inputs ([`inputs`]), run the checks
//! ([`steps`], the probe in `crate::probe`), and render text or JSON ([`render`], [`report`]).
//! Every diagnostic record is shown, always (isql hides them without `-v`).

mod inputs;
mod render;
mod report;
mod steps;
mod tls;

pub use inputs::{CHECK_KEYS, DEFAULT_TIMEOUT_SECS, DRIVER_ENV};

use super::Ctx;
use crate::cli::CheckArgs;
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc;
use crate::probe::odbc::ProbeOutcome;
use crate::probe::offline::Status;
use crate::probe::{FailureClass, Stage, classify};
use crate::store::{DbSettings, StoreFile};
use crate::sys::timer::{OnTimeout, Watchdog};
use report::{DriverManager, Outcome, Report};
use std::time::Duration;
use steps::Setup;

/// The exit code of each failure class (README table).
pub fn exit_for(class: FailureClass) -> Exit {
    class.exit()
}

fn new_report(ctx: &Ctx, timeout_secs: u32) -> Report {
    let dm = DriverManager::from_env(|k| std::env::var(k).ok());
    Report::new(ctx.store.store_path(), dm, timeout_secs)
}

pub fn run(ctx: &Ctx, a: &CheckArgs) -> Result<Exit, Failure> {
    crate::sys::process::adopt_ctype_locale();
    let words = match inputs::parse_words(&a.words) {
        Ok(w) => w,
        Err(inputs::WordsError::Help) => return super::print_help(ctx, &["db", "check"]),
        Err(inputs::WordsError::Usage(m)) => return Err(Failure::usage(m)),
    };
    let mut report = new_report(ctx, words.timeout_secs);
    let exit = check(ctx, &mut report, words.driver.as_deref());
    report.finish(exit);
    if ctx.global.json {
        ctx.json(&report)?;
    } else {
        ctx.out(&render::render(&report))?;
    }
    if exit == Exit::Success {
        return Ok(exit);
    }
    let mut f = Failure::msg(exit, format!("db check failed: {}", report.failure_summary()));
    f.summary_only = true;
    Err(f)
}

/// Runs the checks in order, filling the report; returns the exit code.
fn check(ctx: &Ctx, r: &mut Report, driver_arg: Option<&str>) -> Exit {
    let settings = match steps::load_store(&ctx.store, r, ctx.global.data_dir.as_deref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let Some(db) = settings.db.as_ref() else {
        return Exit::Success;
    };
    let setup = Setup {
        db,
        truststore: settings.ssl.as_ref().and_then(|s| s.truststore.as_ref()),
        driver_arg,
        for_set: false,
    };
    check_db(ctx, r, &setup)
}

/// What `db set` learns from probing new settings before it saves them.
pub enum SetProbe {
    /// The probe passed: the one-line summary and the driver that proved it.
    Passed(String, String),
    /// No ODBC driver for the database is installed here: nothing to probe with.
    NoDriver(String),
    /// The probe failed; the report is already printed on stderr.
    Failed(Failure),
}

/// Probes settings that are about to be saved (`db set` without `force`). The report goes to
/// stderr: it is a diagnostic of the command, not its data.
/// `truststore`: the one already configured (`ssl set`), which verifies the server as `db check`
/// will; the caller holds the settings it came from.
pub fn probe_before_save(ctx: &Ctx, db: &DbSettings, truststore: Option<&StoreFile>, timeout_secs: u32) -> SetProbe {
    crate::sys::process::adopt_ctype_locale();
    let mut r = new_report(ctx, timeout_secs);
    let setup = Setup {
        db,
        truststore,
        driver_arg: None,
        for_set: true,
    };
    let exit = check_db(ctx, &mut r, &setup);
    r.finish(exit);
    if exit == Exit::Success {
        let connect = r.detail_of("connect").unwrap_or_default().to_string();
        let driver = r.driver.as_ref().map(|d| d.name.clone()).unwrap_or_default();
        return SetProbe::Passed(connect, driver);
    }
    if exit == Exit::DriverMissing && r.probe.is_none() {
        return SetProbe::NoDriver(r.last_failed_detail());
    }
    eprint!("{}", render::render(&r));
    let what = r
        .verdict
        .as_ref()
        .map_or("the connection test failed", |v| v.class.describe());
    let mut f = Failure::msg(
        exit,
        format!("db set: {what}; nothing was saved (add `force` to save without the test)"),
    );
    f.summary_only = true;
    SetProbe::Failed(f)
}

/// The checks of an enterprise configuration, from the URL on.
fn check_db(ctx: &Ctx, r: &mut Report, s: &Setup<'_>) -> Exit {
    let analysis = jdbc::parse(&s.db.url);
    if let Err(exit) = steps::check_url(r, &analysis, &s.db.url) {
        return exit;
    }
    let Some(url) = analysis.valid() else {
        return Exit::InvalidInput;
    };
    if !s.for_set {
        steps::check_jars(r, s.db, url.kind);
    }
    let choice = match steps::choose_driver(r, url, s) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    // Kept alive until the probe is over: the driver opens it during the connect.
    let ca = match steps::export_ca(r, url, s) {
        Ok(ca) => ca,
        Err(exit) => return exit,
    };
    let ca_path = ca.as_ref().map(tls::CaFile::path);
    let req = match steps::connection(r, url, &choice, s.db, ca_path.as_deref()) {
        Ok(req) => req,
        Err(exit) => return exit,
    };
    steps::no_db2_retry(choice.family);
    r.driver = Some(choice);
    // The driver's own timeout and the login timeout come first, so their (more precise)
    // errors win; the watchdog stops waiting just after the deadline whatever happens.
    let limit = Duration::from_secs(u64::from(r.timeout_secs)) + Duration::from_millis(200);
    let watchdog = Watchdog::arm(limit, timeout_output(ctx, r, limit, s.for_set));
    let outcome = crate::probe::odbc::probe(&req);
    drop(watchdog);
    steps::record_outcome(r, url.kind, outcome)
}

/// What the watchdog prints if the deadline passes: this report as it would end on a timeout,
/// rendered now, because at that moment the main thread is stuck inside the driver.
fn timeout_output(ctx: &Ctx, r: &Report, limit: Duration, for_set: bool) -> OnTimeout {
    let mut t = r.clone();
    let elapsed_ms = limit.as_secs_f64() * 1e3;
    let v = classify::classify(Stage::Watchdog, &[]);
    let what = format!("{} after {elapsed_ms:.0} ms", v.class.describe());
    t.push("connect", Status::Fail, what);
    t.probe = Some(ProbeOutcome::Failed {
        stage: Stage::Watchdog,
        elapsed_ms,
        records: Vec::new(),
    });
    let exit = t.fail_with(v);
    t.finish(exit);
    debug_assert_eq!(t.result, Outcome::Fail);
    let what = FailureClass::Timeout.describe();
    if for_set {
        let stderr = format!(
            "{}travelerUtil: error: db set: {what}; nothing was saved (add `force` to save without the test)\n",
            render::render(&t)
        );
        return OnTimeout {
            stdout: Vec::new(),
            stderr: stderr.into_bytes(),
            code: exit.code(),
        };
    }
    let stdout = if ctx.global.json {
        serde_json::to_string_pretty(&t).map(|s| s + "\n").unwrap_or_default()
    } else {
        render::render(&t)
    };
    OnTimeout {
        stdout: stdout.into_bytes(),
        stderr: format!("travelerUtil: error: db check failed: {what}\n").into_bytes(),
        code: exit.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Each class has its own exit code: DNS and refused once shared 11, and driver missing and
    /// driver manager 15, so a script could not tell them apart.
    #[test]
    fn every_failure_class_has_its_own_exit_code() {
        let codes: HashSet<u8> = FailureClass::ALL.iter().map(|c| exit_for(*c).code()).collect();
        assert_eq!(codes.len(), FailureClass::ALL.len(), "{codes:?}");
        assert!(
            !codes.contains(&0) && !codes.contains(&1) && !codes.contains(&2),
            "{codes:?}"
        );
    }
}
