//! `db set` in the three steps of every command: resolve the inputs (the words, the store read
//! without a lock, prompts), validate and probe them, then commit under the lock and render.

use super::{Lines, PW, SET_KEYS};
use crate::cli::SetArgs;
use crate::cmd::Ctx;
use crate::cmd::inputs::{self, PwSource};
use crate::cmd::persist::{SetStatus, StoreJson};
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::{self, Diagnostic, JdbcUrl, Kind, MASK, shell_split};
use crate::secret::Secret;
use crate::shell;
use crate::store::{DbSettings, Settings};
use crate::term::escape::{escape, escape_path};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct SetJson<'a> {
    status: SetStatus,
    dry_run: bool,
    url: Option<jdbc::model::UrlReport<'a>>,
    user: Option<&'a str>,
    password_set: bool,
    password_source: PwSource,
    path: Option<&'a Path>,
    driver: Option<&'a str>,
    warnings: Vec<&'a Diagnostic>,
    errors: Vec<&'a Diagnostic>,
    store: StoreJson,
}

/// The words of `db set`, still unresolved.
struct SetWords {
    url: Option<String>,
    user: Option<String>,
    pw: Option<String>,
    path: Option<String>,
    driver: Option<String>,
    force: bool,
    /// The bound of the connection test, as `db check timeout=` bounds its attempt.
    timeout_secs: u32,
}

/// What `db set` resolved: the settings to store and how they came about.
struct Resolved {
    analysis: jdbc::Analysis,
    new: DbSettings,
    source: PwSource,
    used: Used,
}

/// Which stored values `db set` kept because nothing new was given, typed or found for them:
/// the values a concurrent writer must not have changed before this command commits.
#[derive(Debug, Clone, Copy)]
struct Used {
    url: bool,
    user: bool,
    password: bool,
    path: bool,
    driver: bool,
}

impl Used {
    /// The stored values this command relied on (the others blanked; nothing stored reads as
    /// empty values, which a concurrent first configuration may then not have filled).
    fn project(self, db: Option<&DbSettings>) -> DbSettings {
        let d = db.cloned().unwrap_or_default();
        DbSettings {
            url: if self.url { d.url } else { String::new() },
            user: d.user.filter(|_| self.user),
            password: d.password.filter(|_| self.password),
            path: d.path.filter(|_| self.path),
            driver: d.driver.filter(|_| self.driver),
        }
    }
}

pub(super) fn set(ctx: &Ctx, a: &SetArgs) -> Result<Exit, Failure> {
    let Some(words) = set_words(ctx, &a.words)? else {
        return Ok(Exit::Success);
    };
    // A URL on the command line is checked before anything else, so a bad one costs nothing.
    let early = words
        .url
        .as_deref()
        .map(|u| validate_url(ctx, u, a.dry_run))
        .transpose()?;
    let read = ctx.store.load()?;
    let stored = read.as_ref().and_then(|s| s.db.as_ref());
    let (force, timeout_secs) = (words.force, words.timeout_secs);
    let mut r = resolve(ctx, words, early, stored, a.dry_run)?;
    let unchanged = stored == Some(&r.new);
    if a.dry_run {
        return dry_run_output(ctx, &r, unchanged);
    }
    if unchanged {
        if ctx.global.json {
            emit_set_json(ctx, SetStatus::Unchanged, false, &r.analysis, Some(&r.new), r.source)?;
        }
        ctx.info("db settings unchanged");
        return Ok(Exit::Success);
    }
    let truststore = read
        .as_ref()
        .and_then(|s| s.ssl.as_ref())
        .and_then(|s| s.truststore.as_ref());
    connection_test(ctx, &mut r, truststore, force, timeout_secs)?;
    let new = r.new.clone();
    let used = r.used;
    let basis = move |s: &Settings| used.project(s.db.as_ref());
    ctx.commit("db set", "database", read.as_ref(), basis, move |s| s.db = Some(new))?;
    if ctx.global.json {
        emit_set_json(ctx, SetStatus::Saved, false, &r.analysis, Some(&r.new), r.source)?;
    }
    let product = r.analysis.url.as_ref().map_or("", |u| u.kind.product());
    ctx.info(format!(
        "db settings saved to {} ({product})",
        escape_path(&ctx.store.store_path())
    ));
    Ok(Exit::Success)
}

