//! The private keys' passwords, which may differ from the keystore password (`keytool
//! -keypass`): each key is opened with `keypw=`, its stored password, or the store password,
//! and with `--key-passwords` a key that does not open is asked for at the prompt.

use super::super::Ctx;
use super::super::inputs::PwSource;
use crate::error::Failure;
use crate::keystore::{self, EntryKind, KeystoreError, Verified};
use crate::secret::Secret;
use crate::term::escape;
use serde::Serialize;
use std::collections::BTreeMap;

/// A private key's password, as checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum KeyPassword {
    Ok,
    Wrong,
    /// The keystore module cannot decrypt that key's format, so its password is not known to
    /// be right or wrong.
    NotChecked,
}

impl KeyPassword {
    pub fn of(outcome: &Result<PwSource, KeystoreError>) -> KeyPassword {
        let Err(e) = outcome else {
            return KeyPassword::Ok;
        };
        match e {
            KeystoreError::Unsupported { .. } | KeystoreError::UnsupportedMac { .. } | KeystoreError::NoMac => {
                KeyPassword::NotChecked
            }
            KeystoreError::WrongKeyPassword { .. }
            | KeystoreError::WrongStorePassword
            | KeystoreError::UnknownAlias { .. }
            | KeystoreError::Empty
            | KeystoreError::NotAKeystore { .. }
            | KeystoreError::Truncated { .. }
            | KeystoreError::Malformed { .. }
            | KeystoreError::Modified { .. }
            | KeystoreError::TooLarge { .. }
            | KeystoreError::IterationsTooHigh { .. } => KeyPassword::Wrong,
        }
    }
}

/// One private key's password check: where the accepted password came from, or why it failed.
pub(super) struct KeyCheck {
    pub alias: String,
    pub outcome: Result<PwSource, KeystoreError>,
}

/// What the checks are given: the verified store password, `keypw=` when given, the passwords
/// stored per alias (same file only), and whether to prompt for a key that does not open.
pub(super) struct KeyInputs<'a> {
    pub store_pw: &'a Secret,
    pub keypw: Option<&'a (Secret, PwSource)>,
    pub stored: &'a BTreeMap<String, Secret>,
    pub prompt_each: bool,
}

/// Checks each private key's password; returns the checks and the accepted passwords that
/// differ from the store password (to be stored per alias).
pub(super) fn check_all(
    ctx: &Ctx,
    bytes: &[u8],
    verified: &Verified,
    k: &KeyInputs<'_>,
) -> Result<(Vec<KeyCheck>, BTreeMap<String, Secret>), Failure> {
    let mut checks = Vec::new();
    let mut differing = BTreeMap::new();
    let aliases = verified
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::PrivateKey)
        .filter_map(|e| e.alias.clone());
    for alias in aliases {
        let (pw, source) = match (k.keypw, k.stored.get(&alias)) {
            (Some((p, s)), _) => (p.clone(), *s),
            (None, Some(p)) => (p.clone(), PwSource::Stored),
            (None, None) => (k.store_pw.clone(), PwSource::StorePassword),
        };
        let mut outcome = keystore::verify_key_password(bytes, &alias, pw.expose()).map(|()| source);
        let mut accepted = pw;
        if k.prompt_each && matches!(outcome, Err(KeystoreError::WrongKeyPassword { .. })) {
            let question = format!("Password of key '{}' (it is not the keystore password)", escape(&alias));
            let p = ctx.prompter.password("keypw", &question)?;
            outcome = keystore::verify_key_password(bytes, &alias, p.expose()).map(|()| PwSource::Prompt);
            accepted = p;
        }
        if outcome.is_ok() && accepted != *k.store_pw {
            differing.insert(alias.clone(), accepted);
        }
        checks.push(KeyCheck { alias, outcome });
    }
    Ok((checks, differing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_format_that_cannot_be_decrypted_is_not_checked_and_anything_else_is_wrong() {
        assert_eq!(KeyPassword::of(&Ok(PwSource::Stored)), KeyPassword::Ok);
        let unsupported = KeystoreError::Unsupported { what: "x".into() };
        assert_eq!(KeyPassword::of(&Err(unsupported)), KeyPassword::NotChecked);
        let wrong = KeystoreError::WrongKeyPassword { alias: "a".into() };
        assert_eq!(KeyPassword::of(&Err(wrong)), KeyPassword::Wrong);
        assert_eq!(super::super::json_name(&KeyPassword::NotChecked), "not-checked");
    }
}
