//! `log collect | clear`: support bundles of the Traveler logs, and their removal.

use super::Ctx;
use crate::archive::collect::{self, Extra, FileRecord, Options};
use crate::archive::plan::{self, DataDir, Entry, Filters, Kind, Plan, Skipped};
use crate::archive::redact::{self, Redactor};
use crate::archive::zipout::{self, ZipOut};
use crate::archive::{ArchiveError, clear};
use crate::args::{self, ArgError, Key};
use crate::cli::log::{ClearArgs, CollectArgs, LogAction, LogCli};
use crate::error::{Failure, ResultExt};
use crate::exit::Exit;
use crate::store::Settings;
use serde::Serialize;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const COLLECT_KEYS: &[Key] = &[Key::value("out")];
const CLEAR_KEYS: &[Key] = &[Key::flag("force")];
/// Deflate level 4: zlib-rs at level 4, in 1 MiB pieces, matches `gzip -6`/`zip -6` in size on
/// Traveler-style logs (ratio 0.2252 vs 0.2254 on a 32 MiB NTSActivity sample) for ~70% of
/// level 6's CPU (zlib-rs runs levels 3-6 on its "medium" strategy; level 2 is 1.06x zip's
/// size, level 1 1.43x). The budget: 1.05x zip's size at 2x its speed.
const LEVEL: u32 = 4;

pub fn run(args: LogCli, ctx: &mut Ctx) -> Result<Exit, Failure> {
    match args.action {
        LogAction::Collect(a) => collect_cmd(ctx, &a, None).map(|_| Exit::Success),
        LogAction::Clear(a) => clear_cmd(ctx, &a),
    }
}

/// Runs `log collect` with default options for support case `case` (normalised, e.g.
/// "CS1234567"), writing into the logs directory, and returns the archive path.
/// Progress and quiet as for `log collect`; its summary goes to stderr, so that stdout holds
/// only the caller's report (one JSON document with `--json`).
pub fn collect_for_case(ctx: &mut Ctx, case: &str) -> Result<PathBuf, Failure> {
    let a = CollectArgs {
        since: None,
        max_file_size: None,
        skip: Vec::new(),
        estimate: false,
        no_redact: false,
        words: Vec::new(),
    };
    collect_cmd(ctx, &a, Some(case))?.ok_or_else(|| Failure::msg(Exit::Failure, "no archive was written"))
}

// ---------------------------------------------------------------------------------------------
// collect

fn interrupted() -> bool {
    crate::sys::signals::interrupted().is_some()
}

/// Removes the `.partial` file unless the archive was completed.
struct Partial {
    path: PathBuf,
    armed: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[derive(Serialize)]
struct DataDirJson {
    path: PathBuf,
    source: plan::DataDirSource,
}

#[derive(Serialize)]
struct RedactionJson {
    enabled: bool,
    rules: Vec<&'static str>,
    /// How many stored passwords were masked by value (the values never appear).
    store_secrets: usize,
    rotated_zips: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

#[derive(Serialize)]
struct FiltersJson {
    since: Option<String>,
    max_file_size: Option<u64>,
    skip: Vec<String>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: u32,
    tool: &'static str,
    version: &'static str,
    created: String,
    host: &'a str,
    case: Option<&'a str>,
    data_dir: DataDirJson,
    logs_dir: &'a Path,
    redaction: &'a RedactionJson,
    filters: &'a FiltersJson,
    files: &'a [FileRecord],
    skipped: &'a [Skipped],
}

#[derive(Serialize)]
struct CollectJson<'a> {
    status: &'static str,
    archive: Option<&'a Path>,
    bytes: u64,
    sha256: Option<&'a str>,
    sha256_file: Option<&'a Path>,
    case: Option<&'a str>,
    host: &'a str,
    files: usize,
    source_bytes: u64,
    redactions: u64,
    redaction: bool,
    truncated: usize,
    skipped: &'a [Skipped],
    #[serde(skip_serializing_if = "Option::is_none")]
    estimated_archive_bytes: Option<u64>,
}

fn collect_cmd(ctx: &mut Ctx, a: &CollectArgs, case_override: Option<&str>) -> Result<Option<PathBuf>, Failure> {
    let mut words = match args::parse(&a.words, COLLECT_KEYS) {
        Ok(w) => w,
        Err(ArgError::Help) => {
            super::print_help(ctx, &["log", "collect"])?;
            return Ok(None);
        }
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(Failure::usage(format!("log collect: {e}{hint}")));
        }
    };
    let since = a.since.as_deref().map(parse_since).transpose()?;
    let max_file_size = a.max_file_size.as_deref().map(parse_size).transpose()?;
    let skip = build_globs(&a.skip)?;
    let redact_on = !a.no_redact;

