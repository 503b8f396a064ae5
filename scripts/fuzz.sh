#!/usr/bin/env bash
# Fuzzes the engine: each target in fuzz/ runs for SECONDS (default 60) with the nightly
# toolchain and cargo-fuzz (libFuzzer; no sanitizer: the engine forbids unsafe code), seeded from the golden cases'
# inputs. Not part of CI or scripts/test.sh: fuzzing needs nightly and time.
#
#   scripts/fuzz.sh [--fast] [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 200 check fix structured
#
# --fast builds without libFuzzer's comparison tracing (`--no-trace-compares`, into
# fuzz/target-fast): about 5 times the executions a second (the tracing hooks are two thirds of
# an instrumented execution's instructions), at the cost of the fuzzer no longer learning the
# constants the engine compares bytes against. A campaign mixes both: the traced build finds
# new shapes, the fast one runs them at scale.
#
# A crash is saved under fuzz/artifacts/<target>/; reproduce it with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# and turn it into a regression case in the normal test suite (tests/cases or a unit test). For
# the structured target, the file its bytes stand for is written by
#   (cd fuzz && cargo +nightly run --release --example generate -- artifacts/structured/<file> out.csv)
# Each target's last libFuzzer line (executions run, corpus size) is printed at the end and
# kept in fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

build=(--sanitizer none)
mode=traced
if [ "${1:-}" = --fast ]; then
    build+=(--no-trace-compares --target-dir target-fast)
    mode=fast
    shift
fi
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check fix structured)

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz.sh: needs the nightly toolchain (rustup toolchain install nightly)" >&2
    exit 2
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seeds: every golden case's input. The check and fix targets read a first byte as the number of
# cut points, so their seeds get a leading 0 (no cuts); the structured target reads bytes as
# choices, so any bytes seed it.
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    for f in tests/cases/*/input.*; do
        case_name="$(basename "$(dirname "$f")")"
        if [ "$t" = structured ]; then
            head -c 256 "$f" > "fuzz/corpus/$t/seed-$case_name"
        else
            { printf '\0'; head -c 4096 "$f"; } > "fuzz/corpus/$t/seed-$case_name"
        fi
    done
done

mkdir -p fuzz/logs
status=0
for t in "${targets[@]}"; do
    echo "== $t: ${seconds}s"
    # -max_len: 4 KiB (libFuzzer's default) explores structure; the limits tests cover big files.
    crashed=0
    commit="$(git describe --always --dirty)"
    if ! (cd fuzz && cargo +nightly fuzz run "${build[@]}" "$t" -- -max_total_time="$seconds" -max_len=4096 \
            -rss_limit_mb=2048 -timeout=10 -print_final_stats=1) > "fuzz/logs/$t.log" 2>&1; then
        echo "   CRASH: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
        status=1
        crashed=1
    fi
    # One line a run, for RELIABILITY.md's totals: when, which commit, target, build, seconds,
    # executions, crashes.
    runs=$(grep -E '^stat::number_of_executed_units' "fuzz/logs/$t.log" | awk '{print $2}' || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$commit" \
        "$t" "$mode" "$seconds" "${runs:-?}" "$crashed" >> fuzz/logs/runs.tsv
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "fuzz/logs/$t.log" | sed 's/^/   /' || true
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "fuzz/logs/$t.log" | tail -1 | sed 's/^/   /' || true
done
exit $status
