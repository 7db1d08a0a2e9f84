//! What goes into a bundle: where the data directory is, which files, which are skipped and
//! why. Pure: reads the file system, prints nothing.

use super::ArchiveError;
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
    /// The name inside the archive (`/`-separated, UTF-8).
    pub name: String,
    pub source: PathBuf,
    /// Size when planned (the snapshot is taken again when the file is opened).
    pub size: u64,
    pub mtime: SystemTime,
    pub kind: Kind,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub entries: Vec<Entry>,
    pub skipped: Vec<Skipped>,
}

pub struct Filters<'a> {
    pub since: Option<SystemTime>,
    pub skip: Option<&'a GlobSet>,
}

/// True for names this tool gives its own bundles (`[<case>.]traveler.<host>.<stamp>.zip`,
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
    let stamp_ok = stem.len() > 16 && {
        let s = &stem.as_bytes()[stem.len() - 16..];
        s[0] == b'.' && s[9] == b'-' && s[1..9].iter().all(u8::is_ascii_digit) && s[10..].iter().all(u8::is_ascii_digit)
    };
    stamp_ok && (stem.starts_with("traveler.") || stem.contains(".traveler."))
}

fn compressed_ext(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "jar"].contains(&e.to_ascii_lowercase().as_str())
    })
}

/// Walks `root` into `plan` under `prefix` in the archive. Symlinks are followed only while
/// they resolve inside `root`; a loop is recorded, not followed (walkdir compares the device
/// and inode of every ancestor).
pub fn walk(root: &Path, prefix: &str, filters: &Filters<'_>, plan: &mut Plan) -> Result<(), ArchiveError> {
    let canon_root = std::fs::canonicalize(root).map_err(|e| ArchiveError::Read {
        path: root.to_path_buf(),
        source: e,
    })?;
    let inside = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| c.starts_with(&canon_root));
    let mut outside: Vec<Skipped> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.path_is_symlink() && !inside(e.path()) {
                outside.push(Skipped {
                    path: e.path().display().to_string(),
                    reason: "symlink pointing outside the directory (not followed)".into(),
                });
                return false;
            }
            true
        });
    let mut found = Vec::new();
    for item in walker {
        match item {
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_default();
                let reason = if e.loop_ancestor().is_some() {
                    "symlink loop (not followed)".to_owned()
                } else if let Some(io) = e.io_error() {
                    format!("cannot be read: {io}")
                } else {
                    e.to_string()
                };
                plan.skipped.push(Skipped { path, reason });
            }
            Ok(e) => {
                if !e.file_type().is_file() {
                    continue;
                }
                found.push(e);
            }
        }
    }
    plan.skipped.append(&mut outside);
    for e in found {
        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
        let rel_s: String = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let shown = e.path().display().to_string();
        let file_name = e.file_name().to_string_lossy();
        if is_bundle_name(&file_name) {
            continue; // our own earlier bundles: never bundled again, not worth a line
        }
        if let Some(g) = filters.skip
            && (g.is_match(rel) || g.is_match(file_name.as_ref()))
        {
            plan.skipped.push(Skipped {
                path: shown,
                reason: "matches --skip".into(),
            });
            continue;
        }
        let md = match e.metadata() {
            Ok(m) => m,
            Err(err) => {
                plan.skipped.push(Skipped {
                    path: shown,
                    reason: format!("cannot be read: {err}"),
                });
                continue;
            }
        };
        let mtime = md.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if let Some(since) = filters.since
            && mtime < since
        {
            plan.skipped.push(Skipped {
                path: shown,
                reason: "older than --since".into(),
            });
            continue;
        }
        plan.entries.push(Entry {
            name: format!("{prefix}{rel_s}"),
            source: e.path().to_path_buf(),
            size: md.len(),
            mtime,
            kind: if compressed_ext(e.path()) {
                Kind::Compressed
            } else {
                Kind::Log
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_names() {
        assert!(is_bundle_name("traveler.host.example.com.20261123-041500.zip"));
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