    let (data, logs) = locate(ctx)?;
    // The store's passwords are what must never leave: an unreadable store stops the
    // collection (fail closed) unless redaction is off. A missing store is "no secrets".
    let settings: Option<Settings> = if redact_on {
        ctx.store.load().map_err(|e| {
            Failure::new(
                Exit::Store,
                anyhow::Error::new(e).context(
                    "the store cannot be read, so its passwords could not be masked; fix the store or use --no-redact",
                ),
            )
        })?
    } else {
        ctx.store.load().ok().flatten()
    };
    let case: Option<String> = case_override.map(str::to_owned).or_else(|| {
        settings
            .as_ref()
            .and_then(|s| s.support.as_ref())
            .and_then(|s| s.case.clone())
    });
    let secrets = settings.as_ref().map(Settings::secrets).unwrap_or_default();
    let redactor = Redactor::new(if redact_on { &secrets } else { &[] })
        .map_err(|e| Failure::msg(Exit::Failure, format!("redaction rules: {e}")))?;
    let host = hostname();

    // What goes in.
    let filters = Filters {
        since,
        skip: skip.as_ref(),
    };
    let mut p = Plan::default();
    plan::walk(&logs, "logs/", &filters, &mut p).exit_with(Exit::Io)?;
    let ini = data.path.join("notes.ini");
    if let Ok(md) = std::fs::metadata(&ini)
        && md.is_file()
    {
        p.entries.push(Entry {
            name: "notes.ini".into(),
            source: ini,
            size: md.len(),
            mtime: md.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            kind: Kind::Log,
        });
    }
    let cfg = data.path.join("traveler").join("cfg");
    if cfg.is_dir() {
        plan::walk(&cfg, "traveler/cfg/", &filters, &mut p).exit_with(Exit::Io)?;
    }
    // Names and reasons end up in the archive and the output: the same rules apply to them.
    for e in &mut p.entries {
        e.name = redactor.redact_str(&e.name);
    }
    let total: u64 = p
        .entries
        .iter()
        .map(|e| max_file_size.map_or(e.size, |m| e.size.min(m)))
        .sum();
    ctx.debug(format_args!(
        "log collect: data dir {} (from {}); {} files, {total} bytes; {} skipped",
        data.path.display(),
        data.source.describe(),
        p.entries.len(),
        p.skipped.len()
    ));
    if p.entries.is_empty() {
        ctx.warn(format!("no log files found in {}", logs.display()));
    }

    if a.estimate {
        return estimate(ctx, &p, total, max_file_size, case.as_deref(), &host, redact_on).map(|()| None);
    }

