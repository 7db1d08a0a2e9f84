//! The checks of `db check`, in the order they run: the store, the URL, the JDBC jar, the ODBC
//! driver, the truststore, the connection string, then the probe itself. Each step adds its
//! lines to the report and either hands the next step what it needs or ends the check with an
//! exit code.

use super::inputs::{self, DriverOverrides};
use super::report::{Mode, Report};
use super::tls::{self, CaFile};
use crate::exit::Exit;
use crate::jdbc::failover::Server;
use crate::jdbc::{self, JdbcUrl, Kind};
use crate::probe::connstr::{OdbcRequest, translate};
use crate::probe::drivers::{Choice, DriverFamily};
use crate::probe::odbc::{Ask, ProbeOutcome, ProbeRequest};
use crate::probe::offline::{self, Status};
use crate::probe::{DiagRecord, FailureClass, Stage, classify};
use crate::store::{DbSettings, Settings, StoreFile};
use std::path::Path;

/// What the checks of one configuration are given.
pub struct Setup<'a> {
    pub db: &'a DbSettings,
    pub truststore: Option<&'a StoreFile>,
    pub driver_arg: Option<&'a str>,
    /// Probing settings `db set` is about to save: no jar checks, and a named driver is verified
    /// as registered (an unregistered one means "no test", not "failure").
    pub for_set: bool,
    /// No HA-readiness section (`quick`, and `db set`'s connection test).
    pub quick: bool,
}

/// The store step: `Err` ends the check (standalone mode or a store failure).
pub fn load_store(store: &crate::store::Store, r: &mut Report, data_dir: Option<&Path>) -> Result<Settings, Exit> {
    let settings = match store.load() {
        Ok(None) => {
            r.push("store", Status::Skip, "no settings stored yet");
            None
        }
        Ok(Some(s)) => {
            let what = format!("{} decrypts", crate::term::escape_path(&store.store_path()));
            r.push("store", Status::Pass, what);
            Some(s)
        }
        Err(e) => {
            r.push("store", Status::Fail, e.to_string());
            return Err(Exit::Store);
        }
    };
    match settings {
        Some(s) if s.db.is_some() => Ok(s),
        _ => {
            r.mode = Mode::Standalone;
            let c = offline::check_derby(data_dir);
            let fail = c.status == Status::Fail;
            r.checks.push(c);
            Err(if fail { Exit::NotFound } else { Exit::Success })
        }
    }
}

/// The URL step: the stored URL parsed, errors ending the check, warnings counted.
pub fn check_url(r: &mut Report, analysis: &jdbc::Analysis, source: &str) -> Result<(), Exit> {
    r.url = Some(
        analysis
            .url
            .as_ref()
            .map_or_else(|| source.to_string(), |u| jdbc::mask(source, u)),
    );
    let Some(url) = analysis.valid() else {
        let n = analysis.errors().count();
        let what = format!("the stored URL has {n} error(s); fix it with `travelerUtil db set url=...`");
        r.push("URL", Status::Fail, what);
        return Err(Exit::InvalidInput);
    };
    let product = url.kind.product();
    match analysis.warnings().count() {
        0 => r.push("URL", Status::Pass, format!("valid {product} URL")),
        n => r.push(
            "URL",
            Status::Warn,
            format!("valid {product} URL, {n} warning(s): see `travelerUtil db set --dry-run`"),
        ),
    }
    Ok(())
}

/// The offline jar checks (`db check` only).
pub fn check_jars(r: &mut Report, db: &DbSettings, kind: Kind) {
    r.checks.push(offline::check_jar(db.path.as_deref(), kind));
    if kind == Kind::As400
        && let Some(p) = &db.path
    {
        r.checks.push(offline::check_jt400_link(p));
    }
}

/// The driver step: the chosen driver, or the classified reason there is none.
pub fn choose_driver(r: &mut Report, url: &JdbcUrl, s: &Setup<'_>) -> Result<Choice, Exit> {
    let env = std::env::var(inputs::DRIVER_ENV).ok();
    let overrides = DriverOverrides {
        arg: s.driver_arg,
        stored: s.db.driver.as_deref(),
        env: env.as_deref(),
    };
    let installed = || crate::probe::drivers::installed().map_err(|e| e.to_string());
    let odbcinst = r.driver_manager.odbcinst_ini.clone();
    match inputs::choose_driver(url, &overrides, s.for_set, installed, &odbcinst) {
        Ok(c) => {
            let lib = c.library.as_ref().map(|l| format!(" {l}")).unwrap_or_default();
            r.push("ODBC driver", Status::Pass, format!("{} ({}){lib}", c.name, c.family));
            Ok(c)
        }
        Err((class, msg)) => {
            r.push("ODBC driver", Status::Fail, msg);
            Err(r.fail_with(no_driver_verdict(class)))
        }
    }
}

