//! `pmr set`: store the SFTP endpoint and credentials. Every word is validated, and every missing
//! value prompted for, before the store is locked: a failed command leaves no trace.

use super::super::Ctx;
use super::super::inputs::{self, PwSource, SecretSpec};
use super::super::persist::{SetStatus, StoreJson};
use super::{DEFAULT_PORT, PW, SettingsJson, keyfile, settings_json, settings_text};
use crate::args::Key;
use crate::case;
use crate::cli::pmr::SetArgs;
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::Secret;
use crate::sftp;
use crate::store::{Settings, SupportSettings};
use crate::term::{escape, escape_path};
use serde::Serialize;
use std::path::PathBuf;

/// The keys of `pmr set`.
const SET_KEYS: &[Key] = &[
    Key::value("host"),
    Key::value("port"),
    Key::value("user"),
    Key::secret("pw"),
    Key::value("dir"),
    Key::value("hostkey"),
    Key::value("key"),
    Key::value("case"),
];

#[derive(Serialize)]
struct SetJson<'a> {
    status: SetStatus,
    dry_run: bool,
    #[serde(flatten)]
    settings: SettingsJson<'a>,
    password_source: PwSource,
    store: StoreJson,
}

/// The words of `pmr set`, validated. `Some(None)` is a value given empty, which clears it.
#[derive(Debug, Default)]
struct SetWords {
    host: Option<String>,
    port: Option<u16>,
    user: Option<String>,
    pw: Option<String>,
    dir: Option<Option<String>>,
    hostkey: Option<Option<String>>,
    key: Option<Option<PathBuf>>,
    case: Option<Option<String>>,
}

pub(super) fn set(ctx: &Ctx, a: &SetArgs, name: &str) -> Result<Exit, Failure> {
    let Some(words) = set_words(ctx, &a.words, name)? else {
        return Ok(Exit::Success);
    };
    let read = ctx.store.load()?;
    let stored = read.as_ref().and_then(|s| s.support.clone());
    let (new, source) = resolve(ctx, words, &stored.clone().unwrap_or_default())?;
    let status = match (a.dry_run, stored.as_ref() == Some(&new)) {
        (_, true) => SetStatus::Unchanged,
        (true, false) => SetStatus::WouldSave,
        (false, false) => SetStatus::Saved,
    };
    if status == SetStatus::Saved {
        let saved = new.clone();
        let basis = |s: &Settings| s.support.clone();
        let holder = format!("{name} set");
        ctx.commit(&holder, "support upload", read.as_ref(), basis, move |s| {
            s.support = Some(saved)
        })?;
    }
    render(ctx, name, status, a.dry_run, &new, source)
}

/// Parses and validates the words; `None` when help was asked for and printed. Stored and
/// printed values (user, dir, key) are refused with control characters.
fn set_words(ctx: &Ctx, raw: &[String], name: &str) -> Result<Option<SetWords>, Failure> {
    let Some(mut w) = inputs::words(ctx, raw, SET_KEYS, &[name, "set"])? else {
        return Ok(None);
    };
    let host = w.take("host").map(|h| validate_host(&h)).transpose()?;
    let port = w.take("port").map(|p| validate_port(&p)).transpose()?;
    let user = w.take("user").map(|u| inputs::plain_value("user", u)).transpose()?;
    if user.as_deref().is_some_and(str::is_empty) {
        return Err(Failure::input("user= is empty: give the SFTP user name"));
    }
    let dir = w.take("dir").map(|d| inputs::plain_value("dir", d)).transpose()?;
    let hostkey = emptiable(w.take("hostkey"), |h| {
        sftp::parse_fingerprint(h).map_err(|e| Failure::input(format!("hostkey=: {e}")))
    })?;
    let key = w.take("key").map(|k| inputs::plain_value("key", k)).transpose()?;
    let key = key.map(|k| (!k.is_empty()).then(|| inputs::absolute(&k)));
    let case = emptiable(w.take("case"), |c| {
        case::parse_case(c)
            .map(|c| c.as_str().to_owned())
            .map_err(|e| Failure::input(format!("case=: {e}")))
    })?;
    if let Some(Some(k)) = &key
        && !keyfile::check(k)?
    {
        ctx.warn(format!("key={} does not exist (yet)", escape_path(k)));
    }
    Ok(Some(SetWords {
        host,
        port,
        user,
        pw: w.take("pw"),
        dir: dir.map(|d| (!d.is_empty()).then_some(d)),
        hostkey,
        key,
        case,
    }))
}

/// A value that may be given empty to clear it (blank counts as empty); else `parse`d.
fn emptiable(
    given: Option<String>,
    parse: impl FnOnce(&str) -> Result<String, Failure>,
) -> Result<Option<Option<String>>, Failure> {
    match given {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(Some(None)),
        Some(v) => parse(&v).map(|v| Some(Some(v))),
    }
}

