//! The settings kept in the store: the plaintext JSON document inside the encryption.
//!
//! Each feature owns one optional section (`db` today; `ssl` and `support` are meant to be
//! added the same way: a new `Option<...>` field with its own struct). `#[serde(default)]`
//! everywhere and no `deny_unknown_fields`, so a store written by a newer release that has
//! more sections or fields still loads (the unknown parts are dropped on the next write).

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
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            version: SETTINGS_VERSION,
            db: None,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// JDBC driver jar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// ODBC driver name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
}

impl Settings {
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
        let s = Settings::from_plaintext(br#"{"db":{"url":"u","future":1},"ssl":{"x":2}}"#).unwrap();
        assert_eq!(s.version, 1);
        assert_eq!(s.db.unwrap().url, "u");
        assert_eq!(Settings::from_plaintext(b"{}").unwrap(), Settings::default());
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
