//! verify(), verify_key_password() and cert_info() never panic, whatever the bytes (including
//! inputs that start with each store type's magic, so the parsers behind sniffing are reached);
//! the PEM export round-trips.

use base64ct::Encoding;
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
        let _ = keystore::verify_key_password_with_limits(&bytes, "mykey", &pw, &limits);
        let _ = keystore::cert_info(&bytes);
    }

    /// The PEM export decodes back to the same DER (RFC 7468 §2: lines of at most 64 characters).
    #[test]
    fn pem_round_trips(certs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..4)) {
        let pem = keystore::certs_to_pem(&certs);
        let mut decoded = Vec::new();
        let mut body = String::new();
        for line in pem.lines() {
            prop_assert!(line.len() <= 64 || line.starts_with("-----"));
            match line {
                "-----BEGIN CERTIFICATE-----" => body.clear(),
                "-----END CERTIFICATE-----" => decoded.push(base64ct::Base64::decode_vec(&body).unwrap()),
                l => body.push_str(l),
            }
        }
        prop_assert_eq!(decoded, certs);
    }
}
