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
//! Sources: rules marked *observed* were seen in the test lab, rules marked *[documented, not
//! observed]* come from vendor documentation; docs/odbc-drivers.md lists every record with the
//! driver, the SQLSTATE, the native code and how it was observed.

mod hint;
mod ibm;
mod mysql;
mod other;
mod sqlserver;
#[cfg(test)]
mod tests;

use super::{DiagRecord, FailureClass, Stage, Verdict};
use std::ops::Range;

/// Classifies a failed attempt. `records` are in the order the driver returned them; `stage`
/// says where it stopped.
pub fn classify(stage: Stage, records: &[DiagRecord]) -> Verdict {
    if stage == Stage::Watchdog {
        // Whatever the driver said before it was killed, the deciding fact is the deadline.
        return Verdict {
            class: FailureClass::Timeout,
            evidence: None,
            hint: hint::WATCHDOG.to_string(),
            standby: false,
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
            standby: false,
        },
        (_, Some((i, s))) => verdict(i, s),
        (_, None) => Verdict {
            class: FailureClass::Other,
            evidence: None,
            hint: hint::NO_RECORDS.to_string(),
            standby: false,
        },
    }
}

fn verdict(index: usize, s: Signal) -> Verdict {
    Verdict {
        class: s.rank.class(),
        standby: s.rank == Rank::Standby,
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
/// 3. `Standby`: the server answered that it is a standby (Db2 HADR, a SQL Server mirror or
///    availability-group secondary); the login or database errors around it follow from that.
/// 4. `Tls` … `Authentication`: the server answered. `Tls` comes first because the handshake
///    precedes the login (Microsoft's TLS errors say "during the login process").
///    `DatabaseNotFound` and `Permission` come before `Authentication` because SQL Server sends
///    `4060 Cannot open database … The login failed.` *followed by* `18456 Login failed for
///    user`: the password was right (a wrong one yields 18456 alone), the database was not.
/// 5. `Protocol`: the server answered, but not as expected (security mechanism, DRDA syntax
///    error, not a TDS server). It proves the port is open, so it beats timeout and refused.
/// 6. `Timeout` before `Refused`: a specific timeout (Db2 `selectForRecvTimeout`, MariaDB 2013
///    with errno 110, `TCP Provider: Error code 0x102`) means the attempt got further than a
///    refused one would have.
/// 7. Weak signals, only when nothing specific was found: a bare `HYT00`/"timeout expired"
///    (Microsoft's driver adds `HYT00 Login timeout expired` to a *closed* port, next to
///    `TCP Provider: Error code 0x2749`), FreeTDS's catch-all 20009, then anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    DriverMissing,
    DriverManager,
    /// Local driver configuration (Db2 DSN not in db2cli.ini, Db2 Connect licence): `Other`.
    Config,
    Dns,
    /// The server says it is a standby; whatever else the records say follows from that.
    Standby,
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
            Rank::Config | Rank::Standby | Rank::Protocol | Rank::Unknown => FailureClass::Other,
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
    other::driver_manager(stage, &rec)
        .or_else(|| ibm::db2(&rec))
        .or_else(|| ibm::ibm_i(&rec))
        .or_else(|| mysql::mysql(&rec))
        .or_else(|| sqlserver::sql_server(&rec))
        .or_else(|| other::postgres(&rec))
        .or_else(|| other::sqlite(&rec))
        .or_else(|| other::generic_text(&rec))
        .or_else(|| other::generic_state(&rec))
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
// Reading tokens out of driver messages.

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

const ECONNREFUSED: &[i64] = &[111, 79, 61, 10061]; // Linux, AIX, BSD/macOS, Windows

const EUNREACH: &[i64] = &[113, 101, 65, 51, 10065, 10051]; // EHOSTUNREACH, ENETUNREACH

const ETIMEDOUT: &[i64] = &[110, 78, 60, 10060];

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

/// The number in the last `(…)` of a message: `… on '127.0.0.1' (115)` → 115.
fn paren_number(msg: &str) -> Option<i64> {
    let open = msg.rfind('(')?;
    let inner = msg.get(open + 1..)?;
    let close = inner.find(')')?;
    inner.get(..close)?.trim().parse::<i64>().ok()
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
