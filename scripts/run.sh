#!/usr/bin/env bash
# The main job: build travelerUtil (release) and run it with the given arguments.
#   bash scripts/run.sh db show
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec target/release/travelerUtil "$@"
