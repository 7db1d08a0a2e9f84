//! Redaction of text files on their way into a support bundle.
//!
//! Line-based, so a file can be redacted in independent chunks of whole lines on several
//! threads; the only state that crosses a line end is "inside a PEM private-key block", which
//! the caller carries from chunk to chunk ([`pem_state_after`] computes it cheaply, without
//! redacting). Masks, each replaced by `*****`:
//! - every exact occurrence of a secret the store holds (db, keystore, truststore, key and
//!   SFTP passwords), case-sensitive, anywhere in a line;
//! - the value after `pw`, `pwd`, `passwd`, `password`, `passphrase` (case-insensitive, also
//!   as a suffix: `trustStorePassword=`, ODBC `PWD=`, JDBC `;password=x;`) followed by `=` or,
//!   for the long spellings, `:` (`"password": "x"` in JSON);
//! - the rest of the line after `Authorization:` / `Proxy-Authorization:` (RFC 9110 §11.6.2);
//! - the body of PEM private-key blocks (RFC 7468 §2: `-----BEGIN ... PRIVATE KEY-----` to the
//!   matching `-----END`), which is dropped and replaced by one `*****` line. An unterminated
//!   block masks everything to the end of the file: failing closed.
//!
//! Fuzzed by `fuzz/fuzz_targets/redact.rs` (no panic; no planted secret survives).

use crate::secret::Secret;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;
use std::sync::OnceLock;

/// What replaces a masked value.
pub const MASK: &[u8] = b"*****";

const KEYS: &[&str] = &["pw", "pwd", "passwd", "password", "passphrase", "authorization"];
const AUTH: usize = 5;

/// The redaction rules as the manifest lists them.
// Worded so that the rules do not trip themselves when the manifest is checked.
pub const RULES: &[&str] = &[
    "exact values of every password the store holds",
    "values after pw, pwd, passwd, password, passphrase and an equals sign (any case, also as a suffix as in trustStorePassword)",
    "values after password, passwd, passphrase and a colon (JSON and YAML forms)",
    "Authorization and Proxy-Authorization header values",
    "PEM private-key blocks (BEGIN ... PRIVATE KEY to END)",
];

pub struct Redactor {
    secrets: Vec<Secret>,
    keys: AhoCorasick,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// `secrets` are copied (as [`Secret`]s: zeroized on drop); empty ones are ignored.
    ///
    /// # Errors
    /// Building the fixed key automaton cannot fail in practice (a handful of short
    /// patterns); the error is passed on rather than redacting with fewer rules.
    pub fn new(secrets: &[&Secret]) -> Result<Redactor, aho_corasick::BuildError> {
        let mut own: Vec<Secret> = secrets
            .iter()
            .filter(|s| !s.expose().is_empty())
            .map(|s| (*s).clone())
            .collect();
        // Longest first: a secret that contains another is masked whole.
        own.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
        own.dedup();
        // The automata depend only on the fixed key list: built once per process.
        static AUTOMATON: OnceLock<Result<AhoCorasick, aho_corasick::BuildError>> = OnceLock::new();
        let keys = AUTOMATON.get_or_init(build_automaton).clone()?;
        Ok(Redactor { secrets: own, keys })
    }

