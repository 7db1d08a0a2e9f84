//! The packages that `scripts/package.sh` writes into target/dist, and the portable build
//! inside them:
//!
//! * both binaries need no glibc symbol version above GLIBC_2.28 and no shared library but
//!   glibc's and (travelerUtil only) unixODBC's libodbc.so.2;
//! * the .deb, the .rpm and the .tar.gz hold the same files (man pages, completions, README,
//!   licence), declare the unixODBC dependency, and SHA256SUMS covers them;
//! * `travelerUtil --version` names the commit and the build target;
//! * the .deb installs on a real Debian 11 (scripts/testenv-chroot.sh) and works there against
//!   the test servers: db set/show/check through bullseye's unixODBC and MariaDB driver, ssl
//!   check, log collect, and a pmr upload.
//!
//! Every test needs the lab that `bash scripts/test.sh` builds (the packages, rpm, the chroot,
//! the test servers), so they are ignored by a plain `cargo test`; scripts/test.sh runs them with
//! `--include-ignored`, and each fails naming what is missing and the command that makes it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sha2::{Digest, Sha256};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const GLIBC_BASELINE: [u32; 2] = [2, 28];
/// The libraries of glibc itself: what any binary on a glibc system may need.
const GLIBC_LIBS: &[&str] = &[
    "ld-linux-x86-64.so.2",
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
];
const BINARIES: &[&str] = &["travelerUtil", "travelerUtil-sftp"];
const PACKAGE_HINT: &str = "run `bash scripts/package.sh` (scripts/test.sh does)";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dist() -> PathBuf {
    repo().join("target/dist")
}

fn deb() -> PathBuf {
    artifact(&format!("travelerutil_{VERSION}-1_amd64.deb"))
}

fn rpm() -> PathBuf {
    artifact(&format!("travelerutil-{VERSION}-1.x86_64.rpm"))
}

fn tarball() -> PathBuf {
    artifact(&format!("travelerutil-{VERSION}-x86_64-linux-gnu.tar.gz"))
}

fn artifact(name: &str) -> PathBuf {
    let p = dist().join(name);
    assert!(p.is_file(), "{} is missing: {PACKAGE_HINT}", p.display());
    p
}

/// A tool from the host, or a failure that says which package brings it.
fn tool(name: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: apt-get install {package} (scripts/test.sh does)"
    );
    Command::new(name)
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `c`; a failure shows the command, its status and both streams.
fn ok(mut c: Command) -> Output {
    let what = describe(&c);
    let out = c.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(c: Command) -> String {
    String::from_utf8(ok(c).stdout).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_file(p: &Path) -> String {
    sha256(&fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())))
}

/// The .deb unpacked into a fresh directory (`dpkg-deb -x`: the files, no maintainer scripts).
fn unpack_deb() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut c = tool("dpkg-deb", "dpkg");
    c.arg("-x").arg(deb()).arg(dir.path());
    ok(c);
    dir
}

/// What a tree holds, as an installer leaves it: path (relative, `/`-separated) to mode and
/// content hash (symlinks: their target). Directories are implied by the files.
type Tree = BTreeMap<String, (u32, String)>;

fn tree(root: &Path) -> Tree {
    fn walk(root: &Path, dir: &Path, out: &mut Tree) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            let meta = fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if meta.is_dir() {
                walk(root, &p, out);
            } else if meta.file_type().is_symlink() {
                out.insert(rel, (0o777, format!("-> {}", fs::read_link(&p).unwrap().display())));
            } else {
                out.insert(rel, (meta.permissions().mode() & 0o7777, sha256_file(&p)));
            }
        }
    }
    let mut out = Tree::new();
    walk(root, root, &mut out);
    out
}

/// The man pages the packages must hold: one per page in the committed man/.
fn man_pages() -> Vec<String> {
    let mut pages: Vec<String> = fs::read_dir(repo().join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".1"))
        .map(|n| format!("usr/share/man/man1/{n}.gz"))
        .collect();
    pages.sort();
    assert!(pages.len() > 10, "man/ holds only {pages:?}");
    pages
}

