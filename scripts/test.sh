#!/usr/bin/env bash
# `npm test`: builds (scripts/setup.sh), then every test: Rust formatting, lints, unit/vector/property
# tests and docs, the JS suites on both backends, the edge and Node runtimes, and the `npm start`
# page in headless Chromium. Fuzzing (scripts/fuzz.sh) and the cross-platform builds run from .ci/run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash scripts/setup.sh
"$NODE" --version

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== cargo doc"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps

# js-tests/redis.test.js runs a real redis-server: Debian's package, installed here when missing.
bash scripts/install-redis.sh
echo "== js-tests (native backend)"
WXCRYPT_BACKEND=native "$NODE" --test js-tests/*.test.js
echo "== js-tests (wasm backend)"
WXCRYPT_BACKEND=wasm "$NODE" --test js-tests/*.test.js
echo "== runtimes: Node 20/22/24, Bun, Deno, workerd, edge-runtime, fallback"
"$NODE" js-tests/runtimes/run.mjs
echo "== browser: the npm start page in headless Chromium (puppeteer-core)"
bash scripts/browser-test.sh
