//! A summary of an X.509 certificate (RFC 5280) for `ssl show|check`: names, serial, validity,
//! the basicConstraints cA flag and the SHA-256 fingerprint keytool prints.
//!
//! Only the fields shown are decoded, with the same strict DER reader as the keystores; the
//! signature is not verified (trust decisions are the TLS library's, not ours).

use sha2::{Digest, Sha256};

use super::KeystoreError;
use super::der::{self, Reader, Tlv};

const TAG_BOOLEAN: u8 = 0x01;
const TAG_UTC_TIME: u8 = 0x17;
const TAG_GENERALIZED_TIME: u8 = 0x18;
/// `[3] EXPLICIT` (extensions).
const TAG_CONTEXT_3: u8 = 0xa3;
/// 2.5.29.19 basicConstraints.
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];

/// What `ssl check` shows about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertInfo {
    /// RFC 4514 string, most specific RDN first, e.g. "CN=tt,OU=rr,O=ee,L=ww,ST=qq,C=XX".
    pub subject: String,
    pub issuer: String,
    /// The serial number in lower-case hex without leading zeros, as `keytool -list -v` prints it.
    pub serial_hex: String,
    /// Unix seconds (UTC).
    pub not_before: i64,
    pub not_after: i64,
    /// basicConstraints cA (RFC 5280 §4.2.1.9); false when the extension is absent.
    pub is_ca: bool,
    /// SHA-256 over the DER certificate, upper-case hex pairs joined by ':' (keytool's form).
    pub sha256_fingerprint: String,
}

impl CertInfo {
    /// Whole days from `now` (unix seconds) until notAfter, rounded down; negative once expired.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after.saturating_sub(now)).div_euclid(86_400)
    }
}

fn malformed(what: impl std::fmt::Display) -> KeystoreError {
    KeystoreError::Malformed {
        what: format!("a certificate: {what}"),
    }
}

/// Summarises one DER certificate.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, KeystoreError> {
    let mut top = Reader::new(der, 0);
    let cert = top.read(der::TAG_SEQUENCE, "a certificate")?;
    top.finish("a certificate")?;
    let mut c = cert.reader();
    let tbs = c.read(der::TAG_SEQUENCE, "a certificate's tbsCertificate")?;
    c.read(der::TAG_SEQUENCE, "a certificate's signature algorithm")?;
    c.read(0x03, "a certificate's signature")?;
    c.finish("a certificate")?;

    let mut t = tbs.reader();
    t.read_optional(der::TAG_CONTEXT_0, "a certificate's version")?;
    let serial = t.read(der::TAG_INTEGER, "a certificate's serial number")?;
    t.read(der::TAG_SEQUENCE, "a certificate's signature algorithm")?;
    let issuer = name(&t.read(der::TAG_SEQUENCE, "a certificate's issuer")?)?;
    let validity = t.read(der::TAG_SEQUENCE, "a certificate's validity")?;
    let subject = name(&t.read(der::TAG_SEQUENCE, "a certificate's subject")?)?;
    t.read(der::TAG_SEQUENCE, "a certificate's public key")?;
    let mut is_ca = false;
    while !t.is_empty() {
        let field = t.read_any("a certificate field")?;
        if field.tag == TAG_CONTEXT_3 {
            is_ca = basic_constraints_ca(&field)?;
        }
    }
    let mut v = validity.reader();
    let not_before = time(&v.read_any("notBefore")?)?;
    let not_after = time(&v.read_any("notAfter")?)?;
    v.finish("a certificate's validity")?;

    let digits = match serial.value.iter().position(|b| *b != 0) {
        Some(i) => serial.value.get(i..).unwrap_or_default(),
        None => &[][..],
    };
    let mut serial_hex: String = digits.iter().map(|b| format!("{b:02x}")).collect();
    if let Some(stripped) = serial_hex.strip_prefix('0') {
        serial_hex = stripped.to_owned();
    }
    if serial_hex.is_empty() {
        serial_hex.push('0');
    }
    let sha256_fingerprint = sha256_fingerprint(der);
    Ok(CertInfo {
        subject,
        issuer,
        serial_hex,
        not_before,
        not_after,
        is_ca,
        sha256_fingerprint,
    })
}

/// A digest in keytool's form: upper-case hex pairs joined by ':', as `keytool -list -v` prints
/// a certificate's `SHA256:` line, so an admin can compare the two by eye or with grep.
pub fn keytool_hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// SHA-256 over one DER certificate, in keytool's form. Computed from the bytes alone, so a
/// certificate whose fields cannot be decoded still has one.
pub fn sha256_fingerprint(der: &[u8]) -> String {
    keytool_hex(&Sha256::digest(der))
}

