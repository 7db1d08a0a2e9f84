//! `travelerUtil`: a thin entry point. Parse, run, print the error chain once, exit with the
//! documented code (see `exit.rs`).

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::FromArgMatches;
use std::io::Write;
use std::process::ExitCode;
use travelerutil::cli::{self, Cli};
use travelerutil::cmd;
use travelerutil::error::Failure;
use travelerutil::exit::Exit;

fn main() -> ExitCode {
    // A panic is a bug, and the default hook has printed it. Exit 1 (an unexpected internal
    // failure) rather than std's 101, so that every exit code is in the documented table.
    let exit = std::panic::catch_unwind(start).unwrap_or(Exit::Failure);
    let exit = match std::io::stdout().flush() {
        // `travelerUtil db show | head -1`: a closed pipe is not an error (see `report`).
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe && exit == Exit::Success => {
            eprintln!("travelerUtil: error: writing the output: {e}");
            Exit::Io
        }
        _ => exit,
    };
    // A loaded ODBC driver registered `atexit` handlers that only free memory, and a driver
    // stuck on a dead connection can hang in them: skip them (every Rust value is dropped).
    if travelerutil::probe::odbc::driver_loaded() {
        travelerutil::sys::process::exit_skipping_atexit(exit.code());
    }
    exit.into()
}

fn start() -> Exit {
    let argv = cli::normalize_argv(std::env::args_os());
    let parsed = cli::parser()
        .try_get_matches_from(argv.clone())
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // Help is rendered from the full definition (with the exit status table).
            let e = match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    cli::command().try_get_matches_from(argv.clone()).err().unwrap_or(e)
                }
                _ => e,
            };
            // --help and --version print to stdout and succeed; usage errors go to stderr.
            if !e.use_stderr() {
                let _ = e.print();
                return Exit::Success;
            }
            print_usage_error(&e, &argv);
            return Exit::Usage;
        }
    };
    match cmd::run(cli, None) {
        Ok(code) => code,
        Err(f) => report(f),
    }
}

/// clap quotes the words it did not expect. A word may be a secret (`db show pw=S3CRET`) or
/// hold control characters or bidi overrides, so such an error is printed as plain text with the
/// secret values masked and those characters escaped; any other keeps clap's colours.
fn print_usage_error(e: &clap::Error, argv: &[std::ffi::OsString]) {
    let words: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let risky = words.iter().any(|w| {
        w.chars().any(travelerutil::term::escape::needs_escape)
            || w.split_once('=')
                .is_some_and(|(k, _)| travelerutil::secret::is_secret_key(k))
    });
    if !risky {
        let _ = e.print();
        return;
    }
    let text = travelerutil::secret::mask_words(&e.render().to_string(), &words);
    eprint!("{}", travelerutil::term::escape::escape_lines(&text));
}

fn report(f: Failure) -> Exit {
    // A closed pipe (`travelerUtil db show | head -1`) is not an error.
    if f.error.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return Exit::Success;
    }
    let text = if f.summary_only {
        format!("{}", f.error)
    } else {
        format!("{:#}", f.error)
    };
    // The last line of defence: whatever a message quotes, no secret word and no control
    // character reaches the terminal.
    let text = travelerutil::secret::mask_words(&text, &[] as &[&str]);
    eprintln!(
        "travelerUtil: error: {}",
        travelerutil::term::escape::escape_lines(&text)
    );
    f.exit
}
