//! JDBC URL → DSN-less ODBC connection string, per driver family.
//!
//! `db check` cannot load the JDBC driver (there is no JVM), so it proves the same settings
//! through the ODBC driver of the same database. The keyword mapping follows each driver's own
//! documentation (Db2 CLI keywords, IBM i Access connection-string keywords, Microsoft ODBC
//! `DSN and connection string keywords`, FreeTDS `odbc.h`'s `ODBC_PARAM_LIST`, MySQL
//! Connector/ODBC parameters, MariaDB Connector/ODBC `ma_dsn.c`).
//!
//! Three rules hold for every family:
//! - **no keyword twice**: drivers disagree on which copy wins (the Db2 CLI driver keeps the
//!   first `Pwd=`, psqlODBC and MariaDB the last), so [`ConnString::set`] refuses a second one;
//! - **values are braced** when they hold a character that ends or confuses a value in the
//!   drivers' parsers (`;`, `{`, `}`, `+`, surrounding blanks), and a `}` inside braces is
//!   doubled (ODBC `SQLDriverConnect` grammar). Commas, colons and `=` stay bare: the documented
//!   `Server=tcp:host,1433` form depends on it, and every driver here splits a pair at its first
//!   `=`. (odbc-api's own escaper braces only for `;` and `+`, and does not double `}`);
//! - **the driver's own timeout keyword** is included where it has one, because some drivers
//!   ignore `SQL_ATTR_LOGIN_TIMEOUT` (MariaDB Connector/ODBC 3.1 hangs on a silent server unless
//!   given `CONN_TIMEOUT`).

use super::MASK;
use super::model::{JdbcUrl, Kind, Variant};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::path::Path;

/// The ODBC drivers `db check` can drive, by the database they reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriverFamily {
    /// IBM Data Server Driver for ODBC and CLI (`libdb2.so`): Db2 and Derby network servers.
    Db2Cli,
    /// IBM i Access ODBC Driver (`libcwbodbc.so`).
    IbmiAccess,
    /// Microsoft ODBC Driver 18 for SQL Server.
    MsOdbc18,
    /// Microsoft ODBC Driver 17 for SQL Server.
    MsOdbc17,
    /// FreeTDS (`libtdsodbc.so`).
    FreeTds,
    /// MySQL Connector/ODBC.
    MySqlOdbc,
    /// MariaDB Connector/ODBC (`libmaodbc.so`); also reaches MySQL servers.
    MariaDbOdbc,
}

impl DriverFamily {
    /// Families that can reach a URL's database, in order of preference.
    pub fn candidates(url: &JdbcUrl) -> &'static [DriverFamily] {
        match (url.kind, &url.variant) {
            (Kind::Db2, _) | (Kind::Derby, Variant::DerbyNetwork) => &[DriverFamily::Db2Cli],
            (Kind::As400, _) => &[DriverFamily::IbmiAccess],
            (Kind::SqlServer, _) => &[DriverFamily::MsOdbc18, DriverFamily::MsOdbc17, DriverFamily::FreeTds],
            (Kind::MySql, _) => &[DriverFamily::MySqlOdbc, DriverFamily::MariaDbOdbc],
            (Kind::Derby, _) => &[],
        }
    }

    /// Tells the family from a driver manager entry: its name (`[MariaDB Unicode]`) and, when
    /// known, the `Driver=` library path (`libmaodbc.so`), which is more reliable than the name.
    pub fn from_driver(name: &str, library: Option<&str>) -> Option<DriverFamily> {
        let lib = library
            .and_then(|l| l.rsplit('/').next())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let by_lib = [
            ("libdb2", DriverFamily::Db2Cli),
            ("libcwbodbc", DriverFamily::IbmiAccess),
            ("libmsodbcsql-18", DriverFamily::MsOdbc18),
            ("libmsodbcsql-17", DriverFamily::MsOdbc17),
            ("libtdsodbc", DriverFamily::FreeTds),
            ("libmaodbc", DriverFamily::MariaDbOdbc),
            ("libmyodbc", DriverFamily::MySqlOdbc),
        ];
        if let Some((_, f)) = by_lib.iter().find(|(p, _)| lib.starts_with(p)) {
            return Some(*f);
        }
        let n = name.to_ascii_lowercase();
        let by_name = [
            ("odbc driver 18 for sql server", DriverFamily::MsOdbc18),
            ("odbc driver 17 for sql server", DriverFamily::MsOdbc17),
            ("freetds", DriverFamily::FreeTds),
            ("mariadb", DriverFamily::MariaDbOdbc),
            ("mysql", DriverFamily::MySqlOdbc),
            ("ibm i access", DriverFamily::IbmiAccess),
            ("iseries access", DriverFamily::IbmiAccess),
            ("client access", DriverFamily::IbmiAccess),
            ("db2", DriverFamily::Db2Cli),
        ];
        by_name.iter().find(|(p, _)| n.contains(p)).map(|(_, f)| *f)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DriverFamily::Db2Cli => "db2-cli",
            DriverFamily::IbmiAccess => "ibmi-access",
            DriverFamily::MsOdbc18 => "ms-odbc18",
            DriverFamily::MsOdbc17 => "ms-odbc17",
            DriverFamily::FreeTds => "freetds",
            DriverFamily::MySqlOdbc => "mysql-odbc",
            DriverFamily::MariaDbOdbc => "mariadb-odbc",
        }
    }
}

