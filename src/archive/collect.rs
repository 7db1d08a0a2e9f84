//! Writing a bundle: files are read in order, cut into chunks of whole lines, redacted and
//! deflated on a worker pool, and written back in order into the archive.
//!
//! - No temp copies: chunks go from the source file to the archive (sos#873).
//! - Snapshots: each file is read up to the size it had when opened, so a log that grows
//!   meanwhile gives a consistent entry (tar-rs#282); a file that shrinks is recorded.
//! - Bounded memory: at most `IN_FLIGHT` chunks exist between the reader and the writer
//!   (credits returned by the writer), whatever the tree or file size.
//! - Parallel deflate as pigz does it: each chunk is its own raw-deflate piece, primed with the
//!   end of the chunk before it (`chunk.rs`), and the pieces concatenate into one valid
//!   stream, closed by an empty final fixed block (`03 00`).

use super::ArchiveError;
use super::chunk::{Compressors, Prime, deflate_chunk, prime_from};
use super::plan::{Entry, Kind};
use super::redact::{self, MAX_LINE, Redactor};
use super::zipout::{Method, ZipOut};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

/// Chunk size: large enough that the per-chunk restart of the deflate window costs well under
/// 1% of ratio, small enough that `IN_FLIGHT` of them (raw, redacted and compressed copies)
/// stay far below the 64 MiB RSS budget.
pub const CHUNK: usize = 1 << 20;
const IN_FLIGHT: usize = 8;

#[derive(Debug, Clone)]
pub struct Options {
    pub redact: bool,
    pub max_file_size: Option<u64>,
    pub level: u32,
    pub threads: usize,
}

/// One manifest line per file.
#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    pub path: String,
    pub source: String,
    /// Bytes in the archive (after truncation and redaction).
    pub bytes: u64,
    /// The size when the file was opened.
    pub source_bytes: u64,
    pub sha256: String,
    pub redactions: u64,
    pub redacted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<Truncation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Truncation {
    pub original_bytes: u64,
    pub kept_bytes: u64,
    pub reason: String,
}

/// A file that could not be put in (vanished, unreadable).
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileRecord>,
    pub failed: Vec<Failed>,
}

/// Something already in memory to put into the archive (the manifest, `db show --json`).
pub struct Extra {
    pub name: String,
    pub data: Vec<u8>,
    pub redact: bool,
}

/// The start of an entry, passed unchanged from the reader through the workers to the writer.
struct Begin {
    idx: usize,
    method: Method,
    redact: bool,
    source_bytes: u64,
    truncated: Option<Truncation>,
}

/// What goes from the reader through the workers to the writer, in order. Only a chunk
/// changes on the way: the reader sends a [`Cut`], a worker turns it into a [`Packed`] (or
/// the reason it could not).
enum Msg<C> {
    Start(Begin),
    Chunk(C),
    End { short: Option<String> },
    Failed { idx: usize, reason: String },
    Interrupted,
}

impl<C> Msg<C> {
    fn map_chunk<D>(self, f: impl FnOnce(C) -> D) -> Msg<D> {
        match self {
            Msg::Chunk(c) => Msg::Chunk(f(c)),
            Msg::Start(b) => Msg::Start(b),
            Msg::End { short } => Msg::End { short },
            Msg::Failed { idx, reason } => Msg::Failed { idx, reason },
            Msg::Interrupted => Msg::Interrupted,
        }
    }
}

/// A chunk as read from the source.
struct Cut {
    data: Vec<u8>,
    redact: bool,
    in_pem: bool,
    method: Method,
    prime: Option<Prime>,
}

/// A chunk as stored (`raw`, redacted) and, when deflated, its piece of the stream.
struct Packed {
    raw: Vec<u8>,
    comp: Vec<u8>,
    redactions: u64,
}

type Done = Msg<Result<Packed, String>>;

/// Progress callback: bytes read so far from the sources.
pub type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Writes `entries` then `extras` into `zip`. `extra_after` builds the final in-memory
/// entries (the manifest) once the records are known.
pub fn write_entries<W: Write + Seek>(
    zip: &mut ZipOut<W>,
    entries: &[Entry],
    redactor: &Redactor,
    opts: &Options,
    dos_of: &(dyn Fn(std::time::SystemTime) -> (u16, u16) + Sync),
    interrupted: fn() -> bool,
    progress: Progress<'_>,
) -> Result<Outcome, ArchiveError> {
    let threads = opts.threads.max(1);
    let (job_tx, job_rx) = sync_channel::<(u64, Msg<Cut>)>(IN_FLIGHT);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(u64, Done)>();
    let (credit_tx, credit_rx) = sync_channel::<()>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        let _ = credit_tx.send(());
    }
    std::thread::scope(|s| {
        s.spawn(move || read_all(entries, opts, redactor, &job_tx, &credit_rx, interrupted, progress));
        for _ in 0..threads {
            let rx = Arc::clone(&job_rx);
            let tx = done_tx.clone();
            s.spawn(move || work(&rx, &tx, redactor, opts.level));
        }
        drop(done_tx);
        // Owned: when the writer stops (a full disk), dropping the credits and the results
        // unblocks the reader and the workers, so the scope can end.
        write_ordered(zip, entries, done_rx, credit_tx, dos_of)
    })
}