/// The settings to store: what was given, else what is stored, else prompted for. A credential
/// belongs to one account on one server: a new host or user never inherits the stored
/// password, and a new host or port never inherits the pinned key.
fn resolve(ctx: &Ctx, w: SetWords, old: &SupportSettings) -> Result<(SupportSettings, PwSource), Failure> {
    let host = match w.host.or_else(|| old.host.clone()) {
        Some(h) => h,
        None => prompt_host(ctx)?,
    };
    let port = w.port.or(old.port);
    let user = match w.user.or_else(|| old.user.clone()) {
        Some(u) => u,
        None => prompt_user(ctx)?,
    };
    let key = w.key.unwrap_or_else(|| old.key.clone());
    let same_host = old.host.as_deref() == Some(host.as_str());
    let same_account = same_host && old.user.as_deref() == Some(user.as_str());
    let stored_pw = old.password.clone().filter(|_| same_account);
    let (password, source) = resolve_password(ctx, w.pw, stored_pw, key.is_some())?;
    let hostkey = match w.hostkey {
        Some(h) => h,
        None if same_host && old.port == port => old.hostkey.clone(),
        None => {
            if old.hostkey.is_some() {
                ctx.info("the server changed: the pinned host key was forgotten (the next upload asks)");
            }
            None
        }
    };
    if !matches!(source, PwSource::None | PwSource::Stored) {
        ctx.info(format!("password: from {}", PW.describe(source)));
    }
    let new = SupportSettings {
        case: w.case.unwrap_or_else(|| old.case.clone()),
        host: Some(host),
        port,
        user: Some(user),
        password,
        dir: w.dir.unwrap_or_else(|| old.dir.clone()),
        hostkey,
        key,
    };
    Ok((new, source))
}

fn prompt_host(ctx: &Ctx) -> Result<String, Failure> {
    inputs::ensure_stdin(ctx, "host")?;
    validate_host(&ctx.prompter.line("host", "SFTP server (host name)", None)?)
}

fn prompt_user(ctx: &Ctx) -> Result<String, Failure> {
    inputs::ensure_stdin(ctx, "user")?;
    let u = inputs::plain_value("user", ctx.prompter.line("user", "SFTP user", None)?)?;
    if u.is_empty() {
        return Err(Failure::input("the SFTP user is empty; nothing was saved"));
    }
    Ok(u)
}

fn validate_host(h: &str) -> Result<String, Failure> {
    let h = h.trim();
    if h.is_empty() {
        return Err(Failure::input("host= is empty: give the SFTP server's host name"));
    }
    if h.contains(['@', '/', ' ', '\t']) || h.chars().any(char::is_control) {
        return Err(Failure::input(format!(
            "host={}: a host name only (no user@, no path, no blanks); the user goes in user=, the directory in dir=",
            escape(h)
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
            escape(p)
        ))),
    }
}

/// `pw=` (argv or `-` for stdin), else TRAVELERUTIL_SUPPORT_PW, else the stored password (same
/// account), else the prompt. With a key the password is optional: it is not asked for where no
/// prompt is possible, and an empty answer means "key only".
fn resolve_password(
    ctx: &Ctx,
    given: Option<String>,
    stored: Option<Secret>,
    have_key: bool,
) -> Result<(Option<Secret>, PwSource), Failure> {
    if let Some((secret, source)) = inputs::given_secret(ctx, &PW, given)? {
        return Ok((Some(secret), source));
    }
    if !have_key || stored.is_some() {
        let (secret, source) = inputs::stored_or_prompt(ctx, &PW, stored.as_ref())?;
        return Ok((Some(secret), source));
    }
    if ctx.global.no_input || ctx.stdin_taken {
        return Ok((None, PwSource::None));
    }
    let spec = SecretSpec {
        question: "SFTP password (empty: key only)",
        ..PW
    };
    let (p, source) = inputs::stored_or_prompt(ctx, &spec, None)?;
    Ok(if p.expose().is_empty() {
        (None, PwSource::None)
    } else {
        (Some(p), source)
    })
}

fn render(
    ctx: &Ctx,
    name: &str,
    status: SetStatus,
    dry_run: bool,
    new: &SupportSettings,
    source: PwSource,
) -> Result<Exit, Failure> {
    if ctx.global.json {
        ctx.json(&SetJson {
            status,
            dry_run,
            settings: settings_json(new),
            password_source: source,
            store: StoreJson::of(ctx),
        })?;
        return Ok(Exit::Success);
    }
    match status {
        SetStatus::Unchanged => ctx.info(format!("{name} settings unchanged")),
        SetStatus::WouldSave => ctx.out(&format!(
            "dry run: would store (nothing written)\n{}",
            settings_text(new)
        ))?,
        SetStatus::Saved | SetStatus::Invalid => ctx.info(format!(
            "{name} settings saved to {} ({}@{}:{})",
            escape_path(&ctx.store.store_path()),
            escape(new.user.as_deref().unwrap_or_default()),
            escape(new.host.as_deref().unwrap_or_default()),
            new.port.unwrap_or(DEFAULT_PORT)
        )),
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_ports_are_checked_before_anything_is_read() {
        assert_eq!(validate_host(" [::1] ").unwrap(), "::1");
        assert_eq!(validate_host("sftp.example.com").unwrap(), "sftp.example.com");
        for bad in ["", "me@h", "h/x", "h:2222", "h\x1b[2J"] {
            let e = validate_host(bad).unwrap_err();
            assert_eq!(e.exit, Exit::InvalidInput, "{bad:?}");
            assert!(!e.error.to_string().contains('\x1b'), "{}", e.error);
        }
        assert_eq!(validate_port("2222").unwrap(), 2222);
        assert!(validate_port("0").is_err() && validate_port("70000").is_err());
    }

    #[test]
    fn empty_values_clear_and_others_are_parsed() {
        let up = |v: &str| Ok::<_, Failure>(v.to_uppercase());
        assert_eq!(emptiable(None, up).unwrap(), None);
        assert_eq!(emptiable(Some(" ".into()), up).unwrap(), Some(None));
        assert_eq!(emptiable(Some("cs1".into()), up).unwrap(), Some(Some("CS1".into())));
    }
}
