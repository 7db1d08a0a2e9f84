//! Every call into the C library lives in this module, each `unsafe` block with its SAFETY note.
//! The rest of the crate sees safe functions and guards:
//!
//! - [`signals`]: one handler for SIGINT, SIGTERM, SIGHUP and SIGQUIT that restores the
//!   terminal, removes registered temporary files, and then either lets a long job stop cleanly
//!   or ends the process by the same signal;
//! - [`term`]: the terminal state saved around a password prompt;
//! - [`timer`]: the probe's watchdog, a POSIX timer that ends the process at a deadline;
//! - [`process`]: locale, host name, parent-death signal, and the exit that skips a loaded ODBC
//!   driver's `atexit` handlers;
//! - [`dirfd`]: directories opened once and read, checked and unlinked through their
//!   descriptors (`openat`, `fstatat`, `unlinkat`), so a path is never resolved twice.
//!
//! travelerUtil's platform is Linux with glibc or musl; the functions here are POSIX except
//! where their docs say Linux.

pub mod dirfd;
pub mod process;
pub mod signals;
pub mod term;
pub mod timer;
