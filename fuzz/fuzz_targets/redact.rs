//! The support-bundle redactor on arbitrary text: never panics; a planted secret (no `*`,
//! no line break) never survives, neither as it is nor URL-encoded, JSON-escaped or in base64
//! (alone, or as `user:secret`); `pw=` values never survive; redacting in two chunks cut at a
//! line end (the state carried by `pem_state_after`, as the collector does) gives the same bytes
//! as redacting at once; and a long line cut where `cut_point` says never splits the secret.
#![no_main]

use base64ct::Encoding;
use libfuzzer_sys::fuzz_target;
use travelerutil::archive::redact::{Redactor, pem_state_after};
use travelerutil::secret::Secret;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn url_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn json_escaped(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '/' => o.push_str("\\/"),
            c if !c.is_ascii() || c.is_control() => {
                let mut b = [0u16; 2];
                for u in c.encode_utf16(&mut b) {
                    o.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => o.push(c),
        }
    }
    o
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 24).min(rest.len());
    let (secret, text) = rest.split_at(n);
    let Ok(secret) = std::str::from_utf8(secret) else { return };
    let plantable = !secret.is_empty() && !secret.contains(['*', '\n', '\r']);
    let s = Secret::from(secret);
    let r = Redactor::with_users(&[&s], &["u"]).unwrap();
    let mut whole = Vec::new();
    let (_, end_state) = r.redact(text, false, &mut whole);
    if plantable {
        assert!(!contains(&whole, secret.as_bytes()), "secret survived");
        // Planted in the middle of log lines, in every form.
        let forms = [
            secret.to_owned(),
            url_encoded(secret),
            json_escaped(secret),
            base64ct::Base64::encode_string(secret.as_bytes()),
            base64ct::Base64::encode_string(format!("u:{secret}").as_bytes()),
        ];
        // The password itself, in the middle of the text.
        let mut t = text.to_vec();
        t.extend_from_slice(b"\nlog line ");
        t.extend_from_slice(secret.as_bytes());
        t.extend_from_slice(b" end\n");
        let mut o = Vec::new();
        let _ = r.redact(&t, false, &mut o);
        assert!(!contains(&o, secret.as_bytes()), "planted secret survived");
        // Each form on log lines of its own (the fuzzed text may hold a form's characters by
        // chance, inside other base64 or escapes, so it is left out here).
        let mut planted = Vec::new();
        for f in &forms {
            planted.extend_from_slice(b"log line ");
            planted.extend_from_slice(f.as_bytes());
            planted.extend_from_slice(b" end\n");
        }
        let mut o = Vec::new();
        let _ = r.redact(&planted, false, &mut o);
        for f in &forms {
            assert!(!contains(&o, f.as_bytes()), "planted form {f:?} survived");
        }
        // One long line cut where cut_point says: the secret is never split.
        let mut line: Vec<u8> = text.iter().copied().filter(|&b| b != b'\n').collect();
        line.extend_from_slice(secret.as_bytes());
        line.extend_from_slice(b" tail");
        let cut = r.cut_point(&line);
        assert!(cut >= 1 && cut <= line.len());
        let (a, b) = line.split_at(cut);
        let mut o = Vec::new();
        let _ = r.redact(a, false, &mut o);
        let _ = r.redact(b, false, &mut o);
        if !secret.contains("-----") {
            assert!(!contains(&o, secret.as_bytes()), "secret split by the cut survived");
        }
    }
    // Chunked at every line end that splits the input: identical output and end state.
    if let Some(cut) = text.iter().position(|&b| b == b'\n').map(|i| i + 1) {
        let (a, b) = text.split_at(cut);
        let mut o = Vec::new();
        let (_, st) = r.redact(a, false, &mut o);
        assert_eq!(st, pem_state_after(a, false), "pem state differs");
        let (_, st2) = r.redact(b, st, &mut o);
        assert_eq!(st2, end_state);
        assert_eq!(o, whole, "chunked redaction differs");
    }
    let _ = r.redact_str(&String::from_utf8_lossy(text));
    let _ = r.redact_bytes(text);
});
