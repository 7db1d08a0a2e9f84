//! The store decoder on arbitrary input: `format::decode` must never panic (only the magic,
//! version, key id and GCM tag decide, in that order), and the settings parser must never
//! panic on any plaintext that decryption could hand it.
//!
//! Random bytes practically never pass the AES-GCM tag, so the second half encrypts the
//! input itself and feeds the decrypted result to the parser: that is the only way to fuzz
//! the code that runs after a successful decryption.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::store::Settings;
use travelerutil::store::format::{self, Key};

fuzz_target!(|data: &[u8]| {
    let key = Key::from_parts([0x5a; 16], [0xa5; 32]);

    if let Ok(plaintext) = format::decode(&key, data) {
        let _ = Settings::from_plaintext(&plaintext);
    }

    let Ok(encoded) = format::encode(&key, data) else {
        return;
    };
    let Ok(plaintext) = format::decode(&key, &encoded) else {
        panic!("own encoding did not decode")
    };
    assert_eq!(&plaintext[..], data, "round trip changed the plaintext");
    if let Ok(settings) = Settings::from_plaintext(&plaintext) {
        // What parsed must serialize and parse back to the same settings.
        let Ok(again) = settings.to_plaintext() else {
            panic!("parsed settings do not serialize")
        };
        assert_eq!(
            Settings::from_plaintext(&again).ok(),
            Some(settings),
            "settings round trip differs"
        );
    }
});
