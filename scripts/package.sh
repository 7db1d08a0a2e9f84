#!/usr/bin/env bash
# package.sh — the portable Linux x86_64 build of travelerUtil and travelerUtil-sftp, and the
# packages made from it, into target/dist/:
#
#   travelerutil_<version>-1_amd64.deb           Debian 10+, Ubuntu 20.04+ (cargo-deb)
#   travelerutil-<version>-1.x86_64.rpm          RHEL/Rocky/Alma 8+, SLES 15 (cargo-generate-rpm)
#   travelerutil-<version>-x86_64-linux-gnu.tar.gz   the same files under bin/ and share/
#   SHA256SUMS                                   sha256sum -c format, for all three
#
#   bash scripts/package.sh           build (incremental) and package
#   bash scripts/package.sh tools     only install the build tools into target/tools
#
# Portability targets: no glibc symbol version above GLIBC_2.28 (RHEL 8, the oldest server
# distribution Traveler runs on), and no shared library but glibc's and unixODBC's libodbc.so.2,
# which must stay dynamic because it is the driver manager that loads the vendors' ODBC drivers.
# The script checks both on the built binaries and fails if either is broken.
#
# Choices (docs/packaging.md has the long form):
#   * glibc baseline by cargo-zigbuild with Zig from PyPI, not by building inside an older root
#     file system. Zig links against stubs of exactly the glibc version asked for
#     (`--target x86_64-unknown-linux-gnu.2.28`) on this Debian 12 host, with the host's one
#     Rust toolchain. The older-root alternative needs a glibc 2.28 distribution (Debian 10,
#     which the Debian mirror no longer carries) plus a Rust toolchain inside it.
#   * OpenSSL linked statically into the helper (the sftp-helper feature `portable`:
#     ssh2's `vendored-openssl` builds OpenSSL 3 from the openssl-src crate, with its assembler),
#     and zlib too. Not a pure-Rust SSH client: libssh2's host-key access before authentication,
#     its error classes, resume and pipelined writes are what the helper is tested and measured
#     with; replacing them is a rewrite of the helper for no portability gain. The cost: an
#     OpenSSL security fix needs a rebuild of the package (cargo update -p openssl-src).
#   * The packagers are cargo-deb and cargo-generate-rpm (metadata in Cargo.toml), installed
#     once into target/tools; the RPM payload is gzip, which every rpm since RHEL 5 reads.
#   * Build tools are pinned (versions below) and cached under target/tools: a second run only
#     rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd -P)

ZIGLANG_VERSION=0.17.0
ZIGBUILD_VERSION=0.24.0
CARGO_DEB_VERSION=3.8.0
GENERATE_RPM_VERSION=0.21.1
GLIBC_BASELINE=2.28
TRIPLE=x86_64-unknown-linux-gnu
TOOLS=$REPO/target/tools
STAGE=$REPO/target/package
DIST=$REPO/target/dist

# Cargo.toml's asset paths (target/package/...) and the tests (target/dist) name this directory.
export CARGO_TARGET_DIR=$REPO/target

log() { echo "package.sh: $*" >&2; }
die() { echo "package.sh: error: $*" >&2; exit 1; }

