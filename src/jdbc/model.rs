//! The structured result of parsing a JDBC URL, its documented JSON form and its canonical text.

use super::MASK;
use super::diag::Span;
use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct};
use std::fmt;

/// The URL families Traveler supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// IBM Data Server Driver for JDBC (JCC, `db2jcc4.jar`): Db2 LUW and z/OS.
    Db2,
    /// IBM Toolbox for Java / JTOpen (`jt400.jar`): Db2 for IBM i.
    As400,
    /// Microsoft JDBC Driver for SQL Server (`mssql-jdbc`).
    #[serde(rename = "sqlserver")]
    SqlServer,
    /// MySQL Connector/J.
    #[serde(rename = "mysql")]
    MySql,
    /// Apache Derby, embedded (Traveler's standalone default) or network client.
    Derby,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Db2 => "db2",
            Kind::As400 => "as400",
            Kind::SqlServer => "sqlserver",
            Kind::MySql => "mysql",
            Kind::Derby => "derby",
        }
    }

    /// A human name for messages.
    pub fn product(self) -> &'static str {
        match self {
            Kind::Db2 => "Db2 (JCC driver)",
            Kind::As400 => "Db2 for IBM i (JTOpen driver)",
            Kind::SqlServer => "SQL Server (Microsoft JDBC driver)",
            Kind::MySql => "MySQL (Connector/J)",
            Kind::Derby => "Apache Derby",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Family-specific shape details that the canonical form must preserve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variant {
    /// `jdbc:db2://host[:port]/DB` (type 4) or `jdbc:db2:DB` (type 2, local catalog).
    Db2 {
        type2: bool,
    },
    As400,
    /// What the URL's server part said; properties (`serverName`, `portNumber`,
    /// `instanceName`) override it, and the effective values live in the `JdbcUrl` fields.
    SqlServer {
        host: Option<String>,
        instance: Option<String>,
        port: Option<u16>,
    },
    /// `sub` is `loadbalance` or `replication` when given (`jdbc:mysql:loadbalance://`).
    MySql {
        sub: Option<String>,
    },
    /// Embedded with an optional sub-subprotocol prefix as written (`memory:`, `directory:`,
    /// `classpath:`, `jar:(path)`), or the network client.
    DerbyEmbedded {
        subsub: Option<String>,
    },
    DerbyNetwork,
}

/// One `host[:port]` of a URL. `port` is only what the URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: Option<String>,
    pub port: Option<u16>,
    /// Byte span of the host text in the URL (empty when absent).
    pub host_span: Span,
}

/// One property as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The name as spelled (trimmed where the driver trims).
    pub name: String,
    /// The value after the driver's unescaping (braces removed, percent-decoded, trimmed
    /// where the driver trims). `None` when the token had no `=`.
    pub value: Option<String>,
    /// The whole token including its leading or trailing separator, for removal.
    pub token_span: Span,
    pub name_span: Span,
    /// Span of the value text (inside the braces for a braced value).
    pub value_span: Span,
    /// The value equals a secret the tool knows (the password given for the connection), so it
    /// is masked whatever the property is called ([`JdbcUrl::mark_known_secrets`]).
    pub known_secret: bool,
}

/// A secret value typed into a URL is wiped when the parse result goes away.
impl Drop for Property {
    fn drop(&mut self) {
        if self.is_secret()
            && let Some(v) = &mut self.value
        {
            zeroize::Zeroize::zeroize(v);
        }
    }
}

impl Drop for UserInfo {
    fn drop(&mut self) {
        if let Some(p) = &mut self.password {
            zeroize::Zeroize::zeroize(p);
        }
    }
}

impl Property {
    /// True for any property whose value is a secret and must never be displayed:
    /// `password`, `sslTrustStorePassword`, `key ring password`, `bootPassword`, `pwd`, ...
    pub fn is_secret(&self) -> bool {
        self.known_secret || crate::secret::is_secret_name(&self.name)
    }

    /// True for the connection password itself (`password`, any case), the one that is
    /// lifted into the encrypted store.
    pub fn is_password(&self) -> bool {
        self.name.trim().eq_ignore_ascii_case("password")
    }
}

/// A parsed JDBC URL. Built by [`crate::jdbc::parse`]; valid only if no error diagnostics came
/// with it, but always the best reading of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JdbcUrl {
    pub kind: Kind,
    pub variant: Variant,
    /// Every endpoint; most families have exactly one, Connector/J may list several.
    pub endpoints: Vec<Endpoint>,
    /// Connector/J `user[:password]@` in front of the host. The password part is a secret.
    pub userinfo: Option<UserInfo>,
    /// SQL Server `\instance` (as given; the driver lower-cases it).
    pub instance: Option<String>,
    /// The database the URL selects; see the JSON docs for what this means per family.
    pub database: Option<String>,
    /// The default schema (JTOpen `/schema`, JCC `currentSchema`).
    pub schema: Option<String>,
    /// The path part as written (Db2 database, JTOpen schema, MySQL db, Derby db name).
    pub path: Option<String>,
    pub properties: Vec<Property>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub user: String,
    pub password: Option<String>,
    /// Span of `user[:password]@` including the `@`.
    pub span: Span,
    /// Span of the password text (decoded value lives in `password`).
    pub password_span: Option<Span>,
}

