# shellcheck shell=bash
# Sourced by every script of scripts/ and bench/ (source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"):
#
#   ROOT, and a cd there     the repository root; the sourcing script runs from it
#   log <text...>            "<LOG_NAME>: <text>" on stderr (LOG_NAME defaults to the script's name)
#   NODE                     the node to run suites and helpers with (below)
#   npm_install_if_stale     npm install, when package-lock.json changed since the last one
#   apt_install [--with-recommends] <package...>   Debian packages, when missing (one policy)
#   platforms                napi.targets, one "<target> <platform>" a line (scripts/platforms.js)
#   napi_build <output-dir> [napi build args...]   the native addon (every napi build goes here)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

LOG_NAME=${LOG_NAME:-$(basename "$0" .sh)}
log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }

# Under `npm test`/`npm run`, node_modules/.bin/node (first on PATH) is the node22 devDependency's
# binary: run on the node that runs npm, the one a newcomer has (js-tests/runtimes covers Node 20,
# 22 and 24 explicitly). Outside npm, the node on PATH.
NODE="${npm_node_execpath:-$(command -v node)}"

# The workspace's npm packages (CLI tools, test runtimes), reinstalled when the lock changed.
# `npm install`, not `npm ci`: npm 11 refuses `ci` on this lock for optional platform packages of
# @napi-rs/cli it never records (lzma, tar); `install` keeps the locked versions.
npm_install_if_stale() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm install --no-audit --no-fund
  fi
}

# Debian packages, installed only when missing, with one policy everywhere: as root (CI, the dev
# machines) or through sudo without a password; `apt-get update` first; waits up to 5 minutes for
# another apt/dpkg run's lock; no system service starts (a postinst may try to: the tests start
# their own); quiet: one log line, apt's output only when it fails; no recommended packages unless
# --with-recommends.
apt_install() {
  local opts=(-y -qq --no-install-recommends)
  if [ "${1:-}" = --with-recommends ]; then opts=(-y -qq); shift; fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      log "missing Debian packages, and this user cannot apt-get install them: ${missing[*]}"
      return 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  local out policy=/usr/sbin/policy-rc.d made_policy=0 status=0
  out=$(mktemp)
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    made_policy=1
  fi
  {
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install "${opts[@]}" "${missing[@]}"
  } >"$out" 2>&1 || status=$?
  if [ "$made_policy" = 1 ]; then "${sudo[@]}" rm -f "$policy"; fi
  if [ "$status" != 0 ]; then
    cat "$out" >&2
    log "apt-get install ${missing[*]} failed (output above)"
  fi
  rm -f "$out"
  return "$status"
}

# The platform list, from its one place (napi.targets in npm/wxcrypt/package.json).
platforms() { "$NODE" scripts/platforms.js; }

# `napi build` of the native addon, its arguments in this one place: crates/wxcrypt-node, release,
# stripped, into <output-dir>/wxcrypt.<platform>.node (name from npm/wxcrypt/package.json), no JS
# loader (npm/wxcrypt/lib/native.js is hand-written). The binding's own type definitions
# (napi-derive's type-def) go to target/napi/wxcrypt-node.d.ts, build output: the public contract is
# the hand-written npm/wxcrypt/index.d.ts, which napi would otherwise overwrite.
napi_build() { # napi_build <output-dir> [--target <triple> [-x] ...]
  local out=$1
  shift
  "$ROOT/node_modules/.bin/napi" build --platform --release --manifest-path crates/wxcrypt-node/Cargo.toml \
    --package-json-path npm/wxcrypt/package.json --output-dir "$out" --no-js --strip \
    --dts "$(realpath -m --relative-to="$out" "$ROOT/target/napi/wxcrypt-node.d.ts")" "$@"
}
