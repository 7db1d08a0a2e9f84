//! verify() and verify_key_password() never panic, whatever the bytes (including inputs that
//! start with each store type's magic, so the parsers behind sniffing are reached).

use proptest::prelude::*;
use travelerutil::keystore::{self, Limits};

fn prefixed() -> impl Strategy<Value = Vec<u8>> {
    let magic = prop_oneof![
        Just(vec![]),
        Just(vec![0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]),
        Just(vec![0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]),
        Just(vec![0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03]),
        Just(b"-----BEGIN ".to_vec()),
    ];
    (magic, proptest::collection::vec(any::<u8>(), 0..512)).prop_map(|(mut m, rest)| {
        m.extend(rest);
        m
    })
}

proptest! {
    #[test]
    fn never_panics(bytes in prefixed(), pw in ".{0,12}") {
        // Low iteration limit: random MacData must not make the test slow.
        let limits = Limits { max_iterations: 64, ..Limits::default() };
        let _ = keystore::sniff(&bytes);
        let _ = keystore::verify(&bytes, &pw, &limits);
        let _ = keystore::verify_key_password(&bytes, "mykey", &pw);
    }
}
