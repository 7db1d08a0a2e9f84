//! `ssl check`: verify the stored (or named) files and report each one: type, integrity, entries,
//! which password failed, expired or expiring certificates, a truststore that trusts nothing.
//! Nothing is saved.

use super::super::Ctx;
use super::file::{self, FileState, ReadError};
use super::keys::{self, KeyInputs, KeyPassword};
use super::{DEFAULT_WARN_DAYS, NOW_ENV, Role, StoreWords, json_name};
use crate::args::Key;
use crate::cli::ssl::SslCheckArgs;
use crate::cmd::inputs;
use crate::error::{Failure, HasExit};
use crate::exit::Exit;
use crate::keystore::{self, CertInfo, EntryKind, KeystoreError, Limits, Verified, x509};
use crate::store::{SslSettings, StoreFile};
use crate::term::{escape, escape_path};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

const CHECK_KEYS: &[Key] = &[
    Key::value("keystore"),
    Key::secret("keystorepw"),
    Key::value("truststore"),
    Key::secret("truststorepw"),
    Key::secret("keypw"),
    Key::value("days"),
];

/// What a store's check found: `ok`, or what failed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Verdict {
    Ok,
    WrongStorePassword,
    WrongKeyPassword,
    UnknownAlias,
    Missing,
    Unreadable,
    Empty,
    NotAKeystore,
    Truncated,
    Damaged,
    Modified,
    TooLarge,
    IterationsTooHigh,
    /// A MAC algorithm or encryption scheme this tool cannot check.
    Unsupported,
    /// A PKCS#12 file without a MAC and with nothing encrypted: no password protects it.
    NoMac,
    Expired,
    NoTrustedCertificates,
}

impl Verdict {
    fn of(e: &KeystoreError) -> Verdict {
        match e {
            KeystoreError::WrongStorePassword => Verdict::WrongStorePassword,
            KeystoreError::WrongKeyPassword { .. } => Verdict::WrongKeyPassword,
            KeystoreError::UnknownAlias { .. } => Verdict::UnknownAlias,
            KeystoreError::Empty => Verdict::Empty,
            KeystoreError::NotAKeystore { .. } => Verdict::NotAKeystore,
            KeystoreError::Truncated { .. } => Verdict::Truncated,
            KeystoreError::Malformed { .. } => Verdict::Damaged,
            KeystoreError::Modified { .. } => Verdict::Modified,
            KeystoreError::TooLarge { .. } => Verdict::TooLarge,
            KeystoreError::IterationsTooHigh { .. } => Verdict::IterationsTooHigh,
            KeystoreError::UnsupportedMac { .. } | KeystoreError::Unsupported { .. } => Verdict::Unsupported,
            KeystoreError::NoMac => Verdict::NoMac,
        }
    }
}

/// The result of the whole check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum CheckStatus {
    Ok,
    Warning,
    Failed,
}

#[derive(Serialize)]
struct EntryJson {
    alias: Option<String>,
    kind: EntryKind,
    subject: Option<String>,
    issuer: Option<String>,
    not_after: Option<String>,
    days_left: Option<i64>,
    key_password: Option<KeyPassword>,
    /// The SHA-256 fingerprint of the entry's certificate (the one `subject` describes), in
    /// keytool's form; `None` for an entry without a certificate.
    sha256: Option<String>,
}

#[derive(Serialize)]
struct CheckStoreJson {
    role: Role,
    path: PathBuf,
    #[serde(rename = "type")]
    store_type: Option<&'static str>,
    integrity: Option<keystore::Integrity>,
    verdict: Verdict,
    exit: Exit,
    message: Option<String>,
    entries: Vec<EntryJson>,
    /// Entries that could not be listed without decrypting.
    partial: bool,
    trusted_certificates: Option<usize>,
    /// What the store trusts, comparable across files and formats ([`x509::certificates_sha256`]).
    /// `None` when it trusts nothing, or when not every entry could be read: a digest of part of
    /// the certificates would make two different stores look alike, or the same two differ.
    certificates_sha256: Option<String>,
    file: Option<FileState>,
    warnings: Vec<String>,
}

