#!/usr/bin/env bash
# testenv-ansible.sh — three managed "Traveler servers" on 127.0.0.1 for the tests of the Ansible
# collection in ansible/ (tests/ansible_pool.rs) and for bench/pool.sh.
#
#   scripts/testenv-ansible.sh install     apt packages; ansible-core and ansible-lint in a venv under $LAB
#                                          (idempotent)
#   scripts/testenv-ansible.sh start       users, homes, sshd config, inventory; start sshd; wait for it
#   scripts/testenv-ansible.sh bin DIR     copy DIR/travelerUtil (+ travelerUtil-sftp) where the users run it
#   scripts/testenv-ansible.sh collection  build ansible/ with ansible-galaxy and install it under $LAB
#   scripts/testenv-ansible.sh disconnect  close Ansible's persistent SSH connections (ControlPersist)
#   scripts/testenv-ansible.sh stop        disconnect, stop the sshd this script started (by PID)
#   scripts/testenv-ansible.sh clean       stop, then remove $LAB, the users' homes and the users
#   scripts/testenv-ansible.sh status      exit 0 when sshd runs and answers, 1 otherwise
#   scripts/testenv-ansible.sh env         `export` lines:  eval "$(scripts/testenv-ansible.sh env)"
#
# The three hosts are three local users (tuans1, tuans2, tuans3), each with its own home and so
# its own travelerUtil store (~/.config/travelerutil), reached over real SSH with key login,
# bash and /usr/bin/python3. The inventory names them traveler1..3. Settings (environment):
# TU_ANSIBLE_PORT (52322), TU_ANSIBLE_LAB (<repo>/target/testenv-ansible).
#
# Rules this script keeps (the same as scripts/testenv.sh and scripts/testenv-sshd.sh):
#   * Never touches /etc/ssh: sshd runs with `-f $LAB/sshd_config`, on 127.0.0.1 only, with a
#     host key made at the first start. Passwords are off; only the lab's client key logs in.
#   * The homes, the authorized keys and the directory the users run travelerUtil from are under
#     /var/lib/travelerutil-testenv/ansible-<hash of $LAB>: sshd's StrictModes wants root- or
#     user-owned, not group/other-writable directories, and the users must be able to traverse
#     every parent, which a checkout below /root or /tmp cannot promise.
#   * The ODBC driver registry of scripts/testenv.sh ($ODBCSYSINI/odbcinst.ini) is copied beside
#     them for the same reason; the inventory hands it to the modules through Ansible's
#     `environment` (ODBCSYSINI, ODBCINI, PATH: no secrets).
#   * Everything downloaded (the venv: ansible-core, ansible-lint) lives under $LAB, never in
#     the repository. Versions are pinned below.
#   * Stops only what it started: the PID from its pid file, and only if that PID's command line
#     names $LAB's config; persistent SSH connections are closed through their control sockets.
#   * Fails loudly: anything that cannot be installed or started exits non-zero naming it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${TU_ANSIBLE_PORT:-52322}
LAB=$(realpath -m -- "${TU_ANSIBLE_LAB:-$REPO/target/testenv-ansible}")
VAR=/var/lib/travelerutil-testenv/ansible-$(printf '%s' "$LAB" | sha256sum | cut -c1-12)
USERS=(tuans1 tuans2 tuans3)
CONF=$LAB/sshd_config
PIDFILE=$LAB/sshd.pid
VENV=$LAB/venv
TEST_HOME=$LAB/ansible-test-home
# ansible-core 2.19 is the newest line whose controller runs on Debian 12's Python 3.11 (2.20
# needs 3.12); ansible-lint 26.10.1 is the newest release that accepts it.
ANSIBLE_CORE_SPEC=${TU_ANSIBLE_CORE_SPEC:-ansible-core==2.19.14}
ANSIBLE_LINT_SPEC=${TU_ANSIBLE_LINT_SPEC:-ansible-lint==26.10.1}
PYTHON=/usr/bin/python3   # Debian's: the managed hosts use it too (and pyenv shims are slow)
WAIT_SECS=${TU_ANSIBLE_WAIT_SECS:-20}