    let stamp = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    let name = match &case {
        Some(c) => format!("{}.traveler.{host}.{stamp}.zip", sanitize(c)),
        None => format!("traveler.{host}.{stamp}.zip"),
    };
    let out_dir = match words.take("out") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        Some(_) => return Err(Failure::usage("out= needs a directory")),
        None => logs.clone(),
    };
    if !out_dir.is_dir() {
        return Err(Failure::msg(
            Exit::NotFound,
            format!("out={}: not a directory (create it first)", out_dir.display()),
        ));
    }
    let final_path = out_dir.join(&name);
    let partial_path = out_dir.join(format!("{name}.partial"));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial_path)
        .map_err(|e| {
            Failure::new(
                Exit::Io,
                anyhow::Error::new(e).context(format!("cannot create {}", partial_path.display())),
            )
        })?;
    let mut partial = Partial {
        path: partial_path.clone(),
        armed: true,
    };
    // A signal stops the pipeline at its next piece; the partial file is then removed below,
    // or by the handler itself if a second signal ends the process.
    let signals = crate::sys::signals::Deferral::begin();
    let unlink_partial = crate::sys::signals::UnlinkOnSignal::new(&partial_path);

    let bar = crate::term::progress::bytes("collecting", total, ctx.global.quiet, ctx.global.json);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let tz = jiff::tz::TimeZone::system();
    let dos_of = |t: SystemTime| {
        jiff::Timestamp::try_from(t).map_or((0, 33), |ts| {
            let c = ts.to_zoned(tz.clone()).datetime();
            zipout::dos_datetime(c.year(), c.month(), c.day(), c.hour(), c.minute(), c.second())
        })
    };
    let opts = Options {
        redact: redact_on,
        max_file_size,
        level: LEVEL,
        threads: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
    };
    let mut zip = ZipOut::new(BufWriter::with_capacity(256 * 1024, file));
    let written = collect::write_entries(&mut zip, &p.entries, &redactor, &opts, &dos_of, interrupted, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let outcome = written.map_err(|e| write_failure(e, &partial_path))?;

    // This tool's own view, masked, beside the logs.
    let now_dos = dos_of(SystemTime::now());
    let mut files = outcome.files;
    let mut extras = Vec::new();
    match super::db::show_json_text(ctx, settings.as_ref()) {
        Ok(v) => extras.push(Extra {
            name: "travelerutil/db-show.json".into(),
            data: v.into_bytes(),
            redact: true,
        }),
        Err(e) => ctx.warn(format!("db show --json left out: {:#}", e.error)),
    }
    match super::ssl::show_json_text(ctx, settings.as_ref()) {
        Ok(v) => extras.push(Extra {
            name: "travelerutil/ssl-show.json".into(),
            data: v.into_bytes(),
            redact: true,
        }),
        Err(e) => ctx.warn(format!("ssl show --json left out: {:#}", e.error)),
    }
    for x in &extras {
        // Generated documents are always masked, even with --no-redact: they come from the
        // store.
        let r =
            collect::add_extra(&mut zip, x, &redactor, now_dos, LEVEL).map_err(|e| write_failure(e, &partial_path))?;
        files.push(r);
    }
    let mut skipped = p.skipped;
    skipped.extend(outcome.failed.into_iter().map(|f| Skipped {
        path: f.path,
        reason: f.reason,
    }));
    for s in &mut skipped {
        s.path = redactor.redact_str(&s.path);
        s.reason = redactor.redact_str(&s.reason);
    }
    for f in &mut files {
        f.source = redactor.redact_str(&f.source);
    }
    let redaction = RedactionJson {
        enabled: redact_on,
        rules: if redact_on { redact::RULES.to_vec() } else { Vec::new() },
        store_secrets: if redact_on { secrets.len() } else { 0 },
        rotated_zips: "not redacted: rotated .zip logs are stored unchanged (their contents were not scanned)",
        note: (!redact_on).then_some("redaction turned off with --no-redact: files are as on disk"),
    };
    let filters_json = FiltersJson {
        since: a.since.clone(),
        max_file_size,
        skip: a.skip.clone(),
    };
    let manifest = Manifest {
        format: 1,
        tool: "travelerUtil",
        version: env!("CARGO_PKG_VERSION"),
        created: jiff::Zoned::now().strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        host: &host,
        case: case.as_deref(),
        data_dir: DataDirJson {
            path: data.path.clone(),
            source: data.source,
        },
        logs_dir: &logs,
        redaction: &redaction,
        filters: &filters_json,
        files: &files,
        skipped: &skipped,
    };
    let mut mdata = serde_json::to_vec_pretty(&manifest).map_err(Failure::internal)?;
    mdata.push(b'\n');
    // Its strings were redacted one by one above; a line-based pass over JSON could cut a
    // closing quote.
    collect::add_extra(
        &mut zip,
        &Extra {
            name: "manifest.json".into(),
            data: mdata,
            redact: false,
        },
        &redactor,
        now_dos,
        LEVEL,
    )
    .map_err(|e| write_failure(e, &partial_path))?;
    let finish = || -> std::io::Result<()> {
        let w = zip.finish()?;
        let f = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()
    };
    finish().map_err(|e| write_failure(ArchiveError::Write(e), &partial_path))?;
    if interrupted() {
        return Err(Failure::msg(
            Exit::Interrupted,
            "interrupted; the partial archive was removed",
        ));
    }
    std::fs::rename(&partial_path, &final_path).map_err(|e| write_failure(ArchiveError::Write(e), &partial_path))?;
    partial.armed = false;
    // Only now: a signal before the rename must still find the handler (and the file removed).
    drop(unlink_partial);
    drop(signals);
    if let Ok(d) = std::fs::File::open(&out_dir) {
        let _ = d.sync_all();
    }
    let (size, sha) = hash_file(&final_path).exit_with(Exit::Io)?;
    let sha_path = out_dir.join(format!("{name}.sha256"));
    // sha256sum's format, so `sha256sum -c` checks it in that directory.
    std::fs::write(&sha_path, format!("{sha}  {name}\n")).map_err(|e| {
        Failure::new(
            Exit::Io,
            anyhow::Error::new(e).context(format!("cannot write {}", sha_path.display())),
        )
    })?;

    for s in &skipped {
        ctx.warn(format!("{}: {}", s.path, s.reason));
    }
    let redactions: u64 = files.iter().map(|f| f.redactions).sum();
    let truncated = files.iter().filter(|f| f.truncated.is_some()).count();
    let source_bytes: u64 = files.iter().map(|f| f.source_bytes).sum();
    if case_override.is_some() {
        // Collected for an upload (`pmr <case>` with no files): the upload's report is the
        // command's data (one JSON document on stdout); the bundle is a progress line.
        ctx.info(format!(
            "collected {} ({}, sha256 {sha}, {} files, {redactions} redactions)",
            final_path.display(),
            human(size),
            files.len()
        ));
    } else if ctx.global.json {
        ctx.json(&CollectJson {
            status: "written",
            archive: Some(&final_path),
            bytes: size,
            sha256: Some(&sha),
            sha256_file: Some(&sha_path),
            case: case.as_deref(),
            host: &host,
            files: files.len(),
            source_bytes,
            redactions,
            redaction: redact_on,
            truncated,
            skipped: &skipped,
            estimated_archive_bytes: None,
        })?;
    } else {
        ctx.out(&format!(
            "{}\nsize:    {size} bytes ({})\nsha256:  {sha}\n",
            final_path.display(),
            human(size)
        ))?;
        ctx.info(format!(
            "{} files ({} read), {} skipped, {redactions} redactions{}{}",
            files.len(),
            human(source_bytes),
            skipped.len(),
            if truncated > 0 {
                format!(", {truncated} truncated")
            } else {
                String::new()
            },
            if redact_on { "" } else { " (redaction OFF: --no-redact)" }
        ));
    }
    Ok(Some(final_path))
}