impl CheckStoreJson {
    fn new(role: Role, path: PathBuf) -> CheckStoreJson {
        CheckStoreJson {
            role,
            path,
            store_type: None,
            integrity: None,
            verdict: Verdict::Ok,
            exit: Exit::Success,
            message: None,
            entries: Vec::new(),
            partial: false,
            trusted_certificates: None,
            certificates_sha256: None,
            file: None,
            warnings: Vec::new(),
        }
    }

    fn fail(&mut self, verdict: Verdict, exit: Exit, message: String) {
        self.verdict = verdict;
        self.exit = exit;
        self.message = Some(message);
    }

    fn failed(&self) -> bool {
        self.exit != Exit::Success
    }
}

#[derive(Serialize)]
struct CheckJson {
    status: CheckStatus,
    now: String,
    warn_days: i64,
    stores: Vec<CheckStoreJson>,
}

/// One file to check: given on the command line (`stored` is `None`), or stored.
struct Target {
    role: Role,
    path: PathBuf,
    pw: Option<String>,
    stored: Option<StoreFile>,
}

pub(super) fn check(ctx: &Ctx, a: &SslCheckArgs) -> Result<Exit, Failure> {
    let Some(mut words) = super::super::inputs::words(ctx, &a.words, CHECK_KEYS, &["ssl", "check"])? else {
        return Ok(Exit::Success);
    };
    let warn_days = match words.take("days") {
        Some(d) => inputs::whole_number("days", &d, 0..=36_500, "days")?,
        None => DEFAULT_WARN_DAYS,
    };
    let now = now(ctx)?;
    let mut given = StoreWords::take(&mut words)?;
    let keypw = given.keypw.take();
    let stored = ctx.store.load()?.and_then(|s| s.ssl).unwrap_or_default();
    let targets = targets(given, &stored);
    if targets.is_empty() {
        return Err(Failure::msg(
            Exit::NotFound,
            "ssl check: no keystore or truststore is configured: run `ssl set keystore=PATH truststore=PATH`, or name the files (ssl check keystore=PATH)",
        ));
    }
    let mut reports = Vec::new();
    for t in targets {
        reports.push(check_one(
            ctx,
            t,
            keypw.clone(),
            a.key_passwords,
            now.as_second(),
            warn_days,
        )?);
    }
    let first_failure = reports.iter().map(|r| r.exit).find(|e| *e != Exit::Success);
    let status = match (first_failure, reports.iter().any(|r| !r.warnings.is_empty())) {
        (Some(_), _) => CheckStatus::Failed,
        (None, false) => CheckStatus::Ok,
        (None, true) => CheckStatus::Warning,
    };
    if ctx.global.json {
        ctx.json(&CheckJson {
            status,
            now: jiff::Timestamp::from_second(now.as_second()).unwrap_or(now).to_string(),
            warn_days,
            stores: reports,
        })?;
    } else {
        ctx.out(&render(&reports, status))?;
    }
    Ok(first_failure.unwrap_or(Exit::Success))
}

/// The time `ssl check` judges expiry against: [`NOW_ENV`] when set, else the clock.
fn now(ctx: &Ctx) -> Result<jiff::Timestamp, Failure> {
    let Some(v) = std::env::var(NOW_ENV).ok().filter(|v| !v.is_empty()) else {
        return Ok(jiff::Timestamp::now());
    };
    let parsed = v
        .parse::<i64>()
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .or_else(|| v.parse::<jiff::Timestamp>().ok());
    let t = parsed.ok_or_else(|| {
        Failure::input(format!(
            "{NOW_ENV}={} is not a time: give unix seconds or an RFC 3339 time such as 2026-12-01T00:00:00Z",
            escape(&v)
        ))
    })?;
    ctx.debug(format_args!("ssl check: now is {t} (from {NOW_ENV})"));
    Ok(t)
}

