//! A minimal, strict DER reader (X.690 §8 and §10): single-byte tags, definite lengths only,
//! every read bounds-checked against its enclosing value.
//!
//! Why hand-written: the keystore parsers must be fuzzable and must never panic on hostile input,
//! and PKCS#12 needs only a handful of primitives (SEQUENCE, SET, OCTET STRING, INTEGER, OID,
//! BMPString, context tags). Offsets in errors are absolute file offsets so a caller can say
//! *where* a file is damaged.

use super::error::KeystoreError;

pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_NULL: u8 = 0x05;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_BMP_STRING: u8 = 0x1e;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;
/// `[0] EXPLICIT` (context-specific, constructed).
pub(crate) const TAG_CONTEXT_0: u8 = 0xa0;

/// One decoded TLV. `value` borrows the input; `offset` is the absolute offset of the value's
/// first byte.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over this value's contents (for constructed types).
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader::new(self.value, self.offset)
    }
}

/// A cursor over a DER byte range. `base` is the absolute offset of `data[0]`.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Absolute offset of the next byte.
    pub(crate) fn position(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, KeystoreError> {
        let b = self.data.get(self.pos).copied().ok_or(KeystoreError::Truncated {
            at: self.position(),
            what,
        })?;
        self.pos += 1;
        Ok(b)
    }

    /// Reads any TLV. `what` names the field for error messages.
    pub(crate) fn read_any(&mut self, what: &'static str) -> Result<Tlv<'a>, KeystoreError> {
        let start = self.position();
        let tag = self.byte(what)?;
        if tag & 0x1f == 0x1f {
            // High tag numbers (X.690 §8.1.2.4) never occur in PKCS#12; refusing them keeps the
            // reader small.
            return Err(KeystoreError::Malformed {
                what: format!("{what}: multi-byte ASN.1 tag at byte {start} is not supported"),
            });
        }
        let first = self.byte(what)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            // Indefinite length is BER only (X.690 §10.1 forbids it in DER).
            return Err(KeystoreError::Unsupported {
                what: format!(
                    "{what} at byte {start} uses a BER indefinite length, which this DER reader does not \
                     accept; re-export the keystore with keytool or openssl to get a DER file"
                ),
            });
        } else {
            let count = usize::from(first & 0x7f);
            if count > 4 {
                return Err(KeystoreError::Malformed {
                    what: format!("{what}: length field at byte {start} is {count} bytes long (at most 4 allowed)"),
                });
            }
            let mut len: usize = 0;
            for _ in 0..count {
                len = (len << 8) | usize::from(self.byte(what)?);
            }
            // DER §10.1: the shortest length form must be used.
            if len < 0x80 || (count > 1 && len >> ((count - 1) * 8) == 0) {
                return Err(KeystoreError::Malformed {
                    what: format!("{what}: non-minimal length encoding at byte {start}"),
                });
            }
            len
        };
        let offset = self.position();
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.data.len())
            .ok_or(KeystoreError::Truncated {
                at: self.base.saturating_add(self.data.len()),
                what,
            })?;
        let value = self
            .data
            .get(self.pos..end)
            .ok_or(KeystoreError::Truncated { at: offset, what })?;
        self.pos = end;
        Ok(Tlv { tag, value, offset })
    }

    /// Reads a TLV that must have `tag`.
    pub(crate) fn read(&mut self, tag: u8, what: &'static str) -> Result<Tlv<'a>, KeystoreError> {
        let at = self.position();
        let tlv = self.read_any(what)?;
        if tlv.tag != tag {
            return Err(KeystoreError::Malformed {
                what: format!(
                    "{what} at byte {at}: expected ASN.1 tag 0x{tag:02x}, found 0x{:02x}",
                    tlv.tag
                ),
            });
        }
        Ok(tlv)
    }

    /// Reads a TLV with `tag` if the next tag is `tag`.
    pub(crate) fn read_optional(&mut self, tag: u8, what: &'static str) -> Result<Option<Tlv<'a>>, KeystoreError> {
        if self.peek_tag() == Some(tag) {
            self.read(tag, what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails if anything is left (DER values have no trailing garbage).
    pub(crate) fn finish(&self, what: &'static str) -> Result<(), KeystoreError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(KeystoreError::Malformed {
                what: format!("{what}: unexpected data at byte {}", self.position()),
            })
        }
    }
}

/// A non-negative INTEGER as u64. Values above u64::MAX saturate (callers compare against limits,
/// and "too high" is the right verdict for them). Negative values are malformed.
pub(crate) fn integer_u64(tlv: &Tlv<'_>, what: &'static str) -> Result<u64, KeystoreError> {
    let v = tlv.value;
    let Some(&first) = v.first() else {
        return Err(KeystoreError::Malformed {
            what: format!("{what}: empty INTEGER at byte {}", tlv.offset),
        });
    };
    if first & 0x80 != 0 {
        return Err(KeystoreError::Malformed {
            what: format!("{what}: negative INTEGER at byte {}", tlv.offset),
        });
    }
    let digits = match v.iter().position(|b| *b != 0) {
        Some(i) => v.get(i..).unwrap_or_default(),
        None => return Ok(0),
    };
    if digits.len() > 8 {
        return Ok(u64::MAX);
    }
    Ok(digits.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// Dotted form of an OID's content bytes (X.690 §8.19), for messages. Malformed encodings are
/// shown as hex rather than rejected: this is only ever used to *name* an OID.
pub(crate) fn oid_to_string(content: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc: u128 = 0;
    for b in content {
        if acc > (u128::MAX >> 8) {
            return hex(content);
        }
        acc = (acc << 7) | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    if acc != 0 || arcs.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return hex(content);
    }
    let mut out = String::new();
    for (i, arc) in arcs.iter().enumerate() {
        if i == 0 {
            let (a, b) = match *arc {
                x if x < 40 => (0, x),
                x if x < 80 => (1, x - 40),
                x => (2, x - 80),
            };
            out.push_str(&format!("{a}.{b}"));
        } else {
            out.push_str(&format!(".{arc}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", crate::text::hex(bytes))
}

/// A BMPString (UTF-16BE, RFC 7292 friendlyName) decoded lossily.
pub(crate) fn bmp_string(value: &[u8]) -> String {
    let units: Vec<u16> = value
        .chunks_exact(2)
        .filter_map(|c| match c {
            [hi, lo] => Some(u16::from_be_bytes([*hi, *lo])),
            _ => None,
        })
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_values_with_absolute_offsets() {
        let data = [0x30, 0x06, 0x02, 0x01, 0x03, 0x04, 0x01, 0xaa];
        let mut r = Reader::new(&data, 100);
        let seq = r.read(TAG_SEQUENCE, "seq").unwrap();
        assert_eq!(seq.offset, 102);
        assert!(r.is_empty());
        let mut inner = seq.reader();
        let int = inner.read(TAG_INTEGER, "int").unwrap();
        assert_eq!(integer_u64(&int, "int").unwrap(), 3);
        let os = inner.read(TAG_OCTET_STRING, "os").unwrap();
        assert_eq!(os.value, &[0xaa]);
        assert_eq!(os.offset, 107);
        inner.finish("seq").unwrap();
    }

    #[test]
    fn rejects_lengths_past_the_end() {
        for data in [
            &[0x30u8, 0x05, 0x00][..],
            &[0x30, 0x82, 0xff, 0xff, 0x00],
            &[0x30],
            &[0x30, 0x81],
            &[],
        ] {
            let err = Reader::new(data, 0).read(TAG_SEQUENCE, "x").unwrap_err();
            assert!(matches!(err, KeystoreError::Truncated { .. }), "{data:?}: {err:?}");
        }
    }

    #[test]
    fn rejects_indefinite_long_and_non_minimal_lengths() {
        let indefinite = Reader::new(&[0x30, 0x80, 0x00, 0x00], 0).read_any("x").unwrap_err();
        assert!(matches!(indefinite, KeystoreError::Unsupported { .. }));
        let five = Reader::new(&[0x30, 0x85, 1, 0, 0, 0, 0], 0).read_any("x").unwrap_err();
        assert!(matches!(five, KeystoreError::Malformed { .. }));
        let non_minimal = Reader::new(&[0x04, 0x81, 0x01, 0xaa], 0).read_any("x").unwrap_err();
        assert!(matches!(non_minimal, KeystoreError::Malformed { .. }));
        let non_minimal2 = Reader::new(&[0x04, 0x82, 0x00, 0x81], 0).read_any("x").unwrap_err();
        assert!(matches!(non_minimal2, KeystoreError::Malformed { .. }));
        let high_tag = Reader::new(&[0x1f, 0x81, 0x00], 0).read_any("x").unwrap_err();
        assert!(matches!(high_tag, KeystoreError::Malformed { .. }));
    }

    #[test]
    fn long_form_lengths_work() {
        let mut data = vec![0x04, 0x82, 0x01, 0x00];
        data.extend(std::iter::repeat_n(7u8, 256));
        let tlv = Reader::new(&data, 0).read(TAG_OCTET_STRING, "x").unwrap();
        assert_eq!(tlv.value.len(), 256);
    }

    #[test]
    fn integers() {
        let t = |v: &'static [u8]| Tlv {
            tag: TAG_INTEGER,
            value: v,
            offset: 0,
        };
        assert_eq!(integer_u64(&t(&[0x00, 0xff]), "i").unwrap(), 255);
        assert_eq!(integer_u64(&t(&[0x08, 0x00]), "i").unwrap(), 2048);
        assert_eq!(integer_u64(&t(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]), "i").unwrap(), u64::MAX);
        assert!(integer_u64(&t(&[0x80]), "i").is_err());
        assert!(integer_u64(&t(&[]), "i").is_err());
    }

    #[test]
    fn oids_and_bmp() {
        assert_eq!(
            oid_to_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0e]),
            "1.2.840.113549.1.5.14"
        );
        assert_eq!(oid_to_string(&[0x2b, 0x0e, 0x03, 0x02, 0x1a]), "1.3.14.3.2.26");
        assert_eq!(oid_to_string(&[0x86]), "0x86");
        assert_eq!(bmp_string(&[0x00, 0x61, 0xd8, 0x3d, 0xdd, 0x11]), "a🔑");
    }
}
