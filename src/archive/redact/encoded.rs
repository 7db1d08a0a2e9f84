//! The other spellings of a stored password that logs and config files carry: base64 (alone,
//! or inside `user:password`), URL encoding (`%40`, any hex case, `+` for a space) and JSON
//! string escapes (`\/`, `\uXXXX`).
//!
//! Base64 cannot be searched for by encoding the password once: inside `user:password` its
//! characters depend on where the password starts modulo 3. So each of the three alignments
//! gives a "core", the run of base64 characters that only the password's bits decide
//! (RFC 4648 §4), and a core found anywhere masks the whole base64 token around it. A
//! password too short for a distinctive core (under 6 bytes) is matched only as a whole token:
//! its own encoding, or `user:password` for the user names the store holds.
//!
//! URL and JSON escapes are undone instead ([`decoded`]): a line holding `%` or `\` is searched
//! again in its decoded form, and a match masks the escaped text it came from, whichever
//! characters the encoder chose to escape.

use base64ct::{Base64Unpadded, Base64UrlUnpadded, Encoding};

/// How a needle found in the text is turned into a span to mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needle {
    /// The password itself: masked where found (also in the decoded view of a line).
    Exact,
    /// A base64 core: the whole base64 token around it is masked.
    Base64Core,
    /// A complete base64 encoding: masked only when it is the whole token.
    Base64Whole,
}

/// Shortest core searched for: 6 base64 characters (36 bits), so that a core does not turn up
/// by chance in the base64 blobs logs carry (certificates, attachments).
const MIN_CORE: usize = 6;

/// Every needle derived from one password, with its kind.
pub fn needles(secret: &[u8], users: &[&str]) -> Vec<(Vec<u8>, Needle)> {
    let mut out = vec![(secret.to_vec(), Needle::Exact)];
    let mut cores = Vec::new();
    for shift in 0..3usize {
        let mut buf = vec![0u8; shift];
        buf.extend_from_slice(secret);
        for enc in [
            Base64Unpadded::encode_string(&buf),
            Base64UrlUnpadded::encode_string(&buf),
        ] {
            let from = (8 * shift).div_ceil(6);
            let to = (8 * (shift + secret.len())) / 6;
            if to >= from + MIN_CORE {
                cores.push(enc.as_bytes()[from..to].to_vec());
            }
        }
    }
    if cores.is_empty() {
        // Too short for a core: whole encodings only.
        out.push((Base64Unpadded::encode_string(secret).into_bytes(), Needle::Base64Whole));
        for u in users {
            let mut up = u.as_bytes().to_vec();
            up.push(b':');
            up.extend_from_slice(secret);
            out.push((Base64Unpadded::encode_string(&up).into_bytes(), Needle::Base64Whole));
        }
    }
    cores.sort();
    cores.dedup();
    out.extend(cores.into_iter().map(|c| (c, Needle::Base64Core)));
    out
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// The base64 token around `[start, end)`.
pub fn token_around(line: &[u8], start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    while s > 0 && is_b64(line[s - 1]) {
        s -= 1;
    }
    let mut e = end;
    while e < line.len() && is_b64(line[e]) {
        e += 1;
    }
    (s, e)
}

/// True when `[start, end)` is a whole base64 token (padding after it allowed).
pub fn is_whole_token(line: &[u8], start: usize, end: usize) -> bool {
    let (s, e) = token_around(line, start, end);
    s == start && line[end..e].iter().all(|&b| b == b'=')
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex4(b: &[u8]) -> Option<u32> {
    if b.len() < 4 {
        return None;
    }
    b[..4]
        .iter()
        .try_fold(0u32, |acc, &c| hex(c).map(|h| acc * 16 + u32::from(h)))
}

/// A decoded line, and for each of its bytes the span of the original line it came from.
pub type Decoded = (Vec<u8>, Vec<(usize, usize)>);

/// Which escapes [`decoded`] undoes: one encoding at a time, since a JSON string may hold a
/// literal `%55` and a URL a literal backslash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `%XX` (RFC 3986 §2.1).
    Url,
    /// `%XX`, and `+` for a space (HTML form encoding).
    Form,
    /// JSON string escapes (RFC 8259 §7).
    Json,
}

/// `line` with the escapes of `view` undone, and for each decoded byte the span of `line` it
/// came from. `None` when nothing was escaped.
pub fn decoded(line: &[u8], view: View) -> Option<Decoded> {
    let mut out = Vec::with_capacity(line.len());
    let mut map = Vec::with_capacity(line.len());
    let mut changed = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        let (bytes, len): (Vec<u8>, usize) = match b {
            b'%' if view != View::Json => match (
                line.get(i + 1).and_then(|&c| hex(c)),
                line.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => (vec![h * 16 + l], 3),
                _ => (vec![b], 1),
            },
            b'+' if view == View::Form => (vec![b' '], 1),
            b'\\' if view == View::Json => json_escape(&line[i..]).unwrap_or((vec![b], 1)),
            _ => (vec![b], 1),
        };
        changed |= len > 1 || bytes != [b];
        for x in bytes {
            out.push(x);
            map.push((i, i + len));
        }
        i += len;
    }
    changed.then_some((out, map))
}

