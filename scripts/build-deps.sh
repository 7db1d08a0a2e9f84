#!/usr/bin/env bash
# The system libraries the build links, installed when missing (Debian/Ubuntu, as root);
# elsewhere it names the packages and fails. Used by scripts/run.sh and scripts/test.sh.
set -euo pipefail
# What the build links and is missing: unixODBC for `db check` (travelerUtil), OpenSSL through
# pkg-config for libssh2 (the SFTP helper, travelerUtil-sftp).
missing=()
if [ ! -e /usr/lib/x86_64-linux-gnu/libodbc.so ] && ! ldconfig -p 2>/dev/null | grep -q 'libodbc\.so '; then
    missing+=(unixodbc unixodbc-dev)
fi
if ! pkg-config --exists openssl 2>/dev/null; then
    missing+=(pkg-config libssl-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "run.sh: installing ${missing[*]} (the build links them)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "run.sh: missing build dependencies: install ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi
