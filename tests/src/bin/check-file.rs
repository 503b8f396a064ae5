//! The engine-only measurement: streams a file through the check pass in 1 MiB chunks and prints
//! the report's counts (or the whole JSON report with `--json`).
//!
//! `check-file [--json] FILE`. Unlike the CLI it does no terminal rendering, so the benchmark can
//! tell the engine's cost from the front end's.

use orgsync_core::{Checker, Options};
use std::io::Read;

fn main() {
    let mut json = false;
    let mut path = None;
    for a in std::env::args().skip(1) {
        if a == "--json" {
            json = true;
        } else {
            path = Some(a);
        }
    }
    let Some(path) = path else {
        eprintln!("usage: check-file [--json] FILE");
        std::process::exit(2);
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("check-file: cannot open {path}: {e}");
            std::process::exit(2);
        }
    };
    let options = Options {
        file_name: Some(path.clone()),
        // As the CLI does: counts stay exact, the kept list stays bounded.
        max_findings_per_code: Some(1000),
        ..Options::default()
    };
    let mut checker = Checker::new(options);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => checker.push(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                eprintln!("check-file: cannot read {path}: {e}");
                std::process::exit(2);
            }
        }
    }
    let report = checker.finish();
    if json {
        println!("{}", report.to_json(false));
    } else {
        let s = &report.summary;
        println!(
            "{} rows, {} columns: {} errors, {} warnings, {} infos",
            report.file.rows, report.file.columns, s.errors, s.warnings, s.infos
        );
    }
}
