//! Shared helpers for the process-level tests (`cli_torture`, `cli_pty`, `cli_secrets`).
//!
//! Every test gets its own store directory (`Home`), and every command is built by
//! [`Home::cmd`], which clears the `TRAVELERUTIL_*` variables a developer's shell may carry so
//! that only what a test sets explicitly reaches the binary.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests: a failed expect is a failed test

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::SystemTime;

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_travelerUtil"))
}

/// Every variable the binary reads, from the one list in the code (`--help` prints the same),
/// plus unixODBC's, which decide which drivers a test sees.
pub fn product_env() -> impl Iterator<Item = &'static str> {
    travelerutil::cli::ENVIRONMENT
        .iter()
        .map(|(k, _)| *k)
        .chain(["ODBCINSTINI", "ODBCINI", "XDG_CONFIG_HOME"])
}

pub const STORE_FILE: &str = "travelerutil.store";
pub const KEY_FILE: &str = "travelerutil.key";
pub const LOCK_FILE: &str = "travelerutil.lock";
pub const TEMP_PREFIX: &str = ".travelerutil.tmp-";

/// A private temporary store directory (`<tempdir>/home`, created by the binary itself on the
/// first write, so the directory-creation path is exercised too).
pub struct Home {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Home {
    pub fn new() -> Home {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("home");
        Home { _tmp: tmp, dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The temporary directory that contains `dir()` (for files that must live outside it).
    pub fn outside(&self) -> &Path {
        self._tmp.path()
    }

    pub fn store(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    pub fn key(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    /// `travelerUtil <args>` with `TRAVELERUTIL_HOME` pointing here, the other product
    /// variables removed, no colour, and stdin closed unless the caller sets it.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = Command::new(bin());
        for v in product_env() {
            c.env_remove(v);
        }
        // An empty ODBC driver registry: `db set` then has no driver to probe with and saves
        // without a connection test. The probe itself is tested against real servers in
        // tests/db_check.rs.
        c.env("TRAVELERUTIL_HOME", &self.dir)
            .env("ODBCSYSINI", self.outside())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .args(args);
        default_signals(&mut c);
        c
    }

    /// Runs `travelerUtil <args>` with stdin closed.
    pub fn run<I, S>(&self, args: I) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        run_cmd(self.cmd(args), None)
    }

    /// Runs `travelerUtil <args>` with `input` on stdin.
    pub fn run_stdin<I, S>(&self, args: I, input: &str) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        run_cmd(self.cmd(args), Some(input))
    }

    /// `db set url=<url> user=<user> pw=- --no-input` with `pw` on stdin. `--no-input`: on a
    /// first configuration `db set` would otherwise prompt for the optional path= on stdin,
    /// which pw=- has already consumed.
    pub fn set(&self, url: &str, user: &str, pw: &str) -> Out {
        self.run_stdin(
            [
                "db",
                "set",
                &format!("url={url}"),
                &format!("user={user}"),
                "pw=-",
                "--no-input",
            ],
            &format!("{pw}\n"),
        )
    }

    /// [`Home::set`], asserting exit 0.
    pub fn set_ok(&self, url: &str, user: &str, pw: &str) -> Out {
        let out = self.set(url, user, pw);
        out.assert_code(0, "db set");
        out
    }

    /// `db show --json`, asserting exit 0 and parsing stdout.
    pub fn show_json(&self) -> serde_json::Value {
        let out = self.run(["db", "show", "--json"]);
        out.assert_code(0, "db show --json");
        out.json()
    }

    /// Names of every entry in the store directory, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = match fs::read_dir(&self.dir) {
            Ok(rd) => rd
                .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        v.sort();
        v
    }

