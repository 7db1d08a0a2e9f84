//! travelerutil: the library behind the `travelerUtil` binary.
//!
//! Pure domain modules (no clap, no terminal I/O): [`jdbc`] (URL engine), [`store`] (the
//! encrypted settings file), [`secret`]. The command layer: [`cli`] (clap definitions),
//! [`args`] (`key=value` words), [`cmd`] (one module per command group), [`prompt`].

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
