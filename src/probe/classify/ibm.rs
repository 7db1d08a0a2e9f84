//! The IBM drivers: the Db2 CLI driver (Db2, and Derby network servers answering for Db2)
//! and IBM i Access.

use super::{
    ECONNREFUSED, ETIMEDOUT, EUNREACH, Rank, Rec, Signal, hint, number_after, quoted, quoted_after, sig, token,
};

// ---------------------------------------------------------------------------------------------
// IBM Data Server Driver for ODBC and CLI (Db2, and Derby network servers)

/// The Db2 SQLCODE: a negative native code, or the `SQLnnnnN` token of the message.
fn db2_code(rec: &Rec) -> Option<i32> {
    if rec.native < 0 {
        return Some(rec.native);
    }
    let b = rec.msg.as_bytes();
    rec.msg.match_indices("sql").find_map(|(at, _)| {
        let start = at + 3;
        let digits = b.get(start..)?.iter().take_while(|c| c.is_ascii_digit()).count();
        let end = start + digits;
        let ok = (4..=5).contains(&digits)
            && b.get(end) == Some(&b'n')
            && !b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
            && !at
                .checked_sub(1)
                .and_then(|i| b.get(i))
                .is_some_and(u8::is_ascii_alphanumeric);
        if !ok {
            return None;
        }
        rec.msg.get(start..end)?.parse::<i32>().ok().map(|n| -n)
    })
}

pub(super) fn db2(rec: &Rec) -> Option<Signal> {
    let Some(code) = db2_code(rec) else {
        return (rec.state == "58009")
            .then(|| sig(Rank::Protocol, "SQLSTATE 58009 DRDA protocol error", hint::DB2_PROTOCOL));
    };
    let label = if rec.native == code {
        format!("native {code}")
    } else {
        format!("SQL{}N", code.unsigned_abs())
    };
    Some(match code {
        -30082 => db2_security(rec, &label),
        -30081 => db2_communication(rec, &label),
        // observed: `08004 SQL30061N The database alias or database name "NOSUCHDB  " was not found
        // at the remote node.`
        -30061 => sig(
            Rank::DatabaseNotFound,
            format!("{label} database not found at the remote node"),
            hint::DB2_DATABASE,
        ),
        // [documented, not observed] SQL1776N reason 1: the database is an HADR standby (it takes
        // no connections unless reads on standby are enabled).
        -1776 => sig(
            Rank::Standby,
            format!("{label} the database is an HADR standby"),
            hint::STANDBY,
        ),
        // [documented, not observed] SQL1013N: alias or database name could not be found.
        -1013 => sig(
            Rank::DatabaseNotFound,
            format!("{label} database alias or name not found"),
            hint::DB2_DATABASE,
        ),
        // observed: `08001 SQL1336N The remote host "nosuchhost.invalid" was not found.`
        -1336 => sig(Rank::Dns, format!("{label} remote host not found"), hint::DNS),
        // observed: SQL1531N, the DSN exists only in odbc.ini, which the IBM driver does not read.
        -1531 => sig(
            Rank::Config,
            format!("{label} DSN not in db2dsdriver.cfg or db2cli.ini"),
            hint::DB2_DSN,
        ),
        // [documented, not observed] SQL1598N licensing problem (Db2 for z/OS, IBM i).
        -1598 => sig(
            Rank::Config,
            format!("{label} Db2 Connect licence missing"),
            hint::DB2_LICENSE,
        ),
        // observed: `SQL30020N ... syntax error in the communication data stream ... SQLSTATE=58009`
        // (stock Derby rejecting the IBM client).
        -30020 => sig(
            Rank::Protocol,
            format!("{label} DRDA protocol error"),
            hint::DB2_PROTOCOL,
        ),
        // [documented, not observed] SQL1060N: no CONNECT privilege; SQL0551N: no privilege.
        -1060 => sig(
            Rank::Permission,
            format!("{label} no CONNECT privilege"),
            hint::DB2_CONNECT_PRIVILEGE,
        ),
        -551 => sig(Rank::Permission, format!("{label} missing privilege"), hint::PERMISSION),
        _ if rec.state == "58009" => sig(
            Rank::Protocol,
            format!("{label} SQLSTATE 58009 DRDA protocol error"),
            hint::DB2_PROTOCOL,
        ),
        _ => return None,
    })
}

