//! POSIX word splitting and quoting, for POSIX shells and IBM i Qshell (which share single
//! quotes) and for CL's `QSH CMD('...')`: batch lines are split by these rules, and every command
//! the tool prints for the admin to run (a `reproduce:` line, a repaired command line) is quoted
//! by them, so it splits back into the same words.

/// The repaired command, quoted for POSIX shells and Qshell (they share single quotes).
pub fn posix_command(prefix: &[&str], fixed_words: &[String]) -> String {
    prefix
        .iter()
        .copied()
        .chain(fixed_words.iter().map(String::as_str))
        .map(quote_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// shell-words quotes any word with `=` (it could be an assignment in first position); in
/// argument position `key=value` is safe bare, so keep such words readable.
pub fn quote_word(w: &str) -> std::borrow::Cow<'_, str> {
    let safe = !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c));
    if safe {
        std::borrow::Cow::Borrowed(w)
    } else {
        shell_words::quote(w)
    }
}

/// Splits a line into words by POSIX quoting rules (shell-words). Batch files use it, and the
/// fuzz target uses it to prove that every suggested command splits back into its words.
pub fn posix_split(line: &str) -> Result<Vec<String>, shell_words::ParseError> {
    shell_words::split(line)
}

/// The repaired command for CL (`QSH CMD('...')`): the POSIX command with `'` doubled.
pub fn cl_command(prefix: &[&str], fixed_words: &[String]) -> String {
    format!("QSH CMD('{}')", posix_command(prefix, fixed_words).replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_commands_split_back_into_their_words() {
        let words = vec![
            "url=jdbc:as400://h;database name=IASP1".to_string(),
            "user=O'Neil".to_string(),
        ];
        let cmd = posix_command(&["travelerUtil", "db", "set"], &words);
        assert_eq!(posix_split(&cmd).unwrap()[3..], words[..]);
        assert_eq!(quote_word("user=LNT"), "user=LNT");
        assert!(cl_command(&["travelerUtil"], &words).starts_with("QSH CMD('travelerUtil ''url="));
    }
}
