//! What goes into a bundle: where the data directory is, which files, which are skipped and
//! why, and the names the files get in the archive. Prints nothing; the walk itself is in
//! [`super::tree`].

use super::ArchiveError;
use super::redact::Redactor;
use super::source::{Root, Source};
use super::zipout;
use crate::term::escape::{escape, escape_path};
use globset::GlobSet;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// `<data>/IBM_TECHNICAL_SUPPORT/traveler/logs` (HCL "Usage logging": "All of the logs are
/// located in <Domino data root>\IBM_TECHNICAL_SUPPORT\traveler\logs").
pub const LOGS_SUBDIR: [&str; 3] = ["IBM_TECHNICAL_SUPPORT", "traveler", "logs"];
/// The default Domino data directory on Linux.
pub const DEFAULT_DATA_DIR: &str = "/local/notesdata";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataDirSource {
    /// `--data-dir` or `TRAVELERUTIL_DATA_DIR`
    Option,
    /// `Directory=` in ./notes.ini
    NotesIni,
    /// `/local/notesdata`
    Default,
}

impl DataDirSource {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            DataDirSource::Option => "--data-dir / TRAVELERUTIL_DATA_DIR",
            DataDirSource::NotesIni => "Directory= in ./notes.ini",
            DataDirSource::Default => "the default",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DataDir {
    pub path: PathBuf,
    pub source: DataDirSource,
    /// Each step looked at, for the error message when the logs are not found.
    pub tried: Vec<String>,
}

impl DataDir {
    #[must_use]
    pub fn logs_dir(&self) -> PathBuf {
        LOGS_SUBDIR.iter().fold(self.path.clone(), |p, s| p.join(s))
    }
}

/// `--data-dir` / `TRAVELERUTIL_DATA_DIR` (already merged into `option`), then `Directory=` in
/// `cwd/notes.ini`, then `/local/notesdata`.
#[must_use]
pub fn resolve_data_dir(option: Option<&Path>, cwd: &Path) -> DataDir {
    let mut tried = Vec::new();
    if let Some(d) = option {
        return DataDir {
            path: d.to_path_buf(),
            source: DataDirSource::Option,
            tried: vec![format!("{} (from --data-dir / TRAVELERUTIL_DATA_DIR)", d.display())],
        };
    }
    tried.push("--data-dir / TRAVELERUTIL_DATA_DIR: not given".to_owned());
    let ini = cwd.join("notes.ini");
    match std::fs::read(&ini) {
        Ok(bytes) => match super::notesini::value(&bytes, "Directory") {
            Some(d) => {
                let p = cwd.join(d);
                tried.push(format!("{} (Directory= in {})", p.display(), ini.display()));
                return DataDir {
                    path: p,
                    source: DataDirSource::NotesIni,
                    tried,
                };
            }
            None => tried.push(format!("{}: no Directory= line", ini.display())),
        },
        Err(_) => tried.push(format!("{}: not found", ini.display())),
    }
    tried.push(format!("{DEFAULT_DATA_DIR} (the default)"));
    DataDir {
        path: PathBuf::from(DEFAULT_DATA_DIR),
        source: DataDirSource::Default,
        tried,
    }
}

/// The data directory, and the logs directory opened once.
#[derive(Debug)]
pub struct Located {
    pub data: DataDir,
    /// The data directory opened once (for `notes.ini` and `traveler/cfg`), if it opens.
    pub data_root: Option<Root>,
    pub logs: Root,
    /// The logs directory as shown: its real path when a symlink made them differ.
    pub logs_shown: PathBuf,
}

/// Finds and opens the logs directory (following symlinks once: `logs.via_symlink` says
/// whether one was on the way) and the data directory.
///
/// # Errors
/// [`ArchiveError::NoLogsDir`] naming every place looked at (escaped for the terminal).
pub fn locate(option: Option<&Path>, cwd: &Path) -> Result<Located, ArchiveError> {
    let data = resolve_data_dir(option, cwd);
    let logs_path = data.logs_dir();
    let logs = Root::open(&logs_path).map_err(|e| {
        let mut tried = data.tried.clone();
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "not found".to_owned()
        } else {
            e.to_string()
        };
        tried.push(format!("{} (the logs directory): {why}", logs_path.display()));
        ArchiveError::NoLogsDir {
            logs: escape_path(&logs_path),
            tried: tried.iter().map(|t| escape(t).into_owned()).collect(),
        }
    })?;
    let logs_shown = if logs.via_symlink.is_some() {
        logs.real.clone()
    } else {
        logs_path
    };
    let data_root = Root::open(&data.path).ok();
    Ok(Located {
        data,
        data_root,
        logs,
        logs_shown,
    })
}

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A log or config file: redacted when it turns out to be text, deflated.
    Log,
    /// Already compressed (rotated `.zip` logs, `.gz`): stored as they are, never redacted.
    Compressed,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The name inside the archive as found (`/`-separated bytes, before [`Plan::settle_names`]).
    pub raw_name: Vec<u8>,
    /// The name inside the archive: portable, secrets masked, unique ([`Plan::settle_names`]).
    pub name: String,
    /// The path shown in messages and the manifest (secrets masked by [`Plan::settle_names`]).
    pub shown: String,
    pub source: Source,
    /// Size when planned (the snapshot is taken again when the file is opened).
    pub size: u64,
    pub mtime: SystemTime,
    pub kind: Kind,
}