/// The reader thread: every entry in order, cut into pieces for the workers.
fn read_all(
    entries: &[Entry],
    opts: &Options,
    redactor: &Redactor,
    jobs: &SyncSender<(u64, Msg<Cut>)>,
    credits: &Receiver<()>,
    interrupted: fn() -> bool,
    progress: Progress<'_>,
) {
    let mut r = Reader {
        opts,
        redactor,
        jobs,
        credits,
        interrupted,
        progress,
        seq: 0,
        read_total: 0,
    };
    for (idx, e) in entries.iter().enumerate() {
        if !r.entry(idx, e) {
            return;
        }
    }
}

/// The reader thread's state. Its steps return whether to go on: false once the writer has
/// stopped (a full disk) or a signal came.
struct Reader<'a> {
    opts: &'a Options,
    redactor: &'a Redactor,
    jobs: &'a SyncSender<(u64, Msg<Cut>)>,
    credits: &'a Receiver<()>,
    interrupted: fn() -> bool,
    progress: Progress<'a>,
    seq: u64,
    read_total: u64,
}

/// One entry's pieces as they are cut.
struct Piecing {
    size: u64,
    remaining: u64,
    /// Bytes read but not yet sent: the sniffed head, then an unfinished line.
    carry: Vec<u8>,
    redact: bool,
    method: Method,
}

impl Reader<'_> {
    /// Every message takes a credit, so the writer bounds what is in flight.
    fn send(&mut self, m: Msg<Cut>) -> bool {
        if self.credits.recv().is_err() {
            return false;
        }
        let ok = self.jobs.send((self.seq, m)).is_ok();
        self.seq += 1;
        ok
    }

    /// True when a signal came; the writer is told, and the reader stops.
    fn stopped_by_signal(&mut self) -> bool {
        let stop = (self.interrupted)();
        if stop {
            let _ = self.send(Msg::Interrupted);
        }
        stop
    }

    fn entry(&mut self, idx: usize, e: &Entry) -> bool {
        if self.stopped_by_signal() {
            return false;
        }
        // Opened through its directory's descriptor: a swapped directory or a new symlink
        // cannot redirect the read. The snapshot: the size now, at open.
        let (mut f, size) = match e.source.open() {
            Ok(x) => x,
            Err(reason) => return self.send(Msg::Failed { idx, reason }),
        };
        // Sniff: binary files and compressed rotations pass through unchanged.
        let mut head = vec![0u8; 8192.min(usize::try_from(size).unwrap_or(8192))];
        let head_n = match read_full(&mut f, &mut head) {
            Ok(n) => n,
            Err(err) => {
                let reason = format!("cannot be read: {err}");
                return self.send(Msg::Failed { idx, reason });
            }
        };
        head.truncate(head_n);
        self.read_total += head_n as u64;
        let text = e.kind == Kind::Log && redact::looks_like_text(&head);
        let redact = self.opts.redact && text;
        let method = if e.kind == Kind::Compressed {
            Method::Stored
        } else {
            Method::Deflated
        };
        let mut start = 0u64;
        let mut truncated = None;
        if let Some(max) = self.opts.max_file_size
            && size > max
        {
            start = tail_start(&mut f, size - max, text);
            truncated = Some(Truncation {
                original_bytes: size,
                kept_bytes: size - start,
                reason: "--max-file-size: kept the newest lines (the tail)".into(),
            });
            head.clear();
            if f.seek(SeekFrom::Start(start)).is_err() {
                let reason = "cannot seek".into();
                return self.send(Msg::Failed { idx, reason });
            }
        }
        let begin = Begin {
            idx,
            method,
            redact,
            source_bytes: size,
            truncated,
        };
        if !self.send(Msg::Start(begin)) {
            return false;
        }
        let piecing = Piecing {
            size,
            remaining: size - start - head.len() as u64,
            carry: head,
            redact,
            method,
        };
        match self.pieces(&mut f, piecing) {
            Some(short) => self.send(Msg::End { short }),
            None => false,
        }
    }

    /// Sends the rest of a file as pieces; `None` when the reader stops, else what cut the
    /// file short, if anything.
    fn pieces(&mut self, f: &mut std::fs::File, mut p: Piecing) -> Option<Option<String>> {
        let mut in_pem = false;
        let mut prime: Option<Prime> = None;
        let mut short = None;
        let mut src = f.take(p.remaining);
        loop {
            if self.stopped_by_signal() {
                return None;
            }
            let mut buf = std::mem::take(&mut p.carry);
            let have = buf.len();
            // A long line being gathered grows by 64 KiB steps up to MAX_LINE.
            let want = CHUNK.saturating_sub(have).max(64 * 1024);
            buf.resize(have + want.min(usize::try_from(p.remaining).unwrap_or(want)), 0);
            let n = match read_full(&mut src, &mut buf[have..]) {
                Ok(n) => n,
                Err(err) => {
                    short = Some(format!("read error after {} bytes: {err}", p.size - p.remaining));
                    0
                }
            };
            buf.truncate(have + n);
            p.remaining -= n as u64;
            self.read_total += n as u64;
            (self.progress)(self.read_total);
            let at_end = p.remaining == 0 || n == 0;
            if at_end && p.remaining > 0 && short.is_none() {
                short = Some(format!(
                    "the file shrank while being read: {} of {} bytes archived",
                    p.size - p.remaining,
                    p.size
                ));
            }
            if !at_end && p.redact {
                // Whole lines only; the rest waits for the next chunk.
                let cut = match memchr::memrchr(b'\n', &buf) {
                    Some(nl) => nl + 1,
                    None if buf.len() < MAX_LINE => {
                        p.carry = buf;
                        continue;
                    }
                    // A line longer than MAX_LINE: cut where no stored password straddles.
                    None => self.redactor.cut_point(&buf),
                };
                p.carry = buf.split_off(cut);
            }
            if !buf.is_empty() {
                let (next_prime, next_pem) = if p.method == Method::Deflated {
                    prime_from(&buf, in_pem, p.redact)
                } else {
                    (None, false)
                };
                let chunk = Msg::Chunk(Cut {
                    data: buf,
                    redact: p.redact,
                    in_pem,
                    method: p.method,
                    prime: prime.take(),
                });
                if !self.send(chunk) {
                    return None;
                }
                in_pem = next_pem;
                prime = next_prime;
            }
            if at_end {
                return Some(short);
            }
        }
    }
}

