//! HA readiness: what Traveler will need from the database, read without changing anything.
//!
//! Pure apart from [`notes::read`]: the lines come from notes.ini, the URL, and the answers to
//! catalog reads ([`Ask`]) that the probe runs on its connection. The facts behind each rule
//! (schema modes, schema names, permissions per mode, documented version minimums) are in
//! docs/ha-readiness.md with their vendor sources.
//!
//! A catalog read that fails (an older server, Derby answering for Db2, a catalog the user may
//! not read) gives an INFO line "could not be read" with the reason, never a FAIL.

pub mod notes;
mod privileges;
mod schema;
mod server;
mod sql;

use crate::jdbc::failover::Server;
use crate::jdbc::{JdbcUrl, Kind};
use crate::probe::DiagRecord;
use crate::probe::odbc::{Answer, Ask, Rows, ServerInfo};
use serde::Serialize;

pub use notes::{NotesIni, SchemaMode};
pub use server::{CLOCK_WARN_SECS, MINIMUMS, Minimum};

/// How a readiness line judges what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Pass,
    Warn,
    Fail,
    Info,
}

/// One line of the readiness section. The hint is fixed text (no value from outside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub name: &'static str,
    #[serde(rename = "status")]
    pub level: Level,
    pub detail: String,
    pub hint: Option<&'static str>,
}

impl Line {
    pub fn new(name: &'static str, level: Level, detail: impl Into<String>) -> Line {
        Line {
            name,
            level,
            detail: detail.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: &'static str) -> Line {
        self.hint = Some(hint);
        self
    }
}

/// The SQL dialect and catalog of a URL's database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Db2 LUW (and Derby's network server answering for Db2 through the same driver).
    Db2,
    /// Db2 for IBM i.
    IbmI,
    SqlServer,
    MySql,
}

impl Dialect {
    pub fn of(kind: Kind) -> Dialect {
        match kind {
            Kind::Db2 | Kind::Derby => Dialect::Db2,
            Kind::As400 => Dialect::IbmI,
            Kind::SqlServer => Dialect::SqlServer,
            Kind::MySql => Dialect::MySql,
        }
    }
}

/// Everything the readiness rules read before connecting.
pub struct Inputs<'a> {
    pub url: &'a JdbcUrl,
    /// The stored user (else the URL's).
    pub user: Option<&'a str>,
    pub notes: &'a NotesIni,
    /// Every server the URL names (for the address rule).
    pub servers: &'a [Server],
}

/// The offline lines and the catalog reads to run on the primary's connection.
pub struct Plan {
    pub dialect: Dialect,
    pub mode: SchemaMode,
    pub schema: schema::Schema,
    pub lines: Vec<Line>,
    reads: Reads,
}

/// The catalog reads, by what they are for.
struct Reads {
    /// SQL Server: the user's default schema, read before anything is judged.
    schema: Option<Ask>,
    tables: Ask,
    privileges: Vec<Ask>,
    encoding: Option<Ask>,
    clock: Ask,
}

impl Plan {
    /// The reads in the order the probe runs them; [`Plan::evaluate`] takes the answers in the
    /// same order.
    pub fn asks(&self) -> Vec<Ask> {
        let r = &self.reads;
        r.schema
            .iter()
            .chain([&r.tables])
            .chain(&r.privileges)
            .chain(&r.encoding)
            .chain([&r.clock])
            .cloned()
            .collect()
    }

    /// The lines that need the server: tables, privileges, encoding, version, clock. `answers`
    /// is shorter than [`Plan::asks`] when the deadline came first; the missing reads say so.
    pub fn evaluate(&self, info: &ServerInfo, answers: &[Answer]) -> Vec<Line> {
        let mut it = answers.iter();
        let mut next = || it.next();
        let schema_answer = self.reads.schema.as_ref().map(|_| next());
        let schema = match schema_answer {
            Some(a) => self.schema.read_from(self.dialect, a),
            None => self.schema.clone(),
        };
        let tables = next();
        let privileges: Vec<Option<&Answer>> = self.reads.privileges.iter().map(|_| next()).collect();
        let encoding = self.reads.encoding.as_ref().map(|_| next());
        let clock = next();
        let mut lines = Vec::new();
        if schema_answer.is_some() {
            lines.push(schema.line(self.dialect, None));
        }
        let count = schema::tables_line(&schema, self.mode, tables, &mut lines);
        lines.push(privileges::evaluate(
            self.dialect,
            self.mode,
            &schema,
            count,
            &privileges,
        ));
        lines.push(server::encoding(self.dialect, encoding.flatten()));
        lines.push(server::version(info));
        lines.push(server::clock(clock));
        lines
    }
}

/// The offline lines (schema mode, notes.ini, schema name, addresses) and the reads to run.
pub fn plan(i: &Inputs<'_>) -> Plan {
    let dialect = Dialect::of(i.url.kind);
    let (mode, mut lines) = notes::mode_lines(i.notes, i.url.kind);
    let schema = schema::Schema::resolve(dialect, i.url, i.user, i.notes.db2_schema());
    if dialect != Dialect::SqlServer {
        lines.push(schema.line(dialect, i.notes.db2_schema()));
    }
    lines.extend(server::addresses(i.servers));
    let reads = Reads {
        schema: (dialect == Dialect::SqlServer).then(|| Ask::Rows(sql::SQLSERVER_SCHEMA.into())),
        tables: schema.tables_ask(dialect, i.url),
        privileges: privileges::asks(dialect, mode, &schema),
        encoding: server::encoding_ask(dialect),
        clock: Ask::Rows(server::clock_sql(dialect).into()),
    };
    Plan {
        dialect,
        mode,
        schema,
        lines,
        reads,
    }
}

/// The major version of a DBMS version string (`10.11.000019` → 10).
pub fn server_major(version: &str) -> Option<u32> {
    server::version_numbers(version).first().copied()
}

/// What a failed or missing read says in a line: `could not be read: [42Y07] …`.
fn unreadable(what: &str, answer: Option<&Answer>) -> String {
    match answer.map(|a| &a.rows) {
        None => format!("{what} could not be read: no answer within the time limit"),
        Some(Ok(_)) => format!("{what} could not be read: the answer had an unexpected shape"),
        Some(Err(records)) => format!("{what} could not be read: {}", reason(records)),
    }
}

/// The first diagnostic record, short: `[42Y07] Schema 'SYSCAT' does not exist`.
fn reason(records: &[DiagRecord]) -> String {
    match records.first() {
        None => "the driver gave no reason".into(),
        Some(r) => {
            let msg: String = r.message.chars().take(200).collect();
            format!("[{}] {}", r.state, msg)
        }
    }
}

/// The rows of an answer that arrived.
fn rows(answer: Option<&Answer>) -> Option<&Rows> {
    answer.and_then(|a| a.rows.as_ref().ok())
}

/// A column of a row as text (`""` for NULL or a missing column).
fn col(row: &[Option<String>], i: usize) -> &str {
    row.get(i).and_then(|v| v.as_deref()).unwrap_or("")
}
