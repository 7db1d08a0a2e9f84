//! `travelerUtil` and its SFTP helper, `travelerUtil-sftp`: one JSON object per line on the
//! helper's stdin (orders) and stdout (events). The helper runs the libssh2 client ([`super::ssh`]);
//! `travelerUtil` keeps everything else: the store, the host key decision and its prompt, the
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

use super::{Class, Endpoint, HostKey, SftpError, Uploaded, chain, ssh};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;
use zeroize::Zeroizing;

/// The helper's file name; it is looked for beside the running `travelerUtil`.
pub const HELPER: &str = "travelerUtil-sftp";

/// Bumped on any incompatible change of the messages below; a helper from another build
/// refuses a different version instead of misreading it.
const PROTOCOL: u32 = 1;

/// How often the helper reports progress (the bar redraws at most ten times a second).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How long a helper gets to close its SSH session after its last order.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// A JSON line holding a password is longer than this only for absurd passwords; the buffer is
/// allocated once at this size so that it is not reallocated (leaving a copy behind) while the
/// line is written or read.
const LINE_CAPACITY: usize = 16 << 10;

#[derive(Serialize, Deserialize)]
#[serde(tag = "order", rename_all = "kebab-case")]
enum Order {
    Connect {
        protocol: u32,
        endpoint: Endpoint,
        key: Option<PathBuf>,
    },
    Verdict {
        accept: bool,
        password: Option<Secret>,
    },
    Upload {
        local: PathBuf,
        remote: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
enum Event {
    HostKey(HostKey),
    Connected,
    Progress { done: u64, total: u64 },
    Uploaded(Uploaded),
    Error { class: Class, message: String },
}

fn broken(what: impl std::fmt::Display) -> SftpError {
    SftpError::Reported {
        class: Class::Protocol,
        message: format!("the SFTP helper `{HELPER}` {what}"),
    }
}

// ---------------------------------------------------------------------------------------------
// travelerUtil's side

/// A running helper with an authenticated SFTP session.
pub struct Client {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

/// Where the helper is: beside the running executable (as cargo builds them, and as the
/// README installs them).
pub fn locate() -> io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name(HELPER))
}

/// Starts `program` (the helper), has it connect, shows the host key to `verify` (which returns
/// `Err` to refuse it), and only then hands over the password.
pub fn connect(
    program: &Path,
    ep: &Endpoint,
    key: Option<&Path>,
    password: Option<&Secret>,
    verify: &mut dyn FnMut(&HostKey) -> Result<(), SftpError>,
) -> Result<Client, SftpError> {
    let mut cmd = Command::new(program);
    cmd.arg(format!("--parent={}", std::process::id()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // The helper needs none of our variables, and some hold passwords (TRAVELERUTIL_*_PW).
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("TRAVELERUTIL_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd.spawn().map_err(|source| SftpError::Helper {
        path: program.display().to_string(),
        source,
    })?;
    let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(broken("started without pipes"));
    };
    let mut client = Client {
        child,
        input: Some(input),
        output: BufReader::new(output),
    };
    client.send(&Order::Connect {
        protocol: PROTOCOL,
        endpoint: ep.clone(),
        key: key.map(Path::to_path_buf),
    })?;
    let host_key = match client.next()? {
        Event::HostKey(k) => k,
        _ => return Err(broken("skipped the host key")),
    };
    if let Err(e) = verify(&host_key) {
        client.send(&Order::Verdict {
            accept: false,
            password: None,
        })?;
        return Err(e);
    }
    client.send(&Order::Verdict {
        accept: true,
        password: password.cloned(),
    })?;
    match client.next()? {
        Event::Connected => Ok(client),
        _ => Err(broken("answered out of order")),
    }
}

impl Client {
    fn send(&mut self, order: &Order) -> Result<(), SftpError> {
        let mut line = Zeroizing::new(Vec::with_capacity(LINE_CAPACITY));
        serde_json::to_writer(&mut *line, order).map_err(|e| broken(format_args!("cannot be sent an order: {e}")))?;
        line.push(b'\n');
        let Some(input) = self.input.as_mut() else {
            return Err(broken("has no input"));
        };
        if input.write_all(&line).and_then(|()| input.flush()).is_err() {
            // The helper is gone: its last words (an error event), or its exit status.
            return Err(self.next().err().unwrap_or_else(|| broken("stopped reading")));
        }
        Ok(())
    }

