//! clap definitions of `pmr` and `support`: support case numbers and SFTP uploads.

use clap::Args;

/// Not built yet: every argument is accepted, so the answer is "not implemented" (exit 3)
/// rather than a usage error.
#[derive(Debug, Args)]
pub struct SupportCli {
    #[command(flatten)]
    pub rest: super::Unimplemented,
}
