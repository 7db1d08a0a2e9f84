//! `log collect` end to end: real archives checked by Info-ZIP `unzip -t` and Python's
//! zipfile, planted secrets searched for in every byte, a log growing during collection,
//! unreadable files, symlink loops, Unicode names, an empty logs directory and a full disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod log_common;

use common::Tree as FsTree;
use common::{Home, Out, run_cmd};
use log_common::{member_names, need, python, sha256_hex};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use travelerutil::secret::Secret;
use travelerutil::store::{DbSettings, Settings, SslSettings, StoreFile, SupportSettings};

const DB_PW: &str = "Db-S3cr3t-9f2k";
const KS_PW: &str = "Ks-Pa55-zz81";
const SFTP_PW: &str = "Sftp-Pa55-q7";
const INLINE_PW: &str = "inline-pw-771x";
const PEM_BODY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";

struct Tree {
    home: Home,
    data: PathBuf,
    logs: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let home = Home::new();
        let data = home.outside().join("notesdata");
        let logs = data.join("IBM_TECHNICAL_SUPPORT/traveler/logs");
        fs::create_dir_all(&logs).unwrap();
        Tree { home, data, logs }
    }

    /// The store with passwords in every section, and optionally a support case.
    fn store(&self, case: Option<&str>) {
        let s = Settings {
            db: Some(DbSettings {
                url: "jdbc:db2://db.example.com:50000/TRAVELER".into(),
                user: Some("db2inst1".into()),
                password: Some(Secret::from(DB_PW)),
                ..DbSettings::default()
            }),
            ssl: Some(SslSettings {
                keystore: Some(StoreFile {
                    path: "/local/notesdata/keystore.p12".into(),
                    password: Some(Secret::from(KS_PW)),
                    store_type: "PKCS12".into(),
                    ..StoreFile::default()
                }),
                truststore: None,
            }),
            support: Some(SupportSettings {
                case: case.map(str::to_owned),
                password: Some(Secret::from(SFTP_PW)),
                ..SupportSettings::default()
            }),
            ..Settings::default()
        };
        common::write_settings(self.home.dir(), &s);
    }

    /// A realistic logs directory with planted secrets.
    fn populate(&self) {
        let l = &self.logs;
        let mut errors = String::new();
        for i in 0..20_000 {
            errors.push_str(&format!(
                "23.11.2026 04:{:02}:{:02}.{i:03} SEVERE Thread-{i} DB connection failed for user db2inst1\n",
                i % 60,
                i % 60
            ));
            if i == 777 {
                errors.push_str(&format!(
                    "23.11.2026 04:00:00 INFO command: travelerUtil db set pw={INLINE_PW}\n"
                ));
                errors.push_str(&format!(
                    "23.11.2026 04:00:00 INFO jdbc:db2://h:50000/T:user=x;password={DB_PW};\n"
                ));
                errors.push_str(&format!(
                    "23.11.2026 04:00:01 FINE keystore opened with {KS_PW} (sic)\n"
                ));
                errors.push_str("23.11.2026 04:00:02 FINE Authorization: Basic ZGIyaW5zdDE6aHVudGVyMg==\n");
            }
        }
        fs::write(l.join("NTSErrors.log"), &errors).unwrap();
        fs::write(
            l.join("NTSActivity.log"),
            format!("start\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\nAAAABBBB\n-----END RSA PRIVATE KEY-----\nend {SFTP_PW}\n"),
        )
        .unwrap();
        fs::write(l.join("NTSUsage.log"), "usage line\n".repeat(1000)).unwrap();
        fs::write(l.join("NTSAudit.log"), "").unwrap();
        fs::write(l.join("TravelerInstall.log"), "Installed 14.5.0\n").unwrap();
        fs::write(l.join("NTSErrors_bin.dat"), [0u8, 1, 2, 3, 0, 255]).unwrap();
        fs::create_dir(l.join("Ünïcødé")).unwrap();
        fs::write(l.join("Ünïcødé/日本語.log"), "こんにちは\n").unwrap();
        // A rotated log, zipped by Info-ZIP as Traveler zips its rotations.
        fs::write(l.join("rot.log"), "rotated line\n".repeat(5000)).unwrap();
        let st = Command::new("zip")
            .args(["-q", "-j", "NTSUsage_2026.11.22_00.00.00.zip", "rot.log"])
            .current_dir(l)
            .status()
            .unwrap();
        assert!(st.success());
        fs::remove_file(l.join("rot.log")).unwrap();
        fs::write(
            self.data.join("notes.ini"),
            format!("[Notes]\r\nDirectory={}\r\nSERVER_PW={DB_PW}\r\n", self.data.display()),
        )
        .unwrap();
        fs::create_dir_all(self.data.join("traveler/cfg")).unwrap();
        fs::write(
            self.data.join("traveler/cfg/NTS_DB_Settings.properties"),
            format!("url=jdbc:db2://h\npassword={DB_PW}\n"),
        )
        .unwrap();
    }

    fn run(&self, args: &[&str]) -> Out {
        let mut c = self.home.cmd(["--data-dir", self.data.to_str().unwrap()]);
        c.args(args);
        run_cmd(c, None)
    }
}

/// Python's zipfile: testzip(), every member's sha256, and the manifest.
fn python_check(archive: &Path) -> serde_json::Value {
    let script = r#"
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
members = {i.filename: hashlib.sha256(z.read(i.filename)).hexdigest() for i in z.infolist()}
print(json.dumps({"bad": bad, "members": members, "manifest": json.loads(z.read("manifest.json"))}))
"#;
    serde_json::from_slice(&python(script, archive)).unwrap()
}

