#!/usr/bin/env bash
# testenv-sshd.sh — a throwaway OpenSSH server on 127.0.0.1 for the tests of `pmr`/`support`
# uploads (SFTP) and for bench/upload.sh.
#
#   scripts/testenv-sshd.sh install   apt-get install openssh-server (idempotent)
#   scripts/testenv-sshd.sh start     host key, test user, chroot, config; start sshd; wait for it
#   scripts/testenv-sshd.sh stop      stop the sshd this script started (by PID), verify it is gone
#   scripts/testenv-sshd.sh clean     stop, then remove the lab's chroot and its test uploads
#   scripts/testenv-sshd.sh status    exit 0 when it runs and answers, 1 otherwise
#   scripts/testenv-sshd.sh env       `export` lines:  eval "$(scripts/testenv-sshd.sh env)"
#
# Settings (environment): TU_SSHD_PORT (52222), TU_SSHD_LAB (<repo>/target/testenv-sshd). A
# test that needs a server of its own (the "killed mid-transfer" test) runs this script with
# another port and lab directory.
#
# Rules this script keeps:
#   * Never touches /etc/ssh: sshd runs with `-f $LAB/sshd_config` (and `-D`, in the
#     background, with its own pid file), listens on 127.0.0.1 only, with a host key generated
#     at the first start into $LAB.
#   * The test user (`tuupload`, a system user without a shell) is SFTP-only: `ForceCommand
#     internal-sftp` inside `ChrootDirectory $CHROOT`, with a writable `upload/` below it.
#     sshd(8) demands root ownership and no group/other write permission on *every* component of
#     the chroot path, which a checkout below /tmp (mode 1777) can never give. So the chroot is
#     not in $LAB but in /var/lib/travelerutil-testenv/sshd-<hash of $LAB>/chroot (one per lab,
#     so parallel labs never share uploads). `stop` keeps it (an interrupted upload must survive
#     a restart); `clean` stops the server and removes it.
#   * Stops only what it started: the PID from its pid file, and only if that PID's command line
#     still names $LAB's config (protects against PID reuse).
#   * Fails loudly: anything that cannot be installed or started exits non-zero naming it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${TU_SSHD_PORT:-52222}
LAB=$(realpath -m -- "${TU_SSHD_LAB:-$REPO/target/testenv-sshd}")
USER_NAME=tuupload
CONF=$LAB/sshd_config
PIDFILE=$LAB/sshd.pid
CHROOT_BASE=/var/lib/travelerutil-testenv
CHROOT=$CHROOT_BASE/sshd-$(printf '%s' "$LAB" | sha256sum | cut -c1-12)/chroot
# sshd's StrictModes applies the same ownership rule to the authorized keys' directories.
KEYS=$(dirname "$CHROOT")/keys
WAIT_SECS=${TU_SSHD_WAIT_SECS:-20}
# The test user is one system account, so its password is one file for every instance.
PWFILE=$REPO/target/testenv-sshd/password

die() { echo "testenv-sshd: $*" >&2; exit 1; }

install() {
  if [[ -x /usr/sbin/sshd && -x /usr/bin/sftp && -x /usr/bin/ssh-keygen ]]; then
    return 0
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client >/dev/null; } \
    || die "cannot install openssh-server"
  [[ -x /usr/sbin/sshd ]] || die "openssh-server installed but /usr/sbin/sshd is missing"
}

