//! The truststore handed to the ODBC driver: when the URL asks for TLS and `ssl set` configured
//! a truststore, its trusted certificates are verified with the stored password and exported as
//! PEM for the driver's CA option (MariaDB `SSLCA`, Db2 `SSLServerCertificate`). The ODBC
//! drivers read PEM files, not Java keystores.

use super::report::Report;
use crate::exit::Exit;
use crate::jdbc::JdbcUrl;
use crate::keystore;
use crate::probe::FailureClass;
use crate::probe::offline::Status;
use crate::store::StoreFile;
use std::path::PathBuf;
use tempfile::NamedTempFile;

/// The exported CA file, alive as long as this value.
pub struct CaFile {
    file: NamedTempFile,
}

impl CaFile {
    /// The path to hand to the driver.
    pub fn path(&self) -> PathBuf {
        self.file.path().to_path_buf()
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

/// A private temporary file (0600) holding `pem`, removed when the value is dropped.
fn write_pem(pem: &str) -> Result<CaFile, String> {
    tempfile::Builder::new()
        .prefix(".travelerutil-ca-")
        .suffix(".pem")
        .tempfile()
        .and_then(|mut f| {
            std::io::Write::write_all(&mut f, pem.as_bytes())?;
            std::io::Write::flush(&mut f)?;
            Ok(CaFile { file: f })
        })
        .map_err(|e| format!("cannot write the temporary CA file: {e}"))
}
