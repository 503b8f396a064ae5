//! The baseline for "the time to write the output" of `orgsync fix`: the `csv` crate's writer
//! writing the same records the fix wrote.
//!
//! `csv-write-baseline OUT FILE...` reads every record of each FILE (the corrected file and the
//! reports of a fix) into memory, then writes them all with `csv::Writer` (quoting as needed,
//! CRLF line ends, the reports' format) into OUT through a 1 MiB buffer, as `orgsync fix` writes
//! its outputs. Only the writing is the baseline: measure it with callgrind's
//! `--toggle-collect='*write_records*'` (see BENCHMARKS.md), so the reading is not counted.

use std::io::Write;

#[inline(never)]
fn write_records(out: &str, files: &[Vec<csv::ByteRecord>]) -> std::io::Result<u64> {
    let f = std::fs::File::create(out)?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(std::io::BufWriter::with_capacity(1 << 20, f));
    let mut n = 0;
    for records in files {
        for r in records {
            w.write_byte_record(r)?;
            n += 1;
        }
    }
    w.flush()?;
    let mut inner = w.into_inner().map_err(|e| e.into_error())?;
    inner.flush()?;
    Ok(n)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, inputs)) = args.split_first().filter(|(_, rest)| !rest.is_empty()) else {
        eprintln!("usage: csv-write-baseline OUT FILE...");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    for path in inputs {
        let mut rdr = match csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("csv-write-baseline: cannot open {path}: {e}");
                std::process::exit(2);
            }
        };
        let mut records = Vec::new();
        for r in rdr.byte_records() {
            match r {
                Ok(r) => records.push(r),
                Err(e) => {
                    eprintln!("csv-write-baseline: {path}: {e}");
                    std::process::exit(1);
                }
            }
        }
        files.push(records);
    }
    match write_records(out, &files) {
        Ok(n) => println!("{n} records written"),
        Err(e) => {
            eprintln!("csv-write-baseline: cannot write {out}: {e}");
            std::process::exit(1);
        }
    }
}
