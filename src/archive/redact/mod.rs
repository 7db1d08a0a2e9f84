//! Redaction of text files on their way into a support bundle.
//!
//! Line-based, so a file can be redacted in independent chunks of whole lines on several
//! threads; the only state that crosses a line end is "inside a PEM private-key block", which
//! the caller carries from chunk to chunk ([`pem_state_after`] computes it cheaply, without
//! redacting). Masks, each replaced by `*****`:
//! - every occurrence of a password the store holds (db, keystore, truststore, key and SFTP),
//!   case-sensitive, anywhere in a line; also URL-encoded, JSON-escaped and in base64, alone
//!   or inside `user:password` ([`encoded`]);
//! - the value after a key word: `pw`, `pwd`, `passwd`, `password`, `passphrase`, `pass`,
//!   `secret`, `token`, `apikey` (`api_key`, `api-key`), in any case and also as the end of a
//!   longer word (`trustStorePassword=`, ODBC `PWD=`, `client_secret=`, keytool's
//!   `-storepass`), followed by `=`; or by `:` for all but `pw` and `pass` (`"password": "x"`
//!   in JSON, `pwd: x` in YAML); or, for an option such as `--password x`, by a blank;
//! - the text of XML elements named so (`<password>x</password>`, `<dbPassword>x<`), up to the
//!   next `<` on the line;
//! - the password of `scheme://user:password@host` (RFC 3986 §3.2.1);
//! - the rest of the line after `Authorization:` / `Proxy-Authorization:` (RFC 9110 §11.6.2);
//! - the body of PEM private-key blocks (RFC 7468 §2: `-----BEGIN ... PRIVATE KEY-----` to the
//!   matching `-----END`), which is dropped and replaced by one `*****` line. An unterminated
//!   block masks everything to the end of the file: failing closed.
//!
//! The automaton of the stored passwords' forms holds copies of them for the length of the
//! collection, as the process does anyway. Fuzzed by `fuzz/fuzz_targets/redact.rs` (no panic;
//! no planted secret survives, in any of its encodings).

pub mod encoded;

use crate::secret::Secret;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use encoded::{Needle, View};
use memchr::memmem;
use std::sync::OnceLock;

/// What replaces a masked value.
pub const MASK: &[u8] = b"*****";

const KEYS: &[&str] = &[
    "pw",
    "pwd",
    "passwd",
    "password",
    "passphrase",
    "pass",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "authorization",
];
const PW: usize = 0;
const PASS: usize = 5;
const AUTH: usize = 11;

/// The redaction rules as the manifest lists them.
// Worded so that the rules do not trip themselves when the manifest is checked (a test does).
pub const RULES: &[&str] = &[
    "exact values of every password the store holds, also URL-encoded, JSON-escaped or in base64 (alone or after a user name and a colon)",
    "values after pw, pwd, passwd, password, passphrase, pass, secret, token, apikey and an equals sign (any case, also as the end of a longer word as in trustStorePassword)",
    "values after the same words but pw and pass and a colon (JSON and YAML forms)",
    "the word after a command-line option whose name ends in one of these words",
    "the text of XML elements named after one of these words, as in dbPassword",
    "the password in the user information of a URL",
    "Authorization and Proxy-Authorization header values",
    "PEM private-key blocks (BEGIN ... PRIVATE KEY to END)",
];

/// The longest line kept whole: a longer one is cut into pieces redacted apart (see
/// [`Redactor::cut_point`] for what that means for secrets across the cut).
pub const MAX_LINE: usize = 1 << 20;

pub struct Redactor {
    /// Every form of every stored password ([`encoded::needles`]); `None` without passwords.
    needles: Option<AhoCorasick>,
    kinds: Vec<Needle>,
    /// The longest needle, for [`Redactor::cut_point`].
    longest: usize,
    /// Some password has a character an encoder might escape: decode `%` and `\` lines.
    decode: bool,
    /// Some password holds a space, which HTML forms send as `+`.
    plus_space: bool,
    keys: AhoCorasick,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} needles)", self.kinds.len())
    }
}

impl Redactor {
    /// Masks the pattern rules and `secrets` (empty ones are ignored).
    ///
    /// # Errors
    /// Building an automaton fails only on absurd input (a pattern set too large); the error
    /// is passed on rather than redacting with fewer rules.
    pub fn new(secrets: &[&Secret]) -> Result<Redactor, aho_corasick::BuildError> {
        Redactor::with_users(secrets, &[])
    }

