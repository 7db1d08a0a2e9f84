//! `ssl show | set | check | remove`: the keystore and truststore passwords.
//!
//! Every password is verified against its file in pure Rust ([`crate::keystore`]) before it is
//! stored, so a wrong password is caught here rather than by a Traveler server that fails to
//! start its TLS listener. The verdicts name which password failed (the store's or a key's)
//! and what the file is, where keytool only says "Keystore was tampered with, or password was
//! incorrect".
//!
//! One file per action, each in three steps: resolve the inputs (the words, the store read
//! without a lock, prompts), verify the files, then commit (`set`, `remove`: under the lock) and
//! render text or JSON. What the actions share is here: which store a setting is for
//! ([`Role`]), the words that name the files, and the passwords' sources; reading a file is in
//! [`file`], the private keys' passwords in [`keys`].

mod check;
mod file;
mod keys;
mod remove;
mod set;
mod show;

pub use show::show_json_text;

use super::Ctx;
use super::inputs::{self, PwSource, SecretSpec};
use crate::args::Words;
use crate::cli::ssl::{SslAction, SslCli};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::Secret;
use crate::store::{SslSettings, StoreFile};
use crate::term::escape_path;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Certificates expiring within this many days are warned about (`days=` overrides).
pub const DEFAULT_WARN_DAYS: i64 = 30;

/// The clock `ssl check` compares notAfter with: unix seconds or an RFC 3339 time. For tests
/// and for asking "will this still be valid on the day of the change window?".
pub const NOW_ENV: &str = "TRAVELERUTIL_NOW";

/// The environment variable for the private keys' password (`keypw=`).
pub const KEY_PW_ENV: &str = "TRAVELERUTIL_KEY_PW";

pub fn run(cli: SslCli, ctx: &mut Ctx) -> Result<Exit, Failure> {
    match cli.action {
        SslAction::Show => show::show(ctx),
        SslAction::Set(a) => set::set(ctx, &a),
        SslAction::Check(a) => check::check(ctx, &a),
        SslAction::Remove(a) => remove::remove(ctx, &a),
    }
}

/// Which of the two stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Keystore,
    Truststore,
}

impl Role {
    const BOTH: [Role; 2] = [Role::Keystore, Role::Truststore];

    fn name(self) -> &'static str {
        match self {
            Role::Keystore => "keystore",
            Role::Truststore => "truststore",
        }
    }

    fn index(self) -> usize {
        match self {
            Role::Keystore => 0,
            Role::Truststore => 1,
        }
    }

    /// The store password's key word, variable and prompt (`question`).
    fn secret(self, question: &str) -> SecretSpec<'_> {
        let (key, env) = match self {
            Role::Keystore => ("keystorepw", "TRAVELERUTIL_KEYSTORE_PW"),
            Role::Truststore => ("truststorepw", "TRAVELERUTIL_TRUSTSTORE_PW"),
        };
        SecretSpec { key, env, question }
    }

    fn slot(self, s: &SslSettings) -> Option<&StoreFile> {
        match self {
            Role::Keystore => s.keystore.as_ref(),
            Role::Truststore => s.truststore.as_ref(),
        }
    }

    fn slot_mut(self, s: &mut SslSettings) -> &mut Option<StoreFile> {
        match self {
            Role::Keystore => &mut s.keystore,
            Role::Truststore => &mut s.truststore,
        }
    }
}

/// The words that name the files and their passwords (`ssl set`, `ssl check`), by [`Role`]
/// index. Paths are refused with control characters (they are stored and printed) and made
/// absolute; passwords stay words until their source is resolved.
#[derive(Debug, Default)]
struct StoreWords {
    paths: [Option<PathBuf>; 2],
    pws: [Option<String>; 2],
    keypw: Option<String>,
}

impl StoreWords {
    fn take(w: &mut Words) -> Result<StoreWords, Failure> {
        let mut path = |key: &str| {
            w.take(key)
                .map(|p| inputs::plain_value(key, p).map(|p| inputs::absolute(&p)))
                .transpose()
        };
        let paths = [path("keystore")?, path("truststore")?];
        Ok(StoreWords {
            paths,
            pws: [w.take("keystorepw"), w.take("truststorepw")],
            keypw: w.take("keypw"),
        })
    }

    fn is_empty(&self) -> bool {
        self.paths.iter().all(Option::is_none) && self.pws.iter().all(Option::is_none) && self.keypw.is_none()
    }
}

/// A store's password: the word (or `-` for a stdin line), the environment, the stored password
/// (`stored`, only for the same file), the prompt.
fn store_password(
    ctx: &Ctx,
    role: Role,
    path: &Path,
    given: Option<String>,
    stored: Option<&Secret>,
) -> Result<(Secret, PwSource), Failure> {
    let question = format!("Password of the {} {}", role.name(), escape_path(path));
    let spec = role.secret(&question);
    match inputs::given_secret(ctx, &spec, given)? {
        Some(found) => Ok(found),
        None => inputs::stored_or_prompt(ctx, &spec, stored),
    }
}

/// The private keys' own password, when one is given: `keypw=` (or `-`), else
/// TRAVELERUTIL_KEY_PW. Never prompted here: without it each key is tried with the store
/// password (and `--key-passwords` prompts per key).
fn key_password(ctx: &Ctx, given: Option<String>) -> Result<Option<(Secret, PwSource)>, Failure> {
    let spec = SecretSpec {
        key: "keypw",
        env: KEY_PW_ENV,
        question: "Private key password",
    };
    inputs::given_secret(ctx, &spec, given)
}

/// A status's name as `--json` spells it (kebab-case), for the text output: one spelling for
/// both.
fn json_name(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{self, Key};

    #[test]
    fn store_words_refuse_control_characters_in_paths() {
        let keys = [Key::value("keystore"), Key::value("truststore")];
        let mut w = args::parse(&["keystore=/a\x1b[2Jb.jks".to_owned()], &keys).unwrap();
        let e = StoreWords::take(&mut w).unwrap_err();
        assert_eq!(e.exit, Exit::InvalidInput);
        assert!(!e.error.to_string().contains('\x1b'), "{}", e.error);
        let mut w = args::parse(&["truststore=rel/t.jks".to_owned()], &keys).unwrap();
        let got = StoreWords::take(&mut w).unwrap();
        assert!(got.paths[1].as_ref().is_some_and(|p| p.is_absolute()), "{got:?}");
        assert!(!got.is_empty() && got.paths[0].is_none());
    }

    #[test]
    fn json_names_are_the_serde_names() {
        assert_eq!(json_name(&Role::Truststore), "truststore");
        assert_eq!(json_name(&PwSource::StorePassword), "store-password");
    }
}
