//! `pmr` / `support`: `<number> [files…]` uploads to the vendor's SFTP server, `set | show |
//! remove` manage the stored endpoint and credentials. Both spellings behave the same; `name`
//! is the one the admin typed, so messages echo it.

use super::Ctx;
use super::inputs::{self, PwSource, SecretSpec};
use super::persist::{Ask, RemoveStatus, SetStatus, StoreJson};
use crate::args::Key;
use crate::case::{self as domain, CaseNumber};
use crate::cli::pmr::{SetArgs, SupportAction, SupportCli};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::Secret;
use crate::sftp::{self, Class, Endpoint, HostKey, SftpError, client};
use crate::store::{Settings, SupportSettings};
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The keys of `pmr set`.
pub const SET_KEYS: &[Key] = &[
    Key::value("host"),
    Key::value("port"),
    Key::value("user"),
    Key::secret("pw"),
    Key::value("dir"),
    Key::value("hostkey"),
    Key::value("key"),
    Key::value("case"),
];

/// The environment variable `pmr set` and uploads read the SFTP password from.
pub const PW_ENV: &str = "TRAVELERUTIL_SUPPORT_PW";

/// The SSH port when none is stored.
pub const DEFAULT_PORT: u16 = 22;

const PW: SecretSpec<'static> = SecretSpec {
    key: "pw",
    env: PW_ENV,
    question: "SFTP password",
};

use crate::secret::MASK;

pub fn run(args: SupportCli, ctx: &mut Ctx, name: &str) -> Result<Exit, Failure> {
    match (args.action, args.number) {
        (Some(SupportAction::Show), _) => show(ctx, name),
        (Some(SupportAction::Set(a)), _) => set(ctx, &a, name),
        (Some(SupportAction::Remove), _) => remove(ctx, name),
        (None, Some(number)) => upload(ctx, name, &number, &args.files, Duration::from_secs(args.timeout)),
        (None, None) => super::print_help(ctx, &[name]),
    }
}

// ---------------------------------------------------------------------------------------------
// show

/// The stored settings as shown (`show`, `set`, `remove`): the password only as a mask.
#[derive(Serialize)]
struct SettingsJson<'a> {
    host: Option<&'a str>,
    port: u16,
    user: Option<&'a str>,
    password: Option<&'static str>,
    password_set: bool,
    dir: Option<&'a str>,
    hostkey: Option<&'a str>,
    key: Option<&'a Path>,
    case: Option<&'a str>,
}

fn settings_json(s: &SupportSettings) -> SettingsJson<'_> {
    SettingsJson {
        host: s.host.as_deref(),
        port: s.port.unwrap_or(DEFAULT_PORT),
        user: s.user.as_deref(),
        password: s.password.as_ref().map(|_| MASK),
        password_set: s.password.is_some(),
        dir: s.dir.as_deref(),
        hostkey: s.hostkey.as_deref(),
        key: s.key.as_deref(),
        case: s.case.as_deref(),
    }
}

fn settings_text(s: &SupportSettings) -> String {
    let mut t = String::new();
    let mut line = |k: &str, v: &str| t.push_str(&format!("{k:<10} {v}\n"));
    line("host:", s.host.as_deref().unwrap_or("(none)"));
    line("port:", &s.port.unwrap_or(DEFAULT_PORT).to_string());
    line("user:", s.user.as_deref().unwrap_or("(none)"));
    line("password:", if s.password.is_some() { MASK } else { "(none)" });
    line("dir:", s.dir.as_deref().unwrap_or("(the login directory)"));
    line(
        "hostkey:",
        s.hostkey.as_deref().unwrap_or("(not pinned: the first upload asks)"),
    );
    line(
        "key:",
        &s.key.as_ref().map_or("(none)".into(), |p| p.display().to_string()),
    );
    line("case:", s.case.as_deref().unwrap_or("(none)"));
    t
}

#[derive(Serialize)]
struct ShowJson<'a> {
    configured: bool,
    #[serde(flatten)]
    settings: SettingsJson<'a>,
    store: StoreJson,
}