/// A file left out, and why (the manifest's `skipped` list, and a line on stderr).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

impl Skipped {
    #[must_use]
    pub fn new(path: &Path, reason: String) -> Skipped {
        Skipped {
            path: path.to_string_lossy().into_owned(),
            reason,
        }
    }
}

#[derive(Debug, Default)]
pub struct Plan {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
}

impl Plan {
    /// Gives every entry its archive name: secrets masked first (on the raw bytes), then made
    /// portable ([`zipout::portable_name`]), then made unique: two names that differ only by
    /// a masked secret or an escaped byte get `~2`, `~3` before the extension, never a
    /// duplicate entry. Shown paths and skip reasons are masked too.
    pub fn settle_names(&mut self, redactor: &Redactor) {
        let mut taken = std::collections::HashSet::new();
        for e in &mut self.entries {
            let masked = redactor.redact_bytes(&e.raw_name);
            let base = zipout::portable_name(&masked);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = numbered(&base, n);
                n += 1;
            }
            e.name = name;
            e.shown = redactor.redact_name(&e.shown);
        }
        for s in &mut self.skipped {
            s.path = redactor.redact_name(&s.path);
            s.reason = redactor.redact_str(&s.reason);
        }
    }

    /// Bytes that would be read, with `--max-file-size` applied.
    #[must_use]
    pub fn total(&self, max_file_size: Option<u64>) -> u64 {
        self.entries
            .iter()
            .map(|e| max_file_size.map_or(e.size, |m| e.size.min(m)))
            .sum()
    }
}

/// `dir/name.ext` → `dir/name~n.ext` (the extension kept, so the entry still opens by type).
fn numbered(name: &str, n: u32) -> String {
    let file_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[file_start..].rfind('.') {
        Some(dot) if dot > 0 => {
            let at = file_start + dot;
            format!("{}~{n}{}", &name[..at], &name[at..])
        }
        _ => format!("{name}~{n}"),
    }
}

pub struct Filters<'a> {
    pub since: Option<SystemTime>,
    pub skip: Option<&'a GlobSet>,
}

/// True for names this tool gives its own bundles (`[<case>.]traveler.<host>.<stamp>[-N].zip`,
/// with `.sha256` and `.partial` companions): never collected again, kept by `log clear`.
#[must_use]
pub fn is_bundle_name(name: &str) -> bool {
    let base = name
        .strip_suffix(".sha256")
        .or_else(|| name.strip_suffix(".partial"))
        .unwrap_or(name);
    let Some(stem) = base.strip_suffix(".zip") else {
        return false;
    };
    // A second bundle within the same second gets `-2`, `-3`, ... after the stamp.
    let stem = match stem.rsplit_once('-') {
        Some((head, n))
            if !n.is_empty()
                && n.len() <= 3
                && n.bytes().all(|b| b.is_ascii_digit())
                && head.len() > 16
                && head.as_bytes()[head.len() - 7] == b'-' =>
        {
            head
        }
        _ => stem,
    };
    let stamp_ok = stem.len() > 16 && {
        let s = &stem.as_bytes()[stem.len() - 16..];
        s[0] == b'.' && s[9] == b'-' && s[1..9].iter().all(u8::is_ascii_digit) && s[10..].iter().all(u8::is_ascii_digit)
    };
    stamp_ok && (stem.starts_with("traveler.") || stem.contains(".traveler."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names() {
        assert!(is_bundle_name("traveler.host.example.com.20261123-041500.zip"));
        assert!(is_bundle_name("traveler.host.example.com.20261123-041500-2.zip"));
        assert!(is_bundle_name("traveler.h.20261123-041500-12.zip.sha256"));
        assert!(!is_bundle_name("traveler.h.20261123-041500-.zip"));
        assert!(!is_bundle_name("traveler.h.20261123-041500-1234.zip"));
        assert!(is_bundle_name("CS1234567.traveler.h.20261123-041500.zip"));
        assert!(is_bundle_name("CS1234567.traveler.h.20261123-041500.zip.sha256"));
        assert!(is_bundle_name("traveler.h.20261123-041500.zip.partial"));
        assert!(!is_bundle_name("NTSErrors_2026.11.23_04.15.00.zip"));
        assert!(!is_bundle_name("traveler.h.2026112-041500.zip"));
    }

    #[test]
    fn data_dir_order() {
        let t = std::env::temp_dir();
        let d = resolve_data_dir(Some(Path::new("/x")), &t);
        assert_eq!((d.path, d.source), (PathBuf::from("/x"), DataDirSource::Option));
        let dir = tempfile::tempdir().unwrap_or_else(|_| std::process::abort());
        let d = resolve_data_dir(None, dir.path());
        assert_eq!(d.source, DataDirSource::Default);
        let _ = std::fs::write(dir.path().join("notes.ini"), "[Notes]\nDirectory=/srv/notesdata\n");
        let d = resolve_data_dir(None, dir.path());
        assert_eq!(
            (d.path, d.source),
            (PathBuf::from("/srv/notesdata"), DataDirSource::NotesIni)
        );
    }
}
