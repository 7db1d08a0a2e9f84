//! Exit codes. One table, documented in the README and the man page (both tested).
//!
//! "The check said no" codes (10–19) are kept apart from "the tool failed" codes, as ripgrep
//! keeps 1 apart from 2. Input and store problems borrow the BSD sysexits numbers so that
//! scripts written for other admin tools read them the same way.

use std::fmt;

/// Declares [`Exit`] from one table, so that a new code cannot be left out of [`Exit::ALL`],
/// [`Exit::code`] or [`Exit::describe`].
macro_rules! exit_codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $describe:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Exit {
            $( $(#[$doc])* $name, )*
        }

        impl Exit {
            /// Every exit code, in table order.
            pub const ALL: &'static [Exit] = &[ $( Exit::$name, )* ];

            /// The process exit status.
            #[must_use]
            pub fn code(self) -> u8 {
                match self {
                    $( Exit::$name => $code, )*
                }
            }

            /// One line for the exit-status tables (README, `--help`, man page).
            #[must_use]
            pub fn describe(self) -> &'static str {
                match self {
                    $( Exit::$name => $describe, )*
                }
            }
        }
    };
}

exit_codes! {
    /// Success (also: nothing to do, settings unchanged).
    Success = 0, "success (including \"unchanged\" and \"nothing to remove\")";
    /// An unexpected internal failure.
    Failure = 1, "unexpected internal error";
    /// Usage error: unknown command, key or option, a missing value under `--no-input`.
    Usage = 2, "usage error: unknown command, key or option; a required value missing under --no-input";
    /// The admin answered "no" at a confirmation.
    Declined = 4, "declined at a confirmation prompt";
    /// Refused because the Traveler or Domino server is running (`log clear`; `force` overrides).
    ServerRunning = 5, "refused: the Traveler or Domino server is running (use force)";
    /// `db check`: the primary database passes, but a failover partner the URL names fails.
    Degraded = 9, "degraded: the primary database passes, a failover partner fails (db check)";
    /// A check failed for a reason outside the classes below.
    CheckFailed = 10, "check failed (other cause)";
    /// The server could not be reached: connection refused or network unreachable.
    Unreachable = 11, "unreachable: connection refused or network unreachable";
    /// No answer within the time limit.
    Timeout = 12, "timeout: no answer within the time limit";
    /// Authentication failed (user or password rejected).
    Authentication = 13, "authentication failed";
    /// Something named does not exist (database, file, keystore).
    NotFound = 14, "not found: database, file or keystore";
    /// No ODBC driver for the database, or its library cannot be loaded.
    DriverMissing = 15, "ODBC driver missing, or its library cannot be loaded";
    /// TLS failed (certificate, handshake, trust store).
    Tls = 16, "TLS failure: certificate, handshake or trust store";
    /// The server refused access to an object (permission denied).
    Permission = 17, "permission denied by the server";
    /// The server's host name does not resolve.
    Dns = 18, "DNS: the host name does not resolve";
    /// The ODBC driver manager (unixODBC) itself failed or is too old.
    DriverManager = 19, "ODBC driver manager (unixODBC) failure";
    /// The SSH server's host key is unknown and was not accepted, or differs from the pinned key.
    HostKey = 20, "SSH host key unknown and not accepted, or changed since it was pinned";
    /// The remote server has no space left (SFTP upload).
    RemoteFull = 21, "the remote server has no space left";
    /// Invalid input: a URL with errors, a value out of range, a shell-split command.
    InvalidInput = 65, "invalid input: URL errors, bad values, a command split by the shell";
    /// An I/O error outside the store (reading stdin or a batch file, writing output).
    Io = 74, "I/O error outside the store (stdin, batch file, output)";
    /// Another travelerUtil holds the store lock past the wait, or changed the same settings
    /// meanwhile (sysexits' EX_TEMPFAIL: try again).
    Busy = 75, "store busy: another travelerUtil held its lock past the wait, or changed the same settings meanwhile; try again";
    /// A store or key problem: insecure permissions, missing or wrong key, tampered file.
    Store = 78, "store or key problem: insecure permissions, missing or wrong key, damaged file";
    /// Interrupted (Ctrl-C).
    Interrupted = 130, "interrupted (Ctrl-C)";
}

impl Exit {
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
