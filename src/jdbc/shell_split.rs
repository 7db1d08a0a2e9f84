//! The semicolon problem: a URL that a shell split before it reached us.
//!
//! In every POSIX shell, Qshell included, an unquoted `;` ends the command and a blank ends a
//! word (POSIX XCU 2.9.3, 2.6.5). JTOpen URLs are full of both
//! (`jdbc:as400://host;database name=IASP1`). So an unquoted URL arrives in pieces, or cut
//! short, and the original tool saved the piece, pointing Traveler at the wrong database.
//!
//! This module looks at the raw `key=value` words of a command and recognises the shapes a shell
//! produces:
//! - stray words after `url=` that are not known keys (`name=IASP1`, `name=IASP1;naming=system`,
//!   `database name=IASP1`): the URL was split at a blank (J800);
//! - a value that ends right at a `;`: what followed went missing (J801);
//! - a `jdbc:as400:`/`jdbc:sqlserver:` URL with no property at all: possibly cut at `;` (J802,
//!   a warning only, since such a URL is also legitimate).
//!
//! The answer carries the command correctly quoted for POSIX shells and Qshell (single quotes
//! via shell-words), and for CL's `QSH CMD('...')`, which doubles single quotes. A `\;` is never
//! suggested: inside quotes it would reach JTOpen as a literal backslash (JTOpen keeps `\;`
//! as a non-separator), and outside quotes it is only right if every blank is escaped too.

use super::diag::Code;
use super::model::Kind;

/// One `key=value` word (the key as typed; `None` value when the word has no `=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub index: usize,
    pub key: String,
    pub value: Option<String>,
}

/// What a shell did to the command, and the repaired command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellSplit {
    pub code: Code,
    /// True when the command must not run as typed.
    pub is_error: bool,
    pub message: String,
    /// The URL as it most likely was meant (`None` when nothing can be reconstructed).
    pub url: Option<String>,
    /// Indices of the words that belong to the URL.
    pub words: Vec<usize>,
    /// The repaired argument words (without any `pw=` word).
    pub fixed_words: Vec<String>,
}

/// Splits argument words at their first `=`. Keys keep their spelling; matching is the
/// caller's business (case-insensitive for travelerUtil).
pub fn split_words<S: AsRef<str>>(words: &[S]) -> Vec<Word> {
    words
        .iter()
        .enumerate()
        .map(|(index, w)| {
            let w = w.as_ref();
            match w.split_once('=') {
                Some((k, v)) => Word {
                    index,
                    key: k.to_string(),
                    value: Some(v.to_string()),
                },
                None => Word {
                    index,
                    key: w.to_string(),
                    value: None,
                },
            }
        })
        .collect()
}

