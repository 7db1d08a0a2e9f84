//! clap definitions of `log`: collect and clear the Traveler logs.

use clap::Args;

/// Not built yet: every argument is accepted, so the answer is "not implemented" (exit 3)
/// rather than a usage error.
#[derive(Debug, Args)]
pub struct LogCli {
    #[command(flatten)]
    pub rest: super::Unimplemented,
}
