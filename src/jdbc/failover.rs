//! The servers a URL names: the primary and every failover partner, each with its role, and the
//! offline checks of the partner lists.
//!
//! Where the drivers read the partners:
//! - Db2 JCC (and JTOpen, which takes the same names): `clientRerouteAlternateServerName` and
//!   `clientRerouteAlternatePortNumber`, two comma-separated lists whose entries pair up by
//!   position (IBM Db2 documentation, "Configuration of client reroute for the IBM Data Server
//!   Driver for JDBC and SQLJ"). JCC property names are case-sensitive; JTOpen's are not.
//! - mssql-jdbc: `failoverPartner`, a server name with an optional `\instance`; "the driver does
//!   not support specifying the server instance port number for the failover partner"
//!   (Microsoft, "Setting the connection properties"), so it is 1433 unless an instance is named.
//! - Connector/J: every host after the first in `jdbc:mysql://h1:p1,h2:p2/db` (MySQL Connector/J
//!   documentation, "Configuring Server Failover").

use super::diag::{Code, Diagnostic, Span};
use super::host::{check_host, check_port};
use super::model::{Endpoint, JdbcUrl, Kind, Property};
use serde::Serialize;
use std::fmt;

/// What a server is to Traveler's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The server the URL connects to first.
    Primary,
    /// The n-th alternate (1-based): Db2 client reroute, or a further Connector/J host.
    Alternate(usize),
    /// SQL Server's `failoverPartner`.
    FailoverPartner,
}

impl Role {
    /// The role's JSON name: `primary`, `alternate` or `failover-partner`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Primary => "primary",
            Role::Alternate(_) => "alternate",
            Role::FailoverPartner => "failover-partner",
        }
    }

    /// The alternate's number, if it is one.
    pub fn index(self) -> Option<usize> {
        match self {
            Role::Alternate(n) => Some(n),
            Role::Primary | Role::FailoverPartner => None,
        }
    }
}

/// `primary`, `alternate 2`, `failover partner`.
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Primary => f.write_str("primary"),
            Role::Alternate(n) => write!(f, "alternate {n}"),
            Role::FailoverPartner => f.write_str("failover partner"),
        }
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One server a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub role: Role,
    pub host: String,
    /// The port the driver will use; `None` when it is found at connect time (a SQL Server
    /// instance through the SQL Browser, IBM i through its port mapper).
    pub port: Option<u16>,
    /// SQL Server's `\instance`.
    pub instance: Option<String>,
}

impl Server {
    /// `host:port`, `[v6]:port`, `host\instance`, or the bare host.
    pub fn addr(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match (&self.instance, self.port) {
            (Some(i), None) => format!("{host}\\{i}"),
            (_, Some(p)) => format!("{host}:{p}"),
            (None, None) => host,
        }
    }

    fn same_place(&self, other: &Server) -> bool {
        self.host.eq_ignore_ascii_case(&other.host)
            && self.port == other.port
            && self.instance.as_deref().map(str::to_ascii_lowercase)
                == other.instance.as_deref().map(str::to_ascii_lowercase)
    }
}

/// The primary and every partner, in the order the driver tries them. Entries a diagnostic
/// reported as unusable (an empty or invalid element, an unpaired one) are left out.
pub fn servers(url: &JdbcUrl) -> Vec<Server> {
    let Some(primary) = primary(url) else {
        return Vec::new();
    };
    let mut out = vec![primary];
    out.extend(partners(url, &mut Vec::new()));
    out
}

/// The URL reduced to one of its servers: the same database, user and properties, one host.
/// The ODBC probe of each server is built from it.
pub fn for_server(url: &JdbcUrl, s: &Server) -> JdbcUrl {
    let mut one = url.clone();
    // The primary keeps the port as written, so defaults and notes stay what they were.
    let port = if s.role == Role::Primary {
        url.explicit_port()
    } else {
        s.port
    };
    one.endpoints = vec![Endpoint {
        host: Some(s.host.clone()),
        port,
        host_span: 0..0,
    }];
    if s.role != Role::Primary {
        one.instance = s.instance.clone();
    }
    one
}

fn primary(url: &JdbcUrl) -> Option<Server> {
    let host = url.host()?.to_string();
    Some(Server {
        role: Role::Primary,
        host,
        port: url.port(),
        instance: url.instance.clone().filter(|_| url.explicit_port().is_none()),
    })
}

/// The partners; `d` collects what makes an entry unusable.
fn partners(url: &JdbcUrl, d: &mut Vec<Diagnostic>) -> Vec<Server> {
    match url.kind {
        Kind::Db2 | Kind::As400 => client_reroute(url, d),
        Kind::SqlServer => failover_partner(url, d).into_iter().collect(),
        Kind::MySql => url
            .endpoints
            .iter()
            .skip(1)
            .enumerate()
            .filter_map(|(i, e)| {
                Some(Server {
                    role: Role::Alternate(i + 1),
                    host: e.host.clone()?,
                    port: Some(e.port.unwrap_or(3306)),
                    instance: None,
                })
            })
            .collect(),
        Kind::Derby => Vec::new(),
    }
}

