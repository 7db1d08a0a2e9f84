//! The encrypted credential store: one directory holding
//!
//! * `travelerutil.store`: the settings, AES-256-GCM encrypted ([`format`]);
//! * `travelerutil.key`: the key (a separate file, so the store can be backed up or copied
//!   without the key, and a copied store alone reveals nothing);
//! * `travelerutil.lock`: the lock file serialising writers (its contents are irrelevant).
//!
//! Reads take no lock: every write replaces the store with `rename(2)`, which POSIX makes
//! atomic ("a link named new shall remain visible to other threads throughout the renaming
//! operation and refer either to the file referred to by new or old"), so a reader sees the old
//! or the new file, never a mixture. Writers take an exclusive lock on the lock file
//! ([`Store::lock`]) so that concurrent read-modify-write cycles do not lose updates. A writer
//! resolves everything it needs (prompts included) before it asks for the lock, so the lock is
//! held only for the read-modify-write itself; the wait for it is bounded, and the holder's
//! PID, written into the lock file, is what a waiter reports.
//!
//! The directory and both files must belong to the account that runs travelerUtil and be
//! private to it (no group/other permission bits); anything else is refused with the exact
//! `chown` or `chmod` command that fixes it. A command that fails leaves nothing behind: a
//! directory, lock or key file it created is removed again.

pub mod error;
pub mod format;
pub mod location;
pub mod settings;
pub mod stamp;

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

pub use error::{FormatError, StoreError};
pub use format::Key;
pub use settings::{DbSettings, Settings, SslSettings, StoreFile, SupportSettings};

/// File name of the encrypted settings inside the store directory.
pub const STORE_FILE: &str = "travelerutil.store";
/// File name of the key inside the store directory.
pub const KEY_FILE: &str = "travelerutil.key";
/// File name of the lock file inside the store directory.
pub const LOCK_FILE: &str = "travelerutil.lock";
/// Prefix of this module's temporary files. Only names with this prefix are ever removed as
/// stale, so nothing else a user keeps in the directory is touched.
pub const TEMP_PREFIX: &str = ".travelerutil.tmp-";

/// Store files are tiny (a few hundred bytes); anything beyond this is not one of ours, and
/// the cap keeps a wrong `--home` from reading a huge file into memory.
const MAX_STORE_LEN: u64 = 16 * 1024 * 1024;

