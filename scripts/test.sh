#!/usr/bin/env bash
# The full test run: installs what the tests need, starts the test servers, runs every test,
# and stops the servers again.
#   bash scripts/test.sh
# Nothing is skipped quietly: a component that cannot be installed or started fails the run,
# and the tests that need a server fail loudly without one.
set -euo pipefail
cd "$(dirname "$0")/.."

# Whatever was started is stopped (by PID) and unmounted on every exit, in reverse order.
cleanup() {
    set +e
    bash scripts/testenv-chroot.sh umount
    bash scripts/testenv-ansible.sh stop
    bash scripts/testenv-sshd.sh clean
    bash scripts/testenv.sh stop
}
trap cleanup EXIT

# What the build links (unixODBC, OpenSSL for the SFTP helper).
bash scripts/build-deps.sh

# unixODBC and the drivers, MariaDB (and its replica), Derby (two servers, + IBM's Db2 CLI
# driver from the ibm_db wheel), FreeTDS, a silent listener: all on 127.0.0.1, under
# target/testenv (scripts/testenv.sh).
bash scripts/testenv.sh install
bash scripts/testenv.sh start
# OpenSSH for pmr/support uploads: an SFTP-only chroot on 127.0.0.1:52222.
bash scripts/testenv-sshd.sh install
bash scripts/testenv-sshd.sh start
eval "$(bash scripts/testenv.sh env)"
eval "$(bash scripts/testenv-sshd.sh env)"

# The Ansible collection (ansible/, tests/ansible_pool.rs): ansible-core and ansible-lint in a
# venv under target/, three managed users behind their own sshd on 127.0.0.1:52322. It copies the
# ODBC driver registry of the lab above, so it starts after it.
bash scripts/testenv-ansible.sh install
bash scripts/testenv-ansible.sh start
bash scripts/testenv.sh check

# Packages (scripts/package.sh, tests/packaging.rs): the portable build and the .deb, .rpm and
# .tar.gz in target/dist, Debian's rpm for reading the .rpm, and the cached Debian 11 root that
# the .deb's smoke test runs in.
command -v rpm >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rpm >/dev/null
}
bash scripts/package.sh
bash scripts/testenv-chroot.sh install

# The fuzz targets (fuzz/, run with cargo-fuzz on nightly) still compile against the library.
cargo check --locked --manifest-path fuzz/Cargo.toml --bins

# The SFTP helper is a binary of the workspace's other package; `cargo test` builds only its
# test harness, and the upload and Ansible tests run the real one beside travelerUtil.
cargo build --locked

# `--include-ignored` runs the tests that need this lab (or root): plain `cargo test` skips them,
# and here each fails loudly, naming what is missing, if its server is not up.
cargo test --locked --all-targets --no-fail-fast -- --include-ignored

# The lab script itself (tests/testenv_smoke.sh): a second start changes nothing, the replica
# stops and comes back alone, each MariaDB has its own tmpdir, and stop leaves no process.
bash tests/testenv_smoke.sh
