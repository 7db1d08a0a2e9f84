//! The `support` command group.

use crate::cli::support::SupportCli;
use crate::cmd::{Ctx, not_implemented};
use crate::error::Failure;
use crate::exit::Exit;

/// `name` is the spelling used (`pmr` or `support`), so messages echo the admin's word.
pub fn run(_args: SupportCli, _ctx: &mut Ctx, name: &str) -> Result<Exit, Failure> {
    not_implemented(name)
}
