//! The truststore handed to the ODBC driver: when the URL asks for TLS and `ssl set` configured
//! a truststore, its trusted certificates are verified with the stored password and exported as
//! PEM for the driver's CA option (MariaDB `SSLCA`, Db2 `SSLServerCertificate`). The ODBC
//! drivers read PEM files, not Java keystores.
//!
//! The PEM goes into a file without a name (`O_TMPFILE`) that the driver opens as
//! `/proc/self/fd/N`: it vanishes with the process however it ends, SIGKILL included, so no CA
//! file is ever left in the temporary directory. Both drivers accept that path
//! (docs/odbc-drivers.md). Where `O_TMPFILE` or `/proc` is missing, a named 0600 file is used,
//! removed when dropped and by the handler of every catchable signal.

use super::report::Report;
use crate::exit::Exit;
use crate::jdbc::JdbcUrl;
use crate::keystore;
use crate::probe::FailureClass;
use crate::probe::offline::Status;
use crate::store::StoreFile;
use crate::sys::signals::UnlinkOnSignal;
use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The exported CA file, alive as long as this value.
pub enum CaFile {
    /// An `O_TMPFILE` file, named only by its descriptor.
    Anonymous(File),
    /// A named file in the temporary directory, unlinked on drop and on a signal (the file goes
    /// first, then its registration: fields drop in order).
    Named {
        file: NamedTempFile,
        _on_signal: UnlinkOnSignal,
    },
}

impl CaFile {
    /// The path to hand to the driver.
    pub fn path(&self) -> PathBuf {
        match self {
            CaFile::Anonymous(f) => PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd())),
            CaFile::Named { file, .. } => file.path().to_path_buf(),
        }
    }
}

/// `Ok(None)` when the URL asks for no TLS or no truststore is configured (a line says so).
pub fn export_ca(r: &mut Report, url: &JdbcUrl, truststore: Option<&StoreFile>) -> Result<Option<CaFile>, Exit> {
    if !crate::probe::connstr::wants_tls(url) {
        return Ok(None);
    }
    let Some(ts) = truststore else {
        r.push(
            "truststore",
            Status::Skip,
            "the URL asks for TLS, but no truststore is configured (`ssl set truststore=...`): the driver's own CA settings decide",
        );
        return Ok(None);
    };
    match trusted_pem(ts).and_then(|(pem, what)| write_pem(&pem).map(|f| (f, what))) {
        Ok((file, what)) => {
            r.push("truststore", Status::Pass, what);
            Ok(Some(file))
        }
        Err(msg) => {
            r.push("truststore", Status::Fail, msg);
            r.class = Some(FailureClass::Tls);
            Err(Exit::Tls)
        }
    }
}

/// The truststore's trusted certificates as PEM, and the line that says what was exported.
fn trusted_pem(ts: &StoreFile) -> Result<(String, String), String> {
    let where_ = crate::term::escape_path(&ts.path);
    let bytes = std::fs::read(&ts.path)
        .map_err(|e| format!("cannot read the truststore {where_}: {e}; run `travelerUtil ssl check`"))?;
    let pw = ts.password.as_ref().map_or("", |p| p.expose());
    let verified = keystore::verify(&bytes, pw, &keystore::Limits::default())
        .map_err(|e| format!("the truststore {where_} cannot be used: {e}"))?;
    let certs: Vec<Vec<u8>> = keystore::pem::trusted_certificates(&verified)
        .into_iter()
        .map(<[u8]>::to_vec)
        .collect();
    if certs.is_empty() {
        return Err(format!(
            "the truststore {where_} holds no trusted certificate; import the CA with keytool -importcert"
        ));
    }
    let what = format!(
        "{} trusted certificate{} from {where_} ({}) handed to the driver",
        certs.len(),
        if certs.len() == 1 { "" } else { "s" },
        verified.store_type.name()
    );
    Ok((keystore::pem::certs_to_pem(&certs), what))
}

/// A private temporary file (0600) holding `pem`: unnamed where the system allows it, else
/// named and removed when the value is dropped or a signal ends the process.
fn write_pem(pem: &str) -> Result<CaFile, String> {
    let dir = std::env::temp_dir();
    let anonymous = Path::new("/proc/self/fd")
        .is_dir()
        .then(|| crate::sys::dirfd::anonymous_file(&dir));
    match anonymous {
        Some(Ok(mut f)) => {
            f.write_all(pem.as_bytes())
                .map_err(|e| format!("cannot write the temporary CA file: {e}"))?;
            Ok(CaFile::Anonymous(f))
        }
        Some(Err(_)) | None => write_named(&dir, pem),
    }
}

/// The fallback of [`write_pem`]: registered for removal on a signal before a byte is written.
pub fn write_named(dir: &Path, pem: &str) -> Result<CaFile, String> {
    let mut f = tempfile::Builder::new()
        .prefix(".travelerutil-ca-")
        .suffix(".pem")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write the temporary CA file: {e}"))?;
    let guard = UnlinkOnSignal::new(f.path());
    f.write_all(pem.as_bytes())
        .and_then(|()| f.flush())
        .map_err(|e| format!("cannot write the temporary CA file: {e}"))?;
    Ok(CaFile::Named {
        file: f,
        _on_signal: guard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pem_goes_into_a_file_without_a_name() {
        let ca = write_pem("-----BEGIN CERTIFICATE-----\n").unwrap();
        let p = ca.path();
        assert!(p.starts_with("/proc/self/fd"), "{}", p.display());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "-----BEGIN CERTIFICATE-----\n");
        // The descriptor names a file that has no entry in the directory.
        let target = std::fs::read_link(&p).unwrap();
        assert!(target.to_string_lossy().ends_with("(deleted)"), "{}", target.display());
    }

    #[test]
    fn the_named_fallback_is_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let ca = write_named(dir.path(), "pem").unwrap();
        let p = ca.path();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "pem");
        drop(ca);
        assert!(!p.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
