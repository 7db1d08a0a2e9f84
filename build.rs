//! Build facts for `travelerUtil --version`: the git commit and the build target, as the
//! environment variables `TRAVELERUTIL_GIT_COMMIT` and `TRAVELERUTIL_BUILD_TARGET` of the crate.
//! Nothing here touches linking: this script only reads facts and prints `rustc-env` lines.
//!
//! * Commit: `TRAVELERUTIL_GIT_COMMIT` from the environment when set (a build from a source
//!   tarball whose maker knows the commit), else `git rev-parse` when the crate directory is the
//!   top of a git work tree, else `unknown` (no git, or a tarball unpacked inside another
//!   repository, whose commit would be the wrong one).
//! * Target: `TRAVELERUTIL_BUILD_TARGET` when set (scripts/package.sh names the glibc baseline,
//!   `x86_64-unknown-linux-gnu.2.28`, which cargo's own `TARGET` does not carry), else `TARGET`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TRAVELERUTIL_GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=TRAVELERUTIL_BUILD_TARGET");

    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let commit = match nonempty_env("TRAVELERUTIL_GIT_COMMIT") {
        Some(c) => c,
        None => git_commit(&dir).unwrap_or_else(|| "unknown".to_string()),
    };
    let target = nonempty_env("TRAVELERUTIL_BUILD_TARGET")
        .or_else(|| nonempty_env("TARGET"))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=TRAVELERUTIL_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=TRAVELERUTIL_BUILD_TARGET={target}");
}

fn nonempty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// The short commit of HEAD, and rerun-if-changed lines for the files that move when HEAD does
/// (HEAD itself, the branch's ref, packed-refs), so a new commit re-runs this script and nothing
/// else does.
fn git_commit(dir: &Path) -> Option<String> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(&top, dir) {
        return None;
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch.push(branch);
    }
    for name in watch {
        // A path that does not exist would make cargo re-run this script at every build.
        if let Some(p) = git(dir, &["rev-parse", "--path-format=absolute", "--git-path", &name])
            && Path::new(&p).exists()
        {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    Some(commit)
}