/// Where `--max-file-size` starts a file's kept tail: `start`, moved on to the first line start
/// at or after it when the file is text.
fn tail_start(f: &mut std::fs::File, start: u64, text: bool) -> u64 {
    if text && f.seek(SeekFrom::Start(start.saturating_sub(1))).is_ok() {
        let mut probe = vec![0u8; 64 * 1024];
        if let Ok(n) = read_full(f, &mut probe)
            && let Some(nl) = memchr::memchr(b'\n', &probe[..n])
        {
            return start.saturating_sub(1) + nl as u64 + 1;
        }
    }
    start
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn work(
    jobs: &Mutex<Receiver<(u64, Msg<Cut>)>>,
    done: &std::sync::mpsc::Sender<(u64, Done)>,
    redactor: &Redactor,
    level: u32,
) {
    let mut c = Compressors::new(level);
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, msg)) = job else { return };
        let out = msg.map_chunk(|cut| pack(cut, &mut c, redactor));
        if done.send((seq, out)).is_err() {
            return;
        }
    }
}

/// Redacts a chunk and, unless it is stored, deflates it.
fn pack(cut: Cut, c: &mut Compressors, redactor: &Redactor) -> Result<Packed, String> {
    let (raw, redactions) = if cut.redact {
        let mut o = Vec::with_capacity(cut.data.len() + 64);
        let (n, _) = redactor.redact(&cut.data, cut.in_pem, &mut o);
        (o, n)
    } else {
        (cut.data, 0)
    };
    let comp = match cut.method {
        Method::Stored => Vec::new(),
        Method::Deflated => c
            .deflate(&raw, cut.prime, redactor)
            .map_err(|e| format!("deflate: {e}"))?,
    };
    Ok(Packed { raw, comp, redactions })
}

struct Current {
    idx: usize,
    method: Method,
    redact: bool,
    source_bytes: u64,
    truncated: Option<Truncation>,
    sha: Sha256,
    crc: crc32fast::Hasher,
    bytes: u64,
    redactions: u64,
}

