//! Man pages, generated from the clap definition: one page for the program and one per
//! command group (`travelerUtil-db.1`, ...). `man/` holds the output, and a test fails when it
//! is stale (regenerate with `cargo run -- generate-man man`).

use std::io;
use std::path::Path;

/// The command groups that get a page of their own.
pub const GROUPS: &[&str] = &["db", "ssl", "log", "pmr", "support", "batch", "completions"];

/// Renders every page: `(file name, roff text)`.
pub fn render_all() -> io::Result<Vec<(String, Vec<u8>)>> {
    let root = crate::cli::command();
    let mut pages = Vec::new();
    let mut buf = Vec::new();
    clap_mangen::Man::new(root.clone()).render(&mut buf)?;
    pages.push(("travelerUtil.1".to_string(), buf));
    for g in GROUPS {
        let Some(sub) = root.find_subcommand(g) else { continue };
        // The page's name must carry the parent's: `travelerUtil-db`.
        let sub = sub.clone().name(format!("travelerUtil-{g}")).bin_name(format!("travelerUtil {g}"));
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub).render(&mut buf)?;
        pages.push((format!("travelerUtil-{g}.1"), buf));
    }
    Ok(pages)
}

pub fn write_all(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in render_all()? {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}
