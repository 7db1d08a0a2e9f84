//! Which ODBC driver reaches a URL's database: the driver manager's own list, a per-family
//! order of preference, and the admin's overrides (`driver=`, TRAVELERUTIL_ODBC_DRIVER).

use crate::jdbc::JdbcUrl;
use crate::jdbc::model::{Kind, Variant};
use serde::Serialize;
use std::fmt;

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

/// A driver registered with the driver manager (`[name]` in odbcinst.ini).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installed {
    pub name: String,
    /// The `Driver=` library, when registered.
    pub library: Option<String>,
    pub family: Option<DriverFamily>,
}

/// Where the choice came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `driver=` on this command line.
    CommandLine,
    /// `driver=` stored by `db set`.
    Stored,
    /// TRAVELERUTIL_ODBC_DRIVER.
    Env,
    /// The first installed driver for the database, in order of preference.
    Auto,
}

impl Source {
    /// Where the choice came from, for reports and errors.
    pub fn describe(self) -> &'static str {
        match self {
            Source::CommandLine => "driver= on the command line",
            Source::Stored => "driver= stored by db set",
            Source::Env => "TRAVELERUTIL_ODBC_DRIVER",
            Source::Auto => "first installed driver for the database",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub name: String,
    pub library: Option<String>,
    pub family: DriverFamily,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceError {
    #[error(
        "no ODBC driver for {database} is registered with the driver manager (looked for: {wanted}; registered: {registered})"
    )]
    NoneInstalled {
        database: &'static str,
        wanted: String,
        registered: String,
    },
    #[error(
        "the ODBC driver `{name}` ({source_name}) is not registered with the driver manager (registered: {registered})"
    )]
    NotRegistered {
        name: String,
        source_name: &'static str,
        registered: String,
    },
    #[error("a {database} URL cannot be checked through ODBC: {why}")]
    NoOdbcPath { database: &'static str, why: &'static str },
}

/// The drivers the driver manager knows (SQLDrivers).
pub fn installed() -> Result<Vec<Installed>, odbc_api::Error> {
    let env = odbc_api::Environment::new()?;
    Ok(env
        .drivers()?
        .into_iter()
        .map(|d| {
            let library = d.attributes.get("Driver").cloned();
            let family = DriverFamily::from_driver(&d.description, library.as_deref());
            Installed {
                name: d.description,
                library,
                family,
            }
        })
        .collect())
}

/// The keyword mapping for a named driver: its own family when it reaches the database, else
/// the preferred one (an unrecognised driver is taken at the admin's word). `candidates` is
/// never empty here.
fn family_for(candidates: &[DriverFamily], recognised: Option<DriverFamily>) -> DriverFamily {
    recognised
        .filter(|f| candidates.contains(f))
        .or_else(|| candidates.first().copied())
        .unwrap_or(DriverFamily::Db2Cli)
}

/// The first override that names a driver, taken without asking the driver manager for its list
/// (the family is told from the name alone). `db check` uses this: unixODBC re-reads
/// odbcinst.ini for every attribute of every driver during SQLDrivers (docs/odbc-drivers.md),
/// which `isql` never pays, and an unregistered name is reported by the driver manager itself
/// at connect (`Can't open lib`, classified as driver-missing). `None` when no override names
/// a driver or the URL has no ODBC path.
pub fn named(url: &JdbcUrl, overrides: &[(Source, Option<&str>)]) -> Option<Choice> {
    let candidates = DriverFamily::candidates(url);
    if candidates.is_empty() {
        return None;
    }
    let (source, name) = overrides
        .iter()
        .find_map(|(s, n)| n.filter(|n| !n.is_empty()).map(|n| (*s, n)))?;
    Some(Choice {
        name: name.to_string(),
        library: None,
        family: family_for(candidates, DriverFamily::from_driver(name, None)),
        source,
    })
}