/// A store directory. Cheap to create; touches the file system only in its methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    #[must_use]
    pub fn store_path(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    #[must_use]
    pub fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    #[must_use]
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_FILE)
    }

    /// Reads the settings without locking (writes are atomic renames, so a reader sees the
    /// old or the new file).
    ///
    /// `Ok(None)` when no store file exists yet (including when the directory does not exist).
    /// Permissions are checked first.
    ///
    /// # Errors
    /// [`StoreError::InsecurePermissions`] / [`StoreError::NotRegularFile`] before anything is
    /// read; [`StoreError::KeyMissing`] when the store exists without its key; the decoding
    /// errors ([`StoreError::KeyInvalid`], [`StoreError::NotAStore`],
    /// [`StoreError::UnsupportedVersion`], [`StoreError::WrongKey`], [`StoreError::Tampered`],
    /// [`StoreError::Corrupt`]); [`StoreError::Io`].
    pub fn load(&self) -> Result<Option<Settings>, StoreError> {
        if !self.inspect_dir()? {
            return Ok(None);
        }
        self.read_settings()
    }

    /// Takes the exclusive lock for a read-modify-write cycle.
    ///
    /// Creates the directory (mode 0700) and the lock file (0600) if missing; both are removed
    /// again if the [`Locked`] is dropped without a successful write. While another writer
    /// holds the lock, `wait.on_wait` is told who (once, after a short while), and after
    /// `wait.timeout` the attempt ends with [`StoreError::Busy`].
    ///
    /// # Errors
    /// [`StoreError::Busy`], [`StoreError::Io`] (cannot create the directory, open or lock the
    /// lock file), [`StoreError::NotADirectory`], [`StoreError::InsecurePermissions`] and
    /// [`StoreError::WrongOwner`] for a pre-existing directory or lock file,
    /// [`StoreError::NotRegularFile`] for a symlinked lock file.
    pub fn lock(&self, wait: LockWait<'_>) -> Result<Locked, StoreError> {
        let created_dir = !self.inspect_dir()?;
        if created_dir {
            sys::create_dir_all(&self.dir).map_err(|e| StoreError::io(&self.dir, "create the store directory", e))?;
        }
        let mut locked = Locked {
            store: self.clone(),
            lock: None,
            created_dir,
            created_lock: false,
            committed: false,
        };
        let lock_path = self.lock_path();
        let start = Instant::now();
        let mut told = false;
        let mut poll = POLL_FIRST;
        loop {
            // The lock file's contents matter only to waiters, but open(2) with O_CREAT follows
            // a symlink and would create a file wherever it points; refuse it.
            let existed = match inspect_entry(&lock_path)? {
                Some(m) if !m.file_type().is_file() => return Err(StoreError::NotRegularFile { path: lock_path }),
                Some(m) => {
                    check_private(&lock_path, &m, false)?;
                    true
                }
                None => false,
            };
            let file =
                sys::open_lock_file(&lock_path).map_err(|e| StoreError::io(&lock_path, "open the lock file", e))?;
            locked.created_lock |= !existed;
            // `File::try_lock` is flock(2) on Linux: the lock belongs to this open file
            // description, so it excludes other processes and other threads with their own
            // handle, and the kernel releases it when the process dies (no stale lock).
            match file.try_lock() {
                Ok(()) => {
                    // A writer that failed removes a lock file it created, while holding the
                    // lock; whoever waited on that file's old inode must start over on the new.
                    if same_inode(&file, &lock_path) {
                        locked.lock = Some(file);
                        break;
                    }
                    continue;
                }
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(StoreError::io(&lock_path, "lock", e)),
            }
            let waited = start.elapsed();
            if waited >= wait.timeout {
                return Err(StoreError::Busy {
                    lock: lock_path.clone(),
                    holder: read_holder(&file),
                    waited_secs: wait.timeout.as_secs(),
                });
            }
            if !told && waited >= TELL_AFTER {
                (wait.on_wait)(&read_holder(&file));
                told = true;
            }
            std::thread::sleep(poll.min(wait.timeout.saturating_sub(waited)));
            poll = (poll * 2).min(POLL_MAX);
        }
        if let Some(file) = locked.lock.as_mut() {
            write_holder(file, wait.holder);
        }
        Ok(locked)
    }

    /// Whether the directory exists; checks that it is a directory private to its owner.
    fn inspect_dir(&self) -> Result<bool, StoreError> {
        // `metadata` (not `symlink_metadata`): a symlinked store directory is a legitimate
        // setup, and what protects the files is the mode of the directory it points to.
        let meta = match fs::metadata(&self.dir) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(StoreError::io(&self.dir, "inspect the store directory", e)),
        };
        if !meta.is_dir() {
            return Err(StoreError::NotADirectory { path: self.dir.clone() });
        }
        check_private(&self.dir, &meta, true)?;
        Ok(true)
    }

    /// Checks the store and key files (symlinks, permissions); returns which exist.
    fn inspect_files(&self) -> Result<(bool, bool), StoreError> {
        let store = inspect_file(&self.store_path())?.is_some();
        let key = inspect_file(&self.key_path())?.is_some();
        Ok((store, key))
    }

    /// Reads and decrypts the store; the directory has been checked.
    fn read_settings(&self) -> Result<Option<Settings>, StoreError> {
        let (store_exists, key_exists) = self.inspect_files()?;
        if !store_exists {
            return Ok(None);
        }
        if !key_exists {
            return Err(self.key_missing());
        }
        let key = self.read_key()?;
        self.decrypt_with(&key).map(Some)
    }

    fn decrypt_with(&self, key: &Key) -> Result<Settings, StoreError> {
        let store_path = self.store_path();
        let bytes = read_store_bytes(&store_path)?;
        let plaintext = format::decode(key, &bytes).map_err(|e| self.attribute(e))?;
        Settings::from_plaintext(&plaintext).map_err(|detail| StoreError::Corrupt {
            path: store_path,
            detail,
        })
    }

    fn read_key(&self) -> Result<Key, StoreError> {
        let path = self.key_path();
        let mut file = open_checked(&path)?;
        // One byte more than a key file so that an over-long file is detected, and capacity
        // for all of it up front: growing the Vec would leave a key copy in freed memory.
        let limit = format::KEY_FILE_LEN + 1;
        let mut buf = Zeroizing::new(Vec::with_capacity(limit));
        (&mut file)
            .take(limit as u64)
            .read_to_end(&mut buf)
            .map_err(|e| StoreError::io(&path, "read", e))?;
        Key::from_file_bytes(&buf).map_err(|e| self.attribute(e))
    }

    /// Creates a new key file atomically (only when neither store nor key exists).
    fn create_key(&self) -> Result<Key, StoreError> {
        let key = Key::generate()?;
        // No-clobber: a key must never replace another key, or every store encrypted with
        // the old one would become unreadable. We hold the lock, so this only trips if
        // something outside travelerUtil created the file meanwhile.
        atomic_write(&self.dir, &self.key_path(), &key.to_file_bytes(), false)?;
        Ok(key)
    }

    fn key_missing(&self) -> StoreError {
        StoreError::KeyMissing {
            store: self.store_path(),
            key: self.key_path(),
        }
    }

    /// Gives a path-less format error the store and key paths.
    fn attribute(&self, e: StoreError) -> StoreError {
        match e {
            StoreError::Format(f) => f.at(&self.store_path(), &self.key_path()),
            other => other,
        }
    }

    fn remove_stale_temp_files(&self) -> Result<(), StoreError> {
        let entries = fs::read_dir(&self.dir).map_err(|e| StoreError::io(&self.dir, "list", e))?;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io(&self.dir, "list", e))?;
            let is_ours = entry.file_name().to_str().is_some_and(|n| n.starts_with(TEMP_PREFIX));
            // `file_type` does not follow symlinks; a directory with our prefix is not ours.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_ours && !is_dir {
                let path = entry.path();
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(StoreError::io(&path, "remove the stale temporary file", e));
                    }
                }
            }
        }
        Ok(())
    }
}

