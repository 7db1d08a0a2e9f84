//! The schema Traveler will use, and its tables (listed with `SQLTables`, which every driver
//! implements).
//!
//! Rules (docs/ha-readiness.md): on Db2, `NTS_DB2_SCHEMA`, else the database user's name; SQL
//! Server uses the user's default schema (`dbo` unless changed), read from the server; on MySQL
//! the schema is the database. For Db2 for IBM i no rule is published: the URL's default schema
//! (JTOpen `/schema` or the first of `libraries`), else the user's name, as SQL naming does.

use super::{Dialect, Level, Line, SchemaMode, col, rows, unreadable};
use crate::jdbc::JdbcUrl;
use crate::probe::odbc::{Answer, Ask};
use crate::term::escape;

/// Db2's limit for a schema name (bytes), from its SQL and XML limits.
const DB2_SCHEMA_MAX: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    /// The name, as the catalog stores it; `None` when it cannot be known (yet).
    pub name: Option<String>,
    /// How the name was found, for the report.
    pub how: String,
}

const SCHEMA_HINT: &str = "Db2 folds an ordinary schema name to upper case, limits it to 128 bytes and \
    reserves names that begin with SYS; choose NTS_DB2_SCHEMA (or the database user) accordingly";
const NO_DATABASE_HINT: &str = "Traveler keeps its tables in the database the URL names: add it \
    (`jdbc:mysql://host:3306/TRAVELER`) with `travelerUtil db set url=...`";
const EMPTY_DDL_HINT: &str = "in DDL mode (NTS_AUTO_DBSCHEMA=false) Traveler does not create its tables: \
    apply the DDL shipped in <data>/traveler/cfg/db to this schema first, or remove the setting to let \
    Traveler create them";

impl Schema {
    pub fn resolve(d: Dialect, url: &JdbcUrl, user: Option<&str>, db2_schema: Option<&str>) -> Schema {
        let user_name = || {
            user.map(str::to_string)
                .or_else(|| url.property_value("user").map(str::to_string))
        };
        match d {
            Dialect::Db2 => match db2_schema {
                Some(s) => Schema {
                    name: Some(s.trim().to_ascii_uppercase()),
                    how: "NTS_DB2_SCHEMA in notes.ini".into(),
                },
                None => Schema {
                    name: user_name().map(|u| u.to_ascii_uppercase()),
                    how: "the database user's name (NTS_DB2_SCHEMA is not set)".into(),
                },
            },
            Dialect::MySql => Schema {
                name: url.database.clone(),
                how: "the database in the URL (MySQL's schema is the database)".into(),
            },
            Dialect::SqlServer => Schema {
                name: None,
                how: "the user's default schema".into(),
            },
            Dialect::IbmI => {
                let libs = url.property_value("libraries").and_then(|l| {
                    l.split([',', ' '])
                        .map(str::trim)
                        .find(|l| !l.is_empty() && !l.starts_with('*'))
                });
                match url.schema.as_deref().or(libs) {
                    Some(s) => Schema {
                        name: Some(s.to_ascii_uppercase()),
                        how: "the URL's default schema".into(),
                    },
                    None => Schema {
                        name: user_name().map(|u| u.to_ascii_uppercase()),
                        how: "the user profile's name (the URL names no default schema)".into(),
                    },
                }
            }
        }
    }

    /// SQL Server: the name read from the server (`SELECT SCHEMA_NAME()`).
    pub fn read_from(&self, d: Dialect, answer: Option<&Answer>) -> Schema {
        match rows(answer).and_then(|r| r.first()).map(|r| col(r, 0)) {
            Some(name) if d == Dialect::SqlServer && !name.is_empty() => Schema {
                name: Some(name.to_string()),
                how: "the user's default schema, read from the server".into(),
            },
            _ => Schema {
                name: None,
                how: unreadable("the user's default schema", answer),
            },
        }
    }

    /// The `schema` line; `nts` is `NTS_DB2_SCHEMA` as written, whose rules are checked.
    pub fn line(&self, d: Dialect, nts: Option<&str>) -> Line {
        let Some(name) = &self.name else {
            if d == Dialect::MySql {
                return Line::new("schema", Level::Warn, "the URL names no database").hint(NO_DATABASE_HINT);
            }
            return Line::new("schema", Level::Info, format!("not known: {}", self.how));
        };
        let shown = format!("{}: {}", escape(name), self.how);
        if nts.is_none() || d != Dialect::Db2 {
            return Line::new("schema", Level::Pass, shown);
        }
        if name.len() > DB2_SCHEMA_MAX {
            return Line::new(
                "schema",
                Level::Fail,
                format!("{shown} is longer than Db2's {DB2_SCHEMA_MAX} bytes"),
            )
            .hint(SCHEMA_HINT);
        }
        if name.starts_with("SYS") {
            return Line::new(
                "schema",
                Level::Fail,
                format!("{shown}: Db2 reserves schema names that begin with SYS"),
            )
            .hint(SCHEMA_HINT);
        }
        let ordinary = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '#' | '$'));
        if !ordinary {
            return Line::new(
                "schema",
                Level::Warn,
                format!("{shown} is not an ordinary Db2 identifier (a letter, then letters, digits, _ @ # $)"),
            )
            .hint(SCHEMA_HINT);
        }
        Line::new("schema", Level::Pass, shown)
    }

    /// `SQLTables` for this schema: MySQL's schema is the catalog; SQL Server's tables are
    /// listed for the database and picked by schema once its name is read.
    pub fn tables_ask(&self, d: Dialect, url: &JdbcUrl) -> Ask {
        match d {
            Dialect::MySql => Ask::Tables {
                catalog: self.name.clone(),
                schema: None,
            },
            Dialect::SqlServer => Ask::Tables {
                catalog: url.database.clone(),
                schema: None,
            },
            Dialect::Db2 | Dialect::IbmI => Ask::Tables {
                catalog: None,
                schema: self.name.clone(),
            },
        }
    }
}

