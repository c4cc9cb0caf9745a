#!/usr/bin/env bash
# Installs and builds what `npm start` and `npm test` need, on a fresh clone or an old one: the
# Rust toolchain's components, the workspace's npm packages, the native addon for this platform
# (npm/wxcrypt/wxcrypt.<platform>.node) and the WebAssembly backend (scripts/build-wasm.sh).
# Idempotent: a second run only checks. Usage: bash scripts/setup.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v cargo >/dev/null 2>&1; then
  echo "wxcrypt: building needs Rust (cargo). Install it from https://rustup.rs and run again." >&2
  exit 1
fi

# The toolchain and components pinned in rust-toolchain.toml (rustup installs them on first use).
rustup show active-toolchain >/dev/null
rustup component add rustfmt clippy >/dev/null 2>&1 || true

npm_install_if_stale

# The native addon for this platform (cargo's incremental build makes a re-run cheap).
napi_build npm/wxcrypt

# The WebAssembly backend (and the generated ESM copies of the JS API).
bash scripts/build-wasm.sh
