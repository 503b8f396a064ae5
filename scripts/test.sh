#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotent), then the Rust suites (engine unit
# tests, golden cases, properties, CLI), the JavaScript API in Node, then the browser end-to-end
# suite against the built page.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo test --workspace --locked
scripts/test-js.sh
scripts/e2e.sh