/// Looks for the marks of a shell split in the words of a `db set`-like command.
///
/// `known_keys` are the keys the command accepts (compared case-insensitively);
/// `secret_keys` are removed from the repaired command (`pw`).
pub fn detect<S: AsRef<str>>(words: &[S], known_keys: &[&str], secret_keys: &[&str]) -> Option<ShellSplit> {
    let parsed = split_words(words);
    let is_known = |w: &Word| w.value.is_some() && known_keys.iter().any(|k| k.eq_ignore_ascii_case(&w.key));
    let url_pos = parsed
        .iter()
        .position(|w| w.key.eq_ignore_ascii_case("url") && w.value.is_some())?;
    let url_value = parsed[url_pos].value.clone().unwrap_or_default();
    let kind = url_kind(&url_value);
    // Stray words: the unknown words right after url=. Only URL families whose properties may
    // hold blanks can lose words that way (JTOpen names such as `database name`, values such as
    // `read committed`; mssql-jdbc and Derby values), and a word whose key is a near miss of a
    // known key (`usr=`) is a typo, not a piece of URL.
    let blanks_possible = matches!(kind, Some(Kind::As400 | Kind::SqlServer | Kind::Derby));
    let near_miss = |w: &Word| {
        let k = w.key.to_ascii_lowercase();
        if k.len() > 32 {
            return false;
        }
        known_keys
            .iter()
            .any(|kk| strsim::osa_distance(&k, kk) <= 2.min(kk.len().saturating_sub(1)))
    };
    let strays: Vec<&Word> = if blanks_possible {
        parsed[url_pos + 1..]
            .iter()
            .take_while(|w| !is_known(w) && !near_miss(w))
            .collect()
    } else {
        Vec::new()
    };
    let rebuild = |url: &str, members: &[usize]| -> Vec<String> {
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref();
            if i == url_pos {
                out.push(format!("{}={url}", parsed[url_pos].key));
            } else if members.contains(&i)
                || (parsed[i].value.is_some() && secret_keys.iter().any(|k| k.eq_ignore_ascii_case(&parsed[i].key)))
            {
                continue;
            } else {
                out.push(w.to_string());
            }
        }
        out
    };
    if !strays.is_empty() {
        let mut url = url_value.clone();
        for s in &strays {
            let piece = words[s.index].as_ref();
            url.push_str(joiner(&url, piece, kind));
            url.push_str(piece);
        }
        let members: Vec<usize> = strays.iter().map(|w| w.index).collect();
        // Everything quoted back to the admin is masked: the pieces may hold a password.
        let url = super::mask_any(&url);
        let shown: Vec<String> = strays
            .iter()
            .map(|w| format!("`{}`", super::mask_any(words[w.index].as_ref())))
            .collect();
        return Some(ShellSplit {
            code: Code::ShellSplitUrl,
            is_error: true,
            message: format!(
                "the URL arrived in pieces: {} after `url=` {} not a key this command knows; a shell split the URL at a blank or `;`",
                shown.join(", "),
                if strays.len() == 1 { "is" } else { "are" }
            ),
            fixed_words: rebuild(&url, &members),
            url: Some(url),
            words: members,
        });
    }
    // A value that ends right at `;`. A Db2 JCC property list legitimately ends with `;`.
    let ends_cut = |w: &Word| -> bool {
        let Some(v) = &w.value else { return false };
        if !v.ends_with(';') || secret_keys.iter().any(|k| k.eq_ignore_ascii_case(&w.key)) {
            return false;
        }
        !(w.key.eq_ignore_ascii_case("url") && url_kind(v) == Some(Kind::Db2))
    };
    let url_value = super::mask_any(&url_value);
    if let Some(w) = parsed.iter().find(|w| ends_cut(w)) {
        let value = super::mask_any(&w.value.clone().unwrap_or_default());
        return Some(ShellSplit {
            code: Code::ShellTrailingSemicolon,
            is_error: true,
            message: format!(
                "`{}=` ends right at a `;`: what followed it is missing (a shell treats an unquoted `;` as the end of the command)",
                w.key
            ),
            url: (w.index == url_pos).then(|| value.clone()),
            words: vec![w.index],
            // Show where the lost part goes, inside the quotes.
            fixed_words: rebuild(&format!("{url_value}..."), &[]),
        });
    }
    if matches!(kind, Some(Kind::As400 | Kind::SqlServer)) && !url_value.contains(';') {
        return Some(ShellSplit {
            code: Code::ShellMaybeCut,
            is_error: false,
            message: "the URL has no `;property=value` part; if you typed one, the shell cut the URL at the `;` and ran the rest as another command".into(),
            url: Some(url_value.clone()),
            words: vec![url_pos],
            fixed_words: rebuild(&format!("{url_value};..."), &[]),
        });
    }
    None
}

/// How two pieces of a split URL were joined before the shell split them.
fn joiner(acc: &str, piece: &str, kind: Option<Kind>) -> &'static str {
    let in_props = match kind {
        // Properties start at the first `;` (JTOpen, mssql-jdbc, Derby).
        Some(Kind::As400 | Kind::SqlServer | Kind::Derby) | None => acc.contains(';'),
        Some(Kind::Db2) => acc.rfind('/').is_some_and(|i| acc[i..].contains(':')),
        Some(Kind::MySql) => acc.contains('?'),
    };
    let sep = match kind {
        Some(Kind::MySql) => "&",
        Some(Kind::Db2) => ";",
        _ => ";",
    };
    if acc.ends_with(';') || acc.ends_with('&') || acc.ends_with('?') {
        // `host\;` then a blank: the blank after a separator carried no meaning.
        return "";
    }
    if !in_props {
        // The URL was whole up to here; the piece starts the property list.
        return match kind {
            Some(Kind::MySql) => "?",
            Some(Kind::Db2) => ":",
            _ => ";",
        };
    }
    let last = acc.rsplit([';', '&', '?']).next().unwrap_or(acc);
    if piece.contains('=') && last.contains('=') {
        // A complete `name=value` followed by a new pair.
        sep
    } else {
        // A name with a blank in it (`database name`) or a value with one (`read committed`).
        " "
    }
}

