//! `pmr` / `support` uploads against a real OpenSSH server (Debian's openssh-server), started by
//! `scripts/testenv-sshd.sh` on 127.0.0.1 with a throwaway host key, the test user `tuupload`
//! with a password, and an SFTP-only chroot, through the SFTP helper `travelerUtil-sftp` that
//! `cargo build` puts beside `travelerUtil`.
//!
//! These tests need that lab, so they are `#[ignore]`d for a plain `cargo test`; scripts/test.sh
//! starts the lab and runs them (`cargo test --test support_upload -- --include-ignored`). Run
//! without the lab, each one fails and says how to start it: they never skip quietly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod sandbox;

use common::{Home, Out};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script() -> PathBuf {
    repo().join("scripts/testenv-sshd.sh")
}

/// One running sshd: the values of `testenv-sshd.sh env`.
#[derive(Debug, Clone)]
struct Sshd {
    port: u16,
    lab: PathBuf,
    password: String,
    fingerprint: String,
    upload_dir: PathBuf,
}

fn script_cmd(action: &str, port: Option<u16>, lab: Option<&Path>) -> Command {
    let mut c = Command::new("bash");
    c.arg(script()).arg(action);
    if let Some(p) = port {
        c.env("TU_SSHD_PORT", p.to_string());
    }
    if let Some(l) = lab {
        c.env("TU_SSHD_LAB", l);
    }
    c
}

/// How to start the lab, for every failure that means it is not there.
const START_THE_LAB: &str =
    "start it with `bash scripts/testenv-sshd.sh install && bash scripts/testenv-sshd.sh start`";

/// The SFTP helper beside the binary under test; a missing one fails the test, saying how to
/// build it.
fn helper() -> PathBuf {
    let h = common::bin().with_file_name("travelerUtil-sftp");
    assert!(
        h.is_file(),
        "the SFTP helper {} is missing: build it with `cargo build` (scripts/test.sh builds every target)",
        h.display()
    );
    h
}

fn read_env(port: Option<u16>, lab: Option<&Path>) -> Sshd {
    helper();
    let status = script_cmd("status", port, lab)
        .output()
        .expect("run testenv-sshd.sh status");
    assert!(
        status.status.success(),
        "the test sshd is not running ({}): {START_THE_LAB}",
        String::from_utf8_lossy(&status.stdout).trim()
    );
    let out = script_cmd("env", port, lab).output().expect("run testenv-sshd.sh env");
    assert!(
        out.status.success(),
        "testenv-sshd.sh env failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("export {k}=")))
            .unwrap_or_else(|| panic!("{k} missing from testenv-sshd.sh env"))
            .to_string()
    };
    Sshd {
        port: get("TU_SSHD_PORT").parse().unwrap(),
        lab: PathBuf::from(get("TU_SSHD_LAB")),
        password: std::fs::read_to_string(get("TU_SSHD_PW_FILE"))
            .unwrap()
            .trim()
            .to_string(),
        fingerprint: get("TU_SSHD_FINGERPRINT"),
        upload_dir: PathBuf::from(get("TU_SSHD_UPLOAD_DIR")),
    }
}

/// The shared server (`TU_SSHD_PORT` from scripts/test.sh, else the script's default).
fn shared() -> Sshd {
    let port = std::env::var("TU_SSHD_PORT").ok().map(|p| p.parse().unwrap());
    read_env(port, None)
}

/// A private server for one test (stopping it must not disturb the others), stopped on drop.
struct Private {
    sshd: Sshd,
}

impl Private {
    fn start(port: u16) -> Private {
        let lab = repo().join(format!("target/testenv-sshd/private-{port}"));
        helper();
        let st = script_cmd("start", Some(port), Some(&lab)).status().unwrap();
        assert!(
            st.success(),
            "starting a private sshd on port {port} failed (is openssh-server installed? {START_THE_LAB})"
        );
        Private {
            sshd: read_env(Some(port), Some(&lab)),
        }
    }