fn unzip_t(archive: &Path) {
    need("unzip");
    let o = Command::new("unzip").arg("-t").arg(archive).output().unwrap();
    assert!(
        o.status.success(),
        "unzip -t {}:\n{}{}",
        archive.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every member, decompressed by Python (so stored and deflated entries are both searched).
fn all_member_bytes(archive: &Path) -> Vec<u8> {
    python(
        "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nsys.stdout.buffer.write(b''.join(z.read(n) for n in z.namelist()))",
        archive,
    )
}

/// `log collect --json`, asserting exit 0: the output and the archive.
fn collected(t: &Tree) -> (Out, PathBuf) {
    let out = t.run(&["log", "collect", "--json"]);
    out.assert_code(0, "collect");
    let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
    (out, archive)
}

fn find(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn manifest_file<'a>(m: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the manifest: {m:#}"))
}

#[test]
fn collect_writes_a_checked_archive_without_any_secret() {
    need("zip");
    let t = Tree::new();
    t.store(Some("CS1234567"));
    t.populate();
    let out = t.run(&["log", "collect", "--json"]);
    out.assert_code(0, "log collect");
    let j = out.json();
    let archive = PathBuf::from(j["archive"].as_str().unwrap());
    assert_eq!(
        archive.parent().unwrap(),
        t.logs,
        "goes in the logs directory by default"
    );
    let name = archive.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("CS1234567.traveler."), "{name}");
    assert!(name.ends_with(".zip"));
    assert!(!t.logs.join(format!("{name}.partial")).exists());
    unzip_t(&archive);

    // .sha256 beside it, in sha256sum's format, and the JSON summary agrees.
    let sums = fs::read_to_string(t.logs.join(format!("{name}.sha256"))).unwrap();
    let st = Command::new("sha256sum")
        .args(["-c", "--quiet"])
        .arg(format!("{name}.sha256"))
        .current_dir(&t.logs)
        .status()
        .unwrap();
    assert!(st.success(), "sha256sum -c: {sums}");
    assert!(sums.starts_with(j["sha256"].as_str().unwrap()));
    assert_eq!(j["bytes"].as_u64().unwrap(), fs::metadata(&archive).unwrap().len());

    let p = python_check(&archive);
    assert!(p["bad"].is_null(), "testzip: {}", p["bad"]);
    let m = &p["manifest"];
    assert_eq!(m["case"], "CS1234567");
    assert_eq!(m["tool"], "travelerUtil");
    assert_eq!(m["redaction"]["enabled"], true);
    assert_eq!(m["redaction"]["store_secrets"], 3);
    assert!(
        m["redaction"]["rotated_zips"]
            .as_str()
            .unwrap()
            .contains("not redacted")
    );
    // Every manifest line matches the member's bytes; every member but the manifest is listed.
    let members = p["members"].as_object().unwrap();
    for f in m["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        assert_eq!(members[path], f["sha256"], "{path}");
    }
    assert_eq!(members.len(), m["files"].as_array().unwrap().len() + 1);
    for want in [
        "logs/NTSErrors.log",
        "logs/NTSActivity.log",
        "logs/NTSUsage.log",
        "logs/NTSAudit.log",
        "logs/TravelerInstall.log",
        "logs/NTSErrors_bin.dat",
        "logs/NTSUsage_2026.11.22_00.00.00.zip",
        "logs/Ünïcødé/日本語.log",
        "notes.ini",
        "traveler/cfg/NTS_DB_Settings.properties",
        "travelerutil/db-show.json",
        "travelerutil/ssl-show.json",
    ] {
        assert!(members.contains_key(want), "{want} missing: {members:?}");
    }
    let errors = manifest_file(m, "logs/NTSErrors.log");
    assert_eq!(errors["redactions"], 4, "{errors}");
    assert_eq!(manifest_file(m, "logs/NTSActivity.log")["redactions"], 2);
    assert_eq!(manifest_file(m, "logs/NTSAudit.log")["bytes"], 0);
    assert!(
        manifest_file(m, "logs/NTSUsage_2026.11.22_00.00.00.zip")["note"]
            .as_str()
            .unwrap()
            .contains("not redacted")
    );
    // The rotated zip is stored byte for byte.
    let rot = fs::read(t.logs.join("NTSUsage_2026.11.22_00.00.00.zip")).unwrap();
    assert_eq!(
        members["logs/NTSUsage_2026.11.22_00.00.00.zip"].as_str().unwrap(),
        sha256_hex(&rot)
    );

    // Not one planted secret in any byte: the archive, its decompressed members, the output.
    let raw = fs::read(&archive).unwrap();
    let inflated = all_member_bytes(&archive);
    for s in [DB_PW, KS_PW, SFTP_PW, INLINE_PW, PEM_BODY, "ZGIyaW5zdDE6aHVudGVyMg=="] {
        for (what, hay) in [
            ("archive", &raw),
            ("members", &inflated),
            ("stdout", &out.raw_stdout),
            ("stderr", &out.raw_stderr),
        ] {
            assert!(!find(hay, s), "{s} found in the {what}");
        }
    }
    assert!(find(&inflated, "pw=*****"));
    assert!(find(
        &inflated,
        "-----BEGIN RSA PRIVATE KEY-----\n*****\n-----END RSA PRIVATE KEY-----"
    ));
}

#[test]
fn human_output_and_out_dir_and_no_redact() {
    let t = Tree::new();
    t.populate();
    let out_dir = t.home.outside().join("bundles");
    fs::create_dir(&out_dir).unwrap();
    let out = t.run(&["log", "collect", &format!("out={}", out_dir.display()), "--no-redact"]);
    out.assert_code(0, "log collect out=");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let archive = PathBuf::from(lines[0]);
    assert_eq!(archive.parent().unwrap(), out_dir);
    assert!(archive.file_name().unwrap().to_string_lossy().starts_with("traveler."));
    assert!(lines[1].starts_with("size:"));
    assert!(lines[2].starts_with("sha256:"));
    assert!(out.stderr.contains("redaction OFF"), "{}", out.stderr);
    let p = python_check(&archive);
    assert_eq!(p["manifest"]["redaction"]["enabled"], false);
    assert!(
        p["manifest"]["redaction"]["note"]
            .as_str()
            .unwrap()
            .contains("--no-redact")
    );
    assert!(p["manifest"]["case"].is_null());
    // Off means off: the inline password is there, as on disk.
    assert!(find(&all_member_bytes(&archive), INLINE_PW));
}

#[test]
fn filters_since_skip_max_file_size_and_estimate() {
    let t = Tree::new();
    t.populate();
    // An old file (mtime 2020) for --since.
    let old = t.logs.join("NTSErrors_old.log");
    fs::write(&old, "old\n").unwrap();
    let st = Command::new("touch")
        .args(["-d", "2020-01-01"])
        .arg(&old)
        .status()
        .unwrap();
    assert!(st.success());

    let est = t.run(&["log", "collect", "--estimate", "--json"]);
    est.assert_code(0, "estimate");
    let e = est.json();
    assert_eq!(e["status"], "estimate");
    assert!(e["estimated_archive_bytes"].as_u64().unwrap() > 0);
    let n_all = e["files"].as_u64().unwrap();
    let text = t.run(&["log", "collect", "--estimate"]);
    text.assert_code(0, "estimate");
    assert!(text.stdout.contains("nothing written"), "{}", text.stdout);
    let bundles = |d: &Path| {
        fs::read_dir(d)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains(".zip.sha256")
            })
            .count()
    };
    assert_eq!(bundles(&t.logs), 0, "--estimate writes nothing");

    let out = t.run(&[
        "log",
        "collect",
        "--json",
        "--since",
        "2025-01-01",
        "--skip",
        "NTSUsage*",
        "--max-file-size",
        "10k",
    ]);
    out.assert_code(0, "filters");
    let j = out.json();
    let p = python_check(Path::new(j["archive"].as_str().unwrap()));
    let m = &p["manifest"];
    let members = p["members"].as_object().unwrap();
    assert!(!members.contains_key("logs/NTSErrors_old.log"));
    assert!(!members.contains_key("logs/NTSUsage.log"));
    let skipped = m["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["reason"] == "older than --since"));
    assert!(skipped.iter().any(|s| s["reason"] == "matches --skip"));
    assert!((j["files"].as_u64().unwrap()) < n_all + 3);
    let f = manifest_file(m, "logs/NTSErrors.log");
    let tr = &f["truncated"];
    assert!(tr["kept_bytes"].as_u64().unwrap() <= 10 * 1024, "{f}");
    assert!(tr["original_bytes"].as_u64().unwrap() > 10 * 1024);
    // The tail, from a line start: the last line of the file is there, the first is not.
    let script =
        "import sys, zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read('logs/NTSErrors.log'))";
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(j["archive"].as_str().unwrap())
        .output()
        .unwrap();
    let kept = String::from_utf8(o.stdout).unwrap();
    assert!(kept.starts_with("23.11.2026"), "starts mid-line: {:?}", &kept[..40]);
    assert!(kept.ends_with("Thread-19999 DB connection failed for user db2inst1\n"));

    let bad = t.run(&["log", "collect", "--since", "someday"]);
    bad.assert_code(2, "bad --since");
    assert!(
        bad.stderr.contains("someday") && bad.stderr.contains("--since") && bad.stderr.contains("not a date"),
        "{}",
        bad.stderr
    );
    let bad = t.run(&["log", "collect", "--max-file-size", "lots"]);
    bad.assert_code(2, "bad size");
    let bad = t.run(&["log", "collect", "outt=/tmp"]);
    bad.assert_code(2, "unknown key");
    assert!(bad.stderr.contains("did you mean `out=`"), "{}", bad.stderr);
}