/// JSON uses the same names as the report (`mariadb-odbc`, `db2-cli`, ...).
impl serde::Serialize for DriverFamily {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for DriverFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to connect with, besides the URL.
pub struct OdbcRequest<'a> {
    /// The driver's name as registered with the driver manager (`Driver={...}`).
    pub driver: &'a str,
    pub family: DriverFamily,
    /// The stored user; when `None`, a `user` in the URL is used.
    pub user: Option<&'a str>,
    /// The stored password; when `None`, a password in the URL is used.
    pub password: Option<&'a SecretString>,
    /// Seconds; 0 means no timeout keyword.
    pub timeout_secs: u32,
    /// PEM file of trusted CA certificates for TLS server verification.
    pub ca_file: Option<&'a Path>,
}

/// A translated connection string.
pub struct Translation {
    /// The string to hand to `SQLDriverConnect` (holds the password).
    pub connection_string: SecretString,
    /// The same with every secret written as `*****`, safe to print.
    pub display: String,
    /// Settings that could not be carried over, or were approximated.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslateError {
    #[error("the {family} ODBC driver cannot reach a {kind} database")]
    FamilyMismatch { kind: Kind, family: DriverFamily },
    #[error("an embedded Derby database runs inside Traveler's JVM; there is no ODBC path to it")]
    EmbeddedDerby,
}

/// ODBC connection string under construction: `Driver={name}` then ordered,
/// case-insensitively unique keywords.
pub struct ConnString {
    driver: String,
    pairs: Vec<(String, String, bool)>,
}

impl ConnString {
    pub fn new(driver: &str) -> Self {
        ConnString {
            driver: driver.to_string(),
            pairs: Vec::new(),
        }
    }

    /// Adds `key=value` unless the key is already present (the first setting wins, so callers
    /// add the most specific source first). Returns whether it was added.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
        self.insert(key, value.into(), false)
    }

    /// Like [`ConnString::set`] for a secret value (masked in [`ConnString::display`]).
    pub fn set_secret(&mut self, key: &str, value: &str) -> bool {
        self.insert(key, value.to_string(), true)
    }

    fn insert(&mut self, key: &str, value: String, secret: bool) -> bool {
        if key.eq_ignore_ascii_case("Driver") || self.pairs.iter().any(|(k, _, _)| k.eq_ignore_ascii_case(key)) {
            return false;
        }
        self.pairs.push((key.to_string(), value, secret));
        true
    }

    fn render(&self, mask: bool) -> String {
        // The driver name always goes in braces (names like `MariaDB Unicode` hold blanks).
        let mut out = format!("Driver={{{}}};", self.driver.replace('}', "}}"));
        for (k, v, secret) in &self.pairs {
            out.push_str(k);
            out.push('=');
            if mask && *secret {
                out.push_str(MASK);
            } else {
                out.push_str(&escape_value(v));
            }
            out.push(';');
        }
        out
    }

    pub fn display(&self) -> String {
        self.render(true)
    }

    pub fn expose(&self) -> SecretString {
        SecretString::from(self.render(false))
    }
}

