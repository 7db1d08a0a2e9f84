//! notes.ini reading: just enough to find `Directory=` (the Domino data directory).
//!
//! notes.ini is untrusted bytes as far as this tool is concerned: it may carry a UTF-8 BOM,
//! CRLF line ends, Latin-1 bytes (older Domino on Windows wrote the ANSI code page), a
//! `[Notes]` section header, blank or `;`-comment lines. Domino reads keys case-insensitively
//! and takes the first `=` as the separator, so we do the same. Fuzzed by
//! `fuzz/fuzz_targets/notes_ini.rs`.

/// The value of `key` (case-insensitive) in notes.ini text; the first occurrence wins, as
/// Domino's own lookup stops at the first match. Values are trimmed of blanks; an empty value
/// counts as absent.
#[must_use]
pub fn value(bytes: &[u8], key: &str) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(eq) = memchr::memchr(b'=', line) else {
            continue;
        };
        let (k, v) = (&line[..eq], &line[eq + 1..]);
        if !k.trim_ascii().eq_ignore_ascii_case(key.as_bytes()) {
            continue;
        }
        let v = v.trim_ascii();
        if v.is_empty() {
            return None;
        }
        // Not UTF-8: read as Latin-1 (every byte maps to one char), as the ANSI code page
        // Domino used on Windows agrees with Latin-1 on the letters paths use.
        return Some(match std::str::from_utf8(v) {
            Ok(s) => s.to_owned(),
            Err(_) => v.iter().map(|&b| char::from(b)).collect(),
        });
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn directory_forms() {
        assert_eq!(
            value(b"[Notes]\r\nKitType=2\r\nDirectory=/local/notesdata\r\n", "Directory").as_deref(),
            Some("/local/notesdata")
        );
        assert_eq!(
            value(b"\xEF\xBB\xBFdirectory = /srv/data \n", "Directory").as_deref(),
            Some("/srv/data")
        );
        assert_eq!(value(b"Directory=\n", "Directory"), None);
        assert_eq!(value(b"NotDirectory=/x\n", "Directory"), None);
        assert_eq!(
            value(b"Directory=/first\nDirectory=/second\n", "Directory").as_deref(),
            Some("/first")
        );
        assert_eq!(
            value(b"Directory=/d\xE9j\xE0\n", "Directory").as_deref(),
            Some("/d\u{e9}j\u{e0}")
        );
        assert_eq!(value(b"Directory=/a=b\n", "Directory").as_deref(), Some("/a=b"));
        assert_eq!(value(b"", "Directory"), None);
    }
}
