//! A failure on its way to `main`: an error chain plus the exit code it maps to.
//!
//! There is one way from an error to its exit code: a domain error enum implements
//! [`HasExit`], and `?` turns it into a [`Failure`] with that code. Anything else (an
//! `io::Error`, an `anyhow` chain) gets its code where it happens, with [`ResultExt::exit_with`]
//! or [`Failure::new`]: the same `io::Error` means "not found" (14) for a keystore path and
//! "I/O error" (74) for stdin, and only the call site knows which.

use crate::exit::Exit;
use std::fmt;

/// A domain error that knows its exit code (README, "Exit codes").
pub trait HasExit: std::error::Error + Send + Sync + 'static {
    fn exit(&self) -> Exit;
}

pub struct Failure {
    pub exit: Exit,
    pub error: anyhow::Error,
    /// The details were already printed (diagnostics): print only the one-line summary.
    pub summary_only: bool,
}

impl Failure {
    pub fn new(exit: Exit, error: impl Into<anyhow::Error>) -> Self {
        Failure {
            exit,
            error: error.into(),
            summary_only: false,
        }
    }

    pub fn msg(exit: Exit, msg: impl fmt::Display) -> Self {
        Failure::new(exit, anyhow::anyhow!("{msg}"))
    }

    pub fn usage(msg: impl fmt::Display) -> Self {
        Failure::msg(Exit::Usage, msg)
    }

    pub fn input(msg: impl fmt::Display) -> Self {
        Failure::msg(Exit::InvalidInput, msg)
    }

    /// A domain error with context in front of it; the code stays the error's own.
    pub fn context<E: HasExit>(e: E, context: impl fmt::Display + Send + Sync + 'static) -> Self {
        let exit = e.exit();
        Failure::new(exit, anyhow::Error::new(e).context(context))
    }

    /// Output that cannot be rendered (a JSON document that does not serialise): a bug, exit 1.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Failure::new(Exit::Failure, e)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Failure({}, {:#})", self.exit.code(), self.error)
    }
}

impl<E: HasExit> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new(e.exit(), e)
    }
}

pub trait ResultExt<T> {
    /// Maps the error to a failure with this exit code.
    fn exit_with(self, exit: Exit) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> ResultExt<T> for Result<T, E> {
    fn exit_with(self, exit: Exit) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(exit, e))
    }
}
