//! Writing to the store, the same way in every group: read without the lock, resolve, then commit
//! under the lock only if the section read is still what is stored; the `remove` flow with its
//! confirmation; and the store's description in `--json`.

use super::Ctx;
use crate::error::Failure;
use crate::exit::Exit;
use crate::store::{LockWait, Locked, Settings, StoreError};
use serde::Serialize;
use std::path::PathBuf;

/// The store as described in `--json` (`db`, `pmr`/`support`).
#[derive(Debug, Serialize)]
pub struct StoreJson {
    pub dir: PathBuf,
    pub file: PathBuf,
    pub source: crate::store::location::Source,
    pub exists: bool,
}

impl StoreJson {
    pub fn of(ctx: &Ctx) -> StoreJson {
        StoreJson {
            dir: ctx.store.dir().to_path_buf(),
            file: ctx.store.store_path(),
            source: ctx.store_source,
            exists: ctx.store.store_path().exists(),
        }
    }
}

/// What a `set` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetStatus {
    Saved,
    Unchanged,
    WouldSave,
    Invalid,
}

/// What a `remove` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoveStatus {
    Removed,
    NothingToRemove,
}

/// A confirmation: the question at the prompt, and what `--yes` would do (for the error under
/// `--no-input`).
pub struct Ask<'a> {
    pub question: &'a str,
    pub what: &'a str,
}

impl Ctx {
    /// The store's write lock, waited for at most `TRAVELERUTIL_LOCK_TIMEOUT`, telling the admin
    /// who holds it when the wait lasts. Only for the read-modify-write itself: every input is
    /// resolved before.
    pub fn lock(&self, holder: &str) -> Result<Locked, Failure> {
        let mut tell = |who: &str| self.info(format!("waiting for the store lock, held by {who} ..."));
        Ok(self.store.lock(LockWait {
            timeout: self.lock_timeout,
            holder,
            on_wait: &mut tell,
        })?)
    }

    /// Commits a change: takes the lock (a bounded wait, telling the admin who holds it),
    /// re-reads the store, and refuses if `basis` (the stored values the command used to
    /// resolve its inputs) differs between `read` and now: another travelerUtil changed them
    /// meanwhile, and the change would be built on stale values. Otherwise applies `change` to
    /// what is stored now (so other sections changed meanwhile are kept) and writes. `holder`
    /// names the command in the lock file (`db set`); `section` names the settings in messages.
    pub fn commit<B: PartialEq>(
        &self,
        holder: &str,
        section: &'static str,
        read: Option<&Settings>,
        basis: impl Fn(&Settings) -> B,
        change: impl FnOnce(&mut Settings),
    ) -> Result<(), Failure> {
        let mut locked = self.lock(holder)?;
        let mut now = locked.read()?.unwrap_or_default();
        if basis(&now) != basis(&read.cloned().unwrap_or_default()) {
            return Err(StoreError::ChangedMeanwhile { section }.into());
        }
        change(&mut now);
        locked.write(&now)?;
        Ok(())
    }

    /// The `remove` flow: nothing stored is a success with nothing to do; otherwise the admin
    /// confirms `ask` (no lock is held while asking; `--yes` answers, `--no-input` without it is
    /// exit 2, "no" is exit 4), and the part `take` removes from the settings is committed and
    /// returned.
    pub fn remove<T, B: PartialEq>(
        &self,
        holder: &str,
        section: &'static str,
        ask: &Ask<'_>,
        basis: impl Fn(&Settings) -> B,
        take: impl Fn(&mut Settings) -> Option<T>,
    ) -> Result<Option<T>, Failure> {
        let read = self.store.load()?;
        let mut preview = read.clone().unwrap_or_default();
        if take(&mut preview).is_none() {
            return Ok(None);
        }
        if !self.prompter.confirm(ask.question, ask.what, self.global.yes)? {
            return Err(Failure::msg(Exit::Declined, "not removed (answered no)"));
        }
        let mut taken = None;
        self.commit(holder, section, read.as_ref(), basis, |s| taken = take(s))?;
        Ok(taken)
    }
}
