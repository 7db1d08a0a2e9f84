//! `ssl remove [keystore|truststore]`: the shared remove flow (confirmation without the lock).

use super::super::Ctx;
use super::super::inputs;
use super::super::persist::{Ask, RemoveStatus};
use super::Role;
use crate::args::Key;
use crate::cli::ssl::SslRemoveArgs;
use crate::error::Failure;
use crate::exit::Exit;
use crate::store::{Settings, SslSettings};
use serde::Serialize;
use std::path::PathBuf;

const REMOVE_KEYS: &[Key] = &[Key::flag("keystore"), Key::flag("truststore")];

#[derive(Serialize)]
struct RemoveJson {
    status: RemoveStatus,
    removed: Vec<Role>,
    store: PathBuf,
}

pub(super) fn remove(ctx: &Ctx, a: &SslRemoveArgs) -> Result<Exit, Failure> {
    let Some(words) = inputs::words(ctx, &a.words, REMOVE_KEYS, &["ssl", "remove"])? else {
        return Ok(Exit::Success);
    };
    let which = which(words.flag("keystore"), words.flag("truststore"));
    let names: Vec<&str> = which.iter().map(|r| r.name()).collect();
    let question = format!("Remove the stored {} settings?", names.join(" and "));
    let ask = Ask {
        question: &question,
        what: "remove the ssl settings",
    };
    let basis = |s: &Settings| s.ssl.clone();
    let removed = ctx.remove("ssl remove", "TLS store", &ask, basis, |s| take(s, &which))?;
    let status = match removed {
        Some(_) => RemoveStatus::Removed,
        None => RemoveStatus::NothingToRemove,
    };
    let removed = removed.unwrap_or_default();
    if ctx.global.json {
        ctx.json(&RemoveJson {
            status,
            removed: removed.clone(),
            store: ctx.store.store_path(),
        })?;
    }
    match status {
        RemoveStatus::NothingToRemove => ctx.info("nothing to remove: no such ssl settings are stored"),
        RemoveStatus::Removed if !ctx.global.json => {
            let names: Vec<&str> = removed.iter().map(|r| r.name()).collect();
            ctx.out(&format!("removed: {}\n", names.join(", ")))?;
        }
        RemoveStatus::Removed => {}
    }
    Ok(Exit::Success)
}

/// `keystore` or `truststore` alone removes that one; neither or both remove both.
fn which(keystore: bool, truststore: bool) -> Vec<Role> {
    match (keystore, truststore) {
        (false, false) | (true, true) => Role::BOTH.to_vec(),
        (true, false) => vec![Role::Keystore],
        (false, true) => vec![Role::Truststore],
    }
}

/// Takes the chosen stores out of the settings (and the section, once empty); `None` when none
/// of them is stored.
fn take(s: &mut Settings, which: &[Role]) -> Option<Vec<Role>> {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreFile;

    #[test]
    fn removing_the_last_store_removes_the_section() {
        let mut s = Settings {
            ssl: Some(SslSettings {
                keystore: Some(StoreFile::default()),
                truststore: None,
            }),
            ..Settings::default()
        };
        assert_eq!(take(&mut s, &which(false, true)), None, "no truststore stored");
        assert!(s.ssl.is_some());
        assert_eq!(take(&mut s, &which(false, false)), Some(vec![Role::Keystore]));
        assert!(s.ssl.is_none());
    }
}
