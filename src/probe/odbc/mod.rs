//! The ODBC calls of a probe, on odbc-api's low-level `handles`.
//!
//! The high-level `Environment::connect_with_connection_string` drops the connection handle on
//! failure and keeps only the first diagnostic record. FreeTDS puts the cause in records 2 and 3
//! and Db2 encodes an authentication failure as 08001 with a reason code, so this module keeps
//! the handle and reads every record with SQLGetDiagRec.
//!
//! Driver facts this code relies on (docs/odbc-drivers.md):
//! - IBM's `libdb2.so` from the `ibm_db` wheel has a 32-bit SQLLEN: indicators and row counts
//!   come back with only their low 4 bytes written. So the validation query only checks that a
//!   row arrived (SQLFetch → SQL_SUCCESS) and never reads a value or a row count.
//! - A connected handle must be disconnected before it is freed, or SQLFreeHandle fails (and
//!   odbc-api's Drop panics).
//!
//! After the validation query, the probe may run catalog reads on the same connection
//! ([`Ask`], in [`catalog`]) for the HA-readiness section.

mod catalog;

pub use catalog::{Answer, Ask, Rows};

use super::{DiagRecord, Stage};
use odbc_api::handles::{self, Diagnostics, SqlResult, SqlText, Statement};
use odbc_api::sys::{AttrOdbcVersion, InfoType, Pointer, SqlReturn};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What a probe is asked to do.
#[derive(Debug)]
pub struct ProbeRequest {
    pub connection_string: crate::secret::Secret,
    /// SQL_ATTR_LOGIN_TIMEOUT in seconds (0: none).
    pub login_timeout_secs: u32,
    /// The family's validation query.
    pub query: String,
    /// Catalog reads after a passing validation query, answered in order.
    pub asks: Vec<Ask>,
    /// The time limit of each catalog read (SQL_ATTR_QUERY_TIMEOUT, seconds; 0: none).
    pub ask_timeout_secs: u32,
}

/// Facts read with SQLGetInfo after connecting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    pub dbms_name: Option<String>,
    pub dbms_version: Option<String>,
    pub driver_name: Option<String>,
    pub driver_version: Option<String>,
    pub driver_odbc_version: Option<String>,
}

impl ServerInfo {
    /// `MariaDB 10.11.000019`: the DBMS name and version that were reported.
    pub fn dbms(&self) -> Option<String> {
        join(&[self.dbms_name.as_deref(), self.dbms_version.as_deref()])
    }

    /// `libmaodbc.so 03.01.0015`: the driver's name and version that were reported.
    pub fn driver(&self) -> Option<String> {
        join(&[self.driver_name.as_deref(), self.driver_version.as_deref()])
    }
}

/// The parts that are known, blank-separated; `None` when none is.
pub fn join(parts: &[Option<&str>]) -> Option<String> {
    let known: Vec<&str> = parts.iter().flatten().copied().collect();
    (!known.is_empty()).then(|| known.join(" "))
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ProbeOutcome {
    Connected(Connected),
    Failed(Failed),
}

/// An attempt that reached the database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Connected {
    pub connect_ms: f64,
    pub query_ms: f64,
    /// A row came back from the validation query.
    pub row: bool,
    pub info: ServerInfo,
    /// Records of SQL_SUCCESS_WITH_INFO (e.g. a changed database context).
    pub warnings: Vec<DiagRecord>,
    /// The answers to the request's catalog reads, in order (the report shows what they
    /// mean, not the raw rows).
    #[serde(skip)]
    pub answers: Vec<Answer>,
}

/// An attempt that stopped: where, after how long, and what the driver said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failed {
    pub stage: Stage,
    pub elapsed_ms: f64,
    pub records: Vec<DiagRecord>,
}

