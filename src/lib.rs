//! travelerutil: the library behind the `travelerUtil` binary.
//!
//! Pure domain modules (no clap, no terminal I/O) that the command layer builds on.

pub mod jdbc;