    /// Redacts `input` (whole lines; the last may lack its `\n`) onto `out`. `in_pem` is the
    /// state at the start of `input`. Returns the number of masks applied and the state at
    /// the end.
    ///
    /// Only lines holding a trigger (a key before `=`/`:`, `-----BEGIN `, a stored secret) are
    /// looked at line by line; the stretches between them are copied in bulk, which keeps redaction several
    /// times cheaper than the deflate that follows.
    pub fn redact(&self, input: &[u8], mut in_pem: bool, out: &mut Vec<u8>) -> (u64, bool) {
        let mut count = 0u64;
        let mut cands: Vec<usize> = memchr::memchr2_iter(b'=', b':', input)
            .filter(|&sep| key_before(input, sep))
            .collect();
        cands.extend(memmem::find_iter(input, b"-----BEGIN "));
        for s in &self.secrets {
            cands.extend(memmem::find_iter(input, s.expose().as_bytes()));
        }
        cands.sort_unstable();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut ci = 0;
        let mut pos = 0;
        while pos < input.len() {
            if in_pem {
                // Everything up to the line holding `-----END ` is dropped (already replaced by
                // the mask line after BEGIN); no END: fail closed, drop to the end.
                let Some(off) = memmem::find(&input[pos..], b"-----END ") else {
                    return (count, true);
                };
                let at = pos + off;
                let ls = memchr::memrchr(b'\n', &input[pos..at]).map_or(pos, |n| pos + n + 1);
                let le = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |n| at + n + 1);
                // The END line is kept, masked like any other line.
                let (body, eol) = split_eol(&input[ls..le]);
                self.masked(body, out, &mut spans, &mut count);
                out.extend_from_slice(eol);
                in_pem = false;
                pos = le;
                continue;
            }
            while ci < cands.len() && cands[ci] < pos {
                ci += 1;
            }
            let Some(&at) = cands.get(ci) else {
                out.extend_from_slice(&input[pos..]);
                break;
            };
            let ls = memchr::memrchr(b'\n', &input[pos..at]).map_or(pos, |n| pos + n + 1);
            let le = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |n| at + n + 1);
            out.extend_from_slice(&input[pos..ls]);
            in_pem = self.line(&input[ls..le], out, &mut spans, &mut count);
            pos = le;
        }
        (count, in_pem)
    }

    /// One line (with its end); returns true when a PEM private-key block begins on it.
    fn line(&self, line: &[u8], out: &mut Vec<u8>, spans: &mut Vec<(usize, usize)>, count: &mut u64) -> bool {
        let (body, eol) = split_eol(line);
        self.masked(body, out, spans, count);
        out.extend_from_slice(eol);
        if !is_pem_begin(body) {
            return false;
        }
        if eol.is_empty() {
            out.push(b'\n');
        }
        out.extend_from_slice(MASK);
        out.push(b'\n');
        *count += 1;
        true
    }

    /// `body` (no line end) with every span masked.
    fn masked(&self, body: &[u8], out: &mut Vec<u8>, spans: &mut Vec<(usize, usize)>, count: &mut u64) {
        spans.clear();
        self.find_spans(body, spans);
        if spans.is_empty() {
            out.extend_from_slice(body);
            return;
        }
        spans.sort_unstable();
        let mut pos = 0;
        let mut merged_end = 0;
        for &(s, e) in spans.iter() {
            if s < merged_end {
                // Overlaps the previous mask: extend it.
                if e > merged_end {
                    pos = e;
                    merged_end = e;
                }
                continue;
            }
            out.extend_from_slice(&body[pos..s]);
            out.extend_from_slice(MASK);
            *count += 1;
            pos = e;
            merged_end = e;
        }
        out.extend_from_slice(&body[pos..]);
    }

    /// One line of text (a path, a reason) redacted by the same rules.
    #[must_use]
    pub fn redact_str(&self, s: &str) -> String {
        let mut out = Vec::with_capacity(s.len());
        let flat = s.replace(['\n', '\r'], " ");
        let _ = self.redact(flat.as_bytes(), false, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn find_spans(&self, line: &[u8], spans: &mut Vec<(usize, usize)>) {
        for s in &self.secrets {
            let needle = s.expose().as_bytes();
            for start in memmem::find_iter(line, needle) {
                spans.push((start, start + needle.len()));
            }
        }
        for m in self.keys.find_iter(line) {
            let mut i = m.end();
            let long = m.pattern().as_usize() >= 2;
            // `"password": "x"`: a closing quote of the key may sit before the separator.
            if long && matches!(line.get(i), Some(b'"' | b'\'')) {
                i += 1;
            }
            i = skip_blanks(line, i);
            let sep = line.get(i).copied();
            let ok = match sep {
                Some(b'=') => m.pattern().as_usize() != AUTH,
                Some(b':') => long,
                _ => false,
            };
            if !ok {
                continue;
            }
            i = skip_blanks(line, i + 1);
            if m.pattern().as_usize() == AUTH {
                let end = line.len() - line.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
                if end > i {
                    spans.push((i, end));
                }
                continue;
            }
            let (start, end) = match line.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let s = i + 1;
                    let e = memchr::memchr(q, &line[s..]).map_or(line.len(), |n| s + n);
                    (s, e)
                }
                _ => {
                    let e = line[i..]
                        .iter()
                        .position(|&b| {
                            b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b',' | b'"' | b'\'' | b'<' | b'>')
                        })
                        .map_or(line.len(), |n| i + n);
                    (i, e)
                }
            };
            if end > start {
                spans.push((start, end));
            }
        }
    }
}

fn build_automaton() -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(KEYS)
}

/// True when a key (any case) ends just before the separator at `sep`, allowing the blanks
/// and the closing quote that [`Redactor::find_spans`] allows between them. Every mask
/// `find_spans` can make has such a separator, so this selects every line that needs a look;
/// scanning for `=`/`:` with memchr is several times faster than an automaton over all text.
fn key_before(input: &[u8], sep: usize) -> bool {
    let mut j = sep;
    while j > 0 && matches!(input[j - 1], b' ' | b'\t') {
        j -= 1;
    }
    if j > 0 && matches!(input[j - 1], b'"' | b'\'') {
        j -= 1;
    }
    KEYS.iter()
        .any(|k| j >= k.len() && input[j - k.len()..j].eq_ignore_ascii_case(k.as_bytes()))
}

/// The PEM state after `input`, given the state before it: the same decisions as
/// [`Redactor::redact`] without producing output. Lets the reader hand independent chunks to
/// workers.
#[must_use]
pub fn pem_state_after(input: &[u8], mut in_pem: bool) -> bool {
    // Only lines holding "-----" can change the state; find those directly.
    let finder = memmem::Finder::new(b"-----");
    let mut from = 0;
    while let Some(off) = finder.find(&input[from..]) {
        let at = from + off;
        let start = memchr::memrchr(b'\n', &input[..at]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |n| at + n + 1);
        let (body, _) = split_eol(&input[start..end]);
        if in_pem {
            if is_pem_end(body) {
                in_pem = false;
            }
        } else if is_pem_begin(body) {
            in_pem = true;
        }
        from = end;
    }
    in_pem
}

