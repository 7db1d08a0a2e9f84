#!/usr/bin/env bash
# The full test run: installs what the tests need, starts the test servers, runs every test,
# and stops the servers again.
#   bash scripts/test.sh
# Nothing is skipped quietly: a component that cannot be installed or started fails the run,
# and the tests that need a server fail loudly without one.
set -euo pipefail
cd "$(dirname "$0")/.."

# unixODBC and the drivers, MariaDB, Derby (+ IBM's Db2 CLI driver from the ibm_db wheel),
# FreeTDS, a silent listener: all on 127.0.0.1, under target/testenv (scripts/testenv.sh).
bash scripts/testenv.sh install
bash scripts/testenv.sh start
trap 'bash scripts/testenv.sh stop; bash scripts/testenv-sshd.sh clean' EXIT
bash scripts/testenv-sshd.sh install && bash scripts/testenv-sshd.sh start   # OpenSSH for pmr/support uploads
eval "$(bash scripts/testenv.sh env)"
eval "$(bash scripts/testenv-sshd.sh env)"
# --- The Ansible collection (ansible/, tests/ansible_pool.rs) ---------------------------------
# ansible-core and ansible-lint in a venv under target/, three managed users behind their own
# sshd on 127.0.0.1:52322 (scripts/testenv-ansible.sh). After testenv.sh start: the lab copies
# its ODBC driver registry. Stopped on exit together with whatever the trap above stops.
bash scripts/testenv-ansible.sh install
trap "bash scripts/testenv-ansible.sh stop; $(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")" EXIT
bash scripts/testenv-ansible.sh start
# ---------------------------------------------------------------------------------------------
bash scripts/testenv.sh check
# --- Packages (scripts/package.sh, scripts/testenv-chroot.sh, tests/packaging.rs) -------------
# The portable build and the .deb/.rpm/.tar.gz in target/dist, Debian's rpm for reading the
# .rpm, and the cached Debian 11 root that the .deb's smoke test runs in (the test mounts /proc
# there and unmounts it; the trap unmounts it too if the test process dies).
command -v rpm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rpm >/dev/null \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rpm >/dev/null; }
bash scripts/package.sh
bash scripts/testenv-chroot.sh install
trap "bash scripts/testenv-chroot.sh umount; $(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")" EXIT
# ---------------------------------------------------------------------------------------------

# `--include-ignored` runs the tests that need this lab (or root): plain `cargo test` skips them,
# and here each fails loudly, naming what is missing, if its server is not up.
cargo test --locked --all-targets --no-fail-fast -- --include-ignored
