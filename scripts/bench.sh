#!/usr/bin/env bash
# The speed and memory benchmark (see BENCHMARKS.md).
#
# Builds release and writes the benchmark files into target/ (gen-bench):
#   - clean:     every value valid, every row different: the engine's fast path;
#   - unique:    a real organisation's values (20% Inactive, 2% admins, 1% of rows with the
#                usual mistakes) with unique names (`gen-bench FILE ROWS realistic-unique`);
#   - realistic: the same with names drawn from realistic pools, so namesakes are common
#                (`gen-bench FILE ROWS realistic`).
# For each file it measures wall time, CPU time and peak memory (/usr/bin/time -v) of
#   - csv-baseline:  a bare `csv` crate ByteRecord loop over the file (the parse floor),
#   - check-file:    the engine alone, streaming the file through Checker in 1 MiB chunks,
#   - check:         `orgsync check --format json FILE` (two threads on two cores: the file's
#                    halves at once, merged),
#   - check-1-thread: the same with `--threads 1`,
#   - fix+reports:   `orgsync fix FILE -o OUT --report R --findings F` (outputs in target/bench-out),
# RUNS times each, the commands alternating within each run (the machine is shared: alternating
# spreads other work over all of them), and prints each one's median and best with its ratio
# to the baseline's median. Targets: check <= 2.5x (clean, unique) / 3x (realistic) the
# baseline, fix+reports <= 4x plus the time to write its output, peak < 150 MiB.
#
# Then the instruction counts (callgrind): unaffected by other load, the figures to compare
# across commits: the clean file at 50k rows, the two realistic ones at 200k; for the fix, the
# csv crate's writer writing the same output records (csv-write-baseline) is "the time to write
# its output".
#
# Usage: scripts/bench.sh [ROWS] [RUNS] [FILES]   (ROWS default 1000000, RUNS 5,
#                                                  FILES default "clean unique realistic")
# BENCH_BIN=DIR takes the binaries (csv-baseline, check-file, orgsync) from DIR instead of
# building them (to measure another commit's build against the same files);
# BENCH_CALLGRIND=0 skips the instruction counts, BENCH_STAGES=0 the per-stage times (stage-times:
# the file in memory, the engine cut after each stage).
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-1000000}"
RUNS="${2:-5}"
FILES="${3:-clean unique realistic}"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak memory)..." >&2
  if command -v apt-get >/dev/null; then
    (apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; })
  fi
fi

cargo build --release -p orgsync-tests --bins >&2
cargo build --release -p orgsync-cli --bin orgsync >&2
BIN="${BENCH_BIN:-target/release}"

# file KIND ROWS: the path of that benchmark file, written if missing.
file() {
  local kind="$1" rows="$2" path variant
  case "$kind" in
    clean) path="target/bench-${rows}.csv"; variant=clean ;;
    unique) path="target/bench-unique-${rows}.csv"; variant=realistic-unique ;;
    realistic) path="target/bench-realistic-${rows}.csv"; variant=realistic ;;
    *) echo "unknown file kind $kind" >&2; exit 2 ;;
  esac
  if [ ! -s "$path" ]; then
    echo "writing $path ($rows rows, $variant)..." >&2
    target/release/gen-bench "$path" "$rows" "$variant" >&2
  fi
  echo "$path"
}

mkdir -p target/bench-out
OUT=target/bench-out