/// The files named on the command line, else the stored ones (with their stored passwords).
fn targets(given: StoreWords, stored: &SslSettings) -> Vec<Target> {
    let explicit = given.paths.iter().any(Option::is_some);
    Role::BOTH
        .into_iter()
        .zip(given.paths)
        .zip(given.pws)
        .filter_map(|((role, path), pw)| match (explicit, role.slot(stored)) {
            (true, _) => path.map(|path| Target {
                role,
                path,
                pw,
                stored: None,
            }),
            (false, f) => f.map(|f| Target {
                role,
                path: f.path.clone(),
                pw,
                stored: Some(f.clone()),
            }),
        })
        .collect()
}

/// Checks one file. A failed verdict is part of the report, not an error: the error path is
/// only for what stops the whole command (a password that cannot be read, say).
fn check_one(
    ctx: &Ctx,
    t: Target,
    keypw: Option<String>,
    prompt_keys: bool,
    now: i64,
    warn_days: i64,
) -> Result<CheckStoreJson, Failure> {
    let mut r = CheckStoreJson::new(t.role, t.path.clone());
    let file = match file::read(&t.path) {
        Ok(f) => f,
        Err(e) => {
            r.file = t.stored.as_ref().map(|_| e.state());
            let verdict = match e {
                ReadError::NotFound(_) => Verdict::Missing,
                ReadError::Io(_) | ReadError::NotRegular | ReadError::TooLarge(_) => Verdict::Unreadable,
            };
            let f = e.failure(t.role, &t.path);
            r.fail(verdict, f.exit, format!("{:#}", f.error));
            return Ok(r);
        }
    };
    if let Some(s) = &t.stored {
        // The bytes just read, compared with the stamp of `ssl set` (no second read).
        let (state, detail) = file::compare(s, &file.stamp);
        r.file = Some(state);
        if state == FileState::Changed {
            r.warnings.push(format!(
                "the file changed since `ssl set`: {}",
                detail.unwrap_or_default()
            ));
        }
    }
    let stored_pw = t.stored.as_ref().and_then(|s| s.password.as_ref());
    let (pw, _) = super::store_password(ctx, t.role, &t.path, t.pw, stored_pw)?;
    let verified = match keystore::verify(&file.bytes, pw.expose(), &Limits::default()) {
        Ok(v) => v,
        Err(e) => {
            r.store_type = Some(keystore::sniff(&file.bytes).name());
            let which = match e {
                KeystoreError::WrongStorePassword => format!("wrong {} password: ", t.role.name()),
                _ => String::new(),
            };
            r.fail(Verdict::of(&e), e.exit(), format!("{which}{e}"));
            return Ok(r);
        }
    };
    r.store_type = Some(verified.store_type.name());
    r.integrity = Some(verified.integrity.clone());
    r.partial = verified.partial;
    let key_status = match t.role {
        Role::Keystore => {
            let keypw = super::key_password(ctx, keypw)?;
            let stored_keys = t.stored.map(|s| s.key_passwords).unwrap_or_default();
            let k = KeyInputs {
                store_pw: &pw,
                keypw: keypw.as_ref(),
                stored: &stored_keys,
                prompt_each: prompt_keys,
            };
            key_statuses(ctx, &mut r, &file.bytes, &verified, &k)?
        }
        Role::Truststore => BTreeMap::new(),
    };
    judge_entries(&mut r, &verified, &key_status, now, warn_days);
    let trusted = keystore::pem::trusted_certificates(&verified);
    if !trusted.is_empty() && !verified.partial {
        r.certificates_sha256 = Some(x509::certificates_sha256(trusted.iter().copied()));
    }
    if t.role == Role::Truststore {
        judge_trust(&mut r, &verified, trusted.len());
    }
    Ok(r)
}

/// Each private key's password status; the first wrong one fails the store.
fn key_statuses(
    ctx: &Ctx,
    r: &mut CheckStoreJson,
    bytes: &[u8],
    verified: &Verified,
    k: &KeyInputs<'_>,
) -> Result<BTreeMap<String, KeyPassword>, Failure> {
    let (checks, _) = keys::check_all(ctx, bytes, verified, k)?;
    let mut out = BTreeMap::new();
    for c in checks {
        let status = KeyPassword::of(&c.outcome);
        if let (KeyPassword::Wrong, Err(e)) = (status, &c.outcome)
            && !r.failed()
        {
            r.fail(
                Verdict::of(e),
                e.exit(),
                format!("the keystore password is right, but {e}"),
            );
        }
        out.insert(c.alias, status);
    }
    Ok(out)
}

