//! Why a connection attempt failed, decided from *every* diagnostic record the driver left.
//!
//! Drivers disagree on where the cause is. FreeTDS puts a generic `08001 Unable to connect to
//! data source` first and the cause in records 2–3; the Db2 CLI driver reports a wrong password
//! as SQLSTATE `08001` (native -30082, reason 24); psqlODBC reports everything as `08001/101`;
//! Microsoft's driver adds `HYT00 Login timeout expired` even when the port was simply closed.
//! So each record is read on its own (driver rules first, then generic message text, then the
//! bare SQLSTATE) and yields one `Signal` with a `Rank`; the best rank wins, and among equal
//! ranks the earliest record.
//!
//! Two words mean something precise here:
//! - **refused**: no TCP connection was established: refused, no route, or the TCP connect
//!   itself did not complete (a firewall dropping packets). The admin checks host, port,
//!   server and firewall.
//! - **timeout**: the TCP connection was up (or the driver only says "login timeout"), but the
//!   server did not finish the login in time. The admin checks that the port belongs to the
//!   database (not a TLS or other service port) and raises `timeout=`.
//!
//! Hints are fixed texts: no part of a driver message, connection string or password is ever
//! copied into one. Evidence strings carry only SQLSTATEs, native codes and short codes parsed
//! from the message (a Db2 reason code, an errno, a function name reduced to `[A-Za-z0-9_]`).
//!
//! Sources: rows marked *lab* were observed on this machine (`reference/odbc-lab.md` §3–§9);
//! rows marked *[documented, not observed]* come from vendor documentation and public reports.

use super::{DiagRecord, FailureClass, Stage, Verdict};
use std::ops::Range;

impl FailureClass {
    /// Every class, in the order of the README's description.
    pub const ALL: [FailureClass; 10] = [
        FailureClass::DriverMissing,
        FailureClass::DriverManager,
        FailureClass::Dns,
        FailureClass::Refused,
        FailureClass::Timeout,
        FailureClass::Tls,
        FailureClass::Authentication,
        FailureClass::DatabaseNotFound,
        FailureClass::Permission,
        FailureClass::Other,
    ];

    /// The class's report name (as serialised) and a one-line description.
    pub fn describe(self) -> &'static str {
        match self {
            FailureClass::DriverMissing => {
                "driver-missing: no ODBC driver for the database, or its library cannot be loaded"
            }
            FailureClass::DriverManager => "driver-manager: the ODBC driver manager (unixODBC) failed or is too old",
            FailureClass::Dns => "dns: the database host name does not resolve",
            FailureClass::Refused => {
                "refused: no TCP connection to the database port (refused, unreachable or filtered)"
            }
            FailureClass::Timeout => "timeout: no answer from the server within the time limit",
            FailureClass::Tls => "tls: TLS handshake or certificate failure",
            FailureClass::Authentication => "authentication: the server rejected the user or password",
            FailureClass::DatabaseNotFound => "database-not-found: the database does not exist on the server",
            FailureClass::Permission => "permission: the user may not use the database",
            FailureClass::Other => "other: another cause (the driver's records say what)",
        }
    }
}

/// Classifies a failed attempt. `records` are in the order the driver returned them; `stage`
/// says where it stopped.
pub fn classify(stage: Stage, records: &[DiagRecord]) -> Verdict {
    if stage == Stage::Watchdog {
        // Whatever the driver said before it was killed, the deciding fact is the deadline.
        return Verdict {
            class: FailureClass::Timeout,
            evidence: None,
            hint: hint::WATCHDOG.to_string(),
        };
    }
    let best = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i, signal(stage, r)))
        .min_by_key(|(i, s)| (s.rank, *i));
    match (stage, best) {
        (Stage::Environment, Some((i, s))) if matches!(s.rank, Rank::DriverMissing | Rank::DriverManager) => {
            verdict(i, s)
        }
        // Allocating the environment touches no network and no driver: whatever the records
        // say, the driver manager failed.
        (Stage::Environment, _) => Verdict {
            class: FailureClass::DriverManager,
            evidence: records
                .first()
                .map(|r| (0, format!("{} during environment allocation", code(r)))),
            hint: hint::DRIVER_MANAGER.to_string(),
        },
        (_, Some((i, s))) => verdict(i, s),
        (_, None) => Verdict {
            class: FailureClass::Other,
            evidence: None,
            hint: hint::NO_RECORDS.to_string(),
        },
    }
}

fn verdict(index: usize, s: Signal) -> Verdict {
    Verdict {
        class: s.rank.class(),
        evidence: Some((index, s.what)),
        hint: s.hint.to_string(),
    }
}

/// Priority, best first. The order answers "if two records disagree, which one explains the
/// failure?":
/// 1. `DriverMissing`, `DriverManager`, `Config`: local problems. If the driver cannot load or
///    the DSN is not configured, nothing reached the network and every other record is noise.
/// 2. `Dns`: without an address there was no server to talk to; a "cannot connect" or timeout
///    record next to it (FreeTDS: `08001` + `20013`) is a consequence.
/// 3. `Tls` … `Authentication`: the server answered. `Tls` comes first because the handshake
///    precedes the login (Microsoft's TLS errors say "during the login process").
///    `DatabaseNotFound` and `Permission` come before `Authentication` because SQL Server sends
///    `4060 Cannot open database … The login failed.` *followed by* `18456 Login failed for
///    user`: the password was right (a wrong one yields 18456 alone), the database was not.
/// 4. `Protocol`: the server answered, but not as expected (security mechanism, DRDA syntax
///    error, not a TDS server). It proves the port is open, so it beats timeout and refused.
/// 5. `Timeout` before `Refused`: a specific timeout (Db2 `selectForRecvTimeout`, MariaDB 2013
///    with errno 110, `TCP Provider: Error code 0x102`) means the attempt got further than a
///    refused one would have.
/// 6. Weak signals, only when nothing specific was found: a bare `HYT00`/"timeout expired"
///    (Microsoft's driver adds `HYT00 Login timeout expired` to a *closed* port, next to
///    `TCP Provider: Error code 0x2749`), FreeTDS's catch-all 20009, then anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    DriverMissing,
    DriverManager,
    /// Local driver configuration (Db2 DSN not in db2cli.ini, Db2 Connect licence): `Other`.
    Config,
    Dns,
    Tls,
    DatabaseNotFound,
    Permission,
    Authentication,
    /// The server answered, but not as the driver expected: `Other`.
    Protocol,
    Timeout,
    Refused,
    WeakTimeout,
    WeakRefused,
    /// A record with no known signal: `Other`.
    Unknown,
}

impl Rank {
    fn class(self) -> FailureClass {
        match self {
            Rank::DriverMissing => FailureClass::DriverMissing,
            Rank::DriverManager => FailureClass::DriverManager,
            Rank::Dns => FailureClass::Dns,
            Rank::Tls => FailureClass::Tls,
            Rank::DatabaseNotFound => FailureClass::DatabaseNotFound,
            Rank::Permission => FailureClass::Permission,
            Rank::Authentication => FailureClass::Authentication,
            Rank::Timeout | Rank::WeakTimeout => FailureClass::Timeout,
            Rank::Refused | Rank::WeakRefused => FailureClass::Refused,
            Rank::Config | Rank::Protocol | Rank::Unknown => FailureClass::Other,
        }
    }
}

/// What one record says.
struct Signal {
    rank: Rank,
    /// A short description of the signal, for the evidence.
    what: String,
    hint: &'static str,
}

fn sig(rank: Rank, what: impl Into<String>, hint: &'static str) -> Signal {
    Signal {
        rank,
        what: what.into(),
        hint,
    }
}

/// A record prepared for matching: the SQLSTATE reduced to `[A-Z0-9]`, and the message in ASCII
/// lower case (byte offsets and char boundaries stay those of `raw`).
struct Rec {
    state: String,
    native: i32,
    msg: String,
    /// The message as given, for the original spelling of a parsed token.
    raw: String,
}

