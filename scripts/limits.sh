#!/usr/bin/env bash
# The engine on hostile and broken files, in release: runs the limits tests including the ones
# over 100 MB (ignored in debug), then writes every hostile input to target/hostile/ and runs the
# CLI on each with /usr/bin/time -v, printing its exit code, wall time and peak memory (maximum
# resident set size). RELIABILITY.md records the figures.
#
#   scripts/limits.sh            every case
#   scripts/limits.sh CASE...    only these (names from orgsync_tests::hostile::CASES)
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /usr/bin/time ] || { sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null; }

cargo build --release -q -p orgsync-cli -p orgsync-tests --bin gen-hostile
cargo test --release -q -p orgsync-tests --test limits -- --include-ignored || echo "limits tests FAILED"

dir=target/hostile
rm -rf "$dir" && mkdir -p "$dir/out"
target/release/gen-hostile "$dir" "$@" > "$dir/cases.tsv"

measure() { # label, command...
    local label="$1"
    shift
    local log="$dir/out/time.log" rc=0
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || rc=$?
    local rss wall
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$log")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    printf '  %-34s exit %s  wall %8s  peak %7s MiB\n' "$label" "$rc" "$wall" "$rss"
}

while IFS=$'\t' read -r path what; do
    name=$(basename "$path" .csv)
    size=$(stat -c %s "$path")
    echo "$name ($what, $size bytes)"
    measure "check (human)" target/release/orgsync check "$path"
    measure "check --format json" target/release/orgsync check --format json "$path"
    measure "check --format json --max-findings-per-code 100" \
        target/release/orgsync check --format json --max-findings-per-code 100 "$path"
    measure "fix (corrected + both reports)" target/release/orgsync fix "$path" \
        -o "$dir/out/corrected.csv" --report "$dir/out/report.csv" --findings "$dir/out/findings.csv"
    # What each outcome was: the codes found, with counts.
    target/release/orgsync check --format json --max-findings-per-code 1 "$path" 2>/dev/null |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print("  findings:", ", ".join(f"{k} x{v:,}" for k,v in r["summary"]["by_code"].items()))' ||
        true
done < "$dir/cases.tsv"
