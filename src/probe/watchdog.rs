//! The hard bound on a probe: the attempt runs in a child process (`travelerUtil __probe`) that
//! is killed at the deadline, whatever the driver is doing.
//!
//! Why a process and not a thread: a driver blocked in a read cannot be interrupted from
//! another thread, and some drivers register `atexit` handlers that hang at exit. MariaDB
//! Connector/ODBC 3.1 ignores SQL_ATTR_LOGIN_TIMEOUT against a server that accepts TCP and never
//! answers (it waited over 195 s in the lab); psqlODBC and FreeTDS honour it. Killing a child is
//! the one bound that holds for every driver, and the parent stays free to report (and, in a
//! batch, to go on).
//!
//! The connection string (with the password) goes to the child on stdin, never in argv, where
//! `ps` would show it.

use super::odbc::{ProbeOutcome, ProbeRequest};
use super::{DiagRecord, Stage};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// The hidden subcommand the child runs.
pub const CHILD_ARG: &str = "__probe";

#[derive(Debug, thiserror::Error)]
pub enum WatchdogError {
    #[error("cannot start the probe process {exe}")]
    Spawn {
        exe: String,
        #[source]
        source: std::io::Error,
    },
    #[error("talking to the probe process")]
    Pipe(#[source] std::io::Error),
}

/// Runs `req` in a child of `exe`, killed after `limit`. `env` is added to the child's
/// environment (e.g. `DB2_MAX_CLIENT_CONNRETRIES=0`).
pub fn run(
    exe: &std::path::Path,
    req: &ProbeRequest,
    limit: Duration,
    env: &[(&str, &str)],
) -> Result<(ProbeOutcome, String), WatchdogError> {
    let start = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.arg(CHILD_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().map_err(|source| WatchdogError::Spawn {
        exe: exe.display().to_string(),
        source,
    })?;
    // The request is small; write it and close stdin so the child sees EOF.
    let body = zeroize::Zeroizing::new(serde_json::to_vec(req).map_err(|e| WatchdogError::Pipe(e.into()))?);
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&body).map_err(WatchdogError::Pipe)?;
    }
    // Drain stdout and stderr on threads so a chatty driver cannot block on a full pipe.
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let status = child.wait_timeout(limit).map_err(WatchdogError::Pipe)?;
    let Some(status) = status else {
        // Deadline: SIGKILL, then reap. Whatever the driver was doing ends here.
        let _ = child.kill();
        let _ = child.wait();
        let elapsed_ms = (start.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        return Ok((
            ProbeOutcome::Failed {
                stage: Stage::Watchdog,
                elapsed_ms,
                records: Vec::new(),
            },
            String::new(),
        ));
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr).trim().to_string();
    match serde_json::from_slice::<ProbeOutcome>(&stdout) {
        Ok(o) => Ok((o, stderr)),
        Err(_) => {
            // The child died without an answer: a driver crash (a segfault in a vendor library
            // is not unheard of). Report it as such, with whatever it printed.
            let how = match (status.code(), status_signal(&status)) {
                (Some(c), _) => format!("exited with status {c}"),
                (None, Some(s)) => format!("was killed by signal {s}"),
                (None, None) => "ended abnormally".to_string(),
            };
            let elapsed_ms = (start.elapsed().as_secs_f64() * 1e6).round() / 1e3;
            let message = if stderr.is_empty() {
                format!("the probe process {how} without a result (the ODBC driver crashed?)")
            } else {
                format!("the probe process {how} without a result: {stderr}")
            };
            Ok((
                ProbeOutcome::Failed {
                    stage: Stage::Connect,
                    elapsed_ms,
                    records: vec![DiagRecord {
                        state: "HY000".into(),
                        native: 0,
                        message,
                    }],
                },
                String::new(),
            ))
        }
    }
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

#[cfg(unix)]
fn status_signal(s: &std::process::ExitStatus) -> Option<i32> {
    std::os::unix::process::ExitStatusExt::signal(s)
}

#[cfg(not(unix))]
fn status_signal(_: &std::process::ExitStatus) -> Option<i32> {
    None
}

/// The child's side: read the request from stdin, probe, print the outcome as JSON.
pub fn child_main() -> std::io::Result<()> {
    let mut input = zeroize::Zeroizing::new(Vec::new());
    std::io::stdin().read_to_end(&mut input)?;
    let req: ProbeRequest = serde_json::from_slice(&input).map_err(std::io::Error::other)?;
    let outcome = super::odbc::probe(&req);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &outcome).map_err(std::io::Error::other)?;
    out.flush()
}