impl Rec {
    fn new(r: &DiagRecord) -> Rec {
        let state = r
            .state
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(5)
            .collect::<String>();
        Rec {
            state: state.to_ascii_uppercase(),
            native: r.native,
            msg: r.message.to_ascii_lowercase(),
            raw: r.message.clone(),
        }
    }

    fn has(&self, needle: &str) -> bool {
        self.msg.contains(needle)
    }

    fn has_any(&self, needles: &[&str]) -> bool {
        needles.iter().any(|n| self.msg.contains(n))
    }

    /// `needle` as a word: not preceded or followed by a letter or digit ("SSL routines",
    /// "SSL_connect", but not "classless").
    fn has_word(&self, needle: &str) -> bool {
        let b = self.msg.as_bytes();
        self.msg.match_indices(needle).any(|(at, m)| {
            let before = at.checked_sub(1).and_then(|i| b.get(i));
            let after = b.get(at + m.len());
            !before.is_some_and(u8::is_ascii_alphanumeric) && !after.is_some_and(u8::is_ascii_alphanumeric)
        })
    }
}

fn state_label(state: &str) -> &str {
    if state.is_empty() { "(no SQLSTATE)" } else { state }
}

/// `SQLSTATE 08001, native 0`, for records that decide nothing specific.
fn code(r: &DiagRecord) -> String {
    let rec = Rec::new(r);
    format!("SQLSTATE {}, native {}", state_label(&rec.state), rec.native)
}

fn signal(stage: Stage, r: &DiagRecord) -> Signal {
    let rec = Rec::new(r);
    driver_manager(stage, &rec)
        .or_else(|| db2(&rec))
        .or_else(|| ibm_i(&rec))
        .or_else(|| mysql(&rec))
        .or_else(|| sql_server(&rec))
        .or_else(|| postgres(&rec))
        .or_else(|| sqlite(&rec))
        .or_else(|| generic_text(&rec))
        .or_else(|| generic_state(&rec))
        .unwrap_or_else(|| {
            sig(
                Rank::Unknown,
                format!(
                    "SQLSTATE {}, native {}: no known signal",
                    state_label(&rec.state),
                    rec.native
                ),
                hint::UNKNOWN,
            )
        })
}

// ---------------------------------------------------------------------------------------------
// unixODBC driver manager (lab: §4.4, peers §1b)

fn driver_manager(stage: Stage, rec: &Rec) -> Option<Signal> {
    if rec.has_any(&["can't open lib", "cannot open lib"]) {
        // lab: `01000 [unixODBC][Driver Manager]Can't open lib 'NoSuchDriver' : file not found`.
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

fn db2(rec: &Rec) -> Option<Signal> {
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
        // lab: `08004 SQL30061N The database alias or database name "NOSUCHDB  " was not found
        // at the remote node.`
        -30061 => sig(
            Rank::DatabaseNotFound,
            format!("{label} database not found at the remote node"),
            hint::DB2_DATABASE,
        ),
        // [documented, not observed] SQL1013N: alias or database name could not be found.
        -1013 => sig(
            Rank::DatabaseNotFound,
            format!("{label} database alias or name not found"),
            hint::DB2_DATABASE,
        ),
        // lab: `08001 SQL1336N The remote host "nosuchhost.invalid" was not found.`
        -1336 => sig(Rank::Dns, format!("{label} remote host not found"), hint::DNS),
        // lab: SQL1531N, the DSN exists only in odbc.ini, which the IBM driver does not read.
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
        // lab: `SQL30020N ... syntax error in the communication data stream ... SQLSTATE=58009`
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

/// Where the text between the quotes that follow `key` is (only blanks in between), e.g. the
/// `24` of `reason "24"`.
fn quoted_after(msg: &str, key: &str) -> Option<Range<usize>> {
    let at = msg.find(key)? + key.len();
    let rest = msg.get(at..)?;
    let open = at + (rest.len() - rest.trim_start().len());
    if msg.as_bytes().get(open) != Some(&b'"') {
        return None;
    }
    let len = msg.get(open + 1..)?.find('"')?;
    Some(open + 1..open + 1 + len)
}

fn quoted<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    msg.get(quoted_after(msg, key)?)
}

/// A parsed token reduced to `[A-Za-z0-9_]`, at most 40 characters, for evidence strings.
fn token(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect()
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
        // lab: reason 24 for a wrong password and for an unknown user (Derby, Authentication=SERVER).
        Some(2 | 6 | 24) | None => sig(Rank::Authentication, what, hint::AUTH),
        // [documented, not observed]
        Some(1) => sig(Rank::Authentication, what, hint::AUTH_EXPIRED),
        Some(3 | 5) => sig(Rank::Authentication, what, hint::AUTH_MISSING),
        Some(7 | 19) => sig(Rank::Authentication, what, hint::AUTH_LOCKED),
        // lab: reason 17 whenever the driver negotiates an encrypted mechanism with Derby.
        Some(17) => sig(Rank::Protocol, what, hint::DB2_MECHANISM),
        Some(_) => sig(Rank::Protocol, what, hint::DB2_SECURITY),
    }
}

const ECONNREFUSED: &[i64] = &[111, 79, 61, 10061]; // Linux, AIX, BSD/macOS, Windows
const EUNREACH: &[i64] = &[113, 101, 65, 51, 10065, 10051]; // EHOSTUNREACH, ENETUNREACH
const ETIMEDOUT: &[i64] = &[110, 78, 60, 10060];

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
        // lab: closed port, function "connect", code "111".
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
        // lab: a *closed* port with ConnectTimeout set reports "selectForConnectTimeout", "115"
        // (the driver's non-blocking connect never completed). Nothing accepted the connection,
        // so this is `Refused`, whatever the function name says.
        "selectforconnecttimeout" => sig(
            Rank::Refused,
            format!("{what} (TCP connect did not complete)"),
            hint::DB2_CONNECT,
        ),
        // lab: silent listener (accepts, never answers): "selectForRecvTimeout", "115".
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

fn ibm_i(rec: &Rec) -> Option<Signal> {
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

/// The decimal number (optionally negative) right after `key` and optional blanks.
fn number_after(msg: &str, key: &str) -> Option<i64> {
    let at = msg.find(key)?;
    let rest = msg.get(at + key.len()..)?.trim_start();
    let neg = rest.starts_with('-');
    let digits = rest.get(usize::from(neg)..)?;
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 9 {
        return None;
    }
    let v = digits.get(..n)?.parse::<i64>().ok()?;
    Some(if neg { -v } else { v })
}

// ---------------------------------------------------------------------------------------------
// MariaDB Connector/ODBC (lab §6) and MySQL Connector/ODBC ([documented, not observed]); the
// client error numbers (2002, 2003, 2005, 2013, 2026) and server ones (1044, 1045, 1049) are the
// same in both. Server messages may be localised (lc_messages), so the server numbers also count
// on their own with their usual SQLSTATE.

fn mysql(rec: &Rec) -> Option<Signal> {
    let n = rec.native;
    let st = rec.state.as_str();
    // lab: `42000/1044 Access denied for user 'app'@'127.0.0.1' to database 'nosuchdb'` — what a
    // user without global privileges gets for a database that does not exist.
    if (rec.has("access denied for user") && rec.has("to database")) || (n == 1044 && st == "42000") {
        return Some(sig(
            Rank::Permission,
            format!("native {n} access denied to database"),
            hint::MYSQL_DATABASE_DENIED,
        ));
    }
    // lab: `28000/1045 [ma-3.1.15]Access denied for user 'app'@'127.0.0.1' (using password: YES)`.
    if rec.has("access denied for user") || (n == 1045 && st == "28000") {
        return Some(sig(
            Rank::Authentication,
            format!("native {n} access denied for user"),
            hint::AUTH,
        ));
    }
    // lab: `42000/1049 Unknown database 'nosuchdb'`.
    if rec.has("unknown database") || (n == 1049 && st == "42000") {
        return Some(sig(
            Rank::DatabaseNotFound,
            format!("native {n} unknown database"),
            hint::DATABASE,
        ));
    }
    // [documented, not observed] 1130: Host '…' is not allowed to connect to this … server.
    if rec.has("is not allowed to connect to this") {
        return Some(sig(
            Rank::Permission,
            format!("native {n} host not allowed to connect"),
            hint::MYSQL_HOST_DENIED,
        ));
    }
    // [documented, not observed] 1129: Host '…' is blocked because of many connection errors.
    if rec.has("is blocked because of many connection errors") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} host blocked"),
            hint::MYSQL_HOST_BLOCKED,
        ));
    }
    // [documented, not observed] 2026 SSL connection error.
    if rec.has("ssl connection error") {
        return Some(sig(Rank::Tls, format!("native {n} SSL connection error"), hint::TLS));
    }
    // lab: `HY000/2005 Unknown server host 'nosuchhost.invalid' (-2)`; MySQL says "Unknown MySQL
    // server host".
    if rec.has("unknown") && rec.has("server host") {
        return Some(sig(Rank::Dns, format!("native {n} unknown server host"), hint::DNS));
    }
    // lab: `HY000/2002 Can't connect to server on '127.0.0.1' (115)` for a closed port (115:
    // the non-blocking connect's EINPROGRESS); MySQL: 2003 `Can't connect to MySQL server on
    // 'host:3306' (111)`.
    if rec.has("can't connect to") {
        let errno = paren_number(&rec.msg);
        let what = match errno {
            Some(e) => format!("native {n} can't connect (errno {e})"),
            None => format!("native {n} can't connect"),
        };
        return Some(match errno {
            Some(e) if EUNREACH.contains(&e) => sig(Rank::Refused, what, hint::NO_ROUTE),
            Some(e) if ETIMEDOUT.contains(&e) => sig(Rank::Refused, what, hint::CONNECT_TIMEOUT),
            _ => sig(Rank::Refused, what, hint::REFUSED),
        });
    }
    // lab: `08S01/2013 Lost connection to server at 'handshake: reading initial communication
    // packet', system error: 110` (silent listener with CONN_TIMEOUT=3). Another errno (0, 104)
    // means the server hung up, which is not a timeout.
    if rec.has("lost connection to") {
        let errno = number_after(&rec.msg, "system error:");
        return Some(match errno {
            Some(e) if ETIMEDOUT.contains(&e) => sig(
                Rank::Timeout,
                format!("native {n} lost connection during handshake (errno {e})"),
                hint::TIMEOUT,
            ),
            Some(e) => sig(
                Rank::Protocol,
                format!("native {n} lost connection during handshake (errno {e})"),
                hint::MYSQL_HANDSHAKE,
            ),
            None if rec.has("timed out") || rec.has("timeout") => sig(
                Rank::Timeout,
                format!("native {n} lost connection (timeout)"),
                hint::TIMEOUT,
            ),
            None => sig(Rank::WeakTimeout, format!("native {n} lost connection"), hint::TIMEOUT),
        });
    }
    // [documented, not observed] 2059 plugin cannot be loaded; 1251 client does not support
    // the authentication protocol.
    if rec.has("authentication plugin") || rec.has("authentication protocol requested") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} authentication plugin not usable"),
            hint::MYSQL_PLUGIN,
        ));
    }
    None
}