/// How long [`Store::lock`] waits, who this writer is, and how to tell the admin about a wait.
pub struct LockWait<'a> {
    pub timeout: Duration,
    /// Written into the lock file for waiters: the command, e.g. `db set`. Never argv, which may
    /// hold a password.
    pub holder: &'a str,
    /// Called once when the wait lasts, with the holder's description.
    pub on_wait: &'a mut dyn FnMut(&str),
}

/// The default bound on the wait for the lock.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// A wait shorter than this is not worth a message.
const TELL_AFTER: Duration = Duration::from_millis(500);
/// The polling interval starts short (a writer holds the lock for milliseconds) and backs off.
const POLL_FIRST: Duration = Duration::from_millis(2);
const POLL_MAX: Duration = Duration::from_millis(50);

/// The exclusive write lock on a store, held until dropped. Dropped without a successful
/// [`Locked::write`], it removes the lock file and the directory it created itself.
#[derive(Debug)]
pub struct Locked {
    store: Store,
    lock: Option<File>,
    created_dir: bool,
    created_lock: bool,
    committed: bool,
}

impl Drop for Locked {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Still holding the lock: waiters re-check the inode after locking (see `lock`).
        if self.created_lock {
            let _ = fs::remove_file(self.store.lock_path());
        }
        if self.created_dir {
            // Only an empty directory goes: anything else in it is not ours to remove.
            let _ = fs::remove_dir(&self.store.dir);
        }
    }
}

impl Locked {
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Reads the settings under the lock; same results as [`Store::load`].
    ///
    /// # Errors
    /// As [`Store::load`].
    pub fn read(&self) -> Result<Option<Settings>, StoreError> {
        self.store.inspect_dir()?;
        self.store.read_settings()
    }

    /// Replaces the stored settings atomically (through [`Locked::write`]).
    ///
    /// When neither the store nor the key exists, a new key file is created first (atomically,
    /// mode 0600). The store is then written to a 0600 temporary file in the same directory,
    /// fsynced, renamed over `travelerutil.store`, and the directory is fsynced. A crash at any
    /// point leaves either the old store or the new one.
    ///
    /// An existing store that cannot be read with the current key is never overwritten: its
    /// contents may still be recoverable with the right key (restored from backup), so the
    /// error is reported and the user decides (e.g. removes the store to start over).
    ///
    /// # Errors
    /// [`StoreError::KeyMissing`] (store exists, key does not; nothing is written), every
    /// error of [`Locked::read`] for the existing store, [`StoreError::Io`].
    fn write_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        let store = &self.store;
        store.inspect_dir()?;
        let (store_exists, key_exists) = store.inspect_files()?;
        let key = match (store_exists, key_exists) {
            (true, false) => return Err(store.key_missing()),
            (false, false) => store.create_key()?,
            (_, true) => store.read_key()?,
        };
        if store_exists {
            store.decrypt_with(&key)?;
        }

