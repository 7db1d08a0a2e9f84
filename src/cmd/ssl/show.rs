//! `ssl show`: the stored files, their passwords as `*****`, and whether each file changed or
//! vanished since `ssl set`.

use super::super::Ctx;
use super::file::{self, FileState};
use super::{Role, json_name};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::MASK;
use crate::shell;
use crate::store::{Settings, SslSettings, StoreFile};
use crate::term::{escape, escape_path};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct ShowStoreJson<'a> {
    role: Role,
    path: &'a Path,
    #[serde(rename = "type")]
    store_type: &'a str,
    password: Option<&'static str>,
    key_passwords: Vec<&'a str>,
    /// Compared with the file at `ssl set`.
    file: FileState,
    detail: Option<&'a str>,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    keystore: Option<ShowStoreJson<'a>>,
    truststore: Option<ShowStoreJson<'a>>,
    store: PathBuf,
    reproduce: Option<String>,
}

/// One stored file with its state now.
struct Shown<'a> {
    role: Role,
    file: &'a StoreFile,
    state: FileState,
    detail: Option<String>,
}

/// Each stored file, by [`Role`] index, with its state against the stamp taken at `ssl set`.
fn shown(ssl: Option<&SslSettings>) -> [Option<Shown<'_>>; 2] {
    Role::BOTH.map(|role| {
        ssl.and_then(|s| role.slot(s)).map(|f| {
            let (state, detail) = file::state(f);
            Shown {
                role,
                file: f,
                state,
                detail,
            }
        })
    })
}

fn show_json<'a>(ctx: &Ctx, ssl: Option<&SslSettings>, shown: &'a [Option<Shown<'a>>; 2]) -> ShowJson<'a> {
    let json = |s: &'a Option<Shown<'a>>| {
        s.as_ref().map(|s| ShowStoreJson {
            role: s.role,
            path: &s.file.path,
            store_type: &s.file.store_type,
            password: s.file.password.as_ref().map(|_| MASK),
            key_passwords: s.file.key_passwords.keys().map(String::as_str).collect(),
            file: s.state,
            detail: s.detail.as_deref(),
        })
    };
    ShowJson {
        keystore: json(&shown[0]),
        truststore: json(&shown[1]),
        store: ctx.store.store_path(),
        reproduce: reproduce_command(ssl),
    }
}

/// `ssl show --json` as text, for the support bundle (`log collect`): passwords masked.
pub fn show_json_text(ctx: &Ctx, settings: Option<&Settings>) -> Result<String, Failure> {
    let ssl = settings.and_then(|s| s.ssl.as_ref());
    super::super::json_text(&show_json(ctx, ssl, &shown(ssl)))
}

pub(super) fn show(ctx: &Ctx) -> Result<Exit, Failure> {
    let settings = ctx.store.load()?;
    let ssl = settings.as_ref().and_then(|s| s.ssl.as_ref());
    let shown = shown(ssl);
    if ctx.global.json {
        return ctx.json(&show_json(ctx, ssl, &shown)).map(|()| Exit::Success);
    }
    ctx.out(&show_text(ctx, ssl, &shown))?;
    // A vanished or changed file is worth a warning (stderr), but `show` itself succeeded.
    for s in shown.iter().flatten().filter(|s| s.state != FileState::Unchanged) {
        ctx.warn(format!(
            "the {} {} is {} since `ssl set`",
            s.role.name(),
            escape_path(&s.file.path),
            json_name(&s.state)
        ));
    }
    Ok(Exit::Success)
}

fn show_text(ctx: &Ctx, ssl: Option<&SslSettings>, shown: &[Option<Shown<'_>>; 2]) -> String {
    let mut t = String::new();
    for (role, s) in Role::BOTH.iter().zip(shown) {
        let label = format!("{}:", role.name());
        let Some(s) = s else {
            t.push_str(&format!("{label:<12} (not set)\n"));
            continue;
        };
        let f = s.file;
        t.push_str(&format!(
            "{label:<12} {} ({})\n",
            escape_path(&f.path),
            escape(&f.store_type)
        ));
        t.push_str(&format!(
            "  password:  {}\n",
            if f.password.is_some() { MASK } else { "(none)" }
        ));
        for alias in f.key_passwords.keys() {
            t.push_str(&format!(
                "  key '{}': {MASK} (differs from the keystore password)\n",
                escape(alias)
            ));
        }
        let note = match (s.state, &s.detail) {
            (FileState::Unchanged, _) => "unchanged since `ssl set`".to_owned(),
            (st, Some(d)) => format!("{}: {}", json_name(&st).to_ascii_uppercase(), escape(d)),
            (st, None) => json_name(&st),
        };
        t.push_str(&format!("  file:      {note}\n"));
    }
    t.push_str(&format!("{:<12} {}\n", "store:", escape_path(&ctx.store.store_path())));
    if let Some(r) = reproduce_command(ssl) {
        t.push_str(&format!("{:<12} {}\n", "reproduce:", escape(&r)));
    }
    t
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
