//! The argument-word splitter and shell-split detector on arbitrary words (NUL-separated):
//! no panic, and any repaired command it proposes must split back (POSIX rules) into exactly
//! the repaired words.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::jdbc::shell_split;
use travelerutil::shell;

const KEYS: &[&str] = &["url", "user", "pw", "path", "driver", "force", "timeout"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let words: Vec<&str> = text.split('\0').collect();
    let _ = shell_split::split_words(&words);
    if let Some(s) = shell_split::detect(&words, KEYS, &["pw"]) {
        let cmd = shell::posix_command(&["travelerUtil", "db", "set"], &s.fixed_words);
        let back = shell_words_split(&cmd);
        let mut want = vec!["travelerUtil".to_string(), "db".into(), "set".into()];
        want.extend(s.fixed_words.iter().cloned());
        assert_eq!(back, Some(want), "quoting does not round-trip: {cmd}");
        let _ = shell::cl_command(&["travelerUtil", "db", "set"], &s.fixed_words);
    }
});

fn shell_words_split(s: &str) -> Option<Vec<String>> {
    travelerutil::shell::posix_split(s).ok()
}
