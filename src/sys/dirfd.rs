//! Directories held open and used through their descriptors.
//!
//! A path is resolved once, when the directory is opened; after that every child is looked
//! up, checked and removed relative to the open directory (`openat`, `fstatat`, `unlinkat`),
//! so a directory replaced by a symlink meanwhile cannot redirect the operation elsewhere. This
//! is how GNU coreutils' `rm` and `find -delete` walk a tree that others can write to.

use std::ffi::{CStr, CString, OsStr};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// An open directory.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
}

/// What `fstatat` says of an entry, without following a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub uid: u32,
    pub size: u64,
    pub mtime: i64,
}

impl Stat {
    #[must_use]
    pub fn is_dir(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFDIR
    }
    #[must_use]
    pub fn is_file(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFREG
    }
    #[must_use]
    pub fn is_symlink(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFLNK
    }
    /// The file type, for messages and for deciding what may be opened.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self.mode & libc::S_IFMT {
            libc::S_IFREG => Kind::File,
            libc::S_IFDIR => Kind::Dir,
            libc::S_IFLNK => Kind::Symlink,
            libc::S_IFIFO => Kind::Fifo,
            libc::S_IFSOCK => Kind::Socket,
            libc::S_IFCHR => Kind::CharDevice,
            libc::S_IFBLK => Kind::BlockDevice,
            _ => Kind::Other,
        }
    }
    /// The same file as `other` (device and inode).
    #[must_use]
    pub fn same_file(&self, other: &Stat) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

/// What an entry is (`st_mode & S_IFMT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl Kind {
    /// For messages: "a FIFO (named pipe)", "a socket", ...
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Dir => "a directory",
            Kind::Symlink => "a symbolic link",
            Kind::Fifo => "a FIFO (named pipe)",
            Kind::Socket => "a socket",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Other => "a special file",
        }
    }
}

/// What [`Dir::unlink_if_same`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlinked {
    /// The listed file was removed.
    Removed,
    /// Nothing of that name is there any more.
    Vanished,
    /// Another file (or a directory) has that name now: left alone.
    Changed,
}

