//! The `ssl` command group.

use crate::cli::ssl::SslCli;
use crate::cmd::{Ctx, not_implemented};
use crate::error::Failure;
use crate::exit::Exit;

pub fn run(_args: SslCli, _ctx: &mut Ctx) -> Result<Exit, Failure> {
    not_implemented("ssl")
}
