#!/usr/bin/env bash
# The full test run: installs what the tests need, then runs every test.
#   bash scripts/test.sh
# Nothing is skipped quietly: a missing component makes its tests fail loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked --all-targets
