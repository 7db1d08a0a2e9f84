//! The report of one `db check`: what the text and `--json` forms are rendered from
//! (docs/json.md, `db check --json`).

use crate::exit::Exit;
use crate::probe::drivers::Choice;
use crate::probe::odbc::ProbeOutcome;
use crate::probe::offline::{Check, Status};
use crate::probe::{FailureClass, Verdict};
use serde::Serialize;
use std::path::PathBuf;

/// The overall result, as `"result"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
}

/// Where Traveler keeps its data, as `"mode"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// An enterprise database is configured (`db set`).
    Enterprise,
    /// No enterprise database: Traveler's embedded Derby.
    Standalone,
}

/// unixODBC's configuration files, as this process will read them.
#[derive(Debug, Clone, Serialize)]
pub struct DriverManager {
    pub odbcsysini: Option<String>,
    pub odbcinst_ini: String,
    pub odbcini: Option<String>,
}

impl DriverManager {
    /// unixODBC reads `$ODBCSYSINI/odbcinst.ini` (default /etc), or the file `ODBCINSTINI` names
    /// when it is absolute.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> DriverManager {
        let set = |k: &str| var(k).filter(|v| !v.is_empty());
        let sysini = set("ODBCSYSINI");
        let inst = set("ODBCINSTINI").unwrap_or_else(|| "odbcinst.ini".into());
        let odbcinst_ini = if inst.starts_with('/') {
            inst
        } else {
            format!("{}/{inst}", sysini.as_deref().unwrap_or("/etc"))
        };
        DriverManager {
            odbcsysini: sysini,
            odbcinst_ini,
            odbcini: set("ODBCINI"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub result: Outcome,
    pub class: Option<FailureClass>,
    pub exit_code: u8,
    pub mode: Mode,
    pub store: PathBuf,
    pub url: Option<String>,
    pub driver_manager: DriverManager,
    pub driver: Option<Choice>,
    pub connection: Option<String>,
    pub timeout_secs: u32,
    pub checks: Vec<Check>,
    pub probe: Option<ProbeOutcome>,
    pub verdict: Option<Verdict>,
    pub notes: Vec<String>,
}

impl Report {
    /// An enterprise-mode report with nothing checked yet.
    pub fn new(store: PathBuf, driver_manager: DriverManager, timeout_secs: u32) -> Report {
        Report {
            result: Outcome::Fail,
            class: None,
            exit_code: 0,
            mode: Mode::Enterprise,
            store,
            url: None,
            driver_manager,
            driver: None,
            connection: None,
            timeout_secs,
            checks: Vec::new(),
            probe: None,
            verdict: None,
            notes: Vec::new(),
        }
    }

    pub fn push(&mut self, name: &'static str, status: Status, detail: impl Into<String>) {
        self.checks.push(Check::new(name, status, detail));
    }

    /// Records the classified failure and returns its exit code.
    pub fn fail_with(&mut self, verdict: Verdict) -> Exit {
        let exit = verdict.class.exit();
        self.class = Some(verdict.class);
        self.verdict = Some(verdict);
        exit
    }

    /// Sets the fields that follow from the exit code.
    pub fn finish(&mut self, exit: Exit) {
        self.exit_code = exit.code();
        self.result = if exit == Exit::Success {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
    }

    /// What failed, in one line: the verdict's class, else the last failed check.
    pub fn failure_summary(&self) -> String {
        match &self.verdict {
            Some(v) => v.class.describe().to_string(),
            None => self.last_failed_detail(),
        }
    }

    /// The detail of the last check that failed.
    pub fn last_failed_detail(&self) -> String {
        self.checks
            .iter()
            .rev()
            .find(|c| c.status == Status::Fail)
            .map(|c| c.detail.clone())
            .unwrap_or_default()
    }

    /// The detail of the named check, if it ran.
    pub fn detail_of(&self, name: &str) -> Option<&str> {
        self.checks.iter().find(|c| c.name == name).map(|c| c.detail.as_str())
    }
}
