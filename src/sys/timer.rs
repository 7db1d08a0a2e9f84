//! The hard bound on a probe: a POSIX timer that ends the process at the deadline, whatever the
//! driver is doing.
//!
//! The probe runs on the calling thread. Before it starts, the caller hands over the report it
//! would print on a timeout, already rendered. A `CLOCK_MONOTONIC` timer (`timer_create`) raises
//! a real-time signal at the deadline; the handler writes that report with `write(2)` and ends
//! the process with `_exit(2)`, both async-signal-safe (POSIX.1-2017 §2.4.3): no destructors and
//! no `atexit` handlers, which a driver stuck on a dead connection could hang in. If the driver
//! runs threads of its own, whichever thread takes the signal ends the process all the same.
//! Some drivers ignore every timeout against a server that accepts TCP and never answers
//! (docs/odbc-drivers.md), so this bound is the one that holds for every driver.
//!
//! Why a timer and not a thread or a child process: docs/performance.md. A real-time signal,
//! not SIGALRM, so that no driver's own use of SIGALRM can interfere.

use std::sync::atomic::{AtomicPtr, AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

static OUT_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static OUT_LEN: AtomicUsize = AtomicUsize::new(0);
static ERR_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static ERR_LEN: AtomicUsize = AtomicUsize::new(0);
static CODE: AtomicU8 = AtomicU8::new(1);

/// What to print, and the exit code, if the deadline passes.
pub struct OnTimeout {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: u8,
}

/// An armed watchdog. Dropping it stops the timer and puts the signal's previous disposition
/// back, so that a panic in the probe cannot leave a timer armed over freed buffers.
pub struct Watchdog {
    timer: libc::timer_t,
    signal: libc::c_int,
    previous: libc::sigaction,
    // Kept alive while the handler may read them through the statics above.
    _stdout: Box<[u8]>,
    _stderr: Box<[u8]>,
}

extern "C" fn on_deadline(_sig: libc::c_int) {
    // Only loads, unlink(2), write(2) and _exit(2): async-signal-safe. `_exit` skips every
    // destructor, so the files registered for removal on a signal go first.
    super::signals::unlink_registered();
    write_all(1, OUT_PTR.load(Ordering::SeqCst), OUT_LEN.load(Ordering::SeqCst));
    write_all(2, ERR_PTR.load(Ordering::SeqCst), ERR_LEN.load(Ordering::SeqCst));
    // SAFETY: _exit ends the process at once.
    unsafe { libc::_exit(i32::from(CODE.load(Ordering::SeqCst))) }
}

fn write_all(fd: i32, mut p: *const u8, mut len: usize) {
    while len > 0 && !p.is_null() {
        // SAFETY: (p, len) describe a live boxed buffer owned by the armed watchdog.
        let n = unsafe { libc::write(fd, p.cast(), len) };
        if n <= 0 {
            return;
        }
        let n = usize::try_from(n).unwrap_or(len).min(len);
        // SAFETY: n <= len, so the pointer stays within (or one past) the buffer.
        p = unsafe { p.add(n) };
        len -= n;
    }
}

impl Watchdog {
    /// Starts the watchdog. `None` if the timer cannot be created (the probe then runs with
    /// only the driver's own timeouts and the login timeout).
    #[must_use]
    pub fn arm(limit: Duration, on_timeout: OnTimeout) -> Option<Watchdog> {
        let stdout = on_timeout.stdout.into_boxed_slice();
        let stderr = on_timeout.stderr.into_boxed_slice();
        OUT_PTR.store(stdout.as_ptr().cast_mut(), Ordering::SeqCst);
        OUT_LEN.store(stdout.len(), Ordering::SeqCst);
        ERR_PTR.store(stderr.as_ptr().cast_mut(), Ordering::SeqCst);
        ERR_LEN.store(stderr.len(), Ordering::SeqCst);
        CODE.store(on_timeout.code, Ordering::SeqCst);
        // SIGRTMIN+3: glibc reserves the first two real-time signals for itself.
        let signal = libc::SIGRTMIN() + 3;
        // SAFETY: plain libc calls with fully initialised arguments; the handler only touches
        // the statics set above.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_deadline as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, &action, &mut previous) != 0 {
                return None;
            }
            let mut sev: libc::sigevent = std::mem::zeroed();
            sev.sigev_notify = libc::SIGEV_SIGNAL;
            sev.sigev_signo = signal;
            let mut timer: libc::timer_t = std::mem::zeroed();
            if libc::timer_create(libc::CLOCK_MONOTONIC, &mut sev, &mut timer) != 0 {
                libc::sigaction(signal, &previous, std::ptr::null_mut());
                return None;
            }
            let mut spec: libc::itimerspec = std::mem::zeroed();
            spec.it_value.tv_sec = libc::time_t::try_from(limit.as_secs()).unwrap_or(libc::time_t::MAX);
            spec.it_value.tv_nsec = libc::c_long::from(limit.subsec_nanos());
            if libc::timer_settime(timer, 0, &spec, std::ptr::null_mut()) != 0 {
                libc::timer_delete(timer);
                libc::sigaction(signal, &previous, std::ptr::null_mut());
                return None;
            }
            Some(Watchdog {
                timer,
                signal,
                previous,
                _stdout: stdout,
                _stderr: stderr,
            })
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // SAFETY: the timer and the saved action come from `arm`. The timer is deleted before
        // the buffers it points at are freed (they are fields, dropped after this body).
        unsafe {
            libc::timer_delete(self.timer);
            libc::sigaction(self.signal, &self.previous, std::ptr::null_mut());
        }
        OUT_PTR.store(std::ptr::null_mut(), Ordering::SeqCst);
        OUT_LEN.store(0, Ordering::SeqCst);
        ERR_PTR.store(std::ptr::null_mut(), Ordering::SeqCst);
        ERR_LEN.store(0, Ordering::SeqCst);
    }
}