#[test]
fn growing_log_is_snapshotted_at_open() {
    let t = Tree::new();
    let big = t.logs.join("NTSActivity.log");
    let line = "23.11.2026 04:00:00.000 INFO Thread-1 sync complete items=12345 for device Android_abcdef\n";
    fs::write(&big, line.repeat(400_000)).unwrap(); // ~37 MiB: collection takes a while
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, big) = (stop.clone(), big.clone());
        // Another process appends (as Traveler does) while the bundle is written.
        std::thread::spawn(move || {
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "while :; do echo 'appended line during collection' >> '{}'; done",
                    big.display()
                ))
                .spawn()
                .unwrap();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            child.kill().unwrap();
            child.wait().unwrap();
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = t.run(&["log", "collect", "--json"]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.join().unwrap();
    out.assert_code(0, "collect while appending");
    let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
    unzip_t(&archive);
    let p = python_check(&archive);
    assert!(p["bad"].is_null());
    let f = manifest_file(&p["manifest"], "logs/NTSActivity.log");
    let grown = fs::read(&big).unwrap();
    let bytes = f["bytes"].as_u64().unwrap();
    assert_eq!(bytes, f["source_bytes"].as_u64().unwrap());
    assert!((grown.len() as u64) > bytes, "the file kept growing after the snapshot");
    assert_eq!(
        p["members"]["logs/NTSActivity.log"].as_str().unwrap(),
        sha256_hex(&grown[..bytes as usize]),
        "the entry is exactly the file's prefix at open time"
    );
}

