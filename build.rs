//! Links the unwinder statically on glibc targets, so that `travelerUtil` does not load
//! libgcc_s.so.1 at every start.
//!
//! Why: libgcc_s's constructor (`__cpu_indicator_init`) executes CPUID about ten times, and
//! under virtualization each CPUID traps to the hypervisor: 4–5 µs each on the CI machines
//! (measured), plus six page faults for mapping the library. `db check` competes with `isql`
//! on start-up time (bench/check.sh), and isql does not load libgcc_s.
//!
//! How: Rust's std asks for `-lgcc_s` (its `unwind` crate). GNU ld takes the first
//! `libgcc_s.so` *or* `libgcc_s.a` along the search path, and `-L` directories given on the
//! command line come before the compiler's own. So a directory holding only `libgcc_s.a`, a
//! copy of GCC's static unwinder `libgcc_eh.a` (what `-static-libgcc` links), makes the
//! unwinder part of the executable. Unwinding (panics, and so the `Drop` guards that zeroize
//! secrets) works as before: libgcc_eh finds unwind tables through `dl_iterate_phdr`. When
//! libgcc_eh.a cannot be found, the build goes on with the shared library, with a warning.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let features = std::env::var("CARGO_CFG_TARGET_FEATURE").unwrap_or_default();
    if os != "linux" || env != "gnu" || features.split(',').any(|f| f == "crt-static") {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let found = Command::new(&cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        // Without the file, gcc prints the bare name back.
        .filter(|p| p.is_absolute() && p.is_file());
    let (Some(eh), Some(out)) = (found, std::env::var_os("OUT_DIR")) else {
        println!("cargo:warning=libgcc_eh.a not found with `{cc} -print-file-name`: linking libgcc_s.so dynamically");
        return;
    };
    let dir = PathBuf::from(out).join("static-unwinder");
    let copied = std::fs::create_dir_all(&dir).and_then(|()| std::fs::copy(&eh, dir.join("libgcc_s.a")));
    if let Err(e) = copied {
        println!(
            "cargo:warning=cannot copy {}: {e}: linking libgcc_s.so dynamically",
            eh.display()
        );
        return;
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
}
