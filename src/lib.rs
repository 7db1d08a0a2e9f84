//! travelerutil: the library behind the `travelerUtil` binary.
//!
//! Pure domain modules (no clap, no terminal I/O): [`jdbc`] (URL engine), [`store`] (the
//! encrypted settings file), [`secret`]. The command layer: [`cli`] (clap definitions),
//! [`args`] (`key=value` words), [`cmd`] (one module per command group), [`prompt`].

pub mod args;
pub mod cli;
pub mod cmd;
pub mod error;
pub mod exit;
pub mod jdbc;
pub mod location;
pub mod manpages;
pub mod prompt;
pub mod secret;
pub mod store;