fn show(ctx: &Ctx, _name: &str) -> Result<Exit, Failure> {
    let settings = ctx.store.load()?;
    let support = settings.and_then(|s| s.support);
    let empty = SupportSettings::default();
    let s = support.as_ref().unwrap_or(&empty);
    if ctx.global.json {
        ctx.json(&ShowJson {
            configured: support.is_some(),
            settings: settings_json(s),
            store: StoreJson::of(ctx),
        })?;
        return Ok(Exit::Success);
    }
    let mut t = settings_text(s);
    t.push_str(&format!(
        "{:<10} {}{} (from {})\n",
        "store:",
        ctx.store.store_path().display(),
        if ctx.store.store_path().exists() {
            ""
        } else {
            " (not created yet)"
        },
        ctx.store_source.describe()
    ));
    ctx.out(&t)?;
    Ok(Exit::Success)
}

// ---------------------------------------------------------------------------------------------
// set

#[derive(Serialize)]
struct SetJson<'a> {
    status: SetStatus,
    dry_run: bool,
    #[serde(flatten)]
    settings: SettingsJson<'a>,
    password_source: PwSource,
    store: StoreJson,
}

fn set(ctx: &mut Ctx, a: &SetArgs, name: &str) -> Result<Exit, Failure> {
    let Some(mut words) = inputs::words(ctx, &a.words, SET_KEYS, &[name, "set"])? else {
        return Ok(Exit::Success);
    };
    // Everything given is validated before the store is locked or created: a failed command
    // leaves no trace.
    let host_given = words.take("host").map(|h| validate_host(&h)).transpose()?;
    let port_given = words.take("port").map(|p| validate_port(&p)).transpose()?;
    let user_given = words.take("user");
    if user_given.as_deref().is_some_and(str::is_empty) {
        return Err(Failure::input("user= is empty: give the SFTP user name"));
    }
    let dir_given = words.take("dir");
    let hostkey_given = match words.take("hostkey") {
        None => None,
        Some(h) if h.trim().is_empty() => Some(None),
        Some(h) => Some(Some(
            sftp::parse_fingerprint(&h).map_err(|e| Failure::input(format!("hostkey=: {e}")))?,
        )),
    };
    let key_given = words
        .take("key")
        .map(|k| (!k.is_empty()).then(|| std::path::absolute(&k).unwrap_or_else(|_| PathBuf::from(&k))));
    let case_given = match words.take("case") {
        None => None,
        Some(c) if c.trim().is_empty() => Some(None),
        Some(c) => Some(Some(
            domain::parse_case(&c)
                .map_err(|e| Failure::input(format!("case=: {e}")))?
                .as_str()
                .to_string(),
        )),
    };
    if let Some(Some(k)) = &key_given
        && !k.is_file()
    {
        ctx.warn(format!("key={} does not exist (yet)", k.display()));
    }
    let pw_given = words.take("pw");

    let read = ctx.store.load()?;
    let stored = read.as_ref().and_then(|s| s.support.clone());
    let old = stored.clone().unwrap_or_default();

    let host = match (host_given, &old.host) {
        (Some(h), _) => h,
        (None, Some(h)) => h.clone(),
        (None, None) => {
            inputs::ensure_stdin(ctx, "host")?;
            let h = ctx.prompter.line("host", "SFTP server (host name)", None)?;
            validate_host(&h)?
        }
    };
    let port = port_given.or(old.port);
    let user = match (user_given, &old.user) {
        (Some(u), _) => u,
        (None, Some(u)) => u.clone(),
        (None, None) => {
            inputs::ensure_stdin(ctx, "user")?;
            let u = ctx.prompter.line("user", "SFTP user", None)?;
            if u.is_empty() {
                return Err(Failure::input("the SFTP user is empty; nothing was saved"));
            }
            u
        }
    };
    let key = match key_given {
        Some(k) => k,
        None => old.key.clone(),
    };
    // A credential belongs to one account on one server: a new host or user never inherits
    // the stored password, and a new host or port never inherits the pinned key.
    let same_account = old.host.as_deref() == Some(host.as_str()) && old.user.as_deref() == Some(user.as_str());
    let same_server = old.host.as_deref() == Some(host.as_str()) && old.port == port;
    let (password, source) = resolve_password(
        ctx,
        pw_given,
        same_account.then_some(&old).and_then(|o| o.password.clone()),
        key.is_some(),
    )?;
    let hostkey = match hostkey_given {
        Some(h) => h,
        None if same_server => old.hostkey.clone(),
        None => {
            if old.hostkey.is_some() {
                ctx.info("the server changed: the pinned host key was forgotten (the next upload asks)");
            }
            None
        }
    };
    let dir = match dir_given {
        Some(d) if d.is_empty() => None,
        Some(d) => Some(d),
        None => old.dir.clone(),
    };
    let case = match case_given {
        Some(c) => c,
        None => old.case.clone(),
    };
    if source != PwSource::None && source != PwSource::Stored {
        ctx.info(format!("password: from {}", PW.describe(source)));
    }
    let new = SupportSettings {
        case,
        host: Some(host),
        port,
        user: Some(user),
        password,
        dir,
        hostkey,
        key,
    };
    let unchanged = stored.as_ref() == Some(&new);
    let status = match (a.dry_run, unchanged) {
        (_, true) => SetStatus::Unchanged,
        (true, false) => SetStatus::WouldSave,
        (false, false) => SetStatus::Saved,
    };
    if status == SetStatus::Saved {
        let saved = new.clone();
        let basis = |s: &Settings| s.support.clone();
        ctx.commit(
            &format!("{name} set"),
            "support upload",
            read.as_ref(),
            basis,
            move |s| {
                s.support = Some(saved);
            },
        )?;
    }
    if ctx.global.json {
        ctx.json(&SetJson {
            status,
            dry_run: a.dry_run,
            settings: settings_json(&new),
            password_source: source,
            store: StoreJson::of(ctx),
        })?;
        return Ok(Exit::Success);
    }
    match status {
        SetStatus::Unchanged => ctx.info(format!("{name} settings unchanged")),
        SetStatus::WouldSave => ctx.out(&format!(
            "dry run: would store (nothing written)\n{}",
            settings_text(&new)
        ))?,
        SetStatus::Saved | SetStatus::Invalid => ctx.info(format!(
            "{name} settings saved to {} ({}@{}:{})",
            ctx.store.store_path().display(),
            new.user.as_deref().unwrap_or_default(),
            new.host.as_deref().unwrap_or_default(),
            new.port.unwrap_or(DEFAULT_PORT)
        )),
    }
    Ok(Exit::Success)
}

