//! Resolving a command's inputs, the same way in every group: the `key=value` words with help
//! and hints, secrets from their sources in one order of precedence, plain values, and paths.
//! Everything here happens before the store is locked: a prompt never holds the lock.

use super::Ctx;
use crate::args::{self, ArgError, Key, Words};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::Secret;
use crate::term::escape::escape;
use crate::term::prompt::{self, LineError};
use serde::Serialize;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// Parses a command's `key=value` words against `keys`. `Ok(None)` when the words asked for help
/// and it was printed; an unknown key, a duplicate or a missing value is a usage error (exit 2)
/// that names the key (never a value, which may be a password) and lists what is accepted.
pub fn words(ctx: &Ctx, raw: &[String], keys: &[Key], path: &[&str]) -> Result<Option<Words>, Failure> {
    match args::parse(raw, keys) {
        Ok(w) => {
            ctx.debug(format_args!("{}: keys given: {}", path.join(" "), w.keys().join(", ")));
            Ok(Some(w))
        }
        Err(ArgError::Help) => super::print_help(ctx, path).map(|_| None),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            Err(Failure::usage(format!("{}: {e}{hint}", path.join(" "))))
        }
    }
}

/// Where a secret came from (reported as text and in `--json`, never the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PwSource {
    CommandLine,
    Stdin,
    Env,
    /// Inside the JDBC URL (`db set`), moved into the encrypted store.
    Url,
    Stored,
    Prompt,
    /// A key password that is the keystore's own (`ssl`).
    StorePassword,
    None,
}

/// One secret a command takes: its key word, its environment variable, its prompt.
#[derive(Debug, Clone, Copy)]
pub struct SecretSpec<'a> {
    /// The key word, e.g. `pw`, `keystorepw`.
    pub key: &'a str,
    /// The environment variable, e.g. `TRAVELERUTIL_DB_PW`.
    pub env: &'a str,
    /// The question at the prompt.
    pub question: &'a str,
}

impl PwSource {
    /// Where the secret came from, for the secret carried by `key` with variable `env`.
    #[must_use]
    pub fn describe(self, key: &str, env: &str) -> String {
        match self {
            PwSource::CommandLine => format!("{key}= on the command line"),
            PwSource::Stdin => format!("standard input ({key}=-)"),
            PwSource::Env => env.to_owned(),
            PwSource::Url => "the URL (moved into the encrypted store)".to_owned(),
            PwSource::Stored => "the store (unchanged)".to_owned(),
            PwSource::Prompt => "the prompt".to_owned(),
            PwSource::StorePassword => "the keystore password".to_owned(),
            PwSource::None => "none".to_owned(),
        }
    }
}

impl SecretSpec<'_> {
    /// Where `source` is, in this secret's words.
    #[must_use]
    pub fn describe(&self, source: PwSource) -> String {
        source.describe(self.key, self.env)
    }
}

/// The first two sources of every secret: the word on the command line (`-` reads one line from
/// stdin; a literal value works, as in the original tool, but gets a warning), then the
/// environment variable (empty counts as unset). `None` when neither is given.
pub fn given_secret(
    ctx: &Ctx,
    spec: &SecretSpec<'_>,
    word: Option<String>,
) -> Result<Option<(Secret, PwSource)>, Failure> {
    if let Some(value) = word {
        if value == "-" {
            return stdin_secret(ctx, spec.key).map(|s| Some((s, PwSource::Stdin)));
        }
        ctx.warn(format!(
            "{key}= on the command line is visible in `ps` and kept in shell history; prefer {key}=-, {env} or the prompt",
            key = spec.key,
            env = spec.env
        ));
        return Ok(Some((Secret::new(value), PwSource::CommandLine)));
    }
    Ok(env_secret(spec.env)?.map(|s| (s, PwSource::Env)))
}

/// The last two sources: the stored secret (when the caller allows it), else the prompt.
pub fn stored_or_prompt(
    ctx: &Ctx,
    spec: &SecretSpec<'_>,
    stored: Option<&Secret>,
) -> Result<(Secret, PwSource), Failure> {
    if let Some(s) = stored {
        return Ok((s.clone(), PwSource::Stored));
    }
    ensure_stdin(ctx, spec.key)?;
    Ok((ctx.prompter.password(spec.key, spec.question)?, PwSource::Prompt))
}

