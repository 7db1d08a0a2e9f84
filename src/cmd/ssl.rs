//! `ssl show | set | check | remove`: the keystore and truststore passwords.
//!
//! Every password is verified against its file in pure Rust ([`crate::keystore`]) before it is
//! stored, so a wrong password is caught here rather than by a Traveler server that fails to
//! start its TLS listener. The verdicts name which password failed (the store's or a key's)
//! and what the file is, where keytool only says "Keystore was tampered with, or password was
//! incorrect".

use super::Ctx;
use super::inputs::{self, PwSource, SecretSpec};
use super::persist::{Ask, RemoveStatus, SetStatus};
use crate::args::Key;
use crate::cli::ssl::{SslAction, SslCheckArgs, SslCli, SslRemoveArgs, SslSetArgs};
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::MASK;
use crate::keystore::{self, EntryKind, KeystoreError, Limits, Verified, x509};
use crate::secret::Secret;
use crate::shell;
use crate::store::stamp::Stamp;
use crate::store::{Settings, SslSettings, StoreFile};
use crate::term::escape::escape_path;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SET_KEYS: &[Key] = &[
    Key::value("keystore"),
    Key::secret("keystorepw"),
    Key::value("truststore"),
    Key::secret("truststorepw"),
    Key::secret("keypw"),
];

const CHECK_KEYS: &[Key] = &[
    Key::value("keystore"),
    Key::secret("keystorepw"),
    Key::value("truststore"),
    Key::secret("truststorepw"),
    Key::secret("keypw"),
    Key::value("days"),
];

const REMOVE_KEYS: &[Key] = &[Key::flag("keystore"), Key::flag("truststore")];

/// Certificates expiring within this many days are warned about (`days=` overrides).
pub const DEFAULT_WARN_DAYS: i64 = 30;

/// The clock `ssl check` compares notAfter with: unix seconds or an RFC 3339 time. For tests
/// and for asking "will this still be valid on the day of the change window?".
pub const NOW_ENV: &str = "TRAVELERUTIL_NOW";

/// The environment variable for the private keys' password (`keypw=`).
pub const KEY_PW_ENV: &str = "TRAVELERUTIL_KEY_PW";

pub fn run(cli: SslCli, ctx: &mut Ctx) -> Result<Exit, Failure> {
    match cli.action {
        SslAction::Show => show(ctx),
        SslAction::Set(a) => set(ctx, &a),
        SslAction::Check(a) => check(ctx, &a),
        SslAction::Remove(a) => remove(ctx, &a),
    }
}

/// Which of the two stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Keystore,
    Truststore,
}

impl Role {
    const BOTH: [Role; 2] = [Role::Keystore, Role::Truststore];

    fn name(self) -> &'static str {
        match self {
            Role::Keystore => "keystore",
            Role::Truststore => "truststore",
        }
    }

    fn pw_key(self) -> &'static str {
        match self {
            Role::Keystore => "keystorepw",
            Role::Truststore => "truststorepw",
        }
    }

    fn env(self) -> &'static str {
        match self {
            Role::Keystore => "TRAVELERUTIL_KEYSTORE_PW",
            Role::Truststore => "TRAVELERUTIL_TRUSTSTORE_PW",
        }
    }

    fn slot(self, s: &SslSettings) -> Option<&StoreFile> {
        match self {
            Role::Keystore => s.keystore.as_ref(),
            Role::Truststore => s.truststore.as_ref(),
        }
    }

    fn slot_mut(self, s: &mut SslSettings) -> &mut Option<StoreFile> {
        match self {
            Role::Keystore => &mut s.keystore,
            Role::Truststore => &mut s.truststore,
        }
    }
}

/// The exit code for a keystore verdict (README, "Exit codes").
pub fn exit_for(e: &KeystoreError) -> Exit {
    match e {
        KeystoreError::WrongStorePassword | KeystoreError::WrongKeyPassword { .. } => Exit::Authentication,
        KeystoreError::UnknownAlias { .. } => Exit::NotFound,
        KeystoreError::Empty
        | KeystoreError::NotAKeystore { .. }
        | KeystoreError::Truncated { .. }
        | KeystoreError::Malformed { .. }
        | KeystoreError::Modified { .. }
        | KeystoreError::TooLarge { .. }
        | KeystoreError::IterationsTooHigh { .. } => Exit::InvalidInput,
        #[allow(unreachable_patterns)] // variants the keystore module may add later
        _ => Exit::CheckFailed,
    }
}

