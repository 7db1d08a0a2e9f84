#!/usr/bin/env bash
# `travelerUtil log collect` against Info-ZIP `zip -r -q -6` on the same ~1 GiB logs tree, in
# the same run: text logs (NTSActivity/NTSUsage/NTSErrors style lines with varied ids) and
# already-zipped rotations, as <data>/IBM_TECHNICAL_SUPPORT/traveler/logs holds them.
#
# Targets (issue 6): collect >= 2x faster than zip (wall time, both cores), archive <= 1.05x
# zip's size, collect's peak RSS <= 64 MiB (/usr/bin/time -v "Maximum resident set size").
#
# A measurement, not a test: prints the figures and PASS/FAIL per target, exits 0 (non-zero
# only if it cannot measure). Environment: SIZE_MIB (default 1024), RUNS (default 3; the
# median is reported), BENCH_DIR (default /tmp/travelerutil-bench; the tree is reused when it
# is already there with the same size).
set -euo pipefail

SIZE_MIB="${SIZE_MIB:-1024}"
RUNS="${RUNS:-3}"
BENCH_DIR="${BENCH_DIR:-/tmp/travelerutil-bench}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
for t in python3 zip unzip /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "collect.sh: $t is required (apt-get install -y zip unzip time python3)" >&2; exit 1; }
done
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
tree_mib=$(du -sm "$logs" | cut -f1)
echo "tree: $logs ($tree_mib MiB, $(find "$logs" -type f | wc -l) files); $(nproc) cores"

out="$BENCH_DIR/out"
home="$BENCH_DIR/home"
mkdir -p "$home" && chmod 700 "$home"
export TRAVELERUTIL_HOME="$home"
unset TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT
cat "$logs"/* >/dev/null # same warm page cache for both

measure() { # measure LABEL CMD...: prints "seconds rss_kib" on stdout
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

zt=(); ct=(); zsize=0; csize=0; crss=0; ccpu=0; zcpu=0
for r in $(seq 1 "$RUNS"); do
    rm -rf "$out" && mkdir -p "$out"
    read -r s rss cpu < <(measure zip bash -c "cd '$logs' && exec zip -r -q -6 '$out/baseline.zip' .")
    zt+=("$s"); zsize=$(stat -c %s "$out/baseline.zip"); zcpu=$cpu
    read -r s rss cpu < <(measure collect "$bin" --data-dir "$data" -q log collect "out=$out")
    ct+=("$s"); crss=$(( rss > crss ? rss : crss )); ccpu=$cpu
    a=$(ls "$out"/traveler.*.zip)
    csize=$(stat -c %s "$a")
    unzip -tq "$a" >/dev/null || { echo "collect.sh: unzip -t failed on $a" >&2; exit 1; }
done

python3 - "$zsize" "$csize" "$crss" "$ccpu" "$zcpu" "${zt[*]}" "${ct[*]}" <<'PY'
import statistics, sys
zsize, csize, crss, ccpu, zcpu = (int(x) for x in sys.argv[1:6])
zt = [float(x) for x in sys.argv[6].split()]
ct = [float(x) for x in sys.argv[7].split()]
zm, cm = statistics.median(zt), statistics.median(ct)
speed = zm / cm
ratio = csize / zsize
rss_mib = crss / 1024
print(f"zip -r -q -6 (baseline): median {zm:.2f} s over {len(zt)} runs ({', '.join(f'{x:.2f}' for x in zt)}), {zsize} bytes, CPU {zcpu}%")
print(f"travelerUtil log collect: median {cm:.2f} s over {len(ct)} runs ({', '.join(f'{x:.2f}' for x in ct)}), {csize} bytes, CPU {ccpu}%, peak RSS {rss_mib:.1f} MiB")
def verdict(ok): return "PASS" if ok else "FAIL"
print(f"speed:  {speed:.2f}x zip's       (target >= 2.00x)  {verdict(speed >= 2.0)}")
print(f"size:   {ratio:.3f}x zip's      (target <= 1.050x) {verdict(ratio <= 1.05)}")
print(f"RSS:    {rss_mib:.1f} MiB          (target <= 64 MiB) {verdict(rss_mib <= 64)}")
PY
