//! The driver manager, psqlODBC, SQLite, and what any driver may say.

use super::{Rank, Rec, Signal, hint, sig, state_label};
use crate::probe::Stage;

// ---------------------------------------------------------------------------------------------
// unixODBC driver manager (docs/odbc-drivers.md)

pub(super) fn driver_manager(stage: Stage, rec: &Rec) -> Option<Signal> {
    if rec.has_any(&["can't open lib", "cannot open lib"]) {
        // observed: `01000 [unixODBC][Driver Manager]Can't open lib 'NoSuchDriver' : file not found`.
        // A dependency of the library missing reads `... : libxml2-….so.2: cannot open shared
        // object file: No such file or directory`.
        return Some(
            if rec.has_any(&["cannot open shared object file", "undefined symbol", "wrong elf class"]) {
                sig(
                    Rank::DriverMissing,
                    "\"Can't open lib\": a library the driver needs cannot be loaded",
                    hint::DRIVER_DEPENDENCY,
                )
            } else {
                sig(
                    Rank::DriverMissing,
                    "\"Can't open lib\": driver library not found",
                    hint::DRIVER_NOT_FOUND,
                )
            },
        );
    }
    if rec.state == "IM002" || rec.has("data source name not found") {
        return Some(sig(
            Rank::DriverMissing,
            "IM002 data source name not found",
            hint::DSN_NOT_FOUND,
        ));
    }
    if rec.state == "IM003" || rec.has("specified driver could not be loaded") {
        return Some(sig(
            Rank::DriverMissing,
            "IM003 driver could not be loaded",
            hint::DRIVER_INIT,
        ));
    }
    if matches!(rec.state.as_str(), "IM004" | "IM005") || rec.has("sqlallochandle on sql_handle_") {
        return Some(sig(
            Rank::DriverMissing,
            format!("{} driver's SQLAllocHandle failed", state_label(&rec.state)),
            hint::DRIVER_INIT,
        ));
    }
    // odbc-api's UnsupportedOdbcApiVersion: SQLSetEnvAttr(SQL_ATTR_ODBC_VERSION) rejected.
    // At other stages these SQLSTATEs are ordinary attribute errors.
    if stage == Stage::Environment && matches!(rec.state.as_str(), "S1009" | "HY024") {
        return Some(sig(
            Rank::DriverManager,
            format!("{} from SQLSetEnvAttr: ODBC version rejected", rec.state),
            hint::DRIVER_MANAGER_OLD,
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// psqlODBC (docs/odbc-drivers.md): every failure is `08001/101`; only the libpq message tells.

pub(super) fn postgres(rec: &Rec) -> Option<Signal> {
    if rec.has("password authentication failed") {
        return Some(sig(
            Rank::Authentication,
            "\"password authentication failed\"",
            hint::AUTH,
        ));
    }
    if rec.has("role \"") && rec.has("does not exist") {
        return Some(sig(Rank::Authentication, "\"role … does not exist\"", hint::AUTH));
    }
    if rec.has("database \"") && rec.has("does not exist") {
        return Some(sig(
            Rank::DatabaseNotFound,
            "\"database … does not exist\"",
            hint::DATABASE,
        ));
    }
    if rec.has("pg_hba.conf") {
        return Some(sig(Rank::Permission, "\"no pg_hba.conf entry\"", hint::PG_HBA));
    }
    if rec.has("permission denied for database") {
        return Some(sig(
            Rank::Permission,
            "\"permission denied for database\"",
            hint::PERMISSION,
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// SQLite ODBC (docs/odbc-drivers.md): `HY000/14 [SQLite]connect failed` (missing directory, or missing file
// with NoCreat=1); `HY000/26 [SQLite]file is not a database (26)` on the first query.

pub(super) fn sqlite(rec: &Rec) -> Option<Signal> {
    if !rec.has("[sqlite]") {
        return None;
    }
    if rec.native == 14 || rec.has("connect failed") {
        return Some(sig(
            Rank::DatabaseNotFound,
            "SQLite native 14 cannot open the database file",
            hint::SQLITE_OPEN,
        ));
    }
    if rec.native == 26 || rec.has("file is not a database") {
        return Some(sig(
            Rank::Protocol,
            "SQLite native 26 file is not a database",
            hint::SQLITE_NOT_A_DATABASE,
        ));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Any driver: well-known phrases, then the SQLSTATE alone.

pub(super) fn generic_text(rec: &Rec) -> Option<Signal> {
    if rec.has_any(&[
        "name or service not known",
        "could not translate host name",
        "unknown host",
        "host not found",
        "temporary failure in name resolution",
        "nodename nor servname",
        "no such host is known",
        "could not resolve host",
    ]) {
        return Some(sig(Rank::Dns, "message: host name not resolved", hint::DNS));
    }
    if rec.has_word("ssl")
        || rec.has_word("tls")
        || rec.has_word("openssl")
        || rec.has("certificate")
        || rec.has("gskit")
    {
        return Some(sig(Rank::Tls, "message mentions SSL/TLS or a certificate", hint::TLS));
    }
    if rec.has_any(&[
        "authentication failed",
        "invalid password",
        "password is not correct",
        "password is incorrect",
    ]) {
        return Some(sig(Rank::Authentication, "message: authentication failed", hint::AUTH));
    }
    if rec.has_any(&["permission denied", "not authorized", "insufficient privilege"]) {
        return Some(sig(Rank::Permission, "message: permission denied", hint::PERMISSION));
    }
    if rec.has("connection refused") {
        return Some(sig(Rank::Refused, "message: connection refused", hint::REFUSED));
    }
    if rec.has_any(&["no route to host", "network is unreachable", "host is unreachable"]) {
        return Some(sig(Rank::Refused, "message: no route to host", hint::NO_ROUTE));
    }
    // psqlODBC `… failed: timeout expired`, FreeTDS `Timeout expired`, Microsoft `Login timeout
    // expired`, IBM i `Connection login timed out.` Weak: Microsoft's driver says it for closed
    // ports too.
    if rec.has_any(&["timeout expired", "timed out"]) {
        return Some(sig(
            Rank::WeakTimeout,
            format!("{} \"timeout expired\"", state_label(&rec.state)),
            hint::TIMEOUT_WEAK,
        ));
    }
    None
}

pub(super) fn generic_state(rec: &Rec) -> Option<Signal> {
    Some(match rec.state.as_str() {
        "28000" | "28P01" => sig(
            Rank::Authentication,
            format!("SQLSTATE {} invalid authorization", rec.state),
            hint::AUTH,
        ),
        "3D000" => sig(
            Rank::DatabaseNotFound,
            "SQLSTATE 3D000 invalid catalog name",
            hint::DATABASE,
        ),
        "42501" => sig(
            Rank::Permission,
            "SQLSTATE 42501 insufficient privilege",
            hint::PERMISSION,
        ),
        "HYT00" | "HYT01" => sig(
            Rank::WeakTimeout,
            format!("SQLSTATE {} timeout", rec.state),
            hint::TIMEOUT_WEAK,
        ),
        _ => return None,
    })
}