/// A short machine-readable name for a keystore verdict (`--json`).
fn verdict_name(e: &KeystoreError) -> &'static str {
    match e {
        KeystoreError::WrongStorePassword => "wrong-store-password",
        KeystoreError::WrongKeyPassword { .. } => "wrong-key-password",
        KeystoreError::UnknownAlias { .. } => "unknown-alias",
        KeystoreError::Empty => "empty",
        KeystoreError::NotAKeystore { .. } => "not-a-keystore",
        KeystoreError::Truncated { .. } => "truncated",
        KeystoreError::Malformed { .. } => "damaged",
        KeystoreError::Modified { .. } => "modified",
        KeystoreError::TooLarge { .. } => "too-large",
        KeystoreError::IterationsTooHigh { .. } => "iterations-too-high",
        #[allow(unreachable_patterns)]
        _ => "unsupported",
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and verifying one file

/// A keystore file read into memory (they are small; the limit is [`Limits::max_bytes`]).
struct FileRead {
    bytes: Vec<u8>,
    stamp: Stamp,
}

fn read_file(role: Role, path: &Path) -> Result<FileRead, Failure> {
    let limits = Limits::default();
    let what = format!("{} {}", role.name(), path.display());
    let meta = std::fs::metadata(path).map_err(|e| io_failure(&what, &e))?;
    if !meta.is_file() {
        return Err(Failure::input(format!("{what} is not a regular file")));
    }
    if meta.len() > limits.max_bytes as u64 {
        let e = KeystoreError::TooLarge {
            size: usize::try_from(meta.len()).unwrap_or(usize::MAX),
            max: limits.max_bytes,
        };
        return Err(Failure::new(exit_for(&e), anyhow::Error::new(e).context(what)));
    }
    let bytes = std::fs::read(path).map_err(|e| io_failure(&what, &e))?;
    let stamp = Stamp::of(&bytes, &meta);
    Ok(FileRead { bytes, stamp })
}

fn io_failure(what: &str, e: &std::io::Error) -> Failure {
    let (exit, hint) = match e.kind() {
        std::io::ErrorKind::NotFound => (Exit::NotFound, "check the path (it is stored as an absolute path)"),
        std::io::ErrorKind::PermissionDenied => (
            Exit::Io,
            "run travelerUtil as the user that runs the Traveler server, or fix the file's permissions",
        ),
        _ => (Exit::Io, "check the file"),
    };
    Failure::msg(exit, format!("cannot read {what}: {e}; {hint}"))
}

fn keystore_failure(role: Role, path: &Path, e: KeystoreError) -> Failure {
    let exit = exit_for(&e);
    Failure::new(
        exit,
        anyhow::Error::new(e).context(format!("{} {}", role.name(), path.display())),
    )
}

/// One private key's password check: where the accepted password came from, or why it failed
/// (`Unsupported` when the keystore module cannot decrypt that key format).
struct KeyCheck {
    alias: String,
    outcome: Result<PwSource, KeystoreError>,
}

/// Checks each private key's password: the explicit `keypw` when given, else the store
/// password; with `prompt_each`, a key that does not open is asked for at the prompt.
fn check_key_passwords(
    ctx: &Ctx,
    file: &FileRead,
    verified: &Verified,
    store_pw: &Secret,
    keypw: Option<&(Secret, PwSource)>,
    stored: &BTreeMap<String, Secret>,
    prompt_each: bool,
) -> Result<(Vec<KeyCheck>, BTreeMap<String, Secret>), Failure> {
    let mut checks = Vec::new();
    let mut differing = BTreeMap::new();
    for alias in verified
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::PrivateKey)
        .filter_map(|e| e.alias.clone())
    {
        let (pw, source) = match (keypw, stored.get(&alias)) {
            (Some((p, s)), _) => (p.clone(), *s),
            (None, Some(p)) => (p.clone(), PwSource::Stored),
            (None, None) => (store_pw.clone(), PwSource::StorePassword),
        };
        let mut outcome = keystore::verify_key_password(&file.bytes, &alias, pw.expose()).map(|()| source);
        let mut accepted = pw;
        if prompt_each && matches!(outcome, Err(KeystoreError::WrongKeyPassword { .. })) {
            let p = ctx.prompter.password(
                "keypw",
                &format!("Password of key '{alias}' (it is not the keystore password)"),
            )?;
            outcome = keystore::verify_key_password(&file.bytes, &alias, p.expose()).map(|()| PwSource::Prompt);
            accepted = p;
        }
        if outcome.is_ok() && accepted != *store_pw {
            differing.insert(alias.clone(), accepted);
        }
        checks.push(KeyCheck { alias, outcome });
    }
    Ok((checks, differing))
}

/// Is this verdict "the key password could not be checked" rather than a failure?
fn not_checkable(e: &KeystoreError) -> bool {
    matches!(e, KeystoreError::Unsupported { .. })
}

// ---------------------------------------------------------------------------------------------
// Passwords

/// `key=` on the command line (or `-` for a stdin line) > the environment > the stored password
/// (same file) > the prompt.
fn resolve_password(
    ctx: &Ctx,
    key: &str,
    env: &str,
    given: Option<String>,
    stored: Option<&Secret>,
    question: &str,
) -> Result<(Secret, PwSource), Failure> {
    let spec = SecretSpec { key, env, question };
    match inputs::given_secret(ctx, &spec, given)? {
        Some(found) => Ok(found),
        None => inputs::stored_or_prompt(ctx, &spec, stored),
    }
}

