//! CLI tests as data: every `tests/cmd/*.trycmd` runs its commands in `<name>.in/`, with the
//! store at `./home` inside it (never the real one). A case that writes has a `<name>.out/`
//! tree, which makes trycmd run it in a sandbox copy and then check the files listed there
//! (the lock file names the last command that wrote). Cases without one must write nothing:
//! the `.in` trees are compared before and after.
//! Bless new output with `TRYCMD=overwrite cargo test --test cli`, then read the diff.

mod common;

#[test]
fn cli_cases() {
    // Variables that a step sets itself (`TRAVELERUTIL_DB_PW=x travelerUtil ...`) must not be
    // set at suite level too (the suite's value would win), so they are removed from this
    // process's environment, which the cases inherit.
    // Every variable the product reads comes from the one list in the code, so a new one cannot
    // leak into the cases from a developer's shell.
    // SAFETY: this test binary has this single test, so no other thread reads the environment.
    unsafe {
        let product = travelerutil::cli::ENVIRONMENT.iter().map(|(k, _)| *k);
        for k in product.chain(["XDG_CONFIG_HOME", "ODBCINSTINI", "ODBCINI"]) {
            std::env::remove_var(k);
        }
    }
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd");
    let before = common::Tree::of(&cases);
    {
        trycmd::TestCases::new()
            .env("TRAVELERUTIL_HOME", "home")
            .env("NO_COLOR", "1")
            .env("HOME", "userhome")
            // An empty driver registry (the sandbox has no odbcinst.ini): `db set` cannot probe
            // and says so; real probes are tested against real servers in tests/db_check.rs.
            .env("ODBCSYSINI", ".")
            .case("tests/cmd/*.trycmd");
        // The cases run when `TestCases` is dropped, here.
    }
    let after = common::Tree::of(&cases);
    assert!(
        after == before,
        "a case without a `.out` tree wrote into its `.in` directory:\n{}",
        after.diff(&before)
    );
}