impl Failed {
    /// What the records mean (docs/odbc-drivers.md).
    #[must_use]
    pub fn verdict(&self) -> super::Verdict {
        super::classify::classify(self.stage, &self.records)
    }
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Every diagnostic record left on `handle` by its last call.
pub fn records(handle: &impl Diagnostics) -> Vec<DiagRecord> {
    let mut out = Vec::new();
    let mut rec = handles::Record::with_capacity(512);
    // Drivers keep a few records; the cap guards against one that never returns SQL_NO_DATA
    // (opensearch sql-odbc#102 made unixODBC spin forever that way).
    for n in 1..=32i16 {
        if !rec.fill_from(handle, n) {
            break;
        }
        // The message is in the client's narrow encoding; some drivers send Latin-1, so decode
        // lossily rather than fail.
        out.push(DiagRecord {
            state: String::from_utf8_lossy(&rec.state.0).into_owned(),
            native: rec.native_error,
            message: String::from_utf8_lossy(&rec.message).trim_end().to_string(),
        });
    }
    out
}

/// Set once a probe has asked the driver manager for an environment (and so may have loaded a
/// driver): the process then ends without the drivers' `atexit` handlers (see `main`).
static LOADED: AtomicBool = AtomicBool::new(false);

/// Whether an ODBC driver may have been loaded into this process.
pub fn driver_loaded() -> bool {
    LOADED.load(Ordering::SeqCst)
}

/// Runs one attempt, calling `on_connected` with the outcome so far once the validation query
/// passed and before the catalog reads start (the caller moves its deadline's report on).
/// Blocking: the caller bounds it (`crate::probe::runner`).
pub fn probe_with(req: &ProbeRequest, on_connected: &mut dyn FnMut(&ProbeOutcome)) -> ProbeOutcome {
    let start = Instant::now();
    LOADED.store(true, Ordering::SeqCst);
    let env = match environment() {
        Ok(e) => e,
        Err(records) => return failed(Stage::Environment, start, records),
    };
    let mut conn = match env.allocate_connection() {
        SqlResult::Success(c) | SqlResult::SuccessWithInfo(c) => c,
        _ => return failed(Stage::Environment, start, records(&env)),
    };
    if req.login_timeout_secs > 0 {
        // Best effort: some drivers reject or clamp it; the watchdog is the hard bound.
        let _ = conn.set_login_timeout_sec(req.login_timeout_secs);
    }
    let cs = SqlText::new(req.connection_string.expose());
    let t_connect = Instant::now();
    let res = conn.connect_with_connection_string(&cs);
    let connect_ms = ms(t_connect);
    let warnings = match res {
        SqlResult::Success(()) => Vec::new(),
        SqlResult::SuccessWithInfo(()) => records(&conn),
        _ => return failed(Stage::Connect, start, records(&conn)),
    };
    let info = server_info(&conn);
    let t_query = Instant::now();
    let q = run_query(&conn, &req.query);
    let query_ms = ms(t_query);
    let mut outcome = match q {
        Ok(row) => ProbeOutcome::Connected(Connected {
            connect_ms,
            query_ms,
            row,
            info,
            warnings,
            answers: Vec::new(),
        }),
        Err(records) => failed(Stage::Query, start, records),
    };
    if matches!(outcome, ProbeOutcome::Connected(Connected { row: true, .. })) && !req.asks.is_empty() {
        on_connected(&outcome);
        let got: Vec<Answer> = req
            .asks
            .iter()
            .map(|a| catalog::answer(&conn, a, req.ask_timeout_secs))
            .collect();
        if let ProbeOutcome::Connected(c) = &mut outcome {
            c.answers = got;
        }
    }
    // Disconnect before the handle is freed (see the module docs).
    let _ = conn.disconnect();
    outcome
}

fn failed(stage: Stage, start: Instant, records: Vec<DiagRecord>) -> ProbeOutcome {
    ProbeOutcome::Failed(Failed {
        stage,
        elapsed_ms: ms(start),
        records,
    })
}

/// An ODBC 3 environment, or the records that say why there is none.
fn environment() -> Result<handles::Environment, Vec<DiagRecord>> {
    let env = match handles::Environment::new() {
        SqlResult::Success(e) | SqlResult::SuccessWithInfo(e) => e,
        _ => {
            return Err(vec![DiagRecord {
                state: "HY001".into(),
                native: 0,
                message: "the driver manager could not allocate an ODBC environment (is unixODBC installed?)".into(),
            }]);
        }
    };
    // ODBC 3.5, not 3.80: unixODBC 2.3.1 (RHEL 7 era) rejects 3.80 with S1009/HY024
    // (odbc2parquet#66). The driver manager maps the rest.
    if env.declare_version(AttrOdbcVersion::Odbc3).is_err() {
        return Err(records(&env));
    }
    Ok(env)
}

/// Executes the validation query and fetches one row without reading any value.
fn run_query(conn: &handles::Connection<'_>, sql: &str) -> Result<bool, Vec<DiagRecord>> {
    let mut stmt = match conn.allocate_statement() {
        SqlResult::Success(s) | SqlResult::SuccessWithInfo(s) => s,
        _ => return Err(records(conn)),
    };
    let text = SqlText::new(sql);
    // SAFETY: the statement has no bound buffers; exec_direct and fetch only move the cursor.
    let exec = unsafe { stmt.exec_direct(&text) };
    if exec.is_err() {
        return Err(records(&stmt.as_stmt_ref()));
    }
    let fetched = unsafe { stmt.fetch() };
    let row = match fetched {
        SqlResult::Success(()) | SqlResult::SuccessWithInfo(()) => true,
        SqlResult::NoData => false,
        _ => return Err(records(&stmt.as_stmt_ref())),
    };
    let _ = stmt.close_cursor();
    Ok(row)
}

fn server_info(conn: &handles::Connection<'_>) -> ServerInfo {
    ServerInfo {
        dbms_name: get_info(conn, InfoType::DbmsName),
        dbms_version: get_info(conn, InfoType::DbmsVer),
        driver_name: get_info(conn, InfoType::DriverName),
        driver_version: get_info(conn, InfoType::DriverVer),
        driver_odbc_version: get_info(conn, InfoType::DriverOdbcVer),
    }
}

/// A string-valued SQLGetInfo. odbc-api's safe API exposes only the DBMS name; the rest go
/// through odbc-sys on the raw handle. The buffer is generous and the returned length is
/// clamped to it (DuckDB once reported a wrong length: odbc-api PR #818).
fn get_info(conn: &handles::Connection<'_>, info: InfoType) -> Option<String> {
    let mut buf = vec![0u8; 512];
    let mut len: i16 = 0;
    // SAFETY: the buffer outlives the call and its length is passed; the handle is connected.
    let rc = unsafe {
        odbc_api::sys::SQLGetInfo(
            conn.as_sys(),
            info,
            buf.as_mut_ptr() as Pointer,
            buf.len() as i16,
            &mut len,
        )
    };
    if rc != SqlReturn::SUCCESS && rc != SqlReturn::SUCCESS_WITH_INFO {
        return None;
    }
    let n = usize::try_from(len).unwrap_or(0).min(buf.len());
    let end = buf[..n].iter().position(|&b| b == 0).unwrap_or(n);
    let s = String::from_utf8_lossy(&buf[..end]).trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `probe` object of `db check --json`, as docs/json.md documents it: the outcome's tag
    /// beside the fields of either kind, and no catalog answers.
    #[test]
    fn probe_json_has_the_documented_shape() {
        let connected = ProbeOutcome::Connected(Connected {
            connect_ms: 3.3,
            query_ms: 0.2,
            row: true,
            info: ServerInfo {
                dbms_name: Some("MariaDB".into()),
                ..ServerInfo::default()
            },
            warnings: Vec::new(),
            answers: vec![Answer {
                rows: Err(Vec::new()),
                sent: std::time::SystemTime::UNIX_EPOCH,
                received: std::time::SystemTime::UNIX_EPOCH,
            }],
        });
        assert_eq!(
            serde_json::to_value(&connected).unwrap(),
            serde_json::json!({
                "outcome": "connected", "connect_ms": 3.3, "query_ms": 0.2, "row": true,
                "info": {"dbms_name": "MariaDB", "dbms_version": null, "driver_name": null,
                         "driver_version": null, "driver_odbc_version": null},
                "warnings": []
            })
        );
        let failed = ProbeOutcome::Failed(Failed {
            stage: Stage::Connect,
            elapsed_ms: 18.0,
            records: vec![DiagRecord {
                state: "08001".into(),
                native: -30082,
                message: "refused".into(),
            }],
        });
        assert_eq!(
            serde_json::to_value(&failed).unwrap(),
            serde_json::json!({
                "outcome": "failed", "stage": "connect", "elapsed_ms": 18.0,
                "records": [{"state": "08001", "native": -30082, "message": "refused"}]
            })
        );
    }
}
