#!/usr/bin/env bash
# Startup cost of `travelerUtil db show` against the least a process can do to read the same
# bytes (`cat` of the store file), measured alternately in one run so that both see the same
# machine state. Also the peak RSS of `travelerUtil db show`.
#
# Targets: median wall time <= 2.0x the `cat` median, peak RSS <= 8 MiB. This is a measurement,
# not a test: it prints PASS/FAIL and exits 0 either way (non-zero only if it cannot measure).
#
# Environment: N (iterations of each, default 200), CARGO_TARGET_DIR (honoured by the build),
# TRAVELERUTIL_BIN (skip the build and measure this binary instead).
set -euo pipefail

N="${N:-200}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

command -v python3 >/dev/null || { echo "startup.sh: python3 is required for the timing loop" >&2; exit 1; }

if [[ -n "${TRAVELERUTIL_BIN:-}" ]]; then
    bin="$TRAVELERUTIL_BIN"
else
    (cd "$repo" && cargo build --release --quiet)
    target_dir="$(cd "$repo" && cargo metadata --format-version 1 --no-deps \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
    bin="$target_dir/release/travelerUtil"
fi
[[ -x "$bin" ]] || { echo "startup.sh: no binary at $bin" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
home="$tmp/home"

# Only what we set reaches the binary.
unset TRAVELERUTIL_HOME TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT TRAVELERUTIL_DB_PW
export TRAVELERUTIL_HOME="$home"

printf '%s\n' 'bench-password' | "$bin" db set \
    'url=jdbc:db2://db.example.com:50000/TRAVELER' user=db2inst1 \
    path=/opt/ibm/db2/java/db2jcc4.jar pw=- --no-input --quiet
store="$home/travelerutil.store"
[[ -s "$store" ]] || { echo "startup.sh: the store was not written" >&2; exit 1; }
"$bin" db show >/dev/null

echo "travelerUtil: $bin"
echo "store:        $store ($(wc -c <"$store") bytes)"
echo "iterations:   $N of each, alternating"

python3 - "$bin" "$store" "$N" <<'PY'
import os, statistics, sys, time

binary, store, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
cat = "/bin/cat" if os.path.exists("/bin/cat") else "/usr/bin/cat"
env = dict(os.environ)
devnull = os.open(os.devnull, os.O_WRONLY)
# stdout to /dev/null; stdin closed-ish (also /dev/null); stderr kept for errors.
actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 0)]

def once(argv):
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"startup.sh: {argv} failed with status {status}")
    return t1 - t0

tu_argv = [binary, "db", "show"]
cat_argv = [cat, store]
for _ in range(10):  # warm-up: page cache, dynamic loader
    once(tu_argv); once(cat_argv)
tu, ca = [], []
for i in range(n):
    if i % 2 == 0:
        tu.append(once(tu_argv)); ca.append(once(cat_argv))
    else:
        ca.append(once(cat_argv)); tu.append(once(tu_argv))

tu_med, ca_med = statistics.median(tu), statistics.median(ca)
ratio = tu_med / ca_med
ms = lambda ns: f"{ns / 1e6:.3f} ms"
print(f"median wall: travelerUtil db show {ms(tu_med)}  (p90 {ms(sorted(tu)[int(n * 0.9)])})")
print(f"median wall: cat <store>          {ms(ca_med)}  (p90 {ms(sorted(ca)[int(n * 0.9)])})")
print(f"ratio travelerUtil/cat: {ratio:.2f}x   target <= 2.00x: {'PASS' if ratio <= 2.0 else 'FAIL'}")
PY

# Peak RSS (KiB) of `travelerUtil db show`: the largest of a few runs.
rss_kib=0
rss_how=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M -o "$tmp/rss" true 2>/dev/null; then
    rss_how="/usr/bin/time -f %M"
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f %M -o "$tmp/rss" "$bin" db show >/dev/null
        r="$(tail -n 1 "$tmp/rss")"
        if (( r > rss_kib )); then rss_kib="$r"; fi
    done
else
    rss_how="getrusage(RUSAGE_CHILDREN).ru_maxrss"
    rss_kib="$(python3 - "$bin" <<'PY'
import resource, subprocess, sys
for _ in range(5):
    subprocess.run([sys.argv[1], "db", "show"], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KiB on Linux
PY
)"
fi
limit_kib=$((8 * 1024))
verdict=FAIL
if (( rss_kib <= limit_kib )); then verdict=PASS; fi
printf 'peak RSS travelerUtil db show: %d KiB (%.2f MiB, by %s)   target <= 8 MiB: %s\n' \
    "$rss_kib" "$(python3 -c "print($rss_kib / 1024)")" "$rss_how" "$verdict"
exit 0
