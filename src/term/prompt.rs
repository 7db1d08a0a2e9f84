//! Prompts. Terminal I/O lives here and in `cmd/`; the domain modules never touch it.
//!
//! - A line prompt reads **one raw line**: `;`, blanks and quotes arrive verbatim. This is the
//!   documented cure for the Qshell semicolon problem: at a prompt there is no shell.
//! - A password prompt does not echo when a terminal is attached (rpassword reads `/dev/tty`).
//! - Without a terminal (a Qshell session, a pipe, a provisioning script), prompts read a line
//!   from stdin and say that the input will echo.
//! - With `--no-input`, every prompt is an error naming the key instead.

use crate::secret::Secret;
use std::io::{self, BufRead, IsTerminal, Read, Write};

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("`{key}` is missing and --no-input forbids prompting: give `{key}=...`")]
    NoInput { key: String },
    #[error("no input for `{key}` (end of input)")]
    Eof { key: String },
    #[error("confirmation needed: re-run with --yes to {what}")]
    NeedsYes { what: String },
    #[error("the answer for `{key}` is longer than {limit} bytes (it is not shown)")]
    TooLong { key: String, limit: usize },
    #[error("reading the answer for `{key}`")]
    Io {
        key: String,
        #[source]
        source: io::Error,
    },
}

/// A value the command needed but could not ask for is a usage error (exit 2); a terminal or
/// stdin that fails is an I/O error (74).
impl crate::error::HasExit for PromptError {
    fn exit(&self) -> crate::exit::Exit {
        match self {
            PromptError::NoInput { .. } | PromptError::NeedsYes { .. } | PromptError::Eof { .. } => {
                crate::exit::Exit::Usage
            }
            PromptError::TooLong { .. } => crate::exit::Exit::InvalidInput,
            PromptError::Io { .. } => crate::exit::Exit::Io,
        }
    }
}

pub struct Prompter {
    pub no_input: bool,
    pub stdin_is_tty: bool,
}

impl Prompter {
    pub fn new(no_input: bool) -> Self {
        Prompter {
            no_input,
            stdin_is_tty: io::stdin().is_terminal(),
        }
    }

    /// Asks for one raw line (the URL, a path). `default` is shown and returned for an empty
    /// answer.
    pub fn line(&self, key: &str, question: &str, default: Option<&str>) -> Result<String, PromptError> {
        if self.no_input {
            return Err(PromptError::NoInput { key: key.into() });
        }
        let shown_default = default.map(|d| format!(" [{d}]")).unwrap_or_default();
        let echo = if self.stdin_is_tty {
            ""
        } else {
            " (no terminal: reading a line from stdin)"
        };
        eprint!("{question}{shown_default}{echo}: ");
        let _ = io::stderr().flush();
        let line = read_stdin_line().map_err(|e| e.for_key(key))?;
        match line {
            None => Err(PromptError::Eof { key: key.into() }),
            Some(l) if l.is_empty() => Ok(default.unwrap_or_default().to_string()),
            Some(l) => Ok(l),
        }
    }

    /// Asks for a password: no echo on a terminal; a stdin line (which echoes) otherwise.
    pub fn password(&self, key: &str, question: &str) -> Result<Secret, PromptError> {
        if self.no_input {
            return Err(PromptError::NoInput { key: key.into() });
        }
        if self.stdin_is_tty {
            // rpassword opens /dev/tty itself, prints the prompt there and turns echo off; the
            // guard puts the terminal back if Ctrl-C kills us meanwhile.
            let _restore = crate::sys::term::Guard::new();
            return rpassword::prompt_password(format!("{question}: "))
                .map(Secret::new)
                .map_err(|source| PromptError::Io {
                    key: key.into(),
                    source,
                });
        }
        eprint!("{question} (no terminal: reading a line from stdin; it will echo if typed): ");
        let _ = io::stderr().flush();
        match read_stdin_line().map_err(|e| e.for_key(key))? {
            Some(l) => Ok(Secret::new(l)),
            None => Err(PromptError::Eof { key: key.into() }),
        }
    }

    /// Asks a yes/no question; `yes` (from --yes) answers it. Under --no-input without --yes
    /// it is an error.
    pub fn confirm(&self, question: &str, what: &str, yes: bool) -> Result<bool, PromptError> {
        if yes {
            return Ok(true);
        }
        if self.no_input {
            return Err(PromptError::NeedsYes { what: what.into() });
        }
        eprint!("{question} [y/N] ");
        let _ = io::stderr().flush();
        let line = read_stdin_line().map_err(|e| e.for_key("confirmation"))?;
        Ok(matches!(
            line.as_deref().map(str::trim),
            Some("y" | "Y" | "yes" | "YES" | "Yes")
        ))
    }
}

/// The longest line read from stdin (a password, a URL, a path, a batch line): generous for any
/// real value, and a bound on memory when stdin is `/dev/zero` or a runaway pipe.
pub const MAX_LINE: usize = 1 << 20;

/// Why no line could be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    #[error("the line is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl LineError {
    fn for_key(self, key: &str) -> PromptError {
        match self {
            LineError::TooLong { limit } => PromptError::TooLong { key: key.into(), limit },
            LineError::Io(source) => PromptError::Io {
                key: key.into(),
                source,
            },
        }
    }
}

/// Reads one line from stdin without its line ending (`\n` or `\r\n`); `None` at end of input.
/// At most [`MAX_LINE`] bytes are read; a longer line is an error, and what was read is wiped
/// (it may be a password). Stdin's own buffer is shared by every call, so `pw=-` and later
/// prompts read in order.
pub fn read_stdin_line() -> Result<Option<String>, LineError> {
    read_line(&mut io::stdin().lock(), MAX_LINE)
}

/// [`read_stdin_line`] over any reader, with a limit.
pub fn read_line(input: &mut dyn BufRead, limit: usize) -> Result<Option<String>, LineError> {
    let mut buf = zeroize::Zeroizing::new(Vec::new());
    let n = input.take(limit as u64 + 1).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if buf.len() > limit {
        return Err(LineError::TooLong { limit });
    }
    match std::str::from_utf8(&buf) {
        Ok(s) => Ok(Some(s.to_owned())),
        Err(_) => Err(LineError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            "the line is not valid UTF-8",
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_lose_their_ending() {
        let mut r = &b"pw\r\nnext\nlast"[..];
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("pw"));
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("next"));
        assert_eq!(read_line(&mut r, 8).unwrap().as_deref(), Some("last"));
        assert!(read_line(&mut r, 8).unwrap().is_none());
        let mut zeros = std::io::repeat(0).take(1 << 30);
        let mut zeros = std::io::BufReader::new(&mut zeros);
        assert!(matches!(
            read_line(&mut zeros, 1024),
            Err(LineError::TooLong { limit: 1024 })
        ));
        let mut exact = &b"12345678\n"[..];
        assert_eq!(read_line(&mut exact, 8).unwrap().as_deref(), Some("12345678"));
    }
}
