#!/usr/bin/env bash
# testenv.sh — real database servers + ODBC drivers on 127.0.0.1 for the integration tests of
# `travelerUtil db check` (Traveler's database families: Db2 via Derby/DRDA, MySQL/MariaDB,
# SQL Server via FreeTDS failure paths).
#
#   scripts/testenv.sh install   apt packages + IBM clidriver (from the ibm_db wheel); idempotent
#   scripts/testenv.sh start     write odbcinst.ini, init (first time) + start every server that is
#                                not running (in parallel), wait for them and for the replica
#   scripts/testenv.sh stop [C..] stop what this script started (by PID), verify nothing is left;
#                                with component names, only those (tests stop a server this way
#                                and bring it back with `start`)
#   scripts/testenv.sh status    which components run (exit 0 = all up, 1 = not)
#   scripts/testenv.sh env       `export` lines for tests:  eval "$(scripts/testenv.sh env)"
#   scripts/testenv.sh check     isql connect + SELECT 1 through every driver; exit !=0 on failure
#   scripts/testenv.sh all       install + start + check
#   scripts/testenv.sh clean     stop + rm -rf "$LAB"
#
# Components (all bound to 127.0.0.1 only):
#   mariadb   MARIA_PORT  (53306)  the replication primary (binary log, server id 1); users
#                                  app/app (ALL on appdb.*, TRAVELER*.*), admin/admin (global),
#                                  creator/creator (only CREATE on TRAVELER.*), reader/reader (only
#                                  SELECT on TRAVELER.*), ddl/ddl (SELECT, INSERT, UPDATE, DELETE on
#                                  TRAVELER_DDL.* and TRAVELER_EMPTY.*), pool/Pool-Pw.7q (ALL on
#                                  TRAVELER.*, a password tests look for); databases TRAVELER
#                                  (utf8mb4, empty), TRAVELER_DDL (three tables), TRAVELER_EMPTY,
#                                  TRAVELER_LATIN1 (latin1); TLS with a CA and server certificate
#                                  made at first start ($LAB/maria/tls/ca.pem, exported as TU_TLS_CA)
#   replica   REPLICA_PORT (53307) a second mysqld replicating from mariadb (GTID, read-only):
#                                  the same users and databases, by real replication
#   derby     DERBY_PORT  (51527)  Derby network server, BUILTIN auth app/app and lntuser/Lnt-Pw.3x,
#                                  database TRAVELER,
#                                  DRDAConnThread patched so IBM's Db2 CLI driver is accepted
#   derby-alt DERBY_ALT_PORT (51528) a second one, the same way: the Db2 client-reroute alternate
#   hang      HANG_PORT   (54999)  silent listener: accepts TCP, never answers
#   closed    CLOSED_PORT (54998)  nothing may listen there (checked at start)
#   ODBC drivers in "$LAB/odbc/odbcinst.ini": [DB2] [MariaDB Unicode] [FreeTDS]
#   libfaketime (TU_FAKETIME_LIB): runs a check with a shifted clock (the clock-skew test)
#
# Rules this script keeps (project requirements):
#   * Runs as root (CI and the developers' containers). Never touches /etc/odbcinst.ini or
#     /etc/odbc.ini: drivers are registered in $LAB/odbc and selected with ODBCSYSINI/ODBCINI.
#   * Everything it creates or downloads lives under $LAB (default <repo>/target/testenv, which
#     is gitignored). IBM's clidriver is licensed for use, not for redistribution: it is
#     downloaded at install time and must never be committed.
#   * Stops only what it started: PIDs from its own pid files, and only if that PID's command
#     line still mentions $LAB (protects against PID reuse).
#   * Fails loudly: a component that cannot be installed/started exits non-zero naming it.
#
# Facts behind the choices below are in docs/odbc-drivers.md.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# Explicitly requested settings (remembered to warn when a running environment differs).
REQ_MARIA_PORT=${MARIA_PORT:-${TU_MARIA_PORT:-}}
REQ_REPLICA_PORT=${REPLICA_PORT:-${TU_REPLICA_PORT:-}}
REQ_DERBY_PORT=${DERBY_PORT:-${TU_DERBY_PORT:-}}
REQ_DERBY_ALT_PORT=${DERBY_ALT_PORT:-${TU_DERBY_ALT_PORT:-}}
REQ_HANG_PORT=${HANG_PORT:-${TU_HANG_PORT:-}}
REQ_CLOSED_PORT=${CLOSED_PORT:-${TU_CLOSED_PORT:-}}

LAB=${LAB:-${TU_LAB:-$REPO/target/testenv}}
LAB=$(realpath -m -- "$LAB")
MARIA_PORT=${REQ_MARIA_PORT:-53306}
REPLICA_PORT=${REQ_REPLICA_PORT:-53307}
DERBY_PORT=${REQ_DERBY_PORT:-51527}   # not 1527: do not clash with a developer's real Derby
DERBY_ALT_PORT=${REQ_DERBY_ALT_PORT:-51528}
HANG_PORT=${REQ_HANG_PORT:-54999}
CLOSED_PORT=${REQ_CLOSED_PORT:-54998}
# pip requirement spec for the wheel that carries IBM's clidriver (pin in CI if wanted,
# e.g. IBM_DB_SPEC=ibm_db==3.3.0, the version tested here: clidriver 12.1.4, manylinux_2_34).
IBM_DB_SPEC=${IBM_DB_SPEC:-ibm_db}
PYTHON=${PYTHON:-/usr/bin/python3}   # Debian's python3: the pyenv shim on PATH costs ~0.5 s per start
WAIT_SECS=${TESTENV_WAIT_SECS:-60}      # bound for every "wait until it answers"

RUN=$LAB/run                  # pid files + ports.env of the running environment
CLIDRIVER=$LAB/ibm/clidriver
DB2_LIB=$CLIDRIVER/lib/libdb2.so
DERBY_JARS=/usr/share/java/derby.jar:/usr/share/java/derbynet.jar:/usr/share/java/derbytools.jar:/usr/share/java/derbyclient.jar
COMPONENTS=(mariadb replica derby derby-alt hang)
PORT_VARS=(MARIA REPLICA DERBY DERBY_ALT HANG CLOSED)

