//! The X.509 summary (names as RFC 4514 strings, UTCTime/GeneralizedTime, basicConstraints) and
//! the PEM export on arbitrary DER: never panics, and a summary's fingerprint is always 32
//! colon-separated pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use travelerutil::keystore;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = keystore::cert_info(data) {
        assert_eq!(info.sha256_fingerprint.len(), 32 * 3 - 1);
        let _ = info.days_left(0);
        let _ = info.days_left(i64::MAX);
        let _ = info.days_left(i64::MIN);
    }
    let pem = keystore::certs_to_pem(&[data.to_vec()]);
    assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
});
