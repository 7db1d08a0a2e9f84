//! Helpers shared by tests/log_collect.rs and tests/log_clear.rs: a snapshot of a directory
//! tree (to prove that a command changed nothing) and the zip checks.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every entry below `root` (not following symlinks): type, mode, owner, size, mtime, and the
/// bytes of regular files or the target of links. Two equal snapshots mean nothing was
/// created, deleted, renamed or written.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd {
        let p = e.unwrap().path();
        let md = fs::symlink_metadata(&p).unwrap();
        let ft = md.file_type();
        let what = if ft.is_symlink() {
            format!("link -> {}", fs::read_link(&p).unwrap().display())
        } else if ft.is_file() {
            let bytes = fs::read(&p).unwrap_or_default();
            format!("file {} bytes sha {}", bytes.len(), sha256_hex(&bytes))
        } else if ft.is_dir() {
            "dir".to_owned()
        } else {
            "special".to_owned()
        };
        out.insert(
            p.strip_prefix(root).unwrap().to_path_buf(),
            format!(
                "{what} mode {:o} uid {} mtime {}.{}",
                md.mode(),
                md.uid(),
                md.mtime(),
                md.mtime_nsec()
            ),
        );
        if ft.is_dir() {
            walk(root, &p, out);
        }
    }
}

pub fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

pub fn need(tool: &str) {
    let ok = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{tool} is required for these tests (apt-get install -y zip unzip python3)"
    );
}

/// What a Python script (given the archive as its argument) prints.
pub fn python(script: &str, archive: &Path) -> Vec<u8> {
    need("python3");
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// The member names of a zip, in order, as Python's zipfile reads them (duplicates kept).
pub fn member_names(archive: &Path) -> Vec<String> {
    let out = python(
        "import json, sys, zipfile\nprint(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))",
        archive,
    );
    serde_json::from_slice(&out).unwrap()
}