APT_PACKAGES=(unixodbc unixodbc-dev odbc-mariadb tdsodbc mariadb-server mariadb-client
              libderby-java derby-tools libderbyclient-java default-jre-headless
              unzip perl python3 procps coreutils util-linux openssl libfaketime)

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { printf '[testenv] ERROR: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (CI / dev container)"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2fs", b - a }'; }

# Serialise install/start/stop/clean: parallel test binaries may call `start` concurrently.
take_lock() {
  mkdir -p "$LAB"
  # Every server started below gets `9>&-`: a daemon inheriting fd 9 would hold the lock forever
  # and the next start/stop would block.
  exec 9>"$LAB/.lock"
  flock -w 600 9 || die "could not lock $LAB/.lock within 600 s"
}

# ------------------------------------------------------------------ processes and ports
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A PID counts as alive if it exists and is not a zombie: our servers are reparented to PID 1,
# which may reap them late, and `kill -0` succeeds on a zombie.
proc_alive() {
  local pid=$1 st
  [ -r "/proc/$pid/stat" ] || return 1
  st=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Ours = alive AND its command line mentions $LAB (every server we start gets a $LAB path as
# an argument). A recycled PID belonging to something else is never signalled.
proc_ours() {
  local pid=$1
  proc_alive "$pid" || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$LAB"
}

pidfile() { printf '%s/%s.pid' "$RUN" "$1"; }
comp_pid() { local f; f=$(pidfile "$1"); [ -s "$f" ] && head -1 "$f"; }
comp_running() { local pid; pid=$(comp_pid "$1") && proc_ours "$pid"; }
comp_port() {
  case $1 in
    mariadb) echo "$MARIA_PORT" ;; replica) echo "$REPLICA_PORT" ;; derby) echo "$DERBY_PORT" ;;
    derby-alt) echo "$DERBY_ALT_PORT" ;; hang) echo "$HANG_PORT" ;;
  esac
}
any_running() { local c; for c in "${COMPONENTS[@]}"; do comp_running "$c" && return 0; done; return 1; }

