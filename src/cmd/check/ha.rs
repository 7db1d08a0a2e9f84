//! The two HA sections of `db check`: readiness (what Traveler will need from the database) and
//! failover (every server the URL names). [`prepare`] reads what they need before the probes;
//! [`conclude`] turns the probes' answers into the report's lines and the exit code.

use super::report::{Failover, Readiness, Report, ServerLine, ServerResult};
use super::steps;
use crate::exit::Exit;
use crate::jdbc::failover::{Role, Server};
use crate::jdbc::{JdbcUrl, Kind};
use crate::probe::odbc::{ProbeOutcome, ServerInfo};
use crate::probe::ready::{self, Level, Line, NotesIni, Plan};
use crate::probe::runner::{self, Progress};
use crate::probe::{FailureClass, classify};
use crate::term::escape;
use std::path::Path;
use std::time::Duration;

/// What the HA sections need before the probes run.
pub struct Ha {
    pub servers: Vec<Server>,
    pub plan: Option<(Plan, NotesIni)>,
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
    if let ProbeOutcome::Connected {
        row: true,
        info,
        answers,
        ..
    } = primary
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
        ProbeOutcome::Connected {
            connect_ms,
            query_ms,
            row,
            info,
            ..
        } => {
            let (result, detail) = if *row {
                (ServerResult::Pass, format!("connected in {connect_ms:.1} ms"))
            } else {
                (ServerResult::Fail, "the validation query returned no row".into())
            };
            let class = (!*row).then_some(FailureClass::Other);
            (result, class, Some(info), connect_ms + query_ms, detail)
        }
        ProbeOutcome::Failed {
            stage,
            elapsed_ms,
            records,
        } => {
            let v = classify::classify(*stage, records);
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
                *elapsed_ms,
                format!("{what} after {elapsed_ms:.0} ms"),
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
