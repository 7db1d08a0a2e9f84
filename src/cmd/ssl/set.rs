//! `ssl set`: verify the passwords against their files, then store them. Nothing is saved unless
//! every given password verifies; nothing is locked until everything is verified.

use super::super::Ctx;
use super::super::inputs::{self, PwSource};
use super::super::persist::SetStatus;
use super::file;
use super::keys::{self, KeyInputs, KeyPassword};
use super::{KEY_PW_ENV, Role, StoreWords};
use crate::args::Key;
use crate::cli::ssl::SslSetArgs;
use crate::error::{Failure, HasExit};
use crate::exit::Exit;
use crate::keystore::{self, Limits, Verified};
use crate::secret::{MASK, Secret};
use crate::store::{Settings, SslSettings, StoreFile};
use crate::term::{escape, escape_path};
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
    status: KeyPassword,
    detail: Option<String>,
}

#[derive(Serialize)]
struct SetJson {
    status: SetStatus,
    dry_run: bool,
    verified: Vec<SetStoreJson>,
    store: PathBuf,
}

/// One file this command verifies: its path, its password word, and what is stored for the
/// same file (its passwords are reused only for the same path).
struct Target {
    role: Role,
    path: PathBuf,
    pw: Option<String>,
    same: Option<StoreFile>,
}

