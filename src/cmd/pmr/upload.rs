//! `pmr <number> [files…]`: find every file (or collect the logs), connect through the SFTP
//! helper with the host key checked before any credential is sent, upload, report.

use super::super::Ctx;
use super::super::inputs::{self, SecretSpec};
use super::{DEFAULT_PORT, PW, hint, keyfile};
use crate::case::{self, CaseNumber};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::Secret;
use crate::sftp::{self, Endpoint, HostKey, SftpError, Uploaded, client};
use crate::store::SupportSettings;
use crate::term::{escape, escape_path, progress};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum UploadStatus {
    Uploaded,
}

/// How the server's host key was trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum HostKeyStatus {
    /// It matched the stored pin.
    Pinned,
    /// First use: accepted (`--yes` or the prompt) and pinned now.
    Accepted,
}

#[derive(Serialize)]
struct UploadJson<'a> {
    status: UploadStatus,
    case: &'a str,
    case_kind: case::CaseKind,
    host: &'a str,
    port: u16,
    user: &'a str,
    dir: &'a str,
    hostkey: &'a str,
    hostkey_status: HostKeyStatus,
    collected: bool,
    files: Vec<FileJson>,
}

#[derive(Serialize)]
struct FileJson {
    local: PathBuf,
    #[serde(flatten)]
    uploaded: Uploaded,
}

/// One file to upload.
struct Planned {
    local: PathBuf,
    remote: String,
}

/// Everything an upload needs, resolved before anything connects.
struct Job {
    case: CaseNumber,
    settings: SupportSettings,
    endpoint: Endpoint,
    dir: String,
    plan: Vec<Planned>,
    /// No file was named: the logs are collected for the case and that archive is uploaded.
    collect: bool,
    password: Option<Secret>,
}

/// The connection, once the server proved its key and accepted the login.
struct Session {
    conn: client::Client,
    key: HostKey,
    status: HostKeyStatus,
}

pub(super) fn upload(
    ctx: &mut Ctx,
    name: &str,
    number: &str,
    files: &[String],
    timeout: Duration,
) -> Result<Exit, Failure> {
    let mut job = resolve(ctx, name, number, files, timeout)?;
    if job.collect {
        ctx.info(format!("no files named: collecting the logs for {}", job.case));
        let archive = super::super::log::collect_for_case(ctx, job.case.as_str())?;
        job.plan.push(plan_file(&job.case, &job.dir, &archive)?);
    }
    let mut session = connect(ctx, name, &job)?;
    let done = transfer(ctx, name, &job, &mut session.conn)?;
    render(ctx, &job, &session, done)
}

/// The case, the stored endpoint, every named file (found before anything connects), the key
/// file's checks, and the password: `TRAVELERUTIL_SUPPORT_PW`, the stored one, else the prompt
/// (none with a key).
fn resolve(ctx: &Ctx, name: &str, number: &str, files: &[String], timeout: Duration) -> Result<Job, Failure> {
    let case = case::parse_case(number).map_err(|e| Failure::input(e.to_string()))?;
    let settings = ctx.store.load()?.and_then(|s| s.support).unwrap_or_default();
    let (Some(host), Some(user)) = (settings.host.clone(), settings.user.clone()) else {
        return Err(Failure::usage(format!(
            "no SFTP server is configured: run `travelerUtil {name} set host=... user=...` first"
        )));
    };
    let dir = settings.dir.clone().unwrap_or_else(|| ".".into());
    let logs = logs_dir(ctx);
    let plan = files
        .iter()
        .map(|f| plan_file(&case, &dir, &resolve_file(f, &logs)?))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(k) = &settings.key {
        keyfile::check(k)?;
    }
    let password = match inputs::given_secret(ctx, &PW, None)? {
        Some((p, _)) => Some(p),
        None if settings.password.is_none() && settings.key.is_some() => None,
        None => {
            let question = format!("SFTP password for {}@{}", escape(&user), escape(&host));
            let spec = SecretSpec {
                question: &question,
                ..PW
            };
            Some(inputs::stored_or_prompt(ctx, &spec, settings.password.as_ref())?.0)
        }
    };
    let endpoint = Endpoint {
        host,
        port: settings.port.unwrap_or(DEFAULT_PORT),
        user,
        connect_timeout: timeout,
        io_timeout: timeout,
    };
    Ok(Job {
        case,
        collect: files.is_empty(),
        settings,
        endpoint,
        dir,
        plan,
        password,
    })
}

