//! Resolving what a check needs before it touches anything: the words of the command line, the
//! time limit, and the ODBC driver (pure, apart from the driver manager's list when needed).

use crate::args::{self, ArgError, Key};
use crate::jdbc::JdbcUrl;
use crate::probe::FailureClass;
use crate::probe::drivers::{self, Choice, Installed, Source};

pub const CHECK_KEYS: &[Key] = &[Key::value("timeout"), Key::value("driver"), Key::flag("quick")];
/// Overrides the driver choice (after `driver=` on the command line and the stored one).
pub const DRIVER_ENV: &str = "TRAVELERUTIL_ODBC_DRIVER";
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;

/// The validated words of `db check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub timeout_secs: u32,
    pub driver: Option<String>,
    /// Only the connection verdict and the failover probes: no HA-readiness section.
    pub quick: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordsError {
    /// `help` was among the words.
    Help,
    /// A usage error, already phrased for the admin.
    Usage(String),
}

/// Parses `timeout=`, `driver=` and `quick`.
pub fn parse_words(words: &[String]) -> Result<Words, WordsError> {
    let mut w = match args::parse(words, CHECK_KEYS) {
        Ok(w) => w,
        Err(ArgError::Help) => return Err(WordsError::Help),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(WordsError::Usage(format!("db check: {e}{hint}")));
        }
    };
    let timeout_secs = match w.take("timeout") {
        None => DEFAULT_TIMEOUT_SECS,
        Some(t) => match t.trim().parse::<u32>() {
            Ok(n @ 1..=3600) => n,
            _ => {
                return Err(WordsError::Usage(format!(
                    "db check: timeout={} is not a number of seconds from 1 to 3600",
                    crate::term::escape(&t)
                )));
            }
        },
    };
    Ok(Words {
        timeout_secs,
        quick: w.flag("quick"),
        driver: w.take("driver"),
    })
}

/// Where a driver name may come from, in order: the command line, the store, the environment.
pub struct DriverOverrides<'a> {
    pub arg: Option<&'a str>,
    pub stored: Option<&'a str>,
    pub env: Option<&'a str>,
}

impl DriverOverrides<'_> {
    fn list(&self) -> [(Source, Option<&str>); 3] {
        [
            (Source::CommandLine, self.arg),
            (Source::Stored, self.stored),
            (Source::Env, self.env),
        ]
    }
}

/// Why no driver could be chosen: the class it counts as, and the sentence for the report.
pub type ChoiceFailure = (FailureClass, String);

/// `verify`: check a named driver against the driver manager's list (SQLDrivers). Without it,
/// a named driver takes the fast path ([`drivers::named`]): unixODBC re-reads odbcinst.ini for
/// every attribute of every driver during SQLDrivers, which `isql` never pays, and an
/// unregistered name is reported by the driver manager itself at connect (`Can't open lib`,
/// classified as driver-missing). Automatic choice always needs the list. `installed` asks the
/// driver manager; `odbcinst_ini` names the registry in the message.
pub fn choose_driver(
    url: &JdbcUrl,
    overrides: &DriverOverrides<'_>,
    verify: bool,
    installed: impl FnOnce() -> Result<Vec<Installed>, String>,
    odbcinst_ini: &str,
) -> Result<Choice, ChoiceFailure> {
    let list = overrides.list();
    if !verify && let Some(c) = drivers::named(url, &list) {
        return Ok(c);
    }
    let installed = installed().map_err(|e| {
        (
            FailureClass::DriverManager,
            format!("the ODBC driver manager failed: {e}"),
        )
    })?;
    drivers::choose(url, &installed, &list).map_err(|e| {
        let msg = format!("{e}; install the database's ODBC driver, or register it in {odbcinst_ini}");
        (FailureClass::DriverMissing, msg)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Result<Words, WordsError> {
        parse_words(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn timeout_and_driver_words() {
        assert_eq!(
            words(&[]),
            Ok(Words {
                timeout_secs: 10,
                driver: None,
                quick: false,
            })
        );
        let w = words(&["timeout=3", "driver=MariaDB Unicode", "quick"]).unwrap();
        assert_eq!(
            (w.timeout_secs, w.driver.as_deref(), w.quick),
            (3, Some("MariaDB Unicode"), true)
        );
        assert!(matches!(words(&["timeout=0"]), Err(WordsError::Usage(m)) if m.contains("1 to 3600")));
        assert!(matches!(words(&["timeout=x\x1b"]), Err(WordsError::Usage(m)) if m.contains("\\x1b")));
        assert_eq!(words(&["help"]), Err(WordsError::Help));
    }
}
