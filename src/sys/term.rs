//! Keep the admin's terminal usable when a signal interrupts a password prompt.
//!
//! rpassword turns echo, canonical mode and ISIG off, reads the password itself, and on Ctrl-C
//! calls `raise(SIGINT)` while the terminal is still in that raw state. The default action
//! would kill the process before rpassword's Drop restores the terminal; bash repairs the
//! terminal of a job killed by a signal, but dash and other shells do not, which leaves the
//! session with echo off. A [`Guard`] saves the terminal state first and hands it to the
//! handler of [`super::signals`], which puts it back (`tcsetattr` is async-signal-safe,
//! POSIX.1-2017 §2.4.3) before the process ends by the signal, so the exit status is still
//! "killed by SIGINT".

use std::mem::MaybeUninit;

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
        let mut t = MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills a termios for a valid fd.
        if unsafe { libc::tcgetattr(fd, t.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: tcgetattr returned 0, so it wrote the whole struct.
        let saved = unsafe { t.assume_init() };
        super::signals::install();
        super::signals::restore_terminal_on_signal(fd, saved);
        Some(Guard { _file: file })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        super::signals::forget_terminal();
    }
}
