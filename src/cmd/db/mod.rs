//! `db show | set | check | remove`: the enterprise database settings (`set` in [`set`],
//! `check` in `cmd::check`).

use super::Ctx;
use super::inputs::SecretSpec;
use super::persist::{Ask, RemoveStatus, StoreJson};
use crate::args::Key;
use crate::cli::DbAction;
use crate::error::Failure;
use crate::exit::Exit;
use crate::jdbc::{self, JdbcUrl, Kind, MASK};
use crate::secret::Secret;
use crate::shell;
use crate::store::{DbSettings, Settings};
use crate::term::escape::{escape, escape_path};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The keys of `db set`, in travelerUtil's spelling.
pub const SET_KEYS: &[Key] = &[
    Key::value("url"),
    Key::value("user"),
    Key::secret("pw"),
    Key::value("path"),
    Key::value("driver"),
    Key::value("timeout"),
    Key::flag("force"),
];

/// The environment variable `db set` reads the password from (after `pw=`).
pub const PW_ENV: &str = "TRAVELERUTIL_DB_PW";

const PW: SecretSpec<'static> = SecretSpec {
    key: "pw",
    env: PW_ENV,
    question: "Database password",
};

mod set;

pub fn run(action: DbAction, ctx: &mut Ctx) -> Result<Exit, Failure> {
    match action {
        DbAction::Show => show(ctx),
        DbAction::Set(args) => set::set(ctx, &args),
        DbAction::Check(args) => super::check::run(ctx, &args),
        DbAction::Remove => remove(ctx),
    }
}

// ---------------------------------------------------------------------------------------------
// show

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

/// What `db show` derives from the settings, once for text and JSON alike.
struct ShowFacts {
    /// The URL parsed, with every value equal to the stored password marked secret.
    url: Option<JdbcUrl>,
    /// The URL as shown: secrets masked.
    shown_url: Option<String>,
    /// The embedded Derby database, when the data directory is known.
    derby: Option<PathBuf>,
    /// A `db set` line that recreates the settings (no `pw=`).
    reproduce: Option<String>,
}

impl ShowFacts {
    fn of(ctx: &Ctx, db: Option<&DbSettings>) -> ShowFacts {
        let url = db.and_then(|d| {
            let mut u = jdbc::parse(&d.url).url?;
            u.mark_known_secrets(&d.password.iter().map(Secret::expose).collect::<Vec<_>>());
            Some(u)
        });
        let shown_url = db.map(|d| {
            url.as_ref()
                .map_or_else(|| jdbc::mask_any(&d.url), |u| jdbc::mask(&d.url, u))
        });
        let reproduce = db.map(|d| reproduce_command(d, shown_url.as_deref().unwrap_or_default()));
        ShowFacts {
            url,
            shown_url,
            derby: ctx.global.data_dir.as_ref().map(|d| d.join("traveler").join("ntsdb")),
            reproduce,
        }
    }
}

fn show(ctx: &Ctx) -> Result<Exit, Failure> {
    let settings = ctx.store.load()?;
    if ctx.global.json {
        ctx.out(&show_json_text(ctx, settings.as_ref())?)?;
    } else {
        ctx.out(&show_text(ctx, settings.as_ref().and_then(|s| s.db.as_ref())))?;
    }
    Ok(Exit::Success)
}

fn show_text(ctx: &Ctx, db: Option<&DbSettings>) -> String {
    let facts = ShowFacts::of(ctx, db);
    let mut t = Lines::default();
    match db {
        None => {
            let at = facts
                .derby
                .map(|p| format!(": {}", escape_path(&p)))
                .unwrap_or_default();
            t.line("mode:", &format!("standalone (embedded Derby{at})"));
        }
        Some(d) => {
            let kind = facts.url.as_ref().map_or("unrecognised URL", |u| u.kind.product());
            t.line("mode:", &format!("enterprise ({kind})"));
            t.line("url:", &escape(facts.shown_url.as_deref().unwrap_or_default()));
            t.line("user:", &d.user.as_deref().map_or("(none)".into(), escape));
            t.line("password:", if d.password.is_some() { MASK } else { "(none)" });
            t.line("path:", &d.path.as_deref().map_or("(none)".into(), escape_path));
            t.line(
                "driver:",
                &d.driver.as_deref().map_or("(chosen by db check)".into(), escape),
            );
        }
    }
    let exists = if ctx.store.store_path().exists() {
        ""
    } else {
        " (not created yet)"
    };
    t.line(
        "store:",
        &format!(
            "{}{exists} (from {})",
            escape_path(&ctx.store.store_path()),
            ctx.store_source.describe()
        ),
    );
    if let Some(r) = facts.reproduce {
        t.line("reproduce:", &escape(&r));
    }
    t.0
}

