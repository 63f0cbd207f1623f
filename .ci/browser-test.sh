#!/usr/bin/env bash
# Browser test of the report page: Debian's chromium, headless, opens
# index.html from file:// and checks the passage explorer, script errors and
# that Chinese renders (see .ci/browser-test.js). Needs node (any version
# >= 16; no npm packages) and, if chromium is missing, apt-get.
#
#   .ci/browser-test.sh                # builds the seeds' report and tests it
#   .ci/browser-test.sh REPORT_DIR     # tests an existing report folder
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-}
if [ -z "$CHROMIUM" ]; then
  for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$(command -v "$c"); break; fi
  done
fi
if [ -z "$CHROMIUM" ]; then
  echo "== installing chromium from the distribution's packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
  CHROMIUM=$(command -v chromium)
fi
if ! command -v node >/dev/null 2>&1; then
  echo "== installing node from the distribution's packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs
fi

if [ $# -ge 1 ]; then
  REPORT=$1
else
  OUT=target/browser-test/run
  rm -rf "$OUT"
  cargo run --release --quiet -- run --out "$OUT" >/dev/null
  REPORT=$OUT/latest
fi
echo "== browser test of $REPORT/index.html ($("$CHROMIUM" --version 2>/dev/null || echo chromium))"
node .ci/browser-test.js "$CHROMIUM" "$REPORT" target/browser-test/shots