    /// As [`Redactor::new`]; `users` are the user names the store holds, for base64 of
    /// `user:password` when a password is too short to be found inside any base64.
    ///
    /// # Errors
    /// As [`Redactor::new`].
    pub fn with_users(secrets: &[&Secret], users: &[&str]) -> Result<Redactor, aho_corasick::BuildError> {
        let mut pats: Vec<Vec<u8>> = Vec::new();
        let mut kinds = Vec::new();
        let (mut decode, mut plus_space) = (false, false);
        for s in secrets.iter().map(|s| s.expose().as_bytes()).filter(|s| !s.is_empty()) {
            decode |= s.iter().any(|b| !b.is_ascii_alphanumeric());
            plus_space |= s.contains(&b' ');
            for (n, k) in encoded::needles(s, users) {
                if !pats.contains(&n) {
                    pats.push(n);
                    kinds.push(k);
                }
            }
        }
        let longest = pats.iter().map(Vec::len).max().unwrap_or(0);
        let needles = if pats.is_empty() {
            None
        } else {
            Some(AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&pats)?)
        };
        // The key automaton depends only on the fixed key list: built once per process.
        static AUTOMATON: OnceLock<Result<AhoCorasick, aho_corasick::BuildError>> = OnceLock::new();
        let keys = AUTOMATON.get_or_init(build_automaton).clone()?;
        Ok(Redactor {
            needles,
            kinds,
            longest,
            decode,
            plus_space,
            keys,
        })
    }

    /// Redacts `input` (whole lines; the last may lack its `\n`) onto `out`. `in_pem` is the
    /// state at the start of `input`. Returns the number of masks applied and the state at
    /// the end.
    ///
    /// Only lines holding a trigger (a key before a separator, an option, a URL, a stored
    /// password's form, an escape when passwords need decoding, `-----BEGIN `) are looked at
    /// line by line; the stretches between them are copied in bulk, which keeps redaction
    /// several times cheaper than the deflate that follows.
    pub fn redact(&self, input: &[u8], mut in_pem: bool, out: &mut Vec<u8>) -> (u64, bool) {
        let mut count = 0u64;
        let cands = self.candidates(input);
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

    /// Offsets of every trigger in `input`, sorted: the lines holding one are redacted line by
    /// line. Every span [`Redactor::find_spans`] can make has a trigger on its line.
    fn candidates(&self, input: &[u8]) -> Vec<usize> {
        let mut cands: Vec<usize> = memchr::memchr3_iter(b'=', b':', b'>', input)
            .filter(|&sep| key_before(input, sep))
            .collect();
        for pat in [&b" -"[..], b"\t-", b"\n-"] {
            cands.extend(memmem::find_iter(input, pat).filter(|&d| option_at(input, d + 1)));
        }
        if input.first() == Some(&b'-') && option_at(input, 0) {
            cands.push(0);
        }
        cands.extend(memmem::find_iter(input, b"://"));
        cands.extend(memmem::find_iter(input, b"-----BEGIN "));
        if let Some(ac) = &self.needles {
            cands.extend(ac.find_overlapping_iter(input).map(|m| m.start()));
            if self.decode {
                cands.extend(memchr::memchr2_iter(b'%', b'\\', input));
                if self.plus_space {
                    cands.extend(memchr::memchr_iter(b'+', input));
                }
            }
        }
        cands.sort_unstable();
        cands
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

    /// A name as raw bytes (a file name, which may hold any byte but `/` and NUL) redacted by
    /// the same rules, its line ends kept.
    #[must_use]
    pub fn redact_bytes(&self, b: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(b.len());
        for (i, part) in b.split(|&c| c == b'\n').enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            let mut o = Vec::with_capacity(part.len());
            let _ = self.redact(part, false, &mut o);
            // A PEM marker in a name must not swallow what follows: one line, one result.
            out.extend_from_slice(o.strip_suffix(b"\n*****\n").unwrap_or(&o));
        }
        out
    }

    /// A name (a path, which may hold line ends) masked by the same rules, its line ends kept
    /// so that the terminal escaping shows them.
    #[must_use]
    pub fn redact_name(&self, s: &str) -> String {
        String::from_utf8_lossy(&self.redact_bytes(s.as_bytes())).into_owned()
    }

    /// Where to cut a line longer than [`MAX_LINE`] held in `buf` (no line end in it): at
    /// most `buf.len()`, never inside a stored password or any of its forms (all visible in
    /// `buf`, since the cut is placed at least the longest form before its end), and after a
    /// blank where one is near, so that a `key=value` pair is seldom split. A value split by
    /// the cut can still escape the key rules: documented in the README.
    #[must_use]
    pub fn cut_point(&self, buf: &[u8]) -> usize {
        if buf.len() <= 1 {
            return buf.len();
        }
        let hi = buf.len().saturating_sub(self.longest).max(1);
        let lo = hi.saturating_sub(64 * 1024);
        let blank = memchr::memrchr2(b' ', b'\t', &buf[lo..hi]).map(|i| lo + i + 1);
        let mut cut = blank.filter(|&c| self.straddled(buf, c).is_none()).unwrap_or(hi);
        // Back to the start of any occurrence across the cut; if that reaches the start of
        // the buffer (occurrences back to back), forward past their ends instead.
        while let Some((start, _)) = self.straddled(buf, cut) {
            if start == 0 {
                cut = hi;
                while let Some((_, end)) = self.straddled(buf, cut) {
                    cut = end;
                }
                return cut;
            }
            cut = start;
        }
        cut
    }

    /// The needle occurrence that spans `cut` (starts before it, ends after it) and starts
    /// first.
    fn straddled(&self, buf: &[u8], cut: usize) -> Option<(usize, usize)> {
        let ac = self.needles.as_ref()?;
        let from = cut.saturating_sub(self.longest);
        let to = (cut + self.longest).min(buf.len());
        ac.find_overlapping_iter(&buf[from..to])
            .map(|m| (from + m.start(), from + m.end()))
            .filter(|&(s, e)| s < cut && e > cut)
            .min()
    }

    fn find_spans(&self, line: &[u8], spans: &mut Vec<(usize, usize)>) {
        self.secret_spans(line, spans);
        for m in self.keys.find_iter(line) {
            key_span(line, m.start(), m.end(), m.pattern().as_usize(), spans);
        }
        for at in memmem::find_iter(line, b"://") {
            userinfo_span(line, at + 3, spans);
        }
    }

    /// Stored passwords in every form, in the line as it is and as decoded.
    fn secret_spans(&self, line: &[u8], spans: &mut Vec<(usize, usize)>) {
        let Some(ac) = &self.needles else { return };
        for m in ac.find_overlapping_iter(line) {
            let (s, e) = (m.start(), m.end());
            match self.kinds[m.pattern().as_usize()] {
                Needle::Exact => spans.push((s, e)),
                Needle::Base64Core => spans.push(encoded::token_around(line, s, e)),
                Needle::Base64Whole if encoded::is_whole_token(line, s, e) => {
                    spans.push(encoded::token_around(line, s, e));
                }
                Needle::Base64Whole => {}
            }
        }
        if !self.decode || memchr::memchr3(b'%', b'\\', b'+', line).is_none() {
            return;
        }
        // One encoding at a time: a JSON string may hold a literal `%55`, a URL a backslash,
        // and `+` is a space only in HTML form encoding.
        let views: &[View] = if self.plus_space {
            &[View::Url, View::Form, View::Json]
        } else {
            &[View::Url, View::Json]
        };
        for &view in views {
            let Some((dec, map)) = encoded::decoded(line, view) else {
                continue;
            };
            for m in ac.find_overlapping_iter(&dec) {
                if self.kinds[m.pattern().as_usize()] == Needle::Exact {
                    spans.push((map[m.start()].0, map[m.end() - 1].1));
                }
            }
        }
    }
}