/// One line from stdin for `key=-`. An empty line or no line at all is refused (exit 2): a
/// script that pipes an unset variable must not replace a stored password with nothing.
pub fn stdin_secret(ctx: &Ctx, key: &str) -> Result<Secret, Failure> {
    if ctx.stdin_taken {
        return Err(Failure::usage(format!(
            "{key}=- cannot read stdin: the batch itself is being read from stdin"
        )));
    }
    match prompt::read_stdin_line() {
        Ok(Some(line)) if !line.is_empty() => Ok(Secret::new(line)),
        Ok(Some(_)) => Err(Failure::usage(format!(
            "{key}=-: the line on standard input is empty; nothing was changed (pipe the password, or leave {key}= out to keep the stored one)"
        ))),
        Ok(None) => Err(Failure::usage(format!(
            "{key}=-: standard input is empty (expected one line with the password); nothing was changed"
        ))),
        Err(LineError::TooLong { limit }) => Err(Failure::input(format!(
            "{key}=-: the line on standard input is longer than {limit} bytes; it is not shown, and nothing was changed"
        ))),
        Err(LineError::Io(e)) => Err(Failure::new(
            Exit::Io,
            anyhow::Error::new(e).context(format!("{key}=-: reading standard input")),
        )),
    }
}

/// A secret from the environment variable `env`; an empty variable counts as unset, like
/// every TRAVELERUTIL_* variable.
pub fn env_secret(env: &str) -> Result<Option<Secret>, Failure> {
    std::env::var_os(env)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.into_string()
                .map(Secret::new)
                .map_err(|_| Failure::input(format!("{env} is not valid UTF-8")))
        })
        .transpose()
}

/// Prompts read stdin; inside a batch read from stdin they cannot.
pub fn ensure_stdin(ctx: &Ctx, key: &str) -> Result<(), Failure> {
    if ctx.stdin_taken && !ctx.global.no_input {
        return Err(Failure::usage(format!(
            "`{key}` is missing, and it cannot be prompted for while the batch is read from stdin: give `{key}=...`"
        )));
    }
    Ok(())
}

/// A value that will be stored and printed (a user, a path, a directory): control characters
/// are refused (exit 65), as they are in URLs, because printed raw they could rewrite the
/// admin's screen or forge a line of a report.
pub fn plain_value(key: &str, value: String) -> Result<String, Failure> {
    match value.char_indices().find(|(_, c)| c.is_control()) {
        None => Ok(value),
        Some((at, c)) => Err(Failure::input(format!(
            "{key}= holds a control character ({}) at byte {at}: `{}`; type the value without it",
            escape(c.encode_utf8(&mut [0; 4])),
            escape(&value)
        ))),
    }
}

/// A whole number for `key=` within `range` (`unit` names what it counts); anything else is
/// invalid input (65).
pub fn whole_number(key: &str, value: &str, range: RangeInclusive<i64>, unit: &str) -> Result<i64, Failure> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            Failure::input(format!(
                "{key}={} is not a number of {unit} between {} and {}",
                escape(value),
                range.start(),
                range.end()
            ))
        })
}

/// A path as given, made absolute against the current directory but not canonicalised: a
/// symlink (a jt400.jar linked to the system's copy, say) must stay a symlink.
pub fn absolute(p: &str) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| PathBuf::from(p))
}

/// Reading a batch file or stdin that fails: not found (14) or I/O (74).
pub fn read_failure(e: std::io::Error, what: String) -> Failure {
    let exit = if e.kind() == std::io::ErrorKind::NotFound {
        Exit::NotFound
    } else {
        Exit::Io
    };
    Failure::new(exit, anyhow::Error::new(e).context(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_refuse_controls_and_show_them_escaped() {
        assert_eq!(plain_value("user", "LNTUSER".into()).unwrap(), "LNTUSER");
        let e = plain_value("user", "a\x1b[2Jb".into()).unwrap_err();
        assert_eq!(e.exit, Exit::InvalidInput);
        let msg = e.error.to_string();
        assert!(msg.contains("\\x1b") && !msg.contains('\x1b'), "{msg}");
    }
}
