//! A streaming ZIP writer for entries compressed elsewhere (PKWARE APPNOTE 6.3.10).
//!
//! Why not `zip::ZipWriter`: its way to add pre-compressed data (`ZipFileBuilder` /
//! `add_prepared_file`, zip 9.8) needs each entry's whole compressed body in memory, and a
//! bundle must stay under 64 MiB of RSS whatever the size of one log. Here an entry is opened
//! with a local header holding placeholders, its body is written chunk by chunk as the workers
//! finish, and the header is patched in place afterwards (the output is a seekable file; no
//! data descriptor is needed, APPNOTE 4.4.4 bit 3 stays clear, which every unzip reads).
//! ZIP64 (APPNOTE 4.5.3, 4.3.14–4.3.15) is used where sizes or offsets need it. Names are
//! flagged UTF-8 (APPNOTE 4.4.4 bit 11, appendix D). The archive is checked with Info-ZIP
//! `unzip -t`, Python's zipfile and the `zip` crate's reader in tests/log_collect.rs.

use std::io::{self, Seek, SeekFrom, Write};

/// An entry name every extractor reads as the same path: `/`-separated UTF-8 without control
/// characters (C0, DEL, C1), bidirectional overrides, or `\` (which Windows extractors take
/// for a separator). Those, and bytes that are not UTF-8, become `%XX` (each byte of their
/// UTF-8 form), as in a URL; `%` itself stays, so the encoding is for reading, not reversible.
#[must_use]
pub fn portable_name(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' || c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                let mut b = [0u8; 4];
                for byte in c.encode_utf8(&mut b).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Entries whose size may reach this get a ZIP64 extra field in the local header up front (a
/// redacted or deflated body can grow a little past its source, hence the margin below 4 GiB).
const ZIP64_LOCAL_THRESHOLD: u64 = 3 << 30;
const U32_MAX: u64 = 0xFFFF_FFFF;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
        }
    }
}

struct Central {
    name: Vec<u8>,
    method: Method,
    time: u16,
    date: u16,
    crc: u32,
    csize: u64,
    usize: u64,
    offset: u64,
    zip64_local: bool,
}

struct Open {
    offset: u64,
    csize: u64,
}

pub struct ZipOut<W: Write + Seek> {
    w: W,
    pos: u64,
    entries: Vec<Central>,
    open: Option<Open>,
}

/// An MS-DOS date and time (APPNOTE 4.4.6), from a civil local time; clamped to 1980.
#[must_use]
pub fn dos_datetime(year: i16, month: i8, day: i8, hour: i8, minute: i8, second: i8) -> (u16, u16) {
    if year < 1980 {
        return (0, (1 << 5) | 1);
    }
    let y = u16::try_from(year - 1980).unwrap_or(0).min(127);
    let b = |v: i8| u16::try_from(v).unwrap_or(0);
    let time = (b(hour) << 11) | (b(minute) << 5) | (b(second) / 2);
    let date = (y << 9) | (b(month) << 5) | b(day);
    (time, date)
}