/// The private keys' own password, when one is given: `keypw=` (or `-`), else
/// TRAVELERUTIL_KEY_PW. Never prompted here: without it each key is tried with the store
/// password (and `--key-passwords` prompts per key).
fn key_password(ctx: &Ctx, given: Option<String>) -> Result<Option<(Secret, PwSource)>, Failure> {
    let spec = SecretSpec {
        key: "keypw",
        env: KEY_PW_ENV,
        question: "Private key password",
    };
    inputs::given_secret(ctx, &spec, given)
}

fn absolute(p: &str) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| PathBuf::from(p))
}

// ---------------------------------------------------------------------------------------------
// set

#[derive(Serialize)]
struct SetStoreJson {
    role: Role,
    path: PathBuf,
    #[serde(rename = "type")]
    store_type: &'static str,
    integrity: keystore::Integrity,
    password: &'static str,
    password_source: PwSource,
    key_passwords: Vec<KeyJson>,
    entries: usize,
}

#[derive(Serialize)]
struct KeyJson {
    alias: String,
    status: &'static str,
    detail: Option<String>,
}

#[derive(Serialize)]
struct SetJson {
    status: SetStatus,
    dry_run: bool,
    verified: Vec<SetStoreJson>,
    store: PathBuf,
}

fn set(ctx: &mut Ctx, a: &SslSetArgs) -> Result<Exit, Failure> {
    let Some(mut words) = inputs::words(ctx, &a.words, SET_KEYS, &["ssl", "set"])? else {
        return Ok(Exit::Success);
    };
    let read = ctx.store.load()?;
    let current = read.as_ref().and_then(|s| s.ssl.clone());
    let stored = current.clone().unwrap_or_default();

    // Which stores this command touches: a path or a password given for it. With nothing given
    // at all, ask for the paths (a first configuration at a terminal, as the original asks).
    let mut paths: [Option<PathBuf>; 2] = [
        words.take("keystore").map(|p| absolute(&p)),
        words.take("truststore").map(|p| absolute(&p)),
    ];
    let mut pws: [Option<String>; 2] = [words.take("keystorepw"), words.take("truststorepw")];
    let keypw_given = words.take("keypw");
    if paths.iter().all(Option::is_none) && pws.iter().all(Option::is_none) && keypw_given.is_none() {
        if ctx.global.no_input || ctx.stdin_taken || !ctx.prompter.stdin_is_tty {
            return Err(Failure::usage(
                "ssl set: nothing to set: give keystore=PATH and/or truststore=PATH (with keystorepw= / truststorepw=)",
            ));
        }
        for (i, role) in Role::BOTH.iter().enumerate() {
            let current = role.slot(&stored).map(|f| f.path.display().to_string());
            let p = ctx.prompter.line(
                role.name(),
                &format!("{} file (path; empty to leave unchanged)", role.name()),
                current.as_deref(),
            )?;
            if !p.is_empty() {
                paths[i] = Some(absolute(&p));
            }
        }
    }
    let mut verified_json = Vec::new();
    let mut new = stored.clone();
    for (i, role) in Role::BOTH.iter().copied().enumerate() {
        let old = role.slot(&stored);
        let path = match (paths[i].take(), old) {
            (Some(p), _) => p,
            (None, Some(o)) if pws[i].is_some() || (role == Role::Keystore && keypw_given.is_some()) => o.path.clone(),
            (None, Some(_)) => continue,
            (None, None) if pws[i].is_some() => {
                return Err(Failure::usage(format!(
                    "ssl set: {}= is given but no {} is stored: give {}=PATH too",
                    role.pw_key(),
                    role.name(),
                    role.name()
                )));
            }
            (None, None) => continue,
        };
        let file = read_file(role, &path)?;
        let same_file = old.is_some_and(|o| o.path == path);
        let stored_pw = old.filter(|_| same_file).and_then(|o| o.password.as_ref());
        let (pw, source) = resolve_password(
            ctx,
            role.pw_key(),
            role.env(),
            pws[i].take(),
            stored_pw,
            &format!("Password of the {} {}", role.name(), path.display()),
        )?;
        let verified = keystore::verify(&file.bytes, pw.expose(), &Limits::default())
            .map_err(|e| keystore_failure(role, &path, e))?;
        ctx.info(format!(
            "{} {}: {} password OK ({}, from {})",
            role.name(),
            path.display(),
            verified.store_type.name(),
            verified.integrity.algorithm,
            source.describe(role.pw_key(), role.env())
        ));
        let mut key_json = Vec::new();
        let mut differing = BTreeMap::new();
        if role == Role::Keystore {
            let keypw = key_password(ctx, keypw_given.clone())?;
            let stored_keys = old
                .filter(|_| same_file)
                .map(|o| o.key_passwords.clone())
                .unwrap_or_default();
            let (checks, diff) = check_key_passwords(
                ctx,
                &file,
                &verified,
                &pw,
                keypw.as_ref(),
                &stored_keys,
                a.key_passwords,
            )?;
            for c in checks {
                match c.outcome {
                    Ok(src) => key_json.push(KeyJson {
                        alias: c.alias,
                        status: "ok",
                        detail: Some(src.describe("keypw", KEY_PW_ENV)),
                    }),
                    Err(e) if not_checkable(&e) => {
                        ctx.warn(format!("key '{}': password not checked: {e}", c.alias));
                        key_json.push(KeyJson {
                            alias: c.alias,
                            status: "not-checked",
                            detail: Some(e.to_string()),
                        });
                    }
                    Err(e) => {
                        let hint = if keypw.is_none() && !a.key_passwords {
                            "; give the key's password with keypw=- (or TRAVELERUTIL_KEY_PW), or use --key-passwords to be asked"
                        } else {
                            ""
                        };
                        return Err(Failure::msg(
                            exit_for(&e),
                            format!(
                                "keystore {}: the keystore password is right, but {e}{hint}; nothing was saved",
                                path.display()
                            ),
                        ));
                    }
                }
            }
            differing = diff;
        }
        if role == Role::Truststore && keystore::pem::trusted_certificates(&verified).is_empty() && !verified.partial {
            ctx.warn(format!(
                "truststore {} holds no trusted certificate; `ssl check` will fail until one is imported (keytool -importcert)",
                path.display()
            ));
        }
        verified_json.push(SetStoreJson {
            role,
            path: path.clone(),
            store_type: verified.store_type.name(),
            integrity: verified.integrity.clone(),
            password: MASK,
            password_source: source,
            key_passwords: key_json,
            entries: verified.entries.len(),
        });
        *role.slot_mut(&mut new) = Some(StoreFile {
            path,
            password: Some(pw),
            key_passwords: differing,
            store_type: verified.store_type.name().to_owned(),
            size: file.stamp.size,
            mtime: file.stamp.mtime,
            sha256: file.stamp.sha256.clone(),
        });
    }
    let unchanged = current.as_ref() == Some(&new) || (current.is_none() && new == SslSettings::default());
    let status = match (a.dry_run, unchanged) {
        (_, true) => SetStatus::Unchanged,
        (true, false) => SetStatus::WouldSave,
        (false, false) => SetStatus::Saved,
    };
    if status == SetStatus::Saved {
        let basis = |s: &Settings| s.ssl.clone();
        ctx.commit("ssl set", "TLS store", read.as_ref(), basis, move |s| s.ssl = Some(new))?;
    }
    if ctx.global.json {
        ctx.json(&SetJson {
            status,
            dry_run: a.dry_run,
            verified: verified_json,
            store: ctx.store.store_path(),
        })?;
    } else {
        let msg = match status {
            SetStatus::Unchanged => "ssl settings unchanged".to_owned(),
            SetStatus::WouldSave => "dry run: the passwords verify; nothing was written".to_owned(),
            SetStatus::Saved | SetStatus::Invalid => {
                format!("ssl settings saved to {}", escape_path(&ctx.store.store_path()))
            }
        };
        ctx.info(msg);
    }
    Ok(Exit::Success)
}

