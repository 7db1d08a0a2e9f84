//! `db check`: offline checks, then a real connection through ODBC, then a verdict an admin can
//! act on. The report is laid out like `db2cli validate`: driver manager and its configuration,
//! the chosen driver, the effective connection parameters (secrets masked), each check, and a
//! final PASS or FAIL line. Every diagnostic record is shown, always (isql hides them without
//! `-v`).

use super::Ctx;
use crate::args::{self, ArgError, Key};
use crate::cli::CheckArgs;
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::{self, JdbcUrl, Kind};
use crate::keystore;
use crate::probe::connstr::{OdbcRequest, translate};
use crate::probe::drivers::DriverFamily;
use crate::probe::drivers::{self, Choice, Source};
use crate::probe::odbc::{ProbeOutcome, ProbeRequest};
use crate::probe::offline::{self, Check, Status};
use crate::probe::{DiagRecord, FailureClass, Stage, Verdict, classify};
use crate::store::DbSettings;
use crate::store::StoreFile;
use crate::sys::signals::UnlinkOnSignal;
use crate::sys::timer::{OnTimeout, Watchdog};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;
use tempfile::NamedTempFile;

pub const CHECK_KEYS: &[Key] = &[Key::value("timeout"), Key::value("driver")];
/// Overrides the driver choice (after `driver=` on the command line and the stored one).
pub const DRIVER_ENV: &str = "TRAVELERUTIL_ODBC_DRIVER";
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;

/// The exit code of each failure class (README table).
pub fn exit_for(class: FailureClass) -> Exit {
    class.exit()
}

#[derive(Clone, Serialize)]
struct DriverManagerJson {
    odbcsysini: Option<String>,
    odbcinst_ini: String,
    odbcini: Option<String>,
}

#[derive(Clone, Serialize)]
struct Report {
    result: &'static str,
    class: Option<FailureClass>,
    exit_code: u8,
    mode: &'static str,
    store: PathBuf,
    url: Option<String>,
    driver_manager: DriverManagerJson,
    driver: Option<Choice>,
    connection: Option<String>,
    timeout_secs: u32,
    checks: Vec<Check>,
    probe: Option<ProbeOutcome>,
    verdict: Option<Verdict>,
    notes: Vec<String>,
}

impl Report {
    /// An enterprise-mode report with nothing checked yet.
    fn new(ctx: &Ctx, timeout_secs: u32) -> Report {
        Report {
            result: "fail",
            class: None,
            exit_code: 0,
            mode: "enterprise",
            store: ctx.store.store_path(),
            url: None,
            driver_manager: driver_manager(),
            driver: None,
            connection: None,
            timeout_secs,
            checks: Vec::new(),
            probe: None,
            verdict: None,
            notes: Vec::new(),
        }
    }
}

/// The validation query of each family (`SELECT 1` needs a FROM clause on Db2 and IBM i).
fn validation_query(kind: Kind) -> &'static str {
    match kind {
        Kind::Db2 | Kind::As400 | Kind::Derby => "SELECT 1 FROM SYSIBM.SYSDUMMY1",
        Kind::SqlServer | Kind::MySql => "SELECT 1",
    }
}

fn driver_manager() -> DriverManagerJson {
    // unixODBC reads $ODBCSYSINI/odbcinst.ini (default /etc), or the file ODBCINSTINI names.
    let sysini = std::env::var("ODBCSYSINI").ok().filter(|v| !v.is_empty());
    let inst = std::env::var("ODBCINSTINI")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "odbcinst.ini".into());
    let odbcinst_ini = if inst.starts_with('/') {
        inst
    } else {
        format!("{}/{inst}", sysini.as_deref().unwrap_or("/etc"))
    };
    DriverManagerJson {
        odbcsysini: sysini,
        odbcinst_ini,
        odbcini: std::env::var("ODBCINI").ok().filter(|v| !v.is_empty()),
    }
}