#[test]
fn unreadable_files_symlink_loops_and_links_outside_are_recorded() {
    let t = Tree::new();
    let l = &t.logs;
    fs::write(l.join("NTSErrors.log"), "ok\n").unwrap();
    fs::write(l.join("secret.log"), "nobody may read this\n").unwrap();
    fs::set_permissions(l.join("secret.log"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::create_dir(l.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", l.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", l.join("outside")).unwrap();
    std::os::unix::fs::symlink("NTSErrors.log", l.join("inside.log")).unwrap();
    std::os::unix::fs::symlink("gone.log", l.join("dangling.log")).unwrap();
    // Root reads any file, so the collection runs as `nobody` (setpriv) when the test is root.
    let out_dir = t.home.outside().join("out");
    fs::create_dir(&out_dir).unwrap();
    for d in [t.home.outside(), &t.data, &out_dir] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o777)).unwrap();
    }
    for d in [
        "IBM_TECHNICAL_SUPPORT",
        "IBM_TECHNICAL_SUPPORT/traveler",
        "IBM_TECHNICAL_SUPPORT/traveler/logs",
    ] {
        fs::set_permissions(t.data.join(d), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let root = unsafe { libc::geteuid() } == 0;
    let mut c = if root {
        need("setpriv");
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::bin());
        c
    } else {
        Command::new(common::bin())
    };
    for v in common::product_env() {
        c.env_remove(v);
    }
    c.env("TRAVELERUTIL_HOME", t.home.outside().join("nobody-home"))
        .env("NO_COLOR", "1")
        .args(["--data-dir", t.data.to_str().unwrap(), "log", "collect", "--json"])
        .arg(format!("out={}", out_dir.display()));
    let out = run_cmd(c, None);
    out.assert_code(0, "collect with unreadable files");
    let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
    unzip_t(&archive);
    let p = python_check(&archive);
    let m = &p["manifest"];
    let skipped = m["skipped"].as_array().unwrap();
    let reason = |name: &str| {
        skipped
            .iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(name))
            .map(|s| s["reason"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("{name} not recorded as skipped: {m:#}"))
    };
    assert!(
        reason("secret.log").contains("cannot be read"),
        "{}",
        reason("secret.log")
    );
    assert!(reason("sub/loop").contains("loop"));
    assert!(reason("outside").contains("outside"));
    assert!(reason("dangling.log").contains("cannot be read"));
    let members = p["members"].as_object().unwrap();
    assert!(members.contains_key("logs/NTSErrors.log"));
    assert!(
        members.contains_key("logs/inside.log"),
        "a link inside the directory is followed"
    );
    assert!(!members.keys().any(|k| k.contains("outside") || k.contains("passwd")));
    assert!(
        out.stderr.contains("secret.log"),
        "each skipped file is reported: {}",
        out.stderr
    );
}

