//! SFTP uploads for `pmr`/`support`: the types shared by the command layer and the SFTP helper
//! process, and the helper itself.
//!
//! The SSH client (libssh2 through the `ssh2` crate) runs in a separate executable,
//! `travelerUtil-sftp`, the `travelerutil-sftp` crate of this workspace, installed beside
//! `travelerUtil` ([`protocol`] is what they say to each other, [`client`] is travelerUtil's
//! side). So OpenSSL, which libssh2 links, never loads into the process that holds the store
//! key, and this crate cannot depend on `ssh2` by accident. git keeps libcurl out of `git` the
//! same way (`git-remote-https`). tests/regressions.rs checks with `ldd`.
//!
//! Every failure is a [`SftpError`] with a [`Class`] (DNS, refused, timeout, authentication,
//! host key, permission, remote disk full, ...). The class decides the exit code ([`HasExit`]);
//! the command layer adds a hint for it. No terminal I/O here: the host key decision and the
//! progress display are callbacks supplied by the command layer.

pub mod client;
pub mod protocol;

use crate::error::HasExit;
use crate::exit::Exit;
use base64ct::Encoding;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::time::Duration;

/// The failure classes (the command layer's exit codes and hints follow these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Dns,
    Refused,
    Unreachable,
    Timeout,
    Authentication,
    HostKey,
    Permission,
    NotFound,
    RemoteFull,
    /// The connection broke during the session (server stopped, network cut).
    Disconnected,
    /// The upload ended but the remote size differs.
    Verify,
    /// The SSH or SFTP protocol failed in another way.
    Protocol,
    /// Reading the local file failed.
    Local,
    /// The SFTP helper executable is missing or cannot run.
    Helper,
}

#[derive(Debug, thiserror::Error)]
pub enum SftpError {
    #[error("the host name `{host}` does not resolve: {source}")]
    Dns {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error("connection to {addr} refused (nothing listens on that port)")]
    Refused { addr: String },
    #[error("{addr} is unreachable: {source}")]
    Unreachable {
        addr: String,
        #[source]
        source: io::Error,
    },
    #[error("no answer from {addr} within {secs} s ({during})")]
    Timeout {
        addr: String,
        secs: u64,
        during: &'static str,
    },
    #[error("the server rejected the login of user `{user}` ({methods})")]
    Authentication { user: String, methods: String },
    #[error("{0}")]
    HostKey(String),
    #[error("permission denied on the server for `{path}` ({during})")]
    Permission { path: String, during: &'static str },
    #[error("`{path}` does not exist on the server ({during})")]
    NotFound { path: String, during: &'static str },
    #[error("the server could not store `{path}`: {detail}")]
    RemoteFull { path: String, detail: String },
    #[error("the connection to {addr} was lost ({during}): {detail}")]
    Disconnected {
        addr: String,
        during: &'static str,
        detail: String,
    },
    #[error("`{path}` has {got} bytes on the server after the upload, expected {expected}")]
    Verify { path: String, expected: u64, got: u64 },
    #[error("SSH/SFTP failure ({during}): {detail}")]
    Protocol { during: &'static str, detail: String },
    #[error("reading `{path}`")]
    Local {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The helper executable cannot be started (see the module docs).
    #[error("cannot run the SFTP helper `{path}` (it is installed beside travelerUtil)")]
    Helper {
        path: String,
        #[source]
        source: io::Error,
    },
    /// A failure reported by the helper process: its class and its message with the whole
    /// error chain, as the helper rendered them.
    #[error("{message}")]
    Reported { class: Class, message: String },
}

impl Class {
    /// The exit code of the class (README, "Exit codes"). A connection lost mid-upload is
    /// "unreachable" like a refused one: running the command again resumes.
    #[must_use]
    pub fn exit(self) -> Exit {
        match self {
            Class::Dns => Exit::Dns,
            Class::Refused | Class::Unreachable | Class::Disconnected => Exit::Unreachable,
            Class::Timeout => Exit::Timeout,
            Class::Authentication => Exit::Authentication,
            Class::HostKey => Exit::HostKey,
            Class::Permission => Exit::Permission,
            Class::NotFound => Exit::NotFound,
            Class::RemoteFull => Exit::RemoteFull,
            Class::Verify | Class::Protocol => Exit::CheckFailed,
            Class::Local => Exit::Io,
            Class::Helper => Exit::Failure,
        }
    }
}

impl HasExit for SftpError {
    fn exit(&self) -> Exit {
        self.class().exit()
    }
}

impl SftpError {
    pub fn class(&self) -> Class {
        match self {
            SftpError::Dns { .. } => Class::Dns,
            SftpError::Refused { .. } => Class::Refused,
            SftpError::Unreachable { .. } => Class::Unreachable,
            SftpError::Timeout { .. } => Class::Timeout,
            SftpError::Authentication { .. } => Class::Authentication,
            SftpError::HostKey(_) => Class::HostKey,
            SftpError::Permission { .. } => Class::Permission,
            SftpError::NotFound { .. } => Class::NotFound,
            SftpError::RemoteFull { .. } => Class::RemoteFull,
            SftpError::Disconnected { .. } => Class::Disconnected,
            SftpError::Verify { .. } => Class::Verify,
            SftpError::Protocol { .. } => Class::Protocol,
            SftpError::Local { .. } => Class::Local,
            SftpError::Helper { .. } => Class::Helper,
            SftpError::Reported { class, .. } => *class,
        }
    }
}

/// The message of an error with its whole chain (`a: b: c`).
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s.push_str(": ");
        s.push_str(&c.to_string());
        source = c.source();
    }
    s
}

/// The server's host key as presented during the key exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostKey {
    /// OpenSSH's name for the key type in its fingerprint line: `ED25519`, `ECDSA`, `RSA`.
    pub kind: String,
    /// `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l -E sha256` prints it.
    pub fingerprint: String,
}

/// OpenSSH's SHA-256 fingerprint of a public key blob (the RFC 4253 §6.6 encoding): SHA-256
/// over the blob, base64 without `=` padding (sshkey.c `fingerprint_b64`).
pub fn fingerprint(blob: &[u8]) -> String {
    format!(
        "SHA256:{}",
        base64ct::Base64Unpadded::encode_string(&Sha256::digest(blob))
    )
}

/// Validates a fingerprint typed by an admin (`hostkey=`): `SHA256:` and 43 base64 characters
/// (32 bytes unpadded). A trailing `=` (some tools pad) is tolerated and removed.
pub fn parse_fingerprint(s: &str) -> Result<String, String> {
    let t = s.trim();
    let Some(b64) = t.strip_prefix("SHA256:").or_else(|| t.strip_prefix("sha256:")) else {
        return Err(
            "a host key fingerprint starts with `SHA256:` (as `ssh-keygen -l -f <key>` prints it); \
MD5 fingerprints (`MD5:..` or `aa:bb:..`) are not accepted"
                .into(),
        );
    };
    let b64 = b64.trim_end_matches('=');
    match base64ct::Base64Unpadded::decode_vec(b64) {
        Ok(v) if v.len() == 32 => Ok(format!("SHA256:{b64}")),
        Ok(v) => Err(format!("the fingerprint holds {} bytes, a SHA-256 has 32", v.len())),
        Err(_) => Err("the part after `SHA256:` is not base64".into()),
    }
}

/// Where to connect and how long to wait.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// TCP connect bound per address.
    pub connect_timeout: Duration,
    /// Bound for every blocking SSH/SFTP operation after the connect.
    pub io_timeout: Duration,
}