fn write_failure(e: ArchiveError, partial: &Path) -> Failure {
    let _ = std::fs::remove_file(partial);
    match e {
        ArchiveError::Interrupted => Failure::msg(Exit::Interrupted, "interrupted; the partial archive was removed"),
        ArchiveError::Write(io) => {
            let full = io.kind() == std::io::ErrorKind::StorageFull;
            let msg = if full {
                format!(
                    "no space left on the device while writing {}: the partial archive was removed and the logs are untouched; free some space or write elsewhere with out=DIR",
                    partial.display()
                )
            } else {
                format!(
                    "writing {} failed: the partial archive was removed and the logs are untouched",
                    partial.display()
                )
            };
            Failure::new(Exit::Io, anyhow::Error::new(io).context(msg))
        }
        other => Failure::new(Exit::Io, other),
    }
}

fn locate(ctx: &Ctx) -> Result<(DataDir, PathBuf), Failure> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let data = plan::resolve_data_dir(ctx.global.data_dir.as_deref(), &cwd);
    let logs = data.logs_dir();
    if !logs.is_dir() {
        let mut tried = data.tried.clone();
        tried.push(format!("{} (the logs directory): not found", logs.display()));
        return Err(Failure::new(Exit::NotFound, ArchiveError::NoLogsDir { logs, tried }));
    }
    Ok((data, logs))
}