#[test]
fn empty_logs_dir_and_missing_logs_dir() {
    let t = Tree::new();
    let out = t.run(&["log", "collect", "--json"]);
    out.assert_code(0, "empty logs dir");
    assert!(out.stderr.contains("no log files found"), "{}", out.stderr);
    let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
    unzip_t(&archive);
    let p = python_check(&archive);
    let names: Vec<&String> = p["members"].as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "travelerutil/db-show.json",
            "travelerutil/ssl-show.json"
        ]
    );

    let nowhere = t.home.outside().join("no-such-data");
    let mut c = t.home.cmd(["--data-dir", nowhere.to_str().unwrap(), "log", "collect"]);
    c.current_dir(t.home.outside());
    let out = run_cmd(c, None);
    out.assert_code(14, "missing logs dir");
    assert!(
        out.stderr
            .contains(&format!("{}/IBM_TECHNICAL_SUPPORT/traveler/logs", nowhere.display())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--data-dir"), "{}", out.stderr);

    // Without --data-dir: Directory= in ./notes.ini, then /local/notesdata; both named.
    fs::write(
        t.home.outside().join("notes.ini"),
        format!("[Notes]\nDirectory={}\n", nowhere.display()),
    )
    .unwrap();
    let mut c = t.home.cmd(["log", "collect"]);
    c.current_dir(t.home.outside());
    let out = run_cmd(c, None);
    out.assert_code(14, "notes.ini dir");
    assert!(out.stderr.contains("Directory= in"), "{}", out.stderr);
    fs::remove_file(t.home.outside().join("notes.ini")).unwrap();
    let mut c = t.home.cmd(["log", "collect"]);
    c.current_dir(t.home.outside());
    let out = run_cmd(c, None);
    if !Path::new("/local/notesdata/IBM_TECHNICAL_SUPPORT/traveler/logs").exists() {
        out.assert_code(14, "default dir");
        assert!(out.stderr.contains("/local/notesdata"), "{}", out.stderr);
        assert!(out.stderr.contains("notes.ini: not found"), "{}", out.stderr);
    }
}

/// Unmounts the tmpfs even when an assertion fails.
struct Mount(PathBuf);

impl Mount {
    /// A tmpfs of `bytes` at `dir` (created), unmounted on drop.
    fn tmpfs(dir: &Path, bytes: u64) -> (PathBuf, Mount) {
        fs::create_dir(dir).unwrap();
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir)
            .status()
            .expect("mount");
        assert!(
            st.success(),
            "this test needs `mount -t tmpfs` (run as root, or in a container with CAP_SYS_ADMIN)"
        );
        (dir.to_path_buf(), Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_leaves_no_partial_file_and_the_logs_untouched() {
    let t = Tree::new();
    // 6 MiB that does not compress (stored as a rotated zip) against a 2 MiB file system.
    let mut noise = vec![0u8; 6 << 20];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in &mut noise {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    fs::write(t.logs.join("NTSActivity_2026.11.01.zip"), &noise).unwrap();
    fs::write(t.logs.join("NTSErrors.log"), "error line\n".repeat(1000)).unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = {
        let mut v: Vec<_> = fs::read_dir(&t.logs)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let b = fs::read(&p).unwrap();
                (p, b)
            })
            .collect();
        v.sort();
        v
    };
    let (mnt, _guard) = Mount::tmpfs(&t.home.outside().join("small"), 2 << 20);
    let out = t.run(&["log", "collect", &format!("out={}", mnt.display())]);
    out.assert_code(74, "full disk");
    assert!(out.stderr.contains("no space left"), "{}", out.stderr);
    assert!(out.stderr.contains("partial archive was removed"), "{}", out.stderr);
    let left: Vec<_> = fs::read_dir(&mnt).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let mut after: Vec<_> = fs::read_dir(&t.logs)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    after.sort();
    assert!(before == after, "the logs changed");
}

#[test]
fn pem_block_and_secrets_across_the_chunk_boundary() {
    // The collector cuts text into 1 MiB pieces of whole lines, redacted on different threads:
    // a key block that starts in one piece and ends in the next must still be masked whole.
    let t = Tree::new();
    t.store(None);
    let filler = "x".repeat(99) + "\n";
    let mut text = filler.repeat((1 << 20) / 100 - 2);
    text.push_str("-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
    for _ in 0..200 {
        text.push_str(PEM_BODY);
        text.push('\n');
    }
    text.push_str("-----END ENCRYPTED PRIVATE KEY-----\n");
    text.push_str(&format!("after pw={INLINE_PW} and {DB_PW}\n"));
    text.push_str(&filler.repeat(20_000));
    fs::write(t.logs.join("NTSActivity.log"), &text).unwrap();
    let (_, archive) = collected(&t);
    let inflated = all_member_bytes(&archive);
    for s in [PEM_BODY, INLINE_PW, DB_PW] {
        assert!(!find(&inflated, s), "{s} leaked across the chunk boundary");
    }
    assert!(find(
        &inflated,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n*****\n-----END ENCRYPTED PRIVATE KEY-----\nafter pw=*****"
    ));
    let p = python_check(&archive);
    assert_eq!(manifest_file(&p["manifest"], "logs/NTSActivity.log")["redactions"], 3);
}

#[test]
fn progress_bar_only_on_a_terminal_and_never_with_quiet() {
    let t = Tree::new();
    let line = "23.11.2026 04:00:00.000 INFO Thread-1 sync complete items=12345 for device Android_abcdef\n";
    fs::write(t.logs.join("NTSActivity.log"), line.repeat(300_000)).unwrap();
    let spawn = |extra: &[&str]| {
        let mut c = Command::new(common::bin());
        for v in common::product_env() {
            c.env_remove(v);
        }
        c.env("TRAVELERUTIL_HOME", t.home.dir())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .args(["--data-dir", t.data.to_str().unwrap(), "log", "collect"])
            .args(extra);
        rexpect::session::spawn_command(c, Some(120_000)).expect("spawn in a PTY")
    };
    let mut s = spawn(&[]);
    s.exp_string("collecting [").expect("a progress bar on the terminal");
    let rest = s.exp_eof().unwrap();
    assert!(rest.contains("sha256:"), "{rest}");
    let mut s = spawn(&["-q"]);
    let all = s.exp_eof().unwrap();
    assert!(!all.contains("collecting"), "-q shows no bar: {all}");
    assert!(all.contains("sha256:"), "the data is still printed: {all}");
    // Without a terminal (a pipe), no bar either.
    let out = t.run(&["log", "collect"]);
    out.assert_code(0, "piped");
    assert!(!out.stderr.contains("collecting"), "{}", out.stderr);
}

#[test]
fn collect_for_case_is_what_pmr_calls() {
    use travelerutil::cli::GlobalOpts;
    use travelerutil::cmd::{Ctx, log::collect_for_case};
    let t = Tree::new();
    t.store(Some("CS7654321"));
    t.populate();
    let g = GlobalOpts {
        data_dir: Some(t.data.clone()),
        home: Some(t.home.dir().to_path_buf()),
        quiet: true,
        no_input: true,
        ..GlobalOpts::default()
    };
    let mut ctx = Ctx::new(g).unwrap();
    // The case passed in wins over the stored one.
    let archive = collect_for_case(&mut ctx, "TS012345678").unwrap();
    assert_eq!(archive.parent().unwrap(), t.logs);
    let name = archive.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("TS012345678.traveler."), "{name}");
    unzip_t(&archive);
    let p = python_check(&archive);
    assert_eq!(p["manifest"]["case"], "TS012345678");
    assert!(!find(&all_member_bytes(&archive), DB_PW));
}

// ---------------------------------------------------------------------------------------------
// Regression tests of the hardening review: each is named after the hole it closes.

use std::os::unix::fs::symlink;

/// A root-only file outside the data directory, as an attacker would point a link at.
fn outside_secret(t: &Tree) -> PathBuf {
    let dir = t.home.outside().join("root-only");
    fs::create_dir(&dir).unwrap();
    let f = dir.join("shadow");
    fs::write(&f, "root:OUTSIDE-CONTENT-x9:19000:0:99999:7:::\n").unwrap();
    fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
    f
}

fn skipped_reason(m: &serde_json::Value, suffix: &str) -> String {
    m["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with(suffix))
        .map(|s| s["reason"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{suffix} not recorded as skipped: {m:#}"))
}

#[test]
fn notes_ini_symlink_out_of_the_data_dir_was_bundled() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "ok\n").unwrap();
    let secret = outside_secret(&t);
    symlink(&secret, t.data.join("notes.ini")).unwrap();
    let (out, archive) = collected(&t);
    assert!(
        !find(&all_member_bytes(&archive), "OUTSIDE-CONTENT"),
        "the outside file was bundled"
    );
    let p = python_check(&archive);
    assert!(!p["members"].as_object().unwrap().contains_key("notes.ini"));
    assert!(skipped_reason(&p["manifest"], "notes.ini").contains("outside"));
    assert!(out.stderr.contains("notes.ini"), "{}", out.stderr);
}

#[test]
fn cfg_symlink_to_another_directory_was_bundled() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "ok\n").unwrap();
    let secret = outside_secret(&t);
    fs::create_dir_all(t.data.join("traveler")).unwrap();
    symlink(secret.parent().unwrap(), t.data.join("traveler/cfg")).unwrap();
    let (out, archive) = collected(&t);
    assert!(!find(&all_member_bytes(&archive), "OUTSIDE-CONTENT"));
    let p = python_check(&archive);
    assert!(
        !p["members"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("traveler/cfg"))
    );
    assert!(skipped_reason(&p["manifest"], "traveler/cfg").contains("outside"));
    assert!(out.stderr.contains("traveler/cfg"), "{}", out.stderr);
}

#[test]
fn links_inside_cfg_stay_inside_cfg() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "ok\n").unwrap();
    let secret = outside_secret(&t);
    let cfg = t.data.join("traveler/cfg");
    fs::create_dir_all(&cfg).unwrap();
    fs::write(cfg.join("NTS_DB_Settings.properties"), "url=x\n").unwrap();
    symlink(&secret, cfg.join("stolen.properties")).unwrap();
    // Inside the data directory but outside cfg: also out of the directory being collected.
    symlink(t.data.join("notes.ini"), cfg.join("ini.properties")).unwrap();
    fs::write(t.data.join("notes.ini"), "Directory=/x\n").unwrap();
    let (_, archive) = collected(&t);
    let p = python_check(&archive);
    let members = p["members"].as_object().unwrap();
    assert!(members.contains_key("traveler/cfg/NTS_DB_Settings.properties"));
    assert!(!members.contains_key("traveler/cfg/stolen.properties"));
    assert!(!members.contains_key("traveler/cfg/ini.properties"));
    assert!(skipped_reason(&p["manifest"], "stolen.properties").contains("outside"));
    assert!(skipped_reason(&p["manifest"], "ini.properties").contains("outside"));
}