fn no_driver_verdict(class: FailureClass) -> crate::probe::Verdict {
    if class == FailureClass::DriverManager {
        // SQLDrivers itself failed: nothing was connected to, as at environment allocation.
        return classify::classify(Stage::Environment, &[]);
    }
    // IM002 is the driver manager's "data source name not found and no default driver
    // specified" (SQLDriverConnect), what connecting without a driver would report.
    let rec = DiagRecord {
        state: "IM002".into(),
        native: 0,
        message: "no suitable ODBC driver is registered".into(),
    };
    classify::classify(Stage::Connect, &[rec])
}

/// The truststore step (see [`tls::export_ca`]).
pub fn export_ca(r: &mut Report, url: &JdbcUrl, s: &Setup<'_>) -> Result<Option<CaFile>, Exit> {
    tls::export_ca(r, url, s.truststore)
}

/// The connection-string step: one probe request per server the URL names (`servers`, the
/// primary first), the primary's with `asks`, the catalog reads of the readiness section. The
/// report shows the primary's string.
pub fn requests(
    r: &mut Report,
    url: &JdbcUrl,
    choice: &Choice,
    db: &DbSettings,
    ca: Option<&Path>,
    servers: &[Server],
    mut asks: Vec<Ask>,
) -> Result<Vec<ProbeRequest>, Exit> {
    let request = OdbcRequest {
        driver: &choice.name,
        family: choice.family,
        user: db.user.as_deref(),
        password: db.password.as_ref(),
        timeout_secs: r.timeout_secs,
        ca_file: ca,
    };
    let mut out = Vec::with_capacity(servers.len());
    for (i, server) in servers.iter().enumerate() {
        let one = crate::jdbc::failover::for_server(url, server);
        let tr = translate(&one, &request).map_err(|e| {
            r.push("connection string", Status::Fail, e.to_string());
            Exit::CheckFailed
        })?;
        if i == 0 {
            r.connection = Some(tr.display.clone());
            r.notes = tr.notes.clone();
        }
        out.push(ProbeRequest {
            connection_string: tr.connection_string,
            login_timeout_secs: r.timeout_secs,
            query: validation_query(url.kind).to_string(),
            asks: std::mem::take(&mut asks),
            ask_timeout_secs: r.timeout_secs,
        });
    }
    Ok(out)
}

/// The validation query of each family (`SELECT 1` needs a FROM clause on Db2 and IBM i).
pub fn validation_query(kind: Kind) -> &'static str {
    match kind {
        Kind::Db2 | Kind::As400 | Kind::Derby => "SELECT 1 FROM SYSIBM.SYSDUMMY1",
        Kind::SqlServer | Kind::MySql => "SELECT 1",
    }
}

/// The Db2 client retries a refused connection once after a 5 s sleep; the probe wants the answer
/// at once (docs/odbc-drivers.md). An admin's own setting wins. The driver reads it when it is
/// loaded, at the first connect.
pub fn no_db2_retry(family: DriverFamily) {
    if family == DriverFamily::Db2Cli && std::env::var_os("DB2_MAX_CLIENT_CONNRETRIES").is_none() {
        // SAFETY: called before any probe thread exists; nothing reads the environment
        // concurrently.
        unsafe { std::env::set_var("DB2_MAX_CLIENT_CONNRETRIES", "0") };
    }
}

/// The probe's lines and verdict; returns the exit code.
pub fn record_outcome(r: &mut Report, kind: Kind, outcome: ProbeOutcome) -> Exit {
    let query = validation_query(kind);
    let exit = match &outcome {
        ProbeOutcome::Connected(c) => {
            let unknown = || "(not reported)".to_string();
            let dbms = c.info.dbms().unwrap_or_else(unknown);
            let drv = c.info.driver().unwrap_or_else(unknown);
            let what = format!("connected in {:.1} ms: DBMS {dbms}, driver {drv}", c.connect_ms);
            r.push("connect", Status::Pass, what);
            if c.row {
                r.push(
                    "query",
                    Status::Pass,
                    format!("{query} returned a row in {:.1} ms", c.query_ms),
                );
                Exit::Success
            } else {
                r.push("query", Status::Fail, format!("{query} returned no row"));
                r.class = Some(FailureClass::Other);
                Exit::CheckFailed
            }
        }
        ProbeOutcome::Failed(f) => {
            let v = f.verdict();
            let name = match f.stage {
                Stage::Query => "query",
                Stage::Environment | Stage::Connect | Stage::Watchdog => "connect",
            };
            r.push(
                name,
                Status::Fail,
                format!("{} after {:.0} ms", v.class.describe(), f.elapsed_ms),
            );
            r.fail_with(v)
        }
    };
    r.probe = Some(outcome);
    exit
}
