#!/usr/bin/env bash
# `travelerUtil log collect` against two baselines over the same bytes, in the same run:
# Info-ZIP `zip -r -q -6` (the archive format it replaces) and `pigz -6 -p <cores>` over the
# files concatenated (a parallel deflate, the speed to beat). Two trees:
#   - generated: ~1 GiB of text logs (NTSActivity/NTSUsage/NTSErrors style lines with varied
#     ids) and already-zipped rotations, as <data>/IBM_TECHNICAL_SUPPORT/traveler/logs holds them;
#   - repetitive: logs that share most of their lines (the same messages and stack traces over
#     and over, only time stamps differing), where a cold deflate start costs the most.
#
# Targets (docs/performance.md, "log collect"): archive <= 1.01x zip's size on both trees; time
# <= 0.5x pigz's (wall, all cores); collect's peak RSS <= 64 MiB (/usr/bin/time -v "Maximum
# resident set size").
#
# A measurement, not a test: prints medians, ratios and PASS/FAIL per target, exits 0 (non-zero
# only if it cannot measure). Environment: SIZE_MIB (generated tree, default 1024), REP_MIB
# (repetitive tree, default 256), RUNS (default 3; medians are reported), BENCH_DIR (default
# /tmp/travelerutil-bench; trees are reused when already there with the same size).
set -euo pipefail

SIZE_MIB="${SIZE_MIB:-1024}"
REP_MIB="${REP_MIB:-256}"
RUNS="${RUNS:-3}"
BENCH_DIR="${BENCH_DIR:-/tmp/travelerutil-bench}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
for t in python3 zip unzip pigz /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "collect.sh: $t is required (apt-get install -y zip unzip pigz time python3)" >&2; exit 1; }
done
cores=$(nproc)
cargo build --release --quiet
bin="$repo/target/release/travelerUtil"

data="$BENCH_DIR/data"
logs="$data/IBM_TECHNICAL_SUPPORT/traveler/logs"
stamp="$BENCH_DIR/.generated-$SIZE_MIB"
if [ ! -f "$stamp" ]; then
    rm -rf "$BENCH_DIR"
    mkdir -p "$logs"
    python3 - "$logs" "$SIZE_MIB" <<'PY'
import os, random, subprocess, sys
logs, size_mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(6)
users = [f"user{n:04d}@example.com" for n in range(3000)]
devices = [f"Android_{rnd.getrandbits(48):012x}" for _ in range(2000)] + [f"Apple_{rnd.getrandbits(48):012X}" for _ in range(2000)]
levels = ["INFO", "INFO", "INFO", "FINE", "WARNING", "SEVERE"]
tmpl = [
    "{ts} {lvl} Thread-{t} [{u}] Sync start for device {d}: folders={n} changes={m}",
    "{ts} {lvl} Thread-{t} [{u}] HTTP POST /traveler/Microsoft-Server-ActiveSync?Cmd=Sync&DeviceId={d} status=200 bytes={m} ms={n}",
    "{ts} {lvl} Thread-{t} Usage: user={u} device={d} cmd=Ping duration={n}ms heartbeat={m}",
    "{ts} {lvl} Thread-{t} [{u}] Prime sync complete; items={m} attachments={n} id={h}",
    "{ts} {lvl} Thread-{t} DB pool: active={n} idle={m} waits=0 query=SELECT * FROM DEVICE_SECURITY WHERE USERID=? ({h})",
]
def block(nbytes):
    out, size, sec = [], 0, rnd.randrange(1_700_000_000, 1_760_000_000)
    while size < nbytes:
        sec += rnd.randrange(0, 3)
        line = rnd.choice(tmpl).format(ts=f"{sec // 86400 % 28 + 1:02d}.11.2026 {sec // 3600 % 24:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{rnd.randrange(1000):03d}",
            lvl=rnd.choice(levels), t=rnd.randrange(200), u=rnd.choice(users), d=rnd.choice(devices),
            n=rnd.randrange(100000), m=rnd.randrange(10**7), h=f"{rnd.getrandbits(64):016x}") + "\n"
        out.append(line); size += len(line)
    return "".join(out).encode()
