//! A bundle on disk: its name, the `.partial` file it is written as, the manifest, the
//! `.sha256` beside it, and what is left when anything fails (nothing).
//!
//! - The name is `[<case>.]traveler.<host>.<YYYYMMDD-HHMMSS>.zip`; a second bundle within the
//!   same second gets `-2`, `-3`, ... and no bundle ever replaces another (`O_EXCL` for the
//!   partial and the `.sha256`, `renameat2(RENAME_NOREPLACE)` for the rename).
//! - Everything is created relative to the output directory opened once, mode 0600: a bundle
//!   holds logs that other accounts may not read.
//! - The commit order makes the rename the only step that publishes: the archive is completed
//!   and synced, hashed from its descriptor, its `.sha256` is written and synced, and only then
//!   is `<name>.partial` renamed to `<name>`. A failure at any step (a full disk included)
//!   removes what was written, so a failed collection leaves nothing.
//! - A catchable signal stops the pipeline and removes the files ([`crate::sys::signals`]); a
//!   second one ends the process after the handler removed them.

use super::ArchiveError;
use super::collect::{self, Extra, FileRecord, Options, Progress};
use super::plan::{DataDirSource, Kind, Plan, Skipped};
use super::redact::{self, Redactor};
use super::zipout::{self, ZipOut};
use crate::sys::dirfd::{Dir, Stat};
use crate::sys::signals::{self, Deferral, UnlinkOnSignal};
use crate::term::escape::escape_path;
use serde::Serialize;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{BufWriter, ErrorKind, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

/// The directory a bundle goes to, opened once.
#[derive(Debug, Clone)]
pub struct Target {
    pub dir: Arc<Dir>,
    /// The path shown for it.
    pub shown: PathBuf,
}

/// The data directory in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct DataDirJson {
    pub path: String,
    pub source: DataDirSource,
}

