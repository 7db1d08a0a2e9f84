//! The two HA sections of `db check`: readiness (what Traveler will need from the database) and
//! failover (every server the URL names). [`prepare`] reads what they need before the probes;
//! [`conclude`] turns the probes' answers into the report's lines and the exit code.

use super::report::{Failover, Readiness, Report, ServerLine, ServerResult};
use super::steps;
use crate::exit::Exit;
use crate::jdbc::failover::{Role, Server};
use crate::jdbc::{JdbcUrl, Kind};
use crate::probe::FailureClass;
use crate::probe::odbc::{Ask, Connected, ProbeOutcome, ServerInfo};
use crate::probe::ready::{self, Level, Line, NotesIni, Plan};
use crate::probe::runner::{self, Progress};
use crate::term::escape;
use std::path::Path;
use std::time::Duration;

/// What the HA sections need before the probes run.
pub struct Ha {
    pub servers: Vec<Server>,
    pub plan: Option<(Plan, NotesIni)>,
}

impl Ha {
    /// The catalog reads of the readiness section, for the primary's probe.
    pub fn asks(&self) -> Vec<Ask> {
        self.plan.as_ref().map(|(p, _)| p.asks()).unwrap_or_default()
    }
}

/// The servers of `url`, and (unless `quick`) the readiness plan, with notes.ini found the way
/// `log collect` finds the data directory.
pub fn prepare(url: &JdbcUrl, user: Option<&str>, data_dir: Option<&Path>, quick: bool) -> Ha {
    let servers = crate::jdbc::failover::servers(url);
    if quick {
        return Ha { servers, plan: None };
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let data = crate::archive::plan::resolve_data_dir(data_dir, &cwd);
    let notes = ready::notes::read(&data.path, data.source.describe());
    let plan = ready::plan(&ready::Inputs {
        url,
        user,
        notes: &notes,
        servers: &servers,
    });
    Ha {
        servers,
        plan: Some((plan, notes)),
    }
}

/// Fills the connection lines, the readiness and failover sections; returns the exit code: the
/// primary's class when it fails, 10 when a readiness line fails, 9 (degraded) when a partner
/// fails, else 0.
pub fn conclude(r: &mut Report, kind: Kind, ha: &Ha, progress: &[Progress], limit: Duration) -> Exit {
    let outcome = |i: usize| match progress.get(i) {
        Some(Progress::Done(o) | Progress::Connected(o)) => o.clone(),
        Some(Progress::NoAnswer) | None => runner::stopped(limit),
    };
    let primary = outcome(0);
    let exit = steps::record_outcome(r, kind, primary.clone());
    if let Some((plan, notes)) = &ha.plan {
        r.readiness = Some(readiness(plan, notes, &primary, progress.first()));
    }
    let servers: Vec<ServerLine> = ha
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| server_line(s, &outcome(i)))
        .collect();
    let lines = agreement(&servers);
    let degraded = servers
        .iter()
        .any(|s| s.role != Role::Primary && s.result == ServerResult::Fail);
    r.failover = Some(Failover { servers, lines });
    if exit != Exit::Success {
        return exit;
    }
    if r.readiness
        .iter()
        .flat_map(|x| &x.lines)
        .any(|l| l.level == Level::Fail)
    {
        return Exit::CheckFailed;
    }
    if degraded { Exit::Degraded } else { Exit::Success }
}

fn readiness(plan: &Plan, notes: &NotesIni, primary: &ProbeOutcome, progress: Option<&Progress>) -> Readiness {
    let mut lines = plan.lines.clone();
    if let ProbeOutcome::Connected(Connected {
        row: true,
        info,
        answers,
        ..
    }) = primary
    {
        // Progress::Connected: the deadline came during the catalog reads; they say so.
        let answered = match progress {
            Some(Progress::Done(_)) => answers.as_slice(),
            Some(Progress::Connected(_) | Progress::NoAnswer) | None => &[],
        };
        lines.extend(plan.evaluate(info, answered));
    }
    Readiness {
        schema_mode: plan.mode,
        notes_ini: notes.path.clone(),
        schema: plan.schema.name.clone(),
        lines,
    }
}

fn server_line(s: &Server, outcome: &ProbeOutcome) -> ServerLine {
    let (result, class, info, elapsed_ms, detail) = match outcome {
        ProbeOutcome::Connected(c) => {
            let (result, detail) = if c.row {
                (ServerResult::Pass, format!("connected in {:.1} ms", c.connect_ms))
            } else {
                (ServerResult::Fail, "the validation query returned no row".into())
            };
            let class = (!c.row).then_some(FailureClass::Other);
            (result, class, Some(&c.info), c.connect_ms + c.query_ms, detail)
        }
        ProbeOutcome::Failed(f) => {
            let v = f.verdict();
            let result = if v.standby {
                ServerResult::Standby
            } else {
                ServerResult::Fail
            };
            let what = v.class.describe();
            (
                result,
                Some(v.class),
                None,
                f.elapsed_ms,
                format!("{what} after {:.0} ms", f.elapsed_ms),
            )
        }
    };
    let info = info.cloned().unwrap_or_else(ServerInfo::default);
    ServerLine {
        role: s.role,
        index: s.role.index(),
        address: s.addr(),
        result,
        class,
        dbms_name: info.dbms_name,
        dbms_version: info.dbms_version,
        elapsed_ms,
        detail,
    }
}

