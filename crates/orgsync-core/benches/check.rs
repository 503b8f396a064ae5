//! The check pass against a bare `csv` parse of the same bytes, with the pipeline's stages between.
//!
//! Reads a 100,000-row slice of the benchmark's clean file (the same rows `gen-bench` writes for
//! the 1M-row run: see `scripts/bench.sh` and BENCHMARKS.md), held in memory so only parsing and
//! checking are timed. Functions in one group share the input, so their times compare directly:
//!
//! - `csv_byte_records`: the `csv` crate's `ByteRecord` loop, the baseline;
//! - `stage_decode`, `stage_parse`, `stage_rows`: the engine's pipeline cut after sniffing and
//!   decoding, after parsing, and after splitting rows into cells (see `orgsync_core::stages`);
//! - `check`: `Checker::push` in 1 MiB chunks, then `finish` — everything the CLI's check does
//!   but reading the file and rendering.
//!
//! The target is `check` ≤ 2.5 × `csv_byte_records`. Run: `cargo bench -p orgsync-core`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// The `csv` loop and the check pass, as `stage-times` runs them.
#[path = "../../../tests/src/baseline.rs"]
mod baseline;

/// The 100k-row file `scripts/bench.sh` writes with `gen-bench` (the engine cannot depend on the
/// tests crate that holds the generator, so the bench reads its output), or `$ORGSYNC_BENCH_FILE`.
fn input() -> Vec<u8> {
    let path = std::env::var("ORGSYNC_BENCH_FILE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench-100k.csv").to_string()
    });
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!(
            "cannot read the benchmark file {path}: {e}\nmake it with: cargo run --release -p orgsync-tests --bin gen-bench -- target/bench-100k.csv 100000"
        ),
    }
}

fn bench(c: &mut Criterion) {
    let bytes = input();
    let mut g = c.benchmark_group("clean-100k");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("csv_byte_records", |b| {
        b.iter(|| baseline::csv_records(black_box(&bytes[..])))
    });
    g.bench_function("stage_decode", |b| {
        b.iter(|| orgsync_core::stages::decode(black_box(&bytes)))
    });
    g.bench_function("stage_parse", |b| {
        b.iter(|| orgsync_core::stages::parse(black_box(&bytes)))
    });
    g.bench_function("stage_rows", |b| {
        b.iter(|| orgsync_core::stages::rows(black_box(&bytes)))
    });
    g.bench_function("check", |b| b.iter(|| baseline::check(black_box(&bytes))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
