//! Running a check's probes within one deadline.
//!
//! One server: the probe runs on the calling thread and the per-process timer watchdog
//! (`crate::sys::timer`) ends the whole process at the deadline with a report rendered in
//! advance. A thread costs every loaded library's thread-local storage (docs/performance.md), so
//! the common one-server check starts none.
//!
//! Several servers: one probe per thread, all at once, and the calling thread waits for their
//! answers until the deadline. A probe that has not answered by then is reported as stopped by
//! the deadline; its thread is left blocked inside its driver, never joined and never called
//! again, and the process ends after the report without running any driver's exit handlers
//! (`crate::sys::process::exit_skipping_atexit`). So the time of the whole check is that of the
//! slowest single probe, bounded by the same three limits as one probe.

use super::odbc::{Failed, ProbeOutcome, ProbeRequest, probe_with};
use super::{DiagRecord, Stage};
use crate::sys::timer::{OnTimeout, Watchdog};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How far one probe got by the deadline.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Finished: connected (with every catalog read answered) or failed.
    Done(ProbeOutcome),
    /// Connected and validated, but the catalog reads had not all answered.
    Connected(ProbeOutcome),
    /// No answer at all.
    NoAnswer,
}

/// One probe on this thread under the timer watchdog. `at_deadline` is what to print if the
/// deadline passes before the connection; `when_connected` renders what to print if it passes
/// during the catalog reads, given the outcome so far.
pub fn run_one(
    req: &ProbeRequest,
    limit: Duration,
    at_deadline: OnTimeout,
    when_connected: &mut dyn FnMut(&ProbeOutcome) -> OnTimeout,
) -> ProbeOutcome {
    let start = Instant::now();
    let mut watchdog = Watchdog::arm(limit, at_deadline);
    let outcome = probe_with(req, &mut |so_far| {
        // The old timer goes first (its buffers are freed after it is deleted).
        watchdog = None;
        let left = limit.saturating_sub(start.elapsed());
        watchdog = Watchdog::arm(left, when_connected(so_far));
    });
    drop(watchdog);
    outcome
}

/// Every probe on a thread of its own; returns when all have answered or at the deadline.
pub fn run_many(reqs: Vec<ProbeRequest>, limit: Duration) -> Vec<Progress> {
    let deadline = Instant::now() + limit;
    let n = reqs.len();
    let (tx, rx) = mpsc::channel::<(usize, ProbeOutcome, bool)>();
    let mut progress = vec![Progress::NoAnswer; n];
    let mut pending = n;
    for (i, req) in reqs.into_iter().enumerate() {
        let tx = tx.clone();
        let spawned = std::thread::Builder::new().name(format!("probe-{i}")).spawn(move || {
            let early = tx.clone();
            let outcome = probe_with(&req, &mut |so_far| {
                let _ = early.send((i, so_far.clone(), false));
            });
            let _ = tx.send((i, outcome, true));
        });
        if let Err(e) = spawned {
            progress[i] = Progress::Done(no_thread(&e));
            pending -= 1;
        }
    }
    drop(tx);
    while pending > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, outcome, true)) => {
                progress[i] = Progress::Done(outcome);
                pending -= 1;
            }
            Ok((i, outcome, false)) => progress[i] = Progress::Connected(outcome),
            Err(_) => break,
        }
    }
    progress
}

fn no_thread(e: &std::io::Error) -> ProbeOutcome {
    ProbeOutcome::Failed(Failed {
        stage: Stage::Environment,
        elapsed_ms: 0.0,
        records: vec![DiagRecord {
            state: "HY001".into(),
            native: 0,
            message: format!("could not start a thread for the probe: {e}"),
        }],
    })
}

/// What the deadline leaves of a probe that did not answer: a watchdog failure.
pub fn stopped(limit: Duration) -> ProbeOutcome {
    ProbeOutcome::Failed(Failed {
        stage: Stage::Watchdog,
        elapsed_ms: limit.as_secs_f64() * 1e3,
        records: Vec::new(),
    })
}
