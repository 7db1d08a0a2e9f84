//! Exit codes. One table, documented in the README and the man page (both tested).
//!
//! "The check said no" codes (10–19) are kept apart from "the tool failed" codes, as ripgrep
//! keeps 1 apart from 2. Input and store problems borrow the BSD sysexits numbers so that
//! scripts written for other admin tools read them the same way.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success (also: nothing to do, settings unchanged).
    Success,
    /// An unexpected internal failure.
    Failure,
    /// Usage error: unknown command, key or option, a missing value under `--no-input`.
    Usage,
    /// The admin answered "no" at a confirmation.
    Declined,
    /// Refused because the Traveler or Domino server is running (`log clear`; `force` overrides).
    ServerRunning,
    /// A check failed for a reason outside the classes below.
    CheckFailed,
    /// The server could not be reached: connection refused or network unreachable.
    Unreachable,
    /// No answer within the time limit.
    Timeout,
    /// Authentication failed (user or password rejected).
    Authentication,
    /// Something named does not exist (database, file, keystore).
    NotFound,
    /// No ODBC driver for the database, or its library cannot be loaded.
    DriverMissing,
    /// TLS failed (certificate, handshake, trust store).
    Tls,
    /// The server refused access to an object (permission denied).
    Permission,
    /// The server's host name does not resolve.
    Dns,
    /// The ODBC driver manager (unixODBC) itself failed or is too old.
    DriverManager,
    /// The SSH server's host key is unknown and was not accepted, or differs from the pinned key.
    HostKey,
    /// The remote server has no space left (SFTP upload).
    RemoteFull,
    /// Invalid input: a URL with errors, a value out of range, a shell-split command.
    InvalidInput,
    /// An I/O error outside the store (reading stdin or a batch file, writing output).
    Io,
    /// A store or key problem: insecure permissions, missing or wrong key, tampered file.
    Store,
    /// Interrupted (Ctrl-C).
    Interrupted,
}

impl Exit {
    pub const ALL: &'static [Exit] = &[
        Exit::Success,
        Exit::Failure,
        Exit::Usage,
        Exit::Declined,
        Exit::ServerRunning,
        Exit::CheckFailed,
        Exit::Unreachable,
        Exit::Timeout,
        Exit::Authentication,
        Exit::NotFound,
        Exit::DriverMissing,
        Exit::Tls,
        Exit::Permission,
        Exit::Dns,
        Exit::DriverManager,
        Exit::HostKey,
        Exit::RemoteFull,
        Exit::InvalidInput,
        Exit::Io,
        Exit::Store,
        Exit::Interrupted,
    ];

    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Declined => 4,
            Exit::ServerRunning => 5,
            Exit::CheckFailed => 10,
            Exit::Unreachable => 11,
            Exit::Timeout => 12,
            Exit::Authentication => 13,
            Exit::NotFound => 14,
            Exit::DriverMissing => 15,
            Exit::Tls => 16,
            Exit::Permission => 17,
            Exit::Dns => 18,
            Exit::DriverManager => 19,
            Exit::HostKey => 20,
            Exit::RemoteFull => 21,
            Exit::InvalidInput => 65,
            Exit::Io => 74,
            Exit::Store => 78,
            Exit::Interrupted => 130,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Exit::Success => "success (including \"unchanged\" and \"nothing to remove\")",
            Exit::Failure => "unexpected internal error",
            Exit::Usage => "usage error: unknown command, key or option; a required value missing under --no-input",
            Exit::Declined => "declined at a confirmation prompt",
            Exit::ServerRunning => "refused: the Traveler or Domino server is running (use force)",
            Exit::CheckFailed => "check failed (other cause)",
            Exit::Unreachable => "unreachable: connection refused or network unreachable",
            Exit::Timeout => "timeout: no answer within the time limit",
            Exit::Authentication => "authentication failed",
            Exit::NotFound => "not found: database, file or keystore",
            Exit::DriverMissing => "ODBC driver missing, or its library cannot be loaded",
            Exit::Tls => "TLS failure: certificate, handshake or trust store",
            Exit::Permission => "permission denied by the server",
            Exit::Dns => "DNS: the host name does not resolve",
            Exit::DriverManager => "ODBC driver manager (unixODBC) failure",
            Exit::HostKey => "SSH host key unknown and not accepted, or changed since it was pinned",
            Exit::RemoteFull => "the remote server has no space left",
            Exit::InvalidInput => "invalid input: URL errors, bad values, a command split by the shell",
            Exit::Io => "I/O error outside the store (stdin, batch file, output)",
            Exit::Store => "store or key problem: insecure permissions, missing or wrong key, damaged file",
            Exit::Interrupted => "interrupted (Ctrl-C)",
        }
    }

    /// The table as plain lines, for `--help` and the man page (the README's copy is tested).
    pub fn table_plain() -> String {
        Exit::ALL
            .iter()
            .map(|e| format!("  {:>3}  {}", e.code(), e.describe()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// In `--json` reports an exit code is its number.
impl serde::Serialize for Exit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for e in Exit::ALL {
            assert!(seen.insert(e.code()), "{e:?} reuses {}", e.code());
        }
    }
}
