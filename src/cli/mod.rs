//! The command line, first layer: clap definitions only. The doc comments *are* the help text
//! and the man pages (generated into `man/` from these definitions).
//!
//! The grammar stays compatible with travelerUtil:
//! `travelerUtil [debug] <db|ssl|log|pmr|support|help> [action] [key=value ...]`. The
//! `key=value` words are validated into domain requests by `crate::args` (second layer); the
//! modern options (`--json`, `--home`, ...) sit beside them and may appear anywhere.

use clap::builder::styling;
use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

pub mod log;
pub mod pmr;
pub mod ssl;

const STYLES: styling::Styles = styling::Styles::styled()
    .header(styling::AnsiColor::Yellow.on_default().bold())
    .usage(styling::AnsiColor::Yellow.on_default().bold())
    .literal(styling::AnsiColor::Green.on_default().bold())
    .placeholder(styling::AnsiColor::Cyan.on_default());

/// `--version`: the version, then the git commit and the build target (from build.rs), for
/// telling which package an admin runs. `-V` and the man pages keep the plain version, so `man/`
/// does not change with every commit.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit: ",
    env!("TRAVELERUTIL_GIT_COMMIT"),
    "\ntarget: ",
    env!("TRAVELERUTIL_BUILD_TARGET"),
);

#[derive(Debug, Parser)]
#[command(
    name = "travelerUtil",
    version,
    long_version = LONG_VERSION,
    about = "Administer a Notes Traveler server: enterprise database, TLS stores, logs, support uploads",
    long_about = "Administer a Notes Traveler server: the enterprise database of an HA pool (db), the \
TLS keystore and truststore passwords (ssl), the server logs (log) and support uploads (pmr, support).\n\n\
Settings are kept in one file encrypted with AES-256-GCM, whose key lives in a separate file. \
Passwords are never printed: they show as *****.\n\n\
Quote URLs that contain `;` or blanks, or leave `url=` out to be prompted: the prompt reads the \
line verbatim, so `jdbc:as400://host;database name=IASP1` needs no quoting there.",
    styles = STYLES,
    max_term_width = 100,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after any command. The TRAVELERUTIL_* variables are read by