/// The number in the last `(…)` of a message: `… on '127.0.0.1' (115)` → 115.
fn paren_number(msg: &str) -> Option<i64> {
    let open = msg.rfind('(')?;
    let inner = msg.get(open + 1..)?;
    let close = inner.find(')')?;
    inner.get(..close)?.trim().parse::<i64>().ok()
}

// ---------------------------------------------------------------------------------------------
// SQL Server: FreeTDS (lab §7) and Microsoft ODBC Driver 17/18 ([documented, not observed]).
// SQL Server's own messages are localised with the server's language, so their numbers count on
// their own.

fn sql_server(rec: &Rec) -> Option<Signal> {
    let n = rec.native;
    // [documented] "SSL Provider: [error:0A000086:SSL routines::certificate verify failed…]",
    // "The certificate chain was issued by an authority that is not trusted."
    if rec.has("ssl provider") || rec.has("certificate chain") {
        return Some(sig(Rank::Tls, "SSL Provider / certificate error", hint::TLS));
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
    // FreeTDS (lab). English only, so the text decides; the native code is the evidence.
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

fn hex_after(msg: &str, key: &str) -> Option<u32> {
    let at = msg.find(key)?;
    let rest = msg.get(at + key.len()..)?;
    let n = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
    if n == 0 || n > 8 {
        return None;
    }
    u32::from_str_radix(rest.get(..n)?, 16).ok()
}

// ---------------------------------------------------------------------------------------------
// psqlODBC (lab §5): every failure is `08001/101`; only the libpq message tells.

fn postgres(rec: &Rec) -> Option<Signal> {
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
// SQLite ODBC (lab §8): `HY000/14 [SQLite]connect failed` (missing directory, or missing file
// with NoCreat=1); `HY000/26 [SQLite]file is not a database (26)` on the first query.

fn sqlite(rec: &Rec) -> Option<Signal> {
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

fn generic_text(rec: &Rec) -> Option<Signal> {
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

fn generic_state(rec: &Rec) -> Option<Signal> {
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

// ---------------------------------------------------------------------------------------------

macro_rules! hints {
    ($($name:ident = $text:expr;)*) => {
        /// The hints: fixed texts, so nothing from a record or a connection string can leak.
        mod hint {
            $(pub const $name: &str = $text;)*
            #[cfg(test)]
            pub const ALL: &[&str] = &[$($name),*];
        }
    };
}

hints! {
    WATCHDOG = "the driver got no answer within the time limit and the attempt was stopped: the server \
        accepted the TCP connection but did not answer (or the driver hung). Check that the port in the URL \
        (`travelerUtil db show`) is the database's own port and not a TLS or other service port, and raise \
        timeout= if the server is just slow";
    NO_RECORDS = "the driver reported the failure without any diagnostic record: enable unixODBC tracing \
        (Trace=Yes and TraceFile= in the [ODBC] section of odbcinst.ini, in the ODBCSYSINI directory) and \
        retry to see the driver's calls";
    UNKNOWN = "the driver's records name no cause travelerUtil knows: read the SQLSTATE, native code and \
        message of each record and look them up in the driver's documentation";
    DRIVER_MANAGER = "the ODBC driver manager could not set up an environment: check that unixODBC is \
        installed and loadable (`odbcinst -j` prints its version and configuration files)";
    DRIVER_MANAGER_OLD = "the ODBC driver manager rejected the ODBC version travelerUtil asks for: upgrade \
        unixODBC (2.3.1 or later; `odbcinst -j` prints the installed version)";
    DRIVER_NOT_FOUND = "the ODBC driver is not installed, or its name is not registered (unixODBC then \
        tries the name as a library path): list the registered drivers with `odbcinst -q -d`, check the \
        Driver= path in odbcinst.ini (ODBCSYSINI selects its directory), and choose a listed driver with \
        `travelerUtil db set driver=NAME`";
    DRIVER_DEPENDENCY = "the driver library was found but a library it needs was not: run `ldd` on the \
        driver's .so file (`odbcinst -q -d -n NAME` shows its path); the IBM Db2 driver needs its \
        ibm_db.libs/ directory next to clidriver/, or LD_LIBRARY_PATH";
    DSN_NOT_FOUND = "no data source or driver of that name is registered: list drivers with `odbcinst -q \
        -d` and data sources with `odbcinst -q -s`, set ODBCSYSINI/ODBCINI if the files are not in /etc, \
        and choose a listed driver with `travelerUtil db set driver=NAME`";
    DRIVER_INIT = "the driver library could not be loaded or initialised: check its entry with `odbcinst \
        -q -d -n NAME` and its libraries with `ldd`; the IBM Db2 driver also needs write access to its \
        install directory (db2dump/, cfgcache/)";
    DNS = "the database host name does not resolve: check the host in the URL (`travelerUtil db show`), \
        try `getent hosts HOST` on this machine, and correct the URL with `travelerUtil db set url=...`";
    REFUSED = "nothing accepted a TCP connection on the database host and port: check that the database \
        server is running and listening on the port in the URL (`travelerUtil db show`), and that no \
        firewall rejects the connection";
    NO_ROUTE = "there is no network route to the database host: check the host in the URL (`travelerUtil \
        db show`), this machine's routing, and firewalls on the way";
    CONNECT_TIMEOUT = "the TCP connection to the database port was not established in time: a firewall \
        is dropping the packets, or the host is down; check the host and port in the URL (`travelerUtil db \
        show`) and the firewalls on the way";
    DB2_CONNECT = "the TCP connection to the Db2 port was not established (the Db2 driver reports a closed \
        port this way when a connect timeout is set; a firewall dropping packets looks the same): check \
        that Db2 listens on the host and port in the URL (`travelerUtil db show`; on the server `db2 get \
        dbm cfg` shows SVCENAME) and that no firewall blocks it";
    TIMEOUT = "the server accepted the connection but did not finish the login within the time limit: \
        check that the port in the URL (`travelerUtil db show`) is the database's own port and not a TLS \
        or other service port, and that the server is not overloaded; raise timeout= if it is just slow";
    TIMEOUT_WEAK = "the login did not finish within the time limit: check that the host and port in the \
        URL (`travelerUtil db show`) are right and reachable from this machine, then raise timeout= if the \
        server is just slow";
    TLS = "the TLS handshake or the certificate check failed: check that the server's certificate is \
        issued by a CA this client trusts and for the host name in the URL, and that client and server \
        share a TLS version (`openssl s_client -connect HOST:PORT` shows the server's side)";
    DB2_TLS = "the Db2 driver's TLS (GSKit) handshake failed: check that the port is the server's SSL \
        port (SSL_SVCENAME) and that SSLServerCertificate names the PEM file of the CA that issued the \
        server certificate";
    CONNECTION_RESET = "the server reset the connection during the pre-login exchange: usually a TLS \
        version or cipher mismatch (an old server offering only TLS 1.0/1.1 against this machine's OpenSSL \
        policy); check with `openssl s_client -connect HOST:PORT` and the server's TLS settings";
    AUTH = "the server rejected the user name or password: store the right ones with `travelerUtil db set \
        user=NAME pw=-` (the password is read from stdin), and check that the account exists and is not \
        locked";
    AUTH_EXPIRED = "the password has expired: change it on the server (for Db2, the operating-system or \
        LDAP account of the user), then store the new one with `travelerUtil db set pw=-`";
    AUTH_MISSING = "the server received no user name or password: store them with `travelerUtil db set \
        user=NAME pw=-` (the password is read from stdin)";
    AUTH_LOCKED = "the account is revoked, disabled or restricted at the server (for Db2, the \
        operating-system or LDAP account): ask the server's administrator to enable it";
    DATABASE = "the database does not exist on the server: check the database name in the URL \
        (`travelerUtil db show`) and correct it with `travelerUtil db set url=...`";
    DB2_DATABASE = "the server does not know that database name: check the database in the URL \
        (`travelerUtil db show`; `db2 list db directory` on the server lists them). Derby names are \
        case-sensitive and the Db2 driver sends them upper-cased";
    SQLSERVER_DATABASE = "SQL Server could not open the database for this login: the database does not \
        exist, or the login has no user in it. Check the name in the URL (`travelerUtil db show`) and the \
        login's database mapping";
    MYSQL_DATABASE_DENIED = "access to the database was denied: the database may not exist, or the user \
        may not use it (MariaDB and MySQL report a missing database this way to users without global \
        privileges). Check the name in the URL (`travelerUtil db show`), then GRANT the user access to it";
    MYSQL_HOST_DENIED = "the server does not let this user connect from this machine: create the user for \
        this client host (CREATE USER 'name'@'host') and grant it access to the database";
    MYSQL_HOST_BLOCKED = "the server blocked this client host after too many failed connections: run \
        `mariadb-admin flush-hosts` (or `mysqladmin flush-hosts`) on the server, then find what failed";
    MYSQL_HANDSHAKE = "the server closed the connection during the handshake: the port may belong to \
        another service, or the server rejects this client host or requires TLS; check the port in the URL \
        (`travelerUtil db show`) and the server's error log";
    MYSQL_PLUGIN = "the server asks for an authentication plugin the driver cannot use: install the \
        driver's plugin, or give the user a plugin the driver supports (ALTER USER ... IDENTIFIED WITH \
        ...)";
    PERMISSION = "the user was authenticated but may not use the database: ask the database administrator \
        to grant it access (Db2: GRANT CONNECT ON DATABASE; SQL Server: a database user for the login; \
        PostgreSQL: GRANT CONNECT)";
    DB2_CONNECT_PRIVILEGE = "the user may not connect to this Db2 database: on the server, GRANT CONNECT \
        ON DATABASE TO USER name";
    PG_HBA = "PostgreSQL's pg_hba.conf has no entry that lets this host, user and database in: add one \
        on the server and reload it";
    DB2_MECHANISM = "the server does not accept the security mechanism the driver offered: connect with \
        Authentication=SERVER (JDBC securityMechanism=3, travelerUtil's default), or the mechanism the \
        server is configured for; Apache Derby only accepts SERVER";
    DB2_SECURITY = "Db2 security processing failed for a reason other than the user name or password: look \
        up the SQL30082N reason code in IBM's documentation and check the server's db2diag.log";
    DB2_PROTOCOL = "the server answered with a DRDA protocol error: the port may not be a Db2 server, or \
        the server rejects this client (stock Apache Derby accepts only its own client); check the port in \
        the URL (`travelerUtil db show`) and the server's log";
    DB2_DSN = "the IBM Db2 driver does not read unixODBC's odbc.ini: define the data source in \
        db2dsdriver.cfg or db2cli.ini (DB2CLIINIPATH selects the directory), or let travelerUtil connect \
        without a DSN";
    DB2_LICENSE = "connecting to Db2 for z/OS or IBM i through the IBM driver needs a Db2 Connect licence: \
        put the licence file in the driver's license/ directory, or activate the licence on the server";
    DB2_CLOSED = "the server closed the connection during the handshake: the port may belong to another \
        service, or the server expects TLS on it; check the port in the URL (`travelerUtil db show`)";
    IBMI_DISCONNECTED = "the IBM i host server closed the connection: check that the database host server \
        is running (STRHOSTSVR *DATABASE) and its job log";
    IBMI_RDB = "the IBM i does not know that relational database (RDB) name: check the database in the URL \
        (`travelerUtil db show`) against WRKRDBDIRE on the IBM i";
    TDS_NOT_SQLSERVER = "the port answered but not with TDS (not a SQL Server?): check the port in the URL \
        (`travelerUtil db show`); if it is a SQL Server, check its TLS settings and try another \
        TDS_Version";
    TDS_LOGIN_FAILED = "a TCP connection was made but the TDS login failed: the port may not be a SQL \
        Server (check it with `travelerUtil db show`), or the TDS version or TLS settings do not match the \
        server";
    SQLITE_OPEN = "SQLite could not open the database file: check that the file and its directory exist \
        and that this user may read and write them";
    SQLITE_NOT_A_DATABASE = "the file is not an SQLite database: check the database path in the settings \
        (`travelerUtil db show`)";
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(state: &str, native: i32, message: &str) -> DiagRecord {
        DiagRecord {
            state: state.into(),
            native,
            message: message.into(),
        }
    }

    /// Classifies at the connect stage and checks the class and the deciding record.
    #[track_caller]
    fn check(records: &[DiagRecord], class: FailureClass, index: usize) -> Verdict {
        let v = classify(Stage::Connect, records);
        assert_eq!(v.class, class, "{v:#?}");
        assert_eq!(v.evidence.as_ref().map(|e| e.0), Some(index), "{v:#?}");
        assert_no_secret(&v);
        v
    }

    #[track_caller]
    fn check1(state: &str, native: i32, message: &str, class: FailureClass) -> Verdict {
        check(&[rec(state, native, message)], class, 0)
    }

    fn assert_no_secret(v: &Verdict) {
        let h = v.hint.to_ascii_lowercase();
        assert!(!h.contains("pwd="), "{}", v.hint);
        assert!(!v.hint.is_empty());
        if let Some((_, what)) = &v.evidence {
            assert!(!what.to_ascii_lowercase().contains("pwd="), "{what}");
        }
    }

    use FailureClass::*;

    // ----- unixODBC (lab §4.4, peers §1b) ------------------------------------------------------

    #[test]
    fn unixodbc_driver_manager_records() {
        let v = check1(
            "01000",
            0,
            "[unixODBC][Driver Manager]Can't open lib 'NoSuchDriver' : file not found",
            DriverMissing,
        );
        assert_eq!(v.hint, hint::DRIVER_NOT_FOUND);
        assert!(v.hint.contains("odbcinst -q -d"));
        let v = check1(
            "01000",
            0,
            "[unixODBC][Driver Manager]Can't open lib '/opt/clidriver/lib/libdb2.so' : file not found",
            DriverMissing,
        );
        assert_eq!(v.hint, hint::DRIVER_NOT_FOUND);
        let v = check1(
            "01000",
            0,
            "[unixODBC][Driver Manager]Can't open lib '/opt/clidriver/lib/libdb2.so' : libxml2-a0a916ee.so.2.9.13: \
             cannot open shared object file: No such file or directory",
            DriverMissing,
        );
        assert_eq!(v.hint, hint::DRIVER_DEPENDENCY);
        let v = check1(
            "IM002",
            0,
            "[unixODBC][Driver Manager]Data source name not found, and no default driver specified",
            DriverMissing,
        );
        assert!(v.hint.contains("ODBCSYSINI"));
        check1(
            "IM003",
            0,
            "[unixODBC][Driver Manager]Specified driver could not be loaded",
            DriverMissing,
        );
        check1(
            "IM004",
            0,
            "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
            DriverMissing,
        );
        // The same text with an odd SQLSTATE still counts.
        check1(
            "HY000",
            0,
            "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
            DriverMissing,
        );
    }

    #[test]
    fn environment_stage_is_the_driver_manager_unless_the_records_say_otherwise() {
        for state in ["S1009", "HY024"] {
            let v = classify(
                Stage::Environment,
                &[rec(state, 0, "[unixODBC][Driver Manager]Invalid attribute value")],
            );
            assert_eq!(v.class, DriverManager);
            assert_eq!(v.hint, hint::DRIVER_MANAGER_OLD);
            assert_eq!(v.evidence.as_ref().map(|e| e.0), Some(0));
            assert!(v.evidence.unwrap().1.contains(state));
        }
        let v = classify(Stage::Environment, &[]);
        assert_eq!((v.class, v.evidence), (DriverManager, None));
        assert_eq!(v.hint, hint::DRIVER_MANAGER);
        // A record that names no driver-manager cause still yields DriverManager at this stage.
        let v = classify(Stage::Environment, &[rec("08001", -30082, r#"SQL30082N reason "24""#)]);
        assert_eq!(v.class, DriverManager);
        assert_eq!(v.evidence.unwrap().0, 0);
        // "Records say otherwise": a driver that cannot be loaded.
        let v = classify(
            Stage::Environment,
            &[
                rec("HY000", 0, "x"),
                rec(
                    "IM004",
                    0,
                    "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
                ),
            ],
        );
        assert_eq!((v.class, v.evidence.unwrap().0), (DriverMissing, 1));
        // Outside the environment stage HY024 is an ordinary attribute error.
        check1("HY024", 0, "[unixODBC][Driver Manager]Invalid attribute value", Other);
    }

    // ----- IBM Db2 CLI driver (lab §4.2–§4.4) ---------------------------------------------------

    #[test]
    fn db2_driver() {
        // lab §4.3: wrong password / unknown user.
        let v = check1(
            "08001",
            -30082,
            r#"SQL30082N Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD INVALID")"#,
            Authentication,
        );
        assert_eq!(
            v.evidence.as_ref().unwrap().1,
            "native -30082 reason 24 (USERNAME AND/OR PASSWORD INVALID)"
        );
        assert!(v.hint.contains("travelerUtil db set user=NAME pw=-"));
        // The driver's full format (prefix, double blanks, SQLSTATE suffix).
        check1(
            "08001",
            -30082,
            "[IBM][CLI Driver] SQL30082N  Security processing failed with reason \"24\" (\"USERNAME AND/OR PASSWORD \
             INVALID\").  SQLSTATE=08001\r\n",
            Authentication,
        );
        // [documented] reason 1.
        let v = check1(
            "08001",
            -30082,
            r#"SQL30082N Security processing failed with reason "1" ("PASSWORD EXPIRED")"#,
            Authentication,
        );
        assert_eq!(v.hint, hint::AUTH_EXPIRED);
        // lab §4.2: the default security mechanism against Derby.
        let v = check1(
            "08001",
            -30082,
            r#"SQL30082N Security processing failed with reason "17" ("UNSUPPORTED FUNCTION")"#,
            Other,
        );
        assert_eq!(v.hint, hint::DB2_MECHANISM);
        assert!(v.hint.contains("Authentication=SERVER"));
        // An unlisted reason: Other with the generic security hint.
        let v = check1(
            "08001",
            -30082,
            r#"SQL30082N Security processing failed with reason "42" ("ROOT CAPABILITY REQUIRED")"#,
            Other,
        );
        assert_eq!(v.hint, hint::DB2_SECURITY);
        // lab §4.3: wrong database.
        check1(
            "08004",
            -30061,
            r#"SQL30061N The database alias or database name "NOSUCHDB          " was not found at the remote node."#,
            DatabaseNotFound,
        );
        // lab §4.2: stock Derby rejects the client.
        let v = check1(
            "08001",
            -30020,
            concat!(
                r#"SQL30020N ... syntax error in the communication data stream ... "#,
                r#"Reason Code "0x124C"("0214")"". SQLSTATE=58009"#,
            ),
            Other,
        );
        assert_eq!(v.hint, hint::DB2_PROTOCOL);
        // lab §4.4: closed port.
        let v = check1(
            "08001",
            -30081,
            concat!(
                r#"SQL30081N A communication error has been detected. Communication protocol being used: "TCP/IP" "#,
                r#"... Communication function detecting the error: "connect". "#,
                r#"Protocol specific error code(s): "111", "*", "*"."#,
            ),
            Refused,
        );
        assert_eq!(
            v.evidence.unwrap().1,
            "native -30081 function \"connect\", code 111 (connection refused)"
        );
        // lab §4.4: unresolvable host.
        check1(
            "08001",
            -1336,
            r#"SQL1336N The remote host "nosuchhost.invalid" was not found."#,
            Dns,
        );
        // lab §3: DSN only in odbc.ini.
        let v = check1(
            "08001",
            -1531,
            "SQL1531N ... DSN connection string keyword could not be found in either the db2dsdriver.cfg \
             configuration file or the db2cli.ini configuration file",
            Other,
        );
        assert_eq!(v.hint, hint::DB2_DSN);
        // [documented] SQL1013N, SQL1598N, GSKit.
        check1(
            "08001",
            -1013,
            concat!(
                r#"[IBM][CLI Driver] SQL1013N  The database alias name or database name "TRAVELER" "#,
                r#"could not be found.  SQLSTATE=42705"#,
            ),
            DatabaseNotFound,
        );
        let v = check1(
            "42968",
            -1598,
            "[IBM][CLI Driver] SQL1598N  An attempt to connect to the database server failed because of a licensing \
             problem.  SQLSTATE=42968",
            Other,
        );
        assert_eq!(v.hint, hint::DB2_LICENSE);
        let v = check1(
            "08001",
            -30081,
            concat!(
                r#"[IBM][CLI Driver] SQL30081N  A communication error has been detected. "#,
                r#"Communication protocol being used: "SSL".  Communication API being used: "SOCKETS".  "#,
                r#"Location where the error was detected: "".  "#,
                r#"Communication function detecting the error: "sqlccSSLSocketSetup".  "#,
                r#"Protocol specific error code(s): "414", "*", "*".  SQLSTATE=08001"#,
            ),
            Tls,
        );
        assert_eq!(v.hint, hint::DB2_TLS);
        // The SQLnnnnN token decides when the native code is missing.
        check1(
            "08001",
            0,
            r#"SQL30082N Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD INVALID")"#,
            Authentication,
        );
        check1(
            "08004",
            0,
            r#"SQL30061N The database alias or database name "X" was not found at the remote node."#,
            DatabaseNotFound,
        );
    }

    /// SQL30081N in the driver's real layout, with the function and code columns of lab §4.4.
    fn sql30081(protocol: &str, function: &str, code: &str) -> DiagRecord {
        rec(
            "08001",
            -30081,
            &format!(
                "[IBM][CLI Driver] SQL30081N  A communication error has been detected. Communication protocol being \
                 used: \"{protocol}\".  Communication API being used: \"SOCKETS\".  Location where the error was \
                 detected: \"127.0.0.1\".  Communication function detecting the error: \"{function}\".  Protocol \
                 specific error code(s): \"{code}\", \"*\", \"*\".  SQLSTATE=08001"
            ),
        )
    }

    #[test]
    fn db2_refused_versus_timeout() {
        // lab: closed port.
        check(&[sql30081("TCP/IP", "connect", "111")], Refused, 0);
        // lab: closed port with ConnectTimeout=2: the function name says "Timeout", the port was
        // closed. Nothing accepted the connection: Refused.
        let v = check(&[sql30081("TCP/IP", "selectForConnectTimeout", "115")], Refused, 0);
        assert_eq!(v.hint, hint::DB2_CONNECT);
        assert_eq!(
            v.evidence.unwrap().1,
            "native -30081 function \"selectForConnectTimeout\", code 115 (TCP connect did not complete)"
        );
        // The brief's variant: "selectForConnectTimeout" with ECONNREFUSED.
        check(&[sql30081("TCP/IP", "selectForConnectTimeout", "111")], Refused, 0);
        // lab: silent listener with SQL_ATTR_LOGIN_TIMEOUT=5 or ConnectTimeout=3.
        let v = check(&[sql30081("TCP/IP", "selectForRecvTimeout", "115")], Timeout, 0);
        assert_eq!(v.hint, hint::TIMEOUT);
        // ECONNREFUSED wins over an SSL protocol name: the TCP connect failed first.
        check(&[sql30081("SSL", "connect", "111")], Refused, 0);
        check(&[sql30081("SSL", "gsk_secure_soc_init", "420")], Tls, 0);
        check(&[sql30081("TCP/IP", "connect", "113")], Refused, 0);
        check(&[sql30081("TCP/IP", "connect", "110")], Refused, 0);
        check(&[sql30081("TCP/IP", "recv", "104")], Other, 0);
        check(&[sql30081("TCP/IP", "recv", "110")], Timeout, 0);
        check(&[sql30081("TCP/IP", "somethingNew", "*")], Refused, 0);
    }

    // ----- MariaDB Connector/ODBC (lab §6) -----------------------------------------------------

    #[test]
    fn mariadb_driver() {
        let v = check1(
            "28000",
            1045,
            "[ma-3.1.15]Access denied for user 'app'@'127.0.0.1' (using password: YES)",
            Authentication,
        );
        assert_eq!(v.evidence.unwrap().1, "native 1045 access denied for user");
        check1(
            "28000",
            1045,
            "[ma-3.1.15]Access denied for user 'nobody'@'127.0.0.1' (using password: YES)",
            Authentication,
        );
        let v = check1(
            "42000",
            1044,
            "Access denied for user 'app'@'127.0.0.1' to database 'nosuchdb'",
            Permission,
        );
        assert!(v.hint.contains("may not exist"), "{}", v.hint);
        check1("42000", 1049, "Unknown database 'nosuchdb'", DatabaseNotFound);
        let v = check1("HY000", 2002, "Can't connect to server on '127.0.0.1' (115)", Refused);
        assert_eq!(v.evidence.unwrap().1, "native 2002 can't connect (errno 115)");
        check1("HY000", 2005, "Unknown server host 'nosuchhost.invalid' (-2)", Dns);
        check1(
            "08S01",
            2013,
            "Lost connection to server at 'handshake: reading initial communication packet', system error: 110",
            Timeout,
        );
        // [documented] TLS; a localised server message still decided by its number.
        check1(
            "HY000",
            2026,
            "[ma-3.1.15]SSL connection error: certificate verify failed",
            Tls,
        );
        check1(
            "HY000",
            2026,
            "TLS/SSL error: unable to get local issuer certificate",
            Tls,
        );
        check1(
            "28000",
            1045,
            "[ma-3.1.15]Zugriff verweigert für Benutzer 'app'@'127.0.0.1'",
            Authentication,
        );
    }

    // ----- MySQL Connector/ODBC [documented, not observed] --------------------------------------

    #[test]
    fn mysql_driver() {
        check1(
            "28000",
            1045,
            "[MySQL][ODBC 8.0(w) Driver]Access denied for user 'app'@'localhost' (using password: YES)",
            Authentication,
        );
        check1(
            "42000",
            1049,
            "[MySQL][ODBC 8.0(w) Driver]Unknown database 'nosuchdb'",
            DatabaseNotFound,
        );
        check1(
            "HY000",
            2003,
            "[MySQL][ODBC 8.0(w) Driver]Can't connect to MySQL server on '127.0.0.1:3306' (111)",
            Refused,
        );
        check1(
            "HY000",
            2005,
            "[MySQL][ODBC 8.0(w) Driver]Unknown MySQL server host 'nosuchhost.invalid' (-2)",
            Dns,
        );
        check1(
            "HY000",
            2013,
            "[MySQL][ODBC 8.0(w) Driver]Lost connection to MySQL server at 'reading initial communication packet', \
             system error: 110",
            Timeout,
        );
        // The server hung up (errno 0): not a timeout.
        let v = check1(
            "HY000",
            2013,
            "[MySQL][ODBC 8.0(w) Driver]Lost connection to MySQL server at 'reading initial communication packet', \
             system error: 0",
            Other,
        );
        assert_eq!(v.hint, hint::MYSQL_HANDSHAKE);
        check1(
            "HY000",
            2026,
            "[MySQL][ODBC 8.0(w) Driver]SSL connection error: error:00000000:lib(0)::reason(0)",
            Tls,
        );
        check1(
            "HY000",
            1130,
            "[MySQL][ODBC 8.0(w) Driver]Host '10.0.0.5' is not allowed to connect to this MySQL server",
            Permission,
        );
        check1(
            "HY000",
            2059,
            "[MySQL][ODBC 8.0(w) Driver]Authentication plugin 'caching_sha2_password' cannot be loaded",
            Other,
        );
    }

    // ----- FreeTDS (lab §7): every record, in order ----------------------------------------------

    #[test]
    fn freetds_driver() {
        // closed port
        check(
            &[
                rec(
                    "08S01",
                    20009,
                    "Unable to connect: Adaptive Server is unavailable or does not exist",
                ),
                rec("08001", 0, "Unable to connect to data source"),
            ],
            Refused,
            0,
        );
        // PostgreSQL port (non-TDS), Derby port, text-line listener
        let v = check(
            &[
                rec("08001", 0, "Unable to connect to data source"),
                rec("01000", 20017, "Unexpected EOF from the server"),
                rec("01000", 20002, "Adaptive Server connection failed"),
            ],
            Other,
            1,
        );
        assert!(
            v.hint
                .contains("the port answered but not with TDS (not a SQL Server?)"),
            "{}",
            v.hint
        );
        // same, without TDS_Version
        check(
            &[
                rec("08001", 0, "Unable to connect to data source"),
                rec("01000", 20017, "Unexpected EOF from the server"),
                rec("01000", 20002, "Adaptive Server connection failed"),
                rec("01000", 20002, "Adaptive Server connection failed"),
            ],
            Other,
            1,
        );
        // MariaDB port
        let v = check(
            &[
                rec("08001", 0, "Unable to connect to data source"),
                rec("01000", 20002, "Adaptive Server connection failed"),
            ],
            Other,
            1,
        );
        assert_eq!(v.hint, hint::TDS_LOGIN_FAILED);
        // unresolvable host
        check(
            &[
                rec("08001", 0, "Unable to connect to data source"),
                rec("01000", 20013, "Unknown host machine name."),
            ],
            Dns,
            1,
        );
        // silent listener, login timeout 5
        check(
            &[
                rec("HYT00", 0, "Timeout expired"),
                rec("08001", 0, "Unable to connect to data source"),
            ],
            Timeout,
            0,
        );
        // peers §1b: the prefixed form odbc-api printed
        check(&[rec("HYT00", 0, "[FreeTDS][SQL Server]Timeout expired")], Timeout, 0);
        // [documented] server messages through FreeTDS
        check(
            &[
                rec(
                    "42000",
                    4060,
                    "[FreeTDS][SQL Server]Cannot open database \"nosuchdb\" requested by the login. The login failed.",
                ),
                rec("28000", 18456, "[FreeTDS][SQL Server]Login failed for user 'sa'."),
            ],
            DatabaseNotFound,
            0,
        );
        check1(
            "28000",
            18456,
            "[FreeTDS][SQL Server]Login failed for user 'sa'.",
            Authentication,
        );
    }

    // ----- Microsoft ODBC Driver 17/18 [documented, not observed] -------------------------------

    #[test]
    fn microsoft_driver() {
        check1(
            "28000",
            18456,
            "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'.",
            Authentication,
        );
        // A localised server message: the number decides.
        check1(
            "28000",
            18456,
            "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Échec de l'ouverture de session",
            Authentication,
        );
        let v = check1(
            "28000",
            18488,
            "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'app'. Reason: The \
             password of the account must be changed.",
            Authentication,
        );
        assert_eq!(v.hint, hint::AUTH_EXPIRED);
        check(
            &[
                rec(
                    "08001",
                    -1,
                    "[Microsoft][ODBC Driver 18 for SQL Server]SSL Provider: [error:0A000086:SSL routines::certificate \
                     verify failed:unable to get local issuer certificate]",
                ),
                rec(
                    "08001",
                    -1,
                    "[Microsoft][ODBC Driver 18 for SQL Server]Client unable to establish connection. For solutions \
                     related to encryption errors, see https://go.microsoft.com/fwlink/?linkid=2226722",
                ),
            ],
            Tls,
            0,
        );
        check1(
            "08001",
            -2146893019,
            "[Microsoft][ODBC Driver 17 for SQL Server]SSL Provider: The certificate chain was issued by an authority \
             that is not trusted.",
            Tls,
        );
        // A closed port on Linux: HYT00 first, the cause second.
        let closed = [
            rec(
                "HYT00",
                0,
                "[Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired",
            ),
            rec(
                "08001",
                10057,
                "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2749",
            ),
            rec(
                "08001",
                10057,
                "[Microsoft][ODBC Driver 17 for SQL Server]A network-related or instance-specific error has occurred \
                 while establishing a connection to SQL Server. Server is not found or not accessible. Check if \
                 instance name is correct and if SQL Server is configured to allow remote connections. For more \
                 information see SQL Server Books Online.",
            ),
        ];
        let v = check(&closed, Refused, 1);
        assert_eq!(
            v.evidence.unwrap().1,
            "TCP Provider error code 0x2749 (connection refused)"
        );
        // A silent server: HYT00 and 0x102 (WAIT_TIMEOUT).
        check(
            &[
                rec(
                    "HYT00",
                    0,
                    "[Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired",
                ),
                rec(
                    "08001",
                    258,
                    "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x102",
                ),
                rec(
                    "08001",
                    258,
                    "[Microsoft][ODBC Driver 17 for SQL Server]A network-related or instance-specific error",
                ),
            ],
            Timeout,
            1,
        );
        check1(
            "08001",
            258,
            "[Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: The wait operation timed out.\r\n",
            Timeout,
        );
        check1(
            "HYT00",
            0,
            "[Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired",
            Timeout,
        );
        check1(
            "08001",
            11001,
            "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2AF9",
            Dns,
        );
        let v = check1(
            "08001",
            10054,
            "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2746",
            Other,
        );
        assert_eq!(v.hint, hint::CONNECTION_RESET);
        check(
            &[
                rec(
                    "42000",
                    4060,
                    "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Cannot open database \"nosuchdb\" \
                     requested by the login. The login failed.",
                ),
                rec(
                    "28000",
                    18456,
                    "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'.",
                ),
            ],
            DatabaseNotFound,
            0,
        );
    }

    // ----- psqlODBC (lab §5): always 08001/101 ------------------------------------------------------

    #[test]
    fn psqlodbc_driver() {
        check1(
            "08001",
            101,
            concat!(
                r#"connection to server at "127.0.0.1", port 55432 failed: "#,
                r#"FATAL:  password authentication failed for user "app""#,
            ),
            Authentication,
        );
        check1(
            "08001",
            101,
            concat!(
                r#"connection to server at "127.0.0.1", port 55432 failed: "#,
                r#"FATAL:  password authentication failed for user "nobody""#,
            ),
            Authentication,
        );
        check1(
            "08001",
            101,
            r#"... FATAL:  database "nosuchdb" does not exist"#,
            DatabaseNotFound,
        );
        check1(
            "08001",
            101,
            "... port 55499 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP \
             connections?",
            Refused,
        );
        check1(
            "08001",
            101,
            r#"could not translate host name "nosuchhost.invalid" to address: Name or service not known"#,
            Dns,
        );
        check1("08001", 101, "... port 54999 failed: timeout expired", Timeout);
        // [documented]
        check1(
            "08001",
            101,
            concat!(
                r#"connection to server at "127.0.0.1", port 55432 failed: "#,
                r#"FATAL:  no pg_hba.conf entry for host "10.0.0.5", user "app", database "appdb", SSL off"#,
            ),
            Permission,
        );
        check1(
            "08001",
            101,
            r#"connection to server at "127.0.0.1", port 55432 failed: FATAL:  role "nobody" does not exist"#,
            Authentication,
        );
        check1(
            "08001",
            101,
            "connection to server at \"db\", port 5432 failed: server does not support SSL, but SSL was required",
            Tls,
        );
    }

    // ----- SQLite (lab §8) -----------------------------------------------------------------------

    #[test]
    fn sqlite_driver() {
        check1("HY000", 14, "[SQLite]connect failed", DatabaseNotFound);
        let v = classify(Stage::Query, &[rec("HY000", 26, "[SQLite]file is not a database (26)")]);
        assert_eq!((v.class, v.hint.as_str()), (Other, hint::SQLITE_NOT_A_DATABASE));
    }

    // ----- IBM i Access ODBC [documented, not observed] ------------------------------------------

    #[test]
    fn ibm_i_access_driver() {
        check1(
            "28000",
            8002,
            "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=8002 - CWBSY0002 - Password for \
             user APP on system IBMI.EXAMPLE.COM is not correct, Password length = 10, Prompt Mode = Never, System IP \
             Address = 192.0.2.10",
            Authentication,
        );
        let v = check1(
            "28000",
            8003,
            "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=8003 - CWBSY0003 - Password for \
             user APP on system IBMI.EXAMPLE.COM is expired",
            Authentication,
        );
        assert_eq!(v.hint, hint::AUTH_EXPIRED);
        check1(
            "08S01",
            10060,
            "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=10060 - CWBCO1048 - A firewall \
             blockage or time-out occurred trying to connect to the IBM i",
            Refused,
        );
        check1(
            "08S01",
            11001,
            "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=11001 - CWBCO1004 - Remote address \
             could not be resolved",
            Dns,
        );
        let v = check1(
            "08S01",
            10065,
            "[unixODBC][IBM][iSeries Access ODBC Driver]Communication link failure. comm rc=10065 - CWBCO1003 - \
             Sockets error, function  returned 10065, 10.81.0.1",
            Refused,
        );
        assert_eq!(v.hint, hint::NO_ROUTE);
        check1(
            "HYT00",
            30189,
            "[IBM][System i Access ODBC Driver]Connection login timed out.",
            Timeout,
        );
        check1(
            "08004",
            -114,
            "[IBM][System i Access ODBC Driver][DB2 for i5/OS]SQL0114 - Relational database TRAVELER not the same as \
             current server IBMI.",
            DatabaseNotFound,
        );
    }

    // ----- ordering across records -----------------------------------------------------------------

    #[test]
    fn priority_across_records() {
        // The driver cannot load: nothing else matters.
        check(
            &[
                rec("08001", 101, "... failed: Connection refused"),
                rec("01000", 0, "Can't open lib 'X' : file not found"),
            ],
            DriverMissing,
            1,
        );
        // DNS explains FreeTDS's catch-all 20009.
        check(
            &[
                rec(
                    "08S01",
                    20009,
                    "Unable to connect: Adaptive Server is unavailable or does not exist",
                ),
                rec("01000", 20013, "Unknown host machine name."),
            ],
            Dns,
            1,
        );
        // 4060 then 18456, in either order: the database decides.
        let db = rec(
            "42000",
            4060,
            "Cannot open database \"x\" requested by the login. The login failed.",
        );
        let login = rec("28000", 18456, "Login failed for user 'sa'.");
        check(&[db.clone(), login.clone()], DatabaseNotFound, 0);
        check(&[login, db], DatabaseNotFound, 1);
        // A specific refusal beats a generic login timeout; a specific timeout beats a refusal.
        check(
            &[
                rec("HYT00", 0, "Login timeout expired"),
                rec("08001", 0, "TCP Provider: Error code 0x274D"),
            ],
            Refused,
            1,
        );
        check(
            &[
                sql30081("TCP/IP", "connect", "111"),
                sql30081("TCP/IP", "selectForRecvTimeout", "115"),
            ],
            Timeout,
            1,
        );
        // A protocol answer proves the port is open.
        check(
            &[
                rec("HYT00", 0, "Timeout expired"),
                rec("01000", 20017, "Unexpected EOF from the server"),
            ],
            Other,
            1,
        );
        // Equal ranks: the earliest record.
        check(
            &[
                rec("28000", 0, "Login failed for user 'a'."),
                rec("28000", 0, "Login failed for user 'b'."),
            ],
            Authentication,
            0,
        );
        // Nothing known: Other, first record.
        let v = check(
            &[
                rec("08001", 0, "Unable to connect to data source"),
                rec("01000", 0, "something"),
            ],
            Other,
            0,
        );
        assert_eq!(v.hint, hint::UNKNOWN);
        assert_eq!(v.evidence.unwrap().1, "SQLSTATE 08001, native 0: no known signal");
    }

    #[test]
    fn generic_words_do_not_mislead() {
        // "timeout" inside a Db2 function name is not a timeout (covered above); "ssl" inside a word
        // is not TLS; "does not exist" in FreeTDS's 20009 is not a missing database.
        check1("08001", 0, "classless routing failure", Other);
        check1(
            "08S01",
            20009,
            "Unable to connect: Adaptive Server is unavailable or does not exist",
            Refused,
        );
        // MariaDB's 2013 text mentions a "handshake": still a timeout, not TLS.
        check1(
            "08S01",
            2013,
            "Lost connection to server at 'handshake: reading initial communication packet', system error: 110",
            Timeout,
        );
        // Case does not matter.
        check1("08001", 101, "COULD NOT TRANSLATE HOST NAME \"X\" TO ADDRESS", Dns);
    }

    #[test]
    fn watchdog_and_empty() {
        let v = classify(Stage::Watchdog, &[]);
        assert_eq!((v.class, v.evidence.as_ref()), (Timeout, None));
        assert!(v.hint.contains("timeout="), "{}", v.hint);
        // Whatever the records, the watchdog decided.
        let v = classify(Stage::Watchdog, &[rec("28000", 1045, "Access denied for user 'a'@'h'")]);
        assert_eq!(v.class, Timeout);
        for stage in [Stage::Connect, Stage::Query] {
            let v = classify(stage, &[]);
            assert_eq!((v.class, v.evidence.as_ref()), (Other, None));
            assert_eq!(v.hint, hint::NO_RECORDS);
        }
    }

    #[test]
    fn hints_and_descriptions() {
        for h in hint::ALL {
            assert!(!h.is_empty());
            let l = h.to_ascii_lowercase();
            assert!(!l.contains("pwd="), "{h}");
            assert!(!l.contains("password="), "{h}");
            assert!(!h.contains("  "), "double blank in {h:?}");
        }
        for c in FailureClass::ALL {
            let name = serde_json::to_value(c).unwrap();
            let d = c.describe();
            assert!(d.starts_with(&format!("{}: ", name.as_str().unwrap())), "{d}");
        }
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            Just("reason \"".to_string()),
            Just("error code(s): \"".to_string()),
            Just("function detecting the error: \"".to_string()),
            Just("error code 0x".to_string()),
            Just("comm rc=".to_string()),
            Just("system error:".to_string()),
            Just("SQL30082N".to_string()),
            Just("SQL30081N".to_string()),
            Just("CWBCO1003".to_string()),
            Just("Lost connection to".to_string()),
            Just("Can't connect to".to_string()),
            Just("(".to_string()),
            Just("\"".to_string()),
            Just("-".to_string()),
            "[0-9a-fA-F]{0,12}",
            Just("İ".to_string()),
        ]
    }

    fn message() -> impl Strategy<Value = String> {
        proptest::collection::vec(fragment(), 0..8).prop_map(|v| v.concat())
    }

    fn stage() -> impl Strategy<Value = Stage> {
        prop_oneof![
            Just(Stage::Environment),
            Just(Stage::Connect),
            Just(Stage::Query),
            Just(Stage::Watchdog)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn never_panics(
            stage in stage(),
            records in proptest::collection::vec(
                (prop_oneof![any::<String>(), "[0-9A-Z]{5}"], any::<i32>(), message()),
                0..5,
            ),
        ) {
            let records: Vec<DiagRecord> =
                records.into_iter().map(|(state, native, message)| DiagRecord { state, native, message }).collect();
            let v = classify(stage, &records);
            prop_assert!(!v.hint.is_empty());
            prop_assert!(!v.hint.to_ascii_lowercase().contains("pwd="));
            if let Some((i, what)) = &v.evidence {
                prop_assert!(*i < records.len());
                prop_assert!(!what.is_empty());
            }
        }
    }
}
