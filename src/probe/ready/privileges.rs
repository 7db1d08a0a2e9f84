//! The privileges Traveler's schema mode needs, read from each family's own catalog without
//! changing anything (no trial `CREATE`).
//!
//! - automatic mode: the right to create tables in the schema;
//! - DDL mode: SELECT, INSERT, UPDATE and DELETE on its tables.
//!
//! A FAIL needs a complete answer: SQL Server's `HAS_PERMS_BY_NAME` gives effective permissions,
//! and MySQL's information_schema lists every grant of an account without roles. Where a grant
//! may come from somewhere the catalog does not show (Db2 groups, IBM i group profiles, a
//! MariaDB role) a missing privilege is a WARN; where the catalog cannot be read, an INFO.

use super::sql;
use super::{Dialect, Level, Line, SchemaMode, col, rows, schema::Schema, unreadable};
use crate::probe::odbc::{Answer, Ask};
use crate::term::escape;

/// What DDL mode needs on every table.
const DML: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];

const AUTO_HINT: &str = "automatic mode creates and migrates the tables: grant the database user the right \
    to create tables in the schema (Db2: CREATETAB, and CREATEIN on the schema or IMPLICIT_SCHEMA; SQL \
    Server: CREATE TABLE and ALTER on the schema; MySQL: CREATE, ALTER, INDEX on the database), or switch \
    to DDL mode (NTS_AUTO_DBSCHEMA=false) and apply the DDL";
const DDL_HINT: &str = "DDL mode needs SELECT, INSERT, UPDATE and DELETE on every Traveler table: grant \
    them to the database user (on the schema, or table by table)";

/// The reads for this dialect and mode.
pub fn asks(d: Dialect, mode: SchemaMode, s: &Schema) -> Vec<Ask> {
    let Some(name) = s.name.as_deref() else {
        return match d {
            // SQL Server's queries need no name: they use SCHEMA_NAME() on the server.
            Dialect::SqlServer => sqlserver_asks(mode),
            Dialect::Db2 | Dialect::IbmI | Dialect::MySql => Vec::new(),
        };
    };
    match d {
        Dialect::MySql => vec![
            Ask::Rows(sql::mysql_privileges(name)),
            Ask::Rows(sql::MYSQL_ROLES.into()),
        ],
        Dialect::SqlServer => sqlserver_asks(mode),
        Dialect::Db2 => vec![Ask::Rows(match mode {
            SchemaMode::Automatic => sql::db2_create_rights(name),
            SchemaMode::Ddl => sql::db2_table_rights(name),
        })],
        Dialect::IbmI => vec![Ask::Rows(match mode {
            SchemaMode::Automatic => sql::ibmi_library_rights(name),
            SchemaMode::Ddl => sql::ibmi_table_rights(name),
        })],
    }
}

fn sqlserver_asks(mode: SchemaMode) -> Vec<Ask> {
    vec![Ask::Rows(
        match mode {
            SchemaMode::Automatic => sql::SQLSERVER_CREATE_RIGHTS,
            SchemaMode::Ddl => sql::SQLSERVER_TABLE_RIGHTS,
        }
        .into(),
    )]
}

/// The `privileges` line. `tables`: how many tables the schema has, when known.
pub fn evaluate(d: Dialect, mode: SchemaMode, s: &Schema, tables: Option<usize>, answers: &[Option<&Answer>]) -> Line {
    let Some(first) = answers.first() else {
        return Line::new("privileges", Level::Info, "not read: the schema is not known");
    };
    if rows(*first).is_none() {
        return Line::new("privileges", Level::Info, unreadable("the privileges", *first));
    }
    let schema = s.name.as_deref().map(escape).unwrap_or_default();
    match d {
        Dialect::MySql => mysql(mode, &schema, tables, answers),
        Dialect::SqlServer => sqlserver(mode, tables, *first),
        Dialect::Db2 => db2(mode, &schema, tables, *first),
        Dialect::IbmI => ibmi(mode, &schema, tables, *first),
    }
}