    /// Every regular file below the store directory (recursively), with its bytes.
    pub fn all_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        walk(&self.dir, &mut out);
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd {
        let e = e.expect("dir entry");
        let p = e.path();
        let t = e.file_type().expect("file type");
        if t.is_dir() {
            walk(&p, out);
        } else if t.is_file() {
            let bytes = fs::read(&p).unwrap_or_else(|err| panic!("read {}: {err}", p.display()));
            out.push((p, bytes));
        }
    }
}

/// A finished process: exit code (None when killed by a signal) and its output as text.
#[derive(Debug, Clone)]
pub struct Out {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
    pub raw_stderr: Vec<u8>,
    /// What ran, for failure messages.
    pub what: String,
}

impl Out {
    pub fn from_output(what: String, o: Output) -> Out {
        Out {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            raw_stdout: o.stdout,
            raw_stderr: o.stderr,
            what,
        }
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32, ctx: &str) {
        assert_eq!(
            self.code,
            Some(code),
            "{ctx}: `{}` exited {:?}, expected {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.code,
            self.stdout,
            self.stderr
        );
        self.assert_no_panic(ctx);
    }

    #[track_caller]
    pub fn assert_no_panic(&self, ctx: &str) {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "{ctx}: `{}` panicked:\n{}",
            self.what,
            self.stderr
        );
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("`{}`: stdout is not JSON ({e}):\n{}", self.what, self.stdout))
    }
}

/// Gives the child the default action for SIGINT and SIGQUIT, as a terminal's foreground job
/// has. A test run started in the background of a non-interactive shell inherits them ignored,
/// and travelerUtil rightly keeps an ignored signal ignored; the tests of what a signal does
/// would then test nothing.
pub fn default_signals(c: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: signal(2) is async-signal-safe, so it may run between fork and exec.
    unsafe {
        c.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
            Ok(())
        });
    }
}

/// Runs a command to completion, feeding `input` (then EOF) on stdin when given.
pub fn run_cmd(mut c: Command, input: Option<&str>) -> Out {
    let what = describe(&c);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        c.stdin(Stdio::piped());
    }
    let mut child = c.spawn().unwrap_or_else(|e| panic!("spawn `{what}`: {e}"));
    if let Some(text) = input {
        let mut stdin = child.stdin.take().expect("stdin piped");
        // The child may exit before reading (e.g. a usage error): a broken pipe is fine.
        let _ = stdin.write_all(text.as_bytes());
    }
    let o = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait `{what}`: {e}"));
    Out::from_output(what, o)
}

/// `program arg arg ...` (with the env overrides) for failure messages.
pub fn describe(c: &Command) -> String {
    let envs: Vec<String> = c
        .get_envs()
        .filter_map(|(k, v)| v.map(|v| format!("{}={}", k.to_string_lossy(), v.to_string_lossy())))
        .filter(|kv| !kv.starts_with("NO_COLOR="))
        .collect();
    let args: Vec<String> = c.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut s = envs.join(" ");
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str("travelerUtil ");
    s.push_str(&args.join(" "));
    s
}

/// What a file is on disk: bytes, mtime, inode and mode; `None` when absent. Two equal
/// snapshots mean nothing rewrote, replaced (rename gives a new inode) or touched the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSnap {
    pub bytes: Vec<u8>,
    pub mtime: SystemTime,
    pub ino: u64,
    pub mode: u32,
}

pub fn snap(path: &Path) -> Option<FileSnap> {
    let meta = fs::symlink_metadata(path).ok()?;
    let bytes = fs::read(path).ok()?;
    Some(FileSnap {
        bytes,
        mtime: meta.modified().expect("mtime"),
        ino: meta.ino(),
        mode: meta.permissions().mode() & 0o7777,
    })
}

pub fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {mode:o} {}: {e}", path.display()));
}

