//! Keep the admin's terminal usable when a signal interrupts a password prompt.
//!
//! rpassword turns echo, canonical mode and ISIG off, reads the password itself, and on Ctrl-C
//! calls `raise(SIGINT)` while the terminal is still in that raw state. The default action
//! would kill the process before rpassword's Drop restores the terminal; bash repairs the
//! terminal of a job killed by a signal, but dash and other shells do not, which leaves the
//! session with echo off. A [`Guard`] saves the terminal state first; the handler of
//! [`super::signals`] puts it back (`tcsetattr` is async-signal-safe, POSIX.1-2017 §2.4.3)
//! before the process ends by the signal, so the exit status is still "killed by SIGINT".

use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicI32, Ordering};

/// The terminal's fd while a guard is active, -1 otherwise.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
/// Written before `TTY_FD` is set, read only while it is.
static mut SAVED: MaybeUninit<libc::termios> = MaybeUninit::uninit();

/// Called from the signal handler: puts the saved state back, if a guard is active.
pub(super) fn restore_from_handler() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: SAVED was fully written before TTY_FD was set and is not written while it is
        // set; tcsetattr is async-signal-safe.
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
        }
    }
}

/// Held around a raw-mode terminal read; see the module docs.
pub struct Guard {
    /// Kept open: the handler restores the terminal through this descriptor.
    _file: std::fs::File,
}

impl Guard {
    /// Saves `/dev/tty`'s state and makes sure the signal handler is installed; `None` without
    /// a terminal.
    #[must_use]
    pub fn new() -> Option<Guard> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        let fd = file.as_raw_fd();
        // SAFETY: tcgetattr fills a termios for a valid fd; it is copied into SAVED while no
        // guard is active (TTY_FD is -1), so the handler does not read it meanwhile.
        unsafe {
            let mut t = MaybeUninit::<libc::termios>::uninit();
            if libc::tcgetattr(fd, t.as_mut_ptr()) != 0 {
                return None;
            }
            (&raw mut SAVED).write(t);
        }
        super::signals::install();
        TTY_FD.store(fd, Ordering::SeqCst);
        Some(Guard { _file: file })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        TTY_FD.store(-1, Ordering::SeqCst);
    }
}