impl Drop for ConnString {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (_, v, secret) in &mut self.pairs {
            if *secret {
                v.zeroize();
            }
        }
    }
}

/// Braces a value when a driver's parser needs it; doubles `}` inside braces.
pub fn escape_value(v: &str) -> String {
    let special = v.contains([';', '{', '}', '+']);
    if special || v.trim() != v {
        format!("{{{}}}", v.replace('}', "}}"))
    } else {
        v.to_string()
    }
}

/// Translates a parsed URL into an ODBC connection string for one driver family.
pub fn translate(url: &JdbcUrl, req: &OdbcRequest<'_>) -> Result<Translation, TranslateError> {
    if url.kind == Kind::Derby && !matches!(url.variant, Variant::DerbyNetwork) {
        return Err(TranslateError::EmbeddedDerby);
    }
    if !DriverFamily::candidates(url).contains(&req.family) {
        return Err(TranslateError::FamilyMismatch {
            kind: url.kind,
            family: req.family,
        });
    }
    let mut cs = ConnString::new(req.driver);
    let mut notes = Vec::new();
    let user = req
        .user
        .map(str::to_string)
        .or_else(|| url.property_value("user").map(str::to_string))
        .or_else(|| url.userinfo.as_ref().map(|u| u.user.clone()));
    // A transient plain copy for building the string; wiped when this function returns.
    let password: Option<zeroize::Zeroizing<String>> = req
        .password
        .map(|p| p.expose_secret().to_string())
        .or_else(|| url.password().map(str::to_string))
        .map(zeroize::Zeroizing::new);
    let host = url.host().map(str::to_string);
    let i = Inputs {
        url,
        family: req.family,
        host,
        user,
        password: password.as_ref().map(|p| p.as_str()),
        timeout: req.timeout_secs,
        ca: req.ca_file,
    };
    match req.family {
        DriverFamily::Db2Cli => db2(i, &mut cs, &mut notes),
        DriverFamily::IbmiAccess => ibmi(i, &mut cs, &mut notes),
        DriverFamily::MsOdbc17 | DriverFamily::MsOdbc18 => mssql(i, &mut cs, &mut notes),
        DriverFamily::FreeTds => freetds(i, &mut cs, &mut notes),
        DriverFamily::MySqlOdbc | DriverFamily::MariaDbOdbc => mysql(i, &mut cs, &mut notes),
    }
    Ok(Translation {
        connection_string: cs.expose(),
        display: cs.display(),
        notes,
    })
}

/// What every family's mapping reads.
struct Inputs<'a> {
    url: &'a JdbcUrl,
    family: DriverFamily,
    host: Option<String>,
    user: Option<String>,
    password: Option<&'a str>,
    timeout: u32,
    ca: Option<&'a Path>,
}

fn credentials(cs: &mut ConnString, user_key: &str, pw_key: &str, user: Option<String>, pw: Option<&str>) {
    if let Some(u) = user {
        cs.set(user_key, u);
    }
    if let Some(p) = pw {
        cs.set_secret(pw_key, p);
    }
}

/// Does the URL ask its JDBC driver for TLS? Then `db check` hands the configured truststore's
/// CA certificates to the ODBC driver ([`OdbcRequest::ca_file`]).
/// - Db2 JCC: `sslConnection=true`; JTOpen: `secure=true`;
/// - mssql-jdbc: `encrypt` other than `false`/`optional` (10.2+ encrypts by default);
/// - Connector/J 8: `sslMode` REQUIRED/VERIFY_CA/VERIFY_IDENTITY, or `useSSL=true`.
///   PREFERRED (the default) falls back to plaintext, so it does not count.
pub fn wants_tls(url: &JdbcUrl) -> bool {
    match url.kind {
        Kind::Db2 => is_true(url, "sslConnection"),
        Kind::As400 => is_true(url, "secure"),
        Kind::SqlServer => !url
            .property_value("encrypt")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "no" | "optional")),
        Kind::MySql => match url.property_value("sslMode") {
            Some(m) => matches!(
                m.trim().to_ascii_uppercase().as_str(),
                "REQUIRED" | "VERIFY_CA" | "VERIFY_IDENTITY"
            ),
            None => url
                .property_value("useSSL")
                .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "yes")),
        },
        Kind::Derby => false,
    }
}