pub fn run(ctx: &Ctx, a: &CheckArgs) -> Result<Exit, Failure> {
    crate::sys::process::adopt_ctype_locale();
    let mut words = match args::parse(&a.words, CHECK_KEYS) {
        Ok(w) => w,
        Err(ArgError::Help) => return super::print_help(ctx, &["db", "check"]),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(Failure::usage(format!("db check: {e}{hint}")));
        }
    };
    let timeout_secs = match words.take("timeout") {
        None => DEFAULT_TIMEOUT_SECS,
        Some(t) => match t.trim().parse::<u32>() {
            Ok(n @ 1..=3600) => n,
            _ => {
                return Err(Failure::usage(format!(
                    "db check: timeout={t} is not a number of seconds from 1 to 3600"
                )));
            }
        },
    };
    let mut report = Report::new(ctx, timeout_secs);
    let exit = check(ctx, &mut report, words.take("driver"));
    report.exit_code = exit.code();
    report.result = if exit == Exit::Success { "pass" } else { "fail" };
    if ctx.global.json {
        ctx.json(&report)?;
    } else {
        ctx.out(&render(&report))?;
    }
    if exit == Exit::Success {
        Ok(exit)
    } else {
        let what = report.verdict.as_ref().map_or_else(
            || {
                report
                    .checks
                    .iter()
                    .rev()
                    .find(|c| c.status == Status::Fail)
                    .map(|c| c.detail.clone())
                    .unwrap_or_default()
            },
            |v| v.class.describe().to_string(),
        );
        let mut f = Failure::msg(exit, format!("db check failed: {what}"));
        f.summary_only = true;
        Err(f)
    }
}

