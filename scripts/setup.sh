#!/usr/bin/env bash
# Installs and builds what `npm start` and `npm test` need, on a fresh clone or an old one.
# Idempotent: a second run only checks. Usage: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "wxcrypt: building needs Rust (cargo). Install it from https://rustup.rs and run again." >&2
  exit 1
fi

# The toolchain and components pinned in rust-toolchain.toml (rustup installs them on first use).
rustup show active-toolchain >/dev/null
rustup component add rustfmt clippy >/dev/null 2>&1 || true

# npm packages of the workspace (the CLI tools, test runtimes): reinstall when the lock changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: npm 11 refuses `ci` on this lock for optional platform packages
  # of @napi-rs/cli it never records (lzma, tar); `install` keeps the locked versions.
  npm install --no-audit --no-fund
fi

# The native addon for this platform (cargo's incremental build makes a re-run cheap).
npx napi build --platform --release \
  --manifest-path crates/wxcrypt-node/Cargo.toml \
  --package-json-path npm/wxcrypt/package.json \
  --output-dir npm/wxcrypt --no-js --strip

# The WebAssembly backend (and the generated ESM copies of the JS API).
bash scripts/build-wasm.sh
