#!/usr/bin/env bash
# Every test: Rust formatting, lints, unit/vector/property tests and docs, the JS suites on both
# backends, the edge and Node runtimes, and a bounded fuzzing run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Under `npm test`, node_modules/.bin/node is the node22 devDependency's binary: run the suites on
# the node that runs npm (the runtime driver covers Node 20, 22 and 24 explicitly).
NODE="${npm_node_execpath:-$(command -v node)}"
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