/// Overwrites an existing file in place (same inode, mode kept).
pub fn overwrite(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Whether `needle` occurs in `hay` (bytes).
pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The `(url_text, user)` pair of a `db show --json` document.
pub fn url_user(v: &serde_json::Value) -> (Option<String>, Option<String>) {
    (
        v["url_text"].as_str().map(str::to_owned),
        v["user"].as_str().map(str::to_owned),
    )
}

/// SplitMix64: a tiny deterministic PRNG (no crate needed), good enough for test jitter.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// The password the store really holds, read through the library (the binary never prints
/// it). `None` when there is no store, no db section or no password.
pub fn stored_password(dir: &Path) -> Option<String> {
    let settings = travelerutil::store::Store::new(dir)
        .load()
        .expect("the store should load")?;
    settings.db?.password.map(|p| p.expose().to_owned())
}

/// One entry of a tree: its kind, permission bits, owner, modification time (a directory's
/// changes when an entry is created or removed in it), and a file's bytes or a link's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: &'static str,
    pub mode: u32,
    pub uid: u32,
    pub mtime: (i64, i64),
    pub bytes: Option<Vec<u8>>,
}

/// Every entry below a directory (the directory itself included), by path relative to it.
/// Every entry below a directory with its kind, mode and bytes: two equal trees mean a command
/// created, deleted and changed nothing there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree(pub BTreeMap<PathBuf, Entry>);

impl Tree {
    /// The root's own modification time is left out: the tests compare the tree around the
    /// place a command may write (a bundle created and removed in the logs directory).
    pub fn of(root: &Path) -> Tree {
        let mut t = BTreeMap::new();
        walk_tree(root, root, &mut t);
        if let Some(e) = t.get_mut(Path::new("")) {
            e.mtime = (0, 0);
        }
        Tree(t)
    }

    /// The same tree with the lock file's text and time blanked: a command that took the store lock wrote
    /// its PID there, though it changed nothing else.
    pub fn without_lock_text(mut self) -> Tree {
        for (p, e) in &mut self.0 {
            if p.ends_with(LOCK_FILE) {
                e.bytes = Some(Vec::new());
                e.mtime = (0, 0);
            }
        }
        self
    }

    /// What differs from `before`, one line per path, for failure messages.
    pub fn diff(&self, before: &Tree) -> String {
        let mut out = String::new();
        for (p, e) in &self.0 {
            match before.0.get(p) {
                None => out.push_str(&format!("  created {} ({})\n", p.display(), e.kind)),
                Some(b) if b != e => out.push_str(&format!("  changed {}\n", p.display())),
                Some(_) => {}
            }
        }
        for p in before.0.keys().filter(|p| !self.0.contains_key(*p)) {
            out.push_str(&format!("  deleted {}\n", p.display()));
        }
        out
    }
}

fn walk_tree(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return;
    };
    let rel = dir.strip_prefix(root).unwrap().to_path_buf();
    let mode = meta.permissions().mode() & 0o7777;
    let ft = meta.file_type();
    let (kind, bytes) = if ft.is_dir() {
        ("dir", None)
    } else if ft.is_file() {
        ("file", Some(std::fs::read(dir).unwrap()))
    } else if ft.is_symlink() {
        (
            "symlink",
            Some(std::fs::read_link(dir).unwrap().into_os_string().into_encoded_bytes()),
        )
    } else {
        ("other", None)
    };
    let mtime = (meta.mtime(), meta.mtime_nsec());
    out.insert(
        rel,
        Entry {
            kind,
            mode,
            uid: meta.uid(),
            mtime,
            bytes,
        },
    );
    if ft.is_dir() {
        for e in std::fs::read_dir(dir).unwrap() {
            walk_tree(root, &e.unwrap().path(), out);
        }
    }
}

/// Writes `settings` into the store at `dir` directly through the library, as an older release
/// (or a crafted store) would have left them: for tests of what the commands make of them.
pub fn write_settings(dir: &Path, settings: &travelerutil::store::Settings) {
    let wait = travelerutil::store::LockWait {
        timeout: std::time::Duration::from_secs(60),
        holder: "test",
        on_wait: &mut |_| {},
    };
    travelerutil::store::Store::new(dir)
        .lock(wait)
        .expect("lock the test store")
        .write(settings)
        .expect("write the test store");
}
