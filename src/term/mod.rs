//! Everything that talks to the admin's terminal: prompts, escaping of what is printed, and the
//! progress bar. Domain modules never print; the command layer prints through these.

pub mod escape;
pub mod progress;
pub mod prompt;

pub use escape::{Escaped, escape, escape_path};