fn validate_host(h: &str) -> Result<String, Failure> {
    let h = h.trim();
    if h.is_empty() {
        return Err(Failure::input("host= is empty: give the SFTP server's host name"));
    }
    if h.contains(['@', '/', ' ', '\t']) || h.chars().any(char::is_control) {
        return Err(Failure::input(format!(
            "host={}: a host name only (no user@, no path, no blanks); the user goes in user=, the directory in dir=",
            h.escape_default()
        )));
    }
    if let Some((_, p)) = h.rsplit_once(':')
        && h.matches(':').count() == 1
        && p.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Failure::input(format!(
            "host={h}: give the port separately, as port={p}"
        )));
    }
    Ok(h.trim_start_matches('[').trim_end_matches(']').to_string())
}

fn validate_port(p: &str) -> Result<u16, Failure> {
    match p.trim().parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(Failure::input(format!(
            "port={}: a port is a number from 1 to 65535 (SFTP's default is 22)",
            p.escape_default()
        ))),
    }
}

/// `pw=` (argv or `-` for stdin) > TRAVELERUTIL_SUPPORT_PW > the stored password (same account)
/// > the prompt. With a key configured an empty answer at the prompt means "no password".
fn resolve_password(
    ctx: &Ctx,
    given: Option<String>,
    stored: Option<Secret>,
    have_key: bool,
) -> Result<(Option<Secret>, PwSource), Failure> {
    if let Some((secret, source)) = inputs::given_secret(ctx, &PW, given)? {
        return Ok((Some(secret), source));
    }
    if let Some(p) = stored {
        return Ok((Some(p), PwSource::Stored));
    }
    if have_key && (ctx.global.no_input || ctx.stdin_taken) {
        // With a key the password is optional: not asking is not an error.
        return Ok((None, PwSource::None));
    }
    inputs::ensure_stdin(ctx, "pw")?;
    let question = if have_key {
        "SFTP password (empty: key only)"
    } else {
        "SFTP password"
    };
    let p = ctx.prompter.password("pw", question)?;
    if p.expose().is_empty() && have_key {
        return Ok((None, PwSource::None));
    }
    Ok((Some(p), PwSource::Prompt))
}