impl JdbcUrl {
    /// An empty reading of one family, which its parser fills in.
    pub fn new(kind: Kind, variant: Variant) -> JdbcUrl {
        JdbcUrl {
            kind,
            variant,
            endpoints: Vec::new(),
            userinfo: None,
            instance: None,
            database: None,
            schema: None,
            path: None,
            properties: Vec::new(),
        }
    }

    /// The first endpoint's host.
    pub fn host(&self) -> Option<&str> {
        self.endpoints.first().and_then(|e| e.host.as_deref())
    }

    /// The port as written in the URL.
    pub fn explicit_port(&self) -> Option<u16> {
        self.endpoints.first().and_then(|e| e.port)
    }

    /// The port the driver will use: the explicit one, else the driver's fixed default.
    /// `None` when it is resolved at connect time (SQL Server instance via the SQL Browser,
    /// JTOpen via the IBM i port mapper) or when there is no network (Derby embedded, Db2 type 2).
    pub fn port(&self) -> Option<u16> {
        self.explicit_port().or_else(|| self.default_port())
    }

    pub fn port_is_default(&self) -> bool {
        self.explicit_port().is_none() && self.default_port().is_some()
    }

    fn default_port(&self) -> Option<u16> {
        match (&self.variant, self.kind) {
            // JCC's documented default is 446 (DRDA), not Db2 LUW's usual 50000.
            (Variant::Db2 { type2: false }, _) => Some(446),
            (Variant::SqlServer { .. }, _) if self.instance.is_none() => Some(1433),
            (Variant::MySql { .. }, _) => Some(3306),
            (Variant::DerbyNetwork, _) => Some(1527),
            _ => None,
        }
    }

    /// Case-insensitive lookup of the last property with this name (JTOpen, mssql-jdbc and
    /// Connector/J let the last occurrence win).
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .rev()
            .find(|p| p.name.trim().eq_ignore_ascii_case(name))
    }

    /// The value of a property, case-insensitively, if it has one.
    pub fn property_value(&self, name: &str) -> Option<&str> {
        self.property(name).and_then(|p| p.value.as_deref())
    }

    /// The password carried by the URL itself (a `password` property or Connector/J userinfo).
    pub fn password(&self) -> Option<&str> {
        self.properties
            .iter()
            .rev()
            .find(|p| p.is_password())
            .and_then(|p| p.value.as_deref())
            .or_else(|| self.userinfo.as_ref().and_then(|u| u.password.as_deref()))
    }

    /// Byte spans of every secret value in the source URL, for masked rendering.
    pub fn secret_spans(&self) -> Vec<Span> {
        let mut v: Vec<Span> = self
            .properties
            .iter()
            .filter(|p| p.is_secret() && p.value.is_some() && !p.value_span.is_empty())
            .map(|p| p.value_span.clone())
            .collect();
        if let Some(s) = self.userinfo.as_ref().and_then(|u| u.password_span.clone()) {
            v.push(s);
        }
        v.sort_by_key(|s| s.start);
        v
    }

    /// Marks every property whose value equals one of `known` (passwords the tool holds) as a
    /// secret, so it is masked in every display whatever its name.
    pub fn mark_known_secrets(&mut self, known: &[&str]) {
        for p in &mut self.properties {
            if p.value.as_deref().is_some_and(|v| !v.is_empty() && known.contains(&v)) {
                p.known_secret = true;
            }
        }
    }

    /// The documented JSON form (passwords masked). See `docs/jdbc-url-json.md`.
    pub fn report(&self) -> UrlReport<'_> {
        UrlReport { url: self }
    }
}

/// Serialises a [`JdbcUrl`] in the documented JSON form:
/// `{"kind","host","port","port_is_default","instance","database","schema","hosts",
///   "properties":[[name,value]...],"normalized"}`; secrets are `*****`.
pub struct UrlReport<'a> {
    url: &'a JdbcUrl,
}

struct MaskedProps<'a>(&'a [Property]);

impl Serialize for MaskedProps<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for p in self.0 {
            let value = match (&p.value, p.is_secret()) {
                (Some(_), true) => Some(MASK),
                (Some(v), false) => Some(v.as_str()),
                (None, _) => None,
            };
            seq.serialize_element(&(p.name.as_str(), value))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct HostJson<'a> {
    host: Option<&'a str>,
    port: Option<u16>,
}

impl Serialize for UrlReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let u = self.url;
        let mut st = s.serialize_struct("JdbcUrl", 11)?;
        st.serialize_field("kind", &u.kind)?;
        st.serialize_field("host", &u.host())?;
        st.serialize_field("port", &u.port())?;
        st.serialize_field("port_is_default", &u.port_is_default())?;
        st.serialize_field("instance", &u.instance)?;
        st.serialize_field("database", &u.database)?;
        st.serialize_field("schema", &u.schema)?;
        let hosts: Vec<HostJson> = u
            .endpoints
            .iter()
            .map(|e| HostJson {
                host: e.host.as_deref(),
                port: e.port,
            })
            .collect();
        st.serialize_field("hosts", &hosts)?;
        st.serialize_field("user", &u.userinfo.as_ref().map(|x| x.user.as_str()))?;
        st.serialize_field("properties", &MaskedProps(&u.properties))?;
        st.serialize_field("normalized", &u.canonical(true))?;
        st.end()
    }
}
