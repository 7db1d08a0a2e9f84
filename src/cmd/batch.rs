//! `travelerUtil batch FILE|-`: one command per line, POSIX quoting (shell-words), `#` comments.
//!
//! Stops at the first failing line and names its number. A line's text is never echoed: it
//! may hold a secret (`pw=...`). Global options given to `batch` apply to every line; a line's
//! own options add to them.

use super::Ctx;
use crate::cli::{self, Cli};
use crate::error::Failure;
use crate::exit::Exit;
use crate::term::escape::escape;
use clap::FromArgMatches;

/// The largest batch: far beyond any provisioning script, and a bound on memory when the batch
/// is `/dev/zero` or a runaway pipe. Lines are bounded by [`crate::term::prompt::MAX_LINE`].
pub const MAX_BATCH: u64 = 16 << 20;

pub fn run(file: &str, ctx: &mut Ctx) -> Result<Exit, Failure> {
    let shown = escape(file).into_owned();
    let text = if file == "-" {
        ctx.stdin_taken = true;
        read_batch(&mut std::io::stdin().lock(), "standard input")?
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| super::inputs::read_failure(e, format!("reading the batch file {shown}")))?;
        read_batch(&mut std::io::BufReader::new(f), &shown)?
    };
    let lines = parse(&text).map_err(|e| Failure::input(format!("batch line {}: {}", e.line, e.message)))?;
    let mut ran = 0;
    for BatchLine { number: n, words } in lines {
        let argv = cli::normalize_argv(std::iter::once("travelerUtil".into()).chain(words.into_iter().map(Into::into)));
        // A line is never echoed (it may hold a password); clap's message quotes the word it did
        // not expect, so secret words are masked in it.
        let matches = cli::parser().try_get_matches_from(&argv).map_err(|e| {
            let words: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
            let msg = crate::secret::mask_words(first_line(&e.render().to_string()), &words);
            Failure::usage(format!("batch line {n}: {}", escape(&msg)))
        })?;
        let line = Cli::from_arg_matches(&matches).map_err(|e| Failure::usage(format!("batch line {n}: {e}")))?;
        match super::run(line, Some(ctx)) {
            Ok(Exit::Success) => ran += 1,
            Ok(code) => {
                return Err(Failure::msg(
                    code,
                    format!("batch stopped at line {n} (exit {code}); {ran} line(s) before it succeeded"),
                ));
            }
            Err(mut f) => {
                f.error = f
                    .error
                    .context(format!("batch stopped at line {n}; {ran} line(s) before it succeeded"));
                f.summary_only = false;
                return Err(f);
            }
        }
    }
    ctx.info(format!("batch: {ran} command(s) succeeded"));
    Ok(Exit::Success)
}

/// The whole batch, line by line: a line over 1 MiB or a batch over [`MAX_BATCH`] is refused
/// without showing it (exit 65); bytes that are not UTF-8 too.
fn read_batch(input: &mut dyn std::io::BufRead, what: &str) -> Result<String, Failure> {
    use crate::term::prompt::{self, LineError};
    let mut text = String::new();
    let mut n = 0;
    loop {
        n += 1;
        match prompt::read_line(input, prompt::MAX_LINE) {
            Ok(Some(line)) => {
                text.push_str(&line);
                text.push('\n');
            }
            Ok(None) => return Ok(text),
            Err(LineError::TooLong { limit }) => {
                return Err(Failure::input(format!(
                    "batch line {n} of {what} is longer than {limit} bytes; it is not shown, and nothing was run"
                )));
            }
            Err(LineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(Failure::input(format!(
                    "batch line {n} of {what} is not valid UTF-8; nothing was run"
                )));
            }
            Err(LineError::Io(e)) => return Err(super::inputs::read_failure(e, format!("reading the batch {what}"))),
        }
        if text.len() as u64 > MAX_BATCH {
            return Err(Failure::input(format!(
                "the batch {what} is larger than {} MiB; nothing was run",
                MAX_BATCH >> 20
            )));
        }
    }
}

/// One command of a batch: its 1-based line number and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLine {
    pub number: usize,
    pub words: Vec<String>,
}

/// A line that cannot be split into words (an unbalanced quote).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSyntaxError {
    pub line: usize,
    pub message: String,
}

/// Splits a batch into commands, skipping blank lines and `#` comments. A leading
/// `travelerUtil` (or a path ending in it) on a line is accepted and dropped.
pub fn parse(text: &str) -> Result<Vec<BatchLine>, BatchSyntaxError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut words = crate::shell::posix_split(line).map_err(|e| BatchSyntaxError {
            line: n,
            message: format!("{e} (check the quotes)"),
        })?;
        // shell-words keeps `#` words; a `#` starting a word begins a comment (POSIX 2.3).
        if let Some(c) = words.iter().position(|w| w.starts_with('#')) {
            words.truncate(c);
        }
        if words
            .first()
            .is_some_and(|w| w == "travelerUtil" || w.ends_with("/travelerUtil"))
        {
            words.remove(0);
        }
        if !words.is_empty() {
            out.push(BatchLine { number: n, words });
        }
    }
    Ok(out)
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim_start_matches("error: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_quotes_and_comments() {
        let b = "# provisioning\n\ndb set 'url=jdbc:as400://h;database name=IASP1' user=U  # inline\n  travelerUtil db show\n";
        let p = parse(b).unwrap();
        assert_eq!(p.len(), 2);
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            p[0],
            BatchLine {
                number: 3,
                words: w(&["db", "set", "url=jdbc:as400://h;database name=IASP1", "user=U"])
            }
        );
        assert_eq!(
            p[1],
            BatchLine {
                number: 4,
                words: w(&["db", "show"])
            }
        );
    }

    #[test]
    fn unbalanced_quote_names_the_line() {
        assert_eq!(parse("db show\ndb set 'url=x\n").unwrap_err().line, 2);
    }
}