/// Runs the checks in order, filling the report; returns the exit code.
fn check(ctx: &Ctx, r: &mut Report, driver_arg: Option<String>) -> Exit {
    let settings = match ctx.store.load() {
        Ok(None) => {
            r.checks
                .push(Check::new("store", Status::Skip, "no settings stored yet"));
            None
        }
        Ok(s) => {
            r.checks.push(Check::new(
                "store",
                Status::Pass,
                format!("{} decrypts", ctx.store.store_path().display()),
            ));
            s
        }
        Err(e) => {
            r.checks.push(Check::new("store", Status::Fail, e.to_string()));
            return Exit::Store;
        }
    };
    let Some(db) = settings.as_ref().and_then(|s| s.db.clone()) else {
        r.mode = "standalone";
        let c = offline::check_derby(ctx.global.data_dir.as_deref());
        let fail = c.status == Status::Fail;
        r.checks.push(c);
        return if fail { Exit::NotFound } else { Exit::Success };
    };
    let truststore = settings
        .as_ref()
        .and_then(|s| s.ssl.as_ref())
        .and_then(|s| s.truststore.clone());
    check_db(ctx, r, &db, truststore.as_ref(), driver_arg.as_deref(), false)
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
    let mut r = Report::new(ctx, timeout_secs);
    let exit = check_db(ctx, &mut r, db, truststore, None, true);
    r.exit_code = exit.code();
    if exit == Exit::Success {
        r.result = "pass";
        let connect = r
            .checks
            .iter()
            .find(|c| c.name == "connect")
            .map(|c| c.detail.clone())
            .unwrap_or_default();
        let driver = r.driver.as_ref().map(|d| d.name.clone()).unwrap_or_default();
        return SetProbe::Passed(connect, driver);
    }
    if exit == Exit::DriverMissing && r.probe.is_none() {
        let why = r
            .checks
            .iter()
            .rev()
            .find(|c| c.status == Status::Fail)
            .map(|c| c.detail.clone())
            .unwrap_or_default();
        return SetProbe::NoDriver(why);
    }
    eprint!("{}", render(&r));
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
/// `for_set`: probing settings `db set` is about to save (no jar checks; the driver must be
/// verified as registered, since an unregistered one means "no test", not "failure").
fn check_db(
    ctx: &Ctx,
    r: &mut Report,
    db: &DbSettings,
    truststore: Option<&StoreFile>,
    driver_arg: Option<&str>,
    for_set: bool,
) -> Exit {
    let jar_checks = !for_set;
    let analysis = jdbc::parse(&db.url);
    r.url = Some(
        analysis
            .url
            .as_ref()
            .map_or_else(|| db.url.clone(), |u| jdbc::mask(&db.url, u)),
    );
    let Some(url) = analysis.valid() else {
        let n = analysis.errors().count();
        r.checks.push(Check::new(
            "URL",
            Status::Fail,
            format!("the stored URL has {n} error(s); fix it with `travelerUtil db set url=...`"),
        ));
        return Exit::InvalidInput;
    };
    let warnings = analysis.warnings().count();
    r.checks.push(Check::new(
        "URL",
        if warnings == 0 { Status::Pass } else { Status::Warn },
        if warnings == 0 {
            format!("valid {} URL", url.kind.product())
        } else {
            format!(
                "valid {} URL, {warnings} warning(s): see `travelerUtil db set --dry-run`",
                url.kind.product()
            )
        },
    ));
    if jar_checks {
        r.checks.push(offline::check_jar(db.path.as_deref(), url.kind));
        if url.kind == Kind::As400
            && let Some(p) = &db.path
        {
            r.checks.push(offline::check_jt400_link(p));
        }
    }
    let choice = match choose_driver(ctx, url, db, driver_arg, for_set) {
        Ok(c) => c,
        Err((class, msg)) => {
            r.checks.push(Check::new("ODBC driver", Status::Fail, msg));
            let v = if class == FailureClass::DriverManager {
                // SQLDrivers itself failed: nothing was connected to, as at environment allocation.
                classify::classify(Stage::Environment, &[])
            } else {
                // IM002 is the driver manager's "data source name not found and no default driver
                // specified" (SQLDriverConnect), what connecting without a driver would report.
                classify::classify(
                    Stage::Connect,
                    &[DiagRecord {
                        state: "IM002".into(),
                        native: 0,
                        message: "no suitable ODBC driver is registered".into(),
                    }],
                )
            };
            let exit = exit_for(v.class);
            r.class = Some(v.class);
            r.verdict = Some(v);
            return exit;
        }
    };
    r.checks.push(Check::new(
        "ODBC driver",
        Status::Pass,
        format!(
            "{} ({}){}",
            choice.name,
            choice.family,
            choice.library.as_ref().map(|l| format!(" {l}")).unwrap_or_default()
        ),
    ));
    // Kept alive until the probe is over: dropping it removes the file.
    let ca = match export_ca(r, url, truststore) {
        Ok(ca) => ca,
        Err(exit) => return exit,
    };
    let password = db.password.as_ref().map(|p| secrecy::SecretString::from(p.expose()));
    let tr = match translate(
        url,
        &OdbcRequest {
            driver: &choice.name,
            family: choice.family,
            user: db.user.as_deref(),
            password: password.as_ref(),
            timeout_secs: r.timeout_secs,
            ca_file: ca.as_ref().map(tempfile::NamedTempFile::path),
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            r.checks
                .push(Check::new("connection string", Status::Fail, e.to_string()));
            return Exit::CheckFailed;
        }
    };
    r.connection = Some(tr.display.clone());
    r.notes = tr.notes.clone();
    r.driver = Some(choice);
    let req = ProbeRequest {
        connection_string: secrecy::ExposeSecret::expose_secret(&tr.connection_string).to_string(),
        login_timeout_secs: r.timeout_secs,
        query: validation_query(url.kind).to_string(),
    };
    // The Db2 client retries a refused connection once after a 5 s sleep; the probe wants the
    // answer at once (0.09 s instead of 5.1 s in the lab). An admin's own setting wins. The
    // driver reads it when it is loaded, at the first connect below.
    let db2 = r.driver.as_ref().is_some_and(|c| c.family == DriverFamily::Db2Cli);
    if db2 && std::env::var_os("DB2_MAX_CLIENT_CONNRETRIES").is_none() {
        // SAFETY: no other thread exists yet that could read the environment concurrently (the
        // probe thread is spawned below).
        unsafe { std::env::set_var("DB2_MAX_CLIENT_CONNRETRIES", "0") };
    }
    // The driver's own timeout and the login timeout come first, so their (more precise)
    // errors win; the watchdog stops waiting just after the deadline whatever happens.
    let limit = Duration::from_secs(u64::from(r.timeout_secs)) + Duration::from_millis(200);
    // The CA file goes on every exit: its drop, a signal, or the watchdog's `_exit`.
    let _unlink_ca = ca.as_ref().map(|f| UnlinkOnSignal::new(f.path()));
    let watchdog = Watchdog::arm(limit, timeout_output(ctx, r, limit, for_set));
    let outcome = crate::probe::odbc::probe(&req);
    drop(watchdog);
    let exit = match &outcome {
        ProbeOutcome::Connected {
            connect_ms,
            query_ms,
            row,
            info,
            ..
        } => {
            let dbms = [info.dbms_name.as_deref(), info.dbms_version.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            let drv = [info.driver_name.as_deref(), info.driver_version.as_deref()]
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            r.checks.push(Check::new(
                "connect",
                Status::Pass,
                format!(
                    "connected in {connect_ms:.1} ms: DBMS {}, driver {}",
                    if dbms.is_empty() { "(not reported)" } else { &dbms },
                    if drv.is_empty() { "(not reported)" } else { &drv }
                ),
            ));
            if *row {
                r.checks.push(Check::new(
                    "query",
                    Status::Pass,
                    format!("{} returned a row in {query_ms:.1} ms", validation_query(url.kind)),
                ));
                Exit::Success
            } else {
                r.checks.push(Check::new(
                    "query",
                    Status::Fail,
                    format!("{} returned no row", validation_query(url.kind)),
                ));
                r.class = Some(FailureClass::Other);
                Exit::CheckFailed
            }
        }
        ProbeOutcome::Failed {
            stage,
            elapsed_ms,
            records,
        } => {
            let v = classify::classify(*stage, records);
            r.checks.push(Check::new(
                match stage {
                    Stage::Query => "query",
                    _ => "connect",
                },
                Status::Fail,
                format!("{} after {elapsed_ms:.0} ms", v.class.describe()),
            ));
            r.class = Some(v.class);
            let exit = exit_for(v.class);
            r.verdict = Some(v);
            exit
        }
    };
    r.probe = Some(outcome);
    exit
}

/// What the watchdog prints if the deadline passes: this report as it would end on a timeout,
/// rendered now, because at that moment the main thread is stuck inside the driver.
fn timeout_output(ctx: &Ctx, r: &Report, limit: Duration, for_set: bool) -> OnTimeout {
    let mut t = r.clone();
    let elapsed_ms = limit.as_secs_f64() * 1e3;
    let v = classify::classify(Stage::Watchdog, &[]);
    t.checks.push(Check::new(
        "connect",
        Status::Fail,
        format!("{} after {elapsed_ms:.0} ms", v.class.describe()),
    ));
    t.probe = Some(ProbeOutcome::Failed {
        stage: Stage::Watchdog,
        elapsed_ms,
        records: Vec::new(),
    });
    t.class = Some(v.class);
    t.verdict = Some(v);
    let code = exit_for(FailureClass::Timeout).code();
    t.exit_code = code;
    t.result = "fail";
    let what = FailureClass::Timeout.describe();
    if for_set {
        let stderr = format!(
            "{}travelerUtil: error: db set: {what}; nothing was saved (add `force` to save without the test)\n",
            render(&t)
        );
        return OnTimeout {
            stdout: Vec::new(),
            stderr: stderr.into_bytes(),
            code,
        };
    }
    let stdout = if ctx.global.json {
        serde_json::to_string_pretty(&t).map(|s| s + "\n").unwrap_or_default()
    } else {
        render(&t)
    };
    let stderr = format!("travelerUtil: error: db check failed: {what}\n");
    OnTimeout {
        stdout: stdout.into_bytes(),
        stderr: stderr.into_bytes(),
        code,
    }
}

/// When the URL asks for TLS and a truststore is configured: its trusted certificates, verified
/// with the stored password, exported to a private temporary PEM file (0600, removed when the
/// returned file is dropped, or by the watchdog) for the driver's CA option (MariaDB `SSLCA`,
/// Db2 `SSLServerCertificate`). The ODBC drivers read PEM files, not Java keystores.
fn export_ca(r: &mut Report, url: &JdbcUrl, truststore: Option<&StoreFile>) -> Result<Option<NamedTempFile>, Exit> {
    if !crate::probe::connstr::wants_tls(url) {
        return Ok(None);
    }
    let Some(ts) = truststore else {
        r.checks.push(Check::new(
            "truststore",
            Status::Skip,
            "the URL asks for TLS, but no truststore is configured (`ssl set truststore=...`): the driver's own CA settings decide",
        ));
        return Ok(None);
    };
    let mut fail = |msg: String| {
        r.checks.push(Check::new("truststore", Status::Fail, msg));
        r.class = Some(FailureClass::Tls);
        Err(Exit::Tls)
    };
    let where_ = ts.path.display();
    let bytes = match std::fs::read(&ts.path) {
        Ok(b) => b,
        Err(e) => {
            return fail(format!(
                "cannot read the truststore {where_}: {e}; run `travelerUtil ssl check`"
            ));
        }
    };
    let pw = ts.password.as_ref().map_or("", |p| p.expose());
    let verified = match keystore::verify(&bytes, pw, &keystore::Limits::default()) {
        Ok(v) => v,
        Err(e) => return fail(format!("the truststore {where_} cannot be used: {e}")),
    };
    let certs: Vec<Vec<u8>> = keystore::pem::trusted_certificates(&verified)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    if certs.is_empty() {
        return fail(format!(
            "the truststore {where_} holds no trusted certificate; import the CA with keytool -importcert"
        ));
    }
    let pem = keystore::pem::certs_to_pem(&certs);
    let file = tempfile::Builder::new()
        .prefix(".travelerutil-ca-")
        .suffix(".pem")
        .tempfile()
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, pem.as_bytes())?;
            std::io::Write::flush(&mut f)?;
            Ok(f)
        });
    match file {
        Ok(f) => {
            r.checks.push(Check::new(
                "truststore",
                Status::Pass,
                format!(
                    "{} trusted certificate{} from {where_} ({}) handed to the driver",
                    certs.len(),
                    if certs.len() == 1 { "" } else { "s" },
                    verified.store_type.name()
                ),
            ));
            Ok(Some(f))
        }
        Err(e) => fail(format!("cannot write the temporary CA file: {e}")),
    }
}