/// The words of `db set`: the shell's marks first (stray pieces of a split URL would otherwise
/// read as unknown keys), then the keys. `None` when help was asked for and printed.
fn set_words(ctx: &Ctx, raw: &[String]) -> Result<Option<SetWords>, Failure> {
    let key_names: Vec<&str> = SET_KEYS.iter().map(|k| k.name).collect();
    if let Some(split) = shell_split::detect(raw, &key_names, &["pw"]) {
        report_split(ctx, &split)?;
    }
    let Some(mut w) = inputs::words(ctx, raw, SET_KEYS, &["db", "set"])? else {
        return Ok(None);
    };
    Ok(Some(SetWords {
        url: w.take("url"),
        user: w.take("user").map(|u| inputs::plain_value("user", u)).transpose()?,
        pw: w.take("pw"),
        path: w.take("path").map(|p| inputs::plain_value("path", p)).transpose()?,
        driver: w.take("driver").map(|d| inputs::plain_value("driver", d)).transpose()?,
        force: w.flag("force"),
        timeout_secs: crate::cmd::check::timeout_secs(w.take("timeout").as_deref())?,
    }))
}

/// Every input of `db set`, from the words, the stored settings and prompts; nothing is locked.
fn resolve(
    ctx: &Ctx,
    w: SetWords,
    early: Option<jdbc::Analysis>,
    stored: Option<&DbSettings>,
    dry_run: bool,
) -> Result<Resolved, Failure> {
    let kept = |given: &Option<String>| given.is_none() && stored.is_some();
    let mut used = Used {
        url: kept(&w.url),
        user: w.user.is_none() && stored.is_some_and(|s| s.user.is_some()),
        password: false,
        path: kept(&w.path),
        driver: kept(&w.driver),
    };
    let (url_text, analysis) = resolve_url(ctx, w.url, early, stored, dry_run)?;
    let Some(url) = analysis.url.as_ref() else {
        return Err(Failure::input("the URL could not be read; nothing was saved"));
    };
    let (url_to_store, url_password) = jdbc::lift_password(&url_text, url);
    let url_password = url_password.map(Secret::new);
    // The typed URL may hold the password; only the lifted copy (a Secret) lives on.
    drop(zeroize::Zeroizing::new(url_text));
    let user = resolve_user(ctx, w.user, stored, url)?;
    let user_changed = stored.map(|s| s.user.as_deref()) != Some(user.as_deref());
    let (password, source) = resolve_password(ctx, w.pw, url_password, stored, user_changed)?;
    used.password = source == PwSource::Stored;
    let path = resolve_path(ctx, w.path, stored)?;
    let driver = w.driver.or_else(|| stored.and_then(|s| s.driver.clone()));
    if !matches!(source, PwSource::None | PwSource::Stored) {
        ctx.info(format!("password: from {}", PW.describe(source)));
    }
    let new = DbSettings {
        url: url_to_store,
        user,
        password,
        path,
        driver,
    };
    Ok(Resolved {
        analysis,
        new,
        source,
        used,
    })
}

/// The URL: given (and already checked), else stored (never asked again), else prompted as one
/// raw line, where `;` and blanks need no quoting.
fn resolve_url(
    ctx: &Ctx,
    given: Option<String>,
    early: Option<jdbc::Analysis>,
    stored: Option<&DbSettings>,
    dry_run: bool,
) -> Result<(String, jdbc::Analysis), Failure> {
    if let (Some(u), Some(a)) = (given, early) {
        return Ok((u, a));
    }
    if let Some(s) = stored {
        return Ok((s.url.clone(), validate_url(ctx, &s.url, dry_run)?));
    }
    inputs::ensure_stdin(ctx, "url")?;
    let u = ctx.prompter.line(
        "url",
        "JDBC URL (typed as-is: `;` and blanks need no quoting here)",
        None,
    )?;
    let a = validate_url(ctx, &u, dry_run)?;
    Ok((u, a))
}

/// The user: given, else stored, else named in the URL (`user=` property, MySQL `user@`), else
/// prompted (empty means none).
fn resolve_user(
    ctx: &Ctx,
    given: Option<String>,
    stored: Option<&DbSettings>,
    url: &JdbcUrl,
) -> Result<Option<String>, Failure> {
    if let Some(u) = given.or_else(|| stored.and_then(|s| s.user.clone())) {
        return Ok(Some(u));
    }
    let in_url = url
        .property_value("user")
        .map(str::to_string)
        .or_else(|| url.userinfo.as_ref().map(|u| u.user.clone()))
        .filter(|u| !u.is_empty());
    if let Some(u) = in_url {
        return inputs::plain_value("user", u).map(Some);
    }
    inputs::ensure_stdin(ctx, "user")?;
    let u = inputs::plain_value("user", ctx.prompter.line("user", "Database user", None)?)?;
    Ok((!u.is_empty()).then_some(u))
}

