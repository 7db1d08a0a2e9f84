//! The hash functions that PKCS#12 and PBES2 name, and what is built on them: the
//! AlgorithmIdentifier OIDs, RFC 7292's key derivation (Appendix B.2), HMAC and PBKDF2. Shared
//! by the PFX MAC and the password-based encryption of keys and sections.

use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512, Sha512_224, Sha512_256};
use zeroize::Zeroizing;

use super::KeystoreError;
use super::der::{self, Tlv};

/// 1.3.14.3.2.26: SHA-1.
const OID_SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
/// 2.16.840.1.101.3.4.2 (NIST hash algorithms); the last arc selects the hash.
const NIST_HASH: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
/// 1.2.840.113549.2 (digest algorithms: hmacWithSHA1 = .7 … hmacWithSHA512-256 = .13).
const RSADSI_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02];

/// Each hash, the last arc of its OID under [`NIST_HASH`] (SHA-1 has its own, [`OID_SHA1`]),
/// and the last arc of its hmacWithX OID under [`RSADSI_DIGEST`].
const ARCS: [(Hash, Option<u8>, u8); 7] = [
    (Hash::Sha1, None, 7),
    (Hash::Sha224, Some(4), 8),
    (Hash::Sha256, Some(1), 9),
    (Hash::Sha384, Some(2), 10),
    (Hash::Sha512, Some(3), 11),
    (Hash::Sha512_224, Some(5), 12),
    (Hash::Sha512_256, Some(6), 13),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha512_224,
    Sha512_256,
}

impl Hash {
    pub(crate) fn from_digest_oid(oid: &[u8]) -> Option<Hash> {
        if oid == OID_SHA1 {
            return Some(Hash::Sha1);
        }
        let [arc] = oid.strip_prefix(NIST_HASH)? else {
            return None;
        };
        ARCS.iter().find(|a| a.1 == Some(*arc)).map(|a| a.0)
    }

    pub(crate) fn from_hmac_oid(oid: &[u8]) -> Option<Hash> {
        let [arc] = oid.strip_prefix(RSADSI_DIGEST)? else {
            return None;
        };
        ARCS.iter().find(|a| a.2 == *arc).map(|a| a.0)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
            Hash::Sha512_224 => "SHA-512/224",
            Hash::Sha512_256 => "SHA-512/256",
        }
    }

    /// u in RFC 7292 Appendix B.2.
    pub(crate) fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha224 | Hash::Sha512_224 => 28,
            Hash::Sha256 | Hash::Sha512_256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// v in RFC 7292 Appendix B.2 (the compression function's block size).
    fn block_len(self) -> usize {
        match self {
            Hash::Sha1 | Hash::Sha224 | Hash::Sha256 => 64,
            Hash::Sha384 | Hash::Sha512 | Hash::Sha512_224 | Hash::Sha512_256 => 128,
        }
    }

    pub(crate) fn pkcs12_kdf(
        self,
        id: u8,
        password: &[u8],
        salt: &[u8],
        iterations: u64,
        n: usize,
    ) -> Zeroizing<Vec<u8>> {
        let v = self.block_len();
        match self {
            Hash::Sha1 => pkcs12_kdf::<Sha1>(v, id, password, salt, iterations, n),
            Hash::Sha224 => pkcs12_kdf::<Sha224>(v, id, password, salt, iterations, n),
            Hash::Sha256 => pkcs12_kdf::<Sha256>(v, id, password, salt, iterations, n),
            Hash::Sha384 => pkcs12_kdf::<Sha384>(v, id, password, salt, iterations, n),
            Hash::Sha512 => pkcs12_kdf::<Sha512>(v, id, password, salt, iterations, n),
            Hash::Sha512_224 => pkcs12_kdf::<Sha512_224>(v, id, password, salt, iterations, n),
            Hash::Sha512_256 => pkcs12_kdf::<Sha512_256>(v, id, password, salt, iterations, n),
        }
    }

    /// Constant-time HMAC verification (`Mac::verify_slice`).
    pub(crate) fn hmac_matches(self, key: &[u8], data: &[u8], tag: &[u8]) -> bool {
        match self {
            Hash::Sha1 => hmac_matches::<Sha1>(key, data, tag),
            Hash::Sha224 => hmac_matches::<Sha224>(key, data, tag),
            Hash::Sha256 => hmac_matches::<Sha256>(key, data, tag),
            Hash::Sha384 => hmac_matches::<Sha384>(key, data, tag),
            Hash::Sha512 => hmac_matches::<Sha512>(key, data, tag),
            Hash::Sha512_224 => hmac_matches::<Sha512_224>(key, data, tag),
            Hash::Sha512_256 => hmac_matches::<Sha512_256>(key, data, tag),
        }
    }

    pub(crate) fn pbkdf2(self, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        match self {
            Hash::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, rounds, out),
            Hash::Sha224 => pbkdf2::pbkdf2_hmac::<Sha224>(password, salt, rounds, out),
            Hash::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, out),
            Hash::Sha384 => pbkdf2::pbkdf2_hmac::<Sha384>(password, salt, rounds, out),
            Hash::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, rounds, out),
            Hash::Sha512_224 => pbkdf2::pbkdf2_hmac::<Sha512_224>(password, salt, rounds, out),
            Hash::Sha512_256 => pbkdf2::pbkdf2_hmac::<Sha512_256>(password, salt, rounds, out),
        }
    }
}