// ---------------------------------------------------------------------------------------------
// remove

#[derive(Serialize)]
struct RemoveJson<'a> {
    status: RemoveStatus,
    removed: Option<SettingsJson<'a>>,
    store: StoreJson,
}

fn remove(ctx: &Ctx, name: &str) -> Result<Exit, Failure> {
    let what = format!("remove the {name} settings");
    let ask = Ask {
        question: "Remove the stored support upload settings (endpoint, credentials, pinned host key)?",
        what: &what,
    };
    let basis = |s: &Settings| s.support.clone();
    let holder = format!("{name} remove");
    let Some(old) = ctx.remove(&holder, "support upload", &ask, basis, |s| s.support.take())? else {
        if ctx.global.json {
            ctx.json(&RemoveJson {
                status: RemoveStatus::NothingToRemove,
                removed: None,
                store: StoreJson::of(ctx),
            })?;
        }
        ctx.info(format!("nothing to remove: no {name} settings are stored"));
        return Ok(Exit::Success);
    };
    if ctx.global.json {
        ctx.json(&RemoveJson {
            status: RemoveStatus::Removed,
            removed: Some(settings_json(&old)),
            store: StoreJson::of(ctx),
        })?;
    } else {
        let mut t = String::from("removed:\n");
        for l in settings_text(&old).lines() {
            t.push_str(&format!("  {l}\n"));
        }
        ctx.out(&t)?;
    }
    Ok(Exit::Success)
}

// ---------------------------------------------------------------------------------------------
// upload

#[derive(Serialize)]
struct UploadJson<'a> {
    status: &'static str,
    case: &'a str,
    case_kind: domain::CaseKind,
    host: &'a str,
    port: u16,
    user: &'a str,
    dir: &'a str,
    hostkey: &'a str,
    /// `pinned` (matched the stored pin) or `accepted` (first use, pinned now).
    hostkey_status: &'static str,
    collected: bool,
    files: Vec<FileJson>,
}

#[derive(Serialize)]
struct FileJson {
    local: PathBuf,
    #[serde(flatten)]
    uploaded: sftp::Uploaded,
}

/// One file to upload.
struct Planned {
    local: PathBuf,
    remote: String,
}