/// SQL30082N reason codes (IBM: "CONNECTION FAILED FOR SECURITY REASON").
fn db2_security(rec: &Rec, label: &str) -> Signal {
    let reason = quoted(&rec.msg, "reason").and_then(|s| s.trim().parse::<u32>().ok());
    let name = match reason {
        Some(1) => "PASSWORD EXPIRED",
        Some(2) => "PASSWORD INVALID",
        Some(3) => "PASSWORD MISSING",
        Some(5) => "USERID MISSING",
        Some(6) => "USERID INVALID",
        Some(7) => "USERID REVOKED",
        Some(17) => "UNSUPPORTED FUNCTION",
        Some(19) => "USERID DISABLED or RESTRICTED",
        Some(24) => "USERNAME AND/OR PASSWORD INVALID",
        _ => "",
    };
    let what = match reason {
        Some(n) if name.is_empty() => format!("{label} reason {n}"),
        Some(n) => format!("{label} reason {n} ({name})"),
        None => format!("{label} security processing failed (no reason code)"),
    };
    match reason {
        // observed: reason 24 for a wrong password and for an unknown user (Derby, Authentication=SERVER).
        Some(2 | 6 | 24) | None => sig(Rank::Authentication, what, hint::AUTH),
        // [documented, not observed]
        Some(1) => sig(Rank::Authentication, what, hint::AUTH_EXPIRED),
        Some(3 | 5) => sig(Rank::Authentication, what, hint::AUTH_MISSING),
        Some(7 | 19) => sig(Rank::Authentication, what, hint::AUTH_LOCKED),
        // observed: reason 17 whenever the driver negotiates an encrypted mechanism with Derby.
        Some(17) => sig(Rank::Protocol, what, hint::DB2_MECHANISM),
        Some(_) => sig(Rank::Protocol, what, hint::DB2_SECURITY),
    }
}