/// `key: value` lines with the values in one column.
#[derive(Default)]
struct Lines(String);

impl Lines {
    fn line(&mut self, key: &str, value: &str) {
        self.0.push_str(&format!("{key:<10} {value}\n"));
    }
}

/// The `db show --json` document, pretty and newline-terminated, fields in their documented
/// order (also put into `log collect` bundles). The password shows only as `*****`, the URL
/// masked.
pub fn show_json_text(ctx: &Ctx, settings: Option<&Settings>) -> Result<String, Failure> {
    let db = settings.and_then(|s| s.db.as_ref());
    let facts = ShowFacts::of(ctx, db);
    super::json_text(&ShowJson {
        mode: if db.is_some() { "enterprise" } else { "standalone" },
        kind: facts.url.as_ref().map(|u| u.kind),
        url: facts.url.as_ref().map(JdbcUrl::report),
        url_text: facts.shown_url.clone(),
        user: db.and_then(|d| d.user.as_deref()),
        password: db.and_then(|d| d.password.as_ref()).map(|_| MASK),
        password_set: db.is_some_and(|d| d.password.is_some()),
        path: db.and_then(|d| d.path.as_deref()),
        driver: db.and_then(|d| d.driver.as_deref()),
        derby: facts.derby.clone(),
        store: StoreJson::of(ctx),
        reproduce: facts.reproduce.clone(),
    })
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
// remove

#[derive(Serialize)]
struct RemoveJson {
    status: RemoveStatus,
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
    let ask = Ask {
        question: "Remove the enterprise database settings and revert to the standalone Derby database?",
        what: "remove the database settings",
    };
    let basis = |s: &Settings| s.db.clone();
    let Some(old) = ctx.remove("db remove", "database", &ask, basis, |s| s.db.take())? else {
        if ctx.global.json {
            ctx.json(&RemoveJson {
                status: RemoveStatus::NothingToRemove,
                removed: None,
                store: StoreJson::of(ctx),
            })?;
        }
        ctx.info("nothing to remove: no enterprise database is configured (standalone Derby already)");
        return Ok(Exit::Success);
    };
    let masked = ShowFacts::of(ctx, Some(&old)).shown_url.unwrap_or_default();
    if ctx.global.json {
        return ctx
            .json(&RemoveJson {
                status: RemoveStatus::Removed,
                removed: Some(RemovedJson {
                    url: masked,
                    user: old.user.clone(),
                    password_set: old.password.is_some(),
                    path: old.path.clone(),
                    driver: old.driver.clone(),
                }),
                store: StoreJson::of(ctx),
            })
            .map(|()| Exit::Success);
    }
    let mut t = String::from("removed:\n");
    t.push_str(&format!("  url:      {}\n", escape(&masked)));
    t.push_str(&format!(
        "  user:     {}\n",
        old.user.as_deref().map_or("(none)".into(), escape)
    ));
    t.push_str(&format!(
        "  password: {}\n",
        if old.password.is_some() { MASK } else { "(none)" }
    ));
    if let Some(p) = &old.path {
        t.push_str(&format!("  path:     {}\n", escape_path(p)));
    }
    if let Some(d) = &old.driver {
        t.push_str(&format!("  driver:   {}\n", escape(d)));
    }
    t.push_str("mode:       standalone (embedded Derby)\n");
    ctx.out(&t)?;
    Ok(Exit::Success)
}
