//! Process-wide settings and facts: locale, host name, parent death, and the exit after a
//! driver was loaded.

/// Adopts the environment's `LC_CTYPE` (only that category), as `isql` and most C programs do at
/// start with `setlocale(LC_ALL, "")`. Called by the commands that load an ODBC driver, before
/// they load it: some drivers find out the client code page by switching the whole locale back
/// and forth when the program left the "C" locale in place (docs/odbc-drivers.md). Only
/// LC_CTYPE, so that no decimal comma from LC_NUMERIC reaches a driver's number formatting. A
/// locale that is not installed leaves everything as it was.
pub fn adopt_ctype_locale() {
    // SAFETY: setlocale with a valid category and a NUL-terminated string, called at the start of
    // the command, before any other thread exists (`db check` starts its probe threads later).
    unsafe { libc::setlocale(libc::LC_CTYPE, c"".as_ptr()) };
}

/// This machine's host name (`gethostname(2)`), or `None` when it cannot be read or is empty.
#[must_use]
pub fn hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer and its length are valid; gethostname NUL-terminates within it (the
    // last byte is never written as part of the name on Linux, HOST_NAME_MAX is 64).
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).into_owned();
    (!name.is_empty()).then_some(name)
}

/// Asks the kernel to kill this process when its parent dies (Linux `PR_SET_PDEATHSIG`), and
/// checks that the parent is still `parent`. `false` means the parent is already gone: the
/// caller should end, since nobody waits for it.
#[must_use]
pub fn die_with_parent(parent: u32) -> bool {
    // SAFETY: prctl with an integer option and getppid take no pointers.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        u32::try_from(libc::getppid()).ok() == Some(parent)
    }
}

/// Ends the process with `code` without running the C libraries' `atexit` handlers. Used only
/// once an ODBC driver has been loaded: drivers register exit handlers (OpenSSL's clean-up
/// among them) that free memory the kernel reclaims anyway, and a driver stuck on a dead
/// connection can hang in them. Every Rust value must be dropped and the output flushed first.
pub fn exit_skipping_atexit(code: u8) -> ! {
    // SAFETY: fflush(NULL) flushes every C stdio stream (a driver's trace file, for one);
    // _exit(2) then ends the process.
    unsafe {
        libc::fflush(std::ptr::null_mut());
        libc::_exit(i32::from(code))
    }
}

/// The effective user id of this process.
#[must_use]
pub fn euid() -> u32 {
    // SAFETY: geteuid cannot fail and takes no pointers.
    unsafe { libc::geteuid() }
}

/// The login name of user `uid` (`getpwuid_r`), or the number when it has none.
#[must_use]
pub fn user_name(uid: u32) -> String {
    let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `pwd` and `buf` (whose length is given) and sets `result`
    // to `pwd` on success or null when there is no such user.
    let rc = unsafe { libc::getpwuid_r(uid, pwd.as_mut_ptr(), buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return uid.to_string();
    }
    // SAFETY: on success pw_name points to a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr((*result).pw_name) };
    name.to_str().map_or_else(|_| uid.to_string(), str::to_owned)
}