/// Starts the helper and connects: the host key is checked (against the pin, else by the
/// admin) before the password is handed over, and pinned once the login succeeded, as OpenSSH
/// writes known_hosts at first use: later runs (and a resumed upload) then need no `--yes`.
fn connect(ctx: &Ctx, name: &str, job: &Job) -> Result<Session, Failure> {
    let addr = job.endpoint.addr();
    let program = client::locate().map_err(|source| {
        let e = SftpError::Helper {
            path: sftp::protocol::HELPER.into(),
            source,
        };
        hint::failure(name, &addr, &e)
    })?;
    let ep = &job.endpoint;
    ctx.info(format!("connecting to {}@{}", escape(&ep.user), escape(&addr)));
    let pinned = job.settings.hostkey.as_deref();
    let mut seen: Option<HostKey> = None;
    let mut verify = |k: &HostKey| -> Result<(), SftpError> {
        verify_host_key(ctx, name, &addr, pinned, k)?;
        seen = Some(k.clone());
        Ok(())
    };
    let conn = client::connect(
        &program,
        ep,
        job.settings.key.as_deref(),
        job.password.as_ref(),
        &mut verify,
    )
    .map_err(|e| hint::failure(name, &addr, &e))?;
    let Some(key) = seen else {
        return Err(Failure::msg(
            Exit::Failure,
            "internal: connected without a host key check",
        ));
    };
    let status = if pinned.is_some() {
        HostKeyStatus::Pinned
    } else {
        pin_host_key(ctx, ep, &key.fingerprint)?;
        ctx.info(format!(
            "host key {} pinned for {}",
            escape(&key.fingerprint),
            escape(&addr)
        ));
        HostKeyStatus::Accepted
    };
    Ok(Session { conn, key, status })
}

/// Uploads every planned file in turn, with the progress bar on a terminal.
fn transfer(ctx: &Ctx, name: &str, job: &Job, conn: &mut client::Client) -> Result<Vec<FileJson>, Failure> {
    let mut done = Vec::new();
    for p in &job.plan {
        ctx.info(format!("uploading {} -> {}", escape_path(&p.local), escape(&p.remote)));
        let mut bar = None;
        let mut progress = |d: u64, total: u64| {
            let bar = bar.get_or_insert_with(|| {
                // A resumed upload starts at `d`: only what is sent now counts for the rate.
                let b = progress::bytes("uploading", total, ctx.global.quiet, ctx.global.json);
                if let Some(b) = &b {
                    b.set_position(d);
                    b.reset_elapsed();
                }
                b
            });
            if let Some(b) = bar {
                b.set_length(total);
                b.set_position(d);
            }
        };
        let r = conn.upload(&p.local, &p.remote, &mut progress);
        if let Some(b) = bar.flatten() {
            b.finish();
        }
        let u = r.map_err(|e| hint::failure(name, &job.endpoint.addr(), &e))?;
        if let Some(why) = &u.restart_reason {
            ctx.info(format!("an earlier partial upload was not resumed: {}", escape(why)));
        }
        done.push(FileJson {
            local: p.local.clone(),
            uploaded: u,
        });
    }
    Ok(done)
}

fn render(ctx: &Ctx, job: &Job, s: &Session, done: Vec<FileJson>) -> Result<Exit, Failure> {
    let ep = &job.endpoint;
    if ctx.global.json {
        ctx.json(&UploadJson {
            status: UploadStatus::Uploaded,
            case: job.case.as_str(),
            case_kind: job.case.kind(),
            host: &ep.host,
            port: ep.port,
            user: &ep.user,
            dir: &job.dir,
            hostkey: &s.key.fingerprint,
            hostkey_status: s.status,
            collected: job.collect,
            files: done,
        })?;
        return Ok(Exit::Success);
    }
    let mut t = String::new();
    for f in &done {
        let u = &f.uploaded;
        let rate = if u.seconds > 0.0 {
            (u.bytes - u.resumed_from) as f64 / u.seconds / 1e6
        } else {
            0.0
        };
        let resumed = if u.resumed_from > 0 {
            format!(", resumed at byte {}", u.resumed_from)
        } else {
            String::new()
        };
        t.push_str(&format!(
            "uploaded {} -> {} ({} bytes in {:.1} s, {rate:.1} MB/s{resumed})\n",
            escape_path(&f.local),
            escape(&u.remote),
            u.bytes,
            u.seconds
        ));
    }
    t.push_str(&format!(
        "case {} ({}): {} file(s) on {}\n",
        job.case,
        job.case.kind().describe(),
        done.len(),
        escape(&ep.addr())
    ));
    ctx.out(&t)?;
    Ok(Exit::Success)
}