#[derive(Debug, Clone, Serialize)]
pub struct RedactionJson {
    pub enabled: bool,
    pub rules: Vec<&'static str>,
    /// How many stored passwords were masked by value (the values never appear).
    pub store_secrets: usize,
    pub rotated_zips: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

impl RedactionJson {
    #[must_use]
    pub fn new(enabled: bool, store_secrets: usize) -> RedactionJson {
        RedactionJson {
            enabled,
            rules: if enabled { redact::RULES.to_vec() } else { Vec::new() },
            store_secrets: if enabled { store_secrets } else { 0 },
            rotated_zips: "not redacted: rotated .zip and .gz logs (and other compressed files) are stored unchanged (their contents were not scanned)",
            note: (!enabled).then_some("redaction turned off with --no-redact: files are as on disk"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FiltersJson {
    pub since: Option<String>,
    pub max_file_size: Option<u64>,
    pub skip: Vec<String>,
}

/// The manifest's fields other than the file lists.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestHead {
    pub format: u32,
    pub tool: &'static str,
    pub version: &'static str,
    pub created: String,
    pub host: String,
    pub case: Option<String>,
    pub data_dir: DataDirJson,
    pub logs_dir: String,
    pub redaction: RedactionJson,
    pub filters: FiltersJson,
}

#[derive(Serialize)]
struct Manifest<'a> {
    #[serde(flatten)]
    head: &'a ManifestHead,
    files: &'a [FileRecord],
    skipped: &'a [Skipped],
}

/// What a bundle is made of.
pub struct Job<'a> {
    pub target: &'a Target,
    /// The name without `.zip` and without the same-second number.
    pub stem: String,
    pub plan: &'a Plan,
    /// For the files' contents (without secrets under `--no-redact`).
    pub redactor: &'a Redactor,
    /// For names, reasons and the manifest: always with the store's secrets.
    pub meta: &'a Redactor,
    pub opts: &'a Options,
    pub extras: &'a [Extra],
    pub head: &'a ManifestHead,
    pub progress: Progress<'a>,
}

/// A bundle written and published.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    pub sha256_path: PathBuf,
    pub files: Vec<FileRecord>,
    pub skipped: Vec<Skipped>,
}

/// The files of a bundle in progress; removed on drop unless published.
struct Pending {
    dir: Arc<Dir>,
    files: Vec<(OsString, Stat)>,
}

impl Pending {
    fn forget(&mut self, name: &OsStr) {
        if let Some(i) = self.files.iter().position(|(n, _)| n == name) {
            let (n, st) = self.files.remove(i);
            let _ = self.dir.unlink_if_same(&n, &st);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        for (n, st) in &self.files {
            // Only what this run created: the device and inode it got at creation.
            let _ = self.dir.unlink_if_same(n, st);
        }
    }
}

fn interrupted() -> bool {
    signals::interrupted().is_some()
}

fn numbered(stem: &str, n: u32) -> String {
    if n == 1 {
        format!("{stem}.zip")
    } else {
        format!("{stem}-{n}.zip")
    }
}

fn exists(dir: &Dir, name: &str) -> bool {
    !matches!(dir.stat(OsStr::new(name)), Err(ref e) if e.kind() == ErrorKind::NotFound)
}

/// Writes and publishes the bundle of `job`.
///
/// # Errors
/// [`ArchiveError::Interrupted`] on a signal, [`ArchiveError::NoSpace`] on a full disk,
/// [`ArchiveError::Write`] otherwise; in every case nothing is left behind.
pub fn write(job: &Job<'_>) -> Result<Written, ArchiveError> {
    // Signals are deferred before the first file exists, so none can leave it behind.
    let _deferral = Deferral::begin();
    let (partial_name, file, stat) = reserve(job.target, &job.stem)?;
    let mut pending = Pending {
        dir: Arc::clone(&job.target.dir),
        files: vec![(partial_name.clone(), stat)],
    };
    let shown = |n: &OsStr| escape_path(&job.target.shown.join(n));
    let _unlink = job
        .target
        .dir
        .real_path()
        .map(|d| UnlinkOnSignal::new(&d.join(&partial_name)));
    let wr = |e: std::io::Error| ArchiveError::write(shown(&partial_name), e);

    let mut zip = ZipOut::new(BufWriter::with_capacity(256 * 1024, file));
    let dos = dos_of_local();
    let outcome = collect::write_entries(
        &mut zip,
        &job.plan.entries,
        job.redactor,
        job.opts,
        &dos,
        interrupted,
        job.progress,
    )
    .map_err(|e| e.at(shown(&partial_name)))?;
    let now = dos(SystemTime::now());
    let mut files = outcome.files;
    for x in job.extras {
        // Generated documents are always masked, even with --no-redact: they come from the store.
        files.push(
            collect::add_extra(&mut zip, x, job.meta, now, job.opts.level).map_err(|e| e.at(shown(&partial_name)))?,
        );
    }
    let mut skipped = job.plan.skipped.clone();
    skipped.extend(outcome.failed.into_iter().map(|f| Skipped {
        path: f.path,
        reason: job.meta.redact_str(&f.reason),
    }));
    let manifest = manifest_bytes(job.head, &files, &skipped, job.meta)?;
    let x = Extra {
        name: "manifest.json".into(),
        data: manifest,
        redact: false,
    };
    collect::add_extra(&mut zip, &x, job.meta, now, job.opts.level).map_err(|e| e.at(shown(&partial_name)))?;
    let mut file = zip
        .finish()
        .and_then(|w| w.into_inner().map_err(std::io::IntoInnerError::into_error))
        .map_err(wr)?;
    file.sync_all().map_err(wr)?;
    let (bytes, sha256) = hash(&mut file).map_err(wr)?;
    if let Some(sig) = signals::interrupted() {
        return Err(ArchiveError::Interrupted(sig));
    }
    let name = publish(job.target, &partial_name, &sha256, &mut pending)?;
    pending.files.clear();
    let _ = job.target.dir.sync();
    Ok(Written {
        path: job.target.shown.join(&name),
        bytes,
        sha256,
        sha256_path: job.target.shown.join(format!("{name}.sha256")),
        files,
        skipped,
    })
}

/// Creates `<stem>[-N].zip.partial` for the first N whose zip, `.sha256` and partial are all
/// free.
fn reserve(t: &Target, stem: &str) -> Result<(OsString, File, Stat), ArchiveError> {
    for n in 1..1000 {
        let name = numbered(stem, n);
        if exists(&t.dir, &name) || exists(&t.dir, &format!("{name}.sha256")) {
            continue;
        }
        let partial = OsString::from(format!("{name}.partial"));
        match t.dir.create_new(&partial, 0o600) {
            Ok(f) => {
                let st = crate::sys::dirfd::fstat(f.as_raw_fd())
                    .map_err(|e| ArchiveError::write(escape_path(&t.shown.join(&partial)), e))?;
                return Ok((partial, f, st));
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(ArchiveError::Create {
                    path: escape_path(&t.shown.join(&partial)),
                    source: e,
                });
            }
        }
    }
    Err(ArchiveError::Create {
        path: escape_path(&t.shown.join(format!("{stem}.zip"))),
        source: std::io::Error::new(ErrorKind::AlreadyExists, "999 bundles of this second already exist"),
    })
}

/// Writes `<name>.sha256` and renames the partial to `<name>`, for the first free name.
fn publish(t: &Target, partial: &OsStr, sha: &str, pending: &mut Pending) -> Result<String, ArchiveError> {
    let stem = partial
        .to_string_lossy()
        .trim_end_matches(".partial")
        .trim_end_matches(".zip")
        .to_owned();
    // The partial's own number (if it has one) is where the search starts.
    let (base, first) = match stem.rsplit_once('-') {
        Some((b, n)) if n.len() <= 3 && b.len() > 16 && n.bytes().all(|c| c.is_ascii_digit()) => {
            (b.to_owned(), n.parse().unwrap_or(1))
        }
        _ => (stem.clone(), 1),
    };
    for n in first..1000 {
        let name = numbered(&base, n);
        let sha_name = OsString::from(format!("{name}.sha256"));
        let shown = escape_path(&t.shown.join(&sha_name));
        let mut f = match t.dir.create_new(&sha_name, 0o600) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ArchiveError::write(shown, e)),
        };
        let st = crate::sys::dirfd::fstat(f.as_raw_fd()).map_err(|e| ArchiveError::write(shown.clone(), e))?;
        pending.files.push((sha_name.clone(), st));
        // sha256sum's format, so `sha256sum -c` checks it in that directory.
        f.write_all(format!("{sha}  {name}\n").as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| ArchiveError::write(shown, e))?;
        match t.dir.rename_noreplace(partial, OsStr::new(&name)) {
            Ok(()) => return Ok(name),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => pending.forget(&sha_name),
            Err(e) => return Err(ArchiveError::write(escape_path(&t.shown.join(&name)), e)),
        }
    }
    Err(ArchiveError::write(
        escape_path(&t.shown.join(format!("{base}.zip"))),
        std::io::Error::new(ErrorKind::AlreadyExists, "999 bundles of this second already exist"),
    ))
}