# run_once CMD...: prints "wall cpu peak_kib" of one run.
run_once() {
  local out
  out=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 )
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%.3f %.2f %d\n", w, u + s, m }' <<<"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for kind in $FILES; do
  FILE=$(file "$kind" "$ROWS")
  cat "$FILE" >/dev/null   # every measurement starts with the file in the page cache
  echo
  echo "== $kind: $FILE ($(stat -c %s "$FILE") bytes), $RUNS alternating runs"
  declare -A WALLS=() PEAK=() CPUS=()
  names=(csv-baseline check-file check check-1-thread fix+reports)
  for _ in $(seq "$RUNS"); do
    for name in "${names[@]}"; do
      case "$name" in
        csv-baseline) cmd=("$BIN/csv-baseline" "$FILE") ;;
        check-file) cmd=("$BIN/check-file" "$FILE") ;;
        check) cmd=("$BIN/orgsync" check --format json "$FILE") ;;
        check-1-thread) cmd=("$BIN/orgsync" check --threads 1 --format json "$FILE") ;;
        fix+reports) cmd=("$BIN/orgsync" fix "$FILE" -o "$OUT/corrected.csv" --report "$OUT/report.csv" --findings "$OUT/findings.csv") ;;
      esac
      set +e
      read -r w c m < <(run_once "${cmd[@]}")
      set -e
      WALLS[$name]+="$w "
      CPUS[$name]+="$c "
      [ "${PEAK[$name]:-0}" -ge "$m" ] || PEAK[$name]=$m
    done
  done
  base=$(tr ' ' '\n' <<<"${WALLS[csv-baseline]}" | grep . | median)
  for name in "${names[@]}"; do
    med=$(tr ' ' '\n' <<<"${WALLS[$name]}" | grep . | median)
    best=$(tr ' ' '\n' <<<"${WALLS[$name]}" | grep . | sort -n | head -1)
    cpu=$(tr ' ' '\n' <<<"${CPUS[$name]}" | grep . | median)
    awk -v n="$name" -v med="$med" -v best="$best" -v cpu="$cpu" -v b="$base" -v m="${PEAK[$name]}" \
      'BEGIN { printf "%-15s median %6.2f s (best %5.2f, cpu %5.2f)  %5.2fx the baseline   peak %6.1f MiB\n", n, med, best, cpu, med/b, m/1024 }'
  done
  if [ -s "$OUT/findings.csv" ]; then
    echo "fix outputs: corrected $(stat -c %s "$OUT/corrected.csv") B, error report $(stat -c %s "$OUT/report.csv") B, findings $(stat -c %s "$OUT/findings.csv") B"
  fi
  echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ -x "$BIN/stage-times" ] && [ "${BENCH_STAGES:-1}" != 0 ]; then
    echo "per stage, file in memory (stage-times, best of $RUNS):"
    "$BIN/stage-times" "$FILE" "$RUNS"
  fi
done

# Instruction counts do not depend on what else the machine is doing: on a shared or busy machine
# they are the figure to compare across commits. callgrind runs ~50x slower, so on fewer rows.
if command -v valgrind >/dev/null && [ "${BENCH_CALLGRIND:-1}" != 0 ]; then
  echo
  echo "instructions (valgrind --tool=callgrind):"
  for kind in $FILES; do
    rows=200000
    [ "$kind" != clean ] || rows=50000
    SMALL=$(file "$kind" "$rows")
    base_ir=""
    for bin in csv-baseline check-file; do
      ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN/$bin" "$SMALL" 2>&1 >/dev/null \
           | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
      [ -n "$base_ir" ] || base_ir="$ir"
      awk -v n="$bin" -v f="$SMALL" -v i="$ir" -v b="$base_ir" 'BEGIN { printf "%-36s %-14s %14d instructions  %.2fx\n", f, n, i, i/b }'
    done
    # The fix with both reports (all threads), and the time to write its output: the csv
    # crate's writer writing the same records (only its writing counted). Target: 4x the parse
    # plus that.
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$BIN/orgsync" fix "$SMALL" -o "$OUT/corrected.csv" \
           --report "$OUT/report.csv" --findings "$OUT/findings.csv" 2>&1 >/dev/null | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
    awk -v f="$SMALL" -v i="$ir" -v b="$base_ir" 'BEGIN { printf "%-36s %-14s %14d instructions  %.2fx\n", f, "fix+reports", i, i/b }'
    if [ -x "$BIN/csv-write-baseline" ]; then
      w=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*write_records*' "$BIN/csv-write-baseline" \
            "$OUT/rewritten.csv" "$OUT/corrected.csv" "$OUT/report.csv" "$OUT/findings.csv" 2>&1 >/dev/null \
          | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
      awk -v f="$SMALL" -v w="$w" -v i="$ir" -v b="$base_ir" \
        'BEGIN { printf "%-36s %-14s %14d instructions  target 4x parse + write = %d: fix is %.2fx of it\n", f, "write-baseline", w, 4*b + w, i/(4*b + w) }'
    fi
  done
fi