fn upload(ctx: &mut Ctx, name: &str, number: &str, files: &[String], timeout: Duration) -> Result<Exit, Failure> {
    let case = domain::parse_case(number).map_err(|e| Failure::input(e.to_string()))?;
    let settings = ctx.store.load()?.unwrap_or_default();
    let s = settings.support.clone().unwrap_or_default();
    let (Some(host), Some(user)) = (s.host.clone(), s.user.clone()) else {
        return Err(Failure::usage(format!(
            "no SFTP server is configured: run `travelerUtil {name} set host=... user=...` first"
        )));
    };
    let port = s.port.unwrap_or(DEFAULT_PORT);
    let dir = s.dir.clone().unwrap_or_else(|| ".".into());

    // Every named file is found before anything connects.
    let (mut plan, collected) = if files.is_empty() {
        (Vec::new(), true)
    } else {
        let logs = logs_dir(ctx);
        let mut plan = Vec::new();
        for f in files {
            plan.push(plan_file(&case, &dir, &resolve_file(f, &logs)?)?);
        }
        (plan, false)
    };

    let password = match (s.password.clone(), inputs::env_secret(PW_ENV)?) {
        (_, Some(e)) => Some(e),
        (Some(p), None) => Some(p),
        (None, None) if s.key.is_some() => None,
        (None, None) => {
            inputs::ensure_stdin(ctx, "pw")?;
            Some(
                ctx.prompter
                    .password("pw", &format!("SFTP password for {user}@{host}"))?,
            )
        }
    };

    if collected {
        ctx.info(format!("no files named: collecting the logs for {case}"));
        let archive = super::log::collect_for_case(ctx, case.as_str())?;
        plan.push(plan_file(&case, &dir, &archive)?);
    }

    let ep = Endpoint {
        host: host.clone(),
        port,
        user: user.clone(),
        connect_timeout: timeout,
        io_timeout: timeout,
    };
    let addr = ep.addr();
    let pinned = s.hostkey.clone();
    let mut seen: Option<HostKey> = None;
    let program = client::locate().map_err(|source| {
        let e = SftpError::Helper {
            path: sftp::protocol::HELPER.into(),
            source,
        };
        fail(name, &addr, &e)
    })?;
    ctx.info(format!("connecting to {user}@{addr}"));
    let mut conn = {
        let ctx_ref: &Ctx = ctx;
        let mut verify = |k: &HostKey| -> Result<(), SftpError> {
            let r = verify_host_key(ctx_ref, name, &addr, pinned.as_deref(), k);
            if r.is_ok() {
                seen = Some(k.clone());
            }
            r
        };
        client::connect(&program, &ep, s.key.as_deref(), password.as_ref(), &mut verify)
            .map_err(|e| fail(name, &addr, &e))?
    };
    let Some(key) = seen else {
        return Err(Failure::msg(
            Exit::Failure,
            "internal: connected without a host key check",
        ));
    };
    let accepted = pinned.is_none();
    if accepted {
        // Pinned once the server proved its key *and* accepted the login, as OpenSSH writes
        // known_hosts at first use: later runs (and a resumed upload) then need no --yes.
        pin_host_key(ctx, &host, port, &key.fingerprint)?;
        ctx.info(format!("host key {} pinned for {addr}", key.fingerprint));
    }

    let progress_on = std::io::stderr().is_terminal() && !ctx.global.quiet && !ctx.global.json;
    let mut done = Vec::new();
    for p in &plan {
        ctx.info(format!("uploading {} -> {}", p.local.display(), p.remote));
        let mut bar = Progress::new(progress_on);
        let r = conn
            .upload(&p.local, &p.remote, &mut |d, t| bar.update(d, t))
            .map_err(|e| fail(name, &addr, &e));
        bar.finish();
        let u = r?;
        if let Some(why) = &u.restart_reason {
            ctx.info(format!("an earlier partial upload was not resumed: {why}"));
        }
        done.push(FileJson {
            local: p.local.clone(),
            uploaded: u,
        });
    }

    if ctx.global.json {
        ctx.json(&UploadJson {
            status: "uploaded",
            case: case.as_str(),
            case_kind: case.kind(),
            host: &host,
            port,
            user: &user,
            dir: &dir,
            hostkey: &key.fingerprint,
            hostkey_status: if accepted { "accepted" } else { "pinned" },
            collected,
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
            f.local.display(),
            u.remote,
            u.bytes,
            u.seconds
        ));
    }
    t.push_str(&format!(
        "case {case} ({}): {} file(s) on {addr}\n",
        case.kind().describe(),
        done.len()
    ));
    ctx.out(&t)?;
    Ok(Exit::Success)
}

