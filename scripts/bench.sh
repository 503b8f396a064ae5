#!/usr/bin/env bash
# The speed and memory benchmark (see BENCHMARKS.md).
#
# Builds release, writes the clean 1M-row file into target/, then measures wall time, CPU time and
# peak memory (/usr/bin/time -v) of:
#   - csv-baseline: a bare `csv` crate ByteRecord loop over the file (the baseline),
#   - check-file:   the engine alone, streaming the file through Checker in 1 MiB chunks,
#   - orgsync check --format json, when the CLI binary exists,
# each RUNS times (default 3), keeping the best; then prints the ratios to the baseline and the
# engine's per-stage times (stage-times). Targets: check <= 2.5x the baseline, peak < 150 MiB.
#
# Usage: scripts/bench.sh [ROWS] [RUNS]      (ROWS default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-1000000}"
RUNS="${2:-3}"
FILE="target/bench-${ROWS}.csv"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak memory)..." >&2
  if command -v apt-get >/dev/null; then
    (apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; })
  fi
fi

cargo build --release -p orgsync-tests --bins >&2
if cargo metadata --no-deps --format-version 1 2>/dev/null | grep -q '"name":"orgsync"'; then
  cargo build --release -p orgsync-cli --bin orgsync >&2 || true
fi

if [ ! -s "$FILE" ]; then
  echo "writing $FILE ($ROWS rows)..." >&2
  target/release/gen-bench "$FILE" "$ROWS"
fi
# Read it once so every measurement starts with the file in the page cache.
cat "$FILE" >/dev/null

# measure NAME CMD... : best wall time of RUNS runs, with that run's CPU time and peak RSS.
declare -A WALL CPU RSS
measure() {
  local name="$1"; shift
  local best="" cpu="" rss=""
  for _ in $(seq "$RUNS"); do
    local out
    out=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 )
    local w u s m
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' <<<"$out" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    u=$(awk -F': ' '/User time/ {print $2}' <<<"$out")
    s=$(awk -F': ' '/System time/ {print $2}' <<<"$out")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' <<<"$out")
    if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best="$w"; cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}'); rss="$m"
    fi
  done
  WALL[$name]="$best"; CPU[$name]="$cpu"; RSS[$name]="$rss"
  printf '%-28s wall %6.2f s   cpu %6.2f s   peak %7.1f MiB\n' "$name" "$best" "$cpu" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"
}

echo "file: $FILE ($(stat -c %s "$FILE") bytes), best of $RUNS runs"
measure csv-baseline target/release/csv-baseline "$FILE"
measure check-file target/release/check-file "$FILE"
# The CLI counts only once it implements `check --format json` (branch `cli` until merged).
if [ -x target/release/orgsync ] && printf 'primary_email_address\r\na@example.com\r\n' >target/bench-probe.csv \
   && target/release/orgsync check --format json target/bench-probe.csv 2>/dev/null | grep -q '^{'; then
  measure "orgsync check --format json" target/release/orgsync check --format json "$FILE"
fi

echo
for name in check-file "orgsync check --format json"; do
  [ -n "${WALL[$name]:-}" ] || continue
  awk -v n="$name" -v w="${WALL[$name]}" -v bw="${WALL[csv-baseline]}" -v c="${CPU[$name]}" -v bc="${CPU[csv-baseline]}" -v r="${RSS[$name]}" \
    'BEGIN { printf "%-28s %.2fx the baseline wall time, %.2fx its CPU time, peak %.1f MiB (targets: <= 2.5x, < 150 MiB)\n", n, w/bw, (bc>0 ? c/bc : 0), r/1024 }'
done

echo
echo "per stage, file in memory (stage-times):"
target/release/stage-times "$FILE" "$RUNS"

# Instruction counts do not depend on what else the machine is doing: on a shared or busy machine
# they are the figure to compare across commits. callgrind runs ~50x slower, so on 50k rows.
if command -v valgrind >/dev/null && [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
  SMALL=target/bench-50000.csv
  [ -s "$SMALL" ] || target/release/gen-bench "$SMALL" 50000
  echo
  echo "instructions on $SMALL (valgrind --tool=callgrind):"
  base_ir=""
  for bin in csv-baseline check-file; do
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "target/release/$bin" "$SMALL" 2>&1 >/dev/null \
         | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
    [ -n "$base_ir" ] || base_ir="$ir"
    awk -v n="$bin" -v i="$ir" -v b="$base_ir" 'BEGIN { printf "%-28s %14d instructions  %.2fx\n", n, i, i/b }'
  done
fi
