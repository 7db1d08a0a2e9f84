//! TLS in `db check`: the truststore configured with `ssl set` verifies the server. MariaDB runs
//! with TLS in the test environment (scripts/testenv.sh makes a CA and a server certificate for
//! 127.0.0.1 at first start, exported as TU_TLS_CA); the truststores are made here with keytool
//! and openssl. Without the environment these tests fail loudly, never skip.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod lab;

use common::{Home, Out};
use std::path::{Path, PathBuf};
use std::process::Command;

fn var(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set (the test lab's MariaDB with TLS): {}", lab::HOW))
}

/// Runs a tool that must succeed (keytool, openssl).
fn tool(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for this test and could not run: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A truststore (JKS, or PKCS#12 by the name's extension) holding `ca_pem` as a trusted
/// certificate.
fn truststore(dir: &Path, name: &str, ca_pem: &Path) -> PathBuf {
    let p = dir.join(name);
    let kind = if name.ends_with(".p12") { "PKCS12" } else { "JKS" };
    tool(
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "ca",
            "-file",
            ca_pem.to_str().unwrap(),
            "-keystore",
            p.to_str().unwrap(),
            "-storetype",
            kind,
            "-storepass",
            "changeit1",
        ],
    );
    p
}

struct Lab {
    home: Home,
    tmp: PathBuf,
}

impl Lab {
    /// Settings for MariaDB with `sslMode=VERIFY_CA` and the given truststore.
    fn new(ts: impl Fn(&Path) -> PathBuf, port: &str) -> Lab {
        let home = Home::new();
        let tmp = home.outside().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let ts = ts(home.outside());
        let lab = Lab { home, tmp };
        let url = format!("url=jdbc:mysql://127.0.0.1:{port}/appdb?sslMode=VERIFY_CA");
        lab.run(
            &["db", "set", &url, "user=app", "pw=-", "force", "--no-input"],
            Some("app\n"),
        )
        .assert_code(0, "db set");
        lab.run(
            &[
                "ssl",
                "set",
                &format!("truststore={}", ts.display()),
                "truststorepw=-",
                "--no-input",
            ],
            Some("changeit1\n"),
        )
        .assert_code(0, "ssl set truststore");
        lab
    }

    /// With the test environment's drivers, and a private TMPDIR to see the CA file go.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Out {
        let mut c = self.home.cmd(args);
        c.env("ODBCSYSINI", var("ODBCSYSINI")).env("TMPDIR", &self.tmp);
        common::run_cmd(c, stdin)
    }

    #[track_caller]
    fn assert_tmp_empty(&self) {
        let left: Vec<_> = std::fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(left.is_empty(), "the exported CA file was left behind: {left:?}");
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn the_right_truststore_verifies_mariadb_over_tls() {
    let ca = PathBuf::from(var("TU_TLS_CA"));
    let lab = Lab::new(|d| truststore(d, "good.jks", &ca), &var("TU_MARIA_PORT"));
    let out = lab.run(&["db", "check", "--json"], None);
    out.assert_code(0, "db check over TLS");
    let j = out.json();
    let conn = j["connection"].as_str().unwrap();
    assert!(conn.contains("SSLVERIFY=1") && conn.contains("SSLCA="), "{conn}");
    let ts = j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "truststore")
        .unwrap();
    assert_eq!(ts["status"], "pass", "{ts}");
    assert!(ts["detail"].as_str().unwrap().contains("1 trusted certificate"), "{ts}");
    lab.assert_tmp_empty();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_pkcs12_truststore_made_by_keytool_works_too() {
    // keytool encrypts a PKCS#12 file's certificate bags (PBES2, AES-256): the CA is exported
    // only after that section is decrypted with the stored password.
    let ca = PathBuf::from(var("TU_TLS_CA"));
    let lab = Lab::new(|d| truststore(d, "good.p12", &ca), &var("TU_MARIA_PORT"));
    let out = lab.run(&["db", "check"], None);
    out.assert_code(0, "db check with a PKCS#12 truststore");
    assert!(
        out.stdout.contains("1 trusted certificate from") && out.stdout.contains("(PKCS12)"),
        "{}",
        out.stdout
    );
    lab.assert_tmp_empty();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn an_unrelated_ca_fails_with_the_tls_class() {
    let lab = Lab::new(
        |d| {
            let key = d.join("other.key");
            let pem = d.join("other.pem");
            tool(
                "openssl",
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-sha256",
                    "-days",
                    "30",
                    "-keyout",
                    key.to_str().unwrap(),
                    "-out",
                    pem.to_str().unwrap(),
                    "-subj",
                    "/CN=unrelated test CA",
                ],
            );
            truststore(d, "other.jks", &pem)
        },
        &var("TU_MARIA_PORT"),
    );
    let out = lab.run(&["db", "check", "--json"], None);
    out.assert_code(16, "an unrelated CA");
    let j = out.json();
    assert_eq!(j["class"], "tls", "{j}");
    assert!(out.stdout.contains("certificate"), "the cause is named: {}", out.stdout);
    lab.assert_tmp_empty();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn the_watchdog_removes_the_exported_ca_file() {
    let ca = PathBuf::from(var("TU_TLS_CA"));
    // The silent listener accepts TCP and never answers: only the watchdog ends the probe, with
    // _exit, so the CA file must be removed by the signal handler itself.
    let lab = Lab::new(|d| truststore(d, "good.jks", &ca), &var("TU_HANG_PORT"));
    let out = lab.run(&["db", "check", "timeout=1"], None);
    out.assert_code(12, "timeout");
    lab.assert_tmp_empty();
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_broken_truststore_fails_before_connecting() {
    let ca = PathBuf::from(var("TU_TLS_CA"));
    let lab = Lab::new(|d| truststore(d, "good.jks", &ca), &var("TU_MARIA_PORT"));
    let ts = lab.home.outside().join("good.jks");
    std::fs::write(&ts, b"").unwrap();
    let out = lab.run(&["db", "check"], None);
    out.assert_code(16, "empty truststore file");
    assert!(
        out.stdout.contains("truststore") && out.stdout.contains("empty"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("PASS  connect"), "{}", out.stdout);
    lab.assert_tmp_empty();
}

/// Whether `pid` holds a socket and a descriptor of a file in `dir`: it is connecting, with the
/// CA exported.
fn connecting_with_ca(pid: u32, dir: &Path) -> (bool, bool) {
    let mut socket = false;
    let mut ca = false;
    if let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
        for fd in fds.flatten() {
            if let Ok(t) = std::fs::read_link(fd.path()) {
                socket |= t.to_string_lossy().starts_with("socket:");
                ca |= t.starts_with(dir);
            }
        }
    }
    (socket, ca)
}

/// SIGINT or SIGTERM during a TLS `db check` left the exported CA PEM in the temporary
/// directory, and SIGHUP, SIGQUIT or SIGKILL could too. The CA is now a file without a name
/// (O_TMPFILE) that the driver opens as /proc/self/fd/N: while the check waits on a server that
/// never answers, the process holds it, and after each signal nothing is left.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn a_signal_during_a_tls_check_left_the_ca_pem_in_tmp() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let ca = PathBuf::from(var("TU_TLS_CA"));
    let lab = Lab::new(|d| truststore(d, "good.jks", &ca), &var("TU_HANG_PORT"));
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT, libc::SIGKILL] {
        let mut c = lab.home.cmd(["db", "check", "timeout=30"]);
        c.env("ODBCSYSINI", var("ODBCSYSINI"))
            .env("TMPDIR", &lab.tmp)
            .current_dir(lab.home.outside())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        // SAFETY: setrlimit in the child before exec; SIGQUIT must not leave a core file.
        unsafe {
            c.pre_exec(|| {
                let none = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &none);
                Ok(())
            });
        }
        let mut child = c.spawn().unwrap();
        let start = std::time::Instant::now();
        let mut seen = (false, false);
        while start.elapsed() < std::time::Duration::from_secs(10) {
            seen = connecting_with_ca(child.id(), &lab.tmp);
            if seen == (true, true) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(
            seen,
            (true, true),
            "signal {sig}: the check never held a socket and the CA file"
        );
        // SAFETY: kill(2) on the child we spawned and have not yet waited for.
        unsafe { libc::kill(i32::try_from(child.id()).unwrap(), sig) };
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(sig), "ended by the signal it got: {status:?}");
        lab.assert_tmp_empty();
    }
}
