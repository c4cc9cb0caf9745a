#!/usr/bin/env bash
# Every test: Rust formatting, lints, unit/vector/property tests and docs, the JS suites on both
# backends, the edge and Node runtimes, and a bounded fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test"
cargo test --workspace
echo "== cargo doc"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps

echo "== js-tests (native backend)"
WXCRYPT_BACKEND=native node --test js-tests/*.test.js
echo "== js-tests (wasm backend)"
WXCRYPT_BACKEND=wasm node --test js-tests/*.test.js
echo "== runtimes: Node 20/22/24, Bun, Deno, workerd, edge-runtime, fallback"
node js-tests/runtimes/run.mjs
