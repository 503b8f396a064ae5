#!/usr/bin/env bash
# The engine on hostile and broken files, in release: runs the limits tests including the ones
# over 100 MB (ignored in debug), then writes every hostile input to target/hostile/ and runs the
# CLI on each with /usr/bin/time -v, printing its exit code, wall time and peak memory (maximum
# resident set size). RELIABILITY.md records the figures.
#
#   scripts/limits.sh            every case, then the memory section below
#   scripts/limits.sh CASE...    only these (names from orgsync_tests::hostile::CASES)
#   scripts/limits.sh memory     only the memory section: the CLI on the benchmark's two worst
#                                files (1M rows all invalid, 1M identical rows; gen-bench), with
#                                the default cap of 10,000 findings per rule; UNCAPPED=1 adds
#                                `--max-findings-per-code all` (about 9 GiB on the invalid file)
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /usr/bin/time ] || { sudo apt-get install -y time >/dev/null 2>&1 || apt-get install -y time >/dev/null; }

cargo build --release -q -p orgsync-cli -p orgsync-tests --bin gen-hostile --bin gen-bench
memory_only=0
if [ "${1:-}" = memory ]; then memory_only=1; shift; fi
[ "$memory_only" = 1 ] ||
    cargo test --release -q -p orgsync-tests --test limits -- --include-ignored || echo "limits tests FAILED"

dir=target/hostile
rm -rf "$dir" && mkdir -p "$dir/out"
if [ "$memory_only" = 1 ]; then : > "$dir/cases.tsv"; else target/release/gen-hostile "$dir" "$@" > "$dir/cases.tsv"; fi

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
    measure "check --format json --max-findings-per-code all" \
        target/release/orgsync check --format json --max-findings-per-code all "$path"
    measure "fix (corrected + both reports)" target/release/orgsync fix "$path" \
        -o "$dir/out/corrected.csv" --report "$dir/out/report.csv" --findings "$dir/out/findings.csv"
    # What each outcome was: the codes found, with counts.
    target/release/orgsync check --format json --max-findings-per-code 1 "$path" 2>/dev/null |
        python3 -c 'import json,sys; r=json.load(sys.stdin); print("  findings:", ", ".join(f"{k} x{v:,}" for k,v in r["summary"]["by_code"].items()))' ||
        true
done < "$dir/cases.tsv"

# Memory: the CLI on the benchmark's worst files (RELIABILITY.md, "Memory on the all-bad file").
if [ "$memory_only" = 1 ] || [ $# -eq 0 ]; then
    for kind in invalid identical; do
        file=target/bench-1000000-$kind.csv
        [ -f "$file" ] || target/release/gen-bench "$file" 1000000 "$kind" > /dev/null
        echo "$file (1,000,000 rows, $kind)"
        measure "check --format json" target/release/orgsync check --format json "$file"
        measure "check (human)" target/release/orgsync check "$file"
        measure "check --verbose" target/release/orgsync check --verbose "$file"
        measure "fix --report --findings --json" target/release/orgsync fix "$file" \
            -o "$dir/out/corrected.csv" --report "$dir/out/report.csv" --findings "$dir/out/findings.csv" \
            --json "$dir/out/report.json"
        rm -f "$dir"/out/*.csv "$dir"/out/*.json
        if [ "${UNCAPPED:-0}" = 1 ]; then
            measure "check --format json --max-findings-per-code all" \
                target/release/orgsync check --format json --max-findings-per-code all "$file"
        fi
    done
fi
