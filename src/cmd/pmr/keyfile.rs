//! The `key=` file, an SSH private key: it is used only when it belongs to the account that runs
//! travelerUtil and no other account can access it. OpenSSH ignores a private key "accessible by
//! others" (ssh(1), FILES; it warns "UNPROTECTED PRIVATE KEY FILE!"); a key another account owns
//! could be replaced by that account, so it is refused as the store is. Each refusal prints the
//! exact command that fixes it.

use crate::error::Failure;
use crate::exit::Exit;
use crate::shell::quote_word;
use crate::sys::process;
use crate::term::escape;
use std::io;
use std::os::unix::fs::MetadataExt;
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
                format!("cannot inspect key={}: {e}", escape(&path.to_string_lossy())),
            ));
        }
    };
    refusal(path, meta.uid(), meta.mode(), process::euid()).map_or(Ok(true), Err)
}

/// Why a key with this owner and mode may not be used by `me`, with the fix (pure, for tests).
fn refusal(path: &Path, owner: u32, mode: u32, me: u32) -> Option<Failure> {
    let shown = escape(&path.to_string_lossy()).into_owned();
    let quoted = quote_word(&path.to_string_lossy()).into_owned();
    if owner != me {
        let user = process::user_name(me);
        return Some(Failure::msg(
            Exit::Store,
            format!(
                "key={shown} belongs to {}, not to {user} who runs travelerUtil; another account's key \
                 file can be replaced by that account, so it is refused: {}",
                process::user_name(owner),
                escape(&format!("chown {user} {quoted}"))
            ),
        ));
    }
    if mode & 0o077 != 0 {
        return Some(Failure::msg(
            Exit::Store,
            format!(
                "key={shown} is accessible by other users (mode {:04o}); a private key must be readable \
                 by its owner only, and OpenSSH refuses it too (\"UNPROTECTED PRIVATE KEY FILE\"): {}",
                mode & 0o7777,
                escape(&format!("chmod 600 {quoted}"))
            ),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_accounts_key_is_refused_with_the_chown_and_an_open_one_with_the_chmod() {
        let p = Path::new("/keys/id ed25519");
        let e = refusal(p, 65_534, 0o100_600, 0).unwrap();
        assert_eq!(e.exit, Exit::Store);
        let msg = e.error.to_string();
        assert!(msg.ends_with(": chown root '/keys/id ed25519'"), "{msg}");
        let e = refusal(p, 0, 0o100_640, 0).unwrap();
        let msg = e.error.to_string();
        assert!(
            msg.contains("(mode 0640)") && msg.ends_with(": chmod 600 '/keys/id ed25519'"),
            "{msg}"
        );
        assert!(refusal(p, 0, 0o100_600, 0).is_none(), "root's own key, used by root");
        assert!(refusal(p, 1000, 0o100_400, 1000).is_none());
    }
}