tools() {
  command -v python3 >/dev/null || die "python3 is needed (for the venv with ziglang and cargo-zigbuild)"
  local venv=$TOOLS/venv want="ziglang==$ZIGLANG_VERSION cargo-zigbuild==$ZIGBUILD_VERSION"
  # The stamp records what the venv holds, so a version bump above reinstalls.
  if [[ $(cat "$venv/.stamp" 2>/dev/null) != "$want" ]]; then
    log "installing $want into $venv (PyPI)"
    rm -rf "$venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    # shellcheck disable=SC2086
    "$venv/bin/pip" install --quiet --disable-pip-version-check $want || die "pip install $want failed"
    echo "$want" > "$venv/.stamp"
  fi
  local name version
  for name in cargo-deb:$CARGO_DEB_VERSION cargo-generate-rpm:$GENERATE_RPM_VERSION; do
    version=${name#*:}
    name=${name%%:*}
    if ! "$TOOLS/bin/$name" --version 2>/dev/null | grep -qF " $version"; then
      log "installing $name $version into $TOOLS (crates.io)"
      cargo install --quiet --locked --root "$TOOLS" "$name@$version" || die "cargo install $name@$version failed"
    fi
  done
  # The link needs unixODBC's libodbc.so (the development symlink), as scripts/run.sh says.
  if [[ ! -e /usr/lib/x86_64-linux-gnu/libodbc.so ]]; then
    if command -v apt-get >/dev/null && [[ $(id -u) = 0 ]]; then
      log "installing unixodbc-dev (the build links libodbc)"
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unixodbc-dev >&2
    else
      die "libodbc.so not found: install unixODBC's development files (apt-get install unixodbc-dev)"
    fi
  fi
  # OpenSSL's Configure (openssl-src) is perl; dpkg-deb is in every Debian.
  command -v perl >/dev/null || die "perl is needed to configure OpenSSL (apt-get install perl)"
  command -v strip >/dev/null || die "strip is needed (apt-get install binutils)"
  command -v readelf >/dev/null || die "readelf is needed (apt-get install binutils)"
}

build() {
  log "building for $TRIPLE.$GLIBC_BASELINE with cargo-zigbuild (Zig $ZIGLANG_VERSION)"
  # Zig links against its own glibc stubs and searches no system directory, so it cannot find
  # libodbc.so. A directory holding only that one link gives it unixODBC and nothing else: a
  # search path of /usr/lib/x86_64-linux-gnu would offer the host's newer libc too.
  local link=$REPO/target/package-link odbc
  odbc=$(readlink -f /usr/lib/x86_64-linux-gnu/libodbc.so)
  mkdir -p "$link"
  ln -sfn "$odbc" "$link/libodbc.so"
  # The venv first on PATH: cargo-zigbuild finds Zig as `python3 -m ziglang` there.
  # TRAVELERUTIL_BUILD_TARGET: build.rs puts the glibc baseline into `--version`.
  # The target-specific RUSTFLAGS reach only the target's crates, not the build scripts.
  PATH="$TOOLS/venv/bin:$PATH" TRAVELERUTIL_BUILD_TARGET="$TRIPLE.$GLIBC_BASELINE" \
    CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-L native=$link" \
    cargo zigbuild --release --locked --workspace --bins \
      --target "$TRIPLE.$GLIBC_BASELINE" --features travelerutil-sftp/portable \
    || die "cargo zigbuild failed"
}

# Both checks of the issue, on the built binaries: the highest GLIBC_ symbol version, and the
# NEEDED list against glibc's libraries plus libodbc.so.2 (travelerUtil only).
check_portable() {
  local bin=$1 allowed=$2 max needed n
  max=$(readelf --dyn-syms --wide "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
  [[ -n $max ]] || die "$bin: no GLIBC_ symbol versions found (not a glibc binary?)"
  if [[ $(printf '%s\n%s\n' "$max" "$GLIBC_BASELINE" | sort -V | tail -n1) != "$GLIBC_BASELINE" ]]; then
    die "$bin needs GLIBC_$max, above the baseline GLIBC_$GLIBC_BASELINE"
  fi
  needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
  for n in $needed; do
    [[ " $allowed " == *" $n "* ]] || die "$bin needs $n, which is not in the allowed set: $allowed"
  done
  log "$(basename "$bin"): highest symbol version GLIBC_$max; NEEDED: $(echo $needed)"
}

stage() {
  local out=$REPO/target/$TRIPLE/release
  rm -rf "$STAGE"
  mkdir -p "$STAGE/bin" "$STAGE/man" "$STAGE/completions"
  # Stripped copies: the symbol tables are 1/3 of the size and nobody debugs a package's binary
  # from its symbols (a panic message names the source line without them).
  for b in travelerUtil travelerUtil-sftp; do
    [[ -x $out/$b ]] || die "$out/$b was not built"
    strip -o "$STAGE/bin/$b" "$out/$b"
  done
  local glibc="ld-linux-x86-64.so.2 libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2 librt.so.1 libutil.so.1"
  check_portable "$STAGE/bin/travelerUtil" "$glibc libodbc.so.2"
  check_portable "$STAGE/bin/travelerUtil-sftp" "$glibc"
  # The committed man/ is the source (a test keeps it in step with the clap definitions).
  local m
  for m in man/*.1; do
    gzip -9 -n -c "$m" > "$STAGE/man/$(basename "$m").gz"
  done
  "$STAGE/bin/travelerUtil" completions bash > "$STAGE/completions/travelerUtil.bash"
  "$STAGE/bin/travelerUtil" completions zsh > "$STAGE/completions/_travelerUtil"
  "$STAGE/bin/travelerUtil" completions fish > "$STAGE/completions/travelerUtil.fish"
  chmod 755 "$STAGE/bin"/*
  chmod 644 "$STAGE/man"/* "$STAGE/completions"/*
}

tarball() {
  local name=$1 tree=$STAGE/tar/$1
  rm -rf "$STAGE/tar"
  # A /usr/local-style prefix: `tar -xzf … -C /usr/local --strip-components=1` installs it.
  install -d "$tree/bin" "$tree/share/man/man1" "$tree/share/bash-completion/completions" \
    "$tree/share/zsh/site-functions" "$tree/share/fish/vendor_completions.d" "$tree/share/doc/travelerutil"
  install -m 755 "$STAGE/bin"/* "$tree/bin/"
  install -m 644 "$STAGE/man"/*.1.gz "$tree/share/man/man1/"
  install -m 644 "$STAGE/completions/travelerUtil.bash" "$tree/share/bash-completion/completions/travelerUtil"
  install -m 644 "$STAGE/completions/_travelerUtil" "$tree/share/zsh/site-functions/_travelerUtil"
  install -m 644 "$STAGE/completions/travelerUtil.fish" "$tree/share/fish/vendor_completions.d/travelerUtil.fish"
  install -m 644 README.md LICENSE "$tree/share/doc/travelerutil/"
  # Reproducible: fixed order, owner and times (SOURCE_DATE_EPOCH), no gzip time stamp.
  tar -C "$STAGE/tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -cf - "$name" | gzip -9 -n > "$DIST/$name.tar.gz"
}

packages() {
  local version
  version=$(cargo metadata --format-version 1 --no-deps --locked \
    | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "travelerutil"))') \
    || die "cannot read the version from Cargo.toml"
  # Package time stamps from the commit, so the same commit gives the same packages.
  SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || stat -c %Y Cargo.toml)}
  export SOURCE_DATE_EPOCH
  mkdir -p "$DIST"
  rm -f "$DIST"/travelerutil[_-]* "$DIST/SHA256SUMS"
  log "packaging $version into $DIST"
  "$TOOLS/bin/cargo-deb" --package travelerutil --no-build --no-strip --output "$DIST/" >/dev/null \
    || die "cargo-deb failed"
  "$TOOLS/bin/cargo-generate-rpm" --payload-compress gzip --output "$DIST/" \
    || die "cargo-generate-rpm failed"
  tarball "travelerutil-$version-x86_64-linux-gnu"
  (cd "$DIST" && sha256sum -- travelerutil* > SHA256SUMS)
  ls -l "$DIST" >&2
}

case ${1:-all} in
  tools) tools ;;
  all)
    tools
    build
    stage
    packages
    ;;
  *) echo "usage: $0 [all|tools]" >&2; exit 2 ;;
esac
