//! clap definitions of `log`: collect and clear the Traveler logs.

use clap::{Args, Subcommand};
use std::time::SystemTime;

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
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Since>,

    /// Keep at most SIZE of each file (the newest lines, at its end), e.g. 50M, 1G, 500k.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Leave out files whose name or path (relative to its directory) matches GLOB; repeatable.
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub skip: Vec<globset::Glob>,

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

/// `--since` as given (for the manifest) and the instant it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    pub text: String,
    pub at: SystemTime,
}

/// `--since`: a date (local midnight), a local date-time, an RFC 3339 instant, or an age
/// (`7d`, `12h`, `90m`, as jiff's friendly durations).
///
/// # Errors
/// The message clap shows after "invalid value".
pub fn parse_since(s: &str) -> Result<Since, String> {
    parse_since_at(s, &jiff::Zoned::now())
}

/// [`parse_since`] with "now" given (ages count back from it; dates use its time zone).
///
/// # Errors
/// As [`parse_since`].
pub fn parse_since_at(s: &str, now: &jiff::Zoned) -> Result<Since, String> {
    let tz = now.time_zone();
    let t = s.trim();
    let ts = if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        Some(ts)
    } else if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
    } else if let Ok(d) = t.parse::<jiff::civil::Date>() {
        d.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
    } else if let Ok(span) = t.parse::<jiff::Span>() {
        now.checked_sub(span).ok().map(|z| z.timestamp())
    } else {
        None
    };
    ts.map(|ts| Since {
        text: s.to_owned(),
        at: SystemTime::from(ts),
    })
    .ok_or_else(|| {
        "not a date; write 2026-11-20, 2026-11-20T08:00, 2026-11-20T08:00:00Z, or an age such as 7d or 12h".to_owned()
    })
}

/// `--skip`: a glob as ripgrep reads them (globset).
///
/// # Errors
/// The message clap shows after "invalid value".
pub fn parse_glob(s: &str) -> Result<globset::Glob, String> {
    globset::Glob::new(s).map_err(|e| e.to_string())
}

/// `--max-file-size`: bytes, or with k/M/G (powers of 1024; `KiB`/`MB` spellings accepted).
///
/// # Errors
/// The message clap shows after "invalid value".
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => 0,
    };
    match num.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)) {
        Some(n) if n > 0 => Ok(n),
        _ => Err("not a size; write e.g. 50M, 1G, 500k or a number of bytes (more than 0)".to_owned()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50M").unwrap(), 50 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("500k").unwrap(), 500 << 10);
        assert_eq!(parse_size(" 512 ").unwrap(), 512);
        assert!(parse_size("0").is_err());
        assert!(parse_size("12x").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    #[test]
    fn since_gives_the_instant_meant() {
        let now: jiff::Zoned = "2026-11-23T10:30:00+01:00[Europe/Paris]".parse().unwrap();
        let at = |s: &str| jiff::Timestamp::try_from(parse_since_at(s, &now).unwrap().at).unwrap();
        // A date is local midnight; a date-time is local; an instant is itself.
        assert_eq!(
            at("2026-11-20"),
            "2026-11-19T23:00:00Z".parse::<jiff::Timestamp>().unwrap()
        );
        assert_eq!(
            at("2026-11-20T08:00"),
            "2026-11-20T07:00:00Z".parse::<jiff::Timestamp>().unwrap()
        );
        assert_eq!(
            at("2026-11-20T08:00:00Z"),
            "2026-11-20T08:00:00Z".parse::<jiff::Timestamp>().unwrap()
        );
        // An age counts back from now.
        assert_eq!(at("7d"), "2026-11-16T09:30:00Z".parse::<jiff::Timestamp>().unwrap());
        assert_eq!(at("12h"), "2026-11-22T21:30:00Z".parse::<jiff::Timestamp>().unwrap());
        assert_eq!(parse_since_at("7d", &now).unwrap().text, "7d");
        assert!(parse_since_at("last tuesday", &now).is_err());
    }
}