/// One JSON escape at the start of `s` (RFC 8259 §7): its bytes and length.
fn json_escape(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let simple = match s.get(1)? {
        b'/' => b'/',
        b'\\' => b'\\',
        b'"' => b'"',
        b'\'' => b'\'',
        b'b' => 8,
        b'f' => 12,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'u' => {
            let hi = hex4(&s[2..])?;
            let (c, len) = if (0xD800..0xDC00).contains(&hi) && s.get(6..8) == Some(b"\\u") {
                let lo = hex4(&s[8..])?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
            } else {
                (hi, 6)
            };
            let ch = char::from_u32(c)?;
            let mut buf = [0u8; 4];
            return Some((ch.encode_utf8(&mut buf).as_bytes().to_vec(), len));
        }
        _ => return None,
    };
    Some((vec![simple], 2))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn base64_cores_match_every_alignment() {
        let pw = b"Db-S3cr3t-9f2k";
        let ns = needles(pw, &[]);
        for prefix in ["", "u:", "db2inst1:", "ab:"] {
            let mut plain = prefix.as_bytes().to_vec();
            plain.extend_from_slice(pw);
            let enc = base64ct::Base64::encode_string(&plain);
            let hit = ns
                .iter()
                .filter(|(_, k)| *k == Needle::Base64Core)
                .any(|(n, _)| enc.as_bytes().windows(n.len()).any(|w| w == n.as_slice()));
            assert!(hit, "{prefix}: {enc}");
        }
        // Short passwords: whole encodings only, users included.
        let ns = needles(b"abc", &["u"]);
        assert!(ns.contains(&(b"YWJj".to_vec(), Needle::Base64Whole)));
        assert!(ns.contains(&(b"dTphYmM".to_vec(), Needle::Base64Whole)));
    }

    #[test]
    fn url_and_json_escapes_are_undone() {
        let (d, map) = decoded(b"x=p%40ss%2fw and \\u00e9\\/ok", View::Url).unwrap();
        assert_eq!(String::from_utf8(d.clone()).unwrap(), "x=p@ss/w and \\u00e9\\/ok");
        let at = d.iter().position(|&b| b == b'@').unwrap();
        assert_eq!(map[at], (3, 6));
        let (d, _) = decoded(b"x=p%40ss and \\u00e9\\/ok", View::Json).unwrap();
        assert_eq!(String::from_utf8(d).unwrap(), "x=p%40ss and é/ok");
        assert_eq!(decoded(b"a+b", View::Form).unwrap().0, b"a b");
        assert!(decoded(b"a+b", View::Url).is_none());
        assert!(decoded(b"plain 100% sure", View::Url).is_none());
        let (d, _) = decoded(b"\\ud83d\\ude00", View::Json).unwrap();
        assert_eq!(d, "\u{1f600}".as_bytes());
        assert!(is_whole_token(b"x YWJj== y", 2, 6));
        assert!(!is_whole_token(b"x QYWJj y", 3, 7));
    }
}
