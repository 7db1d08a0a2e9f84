//! Proving a database reachable through a real ODBC driver, and ready for a Traveler HA pool.
//!
//! `db check` never trusts one signal. The connection string is translated from the JDBC URL
//! ([`connstr`]) for the driver chosen in [`drivers`]; every attempt is bounded three ways
//! (SQL_ATTR_LOGIN_TIMEOUT, the driver's own timeout keyword, and a deadline that ends the
//! attempt whatever the driver does: [`runner`], with the timer of `crate::sys::timer`); and a
//! failure is classified from *every* diagnostic record the driver left, not just the first
//! ([`classify`]). The ODBC calls live in [`odbc`]; the offline checks in [`offline`]; the
//! HA-readiness rules, pure, in [`ready`].

pub mod classify;
pub mod connstr;
pub mod drivers;
pub mod odbc;
pub mod offline;
pub mod ready;
pub mod runner;

use crate::exit::Exit;
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

/// Declares [`FailureClass`] from one table, so that a new class cannot be left out of
/// [`FailureClass::ALL`], [`FailureClass::describe`] or [`FailureClass::exit`].
macro_rules! failure_classes {
    ($( $(#[$doc:meta])* $name:ident => $exit:ident, $describe:literal; )*) => {
        /// Why a check failed, in the terms an admin acts on. Each class has its own exit code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum FailureClass {
            $( $(#[$doc])* $name, )*
        }

        impl FailureClass {
            /// Every class, in the order of the README's description.
            pub const ALL: &'static [FailureClass] = &[ $( FailureClass::$name, )* ];

            /// The class's report name (as serialised) and a one-line description.
            #[must_use]
            pub fn describe(self) -> &'static str {
                match self {
                    $( FailureClass::$name => $describe, )*
                }
            }

            /// The exit code of the class (README table).
            #[must_use]
            pub fn exit(self) -> Exit {
                match self {
                    $( FailureClass::$name => Exit::$exit, )*
                }
            }
        }
    };
}

failure_classes! {
    /// No ODBC driver for the database, or the driver library cannot be loaded.
    DriverMissing => DriverMissing,
        "driver-missing: no ODBC driver for the database, or its library cannot be loaded";
    /// The driver manager (unixODBC) itself failed or is too old.
    DriverManager => DriverManager, "driver-manager: the ODBC driver manager (unixODBC) failed or is too old";
    /// The host name does not resolve.
    Dns => Dns, "dns: the database host name does not resolve";
    /// Nothing listens on the port (connection refused), or the network is unreachable.
    Refused => Unreachable,
        "refused: no TCP connection to the database port (refused, unreachable or filtered)";
    /// No answer within the time limit.
    Timeout => Timeout, "timeout: no answer from the server within the time limit";
    /// TLS handshake or certificate failure.
    Tls => Tls, "tls: TLS handshake or certificate failure";
    /// The server rejected the user or password.
    Authentication => Authentication, "authentication: the server rejected the user or password";
    /// The database does not exist on the server.
    DatabaseNotFound => NotFound, "database-not-found: the database does not exist on the server";
    /// The user may not use the database.
    Permission => Permission, "permission: the user may not use the database";
    /// Anything else (the raw records say what).
    Other => CheckFailed, "other: another cause (the driver's records say what)";
}

/// A classified failure: the class, why it was chosen, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub class: FailureClass,
    /// The record (index into the records) and the signal that decided the class.
    pub evidence: Option<(usize, String)>,
    /// A concrete next step for the admin.
    pub hint: String,
    /// The server answered that it is a standby (Db2 HADR standby, SQL Server mirror or
    /// unreadable availability-group secondary): reachable, but not the primary now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub standby: bool,
}
