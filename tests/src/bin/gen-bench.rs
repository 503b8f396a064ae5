//! Writes the benchmark's clean Org Sync file: `gen-bench OUT.csv [ROWS]` (default 1,000,000 rows).

use std::io::BufWriter;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: gen-bench OUT.csv [ROWS]");
        std::process::exit(2);
    };
    let rows: u64 = match args.next().map(|s| s.replace('_', "").parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("gen-bench: ROWS must be a number: {e}");
            std::process::exit(2);
        }
    };
    let result = std::fs::File::create(&path)
        .and_then(|f| orgsync_tests::bench::write_to(&mut BufWriter::new(f), rows));
    if let Err(e) = result {
        eprintln!("gen-bench: cannot write {path}: {e}");
        std::process::exit(2);
    }
}