/// [`GlobalOpts::with_env`], not by clap: an empty variable (`TRAVELERUTIL_HOME=`) must mean
/// "unset", while clap rejects it as a missing value.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalOpts {
    /// Print machine-readable JSON on stdout (schemas in docs/json.md).
    #[arg(long, global = true)]
    pub json: bool,

    /// Directory of the encrypted store [env: TRAVELERUTIL_HOME]. Default: <data dir>/traveler/util
    /// when a Domino data directory is known, else ~/.config/travelerutil.
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// The Domino data directory, where notes.ini, traveler/ and IBM_TECHNICAL_SUPPORT/ live
    /// [env: TRAVELERUTIL_DATA_DIR].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Never prompt: a missing value is an error naming its key. For scripts and CI
    /// [env: TRAVELERUTIL_NO_INPUT=1].
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Answer yes to confirmations (`db remove`; an unknown SSH host key at the first upload).
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Print only errors (and the data asked for).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More detail on stderr; `debug` as the first word does the same (travelerUtil's form).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The enterprise database of an HA pool (Db2, Db2 for IBM i, SQL Server, MySQL) or the
    /// standalone Derby default.
    #[command(subcommand_required = true, arg_required_else_help = true)]
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// TLS keystore and truststore passwords, verified against the files.
    Ssl(Deferred<ssl::SslCli>),
    /// Collect the Traveler logs into a support bundle, or clear them.
    Log(Deferred<log::LogCli>),
    /// Support cases and uploads to the vendor's SFTP (IBM's name; same as `support`).
    Pmr(Deferred<pmr::SupportCli>),
    /// Support cases and uploads to the vendor's SFTP (HCL's name; same as `pmr`).
    Support(Deferred<pmr::SupportCli>),
    /// Run commands from a file (or `-` for stdin), one per line, POSIX quoting, `#` comments.
    ///
    /// Stops at the first failing line and names it; exits with that line's code. Secrets on a
    /// line are never echoed. Global options given to `batch` apply to every line.
    Batch {
        /// The batch file, or `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages into a directory (how man/ is generated).
    #[command(hide = true)]
    GenerateMan {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Show the database settings: mode, database kind, URL and user (password as *****),
    /// driver jar, ODBC driver, the store's location, and a command that reproduces them.
    Show,
    /// Store the enterprise database settings, after validating them.
    ///
    /// Keys (matched case-insensitively):
    ///   url=JDBC-URL      jdbc:db2://, jdbc:as400:, jdbc:sqlserver://, jdbc:mysql://, jdbc:derby:
    ///   user=NAME         the database user
    ///   pw=PASSWORD       the password; pw=- reads one line from stdin (pw=... on the command
    ///                     line works but shows in `ps` and shell history)
    ///   path=JAR          the JDBC driver jar (e.g. jt400.jar, db2jcc4.jar)
    ///   driver=NAME       the ODBC driver `db check` should use
    ///   timeout=SECONDS   bound of the connection test, as for `db check` (1 to 3600,
    ///                     default 10)
    ///   force             save without probing the database
    ///
    /// A stored URL or path is not asked for again, so `db set user=... pw=...` only rotates
    /// the credentials. Missing values are prompted for (raw line: `;` and blanks need no
    /// quoting at the prompt). Password sources, first found wins: pw= on the command line,
    /// TRAVELERUTIL_DB_PW, a password inside the URL (moved out of it), the stored password
    /// (when the user is unchanged), the prompt.
    #[command(verbatim_doc_comment)]
    Set(SetArgs),
    /// Prove the stored database reachable through a real ODBC driver, and ready for an HA pool.
    ///
    /// Offline checks first (store, URL, JDBC jar, Derby folder), then a connection through the
    /// ODBC driver for the database, the validation query, and a verdict with its own exit code.
    /// Then two sections: HA readiness (schema mode from notes.ini, schema and tables, privileges
    /// for that mode, encoding, version, IP-literal hosts, clock skew), and failover: every
    /// server the URL names (Db2 client-reroute alternates, SQL Server failoverPartner, further
    /// MySQL hosts) probed at the same time. Exit 9 when the primary passes and a partner fails.
    ///
    /// Keys:
    ///   timeout=SECONDS   bound for the whole attempt (1 to 3600, default 10); enforced by the
    ///                     login timeout, the driver's own keyword and a watchdog that kills the
    ///                     attempt; every server is probed within the same bound
    ///   driver=NAME       the ODBC driver to use this time (else the stored driver=, then
    ///                     TRAVELERUTIL_ODBC_DRIVER, then the first installed driver for the database)
    ///   quick             only the connection verdict and the failover probes: no HA-readiness
    ///                     section (for frequent monitoring)
    #[command(verbatim_doc_comment)]
    Check(CheckArgs),
    /// Remove the enterprise settings and revert to the standalone Derby database.
    Remove,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Validate and print what would be stored; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// url=, user=, pw=, path=, driver=, timeout=, force. Options such as --json may come
    /// before, between or after these words.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// timeout=, driver=, quick.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}

/// A command group whose arguments clap builds only when it enters that group (or renders help,
/// man pages or completions): `Command::defer`. `db check` competes with `isql` on start-up
/// time (bench/check.sh), and building the other groups' argument trees on every run cost
/// instructions and page faults that grow with every group.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Deferred)
    }
    fn from_arg_matches_mut(m: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Deferred)
    }
    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
    fn update_from_arg_matches_mut(&mut self, m: &mut clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|c| keep_about(c, T::augment_args))
    }
    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|c| keep_about(c, T::augment_args_for_update))
    }
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

/// Deferred arguments are added after the variant's doc comment set the group's about text, so
/// a doc comment on the arguments' struct would replace it: put the variant's text back.
fn keep_about(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let reset = |v: Option<clap::builder::StyledStr>| v.map_or(clap::builder::Resettable::Reset, Into::into);
    augment(cmd).about(reset(about)).long_about(reset(long_about))
}

impl GlobalOpts {
    /// A batch line's options on top of the batch's own (`self`): flags add up, a directory
    /// given on the line wins.
    #[must_use]
    pub fn merged_with(&self, line: GlobalOpts) -> GlobalOpts {
        GlobalOpts {
            json: self.json || line.json,
            home: line.home.or_else(|| self.home.clone()),
            data_dir: line.data_dir.or_else(|| self.data_dir.clone()),
            no_input: self.no_input || line.no_input,
            yes: self.yes || line.yes,
            quiet: self.quiet || line.quiet,
            verbose: self.verbose.max(line.verbose),
        }
    }

