//! The docs cannot drift from the code: man/ is regenerated from the clap definition and must
//! match byte for byte, and the README's exit-code table must list every code of `exit.rs`.

use std::path::Path;
use travelerutil::exit::Exit;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn man_pages_are_fresh() {
    let mut stale = Vec::new();
    let pages = travelerutil::manpages::render_all().unwrap();
    for (name, text) in &pages {
        let path = root().join("man").join(name);
        match std::fs::read(&path) {
            Ok(committed) if committed == *text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    let expected: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for e in std::fs::read_dir(root().join("man")).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().to_string();
        if !expected.contains(&n.as_str()) {
            stale.push(format!("{n} is not generated any more"));
        }
    }
    assert!(
        stale.is_empty(),
        "man/ is stale ({stale:?}): run `cargo run -- generate-man man`"
    );
}

#[test]
fn readme_lists_every_exit_code() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for e in Exit::ALL {
        let row = format!("| {} | {} |", e.code(), e.describe());
        assert!(readme.contains(&row), "README.md lacks the exit-code row `{row}`");
    }
}

#[test]
fn man_page_lists_every_exit_code() {
    let page = std::fs::read_to_string(root().join("man/travelerUtil.1")).unwrap();
    for e in Exit::ALL {
        let row = format!("{:>3}  {}", e.code(), e.describe()).replace('-', "\\-");
        assert!(page.contains(&row), "man page lacks the exit-code line `{row}`");
    }
}

/// The exit codes are an interface: scripts and monitoring branch on the numbers. Changing one
/// must be a deliberate change of this table too (the match is exhaustive, so a new code must be
/// added here as well).
#[test]
fn exit_code_numbers_are_the_documented_ones() {
    for e in Exit::ALL {
        let documented = match e {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Degraded => 9,
            Exit::Declined => 4,
            Exit::ServerRunning => 5,
            Exit::CheckFailed => 10,
            Exit::Unreachable => 11,
            Exit::Timeout => 12,
            Exit::Authentication => 13,
            Exit::NotFound => 14,
            Exit::DriverMissing => 15,
            Exit::Tls => 16,
            Exit::Permission => 17,
            Exit::Dns => 18,
            Exit::DriverManager => 19,
            Exit::HostKey => 20,
            Exit::RemoteFull => 21,
            Exit::InvalidInput => 65,
            Exit::Io => 74,
            Exit::Busy => 75,
            Exit::Store => 78,
            Exit::Interrupted => 130,
        };
        assert_eq!(e.code(), documented, "{e:?} changed its number");
    }
}

#[test]
fn readme_lists_every_environment_variable_of_the_help() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Environment variables")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README.md has an `## Environment variables` section");
    for (var, _) in travelerutil::cli::ENVIRONMENT {
        assert!(
            section.contains(&format!("`{var}`")),
            "README.md's environment table lacks `{var}`"
        );
    }
}