/// `pw=` (argv or `-` for stdin) > TRAVELERUTIL_DB_PW > the URL's own password > the stored
/// password when the user is unchanged > the prompt.
fn resolve_password(
    ctx: &Ctx,
    given: Option<String>,
    from_url: Option<Secret>,
    stored: Option<&DbSettings>,
    user_changed: bool,
) -> Result<(Option<Secret>, PwSource), Failure> {
    if let Some((secret, source)) = inputs::given_secret(ctx, &PW, given)? {
        if from_url.is_some() {
            ctx.warn("the URL's password was dropped: the password given separately is used");
        }
        return Ok((Some(secret), source));
    }
    if let Some(u) = from_url {
        return Ok((Some(u), PwSource::Url));
    }
    let keep = stored.filter(|_| !user_changed).and_then(|s| s.password.as_ref());
    let (secret, source) = inputs::stored_or_prompt(ctx, &PW, keep)?;
    Ok((Some(secret), source))
}

/// The JDBC jar: given (empty means none), else stored; asked for only on a first configuration
/// at a terminal (it is optional), as the original asks for what it has not found. A script
/// piping the password in is never stopped by this optional question.
fn resolve_path(ctx: &Ctx, given: Option<String>, stored: Option<&DbSettings>) -> Result<Option<PathBuf>, Failure> {
    let path = match (given, stored) {
        (Some(p), _) => {
            let p = (!p.is_empty()).then(|| inputs::absolute(&p));
            if let Some(p) = p.as_ref().filter(|p| !p.exists()) {
                ctx.warn(format!(
                    "path={} does not exist (yet); `db check` will verify it",
                    escape_path(p)
                ));
            }
            p
        }
        (None, Some(s)) => s.path.clone(),
        (None, None) if ctx.global.no_input || ctx.stdin_taken || !ctx.prompter.stdin_is_tty => None,
        (None, None) => {
            let p = ctx
                .prompter
                .line("path", "JDBC driver jar (path=; empty for none)", None)?;
            let p = inputs::plain_value("path", p)?;
            (!p.is_empty()).then(|| inputs::absolute(&p))
        }
    };
    Ok(path)
}

/// As the original validated the settings before configuring them: a connection test through
/// ODBC whenever a driver for the database is installed. `force` skips it. A passing test
/// records the driver that proved the settings, so `db check` uses the same one. `timeout_secs`
/// bounds the test as `db check timeout=` bounds a check.
fn connection_test(
    ctx: &Ctx,
    r: &mut Resolved,
    truststore: Option<&crate::store::StoreFile>,
    force: bool,
    timeout_secs: u32,
) -> Result<(), Failure> {
    let Some(url) = r.analysis.url.as_ref() else {
        return Ok(());
    };
    if force {
        ctx.info("connection test: skipped (force)");
        return Ok(());
    }
    if url.kind == Kind::Derby && !matches!(url.variant, jdbc::model::Variant::DerbyNetwork) {
        ctx.info("connection test: not possible for embedded Derby (no ODBC path)");
        return Ok(());
    }
    match crate::cmd::check::probe_before_save(ctx, &r.new, truststore, timeout_secs) {
        crate::cmd::check::SetProbe::Passed(detail, driver) => {
            ctx.info(format!("connection test: PASS ({detail})"));
            if r.new.driver.is_none() && !driver.is_empty() {
                r.new.driver = Some(driver);
            }
            Ok(())
        }
        crate::cmd::check::SetProbe::NoDriver(why) => {
            ctx.warn(format!("connection test skipped: {why}"));
            Ok(())
        }
        crate::cmd::check::SetProbe::Failed(f) => Err(f),
    }
}