/// The `tables` line; returns the number of tables when they could be listed.
pub fn tables_line(s: &Schema, mode: SchemaMode, answer: Option<&Answer>, lines: &mut Vec<Line>) -> Option<usize> {
    let Some(name) = &s.name else {
        lines.push(Line::new("tables", Level::Info, "not listed: the schema is not known"));
        return None;
    };
    let Some(rows) = rows(answer) else {
        lines.push(Line::new("tables", Level::Info, unreadable("the table list", answer)));
        return None;
    };
    // SQL Server lists the whole database; every driver may list other schemas' tables when the
    // catalog has no such filter.
    let n = rows
        .iter()
        .filter(|r| {
            let (cat, schema) = (col(r, 0), col(r, 1));
            schema.is_empty() && cat.eq_ignore_ascii_case(name) || schema.eq_ignore_ascii_case(name)
        })
        .count();
    let name = escape(name);
    lines.push(match (n, mode) {
        (0, SchemaMode::Ddl) => Line::new(
            "tables",
            Level::Fail,
            format!("{name} has no tables: apply the DDL first"),
        )
        .hint(EMPTY_DDL_HINT),
        (0, SchemaMode::Automatic) => Line::new(
            "tables",
            Level::Info,
            format!("{name} has no tables yet: Traveler will create them at its first start"),
        ),
        (n, _) => Line::new(
            "tables",
            Level::Pass,
            format!("{n} table{} in {name}", if n == 1 { "" } else { "s" }),
        ),
    });
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jdbc::parse;
    use std::time::SystemTime;

    fn answer(rows: &[[&str; 3]]) -> Answer {
        Answer {
            rows: Ok(rows
                .iter()
                .map(|r| r.iter().map(|v| (!v.is_empty()).then(|| v.to_string())).collect())
                .collect()),
            sent: SystemTime::now(),
            received: SystemTime::now(),
        }
    }

    #[test]
    fn the_schema_by_family() {
        let db2 = parse("jdbc:db2://h:50000/TRAVELER").url.unwrap();
        let s = Schema::resolve(Dialect::Db2, &db2, Some("lntuser"), None);
        assert_eq!(s.name.as_deref(), Some("LNTUSER"));
        let s = Schema::resolve(Dialect::Db2, &db2, Some("lntuser"), Some("lnt"));
        assert_eq!(s.name.as_deref(), Some("LNT"));
        assert_eq!(s.line(Dialect::Db2, Some("lnt")).level, Level::Pass);
        let sys = Schema::resolve(Dialect::Db2, &db2, None, Some("SYSLNT"));
        assert_eq!(sys.line(Dialect::Db2, Some("SYSLNT")).level, Level::Fail);
        let odd = Schema::resolve(Dialect::Db2, &db2, None, Some("L-NT"));
        assert_eq!(odd.line(Dialect::Db2, Some("L-NT")).level, Level::Warn);
        let long = "L".repeat(129);
        let s = Schema::resolve(Dialect::Db2, &db2, None, Some(&long));
        assert_eq!(s.line(Dialect::Db2, Some(&long)).level, Level::Fail);
        let my = parse("jdbc:mysql://h/TRAVELER").url.unwrap();
        assert_eq!(
            Schema::resolve(Dialect::MySql, &my, None, None).name.as_deref(),
            Some("TRAVELER")
        );
        let nodb = parse("jdbc:mysql://h").url.unwrap();
        let s = Schema::resolve(Dialect::MySql, &nodb, None, None);
        assert_eq!(s.line(Dialect::MySql, None).level, Level::Warn);
        let i = parse("jdbc:as400://h;libraries=*LIBL,LNT").url.unwrap();
        assert_eq!(
            Schema::resolve(Dialect::IbmI, &i, Some("u"), None).name.as_deref(),
            Some("LNT")
        );
    }

    #[test]
    fn an_empty_schema_by_mode() {
        let s = Schema {
            name: Some("TRAVELER".into()),
            how: String::new(),
        };
        let other = answer(&[["OTHER", "", "t1"]]);
        let mut l = Vec::new();
        assert_eq!(tables_line(&s, SchemaMode::Ddl, Some(&other), &mut l), Some(0));
        assert_eq!(l[0].level, Level::Fail);
        assert!(l[0].detail.contains("apply the DDL first"), "{}", l[0].detail);
        tables_line(&s, SchemaMode::Automatic, Some(&other), &mut l);
        assert_eq!(l[1].level, Level::Info);
        let three = answer(&[["TRAVELER", "", "a"], ["traveler", "", "b"], ["", "TRAVELER", "c"]]);
        assert_eq!(tables_line(&s, SchemaMode::Ddl, Some(&three), &mut l), Some(3));
        assert_eq!(
            (l[2].level, l[2].detail.as_str()),
            (Level::Pass, "3 tables in TRAVELER")
        );
        assert_eq!(tables_line(&s, SchemaMode::Ddl, None, &mut l), None);
        assert_eq!(l[3].level, Level::Info);
    }
}
