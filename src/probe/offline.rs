//! The checks `db check` runs before touching the network: the JDBC driver jar, the IBM i
//! jt400.jar link, and the standalone Derby folder. File reads only.

use crate::jdbc::Kind;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
}

impl Check {
    pub fn new(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            name,
            status,
            detail: detail.into(),
        }
    }
}

/// The driver class each family's jar must contain, as a jar entry path. Connector/J moved its
/// class in 8.0 (`com.mysql.cj.jdbc.Driver`); the 5.1 name is still accepted.
pub fn driver_classes(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Db2 => &["com/ibm/db2/jcc/DB2Driver.class"],
        Kind::As400 => &["com/ibm/as400/access/AS400JDBCDriver.class"],
        Kind::SqlServer => &["com/microsoft/sqlserver/jdbc/SQLServerDriver.class"],
        Kind::MySql => &["com/mysql/cj/jdbc/Driver.class", "com/mysql/jdbc/Driver.class"],
        Kind::Derby => &[
            "org/apache/derby/jdbc/EmbeddedDriver.class",
            "org/apache/derby/iapi/jdbc/AutoloadedDriver.class",
        ],
    }
}

/// `path=` holds the driver class for the URL's family.
pub fn check_jar(path: Option<&Path>, kind: Kind) -> Check {
    const NAME: &str = "JDBC driver jar";
    let Some(path) = path else {
        return Check::new(
            NAME,
            Status::Warn,
            "path= is not set; Traveler then looks for the driver in its own lib directory",
        );
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Check::new(NAME, Status::Fail, format!("{}: {e}", path.display())),
    };
    let archive = match zip::ZipArchive::new(std::io::BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => {
            return Check::new(
                NAME,
                Status::Fail,
                format!("{} is not a jar (zip) file: {e}", path.display()),
            );
        }
    };
    let wanted = driver_classes(kind);
    match wanted.iter().find(|c| archive.index_for_name(c).is_some()) {
        Some(c) => Check::new(
            NAME,
            Status::Pass,
            format!(
                "{} holds {}",
                path.display(),
                c.trim_end_matches(".class").replace('/', ".")
            ),
        ),
        None => Check::new(
            NAME,
            Status::Fail,
            format!(
                "{} does not hold the {} driver ({}); is it the jar for this database?",
                path.display(),
                kind.product(),
                wanted[0].trim_end_matches(".class").replace('/', ".")
            ),
        ),
    }
}

/// For IBM i: jt400.jar should be a symbolic link to the system's copy. A copy is never updated
/// when PTFs update the system's jt400.jar (docs/traveler-facts.md, "jt400.jar").
pub fn check_jt400_link(path: &Path) -> Check {
    const NAME: &str = "jt400.jar link";
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            Check::new(NAME, Status::Pass, format!("{} links to {target}", path.display()))
        }
        Ok(_) => Check::new(
            NAME,
            Status::Warn,
            format!(
                "{} is a copy: PTFs update the system's jt400.jar, not this one. Link it instead: \
                 ADDLNK OBJ('/QIBM/ProdData/OS400/jt400/lib/jt400.jar') NEWLNK('{}')",
                path.display(),
                path.display()
            ),
        ),
        Err(e) => Check::new(NAME, Status::Fail, format!("{}: {e}", path.display())),
    }
}

/// Standalone mode: Traveler's Derby database is `<data>/traveler/ntsdb`, a Derby database
/// directory, which holds `service.properties`.
pub fn check_derby(data_dir: Option<&Path>) -> Check {
    const NAME: &str = "Derby database";
    let Some(data) = data_dir else {
        return Check::new(
            NAME,
            Status::Skip,
            "the Domino data directory is not known: give --data-dir to check <data>/traveler/ntsdb",
        );
    };
    let db = data.join("traveler").join("ntsdb");
    if !db.is_dir() {
        return Check::new(
            NAME,
            Status::Fail,
            format!(
                "{} does not exist (Traveler creates it at its first start)",
                db.display()
            ),
        );
    }
    if db.join("service.properties").is_file() {
        Check::new(NAME, Status::Pass, format!("{} is a Derby database", db.display()))
    } else {
        Check::new(
            NAME,
            Status::Fail,
            format!(
                "{} has no service.properties: not a Derby database, or damaged (restore it from backup)",
                db.display()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derby_folder() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(check_derby(None).status, Status::Skip);
        assert_eq!(check_derby(Some(d.path())).status, Status::Fail);
        let ntsdb = d.path().join("traveler/ntsdb");
        std::fs::create_dir_all(&ntsdb).unwrap();
        assert_eq!(check_derby(Some(d.path())).status, Status::Fail);
        std::fs::write(ntsdb.join("service.properties"), "x").unwrap();
        assert_eq!(check_derby(Some(d.path())).status, Status::Pass);
    }

    #[test]
    fn jt400_copy_vs_link() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.jar");
        std::fs::write(&real, "x").unwrap();
        assert_eq!(check_jt400_link(&real).status, Status::Warn);
        let link = d.path().join("jt400.jar");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(check_jt400_link(&link).status, Status::Pass);
        assert_eq!(check_jt400_link(&d.path().join("missing.jar")).status, Status::Fail);
    }

    fn jar_with(dir: &Path, entries: &[&str]) -> std::path::PathBuf {
        use std::io::Write;
        let path = dir.join("driver.jar");
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for e in entries {
            w.start_file(*e, opts).unwrap();
            w.write_all(b"\xca\xfe\xba\xbe").unwrap();
        }
        w.finish().unwrap();
        path
    }

    #[test]
    fn jar_holding_the_driver_class() {
        let d = tempfile::tempdir().unwrap();
        let jar = jar_with(d.path(), &["META-INF/MANIFEST.MF", "com/ibm/db2/jcc/DB2Driver.class"]);
        let c = check_jar(Some(&jar), Kind::Db2);
        assert_eq!(c.status, Status::Pass, "{}", c.detail);
        assert!(c.detail.contains("com.ibm.db2.jcc.DB2Driver"));
        // The same jar is the wrong one for IBM i.
        let c = check_jar(Some(&jar), Kind::As400);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.detail.contains("com.ibm.as400.access.AS400JDBCDriver"),
            "{}",
            c.detail
        );
        // Connector/J 5.1's class name is accepted too.
        let jar = jar_with(d.path(), &["com/mysql/jdbc/Driver.class"]);
        assert_eq!(check_jar(Some(&jar), Kind::MySql).status, Status::Pass);
    }

    #[test]
    fn jar_not_a_zip_or_missing() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("x.jar");
        std::fs::write(&f, "not a zip").unwrap();
        assert_eq!(check_jar(Some(&f), Kind::Db2).status, Status::Fail);
        assert_eq!(
            check_jar(Some(&d.path().join("none.jar")), Kind::Db2).status,
            Status::Fail
        );
        assert_eq!(check_jar(None, Kind::Db2).status, Status::Warn);
    }
}
