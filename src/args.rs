//! The command line, second layer: travelerUtil's `key=value` words, validated into a typed
//! map. Keys are matched case-insensitively; an unknown key gets a near-miss suggestion.

use std::fmt;

/// One key a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    /// `false` for bare flag words such as `force`.
    pub takes_value: bool,
    /// Secret values are never echoed (and are left out of repaired commands).
    pub secret: bool,
}

impl Key {
    pub const fn value(name: &'static str) -> Key {
        Key {
            name,
            takes_value: true,
            secret: false,
        }
    }
    pub const fn secret(name: &'static str) -> Key {
        Key {
            name,
            takes_value: true,
            secret: true,
        }
    }
    pub const fn flag(name: &'static str) -> Key {
        Key {
            name,
            takes_value: false,
            secret: false,
        }
    }
}

/// The validated words of one command.
#[derive(Debug, Default)]
pub struct Words {
    values: Vec<(&'static str, String)>,
    flags: Vec<&'static str>,
}

impl Words {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    pub fn take(&mut self, key: &str) -> Option<String> {
        let i = self.values.iter().position(|(k, _)| *k == key)?;
        Some(self.values.remove(i).1)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.flags.contains(&key)
    }

    /// The keys present (not their values), for `-v` output.
    pub fn keys(&self) -> Vec<&'static str> {
        self.values
            .iter()
            .map(|(k, _)| *k)
            .chain(self.flags.iter().copied())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error("unknown key `{key}`{}", suggestion.map(|s| format!(": did you mean `{s}=`?")).unwrap_or_default())]
    UnknownKey {
        key: String,
        suggestion: Option<&'static str>,
        accepted: String,
    },
    #[error("`{key}=` is given twice; give it once")]
    Duplicate { key: &'static str },
    #[error("`{key}` needs a value: write `{key}=...`")]
    MissingValue { key: &'static str },
    #[error("`{key}` takes no value: write `{key}` alone")]
    UnexpectedValue { key: &'static str },
    #[error("help requested")]
    Help,
}

/// Validates `words` against `keys`.
pub fn parse(words: &[String], keys: &[Key]) -> Result<Words, ArgError> {
    let mut out = Words::default();
    for w in words {
        if w.eq_ignore_ascii_case("help") || w == "-h" || w == "--help" || w == "-help" {
            return Err(ArgError::Help);
        }
        let (k, v) = match w.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (w.as_str(), None),
        };
        let Some(key) = keys.iter().find(|key| key.name.eq_ignore_ascii_case(k.trim())) else {
            return Err(ArgError::UnknownKey {
                key: k.to_string(),
                suggestion: suggest(k, keys),
                accepted: accepted(keys),
            });
        };
        match (key.takes_value, v) {
            (true, None) => return Err(ArgError::MissingValue { key: key.name }),
            (false, Some(_)) => return Err(ArgError::UnexpectedValue { key: key.name }),
            (true, Some(v)) => {
                if out.values.iter().any(|(n, _)| *n == key.name) {
                    return Err(ArgError::Duplicate { key: key.name });
                }
                out.values.push((key.name, v.to_string()));
            }
            (false, None) => {
                if !out.flags.contains(&key.name) {
                    out.flags.push(key.name);
                }
            }
        }
    }
    Ok(out)
}

fn suggest(k: &str, keys: &[Key]) -> Option<&'static str> {
    let k = k.to_ascii_lowercase();
    if k.len() > 32 {
        return None;
    }
    keys.iter()
        .map(|key| (key.name, strsim::osa_distance(&k, key.name)))
        .filter(|(name, d)| *d <= 2 && *d < name.len())
        .min_by_key(|(_, d)| *d)
        .map(|(n, _)| n)
        .or_else(|| match k.as_str() {
            // travelerUtil's spelling vs common habits.
            "password" | "passwd" | "pwd" => keys.iter().find(|x| x.name == "pw").map(|x| x.name),
            "username" | "uid" => keys.iter().find(|x| x.name == "user").map(|x| x.name),
            _ => None,
        })
}

fn accepted(keys: &[Key]) -> String {
    keys.iter()
        .map(|k| {
            if k.takes_value {
                format!("{}=", k.name)
            } else {
                k.name.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl ArgError {
    /// A second line for the error: what the command accepts.
    pub fn hint(&self) -> Option<String> {
        match self {
            ArgError::UnknownKey { accepted, .. } => Some(format!("accepted: {accepted}")),
            _ => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[Key] = &[
        Key::value("url"),
        Key::value("user"),
        Key::secret("pw"),
        Key::flag("force"),
    ];

    fn w(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_are_case_insensitive_and_values_verbatim() {
        let p = parse(&w(&["URL=jdbc:x;a=B", "User=Me", "FORCE"]), KEYS).unwrap();
        assert_eq!(p.get("url"), Some("jdbc:x;a=B"));
        assert_eq!(p.get("user"), Some("Me"));
        assert!(p.flag("force"));
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(&w(&["usr=x"]), KEYS).unwrap_err().to_string(),
            "unknown key `usr`: did you mean `user=`?"
        );
        assert_eq!(
            parse(&w(&["password=x"]), KEYS).unwrap_err().to_string(),
            "unknown key `password`: did you mean `pw=`?"
        );
        assert_eq!(
            parse(&w(&["url=a", "url=b"]), KEYS).unwrap_err(),
            ArgError::Duplicate { key: "url" }
        );
        assert_eq!(
            parse(&w(&["url"]), KEYS).unwrap_err(),
            ArgError::MissingValue { key: "url" }
        );
        assert_eq!(
            parse(&w(&["force=yes"]), KEYS).unwrap_err(),
            ArgError::UnexpectedValue { key: "force" }
        );
        assert_eq!(parse(&w(&["help"]), KEYS).unwrap_err(), ArgError::Help);
    }
}