/// What a set of certificates holds, whatever store they came from: SHA-256 over their distinct
/// fingerprints (keytool's form), sorted bytewise, each followed by a line feed; in keytool's
/// form too. The order of entries, their aliases, duplicates and the file format (JKS, JCEKS,
/// PKCS#12, with its salts and MAC) all drop out, so two truststores that trust the same CAs
/// compare equal. Reproducible in a shell from keytool's output (docs/json.md).
pub fn certificates_sha256<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut fingerprints: Vec<String> = ders.into_iter().map(sha256_fingerprint).collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    let mut h = Sha256::new();
    for f in &fingerprints {
        h.update(f.as_bytes());
        h.update(b"\n");
    }
    keytool_hex(&h.finalize())
}

/// `[3] EXPLICIT Extensions`: the cA flag of basicConstraints.
fn basic_constraints_ca(explicit: &Tlv<'_>) -> Result<bool, KeystoreError> {
    let mut e = explicit.reader();
    let extensions = e.read(der::TAG_SEQUENCE, "a certificate's extensions")?;
    e.finish("a certificate's extensions")?;
    let mut r = extensions.reader();
    while !r.is_empty() {
        let ext = r.read(der::TAG_SEQUENCE, "a certificate extension")?;
        let mut x = ext.reader();
        let oid = x.read(der::TAG_OID, "an extension OID")?;
        x.read_optional(TAG_BOOLEAN, "an extension's critical flag")?;
        let value = x.read(der::TAG_OCTET_STRING, "an extension value")?;
        x.finish("a certificate extension")?;
        if oid.value == OID_BASIC_CONSTRAINTS {
            // BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
            let mut v = value.reader();
            let seq = v.read(der::TAG_SEQUENCE, "basicConstraints")?;
            v.finish("basicConstraints")?;
            let ca = seq.reader().read_optional(TAG_BOOLEAN, "basicConstraints cA")?;
            return Ok(ca.is_some_and(|b| b.value.iter().any(|x| *x != 0)));
        }
    }
    Ok(false)
}