/// The value after the key word matched at `[ks, ke)`, if the key is used as one.
fn key_span(line: &[u8], ks: usize, ke: usize, key: usize, spans: &mut Vec<(usize, usize)>) {
    // `<password>x</password>`, `<ns:dbPassword>x<`: the element's text on this line.
    if line.get(ke) == Some(&b'>')
        && word_start(line, ks, b"_.:-")
            .checked_sub(1)
            .is_some_and(|j| line[j] == b'<')
    {
        let s = ke + 1;
        let e = memchr::memchr(b'<', &line[s..]).map_or(line.len(), |n| s + n);
        if e > s {
            spans.push((s, e));
        }
        return;
    }
    // `--password x`, `-storepass x`: the next word.
    if matches!(line.get(ke), Some(b' ' | b'\t')) && key != AUTH && is_option(line, ks) {
        let s = skip_blanks(line, ke);
        if line.get(s).is_some_and(|&b| b != b'-') {
            let (s, e) = value_at(line, s);
            if e > s {
                spans.push((s, e));
            }
        }
        return;
    }
    let colon = !matches!(key, PW | PASS);
    let mut i = ke;
    // `"password": "x"`: a closing quote of the key may sit before the separator.
    if colon && matches!(line.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    i = skip_blanks(line, i);
    let ok = match line.get(i) {
        Some(b'=') => key != AUTH,
        Some(b':') => colon,
        _ => false,
    };
    if !ok {
        return;
    }
    i = skip_blanks(line, i + 1);
    if key == AUTH {
        let end = line.len() - line.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        if end > i {
            spans.push((i, end));
        }
        return;
    }
    let (start, end) = value_at(line, i);
    if end > start {
        spans.push((start, end));
    }
}

/// The value starting at `i`: inside quotes, or up to a blank or a delimiter.
fn value_at(line: &[u8], i: usize) -> (usize, usize) {
    match line.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let s = i + 1;
            let e = memchr::memchr(q, &line[s..]).map_or(line.len(), |n| s + n);
            (s, e)
        }
        _ => {
            let e = line[i..]
                .iter()
                .position(|&b| b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b',' | b'"' | b'\'' | b'<' | b'>'))
                .map_or(line.len(), |n| i + n);
            (i, e)
        }
    }
}

