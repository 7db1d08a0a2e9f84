#!/usr/bin/env bash
# Every zlib-rs level on the repetitive logs of bench/collect.sh, run the way `log collect` runs
# (1 MiB pieces, primed, all cores), against zip's size and pigz's time in the same script:
# which levels meet which target of docs/performance.md ("log collect")? It informed a
# decision: on that tree no level meets both.
#
# `log collect` chooses its levels itself (4, and 7 for repetitive pieces). To try the others,
# the script copies the tracked files of the working tree to target/bench/levels/copy, changes
# one function there so that LEVELS_BENCH_LEVEL sets the level of every piece, and builds that
# copy with the release profile into target/bench/levels/target. The product's source and
# binary are untouched. The product itself runs too, as "product".
#
# Run `bash bench/collect.sh` first: it makes the tree. Needs zip, unzip, pigz, python3 and
# /usr/bin/time.
# Environment: BENCH_DIR (default /tmp/travelerutil-bench), RUNS (default 3; medians), LEVELS
# (default "1 2 3 4 5 6 7"). A measurement: exits 0 unless it cannot measure.
set -euo pipefail
BENCH_DIR="${BENCH_DIR:-/tmp/travelerutil-bench}"
RUNS="${RUNS:-3}"
LEVELS="${LEVELS:-1 2 3 4 5 6 7}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
data="$BENCH_DIR/rep/data"
logs="$data/IBM_TECHNICAL_SUPPORT/traveler/logs"
[ -d "$logs" ] || { echo "levels.sh: no repetitive tree in $logs: run bash bench/collect.sh first" >&2; exit 1; }
for t in zip unzip pigz python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "levels.sh: $t is required (apt-get install -y zip unzip pigz python3 time)" >&2; exit 1; }
done
cores=$(nproc)

work="$repo/target/bench/levels"
copy="$work/copy"
rm -rf "$copy" && mkdir -p "$copy"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$copy"
python3 - "$copy/src/archive/chunk.rs" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = "    pub(super) fn new(level: u32) -> Compressors {\n        Compressors {\n"
new = ("    pub(super) fn new(level: u32) -> Compressors {\n"
       "        let level: u32 = std::env::var(\"LEVELS_BENCH_LEVEL\").ok().and_then(|v| v.parse().ok()).unwrap_or(level);\n"
       "        Compressors {\n")
rep = "flate2::Compression::new(REPETITIVE_LEVEL.max(level))"
if text.count(old) != 1 or text.count(rep) != 1:
    sys.exit("levels.sh: Compressors::new in src/archive/chunk.rs has changed: update the patch in bench/levels.sh")
open(path, "w").write(text.replace(old, new).replace(rep, "flate2::Compression::new(level)"))
PY
cargo build --release --quiet
(cd "$copy" && CARGO_TARGET_DIR="$work/target" cargo build --release --quiet 2>"$work/build.log") \
    || { echo "levels.sh: the patched copy in $copy does not build:" >&2; cat "$work/build.log" >&2; exit 1; }
product="$repo/target/release/travelerUtil"
patched="$work/target/release/travelerUtil"

home="$BENCH_DIR/home"
mkdir -p "$home" && chmod 700 "$home"
export TRAVELERUTIL_HOME="$home"
unset TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT LEVELS_BENCH_LEVEL
out="$work/out"
results="$work/results"
: > "$results"
seconds() { # seconds CMD...: runs CMD, prints its wall time
    /usr/bin/time -f '%e' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" \
        || { echo "levels.sh: $* failed:" >&2; cat "$work/stderr" >&2; exit 1; }
    cat "$work/time"
}
collect() { # collect LABEL [LEVEL]: one run of log collect, appends "LABEL seconds bytes"
    local label="$1" level="${2:-}" s
    rm -rf "$out" && mkdir -p "$out"
    if [ -n "$level" ]; then
        s=$(LEVELS_BENCH_LEVEL="$level" seconds "$patched" --data-dir "$data" -q log collect "out=$out")
    else
        s=$(seconds "$product" --data-dir "$data" -q log collect "out=$out")
    fi
    local a
    a=$(ls "$out"/traveler.*.zip)
    unzip -tq "$a" >/dev/null || { echo "levels.sh: unzip -t failed on $a" >&2; exit 1; }
    printf '%s %s %s\n' "$label" "$s" "$(stat -c %s "$a")" >> "$results"
}

cat "$logs"/* >/dev/null # a warm page cache for every command
rm -rf "$out" && mkdir -p "$out"
(cd "$logs" && zip -r -q -6 "$out/baseline.zip" .)
zsize=$(stat -c %s "$out/baseline.zip")
echo "repetitive tree: $(du -sm "$logs" | cut -f1) MiB; zip -r -6: $zsize bytes; $cores cores; $RUNS runs each, medians"
for _ in $(seq 1 "$RUNS"); do
    printf 'pigz %s 0\n' "$(seconds bash -c "cd '$logs' && find . -type f -print0 | sort -z | xargs -0 cat | pigz -6 -p $cores > '$work/baseline.gz'")" >> "$results"
    collect product
    for level in $LEVELS; do collect "level-$level" "$level"; done
done

python3 - "$results" "$zsize" "$cores" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, secs, size = line.split()
    rows.setdefault(label, []).append((float(secs), int(size)))
zsize = int(sys.argv[2])
pigz = statistics.median(s for s, _ in rows.pop("pigz"))
print(f"pigz -6 -p {sys.argv[3]}: median {pigz:.2f} s")
print(f"{'collect':10} {'seconds':>8} {'vs pigz':>8} {'bytes':>10} {'vs zip':>8}  time <= 0.5x pigz  size <= 1.01x zip")
v = lambda ok: "PASS" if ok else "FAIL"
for label, runs in rows.items():
    secs = statistics.median(s for s, _ in runs)
    size = statistics.median(b for _, b in runs)
    t, z = secs / pigz, size / zsize
    print(f"{label:10} {secs:8.2f} {t:7.3f}x {size:10.0f} {z:7.4f}x  {v(t <= 0.5):17}  {v(z <= 1.01)}")
PY
