#!/usr/bin/env bash
# `travelerUtil pmr <case> <file>` (libssh2, password authentication) against OpenSSH's own
# client `sftp -b` (key authentication), alternated in one run, uploading the same 256 MiB
# archive to the same local OpenSSH server (scripts/testenv-sshd.sh, 127.0.0.1).
#
# Target: travelerUtil's median throughput >= 0.9x sftp's.
#
# Both clients run with their default ciphers and the full session (connect, key exchange,
# authentication, upload, close) is timed, as an admin would experience it. The uploaded copies
# are checked with sha256sum after each run. A measurement, not a test: it prints PASS/FAIL and
# exits 0 (non-zero only if it cannot measure). Environment: N (runs of each, default 5),
# SIZE_MIB (default 256), TRAVELERUTIL_BIN (skip the build and measure this binary, which runs
# the travelerUtil-sftp beside it).
set -euo pipefail

N="${N:-5}"
SIZE_MIB="${SIZE_MIB:-256}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
for t in sftp python3 sha256sum; do
    command -v "$t" >/dev/null || { echo "upload.sh: $t is required" >&2; exit 1; }
done
bash scripts/testenv-sshd.sh status >/dev/null || { echo "upload.sh: start the server first: bash scripts/testenv-sshd.sh start" >&2; exit 1; }
eval "$(bash scripts/testenv-sshd.sh env)"
if [[ -n "${TRAVELERUTIL_BIN:-}" ]]; then
    bin="$TRAVELERUTIL_BIN"   # e.g. the packaged build, target/package/bin (helper beside it)
else
    cargo build --release --quiet
    bin="$repo/target/release/travelerUtil"
fi
[[ -x "$bin" ]] || { echo "upload.sh: no binary at $bin" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; rm -f "$TU_SSHD_UPLOAD_DIR"/CS7777777.bench.zip "$TU_SSHD_UPLOAD_DIR"/sftp-bench.zip' EXIT
unset TRAVELERUTIL_HOME TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT TRAVELERUTIL_SUPPORT_PW
export TRAVELERUTIL_HOME="$tmp/home"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$tmp/bench.zip"
want="$(sha256sum < "$tmp/bench.zip" | cut -d' ' -f1)"
"$bin" pmr set host=127.0.0.1 "port=$TU_SSHD_PORT" user="$TU_SSHD_USER" dir=/upload \
    "hostkey=$TU_SSHD_FINGERPRINT" pw=- --no-input -q < "$TU_SSHD_PW_FILE"
printf 'put %s /upload/sftp-bench.zip\n' "$tmp/bench.zip" > "$tmp/batch"
# The host key is pinned for sftp too (a known_hosts line), so neither client trusts blindly.
printf '[127.0.0.1]:%s %s\n' "$TU_SSHD_PORT" "$(cut -d' ' -f1,2 "$TU_SSHD_LAB/host_ed25519.pub")" > "$tmp/known_hosts"

python3 - "$bin" "$tmp" "$N" "$SIZE_MIB" "$want" "$TU_SSHD_PORT" "$TU_SSHD_USER" "$TU_SSHD_CLIENT_KEY" "$TU_SSHD_UPLOAD_DIR" <<'PY'
import os, statistics, subprocess, sys, time

binary, tmp, n, size_mib, want, port, user, key, updir = sys.argv[1:10]
n, size_mib = int(n), int(size_mib)
env = dict(os.environ)

def sha(path):
    out = subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True).stdout
    return out.split()[0]

def run(argv, remote):
    t0 = time.perf_counter()
    r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"upload.sh: {argv[0]} failed ({r.returncode}): {r.stderr.strip()}")
    got = sha(os.path.join(updir, remote))
    if got != want:
        sys.exit(f"upload.sh: {remote} differs after the upload")
    os.remove(os.path.join(updir, remote))
    return size_mib * 1048576 / dt / 1e6

tu_argv = [binary, "pmr", "CS7777777", os.path.join(tmp, "bench.zip"), "--no-input", "-q"]
sftp_argv = ["sftp", "-q", "-b", os.path.join(tmp, "batch"), "-i", key, "-P", port,
             "-o", "UserKnownHostsFile=" + os.path.join(tmp, "known_hosts"),
             "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", f"{user}@127.0.0.1"]
tu, sf = [], []
for i in range(n):
    # Alternate which goes first, so neither always meets a warm or a cold page cache.
    order = [("tu", tu_argv, "CS7777777.bench.zip"), ("sftp", sftp_argv, "sftp-bench.zip")]
    if i % 2:
        order.reverse()
    for name, argv, remote in order:
        (tu if name == "tu" else sf).append(run(argv, remote))
mt, ms = statistics.median(tu), statistics.median(sf)
print(f"upload of {size_mib} MiB to 127.0.0.1, {n} runs each, alternated (MB/s, whole session)")
print(f"  travelerUtil pmr (libssh2, password): median {mt:7.1f}  runs {' '.join(f'{x:.1f}' for x in tu)}")
print(f"  sftp -b (OpenSSH, key):               median {ms:7.1f}  runs {' '.join(f'{x:.1f}' for x in sf)}")
ratio = mt / ms
print(f"  ratio travelerUtil/sftp: {ratio:.2f}x (target >= 0.90x): {'PASS' if ratio >= 0.9 else 'FAIL'}")
PY
