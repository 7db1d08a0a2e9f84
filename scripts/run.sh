#!/usr/bin/env bash
# The main job: build travelerUtil (release) and run it with the given arguments.
#   bash scripts/run.sh db show
# The build links libodbc (unixODBC, for `db check`); on Debian/Ubuntu, as root, the missing
# development package is installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -e /usr/lib/x86_64-linux-gnu/libodbc.so ] && ! ldconfig -p 2>/dev/null | grep -q 'libodbc\.so '; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "run.sh: installing unixodbc-dev (the build links libodbc)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unixodbc unixodbc-dev >&2
    else
        echo "run.sh: libodbc.so not found: install unixODBC's development files (apt-get install unixodbc-dev)" >&2
        exit 1
    fi
fi
cargo build --release --locked --quiet
exec target/release/travelerUtil "$@"
