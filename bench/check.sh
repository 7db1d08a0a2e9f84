#!/usr/bin/env bash
# `travelerUtil db check` timings, each against a baseline run alternately in the same script on
# the same servers:
#   1. `db check quick` (the connection verdict alone, one server) against unixODBC's `isql`
#      (connect + the same query + exit, same DSN-less connection string and driver), on
#      MariaDB and Derby. Target: median <= 1.05x isql's.
#   2. `db check` with the HA-readiness section against `db check quick`, on MariaDB. Target:
#      median <= 1.5x.
#   3. A primary and two failover partners, one of them the silent listener and one the closed
#      port, timeout=3, against one probe of the silent listener alone (timeout=3). Target:
#      median <= 1.15x (the partners are probed at the same time).
#   4. The time to a verdict against a silent server (timeout=3) for every driver (target
#      <= 3.3 s; isql waits forever), and against a refused Db2 port (target <= 0.3 s; the
#      driver's own default is 5 s, measured here with isql as the baseline).
#
# Needs the test servers: `bash scripts/testenv.sh install && bash scripts/testenv.sh start`. A
# measurement, not a test: it prints PASS/FAIL and exits 0 (non-zero only if it cannot
# measure). Environment: N (default 100) runs of 1 and 2, M (default 7) runs of 3.
set -euo pipefail

N="${N:-100}"
M="${M:-7}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
command -v python3 >/dev/null || { echo "check.sh: python3 is required" >&2; exit 1; }
command -v isql >/dev/null || { echo "check.sh: isql (unixodbc) is required" >&2; exit 1; }
eval "$(bash scripts/testenv.sh env)"
bash scripts/testenv.sh status >/dev/null || { echo "check.sh: start the servers first: bash scripts/testenv.sh start" >&2; exit 1; }
cargo build --release --quiet
bin="$repo/target/release/travelerUtil"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
unset TRAVELERUTIL_HOME TRAVELERUTIL_DATA_DIR TRAVELERUTIL_NO_INPUT TRAVELERUTIL_DB_PW TRAVELERUTIL_ODBC_DRIVER
store() { # store NAME URL USER PW [force]: a home holding these settings
    printf '%s\n' "$4" | TRAVELERUTIL_HOME="$tmp/$1" "$bin" db set "url=$2" "user=$3" pw=- ${5:-} --no-input -q
}
# The admin's flow: db set tests the connection and records the driver that passed.
store maria "jdbc:mysql://127.0.0.1:$TU_MARIA_PORT/appdb" app app
store derby "jdbc:db2://127.0.0.1:$TU_DERBY_PORT/TRAVELER" app app
store hang-maria "jdbc:mysql://127.0.0.1:$TU_HANG_PORT/appdb" app app force
store hang-db2 "jdbc:db2://127.0.0.1:$TU_HANG_PORT/TRAVELER" app app force
store hang-tds "jdbc:sqlserver://127.0.0.1:$TU_HANG_PORT;databaseName=TRAVELER" sa x force
store refused-db2 "jdbc:db2://127.0.0.1:$TU_CLOSED_PORT/TRAVELER" app app force
store pool3 "jdbc:mysql://127.0.0.1:$TU_MARIA_PORT,127.0.0.1:$TU_HANG_PORT,127.0.0.1:$TU_CLOSED_PORT/TRAVELER" app app force

# The connection strings db check itself uses (from its JSON), so isql does the same work.
cs() { TRAVELERUTIL_HOME="$tmp/$1" "$bin" db check quick --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["connection"])' | sed 's/PWD=\*\*\*\*\*/PWD=app/; s/Pwd=\*\*\*\*\*/Pwd=app/'; }
CS_MARIA="$(cs maria)"
CS_DERBY="$(cs derby)"

# A data directory without notes.ini: the readiness section reads it as a Traveler server would.
mkdir -p "$tmp/data"
export TRAVELERUTIL_DATA_DIR="$tmp/data"

python3 - "$bin" "$tmp" "$N" "$CS_MARIA" "$CS_DERBY" "$M" <<'PY'
import os, statistics, sys, time, subprocess

binary, tmp, n, cs_maria, cs_derby, m = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
isql = subprocess.run(["sh", "-c", "command -v isql"], capture_output=True, text=True).stdout.strip()
devnull = os.open(os.devnull, os.O_WRONLY)

