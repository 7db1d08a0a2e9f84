//! Errors of the credential store.
//!
//! Every message is a complete sentence: what is wrong, where, and what to do about it. An
//! underlying `io::Error` is exposed as the `source` (not repeated in the message) so that an
//! error-chain printer such as anyhow's `{:#}` shows it exactly once.

use std::io;
use std::path::{Path, PathBuf};

/// A failure of the pure format layer ([`super::format`]), which knows no paths.
///
/// The file layer turns these into the path-carrying [`StoreError`] variants with
/// [`FormatError::at`]; only [`FormatError::Random`] and [`FormatError::TooLarge`] reach a
/// caller of [`super::Store`] as [`StoreError::Format`].
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum FormatError {
    #[error("the key data is not a travelerutil key (wrong length or magic)")]
    KeyInvalid,
    #[error("the data is not a travelerutil store (too short or wrong magic)")]
    NotAStore,
    #[error("the store has format version {version}, but this travelerUtil only reads version 1")]
    UnsupportedVersion { version: u16 },
    #[error("the store was encrypted with a different key (key ids differ)")]
    WrongKey,
    #[error("the store failed its integrity check (AES-GCM tag mismatch): it was modified or damaged")]
    Tampered,
    #[error("the settings are too large to encrypt with AES-GCM")]
    TooLarge,
    #[error("the operating system's random number generator failed; cannot create a key or nonce")]
    Random(#[source] getrandom::Error),
}

impl FormatError {
    /// The same failure, attributed to the store file `store` and the key file `key`.
    #[must_use]
    pub fn at(self, store: &Path, key: &Path) -> StoreError {
        match self {
            FormatError::KeyInvalid => StoreError::KeyInvalid { key: key.to_path_buf() },
            FormatError::NotAStore => StoreError::NotAStore {
                path: store.to_path_buf(),
            },
            FormatError::UnsupportedVersion { version } => StoreError::UnsupportedVersion {
                path: store.to_path_buf(),
                version,
            },
            FormatError::WrongKey => StoreError::WrongKey {
                store: store.to_path_buf(),
                key: key.to_path_buf(),
            },
            FormatError::Tampered => StoreError::Tampered {
                path: store.to_path_buf(),
            },
            other @ (FormatError::TooLarge | FormatError::Random(_)) => StoreError::Format(other),
        }
    }
}

/// Everything that can go wrong reading or writing the store. The CLI maps all of it to one
/// exit code; the variants exist for messages and tests.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum StoreError {
    #[error("could not {op} {}", path.display())]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },

    #[error(
        "{} is accessible by other users (mode {mode:04o}); it holds or protects secrets, so \
         travelerUtil refuses to use it until only its owner can access it: {fix}",
        path.display()
    )]
    InsecurePermissions { path: PathBuf, mode: u32, fix: String },

    #[error(
        "{} is a symbolic link or not a regular file; travelerUtil refuses to follow it because \
         the store and its key must be plain files inside the store directory: replace it with \
         the file it points to",
        path.display()
    )]
    NotRegularFile { path: PathBuf },

    #[error(
        "the store {} exists but its key {} is missing; restore the key file from backup (the \
         store cannot be read without it), or remove the store with `rm` to start over",
        store.display(),
        key.display()
    )]
    KeyMissing { store: PathBuf, key: PathBuf },

    #[error(
        "{} is not a valid travelerutil key file (it must be exactly 56 bytes starting with \
         TRVUKEY); restore it from backup, or remove it and the store with `rm` to start over",
        key.display()
    )]
    KeyInvalid { key: PathBuf },

    #[error(
        "{} is not a travelerutil store (too short or wrong magic bytes); restore it from \
         backup, or remove it with `rm` to start over",
        path.display()
    )]
    NotAStore { path: PathBuf },

    #[error(
        "{} has store format version {version}, but this travelerUtil only reads version 1; \
         use the travelerUtil release that wrote it",
        path.display()
    )]
    UnsupportedVersion { path: PathBuf, version: u16 },

    #[error(
        "the store {} was encrypted with a different key than {}; restore the matching key \
         file from backup, or remove the store with `rm` to start over",
        store.display(),
        key.display()
    )]
    WrongKey { store: PathBuf, key: PathBuf },

    #[error(
        "{} failed its integrity check (AES-GCM tag mismatch): the file was modified or \
         damaged; restore it from backup, or remove it with `rm` to start over",
        path.display()
    )]
    Tampered { path: PathBuf },

    #[error(
        "{} decrypted correctly but its settings do not parse ({detail}); restore it from \
         backup, or remove it with `rm` to start over",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error("the settings cannot be stored ({detail}); file paths in the store must be valid UTF-8")]
    Unserializable { detail: String },

    #[error(
        "{} belongs to {owner}, not to {user} who runs travelerUtil; the account that owns it \
         can read or replace it, so travelerUtil refuses to use it \
         (as OpenSSH refuses a key file that is not the user's own): {fix}",
        path.display()
    )]
    WrongOwner {
        path: PathBuf,
        owner: String,
        user: String,
        fix: String,
    },

    #[error(
        "{} is not a directory; give --home (or TRAVELERUTIL_HOME) a directory, or remove the file",
        path.display()
    )]
    NotADirectory { path: PathBuf },

    #[error(
        "the store is busy: {holder} has held its lock ({}) for more than {waited_secs} s; \
         nothing was written. Try again when it is done, or wait longer with \
         TRAVELERUTIL_LOCK_TIMEOUT=SECONDS",
        lock.display()
    )]
    Busy {
        lock: PathBuf,
        holder: String,
        waited_secs: u64,
    },

    #[error(
        "the {section} settings changed while this command ran (another travelerUtil saved \
         them); nothing was written: run the command again"
    )]
    ChangedMeanwhile { section: &'static str },

    /// A failure of the pure format layer, which has no path to report.
    #[error(transparent)]
    Format(#[from] FormatError),
}

impl StoreError {
    /// Whether the fix is a permission or file-type change (`chmod`, replacing a symlink)
    /// rather than restoring data.
    #[must_use]
    pub fn is_permission_problem(&self) -> bool {
        matches!(
            self,
            StoreError::InsecurePermissions { .. } | StoreError::NotRegularFile { .. } | StoreError::WrongOwner { .. }
        )
    }

    /// The exact command that fixes the problem, when there is one.
    #[must_use]
    pub fn fix(&self) -> Option<&str> {
        match self {
            StoreError::InsecurePermissions { fix, .. } | StoreError::WrongOwner { fix, .. } => Some(fix),
            _ => None,
        }
    }

    pub(crate) fn io(path: &Path, op: &'static str, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            op,
            source,
        }
    }
}

/// A busy store is worth retrying (75); every other store problem is exit 78 (README, "Exit
/// codes").
impl crate::error::HasExit for StoreError {
    fn exit(&self) -> crate::exit::Exit {
        match self {
            StoreError::Busy { .. } | StoreError::ChangedMeanwhile { .. } => crate::exit::Exit::Busy,
            _ => crate::exit::Exit::Store,
        }
    }
}
