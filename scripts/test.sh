#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotent), then the Rust suites (engine unit
# tests, golden cases, properties, CLI), the JavaScript API in Node, then the browser end-to-end
# suite against the built page.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo test --workspace --locked
# The engine as the JS API's default package builds it (no legacy code pages, no rule docs, no
# comparison with a user export): its own codec against encoding_rs, the F001 stop, and an export
# never compared. The workspace run above unifies the features on.
cargo test --locked -p orgsync-core --no-default-features --lib -- codec:: without_legacy without_roster
scripts/test-js.sh
scripts/e2e.sh
