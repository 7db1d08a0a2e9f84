//! Proving a database reachable through a real ODBC driver (pure types and logic; the ODBC
//! calls live in [`odbc`]; the watchdog's timer is `crate::sys::timer`).
//!
//! `db check` never trusts one signal. The connection string comes from the URL engine's
//! translation, the attempt is bounded three ways (SQL_ATTR_LOGIN_TIMEOUT, the driver's own
//! timeout keyword, and a hard watchdog that kills the attempt at the deadline), and a failure is
//! classified from *every* diagnostic record the driver left, not just the first.

pub mod classify;
pub mod drivers;
pub mod odbc;
pub mod offline;

use serde::Serialize;

/// One ODBC diagnostic record, as the driver reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagRecord {
    /// The five-character SQLSTATE, e.g. `08001`.
    pub state: String,
    /// The driver's native error code (Db2 SQLCODE such as -30082, MariaDB 1045, FreeTDS 20009).
    pub native: i32,
    pub message: String,
}

/// Where an attempt stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Allocating the ODBC environment (the driver manager itself).
    Environment,
    /// SQLDriverConnect.
    Connect,
    /// The validation query.
    Query,
    /// The watchdog ended the attempt.
    Watchdog,
}

/// Why a check failed, in the terms an admin acts on. Each class has its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureClass {
    /// No ODBC driver for the database, or the driver library cannot be loaded.
    DriverMissing,
    /// The driver manager (unixODBC) itself failed or is too old.
    DriverManager,
    /// The host name does not resolve.
    Dns,
    /// Nothing listens on the port (connection refused), or the network is unreachable.
    Refused,
    /// No answer within the time limit.
    Timeout,
    /// TLS handshake or certificate failure.
    Tls,
    /// The server rejected the user or password.
    Authentication,
    /// The database does not exist on the server.
    DatabaseNotFound,
    /// The user may not use the database.
    Permission,
    /// Anything else (the raw records say what).
    Other,
}

/// A classified failure: the class, why it was chosen, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub class: FailureClass,
    /// The record (index into the records) and the signal that decided the class.
    pub evidence: Option<(usize, String)>,
    /// A concrete next step for the admin.
    pub hint: String,
}
