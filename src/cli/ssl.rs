//! clap definitions of `ssl`: keystore and truststore passwords.

use clap::Args;

/// Not built yet: every argument is accepted, so the answer is "not implemented" (exit 3)
/// rather than a usage error.
#[derive(Debug, Args)]
pub struct SslCli {
    #[command(flatten)]
    pub rest: super::Unimplemented,
}
