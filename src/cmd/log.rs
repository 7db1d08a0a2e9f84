//! `log collect | clear`: support bundles of the Traveler logs, and their removal.
//!
//! Each action reads as three steps: resolve the inputs (words, the data and logs
//! directories, the store's passwords), run the domain operation in `crate::archive`, and
//! render text or JSON. Every name or path printed is masked ([`Redactor::redact_name`]) and
//! escaped for the terminal ([`escape`]); JSON strings are masked and left to serde_json.

use super::Ctx;
use crate::archive::bundle::{self, DataDirJson, FiltersJson, Job, ManifestHead, RedactionJson, Target, Written};
use crate::archive::clear;
use crate::archive::collect::{Extra, Options};
use crate::archive::plan::{self, Filters, Located, Plan, Skipped};
use crate::archive::redact::Redactor;
use crate::archive::tree::{self, Walk};
use crate::args::Key;
use crate::cli::log::{ClearArgs, CollectArgs, LogAction, LogCli, Since};
use crate::error::Failure;
use crate::exit::Exit;
use crate::store::Settings;
use crate::sys::dirfd::Dir;
use crate::term::escape::{escape, escape_path};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const COLLECT_KEYS: &[Key] = &[Key::value("out")];
const CLEAR_KEYS: &[Key] = &[Key::flag("force")];
/// Deflate level 4: see docs/performance.md ("log collect") for the measurements behind it.
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
// Where the logs are

fn locate(ctx: &Ctx) -> Result<Located, Failure> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let loc = plan::locate(ctx.global.data_dir.as_deref(), &cwd)?;
    if let Some(given) = &loc.logs.via_symlink {
        ctx.info(format!(
            "note: the logs directory {} is reached through a symlink; reading its real path {} (resolved once)",
            escape_path(given),
            escape_path(&loc.logs.real)
        ));
    }
    Ok(loc)
}

/// The store's settings and a redactor of its passwords for names and messages (`meta`).
/// `required`: an unreadable store stops the command (its passwords could not be masked).
fn store_secrets(ctx: &Ctx, required: bool) -> Result<(Option<Settings>, Redactor), Failure> {
    let settings = match ctx.store.load() {
        Ok(s) => s,
        Err(e) if required => {
            return Err(Failure::new(
                Exit::Store,
                anyhow::Error::new(e).context(
                    "the store cannot be read, so its passwords could not be masked; fix the store or use --no-redact",
                ),
            ));
        }
        Err(_) => None,
    };
    let meta = redactor(settings.as_ref(), true)?;
    Ok((settings, meta))
}

fn redactor(settings: Option<&Settings>, with_secrets: bool) -> Result<Redactor, Failure> {
    let secrets = settings
        .filter(|_| with_secrets)
        .map(Settings::secrets)
        .unwrap_or_default();
    let users: Vec<&str> = settings
        .into_iter()
        .flat_map(|s| {
            let db = s.db.as_ref().and_then(|d| d.user.as_deref());
            let sup = s.support.as_ref().and_then(|d| d.user.as_deref());
            [db, sup]
        })
        .flatten()
        .collect();
    Redactor::with_users(&secrets, &users).map_err(|e| Failure::msg(Exit::Failure, format!("redaction rules: {e}")))
}

// ---------------------------------------------------------------------------------------------
// collect

struct Inputs {
    since: Option<Since>,
    max_file_size: Option<u64>,
    skip: Option<globset::GlobSet>,
    redact: bool,
    out: Option<PathBuf>,
}

fn collect_inputs(ctx: &Ctx, a: &CollectArgs) -> Result<Option<Inputs>, Failure> {
    let Some(mut words) = super::inputs::words(ctx, &a.words, COLLECT_KEYS, &["log", "collect"])? else {
        return Ok(None);
    };
    let out = match words.take("out") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        Some(_) => return Err(Failure::usage("out= needs a directory")),
        None => None,
    };
    Ok(Some(Inputs {
        since: a.since.clone(),
        max_file_size: a.max_file_size,
        skip: globs(&a.skip)?,
        redact: !a.no_redact,
        out,
    }))
}