/// A property by name: exactly as spelled for JCC (case-sensitive names), in any case for JTOpen.
fn reroute_property<'a>(url: &'a JdbcUrl, name: &str) -> Option<&'a Property> {
    let exact = url.kind == Kind::Db2;
    url.properties.iter().rev().find(|p| {
        let n = p.name.trim();
        if exact { n == name } else { n.eq_ignore_ascii_case(name) }
    })
}

/// The comma-separated entries of a property value, with their spans in the URL.
fn entries(p: &Property) -> Vec<(&str, Span)> {
    let Some(v) = p.value.as_deref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = 0;
    for part in v.split(',') {
        let start = p.value_span.start + at;
        out.push((part, start..start + part.len()));
        at += part.len() + 1;
    }
    out
}

fn client_reroute(url: &JdbcUrl, d: &mut Vec<Diagnostic>) -> Vec<Server> {
    const NAMES: &str = "clientRerouteAlternateServerName";
    const PORTS: &str = "clientRerouteAlternatePortNumber";
    let names = reroute_property(url, NAMES);
    let ports = reroute_property(url, PORTS);
    let (hosts, nums) = match (names, ports) {
        (None, None) => return Vec::new(),
        (n, p) => (n.map(entries).unwrap_or_default(), p.map(entries).unwrap_or_default()),
    };
    if hosts.len() != nums.len() {
        let span = names.or(ports).map_or(0..0, |p| p.token_span.clone());
        d.push(Diagnostic::error(
            Code::FailoverListLength,
            span,
            format!(
                "{NAMES} lists {} server(s) but {PORTS} lists {} port(s); the driver pairs them by position",
                hosts.len(),
                nums.len()
            ),
            format!(
                "give one port per alternate server, in the same order, e.g. `{NAMES}=db2b,db2c;{PORTS}=50000,50000;`"
            ),
        ));
    }
    let mut out = Vec::new();
    for (i, ((h, hs), (p, ps))) in hosts.iter().zip(nums.iter()).enumerate() {
        if h.trim().is_empty() || p.trim().is_empty() {
            let span = if h.trim().is_empty() { hs.clone() } else { ps.clone() };
            d.push(empty_entry(span, i + 1));
            continue;
        }
        let host = check_host(h, hs.clone(), d);
        let Some(port) = check_port(p, ps.clone(), d) else {
            continue;
        };
        out.push(Server {
            role: Role::Alternate(i + 1),
            host,
            port: Some(port),
            instance: None,
        });
    }
    // An empty entry past the paired ones (`h1,,` against one port) is still an empty entry.
    for (i, (h, hs)) in hosts.iter().enumerate().skip(nums.len()) {
        if h.trim().is_empty() {
            d.push(empty_entry(hs.clone(), i + 1));
        }
    }
    out
}

fn empty_entry(span: Span, n: usize) -> Diagnostic {
    Diagnostic::error(
        Code::FailoverEmptyEntry,
        span,
        format!("entry {n} of the failover list is empty"),
        "remove the extra comma, or write the server (or port) that belongs there",
    )
    .with_label("empty")
}

fn failover_partner(url: &JdbcUrl, d: &mut Vec<Diagnostic>) -> Option<Server> {
    let p = url.property("failoverPartner")?;
    let v = p.value.as_deref()?;
    if v.trim().is_empty() {
        d.push(empty_entry(p.value_span.clone(), 1));
        return None;
    }
    let (host_text, instance) = match v.split_once('\\') {
        Some((h, i)) => (h, Some(i.to_string())),
        None => (v, None),
    };
    let span = p.value_span.start..p.value_span.start + host_text.len();
    let host = check_host(host_text, span, d);
    let port = instance.is_none().then_some(1433);
    Some(Server {
        role: Role::FailoverPartner,
        host,
        port,
        instance,
    })
}

/// The offline checks of the partner lists: lists of different lengths, an empty entry, a
/// partner that is the primary itself. Run by [`super::parse`].
pub(crate) fn check(url: &JdbcUrl, d: &mut Vec<Diagnostic>) {
    let Some(primary) = primary(url) else {
        return;
    };
    let partners = partners(url, d);
    let mut seen: Vec<&Server> = vec![&primary];
    for s in &partners {
        if let Some(same) = seen.iter().find(|o| o.same_place(s)) {
            d.push(Diagnostic::error(
                Code::FailoverSameServer,
                partner_span(url, s),
                format!("the {} {} is the same server as the {}", s.role, s.addr(), same.role),
                "name a different server: a partner that is the primary itself cannot take over when it fails",
            ));
        }
        seen.push(s);
    }
}

