//! The directories `log collect` and `log clear` read, walked through open descriptors.
//!
//! Each root is resolved once, when it is opened; everything below it is reached relative to
//! an open directory ([`crate::sys::dirfd`]), so a directory swapped for a symlink meanwhile
//! cannot redirect a read or a deletion. The rule for symlinks, the same for every root: one is
//! followed only while it resolves inside the directory being collected (checked before it is
//! opened, and again on what was opened); anything else is recorded as skipped. FIFOs, sockets
//! and devices are never opened: they are recorded by type.

use super::plan::{Entry, Filters, Kind, Plan, Skipped, is_bundle_name};
use super::source::{OUTSIDE, Root, Source};
use crate::sys::dirfd::{self, Dir, Stat};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A special file's line in `skipped`.
fn special(kind: dirfd::Kind, link: bool) -> String {
    let what = kind.describe();
    if link {
        format!("symlink to {what}: not a regular file, not read")
    } else {
        format!("{what}: not a regular file, not read")
    }
}

/// What a directory entry turned out to be, once any symlink was checked.
enum Found {
    File(Stat, bool),
    Dir(Dir),
    Skip(String),
}

/// Looks at `name` in `dir`; a symlink is followed only while it resolves inside `inside`.
fn look(dir: &Dir, name: &OsStr, inside: &Path) -> Found {
    let st = match dir.stat(name) {
        Ok(st) => st,
        Err(e) => return Found::Skip(format!("cannot be read: {e}")),
    };
    match st.kind() {
        dirfd::Kind::File => return Found::File(st, false),
        dirfd::Kind::Dir => {
            return match dir.open_dir(name) {
                Ok(d) => Found::Dir(d),
                Err(e) => Found::Skip(format!("cannot be read: {e}")),
            };
        }
        dirfd::Kind::Symlink => {}
        other => return Found::Skip(special(other, false)),
    }
    match dir.resolve(name) {
        Ok(target) if target.starts_with(inside) => {}
        Ok(_) => return Found::Skip(OUTSIDE.to_owned()),
        Err(e) => return Found::Skip(format!("cannot be read: {e}")),
    }
    let target = match dir.stat_follow(name) {
        Ok(t) => t,
        Err(e) => return Found::Skip(format!("cannot be read: {e}")),
    };
    match target.kind() {
        dirfd::Kind::File => Found::File(target, true),
        dirfd::Kind::Dir => match dir.open_dir_follow(name) {
            // Checked again on what was opened: the link may have changed since.
            Ok(d) if d.real_path().is_ok_and(|p| p.starts_with(inside)) => Found::Dir(d),
            Ok(_) => Found::Skip(OUTSIDE.to_owned()),
            Err(e) => Found::Skip(format!("cannot be read: {e}")),
        },
        other => Found::Skip(special(other, true)),
    }
}

/// One directory level of a walk.
struct Level<'a> {
    dir: Arc<Dir>,
    /// The path shown for this directory.
    shown: PathBuf,
    /// Relative to the walk's root, `/`-separated bytes (empty at the root).
    rel: Vec<u8>,
    /// Device and inode of this directory and its ancestors: a link back to one is a loop.
    ancestors: &'a [(u64, u64)],
}

/// A walk of one root into a [`Plan`].
pub struct Walk<'a> {
    pub inside: Arc<Path>,
    pub prefix: &'a str,
    pub filters: &'a Filters<'a>,
}