/// `verify`: check a named driver against the driver manager's list (SQLDrivers). Without it,
/// a named driver takes the fast path (`drivers::named`): unixODBC re-reads odbcinst.ini for
/// every attribute of every driver during SQLDrivers (16 file opens here), which `isql` never
/// pays, and an unregistered name is reported by the driver manager itself at connect (`Can't
/// open lib`, classified as driver-missing). Automatic choice always needs the list.
fn choose_driver(
    ctx: &Ctx,
    url: &JdbcUrl,
    db: &DbSettings,
    arg: Option<&str>,
    verify: bool,
) -> Result<Choice, (FailureClass, String)> {
    let env = std::env::var(DRIVER_ENV).ok();
    let overrides = [
        (Source::CommandLine, arg),
        (Source::Stored, db.driver.as_deref()),
        (Source::Env, env.as_deref()),
    ];
    if !verify && let Some(c) = drivers::named(url, &overrides) {
        return Ok(c);
    }
    let installed = drivers::installed().map_err(|e| {
        (
            FailureClass::DriverManager,
            format!("the ODBC driver manager failed: {e}"),
        )
    })?;
    ctx.debug(format_args!(
        "registered ODBC drivers: {}",
        installed.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
    ));
    drivers::choose(url, &installed, &overrides).map_err(|e| {
        let msg = format!(
            "{e}; install the database's ODBC driver, or register it in {}",
            driver_manager().odbcinst_ini
        );
        (FailureClass::DriverMissing, msg)
    })
}

