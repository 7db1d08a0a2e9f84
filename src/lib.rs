//! travelerutil: the library behind the `travelerUtil` binary.
//!
//! # From argv to output
//!
//! ```text
//! main.rs ── cli (clap: options and command words) ── cmd::run (one dispatcher)
//!                                                        │
//!   cmd/<group>.rs, each action in three steps:          │
//!     1. resolve the inputs   args (key=value words), cmd::inputs (secrets, values, paths),
//!                             store::Store::load (no lock), term::prompt
//!     2. run the operation    a domain module below; writes go through cmd::persist
//!                             (store lock, re-read, atomic write)
//!     3. render               text through term::escape, or JSON (docs/json.md)
//!   error::Failure ── main prints the chain once and exits with its exit::Exit code
//! ```
//!
//! # The rooms
//!
//! Pure domain modules (no clap, no terminal I/O):
//! - [`jdbc`]: the JDBC URL engine (parse, diagnose, normalise, mask; the shell-split detector);
//! - [`store`]: the encrypted settings file, its location, lock and stamps;
//! - [`keystore`]: JKS, JCEKS and PKCS#12 verification, decryption and X.509 summaries;
//! - [`probe`]: proving a database reachable through ODBC (driver choice, the JDBC→ODBC
//!   translation, the probe, failure classes);
//! - [`archive`]: support bundles (`log collect`) and log clean-up (`log clear`);
//! - [`sftp`]: the SFTP helper's protocol and travelerUtil's side of it (the libssh2 side is the
//!   `travelerutil-sftp` crate); [`case`]: support case numbers and remote names;
//! - [`secret`], [`shell`] (POSIX quoting), [`text`] (hex, UTC).
//!
//! The command layer: [`cli`] (clap definitions, the help text), [`args`] (`key=value` words),
//! [`cmd`] (one module per command group, plus the shared steps in `cmd::inputs` and
//! `cmd::persist`), [`term`] (prompts, escaping, the progress bar), [`manpages`].
//!
//! Foundations: [`error`] and [`exit`] (one way from an error to its exit code), and [`sys`],
//! where every call into the C library lives.

// No unwrap/expect/panic reachable from input: src/ may not use them (clippy.toml lets tests).
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod archive;
pub mod args;
pub mod case;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod exit;
pub mod jdbc;
pub mod keystore;
pub mod manpages;
pub mod probe;
pub mod secret;
pub mod sftp;
pub mod shell;
pub mod store;
pub mod sys;
pub mod term;
pub mod text;