# wait_ready NAME PID SECS CMD... : poll CMD every 0.1 s; fail fast if PID died.
wait_ready() {
  local name=$1 pid=$2 secs=$3 i; shift 3
  for ((i = 0; i < secs * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    proc_alive "$pid" || { log "$name: process $pid exited during startup"; return 1; }
    sleep 0.1
  done
  log "$name: not answering after ${secs}s"
  return 1
}

# ------------------------------------------------------------------ port configuration
# `start` records the ports in $RUN/ports.env; while anything runs, that file is the truth for
# every other command (so `env`, `check`, `stop` never disagree with what is running).
load_ports() {
  local mode=$1 f=$RUN/ports.env v req saved
  [ -f "$f" ] || return 0
  if [ "$mode" = start ] && ! any_running; then return 0; fi   # stale: start afresh
  for v in "${PORT_VARS[@]}"; do
    saved=$(grep -m1 "^${v}_PORT=" "$f" | cut -d= -f2 || true)
    [ -n "$saved" ] || continue   # written by an older testenv.sh: that component is not running
    [[ $saved =~ ^[0-9]+$ ]] || die "corrupt $f (${v}_PORT=$saved); run: $0 stop"
    req="REQ_${v}_PORT"
    if [ -n "${!req}" ] && [ "${!req}" != "$saved" ]; then
      log "warning: ${v}_PORT=${!req} ignored: the running environment uses $saved (stop it first)"
    fi
    printf -v "${v}_PORT" '%s' "$saved"
  done
}

save_ports() {
  mkdir -p "$RUN"
  local v n
  for v in "${PORT_VARS[@]}"; do n="${v}_PORT"; printf '%s=%s\n' "$n" "${!n}"; done > "$RUN/ports.env"
}

validate_ports() {
  local p seen=" "
  local v n
  for v in "${PORT_VARS[@]}"; do
    n="${v}_PORT"; p=${!n}
    [[ $p =~ ^[0-9]+$ ]] && ((p >= 1024 && p <= 65535)) || die "port '$p' is not a number in 1024..65535"
    [[ $seen == *" $p "* ]] && die "port $p configured twice (${PORT_VARS[*]} ports must differ)"
    seen+="$p "
  done
}

# ------------------------------------------------------------------ install
# Packages of APT_PACKAGES not installed (one dpkg-query call: keeps a warm `install` fast).
missing_packages() {
  local p st
  declare -A ok=()
  while read -r p st; do [ "$st" = installed ] && ok[${p%%:*}]=1; done \
    < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
  for p in "${APT_PACKAGES[@]}"; do [ -n "${ok[$p]:-}" ] || echo "$p"; done
}

cmd_install() {
  need_root
  take_lock
  mkdir -p "$LAB/logs"
  local t0 missing=()
  t0=$(now)
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
    mapfile -t missing < <(missing_packages)
    ((${#missing[@]} == 0)) || die "install: still not installed after apt-get: ${missing[*]}"
  else
    log "apt packages: all installed"
  fi
  verify_tools
  install_clidriver
  log "install done in $(elapsed "$t0")"
}

apt_install() {
  local lg=$LAB/logs/apt.log own_policy=0
  export DEBIAN_FRONTEND=noninteractive
  # Debian's mariadb-server postinst starts the distro service (port 3306, /run/mysqld) when
  # policy-rc.d allows it. We never use that service and must not leave processes we did not
  # mean to start, so deny service starts for the duration of the install if no policy exists
  # (containers usually ship one that exits 101 already).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, created by %s install\nexit 101\n' "$0" > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d; own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  log "apt-get update"
  if ! apt-get update > "$lg" 2>&1; then tail -20 "$lg" >&2; die "install: apt-get update failed (log: $lg)"; fi
  log "apt-get install $*"
  if ! apt-get install -y --no-install-recommends "$@" >> "$lg" 2>&1; then
    tail -30 "$lg" >&2; die "install: apt-get install failed for: $* (log: $lg)"
  fi
  if ((own_policy)); then rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
}

verify_tools() {
  local t
  for t in openssl isql odbcinst mariadbd mariadb-install-db mariadb-admin mariadb java unzip perl "$PYTHON" \
           flock timeout ldd sha256sum ps; do
    command -v "$t" >/dev/null || die "install: required tool '$t' not found on PATH"
  done
  local j
  for j in ${DERBY_JARS//:/ }; do [ -f "$j" ] || die "install: Derby jar $j missing (libderby-java/derby-tools/libderbyclient-java)"; done
  java -version >/dev/null 2>&1 || die "install: 'java -version' fails (default-jre-headless)"
  driver_path odbc-mariadb libmaodbc.so >/dev/null
  driver_path tdsodbc libtdsodbc.so >/dev/null
}

# driver_path PACKAGE LIBNAME: the driver .so as installed by the package (arch-independent).
driver_path() {
  local f
  f=$(dpkg -L "$1" 2>/dev/null | grep -m1 "/$2\$") || die "ODBC driver $2 not found (package $1 not installed? run: $0 install)"
  [ -f "$f" ] || die "ODBC driver $f (package $1) missing on disk"
  echo "$f"
}

pip_cmd() {
  if python3 -m pip --version >/dev/null 2>&1; then echo "python3 -m pip"; return; fi
  local p; for p in pip3 pip; do command -v "$p" >/dev/null && { echo "$p"; return; }; done
  return 1
}

install_clidriver() {
  # The ibm_db wheel bundles IBM's Data Server Driver for ODBC and CLI (clidriver). A wheel is
  # a zip: unzip clidriver/ and ibm_db.libs/ side by side, no `pip install`. (docs/odbc-drivers.md)
  # auditwheel rewrote libdb2.so to NEED libxml2-<hash>.so from ibm_db.libs/, found through
  # RPATH $ORIGIN/../../ibm_db.libs -> both trees must be siblings under $LAB/ibm.
  # The driver writes to its own tree at runtime (db2dump/, cfgcache/), so it stays writable.
  if [ -f "$LAB/ibm/.complete" ] && [ -f "$DB2_LIB" ]; then
    log "clidriver: cached ($(cat "$LAB/ibm/.complete"))"
    return 0
  fi
  local dl=$LAB/downloads part=$LAB/ibm.partial pip whl
  pip=$(pip_cmd) || {
    log "clidriver: no pip found; installing python3-pip"
    apt_install python3-pip
    pip=$(pip_cmd) || die "clidriver: pip unavailable even after installing python3-pip"
  }
  rm -rf "$dl" "$part"; mkdir -p "$dl"
  log "clidriver: $pip download --no-deps --only-binary=:all: $IBM_DB_SPEC"
  # --no-cache-dir: keep the download inside $LAB only (nothing of IBM's lands in ~/.cache).
  if ! $pip download --no-deps --only-binary=:all: --no-cache-dir --dest "$dl" "$IBM_DB_SPEC" \
       > "$LAB/logs/pip.log" 2>&1; then
    tail -20 "$LAB/logs/pip.log" >&2; die "clidriver: pip download of $IBM_DB_SPEC failed (log: $LAB/logs/pip.log)"
  fi
  whl=$(ls "$dl"/ibm_db-*.whl 2>/dev/null | head -1)
  [ -n "$whl" ] || die "clidriver: pip download produced no ibm_db wheel in $dl"
  unzip -l "$whl" 'clidriver/lib/libdb2.so' >/dev/null 2>&1 \
    || die "clidriver: $(basename "$whl") contains no clidriver/lib/libdb2.so (not a manylinux x86_64 wheel?)"
  log "clidriver: unpacking $(basename "$whl")"
  mkdir -p "$part"
  unzip -q -o "$whl" 'clidriver/*' 'ibm_db.libs/*' -d "$part" || die "clidriver: unzip of $whl failed"
  local missing
  missing=$(ldd "$part/clidriver/lib/libdb2.so" | grep 'not found' || true)
  [ -z "$missing" ] || die "clidriver: libdb2.so has unresolved dependencies:
$missing"
  basename "$whl" > "$part/.complete"
  rm -rf "$LAB/ibm"; mv "$part" "$LAB/ibm"   # atomic: a half-unpacked tree is never "cached"
  rm -rf "$dl"                                 # the unpacked tree is the cache; drop the 46 MB wheel
  log "clidriver: installed ($(cat "$LAB/ibm/.complete"))"
}

# ------------------------------------------------------------------ ODBC registration
write_odbc_ini() {
  local maria tds
  maria=$(driver_path odbc-mariadb libmaodbc.so)
  tds=$(driver_path tdsodbc libtdsodbc.so)
  [ -f "$DB2_LIB" ] || die "DB2 driver $DB2_LIB missing (run: $0 install)"
  mkdir -p "$LAB/odbc"
  # DontDLClose=1: unixODBC otherwise dlclose()s libdb2.so after the last disconnect; IBM's
  # driver leaves threads/atexit handlers behind and must stay loaded for the process lifetime.
  cat > "$LAB/odbc/odbcinst.ini.tmp" <<EOF
[DB2]
Description=IBM Data Server Driver for ODBC and CLI (clidriver from the ibm_db wheel)
Driver=$DB2_LIB
FileUsage=1
DontDLClose=1

[MariaDB Unicode]
Description=MariaDB Connector/ODBC (Unicode)
Driver=$maria

[FreeTDS]
Description=FreeTDS (TDS: MS SQL Server / Sybase)
Driver=$tds
EOF
  mv "$LAB/odbc/odbcinst.ini.tmp" "$LAB/odbc/odbcinst.ini"
  [ -f "$LAB/odbc/odbc.ini" ] || : > "$LAB/odbc/odbc.ini"   # DSN-less only; file must exist
}

# ------------------------------------------------------------------ MariaDB (primary + replica)
MARIA_DIR=$LAB/maria
REPLICA_DIR=$LAB/maria-replica
maria_dir() { case $1 in replica) echo "$REPLICA_DIR" ;; *) echo "$MARIA_DIR" ;; esac; }
maria_sock() { echo "$(maria_dir "${1:-mariadb}")/mysqld.sock"; }
maria_client() { local c=$1; shift; mariadb --no-defaults --socket="$(maria_sock "$c")" -uroot "$@"; }
maria_ping() { mariadb-admin --no-defaults --socket="$(maria_sock "${1:-mariadb}")" -uroot ping; }

# Small footprint: the tests need a handful of connections, not a tuned server.
MARIA_OPTS=(--innodb-buffer-pool-size=32M --innodb-log-file-size=8M --skip-name-resolve
            --character-set-server=utf8mb4 --performance-schema=OFF)

# A throwaway CA and a server certificate for 127.0.0.1 (SAN IP and DNS), made once per lab:
# `db check` hands the CA, exported from a truststore, to MariaDB Connector/ODBC (SSLCA +
# SSLVERIFY) and must see the server verified, or refused with an unrelated CA.
maria_tls() {
  local t=$MARIA_DIR/tls
  [ -s "$t/server.pem" ] && [ -s "$t/ca.pem" ] && return 0
  mkdir -p "$t"
  log "mariadb: making a test CA and server certificate in $t"
  (
    cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.pem \
      -subj "/CN=travelerutil testenv CA" -addext basicConstraints=critical,CA:TRUE \
      -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
      -extfile server.ext -out server.pem
  ) > "$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; die "mariadb: making the TLS certificates failed"; }
}

# start_maria COMPONENT: the primary (`mariadb`: binary log, TLS, server id 1) or the replica
# (`replica`: read-only, server id 2). Provisioning and replication are set up by cmd_start once
# both answer.
start_maria() {
  local c=$1 d pid sock port extra=()
  d=$(maria_dir "$c"); sock=$(maria_sock "$c"); port=$(comp_port "$c")
  ((${#sock} < 100)) || die "$c: socket path $sock is too long for a unix socket (use a shorter LAB)"
  if [ "$c" = mariadb ]; then
    maria_tls
    # The binary log feeds the replica; ROW format replicates every statement the same way.
    extra=(--server-id=1 --log-bin="$d/binlog/mysql-bin" --binlog-format=ROW
           --ssl-ca="$d/tls/ca.pem" --ssl-cert="$d/tls/server.pem" --ssl-key="$d/tls/server.key")
  else
    extra=(--server-id=2 --read-only --relay-log="$d/relay/relay-bin")
  fi
  if comp_running "$c"; then
    pid=$(comp_pid "$c")
    maria_ping "$c" >/dev/null 2>&1 || die "$c: pid $pid runs but does not answer on $sock"
    if [ "$c" = mariadb ] && ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- '--log-bin'; then
      die "$c: pid $pid runs without the binary log (started by an older testenv.sh); run: $0 stop, then start"
    fi
    log "$c: already running (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile "$c")"
  port_open "$port" && die "$c: port $port is busy (another process listens; set the port variable)"
  # A private tmpdir: at start-up mariadbd deletes every #sql* file in its tmpdir, so with a
  # shared /tmp the replica's bootstrap could delete the primary's temp tables (CI saw it).
  mkdir -p "$d/binlog" "$d/relay" "$d/tmp" "$RUN"
  if [ ! -f "$d/data/.initialised" ]; then
    rm -rf "$d/data"
    # --no-defaults: ignore Debian's /etc/mysql/* (socket in /run/mysqld, datadir /var/lib/mysql).
    # --user=root: we run as root and mariadbd refuses root without it (docs/odbc-drivers.md).
    log "$c: initialising $d/data"
    if ! mariadb-install-db --no-defaults --datadir="$d/data" --user=root \
         --auth-root-authentication-method=normal --skip-test-db --tmpdir="$d/tmp" \
         "${MARIA_OPTS[@]}" > "$d/install.log" 2>&1; then
      # The cause is near the top, above the generic advice that fills the tail.
      grep -m 10 'ERROR' "$d/install.log" >&2 || tail -30 "$d/install.log" >&2
      die "$c: mariadb-install-db failed (log: $d/install.log)"
    fi
    touch "$d/data/.initialised"
  fi
  rm -f "$sock"
  nohup mariadbd --no-defaults --user=root --datadir="$d/data" --bind-address=127.0.0.1 \
    --port="$port" --socket="$sock" --pid-file="$d/mysqld.pid" --log-error="$d/error.log" \
    --tmpdir="$d/tmp" "${MARIA_OPTS[@]}" "${extra[@]}" < /dev/null > "$d/stdout.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" > "$(pidfile "$c")"
  if ! wait_ready "$c" "$pid" "$WAIT_SECS" maria_ping "$c" || ! port_open "$port"; then
    tail -20 "$d/error.log" >&2 2>/dev/null || true
    die "$c: did not start on 127.0.0.1:$port (log: $d/error.log)"
  fi
}

# Idempotent, run at every start on the primary (the replica gets it all by replication):
# (re)creates databases, tables and users and resets the passwords, so a test that changed them
# cannot poison later runs.
provision_maria() {
  local out
  if ! out=$(maria_client mariadb 2>&1 <<'SQL'
CREATE DATABASE IF NOT EXISTS appdb;
CREATE DATABASE IF NOT EXISTS TRAVELER CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS TRAVELER_DDL CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS TRAVELER_DDL.tu_device (id INT PRIMARY KEY, name VARCHAR(64));
CREATE TABLE IF NOT EXISTS TRAVELER_DDL.tu_user (id INT PRIMARY KEY, name VARCHAR(64));
CREATE TABLE IF NOT EXISTS TRAVELER_DDL.tu_state (id INT PRIMARY KEY, state VARCHAR(64));
CREATE DATABASE IF NOT EXISTS TRAVELER_EMPTY CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS TRAVELER_LATIN1 CHARACTER SET latin1;
CREATE USER IF NOT EXISTS 'app'@'127.0.0.1' IDENTIFIED BY 'app';
CREATE USER IF NOT EXISTS 'app'@'localhost' IDENTIFIED BY 'app';
ALTER USER 'app'@'127.0.0.1' IDENTIFIED BY 'app';
ALTER USER 'app'@'localhost' IDENTIFIED BY 'app';
GRANT ALL ON appdb.* TO 'app'@'127.0.0.1', 'app'@'localhost';
GRANT ALL ON TRAVELER.* TO 'app'@'127.0.0.1', 'app'@'localhost';
GRANT ALL ON TRAVELER_DDL.* TO 'app'@'127.0.0.1', 'app'@'localhost';
GRANT ALL ON TRAVELER_LATIN1.* TO 'app'@'127.0.0.1', 'app'@'localhost';
CREATE USER IF NOT EXISTS 'admin'@'127.0.0.1' IDENTIFIED BY 'admin';
CREATE USER IF NOT EXISTS 'admin'@'localhost' IDENTIFIED BY 'admin';
ALTER USER 'admin'@'127.0.0.1' IDENTIFIED BY 'admin';
ALTER USER 'admin'@'localhost' IDENTIFIED BY 'admin';
GRANT ALL ON *.* TO 'admin'@'127.0.0.1', 'admin'@'localhost' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'creator'@'127.0.0.1' IDENTIFIED BY 'creator';
ALTER USER 'creator'@'127.0.0.1' IDENTIFIED BY 'creator';
GRANT CREATE ON TRAVELER.* TO 'creator'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'reader'@'127.0.0.1' IDENTIFIED BY 'reader';
ALTER USER 'reader'@'127.0.0.1' IDENTIFIED BY 'reader';
GRANT SELECT ON TRAVELER.* TO 'reader'@'127.0.0.1';
GRANT SELECT ON TRAVELER_DDL.* TO 'reader'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'ddl'@'127.0.0.1' IDENTIFIED BY 'ddl';
ALTER USER 'ddl'@'127.0.0.1' IDENTIFIED BY 'ddl';
GRANT SELECT, INSERT, UPDATE, DELETE ON TRAVELER_DDL.* TO 'ddl'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE, DELETE ON TRAVELER_EMPTY.* TO 'ddl'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'pool'@'127.0.0.1' IDENTIFIED BY 'Pool-Pw.7q';
ALTER USER 'pool'@'127.0.0.1' IDENTIFIED BY 'Pool-Pw.7q';
GRANT ALL ON TRAVELER.* TO 'pool'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
ALTER USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
SQL
  ); then
    printf '%s\n' "$out" >&2; die "mariadb: provisioning users/databases failed"
  fi
}

# slave_field NAME: one field of the replica's SHOW SLAVE STATUS (empty when not configured).
slave_field() { maria_client replica -e 'SHOW SLAVE STATUS\G' 2>/dev/null | sed -n "s/^ *$1: //p" | head -1; }

# Points the replica at the primary (once, or again when the primary's port changed), starts it,
# and waits until it has applied everything the primary logged. GTID positions make a restart of
# either side resume where it stopped; MASTER_CONNECT_RETRY=1 reconnects within a second.
configure_replica() {
  local port want got i err
  port=$(slave_field Master_Port)
  if [ "$port" != "$MARIA_PORT" ]; then
    log "replica: replicating from 127.0.0.1:$MARIA_PORT"
    maria_client replica -e "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$MARIA_PORT,
      MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos;
      START SLAVE;" || die "replica: CHANGE MASTER failed"
  elif [ "$(slave_field Slave_SQL_Running)" != Yes ] || [ "$(slave_field Slave_IO_Running)" != Yes ]; then
    maria_client replica -e "START SLAVE" || die "replica: START SLAVE failed"
  fi
  want=$(maria_client mariadb -N -e 'SELECT @@gtid_binlog_pos') || die "mariadb: cannot read gtid_binlog_pos"
  for ((i = 0; i < WAIT_SECS * 10; i++)); do
    got=$(maria_client replica -N -e 'SELECT @@gtid_slave_pos' 2>/dev/null || true)
    [ "$got" = "$want" ] && return 0
    err=$(slave_field Last_SQL_Error)
    [ -z "$err" ] || die "replica: replication stopped: $err"
    sleep 0.1
  done
  die "replica: not caught up after ${WAIT_SECS}s (primary at '$want', replica at '$got'; IO: $(slave_field Last_IO_Error))"
}

# ------------------------------------------------------------------ Derby (DRDA)
DERBY_DIR=$LAB/derby
# Two JVMs start at once on a 2-core machine: the C1 compiler alone and the serial collector
# halve their start-up CPU; the tests need no peak throughput from Derby.
JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)
derby_dir() { case $1 in derby-alt) echo "$LAB/derby-alt" ;; *) echo "$DERBY_DIR" ;; esac; }

# Two edits in org/apache/derby/impl/drda/DRDAConnThread.class of Debian's derbynet.jar
# 10.14.2.0, put in a directory ahead of derbynet.jar (package impl.drda is not sealed).
# Constant-pool indices are build-specific: each pattern must occur exactly once, else refuse.
#  1. parseACCRDB: `if (appRequester.getClientType() != DNC) invalidClient(prdid)`: replace
#     `invokevirtual getClientType` by `pop; iconst_3; nop`. Stock Derby checks the client's
#     product id and rejects every non-Derby client ("Invalid client product id SQL12014"),
#     which the Db2 driver reports as SQL30020N 0x124C. (docs/odbc-drivers.md)
#  2. parseACCRDB: `database.sendTRGDFTRT = true` -> false. Otherwise Derby nests PKGDFTCST and
#     USRID inside TYPDEFOVR of ACCRDBRM and the IBM driver fails with SQL0901N
#     "DRDA AR: Parser Invalid Value" (sqljrParseTypdefOvr). (docs/odbc-drivers.md)
patch_derby() {
  local out=$DERBY_DIR/patch cls=org/apache/derby/impl/drda/DRDAConnThread.class jar=/usr/share/java/derbynet.jar sum
  [ -f "$jar" ] || die "derby: $jar missing (run: $0 install)"
  sum=$(sha256sum "$jar" | cut -d' ' -f1)
  if [ -f "$out/$cls" ] && [ "$(cat "$out/.source-sha256" 2>/dev/null)" = "$sum" ]; then return 0; fi
  rm -rf "$out"; mkdir -p "$out"
  unzip -q -o "$jar" "$cls" -d "$out" || die "derby: cannot extract $cls from $jar"
  if ! perl -0777 -e '
      local $/; open(my $in, "<:raw", $ARGV[0]) or die "open: $!\n"; my $c = <$in>; close $in;
      my $a = () = $c =~ /\x2a\xb4\x00\x63\xb6\x01\xa0\x06\x9f\x00\x0e/g;
      my $b = () = $c =~ /\x2a\xb4\x00\x39\x04\xb5\x01\xa7/g;
      die "unexpected bytecode (product-id check found $a times, TRGDFTRT store $b times; need 1/1)\n"
        unless $a == 1 && $b == 1;
      $c =~ s/\x2a\xb4\x00\x63\xb6\x01\xa0\x06\x9f\x00\x0e/\x2a\xb4\x00\x63\x57\x06\x00\x06\x9f\x00\x0e/;
      $c =~ s/\x2a\xb4\x00\x39\x04\xb5\x01\xa7/\x2a\xb4\x00\x39\x03\xb5\x01\xa7/;
      open(my $o, ">:raw", "$ARGV[0].new") or die "write: $!\n"; print $o $c; close $o or die "close: $!\n";
    ' "$out/$cls" 2> "$DERBY_DIR/patch.err"; then
    cat "$DERBY_DIR/patch.err" >&2; rm -rf "$out"
    die "derby: refusing to patch $jar (not Debian's Derby 10.14.2.0?)"
  fi
  mv "$out/$cls.new" "$out/$cls"
  echo "$sum" > "$out/.source-sha256"
  log "derby: patched DRDAConnThread (product-id check, TRGDFTRT)"
}

# derby_ready COMPONENT
derby_ready() {
  local d; d=$(derby_dir "$1")
  port_open "$(comp_port "$1")" && grep -q 'ready to accept connections' "$d/server.log"
}

# start_derby COMPONENT: `derby` or `derby-alt`, the same patched server on its own port and
# system home.
start_derby() {
  local c=$1 d pid port
  d=$(derby_dir "$c"); port=$(comp_port "$c")
  if comp_running "$c"; then
    pid=$(comp_pid "$c")
    port_open "$port" || die "$c: pid $pid runs but port $port is closed"
    log "$c: already running (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile "$c")"
  port_open "$port" && die "$c: port $port is busy (another process listens; set the port variable)"
  mkdir -p "$d/home" "$RUN"
  # BUILTIN auth with user app/app: the Db2 driver needs Authentication=SERVER and a server
  # that checks passwords (wrong password -> SQL30082N rc 24 like a real Db2).
  # -noSecurityManager always: JDK 17 only warns without it, JDK 24+ exits silently.
  nohup java "${JVM_OPTS[@]}" -Dderby.system.home="$d/home" \
    -Dderby.connection.requireAuthentication=true -Dderby.authentication.provider=BUILTIN \
    -Dderby.user.app=app -Dderby.user.lntuser=Lnt-Pw.3x \
    -cp "$DERBY_DIR/patch:$DERBY_JARS" org.apache.derby.drda.NetworkServerControl start \
    -h 127.0.0.1 -p "$port" -noSecurityManager < /dev/null > "$d/server.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" > "$(pidfile "$c")"
  if ! wait_ready "$c" "$pid" "$WAIT_SECS" derby_ready "$c"; then
    tail -20 "$d/server.log" >&2 || true
    die "$c: network server did not start on 127.0.0.1:$port (log: $d/server.log)"
  fi
}

# Creates database TRAVELER (with table APP.T1) on every Derby server that lacks it, in one ij
# run: a JVM start costs more than the work.
create_derby_dbs() {
  local c todo=() sql=$DERBY_DIR/create.sql
  for c in derby derby-alt; do [ -f "$(derby_dir "$c")/home/.traveler-created" ] || todo+=("$c"); done
  ((${#todo[@]})) || return 0
  # Upper-case name on purpose: the Db2 driver upper-cases Database=, and Derby database names
  # are case-sensitive directory names (docs/odbc-drivers.md).
  log "derby: creating database TRAVELER on ${todo[*]}"
  : > "$sql"
  for c in "${todo[@]}"; do
    cat >> "$sql" <<SQL
connect 'jdbc:derby://127.0.0.1:$(comp_port "$c")/TRAVELER;create=true;user=app;password=app';
create table app.t1 (id int primary key, name varchar(40));
insert into app.t1 values (1,'one'),(2,'two');
disconnect;
SQL
  done
  echo 'exit;' >> "$sql"
  if ! (cd "$DERBY_DIR" && timeout 120 java "${JVM_OPTS[@]}" -Dderby.stream.error.file=/dev/null -cp "$DERBY_JARS" \
        org.apache.derby.tools.ij create.sql > "$DERBY_DIR/create.log" 2>&1); then
    cat "$DERBY_DIR/create.log" >&2; die "derby: ij failed creating database TRAVELER"
  fi
  # ij exits 0 on SQL errors; X0Y32 (table exists) and 23505 (rows exist) are fine after an
  # interrupted first run.
  if grep -E 'ERROR' "$DERBY_DIR/create.log" | grep -vqE 'X0Y32|23505'; then
    cat "$DERBY_DIR/create.log" >&2; die "derby: creating database TRAVELER failed"
  fi
  for c in "${todo[@]}"; do touch "$(derby_dir "$c")/home/.traveler-created"; done
}

# ------------------------------------------------------------------ silent listener
start_hang() {
  local d=$LAB/hang pid
  if comp_running hang; then
    pid=$(comp_pid hang)
    port_open "$HANG_PORT" || die "hang: pid $pid runs but port $HANG_PORT is closed"
    log "hang: already running (pid $pid)"
    return 0
  fi
  rm -f "$(pidfile hang)"
  port_open "$HANG_PORT" && die "hang: port $HANG_PORT is busy (another process listens; set HANG_PORT)"
  mkdir -p "$d" "$RUN"
  # Accepts TCP and never sends a byte: models "TCP up, server mute", where every network
  # driver waits > 90 s without a login timeout. (docs/odbc-drivers.md)
  cat > "$d/silent_listener.py" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(128); held = []
while True:
    c, _ = s.accept(); held.append(c)
EOF
  nohup "$PYTHON" "$d/silent_listener.py" "$HANG_PORT" < /dev/null > "$d/listener.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" > "$(pidfile hang)"
  wait_ready hang "$pid" 10 port_open "$HANG_PORT" \
    || { cat "$d/listener.log" >&2; die "hang: silent listener did not start on 127.0.0.1:$HANG_PORT"; }
}

# ------------------------------------------------------------------ start / stop / status
summary_line() { # NAME: one line with state + PID
  local c=$1 pid
  if comp_running "$c"; then
    pid=$(comp_pid "$c")
    printf '%-9s up    pid %-7s 127.0.0.1:%s\n' "$c" "$pid" "$(comp_port "$c")"
  else
    printf '%-9s DOWN\n' "$c"
  fi
}

# start_component NAME: starts one component (a no-op when it runs).
start_component() {
  case $1 in
    mariadb | replica) start_maria "$1" ;;
    derby | derby-alt) start_derby "$1" ;;
    hang) start_hang ;;
    *) die "unknown component '$1' (known: ${COMPONENTS[*]})" ;;
  esac
}

cmd_start() {
  need_root
  take_lock
  load_ports start
  validate_ports
  local t0; t0=$(now)
  [ -f "$LAB/ibm/.complete" ] && [ -f "$DB2_LIB" ] || die "clidriver not installed under $LAB/ibm (run: $0 install)"
  write_odbc_ini
  if port_open "$CLOSED_PORT"; then
    die "closed: something listens on 127.0.0.1:$CLOSED_PORT, which must stay closed (set CLOSED_PORT)"
  fi
  save_ports   # before starting anything: a partial start is still described correctly
  patch_derby
  # Every server starts at once (two mysqld, two JVMs, the listener) and is waited for
  # together: the start-up time is the slowest server's, not the sum.
  local c jobs=() fail=0 i
  for c in "${COMPONENTS[@]}"; do
    ( t=$(now); start_component "$c"; log "$c: ready after $(elapsed "$t")" ) &
    jobs+=("$!")
  done
  for i in "${!jobs[@]}"; do
    wait "${jobs[$i]}" || { log "${COMPONENTS[$i]}: did not start (see above)"; fail=1; }
  done
  ((fail == 0)) || die "start: a component did not start; the others run (stop them with: $0 stop)"
  local t; t=$(now)
  provision_maria
  create_derby_dbs
  configure_replica
  log "provisioned and replicated in $(elapsed "$t")"
  for c in "${COMPONENTS[@]}"; do summary_line "$c"; done
  printf '%-9s ok    127.0.0.1:%s refuses connections\n' closed "$CLOSED_PORT"
  printf '%-9s ok    %s\n' odbc "$LAB/odbc/odbcinst.ini: [DB2] [MariaDB Unicode] [FreeTDS]"
  log "start done in $(elapsed "$t0")"
}

# cmd_stop [COMPONENT...]: every component, or only those named.
cmd_stop() {
  need_root
  take_lock
  load_ports stop
  local t0 c pid f pids=() names=() i which=("$@") all=1
  if ((${#which[@]})); then
    all=0
    for c in "${which[@]}"; do [[ " ${COMPONENTS[*]} " == *" $c "* ]] || die "unknown component '$c' (known: ${COMPONENTS[*]})"; done
  else
    which=("${COMPONENTS[@]}")
  fi
  t0=$(now)
  # SIGTERM everything first, then wait for all together (MariaDB/Derby shut down in parallel).
  for c in "${which[@]}"; do
    f=$(pidfile "$c")
    [ -f "$f" ] || continue
    pid=$(head -1 "$f")
    if proc_ours "$pid"; then
      log "$c: stopping (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$c")
    else
      log "$c: pid file $f is stale (pid $pid not ours/not running); removing"
      rm -f "$f"
    fi
  done
  local deadline=$((WAIT_SECS * 10)) left
  for ((i = 0; i < deadline; i++)); do
    left=0
    for pid in "${pids[@]}"; do proc_alive "$pid" && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    pid=${pids[$i]}
    if proc_alive "$pid"; then
      log "${names[$i]}: did not exit within ${WAIT_SECS}s, SIGKILL $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    proc_alive "$pid" && die "${names[$i]}: pid $pid survived SIGKILL"
    rm -f "$(pidfile "${names[$i]}")"
  done
  if ((!all)); then
    for c in "${which[@]}"; do
      port_open "$(comp_port "$c")" && die "$c: port $(comp_port "$c") is still open after stop"
      case $c in mariadb | replica) rm -f "$(maria_sock "$c")" "$(maria_dir "$c")/mysqld.pid" ;; esac
    done
    log "stopped ${which[*]} in $(elapsed "$t0")"
    return 0
  fi
  # Verify with ps: no server of ours (mariadbd/java/listener mentioning $LAB) may remain.
  local left_over
  local pslist
  pslist=$(ps -eo pid=,stat=,args=)   # captured first so the filters below are not listed
  left_over=$(grep -F -- "$LAB" <<<"$pslist" | grep -E 'mariadbd|java|silent_listener' | awk '$2 !~ /^Z/' || true)
  [ -z "$left_over" ] || die "stop: processes still running under $LAB:
$left_over"
  rm -f "$RUN/ports.env" "$MARIA_DIR/mysqld.sock" "$MARIA_DIR/mysqld.pid" "$REPLICA_DIR/mysqld.sock" \
    "$REPLICA_DIR/mysqld.pid"
  for c in "${COMPONENTS[@]}"; do
    port_open "$(comp_port "$c")" && log "warning: port $(comp_port "$c") ($c) is still open (someone else's process?)"
  done
  log "stopped in $(elapsed "$t0")"
}

cmd_status() {
  load_ports status
  local c rc=0
  for c in "${COMPONENTS[@]}"; do
    if comp_running "$c" && port_open "$(comp_port "$c")"; then summary_line "$c"
    else printf '%-9s DOWN  (127.0.0.1:%s)\n' "$c" "$(comp_port "$c")"; rc=1; fi
  done
  if port_open "$CLOSED_PORT"; then printf '%-9s BUSY  127.0.0.1:%s accepts connections\n' closed "$CLOSED_PORT"; rc=1
  else printf '%-9s ok    127.0.0.1:%s refuses connections\n' closed "$CLOSED_PORT"; fi
  if [ -f "$DB2_LIB" ] && [ -f "$LAB/odbc/odbcinst.ini" ]; then printf '%-9s ok    %s\n' odbc "$LAB/odbc/odbcinst.ini"
  else printf '%-9s MISSING (clidriver or odbcinst.ini; run install + start)\n' odbc; rc=1; fi
  return $rc
}

sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }   # single-quote for eval

cmd_env() {
  load_ports env
  local kv
  for kv in "ODBCSYSINI=$LAB/odbc" "ODBCINI=$LAB/odbc/odbc.ini" "TU_TESTENV=1" "TU_LAB=$LAB" \
            "TU_MARIA_PORT=$MARIA_PORT" "TU_REPLICA_PORT=$REPLICA_PORT" "TU_DERBY_PORT=$DERBY_PORT" \
            "TU_DERBY_ALT_PORT=$DERBY_ALT_PORT" "TU_HANG_PORT=$HANG_PORT" \
            "TU_CLOSED_PORT=$CLOSED_PORT" "TU_DB2_DRIVER=DB2" "TU_MARIA_DRIVER=MariaDB Unicode" \
            "TU_TDS_DRIVER=FreeTDS" "TU_CLIDRIVER_LIB=$DB2_LIB" "TU_TLS_CA=$MARIA_DIR/tls/ca.pem" \
            "TU_FAKETIME_LIB=$(faketime_lib)"; do
    printf 'export %s=%s\n' "${kv%%=*}" "$(sq "${kv#*=}")"
  done
  # DB2_MAX_CLIENT_CONNRETRIES is deliberately not exported: the product sets it itself.
}

# libfaketime's preload library, as the package installed it (empty when not installed).
faketime_lib() { dpkg -L libfaketime 2>/dev/null | grep -m1 '/libfaketime\.so\.1$' || true; }

# ------------------------------------------------------------------ check
# run_isql NAME SQL CONNSTR: expects success and a row containing 1.
run_isql() {
  local name=$1 sql=$2 cs=$3 out t0
  t0=$(now)
  # Success = isql rc 0 and exactly one row fetched whose value is 1 (the column is named "1"
  # too, so the header alone must not count: require isql's "1 rows fetched" as well).
  if out=$(printf '%s\n' "$sql" | timeout 30 isql -b -v -k "$cs" 2>&1) \
     && grep -qE '^\| *1 *\|' <<<"$out" && grep -qx '1 rows fetched' <<<"$out"; then
    printf 'check %-26s OK      (%s)\n' "$name" "$(elapsed "$t0")"
    return 0
  fi
  printf 'check %-26s FAILED  (%s)\n  connection string: %s\n' "$name" "$(elapsed "$t0")" "$cs"
  printf '%s\n' "$out" | sed 's/^/  isql: /'
  return 1
}

cmd_check() {
  load_ports check
  export ODBCSYSINI=$LAB/odbc ODBCINI=$LAB/odbc/odbc.ini
  [ -f "$ODBCSYSINI/odbcinst.ini" ] || die "check: $ODBCSYSINI/odbcinst.ini missing (run: $0 start)"
  local fail=0 d
  for d in DB2 'MariaDB Unicode' FreeTDS; do
    odbcinst -q -d -n "$d" >/dev/null 2>&1 || { echo "check driver [$d] NOT registered in $ODBCSYSINI/odbcinst.ini"; fail=1; }
  done
  run_isql "MariaDB appdb (app)" "SELECT 1" \
    "Driver={MariaDB Unicode};Server=127.0.0.1;Port=$MARIA_PORT;Database=appdb;Uid=app;Pwd=app" || fail=1
  run_isql "MariaDB TRAVELER (app)" "SELECT 1" \
    "Driver={MariaDB Unicode};Server=127.0.0.1;Port=$MARIA_PORT;Database=TRAVELER;Uid=app;Pwd=app" || fail=1
  run_isql "MariaDB (admin)" "SELECT 1" \
    "Driver={MariaDB Unicode};Server=127.0.0.1;Port=$MARIA_PORT;Uid=admin;Pwd=admin" || fail=1
  run_isql "DB2 -> Derby TRAVELER" "SELECT 1 FROM SYSIBM.SYSDUMMY1" \
    "Driver=DB2;Hostname=127.0.0.1;Port=$DERBY_PORT;Protocol=TCPIP;Database=TRAVELER;Uid=app;Pwd=app;Authentication=SERVER" || fail=1
  run_isql "DB2 -> Derby alternate" "SELECT 1 FROM SYSIBM.SYSDUMMY1" \
    "Driver=DB2;Hostname=127.0.0.1;Port=$DERBY_ALT_PORT;Protocol=TCPIP;Database=TRAVELER;Uid=app;Pwd=app;Authentication=SERVER" || fail=1
  run_isql "MariaDB replica TRAVELER_DDL" "SELECT COUNT(*) DIV 3 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'TRAVELER_DDL'" \
    "Driver={MariaDB Unicode};Server=127.0.0.1;Port=$REPLICA_PORT;Database=TRAVELER_DDL;Uid=ddl;Pwd=ddl" || fail=1
  local io sql
  io=$(slave_field Slave_IO_Running); sql=$(slave_field Slave_SQL_Running)
  if [ "$io" = Yes ] && [ "$sql" = Yes ]; then printf 'check %-26s OK\n' "replication"
  else printf 'check %-26s FAILED  (IO %s, SQL %s)\n' "replication" "${io:-?}" "${sql:-?}"; fail=1; fi
  if [ -f "$(faketime_lib)" ]; then printf 'check %-26s OK      (%s)\n' "libfaketime" "$(faketime_lib)"
  else printf 'check %-26s FAILED  (package libfaketime; run: %s install)\n' "libfaketime" "$0"; fail=1; fi

  # FreeTDS has no server here: it must fail, fast, and for the right reason (a driver that
  # cannot even be loaded also "fails" — that must not count as a pass).
  local cs="Driver=FreeTDS;Server=127.0.0.1;Port=$CLOSED_PORT;Database=master;Uid=sa;Pwd=x;TDS_Version=7.4"
  local out rc t0 ms
  if port_open "$CLOSED_PORT"; then
    echo "check FreeTDS closed port         FAILED  (something listens on $CLOSED_PORT)"; fail=1
  else
    t0=$(date +%s%N)
    rc=0; out=$(echo "SELECT 1" | timeout 30 isql -b -v -k "$cs" 2>&1) || rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    if ((rc != 0)) && grep -qE '08S01|08001' <<<"$out" && ! grep -qiE "can't open lib|file not found|not found in" <<<"$out" \
       && ((ms < 5000)); then
      printf 'check %-26s OK      (fails as expected in %d ms)\n' "FreeTDS closed port" "$ms"
    else
      printf 'check %-26s FAILED  (rc=%s, %d ms; expected a quick 08S01/08001 connect failure)\n  connection string: %s\n' \
        "FreeTDS closed port" "$rc" "$ms" "$cs"
      printf '%s\n' "$out" | sed 's/^/  isql: /'; fail=1
    fi
  fi
  ((fail == 0)) || { log "check FAILED"; return 1; }
  log "check: all OK"
}

# ------------------------------------------------------------------ main
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; }

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) shift; cmd_stop "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  check) cmd_check ;;
  all) cmd_install; cmd_start; cmd_check ;;
  clean) cmd_stop; rm -rf "$LAB"; log "removed $LAB" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
