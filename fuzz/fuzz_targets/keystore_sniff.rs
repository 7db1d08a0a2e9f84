//! Sniffing and the top-level dispatcher on arbitrary bytes: never panics, and a detected type
//! is never contradicted by `verify` saying "not a keystore".
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::keystore::{self, KeystoreError, Limits, StoreType};

fuzz_target!(|data: &[u8]| {
    let detected = keystore::sniff(data);
    let limits = Limits {
        max_iterations: 256,
        ..Limits::default()
    };
    let result = keystore::verify(data, "changeit", &limits);
    if matches!(detected, StoreType::Jks | StoreType::Jceks | StoreType::Pkcs12) {
        assert!(!matches!(
            result,
            Err(KeystoreError::NotAKeystore { .. }) | Err(KeystoreError::Empty)
        ));
    }
});
