#!/usr/bin/env bash
# Installs redis-server (Debian's package) when it is missing: the store tests (js-tests/redis.test.js)
# run a real one. Quiet: one line when it installs, nothing when present (apt_install, scripts/lib.sh:
# root or sudo without a password; the package's service is not started, the tests start their own).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v redis-server >/dev/null 2>&1 && exit 0
apt_install redis-server
command -v redis-server >/dev/null 2>&1 || { log "redis-server is still missing after apt-get install"; exit 1; }