/// WARN when the servers that answered report different DBMS names or major versions: a pool
/// fails over to a server that must run what the primary runs. INFO when the URL names no
/// partner.
fn agreement(servers: &[ServerLine]) -> Vec<Line> {
    if servers.len() < 2 {
        return vec![Line::new(
            "partners",
            Level::Info,
            "the URL names no failover partner: after a failover, this host name (or address) must lead to the new primary",
        )];
    }
    let known: Vec<(&ServerLine, String, Option<u32>)> = servers
        .iter()
        .filter(|s| s.result == ServerResult::Pass)
        .map(|s| {
            let name = s.dbms_name.clone().unwrap_or_default();
            let major = s.dbms_version.as_deref().and_then(ready::server_major);
            (s, name, major)
        })
        .collect();
    let [(first, name, major), ..] = known.as_slice() else {
        return Vec::new();
    };
    if known.len() < 2 {
        return Vec::new();
    }
    let differ: Vec<String> = known
        .iter()
        .skip(1)
        .filter(|(_, n, m)| n != name || m != major)
        .map(|(s, n, _)| {
            let v = s.dbms_version.as_deref().unwrap_or("?");
            format!("{} {} reports {} {}", s.role, escape(&s.address), escape(n), escape(v))
        })
        .collect();
    if differ.is_empty() {
        let what = format!(
            "{} server(s) answered with the same DBMS and major version",
            known.len()
        );
        return vec![Line::new("partners", Level::Pass, what)];
    }
    let v = first.dbms_version.as_deref().unwrap_or("?");
    let detail = format!(
        "the primary reports {} {}, but {}",
        escape(name),
        escape(v),
        differ.join(", ")
    );
    vec![Line::new("partners", Level::Warn, detail).hint(
        "every pool member fails over to the same partner, which must run the DBMS and major version \
         the primary runs; check the partner's installation",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::odbc::{Answer, ServerInfo};
    use crate::probe::ready::notes::NotesIni;
    use std::path::PathBuf;

    fn connected(answers: Vec<Answer>) -> ProbeOutcome {
        ProbeOutcome::Connected(Connected {
            connect_ms: 1.0,
            query_ms: 0.1,
            row: true,
            info: ServerInfo {
                dbms_name: Some("MariaDB".into()),
                dbms_version: Some("10.11.000019".into()),
                ..ServerInfo::default()
            },
            warnings: Vec::new(),
            answers,
        })
    }

    fn setup(url: &str) -> (Report, JdbcUrl, Ha) {
        let url = crate::jdbc::parse(url).url.unwrap();
        let notes = NotesIni::parse(PathBuf::from("/d/notes.ini"), "--data-dir", b"");
        let servers = crate::jdbc::failover::servers(&url);
        let plan = ready::plan(&ready::Inputs {
            url: &url,
            user: Some("app"),
            notes: &notes,
            servers: &servers,
        });
        let dm = super::super::report::DriverManager::from_env(|_| None);
        let r = Report::new(PathBuf::from("/h/s"), dm, 3);
        (
            r,
            url,
            Ha {
                servers,
                plan: Some((plan, notes)),
            },
        )
    }

    /// The deadline came after the connection, during the catalog reads: the connection passes,
    /// and every read that needs the server says it got no answer.
    #[test]
    fn a_deadline_during_the_catalog_reads() {
        let (mut r, url, ha) = setup("jdbc:mysql://db.example.com/TRAVELER");
        let p = [Progress::Connected(connected(Vec::new()))];
        let exit = conclude(&mut r, url.kind, &ha, &p, Duration::from_secs(3));
        assert_eq!(exit, Exit::Success);
        let lines = &r.readiness.as_ref().unwrap().lines;
        let privileges = lines.iter().find(|l| l.name == "privileges").unwrap();
        assert_eq!(privileges.level, Level::Info);
        assert!(
            privileges.detail.contains("no answer within the time limit"),
            "{privileges:?}"
        );
        assert_eq!(lines.iter().find(|l| l.name == "version").unwrap().level, Level::Info);
    }

    /// A partner that never answered is stopped by the deadline and makes the check degraded;
    /// the primary's readiness lines are there.
    #[test]
    fn a_silent_partner_is_a_timeout_and_degraded() {
        let (mut r, url, ha) = setup("jdbc:mysql://db1.example.com,db2.example.com/TRAVELER");
        let p = [Progress::Done(connected(Vec::new())), Progress::NoAnswer];
        let exit = conclude(&mut r, url.kind, &ha, &p, Duration::from_secs(3));
        assert_eq!(exit, Exit::Degraded);
        let f = r.failover.as_ref().unwrap();
        assert_eq!(f.servers[1].result, ServerResult::Fail);
        assert_eq!(f.servers[1].class, Some(FailureClass::Timeout));
        assert_eq!(f.servers[1].elapsed_ms, 3000.0);
        r.finish(exit);
        assert!(
            r.failure_summary()
                .contains("alternate 1 db2.example.com:3306 (timeout)"),
            "{}",
            r.failure_summary()
        );
    }

    #[test]
    fn different_major_versions_warn() {
        let line = |name: &str, v: &str| ServerLine {
            role: Role::Primary,
            index: None,
            address: "h:1".into(),
            result: ServerResult::Pass,
            class: None,
            dbms_name: Some(name.into()),
            dbms_version: Some(v.into()),
            elapsed_ms: 1.0,
            detail: String::new(),
        };
        let same = agreement(&[line("MariaDB", "10.11.000019"), line("MariaDB", "10.6.000001")]);
        assert_eq!(same[0].level, Level::Pass);
        let other = agreement(&[line("MariaDB", "10.11.000019"), line("MariaDB", "11.4.000002")]);
        assert_eq!(other[0].level, Level::Warn);
        let name = agreement(&[line("MariaDB", "10.11.000019"), line("MySQL", "10.11")]);
        assert_eq!(name[0].level, Level::Warn);
        assert_eq!(agreement(&[line("MariaDB", "10.11")])[0].level, Level::Info);
    }
}