pub(super) fn set(ctx: &Ctx, a: &SslSetArgs) -> Result<Exit, Failure> {
    let Some(mut words) = inputs::words(ctx, &a.words, SET_KEYS, &["ssl", "set"])? else {
        return Ok(Exit::Success);
    };
    let mut given = StoreWords::take(&mut words)?;
    let read = ctx.store.load()?;
    let current = read.as_ref().and_then(|s| s.ssl.clone());
    let stored = current.clone().unwrap_or_default();
    if given.is_empty() {
        prompt_paths(ctx, &stored, &mut given)?;
    }
    let keypw = given.keypw.take();
    let mut new = stored.clone();
    let mut verified = Vec::new();
    for t in targets(given, &stored)? {
        let role = t.role;
        let (file, json) = verify(ctx, t, keypw.clone(), a.key_passwords)?;
        *role.slot_mut(&mut new) = Some(file);
        verified.push(json);
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
    render(ctx, status, a.dry_run, verified)
}

/// With nothing given at all, the paths are asked for (a first configuration at a terminal, as
/// the original asks); a script gets a usage error instead.
fn prompt_paths(ctx: &Ctx, stored: &SslSettings, given: &mut StoreWords) -> Result<(), Failure> {
    if ctx.global.no_input || ctx.stdin_taken || !ctx.prompter.stdin_is_tty {
        return Err(Failure::usage(
            "ssl set: nothing to set: give keystore=PATH and/or truststore=PATH (with keystorepw= / truststorepw=)",
        ));
    }
    for role in Role::BOTH {
        let current = role.slot(stored).map(|f| escape_path(&f.path));
        let question = format!("{} file (path; empty to leave unchanged)", role.name());
        let p = ctx.prompter.line(role.name(), &question, current.as_deref())?;
        let p = inputs::plain_value(role.name(), p)?;
        if !p.is_empty() {
            given.paths[role.index()] = Some(inputs::absolute(&p));
        }
    }
    Ok(())
}

/// Which files this command verifies: those given a path, and the stored ones given a new
/// password (or, for the keystore, a key password). A password for a store that is neither
/// given nor stored is a usage error.
fn targets(given: StoreWords, stored: &SslSettings) -> Result<Vec<Target>, Failure> {
    let StoreWords { paths, pws, keypw } = given;
    let mut out = Vec::new();
    for ((role, path), pw) in Role::BOTH.into_iter().zip(paths).zip(pws) {
        let old = role.slot(stored);
        let rotates = pw.is_some() || (role == Role::Keystore && keypw.is_some());
        let path = match (path, old) {
            (Some(p), _) => p,
            (None, Some(o)) if rotates => o.path.clone(),
            (None, None) if pw.is_some() => {
                return Err(Failure::usage(format!(
                    "ssl set: {}= is given but no {} is stored: give {}=PATH too",
                    role.secret("").key,
                    role.name(),
                    role.name()
                )));
            }
            (None, _) => continue,
        };
        let same = old.filter(|o| o.path == path).cloned();
        out.push(Target { role, path, pw, same });
    }
    Ok(out)
}

/// Reads one file, resolves its password, verifies it (and the keystore's private keys), and
/// returns what to store with its report.
fn verify(
    ctx: &Ctx,
    t: Target,
    keypw: Option<String>,
    prompt_keys: bool,
) -> Result<(StoreFile, SetStoreJson), Failure> {
    let Target { role, path, pw, same } = t;
    let file = file::read(&path).map_err(|e| e.failure(role, &path))?;
    let stored_pw = same.as_ref().and_then(|o| o.password.as_ref());
    let (pw, source) = super::store_password(ctx, role, &path, pw, stored_pw)?;
    let verified = keystore::verify(&file.bytes, pw.expose(), &Limits::default())
        .map_err(|e| file::keystore_failure(role, &path, &e))?;
    ctx.info(format!(
        "{} {}: {} password OK ({}, from {})",
        role.name(),
        escape_path(&path),
        verified.store_type.name(),
        verified.integrity.algorithm,
        role.secret("").describe(source)
    ));
    let (key_json, differing) = match role {
        Role::Keystore => {
            let keypw = super::key_password(ctx, keypw)?;
            let stored_keys = same.map(|o| o.key_passwords).unwrap_or_default();
            let inputs = KeyInputs {
                store_pw: &pw,
                keypw: keypw.as_ref(),
                stored: &stored_keys,
                prompt_each: prompt_keys,
            };
            key_passwords(ctx, &file.bytes, &verified, &inputs, &path)?
        }
        Role::Truststore => {
            warn_untrusting(ctx, &verified, &path);
            (Vec::new(), BTreeMap::new())
        }
    };
    let json = SetStoreJson {
        role,
        path: path.clone(),
        store_type: verified.store_type.name(),
        integrity: verified.integrity.clone(),
        password: MASK,
        password_source: source,
        key_passwords: key_json,
        entries: verified.entries.len(),
    };
    let stored = StoreFile {
        path,
        password: Some(pw),
        key_passwords: differing,
        store_type: verified.store_type.name().to_owned(),
        size: file.stamp.size,
        mtime: file.stamp.mtime,
        sha256: file.stamp.sha256,
    };
    Ok((stored, json))
}

/// A truststore without a trusted certificate verifies, but `ssl check` will fail on it.
fn warn_untrusting(ctx: &Ctx, verified: &Verified, path: &Path) {
    if keystore::pem::trusted_certificates(verified).is_empty() && !verified.partial {
        ctx.warn(format!(
            "truststore {} holds no trusted certificate; `ssl check` will fail until one is imported (keytool -importcert)",
            escape_path(path)
        ));
    }
}

/// The keystore's private keys: each must open (a key this tool cannot decrypt is only warned
/// about), else nothing is saved and the fix is named.
fn key_passwords(
    ctx: &Ctx,
    bytes: &[u8],
    verified: &Verified,
    k: &KeyInputs<'_>,
    path: &Path,
) -> Result<(Vec<KeyJson>, BTreeMap<String, Secret>), Failure> {
    let (checks, differing) = keys::check_all(ctx, bytes, verified, k)?;
    let mut out = Vec::new();
    for c in checks {
        let status = KeyPassword::of(&c.outcome);
        if let (KeyPassword::Wrong, Err(e)) = (status, &c.outcome) {
            let hint = if k.keypw.is_none() && !k.prompt_each {
                "; give the key's password with keypw=- (or TRAVELERUTIL_KEY_PW), or use --key-passwords to be asked"
            } else {
                ""
            };
            return Err(Failure::msg(
                e.exit(),
                format!(
                    "keystore {}: the keystore password is right, but {}{hint}; nothing was saved",
                    escape_path(path),
                    escape(&e.to_string())
                ),
            ));
        }
        let detail = match &c.outcome {
            Ok(src) => src.describe("keypw", KEY_PW_ENV),
            Err(e) => e.to_string(),
        };
        if status == KeyPassword::NotChecked {
            ctx.warn(format!(
                "key '{}': password not checked: {}",
                escape(&c.alias),
                escape(&detail)
            ));
        }
        out.push(KeyJson {
            alias: c.alias,
            status,
            detail: Some(detail),
        });
    }
    Ok((out, differing))
}

fn render(ctx: &Ctx, status: SetStatus, dry_run: bool, verified: Vec<SetStoreJson>) -> Result<Exit, Failure> {
    if ctx.global.json {
        ctx.json(&SetJson {
            status,
            dry_run,
            verified,
            store: ctx.store.store_path(),
        })?;
        return Ok(Exit::Success);
    }
    let msg = match status {
        SetStatus::Unchanged => "ssl settings unchanged".to_owned(),
        SetStatus::WouldSave => "dry run: the passwords verify; nothing was written".to_owned(),
        SetStatus::Saved | SetStatus::Invalid => {
            format!("ssl settings saved to {}", escape_path(&ctx.store.store_path()))
        }
    };
    ctx.info(msg);
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored_keystore() -> SslSettings {
        SslSettings {
            keystore: Some(StoreFile {
                path: "/cfg/ks.p12".into(),
                ..StoreFile::default()
            }),
            truststore: None,
        }
    }

    #[test]
    fn targets_are_the_files_given_and_the_stored_ones_whose_password_rotates() {
        let words = |ks: Option<&str>, kspw: bool, tspw: bool, keypw: bool| StoreWords {
            paths: [ks.map(PathBuf::from), None],
            pws: [kspw.then(|| "-".to_owned()), tspw.then(|| "-".to_owned())],
            keypw: keypw.then(|| "-".to_owned()),
        };
        let stored = stored_keystore();
        let t = targets(words(None, true, false, false), &stored).unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].path, PathBuf::from("/cfg/ks.p12"));
        assert!(t[0].same.is_some(), "the same file keeps its stored passwords");
        let t = targets(words(None, false, false, true), &stored).unwrap();
        assert_eq!(
            t[0].role,
            Role::Keystore,
            "keypw= alone re-verifies the stored keystore"
        );
        let t = targets(words(Some("/other.p12"), false, false, false), &stored).unwrap();
        assert!(t[0].same.is_none(), "another file never inherits the stored password");
        assert!(targets(words(None, false, false, false), &stored).unwrap().is_empty());
        let e = targets(words(None, false, true, false), &stored).err().unwrap();
        assert_eq!(e.exit, Exit::Usage);
        assert!(
            e.error
                .to_string()
                .contains("truststorepw= is given but no truststore is stored")
        );
    }
}
