#!/usr/bin/env bash
# The main job: build travelerUtil (release) and run it with the given arguments.
#   bash scripts/run.sh db show
# On Debian/Ubuntu, as root, missing development packages are installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-deps.sh
cargo build --release --locked --quiet
exec target/release/travelerUtil "$@"
