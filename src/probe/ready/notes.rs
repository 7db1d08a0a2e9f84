//! The schema mode, from the Domino data directory's notes.ini.
//!
//! Traveler creates and migrates its own schema unless `NTS_AUTO_DBSCHEMA=false` is set (DDL
//! mode: the administrator applies the shipped DDL). An 8.5.3-era IBM article printed the name as
//! `NTS_AUTO_DB_SCHEMA`, which current servers do not read. `NTS_DB2_SCHEMA` names the schema
//! on Db2 only. Sources: docs/ha-readiness.md.

use super::{Level, Line};
use crate::jdbc::Kind;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name current Traveler reads.
pub const AUTO_KEY: &str = "NTS_AUTO_DBSCHEMA";
/// The spelling of the 8.5.3 UP1 article.
pub const MISSPELLED_KEY: &str = "NTS_AUTO_DB_SCHEMA";
/// The Db2 schema name.
pub const DB2_SCHEMA_KEY: &str = "NTS_DB2_SCHEMA";

/// A notes.ini is a few kilobytes; anything past this is not read.
const MAX_BYTES: u64 = 1 << 20;

/// Who creates the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchemaMode {
    /// Traveler creates and migrates its schema (the default).
    Automatic,
    /// `NTS_AUTO_DBSCHEMA=false`: the administrator applies the DDL.
    Ddl,
}

/// What notes.ini says, as far as the readiness rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesIni {
    pub path: PathBuf,
    /// How the data directory was found (`--data-dir`, `Directory=` in ./notes.ini, the default).
    pub found_by: &'static str,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// The file could not be read: why.
    Missing(String),
    Read {
        auto: Option<String>,
        misspelled: Option<String>,
        db2_schema: Option<String>,
    },
}

impl NotesIni {
    /// `NTS_DB2_SCHEMA`, when set.
    pub fn db2_schema(&self) -> Option<&str> {
        match &self.state {
            State::Read { db2_schema, .. } => db2_schema.as_deref(),
            State::Missing(_) => None,
        }
    }

    /// Reads the three keys from the bytes of a notes.ini.
    pub fn parse(path: PathBuf, found_by: &'static str, bytes: &[u8]) -> NotesIni {
        let get = |k: &str| crate::archive::notesini::value(bytes, k);
        NotesIni {
            path,
            found_by,
            state: State::Read {
                auto: get(AUTO_KEY),
                misspelled: get(MISSPELLED_KEY),
                db2_schema: get(DB2_SCHEMA_KEY),
            },
        }
    }
}

/// Reads `<data>/notes.ini`. The file itself is opened without following a symbolic link: a
/// link there may point anywhere, and only its three keys would be shown, but the rule of
/// `log collect` (stay inside the data directory) holds here too.
pub fn read(data_dir: &Path, found_by: &'static str) -> NotesIni {
    let path = data_dir.join("notes.ini");
    let opened =
        crate::sys::dirfd::Dir::open(data_dir, true).and_then(|d| d.open_file(std::ffi::OsStr::new("notes.ini")));
    let mut bytes = Vec::new();
    let read = opened.and_then(|f| f.take(MAX_BYTES).read_to_end(&mut bytes));
    match read {
        Ok(_) => NotesIni::parse(path, found_by, &bytes),
        Err(e) => {
            let why = if crate::sys::dirfd::refused_symlink(&e) {
                "it is a symbolic link, which is not followed".to_string()
            } else {
                e.to_string()
            };
            NotesIni {
                path,
                found_by,
                state: State::Missing(why),
            }
        }
    }
}

const MODE_HINT: &str = "NTS_AUTO_DBSCHEMA=false in notes.ini selects DDL mode (the administrator applies the \
    shipped DDL); without it Traveler creates and migrates the schema itself. Remove the setting again \
    before returning to automatic mode, or the server may wait for a schema that never comes";
const MISSPELLED_HINT: &str = "rename NTS_AUTO_DB_SCHEMA to NTS_AUTO_DBSCHEMA in notes.ini (the spelling \
    of current HCL documentation); current servers do not read the old name";
const DB2_SCHEMA_HINT: &str = "NTS_DB2_SCHEMA names the schema on Db2 only; SQL Server uses the user's \
    default schema and MySQL the database in the URL. Remove it from notes.ini, or check the URL";