fn estimate(
    ctx: &Ctx,
    p: &Plan,
    total: u64,
    max: Option<u64>,
    case: Option<&str>,
    host: &str,
    redact_on: bool,
) -> Result<(), Failure> {
    // Stored entries count as they are; text is sampled (up to 4 MiB across files) and
    // deflated at the real level for a ratio.
    let mut sample = Vec::new();
    let mut stored = 0u64;
    let mut text = 0u64;
    for e in &p.entries {
        let sz = max.map_or(e.size, |m| e.size.min(m));
        if e.kind == Kind::Compressed {
            stored += sz;
            continue;
        }
        text += sz;
        if sample.len() < 4 << 20
            && let Ok(f) = std::fs::File::open(&e.source)
        {
            let _ = f.take(1 << 20).read_to_end(&mut sample);
        }
    }
    let ratio = if sample.is_empty() {
        1.0
    } else {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(LEVEL));
        let _ = enc.write_all(&sample);
        let n = enc.finish().map(|v| v.len()).unwrap_or(sample.len());
        n as f64 / sample.len() as f64
    };
    let overhead: u64 = p.entries.iter().map(|e| 76 + 2 * e.name.len() as u64).sum::<u64>() + 64 * 1024;
    let est = stored + (text as f64 * ratio) as u64 + overhead;
    if ctx.global.json {
        return ctx.json(&CollectJson {
            status: "estimate",
            archive: None,
            bytes: 0,
            sha256: None,
            sha256_file: None,
            case,
            host,
            files: p.entries.len(),
            source_bytes: total,
            redactions: 0,
            redaction: redact_on,
            truncated: 0,
            skipped: &p.skipped,
            estimated_archive_bytes: Some(est),
        });
    }
    ctx.out(&format!(
        "files:   {}\nread:    {total} bytes ({})\narchive: about {est} bytes ({}), estimated; nothing written\n",
        p.entries.len(),
        human(total),
        human(est)
    ))
}

fn hash_file(p: &Path) -> std::io::Result<(u64, String)> {
    use sha2::Digest;
    let mut f = std::fs::File::open(p)?;
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

fn hostname() -> String {
    let name = crate::sys::process::hostname().unwrap_or_default();
    let s = sanitize(&name);
    if s.is_empty() { "localhost".into() } else { s }
}

/// Safe in a file name on every system a bundle travels to.
fn sanitize(s: &str) -> String {
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

#[must_use]
fn human(n: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", U[i])
    }
}

/// `--since`: a date (local midnight), a local date-time, an RFC 3339 instant, or an age
/// (`7d`, `12h`, `90m`, as jiff's friendly durations).
fn parse_since(s: &str) -> Result<SystemTime, Failure> {
    let tz = jiff::tz::TimeZone::system();
    let t = s.trim();
    let ts = if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        Some(ts)
    } else if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
    } else if let Ok(d) = t.parse::<jiff::civil::Date>() {
        d.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
    } else if let Ok(span) = t.parse::<jiff::Span>() {
        jiff::Zoned::now().checked_sub(span).ok().map(|z| z.timestamp())
    } else {
        None
    };
    ts.map(SystemTime::from).ok_or_else(|| {
        Failure::usage(format!(
            "--since {s}: not a date; write 2026-11-20, 2026-11-20T08:00, 2026-11-20T08:00:00Z, or an age such as 7d or 12h"
        ))
    })
}

/// `--max-file-size`: bytes, or with k/M/G (powers of 1024; `KiB`/`MB` spellings accepted).
fn parse_size(s: &str) -> Result<u64, Failure> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => 0,
    };
    match num.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)) {
        Some(n) if n > 0 => Ok(n),
        _ => Err(Failure::usage(format!(
            "--max-file-size {s}: not a size; write e.g. 50M, 1G, 500k or a number of bytes (more than 0)"
        ))),
    }
}

fn build_globs(globs: &[String]) -> Result<Option<globset::GlobSet>, Failure> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::Glob::new(g).map_err(|e| Failure::usage(format!("--skip {g}: {e}")))?;
        b.add(glob);
    }
    b.build().map(Some).map_err(|e| Failure::usage(format!("--skip: {e}")))
}

// ---------------------------------------------------------------------------------------------
// clear

#[derive(Serialize)]
struct ClearJson<'a> {
    status: &'static str,
    dry_run: bool,
    logs_dir: &'a Path,
    files: &'a [clear::Doomed],
    count: usize,
    bytes: u64,
    failed: Vec<Skipped>,
    running: &'a [clear::Running],
}