/// Picks the driver for `url`. `overrides` are tried in order (command line, stored, env); the
/// first present wins. Without one, the first installed driver of the families that can reach
/// the database, in their order of preference.
pub fn choose(
    url: &JdbcUrl,
    installed: &[Installed],
    overrides: &[(Source, Option<&str>)],
) -> Result<Choice, ChoiceError> {
    let candidates = DriverFamily::candidates(url);
    let registered = || {
        if installed.is_empty() {
            "none".to_string()
        } else {
            installed.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
        }
    };
    if candidates.is_empty() {
        return Err(ChoiceError::NoOdbcPath {
            database: url.kind.product(),
            why: "an embedded Derby database runs inside Traveler's JVM",
        });
    }
    if let Some((source, Some(name))) = overrides.iter().find(|(_, n)| n.is_some_and(|n| !n.is_empty())) {
        let Some(found) = installed.iter().find(|i| i.name.eq_ignore_ascii_case(name)) else {
            return Err(ChoiceError::NotRegistered {
                name: name.to_string(),
                source_name: source.describe(),
                registered: registered(),
            });
        };
        return Ok(Choice {
            name: found.name.clone(),
            library: found.library.clone(),
            family: family_for(candidates, found.family),
            source: *source,
        });
    }
    for fam in candidates {
        if let Some(i) = installed.iter().find(|i| i.family == Some(*fam)) {
            return Ok(Choice {
                name: i.name.clone(),
                library: i.library.clone(),
                family: *fam,
                source: Source::Auto,
            });
        }
    }
    Err(ChoiceError::NoneInstalled {
        database: url.kind.product(),
        wanted: candidates.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", "),
        registered: registered(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jdbc::parse;

    fn inst(name: &str, lib: &str) -> Installed {
        Installed {
            name: name.into(),
            library: Some(lib.into()),
            family: DriverFamily::from_driver(name, Some(lib)),
        }
    }

    #[test]
    fn auto_follows_the_family_preference() {
        let all = [
            inst("FreeTDS", "/x/libtdsodbc.so"),
            inst("MariaDB Unicode", "/x/libmaodbc.so"),
            inst("DB2", "/c/libdb2.so"),
        ];
        let url = parse("jdbc:mysql://h/db").url.unwrap();
        let c = choose(&url, &all, &[]).unwrap();
        assert_eq!(
            (c.name.as_str(), c.family, c.source),
            ("MariaDB Unicode", DriverFamily::MariaDbOdbc, Source::Auto)
        );
        let url = parse("jdbc:sqlserver://h;databaseName=T").url.unwrap();
        assert_eq!(choose(&url, &all, &[]).unwrap().family, DriverFamily::FreeTds);
        let url = parse("jdbc:derby://h:1527/T").url.unwrap();
        assert_eq!(choose(&url, &all, &[]).unwrap().name, "DB2");
    }

    #[test]
    fn overrides_and_errors() {
        let all = [inst("MariaDB Unicode", "/x/libmaodbc.so")];
        let url = parse("jdbc:mysql://h/db").url.unwrap();
        let c = choose(
            &url,
            &all,
            &[(Source::CommandLine, None), (Source::Stored, Some("mariadb unicode"))],
        )
        .unwrap();
        assert_eq!(c.source, Source::Stored);
        let e = choose(&url, &all, &[(Source::Env, Some("MySQL ODBC 8.0"))]).unwrap_err();
        assert!(e.to_string().contains("TRAVELERUTIL_ODBC_DRIVER"), "{e}");
        let url = parse("jdbc:db2://h:1/T").url.unwrap();
        assert!(matches!(
            choose(&url, &all, &[]),
            Err(ChoiceError::NoneInstalled { .. })
        ));
        let url = parse("jdbc:derby:/d/ntsdb").url.unwrap();
        assert!(matches!(choose(&url, &all, &[]), Err(ChoiceError::NoOdbcPath { .. })));
    }
}