total = size_mib << 20
text_share = total * 3 // 4
families = ["NTSActivity", "NTSUsage", "NTSAudit", "NTSErrors"]
written, i = 0, 0
piece = block(8 << 20)  # reused with a varying head so files differ but generation stays fast
while written < text_share:
    fam = families[i % 4]
    name = f"{logs}/{fam}_{i:03d}.log" if i >= 4 else f"{logs}/{fam}.log"
    n = min(32 << 20, text_share - written)
    with open(name, "wb") as f:
        left = n
        while left > 0:
            chunk = block(256 << 10) + piece[rnd.randrange(1 << 20):]
            f.write(chunk[:left]); left -= min(left, len(chunk))
    written += n; i += 1
# Rotations: zipped logs (what Traveler leaves when a file reaches its maximum size).
rot, j = 0, 0
while written + rot < total:
    src = f"{logs}/rot.tmp"
    with open(src, "wb") as f:
        for _ in range(12):
            f.write(block(1 << 20))
    z = f"{logs}/{families[j % 4]}_2026.11.{j % 28 + 1:02d}_{j:04d}.zip"
    subprocess.run(["zip", "-q", "-j", "-6", z, src], check=True)
    os.remove(src)
    rot += os.path.getsize(z); j += 1
print(f"generated {written >> 20} MiB of text logs and {rot >> 20} MiB of rotated zips in {logs}")
PY
    touch "$stamp"
fi
rdata="$BENCH_DIR/rep/data"
rlogs="$rdata/IBM_TECHNICAL_SUPPORT/traveler/logs"
rstamp="$BENCH_DIR/.rep-generated-$REP_MIB"
if [ ! -f "$rstamp" ]; then
    rm -rf "$BENCH_DIR/rep"
    mkdir -p "$rlogs"
    python3 - "$rlogs" "$REP_MIB" <<'PY'
# Many files sharing most of their lines: 300 messages (Zipf-weighted), a 40-line stack trace
# in 1 % of the entries, only time stamps differing.
import os, random, sys
out, size_mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(17)
forms = ["Sync start for device Android_{d}: folders=12 changes=0",
         "HTTP POST /traveler/Microsoft-Server-ActiveSync?Cmd=Ping&DeviceId={d} status=200",
         "Prime sync complete; items=0 attachments=0",
         "DB pool: active=3 idle=17 waits=0 query=SELECT * FROM DEVICE_SECURITY WHERE USERID=?",
         "Usage: cmd=Ping duration=900000ms heartbeat=900"]
msgs = [f"Thread-{rnd.randrange(40)} [user{rnd.randrange(50):04d}@example.com] " + rnd.choice(forms).format(d=f"{rnd.getrandbits(48):012x}") for _ in range(300)]
trace = "".join(f"\tat com.lotus.sync.traveler.{rnd.choice(['db','sync','http','device'])}.Class{n}.method{n}(Class{n}.java:{rnd.randrange(2000)})\n" for n in range(40))
weights = [1.0 / (k + 1) for k in range(len(msgs))]
total, written, i = size_mib << 20, 0, 0
while written < total:
    name = f"{out}/NTS{['Activity','Usage','Errors','Audit'][i % 4]}_{i:03d}.log"
    n = min(8 << 20, total - written)
    sec, buf, size = 1_760_000_000 + i * 86400, [], 0
    while size < n:
        sec += rnd.randrange(0, 2)
        ts = f"{sec // 86400 % 28 + 1:02d}.11.2026 {sec // 3600 % 24:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.{rnd.randrange(1000):03d}"
        if rnd.random() < 0.01:
            line = f"{ts} SEVERE Exception in sync: java.sql.SQLException: connection reset\n" + trace
        else:
            line = f"{ts} INFO {rnd.choices(msgs, weights)[0]}\n"
        buf.append(line); size += len(line)
    open(name, "wb").write("".join(buf).encode()[:n])
    written += n; i += 1
print(f"generated {written >> 20} MiB of repetitive logs in {out}")
PY
    touch "$rstamp"
fi