/// The start of the word that ends at `end`: letters, digits and `extra`.
fn word_start(line: &[u8], end: usize, extra: &[u8]) -> usize {
    let mut j = end;
    while j > 0 && (line[j - 1].is_ascii_alphanumeric() || extra.contains(&line[j - 1])) {
        j -= 1;
    }
    j
}

/// True when the word holding `ks` starts with `-` after a blank or the line start: a
/// command-line option such as `--password` or `-storepass`.
fn is_option(line: &[u8], ks: usize) -> bool {
    let j = word_start(line, ks, b"_.-");
    line.get(j) == Some(&b'-') && (j == 0 || line[j - 1].is_ascii_whitespace())
}

/// The trigger for [`is_option`]: the option word starting at `dash` ends with a key and a
/// blank follows it.
fn option_at(input: &[u8], dash: usize) -> bool {
    let mut e = dash;
    while e < input.len() && (input[e].is_ascii_alphanumeric() || matches!(input[e], b'_' | b'.' | b'-')) {
        e += 1;
    }
    matches!(input.get(e), Some(b' ' | b'\t')) && ends_with_key(&input[dash..e])
}

fn ends_with_key(word: &[u8]) -> bool {
    // Every key ends in one of these letters: most separators in a log (`ms=12`, `ts:`) are
    // ruled out by one comparison, which keeps the candidate scan cheap.
    if !word
        .last()
        .is_some_and(|b| matches!(b.to_ascii_lowercase(), b'w' | b'd' | b'e' | b's' | b't' | b'n' | b'y'))
    {
        return false;
    }
    KEYS.iter()
        .any(|k| word.len() >= k.len() && word[word.len() - k.len()..].eq_ignore_ascii_case(k.as_bytes()))
}

/// `scheme://user:password@host`: the password, when the authority starting at `from` has one.
fn userinfo_span(line: &[u8], from: usize, spans: &mut Vec<(usize, usize)>) {
    let end = line[from..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>'))
        .map_or(line.len(), |n| from + n);
    let auth = &line[from..end];
    let Some(at) = memchr::memrchr(b'@', auth) else { return };
    if let Some(colon) = memchr::memchr(b':', &auth[..at])
        && at > colon + 1
    {
        spans.push((from + colon + 1, from + at));
    }
}

fn build_automaton() -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(KEYS)
}

