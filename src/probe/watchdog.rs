//! The hard bound on a probe: the attempt runs on its own thread, and the caller stops waiting
//! at the deadline, whatever the driver is doing.
//!
//! A thread blocked inside a driver cannot be interrupted, so after a timeout the command
//! prints its verdict and ends the process with `_exit` ([`exit_now`]): no destructors, no
//! `atexit` handlers, which a driver stuck on a dead connection could hang in. MariaDB
//! Connector/ODBC 3.1 ignores SQL_ATTR_LOGIN_TIMEOUT against a server that accepts TCP and
//! never answers (it waited over 195 s in the lab), so this bound is the one that holds for
//! every driver.
//!
//! An earlier design ran the probe in a child process; in-process it costs one process start
//! and one driver-manager initialisation less, which is what `db check` needs to be as fast
//! as `isql` (bench/check.sh).

use super::Stage;
use super::odbc::{ProbeOutcome, ProbeRequest};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The outcome, or `None` when the deadline passed first (the probe thread is then still
/// inside the driver: finish the report and call [`exit_now`]).
pub fn run(req: ProbeRequest, limit: Duration) -> Result<ProbeOutcome, TimedOut> {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("odbc-probe".into()).spawn(move || {
        let outcome = super::odbc::probe(&req);
        let _ = tx.send(outcome);
    });
    if spawned.is_err() {
        return Ok(ProbeOutcome::Failed {
            stage: Stage::Environment,
            elapsed_ms: 0.0,
            records: vec![super::DiagRecord {
                state: "HY001".into(),
                native: 0,
                message: "cannot start the probe thread".into(),
            }],
        });
    }
    match rx.recv_timeout(limit) {
        Ok(o) => Ok(o),
        Err(_) => Err(TimedOut {
            elapsed_ms: (start.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        }),
    }
}

/// The deadline passed while the driver was still working.
#[derive(Debug, Clone, Copy)]
pub struct TimedOut {
    pub elapsed_ms: f64,
}

impl TimedOut {
    pub fn outcome(self) -> ProbeOutcome {
        ProbeOutcome::Failed {
            stage: Stage::Watchdog,
            elapsed_ms: self.elapsed_ms,
            records: Vec::new(),
        }
    }
}

/// Ends the process now with `code`, after flushing stdout and stderr: used after a watchdog
/// timeout, when a thread is stuck inside the driver.
pub fn exit_now(code: u8) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: _exit ends the process immediately; nothing after it runs.
    unsafe { libc::_exit(i32::from(code)) }
}