fn collect_cmd(ctx: &mut Ctx, a: &CollectArgs, case_override: Option<&str>) -> Result<Option<PathBuf>, Failure> {
    let Some(inp) = collect_inputs(ctx, a)? else {
        return Ok(None);
    };
    let loc = locate(ctx)?;
    // The store's passwords are what must never leave: an unreadable store stops the
    // collection (fail closed) unless redaction is off. A missing store is "no secrets".
    let (settings, meta) = store_secrets(ctx, inp.redact)?;
    let content = redactor(settings.as_ref(), inp.redact)?;
    let case: Option<String> = case_override.map(str::to_owned).or_else(|| {
        settings
            .as_ref()
            .and_then(|s| s.support.as_ref())
            .and_then(|s| s.case.clone())
    });
    let p = build_plan(&loc, &inp, &meta);
    let total = p.total(inp.max_file_size);
    ctx.debug(format_args!(
        "log collect: data dir {} (from {}); {} files, {total} bytes; {} skipped",
        escape(&meta.redact_name(&loc.data.path.to_string_lossy())),
        loc.data.source.describe(),
        p.entries.len(),
        p.skipped.len()
    ));
    if p.entries.is_empty() {
        ctx.warn(format!("no log files found in {}", shown(&meta, &loc.logs_shown)));
    }
    let host = bundle::hostname();
    if a.estimate {
        let est = bundle::estimate(&p, inp.max_file_size, LEVEL);
        return render_estimate(ctx, &p, total, est, case.as_deref(), &host, inp.redact, &meta).map(|()| None);
    }
    let target = out_target(&loc, inp.out.as_deref(), &meta)?;
    let extras = extras(ctx, settings.as_ref());
    let store_secrets = settings.as_ref().map_or(0, |s| s.secrets().len());
    let head = manifest_head(&loc, &inp, a, case.as_deref(), &host, store_secrets, &meta);
    let bar = crate::term::progress::bytes("collecting", total, ctx.global.quiet, ctx.global.json);
    let progress = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let opts = Options {
        redact: inp.redact,
        max_file_size: inp.max_file_size,
        level: LEVEL,
        threads: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
    };
    let job = Job {
        target: &target,
        stem: bundle::stem(case.as_deref(), &host),
        plan: &p,
        redactor: &content,
        meta: &meta,
        opts: &opts,
        extras: &extras,
        head: &head,
        progress: &progress,
    };
    let written = bundle::write(&job);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let w = written?;
    render_written(
        ctx,
        &w,
        case.as_deref(),
        case_override.is_some(),
        &host,
        inp.redact,
        &meta,
    )?;
    Ok(Some(w.path))
}

/// The logs directory, then `notes.ini` and `traveler/cfg` from the data directory, each under
/// the rule that symlinks stay inside the directory being collected; names settled.
fn build_plan(loc: &Located, inp: &Inputs, meta: &Redactor) -> Plan {
    let filters = Filters {
        since: inp.since.as_ref().map(|s| s.at),
        skip: inp.skip.as_ref(),
    };
    let mut p = Plan::default();
    let logs = Walk {
        inside: Arc::from(loc.logs.real.as_path()),
        prefix: "logs/",
        filters: &filters,
    };
    logs.run(Arc::clone(&loc.logs.dir), &loc.logs_shown, &mut p);
    if let Some(data) = &loc.data_root {
        tree::single_file(data, &loc.data.path, "notes.ini", &mut p);
        match tree::subdir(data, &loc.data.path, &["traveler", "cfg"]) {
            Ok(Some((cfg, shown))) => {
                let walk = Walk {
                    inside: Arc::from(cfg.real.as_path()),
                    prefix: "traveler/cfg/",
                    filters: &filters,
                };
                walk.run(Arc::clone(&cfg.dir), &shown, &mut p);
            }
            Ok(None) => {}
            Err(s) => p.skipped.push(s),
        }
    }
    p.settle_names(meta);
    p
}