/// Where a partner is written, for its diagnostic.
fn partner_span(url: &JdbcUrl, s: &Server) -> Span {
    let none = 0..0;
    match s.role {
        Role::Primary => none,
        Role::FailoverPartner => url.property("failoverPartner").map_or(none, |p| p.value_span.clone()),
        Role::Alternate(n) => match url.kind {
            Kind::MySql => url.endpoints.get(n).map_or(none, |e| e.host_span.clone()),
            Kind::Db2 | Kind::As400 => reroute_property(url, "clientRerouteAlternateServerName")
                .and_then(|p| entries(p).get(n - 1).map(|(_, sp)| sp.clone()))
                .unwrap_or(none),
            Kind::SqlServer | Kind::Derby => none,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jdbc::parse;

    fn codes(url: &str) -> Vec<&'static str> {
        parse(url)
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.as_str())
            .collect()
    }

    fn listed(url: &str) -> Vec<(String, String)> {
        let a = parse(url);
        servers(a.url.as_ref().unwrap())
            .iter()
            .map(|s| (s.role.to_string(), s.addr()))
            .collect()
    }

    #[test]
    fn db2_alternates_pair_up_by_position() {
        let url = "jdbc:db2://db2a.example.com:50000/TRAVELER:clientRerouteAlternateServerName=db2b.example.com,db2c.example.com;clientRerouteAlternatePortNumber=50001,50002;";
        assert_eq!(codes(url), Vec::<&str>::new());
        assert_eq!(
            listed(url),
            [
                ("primary".into(), "db2a.example.com:50000".into()),
                ("alternate 1".into(), "db2b.example.com:50001".into()),
                ("alternate 2".into(), "db2c.example.com:50002".into()),
            ]
        );
    }

    #[test]
    fn inconsistent_db2_lists_are_refused() {
        let base = "jdbc:db2://db2a:50000/TRAVELER:";
        let n = "clientRerouteAlternateServerName";
        let p = "clientRerouteAlternatePortNumber";
        assert_eq!(codes(&format!("{base}{n}=b,c;{p}=50000;")), ["J060"]);
        assert_eq!(codes(&format!("{base}{n}=b;")), ["J060"]);
        assert_eq!(codes(&format!("{base}{n}=b,,c;{p}=1,2,3;")), ["J061"]);
        assert_eq!(codes(&format!("{base}{n}=b,c;{p}=1,;")), ["J061"]);
        assert_eq!(codes(&format!("{base}{n}=db2a;{p}=50000;")), ["J062"]);
        assert_eq!(codes(&format!("{base}{n}=DB2A,b;{p}=50000,1;")), ["J062"]);
        assert_eq!(codes(&format!("{base}{n}=b;{p}=x;")), ["J020"]);
        // Another port on the same host is another server.
        assert_eq!(codes(&format!("{base}{n}=db2a;{p}=50001;")), Vec::<&str>::new());
        // JCC ignores a mis-cased name: no partner, and J051 (a warning) says so.
        assert_eq!(listed(&format!("{base}clientreroutealternateservername=b;")).len(), 1);
    }

    #[test]
    fn sqlserver_failover_partner() {
        let url = "jdbc:sqlserver://sqla.example.com:1433;databaseName=TRAVELER;failoverPartner=sqlb.example.com";
        assert_eq!(
            listed(url),
            [
                ("primary".into(), "sqla.example.com:1433".into()),
                ("failover partner".into(), "sqlb.example.com:1433".into()),
            ]
        );
        let inst = "jdbc:sqlserver://sqla\\TRAV;databaseName=TRAVELER;failoverPartner=sqlb\\TRAV";
        assert_eq!(listed(inst)[1].1, "sqlb\\TRAV");
        assert_eq!(listed(inst)[0].1, "sqla\\TRAV");
        assert_eq!(
            codes("jdbc:sqlserver://sqla;databaseName=T;failoverPartner=SQLA"),
            ["J062"]
        );
        assert_eq!(codes("jdbc:sqlserver://sqla;databaseName=T;failoverPartner="), ["J061"]);
    }

    #[test]
    fn mysql_hosts_after_the_first_are_alternates() {
        let url = "jdbc:mysql://127.0.0.1:3306,[::1]:3307,db3/TRAVELER";
        assert_eq!(
            listed(url),
            [
                ("primary".into(), "127.0.0.1:3306".into()),
                ("alternate 1".into(), "[::1]:3307".into()),
                ("alternate 2".into(), "db3:3306".into()),
            ]
        );
        assert_eq!(codes("jdbc:mysql://h1:3306,H1/TRAVELER"), ["J062"]);
    }

    #[test]
    fn one_server_urls_and_the_reduced_url() {
        assert_eq!(listed("jdbc:derby://h:1527/T").len(), 1);
        let a = parse("jdbc:mysql://h1,h2:3307/TRAVELER?useSSL=false");
        let u = a.url.as_ref().unwrap();
        let all = servers(u);
        let second = for_server(u, &all[1]);
        assert_eq!((second.host(), second.port()), (Some("h2"), Some(3307)));
        assert_eq!(second.endpoints.len(), 1);
        assert_eq!(second.database.as_deref(), Some("TRAVELER"));
        let first = for_server(u, &all[0]);
        assert_eq!((first.host(), first.explicit_port()), (Some("h1"), None));
    }
}
