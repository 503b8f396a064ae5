//! Writes the benchmark's clean Org Sync file: `gen-bench OUT.csv [ROWS] [clean|identical|invalid|realistic|realistic-unique]`
//! (default 1,000,000 clean rows; `identical` repeats the first row, `invalid` makes every cell
//! wrong — the memory benchmarks' worst cases; `realistic` is a real organisation's file, with
//! names that repeat, `realistic-unique` the same with unique names).

use orgsync_tests::bench::Variant;

use std::io::BufWriter;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!(
            "usage: gen-bench OUT.csv [ROWS] [clean|identical|invalid|realistic|realistic-unique]"
        );
        std::process::exit(2);
    };
    let rows = orgsync_tests::count_arg(args.next(), 1_000_000, "gen-bench", "ROWS");
    let variant = match args.next().as_deref() {
        None | Some("clean") => Variant::Clean,
        Some("identical") => Variant::Identical,
        Some("invalid") => Variant::Invalid,
        Some("realistic") => Variant::Realistic,
        Some("realistic-unique") => Variant::RealisticUnique,
        Some(other) => {
            eprintln!(
                "gen-bench: unknown variant {other}: clean, identical, invalid, realistic or realistic-unique"
            );
            std::process::exit(2);
        }
    };
    let result = std::fs::File::create(&path).and_then(|f| {
        orgsync_tests::bench::write_variant_to(&mut BufWriter::new(f), rows, variant)
    });
    if let Err(e) = result {
        eprintln!("gen-bench: cannot write {path}: {e}");
        std::process::exit(2);
    }
}
