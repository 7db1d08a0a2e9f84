//! What the server is: its encoding, its version against the documented minimums, its clock
//! against this machine's, and whether the URL names it by address or by name.

use super::{Dialect, Level, Line, col, rows, unreadable};
use crate::jdbc::failover::Server;
use crate::probe::odbc::{Answer, Ask, ServerInfo};
use crate::term::escape;
use jiff::Timestamp;
use std::time::SystemTime;

// ----------------------------------------------------------------------------------- encoding

const DB2_CODESET: &str = "SELECT VALUE FROM SYSIBMADM.DBCFG WHERE NAME = 'codeset'";
const MYSQL_CHARSET: &str = "SELECT @@character_set_database";
const SQLSERVER_COLLATION: &str = "SELECT CONVERT(nvarchar(128), DATABASEPROPERTYEX(DB_NAME(), 'Collation'))";

const ENCODING_HINT: &str = "Domino names with characters outside the database's character set cannot be \
    stored: create the database with the UTF-8 code set (Db2: CREATE DATABASE ... USING CODESET UTF-8; \
    MySQL: CHARACTER SET utf8mb4) before Traveler creates its tables";

pub fn encoding_ask(d: Dialect) -> Option<Ask> {
    match d {
        Dialect::Db2 => Some(Ask::Rows(DB2_CODESET.into())),
        Dialect::MySql => Some(Ask::Rows(MYSQL_CHARSET.into())),
        Dialect::SqlServer => Some(Ask::Rows(SQLSERVER_COLLATION.into())),
        Dialect::IbmI => None,
    }
}

/// Db2: the code set, WARN unless UTF-8; MySQL: the database's character set, WARN unless
/// utf8mb4 or utf8mb3; SQL Server: the collation, as INFO.
pub fn encoding(d: Dialect, answer: Option<&Answer>) -> Line {
    if d == Dialect::IbmI {
        return Line::new(
            "encoding",
            Level::Info,
            "not checked for Db2 for IBM i (CCSIDs are per column)",
        );
    }
    let Some(value) = rows(answer)
        .and_then(|r| r.first())
        .map(|r| col(r, 0).trim().to_string())
    else {
        return Line::new("encoding", Level::Info, unreadable("the encoding", answer));
    };
    let shown = escape(&value);
    match d {
        Dialect::Db2 if value.eq_ignore_ascii_case("UTF-8") => {
            Line::new("encoding", Level::Pass, format!("code set {shown}"))
        }
        Dialect::Db2 => Line::new("encoding", Level::Warn, format!("code set {shown}, not UTF-8")).hint(ENCODING_HINT),
        Dialect::MySql if matches!(value.to_ascii_lowercase().as_str(), "utf8mb4" | "utf8mb3" | "utf8") => {
            Line::new("encoding", Level::Pass, format!("character set {shown}"))
        }
        Dialect::MySql => Line::new(
            "encoding",
            Level::Warn,
            format!("character set {shown}, not utf8mb4 or utf8mb3"),
        )
        .hint(ENCODING_HINT),
        Dialect::SqlServer | Dialect::IbmI => Line::new("encoding", Level::Info, format!("collation {shown}")),
    }
}

// ----------------------------------------------------------------------------------- versions

/// A minimum version documented by HCL or IBM for one DBMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minimum {
    /// The start of SQLGetInfo's DBMS name that identifies the server.
    pub dbms_prefix: &'static str,
    /// The least version, as SQLGetInfo's DBMS version fields.
    pub version: [u32; 3],
    pub shown: &'static str,
    pub source: &'static str,
}

/// Every documented minimum. Databases without a row get INFO: no threshold is invented.
pub const MINIMUMS: &[Minimum] = &[Minimum {
    // Db2 LUW reports `DB2/LINUXX8664` and `11.05.0800` (version, release, modification and
    // fix pack).
    dbms_prefix: "DB2/",
    version: [9, 7, 5],
    shown: "Db2 9.7 Fix Pack 5",
    source: "IBM Lotus Notes Traveler 8.5.3 Upgrade Pack 1 high-availability deployment guide: \
             \"the recommended version is DB2 Enterprise Server Edition 9.7, Fixpack 5 ... (minimally, fixpack 5)\"",
}];