// ---------------------------------------------------------------------------------------------
// show

#[derive(Serialize)]
struct ShowStoreJson<'a> {
    role: Role,
    path: &'a Path,
    #[serde(rename = "type")]
    store_type: &'a str,
    password: Option<&'static str>,
    key_passwords: Vec<&'a str>,
    /// `unchanged`, `changed` or `missing` (compared with the file at `ssl set`).
    file: &'static str,
    detail: Option<String>,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    keystore: Option<ShowStoreJson<'a>>,
    truststore: Option<ShowStoreJson<'a>>,
    store: PathBuf,
    reproduce: Option<String>,
}

/// How the file compares with what `ssl set` verified.
fn file_state(f: &StoreFile) -> (&'static str, Option<String>) {
    let meta = match std::fs::metadata(&f.path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return ("missing", Some("the file no longer exists".into()));
        }
        Err(e) => return ("unreadable", Some(e.to_string())),
    };
    match std::fs::read(&f.path) {
        Ok(b) => compare_stamp(f, &Stamp::of(&b, &meta)),
        Err(e) => ("unreadable", Some(e.to_string())),
    }
}

/// `unchanged`, or `changed` with what differs, against the stamp taken at `ssl set`.
fn compare_stamp(f: &StoreFile, now: &Stamp) -> (&'static str, Option<String>) {
    if now.sha256 == f.sha256 {
        return ("unchanged", None);
    }
    let mut why = vec![];
    if now.size != f.size {
        why.push(format!("size {} -> {} bytes", f.size, now.size));
    }
    if now.mtime != f.mtime {
        why.push(format!(
            "modified {}",
            crate::text::utc(now.mtime).unwrap_or_else(|| now.mtime.to_string())
        ));
    }
    if why.is_empty() {
        why.push("content differs".into());
    }
    (
        "changed",
        Some(format!("{}; run `ssl check`, then `ssl set` again", why.join(", "))),
    )
}

