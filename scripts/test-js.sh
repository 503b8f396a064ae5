#!/usr/bin/env bash
# Builds the JavaScript API package and tests it: Node's test runner against the engine's native
# answers (the reference example, and the `orgsync` CLI's JSON when it is built), then
# `tsc --noEmit` of the declarations against the example portal's usage.
#
#   scripts/test-js.sh [--no-opt]     (--no-opt skips wasm-opt: a quicker build, same behaviour)
set -euo pipefail
cd "$(dirname "$0")/.."

# Tools first (idempotent): typescript and binaryen's wasm-opt, pinned by package-lock.json.
if [[ ! -x tests/js/node_modules/.bin/tsc || tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]]; then
  npm ci --prefix tests/js --no-audit --no-fund
fi

scripts/build-js.sh "$@"
# The package that compares with a user export (tests/js/roster.test.mjs).
scripts/build-js.sh --roster "$@"
# The package with every code page (tests/js/encoding.test.mjs and the fixtures in a code page).
scripts/build-js.sh --encodings "$@"
# The package with workbook support, for tests/js/workbook.test.mjs.
scripts/build-js.sh --workbook "$@"
# The native reference is the full engine, as the CLI is (orgsync-js alone leaves the code pages out).
cargo build -p orgsync-js --example reference --features legacy-encodings
if [[ -f crates/orgsync-cli/src/main.rs ]]; then
  cargo build -p orgsync-cli || echo "test-js: the CLI did not build; comparing with the reference only" >&2
fi

node --test tests/js/
(cd tests/js && node_modules/.bin/tsc --noEmit -p tsconfig.json)
echo "test-js: all passed"
