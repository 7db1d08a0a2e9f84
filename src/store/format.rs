//! The on-disk formats of the key file and the store file. Pure: no I/O, no paths.
//!
//! Key file (56 bytes):
//!
//! ```text
//! "TRVUKEY\x01" (8) ‖ key id (16, random) ‖ AES-256 key (32, random)
//! ```
//!
//! Store file:
//!
//! ```text
//! header = "TRVUSTO\x01" (8) ‖ format version u16 BE (2) ‖ key id (16)     -- 26 bytes
//! header ‖ nonce (12, random per write) ‖ AES-256-GCM(key, nonce, aad = header, plaintext) ‖ tag (16)
//! ```
//!
//! The header travels in clear (so a wrong key or a newer format can be reported precisely
//! before any decryption) but is bound to the ciphertext as GCM associated data, so editing a
//! single header byte still fails authentication.

use std::fmt;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadCore, AeadInOut, KeyInit};
use zeroize::Zeroizing;

use super::error::{FormatError, StoreError};

/// First 8 bytes of a key file. The trailing byte is the key-file layout revision.
pub const KEY_MAGIC: [u8; 8] = *b"TRVUKEY\x01";
/// First 8 bytes of a store file.
pub const STORE_MAGIC: [u8; 8] = *b"TRVUSTO\x01";
/// The only store format version this build reads and writes.
pub const FORMAT_VERSION: u16 = 1;
/// Length of the random key identifier shared by a key file and the stores it encrypts.
pub const KEY_ID_LEN: usize = 16;
/// AES-256 key length.
pub const KEY_LEN: usize = 32;
/// Exact length of a key file.
pub const KEY_FILE_LEN: usize = KEY_MAGIC.len() + KEY_ID_LEN + KEY_LEN;
/// Store header length: magic, version, key id.
pub const HEADER_LEN: usize = STORE_MAGIC.len() + 2 + KEY_ID_LEN;
/// GCM nonce length: the 96-bit IV that NIST SP 800-38D §5.2.1.1 recommends.
pub const NONCE_LEN: usize = 12;
/// GCM tag length: the full 128 bits (NIST SP 800-38D §5.2.1.2).
pub const TAG_LEN: usize = 16;
/// Shortest possible store file (empty plaintext).
pub const MIN_STORE_LEN: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

type GcmNonce = aes_gcm::aead::Nonce<Aes256Gcm>;
type GcmTag = aes_gcm::aead::Tag<Aes256Gcm>;
type GcmKey = aes_gcm::Key<Aes256Gcm>;

/// The store key: a random 128-bit identifier and a random 256-bit AES key.
///
/// Both live in zeroizing arrays; `Debug` shows the id only.
#[derive(Clone, PartialEq, Eq)]
pub struct Key {
    id: Zeroizing<[u8; KEY_ID_LEN]>,
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl Key {
    /// A new key from the operating system's CSPRNG.
    ///
    /// # Errors
    /// [`FormatError::Random`] (wrapped in [`StoreError::Format`]) if the OS has no randomness.
    pub fn generate() -> Result<Key, StoreError> {
        let mut id = Zeroizing::new([0u8; KEY_ID_LEN]);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(&mut id[..]).map_err(FormatError::Random)?;
        getrandom::fill(&mut key[..]).map_err(FormatError::Random)?;
        Ok(Key { id, key })
    }

    /// A key from its parts (tests, tools). Prefer [`Key::generate`].
    #[must_use]
    pub fn from_parts(id: [u8; KEY_ID_LEN], key: [u8; KEY_LEN]) -> Key {
        Key {
            id: Zeroizing::new(id),
            key: Zeroizing::new(key),
        }
    }

    /// Parses the contents of a key file.
    ///
    /// # Errors
    /// [`FormatError::KeyInvalid`] if the length or the magic is wrong.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Key, StoreError> {
        let invalid = || StoreError::Format(FormatError::KeyInvalid);
        let bytes: &[u8; KEY_FILE_LEN] = bytes.try_into().map_err(|_| invalid())?;
        let (magic, rest) = bytes.split_first_chunk::<8>().ok_or_else(invalid)?;
        if *magic != KEY_MAGIC {
            return Err(invalid());
        }
        let (id, key) = rest.split_first_chunk::<KEY_ID_LEN>().ok_or_else(invalid)?;
        let key: &[u8; KEY_LEN] = key.try_into().map_err(|_| invalid())?;
        Ok(Key {
            id: Zeroizing::new(*id),
            key: Zeroizing::new(*key),
        })
    }

