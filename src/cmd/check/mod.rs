//! `db check`: offline checks, then a real connection through ODBC, then a verdict an admin can
//! act on. Each action reads as three parts: resolve the inputs ([`inputs`]), run the checks
//! ([`steps`], the probe in `crate::probe`), and render text or JSON ([`render`], [`report`]).
//! Every diagnostic record is shown, always (isql hides them without `-v`).

mod ha;
mod inputs;
mod render;
mod report;
mod steps;
mod tls;

pub use inputs::{CHECK_KEYS, DEFAULT_TIMEOUT_SECS, DRIVER_ENV, timeout_secs};

use super::Ctx;
use crate::cli::CheckArgs;
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::{self, Kind};
use crate::probe::odbc::{ProbeOutcome, ProbeRequest};
use crate::probe::runner::{self, Progress};
use crate::store::{DbSettings, StoreFile};
use crate::sys::timer::OnTimeout;
use ha::Ha;
use report::{DriverManager, Outcome, Report};
use std::time::Duration;
use steps::Setup;

fn new_report(ctx: &Ctx, timeout_secs: u32) -> Report {
    let dm = DriverManager::from_env(|k| std::env::var(k).ok());
    Report::new(ctx.store.store_path(), dm, timeout_secs)
}

pub fn run(ctx: &Ctx, a: &CheckArgs) -> Result<Exit, Failure> {
    crate::sys::process::adopt_ctype_locale();
    let Some(words) = inputs::parse_words(&a.words)? else {
        return super::print_help(ctx, &["db", "check"]);
    };
    let mut report = new_report(ctx, words.timeout_secs);
    let exit = check(ctx, &mut report, words.driver.as_deref(), words.quick);
    report.finish(exit);
    if ctx.global.json {
        ctx.json(&report)?;
    } else {
        ctx.out(&render::render(&report))?;
    }
    if exit == Exit::Success {
        return Ok(exit);
    }
    let what = if exit == Exit::Degraded {
        "db check"
    } else {
        "db check failed"
    };
    let mut f = Failure::msg(exit, format!("{what}: {}", report.failure_summary()));
    f.summary_only = true;
    Err(f)
}

/// Runs the checks in order, filling the report; returns the exit code.
fn check(ctx: &Ctx, r: &mut Report, driver_arg: Option<&str>, quick: bool) -> Exit {
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
        quick,
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
        quick: true,
    };
    let exit = check_db(ctx, &mut r, &setup);
    r.finish(exit);
    if exit == Exit::Degraded {
        // The settings work; a partner that does not is worth a warning, not a refusal (it may
        // be down for maintenance).
        for p in r.failed_partners() {
            ctx.warn(format!("connection test: failover partner {p} fails"));
        }
    }
    if matches!(exit, Exit::Success | Exit::Degraded) {
        let connect = r.detail_of("connect").unwrap_or_default().to_string();
        let driver = r.driver.as_ref().map(|d| d.name.clone()).unwrap_or_default();
        return SetProbe::Passed(connect, driver);
    }
    if exit == Exit::DriverMissing && r.probe.is_none() {
        return SetProbe::NoDriver(r.last_failed_detail());
    }
    // Values are escaped where they are rendered; this is the sink's last line of defence.
    eprint!("{}", crate::term::escape::escape_lines(&render::render(&r)));
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
    // Kept alive until the probes are over: the drivers open it during the connect.
    let ca = match steps::export_ca(r, url, s) {
        Ok(ca) => ca,
        Err(exit) => return exit,
    };
    let ca_path = ca.as_ref().map(tls::CaFile::path);
    let user = s.db.user.as_deref().or_else(|| url.property_value("user"));
    let ha = ha::prepare(url, user, ctx.global.data_dir.as_deref(), s.quick);
    let reqs = match steps::requests(r, url, &choice, s.db, ca_path.as_deref(), &ha.servers, ha.asks()) {
        Ok(reqs) => reqs,
        Err(exit) => return exit,
    };
    steps::no_db2_retry(choice.family);
    r.driver = Some(choice);
    // The driver's own timeout and the login timeout come first, so their (more precise)
    // errors win; the deadline stops waiting just after them whatever happens.
    let limit = Duration::from_secs(u64::from(r.timeout_secs)) + Duration::from_millis(200);
    let progress = probe_all(ctx, r, url.kind, &ha, reqs, limit, s.for_set);
    ha::conclude(r, url.kind, &ha, &progress, limit)
}

/// One server on this thread under the timer watchdog, several on threads of their own
/// (`crate::probe::runner`).
fn probe_all(
    ctx: &Ctx,
    r: &Report,
    kind: Kind,
    ha: &Ha,
    mut reqs: Vec<ProbeRequest>,
    limit: Duration,
    for_set: bool,
) -> Vec<Progress> {
    if reqs.len() != 1 {
        return runner::run_many(reqs, limit);
    }
    let Some(req) = reqs.pop() else {
        return Vec::new();
    };
    let out = |p: Progress| deadline_output(ctx, r, kind, ha, p, limit, for_set);
    let mut when_connected = |so_far: &ProbeOutcome| out(Progress::Connected(so_far.clone()));
    let outcome = runner::run_one(&req, limit, out(Progress::NoAnswer), &mut when_connected);
    vec![Progress::Done(outcome)]
}

/// What the watchdog prints if the deadline passes while the probe is at `progress`: this
/// report as it would end then, rendered now, because at that moment the thread is inside the
/// driver.
fn deadline_output(
    ctx: &Ctx,
    r: &Report,
    kind: Kind,
    ha: &Ha,
    progress: Progress,
    limit: Duration,
    for_set: bool,
) -> OnTimeout {
    let mut t = r.clone();
    let exit = ha::conclude(&mut t, kind, ha, &[progress], limit);
    t.finish(exit);
    let what = t.failure_summary();
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
    let stderr = match t.result {
        Outcome::Pass => String::new(),
        Outcome::Fail | Outcome::Degraded => format!("travelerUtil: error: db check failed: {what}\n"),
    };
    OnTimeout {
        stdout: stdout.into_bytes(),
        stderr: stderr.into_bytes(),
        code: exit.code(),
    }
}

#[cfg(test)]
mod tests {
    use crate::probe::FailureClass;
    use std::collections::HashSet;

    /// Each class has its own exit code: DNS and refused once shared 11, and driver missing and
    /// driver manager 15, so a script could not tell them apart.
    #[test]
    fn every_failure_class_has_its_own_exit_code() {
        let codes: HashSet<u8> = FailureClass::ALL.iter().map(|c| c.exit().code()).collect();
        assert_eq!(codes.len(), FailureClass::ALL.len(), "{codes:?}");
        assert!(
            !codes.contains(&0) && !codes.contains(&1) && !codes.contains(&2),
            "{codes:?}"
        );
    }
}