type FileStates<'a> = Vec<Option<(&'a StoreFile, &'static str, Option<String>)>>;

/// Each stored file with its state against the stamp taken at `ssl set`.
fn file_states(ssl: Option<&SslSettings>) -> FileStates<'_> {
    Role::BOTH
        .iter()
        .map(|r| {
            ssl.and_then(|s| r.slot(s)).map(|f| {
                let (st, d) = file_state(f);
                (f, st, d)
            })
        })
        .collect()
}

fn show_json<'a>(ctx: &Ctx, ssl: Option<&'a SslSettings>, states: &'a FileStates<'a>) -> ShowJson<'a> {
    let j = |i: usize, role: Role| {
        states[i].as_ref().map(|(f, st, d)| ShowStoreJson {
            role,
            path: &f.path,
            store_type: &f.store_type,
            password: f.password.as_ref().map(|_| MASK),
            key_passwords: f.key_passwords.keys().map(String::as_str).collect(),
            file: st,
            detail: d.clone(),
        })
    };
    ShowJson {
        keystore: j(0, Role::Keystore),
        truststore: j(1, Role::Truststore),
        store: ctx.store.store_path(),
        reproduce: reproduce_command(ssl),
    }
}

/// `ssl show --json` as text, for the support bundle (`log collect`): passwords masked.
pub fn show_json_text(ctx: &Ctx, settings: Option<&Settings>) -> Result<String, Failure> {
    let ssl = settings.and_then(|s| s.ssl.as_ref());
    let states = file_states(ssl);
    super::json_text(&show_json(ctx, ssl, &states))
}

fn show(ctx: &Ctx) -> Result<Exit, Failure> {
    let settings = ctx.store.load()?;
    let ssl = settings.as_ref().and_then(|s| s.ssl.as_ref());
    let states = file_states(ssl);
    if ctx.global.json {
        return ctx.json(&show_json(ctx, ssl, &states)).map(|()| Exit::Success);
    }
    let reproduce = reproduce_command(ssl);
    let mut t = String::new();
    for (i, role) in Role::BOTH.iter().enumerate() {
        match &states[i] {
            None => t.push_str(&format!("{:<12} (not set)\n", format!("{}:", role.name()))),
            Some((f, st, d)) => {
                t.push_str(&format!(
                    "{:<12} {} ({})\n",
                    format!("{}:", role.name()),
                    f.path.display(),
                    f.store_type
                ));
                t.push_str(&format!(
                    "  password:  {}\n",
                    if f.password.is_some() { MASK } else { "(none)" }
                ));
                for alias in f.key_passwords.keys() {
                    t.push_str(&format!(
                        "  key '{alias}': {MASK} (differs from the keystore password)\n"
                    ));
                }
                let note = match (*st, d) {
                    ("unchanged", _) => "unchanged since `ssl set`".to_owned(),
                    (s, Some(d)) => format!("{}: {d}", s.to_ascii_uppercase()),
                    (s, None) => s.to_owned(),
                };
                t.push_str(&format!("  file:      {note}\n"));
            }
        }
    }
    t.push_str(&format!("{:<12} {}\n", "store:", ctx.store.store_path().display()));
    if let Some(r) = reproduce {
        t.push_str(&format!("{:<12} {r}\n", "reproduce:"));
    }
    ctx.out(&t)?;
    // A vanished or changed file is worth a warning (stderr), but `show` itself succeeded.
    for (i, role) in Role::BOTH.iter().enumerate() {
        if let Some((f, st, _)) = &states[i]
            && *st != "unchanged"
        {
            ctx.warn(format!(
                "the {} {} is {st} since `ssl set`",
                role.name(),
                f.path.display()
            ));
        }
    }
    Ok(Exit::Success)
}

/// An `ssl set` line that recreates the settings (paths only; passwords are asked for).
fn reproduce_command(ssl: Option<&SslSettings>) -> Option<String> {
    let ssl = ssl?;
    let words: Vec<String> = Role::BOTH
        .iter()
        .filter_map(|r| r.slot(ssl).map(|f| format!("{}={}", r.name(), f.path.display())))
        .collect();
    (!words.is_empty()).then(|| shell::posix_command(&["travelerUtil", "ssl", "set"], &words))
}

// ---------------------------------------------------------------------------------------------
// check

#[derive(Serialize)]
struct EntryJson {
    alias: Option<String>,
    kind: EntryKind,
    subject: Option<String>,
    issuer: Option<String>,
    not_after: Option<String>,
    days_left: Option<i64>,
    key_password: Option<&'static str>,
}

