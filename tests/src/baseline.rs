//! The passes the speed target compares (the check at most 2.5 times the `csv` loop), written
//! once for `csv-baseline`, `stage-times` and the engine's criterion bench
//! (`crates/orgsync-core/benches/check.rs` includes this file by its path: the engine cannot
//! depend on the tests crate). It uses only `csv` and `orgsync_core`.

/// The `csv` crate's `ByteRecord` loop, the baseline, over `input` read in 1 MiB buffers (as the
/// CLI reads a file): the numbers of records and fields, so the loop cannot be optimised away.
pub fn csv_records(input: impl std::io::Read) -> csv::Result<(u64, u64)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields) = (0u64, 0u64);
    while rdr.read_byte_record(&mut record)? {
        records += 1;
        fields += record.len() as u64;
    }
    Ok((records, fields))
}

/// The check pass over a file held in memory, pushed in 1 MiB chunks as the CLI feeds it, with at
/// most 1,000 findings kept a rule: everything the CLI's check does but reading and rendering.
pub fn check(bytes: &[u8]) -> orgsync_core::Report {
    let mut c = orgsync_core::Checker::new(orgsync_core::Options {
        max_findings_per_code: Some(1000),
        ..Default::default()
    });
    for chunk in bytes.chunks(1 << 20) {
        c.push(chunk);
    }
    c.finish()
}