/// RFC 5280 §4.1.2.5: UTCTime `YYMMDDHHMMSSZ` (YY ≥ 50 means 19YY) or GeneralizedTime
/// `YYYYMMDDHHMMSSZ`; both in UTC with seconds and without fractions.
fn time(tlv: &Tlv<'_>) -> Result<i64, KeystoreError> {
    let text = std::str::from_utf8(tlv.value).map_err(|_| malformed("a validity time is not ASCII"))?;
    let (year, rest) = match tlv.tag {
        TAG_UTC_TIME if text.len() == 13 => {
            let yy = digits(text.get(0..2))?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..))
        }
        TAG_GENERALIZED_TIME if text.len() == 15 => (digits(text.get(0..4))?, text.get(4..)),
        _ => return Err(malformed(format!("the validity time '{text}' is not in RFC 5280 form"))),
    };
    let rest = rest.unwrap_or_default();
    if !rest.ends_with('Z') {
        return Err(malformed(format!("the validity time '{text}' is not in UTC ('Z')")));
    }
    let month = digits(rest.get(0..2))?;
    let day = digits(rest.get(2..4))?;
    let hour = digits(rest.get(4..6))?;
    let minute = digits(rest.get(6..8))?;
    let second = digits(rest.get(8..10))?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return Err(malformed(format!("the validity time '{text}' is out of range")));
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn digits(s: Option<&str>) -> Result<i64, KeystoreError> {
    let s = s.unwrap_or_default();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("a validity time has non-digits"));
    }
    s.parse().map_err(|_| malformed("a validity time has non-digits"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Name (RFC 5280 §4.1.2.4) as an RFC 4514 string: RDNs in reverse order joined by ',',
/// multi-valued RDNs joined by '+'.
fn name(seq: &Tlv<'_>) -> Result<String, KeystoreError> {
    let mut rdns = Vec::new();
    let mut r = seq.reader();
    while !r.is_empty() {
        let set = r.read(der::TAG_SET, "a relative distinguished name")?;
        let mut s = set.reader();
        let mut parts = Vec::new();
        while !s.is_empty() {
            let atv = s.read(der::TAG_SEQUENCE, "a name attribute")?;
            let mut a = atv.reader();
            let oid = a.read(der::TAG_OID, "a name attribute type")?;
            let value_start = a.position();
            let value = a.read_any("a name attribute value")?;
            a.finish("a name attribute")?;
            let raw = atv
                .value
                .get(value_start.saturating_sub(atv.offset)..)
                .unwrap_or_default();
            parts.push(format!(
                "{}={}",
                attribute_type(oid.value),
                attribute_value(&value, raw)
            ));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Ok(rdns.join(","))
}

/// RFC 4514 §3 short names; others as the dotted OID.
fn attribute_type(oid: &[u8]) -> String {
    let short = match oid {
        [0x55, 0x04, 0x03] => "CN",
        [0x55, 0x04, 0x06] => "C",
        [0x55, 0x04, 0x07] => "L",
        [0x55, 0x04, 0x08] => "ST",
        [0x55, 0x04, 0x09] => "STREET",
        [0x55, 0x04, 0x0a] => "O",
        [0x55, 0x04, 0x0b] => "OU",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01] => "UID",
        _ => return der::oid_to_string(oid),
    };
    short.to_owned()
}

/// RFC 4514 §2.4: string values with special characters escaped; other types as `#` + the
/// hex of the value's whole DER encoding (`raw`).
fn attribute_value(value: &Tlv<'_>, raw: &[u8]) -> String {
    let text = match value.tag {
        // UTF8String, PrintableString, IA5String, NumericString, VisibleString.
        0x0c | 0x13 | 0x16 | 0x12 | 0x1a => std::str::from_utf8(value.value).ok().map(str::to_owned),
        // TeletexString: in practice Latin-1.
        0x14 => Some(value.value.iter().map(|b| char::from(*b)).collect()),
        der::TAG_BMP_STRING => Some(der::bmp_string(value.value)),
        _ => None,
    };
    let Some(text) = text else {
        return format!("#{}", raw.iter().map(|b| format!("{b:02x}")).collect::<String>());
    };
    let last = text.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(text.len());
    for (i, ch) in text.chars().enumerate() {
        match ch {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2036, 11, 20), 24_430);
    }

    #[test]
    fn times() {
        let t = |tag, v: &'static [u8]| {
            time(&Tlv {
                tag,
                value: v,
                offset: 0,
            })
        };
        assert_eq!(t(TAG_UTC_TIME, b"700101000000Z"), Ok(0));
        assert_eq!(t(TAG_UTC_TIME, b"491231235959Z"), Ok(2_524_607_999));
        assert_eq!(t(TAG_GENERALIZED_TIME, b"20500101000000Z"), Ok(2_524_608_000));
        assert!(t(TAG_UTC_TIME, b"700101000000+0100").is_err());
        assert!(t(TAG_UTC_TIME, b"701301000000Z").is_err());
        assert!(t(TAG_UTC_TIME, b"70010100000aZ").is_err());
        assert!(t(TAG_GENERALIZED_TIME, b"700101000000Z").is_err());
    }

    #[test]
    fn rfc4514_escaping() {
        let v = |s: &'static [u8]| {
            attribute_value(
                &Tlv {
                    tag: 0x0c,
                    value: s,
                    offset: 0,
                },
                &[],
            )
        };
        assert_eq!(v(b"a,b+c"), "a\\,b\\+c");
        assert_eq!(v(b"#x "), "\\#x\\ ");
        assert_eq!(v(b" x"), "\\ x");
        let octets = Tlv {
            tag: 0x04,
            value: &[1],
            offset: 2,
        };
        assert_eq!(attribute_value(&octets, &[0x04, 0x01, 0x01]), "#040101");
    }

    #[test]
    fn certificates_sha256_ignores_order_and_duplicates() {
        let (a, b): (&[u8], &[u8]) = (b"first certificate", b"second certificate");
        let one = certificates_sha256([a, b]);
        assert_eq!(one, certificates_sha256([b, a, b]));
        assert_ne!(one, certificates_sha256([a]));
        // The digest of the fingerprints' lines, as `sort -u | sha256sum` computes it.
        let mut lines = [sha256_fingerprint(a), sha256_fingerprint(b)];
        lines.sort();
        let text = format!("{}\n{}\n", lines[0], lines[1]);
        assert_eq!(one, keytool_hex(&Sha256::digest(text.as_bytes())));
        assert_eq!(keytool_hex(&[0x0a, 0xff, 0x00]), "0A:FF:00");
        // No certificate: the digest of nothing (a caller reports null instead).
        assert!(certificates_sha256([]).starts_with("E3:B0:C4:42"));
    }

    #[test]
    fn days_left_rounds_down() {
        let c = CertInfo {
            subject: String::new(),
            issuer: String::new(),
            serial_hex: "1".into(),
            not_before: 0,
            not_after: 86_400 * 10,
            is_ca: false,
            sha256_fingerprint: String::new(),
        };
        assert_eq!(c.days_left(0), 10);
        assert_eq!(c.days_left(1), 9);
        assert_eq!(c.days_left(86_400 * 10 + 1), -1);
    }
}
