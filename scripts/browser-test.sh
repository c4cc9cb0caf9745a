#!/usr/bin/env bash
# The `npm start` page in a real browser (js-tests/browser/): headless Debian chromium driven by
# puppeteer-core (a devDependency that downloads no browser). Installs chromium with apt-get where
# it is missing (quietly; the apt output is shown only if that fails). Run once per `npm test`.
# The screenshot lands in target/browser/demo-page.png (WXCRYPT_ARTIFACTS=<dir> to move it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
  echo "browser-test: installing Debian's chromium (apt-get, once)" >&2
  LOG=$(mktemp)
  # (waits up to 5 minutes for another apt/dpkg run to release its lock)
  if ! { "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq \
    && DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium; } >"$LOG" 2>&1; then
    cat "$LOG" >&2
    echo "browser-test: could not install chromium (see above)" >&2
    exit 1
  fi
  rm -f "$LOG"
  CHROMIUM=$(command -v chromium)
fi
# (stderr dropped: Debian's launcher script trips over findmnt's output on some machines, harmlessly.)
"$CHROMIUM" --version 2>/dev/null

# Under `npm test`, the node that runs npm (node_modules/.bin/node is the node22 devDependency).
NODE="${npm_node_execpath:-$(command -v node)}"
CHROMIUM_PATH="$CHROMIUM" "$NODE" --test js-tests/browser/*.test.js