impl<W: Write + Seek> ZipOut<W> {
    pub fn new(w: W) -> ZipOut<W> {
        ZipOut {
            w,
            pos: 0,
            entries: Vec::new(),
            open: None,
        }
    }

    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)?;
        self.pos += b.len() as u64;
        Ok(())
    }

    /// Starts an entry. `size_hint` is the source size (decides ZIP64 in the local header).
    pub fn begin(&mut self, name: &str, method: Method, dos: (u16, u16), size_hint: u64) -> io::Result<()> {
        self.close_dangling()?;
        let zip64_local = size_hint >= ZIP64_LOCAL_THRESHOLD;
        let offset = self.pos;
        let name_b = name.as_bytes().to_vec();
        let mut h = Vec::with_capacity(30 + name_b.len() + 20);
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&(if zip64_local { 45u16 } else { 20u16 }).to_le_bytes());
        h.extend_from_slice(&0x0800u16.to_le_bytes());
        h.extend_from_slice(&method.code().to_le_bytes());
        h.extend_from_slice(&dos.0.to_le_bytes());
        h.extend_from_slice(&dos.1.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // crc, patched
        let placeholder: u32 = if zip64_local { u32::MAX } else { 0 };
        h.extend_from_slice(&placeholder.to_le_bytes());
        h.extend_from_slice(&placeholder.to_le_bytes());
        h.extend_from_slice(&u16::try_from(name_b.len()).map_err(io::Error::other)?.to_le_bytes());
        h.extend_from_slice(&(if zip64_local { 20u16 } else { 0u16 }).to_le_bytes());
        h.extend_from_slice(&name_b);
        if zip64_local {
            h.extend_from_slice(&1u16.to_le_bytes());
            h.extend_from_slice(&16u16.to_le_bytes());
            h.extend_from_slice(&[0u8; 16]);
        }
        self.put(&h)?;
        self.entries.push(Central {
            name: name_b,
            method,
            time: dos.0,
            date: dos.1,
            crc: 0,
            csize: 0,
            usize: 0,
            offset,
            zip64_local,
        });
        self.open = Some(Open { offset, csize: 0 });
        Ok(())
    }

    /// Appends compressed body bytes to the open entry.
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.put(data)?;
        if let Some(o) = &mut self.open {
            o.csize += data.len() as u64;
        }
        Ok(())
    }

    /// Closes the open entry: patches CRC-32 and sizes into its local header.
    pub fn end(&mut self, crc: u32, usize: u64) -> io::Result<()> {
        let Some(open) = self.open.take() else {
            return Err(io::Error::other("zip: end() without begin()"));
        };
        let Some(e) = self.entries.last_mut() else {
            return Err(io::Error::other("zip: no entry"));
        };
        e.crc = crc;
        e.csize = open.csize;
        e.usize = usize;
        if !e.zip64_local && (e.csize >= U32_MAX || e.usize >= U32_MAX) {
            return Err(io::Error::other(format!(
                "zip: entry {} grew past 4 GiB while being written",
                String::from_utf8_lossy(&e.name)
            )));
        }
        let end = self.pos;
        self.w.seek(SeekFrom::Start(open.offset + 14))?;
        let mut p = Vec::with_capacity(12);
        p.extend_from_slice(&crc.to_le_bytes());
        if e.zip64_local {
            p.extend_from_slice(&u32::MAX.to_le_bytes());
            p.extend_from_slice(&u32::MAX.to_le_bytes());
        } else {
            p.extend_from_slice(&(e.csize as u32).to_le_bytes());
            p.extend_from_slice(&(e.usize as u32).to_le_bytes());
        }
        self.w.write_all(&p)?;
        if e.zip64_local {
            self.w
                .seek(SeekFrom::Start(open.offset + 30 + e.name.len() as u64 + 4))?;
            let mut x = Vec::with_capacity(16);
            x.extend_from_slice(&e.usize.to_le_bytes());
            x.extend_from_slice(&e.csize.to_le_bytes());
            self.w.write_all(&x)?;
        }
        self.w.seek(SeekFrom::Start(end))?;
        Ok(())
    }

    /// An entry left open by an aborted read is closed as it stands (never reached when the
    /// caller ends every entry; kept so the central directory stays consistent).
    fn close_dangling(&mut self) -> io::Result<()> {
        if self.open.is_some() {
            return Err(io::Error::other("zip: an entry is still open"));
        }
        Ok(())
    }

    /// Writes the central directory and end records; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.close_dangling()?;
        let cd_start = self.pos;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let mut extra = Vec::new();
            let big_u = e.usize >= U32_MAX;
            let big_c = e.csize >= U32_MAX;
            let big_o = e.offset >= U32_MAX;
            if big_u {
                extra.extend_from_slice(&e.usize.to_le_bytes());
            }
            if big_c {
                extra.extend_from_slice(&e.csize.to_le_bytes());
            }
            if big_o {
                extra.extend_from_slice(&e.offset.to_le_bytes());
            }
            let zip64 = !extra.is_empty() || e.zip64_local;
            let mut h = Vec::with_capacity(46 + e.name.len() + 28);
            h.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            // Made by: UNIX (3), spec 4.5 — so unzip applies the external attributes below.
            h.extend_from_slice(&0x032Du16.to_le_bytes());
            h.extend_from_slice(&(if zip64 { 45u16 } else { 20u16 }).to_le_bytes());
            h.extend_from_slice(&0x0800u16.to_le_bytes());
            h.extend_from_slice(&e.method.code().to_le_bytes());
            h.extend_from_slice(&e.time.to_le_bytes());
            h.extend_from_slice(&e.date.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            let clamp = |v: u64, big: bool| if big { u32::MAX } else { v as u32 };
            h.extend_from_slice(&clamp(e.csize, big_c).to_le_bytes());
            h.extend_from_slice(&clamp(e.usize, big_u).to_le_bytes());
            h.extend_from_slice(&u16::try_from(e.name.len()).map_err(io::Error::other)?.to_le_bytes());
            let extra_len = if extra.is_empty() { 0 } else { 4 + extra.len() };
            h.extend_from_slice(&u16::try_from(extra_len).map_err(io::Error::other)?.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // comment
            h.extend_from_slice(&0u16.to_le_bytes()); // disk
            h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            h.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // regular file, rw-r--r--
            h.extend_from_slice(&clamp(e.offset, big_o).to_le_bytes());
            h.extend_from_slice(&e.name);
            if !extra.is_empty() {
                h.extend_from_slice(&1u16.to_le_bytes());
                h.extend_from_slice(&u16::try_from(extra.len()).map_err(io::Error::other)?.to_le_bytes());
                h.extend_from_slice(&extra);
            }
            self.put(&h)?;
        }
        let cd_size = self.pos - cd_start;
        let n = entries.len() as u64;
        let need64 = n >= 0xFFFF || cd_size >= U32_MAX || cd_start >= U32_MAX;
        if need64 {
            let z64_at = self.pos;
            let mut r = Vec::with_capacity(56 + 20);
            r.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
            r.extend_from_slice(&44u64.to_le_bytes());
            r.extend_from_slice(&0x032Du16.to_le_bytes());
            r.extend_from_slice(&45u16.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&n.to_le_bytes());
            r.extend_from_slice(&n.to_le_bytes());
            r.extend_from_slice(&cd_size.to_le_bytes());
            r.extend_from_slice(&cd_start.to_le_bytes());
            r.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&z64_at.to_le_bytes());
            r.extend_from_slice(&1u32.to_le_bytes());
            self.put(&r)?;
        }
        let mut r = Vec::with_capacity(22);
        r.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        let n16 = if need64 { 0xFFFF } else { n as u16 };
        r.extend_from_slice(&n16.to_le_bytes());
        r.extend_from_slice(&n16.to_le_bytes());
        r.extend_from_slice(&(if need64 { u32::MAX } else { cd_size as u32 }).to_le_bytes());
        r.extend_from_slice(&(if need64 { u32::MAX } else { cd_start as u32 }).to_le_bytes());
        r.extend_from_slice(&0u16.to_le_bytes());
        self.put(&r)?;
        self.w.flush()?;
        Ok(self.w)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn names_are_portable() {
        assert_eq!(portable_name(b"logs/a.log"), "logs/a.log");
        assert_eq!(portable_name(b"logs/esc\x1b[2J\t.log"), "logs/esc%1B[2J%09.log");
        assert_eq!(portable_name(b"logs/back\\slash"), "logs/back%5Cslash");
        assert_eq!(portable_name(b"logs/\xff\xfe.log"), "logs/%FF%FE.log");
        assert_eq!(
            portable_name("logs/é\u{202e}gnp.log".as_bytes()),
            "logs/é%E2%80%AEgnp.log"
        );
        assert_eq!(portable_name("logs/\u{85}".as_bytes()), "logs/%C2%85");
    }

    #[test]
    fn stored_and_deflated_entries_read_back_with_the_zip_crate() {
        let mut z = ZipOut::new(Cursor::new(Vec::new()));
        z.begin("a.txt", Method::Stored, dos_datetime(2026, 11, 23, 4, 5, 6), 5)
            .unwrap();
        z.write(b"hello").unwrap();
        z.end(crc32fast::hash(b"hello"), 5).unwrap();
        // A deflate body in two sync-flushed pieces and the final empty block.
        let mut body = Vec::new();
        for part in [&b"abc abc abc "[..], b"def"] {
            let mut c = flate2::Compress::new(flate2::Compression::new(6), false);
            let mut out = Vec::with_capacity(256);
            c.compress_vec(part, &mut out, flate2::FlushCompress::Sync).unwrap();
            body.extend_from_slice(&out);
        }
        body.extend_from_slice(&[3, 0]);
        z.begin("d/\u{e9}t\u{e9}.log", Method::Deflated, (0, 33), 15).unwrap();
        z.write(&body).unwrap();
        z.end(crc32fast::hash(b"abc abc abc def"), 15).unwrap();
        let bytes = z.finish().unwrap().into_inner();
        let mut a = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(a.len(), 2);
        let mut s = String::new();
        a.by_name("a.txt").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello");
        let f = a.by_name("d/\u{e9}t\u{e9}.log").unwrap();
        assert_eq!(f.size(), 15);
        assert!(format!("{:?}", f.compression()).contains("8") || format!("{:?}", f.compression()).contains("Deflat"));
    }
}