/// True when a key (any case) ends just before the separator at `sep` (`=`, `:` or the `>`
/// of an XML element), allowing the blanks and the closing quote that [`key_span`] allows
/// between them. Scanning for separators with memchr is several times faster than an
/// automaton over all text.
fn key_before(input: &[u8], sep: usize) -> bool {
    let mut j = sep;
    if input[sep] != b'>' {
        while j > 0 && matches!(input[j - 1], b' ' | b'\t') {
            j -= 1;
        }
        if j > 0 && matches!(input[j - 1], b'"' | b'\'') {
            j -= 1;
        }
    }
    ends_with_key(&input[..j])
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
    fn more_key_words_options_xml_and_urls() {
        let cases = [
            (
                "pass=PassPw secret=S1 token=T1 apikey=A1 api_key=A2\n",
                "pass=***** secret=***** token=***** apikey=***** api_key=*****\n",
            ),
            ("pwd: PwdPw\n", "pwd: *****\n"),
            (
                "{\"client_secret\": \"cs\", \"access_token\":\"at\"}\n",
                "{\"client_secret\": \"*****\", \"access_token\":\"*****\"}\n",
            ),
            ("cmd --password FlagPw --next\n", "cmd --password ***** --next\n"),
            (
                "keytool -list -storepass changeit -v\n",
                "keytool -list -storepass ***** -v\n",
            ),
            ("--db-password 'a b' x\n", "--db-password '*****' x\n"),
            (
                "<cfg><password>X1</password><ns:dbPassword>X2</ns:dbPassword></cfg>\n",
                "<cfg><password>*****</password><ns:dbPassword>*****</ns:dbPassword></cfg>\n",
            ),
            (
                "see https://admin:UiPw@mail.example.com/x and ftp://u@h\n",
                "see https://admin:*****@mail.example.com/x and ftp://u@h\n",
            ),
            // Not secrets: words that only contain a key, a key without a value, ports.
            (
                "pass 3 of 5; tokens=5 passes=2 --password-file f\n",
                "pass 3 of 5; tokens=5 passes=2 --password-file f\n",
            ),
            (
                "http://host:8080/x <pw/> --password --next\n",
                "http://host:8080/x <pw/> --password --next\n",
            ),
        ];
        for (i, o) in cases {
            assert_eq!(run(&[], i).0, o, "{i}");
        }
    }

    #[test]
    fn stored_password_in_its_encodings() {
        use base64ct::Encoding;
        let pw = "p@ss/w:rd é+1";
        let b64 = base64ct::Base64::encode_string(pw.as_bytes());
        let b64_user = base64ct::Base64::encode_string(format!("anyone:{pw}").as_bytes());
        for text in [
            "x=p%40ss%2Fw%3Ard%20%C3%A9%2B1&y".to_owned(),
            "x=p%40ss%2fw%3ard+%c3%a9%2b1&y".to_owned(),
            "{\"a\": \"p@ss\\/w:rd \\u00e9+1\"}".to_owned(),
            format!("blob {b64} end"),
            format!("Basic {b64_user}"),
        ] {
            let (o, n) = run(&[pw], &format!("{text}\n"));
            assert!(n >= 1 && o.contains("*****"), "{text} -> {o}");
            assert!(
                !o.contains("%40ss") && !o.contains(&b64) && !o.contains(&b64_user),
                "{text} -> {o}"
            );
        }
        // A JSON-escaped password holding a literal %XX (found by fuzzing: one view at a time).
        let (o, _) = run(&["p%41x/"], "{\"a\": \"p%41x\\/\"}\n");
        assert_eq!(o, "{\"a\": \"*****\"}\n");
        // A short password is matched in base64 only as a whole token.
        let (o, _) = run(&["abc"], "t YWJj x QYWJjQ\n");
        assert_eq!(o, "t ***** x QYWJjQ\n");
    }

    #[test]
    fn the_line_cut_never_splits_a_stored_password() {
        let s = Secret::from("S3cr3t-pw");
        let r = Redactor::new(&[&s]).unwrap();
        for k in 1..9 {
            let mut buf = vec![b'x'; 1000 - k];
            buf.extend_from_slice(b"S3cr3t-pw");
            buf.extend_from_slice(&[b'y'; 100]);
            let cut = r.cut_point(&buf);
            assert!(cut <= buf.len());
            let (a, b) = buf.split_at(cut);
            let (mut oa, mut ob) = (Vec::new(), Vec::new());
            let _ = r.redact(a, false, &mut oa);
            let _ = r.redact(b, false, &mut ob);
            oa.extend_from_slice(&ob);
            assert!(memmem::find(&oa, b"S3cr3t").is_none(), "k={k}");
        }
        // Occurrences from the very start: the cut moves forward past them (found by fuzzing).
        let s = Secret::from("2\0");
        let r = Redactor::new(&[&s]).unwrap();
        assert!(r.cut_point(b"2\0 tail") >= 2);
        assert!(![1, 3].contains(&r.cut_point(b"2\x002\x00xy")));
        assert_eq!(r.cut_point(b""), 0);
        // A blank near the end is preferred.
        let mut buf = vec![b'x'; 500];
        buf.push(b' ');
        buf.extend_from_slice(&[b'z'; 300]);
        assert_eq!(Redactor::new(&[]).unwrap().cut_point(&buf), 501);
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
