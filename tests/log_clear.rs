//! `log clear` end to end, with a fake running Traveler task: a copy of `sleep` named
//! `ntraveler`, which /proc shows with that comm and argv[0], started and stopped by PID.
//! One test function: the fake server is visible system-wide, so the cases run in order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Home, run_cmd};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn clear_refuses_while_a_server_runs_then_deletes_keeping_bundles() {
    let home = Home::new();
    let data = home.outside().join("data");
    let logs = data.join("IBM_TECHNICAL_SUPPORT/traveler/logs");
    fs::create_dir_all(&logs).unwrap();
    fs::write(logs.join("NTSErrors.log"), "e\n".repeat(500)).unwrap();
    fs::write(logs.join("NTSActivity.log"), "a\n".repeat(250)).unwrap();
    fs::write(logs.join("NTSUsage_2026.11.01_00.00.00.zip"), [7u8; 300]).unwrap();
    fs::write(logs.join("traveler.host.20261123-040000.zip"), [1u8; 100]).unwrap();
    fs::write(logs.join("traveler.host.20261123-040000.zip.sha256"), "x  y\n").unwrap();
    // Debris of a killed collection: not a bundle, always deleted.
    fs::write(logs.join("traveler.host.20261123-030000.zip.partial"), [2u8; 200]).unwrap();
    // A link to a file outside: clear removes the link, never the target.
    let target = home.outside().join("precious.txt");
    fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, logs.join("link.log")).unwrap();
    let dd = data.to_str().unwrap().to_owned();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut c = home.cmd(["--data-dir", &dd]);
        c.args(args);
        run_cmd(c, stdin)
    };

    // The fake Traveler task.
    let bin_dir = home.outside().join("bin");
    fs::create_dir(&bin_dir).unwrap();
    let fake_bin: PathBuf = bin_dir.join("ntraveler");
    let sleep = ["/bin/sleep", "/usr/bin/sleep"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("sleep(1) is needed for the fake server");
    fs::copy(sleep, &fake_bin).unwrap();
    let fake = Fake(Command::new(&fake_bin).arg("300").spawn().unwrap());
    let pid = fake.0.id();
    // Wait until /proc shows it (exec has happened).
    for _ in 0..100 {
        if fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "ntraveler") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = files(&logs);
    let out = run(&["log", "clear", "--yes"], None);
    out.assert_code(5, "server running");
    assert!(out.stderr.contains(&format!("pid {pid}")), "{}", out.stderr);
    assert!(out.stderr.contains("force"), "{}", out.stderr);
    assert_eq!(files(&logs), before, "nothing deleted while the server runs");

    // --dry-run lists and deletes nothing (a warning about the server is fine).
    let out = run(&["log", "clear", "--dry-run"], None);
    out.assert_code(0, "dry run");
    assert!(out.stdout.contains("NTSErrors.log"), "{}", out.stdout);
    assert!(
        out.stdout.contains("would delete 5 files, 2000 bytes"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("040000.zip"), "bundles are kept: {}", out.stdout);
    assert!(out.stdout.contains("030000.zip.partial"), "{}", out.stdout);
    assert_eq!(files(&logs), before);

    // Declined at the prompt; and --no-input without --yes is a usage error.
    let out = run(&["log", "clear", "force"], Some("n\n"));
    out.assert_code(4, "declined");
    assert_eq!(files(&logs), before);
    let out = run(&["log", "clear", "force", "--no-input"], None);
    out.assert_code(2, "no input");
    assert_eq!(files(&logs), before);

    // force: deletes despite the server; bundles kept.
    let out = run(&["log", "clear", "force", "--yes", "--json"], None);
    out.assert_code(0, "force");
    let j = out.json();
    assert_eq!(j["status"], "deleted");
    assert_eq!(j["count"], 5);
    assert_eq!(j["bytes"], 2000);
    assert_eq!(j["running"][0]["pid"], pid);
    assert_eq!(
        files(&logs),
        [
            "traveler.host.20261123-040000.zip",
            "traveler.host.20261123-040000.zip.sha256"
        ]
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
    drop(fake);

    // The server stopped: no force needed; --all takes the bundles too; human output.
    let out = run(&["log", "clear", "--all", "--yes"], None);
    out.assert_code(0, "all");
    assert_eq!(out.stdout, "deleted 2 files, 105 bytes freed (105 B)\n");
    assert!(files(&logs).is_empty());
    let out = run(&["log", "clear", "--yes"], None);
    out.assert_code(0, "nothing");
    assert!(out.stderr.contains("nothing to clear"), "{}", out.stderr);
}
