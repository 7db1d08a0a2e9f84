//! Masking of secrets in messages that quote what was typed (clap's errors, batch lines): on
//! arbitrary words (NUL-separated) no panic, and no word with a secret key (`pw=…`,
//! `keystorepw=…`, `password=…`) survives whole in a message that quotes every word.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::secret::{MASK, is_secret_key, mask_words};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let words: Vec<&str> = text.split('\0').collect();
    let message: String = words.iter().map(|w| format!("unexpected argument '{w}' found\n")).collect();
    let masked = mask_words(&message, &words);
    for w in &words {
        let Some((k, v)) = w.split_once('=') else { continue };
        // Empty and `-` (standard input) are not secrets; a value that holds the mask itself
        // cannot be told from its masked form.
        if v.is_empty() || v == "-" || MASK.contains(v) || v.contains(MASK) || !is_secret_key(k) {
            continue;
        }
        assert!(!masked.contains(w), "{w:?} survived masking:\n{masked}");
    }
});