#[derive(Serialize)]
struct CheckStoreJson {
    role: Role,
    path: PathBuf,
    #[serde(rename = "type")]
    store_type: Option<&'static str>,
    integrity: Option<keystore::Integrity>,
    /// `ok`, or what failed (`wrong-store-password`, `wrong-key-password`, `missing`, ...).
    verdict: &'static str,
    exit: Exit,
    message: Option<String>,
    entries: Vec<EntryJson>,
    /// Entries that could not be listed without decrypting.
    partial: bool,
    trusted_certificates: Option<usize>,
    file: Option<&'static str>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct CheckJson {
    status: &'static str,
    now: String,
    warn_days: i64,
    stores: Vec<CheckStoreJson>,
}

/// The time `ssl check` judges expiry against: [`NOW_ENV`] when set, else the clock.
fn now(ctx: &Ctx) -> Result<jiff::Timestamp, Failure> {
    match std::env::var(NOW_ENV).ok().filter(|v| !v.is_empty()) {
        None => Ok(jiff::Timestamp::now()),
        Some(v) => {
            let parsed = v
                .parse::<i64>()
                .ok()
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .or_else(|| v.parse::<jiff::Timestamp>().ok());
            let t = parsed.ok_or_else(|| {
                Failure::input(format!(
                    "{NOW_ENV}={v} is not a time: give unix seconds or an RFC 3339 time such as 2026-12-01T00:00:00Z"
                ))
            })?;
            ctx.debug(format_args!("ssl check: now is {t} (from {NOW_ENV})"));
            Ok(t)
        }
    }
}

struct Target {
    role: Role,
    path: PathBuf,
    password: Option<Secret>,
    pw_given: Option<String>,
    key_passwords: BTreeMap<String, Secret>,
    stored: Option<StoreFile>,
}

fn check(ctx: &mut Ctx, a: &SslCheckArgs) -> Result<Exit, Failure> {
    let Some(mut words) = inputs::words(ctx, &a.words, CHECK_KEYS, &["ssl", "check"])? else {
        return Ok(Exit::Success);
    };
    let warn_days = match words.take("days") {
        None => DEFAULT_WARN_DAYS,
        Some(d) => d
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=36_500).contains(d))
            .ok_or_else(|| Failure::input(format!("days={d} is not a number of days between 0 and 36500")))?,
    };
    let now = now(ctx)?;
    let settings = ctx.store.load()?.unwrap_or_default();
    let stored = settings.ssl.unwrap_or_default();
    let explicit = [words.take("keystore"), words.take("truststore")];
    let pws = [words.take("keystorepw"), words.take("truststorepw")];
    let keypw_given = words.take("keypw");
    let mut targets = Vec::new();
    if explicit.iter().any(Option::is_some) {
        for (i, role) in Role::BOTH.iter().copied().enumerate() {
            if let Some(p) = &explicit[i] {
                targets.push(Target {
                    role,
                    path: absolute(p),
                    password: None,
                    pw_given: pws[i].clone(),
                    key_passwords: BTreeMap::new(),
                    stored: None,
                });
            }
        }
    } else {
        for (i, role) in Role::BOTH.iter().copied().enumerate() {
            if let Some(f) = role.slot(&stored) {
                targets.push(Target {
                    role,
                    path: f.path.clone(),
                    password: f.password.clone(),
                    pw_given: pws[i].clone(),
                    key_passwords: f.key_passwords.clone(),
                    stored: Some(f.clone()),
                });
            }
        }
    }
    if targets.is_empty() {
        return Err(Failure::msg(
            Exit::NotFound,
            "ssl check: no keystore or truststore is configured: run `ssl set keystore=PATH truststore=PATH`, or name the files (ssl check keystore=PATH)",
        ));
    }
    let mut reports = Vec::new();
    let mut first_failure: Option<Exit> = None;
    let mut warnings = 0usize;
    for t in targets {
        let r = check_one(ctx, t, keypw_given.as_deref(), a.key_passwords, now, warn_days)?;
        if r.exit != Exit::Success && first_failure.is_none() {
            first_failure = Some(r.exit);
        }
        warnings += r.warnings.len();
        reports.push(r);
    }
    let status = match (first_failure, warnings) {
        (Some(_), _) => "failed",
        (None, 0) => "ok",
        (None, _) => "warning",
    };
    if ctx.global.json {
        ctx.json(&CheckJson {
            status,
            now: jiff::Timestamp::from_second(now.as_second()).unwrap_or(now).to_string(),
            warn_days,
            stores: reports,
        })?;
    } else {
        ctx.out(&render_check(&reports, status))?;
    }
    Ok(first_failure.unwrap_or(Exit::Success))
}