        let store_path = store.store_path();
        let plaintext = settings
            .to_plaintext()
            .map_err(|e| StoreError::Unserializable { detail: e.to_string() })?;
        let bytes = format::encode(&key, &plaintext)?;
        atomic_write(&store.dir, &store_path, &bytes, true)
    }

    /// [`Locked::write_settings`], and on any failure removes a key file it created, so that a
    /// failed first write leaves nothing behind.
    pub fn write(&mut self, settings: &Settings) -> Result<(), StoreError> {
        let key_existed = self.store.key_path().exists();
        // Holding the lock, no other writer is between "create temp" and "rename", so any file
        // with our prefix is debris from a crash.
        self.store.remove_stale_temp_files()?;
        match self.write_settings(settings) {
            Ok(()) => {
                self.committed = true;
                Ok(())
            }
            Err(e) => {
                if !key_existed && !self.store.store_path().exists() {
                    let _ = fs::remove_file(self.store.key_path());
                }
                Err(e)
            }
        }
    }
}

/// Whether `file` is still the file named `path` (device and inode).
fn same_inode(file: &File, path: &Path) -> bool {
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Who holds the lock, as its holder wrote it into the lock file (see [`write_holder`]).
fn read_holder(file: &File) -> String {
    let mut buf = [0u8; 256];
    let n = std::os::unix::fs::FileExt::read_at(file, &mut buf, 0).unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]);
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .map(|v| crate::term::escape(v.trim()).into_owned())
    };
    match (field("pid="), field("command=")) {
        (Some(pid), Some(cmd)) => format!("travelerUtil {cmd} (pid {pid})"),
        (Some(pid), None) => format!("pid {pid}"),
        _ => "another travelerUtil".to_owned(),
    }
}

/// Records this process as the holder, for waiters (best effort: the lock works without it).
fn write_holder(file: &mut File, holder: &str) {
    let text = format!("pid={}\ncommand={holder}\n", std::process::id());
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = file.write_all(text.as_bytes());
}

/// `Some(metadata)` of a directory entry without following symlinks, `None` when absent.
fn inspect_entry(path: &Path) -> Result<Option<Metadata>, StoreError> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(path, "inspect", e)),
    }
}

/// Checks a store or key file: a regular file (not a symlink: `symlink_metadata`), private to
/// its owner. `None` when absent.
fn inspect_file(path: &Path) -> Result<Option<Metadata>, StoreError> {
    let Some(meta) = inspect_entry(path)? else {
        return Ok(None);
    };
    if !meta.file_type().is_file() {
        return Err(StoreError::NotRegularFile {
            path: path.to_path_buf(),
        });
    }
    check_private(path, &meta, false)?;
    Ok(Some(meta))
}

/// Opens a file for reading and re-checks the opened file itself (fstat), so the checks apply
/// to exactly what is read even if the name was replaced after `inspect_file`.
fn open_checked(path: &Path) -> Result<File, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, "open", e))?;
    let meta = file.metadata().map_err(|e| StoreError::io(path, "inspect", e))?;
    if !meta.is_file() {
        return Err(StoreError::NotRegularFile {
            path: path.to_path_buf(),
        });
    }
    check_private(path, &meta, false)?;
    Ok(file)
}

fn read_store_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    let mut file = open_checked(path)?;
    let mut bytes = Vec::new();
    (&mut file)
        .take(MAX_STORE_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::io(path, "read", e))?;
    if bytes.len() as u64 > MAX_STORE_LEN {
        return Err(StoreError::NotAStore {
            path: path.to_path_buf(),
        });
    }
    Ok(bytes)
}

