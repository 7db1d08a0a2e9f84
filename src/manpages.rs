//! Man pages, generated from the clap definition: `travelerUtil.1`, one page per command group
//! (`travelerUtil-db.1`, ...) and one per action (`travelerUtil-db-set.1`), so every page a
//! SEE ALSO line names exists. `man/` holds the output, and a test fails when it is stale
//! (regenerate with `cargo run -- generate-man man`).

use std::io;
use std::path::Path;

/// Renders every page: `(file name, roff text)`. The same walk as `clap_mangen::generate_to`,
/// kept in memory so the staleness test can compare without writing.
pub fn render_all() -> io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        out.push((man.get_filename(), buf));
        Ok(())
    }
    // The plain version only: the commit in `--version` would make `man/` stale at every commit.
    let mut cmd = crate::cli::command().long_version(None).disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pages)
}

pub fn write_all(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in render_all()? {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}
