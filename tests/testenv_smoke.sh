#!/usr/bin/env bash
# testenv_smoke.sh — end-to-end check of scripts/testenv.sh (not run by cargo):
#   all (install + start + check) -> eval env -> each MariaDB has its own tmpdir
#   -> start again (idempotent) -> status
#   -> stop one server (the replica) and start it again -> stop
#   -> no process left, ports free, pid files gone, status reports DOWN.
#   bash tests/testenv_smoke.sh          (root; exits non-zero on the first problem)
set -euo pipefail
cd "$(dirname "$0")/.."
TE=scripts/testenv.sh

fail() { printf '[smoke] FAIL: %s\n' "$*" >&2; exit 1; }
say() { printf '[smoke] %s\n' "$*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

t=$(now); bash "$TE" all || fail "testenv.sh all failed"; say "all: $(took "$t")"

env_out=$(bash "$TE" env) || fail "testenv.sh env failed"
eval "$env_out"
for v in ODBCSYSINI ODBCINI TU_TESTENV TU_LAB TU_MARIA_PORT TU_REPLICA_PORT TU_DERBY_PORT \
         TU_DERBY_ALT_PORT TU_HANG_PORT TU_CLOSED_PORT TU_DB2_DRIVER TU_MARIA_DRIVER TU_TDS_DRIVER \
         TU_CLIDRIVER_LIB TU_TLS_CA TU_FAKETIME_LIB; do
  [ -n "${!v:-}" ] || fail "env: $v not set"
done
[ "$TU_TESTENV" = 1 ] || fail "env: TU_TESTENV=$TU_TESTENV"
[ "$TU_MARIA_DRIVER" = "MariaDB Unicode" ] || fail "env: TU_MARIA_DRIVER='$TU_MARIA_DRIVER'"
[ "$TU_DB2_DRIVER" = DB2 ] && [ "$TU_TDS_DRIVER" = FreeTDS ] || fail "env: driver names"
[ -f "$ODBCSYSINI/odbcinst.ini" ] || fail "env: $ODBCSYSINI/odbcinst.ini missing"
[ -f "$TU_CLIDRIVER_LIB" ] || fail "env: TU_CLIDRIVER_LIB=$TU_CLIDRIVER_LIB missing"
[ -f "$TU_FAKETIME_LIB" ] || fail "env: TU_FAKETIME_LIB=$TU_FAKETIME_LIB missing"
if grep -q DB2_MAX_CLIENT_CONNRETRIES <<<"$env_out"; then fail "env must not set DB2_MAX_CLIENT_CONNRETRIES"; fi
case $TU_LAB in "$PWD"/target/*) ;; *) say "note: TU_LAB=$TU_LAB is outside target/ (LAB overridden)";; esac
say "env: ok ($(grep -c '^export ' <<<"$env_out") exports)"

# PIDs of everything the environment runs, to prove later that they are gone.
pids=()
for f in "$TU_LAB"/run/*.pid; do pids+=("$(head -1 "$f")"); done
((${#pids[@]} == 5)) || fail "expected 5 pid files in $TU_LAB/run, found ${#pids[@]}"

# Regression (CI, stop 20): the primary and the replica once shared /tmp, and one mariadbd's
# start-up sweep of #sql* files deleted the other's temporary table during mariadb-install-db.
tmpdirs=()
for c in mariadb replica; do
  p=$(head -1 "$TU_LAB/run/$c.pid")
  td=$(tr '\0' '\n' < "/proc/$p/cmdline" | sed -n 's/^--tmpdir=//p')
  case $td in "$TU_LAB"/*/tmp) ;; *) fail "$c (pid $p) runs with tmpdir '$td', not its own under $TU_LAB";; esac
  tmpdirs+=("$td")
done
[ "${tmpdirs[0]}" != "${tmpdirs[1]}" ] || fail "primary and replica share tmpdir ${tmpdirs[0]}"

t=$(now); out=$(bash "$TE" start 2>&1) || { printf '%s\n' "$out" >&2; fail "second start failed"; }
say "start (already running): $(took "$t")"
[ "$(grep -c 'already running' <<<"$out")" = 5 ] || { printf '%s\n' "$out" >&2; fail "second start did not report 5x already running"; }
for f in "$TU_LAB"/run/*.pid; do
  printf '%s\n' "${pids[@]}" | grep -qx "$(head -1 "$f")" || fail "second start changed PID in $f"
done
bash "$TE" status >/dev/null || fail "status not 0 while running"

# One server stopped and brought back, as the failover tests do: the others keep their PIDs,
# the replica catches up again.
t=$(now); bash "$TE" stop replica || fail "stop replica failed"
port_open "$TU_REPLICA_PORT" && fail "replica port $TU_REPLICA_PORT still open after stop replica"
port_open "$TU_MARIA_PORT" || fail "stop replica stopped the primary too"
bash "$TE" status >/dev/null 2>&1 && fail "status reports up with the replica stopped"
bash "$TE" start >/dev/null 2>&1 || fail "start after stop replica failed"
say "stop + start of one server: $(took "$t")"
bash "$TE" check >/dev/null || fail "check after restarting the replica failed"
pids=()
for f in "$TU_LAB"/run/*.pid; do pids+=("$(head -1 "$f")"); done

t=$(now); bash "$TE" stop || fail "stop failed"; say "stop: $(took "$t")"

for p in "${pids[@]}"; do
  if [ -r "/proc/$p/stat" ] && [ "$(sed 's/.*) //' "/proc/$p/stat" | cut -c1)" != Z ]; then
    fail "pid $p still running after stop: $(tr '\0' ' ' < "/proc/$p/cmdline")"
  fi
done
left=$(ps -eo pid=,stat=,args=)
left=$(grep -F -- "$TU_LAB" <<<"$left" | grep -v testenv | awk '$2 !~ /^Z/' || true)
[ -z "$left" ] || fail "processes under $TU_LAB remain:
$left"
for p in "$TU_MARIA_PORT" "$TU_REPLICA_PORT" "$TU_DERBY_PORT" "$TU_DERBY_ALT_PORT" "$TU_HANG_PORT" "$TU_CLOSED_PORT"; do
  port_open "$p" && fail "port $p still open after stop"
done
ls "$TU_LAB"/run/*.pid >/dev/null 2>&1 && fail "pid files left in $TU_LAB/run"
if bash "$TE" status >/dev/null 2>&1; then fail "status reports up after stop"; fi
say "PASS (ports $TU_MARIA_PORT $TU_REPLICA_PORT $TU_DERBY_PORT $TU_DERBY_ALT_PORT $TU_HANG_PORT $TU_CLOSED_PORT free, no process left)"