fn check_one(
    ctx: &Ctx,
    t: Target,
    keypw_given: Option<&str>,
    prompt_keys: bool,
    now: jiff::Timestamp,
    warn_days: i64,
) -> Result<CheckStoreJson, Failure> {
    let mut r = CheckStoreJson {
        role: t.role,
        path: t.path.clone(),
        store_type: None,
        integrity: None,
        verdict: "ok",
        exit: Exit::Success,
        message: None,
        entries: Vec::new(),
        partial: false,
        trusted_certificates: None,
        file: None,
        warnings: Vec::new(),
    };
    let fail = |r: &mut CheckStoreJson, verdict: &'static str, exit: Exit, msg: String| {
        r.verdict = verdict;
        r.exit = exit;
        r.message = Some(msg);
    };
    let file = match read_file(t.role, &t.path) {
        Ok(f) => f,
        Err(f) => {
            let verdict = if f.exit == Exit::NotFound {
                "missing"
            } else {
                "unreadable"
            };
            r.file = t.stored.as_ref().map(|_| verdict);
            fail(&mut r, verdict, f.exit, format!("{:#}", f.error));
            return Ok(r);
        }
    };
    if let Some(s) = &t.stored {
        // The bytes just read, compared with the stamp of `ssl set` (no second read).
        let (st, detail) = compare_stamp(s, &file.stamp);
        r.file = Some(st);
        if st == "changed" {
            r.warnings.push(format!(
                "the file changed since `ssl set`: {}",
                detail.unwrap_or_default()
            ));
        }
    }
    let (pw, _) = resolve_password(
        ctx,
        t.role.pw_key(),
        t.role.env(),
        t.pw_given,
        t.password.as_ref(),
        &format!("Password of the {} {}", t.role.name(), t.path.display()),
    )?;
    let verified = match keystore::verify(&file.bytes, pw.expose(), &Limits::default()) {
        Ok(v) => v,
        Err(e) => {
            r.store_type = Some(keystore::sniff(&file.bytes).name());
            let which = if matches!(e, KeystoreError::WrongStorePassword) {
                format!("wrong {} password: ", t.role.name())
            } else {
                String::new()
            };
            fail(&mut r, verdict_name(&e), exit_for(&e), format!("{which}{e}"));
            return Ok(r);
        }
    };
    r.store_type = Some(verified.store_type.name());
    r.integrity = Some(verified.integrity.clone());
    r.partial = verified.partial;
    // Key passwords (keystore only): the stored per-alias passwords, keypw=, or the store's.
    let mut key_status: BTreeMap<String, &'static str> = BTreeMap::new();
    if t.role == Role::Keystore {
        let keypw = key_password(ctx, keypw_given.map(str::to_owned))?;
        let (checks, _) = check_key_passwords(
            ctx,
            &file,
            &verified,
            &pw,
            keypw.as_ref(),
            &t.key_passwords,
            prompt_keys,
        )?;
        for c in checks {
            match c.outcome {
                Ok(_) => {
                    key_status.insert(c.alias, "ok");
                }
                Err(e) if not_checkable(&e) => {
                    key_status.insert(c.alias, "not-checked");
                }
                Err(e) => {
                    key_status.insert(c.alias.clone(), "wrong");
                    if r.exit == Exit::Success {
                        fail(
                            &mut r,
                            verdict_name(&e),
                            exit_for(&e),
                            format!("the keystore password is right, but {e}"),
                        );
                    }
                }
            }
        }
    }
    let now_s = now.as_second();
    for e in &verified.entries {
        let info = e.certificates.first().and_then(|der| x509::cert_info(der).ok());
        let days_left = info.as_ref().map(|i| (i.not_after - now_s).div_euclid(86_400));
        if let (Some(i), Some(d)) = (&info, days_left) {
            let who = format!("certificate '{}' ({})", e.alias.as_deref().unwrap_or("?"), i.subject);
            let when = crate::text::utc(i.not_after).unwrap_or_default();
            if i.not_after <= now_s {
                let msg = format!("{who} expired on {when}");
                if r.exit == Exit::Success {
                    fail(&mut r, "expired", Exit::Tls, format!("{msg}; renew it"));
                } else {
                    r.warnings.push(msg);
                }
            } else if d <= warn_days {
                r.warnings.push(format!("{who} expires on {when}, in {d} days"));
            }
        }
        r.entries.push(EntryJson {
            alias: e.alias.clone(),
            kind: e.kind,
            subject: info.as_ref().map(|i| i.subject.clone()),
            issuer: info.as_ref().map(|i| i.issuer.clone()),
            not_after: info.as_ref().and_then(|i| crate::text::utc(i.not_after)),
            days_left,
            key_password: e.alias.as_ref().and_then(|a| key_status.get(a).copied()),
        });
    }
    if t.role == Role::Truststore {
        let n = keystore::pem::trusted_certificates(&verified).len();
        r.trusted_certificates = Some(n);
        if n == 0 && r.exit == Exit::Success {
            let why = if verified.partial {
                "no trusted certificate could be listed (some entries are encrypted and could not be read)"
            } else {
                "the truststore holds no trusted certificate, so no server can be verified with it"
            };
            fail(
                &mut r,
                "no-trusted-certificates",
                Exit::Tls,
                format!(
                    "{why}; import the CA with `keytool -importcert -trustcacerts -alias ca -file ca.pem -keystore {}`",
                    t.path.display()
                ),
            );
        }
    }
    Ok(r)
}