    fn stop(&self) {
        let st = script_cmd("stop", Some(self.sshd.port), Some(&self.sshd.lab))
            .status()
            .unwrap();
        assert!(st.success(), "stopping the private sshd failed");
    }

    fn restart(&self) {
        let st = script_cmd("start", Some(self.sshd.port), Some(&self.sshd.lab))
            .status()
            .unwrap();
        assert!(st.success(), "restarting the private sshd failed");
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        // `clean`: stop, and remove this private lab's chroot (outside the lab, under /var/lib).
        let _ = script_cmd("clean", Some(self.sshd.port), Some(&self.sshd.lab)).status();
    }
}

/// `pmr set` for `s` with the password on stdin; `extra` words appended.
fn configure(home: &Home, s: &Sshd, password: &str, extra: &[&str]) {
    let mut args = vec![
        "pmr".to_string(),
        "set".into(),
        "host=127.0.0.1".into(),
        format!("port={}", s.port),
        "user=tuupload".into(),
        "dir=/upload".into(),
        "pw=-".into(),
        "--no-input".into(),
    ];
    args.extend(extra.iter().map(|e| e.to_string()));
    home.run_stdin(&args, &format!("{password}\n"))
        .assert_code(0, "pmr set");
}

/// sha256 by coreutils' `sha256sum` (an independent implementation).
fn sha256_file(p: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(p)
        .output()
        .expect("sha256sum (coreutils) must be installed");
    assert!(
        out.status.success(),
        "sha256sum {}: {}",
        p.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Asserts that the server received `name` with the bytes of `local`, then removes it, so that
/// a later upload of the same name is not mistaken for this one.
fn take_upload(s: &Sshd, name: &str, local: &Path) {
    let remote = s.upload_dir.join(name);
    assert_eq!(
        sha256_file(&remote),
        sha256_file(local),
        "{name}: the remote copy differs"
    );
    std::fs::remove_file(remote).unwrap();
}

/// A file of pseudo-random bytes (xorshift: incompressible enough, reproducible).
fn make_file(dir: &Path, name: &str, len: usize, seed: u64) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    let mut x = seed | 1;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut left = len;
    while left > 0 {
        buf.clear();
        while buf.len() < (1 << 16).min(left) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf.extend_from_slice(&x.to_le_bytes());
        }
        buf.truncate((1 << 16).min(left));
        f.write_all(&buf).unwrap();
        left -= buf.len();
    }
    f.flush().unwrap();
    p
}

fn assert_no_secret(out: &Out, secret: &str) {
    assert!(!out.stdout.contains(secret), "password on stdout of {}", out.what);
    assert!(!out.stderr.contains(secret), "password on stderr of {}", out.what);
}

