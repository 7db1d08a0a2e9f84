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
bash scripts/testenv.sh check

# The tests that need these servers are marked #[ignore = "needs the test lab: ..."]: plain
# `cargo test` skips them, this run includes them, and they fail loudly when a server is missing.
cargo test --locked --all-targets --no-fail-fast -- --include-ignored
