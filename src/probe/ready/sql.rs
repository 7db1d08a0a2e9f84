//! The catalog queries of the readiness section, one dialect at a time. Every query reads; none
//! changes anything. Names are put in as string literals ([`lit`]), never as identifiers.
//! Sources of the catalog views and functions: docs/ha-readiness.md.

/// A string literal: `'` doubled; with `backslash`, `\` doubled too (MySQL and MariaDB treat it
/// as an escape character in literals unless NO_BACKSLASH_ESCAPES is set; doubling it is right
/// either way only in the default mode, which is what Traveler's connections use).
pub fn lit(s: &str, backslash: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if backslash => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The account as information_schema's GRANTEE column writes it: `'user'@'host'`.
const MYSQL_GRANTEE: &str = "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', \
     SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')";

/// The account's privileges that reach `db`: global, on the database (whose name in a grant may
/// hold `_` and `%` wildcards, hence LIKE), and per table with the number of tables. Columns:
/// level (`global`, `schema`, `table`), privilege, table count.
pub fn mysql_privileges(db: &str) -> String {
    let db = lit(db, true);
    format!(
        "SELECT 'global', PRIVILEGE_TYPE, NULL FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = {g} \
         UNION ALL SELECT 'schema', PRIVILEGE_TYPE, NULL FROM information_schema.SCHEMA_PRIVILEGES \
         WHERE GRANTEE = {g} AND {db} LIKE TABLE_SCHEMA \
         UNION ALL SELECT 'table', PRIVILEGE_TYPE, COUNT(DISTINCT TABLE_NAME) FROM information_schema.TABLE_PRIVILEGES \
         WHERE GRANTEE = {g} AND TABLE_SCHEMA = {db} GROUP BY PRIVILEGE_TYPE",
        g = MYSQL_GRANTEE
    )
}

/// How many roles the account may use (MariaDB 10.0.5+, MySQL 8.0.19+).
pub const MYSQL_ROLES: &str = "SELECT COUNT(*) FROM information_schema.APPLICABLE_ROLES";

/// The user's default schema and the database.
pub const SQLSERVER_SCHEMA: &str = "SELECT SCHEMA_NAME(), DB_NAME()";

/// Effective permissions: CREATE TABLE in the database, ALTER on the default schema.
pub const SQLSERVER_CREATE_RIGHTS: &str = "SELECT HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', 'CREATE TABLE'), \
     HAS_PERMS_BY_NAME(SCHEMA_NAME(), 'SCHEMA', 'ALTER')";

/// The default schema's tables, and how many of them allow SELECT, INSERT, UPDATE, DELETE.
pub const SQLSERVER_TABLE_RIGHTS: &str = "SELECT COUNT(*), \
     SUM(HAS_PERMS_BY_NAME(QUOTENAME(SCHEMA_NAME(schema_id)) + '.' + QUOTENAME(name), 'OBJECT', 'SELECT')), \
     SUM(HAS_PERMS_BY_NAME(QUOTENAME(SCHEMA_NAME(schema_id)) + '.' + QUOTENAME(name), 'OBJECT', 'INSERT')), \
     SUM(HAS_PERMS_BY_NAME(QUOTENAME(SCHEMA_NAME(schema_id)) + '.' + QUOTENAME(name), 'OBJECT', 'UPDATE')), \
     SUM(HAS_PERMS_BY_NAME(QUOTENAME(SCHEMA_NAME(schema_id)) + '.' + QUOTENAME(name), 'OBJECT', 'DELETE')) \
     FROM sys.tables WHERE schema_id = SCHEMA_ID()";

/// Db2 LUW, automatic mode: rows `user`, `db` (CREATETAB, IMPLICIT_SCHEMA, DBADM), `schema`
/// (CREATEIN, ALTERIN) and `owner`, for the user and PUBLIC.
pub fn db2_create_rights(schema: &str) -> String {
    let s = lit(schema, false);
    format!(
        "SELECT 'user', USER, '', '' FROM SYSIBM.SYSDUMMY1 \
         UNION ALL SELECT 'db', CREATETABAUTH, IMPLSCHEMAAUTH, DBADMAUTH FROM SYSCAT.DBAUTH \
         WHERE GRANTEE IN (USER, 'PUBLIC') \
         UNION ALL SELECT 'schema', CREATEINAUTH, ALTERINAUTH, '' FROM SYSCAT.SCHEMAAUTH \
         WHERE SCHEMANAME = {s} AND GRANTEE IN (USER, 'PUBLIC') \
         UNION ALL SELECT 'owner', OWNER, '', '' FROM SYSCAT.SCHEMATA WHERE SCHEMANAME = {s}"
    )
}

/// Db2 LUW, DDL mode: rows `db` (DATAACCESS, DBADM) and `tables` (how many tables of the schema
/// the user or PUBLIC may SELECT, INSERT, UPDATE and DELETE, or CONTROL).
pub fn db2_table_rights(schema: &str) -> String {
    let s = lit(schema, false);
    format!(
        "SELECT 'db', DATAACCESSAUTH, DBADMAUTH, '' FROM SYSCAT.DBAUTH WHERE GRANTEE IN (USER, 'PUBLIC') \
         UNION ALL SELECT 'tables', CHAR(COUNT(DISTINCT TABNAME)), '', '' FROM SYSCAT.TABAUTH \
         WHERE TABSCHEMA = {s} AND GRANTEE IN (USER, 'PUBLIC') AND (CONTROLAUTH = 'Y' OR \
         (SELECTAUTH IN ('Y', 'G') AND INSERTAUTH IN ('Y', 'G') AND UPDATEAUTH IN ('Y', 'G') AND DELETEAUTH IN ('Y', 'G')))"
    )
}

/// IBM i, automatic mode: the user's and *PUBLIC's authority to the library.
pub fn ibmi_library_rights(library: &str) -> String {
    format!(
        "SELECT OBJECT_AUTHORITY FROM QSYS2.OBJECT_PRIVILEGES WHERE SYSTEM_OBJECT_SCHEMA = 'QSYS' \
         AND SYSTEM_OBJECT_NAME = {} AND OBJECT_TYPE = '*LIB' AND AUTHORIZATION_NAME IN (USER, '*PUBLIC')",
        lit(library, false)
    )
}

/// IBM i, DDL mode: how many of the library's files the user or *PUBLIC may change.
pub fn ibmi_table_rights(library: &str) -> String {
    format!(
        "SELECT COUNT(DISTINCT SYSTEM_OBJECT_NAME) FROM QSYS2.OBJECT_PRIVILEGES WHERE SYSTEM_OBJECT_SCHEMA = {} \
         AND OBJECT_TYPE = '*FILE' AND AUTHORIZATION_NAME IN (USER, '*PUBLIC') AND OBJECT_AUTHORITY IN ('*ALL', '*CHANGE')",
        lit(library, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_literals() {
        assert_eq!(lit("TRAVELER", true), "'TRAVELER'");
        assert_eq!(lit("a'b\\c", true), "'a''b\\\\c'");
        assert_eq!(lit("a'b\\c", false), "'a''b\\c'");
        assert!(mysql_privileges("x'y").contains("'x''y' LIKE TABLE_SCHEMA"));
        assert!(db2_create_rights("LNT").contains("SCHEMANAME = 'LNT'"));
    }
}
