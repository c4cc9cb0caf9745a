#!/usr/bin/env bash
# npm run bench / npm run bench:memory: builds what the benches load, then runs them in turn.
# Usage: bash bench/run.sh decrypt|memory [...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh # the native addon (release build)
# The wasm backend: a bench without it still runs (and says it skipped wasm).
bash scripts/build-wasm.sh || echo 'bench: the wasm build failed; the wasm backend will be skipped' >&2
# Under npm, node_modules/.bin/node is the node22 devDependency's binary: bench the node that runs
# npm (the one a newcomer has), as scripts/test.sh does.
NODE="${npm_node_execpath:-$(command -v node)}"
status=0
for name in "${@:-decrypt}"; do
  "$NODE" "bench/$name.mjs" || status=$?
done
exit "$status"