fn hmac_matches<D: EagerHash>(key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    match <Hmac<D> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.verify_slice(tag).is_ok()
        }
        Err(_) => false,
    }
}

/// RFC 7292 Appendix B.2. `v` is the hash block size in bytes; the password must already be
/// the BMPString with its two terminating zero bytes. Steps are numbered as in the RFC.
fn pkcs12_kdf<D: Digest>(
    v: usize,
    id: u8,
    password: &[u8],
    salt: &[u8],
    iterations: u64,
    n: usize,
) -> Zeroizing<Vec<u8>> {
    let u = <D as Digest>::output_size();
    // 1. D = v copies of ID.
    let diversifier = vec![id; v];
    // 2.–4. I = S ‖ P, each the input repeated to a multiple of v bytes (empty stays empty).
    let repeat = |input: &[u8]| -> Zeroizing<Vec<u8>> {
        let len = input.len().div_ceil(v) * v;
        Zeroizing::new(input.iter().copied().cycle().take(len).collect())
    };
    let mut i_buf = repeat(salt);
    i_buf.extend_from_slice(&repeat(password));
    // 5.–7. c = ⌈n/u⌉ rounds of A_i = H^r(D ‖ I), then I_j += B + 1 (mod 2^8v) per v-byte block.
    let rounds = n.div_ceil(u.max(1));
    let mut out = Zeroizing::new(Vec::with_capacity(rounds * u));
    for round in 0..rounds {
        let mut a = Zeroizing::new(
            D::new()
                .chain_update(&diversifier)
                .chain_update(&i_buf[..])
                .finalize()
                .to_vec(),
        );
        for _ in 1..iterations {
            let next = D::digest(&a[..]);
            a.copy_from_slice(&next);
        }
        out.extend_from_slice(&a);
        if round + 1 == rounds {
            break;
        }
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for block in i_buf.chunks_mut(v) {
            // Big-endian addition of B + 1 into the block.
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xff) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(n);
    out
}

/// An HMAC AlgorithmIdentifier (RFC 8018 §B.1.2), parameters absent or NULL.
pub(crate) fn hmac_algorithm(tlv: &Tlv<'_>) -> Result<Hash, KeystoreError> {
    let mut r = tlv.reader();
    let oid = r.read(der::TAG_OID, "an HMAC algorithm OID")?;
    r.read_optional(der::TAG_NULL, "HMAC parameters")?;
    r.finish("an HMAC algorithm")?;
    Hash::from_hmac_oid(oid.value).ok_or_else(|| KeystoreError::UnsupportedMac {
        oid: der::oid_to_string(oid.value),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn bmp(s: &str) -> Vec<u8> {
        let mut v = super::super::utf16be(s).to_vec();
        v.extend([0, 0]);
        v
    }

    // Vectors: the first is the classic BouncyCastle PKCS12 test vector ("smeg"); all were
    // cross-checked with `openssl kdf -kdfopt hexpass:<BMP+0000> ... PKCS12KDF` (OpenSSL 3.0.19).
    #[test]
    fn kdf_known_vectors() {
        let k = Hash::Sha1.pkcs12_kdf(1, &bmp("smeg"), &hex("0A58CF64530D823F"), 1, 24);
        assert_eq!(&k[..], &hex("8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3")[..]);
        let k = Hash::Sha1.pkcs12_kdf(3, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 1000, 20);
        assert_eq!(&k[..], &hex("022DB40D747DA404972B3144296BA4B80A96B1F3")[..]);
        let k = Hash::Sha512.pkcs12_kdf(3, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 1000, 64);
        let want = "443B0786AED10E1E2017055E346ADEAACEF6B2488EB7370BDF30EA3B32C1503B\
                    45474AC48D589F8FE9993CCAB862289DBE89DA2D0A941450C1B2CE41189EBF7D";
        assert_eq!(&k[..], &hex(want)[..]);
        // n > u: several rounds, exercising the I_j += B + 1 step.
        let k = Hash::Sha1.pkcs12_kdf(1, &bmp("queeg"), &hex("1682C0FC5B3F7EC5"), 3, 50);
        let want =
            "31F6A80E665E33246D18B84EDEA269DB09FEC7AA65D22E39196BD012AEF543314C07523CE557D39FF722D96F6A4F9CCA4000";
        assert_eq!(&k[..], &hex(want)[..]);
        // Empty password: just the two zero bytes.
        let k = Hash::Sha1.pkcs12_kdf(3, &[0, 0], &hex("01020304"), 2, 20);
        assert_eq!(&k[..], &hex("27996181AF3357E42041B5AE547EB78D6733706B")[..]);
    }

    #[test]
    fn hash_oids() {
        assert_eq!(
            Hash::from_hmac_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09]),
            Some(Hash::Sha256)
        );
        assert_eq!(
            Hash::from_digest_oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]),
            Some(Hash::Sha512)
        );
    }
}
