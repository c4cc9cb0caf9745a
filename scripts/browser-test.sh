#!/usr/bin/env bash
# The `npm start` page in a real browser (js-tests/browser/): headless Debian chromium driven by
# puppeteer-core (a devDependency that downloads no browser). Installs chromium, with its
# recommended packages, where it is missing (apt_install, scripts/lib.sh). Run once per `npm test`.
# The screenshot lands in target/browser/demo-page.png (WXCRYPT_ARTIFACTS=<dir> to move it).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
  apt_install --with-recommends chromium
  CHROMIUM=$(command -v chromium)
fi
# (stderr dropped: Debian's launcher script trips over findmnt's output on some machines, harmlessly.)
"$CHROMIUM" --version 2>/dev/null

CHROMIUM_PATH="$CHROMIUM" "$NODE" --test js-tests/browser/*.test.js
