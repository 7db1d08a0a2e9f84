//! Catalog reads on a connected handle: `SQLTables`, and queries whose rows are read as text.
//!
//! Values are read with `SQLGetData` into a zeroed buffer whose length is taken from the
//! terminating NUL, and NULL is told from the low four bytes of the indicator: IBM's `libdb2.so`
//! from the `ibm_db` wheel writes only four bytes of every 8-byte SQLLEN (docs/odbc-drivers.md),
//! so neither the indicator's length nor a row count can be trusted.

use super::records;
use crate::probe::DiagRecord;
use odbc_api::handles::{self, SqlResult, SqlText, Statement};
use odbc_api::sys::{CDataType, Pointer, SqlReturn};
use std::time::SystemTime;

/// The rows of an answer: each column as text, `None` for NULL.
pub type Rows = Vec<Vec<Option<String>>>;

/// Caps that keep a catalog read small whatever the server holds.
const MAX_ROWS: usize = 1000;
const MAX_COLUMNS: u16 = 16;
const VALUE_BYTES: usize = 1024;

/// A catalog read the probe runs after the validation query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// `SQLTables(catalog, schema, "%", "TABLE")`; `None` passes a null pointer (any). Rows are
    /// TABLE_CAT, TABLE_SCHEM, TABLE_NAME.
    Tables {
        catalog: Option<String>,
        schema: Option<String>,
    },
    /// A query; every row's columns as text.
    Rows(String),
}

/// What the server answered to one [`Ask`], with this machine's clock around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub rows: Result<Rows, Vec<DiagRecord>>,
    /// Just before the request was sent.
    pub sent: SystemTime,
    /// Just after the last row arrived.
    pub received: SystemTime,
}

/// Runs one read; a failure is an answer too (its records say why).
pub fn answer(conn: &handles::Connection<'_>, ask: &Ask, timeout_secs: u32) -> Answer {
    let sent = SystemTime::now();
    let rows = run(conn, ask, timeout_secs);
    Answer {
        rows,
        sent,
        received: SystemTime::now(),
    }
}

fn run(conn: &handles::Connection<'_>, ask: &Ask, timeout_secs: u32) -> Result<Rows, Vec<DiagRecord>> {
    let mut stmt = match conn.allocate_statement() {
        SqlResult::Success(s) | SqlResult::SuccessWithInfo(s) => s,
        _ => return Err(records(conn)),
    };
    if timeout_secs > 0 {
        // Best effort, as the login timeout: the deadline of the whole check is the hard bound.
        let _ = stmt.set_query_timeout_sec(timeout_secs as usize);
    }
    let started = match ask {
        Ask::Tables { catalog, schema } => tables(&mut stmt, catalog.as_deref(), schema.as_deref()),
        Ask::Rows(sql) => {
            // SAFETY: the statement has no bound buffers; values are read with SQLGetData.
            ok(unsafe { stmt.exec_direct(&SqlText::new(sql)) })
        }
    };
    if !started {
        return Err(records(&stmt.as_stmt_ref()));
    }
    let rows = fetch_all(&mut stmt);
    let _ = stmt.close_cursor();
    rows
}

fn ok(r: SqlResult<()>) -> bool {
    matches!(r, SqlResult::Success(()) | SqlResult::SuccessWithInfo(()))
}

/// `SQLTables` with null pointers for the parts not given (ODBC: "any").
fn tables(stmt: &mut handles::StatementImpl<'_>, catalog: Option<&str>, schema: Option<&str>) -> bool {
    let ptr = |s: Option<&str>| s.map_or(std::ptr::null(), str::as_ptr);
    let len = |s: Option<&str>| s.map_or(0, |s| i16::try_from(s.len()).unwrap_or(i16::MAX));
    let (table, kind) = ("%", "TABLE");
    // SAFETY: every non-null pointer comes with its byte length and outlives the call; the
    // driver copies the patterns before returning.
    let rc = unsafe {
        odbc_api::sys::SQLTables(
            stmt.as_sys(),
            ptr(catalog),
            len(catalog),
            ptr(schema),
            len(schema),
            table.as_ptr(),
            len(Some(table)),
            kind.as_ptr(),
            len(Some(kind)),
        )
    };
    rc == SqlReturn::SUCCESS || rc == SqlReturn::SUCCESS_WITH_INFO
}

fn fetch_all(stmt: &mut handles::StatementImpl<'_>) -> Result<Rows, Vec<DiagRecord>> {
    let columns = match stmt.num_result_cols() {
        SqlResult::Success(n) | SqlResult::SuccessWithInfo(n) => u16::try_from(n).unwrap_or(0).min(MAX_COLUMNS),
        _ => return Err(records(&stmt.as_stmt_ref())),
    };
    let mut rows = Vec::new();
    while rows.len() < MAX_ROWS {
        // SAFETY: no buffers are bound; fetch only moves the cursor.
        match unsafe { stmt.fetch() } {
            SqlResult::Success(()) | SqlResult::SuccessWithInfo(()) => {}
            SqlResult::NoData => break,
            _ => return Err(records(&stmt.as_stmt_ref())),
        }
        rows.push((1..=columns).map(|c| text(stmt, c)).collect());
    }
    Ok(rows)
}

/// One column of the current row as text; `None` for NULL or when it cannot be read.
fn text(stmt: &handles::StatementImpl<'_>, column: u16) -> Option<String> {
    let mut buf = vec![0u8; VALUE_BYTES];
    let mut indicator: isize = 0;
    // SAFETY: the buffer outlives the call and its length is passed; the indicator is an 8-byte
    // SQLLEN of which a 32-bit driver writes only the low half (zeroed first).
    let rc = unsafe {
        odbc_api::sys::SQLGetData(
            stmt.as_sys(),
            column,
            CDataType::Char,
            buf.as_mut_ptr() as Pointer,
            buf.len() as isize,
            &mut indicator,
        )
    };
    if rc != SqlReturn::SUCCESS && rc != SqlReturn::SUCCESS_WITH_INFO {
        return None;
    }
    // SQL_NULL_DATA is -1: all 64 bits, or the low 32 from a 32-bit SQLLEN.
    if indicator as u64 & 0xffff_ffff == 0xffff_ffff {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).trim_end().to_string())
}
