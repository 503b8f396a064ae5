//! The set-up cost of the two passes: builds a `Checker` (and a `Fixer`) N times over a one-row
//! file and prints the mean time each took. What bounds the fuzz targets' rate and what a page or
//! a JS caller pays for each small file (see BENCHMARKS.md, "Set-up cost").
//!
//! `setup-cost [N] [check|fix|both]` (N default 20,000; `both` by default). Under callgrind, run
//! it twice with different N and divide the difference in instructions by the difference in N:
//! the instructions one set-up costs, free of the process's own start.

use orgsync_core::{Checker, FixOptions, Fixer, Options};
use std::hint::black_box;
use std::time::Instant;

/// A one-row file: the header and one clean row.
const FILE: &[u8] = b"primary_email_address,preferred_first_name,acme_license_learning_status\r\n\
jane.doe@example.com,Jane,Active\r\n";

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let which = args.next().unwrap_or_else(|| "both".into());
    let options = Options::default();
    let report = {
        let mut c = Checker::new(options.clone());
        c.push(FILE);
        c.finish()
    };
    if which != "fix" {
        let start = Instant::now();
        for _ in 0..n {
            let mut c = Checker::new(black_box(options.clone()));
            c.push(black_box(FILE));
            black_box(c.finish());
        }
        let each = start.elapsed() / n;
        println!(
            "check a one-row file: {:.1} µs each ({n} times)",
            each.as_nanos() as f64 / 1000.0
        );
    }
    if which != "check" {
        let fix_options = FixOptions::default();
        let start = Instant::now();
        for _ in 0..n {
            let mut f = Fixer::new(black_box(&report), &fix_options);
            f.push(black_box(FILE));
            black_box(f.take_output());
            black_box(f.finish());
        }
        let each = start.elapsed() / n;
        println!(
            "fix a one-row file:   {:.1} µs each ({n} times)",
            each.as_nanos() as f64 / 1000.0
        );
    }
}
