//! What reaches the terminal is text, never control sequences.
//!
//! Names and values that come from outside (file names in a logs directory that others can
//! write to, a user name, a URL, a key word) may hold ESC, CR, LF or other control characters.
//! Printed raw, they can clear the screen, retitle the window, or forge a line of the report. So
//! every path, name and value is printed through [`escape`] (or [`escape_path`]), as fd does with
//! the names it prints:
//!
//! - C0 controls and DEL become `\n`, `\r`, `\t` or `\xNN`;
//! - C1 controls (U+0080–U+009F) and the Unicode bidirectional overrides and isolates
//!   (U+202A–U+202E, U+2066–U+2069), which can reorder what the admin reads, become `\u{NNNN}`;
//! - a file name that is not UTF-8 shows its stray bytes as `\xNN`.
//!
//! Backslashes are left as they are: SQL Server's `host\instance` must read as typed. The
//! escaping is for safety, not a reversible encoding. JSON output needs none of this: serde_json
//! escapes control characters itself.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

/// Whether [`escape`] rewrites `c`: a control character or a bidirectional override/isolate.
#[must_use]
pub fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
    }
}

/// `s` with every control character escaped (see the module docs); borrowed when there is none.
#[must_use]
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path as text: [`escape`]d, with bytes that are not UTF-8 as `\xNN`.
#[must_use]
pub fn escape_path(p: &Path) -> String {
    let bytes = p.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Text that may span lines (a report, an error chain with its hints): escapes every control
/// character but the line feed and the tab, which only move the cursor forward. The last line
/// of defence at the output sinks, for text whose values were not escaped one by one.
#[must_use]
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t';
    if !s.chars().any(|c| !keep(c) && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !keep(c) && needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `format!("{}", Escaped(value))`: [`escape`] inside a format string.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(escape("LNTUSER host\\inst"), Cow::Borrowed(_)));
        assert_eq!(escape("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\r\nmode: standalone\t"), "x\\r\\nmode: standalone\\t");
        assert_eq!(escape("\u{7f}\u{9b}"), "\\x7f\\u{009b}");
        assert_eq!(escape("abc\u{202e}gnp.exe"), "abc\\u{202e}gnp.exe");
        assert_eq!(escape("pässwörd ✓"), "pässwörd ✓");
    }

    #[test]
    fn paths_show_stray_bytes() {
        let p = Path::new(OsStr::from_bytes(b"/logs/a\xff\x1b.log"));
        assert_eq!(escape_path(p), "/logs/a\\xff\\x1b.log");
    }

    #[test]
    fn lines_keep_their_line_feeds() {
        assert_eq!(
            escape_lines("error: x\x1b]0;t\x07\n  hint: y"),
            "error: x\\x1b]0;t\\x07\n  hint: y"
        );
    }
}
