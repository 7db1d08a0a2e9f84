//! `log clear`: which files go, deleting exactly those, and whether a server is running.
//!
//! The logs directory is opened once; the walk and every deletion go through open directory
//! descriptors (`openat` with `O_NOFOLLOW`, `unlinkat`), never a full path resolved again, as
//! GNU `rm` does. Before each deletion the entry must still be the device and inode that was
//! listed: a file replaced meanwhile, or a directory swapped for a symlink during the prompt,
//! makes nothing outside the listing go.

use super::plan::{Skipped, is_bundle_name};
use super::source::Root;
use crate::sys::dirfd::{self, Dir, Stat, Unlinked};
use serde::Serialize;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub struct Doomed {
    /// Shown (and in `--json`); secrets masked by the caller.
    pub path: String,
    pub bytes: u64,
    #[serde(skip)]
    dir: Arc<Dir>,
    #[serde(skip)]
    name: OsString,
    #[serde(skip)]
    stat: Stat,
}

/// The files under `root` that `log clear` deletes: everything except this tool's bundles
/// (unless `all`). Symlinks are removed as links (never their targets) and never descended;
/// subdirectories are entered, never removed. `shown` is the root's path in messages.
///
/// # Errors
/// A directory that cannot be listed.
pub fn plan(root: &Root, shown: &Path, all: bool) -> std::io::Result<Vec<Doomed>> {
    let mut out = Vec::new();
    walk(&root.dir, shown, all, &mut out)?;
    Ok(out)
}

fn walk(dir: &Arc<Dir>, shown: &Path, all: bool, out: &mut Vec<Doomed>) -> std::io::Result<()> {
    let mut names = dir.names()?;
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    for name in names {
        let st = match dir.stat(&name) {
            Ok(st) => st,
            // Gone since the listing (a log rotated away): nothing to delete.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let path = shown.join(&name);
        if st.kind() == dirfd::Kind::Dir {
            walk(&Arc::new(dir.open_dir(&name)?), &path, all, out)?;
            continue;
        }
        let n = name.to_string_lossy();
        // A `.partial` left by a killed collection is debris, not a bundle: it always goes.
        if !all && is_bundle_name(&n) && !n.ends_with(".partial") {
            continue;
        }
        out.push(Doomed {
            path: path.to_string_lossy().into_owned(),
            bytes: if st.is_file() { st.size } else { 0 },
            dir: Arc::clone(dir),
            name,
            stat: st,
        });
    }
    Ok(())
}

/// What [`delete`] did.
#[derive(Debug, Default)]
pub struct Deleted {
    pub count: usize,
    pub bytes: u64,
    pub failed: Vec<Skipped>,
}

/// Deletes each planned file that is still the one listed. A file that vanished meanwhile is
/// not an error; one that changed is left and reported, as is one that cannot be removed.
#[must_use]
pub fn delete(doomed: &[Doomed]) -> Deleted {
    let mut d = Deleted::default();
    for x in doomed {
        let fail = |reason: String| Skipped {
            path: x.path.clone(),
            reason,
        };
        match x.dir.unlink_if_same(&x.name, &x.stat) {
            Ok(Unlinked::Removed) => {
                d.count += 1;
                d.bytes += x.bytes;
            }
            Ok(Unlinked::Vanished) => {}
            Ok(Unlinked::Changed) => d.failed.push(fail(
                "replaced since it was listed (another file or a directory has its name now): not deleted".into(),
            )),
            Err(e) => d.failed.push(fail(e.to_string())),
        }
    }
    d
}

/// A server process found in /proc.
#[derive(Debug, Clone, Serialize)]
pub struct Running {
    pub pid: u32,
    pub what: &'static str,
    pub command: String,
}

/// Scans `proc_root` (normally `/proc`) for the Traveler task (`ntraveler`, proc(5) `comm`) and
/// the Domino server (`server`, started from a Domino program directory such as
/// `/opt/hcl/domino/notes/latest/linux/server`: the name alone is too common to trust).
#[must_use]
pub fn running_servers(proc_root: &Path) -> Vec<Running> {
    let mut found = Vec::new();
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return found;
    };
    for d in dir.flatten() {
        let Some(pid) = d.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let comm = std::fs::read(d.path().join("comm")).unwrap_or_default();
        let comm = String::from_utf8_lossy(comm.strip_suffix(b"\n").unwrap_or(&comm)).into_owned();
        let cmdline = std::fs::read(d.path().join("cmdline")).unwrap_or_default();
        let argv0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
        let argv0 = String::from_utf8_lossy(argv0).into_owned();
        let base = Path::new(&argv0)
            .file_name()
            .map(|b| b.to_string_lossy().into_owned())
            .unwrap_or_default();
        let what = if comm == "ntraveler" || base == "ntraveler" {
            Some("Traveler (ntraveler)")
        } else if (comm == "server" || base == "server") && is_domino_path(&argv0, &d.path()) {
            Some("Domino server")
        } else {
            None
        };
        if let Some(what) = what {
            let command = cmdline
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            found.push(Running { pid, what, command });
        }
    }
    found.sort_by_key(|r| r.pid);
    found
}

fn is_domino_path(argv0: &str, proc_dir: &Path) -> bool {
    let exe = std::fs::read_link(proc_dir.join("exe"))
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    [argv0, exe.as_str()].iter().any(|p| {
        let l = p.to_ascii_lowercase();
        l.contains("domino") || l.contains("/notes/") || l.contains("lotus")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fake_proc_tree() {
        let t = tempfile::tempdir().unwrap();
        let mk = |pid: &str, comm: &str, argv: &[&str]| {
            let d = t.path().join(pid);
            std::fs::create_dir(&d).unwrap();
            std::fs::write(d.join("comm"), format!("{comm}\n")).unwrap();
            std::fs::write(d.join("cmdline"), argv.join("\0") + "\0").unwrap();
        };
        mk("10", "ntraveler", &["ntraveler"]);
        mk("11", "server", &["/opt/hcl/domino/notes/latest/linux/server"]);
        mk("12", "server", &["/usr/bin/server"]);
        mk("13", "bash", &["bash"]);
        std::fs::create_dir(t.path().join("self")).unwrap();
        let r = running_servers(t.path());
        let pids: Vec<u32> = r.iter().map(|x| x.pid).collect();
        assert_eq!(pids, [10, 11]);
        assert_eq!(r[1].what, "Domino server");
    }
}
