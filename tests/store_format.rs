//! The pure store format: round trips, fresh nonces, and that every corruption, truncation or
//! wrong key is reported as an error (never accepted, never a panic).
#![allow(clippy::unwrap_used, clippy::panic)] // tests: a failed unwrap is a failed test

use proptest::prelude::*;
use travelerutil::store::format::{self, HEADER_LEN, KEY_FILE_LEN, Key, MIN_STORE_LEN};
use travelerutil::store::{FormatError, StoreError};

fn key() -> Key {
    Key::from_parts([0x11; 16], [0x22; 32])
}

const PLAINTEXT: &[u8] = br#"{"version":1,"db":{"url":"jdbc:db2://h:50000/T","password":"hunter2"}}"#;

fn format_error(r: Result<impl std::fmt::Debug, StoreError>) -> FormatError {
    match r {
        Err(StoreError::Format(f)) => f,
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn round_trip() {
    let k = key();
    let enc = format::encode(&k, PLAINTEXT).unwrap();
    assert_eq!(enc.len(), MIN_STORE_LEN + PLAINTEXT.len());
    assert_eq!(&**format::decode(&k, &enc).unwrap(), PLAINTEXT);
}

#[test]
fn generated_keys_round_trip_and_differ() {
    let a = Key::generate().unwrap();
    let b = Key::generate().unwrap();
    assert_ne!(a.id(), b.id());
    let enc = format::encode(&a, PLAINTEXT).unwrap();
    assert_eq!(&**format::decode(&a, &enc).unwrap(), PLAINTEXT);
    assert!(matches!(format_error(format::decode(&b, &enc)), FormatError::WrongKey));
    let file = a.to_file_bytes();
    assert_eq!(file.len(), KEY_FILE_LEN);
    assert_eq!(Key::from_file_bytes(&file).unwrap(), a);
}

#[test]
fn fresh_nonce_on_every_encode() {
    let k = key();
    let a = format::encode(&k, PLAINTEXT).unwrap();
    let b = format::encode(&k, PLAINTEXT).unwrap();
    assert_ne!(a, b);
    assert_eq!(a[..HEADER_LEN], b[..HEADER_LEN], "the header is deterministic");
    assert_ne!(
        a[HEADER_LEN..HEADER_LEN + 12],
        b[HEADER_LEN..HEADER_LEN + 12],
        "nonces differ"
    );
}

#[test]
fn plaintext_never_appears_in_the_output() {
    let enc = format::encode(&key(), PLAINTEXT).unwrap();
    assert!(!enc.windows(7).any(|w| w == b"hunter2"));
    assert!(!enc.windows(4).any(|w| w == b"jdbc"));
}

#[test]
fn every_single_byte_corruption_is_detected() {
    let k = key();
    let enc = format::encode(&k, PLAINTEXT).unwrap();
    for pos in 0..enc.len() {
        for mask in [0x01u8, 0x80] {
            let mut bad = enc.clone();
            bad[pos] ^= mask;
            let err = format_error(format::decode(&k, &bad));
            let expected = match pos {
                0..8 => matches!(err, FormatError::NotAStore),
                8..10 => matches!(err, FormatError::UnsupportedVersion { .. }),
                10..26 => matches!(err, FormatError::WrongKey),
                _ => matches!(err, FormatError::Tampered),
            };
            assert!(expected, "byte {pos} ^ {mask:#04x}: unexpected {err:?}");
        }
    }
}

#[test]
fn truncation_at_every_length_is_detected() {
    let k = key();
    let enc = format::encode(&k, PLAINTEXT).unwrap();
    for len in 0..enc.len() {
        let err = format_error(format::decode(&k, &enc[..len]));
        let expected = if len < HEADER_LEN {
            matches!(err, FormatError::NotAStore)
        } else {
            matches!(err, FormatError::Tampered)
        };
        assert!(expected, "length {len}: unexpected {err:?}");
    }
}

#[test]
fn appended_bytes_are_detected() {
    let k = key();
    let mut enc = format::encode(&k, PLAINTEXT).unwrap();
    enc.push(0);
    assert!(matches!(format_error(format::decode(&k, &enc)), FormatError::Tampered));
}

#[test]
fn wrong_key_is_wrong_key() {
    let enc = format::encode(&key(), PLAINTEXT).unwrap();
    let other = Key::from_parts([0x12; 16], [0x22; 32]);
    assert!(matches!(
        format_error(format::decode(&other, &enc)),
        FormatError::WrongKey
    ));
}

#[test]
fn same_id_different_key_bytes_is_tampered() {
    let enc = format::encode(&key(), PLAINTEXT).unwrap();
    let mut bytes = [0x22; 32];
    bytes[31] = 0x23;
    let imposter = Key::from_parts([0x11; 16], bytes);
    assert!(matches!(
        format_error(format::decode(&imposter, &enc)),
        FormatError::Tampered
    ));
}

#[test]
fn swapped_header_from_another_store_is_detected() {
    // The header is GCM associated data: splicing one store's header onto another store's body
    // (same key) must fail even though each part is individually valid.
    let k = key();
    let a = format::encode(&k, b"{}").unwrap();
    let b = format::encode(&k, PLAINTEXT).unwrap();
    let mut spliced = a[..HEADER_LEN + 12].to_vec();
    spliced.extend_from_slice(&b[HEADER_LEN + 12..]);
    assert!(matches!(
        format_error(format::decode(&k, &spliced)),
        FormatError::Tampered
    ));
}

#[test]
fn key_file_errors() {
    let file = key().to_file_bytes();
    for len in 0..KEY_FILE_LEN {
        assert!(matches!(
            format_error(Key::from_file_bytes(&file[..len])),
            FormatError::KeyInvalid
        ));
    }
    for pos in 0..8 {
        let mut bad = file.to_vec();
        bad[pos] ^= 0x01;
        assert!(matches!(
            format_error(Key::from_file_bytes(&bad)),
            FormatError::KeyInvalid
        ));
    }
}

#[test]
fn format_errors_gain_paths_at_the_file_layer() {
    use std::path::Path;
    let (s, k) = (Path::new("/d/travelerutil.store"), Path::new("/d/travelerutil.key"));
    let e = FormatError::WrongKey.at(s, k);
    assert!(matches!(&e, StoreError::WrongKey { store, key } if store == s && key == k));
    let msg = FormatError::Tampered.at(s, k).to_string();
    assert!(
        msg.starts_with("/d/travelerutil.store failed its integrity check (AES-GCM tag mismatch)"),
        "{msg}"
    );
}

proptest! {
    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert!(format::decode(&key(), &bytes).is_err());
    }

    #[test]
    fn decode_never_panics_with_a_valid_header(tail in proptest::collection::vec(any::<u8>(), 0..120)) {
        let mut bytes = format::encode(&key(), b"")?[..HEADER_LEN].to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert!(matches!(format::decode(&key(), &bytes), Err(StoreError::Format(FormatError::Tampered))));
    }

    #[test]
    fn round_trip_any_plaintext(pt in proptest::collection::vec(any::<u8>(), 0..300)) {
        let enc = format::encode(&key(), &pt)?;
        prop_assert_eq!(&**format::decode(&key(), &enc)?, &pt[..]);
    }
}