fn is_true(url: &JdbcUrl, name: &str) -> bool {
    url.property_value(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn db2(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        timeout: t,
        ca,
        ..
    } = i;
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
        if url.kind == Kind::Derby && db.chars().any(|c| c.is_lowercase()) {
            // The Db2 driver upper-cases Database= while Derby names are case-sensitive
            // directories (seen: "Database 'TRAVELER' not found" for a db created as traveler).
            notes.push(format!(
                "the Db2 driver sends the database name upper-cased; Derby looks for `{db}` exactly"
            ));
        }
    }
    if let Some(h) = host {
        cs.set("Hostname", h);
        cs.set("Port", url.port().unwrap_or(446).to_string());
        cs.set("Protocol", "TCPIP");
    }
    credentials(cs, "Uid", "Pwd", user, pw);
    // JCC's default securityMechanism is CLEAR_TEXT_PASSWORD_SECURITY (3): user and password
    // sent to the server, which is what CLI calls Authentication=SERVER. The CLI default
    // negotiates an encrypted mechanism instead, which Derby rejects (SQL30082N reason 17).
    let auth = match url.property_value("securityMechanism").map(str::trim) {
        Some("7") | Some("9") => "SERVER_ENCRYPT",
        Some("13") => "SERVER_ENCRYPT_AES",
        Some("11") => "KERBEROS",
        _ => "SERVER",
    };
    cs.set("Authentication", auth);
    if t > 0 {
        // CLI ConnectTimeout: 0..32767 seconds.
        cs.set("ConnectTimeout", t.min(32767).to_string());
    }
    if is_true(url, "sslConnection") {
        cs.set("Security", "SSL");
        if let Some(ca) = ca {
            cs.set("SSLServerCertificate", ca.display().to_string());
        } else if url.property_value("sslTrustStoreLocation").is_some() {
            notes.push("sslTrustStoreLocation is a Java keystore; the CLI driver needs a PEM file (configure the truststore with `ssl set`)".into());
        }
    }
    if let Some(s) = url.property_value("currentSchema") {
        cs.set("CurrentSchema", s.to_string());
    }
}

fn ibmi(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        ..
    } = i;
    // An empty system in a JTOpen URL means the local IBM i.
    cs.set("System", host.unwrap_or_else(|| "localhost".into()));
    credentials(cs, "UID", "PWD", user, pw);
    if let Some(db) = &url.database {
        cs.set("DATABASE", db.clone());
    }
    // Default schema first, then the library list; JDBC's *LIBL placeholder is *USRLIBL here.
    let mut dbq: Vec<String> = Vec::new();
    if let Some(s) = &url.schema {
        dbq.push(s.clone());
    }
    if let Some(libs) = url.property_value("libraries") {
        for l in libs.split([',', ' ']).map(str::trim).filter(|l| !l.is_empty()) {
            let l = if l.eq_ignore_ascii_case("*LIBL") {
                "*USRLIBL".to_string()
            } else {
                l.to_string()
            };
            if !dbq.iter().any(|x| x.eq_ignore_ascii_case(&l)) {
                dbq.push(l);
            }
        }
    }
    if !dbq.is_empty() {
        cs.set("DBQ", dbq.join(","));
    }
    let naming = url.property_value("naming").map(|v| v.trim().to_ascii_lowercase());
    cs.set("NAM", if naming.as_deref() == Some("system") { "1" } else { "0" });
    // CommitMode: 0 *NONE, 1 *CS, 2 *CHG, 3 *ALL, 4 *RR.
    if let Some(iso) = url.property_value("transaction isolation") {
        let cmt = match iso.trim().to_ascii_lowercase().as_str() {
            "none" => Some("0"),
            "read committed" => Some("1"),
            "read uncommitted" => Some("2"),
            "repeatable read" => Some("3"),
            "serializable" => Some("4"),
            _ => None,
        };
        if let Some(c) = cmt {
            cs.set("CMT", c);
        }
    }
    if let Some(acc) = url.property_value("access") {
        let ct = match acc.trim().to_ascii_lowercase().as_str() {
            "all" => Some("0"),
            "read call" => Some("1"),
            "read only" => Some("2"),
            _ => None,
        };
        if let Some(c) = ct {
            cs.set("CONNTYPE", c);
        }
    }
    if is_true(url, "secure") {
        cs.set("SSL", "1");
    }
    if url.explicit_port().is_some() {
        notes.push("IBM i Access finds the database server through the port mapper; the URL's port is not used".into());
    }
    notes.push(
        "IBM i Access has no connect-timeout keyword; the login timeout attribute and the watchdog bound the attempt"
            .into(),
    );
}

