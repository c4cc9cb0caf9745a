#!/usr/bin/env bash
# Installs redis-server (Debian's package) when it is missing: the store tests (js-tests/redis.test.js)
# run a real one. Idempotent and quiet: prints one line when it installs, nothing when present.
# Needs root (CI and the dev machines run as root) or sudo without a password.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    echo "install-redis: redis-server is missing and this user cannot apt-get install it (install the redis-server package)" >&2
    exit 1
  fi
fi
echo "install-redis: installing redis-server (apt-get)" >&2
LOG=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
# The package's postinst may try to start a system service: the tests start their own, so forbid it.
POLICY=/usr/sbin/policy-rc.d
MADE_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod +x "$POLICY"
  MADE_POLICY=1
fi
status=0
{
  "${SUDO[@]}" apt-get update -qq &&
    "${SUDO[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends redis-server
} >"$LOG" 2>&1 || status=$?
if [ "$MADE_POLICY" = 1 ]; then "${SUDO[@]}" rm -f "$POLICY"; fi
if [ "$status" != 0 ] || ! command -v redis-server >/dev/null 2>&1; then
  cat "$LOG" >&2
  echo "install-redis: apt-get install redis-server failed" >&2
  rm -f "$LOG"
  exit 1
fi
rm -f "$LOG"
