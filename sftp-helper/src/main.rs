//! `travelerUtil-sftp`: the SFTP helper that `travelerUtil pmr` runs. It holds the SSH client
//! (libssh2, which links OpenSSL), so that `travelerUtil` itself does not load OpenSSL at every
//! start. The protocol is in `travelerutil::sftp::protocol`; this is not a command for people.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod serve;
mod ssh;

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let parent = std::env::args()
        .nth(1)
        .and_then(|a| a.strip_prefix("--parent=").and_then(|p| p.parse::<u32>().ok()));
    let Some(parent) = parent.filter(|_| !std::io::stdin().is_terminal()) else {
        eprintln!(
            "{}: the SFTP helper of travelerUtil; it is run by `travelerUtil pmr` (or `support`), not by hand",
            travelerutil::sftp::protocol::HELPER
        );
        return ExitCode::from(2);
    };
    // If travelerUtil dies (SIGKILL included), end too: an upload nobody waits for must not go
    // on. The parent check closes the race with a parent that died before prctl(2).
    if !travelerutil::sys::process::die_with_parent(parent) {
        return ExitCode::from(1);
    }
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    ExitCode::from(serve::serve(&mut input, &mut output))
}