impl Walk<'_> {
    /// Walks `dir` (shown as `shown`) into `plan`, sorted by name at each level.
    pub fn run(&self, dir: Arc<Dir>, shown: &Path, plan: &mut Plan) {
        let me = dir.stat_self().map(|s| (s.dev, s.ino)).unwrap_or((0, 0));
        let level = Level {
            dir,
            shown: shown.to_path_buf(),
            rel: Vec::new(),
            ancestors: &[me],
        };
        self.level(&level, plan);
    }

    fn level(&self, lv: &Level<'_>, plan: &mut Plan) {
        let mut names = match lv.dir.names() {
            Ok(n) => n,
            Err(e) => {
                plan.skipped
                    .push(Skipped::new(&lv.shown, format!("cannot be read: {e}")));
                return;
            }
        };
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for name in names {
            let shown = lv.shown.join(&name);
            let mut rel = lv.rel.clone();
            if !rel.is_empty() {
                rel.push(b'/');
            }
            rel.extend_from_slice(name.as_bytes());
            match look(&lv.dir, &name, &self.inside) {
                Found::Skip(reason) => plan.skipped.push(Skipped::new(&shown, reason)),
                Found::Dir(d) => {
                    let id = d.stat_self().map(|s| (s.dev, s.ino)).unwrap_or((0, 0));
                    if lv.ancestors.contains(&id) {
                        plan.skipped
                            .push(Skipped::new(&shown, "symlink loop (not followed)".to_owned()));
                        continue;
                    }
                    let mut ancestors = lv.ancestors.to_vec();
                    ancestors.push(id);
                    let sub = Level {
                        dir: Arc::new(d),
                        shown,
                        rel,
                        ancestors: &ancestors,
                    };
                    self.level(&sub, plan);
                }
                Found::File(st, followed) => {
                    let source = Source {
                        dir: Arc::clone(&lv.dir),
                        name: name.clone(),
                        inside: followed.then(|| Arc::clone(&self.inside)),
                    };
                    self.file(&name, &rel, &shown, st, source, plan);
                }
            }
        }
    }

    fn file(&self, name: &OsStr, rel: &[u8], shown: &Path, st: Stat, source: Source, plan: &mut Plan) {
        if is_bundle_name(&name.to_string_lossy()) {
            return; // our own earlier bundles: never bundled again, not worth a line
        }
        if let Some(g) = self.filters.skip
            && (g.is_match(Path::new(OsStr::from_bytes(rel))) || g.is_match(Path::new(name)))
        {
            plan.skipped.push(Skipped::new(shown, "matches --skip".to_owned()));
            return;
        }
        let mtime = u64::try_from(st.mtime)
            .ok()
            .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        if let Some(since) = self.filters.since
            && mtime < since
        {
            plan.skipped.push(Skipped::new(shown, "older than --since".to_owned()));
            return;
        }
        let mut raw_name = self.prefix.as_bytes().to_vec();
        raw_name.extend_from_slice(rel);
        plan.entries.push(Entry {
            raw_name,
            name: String::new(),
            shown: shown.to_string_lossy().into_owned(),
            source,
            size: st.size,
            mtime,
            kind: if compressed_ext(name) {
                Kind::Compressed
            } else {
                Kind::Log
            },
        });
    }
}

fn compressed_ext(name: &OsStr) -> bool {
    Path::new(name).extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "jar"].contains(&e.to_ascii_lowercase().as_str())
    })
}

/// A single file `name` directly in the data directory (`notes.ini`), under the same rule.
pub fn single_file(data: &Root, shown_data: &Path, name: &str, plan: &mut Plan) {
    let os = OsStr::new(name);
    let shown = shown_data.join(name);
    if matches!(data.dir.stat(os), Err(ref e) if e.kind() == std::io::ErrorKind::NotFound) {
        return;
    }
    let inside: Arc<Path> = Arc::from(data.real.as_path());
    match look(&data.dir, os, &inside) {
        Found::Skip(reason) => plan.skipped.push(Skipped::new(&shown, reason)),
        Found::Dir(_) => plan
            .skipped
            .push(Skipped::new(&shown, "a directory, not a file: not read".to_owned())),
        Found::File(st, followed) => {
            let mtime = u64::try_from(st.mtime)
                .ok()
                .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
                .unwrap_or(SystemTime::UNIX_EPOCH);
            plan.entries.push(Entry {
                raw_name: name.as_bytes().to_vec(),
                name: String::new(),
                shown: shown.to_string_lossy().into_owned(),
                source: Source {
                    dir: Arc::clone(&data.dir),
                    name: os.to_os_string(),
                    inside: followed.then_some(inside),
                },
                size: st.size,
                mtime,
                kind: Kind::Log,
            });
        }
    }
}

/// Opens `<data>/a/b/...` one component at a time, each staying inside the data directory;
/// `Ok(None)` when a component is missing. The returned directory is the root of its own walk.
///
/// # Errors
/// The skipped line for the first component that is not allowed or cannot be opened.
pub fn subdir(data: &Root, shown_data: &Path, parts: &[&str]) -> Result<Option<(Root, PathBuf)>, Skipped> {
    let inside: Arc<Path> = Arc::from(data.real.as_path());
    let mut dir = Arc::clone(&data.dir);
    let mut shown = shown_data.to_path_buf();
    for p in parts {
        let os = OsStr::new(p);
        shown.push(p);
        if matches!(dir.stat(os), Err(ref e) if e.kind() == std::io::ErrorKind::NotFound) {
            return Ok(None);
        }
        dir = match look(&dir, os, &inside) {
            Found::Dir(d) => Arc::new(d),
            Found::File(..) => return Ok(None),
            Found::Skip(reason) => return Err(Skipped::new(&shown, reason)),
        };
    }
    let real = dir
        .real_path()
        .map_err(|e| Skipped::new(&shown, format!("cannot be read: {e}")))?;
    Ok(Some((
        Root {
            dir,
            real,
            via_symlink: None,
        },
        shown,
    )))
}