/// The host key decision: a pinned key must match; an unknown key is shown and accepted only
/// by the admin (`--yes` or the prompt). Refusing returns an error, and `sftp::connect` then
/// sends no credentials. No lock is held while the admin is asked.
fn verify_host_key(ctx: &Ctx, name: &str, addr: &str, pinned: Option<&str>, k: &HostKey) -> Result<(), SftpError> {
    let (kind, fp, addr) = (escape(&k.kind), escape(&k.fingerprint), escape(addr));
    if let Some(p) = pinned {
        if p == k.fingerprint {
            return Ok(());
        }
        return Err(SftpError::HostKey(format!(
            "the host key of {addr} has CHANGED: pinned {}, but the server presented {kind} {fp}. \
Someone may be intercepting the connection, or the vendor replaced its key. Nothing was sent \
(no login, no file). If the vendor confirms the new fingerprint, pin it: \
`travelerUtil {name} set hostkey={fp}`",
            escape(p)
        )));
    }
    // Shown even with -q: this is the question, not chatter.
    eprintln!("The authenticity of host '{addr}' can't be established.\n{kind} key fingerprint is {fp}.");
    if ctx.global.yes {
        eprintln!("Accepted by --yes.");
        return Ok(());
    }
    let how = format!(
        "compare it with the fingerprint the vendor publishes, then pin it with \
`travelerUtil {name} set hostkey={fp}` or re-run with --yes"
    );
    if ctx.global.no_input || ctx.stdin_taken {
        return Err(SftpError::HostKey(format!(
            "the host key of {addr} is not pinned and prompting is off: refused, nothing was sent; {how}"
        )));
    }
    match ctx
        .prompter
        .confirm("Pin this key and continue connecting?", "accept the host key", false)
    {
        Ok(true) => Ok(()),
        Ok(false) | Err(_) => Err(SftpError::HostKey(format!(
            "the host key of {addr} was not accepted: refused, nothing was sent; {how}"
        ))),
    }
}

/// Stores the accepted fingerprint, re-reading the store under the lock so a concurrent
/// change is kept; skipped when the endpoint changed (or a key was pinned) meanwhile.
fn pin_host_key(ctx: &Ctx, ep: &Endpoint, fp: &str) -> Result<(), Failure> {
    let mut lock = ctx.lock("pmr upload")?;
    let mut settings = lock.read()?.unwrap_or_default();
    let Some(s) = settings.support.as_mut() else {
        return Ok(());
    };
    let same = s.host.as_deref() == Some(ep.host.as_str()) && s.port.unwrap_or(DEFAULT_PORT) == ep.port;
    if !same || s.hostkey.is_some() {
        return Ok(());
    }
    s.hostkey = Some(fp.to_string());
    lock.write(&settings)?;
    Ok(())
}

/// A named file: with a `/` it is a path; a base name is looked up in the logs directory
/// first, then in the current directory.
fn resolve_file(f: &str, logs: &Path) -> Result<PathBuf, Failure> {
    let p = Path::new(f);
    let candidates: Vec<PathBuf> = if f.contains('/') {
        vec![p.to_path_buf()]
    } else {
        vec![logs.join(f), p.to_path_buf()]
    };
    if let Some(c) = candidates.iter().find(|c| c.is_file()) {
        return Ok(c.clone());
    }
    let looked: Vec<String> = candidates.iter().map(|c| escape_path(c)).collect();
    Err(Failure::msg(
        Exit::NotFound,
        format!(
            "file `{}` not found (looked for {}); name a file in the logs directory or give a path",
            escape(f),
            looked.join(" and ")
        ),
    ))
}

fn plan_file(case: &CaseNumber, dir: &str, local: &Path) -> Result<Planned, Failure> {
    let base = local.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Failure::input(format!(
            "`{}` has no file name usable on the server (UTF-8 needed)",
            escape_path(local)
        ))
    })?;
    let remote = case::remote_name(case, base).map_err(|e| Failure::input(e.to_string()))?;
    Ok(Planned {
        local: local.to_path_buf(),
        remote: case::remote_path(dir, &remote),
    })
}

/// The logs directory, found as `log collect` finds it (archive::plan::resolve_data_dir).
fn logs_dir(ctx: &Ctx) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    crate::archive::plan::resolve_data_dir(ctx.global.data_dir.as_deref(), &cwd).logs_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_key_statuses_are_kebab_case() {
        let v = serde_json::to_value([HostKeyStatus::Pinned, HostKeyStatus::Accepted]).unwrap();
        assert_eq!(v, serde_json::json!(["pinned", "accepted"]));
        assert_eq!(serde_json::to_value(UploadStatus::Uploaded).unwrap(), "uploaded");
    }

    #[test]
    fn a_missing_file_is_named_escaped_with_where_it_was_looked_for() {
        let e = resolve_file("no\x1bsuch.log", Path::new("/logs")).unwrap_err();
        assert_eq!(e.exit, Exit::NotFound);
        let msg = e.error.to_string();
        assert!(!msg.contains('\x1b') && msg.contains("/logs/no\\x1bsuch.log"), "{msg}");
    }
}
