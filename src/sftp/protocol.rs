//! `travelerUtil` and its SFTP helper, `travelerUtil-sftp`: one JSON object per line on the
//! helper's stdin (orders) and stdout (events). The helper (the `travelerutil-sftp` crate of this
//! workspace) runs the libssh2 client; `travelerUtil` keeps everything else: the store, the host key decision and its prompt, the
//! progress bar and the report.
//!
//! ```text
//! travelerUtil                                   travelerUtil-sftp --parent=PID
//!   {"order":"connect","protocol":1,...}     ->
//!                                            <-  {"event":"host-key","kind":..,"fingerprint":..}
//!   {"order":"verdict","accept":true,"password":..} ->   (the password only after acceptance)
//!                                            <-  {"event":"connected"}
//!   {"order":"upload","local":..,"remote":..} ->
//!                                            <-  {"event":"progress","done":..,"total":..} ...
//!                                            <-  {"event":"uploaded",...}
//!   (end of input)                           ->  exit 0
//! ```
//! A failure is one `{"event":"error","class":..,"message":..}` line, after which the helper
//! exits. The password travels through the pipe, never through argv or the environment (both
//! readable in /proc), and the buffers that held it are zeroized.

use super::{Class, Endpoint, HostKey, SftpError, Uploaded};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;
use zeroize::Zeroizing;

/// The helper's file name; it is looked for beside the running `travelerUtil`.
pub const HELPER: &str = "travelerUtil-sftp";

/// Bumped on any incompatible change of the messages below; a helper from another build
/// refuses a different version instead of misreading it.
pub const PROTOCOL: u32 = 1;

/// How often the helper reports progress (the bar redraws at most ten times a second).
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How long a helper gets to close its SSH session after its last order.
pub const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// A JSON line holding a password is longer than this only for absurd passwords; the buffer is
/// allocated once at this size so that it is not reallocated (leaving a copy behind) while the
/// line is written or read.
pub const LINE_CAPACITY: usize = 16 << 10;

/// What travelerUtil asks of the helper.
#[derive(Serialize, Deserialize)]
#[serde(tag = "order", rename_all = "kebab-case")]
pub enum Order {
    Connect {
        protocol: u32,
        endpoint: Endpoint,
        key: Option<PathBuf>,
    },
    Verdict {
        accept: bool,
        /// The one place besides the store where the plaintext is serialised: the pipe.
        #[serde(serialize_with = "crate::secret::plain_opt")]
        password: Option<Secret>,
    },
    Upload {
        local: PathBuf,
        remote: String,
    },
}

/// What the helper reports back.
#[derive(Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    HostKey(HostKey),
    Connected,
    Progress { done: u64, total: u64 },
    Uploaded(Uploaded),
    Error { class: Class, message: String },
}

/// A failure of the helper conversation itself.
pub fn broken(what: impl std::fmt::Display) -> SftpError {
    SftpError::Reported {
        class: Class::Protocol,
        message: format!("the SFTP helper `{HELPER}` {what}"),
    }
}

/// The next order on the helper's stdin; `None` at the end of input.
pub fn read_order(input: &mut dyn BufRead) -> Result<Option<Order>, SftpError> {
    let mut line = Zeroizing::new(String::with_capacity(LINE_CAPACITY));
    match input.read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| broken(format_args!("received an unreadable order ({e})"))),
        Err(e) => Err(broken(format_args!("cannot read its orders ({e})"))),
    }
}

/// One event on the helper's stdout.
pub fn emit(output: &mut dyn Write, event: &Event) -> Result<(), SftpError> {
    let mut line = serde_json::to_vec(event).map_err(|e| broken(format_args!("cannot encode an event ({e})")))?;
    line.push(b'\n');
    // travelerUtil gone (its end of the pipe closed): stop here.
    output
        .write_all(&line)
        .and_then(|()| output.flush())
        .map_err(|e| broken(format_args!("lost travelerUtil ({e})")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn orders_round_trip_and_keep_the_password() {
        let o = Order::Verdict {
            accept: true,
            password: Some(Secret::from("p\"w\\é")),
        };
        let line = serde_json::to_string(&o).unwrap();
        let Order::Verdict { accept, password } = serde_json::from_str(&line).unwrap() else {
            panic!("{line}")
        };
        assert!(accept);
        assert_eq!(password.unwrap().expose(), "p\"w\\é");
    }

    #[test]
    fn an_error_event_becomes_the_reported_error() {
        let line = serde_json::to_string(&Event::Error {
            class: Class::RemoteFull,
            message: "full".into(),
        })
        .unwrap();
        assert_eq!(line, r#"{"event":"error","class":"remote-full","message":"full"}"#);
    }
}
