#!/usr/bin/env bash
# npm run bench / npm run bench:memory: builds what the benches load (scripts/setup.sh: the native
# addon, release build, and the wasm backend), then runs them in turn on the node that runs npm.
# Usage: bash bench/run.sh decrypt|memory [...]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
bash scripts/setup.sh
status=0
for name in "${@:-decrypt}"; do
  "$NODE" "bench/$name.mjs" || status=$?
done
exit "$status"