fn mssql(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        family,
        host,
        user,
        password: pw,
        timeout: t,
        ..
    } = i;
    let host = host.unwrap_or_else(|| "localhost".into());
    // "If you use both a portNumber and instanceName, the portNumber takes precedence".
    let server = match (url.explicit_port(), &url.instance) {
        (Some(p), _) => format!("tcp:{host},{p}"),
        (None, Some(i)) => format!("{host}\\{i}"),
        (None, None) => format!("tcp:{host},1433"),
    };
    cs.set("Server", server);
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    let v18 = family == DriverFamily::MsOdbc18;
    // mssql-jdbc ≥ 10.2 encrypts by default; ODBC 17 does not, so say it explicitly.
    let enc = url.property_value("encrypt").map(|v| v.trim().to_ascii_lowercase());
    let encrypt = match enc.as_deref() {
        Some("false" | "no" | "optional") => {
            if v18 {
                "Optional"
            } else {
                "no"
            }
        }
        Some("strict") if v18 => "Strict",
        Some("strict") => {
            notes.push("encrypt=strict (TDS 8) needs ODBC Driver 18; ODBC 17 uses Encrypt=yes".into());
            "yes"
        }
        _ => {
            if v18 {
                "Mandatory"
            } else {
                "yes"
            }
        }
    };
    cs.set("Encrypt", encrypt);
    if is_true(url, "trustServerCertificate") {
        cs.set("TrustServerCertificate", "yes");
    }
    if let Some(h) = url.property_value("hostNameInCertificate") {
        if v18 {
            cs.set("HostnameInCertificate", h.to_string());
        } else {
            notes.push("hostNameInCertificate needs ODBC Driver 18".into());
        }
    }
    if is_true(url, "multiSubnetFailover") {
        cs.set("MultiSubnetFailover", "Yes");
    }
    if let Some(ai) = url.property_value("applicationIntent") {
        cs.set("ApplicationIntent", ai.trim().to_string());
    }
    if t > 0 && v18 {
        // ConnectTimeout exists from ODBC Driver 18.7; older builds ignore unknown keywords.
        cs.set("ConnectTimeout", t.to_string());
    } else if t > 0 {
        notes.push("ODBC Driver 17 has no connect-timeout keyword; the login timeout attribute and the watchdog bound the attempt".into());
    }
}

fn freetds(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        timeout: t,
        ..
    } = i;
    let host = host.unwrap_or_else(|| "localhost".into());
    // FreeTDS's parse_server() handles `host\instance` or `host,port` and has no `tcp:`
    // prefix; with a `\` it does not parse a port, so a port goes in Port= instead.
    match (url.explicit_port(), &url.instance) {
        (Some(p), _) => {
            cs.set("Server", host);
            cs.set("Port", p.to_string());
        }
        (None, Some(i)) => {
            cs.set("Server", format!("{host}\\{i}"));
        }
        (None, None) => {
            cs.set("Server", host);
            cs.set("Port", "1433");
        }
    }
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    cs.set("TDS_Version", "7.4");
    let enc = url.property_value("encrypt").map(|v| v.trim().to_ascii_lowercase());
    let off = matches!(enc.as_deref(), Some("false" | "no" | "optional"));
    cs.set("Encryption", if off { "off" } else { "require" });
    if is_true(url, "trustServerCertificate") {
        notes.push("FreeTDS does not verify server certificates unless given a CA file; trustServerCertificate has no equivalent".into());
    }
    if t > 0 {
        // FreeTDS's ODBC keywords have no connect timeout (`Timeout=` sets the *query* timeout:
        // TDS_STR_TIMEOUT → login->query_timeout; 1.3.17's libtdsodbc.so knows no
        // `ConnectionTimeout`). It honours SQL_ATTR_LOGIN_TIMEOUT (HYT00 after the deadline).
        notes.push("FreeTDS has no connect-timeout keyword; it honours the login timeout attribute".into());
    }
}