/// The files of the .deb (relative to /). The .rpm and the tarball differ from it only where
/// the distributions' conventions do: zsh's completion directory and the licence's place.
fn deb_files() -> BTreeSet<String> {
    let mut want: BTreeSet<String> = [
        "usr/bin/travelerUtil",
        "usr/bin/travelerUtil-sftp",
        "usr/share/bash-completion/completions/travelerUtil",
        "usr/share/zsh/vendor-completions/_travelerUtil",
        "usr/share/fish/vendor_completions.d/travelerUtil.fish",
        "usr/share/doc/travelerutil/README.md",
        "usr/share/doc/travelerutil/copyright",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    want.extend(man_pages());
    want
}

/// Parses "2.28" or "2.2.5" into numbers for comparing.
fn version_numbers(v: &str) -> Vec<u32> {
    v.split('.')
        .map(|n| n.parse().unwrap_or_else(|_| panic!("odd version {v:?}")))
        .collect()
}

/// The GLIBC_ versions `objdump -T` lists for a binary.
fn glibc_versions(bin: &Path) -> BTreeSet<Vec<u32>> {
    let mut c = tool("objdump", "binutils");
    c.arg("-T").arg(bin);
    let text = stdout(c);
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("GLIBC_") {
        let rest = &text[i + "GLIBC_".len()..];
        let v: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let v = v.trim_end_matches('.');
        if !v.is_empty() {
            out.insert(version_numbers(v));
        }
    }
    assert!(!out.is_empty(), "objdump -T {} shows no GLIBC_ versions", bin.display());
    out
}

/// `readelf -d`'s NEEDED entries.
fn needed(bin: &Path) -> BTreeSet<String> {
    let mut c = tool("readelf", "binutils");
    c.arg("-d").arg(bin);
    stdout(c)
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect()
}

fn show(v: &[u32]) -> String {
    v.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
}

// --- the portable build ---------------------------------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn packaged_binaries_need_glibc_2_28_at_most() {
    let d = unpack_deb();
    for b in BINARIES {
        let bin = d.path().join("usr/bin").join(b);
        let versions = glibc_versions(&bin);
        let max = versions.iter().max().unwrap();
        assert!(
            max.as_slice() <= GLIBC_BASELINE.as_slice(),
            "{b} needs GLIBC_{} (above GLIBC_2.28, so it will not start on RHEL 8); every version: {}",
            show(max),
            versions.iter().map(|v| show(v)).collect::<Vec<_>>().join(" ")
        );
        eprintln!("{b}: highest symbol version GLIBC_{}", show(max));
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn packaged_binaries_need_only_glibc_and_libodbc() {
    let d = unpack_deb();
    for b in BINARIES {
        let bin = d.path().join("usr/bin").join(b);
        let libs = needed(&bin);
        let mut allowed: BTreeSet<&str> = GLIBC_LIBS.iter().copied().collect();
        if *b == "travelerUtil" {
            assert!(
                libs.contains("libodbc.so.2"),
                "{b} must link unixODBC dynamically: {libs:?}"
            );
            allowed.insert("libodbc.so.2");
        }
        let extra: Vec<&String> = libs.iter().filter(|l| !allowed.contains(l.as_str())).collect();
        assert!(
            extra.is_empty(),
            "{b} needs {extra:?} beyond glibc's libraries (all: {libs:?})"
        );
        eprintln!("{b}: NEEDED {libs:?}");
    }
    // libssh2 and OpenSSL 3 are inside the helper, not beside it: libssh2's banner, and the
    // name of OpenSSL 3's built-in default provider (OpenSSL 1.1 has no providers).
    let helper = fs::read(d.path().join("usr/bin/travelerUtil-sftp")).unwrap();
    for marker in ["SSH-2.0-libssh2_", "OpenSSL default"] {
        assert!(
            helper.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "the helper does not carry {marker:?}: is libssh2 with OpenSSL 3 linked in statically?"
        );
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn version_names_the_commit_and_the_build_target() {
    let d = unpack_deb();
    let mut c = Command::new(d.path().join("usr/bin/travelerUtil"));
    c.arg("--version");
    let text = stdout(c);
    let commit = Command::new("git")
        .args(["-C", &repo().to_string_lossy(), "rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let want = format!("travelerUtil {VERSION}\ncommit: {commit}\ntarget: x86_64-unknown-linux-gnu.2.28\n");
    assert_eq!(
        text, want,
        "the packaged --version (a stale package? {PACKAGE_HINT} after every commit)"
    );
    // `-V` stays the plain version, which the man pages show too.
    let mut c = Command::new(d.path().join("usr/bin/travelerUtil"));
    c.arg("-V");
    assert_eq!(stdout(c), format!("travelerUtil {VERSION}\n"));
}

// --- the packages ---------------------------------------------------------------------------

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn deb_holds_the_files_and_declares_libodbc() {
    let mut c = tool("dpkg-deb", "dpkg");
    c.arg("-c").arg(deb());
    let listing = stdout(c);
    // `-rwxr-xr-x root/root 123 2026-11-23 10:00 ./usr/bin/travelerUtil`
    let mut files = BTreeSet::new();
    for line in listing.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(cols.len() >= 6, "odd dpkg-deb -c line {line:?}");
        assert!(cols[1] == "0/0" || cols[1] == "root/root", "owned by root: {line}");
        if cols[0].starts_with('-') {
            let path = cols[5].trim_start_matches("./").to_string();
            let mode = if path.starts_with("usr/bin/") {
                "-rwxr-xr-x"
            } else {
                "-rw-r--r--"
            };
            assert_eq!(cols[0], mode, "{line}");
            files.insert(path);
        } else {
            assert!(cols[0].starts_with('d'), "only files and directories: {line}");
        }
    }
    assert_eq!(files, deb_files(), "dpkg-deb -c {}", deb().display());

    let field = |name: &str| {
        let mut c = tool("dpkg-deb", "dpkg");
        c.arg("-f").arg(deb()).arg(name);
        stdout(c).trim().to_string()
    };
    assert_eq!(field("Package"), "travelerutil");
    assert_eq!(field("Version"), format!("{VERSION}-1"));
    assert_eq!(field("Architecture"), "amd64");
    assert_eq!(field("Depends"), "libc6 (>= 2.28), libodbc2 | libodbc1");
    assert_eq!(field("Section"), "admin");

    // Debian keeps the licence as the copyright file: it must carry the whole Apache-2.0 text.
    let d = unpack_deb();
    let copyright = fs::read_to_string(d.path().join("usr/share/doc/travelerutil/copyright")).unwrap();
    let license = fs::read_to_string(repo().join("LICENSE")).unwrap();
    assert!(copyright.contains("Apache-2.0"), "{copyright}");
    for line in license.lines().filter(|l| !l.trim().is_empty()) {
        assert!(copyright.contains(line.trim()), "the copyright file lacks {line:?}");
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn rpm_holds_the_files_and_declares_libodbc() {
    let mut c = tool("rpm", "rpm");
    c.arg("-qpl").arg(rpm());
    let files: BTreeSet<String> = stdout(c)
        .lines()
        .map(|l| l.trim_start_matches('/').to_string())
        .collect();
    let want: BTreeSet<String> = deb_files()
        .into_iter()
        .map(|f| match f.as_str() {
            "usr/share/zsh/vendor-completions/_travelerUtil" => "usr/share/zsh/site-functions/_travelerUtil".into(),
            "usr/share/doc/travelerutil/copyright" => "usr/share/licenses/travelerutil/LICENSE".into(),
            _ => f,
        })
        .collect();
    assert_eq!(files, want, "rpm -qpl {}", rpm().display());

    let mut c = tool("rpm", "rpm");
    c.arg("-qpR").arg(rpm());
    let requires: BTreeSet<String> = stdout(c)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.starts_with("rpmlib("))
        .collect();
    let want: BTreeSet<String> = ["libc.so.6(GLIBC_2.28)(64bit)", "libodbc.so.2()(64bit)"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(requires, want, "rpm -qpR {}", rpm().display());

    let mut c = tool("rpm", "rpm");
    c.args([
        "-qp",
        "--queryformat",
        "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE} %{PAYLOADCOMPRESSOR}",
    ])
    .arg(rpm());
    assert_eq!(stdout(c), format!("travelerutil {VERSION} 1 x86_64 Apache-2.0 gzip"));
}

/// `rpm -i --nodeps --root` into an empty directory installs the tree the .deb installs.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn rpm_installs_the_same_tree_as_the_deb() {
    let root = tempfile::tempdir().unwrap();
    let mut c = tool("rpm", "rpm");
    c.args(["-i", "--nodeps", "--root"]).arg(root.path()).arg(rpm());
    ok(c);
    // rpm's own database lands in the root too; only the installed files count.
    let rpm_tree: Tree = tree(&root.path().join("usr"))
        .into_iter()
        .map(|(k, v)| (format!("usr/{k}"), v))
        .collect();
    let d = unpack_deb();
    let deb_tree = tree(d.path());
    compare_with_deb(
        &deb_tree,
        rpm_tree,
        &[(
            "usr/share/zsh/site-functions/_travelerUtil",
            "usr/share/zsh/vendor-completions/_travelerUtil",
        )],
        "usr/share/licenses/travelerutil/LICENSE",
        "the rpm installed with --root",
    );
}

/// The tarball holds the same files under one directory, with a /usr/local-style layout.
#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn tarball_holds_the_same_files_as_the_deb() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = tool("tar", "tar");
    c.arg("-xzf").arg(tarball()).arg("-C").arg(dir.path());
    ok(c);
    let top = format!("travelerutil-{VERSION}-x86_64-linux-gnu");
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![top.clone()], "one top directory");
    let tar_tree: Tree = tree(&dir.path().join(&top))
        .into_iter()
        .map(|(k, v)| (format!("usr/{k}"), v))
        .collect();
    let d = unpack_deb();
    compare_with_deb(
        &tree(d.path()),
        tar_tree,
        &[(
            "usr/share/zsh/site-functions/_travelerUtil",
            "usr/share/zsh/vendor-completions/_travelerUtil",
        )],
        "usr/share/doc/travelerutil/LICENSE",
        "the tarball",
    );
}

/// `other` (paths mapped to the .deb's by `renames`) must hold exactly the .deb's files with
/// the same modes and bytes, except the licence: the plain LICENSE at `license` against the
/// .deb's Debian copyright file (checked in `deb_holds_the_files_and_declares_libodbc`).
fn compare_with_deb(deb_tree: &Tree, other: Tree, renames: &[(&str, &str)], license: &str, what: &str) {
    let mut other: Tree = other
        .into_iter()
        .map(|(k, v)| {
            let k = renames
                .iter()
                .find(|(from, _)| *from == k)
                .map(|(_, to)| to.to_string())
                .unwrap_or(k);
            (k, v)
        })
        .collect();
    let (mode, hash) = other
        .remove(license)
        .unwrap_or_else(|| panic!("{what} lacks {license}"));
    assert_eq!(mode, 0o644, "{license}");
    assert_eq!(
        hash,
        sha256_file(&repo().join("LICENSE")),
        "{what}: {license} is not the repository's LICENSE"
    );
    let mut deb_tree = deb_tree.clone();
    deb_tree.remove("usr/share/doc/travelerutil/copyright");
    let only_deb: Vec<&String> = deb_tree.keys().filter(|k| !other.contains_key(*k)).collect();
    let only_other: Vec<&String> = other.keys().filter(|k| !deb_tree.contains_key(*k)).collect();
    assert!(
        only_deb.is_empty() && only_other.is_empty(),
        "{what} and the .deb differ: only in the .deb {only_deb:?}, only in {what} {only_other:?}"
    );
    for (path, (mode, hash)) in &deb_tree {
        let (m, h) = &other[path];
        assert_eq!(m, mode, "{what}: mode of {path}");
        assert_eq!(h, hash, "{what}: content of {path}");
    }
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn sha256sums_cover_every_package() {
    let sums = fs::read_to_string(dist().join("SHA256SUMS"))
        .unwrap_or_else(|e| panic!("target/dist/SHA256SUMS: {e}: {PACKAGE_HINT}"));
    let mut named = BTreeSet::new();
    for line in sums.lines() {
        let (hash, name) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("odd SHA256SUMS line {line:?}"));
        assert_eq!(hash, sha256_file(&dist().join(name)), "{name}");
        named.insert(name.to_string());
    }
    let want: BTreeSet<String> = [deb(), rpm(), tarball()]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(named, want);
}

// --- Debian 11, for real --------------------------------------------------------------------

/// The Debian 11 tree of scripts/testenv-chroot.sh with /proc mounted and a work directory in
/// its /tmp; dropping it removes the package, the work directory and the mount.
struct Bullseye {
    root: PathBuf,
    /// The work directory as seen inside the chroot (`/tmp/tu-smoke-<pid>`).
    work: String,
}

impl Bullseye {
    fn enter() -> Bullseye {
        let script = repo().join("scripts/testenv-chroot.sh");
        // chroot(2) and mount need root; /proc/self belongs to the effective user.
        let uid = fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX);
        assert_eq!(uid, 0, "the Debian 11 smoke test needs root (chroot, mount)");
        let status = Command::new("bash").arg(&script).arg("status").output().unwrap();
        assert!(
            status.status.success(),
            "no Debian 11 tree ({}): run `bash scripts/testenv-chroot.sh install` (scripts/test.sh does)",
            String::from_utf8_lossy(&status.stdout).trim()
        );
        let root = PathBuf::from(
            stdout({
                let mut c = Command::new("bash");
                c.arg(&script).arg("root");
                c
            })
            .trim(),
        );
        let mut c = Command::new("bash");
        c.arg(&script).arg("mount");
        ok(c);
        let work = format!("/tmp/tu-smoke-{}", std::process::id());
        let b = Bullseye { root, work };
        fs::create_dir_all(b.host(&b.work)).unwrap();
        b
    }

    /// A path inside the chroot, seen from the host.
    fn host(&self, inside: &str) -> PathBuf {
        self.root.join(inside.trim_start_matches('/'))
    }

    /// A command run inside the chroot with a clean environment plus `env`.
    fn cmd(&self, env: &[(&str, String)], args: &[&str]) -> Command {
        let mut c = tool("chroot", "coreutils");
        c.arg(&self.root)
            .args(["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"]);
        c.arg("LC_ALL=C.UTF-8");
        for (k, v) in env {
            c.arg(format!("{k}={v}"));
        }
        c.args(args);
        c
    }

    /// Runs inside; returns (exit code, stdout, stderr).
    fn run(&self, env: &[(&str, String)], args: &[&str], input: Option<&str>) -> (i32, String, String) {
        let mut c = self.cmd(env, args);
        let what = describe(&c);
        c.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        if let Some(text) = input {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs inside and expects exit 0; returns stdout.
    fn ok(&self, env: &[(&str, String)], args: &[&str], input: Option<&str>) -> String {
        let (code, out, err) = self.run(env, args, input);
        assert_eq!(
            code, 0,
            "inside Debian 11: {args:?} exited {code}\nstdout:\n{out}\nstderr:\n{err}"
        );
        out
    }
}

impl Drop for Bullseye {
    fn drop(&mut self) {
        // The cached tree goes back to what debootstrap left: no travelerutil, no work files.
        let _ = self.cmd(&[], &["dpkg", "--purge", "travelerutil"]).output();
        let _ = fs::remove_dir_all(self.host(&self.work));
        let _ = Command::new("bash")
            .arg(repo().join("scripts/testenv-chroot.sh"))
            .arg("umount")
            .status();
    }
}

fn lab_env(name: &str, how: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("{name} is not set: {how} (scripts/test.sh does)"))
}

/// `testenv-sshd.sh env` of the running test sshd, as a map.
fn sshd_env() -> BTreeMap<String, String> {
    let script = repo().join("scripts/testenv-sshd.sh");
    let status = Command::new("bash").arg(&script).arg("status").output().unwrap();
    assert!(
        status.status.success(),
        "the test sshd is not running ({}): start it with `bash scripts/testenv-sshd.sh start`",
        String::from_utf8_lossy(&status.stdout).trim()
    );
    let mut c = Command::new("bash");
    c.arg(&script).arg("env");
    stdout(c)
        .lines()
        .filter_map(|l| l.strip_prefix("export ")?.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
#[ignore = "needs the test lab: bash scripts/test.sh"]
fn deb_installs_and_works_on_debian_11() {
    let maria_port = lab_env(
        "TU_MARIA_PORT",
        "start the test servers: bash scripts/testenv.sh start && eval \"$(bash scripts/testenv.sh env)\"",
    );
    let sshd = sshd_env();
    let deb = deb();
    let b = Bullseye::enter();
    let w = b.work.clone();

    // The release it claims to be, with its own unixODBC and no OpenSSL 3.
    let release = fs::read_to_string(b.host("/etc/debian_version")).unwrap();
    assert!(release.starts_with("11."), "not Debian 11: {release}");
    assert!(b.ok(&[], &["odbcinst", "--version"], None).contains("2.3.6"));
    assert!(!b.host("/usr/lib/x86_64-linux-gnu/libssl.so.3").exists());

    // Install: dpkg resolves the Depends line against bullseye's packages (libodbc1, libc6 2.31).
    fs::copy(&deb, b.host(&format!("{w}/travelerutil.deb"))).unwrap();
    b.ok(&[], &["dpkg", "-i", &format!("{w}/travelerutil.deb")], None);
    for bin in BINARIES {
        let ldd = b.ok(&[], &["ldd", &format!("/usr/bin/{bin}")], None);
        assert!(!ldd.contains("not found"), "{bin} inside Debian 11:\n{ldd}");
    }
    let version = b.ok(&[], &["travelerUtil", "--version"], None);
    assert!(version.starts_with(&format!("travelerUtil {VERSION}\n")), "{version}");

    // The driver registry of this test only (ODBCSYSINI): bullseye's MariaDB Connector/ODBC.
    let odbc = format!("{w}/odbc");
    fs::create_dir_all(b.host(&odbc)).unwrap();
    fs::write(
        b.host(&format!("{odbc}/odbcinst.ini")),
        "[MariaDB Unicode]\nDescription=MariaDB Connector/ODBC of Debian 11\nDriver=/usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so\n",
    )
    .unwrap();
    fs::write(b.host(&format!("{odbc}/odbc.ini")), "").unwrap();
    let env = vec![
        ("TRAVELERUTIL_HOME", format!("{w}/home")),
        ("ODBCSYSINI", odbc.clone()),
        ("ODBCINI", format!("{odbc}/odbc.ini")),
    ];

    // db set (its connection test runs first) and db show.
    let url = format!("url=jdbc:mysql://127.0.0.1:{maria_port}/appdb");
    let (code, _, err) = b.run(
        &env,
        &["travelerUtil", "db", "set", &url, "user=app", "pw=-", "--no-input"],
        Some("app\n"),
    );
    assert_eq!(code, 0, "db set inside Debian 11:\n{err}");
    assert!(err.contains("connection test: PASS"), "{err}");
    let show = b.ok(&env, &["travelerUtil", "db", "show"], None);
    assert!(
        show.contains(&format!("jdbc:mysql://127.0.0.1:{maria_port}/appdb")),
        "{show}"
    );
    assert!(show.contains("*****") && !show.contains("pw=app"), "{show}");

    // db check through bullseye's unixODBC 2.3.6 and MariaDB Connector/ODBC 3.1.
    let check = b.ok(&env, &["travelerUtil", "db", "check", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&check).unwrap();
    assert_eq!(v["result"], "pass", "{check}");
    assert_eq!(v["driver"]["family"], "mariadb-odbc", "{check}");
    assert_eq!(v["probe"]["info"]["driver_name"], "libmaodbc.so", "{check}");
    assert!(
        v["probe"]["info"]["driver_version"]
            .as_str()
            .is_some_and(|s| s.starts_with("03.01")),
        "{check}"
    );
    assert_eq!(v["probe"]["row"], true, "{check}");

    // ssl check on keystore fixtures (JKS and a JDK 17 PKCS#12).
    for (file, kind) in [("jks-ascii.jks", "JKS"), ("p12-jdk17.p12", "PKCS12")] {
        fs::copy(
            repo().join("fixtures/keystores").join(file),
            b.host(&format!("{w}/{file}")),
        )
        .unwrap();
        let mut env = env.clone();
        env.push(("TRAVELERUTIL_KEYSTORE_PW", "changeit1".into()));
        env.push(("TRAVELERUTIL_NOW", "2027-01-01T00:00:00Z".into()));
        let out = b.ok(
            &env,
            &[
                "travelerUtil",
                "ssl",
                "check",
                &format!("keystore={w}/{file}"),
                "--json",
                "--no-input",
            ],
            None,
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["status"], "ok", "{out}");
        assert_eq!(v["stores"][0]["type"], kind, "{out}");
        assert_eq!(v["stores"][0]["verdict"], "ok", "{out}");
    }

    // log collect on a generated data directory: a redacted, checksummed zip.
    let data = format!("{w}/data");
    let logs = b.host(&format!("{data}/IBM_TECHNICAL_SUPPORT/traveler/logs"));
    fs::create_dir_all(&logs).unwrap();
    fs::create_dir_all(b.host(&format!("{w}/out"))).unwrap();
    let mut log = String::new();
    for i in 0..2000 {
        log.push_str(&format!(
            "2026-11-20 08:{:02}:{:02} NTS sync for user{i}\n",
            i / 60 % 60,
            i % 60
        ));
    }
    log.push_str("2026-11-20 09:00:00 NTS jdbc:db2://db:50000/T:user=db2;password=Hunter2Secret;\n");
    fs::write(logs.join("NTSErrors.log"), &log).unwrap();
    fs::write(logs.join("NTSActivity.log"), "2026-11-20 08:00:00 started\n").unwrap();
    fs::write(
        b.host(&format!("{data}/notes.ini")),
        "[Notes]\nDirectory=/local/notesdata\n",
    )
    .unwrap();
    let out = b.ok(
        &env,
        &[
            "travelerUtil",
            "log",
            "collect",
            &format!("--data-dir={data}"),
            &format!("out={w}/out"),
            "--json",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "written", "{out}");
    let archive = v["archive"].as_str().unwrap().to_string();
    let sum_file = v["sha256_file"].as_str().unwrap().to_string();
    b.ok(
        &[],
        &["sh", "-c", &format!("cd {w}/out && sha256sum -c {sum_file}")],
        None,
    );
    let mut zip = zip::ZipArchive::new(fs::File::open(b.host(&archive)).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(names.iter().any(|n| n.ends_with("manifest.json")), "{names:?}");
    let entry = names
        .iter()
        .find(|n| n.ends_with("NTSErrors.log"))
        .unwrap_or_else(|| panic!("{names:?}"))
        .clone();
    // The zip crate is built without codecs here: the raw deflate stream goes through flate2.
    let raw = zip.by_name_raw(entry.as_bytes()).unwrap();
    let mut text = String::new();
    flate2::read::DeflateDecoder::new(raw)
        .read_to_string(&mut text)
        .unwrap();
    assert!(
        text.contains("NTS sync for user1999"),
        "the log is not in the bundle whole"
    );
    assert!(!text.contains("Hunter2Secret"), "the password was not redacted");

    // pmr: an SFTP upload through the packaged helper (static OpenSSL 3 on a system with 1.1.1),
    // with key authentication (the test user's password is shared with other labs' sshd).
    let key = format!("{w}/client_key");
    fs::copy(&sshd["TU_SSHD_CLIENT_KEY"], b.host(&key)).unwrap();
    fs::set_permissions(b.host(&key), fs::Permissions::from_mode(0o600)).unwrap();
    let payload: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let name = format!("chroot-smoke-{}.bin", std::process::id());
    fs::write(b.host(&format!("{w}/{name}")), &payload).unwrap();
    b.ok(
        &env,
        &[
            "travelerUtil",
            "pmr",
            "set",
            "host=127.0.0.1",
            &format!("port={}", sshd["TU_SSHD_PORT"]),
            &format!("user={}", sshd["TU_SSHD_USER"]),
            "dir=/upload",
            &format!("key={key}"),
            &format!("hostkey={}", sshd["TU_SSHD_FINGERPRINT"]),
            "--no-input",
        ],
        None,
    );
    let out = b.ok(
        &env,
        &[
            "travelerUtil",
            "pmr",
            "CS7600011",
            &format!("{w}/{name}"),
            "--no-input",
            "--json",
        ],
        None,
    );
    let remote = Path::new(&sshd["TU_SSHD_UPLOAD_DIR"]).join(format!("CS7600011.{name}"));
    let got = fs::read(&remote).unwrap_or_else(|e| panic!("{}: {e}\npmr said: {out}", remote.display()));
    let _ = fs::remove_file(&remote);
    assert_eq!(sha256(&got), sha256(&payload), "the uploaded copy differs");

    // Removal leaves nothing of the package behind.
    b.ok(&[], &["dpkg", "--purge", "travelerutil"], None);
    assert!(!b.host("/usr/bin/travelerUtil").exists() && !b.host("/usr/bin/travelerUtil-sftp").exists());
}
