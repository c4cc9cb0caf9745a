#!/usr/bin/env bash
# Every test: Rust formatting, lints, unit/vector/property tests and docs, then the JS suites.
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
WXCRYPT_BACKEND=native node --test js-tests/
