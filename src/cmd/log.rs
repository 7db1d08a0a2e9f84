//! The `log` command group.

use crate::cli::log::LogCli;
use crate::cmd::{Ctx, not_implemented};
use crate::error::Failure;
use crate::exit::Exit;

pub fn run(_args: LogCli, _ctx: &mut Ctx) -> Result<Exit, Failure> {
    not_implemented("log")
}
