//! One chunk of an entry as a raw deflate piece that ends in a sync flush (RFC 1951 §3.2.4: an
//! empty stored block re-aligns to a byte), so that pieces deflated in parallel concatenate
//! into one valid stream.
//!
//! Primed as pigz primes: a piece starts with the last 32 KiB (the whole deflate window, RFC
//! 1951 §2) that precede its chunk in the same entry as its dictionary, so back references
//! reach into the previous chunk and the pieces compress almost like one stream. The
//! dictionary must be the entry's bytes as stored, that is redacted; the worker redacts the
//! previous chunk's tail itself, from a line start with the PEM state the reader computed
//! there. Redaction is line-local, so this gives exactly the bytes the previous chunk's worker
//! wrote, and chunks stay independent.

use super::redact::{self, Redactor};

/// The deflate window: how much of the previous chunk primes the next (RFC 1951 §2).
const DICT: usize = 32 * 1024;

/// The end of the previous chunk of the same entry, from a point where redaction can start
/// (a line start, or that chunk's own start) and the PEM state there.
pub(super) struct Prime {
    raw: Vec<u8>,
    in_pem: bool,
    /// Whether the entry is redacted (else the tail is stored as it is).
    redact: bool,
}

/// The tail of `piece` (which began in PEM state `in_pem`) that primes the next chunk, and
/// the PEM state after `piece`. The tail starts at the last line start that leaves at least
/// 1.25 × [`DICT`] bytes (within 64 KiB of that), else the first after it; a chunk that is one
/// long line primes from its own start if it is short enough, else not at all.
pub(super) fn prime_from(piece: &[u8], in_pem: bool, redact: bool) -> (Option<Prime>, bool) {
    if !redact {
        let from = piece.len().saturating_sub(DICT);
        let prime = Prime {
            raw: piece[from..].to_vec(),
            in_pem: false,
            redact: false,
        };
        return (Some(prime), false);
    }
    // A quarter more than the window: masks may shorten the tail once redacted.
    let want = piece.len().saturating_sub(DICT + DICT / 4);
    let start = match memchr::memrchr(b'\n', &piece[..want]) {
        _ if want == 0 => Some(0),
        Some(nl) if want - nl <= 64 * 1024 => Some(nl + 1),
        _ => match memchr::memchr(b'\n', &piece[want..]) {
            Some(nl) => Some(want + nl + 1),
            None if piece.len() <= DICT + 64 * 1024 => Some(0),
            None => None,
        },
    };
    let Some(start) = start else {
        return (None, redact::pem_state_after(piece, in_pem));
    };
    let at = redact::pem_state_after(&piece[..start], in_pem);
    let after = redact::pem_state_after(&piece[start..], at);
    let prime = Prime {
        raw: piece[start..].to_vec(),
        in_pem: at,
        redact: true,
    };
    (Some(prime), after)
}

/// zlib-rs runs levels 3 to 6 on its "medium" strategy, whose short hash chains (24 at level 4)
/// miss the long matches of highly repetitive logs (the same messages and stack traces over
/// and over): there level 4 was 8 % larger than `gzip -6`, and 5× on a file repeating a 16 KiB
/// block. Level 7 ("slow", chains of 256) finds them, and is cheap on such text; on ordinary
/// logs it costs 1.7× level 4's CPU for 6 % less. So a chunk whose first 64 KiB deflate at
/// level 1 to under a fifth (ordinary logs: a third) gets level 7. docs/performance.md has
/// the figures.
const REPETITIVE_LEVEL: u32 = 7;
const PROBE: usize = 64 * 1024;

pub(super) struct Compressors {
    base: flate2::Compress,
    repetitive: flate2::Compress,
    probe: flate2::Compress,
}

impl Compressors {
    /// Compressors for `level`, for repetitive chunks and for the probe that tells them apart.
    pub(super) fn new(level: u32) -> Compressors {
        Compressors {
            base: flate2::Compress::new(flate2::Compression::new(level), false),
            repetitive: flate2::Compress::new(flate2::Compression::new(REPETITIVE_LEVEL.max(level)), false),
            probe: flate2::Compress::new(flate2::Compression::fast(), false),
        }
    }

    /// `raw` (a chunk as stored) as a raw deflate piece, primed by the chunk before it.
    pub(super) fn deflate(
        &mut self,
        raw: &[u8],
        prime: Option<Prime>,
        redactor: &Redactor,
    ) -> Result<Vec<u8>, flate2::CompressError> {
        let dict = dictionary(prime, redactor);
        deflate_chunk(self.pick(raw), &dict, raw)
    }