fn render_check(reports: &[CheckStoreJson], status: &str) -> String {
    let mut t = String::new();
    for r in reports {
        t.push_str(&format!("{} {}\n", r.role.name(), r.path.display()));
        if let Some(ty) = r.store_type {
            let integ = r
                .integrity
                .as_ref()
                .map(|i| {
                    let it = i.iterations.map(|n| format!(", {n} iterations")).unwrap_or_default();
                    format!(", integrity {}{it}", i.algorithm)
                })
                .unwrap_or_default();
            t.push_str(&format!("  type:      {ty}{integ}\n"));
        }
        let verdict = match (r.exit, &r.message) {
            (Exit::Success, _) => "OK".to_owned(),
            (code, Some(m)) => format!("FAIL ({}, exit {code}): {m}", r.verdict),
            (code, None) => format!("FAIL ({}, exit {code})", r.verdict),
        };
        t.push_str(&format!("  verdict:   {verdict}\n"));
        if r.integrity.is_some() {
            t.push_str(&format!(
                "  entries:   {}{}\n",
                r.entries.len(),
                if r.partial {
                    " (more are encrypted and could not be listed)"
                } else {
                    ""
                }
            ));
        }
        for e in &r.entries {
            let kind = match e.kind {
                EntryKind::PrivateKey => "private key",
                EntryKind::TrustedCert => "trusted certificate",
                EntryKind::SecretKey => "secret key",
                EntryKind::Certificate => "certificate",
            };
            let mut line = format!("    {:<16} {kind}", e.alias.as_deref().unwrap_or("(no alias)"));
            if let Some(s) = &e.subject {
                line.push_str(&format!("  {s}"));
            }
            if let (Some(na), Some(d)) = (&e.not_after, e.days_left) {
                line.push_str(&format!("  notAfter {na} ({d} days)"));
            }
            if let Some(k) = e.key_password {
                line.push_str(&format!("  key password {k}"));
            }
            t.push_str(&line);
            t.push('\n');
        }
        if let Some(n) = r.trusted_certificates {
            t.push_str(&format!(
                "  trusted:   {n} certificate{}\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        for w in &r.warnings {
            t.push_str(&format!("  warning:   {w}\n"));
        }
    }
    t.push_str(&format!("result: {}\n", status.to_ascii_uppercase()));
    t
}

// ---------------------------------------------------------------------------------------------
// remove

#[derive(Serialize)]
struct RemoveJson {
    status: RemoveStatus,
    removed: Vec<Role>,
    store: PathBuf,
}

fn remove(ctx: &Ctx, a: &SslRemoveArgs) -> Result<Exit, Failure> {
    let Some(words) = inputs::words(ctx, &a.words, REMOVE_KEYS, &["ssl", "remove"])? else {
        return Ok(Exit::Success);
    };
    let which: Vec<Role> = match (words.flag("keystore"), words.flag("truststore")) {
        (false, false) | (true, true) => Role::BOTH.to_vec(),
        (true, false) => vec![Role::Keystore],
        (false, true) => vec![Role::Truststore],
    };
    let names: Vec<&str> = which.iter().map(|r| r.name()).collect();
    let question = format!("Remove the stored {} settings?", names.join(" and "));
    let take = |s: &mut Settings| -> Option<Vec<Role>> {
        let ssl = s.ssl.as_mut()?;
        let removed: Vec<Role> = which
            .iter()
            .copied()
            .filter(|r| r.slot_mut(ssl).take().is_some())
            .collect();
        if *ssl == SslSettings::default() {
            s.ssl = None;
        }
        (!removed.is_empty()).then_some(removed)
    };
    let ask = Ask {
        question: &question,
        what: "remove the ssl settings",
    };
    let basis = |s: &Settings| s.ssl.clone();
    let Some(removed) = ctx.remove("ssl remove", "TLS store", &ask, basis, take)? else {
        if ctx.global.json {
            ctx.json(&RemoveJson {
                status: RemoveStatus::NothingToRemove,
                removed: vec![],
                store: ctx.store.store_path(),
            })?;
        }
        ctx.info("nothing to remove: no such ssl settings are stored");
        return Ok(Exit::Success);
    };
    if ctx.global.json {
        ctx.json(&RemoveJson {
            status: RemoveStatus::Removed,
            removed,
            store: ctx.store.store_path(),
        })?;
    } else {
        let names: Vec<&str> = removed.iter().map(|r| r.name()).collect();
        ctx.out(&format!("removed: {}\n", names.join(", ")))?;
    }
    Ok(Exit::Success)
}
