//! The JKS/JCEKS parser, digest check and key-protection check on arbitrary bodies behind
//! both magics: never panics. A keyed digest is appended so some inputs pass the integrity check
//! and reach the entry listing with a *valid* store.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::keystore::{self, Limits};

fuzz_target!(|data: &[u8]| {
    // Low so a crafted JCEKS key (PBEWithMD5AndTripleDES) measures parsing, not MD5 rounds.
    let low = Limits {
        max_iterations: 16,
        ..Limits::default()
    };
    for magic in [[0xfe, 0xed, 0xfe, 0xed], [0xce, 0xce, 0xce, 0xce]] {
        let mut store = magic.to_vec();
        store.extend_from_slice(data);
        let _ = keystore::verify(&store, "pw", &low);
        let _ = keystore::verify_key_password_with_limits(&store, "mykey", "pw", &low);
        let digest = keystore::jks::keyed_digest("pw", &store);
        store.extend_from_slice(&digest);
        if let Ok(v) = keystore::verify(&store, "pw", &low) {
            assert!(v.entries.iter().all(|e| e.alias.is_some()));
        }
    }
});