fn is_pem_begin(line: &[u8]) -> bool {
    memmem::find(line, b"-----BEGIN ").is_some_and(|b| memmem::find(&line[b..], b"PRIVATE KEY-----").is_some())
}

fn is_pem_end(line: &[u8]) -> bool {
    memmem::find(line, b"-----END ").is_some()
}

fn skip_blanks(line: &[u8], mut i: usize) -> usize {
    while matches!(line.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

fn split_eol(line: &[u8]) -> (&[u8], &[u8]) {
    let n = if line.ends_with(b"\r\n") {
        2
    } else {
        usize::from(line.ends_with(b"\n"))
    };
    line.split_at(line.len() - n)
}

/// Text or binary, from the first bytes: a NUL byte means binary (the heuristic of `git` and
/// `grep -I`). Binary files pass through unredacted.
#[must_use]
pub fn looks_like_text(sample: &[u8]) -> bool {
    memchr::memchr(0, sample).is_none()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn run(secrets: &[&str], input: &str) -> (String, u64) {
        let s: Vec<Secret> = secrets.iter().map(|x| Secret::from(*x)).collect();
        let refs: Vec<&Secret> = s.iter().collect();
        let r = Redactor::new(&refs).unwrap();
        let mut out = Vec::new();
        let (n, _) = r.redact(input.as_bytes(), false, &mut out);
        (String::from_utf8(out).unwrap(), n)
    }

    #[test]
    fn generic_patterns() {
        let cases = [
            (
                "travelerUtil db set user=u pw=hunter2 url=x\n",
                "travelerUtil db set user=u pw=***** url=x\n",
            ),
            ("Password = s3cret;\n", "Password = *****;\n"),
            (
                "jdbc:db2://h:5/DB:user=a;password=xyz;\n",
                "jdbc:db2://h:5/DB:user=a;password=*****;\n",
            ),
            ("DSN=x;UID=a;PWD={b};\r\n", "DSN=x;UID=a;PWD=*****;\r\n"),
            (
                "javax.net.ssl.trustStorePassword=changeit\n",
                "javax.net.ssl.trustStorePassword=*****\n",
            ),
            ("{\"password\": \"a b\"}\n", "{\"password\": \"*****\"}\n"),
            ("Authorization: Basic dXNlcjpwYXNz  \n", "Authorization: *****  \n"),
            ("proxy-authorization:Bearer x\n", "proxy-authorization:*****\n"),
            (
                "no secrets here: pw is empty, passwords rotate\n",
                "no secrets here: pw is empty, passwords rotate\n",
            ),
            ("pw=\n", "pw=\n"),
        ];
        for (i, o) in cases {
            assert_eq!(run(&[], i).0, o, "{i}");
        }
    }

    #[test]
    fn exact_secrets_anywhere() {
        let (o, n) = run(&["S3cr3t!", "S3cr3t!longer"], "a S3cr3t!longer b S3cr3t! c\nX\n");
        assert_eq!(o, "a ***** b ***** c\nX\n");
        assert_eq!(n, 2);
        // A secret inside a pw= value: one mask, not two.
        let (o, n) = run(&["abc"], "pw=xxabcxx\n");
        assert_eq!((o.as_str(), n), ("pw=*****\n", 1));
    }

    #[test]
    fn pem_blocks_across_chunks() {
        let text = "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpA\nQQQ\n-----END RSA PRIVATE KEY-----\nb\n";
        let (o, n) = run(&[], text);
        assert_eq!(
            o,
            "a\n-----BEGIN RSA PRIVATE KEY-----\n*****\n-----END RSA PRIVATE KEY-----\nb\n"
        );
        assert_eq!(n, 1);
        // Split after the BEGIN line: the state carries over.
        let r = Redactor::new(&[]).unwrap();
        let cut = text.find("QQQ").unwrap();
        let (a, b) = text.as_bytes().split_at(cut);
        let st = pem_state_after(a, false);
        assert!(st);
        let mut out = Vec::new();
        let (_, s1) = r.redact(a, false, &mut out);
        assert_eq!(s1, st);
        let (_, s2) = r.redact(b, s1, &mut out);
        assert!(!s2);
        assert_eq!(String::from_utf8(out).unwrap(), o);
        // Unterminated: fail closed.
        let (o, _) = run(&[], "-----BEGIN PRIVATE KEY-----\nabc\ndef\n");
        assert_eq!(o, "-----BEGIN PRIVATE KEY-----\n*****\n");
        // A certificate is not a private key.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(run(&[], cert).0, cert);
    }

    #[test]
    fn text_sniff() {
        assert!(looks_like_text(b"hello\n"));
        assert!(!looks_like_text(b"PK\x03\x04\x00"));
    }
}
