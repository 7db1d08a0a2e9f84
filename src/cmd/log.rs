//! The `log` command group.

use crate::cli::log::LogCli;
use crate::cmd::{Ctx, not_implemented};
use crate::error::Failure;
use crate::exit::Exit;

/// Collects the logs into an archive named for `case` and returns its path (`log collect`
/// with a case number; `pmr <number>` without files uploads the result).
pub fn collect_for_case(_ctx: &mut Ctx, _case: &str) -> Result<std::path::PathBuf, Failure> {
    not_implemented("log collect").map(|_| std::path::PathBuf::new())
}

pub fn run(_args: LogCli, _ctx: &mut Ctx) -> Result<Exit, Failure> {
    not_implemented("log")
}