fn render(r: &Report) -> String {
    let mut t = String::new();
    let line = |t: &mut String, k: &str, v: &str| t.push_str(&format!("{k:<16} {v}\n"));
    line(&mut t, "mode:", r.mode);
    line(&mut t, "store:", &r.store.display().to_string());
    if let Some(u) = &r.url {
        line(&mut t, "url:", u);
    }
    let dm = &r.driver_manager;
    line(
        &mut t,
        "driver manager:",
        &format!(
            "unixODBC, drivers from {}{}",
            dm.odbcinst_ini,
            dm.odbcsysini
                .as_ref()
                .map(|s| format!(" (ODBCSYSINI={s})"))
                .unwrap_or_default()
        ),
    );
    if let Some(d) = &r.driver {
        line(
            &mut t,
            "driver:",
            &format!("{} [{}] (chosen: {})", d.name, d.family, d.source.describe()),
        );
    }
    if let Some(c) = &r.connection {
        line(&mut t, "connection:", c);
        line(
            &mut t,
            "timeout:",
            &format!("{} s (login timeout, driver keyword, watchdog)", r.timeout_secs),
        );
    }
    for n in &r.notes {
        line(&mut t, "note:", n);
    }
    t.push('\n');
    for c in &r.checks {
        let tag = match c.status {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        };
        t.push_str(&format!("  {tag}  {:<18} {}\n", c.name, c.detail));
    }
    if let Some(ProbeOutcome::Failed { records, .. }) = &r.probe {
        if records.is_empty() {
            t.push_str("        (the driver left no diagnostic records)\n");
        }
        for rec in records {
            t.push_str(&format!(
                "        [{}][{}] {}\n",
                rec.state,
                rec.native,
                sanitize(&rec.message)
            ));
        }
    }
    if let Some(v) = &r.verdict {
        t.push_str(&format!("        hint: {}\n", v.hint));
    }
    t.push('\n');
    match (r.result, r.class) {
        ("pass", _) if r.mode == "standalone" => {
            t.push_str("PASS: standalone mode (embedded Derby); no enterprise database to reach\n")
        }
        ("pass", _) => t.push_str("PASS: the database is reachable with the stored settings\n"),
        (_, Some(c)) => t.push_str(&format!("FAIL: {} (exit {})\n", c.describe(), r.exit_code)),
        _ => t.push_str(&format!("FAIL (exit {})\n", r.exit_code)),
    }
    t
}

/// Driver messages are shown verbatim except control characters, which could drive the
/// terminal (fd's sanitize lesson).
fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Issue 4: "each class has its own exit code". DNS and refused once shared 11, and driver
    /// missing and driver manager 15, so a script could not tell them apart.
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