fn missing_line(mode: SchemaMode, level: Level, what: String) -> Line {
    let hint = match mode {
        SchemaMode::Automatic => AUTO_HINT,
        SchemaMode::Ddl => DDL_HINT,
    };
    Line::new("privileges", level, what).hint(hint)
}

/// MySQL/MariaDB: rows of (level, privilege[, tables]) from information_schema.
fn mysql(mode: SchemaMode, schema: &str, tables: Option<usize>, answers: &[Option<&Answer>]) -> Line {
    let rows = rows(answers[0]).map(Vec::as_slice).unwrap_or_default();
    let broad = |p: &str| {
        rows.iter()
            .any(|r| matches!(col(r, 0), "global" | "schema") && col(r, 1).eq_ignore_ascii_case(p))
    };
    let on_tables = |p: &str| {
        rows.iter()
            .filter(|r| col(r, 0) == "table" && col(r, 1).eq_ignore_ascii_case(p))
            .filter_map(|r| col(r, 2).parse::<usize>().ok())
            .max()
            .unwrap_or(0)
    };
    // Roles: a grant through a role does not show under the account. When the count cannot be
    // read (MySQL 5.7 has no roles, and no APPLICABLE_ROLES), a missing privilege is a warning.
    let roles = answers
        .get(1)
        .copied()
        .flatten()
        .and_then(|a| a.rows.as_ref().ok())
        .and_then(|r| r.first())
        .and_then(|r| col(r, 0).parse::<u64>().ok());
    let missing: Vec<&str> = match mode {
        SchemaMode::Automatic => ["CREATE"].into_iter().filter(|p| !broad(p)).collect(),
        SchemaMode::Ddl => DML
            .into_iter()
            .filter(|p| !broad(p) && !tables.is_some_and(|n| n > 0 && on_tables(p) >= n))
            .collect(),
    };
    let needed = needed(mode);
    if missing.is_empty() {
        return Line::new("privileges", Level::Pass, format!("{needed} on {schema}: granted"));
    }
    let list = missing.join(", ");
    match roles {
        Some(0) => missing_line(
            mode,
            Level::Fail,
            format!("{needed} on {schema}: {list} not granted to this user"),
        ),
        _ => missing_line(
            mode,
            Level::Warn,
            format!("{needed} on {schema}: {list} not granted to this user directly (a role may grant it)"),
        ),
    }
}

fn needed(mode: SchemaMode) -> &'static str {
    match mode {
        SchemaMode::Automatic => "automatic mode needs CREATE",
        SchemaMode::Ddl => "DDL mode needs SELECT, INSERT, UPDATE, DELETE",
    }
}

/// SQL Server: `HAS_PERMS_BY_NAME` answers 1 or 0 per permission (effective permissions).
fn sqlserver(mode: SchemaMode, tables: Option<usize>, answer: Option<&Answer>) -> Line {
    let Some(row) = rows(answer).and_then(|r| r.first()) else {
        return Line::new("privileges", Level::Info, unreadable("the privileges", answer));
    };
    let n = |i: usize| col(row, i).trim().parse::<i64>().ok();
    let missing: Vec<&str> = match mode {
        SchemaMode::Automatic => [("CREATE TABLE", 0), ("ALTER on the schema", 1)]
            .into_iter()
            .filter(|(_, i)| n(*i) != Some(1))
            .map(|(p, _)| p)
            .collect(),
        // Row: the number of tables, then per privilege the number of tables that allow it.
        SchemaMode::Ddl => {
            let total = n(0).or(tables.and_then(|t| i64::try_from(t).ok())).unwrap_or(0);
            DML.iter()
                .enumerate()
                .filter(|(i, _)| n(i + 1).unwrap_or(0) < total)
                .map(|(_, p)| *p)
                .collect()
        }
    };
    if missing.is_empty() {
        return Line::new(
            "privileges",
            Level::Pass,
            format!("{}: granted", needed_sqlserver(mode)),
        );
    }
    missing_line(
        mode,
        Level::Fail,
        format!(
            "{}: {} not granted to this user",
            needed_sqlserver(mode),
            missing.join(", ")
        ),
    )
}