/// The manifest as JSON, every string masked by the same rules as the files (a file name or a
/// path may hold a stored password).
fn manifest_bytes(
    head: &ManifestHead,
    files: &[FileRecord],
    skipped: &[Skipped],
    meta: &Redactor,
) -> Result<Vec<u8>, ArchiveError> {
    let m = Manifest { head, files, skipped };
    let mut v = serde_json::to_value(&m).map_err(|e| ArchiveError::Write {
        path: "manifest.json".into(),
        source: std::io::Error::other(e),
    })?;
    mask_json(&mut v, meta);
    let mut out = serde_json::to_vec_pretty(&v).map_err(|e| ArchiveError::Write {
        path: "manifest.json".into(),
        source: std::io::Error::other(e),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// Masks every string in a JSON document with `r` (keys are this tool's own words).
pub fn mask_json(v: &mut serde_json::Value, r: &Redactor) {
    match v {
        serde_json::Value::String(s) => {
            let m = r.redact_name(s);
            if m != *s {
                *s = m;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_json(x, r)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| mask_json(x, r)),
        _ => {}
    }
}

fn hash(f: &mut File) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    f.seek(SeekFrom::Start(0))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, crate::text::hex(&h.finalize())))
}

/// MS-DOS times of entries, in local time (what unzip shows).
fn dos_of_local() -> impl Fn(SystemTime) -> (u16, u16) + Sync {
    let tz = jiff::tz::TimeZone::system();
    move |t: SystemTime| {
        jiff::Timestamp::try_from(t).map_or((0, 33), |ts| {
            let c = ts.to_zoned(tz.clone()).datetime();
            zipout::dos_datetime(c.year(), c.month(), c.day(), c.hour(), c.minute(), c.second())
        })
    }
}

/// The expected archive size without writing: stored entries as they are, text sampled (up to
/// 4 MiB across files, read through the same descriptors as a collection) and deflated at
/// `level` for a ratio, plus the zip's own overhead.
#[must_use]
pub fn estimate(plan: &Plan, max: Option<u64>, level: u32) -> u64 {
    let mut sample = Vec::new();
    let (mut stored, mut text) = (0u64, 0u64);
    for e in &plan.entries {
        let sz = max.map_or(e.size, |m| e.size.min(m));
        if e.kind == Kind::Compressed {
            stored += sz;
            continue;
        }
        text += sz;
        if sample.len() < 4 << 20
            && let Ok((f, _)) = e.source.open()
        {
            let _ = f.take(1 << 20).read_to_end(&mut sample);
        }
    }
    let ratio = if sample.is_empty() {
        1.0
    } else {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(level));
        let _ = enc.write_all(&sample);
        let n = enc.finish().map(|v| v.len()).unwrap_or(sample.len());
        n as f64 / sample.len() as f64
    };
    let overhead: u64 = plan.entries.iter().map(|e| 76 + 2 * e.name.len() as u64).sum::<u64>() + 64 * 1024;
    stored + (text as f64 * ratio) as u64 + overhead
}

