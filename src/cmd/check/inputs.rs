//! Resolving what a check needs before it touches anything: the words of the command line, the
//! time limit, and the ODBC driver (pure, apart from the driver manager's list when needed).

use crate::args::{self, ArgError, Key};
use crate::cmd::inputs::whole_number;
use crate::error::Failure;
use crate::jdbc::JdbcUrl;
use crate::probe::FailureClass;
use crate::probe::drivers::{self, Choice, Installed, Source};

pub const CHECK_KEYS: &[Key] = &[Key::value("timeout"), Key::value("driver"), Key::flag("quick")];
/// Overrides the driver choice (after `driver=` on the command line and the stored one).
pub const DRIVER_ENV: &str = "TRAVELERUTIL_ODBC_DRIVER";
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;
/// The seconds `timeout=` accepts, for `db check` and `db set`'s connection test alike: one
/// meaning, one range, one parser.
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<i64> = 1..=3600;

/// The validated words of `db check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub timeout_secs: u32,
    pub driver: Option<String>,
    /// Only the connection verdict and the failover probes: no HA-readiness section.
    pub quick: bool,
}

/// Parses `timeout=`, `driver=` and `quick`; `None` when `help` was among the words. An unknown
/// key is a usage error (exit 2), a bad timeout invalid input (65).
pub fn parse_words(words: &[String]) -> Result<Option<Words>, Failure> {
    let mut w = match args::parse(words, CHECK_KEYS) {
        Ok(w) => w,
        Err(ArgError::Help) => return Ok(None),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(Failure::usage(format!("db check: {e}{hint}")));
        }
    };
    Ok(Some(Words {
        timeout_secs: timeout_secs(w.take("timeout").as_deref())?,
        quick: w.flag("quick"),
        driver: w.take("driver"),
    }))
}

/// The value of `timeout=` (`None`: not given, the default), for `db check` and `db set`.
pub fn timeout_secs(value: Option<&str>) -> Result<u32, Failure> {
    let Some(v) = value else {
        return Ok(DEFAULT_TIMEOUT_SECS);
    };
    let n = whole_number("timeout", v, TIMEOUT_RANGE, "seconds")?;
    // Within TIMEOUT_RANGE every value fits; the default is only there to avoid a panic path.
    Ok(u32::try_from(n).unwrap_or(DEFAULT_TIMEOUT_SECS))
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

    fn words(w: &[&str]) -> Result<Option<Words>, Failure> {
        parse_words(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn timeout_and_driver_words() {
        assert_eq!(
            words(&[]).unwrap(),
            Some(Words {
                timeout_secs: 10,
                driver: None,
                quick: false,
            })
        );
        let w = words(&["timeout=3", "driver=MariaDB Unicode", "quick"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (w.timeout_secs, w.driver.as_deref(), w.quick),
            (3, Some("MariaDB Unicode"), true)
        );
        assert!(words(&["help"]).unwrap().is_none());
        let e = words(&["tmeout=3"]).unwrap_err();
        assert_eq!(e.exit, crate::exit::Exit::Usage);
    }

    #[test]
    fn timeout_is_a_whole_number_of_seconds_from_1_to_3600() {
        assert_eq!(timeout_secs(Some(" 3600 ")).unwrap(), 3600);
        assert_eq!(timeout_secs(None).unwrap(), DEFAULT_TIMEOUT_SECS);
        for bad in ["0", "3601", "-1", "ten", "1.5", "x\x1b"] {
            let e = timeout_secs(Some(bad)).unwrap_err();
            assert_eq!(e.exit, crate::exit::Exit::InvalidInput, "{bad}");
            let msg = e.error.to_string();
            assert!(msg.ends_with("is not a number of seconds between 1 and 3600"), "{msg}");
            assert!(!msg.contains('\x1b'), "{msg}");
        }
    }
}