fn needed_sqlserver(mode: SchemaMode) -> &'static str {
    match mode {
        SchemaMode::Automatic => "automatic mode needs CREATE TABLE and ALTER on the schema",
        SchemaMode::Ddl => "DDL mode needs SELECT, INSERT, UPDATE, DELETE on every table",
    }
}

/// Db2 LUW: rows of (kind, a, b, c) from SYSCAT (see `sql::db2_create_rights`).
fn db2(mode: SchemaMode, schema: &str, tables: Option<usize>, answer: Option<&Answer>) -> Line {
    let rows = rows(answer).map(Vec::as_slice).unwrap_or_default();
    let yes = |v: &str| matches!(v.trim(), "Y" | "G");
    let any = |kind: &str, i: usize| rows.iter().any(|r| col(r, 0) == kind && yes(col(r, i)));
    let ok = match mode {
        SchemaMode::Automatic => {
            let user = rows.iter().find(|r| col(r, 0) == "user").map(|r| col(r, 1).trim());
            let owner = rows.iter().find(|r| col(r, 0) == "owner").map(|r| col(r, 1).trim());
            let schema_exists = owner.is_some();
            any("db", 3)
                || any("db", 1)
                    && (owner.is_some_and(|o| Some(o) == user) || any("schema", 1) || !schema_exists && any("db", 2))
        }
        SchemaMode::Ddl => {
            let covered = rows
                .iter()
                .find(|r| col(r, 0) == "tables")
                .and_then(|r| col(r, 1).trim().parse::<usize>().ok());
            any("db", 1) || any("db", 2) || tables.is_some_and(|n| covered.is_some_and(|c| c >= n))
        }
    };
    if ok {
        return Line::new(
            "privileges",
            Level::Pass,
            format!("{} on {schema}: granted", needed_db2(mode)),
        );
    }
    missing_line(
        mode,
        Level::Warn,
        format!(
            "{} on {schema}: not granted to this user or PUBLIC (a group or role may grant it; the catalog does not show that)",
            needed_db2(mode)
        ),
    )
}

fn needed_db2(mode: SchemaMode) -> &'static str {
    match mode {
        SchemaMode::Automatic => "automatic mode needs CREATETAB and CREATEIN",
        SchemaMode::Ddl => "DDL mode needs SELECT, INSERT, UPDATE, DELETE on every table",
    }
}