/// Parses the URL, prints its diagnostics (stderr), and fails when it has errors.
fn validate_url(ctx: &Ctx, url_text: &str, dry_run: bool) -> Result<jdbc::Analysis, Failure> {
    let analysis = jdbc::parse(url_text);
    if analysis.has_errors() || !ctx.global.json {
        print_diagnostics(ctx, url_text, &analysis);
    }
    if !analysis.has_errors() {
        return Ok(analysis);
    }
    if ctx.global.json {
        emit_set_json(ctx, SetStatus::Invalid, dry_run, &analysis, None, PwSource::None)?;
    }
    let n = analysis.errors().count();
    let mut f = Failure::input(format!(
        "the URL has {n} error{}; nothing was saved",
        if n == 1 { "" } else { "s" }
    ));
    f.summary_only = true;
    Err(f)
}

fn print_diagnostics(ctx: &Ctx, url: &str, a: &jdbc::Analysis) {
    if ctx.global.quiet && !a.has_errors() {
        return;
    }
    let masks = a.url.as_ref().map(JdbcUrl::secret_spans).unwrap_or_default();
    // With -q only the errors; the warnings stay available through --json.
    let shown: Vec<Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.is_error() || !ctx.global.quiet)
        .cloned()
        .collect();
    if !shown.is_empty() {
        eprintln!("{}", jdbc::diag::render_all(url, &masks, &shown, ctx.style));
    }
}

fn report_split(ctx: &Ctx, s: &shell_split::ShellSplit) -> Result<(), Failure> {
    let prefix = ["travelerUtil", "db", "set"];
    let mut msg = format!(
        "{}[{}]: {}\n",
        if s.is_error { "error" } else { "warning" },
        s.code,
        s.message
    );
    if let Some(u) = &s.url
        && s.code == jdbc::Code::ShellSplitUrl
    {
        msg.push_str(&format!("  the URL was probably: {u}\n"));
    }
    msg.push_str(&format!(
        "  bash, sh and Qshell:  {}\n  CL:                   {}\n  or leave out url= and type the URL at the prompt, where nothing needs quoting",
        shell::posix_command(&prefix, &s.fixed_words),
        shell::cl_command(&prefix, &s.fixed_words),
    ));
    let msg = crate::term::escape::escape_lines(&msg);
    if s.is_error {
        eprintln!("{msg}");
        let mut f = Failure::input("the command line was split by the shell; nothing was saved");
        f.summary_only = true;
        return Err(f);
    }
    if !ctx.global.quiet {
        eprintln!("{msg}");
    }
    Ok(())
}

fn emit_set_json(
    ctx: &Ctx,
    status: SetStatus,
    dry_run: bool,
    a: &jdbc::Analysis,
    new: Option<&DbSettings>,
    source: PwSource,
) -> Result<(), Failure> {
    ctx.json(&SetJson {
        status,
        dry_run,
        url: a.valid().map(JdbcUrl::report),
        user: new.and_then(|n| n.user.as_deref()),
        password_set: new.is_some_and(|n| n.password.is_some()),
        password_source: source,
        path: new.and_then(|n| n.path.as_deref()),
        driver: new.and_then(|n| n.driver.as_deref()),
        warnings: a.warnings().collect(),
        errors: a.errors().collect(),
        store: StoreJson::of(ctx),
    })
}

fn dry_run_output(ctx: &Ctx, r: &Resolved, unchanged: bool) -> Result<Exit, Failure> {
    let status = if unchanged {
        SetStatus::Unchanged
    } else {
        SetStatus::WouldSave
    };
    if ctx.global.json {
        emit_set_json(ctx, status, true, &r.analysis, Some(&r.new), r.source)?;
        return Ok(Exit::Success);
    }
    let new = &r.new;
    let shown = r
        .analysis
        .url
        .as_ref()
        .map(|u| jdbc::mask(&new.url, u))
        .unwrap_or_default();
    let what = if unchanged {
        "the settings are unchanged"
    } else {
        "would store"
    };
    let mut t = Lines(format!("dry run: {what} (nothing written)\n"));
    t.line("url:", &escape(&shown));
    if let Some(u) = r.analysis.url.as_ref() {
        t.line("database:", u.kind.product());
    }
    t.line("user:", &new.user.as_deref().map_or("(none)".into(), escape));
    let pw = match new.password {
        Some(_) => format!("{MASK} (from {})", PW.describe(r.source)),
        None => "(none)".into(),
    };
    t.line("password:", &pw);
    t.line("path:", &new.path.as_deref().map_or("(none)".into(), escape_path));
    t.line(
        "driver:",
        &new.driver.as_deref().map_or("(chosen by db check)".into(), escape),
    );
    t.line("store:", &escape_path(&ctx.store.store_path()));
    ctx.out(&t.0)?;
    Ok(Exit::Success)
}
