//! Where the store lives, and why there.
//!
//! Order: `--home DIR` > `TRAVELERUTIL_HOME` > `<data dir>/traveler/util/` when a Domino data
//! directory is known (`--data-dir`, `TRAVELERUTIL_DATA_DIR`) > the user's config directory
//! (`$XDG_CONFIG_HOME/travelerutil`, else `~/.config/travelerutil`). The data-directory
//! default puts the store beside the original tool, which lives in `<data>/traveler/util`.

use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `--home`
    Flag,
    /// `TRAVELERUTIL_HOME`
    Env,
    /// `<data dir>/traveler/util`
    DataDir,
    /// `$XDG_CONFIG_HOME/travelerutil` or `~/.config/travelerutil`
    ConfigDir,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::Flag => "--home",
            Source::Env => "TRAVELERUTIL_HOME",
            Source::DataDir => "the Domino data directory",
            Source::ConfigDir => "the user's config directory",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("no place for the store: give --home DIR (or TRAVELERUTIL_HOME), or --data-dir, or set HOME")]
pub struct NoHome;

/// `home` is clap's merged `--home`/`TRAVELERUTIL_HOME` value; `env_home` the raw variable, to
/// tell which of the two it came from.
pub fn store_dir(
    home: Option<&Path>,
    env_home: Option<&Path>,
    data_dir: Option<&Path>,
    xdg_config: Option<&Path>,
    user_home: Option<&Path>,
) -> Result<(PathBuf, Source), NoHome> {
    if let Some(h) = home {
        let src = if env_home == Some(h) { Source::Env } else { Source::Flag };
        return Ok((h.to_path_buf(), src));
    }
    if let Some(d) = data_dir {
        return Ok((d.join("traveler").join("util"), Source::DataDir));
    }
    if let Some(x) = xdg_config.filter(|x| x.is_absolute()) {
        return Ok((x.join("travelerutil"), Source::ConfigDir));
    }
    if let Some(h) = user_home.filter(|h| !h.as_os_str().is_empty()) {
        return Ok((h.join(".config").join("travelerutil"), Source::ConfigDir));
    }
    Err(NoHome)
}

/// [`store_dir`] with the process environment.
pub fn from_env(home: Option<&Path>, data_dir: Option<&Path>) -> Result<(PathBuf, Source), NoHome> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    store_dir(
        home,
        env("TRAVELERUTIL_HOME").as_deref(),
        data_dir,
        env("XDG_CONFIG_HOME").as_deref(),
        env("HOME").as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let p = |s: &str| PathBuf::from(s);
        let (d, s) = store_dir(Some(&p("/h")), None, Some(&p("/data")), None, Some(&p("/root"))).unwrap();
        assert_eq!((d, s), (p("/h"), Source::Flag));
        let (_, s) = store_dir(Some(&p("/h")), Some(&p("/h")), None, None, None).unwrap();
        assert_eq!(s, Source::Env);
        let (d, s) = store_dir(None, None, Some(&p("/local/notesdata")), None, Some(&p("/root"))).unwrap();
        assert_eq!((d, s), (p("/local/notesdata/traveler/util"), Source::DataDir));
        let (d, _) = store_dir(None, None, None, Some(&p("/x")), Some(&p("/root"))).unwrap();
        assert_eq!(d, p("/x/travelerutil"));
        let (d, _) = store_dir(None, None, None, Some(&p("rel")), Some(&p("/root"))).unwrap();
        assert_eq!(d, p("/root/.config/travelerutil"));
        assert!(store_dir(None, None, None, None, None).is_err());
    }
}
