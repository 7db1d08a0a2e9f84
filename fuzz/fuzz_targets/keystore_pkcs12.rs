//! The PKCS#12 DER walk, MAC dispatch (RFC 7292 / RFC 9579) and bag listing on arbitrary input:
//! never panics. The iteration limit is low so the fuzzer measures parsing, not the KDF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::keystore::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_iterations: 16,
        ..Limits::default()
    };
    let _ = keystore::verify(data, "changeit", &limits);
    let _ = keystore::verify(data, "", &limits);
    let _ = keystore::verify(data, "pässwörd🔑", &limits);
});