    /// Fills what the command line left open from the environment: a flag beats its variable,
    /// and an empty variable counts as unset.
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<std::ffi::OsString>) -> GlobalOpts {
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        if self.home.is_none() {
            self.home = var("TRAVELERUTIL_HOME").map(PathBuf::from);
        }
        if self.data_dir.is_none() {
            self.data_dir = var("TRAVELERUTIL_DATA_DIR").map(PathBuf::from);
        }
        if !self.no_input {
            self.no_input = var("TRAVELERUTIL_NO_INPUT").is_some_and(|v| {
                !matches!(
                    v.to_string_lossy().to_ascii_lowercase().as_str(),
                    "0" | "false" | "no" | "off"
                )
            });
        }
        self
    }
}

/// The full command definition: the derive plus the parts built at run time (the exit status
/// table comes from [`crate::exit::Exit`], so help, man page and code cannot disagree).
pub fn command() -> clap::Command {
    parser().after_long_help(after_help())
}

/// The definition without the long help's closing sections, for parsing: formatting the exit
/// status table costs ~5% of start-up (callgrind), and only `--help` shows it. [`command`] is
/// used whenever help is printed.
pub fn parser() -> clap::Command {
    use clap::CommandFactory;
    Cli::command()
}

/// The variables travelerUtil reads, for `--help` and the man page (the README has the same list).
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("TRAVELERUTIL_HOME", "store directory (like --home)"),
    ("TRAVELERUTIL_DATA_DIR", "Domino data directory (like --data-dir)"),
    ("TRAVELERUTIL_NO_INPUT", "set to 1 to never prompt (like --no-input)"),
    (
        "TRAVELERUTIL_DB_PW",
        "database password for `db set` (after pw= on the command line)",
    ),
    (
        "TRAVELERUTIL_ODBC_DRIVER",
        "ODBC driver for `db check` (after driver= given or stored)",
    ),
    ("TRAVELERUTIL_KEYSTORE_PW", "keystore password for `ssl set|check`"),
    ("TRAVELERUTIL_TRUSTSTORE_PW", "truststore password for `ssl set|check`"),
    (
        "TRAVELERUTIL_KEY_PW",
        "private-key password for `ssl set|check` (keypw=)",
    ),
    (
        "TRAVELERUTIL_NOW",
        "the time `ssl check` judges expiry against (unix seconds, RFC 3339)",
    ),
    (
        "TRAVELERUTIL_SUPPORT_PW",
        "SFTP password for `pmr`/`support` (after pw= on the command line)",
    ),
    (
        "TRAVELERUTIL_LOCK_TIMEOUT",
        "seconds a write waits for the store lock (default 10, 0 to 3600)",
    ),
    ("NO_COLOR", "no colour in diagnostics"),
];

fn after_help() -> String {
    // Built line by line: a `\` line continuation in a string literal would also eat the
    // indentation of the next line.
    let env: String = ENVIRONMENT.iter().map(|(k, v)| format!("  {k:<27} {v}\n")).collect();
    format!(
        "EXIT STATUS:\n{}\n\nENVIRONMENT:\n{env}\nEXAMPLES:\n  \
         travelerUtil db set 'url=jdbc:as400://ibmi.example.com;database name=IASP1' user=LNTUSER\n  \
         travelerUtil db set user=LNTUSER      # prompts for the URL: nothing needs quoting there\n  \
         travelerUtil db show --json",
        crate::exit::Exit::table_plain()
    )
}

/// travelerUtil compatibility before clap sees argv: a leading `debug` word means `-v`, and
/// `-help`/`-h`-style single-dash help means `--help`.
pub fn normalize_argv(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    let mut seen_command = false;
    for (i, a) in args.into_iter().enumerate() {
        let s = a.to_string_lossy();
        if i > 0 && !seen_command && s.eq_ignore_ascii_case("debug") {
            out.push("-v".into());
            continue;
        }
        if s == "-help" || s == "-?" {
            out.push("--help".into());
            continue;
        }
        if i > 0 && !s.starts_with('-') {
            seen_command = true;
        }
        out.push(a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
        assert!(
            command()
                .render_long_help()
                .to_string()
                .contains(" 78  store or key problem")
        );
    }

    #[test]
    fn debug_word_and_dash_help() {
        let v = normalize_argv(["travelerUtil", "debug", "db", "show"].map(Into::into));
        assert_eq!(v, ["travelerUtil", "-v", "db", "show"].map(std::ffi::OsString::from));
        // `debug` after the command is an ordinary word (e.g. a value).
        let v = normalize_argv(["travelerUtil", "db", "set", "debug"].map(Into::into));
        assert_eq!(v[3], "debug");
        let v = normalize_argv(["travelerUtil", "-help"].map(Into::into));
        assert_eq!(v[1], "--help");
    }
}
