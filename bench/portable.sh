#!/usr/bin/env bash
# The portable build (scripts/package.sh: target/package/bin) against the default build
# (cargo build --release: target/release) in one session: bench/startup.sh and bench/upload.sh
# for each, alternated, and the CPU seconds of whole 256 MiB uploads (travelerUtil plus its
# helper), which a busy machine disturbs less than wall times.
#
# Target: the portable build's ratios within 5 % of the default build's. A measurement, not a
# test: it prints the figures and exits 0 (non-zero only if it cannot measure).
# Needs the test sshd (bash scripts/testenv-sshd.sh start). Environment: ROUNDS (startup.sh
# runs of each, default 3), N (upload.sh runs of each, default 5), CPU_RUNS (default 6).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
ROUNDS="${ROUNDS:-3}"
CPU_RUNS="${CPU_RUNS:-6}"
today="$repo/target/release/travelerUtil"
portable="$repo/target/package/bin/travelerUtil"
cargo build --release --locked --quiet
[[ -x $portable ]] || { echo "portable.sh: no $portable: run bash scripts/package.sh" >&2; exit 1; }
bash scripts/testenv-sshd.sh status >/dev/null || { echo "portable.sh: start the server first: bash scripts/testenv-sshd.sh start" >&2; exit 1; }

ratio() { grep -o 'ratio travelerUtil/[a-z]*: [0-9.]*x' | awk '{print $3}'; }

echo "bench/startup.sh, ratio to cat ($ROUNDS runs each, order alternated):"
for ((i = 0; i < ROUNDS; i++)); do
    pair=("$today" "$portable")
    if ((i % 2)); then pair=("$portable" "$today"); fi
    for bin in "${pair[@]}"; do
        echo "  $([[ $bin == "$today" ]] && echo default || echo portable): $(TRAVELERUTIL_BIN=$bin bash bench/startup.sh | ratio)"
    done
done

echo "bench/upload.sh, ratio to OpenSSH sftp:"
for bin in "$today" "$portable"; do
    echo "  $([[ $bin == "$today" ]] && echo default || echo portable): $(TRAVELERUTIL_BIN=$bin bash bench/upload.sh | ratio)"
done

echo "CPU seconds of a 256 MiB upload (travelerUtil and helper, $CPU_RUNS runs each, alternated):"
eval "$(bash scripts/testenv-sshd.sh env)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; rm -f "$TU_SSHD_UPLOAD_DIR"/CS7777778.bench.zip' EXIT
head -c $((256 * 1024 * 1024)) /dev/urandom > "$tmp/bench.zip"
for bin in "$today" "$portable"; do
    TRAVELERUTIL_HOME="$tmp/home-$(basename "$(dirname "$bin")")" "$bin" pmr set host=127.0.0.1 \
        "port=$TU_SSHD_PORT" user="$TU_SSHD_USER" dir=/upload "hostkey=$TU_SSHD_FINGERPRINT" \
        pw=- --no-input -q < "$TU_SSHD_PW_FILE"
done
python3 - "$tmp" "$TU_SSHD_UPLOAD_DIR" "$CPU_RUNS" "$today" "$portable" <<'PY'
import os, resource, statistics, subprocess, sys
tmp, updir, runs, today, portable = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
bins = {"default": today, "portable": portable}
cpu = {k: [] for k in bins}
for i in range(runs):
    for name in (["default", "portable"] if i % 2 == 0 else ["portable", "default"]):
        b = bins[name]
        env = dict(os.environ, TRAVELERUTIL_HOME=f"{tmp}/home-{os.path.basename(os.path.dirname(b))}")
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([b, "pmr", "CS7777778", f"{tmp}/bench.zip", "--no-input", "-q"], env=env,
                       check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        os.remove(os.path.join(updir, "CS7777778.bench.zip"))
        cpu[name].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
for name, v in cpu.items():
    print(f"  {name}: median {statistics.median(v):.2f} s  runs {' '.join(f'{x:.2f}' for x in v)}")
print(f"  portable/default: {statistics.median(cpu['portable']) / statistics.median(cpu['default']):.2f}x")
PY
