#!/usr/bin/env bash
# testenv-chroot.sh — a Debian 11 (bullseye) root file system under target/, for running the
# packaged travelerUtil on an older distribution for real: glibc 2.31, OpenSSL 1.1.1 (which the
# package must not need) and bullseye's own unixODBC 2.3.6 and MariaDB Connector/ODBC 3.1.
#
#   scripts/testenv-chroot.sh install   debootstrap the tree once (cached; about 60 MB download)
#   scripts/testenv-chroot.sh mount     mount /proc in the tree (idempotent); the smoke test needs it
#   scripts/testenv-chroot.sh umount    unmount what `mount` mounted
#   scripts/testenv-chroot.sh status    exit 0 when the tree is complete
#   scripts/testenv-chroot.sh root      print the tree's path
#   scripts/testenv-chroot.sh clean     umount, then remove the tree
#
# The smoke test itself is tests/packaging.rs (`bullseye_chroot_smoke`): it installs the .deb
# with dpkg (the dependencies are already in the tree), runs travelerUtil inside with `chroot`,
# and removes the package again, so the cached tree stays as debootstrap left it.
#
# Rules this script keeps:
#   * The tree lives in $TU_CHROOT (default <repo>/target/testenv-chroot/bullseye) and is
#     reused while its stamp matches the release and package list below; a tree whose
#     debootstrap did not finish is never used (it is built under a temporary name, renamed
#     at the end).
#   * Only /proc is mounted (a fresh procfs, never a bind mount of the host's directories): the
#     device nodes come from debootstrap itself. The chroot shares the host's network
#     namespace, so the test servers on 127.0.0.1 are reachable from inside.
#   * Removal never crosses a mount: everything mounted below the tree is unmounted first, and
#     rm runs with --one-file-system.
#   * Fails loudly: whatever cannot be installed or mounted exits non-zero naming it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROOT=$(realpath -m -- "${TU_CHROOT:-$REPO/target/testenv-chroot/bullseye}")
SUITE=bullseye
MIRROR=${TU_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# unixodbc: isql/odbcinst for looking around; libodbc1 holds bullseye's libodbc.so.2 (the
# package's dependency); odbc-mariadb is the driver `db check` loads; ca-certificates is not
# needed (the test MariaDB is reached without TLS).
PACKAGES=unixodbc,libodbc1,odbc-mariadb
STAMP_TEXT="$SUITE minbase $PACKAGES"

die() { echo "testenv-chroot: $*" >&2; exit 1; }

complete() { [[ -f $ROOT/.travelerutil-stamp && $(cat "$ROOT/.travelerutil-stamp") == "$STAMP_TEXT" ]]; }

# Mount points at or below a directory, deepest first (from /proc/self/mountinfo, field 5).
mounts_below() {
  local dir=$1
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

umount_below() {
  local m
  for m in $(mounts_below "$1"); do
    umount "$m" || umount -l "$m" || die "cannot unmount $m"
  done
  [[ -z $(mounts_below "$1") ]] || die "still mounted below $1: $(mounts_below "$1" | tr '\n' ' ')"
}

remove_tree() {
  local dir=$1
  [[ -e $dir ]] || return 0
  umount_below "$dir"
  rm -rf --one-file-system -- "$dir"
}

install() {
  if complete; then
    return 0
  fi
  [[ $(id -u) = 0 ]] || die "debootstrap and chroot need root"
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } \
      || die "cannot install debootstrap"
  fi
  local tmp=$ROOT.partial
  remove_tree "$tmp"
  remove_tree "$ROOT"
  mkdir -p "$(dirname "$ROOT")"
  echo "testenv-chroot: debootstrap $SUITE (minbase + $PACKAGES) into $ROOT" >&2
  # minbase: dpkg, apt and the essential set, nothing else; --include resolves the packages'
  # dependencies from the same release.
  # A clean environment: the packages' maintainer scripts run inside the new tree, and the
  # test lab's variables (ODBCSYSINI and the like, pointing at host paths) would mislead them
  # (odbc-mariadb's postinst then fails to register its driver).
  if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$MIRROR" > "$tmp.log" 2>&1; then
    tail -20 "$tmp.log" >&2 || true
    umount_below "$tmp"
    die "debootstrap $SUITE failed (log: $tmp.log)"
  fi
  # debootstrap unmounts what it mounted, but a tree is only cached with nothing mounted in it.
  umount_below "$tmp"
  [[ -c $tmp/dev/null ]] || die "debootstrap left no /dev/null in the tree"
  local lib
  lib=$(ls "$tmp"/usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so 2>/dev/null) || die "no libmaodbc.so in the tree"
  [[ -n $lib ]] || die "no libmaodbc.so in the tree"
  echo "$STAMP_TEXT" > "$tmp/.travelerutil-stamp"
  mv "$tmp" "$ROOT"
  rm -f "$tmp.log"
}

mount_proc() {
  complete || die "no complete tree at $ROOT: run 'bash scripts/testenv-chroot.sh install'"
  if ! mountpoint -q "$ROOT/proc"; then
    mount -t proc proc "$ROOT/proc" || die "cannot mount proc on $ROOT/proc"
  fi
}

case ${1:-} in
  install) install ;;
  mount) mount_proc ;;
  umount) umount_below "$ROOT" ;;
  status)
    if complete; then echo "chroot: $SUITE at $ROOT"; else echo "chroot: none at $ROOT"; exit 1; fi ;;
  root) echo "$ROOT" ;;
  clean) remove_tree "$ROOT"; remove_tree "$ROOT.partial"; rm -f "$ROOT.partial.log" ;;
  *) echo "usage: $0 install|mount|umount|status|root|clean" >&2; exit 2 ;;
esac
