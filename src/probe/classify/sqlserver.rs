//! SQL Server through FreeTDS or Microsoft's ODBC drivers.

use super::{Rank, Rec, Signal, hex_after, hint, sig};

// ---------------------------------------------------------------------------------------------
// SQL Server: FreeTDS (docs/odbc-drivers.md) and Microsoft ODBC Driver 17/18 ([documented, not observed]).
// SQL Server's own messages are localised with the server's language, so their numbers count on
// their own.

pub(super) fn sql_server(rec: &Rec) -> Option<Signal> {
    let n = rec.native;
    // [documented] "SSL Provider: [error:0A000086:SSL routines::certificate verify failed…]",
    // "The certificate chain was issued by an authority that is not trusted."
    if rec.has("ssl provider") || rec.has("certificate chain") {
        return Some(sig(Rank::Tls, "SSL Provider / certificate error", hint::TLS));
    }
    // [documented] 954 `The database "x" cannot be opened. It is acting as a mirror database.`;
    // 976 `The target database, 'x', is participating in an availability group and is currently
    // not accessible for queries.` The server is the standby of the pair.
    if matches!(n, 954 | 976)
        || rec.has("acting as a mirror database")
        || rec.has("participating in an availability group")
    {
        return Some(sig(
            Rank::Standby,
            format!("native {n} the database is a mirror or secondary (standby)"),
            hint::STANDBY,
        ));
    }
    // [documented] 4060 `Cannot open database "x" requested by the login. The login failed.`,
    // sent before 18456: the database is missing or the login has no user in it.
    if n == 4060 || rec.has("cannot open database") {
        return Some(sig(
            Rank::DatabaseNotFound,
            format!("native {n} cannot open database"),
            hint::SQLSERVER_DATABASE,
        ));
    }
    // [documented] 916: the server principal is not able to access the database.
    if n == 916 || rec.has("is not able to access the database") {
        return Some(sig(
            Rank::Permission,
            format!("native {n} login cannot access the database"),
            hint::PERMISSION,
        ));
    }
    // [documented] 18456 Login failed for user; 18487/18488 password expired / must be changed;
    // 18452 untrusted domain. FreeTDS: 20014 Login incorrect.
    if matches!(n, 18456 | 18452 | 18487 | 18488) || rec.has("login failed") || rec.has("login incorrect") {
        let expired =
            matches!(n, 18487 | 18488) || (rec.has("password") && rec.has_any(&["expired", "must be changed"]));
        let what = if n > 0 {
            format!("native {n} login failed")
        } else {
            "login failed".to_string()
        };
        return Some(sig(
            Rank::Authentication,
            what,
            if expired { hint::AUTH_EXPIRED } else { hint::AUTH },
        ));
    }
    if rec.has("tcp provider") {
        return Some(tcp_provider(rec));
    }
    // FreeTDS (docs/odbc-drivers.md). English only, so the text decides; the native code is the evidence.
    if n == 20013 || rec.has("unknown host machine name") {
        return Some(sig(
            Rank::Dns,
            format!("native {n} unknown host machine name"),
            hint::DNS,
        ));
    }
    if n == 20017 || rec.has("unexpected eof from the server") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} unexpected EOF from the server"),
            hint::TDS_NOT_SQLSERVER,
        ));
    }
    if n == 20002 || rec.has("adaptive server connection failed") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} adaptive server connection failed"),
            hint::TDS_LOGIN_FAILED,
        ));
    }
    if n == 20003 || rec.has("adaptive server connection timed out") {
        return Some(sig(
            Rank::Timeout,
            format!("native {n} adaptive server connection timed out"),
            hint::TIMEOUT,
        ));
    }
    // FreeTDS's catch-all "could not connect" (also used when the connect times out).
    if n == 20009 || rec.has("adaptive server is unavailable or does not exist") {
        return Some(sig(
            Rank::WeakRefused,
            format!("native {n} adaptive server unavailable"),
            hint::REFUSED,
        ));
    }
    None
}

/// Microsoft's `TCP Provider: Error code 0x…` (a Winsock or errno value in hex).
fn tcp_provider(rec: &Rec) -> Signal {
    let code = hex_after(&rec.msg, "error code 0x");
    let what = match code {
        Some(c) => format!("TCP Provider error code 0x{c:X}"),
        None => "TCP Provider error".to_string(),
    };
    match code {
        // 0x2749 (10057) is what the Linux driver reports for a closed port, next to `HYT00
        // Login timeout expired`; 0x274D = 10061, 0x6F = 111: connection refused.
        Some(0x2749 | 0x274D | 0x6F) => sig(Rank::Refused, format!("{what} (connection refused)"), hint::REFUSED),
        Some(0x274C | 0x6E) => sig(
            Rank::Refused,
            format!("{what} (TCP connect timed out)"),
            hint::CONNECT_TIMEOUT,
        ),
        Some(0x2751 | 0x274B | 0x2743 | 0x71 | 0x65) => {
            sig(Rank::Refused, format!("{what} (no route)"), hint::NO_ROUTE)
        }
        Some(0x2AF9 | 0x2AFA | 0x2AFC) => sig(Rank::Dns, format!("{what} (host not found)"), hint::DNS),
        // 0x102 = 258 WAIT_TIMEOUT: connected, no answer.
        Some(0x102) => sig(Rank::Timeout, format!("{what} (wait timed out)"), hint::TIMEOUT),
        // 0x2746 = 10054, 0x68 = 104: connection reset during the pre-login/TLS exchange.
        Some(0x2746 | 0x68) => sig(
            Rank::Protocol,
            format!("{what} (connection reset)"),
            hint::CONNECTION_RESET,
        ),
        _ if rec.has("timed out") => sig(Rank::Timeout, format!("{what} (timed out)"), hint::TIMEOUT),
        _ => sig(Rank::WeakRefused, what, hint::REFUSED),
    }
}