fn out_target(loc: &Located, out: Option<&Path>, meta: &Redactor) -> Result<Target, Failure> {
    let Some(out) = out else {
        return Ok(Target {
            dir: Arc::clone(&loc.logs.dir),
            shown: loc.logs_shown.clone(),
        });
    };
    let dir = Dir::open(out, true).map_err(|e| {
        Failure::msg(
            Exit::NotFound,
            format!("out={}: not a directory (create it first): {e}", shown(meta, out)),
        )
    })?;
    Ok(Target {
        dir: Arc::new(dir),
        shown: out.to_path_buf(),
    })
}

/// This tool's own view, masked, beside the logs.
fn extras(ctx: &Ctx, settings: Option<&Settings>) -> Vec<Extra> {
    let mut extras = Vec::new();
    for (name, what, doc) in [
        (
            "travelerutil/db-show.json",
            "db show --json",
            super::db::show_json_text(ctx, settings),
        ),
        (
            "travelerutil/ssl-show.json",
            "ssl show --json",
            super::ssl::show_json_text(ctx, settings),
        ),
    ] {
        match doc {
            Ok(v) => extras.push(Extra {
                name: name.into(),
                data: v.into_bytes(),
                redact: true,
            }),
            Err(e) => ctx.warn(format!("{what} left out: {:#}", e.error)),
        }
    }
    extras
}

