//! The helper is where OpenSSL went when it left `travelerUtil` (tests/regressions.rs checks that
//! `travelerUtil` itself maps none of it). A development build links the system's libcrypto;
//! the packaged build (`--features portable`) compiles it in, so there is nothing to list.

#[cfg(not(feature = "portable"))]
#[test]
fn the_helper_links_openssl() {
    let helper = env!("CARGO_BIN_EXE_travelerUtil-sftp");
    let out = std::process::Command::new("ldd")
        .arg(helper)
        .output()
        .expect("ldd (libc-bin) must be installed");
    assert!(out.status.success(), "ldd {helper}");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(listing.contains("libcrypto"), "{listing}");
}