/// SQL30081N: `Communication function detecting the error: "connect". Protocol specific error
/// code(s): "111", "*", "*".` The function tells the phase; the first code is the errno.
fn db2_communication(rec: &Rec, label: &str) -> Signal {
    let function_at = quoted_after(&rec.msg, "function detecting the error:");
    let function = function_at.clone().and_then(|r| rec.msg.get(r)).unwrap_or("");
    let function_name = token(function_at.and_then(|r| rec.raw.get(r)).unwrap_or(""));
    let errno = quoted(&rec.msg, "error code(s):").and_then(|s| s.trim().parse::<i64>().ok());
    let protocol = quoted(&rec.msg, "protocol being used:").unwrap_or("");
    let what = match errno {
        Some(e) => format!("{label} function \"{function_name}\", code {e}"),
        None => format!("{label} function \"{function_name}\""),
    };
    let is = |set: &[i64]| errno.is_some_and(|e| set.contains(&e));
    if is(ECONNREFUSED) {
        // observed: closed port, function "connect", code "111".
        return sig(Rank::Refused, format!("{what} (connection refused)"), hint::REFUSED);
    }
    if is(EUNREACH) {
        return sig(Rank::Refused, format!("{what} (no route to host)"), hint::NO_ROUTE);
    }
    if function.contains("ssl") || function.contains("gsk") || rec.has("gskit") || protocol == "ssl" {
        // [documented, not observed] e.g. function "sqlccSSLSocketSetup", GSKit rc "414".
        return sig(Rank::Tls, format!("{what} (TLS/GSKit)"), hint::DB2_TLS);
    }
    match function {
        // observed: a *closed* port with ConnectTimeout set reports "selectForConnectTimeout", "115"
        // (the driver's non-blocking connect never completed). Nothing accepted the connection,
        // so this is `Refused`, whatever the function name says.
        "selectforconnecttimeout" => sig(
            Rank::Refused,
            format!("{what} (TCP connect did not complete)"),
            hint::DB2_CONNECT,
        ),
        // observed: silent listener (accepts, never answers): "selectForRecvTimeout", "115".
        "selectforrecvtimeout" => sig(
            Rank::Timeout,
            format!("{what} (no answer after connect)"),
            hint::TIMEOUT,
        ),
        "connect" if is(ETIMEDOUT) => sig(
            Rank::Refused,
            format!("{what} (TCP connect timed out)"),
            hint::CONNECT_TIMEOUT,
        ),
        "connect" => sig(Rank::Refused, what, hint::REFUSED),
        "recv" | "send" | "read" | "write" if is(ETIMEDOUT) => sig(Rank::Timeout, what, hint::TIMEOUT),
        "recv" | "send" | "read" | "write" => sig(
            Rank::Protocol,
            format!("{what} (connection closed by the server)"),
            hint::DB2_CLOSED,
        ),
        _ => sig(
            Rank::WeakRefused,
            format!("{what} (communication error)"),
            hint::REFUSED,
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// IBM i Access ODBC Driver [documented, not observed]: `Communication link failure. comm
// rc=8002 - CWBSY0002 - Password for user … is not correct`, `comm rc=10060 - CWBCO1048 - A
// firewall blockage or time-out occurred trying to connect to the IBM i`, `comm rc=11001 -
// CWBCO1004 - Remote address could not be resolved`.

/// IBM i Access message ids with a fixed meaning: (id, rank, meaning, hint).
const IBM_I: &[(&str, Rank, &str, &str)] = &[
    ("cwbsy0001", Rank::Authentication, "user ID unknown", hint::AUTH),
    ("cwbsy0002", Rank::Authentication, "password not correct", hint::AUTH),
    (
        "cwbsy0003",
        Rank::Authentication,
        "password expired",
        hint::AUTH_EXPIRED,
    ),
    (
        "cwbco1004",
        Rank::Dns,
        "remote address could not be resolved",
        hint::DNS,
    ),
    (
        "cwbco1048",
        Rank::Refused,
        "firewall blockage or connect time-out",
        hint::CONNECT_TIMEOUT,
    ),
    (
        "cwbco1054",
        Rank::Timeout,
        "time-out sending or receiving",
        hint::TIMEOUT,
    ),
    (
        "cwbco1047",
        Rank::Protocol,
        "server application disconnected",
        hint::IBMI_DISCONNECTED,
    ),
];

pub(super) fn ibm_i(rec: &Rec) -> Option<Signal> {
    let rc = number_after(&rec.msg, "comm rc=").or_else(|| number_after(&rec.msg, "returned"));
    let what = |id: &str, text: &str| match rc {
        Some(rc) => format!("{} comm rc={rc} ({text})", id.to_ascii_uppercase()),
        None => format!("{} ({text})", id.to_ascii_uppercase()),
    };
    if let Some(&(id, rank, text, hint)) = IBM_I.iter().find(|(id, ..)| rec.has(id)) {
        return Some(sig(rank, what(id, text), hint));
    }
    // CWBCO1003 "Sockets error, function … returned N": the Winsock/errno value decides.
    if rec.has("cwbco1003") {
        let e = rc.unwrap_or(0);
        let (rank, text, hint) = if ECONNREFUSED.contains(&e) {
            (Rank::Refused, "connection refused", hint::REFUSED)
        } else if ETIMEDOUT.contains(&e) {
            (Rank::Refused, "TCP connect timed out", hint::CONNECT_TIMEOUT)
        } else if EUNREACH.contains(&e) || e == 10064 {
            (Rank::Refused, "no route to host", hint::NO_ROUTE)
        } else if (11001..=11004).contains(&e) {
            (Rank::Dns, "host not found", hint::DNS)
        } else {
            (Rank::WeakRefused, "sockets error", hint::REFUSED)
        };
        return Some(sig(rank, what("cwbco1003", text), hint));
    }
    if rec.has("sql0114") || (rec.has("relational database") && rec.has("not found")) {
        return Some(sig(
            Rank::DatabaseNotFound,
            "SQL0114 relational database (RDB) name not known",
            hint::IBMI_RDB,
        ));
    }
    None
}
