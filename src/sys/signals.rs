//! What a catchable signal does while travelerUtil runs.
//!
//! Ctrl-C (SIGINT), a supervisor's SIGTERM, a dropped SSH session's SIGHUP and Ctrl-\ (SIGQUIT)
//! all get one handler, installed the first time something needs it. In order, it:
//!
//! 1. puts the terminal back if a password prompt has it in raw mode (its state was handed
//!    over by [`super::term`]);
//! 2. removes the files registered with [`UnlinkOnSignal`] (`unlink(2)` is async-signal-safe,
//!    POSIX.1-2017 §2.4.3);
//! 3. inside a [`Deferral`] (a long job that checks [`interrupted`] and cleans up itself), it
//!    records the signal and returns; a second signal ends the process anyway;
//! 4. otherwise it restores the default action and raises the signal again, so the parent sees
//!    the process killed by that signal, as a shell expects.
//!
//! A signal that was ignored when travelerUtil started (`nohup`, a background job of a
//! non-interactive shell) stays ignored: POSIX asks programs to keep such dispositions.

use std::ffi::CString;
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicUsize, Ordering};

/// The signals this module handles.
const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// Registered paths; a handful is all a command ever holds at once (a partial archive, a CA
/// file). Null slots are free.
const SLOTS: usize = 8;
static UNLINK: [AtomicPtr<libc::c_char>; SLOTS] = [const { AtomicPtr::new(std::ptr::null_mut()) }; SLOTS];

/// How many [`Deferral`]s are alive.
static DEFERRING: AtomicUsize = AtomicUsize::new(0);
/// The signal caught during a deferral, 0 when none.
static CAUGHT: AtomicI32 = AtomicI32::new(0);

static INSTALL: Once = Once::new();

/// The terminal's fd while a password prompt has it in raw mode (`term::Guard`), -1 otherwise.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
/// The terminal's state before the prompt: written before `TTY_FD` is set, read only while it is.
static mut SAVED: MaybeUninit<libc::termios> = MaybeUninit::uninit();

/// Until [`forget_terminal`], a signal puts the terminal `fd` back into the state `saved`.
pub(super) fn restore_terminal_on_signal(fd: libc::c_int, saved: libc::termios) {
    TTY_FD.store(-1, Ordering::SeqCst);
    // SAFETY: TTY_FD is -1, so the handler does not read SAVED while it is written; only the
    // thread at the prompt writes it.
    unsafe { (&raw mut SAVED).write(MaybeUninit::new(saved)) };
    TTY_FD.store(fd, Ordering::SeqCst);
}

/// The prompt gave the terminal back: a signal leaves it alone again.
pub(super) fn forget_terminal() {
    TTY_FD.store(-1, Ordering::SeqCst);
}

/// Puts the saved terminal state back, if a prompt has the terminal in raw mode.
fn restore_terminal() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: SAVED was fully written before TTY_FD was set and is not written while it is
        // set; tcsetattr is async-signal-safe.
        unsafe {
            libc::tcsetattr(fd, libc::TCSANOW, (&raw const SAVED).cast::<libc::termios>());
        }
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    restore_terminal();
    let deferring = DEFERRING.load(Ordering::SeqCst) > 0;
    let first = CAUGHT.swap(sig, Ordering::SeqCst) == 0;
    if deferring && first {
        // The job stops at its next check and removes its files itself (joining its threads),
        // so they are left in place here.
        return;
    }
    unlink_registered();
    // SAFETY: signal(2) and raise(2) are async-signal-safe; with the default action restored
    // the raised signal ends the process (it is unblocked again when this handler returns).
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Removes every registered file. Async-signal-safe: also called by the probe's watchdog
/// before it ends the process.
pub(super) fn unlink_registered() {
    for slot in &UNLINK {
        let p = slot.load(Ordering::SeqCst);
        if !p.is_null() {
            // SAFETY: a NUL-terminated path kept alive by its UnlinkOnSignal until the slot is
            // cleared; unlink(2) is async-signal-safe.
            unsafe { libc::unlink(p) };
        }
    }
}

/// Installs [`on_signal`] for every signal in [`SIGNALS`] that is not ignored. Idempotent.
pub fn install() {
    INSTALL.call_once(|| {
        for sig in SIGNALS {
            // SAFETY: sigaction(2) with a zeroed struct whose handler and mask are then set; the
            // handler only uses async-signal-safe calls and atomics.
            unsafe {
                let mut previous: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut previous) != 0 || previous.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                // Every handled signal is blocked while the handler runs, so two of them cannot
                // interleave their clean-up.
                for other in SIGNALS {
                    libc::sigaddset(&mut action.sa_mask, other);
                }
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
    });
}

/// A file removed by the handler if a signal ends the process while this guard lives. Dropping
/// the guard only unregisters the path; removing the file in the normal course is the owner's
/// job.
pub struct UnlinkOnSignal {
    slot: Option<usize>,
    _path: CString,
}

impl UnlinkOnSignal {
    /// Registers `path`. When all slots are taken (or the path holds a NUL byte) the guard is
    /// inert; the owner's own clean-up still runs on every path but a signal.
    #[must_use]
    pub fn new(path: &Path) -> UnlinkOnSignal {
        install();
        let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
            return UnlinkOnSignal {
                slot: None,
                _path: CString::default(),
            };
        };
        let ptr = path.as_ptr().cast_mut();
        let slot = UNLINK.iter().position(|s| {
            s.compare_exchange(std::ptr::null_mut(), ptr, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        });
        UnlinkOnSignal { slot, _path: path }
    }
}

impl Drop for UnlinkOnSignal {
    fn drop(&mut self) {
        if let Some(i) = self.slot {
            UNLINK[i].store(std::ptr::null_mut(), Ordering::SeqCst);
        }
    }
}

/// While alive, a first signal only marks the job [`interrupted`]; the job stops at its next
/// check and cleans up. A second signal ends the process (after the registered files go).
pub struct Deferral(());

impl Deferral {
    #[must_use]
    pub fn begin() -> Deferral {
        install();
        CAUGHT.store(0, Ordering::SeqCst);
        DEFERRING.fetch_add(1, Ordering::SeqCst);
        Deferral(())
    }
}

impl Drop for Deferral {
    fn drop(&mut self) {
        DEFERRING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The signal caught during a [`Deferral`], if any.
#[must_use]
pub fn interrupted() -> Option<i32> {
    match CAUGHT.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// The conventional name of a handled signal, for messages.
#[must_use]
pub fn name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        libc::SIGQUIT => "SIGQUIT",
        _ => "a signal",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_taken_and_given_back() {
        let dir = tempfile::tempdir().unwrap();
        let g = UnlinkOnSignal::new(&dir.path().join("partial"));
        let i = g.slot.unwrap();
        assert!(!UNLINK[i].load(Ordering::SeqCst).is_null());
        drop(g);
        assert!(UNLINK[i].load(Ordering::SeqCst).is_null());
    }
}
