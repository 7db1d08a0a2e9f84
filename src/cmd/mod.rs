//! Command layer: one module per command group over the pure domain modules.
//!
//! Output discipline: data goes to stdout (human text, or JSON with `--json`); prompts,
//! progress, warnings and errors go to stderr. Secrets are never printed.

pub mod batch;
pub mod check;
pub mod db;
pub mod inputs;
pub mod log;
pub mod persist;
pub mod pmr;
pub mod ssl;

pub use inputs::PwSource;

use crate::cli::{Cli, Command, GlobalOpts};
use crate::error::{Failure, ResultExt};
use crate::exit::Exit;
use crate::jdbc::Style;
use crate::store::Store;
use crate::store::location::{self, Source};
use crate::term::escape::escape_lines;
use crate::term::prompt::Prompter;
use std::io::{self, IsTerminal, Write};

/// What every command gets: the global options, the store and how to talk to the admin.
pub struct Ctx {
    pub global: GlobalOpts,
    pub prompter: Prompter,
    /// Colour for diagnostics on stderr.
    pub style: Style,
    pub store: Store,
    pub store_source: Source,
    /// Set when stdin is the batch file itself, so `pw=-` and prompts cannot read it.
    pub stdin_taken: bool,
    /// How long a write waits for the store lock (`TRAVELERUTIL_LOCK_TIMEOUT`).
    pub lock_timeout: std::time::Duration,
}

impl Ctx {
    /// `global` must already hold the environment's values ([`GlobalOpts::with_env`]).
    pub fn new(global: GlobalOpts) -> Result<Ctx, Failure> {
        let (dir, store_source) = location::from_env(global.home.as_deref(), global.data_dir.as_deref())
            .map_err(|e| Failure::new(Exit::Usage, e))?;
        let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let lock_timeout = lock_timeout(std::env::var_os(LOCK_TIMEOUT_ENV))?;
        Ok(Ctx {
            lock_timeout,
            prompter: Prompter::new(global.no_input),
            style: if color { Style::Color } else { Style::Plain },
            store: Store::new(dir),
            store_source,
            stdin_taken: false,
            global,
        })
    }

    /// A progress or status line on stderr (silent with `-q`).
    pub fn info(&self, msg: impl std::fmt::Display) {
        if !self.global.quiet {
            eprintln!("{}", escape_lines(&msg.to_string()));
        }
    }

    /// Detail for `-v` / `debug`, on stderr. Never given a secret.
    pub fn debug(&self, msg: impl std::fmt::Display) {
        if self.global.verbose > 0 {
            eprintln!("debug: {}", escape_lines(&msg.to_string()));
        }
    }

    /// A warning on stderr (silent with `-q`).
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if !self.global.quiet {
            let (on, off) = match self.style {
                Style::Color => ("\x1b[1;33m", "\x1b[0m"),
                Style::Plain => ("", ""),
            };
            eprintln!("{on}warning{off}: {}", escape_lines(&msg.to_string()));
        }
    }

    /// Data on stdout. Values are escaped where they are rendered; this is the last line of
    /// defence for any control character that slipped through (JSON escapes its own).
    pub fn out(&self, text: &str) -> Result<(), Failure> {
        let text = escape_lines(text);
        let mut o = io::stdout().lock();
        o.write_all(text.as_bytes())
            .and_then(|()| o.flush())
            .map_err(|e| Failure::new(Exit::Io, anyhow::Error::new(e).context("writing to stdout")))
    }

    /// JSON data on stdout, pretty and newline-terminated.
    pub fn json(&self, v: &impl serde::Serialize) -> Result<(), Failure> {
        self.out(&json_text(v)?)
    }
}

/// A JSON document as printed: pretty and newline-terminated (also what `log collect` puts into
/// a bundle).
pub fn json_text(v: &impl serde::Serialize) -> Result<String, Failure> {
    let mut s = serde_json::to_string_pretty(v).map_err(Failure::internal)?;
    s.push('\n');
    Ok(s)
}

/// Runs one parsed command line: the process's own (`outer` is `None`), or a batch line's, which
/// inherits the batch's global options and its use of stdin. Every command goes through here,
/// `completions` and man pages included, so a batch line behaves like the command line.
pub fn run(cli: Cli, outer: Option<&Ctx>) -> Result<Exit, Failure> {
    let global = match outer {
        Some(o) => o.global.merged_with(cli.global),
        None => cli.global.with_env(|k| std::env::var_os(k)),
    };
    match cli.command {
        Command::Completions { shell } => {
            let mut out = io::stdout().lock();
            clap_complete::generate(shell, &mut crate::cli::command(), "travelerUtil", &mut out);
            out.flush().exit_with(Exit::Io)?;
            Ok(Exit::Success)
        }
        Command::GenerateMan { dir } => {
            crate::manpages::write_all(&dir).map_err(|e| {
                Failure::new(
                    Exit::Io,
                    anyhow::Error::new(e).context(format!("writing man pages into {}", dir.display())),
                )
            })?;
            Ok(Exit::Success)
        }
        Command::Batch { .. } if outer.is_some() => Err(Failure::usage("a batch cannot run another batch")),
        command => {
            let mut ctx = Ctx::new(global)?;
            ctx.stdin_taken = outer.is_some_and(|o| o.stdin_taken);
            ctx.debug(format_args!(
                "travelerUtil {}; store {} (from {}); stdin {} a terminal; prompts {}",
                env!("CARGO_PKG_VERSION"),
                ctx.store.store_path().display(),
                ctx.store_source.describe(),
                if ctx.prompter.stdin_is_tty { "is" } else { "is not" },
                if ctx.global.no_input { "off (--no-input)" } else { "on" },
            ));
            match command {
                Command::Db { action } => db::run(action, &mut ctx),
                Command::Batch { file } => batch::run(&file, &mut ctx),
                Command::Ssl(a) => ssl::run(a.0, &mut ctx),
                Command::Log(a) => log::run(a.0, &mut ctx),
                Command::Pmr(a) => pmr::run(a.0, &mut ctx, "pmr"),
                Command::Support(a) => pmr::run(a.0, &mut ctx, "support"),
                Command::Completions { .. } | Command::GenerateMan { .. } => Ok(Exit::Success),
            }
        }
    }
}

/// Prints the long help of a (sub)command, e.g. `["db", "set"]`, for the `help` word.
pub fn print_help(ctx: &Ctx, path: &[&str]) -> Result<Exit, Failure> {
    let mut cmd = crate::cli::command();
    for p in path {
        match cmd.find_subcommand(p) {
            Some(c) => cmd = c.clone(),
            None => break,
        }
    }
    ctx.out(&cmd.render_long_help().to_string())?;
    Ok(Exit::Success)
}

/// The variable that bounds the wait for the store lock, in seconds.
pub const LOCK_TIMEOUT_ENV: &str = "TRAVELERUTIL_LOCK_TIMEOUT";

/// `TRAVELERUTIL_LOCK_TIMEOUT`: whole seconds, 0 to 3600 (0: do not wait); empty or unset means
/// the default.
fn lock_timeout(v: Option<std::ffi::OsString>) -> Result<std::time::Duration, Failure> {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return Ok(crate::store::DEFAULT_LOCK_TIMEOUT);
    };
    v.to_str()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|n| *n <= 3600)
        .map(std::time::Duration::from_secs)
        .ok_or_else(|| {
            Failure::usage(format!(
                "{LOCK_TIMEOUT_ENV}={} is not a number of seconds from 0 to 3600",
                crate::term::escape(&v.to_string_lossy())
            ))
        })
}