/// The leading numbers of a version string: `10.11.000019` → [10, 11, 19].
pub fn version_numbers(v: &str) -> Vec<u32> {
    v.split(['.', '-', ' '])
        .map_while(|p| p.trim().parse::<u32>().ok())
        .collect()
}

pub fn version(info: &ServerInfo) -> Line {
    let name = info.dbms_name.as_deref().unwrap_or_default();
    let ver = info.dbms_version.as_deref().unwrap_or_default();
    let shown = match (name.is_empty(), ver.is_empty()) {
        (true, true) => "the server reports no name or version".to_string(),
        (true, false) => format!("{} (no DBMS name reported)", escape(ver)),
        (false, _) => format!("{} {}", escape(name), escape(ver)),
    };
    let Some(m) = MINIMUMS.iter().find(|m| name.starts_with(m.dbms_prefix)) else {
        return Line::new(
            "version",
            Level::Info,
            format!("{shown}: HCL and IBM document no minimum version for it"),
        );
    };
    let have = version_numbers(ver);
    if have.is_empty() {
        return Line::new(
            "version",
            Level::Info,
            format!("{shown}: the version cannot be compared"),
        );
    }
    if have.as_slice() >= &m.version[..] {
        Line::new("version", Level::Pass, format!("{shown}: at least {}", m.shown))
    } else {
        Line::new(
            "version",
            Level::Warn,
            format!("{shown}: below {} ({})", m.shown, m.source),
        )
        .hint(
            "upgrade the database server to a supported level (apply the latest fix pack) before \
             Traveler uses it",
        )
    }
}

// ----------------------------------------------------------------------------------- clocks

/// Above this difference between the clocks, the clock line warns.
pub const CLOCK_WARN_SECS: f64 = 5.0;

const CLOCK_HINT: &str = "pool members judge each other alive by heartbeats they write to the database: \
    keep this machine's clock and the database server's in step (NTP, chrony or timesyncd on both)";

/// The server's time in UTC, as text.
pub fn clock_sql(d: Dialect) -> &'static str {
    match d {
        Dialect::Db2 | Dialect::IbmI => "SELECT CURRENT TIMESTAMP - CURRENT TIMEZONE FROM SYSIBM.SYSDUMMY1",
        Dialect::SqlServer => "SELECT CONVERT(varchar(27), SYSUTCDATETIME(), 121)",
        Dialect::MySql => "SELECT UTC_TIMESTAMP(6)",
    }
}

