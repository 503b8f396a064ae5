//! Writes the preview benchmark's pair: a user export and an upload of mostly the same users.
//!
//! `gen-roster EXPORT.csv UPLOAD.csv [USERS]` (default 200,000). The export lists `USERS` users
//! in the admin center's form (`invited_email_address`, the benchmark file's other columns);
//! the upload has as many rows: 95% of the export's users — most unchanged, one in eight with a
//! change (a license revoked, a group added or removed, an office moved, a new title) — and 5%
//! new users. The other 5% of the export are untouched. Deterministic.

use std::io::BufWriter;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(export), Some(upload)) = (args.next(), args.next()) else {
        eprintln!("usage: gen-roster EXPORT.csv UPLOAD.csv [USERS]");
        std::process::exit(2);
    };
    let users = orgsync_tests::count_arg(args.next(), 200_000, "gen-roster", "USERS");
    if let Err(e) = write(&export, &upload, users) {
        eprintln!("gen-roster: {e}");
        std::process::exit(2);
    }
}

fn write(export: &str, upload: &str, users: u64) -> Result<(), Box<dyn std::error::Error>> {
    let kept = users - users / 20;
    let new = users - kept;
    // The benchmark file's rows: 0..users are the export's users, users.. the new ones.
    let source = orgsync_tests::bench::file(users + new);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(source.as_slice());
    let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let (title, license, sales, eng, office) = (
        col("work_title"),
        col("acme_license_learning_status"),
        col("group:Sales"),
        col("group:Engineering"),
        col("attribute_office"),
    );
    let mut builder = csv::WriterBuilder::new();
    builder.terminator(csv::Terminator::CRLF);
    let mut ex = builder.from_writer(BufWriter::new(std::fs::File::create(export)?));
    let mut up = builder.from_writer(BufWriter::new(std::fs::File::create(upload)?));
    let mut ex_header = header.clone();
    ex_header[0] = "invited_email_address".into();
    ex.write_record(&ex_header)?;
    up.write_record(&header)?;
    for (i, record) in reader.records().enumerate() {
        let i = i as u64;
        let record = record?;
        let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
        if i < users {
            ex.write_record(&cells)?;
        }
        if i >= kept && i < users {
            continue; // untouched
        }
        if i < kept {
            match i % 40 {
                1 => cells[license] = "Inactive".into(),
                2 => cells[sales] = flip(&cells[sales]),
                3 => cells[eng] = flip(&cells[eng]),
                4 => cells[office] = "Remote".into(),
                5 => cells[title] = "Team Lead".into(),
                _ => {}
            }
        }
        up.write_record(&cells)?;
    }
    ex.flush()?;
    up.flush()?;
    Ok(())
}

/// `yes` becomes `no`, anything else `yes`.
fn flip(v: &str) -> String {
    if v == "yes" { "no" } else { "yes" }.into()
}