/// Refuses a file or directory that holds secrets when another account owns it, or with any
/// group/other permission bit set, naming the exact `chown` or `chmod` that fixes it. The store,
/// its key and directory, and an SSH private key (`pmr set key=`) are checked by this one rule.
pub fn check_private(path: &Path, meta: &Metadata, is_dir: bool) -> Result<(), StoreError> {
    let me = crate::sys::process::euid();
    if meta.uid() != me {
        let user = crate::sys::process::user_name(me);
        return Err(StoreError::WrongOwner {
            path: path.to_path_buf(),
            owner: crate::sys::process::user_name(meta.uid()),
            fix: format!("chown {user} {}", shell_quote(path)),
            user,
        });
    }
    let Some(mode) = sys::mode(meta) else {
        return Ok(());
    };
    if mode & 0o077 == 0 {
        return Ok(());
    }
    let fix = format!("chmod {} {}", if is_dir { "700" } else { "600" }, shell_quote(path));
    Err(StoreError::InsecurePermissions {
        path: path.to_path_buf(),
        mode,
        fix,
    })
}

/// POSIX shell single-quoting: everything between single quotes is literal; a single quote
/// itself is written as `'\''` (close, escaped quote, reopen).
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', r"'\''"))
}

/// Writes `bytes` to `target` so that a crash leaves either the old file or the new one.
///
/// 1. create a 0600 temporary file in the same directory (rename is only atomic within one
///    file system);
/// 2. write and `fsync` it: POSIX `rename` says nothing about data durability, and without
///    the fsync a crash can leave the new name pointing at an empty or partial file
///    (the classic ext4 delayed-allocation zero-length-file problem);
/// 3. rename it over `target` (atomic replacement, POSIX `rename(2)`), or for `overwrite ==
///    false` link it into place only if `target` does not exist;
/// 4. `fsync` the directory, which is what makes the rename itself durable (POSIX `fsync` on
///    the file does not cover the directory entry).
///
/// If any step fails the temporary file is removed by `NamedTempFile`'s drop.
fn atomic_write(dir: &Path, target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), StoreError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    sys::private_file_permissions(&mut builder);
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| StoreError::io(dir, "create a temporary file in", e))?;
    let tmp_path = tmp.path().to_path_buf();
    tmp.write_all(bytes)
        .map_err(|e| StoreError::io(&tmp_path, "write", e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| StoreError::io(&tmp_path, "fsync", e))?;
    let persisted = if overwrite {
        tmp.persist(target)
    } else {
        tmp.persist_noclobber(target)
    };
    persisted.map_err(|e| StoreError::io(target, "replace", e.error))?;
    sys::sync_dir(dir).map_err(|e| StoreError::io(dir, "fsync the directory", e))
}

/// Platform specifics. travelerUtil's supported platform is Linux; elsewhere the mode checks
/// are skipped (Windows protects files with ACLs, which this module does not inspect).
#[cfg(unix)]
mod sys {
    use std::fs::{self, File, Metadata, OpenOptions};
    use std::io;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    pub(super) fn mode(meta: &Metadata) -> Option<u32> {
        Some(meta.permissions().mode() & 0o7777)
    }

    pub(super) fn create_dir_all(dir: &Path) -> io::Result<()> {
        // The mode applies at creation (before any file exists in the directory), so there is
        // no window in which the directory is open to others. An existing directory keeps its
        // mode and is checked afterwards.
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }

    pub(super) fn open_lock_file(path: &Path) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
    }

    pub(super) fn private_file_permissions(builder: &mut tempfile::Builder<'_, '_>) {
        // Passed to open(2) itself, so the file is never readable by others, not even
        // between creation and a later chmod.
        builder.permissions(fs::Permissions::from_mode(0o600));
    }

    pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
}

#[cfg(not(unix))]
mod sys {
    use std::fs::{self, File, Metadata, OpenOptions};
    use std::io;
    use std::path::Path;

    pub(super) fn mode(_meta: &Metadata) -> Option<u32> {
        None
    }

    pub(super) fn create_dir_all(dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    pub(super) fn open_lock_file(path: &Path) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    }

    pub(super) fn private_file_permissions(_builder: &mut tempfile::Builder<'_, '_>) {}

    pub(super) fn sync_dir(_dir: &Path) -> io::Result<()> {
        // Directories cannot be opened as files here; the rename is as durable as the
        // platform makes it.
        Ok(())
    }
}
