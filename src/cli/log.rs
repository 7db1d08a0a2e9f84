//! clap definitions of `log`: collect and clear the Traveler logs.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct LogCli {
    #[command(subcommand)]
    pub action: LogAction,
}

#[derive(Debug, Subcommand)]
pub enum LogAction {
    /// Zip the Traveler logs into a dated support bundle, secrets masked.
    ///
    /// Collects <data>/IBM_TECHNICAL_SUPPORT/traveler/logs (NTSErrors, NTSAudit, NTSUsage,
    /// NTSActivity, their rotated .zip files, TravelerInstall.log), notes.ini, the files under
    /// <data>/traveler/cfg, and this tool's `db show --json` and TLS store summary. The data
    /// directory comes from --data-dir, TRAVELERUTIL_DATA_DIR, Directory= in ./notes.ini, then
    /// /local/notesdata.
    ///
    /// The archive is named <case>.traveler.<host>.<YYYYMMDD-HHMMSS>.zip when a support case
    /// is stored (`pmr set`), else traveler.<host>.<YYYYMMDD-HHMMSS>.zip, and goes in the logs
    /// directory or out=DIR. It is written as <name>.partial and renamed when complete;
    /// <name>.sha256 is written beside it. Each file is read up to the size it had when
    /// opened. manifest.json inside lists every file with its size, sha256, redactions, and
    /// what was truncated or skipped and why.
    ///
    /// Keys:
    ///   out=DIR   where to write the archive (default: the logs directory)
    #[command(verbatim_doc_comment)]
    Collect(CollectArgs),
    /// Delete the Traveler logs (collected bundles are kept unless --all).
    ///
    /// Refuses while the Traveler task (ntraveler) or the Domino server is running, unless
    /// `force` is given. Asks for confirmation unless --yes. Prints the count and bytes freed.
    ///
    /// Keys:
    ///   force     delete even though a server process is running
    #[command(verbatim_doc_comment)]
    Clear(ClearArgs),
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Only files modified since DATE: 2026-11-20, 2026-11-20T08:00, an RFC 3339 time, or an
    /// age such as 7d or 12h.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Keep at most SIZE of each file (the newest lines, at its end), e.g. 50M, 1G, 500k.
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<String>,

    /// Leave out files whose name or path (relative to its directory) matches GLOB; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub skip: Vec<String>,

    /// Print the expected archive size and file count; write nothing.
    #[arg(long)]
    pub estimate: bool,

    /// Do not mask secrets in the bundle (the manifest says so).
    #[arg(long)]
    pub no_redact: bool,

    /// out=DIR.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ClearArgs {
    /// Delete collected bundles too.
    #[arg(long)]
    pub all: bool,

    /// List what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// force.
    #[arg(value_name = "KEY=VALUE")]
    pub words: Vec<String>,
}