#[test]
fn symlinked_logs_dir_was_not_shown_as_what_it_is() {
    let t = Tree::new();
    // The real logs live elsewhere (a second disk); the data directory links to them.
    let real = t.home.outside().join("disk2/traveler-logs");
    fs::create_dir_all(&real).unwrap();
    fs::write(real.join("NTSErrors.log"), "ok\n").unwrap();
    fs::remove_dir(&t.logs).unwrap();
    symlink(&real, &t.logs).unwrap();
    let real = fs::canonicalize(&real).unwrap();
    let real_s = real.display().to_string();

    let out = t.run(&["log", "collect", "--json"]);
    out.assert_code(0, "collect");
    let j = out.json();
    assert!(
        out.stderr.contains("symlink") && out.stderr.contains(&real_s),
        "{}",
        out.stderr
    );
    assert_eq!(Path::new(j["archive"].as_str().unwrap()).parent().unwrap(), real);
    let p = python_check(Path::new(j["archive"].as_str().unwrap()));
    assert_eq!(p["manifest"]["logs_dir"], real_s.as_str());
    assert!(p["members"].as_object().unwrap().contains_key("logs/NTSErrors.log"));

    let est = t.run(&["log", "collect", "--estimate"]);
    est.assert_code(0, "estimate");
    assert!(est.stderr.contains(&real_s), "{}", est.stderr);
    let dry = t.run(&["log", "clear", "--dry-run", "force"]);
    dry.assert_code(0, "clear --dry-run");
    assert!(
        dry.stderr.contains("symlink") && dry.stderr.contains(&real_s),
        "{}",
        dry.stderr
    );
    assert!(
        dry.stdout.contains(&format!("{real_s}/NTSErrors.log")),
        "{}",
        dry.stdout
    );
}

#[test]
fn bundle_and_sha256_were_world_readable() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "ok\n").unwrap();
    let out = t.run(&["log", "collect", "--json"]);
    out.assert_code(0, "collect");
    let j = out.json();
    for k in ["archive", "sha256_file"] {
        let mode = fs::metadata(j[k].as_str().unwrap()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{k}: {mode:o}");
    }
}

#[test]
fn zip_entry_names_kept_control_characters_and_backslashes() {
    let t = Tree::new();
    fs::write(t.logs.join("esc\x1b[2J.log"), "a\n").unwrap();
    fs::write(t.logs.join("tab\there.log"), "b\n").unwrap();
    fs::write(t.logs.join("back\\slash.log"), "c\n").unwrap();
    fs::write(t.logs.join("nl\nname.log"), "d\n").unwrap();
    let (_, archive) = collected(&t);
    unzip_t(&archive);
    let names = member_names(&archive);
    for n in &names {
        assert!(!n.chars().any(|c| c.is_control() || c == '\\'), "not portable: {n:?}");
    }
    let logs: Vec<&String> = names.iter().filter(|n| n.starts_with("logs/")).collect();
    assert_eq!(logs.len(), 4, "{names:?}");
}

#[test]
fn skipped_names_reached_stderr_with_raw_control_characters() {
    let t = Tree::new();
    fs::write(t.logs.join("ok.log"), "a\n").unwrap();
    symlink("/etc/passwd", t.logs.join("evil\x1b]0;title\x07\r\nmode: x")).unwrap();
    let out = t.run(&["log", "collect"]);
    out.assert_code(0, "collect");
    assert!(!out.raw_stderr.contains(&0x1b), "{:?}", out.stderr);
    assert!(!out.stderr.contains("\r"), "{:?}", out.stderr);
    assert!(
        out.stderr.contains("evil\\x1b]0;title\\x07\\r\\nmode: x"),
        "{:?}",
        out.stderr
    );
}

/// A logs tree big enough that a collection runs for a while.
fn slow_tree(t: &Tree) {
    let line = "23.11.2026 04:00:00.000 INFO Thread-1 sync complete items=12345 for device Android_abcdef\n";
    for i in 0..4 {
        fs::write(t.logs.join(format!("NTSActivity_{i}.log")), line.repeat(300_000)).unwrap();
    }
}

#[test]
fn sighup_and_sigquit_left_the_partial_file() {
    let t = Tree::new();
    slow_tree(&t);
    let before = FsTree::of(&t.logs);
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        let mut c = t.home.cmd(["--data-dir", t.data.to_str().unwrap(), "log", "collect"]);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = c.spawn().unwrap();
        let mut seen = false;
        for _ in 0..2000 {
            if fs::read_dir(&t.logs)
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".partial"))
            {
                seen = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(seen, "signal {sig}: no .partial file appeared");
        unsafe {
            libc::kill(child.id() as libc::pid_t, sig);
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "signal {sig}: {:?} {stderr}", out.status);
        assert!(stderr.contains("interrupted"), "{stderr}");
        assert_eq!(FsTree::of(&t.logs), before, "signal {sig}: the logs directory changed");
    }
}

#[test]
fn full_disk_after_the_zip_left_it_beside_an_empty_sha256() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "error line\n".repeat(1000)).unwrap();
    // First learn the archive's size (the same tree gives the same size), then collect into a
    // file system that holds exactly the archive and not one block more.
    let big = t.home.outside().join("big");
    fs::create_dir(&big).unwrap();
    let out = t.run(&["log", "collect", "--json", &format!("out={}", big.display())]);
    out.assert_code(0, "collect");
    let size = out.json()["bytes"].as_u64().unwrap();
    let (mnt, _guard) = Mount::tmpfs(&t.home.outside().join("exact"), size.div_ceil(4096) * 4096);
    let before = FsTree::of(&t.data);
    let out = t.run(&["log", "collect", &format!("out={}", mnt.display())]);
    out.assert_code(74, "no room for the .sha256");
    assert!(out.stderr.contains("no space left"), "{}", out.stderr);
    let left: Vec<_> = fs::read_dir(&mnt).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(FsTree::of(&t.data), before);
}