fn manifest_head(
    loc: &Located,
    inp: &Inputs,
    a: &CollectArgs,
    case: Option<&str>,
    host: &str,
    store_secrets: usize,
    meta: &Redactor,
) -> ManifestHead {
    ManifestHead {
        format: 1,
        tool: "travelerUtil",
        version: env!("CARGO_PKG_VERSION"),
        created: jiff::Zoned::now().strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        host: host.to_owned(),
        case: case.map(str::to_owned),
        data_dir: DataDirJson {
            path: loc.data.path.to_string_lossy().into_owned(),
            source: loc.data.source,
        },
        logs_dir: loc.logs_shown.to_string_lossy().into_owned(),
        redaction: RedactionJson::new(inp.redact, store_secrets),
        filters: FiltersJson {
            since: inp.since.as_ref().map(|s| meta.redact_str(&s.text)),
            max_file_size: inp.max_file_size,
            skip: a.skip.iter().map(|g| g.glob().to_owned()).collect(),
        },
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case")]
enum CollectStatus {
    Written,
    Estimate,
}

#[derive(Serialize)]
struct CollectJson<'a> {
    status: CollectStatus,
    archive: Option<String>,
    bytes: u64,
    sha256: Option<&'a str>,
    sha256_file: Option<String>,
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

/// JSON on stdout with every string masked.
fn json_masked(ctx: &Ctx, v: &impl Serialize, meta: &Redactor) -> Result<(), Failure> {
    let mut v = serde_json::to_value(v).map_err(Failure::internal)?;
    bundle::mask_json(&mut v, meta);
    ctx.json(&v)
}

/// A path for the terminal: masked, then escaped.
fn shown(meta: &Redactor, p: &Path) -> String {
    escape(&meta.redact_name(&p.to_string_lossy())).into_owned()
}

fn warn_skipped(ctx: &Ctx, skipped: &[Skipped]) {
    for s in skipped {
        ctx.warn(format!("{}: {}", escape(&s.path), escape(&s.reason)));
    }
}

#[allow(clippy::too_many_arguments)]
fn render_estimate(
    ctx: &Ctx,
    p: &Plan,
    total: u64,
    est: u64,
    case: Option<&str>,
    host: &str,
    redact_on: bool,
    meta: &Redactor,
) -> Result<(), Failure> {
    if ctx.global.json {
        let j = CollectJson {
            status: CollectStatus::Estimate,
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
        };
        return json_masked(ctx, &j, meta);
    }
    warn_skipped(ctx, &p.skipped);
    ctx.out(&format!(
        "files:   {}\nread:    {total} bytes ({})\narchive: about {est} bytes ({}), estimated; nothing written\n",
        p.entries.len(),
        human(total),
        human(est)
    ))
}

fn render_written(
    ctx: &Ctx,
    w: &Written,
    case: Option<&str>,
    for_upload: bool,
    host: &str,
    redact_on: bool,
    meta: &Redactor,
) -> Result<(), Failure> {
    warn_skipped(ctx, &w.skipped);
    let redactions: u64 = w.files.iter().map(|f| f.redactions).sum();
    let truncated = w.files.iter().filter(|f| f.truncated.is_some()).count();
    let source_bytes: u64 = w.files.iter().map(|f| f.source_bytes).sum();
    let path = shown(meta, &w.path);
    if for_upload {
        // Collected for an upload (`pmr <case>` with no files): the upload's report is the
        // command's data (one JSON document on stdout); the bundle is a progress line.
        ctx.info(format!(
            "collected {path} ({}, sha256 {}, {} files, {redactions} redactions)",
            human(w.bytes),
            w.sha256,
            w.files.len()
        ));
        return Ok(());
    }
    if ctx.global.json {
        let j = CollectJson {
            status: CollectStatus::Written,
            archive: Some(w.path.to_string_lossy().into_owned()),
            bytes: w.bytes,
            sha256: Some(&w.sha256),
            sha256_file: Some(w.sha256_path.to_string_lossy().into_owned()),
            case,
            host,
            files: w.files.len(),
            source_bytes,
            redactions,
            redaction: redact_on,
            truncated,
            skipped: &w.skipped,
            estimated_archive_bytes: None,
        };
        return json_masked(ctx, &j, meta);
    }
    ctx.out(&format!(
        "{path}\nsize:    {} bytes ({})\nsha256:  {}\n",
        w.bytes,
        human(w.bytes),
        w.sha256
    ))?;
    ctx.info(format!(
        "{} files ({} read), {} skipped, {redactions} redactions{}{}",
        w.files.len(),
        human(source_bytes),
        w.skipped.len(),
        if truncated > 0 {
            format!(", {truncated} truncated")
        } else {
            String::new()
        },
        if redact_on { "" } else { " (redaction OFF: --no-redact)" }
    ));
    Ok(())
}

fn globs(globs: &[globset::Glob]) -> Result<Option<globset::GlobSet>, Failure> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    globs.iter().for_each(|g| {
        b.add(g.clone());
    });
    b.build().map(Some).map_err(|e| Failure::usage(format!("--skip: {e}")))
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

// ---------------------------------------------------------------------------------------------
// clear

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ClearStatus {
    Deleted,
    WouldDelete,
    NothingToClear,
}

#[derive(Serialize)]
struct ClearJson<'a> {
    status: ClearStatus,
    dry_run: bool,
    logs_dir: String,
    files: &'a [clear::Doomed],
    count: usize,
    bytes: u64,
    failed: &'a [Skipped],
    running: &'a [clear::Running],
}

fn clear_cmd(ctx: &mut Ctx, a: &ClearArgs) -> Result<Exit, Failure> {
    let Some(words) = super::inputs::words(ctx, &a.words, CLEAR_KEYS, &["log", "clear"])? else {
        return Ok(Exit::Success);
    };
    let force = words.flag("force");
    let loc = locate(ctx)?;
    // Names are masked like everything else printed; an unreadable store only means fewer
    // known passwords here (nothing is written).
    let (_, meta) = store_secrets(ctx, false)?;
    let running = clear::running_servers(Path::new("/proc"));
    if !running.is_empty() {
        let list = running
            .iter()
            .map(|r| format!("{} (pid {}: {})", r.what, r.pid, escape(&r.command)))
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
    let mut doomed = clear::plan(&loc.logs, &loc.logs_shown, a.all).map_err(|e| {
        Failure::new(
            Exit::Io,
            anyhow::Error::new(e).context("cannot list the logs directory"),
        )
    })?;
    for d in &mut doomed {
        d.path = meta.redact_name(&d.path);
    }
    let report = ClearReport {
        logs_dir: &loc.logs_shown,
        doomed: &doomed,
        running: &running,
        meta: &meta,
    };
    if doomed.is_empty() || a.dry_run {
        return report.planned(ctx, a.dry_run).map(|()| Exit::Success);
    }
    let bytes: u64 = doomed.iter().map(|d| d.bytes).sum();
    let ok = ctx.prompter.confirm(
        &format!(
            "Delete {} files ({}) from {}{}?",
            doomed.len(),
            human(bytes),
            shown(&meta, &loc.logs_shown),
            if a.all { ", collected bundles included" } else { "" }
        ),
        "delete the logs",
        ctx.global.yes,
    )?;
    if !ok {
        return Err(Failure::msg(Exit::Declined, "nothing deleted (answered no)"));
    }
    let done = clear::delete(&doomed);
    report.deleted(ctx, &done)?;
    if !done.failed.is_empty() {
        return Err(Failure::msg(
            Exit::Io,
            format!("{} files could not be deleted", done.failed.len()),
        ));
    }
    Ok(Exit::Success)
}

/// What `log clear` prints.
struct ClearReport<'a> {
    logs_dir: &'a Path,
    doomed: &'a [clear::Doomed],
    running: &'a [clear::Running],
    meta: &'a Redactor,
}

impl ClearReport<'_> {
    fn json(
        &self,
        ctx: &Ctx,
        status: ClearStatus,
        dry_run: bool,
        count: usize,
        bytes: u64,
        failed: &[Skipped],
    ) -> Result<(), Failure> {
        let j = ClearJson {
            status,
            dry_run,
            logs_dir: self.logs_dir.to_string_lossy().into_owned(),
            files: self.doomed,
            count,
            bytes,
            failed,
            running: self.running,
        };
        json_masked(ctx, &j, self.meta)
    }

    /// Nothing to clear, or `--dry-run`: what would go.
    fn planned(&self, ctx: &Ctx, dry_run: bool) -> Result<(), Failure> {
        let bytes: u64 = self.doomed.iter().map(|d| d.bytes).sum();
        if self.doomed.is_empty() {
            if ctx.global.json {
                return self.json(ctx, ClearStatus::NothingToClear, dry_run, 0, 0, &[]);
            }
            ctx.info(format!("nothing to clear in {}", shown(self.meta, self.logs_dir)));
            return Ok(());
        }
        if ctx.global.json {
            return self.json(ctx, ClearStatus::WouldDelete, true, self.doomed.len(), bytes, &[]);
        }
        let mut t = String::new();
        for d in self.doomed {
            t.push_str(&escape(&d.path));
            t.push('\n');
        }
        t.push_str(&format!(
            "dry run: would delete {} files, {bytes} bytes ({}); nothing deleted\n",
            self.doomed.len(),
            human(bytes)
        ));
        ctx.out(&t)
    }

    fn deleted(&self, ctx: &Ctx, done: &clear::Deleted) -> Result<(), Failure> {
        for f in &done.failed {
            ctx.warn(format!("{}: not deleted: {}", escape(&f.path), escape(&f.reason)));
        }
        if ctx.global.json {
            return self.json(ctx, ClearStatus::Deleted, false, done.count, done.bytes, &done.failed);
        }
        ctx.out(&format!(
            "deleted {} files, {} bytes freed ({})\n",
            done.count,
            done.bytes,
            human(done.bytes)
        ))
    }
}
