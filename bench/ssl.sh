#!/usr/bin/env bash
# `travelerUtil ssl check` against `keytool -list` (the baseline) on the same files, alternated
# in one run: a PKCS#12 file with a 10,000-iteration HMAC-SHA-256 MAC (JDK 17 defaults) and a
# JKS file, both from fixtures/keystores. Both tools verify the store password; keytool also
# decrypts the certificates, as `ssl check` does when it lists them.
#
# Target: ssl check at least 20x faster than keytool -list (median over median).
# A measurement, not a test: it prints PASS/FAIL and exits 0 (non-zero only if it cannot
# measure). Environment: N (default 20; keytool starts a JVM each time).
set -euo pipefail

N="${N:-20}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
command -v python3 >/dev/null || { echo "ssl.sh: python3 is required" >&2; exit 1; }
command -v keytool >/dev/null || { echo "ssl.sh: keytool (a JDK or JRE) is required" >&2; exit 1; }
cargo build --release --quiet
bin="$repo/target/release/travelerUtil"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 - "$bin" "$tmp" "$N" "$repo/fixtures/keystores" <<'PY'
import os, statistics, subprocess, sys, time

binary, tmp, n, fx = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
keytool = subprocess.run(["sh", "-c", "command -v keytool"], capture_output=True, text=True).stdout.strip()
devnull = os.open(os.devnull, os.O_WRONLY)
env = {k: v for k, v in os.environ.items() if not k.startswith("TRAVELERUTIL_")}
env.update({"TRAVELERUTIL_HOME": f"{tmp}/home", "TRAVELERUTIL_KEYSTORE_PW": "changeit1", "LC_ALL": "C.UTF-8"})

def once(argv):
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    return time.perf_counter_ns() - t0, os.waitstatus_to_exitcode(status)

ms = lambda ns: f"{ns / 1e6:.1f} ms"
print(f"iterations: {n} of each, alternating; {subprocess.run([keytool, '-J-version'], capture_output=True, text=True).stderr.splitlines()[0]}")
worst = None
for name, f, kind in [("PKCS#12, HMAC-SHA-256 MAC, 10,000 iterations", "p12-jdk17.p12", "PKCS12"),
                      ("JKS", "jks-ascii.jks", "JKS")]:
    path = f"{fx}/{f}"
    tu = [binary, "ssl", "check", f"keystore={path}", "--no-input"]
    kt = [keytool, "-list", "-keystore", path, "-storetype", kind, "-storepass", "changeit1"]
    for argv in (tu, kt):
        t, code = once(argv)
        if code != 0:
            sys.exit(f"ssl.sh: {' '.join(argv[:3])} on {f} exited {code}")
    a, b = [], []
    for _ in range(n):
        a.append(once(tu)[0]); b.append(once(kt)[0])
    r = statistics.median(b) / statistics.median(a)
    worst = r if worst is None else min(worst, r)
    print(f"{name} ({f}): ssl check median {ms(statistics.median(a))}, keytool -list median {ms(statistics.median(b))}, "
          f"speed-up {r:.1f}x   target >= 20x: {'PASS' if r >= 20 else 'FAIL'}")
print(f"lowest speed-up: {worst:.1f}x")
PY
exit 0