def once(argv, env, stdin_text=None):
    if stdin_text is not None:
        r, w = os.pipe()
        os.write(w, stdin_text.encode()); os.close(w)
        fin = r
    else:
        fin = os.open(os.devnull, os.O_RDONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2), (os.POSIX_SPAWN_DUP2, fin, 0)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    os.close(fin)
    return t1 - t0, os.waitstatus_to_exitcode(status)

def env_for(home):
    e = dict(os.environ); e["TRAVELERUTIL_HOME"] = f"{tmp}/{home}"; return e

ms = lambda ns: f"{ns / 1e6:.2f} ms"

def alternate(runs, a, b, want_a=(0,), want_b=(0,), warm=5):
    """Medians of `runs` alternating runs of a and b (argv, env[, stdin]), after `warm` warm-ups."""
    for _ in range(warm):
        once(*a); once(*b)
    ta, tb = [], []
    for _ in range(runs):
        x = once(*a); y = once(*b)
        if x[1] not in want_a or y[1] not in want_b:
            sys.exit(f"check.sh: unexpected exit codes {x[1]} and {y[1]}")
        ta.append(x[0]); tb.append(y[0])
    return statistics.median(ta), statistics.median(tb)

print(f"iterations: {n} of each, alternating; driver manager ODBCSYSINI={os.environ.get('ODBCSYSINI')}")
for name, home, cs, query in [("MariaDB (MariaDB ODBC)", "maria", cs_maria, "SELECT 1\n"),
                              ("Derby (IBM Db2 CLI)", "derby", cs_derby, "SELECT 1 FROM SYSIBM.SYSDUMMY1\n")]:
    tu, iq = alternate(n, ([binary, "db", "check", "quick"], env_for(home)), ([isql, "-b", "-k", cs], os.environ, query))
    r = tu / iq
    print(f"{name}: db check quick median {ms(tu)}, isql median {ms(iq)}, "
          f"ratio {r:.2f}x   target <= 1.05x: {'PASS' if r <= 1.05 else 'FAIL'}")

full, quick = alternate(n, ([binary, "db", "check"], env_for("maria")), ([binary, "db", "check", "quick"], env_for("maria")))
r = full / quick
print(f"MariaDB, HA readiness: db check median {ms(full)}, db check quick median {ms(quick)}, "
      f"ratio {r:.2f}x   target <= 1.5x: {'PASS' if r <= 1.5 else 'FAIL'}")

pool, single = alternate(m, ([binary, "db", "check", "timeout=3"], env_for("pool3")),
                         ([binary, "db", "check", "quick", "timeout=3"], env_for("hang-maria")),
                         want_a=(9,), want_b=(12,), warm=1)
r = pool / single
print(f"primary + silent + closed partner, timeout=3 ({m} runs): median {pool / 1e9:.3f} s; "
      f"one silent probe: median {single / 1e9:.3f} s; ratio {r:.3f}x   target <= 1.15x: {'PASS' if r <= 1.15 else 'FAIL'}")

worst = 0
for name, home in [("MariaDB ODBC", "hang-maria"), ("IBM Db2 CLI", "hang-db2"), ("FreeTDS", "hang-tds")]:
    t, code = once([binary, "db", "check", "quick", "timeout=3"], env_for(home))
    worst = max(worst, t)
    print(f"silent server, {name}, timeout=3: verdict after {t / 1e9:.3f} s (exit {code})")
print(f"silent server worst: {worst / 1e9:.3f} s   target <= 3.3 s: {'PASS' if worst <= 3.3e9 else 'FAIL'}   (isql: waits until killed)")

t, code = once([binary, "db", "check", "quick"], env_for("refused-db2"))
base_env = dict(os.environ); base_env.pop("DB2_MAX_CLIENT_CONNRETRIES", None)
refused_cs = cs_derby.replace(f"Port={os.environ['TU_DERBY_PORT']}", f"Port={os.environ['TU_CLOSED_PORT']}")
b, _ = once([isql, "-b", "-k", refused_cs], base_env, "SELECT 1 FROM SYSIBM.SYSDUMMY1\n")
print(f"refused Db2 port: db check verdict after {t / 1e9:.3f} s (exit {code}); driver default (isql) {b / 1e9:.3f} s   "
      f"target <= 0.3 s: {'PASS' if t <= 0.3e9 else 'FAIL'}")
PY
exit 0
