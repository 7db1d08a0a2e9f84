//! The `key=` file, an SSH private key: it is used only when it belongs to the account that runs
//! travelerUtil and no other account can access it, the same rule as for the store
//! (`store::check_private`). OpenSSH ignores a private key "accessible by others" (ssh(1), FILES;
//! it warns "UNPROTECTED PRIVATE KEY FILE!"), and a key another account owns could be replaced by
//! that account. Each refusal prints the exact command that fixes it (exit 78).

use crate::error::Failure;
use crate::exit::Exit;
use crate::term::escape_path;
use std::io;
use std::path::Path;

/// Whether the key file exists; an error when it is another account's or others can access it.
/// The file is followed through symlinks, as ssh opens it.
pub(super) fn check(path: &Path) -> Result<bool, Failure> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(Failure::msg(
                Exit::Io,
                format!("cannot inspect key={}: {e}", escape_path(path)),
            ));
        }
    };
    crate::store::check_private(path, &meta, false)
        .map_err(|e| Failure::context(e, format!("key={} cannot be used", escape_path(path))))?;
    Ok(true)
}