/// IBM i: the user's and *PUBLIC's object authorities from QSYS2.OBJECT_PRIVILEGES.
fn ibmi(mode: SchemaMode, schema: &str, tables: Option<usize>, answer: Option<&Answer>) -> Line {
    let rows = rows(answer).map(Vec::as_slice).unwrap_or_default();
    let ok = match mode {
        SchemaMode::Automatic => rows.iter().any(|r| matches!(col(r, 0).trim(), "*ALL" | "*CHANGE")),
        SchemaMode::Ddl => {
            let covered = rows.first().and_then(|r| col(r, 0).trim().parse::<usize>().ok());
            tables.is_some_and(|n| covered.is_some_and(|c| c >= n))
        }
    };
    let needed = match mode {
        SchemaMode::Automatic => "automatic mode needs *CHANGE on the library",
        SchemaMode::Ddl => "DDL mode needs *CHANGE on every table",
    };
    if ok {
        return Line::new("privileges", Level::Pass, format!("{needed} {schema}: granted"));
    }
    missing_line(
        mode,
        Level::Warn,
        format!("{needed} {schema}: not granted to this user profile or *PUBLIC (a group profile may grant it)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn answer(rows: &[&[&str]]) -> Answer {
        Answer {
            rows: Ok(rows
                .iter()
                .map(|r| r.iter().map(|v| Some(v.to_string())).collect())
                .collect()),
            sent: SystemTime::now(),
            received: SystemTime::now(),
        }
    }

    fn schema() -> Schema {
        Schema {
            name: Some("TRAVELER".into()),
            how: String::new(),
        }
    }

    #[test]
    fn mysql_create_and_dml() {
        let creator = answer(&[&["global", "USAGE"], &["schema", "CREATE"]]);
        let reader = answer(&[&["global", "USAGE"], &["schema", "SELECT"]]);
        let no_roles = answer(&[&["0"]]);
        let a = SchemaMode::Automatic;
        let l = evaluate(
            Dialect::MySql,
            a,
            &schema(),
            Some(0),
            &[Some(&creator), Some(&no_roles)],
        );
        assert_eq!(l.level, Level::Pass, "{l:?}");
        let l = evaluate(Dialect::MySql, a, &schema(), Some(0), &[Some(&reader), Some(&no_roles)]);
        assert_eq!(l.level, Level::Fail);
        assert!(l.detail.contains("CREATE not granted"), "{}", l.detail);
        let one_role = answer(&[&["1"]]);
        let l = evaluate(Dialect::MySql, a, &schema(), Some(0), &[Some(&reader), Some(&one_role)]);
        assert_eq!(l.level, Level::Warn);
        let l = evaluate(Dialect::MySql, a, &schema(), Some(0), &[Some(&reader), None]);
        assert_eq!(l.level, Level::Warn, "roles unknown: never a false FAIL");
        let dml = answer(&[
            &["schema", "SELECT"],
            &["table", "INSERT", "3"],
            &["table", "UPDATE", "3"],
            &["table", "DELETE", "2"],
        ]);
        let l = evaluate(
            Dialect::MySql,
            SchemaMode::Ddl,
            &schema(),
            Some(3),
            &[Some(&dml), Some(&no_roles)],
        );
        assert_eq!(l.level, Level::Fail);
        assert!(l.detail.ends_with("DELETE not granted to this user"), "{}", l.detail);
    }

    #[test]
    fn unreadable_catalogs_are_info() {
        let failed = Answer {
            rows: Err(vec![crate::probe::DiagRecord {
                state: "42Y07".into(),
                native: -20001,
                message: "Schema 'SYSCAT' does not exist".into(),
            }]),
            sent: SystemTime::now(),
            received: SystemTime::now(),
        };
        for d in [Dialect::Db2, Dialect::MySql, Dialect::SqlServer, Dialect::IbmI] {
            let l = evaluate(d, SchemaMode::Automatic, &schema(), None, &[Some(&failed)]);
            assert_eq!(l.level, Level::Info, "{d:?}");
            assert!(l.detail.contains("could not be read: [42Y07]"), "{}", l.detail);
        }
        let l = evaluate(Dialect::Db2, SchemaMode::Ddl, &schema(), None, &[None]);
        assert!(l.detail.contains("no answer within the time limit"), "{}", l.detail);
    }

    #[test]
    fn sqlserver_effective_permissions() {
        let yes = answer(&[&["1", "1"]]);
        let l = evaluate(
            Dialect::SqlServer,
            SchemaMode::Automatic,
            &schema(),
            None,
            &[Some(&yes)],
        );
        assert_eq!(l.level, Level::Pass);
        let no_alter = answer(&[&["1", "0"]]);
        let l = evaluate(
            Dialect::SqlServer,
            SchemaMode::Automatic,
            &schema(),
            None,
            &[Some(&no_alter)],
        );
        assert_eq!(l.level, Level::Fail);
        assert!(l.detail.contains("ALTER on the schema"), "{}", l.detail);
        let tables = answer(&[&["4", "4", "4", "3", "4"]]);
        let l = evaluate(
            Dialect::SqlServer,
            SchemaMode::Ddl,
            &schema(),
            Some(4),
            &[Some(&tables)],
        );
        assert!(l.detail.ends_with("UPDATE not granted to this user"), "{}", l.detail);
    }

    #[test]
    fn db2_is_never_worse_than_a_warning() {
        let mine = answer(&[
            &["user", "LNT", "", ""],
            &["db", "Y", "N", "N"],
            &["owner", "LNT", "", ""],
        ]);
        let l = evaluate(Dialect::Db2, SchemaMode::Automatic, &schema(), Some(0), &[Some(&mine)]);
        assert_eq!(l.level, Level::Pass, "{l:?}");
        let none = answer(&[&["user", "LNT", "", ""], &["db", "N", "N", "N"]]);
        let l = evaluate(Dialect::Db2, SchemaMode::Automatic, &schema(), Some(0), &[Some(&none)]);
        assert_eq!(l.level, Level::Warn);
    }
}