/// Safe in a file name on every system a bundle travels to.
#[must_use]
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ',') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// This machine's name as it goes into a bundle's name.
#[must_use]
pub fn hostname() -> String {
    let name = crate::sys::process::hostname().unwrap_or_default();
    let s = sanitize(&name);
    if s.is_empty() { "localhost".into() } else { s }
}

/// `[<case>.]traveler.<host>.<YYYYMMDD-HHMMSS>` for a bundle made now.
#[must_use]
pub fn stem(case: Option<&str>, host: &str) -> String {
    let stamp = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    match case {
        Some(c) => format!("{}.traveler.{host}.{stamp}", sanitize(c)),
        None => format!("traveler.{host}.{stamp}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_and_rules() {
        assert_eq!(sanitize("CS1234567"), "CS1234567");
        assert_eq!(sanitize("a/b c"), "a_b_c");
        assert_eq!(
            numbered("traveler.h.20261123-041500", 1),
            "traveler.h.20261123-041500.zip"
        );
        assert_eq!(
            numbered("traveler.h.20261123-041500", 3),
            "traveler.h.20261123-041500-3.zip"
        );
        assert!(super::super::plan::is_bundle_name(&numbered(
            "traveler.h.20261123-041500",
            999
        )));
        // The manifest lists the rules: masking the manifest must leave them readable.
        let r = Redactor::new(&[]).unwrap();
        for rule in redact::RULES {
            assert_eq!(r.redact_name(rule), *rule);
        }
    }
}
