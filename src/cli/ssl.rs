//! clap definitions of `ssl`: keystore and truststore passwords.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct SslCli {
    #[command(subcommand)]
    pub action: SslAction,
}

#[derive(Debug, Subcommand)]
pub enum SslAction {
    /// Show the stored keystore and truststore: path, type, passwords as *****, and whether the
    /// file changed or vanished since `ssl set`.
    Show,
    /// Store the keystore and/or truststore passwords, after verifying them against the files.
    ///
    /// Keys (matched case-insensitively):
    ///   keystore=PATH       the keystore (JKS, JCEKS or PKCS#12) holding the server's key
    ///   keystorepw=PW       its password; keystorepw=- reads one line from stdin
    ///   truststore=PATH     the truststore holding the trusted CA certificates
    ///   truststorepw=PW     its password; truststorepw=- reads one line from stdin
    ///   keypw=PW            the password of the keystore's private keys, when it differs
    ///                       from the keystore password (keytool -keypass)
    ///
    /// Either pair may be given alone; the other stays as stored. A stored path is not asked
    /// for again, so `ssl set keystorepw=-` only rotates the password. Password sources, first
    /// found wins: the key on the command line (with a warning: it shows in `ps`), `-` for a
    /// stdin line, TRAVELERUTIL_KEYSTORE_PW / TRAVELERUTIL_TRUSTSTORE_PW / TRAVELERUTIL_KEY_PW,
    /// the stored password (same file), the prompt. Nothing is saved unless every password
    /// verifies against its file.
    #[command(verbatim_doc_comment)]
    Set(SslSetArgs),
    /// Verify the stored passwords against the files and report each store: type, integrity
    /// algorithm and iterations, entries (alias, kind, subject, notAfter), expired or soon to
    /// expire certificates, and a truststore without trusted certificates.
    ///
    /// Keys:
    ///   keystore=PATH, keystorepw=PW, truststore=PATH, truststorepw=PW, keypw=PW
    ///                       check these files instead of the stored ones (nothing is saved)
    ///   days=N              warn about certificates that expire within N days (default 30)
    #[command(verbatim_doc_comment)]
    Check(SslCheckArgs),
    /// Remove the stored keystore and truststore settings (`keystore` or `truststore` removes
    /// only that one).
    Remove(SslRemoveArgs),
}

#[derive(Debug, Args)]
pub struct SslSetArgs {
    /// Verify and print what would be stored; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Prompt for the password of every private key whose password is not the keystore's.
    #[arg(long)]
    pub key_passwords: bool,

    /// keystore=, keystorepw=, truststore=, truststorepw=, keypw=.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SslCheckArgs {
    /// Prompt for the password of every private key whose password is not the keystore's.
    #[arg(long)]
    pub key_passwords: bool,

    /// keystore=, keystorepw=, truststore=, truststorepw=, keypw=, days=.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SslRemoveArgs {
    /// `keystore` or `truststore` to remove only that one; nothing removes both.
    #[arg(value_name = "WHICH")]
    pub words: Vec<String>,
}