    /// The next event; an error event becomes the error it reports.
    fn next(&mut self) -> Result<Event, SftpError> {
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(0) | Err(_) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
                return Err(broken(format_args!("ended without an answer ({status})")));
            }
            Ok(_) => {}
        }
        match serde_json::from_str(&line) {
            Ok(Event::Error { class, message }) => Err(SftpError::Reported { class, message }),
            Ok(e) => Ok(e),
            Err(e) => Err(broken(format_args!("sent an unreadable line ({e})"))),
        }
    }

    /// Uploads `local` to `remote` (see [`ssh::Connection::upload`]); `progress(done, total)`
    /// is called as the helper reports.
    pub fn upload(
        &mut self,
        local: &Path,
        remote: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Uploaded, SftpError> {
        self.send(&Order::Upload {
            local: local.to_path_buf(),
            remote: remote.to_string(),
        })?;
        loop {
            match self.next()? {
                Event::Progress { done, total } => progress(done, total),
                Event::Uploaded(u) => return Ok(u),
                _ => return Err(broken("answered out of order")),
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // End of input: a helper between orders closes the SSH session and exits 0. One that
        // does not exit promptly is ended rather than waited for.
        drop(self.input.take());
        if !matches!(self.child.wait_timeout(CLOSE_WAIT), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// the helper's side

/// The helper's loop over `input` and `output` (its stdin and stdout). Returns its exit code:
/// 0 when the input ended normally, 1 after reporting an error.
pub fn serve(input: &mut dyn BufRead, output: &mut dyn Write) -> u8 {
    match serve_orders(input, output) {
        Ok(()) => 0,
        Err(e) => {
            let event = Event::Error {
                class: e.class(),
                message: chain(&e),
            };
            let _ = emit(output, &event);
            1
        }
    }
}

fn read_order(input: &mut dyn BufRead) -> Result<Option<Order>, SftpError> {
    let mut line = Zeroizing::new(String::with_capacity(LINE_CAPACITY));
    match input.read_line(&mut line) {
        Ok(0) => Ok(None),
        Ok(_) => serde_json::from_str(&line)
            .map(Some)
            .map_err(|e| broken(format_args!("received an unreadable order ({e})"))),
        Err(e) => Err(broken(format_args!("cannot read its orders ({e})"))),
    }
}

fn emit(output: &mut dyn Write, event: &Event) -> Result<(), SftpError> {
    let mut line = serde_json::to_vec(event).map_err(|e| broken(format_args!("cannot encode an event ({e})")))?;
    line.push(b'\n');
    // travelerUtil gone (its end of the pipe closed): stop here.
    output
        .write_all(&line)
        .and_then(|()| output.flush())
        .map_err(|e| broken(format_args!("lost travelerUtil ({e})")))
}

fn serve_orders(input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), SftpError> {
    let Some(Order::Connect {
        protocol,
        endpoint,
        key,
    }) = read_order(input)?
    else {
        return Err(broken("expected a connect order first"));
    };
    if protocol != PROTOCOL {
        return Err(broken(format_args!(
            "speaks protocol {PROTOCOL}, travelerUtil sent {protocol}: install both from the same build"
        )));
    }
    let conn = ssh::connect(&endpoint, key.as_deref(), &mut |k| {
        emit(output, &Event::HostKey(k.clone()))?;
        match read_order(input)? {
            Some(Order::Verdict { accept: true, password }) => Ok(password),
            // travelerUtil has the reason and reports it; nothing is sent to the server.
            _ => Err(SftpError::HostKey("the host key was refused".into())),
        }
    })?;
    emit(output, &Event::Connected)?;
    while let Some(order) = read_order(input)? {
        let Order::Upload { local, remote } = order else {
            return Err(broken("expected an upload order"));
        };
        let mut last: Option<Instant> = None;
        let mut failed = None;
        let uploaded = conn.upload(&local, &remote, &mut |done, total| {
            if failed.is_some() || (done < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY)) {
                return;
            }
            last = Some(Instant::now());
            failed = emit(output, &Event::Progress { done, total }).err();
        });
        if let Some(e) = failed {
            return Err(e);
        }
        emit(output, &Event::Uploaded(uploaded?))?;
    }
    Ok(())
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

    #[test]
    fn serve_refuses_another_protocol_version_and_anything_before_connect() {
        let mut out = Vec::new();
        let code = serve(
            &mut &b"{\"order\":\"upload\",\"local\":\"a\",\"remote\":\"b\"}\n"[..],
            &mut out,
        );
        assert_eq!(code, 1);
        assert!(String::from_utf8_lossy(&out).contains("expected a connect order first"));

        let ep = Endpoint {
            host: "127.0.0.1".into(),
            port: 1,
            user: "u".into(),
            connect_timeout: Duration::from_secs(1),
            io_timeout: Duration::from_secs(1),
        };
        let mut order = serde_json::to_value(Order::Connect {
            protocol: PROTOCOL,
            endpoint: ep,
            key: None,
        })
        .unwrap();
        order["protocol"] = (PROTOCOL + 1).into();
        let mut out = Vec::new();
        assert_eq!(serve(&mut format!("{order}\n").as_bytes(), &mut out), 1);
        let ev: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(ev["class"], "protocol");
        assert!(ev["message"].as_str().unwrap().contains("same build"), "{ev}");
    }
}
