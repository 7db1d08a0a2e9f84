//! `pmr` / `support`: `<number> [files…]` uploads to the vendor's SFTP server, `set | show |
//! remove` manage the stored endpoint and credentials. Both spellings behave the same; `name`
//! is the one the admin typed, so messages echo it.
//!
//! One file per action, each in three steps: resolve the inputs (the words, the store read
//! without a lock, prompts), run the operation (store the settings, or connect and upload), and
//! render text or JSON. The settings as shown are here; the failure hints are in [`hint`], the
//! private key file's checks in [`keyfile`].

mod hint;
mod keyfile;
mod remove;
mod set;
mod show;
mod upload;

use super::Ctx;
use super::inputs::SecretSpec;
use crate::cli::pmr::{SupportAction, SupportCli};
use crate::error::Failure;
use crate::exit::Exit;
use crate::secret::MASK;
use crate::store::SupportSettings;
use crate::term::{escape, escape_path};
use serde::Serialize;
use std::path::Path;

/// The environment variable `pmr set` and uploads read the SFTP password from.
pub const PW_ENV: &str = "TRAVELERUTIL_SUPPORT_PW";

/// The SSH port when none is stored.
pub const DEFAULT_PORT: u16 = 22;

/// The SFTP password: `pw=`, [`PW_ENV`], the prompt.
const PW: SecretSpec<'static> = SecretSpec {
    key: "pw",
    env: PW_ENV,
    question: "SFTP password",
};

pub fn run(args: SupportCli, ctx: &mut Ctx, name: &str) -> Result<Exit, Failure> {
    match (args.action, args.number) {
        (Some(SupportAction::Show), _) => show::show(ctx),
        (Some(SupportAction::Set(a)), _) => set::set(ctx, &a, name),
        (Some(SupportAction::Remove), _) => remove::remove(ctx, name),
        (None, Some(number)) => upload::upload(ctx, name, &number, &args.files, args.timeout),
        (None, None) => super::print_help(ctx, &[name]),
    }
}

/// The stored settings as shown (`show`, `set`, `remove`): the password only as a mask.
#[derive(Serialize)]
struct SettingsJson<'a> {
    host: Option<&'a str>,
    port: u16,
    user: Option<&'a str>,
    password: Option<&'static str>,
    password_set: bool,
    dir: Option<&'a str>,
    hostkey: Option<&'a str>,
    key: Option<&'a Path>,
    case: Option<&'a str>,
}

fn settings_json(s: &SupportSettings) -> SettingsJson<'_> {
    SettingsJson {
        host: s.host.as_deref(),
        port: s.port.unwrap_or(DEFAULT_PORT),
        user: s.user.as_deref(),
        password: s.password.as_ref().map(|_| MASK),
        password_set: s.password.is_some(),
        dir: s.dir.as_deref(),
        hostkey: s.hostkey.as_deref(),
        key: s.key.as_deref(),
        case: s.case.as_deref(),
    }
}

/// `key: value` lines, every value escaped (a store written by an older version may hold
/// control characters).
fn settings_text(s: &SupportSettings) -> String {
    let mut t = String::new();
    let mut line = |k: &str, v: &str| t.push_str(&format!("{k:<10} {v}\n"));
    let or = |v: Option<&str>, none: &'static str| v.map_or(none.into(), |v| escape(v).into_owned());
    line("host:", &or(s.host.as_deref(), "(none)"));
    line("port:", &s.port.unwrap_or(DEFAULT_PORT).to_string());
    line("user:", &or(s.user.as_deref(), "(none)"));
    line("password:", if s.password.is_some() { MASK } else { "(none)" });
    line("dir:", &or(s.dir.as_deref(), "(the login directory)"));
    line(
        "hostkey:",
        &or(s.hostkey.as_deref(), "(not pinned: the first upload asks)"),
    );
    line("key:", &s.key.as_deref().map_or("(none)".into(), escape_path));
    line("case:", &or(s.case.as_deref(), "(none)"));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_settings_escape_what_an_older_store_may_hold() {
        let s = SupportSettings {
            user: Some("me\x1b]0;pwned\x07".into()),
            dir: Some("/in\r\nmode: x".into()),
            ..SupportSettings::default()
        };
        let t = settings_text(&s);
        assert!(!t.contains('\x1b') && !t.contains('\r'), "{t:?}");
        assert!(t.contains("user:      me\\x1b]0;pwned\\x07\n"), "{t}");
        assert_eq!(t.lines().count(), 8, "{t}");
    }
}
