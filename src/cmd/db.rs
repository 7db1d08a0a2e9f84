//! `db show | set | check | remove`: the enterprise database settings.

use super::{Ctx, PwSource};
use crate::args::{self, ArgError, Key};
use crate::cli::{DbAction, SetArgs};
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::{self, Diagnostic, JdbcUrl, Kind, MASK, shell};
use crate::secret::Secret;
use crate::store::{DbSettings, Settings};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The keys of `db set`, in travelerUtil's spelling.
pub const SET_KEYS: &[Key] = &[
    Key::value("url"),
    Key::value("user"),
    Key::secret("pw"),
    Key::value("path"),
    Key::value("driver"),
    Key::flag("force"),
];

/// The environment variable `db set` reads the password from (after `pw=`).
pub const PW_ENV: &str = "TRAVELERUTIL_DB_PW";

pub fn run(action: DbAction, ctx: &mut Ctx) -> Result<Exit, Failure> {
    match action {
        DbAction::Show => show(ctx),
        DbAction::Set(args) => set(ctx, &args),
        DbAction::Check(args) => super::check::run(ctx, &args),
        DbAction::Remove => remove(ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// show

#[derive(Serialize)]
struct StoreJson {
    dir: PathBuf,
    file: PathBuf,
    source: crate::location::Source,
    exists: bool,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    mode: &'static str,
    kind: Option<Kind>,
    url: Option<jdbc::model::UrlReport<'a>>,
    url_text: Option<String>,
    user: Option<&'a str>,
    password: Option<&'static str>,
    password_set: bool,
    path: Option<&'a Path>,
    driver: Option<&'a str>,
    derby: Option<PathBuf>,
    store: StoreJson,
    reproduce: Option<String>,
}

fn store_json(ctx: &Ctx) -> StoreJson {
    StoreJson {
        dir: ctx.store.dir().to_path_buf(),
        file: ctx.store.store_path(),
        source: ctx.store_source,
        exists: ctx.store.store_path().exists(),
    }
}

fn show(ctx: &Ctx) -> Result<Exit, Failure> {
    let settings = ctx.store.load()?;
    if ctx.global.json {
        return ctx
            .out(&show_json_text(ctx, settings.as_ref())?)
            .map(|()| Exit::Success);
    }
    let db = settings.as_ref().and_then(|s| s.db.as_ref());
    let analysis = db.map(|d| jdbc::parse(&d.url));
    let url = analysis.as_ref().and_then(|a| a.url.as_ref());
    let (derby, shown_url, reproduce) = show_facts(ctx, db, url);
    let mut t = String::new();
    let line = |t: &mut String, k: &str, v: &str| t.push_str(&format!("{k:<10} {v}\n"));
    match db {
        None => {
            let where_ = derby.map(|p| format!(": {}", p.display())).unwrap_or_default();
            line(&mut t, "mode:", &format!("standalone (embedded Derby{where_})"));
        }
        Some(d) => {
            let kind = url.map(|u| u.kind.product()).unwrap_or("unrecognised URL");
            line(&mut t, "mode:", &format!("enterprise ({kind})"));
            line(&mut t, "url:", shown_url.as_deref().unwrap_or_default());
            line(&mut t, "user:", d.user.as_deref().unwrap_or("(none)"));
            line(&mut t, "password:", if d.password.is_some() { MASK } else { "(none)" });
            line(
                &mut t,
                "path:",
                &d.path.as_ref().map_or("(none)".into(), |p| p.display().to_string()),
            );
            line(&mut t, "driver:", d.driver.as_deref().unwrap_or("(chosen by db check)"));
        }
    }
    let exists = if ctx.store.store_path().exists() {
        ""
    } else {
        " (not created yet)"
    };
    line(
        &mut t,
        "store:",
        &format!(
            "{}{exists} (from {})",
            ctx.store.store_path().display(),
            ctx.store_source.describe()
        ),
    );
    if let Some(r) = reproduce {
        line(&mut t, "reproduce:", &r);
    }
    ctx.out(&t)?;
    Ok(Exit::Success)
}

/// The `db show --json` document, pretty and newline-terminated, fields in their documented
/// order (also put into `log collect` bundles). The password shows only as `*****`, the URL
/// masked.
pub fn show_json_text(ctx: &Ctx, settings: Option<&Settings>) -> Result<String, Failure> {
    let db = settings.and_then(|s| s.db.as_ref());
    let analysis = db.map(|d| jdbc::parse(&d.url));
    let url = analysis.as_ref().and_then(|a| a.url.as_ref());
    let (derby, shown_url, reproduce) = show_facts(ctx, db, url);
    super::json_text(&ShowJson {
        mode: if db.is_some() { "enterprise" } else { "standalone" },
        kind: url.map(|u| u.kind),
        url: url.map(JdbcUrl::report),
        url_text: shown_url,
        user: db.and_then(|d| d.user.as_deref()),
        password: db.and_then(|d| d.password.as_ref()).map(|_| MASK),
        password_set: db.is_some_and(|d| d.password.is_some()),
        path: db.and_then(|d| d.path.as_deref()),
        driver: db.and_then(|d| d.driver.as_deref()),
        derby,
        store: store_json(ctx),
        reproduce,
    })
}

/// What `db show` derives from the settings, in text and JSON alike: the embedded Derby path,
/// the URL as shown (masked), and the command line that recreates the settings.
fn show_facts(
    ctx: &Ctx,
    db: Option<&DbSettings>,
    url: Option<&JdbcUrl>,
) -> (Option<PathBuf>, Option<String>, Option<String>) {
    let derby = ctx.global.data_dir.as_ref().map(|d| d.join("traveler").join("ntsdb"));
    let shown_url = match (db, url) {
        (Some(d), Some(u)) => Some(jdbc::mask(&d.url, u)),
        (Some(d), None) => Some(d.url.clone()),
        _ => None,
    };
    let reproduce = db.map(|d| reproduce_command(d, shown_url.as_deref().unwrap_or_default()));
    (derby, shown_url, reproduce)
}

/// A `db set` line that recreates the settings, quoted for bash and Qshell, without `pw=`.
fn reproduce_command(d: &DbSettings, shown_url: &str) -> String {
    let mut words = vec![format!("url={shown_url}")];
    if let Some(u) = &d.user {
        words.push(format!("user={u}"));
    }
    if let Some(p) = &d.path {
        words.push(format!("path={}", p.display()));
    }
    if let Some(dr) = &d.driver {
        words.push(format!("driver={dr}"));
    }
    shell::posix_command(&["travelerUtil", "db", "set"], &words)
}

// ---------------------------------------------------------------------------------------------
// set

#[derive(Serialize)]
struct SetJson<'a> {
    status: &'static str,
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

fn set(ctx: &mut Ctx, a: &SetArgs) -> Result<Exit, Failure> {
    // The shell's marks first: stray pieces of a split URL would otherwise read as unknown keys.
    let key_names: Vec<&str> = SET_KEYS.iter().map(|k| k.name).collect();
    if let Some(split) = shell::detect(&a.words, &key_names, &["pw"]) {
        report_split(ctx, &split)?;
    }
    let mut words = match args::parse(&a.words, SET_KEYS) {
        Ok(w) => {
            ctx.debug(format_args!("db set: keys given: {}", w.keys().join(", ")));
            w
        }
        Err(ArgError::Help) => return super::print_help(ctx, &["db", "set"]),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(Failure::usage(format!("db set: {e}{hint}")));
        }
    };
    // A URL given on the command line is checked before anything is locked or created, so a
    // failed command leaves no trace at all.
    let url_given = words.take("url");
    let early = match &url_given {
        Some(u) => Some(validate_url(ctx, u, a.dry_run)?),
        None => None,
    };
    let lock = ctx.store.lock()?;
    let mut settings = lock.read()?.unwrap_or_default();
    let stored = settings.db.clone();

    // URL: given, else stored (never asked again), else prompted as one raw line.
    let (mut url_text, analysis) = match (url_given, early, stored.as_ref()) {
        (Some(u), Some(a), _) => (u, a),
        (_, _, Some(s)) => (s.url.clone(), validate_url(ctx, &s.url, a.dry_run)?),
        (_, _, None) => {
            super::ensure_stdin(ctx, "url")?;
            let u = ctx.prompter.line(
                "url",
                "JDBC URL (typed as-is: `;` and blanks need no quoting here)",
                None,
            )?;
            let an = validate_url(ctx, &u, a.dry_run)?;
            (u, an)
        }
    };
    let Some(url) = analysis.url.as_ref() else {
        return Err(Failure::input("the URL could not be read; nothing was saved"));
    };
    let (url_to_store, url_password) = jdbc::lift_password(&url_text, url);
    let url_password = url_password.map(Secret::new);
    if url_password.is_some() {
        // The typed URL held the password; only the lifted copy (a Secret below) lives on.
        zeroize::Zeroize::zeroize(&mut url_text);
    }

    // User: given, else stored, else named in the URL (`user=` property, MySQL `user@`), else
    // prompted.
    let user_given = words.take("user");
    let url_user = url
        .property_value("user")
        .map(str::to_string)
        .or_else(|| url.userinfo.as_ref().map(|u| u.user.clone()))
        .filter(|u| !u.is_empty());
    let user = match (
        user_given.clone(),
        stored.as_ref().and_then(|s| s.user.clone()),
        url_user,
    ) {
        (Some(u), _, _) => Some(u),
        (None, Some(u), _) => Some(u),
        (None, None, Some(u)) => Some(u),
        (None, None, None) => {
            super::ensure_stdin(ctx, "user")?;
            let u = ctx.prompter.line("user", "Database user", None)?;
            if u.is_empty() { None } else { Some(u) }
        }
    };
    let user_changed = stored.as_ref().map(|s| s.user.as_deref()) != Some(user.as_deref());

    // Password, first found wins.
    let (password, source) = resolve_password(ctx, words.take("pw"), url_password, stored.as_ref(), user_changed)?;

    // JDBC jar: given, else stored; asked for only on a first configuration at a terminal
    // (it is optional: an empty answer means none), as the original asks for what it has not
    // found. A script piping the password in is never stopped by this optional question.
    let path_given = words.take("path");
    let path = match (&path_given, stored.as_ref()) {
        (Some(p), _) => (!p.is_empty()).then(|| absolute(p)),
        (None, Some(s)) => s.path.clone(),
        (None, None) if ctx.global.no_input || ctx.stdin_taken || !ctx.prompter.stdin_is_tty => None,
        (None, None) => {
            let p = ctx
                .prompter
                .line("path", "JDBC driver jar (path=; empty for none)", None)?;
            (!p.is_empty()).then(|| absolute(&p))
        }
    };
    if path_given.is_some()
        && let Some(p) = &path
        && !p.exists()
    {
        ctx.warn(format!(
            "path={} does not exist (yet); `db check` will verify it",
            p.display()
        ));
    }
    let driver = words
        .take("driver")
        .or_else(|| stored.as_ref().and_then(|s| s.driver.clone()));
    let force = words.flag("force");
    if source != PwSource::None && source != PwSource::Stored {
        ctx.info(format!("password: from {}", source.describe("pw", PW_ENV)));
    }

    let mut new = DbSettings {
        url: url_to_store,
        user,
        password,
        path,
        driver,
    };
    let unchanged = stored.as_ref() == Some(&new);
    if a.dry_run {
        return dry_run_output(ctx, &analysis, &new, source, unchanged);
    }
    if unchanged {
        if ctx.global.json {
            emit_set_json(ctx, "unchanged", false, &analysis, Some(&new), source)?;
        }
        ctx.info("db settings unchanged");
        return Ok(Exit::Success);
    }
    // As the original validated the settings before configuring them: a connection test
    // through ODBC whenever a driver for the database is installed. `force` skips it.
    if force {
        ctx.info("connection test: skipped (force)");
    } else if url.kind == Kind::Derby && !matches!(url.variant, jdbc::model::Variant::DerbyNetwork) {
        ctx.info("connection test: not possible for embedded Derby (no ODBC path)");
    } else {
        match super::check::probe_before_save(
            ctx,
            &new,
            settings.ssl.as_ref().and_then(|s| s.truststore.as_ref()),
            super::check::DEFAULT_TIMEOUT_SECS,
        ) {
            super::check::SetProbe::Passed(detail, driver) => {
                ctx.info(format!("connection test: PASS ({detail})"));
                // Keep the driver that proved the settings, so `db check` uses the same one
                // (and need not ask the driver manager for its whole list).
                if new.driver.is_none() && !driver.is_empty() {
                    new.driver = Some(driver);
                }
            }
            super::check::SetProbe::NoDriver(why) => {
                ctx.warn(format!("connection test skipped: {why}"));
            }
            super::check::SetProbe::Failed(f) => return Err(f),
        }
    }
    settings.db = Some(new);
    lock.write(&settings)?;
    let saved = settings.db.as_ref();
    if ctx.global.json {
        emit_set_json(ctx, "saved", false, &analysis, saved, source)?;
    }
    ctx.info(format!(
        "db settings saved to {} ({})",
        ctx.store.store_path().display(),
        url.kind.product()
    ));
    Ok(Exit::Success)
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
    let url_dropped = |ctx: &Ctx, from_url: &Option<Secret>| {
        if from_url.is_some() {
            ctx.warn("the URL's password was dropped: the password given separately is used");
        }
    };
    if let Some(g) = given {
        url_dropped(ctx, &from_url);
        let (secret, source) = super::secret_from_word(ctx, "pw", PW_ENV, g)?;
        return Ok((Some(secret), source));
    }
    if let Some(v) = super::secret_from_env(PW_ENV)? {
        url_dropped(ctx, &from_url);
        return Ok((Some(v), PwSource::Env));
    }
    if let Some(u) = from_url {
        return Ok((Some(u), PwSource::Url));
    }
    if !user_changed && let Some(p) = stored.and_then(|s| s.password.clone()) {
        return Ok((Some(p), PwSource::Stored));
    }
    super::ensure_stdin(ctx, "pw")?;
    let p = ctx.prompter.password("pw", "Database password")?;
    Ok((Some(p), PwSource::Prompt))
}

fn absolute(p: &str) -> PathBuf {
    // Not canonicalized: a jt400.jar symlink to the system's copy must stay a symlink (the
    // first seed article explains why copies go stale).
    std::path::absolute(p).unwrap_or_else(|_| PathBuf::from(p))
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
        emit_set_json(ctx, "invalid", dry_run, &analysis, None, PwSource::None)?;
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

fn report_split(ctx: &Ctx, s: &shell::ShellSplit) -> Result<(), Failure> {
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
    status: &'static str,
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
        store: store_json(ctx),
    })
}

fn dry_run_output(
    ctx: &Ctx,
    a: &jdbc::Analysis,
    new: &DbSettings,
    source: PwSource,
    unchanged: bool,
) -> Result<Exit, Failure> {
    let status = if unchanged { "unchanged" } else { "would-save" };
    if ctx.global.json {
        emit_set_json(ctx, status, true, a, Some(new), source)?;
        return Ok(Exit::Success);
    }
    let shown = a.url.as_ref().map(|u| jdbc::mask(&new.url, u)).unwrap_or_default();
    let mut t = format!(
        "dry run: {} (nothing written)\n",
        if unchanged {
            "the settings are unchanged"
        } else {
            "would store"
        }
    );
    t.push_str(&format!("{:<10} {shown}\n", "url:"));
    if let Some(u) = a.url.as_ref() {
        t.push_str(&format!("{:<10} {}\n", "database:", u.kind.product()));
    }
    t.push_str(&format!(
        "{:<10} {}\n",
        "user:",
        new.user.as_deref().unwrap_or("(none)")
    ));
    t.push_str(&format!(
        "{:<10} {}\n",
        "password:",
        if new.password.is_some() {
            format!("{MASK} (from {})", source.describe("pw", PW_ENV))
        } else {
            "(none)".into()
        }
    ));
    t.push_str(&format!(
        "{:<10} {}\n",
        "path:",
        new.path.as_ref().map_or("(none)".into(), |p| p.display().to_string())
    ));
    t.push_str(&format!(
        "{:<10} {}\n",
        "driver:",
        new.driver.as_deref().unwrap_or("(chosen by db check)")
    ));
    t.push_str(&format!("{:<10} {}\n", "store:", ctx.store.store_path().display()));
    ctx.out(&t)?;
    Ok(Exit::Success)
}

// ---------------------------------------------------------------------------------------------
// remove

#[derive(Serialize)]
struct RemoveJson {
    status: &'static str,
    removed: Option<RemovedJson>,
    store: StoreJson,
}

#[derive(Serialize)]
struct RemovedJson {
    url: String,
    user: Option<String>,
    password_set: bool,
    path: Option<PathBuf>,
    driver: Option<String>,
}

fn remove(ctx: &Ctx) -> Result<Exit, Failure> {
    // Read first without creating anything: removing from a store that does not exist is a no-op.
    if ctx.store.load()?.and_then(|s| s.db).is_none() {
        if ctx.global.json {
            ctx.json(&RemoveJson {
                status: "nothing-to-remove",
                removed: None,
                store: store_json(ctx),
            })?;
        }
        ctx.info("nothing to remove: no enterprise database is configured (standalone Derby already)");
        return Ok(Exit::Success);
    }
    super::confirm_remove(
        ctx,
        "Remove the enterprise database settings and revert to the standalone Derby database?",
        "remove the database settings",
    )?;
    let lock = ctx.store.lock()?;
    let mut settings: Settings = lock.read()?.unwrap_or_default();
    let Some(old) = settings.db.take() else {
        ctx.info("nothing to remove: the settings were removed meanwhile");
        return Ok(Exit::Success);
    };
    lock.write(&settings)?;
    let masked = {
        let a = jdbc::parse(&old.url);
        a.url.as_ref().map_or(old.url.clone(), |u| jdbc::mask(&old.url, u))
    };
    if ctx.global.json {
        ctx.json(&RemoveJson {
            status: "removed",
            removed: Some(RemovedJson {
                url: masked,
                user: old.user.clone(),
                password_set: old.password.is_some(),
                path: old.path.clone(),
                driver: old.driver.clone(),
            }),
            store: store_json(ctx),
        })?;
    } else {
        let mut t = String::from("removed:\n");
        t.push_str(&format!("  url:      {masked}\n"));
        t.push_str(&format!("  user:     {}\n", old.user.as_deref().unwrap_or("(none)")));
        t.push_str(&format!(
            "  password: {}\n",
            if old.password.is_some() { MASK } else { "(none)" }
        ));
        if let Some(p) = &old.path {
            t.push_str(&format!("  path:     {}\n", p.display()));
        }
        if let Some(d) = &old.driver {
            t.push_str(&format!("  driver:   {d}\n"));
        }
        t.push_str("mode:       standalone (embedded Derby)\n");
        ctx.out(&t)?;
    }
    Ok(Exit::Success)
}