impl Endpoint {
    /// `host:port`, with brackets around an IPv6 address.
    pub fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// What one upload did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Uploaded {
    pub remote: String,
    pub bytes: u64,
    /// Bytes that were already on the server from an interrupted upload (0 for a fresh one).
    pub resumed_from: u64,
    /// Why an existing `.partial` was not resumed, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_reason: Option<String>,
    pub seconds: f64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_the_exit_code_of_its_class() {
        let io = || std::io::Error::other("x");
        let cases = [
            (
                SftpError::Dns {
                    host: "h".into(),
                    source: io(),
                },
                Exit::Dns,
            ),
            (SftpError::Refused { addr: "a".into() }, Exit::Unreachable),
            (
                SftpError::Unreachable {
                    addr: "a".into(),
                    source: io(),
                },
                Exit::Unreachable,
            ),
            (
                SftpError::Timeout {
                    addr: "a".into(),
                    secs: 1,
                    during: "d",
                },
                Exit::Timeout,
            ),
            (
                SftpError::Authentication {
                    user: "u".into(),
                    methods: "m".into(),
                },
                Exit::Authentication,
            ),
            (SftpError::HostKey("k".into()), Exit::HostKey),
            (
                SftpError::Permission {
                    path: "p".into(),
                    during: "d",
                },
                Exit::Permission,
            ),
            (
                SftpError::NotFound {
                    path: "p".into(),
                    during: "d",
                },
                Exit::NotFound,
            ),
            (
                SftpError::RemoteFull {
                    path: "p".into(),
                    detail: "d".into(),
                },
                Exit::RemoteFull,
            ),
            (
                SftpError::Disconnected {
                    addr: "a".into(),
                    during: "d",
                    detail: "x".into(),
                },
                Exit::Unreachable,
            ),
            (
                SftpError::Verify {
                    path: "p".into(),
                    expected: 2,
                    got: 1,
                },
                Exit::CheckFailed,
            ),
            (
                SftpError::Protocol {
                    during: "d",
                    detail: "x".into(),
                },
                Exit::CheckFailed,
            ),
            (
                SftpError::Local {
                    path: "p".into(),
                    source: io(),
                },
                Exit::Io,
            ),
            (
                SftpError::Helper {
                    path: "p".into(),
                    source: io(),
                },
                Exit::Failure,
            ),
        ];
        for (e, exit) in cases {
            assert_eq!(e.exit(), exit, "{e}");
        }
    }

    #[test]
    fn fingerprint_matches_ssh_keygen() {
        // ssh-keygen -l -E sha256 -f on this public key prints
        // SHA256:Dha4JqduLI5KmKgND42gSX5CfPPjRBpSnW09PGFPzsE (checked against OpenSSH 9.2).
        let blob = base64ct::Base64::decode_vec("AAAAC3NzaC1lZDI1NTE5AAAAIN8q7X9ssKPOsgSEDA8kjQ4Q8iJ42XiiHnMHyj9RpbHJ")
            .unwrap();
        assert_eq!(fingerprint(&blob), "SHA256:Dha4JqduLI5KmKgND42gSX5CfPPjRBpSnW09PGFPzsE");
    }

    #[test]
    fn typed_fingerprints() {
        let fp = "SHA256:Dha4JqduLI5KmKgND42gSX5CfPPjRBpSnW09PGFPzsE";
        assert_eq!(parse_fingerprint(fp).unwrap(), fp);
        assert_eq!(parse_fingerprint(&format!(" {fp}= ")).unwrap(), fp);
        assert!(parse_fingerprint("MD5:aa:bb").unwrap_err().contains("SHA256:"));
        assert!(parse_fingerprint("SHA256:abc").unwrap_err().contains("bytes"));
        assert!(parse_fingerprint("SHA256:!!!").unwrap_err().contains("base64"));
    }
}
