//! clap definitions of `pmr` and `support`: support case numbers and SFTP uploads. Both
//! spellings share this definition (IBM's `pmr`, HCL's `support`).

use clap::builder::TypedValueParser;
use clap::{Args, Subcommand};
use std::time::Duration;

/// `pmr <number> [files…]` uploads; `pmr set|show|remove` manage the stored endpoint.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    arg_required_else_help = true,
    after_long_help = "CASE NUMBERS:\n  \
CS1234567        HCL case: CS + 7 digits            files: CS1234567.<name>\n  \
TS012345678      IBM case: TS + 9 digits            files: TS012345678.<name>\n  \
12345,678,000    IBM PMR: ppppp,bbb,ccc (or dots)   files: 12345.678.000.<name>\n\n\
EXAMPLES:\n  \
travelerUtil support set host=sftp.example.com user=me     # prompts for the password\n  \
travelerUtil support CS1234567                             # collect the logs, upload them\n  \
travelerUtil support CS1234567 traveler_2026_11_20.zip     # a file in the logs directory\n  \
travelerUtil pmr TS012345678 /tmp/heapdump.phd --yes        # accept the host key on first use"
)]
pub struct SupportCli {
    #[command(subcommand)]
    pub action: Option<SupportAction>,

    /// The case number: CS + 7 digits (HCL), TS + 9 digits (IBM), or an IBM PMR
    /// ppppp,bbb,ccc.
    #[arg(value_name = "NUMBER")]
    pub number: Option<String>,

    /// Files to upload: a base name is looked up in the logs directory
    /// (<data dir>/IBM_TECHNICAL_SUPPORT/traveler/logs), anything with a `/` is a path. With no
    /// files, the logs are collected for the case (`log collect`) and that archive is uploaded.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    /// Seconds to wait for the server at each step of an upload: the TCP connect, the SSH
    /// handshake, and every SFTP request.
    #[arg(
        long,
        value_name = "SECS",
        default_value = "60",
        value_parser = clap::value_parser!(u64).range(1..=3600).map(Duration::from_secs)
    )]
    pub timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub enum SupportAction {
    /// Show the stored SFTP endpoint and credentials (password as *****) and the pinned host key.
    Show,
    /// Store the SFTP endpoint and credentials, encrypted.
    ///
    /// Keys (matched case-insensitively):
    ///   host=NAME         the vendor's SFTP server
    ///   port=N            its port (default 22)
    ///   user=NAME         the SFTP user
    ///   pw=PASSWORD       the password; pw=- reads one line from stdin (pw=... on the command
    ///                     line works but shows in `ps` and shell history)
    ///   dir=PATH          remote directory for uploads (default: the login directory)
    ///   hostkey=SHA256:…  pin the server's host key fingerprint (as `ssh-keygen -l` prints it);
    ///                     hostkey= (empty) forgets the pin
    ///   key=FILE          a private key (OpenSSH format, no passphrase) tried before the password
    ///   case=NUMBER       the current case number, shown by `show`
    ///
    /// Missing host, user and password are prompted for. Password sources, first found wins:
    /// pw=, TRAVELERUTIL_SUPPORT_PW, the stored password (when host and user are unchanged), the
    /// prompt.
    #[command(verbatim_doc_comment)]
    Set(SetArgs),
    /// Remove everything stored for support uploads (endpoint, credentials, pinned host key).
    Remove,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Validate and print what would be stored; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// host=, port=, user=, pw=, dir=, hostkey=, key=, case=.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}
