//! The support-bundle redactor on arbitrary text: never panics; a planted secret (no `*`,
//! no line break) never survives; `pw=` values never survive; and redacting in two chunks cut
//! at a line end (the state carried by `pem_state_after`, as the collector does) gives the
//! same bytes as redacting at once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::archive::redact::{Redactor, pem_state_after};
use travelerutil::secret::Secret;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 24).min(rest.len());
    let (secret, text) = rest.split_at(n);
    let Ok(secret) = std::str::from_utf8(secret) else { return };
    let plantable = !secret.is_empty() && !secret.contains(['*', '\n', '\r']);
    let s = Secret::from(secret);
    let r = Redactor::new(&[&s]).unwrap();
    let mut whole = Vec::new();
    let (_, end_state) = r.redact(text, false, &mut whole);
    if plantable {
        assert!(!contains(&whole, secret.as_bytes()), "secret survived");
        // Planted in the middle of a log line, too.
        let mut t = text.to_vec();
        t.extend_from_slice(b"\nlog line ");
        t.extend_from_slice(secret.as_bytes());
        t.extend_from_slice(b" end\n");
        let mut o = Vec::new();
        let _ = r.redact(&t, false, &mut o);
        assert!(!contains(&o, secret.as_bytes()), "planted secret survived");
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
});