log() { printf '[testenv-ansible] %s\n' "$*" >&2; }
die() { printf '[testenv-ansible] ERROR: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root (creates users, runs sshd)"; }

# ------------------------------------------------------------------ install
APT_PACKAGES=(openssh-server openssh-client python3 python3-venv default-jre-headless)

cmd_install() {
  need_root
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null \
      || die "cannot install: ${missing[*]}"
  fi
  for p in /usr/sbin/sshd /usr/bin/ssh /usr/bin/ssh-keygen "$PYTHON" /usr/bin/keytool; do
    [ -x "$p" ] || die "install: $p missing after apt-get"
  done
  local want="$ANSIBLE_CORE_SPEC $ANSIBLE_LINT_SPEC"
  if [ -x "$VENV/bin/ansible-playbook" ] && [ "$(cat "$VENV/.complete" 2>/dev/null)" = "$want" ]; then
    log "venv: cached ($want)"
    return 0
  fi
  mkdir -p "$LAB"
  rm -rf "$VENV"
  log "venv: $want"
  "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed (python3-venv installed?)"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-cache-dir "$ANSIBLE_CORE_SPEC" "$ANSIBLE_LINT_SPEC" \
    > "$LAB/pip.log" 2>&1 || { tail -20 "$LAB/pip.log" >&2; die "pip install of $want failed (log: $LAB/pip.log)"; }
  "$VENV/bin/ansible-playbook" --version >/dev/null || die "ansible-playbook does not run in $VENV"
  get_pip_stand_in
  echo "$want" > "$VENV/.complete"
  log "venv: installed"
}

# ansible-test builds one virtualenv per sanity test and bootstraps pip in it with pip's
# get-pip.py, downloaded from a host outside the package registries (not reachable here). Its
# cache slot gets an offline stand-in: ensurepip (the pip wheel bundled with Debian's Python),
# then `pip install` of what ansible-test asked for, from PyPI. ansible-test runs with
# HOME=$TEST_HOME, so its cache and virtualenvs stay under $LAB too.
get_pip_stand_in() {
  local ver src
  src=$("$VENV/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
  ver=$(sed -n "s/.*pip='\([0-9.]*\)'.*/\1/p" "$src/_internal/python_requirements.py" | head -1)
  [ -n "$ver" ] || die "cannot find the pip version that ansible-test bootstraps"
  mkdir -p "$TEST_HOME/.ansible/test/cache"
  cat > "$TEST_HOME/.ansible/test/cache/get_pip_${ver//./_}.py" <<'PY'
# Offline stand-in for get-pip.py, written by scripts/testenv-ansible.sh (see there).
import ensurepip
import runpy
import sys

ensurepip.bootstrap()
# get-pip's own options, which `pip install` does not know.
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
sys.argv = ['pip', 'install'] + args
runpy.run_module('pip', run_name='__main__', alter_sys=True)
PY
}

# ------------------------------------------------------------------ start
running_pid() {
  [[ -f $PIDFILE ]] || return 1
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

answers() {
  # An SSH server speaks first: "SSH-2.0-..." (RFC 4253 §4.2).
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; head -c 8 <&3" 2>/dev/null | grep -q '^SSH-2.0'
}

# The driver registry of scripts/testenv.sh, wherever that lab is (it exports ODBCSYSINI).
odbc_source() {
  if [ -n "${ODBCSYSINI:-}" ]; then echo "$ODBCSYSINI"; return; fi
  bash "$REPO/scripts/testenv.sh" env 2>/dev/null | sed -n "s/^export ODBCSYSINI='\(.*\)'$/\1/p"
}

prepare() {
  [ -x /usr/sbin/sshd ] || die "sshd is not installed: run '$0 install'"
  [ -x "$VENV/bin/ansible-playbook" ] || die "Ansible is not installed: run '$0 install'"
  mkdir -p "$LAB" "$LAB/cp" "$LAB/tmp" /run/sshd
  chmod 755 "$LAB"
  [ -f "$LAB/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C travelerutil-ansible-host -f "$LAB/host_ed25519"
  [ -f "$LAB/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C travelerutil-ansible-client -f "$LAB/client_ed25519"
  printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$LAB/host_ed25519.pub")" > "$LAB/known_hosts"

  install -d -m 755 -o root -g root /var/lib/travelerutil-testenv "$VAR" "$VAR/home" "$VAR/keys" "$VAR/bin" "$VAR/odbc"
  local u
  for u in "${USERS[@]}"; do
    if ! id -u "$u" >/dev/null 2>&1; then
      useradd --create-home --home-dir "$VAR/home/$u" --shell /bin/bash "$u" || die "useradd $u"
    fi
    # The home of this lab (a user made by another checkout's lab keeps its name, not its home).
    if [ "$(getent passwd "$u" | cut -d: -f6,7)" != "$VAR/home/$u:/bin/bash" ]; then
      usermod --home "$VAR/home/$u" --shell /bin/bash "$u" || die "usermod $u"
    fi
    install -d -m 700 -o "$u" -g "$u" "$VAR/home/$u"
    # `*`: no password, but not locked (sshd without PAM refuses every login, keys included, to
    # an account whose password field starts with `!`; the unreachable test relies on that).
    [ "$(getent shadow "$u" | cut -d: -f2)" = '*' ] || usermod --password '*' "$u" || die "usermod --password $u"
    install -m 644 -o root -g root "$LAB/client_ed25519.pub" "$VAR/keys/$u"
  done

  local odbc
  odbc=$(odbc_source)
  if [ -n "$odbc" ] && [ -f "$odbc/odbcinst.ini" ]; then
    install -m 644 "$odbc/odbcinst.ini" "$VAR/odbc/odbcinst.ini"
  else
    log "warning: no ODBC driver registry from scripts/testenv.sh (start it first); db tests will fail"
    [ -f "$VAR/odbc/odbcinst.ini" ] || : > "$VAR/odbc/odbcinst.ini"
    chmod 644 "$VAR/odbc/odbcinst.ini"
  fi
  [ -f "$VAR/odbc/odbc.ini" ] || install -m 644 /dev/null "$VAR/odbc/odbc.ini"

  cat > "$CONF" <<EOF
# Written by scripts/testenv-ansible.sh; never edit /etc/ssh/sshd_config for the tests.
Port $PORT
ListenAddress 127.0.0.1
HostKey $LAB/host_ed25519
PidFile $PIDFILE
AuthorizedKeysFile $VAR/keys/%u
AllowUsers ${USERS[*]}
PermitRootLogin no
PasswordAuthentication no
PubkeyAuthentication yes
KbdInteractiveAuthentication no
# No PAM: sshd then reads the account's lock state (a \`!\` password) from /etc/shadow itself.
UsePAM no
PrintMotd no
PrintLastLog no
PermitUserEnvironment no
# Ansible runs several forks, each multiplexing sessions over one connection per user.
MaxStartups 50:30:100
MaxSessions 50
LoginGraceTime 20
Subsystem sftp internal-sftp
EOF
  /usr/sbin/sshd -t -f "$CONF" || die "sshd rejects $CONF"

  cat > "$LAB/inventory.yml" <<EOF
# Written by scripts/testenv-ansible.sh: three pool members, one local user each.
traveler_pool:
  hosts:
    traveler1:
      ansible_user: ${USERS[0]}
    traveler2:
      ansible_user: ${USERS[1]}
    traveler3:
      ansible_user: ${USERS[2]}
  vars:
    ansible_host: 127.0.0.1
    ansible_port: $PORT
    ansible_ssh_private_key_file: $LAB/client_ed25519
    ansible_python_interpreter: $PYTHON
    # Reaches the modules on each member through the playbooks' \`environment\` keyword: where
    # travelerUtil is (PATH) and where unixODBC finds its drivers. No secrets here.
    travelerutil_environment:
      PATH: $VAR/bin:/usr/local/bin:/usr/bin:/bin
      ODBCSYSINI: $VAR/odbc
      ODBCINI: $VAR/odbc/odbc.ini
EOF

  cat > "$LAB/ansible.cfg" <<EOF
# Written by scripts/testenv-ansible.sh.
[defaults]
inventory = $LAB/inventory.yml
collections_path = $LAB/collections
gathering = explicit
forks = 10
retry_files_enabled = False
local_tmp = $LAB/tmp
interpreter_python = $PYTHON
host_key_checking = True

[inventory]
# Only the YAML parser: Ansible otherwise tries several inventory plugins on every source.
enable_plugins = yaml

[ssh_connection]
# Pipelining: the module goes over the SSH session's stdin, no temporary file per task.
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=30s -o UserKnownHostsFile=$LAB/known_hosts -o IdentitiesOnly=yes -o BatchMode=yes
control_path_dir = $LAB/cp
EOF
}

cmd_start() {
  need_root
  local pid
  if pid=$(running_pid); then
    answers || die "sshd (pid $pid) runs but does not answer on 127.0.0.1:$PORT"
    prepare   # refresh users, ODBC registry and inventory; sshd reads its config per connection
    log "sshd: already running (pid $pid)"
    return 0
  fi
  prepare
  rm -f "$PIDFILE"
  setsid /usr/sbin/sshd -D -f "$CONF" -E "$LAB/sshd.log" </dev/null >/dev/null 2>&1 &
  local i
  for ((i = 0; i < WAIT_SECS * 10; i++)); do
    if running_pid >/dev/null && answers; then
      log "sshd: running (pid $(running_pid)) on 127.0.0.1:$PORT"
      return 0
    fi
    sleep 0.1
  done
  tail -5 "$LAB/sshd.log" >&2 || true
  die "sshd did not start on 127.0.0.1:$PORT within ${WAIT_SECS}s (log: $LAB/sshd.log)"
}

# ------------------------------------------------------------------ binary and collection
cmd_bin() {
  need_root
  local dir=${1:-}
  [ -n "$dir" ] && [ -x "$dir/travelerUtil" ] || die "bin: no executable travelerUtil in '${dir}' (build it: cargo build)"
  install -d -m 755 "$VAR/bin"
  local f
  for f in travelerUtil travelerUtil-sftp; do
    [ -x "$dir/$f" ] || continue
    # Copy, then rename: a test or bench already running never sees half a binary.
    install -m 755 "$dir/$f" "$VAR/bin/.$f.new" && mv -f "$VAR/bin/.$f.new" "$VAR/bin/$f"
  done
}

cmd_collection() {
  [ -x "$VENV/bin/ansible-galaxy" ] || die "Ansible is not installed: run '$0 install'"
  mkdir -p "$LAB/dist"
  rm -f "$LAB"/dist/*.tar.gz
  export ANSIBLE_CONFIG=$LAB/ansible.cfg ANSIBLE_HOME=$LAB/home
  "$VENV/bin/ansible-galaxy" collection build "$REPO/ansible" --output-path "$LAB/dist" --force >/dev/null \
    || die "ansible-galaxy collection build failed"
  "$VENV/bin/ansible-galaxy" collection install "$LAB"/dist/*.tar.gz -p "$LAB/collections" --force >/dev/null \
    || die "ansible-galaxy collection install failed"
  echo "$LAB/collections/ansible_collections/travelerutil/traveler"
}

# ------------------------------------------------------------------ stop
cmd_disconnect() {
  local s
  shopt -s nullglob
  for s in "$LAB"/cp/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit lab >/dev/null 2>&1 || true
  done
}

descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$c"
    echo "$c"
  done
}

cmd_stop() {
  cmd_disconnect
  local pid kids i
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    return 0
  fi
  # sshd forks one child per connection, which outlive the listener: end them too.
  kids=$(descendants "$pid")
  # shellcheck disable=SC2086
  [ -z "$kids" ] || kill -9 $kids 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    [ -e "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -e "/proc/$pid" ]; then kill -9 "$pid" 2>/dev/null || true; sleep 0.2; fi
  [ ! -e "/proc/$pid" ] || die "sshd (pid $pid) did not stop"
  rm -f "$PIDFILE"
  log "sshd: stopped"
}

cmd_clean() {
  need_root
  cmd_stop
  local u
  for u in "${USERS[@]}"; do
    if id -u "$u" >/dev/null 2>&1 && [ "$(getent passwd "$u" | cut -d: -f6)" = "$VAR/home/$u" ]; then
      userdel "$u" 2>/dev/null || true
    fi
  done
  rm -rf --one-file-system -- "$VAR" "$LAB"
  log "removed $LAB and $VAR"
}

cmd_status() {
  local pid
  if pid=$(running_pid) && answers; then
    echo "ansible lab: sshd running (pid $pid) on 127.0.0.1:$PORT, lab $LAB"
    return 0
  fi
  echo "ansible lab: sshd not running (127.0.0.1:$PORT, lab $LAB)"
  return 1
}

sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

cmd_env() {
  [ -f "$LAB/inventory.yml" ] || die "not prepared yet: run '$0 start'"
  local kv
  for kv in "TU_ANSIBLE_LAB=$LAB" "TU_ANSIBLE_VAR=$VAR" "TU_ANSIBLE_PORT=$PORT" \
            "TU_ANSIBLE_VENV=$VENV" "TU_ANSIBLE_TEST_HOME=$TEST_HOME" "TU_ANSIBLE_INVENTORY=$LAB/inventory.yml" \
            "TU_ANSIBLE_CONFIG=$LAB/ansible.cfg" "TU_ANSIBLE_USERS=${USERS[*]}" \
            "TU_ANSIBLE_CLIENT_KEY=$LAB/client_ed25519" "TU_ANSIBLE_KNOWN_HOSTS=$LAB/known_hosts"; do
    printf 'export %s=%s\n' "${kv%%=*}" "$(sq "${kv#*=}")"
  done
}

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; }

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  bin) cmd_bin "${2:-}" ;;
  collection) cmd_collection ;;
  disconnect) cmd_disconnect ;;
  stop) cmd_stop ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac
