#!/usr/bin/env bash
# Builds the page and serves it on this computer only: http://127.0.0.1:8080/ (PORT=… to change).
# First run installs the tools (scripts/setup.sh); later runs skip that. Served from 127.0.0.1 the
# page's service worker runs, so after one visit the page works offline and Chrome or Edge offer to
# install it as an app (README: "Offline, and installed as an app"; hosting dist/ elsewhere:
# "Hosting dist/ on an intranet").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PORT:-8080}"

"$ROOT/scripts/setup.sh"
# binaryen 132's wasm-opt first: Trunk uses it for release builds (Trunk.toml pins version_132).
export PATH="$ROOT/tests/e2e/node_modules/.bin:$PATH"
cd "$ROOT"
trunk build --release
exec node "$ROOT/tests/e2e/static-server.mjs" "$ROOT/dist" "$PORT"
