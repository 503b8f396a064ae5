//! Per-stage times of the check pass on a file held in memory: `stage-times FILE [RUNS]`.
//!
//! Prints, for the bare `csv` `ByteRecord` loop and for the engine cut after each stage (sniff +
//! decode, parse, rows split into cells, the full check), the best of RUNS runs (default 5) and
//! its ratio to the `csv` loop. A stage's own cost is its time minus the previous stage's; the
//! rules' cost is `check` minus `rows`. Best-of-N because other work on the machine only ever
//! adds time.

use orgsync_tests::baseline;
use std::time::{Duration, Instant};

fn best(runs: usize, mut f: impl FnMut() -> u64) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

/// The baseline: the `csv` loop's field count.
fn csv_loop(bytes: &[u8]) -> u64 {
    baseline::csv_records(bytes).map_or(0, |(_, fields)| fields)
}

fn check(bytes: &[u8]) -> u64 {
    baseline::check(bytes).file.rows
}

/// One stage: a name and what it runs on the whole file.
type Stage<'a> = &'a dyn Fn(&[u8]) -> u64;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: stage-times FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("stage-times: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let base = best(runs, || csv_loop(&bytes));
    let stages: [(&str, Stage); 5] = [
        ("csv ByteRecord loop", &csv_loop),
        ("engine: sniff+decode", &orgsync_core::stages::decode),
        ("engine: +parse", &orgsync_core::stages::parse),
        ("engine: +rows", &orgsync_core::stages::rows),
        ("engine: check (all rules)", &check),
    ];
    println!("{} MB, best of {runs} runs", bytes.len() as f64 / 1e6);
    for (name, f) in stages {
        let t = if name.starts_with("csv") {
            base
        } else {
            best(runs, || f(&bytes))
        };
        println!(
            "{name:<28} {:>9.1} ms  {:>5.2}x",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / base.as_secs_f64()
        );
    }
}