#[test]
fn two_collections_in_one_second_got_the_same_name() {
    let t = Tree::new();
    fs::write(t.logs.join("NTSErrors.log"), "ok\n").unwrap();
    let mut archives = Vec::new();
    for _ in 0..5 {
        let out = t.run(&["log", "collect", "--json"]);
        out.assert_code(0, "collect");
        archives.push(out.json()["archive"].as_str().unwrap().to_owned());
    }
    // The stamp has one-second resolution: five quick runs share a second somewhere.
    let stamp = |a: &str| {
        let n = Path::new(a).file_name().unwrap().to_string_lossy().into_owned();
        n.split('.').nth(2).unwrap()[..15].to_owned()
    };
    let mut stamps: Vec<String> = archives.iter().map(|a| stamp(a)).collect();
    stamps.sort();
    stamps.dedup();
    assert!(
        stamps.len() < 5,
        "the five runs took more than four seconds: {archives:?}"
    );
    let mut uniq = archives.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), 5, "{archives:?}");
    for a in &archives {
        assert!(Path::new(a).exists(), "{a} was replaced");
        let name = Path::new(a).file_name().unwrap().to_string_lossy().into_owned();
        let st = Command::new("sha256sum")
            .args(["-c", "--quiet"])
            .arg(format!("{name}.sha256"))
            .current_dir(&t.logs)
            .status()
            .unwrap();
        assert!(st.success(), "{name}.sha256");
    }
}

#[test]
fn fifos_sockets_and_devices_were_left_out_silently() {
    let t = Tree::new();
    fs::write(t.logs.join("ok.log"), "a\n").unwrap();
    let fifo = t.logs.join("pipe.log");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let _sock = std::os::unix::net::UnixListener::bind(t.logs.join("sock.log")).unwrap();
    symlink(&fifo, t.logs.join("link-to-pipe.log")).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        assert!(
            Command::new("mknod")
                .arg(t.logs.join("null.log"))
                .args(["c", "1", "3"])
                .status()
                .unwrap()
                .success()
        );
    }
    let mut c = t
        .home
        .cmd(["--data-dir", t.data.to_str().unwrap(), "log", "collect", "--json"]);
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    // A FIFO opened for reading blocks until a writer comes: the walk must never wait on one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("log collect blocked on a FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = common::Out::from_output("collect".into(), child.wait_with_output().unwrap());
    out.assert_code(0, "collect");
    let p = python_check(Path::new(out.json()["archive"].as_str().unwrap()));
    let m = &p["manifest"];
    assert!(skipped_reason(m, "pipe.log").contains("FIFO"));
    assert!(skipped_reason(m, "link-to-pipe.log").contains("FIFO"));
    assert!(skipped_reason(m, "sock.log").contains("socket"));
    if root {
        assert!(skipped_reason(m, "null.log").contains("device"));
    }
    assert!(out.stderr.contains("pipe.log"), "{}", out.stderr);
}

#[test]
fn names_differing_only_by_a_masked_secret_became_duplicate_entries() {
    let t = Tree::new();
    t.store(None);
    fs::write(t.logs.join(format!("a-{DB_PW}.log")), "first\n").unwrap();
    fs::write(t.logs.join(format!("a-{KS_PW}.log")), "second\n").unwrap();
    let (_, archive) = collected(&t);
    let names = member_names(&archive);
    let mut uniq = names.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), names.len(), "duplicate entries: {names:?}");
    let inflated = all_member_bytes(&archive);
    assert!(find(&inflated, "first\n") && find(&inflated, "second\n"));
    for s in [DB_PW, KS_PW] {
        assert!(!names.iter().any(|n| n.contains(s)), "{names:?}");
        assert!(!find(&fs::read(&archive).unwrap(), s));
    }
}

#[test]
fn a_stored_secret_in_file_names_and_reasons_was_printed() {
    let t = Tree::new();
    t.store(None);
    fs::write(t.logs.join("ok.log"), "a\n").unwrap();
    symlink("/etc/passwd", t.logs.join(format!("x{DB_PW}.log"))).unwrap();
    fs::write(t.logs.join(format!("skip-{KS_PW}.log")), "s\n").unwrap();
    for args in [
        &["log", "collect", "--json", "--skip", "skip-*"][..],
        &["log", "collect", "--skip", "skip-*"],
        &["log", "collect", "--estimate", "--json"],
        &["log", "collect", "--estimate"],
        &["log", "clear", "--dry-run", "force"],
        &["log", "clear", "--dry-run", "--json", "force"],
    ] {
        let out = t.run(args);
        out.assert_code(0, &args.join(" "));
        for s in [DB_PW, KS_PW] {
            assert!(!out.stdout.contains(s) && !out.stderr.contains(s), "{args:?}: {out:?}");
        }
        if args.contains(&"--skip") && args.contains(&"--json") {
            let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
            let raw = fs::read(&archive).unwrap();
            let inflated = all_member_bytes(&archive);
            for s in [DB_PW, KS_PW] {
                assert!(!find(&raw, s) && !find(&inflated, s), "{s} in the archive");
            }
        }
    }
}

