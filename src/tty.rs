//! Keep the admin's terminal usable when Ctrl-C interrupts a password prompt.
//!
//! rpassword turns echo, canonical mode and ISIG off, reads the password itself, and on Ctrl-C
//! calls `raise(SIGINT)` while the terminal is still in that raw state. The default action
//! kills the process before rpassword's Drop can restore the terminal. bash repairs the
//! terminal of a job killed by a signal; dash and other shells do not, which leaves the
//! session with echo off. This guard saves the terminal state first and installs a SIGINT
//! handler that restores it (`tcsetattr` is async-signal-safe, POSIX.1-2017 §2.4.3), puts the
//! default action back and re-raises, so the exit status is still "killed by SIGINT" (130).

#[cfg(unix)]
mod imp {
    use std::mem::MaybeUninit;
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The terminal's fd while a guard is active, -1 otherwise.
    static TTY_FD: AtomicI32 = AtomicI32::new(-1);
    /// Written before the handler is installed, read only by the handler.
    static mut SAVED: MaybeUninit<libc::termios> = MaybeUninit::uninit();

    extern "C" fn on_sigint(sig: libc::c_int) {
        let fd = TTY_FD.load(Ordering::SeqCst);
        // SAFETY: only async-signal-safe calls (tcsetattr, signal, raise); SAVED was fully
        // written before this handler was installed and is not written while it is.
        unsafe {
            if fd >= 0 {
                libc::tcsetattr(fd, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
            }
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    pub struct Guard {
        /// Kept open: the handler restores the terminal through this descriptor.
        _file: std::fs::File,
        previous: libc::sigaction,
    }

    impl Guard {
        /// Saves `/dev/tty`'s state and installs the handler; `None` without a terminal.
        pub fn new() -> Option<Guard> {
            use std::os::fd::AsRawFd;
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .ok()?;
            let fd = file.as_raw_fd();
            // SAFETY: tcgetattr writes a termios for a valid fd; sigaction with a zeroed,
            // then filled, struct is the documented way to install a handler.
            unsafe {
                let mut t = MaybeUninit::<libc::termios>::uninit();
                if libc::tcgetattr(fd, t.as_mut_ptr()) != 0 {
                    return None;
                }
                (&raw mut SAVED).write(t);
                TTY_FD.store(fd, Ordering::SeqCst);
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(libc::SIGINT, &action, &mut previous) != 0 {
                    TTY_FD.store(-1, Ordering::SeqCst);
                    return None;
                }
                Some(Guard { _file: file, previous })
            }
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            TTY_FD.store(-1, Ordering::SeqCst);
            // SAFETY: puts back the disposition saved in `new`.
            unsafe {
                libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    pub struct Guard;
    impl Guard {
        pub fn new() -> Option<Guard> {
            None
        }
    }
}

/// Held around a raw-mode terminal read; see the module docs.
pub use imp::Guard;