/// The host key decision: a pinned key must match; an unknown key is shown and accepted only
/// by the admin (`--yes` or the prompt). Refusing returns an error, and `sftp::connect` then
/// sends no credentials.
fn verify_host_key(ctx: &Ctx, name: &str, addr: &str, pinned: Option<&str>, k: &HostKey) -> Result<(), SftpError> {
    if let Some(p) = pinned {
        if p == k.fingerprint {
            return Ok(());
        }
        return Err(SftpError::HostKey(format!(
            "the host key of {addr} has CHANGED: pinned {p}, but the server presented {} {}. \
Someone may be intercepting the connection, or the vendor replaced its key. Nothing was sent \
(no login, no file). If the vendor confirms the new fingerprint, pin it: \
`travelerUtil {name} set hostkey={}`",
            k.kind, k.fingerprint, k.fingerprint
        )));
    }
    // Shown even with -q: this is the question, not chatter.
    eprintln!(
        "The authenticity of host '{addr}' can't be established.\n{} key fingerprint is {}.",
        k.kind, k.fingerprint
    );
    if ctx.global.yes {
        eprintln!("Accepted by --yes.");
        return Ok(());
    }
    let how = format!(
        "compare it with the fingerprint the vendor publishes, then pin it with \
`travelerUtil {name} set hostkey={}` or re-run with --yes",
        k.fingerprint
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
/// change is kept; skipped when the endpoint changed meanwhile.
fn pin_host_key(ctx: &Ctx, host: &str, port: u16, fp: &str) -> Result<(), Failure> {
    let mut lock = ctx.lock("pmr upload")?;
    let mut settings = lock.read()?.unwrap_or_default();
    let Some(s) = settings.support.as_mut() else {
        return Ok(());
    };
    if s.host.as_deref() != Some(host) || s.port.unwrap_or(DEFAULT_PORT) != port || s.hostkey.is_some() {
        return Ok(());
    }
    s.hostkey = Some(fp.to_string());
    lock.write(&settings)?;
    Ok(())
}

/// The exit code and hint of each failure class (README "Exit status").
fn fail(name: &str, addr: &str, e: &SftpError) -> Failure {
    let (exit, hint) = match e.class() {
        Class::Dns => (
            Exit::Dns,
            format!("check host= (`travelerUtil {name} show`) and this machine's DNS (/etc/resolv.conf)"),
        ),
        Class::Refused => (
            Exit::Unreachable,
            format!(
                "nothing accepts connections on {addr}: check host= and port=, or a firewall that rejects the port"
            ),
        ),
        Class::Unreachable => (
            Exit::Unreachable,
            "check the network route and any firewall or proxy for outgoing SSH".into(),
        ),
        Class::Timeout => (
            Exit::Timeout,
            format!("no answer: a firewall may drop traffic to {addr} silently; check outgoing SSH access"),
        ),
        Class::Authentication => (
            Exit::Authentication,
            format!("check user= and the password: `travelerUtil {name} set user=... pw=-`"),
        ),
        Class::HostKey => (
            Exit::HostKey,
            "the server's identity is not confirmed, so no password or file was sent".into(),
        ),
        Class::Permission => (
            Exit::Permission,
            format!(
                "the account may write only in some directories: set the vendor's upload directory with `travelerUtil {name} set dir=...`"
            ),
        ),
        Class::NotFound => (
            Exit::NotFound,
            format!("the remote directory does not exist: check dir= (`travelerUtil {name} show`)"),
        ),
        Class::RemoteFull => (
            Exit::RemoteFull,
            "the vendor's server has no space for the file (or the account's quota is used up): try later or \
contact the vendor; the upload resumes when the same command is run again"
                .into(),
        ),
        Class::Disconnected => (
            Exit::Unreachable,
            "run the same command again: the upload resumes from what reached the server".into(),
        ),
        Class::Verify => (
            Exit::CheckFailed,
            "run the same command again; the file was left as .partial on the server".into(),
        ),
        Class::Protocol => (Exit::CheckFailed, "run with -v for details, or try again".into()),
        Class::Local => (Exit::Io, "check that the file is readable".into()),
        Class::Helper => (
            Exit::Failure,
            format!(
                "install `{}` in the same directory as travelerUtil; `cargo build --release` builds both",
                sftp::protocol::HELPER
            ),
        ),
    };
    Failure::msg(exit, format!("{}\n  hint: {hint}", sftp::chain(e)))
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
    for c in &candidates {
        if c.is_file() {
            return Ok(c.clone());
        }
    }
    let looked: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    Err(Failure::msg(
        Exit::NotFound,
        format!(
            "file `{f}` not found (looked for {}); name a file in the logs directory or give a path",
            looked.join(" and ")
        ),
    ))
}

fn plan_file(case: &CaseNumber, dir: &str, local: &Path) -> Result<Planned, Failure> {
    let base = local.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        Failure::input(format!(
            "`{}` has no file name usable on the server (UTF-8 needed)",
            local.display()
        ))
    })?;
    let remote = domain::remote_name(case, base).map_err(|e| Failure::input(e.to_string()))?;
    Ok(Planned {
        local: local.to_path_buf(),
        remote: domain::remote_path(dir, &remote),
    })
}

