//! The settings kept in the store: the plaintext JSON document inside the encryption.
//!
//! Each feature owns one optional section (`db`, `ssl`, `support`): an `Option<...>` field with
//! its own struct. `#[serde(default)]`
//! everywhere and no `deny_unknown_fields`, so a store written by a newer release that has
//! more sections or fields still loads (the unknown parts are dropped on the next write).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::secret::Secret;

/// Version of the settings document (independent of the binary format version).
pub const SETTINGS_VERSION: u32 = 1;

/// Everything travelerUtil stores.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    /// The enterprise database (`db set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db: Option<DbSettings>,
    /// The TLS keystore and truststore (`ssl set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl: Option<SslSettings>,
    /// The support case and the vendor's SFTP endpoint (`pmr set` / `support set`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<SupportSettings>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            version: SETTINGS_VERSION,
            db: None,
            ssl: None,
            support: None,
        }
    }
}

/// The enterprise database connection.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DbSettings {
    /// JDBC URL, without any password (passwords are lifted into `password`).
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// `Secret`'s Debug is redacted, so the derived Debug of this struct is safe to log.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::secret::plain_opt")]
    pub password: Option<Secret>,
    /// JDBC driver jar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// ODBC driver name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
}

/// The TLS stores. Either may be set alone.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SslSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keystore: Option<StoreFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truststore: Option<StoreFile>,
}

/// One keystore file, as it was when its password was verified.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreFile {
    /// Absolute path.
    pub path: PathBuf,
    #[serde(serialize_with = "crate::secret::plain_opt")]
    pub password: Option<Secret>,
    /// Key passwords that differ from the store password, by alias (`keypw=`).
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "crate::secret::plain_map"
    )]
    pub key_passwords: BTreeMap<String, Secret>,
    /// `JKS`, `JCEKS` or `PKCS12`, as detected at `ssl set`.
    pub store_type: String,
    /// Size, modification time (seconds since the epoch) and SHA-256 (hex) at `ssl set`, so
    /// `ssl show` can say when the file changed or vanished since.
    pub size: u64,
    pub mtime: i64,
    pub sha256: String,
}

/// Support uploads. Every field is optional: `pmr set` may store only some of them.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SupportSettings {
    /// The normalised case number (`CS1234567`, `TS012345678`, `12345,678,000`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::secret::plain_opt")]
    pub password: Option<Secret>,
    /// Remote directory for uploads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// The pinned host key fingerprint (`SHA256:...`, as OpenSSH prints it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostkey: Option<String>,
    /// A private key file for public key authentication, tried before the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
}

impl Settings {
    /// Every secret the store holds (db, keystore, truststore and key passwords, SFTP
    /// password), for redaction in support bundles.
    pub fn secrets(&self) -> Vec<&Secret> {
        let mut out = Vec::new();
        if let Some(p) = self.db.as_ref().and_then(|d| d.password.as_ref()) {
            out.push(p);
        }
        if let Some(ssl) = &self.ssl {
            for f in [&ssl.keystore, &ssl.truststore].into_iter().flatten() {
                out.extend(f.password.iter());
                out.extend(f.key_passwords.values());
            }
        }
        if let Some(p) = self.support.as_ref().and_then(|s| s.password.as_ref()) {
            out.push(p);
        }
        out
    }

    /// The JSON plaintext, built directly in a zeroizing buffer (it contains passwords).
    ///
    /// # Errors
    /// A `serde_json` error, which cannot happen for these types (string keys only) unless a
    /// path is not valid UTF-8.
    pub fn to_plaintext(&self) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
        // 512 bytes holds a typical document, so the buffer rarely grows; every growth leaves
        // the old (unzeroized) allocation behind, which is why the start is generous.
        let mut buf = Zeroizing::new(Vec::with_capacity(512));
        serde_json::to_writer(&mut *buf, self)?;
        Ok(buf)
    }

    /// Parses the decrypted plaintext.
    ///
    /// # Errors
    /// A description of the parse failure that never quotes the input: `serde_json`'s own
    /// messages can echo an offending value (`invalid type: string "..."`), and the input
    /// holds passwords.
    pub fn from_plaintext(plaintext: &[u8]) -> Result<Settings, String> {
        serde_json::from_slice(plaintext).map_err(|e| {
            let kind = match e.classify() {
                serde_json::error::Category::Io => "I/O error",
                serde_json::error::Category::Syntax => "invalid JSON",
                serde_json::error::Category::Data => "unexpected value or type",
                serde_json::error::Category::Eof => "JSON ends early",
            };
            format!("{kind} at line {}, column {}", e.line(), e.column())
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn sample() -> Settings {
        Settings {
            version: 1,
            db: Some(DbSettings {
                url: "jdbc:db2://h:50000/TRAVELER".into(),
                user: Some("db2inst1".into()),
                password: Some(Secret::from("s3cr3t-pw")),
                path: Some(PathBuf::from("/opt/ibm/db2/java/db2jcc4.jar")),
                driver: Some("IBM DB2 ODBC DRIVER".into()),
            }),
            ssl: None,
            support: None,
        }
    }

    #[test]
    fn default_is_version_1_and_empty() {
        let s = Settings::default();
        assert_eq!(s.version, 1);
        assert!(s.db.is_none());
    }

    #[test]
    fn json_round_trip() {
        let s = sample();
        let pt = s.to_plaintext().unwrap();
        assert_eq!(Settings::from_plaintext(&pt).unwrap(), s);
    }

    #[test]
    fn debug_hides_password() {
        let d = format!("{:?}", sample());
        assert!(!d.contains("s3cr3t"), "{d}");
        assert!(d.contains("db2inst1"));
    }

    #[test]
    fn missing_fields_default_and_unknown_fields_are_ignored() {
        let s = Settings::from_plaintext(br#"{"db":{"url":"u","future":1},"later":{"x":2}}"#).unwrap();
        assert_eq!(s.version, 1);
        assert_eq!(s.db.unwrap().url, "u");
        assert_eq!(Settings::from_plaintext(b"{}").unwrap(), Settings::default());
    }

    #[test]
    fn secrets_lists_every_password() {
        let mut s = sample();
        s.ssl = Some(SslSettings {
            keystore: Some(StoreFile {
                password: Some(Secret::from("ks")),
                key_passwords: [("a".to_owned(), Secret::from("kp"))].into(),
                ..StoreFile::default()
            }),
            truststore: Some(StoreFile {
                password: Some(Secret::from("ts")),
                ..StoreFile::default()
            }),
        });
        s.support = Some(SupportSettings {
            password: Some(Secret::from("sftp")),
            ..SupportSettings::default()
        });
        let got: Vec<String> = s.secrets().iter().map(|p| p.expose().to_owned()).collect();
        assert_eq!(got, ["s3cr3t-pw", "ks", "kp", "ts", "sftp"]);
        let pt = s.to_plaintext().unwrap();
        assert_eq!(Settings::from_plaintext(&pt).unwrap(), s);
    }

    #[test]
    fn parse_errors_never_quote_the_input() {
        let e = Settings::from_plaintext(br#"{"db":{"url":"u","password":"hunter2","user":7}}"#).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        let e = Settings::from_plaintext(br#"{"version":"hunter2"}"#).unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("line 1"), "{e}");
    }
}
