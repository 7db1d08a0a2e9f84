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

// ---------------------------------------------------------------------------------------------
// Regression tests of the hardening review, named after the hole each closes. The fake server
// above may be running meanwhile, so these pass `force`.

mod log_common;

use common::Tree;
use std::io::{Read, Write};
use std::os::unix::fs::symlink;
use std::process::Stdio;

fn clear_tree(home: &Home) -> (PathBuf, PathBuf) {
    let data = home.outside().join("data");
    let logs = data.join("IBM_TECHNICAL_SUPPORT/traveler/logs");
    fs::create_dir_all(logs.join("sub")).unwrap();
    fs::write(logs.join("NTSErrors.log"), "e\n").unwrap();
    fs::write(logs.join("sub/a.log"), "a\n").unwrap();
    (data, logs)
}

#[test]
fn clear_deleted_outside_files_through_a_directory_swapped_during_the_prompt() {
    let home = Home::new();
    let (data, logs) = clear_tree(&home);
    // The victim: a file of the same name as one listed, outside the logs.
    let victim_dir = home.outside().join("victim");
    fs::create_dir(&victim_dir).unwrap();
    fs::write(victim_dir.join("a.log"), "precious").unwrap();
    let mut c = home.cmd(["--data-dir", data.to_str().unwrap(), "log", "clear", "force"]);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // Wait for the question; then move sub/ aside and put a link to the victim's directory in
    // its place, and replace a listed file by another of the same name; then answer.
    let mut err = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("[y/N]") {
        let n = err.read(&mut buf).unwrap();
        assert!(n > 0, "no prompt: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    fs::rename(logs.join("sub"), logs.join("sub.old")).unwrap();
    symlink(&victim_dir, logs.join("sub")).unwrap();
    fs::write(logs.join("new.tmp"), "written after the listing").unwrap();
    fs::rename(logs.join("new.tmp"), logs.join("NTSErrors.log")).unwrap();
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(
        fs::read_to_string(victim_dir.join("a.log")).unwrap(),
        "precious",
        "{rest}"
    );
    // The file listed is what went, wherever it was moved inside the logs.
    assert!(!logs.join("sub.old/a.log").exists(), "{rest}");
    // A file replaced since the listing stays, and the command says so (exit 74).
    assert_eq!(
        fs::read_to_string(logs.join("NTSErrors.log")).unwrap(),
        "written after the listing"
    );
    assert!(
        rest.contains("NTSErrors.log") && rest.contains("replaced since it was listed"),
        "{rest}"
    );
    assert_eq!(status.code(), Some(74), "{rest}");
}

#[test]
fn clear_dry_run_printed_raw_control_characters() {
    let home = Home::new();
    let (data, logs) = clear_tree(&home);
    fs::write(logs.join("evil\n\x1b[2Jdeleted 0 files.log"), "x").unwrap();
    let c = home.cmd([
        "--data-dir",
        data.to_str().unwrap(),
        "log",
        "clear",
        "--dry-run",
        "force",
    ]);
    let out = run_cmd(c, None);
    out.assert_code(0, "dry run");
    assert!(!out.raw_stdout.contains(&0x1b), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("evil\\n\\x1b[2Jdeleted 0 files.log"),
        "{:?}",
        out.stdout
    );
    // One line per file, plus the summary.
    assert_eq!(out.stdout.lines().count(), 4, "{:?}", out.stdout);
}

#[test]
fn clear_dry_run_declined_and_refused_change_nothing() {
    let home = Home::new();
    let (data, _logs) = clear_tree(&home);
    let dd = data.to_str().unwrap().to_owned();
    let before = Tree::of(home.outside());
    for (args, stdin, code) in [
        (vec!["log", "clear", "--dry-run", "force"], None, 0),
        (vec!["log", "clear", "--dry-run", "--json", "force"], None, 0),
        (vec!["log", "clear", "force"], Some("n\n"), 4),
        (vec!["log", "clear", "force", "--no-input"], None, 2),
        (vec!["log", "clear", "bogus"], None, 2),
    ] {
        let mut c = home.cmd(["--data-dir", &dd]);
        c.args(&args);
        run_cmd(c, stdin).assert_code(code, &args.join(" "));
        assert_eq!(Tree::of(home.outside()), before, "{args:?} changed the tree");
    }
}
