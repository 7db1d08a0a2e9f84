//! Helpers shared by tests/log_collect.rs and tests/log_clear.rs: a snapshot of a directory
//! tree (to prove that a command changed nothing) and the zip checks.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

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