/// The logs directory, found as `log collect` finds it (archive::plan::resolve_data_dir).
fn logs_dir(ctx: &Ctx) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    crate::archive::plan::resolve_data_dir(ctx.global.data_dir.as_deref(), &cwd).logs_dir()
}

/// A one-line progress bar on stderr, redrawn at most ten times a second.
struct Progress {
    on: bool,
    start: Instant,
    last: Option<Instant>,
    first: u64,
}

impl Progress {
    fn new(on: bool) -> Progress {
        Progress {
            on,
            start: Instant::now(),
            last: None,
            first: u64::MAX,
        }
    }

    fn update(&mut self, done: u64, total: u64) {
        if !self.on {
            return;
        }
        if self.first == u64::MAX {
            self.first = done;
        }
        let now = Instant::now();
        if done < total
            && self
                .last
                .is_some_and(|l| now.duration_since(l) < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let pct = (done.saturating_mul(100)).checked_div(total).unwrap_or(100);
        let secs = now.duration_since(self.start).as_secs_f64();
        let rate = if secs > 0.0 {
            done.saturating_sub(self.first) as f64 / secs / 1e6
        } else {
            0.0
        };
        let mib = |b: u64| b as f64 / 1_048_576.0;
        let width = 30usize;
        let filled = usize::try_from(pct).unwrap_or(100) * width / 100;
        eprint!(
            "\r  [{}{}] {pct:>3}% {:.1}/{:.1} MiB {rate:.1} MB/s ",
            "#".repeat(filled),
            " ".repeat(width - filled.min(width)),
            mib(done),
            mib(total)
        );
    }

    fn finish(&mut self) {
        if self.on && self.last.is_some() {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_class_has_its_exit_code_and_a_hint() {
        let io = || std::io::Error::other("x");
        let cases = [
            (
                SftpError::Dns {
                    host: "h".into(),
                    source: io(),
                },
                Exit::Dns,
            ),
            (SftpError::Refused { addr: "a".into() }, Exit::Unreachable),
            (
                SftpError::Unreachable {
                    addr: "a".into(),
                    source: io(),
                },
                Exit::Unreachable,
            ),
            (
                SftpError::Timeout {
                    addr: "a".into(),
                    secs: 1,
                    during: "d",
                },
                Exit::Timeout,
            ),
            (
                SftpError::Authentication {
                    user: "u".into(),
                    methods: "m".into(),
                },
                Exit::Authentication,
            ),
            (SftpError::HostKey("k".into()), Exit::HostKey),
            (
                SftpError::Permission {
                    path: "p".into(),
                    during: "d",
                },
                Exit::Permission,
            ),
            (
                SftpError::NotFound {
                    path: "p".into(),
                    during: "d",
                },
                Exit::NotFound,
            ),
            (
                SftpError::RemoteFull {
                    path: "p".into(),
                    detail: "d".into(),
                },
                Exit::RemoteFull,
            ),
            (
                SftpError::Disconnected {
                    addr: "a".into(),
                    during: "d",
                    detail: "x".into(),
                },
                Exit::Unreachable,
            ),
            (
                SftpError::Verify {
                    path: "p".into(),
                    expected: 2,
                    got: 1,
                },
                Exit::CheckFailed,
            ),
            (
                SftpError::Protocol {
                    during: "d",
                    detail: "x".into(),
                },
                Exit::CheckFailed,
            ),
            (
                SftpError::Local {
                    path: "p".into(),
                    source: io(),
                },
                Exit::Io,
            ),
        ];
        for (e, exit) in cases {
            let f = fail("pmr", "h:22", &e);
            assert_eq!(f.exit, exit, "{e}");
            assert!(format!("{:#}", f.error).contains("\n  hint: "), "{e}");
        }
    }
}