    fn pick(&mut self, chunk: &[u8]) -> &mut flate2::Compress {
        let sample = &chunk[..chunk.len().min(PROBE)];
        self.probe.reset();
        let mut out = Vec::with_capacity(sample.len() + 1024);
        let small = self
            .probe
            .compress_vec(sample, &mut out, flate2::FlushCompress::Finish)
            .is_ok_and(|_| out.len() * 5 < sample.len());
        if small { &mut self.repetitive } else { &mut self.base }
    }
}

/// The dictionary for a chunk: the last [`DICT`] bytes of the previous chunk as stored.
fn dictionary(prime: Option<Prime>, redactor: &Redactor) -> Vec<u8> {
    let Some(p) = prime else { return Vec::new() };
    let mut out = if p.redact {
        let mut o = Vec::with_capacity(p.raw.len() + 64);
        // Redacted from a line start with that line's PEM state: the same bytes the previous
        // chunk's worker produced for this stretch.
        let _ = redactor.redact(&p.raw, p.in_pem, &mut o);
        o
    } else {
        p.raw
    };
    let from = out.len().saturating_sub(DICT);
    out.drain(..from);
    out
}

/// One chunk as a raw deflate piece ending in a sync flush (byte-aligned, not final), primed
/// with `dict` (the bytes that precede it in the entry; may be empty).
pub(super) fn deflate_chunk(
    c: &mut flate2::Compress,
    dict: &[u8],
    input: &[u8],
) -> Result<Vec<u8>, flate2::CompressError> {
    c.reset();
    if !dict.is_empty() {
        c.set_dictionary(dict)?;
    }
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    let mut consumed = 0usize;
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let before = c.total_in();
        c.compress_vec(&input[consumed..], &mut out, flate2::FlushCompress::Sync)?;
        consumed += usize::try_from(c.total_in() - before).unwrap_or(0);
        // zlib's rule: the flush is complete when output space is left over.
        if consumed == input.len() && out.len() < out.capacity() {
            return Ok(out);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use std::io::Read;

    /// The dictionary a worker builds from the prime must be exactly the end of what the
    /// previous chunk's worker stored, whatever redaction did there (masks, PEM blocks).
    #[test]
    fn the_dictionary_is_the_end_of_the_previous_chunk_as_stored() {
        let s = Secret::from("S3cret-pw");
        let r = Redactor::new(&[&s]).unwrap();
        let mut text = String::new();
        for i in 0..20_000 {
            text.push_str(&format!("line {i} user=u{i} pw=x{i} S3cret-pw end\n"));
            if i % 700 == 5 {
                text.push_str("-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n");
            }
            if i % 700 == 9 {
                text.push_str("-----END PRIVATE KEY-----\n");
            }
        }
        let bytes = text.as_bytes();
        let mut in_pem = false;
        let mut pos = 0;
        let (mut full, mut pieces) = (0, 0);
        while pos < bytes.len() {
            let end = (pos + 100_000).min(bytes.len());
            let end = memchr::memrchr(b'\n', &bytes[pos..end]).map_or(end, |n| pos + n + 1);
            let piece = &bytes[pos..end];
            let mut stored = Vec::new();
            let (_, after) = r.redact(piece, in_pem, &mut stored);
            let (prime, next_pem) = prime_from(piece, in_pem, true);
            assert_eq!(next_pem, after);
            let dict = dictionary(prime, &r);
            assert!(!dict.is_empty());
            assert!(stored.ends_with(&dict), "at {pos}");
            // A full window, unless redaction dropped most of the piece (a PEM block).
            full += usize::from(dict.len() == DICT.min(stored.len()));
            pieces += 1;
            in_pem = after;
            pos = end;
        }
        assert!(full * 10 >= pieces * 8, "{full} of {pieces} pieces had a full window");
    }

    #[test]
    fn primed_pieces_inflate_as_one_stream() {
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("{} INFO sync device {}\n", i % 977, i % 13).into_bytes())
            .collect();
        let mut c = flate2::Compress::new(flate2::Compression::new(4), false);
        let mut body = Vec::new();
        let mut prev: &[u8] = &[];
        for piece in text.chunks(100_000) {
            let dict = &prev[prev.len().saturating_sub(DICT)..];
            body.extend(deflate_chunk(&mut c, dict, piece).unwrap());
            prev = piece;
        }
        body.extend_from_slice(&[3, 0]);
        let mut out = Vec::new();
        let mut d = flate2::read::DeflateDecoder::new(&body[..]);
        d.read_to_end(&mut out).unwrap();
        assert!(out == text);
    }
}
