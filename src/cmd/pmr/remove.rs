//! `pmr remove`: everything stored for support uploads, after the shared confirmation (asked
//! without the lock).

use super::super::Ctx;
use super::super::persist::{Ask, RemoveStatus, StoreJson};
use super::{SettingsJson, settings_json, settings_text};
use crate::error::Failure;
use crate::exit::Exit;
use crate::store::Settings;
use serde::Serialize;

#[derive(Serialize)]
struct RemoveJson<'a> {
    status: RemoveStatus,
    removed: Option<SettingsJson<'a>>,
    store: StoreJson,
}

pub(super) fn remove(ctx: &Ctx, name: &str) -> Result<Exit, Failure> {
    let what = format!("remove the {name} settings");
    let ask = Ask {
        question: "Remove the stored support upload settings (endpoint, credentials, pinned host key)?",
        what: &what,
    };
    let basis = |s: &Settings| s.support.clone();
    let holder = format!("{name} remove");
    let old = ctx.remove(&holder, "support upload", &ask, basis, |s| s.support.take())?;
    if ctx.global.json {
        ctx.json(&RemoveJson {
            status: if old.is_some() {
                RemoveStatus::Removed
            } else {
                RemoveStatus::NothingToRemove
            },
            removed: old.as_ref().map(settings_json),
            store: StoreJson::of(ctx),
        })?;
    }
    match old {
        None => ctx.info(format!("nothing to remove: no {name} settings are stored")),
        Some(_) if ctx.global.json => {}
        Some(old) => {
            let mut t = String::from("removed:\n");
            for l in settings_text(&old).lines() {
                t.push_str(&format!("  {l}\n"));
            }
            ctx.out(&t)?;
        }
    }
    Ok(Exit::Success)
}
