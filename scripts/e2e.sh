#!/usr/bin/env bash
# Runs the browser tests: installs the tools if needed, builds the CLI and the page, then drives
# Debian's headless Chromium over the page served on 127.0.0.1 (tests/e2e/e2e.test.mjs), framed
# by the example portal on another port (tests/e2e/embed.test.mjs), with every request recorded,
# the network cut and its CSP probed (tests/e2e/privacy.test.mjs), and compared with a user
# export (tests/e2e/roster.test.mjs), files in legacy code pages (tests/e2e/encoding.test.mjs),
# workbooks (tests/e2e/workbook.test.mjs), and offline after one visit through its service worker
# (tests/e2e/offline.test.mjs); then the core of those in Firefox and WebKit
# (tests/e2e/engines.test.mjs); the problem grid of a file where every row is flagged stays a window
# of rows (tests/e2e/grid.test.mjs).
# Screenshots go to tests/e2e/artifacts/. REUSE_DIST=1 skips the page build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
export PATH="$ROOT/tests/e2e/node_modules/.bin:$PATH"
cd "$ROOT"
cargo build -p orgsync-cli
if [ "${REUSE_DIST:-0}" != "1" ] || [ ! -f dist/index.html ]; then
  trunk build --release
fi
cd tests/e2e
# Every suite in Chromium; the core of them in Firefox and WebKit (engines.test.mjs). xvfb-run gives
# WebKit's MiniBrowser the display it needs; the other browsers run headless and ignore it.
exec xvfb-run -a -s "-screen 0 1280x1024x24" node --test --test-concurrency=1 \
  e2e.test.mjs admin.test.mjs grid.test.mjs embed.test.mjs privacy.test.mjs roster.test.mjs encoding.test.mjs workbook.test.mjs offline.test.mjs engines.test.mjs
