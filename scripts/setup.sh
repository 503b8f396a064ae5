#!/usr/bin/env bash
# Installs what building and testing the web page needs, skipping whatever is already present at
# the right version: the wasm32 target, wasm-bindgen-cli (the exact version in Cargo.lock),
# Trunk, Debian's Chromium, and the npm tools of tests/e2e (playwright-core, binaryen's wasm-opt).
# Safe to run again; runs unattended (CI has no stdin). Nothing here downloads a browser or a
# prebuilt binary from outside the package registries.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_PROGRESS_WHEN=never

say() { printf 'setup: %s\n' "$*"; }

# Root runs apt-get directly; anyone else needs password-less sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  as_root apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

# 1. Rust's wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli, exactly the version the workspace locks (Trunk would otherwise try to
#    download one, and downloads fail here).
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
if [ -z "$WBG_VERSION" ]; then
  echo "setup: cannot find wasm-bindgen's version in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]; then
  say "installing wasm-bindgen-cli $WBG_VERSION (a few minutes)"
  # --locked can fail when a locked dependency has been yanked; the unlocked build is the fallback.
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

# 3. Trunk.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about ten minutes on two cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked \
    || cargo install trunk --version "$TRUNK_VERSION"
fi

# 4. Node and npm, for the browser tests and binaryen's wasm-opt.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi

# 5. Debian's browsers for the browser tests, one per engine (nothing downloads a browser):
#    Chromium (playwright-core drives it), Firefox ESR (puppeteer-core over WebDriver BiDi) and
#    WebKitGTK's WebKitWebDriver with its MiniBrowser, which needs a display: Xvfb.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || missing+=(xvfb)
command -v xauth >/dev/null || missing+=(xauth)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
fi

# 6. npm packages of tests/e2e, reinstalled only when package-lock.json changed.
E2E="$ROOT/tests/e2e"
STAMP="$E2E/node_modules/.orgsync-lock.sha256"
LOCK_SUM="$(sha256sum "$E2E/package-lock.json" | awk '{print $1}')"
if [ ! -x "$E2E/node_modules/.bin/wasm-opt" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SUM" ]; then
  say "npm ci in tests/e2e"
  (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" > "$STAMP"
fi

say "ready: $(trunk --version), wasm-bindgen $WBG_VERSION, $("$E2E/node_modules/.bin/wasm-opt" --version), $(chromium --version 2>/dev/null | head -n1), $(firefox-esr --version 2>/dev/null | head -n1), WebKitWebDriver $(dpkg-query -W -f='${Version}' webkit2gtk-driver 2>/dev/null)"
