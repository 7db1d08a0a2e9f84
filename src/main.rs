//! `travelerUtil`: a thin entry point. Parse, run, print the error chain once, exit with the
//! documented code (see `exit.rs`).

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Its own C `main` (see below); a test build keeps the harness's, and tests/ runs the binary.
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]

use clap::FromArgMatches;
use std::io::Write;
use travelerutil::cli::{self, Cli, Command};
use travelerutil::cmd::{self, Ctx};
use travelerutil::error::Failure;
use travelerutil::exit::Exit;

/// The process entry point, in place of std's (`#![no_main]`).
///
/// Why: std's start-up finds the main thread's stack bounds for its stack-overflow message, and
/// glibc answers that (`pthread_getattr_np`) by reading and parsing `/proc/self/maps`; std then
/// maps an alternate signal stack with a guard page: an open and read of the maps file, a
/// sigaltstack, an mmap and an mprotect at every start (strace), where `db check` competes with
/// `isql` on start-up time (bench/check.sh).
/// A stack overflow still ends the process (SIGSEGV on the kernel's guard gap), only without
/// std's message. What else std's start-up does is done here: standard descriptors that are
/// closed are opened on /dev/null (so that no file we open becomes our stdout), and SIGPIPE is
/// ignored (a closed pipe is an `EPIPE` error, handled in `report`). `std::env::args` works
/// without std's start-up: on glibc, std captures argv in an `.init_array` function.
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: fcntl(2), open(2) and signal(2) on the standard descriptors, before any other
    // code runs; open returns the lowest free descriptor, so it fills the gap it was called for.
    unsafe {
        for fd in 0..3 {
            if libc::fcntl(fd, libc::F_GETFD) == -1 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // A panic is a bug, and the default hook has printed it. Exit 1 (an unexpected internal
    // failure) rather than std's 101, so that every exit code is in the documented table.
    let exit = std::panic::catch_unwind(start).unwrap_or(Exit::Failure);
    finish(exit)
}

fn start() -> Exit {
    let argv = cli::normalize_argv(std::env::args_os());
    // The command tree is parsed once and then left alone: the process ends right after the
    // command, and dropping clap's tree is ~12% of start-up instructions (callgrind). `db check`
    // competes with `isql` on start-up time (bench/check.sh).
    let parser: &'static mut clap::Command = Box::leak(Box::new(cli::parser()));
    let parsed = parser.try_get_matches_from_mut(argv.clone()).and_then(|m| {
        // Kept for the same reason: dropping the matches is ~1% of a `db check`'s instructions.
        let m: &'static clap::ArgMatches = Box::leak(Box::new(m));
        Cli::from_arg_matches(m)
    });
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // Help is rendered from the full definition (with the exit status table).
            let e = match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    cli::command().try_get_matches_from(argv).err().unwrap_or(e)
                }
                _ => e,
            };
            // --help and --version print to stdout and succeed; usage errors go to stderr.
            let _ = e.print();
            return if e.use_stderr() { Exit::Usage } else { Exit::Success };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(f) => report(f),
    }
}

/// Ends the process once the command is done and every Rust value is dropped (so secrets are
/// zeroized and temporary files removed): flushes Rust's and C's output buffers, then exits
/// without running the C libraries' `atexit` handlers. After a `db check` those are the ODBC
/// driver's: OpenSSL's `OPENSSL_cleanup` alone is 4% of the instructions of a `db check`
/// against MariaDB (callgrind), spent freeing memory the kernel reclaims anyway. The ODBC
/// handles were freed properly before this point (the probe disconnects and frees them).
fn finish(exit: Exit) -> ! {
    let code = match std::io::stdout().flush() {
        // `travelerUtil db show | head -1`: a closed pipe is not an error (see `report`).
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe && exit == Exit::Success => {
            eprintln!("travelerUtil: error: writing the output: {e}");
            Exit::Io
        }
        _ => exit,
    };
    // SAFETY: fflush(NULL) flushes every C stdio stream (a driver's trace file, for one);
    // _exit(2) then ends the process.
    unsafe {
        libc::fflush(std::ptr::null_mut());
        libc::_exit(i32::from(code.code()))
    }
}

fn run(cli: Cli) -> Result<Exit, Failure> {
    match cli.command {
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut cli::command(), "travelerUtil", &mut out);
            out.flush()?;
            Ok(Exit::Success)
        }
        Command::GenerateMan { dir } => {
            travelerutil::manpages::write_all(&dir)?;
            Ok(Exit::Success)
        }
        command => {
            let mut ctx = Ctx::new(cli.global.with_env(|k| std::env::var_os(k)))?;
            cmd::run(command, &mut ctx)
        }
    }
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
    eprintln!("travelerUtil: error: {text}");
    f.exit
}
