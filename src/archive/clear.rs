//! `log clear`: which files go, and whether a server is running.

use super::plan::is_bundle_name;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize)]
pub struct Doomed {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The files under `logs` that `log clear` deletes: everything except this tool's bundles
/// (unless `all`). Symlinks are removed as links (never their targets) and never descended.
pub fn plan(logs: &Path, all: bool) -> std::io::Result<Vec<Doomed>> {
    let mut out = Vec::new();
    for item in walkdir::WalkDir::new(logs).follow_links(false).sort_by_file_name() {
        let e = item.map_err(|e| std::io::Error::other(e.to_string()))?;
        let ft = e.file_type();
        if e.depth() == 0 || ft.is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy();
        // A `.partial` left by a killed collection is debris, not a bundle: it always goes.
        if !all && is_bundle_name(&name) && !name.ends_with(".partial") {
            continue;
        }
        let bytes = if ft.is_file() {
            e.metadata().map(|m| m.len()).unwrap_or(0)
        } else {
            0
        };
        out.push(Doomed {
            path: e.path().to_path_buf(),
            bytes,
        });
    }
    Ok(out)
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
