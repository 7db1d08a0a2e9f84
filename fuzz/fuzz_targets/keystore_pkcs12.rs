//! The PKCS#12 DER walk, MAC dispatch (RFC 7292 / RFC 9579), bag decryption (PBES2, PKCS#12 PBE),
//! the no-MAC and "password right, file modified" paths, shrouded-key passwords and the X.509
//! summary of every listed certificate, on arbitrary input: never panics. The iteration limit
//! is low so the fuzzer measures parsing and decryption, not the KDF; seed the corpus with files
//! from `openssl pkcs12 -export -noiter -nomaciter [-legacy|-nomac]` so decryption is reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::keystore::{self, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_iterations: 16,
        ..Limits::default()
    };
    for pw in ["changeit", "", "pässwörd🔑"] {
        if let Ok(v) = keystore::verify(data, pw, &limits) {
            for e in &v.entries {
                for c in &e.certificates {
                    let _ = keystore::cert_info(c);
                }
            }
            let _ = keystore::certs_to_pem(&v.entries.iter().flat_map(|e| e.certificates.clone()).collect::<Vec<_>>());
            let _ = keystore::trusted_certificates(&v);
        }
    }
    let _ = keystore::verify_key_password_with_limits(data, "traveler", "changeit", &limits);
});