/// The entries as reported, and their certificates' expiry against `now`: expired fails the
/// store (or is a warning when it failed already), expiring within `warn_days` is a warning.
fn judge_entries(
    r: &mut CheckStoreJson,
    verified: &Verified,
    key_status: &BTreeMap<String, KeyPassword>,
    now: i64,
    warn_days: i64,
) {
    for e in &verified.entries {
        let info = e.certificates.first().and_then(|der| x509::cert_info(der).ok());
        let days_left = info.as_ref().map(|i| (i.not_after - now).div_euclid(86_400));
        if let (Some(i), Some(d)) = (&info, days_left) {
            judge_expiry(r, e.alias.as_deref(), i, d, now, warn_days);
        }
        r.entries.push(EntryJson {
            alias: e.alias.clone(),
            kind: e.kind,
            subject: info.as_ref().map(|i| i.subject.clone()),
            issuer: info.as_ref().map(|i| i.issuer.clone()),
            not_after: info.as_ref().and_then(|i| crate::text::utc(i.not_after)),
            days_left,
            key_password: e.alias.as_ref().and_then(|a| key_status.get(a).copied()),
            sha256: e.certificates.first().map(|der| x509::sha256_fingerprint(der)),
        });
    }
}

fn judge_expiry(r: &mut CheckStoreJson, alias: Option<&str>, i: &CertInfo, days_left: i64, now: i64, warn_days: i64) {
    let who = format!("certificate '{}' ({})", alias.unwrap_or("?"), i.subject);
    let when = crate::text::utc(i.not_after).unwrap_or_default();
    if i.not_after <= now {
        let msg = format!("{who} expired on {when}");
        if r.failed() {
            r.warnings.push(msg);
        } else {
            r.fail(Verdict::Expired, Exit::Tls, format!("{msg}; renew it"));
        }
    } else if days_left <= warn_days {
        r.warnings.push(format!("{who} expires on {when}, in {days_left} days"));
    }
}

/// A truststore must trust at least one certificate (`n` of them), or no server can be verified
/// with it.
fn judge_trust(r: &mut CheckStoreJson, verified: &Verified, n: usize) {
    r.trusted_certificates = Some(n);
    if n > 0 || r.failed() {
        return;
    }
    let why = if verified.partial {
        "no trusted certificate could be listed (some entries are encrypted and could not be read)"
    } else {
        "the truststore holds no trusted certificate, so no server can be verified with it"
    };
    let msg = format!(
        "{why}; import the CA with `keytool -importcert -trustcacerts -alias ca -file ca.pem -keystore {}`",
        r.path.display()
    );
    r.fail(Verdict::NoTrustedCertificates, Exit::Tls, msg);
}

fn render(reports: &[CheckStoreJson], status: CheckStatus) -> String {
    let mut t = String::new();
    for r in reports {
        render_store(&mut t, r);
    }
    t.push_str(&format!("result: {}\n", json_name(&status).to_ascii_uppercase()));
    t
}

fn render_store(t: &mut String, r: &CheckStoreJson) {
    t.push_str(&format!("{} {}\n", r.role.name(), escape_path(&r.path)));
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
        (code, Some(m)) => format!("FAIL ({}, exit {code}): {}", json_name(&r.verdict), escape(m)),
        (code, None) => format!("FAIL ({}, exit {code})", json_name(&r.verdict)),
    };
    t.push_str(&format!("  verdict:   {verdict}\n"));
    if r.integrity.is_some() {
        let more = if r.partial {
            " (more are encrypted and could not be listed)"
        } else {
            ""
        };
        t.push_str(&format!("  entries:   {}{more}\n", r.entries.len()));
    }
    for e in &r.entries {
        t.push_str(&entry_line(e));
    }
    if let Some(n) = r.trusted_certificates {
        let s = if n == 1 { "" } else { "s" };
        t.push_str(&format!("  trusted:   {n} certificate{s}\n"));
    }
    if let Some(c) = &r.certificates_sha256 {
        t.push_str(&format!(
            "  content:   SHA256 {} (of the trusted certificates)\n",
            escape(c)
        ));
    }
    for w in &r.warnings {
        t.push_str(&format!("  warning:   {}\n", escape(w)));
    }
}