    /// The contents of the key file for this key.
    #[must_use]
    pub fn to_file_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(KEY_FILE_LEN));
        out.extend_from_slice(&KEY_MAGIC);
        out.extend_from_slice(&self.id[..]);
        out.extend_from_slice(&self.key[..]);
        out
    }

    /// The public identifier that store headers carry.
    #[must_use]
    pub fn id(&self) -> &[u8; KEY_ID_LEN] {
        &self.id
    }

    fn cipher(&self) -> Aes256Gcm {
        // Borrow the array as the cipher's key type: no unzeroized stack copy of the key.
        // (The expanded key schedule inside `Aes256Gcm` is zeroized on drop by the `zeroize`
        // feature of aes-gcm.)
        Aes256Gcm::new(<&GcmKey>::from(&*self.key))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key {{ id: ")?;
        for b in self.id.iter() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ", key: ***** }}")
    }
}

fn header(key_id: &[u8; KEY_ID_LEN]) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    let (magic, rest) = h.split_at_mut(STORE_MAGIC.len());
    magic.copy_from_slice(&STORE_MAGIC);
    let (version, id) = rest.split_at_mut(2);
    version.copy_from_slice(&FORMAT_VERSION.to_be_bytes());
    id.copy_from_slice(key_id);
    h
}

/// Encrypts `plaintext` into a complete store file.
///
/// Every call draws a fresh random 96-bit nonce. NIST SP 800-38D §8.2.2 allows random IVs as
/// long as the number of invocations under one key stays below 2^32; a store is rewritten a
/// handful of times per admin action, so the collision probability stays negligible (and a
/// nonce collision under GCM would leak the XOR of two plaintexts and the GHASH key, which is
/// why the nonce is never derived from anything predictable or reused).
///
/// # Errors
/// [`FormatError::Random`] if the OS has no randomness, [`FormatError::TooLarge`] if the
/// plaintext exceeds GCM's limit (2^39 - 256 bits).
pub fn encode(key: &Key, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(FormatError::Random)?;
    let header = header(&key.id);

    // Reserve the final size up front: the plaintext is copied in and encrypted in place, and
    // a reallocation would leave a plaintext copy in freed memory.
    let mut out = Vec::with_capacity(MIN_STORE_LEN.saturating_add(plaintext.len()));
    out.extend_from_slice(&header);
    out.extend_from_slice(&nonce);
    let body_start = out.len();
    out.extend_from_slice(plaintext);
    let body = out.get_mut(body_start..).ok_or(FormatError::TooLarge)?;
    let tag = key
        .cipher()
        .encrypt_inout_detached(<&GcmNonce>::from(&nonce), &header, body.into())
        .map_err(|_| FormatError::TooLarge)?;
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Parses the clear header of a store file and checks it against `key`, without decrypting.
///
/// Checks, in order: length and magic, format version, key id.
///
/// # Errors
/// [`FormatError::NotAStore`], [`FormatError::UnsupportedVersion`], [`FormatError::WrongKey`].
pub fn check_header(key_id: &[u8; KEY_ID_LEN], bytes: &[u8]) -> Result<(), StoreError> {
    let not_a_store = || StoreError::Format(FormatError::NotAStore);
    let (header, _) = bytes.split_first_chunk::<HEADER_LEN>().ok_or_else(not_a_store)?;
    let (magic, rest) = header.split_first_chunk::<8>().ok_or_else(not_a_store)?;
    if *magic != STORE_MAGIC {
        return Err(not_a_store());
    }
    let (version, id) = rest.split_first_chunk::<2>().ok_or_else(not_a_store)?;
    let version = u16::from_be_bytes(*version);
    if version != FORMAT_VERSION {
        return Err(FormatError::UnsupportedVersion { version }.into());
    }
    if id != key_id.as_slice() {
        return Err(FormatError::WrongKey.into());
    }
    Ok(())
}

/// Decrypts a complete store file, returning the plaintext in a zeroizing buffer.
///
/// # Errors
/// In order of checking: [`FormatError::NotAStore`] (too short for a header, bad magic),
/// [`FormatError::UnsupportedVersion`], [`FormatError::WrongKey`] (key id differs),
/// [`FormatError::Tampered`] (truncated body or GCM tag mismatch).
pub fn decode(key: &Key, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    check_header(&key.id, bytes)?;
    let tampered = || StoreError::Format(FormatError::Tampered);
    let (header, rest) = bytes.split_first_chunk::<HEADER_LEN>().ok_or_else(tampered)?;
    let (nonce, rest) = rest.split_first_chunk::<NONCE_LEN>().ok_or_else(tampered)?;
    let (body, tag) = rest.split_last_chunk::<TAG_LEN>().ok_or_else(tampered)?;

    let mut plaintext = Zeroizing::new(body.to_vec());
    key.cipher()
        .decrypt_inout_detached(
            <&GcmNonce>::from(nonce),
            header,
            plaintext.as_mut_slice().into(),
            <&GcmTag>::from(tag),
        )
        .map_err(|_| tampered())?;
    Ok(plaintext)
}

// Compile-time proof that the constants match the cipher's real sizes.
const _: () = {
    use aes_gcm::aead::array::typenum::Unsigned;
    assert!(<Aes256Gcm as AeadCore>::NonceSize::USIZE == NONCE_LEN);
    assert!(<Aes256Gcm as AeadCore>::TagSize::USIZE == TAG_LEN);
    assert!(<Aes256Gcm as aes_gcm::KeySizeUser>::KeySize::USIZE == KEY_LEN);
    assert!(KEY_FILE_LEN == 56);
    assert!(HEADER_LEN == 26);
};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::from_parts([7; KEY_ID_LEN], [9; KEY_LEN])
    }

    fn fmt_err(r: Result<Zeroizing<Vec<u8>>, StoreError>) -> FormatError {
        match r {
            Err(StoreError::Format(f)) => f,
            other => panic!("expected a format error, got {other:?}"),
        }
    }

    #[test]
    fn header_layout() {
        let k = key();
        let enc = encode(&k, b"{}").unwrap();
        assert_eq!(&enc[..8], b"TRVUSTO\x01");
        assert_eq!(&enc[8..10], &[0, 1]);
        assert_eq!(&enc[10..26], &[7; 16]);
        assert_eq!(enc.len(), MIN_STORE_LEN + 2);
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let k = key();
        let enc = encode(&k, b"").unwrap();
        assert_eq!(enc.len(), MIN_STORE_LEN);
        assert!(decode(&k, &enc).unwrap().is_empty());
    }

    #[test]
    fn order_of_checks() {
        let k = key();
        let mut enc = encode(&k, b"x").unwrap();
        // Bad version and wrong key id at once: version is reported first.
        enc[9] = 2;
        enc[10] ^= 1;
        assert!(matches!(
            fmt_err(decode(&k, &enc)),
            FormatError::UnsupportedVersion { version: 2 }
        ));
        // Bad magic wins over everything.
        enc[0] = b'X';
        assert!(matches!(fmt_err(decode(&k, &enc)), FormatError::NotAStore));
    }

    #[test]
    fn header_only_is_tampered_not_panic() {
        let k = key();
        let enc = encode(&k, b"abc").unwrap();
        for len in HEADER_LEN..MIN_STORE_LEN {
            assert!(matches!(fmt_err(decode(&k, &enc[..len])), FormatError::Tampered));
        }
    }

    #[test]
    fn key_file_round_trip_and_errors() {
        let k = Key::generate().unwrap();
        let bytes = k.to_file_bytes();
        assert_eq!(bytes.len(), KEY_FILE_LEN);
        assert_eq!(&bytes[..8], b"TRVUKEY\x01");
        assert_eq!(Key::from_file_bytes(&bytes).unwrap(), k);
        let mut bad = bytes.to_vec();
        bad[7] = 2;
        assert!(matches!(
            Key::from_file_bytes(&bad),
            Err(StoreError::Format(FormatError::KeyInvalid))
        ));
        assert!(matches!(
            Key::from_file_bytes(&bytes[..55]),
            Err(StoreError::Format(FormatError::KeyInvalid))
        ));
        let mut long = bytes.to_vec();
        long.push(0);
        assert!(Key::from_file_bytes(&long).is_err());
    }

    #[test]
    fn key_debug_hides_the_key() {
        let k = Key::from_parts([0xab; KEY_ID_LEN], [0xcd; KEY_LEN]);
        let d = format!("{k:?}");
        assert!(d.contains("abababab"));
        assert!(!d.contains("cd"), "{d}");
    }
}