fn cstring(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// A single path component: no `/`, not empty, not `.` or `..`.
fn component(name: &OsStr) -> io::Result<CString> {
    let b = name.as_bytes();
    if b.is_empty() || b == b"." || b == b".." || b.contains(&b'/') {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a single file name"));
    }
    cstring(name)
}

fn stat_of(st: &libc::stat) -> Stat {
    Stat {
        dev: st.st_dev,
        ino: st.st_ino,
        mode: st.st_mode,
        uid: st.st_uid,
        size: u64::try_from(st.st_size).unwrap_or(0),
        mtime: st.st_mtime,
    }
}

impl Dir {
    /// Opens the directory at `path`. With `follow == false`, a symlink as the last component
    /// is refused (`ELOOP`); earlier components are resolved as usual.
    pub fn open(path: &Path, follow: bool) -> io::Result<Dir> {
        let c = cstring(path.as_os_str())?;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        // SAFETY: a NUL-terminated path; the returned descriptor is owned by the Dir.
        let fd = unsafe {
            libc::open(
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | nofollow,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor that nothing else owns.
        Ok(Dir {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Opens the child directory `name`, never following a symlink.
    pub fn open_dir(&self, name: &OsStr) -> io::Result<Dir> {
        self.openat_dir(name, libc::O_NOFOLLOW)
    }

    /// Opens the child file `name` for reading, never following a symlink and never blocking on
    /// a FIFO (`O_NONBLOCK`, cleared again for the reads of a regular file).
    pub fn open_file(&self, name: &OsStr) -> io::Result<File> {
        self.openat_file(name, libc::O_NOFOLLOW)
    }

    /// `fstatat` of the child `name`, not following a symlink.
    pub fn stat(&self, name: &OsStr) -> io::Result<Stat> {
        let c = component(name)?;
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: valid descriptor, NUL-terminated name, and a buffer for one stat.
        let rc = unsafe {
            libc::fstatat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fstatat succeeded, so the buffer is initialised.
        Ok(stat_of(unsafe { st.assume_init_ref() }))
    }

    /// `fstat` of the directory itself.
    pub fn stat_self(&self) -> io::Result<Stat> {
        fstat(self.fd.as_raw_fd())
    }

    /// Removes the child `name` if it is still the file `expected` (device and inode), and
    /// not a directory. Nothing is removed when it changed or vanished since it was listed.
    pub fn unlink_if_same(&self, name: &OsStr, expected: &Stat) -> io::Result<Unlinked> {
        match self.stat(name) {
            Ok(now) if now.same_file(expected) && !now.is_dir() => {}
            Ok(_) => return Ok(Unlinked::Changed),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Unlinked::Vanished),
            Err(e) => return Err(e),
        }
        let c = component(name)?;
        // SAFETY: valid descriptor and NUL-terminated single component; flags 0 removes a
        // non-directory entry (a symlink itself, never its target).
        let rc = unsafe { libc::unlinkat(self.fd.as_raw_fd(), c.as_ptr(), 0) };
        if rc != 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::NotFound {
                Ok(Unlinked::Vanished)
            } else {
                Err(e)
            };
        }
        Ok(Unlinked::Removed)
    }

    /// `fstatat` of the child `name`, following a symlink (what it points to).
    pub fn stat_follow(&self, name: &OsStr) -> io::Result<Stat> {
        let c = component(name)?;
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: valid descriptor, NUL-terminated name, and a buffer for one stat.
        let rc = unsafe { libc::fstatat(self.fd.as_raw_fd(), c.as_ptr(), st.as_mut_ptr(), 0) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fstatat succeeded, so the buffer is initialised.
        Ok(stat_of(unsafe { st.assume_init_ref() }))
    }

    /// Where the child `name` leads, every symlink resolved, without opening it: the kernel
    /// resolves `/proc/self/fd/N/name` from this open directory (proc(5)), not from a path.
    pub fn resolve(&self, name: &OsStr) -> io::Result<PathBuf> {
        component(name)?;
        std::fs::canonicalize(self.proc_path().join(name))
    }

    /// The directory's own path now, as the kernel knows it (`/proc/self/fd/N`).
    pub fn real_path(&self) -> io::Result<PathBuf> {
        std::fs::read_link(self.proc_path())
    }

    fn proc_path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/self/fd/{}", self.fd.as_raw_fd()))
    }

    /// Opens the child directory `name`, following a symlink (the caller checks where it led).
    pub fn open_dir_follow(&self, name: &OsStr) -> io::Result<Dir> {
        self.openat_dir(name, 0)
    }

    fn openat_dir(&self, name: &OsStr, extra: libc::c_int) -> io::Result<Dir> {
        let c = component(name)?;
        // SAFETY: a valid directory descriptor and a NUL-terminated single component.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | extra,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor that nothing else owns.
        Ok(Dir {
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Opens the child file `name` for reading, following a symlink (the caller checks where
    /// it led, with [`real_path_of`]); never blocks on a FIFO.
    pub fn open_file_follow(&self, name: &OsStr) -> io::Result<File> {
        self.openat_file(name, 0)
    }

    fn openat_file(&self, name: &OsStr, extra: libc::c_int) -> io::Result<File> {
        let c = component(name)?;
        // SAFETY: a valid directory descriptor and a NUL-terminated single component.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY | extra,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor that nothing else owns.
        let file = unsafe { File::from_raw_fd(fd) };
        // SAFETY: fcntl on a descriptor we own; reads of a regular file then block as usual.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
        Ok(file)
    }

    /// Creates the child file `name`, which must not exist (`O_EXCL`, never through a
    /// symlink), with `mode`, open for reading and writing.
    pub fn create_new(&self, name: &OsStr, mode: u32) -> io::Result<File> {
        let c = component(name)?;
        // SAFETY: a valid directory descriptor, a NUL-terminated single component and a mode.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                mode as libc::c_uint,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fd is a fresh descriptor that nothing else owns.
        Ok(unsafe { File::from_raw_fd(fd) })
    }

    /// Renames the child `from` to `to` unless `to` exists (`ErrorKind::AlreadyExists` then).
    /// `renameat2(RENAME_NOREPLACE)`; where the file system lacks it, a hard link (which also
    /// fails on an existing name) and an unlink of the old name.
    pub fn rename_noreplace(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        let (f, t) = (component(from)?, component(to)?);
        let fd = self.fd.as_raw_fd();
        // SAFETY: valid descriptors and NUL-terminated single components.
        let rc = unsafe { libc::renameat2(fd, f.as_ptr(), fd, t.as_ptr(), libc::RENAME_NOREPLACE) };
        if rc == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(e);
        }
        // SAFETY: as above; flags 0 links the entry itself.
        if unsafe { libc::linkat(fd, f.as_ptr(), fd, t.as_ptr(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above; removes the old name of the file just linked.
        if unsafe { libc::unlinkat(fd, f.as_ptr(), 0) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// `fsync` of the directory, so a rename in it survives a crash.
    pub fn sync(&self) -> io::Result<()> {
        // SAFETY: fsync of a descriptor we own.
        if unsafe { libc::fsync(self.fd.as_raw_fd()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// The entry names of this directory, without `.` and `..`, in the order the file system
    /// gives them. Reads through a duplicate of the descriptor, so this `Dir` stays usable.
    pub fn names(&self) -> io::Result<Vec<std::ffi::OsString>> {
        // SAFETY: dup of a valid descriptor; the copy is owned by the DIR stream below.
        let fd = unsafe { libc::fcntl(self.fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fdopendir takes ownership of fd on success.
        let dirp = unsafe { libc::fdopendir(fd) };
        if dirp.is_null() {
            let e = io::Error::last_os_error();
            // SAFETY: fdopendir failed, so fd is still ours to close.
            unsafe { libc::close(fd) };
            return Err(e);
        }
        // SAFETY: the duplicate shares the file offset with the original; start from the top.
        unsafe { libc::rewinddir(dirp) };
        let mut out = Vec::new();
        let result = loop {
            // SAFETY: errno is thread-local; cleared so that end of stream is told from error.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: dirp is a valid stream until closedir below.
            let ent = unsafe { libc::readdir(dirp) };
            if ent.is_null() {
                let e = io::Error::last_os_error();
                break if e.raw_os_error() == Some(0) { Ok(()) } else { Err(e) };
            }
            // SAFETY: d_name is NUL-terminated within the dirent readdir returned.
            let name = unsafe { CStr::from_ptr((*ent).d_name.as_ptr()) }.to_bytes();
            if name != b"." && name != b".." {
                out.push(OsStr::from_bytes(name).to_os_string());
            }
        };
        // SAFETY: closes the stream and its descriptor (the duplicate).
        unsafe { libc::closedir(dirp) };
        result.map(|()| out)
    }
}

/// The path of an open file now, as the kernel knows it (`/proc/self/fd/N`, proc(5)).
pub fn real_path_of(file: &impl AsRawFd) -> io::Result<PathBuf> {
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
}

/// `fstat` of an open descriptor.
pub fn fstat(fd: std::os::fd::RawFd) -> io::Result<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: a descriptor the caller owns and a buffer for one stat.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstat succeeded.
    Ok(stat_of(unsafe { st.assume_init_ref() }))
}

/// Whether an open failed because the last component is a symbolic link that `O_NOFOLLOW`
/// refused (`ELOOP`).
#[must_use]
pub fn refused_symlink(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// A file with no name in directory `dir` (Linux `O_TMPFILE`, mode 0600): it disappears with
/// its last descriptor, even when the process is killed, so nothing is ever left behind.
/// Others may open it by `/proc/self/fd/N` while this process holds it.
pub fn anonymous_file(dir: &Path) -> io::Result<File> {
    let c = cstring(dir.as_os_str())?;
    // SAFETY: a NUL-terminated directory path; the mode applies to the unnamed inode.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC, 0o600) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn unlink_refuses_a_replaced_entry_and_a_symlinked_directory() {
        let t = tempfile::tempdir().unwrap();
        let logs = t.path().join("logs");
        std::fs::create_dir_all(logs.join("sub")).unwrap();
        std::fs::write(logs.join("sub/a.log"), "x").unwrap();
        let outside = t.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("a.log"), "keep").unwrap();

        let root = Dir::open(&logs, false).unwrap();
        let sub = root.open_dir(OsStr::new("sub")).unwrap();
        let listed = sub.stat(OsStr::new("a.log")).unwrap();
        // Replaced by another file of the same name: not removed. (Written first and renamed
        // over, so the new file cannot reuse the old inode number.)
        std::fs::write(logs.join("sub/new"), "new").unwrap();
        std::fs::rename(logs.join("sub/new"), logs.join("sub/a.log")).unwrap();
        assert_eq!(
            sub.unlink_if_same(OsStr::new("a.log"), &listed).unwrap(),
            Unlinked::Changed
        );
        let listed = sub.stat(OsStr::new("a.log")).unwrap();
        assert_eq!(
            sub.unlink_if_same(OsStr::new("a.log"), &listed).unwrap(),
            Unlinked::Removed
        );
        assert!(!logs.join("sub/a.log").exists());

        // A directory swapped for a symlink is not entered.
        std::fs::remove_dir(logs.join("sub")).unwrap();
        symlink(&outside, logs.join("sub")).unwrap();
        let e = root.open_dir(OsStr::new("sub")).unwrap_err();
        assert!(matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)), "{e}");
        // The open descriptor of the old directory still names the old (now removed) one.
        assert_eq!(
            sub.unlink_if_same(OsStr::new("a.log"), &listed).unwrap(),
            Unlinked::Vanished
        );
        assert_eq!(std::fs::read_to_string(outside.join("a.log")).unwrap(), "keep");
        assert!(root.names().unwrap().contains(&"sub".into()));
        assert!(root.open_file(OsStr::new("../outside/a.log")).is_err());
    }
}