fn url_kind(v: &str) -> Option<Kind> {
    let l = v.to_ascii_lowercase();
    [
        ("jdbc:db2:", Kind::Db2),
        ("jdbc:as400", Kind::As400),
        ("jdbc:sqlserver:", Kind::SqlServer),
        ("jdbc:mysql:", Kind::MySql),
        ("jdbc:derby:", Kind::Derby),
    ]
    .iter()
    .find(|(p, _)| l.starts_with(p))
    .map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::{cl_command, posix_command};

    const KEYS: &[&str] = &["url", "user", "pw", "path", "driver", "force", "timeout"];

    fn det(words: &[&str]) -> Option<ShellSplit> {
        detect(words, KEYS, &["pw"])
    }

    #[test]
    fn escaped_semicolon_then_blank() {
        // bash: url=jdbc:as400://host\;database name=IASP1 user=U pw=P
        let s = det(&["url=jdbc:as400://host;database", "name=IASP1", "user=U", "pw=P"]).unwrap();
        assert_eq!(s.code, Code::ShellSplitUrl);
        assert_eq!(s.url.as_deref(), Some("jdbc:as400://host;database name=IASP1"));
        assert_eq!(s.fixed_words, ["url=jdbc:as400://host;database name=IASP1", "user=U"]);
        assert_eq!(
            posix_command(&["travelerUtil", "db", "set"], &s.fixed_words),
            "travelerUtil db set 'url=jdbc:as400://host;database name=IASP1' user=U"
        );
        assert_eq!(
            cl_command(&["travelerUtil", "db", "set"], &s.fixed_words),
            "QSH CMD('travelerUtil db set ''url=jdbc:as400://host;database name=IASP1'' user=U')"
        );
    }

    #[test]
    fn stray_with_more_properties() {
        let s = det(&["url=jdbc:as400://host;database", "name=IASP1;naming=system"]).unwrap();
        assert_eq!(
            s.url.as_deref(),
            Some("jdbc:as400://host;database name=IASP1;naming=system")
        );
    }

    #[test]
    fn url_followed_by_unknown_word() {
        let s = det(&["url=jdbc:as400://host", "database name=IASP1", "user=U"]).unwrap();
        assert_eq!(s.url.as_deref(), Some("jdbc:as400://host;database name=IASP1"));
        let s = det(&["url=jdbc:as400://host", "database", "name=IASP1"]).unwrap();
        assert_eq!(s.url.as_deref(), Some("jdbc:as400://host;database name=IASP1"));
        let s = det(&["url=jdbc:as400://h;transaction", "isolation=read", "committed"]).unwrap();
        assert_eq!(
            s.url.as_deref(),
            Some("jdbc:as400://h;transaction isolation=read committed")
        );
    }

    #[test]
    fn value_ending_at_semicolon() {
        let s = det(&["url=jdbc:as400://host;", "user=U"]).unwrap();
        assert_eq!(s.code, Code::ShellTrailingSemicolon);
        assert!(s.is_error);
        // A Db2 property list ends with `;` by rule; a password may too.
        assert_eq!(det(&["url=jdbc:db2://h:50000/T:sslConnection=true;", "pw=a;"]), None);
    }

    #[test]
    fn bare_as400_url_is_only_a_warning_and_clean_commands_pass() {
        let s = det(&["url=jdbc:as400://host", "user=U"]).unwrap();
        assert_eq!(s.code, Code::ShellMaybeCut);
        assert!(!s.is_error);
        assert_eq!(det(&["url=jdbc:as400://host;database name=IASP1", "user=U"]), None);
        assert_eq!(det(&["url=jdbc:db2://h:50000/TRAVELER", "user=U"]), None);
        assert_eq!(det(&["user=U", "pw=x"]), None);
    }

    #[test]
    fn a_mistyped_key_is_not_a_url_piece() {
        // `usr=` is a typo of `user=`; the command layer reports it as an unknown key.
        assert_eq!(det(&["url=jdbc:as400://h;database name=X", "usr=U"]), None);
        // Db2 and MySQL URLs hold no blanks: a stray word there is never a URL piece.
        assert_eq!(det(&["url=jdbc:db2://h:50000/T", "name=IASP1"]), None);
    }

    #[test]
    fn keys_match_case_insensitively() {
        assert_eq!(det(&["URL=jdbc:db2://h:50000/T", "User=U", "PW=x"]), None);
    }
}