fn write_ordered<W: Write + Seek>(
    zip: &mut ZipOut<W>,
    entries: &[Entry],
    done: Receiver<(u64, Done)>,
    credits: SyncSender<()>,
    dos_of: &(dyn Fn(std::time::SystemTime) -> (u16, u16) + Sync),
) -> Result<Outcome, ArchiveError> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut out = Outcome::default();
    let mut cur: Option<Current> = None;
    let wr = ArchiveError::Pipe;
    while let Ok((seq, msg)) = done.recv() {
        pending.insert(seq, msg);
        while let Some(msg) = pending.remove(&next) {
            next += 1;
            let _ = credits.try_send(());
            match msg {
                Msg::Interrupted => {
                    return Err(ArchiveError::Interrupted(
                        crate::sys::signals::interrupted().unwrap_or(libc::SIGINT),
                    ));
                }
                Msg::Failed { idx, reason } => out.failed.push(Failed {
                    path: entries[idx].shown.clone(),
                    reason,
                }),
                Msg::Start(Begin {
                    idx,
                    method,
                    redact,
                    source_bytes,
                    truncated,
                }) => {
                    let e = &entries[idx];
                    zip.begin(&e.name, method, dos_of(e.mtime), source_bytes).map_err(wr)?;
                    cur = Some(Current {
                        idx,
                        method,
                        redact,
                        source_bytes,
                        truncated,
                        sha: Sha256::new(),
                        crc: crc32fast::Hasher::new(),
                        bytes: 0,
                        redactions: 0,
                    });
                }
                Msg::Chunk(Err(e)) => return Err(ArchiveError::Pipe(io::Error::other(e))),
                Msg::Chunk(Ok(Packed { raw, comp, redactions })) => {
                    let Some(c) = cur.as_mut() else {
                        return Err(ArchiveError::Pipe(io::Error::other("chunk outside an entry")));
                    };
                    c.sha.update(&raw);
                    c.crc.update(&raw);
                    c.bytes += raw.len() as u64;
                    c.redactions += redactions;
                    match c.method {
                        Method::Stored => zip.write(&raw).map_err(wr)?,
                        Method::Deflated => zip.write(&comp).map_err(wr)?,
                    }
                }
                Msg::End { short } => {
                    let Some(c) = cur.take() else {
                        return Err(ArchiveError::Pipe(io::Error::other("end outside an entry")));
                    };
                    if c.method == Method::Deflated {
                        // The empty final block (BFINAL=1, fixed Huffman, end-of-block).
                        zip.write(&[0x03, 0x00]).map_err(wr)?;
                    }
                    zip.end(c.crc.finalize(), c.bytes).map_err(wr)?;
                    let e = &entries[c.idx];
                    let note = match (e.kind, c.redact) {
                        (Kind::Compressed, _) => {
                            Some("already compressed (rotated log): stored unchanged, not redacted inside".to_owned())
                        }
                        (Kind::Log, false) if c.bytes > 0 => Some("binary or redaction off: not redacted".to_owned()),
                        _ => None,
                    };
                    let note = match (note, short) {
                        (n, None) => n,
                        (None, Some(s)) => Some(s),
                        (Some(n), Some(s)) => Some(format!("{n}; {s}")),
                    };
                    out.files.push(FileRecord {
                        path: e.name.clone(),
                        source: e.shown.clone(),
                        bytes: c.bytes,
                        source_bytes: c.source_bytes,
                        sha256: crate::text::hex(&c.sha.finalize()),
                        redactions: c.redactions,
                        redacted: c.redact,
                        truncated: c.truncated,
                        note,
                    });
                }
            }
        }
    }
    if cur.is_some() {
        return Err(ArchiveError::Pipe(io::Error::other("the reader stopped mid-file")));
    }
    Ok(out)
}

/// Adds an in-memory entry (deflated on this thread; these are small).
pub fn add_extra<W: Write + Seek>(
    zip: &mut ZipOut<W>,
    x: &Extra,
    redactor: &Redactor,
    dos: (u16, u16),
    level: u32,
) -> Result<FileRecord, ArchiveError> {
    let (raw, n) = if x.redact {
        let mut o = Vec::with_capacity(x.data.len());
        let (n, _) = redactor.redact(&x.data, false, &mut o);
        (o, n)
    } else {
        (x.data.clone(), 0)
    };
    let mut c = flate2::Compress::new(flate2::Compression::new(level), false);
    let comp = deflate_chunk(&mut c, &[], &raw).map_err(|e| ArchiveError::Pipe(io::Error::other(e)))?;
    zip.begin(&x.name, Method::Deflated, dos, raw.len() as u64)
        .map_err(ArchiveError::Pipe)?;
    zip.write(&comp).map_err(ArchiveError::Pipe)?;
    zip.write(&[0x03, 0x00]).map_err(ArchiveError::Pipe)?;
    zip.end(crc32fast::hash(&raw), raw.len() as u64)
        .map_err(ArchiveError::Pipe)?;
    Ok(FileRecord {
        path: x.name.clone(),
        source: "(generated by travelerUtil)".into(),
        bytes: raw.len() as u64,
        source_bytes: x.data.len() as u64,
        sha256: crate::text::hex(&Sha256::digest(&raw)),
        redactions: n,
        redacted: x.redact,
        truncated: None,
        note: None,
    })
}
