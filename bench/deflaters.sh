#!/usr/bin/env bash
# Other deflate implementations on the repetitive logs of bench/collect.sh: does any of them
# reach zip's size for half the CPU of zlib's level 6? (docs/performance.md, "log collect".)
# `pigz -6 -p 2` spends about the CPU of `gzip -6` on two cores, so a `log collect` at half of
# pigz's wall time has half of `gzip -6`'s CPU for everything: reading, redacting, hashing and
# deflating. Each command compresses the whole tree, concatenated, on one thread; the script
# prints its bytes and its CPU seconds (user + system) as ratios to `gzip -6`, run in the same
# script. Neither ISA-L nor libdeflate can prime a piece with a dictionary through these
# commands, so their sizes are those of one stream: the least a piece-wise use could reach.
#
# Run `bash bench/collect.sh` first: it makes the tree. Needs gzip, igzip (Debian: isal) and
# libdeflate-gzip (Debian: libdeflate-tools). Environment: BENCH_DIR (default
# /tmp/travelerutil-bench), RUNS (default 3; medians). A measurement: exits 0 unless it cannot
# measure.
set -euo pipefail
BENCH_DIR="${BENCH_DIR:-/tmp/travelerutil-bench}"
RUNS="${RUNS:-3}"
logs="$BENCH_DIR/rep/data/IBM_TECHNICAL_SUPPORT/traveler/logs"
[ -d "$logs" ] || { echo "deflaters.sh: no repetitive tree in $logs: run bash bench/collect.sh first" >&2; exit 1; }
for t in gzip igzip libdeflate-gzip python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "deflaters.sh: $t is required (apt-get install -y gzip isal libdeflate-tools time python3)" >&2; exit 1; }
done
work="$BENCH_DIR/deflaters"
mkdir -p "$work"
input="$work/repetitive.txt"
(cd "$logs" && find . -type f -print0 | sort -z | xargs -0 cat) > "$input"
echo "input: $(du -m "$input" | cut -f1) MiB, the repetitive tree concatenated; $RUNS runs each, medians"

commands=("gzip -6" "igzip -1" "igzip -3" "libdeflate-gzip -4" "libdeflate-gzip -5" "libdeflate-gzip -6")
results="$work/results"
: > "$results"
for _ in $(seq 1 "$RUNS"); do
    for c in "${commands[@]}"; do
        # shellcheck disable=SC2086 # the command and its level are two words
        /usr/bin/time -f '%U %S' -o "$work/time" $c -c "$input" > "$work/out"
        printf '%s\t%s\t%s\n' "$c" "$(stat -c %s "$work/out")" "$(cat "$work/time")" >> "$results"
    done
done
rm -f "$input" "$work/out"

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    cmd, size, times = line.rstrip("\n").split("\t")
    user, system = (float(x) for x in times.split())
    rows.setdefault(cmd, []).append((int(size), user + system))
base_size = statistics.median(s for s, _ in rows["gzip -6"])
base_cpu = statistics.median(c for _, c in rows["gzip -6"])
print(f"{'command':22} {'bytes':>12} {'vs gzip -6':>10} {'CPU s':>7} {'vs gzip -6':>10}")
for cmd, runs in rows.items():
    size = statistics.median(s for s, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    print(f"{cmd:22} {size:12.0f} {size / base_size:9.3f}x {cpu:7.2f} {cpu / base_cpu:9.2f}x")
PY
