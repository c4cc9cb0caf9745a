#!/usr/bin/env bash
# `npm run build:platforms`: the native addon for every target in npm/wxcrypt/package.json
# (napi.targets), each into its platform package npm/<platform>/ in napi-rs's layout
# (npm/linux-arm64-gnu/{package.json,README.md,wxcrypt.linux-arm64-gnu.node}, ...). The platform
# directories are generated (`napi create-npm-dirs`), not committed: their package.json files
# come from npm/wxcrypt/package.json, so name, version, os/cpu/libc cannot drift.
#
#   Linux (gnu, musl, armv7) and macOS: zig (PyPI ziglang) + cargo-zigbuild, via `napi build -x`.
#     glibc targets get the `.2.17` suffix: no symbol newer than GLIBC_2.17 (checked below).
#     macOS: MACOSX_DEPLOYMENT_TARGET 10.13 (x64) and 11.0 (arm64); zig would default to 15.0.
#   Windows x64: mingw-w64 (x86_64-pc-windows-gnu) linking napi_* against an import library for
#     node.exe, made from the official node.exe's own exports (gendef + dlltool).
#
# Installs what it needs (scripts/platforms/tools.sh); safe to re-run (cargo is incremental).
# Usage: bash scripts/build-platforms.sh [target-triple...]   (default: all of napi.targets)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LOG_NAME=build-platforms
# shellcheck source=scripts/platforms/tools.sh
source scripts/platforms/tools.sh
start=$SECONDS

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
if [ $# -gt 0 ]; then TARGETS=("$@"); else
  read -r -a TARGETS <<<"$(node -p "require('./npm/wxcrypt/package.json').napi.targets.join(' ')")"
fi

need_apt gcc-mingw-w64-x86-64 mingw-w64-tools binutils
need_zig
need_rust_targets "${TARGETS[@]}"
need_foreign_nodes

# The platform packages' package.json and README.md, by napi-rs's own generator. It writes only
# inside the package's folder (or an npm workspace), so it runs on a copy of the manifest.
stage=$(mktemp -d)
cp npm/wxcrypt/package.json "$stage/"
(cd "$stage" && "$ROOT/node_modules/.bin/napi" create-npm-dirs --npm-dir npm >"$stage/log" 2>&1) || { cat "$stage/log" >&2; exit 1; }
for dir in "$stage"/npm/*/; do
  name=$(basename "$dir")
  mkdir -p "npm/$name"
  cp "$dir/README.md" "npm/$name/"
  # Corrections to the generated package.json: repository.directory is the package's own
  # folder; `libc` only on Linux (napi-rs gives win32-x64-gnu `libc: ["glibc"]`, and npm on
  # Windows, which knows no libc, would then never install it); and linux-arm-gnueabihf, which
  # napi-rs leaves without one, is glibc-only too (so musl armv7 gets the wasm fallback, not an
  # addon that cannot load).
  node -e '
    const fs = require("fs")
    const [src, dst, name] = process.argv.slice(1)
    const p = JSON.parse(fs.readFileSync(src, "utf8"))
    p.repository = { ...p.repository, directory: `npm/${name}` }
    p.type = "commonjs" // publint: say it, so Node need not guess (there is no JS in these packages)
    if (p.os[0] !== "linux") delete p.libc
    else if (!p.libc) p.libc = name.includes("musl") ? ["musl"] : ["glibc"]
    fs.writeFileSync(dst, JSON.stringify(p, null, 2) + "\n")' "$dir/package.json" "npm/$name/package.json" "$name"
done
rm -rf "$stage"

# platformArchABI of a target, as napi-rs names it (the package is wxcrypt-<this>).
platform_of() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    aarch64-unknown-linux-musl) echo linux-arm64-musl ;;
    armv7-unknown-linux-gnueabihf) echo linux-arm-gnueabihf ;;
    x86_64-apple-darwin) echo darwin-x64 ;;
    aarch64-apple-darwin) echo darwin-arm64 ;;
    x86_64-pc-windows-gnu) echo win32-x64-gnu ;;
    *) log "no build recipe for target $1" && return 1 ;;
  esac
}

# The import library for node.exe: napi-build (crates/wxcrypt-node/build.rs) links `-lnode` from
# $LIBNODE_PATH on windows-gnu. The .def lists node.exe's napi exports; the DLL name is node.exe,
# so the addon imports napi_* from the process that loads it (as MSVC builds do via node.lib).
make_libnode() {
  local dir="$WXCRYPT_CACHE/libnode-win-x64-$NODE_WIN_VERSION"
  if [ ! -f "$dir/libnode.dll.a" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && gendef - "$NODE_WIN" 2>/dev/null | awk 'NR==1{print "LIBRARY node.exe"; next} /^EXPORTS/{print; next} /^(napi|node_api)_/{print}' > node.def)
    local n
    n=$(grep -c '^napi_' "$dir/node.def")
    [ "$n" -gt 100 ] || { log "only $n napi_* exports found in $NODE_WIN"; return 1; }
    x86_64-w64-mingw32-dlltool -d "$dir/node.def" -D node.exe -l "$dir/libnode.dll.a"
    # napi-build checks that "libnode.dll" exists in LIBNODE_PATH; the linker takes libnode.dll.a first.
    cp "$dir/libnode.dll.a" "$dir/libnode.dll"
  fi
  printf '%s\n' "$dir"
}

for target in "${TARGETS[@]}"; do
  platform=$(platform_of "$target")
  out="npm/$platform"
  t0=$SECONDS
  args=(--platform --release --manifest-path crates/wxcrypt-node/Cargo.toml
    --package-json-path npm/wxcrypt/package.json --output-dir "$out" --no-js --strip)
  case "$target" in
    *-linux-gnu | *-linux-gnueabihf) env=() && args+=(--target "$target.2.17" -x) ;;
    *-linux-musl) env=() && args+=(--target "$target" -x) ;;
    x86_64-apple-darwin) env=(MACOSX_DEPLOYMENT_TARGET=10.13) && args+=(--target "$target" -x) ;;
    aarch64-apple-darwin) env=(MACOSX_DEPLOYMENT_TARGET=11.0) && args+=(--target "$target" -x) ;;
    x86_64-pc-windows-gnu) env=("LIBNODE_PATH=$(make_libnode)") && args+=(--target "$target") ;;
  esac
  log "$target -> $out"
  env "${env[@]}" npx napi build "${args[@]}" >"$WXCRYPT_CACHE/build-$platform.log" 2>&1 || {
    tail -40 "$WXCRYPT_CACHE/build-$platform.log" >&2
    log "$target failed (full log: $WXCRYPT_CACHE/build-$platform.log)"
    exit 1
  }
  file="$out/wxcrypt.$platform.node"
  [ -f "$file" ] || { log "$file was not produced"; exit 1; }
  log "$target: $(wc -c <"$file") bytes in $((SECONDS - t0)) s"
done

# The glibc floor: no versioned symbol newer than GLIBC_2.17 in any gnu binary.
for f in npm/linux-*-gnu*/wxcrypt.*.node; do
  [ -f "$f" ] || continue
  newest=$(readelf -W --dyn-syms "$f" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
  if [ "$(printf '%s\nGLIBC_2.17\n' "$newest" | sort -V | tail -1)" != GLIBC_2.17 ]; then
    log "$f needs $newest (more than GLIBC_2.17)"
    exit 1
  fi
  log "$f: newest glibc symbol $newest"
done
# The musl builds link musl, not glibc (a plain cargo musl build here would silently take glibc).
for f in npm/linux-*-musl/wxcrypt.*.node; do
  [ -f "$f" ] || continue
  if readelf -W --dyn-syms -d "$f" | grep -qE 'GLIBC_|libc\.so\.6'; then log "$f links glibc"; exit 1; fi
  log "$f: no glibc symbol or library"
done
log "done in $((SECONDS - start)) s"