home="$BENCH_DIR/home"
mkdir -p "$home" && chmod 700 "$home"
export TRAVELERUTIL_HOME="$home"
unset TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT

measure() { # measure LABEL CMD...: prints "seconds rss_kib cpu%" on stdout
    local label="$1"; shift
    local log="$BENCH_DIR/time.$label"
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$BENCH_DIR/stderr.$label" || { echo "collect.sh: $label failed:" >&2; cat "$BENCH_DIR/stderr.$label" >&2; exit 1; }
    python3 - "$log" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)", t).group(1)
parts = [float(p) for p in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = float(re.search(r"Percent of CPU this job got: (\d+)%", t).group(1))
print(f"{secs:.3f} {rss} {cpu:.0f}")
PY
}

bench_tree() { # bench_tree NAME DATA_DIR LOGS_DIR
    local name="$1" data="$2" logs="$3" out="$BENCH_DIR/out"
    echo "== $name tree: $logs ($(du -sm "$logs" | cut -f1) MiB, $(find "$logs" -type f | wc -l) files); $cores cores"
    cat "$logs"/* >/dev/null # the same warm page cache for every command
    local zt=() pt=() ct=() zsize=0 psize=0 csize=0 crss=0 s rss cpu
    for _ in $(seq 1 "$RUNS"); do
        rm -rf "$out" && mkdir -p "$out"
        read -r s rss cpu < <(measure zip bash -c "cd '$logs' && exec zip -r -q -6 '$out/baseline.zip' .")
        zt+=("$s"); zsize=$(stat -c %s "$out/baseline.zip")
        read -r s rss cpu < <(measure pigz bash -c "cd '$logs' && find . -type f -print0 | sort -z | xargs -0 cat | pigz -6 -p $cores > '$out/baseline.gz'")
        pt+=("$s"); psize=$(stat -c %s "$out/baseline.gz")
        read -r s rss cpu < <(measure collect "$bin" --data-dir "$data" -q log collect "out=$out")
        ct+=("$s"); crss=$(( rss > crss ? rss : crss ))
        local a
        a=$(ls "$out"/traveler.*.zip)
        csize=$(stat -c %s "$a")
        unzip -tq "$a" >/dev/null || { echo "collect.sh: unzip -t failed on $a" >&2; exit 1; }
        (cd "$out" && sha256sum -c --quiet "$(basename "$a").sha256") || { echo "collect.sh: sha256sum -c failed" >&2; exit 1; }
    done
    python3 - "$zsize" "$psize" "$csize" "$crss" "${zt[*]}" "${pt[*]}" "${ct[*]}" "$cores" <<'PY'
import statistics, sys
zsize, psize, csize, crss = (int(x) for x in sys.argv[1:5])
zt, pt, ct = ([float(x) for x in a.split()] for a in sys.argv[5:8])
cores = sys.argv[8]
zm, pm, cm = (statistics.median(x) for x in (zt, pt, ct))
runs = lambda x: ", ".join(f"{v:.2f}" for v in x)
print(f"zip -r -q -6:          median {zm:6.2f} s ({runs(zt)}), {zsize} bytes")
print(f"pigz -6 -p {cores} (cat):    median {pm:6.2f} s ({runs(pt)}), {psize} bytes")
print(f"travelerUtil collect:  median {cm:6.2f} s ({runs(ct)}), {csize} bytes, peak RSS {crss / 1024:.1f} MiB")
v = lambda ok: "PASS" if ok else "FAIL"
print(f"time:  {cm / zm:.3f}x zip's, {cm / pm:.3f}x pigz's  (target <= 0.500x pigz's) {v(cm / pm <= 0.5)}")
print(f"size:  {csize / zsize:.4f}x zip's, {csize / psize:.4f}x pigz's  (target <= 1.0100x zip's) {v(csize / zsize <= 1.01)}")
print(f"RSS:   {crss / 1024:.1f} MiB  (target <= 64 MiB) {v(crss / 1024 <= 64)}")
PY
}

bench_tree generated "$data" "$logs"
bench_tree repetitive "$rdata" "$rlogs"