fn clear_cmd(ctx: &mut Ctx, a: &ClearArgs) -> Result<Exit, Failure> {
    let words = match args::parse(&a.words, CLEAR_KEYS) {
        Ok(w) => w,
        Err(ArgError::Help) => return super::print_help(ctx, &["log", "clear"]),
        Err(e) => {
            let hint = e.hint().map(|h| format!("\n  {h}")).unwrap_or_default();
            return Err(Failure::usage(format!("log clear: {e}{hint}")));
        }
    };
    let force = words.flag("force");
    let (_, logs) = locate(ctx)?;
    let running = clear::running_servers(Path::new("/proc"));
    if !running.is_empty() {
        let list = running
            .iter()
            .map(|r| format!("{} (pid {}: {})", r.what, r.pid, r.command))
            .collect::<Vec<_>>()
            .join(", ");
        if !force && !a.dry_run {
            return Err(Failure::msg(
                Exit::ServerRunning,
                format!(
                    "refusing to delete the logs while a server is running: {list}\n  stop the server first (or add `force`)"
                ),
            ));
        }
        ctx.warn(format!("a server is running: {list}"));
    }
    let doomed = clear::plan(&logs, a.all).exit_with(Exit::Io)?;
    let bytes: u64 = doomed.iter().map(|d| d.bytes).sum();
    let emit = |ctx: &Ctx, status, dry_run, failed: Vec<Skipped>, count: usize, bytes: u64| -> Result<(), Failure> {
        ctx.json(&ClearJson {
            status,
            dry_run,
            logs_dir: &logs,
            files: &doomed,
            count,
            bytes,
            failed,
            running: &running,
        })
    };
    if doomed.is_empty() {
        if ctx.global.json {
            emit(ctx, "nothing-to-clear", a.dry_run, Vec::new(), 0, 0)?;
        } else {
            ctx.info(format!("nothing to clear in {}", logs.display()));
        }
        return Ok(Exit::Success);
    }
    if a.dry_run {
        if ctx.global.json {
            emit(ctx, "would-delete", true, Vec::new(), doomed.len(), bytes)?;
        } else {
            let mut t = String::new();
            for d in &doomed {
                t.push_str(&format!("{}\n", d.path.display()));
            }
            t.push_str(&format!(
                "dry run: would delete {} files, {bytes} bytes ({}); nothing deleted\n",
                doomed.len(),
                human(bytes)
            ));
            ctx.out(&t)?;
        }
        return Ok(Exit::Success);
    }
    let ok = ctx.prompter.confirm(
        &format!(
            "Delete {} files ({}) from {}{}?",
            doomed.len(),
            human(bytes),
            logs.display(),
            if a.all { ", collected bundles included" } else { "" }
        ),
        "delete the logs",
        ctx.global.yes,
    )?;
    if !ok {
        return Err(Failure::msg(Exit::Declined, "nothing deleted (answered no)"));
    }
    let mut failed = Vec::new();
    let (mut count, mut freed) = (0usize, 0u64);
    for d in &doomed {
        match std::fs::remove_file(&d.path) {
            Ok(()) => {
                count += 1;
                freed += d.bytes;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => failed.push(Skipped {
                path: d.path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    for f in &failed {
        ctx.warn(format!("{}: not deleted: {}", f.path, f.reason));
    }
    let nfailed = failed.len();
    if ctx.global.json {
        emit(ctx, "deleted", false, failed, count, freed)?;
    } else {
        ctx.out(&format!(
            "deleted {count} files, {freed} bytes freed ({})\n",
            human(freed)
        ))?;
    }
    if nfailed > 0 {
        return Err(Failure::msg(Exit::Io, format!("{nfailed} files could not be deleted")));
    }
    Ok(Exit::Success)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_dates() {
        assert_eq!(parse_size("50M").unwrap(), 50 << 20);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("512").unwrap(), 512);
        assert!(parse_size("0").is_err());
        assert!(parse_size("12x").is_err());
        assert!(parse_since("2026-11-20").is_ok());
        assert!(parse_since("2026-11-20T08:00").is_ok());
        assert!(parse_since("2026-11-20T08:00:00Z").is_ok());
        assert!(parse_since("7d").is_ok());
        assert!(parse_since("last tuesday").is_err());
        assert_eq!(sanitize("CS1234567"), "CS1234567");
        assert_eq!(sanitize("a/b c"), "a_b_c");
    }
}