fn mysql(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        family,
        host,
        user,
        password: pw,
        timeout: t,
        ca,
    } = i;
    let maria = family == DriverFamily::MariaDbOdbc;
    if url.endpoints.len() > 1 && !maria {
        let list: Vec<String> = url
            .endpoints
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e.host.clone().unwrap_or_else(|| "localhost".into()),
                    e.port.unwrap_or(3306)
                )
            })
            .collect();
        cs.set("SERVER", list.join(","));
        cs.set("MULTI_HOST", "1");
    } else {
        cs.set("SERVER", host.unwrap_or_else(|| "localhost".into()));
        cs.set("PORT", url.port().unwrap_or(3306).to_string());
        if url.endpoints.len() > 1 {
            notes.push("MariaDB Connector/ODBC takes one server; only the first host is checked".into());
        }
    }
    if let Some(db) = &url.database {
        cs.set("DATABASE", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    // Connector/J 8: sslMode wins over useSSL; useSSL=true means REQUIRED (VERIFY_CA with
    // verifyServerCertificate=true), useSSL=false means DISABLED; the default is PREFERRED.
    let mode = match url.property_value("sslMode") {
        Some(m) => Some(m.trim().to_ascii_uppercase()),
        None => match url.property_value("useSSL").map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v == "true" || v == "yes" => Some(if is_true(url, "verifyServerCertificate") {
                "VERIFY_CA".to_string()
            } else {
                "REQUIRED".to_string()
            }),
            Some(_) => Some("DISABLED".to_string()),
            None => None,
        },
    };
    let mode = if ca.is_some() && matches!(mode.as_deref(), Some("REQUIRED") | None | Some("PREFERRED")) {
        // A configured truststore means the admin wants the server verified.
        Some("VERIFY_CA".to_string())
    } else {
        mode
    };
    if maria {
        if t > 0 {
            // MariaDB Connector/ODBC ignores SQL_ATTR_LOGIN_TIMEOUT on a server that accepts TCP
            // and never answers; only CONN_TIMEOUT bounds it.
            cs.set("CONN_TIMEOUT", t.to_string());
        }
        match mode.as_deref() {
            Some("REQUIRED") => {
                cs.set("FORCETLS", "1");
            }
            Some("VERIFY_CA" | "VERIFY_IDENTITY") => {
                cs.set("FORCETLS", "1");
                cs.set("SSLVERIFY", "1");
            }
            Some("PREFERRED") => {
                notes.push("MariaDB Connector/ODBC has no 'preferred' TLS mode; it connects without TLS".into())
            }
            _ => {}
        }
        if let Some(ca) = ca {
            cs.set("SSLCA", ca.display().to_string());
        }
    } else {
        if let Some(m) = mode {
            cs.set("SSLMODE", m);
        }
        if let Some(ca) = ca {
            cs.set("SSLCA", ca.display().to_string());
        }
        if t > 0 {
            notes.push("MySQL Connector/ODBC has no connect-timeout keyword; it maps the login timeout attribute to MYSQL_OPT_CONNECT_TIMEOUT".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jdbc::parse;

    fn tr(url: &str, family: DriverFamily, driver: &str, pw: &str) -> Translation {
        let a = parse(url);
        let u = a.url.as_ref().unwrap();
        let pw = SecretString::from(pw.to_string());
        translate(
            u,
            &OdbcRequest {
                driver,
                family,
                user: Some("LNTUSER"),
                password: Some(&pw),
                timeout_secs: 10,
                ca_file: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn db2_cli() {
        let t = tr(
            "jdbc:db2://db2.example.com:50000/TRAVELER",
            DriverFamily::Db2Cli,
            "DB2",
            "p;w}d",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={DB2};Database=TRAVELER;Hostname=db2.example.com;Port=50000;Protocol=TCPIP;Uid=LNTUSER;Pwd={p;w}}d};Authentication=SERVER;ConnectTimeout=10;"
        );
        assert_eq!(
            t.display,
            "Driver={DB2};Database=TRAVELER;Hostname=db2.example.com;Port=50000;Protocol=TCPIP;Uid=LNTUSER;Pwd=*****;Authentication=SERVER;ConnectTimeout=10;"
        );
    }

    #[test]
    fn wants_tls_follows_each_driver() {
        let w = |u: &str| wants_tls(parse(u).url.as_ref().unwrap());
        assert!(w("jdbc:db2://h:50001/T:sslConnection=true;"));
        assert!(!w("jdbc:db2://h:50000/T"));
        assert!(w("jdbc:as400://h;secure=true"));
        assert!(!w("jdbc:as400://h"));
        assert!(w("jdbc:sqlserver://h;databaseName=T"));
        assert!(!w("jdbc:sqlserver://h;databaseName=T;encrypt=false"));
        assert!(w("jdbc:mysql://h/T?sslMode=VERIFY_CA"));
        assert!(w("jdbc:mysql://h/T?useSSL=true"));
        assert!(!w("jdbc:mysql://h/T?sslMode=PREFERRED"));
        assert!(!w("jdbc:mysql://h/T"));
        assert!(!w("jdbc:derby://h:1527/T"));
    }

    #[test]
    fn db2_cli_tls_default_port_and_no_duplicate_password() {
        // The URL's own password must not produce a second Pwd= next to the stored one.
        let t = tr(
            "jdbc:db2://[2001:db8::5]/TRAVELER:sslConnection=true;password=inurl;currentSchema=LNT;securityMechanism=9;",
            DriverFamily::Db2Cli,
            "IBM DB2 ODBC DRIVER",
            "stored",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={IBM DB2 ODBC DRIVER};Database=TRAVELER;Hostname=2001:db8::5;Port=446;Protocol=TCPIP;Uid=LNTUSER;Pwd=stored;Authentication=SERVER_ENCRYPT;ConnectTimeout=10;Security=SSL;CurrentSchema=LNT;"
        );
    }

    #[test]
    fn derby_network_through_db2_cli() {
        let t = tr(
            "jdbc:derby://127.0.0.1:1527/traveler",
            DriverFamily::Db2Cli,
            "DB2",
            "app",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={DB2};Database=traveler;Hostname=127.0.0.1;Port=1527;Protocol=TCPIP;Uid=LNTUSER;Pwd=app;Authentication=SERVER;ConnectTimeout=10;"
        );
        assert_eq!(t.notes.len(), 1);
        let a = parse("jdbc:derby:/local/notesdata/traveler/ntsdb");
        let pw = SecretString::from("x".to_string());
        let r = translate(
            a.url.as_ref().unwrap(),
            &OdbcRequest {
                driver: "DB2",
                family: DriverFamily::Db2Cli,
                user: None,
                password: Some(&pw),
                timeout_secs: 0,
                ca_file: None,
            },
        );
        assert_eq!(r.err(), Some(TranslateError::EmbeddedDerby));
    }

    #[test]
    fn ibmi_access() {
        let t = tr(
            "jdbc:as400://ibmi.example.com/TRAVELER;database name=IASP1;naming=system;libraries=LNT,*LIBL;transaction isolation=read committed;secure=true",
            DriverFamily::IbmiAccess,
            "IBM i Access ODBC Driver",
            "pw=1",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={IBM i Access ODBC Driver};System=ibmi.example.com;UID=LNTUSER;PWD=pw=1;DATABASE=IASP1;DBQ=TRAVELER,LNT,*USRLIBL;NAM=1;CMT=1;SSL=1;"
        );
        let local = tr(
            "jdbc:as400://;database name=IASP1",
            DriverFamily::IbmiAccess,
            "IBM i Access ODBC Driver",
            "x",
        );
        assert!(
            local
                .display
                .starts_with("Driver={IBM i Access ODBC Driver};System=localhost;")
        );
    }

    #[test]
    fn ms_odbc_17_and_18_differ() {
        let url = "jdbc:sqlserver://sql.example.com\\INST:1433;databaseName=TRAVELER;trustServerCertificate=true";
        let t18 = tr(url, DriverFamily::MsOdbc18, "ODBC Driver 18 for SQL Server", "a b ");
        assert_eq!(
            t18.connection_string.expose_secret(),
            "Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql.example.com,1433;Database=TRAVELER;UID=LNTUSER;PWD={a b };Encrypt=Mandatory;TrustServerCertificate=yes;ConnectTimeout=10;"
        );
        let t17 = tr(
            "jdbc:sqlserver://sql.example.com\\INST;databaseName=TRAVELER;encrypt=false",
            DriverFamily::MsOdbc17,
            "ODBC Driver 17 for SQL Server",
            "x",
        );
        assert_eq!(
            t17.connection_string.expose_secret(),
            "Driver={ODBC Driver 17 for SQL Server};Server=sql.example.com\\INST;Database=TRAVELER;UID=LNTUSER;PWD=x;Encrypt=no;"
        );
    }

    #[test]
    fn freetds_server_syntax() {
        let t = tr(
            "jdbc:sqlserver://127.0.0.1:1433;databaseName=master",
            DriverFamily::FreeTds,
            "FreeTDS",
            "x",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={FreeTDS};Server=127.0.0.1;Port=1433;Database=master;UID=LNTUSER;PWD=x;TDS_Version=7.4;Encryption=require;"
        );
        let t = tr(
            "jdbc:sqlserver://sql\\INST;databaseName=T;encrypt=false",
            DriverFamily::FreeTds,
            "FreeTDS",
            "x",
        );
        assert_eq!(
            t.connection_string.expose_secret(),
            "Driver={FreeTDS};Server=sql\\INST;Database=T;UID=LNTUSER;PWD=x;TDS_Version=7.4;Encryption=off;"
        );
    }

    #[test]
    fn mysql_and_mariadb() {
        let url = "jdbc:mysql://127.0.0.1:53306/appdb?sslMode=VERIFY_CA";
        let m = tr(url, DriverFamily::MySqlOdbc, "MySQL ODBC 8.0 Unicode Driver", "x");
        assert_eq!(
            m.connection_string.expose_secret(),
            "Driver={MySQL ODBC 8.0 Unicode Driver};SERVER=127.0.0.1;PORT=53306;DATABASE=appdb;UID=LNTUSER;PWD=x;SSLMODE=VERIFY_CA;"
        );
        let ma = tr(url, DriverFamily::MariaDbOdbc, "MariaDB Unicode", "}{");
        assert_eq!(
            ma.connection_string.expose_secret(),
            "Driver={MariaDB Unicode};SERVER=127.0.0.1;PORT=53306;DATABASE=appdb;UID=LNTUSER;PWD={}}{};CONN_TIMEOUT=10;FORCETLS=1;SSLVERIFY=1;"
        );
        let multi = tr("jdbc:mysql://h1,h2:3307/appdb", DriverFamily::MySqlOdbc, "MySQL", "x");
        assert!(
            multi.display.contains("SERVER=h1:3306,h2:3307;MULTI_HOST=1;"),
            "{}",
            multi.display
        );
    }

    #[test]
    fn family_mismatch_and_driver_detection() {
        let a = parse("jdbc:mysql://h/db");
        let r = translate(
            a.url.as_ref().unwrap(),
            &OdbcRequest {
                driver: "DB2",
                family: DriverFamily::Db2Cli,
                user: None,
                password: None,
                timeout_secs: 0,
                ca_file: None,
            },
        );
        assert!(matches!(r, Err(TranslateError::FamilyMismatch { .. })));
        assert_eq!(
            DriverFamily::from_driver("MariaDB Unicode", None),
            Some(DriverFamily::MariaDbOdbc)
        );
        assert_eq!(
            DriverFamily::from_driver("X", Some("/opt/clidriver/lib/libdb2.so")),
            Some(DriverFamily::Db2Cli)
        );
        assert_eq!(
            DriverFamily::from_driver("ODBC Driver 18 for SQL Server", None),
            Some(DriverFamily::MsOdbc18)
        );
        assert_eq!(DriverFamily::from_driver("PostgreSQL Unicode", None), None);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_value("plain"), "plain");
        assert_eq!(escape_value("a;b"), "{a;b}");
        assert_eq!(escape_value("a}b"), "{a}}b}");
        assert_eq!(escape_value(" lead"), "{ lead}");
        assert_eq!(escape_value("x=y"), "x=y");
        assert_eq!(escape_value("a+b"), "{a+b}");
        assert_eq!(escape_value(""), "");
    }
}
