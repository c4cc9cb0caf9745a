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
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/platforms/tools.sh
source scripts/platforms/tools.sh
start=$SECONDS

npm_install_if_stale
# Each target with its platform (napi-rs's name: the package wxcrypt-<platform>), from napi.targets.
declare -A PLATFORM_OF
ALL=()
while read -r target platform; do PLATFORM_OF[$target]=$platform && ALL+=("$target"); done < <(platforms)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
for target in "${TARGETS[@]}"; do
  [ -n "${PLATFORM_OF[$target]:-}" ] || { log "$target is not in napi.targets (npm/wxcrypt/package.json)"; exit 1; }
done

apt_install gcc-mingw-w64-x86-64 mingw-w64-tools binutils
need_zig
need_rust_targets "${TARGETS[@]}"
need_foreign_nodes

# The platform packages' package.json and README.md, by napi-rs's own generator. It writes only
# inside the package's folder (or an npm workspace), so it runs on a copy of the manifest.
stage=$(mktemp -d)
cp npm/wxcrypt/package.json "$stage/"
(cd "$stage" && "$ROOT/node_modules/.bin/napi" create-npm-dirs --npm-dir npm >"$stage/log" 2>&1) || { cat "$stage/log" >&2; exit 1; }
# scripts/platforms.js names the platforms as napi-rs does: the directories it just made.
made=$(for d in "$stage"/npm/*/; do basename "$d"; done | sort | tr '\n' ' ')
named=$(printf '%s\n' "${PLATFORM_OF[@]}" | sort | tr '\n' ' ')
[ "$made" = "$named" ] || { log "napi-rs names the platforms $made; scripts/platforms.js says $named"; exit 1; }
for dir in "$stage"/npm/*/; do
  name=$(basename "$dir")
  mkdir -p "npm/$name"
  cp "$dir/README.md" "npm/$name/"
  # Corrections to the generated package.json: repository.directory is the package's own
  # folder; `libc` only on Linux (napi-rs gives win32-x64-gnu `libc: ["glibc"]`, and npm on
  # Windows, which knows no libc, would then never install it); and linux-arm-gnueabihf, which
  # napi-rs leaves without one, is glibc-only too (so musl armv7 gets the wasm fallback, not an
  # addon that cannot load).
  # shellcheck disable=SC2016  # JavaScript, in single quotes on purpose
  "$NODE" -e '
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
  platform=${PLATFORM_OF[$target]}
  out="npm/$platform"
  t0=$SECONDS
  # Each target's recipe: its environment and the napi build arguments beyond scripts/lib.sh's.
  case "$target" in
    *-linux-gnu | *-linux-gnueabihf) env=() && args=(--target "$target.2.17" -x) ;;
    *-linux-musl) env=() && args=(--target "$target" -x) ;;
    x86_64-apple-darwin) env=(MACOSX_DEPLOYMENT_TARGET=10.13) && args=(--target "$target" -x) ;;
    aarch64-apple-darwin) env=(MACOSX_DEPLOYMENT_TARGET=11.0) && args=(--target "$target" -x) ;;
    x86_64-pc-windows-gnu) env=("LIBNODE_PATH=$(make_libnode)") && args=(--target "$target") ;;
    *) log "no build recipe for target $target" && exit 1 ;;
  esac
  log "$target -> $out"
  (for e in "${env[@]}"; do export "${e?}"; done && napi_build "$out" "${args[@]}") >"$WXCRYPT_CACHE/build-$platform.log" 2>&1 || {
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
