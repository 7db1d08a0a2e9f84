//! A password held in memory: the one secret type of the crate.
//!
//! The value lives in a [`secrecy::SecretString`], so its heap buffer is zeroized on drop and
//! `Debug` can never print it. Its `Serialize` writes the fixed mask [`MASK`], so a `--json`
//! struct that holds a secret cannot leak it by forgetting to mask. Only two places write the
//! plaintext, each by naming [`plain`] (or [`plain_opt`], [`plain_map`]) explicitly: the store's
//! own encoding (encrypted before it touches the disk) and the pipe to the SFTP helper. The only
//! other way to read it is [`Secret::expose`], which makes every use greppable.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroize;

/// What every secret looks like when printed: fixed, so not even its length leaks.
pub const MASK: &str = "*****";

/// A password (or other credential) held in memory; zeroized on drop, redacted in `Debug` and
/// in `Serialize`.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Takes ownership of `value`.
    ///
    /// The bytes are copied into an exactly sized buffer and the original `String` (its whole
    /// capacity) is zeroized, because `String::into_boxed_str` may reallocate and leave the old
    /// buffer in freed memory un-wiped when capacity exceeds length.
    #[must_use]
    pub fn new(mut value: String) -> Secret {
        let secret = Secret(SecretString::from(value.as_str()));
        value.zeroize();
        secret
    }

    /// The plain value. Call only where the value is really needed (a connection attempt, the
    /// encrypted store's plaintext), never for logging.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(SecretString::from(value))
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Fixed-width mask: not even the length of the password leaks into logs.
        f.write_str("Secret(*****)")
    }
}

/// Writes [`MASK`]: a secret inside any report is masked by construction.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

/// `#[serde(serialize_with = "crate::secret::plain")]`: the plaintext, for the store's encoding
/// and the SFTP helper's pipe only.
///
/// # Errors
/// The serializer's.
pub fn plain<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

/// [`plain`] for an optional secret.
///
/// # Errors
/// The serializer's.
pub fn plain_opt<S: Serializer>(secret: &Option<Secret>, serializer: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(s) => serializer.serialize_some(s.expose()),
        None => serializer.serialize_none(),
    }
}

/// [`plain`] for secrets by name (key passwords by alias).
///
/// # Errors
/// The serializer's.
pub fn plain_map<S: Serializer>(map: &BTreeMap<String, Secret>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter().map(|(k, v)| (k, v.expose())))
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        // A visitor on `&str` (instead of deserializing a `String` first) copies the value
        // straight into the secret buffer; no intermediate `String` is left to free un-wiped.
        struct SecretVisitor;

        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret::from(v))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret::new(v))
            }
        }

        deserializer.deserialize_str(SecretVisitor)
    }
}

/// Whether a `key=value` word (or `--key=value` option) carries a secret by its key: the tool's
/// own password keys (`pw`, `keystorepw`, `truststorepw`, `keypw`), and any key that names a
/// password, passphrase, secret, token or API key, even misspelled (`passwrd`).
#[must_use]
pub fn is_secret_key(key: &str) -> bool {
    let k = key.trim().trim_start_matches('-').to_ascii_lowercase();
    k.ends_with("pw")
        || ["pass", "secret", "token", "apikey", "api_key", "api-key"]
            .iter()
            .any(|w| k.contains(w))
        || is_secret_name(&k)
}

/// The secret-name rule of every JDBC family (and so of the command line): the name (ignoring
/// case and spaces) contains "password" or "passwd", ends in "pwd", or ends in a near-miss of
/// "password" (two edits at most: `passwrd`, `pasword`, `trustStorePasword`). A misspelled key
/// still holds the password the admin meant to type, so it is masked like the real one.
#[must_use]
pub fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if n.contains("password") || n.contains("passwd") || n.ends_with("pwd") {
        return true;
    }
    let chars: Vec<char> = n.chars().collect();
    (6..=10).filter(|k| *k <= chars.len()).any(|k| {
        let tail: String = chars[chars.len() - k..].iter().collect();
        strsim::osa_distance(&tail, "password") <= 2
    })
}

/// `text` (an error message that may quote what was typed) with the value of every secret word
/// masked: each of `words` whose key [`is_secret_key`] is replaced wherever it appears, whole
/// (so a value with blanks goes too), and then any remaining `key=value` token with such a key
/// has its value, up to the next blank or quote, replaced by [`MASK`].
#[must_use]
pub fn mask_words<S: AsRef<str>>(text: &str, words: &[S]) -> String {
    let mut out = text.to_owned();
    for w in words {
        let w = w.as_ref();
        if let Some((k, v)) = w.split_once('=')
            && !matches!(v, "" | "-" | MASK)
            && is_secret_key(k)
        {
            out = out.replace(w, &format!("{k}={MASK}"));
        }
    }
    mask_tokens(&out)
}