/// A port on 127.0.0.1 with nothing listening (bound, then released).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn store_bytes(home: &Home) -> Option<Vec<u8>> {
    std::fs::read(home.store()).ok()
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn upload_is_byte_identical_and_pins_the_host_key() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[]);
    let f = make_file(home.outside(), "upload-ok.bin", 3 * 1024 * 1024 + 17, 1);
    let out = home.run(["pmr", "CS1000001", f.to_str().unwrap(), "--yes", "--json"]);
    out.assert_code(0, "pmr upload");
    assert_no_secret(&out, &s.password);
    let v = out.json();
    assert_eq!(v["status"], "uploaded");
    assert_eq!(v["case"], "CS1000001");
    assert_eq!(v["hostkey"], s.fingerprint.as_str());
    assert_eq!(v["hostkey_status"], "accepted");
    assert_eq!(v["files"][0]["remote"], "/upload/CS1000001.upload-ok.bin");
    assert_eq!(v["files"][0]["bytes"], 3 * 1024 * 1024 + 17);
    let remote = s.upload_dir.join("CS1000001.upload-ok.bin");
    assert_eq!(sha256_file(&remote), sha256_file(&f), "remote copy differs");
    assert!(!s.upload_dir.join("CS1000001.upload-ok.bin.partial").exists());

    // The key is pinned now: the next upload needs no --yes and no prompt.
    let show = home.run(["pmr", "show", "--json"]);
    show.assert_code(0, "pmr show");
    assert_eq!(show.json()["hostkey"], s.fingerprint.as_str());
    assert_no_secret(&show, &s.password);
    let again = home.run(["support", "CS1000001", f.to_str().unwrap(), "--no-input"]);
    again.assert_code(0, "second upload with the pinned key");
    assert!(again.stdout.contains("CS1000001.upload-ok.bin"), "{}", again.stdout);
    assert_eq!(sha256_file(&remote), sha256_file(&f));
    // The store holds the password only encrypted.
    let raw = store_bytes(&home).unwrap();
    assert!(!common::contains_bytes(&raw, s.password.as_bytes()));
    std::fs::remove_file(remote).unwrap();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn base_names_resolve_in_the_logs_directory() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let data = home.outside().join("notesdata");
    let logs = data.join("IBM_TECHNICAL_SUPPORT/traveler/logs");
    std::fs::create_dir_all(&logs).unwrap();
    let f = make_file(&logs, "TS012345678.usage.log", 4096, 2);
    let out = home.run([
        "pmr",
        "ts012345678",
        "TS012345678.usage.log",
        "--no-input",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    out.assert_code(0, "pmr with a base name");
    // Already named for the case: not prefixed twice.
    take_upload(&s, "TS012345678.usage.log", &f);

    let missing = home.run([
        "pmr",
        "TS012345678",
        "nosuch.log",
        "--no-input",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    missing.assert_code(14, "a missing file");
    assert!(missing.stderr.contains("nosuch.log") && missing.stderr.contains("IBM_TECHNICAL_SUPPORT/traveler/logs"));
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn upload_without_files_collects_then_uploads() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let data = home.outside().join("notesdata");
    let logs = data.join("IBM_TECHNICAL_SUPPORT/traveler/logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("usage_2026_11_20.log"), "usage line\n").unwrap();
    let out = home.run([
        "support",
        "CS1000002",
        "--no-input",
        "--json",
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    out.assert_code(0, "support <case> without files");
    let v = out.json();
    assert_eq!(v["collected"], true);
    let local = PathBuf::from(v["files"][0]["local"].as_str().unwrap());
    let remote_name = v["files"][0]["remote"].as_str().unwrap().trim_start_matches("/upload/");
    assert!(remote_name.starts_with("CS1000002"), "{remote_name}");
    take_upload(&s, remote_name, &local);
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn wrong_password_is_exit_13_and_leaves_the_store_alone() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, "not-the-password", &[]);
    let f = make_file(home.outside(), "wrongpw.bin", 1000, 3);
    let before = store_bytes(&home);
    let out = home.run(["pmr", "CS1000003", f.to_str().unwrap(), "--yes"]);
    out.assert_code(13, "wrong password");
    assert!(
        out.stderr.contains("rejected the login of user `tuupload`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    assert_no_secret(&out, "not-the-password");
    assert_eq!(
        store_bytes(&home),
        before,
        "the host key must not be pinned by a failed login"
    );
    assert!(!s.upload_dir.join("CS1000003.wrongpw.bin").exists());
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn unknown_host_key_is_refused_without_yes() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[]);
    let f = make_file(home.outside(), "unknown-key.bin", 1000, 4);
    let before = store_bytes(&home);
    // Neither --yes nor --no-input: the question is asked, and stdin (closed) gives no "yes".
    let out = home.run(["pmr", "CS1000004", f.to_str().unwrap()]);
    out.assert_code(20, "unknown host key, no answer");
    assert!(
        out.stderr.contains(&s.fingerprint),
        "the fingerprint must be shown: {}",
        out.stderr
    );
    assert!(out.stderr.contains("not accepted"), "{}", out.stderr);
    // A "no" typed at the prompt is the same refusal.
    let no = home.run_stdin(["pmr", "CS1000004", f.to_str().unwrap()], "n\n");
    no.assert_code(20, "unknown host key, answered no");
    // --no-input: refused without asking.
    let ni = home.run(["pmr", "CS1000004", f.to_str().unwrap(), "--no-input"]);
    ni.assert_code(20, "unknown host key, --no-input");
    assert!(ni.stderr.contains("prompting is off"), "{}", ni.stderr);
    assert_eq!(store_bytes(&home), before);
    assert!(!s.upload_dir.join("CS1000004.unknown-key.bin").exists());
    assert!(!s.upload_dir.join("CS1000004.unknown-key.bin.partial").exists());

    // "y" at the prompt accepts and pins.
    let yes = home.run_stdin(["pmr", "CS1000004", f.to_str().unwrap()], "y\n");
    yes.assert_code(0, "unknown host key, answered yes");
    assert_eq!(
        home.run(["pmr", "show", "--json"]).json()["hostkey"],
        s.fingerprint.as_str()
    );
    std::fs::remove_file(s.upload_dir.join("CS1000004.unknown-key.bin")).unwrap();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn pinned_host_key_mismatch_is_refused() {
    let s = shared();
    let home = Home::new();
    // A valid fingerprint of another key.
    let other = "SHA256:Dha4JqduLI5KmKgND42gSX5CfPPjRBpSnW09PGFPzsE";
    configure(&home, &s, &s.password, &[&format!("hostkey={other}")]);
    let f = make_file(home.outside(), "mismatch.bin", 1000, 5);
    let before = store_bytes(&home);
    for extra in [None, Some("--yes")] {
        let mut args = vec!["pmr", "CS1000005", f.to_str().unwrap()];
        args.extend(extra);
        let out = home.run(&args);
        out.assert_code(20, "changed host key (--yes does not override a pin)");
        assert!(out.stderr.contains("CHANGED"), "{}", out.stderr);
        assert!(
            out.stderr.contains(other) && out.stderr.contains(&s.fingerprint),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("Nothing was sent"), "{}", out.stderr);
    }
    assert_eq!(store_bytes(&home), before);
    assert!(!s.upload_dir.join("CS1000005.mismatch.bin").exists());
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn server_down_and_unknown_host() {
    helper();
    let home = Home::new();
    let port = free_port();
    let set = home.run_stdin(
        [
            "pmr",
            "set",
            "host=127.0.0.1",
            &format!("port={port}"),
            "user=tuupload",
            "pw=-",
            "--no-input",
        ],
        "x\n",
    );
    set.assert_code(0, "pmr set");
    let f = make_file(home.outside(), "down.bin", 100, 6);
    let out = home.run(["pmr", "CS1000006", f.to_str().unwrap(), "--yes"]);
    out.assert_code(11, "server down");
    assert!(out.stderr.contains("refused"), "{}", out.stderr);

    // RFC 6761: `.invalid` never resolves.
    // A new host does not inherit the stored password: it is given again.
    home.run(["pmr", "set", "host=sftp.example.invalid", "--no-input"])
        .assert_code(2, "pmr set host without a password");
    home.run_stdin(["pmr", "set", "host=sftp.example.invalid", "pw=-", "--no-input"], "x\n")
        .assert_code(0, "pmr set host");
    let dns = home.run(["pmr", "CS1000006", f.to_str().unwrap(), "--yes"]);
    dns.assert_code(18, "unknown host");
    assert!(dns.stderr.contains("does not resolve"), "{}", dns.stderr);
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn upload_killed_mid_transfer_resumes() {
    let srv = Private::start(52231);
    let s = srv.sshd.clone();
    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let len = 192 * 1024 * 1024;
    let f = make_file(home.outside(), "resume.bin", len, 7);
    let partial = s.upload_dir.join("CS1000007.resume.bin.partial");
    let remote = s.upload_dir.join("CS1000007.resume.bin");
    let _ = std::fs::remove_file(&partial);
    let _ = std::fs::remove_file(&remote);

    let child = home
        .cmd(["pmr", "CS1000007", f.to_str().unwrap(), "--no-input"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stop the server (listener and the connection's processes) once some data arrived.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let have = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        if have > 4 * 1024 * 1024 {
            break;
        }
        assert!(Instant::now() < deadline, "the upload did not start");
        std::thread::sleep(Duration::from_millis(5));
    }
    srv.stop();
    let first = Out::from_output("interrupted upload".into(), child.wait_with_output().unwrap());
    first.assert_code(11, "upload cut by the server's death");
    assert!(first.stderr.contains("resumes"), "{}", first.stderr);
    let kept = std::fs::metadata(&partial).unwrap().len();
    assert!(kept > 0 && kept < len as u64, "partial has {kept} bytes");

    srv.restart();
    let second = home.run(["pmr", "CS1000007", f.to_str().unwrap(), "--no-input", "--json"]);
    second.assert_code(0, "resumed upload");
    let v = second.json();
    let resumed = v["files"][0]["resumed_from"].as_u64().unwrap();
    assert!(resumed > 0, "the upload started over: {v}");
    assert!(resumed <= kept, "resumed at {resumed}, partial had {kept}");
    assert_eq!(sha256_file(&remote), sha256_file(&f), "resumed copy differs");
    assert!(!partial.exists());

    // A partial upload of a *different* local file is not resumed: the content check catches it.
    std::fs::copy(&remote, &partial).unwrap();
    {
        use std::os::unix::fs::MetadataExt;
        // Owned by the test user, as the server would have left it.
        let m = std::fs::metadata(&s.upload_dir).unwrap();
        std::os::unix::fs::chown(&partial, Some(m.uid()), Some(m.gid())).unwrap();
    }
    std::fs::remove_file(&remote).unwrap();
    let g = make_file(home.outside(), "resume.bin", len, 8);
    let third = home.run(["pmr", "CS1000007", g.to_str().unwrap(), "--no-input", "--json"]);
    third.assert_code(0, "changed local file");
    let v = third.json();
    assert_eq!(v["files"][0]["resumed_from"], 0, "{v}");
    assert!(
        v["files"][0]["restart_reason"].as_str().unwrap().contains("changed"),
        "{v}"
    );
    assert_eq!(sha256_file(&remote), sha256_file(&g));
    std::fs::remove_file(&remote).unwrap();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn remote_errors_have_classes() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let f = make_file(home.outside(), "classes.bin", 100, 9);
    // The chroot's root is root-owned: the test user may not write there.
    home.run(["pmr", "set", "dir=/", "--no-input"])
        .assert_code(0, "set dir");
    let out = home.run(["pmr", "CS1000008", f.to_str().unwrap(), "--no-input"]);
    out.assert_code(17, "permission denied");
    assert!(out.stderr.contains("permission denied"), "{}", out.stderr);
    home.run(["pmr", "set", "dir=/nosuchdir", "--no-input"])
        .assert_code(0, "set dir");
    let out = home.run(["pmr", "CS1000008", f.to_str().unwrap(), "--no-input"]);
    out.assert_code(14, "no such directory");
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn key_authentication_without_a_password() {
    let s = shared();
    let home = Home::new();
    let key = s.lab.join("client_ed25519");
    let out = home.run([
        "pmr",
        "set",
        "host=127.0.0.1",
        &format!("port={}", s.port),
        "user=tuupload",
        "dir=/upload",
        &format!("key={}", key.display()),
        &format!("hostkey={}", s.fingerprint),
        "--no-input",
        "--json",
    ]);
    out.assert_code(0, "pmr set with a key and no password");
    assert_eq!(out.json()["password_set"], false);
    let f = make_file(home.outside(), "keyauth.bin", 200_000, 10);
    let up = home.run(["pmr", "CS1000009", f.to_str().unwrap(), "--no-input"]);
    up.assert_code(0, "upload with key authentication");
    take_upload(&s, "CS1000009.keyauth.bin", &f);
}

/// The first connection at a terminal: the fingerprint and the question, "y", then the
/// progress bar on stderr; the password never reaches the terminal.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn first_connection_at_a_terminal_asks_and_shows_progress() {
    use rexpect::session::spawn_command;
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[]);
    let f = make_file(home.outside(), "pty.bin", 48 * 1024 * 1024, 11);
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!(
        "stty echo; exec {} pmr CS1000010 {}",
        common::bin().display(),
        f.display()
    ));
    for v in common::product_env() {
        c.env_remove(v);
    }
    c.env("TRAVELERUTIL_HOME", home.dir()).env("NO_COLOR", "1");
    let mut p = spawn_command(c, Some(60_000)).unwrap();
    let before = p.exp_string("[y/N]").unwrap();
    assert!(
        before.contains(&format!("ED25519 key fingerprint is {}.", s.fingerprint)),
        "{before}"
    );
    p.send_line("y").unwrap();
    let mut transcript = before;
    // The shared indicatif bar: "uploading [====>   ] 12.00 MiB/48.00 MiB 300.00 MiB/s ...".
    transcript.push_str(&p.exp_string("MiB/s").unwrap());
    transcript.push_str(&p.exp_string("uploaded ").unwrap());
    transcript.push_str(&p.exp_eof().unwrap());
    assert!(transcript.contains("uploading ["), "{transcript}");
    assert!(
        transcript.contains("48.00 MiB/48.00 MiB"),
        "the bar ends full: {transcript}"
    );
    assert!(!transcript.contains(&s.password), "the password reached the terminal");
    take_upload(&s, "CS1000010.pty.bin", &f);
}

/// While the admin decides on an unknown host key, the store is not locked: another writer
/// goes ahead (and may even change the same settings; the key is then pinned only if the
/// endpoint is still the one that was checked).
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn no_lock_is_held_while_the_host_key_question_waits() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[]);
    let f = make_file(home.outside(), "hostkey-lock.bin", 1000, 14);
    let second = || {
        let mut c = home.cmd(["pmr", "set", "case=CS1000013", "--no-input"]);
        c.env("TRAVELERUTIL_LOCK_TIMEOUT", "0");
        common::run_cmd(c, None)
    };
    let c = home.cmd(["pmr", "CS1000013", f.to_str().unwrap()]);
    let (out, during) = sandbox::at_prompt(c, "[y/N]", second, "y");
    during.assert_code(0, "a second writer while the host key question waits");
    assert!(
        !during.stderr.contains("waiting for the store lock"),
        "{}",
        during.stderr
    );
    out.assert_code(0, "the upload after the answer");
    let shown = home.run(["pmr", "show", "--json"]).json();
    assert_eq!(shown["case"], "CS1000013", "the second writer's change was kept");
    assert_eq!(shown["hostkey"], s.fingerprint.as_str(), "the accepted key was pinned");
    std::fs::remove_file(s.upload_dir.join("CS1000013.hostkey-lock.bin")).unwrap();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn silent_server_times_out_with_exit_12() {
    helper();
    // Accepts TCP (the kernel completes the handshake from the backlog) and never speaks SSH.
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let home = Home::new();
    home.run_stdin(
        [
            "pmr",
            "set",
            "host=127.0.0.1",
            &format!("port={port}"),
            "user=tuupload",
            "pw=-",
            "--no-input",
        ],
        "x\n",
    )
    .assert_code(0, "pmr set");
    let f = make_file(home.outside(), "silent.bin", 100, 12);
    let t0 = Instant::now();
    let out = home.run(["pmr", "CS1000011", f.to_str().unwrap(), "--yes", "--timeout", "2"]);
    let took = t0.elapsed();
    out.assert_code(12, "silent server");
    assert!(out.stderr.contains("no answer from 127.0.0.1"), "{}", out.stderr);
    assert!(took < Duration::from_secs(10), "took {took:?} with --timeout 2");
    drop(l);
}

/// Unmounts the small file system on drop.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn full_remote_disk_is_exit_21() {
    let srv = Private::start(52232);
    let s = srv.sshd.clone();
    // A 1 MiB tmpfs over the private server's upload directory (the tests run as root, as the
    // test environment does).
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs"])
        .arg(&s.upload_dir)
        .status()
        .expect("mount(8)");
    assert!(
        st.success(),
        "mounting a tmpfs on {} failed (root needed)",
        s.upload_dir.display()
    );
    let tmpfs = Tmpfs(s.upload_dir.clone());
    let st = Command::new("chown")
        .arg("tuupload")
        .arg(&s.upload_dir)
        .status()
        .unwrap();
    assert!(st.success());

    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let f = make_file(home.outside(), "full.bin", 3 * 1024 * 1024, 13);
    let out = home.run(["pmr", "CS1000012", f.to_str().unwrap(), "--no-input"]);
    out.assert_code(21, "remote disk full");
    assert!(out.stderr.contains("no space"), "{}", out.stderr);
    // Unmount first: `clean` never removes the chroot across a mount.
    drop(tmpfs);
    drop(srv);
}

/// The helper's children of `parent` (from /proc: the helper is `travelerUtil-sftp`).
fn helper_of(parent: u32) -> Option<u32> {
    let children = std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).ok()?;
    children
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .find(|pid: &u32| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim().starts_with("travelerUtil-sf"))
        })
}

/// The SFTP client runs in the helper; when travelerUtil is killed (SIGKILL: no chance to clean
/// up), the helper must stop too instead of finishing an upload nobody waits for.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn helper_ends_when_travelerutil_is_killed() {
    let s = shared();
    let home = Home::new();
    configure(&home, &s, &s.password, &[&format!("hostkey={}", s.fingerprint)]);
    let len = 256 * 1024 * 1024;
    let f = make_file(home.outside(), "orphan.bin", len, 9);
    let remote = s.upload_dir.join("CS1000009.orphan.bin");
    let partial = s.upload_dir.join("CS1000009.orphan.bin.partial");
    let _ = std::fs::remove_file(&remote);
    let _ = std::fs::remove_file(&partial);

    let mut child = home
        .cmd(["pmr", "CS1000009", f.to_str().unwrap(), "--no-input"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let helper = loop {
        if let Some(h) = helper_of(child.id())
            && std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) > 1024 * 1024
        {
            break h;
        }
        assert!(Instant::now() < deadline, "the upload did not start");
        std::thread::sleep(Duration::from_millis(5));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{helper}")).exists()
        && !std::fs::read_to_string(format!("/proc/{helper}/stat")).is_ok_and(|s| s.contains(") Z "))
    {
        assert!(Instant::now() < deadline, "the helper {helper} outlived travelerUtil");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!remote.exists(), "the orphaned helper finished the upload");
    let _ = std::fs::remove_file(&partial);
}

/// `pmr` needs the helper beside travelerUtil: without it, exit 1 with a hint, and nothing
/// connects (the store's SFTP settings point at a closed port, which would give 11).
#[test]
fn missing_helper_is_exit_1_with_a_hint() {
    let home = Home::new();
    let lonely = home.outside().join("bin");
    std::fs::create_dir_all(&lonely).unwrap();
    let exe = lonely.join("travelerUtil");
    std::fs::copy(common::bin(), &exe).unwrap();
    let port = free_port().to_string();
    home.run_stdin(
        [
            "pmr",
            "set",
            "host=127.0.0.1",
            &format!("port={port}"),
            "user=u",
            "pw=-",
            "--no-input",
        ],
        "x\n",
    )
    .assert_code(0, "pmr set");
    let f = make_file(home.outside(), "a.bin", 10, 1);
    let c = home.cmd(["pmr", "CS1000010", f.to_str().unwrap(), "--yes"]);
    // The same command line and environment, from the copy that has no helper beside it.
    let mut c2 = Command::new(&exe);
    c2.args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => c2.env(k, v),
            None => c2.env_remove(k),
        };
    }
    let out = common::run_cmd(c2, None);
    out.assert_code(1, "pmr without its helper");
    assert!(out.stderr.contains("travelerUtil-sftp"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
}

/// The helper is not a command for people: by hand it explains itself and exits 2.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn helper_run_by_hand_explains_itself() {
    let out = common::run_cmd(Command::new(helper()), None);
    out.assert_code(2, "travelerUtil-sftp by hand");
    assert!(out.stderr.contains("travelerUtil pmr"), "{}", out.stderr);
}
