//! `pmr show`: the stored endpoint, the password as `*****`, the pinned host key.

use super::super::Ctx;
use super::super::persist::StoreJson;
use super::{SettingsJson, settings_json, settings_text};
use crate::error::Failure;
use crate::exit::Exit;
use crate::store::SupportSettings;
use crate::term::escape_path;
use serde::Serialize;

#[derive(Serialize)]
struct ShowJson<'a> {
    configured: bool,
    #[serde(flatten)]
    settings: SettingsJson<'a>,
    store: StoreJson,
}

pub(super) fn show(ctx: &Ctx) -> Result<Exit, Failure> {
    let support = ctx.store.load()?.and_then(|s| s.support);
    let s = support.clone().unwrap_or_default();
    if ctx.global.json {
        ctx.json(&ShowJson {
            configured: support.is_some(),
            settings: settings_json(&s),
            store: StoreJson::of(ctx),
        })?;
        return Ok(Exit::Success);
    }
    ctx.out(&show_text(ctx, &s))?;
    Ok(Exit::Success)
}

fn show_text(ctx: &Ctx, s: &SupportSettings) -> String {
    let file = ctx.store.store_path();
    let exists = if file.exists() { "" } else { " (not created yet)" };
    let mut t = settings_text(s);
    t.push_str(&format!(
        "{:<10} {}{exists} (from {})\n",
        "store:",
        escape_path(&file),
        ctx.store_source.describe()
    ));
    t
}