/// The schema mode and the notes.ini lines: the mode, the misspelled key, `NTS_DB2_SCHEMA`
/// set for a database that is not Db2.
pub fn mode_lines(ini: &NotesIni, kind: Kind) -> (SchemaMode, Vec<Line>) {
    let path = crate::term::escape_path(&ini.path);
    let (auto, misspelled, db2_schema) = match &ini.state {
        State::Read {
            auto,
            misspelled,
            db2_schema,
        } => (auto, misspelled, db2_schema),
        State::Missing(why) => {
            let line = Line::new(
                "schema mode",
                Level::Info,
                format!(
                    "automatic assumed: {path} (data directory from {}) cannot be read: {}",
                    ini.found_by,
                    crate::term::escape(why)
                ),
            )
            .hint(MODE_HINT);
            return (SchemaMode::Automatic, vec![line]);
        }
    };
    let (mode, line) = mode_line(auto.as_deref(), &path);
    let mut lines = vec![line];
    if let Some(v) = misspelled {
        lines.push(
            Line::new(
                "notes.ini",
                Level::Warn,
                format!(
                    "{MISSPELLED_KEY}={} is set in {path}, but Traveler reads {AUTO_KEY}: this setting has no effect",
                    crate::term::escape(v)
                ),
            )
            .hint(MISSPELLED_HINT),
        );
    }
    if db2_schema.is_some() && matches!(kind, Kind::SqlServer | Kind::MySql) {
        lines.push(
            Line::new(
                "notes.ini",
                Level::Warn,
                format!(
                    "{DB2_SCHEMA_KEY} is set in {path}, but the database is {}: Traveler ignores it",
                    kind.product()
                ),
            )
            .hint(DB2_SCHEMA_HINT),
        );
    }
    (mode, lines)
}

/// The `schema mode` line for the value of `NTS_AUTO_DBSCHEMA` (None: not set).
fn mode_line(auto: Option<&str>, path: &str) -> (SchemaMode, Line) {
    let automatic = |how: String| {
        let what = format!("automatic: Traveler creates and migrates the schema ({how} in {path})");
        (SchemaMode::Automatic, Line::new("schema mode", Level::Pass, what))
    };
    match auto.map(|v| v.trim().to_ascii_lowercase()) {
        None => automatic(format!("{AUTO_KEY} is not set")),
        Some(v) if v == "true" => automatic(format!("{AUTO_KEY}=true")),
        Some(v) if v == "false" => {
            let what = format!("DDL: the schema must be applied by the administrator ({AUTO_KEY}=false in {path})");
            (SchemaMode::Ddl, Line::new("schema mode", Level::Pass, what))
        }
        Some(_) => {
            let what = format!(
                "automatic assumed: {AUTO_KEY}={} in {path} is neither true nor false",
                crate::term::escape(auto.unwrap_or_default())
            );
            (
                SchemaMode::Automatic,
                Line::new("schema mode", Level::Warn, what).hint(MODE_HINT),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ini(text: &str) -> NotesIni {
        NotesIni::parse(PathBuf::from("/data/notes.ini"), "--data-dir", text.as_bytes())
    }

    #[test]
    fn the_modes_and_their_lines() {
        let (m, l) = mode_lines(&ini("[Notes]\nKitType=2\n"), Kind::Db2);
        assert_eq!((m, l[0].level), (SchemaMode::Automatic, Level::Pass));
        let (m, l) = mode_lines(&ini("nts_auto_dbschema = FALSE\r\n"), Kind::Db2);
        assert_eq!((m, l.len()), (SchemaMode::Ddl, 1));
        assert!(l[0].detail.contains("DDL"), "{}", l[0].detail);
        let (m, l) = mode_lines(&ini("NTS_AUTO_DBSCHEMA=maybe\n"), Kind::Db2);
        assert_eq!((m, l[0].level), (SchemaMode::Automatic, Level::Warn));
    }

    #[test]
    fn the_misspelled_key_is_named_and_ignored() {
        let (m, l) = mode_lines(&ini("NTS_AUTO_DB_SCHEMA=false\n"), Kind::MySql);
        assert_eq!(m, SchemaMode::Automatic, "the old name selects nothing");
        assert_eq!(l.len(), 2);
        assert_eq!((l[1].name, l[1].level), ("notes.ini", Level::Warn));
        assert!(l[1].detail.contains("NTS_AUTO_DB_SCHEMA=false"), "{}", l[1].detail);
    }

    #[test]
    fn db2_schema_with_a_database_that_is_not_db2() {
        let text = "NTS_DB2_SCHEMA=LNT\n";
        assert_eq!(mode_lines(&ini(text), Kind::Db2).1.len(), 1);
        assert_eq!(mode_lines(&ini(text), Kind::As400).1.len(), 1);
        let l = mode_lines(&ini(text), Kind::MySql).1;
        assert_eq!((l.len(), l[1].level), (2, Level::Warn));
        assert_eq!(mode_lines(&ini(text), Kind::SqlServer).1.len(), 2);
    }

    #[test]
    fn a_missing_file_means_automatic_mode_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let n = read(dir.path(), "--data-dir");
        let (m, l) = mode_lines(&n, Kind::Db2);
        assert_eq!((m, l[0].level), (SchemaMode::Automatic, Level::Info));
        assert!(l[0].detail.contains("cannot be read"), "{}", l[0].detail);
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("notes.ini")).unwrap();
        let n = read(dir.path(), "--data-dir");
        assert!(
            matches!(&n.state, State::Missing(w) if w.contains("symbolic link")),
            "{n:?}"
        );
        std::fs::remove_file(dir.path().join("notes.ini")).unwrap();
        std::fs::write(dir.path().join("notes.ini"), "NTS_AUTO_DBSCHEMA=false\n").unwrap();
        assert_eq!(
            mode_lines(&read(dir.path(), "--data-dir"), Kind::Db2).0,
            SchemaMode::Ddl
        );
    }
}