/// Every form of a stored password that an admin would expect masked.
#[test]
fn encoded_stored_passwords_and_other_secret_forms_survived() {
    use base64ct::Encoding;
    const PW: &str = "p@ss/w:rd é+1";
    let t = Tree::new();
    let s = Settings {
        db: Some(DbSettings {
            url: "jdbc:db2://db.example.com:50000/TRAVELER".into(),
            user: Some("db2inst1".into()),
            password: Some(Secret::from(PW)),
            ..DbSettings::default()
        }),
        ..Settings::default()
    };
    common::write_settings(t.home.dir(), &s);
    let url_enc: String = PW
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let url_lower = url_enc.to_lowercase();
    let json_slash = PW.replace('/', "\\/");
    let json_u = PW.replace('é', "\\u00e9").replace('/', "\\/");
    let b64 = base64ct::Base64::encode_string(PW.as_bytes());
    let b64_user = base64ct::Base64::encode_string(format!("db2inst1:{PW}").as_bytes());
    let b64_other = base64ct::Base64::encode_string(format!("someone:{PW}").as_bytes());
    let text = format!(
        "GET /login?user=a&x={url_enc} HTTP/1.1\n\
         lower {url_lower} end\n\
         {{\"dbPw\": \"{json_slash}\"}}\n\
         {{\"k\": \"{json_u}\"}}\n\
         token {b64} end\n\
         Basic-ish {b64_user}\n\
         other {b64_other}\n\
         <config><password>XmlPw-1</password><dbPassword>XmlPw-2</dbPassword></config>\n\
         cmd --password FlagPw-3 --next\n\
         pass=PassPw-4 secret=SecretPw-5 token=TokenPw-6 apikey=ApiKeyPw-7\n\
         pwd: PwdPw-8\n\
         url https://admin:UserInfoPw-9@mail.example.com/x\n"
    );
    fs::write(t.logs.join("NTSActivity.log"), &text).unwrap();
    let (_, archive) = collected(&t);
    let inflated = all_member_bytes(&archive);
    for s in [
        PW,
        &url_enc,
        &url_lower,
        &json_slash,
        &json_u,
        &b64,
        &b64_user,
        &b64_other,
        "XmlPw-1",
        "XmlPw-2",
        "FlagPw-3",
        "PassPw-4",
        "SecretPw-5",
        "TokenPw-6",
        "ApiKeyPw-7",
        "PwdPw-8",
        "UserInfoPw-9",
    ] {
        assert!(!find(&inflated, s), "{s:?} survived redaction");
    }
    // What is around the masks stays readable.
    assert!(find(&inflated, "https://admin:*****@mail.example.com/x"));
    assert!(find(&inflated, "<password>*****</password>"));
    assert!(find(&inflated, "--password ***** --next"));
}

#[test]
fn a_stored_password_across_the_1_mib_line_cut_survived() {
    let t = Tree::new();
    t.store(None);
    // One line longer than 1 MiB, the password straddling the cut, for every split point.
    for k in 1..DB_PW.len() {
        let mut line = "x".repeat((1 << 20) - k);
        line.push_str(DB_PW);
        line.push_str(&"y".repeat(1000));
        line.push('\n');
        fs::write(t.logs.join("NTSActivity.log"), &line).unwrap();
        let out = t.run(&["log", "collect", "--json"]);
        out.assert_code(0, "collect");
        let archive = PathBuf::from(out.json()["archive"].as_str().unwrap());
        let inflated = all_member_bytes(&archive);
        assert!(!find(&inflated, DB_PW), "split {k}: the password survived");
        fs::remove_file(&archive).unwrap();
    }
}

#[test]
fn failing_and_estimating_collections_change_nothing() {
    let t = Tree::new();
    t.populate();
    let home = t.home.dir().to_path_buf();
    let outside = t.home.outside().to_path_buf();
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec!["--estimate".into()], 0),
        (vec!["--estimate".into(), "--json".into()], 0),
        (vec!["--since".into(), "someday".into()], 2),
        (vec!["--max-file-size".into(), "0".into()], 2),
        (vec!["--skip".into(), "a[".into()], 2),
        (vec![format!("out={}", outside.join("missing").display())], 14),
        (vec!["outt=x".into()], 2),
    ];
    for (args, code) in cases {
        let before = FsTree::of(&outside);
        let mut a = vec!["log", "collect"];
        a.extend(args.iter().map(String::as_str));
        t.run(&a).assert_code(code, &a.join(" "));
        assert_eq!(FsTree::of(&outside), before, "{a:?} changed the tree");
    }
    // A store that cannot be read stops the collection (78) before anything is written.
    fs::create_dir_all(&home).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).unwrap();
    fs::write(home.join("travelerutil.store"), "garbage").unwrap();
    fs::set_permissions(home.join("travelerutil.store"), fs::Permissions::from_mode(0o600)).unwrap();
    let before = FsTree::of(&outside);
    let out = t.run(&["log", "collect"]);
    out.assert_code(78, "unreadable store");
    assert_eq!(FsTree::of(&outside), before);
}

/// Pieces are deflated in parallel, each primed with the 32 KiB before it: a bundle of a highly
/// repetitive log must be as small as one deflate stream over the file (within 1 %). Without
/// priming every 1 MiB piece starts cold and this file grows by about 40 %.
#[test]
fn priming_lost_makes_repetitive_logs_larger_than_one_stream() {
    use std::io::Write;
    let t = Tree::new();
    // 16 KiB of varied lines, repeated to 12 MiB: many pieces, each mostly back references.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut block = String::new();
    while block.len() < 16 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        block.push_str(&format!(
            "23.11.2026 04:00:00.{:03} INFO Thread-{} [user{:04}@example.com] Sync device Android_{:012x} items={}\n",
            x % 1000,
            x % 200,
            x % 3000,
            x & 0xffff_ffff_ffff,
            x % 100_000
        ));
    }
    let text = block.repeat((12 << 20) / block.len());
    fs::write(t.logs.join("NTSActivity.log"), &text).unwrap();
    let (_, archive) = collected(&t);
    unzip_t(&archive);
    let size = python(
        "import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).getinfo('logs/NTSActivity.log').compress_size)",
        &archive,
    );
    let entry: u64 = String::from_utf8_lossy(&size).trim().parse().unwrap();
    // Level 7: what collect picks for text this repetitive (src/archive/collect.rs).
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(7));
    e.write_all(text.as_bytes()).unwrap();
    let single = e.finish().unwrap().len() as u64;
    assert!(
        entry * 100 <= single * 101,
        "the bundle's entry is {entry} bytes, one deflate stream {single}: priming lost?"
    );
    let p = python_check(&archive);
    assert_eq!(
        p["members"]["logs/NTSActivity.log"].as_str().unwrap(),
        sha256_hex(text.as_bytes())
    );
}
