//! The report of one `db check`: what the text and `--json` forms are rendered from
//! (docs/json.md, `db check --json`).

use crate::exit::Exit;
use crate::jdbc::failover::Role;
use crate::probe::drivers::Choice;
use crate::probe::odbc::ProbeOutcome;
use crate::probe::offline::{Check, Status};
use crate::probe::ready::{Level, Line, SchemaMode};
use crate::probe::{FailureClass, Verdict};
use serde::Serialize;
use std::path::PathBuf;

/// The overall result, as `"result"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The primary passes, a failover partner fails.
    Degraded,
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
    /// What Traveler will need from the database; `null` with `quick` or before a URL was read.
    pub readiness: Option<Readiness>,
    /// Every server the URL names; `null` before the servers were probed.
    pub failover: Option<Failover>,
}

/// The HA-readiness section.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub schema_mode: SchemaMode,
    /// The notes.ini that was read (or looked for).
    pub notes_ini: PathBuf,
    /// The schema Traveler will use, when it is known.
    pub schema: Option<String>,
    pub lines: Vec<Line>,
}

/// How one server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerResult {
    Pass,
    /// Reachable, and answered that it is a standby: right for a failover partner.
    Standby,
    Fail,
}

/// One line of the failover section.
#[derive(Debug, Clone, Serialize)]
pub struct ServerLine {
    pub role: Role,
    /// The alternate's number (1-based), `null` for the primary and a failover partner.
    pub index: Option<usize>,
    pub address: String,
    pub result: ServerResult,
    pub class: Option<FailureClass>,
    pub dbms_name: Option<String>,
    pub dbms_version: Option<String>,
    pub elapsed_ms: f64,
    pub detail: String,
}

/// The failover section.
#[derive(Debug, Clone, Serialize)]
pub struct Failover {
    pub servers: Vec<ServerLine>,
    pub lines: Vec<Line>,
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
            readiness: None,
            failover: None,
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
        } else if exit == Exit::Degraded {
            Outcome::Degraded
        } else {
            Outcome::Fail
        };
    }

    /// What failed, in one line: the verdict's class, the failed readiness lines, the failed
    /// partners, else the last failed check.
    pub fn failure_summary(&self) -> String {
        if let Some(v) = &self.verdict {
            return v.class.describe().to_string();
        }
        let failed_lines = self.failed_readiness();
        if !failed_lines.is_empty() {
            return format!("HA readiness: {}", failed_lines.join("; "));
        }
        if self.result == Outcome::Degraded {
            return format!(
                "degraded, failover would not work: {}",
                self.failed_partners().join("; ")
            );
        }
        self.last_failed_detail()
    }

    /// The readiness lines that failed, as `name: detail`.
    pub fn failed_readiness(&self) -> Vec<String> {
        self.readiness
            .iter()
            .flat_map(|r| &r.lines)
            .filter(|l| l.level == Level::Fail)
            .map(|l| format!("{}: {}", l.name, crate::term::escape(&l.detail)))
            .collect()
    }

    /// The partners that failed, as `alternate 1 host:port (class)`.
    pub fn failed_partners(&self) -> Vec<String> {
        self.failover
            .iter()
            .flat_map(|f| &f.servers)
            .filter(|s| s.role != Role::Primary && s.result == ServerResult::Fail)
            .map(|s| {
                let class = s
                    .class
                    .map(|c| c.describe().split(':').next().unwrap_or_default().to_string());
                format!(
                    "{} {} ({})",
                    s.role,
                    crate::term::escape(&s.address),
                    class.unwrap_or_default()
                )
            })
            .collect()
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
