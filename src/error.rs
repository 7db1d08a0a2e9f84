//! A failure on its way to `main`: an error chain plus the exit code it maps to.
//!
//! Domain modules return their own `thiserror` enums; the command layer adds context with
//! anyhow and picks the exit code, either explicitly ([`ResultExt::exit_with`]) or by
//! recognising a domain error ([`Failure::from`]).

use crate::exit::Exit;
use std::fmt;

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
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Failure({}, {:#})", self.exit.code(), self.error)
    }
}

/// Any error becomes a failure; domain errors the CLI knows get their own exit code.
impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        let error: anyhow::Error = e.into();
        let exit = classify(&error);
        Failure {
            exit,
            error,
            summary_only: false,
        }
    }
}

fn classify(e: &anyhow::Error) -> Exit {
    for cause in e.chain() {
        if cause.downcast_ref::<crate::store::StoreError>().is_some() {
            return Exit::Store;
        }
        if cause
            .downcast_ref::<crate::term::prompt::PromptError>()
            .is_some_and(|p| p.is_missing_input())
        {
            return Exit::Usage;
        }
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return Exit::Io;
        }
    }
    Exit::Failure
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
