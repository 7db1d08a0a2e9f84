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

mod families;

use super::drivers::DriverFamily;
use crate::jdbc::MASK;
use crate::jdbc::model::{JdbcUrl, Kind, Variant};
use crate::secret::Secret;
use std::path::Path;

/// What to connect with, besides the URL.
pub struct OdbcRequest<'a> {
    /// The driver's name as registered with the driver manager (`Driver={...}`).
    pub driver: &'a str,
    pub family: DriverFamily,
    /// The stored user; when `None`, a `user` in the URL is used.
    pub user: Option<&'a str>,
    /// The stored password; when `None`, a password in the URL is used.
    pub password: Option<&'a Secret>,
    /// Seconds; 0 means no timeout keyword.
    pub timeout_secs: u32,
    /// PEM file of trusted CA certificates for TLS server verification.
    pub ca_file: Option<&'a Path>,
}

/// A translated connection string.
pub struct Translation {
    /// The string to hand to `SQLDriverConnect` (holds the password).
    pub connection_string: Secret,
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

    pub fn expose(&self) -> Secret {
        Secret::new(self.render(false))
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
        .map(|p| p.expose().to_string())
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
        DriverFamily::Db2Cli => families::db2(i, &mut cs, &mut notes),
        DriverFamily::IbmiAccess => families::ibmi(i, &mut cs, &mut notes),
        DriverFamily::MsOdbc17 | DriverFamily::MsOdbc18 => families::mssql(i, &mut cs, &mut notes),
        DriverFamily::FreeTds => families::freetds(i, &mut cs, &mut notes),
        DriverFamily::MySqlOdbc | DriverFamily::MariaDbOdbc => families::mysql(i, &mut cs, &mut notes),
    }
    Ok(Translation {
        connection_string: cs.expose(),
        display: cs.display(),
        notes,
    })
}

/// What every family's mapping reads.
pub(super) struct Inputs<'a> {
    url: &'a JdbcUrl,
    family: DriverFamily,
    host: Option<String>,
    user: Option<String>,
    password: Option<&'a str>,
    timeout: u32,
    ca: Option<&'a Path>,
}

pub(super) fn credentials(cs: &mut ConnString, user_key: &str, pw_key: &str, user: Option<String>, pw: Option<&str>) {
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

pub(super) fn is_true(url: &JdbcUrl, name: &str) -> bool {
    url.property_value(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

#[cfg(test)]
mod tests;