fn entry_line(e: &EntryJson) -> String {
    let kind = match e.kind {
        EntryKind::PrivateKey => "private key",
        EntryKind::TrustedCert => "trusted certificate",
        EntryKind::SecretKey => "secret key",
        EntryKind::Certificate => "certificate",
    };
    let alias = e.alias.as_deref().map_or("(no alias)".into(), escape);
    let mut line = format!("    {alias:<16} {kind}");
    if let Some(s) = &e.subject {
        line.push_str(&format!("  {}", escape(s)));
    }
    if let (Some(na), Some(d)) = (&e.not_after, e.days_left) {
        line.push_str(&format!("  notAfter {na} ({d} days)"));
    }
    if let Some(k) = e.key_password {
        line.push_str(&format!("  key password {}", json_name(&k)));
    }
    line.push('\n');
    // On a line of its own, as keytool prints it, so the two can be compared with grep.
    if let Some(f) = &e.sha256 {
        line.push_str(&format!("      SHA256: {}\n", escape(f)));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keystore_without_a_mac_is_reported_as_such() {
        assert_eq!(Verdict::of(&KeystoreError::NoMac), Verdict::NoMac);
        assert_eq!(json_name(&Verdict::NoMac), "no-mac");
        assert_eq!(KeystoreError::NoMac.exit(), Exit::CheckFailed);
        let mac = KeystoreError::UnsupportedMac { oid: "1.2".into() };
        assert_eq!(json_name(&Verdict::of(&mac)), "unsupported");
        let damaged = KeystoreError::Malformed { what: "x".into() };
        assert_eq!(json_name(&Verdict::of(&damaged)), "damaged");
        assert_eq!(json_name(&Verdict::NoTrustedCertificates), "no-trusted-certificates");
    }

    #[test]
    fn days_is_a_whole_number_in_range() {
        assert_eq!(inputs::whole_number("days", " 60 ", 0..=36_500, "days").unwrap(), 60);
        for bad in ["-1", "36501", "soon", "6\x1b0"] {
            let e = inputs::whole_number("days", bad, 0..=36_500, "days").unwrap_err();
            assert_eq!(e.exit, Exit::InvalidInput);
            let msg = e.error.to_string();
            assert!(msg.ends_with("is not a number of days between 0 and 36500"), "{msg}");
            assert!(!msg.contains('\x1b'), "{msg}");
        }
    }

    fn cert(not_after: i64) -> CertInfo {
        CertInfo {
            subject: "CN=a".into(),
            issuer: "CN=ca".into(),
            serial_hex: "1".into(),
            not_before: 0,
            not_after,
            is_ca: false,
            sha256_fingerprint: String::new(),
        }
    }

    #[test]
    fn expiry_fails_expired_certificates_and_warns_about_expiring_ones() {
        let day = 86_400;
        let mut r = CheckStoreJson::new(Role::Keystore, "/ks".into());
        judge_expiry(&mut r, Some("a"), &cert(100 * day), 40, 60 * day, 30);
        assert!(!r.failed() && r.warnings.is_empty(), "40 days left, warned at 30");
        judge_expiry(&mut r, Some("a"), &cert(100 * day), 10, 90 * day, 30);
        assert!(!r.failed() && r.warnings[0].contains("in 10 days"));
        judge_expiry(&mut r, None, &cert(day), -1, 2 * day, 30);
        assert_eq!((r.verdict, r.exit), (Verdict::Expired, Exit::Tls));
        assert!(
            r.message
                .as_deref()
                .unwrap()
                .starts_with("certificate '?' (CN=a) expired on")
        );
        judge_expiry(&mut r, Some("b"), &cert(day), -1, 2 * day, 30);
        assert!(
            r.warnings[1].contains("'b'"),
            "a second expiry is a warning: {:?}",
            r.warnings
        );
    }
}