running_pid() {
  [[ -f $PIDFILE ]] || return 1
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  # Only ours: the command line must name our config file.
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

answers() {
  # An SSH server speaks first: its identification line starts with "SSH-2.0-" (RFC 4253 §4.2).
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; head -c 8 <&3" 2>/dev/null | grep -q '^SSH-2.0'
}

prepare() {
  [[ -x /usr/sbin/sshd ]] || die "sshd is not installed: run '$0 install'"
  mkdir -p "$LAB"
  # sshd(8) demands root ownership and no group/other write on every component of the chroot
  # path, and StrictModes-like checks on the key files: keep the lab tree 0755 root.
  chmod 755 "$LAB"
  mkdir -p /run/sshd   # privilege separation directory (normally made by the service unit)
  if [[ ! -f $LAB/host_ed25519 ]]; then
    ssh-keygen -q -t ed25519 -N '' -C "travelerutil-test-host" -f "$LAB/host_ed25519" || die "ssh-keygen (host key)"
  fi
  if [[ ! -f $LAB/client_ed25519 ]]; then
    ssh-keygen -q -t ed25519 -N '' -C "travelerutil-test-client" -f "$LAB/client_ed25519" || die "ssh-keygen (client key)"
  fi
  if [[ ! -f $PWFILE ]]; then
    mkdir -p "$(dirname "$PWFILE")"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$PWFILE")
  fi
  # The test user: a system user without a login shell, created once (idempotent).
  if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /upload --shell /usr/sbin/nologin "$USER_NAME" \
      || die "useradd $USER_NAME"
  fi
  echo "$USER_NAME:$(cat "$PWFILE")" | chpasswd || die "chpasswd $USER_NAME"
  mkdir -p "$KEYS"
  cp "$LAB/client_ed25519.pub" "$KEYS/$USER_NAME"
  chmod 644 "$KEYS/$USER_NAME"
  mkdir -p "$CHROOT/upload"
  chown root:root "$CHROOT_BASE" "$(dirname "$CHROOT")" "$CHROOT"
  chmod 755 "$CHROOT_BASE" "$(dirname "$CHROOT")" "$CHROOT"
  chown "$USER_NAME" "$CHROOT/upload"
  chmod 755 "$CHROOT/upload"
  cat > "$CONF" <<EOF
# Written by scripts/testenv-sshd.sh; never edit /etc/ssh/sshd_config for the tests.
Port $PORT
ListenAddress 127.0.0.1
HostKey $LAB/host_ed25519
PidFile $PIDFILE
AuthorizedKeysFile $KEYS/%u
AllowUsers $USER_NAME
PermitRootLogin no
PasswordAuthentication yes
PubkeyAuthentication yes
KbdInteractiveAuthentication no
# No PAM: sshd checks the password against /etc/shadow itself.
UsePAM no
PrintMotd no
MaxAuthTries 3
MaxStartups 50:30:100
LoginGraceTime 20
ClientAliveInterval 0
Subsystem sftp internal-sftp
Match User $USER_NAME
    ChrootDirectory $CHROOT
    ForceCommand internal-sftp
    AllowTcpForwarding no
    X11Forwarding no
EOF
  /usr/sbin/sshd -t -f "$CONF" || die "sshd rejects $CONF"
}

start() {
  if pid=$(running_pid); then
    answers || die "sshd (pid $pid) runs but does not answer on 127.0.0.1:$PORT"
    return 0
  fi
  prepare
  rm -f "$PIDFILE"
  # -D: no daemonising, so our background job is sshd itself; -e/-E: log to a file of ours.
  setsid /usr/sbin/sshd -D -f "$CONF" -E "$LAB/sshd.log" </dev/null >/dev/null 2>&1 &
  local i
  for ((i = 0; i < WAIT_SECS * 10; i++)); do
    if running_pid >/dev/null && answers; then
      return 0
    fi
    sleep 0.1
  done
  tail -5 "$LAB/sshd.log" >&2 || true
  die "sshd did not start on 127.0.0.1:$PORT within ${WAIT_SECS}s (log: $LAB/sshd.log)"
}

descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$c"
    echo "$c"
  done
}

# The chroot holds only this lab's test uploads (never removed across a mount, such as the
# small tmpfs of the full-disk test).
remove_chroot() {
  local d
  d=$(dirname "$CHROOT")
  if [[ -d $d ]] && ! mountpoint -q "$CHROOT/upload"; then
    rm -rf --one-file-system -- "$d"
  fi
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE"
    return 0
  fi
  # The listener's children serve the open connections (sshd forks one per connection, and
  # they outlive the listener): stop them too, so "the server stopped" means no transfer goes on.
  local kids
  kids=$(descendants "$pid")
  if [[ -n $kids ]]; then
    # shellcheck disable=SC2086
    kill -9 $kids 2>/dev/null || true
  fi
  kill "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -e /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -e /proc/$pid ]]; then
    kill -9 "$pid" 2>/dev/null || true
    sleep 0.2
  fi
  [[ ! -e /proc/$pid ]] || die "sshd (pid $pid) did not stop"
  rm -f "$PIDFILE"
}

status() {
  if pid=$(running_pid) && answers; then
    echo "sshd: running (pid $pid) on 127.0.0.1:$PORT, lab $LAB"
    return 0
  fi
  echo "sshd: not running (127.0.0.1:$PORT, lab $LAB)"
  return 1
}

env_lines() {
  [[ -f $LAB/host_ed25519.pub ]] || die "not prepared yet: run '$0 start'"
  local fp
  fp=$(ssh-keygen -l -E sha256 -f "$LAB/host_ed25519.pub" | awk '{print $2}')
  cat <<EOF
export TU_SSHD_HOST=127.0.0.1
export TU_SSHD_PORT=$PORT
export TU_SSHD_LAB=$LAB
export TU_SSHD_USER=$USER_NAME
export TU_SSHD_PW_FILE=$PWFILE
export TU_SSHD_CLIENT_KEY=$LAB/client_ed25519
export TU_SSHD_FINGERPRINT=$fp
export TU_SSHD_UPLOAD_DIR=$CHROOT/upload
EOF
}

case ${1:-} in
  install) install ;;
  start) start ;;
  stop) stop ;;
  clean) stop; remove_chroot ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 install|start|stop|clean|status|env" >&2; exit 2 ;;
esac