/// `2026-12-03 07:40:01.123456` (ODBC) or `2026-12-03-07.40.01.123456` (Db2's own form), as UTC.
pub fn parse_utc(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    let (date, sep, time) = (t.get(..10)?, t.get(10..11)?, t.get(11..)?);
    let time = match sep {
        " " | "T" => time.to_string(),
        // Db2's own form writes `HH.MM.SS.ffffff`.
        "-" => time.replacen('.', ":", 2),
        _ => return None,
    };
    let civil: jiff::civil::DateTime = format!("{date}T{time}").parse().ok()?;
    civil.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// The skew in seconds, this machine minus the server, at the middle of the round trip.
pub fn skew_secs(server: Timestamp, sent: SystemTime, received: SystemTime) -> Option<f64> {
    let sent = Timestamp::try_from(sent).ok()?;
    let received = Timestamp::try_from(received).ok()?;
    let span = received.duration_since(sent);
    let middle = sent.checked_add(span / 2).ok()?;
    Some(middle.duration_since(server).as_secs_f64())
}

pub fn clock(answer: Option<&Answer>) -> Line {
    let text = rows(answer).and_then(|r| r.first()).map(|r| col(r, 0).to_string());
    let (Some(a), Some(server)) = (answer, text.as_deref().and_then(parse_utc)) else {
        return Line::new("clock", Level::Info, unreadable("the server's time", answer));
    };
    let Some(skew) = skew_secs(server, a.sent, a.received) else {
        return Line::new("clock", Level::Info, "this machine's clock cannot be compared");
    };
    let rtt_ms = a.received.duration_since(a.sent).map_or(0.0, |d| d.as_secs_f64() * 1e3);
    let side = if skew >= 0.0 { "ahead of" } else { "behind" };
    let detail = format!(
        "this machine's clock is {:.1} s {side} the database server's ({skew:+.3} s, measured within {rtt_ms:.1} ms)",
        skew.abs()
    );
    if skew.abs() > CLOCK_WARN_SECS {
        Line::new("clock", Level::Warn, format!("{detail}: more than {CLOCK_WARN_SECS} s")).hint(CLOCK_HINT)
    } else {
        Line::new("clock", Level::Pass, detail)
    }
}

// ----------------------------------------------------------------------------------- addresses

const ADDRESS_HINT: &str = "name the database server by its DNS name: after a failover to a server in \
    another network, DNS can point the name at the new address, while an IP address in every pool \
    member's URL cannot follow";

/// WARN for every server the URL names by an IP address.
pub fn addresses(servers: &[Server]) -> Vec<Line> {
    let literal: Vec<String> = servers
        .iter()
        .filter(|s| s.host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok())
        .map(|s| format!("{} {}", s.role, escape(&s.addr())))
        .collect();
    if literal.is_empty() {
        return vec![Line::new(
            "addresses",
            Level::Pass,
            "every server is named by a host name",
        )];
    }
    vec![
        Line::new(
            "addresses",
            Level::Warn,
            format!(
                "named by IP address: {}; DNS can follow a failover between networks, an IP address cannot",
                literal.join(", ")
            ),
        )
        .hint(ADDRESS_HINT),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn info(name: &str, ver: &str) -> ServerInfo {
        ServerInfo {
            dbms_name: Some(name.into()).filter(|s: &String| !s.is_empty()),
            dbms_version: Some(ver.into()),
            ..ServerInfo::default()
        }
    }

    #[test]
    fn versions_against_the_documented_minimums() {
        assert_eq!(version(&info("DB2/LINUXX8664", "11.05.0800")).level, Level::Pass);
        assert_eq!(version(&info("DB2/LINUXX8664", "09.07.0005")).level, Level::Pass);
        assert_eq!(version(&info("DB2/LINUXX8664", "09.07.0004")).level, Level::Warn);
        // No documented minimum: the version is shown, never judged.
        assert_eq!(version(&info("MariaDB", "10.11.000019")).level, Level::Info);
        assert_eq!(version(&info("", "10.14.0000")).level, Level::Info, "Derby");
        assert_eq!(version(&info("Microsoft SQL Server", "16.00.1000")).level, Level::Info);
        assert_eq!(version_numbers("10.11.000019"), [10, 11, 19]);
    }

    #[test]
    fn timestamps_and_skew_with_a_sign() {
        let t = parse_utc("2026-12-03 07:40:01.500000").unwrap();
        assert_eq!(t.to_string(), "2026-12-03T07:40:01.5Z");
        assert_eq!(parse_utc("2026-12-03-07.40.01.500000"), Some(t));
        assert_eq!(
            parse_utc("2026-12-03 07:40:01.5000000").map(|x| x.as_second()),
            Some(t.as_second())
        );
        assert_eq!(parse_utc("yesterday"), None);
        let server = SystemTime::from(t);
        let ahead = skew_secs(t, server + Duration::from_secs(30), server + Duration::from_secs(30)).unwrap();
        assert!((ahead - 30.0).abs() < 1e-6, "{ahead}");
        let behind = skew_secs(t, server - Duration::from_secs(30), server - Duration::from_secs(29)).unwrap();
        assert!((behind + 29.5).abs() < 1e-6, "{behind}");
        let a = Answer {
            rows: Ok(vec![vec![Some("2026-12-03 07:40:01.500000".into())]]),
            sent: server - Duration::from_secs(30),
            received: server - Duration::from_secs(30),
        };
        let l = clock(Some(&a));
        assert_eq!(l.level, Level::Warn);
        assert!(
            l.detail.contains("30.0 s behind") && l.detail.contains("-30.000 s"),
            "{}",
            l.detail
        );
    }

    #[test]
    fn ip_literals_are_named() {
        let s = |h: &str| Server {
            role: crate::jdbc::failover::Role::Primary,
            host: h.into(),
            port: Some(1),
            instance: None,
        };
        assert_eq!(addresses(&[s("db.example.com")])[0].level, Level::Pass);
        let l = &addresses(&[s("db.example.com"), s("2001:db8::1"), s("192.0.2.1")])[0];
        assert_eq!(l.level, Level::Warn);
        assert!(
            l.detail.contains("[2001:db8::1]:1") && l.detail.contains("192.0.2.1:1"),
            "{}",
            l.detail
        );
    }
}
