//! The speed baseline: merely parse a file with the `csv` crate, one `ByteRecord` at a time.
//!
//! `csv-baseline FILE` prints the number of records and fields, so the loop cannot be optimised
//! away. The check pass is measured against this (target: at most 2.5 times its time).

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: csv-baseline FILE");
        std::process::exit(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("csv-baseline: cannot open {path}: {e}");
            std::process::exit(2);
        }
    };
    // Reads of 1 MiB, as check-file makes, so both read the file the same way.
    match orgsync_tests::baseline::csv_records(file) {
        Ok((records, fields)) => println!("{records} records, {fields} fields"),
        Err(e) => {
            eprintln!("csv-baseline: {e}");
            std::process::exit(1);
        }
    }
}