fn mask_tokens(text: &str) -> String {
    mask_assignments(
        text,
        &Assignments {
            name_stop: |c| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | ';' | '&' | '?' | ','),
            secret_name: |n| !n.is_empty() && is_secret_key(n),
            // Only a blank or a quote ends the value: a `;` or `&` may be part of the password,
            // and masking too much is the safe side.
            value_stop: |c| c.is_whitespace() || matches!(c, '\'' | '"' | '`'),
            // `pw=-` names standard input; `pw=...` is a placeholder in a hint.
            keep: |v| v == MASK || matches!(v.trim_end_matches([':', ',', '.', ')']), "-" | "..." | ""),
        },
    )
}

/// How [`mask_assignments`] reads `name=value` pairs in a text.
pub struct Assignments {
    /// Ends a name on its left (the name starts after it).
    pub name_stop: fn(char) -> bool,
    /// Whether a name's value is a secret.
    pub secret_name: fn(&str) -> bool,
    /// Ends a value on its right.
    pub value_stop: fn(char) -> bool,
    /// Values left as they are: placeholders, and the mask itself.
    pub keep: fn(&str) -> bool,
}

/// `text` with the value of every `name=value` whose name is secret replaced by [`MASK`].
#[must_use]
pub fn mask_assignments(text: &str, rules: &Assignments) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (eq, _) in text.match_indices('=') {
        if eq < at {
            continue;
        }
        // After the separator, which may be wider than one byte (U+0085 is whitespace too).
        let start = text[..eq]
            .char_indices()
            .rev()
            .find(|&(_, c)| (rules.name_stop)(c))
            .map_or(0, |(k, c)| k + c.len_utf8());
        if !(rules.secret_name)(&text[start..eq]) {
            continue;
        }
        let vstart = eq + 1;
        let vend = text[vstart..].find(rules.value_stop).map_or(text.len(), |j| vstart + j);
        if !(rules.keep)(&text[vstart..vend]) {
            out.push_str(&text[at..vstart]);
            out.push_str(MASK);
            at = vend;
        }
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    /// Found by the `mask_words` fuzz target: a separator wider than one byte before a `=`
    /// (U+0085, NEXT LINE, is whitespace) made the key start inside it, and the slice panicked.
    #[test]
    fn a_wide_whitespace_before_a_key_panicked() {
        assert_eq!(mask_words("=\u{85}}=", &["=\u{85}}="]), "=\u{85}}=");
        assert_eq!(mask_words("x\u{85}pw=hunter2 y", &[""]), "x\u{85}pw=***** y");
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-Passw0rd".to_string());
        let dbg = format!("{s:?}");
        assert_eq!(dbg, "Secret(*****)");
        assert!(!dbg.contains("hunter2"));
        let pretty = format!("{:#?}", Some(s));
        assert!(!pretty.contains("hunter2"), "{pretty}");
    }

    #[test]
    fn debug_of_empty_secret_is_masked_too() {
        assert_eq!(format!("{:?}", Secret::new(String::new())), "Secret(*****)");
    }

    #[test]
    fn expose_clone_and_eq() {
        let a = Secret::new("pw".to_string());
        let b = a.clone();
        assert_eq!(a, b);
        assert_eq!(b.expose(), "pw");
        assert_ne!(a, Secret::from("other"));
    }

    #[test]
    fn serialize_masks_and_only_plain_writes_the_value() {
        #[derive(Serialize)]
        struct Report {
            pw: Secret,
        }
        #[derive(Serialize)]
        struct Stored {
            #[serde(serialize_with = "plain")]
            pw: Secret,
            #[serde(serialize_with = "plain_opt")]
            other: Option<Secret>,
        }
        let s = Secret::from("a\"b\\c\u{e9}");
        assert_eq!(
            serde_json::to_string(&Report { pw: s.clone() }).unwrap(),
            r#"{"pw":"*****"}"#
        );
        let json = serde_json::to_string(&Stored {
            pw: s.clone(),
            other: None,
        })
        .unwrap();
        assert_eq!(json, r#"{"pw":"a\"b\\cé","other":null}"#);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let back: Secret = serde_json::from_value(v["pw"].clone()).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<Secret>("42").is_err());
    }

    #[test]
    fn secret_words_are_masked_in_messages() {
        let argv = ["travelerUtil", "db", "show", "pw=S3CRET with blank", "user=me"];
        let msg = "error: unexpected argument 'pw=S3CRET with blank' found";
        assert_eq!(mask_words(msg, &argv), "error: unexpected argument 'pw=*****' found");
        assert_eq!(
            mask_words(
                "unexpected argument 'keystorepw=abc' and --password=xyz, user=me",
                &[] as &[&str]
            ),
            "unexpected argument 'keystorepw=*****' and --password=***** user=me"
        );
        assert_eq!(
            mask_words("token=t0k passwrd=p4 name=n", &[] as &[&str]),
            "token=***** passwrd=***** name=n"
        );
        let hint = "pw=-: the line is empty; give `pw=...` or pw=- again";
        assert_eq!(mask_words(hint, &["pw=-"]), hint);
        assert!(!is_secret_key("user") && !is_secret_key("path") && !is_secret_key("url"));
        assert!(is_secret_key("pw") && is_secret_key("keypw") && is_secret_key("--Password"));
    }
}
